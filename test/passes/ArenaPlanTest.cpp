// Checks of the scratch arena's placement (passes/ArenaPlan.h): no two buffers that are live at
// the same time share a byte, offsets are aligned, and the arena is as small as the peak of the
// live bytes where a network's chain of layers allows it.
#include "passes/ArenaPlan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace bnn;

namespace {

void expectValid(const std::vector<ArenaBuffer> &buffers, const ArenaPlan &plan) {
  ASSERT_EQ(plan.offsets.size(), buffers.size());
  uint64_t end = 0;
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % buffers[i].alignment, 0u) << "buffer " << i;
    end = std::max(end, plan.offsets[i] + buffers[i].bytes);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const ArenaBuffer &a = buffers[i], &b = buffers[j];
      bool together = a.first <= b.last && b.first <= a.last;
      bool shareBytes = plan.offsets[i] < plan.offsets[j] + b.bytes &&
                        plan.offsets[j] < plan.offsets[i] + a.bytes && a.bytes && b.bytes;
      EXPECT_FALSE(together && shareBytes) << "buffers " << i << " and " << j;
    }
  }
  EXPECT_EQ(plan.size, end);
  EXPECT_GE(plan.size, peakLiveBytes(buffers));
}

} // namespace

TEST(ArenaPlan, Empty) {
  ArenaPlan plan = planArena({});
  EXPECT_EQ(plan.size, 0u);
  EXPECT_TRUE(plan.offsets.empty());
}

TEST(ArenaPlan, ChainOfLayersNeedsTwoBuffers) {
  // x0 -> x1 -> ... -> x7: layer k reads x(k-1) and writes xk, so at most two buffers are live
  // at once; the arena holds the largest pair that meets.
  std::vector<ArenaBuffer> chain;
  std::vector<uint64_t> sizes = {4096, 8192, 2048, 2048, 1024, 4096, 512, 256};
  for (size_t k = 0; k < sizes.size(); ++k)
    chain.push_back({sizes[k], static_cast<int64_t>(2 * k), static_cast<int64_t>(2 * k + 2), 64});
  ArenaPlan plan = planArena(chain);
  expectValid(chain, plan);
  EXPECT_EQ(peakLiveBytes(chain), 4096u + 8192u);
  EXPECT_EQ(plan.size, 4096u + 8192u);
}

TEST(ArenaPlan, ResidualBlockKeepsTheShortcutAlive) {
  // in -> a -> b -> add(b, in): `in` lives across the block.
  std::vector<ArenaBuffer> block = {
      {1000, 0, 6, 64}, // in
      {1000, 1, 3, 64}, // a
      {1000, 2, 6, 64}, // b
      {1000, 5, 7, 64}, // the sum
  };
  ArenaPlan plan = planArena(block);
  expectValid(block, plan);
  EXPECT_EQ(peakLiveBytes(block), 3000u);
  EXPECT_EQ(plan.size, 1024u * 2 + 1000u); // three live at once, each at a 64-byte boundary
}

TEST(ArenaPlan, AlignmentIsKept) {
  std::vector<ArenaBuffer> buffers = {{100, 0, 1, 64}, {10, 0, 1, 256}, {10, 0, 1, 64}};
  ArenaPlan plan = planArena(buffers);
  expectValid(buffers, plan);
  EXPECT_EQ(plan.offsets[0], 0u);
  EXPECT_EQ(plan.offsets[1], 256u);
  EXPECT_EQ(plan.offsets[2], 128u); // the first gap after the 100 bytes that holds it
}

TEST(ArenaPlan, RandomLifetimesNeverOverlap) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    int n = 1 + static_cast<int>(rng() % 40);
    std::vector<ArenaBuffer> buffers;
    for (int i = 0; i < n; ++i) {
      int64_t first = rng() % 50, length = rng() % 12;
      uint64_t bytes = rng() % 5 == 0 ? 0 : 1 + rng() % 5000;
      buffers.push_back({bytes, first, first + length, uint64_t(64) << (rng() % 3)});
    }
    ArenaPlan plan = planArena(buffers);
    expectValid(buffers, plan);
    uint64_t sum = 0;
    for (const ArenaBuffer &b : buffers)
      sum += (b.bytes + 255) / 256 * 256;
    EXPECT_LE(plan.size, sum);
  }
}

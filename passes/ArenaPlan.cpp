//===- ArenaPlan.cpp - offsets of buffers in one arena, by liveness -------===//
#include "passes/ArenaPlan.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace bnn {

static uint64_t alignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

ArenaPlan planArena(const std::vector<ArenaBuffer> &buffers) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].bytes != buffers[b].bytes ? buffers[a].bytes > buffers[b].bytes : a < b;
  });
  std::vector<size_t> placed;
  for (size_t i : order) {
    const ArenaBuffer &b = buffers[i];
    uint64_t alignment = std::max<uint64_t>(b.alignment, 1);
    // The placed buffers whose lifetimes meet this one's, by offset: the candidate offsets are
    // 0 and the end of each of them; the first gap that holds the buffer wins.
    std::vector<std::pair<uint64_t, uint64_t>> busy; // [begin, end)
    for (size_t j : placed)
      if (buffers[j].first <= b.last && b.first <= buffers[j].last && buffers[j].bytes)
        busy.push_back({plan.offsets[j], plan.offsets[j] + buffers[j].bytes});
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + b.bytes <= begin)
        break;
      offset = std::max(offset, alignUp(end, alignment));
    }
    plan.offsets[i] = offset;
    plan.size = std::max(plan.size, offset + b.bytes);
    placed.push_back(i);
  }
  return plan;
}

uint64_t peakLiveBytes(const std::vector<ArenaBuffer> &buffers) {
  std::map<int64_t, int64_t> delta;
  for (const ArenaBuffer &b : buffers) {
    delta[b.first] += static_cast<int64_t>(b.bytes);
    delta[b.last + 1] -= static_cast<int64_t>(b.bytes);
  }
  int64_t live = 0, peak = 0;
  for (auto [point, d] : delta)
    peak = std::max(peak, live += d);
  return static_cast<uint64_t>(peak);
}

} // namespace bnn

// Checks of the int8 (QDQ) convolution arithmetic: recovering int8 weights from the floats
// DequantizeLinear folds to, and the zero-point correction of a dot-product kernel, brute force
// against the float definition over random data.
#include "passes/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace bnn;

namespace {

/// DequantizeLinear of int8 weights with one scale per output channel, as the importer folds it.
std::vector<float> dequantize(const std::vector<int8_t> &q, const std::vector<float> &scale) {
  int64_t n = static_cast<int64_t>(q.size() / scale.size());
  std::vector<float> w(q.size());
  for (size_t i = 0; i < q.size(); ++i)
    w[i] = static_cast<float>(q[i]) * scale[i / n];
  return w;
}

TEST(QuantMath, RecoversPerChannelInt8Weights) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    int64_t O = 1 + rng() % 16, n = 1 + rng() % 150;
    std::vector<int8_t> q(O * n);
    std::vector<float> scale(O);
    std::uniform_int_distribution<int> byte(-128, 127);
    std::uniform_real_distribution<float> s(1e-4f, 1.0f);
    for (auto &v : q)
      v = static_cast<int8_t>(byte(rng));
    for (auto &v : scale)
      v = s(rng);
    std::vector<float> w = dequantize(q, scale);
    std::optional<Int8Weights> r = decomposeInt8Weights(w, O);
    ASSERT_TRUE(r) << "trial " << trial;
    // Exact by construction: every weight is reproduced bit for bit (the grid found may be
    // coarser than the file's when no channel uses odd values, never different in value).
    std::vector<float> back = dequantize(r->q, r->scale);
    for (size_t i = 0; i < w.size(); ++i)
      ASSERT_EQ(back[i], w[i]) << "trial " << trial << " weight " << i;
  }
}

TEST(QuantMath, ZeroChannelsAndSmallGrids) {
  // Channel 0 all zero, channel 1 only -128 and 0 (the asymmetric end), channel 2 a 3-level grid.
  std::vector<float> w = {0, 0, 0, -128 * 0.01f, 0, 0, -0.5f, 0, 0.5f};
  std::optional<Int8Weights> r = decomposeInt8Weights(w, 3);
  ASSERT_TRUE(r);
  std::vector<float> back = dequantize(r->q, r->scale);
  EXPECT_EQ(back, w);
  EXPECT_EQ(r->q[0], 0);
}

TEST(QuantMath, RejectsFloatWeights) {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.0f, 0.1f);
  std::vector<float> w(64 * 27);
  for (auto &v : w)
    v = g(rng);
  EXPECT_FALSE(decomposeInt8Weights(w, 64));
  // A grid of more than 256 levels (int16-like) is not int8.
  std::vector<float> wide = {1000 * 0.001f, -999 * 0.001f, 3 * 0.001f};
  EXPECT_FALSE(decomposeInt8Weights(wide, 1));
  EXPECT_FALSE(decomposeInt8Weights({NAN, 1.0f}, 1));
}

/// sum_k (x_k - z) w_k for one output channel over a window of K taps, some of them padding
/// (which ONNX pads with the dequantized value 0, i.e. x = z).
TEST(QuantMath, DomainAndCorrectionMatchTheDefinition) {
  std::mt19937 rng(3);
  for (bool sourceSigned : {true, false})
    for (bool unsignedOperand : {true, false})
      for (int trial = 0; trial < 100; ++trial) {
        int32_t z = sourceSigned ? static_cast<int32_t>(rng() % 256) - 128 : static_cast<int32_t>(rng() % 256);
        int64_t K = 1 + rng() % 200, O = 1 + rng() % 4;
        Int8Weights w;
        for (int64_t i = 0; i < O * K; ++i)
          w.q.push_back(static_cast<int8_t>(static_cast<int>(rng() % 255) - 127));
        w.scale.assign(O, 1.0f);
        Int8Domain d = int8Domain(sourceSigned, z, unsignedOperand);
        std::vector<int32_t> corr = int8Corrections(w, O, d.zeroPoint);
        std::vector<int32_t> x(K);
        std::vector<bool> padded(K);
        for (int64_t k = 0; k < K; ++k) {
          x[k] = sourceSigned ? static_cast<int32_t>(rng() % 256) - 128 : static_cast<int32_t>(rng() % 256);
          padded[k] = rng() % 5 == 0;
        }
        for (int64_t o = 0; o < O; ++o) {
          int64_t expect = 0, acc = 0;
          for (int64_t k = 0; k < K; ++k) {
            int32_t wk = w.q[o * K + k];
            expect += padded[k] ? 0 : int64_t(x[k] - z) * wk;
            // The kernel's byte: the flipped input, or the flipped zero point in the padding,
            // read as the instruction's operand type.
            uint8_t byte = padded[k] ? static_cast<uint8_t>(d.zeroPoint)
                                     : static_cast<uint8_t>(static_cast<uint8_t>(x[k]) ^ (d.flip ? 0x80 : 0));
            int32_t operand = unsignedOperand ? int32_t(byte) : int32_t(static_cast<int8_t>(byte));
            acc += int64_t(operand) * wk;
          }
          ASSERT_EQ(acc - corr[o], expect) << "signed " << sourceSigned << " unsigned operand "
                                           << unsignedOperand << " trial " << trial;
        }
      }
}

} // namespace

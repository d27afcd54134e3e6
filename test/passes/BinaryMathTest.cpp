// Brute-force checks of the packed binary arithmetic against float references over random
// shapes: packing, the dot product with ternary inputs, zero padding, and integer thresholds.
#include "passes/BinaryMath.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <random>

using namespace bnn;

namespace {

std::vector<float> randomTernary(std::mt19937 &rng, int64_t n, bool allowZero) {
  std::uniform_int_distribution<int> dist(allowZero ? -1 : 0, 1);
  std::vector<float> v(n);
  for (float &x : v) {
    int r = dist(rng);
    x = allowZero ? static_cast<float>(r) : (r ? 1.0f : -1.0f);
  }
  return v;
}

/// Packs `rows` vectors of C values (row r at values[r * C]) into wordsFor(C) sign and mask
/// words per row.
void packRows(const std::vector<float> &values, int64_t rows, int64_t C, std::vector<uint64_t> &sign,
              std::vector<uint64_t> &mask) {
  int64_t words = wordsFor(C);
  sign.assign(rows * words, 0);
  mask.assign(rows * words, 0);
  for (int64_t r = 0; r < rows; ++r)
    packTernary(&values[r * C], C, &sign[r * words], &mask[r * words]);
}

/// A random conv window for the border tests: up to 140 input and `maxO` output channels, inputs
/// up to 7 x 7, kernels up to 3 x 3, strides and dilations 1 or 2, pads 0-2 on each side.
struct RandomConv {
  int64_t C, H, W, O, KH, KW, SH, SW, DH, DW, padTop, padLeft, OH, OW;

  /// The input position (ih, iw) of tap (kh, kw) at output (oh, ow); whether it is inside.
  bool tapAt(int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t &ih, int64_t &iw) const {
    ih = oh * SH + kh * DH - padTop, iw = ow * SW + kw * DW - padLeft;
    return ih >= 0 && ih < H && iw >= 0 && iw < W;
  }
  /// The float conv of NHWC `x` with OHWI `w` over the zero-padded input, at (oh, ow, o).
  double reference(const std::vector<float> &x, const std::vector<float> &w, int64_t oh, int64_t ow,
                   int64_t o) const {
    double ref = 0;
    int64_t ih, iw;
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw)
        if (tapAt(oh, ow, kh, kw, ih, iw))
          for (int64_t c = 0; c < C; ++c)
            ref += x[(ih * W + iw) * C + c] * w[((o * KH + kh) * KW + kw) * C + c];
    return ref;
  }
};
/// Draws one (the draws in a fixed order); false when the window does not fit the input.
bool randomConv(std::mt19937 &rng, int64_t maxO, RandomConv &c) {
  c.C = 1 + rng() % 140, c.H = 1 + rng() % 7, c.W = 1 + rng() % 7, c.O = 1 + rng() % maxO;
  c.KH = 1 + rng() % 3, c.KW = 1 + rng() % 3, c.SH = 1 + rng() % 2, c.SW = 1 + rng() % 2;
  c.DH = 1 + rng() % 2, c.DW = 1 + rng() % 2;
  int64_t pt = rng() % 3, pb = rng() % 3, pl = rng() % 3, pr = rng() % 3;
  int64_t OH = c.H + pt + pb - c.DH * (c.KH - 1) - 1, OW = c.W + pl + pr - c.DW * (c.KW - 1) - 1;
  if (OH < 0 || OW < 0)
    return false;
  c.padTop = pt, c.padLeft = pl, c.OH = OH / c.SH + 1, c.OW = OW / c.SW + 1;
  return true;
}

} // namespace

TEST(BinaryMath, PackingFollowsTheBitConvention) {
  std::vector<float> v = {1, -1, 0, -1};
  uint64_t s, m;
  packTernary(v.data(), 4, &s, &m);
  EXPECT_EQ(s, 0b1010u); // -1 is bit 1, least significant bit first
  EXPECT_EQ(m, 0b1011u); // 0 has mask bit 0
}

TEST(BinaryMath, PackedDotEqualsFloatDotForRandomLengths) {
  std::mt19937 rng(1);
  for (int trial = 0; trial < 500; ++trial) {
    int64_t n = 1 + static_cast<int64_t>(rng() % 300); // tails of every size
    bool ternary = trial % 2;
    auto x = randomTernary(rng, n, ternary);
    auto w = randomTernary(rng, n, false);
    int64_t words = wordsFor(n);
    std::vector<uint64_t> s(words), m(words), ws(words), wm(words);
    packTernary(x.data(), n, s.data(), m.data());
    packTernary(w.data(), n, ws.data(), wm.data());
    double expected = 0;
    for (int64_t i = 0; i < n; ++i)
      expected += x[i] * w[i];
    EXPECT_EQ(packedDot(s.data(), m.data(), ws.data(), words), static_cast<int64_t>(expected))
        << "n=" << n;
  }
}

TEST(BinaryMath, ZeroPaddedConvolutionIsExact) {
  // A binary conv as the lowering computes it (taps outside the input have mask 0, i.e. are
  // skipped) against a float conv over a zero-padded input, on random shapes.
  std::mt19937 rng(2);
  for (int trial = 0; trial < 60; ++trial) {
    int64_t C = 1 + rng() % 100, H = 1 + rng() % 7, W = 1 + rng() % 7, O = 1 + rng() % 4;
    int64_t KH = 1 + rng() % 3, KW = 1 + rng() % 3, S = 1 + rng() % 2, D = 1 + rng() % 2;
    int64_t pt = rng() % 3, pb = rng() % 3, pl = rng() % 3, pr = rng() % 3;
    int64_t OH = (H + pt + pb - D * (KH - 1) - 1), OW = (W + pl + pr - D * (KW - 1) - 1);
    if (OH < 0 || OW < 0)
      continue;
    OH = OH / S + 1;
    OW = OW / S + 1;
    bool ternary = trial % 2;
    auto x = randomTernary(rng, H * W * C, ternary); // NHWC, N = 1
    auto w = randomTernary(rng, O * KH * KW * C, false);
    int64_t words = wordsFor(C);
    std::vector<uint64_t> xs, xm, ws, wm;
    packRows(x, H * W, C, xs, xm);
    packRows(w, O * KH * KW, C, ws, wm);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          double ref = 0;
          int64_t packed = 0;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t ih = oh * S + kh * D - pt, iw = ow * S + kw * D - pl;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                continue; // the padded value 0 adds nothing
              int64_t p = ih * W + iw, t = (o * KH + kh) * KW + kw;
              for (int64_t c = 0; c < C; ++c)
                ref += x[p * C + c] * w[t * C + c];
              packed += packedDot(&xs[p * words], &xm[p * words], &ws[t * words], words);
            }
          ASSERT_EQ(packed, static_cast<int64_t>(ref));
        }
  }
}

TEST(BinaryMath, BipolarConvWithoutMaskIsExact) {
  // The bipolar lowering of bconv2d: no mask plane; taps are in bounds by position, and
  // d = C * validRows * validCols - 2 * popcount(s ^ w) over the in-bounds taps.
  std::mt19937 rng(4);
  for (int trial = 0; trial < 60; ++trial) {
    int64_t C = 1 + rng() % 130, H = 1 + rng() % 6, W = 1 + rng() % 6;
    int64_t KH = 1 + rng() % 3, KW = 1 + rng() % 3, S = 1 + rng() % 2;
    int64_t pt = rng() % 2, pb = rng() % 2, pl = rng() % 2, pr = rng() % 2;
    int64_t OH = H + pt + pb - KH, OW = W + pl + pr - KW;
    if (OH < 0 || OW < 0)
      continue;
    OH = OH / S + 1;
    OW = OW / S + 1;
    auto x = randomTernary(rng, H * W * C, false);
    auto w = randomTernary(rng, KH * KW * C, false);
    int64_t words = wordsFor(C);
    std::vector<uint64_t> xs, xm, ws, wm;
    packRows(x, H * W, C, xs, xm);
    packRows(w, KH * KW, C, ws, wm);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        double ref = 0;
        int64_t differ = 0, rows = 0, cols = 0;
        for (int64_t kh = 0; kh < KH; ++kh)
          rows += oh * S + kh - pt >= 0 && oh * S + kh - pt < H;
        for (int64_t kw = 0; kw < KW; ++kw)
          cols += ow * S + kw - pl >= 0 && ow * S + kw - pl < W;
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            int64_t ih = oh * S + kh - pt, iw = ow * S + kw - pl;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W)
              continue;
            int64_t p = ih * W + iw, t = kh * KW + kw;
            for (int64_t c = 0; c < C; ++c)
              ref += x[p * C + c] * w[t * C + c];
            for (int64_t i = 0; i < words; ++i)
              differ += static_cast<int64_t>(__builtin_popcountll(xs[p * words + i] ^ ws[t * words + i]));
          }
        ASSERT_EQ(C * rows * cols - 2 * differ, static_cast<int64_t>(ref));
      }
  }
}

TEST(BinaryMath, ThresholdsReproduceSignOfAffine) {
  // v(d) = sign(m * d + b), ternary (sign(0) = 0) and bipolar (0 -> +1), for positive,
  // negative and zero multipliers; b keeps m * d + b away from 0 except where a tie is meant.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (int trial = 0; trial < 400; ++trial) {
    int64_t K = 1 + rng() % 600;
    float m = trial % 10 == 0 ? 0.0f : dist(rng);
    float b = dist(rng) * static_cast<float>(K) * 0.5f;
    if (trial % 7 == 0)
      b = std::round(b) * std::fabs(m); // an exact tie at an integer d
    bool ternary = trial % 2;
    auto value = [&](int64_t d) {
      float y = m * static_cast<float>(d) + b;
      return y > 0 ? 1 : (y < 0 ? -1 : (ternary ? 0 : 1));
    };
    auto t = findThresholds(value, K, true);
    ASSERT_TRUE(t) << "m=" << m << " b=" << b << " K=" << K;
    for (int64_t d = -K; d <= K; ++d)
      ASSERT_EQ(thresholdValue(*t, d), value(d)) << "d=" << d << " m=" << m << " b=" << b;
    if (value(-K) > value(K)) // a negative multiplier that crosses 0 in range
      EXPECT_TRUE(t->descending);
  }
}

TEST(BinaryMath, PopcountBoundsReproduceThresholdsOnD) {
  // The kernel compares A = popcount(x ^ w) in [0, K] with popcountBound(base, t, K) instead of
  // d = base - 2A with t: d < t <=> A > bound, for every base a layer can have (K unpadded; any
  // value of either parity in [-K, 3K] with padding packed as +1), every threshold around the
  // reachable d, and the "never" thresholds INT64_MIN / INT64_MAX.
  for (int64_t K : {1, 2, 3, 7, 64, 576}) {
    std::vector<int64_t> bases = {K, K - 1, -K, 3 * K, 0, 1};
    for (int64_t base : bases) {
      std::vector<int64_t> ts = {INT64_MIN, INT64_MAX, INT32_MIN, INT32_MAX};
      for (int64_t t = base - 2 * K - 3; t <= base + 3; ++t)
        ts.push_back(t);
      for (int64_t t : ts) {
        int64_t bound = popcountBound(base, t, K);
        ASSERT_GE(bound, -1);
        ASSERT_LE(bound, K);
        for (int64_t A = 0; A <= K; ++A)
          ASSERT_EQ(base - 2 * A < t, A > bound) << "K=" << K << " base=" << base << " t=" << t << " A=" << A;
      }
    }
  }
}

TEST(BinaryMath, ZeroMultiplierGivesAConstant) {
  for (int v : {-1, 0, 1}) {
    auto t = findThresholds([&](int64_t) { return v; }, 50, true);
    ASSERT_TRUE(t);
    for (int64_t d = -50; d <= 50; ++d)
      EXPECT_EQ(thresholdValue(*t, d), v);
  }
}

TEST(BinaryMath, NonMonotoneOutputsAreRefused) {
  // |d| > 3 -> +1 else -1: not monotone, no threshold pair represents it.
  auto value = [](int64_t d) { return std::abs(d) > 3 ? 1 : -1; };
  EXPECT_FALSE(findThresholds(value, 20, true));
  EXPECT_FALSE(findThresholds(value, 20, false));
}

TEST(BinaryMath, SampledCheckCatchesFarViolations) {
  // Monotone except one spike far from both thresholds, at a point of the sampling grid
  // (-K + j * (K / 256)).
  int64_t K = 100000;
  auto value = [](int64_t d) { return d == -100000 + 390 ? 1 : (d < 5 ? -1 : 1); };
  EXPECT_FALSE(findThresholds(value, K, false));
}

TEST(BinaryMath, WeightsAreBinaryOnlyWithOneMagnitudePerChannel) {
  BinaryWeights out;
  std::vector<float> ok = {0.5f, -0.5f, 0.5f, -2.0f, 2.0f, -2.0f};
  EXPECT_FALSE(classifyBinaryWeights(2, 1, 3, [&](int64_t o, int64_t, int64_t i) { return ok[o * 3 + i]; }, out));
  EXPECT_EQ(out.alpha, (std::vector<float>{0.5f, 2.0f}));
  EXPECT_EQ(out.bits[0], 0b010u);
  EXPECT_EQ(out.bits[1], 0b101u);
  std::vector<float> bad = {0.5f, -0.5f, 0.25f};
  auto why = classifyBinaryWeights(1, 1, 3, [&](int64_t, int64_t, int64_t i) { return bad[i]; }, out);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not +-alpha"), std::string::npos);
  // Ternary weights: a zero is listed (and packed as +1, bit 0); too many zeros are refused.
  std::vector<float> ternary(200, 0.5f);
  ternary[3] = 0.0f, ternary[150] = -0.5f;
  EXPECT_FALSE(classifyBinaryWeights(1, 1, 200, [&](int64_t, int64_t, int64_t i) { return ternary[i]; }, out));
  EXPECT_EQ(out.zeros, (std::vector<int64_t>{3}));
  EXPECT_EQ(out.alpha, (std::vector<float>{0.5f}));
  EXPECT_EQ(out.bits[0] & (uint64_t(1) << 3), 0u);
  EXPECT_EQ(out.bits[2], uint64_t(1) << (150 - 128));
  // Any number of zeros is listed; which encoding takes them is sparseZeroWeights' choice.
  std::vector<float> zero = {0.5f, 0.0f};
  EXPECT_FALSE(classifyBinaryWeights(1, 1, 2, [&](int64_t, int64_t, int64_t i) { return zero[i]; }, out));
  EXPECT_EQ(out.zeros, (std::vector<int64_t>{1}));
  EXPECT_FALSE(sparseZeroWeights(1, 2));
  EXPECT_TRUE(sparseZeroWeights(1, 65536));
  EXPECT_FALSE(sparseZeroWeights(2, 65536));
  // The weight mask plane: bit 1 for each real weight but the zeros (rows of 70 in 2 words).
  std::vector<uint64_t> wm = weightMaskBits({3, 70 + 65}, 2, 70, 2);
  EXPECT_EQ(wm, (std::vector<uint64_t>{~uint64_t(8), 0x3f, ~uint64_t(0), 0x3f & ~uint64_t(2)}));
  // A channel that is all zeros has alpha 0 and lists no zeros (its output is the bias).
  std::vector<float> dead = {0.0f, 0.0f, 0.0f, 0.5f, -0.5f, 0.5f};
  EXPECT_FALSE(classifyBinaryWeights(2, 1, 3, [&](int64_t o, int64_t, int64_t i) { return dead[o * 3 + i]; }, out));
  EXPECT_EQ(out.alpha, (std::vector<float>{0.0f, 0.5f}));
  EXPECT_TRUE(out.zeros.empty());
}

TEST(BinaryMath, TernaryWeightsPackedAsPlusOneAndCorrectedAreExact) {
  // The kernel's ternary lowering: zero weights are packed as +1, the packed conv is computed as
  // for binary weights (mask plane, zero padding), and the input value at every zero tap is
  // subtracted again: the result must equal the float conv with the ternary weights.
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    int64_t C = 1 + rng() % 90, H = 1 + rng() % 6, W = 1 + rng() % 6, O = 1 + rng() % 5;
    int64_t K = 1 + rng() % 3, pad = rng() % 2;
    int64_t OH = H + 2 * pad - K + 1, OW = W + 2 * pad - K + 1;
    if (OH < 1 || OW < 1)
      continue;
    auto x = randomTernary(rng, H * W * C, trial % 2);
    std::vector<float> w(O * K * K * C);
    std::uniform_int_distribution<int> pick(0, 199);
    for (float &v : w) // about 0.5% zeros
      v = pick(rng) == 0 ? 0.0f : (rng() % 2 ? 0.75f : -0.75f);
    BinaryWeights bw;
    ASSERT_FALSE(classifyBinaryWeights(O, K * K, C, [&](int64_t o, int64_t r, int64_t i) {
      return w[(o * K * K + r) * C + i];
    }, bw));
    int64_t words = bw.words;
    std::vector<uint64_t> xs, xm;
    packRows(x, H * W, C, xs, xm);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          double ref = 0;
          int64_t d = 0;
          for (int64_t kh = 0; kh < K; ++kh)
            for (int64_t kw = 0; kw < K; ++kw) {
              int64_t ih = oh + kh - pad, iw = ow + kw - pad;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                continue;
              int64_t p = ih * W + iw, r = kh * K + kw;
              for (int64_t c = 0; c < C; ++c)
                ref += x[p * C + c] * (w[(o * K * K + r) * C + c] / 0.75f);
              d += packedDot(&xs[p * words], &xm[p * words], &bw.bits[(o * K * K + r) * words], words);
            }
          for (int64_t z : bw.zeros) { // d -= x at each zero tap of channel o
            int64_t zo = z / (K * K * C), r = z / C % (K * K), c = z % C;
            int64_t ih = oh + r / K - pad, iw = ow + r % K - pad;
            if (zo == o && ih >= 0 && ih < H && iw >= 0 && iw < W)
              d -= static_cast<int64_t>(x[(ih * W + iw) * C + c]);
          }
          ASSERT_EQ(d, static_cast<int64_t>(std::lround(ref))) << "trial " << trial;
        }
  }
}

TEST(BinaryMath, BorderBaseCorrectsPaddingPackedAsPlusOne) {
  // The kernel's bipolar loop: the input is padded with bit 0 (+1), every tap is counted,
  // A = sum over all taps of popcount(s ^ w), and d = base[rowClass][colClass][o] - 2A must equal
  // the float conv over the zero-padded input (BINARY_SEMANTICS §2), for random shapes, strides,
  // dilations and asymmetric pads; and the weights in the kernel's blocked order must be the
  // same words.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 80; ++trial) {
    RandomConv rc;
    if (!randomConv(rng, /*maxO=*/19, rc))
      continue;
    auto [C, H, W, O, KH, KW, SH, SW, DH, DW, pt, pl, OH, OW] = rc;
    int64_t block = int64_t(1) << (rng() % 5), padded = (O + block - 1) / block * block;
    auto x = randomTernary(rng, H * W * C, false);
    auto w = randomTernary(rng, O * KH * KW * C, false);
    int64_t words = wordsFor(C);
    std::vector<uint64_t> xs, xm, ws, wm;
    packRows(x, H * W, C, xs, xm);
    packRows(w, O * KH * KW, C, ws, wm);
    BorderClasses rows = borderClasses(OH, H, KH, SH, DH, pt);
    BorderClasses cols = borderClasses(OW, W, KW, SW, DW, pl);
    ASSERT_LE(rows.taps.size(), size_t(KH + 1) * 2);
    std::vector<int64_t> base = bipolarConvBase(rows, cols, ws.data(), O, padded, KH, KW, words, C);
    std::vector<uint64_t> blocked = blockWeights(ws.data(), O, KH * KW, words, block);
    ASSERT_EQ(blocked.size(), size_t(padded * KH * KW * words));
    for (int64_t o = 0; o < padded; ++o)
      for (int64_t t = 0; t < KH * KW; ++t)
        for (int64_t i = 0; i < words; ++i)
          ASSERT_EQ(blocked[((o / block * KH * KW + t) * words + i) * block + o % block],
                    o < O ? ws[(o * KH * KW + t) * words + i] : 0u);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          double ref = rc.reference(x, w, oh, ow, o);
          int64_t A = 0, ih, iw;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              bool inside = rc.tapAt(oh, ow, kh, kw, ih, iw);
              int64_t t = (o * KH + kh) * KW + kw;
              for (int64_t i = 0; i < words; ++i) {
                uint64_t s = inside ? xs[(ih * W + iw) * words + i] : 0; // padding packed as +1
                A += __builtin_popcountll(s ^ ws[t * words + i]);
              }
            }
          int64_t b = base[(rows.classOf[oh] * cols.taps.size() + cols.classOf[ow]) * padded + o];
          ASSERT_EQ(b - 2 * A, static_cast<int64_t>(ref))
              << "trial " << trial << " at " << oh << "," << ow << "," << o;
        }
  }
}

TEST(BinaryMath, WeightMaskPlaneIsExact) {
  // Ternary weights as a weight mask plane (many zeros): the zeros are packed as +1 (bit 0) and
  // the mask wm has bit 1 for each non-zero weight. The bipolar loop counts
  // A = sum over all taps of popcount((s ^ w) & wm) with padding packed as +1 (s = 0), and
  // d = base - 2A with base from bipolarConvBase(..., wm); the masked loop (inputs with exact
  // zeros) counts d = sum over in-bounds taps of popcount(m & wm) - 2 popcount(m & wm & (s ^ w)).
  // Both must equal the float conv over the zero-padded input, for random shapes, strides,
  // dilations, pads and about a third of the weights zero; and weightMaskBits of the classified
  // zeros must be the mask packTernary gives.
  std::mt19937 rng(17);
  for (int trial = 0; trial < 60; ++trial) {
    RandomConv rc;
    if (!randomConv(rng, /*maxO=*/9, rc))
      continue;
    auto [C, H, W, O, KH, KW, SH, SW, DH, DW, pt, pl, OH, OW] = rc;
    bool zeroInputs = trial % 2;
    auto x = randomTernary(rng, H * W * C, zeroInputs);
    auto w = randomTernary(rng, O * KH * KW * C, true);
    int64_t words = wordsFor(C);
    std::vector<uint64_t> xs, xm, ws, wm;
    packRows(x, H * W, C, xs, xm);
    packRows(w, O * KH * KW, C, ws, wm);
    BinaryWeights bw;
    ASSERT_FALSE(classifyBinaryWeights(O, KH * KW, C, [&](int64_t o, int64_t r, int64_t i) {
      return w[(o * rc.KH * rc.KW + r) * rc.C + i] * 0.5f;
    }, bw));
    ASSERT_EQ(bw.bits, ws);
    // A channel of zeros lists no zeros (its output is the bias); its mask is all ones then.
    std::vector<uint64_t> fromZeros = weightMaskBits(bw.zeros, O * KH * KW, C, words);
    for (int64_t o = 0; o < O; ++o)
      if (bw.alpha[o] != 0.0f)
        for (int64_t i = 0; i < KH * KW * words; ++i)
          ASSERT_EQ(fromZeros[o * KH * KW * words + i], wm[o * KH * KW * words + i]) << "trial " << trial;
    BorderClasses rows = borderClasses(OH, H, KH, SH, DH, pt);
    BorderClasses cols = borderClasses(OW, W, KW, SW, DW, pl);
    std::vector<int64_t> base = bipolarConvBase(rows, cols, ws.data(), O, O, KH, KW, words, C, wm.data());
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          double ref = rc.reference(x, w, oh, ow, o);
          int64_t A = 0, masked = 0, ih, iw;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              bool inside = rc.tapAt(oh, ow, kh, kw, ih, iw);
              int64_t t = (o * KH + kh) * KW + kw;
              for (int64_t i = 0; i < words; ++i) {
                uint64_t s = inside ? xs[(ih * W + iw) * words + i] : 0; // padding packed as +1
                uint64_t wi = ws[t * words + i], mi = wm[t * words + i];
                A += __builtin_popcountll((s ^ wi) & mi);
                if (inside) {
                  uint64_t m = xm[(ih * W + iw) * words + i] & mi;
                  masked += __builtin_popcountll(m) - 2 * __builtin_popcountll(m & (s ^ wi));
                }
              }
            }
          ASSERT_EQ(masked, static_cast<int64_t>(ref)) << "trial " << trial;
          if (zeroInputs)
            continue; // the bipolar loop reads no input zeros
          int64_t b = base[(rows.classOf[oh] * cols.taps.size() + cols.classOf[ow]) * O + o];
          ASSERT_EQ(b - 2 * A, static_cast<int64_t>(ref))
              << "trial " << trial << " at " << oh << "," << ow << "," << o;
        }
  }
}

TEST(BinaryMath, BorderClassesOfA3x3Pad1AxisAreFirstInnerLast) {
  BorderClasses c = borderClasses(/*out=*/5, /*in=*/5, /*k=*/3, /*stride=*/1, /*dilation=*/1, 1);
  EXPECT_EQ(c.taps.size(), 3u);
  EXPECT_EQ(c.classOf, (std::vector<int32_t>{0, 1, 1, 1, 2}));
  EXPECT_EQ(c.taps[0], (std::vector<bool>{false, true, true}));
  EXPECT_EQ(c.taps[2], (std::vector<bool>{true, true, false}));
  BorderClasses none = borderClasses(4, 6, 3, 1, 1, 0);
  EXPECT_EQ(none.taps.size(), 1u);
}

TEST(BinaryMath, DepthwiseWeightsAreTernaryWithOneMagnitudePerChannel) {
  // Channel 0: +-0.5 with a zero; channel 1: all zero (alpha 0); channel 2: two magnitudes.
  std::vector<std::vector<float>> w = {{0.5f, -0.5f, 0.0f, 0.5f}, {0, 0, 0, 0}, {0.25f, 0.25f, -0.25f, 0.25f}};
  std::vector<float> alpha;
  std::vector<int8_t> signs;
  auto at = [&](int64_t c, int64_t t) { return w[c][t]; };
  EXPECT_FALSE(bnn::classifyTernaryWeights(3, 4, at, alpha, signs).has_value());
  EXPECT_EQ(alpha, (std::vector<float>{0.5f, 0.0f, 0.25f}));
  // [taps][channels]
  EXPECT_EQ(signs, (std::vector<int8_t>{1, 0, 1, -1, 0, 1, 0, 0, -1, 1, 0, 1}));
  // Every weight is alpha_c * sign.
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t t = 0; t < 4; ++t)
      EXPECT_EQ(alpha[c] * signs[t * 3 + c], w[c][t]);
  w[2][3] = 0.3f;
  auto why = bnn::classifyTernaryWeights(3, 4, at, alpha, signs);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("channel 2"), std::string::npos);
}

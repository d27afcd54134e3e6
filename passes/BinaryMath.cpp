//===- BinaryMath.cpp - the arithmetic of packed binary layers --*- C++ -*-===//
#include "passes/BinaryMath.h"

#include <algorithm>
#include <bitset>
#include <climits>
#include <cmath>

namespace bnn {

void packTernary(const float *values, int64_t n, uint64_t *sign, uint64_t *mask) {
  for (int64_t w = 0; w < wordsFor(n); ++w)
    sign[w] = mask[w] = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (values[i] < 0)
      sign[i / 64] |= uint64_t(1) << (i % 64);
    if (values[i] != 0)
      mask[i / 64] |= uint64_t(1) << (i % 64);
  }
}

int64_t packedDot(const uint64_t *sign, const uint64_t *mask, const uint64_t *w, int64_t words) {
  // Over the m-selected bits each product is +1 where the bits agree and -1 where they differ:
  // dot = #agree - #differ = popcount(m) - 2 * popcount(m & (s ^ w)).
  int64_t valid = 0, differ = 0;
  for (int64_t i = 0; i < words; ++i) {
    valid += static_cast<int64_t>(std::bitset<64>(mask[i]).count());
    differ += static_cast<int64_t>(std::bitset<64>(mask[i] & (sign[i] ^ w[i])).count());
  }
  return valid - 2 * differ;
}

std::optional<std::string> classifyTernaryWeights(int64_t channels, int64_t taps,
                                                  const std::function<float(int64_t, int64_t)> &at,
                                                  std::vector<float> &alpha,
                                                  std::vector<int8_t> &signs) {
  alpha.assign(channels, 0.0f);
  signs.assign(channels * taps, 0);
  for (int64_t c = 0; c < channels; ++c) {
    float a = 0.0f; // the first non-zero magnitude; 0 for a channel of zeros
    for (int64_t t = 0; t < taps && a == 0.0f; ++t)
      a = std::fabs(at(c, t));
    for (int64_t t = 0; t < taps; ++t) {
      float w = at(c, t);
      if (w == 0.0f)
        continue;
      if (std::fabs(std::fabs(w) - a) > kWeightTolerance * a)
        return "weights are not +-alpha per output channel (channel " + std::to_string(c) +
               " has " + std::to_string(a) + " and " + std::to_string(w) + ")";
      signs[t * channels + c] = std::signbit(w) ? -1 : 1;
    }
    alpha[c] = a;
  }
  return std::nullopt;
}

std::string notBinaryReason(int64_t o, float alpha, float w) {
  return "weights are not +-alpha per output channel (channel " + std::to_string(o) + " has " +
         std::to_string(alpha) + " and " + std::to_string(w) + ")";
}

bool sparseZeroWeights(size_t zeros, int64_t total) {
  return static_cast<double>(zeros) <= kMaxSparseZeroFraction * static_cast<double>(total);
}

std::vector<uint64_t> weightMaskBits(const std::vector<int64_t> &zeros, int64_t rows, int64_t inner,
                                     int64_t words) {
  std::vector<uint64_t> mask(rows * words, 0);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t i = 0; i < inner; ++i)
      mask[row * words + i / 64] |= uint64_t(1) << (i % 64);
  for (int64_t z : zeros)
    mask[z / inner * words + z % inner / 64] &= ~(uint64_t(1) << (z % inner % 64));
  return mask;
}

int64_t popcountBound(int64_t base, int64_t t, int64_t K) {
  __int128 x = __int128(base) - t; // no overflow for t = INT64_MIN
  __int128 f = x >= 0 ? x / 2 : -((-x + 1) / 2); // floor(x / 2)
  return int64_t(std::clamp<__int128>(f, -1, K));
}

int thresholdValue(const IntThresholds &t, int64_t d) {
  if (d < t.low)
    return t.descending ? 1 : -1;
  if (d < t.high)
    return 0;
  return t.descending ? -1 : 1;
}

std::optional<IntThresholds> findThresholds(const std::function<int(int64_t)> &value, int64_t K,
                                            bool exhaustive) {
  IntThresholds t;
  t.descending = value(-K) > value(K);
  // First d in [-K, K + 1) where pred holds, for pred monotone (false ... true).
  auto firstWhere = [&](auto pred) {
    int64_t lo = -K, hi = K + 1;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (pred(value(mid)))
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  };
  if (!t.descending) {
    t.low = firstWhere([](int v) { return v >= 0; });
    t.high = firstWhere([](int v) { return v >= 1; });
  } else {
    t.low = firstWhere([](int v) { return v <= 0; });
    t.high = firstWhere([](int v) { return v <= -1; });
  }
  // A threshold at the end of the range means "never" or "always": use the int32 extremes so
  // the generated comparison needs no range knowledge.
  for (int64_t *x : {&t.low, &t.high}) {
    if (*x == -K)
      *x = INT32_MIN;
    else if (*x == K + 1)
      *x = INT32_MAX;
  }
  auto check = [&](int64_t d) { return value(d) == thresholdValue(t, d); };
  if (exhaustive) {
    for (int64_t d = -K; d <= K; ++d)
      if (!check(d))
        return std::nullopt;
    return t;
  }
  int64_t stride = std::max<int64_t>(1, K / 256);
  for (int64_t d = -K; d <= K; d += stride)
    if (!check(d))
      return std::nullopt;
  for (int64_t center : {t.low, t.high, int64_t(0)}) {
    int64_t c = std::clamp(center, -K, K);
    for (int64_t d = std::max(-K, c - 64); d <= std::min(K, c + 64); ++d)
      if (!check(d))
        return std::nullopt;
  }
  return t;
}


BorderClasses borderClasses(int64_t out, int64_t in, int64_t k, int64_t stride, int64_t dilation,
                            int64_t padBefore) {
  BorderClasses result;
  result.classOf.resize(out);
  for (int64_t o = 0; o < out; ++o) {
    std::vector<bool> taps(k);
    for (int64_t t = 0; t < k; ++t) {
      int64_t i = o * stride + t * dilation - padBefore;
      taps[t] = i >= 0 && i < in;
    }
    auto it = std::find(result.taps.begin(), result.taps.end(), taps);
    result.classOf[o] = static_cast<int32_t>(it - result.taps.begin());
    if (it == result.taps.end())
      result.taps.push_back(std::move(taps));
  }
  return result;
}

std::vector<int64_t> bipolarConvBase(const BorderClasses &rows, const BorderClasses &cols,
                                     const uint64_t *weights, int64_t outChannels,
                                     int64_t outChannelsPadded, int64_t kh, int64_t kw,
                                     int64_t words, int64_t inChannels,
                                     const uint64_t *weightMask) {
  int64_t rowClasses = static_cast<int64_t>(rows.taps.size());
  int64_t colClasses = static_cast<int64_t>(cols.taps.size());
  std::vector<int64_t> base(rowClasses * colClasses * outChannelsPadded);
  auto count = [&](const uint64_t *plane, int64_t o, int64_t i, int64_t j) {
    const uint64_t *w = plane + ((o * kh + i) * kw + j) * words;
    int64_t n = 0;
    for (int64_t x = 0; x < words; ++x)
      n += static_cast<int64_t>(std::bitset<64>(w[x]).count());
    return n;
  };
  for (int64_t rc = 0; rc < rowClasses; ++rc)
    for (int64_t cc = 0; cc < colClasses; ++cc) {
      int64_t validRows = std::count(rows.taps[rc].begin(), rows.taps[rc].end(), true);
      int64_t validCols = std::count(cols.taps[cc].begin(), cols.taps[cc].end(), true);
      for (int64_t o = 0; o < outChannelsPadded; ++o) {
        int64_t kv = inChannels * validRows * validCols, padded = 0;
        if (o < outChannels) {
          if (weightMask)
            kv = 0;
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              if (!(rows.taps[rc][i] && cols.taps[cc][j]))
                padded += count(weights, o, i, j);
              else if (weightMask)
                kv += count(weightMask, o, i, j);
            }
        }
        base[(rc * colClasses + cc) * outChannelsPadded + o] = kv + 2 * padded;
      }
    }
  return base;
}

} // namespace bnn

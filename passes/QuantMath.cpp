//===- QuantMath.cpp - the arithmetic of int8 (QDQ) convolutions -*- C++ -*-===//
#include "passes/QuantMath.h"

#include <cmath>

using namespace bnn;

namespace {

/// Whether every weight of `w` (n values) is exactly float(q * s) with q an int8; fills `q`.
bool onGrid(const float *w, int64_t n, float s, int8_t *q) {
  if (!(s > 0) || !std::isfinite(s))
    return false;
  for (int64_t i = 0; i < n; ++i) {
    float r = std::nearbyint(w[i] / s);
    if (!(r >= -128 && r <= 127) || static_cast<float>(r) * s != w[i])
      return false;
    q[i] = static_cast<int8_t>(r);
  }
  return true;
}

} // namespace

std::optional<Int8Weights> bnn::decomposeInt8Weights(const std::vector<float> &weights,
                                                     int64_t outChannels) {
  if (outChannels <= 0 || weights.empty() || weights.size() % outChannels)
    return std::nullopt;
  int64_t n = static_cast<int64_t>(weights.size()) / outChannels;
  Int8Weights out;
  out.q.assign(weights.size(), 0);
  out.scale.assign(outChannels, 1.0f);
  for (int64_t o = 0; o < outChannels; ++o) {
    const float *w = weights.data() + o * n;
    int8_t *q = out.q.data() + o * n;
    float maxAbs = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(w[i]))
        return std::nullopt;
      maxAbs = std::max(maxAbs, std::fabs(w[i]));
    }
    if (maxAbs == 0)
      continue; // q = 0, any scale
    bool found = false;
    // m = 127 (the usual symmetric scale max|w| / 127), then 128 (a -128), then coarser grids.
    for (int m = 127; m >= 1 && !found; m = (m == 127 ? 128 : m == 128 ? 126 : m - 1)) {
      float s = maxAbs / static_cast<float>(m);
      for (float c : {s, std::nextafter(s, 0.0f), std::nextafter(s, 2 * s)})
        if (onGrid(w, n, c, q)) {
          out.scale[o] = c;
          found = true;
          break;
        }
    }
    if (!found)
      return std::nullopt;
  }
  return out;
}

Int8Domain bnn::int8Domain(bool sourceSigned, int32_t zeroPoint, bool unsignedOperand) {
  Int8Domain d;
  d.flip = sourceSigned == unsignedOperand;
  d.zeroPoint = !d.flip ? zeroPoint : unsignedOperand ? zeroPoint + 128 : zeroPoint - 128;
  return d;
}

std::vector<int32_t> bnn::int8Corrections(const Int8Weights &w, int64_t outChannels,
                                          int32_t zeroPoint) {
  std::vector<int32_t> corr(outChannels, 0);
  int64_t n = static_cast<int64_t>(w.q.size()) / outChannels;
  for (int64_t o = 0; o < outChannels; ++o) {
    int64_t sum = 0;
    for (int64_t i = 0; i < n; ++i)
      sum += w.q[o * n + i];
    corr[o] = static_cast<int32_t>(zeroPoint * sum);
  }
  return corr;
}

//===- QuantMath.h - the arithmetic of int8 (QDQ) convolutions ---*- C++ -*-===//
//
// Plain C++ (no MLIR): how a convolution of dequantized int8 values (ONNX QuantizeLinear ->
// DequantizeLinear -> Conv with DequantizeLinear'd int8 weights, folded to float constants by
// the importer) is computed exactly on integers with a dot-product instruction.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_QUANTMATH_H
#define BNNC_PASSES_QUANTMATH_H

#include <cstdint>
#include <optional>
#include <vector>

namespace bnn {

/// Float weights written as q * scale[o] with integer q in [-128, 127] (symmetric int8, zero
/// point 0, one scale per output channel), exactly: float(q * scale[o]) == w bit for bit.
struct Int8Weights {
  std::vector<int8_t> q;     // same layout as the float weights
  std::vector<float> scale;  // per output channel
};

/// Recovers the int8 weights and per-channel scales of `weights` ([outChannels][perChannel]
/// floats), or nullopt when a channel is not exactly such a grid (float weights that were never
/// quantized, an asymmetric grid, more than 256 levels). The float weights are what
/// DequantizeLinear(w_int8, scale) folded to: w = float(q * s). For each channel the candidates
/// are s = max|w| / m for m = 127, 128, 126, ..., 1 (and the floats next to it, for the
/// rounding of that division); the first s that reproduces every weight exactly is taken, so
/// the result is exact by construction, whatever scale the file had.
std::optional<Int8Weights> decomposeInt8Weights(const std::vector<float> &weights,
                                                int64_t outChannels);

/// The dot-product instruction's view of an int8 activation: x86 VNNI (`vpdpbusd`) multiplies an
/// unsigned byte by a signed one, AArch64 `sdot` two signed bytes. A source of the other
/// signedness is flipped by xor 0x80 (x + 128 or x - 128 as a byte), and its zero point with it.
/// The kernel computes, with padding filled with the flipped zero point z',
///   acc = sum_k x'_k w_k, and sum_k (x_k - z) w_k = sum_k (x'_k - z') w_k = acc - z' * sum_k w_k,
/// because x' - z' = x - z for every x (both shift by the same 128) and a padded tap contributes
/// (z' - z') w = 0, as ONNX's zero padding of the dequantized value (0.0) says.
struct Int8Domain {
  bool flip = false;     // xor every input byte with 0x80
  int32_t zeroPoint = 0; // z' as a number of the instruction's domain
};

/// The domain for a source of signedness `sourceSigned` with zero point `zeroPoint`, for an
/// instruction whose activation operand is unsigned (`unsignedOperand`, VNNI) or signed (sdot).
Int8Domain int8Domain(bool sourceSigned, int32_t zeroPoint, bool unsignedOperand);

/// Per output channel: z' * sum of its weights (the correction subtracted from the accumulator).
std::vector<int32_t> int8Corrections(const Int8Weights &w, int64_t outChannels, int32_t zeroPoint);

} // namespace bnn

#endif // BNNC_PASSES_QUANTMATH_H

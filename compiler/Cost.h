//===- Cost.h - cost models of the ops in a compiled model ------*- C++ -*-===//
//
// BNNCostOpInterface (dialects/BNN/BNNCostInterface.td) for the ops bnnc compiles: bnn's binary
// layers, binarizers and transforms, TOSA's convolutions, matrix products, pools and
// reductions, and linalg.generic (element-wise math), attached as external models so that no op
// definition changes. The metrics are defined in docs/cost-report.md.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_COMPILER_COST_H
#define BNNC_COMPILER_COST_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace mlir {
class DialectRegistry;
class Value;
} // namespace mlir

namespace bnnc {

/// Attaches BNNCostOpInterface to the bnn, TOSA and linalg ops that do arithmetic (a dialect
/// extension: the models are attached when the dialect loads).
void registerCostModels(mlir::DialectRegistry &registry);

/// The PokeBNN bit width of an activation operand: 1 for -1/0/+1 values (a binarizer's result,
/// through reshapes, slices, padding and max-pools), N for the result of a dequantization of an
/// N-bit integer tensor (DequantizeLinear) or of an N-bit QONNX Quant, else 16 (float counts
/// as bfloat16).
unsigned nominalActivationBits(mlir::Value v);

/// The PokeBNN bit width of constant weights, given as `values` with output channel
/// `(i / innerStride) % channels` for element i: 1 if every channel is +-alpha (as
/// bnn-fuse-binary-layers requires), 2, 4 or 8 if the values lie on a uniform grid of at most
/// that many levels (per tensor, or per output channel when every channel has at least 3
/// values: what QuantizeLinear + DequantizeLinear leave after constant folding), else 16.
unsigned nominalWeightBits(llvm::ArrayRef<float> values, int64_t channels, int64_t innerStride);

/// The number of levels of the coarsest uniform grid `values` lie on (within 1e-3 of a step),
/// or 0 if that grid would have more than `maxLevels` levels. One distinct value is 1 level.
int64_t uniformGridLevels(llvm::ArrayRef<float> values, int64_t maxLevels = 65536);

} // namespace bnnc

#endif // BNNC_COMPILER_COST_H

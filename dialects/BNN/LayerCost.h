//===- LayerCost.h - the cost of one op -------------------------*- C++ -*-===//
//
// What BNNCostOpInterface::getLayerCost returns: plain numbers, no MLIR types, so that the report
// and its tests can add them up anywhere. Definitions of the metrics: docs/cost-report.md.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_DIALECTS_BNN_LAYERCOST_H
#define BNNC_DIALECTS_BNN_LAYERCOST_H

#include <cstdint>
#include <string>
#include <vector>

namespace bnn {

struct LayerCost {
  /// What the op does: "conv", "matmul" (the layers ACE counts) or "elementwise", "pool",
  /// "reduce", "binarize", "pack", "threshold", "transform".
  std::string kind;
  /// Multiply-accumulates of a conv or matmul (0 for other ops).
  int64_t macs = 0;
  /// Operand bit widths for ACE in the PokeBNN convention: binary = 1, intN = N, float = 16
  /// (bfloat16). 0 for ops without MACs.
  unsigned actBits = 0, weightBits = 0;
  /// Operand bit widths as bnnc executes the op: packed = 1, f32 = 32.
  unsigned execActBits = 0, execWeightBits = 0;
  /// Scalar operations of the non-MAC work (one per body op per element of an element-wise op,
  /// one per window tap of a pool, ...; docs/cost-report.md lists them).
  int64_t scalarOps = 0;
  /// Constant operands (weights, biases, scales, thresholds) as stored: packed for binary layers.
  int64_t weightBytes = 0;
  /// The same parameters in float32 (what the all-float network stores).
  int64_t floatWeightBytes = 0;
  /// Runtime tensors read and written.
  int64_t actInBytes = 0, actOutBytes = 0;
  /// The main runtime input, the weights (empty if none) and the result.
  std::vector<int64_t> inputShape, weightShape, outputShape;
  /// For a conv or matmul that stayed float: why it was not binarized.
  std::string floatReason;

  bool isMacLayer() const { return macs > 0 || kind == "conv" || kind == "matmul"; }

  /// ACE (PokeBNN): MACs x activation bits x weight bits.
  int64_t ace() const { return macs * int64_t(actBits) * int64_t(weightBits); }
  /// ACE with the operand widths bnnc executes (f32 = 32 bits).
  int64_t aceExecuted() const { return macs * int64_t(execActBits) * int64_t(execWeightBits); }
  /// A binary layer: both operands binary (ACE's 1 x 1 bit) and executed as such, by
  /// XNOR-popcount on packed bits or, for a depthwise conv, on int8 lanes (a float layer whose
  /// operands happen to be binary is not one).
  bool isBinary() const {
    return isMacLayer() && actBits == 1 && weightBits == 1 && execActBits <= 8 && execWeightBits <= 8;
  }
  /// Binary operations: the MACs of binary layers.
  int64_t bops() const { return isBinary() ? macs : 0; }
  /// Floating-point MACs (of layers that are not binary, int8 ones included).
  int64_t flops() const { return isBinary() ? 0 : macs; }
  /// OPs as in Bi-Real/ReActNet/BiBench: BOPs / 64 + FLOPs.
  double ops() const { return static_cast<double>(bops()) / 64.0 + static_cast<double>(flops()); }
};

} // namespace bnn

#endif // BNNC_DIALECTS_BNN_LAYERCOST_H

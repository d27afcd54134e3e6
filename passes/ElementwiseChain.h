//===- ElementwiseChain.h - element-wise DAGs as scalar functions -*- C++ -*-===//
//
// Fake-quantized models write a binarizer or an output transform as a few element-wise ops:
// Where(GreaterOrEqual(x, t), 1, -1), x + (Sign(x) - x), BatchNorm then PReLU ... After import
// each is a small linalg.generic (or a bnn op) whose other operands are constants varying at
// most along the channel axis. Instead of matching every spelling, bnnc evaluates such a DAG as
// a scalar function of its one runtime input, per channel, in float32 exactly as the generated
// code would, and classifies the function (a step: a binarizer; affine: a scale and bias).
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_ELEMENTWISECHAIN_H
#define BNNC_PASSES_ELEMENTWISECHAIN_H

#include "mlir/IR/Value.h"

#include <optional>
#include <string>
#include <vector>

namespace bnn {

/// True for an op the chain can pass through: an all-parallel linalg.generic with one result
/// and identity-mapped runtime operands whose other operands are constants, or an element-wise
/// bnn binarizer.
bool isChainLink(mlir::Operation *op);

class ElementwiseChain {
public:
  /// The DAG of chain links from `source` to `result`: every runtime operand reached walking
  /// back from `result` through links must be `source`. Without `source`, the walk goes as far
  /// as links go and succeeds if it ends at one value. Null on failure.
  static std::optional<ElementwiseChain> build(mlir::Value result, mlir::Value source = {});

  mlir::Value getSource() const { return source; }
  mlir::Value getResult() const { return result; }
  /// The link ops, producers before consumers.
  const std::vector<mlir::Operation *> &getOps() const { return ops; }
  /// Number of channels (innermost axis) the constants distinguish: 1 if all are splats.
  int64_t getNumChannels() const { return channels; }

  /// f(x) for an element in channel `channel`, in float32; nullopt if an op in the chain has
  /// no scalar interpretation.
  std::optional<float> evaluate(float x, int64_t channel) const;

private:
  mlir::Value source, result;
  std::vector<mlir::Operation *> ops;
  int64_t channels = 1;
};

/// A binarizer found by evaluation: f(x) = level * (x > t ? 1 : x < t ? -1 : tie).
struct StepFunction {
  std::vector<float> thresholds; // one per channel (or one)
  std::vector<float> levels;     // the +1 level, one per channel (or one)
  float tie = 1.0f;              // +1, 0 or -1
};

/// Classifies `chain` as a step function of its source, per channel, over the source range
/// |x| <= 2^20 (beyond it straight-through-estimator spellings lose the exact +-1 in float32).
/// The +1 and -1 levels must be opposite within a relative 1e-5.
std::optional<StepFunction> classifyStep(const ElementwiseChain &chain);

/// Why `v` is not known to hold only -1, 0 and +1 (a binarizer's result, moved through slices,
/// reshapes, max-pools, concatenations and padding with such values); empty if it is.
std::string whyNotTernary(mlir::Value v);

} // namespace bnn

#endif // BNNC_PASSES_ELEMENTWISECHAIN_H

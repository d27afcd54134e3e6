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

#include <cstdint>
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
  /// as links go and succeeds if it ends at one value. Null on failure, and for a DAG of more
  /// than kMaxOps links.
  static std::optional<ElementwiseChain> build(mlir::Value result, mlir::Value source = {});

  /// The most links a chain may have. Real binarizers are a handful of ops (Sign(BN(x)), RSign,
  /// a QONNX Quant, scale and bias); the bound keeps passes that build a chain at every op
  /// linear in the model's size on long element-wise graphs (a chain of thousands of Add/Relu
  /// took minutes, quadratically).
  static constexpr size_t kMaxOps = 64;

  mlir::Value getSource() const { return source; }
  mlir::Value getResult() const { return result; }
  /// The link ops, producers before consumers.
  const std::vector<mlir::Operation *> &getOps() const { return ops; }
  /// Number of channels (innermost axis) the constants distinguish: 1 if all are splats.
  int64_t getNumChannels() const { return channels; }

  /// f(x) for an element in channel `channel`, in float32; nullopt if an op in the chain has
  /// no scalar interpretation.
  std::optional<float> evaluate(float x, int64_t channel) const;

  /// True if f is affine in x by construction, f(x) = a_c * x + b_c, in exact arithmetic: the
  /// program only adds, subtracts, negates, and multiplies or divides by values that do not
  /// depend on x (constants, per-channel tables, and arithmetic on them). Float32 rounding makes
  /// the computed f differ from the affine form in the last bits. False says nothing (a chain
  /// that is affine on some range, such as an inactive clamp, is not recognized here).
  bool isAffineByConstruction() const;

  /// One step of the chain compiled to a register program: r[dst] = kind(r[a], r[b], r[c]),
  /// where a table operand reads tables[table] at the channel (or its single entry).
  struct Instr {
    enum Kind : uint8_t {
      Imm, Table, Copy, Sign, BipolarSign, Step, Quant, MultiThreshold, Add, Sub, Mul, Div, Neg,
      Maximum, Minimum, MaxNum, MinNum, CmpGT, CmpGE, CmpLT, CmpLE, CmpEQ, CmpUNE, Select,
      BoolToMinusOne, And, Or, XOr, Abs, RoundEven, Floor, Ceil, Trunc, Sqrt, Exp, Log, Tanh, Pow
    };
    Kind kind = Imm;
    bool roundToF32 = false; // a float result: rounded to float32 as the generated code does
    uint8_t mode = 0;        // Quant: 0 bipolar sign, else the rounding mode + 1
    int32_t dst = 0, a = 0, b = 0, c = 0;
    int32_t table = -1, table2 = -1; // per-channel constants (Quant: scale, zero point)
    double imm = 0, imm2 = 0, imm3 = 0; // Imm/Step tie/Quant qmin,qmax/MultiThreshold cols,scale,bias
  };

private:
  /// Compiles `ops` into `program` and `tables`; false if an op has no scalar interpretation.
  bool compile();

  mlir::Value source, result;
  std::vector<mlir::Operation *> ops;
  int64_t channels = 1;
  // The chain as a straight-line program over numbered registers (register 0 holds x), with
  // each constant operand read once into a per-channel table. Classifying a binarizer
  // evaluates the chain a few hundred times per channel, so it must not walk IR or decode
  // attributes per evaluation.
  std::vector<Instr> program;
  std::vector<std::vector<double>> tables;
  int32_t numRegisters = 1, resultRegister = 0;
  bool evaluable = false;
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

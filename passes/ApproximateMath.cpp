//===- ApproximateMath.cpp - erf and tanh as vectorizable arithmetic -*- C++ -*-===//
//
// math.erf and math.tanh have no LLVM instruction: convert-math-to-libm turns each into a call
// of libm's erff / tanhf per element, which no vectorizer can widen (GELU through Erf was a
// fifth of a BiBERT-base encoder's time, one call per activation). Upstream MLIR's polynomial
// approximations of both (Math/Transforms/PolynomialApproximation.cpp) are plain arith on f32
// and on vectors of f32, so the loops around them vectorize and a kernel epilogue that applies
// them to a vector of lanes stays in registers. They are not libm's correctly rounded results:
// test/passes/ApproximateMathTest.cpp measures their error against double precision (ONNX
// does not ask for correct rounding, and onnxruntime's own Erf and Tanh are approximations).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace bnn {
#define GEN_PASS_DEF_BNNAPPROXIMATEMATH
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

struct BNNApproximateMathPass : bnn::impl::BNNApproximateMathBase<BNNApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateApproximateMathPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateApproximateMathPatterns(RewritePatternSet &patterns) {
  populatePolynomialApproximateErfPattern(patterns);
  populatePolynomialApproximateTanhPattern(patterns);
}

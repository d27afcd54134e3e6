//===- ApproximateMath.cpp - erf, tanh and exp as vectorizable arithmetic -*- C++ -*-===//
//
// math.erf and math.tanh have no LLVM instruction: convert-math-to-libm turns each into a call
// of libm's erff / tanhf per element, which no vectorizer can widen (GELU through Erf was a
// fifth of a BiBERT-base encoder's time, one call per activation). llvm.exp is no better: the
// backends make it a call of expf per element (Softmax, Sigmoid, Elu, Softplus). Upstream MLIR's
// polynomial approximations of the three (Math/Transforms/PolynomialApproximation.cpp) are plain
// arith on f32 and on vectors of f32, so the loops around them vectorize and a kernel epilogue
// that applies them to a vector of lanes stays in registers. They are not libm's correctly
// rounded results: test/tools/bnnc/approximate-math.onnxtxt measures their error against double
// precision (ONNX does not ask for correct rounding, and onnxruntime's own Erf, Tanh and Exp are
// approximations): erf 2.2e-7, tanh 2.6e-7, exp within 1 ulp up to x = 80 and 5 ulp up to its
// overflow at 88.72, with results below FLT_MIN (x < -87.34) flushed to 0.
//
// The approximations evaluate their polynomials with math.fma, which LLVM must compute with a
// single rounding: on a target without FMA instructions (x86-64-v2, bnnc's default x86 target)
// that is a call of libm's fmaf per coefficient, eight per erf, which also keeps the loop from
// being vectorized (GELU was half of a BiBERT-base encoder's time there). Each math.fma the
// patterns create (a listener sees them) becomes a multiply and an add flagged `contract`: one
// FMA instruction where the target has it (the same code as before), a vectorizable multiply and
// add where it does not, with one more rounding per step: erf's error there is 2.8e-7 instead of
// 2.2e-7 (erf(+-inf) still +-1), exp's is unchanged, tanh's grows to 3.3e-7.
//
// Tanh saturates: upstream clamps x to +-7.90531 and evaluates its rational function there, which
// gives exactly +-1 only with fused steps (0.9999998 without). tanh(x) rounds to 1 in f32 once
// 1 - tanh(x) = 2 / (e^2x + 1) < 2^-25 (half the spacing of floats below 1), that is from
// x = 13 ln 2 = 9.011. So before the patterns run, each tanh(x) on f32 is wrapped as
//   |x| >= 9 ? copysign(1, x) : tanh(x)
// (at 9 <= x < 9.011 the rounded value would be 1 - 2^-24: an error of 6e-8). NaN compares
// false and keeps the approximation's NaN. Three operations per vector beside its twenty.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace bnn {
#define GEN_PASS_DEF_BNNAPPROXIMATEMATH
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// Records the math.fma ops the approximation patterns create (and forgets those erased again).
struct CreatedFmas : RewriterBase::Listener {
  llvm::SetVector<Operation *> fmas;
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint previous) override {
    if (!previous.isSet() && isa<math::FmaOp>(op))
      fmas.insert(op);
  }
  void notifyOperationErased(Operation *op) override { fmas.remove(op); }
};

/// Wraps every f32 math.tanh as |x| >= 9 ? copysign(1, x) : tanh(x) (see the file comment): its
/// approximation is then exact where tanh saturates, with or without fused multiply-adds.
void saturateTanh(Operation *root) {
  root->walk([](math::TanhOp tanh) {
    Type type = tanh.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return;
    OpBuilder b(tanh->getContext());
    b.setInsertionPointAfter(tanh);
    Location loc = tanh.getLoc();
    auto constant = [&](float v) { return createScalarOrSplatConstant(b, loc, type, APFloat(v)); };
    Value x = tanh.getOperand();
    Value saturated = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE,
                                            math::AbsFOp::create(b, loc, x), constant(9.0f));
    Value one = math::CopySignOp::create(b, loc, constant(1.0f), x);
    auto select = arith::SelectOp::create(b, loc, saturated, one, tanh.getResult());
    tanh.getResult().replaceAllUsesExcept(select, select);
  });
}

struct BNNApproximateMathPass : bnn::impl::BNNApproximateMathBase<BNNApproximateMathPass> {
  void runOnOperation() override {
    saturateTanh(getOperation());
    RewritePatternSet patterns(&getContext());
    bnn::populateApproximateMathPatterns(patterns);
    CreatedFmas created;
    GreedyRewriteConfig config;
    config.setListener(&created);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), config,
                                          getArgument())))
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    auto contract = arith::FastMathFlags::contract;
    for (Operation *op : created.fmas) {
      auto fma = cast<math::FmaOp>(op);
      rewriter.setInsertionPoint(fma);
      Value product =
          arith::MulFOp::create(rewriter, fma.getLoc(), fma.getA(), fma.getB(), contract);
      rewriter.replaceOpWithNewOp<arith::AddFOp>(fma, product, fma.getC(), contract);
    }
  }
};

} // namespace

void bnn::populateApproximateMathPatterns(RewritePatternSet &patterns) {
  populatePolynomialApproximateErfPattern(patterns);
  populatePolynomialApproximateTanhPattern(patterns);
  populateMathPolynomialApproximationPatterns(
      patterns, [](StringRef name) { return name == math::ExpOp::getOperationName(); });
}

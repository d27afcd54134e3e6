//===- ReassociateReductions.cpp - float sums that may be vectorized -*- C++ -*-===//
//
// A linalg reduction that adds floats (tosa.reduce_sum: LayerNormalization's means and
// variances, ReduceMean, the float matmuls no kernel takes) becomes, through linalg-to-loops, a
// loop that adds one element at a time into one accumulator; LLVM may vectorize such a loop
// only if it may reassociate the additions (several partial sums, added at the end). ONNX fixes
// no order for these sums (onnxruntime's own are vectorized), so the accumulation's addf gets the
// `reassoc` fast-math flag, nothing else: the result differs from the sequential sum by float
// rounding only. (Not in the binary kernels, whose popcount sums are integers, nor in the float
// kernels, whose accumulators are already vectors.)
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace bnn {
#define GEN_PASS_DEF_BNNREASSOCIATEREDUCTIONS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// In a linalg op with a reduction iterator: an arith.addf whose operand is the block argument of
/// an init (the accumulator) and that yields into that init gets `reassoc`.
struct ReassociateFloatSum : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op, PatternRewriter &rewriter) const override {
    if (op.getNumReductionLoops() == 0)
      return rewriter.notifyMatchFailure(op, "no reduction");
    bool changed = false;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      BlockArgument acc = op.getMatchingBlockArgument(&init);
      auto add = op.getMatchingYieldValue(&init)->get().getDefiningOp<arith::AddFOp>();
      if (!add || (add.getLhs() != acc && add.getRhs() != acc) ||
          bitEnumContainsAll(add.getFastmath(), arith::FastMathFlags::reassoc))
        continue;
      rewriter.modifyOpInPlace(add, [&] { add.setFastmath(add.getFastmath() | arith::FastMathFlags::reassoc); });
      changed = true;
    }
    return success(changed);
  }
};

struct BNNReassociateReductionsPass
    : bnn::impl::BNNReassociateReductionsBase<BNNReassociateReductionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateReassociateReductionsPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateReassociateReductionsPatterns(RewritePatternSet &patterns) {
  patterns.add<ReassociateFloatSum>(patterns.getContext());
}

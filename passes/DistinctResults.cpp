//===- DistinctResults.cpp - every function result its own buffer -*- C++ -*-===//
//
// A graph may return one value twice: two outputs whose producers CSE merged (two identical
// Concats, say), or one node's output listed twice. buffer-results-to-out-params gives each
// result its own out-parameter and, hoisting static allocations, replaces a returned allocation
// by its out-parameter and erases it; an allocation returned twice is then read after it was
// erased (upstream MLIR 22 crashes in updateReturnOps). Written here because the fix belongs
// before bufferization, where the repeat is still one SSA value: each repeat becomes a copy,
// which bufferizes to its own allocation and so its own out-parameter.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace bnn {
#define GEN_PASS_DEF_BNNDISTINCTRESULTS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// func.return %a, %a  ->  %c = bufferization.alloc_tensor() copy(%a); func.return %a, %c.
/// An alloc_tensor allocates (a memory effect), so no CSE merges the copy back into %a.
struct CopyRepeatedResults : OpRewritePattern<func::ReturnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(func::ReturnOp ret, PatternRewriter &rewriter) const override {
    SmallVector<Value> operands(ret.getOperands());
    llvm::SmallPtrSet<Value, 8> seen;
    bool repeated = false;
    for (Value &v : operands) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || seen.insert(v).second)
        continue;
      v = bufferization::AllocTensorOp::create(rewriter, ret.getLoc(), type, ValueRange{}, v);
      repeated = true;
    }
    if (!repeated)
      return rewriter.notifyMatchFailure(ret, "no result repeats another");
    rewriter.modifyOpInPlace(ret, [&] { ret->setOperands(operands); });
    return success();
  }
};

struct BNNDistinctResultsPass : bnn::impl::BNNDistinctResultsBase<BNNDistinctResultsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateDistinctResultsPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateDistinctResultsPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyRepeatedResults>(patterns.getContext());
}

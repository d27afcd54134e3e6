//===- ElideOutputCopies.cpp - results computed in the caller's buffer -*- C++ -*-===//
//
// buffer-results-to-out-params writes a result into the caller's buffer directly only when the
// returned value is an allocation; a result that is a reshape of one (a flatten, a layout
// transpose's [N, C, H * W] viewed as [N, C, H, W]) is computed in scratch memory and copied out
// at the end: a second pass over the output. Written by hand: upstream's copy removal works on
// copies between allocations, not through reshapes into a function argument.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace bnn {
#define GEN_PASS_DEF_BNNELIDEOUTPUTCOPIES
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// memref.copy (reshape (memref.alloc)), %out  where %out is an argument of the function used
/// by nothing else, and the copy is the allocation's last use in the same block:
///   the allocation becomes the inverse reshape of %out, and the copy goes.
/// The reshape's source and result have identity layouts, so the inverse reshape (the same
/// reassociation, the other direction) views %out with the allocation's shape, element for
/// element as the reshape did.
struct ElideCopyThroughReshape : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy, PatternRewriter &rewriter) const override {
    auto out = dyn_cast<BlockArgument>(copy.getTarget());
    if (!out || !isa<func::FuncOp>(out.getOwner()->getParentOp()) || !out.hasOneUse())
      return rewriter.notifyMatchFailure(copy, "the target is not an output argument of its own");
    Operation *reshape = copy.getSource().getDefiningOp();
    if (!reshape || !isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(reshape) ||
        !reshape->hasOneUse())
      return rewriter.notifyMatchFailure(copy, "the source is not a reshape used once");
    auto alloc = reshape->getOperand(0).getDefiningOp<memref::AllocOp>();
    auto outType = dyn_cast<MemRefType>(out.getType());
    if (!alloc || !outType || !outType.getLayout().isIdentity() ||
        !alloc.getType().getLayout().isIdentity() || !alloc.getType().hasStaticShape() ||
        alloc->getBlock() != copy->getBlock() || outType.getMemorySpace())
      return rewriter.notifyMatchFailure(copy, "not a static allocation with identity layouts");
    for (Operation *user : alloc->getUsers())
      if (user != reshape && !isa<memref::DeallocOp>(user) &&
          !copy->getBlock()->findAncestorOpInBlock(*user)->isBeforeInBlock(copy))
        return rewriter.notifyMatchFailure(copy, "the allocation is used after the copy");

    rewriter.setInsertionPoint(alloc);
    Value view;
    if (auto expand = dyn_cast<memref::ExpandShapeOp>(reshape))
      view = memref::CollapseShapeOp::create(rewriter, alloc.getLoc(), alloc.getType(), out,
                                             expand.getReassociationIndices());
    else
      view = memref::ExpandShapeOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), out,
          cast<memref::CollapseShapeOp>(reshape).getReassociationIndices());
    rewriter.eraseOp(copy);
    rewriter.eraseOp(reshape);
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rewriter.eraseOp(user);
    rewriter.replaceOp(alloc, view);
    return success();
  }
};

struct BNNElideOutputCopiesPass
    : bnn::impl::BNNElideOutputCopiesBase<BNNElideOutputCopiesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateElideOutputCopiesPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateElideOutputCopiesPatterns(RewritePatternSet &patterns) {
  patterns.add<ElideCopyThroughReshape>(patterns.getContext());
}

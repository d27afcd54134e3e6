//===- CopyToLinalg.cpp - memref.copy as linalg.copy ------------*- C++ -*-===//
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace bnn {
#define GEN_PASS_DEF_BNNCOPYTOLINALG
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op, PatternRewriter &rewriter) const override {
    // linalg.copy needs ranked operands of one rank; other copies keep their lowering.
    auto source = dyn_cast<MemRefType>(op.getSource().getType());
    auto target = dyn_cast<MemRefType>(op.getTarget().getType());
    if (!source || !target || source.getRank() != target.getRank())
      return rewriter.notifyMatchFailure(op, "unranked or rank-changing copy");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(), op.getTarget());
    return success();
  }
};

/// A fill of a contiguous buffer of rank > 1 as a fill of its flat 1-D view. Lowered to loops,
/// the N-D fill nests one loop per axis; LLVM fully unrolled the innermost (the channels) and
/// vectorized the next with scatters, where a flat loop gives contiguous stores (or a memset).
struct FlattenFill : OpRewritePattern<linalg::FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::FillOp op, PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not on buffers");
    auto type = dyn_cast<MemRefType>(op.getOutputs()[0].getType());
    if (!type || type.getRank() < 2 || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "not a contiguous static buffer of rank > 1");
    ReassociationIndices all;
    for (int64_t i = 0; i < type.getRank(); ++i)
      all.push_back(i);
    Value flat = memref::CollapseShapeOp::create(rewriter, op.getLoc(), op.getOutputs()[0],
                                                 ArrayRef<ReassociationIndices>{all});
    rewriter.replaceOpWithNewOp<linalg::FillOp>(op, op.getInputs()[0], flat);
    return success();
  }
};

struct BNNCopyToLinalgPass : bnn::impl::BNNCopyToLinalgBase<BNNCopyToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateCopyToLinalgPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};
} // namespace

void bnn::populateCopyToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyToLinalg, FlattenFill>(patterns.getContext());
}

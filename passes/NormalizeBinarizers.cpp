//===- NormalizeBinarizers.cpp - binarizer encodings to bnn.binarize -*- C++ -*-===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/ElementwiseChain.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace bnn {
#define GEN_PASS_DEF_BNNNORMALIZEBINARIZERS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// Rewrites the longest element-wise subgraph ending at a chain link that is a step function of
/// one value into bnn.binarize (times the step's level where it is not 1).
struct NormalizeStep : RewritePattern {
  NormalizeStep(MLIRContext *ctx, bool signZeroPositive)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        signZeroPositive(signZeroPositive) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!bnn::isChainLink(op))
      return failure();
    // Candidate sources, longest chain first: the source of the whole element-wise DAG (if it
    // has one), then the values met walking back along first runtime operands (a residual Add
    // has two runtime operands; the Sign after it still binarizes the Add's result).
    SmallVector<Value> sources;
    if (auto full = bnn::ElementwiseChain::build(op->getResult(0)))
      sources.push_back(full->getSource());
    SmallVector<Value> path;
    for (Operation *link = op; bnn::isChainLink(link) && path.size() < 16;) {
      Value operand;
      for (Value v : link->getOperands())
        if (!matchPattern(v, m_Constant())) {
          operand = v;
          break;
        }
      if (!operand)
        break;
      path.push_back(operand);
      link = operand.getDefiningOp();
    }
    for (Value v : llvm::reverse(path))
      if (!llvm::is_contained(sources, v))
        sources.push_back(v);
    auto binarize = dyn_cast<bnn::BinarizeOp>(op);
    for (Value source : sources) {
      // A binarize of its own input is canonical by definition (the step is its thresholds and
      // tie): not classified again on every visit of the greedy driver.
      if (binarize && source == binarize.getInput())
        continue;
      auto chain = bnn::ElementwiseChain::build(op->getResult(0), source);
      if (!chain)
        continue;
      auto step = bnn::classifyStep(*chain);
      if (!step)
        continue;
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!isa<RankedTensorType>(source.getType()) ||
          cast<RankedTensorType>(source.getType()) != type)
        continue;
      bnn::Tie tie = step->tie > 0 ? bnn::Tie::POSITIVE
                     : step->tie < 0 ? bnn::Tie::NEGATIVE
                                     : bnn::Tie::ZERO;
      // Already canonical: a binarize of this source with these thresholds, alone or followed
      // by the level multiplication this pattern creates.
      bool unit = llvm::all_of(step->levels, [](float l) { return l == 1.0f; });
      const auto &links = chain->getOps();
      if (links.size() == (unit ? 1u : 2u))
        if (auto existing = dyn_cast<bnn::BinarizeOp>(links.front()))
          if (existing.getInput() == source && existing.getTie() == tie &&
              llvm::equal(existing.getThresholds().getValues<float>(), step->thresholds))
            return rewriter.notifyMatchFailure(op, "already canonical");
      Location loc = rewriter.getFusedLoc([&] {
        SmallVector<Location> locs;
        for (Operation *link : chain->getOps())
          locs.push_back(link->getLoc());
        return locs;
      }());
      if (tie == bnn::Tie::ZERO && signZeroPositive) {
        emitWarning(loc) << "--sign-zero=positive: this binarizer now maps an exact 0 to +1 "
                            "where the model gives 0";
        tie = bnn::Tie::POSITIVE;
      }
      auto thresholdType =
          RankedTensorType::get({static_cast<int64_t>(step->thresholds.size())}, rewriter.getF32Type());
      Value result = bnn::BinarizeOp::create(
          rewriter, loc, type, source, DenseElementsAttr::get(thresholdType, ArrayRef<float>(step->thresholds)),
          tie);
      bool unitLevel = llvm::all_of(step->levels, [](float l) { return l == 1.0f; });
      if (!unitLevel) {
        // y = level_c * binarize(x): the scale of BipolarQuant and friends.
        int64_t rank = type.getRank();
        SmallVector<int64_t> levelShape(rank, 1);
        levelShape[rank - 1] = static_cast<int64_t>(step->levels.size());
        auto levelType = RankedTensorType::get(levelShape, rewriter.getF32Type());
        Value levels = arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(levelType, ArrayRef<float>(step->levels)));
        SmallVector<AffineExpr> exprs(rank, rewriter.getAffineConstantExpr(0));
        if (step->levels.size() > 1)
          exprs[rank - 1] = rewriter.getAffineDimExpr(rank - 1);
        SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                       AffineMap::get(rank, 0, exprs, getContext()),
                                       rewriter.getMultiDimIdentityMap(rank)};
        Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
        SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
        result = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{type}, ValueRange{result, levels}, ValueRange{init},
                     maps, iters,
                     [](OpBuilder &b, Location l, ValueRange a) {
                       linalg::YieldOp::create(b, l, ValueRange{arith::MulFOp::create(b, l, a[0], a[1])});
                     })
                     .getResult(0);
      }
      rewriter.replaceOp(op, result);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no step function of one value");
  }

  bool signZeroPositive;
};

struct BNNNormalizeBinarizersPass
    : bnn::impl::BNNNormalizeBinarizersBase<BNNNormalizeBinarizersPass> {
  using BNNNormalizeBinarizersBase::BNNNormalizeBinarizersBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateNormalizeBinarizersPatterns(patterns, signZeroPositive);
    // Bottom-up would meet the last op of a chain after its producers were rewritten; either
    // order reaches the same fixed point since every rewrite keeps the function of the source.
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateNormalizeBinarizersPatterns(RewritePatternSet &patterns, bool signZeroPositive) {
  patterns.add<NormalizeStep>(patterns.getContext(), signZeroPositive);
}

//===- FuseRowReductions.cpp - normalizations computed a row at a time -*- C++ -*-===//
//
// LayerNormalization, Softmax and their kind reduce a tensor along its last axis and then
// combine every element with the row's result:
//
//   mean = sum(x, -1) / D;  d = x - mean;  var = sum(d * d, -1) / D;
//   y = d * rsqrt(var + eps) * gamma + beta
//
// As separate linalg ops over the whole tensor that is five passes over memory, and `d` is a
// second tensor as large as `x` (BiBERT-base's FFN LayerNorm, 128 x 3072 floats = 1.5 MB per
// tensor: with `x`, `d` and `y`, more than the L2 cache; each pass was load-bound). Nothing
// forces that order: every op of the chain is parallel along the leading axes. So the final
// element-wise op (the root) is tiled along its leading axes, one row per iteration, and its
// linalg producers (the reductions with their fills, the element-wise ops between them) are
// fused into the loop (upstream's tileConsumerAndFuseProducersUsingSCF): each row is read from
// memory once and stays in L1 for the passes over it, and only the row's slice of `d` exists.
// Then cheap element-wise producers are fused into their consumers inside such a loop even when
// they have several (d feeds both the variance's sum and y): recomputing a subtraction is
// cheaper than writing and re-reading a row (an expensive one, GELU before a LayerNorm, is
// computed once per row into a row-sized buffer that stays in L1).
//
// The chains come from TOSA with unit dimensions (tosa.reduce_sum keeps the reduced axis: a
// reshape to 128 x 1 x 3072, a reduction to 128 x 1, a broadcast back), and tile-and-fuse does
// not fuse through reshapes; so the ops of such a chain first lose their unit dimensions
// (upstream's drop-unit-dims patterns, restricted to those ops), after which the reshapes between
// them cancel. A reduction fused for two consumers is computed once per row (CSE of the loop).
//
// The same arithmetic in the same order per element and per sum (a row's reduction runs over the
// same elements as before): results are bit-identical to the untiled ops.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace bnn {
#define GEN_PASS_DEF_BNNFUSEROWREDUCTIONS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// Rows smaller than this many elements are not worth a loop of their own.
constexpr int64_t kMinRowElements = 64;

/// A linalg.generic or linalg.fill that may be recomputed a row at a time: element-wise ops and
/// reductions on tensors, not the named contractions (matmuls, convolutions), which have
/// kernels of their own.
bool isFusible(Operation *op) {
  if (isa<linalg::FillOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && generic.hasPureTensorSemantics();
}

/// All loops parallel, one result with the identity map: the root of a row chain.
bool isElementwiseRoot(linalg::GenericOp op) {
  return op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
         op.getNumLoops() == op.getNumParallelLoops() && op.getNumLoops() >= 2 &&
         op.getIndexingMapMatchingResult(op->getResult(0)).isIdentity() &&
         op.getStaticLoopRanges().size() == op.getNumLoops() &&
         llvm::none_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

/// The ops reached from `root` backwards through operands, each accepted by `follow`.
llvm::SetVector<Operation *> producersOf(Operation *root, function_ref<bool(Operation *)> follow) {
  llvm::SetVector<Operation *> found;
  SmallVector<Operation *> work{root};
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp(); def && follow(def) && found.insert(def))
        work.push_back(def);
  }
  return found;
}

/// The producers of `root` that fuse with it: fusible linalg ops reached through operands, each
/// of whose users is `root` or another member (a producer read elsewhere stays whole).
llvm::SetVector<Operation *> rowCluster(Operation *root) {
  llvm::SetVector<Operation *> cluster = producersOf(root, isFusible);
  // Drop members with users outside (root + members), until none is left.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation *op : llvm::make_early_inc_range(cluster)) {
      bool inside = llvm::all_of(op->getUsers(), [&](Operation *user) {
        return user == root || cluster.contains(user);
      });
      if (!inside) {
        cluster.remove(op);
        changed = true;
      }
    }
  }
  return cluster;
}

/// How many leading loops every reduction of the cluster keeps parallel, reading a tensor of the
/// root's shape through the identity map; 0 when there is no such reduction (no row chain).
unsigned rowDims(linalg::GenericOp root, const llvm::SetVector<Operation *> &cluster) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(root->getResult(0).getType()).getShape();
  unsigned rows = shape.size();
  bool any = false;
  for (Operation *op : cluster) {
    auto generic = dyn_cast<linalg::GenericOp>(op);
    if (!generic || generic.getNumReductionLoops() == 0)
      continue;
    if (generic.getNumLoops() != shape.size() ||
        llvm::to_vector(generic.getStaticLoopRanges()) != llvm::to_vector(shape))
      return 0;
    // The first reduction loop ends the leading parallel ones; the loops after it must all be
    // reductions (a row is reduced as a whole).
    SmallVector<utils::IteratorType> iters = generic.getIteratorTypesArray();
    unsigned first = 0;
    while (first < iters.size() && iters[first] == utils::IteratorType::parallel)
      ++first;
    for (unsigned i = first; i < iters.size(); ++i)
      if (iters[i] != utils::IteratorType::reduction)
        return 0;
    bool identityInput = llvm::any_of(generic.getDpsInputOperands(), [&](OpOperand *in) {
      return generic.getMatchingIndexingMap(in).isIdentity();
    });
    if (!identityInput)
      return 0;
    rows = std::min(rows, first);
    any = true;
  }
  return any ? rows : 0;
}

/// At least two rows of at least kMinRowElements elements: worth a row loop.
bool worthRowLoop(int64_t rows, int64_t rowElements) {
  return rows >= 2 && rowElements >= kMinRowElements;
}

/// A reduction of static shape whose rows (parallel loops) and reduced elements are worth a row
/// loop.
bool isRowReduction(linalg::GenericOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  int64_t rows = 1, row = 1;
  for (auto [range, iter] : llvm::zip(op.getStaticLoopRanges(), op.getIteratorTypesArray())) {
    if (ShapedType::isDynamic(range))
      return false;
    (iter == utils::IteratorType::reduction ? row : rows) *= range;
  }
  return worthRowLoop(rows, row);
}

/// The ops of every potential row chain, looking through reshapes (before their unit dimensions
/// are dropped): for each element-wise root of static shape, its fusible producers and reshapes,
/// when they include a row reduction.
llvm::DenseSet<Operation *> rowChainOps(func::FuncOp func) {
  llvm::DenseSet<Operation *> ops;
  func.walk([&](linalg::GenericOp root) {
    if (!isElementwiseRoot(root))
      return;
    llvm::SetVector<Operation *> chain = producersOf(root, [](Operation *op) {
      return isFusible(op) || isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op);
    });
    bool reduces = llvm::any_of(chain, [](Operation *op) {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      return generic && isRowReduction(generic);
    });
    if (!reduces)
      return;
    ops.insert(root);
    ops.insert(chain.begin(), chain.end());
  });
  return ops;
}

/// Tiles an element-wise root that depends on row reductions of a tensor of its shape by one row
/// (its leading parallel loops, tile size 1), fusing the cluster of its producers into the loop.
struct TileRowChain : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp root, PatternRewriter &rewriter) const override {
    if (!isElementwiseRoot(root))
      return rewriter.notifyMatchFailure(root, "not an element-wise root of static shape");
    llvm::SetVector<Operation *> cluster = rowCluster(root);
    unsigned rows = rowDims(root, cluster);
    if (rows == 0)
      return rewriter.notifyMatchFailure(root, "no row reduction of the root's shape to fuse");
    SmallVector<int64_t> ranges = root.getStaticLoopRanges();
    int64_t rowCount = 1, rowElements = 1;
    for (unsigned i = 0; i < ranges.size(); ++i)
      (i < rows ? rowCount : rowElements) *= ranges[i];
    if (!worthRowLoop(rowCount, rowElements))
      return rewriter.notifyMatchFailure(root, "one row, or rows too short for a loop");

    SmallVector<OpFoldResult> tiles(ranges.size(), rewriter.getIndexAttr(0));
    for (unsigned i = 0; i < rows; ++i)
      tiles[i] = rewriter.getIndexAttr(1);
    scf::SCFTileAndFuseOptions options;
    options.tilingOptions.setTileSizes(tiles);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer,
            bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (!cluster.contains(producer.getOwner()))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    FailureOr<scf::SCFTileAndFuseResult> result = scf::tileConsumerAndFuseProducersUsingSCF(
        rewriter, cast<TilingInterface>(root.getOperation()), options);
    if (failed(result))
      return rewriter.notifyMatchFailure(root, "tiling failed");
    rewriter.replaceOp(root, result->replacements.lookup(root->getResult(0)));
    // A producer read by two ops of the chain (the mean, read by the variance and by y) was fused
    // once per read: keep one.
    DominanceInfo dominance;
    for (LoopLikeOpInterface loop : result->loops)
      eliminateCommonSubExpressions(rewriter, dominance, loop);
    return success();
  }
};

/// At most two arith ops other than a division: recomputing it per consumer costs less than a
/// row written and read back (x - mean, yes; GELU's erf, no).
bool isCheapElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumLoops() != generic.getNumParallelLoops())
    return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() > 3)
    return false;
  return llvm::all_of(body.without_terminator(), [](Operation &inner) {
    return isa<arith::ArithDialect>(inner.getDialect()) &&
           !isa<arith::DivFOp, arith::DivSIOp, arith::DivUIOp, arith::RemFOp>(inner);
  });
}

/// Inside a row loop, a cheap element-wise producer with several element-wise consumers is fused
/// into each of them (upstream's default fuses a producer with one use only).
bool fuseInRowLoops(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer)
    return false;
  if (producer->hasOneUse())
    return true;
  if (!isCheapElementwise(producer))
    return false;
  auto loop = dyn_cast<scf::ForOp>(producer->getParentOp());
  if (!loop || fused->getOwner()->getBlock() != producer->getBlock())
    return false;
  // A loop of ours: it holds a row reduction (a generic with a reduction loop).
  return llvm::any_of(loop.getBody()->getOperations(), [](Operation &op) {
    auto generic = dyn_cast<linalg::GenericOp>(&op);
    return generic && generic.getNumReductionLoops() > 0;
  });
}

struct BNNFuseRowReductionsPass
    : bnn::impl::BNNFuseRowReductionsBase<BNNFuseRowReductionsPass> {
  void runOnOperation() override {
    llvm::DenseSet<Operation *> chains = rowChainOps(getOperation());
    if (chains.empty())
      return;
    // Drop the unit dimensions of the chains' ops only (upstream's patterns are meant for a walk,
    // not the greedy driver), then cancel the reshapes between them.
    linalg::ControlDropUnitDims drop;
    drop.controlFn = [&](Operation *op) -> SmallVector<unsigned> {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (!generic || !chains.contains(op))
        return {};
      return llvm::to_vector(llvm::seq<unsigned>(0, generic.getNumLoops()));
    };
    RewritePatternSet unitDims(&getContext());
    linalg::populateFoldUnitExtentDimsPatterns(unitDims, drop);
    walkAndApplyPatterns(getOperation(), std::move(unitDims));
    RewritePatternSet reshapes(&getContext());
    linalg::populateFoldUnitExtentDimsCanonicalizationPatterns(reshapes, drop);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(reshapes), getArgument())))
      return signalPassFailure();

    RewritePatternSet tile(&getContext());
    bnn::populateTileRowReductionsPatterns(tile);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(tile), getArgument())))
      return signalPassFailure();
    RewritePatternSet fuse(&getContext());
    bnn::populateFuseInRowLoopsPatterns(fuse);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(fuse), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateTileRowReductionsPatterns(RewritePatternSet &patterns) {
  patterns.add<TileRowChain>(patterns.getContext());
}

void bnn::populateFuseInRowLoopsPatterns(RewritePatternSet &patterns) {
  linalg::populateElementwiseOpsFusionPatterns(patterns, fuseInRowLoops);
}

//===- BNNToLinalg.cpp - bnn binarizers to linalg.generic -------*- C++ -*-===//
//
// Each binarizer becomes one element-wise linalg.generic (two for multi_threshold: a count and an
// affine map), so the upstream elementwise fusion merges it with its neighbours.
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace bnn {
#define GEN_PASS_DEF_BNNLOWERTOLINALG
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

Value f32(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(static_cast<float>(v)));
}

/// The indexing map of a rank-equal operand that broadcasts along its size-1 axes.
AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType full, RankedTensorType param) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < full.getRank(); ++i)
    exprs.push_back(param.getDimSize(i) == 1 && full.getDimSize(i) != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(i, ctx));
  return AffineMap::get(full.getRank(), 0, exprs, ctx);
}

/// Builds `linalg.generic` over `inputs` (each with its map) into a fresh tensor of `type`.
Value buildElementwise(PatternRewriter &rewriter, Location loc, RankedTensorType type,
                       ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                       function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(rewriter.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iters(type.getRank(), utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, body(b, l, args));
      });
  return generic.getResult(0);
}

/// sign(x) = x > 0 ? 1 : (x < 0 ? -1 : x). The last arm returns x itself, so 0 (and -0) gives 0
/// and NaN stays NaN, as ONNX's Sign.
Value buildSign(OpBuilder &b, Location loc, Value x) {
  Value zero = f32(b, loc, 0.0);
  Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  Value lt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value inner = arith::SelectOp::create(b, loc, lt, f32(b, loc, -1.0), x);
  return arith::SelectOp::create(b, loc, gt, f32(b, loc, 1.0), inner);
}

/// bipolar(x) = x >= 0 ? 1 : -1 (ordered compare: NaN gives -1, as numpy's where(x >= 0, ...)).
Value buildBipolar(OpBuilder &b, Location loc, Value x) {
  Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, f32(b, loc, 0.0));
  return arith::SelectOp::create(b, loc, ge, f32(b, loc, 1.0), f32(b, loc, -1.0));
}

struct LowerSign : OpRewritePattern<bnn::SignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::SignOp op, PatternRewriter &rewriter) const override {
    auto type = op.getType();
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type, op.getInput(),
                                            rewriter.getMultiDimIdentityMap(type.getRank()),
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return buildSign(b, l, a[0]);
                                            }));
    return success();
  }
};

struct LowerBipolarSign : OpRewritePattern<bnn::BipolarSignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BipolarSignOp op, PatternRewriter &rewriter) const override {
    auto type = op.getType();
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type, op.getInput(),
                                            rewriter.getMultiDimIdentityMap(type.getRank()),
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return buildBipolar(b, l, a[0]);
                                            }));
    return success();
  }
};

/// QONNX Quant, as its reference implementation computes it:
///   v = x / scale + zp
///   1-bit signed: bipolar(v)          (no rescale: the reference returns the +-1 plane)
///   otherwise:    (rnd(clamp(v, qmin, qmax)) - zp) * scale
struct LowerQuant : OpRewritePattern<bnn::QuantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::QuantOp op, PatternRewriter &rewriter) const override {
    auto type = op.getType();
    MLIRContext *ctx = op.getContext();
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(type.getRank()),
                                   broadcastMap(ctx, type, op.getScale().getType()),
                                   broadcastMap(ctx, type, op.getZeroPoint().getType())};
    bool bipolar = op.getIsSigned() && op.getBitwidth() == 1;
    double qmin = op.getQMin(), qmax = op.getQMax();
    bnn::RoundingMode mode = op.getRoundingMode();
    auto body = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      Value v = arith::DivFOp::create(b, l, a[0], a[1]);
      v = arith::AddFOp::create(b, l, v, a[2]);
      if (bipolar)
        return buildBipolar(b, l, v);
      v = arith::MaximumFOp::create(b, l, v, f32(b, l, qmin));
      v = arith::MinimumFOp::create(b, l, v, f32(b, l, qmax));
      switch (mode) {
      case bnn::RoundingMode::ROUND:
        v = math::RoundEvenOp::create(b, l, v);
        break;
      case bnn::RoundingMode::CEIL:
        v = math::CeilOp::create(b, l, v);
        break;
      case bnn::RoundingMode::FLOOR:
        v = math::FloorOp::create(b, l, v);
        break;
      case bnn::RoundingMode::ROUND_TO_ZERO:
        v = math::TruncOp::create(b, l, v);
        break;
      }
      v = arith::SubFOp::create(b, l, v, a[2]);
      return arith::MulFOp::create(b, l, v, a[1]);
    };
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type,
                                            ValueRange{op.getInput(), op.getScale(),
                                                       op.getZeroPoint()},
                                            maps, body));
    return success();
  }
};

/// multi_threshold: count = sum_b (x >= T[c, b]) as a reduction over b, then
/// y = out_scale * count + out_bias.
struct LowerMultiThreshold : OpRewritePattern<bnn::MultiThresholdOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::MultiThresholdOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    MLIRContext *ctx = op.getContext();
    int64_t rank = type.getRank();
    auto thresholdType = op.getThresholds().getType();
    // Loops: d0..d(rank-1) over the input, d(rank) over the thresholds.
    AffineMap inMap = AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank);
    AffineExpr row = thresholdType.getDimSize(0) == 1
                         ? getAffineConstantExpr(0, ctx)
                         : getAffineDimExpr(op.getChannelAxis(), ctx);
    AffineMap tMap = AffineMap::get(rank + 1, 0, {row, getAffineDimExpr(rank, ctx)}, ctx);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);

    Value zero = f32(rewriter, loc, 0.0);
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
    Value init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    auto count = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getInput(), op.getThresholds()},
        ValueRange{init}, ArrayRef<AffineMap>{inMap, tMap, inMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value ge = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, a[0], a[1]);
          Value one = arith::UIToFPOp::create(b, l, b.getF32Type(), ge);
          linalg::YieldOp::create(b, l, ValueRange{arith::AddFOp::create(b, l, a[2], one)});
        });
    float scale = op.getOutScale().convertToFloat(), bias = op.getOutBias().convertToFloat();
    Value result = buildElementwise(
        rewriter, loc, type, count.getResult(0), rewriter.getMultiDimIdentityMap(rank),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = arith::MulFOp::create(b, l, a[0], f32(b, l, scale));
          return arith::AddFOp::create(b, l, v, f32(b, l, bias));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct BNNLowerToLinalgPass : bnn::impl::BNNLowerToLinalgBase<BNNLowerToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateBNNToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateBNNToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSign, LowerBipolarSign, LowerQuant, LowerMultiThreshold>(
      patterns.getContext());
}

//===- BNNToLinalg.cpp - bnn binarizers to linalg.generic -------*- C++ -*-===//
//
// Each binarizer becomes one element-wise linalg.generic (two for multi_threshold: a count and an
// affine map), so the upstream elementwise fusion merges it with its neighbours.
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/KernelSupport.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

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
  // The result has the shape of the first input (element-wise ops): dynamic sizes come from it.
  Value init = type.hasStaticShape()
                   ? tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType())
                   : tensor::EmptyOp::create(rewriter, loc,
                                             tensor::getMixedSizes(rewriter, loc, inputs[0]),
                                             type.getElementType());
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

/// QONNX Quant, as its reference implementation (qonnx int_quant) computes it:
///   v = x / scale + zp
///   q = 1-bit signed ? bipolar(v) : rnd(clamp(v, qmin, qmax))
///   y = (q - zp) * scale
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
      if (bipolar) {
        v = buildBipolar(b, l, v);
        v = arith::SubFOp::create(b, l, v, a[2]);
        return arith::MulFOp::create(b, l, v, a[1]);
      }
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
    Value empty = type.hasStaticShape()
                      ? tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType())
                      : tensor::EmptyOp::create(rewriter, loc,
                                                tensor::getMixedSizes(rewriter, loc, op.getInput()),
                                                type.getElementType());
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

/// binarize: y = x > t_c ? 1 : (x < t_c ? -1 : tie).
struct LowerBinarize : OpRewritePattern<bnn::BinarizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BinarizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = type.getRank();
    Value thresholds = arith::ConstantOp::create(rewriter, loc, op.getThresholds());
    AffineExpr channel = op.getThresholds().getNumElements() == 1
                             ? rewriter.getAffineConstantExpr(0)
                             : rewriter.getAffineDimExpr(rank - 1);
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, channel)};
    float tie = op.getTieValue();
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, type, ValueRange{op.getInput(), thresholds},
                                            maps, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], a[1]);
      Value lt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0], a[1]);
      // NaN compares false both ways; keep it NaN, as ONNX Sign does.
      Value nan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, a[0], a[0]);
      Value tieOrNaN = arith::SelectOp::create(b, l, nan, a[0], f32(b, l, tie));
      Value inner = arith::SelectOp::create(b, l, lt, f32(b, l, -1.0), tieOrNaN);
      return arith::SelectOp::create(b, l, gt, f32(b, l, 1.0), inner);
    }));
    return success();
  }
};

Value i64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
}

Value zeroFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elem) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, elem);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// Pads the H and W axes of NHWC packed planes by `pad` = [top, bottom, left, right] with the
/// word `value`.
Value padSpatial(PatternRewriter &rewriter, Location loc, Value plane, ArrayRef<int64_t> pad,
                 int64_t value) {
  return bnn::padSpatial(rewriter, loc, plane, pad, rewriter.getI64IntegerAttr(value), /*distinct=*/true);
}

/// Pads the innermost axis of `v` with `padValue` to `words * 64` entries and splits it into
/// [words, 64], so that packing loops index bits with plain projections.
Value padAndSplitWords(PatternRewriter &rewriter, Location loc, Value v, int64_t words,
                       TypedAttr padValue) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t rank = t.getRank();
  if (t.getShape().back() != words * 64) {
    SmallVector<int64_t> padded(t.getShape());
    padded.back() = words * 64;
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)), high(rank, rewriter.getIndexAttr(0));
    high.back() = rewriter.getIndexAttr(words * 64 - t.getShape().back());
    Value pv = arith::ConstantOp::create(rewriter, loc, padValue);
    v = tensor::PadOp::create(rewriter, loc, RankedTensorType::get(padded, t.getElementType()), v,
                              low, high, pv);
  }
  SmallVector<int64_t> shape(t.getShape());
  shape.back() = words;
  shape.push_back(64);
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t i = 0; i + 1 < rank; ++i)
    reassociation.push_back({i});
  reassociation.push_back({rank - 1, rank});
  return tensor::ExpandShapeOp::create(rewriter, loc, RankedTensorType::get(shape, t.getElementType()),
                                       v, reassociation);
}

/// pack: channels padded with 0 to whole words, then for word w of each position
///   sign |= (x[64w + b] < 0) << b,   mask |= (x[64w + b] != 0) << b   over b in [0, 64).
struct LowerPack : OpRewritePattern<bnn::PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::PackOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto in = op.getInput().getType();
    auto packed = op.getSign().getType();
    int64_t rank = in.getRank(), words = packed.getShape().back();
    // [..., words * 64] -> [..., words, 64], so that every indexing map is a projection.
    Value input = padAndSplitWords(rewriter, loc, op.getInput(), words, rewriter.getF32FloatAttr(0.0f));
    // Loops: d0..d(rank-1) over the packed shape, d(rank) over the bits of a word.
    AffineMap inMap = AffineMap::getMultiDimIdentityMap(rank + 1, ctx);
    AffineMap outMap = AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value init = zeroFilled(rewriter, loc, packed.getShape(), rewriter.getI64Type());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{packed, packed}, ValueRange{input}, ValueRange{init, init},
        ArrayRef<AffineMap>{inMap, outMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value bit = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                 linalg::IndexOp::create(b, l, rank));
          Value zero = f32(b, l, 0.0);
          Value neg = arith::ExtUIOp::create(
              b, l, b.getI64Type(), arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0], zero));
          Value nz = arith::ExtUIOp::create(
              b, l, b.getI64Type(), arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, a[0], zero));
          Value s = arith::OrIOp::create(b, l, a[1], arith::ShLIOp::create(b, l, neg, bit));
          Value m = arith::OrIOp::create(b, l, a[2], arith::ShLIOp::create(b, l, nz, bit));
          linalg::YieldOp::create(b, l, ValueRange{s, m});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// concat_packed: input i (channels from offset o_i) ORed into the result's words from o_i / 64
/// on, shifted left by o_i % 64 (the verifier guarantees no word spills into the next):
///   out[..., o_i / 64 + k] |= in_i[..., k] << (o_i % 64).
struct LowerConcatPacked : OpRewritePattern<bnn::ConcatPackedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::ConcatPackedOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = op.getType();
    int64_t rank = outType.getRank();
    Value out = zeroFilled(rewriter, loc, outType.getShape(), rewriter.getI64Type());
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    int64_t offset = 0;
    for (auto [in, c] : llvm::zip(op.getInputs(), op.getChannels())) {
      auto t = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes, strides(rank, rewriter.getIndexAttr(1));
      offsets.back() = rewriter.getIndexAttr(offset / 64);
      for (int64_t d : t.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, t, out, offsets, sizes, strides);
      int64_t shift = offset % 64;
      auto merged = linalg::GenericOp::create(
          rewriter, loc, TypeRange{t}, ValueRange{in}, ValueRange{slice}, ArrayRef<AffineMap>{id, id},
          iters, [&](OpBuilder &b, Location l, ValueRange a) {
            Value bits = a[0];
            if (shift)
              bits = arith::ShLIOp::create(b, l, bits, arith::ConstantOp::create(b, l, b.getI64IntegerAttr(shift)));
            linalg::YieldOp::create(b, l, ValueRange{arith::OrIOp::create(b, l, a[1], bits).getResult()});
          });
      out = tensor::InsertSliceOp::create(rewriter, loc, merged.getResult(0), out, offsets, sizes, strides);
      offset += c;
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// The XNOR-popcount reduction shared by bconv2d and bmatmul:
///   A += popcount(m & (s ^ w)),  B += popcount(m),  d = B - 2A.
/// Each valid +-1 product is +1 where the bits agree, so the dot product over the m-selected
/// bits is #agree - #differ = B - 2A. Padding and tail bits have m = 0 and add nothing
/// (BINARY_SEMANTICS §1-§3).
Value buildPopcountLayer(PatternRewriter &rewriter, Location loc, RankedTensorType resultType,
                         Value sign, Value mask, Value weights, ArrayRef<AffineMap> inputMaps,
                         AffineMap accMap, ArrayRef<utils::IteratorType> iters) {
  MLIRContext *ctx = rewriter.getContext();
  Type i32 = rewriter.getI32Type();
  Value init = zeroFilled(rewriter, loc, resultType.getShape(), i32);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(accMap);
  maps.push_back(accMap);
  auto reduce = linalg::GenericOp::create(
      rewriter, loc, TypeRange{resultType, resultType}, ValueRange{sign, mask, weights},
      ValueRange{init, init}, maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
        Value x = arith::XOrIOp::create(b, l, a[0], a[2]);
        Value differ = math::CtPopOp::create(b, l, arith::AndIOp::create(b, l, a[1], x));
        Value valid = math::CtPopOp::create(b, l, a[1]);
        Value acc = arith::AddIOp::create(b, l, a[3], arith::TruncIOp::create(b, l, b.getI32Type(), differ));
        Value cnt = arith::AddIOp::create(b, l, a[4], arith::TruncIOp::create(b, l, b.getI32Type(), valid));
        linalg::YieldOp::create(b, l, ValueRange{acc, cnt});
      });
  int64_t rank = resultType.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  return buildElementwise(rewriter, loc, resultType,
                          ValueRange{reduce.getResult(0), reduce.getResult(1)}, {id, id},
                          [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::SubIOp::create(b, l, a[1], arith::AddIOp::create(b, l, a[0], a[0]));
  });
}

/// output_transform: y = multiplier[c] * float(d) + bias[c].
struct LowerOutputTransform : OpRewritePattern<bnn::OutputTransformOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::OutputTransformOp op, PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    auto type = op.getType();
    int64_t rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx));
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type,
                                            ValueRange{op.getInput(), op.getMultiplier(), op.getBias()},
                                            {id, channel, channel},
                                            [](OpBuilder &b, Location l, ValueRange a) -> Value {
      Value d = arith::SIToFPOp::create(b, l, b.getF32Type(), a[0]);
      return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, a[1], d), a[2]);
    }));
    return success();
  }
};

/// threshold: per channel, v = d < low ? -1 : (d < high ? 0 : +1), mirrored where descending;
/// then packed as bnn.pack packs: channels padded to whole words (padding gets v = 0), sign bit
/// for -1, mask bit for non-zero.
struct LowerThreshold : OpRewritePattern<bnn::ThresholdOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::ThresholdOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto in = op.getInput().getType();
    auto packed = op.getSign().getType();
    int64_t rank = in.getRank(), words = packed.getShape().back();
    // d and the per-channel vectors are padded to whole words, then split into [words, 64].
    // Padded channels get low = INT32_MIN, high = INT32_MAX: every d lands in [low, high), so
    // their value is 0 and both tail bits stay 0.
    Value d = padAndSplitWords(rewriter, loc, op.getInput(), words, rewriter.getI32IntegerAttr(0));
    Value low = padAndSplitWords(rewriter, loc, op.getLow(), words, rewriter.getI32IntegerAttr(INT32_MIN));
    Value high = padAndSplitWords(rewriter, loc, op.getHigh(), words, rewriter.getI32IntegerAttr(INT32_MAX));
    Value desc = padAndSplitWords(rewriter, loc, op.getDescending(), words, rewriter.getBoolAttr(false));
    AffineMap inMap = AffineMap::getMultiDimIdentityMap(rank + 1, ctx);
    AffineMap chanMap = AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank - 1, ctx), getAffineDimExpr(rank, ctx)}, ctx);
    AffineMap outMap = AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value init = zeroFilled(rewriter, loc, packed.getShape(), rewriter.getI64Type());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{packed, packed}, ValueRange{d, low, high, desc},
        ValueRange{init, init}, ArrayRef<AffineMap>{inMap, chanMap, chanMap, chanMap, outMap, outMap},
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value bit = arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, rank));
          Value below = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, a[0], a[1]);
          Value atOrAbove = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, a[0], a[2]);
          // negative: below low (ascending) or from high on (descending); non-zero: outside [low, high).
          Value neg = arith::SelectOp::create(b, l, a[3], atOrAbove, below);
          Value nz = arith::OrIOp::create(b, l, below, atOrAbove);
          Value negBits = arith::ShLIOp::create(b, l, arith::ExtUIOp::create(b, l, b.getI64Type(), neg), bit);
          Value nzBits = arith::ShLIOp::create(b, l, arith::ExtUIOp::create(b, l, b.getI64Type(), nz), bit);
          linalg::YieldOp::create(b, l, ValueRange{arith::OrIOp::create(b, l, a[4], negBits),
                                                   arith::OrIOp::create(b, l, a[5], nzBits)});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// bmaxpool2d over packed planes: per window, pos = OR(~s & m) (some +1), allneg = AND(s & m)
/// (every tap -1); the result is +1 if pos, else -1 if allneg, else 0:
///   sign' = ~pos & allneg,  mask' = pos | allneg.
/// Out-of-bounds taps must not count: the planes are padded with -1 (s = m = all ones), the
/// neutral element of max over {-1, 0, +1}; tail bits stay 0 because every window holds at
/// least one real tap whose tail bits are 0.
struct LowerBMaxPool2D : OpRewritePattern<bnn::BMaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BMaxPool2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto pad = op.getPad();
    auto kernel = op.getKernel();
    auto stride = op.getStride();
    Value s = padSpatial(rewriter, loc, op.getInputSign(), pad, -1);
    Value m = padSpatial(rewriter, loc, op.getInputMask(), pad, -1);
    auto outType = op.getSign().getType();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // Loops: n, oh, ow, word | kh, kw.
    AffineMap inMap = AffineMap::get(6, 0, {d(0), d(1) * stride[0] + d(4), d(2) * stride[1] + d(5), d(3)}, ctx);
    AffineMap outMap = AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx);
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
    iters.append(2, utils::IteratorType::reduction);
    Value pos0 = zeroFilled(rewriter, loc, outType.getShape(), rewriter.getI64Type());
    Value empty = tensor::EmptyOp::create(rewriter, loc, outType.getShape(), rewriter.getI64Type());
    Value neg0 = linalg::FillOp::create(rewriter, loc, i64(rewriter, loc, -1), empty).getResult(0);
    // A window's kernel extent is a loop range: give it through a dummy-free map on a shaped
    // operand (the kernel tensor) so the loop bounds are known.
    Value window = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{kernel[0], kernel[1]}, rewriter.getI64Type());
    AffineMap windowMap = AffineMap::get(6, 0, {d(4), d(5)}, ctx);
    auto reduce = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType, outType}, ValueRange{s, m, window}, ValueRange{pos0, neg0},
        ArrayRef<AffineMap>{inMap, inMap, windowMap, outMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value ones = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(-1));
          Value notS = arith::XOrIOp::create(b, l, a[0], ones);
          Value pos = arith::OrIOp::create(b, l, a[3], arith::AndIOp::create(b, l, notS, a[1]));
          Value neg = arith::AndIOp::create(b, l, a[4], arith::AndIOp::create(b, l, a[0], a[1]));
          linalg::YieldOp::create(b, l, ValueRange{pos, neg});
        });
    int64_t rank = 4;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value pos = reduce.getResult(0), neg = reduce.getResult(1);
    Value init = tensor::EmptyOp::create(rewriter, loc, outType.getShape(), rewriter.getI64Type());
    SmallVector<utils::IteratorType> par(rank, utils::IteratorType::parallel);
    auto combine = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType, outType}, ValueRange{pos, neg}, ValueRange{init, init},
        ArrayRef<AffineMap>{id, id, id, id}, par, [&](OpBuilder &b, Location l, ValueRange a) {
          Value ones = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(-1));
          Value sign = arith::AndIOp::create(b, l, arith::XOrIOp::create(b, l, a[0], ones), a[1]);
          Value mask = arith::OrIOp::create(b, l, a[0], a[1]);
          linalg::YieldOp::create(b, l, ValueRange{sign, mask});
        });
    rewriter.replaceOp(op, combine.getResults());
    return success();
  }
};

/// bconv2d of bipolar inputs (no zeros: every real channel's mask bit is 1), without reading
/// the mask plane. A tap is in bounds by its position alone: vH[oh][kh] and vW[ow][kw] are
/// all-ones words when the tap row/column lies inside the input, else 0. Then
///   A = sum over taps and words of popcount((s ^ w) & vH & vW)
///   d = in_channels * cntH[oh] * cntW[ow] - 2A
/// where cntH/cntW count the in-bounds kernel rows/columns: the +-1 products over the valid
/// taps are (#valid - #differ) - #differ. Tail bits are 0 in s and w, so they never differ.
Value lowerBipolarConv(PatternRewriter &rewriter, bnn::BConv2DOp op, Value paddedSign) {
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  auto pad = op.getPad();
  auto stride = op.getStride();
  auto dilation = op.getDilation();
  auto in = op.getInputSign().getType();
  auto w = op.getWeights().getType();
  auto out = op.getType();
  int64_t KH = w.getDimSize(1), KW = w.getDimSize(2), Ho = out.getDimSize(1), Wo = out.getDimSize(2);
  auto validity = [&](int64_t outSize, int64_t k, int64_t axis, SmallVector<int32_t> &count) {
    SmallVector<APInt> masks;
    count.assign(outSize, 0);
    for (int64_t o = 0; o < outSize; ++o)
      for (int64_t t = 0; t < k; ++t) {
        int64_t i = o * stride[axis] + t * dilation[axis] - pad[2 * axis];
        bool inside = i >= 0 && i < in.getDimSize(1 + axis);
        masks.push_back(APInt(64, inside ? ~uint64_t(0) : 0));
        count[o] += inside;
      }
    auto type = RankedTensorType::get({outSize, k}, rewriter.getI64Type());
    return arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, masks));
  };
  SmallVector<int32_t> cntH, cntW;
  Value vH = validity(Ho, KH, 0, cntH), vW = validity(Wo, KW, 1, cntW);
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // Loops: n, oh, ow, o | kh, kw, word.
  AffineMap inMap = AffineMap::get(7, 0, {d(0), d(1) * stride[0] + d(4) * dilation[0],
                                          d(2) * stride[1] + d(5) * dilation[1], d(6)}, ctx);
  AffineMap wMap = AffineMap::get(7, 0, {d(3), d(4), d(5), d(6)}, ctx);
  AffineMap hMap = AffineMap::get(7, 0, {d(1), d(4)}, ctx);
  AffineMap vMap = AffineMap::get(7, 0, {d(2), d(5)}, ctx);
  AffineMap accMap = AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx);
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  iters.append(3, utils::IteratorType::reduction);
  Value init = zeroFilled(rewriter, loc, out.getShape(), rewriter.getI32Type());
  auto reduce = linalg::GenericOp::create(
      rewriter, loc, TypeRange{out}, ValueRange{paddedSign, op.getWeights(), vH, vW},
      ValueRange{init}, ArrayRef<AffineMap>{inMap, wMap, hMap, vMap, accMap}, iters,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value x = arith::XOrIOp::create(b, l, a[0], a[1]);
        Value valid = arith::AndIOp::create(b, l, a[2], a[3]);
        Value differ = math::CtPopOp::create(b, l, arith::AndIOp::create(b, l, x, valid));
        Value acc = arith::AddIOp::create(b, l, a[4], arith::TruncIOp::create(b, l, b.getI32Type(), differ));
        linalg::YieldOp::create(b, l, ValueRange{acc});
      });
  auto vec = [&](ArrayRef<int32_t> v) -> Value {
    auto type = RankedTensorType::get({static_cast<int64_t>(v.size())}, rewriter.getI32Type());
    return arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, v));
  };
  AffineMap id = AffineMap::getMultiDimIdentityMap(4, ctx);
  AffineMap rows = AffineMap::get(4, 0, getAffineDimExpr(1, ctx));
  AffineMap cols = AffineMap::get(4, 0, getAffineDimExpr(2, ctx));
  int64_t channels = op.getInChannels();
  return buildElementwise(rewriter, loc, out, ValueRange{reduce.getResult(0), vec(cntH), vec(cntW)},
                          {id, rows, cols}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value c = arith::ConstantOp::create(b, l, b.getI32IntegerAttr(static_cast<int32_t>(channels)));
    Value valid = arith::MulIOp::create(b, l, c, arith::MulIOp::create(b, l, a[1], a[2]));
    return arith::SubIOp::create(b, l, valid, arith::AddIOp::create(b, l, a[0], a[0]));
  });
}

struct LowerBConv2D : OpRewritePattern<bnn::BConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BConv2DOp op, PatternRewriter &rewriter) const override {
    // Ternary weights are computed by the kernel lowering (bnn-lower-binary-kernels), which
    // takes every layer with constant weights; they come only with constant weights.
    if (op.getZeroTaps() || op.getWeightMask())
      return rewriter.notifyMatchFailure(op, "ternary weights need bnn-lower-binary-kernels");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto pad = op.getPad();
    auto stride = op.getStride();
    auto dilation = op.getDilation();
    // Zero padding: padded taps get m = 0 and contribute nothing, exactly as ONNX pads with 0.
    Value sign = padSpatial(rewriter, loc, op.getInputSign(), pad, 0);
    if (op.getBipolar()) {
      rewriter.replaceOp(op, lowerBipolarConv(rewriter, op, sign));
      return success();
    }
    Value mask = padSpatial(rewriter, loc, op.getInputMask(), pad, 0);
    // Loops: n, oh, ow, o | kh, kw, word.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineMap inMap = AffineMap::get(7, 0, {d(0), d(1) * stride[0] + d(4) * dilation[0],
                                            d(2) * stride[1] + d(5) * dilation[1], d(6)}, ctx);
    AffineMap wMap = AffineMap::get(7, 0, {d(3), d(4), d(5), d(6)}, ctx);
    AffineMap accMap = AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx);
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
    iters.append(3, utils::IteratorType::reduction);
    rewriter.replaceOp(op, buildPopcountLayer(rewriter, loc, op.getType(), sign, mask,
                                              op.getWeights(), {inMap, inMap, wMap}, accMap, iters));
    return success();
  }
};

/// The reference form of a binary depthwise conv: the int8 input zero-padded (a padded tap
/// contributes 0, as ONNX's zero padding after Sign), then linalg's depthwise conv with i32
/// accumulation (products of {-1, 0, +1} are exact in any integer type).
struct LowerBDepthwiseConv2D : OpRewritePattern<bnn::BDepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BDepthwiseConv2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = bnn::padSpatial(rewriter, loc, op.getInput(), op.getPad(), rewriter.getI8IntegerAttr(0));
    Value init = zeroFilled(rewriter, loc, op.getType().getShape(), rewriter.getI32Type());
    auto conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
        rewriter, loc, TypeRange{op.getType()}, ValueRange{x, op.getWeights()}, ValueRange{init},
        rewriter.getI64TensorAttr(op.getStride()), rewriter.getI64TensorAttr(op.getDilation()));
    rewriter.replaceOp(op, conv.getResult(0));
    return success();
  }
};

/// Reductions of at most this many words are unrolled into an element-wise op (LowerBMatMulAct).
constexpr int64_t kUnrolledActWords = 4;

/// One word of a bmatmul_act: the products that are non-zero (both masks) and, among them, the
/// -1 ones (signs differ), as i32 counts.
struct ActWordCounts {
  Value differ, valid;
};
ActWordCounts countActWord(OpBuilder &b, Location l, Value aSign, Value aMask, Value bSign,
                           Value bMask) {
  Type i32 = b.getI32Type();
  Value both = arith::AndIOp::create(b, l, aMask, bMask);
  Value neg = arith::AndIOp::create(b, l, both, arith::XOrIOp::create(b, l, aSign, bSign));
  return {arith::TruncIOp::create(b, l, i32, math::CtPopOp::create(b, l, neg)),
          arith::TruncIOp::create(b, l, i32, math::CtPopOp::create(b, l, both))};
}

/// d = valid - 2 * differ.
Value actProduct(OpBuilder &b, Location l, Value differ, Value valid) {
  return arith::SubIOp::create(b, l, valid, arith::AddIOp::create(b, l, differ, differ));
}

/// bmatmul_act: per (b, i, n), over the words, the products that are non-zero (both masks) and
/// those that are -1 (signs differ): d = valid - 2 * differ.
///
/// Both operands are binary at run time (attention scores sign(Q) sign(K)^T, probabilities
/// times sign(V)), so no kernel with weights laid out at compile time applies, and the
/// reduction is short: a head of 64 or 128 channels is one or two words. As a reduction that
/// cost two zero-filled i32 accumulators, a loop over one or two words per output and a second
/// pass for d (BiBERT-base: 1.2 MB of memset per layer, the attention products three times their
/// popcount work). Up to kUnrolledActWords words, the words are unrolled instead: one
/// all-parallel op reads word w of each operand through a constant index in its map and
/// yields d directly, which element-wise fusion then merges with the output transform and
/// whatever element-wise ops follow (the score's Greater and Cast), one pass in all.
struct LowerBMatMulAct : OpRewritePattern<bnn::BMatMulActOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BMatMulActOp op, PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto out = op.getType();
    int64_t words = cast<RankedTensorType>(op.getASign().getType()).getShape().back();
    if (out.hasStaticShape() && !ShapedType::isDynamic(words) && words >= 1 &&
        words <= kUnrolledActWords) {
      // Loops: b, i, n; operand word w read at the constant index w.
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps;
      for (int64_t w = 0; w < words; ++w) {
        AffineExpr word = getAffineConstantExpr(w, ctx);
        AffineMap aMap = AffineMap::get(3, 0, {d(0), d(1), word}, ctx);
        AffineMap bMap = AffineMap::get(3, 0, {d(0), d(2), word}, ctx);
        inputs.append({op.getASign(), op.getAMask(), op.getBSign(), op.getBMask()});
        maps.append({aMap, aMap, bMap, bMap});
      }
      rewriter.replaceOp(op, buildElementwise(rewriter, loc, out, inputs, maps,
                                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        ActWordCounts sum = countActWord(b, l, a[0], a[1], a[2], a[3]);
        for (int64_t w = 1; w < words; ++w) {
          ActWordCounts word = countActWord(b, l, a[4 * w], a[4 * w + 1], a[4 * w + 2], a[4 * w + 3]);
          sum = {arith::AddIOp::create(b, l, sum.differ, word.differ),
                 arith::AddIOp::create(b, l, sum.valid, word.valid)};
        }
        return actProduct(b, l, sum.differ, sum.valid);
      }));
      return success();
    }
    // Loops: b, i, n | word.
    AffineMap aMap = AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx);
    AffineMap bMap = AffineMap::get(4, 0, {d(0), d(2), d(3)}, ctx);
    AffineMap accMap = AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx);
    SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value init = zeroFilled(rewriter, loc, out.getShape(), rewriter.getI32Type());
    auto reduce = linalg::GenericOp::create(
        rewriter, loc, TypeRange{out, out},
        ValueRange{op.getASign(), op.getAMask(), op.getBSign(), op.getBMask()}, ValueRange{init, init},
        ArrayRef<AffineMap>{aMap, aMap, bMap, bMap, accMap, accMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          ActWordCounts word = countActWord(b, l, a[0], a[1], a[2], a[3]);
          linalg::YieldOp::create(b, l, ValueRange{arith::AddIOp::create(b, l, a[4], word.differ),
                                                  arith::AddIOp::create(b, l, a[5], word.valid)});
        });
    AffineMap id = AffineMap::getMultiDimIdentityMap(3, ctx);
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, out,
                                            ValueRange{reduce.getResult(0), reduce.getResult(1)}, {id, id},
                                            [](OpBuilder &b, Location l, ValueRange a) -> Value {
      return actProduct(b, l, a[0], a[1]);
    }));
    return success();
  }
};

struct LowerBMatMul : OpRewritePattern<bnn::BMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BMatMulOp op, PatternRewriter &rewriter) const override {
    if (op.getZeroTaps() || op.getWeightMask())
      return rewriter.notifyMatchFailure(op, "ternary weights need bnn-lower-binary-kernels");
    MLIRContext *ctx = op.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // Loops: b, i, n | word.
    AffineMap inMap = AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx);
    AffineMap wMap = AffineMap::get(4, 0, {d(2), d(3)}, ctx);
    AffineMap accMap = AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx);
    SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    if (op.getBipolar()) {
      // No zeros in the input: d = k - 2 * popcount(s ^ w) (tail bits are 0 in s and w).
      Location loc = op.getLoc();
      auto out = op.getType();
      Value init = zeroFilled(rewriter, loc, out.getShape(), rewriter.getI32Type());
      auto reduce = linalg::GenericOp::create(
          rewriter, loc, TypeRange{out}, ValueRange{op.getInputSign(), op.getWeights()},
          ValueRange{init}, ArrayRef<AffineMap>{inMap, wMap, accMap}, iters,
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value differ = math::CtPopOp::create(b, l, arith::XOrIOp::create(b, l, a[0], a[1]));
            linalg::YieldOp::create(b, l, ValueRange{arith::AddIOp::create(
                                              b, l, a[2], arith::TruncIOp::create(b, l, b.getI32Type(), differ))});
          });
      int64_t k = op.getK();
      AffineMap id = AffineMap::getMultiDimIdentityMap(3, ctx);
      rewriter.replaceOp(op, buildElementwise(rewriter, loc, out, reduce.getResult(0), id,
                                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value kv = arith::ConstantOp::create(b, l, b.getI32IntegerAttr(static_cast<int32_t>(k)));
        return arith::SubIOp::create(b, l, kv, arith::AddIOp::create(b, l, a[0], a[0]));
      }));
      return success();
    }
    rewriter.replaceOp(op, buildPopcountLayer(rewriter, op.getLoc(), op.getType(), op.getInputSign(),
                                              op.getInputMask(), op.getWeights(),
                                              {inMap, inMap, wMap}, accMap, iters));
    return success();
  }
};

struct BNNLowerToLinalgPass : bnn::impl::BNNLowerToLinalgBase<BNNLowerToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateBNNToLinalgPatterns(patterns);
    // A dialect conversion: a bnn op that no pattern lowers is an error at its location (its
    // ONNX node), not a survivor that fails far from its cause.
    ConversionTarget target(getContext());
    target.addIllegalDialect<bnn::BNNDialect>();
    // The kernels' vector-level op, lowered after bufferization (bnn-lower-dot-products).
    target.addLegalOp<bnn::DotI8Op>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();
    // The conversion leaves the constants where each pattern built them (inside the loop
    // bodies); the greedy driver without patterns folds, deduplicates and hoists them.
    if (failed(bnn::applyPatternsOrReport(getOperation(), RewritePatternSet(&getContext()), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateBNNToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSign, LowerBipolarSign, LowerQuant, LowerMultiThreshold, LowerBinarize,
               LowerPack, LowerConcatPacked, LowerBConv2D, LowerBDepthwiseConv2D, LowerBMatMul, LowerBMatMulAct,
               LowerOutputTransform,
               LowerThreshold,
               LowerBMaxPool2D>(
      patterns.getContext());
}

//===- FuseOutputTransforms.cpp - scales, BN, max-pools, thresholds -*- C++ -*-===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/ElementwiseChain.h"
#include "passes/KernelSupport.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"

#include <climits>
#include <cmath>

namespace bnn {
#define GEN_PASS_DEF_BNNFUSEOUTPUTTRANSFORMS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

SmallVector<float> floats(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return {};
  return SmallVector<float>(attr.getValues<float>());
}

template <typename T>
Value vectorConstant(OpBuilder &b, Location loc, Type elem, ArrayRef<T> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, elem);
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// The reduction length of the binary layer that produced `d`: |d| never exceeds it.
std::optional<int64_t> reductionLength(Value d) {
  if (auto conv = d.getDefiningOp<bnn::BConv2DOp>()) {
    auto w = conv.getWeights().getType();
    return conv.getInChannels() * w.getDimSize(1) * w.getDimSize(2);
  }
  if (auto mm = d.getDefiningOp<bnn::BMatMulOp>())
    return mm.getK();
  if (auto dw = d.getDefiningOp<bnn::BDepthwiseConv2DOp>()) {
    auto w = dw.getWeights().getType();
    return w.getDimSize(0) * w.getDimSize(1);
  }
  return std::nullopt;
}

/// A per-channel affine op after output_transform folds into it:
///   g(m * d + b) = a * (m * d + b) + c = (a * m) * d + (a * b + c),
/// with a = g(1) - g(0), c = g(0) per channel, checked over the layer's whole output range (a
/// non-linear g, such as PReLU or an active clamp, fails the check). The folded form may round
/// differently in the last bit.
struct FoldAffineIntoTransform : OpRewritePattern<bnn::OutputTransformOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::OutputTransformOp op, PatternRewriter &rewriter) const override {
    if (!op->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the result has other users");
    Operation *user = *op->getUsers().begin();
    if (!bnn::isChainLink(user))
      return rewriter.notifyMatchFailure(op, "not followed by an element-wise op");
    auto chain = bnn::ElementwiseChain::build(user->getResult(0), op.getResult());
    if (!chain || chain->getOps().size() != 1 ||
        user->getResult(0).getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "the element-wise op reads other values");
    SmallVector<float> mult = floats(op.getMultiplier()), bias = floats(op.getBias());
    auto K = reductionLength(op.getInput());
    if (mult.empty() || bias.empty() || !K)
      return rewriter.notifyMatchFailure(op, "multiplier and bias are not constant");
    // The op must be affine on every value the transform can produce: y = m * d + b for the
    // integers |d| <= K. An op that is affine by construction (add, subtract or multiply by a
    // constant: RPReLU's shifts, a scale) is checked at both ends and around 0 only, against
    // overflow and rounding beyond the tolerance; any other is checked at every integer for
    // small layers, else at a dense sample and both ends (a non-linear op, such as PReLU or an
    // active clamp, fails).
    std::vector<int64_t> ds;
    if (!chain->isAffineByConstruction()) {
      int64_t stride = *K <= 4096 ? 1 : *K / 2048;
      for (int64_t d = -*K; d <= *K; d += stride)
        ds.push_back(d);
    }
    for (int64_t d : {-*K, int64_t(-1), int64_t(0), int64_t(1), *K})
      ds.push_back(d);
    for (size_t c = 0; c < mult.size(); ++c) {
      auto g0 = chain->evaluate(0.0f, c), g1 = chain->evaluate(1.0f, c);
      if (!g0 || !g1)
        return failure();
      float a = *g1 - *g0, b = *g0;
      for (int64_t d : ds) {
        float y = mult[c] * static_cast<float>(d) + bias[c];
        auto g = chain->evaluate(y, c);
        float expected = a * y + b;
        if (!g || std::fabs(*g - expected) > 1e-5f * (1.0f + std::fabs(a * y) + std::fabs(b)))
          return rewriter.notifyMatchFailure(op, "the element-wise op is not affine on the "
                                                 "layer's range");
      }
      mult[c] = a * mult[c];
      bias[c] = a * bias[c] + b;
    }
    Location loc = rewriter.getFusedLoc({op.getLoc(), user->getLoc()});
    Value folded = bnn::OutputTransformOp::create(
        rewriter, loc, op.getType(), op.getInput(),
        vectorConstant<float>(rewriter, loc, rewriter.getF32Type(), mult),
        vectorConstant<float>(rewriter, loc, rewriter.getF32Type(), bias));
    rewriter.replaceOp(user, folded);
    return success();
  }
};

/// binarize(max_pool(x)) -> max_pool(binarize(x)): a binarizer is non-decreasing, and a
/// non-decreasing function commutes with max (BINARY_SEMANTICS §5).
struct BinarizeBeforeMaxPool : OpRewritePattern<bnn::BinarizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::BinarizeOp op, PatternRewriter &rewriter) const override {
    auto pool = op.getInput().getDefiningOp<tosa::MaxPool2dOp>();
    if (!pool || !pool->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not the only user of a max-pool");
    Value input = pool.getInput();
    auto b = bnn::BinarizeOp::create(rewriter, op.getLoc(), input.getType(), input,
                                     op.getThresholds(), op.getTie());
    auto newPool = tosa::MaxPool2dOp::create(rewriter, pool.getLoc(), pool.getType(), b,
                                             pool.getKernelAttr(), pool.getStrideAttr(),
                                             pool.getPadAttr(), pool.getNanModeAttr());
    rewriter.replaceOp(op, newPool.getResult());
    return success();
  }
};

/// pack(max_pool(x)) with x in {-1, 0, +1} -> bmaxpool2d(pack(x)).
struct PackBeforeMaxPool : OpRewritePattern<bnn::PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::PackOp op, PatternRewriter &rewriter) const override {
    auto pool = op.getInput().getDefiningOp<tosa::MaxPool2dOp>();
    if (!pool)
      return rewriter.notifyMatchFailure(op, "not packing a max-pool");
    if (!bnn::whyNotTernary(pool.getInput()).empty())
      return rewriter.notifyMatchFailure(op, "the max-pool's input is not binary");
    auto inType = cast<RankedTensorType>(pool.getInput().getType());
    SmallVector<int64_t> shape(inType.getShape());
    shape.back() = (shape.back() + 63) / 64;
    auto planeType = RankedTensorType::get(shape, rewriter.getI64Type());
    auto packed = bnn::PackOp::create(rewriter, op.getLoc(), planeType, planeType, pool.getInput());
    auto outType = op.getSign().getType();
    auto bpool = bnn::BMaxPool2DOp::create(rewriter, pool.getLoc(), outType, outType,
                                           packed.getSign(), packed.getMask(),
                                           pool.getKernelAttr(), pool.getStrideAttr(),
                                           pool.getPadAttr());
    rewriter.replaceOp(op, bpool.getResults());
    return success();
  }
};

/// pack(binarizer chain(output_transform(d))) -> threshold(d).
///
/// Per channel c the packed value is v_c(d) = chain(m_c * d + b_c) in {-1, 0, +1}, for the
/// integers |d| <= K. For a non-decreasing v_c:
///   low  = min{d : v_c(d) >= 0},  high = min{d : v_c(d) = +1}
/// so that v = -1 below low, 0 in [low, high), +1 from high on (BINARY_SEMANTICS §5: with
/// m_c > 0 this is `pc > (K + b_c / m_c) / 2` in popcount terms; a negative m_c makes v_c
/// non-increasing, handled as the mirror image with `descending`; m_c = 0 makes it constant).
/// Both are found by bisection and then checked against v_c at every integer (or, for very
/// large layers, at a dense sample and around both thresholds): a chain that is not monotone in
/// d is not fused. v_c is evaluated with the same float32 operations the unfused code runs.
struct ThresholdPack : OpRewritePattern<bnn::PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::PackOp op, PatternRewriter &rewriter) const override {
    // Walk back along first operands to an output_transform, through element-wise links and
    // at most one reshape that keeps the innermost (channel) axis (MatMul's [1, M, N] result
    // reshaped to Gemm's [M, N]).
    bnn::OutputTransformOp transform;
    tosa::ReshapeOp reshape;
    Value v = op.getInput();
    for (int steps = 0; steps < 64 && v; ++steps) {
      if ((transform = v.getDefiningOp<bnn::OutputTransformOp>()))
        break;
      if (auto r = v.getDefiningOp<tosa::ReshapeOp>(); r && !reshape) {
        auto in = cast<RankedTensorType>(r.getInput1().getType());
        auto out = cast<RankedTensorType>(r.getType());
        if (in.getRank() == 0 || out.getRank() == 0 || in.getShape().back() != out.getShape().back() ||
            !r.getInput1().getDefiningOp<bnn::OutputTransformOp>())
          break;
        reshape = r;
        v = r.getInput1();
        continue;
      }
      Operation *def = v.getDefiningOp();
      if (!def || !bnn::isChainLink(def))
        break;
      Value next;
      for (Value operand : def->getOperands())
        if (!matchPattern(operand, m_Constant())) {
          next = operand;
          break;
        }
      v = next;
    }
    if (!transform)
      return rewriter.notifyMatchFailure(op, "not fed by a binary layer's output transform");
    Value chainSource = reshape ? reshape.getResult() : transform.getResult();
    auto chain = bnn::ElementwiseChain::build(op.getInput(), chainSource);
    if (!chain && op.getInput() != chainSource)
      return rewriter.notifyMatchFailure(op, "the chain reads other values");
    Value d = transform.getInput();
    auto K = reductionLength(d);
    SmallVector<float> mult = floats(transform.getMultiplier()), bias = floats(transform.getBias());
    if (!K || mult.empty() || bias.empty())
      return failure();
    int64_t channels = static_cast<int64_t>(mult.size());
    SmallVector<int32_t> low(channels), high(channels);
    SmallVector<bool> descending(channels);
    bool exhaustive = channels * (2 * *K + 1) <= 2000000;
    for (int64_t c = 0; c < channels; ++c) {
      bool failedEval = false;
      auto value = [&](int64_t dv) -> int {
        // As the lowering of output_transform computes it: m * float(d) + b.
        float y = mult[c] * static_cast<float>(dv) + bias[c];
        auto r = chain ? chain->evaluate(y, c) : std::optional<float>(y);
        if (!r || std::isnan(*r)) {
          failedEval = true;
          return 0;
        }
        return *r > 0.5f ? 1 : (*r < -0.5f ? -1 : 0);
      };
      auto found = bnn::findThresholds(value, *K, exhaustive);
      if (!found || failedEval)
        return rewriter.notifyMatchFailure(op, "the binarized output is not monotone in the "
                                               "integer result");
      low[c] = static_cast<int32_t>(found->low);
      high[c] = static_cast<int32_t>(found->high);
      descending[c] = found->descending;
    }
    Location loc = rewriter.getFusedLoc({transform.getLoc(), op.getLoc()});
    SmallVector<APInt> descBits;
    for (bool b : descending)
      descBits.push_back(APInt(1, b ? 1 : 0));
    auto descType = RankedTensorType::get({channels}, rewriter.getI1Type());
    Value descValue = arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(descType, descBits));
    auto planeType = op.getSign().getType();
    auto dShape = cast<RankedTensorType>(d.getType()).getShape();
    SmallVector<int64_t> thresholdShape(dShape);
    thresholdShape.back() = planeType.getShape().back();
    auto thresholdType = RankedTensorType::get(thresholdShape, rewriter.getI64Type());
    auto threshold = bnn::ThresholdOp::create(
        rewriter, loc, thresholdType, thresholdType, d,
        vectorConstant<int32_t>(rewriter, loc, rewriter.getI32Type(), low),
        vectorConstant<int32_t>(rewriter, loc, rewriter.getI32Type(), high), descValue);
    SmallVector<Value> planes(threshold.getResults());
    if (thresholdType != planeType) {
      ImplicitLocOpBuilder ib(loc, rewriter);
      Value target = tosa::getTosaConstShape(ib, planeType.getShape());
      for (Value &p : planes)
        p = tosa::ReshapeOp::create(rewriter, loc, planeType, p, target);
    }
    rewriter.replaceOp(op, planes);
    return success();
  }
};

/// True if packed planes come from a producer that never yields 0: a bipolar binarizer (tie
/// +1 or -1), integer thresholds without a zero band (low == high), or a max-pool of such.
bool bipolarPlanes(Value mask) {
  Operation *def = mask.getDefiningOp();
  if (auto reshape = dyn_cast_if_present<tosa::ReshapeOp>(def))
    return bipolarPlanes(reshape.getInput1());
  if (auto pool = dyn_cast_if_present<bnn::BMaxPool2DOp>(def))
    return bipolarPlanes(pool.getInputMask());
  if (auto concat = dyn_cast_if_present<bnn::ConcatPackedOp>(def))
    return llvm::all_of(concat.getInputs(), [](Value in) { return bipolarPlanes(in); });
  if (auto pack = dyn_cast_if_present<bnn::PackOp>(def)) {
    auto binarize = pack.getInput().getDefiningOp<bnn::BinarizeOp>();
    return binarize && binarize.getTie() != bnn::Tie::ZERO;
  }
  if (auto threshold = dyn_cast_if_present<bnn::ThresholdOp>(def)) {
    DenseElementsAttr low, high;
    if (!matchPattern(threshold.getLow(), m_Constant(&low)) ||
        !matchPattern(threshold.getHigh(), m_Constant(&high)))
      return false;
    return llvm::equal(low.getValues<int32_t>(), high.getValues<int32_t>());
  }
  return false;
}

/// An element-wise op on a concatenation runs on each part instead:
///   f(concat(x_1, ..., x_n), c) = concat(f(x_1, c_1), ..., f(x_n, c_n)),
/// where c_i is the part of each constant operand that lines up with x_i along the concatenation
/// axis (a constant that does not vary along it is shared). Element-wise, f computes the same
/// value for every element either way. Each f(x_i, c_i) then joins the epilogue of the kernel
/// that produces x_i, and the concatenation is written in place by the kernels (ReActNet's
/// RPReLU after its two pointwise convs, for instance, no longer makes a pass of its own over
/// the concatenated tensor). Only for a concatenation this op alone reads: otherwise both forms
/// would be computed.
struct ElementwiseThroughConcat : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op, PatternRewriter &rewriter) const override {
    if (!bnn::isChainLink(op))
      return failure();
    tosa::ConcatOp concat;
    OpOperand *concatOperand = nullptr;
    for (OpOperand *in : op.getDpsInputOperands()) {
      if (matchPattern(in->get(), m_Constant()))
        continue;
      auto c = in->get().getDefiningOp<tosa::ConcatOp>();
      if (!c || concatOperand)
        return rewriter.notifyMatchFailure(op, "not one runtime operand, a concatenation");
      concat = c;
      concatOperand = in;
    }
    if (!concat || !concat->hasOneUse())
      return rewriter.notifyMatchFailure(op, "no concatenation read by this op alone");
    int64_t axis = concat.getAxis();
    auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
    // Each constant operand, read once: its values (when it is sliced) and the result position
    // along which it varies with the concatenation axis (-1: shared by every part).
    struct ConstantOperand {
      DenseElementsAttr attr;
      int64_t axis = -1;
      SmallVector<Attribute> values;
    };
    SmallVector<ConstantOperand> constants(op.getNumDpsInputs());
    for (OpOperand *in : op.getDpsInputOperands()) {
      if (in == concatOperand)
        continue;
      ConstantOperand &c = constants[in->getOperandNumber()];
      matchPattern(in->get(), m_Constant(&c.attr));
      AffineMap map = op.getMatchingIndexingMap(in);
      ArrayRef<int64_t> shape = c.attr.getType().getShape();
      for (unsigned j = 0; j < map.getNumResults(); ++j) {
        auto d = dyn_cast<AffineDimExpr>(map.getResult(j));
        if (d && d.getPosition() == axis && shape[j] != 1)
          c.axis = j;
      }
      if (c.axis < 0 || c.attr.isSplat())
        continue;
      // Slicing below assumes the constant varies along that one axis only.
      for (unsigned j = 0; j < shape.size(); ++j)
        if (static_cast<int64_t>(j) != c.axis && shape[j] != 1)
          return rewriter.notifyMatchFailure(op, "a constant varies along two axes");
      c.values = llvm::to_vector(c.attr.getValues<Attribute>());
    }

    Location loc = op.getLoc();
    SmallVector<Value> parts;
    int64_t offset = 0;
    for (Value part : concat.getInput1()) {
      int64_t size = cast<RankedTensorType>(part.getType()).getDimSize(axis);
      SmallVector<Value> inputs;
      for (OpOperand *in : op.getDpsInputOperands()) {
        ConstantOperand &c = constants[in->getOperandNumber()];
        if (in == concatOperand) {
          inputs.push_back(part);
        } else if (c.axis < 0) {
          inputs.push_back(in->get());
        } else {
          SmallVector<int64_t> shape(c.attr.getType().getShape());
          shape[c.axis] = size;
          auto slicedType = RankedTensorType::get(shape, c.attr.getElementType());
          DenseElementsAttr sliced = c.attr.isSplat()
                                         ? c.attr.resizeSplat(slicedType)
                                         : DenseElementsAttr::get(slicedType, ArrayRef<Attribute>(c.values).slice(offset, size));
          inputs.push_back(arith::ConstantOp::create(rewriter, loc, sliced));
        }
      }
      SmallVector<int64_t> shape(resultType.getShape());
      shape[axis] = size;
      Value init = tensor::EmptyOp::create(rewriter, loc, shape, resultType.getElementType());
      auto partOp = linalg::GenericOp::create(
          rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
          op.getIndexingMapsArray(), op.getIteratorTypesArray());
      rewriter.cloneRegionBefore(op.getRegion(), partOp.getRegion(), partOp.getRegion().end());
      parts.push_back(partOp.getResult(0));
      offset += size;
    }
    rewriter.replaceOpWithNewOp<tosa::ConcatOp>(op, resultType, parts, concat.getAxis());
    return success();
  }
};

/// pack(binarize(concat(x_1, ..., x_n))) along the channels
///   -> concat_packed(pack(binarize(x_1, t_1)), ..., pack(binarize(x_n, t_n))),
/// t_i being the thresholds of x_i's channels. Binarize and pack act per channel, so each part's
/// bits are those of its channels in the whole; concat_packed places them at the part's channel
/// offset. Each part's pack then joins the epilogue of the kernel that produces it, rather than
/// a pass of its own over the concatenated floats (ReActNet's two pointwise convs of a
/// downsampling block: the float concatenation stays for its other reader, the average pool).
/// Only where concat_packed can place every part (each starts at a word boundary or lies
/// within one word).
struct PackThroughConcat : OpRewritePattern<bnn::PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(bnn::PackOp op, PatternRewriter &rewriter) const override {
    auto binarize = op.getInput().getDefiningOp<bnn::BinarizeOp>();
    if (!binarize || !binarize->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not packing a binarize read by this pack alone");
    auto concat = binarize.getInput().getDefiningOp<tosa::ConcatOp>();
    auto type = cast<RankedTensorType>(binarize.getType());
    if (!concat || !type.hasStaticShape() || concat.getAxis() != type.getRank() - 1)
      return rewriter.notifyMatchFailure(op, "not binarizing a concatenation along the channels");
    SmallVector<int64_t> channels;
    int64_t offset = 0;
    for (Value part : concat.getInput1()) {
      int64_t c = cast<RankedTensorType>(part.getType()).getShape().back();
      if (c <= 0 || !bnn::ConcatPackedOp::placesPart(offset, c))
        return rewriter.notifyMatchFailure(op, "a part spans two words off a word boundary");
      channels.push_back(c);
      offset += c;
    }
    DenseElementsAttr thresholds = binarize.getThresholds();
    SmallVector<float> t(thresholds.getValues<float>());
    SmallVector<Value> signs, masks;
    offset = 0;
    for (auto [part, c] : llvm::zip(concat.getInput1(), channels)) {
      DenseElementsAttr partThresholds = thresholds;
      if (t.size() != 1)
        partThresholds = DenseElementsAttr::get(RankedTensorType::get({c}, rewriter.getF32Type()),
                                                ArrayRef<float>(t).slice(offset, c));
      auto bin = bnn::BinarizeOp::create(rewriter, binarize.getLoc(), part.getType(), part,
                                         partThresholds, binarize.getTieAttr());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = bnn::wordsFor(c);
      auto planeType = RankedTensorType::get(shape, rewriter.getI64Type());
      auto pack = bnn::PackOp::create(rewriter, op.getLoc(), planeType, planeType, bin.getResult());
      signs.push_back(pack.getSign());
      masks.push_back(pack.getMask());
      offset += c;
    }
    auto planeType = op.getSign().getType();
    Value sign = bnn::ConcatPackedOp::create(rewriter, op.getLoc(), planeType, signs, channels);
    Value mask = bnn::ConcatPackedOp::create(rewriter, op.getLoc(), planeType, masks, channels);
    rewriter.replaceOp(op, {sign, mask});
    return success();
  }
};

/// An average pool whose windows tile its input, of a concatenation along the channels read by
/// the pool alone, pools each part:
///   avg_pool(concat(x_1, ..., x_k)) = concat(avg_pool(x_1), ..., avg_pool(x_k)),
/// exactly (the pool works per channel). Each part's pool can then join the epilogue of the
/// kernel that produces the part (bnn-lower-binary-kernels), which writes the pooled values
/// rather than the full-resolution tensor: ReActNet's downsampling blocks average-pool the
/// concatenation of their two pointwise convs for the shortcut, and nothing else reads it.
struct AvgPoolThroughConcat : OpRewritePattern<tosa::AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AvgPool2dOp pool, PatternRewriter &rewriter) const override {
    if (!bnn::isTilingAvgPool(pool))
      return rewriter.notifyMatchFailure(pool, "not an f32 pool whose windows tile its input");
    auto concat = pool.getInput().getDefiningOp<tosa::ConcatOp>();
    if (!concat || !concat->hasOneUse() || concat.getAxis() != 3)
      return rewriter.notifyMatchFailure(pool, "not of a concatenation along the channels read by the pool alone");
    auto outType = cast<RankedTensorType>(pool.getType());
    SmallVector<Value> parts;
    for (Value part : concat.getInput1()) {
      SmallVector<int64_t> shape(outType.getShape());
      shape[3] = cast<RankedTensorType>(part.getType()).getDimSize(3);
      parts.push_back(tosa::AvgPool2dOp::create(rewriter, pool.getLoc(), RankedTensorType::get(shape, outType.getElementType()),
                                                part, pool.getInputZp(), pool.getOutputZp(), pool.getKernelAttr(),
                                                pool.getStrideAttr(), pool.getPadAttr(), pool.getAccTypeAttr()));
    }
    rewriter.replaceOpWithNewOp<tosa::ConcatOp>(pool, outType, parts, concat.getAxisAttr());
    return success();
  }
};

struct BNNFuseOutputTransformsPass
    : bnn::impl::BNNFuseOutputTransformsBase<BNNFuseOutputTransformsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateFuseOutputTransformsPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      return signalPassFailure();
    // Binary layers whose inputs hold no zeros need not read the mask plane.
    getOperation().walk([](Operation *op) {
      if (auto conv = dyn_cast<bnn::BConv2DOp>(op))
        conv.setBipolar(bipolarPlanes(conv.getInputMask()));
      else if (auto mm = dyn_cast<bnn::BMatMulOp>(op))
        mm.setBipolar(bipolarPlanes(mm.getInputMask()));
    });
  }
};

} // namespace

void bnn::populateFuseOutputTransformsPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldAffineIntoTransform, BinarizeBeforeMaxPool, PackBeforeMaxPool, ThresholdPack,
               ElementwiseThroughConcat, PackThroughConcat, AvgPoolThroughConcat>(patterns.getContext());
}

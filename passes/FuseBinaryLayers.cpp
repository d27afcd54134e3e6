//===- FuseBinaryLayers.cpp - binary conv/matmul to XNOR-popcount -*- C++ -*-===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/ElementwiseChain.h"
#include "passes/FuseBinaryLayers.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace bnn {
#define GEN_PASS_DEF_BNNFUSEBINARYLAYERS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

DenseElementsAttr floatConstant(Value v) {
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)) && attr.getElementType().isF32())
    return attr;
  return {};
}

Value packedConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<uint64_t> bits) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  SmallVector<APInt> values;
  for (uint64_t v : bits)
    values.push_back(APInt(64, v));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

Value f32Vector(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// Packs a ternary-valued tensor: the sign and non-zero planes. Reshapes that keep the
/// innermost (packed) axis are moved after the packing, so the pack sees the binarizer itself
/// and can become a threshold of the layer before (bnn-fuse-output-transforms).
std::pair<Value, Value> pack(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<tosa::ReshapeOp> reshapes;
  Value source = v;
  while (auto reshape = source.getDefiningOp<tosa::ReshapeOp>()) {
    auto inType = cast<RankedTensorType>(reshape.getInput1().getType());
    if (inType.getRank() == 0 || inType.getShape().back() != type.getShape().back())
      break;
    reshapes.push_back(reshape);
    source = reshape.getInput1();
  }
  auto sourceType = cast<RankedTensorType>(source.getType());
  SmallVector<int64_t> shape(sourceType.getShape());
  shape.back() = (shape.back() + 63) / 64;
  auto packed = RankedTensorType::get(shape, b.getI64Type());
  auto op = bnn::PackOp::create(b, loc, packed, packed, source);
  Value sign = op.getSign(), mask = op.getMask();
  if (source != v) {
    SmallVector<int64_t> outShape(type.getShape());
    outShape.back() = shape.back();
    auto outType = RankedTensorType::get(outShape, b.getI64Type());
    ImplicitLocOpBuilder ib(loc, b);
    Value target = tosa::getTosaConstShape(ib, outShape);
    sign = tosa::ReshapeOp::create(b, loc, outType, sign, target);
    mask = tosa::ReshapeOp::create(b, loc, outType, mask, target);
  }
  return {sign, mask};
}

/// A linalg.generic computing s * x for one runtime x and one scalar s (the level of a scaled
/// binarizer such as BipolarQuant with scale s); nullopt otherwise.
std::optional<std::pair<Value, float>> scalarScale(Operation *op) {
  auto generic = dyn_cast_if_present<linalg::GenericOp>(op);
  if (!generic || !bnn::isChainLink(op))
    return std::nullopt;
  Value input;
  for (Value in : generic.getDpsInputs())
    if (!matchPattern(in, m_Constant()))
      input = in;
  auto chain = bnn::ElementwiseChain::build(op->getResult(0), input);
  if (!chain || chain->getOps().size() != 1 || chain->getNumChannels() != 1)
    return std::nullopt;
  auto g0 = chain->evaluate(0.0f, 0), g1 = chain->evaluate(1.0f, 0), gm = chain->evaluate(-1.0f, 0);
  if (!g0 || !g1 || !gm || *g0 != 0.0f || *gm != -*g1 || *g1 == 0.0f)
    return std::nullopt;
  return std::make_pair(input, *g1);
}

/// The activations of a conv/matmul as (values in {-1, 0, +1}, scale): a binarizer's result,
/// or a scalar multiple of one (dot(s * b, w) = s * dot(b, w)). Sets `why` when neither.
std::optional<std::pair<Value, float>> binaryActivations(Value v, std::string &why) {
  why = bnn::whyNotTernary(v);
  if (why.empty())
    return std::make_pair(v, 1.0f);
  if (auto scaled = scalarScale(v.getDefiningOp()))
    if (bnn::whyNotTernary(scaled->first).empty()) {
      why.clear();
      return scaled;
    }
  return std::nullopt;
}

/// The elements of a float32 constant as one contiguous array: its own storage, or (a splat)
/// `storage` filled with the value. Weight classification reads every weight of every layer; the
/// attribute's element iterator costs several times a plain load per element.
const float *floatData(DenseElementsAttr attr, std::vector<float> &storage) {
  if (!attr.isSplat())
    return reinterpret_cast<const float *>(attr.getRawData().data());
  storage.assign(attr.getNumElements(), attr.getSplatValue<float>());
  return storage.data();
}

/// What every binary conv needs: binary activations, float32 constant weights (set in `w`) and
/// bias.
template <typename ConvOp>
std::string whyNotBinaryConvOperands(ConvOp conv, DenseElementsAttr &w) {
  std::string why;
  if (!binaryActivations(conv.getInput(), why))
    return why;
  w = floatConstant(conv.getWeight());
  if (!w)
    return "weights are not a float32 constant";
  if (!floatConstant(conv.getBias()))
    return "bias is not a float32 constant";
  return "";
}

std::string whyNotBinaryConv(tosa::Conv2DOp conv, bnn::BinaryWeights *weights) {
  DenseElementsAttr w;
  if (std::string why = whyNotBinaryConvOperands(conv, w); !why.empty())
    return why;
  auto shape = w.getType().getShape(); // O, KH, KW, I
  std::vector<float> storage;
  const float *values = floatData(w, storage);
  bnn::BinaryWeights local;
  return bnn::classifyBinaryWeights(
             shape[0], shape[1] * shape[2], shape[3],
             [&](int64_t o, int64_t r, int64_t i) {
               return values[(o * shape[1] * shape[2] + r) * shape[3] + i];
             },
             weights ? *weights : local)
      .value_or("");
}

/// A depthwise conv (TOSA weights [KH, KW, C, M]) is binary when its activations are and each
/// channel's weights are +-alpha_c or 0; fills alpha (per channel) and signs ([KH][KW][C]).
std::string whyNotBinaryDepthwise(tosa::DepthwiseConv2DOp conv, std::vector<float> *alpha,
                                  std::vector<int8_t> *signs) {
  DenseElementsAttr w;
  if (std::string why = whyNotBinaryConvOperands(conv, w); !why.empty())
    return why;
  auto shape = w.getType().getShape(); // KH, KW, C, M
  if (shape[3] != 1)
    return "a depthwise channel multiplier above 1 is not supported";
  int64_t C = shape[2];
  auto values = w.getValues<float>();
  std::vector<float> a;
  std::vector<int8_t> sg;
  return bnn::classifyTernaryWeights(
             C, shape[0] * shape[1], [&](int64_t c, int64_t t) { return values[t * C + c]; },
             alpha ? *alpha : a, signs ? *signs : sg)
      .value_or("");
}

std::string whyNotBinaryMatMul(tosa::MatMulOp mm, bnn::BinaryWeights *weights) {
  std::string why;
  if (!binaryActivations(mm.getA(), why))
    return why;
  auto b = floatConstant(mm.getB());
  if (!b) {
    // Two run-time operands (attention's sign(Q) @ sign(K)^T): binary if both are.
    if (matchPattern(mm.getB(), m_Constant()))
      return "the right operand is not a float32 constant";
    std::string whyB;
    if (!binaryActivations(mm.getB(), whyB))
      return "the right operand is neither a constant nor binary (" + whyB + ")";
    return "";
  }
  auto shape = b.getType().getShape(); // 1, K, N
  if (shape[0] != 1)
    return "batched constant right operands are not supported";
  std::vector<float> storage;
  const float *values = floatData(b, storage);
  int64_t K = shape[1], N = shape[2];
  bnn::BinaryWeights local;
  return bnn::classifyBinaryWeights(
             N, 1, K, [&](int64_t n, int64_t, int64_t k) { return values[k * N + n]; },
             weights ? *weights : local)
      .value_or("");
}

/// Packs the (already classified) binary activations of a layer; a scalar scale on them moves
/// into the weights' alpha: dot(s * b, w) = s * dot(b, w).
std::pair<Value, Value> packActivations(OpBuilder &b, Location loc, Value input,
                                        bnn::BinaryWeights &weights) {
  std::string why;
  auto [activations, scale] = *binaryActivations(input, why);
  for (float &a : weights.alpha)
    a *= scale;
  return pack(b, loc, activations);
}

/// The encoding of ternary weights (bnn.bconv2d): none without zeros; a few zeros as the sparse
/// zero_taps attribute, more as a weight mask plane of `shape` (the packed weights' shape), of
/// `rows` x `inner` weights per output channel.
struct Ternary {
  DenseI64ArrayAttr zeroTaps;
  Value mask;
};
Ternary ternaryWeights(OpBuilder &b, Location loc, const bnn::BinaryWeights &weights,
                       ArrayRef<int64_t> shape, int64_t rows, int64_t inner) {
  if (weights.zeros.empty())
    return {};
  int64_t allRows = static_cast<int64_t>(weights.alpha.size()) * rows;
  if (bnn::sparseZeroWeights(weights.zeros.size(), allRows * inner))
    return {b.getDenseI64ArrayAttr(weights.zeros), Value()};
  return {DenseI64ArrayAttr(),
          packedConstant(b, loc, shape, bnn::weightMaskBits(weights.zeros, allRows, inner, weights.words))};
}

struct FuseConv : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::Conv2DOp conv, PatternRewriter &rewriter) const override {
    bnn::BinaryWeights weights;
    if (auto why = whyNotBinaryConv(conv, &weights); !why.empty())
      return rewriter.notifyMatchFailure(conv, why);
    Location loc = conv.getLoc();
    auto wShape = conv.getWeight().getType().getShape();
    auto [sign, mask] = packActivations(rewriter, loc, conv.getInput(), weights);
    SmallVector<int64_t> packedShape = {wShape[0], wShape[1], wShape[2], weights.words};
    Value packed = packedConstant(rewriter, loc, packedShape, weights.bits);
    Ternary ternary = ternaryWeights(rewriter, loc, weights, packedShape, wShape[1] * wShape[2], wShape[3]);
    auto bias = floatConstant(conv.getBias());
    SmallVector<float> biasValues(bias.getValues<float>());
    if (biasValues.size() == 1)
      biasValues.assign(wShape[0], biasValues[0]);
    auto dType = RankedTensorType::get(conv.getType().getShape(), rewriter.getI32Type());
    Value d = bnn::BConv2DOp::create(rewriter, loc, dType, sign, mask, packed, ternary.mask, wShape[3],
                                     conv.getPadAttr(), conv.getStrideAttr(), conv.getDilationAttr(),
                                     /*bipolar=*/false, ternary.zeroTaps);
    // conv(x, +-alpha) + bias = alpha * d + bias.
    Value result = bnn::OutputTransformOp::create(rewriter, loc, conv.getType(), d,
                                                  f32Vector(rewriter, loc, weights.alpha),
                                                  f32Vector(rewriter, loc, biasValues));
    rewriter.replaceOp(conv, result);
    return success();
  }
};

/// A binary depthwise conv: the {-1, 0, +1} activations as int8 (exact), the weights' signs as
/// an int8 constant, d = bnn.bdepthwise_conv2d; conv(x, alpha_c * sign) + bias = alpha_c * d +
/// bias. A scalar scale s on the activations moves into alpha.
struct FuseDepthwiseConv : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp conv, PatternRewriter &rewriter) const override {
    std::vector<float> alpha;
    std::vector<int8_t> signs;
    if (auto why = whyNotBinaryDepthwise(conv, &alpha, &signs); !why.empty())
      return rewriter.notifyMatchFailure(conv, why);
    std::string why;
    auto [activations, scale] = *binaryActivations(conv.getInput(), why);
    for (float &a : alpha)
      a *= scale;
    Location loc = conv.getLoc();
    Type i8 = rewriter.getI8Type();
    auto inType = cast<RankedTensorType>(activations.getType());
    // {-1, 0, +1} to int8 by two comparisons (exact; a float-to-int conversion would clamp and
    // round for nothing, and qemu 7.2 mistranslates RVV's narrowing vfncvt.rtz).
    int64_t rank = inType.getRank();
    auto i8Type = RankedTensorType::get(inType.getShape(), i8);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    Value x = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{i8Type}, ValueRange{activations},
                  ValueRange{tensor::EmptyOp::create(rewriter, loc, inType.getShape(), i8)},
                  ArrayRef<AffineMap>{id, id},
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    Value zero = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f));
                    auto c8 = [&](int v) { return arith::ConstantOp::create(b, l, b.getI8IntegerAttr(v)); };
                    Value pos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], zero);
                    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0], zero);
                    Value v = arith::SelectOp::create(b, l, neg, c8(-1), c8(0));
                    linalg::YieldOp::create(b, l, ValueRange{arith::SelectOp::create(b, l, pos, c8(1), v)});
                  })
                  .getResult(0);
    auto wShape = conv.getWeight().getType().getShape(); // KH, KW, C, 1
    auto wType = RankedTensorType::get({wShape[0], wShape[1], wShape[2]}, i8);
    Value w = arith::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(wType, ArrayRef<int8_t>(signs)));
    auto bias = floatConstant(conv.getBias());
    SmallVector<float> biasValues(bias.getValues<float>());
    if (biasValues.size() == 1)
      biasValues.assign(wShape[2], biasValues[0]);
    auto dType = RankedTensorType::get(conv.getType().getShape(), rewriter.getI32Type());
    Value d = bnn::BDepthwiseConv2DOp::create(rewriter, loc, dType, x, w, conv.getPadAttr(),
                                              conv.getStrideAttr(), conv.getDilationAttr());
    Value result = bnn::OutputTransformOp::create(rewriter, loc, conv.getType(), d,
                                                  f32Vector(rewriter, loc, alpha),
                                                  f32Vector(rewriter, loc, biasValues));
    rewriter.replaceOp(conv, result);
    return success();
  }
};

struct FuseMatMul : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp mm, PatternRewriter &rewriter) const override {
    bnn::BinaryWeights weights;
    if (auto why = whyNotBinaryMatMul(mm, &weights); !why.empty())
      return rewriter.notifyMatchFailure(mm, why);
    Location loc = mm.getLoc();
    if (!floatConstant(mm.getB())) {
      // Both operands binary at run time: pack A [b, M, K] and B^T [b, N, K] along K;
      // (sa * a) . (sb * b) = sa * sb * d.
      std::string why;
      auto [a, sa] = *binaryActivations(mm.getA(), why);
      auto [bv, sb] = *binaryActivations(mm.getB(), why);
      auto bType = cast<RankedTensorType>(bv.getType()); // b, K, N
      auto btType = RankedTensorType::get({bType.getDimSize(0), bType.getDimSize(2), bType.getDimSize(1)},
                                          bType.getElementType());
      Value bt = tosa::TransposeOp::create(rewriter, loc, btType, bv, ArrayRef<int32_t>{0, 2, 1});
      auto [as, am] = pack(rewriter, loc, a);
      auto [bs, bm] = pack(rewriter, loc, bt);
      int64_t K = bType.getDimSize(1), N = bType.getDimSize(2);
      auto dType = RankedTensorType::get(mm.getType().getShape(), rewriter.getI32Type());
      Value d = bnn::BMatMulActOp::create(rewriter, loc, dType, as, am, bs, bm, K);
      Value result = bnn::OutputTransformOp::create(
          rewriter, loc, mm.getType(), d, f32Vector(rewriter, loc, SmallVector<float>(N, sa * sb)),
          f32Vector(rewriter, loc, SmallVector<float>(N, 0.0f)));
      rewriter.replaceOp(mm, result);
      return success();
    }
    auto bShape = mm.getB().getType().getShape();
    int64_t K = bShape[1], N = bShape[2];
    auto [sign, mask] = packActivations(rewriter, loc, mm.getA(), weights);
    Value packed = packedConstant(rewriter, loc, {N, weights.words}, weights.bits);
    Ternary ternary = ternaryWeights(rewriter, loc, weights, {N, weights.words}, 1, K);
    auto dType = RankedTensorType::get(mm.getType().getShape(), rewriter.getI32Type());
    Value d = bnn::BMatMulOp::create(rewriter, loc, dType, sign, mask, packed, ternary.mask, K,
                                     /*bipolar=*/false, ternary.zeroTaps);
    Value result = bnn::OutputTransformOp::create(
        rewriter, loc, mm.getType(), d, f32Vector(rewriter, loc, weights.alpha),
        f32Vector(rewriter, loc, SmallVector<float>(N, 0.0f)));
    rewriter.replaceOp(mm, result);
    return success();
  }
};

/// reshape(s * b) -> s * reshape(b) for a scaled binarizer b, so that the conv/matmul reading
/// the reshape sees the scale directly (MatMul's activations are reshaped to [1, M, K]).
struct SinkScaleBelowReshape : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp reshape, PatternRewriter &rewriter) const override {
    Operation *def = reshape.getInput1().getDefiningOp();
    auto scaled = scalarScale(def);
    if (!scaled || !def->hasOneUse())
      return rewriter.notifyMatchFailure(reshape, "not a reshape of a scaled value");
    Value source = scaled->first;
    if (!bnn::whyNotTernary(source).empty())
      return rewriter.notifyMatchFailure(reshape, "the scaled value is not binary");
    Location loc = reshape.getLoc();
    auto type = cast<RankedTensorType>(reshape.getType());
    Value moved = tosa::ReshapeOp::create(rewriter, loc, type, source, reshape.getShape());
    int64_t rank = type.getRank();
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
    float s = scaled->second;
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    Value result = linalg::GenericOp::create(
                       rewriter, def->getLoc(), TypeRange{type}, ValueRange{moved}, ValueRange{init},
                       ArrayRef<AffineMap>{id, id}, iters,
                       [&](OpBuilder &b, Location l, ValueRange a) {
                         Value c = arith::ConstantOp::create(b, l, b.getF32FloatAttr(s));
                         linalg::YieldOp::create(b, l, ValueRange{arith::MulFOp::create(b, l, a[0], c)});
                       })
                       .getResult(0);
    rewriter.replaceOp(reshape, result);
    return success();
  }
};

/// ", with N zero weights (...)" for a layer with ternary weights (`total` weights), else
/// nothing.
std::string zeroWeightNote(std::optional<ArrayRef<int64_t>> zeros, Value weightMask, int64_t total) {
  if (weightMask) {
    DenseIntElementsAttr bits;
    int64_t nonZero = 0;
    if (matchPattern(weightMask, m_Constant(&bits)))
      for (const APInt &word : bits.getValues<APInt>())
        nonZero += word.popcount();
    return ", with " + std::to_string(total - nonZero) +
           " zero weights (ternary: a weight mask plane selects the non-zero ones)";
  }
  if (!zeros || zeros->empty())
    return "";
  return ", with " + std::to_string(zeros->size()) +
         " zero weights (ternary: packed as +1, corrected exactly per output)";
}

struct BNNFuseBinaryLayersPass : bnn::impl::BNNFuseBinaryLayersBase<BNNFuseBinaryLayersPass> {
  using BNNFuseBinaryLayersBase::BNNFuseBinaryLayersBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    bnn::populateFuseBinaryLayersPatterns(patterns);
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      return signalPassFailure();
    if (!remarks)
      return;
    // What became binary, and why the rest stayed float.
    getOperation().walk([&](Operation *op) {
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
        // A QDQ conv is not binary, and not float either on a target with an int8 dot product.
        if (bnn::runsOnInt8DotProduct(conv))
          emitRemark(op->getLoc()) << "Conv runs in int8 (QDQ) on the target's dot product, not binarized: "
                                   << whyNotBinaryConv(conv, nullptr);
        else
          emitRemark(op->getLoc()) << "Conv stays float: " << whyNotBinaryConv(conv, nullptr);
      }
      else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
        emitRemark(op->getLoc()) << "Conv stays float: " << whyNotBinaryDepthwise(dw, nullptr, nullptr);
      else if (auto b = dyn_cast<bnn::BDepthwiseConv2DOp>(op))
        emitRemark(op->getLoc()) << "Conv binarized: depthwise, "
                                 << b.getWeights().getType().getDimSize(0) << "x"
                                 << b.getWeights().getType().getDimSize(1)
                                 << " taps per channel, ternary products in int8 lanes";
      else if (auto mm = dyn_cast<tosa::MatMulOp>(op))
        emitRemark(op->getLoc()) << "MatMul/Gemm stays float: " << whyNotBinaryMatMul(mm, nullptr);
      else if (auto b = dyn_cast<bnn::BConv2DOp>(op)) {
        auto w = b.getWeights().getType();
        int64_t K = b.getInChannels() * w.getDimSize(1) * w.getDimSize(2);
        emitRemark(op->getLoc()) << "Conv binarized: bconv2d, K = " << K
                                 << zeroWeightNote(b.getZeroTaps(), b.getWeightMask(), K * w.getDimSize(0));
      }
      else if (auto b = dyn_cast<bnn::BMatMulActOp>(op))
        emitRemark(op->getLoc()) << "MatMul binarized: bmatmul_act (both operands binary at run "
                                    "time), K = " << b.getK();
      else if (auto b = dyn_cast<bnn::BMatMulOp>(op))
        emitRemark(op->getLoc()) << "MatMul/Gemm binarized: bmatmul, K = " << b.getK()
                                 << zeroWeightNote(b.getZeroTaps(), b.getWeightMask(),
                                                   b.getK() * b.getWeights().getType().getDimSize(0));
    });
  }
};

} // namespace

void bnn::populateFuseBinaryLayersPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseConv, FuseDepthwiseConv, FuseMatMul, SinkScaleBelowReshape>(patterns.getContext());
}

std::string bnn::whyNotBinaryConv(tosa::Conv2DOp conv) { return ::whyNotBinaryConv(conv, nullptr); }

std::string bnn::whyNotBinaryMatMul(tosa::MatMulOp mm) { return ::whyNotBinaryMatMul(mm, nullptr); }

std::string bnn::whyLayerStaysFloat(Operation *op) {
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return whyNotBinaryConv(conv);
  if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    return ::whyNotBinaryDepthwise(dw, nullptr, nullptr);
  if (auto mm = dyn_cast<tosa::MatMulOp>(op))
    return whyNotBinaryMatMul(mm);
  return {};
}

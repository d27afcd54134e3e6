//===- BNNDialect.cpp - the bnn dialect -------------------------*- C++ -*-===//
#include "dialects/BNN/BNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace bnn;

#include "dialects/BNN/BNNDialect.cpp.inc"
#include "dialects/BNN/BNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/BNN/BNNAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/BNN/BNNOps.cpp.inc"

void BNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/BNN/BNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/BNN/BNNOps.cpp.inc"
      >();
}

Operation *BNNDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                           Location loc) {
  if (auto typed = dyn_cast<TypedAttr>(value))
    if (arith::ConstantOp::isBuildableWith(typed, type))
      return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

/// Applies `fn` to every element of a constant float tensor.
template <typename Fn>
static OpFoldResult foldUnaryFloat(Attribute operand, Fn fn) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(operand);
  if (!dense || !dense.getElementType().isF32())
    return {};
  SmallVector<APFloat> values;
  values.reserve(dense.getNumElements());
  for (APFloat v : dense.getValues<APFloat>())
    values.push_back(APFloat(fn(v.convertToFloat())));
  return DenseElementsAttr::get(dense.getType(), values);
}

static float onnxSign(float x) {
  if (std::isnan(x))
    return x;
  return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
}

static float bipolarSign(float x) { return x >= 0.f ? 1.f : -1.f; }

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  // sign(sign(x)) == sign(x): the values -1, 0, +1 are fixed points.
  if (auto inner = getInput().getDefiningOp<SignOp>())
    return inner.getResult();
  return foldUnaryFloat(adaptor.getInput(), onnxSign);
}

OpFoldResult BipolarSignOp::fold(FoldAdaptor adaptor) {
  // -1 and +1 are fixed points of the bipolar sign; 0 is not, so only a bipolar input folds.
  if (auto inner = getInput().getDefiningOp<BipolarSignOp>())
    return inner.getResult();
  return foldUnaryFloat(adaptor.getInput(), bipolarSign);
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

/// `param` must have `input`'s rank and, on every axis, size 1 or the input's size.
static LogicalResult verifyBroadcastParam(Operation *op, StringRef what, RankedTensorType input,
                                          RankedTensorType param) {
  if (param.getRank() != input.getRank())
    return op->emitOpError() << what << " must have the input's rank " << input.getRank()
                             << ", got " << param.getRank();
  for (int64_t i = 0; i < input.getRank(); ++i)
    if (param.getDimSize(i) != 1 && param.getDimSize(i) != input.getDimSize(i))
      return op->emitOpError() << what << " axis " << i << " has size " << param.getDimSize(i)
                               << ", which is neither 1 nor the input's " << input.getDimSize(i);
  return success();
}

double QuantOp::getQMin() {
  int64_t b = getBitwidth();
  if (getIsSigned())
    return -std::ldexp(1.0, b - 1) + (getNarrow() ? 1.0 : 0.0);
  return 0.0;
}

double QuantOp::getQMax() {
  int64_t b = getBitwidth();
  if (getIsSigned())
    return std::ldexp(1.0, b - 1) - 1.0;
  return std::ldexp(1.0, b) - 1.0 - (getNarrow() ? 1.0 : 0.0);
}

LogicalResult DotI8Op::verify() {
  int64_t lanes = getAcc().getType().getDimSize(0), bytes = getLhs().getType().getDimSize(0);
  if (bytes != 4 * lanes)
    return emitOpError() << "needs 4 bytes per i32 lane: " << bytes << " bytes for " << lanes
                         << " lanes";
  return success();
}

LogicalResult QuantOp::verify() {
  auto in = getInput().getType();
  if (getOutput().getType() != in)
    return emitOpError("result type must equal the input type");
  if (failed(verifyBroadcastParam(*this, "scale", in, getScale().getType())) ||
      failed(verifyBroadcastParam(*this, "zero_point", in, getZeroPoint().getType())))
    return failure();
  if (getQMin() >= getQMax() && !(getIsSigned() && getBitwidth() == 1))
    return emitOpError("has an empty integer range [") << getQMin() << ", " << getQMax() << "]";
  return success();
}

LogicalResult MultiThresholdOp::verify() {
  auto in = getInput().getType();
  if (getOutput().getType() != in)
    return emitOpError("result type must equal the input type");
  int64_t axis = getChannelAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("channel_axis ") << axis << " is out of range for rank " << in.getRank();
  auto t = getThresholds().getType();
  if (t.getRank() != 2)
    return emitOpError("thresholds must be [C, B], got rank ") << t.getRank();
  if (t.getDimSize(0) != 1 && t.getDimSize(0) != in.getDimSize(axis))
    return emitOpError("thresholds have ")
           << t.getDimSize(0) << " rows, but the input has " << in.getDimSize(axis)
           << " channels";
  return success();
}

//===----------------------------------------------------------------------===//
// Binarize and the packed layers
//===----------------------------------------------------------------------===//

/// 64-bit words needed for `bits` bits.
static int64_t wordsFor(int64_t bits) { return (bits + 63) / 64; }

float BinarizeOp::getTieValue() {
  switch (getTie()) {
  case Tie::POSITIVE: return 1.0f;
  case Tie::ZERO: return 0.0f;
  case Tie::NEGATIVE: return -1.0f;
  }
  return 0.0f;
}

LogicalResult BinarizeOp::verify() {
  auto type = getInput().getType();
  int64_t n = getThresholds().getNumElements();
  int64_t channels = type.getRank() ? type.getDimSize(type.getRank() - 1) : 1;
  if (n != 1 && n != channels)
    return emitOpError("has ") << n << " thresholds for " << channels
                               << " channels (expected 1 or one per channel)";
  return success();
}

LogicalResult PackOp::verify() {
  auto in = getInput().getType();
  auto sign = getSign().getType();
  if (sign != getMask().getType())
    return emitOpError("sign and mask planes must have the same type");
  if (in.getRank() < 1 || sign.getRank() != in.getRank())
    return emitOpError("packed planes must have the input's rank");
  for (int64_t i = 0; i + 1 < in.getRank(); ++i)
    if (sign.getDimSize(i) != in.getDimSize(i))
      return emitOpError("packed dimension ") << i << " differs from the input's";
  int64_t c = in.getDimSize(in.getRank() - 1);
  if (sign.getDimSize(in.getRank() - 1) != wordsFor(c))
    return emitOpError("packs ") << c << " channels into " << wordsFor(c) << " words, not "
                                 << sign.getDimSize(in.getRank() - 1);
  return success();
}

LogicalResult ConcatPackedOp::verify() {
  ArrayRef<int64_t> channels = getChannels();
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  if (channels.size() != getInputs().size())
    return emitOpError("has ") << channels.size() << " channel counts for " << getInputs().size()
                               << " inputs";
  auto out = getOutput().getType();
  int64_t offset = 0;
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    auto t = cast<RankedTensorType>(in.getType());
    if (channels[i] <= 0)
      return emitOpError("input ") << i << " has " << channels[i] << " channels";
    if (t.getRank() != out.getRank())
      return emitOpError("input ") << i << " has rank " << t.getRank() << ", the result "
                                   << out.getRank();
    for (int64_t d = 0; d + 1 < out.getRank(); ++d)
      if (t.getDimSize(d) != out.getDimSize(d))
        return emitOpError("input ") << i << " differs from the result in dimension " << d;
    if (t.getDimSize(t.getRank() - 1) != wordsFor(channels[i]))
      return emitOpError("input ") << i << " packs " << channels[i] << " channels into "
                                   << wordsFor(channels[i]) << " words, not "
                                   << t.getDimSize(t.getRank() - 1);
    if (!placesPart(offset, channels[i]))
      return emitOpError("input ") << i << " starts at bit " << offset % 64
                                   << " of a word and spans two words";
    offset += channels[i];
  }
  if (out.getDimSize(out.getRank() - 1) != wordsFor(offset))
    return emitOpError("packs ") << offset << " channels into " << wordsFor(offset)
                                 << " words, not " << out.getDimSize(out.getRank() - 1);
  return success();
}

OpFoldResult ConcatPackedOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

/// Checks the packed input planes and weights of a binary layer.
static LogicalResult verifyBinaryLayer(Operation *op, RankedTensorType sign, RankedTensorType mask,
                                       RankedTensorType weights, int64_t reduction) {
  if (sign != mask)
    return op->emitOpError("sign and mask planes must have the same type");
  int64_t words = sign.getDimSize(sign.getRank() - 1);
  if (weights.getDimSize(weights.getRank() - 1) != words)
    return op->emitOpError("weights have ") << weights.getDimSize(weights.getRank() - 1)
                                            << " words per row, the input " << words;
  if (reduction < 1 || wordsFor(reduction) != words)
    return op->emitOpError("reduction length ") << reduction << " does not fill " << words
                                                << " words";
  return success();
}

/// Output size of a window op along one axis (floor, as ONNX without ceil_mode).
static int64_t windowOutput(int64_t in, int64_t padBegin, int64_t padEnd, int64_t kernel,
                            int64_t stride, int64_t dilation) {
  int64_t span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

/// Ternary weights: zero taps as increasing flat indices below `count`, or a weight mask of the
/// weights' type, not both.
static LogicalResult verifyTernary(Operation *op, std::optional<ArrayRef<int64_t>> taps,
                                   int64_t count, Value weights, Value weightMask) {
  if (weightMask && weightMask.getType() != weights.getType())
    return op->emitOpError("weight_mask must have the type of the weights");
  if (weightMask && taps)
    return op->emitOpError("takes zero_taps or a weight_mask, not both");
  if (!taps)
    return success();
  int64_t previous = -1;
  for (int64_t t : *taps) {
    if (t <= previous || t >= count)
      return op->emitOpError("zero_taps must be increasing indices below ") << count;
    previous = t;
  }
  return success();
}

/// The window attributes of a binary conv: 4 non-negative pads, 2 positive strides and
/// dilations.
static LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> dilation) {
  if (pad.size() != 4 || stride.size() != 2 || dilation.size() != 2)
    return op->emitOpError("expects 4 pads, 2 strides and 2 dilations");
  for (int64_t v : pad)
    if (v < 0)
      return op->emitOpError("pads must be non-negative");
  for (int i = 0; i < 2; ++i)
    if (stride[i] < 1 || dilation[i] < 1)
      return op->emitOpError("strides and dilations must be positive");
  return success();
}

/// The NHWC result of a conv window (KH x KW) over NHWC `in`: [N, Ho, Wo, outChannels].
static LogicalResult verifyWindowResult(Operation *op, ShapedType in, int64_t KH, int64_t KW,
                                        ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                                        ArrayRef<int64_t> dilation, ShapedType out,
                                        int64_t outChannels) {
  int64_t h = windowOutput(in.getDimSize(1), pad[0], pad[1], KH, stride[0], dilation[0]);
  int64_t w = windowOutput(in.getDimSize(2), pad[2], pad[3], KW, stride[1], dilation[1]);
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != h || out.getDimSize(2) != w ||
      out.getDimSize(3) != outChannels)
    return op->emitOpError("result shape must be [") << in.getDimSize(0) << ", " << h << ", " << w
                                                    << ", " << outChannels << "]";
  return success();
}

LogicalResult BConv2DOp::verify() {
  auto s = getInputSign().getType();
  auto w = getWeights().getType();
  auto out = getOutput().getType();
  if (s.getRank() != 4 || w.getRank() != 4 || out.getRank() != 4)
    return emitOpError("expects 4-D NHWC planes, OHWI weights and a 4-D result");
  if (failed(verifyWindow(*this, getPad(), getStride(), getDilation())))
    return failure();
  if (failed(verifyBinaryLayer(*this, s, getInputMask().getType(), w, getInChannels())))
    return failure();
  if (failed(verifyWindowResult(*this, s, w.getDimSize(1), w.getDimSize(2), getPad(), getStride(),
                                getDilation(), out, w.getDimSize(0))))
    return failure();
  return verifyTernary(*this, getZeroTaps(),
                       w.getDimSize(0) * w.getDimSize(1) * w.getDimSize(2) * getInChannels(),
                       getWeights(), getWeightMask());
}

LogicalResult BDepthwiseConv2DOp::verify() {
  auto x = getInput().getType();
  auto w = getWeights().getType();
  auto out = getOutput().getType();
  if (x.getRank() != 4 || w.getRank() != 3 || out.getRank() != 4)
    return emitOpError("expects a 4-D NHWC input, [KH, KW, C] weights and a 4-D result");
  if (failed(verifyWindow(*this, getPad(), getStride(), getDilation())))
    return failure();
  if (w.getDimSize(2) != x.getDimSize(3))
    return emitOpError("weights have ") << w.getDimSize(2) << " channels, the input "
                                        << x.getDimSize(3);
  return verifyWindowResult(*this, x, w.getDimSize(0), w.getDimSize(1), getPad(), getStride(),
                            getDilation(), out, x.getDimSize(3));
}

LogicalResult BMatMulActOp::verify() {
  auto as = getASign().getType(), am = getAMask().getType();
  auto bs = getBSign().getType(), bm = getBMask().getType();
  auto out = getOutput().getType();
  if (as.getRank() != 3 || bs.getRank() != 3 || out.getRank() != 3)
    return emitOpError("expects [B, M, words] and [B, N, words] planes and a [B, M, N] result");
  if (as != am || bs != bm)
    return emitOpError("sign and mask planes must have the same type");
  int64_t words = as.getDimSize(2);
  if (bs.getDimSize(2) != words)
    return emitOpError("operands have ") << words << " and " << bs.getDimSize(2) << " words per row";
  if (getK() < 1 || wordsFor(getK()) != words)
    return emitOpError("reduction length ") << getK() << " does not fill " << words << " words";
  if (bs.getDimSize(0) != as.getDimSize(0) || out.getDimSize(0) != as.getDimSize(0) ||
      out.getDimSize(1) != as.getDimSize(1) || out.getDimSize(2) != bs.getDimSize(1))
    return emitOpError("result shape must be [") << as.getDimSize(0) << ", " << as.getDimSize(1)
                                                << ", " << bs.getDimSize(1) << "]";
  return success();
}

LogicalResult BMatMulOp::verify() {
  auto s = getInputSign().getType();
  auto w = getWeights().getType();
  auto out = getOutput().getType();
  if (s.getRank() != 3 || w.getRank() != 2 || out.getRank() != 3)
    return emitOpError("expects [B, M, words] planes, [N, words] weights and a [B, M, N] result");
  if (failed(verifyBinaryLayer(*this, s, getInputMask().getType(), w, getK())))
    return failure();
  if (out.getDimSize(0) != s.getDimSize(0) || out.getDimSize(1) != s.getDimSize(1) ||
      out.getDimSize(2) != w.getDimSize(0))
    return emitOpError("result shape must be [") << s.getDimSize(0) << ", " << s.getDimSize(1)
                                                << ", " << w.getDimSize(0) << "]";
  return verifyTernary(*this, getZeroTaps(), w.getDimSize(0) * getK(), getWeights(),
                       getWeightMask());
}

/// Per-channel vectors must have one entry per innermost index of `type`.
static LogicalResult verifyPerChannel(Operation *op, RankedTensorType type,
                                      std::initializer_list<std::pair<const char *, Type>> params) {
  if (type.getRank() < 1)
    return op->emitOpError("expects a ranked input of rank >= 1");
  int64_t c = type.getDimSize(type.getRank() - 1);
  for (auto [name, t] : params) {
    auto r = cast<RankedTensorType>(t);
    if (r.getRank() != 1 || r.getDimSize(0) != c)
      return op->emitOpError() << name << " must have one value per channel (" << c << ")";
  }
  return success();
}

LogicalResult OutputTransformOp::verify() {
  auto in = getInput().getType();
  if (getOutput().getType().getShape() != in.getShape())
    return emitOpError("result shape must equal the input shape");
  return verifyPerChannel(*this, in, {{"multiplier", getMultiplier().getType()},
                                      {"bias", getBias().getType()}});
}

LogicalResult ThresholdOp::verify() {
  auto in = getInput().getType();
  if (failed(verifyPerChannel(*this, in, {{"low", getLow().getType()},
                                          {"high", getHigh().getType()},
                                          {"descending", getDescending().getType()}})))
    return failure();
  auto sign = getSign().getType();
  if (sign != getMask().getType() || sign.getRank() != in.getRank())
    return emitOpError("sign and mask planes must have the input's rank and equal types");
  for (int64_t i = 0; i + 1 < in.getRank(); ++i)
    if (sign.getDimSize(i) != in.getDimSize(i))
      return emitOpError("packed dimension ") << i << " differs from the input's";
  if (sign.getShape().back() != wordsFor(in.getShape().back()))
    return emitOpError("packs ") << in.getShape().back() << " channels into "
                                 << wordsFor(in.getShape().back()) << " words";
  return success();
}

LogicalResult BMaxPool2DOp::verify() {
  auto s = getInputSign().getType();
  if (s != getInputMask().getType() || getSign().getType() != getMask().getType())
    return emitOpError("sign and mask planes must have equal types");
  if (s.getRank() != 4 || getKernel().size() != 2 || getStride().size() != 2 ||
      getPad().size() != 4)
    return emitOpError("expects NHWC planes, 2 kernel sizes, 2 strides and 4 pads");
  for (int i = 0; i < 2; ++i)
    if (getKernel()[i] < 1 || getStride()[i] < 1)
      return emitOpError("kernel sizes and strides must be positive");
  for (int i = 0; i < 4; ++i)
    if (getPad()[i] < 0 || getPad()[i] >= getKernel()[i / 2])
      return emitOpError("pads must be non-negative and smaller than the kernel");
  int64_t h = windowOutput(s.getDimSize(1), getPad()[0], getPad()[1], getKernel()[0], getStride()[0], 1);
  int64_t w = windowOutput(s.getDimSize(2), getPad()[2], getPad()[3], getKernel()[1], getStride()[1], 1);
  auto out = getSign().getType();
  if (out.getRank() != 4 || out.getDimSize(0) != s.getDimSize(0) || out.getDimSize(1) != h ||
      out.getDimSize(2) != w || out.getDimSize(3) != s.getDimSize(3))
    return emitOpError("result shape must be [") << s.getDimSize(0) << ", " << h << ", " << w
                                                << ", " << s.getDimSize(3) << "]";
  return success();
}

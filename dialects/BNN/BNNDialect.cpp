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

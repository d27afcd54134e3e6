//===- Importer.cpp - ONNX to MLIR ------------------------------*- C++ -*-===//
//
// The ONNX side (parsing, checking, version conversion, shape inference) is ONNX's own C++
// library; this file maps the checked, shape-inferred and constant-folded graph to MLIR:
//
//  - NN-level ops (Conv, pooling, MatMul, reshapes, concat, reductions) become TOSA ops, which
//    upstream MLIR lowers to linalg.
//  - Element-wise math becomes linalg.generic over arith/math directly: TOSA has no float Div,
//    Round or Sqrt, requires equal ranks, and its Sign-like ops differ from ONNX's; a generic with
//    broadcasting indexing maps states ONNX's semantics exactly and fuses with its neighbours.
//  - Binarizers become bnn ops.
//
// Layout: ONNX is NCHW, bit packing wants channels innermost. Every 4-D image tensor produced by
// a spatial op (Conv, pooling, BatchNorm) lives in NHWC; element-wise ops keep the layout of
// their operands; an op that needs the ONNX axis order gets a transpose back. Graph inputs and
// outputs stay in ONNX layout, so the conversion happens at the graph's edges only.
//
//===----------------------------------------------------------------------===//
#include "compiler/Importer.h"
#include "compiler/Validate.h"

#include "compiler/ConstantFolder.h"
#include "compiler/OnnxAttributes.h"
#include "compiler/Tensor.h"
#include "dialects/BNN/BNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/Timing.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/Support/MemoryBuffer.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <climits>
#include <cmath>
#include <functional>
#include <set>
#include <type_traits>

using namespace mlir;

namespace bnnc {
namespace {

/// The opset the importer's handlers are written against: older models are converted up to it
/// with ONNX's version converter; 13 to 17 are handled directly.
constexpr int kMinOpset = 13;
constexpr int kMaxOpset = 17;

/// QONNX/FINN custom-op domains (BINARY_SEMANTICS §6).
bool isQonnxDomain(const std::string &d) {
  return d == "qonnx.custom_op.general" || d == "onnx.brevitas" ||
         d == "finn.custom_op.general" || d == "finn";
}

int64_t normAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// NCHW -> NHWC and back, for 4-D tensors.
const std::vector<int64_t> kToNHWC = {0, 2, 3, 1};
const std::vector<int64_t> kToNCHW = {0, 3, 1, 2};

std::vector<int64_t> permute(const std::vector<int64_t> &v, const std::vector<int64_t> &perm) {
  std::vector<int64_t> r(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    r[i] = v[perm[i]];
  return r;
}

/// A 1-D image, ONNX [N, C, L], is handled as the 2-D image [N, C, 1, L]: one convolution,
/// pooling and binary kernel serve both.
std::vector<int64_t> asImage(std::vector<int64_t> s) {
  if (s.size() == 3)
    s.insert(s.begin() + 2, 1);
  return s;
}

/// A runtime value of the graph. `nhwc` marks a 4-D ONNX tensor held in NHWC order, or a 3-D one
/// [N, C, L] held as the 4-D NHWC [N, 1, L, C] (then `line` is set); a non-empty
/// `flat` = {H, W, C} marks an ONNX [N, C*H*W] tensor (a Flatten of an NHWC image) held as
/// [N, H*W*C] in NHWC element order: a Gemm or MatMul reading it permutes its constant weight
/// rows instead, so no transpose runs (BINARY_SEMANTICS §8).
struct TV {
  Value value;
  bool nhwc = false;
  int32_t dtype = kFloat;
  std::vector<int64_t> flat;
  bool line = false;
};

/// Position in ONNX's flattened [C, H, W] order of element k of the NHWC-flattened [H, W, C].
int64_t flatToOnnx(int64_t k, const std::vector<int64_t> &hwc) {
  int64_t H = hwc[0], W = hwc[1], C = hwc[2];
  int64_t c = k % C, hw = k / C, w = hw % W, h = hw / W;
  return (c * H + h) * W + w;
}

class Importer {
public:
  Importer(MLIRContext &ctx, const ImportOptions &options)
      : ctx(ctx), options(options), builder(&ctx) {}

  /// Imports the model in `bytes` (binary protobuf, or ONNX text when `path` ends in .onnxtxt);
  /// `path` names it in diagnostics and locations.
  OwningOpRef<ModuleOp> run(const std::string &path, llvm::StringRef bytes, ModelSignature &sig);

private:
  using Handler = LogicalResult (Importer::*)(const onnx::NodeProto &);

  MLIRContext &ctx;
  const ImportOptions &options;
  /// A timer for one step of the import, nested in the caller's; inert without one.
  mlir::TimingScope phase(llvm::StringRef name) {
    return options.timing ? options.timing->nest(name) : mlir::TimingScope();
  }
  OpBuilder builder;
  std::string path;
  onnx::ModelProto model;
  int opset = 0;
  ConstantMap constants;
  std::map<std::string, TV> values;
  std::map<std::string, std::pair<int32_t, std::vector<int64_t>>> valueInfo;
  std::map<std::string, Value> materialized;
  Location loc = UnknownLoc::get(&ctx);
  const onnx::NodeProto *current = nullptr;

  //===--------------------------------------------------------------------===//
  // Errors
  //===--------------------------------------------------------------------===//

  InFlightDiagnostic error() {
    auto diag = emitError(loc);
    if (current)
      diag << "node '" << current->name() << "' (" << current->op_type() << ", domain "
           << (current->domain().empty() ? "ai.onnx" : current->domain()) << "): ";
    return diag;
  }
  LogicalResult fail(const Twine &msg) {
    error() << msg;
    return failure();
  }
  /// A copy of node `index` under the name messages give it: its own, or OP_INDEX (ONNX node
  /// names are optional).
  static onnx::NodeProto namedNode(const onnx::NodeProto &n, int index) {
    onnx::NodeProto named = n;
    if (named.name().empty())
      named.set_name(n.op_type() + "_" + std::to_string(index));
    return named;
  }
  /// Makes `named` the node that error() reports, at its location (line: index + 1).
  void enterNode(const onnx::NodeProto &named, int index) {
    current = &named;
    loc = NameLoc::get(builder.getStringAttr(named.name()),
                       FileLineColLoc::get(&ctx, path, index + 1, 0));
  }
  LogicalResult modelError(const Twine &msg) {
    emitError(FileLineColLoc::get(&ctx, path, 0, 0)) << msg;
    return failure();
  }

  //===--------------------------------------------------------------------===//
  // Preparation with ONNX's library
  //===--------------------------------------------------------------------===//

  LogicalResult load(llvm::StringRef bytes);
  LogicalResult checkConvertible();
  LogicalResult prepare();
  void recordValueInfo();
  bool propagateCustomOpShapes();

  //===--------------------------------------------------------------------===//
  // Types, constants, values
  //===--------------------------------------------------------------------===//

  Type elementType(int32_t dtype) {
    switch (dtype) {
    case kFloat: return builder.getF32Type();
    case kDouble: return builder.getF64Type();
    case kBool: return builder.getI1Type();
    case kInt8: case kUInt8: return builder.getIntegerType(8);
    case kInt32: return builder.getI32Type();
    case kInt64: return builder.getI64Type();
    default: return {};
    }
  }
  RankedTensorType tensorType(ArrayRef<int64_t> shape, int32_t dtype) {
    return RankedTensorType::get(shape, elementType(dtype));
  }
  DenseElementsAttr denseAttr(const Tensor &t) {
    auto type = tensorType(t.shape, t.dtype);
    // Built from typed buffers: going through APFloat/APInt per element made importing a
    // model with tens of millions of weights take seconds. Integers wrap to their width as
    // the stored type does (Tensor::cast has already normalized them).
    auto typed = [&](auto zero) {
      using T = decltype(zero);
      llvm::SmallVector<T> v(t.data.size());
      for (size_t i = 0; i < v.size(); ++i) {
        if constexpr (std::is_floating_point_v<T>)
          v[i] = static_cast<T>(t.data[i]);
        else if constexpr (std::is_same_v<T, bool>)
          v[i] = t.data[i] != 0;
        else
          v[i] = static_cast<T>(static_cast<int64_t>(t.data[i]));
      }
      return DenseElementsAttr::get(type, llvm::ArrayRef<T>(v));
    };
    switch (t.dtype) {
    case kFloat: return typed(float());
    case kDouble: return typed(double());
    case kBool: return typed(bool());
    case kInt8: case kUInt8: return typed(int8_t());
    case kInt32: return typed(int32_t());
    default: return typed(int64_t());
    }
  }
  Value constantValue(const Tensor &t) {
    return arith::ConstantOp::create(builder, loc, denseAttr(t));
  }
  Value f32(double v) { return arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(v)); }

  const Tensor *constant(const std::string &name) {
    auto it = constants.find(name);
    return it == constants.end() ? nullptr : &it->second;
  }
  bool has(const onnx::NodeProto &n, int i) { return n.input_size() > i && !n.input(i).empty(); }

  /// The ONNX shape of a value (constant or runtime).
  std::vector<int64_t> shapeOf(const std::string &name) {
    if (const Tensor *t = constant(name))
      return t->shape;
    auto it = valueInfo.find(name);
    return it == valueInfo.end() ? std::vector<int64_t>{} : it->second.second;
  }
  int32_t dtypeOf(const std::string &name) {
    if (const Tensor *t = constant(name))
      return t->dtype;
    auto it = valueInfo.find(name);
    return it == valueInfo.end() ? 0 : it->second.first;
  }

  /// A node input as a runtime value; constants are materialized once, in ONNX layout.
  FailureOr<TV> get(const std::string &name) {
    auto it = values.find(name);
    if (it != values.end())
      return it->second;
    if (const Tensor *t = constant(name)) {
      if (!elementType(t->dtype))
        return fail(Twine("input '") + name + "' has unsupported type " + dtypeName(t->dtype));
      auto m = materialized.find(name);
      if (m != materialized.end())
        return TV{m->second, false, t->dtype, {}};
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(builder.getBlock());
      Value v = constantValue(*t);
      materialized[name] = v;
      return TV{v, false, t->dtype, {}};
    }
    return fail(Twine("input '") + name + "' is neither a graph input, an initializer nor the " +
                "output of an earlier node");
  }

  /// The inferred static ONNX shape of the node's output `i`.
  FailureOr<std::vector<int64_t>> outShape(const onnx::NodeProto &n, int i = 0) {
    auto it = valueInfo.find(n.output(i));
    if (it == valueInfo.end())
      return fail(Twine("could not infer a static shape for output '") + n.output(i) + "'");
    return it->second.second;
  }
  int32_t outDType(const onnx::NodeProto &n, int i = 0) {
    auto it = valueInfo.find(n.output(i));
    return it == valueInfo.end() ? 0 : it->second.first;
  }

  /// An NHWC result whose ONNX shape has rank 3 is a 1-D image held as [N, 1, L, C].
  void setOutput(const onnx::NodeProto &n, int i, Value v, bool nhwc, int32_t dtype,
                 std::vector<int64_t> flat = {}) {
    bool line = nhwc && shapeOf(n.output(i)).size() == 3;
    values[n.output(i)] = TV{v, nhwc, dtype, std::move(flat), line};
  }

  //===--------------------------------------------------------------------===//
  // Building blocks
  //===--------------------------------------------------------------------===//

  Value transposeValue(Value v, const std::vector<int64_t> &perm) {
    auto type = cast<RankedTensorType>(v.getType());
    std::vector<int64_t> shape = permute(std::vector<int64_t>(type.getShape().begin(), type.getShape().end()), perm);
    SmallVector<int32_t> p(perm.begin(), perm.end());
    return tosa::TransposeOp::create(builder, loc, RankedTensorType::get(shape, type.getElementType()), v, p);
  }
  Value reshapeValue(Value v, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getShape() == shape)
      return v;
    ImplicitLocOpBuilder ib(loc, builder);
    Value s = tosa::getTosaConstShape(ib, shape);
    return tosa::ReshapeOp::create(builder, loc, RankedTensorType::get(shape, type.getElementType()), v, s);
  }
  Value extractSlice(Value v, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                     ArrayRef<int64_t> strides) {
    return tensor::ExtractSliceOp::create(builder, loc, v, getAsIndexOpFoldResult(&ctx, offsets),
                                          getAsIndexOpFoldResult(&ctx, sizes),
                                          getAsIndexOpFoldResult(&ctx, strides));
  }
  Value padValue(Value v, RankedTensorType type, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                 Value padding) {
    return tensor::PadOp::create(builder, loc, type, v, getAsIndexOpFoldResult(&ctx, low),
                                 getAsIndexOpFoldResult(&ctx, high), padding);
  }
  /// The value in ONNX axis order.
  Value onnxOrder(const TV &tv) {
    if (!tv.flat.empty()) {
      // [N, H*W*C] -> [N, H, W, C] -> [N, C, H, W] -> [N, C*H*W]
      auto type = cast<RankedTensorType>(tv.value.getType());
      int64_t N = type.getDimSize(0), H = tv.flat[0], W = tv.flat[1], C = tv.flat[2];
      Value v = transposeValue(reshapeValue(tv.value, {N, H, W, C}), kToNCHW);
      return reshapeValue(v, {N, C * H * W});
    }
    if (!tv.nhwc)
      return tv.value;
    Value v = transposeValue(tv.value, kToNCHW);
    if (tv.line) {
      auto t = cast<RankedTensorType>(v.getType());
      v = reshapeValue(v, {t.getDimSize(0), t.getDimSize(1), t.getDimSize(3)});
    }
    return v;
  }
  /// A value in the same layout as `like`.
  TV sameLayout(const TV &like, Value v, int32_t dtype) {
    TV r = like;
    r.value = v;
    r.dtype = dtype;
    return r;
  }
  /// Whether permuteFlat applies: the last axis is 1 (it broadcasts) or holds H*W*C elements.
  static bool flatFits(const Tensor &t, const std::vector<int64_t> &hwc) {
    int64_t n = 1;
    for (int64_t d : hwc)
      n *= d;
    return t.rank() == 0 || t.shape.back() == 1 || t.shape.back() == n;
  }
  /// Permutes the last axis of a constant of ONNX shape [.., K] (or [K]) into the NHWC-flattened
  /// element order of `hwc`; size-1 last axes broadcast and stay.
  Tensor permuteFlat(const Tensor &t, const std::vector<int64_t> &hwc) {
    if (t.rank() == 0 || t.shape.back() == 1)
      return t;
    Tensor r = t;
    int64_t K = t.shape.back(), rows = t.numel() / K;
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t k = 0; k < K; ++k)
        r.data[row * K + k] = t.data[row * K + flatToOnnx(k, hwc)];
    return r;
  }
  /// A 4-D value (or a 3-D one as a 1-D image) in NHWC order.
  Value nhwcOrder(const TV &tv) {
    if (tv.nhwc)
      return tv.value;
    Value v = onnxOrder(tv);
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() == 3)
      v = reshapeValue(v, asImage(std::vector<int64_t>(t.getShape().begin(), t.getShape().end())));
    return transposeValue(v, kToNHWC);
  }
  /// A constant of ONNX rank 3 or 4 in the NHWC order of an image value.
  static Tensor channelsLast(Tensor t) {
    t.shape = asImage(t.shape);
    return transpose(t, kToNHWC);
  }

  /// linalg.generic over operands broadcast to `outShape` (numpy rules: ranks right-aligned,
  /// size-1 axes broadcast).
  Value elementwise(ArrayRef<Value> operands, ArrayRef<int64_t> outShape, Type outElem,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    int64_t rank = static_cast<int64_t>(outShape.size());
    SmallVector<AffineMap> maps;
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<AffineExpr> exprs;
      int64_t shift = rank - t.getRank();
      for (int64_t i = 0; i < t.getRank(); ++i)
        exprs.push_back(t.getDimSize(i) == 1 && outShape[i + shift] != 1
                            ? getAffineConstantExpr(0, &ctx)
                            : getAffineDimExpr(i + shift, &ctx));
      maps.push_back(AffineMap::get(rank, 0, exprs, &ctx));
    }
    maps.push_back(builder.getMultiDimIdentityMap(rank));
    Value init = tensor::EmptyOp::create(builder, loc, outShape, outElem);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    auto op = linalg::GenericOp::create(
        builder, loc, TypeRange{RankedTensorType::get(outShape, outElem)}, operands,
        ValueRange{init}, maps, iters, [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, body(b, l, args.drop_back()));
        });
    return op.getResult(0);
  }

  /// Brings the inputs of an element-wise node to one layout and computes the result shape:
  /// NHWC if any operand is NHWC and the result is 4-D, else ONNX order.
  /// Set by alignOperands when the result is in the flattened NHWC order (TV::flat).
  std::vector<int64_t> flatOut;

  /// Also checks that every operand broadcasts to the result's shape: ONNX's shape inference
  /// guarantees it for ONNX ops, but QONNX ops and values whose shapes came from a mutated file
  /// reach here unchecked, and a wrong broadcast would build an invalid linalg.generic.
  LogicalResult alignOperands(const onnx::NodeProto &n, ArrayRef<int> inputs,
                              SmallVectorImpl<Value> &out, std::vector<int64_t> &shape,
                              bool &nhwc) {
    if (failed(alignOperandLayouts(n, inputs, out, shape, nhwc)))
      return failure();
    return checkBroadcast(out, shape);
  }

  /// Every value broadcasts (numpy rules) to `shape`, as `elementwise` needs.
  LogicalResult checkBroadcast(ArrayRef<Value> values, ArrayRef<int64_t> shape) {
    for (Value v : values) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t shift = static_cast<int64_t>(shape.size()) - t.getRank();
      bool fits = shift >= 0;
      for (int64_t i = 0; fits && i < t.getRank(); ++i)
        fits = t.getDimSize(i) == 1 || t.getDimSize(i) == shape[i + shift];
      if (!fits)
        return fail("an operand of shape " + shapeText(t.getShape()) +
                    " does not broadcast to the result's shape " + shapeText(shape));
    }
    return success();
  }

  LogicalResult alignOperandLayouts(const onnx::NodeProto &n, ArrayRef<int> inputs,
                                    SmallVectorImpl<Value> &out, std::vector<int64_t> &shape,
                                    bool &nhwc) {
    flatOut.clear();
    auto s = outShape(n);
    if (failed(s))
      return failure();
    shape = *s;
    SmallVector<TV> tvs;
    nhwc = false;
    bool line = false;
    for (int i : inputs) {
      auto tv = get(n.input(i));
      if (failed(tv))
        return failure();
      tvs.push_back(*tv);
      nhwc |= tv->nhwc;
      line |= tv->line;
    }
    // A 3-D result stays a 1-D image only if an operand is one.
    nhwc &= shape.size() == 4 || (shape.size() == 3 && line);
    // A flattened NHWC operand keeps its order if every other operand is a constant (permuted
    // here) or the same flattened layout; a runtime operand in ONNX order forces it back.
    std::vector<int64_t> flat;
    for (const TV &tv : tvs)
      if (!tv.flat.empty())
        flat = tv.flat;
    if (!flat.empty() && shape.size() == 2) {
      bool keep = true;
      for (size_t k = 0; k < tvs.size(); ++k)
        keep &= tvs[k].flat == flat || (constant(n.input(inputs[k])) &&
                                         shapeOf(n.input(inputs[k])).size() <= 2 &&
                                         flatFits(*constant(n.input(inputs[k])), flat));
      if (keep) {
        for (size_t k = 0; k < tvs.size(); ++k)
          out.push_back(tvs[k].flat == flat ? tvs[k].value
                                            : constantValue(permuteFlat(*constant(n.input(inputs[k])), flat)));
        flatOut = flat;
        nhwc = false;
        return success();
      }
    }
    for (size_t k = 0; k < tvs.size(); ++k) {
      const TV &tv = tvs[k];
      if (!nhwc) {
        out.push_back(onnxOrder(tv));
        continue;
      }
      if (tv.nhwc) {
        out.push_back(tv.value);
        continue;
      }
      // An ONNX-order operand of rank <= the result's meets an NHWC one: extend it to the
      // result's rank (numpy right-alignment), then to the 4-D image, and permute; constants
      // are permuted at compile time.
      std::vector<int64_t> s4 = shapeOf(n.input(inputs[k]));
      if (s4.size() > shape.size())
        return fail("an operand of shape " + shapeText(s4) + " does not broadcast to the " +
                    std::to_string(shape.size()) + "-D result");
      s4.insert(s4.begin(), shape.size() - s4.size(), 1);
      if (const Tensor *c = constant(n.input(inputs[k]))) {
        Tensor t = *c;
        t.shape = s4;
        out.push_back(constantValue(channelsLast(t)));
      } else {
        out.push_back(transposeValue(reshapeValue(onnxOrder(tv), asImage(s4)), kToNHWC));
      }
    }
    if (nhwc)
      shape = permute(asImage(shape), kToNHWC);
    return success();
  }

  /// A float element-wise node: result = body(operands).
  LogicalResult floatElementwise(const onnx::NodeProto &n, ArrayRef<int> inputs,
                                 function_ref<Value(OpBuilder &, Location, ValueRange)> body,
                                 int32_t resultType = kFloat) {
    SmallVector<Value> ops;
    std::vector<int64_t> shape;
    bool nhwc;
    if (failed(alignOperands(n, inputs, ops, shape, nhwc)))
      return failure();
    for (Value v : ops)
      if (!cast<RankedTensorType>(v.getType()).getElementType().isF32())
        return fail("supports float32 operands only");
    setOutput(n, 0, elementwise(ops, shape, elementType(resultType), body), nhwc, resultType, flatOut);
    return success();
  }

  /// Builds a TOSA conv2d (or depthwise/grouped) on an NHWC input with ONNX weights OIHW.
  LogicalResult convolution(const onnx::NodeProto &n);
  /// The TOSA conv2d (depthwise, or one per group, concatenated) of NHWC `input` with ONNX
  /// weights `w` [O, I / group, KH, KW], TOSA pads [top, bottom, left, right].
  Value buildConv(Value input, const Tensor &w, const Tensor &bias, int64_t group,
                  ArrayRef<int64_t> tpad, ArrayRef<int64_t> stride, ArrayRef<int64_t> dil,
                  ArrayRef<int64_t> nhwcOut);
  LogicalResult onConvTranspose(const onnx::NodeProto &n);
  /// What Conv and ConvTranspose read: the input, the constant weights (a 1-D kernel as a 2-D one
  /// of height 1, in `w1d`), the 4-D input and output shapes, the spatial rank and the bias
  /// (zeros when absent). `what` names the op in the rank error.
  struct ConvOperands {
    TV x;
    const Tensor *w = nullptr;
    Tensor w1d, bias;
    std::vector<int64_t> xs, os;
    int spatialRank = 2;
  };
  LogicalResult convOperands(const onnx::NodeProto &n, const char *what, ConvOperands &ops);
  LogicalResult pool(const onnx::NodeProto &n, bool isMax);
  /// ONNX explicit pads for spatial ops: [top, left, bottom, right], from pads or auto_pad.
  /// `spatialRank` is 1 for a 1-D window (height 1, pads on W only) or 2; the other arrays are
  /// the 2-D (H, W) forms.
  LogicalResult spatialPads(const onnx::NodeProto &n, int spatialRank, ArrayRef<int64_t> in,
                            ArrayRef<int64_t> k, ArrayRef<int64_t> stride, ArrayRef<int64_t> dil,
                            ArrayRef<int64_t> out, std::vector<int64_t> &pads);
  /// A window attribute (strides, dilations, kernel_shape, output_padding) in its 2-D (H, W)
  /// form: a 1-D window's single value is W's, and H gets `height` (1 for a size, stride or
  /// dilation, 0 for a padding). Empty if the count does not fit.
  std::vector<int64_t> windowAttr(const onnx::NodeProto &n, const char *name, int spatialRank,
                                  int64_t dflt, int64_t height = 1) {
    std::vector<int64_t> v = attrInts(n, name, std::vector<int64_t>(spatialRank, dflt));
    if (v.size() != static_cast<size_t>(spatialRank))
      return {};
    if (spatialRank == 1)
      v.insert(v.begin(), height);
    return v;
  }
  /// The `pads` attribute as [h_begin, w_begin, h_end, w_end] (a 1-D window's [begin, end] on W).
  LogicalResult padsAttr(const onnx::NodeProto &n, int spatialRank, std::vector<int64_t> &pads);
  /// Adjusts end pads (and crops the input) so that TOSA's exact output-size rule holds:
  /// (in - 1 + pb + pe - (k - 1) * d) must be a multiple of the stride.
  Value fitSpatial(Value nhwcInput, std::vector<int64_t> &pads, ArrayRef<int64_t> k,
                   ArrayRef<int64_t> stride, ArrayRef<int64_t> dil, ArrayRef<int64_t> out);

  //===--------------------------------------------------------------------===//
  // Op handlers
  //===--------------------------------------------------------------------===//

public:
  /// The ONNX ops the importer translates, with what of each it supports (bnnc --list-ops and
  /// docs/ops.md print this table).
  struct OpEntry {
    Handler handler;
    const char *note;
  };
  static const std::map<std::string, OpEntry> &handlers();

private:
  LogicalResult importNode(const onnx::NodeProto &n);

  LogicalResult onIdentity(const onnx::NodeProto &n);
  LogicalResult onConv(const onnx::NodeProto &n) { return convolution(n); }
  LogicalResult onMaxPool(const onnx::NodeProto &n) { return pool(n, true); }
  LogicalResult onAveragePool(const onnx::NodeProto &n) { return pool(n, false); }
  LogicalResult onGlobalPool(const onnx::NodeProto &n);
  LogicalResult onBatchNorm(const onnx::NodeProto &n);
  LogicalResult onGemm(const onnx::NodeProto &n);
  LogicalResult onMatMul(const onnx::NodeProto &n);
  LogicalResult onUnary(const onnx::NodeProto &n);
  LogicalResult onBinary(const onnx::NodeProto &n);
  LogicalResult onVariadic(const onnx::NodeProto &n);
  LogicalResult onExpand(const onnx::NodeProto &n);
  LogicalResult onCompare(const onnx::NodeProto &n);
  LogicalResult onWhere(const onnx::NodeProto &n);
  LogicalResult onPRelu(const onnx::NodeProto &n);
  LogicalResult onClip(const onnx::NodeProto &n);
  LogicalResult onCast(const onnx::NodeProto &n);
  LogicalResult onReshapeLike(const onnx::NodeProto &n);
  LogicalResult onTranspose(const onnx::NodeProto &n);
  LogicalResult onConcat(const onnx::NodeProto &n);
  LogicalResult onSplit(const onnx::NodeProto &n);
  LogicalResult onSlice(const onnx::NodeProto &n);
  LogicalResult onPad(const onnx::NodeProto &n);
  LogicalResult onSoftmax(const onnx::NodeProto &n);
  LogicalResult onReduce(const onnx::NodeProto &n);
  LogicalResult onLayerNorm(const onnx::NodeProto &n);
  LogicalResult onGather(const onnx::NodeProto &n);
  LogicalResult onTile(const onnx::NodeProto &n);
  LogicalResult onQuantizeLinear(const onnx::NodeProto &n);
  LogicalResult onDequantizeLinear(const onnx::NodeProto &n);
  LogicalResult onBipolarQuant(const onnx::NodeProto &n);
  LogicalResult onQuant(const onnx::NodeProto &n);
  LogicalResult onMultiThreshold(const onnx::NodeProto &n);

  enum class Reduction { Sum, Max, Min };
  Value reduceAxes(Value v, ArrayRef<int64_t> axes, Reduction kind);
  /// A per-axis parameter (scale, zero point) reshaped to broadcast along `axis` of `shape`.
  Tensor axisParam(const Tensor &p, int64_t axis, ArrayRef<int64_t> shape);
};

//===----------------------------------------------------------------------===//
// Loading and preparing the model with ONNX's library
//===----------------------------------------------------------------------===//

LogicalResult Importer::load(llvm::StringRef bytes) {
  mlir::TimingScope timer = phase("parse");
  bool text = path.size() > 8 && path.substr(path.size() - 8) == ".onnxtxt";
  if (text) {
    // OnnxParser reads a NUL-terminated string.
    std::string source = bytes.str();
    auto status = onnx::OnnxParser::Parse(model, source.c_str());
    if (!status.IsOK())
      return modelError("cannot parse ONNX text '" + path + "': " + status.ErrorMessage());
  } else if (bytes.empty() || bytes.size() > static_cast<size_t>(INT_MAX) ||
             !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return modelError("'" + path + "' is not a valid ONNX model (the protobuf does not parse; " +
                      "is the file truncated?)");
  }
  if (!model.has_graph())
    return modelError("'" + path + "' has no graph");
  return success();
}

void Importer::recordValueInfo() {
  valueInfo.clear();
  auto add = [&](const onnx::ValueInfoProto &v) {
    if (!v.type().has_tensor_type())
      return;
    const auto &tt = v.type().tensor_type();
    std::vector<int64_t> shape;
    if (!tt.has_shape())
      return;
    for (const auto &d : tt.shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0)
        return;
      shape.push_back(d.dim_value());
    }
    valueInfo[v.name()] = {tt.elem_type(), shape};
  };
  for (const auto &v : model.graph().input())
    add(v);
  for (const auto &v : model.graph().value_info())
    add(v);
  for (const auto &v : model.graph().output())
    add(v);
}

/// QONNX ops are outside ONNX's schema registry, so shape inference stops at them. They are all
/// shape-preserving: give each output its input's type and shape, so inference can go on.
bool Importer::propagateCustomOpShapes() {
  recordValueInfo();
  bool changed = false;
  for (const auto &n : model.graph().node()) {
    if (!isQonnxDomain(n.domain()) || n.input_size() == 0 || n.output_size() == 0)
      continue;
    if (valueInfo.count(n.output(0)))
      continue;
    std::vector<int64_t> shape = shapeOf(n.input(0));
    int32_t dtype = dtypeOf(n.input(0));
    if (shape.empty() && !constant(n.input(0)) && !valueInfo.count(n.input(0)))
      continue;
    auto *vi = model.mutable_graph()->add_value_info();
    vi->set_name(n.output(0));
    auto *tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(dtype ? dtype : kFloat);
    auto *sp = tt->mutable_shape();
    for (int64_t d : shape)
      sp->add_dim()->set_dim_value(d);
    changed = true;
  }
  return changed;
}

/// ONNX's version converter reads the input shapes of the ops whose adapters rewrite broadcasts,
/// Gemm's C or Softmax's axis without checking that they are known (a null dereference when they
/// are not). Shape inference runs first; a node of those ops whose input shapes are still unknown
/// is an error instead of a crash.
LogicalResult Importer::checkConvertible() {
  static const std::set<std::string> readsShapes = {
      "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less",
      "PRelu", "Sum", "Max", "Min", "Mean", "Gemm", "Softmax", "LogSoftmax", "Hardmax"};
  onnx::ModelProto inferred = model;
  try {
    onnx::ShapeInferenceOptions options{/*check_type=*/false, /*error_mode=*/1,
                                        /*enable_data_propagation=*/true};
    onnx::shape_inference::InferShapes(inferred, guardedSchemaRegistry(), options);
  } catch (const std::exception &e) {
    return modelError(std::string("shape inference failed: ") + e.what());
  }
  std::map<std::string, int> ranks; // the values whose shape is known
  for (const auto &t : inferred.graph().initializer())
    ranks[t.name()] = t.dims_size();
  for (const auto *list : {&inferred.graph().input(), &inferred.graph().value_info()})
    for (const auto &v : *list)
      if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
        ranks[v.name()] = v.type().tensor_type().shape().dim_size();
  for (const auto &n : inferred.graph().node()) {
    // The converter adapts nodes by op type alone, whatever their domain.
    bool qonnx = isQonnxDomain(n.domain());
    if ((!n.domain().empty() && n.domain() != "ai.onnx" && !qonnx) ||
        (qonnx && n.op_type() != "BipolarQuant" && n.op_type() != "Quant" &&
         n.op_type() != "MultiThreshold"))
      return modelError("cannot convert the model from opset " + std::to_string(opset) +
                        ": it has a " + n.op_type() + " node of domain '" + n.domain() +
                        "', which bnnc does not support");
    if (n.op_type() == "Gemm")
      for (int i = 0; i < 2 && i < n.input_size(); ++i) {
        auto rank = ranks.find(n.input(i));
        if (rank == ranks.end() || rank->second != 2)
          return modelError("cannot convert the model from opset " + std::to_string(opset) +
                            ": Gemm's input '" + n.input(i) + "' must be a matrix");
      }
    if (readsShapes.count(n.op_type()))
      for (const auto &in : n.input())
        if (!in.empty() && !ranks.count(in))
          return modelError("cannot convert the model from opset " + std::to_string(opset) +
                            " to " + std::to_string(kMinOpset) + ": the shape of '" + in +
                            "', an input of a " + n.op_type() + " node, is unknown");
  }
  return success();
}

LogicalResult Importer::prepare() {
  // Fixed shapes requested by the user for dynamic inputs.
  for (const auto &[name, shape] : options.inputShapes) {
    bool found = false;
    std::string names;
    for (const auto &input : model.graph().input()) {
      found |= input.name() == name;
      names += (names.empty() ? "'" : ", '") + input.name() + "'";
    }
    if (!found)
      return modelError("--input-shape names '" + name + "', which is not a graph input (inputs: " +
                        names + ")");
  }
  for (auto &input : *model.mutable_graph()->mutable_input()) {
    auto it = options.inputShapes.find(input.name());
    if (it == options.inputShapes.end())
      continue;
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : it->second)
      shape->add_dim()->set_dim_value(d);
  }

  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = static_cast<int>(o.version());
  if (opset == 0)
    return modelError("the model imports no version of the default ONNX domain");
  if (opset > kMaxOpset)
    return modelError("the model uses opset " + std::to_string(opset) + "; bnnc supports opsets up to " +
                      std::to_string(kMaxOpset));

  // bnnc's own checks come first: ONNX's checker and shape inference trust these values.
  mlir::TimingScope timer = phase("check");
  ValidationError invalid;
  if (!validateModel(model, invalid)) {
    if (invalid.node < 0)
      return modelError(invalid.message);
    onnx::NodeProto named = namedNode(model.graph().node(invalid.node), invalid.node);
    enterNode(named, invalid.node);
    (void)fail(invalid.message);
    current = nullptr;
    return failure();
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return modelError(std::string("the ONNX checker rejects the model: ") + e.what());
  }
  if (opset < kMinOpset) {
    if (failed(checkConvertible()))
      return failure();
    try {
      model = onnx::version_conversion::ConvertVersion(model, kMinOpset);
      opset = kMinOpset;
    } catch (const std::exception &e) {
      return modelError("cannot convert the model from opset " + std::to_string(opset) + " to " +
                        std::to_string(kMinOpset) + ": " + e.what());
    }
  }

  timer = phase("read initializers");
  std::string err;
  for (const auto &init : model.graph().initializer()) {
    Tensor t;
    if (!tensorFromProto(init, t, err))
      return modelError("initializer: " + err);
    constants[init.name()] = std::move(t);
  }

  // Shape inference, constant folding and shape propagation through custom ops, to a fixed point.
  timer = phase("shape inference and folding");
  onnx::ShapeInferenceOptions inferOptions{/*check_type=*/false, /*error_mode=*/1,
                                           /*enable_data_propagation=*/true};
  for (int round = 0; round < 16; ++round) {
    try {
      onnx::shape_inference::InferShapes(model, guardedSchemaRegistry(), inferOptions);
    } catch (const std::exception &e) {
      return modelError(std::string("shape inference failed: ") + e.what());
    }
    size_t before = model.graph().node_size();
    if (!foldConstants(model, constants, err))
      return modelError(err);
    bool grew = propagateCustomOpShapes();
    if (!grew && static_cast<size_t>(model.graph().node_size()) == before)
      break;
  }
  recordValueInfo();
  // Intermediate values are statically allocated: one beyond any device is an error here.
  for (const auto &[name, info] : valueInfo)
    if (!isBoundedShape(info.second))
      return modelError("value '" + name + "' has shape " + shapeText(info.second) +
                        ", more than 2^30 elements");
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Importer::run(const std::string &p, llvm::StringRef bytes,
                                     ModelSignature &sig) {
  path = p;
  if (failed(load(bytes)) || failed(prepare()))
    return nullptr;
  mlir::TimingScope timer = phase("build IR");

  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(FileLineColLoc::get(&ctx, path, 0, 0));
  sig = ModelSignature();
  sig.funcName = options.funcName;

  SmallVector<Type> argTypes, resultTypes;
  std::set<std::string> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  std::vector<const onnx::ValueInfoProto *> inputs;
  for (const auto &in : graph.input()) {
    if (initializerNames.count(in.name()))
      continue;
    if (constants.count(in.name()))
      continue;
    auto it = valueInfo.find(in.name());
    if (it == valueInfo.end()) {
      // Name the dynamic dimension and suggest a shape of the right rank (1 for each unknown).
      std::string why = "unknown", example;
      if (in.type().has_tensor_type())
        for (const auto &d : in.type().tensor_type().shape().dim()) {
          if (!d.has_dim_value())
            why = "'" + d.dim_param() + "'";
          example += (example.empty() ? "" : "x") +
                     std::to_string(d.has_dim_value() ? d.dim_value() : 1);
        }
      if (example.empty())
        example = "1x3x224x224";
      (void)modelError("graph input '" + in.name() + "' has a dynamic or unknown dimension (" + why +
                 "); bnnc compiles static shapes: fix it with --input-shape=" + in.name() + ":" +
                 example + " (for example)");
      return nullptr;
    }
    if (!elementType(it->second.first)) {
      (void)modelError("graph input '" + in.name() + "' has unsupported type " + dtypeName(it->second.first));
      return nullptr;
    }
    inputs.push_back(&in);
    argTypes.push_back(tensorType(it->second.second, it->second.first));
    sig.inputs.push_back({in.name(), it->second.first, it->second.second});
  }
  for (const auto &out : graph.output()) {
    auto it = valueInfo.find(out.name());
    if (it == valueInfo.end() && !constants.count(out.name())) {
      (void)modelError("graph output '" + out.name() + "' has a dynamic or unknown shape");
      return nullptr;
    }
    int32_t dt = dtypeOf(out.name());
    std::vector<int64_t> shape = shapeOf(out.name());
    if (!elementType(dt)) {
      (void)modelError("graph output '" + out.name() + "' has unsupported type " + dtypeName(dt));
      return nullptr;
    }
    resultTypes.push_back(tensorType(shape, dt));
    sig.outputs.push_back({out.name(), dt, shape});
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, FileLineColLoc::get(&ctx, path, 0, 0),
                                   options.funcName, builder.getFunctionType(argTypes, resultTypes));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (size_t i = 0; i < inputs.size(); ++i)
    values[inputs[i]->name()] = TV{entry->getArgument(i), false, sig.inputs[i].dtype, {}};

  int index = 0;
  for (const onnx::NodeProto &n : graph.node()) {
    onnx::NodeProto named = namedNode(n, index);
    enterNode(named, index);
    ++index;
    if (failed(importNode(named)))
      return nullptr;
  }
  current = nullptr;
  loc = FileLineColLoc::get(&ctx, path, 0, 0);

  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    auto tv = get(out.name());
    if (failed(tv))
      return nullptr;
    results.push_back(onnxOrder(*tv));
    // A malformed file can declare an output (value_info) that its producer does not give.
    auto computed = cast<RankedTensorType>(results.back().getType());
    Type declared = resultTypes[results.size() - 1];
    if (computed != declared) {
      auto d = cast<RankedTensorType>(declared);
      (void)modelError("graph output '" + out.name() + "' is declared as " + shapeText(d.getShape()) +
                       " but its producer gives " + shapeText(computed.getShape()) +
                       (d.getElementType() != computed.getElementType() ? " of another element type" : ""));
      return nullptr;
    }
  }
  func::ReturnOp::create(builder, loc, results);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

LogicalResult Importer::importNode(const onnx::NodeProto &n) {
  if (isQonnxDomain(n.domain())) {
    // ONNX's checker knows no schema for QONNX ops: their arity is checked here.
    static const std::map<std::string, std::pair<int, int>> arity = {
        {"BipolarQuant", {1, 2}}, {"Quant", {4, 4}}, {"MultiThreshold", {2, 2}}};
    auto a = arity.find(n.op_type());
    if (a != arity.end() &&
        (n.input_size() < a->second.first || n.input_size() > a->second.second ||
         n.output_size() != 1))
      return fail("takes " +
                  (a->second.first == a->second.second
                       ? std::to_string(a->second.first)
                       : std::to_string(a->second.first) + " or " + std::to_string(a->second.second)) +
                  " inputs and 1 output, got " + std::to_string(n.input_size()) + " and " +
                  std::to_string(n.output_size()));
    if (n.op_type() == "BipolarQuant")
      return onBipolarQuant(n);
    if (n.op_type() == "Quant")
      return onQuant(n);
    if (n.op_type() == "MultiThreshold")
      return onMultiThreshold(n);
    return fail("is not a supported QONNX op");
  }
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return fail("is in a domain bnnc does not support");
  const auto &table = handlers();
  auto it = table.find(n.op_type());
  if (it == table.end())
    return fail("is not supported by bnnc");
  for (int i = 0; i < n.output_size(); ++i) {
    int32_t dt = outDType(n, i);
    if (!n.output(i).empty() && dt && !elementType(dt))
      return fail(Twine("produces unsupported type ") + dtypeName(dt));
  }
  return (this->*(it->second.handler))(n);
}

const std::map<std::string, Importer::OpEntry> &Importer::handlers() {
  static const std::map<std::string, OpEntry> table = {
      {"Identity", {&Importer::onIdentity, "any type"}},
      {"Dropout", {&Importer::onIdentity, "inference: the identity; the mask output is all true"}},
      {"Conv", {&Importer::onConv, "1-D and 2-D, float32, constant weights, groups, depthwise, strides, dilations, pads and auto_pad; binary (XNOR-popcount) when input and weights are binarized"}},
      {"ConvTranspose", {&Importer::onConvTranspose, "1-D and 2-D, float32, constant weights, groups, strides, dilations, pads, output_padding, output_shape and auto_pad; binary when input and weights are binarized (+-alpha per output channel)"}},
      {"MaxPool", {&Importer::onMaxPool, "1-D and 2-D, float32, ceil_mode, pads; no dilations, no Indices output; binary on packed bits after a binarizer"}},
      {"AveragePool", {&Importer::onAveragePool, "1-D and 2-D, float32, ceil_mode, pads, count_include_pad; no dilations"}},
      {"GlobalAveragePool", {&Importer::onGlobalPool, "3-D and 4-D inputs"}},
      {"GlobalMaxPool", {&Importer::onGlobalPool, "3-D and 4-D inputs"}},
      {"BatchNormalization", {&Importer::onBatchNorm, "inference mode; constant parameters; fused into a binary layer's output transform or threshold"}},
      {"Gemm", {&Importer::onGemm, "float32; binary when A is binarized and B is a constant +-alpha matrix"}},
      {"MatMul", {&Importer::onMatMul, "float32; batched with equal batch dimensions or a 2-D B (runtime or constant); binary when A is binarized and B is a constant +-alpha matrix"}},
      {"Relu", {&Importer::onUnary, "float32"}},
      {"LeakyRelu", {&Importer::onUnary, "float32"}},
      {"Sigmoid", {&Importer::onUnary, "float32"}},
      {"Tanh", {&Importer::onUnary, "float32"}},
      {"HardSigmoid", {&Importer::onUnary, "float32"}},
      {"Abs", {&Importer::onUnary, "float32"}},
      {"Neg", {&Importer::onUnary, "float32"}},
      {"Sqrt", {&Importer::onUnary, "float32"}},
      {"Exp", {&Importer::onUnary, "float32"}},
      {"Log", {&Importer::onUnary, "float32"}},
      {"Round", {&Importer::onUnary, "float32"}},
      {"Erf", {&Importer::onUnary, "float32"}},
      {"Reciprocal", {&Importer::onUnary, "float32"}},
      {"Floor", {&Importer::onUnary, "float32"}},
      {"Ceil", {&Importer::onUnary, "float32"}},
      {"Sin", {&Importer::onUnary, "float32"}},
      {"Cos", {&Importer::onUnary, "float32"}},
      {"Softplus", {&Importer::onUnary, "float32"}},
      {"Softsign", {&Importer::onUnary, "float32"}},
      {"Elu", {&Importer::onUnary, "float32"}},
      {"Selu", {&Importer::onUnary, "float32"}},
      {"Celu", {&Importer::onUnary, "float32"}},
      {"ThresholdedRelu", {&Importer::onUnary, "float32"}},
      {"HardSwish", {&Importer::onUnary, "float32"}},
      {"Sign", {&Importer::onUnary, "ONNX Sign (0 -> 0, or +1 with --sign-zero=positive); a binarizer"}},
      {"PRelu", {&Importer::onPRelu, "float32, broadcast slopes"}},
      {"Clip", {&Importer::onClip, "float32, constant min and max"}},
      {"Add", {&Importer::onBinary, "numpy broadcasting; float and integer"}},
      {"Sub", {&Importer::onBinary, "numpy broadcasting; float and integer"}},
      {"Mul", {&Importer::onBinary, "numpy broadcasting; float and integer"}},
      {"Div", {&Importer::onBinary, "numpy broadcasting; float and integer"}},
      {"Pow", {&Importer::onBinary, "float base, float or integer exponent"}},
      {"Expand", {&Importer::onExpand, "constant target shape"}},
      {"Max", {&Importer::onVariadic, "any number of operands; float and integer"}},
      {"Min", {&Importer::onVariadic, "any number of operands; float and integer"}},
      {"Sum", {&Importer::onVariadic, "any number of operands; float and integer"}},
      {"Mean", {&Importer::onVariadic, "any number of operands; float"}},
      {"Greater", {&Importer::onCompare, "numpy broadcasting; float and integer; bool result"}},
      {"GreaterOrEqual", {&Importer::onCompare, "numpy broadcasting; float and integer; bool result"}},
      {"Less", {&Importer::onCompare, "numpy broadcasting; float and integer; bool result"}},
      {"LessOrEqual", {&Importer::onCompare, "numpy broadcasting; float and integer; bool result"}},
      {"Equal", {&Importer::onCompare, "numpy broadcasting; float and integer; bool result"}},
      {"Where", {&Importer::onWhere, "numpy broadcasting, any element type; a binarizer when it selects +-1 (or 0) by a comparison with 0"}},
      {"Cast", {&Importer::onCast, "between float32, float64, int8, uint8, int32, int64 and bool"}},
      {"Flatten", {&Importer::onReshapeLike, "any axis"}},
      {"Reshape", {&Importer::onReshapeLike, "constant shape"}},
      {"Squeeze", {&Importer::onReshapeLike, "constant axes"}},
      {"Unsqueeze", {&Importer::onReshapeLike, "constant axes"}},
      {"Transpose", {&Importer::onTranspose, "any permutation"}},
      {"Concat", {&Importer::onConcat, "any axis"}},
      {"Split", {&Importer::onSplit, "constant split sizes"}},
      {"Slice", {&Importer::onSlice, "constant starts, ends, axes and steps"}},
      {"Pad", {&Importer::onPad, "mode constant, constant pads; float32"}},
      {"Softmax", {&Importer::onSoftmax, "any axis"}},
      {"ReduceMean", {&Importer::onReduce, "float32; constant axes"}},
      {"ReduceSum", {&Importer::onReduce, "float32; constant axes"}},
      {"ReduceMax", {&Importer::onReduce, "float32; constant axes"}},
      {"ReduceMin", {&Importer::onReduce, "float32; constant axes"}},
      {"LayerNormalization", {&Importer::onLayerNorm, "float32, any axis, with the optional Mean and InvStdDev outputs"}},
      {"Gather", {&Importer::onGather, "any axis; int64 or int32 indices (a graph input or constant); out-of-range indices are clamped"}},
      {"Tile", {&Importer::onTile, "constant repeats"}},
      {"QuantizeLinear", {&Importer::onQuantizeLinear, "int8 and uint8, per tensor or per axis"}},
      {"DequantizeLinear", {&Importer::onDequantizeLinear, "int8, uint8 and int32, per tensor or per axis"}},
  };
  return table;
}

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

LogicalResult Importer::onIdentity(const onnx::NodeProto &n) {
  auto tv = get(n.input(0));
  if (failed(tv))
    return failure();
  values[n.output(0)] = *tv;
  // Dropout at inference keeps every element: its optional mask is all true.
  if (n.output_size() > 1 && !n.output(1).empty()) {
    auto shape = outShape(n, 1);
    if (failed(shape))
      return failure();
    auto type = tensorType(*shape, kBool);
    Value mask = arith::ConstantOp::create(builder, loc, DenseElementsAttr::get(type, true));
    setOutput(n, 1, mask, false, kBool);
  }
  return success();
}

LogicalResult Importer::padsAttr(const onnx::NodeProto &n, int spatialRank,
                                 std::vector<int64_t> &pads) {
  std::vector<int64_t> p = attrInts(n, "pads", std::vector<int64_t>(2 * spatialRank, 0));
  if (p.size() != static_cast<size_t>(2 * spatialRank))
    return fail("expects " + std::to_string(2 * spatialRank) + " pads for a " +
                std::to_string(spatialRank) + "-D window");
  // ONNX order: [h_begin, w_begin, h_end, w_end]; a 1-D window [begin, end] pads W only.
  pads = spatialRank == 1 ? std::vector<int64_t>{0, p[0], 0, p[1]} : p;
  return success();
}

LogicalResult Importer::spatialPads(const onnx::NodeProto &n, int spatialRank,
                                    ArrayRef<int64_t> in, ArrayRef<int64_t> k,
                                    ArrayRef<int64_t> stride, ArrayRef<int64_t> dil,
                                    ArrayRef<int64_t> out, std::vector<int64_t> &pads) {
  std::string autoPad = attrString(n, "auto_pad", "NOTSET");
  pads.assign(4, 0);
  if (autoPad == "NOTSET") {
    if (failed(padsAttr(n, spatialRank, pads)))
      return failure();
    for (int64_t v : pads)
      if (v < 0)
        return fail("negative pads are not supported");
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t total = std::max<int64_t>(0, (out[i] - 1) * stride[i] + (k[i] - 1) * dil[i] + 1 - in[i]);
      int64_t small = total / 2, big = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : big;
      pads[i + 2] = autoPad == "SAME_UPPER" ? big : small;
    }
  } else if (autoPad != "VALID") {
    return fail("unknown auto_pad '" + autoPad + "'");
  }
  return success();
}

Value Importer::fitSpatial(Value input, std::vector<int64_t> &pads, ArrayRef<int64_t> k,
                           ArrayRef<int64_t> stride, ArrayRef<int64_t> dil,
                           ArrayRef<int64_t> out) {
  auto type = cast<RankedTensorType>(input.getType());
  std::vector<int64_t> in = {type.getDimSize(1), type.getDimSize(2)};
  std::vector<int64_t> crop = {0, 0};
  for (int i = 0; i < 2; ++i) {
    // ONNX floors the output size; rows past the last window are unused. TOSA wants the span
    // to be exact, so drop them: first from the end pad, then from the input itself.
    int64_t span = in[i] - 1 + pads[i] + pads[i + 2] - (k[i] - 1) * dil[i];
    int64_t extra = span - (out[i] - 1) * stride[i];
    if (extra < 0) {
      pads[i + 2] -= extra; // ceil_mode: the last window reaches past the end; pad it
      continue;
    }
    int64_t fromPad = std::min(extra, pads[i + 2]);
    pads[i + 2] -= fromPad;
    crop[i] = extra - fromPad;
  }
  if (crop[0] == 0 && crop[1] == 0)
    return input;
  SmallVector<int64_t> sizes = {type.getDimSize(0), in[0] - crop[0], in[1] - crop[1], type.getDimSize(3)};
  SmallVector<int64_t> offsets(4, 0), strides(4, 1);
  return extractSlice(input, offsets, sizes, strides);
}

Value Importer::buildConv(Value input, const Tensor &w, const Tensor &bias, int64_t group,
                          ArrayRef<int64_t> tpad, ArrayRef<int64_t> stride, ArrayRef<int64_t> dil,
                          ArrayRef<int64_t> nhwcOut) {
  int64_t O = w.shape[0], Ig = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  int64_t C = cast<RankedTensorType>(input.getType()).getDimSize(3);
  auto accType = TypeAttr::get(builder.getF32Type());
  auto slice4 = [&](Value v, int64_t c0, int64_t cn) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> off = {0, 0, 0, c0}, sizes = {t.getDimSize(0), t.getDimSize(1), t.getDimSize(2), cn}, st(4, 1);
    return extractSlice(v, off, sizes, st);
  };
  auto conv = [&](Value in, const Tensor &weights, const Tensor &b, int64_t outC) -> Value {
    // OIHW -> OHWI, at compile time.
    Value wv = constantValue(transpose(weights, {0, 2, 3, 1}));
    std::vector<int64_t> shape(nhwcOut.begin(), nhwcOut.end());
    shape[3] = outC;
    return tosa::Conv2DOp::create(builder, loc, tensorType(shape, kFloat), in, wv, constantValue(b),
                                  builder.getDenseI64ArrayAttr(tpad),
                                  builder.getDenseI64ArrayAttr(stride),
                                  builder.getDenseI64ArrayAttr(dil), accType);
  };
  if (group == 1)
    return conv(input, w, bias, O);
  if (Ig == 1) {
    // Depthwise: out channel c*M + j reads input channel c; TOSA wants weights [KH, KW, C, M].
    int64_t M = O / C;
    Tensor dw(kFloat, {KH, KW, C, M});
    for (int64_t c = 0; c < C; ++c)
      for (int64_t j = 0; j < M; ++j)
        for (int64_t h = 0; h < KH; ++h)
          for (int64_t ww = 0; ww < KW; ++ww)
            dw.data[((h * KW + ww) * C + c) * M + j] = w.data[((c * M + j) * KH + h) * KW + ww];
    return tosa::DepthwiseConv2DOp::create(
        builder, loc, tensorType(nhwcOut, kFloat), input, constantValue(dw), constantValue(bias),
        builder.getDenseI64ArrayAttr(tpad), builder.getDenseI64ArrayAttr(stride),
        builder.getDenseI64ArrayAttr(dil), accType);
  }
  // Grouped: one convolution per group over its channel slice, concatenated.
  int64_t Og = O / group;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Tensor wg(kFloat, {Og, Ig, KH, KW});
    std::copy(w.data.begin() + g * Og * Ig * KH * KW, w.data.begin() + (g + 1) * Og * Ig * KH * KW, wg.data.begin());
    Tensor bg(kFloat, {Og});
    std::copy(bias.data.begin() + g * Og, bias.data.begin() + (g + 1) * Og, bg.data.begin());
    parts.push_back(conv(slice4(input, g * Ig, Ig), wg, bg, Og));
  }
  return tosa::ConcatOp::create(builder, loc, tensorType(nhwcOut, kFloat), parts,
                                builder.getI32IntegerAttr(3));
}

LogicalResult Importer::convOperands(const onnx::NodeProto &n, const char *what, ConvOperands &ops) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  ops.x = *x;
  ops.w = constant(n.input(1));
  if (!ops.w)
    return fail("weights must be constant (an initializer or a foldable subgraph)");
  if (ops.w->rank() != 3 && ops.w->rank() != 4)
    return fail(Twine("only 1-D and 2-D ") + what + " are supported");
  if (x->dtype != kFloat || ops.w->dtype != kFloat)
    return fail("supports float32 only");
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  // A 1-D window is the 2-D one of height 1: weights [A, B, K] -> [A, B, 1, K] (a copy, made
  // only for 1-D kernels, which are small).
  ops.spatialRank = static_cast<int>(ops.w->rank()) - 2;
  if (ops.spatialRank == 1) {
    ops.w1d = *ops.w;
    ops.w1d.shape = asImage(ops.w1d.shape);
    ops.w = &ops.w1d;
  }
  ops.xs = asImage(shapeOf(n.input(0)));
  ops.os = asImage(*oshape);
  if (ops.xs.size() != 4 || ops.os.size() != 4)
    return fail("the input's rank does not fit the weights'");
  ops.bias = Tensor(kFloat, {ops.os[1]});
  if (has(n, 2)) {
    const Tensor *b = constant(n.input(2));
    if (!b)
      return fail("bias must be constant");
    ops.bias = *b;
  }
  return success();
}

/// ConvTranspose as the direct convolution it equals: with the input upsampled by zeros
/// (u[s * i] = x[i], s - 1 zeros between), padded by d * (k - 1) - pad_begin before and
/// d * (k - 1) - pad_end + output_padding after (cropped where negative), and the weights
/// [C, M / g, KH, KW] flipped in space with input and output channels swapped per group,
///   y[o, p] = sum_{c, k} x[c, i] * W[c, o, k] over s * i - pad_begin + d * k = p
///           = sum_{c, k'} u_padded[c, p + d * k'] * W[c, o, K - 1 - k'],
/// a stride-1 convolution with dilation d. The inserted zeros are exact zeros, so after a
/// binarizer the upsampled input is ternary and the layer binary like any conv (the zeros
/// cost MACs: s^2 - 1 of every s^2 products are with a zero).
LogicalResult Importer::onConvTranspose(const onnx::NodeProto &n) {
  ConvOperands ops;
  if (failed(convOperands(n, "transposed convolutions", ops)))
    return failure();
  const Tensor &w = *ops.w;
  const std::vector<int64_t> &xs = ops.xs, &os = ops.os;
  int spatialRank = ops.spatialRank;
  int64_t group = attrInt(n, "group", 1);
  int64_t C = xs[1], Mg = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  if (group < 1 || w.shape[0] != C || C % group != 0)
    return fail("weight shape does not fit the input channels and group count");
  int64_t Cg = C / group, O = Mg * group;
  if (os[1] != O)
    return fail("the output's channel count does not fit the weights");
  std::vector<int64_t> stride = windowAttr(n, "strides", spatialRank, 1);
  std::vector<int64_t> dil = windowAttr(n, "dilations", spatialRank, 1);
  std::vector<int64_t> outPad = windowAttr(n, "output_padding", spatialRank, 0, /*height=*/0);
  if (stride.empty() || dil.empty() || outPad.empty())
    return fail("strides, dilations and output_padding need one value per spatial axis");
  // Pads [begin, end] per axis (H, W): from pads, or split from the total the output size
  // implies (auto_pad, output_shape), as the ONNX spec says.
  std::string autoPad = attrString(n, "auto_pad", "NOTSET");
  bool fromShape = autoPad != "NOTSET" || !attrInts(n, "output_shape").empty();
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER" && autoPad != "VALID")
    return fail("unknown auto_pad '" + autoPad + "'");
  std::vector<int64_t> attrPads;
  if (failed(padsAttr(n, spatialRank, attrPads)))
    return failure();
  int64_t begin[2], end[2], lead[2], trail[2], k[2] = {KH, KW};
  for (int i = 0; i < 2; ++i) {
    int64_t full = stride[i] * (xs[2 + i] - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1;
    int64_t total = full - os[2 + i];
    if (fromShape) {
      // total / 2 rounded down, as ONNX's reference computes it (a negative total too).
      bool upper = autoPad == "SAME_UPPER";
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      begin[i] = upper ? half : total - half;
      end[i] = total - begin[i];
    } else {
      begin[i] = attrPads[i];
      end[i] = attrPads[i + 2];
      if (begin[i] + end[i] != total)
        return fail("pads do not fit the output shape");
    }
    // (A total below 0, an output_shape larger than the full result, adds zero rows: the
    // negative pads below become larger lead and trail paddings.)
    if ((!fromShape && (begin[i] < 0 || end[i] < 0)) || outPad[i] < 0 ||
        outPad[i] >= std::max(stride[i], dil[i]))
      return fail("pads and output_padding must be non-negative, output_padding below the stride or dilation");
    lead[i] = dil[i] * (k[i] - 1) - begin[i];
    trail[i] = dil[i] * (k[i] - 1) - end[i] + outPad[i];
  }
  // The upsampled, padded input (NHWC): zeros, x inserted with the stride, then cropped where a
  // pad was negative.
  Value in = nhwcOrder(ops.x);
  int64_t N = xs[0];
  SmallVector<int64_t> up = {N, 0, 0, C};
  for (int i = 0; i < 2; ++i)
    up[1 + i] = stride[i] * (xs[2 + i] - 1) + 1 + std::max<int64_t>(lead[i], 0) + std::max<int64_t>(trail[i], 0);
  Value zeros = tensor::EmptyOp::create(builder, loc, up, builder.getF32Type());
  zeros = linalg::FillOp::create(builder, loc, f32(0.0f), zeros).getResult(0);
  Value u = tensor::InsertSliceOp::create(
      builder, loc, in, zeros,
      getAsIndexOpFoldResult(&ctx, ArrayRef<int64_t>{0, std::max<int64_t>(lead[0], 0), std::max<int64_t>(lead[1], 0), 0}),
      getAsIndexOpFoldResult(&ctx, ArrayRef<int64_t>{N, xs[2], xs[3], C}),
      getAsIndexOpFoldResult(&ctx, ArrayRef<int64_t>{1, stride[0], stride[1], 1}));
  if (lead[0] < 0 || lead[1] < 0 || trail[0] < 0 || trail[1] < 0) {
    SmallVector<int64_t> off = {0, std::max<int64_t>(-lead[0], 0), std::max<int64_t>(-lead[1], 0), 0};
    SmallVector<int64_t> sizes = {N, stride[0] * (xs[2] - 1) + 1 + lead[0] + trail[0],
                                  stride[1] * (xs[3] - 1) + 1 + lead[1] + trail[1], C};
    u = extractSlice(u, off, sizes, {1, 1, 1, 1});
  }
  // Equivalent conv weights [O, Cg, KH, KW]: per group, flipped, channels swapped.
  Tensor wc(kFloat, {O, Cg, KH, KW});
  for (int64_t g = 0; g < group; ++g)
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t m = 0; m < Mg; ++m)
        for (int64_t h = 0; h < KH; ++h)
          for (int64_t v = 0; v < KW; ++v)
            wc.data[(((g * Mg + m) * Cg + c) * KH + h) * KW + v] =
                w.data[(((g * Cg + c) * Mg + m) * KH + (KH - 1 - h)) * KW + (KW - 1 - v)];
  Value result = buildConv(u, wc, ops.bias, group, {0, 0, 0, 0}, {1, 1}, dil, permute(os, kToNHWC));
  setOutput(n, 0, result, true, kFloat);
  return success();
}

LogicalResult Importer::convolution(const onnx::NodeProto &n) {
  ConvOperands ops;
  if (failed(convOperands(n, "convolutions", ops)))
    return failure();
  const Tensor *w = ops.w;
  const std::vector<int64_t> &xs = ops.xs, &os = ops.os;
  int spatialRank = ops.spatialRank;
  int64_t group = attrInt(n, "group", 1);
  int64_t O = w->shape[0], Ig = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  int64_t C = xs[1];
  if (group < 1 || Ig * group != C || O % group != 0)
    return fail("weight shape does not fit the input channels and group count");
  std::vector<int64_t> stride = windowAttr(n, "strides", spatialRank, 1);
  std::vector<int64_t> dil = windowAttr(n, "dilations", spatialRank, 1);
  if (stride.empty() || dil.empty())
    return fail("strides and dilations need one value per spatial axis");
  std::vector<int64_t> out = {os[2], os[3]};
  std::vector<int64_t> pads;
  if (failed(spatialPads(n, spatialRank, {xs[2], xs[3]}, {KH, KW}, stride, dil, out, pads)))
    return failure();
  Value input = fitSpatial(nhwcOrder(ops.x), pads, {KH, KW}, stride, dil, out);
  // TOSA pad order is [top, bottom, left, right]; ONNX's is [top, left, bottom, right].
  SmallVector<int64_t> tpad = {pads[0], pads[2], pads[1], pads[3]};
  Value result = buildConv(input, *w, ops.bias, group, tpad, stride, dil, permute(os, kToNHWC));
  setOutput(n, 0, result, true, kFloat);
  return success();
}

LogicalResult Importer::pool(const onnx::NodeProto &n, bool isMax) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  if (xs.size() != 3 && xs.size() != 4)
    return fail("only 1-D and 2-D pooling is supported");
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  if (n.output_size() > 1 && !n.output(1).empty())
    return fail("the Indices output of MaxPool is not supported");
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  // 1-D pooling is the 2-D one of height 1.
  int spatialRank = static_cast<int>(xs.size()) - 2;
  xs = asImage(xs);
  std::vector<int64_t> os = asImage(*oshape);
  std::vector<int64_t> k = windowAttr(n, "kernel_shape", spatialRank, 0);
  std::vector<int64_t> stride = windowAttr(n, "strides", spatialRank, 1);
  std::vector<int64_t> dil = windowAttr(n, "dilations", spatialRank, 1);
  if (k.empty() || attrInts(n, "kernel_shape").empty())
    return fail("expects a " + std::to_string(spatialRank) + "-D kernel_shape");
  if (stride.empty() || dil.empty())
    return fail("strides and dilations need one value per spatial axis");
  if (dil[0] != 1 || dil[1] != 1)
    return fail("pooling with dilations is not supported");
  std::vector<int64_t> out = {os[2], os[3]};
  std::vector<int64_t> pads;
  if (failed(spatialPads(n, spatialRank, {xs[2], xs[3]}, k, stride, dil, out, pads)))
    return failure();
  std::vector<int64_t> origPads = pads;
  Value input = nhwcOrder(*x);
  bool countPad = !isMax && attrInt(n, "count_include_pad", 0) != 0;
  if (countPad && (pads[0] || pads[1] || pads[2] || pads[3])) {
    // count_include_pad: the zeros count in the divisor, so pad explicitly and pool without pads.
    // Windows that reach past the padding (ceil_mode) still divide by the in-bounds count.
    auto t = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> low = {0, pads[0], pads[1], 0}, high = {0, pads[2], pads[3], 0};
    SmallVector<int64_t> shape = {t.getDimSize(0), t.getDimSize(1) + pads[0] + pads[2],
                                  t.getDimSize(2) + pads[1] + pads[3], t.getDimSize(3)};
    input = padValue(input, RankedTensorType::get(shape, t.getElementType()), low, high, f32(0.0));
    pads.assign(4, 0);
  }
  input = fitSpatial(input, pads, k, stride, dil, out);
  SmallVector<int64_t> tpad = {pads[0], pads[2], pads[1], pads[3]};
  for (int i = 0; i < 4; ++i)
    if (tpad[i] >= k[i / 2])
      return fail("a pad as large as the kernel is not supported");
  std::vector<int64_t> nhwcOut = permute(os, kToNHWC);
  Value result;
  if (isMax)
    result = tosa::MaxPool2dOp::create(builder, loc, tensorType(nhwcOut, kFloat), input,
                                       builder.getDenseI64ArrayAttr(k),
                                       builder.getDenseI64ArrayAttr(stride),
                                       builder.getDenseI64ArrayAttr(tpad));
  else
    result = tosa::AvgPool2dOp::create(builder, loc, tensorType(nhwcOut, kFloat), input,
                                       builder.getDenseI64ArrayAttr(k),
                                       builder.getDenseI64ArrayAttr(stride),
                                       builder.getDenseI64ArrayAttr(tpad),
                                       TypeAttr::get(builder.getF32Type()));
  setOutput(n, 0, result, true, kFloat);
  return success();
}

Value Importer::reduceAxes(Value v, ArrayRef<int64_t> axes, Reduction kind) {
  for (int64_t a : axes) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(t.getShape());
    shape[a] = 1;
    auto rt = RankedTensorType::get(shape, t.getElementType());
    auto axis = builder.getI32IntegerAttr(static_cast<int32_t>(a));
    switch (kind) {
    case Reduction::Max: v = tosa::ReduceMaxOp::create(builder, loc, rt, v, axis); break;
    case Reduction::Min: v = tosa::ReduceMinOp::create(builder, loc, rt, v, axis); break;
    case Reduction::Sum: v = tosa::ReduceSumOp::create(builder, loc, rt, v, axis); break;
    }
  }
  return v;
}

LogicalResult Importer::onGlobalPool(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  if (xs.size() != 3 && xs.size() != 4)
    return fail("only 3-D and 4-D inputs are supported");
  xs = asImage(xs);
  bool isMax = n.op_type() == "GlobalMaxPool";
  Value v = reduceAxes(nhwcOrder(*x), {1, 2}, isMax ? Reduction::Max : Reduction::Sum);
  if (!isMax) {
    float inv = 1.0f / static_cast<float>(xs[2] * xs[3]);
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    v = elementwise({v}, shape, builder.getF32Type(), [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::MulFOp::create(b, l, a[0], arith::ConstantOp::create(b, l, b.getF32FloatAttr(inv)));
    });
  }
  setOutput(n, 0, v, true, kFloat);
  return success();
}

LogicalResult Importer::onBatchNorm(const onnx::NodeProto &n) {
  if (attrInt(n, "training_mode", 0) != 0)
    return fail("training mode is not supported");
  if (n.output_size() > 1)
    return fail("the running statistics outputs (training) are not supported");
  const Tensor *g = constant(n.input(1)), *b = constant(n.input(2)), *m = constant(n.input(3)),
               *v = constant(n.input(4));
  if (!g || !b || !m || !v)
    return fail("scale, bias, mean and variance must be constant");
  std::vector<int64_t> xs = shapeOf(n.input(0));
  if (xs.size() < 2)
    return fail("expects an input of rank 2 or more");
  int64_t C = xs[1];
  if (g->numel() != C || b->numel() != C || m->numel() != C || v->numel() != C)
    return fail("parameter sizes do not match the channel count");
  float eps = attrFloat(n, "epsilon", 1e-5f);
  // y = (x - mean) / sqrt(var + eps) * gamma + beta = x * s + t, with s, t folded here.
  std::vector<int64_t> pshape(xs.size(), 1);
  pshape[1] = C;
  Tensor s(kFloat, pshape), t(kFloat, pshape);
  for (int64_t c = 0; c < C; ++c) {
    float sc = static_cast<float>(g->data[c]) / std::sqrt(static_cast<float>(v->data[c]) + eps);
    s.data[c] = sc;
    t.data[c] = static_cast<float>(static_cast<float>(b->data[c]) - static_cast<float>(m->data[c]) * sc);
  }
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  // Images (and 1-D images already held as such) are normalized in NHWC, channels innermost.
  bool image = xs.size() == 4 || (xs.size() == 3 && x->line);
  Value in = image ? nhwcOrder(*x) : onnxOrder(*x);
  std::vector<int64_t> shape = image ? permute(asImage(xs), kToNHWC) : xs;
  if (image) {
    s = channelsLast(s);
    t = channelsLast(t);
  }
  Value r = elementwise({in, constantValue(s), constantValue(t)}, shape, builder.getF32Type(),
                        [](OpBuilder &b, Location l, ValueRange a) -> Value {
                          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, a[0], a[1]), a[2]);
                        });
  setOutput(n, 0, r, image, kFloat);
  return success();
}

LogicalResult Importer::onGemm(const onnx::NodeProto &n) {
  auto a = get(n.input(0));
  if (failed(a))
    return failure();
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  float alpha = attrFloat(n, "alpha", 1.0f), beta = attrFloat(n, "beta", 1.0f);
  bool transA = attrInt(n, "transA", 0), transB = attrInt(n, "transB", 0);
  // A flattened NHWC input keeps its order when B is constant: B's rows are permuted instead.
  const Tensor *bConst = constant(n.input(1));
  bool flatA = !a->flat.empty() && !transA && bConst;
  Value av = flatA ? a->value : onnxOrder(*a);
  if (a->dtype != kFloat || dtypeOf(n.input(1)) != kFloat)
    return fail("supports float32 only");
  if (cast<RankedTensorType>(av.getType()).getRank() != 2 || oshape->size() != 2)
    return fail("A and the result must be matrices");
  if (transA)
    av = transposeValue(av, {1, 0});
  int64_t M = (*oshape)[0], N = (*oshape)[1];
  int64_t K = cast<RankedTensorType>(av.getType()).getDimSize(1);
  if (cast<RankedTensorType>(av.getType()).getDimSize(0) != M)
    return fail("A's shape does not fit the result's");
  Value bv;
  if (const Tensor *bt = constant(n.input(1))) {
    // B' = alpha * op(B), [K, N], at compile time.
    if (bt->rank() != 2)
      return fail("B must be a matrix");
    Tensor b2 = transB ? transpose(*bt, {1, 0}) : *bt;
    if (b2.shape[0] != K || b2.shape[1] != N)
      return fail("B's shape " + shapeText(bt->shape) + " does not fit A's and the result's");
    if (flatA)
      b2 = transpose(permuteFlat(transpose(b2, {1, 0}), a->flat), {1, 0});
    for (double &d : b2.data)
      d = b2.cast(d * alpha);
    alpha = 1.0f;
    b2.shape = {1, K, N};
    bv = constantValue(b2);
  } else {
    auto b = get(n.input(1));
    if (failed(b))
      return failure();
    bv = onnxOrder(*b);
    if (cast<RankedTensorType>(bv.getType()).getRank() != 2)
      return fail("B must be a matrix");
    if (transB)
      bv = transposeValue(bv, {1, 0});
    auto bType = cast<RankedTensorType>(bv.getType());
    if (bType.getDimSize(0) != K || bType.getDimSize(1) != N)
      return fail("B's shape " + shapeText(bType.getShape()) + " does not fit A's and the result's");
    bv = reshapeValue(bv, {1, K, N});
  }
  Value mm = tosa::MatMulOp::create(builder, loc, tensorType({1, M, N}, kFloat),
                                    reshapeValue(av, {1, M, K}), bv);
  Value r = reshapeValue(mm, {M, N});
  SmallVector<Value> ops = {r};
  bool hasC = has(n, 2);
  if (hasC) {
    if (const Tensor *c = constant(n.input(2))) {
      Tensor c2 = *c;
      for (double &d : c2.data)
        d = c2.cast(d * beta);
      beta = 1.0f;
      ops.push_back(constantValue(c2));
    } else {
      auto cv = get(n.input(2));
      if (failed(cv))
        return failure();
      ops.push_back(onnxOrder(*cv));
    }
  }
  if (alpha != 1.0f || hasC) {
    if (failed(checkBroadcast(ops, {M, N})))
      return failure();
    r = elementwise(ops, {M, N}, builder.getF32Type(), [&](OpBuilder &b, Location l, ValueRange v) -> Value {
      Value acc = v[0];
      if (alpha != 1.0f)
        acc = arith::MulFOp::create(b, l, acc, arith::ConstantOp::create(b, l, b.getF32FloatAttr(alpha)));
      if (v.size() > 1) {
        Value c = v[1];
        if (beta != 1.0f)
          c = arith::MulFOp::create(b, l, c, arith::ConstantOp::create(b, l, b.getF32FloatAttr(beta)));
        acc = arith::AddFOp::create(b, l, acc, c);
      }
      return acc;
    });
  }
  setOutput(n, 0, r, false, kFloat);
  return success();
}

LogicalResult Importer::onMatMul(const onnx::NodeProto &n) {
  auto a = get(n.input(0)), b = get(n.input(1));
  if (failed(a) || failed(b))
    return failure();
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  if (a->dtype != kFloat || b->dtype != kFloat)
    return fail("supports float32 only");
  std::vector<int64_t> as = shapeOf(n.input(0)), bs = shapeOf(n.input(1));
  if (as.empty() || bs.empty())
    return fail("operands must have rank 1 or more");
  // numpy matmul: 1-D operands gain a unit axis (removed again from the result).
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
  int64_t batchA = 1, batchB = 1;
  for (size_t i = 0; i + 2 < as.size(); ++i)
    batchA *= as[i];
  for (size_t i = 0; i + 2 < bs.size(); ++i)
    batchB *= bs[i];
  Value av = onnxOrder(*a), bv = onnxOrder(*b);
  const Tensor *bConst = constant(n.input(1));
  if (as.back() != bs[bs.size() - 2])
    return fail("the operands' shapes " + shapeText(as) + " and " + shapeText(bs) +
                " do not fit (inner dimensions differ)");
  if (!a->flat.empty() && bConst && bConst->rank() == 2) {
    // Flattened NHWC rows: permute B's rows (the reduction axis) instead of transposing A.
    av = a->value;
    bv = constantValue(transpose(permuteFlat(transpose(*bConst, {1, 0}), a->flat), {1, 0}));
  }
  Value mm;
  if (batchB == 1) {
    // [batch*M, K] x [K, N]: the batch folds into the rows.
    mm = tosa::MatMulOp::create(builder, loc, tensorType({1, batchA * M, N}, kFloat),
                                reshapeValue(av, {1, batchA * M, K}), reshapeValue(bv, {1, K, N}));
  } else if (batchA == batchB) {
    std::vector<int64_t> ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
    if (ab != bb)
      return fail("batch dimensions that broadcast are not supported");
    mm = tosa::MatMulOp::create(builder, loc, tensorType({batchA, M, N}, kFloat),
                                reshapeValue(av, {batchA, M, K}), reshapeValue(bv, {batchA, K, N}));
  } else {
    return fail("batch dimensions that broadcast are not supported");
  }
  setOutput(n, 0, reshapeValue(mm, *oshape), false, kFloat);
  return success();
}

LogicalResult Importer::onUnary(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (op == "Sign") {
    if (x->dtype != kFloat)
      return fail("supports float32 only");
    Value v = bnn::SignOp::create(builder, loc, x->value);
    values[n.output(0)] = sameLayout(*x, v, kFloat);
    return success();
  }
  // The attribute defaults of ONNX's operator schemas.
  float alphaDefault = op == "LeakyRelu"     ? 0.01f
                       : op == "HardSigmoid" ? 0.2f
                       : op == "Selu"        ? 1.67326319217681884765625f
                       : op == "HardSwish"   ? 1.0f / 6.0f
                                             : 1.0f; // Elu, Celu, ThresholdedRelu
  float alpha = attrFloat(n, "alpha", alphaDefault);
  float beta = attrFloat(n, "beta", 0.5f);
  float gamma = attrFloat(n, "gamma", 1.05070102214813232421875f);
  return floatElementwise(n, {0}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value x = a[0];
    auto c = [&](float v) -> Value { return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v)); };
    auto mul = [&](Value u, Value v) -> Value { return arith::MulFOp::create(b, l, u, v); };
    auto add = [&](Value u, Value v) -> Value { return arith::AddFOp::create(b, l, u, v); };
    auto lt0 = [&](Value v) -> Value {
      return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, c(0.0f));
    };
    // softplus(v) = log(1 + e^v) = max(v, 0) + log1p(e^-|v|): no overflow for large v.
    auto softplus = [&](Value v) -> Value {
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, math::AbsFOp::create(b, l, v)));
      return add(arith::MaximumFOp::create(b, l, v, c(0.0f)), math::Log1pOp::create(b, l, e));
    };
    if (op == "Relu")
      return arith::MaximumFOp::create(b, l, x, c(0.0f));
    if (op == "LeakyRelu") {
      Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, c(0.0f));
      return arith::SelectOp::create(b, l, neg, arith::MulFOp::create(b, l, x, c(alpha)), x);
    }
    if (op == "Sigmoid") {
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
      return arith::DivFOp::create(b, l, c(1.0f), arith::AddFOp::create(b, l, c(1.0f), e));
    }
    if (op == "Tanh")
      return math::TanhOp::create(b, l, x);
    if (op == "HardSigmoid") {
      Value v = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, x, c(alpha)), c(beta));
      return arith::MinimumFOp::create(b, l, arith::MaximumFOp::create(b, l, v, c(0.0f)), c(1.0f));
    }
    if (op == "Abs")
      return math::AbsFOp::create(b, l, x);
    if (op == "Neg")
      return arith::NegFOp::create(b, l, x);
    if (op == "Sqrt")
      return math::SqrtOp::create(b, l, x);
    if (op == "Exp")
      return math::ExpOp::create(b, l, x);
    if (op == "Log")
      return math::LogOp::create(b, l, x);
    if (op == "Erf")
      return math::ErfOp::create(b, l, x);
    if (op == "Reciprocal")
      return arith::DivFOp::create(b, l, c(1.0f), x);
    if (op == "Floor")
      return math::FloorOp::create(b, l, x);
    if (op == "Ceil")
      return math::CeilOp::create(b, l, x);
    if (op == "Sin")
      return math::SinOp::create(b, l, x);
    if (op == "Cos")
      return math::CosOp::create(b, l, x);
    if (op == "Softplus")
      return softplus(x);
    if (op == "Softsign")
      return arith::DivFOp::create(b, l, x, add(c(1.0f), math::AbsFOp::create(b, l, x)));
    if (op == "Elu" || op == "Selu") {
      // Elu: x < 0 ? alpha * (e^x - 1) : x. Selu: gamma * (x <= 0 ? alpha * (e^x - 1) : x);
      // at x = 0 both branches give 0, so one comparison serves both.
      Value neg = mul(c(alpha), math::ExpM1Op::create(b, l, x));
      Value v = arith::SelectOp::create(b, l, lt0(x), neg, x);
      return op == "Selu" ? mul(c(gamma), v) : v;
    }
    if (op == "Celu") { // max(0, x) + min(0, alpha * (e^(x / alpha) - 1))
      Value e = mul(c(alpha), math::ExpM1Op::create(b, l, arith::DivFOp::create(b, l, x, c(alpha))));
      return add(arith::MaximumFOp::create(b, l, x, c(0.0f)), arith::MinimumFOp::create(b, l, e, c(0.0f)));
    }
    if (op == "ThresholdedRelu") {
      Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, c(alpha));
      return arith::SelectOp::create(b, l, above, x, c(0.0f));
    }
    if (op == "HardSwish") { // x * max(0, min(1, alpha * x + beta)), alpha = 1/6, beta = 1/2
      Value v = add(mul(x, c(alpha)), c(0.5f));
      return mul(x, arith::MinimumFOp::create(b, l, arith::MaximumFOp::create(b, l, v, c(0.0f)), c(1.0f)));
    }
    // Round: half to even, as ONNX specifies.
    return math::RoundEvenOp::create(b, l, x);
  });
}

/// Expand: the input broadcast (numpy rules) to the shape ONNX's inference gives the result,
/// broadcast(input shape, the `shape` operand), which must be constant: a copy in one
/// element-wise op whose indexing map repeats the broadcast axes.
LogicalResult Importer::onExpand(const onnx::NodeProto &n) {
  if (!has(n, 1) || !constant(n.input(1)))
    return fail("the target shape must be constant");
  SmallVector<Value> ops;
  std::vector<int64_t> shape;
  bool nhwc;
  if (failed(alignOperands(n, {0}, ops, shape, nhwc)))
    return failure();
  Type et = cast<RankedTensorType>(ops[0].getType()).getElementType();
  Value r = elementwise(ops, shape, et, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  setOutput(n, 0, r, nhwc, dtypeOf(n.input(0)), flatOut);
  return success();
}

/// Max, Min, Sum and Mean of one or more broadcast operands, combined left to right in one
/// element-wise op: Max/Min by arith.maximumf/minimumf (a NaN operand gives NaN, as numpy's
/// maximum in ONNX's reference) or the signed/unsigned integer forms; Mean is the float sum
/// divided by the operand count.
LogicalResult Importer::onVariadic(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  if (n.input_size() < 1)
    return fail("needs at least one operand");
  std::vector<int> positions;
  for (int i = 0; i < n.input_size(); ++i)
    positions.push_back(i);
  SmallVector<Value> ops;
  std::vector<int64_t> shape;
  bool nhwc;
  if (failed(alignOperands(n, positions, ops, shape, nhwc)))
    return failure();
  Type et = cast<RankedTensorType>(ops[0].getType()).getElementType();
  for (Value v : ops)
    if (cast<RankedTensorType>(v.getType()).getElementType() != et)
      return fail("operands have different element types");
  bool isFloat = isa<FloatType>(et);
  if (!isFloat && op == "Mean")
    return fail("integer Mean is not supported");
  int32_t dtype = dtypeOf(n.input(0));
  bool isUnsigned = dtype == kUInt8 || dtype == kBool;
  Value r = elementwise(ops, shape, et, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value acc = a[0];
    for (Value v : a.drop_front()) {
      if (op == "Max")
        acc = isFloat ? (Value)arith::MaximumFOp::create(b, l, acc, v)
                      : isUnsigned ? (Value)arith::MaxUIOp::create(b, l, acc, v)
                                   : (Value)arith::MaxSIOp::create(b, l, acc, v);
      else if (op == "Min")
        acc = isFloat ? (Value)arith::MinimumFOp::create(b, l, acc, v)
                      : isUnsigned ? (Value)arith::MinUIOp::create(b, l, acc, v)
                                   : (Value)arith::MinSIOp::create(b, l, acc, v);
      else
        acc = isFloat ? (Value)arith::AddFOp::create(b, l, acc, v)
                      : (Value)arith::AddIOp::create(b, l, acc, v);
    }
    if (op == "Mean")
      acc = arith::DivFOp::create(
          b, l, acc, arith::ConstantOp::create(b, l, b.getFloatAttr(et, static_cast<double>(a.size()))));
    return acc;
  });
  setOutput(n, 0, r, nhwc, dtype, flatOut);
  return success();
}

LogicalResult Importer::onBinary(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  SmallVector<Value> ops;
  std::vector<int64_t> shape;
  bool nhwc;
  if (failed(alignOperands(n, {0, 1}, ops, shape, nhwc)))
    return failure();
  Type et = cast<RankedTensorType>(ops[0].getType()).getElementType();
  Type et1 = cast<RankedTensorType>(ops[1].getType()).getElementType();
  bool isFloat = isa<FloatType>(et);
  int32_t dtype = dtypeOf(n.input(0)), dtype1 = dtypeOf(n.input(1));
  // Pow is the one op whose operands may differ in type (float base, integer exponent).
  if (et != et1 && !(op == "Pow" && isFloat))
    return fail("operands have different element types");
  if (!isFloat && op == "Pow")
    return fail("integer Pow is not supported");
  bool isUnsigned = dtype == kUInt8;
  bool exponentUnsigned = dtype1 == kUInt8 || dtype1 == kBool;
  Value r = elementwise(ops, shape, et, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    if (isFloat) {
      if (op == "Add") return arith::AddFOp::create(b, l, a[0], a[1]);
      if (op == "Sub") return arith::SubFOp::create(b, l, a[0], a[1]);
      if (op == "Mul") return arith::MulFOp::create(b, l, a[0], a[1]);
      if (op == "Div") return arith::DivFOp::create(b, l, a[0], a[1]);
      Value e = a[1];
      if (e.getType() != et) {
        if (isa<FloatType>(e.getType()))
          e = e.getType().getIntOrFloatBitWidth() < et.getIntOrFloatBitWidth()
                  ? (Value)arith::ExtFOp::create(b, l, et, e)
                  : (Value)arith::TruncFOp::create(b, l, et, e);
        else
          e = exponentUnsigned ? (Value)arith::UIToFPOp::create(b, l, et, e)
                               : (Value)arith::SIToFPOp::create(b, l, et, e);
      }
      return math::PowFOp::create(b, l, a[0], e);
    }
    // Two's complement add, sub and mul give the same bits signed or unsigned; Div does not.
    if (op == "Add") return arith::AddIOp::create(b, l, a[0], a[1]);
    if (op == "Sub") return arith::SubIOp::create(b, l, a[0], a[1]);
    if (op == "Mul") return arith::MulIOp::create(b, l, a[0], a[1]);
    return isUnsigned ? (Value)arith::DivUIOp::create(b, l, a[0], a[1])
                      : (Value)arith::DivSIOp::create(b, l, a[0], a[1]);
  });
  setOutput(n, 0, r, nhwc, dtype, flatOut);
  return success();
}

LogicalResult Importer::onCompare(const onnx::NodeProto &n) {
  const std::string &op = n.op_type();
  SmallVector<Value> ops;
  std::vector<int64_t> shape;
  bool nhwc;
  if (failed(alignOperands(n, {0, 1}, ops, shape, nhwc)))
    return failure();
  Type et = cast<RankedTensorType>(ops[0].getType()).getElementType();
  bool isFloat = isa<FloatType>(et);
  bool isUnsigned = dtypeOf(n.input(0)) == kUInt8 || dtypeOf(n.input(0)) == kBool;
  Value r = elementwise(ops, shape, builder.getI1Type(), [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    if (isFloat) {
      auto p = op == "Greater" ? arith::CmpFPredicate::OGT
               : op == "GreaterOrEqual" ? arith::CmpFPredicate::OGE
               : op == "Less" ? arith::CmpFPredicate::OLT
               : op == "LessOrEqual" ? arith::CmpFPredicate::OLE
                                     : arith::CmpFPredicate::OEQ;
      return arith::CmpFOp::create(b, l, p, a[0], a[1]);
    }
    auto p = op == "Greater" ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
             : op == "GreaterOrEqual" ? (isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
             : op == "Less" ? (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
             : op == "LessOrEqual" ? (isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
                                   : arith::CmpIPredicate::eq;
    return arith::CmpIOp::create(b, l, p, a[0], a[1]);
  });
  setOutput(n, 0, r, nhwc, kBool, flatOut);
  return success();
}

LogicalResult Importer::onWhere(const onnx::NodeProto &n) {
  SmallVector<Value> ops;
  std::vector<int64_t> shape;
  bool nhwc;
  if (failed(alignOperands(n, {0, 1, 2}, ops, shape, nhwc)))
    return failure();
  Type et = cast<RankedTensorType>(ops[1].getType()).getElementType();
  Value r = elementwise(ops, shape, et, [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
  });
  setOutput(n, 0, r, nhwc, dtypeOf(n.input(1)), flatOut);
  return success();
}

LogicalResult Importer::onPRelu(const onnx::NodeProto &n) {
  return floatElementwise(n, {0, 1}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value zero = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f));
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0], zero);
    return arith::SelectOp::create(b, l, neg, arith::MulFOp::create(b, l, a[0], a[1]), a[0]);
  });
}

LogicalResult Importer::onClip(const onnx::NodeProto &n) {
  float lo = -INFINITY, hi = INFINITY;
  for (int i = 1; i <= 2; ++i) {
    if (!has(n, i))
      continue;
    const Tensor *t = constant(n.input(i));
    if (!t || t->numel() != 1)
      return fail("min and max must be constant scalars");
    (i == 1 ? lo : hi) = static_cast<float>(t->data[0]);
  }
  return floatElementwise(n, {0}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value v = a[0];
    // ONNX Clip is max then min; NaN passes through (maxnumf/minnumf would drop it).
    if (lo != -INFINITY) {
      Value c = arith::ConstantOp::create(b, l, b.getF32FloatAttr(lo));
      Value below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, c);
      v = arith::SelectOp::create(b, l, below, c, v);
    }
    if (hi != INFINITY) {
      Value c = arith::ConstantOp::create(b, l, b.getF32FloatAttr(hi));
      Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, c);
      v = arith::SelectOp::create(b, l, above, c, v);
    }
    return v;
  });
}

LogicalResult Importer::onCast(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  int32_t to = static_cast<int32_t>(attrInt(n, "to", kFloat));
  Type dst = elementType(to);
  if (!dst)
    return fail(Twine("Cast to ") + dtypeName(to) + " is not supported");
  int32_t from = x->dtype;
  Type src = elementType(from);
  auto shape = cast<RankedTensorType>(x->value.getType()).getShape();
  bool srcUnsigned = from == kUInt8 || from == kBool, dstUnsigned = to == kUInt8 || to == kBool;
  Value r = elementwise({x->value}, shape, dst, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value v = a[0];
    if (src == dst)
      return v;
    bool sf = isa<FloatType>(src), df = isa<FloatType>(dst);
    if (to == kBool) {
      // Non-zero -> true.
      if (sf)
        return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, v,
                                     arith::ConstantOp::create(b, l, b.getFloatAttr(src, 0.0)));
      return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, v,
                                   arith::ConstantOp::create(b, l, b.getIntegerAttr(src, 0)));
    }
    if (sf && df)
      return src.getIntOrFloatBitWidth() < dst.getIntOrFloatBitWidth()
                 ? (Value)arith::ExtFOp::create(b, l, dst, v)
                 : (Value)arith::TruncFOp::create(b, l, dst, v);
    if (sf) // float -> int truncates toward zero
      return dstUnsigned ? (Value)arith::FPToUIOp::create(b, l, dst, v) : (Value)arith::FPToSIOp::create(b, l, dst, v);
    if (df)
      return srcUnsigned ? (Value)arith::UIToFPOp::create(b, l, dst, v) : (Value)arith::SIToFPOp::create(b, l, dst, v);
    unsigned sw = src.getIntOrFloatBitWidth(), dw = dst.getIntOrFloatBitWidth();
    if (sw == dw)
      return v;
    if (sw > dw)
      return arith::TruncIOp::create(b, l, dst, v);
    return srcUnsigned ? (Value)arith::ExtUIOp::create(b, l, dst, v) : (Value)arith::ExtSIOp::create(b, l, dst, v);
  });
  values[n.output(0)] = sameLayout(*x, r, to);
  return success();
}

LogicalResult Importer::onReshapeLike(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  Value v;
  std::vector<int64_t> xs = shapeOf(n.input(0));
  auto image = x->nhwc ? cast<RankedTensorType>(x->value.getType()).getShape() : ArrayRef<int64_t>();
  if (x->nhwc && image[1] == 1 && image[2] == 1) {
    // [N, C, 1, 1] (or [N, C, 1]) has the same element order in NHWC: no transpose needed.
    v = x->value;
  } else if (x->nhwc && oshape->size() == 2 && (*oshape)[0] == xs[0]) {
    // Flatten of an image: keep NHWC element order; consumers permute their constants.
    setOutput(n, 0, reshapeValue(x->value, {image[0], image[1] * image[2] * image[3]}), false,
              x->dtype, {image[1], image[2], image[3]});
    return success();
  } else {
    v = onnxOrder(*x);
  }
  setOutput(n, 0, reshapeValue(v, *oshape), false, x->dtype);
  return success();
}

LogicalResult Importer::onTranspose(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  std::vector<int64_t> perm = attrInts(n, "perm");
  if (perm.empty())
    for (int64_t i = static_cast<int64_t>(xs.size()) - 1; i >= 0; --i)
      perm.push_back(i);
  setOutput(n, 0, transposeValue(onnxOrder(*x), perm), false, x->dtype);
  return success();
}

LogicalResult Importer::onConcat(const onnx::NodeProto &n) {
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  int64_t rank = static_cast<int64_t>(oshape->size());
  int64_t axis = normAxis(attrInt(n, "axis", 0), rank);
  if (axis < 0 || axis >= rank)
    return fail("axis is outside the output's rank " + std::to_string(rank));
  SmallVector<TV> tvs;
  bool allNhwc = true;
  for (int i = 0; i < n.input_size(); ++i) {
    auto tv = get(n.input(i));
    if (failed(tv))
      return failure();
    tvs.push_back(*tv);
    allNhwc &= tv->nhwc;
  }
  SmallVector<Value> vs;
  for (const TV &tv : tvs)
    vs.push_back(allNhwc ? tv.value : onnxOrder(tv));
  std::vector<int64_t> shape = *oshape;
  if (allNhwc) {
    // NCHW axis a is NHWC axis position of a in kToNHWC; a 1-D image's axis 2 (L) is W.
    if (rank == 3 && axis == 2)
      axis = 3;
    axis = std::find(kToNHWC.begin(), kToNHWC.end(), axis) - kToNHWC.begin();
    shape = permute(asImage(shape), kToNHWC);
  }
  Value r = tosa::ConcatOp::create(builder, loc, tensorType(shape, tvs[0].dtype), vs,
                                   builder.getI32IntegerAttr(static_cast<int32_t>(axis)));
  setOutput(n, 0, r, allNhwc, tvs[0].dtype);
  return success();
}

LogicalResult Importer::onSplit(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t axis = normAxis(attrInt(n, "axis", 0), static_cast<int64_t>(xs.size()));
  if (axis < 0 || axis >= static_cast<int64_t>(xs.size()))
    return fail("axis is outside the input's rank " + std::to_string(xs.size()));
  Value v = onnxOrder(*x);
  int64_t offset = 0;
  for (int i = 0; i < n.output_size(); ++i) {
    auto os = outShape(n, i);
    if (failed(os))
      return failure();
    // Each part has the input's shape but along the axis, and the parts fit in the input.
    bool fits = os->size() == xs.size() && (*os)[axis] >= 0 && offset + (*os)[axis] <= xs[axis];
    for (size_t d = 0; fits && d < xs.size(); ++d)
      fits = static_cast<int64_t>(d) == axis || (*os)[d] == xs[d];
    if (!fits)
      return fail("output " + std::to_string(i) + " of shape " + shapeText(*os) +
                  " is not a part of the input of shape " + shapeText(xs) + " along axis " +
                  std::to_string(axis));
    SmallVector<int64_t> off(xs.size(), 0), strides(xs.size(), 1);
    off[axis] = offset;
    offset += (*os)[axis];
    Value part = extractSlice(v, off, *os, strides);
    setOutput(n, i, part, false, x->dtype);
  }
  return success();
}

LogicalResult Importer::onSlice(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t rank = static_cast<int64_t>(xs.size());
  auto ints = [&](int i) -> FailureOr<std::vector<int64_t>> {
    if (!has(n, i))
      return std::vector<int64_t>{};
    const Tensor *t = constant(n.input(i));
    if (!t)
      return fail("starts, ends, axes and steps must be constant");
    return t->toInts();
  };
  auto starts = ints(1), ends = ints(2), axes = ints(3), steps = ints(4);
  if (failed(starts) || failed(ends) || failed(axes) || failed(steps))
    return failure();
  if (axes->empty())
    for (size_t i = 0; i < starts->size(); ++i)
      axes->push_back(static_cast<int64_t>(i));
  if (steps->empty())
    steps->assign(starts->size(), 1);
  SmallVector<int64_t> off(rank, 0), sizes(xs.begin(), xs.end()), strides(rank, 1);
  for (size_t k = 0; k < axes->size(); ++k) {
    int64_t a = normAxis((*axes)[k], rank);
    if (a < 0 || a >= rank)
      return fail("axes must lie within the input's rank " + std::to_string(rank));
    int64_t d = xs[a], s = (*steps)[k];
    if (s <= 0)
      return fail("Slice with a negative or zero step is not supported");
    int64_t b = (*starts)[k] < 0 ? (*starts)[k] + d : (*starts)[k];
    int64_t e = (*ends)[k] < 0 ? (*ends)[k] + d : (*ends)[k];
    b = std::clamp<int64_t>(b, 0, d);
    e = std::clamp<int64_t>(e, 0, d);
    off[a] = b;
    sizes[a] = e > b ? (e - b + s - 1) / s : 0;
    strides[a] = s;
  }
  Value r = extractSlice(onnxOrder(*x), off, sizes, strides);
  setOutput(n, 0, r, false, x->dtype);
  return success();
}

LogicalResult Importer::onPad(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::string mode = attrString(n, "mode", "constant");
  if (mode != "constant")
    return fail("pad mode '" + mode + "' is not supported");
  const Tensor *p = has(n, 1) ? constant(n.input(1)) : nullptr;
  if (!p)
    return fail("pads must be constant");
  if (has(n, 3))
    return fail("the axes input is not supported");
  float value = 0.0f;
  if (has(n, 2)) {
    const Tensor *c = constant(n.input(2));
    if (!c)
      return fail("constant_value must be constant");
    if (c->numel())
      value = static_cast<float>(c->data[0]);
  }
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  std::vector<int64_t> pads = p->toInts();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t rank = static_cast<int64_t>(xs.size());
  for (int64_t v : pads)
    if (v < 0)
      return fail("negative pads are not supported");
  SmallVector<int64_t> low(pads.begin(), pads.begin() + rank), high(pads.begin() + rank, pads.end());
  Value in = onnxOrder(*x);
  bool nhwc = false;
  if (x->nhwc) {
    // Pad in NHWC: permute the pad amounts instead of the tensor.
    in = x->value;
    std::vector<int64_t> l(low.begin(), low.end()), h(high.begin(), high.end());
    if (rank == 3) { // a 1-D image: no padding on its height axis
      l.insert(l.begin() + 2, 0);
      h.insert(h.begin() + 2, 0);
    }
    l = permute(l, kToNHWC);
    h = permute(h, kToNHWC);
    low.assign(l.begin(), l.end());
    high.assign(h.begin(), h.end());
    rank = 4;
    nhwc = true;
  }
  auto t = cast<RankedTensorType>(in.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(t.getDimSize(i) + low[i] + high[i]);
  Value r = padValue(in, RankedTensorType::get(shape, t.getElementType()), low, high, f32(value));
  setOutput(n, 0, r, nhwc, kFloat);
  return success();
}

LogicalResult Importer::onSoftmax(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t rank = static_cast<int64_t>(xs.size());
  int64_t axis = normAxis(attrInt(n, "axis", -1), rank);
  if (axis < 0 || axis >= rank)
    return fail("axis is outside the input's rank " + std::to_string(rank));
  Value v = onnxOrder(*x);
  // softmax(x) = exp(x - max) / sum(exp(x - max)) along the axis.
  Value mx = reduceAxes(v, {axis}, Reduction::Max);
  Value e = elementwise({v, mx}, xs, builder.getF32Type(), [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]));
  });
  Value s = reduceAxes(e, {axis}, Reduction::Sum);
  Value r = elementwise({e, s}, xs, builder.getF32Type(), [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::DivFOp::create(b, l, a[0], a[1]);
  });
  setOutput(n, 0, r, false, kFloat);
  return success();
}

LogicalResult Importer::onReduce(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t rank = static_cast<int64_t>(xs.size());
  std::vector<int64_t> axes = attrInts(n, "axes");
  if (axes.empty() && has(n, 1)) {
    const Tensor *t = constant(n.input(1));
    if (!t)
      return fail("axes must be constant");
    axes = t->toInts();
  }
  if (axes.empty()) {
    if (attrInt(n, "noop_with_empty_axes", 0)) {
      values[n.output(0)] = *x;
      return success();
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t count = 1;
  std::set<int64_t> seen;
  for (int64_t &a : axes) {
    a = normAxis(a, rank);
    if (a < 0 || a >= rank || !seen.insert(a).second)
      return fail("axes must be distinct and within the input's rank " + std::to_string(rank));
    count *= xs[a];
  }
  // An image reduced over spatial axes only stays in NHWC (PointNet's global max over points):
  // ONNX axis a of the image [N, C, H, W] (or [N, C, L] = [N, C, 1, L]) is NHWC axis
  // (1, 2 for H, W); the result, with the reduced axes dropped or kept, is again an image,
  // a 1-D image or [N, C], all in the element order of the reduced NHWC value.
  bool spatialOnly = x->nhwc;
  SmallVector<int64_t> reduceOn;
  for (int64_t a : axes) {
    spatialOnly &= a >= 2;
    reduceOn.push_back(x->line ? 2 : a - 1);
  }
  Value v = spatialOnly ? x->value : onnxOrder(*x);
  // ReduceMax/ReduceMin propagate NaN, as ONNX's reference does (tosa's default nan_mode).
  v = reduceAxes(v, spatialOnly ? ArrayRef<int64_t>(reduceOn) : ArrayRef<int64_t>(axes),
                 n.op_type() == "ReduceMax"   ? Reduction::Max
                 : n.op_type() == "ReduceMin" ? Reduction::Min
                                              : Reduction::Sum);
  if (n.op_type() == "ReduceMean") {
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    v = elementwise({v}, shape, builder.getF32Type(), [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::DivFOp::create(b, l, a[0], arith::ConstantOp::create(b, l, b.getF32FloatAttr(static_cast<float>(count))));
    });
  }
  if (spatialOnly && (oshape->size() == 4 || oshape->size() == 3)) {
    // [N, C, H', W'] or [N, C, L']: the NHWC value [N, H', W', C] reshaped to [N, 1, L', C].
    std::vector<int64_t> image = asImage(*oshape);
    setOutput(n, 0, reshapeValue(v, permute(image, kToNHWC)), true, kFloat);
    return success();
  }
  setOutput(n, 0, reshapeValue(v, *oshape), false, kFloat);
  return success();
}

/// LayerNormalization over the axes [axis, rank): with mean and variance over those axes,
/// y = (x - mean) / sqrt(var + epsilon) * scale + bias, in float32 (stash_type float32), the
/// variance as the mean of the squared differences (two passes: no cancellation). The optional
/// outputs Mean and InvStdDev = 1 / sqrt(var + epsilon) keep the reduced axes as 1.
LogicalResult Importer::onLayerNorm(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t rank = static_cast<int64_t>(xs.size());
  int64_t axis = normAxis(attrInt(n, "axis", -1), rank);
  if (axis < 0 || axis >= rank)
    return fail("axis is outside the input's rank " + std::to_string(rank));
  float eps = attrFloat(n, "epsilon", 1e-5f);
  std::vector<int64_t> axes;
  int64_t count = 1;
  for (int64_t a = axis; a < rank; ++a) {
    axes.push_back(a);
    count *= xs[a];
  }
  SmallVector<Value> params;
  for (int i = 1; i <= 2; ++i) {
    if (!has(n, i))
      continue;
    auto p = get(n.input(i));
    if (failed(p))
      return failure();
    if (p->dtype != kFloat)
      return fail("scale and bias must be float32");
    params.push_back(onnxOrder(*p));
  }
  if (failed(checkBroadcast(params, xs)))
    return failure();
  Type f32t = builder.getF32Type();
  auto scaled = [&](float k) {
    return [&, k](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::MulFOp::create(b, l, a[0], arith::ConstantOp::create(b, l, b.getF32FloatAttr(k)));
    };
  };
  Value v = onnxOrder(*x);
  Value sum = reduceAxes(v, axes, Reduction::Sum);
  auto rshape = cast<RankedTensorType>(sum.getType()).getShape();
  float inv = 1.0f / static_cast<float>(count);
  Value mean = elementwise({sum}, rshape, f32t, scaled(inv));
  Value diff = elementwise({v, mean}, xs, f32t, [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::SubFOp::create(b, l, a[0], a[1]);
  });
  Value sq = elementwise({diff}, xs, f32t, [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::MulFOp::create(b, l, a[0], a[0]);
  });
  Value rstd = elementwise({reduceAxes(sq, axes, Reduction::Sum)}, rshape, f32t,
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value var = arith::MulFOp::create(b, l, a[0], arith::ConstantOp::create(b, l, b.getF32FloatAttr(inv)));
                             Value e = arith::ConstantOp::create(b, l, b.getF32FloatAttr(eps));
                             return math::RsqrtOp::create(b, l, arith::AddFOp::create(b, l, var, e));
                           });
  SmallVector<Value> operands = {diff, rstd};
  operands.append(params.begin(), params.end());
  Value r = elementwise(operands, xs, f32t, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value y = arith::MulFOp::create(b, l, a[0], a[1]);
    if (a.size() > 2)
      y = arith::MulFOp::create(b, l, y, a[2]);
    if (a.size() > 3)
      y = arith::AddFOp::create(b, l, y, a[3]);
    return y;
  });
  setOutput(n, 0, r, false, kFloat);
  if (n.output_size() > 1 && !n.output(1).empty())
    setOutput(n, 1, mean, false, kFloat);
  if (n.output_size() > 2 && !n.output(2).empty())
    setOutput(n, 2, rstd, false, kFloat);
  return success();
}

/// Gather along `axis`: out[pre, j, post] = data[pre, indices[j], post]. An index below zero
/// counts from the end, as ONNX says; one outside [-dim, dim) is an error in ONNX that a
/// compiled program cannot report, so it is clamped into range and never reads out of bounds.
/// One element-wise op over the output, reading the indices by its indexing map and the data by
/// tensor.extract (an embedding lookup: data is usually a constant table, indices a graph input).
LogicalResult Importer::onGather(const onnx::NodeProto &n) {
  auto data = get(n.input(0));
  auto indices = get(n.input(1));
  if (failed(data) || failed(indices))
    return failure();
  if (indices->dtype != kInt64 && indices->dtype != kInt32)
    return fail("indices must be int64 or int32");
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  std::vector<int64_t> ds = shapeOf(n.input(0)), is = shapeOf(n.input(1));
  int64_t drank = static_cast<int64_t>(ds.size()), irank = static_cast<int64_t>(is.size());
  int64_t axis = normAxis(attrInt(n, "axis", 0), drank);
  if (axis < 0 || axis >= drank)
    return fail("axis is outside the data's rank " + std::to_string(drank));
  int64_t orank = static_cast<int64_t>(oshape->size());
  if (orank != drank - 1 + irank)
    return fail("the output's rank does not fit the data and indices");
  Value table = onnxOrder(*data);
  Type et = cast<RankedTensorType>(table.getType()).getElementType();
  SmallVector<AffineExpr> idxExprs;
  for (int64_t i = 0; i < irank; ++i)
    idxExprs.push_back(getAffineDimExpr(axis + i, &ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(orank, 0, idxExprs, &ctx),
                                 builder.getMultiDimIdentityMap(orank)};
  Value init = tensor::EmptyOp::create(builder, loc, *oshape, et);
  SmallVector<utils::IteratorType> iters(orank, utils::IteratorType::parallel);
  int64_t dim = ds[axis];
  auto op = linalg::GenericOp::create(
      builder, loc, TypeRange{init.getType()}, ValueRange{onnxOrder(*indices)}, ValueRange{init},
      maps, iters, [&](OpBuilder &b, Location l, ValueRange args) {
        Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
        Value zero = arith::ConstantIndexOp::create(b, l, 0);
        Value size = arith::ConstantIndexOp::create(b, l, dim);
        Value last = arith::ConstantIndexOp::create(b, l, dim - 1);
        Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
        i = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, i, size), i);
        i = arith::MaxSIOp::create(b, l, arith::MinSIOp::create(b, l, i, last), zero);
        SmallVector<Value> at;
        for (int64_t d = 0; d < axis; ++d)
          at.push_back(linalg::IndexOp::create(b, l, d));
        at.push_back(i);
        for (int64_t d = axis + irank; d < orank; ++d)
          at.push_back(linalg::IndexOp::create(b, l, d));
        linalg::YieldOp::create(b, l, ValueRange{tensor::ExtractOp::create(b, l, table, at)});
      });
  setOutput(n, 0, op.getResult(0), false, data->dtype);
  return success();
}

/// Tile by constant repeats: tosa.tile.
LogicalResult Importer::onTile(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  const Tensor *r = constant(n.input(1));
  if (!r)
    return fail("repeats must be constant");
  auto oshape = outShape(n);
  if (failed(oshape))
    return failure();
  std::vector<int64_t> repeats = r->toInts();
  if (repeats.size() != shapeOf(n.input(0)).size())
    return fail("repeats needs one value per input axis");
  for (int64_t v : repeats)
    if (v < 0)
      return fail("repeats must not be negative");
  ImplicitLocOpBuilder ib(loc, builder);
  Value v = onnxOrder(*x);
  Type et = cast<RankedTensorType>(v.getType()).getElementType();
  Value t = tosa::TileOp::create(builder, loc, RankedTensorType::get(*oshape, et), v,
                                 tosa::getTosaConstShape(ib, repeats));
  setOutput(n, 0, t, false, x->dtype);
  return success();
}

Tensor Importer::axisParam(const Tensor &p, int64_t axis, ArrayRef<int64_t> shape) {
  Tensor r = p;
  if (p.numel() == 1) {
    r.shape.assign(shape.size(), 1);
    return r;
  }
  r.shape.assign(shape.size(), 1);
  r.shape[axis] = p.numel();
  return r;
}

LogicalResult Importer::onQuantizeLinear(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  const Tensor *scale = constant(n.input(1));
  if (!scale)
    return fail("the scale must be constant");
  Tensor zp(kUInt8, {}, {0.0});
  if (has(n, 2)) {
    const Tensor *z = constant(n.input(2));
    if (!z)
      return fail("the zero point must be constant");
    zp = *z;
  }
  if (zp.dtype != kInt8 && zp.dtype != kUInt8)
    return fail("only int8 and uint8 quantization is supported");
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t axis = normAxis(attrInt(n, "axis", 1), static_cast<int64_t>(xs.size()));
  // The axis matters only to a per-axis scale (a scalar one has none to name).
  if (scale->numel() > 1 && (axis < 0 || axis >= static_cast<int64_t>(xs.size())))
    return fail("axis is outside the input's rank " + std::to_string(xs.size()));
  Tensor s = axisParam(*scale, axis, xs), z = axisParam(zp, axis, xs);
  z.dtype = kFloat;
  bool isUnsigned = zp.dtype == kUInt8;
  double lo = isUnsigned ? 0 : -128, hi = isUnsigned ? 255 : 127;
  // q = saturate(round_half_even(x / scale) + zero_point)
  Value r = elementwise({onnxOrder(*x), constantValue(s), constantValue(z)}, xs, builder.getIntegerType(8),
                        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                          Value v = math::RoundEvenOp::create(b, l, arith::DivFOp::create(b, l, a[0], a[1]));
                          v = arith::AddFOp::create(b, l, v, a[2]);
                          v = arith::MaximumFOp::create(b, l, v, arith::ConstantOp::create(b, l, b.getF32FloatAttr(lo)));
                          v = arith::MinimumFOp::create(b, l, v, arith::ConstantOp::create(b, l, b.getF32FloatAttr(hi)));
                          // Converted to i32 and truncated (v is already an integer in the
                          // 8-bit range): the same value as a direct f32 -> i8 conversion, which
                          // RVV emits as the narrowing vfncvt.rtz that qemu 7.2 aborts on.
                          Type i32 = b.getI32Type();
                          Value w = isUnsigned ? (Value)arith::FPToUIOp::create(b, l, i32, v)
                                               : (Value)arith::FPToSIOp::create(b, l, i32, v);
                          return arith::TruncIOp::create(b, l, b.getIntegerType(8), w);
                        });
  setOutput(n, 0, r, false, zp.dtype);
  return success();
}

LogicalResult Importer::onDequantizeLinear(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  const Tensor *scale = constant(n.input(1));
  if (!scale)
    return fail("the scale must be constant");
  Tensor zp(x->dtype, {}, {0.0});
  if (has(n, 2)) {
    const Tensor *z = constant(n.input(2));
    if (!z)
      return fail("the zero point must be constant");
    zp = *z;
  }
  if (x->dtype != kInt8 && x->dtype != kUInt8 && x->dtype != kInt32)
    return fail("only int8, uint8 and int32 inputs are supported");
  std::vector<int64_t> xs = shapeOf(n.input(0));
  int64_t axis = normAxis(attrInt(n, "axis", 1), static_cast<int64_t>(xs.size()));
  // The axis matters only to a per-axis scale (a scalar one has none to name).
  if (scale->numel() > 1 && (axis < 0 || axis >= static_cast<int64_t>(xs.size())))
    return fail("axis is outside the input's rank " + std::to_string(xs.size()));
  Tensor s = axisParam(*scale, axis, xs), z = axisParam(zp, axis, xs);
  z.dtype = kFloat;
  bool isUnsigned = x->dtype == kUInt8;
  // y = (x - zero_point) * scale
  Value r = elementwise({onnxOrder(*x), constantValue(s), constantValue(z)}, xs, builder.getF32Type(),
                        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                          Type f = b.getF32Type();
                          Value v = isUnsigned ? (Value)arith::UIToFPOp::create(b, l, f, a[0])
                                               : (Value)arith::SIToFPOp::create(b, l, f, a[0]);
                          return arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, v, a[2]), a[1]);
                        });
  setOutput(n, 0, r, false, kFloat);
  return success();
}

LogicalResult Importer::onBipolarQuant(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  Value b = bnn::BipolarSignOp::create(builder, loc, x->value);
  values[n.output(0)] = sameLayout(*x, b, kFloat);
  if (!has(n, 1))
    return success();
  // y = bipolar(x) * scale: reuse the element-wise path with the bipolar plane as operand 0.
  std::string plane = n.output(0) + "#bipolar";
  values[plane] = sameLayout(*x, b, kFloat);
  valueInfo[plane] = {kFloat, shapeOf(n.input(0))};
  onnx::NodeProto mul = n;
  mul.set_input(0, plane);
  return floatElementwise(mul, {0, 1}, [](OpBuilder &bb, Location l, ValueRange a) -> Value {
    return arith::MulFOp::create(bb, l, a[0], a[1]);
  });
}

LogicalResult Importer::onQuant(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  if (!x->flat.empty())
    *x = TV{onnxOrder(*x), false, x->dtype, {}};
  const Tensor *scale = constant(n.input(1)), *zp = constant(n.input(2)), *bits = constant(n.input(3));
  if (!scale || !zp || !bits)
    return fail("scale, zero point and bit width must be constant");
  if (bits->numel() != 1 || bits->data[0] != std::floor(bits->data[0]) || bits->data[0] < 1 || bits->data[0] > 32)
    return fail("the bit width must be one integer in [1, 32]");
  std::string mode = attrString(n, "rounding_mode", "ROUND");
  bnn::RoundingMode rm;
  if (mode == "ROUND")
    rm = bnn::RoundingMode::ROUND;
  else if (mode == "CEIL")
    rm = bnn::RoundingMode::CEIL;
  else if (mode == "FLOOR")
    rm = bnn::RoundingMode::FLOOR;
  else if (mode == "ROUND_TO_ZERO")
    rm = bnn::RoundingMode::ROUND_TO_ZERO;
  else
    return fail("unknown rounding_mode '" + mode + "'");
  std::vector<int64_t> xs = shapeOf(n.input(0));
  auto param = [&](const Tensor &p) -> FailureOr<Value> {
    Tensor t = p;
    t.dtype = kFloat;
    std::vector<int64_t> s = t.shape;
    if (s.size() > xs.size())
      return fail("scale or zero point has a higher rank than the input");
    s.insert(s.begin(), xs.size() - s.size(), 1);
    t.shape = s;
    if (x->nhwc)
      t = channelsLast(t);
    return constantValue(t);
  };
  auto s = param(*scale), z = param(*zp);
  if (failed(s) || failed(z))
    return failure();
  Value r = bnn::QuantOp::create(builder, loc, x->value.getType(), x->value, *s, *z,
                                 static_cast<int64_t>(bits->data[0]), attrInt(n, "signed", 1) != 0,
                                 attrInt(n, "narrow", 0) != 0, rm);
  setOutput(n, 0, r, x->nhwc, kFloat);
  return success();
}

LogicalResult Importer::onMultiThreshold(const onnx::NodeProto &n) {
  auto x = get(n.input(0));
  if (failed(x))
    return failure();
  if (!x->flat.empty())
    *x = TV{onnxOrder(*x), false, x->dtype, {}};
  if (x->dtype != kFloat)
    return fail("supports float32 only");
  const Tensor *t = constant(n.input(1));
  if (!t || t->rank() != 2)
    return fail("thresholds must be a constant [C, B] tensor");
  // The input's ONNX shape from the value itself ([N, H, W, C] is [N, C, H, W]; a line [N, 1, L,
  // C] is [N, C, L]), not from the graph's value_info, which a malformed file can contradict.
  auto vt = cast<RankedTensorType>(x->value.getType());
  std::vector<int64_t> xs(vt.getShape().begin(), vt.getShape().end());
  if (x->nhwc)
    xs = x->line ? std::vector<int64_t>{xs[0], xs[3], xs[2]} : std::vector<int64_t>{xs[0], xs[3], xs[1], xs[2]};
  if (xs.empty())
    return fail("the input must have rank 1 or more");
  std::string layout = attrString(n, "data_layout", "NCHW");
  int64_t axis = layout == "NHWC" ? static_cast<int64_t>(xs.size()) - 1 : (xs.size() > 1 ? 1 : 0);
  if (t->shape[0] != 1 && t->shape[0] != xs[axis])
    return fail("threshold rows do not match the channel count");
  // A 4-D image thresholded per channel (NCHW axis 1) works in NHWC, channels innermost, like
  // every binarizer; other layouts keep the ONNX order.
  Value in = x->value;
  bool nhwc = false;
  if ((xs.size() == 4 || xs.size() == 3) && axis == 1) {
    in = nhwcOrder(*x);
    axis = 3;
    nhwc = true;
  } else if (x->nhwc) {
    in = onnxOrder(*x);
  }
  Tensor th = *t;
  th.dtype = kFloat;
  Value r = bnn::MultiThresholdOp::create(builder, loc, in.getType(), in, constantValue(th), builder.getI64IntegerAttr(axis),
                                          builder.getF32FloatAttr(attrFloat(n, "out_scale", 1.0f)),
                                          builder.getF32FloatAttr(attrFloat(n, "out_bias", 0.0f)));
  setOutput(n, 0, r, nhwc, kFloat);
  return success();
}

} // namespace

std::vector<SupportedOp> supportedOps() {
  std::vector<SupportedOp> ops;
  for (const auto &[name, entry] : Importer::handlers())
    ops.push_back({"ai.onnx", name, entry.note});
  // QONNX's ops (importNode), under any of the domains isQonnxDomain accepts.
  ops.push_back({"qonnx", "BipolarQuant", "a binarizer (0 -> +1), optional scale"});
  ops.push_back({"qonnx", "Quant", "uniform fake quantization; a binarizer at bit width 1 or a "
                                   "{-1, +1} / {-1, 0, +1} quantizer"});
  ops.push_back({"qonnx", "MultiThreshold", "FINN thresholds; a binarizer with one threshold"});
  for (const std::string &op : compileTimeOnlyOps())
    ops.push_back({"ai.onnx", op,
                   op == "Shape" ? "statically shaped inputs: evaluated at compile time"
                                 : "constant inputs only: evaluated at compile time"});
  return ops;
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, const std::string &path,
                                     const ImportOptions &options, ModelSignature &signature) {
  // Mapped, not copied through a stream: weights make model files hundreds of megabytes.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot open '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  return importOnnxBuffer(context, (*buffer)->getBuffer(), path, options, signature);
}

OwningOpRef<ModuleOp> importOnnxBuffer(MLIRContext &context, llvm::StringRef bytes,
                                       const std::string &name, const ImportOptions &options,
                                       ModelSignature &signature) {
  context.loadDialect<func::FuncDialect, arith::ArithDialect, math::MathDialect,
                      linalg::LinalgDialect, tensor::TensorDialect, tosa::TosaDialect,
                      bnn::BNNDialect>();
  Importer importer(context, options);
  return importer.run(name, bytes, signature);
}

void registerImporterDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, arith::ArithDialect, math::MathDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, tosa::TosaDialect, bnn::BNNDialect>();
}

} // namespace bnnc

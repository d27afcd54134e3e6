//===- Validate.cpp - the checks that come before ONNX's own ----------------===//
//
// ONNX's checker validates a model's structure against the op schemas, but not the values that
// its shape inference and bnnc's importer then divide by, index with or allocate from. ONNX's
// shape inference trusts them: the 1.12 release that Debian ships divides by a zero stride or
// dilation (SIGFPE in convPoolShapeInference) and multiplies dims without overflow checks. So
// bnnc checks those values first, here, and names the node, op and attribute when one is wrong.
//
// What is checked:
// - every tensor (initializers, Constant values, tensor attributes): a known
//   data type, dims >= 0, a size within kMaxTensorElements, and exactly as many values as its dims
//   need (raw data or the typed field);
// - every value's declared type (graph inputs, outputs, value_info): dims >= 0, a size within
//   kMaxTensorElements, a known element type;
// - the attributes that are divisors, window sizes or repeat counts: kernel_shape, strides,
//   dilations > 0, pads and output_padding >= 0, group >= 1, blocksize > 0, ..., with matching
//   lengths, all within kMaxAttribute so that sums and products of them cannot overflow;
// - every graph output is produced by something; no node has a subgraph (control flow).
//
//===----------------------------------------------------------------------===//

#include "compiler/Validate.h"
#include "compiler/Tensor.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace bnnc {
namespace {

/// The largest window size, stride, dilation, pad or group: no real model comes near it, and
/// sums and products of a few of them stay within int64.
constexpr int64_t kMaxAttribute = int64_t(1) << 24;

/// An int64 list of a protobuf message (dims, an INTS attribute), as one array.
llvm::ArrayRef<int64_t> asArray(const google::protobuf::RepeatedField<int64_t> &v) {
  return llvm::ArrayRef<int64_t>(v.data(), v.size());
}

/// Bytes per element of an ONNX data type; 0 for unknown types (strings count as 0 too: their
/// values are counted, not sized).
int64_t elementBytes(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT: case onnx::TensorProto::INT32: case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::UINT8: case onnx::TensorProto::INT8: case onnx::TensorProto::BOOL:
    return 1;
  case onnx::TensorProto::UINT16: case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT64: case onnx::TensorProto::UINT64: case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

bool isKnownType(int32_t dtype) {
  return dtype > onnx::TensorProto::UNDEFINED && dtype <= onnx::TensorProto::BFLOAT16;
}

class Validator {
public:
  explicit Validator(ValidationError &error) : error(error) {}

  bool graph(const onnx::GraphProto &g) {
    // Every graph output is produced: an input, an initializer or a node's output (ONNX 1.12's
    // checker does not check it, and its version converter dereferences the missing producer).
    std::set<std::string> defined;
    for (const auto &v : g.input())
      defined.insert(v.name());
    for (const auto &t : g.initializer())
      defined.insert(t.name());
    for (const auto &n : g.node())
      for (const auto &o : n.output())
        defined.insert(o);
    for (const auto &v : g.output())
      if (!defined.count(v.name()))
        return fail("graph output '" + v.name() + "' is not produced by any node, input or initializer");
    for (const auto &t : g.initializer())
      if (!tensor(t, "initializer '" + t.name() + "'"))
        return false;
    if (g.sparse_initializer_size())
      return fail("sparse initializers are not supported (initializer '" +
                  g.sparse_initializer(0).values().name() + "')");
    for (const auto *list : {&g.input(), &g.output(), &g.value_info()})
      for (const auto &v : *list)
        if (!valueInfo(v))
          return false;
    for (int i = 0; i < g.node_size(); ++i) {
      error.node = i;
      if (!node(g.node(i)))
        return false;
    }
    error.node = -1;
    return true;
  }

private:
  ValidationError &error;

  bool fail(const std::string &message) {
    error.message = message;
    return false;
  }

  bool tensor(const onnx::TensorProto &t, const std::string &what) {
    if (!isKnownType(t.data_type()))
      return fail(what + " has an unknown data type (" + std::to_string(t.data_type()) + ")");
    int64_t n = boundedElementCount(asArray(t.dims()));
    if (n < 0)
      return fail(what + " has dims " + shapeText(asArray(t.dims())) +
                  (std::any_of(t.dims().begin(), t.dims().end(), [](int64_t d) { return d < 0; })
                       ? ": a dimension is negative"
                       : ": more than 2^30 elements"));
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return true; // refused with its own message where it is read
    int64_t have = 0;
    const char *field = "raw_data";
    if (t.has_raw_data()) {
      int64_t bytes = elementBytes(t.data_type());
      if (bytes == 0)
        return fail(what + " has raw data of a type without a fixed size");
      if (static_cast<int64_t>(t.raw_data().size()) != n * bytes)
        return fail(what + " has " + std::to_string(t.raw_data().size()) +
                    " bytes of raw data, but its dims " + shapeText(asArray(t.dims())) + " need " +
                    std::to_string(n * bytes));
      return true;
    }
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: have = t.float_data_size(); field = "float_data"; break;
    case onnx::TensorProto::COMPLEX64:
      have = t.float_data_size() / 2; field = "float_data"; break;
    case onnx::TensorProto::DOUBLE: have = t.double_data_size(); field = "double_data"; break;
    case onnx::TensorProto::COMPLEX128:
      have = t.double_data_size() / 2; field = "double_data"; break;
    case onnx::TensorProto::INT64: have = t.int64_data_size(); field = "int64_data"; break;
    case onnx::TensorProto::UINT32: case onnx::TensorProto::UINT64:
      have = t.uint64_data_size(); field = "uint64_data"; break;
    case onnx::TensorProto::STRING: have = t.string_data_size(); field = "string_data"; break;
    default: have = t.int32_data_size(); field = "int32_data"; break;
    }
    if (have != n)
      return fail(what + " holds " + std::to_string(have) + " values in " + field +
                  ", but its dims " + shapeText(asArray(t.dims())) + " need " + std::to_string(n));
    return true;
  }

  bool valueInfo(const onnx::ValueInfoProto &v) {
    if (!v.type().has_tensor_type())
      return true;
    const auto &tt = v.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::UNDEFINED && !isKnownType(tt.elem_type()))
      return fail("value '" + v.name() + "' has an unknown element type (" +
                  std::to_string(tt.elem_type()) + ")");
    if (!tt.has_shape())
      return true;
    // The dims that are known (symbolic ones are skipped).
    std::vector<int64_t> dims;
    for (const auto &d : tt.shape().dim()) {
      if (!d.has_dim_value())
        continue;
      if (d.dim_value() < 0)
        return fail("value '" + v.name() + "' has a negative dimension (" +
                    std::to_string(d.dim_value()) + ")");
      dims.push_back(d.dim_value());
    }
    if (!isBoundedShape(dims))
      return fail("value '" + v.name() + "' has more than 2^30 elements");
    return true;
  }

  const onnx::AttributeProto *find(const onnx::NodeProto &n, const char *name) {
    for (const auto &a : n.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }

  /// An INTS attribute's values lie in [lo, kMaxAttribute]; returns its length in `size` (-1 if
  /// absent).
  bool ints(const onnx::NodeProto &n, const char *name, int64_t lo, int64_t &size) {
    size = -1;
    const onnx::AttributeProto *a = find(n, name);
    if (!a)
      return true;
    size = a->ints_size();
    for (int64_t v : a->ints())
      if (v < lo || v > kMaxAttribute)
        return fail(std::string("attribute '") + name + "' must hold values of at least " + std::to_string(lo) +
                    " and at most 2^24, got " + shapeText(asArray(a->ints())));
    return true;
  }

  /// An INT attribute's value lies in [lo, kMaxAttribute].
  bool intValue(const onnx::NodeProto &n, const char *name, int64_t lo) {
    const onnx::AttributeProto *a = find(n, name);
    if (a && (a->i() < lo || a->i() > kMaxAttribute))
      return fail(std::string("attribute '") + name + "' must be at least " + std::to_string(lo) +
                  " and at most 2^24, got " + std::to_string(a->i()));
    return true;
  }

  /// Convolution and pooling windows: the attributes convPoolShapeInference divides by and
  /// multiplies, and their lengths against each other.
  bool window(const onnx::NodeProto &n) {
    int64_t kernel, strides, dilations, pads, outputPadding, outputShape;
    if (!ints(n, "kernel_shape", 1, kernel) || !ints(n, "strides", 1, strides) ||
        !ints(n, "dilations", 1, dilations) || !ints(n, "pads", 0, pads) ||
        !ints(n, "output_padding", 0, outputPadding) ||
        !ints(n, "output_shape", 0, outputShape) || !intValue(n, "group", 1))
      return false;
    if (pads >= 0 && pads % 2)
      return fail("attribute 'pads' has " + std::to_string(pads) +
                  " values; it needs two per spatial axis (begin and end)");
    int64_t spatial = kernel >= 0 ? kernel : strides >= 0 ? strides : dilations;
    if (spatial < 0)
      return true;
    auto same = [&](int64_t size, const char *name) {
      if (size >= 0 && size != spatial)
        return fail(std::string("attribute '") + name + "' has " + std::to_string(size) +
                    " values, but the window has " + std::to_string(spatial) + " dimensions");
      return true;
    };
    if (!same(strides, "strides") || !same(dilations, "dilations") ||
        !same(outputPadding, "output_padding"))
      return false;
    if (pads >= 0 && pads != 2 * spatial)
      return fail("attribute 'pads' has " + std::to_string(pads) + " values, but a " +
                  std::to_string(spatial) + "-D window needs " + std::to_string(2 * spatial) +
                  " (begin and end of each axis)");
    return true;
  }

  bool node(const onnx::NodeProto &n) {
    // Tensors in attributes (Constant's value, ConstantOfShape's value, ...) and subgraphs.
    for (const auto &a : n.attribute()) {
      if (a.has_t() && !tensor(a.t(), "attribute '" + a.name() + "'"))
        return false;
      for (const auto &t : a.tensors())
        if (!tensor(t, "attribute '" + a.name() + "'"))
          return false;
      // Control flow: bnnc compiles none of it, and ONNX's inference functions for it trust
      // their attributes (Scan's num_scan_inputs sizes an allocation).
      if (a.has_g() || a.graphs_size())
        return fail("has a subgraph (attribute '" + a.name() +
                    "'): control flow (If, Loop, Scan) is not supported by bnnc");
    }
    static const std::set<std::string> windowOps = {
        "Conv",        "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
        "AveragePool", "LpPool",        "MaxUnpool",   "DeformConv",  "Col2Im"};
    const std::string &op = n.op_type();
    if (windowOps.count(op))
      return window(n);
    if (op == "MaxRoiPool") {
      int64_t size;
      return ints(n, "pooled_shape", 1, size);
    }
    if (op == "SpaceToDepth" || op == "DepthToSpace")
      return intValue(n, "blocksize", 1);
    if (op == "LRN")
      return intValue(n, "size", 1);
    if (op == "Split") {
      int64_t size;
      return ints(n, "split", 0, size) && intValue(n, "num_outputs", 1);
    }
    if (op == "TopK")
      return intValue(n, "k", 0);
    return true;
  }
};

//===----------------------------------------------------------------------===//
// Checks in front of ONNX's shape-inference functions
//===----------------------------------------------------------------------===//
//
// Some of what ONNX 1.12's inference functions trust can only be checked once the input shapes
// are known, which is during inference itself: convPoolShapeInference reads past the end of its
// vectors when the weight's rank differs from the input's. So InferShapes gets a schema registry
// that hands out copies of ONNX's schemas whose inference function first runs bnnc's check of
// the node's input shapes (the windows of convs and pools, LayerNormalization's axis), then
// ONNX's own. A failed check throws ONNX's InferenceError, which
// InferShapes reports like its own errors (with the node's op type and name).

int64_t rankOf(onnx::InferenceContext &ctx, size_t index) {
  if (index >= ctx.getNumInputs())
    return -1;
  const onnx::TypeProto *t = ctx.getInputType(index);
  if (!t || !t->has_tensor_type() || !t->tensor_type().has_shape())
    return -1;
  return t->tensor_type().shape().dim_size();
}

/// Convolution and pooling windows: the input is N x C x spatial..., the weight (if any) has the
/// input's rank, and kernel_shape, strides, dilations and pads fit the number of spatial axes.
void checkWindowShapes(onnx::InferenceContext &ctx, int weightIndex) {
  int64_t x = rankOf(ctx, 0);
  if (x < 0)
    return;
  if (x < 3)
    fail_shape_inference("the input has rank ", x,
                         "; it needs a batch, a channel and at least one spatial axis");
  int64_t spatial = x - 2;
  if (weightIndex >= 0) {
    int64_t w = rankOf(ctx, weightIndex);
    if (w >= 0 && w != x)
      fail_shape_inference("the weight has rank ", w, " but the input has rank ", x);
  }
  auto size = [&](const char *name) -> int64_t {
    const onnx::AttributeProto *a = ctx.getAttribute(name);
    return a ? a->ints_size() : -1;
  };
  for (const char *name : {"kernel_shape", "strides", "dilations", "output_padding"}) {
    int64_t n = size(name);
    if (n >= 0 && n != spatial)
      fail_shape_inference("attribute '", name, "' has ", n, " values for ", spatial,
                           " spatial axes");
  }
  int64_t pads = size("pads");
  if (pads >= 0 && pads != 2 * spatial)
    fail_shape_inference("attribute 'pads' has ", pads, " values for ", spatial,
                         " spatial axes (it needs ", 2 * spatial, ")");
}

/// An `axis` attribute (default `dflt`) that indexes input 0's dimensions lies in [-rank, rank):
/// LayerNormalization's inference in ONNX 1.12 writes dimension `axis` (plus the rank if
/// negative) of its mean and inverse-deviation outputs without checking it (a fuzzed axis of
/// -2^31 crashed it).
void checkAxis(onnx::InferenceContext &ctx, int64_t dflt) {
  int64_t rank = rankOf(ctx, 0);
  if (rank < 0)
    return;
  const onnx::AttributeProto *a = ctx.getAttribute("axis");
  int64_t axis = a ? a->i() : dflt;
  if (axis < -rank || axis >= rank)
    fail_shape_inference("attribute 'axis' is ", axis, ", outside [", -rank, ", ", rank,
                         ") for an input of rank ", rank);
}

/// The check for an op, or null. The index is the weight input of the ops that have one.
std::function<void(onnx::InferenceContext &)> checkFor(const onnx::OpSchema &schema) {
  if (!schema.domain().empty() && schema.domain() != "ai.onnx")
    return nullptr;
  if (schema.Name() == "LayerNormalization")
    return [](onnx::InferenceContext &ctx) { checkAxis(ctx, -1); };
  static const std::map<std::string, int> windows = {
      {"Conv", 1},        {"ConvTranspose", 1}, {"ConvInteger", 1}, {"QLinearConv", 3},
      {"DeformConv", 1},  {"MaxPool", -1},      {"AveragePool", -1}, {"LpPool", -1},
      {"MaxUnpool", -1},  {"MaxRoiPool", -1}};
  auto it = windows.find(schema.Name());
  if (it == windows.end())
    return nullptr;
  int weight = it->second;
  return [weight](onnx::InferenceContext &ctx) { checkWindowShapes(ctx, weight); };
}

class GuardedRegistry final : public onnx::ISchemaRegistry {
public:
  const onnx::OpSchema *GetSchema(const std::string &key, const int maxInclusiveVersion,
                                  const std::string &domain) const override {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Instance()->GetSchema(key, maxInclusiveVersion, domain);
    if (!schema || !schema->has_type_and_shape_inference_function())
      return schema;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = guarded.find(schema);
    if (it != guarded.end())
      return it->second ? it->second.get() : schema;
    auto check = checkFor(*schema);
    if (!check) {
      guarded[schema] = nullptr;
      return schema;
    }
    auto copy = std::make_unique<onnx::OpSchema>(*schema);
    onnx::InferenceFunction original = schema->GetTypeAndShapeInferenceFunction();
    copy->TypeAndShapeInferenceFunction([check, original](onnx::InferenceContext &ctx) {
      check(ctx);
      original(ctx);
    });
    return (guarded[schema] = std::move(copy)).get();
  }

private:
  mutable std::mutex mutex;
  mutable std::map<const onnx::OpSchema *, std::unique_ptr<onnx::OpSchema>> guarded;
};

} // namespace

const onnx::ISchemaRegistry *guardedSchemaRegistry() {
  static GuardedRegistry registry;
  return &registry;
}

bool validateModel(const onnx::ModelProto &model, ValidationError &error) {
  error = ValidationError();
  if (!model.has_graph())
    return true;
  return Validator(error).graph(model.graph());
}

} // namespace bnnc

//===- OnnxMutator.cpp - structure-aware mutation of ONNX models ----------===//
//
// libFuzzer's byte mutations rarely keep a protobuf parseable, so on their own they test the
// parser and little else. This mutator edits the fields that reach shape inference and the
// importer, as a model with a bad attribute or a corrupt tensor would: integer and float
// attributes (0, -1, huge, off by one), attribute lists (dropped, repeated, emptied), tensor
// dims and data types, truncated raw data, op types, node inputs, opset versions, value-info
// dims, whole nodes dropped or repeated.
//
// Written by hand because no structure-aware protobuf mutator is packaged for this system
// (libprotobuf-mutator would do this generically from the descriptor).
//
//===----------------------------------------------------------------------===//

#include "tools/bnnc-fuzz/OnnxMutator.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace bnnc::fuzz {
namespace {

using Rng = std::mt19937_64;

size_t pick(Rng &rng, size_t n) { return n ? rng() % n : 0; }

/// Integers that break arithmetic: zero, negatives, off-by-one, overflowing products.
int64_t interestingInt(Rng &rng, int64_t old) {
  static const int64_t values[] = {0,
                                   -1,
                                   1,
                                   2,
                                   3,
                                   -2,
                                   7,
                                   64,
                                   65535,
                                   int64_t(1) << 31,
                                   int64_t(1) << 40,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min()};
  switch (rng() % 4) {
  case 0: // wrapping, as unsigned: the mutator itself must not overflow
    return static_cast<int64_t>(static_cast<uint64_t>(old) + 1);
  case 1:
    return static_cast<int64_t>(static_cast<uint64_t>(old) - 1);
  case 2:
    return static_cast<int64_t>(rng() % 9) - 3;
  default:
    return values[pick(rng, std::size(values))];
  }
}

float interestingFloat(Rng &rng) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 -1.0f,
                                 1.0f,
                                 1e30f,
                                 -1e30f,
                                 1e-30f,
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN()};
  return values[pick(rng, std::size(values))];
}

// Op types the importer handles, and a few it does not (for the unsupported-op paths).
const char *const kOpTypes[] = {
    "Identity", "Dropout", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
    "GlobalMaxPool", "BatchNormalization", "Gemm", "MatMul", "Relu", "LeakyRelu", "Sigmoid",
    "Tanh", "HardSigmoid", "Abs", "Neg", "Sqrt", "Exp", "Log", "Round", "Sign", "PRelu", "Clip",
    "Add", "Sub", "Mul", "Div", "Pow", "Greater", "GreaterOrEqual", "Less", "LessOrEqual",
    "Equal", "Where", "Cast", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose",
    "Concat", "Split", "Slice", "Pad", "Softmax", "ReduceMean", "ReduceSum", "QuantizeLinear",
    "DequantizeLinear", "ConvTranspose", "Resize", "Gather", "Expand", "Tile", "ReduceMax",
    "LpPool", "MaxUnpool", "DepthToSpace", "Constant", "Shape", "Range", "TopK", "Einsum"};

const char *const kAttrNames[] = {"strides", "pads", "dilations", "kernel_shape", "group",
                                  "axis", "axes", "perm", "epsilon", "alpha", "beta", "transA",
                                  "transB", "auto_pad", "ceil_mode", "count_include_pad",
                                  "keepdims", "mode", "to", "split", "value", "min", "max"};

const char *const kStrings[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant",
                                "reflect", "edge", "", "bogus"};

void mutateTensor(onnx::TensorProto &t, Rng &rng) {
  switch (rng() % 5) {
  case 0:
    if (t.dims_size())
      t.set_dims(pick(rng, t.dims_size()), interestingInt(rng, t.dims(0)));
    else
      t.add_dims(interestingInt(rng, 1));
    break;
  case 1:
    if (t.dims_size() && rng() % 2)
      t.mutable_dims()->RemoveLast();
    else
      t.add_dims(interestingInt(rng, 1));
    break;
  case 2:
    t.set_data_type(static_cast<int32_t>(rng() % 24));
    break;
  case 3:
    if (!t.raw_data().empty())
      t.mutable_raw_data()->resize(pick(rng, t.raw_data().size()));
    else if (t.float_data_size())
      t.mutable_float_data()->Truncate(pick(rng, t.float_data_size()));
    else if (t.int64_data_size())
      t.mutable_int64_data()->Truncate(pick(rng, t.int64_data_size()));
    break;
  default:
    if (t.float_data_size())
      t.set_float_data(pick(rng, t.float_data_size()), interestingFloat(rng));
    else if (t.raw_data().size() >= 4) {
      float f = interestingFloat(rng);
      std::memcpy(&(*t.mutable_raw_data())[pick(rng, t.raw_data().size() / 4) * 4], &f, 4);
    }
    break;
  }
}

void mutateAttribute(onnx::AttributeProto &a, Rng &rng) {
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    a.set_i(interestingInt(rng, a.i()));
    return;
  case onnx::AttributeProto::FLOAT:
    a.set_f(interestingFloat(rng));
    return;
  case onnx::AttributeProto::STRING:
    a.set_s(kStrings[pick(rng, std::size(kStrings))]);
    return;
  case onnx::AttributeProto::TENSOR:
    mutateTensor(*a.mutable_t(), rng);
    return;
  case onnx::AttributeProto::INTS:
    switch (rng() % 4) {
    case 0:
      if (a.ints_size())
        a.mutable_ints()->RemoveLast();
      return;
    case 1:
      a.add_ints(interestingInt(rng, a.ints_size() ? a.ints(0) : 1));
      return;
    case 2:
      a.clear_ints();
      return;
    default:
      if (a.ints_size()) {
        size_t i = pick(rng, a.ints_size());
        a.set_ints(i, interestingInt(rng, a.ints(i)));
      }
      return;
    }
  case onnx::AttributeProto::FLOATS:
    if (a.floats_size())
      a.set_floats(pick(rng, a.floats_size()), interestingFloat(rng));
    else
      a.add_floats(interestingFloat(rng));
    return;
  default:
    return;
  }
}

/// A new attribute with a plausible name and a random value of a random kind.
void addAttribute(onnx::NodeProto &n, Rng &rng) {
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name(kAttrNames[pick(rng, std::size(kAttrNames))]);
  switch (rng() % 3) {
  case 0:
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(interestingInt(rng, 1));
    break;
  case 1:
    a->set_type(onnx::AttributeProto::INTS);
    for (size_t i = 0, e = rng() % 5; i < e; ++i)
      a->add_ints(interestingInt(rng, 1));
    break;
  default:
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(interestingFloat(rng));
    break;
  }
}

/// Every value name of the graph: inputs, initializers and node outputs.
std::vector<std::string> valueNames(const onnx::GraphProto &g) {
  std::vector<std::string> names;
  for (const auto &v : g.input())
    names.push_back(v.name());
  for (const auto &t : g.initializer())
    names.push_back(t.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      names.push_back(o);
  return names;
}

void mutateNode(onnx::GraphProto &g, onnx::NodeProto &n, Rng &rng) {
  switch (rng() % 8) {
  case 0:
  case 1:
    if (n.attribute_size()) {
      mutateAttribute(*n.mutable_attribute(pick(rng, n.attribute_size())), rng);
      return;
    }
    addAttribute(n, rng);
    return;
  case 2:
    if (n.attribute_size() && rng() % 2) {
      n.mutable_attribute()->DeleteSubrange(pick(rng, n.attribute_size()), 1);
      return;
    }
    addAttribute(n, rng);
    return;
  case 3:
    n.set_op_type(kOpTypes[pick(rng, std::size(kOpTypes))]);
    return;
  case 4: {
    std::vector<std::string> names = valueNames(g);
    if (n.input_size() && !names.empty())
      n.set_input(pick(rng, n.input_size()), names[pick(rng, names.size())]);
    return;
  }
  case 5:
    if (n.input_size() && rng() % 2)
      n.mutable_input()->RemoveLast();
    else
      n.add_input(rng() % 2 ? std::string() : n.input_size() ? n.input(0) : "x");
    return;
  case 6:
    if (n.input_size() > 1) {
      size_t i = pick(rng, n.input_size()), j = pick(rng, n.input_size());
      std::string tmp = n.input(i);
      n.set_input(i, n.input(j));
      n.set_input(j, tmp);
    }
    return;
  default:
    if (rng() % 2)
      n.add_output(n.output_size() ? n.output(0) + "_extra" : "y");
    else if (n.output_size())
      n.mutable_output()->RemoveLast();
    return;
  }
}

void mutateValueInfo(onnx::ValueInfoProto &v, Rng &rng) {
  auto *tt = v.mutable_type()->mutable_tensor_type();
  if (rng() % 4 == 0) {
    tt->set_elem_type(static_cast<int32_t>(rng() % 24));
    return;
  }
  auto *shape = tt->mutable_shape();
  if (!shape->dim_size() || rng() % 4 == 0) {
    shape->add_dim()->set_dim_value(interestingInt(rng, 1));
    return;
  }
  auto *d = shape->mutable_dim(pick(rng, shape->dim_size()));
  if (rng() % 5 == 0)
    d->set_dim_param("N");
  else
    d->set_dim_value(interestingInt(rng, d->has_dim_value() ? d->dim_value() : 1));
}

void mutateOnce(onnx::ModelProto &m, Rng &rng) {
  onnx::GraphProto &g = *m.mutable_graph();
  switch (rng() % 10) {
  case 0:
  case 1:
  case 2:
  case 3:
    if (g.node_size()) {
      mutateNode(g, *g.mutable_node(pick(rng, g.node_size())), rng);
      return;
    }
    break;
  case 4:
    if (g.initializer_size()) {
      mutateTensor(*g.mutable_initializer(pick(rng, g.initializer_size())), rng);
      return;
    }
    break;
  case 5: {
    // Inputs, outputs and value_info, one list drawn by its size.
    size_t n = g.input_size() + g.output_size() + g.value_info_size();
    if (!n)
      break;
    size_t i = pick(rng, n);
    if (i < static_cast<size_t>(g.input_size()))
      mutateValueInfo(*g.mutable_input(i), rng);
    else if ((i -= g.input_size()) < static_cast<size_t>(g.output_size()))
      mutateValueInfo(*g.mutable_output(i), rng);
    else
      mutateValueInfo(*g.mutable_value_info(i - g.output_size()), rng);
    return;
  }
  case 6:
    if (m.opset_import_size()) {
      auto *o = m.mutable_opset_import(pick(rng, m.opset_import_size()));
      o->set_version(static_cast<int64_t>(rng() % 22) + 1);
      return;
    }
    break;
  case 7:
    if (g.node_size() > 1) {
      g.mutable_node()->DeleteSubrange(pick(rng, g.node_size()), 1);
      return;
    }
    break;
  case 8:
    if (g.node_size()) {
      // A copy of a node placed at the end, reading what the original read.
      *g.add_node() = g.node(pick(rng, g.node_size()));
      return;
    }
    break;
  default:
    break;
  }
  // Fallback: a node attribute, the richest source of bad values.
  if (g.node_size())
    mutateNode(g, *g.mutable_node(pick(rng, g.node_size())), rng);
}

} // namespace

size_t mutateModel(uint8_t *data, size_t size, size_t maxSize, std::mt19937_64 &rng) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)) || !model.has_graph())
    return 0;
  for (size_t i = 0, e = 1 + rng() % 4; i < e; ++i)
    mutateOnce(model, rng);
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return 0;
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

} // namespace bnnc::fuzz

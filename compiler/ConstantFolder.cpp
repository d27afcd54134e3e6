//===- ConstantFolder.cpp - compile-time evaluation of ONNX nodes -*- C++ -*-===//
#include "compiler/ConstantFolder.h"

#include "compiler/OnnxAttributes.h"
#include "compiler/Validate.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace bnnc {
namespace {

/// Iterates over all multi-indices of `shape` in row-major order.
void forEachIndex(const std::vector<int64_t> &shape,
                  const std::function<void(const std::vector<int64_t> &, int64_t)> &fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    fn(idx, flat);
    for (int64_t i = static_cast<int64_t>(idx.size()) - 1; i >= 0; --i) {
      if (++idx[i] < shape[i])
        break;
      idx[i] = 0;
    }
  }
}

/// Strides of `t` read with numpy broadcasting as a tensor of `outShape` (ranks right-aligned):
/// 0 along the axes `t` lacks or has size 1.
std::vector<int64_t> broadcastStrides(const Tensor &t, const std::vector<int64_t> &outShape) {
  std::vector<int64_t> result(outShape.size(), 0), own = t.strides();
  size_t shift = outShape.size() - t.shape.size();
  for (size_t i = 0; i < t.shape.size(); ++i)
    result[i + shift] = t.shape[i] == 1 ? 0 : own[i];
  return result;
}

/// Walks `shape` in row-major order, calling fn(flat, a, b) where `a` and `b` are offsets that
/// advance by `stridesA` and `stridesB`: the element loops of broadcasting and reductions, with
/// the offsets kept up to date incrementally instead of recomputed from a multi-index.
template <typename Fn>
void forEachOffset(const std::vector<int64_t> &shape, const std::vector<int64_t> &stridesA,
                   const std::vector<int64_t> &stridesB, Fn fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n == 0)
    return;
  if (shape.empty()) {
    fn(0, 0, 0);
    return;
  }
  size_t rank = shape.size();
  std::vector<int64_t> idx(rank, 0);
  int64_t inner = shape[rank - 1], sa = stridesA[rank - 1], sb = stridesB[rank - 1];
  int64_t a = 0, b = 0;
  for (int64_t flat = 0; flat < n; flat += inner) {
    for (int64_t k = 0; k < inner; ++k)
      fn(flat + k, a + k * sa, b + k * sb);
    for (int64_t i = static_cast<int64_t>(rank) - 2; i >= 0; --i) {
      a += stridesA[i];
      b += stridesB[i];
      if (++idx[i] < shape[i])
        break;
      a -= stridesA[i] * shape[i];
      b -= stridesB[i] * shape[i];
      idx[i] = 0;
    }
  }
}

int64_t normAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

double roundHalfEven(double v) { return std::nearbyint(v); } // default FE_TONEAREST

struct Folder {
  const onnx::NodeProto &node;
  int opset;
  const std::vector<const Tensor *> &in;
  std::vector<Tensor> &out;
  std::string &error;
  /// Inputs the caller gives up (see evaluateNode): a result of their shape and type may be
  /// computed in their storage instead of a fresh weight-sized buffer.
  const std::vector<Tensor *> &donated;

  /// Input i, if donated and of `dtype` and `shape`.
  Tensor *donor(size_t i, int32_t dtype, const std::vector<int64_t> &shape) const {
    Tensor *d = i < donated.size() ? donated[i] : nullptr;
    return d && d->dtype == dtype && d->shape == shape ? d : nullptr;
  }

  bool fail(const std::string &msg) {
    error = msg;
    return false;
  }
  const Tensor *input(size_t i) const { return i < in.size() ? in[i] : nullptr; }

  // Folded values come from attributes and constants that nothing has checked against each
  // other yet (ONNX's inference skips what it cannot see): axes, permutations and result sizes
  // are checked before they index or allocate.
  bool axisFits(int64_t axis, int64_t rank) const { return axis >= 0 && axis < rank; }
  /// The axes normalized against `rank`, each within it; false on one that is not.
  bool normAxes(std::vector<int64_t> &axes, int64_t rank) {
    for (int64_t &a : axes) {
      a = normAxis(a, rank);
      if (!axisFits(a, rank))
        return fail(node.op_type() + " has an axis outside the rank " + std::to_string(rank));
    }
    return true;
  }
  bool sizeFits(const std::vector<int64_t> &shape) {
    if (!isBoundedShape(shape))
      return fail(node.op_type() + " would fold to a tensor with a negative dimension or more "
                                   "than 2^30 elements");
    return true;
  }

  // Results are filled in order into reserved storage rather than into a zero-filled tensor:
  // a weight-sized result is then written once, not zeroed and written (half the memory traffic
  // of folding a weight subgraph).
  // A donated input of the result's shape and type is overwritten in place (each element is
  // read before it is written, and a donated input is no other operand: the caller donates only
  // a constant this node reads once).
  template <typename Fn>
  bool unary(Fn fn) {
    if (Tensor *d = donor(0, in[0]->dtype, in[0]->shape)) {
      for (double &x : d->data)
        x = d->cast(fn(x));
      out.push_back(std::move(*d));
      return true;
    }
    Tensor r = Tensor::reserved(in[0]->dtype, in[0]->shape);
    for (double x : in[0]->data)
      r.data.push_back(r.cast(fn(x)));
    out.push_back(std::move(r));
    return true;
  }

  template <typename Fn>
  bool binary(int32_t resultType, Fn fn) {
    std::vector<int64_t> shape;
    if (!broadcastShapes(in[0]->shape, in[1]->shape, shape))
      return fail("operand shapes do not broadcast");
    std::vector<int64_t> sa = broadcastStrides(*in[0], shape), sb = broadcastStrides(*in[1], shape);
    // forEachOffset visits the result's elements in order; a donated operand of the result's
    // shape is read at the result's own offset.
    for (size_t k = 0; k < 2; ++k) {
      Tensor *d = donor(k, resultType, shape);
      if (!d)
        continue;
      std::vector<double> &r = d->data;
      const std::vector<double> &other = in[1 - k]->data;
      if (k == 0)
        forEachOffset(shape, sa, sb, [&](int64_t o, int64_t, int64_t j) { r[o] = d->cast(fn(r[o], other[j])); });
      else
        forEachOffset(shape, sa, sb, [&](int64_t o, int64_t i, int64_t) { r[o] = d->cast(fn(other[i], r[o])); });
      out.push_back(std::move(*d));
      return true;
    }
    Tensor r = Tensor::reserved(resultType, shape);
    const std::vector<double> &a = in[0]->data, &b = in[1]->data;
    forEachOffset(shape, sa, sb,
                  [&](int64_t, int64_t i, int64_t j) { r.data.push_back(r.cast(fn(a[i], b[j]))); });
    out.push_back(std::move(r));
    return true;
  }

  bool reduce(const std::string &kind) {
    const Tensor &x = *in[0];
    std::vector<int64_t> axes;
    bool haveAxes = findAttr(node, "axes") != nullptr;
    axes = attrInts(node, "axes");
    if (!haveAxes && input(1)) {
      axes = input(1)->toInts();
      haveAxes = true;
    }
    bool keep = attrInt(node, "keepdims", 1) != 0;
    if (axes.empty()) {
      if (attrInt(node, "noop_with_empty_axes", 0)) {
        out.push_back(x);
        return true;
      }
      for (int64_t i = 0; i < x.rank(); ++i)
        axes.push_back(i);
    }
    if (!normAxes(axes, x.rank()))
      return false;
    std::set<int64_t> axisSet;
    for (int64_t a : axes)
      axisSet.insert(normAxis(a, x.rank()));
    std::vector<int64_t> keptShape, outShape;
    int64_t count = 1;
    for (int64_t i = 0; i < x.rank(); ++i) {
      bool reduced = axisSet.count(i) > 0;
      keptShape.push_back(reduced ? 1 : x.shape[i]);
      if (reduced)
        count *= x.shape[i];
      if (!reduced || keep)
        outShape.push_back(reduced ? 1 : x.shape[i]);
    }
    double init = kind == "max" ? -INFINITY : kind == "min" ? INFINITY : kind == "prod" ? 1 : 0;
    Tensor acc(kDouble, keptShape);
    std::fill(acc.data.begin(), acc.data.end(), init);
    // The accumulator's strides along x's axes: 0 along the reduced ones.
    std::vector<int64_t> accStrides = acc.strides(), xStrides = x.strides();
    for (int64_t i = 0; i < x.rank(); ++i)
      if (axisSet.count(i))
        accStrides[i] = 0;
    auto accumulate = [&](auto op) {
      forEachOffset(x.shape, xStrides, accStrides, [&](int64_t, int64_t i, int64_t o) {
        acc.data[o] = op(acc.data[o], x.data[i]);
      });
    };
    if (kind == "max")
      accumulate([](double a, double v) { return std::max(a, v); });
    else if (kind == "min")
      accumulate([](double a, double v) { return std::min(a, v); });
    else if (kind == "prod")
      accumulate([](double a, double v) { return a * v; });
    else
      accumulate([](double a, double v) { return a + v; });
    Tensor r = Tensor::reserved(x.dtype, outShape);
    for (double a : acc.data)
      r.data.push_back(r.cast(kind == "mean" ? a / static_cast<double>(count) : a));
    out.push_back(std::move(r));
    return true;
  }

  bool reshapeTo(const Tensor &x, const std::vector<int64_t> &shape) {
    Tensor probe; // shape only
    probe.shape = shape;
    if (probe.numel() != x.numel())
      return fail("cannot reshape " + std::to_string(x.numel()) + " elements to the requested shape");
    // The data moves when the input is donated (a reshaped weight), else it is copied.
    Tensor *d = &x == in[0] ? donor(0, x.dtype, x.shape) : nullptr;
    Tensor r;
    if (d)
      r = std::move(*d);
    else
      r = x;
    r.shape = shape;
    out.push_back(std::move(r));
    return true;
  }

  bool run() {
    const std::string &op = node.op_type();
    auto isFloat = [&](const Tensor *t) { return t->dtype == kFloat || t->dtype == kDouble; };
    // An empty input name is an absent optional input (null here). Only these ops have optional
    // inputs after the first; every other op needs all of its inputs.
    static const std::set<std::string> optionalInputs = {
        "Clip", "Slice", "Pad", "QuantizeLinear", "DequantizeLinear", "Squeeze", "Unsqueeze",
        "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "Split", "Resize",
        "Constant", "ConstantOfShape"};
    for (size_t i = 0; i < in.size(); ++i)
      if (!in[i] && (i == 0 || !optionalInputs.count(op)))
        return fail("input " + std::to_string(i) + " is empty, but " + op + " needs it");

    if (op == "Identity") {
      if (Tensor *d = donor(0, in[0]->dtype, in[0]->shape))
        out.push_back(std::move(*d));
      else
        out.push_back(*in[0]);
      return true;
    }
    if (op == "Constant") {
      for (const auto &a : node.attribute()) {
        if (a.name() == "value") {
          Tensor t;
          if (!tensorFromProto(a.t(), t, error))
            return false;
          out.push_back(std::move(t));
        } else if (a.name() == "value_float") {
          out.push_back(Tensor(kFloat, {}, {a.f()}));
        } else if (a.name() == "value_floats") {
          out.push_back(Tensor(kFloat, {a.floats_size()},
                               std::vector<double>(a.floats().begin(), a.floats().end())));
        } else if (a.name() == "value_int") {
          out.push_back(Tensor(kInt64, {}, {static_cast<double>(a.i())}));
        } else if (a.name() == "value_ints") {
          out.push_back(Tensor(kInt64, {a.ints_size()},
                               std::vector<double>(a.ints().begin(), a.ints().end())));
        } else {
          return fail("Constant attribute '" + a.name() + "' is not supported");
        }
      }
      if (out.size() != 1)
        return fail("Constant must have exactly one value attribute");
      return true;
    }
    if (op == "ConstantOfShape") {
      Tensor value(kFloat, {}, {0.0});
      if (const auto *a = findAttr(node, "value"))
        if (!tensorFromProto(a->t(), value, error))
          return false;
      if (!sizeFits(in[0]->toInts()))
        return false;
      Tensor r(value.dtype, in[0]->toInts());
      std::fill(r.data.begin(), r.data.end(), value.data.empty() ? 0.0 : value.data[0]);
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Shape") {
      int64_t rank = in[0]->rank();
      int64_t start = normAxis(attrInt(node, "start", 0), rank);
      int64_t end = findAttr(node, "end") ? normAxis(attrInt(node, "end", rank), rank) : rank;
      start = std::clamp<int64_t>(start, 0, rank);
      end = std::clamp<int64_t>(end, start, rank);
      std::vector<double> dims(in[0]->shape.begin() + start, in[0]->shape.begin() + end);
      out.push_back(Tensor(kInt64, {end - start}, dims));
      return true;
    }
    if (op == "Cast") {
      Tensor r(static_cast<int32_t>(attrInt(node, "to", kFloat)), in[0]->shape);
      if (!isSupportedDType(r.dtype))
        return fail(std::string("Cast to ") + dtypeName(r.dtype) + " is not supported");
      for (size_t i = 0; i < r.data.size(); ++i)
        r.data[i] = r.cast(in[0]->data[i]);
      out.push_back(std::move(r));
      return true;
    }
    // Element-wise unary ops.
    if (op == "Abs") return unary([](double v) { return std::fabs(v); });
    if (op == "Neg") return unary([](double v) { return -v; });
    if (op == "Sign") return unary([](double v) { return std::isnan(v) ? v : double((v > 0) - (v < 0)); });
    if (op == "Sqrt") return unary([](double v) { return std::sqrt(v); });
    if (op == "Exp") return unary([](double v) { return std::exp(v); });
    if (op == "Log") return unary([](double v) { return std::log(v); });
    if (op == "Round") return unary(roundHalfEven);
    if (op == "Floor") return unary([](double v) { return std::floor(v); });
    if (op == "Ceil") return unary([](double v) { return std::ceil(v); });
    if (op == "Reciprocal") return unary([](double v) { return 1.0 / v; });
    if (op == "Relu") return unary([](double v) { return v > 0 ? v : 0.0; });
    if (op == "Sigmoid") return unary([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
    if (op == "Tanh") return unary([](double v) { return std::tanh(v); });
    if (op == "Not") return unary([](double v) { return v == 0.0 ? 1.0 : 0.0; });
    // Element-wise binary ops, numpy broadcasting.
    if (op == "Add") return binary(in[0]->dtype, [](double a, double b) { return a + b; });
    if (op == "Sub") return binary(in[0]->dtype, [](double a, double b) { return a - b; });
    if (op == "Mul") return binary(in[0]->dtype, [](double a, double b) { return a * b; });
    if (op == "Div") {
      if (isFloat(in[0]))
        return binary(in[0]->dtype, [](double a, double b) { return a / b; });
      for (double b : in[1]->data)
        if (b == 0)
          return fail("integer division by zero");
      return binary(in[0]->dtype, [](double a, double b) { return std::trunc(a / b); });
    }
    if (op == "Pow") return binary(in[0]->dtype, [](double a, double b) { return std::pow(a, b); });
    if (op == "Max" && in.size() == 2) return binary(in[0]->dtype, [](double a, double b) { return std::max(a, b); });
    if (op == "Min" && in.size() == 2) return binary(in[0]->dtype, [](double a, double b) { return std::min(a, b); });
    if (op == "Equal") return binary(kBool, [](double a, double b) { return double(a == b); });
    if (op == "Greater") return binary(kBool, [](double a, double b) { return double(a > b); });
    if (op == "GreaterOrEqual") return binary(kBool, [](double a, double b) { return double(a >= b); });
    if (op == "Less") return binary(kBool, [](double a, double b) { return double(a < b); });
    if (op == "LessOrEqual") return binary(kBool, [](double a, double b) { return double(a <= b); });
    if (op == "And") return binary(kBool, [](double a, double b) { return double(a != 0 && b != 0); });
    if (op == "Or") return binary(kBool, [](double a, double b) { return double(a != 0 || b != 0); });
    if (op == "Where") {
      std::vector<int64_t> s1, shape;
      if (!broadcastShapes(in[0]->shape, in[1]->shape, s1) ||
          !broadcastShapes(s1, in[2]->shape, shape))
        return fail("operand shapes do not broadcast");
      Tensor r(in[1]->dtype, shape);
      forEachIndex(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        r.data[flat] = in[0]->broadcastAt(idx) != 0 ? in[1]->broadcastAt(idx) : in[2]->broadcastAt(idx);
      });
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Clip") {
      double lo = -INFINITY, hi = INFINITY;
      if (opset < 11) {
        lo = attrFloat(node, "min", -INFINITY);
        hi = attrFloat(node, "max", INFINITY);
      } else {
        if (input(1) && !input(1)->data.empty()) lo = input(1)->data[0];
        if (input(2) && !input(2)->data.empty()) hi = input(2)->data[0];
      }
      return unary([&](double v) { return std::min(std::max(v, lo), hi); });
    }
    if (op == "ReduceMean") return reduce("mean");
    if (op == "ReduceSum") return reduce("sum");
    if (op == "ReduceMax") return reduce("max");
    if (op == "ReduceMin") return reduce("min");
    if (op == "ReduceProd") return reduce("prod");
    if (op == "Reshape") {
      std::vector<int64_t> shape = in[1]->toInts();
      bool allowZero = attrInt(node, "allowzero", 0) != 0;
      int64_t known = 1, inferred = -1;
      for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 0 && !allowZero) {
          if (i >= in[0]->shape.size())
            return fail("Reshape copies dimension " + std::to_string(i) + " that the input lacks");
          shape[i] = in[0]->shape[i];
        }
        if (shape[i] == -1) {
          if (inferred >= 0)
            return fail("Reshape has two -1 dimensions");
          inferred = static_cast<int64_t>(i);
        } else if (shape[i] < 0 || __builtin_mul_overflow(known, shape[i], &known)) {
          return fail("Reshape to a negative or overflowing shape");
        }
      }
      if (inferred >= 0)
        shape[inferred] = known ? in[0]->numel() / known : 0;
      return reshapeTo(*in[0], shape);
    }
    if (op == "Flatten") {
      int64_t axis = normAxis(attrInt(node, "axis", 1), in[0]->rank());
      int64_t outer = 1;
      for (int64_t i = 0; i < axis; ++i)
        outer *= in[0]->shape[i];
      return reshapeTo(*in[0], {outer, outer ? in[0]->numel() / outer : 0});
    }
    if (op == "Squeeze" || op == "Unsqueeze") {
      std::vector<int64_t> axes;
      axes = attrInts(node, "axes");
      if (!findAttr(node, "axes") && input(1))
        axes = input(1)->toInts();
      std::vector<int64_t> shape = in[0]->shape;
      if (op == "Squeeze") {
        if (!normAxes(axes, in[0]->rank()))
          return false;
        std::set<int64_t> drop;
        for (int64_t a : axes)
          drop.insert(normAxis(a, in[0]->rank()));
        std::vector<int64_t> s;
        for (int64_t i = 0; i < in[0]->rank(); ++i)
          if (!(axes.empty() ? shape[i] == 1 : drop.count(i) > 0))
            s.push_back(shape[i]);
        return reshapeTo(*in[0], s);
      }
      int64_t outRank = in[0]->rank() + static_cast<int64_t>(axes.size());
      std::set<int64_t> add;
      for (int64_t a : axes)
        if (int64_t n = normAxis(a, outRank); n < 0 || n >= outRank || !add.insert(n).second)
          return fail("Unsqueeze axes must be distinct and within the output's rank");
      std::vector<int64_t> s;
      size_t k = 0;
      for (int64_t i = 0; i < outRank; ++i)
        s.push_back(add.count(i) ? 1 : shape[k++]);
      return reshapeTo(*in[0], s);
    }
    if (op == "Transpose") {
      std::vector<int64_t> perm;
      perm = attrInts(node, "perm");
      if (!findAttr(node, "perm"))
        for (int64_t i = in[0]->rank() - 1; i >= 0; --i)
          perm.push_back(i);
      std::vector<int64_t> sorted = perm;
      std::sort(sorted.begin(), sorted.end());
      for (size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != static_cast<int64_t>(i) || sorted.size() != in[0]->shape.size())
          return fail("Transpose perm is not a permutation of the input's axes");
      out.push_back(transpose(*in[0], perm));
      return true;
    }
    if (op == "Concat") {
      int64_t rank = in[0]->rank();
      int64_t axis = normAxis(attrInt(node, "axis", 0), rank);
      if (!axisFits(axis, rank))
        return fail("Concat axis is outside the inputs' rank");
      for (const Tensor *t : in)
        for (int64_t i = 0; i < rank; ++i)
          if (t->rank() != rank || (i != axis && t->shape[i] != in[0]->shape[i]))
            return fail("Concat inputs differ in rank or in a dimension other than the axis");
      std::vector<int64_t> shape = in[0]->shape;
      shape[axis] = 0;
      for (const Tensor *t : in)
        shape[axis] += t->shape[axis];
      Tensor r(in[0]->dtype, shape);
      int64_t outer = 1, inner = 1;
      for (int64_t i = 0; i < axis; ++i)
        outer *= shape[i];
      for (int64_t i = axis + 1; i < rank; ++i)
        inner *= shape[i];
      int64_t pos = 0;
      for (int64_t o = 0; o < outer; ++o)
        for (const Tensor *t : in) {
          int64_t chunk = t->shape[axis] * inner;
          std::copy(t->data.begin() + o * chunk, t->data.begin() + (o + 1) * chunk, r.data.begin() + pos);
          pos += chunk;
        }
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Gather") {
      const Tensor &x = *in[0];
      int64_t axis = normAxis(attrInt(node, "axis", 0), x.rank());
      if (!axisFits(axis, x.rank()))
        return fail("Gather axis is outside the data's rank");
      std::vector<int64_t> idx = in[1]->toInts();
      for (int64_t &i : idx) {
        if (i < 0)
          i += x.shape[axis];
        if (i < 0 || i >= x.shape[axis])
          return fail("Gather index out of range");
      }
      std::vector<int64_t> shape(x.shape.begin(), x.shape.begin() + axis);
      shape.insert(shape.end(), in[1]->shape.begin(), in[1]->shape.end());
      shape.insert(shape.end(), x.shape.begin() + axis + 1, x.shape.end());
      int64_t outer = 1, inner = 1;
      for (int64_t i = 0; i < axis; ++i)
        outer *= x.shape[i];
      for (int64_t i = axis + 1; i < x.rank(); ++i)
        inner *= x.shape[i];
      Tensor r(x.dtype, shape);
      int64_t pos = 0;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t j : idx) {
          if (j < 0)
            j += x.shape[axis];
          if (j < 0 || j >= x.shape[axis])
            return fail("Gather index out of range");
          auto src = x.data.begin() + (o * x.shape[axis] + j) * inner;
          std::copy(src, src + inner, r.data.begin() + pos);
          pos += inner;
        }
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Slice") {
      const Tensor &x = *in[0];
      std::vector<int64_t> starts, ends, axes, steps;
      if (opset < 10) {
        starts = attrInts(node, "starts");
        ends = attrInts(node, "ends");
        axes = attrInts(node, "axes");
      } else {
        starts = in[1]->toInts();
        ends = in[2]->toInts();
        if (input(3)) axes = input(3)->toInts();
        if (input(4)) steps = input(4)->toInts();
      }
      if (axes.empty())
        for (size_t i = 0; i < starts.size(); ++i)
          axes.push_back(static_cast<int64_t>(i));
      if (steps.empty())
        steps.assign(starts.size(), 1);
      if (ends.size() != starts.size() || axes.size() != starts.size() ||
          steps.size() != starts.size())
        return fail("Slice starts, ends, axes and steps differ in length");
      if (!normAxes(axes, x.rank()))
        return false;
      std::vector<int64_t> begin(x.rank(), 0), step(x.rank(), 1), shape = x.shape;
      for (size_t k = 0; k < axes.size(); ++k) {
        int64_t a = normAxis(axes[k], x.rank()), d = x.shape[a], s = steps[k];
        if (s == 0)
          return fail("Slice step is 0");
        int64_t b = starts[k] < 0 ? starts[k] + d : starts[k];
        int64_t e = ends[k] < 0 ? ends[k] + d : ends[k];
        if (s > 0) {
          b = std::clamp<int64_t>(b, 0, d);
          e = std::clamp<int64_t>(e, 0, d);
          shape[a] = e > b ? (e - b + s - 1) / s : 0;
        } else {
          b = std::clamp<int64_t>(b, 0, d - 1);
          e = std::clamp<int64_t>(e, -1, d - 1);
          shape[a] = b > e ? (b - e - s - 1) / (-s) : 0;
        }
        begin[a] = b;
        step[a] = s;
      }
      Tensor r(x.dtype, shape);
      std::vector<int64_t> xs = x.strides();
      forEachIndex(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        int64_t src = 0;
        for (int64_t i = 0; i < x.rank(); ++i)
          src += (begin[i] + idx[i] * step[i]) * xs[i];
        r.data[flat] = x.data[src];
      });
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Expand") {
      std::vector<int64_t> shape;
      if (!broadcastShapes(in[0]->shape, in[1]->toInts(), shape))
        return fail("Expand shape does not broadcast");
      if (!sizeFits(shape))
        return false;
      Tensor r(in[0]->dtype, shape);
      forEachIndex(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        r.data[flat] = in[0]->broadcastAt(idx);
      });
      out.push_back(std::move(r));
      return true;
    }
    // QONNX quantizers on constants: weights given as BipolarQuant/Quant(initializer).
    if ((op == "BipolarQuant" || op == "MultiThreshold") && (in.size() < 2 || !in[1]))
      return fail(op + " expects 2 inputs");
    if (op == "Quant" && (in.size() < 4 || !in[1] || !in[2] || !in[3]))
      return fail("Quant expects 4 inputs");
    if (op == "BipolarQuant") {
      // x >= 0 ? scale : -scale
      return binary(kFloat, [](double x, double sc) {
        return (static_cast<float>(x) >= 0.0f ? 1.0 : -1.0) * sc;
      });
    }
    if (op == "Quant") {
      // QONNX int_quant: v = x / s + z; q = 1-bit signed ? bipolar(v) : rnd(clamp(v));
      // y = (q - z) * s. Scale and zero point broadcast against x.
      if (!input(3) || input(3)->numel() != 1)
        return fail("the bit width must be one constant value");
      double bits = input(3)->data[0];
      if (!(bits >= 1 && bits <= 32) || bits != std::floor(bits))
        return fail("the bit width must be one integer in [1, 32]");
      bool isSigned = attrInt(node, "signed", 1) != 0, narrow = attrInt(node, "narrow", 0) != 0;
      std::string mode = "ROUND";
      if (const auto *a = findAttr(node, "rounding_mode"))
        mode = a->s();
      double qmin = isSigned ? -std::ldexp(1.0, static_cast<int>(bits) - 1) + (narrow ? 1 : 0) : 0;
      double qmax = isSigned ? std::ldexp(1.0, static_cast<int>(bits) - 1) - 1
                             : std::ldexp(1.0, static_cast<int>(bits)) - 1 - (narrow ? 1 : 0);
      std::vector<int64_t> s1, shape;
      if (!broadcastShapes(in[0]->shape, in[1]->shape, s1) || !broadcastShapes(s1, in[2]->shape, shape))
        return fail("operand shapes do not broadcast");
      Tensor r(kFloat, shape);
      forEachIndex(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        float x = static_cast<float>(in[0]->broadcastAt(idx));
        float sc = static_cast<float>(in[1]->broadcastAt(idx)), z = static_cast<float>(in[2]->broadcastAt(idx));
        float v = x / sc + z, q;
        if (isSigned && bits == 1) {
          q = v >= 0 ? 1.0f : -1.0f;
        } else {
          v = std::min(std::max(v, static_cast<float>(qmin)), static_cast<float>(qmax));
          q = mode == "CEIL" ? std::ceil(v) : mode == "FLOOR" ? std::floor(v)
              : mode == "ROUND_TO_ZERO" ? std::trunc(v) : std::nearbyint(v);
        }
        r.data[flat] = static_cast<float>((q - z) * sc);
      });
      out.push_back(std::move(r));
      return true;
    }
    if (op == "MultiThreshold") {
      const Tensor &x = *in[0], &t = *in[1];
      if (t.rank() != 2)
        return fail("thresholds must be [C, B]");
      std::string layout = "NCHW";
      if (const auto *a = findAttr(node, "data_layout"))
        layout = a->s();
      int64_t axis = layout == "NHWC" ? x.rank() - 1 : (x.rank() > 1 ? 1 : 0);
      if (x.rank() < 1 || t.rank() != 2 || (t.shape[0] != 1 && t.shape[0] != x.shape[axis]))
        return fail("MultiThreshold thresholds must be [1 or channels, steps]");
      float scale = attrFloat(node, "out_scale", 1.0f), bias = attrFloat(node, "out_bias", 0.0f);
      Tensor r(kFloat, x.shape);
      forEachIndex(x.shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        int64_t row = t.shape[0] == 1 ? 0 : idx[axis];
        float count = 0;
        for (int64_t b = 0; b < t.shape[1]; ++b)
          count += static_cast<float>(x.data[flat]) >= static_cast<float>(t.data[row * t.shape[1] + b]) ? 1.0f : 0.0f;
        r.data[flat] = scale * count + bias;
      });
      out.push_back(std::move(r));
      return true;
    }
    // Quantize/DequantizeLinear on constants (int8 weights), per tensor or per axis.
    if (op == "DequantizeLinear" || op == "QuantizeLinear") {
      const Tensor &x = *in[0];
      int64_t axis = normAxis(attrInt(node, "axis", 1), x.rank());
      for (const Tensor *p : {input(1), input(2)})
        if (p && p->numel() != 1 &&
            (axis < 0 || axis >= x.rank() || p->numel() != x.shape[axis]))
          return fail("a per-axis scale or zero point must have one value per element of the axis");
      auto param = [&](const Tensor *p, int64_t flatIdx, const std::vector<int64_t> &idx) {
        (void)flatIdx;
        if (!p || p->numel() == 1)
          return p ? p->data[0] : 0.0;
        return p->data[idx[axis]];
      };
      int32_t outType = kFloat;
      if (op == "QuantizeLinear")
        outType = input(2) ? input(2)->dtype : kUInt8;
      Tensor r(outType, x.shape);
      forEachIndex(x.shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
        double sc = param(input(1), flat, idx), z = param(input(2), flat, idx);
        if (op == "DequantizeLinear") {
          r.data[flat] = static_cast<float>(static_cast<float>(x.data[flat] - z) * static_cast<float>(sc));
        } else {
          double lo = outType == kUInt8 ? 0 : -128, hi = outType == kUInt8 ? 255 : 127;
          double q = std::nearbyint(static_cast<float>(x.data[flat]) / static_cast<float>(sc)) + z;
          r.data[flat] = std::min(std::max(q, lo), hi);
        }
      });
      out.push_back(std::move(r));
      return true;
    }
    if (op == "Range") {
      double start = in[0]->data.at(0), limit = in[1]->data.at(0), delta = in[2]->data.at(0);
      if (delta == 0)
        return fail("Range delta is 0");
      double count = std::ceil((limit - start) / delta);
      if (!(count <= double(kMaxTensorElements)))
        return fail("Range would fold to more than 2^30 elements");
      int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
      Tensor r(in[0]->dtype, {n});
      for (int64_t i = 0; i < n; ++i)
        r.data[i] = r.cast(start + i * delta);
      out.push_back(std::move(r));
      return true;
    }
    return false; // not an op the folder knows: left for inference
  }
};

} // namespace

const std::vector<std::string> &compileTimeOnlyOps() {
  static const std::vector<std::string> ops = {"And",   "Constant", "ConstantOfShape", "Not",
                                               "Or",    "Range",    "ReduceProd",      "Shape"};
  return ops;
}

FoldStatus evaluateNode(const onnx::NodeProto &node, int opset,
                        const std::vector<const Tensor *> &inputs, std::vector<Tensor> &outputs,
                        std::string &error, const std::vector<Tensor *> &donated) {
  outputs.clear();
  error.clear();
  bool qonnx = node.domain() == "qonnx.custom_op.general" || node.domain() == "onnx.brevitas" ||
               node.domain() == "finn.custom_op.general" || node.domain() == "finn";
  if (!node.domain().empty() && node.domain() != "ai.onnx" && !qonnx)
    return FoldStatus::NotFoldable;
  if (qonnx && node.op_type() != "BipolarQuant" && node.op_type() != "Quant" &&
      node.op_type() != "MultiThreshold")
    return FoldStatus::NotFoldable;
  if (inputs.empty() && node.op_type() != "Constant")
    return FoldStatus::NotFoldable;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i] && i == 0)
      return FoldStatus::NotFoldable;
  Folder folder{node, opset, inputs, outputs, error, donated};
  if (folder.run()) {
    if (outputs.size() < static_cast<size_t>(node.output_size()))
      return FoldStatus::NotFoldable;
    return FoldStatus::Folded;
  }
  return error.empty() ? FoldStatus::NotFoldable : FoldStatus::Error;
}

namespace {

int defaultOpset(const onnx::ModelProto &model) {
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return static_cast<int>(o.version());
  return 1;
}

/// The static shape of `name` from the graph's inputs, outputs and value_info, if known.
bool staticShape(const onnx::GraphProto &g, const std::string &name, std::vector<int64_t> &shape) {
  auto fromValue = [&](const onnx::ValueInfoProto &v) {
    if (v.name() != name || !v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
      return false;
    shape.clear();
    for (const auto &d : v.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value())
        return false;
      shape.push_back(d.dim_value());
    }
    return true;
  };
  for (const auto &v : g.value_info())
    if (fromValue(v))
      return true;
  for (const auto &v : g.input())
    if (fromValue(v))
      return true;
  for (const auto &v : g.output())
    if (fromValue(v))
      return true;
  return false;
}

} // namespace

bool foldConstants(onnx::ModelProto &model, ConstantMap &constants, std::string &error) {
  int opset = defaultOpset(model);
  onnx::GraphProto *graph = model.mutable_graph();
  // Names the graph itself exposes; their constants are never dropped.
  std::set<std::string> pinned;
  for (const auto &v : graph->input())
    pinned.insert(v.name());
  for (const auto &v : graph->output())
    pinned.insert(v.name());
  bool changed = true;
  while (changed) {
    changed = false;
    // Readers left of each name. A constant whose last reader is folded is dropped at once (with
    // its initializer, below): otherwise every weight subgraph's W, |W|, mean|W|, sign(W) and
    // product would stay in memory together, gigabytes for a large model.
    std::map<std::string, int> readers;
    for (const onnx::NodeProto &node : graph->node())
      for (const std::string &name : node.input())
        if (!name.empty())
          ++readers[name];
    bool dropped = false;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (const onnx::NodeProto &node : graph->node()) {
      std::vector<const Tensor *> inputs;
      // A constant this node alone reads (once) and nothing pins is dropped after the fold
      // anyway: the folder may compute the result in its storage (W -> |W| -> ... in place).
      std::vector<Tensor *> donated;
      bool allConstant = true;
      for (const std::string &name : node.input()) {
        if (name.empty()) {
          inputs.push_back(nullptr);
          donated.push_back(nullptr);
          continue;
        }
        auto it = constants.find(name);
        if (it == constants.end()) {
          allConstant = false;
          break;
        }
        inputs.push_back(&it->second);
        // (Nodes with one output only: the folder's status check of a multi-output node comes
        // after the evaluation.)
        donated.push_back(readers[name] == 1 && !pinned.count(name) && node.output_size() == 1
                              ? &it->second
                              : nullptr);
      }
      Tensor shapeOf;
      if (!allConstant && node.op_type() == "Shape" && node.domain().empty()) {
        // Shape of a statically shaped value is a constant: feed the evaluator a stand-in tensor
        // with that shape (its values are never read).
        std::vector<int64_t> shape;
        if (staticShape(*graph, node.input(0), shape)) {
          shapeOf.dtype = kFloat;
          shapeOf.shape = shape;
          inputs = {&shapeOf};
          allConstant = true;
        }
      }
      std::vector<Tensor> outputs;
      FoldStatus status = FoldStatus::NotFoldable;
      if (allConstant) {
        std::string err;
        status = evaluateNode(node, opset, inputs, outputs, err, donated);
        if (status == FoldStatus::Error) {
          // Unnamed nodes are named by their first output (folding renumbers the graph).
          error = (node.name().empty()
                       ? "the node producing '" + (node.output_size() ? node.output(0) : "") + "'"
                       : "node '" + node.name() + "'") +
                  " (" + node.op_type() + "): " + err;
          return false;
        }
      }
      if (status == FoldStatus::Folded) {
        for (int i = 0; i < node.output_size(); ++i)
          if (!node.output(i).empty())
            constants[node.output(i)] = std::move(outputs[i]);
        changed = true;
        for (const std::string &name : node.input())
          if (!name.empty() && --readers[name] == 0 && !pinned.count(name) && constants.erase(name))
            dropped = true;
      } else {
        *kept.Add() = node;
      }
    }
    graph->mutable_node()->Swap(&kept);
    if (dropped) {
      google::protobuf::RepeatedPtrField<onnx::TensorProto> live;
      for (auto &init : *graph->mutable_initializer())
        if (constants.count(init.name()) || pinned.count(init.name()))
          live.Add()->Swap(&init);
      graph->mutable_initializer()->Swap(&live);
    }
    if (changed) {
      // Folded values that remaining nodes read become initializers, so that shape inference
      // sees them (a Reshape's target shape, a Slice's bounds).
      std::set<std::string> initializers;
      for (const auto &init : graph->initializer())
        initializers.insert(init.name());
      for (const onnx::NodeProto &node : graph->node())
        for (const std::string &name : node.input()) {
          auto it = constants.find(name);
          if (it != constants.end() && initializers.insert(name).second)
            tensorToProto(it->second, name, *graph->add_initializer());
        }
      // Drop value_info recorded for folded values: shape inference may have left them without
      // a shape (ahead of the fold), and that entry would hide the initializer's.
      google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> info;
      for (const auto &v : graph->value_info())
        if (!constants.count(v.name()))
          *info.Add() = v;
      graph->mutable_value_info()->Swap(&info);
      try {
        onnx::shape_inference::InferShapes(model, guardedSchemaRegistry());
      } catch (const std::exception &) {
        // The importer reruns shape inference and reports its errors.
      }
    }
  }
  return true;
}

} // namespace bnnc

//===- Tensor.cpp - constant tensors at compile time ------------*- C++ -*-===//
#include "compiler/Tensor.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace bnnc {

const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case kFloat: return "float32";
  case kUInt8: return "uint8";
  case kInt8: return "int8";
  case kInt32: return "int32";
  case kInt64: return "int64";
  case kBool: return "bool";
  case kDouble: return "float64";
  case 10: return "float16";
  case 16: return "bfloat16";
  case 4: return "uint16";
  case 5: return "int16";
  case 8: return "string";
  case 12: return "uint32";
  case 13: return "uint64";
  case 14: return "complex64";
  case 15: return "complex128";
  default: return "unknown";
  }
}

bool isSupportedDType(int32_t dtype) {
  switch (dtype) {
  case kFloat: case kUInt8: case kInt8: case kInt32: case kInt64: case kBool: case kDouble:
    return true;
  default:
    return false;
  }
}

Tensor::Tensor(int32_t dtype, std::vector<int64_t> shape) : dtype(dtype), shape(std::move(shape)) {
  data.assign(static_cast<size_t>(numel()), 0.0);
}

Tensor Tensor::reserved(int32_t dtype, std::vector<int64_t> shape) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data.reserve(static_cast<size_t>(t.numel()));
  return t;
}

Tensor::Tensor(int32_t dtype, std::vector<int64_t> shape, std::vector<double> values)
    : dtype(dtype), shape(std::move(shape)), data(std::move(values)) {
  for (double &v : data)
    v = cast(v);
}

int64_t boundedElementCount(llvm::ArrayRef<int64_t> shape) {
  for (int64_t d : shape)
    if (d < 0)
      return -1;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d == 0)
      return 0;
    if (d > kMaxTensorElements / n)
      return -1;
    n *= d;
  }
  return n;
}

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> Tensor::strides() const {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t i = rank() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

static double wrapInt(double v, double lo, double span) {
  // C-style conversion: truncate toward zero, then wrap modulo the type's range.
  double t = std::trunc(v);
  if (!std::isfinite(t))
    return 0;
  double r = std::fmod(t - lo, span);
  if (r < 0)
    r += span;
  return r + lo;
}

double Tensor::castOther(double v) const {
  switch (dtype) {
  case kFloat: return static_cast<double>(static_cast<float>(v));
  case kBool: return v != 0.0 ? 1.0 : 0.0;
  case kInt8: return wrapInt(v, -128.0, 256.0);
  case kUInt8: return wrapInt(v, 0.0, 256.0);
  case kInt32: return wrapInt(v, -2147483648.0, 4294967296.0);
  case kInt64: return std::isfinite(v) ? std::trunc(v) : 0.0;
  default: return v;
  }
}

double Tensor::broadcastAt(const std::vector<int64_t> &outIndex) const {
  int64_t offset = 0, stride = 1;
  int64_t shift = static_cast<int64_t>(outIndex.size()) - rank();
  for (int64_t i = rank() - 1; i >= 0; --i) {
    int64_t idx = shape[i] == 1 ? 0 : outIndex[i + shift];
    offset += idx * stride;
    stride *= shape[i];
  }
  return data[offset];
}

/// `v` as int64, clamped to its range.
static int64_t clampToInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9.2e18)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9.2e18)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::vector<int64_t> Tensor::toInts() const {
  std::vector<int64_t> out;
  out.reserve(data.size());
  for (double v : data)
    out.push_back(clampToInt64(v));
  return out;
}

std::vector<float> Tensor::toFloats() const {
  return std::vector<float>(data.begin(), data.end());
}

// Raw little-endian values, appended in one pass (no zero fill first: a weight tensor is
// written once).
template <typename T>
static void readRaw(const std::string &raw, std::vector<double> &out) {
  size_t n = raw.size() / sizeof(T);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<double>(v));
  }
}

bool tensorFromProto(const onnx::TensorProto &proto, Tensor &out, std::string &error) {
  out = Tensor();
  out.dtype = proto.data_type();
  if (!isSupportedDType(out.dtype)) {
    error = std::string("tensor '") + proto.name() + "' has unsupported data type " +
            dtypeName(out.dtype);
    return false;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensor '" + proto.name() + "' keeps its data in an external file, which bnnc does not read";
    return false;
  }
  for (int64_t d : proto.dims()) {
    if (d < 0) {
      error = "tensor '" + proto.name() + "' has a negative dimension";
      return false;
    }
    out.shape.push_back(d);
  }
  if (!isBoundedShape(out.shape)) {
    error = "tensor '" + proto.name() + "' has more than 2^30 elements";
    return false;
  }
  int64_t n = out.numel();
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    switch (out.dtype) {
    case kFloat: readRaw<float>(raw, out.data); break;
    case kDouble: readRaw<double>(raw, out.data); break;
    case kInt8: readRaw<int8_t>(raw, out.data); break;
    case kUInt8: readRaw<uint8_t>(raw, out.data); break;
    case kBool: readRaw<uint8_t>(raw, out.data); break;
    case kInt32: readRaw<int32_t>(raw, out.data); break;
    case kInt64: readRaw<int64_t>(raw, out.data); break;
    }
  } else {
    switch (out.dtype) {
    case kFloat: out.data.assign(proto.float_data().begin(), proto.float_data().end()); break;
    case kDouble: out.data.assign(proto.double_data().begin(), proto.double_data().end()); break;
    case kInt64: out.data.assign(proto.int64_data().begin(), proto.int64_data().end()); break;
    default: out.data.assign(proto.int32_data().begin(), proto.int32_data().end()); break;
    }
  }
  if (static_cast<int64_t>(out.data.size()) != n) {
    error = "tensor '" + proto.name() + "' holds " + std::to_string(out.data.size()) +
            " values but its shape needs " + std::to_string(n);
    return false;
  }
  // Values read from their own type already are what the type stores; bool is normalized, and
  // the wider typed fields (int32_data for int8, say) are wrapped.
  if (out.dtype != kFloat && out.dtype != kDouble)
    for (double &v : out.data)
      v = out.cast(v);
  return true;
}

void tensorToProto(const Tensor &t, const std::string &name, onnx::TensorProto &proto) {
  proto.Clear();
  proto.set_name(name);
  proto.set_data_type(t.dtype);
  for (int64_t d : t.shape)
    proto.add_dims(d);
  // Little-endian raw data (ONNX's layout), written in one buffer: folded weights reach tens
  // of megabytes, too many values to append one by one to the typed fields.
  auto raw = [&](auto zero, auto convert) {
    using T = decltype(zero);
    std::string bytes(t.data.size() * sizeof(T), '\0');
    for (size_t i = 0; i < t.data.size(); ++i) {
      T v = convert(t.data[i]);
      std::memcpy(&bytes[i * sizeof(T)], &v, sizeof(T));
    }
    proto.set_raw_data(std::move(bytes));
  };
  switch (t.dtype) {
  case kFloat: raw(float(), [](double v) { return static_cast<float>(v); }); break;
  case kDouble: raw(double(), [](double v) { return v; }); break;
  case kInt64: raw(int64_t(), clampToInt64); break; // INT64_MAX "to the end" markers survive
  // Narrower integers wrap from the clamped int64 (a NaN or an out-of-range double converted
  // directly would be undefined behaviour).
  case kInt32: raw(int32_t(), [](double v) { return static_cast<int32_t>(static_cast<uint32_t>(clampToInt64(v))); }); break;
  case kInt8: raw(int8_t(), [](double v) { return static_cast<int8_t>(static_cast<uint8_t>(clampToInt64(v))); }); break;
  default: // uint8, bool
    raw(uint8_t(), [](double v) { return static_cast<uint8_t>(clampToInt64(v)); });
    break;
  }
}

bool broadcastShapes(const std::vector<int64_t> &a, const std::vector<int64_t> &b,
                     std::vector<int64_t> &out) {
  size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      return false;
    out[i] = da == 1 ? db : da;
  }
  return true;
}

Tensor transpose(const Tensor &t, const std::vector<int64_t> &perm) {
  std::vector<int64_t> shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    shape[i] = t.shape[perm[i]];
  Tensor out = Tensor::reserved(t.dtype, shape);
  int64_t n = out.numel();
  if (n == 0)
    return out;
  if (shape.empty()) {
    out.data.push_back(t.data[0]);
    return out;
  }
  // The result in order; the source offset advances by the input's stride of each result axis
  // (kept up to date incrementally, not recomputed from the multi-index per element).
  std::vector<int64_t> inStrides = t.strides(), step(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    step[i] = inStrides[perm[i]];
  size_t rank = shape.size();
  std::vector<int64_t> idx(rank, 0);
  int64_t inner = shape[rank - 1], innerStep = step[rank - 1], src = 0;
  for (int64_t flat = 0; flat < n; flat += inner) {
    for (int64_t k = 0; k < inner; ++k)
      out.data.push_back(t.data[src + k * innerStep]);
    for (int64_t i = static_cast<int64_t>(rank) - 2; i >= 0; --i) {
      src += step[i];
      if (++idx[i] < shape[i])
        break;
      src -= step[i] * shape[i];
      idx[i] = 0;
    }
  }
  return out;
}

} // namespace bnnc

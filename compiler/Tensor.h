//===- Tensor.h - constant tensors at compile time --------------*- C++ -*-===//
//
// A small host tensor for what bnnc evaluates at compile time: initializers, folded weight
// subgraphs, shape computations. Values are held as double, which is exact for every float32,
// int8/uint8/int32/bool value and for int64 up to 2^53 (shape arithmetic stays far below);
// float32 results are rounded to float after every operation so that folding reproduces what a
// float32 runtime computes.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_COMPILER_TENSOR_H
#define BNNC_COMPILER_TENSOR_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace bnnc {

/// ONNX TensorProto.DataType values used by bnnc.
enum DType : int32_t {
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kDouble = 11,
};

/// The name of an ONNX data type, for messages.
const char *dtypeName(int32_t dtype);
/// True for the data types bnnc can hold in a Tensor.
bool isSupportedDType(int32_t dtype);

struct Tensor {
  int32_t dtype = kFloat;
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  Tensor(int32_t dtype, std::vector<int64_t> shape);
  Tensor(int32_t dtype, std::vector<int64_t> shape, std::vector<double> data);
  /// A tensor with no values yet but room for all of them, for a producer that appends every
  /// element in order (no zero fill of a weight-sized buffer that is overwritten anyway).
  static Tensor reserved(int32_t dtype, std::vector<int64_t> shape);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t numel() const;
  /// Row-major strides, in elements.
  std::vector<int64_t> strides() const;
  /// Rounds `v` to the value this tensor's type would store (float rounding, integer wrap,
  /// bool normalization). The folder calls it once per element of every folded weight, so the
  /// float32 case is inline (it was an eighth of ReActNet-A's import as a call).
  double cast(double v) const {
    return dtype == kFloat ? static_cast<double>(static_cast<float>(v)) : castOther(v);
  }
  double castOther(double v) const;
  /// Element at a multi-index, with numpy broadcasting from `outShape` (ranks right-aligned).
  double broadcastAt(const std::vector<int64_t> &outIndex) const;
  /// The values as int64 (shape and axis inputs), clamped to the int64 range.
  std::vector<int64_t> toInts() const;
  /// The values as float.
  std::vector<float> toFloats() const;
};

/// The most elements bnnc holds in one tensor: 2^30 (4 GiB of float).
constexpr int64_t kMaxTensorElements = int64_t(1) << 30;
/// The element count of `shape`, or -1 if a dimension is negative or the count exceeds
/// kMaxTensorElements (checked before each multiplication, so it never overflows).
int64_t boundedElementCount(llvm::ArrayRef<int64_t> shape);
/// True if no dimension is negative and the element count is at most kMaxTensorElements.
inline bool isBoundedShape(llvm::ArrayRef<int64_t> shape) {
  return boundedElementCount(shape) >= 0;
}
/// "[1, 3, 224, 224]", for messages.
std::string shapeText(llvm::ArrayRef<int64_t> shape);

/// Reads a TensorProto (typed fields or raw_data). Returns false with `error` set on an
/// unsupported type, external data or a size that does not match the shape.
bool tensorFromProto(const onnx::TensorProto &proto, Tensor &out, std::string &error);

/// Writes a tensor as a TensorProto named `name` (typed fields, no raw data).
void tensorToProto(const Tensor &t, const std::string &name, onnx::TensorProto &proto);

/// numpy broadcasting of two shapes; false if they do not broadcast.
bool broadcastShapes(const std::vector<int64_t> &a, const std::vector<int64_t> &b,
                     std::vector<int64_t> &out);

/// Permutes a tensor's axes: result axis i is input axis perm[i].
Tensor transpose(const Tensor &t, const std::vector<int64_t> &perm);

} // namespace bnnc

#endif // BNNC_COMPILER_TENSOR_H

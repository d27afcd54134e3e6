//===- OnnxAttributes.h - reading ONNX node attributes ----------*- C++ -*-===//
#ifndef BNNC_COMPILER_ONNXATTRIBUTES_H
#define BNNC_COMPILER_ONNXATTRIBUTES_H

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bnnc {

/// The attribute `name` of `node`, or null.
inline const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, const char *name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}
inline int64_t attrInt(const onnx::NodeProto &n, const char *name, int64_t dflt) {
  const auto *a = findAttr(n, name);
  return a ? a->i() : dflt;
}
inline float attrFloat(const onnx::NodeProto &n, const char *name, float dflt) {
  const auto *a = findAttr(n, name);
  return a ? a->f() : dflt;
}
inline std::string attrString(const onnx::NodeProto &n, const char *name, const std::string &dflt) {
  const auto *a = findAttr(n, name);
  return a ? a->s() : dflt;
}
/// An INTS attribute; `dflt` when absent.
inline std::vector<int64_t> attrInts(const onnx::NodeProto &n, const char *name,
                                     std::vector<int64_t> dflt = {}) {
  const auto *a = findAttr(n, name);
  if (!a)
    return dflt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

} // namespace bnnc

#endif // BNNC_COMPILER_ONNXATTRIBUTES_H

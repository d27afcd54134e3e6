//===- Validate.h - the checks that come before ONNX's own ------*- C++ -*-===//
#ifndef BNNC_COMPILER_VALIDATE_H
#define BNNC_COMPILER_VALIDATE_H

#include <string>

namespace onnx {
class ISchemaRegistry;
class ModelProto;
} // namespace onnx

namespace bnnc {

struct ValidationError {
  /// Index of the offending node in the graph, or -1 for a graph-level problem (an
  /// initializer, a value's type, a graph output).
  int node = -1;
  std::string message;
};

/// Checks the values ONNX's checker does not and its shape inference trusts (Validate.cpp):
/// tensor sizes against their dims, dims, window attributes, divisors. False with `error` set
/// on the first problem.
bool validateModel(const onnx::ModelProto &model, ValidationError &error);

/// ONNX's schema registry with bnnc's checks of a node's input shapes put in front of the
/// inference functions that trust them (Validate.cpp). Pass it to onnx::shape_inference.
const onnx::ISchemaRegistry *guardedSchemaRegistry();

} // namespace bnnc

#endif // BNNC_COMPILER_VALIDATE_H

//===- Importer.h - ONNX to MLIR --------------------------------*- C++ -*-===//
#ifndef BNNC_COMPILER_IMPORTER_H
#define BNNC_COMPILER_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class TimingScope;
} // namespace mlir

namespace bnnc {

/// One graph input or output as the compiled entry point sees it (ONNX layout and type).
struct TensorSignature {
  std::string name;
  int32_t dtype = 1; // ONNX TensorProto.DataType
  std::vector<int64_t> shape;
};

struct ModelSignature {
  std::string funcName;
  std::vector<TensorSignature> inputs, outputs;
  /// The entry's scratch arena (bnn-scratch-arena), known after lowering: its size in bytes and
  /// the alignment it needs.
  uint64_t scratchBytes = 0, scratchAlignment = 64;
};

struct ImportOptions {
  /// Name of the entry function (a C identifier).
  std::string funcName = "model";
  /// Fixed shapes for graph inputs with dynamic dimensions, by input name.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// If set, the import's steps are timed as timers nested in this one (--time-phases).
  mlir::TimingScope *timing = nullptr;
};

/// Reads an ONNX model (binary protobuf, or ONNX text format for `.onnxtxt` files), checks it,
/// brings it to a supported opset, infers shapes, folds constant subgraphs and builds one
/// function of TOSA, linalg and bnn ops on tensors. On failure reports errors (naming the ONNX
/// node and op) through the context's diagnostic engine and returns null.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 const std::string &path,
                                                 const ImportOptions &options,
                                                 ModelSignature &signature);

/// An op the importer accepts: its domain ("ai.onnx" or "qonnx"), type and what of it is
/// supported.
struct SupportedOp {
  std::string domain, opType, note;
};

/// Every op the importer translates, from its own dispatch table, then the ops only evaluated
/// at compile time (constant inputs).
std::vector<SupportedOp> supportedOps();

/// Registers the dialects the importer produces.
/// The same for a model already in memory (binary protobuf, or ONNX text when `name` ends in
/// .onnxtxt); `name` stands for the file in diagnostics and locations.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBuffer(mlir::MLIRContext &context,
                                                   llvm::StringRef bytes, const std::string &name,
                                                   const ImportOptions &options,
                                                   ModelSignature &signature);

void registerImporterDialects(mlir::DialectRegistry &registry);

} // namespace bnnc

#endif // BNNC_COMPILER_IMPORTER_H

//===- Pipeline.h - the bnnc pass pipeline ----------------------*- C++ -*-===//
//
// One pipeline for bnnc and bnnc-opt: `bnnc --emit=mlir:PHASE` prints exactly what
// `bnnc-opt --bnn-pipeline=to=PHASE` computes from the imported module.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_COMPILER_PIPELINE_H
#define BNNC_COMPILER_PIPELINE_H

#include <cstdint>
#include <string>

namespace mlir {
class OpPassManager;
class DialectRegistry;
} // namespace mlir
namespace llvm {
class raw_ostream;
}

namespace bnnc {

/// The phases of a compile, in order. Import is the importer's output; each later phase is a
/// stage of the pass pipeline.
enum class Phase { Import, Binarize, Lower };

/// Parses "import", "binarize" or "lower"; false if unknown.
bool parsePhase(const std::string &text, Phase &phase);

struct PipelineOptions {
  /// The last phase to run.
  Phase stopAfter = Phase::Lower;
  /// Report every conv/matmul as binarized or why it stays float (as remarks).
  bool remarks = false;
  /// Map exact zeros at binarizers to +1 (changes results; each place is reported).
  bool signZeroPositive = false;
  /// Register blocking of the binary kernels (bnn-lower-binary-kernels): i64 words per vector
  /// register (1: scalar), vectors of output channels and output positions per block.
  int64_t kernelLanes = 1, kernelVectors = 4, kernelPixels = 2;
  /// Their accumulators: words or bytes (bnn-lower-binary-kernels' `accumulate`).
  std::string kernelAccumulate = "words";
  /// The int8 dot product for convs of dequantized int8 values (bnn-lower-float-convs' `dot`).
  std::string kernelDot = "none";
  /// bnn-lower-binary-kernels' `duplicate-input`.
  bool kernelDuplicateInput = false;
};

/// Adds the passes that take an imported module (TOSA/linalg/bnn on tensors) to
/// `options.stopAfter`: Binarize (recognition and fusion of binary layers), then Lower (to the
/// LLVM dialect, bufferized, scratch buffers in one arena planned by liveness). Returns false, with a message on
/// `errors`, if an upstream pipeline fails to parse.
bool buildPipeline(mlir::OpPassManager &pm, const PipelineOptions &options,
                   llvm::raw_ostream &errors);

/// Registers `bnn-pipeline` (option `to=binarize|lower`) for bnnc-opt.
void registerPipelines();

/// Registers every dialect that may appear in the pipeline's input or output.
void registerPipelineDialects(mlir::DialectRegistry &registry);

} // namespace bnnc

#endif // BNNC_COMPILER_PIPELINE_H

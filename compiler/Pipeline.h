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

/// The kernels' register blocking and instruction choices (docs/kernels.md), chosen per target
/// by chooseKernelBlocking (Codegen.h) so that the accumulators and the loaded weights fit the
/// target's registers.
struct KernelOptions {
  /// bnn-lower-binary-kernels: i64 words one vector register holds for the popcount (1:
  /// scalar), vectors of output channels and output positions per block. The float kernels use
  /// twice as many f32 lanes (at least 4).
  int64_t lanes = 1, vectors = 4, pixels = 2;
  /// Accumulators (`accumulate`): "words" (a popcount per i64 word), or "bytes" (a popcount per
  /// byte into u8 lanes, widened once per chunk of steps).
  std::string accumulate = "words";
  /// bnn-lower-float-convs' `dot`, for convs of dequantized int8 values: "none", "vnni" (x86
  /// vpdpbusd at the float kernels' vector width) or "sdot" (AArch64).
  std::string dot = "none";
  /// bnn-lower-binary-kernels' `duplicate-input`: AArch64, where NEON's load-and-broadcast
  /// (ld1r) also takes a vector pipe slot.
  bool duplicateInput = false;
};

struct PipelineOptions {
  /// The last phase to run.
  Phase stopAfter = Phase::Lower;
  /// Report every conv/matmul as binarized or why it stays float (as remarks).
  bool remarks = false;
  /// Map exact zeros at binarizers to +1 (changes results; each place is reported).
  bool signZeroPositive = false;
  KernelOptions kernel;
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

//===- Passes.h - bnnc passes -----------------------------------*- C++ -*-===//
//
// Only the generated declarations and the populate functions: pattern sets can be reused by other
// drivers (bnnc's pipeline, tests) without running the passes.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_PASSES_H
#define BNNC_PASSES_PASSES_H

#include "mlir/Pass/Pass.h"

namespace bnn {
class BNNDialect;
}
namespace mlir {
class GreedyRewriteConfig;
class RewritePatternSet;
namespace func {
class FuncOp;
}
namespace tosa {
class Conv2DOp;
}
} // namespace mlir

namespace bnn {

/// Applies `patterns` greedily to `op` (and what it holds); when they do not converge, reports
/// it at `op` naming `pass` (PatternDriver.cpp) rather than failing without a word.
mlir::LogicalResult applyPatternsOrReport(mlir::Operation *op, mlir::RewritePatternSet &&patterns,
                                          llvm::StringRef pass);
/// The same with the driver's `config` (a listener, for example).
mlir::LogicalResult applyPatternsOrReport(mlir::Operation *op, mlir::RewritePatternSet &&patterns,
                                          const mlir::GreedyRewriteConfig &config,
                                          llvm::StringRef pass);

/// Register blocking of the binary kernels (BinaryKernels.cpp): a block is `pixels` output
/// positions x `lanes * vectors` output channels, with `lanes` i64 words per vector register
/// (1: scalar). Chosen per target from its vector width and register count (docs/kernels.md).
/// How the kernel accumulates popcounts: one popcount per i64 word into i64 lanes (Words: AVX-512
/// vpopcntq, scalar popcnt/cpop), or one popcount per byte into u8 lanes, widened into the i64
/// accumulators once per chunk of at most 31 steps (Bytes: NEON cnt, AVX2's byte table, RVV).
enum class KernelAccumulate { Words, Bytes };

/// The int8 dot-product instruction of the target, for convolutions of dequantized int8 values
/// (QDQ): none (they stay float), x86 VNNI `vpdpbusd` (unsigned x signed bytes, 4 per i32 lane),
/// or AArch64 `sdot` (signed x signed).
enum class KernelDot { None, Vnni, Sdot };

struct KernelConfig {
  int64_t lanes = 1;
  int64_t vectors = 4;
  int64_t pixels = 2;
  KernelAccumulate accumulate = KernelAccumulate::Words;
  KernelDot dot = KernelDot::None;
  /// Binary kernels: read each input word from a copy of the packed input with the word
  /// repeated `lanes` times, as one full vector load, instead of a load-and-broadcast (NEON's
  /// ld1r, which takes a vector pipe slot on Cortex-A72/A55 besides the load).
  bool duplicateInputWords = false;
  /// Binary kernels: a layer with at most 32 input channels (one half-filled word) works on
  /// 32-bit words, twice the channels per vector popcount.
  bool narrowWords = true;
  /// Binary kernels: a layer whose epilogue writes packed bits takes blocks of a whole output
  /// word where vectors * pixels accumulators allow (each word then stored once).
  bool wordBlocks = true;
};

/// Floats per vector register of the float kernels: twice the i64 words, at least 4.
inline int64_t floatLanes(const KernelConfig &config) {
  return config.lanes * 2 > 4 ? config.lanes * 2 : 4;
}

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// bnn binarizers on tensors -> linalg.generic (BNNToLinalg.cpp).
void populateBNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// bconv2d/bmatmul with constant weights, and the output_transform or threshold after them ->
/// register-blocked XNOR-popcount kernels in the vector dialect (BinaryKernels.cpp).
void populateBinaryKernelPatterns(mlir::RewritePatternSet &patterns, const KernelConfig &config);

/// Whether bnn-lower-float-convs runs `conv` on the int8 dot product of the module's target (its
/// `bnn.int8_dot` attribute, stamped by bnnc): a conv of dequantized int8 activations with int8
/// weights. The cost report counts such a layer as executed in 8 x 8 bits.
bool runsOnInt8DotProduct(mlir::tosa::Conv2DOp conv);

/// bnn.dot_i8 -> the dot-product instruction of target `triple` (x86 vpdpbusd, AArch64 sdot),
/// or vector arithmetic where it has none (DotProducts.cpp).
void populateDotProductLoweringPatterns(mlir::RewritePatternSet &patterns, llvm::StringRef triple);

/// tosa.conv2d in f32 with constant weights, and the element-wise ops after it, -> a
/// register-blocked direct-convolution kernel in the vector dialect (FloatKernels.cpp); with
/// `config.dot`, a conv of dequantized int8 activations and int8-grid weights -> the same kernel
/// on bytes with the target's dot-product instruction.
void populateFloatConvKernelPatterns(mlir::RewritePatternSet &patterns, const KernelConfig &config);

/// A function result that repeats an earlier one -> a copy of it, so that every result has its
/// own buffer (DistinctResults.cpp).
void populateDistinctResultsPatterns(mlir::RewritePatternSet &patterns);

/// A copy of a reshaped allocation into an output argument -> the allocation as a view of the
/// argument (ElideOutputCopies.cpp).
void populateElideOutputCopiesPatterns(mlir::RewritePatternSet &patterns);

/// math.erf, math.exp and math.tanh on f32 -> upstream's polynomial approximations
/// (ApproximateMath.cpp; the pass saturates tanh first and unfuses the multiply-adds after).
void populateApproximateMathPatterns(mlir::RewritePatternSet &patterns);

/// The accumulating arith.addf of linalg reductions -> with `reassoc` (ReassociateReductions.cpp).
void populateReassociateReductionsPatterns(mlir::RewritePatternSet &patterns);
/// bnn-fuse-row-reductions: tile an element-wise root with its row reductions by one row
/// (FuseRowReductions.cpp); then fuse element-wise producers into all their consumers in such
/// a row loop.
void populateTileRowReductionsPatterns(mlir::RewritePatternSet &patterns);
void populateFuseInRowLoopsPatterns(mlir::RewritePatternSet &patterns);

/// memref.copy -> linalg.copy (CopyToLinalg.cpp).
void populateCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Binarizer encodings -> bnn.binarize (NormalizeBinarizers.cpp).
void populateNormalizeBinarizersPatterns(mlir::RewritePatternSet &patterns,
                                         bool signZeroPositive);

/// Binary conv/matmul -> bnn.pack + bnn.bconv2d / bnn.bmatmul (FuseBinaryLayers.cpp).
void populateFuseBinaryLayersPatterns(mlir::RewritePatternSet &patterns);

/// Output transforms, max-pools and binarizers folded into binary layers
/// (FuseOutputTransforms.cpp).
void populateFuseOutputTransformsPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace bnn

#endif // BNNC_PASSES_PASSES_H

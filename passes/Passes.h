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
class RewritePatternSet;
namespace func {
class FuncOp;
}
} // namespace mlir

namespace bnn {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// bnn binarizers on tensors -> linalg.generic (BNNToLinalg.cpp).
void populateBNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

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

//===- FuseBinaryLayers.h - why a layer stays float -------------*- C++ -*-===//
//
// The checks bnn-fuse-binary-layers makes before it turns a float convolution or matrix product
// into XNOR-popcount, for other reporters (bnnc's cost report): the same text as the pass's
// `--remarks`.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_FUSEBINARYLAYERS_H
#define BNNC_PASSES_FUSEBINARYLAYERS_H

#include <string>

namespace mlir {
class Operation;
namespace tosa {
class Conv2DOp;
class MatMulOp;
} // namespace tosa
} // namespace mlir

namespace bnn {

/// Why `conv` is not a binary convolution (its activations are not -1/0/+1, or its weights are
/// not +-alpha per output channel, ...); empty if bnn-fuse-binary-layers would fuse it.
std::string whyNotBinaryConv(mlir::tosa::Conv2DOp conv);

/// The same for a matrix product (a Gemm or MatMul after import).
std::string whyNotBinaryMatMul(mlir::tosa::MatMulOp mm);

/// For any float conv, depthwise conv or matmul: why it stays float (as above); empty for other
/// ops and for layers that would be binarized.
std::string whyLayerStaysFloat(mlir::Operation *op);

} // namespace bnn

#endif // BNNC_PASSES_FUSEBINARYLAYERS_H

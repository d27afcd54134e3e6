//===- KernelSupport.h - shared pieces of the kernel lowerings ---*- C++ -*-===//
//
// Used by the binary kernels (BinaryKernels.cpp) and the float conv kernel (FloatKernels.cpp):
// the element-wise epilogue chain and lane loads. Only MLIR's core IR headers here.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_KERNELSUPPORT_H
#define BNNC_PASSES_KERNELSUPPORT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace mlir::linalg {
class GenericOp;
}

namespace bnn {

/// Whether element-wise op `g` can run inside a conv kernel's epilogue on the float value `v`
/// it reads (all-parallel over the same 4-D NHWC shape, one f32 result, inputs that are `v`, a
/// same-shape tensor at the same position, or a per-channel vector; a body of scalar
/// element-wise arith/math ops).
bool fusableEpilogueStep(mlir::linalg::GenericOp g, mlir::Value v);

/// `lanes` consecutive elements along the innermost axis of tensor `t` at `indices` (a scalar
/// when lanes == 1).
mlir::Value loadLanes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                      mlir::ValueRange indices, int64_t lanes);

/// Applies step `g` of an epilogue chain to `y` (`lanes` channels at NHWC position `at`): its
/// body cloned with each op widened to `lanes`; `isChainValue` tells which input is the chain.
mlir::Value applyEpilogueStep(mlir::OpBuilder &b, mlir::Location loc, mlir::linalg::GenericOp g,
                              mlir::Value y, llvm::ArrayRef<mlir::Value> at, int64_t lanes,
                              llvm::function_ref<bool(mlir::Value)> isChainValue);

/// Pads the H and W axes of an NHWC tensor by `pad` = [top, bottom, left, right] with the
/// scalar `value` (of the element type); returns `plane` itself when every pad is 0.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value plane,
                       llvm::ArrayRef<int64_t> pad, mlir::TypedAttr value);

} // namespace bnn

#endif // BNNC_PASSES_KERNELSUPPORT_H

//===- Passes.td - bnnc passes -----------------------------*- tablegen -*-===//

#ifndef BNNC_PASSES_TD
#define BNNC_PASSES_TD

include "mlir/Pass/PassBase.td"

def BNNLowerToLinalg : Pass<"bnn-lower-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower the bnn binarizers on tensors to linalg.generic";
  let description = [{
    Rewrites `bnn.sign`, `bnn.bipolar_sign`, `bnn.quant` and `bnn.multi_threshold` into
    element-wise `linalg.generic` ops over `arith` and `math`, with the exact semantics of the
    source op (sign(0) = 0 for `bnn.sign`, 0 -> +1 for `bnn.bipolar_sign`, half-to-even rounding
    for `bnn.quant`).

    Before:
    ```mlir
    %0 = bnn.sign %x : tensor<4xf32>
    ```
    After:
    ```mlir
    %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        // (x > 0) - (x < 0), NaN kept
        ...
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect", "mlir::tensor::TensorDialect"];
}

def BNNStaticBuffers : Pass<"bnn-static-buffers", "mlir::ModuleOp"> {
  let summary = "Place the entry function's scratch buffers in static memory";
  let description = [{
    Replaces every `memref.alloc` of static shape in a function body (outside loops) by a
    `memref.get_global` of a private, uninitialized `memref.global`, and erases its
    `memref.dealloc`. The generated code then calls no allocator: its scratch memory is in the
    object's zero-initialized data, and its size is known at link time. The price is that a model
    object is not reentrant (one inference at a time), which the runtime ABI states.

    Before:
    ```mlir
    %0 = memref.alloc() {alignment = 64 : i64} : memref<1x8x8x16xf32>
    ...
    memref.dealloc %0 : memref<1x8x8x16xf32>
    ```
    After:
    ```mlir
    memref.global "private" @__bnn_buf0 : memref<1x8x8x16xf32> {alignment = 64 : i64}
    ...
    %0 = memref.get_global @__bnn_buf0 : memref<1x8x8x16xf32>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def BNNCopyToLinalg : Pass<"bnn-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization expresses copies between strided views (a slice, a pad's interior) as
    `memref.copy`, whose LLVM lowering calls `memrefCopy` from MLIR's C runner library when the
    layouts are not contiguous. As `linalg.copy` the copy becomes plain loops, and the generated
    object needs nothing beyond libc.

    Before:
    ```mlir
    memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
    ```
    After:
    ```mlir
    linalg.copy ins(%a : memref<4xf32, strided<[2]>>) outs(%b : memref<4xf32>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif // BNNC_PASSES_TD

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
                           "mlir::math::MathDialect", "mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def BNNLowerBinaryKernels : Pass<"bnn-lower-binary-kernels", "mlir::func::FuncOp"> {
  let summary = "Lower binary convolutions and matmuls to register-blocked XNOR-popcount kernels";
  let description = [{
    A dialect conversion: every `bnn.bconv2d` and `bnn.bmatmul` with constant weights becomes a
    register-blocked micro-kernel on tensors (`scf.for`, `vector.transfer_read/write`,
    `math.ctpop` on vectors of i64 words), with the weights re-laid out at compile time in the
    order the kernel streams them. A `bnn.output_transform` or `bnn.threshold` that is the
    layer's only user (with constant parameters) is applied to the accumulators in registers.
    Zero padding is corrected per border class outside the loop; an input that may hold exact
    zeros is checked per output row, and only rows that read a zero take the exact mask-plane
    loop. A layer with constant weights that no pattern lowers is an error at its location.
    See docs/kernels.md for the design and the block sizes per target.

    Before:
    ```mlir
    %d = bnn.bconv2d %s, %m, %w {in_channels = 256 : i64, pad = array<i64: 1, 1, 1, 1>, ...}
    %y = bnn.output_transform %d, %mul, %bias
    ```
    After:
    ```mlir
    %r = scf.for %n = %c0 to %c1 step %c1 iter_args(%o = %init) -> (tensor<1x14x14x256xf32>) {
      ... scf.for %kh ... scf.for %j ... iter_args(%acc0 = %z, ...) -> (vector<8xi64>, ...) {
        %w0 = vector.transfer_read %weights[%ob, %kh, %j, %c0] ...
        %x = tensor.extract %input[%n, %ih, %col]
        %bx = vector.broadcast %x : i64 to vector<8xi64>
        %p = math.ctpop (arith.xori %bx, %w0)
        ...
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "1", "i64 words per vector register (1: scalar)">,
    Option<"vectors", "vectors", "int64_t", "4",
           "Vectors of output channels per block (lanes * vectors must divide 64)">,
    Option<"pixels", "pixels", "int64_t", "2", "Output positions per block">,
    Option<"accumulate", "accumulate", "std::string", "\"words\"",
           "words: a popcount per i64 word into i64 lanes; bytes: a popcount per byte into u8 "
           "lanes, widened into the i64 accumulators every chunk of up to 31 steps">,
    Option<"duplicateInput", "duplicate-input", "bool", "false",
           "Read each input word of the bipolar loop as one full-vector load from a copy of the "
           "packed input with the word repeated in every lane, instead of a load-and-broadcast">,
    Option<"narrowWords", "narrow-words", "bool", "true",
           "Layers with at most 32 input channels work on 32-bit words: i32 lanes, twice as many "
           "per vector (with words accumulation, lanes > 1 and 2 * lanes * vectors dividing 64)">,
    Option<"wordBlocks", "word-blocks", "bool", "true",
           "A layer whose epilogue writes packed bits (threshold, or a fused pack) takes blocks "
           "of a whole output word (or of all its channels, if fewer): as many vectors as that "
           "needs and proportionally fewer pixels, where vectors * pixels allows (words "
           "accumulation, no NCHW output) and the block's weights fit 32 KB">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect", "mlir::tensor::TensorDialect",
                           "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def BNNLowerFloatConvs : Pass<"bnn-lower-float-convs", "mlir::func::FuncOp"> {
  let summary = "Lower float convolutions to register-blocked vector kernels";
  let description = [{
    A dialect conversion: every `tosa.conv2d` on f32 NHWC tensors with constant weights and bias
    and float zero points becomes a direct-convolution micro-kernel on tensors (the design of
    `bnn-lower-binary-kernels`: a block of `pixels` output positions x `vectors` vectors of
    output channels, accumulators starting at the bias and kept in registers, weights re-laid
    out at compile time as [O / block][KH][KW * C][block], FMAs with the broadcast input), and
    the element-wise `linalg.generic` ops that follow it (BatchNorm, PReLU, a residual Add) run
    on the accumulators before the one store. An f32 `tosa.avg_pool2d` whose windows tile the
    input (kernel == stride, no padding: the 2x2 shortcuts of Bi-Real and ReActNet) becomes one
    parallel `linalg.generic` over the output that reads the window's taps as strided operands,
    so it vectorizes along the channels and makes one pass; every f32 `tosa.max_pool2d` does
    the same on its input padded with -inf. A `tosa.concat` of more than 32 inputs becomes a
    tree of `tensor.concat` ops of at most 32 inputs (upstream's bufferization analysis takes
    minutes on one long insert chain). See docs/kernels.md.

    With `dot=vnni` or `dot=sdot`, a conv whose input is a DequantizeLinear of an int8/uint8
    tensor (per-tensor scale and zero point) and whose constant weights are exactly int8 values
    times a scale per output channel (what DequantizeLinear of int8 weights folds to) runs the
    same kernel on the bytes: `llvm.x86.avx512.vpdpbusd` or `llvm.aarch64.neon.sdot` (4 products
    per i32 lane), the zero point's correction per output channel subtracted once, then
    `scale_x * scale_w * acc + bias` and the element-wise chain in float. A conv with float
    weights, or any other input, stays float: nothing the file keeps float is quantized.

    Before:
    ```mlir
    %y = tosa.conv2d %x, %w, %b, %zp, %zp {pad = array<i64: 1, 1, 1, 1>, ...}
    ```
    After:
    ```mlir
    %r = scf.for ... iter_args(%o = %init) {
      ... scf.for %kh ... scf.for %j ... iter_args(%acc0 = %bias0, ...) -> (vector<16xf32>, ...) {
        %w0 = vector.transfer_read %weights[%ob, %kh, %j, %c0] ...
        %x = tensor.extract %input[%n, %ih, %col]
        %a = vector.fma (vector.broadcast %x), %w0, %acc0
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "1",
           "i64 words per vector register (floats per vector: twice that, at least 4)">,
    Option<"vectors", "vectors", "int64_t", "4", "Vectors of output channels per block">,
    Option<"pixels", "pixels", "int64_t", "2", "Output positions per block (at most)">,
    Option<"dot", "dot", "std::string", "\"none\"",
           "int8 dot product for convs of dequantized int8 values: none (they stay float), "
           "vnni (x86 vpdpbusd) or sdot (AArch64)">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect", "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect", "mlir::bufferization::BufferizationDialect",
                           "bnn::BNNDialect"];
}

def BNNDistinctResults : Pass<"bnn-distinct-results", "mlir::func::FuncOp"> {
  let summary = "Give a function result that repeats another its own copy, before bufferization";
  let description = [{
    A value returned twice (two graph outputs that are one value once CSE has merged their
    producers) would be one buffer for two out-parameters; `buffer-results-to-out-params`
    (hoisting static allocations) replaces the buffer by the first out-parameter and erases it
    before it reaches the second. Each repeat becomes a `bufferization.alloc_tensor` copy, its
    own allocation and so its own out-parameter.

    Before:
    ```mlir
    return %y, %y : tensor<4xf32>, tensor<4xf32>
    ```
    After:
    ```mlir
    %c = bufferization.alloc_tensor() copy(%y) : tensor<4xf32>
    return %y, %c : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def BNNElideOutputCopies : Pass<"bnn-elide-output-copies", "mlir::func::FuncOp"> {
  let summary = "Compute a reshaped result in the caller's buffer instead of copying it there";
  let description = [{
    After `buffer-results-to-out-params`, a result that is a reshape of an allocation is
    copied into its output argument at the end. When the output argument has no other use and
    the copy is the allocation's last use, the allocation becomes the inverse reshape of the
    output argument and the copy goes.

    Before:
    ```mlir
    %a = memref.alloc() : memref<1x32x12544xf32>
    ... writes %a ...
    %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 32, 112, 112] : ...
    memref.copy %e, %out : memref<1x32x112x112xf32> to memref<1x32x112x112xf32>
    ```
    After:
    ```mlir
    %a = memref.collapse_shape %out [[0], [1], [2, 3]] : memref<1x32x112x112xf32> into memref<1x32x12544xf32>
    ... writes %a ...
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def BNNScratchArena : Pass<"bnn-scratch-arena", "mlir::ModuleOp"> {
  let summary = "Place every function's scratch buffers in one arena, planned by liveness";
  let description = [{
    Gives every `memref.alloc` of static shape and identity layout directly in a function body
    (run exactly once per call) a byte offset in one scratch arena, and replaces it by a
    `memref.view` of the arena at that offset; its `memref.dealloc` goes away. Two buffers share
    bytes only if their live ranges (from the allocation to the last use of the buffer or of any
    view of it, in the body's program order) are disjoint. Offsets are chosen greedily, largest
    buffer first, each at the lowest aligned offset that overlaps no placed buffer whose range
    overlaps its own.

    A public function `@f` becomes `@f_with_scratch`, with the arena as an extra trailing
    argument `memref<Nxi8>` (N bytes, aligned to the largest alignment requested, at least 64),
    so that a caller can place the arena itself and run several instances side by side; a new
    `@f` with the old signature calls it with a private, uninitialized `memref.global` of N
    bytes. A private function uses such a global directly. The module attribute
    `bnn.scratch_arena` maps every public function's name to its arena's `bytes` and
    `alignment`. The generated code then
    calls no allocator, and its scratch memory is as large as its peak of live buffers (up to
    fragmentation), not their sum.

    Before:
    ```mlir
    func.func @f(%in: memref<64xf32>, %out: memref<64xf32>) {
      %0 = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
      ...
      memref.dealloc %0 : memref<64xf32>
    ```
    After:
    ```mlir
    memref.global "private" @__bnn_arena_f : memref<256xi8> = uninitialized {alignment = 64 : i64}
    func.func @f(%in: memref<64xf32>, %out: memref<64xf32>) {
      %arena = memref.get_global @__bnn_arena_f : memref<256xi8>
      call @f_with_scratch(%in, %out, %arena) : ...
    }
    func.func @f_with_scratch(%in: memref<64xf32>, %out: memref<64xf32>, %arena: memref<256xi8>) {
      %c0 = arith.constant 0 : index
      %0 = memref.view %arena[%c0][] : memref<256xi8> to memref<64xf32>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def BNNOutlineKernels : Pass<"bnn-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Outline each large top-level loop nest into a function of the buffers it uses";
  let description = [{
    Every top-level `scf.for` without results in a function body whose nest holds at least
    `min-ops` operations (a layer's kernel) becomes a call of a new private function
    `@<function>_kernel<N>`. The values the nest uses from above become the function's
    arguments, except constants, which are cloned into it, so that loop bounds and offsets stay
    constants. The functions get internal linkage (`llvm.linkage`) and are never inlined
    (`passthrough = ["noinline"]`): LLVM optimizes each layer's kernel as a function of its
    own, rather than the model as one function of every layer, on which its vectorizers take
    superlinear time. Run before `duplicate-function-elimination`, which then merges
    the kernels of layers of the same shape: LLVM optimizes and emits each distinct kernel once.

    Before:
    ```mlir
    func.func @f(%in: memref<8xf32>, %out: memref<8xf32>) {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... %in ... %out ... }
    ```
    After:
    ```mlir
    func.func private @f_kernel0(%in: memref<8xf32>, %out: memref<8xf32>) {
      %c0 = arith.constant 0 : index
      ...
      scf.for %i = %c0 to %c8 step %c1 { ... }
      return
    }
    func.func @f(%in: memref<8xf32>, %out: memref<8xf32>) {
      call @f_kernel0(%in, %out) : (memref<8xf32>, memref<8xf32>) -> ()
    ```
  }];
  let options = [
    Option<"minOps", "min-ops", "int64_t", "8",
           "Outline only loop nests of at least this many operations">
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::LLVM::LLVMDialect"];
}

def BNNLowerDotProducts : Pass<"bnn-lower-dot-products", "mlir::func::FuncOp"> {
  let summary = "Lower bnn.dot_i8 to the target's dot-product instruction";
  let description = [{
    Every `bnn.dot_i8` becomes `llvm.call_intrinsic` of the instruction that computes it where
    the module's `llvm.target_triple` has one: `llvm.x86.avx512.vpdpbusd.{128,256,512}` for an
    unsigned left operand on x86 (VNNI: the kernel lowering only makes it when the target has
    it), `llvm.aarch64.neon.sdot` for signed operands on AArch64. Anywhere else the same
    arithmetic in vector ops: both operands extended to i32, multiplied, and each group of 4
    products added to its lane. Runs after bufferization (the intrinsic call has unknown memory
    effects, which one-shot bufferization refuses).

    Before:
    ```mlir
    %r = bnn.dot_i8 %acc, %x, %w {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
    ```
    After (x86-64):
    ```mlir
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %x, %w)
           : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def BNNApproximateMath : Pass<"bnn-approximate-math", "mlir::func::FuncOp"> {
  let summary = "math.erf, math.tanh and math.exp on f32 as upstream's polynomial approximations";
  let description = [{
    Without an LLVM instruction for them, `math.erf` and `math.tanh` would become a libm call
    per element (`convert-math-to-libm`), and `math.exp` a call of `expf` per element in the
    backend, which nothing vectorizes. Upstream MLIR's polynomial approximations
    (`populatePolynomialApproximateErfPattern`, `...TanhPattern`, and the exp pattern of
    `populateMathPolynomialApproximationPatterns`) rewrite them, on f32 scalars and vectors, into
    arith ops that LLVM vectorizes with the loop around them. The `math.fma` ops the patterns
    create become `arith.mulf` + `arith.addf` with `contract` (one FMA where the target has it,
    no libm `fmaf` call where it does not); tanh is first wrapped as
    `|x| >= 9 ? copysign(1, x) : tanh(x)`, so it saturates to exactly +-1 either way.

    Before:
    ```mlir
    %y = math.erf %x : f32
    ```
    After: a piecewise rational approximation in `arith` (compares, selects, multiply-adds, a
    division), no call.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def BNNReassociateReductions : Pass<"bnn-reassociate-reductions", "mlir::func::FuncOp"> {
  let summary = "Let LLVM vectorize the float sums of linalg reductions";
  let description = [{
    The accumulating `arith.addf` of a linalg reduction (tosa.reduce_sum: LayerNormalization,
    ReduceMean; float matmuls no kernel takes) gets the `reassoc` fast-math flag, so that the
    loop linalg-to-loops makes of it may keep several partial sums (LLVM's loop vectorizer
    needs the flag for a float reduction). ONNX fixes no summation order; the result differs
    from the sequential sum by float rounding only.

    Before:
    ```mlir
    linalg.reduce ins(%x : tensor<128x768xf32>) outs(%init : tensor<128xf32>) dimensions = [1]
      (%in: f32, %acc: f32) { %s = arith.addf %in, %acc : f32  linalg.yield %s : f32 }
    ```
    After: `%s = arith.addf %in, %acc fastmath<reassoc> : f32`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect"];
}

def BNNFuseRowReductions : Pass<"bnn-fuse-row-reductions", "mlir::func::FuncOp"> {
  let summary = "Compute normalizations (LayerNorm, Softmax) one row at a time";
  let description = [{
    An element-wise linalg.generic (the root) whose linalg producers include a reduction along
    the trailing axes of a tensor of the root's shape (a mean, a variance, a row maximum or sum)
    is tiled along the leading axes, one row per iteration, with those producers (reductions,
    their fills, the element-wise ops between them; not a producer read elsewhere, not a named
    contraction) fused into the loop by upstream's tile-and-fuse. Inside such a loop an
    element-wise producer with several consumers is then fused into each. Each row is read from
    memory once and the intermediate tensors shrink to one row; the arithmetic is unchanged.
    Rows of fewer than 64 elements, or a single row, are left alone.

    Before (LayerNormalization over the last axis of 128 x 3072):
    ```mlir
    %sum = linalg.generic {iterator_types = ["parallel", "reduction"]} ins(%x) outs(%fill) ...
    %d = linalg.generic ins(%x, %mean) ...            // x - mean, 128 x 3072
    %sq = linalg.generic ... ins(%d) outs(%fill2)      // sum of d * d
    %y = linalg.generic ins(%d, %rstd, %gamma, %beta) ...
    ```
    After: `scf.for %i = 0 to 128` over one row: the two sums on `x[%i]`, `y[%i]` from
    `x[%i] - mean` recomputed, inserted into the result.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"];
}

def BNNCopyToLinalg : Pass<"bnn-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy as linalg.copy, and fills of contiguous buffers as flat fills";
  let description = [{
    Bufferization expresses copies between strided views (a slice, a pad's interior) as
    `memref.copy`, whose LLVM lowering calls `memrefCopy` from MLIR's C runner library when the
    layouts are not contiguous. As `linalg.copy` the copy becomes plain loops, and the generated
    object needs nothing beyond libc. A `linalg.fill` of a contiguous static buffer of rank > 1
    becomes the fill of its flat 1-D view (`memref.collapse_shape`): one loop of plain stores,
    where the nested loops were vectorized by LLVM along a strided axis, with scatters.

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

def BNNNormalizeBinarizers : Pass<"bnn-normalize-binarizers", "mlir::func::FuncOp"> {
  let summary = "Turn every activation binarizer encoding into bnn.binarize";
  let description = [{
    Finds element-wise subgraphs (chains of linalg.generic ops with constant side operands and
    bnn binarizers) that compute a step function of one runtime value, and replaces each by one
    `bnn.binarize` with per-channel thresholds and the exact value at the threshold (ONNX Sign's
    0, BipolarQuant's +1, Greater's -1), times the step's level when it is not 1. It covers
    `Sign(x)`, `Sign(x + b_c)`, `Where(x >= t, 1, -1)`, `Greater -> Cast -> Mul -> Sub`, the
    straight-through-estimator spellings `x + (Sign(x) - x)` with or without Clip, QONNX
    `BipolarQuant`, 1-bit `Quant` and bipolar `MultiThreshold`, and a monotone affine transform
    (BatchNorm) in front of any of them, which moves into the thresholds.

    The classification is by evaluation, in float32 as the generated code computes: per channel,
    the subgraph is evaluated on the source values |x| <= 2^20, the threshold found by bisection
    over the ordered floats and the step checked on a spread of samples.

    Before:
    ```mlir
    %c = linalg.generic ... { cmpf oge %x, %t } -> tensor<...xi1>
    %y = linalg.generic ... { select %c, 1.0, -1.0 } -> tensor<...xf32>
    ```
    After:
    ```mlir
    %y = bnn.binarize %x {thresholds = dense<t>, tie = #bnn<tie positive>} : tensor<...xf32>
    ```
  }];
  let options = [
    Option<"signZeroPositive", "sign-zero-positive", "bool", "false",
           "Map exact zeros to +1 (the bipolar form) instead of ONNX Sign's 0; every "
           "binarizer whose result this may change is reported as a warning">
  ];
  let dependentDialects = ["bnn::BNNDialect", "mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect"];
}

def BNNFuseBinaryLayers : Pass<"bnn-fuse-binary-layers", "mlir::func::FuncOp"> {
  let summary = "Turn convolutions and matmuls of binary operands into packed XNOR-popcount ops";
  let description = [{
    A `tosa.conv2d` or `tosa.matmul` whose activations come from `bnn.binarize` (through
    slices, reshapes and zero padding) and whose constant weights are `+-alpha` per output
    channel becomes `bnn.pack` + `bnn.bconv2d` / `bnn.bmatmul` with packed weights, the true
    reduction length, and `multiplier = alpha`, `bias = conv bias`. With `remarks`, every
    convolution and matmul is reported as binarized or, if it stays float, why.

    Before:
    ```mlir
    %b = bnn.binarize %x {...} : tensor<1x8x8x64xf32>
    %y = tosa.conv2d %b, %w, %bias, %zp, %zp {pad = array<i64: 1, 1, 1, 1>, ...}
    ```
    After:
    ```mlir
    %s, %m = bnn.pack %b : tensor<1x8x8x64xf32> -> tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>
    %d = bnn.bconv2d %s, %m, %packed {in_channels = 64 : i64, ...}
    %y = bnn.output_transform %d, %alpha, %bias
    ```
  }];
  let options = [
    Option<"remarks", "remarks", "bool", "false",
           "Report every conv/matmul: binarized, or why it stays float">
  ];
  let dependentDialects = ["bnn::BNNDialect", "mlir::arith::ArithDialect"];
}

def BNNFuseOutputTransforms : Pass<"bnn-fuse-output-transforms", "mlir::func::FuncOp"> {
  let summary = "Fold scales, BatchNorm and binarizers into binary layers' outputs";
  let description = [{
    Rewrites on the result of binary layers (BINARY_SEMANTICS §4, §5):

    - A per-channel affine element-wise op after `bnn.output_transform` (BatchNorm, a scale, a
      bias) folds into its multiplier and bias.
    - `bnn.binarize` of a `tosa.max_pool2d` becomes the max-pool of the binarize (a binarizer
      is monotone, so they commute), and `bnn.pack` of a max-pool of binary values becomes
      `bnn.bmaxpool2d` of the packed planes: an AND/OR of bits.
    - `bnn.pack` of a binarizer chain fed by `bnn.output_transform` becomes `bnn.threshold` on
      the integer result: per channel, the chain is evaluated exactly at every reachable integer
      (by bisection for monotone chains, checked at the integers), giving two integer
      thresholds and a direction. A chain that is not monotone in the integer is left alone.
    - An element-wise op (a `linalg.generic` chain link) on a `tosa.concat` that nothing else
      reads runs on each part, with its constants sliced along the concatenation axis, so that
      it joins the epilogue of the kernel producing each part (ReActNet's RPReLU after its two
      pointwise convs).
    - `bnn.pack` of `bnn.binarize` of such a concatenation packs each part, joined by
      `bnn.concat_packed`, and a `tosa.avg_pool2d` whose windows tile its input pools each part
      (exact: both work per channel): each part's pack and pool then join the epilogue of the
      kernel that produces it (ReActNet's downsampling blocks).

    Before:
    ```mlir
    %d = bnn.bconv2d ...
    %y = bnn.output_transform %d, %alpha, %bias
    %b = bnn.binarize %y {thresholds = dense<0.5>, tie = #bnn<tie zero>}
    %s, %m = bnn.pack %b
    ```
    After:
    ```mlir
    %d = bnn.bconv2d ...
    %s, %m = bnn.threshold %d, %low, %high, %descending
    ```
  }];
  let dependentDialects = ["bnn::BNNDialect", "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

#endif // BNNC_PASSES_TD

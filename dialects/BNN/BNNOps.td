//===- BNNOps.td - bnn dialect operations ------------------*- tablegen -*-===//

#ifndef BNN_OPS_TD
#define BNN_OPS_TD

include "dialects/BNN/BNNDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def BNN_FloatTensor : RankedTensorOf<[F32]>;

def BNN_RoundingModeAttr : EnumAttr<BNN_Dialect, BNN_RoundingMode, "rounding_mode">;
def BNN_TieAttr : EnumAttr<BNN_Dialect, BNN_Tie, "tie">;
def BNN_PackedTensor : RankedTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Binarizers, as imported
//===----------------------------------------------------------------------===//

def BNN_SignOp : BNN_Op<"sign", [Pure, Elementwise, SameOperandsAndResultType]> {
  let summary = "ONNX Sign: -1, 0 or +1";
  let description = [{
    Element-wise sign with ONNX's (and torch.sign's) semantics: `sign(0) = 0`, so the result is
    ternary. A NaN stays NaN.

    Example:
    ```mlir
    %s = bnn.sign %x : tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def BNN_BipolarSignOp : BNN_Op<"bipolar_sign", [Pure, Elementwise, SameOperandsAndResultType]> {
  let summary = "Bipolar sign: +1 for x >= 0, else -1";
  let description = [{
    Element-wise binarizer that never yields 0: `x >= 0 ? +1 : -1`. This is QONNX
    `BipolarQuant` (before its scale), `Where(x >= 0, 1, -1)` and Larq's `ste_sign`.

    Example:
    ```mlir
    %b = bnn.bipolar_sign %x : tensor<1x64xf32>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def BNN_QuantOp : BNN_Op<"quant", [Pure]> {
  let summary = "QONNX Quant: uniform fake quantization";
  let description = [{
    `y = (rnd(clamp(x / scale + zero_point, qmin, qmax)) - zero_point) * scale`, with
    signed:   `qmin = -2^(b-1) (+1 if narrow)`, `qmax = 2^(b-1) - 1`;
    unsigned: `qmin = 0`, `qmax = 2^b - 1 (-1 if narrow)`.
    `scale` and `zero_point` have the input's rank and broadcast along their size-1 axes.
    Following QONNX's reference implementation, a signed 1-bit Quant is bipolar before the
    rescale: `y = ((x / scale + zero_point >= 0 ? +1 : -1) - zero_point) * scale`.

    Example:
    ```mlir
    %q = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false,
                               rounding_mode = #bnn<rounding_mode round>}
       : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input, BNN_FloatTensor:$scale,
                       BNN_FloatTensor:$zero_point,
                       ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<32>]>:$bitwidth,
                       BoolAttr:$is_signed, BoolAttr:$narrow,
                       DefaultValuedAttr<BNN_RoundingModeAttr, "::bnn::RoundingMode::ROUND">:$rounding_mode);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The clamp bounds of the integer grid.
    double getQMin();
    double getQMax();
  }];
}

def BNN_MultiThresholdOp : BNN_Op<"multi_threshold", [Pure]> {
  let summary = "FINN MultiThreshold: count the thresholds reached";
  let description = [{
    `y = out_scale * #{t in T[c] : x >= t} + out_bias`, where `c` is the index along
    `channel_axis` (or 0 when `thresholds` has a single row). `thresholds` is `[C, B]` or
    `[1, B]`. A bipolar binarizer is one threshold with `out_scale = 2`, `out_bias = -1`.

    Example:
    ```mlir
    %y = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 2.0 : f32,
                                     out_bias = -1.0 : f32}
       : (tensor<1x64xf32>, tensor<64x1xf32>) -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input, BNN_FloatTensor:$thresholds,
                       I64Attr:$channel_axis, F32Attr:$out_scale, F32Attr:$out_bias);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "$input `,` $thresholds attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// The canonical binarizer and bit-packed layers
//===----------------------------------------------------------------------===//

def BNN_BinarizeOp : BNN_Op<"binarize", [Pure, Elementwise, SameOperandsAndResultType]> {
  let summary = "Canonical binarizer: +1 above the threshold, -1 below";
  let description = [{
    `y = x > t_c ? +1 : (x < t_c ? -1 : tie)`, where `t_c` is `thresholds[c]` for the index `c`
    along the innermost axis (or the single value of a one-element `thresholds`), and `tie` is
    +1 (`positive`), 0 (`zero`, ONNX Sign's ternary semantics) or -1 (`negative`). Every
    activation binarizer encoding found in exported models is normalized to this op.

    Example:
    ```mlir
    %b = bnn.binarize %x {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie zero>}
       : tensor<1x8x8x64xf32>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input, FloatElementsAttr<32>:$thresholds, BNN_TieAttr:$tie);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The value at exactly the threshold: +1, 0 or -1.
    float getTieValue();
  }];
}

def BNN_PackOp : BNN_Op<"pack", [Pure]> {
  let summary = "Pack +-1/0 values into sign and non-zero bit planes";
  let description = [{
    Packs the innermost axis (channels) of a tensor of -1, 0 and +1 values into 64-bit words,
    least significant bit first: `sign` has bit 1 where the value is -1 (+1 is bit 0), `mask` has
    bit 1 where it is non-zero. Bits past the channel count are 0 in both planes. With the mask a
    binary dot product is exact for ternary inputs and for zero padding:
    `dot = popcount(m) - 2 * popcount(m & (s ^ w))`.

    Example:
    ```mlir
    %s, %m = bnn.pack %b : tensor<1x8x8x100xf32> -> tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>
    ```
  }];
  let arguments = (ins BNN_FloatTensor:$input);
  let results = (outs BNN_PackedTensor:$sign, BNN_PackedTensor:$mask);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($sign) `,` type($mask)";
  let hasVerifier = 1;
}

def BNN_ConcatPackedOp : BNN_Op<"concat_packed", [Pure]> {
  let summary = "Join packed bit planes along the channel axis";
  let description = [{
    The packed form of a concatenation along the innermost axis: input `i` is a plane packed
    (as by `bnn.pack`) from `channels[i]` channels, and the result is the plane of all
    `sum(channels)` channels in order, bit `c` of input `i` landing at bit `o_i + c` with
    `o_i = channels[0] + ... + channels[i - 1]`. Bits past the channel count stay 0.
    Each input starts at a word boundary (`o_i % 64 == 0`) or lies within one word of the
    result (`o_i % 64 + channels[i] <= 64`), so every input word lands in one result word with a
    shift: what packing the parts of a concatenation separately (each in the epilogue of the
    kernel that produces it) gives for the channel counts of real networks.

    Example:
    ```mlir
    %s = bnn.concat_packed %a, %b {channels = array<i64: 32, 32>}
       : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> tensor<1x8x8x1xi64>
    ```
  }];
  let arguments = (ins Variadic<BNN_PackedTensor>:$inputs, DenseI64ArrayAttr:$channels);
  let results = (outs BNN_PackedTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether a part of `channels` channels starting at channel `offset` of the result lands
    /// in whole words or within one word (what the op accepts).
    static bool placesPart(int64_t offset, int64_t channels) {
      return offset % 64 == 0 || offset % 64 + channels <= 64;
    }
  }];
}

def BNN_IntTensor : RankedTensorOf<[I32]>;
def BNN_BoolTensor : RankedTensorOf<[I1]>;

def BNN_BConv2DOp : BNN_Op<"bconv2d", [Pure]> {
  let summary = "Binary 2-D convolution by XNOR-popcount";
  let description = [{
    NHWC input as packed planes (`bnn.pack`), weights packed as `[O, KH, KW, words]` (bit 1 for
    -1), true input channel count `in_channels`, zero padding `pad = [top, bottom, left, right]`.
    The result is the integer dot product of the +-1 (or 0) inputs with the +-1 weights:
    `d = sum over in-bounds taps of (popcount(m) - 2 * popcount(m & (s ^ w_o)))`,
    exact for ternary inputs and for zero padding (a padded tap adds nothing, as in ONNX's Conv
    after Sign). `bnn.output_transform` or `bnn.threshold` turns it into floats or packed bits.

    `bipolar` states that the input holds no zeros (every real channel has its mask bit set:
    the producer is a bipolar binarizer). The mask plane is then not read: in-bounds taps are
    selected from the position alone and `d = in_channels * taps(p) - 2 * popcount(s ^ w)`.

    Ternary weights (`Sign(W)` of a W that holds exact zeros, BINARY_SEMANTICS §4) come in one
    of two encodings, chosen by how many zeros there are. A zero weight is packed as +1 (bit 0)
    in `weights` either way.
    - `zero_taps` (a few zeros) lists them as increasing flat indices
      `((o * KH + kh) * KW + kw) * in_channels + c`; `d` is the sum above minus the input value
      at each listed tap (a sparse correction).
    - The optional operand `weight_mask` (any number), packed like `weights`, has bit 1 where
      the weight is not zero; a tap counts only where both masks are set:
      `d = sum over in-bounds taps of (popcount(m & wm_o) - 2 * popcount(m & wm_o & (s ^ w_o)))`.

    Example:
    ```mlir
    %d = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1, 1, 1>,
           stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
       : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<32x3x3x1xi64>) -> tensor<1x8x8x32xi32>
    ```
  }];
  let arguments = (ins BNN_PackedTensor:$input_sign, BNN_PackedTensor:$input_mask,
                       BNN_PackedTensor:$weights, Optional<BNN_PackedTensor>:$weight_mask,
                       I64Attr:$in_channels, DenseI64ArrayAttr:$pad, DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$dilation, UnitAttr:$bipolar,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_taps);
  let results = (outs BNN_IntTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_I8Tensor : RankedTensorOf<[I8]>;

def BNN_BDepthwiseConv2DOp : BNN_Op<"bdepthwise_conv2d", [Pure]> {
  let summary = "Depthwise 2-D convolution of ternary values in int8 lanes";
  let description = [{
    NHWC input of values in {-1, 0, +1} as i8, weights `[KH, KW, C]` in {-1, 0, +1} as i8 (the
    sign of a binary weight; 0 for an exact zero weight), zero padding
    `pad = [top, bottom, left, right]`. The result is the integer
    `d[n, oh, ow, c] = sum over in-bounds taps (kh, kw) of x[n, ih, iw, c] * w[kh, kw, c]`,
    `ih = oh * stride[0] + kh * dilation[0] - pad[0]`, `iw = ow * stride[1] + kw * dilation[1] -
    pad[2]`: exact for sign(0) = 0 inputs, ternary weights and zero padding alike.
    `bnn.output_transform` turns it into floats.

    Why int8 lanes and not packed bits: a depthwise tap multiplies channel c by weight c only,
    with no sum over channels, so the strength of XNOR-popcount (64 products summed by one
    popcount) does not apply. Packing along channels leaves per-channel sums of bits to count
    across taps (bit-sliced counters, then unpacking every channel); packing along the
    KH * KW taps (9 for 3x3) uses 9 bits of a word and needs each position's taps gathered
    first. One byte per value, a vector register holds 4x the channels of float32 (64 on
    AVX-512), and a product is two integer ops on the sign mask of the weight.

    Example:
    ```mlir
    %d = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>,
           stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
       : (tensor<1x8x8x32xi8>, tensor<3x3x32xi8>) -> tensor<1x8x8x32xi32>
    ```
  }];
  let arguments = (ins BNN_I8Tensor:$input, BNN_I8Tensor:$weights, DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$dilation);
  let results = (outs BNN_IntTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_BMatMulOp : BNN_Op<"bmatmul", [Pure]> {
  let summary = "Binary matrix product by XNOR-popcount";
  let description = [{
    `A` as packed planes `[B, M, words]` (`bnn.pack`), weights packed as `[N, words]` (row n is
    column n of the float matrix), true reduction length `k`. The result is the integer dot
    product `d[b, i, n] = sum over words of (popcount(m) - 2 * popcount(m & (s ^ w_n)))`.
    With `bipolar` (no zeros in the input) the mask is not read: `d = k - 2 * popcount(s ^ w)`.
    Ternary weights as for `bnn.bconv2d`: `zero_taps` lists a few exact zeros as increasing flat
    indices `n * k + i` (each packed as +1, its input value subtracted), or the optional operand
    `weight_mask` (`[N, words]`, bit 1 where the weight is not zero) selects the counted bits:
    `d[b, i, n] = sum over words of (popcount(m & wm_n) - 2 * popcount(m & wm_n & (s ^ w_n)))`.

    Example:
    ```mlir
    %d = bnn.bmatmul %s, %m, %w {k = 100 : i64}
       : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
    ```
  }];
  let arguments = (ins BNN_PackedTensor:$input_sign, BNN_PackedTensor:$input_mask,
                       BNN_PackedTensor:$weights, Optional<BNN_PackedTensor>:$weight_mask,
                       I64Attr:$k, UnitAttr:$bipolar, OptionalAttr<DenseI64ArrayAttr>:$zero_taps);
  let results = (outs BNN_IntTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_BMatMulActOp : BNN_Op<"bmatmul_act", [Pure]> {
  let summary = "Binary batched matrix product of two run-time operands by popcount";
  let description = [{
    Both operands are activations in {-1, 0, +1} packed at run time (`bnn.pack`): `A` as
    planes `[B, M, words]`, `B^T` as planes `[B, N, words]` (row n is column n of B), true
    reduction length `k`. Attention's `sign(Q) @ sign(K)^T` and a {0, 1} mask times `sign(V)`
    are such products. With both masks, a product is non-zero where both are, and then
    +1 where the signs agree:
    `d[b, i, n] = sum over words of (popcount(ma & mb) - 2 * popcount(ma & mb & (sa ^ sb)))`.
    For a {0, 1} operand A (sign bits 0, mask = the value) this is the AND-popcount form
    `popcount(a & mb) - 2 * popcount(a & mb & sb)`: the +1 entries of B that A selects minus
    its -1 entries.

    Example:
    ```mlir
    %d = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64}
       : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x8x2xi64>) -> tensor<4x8x8xi32>
    ```
  }];
  let arguments = (ins BNN_PackedTensor:$a_sign, BNN_PackedTensor:$a_mask,
                       BNN_PackedTensor:$b_sign, BNN_PackedTensor:$b_mask, I64Attr:$k);
  let results = (outs BNN_IntTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_OutputTransformOp : BNN_Op<"output_transform", [Pure]> {
  let summary = "Per-channel scale and bias of a binary layer's integer result";
  let description = [{
    `y = multiplier[c] * float(d) + bias[c]` for channel `c` (the innermost index), computed in
    float32 in that order. The weight scale alpha, a conv bias and a BatchNorm fold into it.

    Example:
    ```mlir
    %y = bnn.output_transform %d, %mul, %bias
       : (tensor<1x8x8x32xi32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
    ```
  }];
  let arguments = (ins BNN_IntTensor:$input, BNN_FloatTensor:$multiplier, BNN_FloatTensor:$bias);
  let results = (outs BNN_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_ThresholdOp : BNN_Op<"threshold", [Pure]> {
  let summary = "Integer thresholds from a binary layer's result straight to packed bits";
  let description = [{
    For channel `c` (innermost), the binarized value of the integer `d` is
    `-1` for `d < low[c]`, `0` for `low[c] <= d < high[c]` and `+1` for `d >= high[c]`, or the
    mirror image (`+1` below `low`, `-1` from `high` on) where `descending[c]` is set. The
    result is packed like `bnn.pack`: sign bit 1 for -1, mask bit 1 for non-zero. The
    thresholds are derived at compile time from the float transform and binarizer they replace
    (BINARY_SEMANTICS §5), by evaluating that transform exactly at the integers.

    Example:
    ```mlir
    %s, %m = bnn.threshold %d, %low, %high, %desc
       : (tensor<1x8x8x32xi32>, tensor<32xi32>, tensor<32xi32>, tensor<32xi1>)
       -> (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>)
    ```
  }];
  let arguments = (ins BNN_IntTensor:$input, BNN_IntTensor:$low, BNN_IntTensor:$high,
                       BNN_BoolTensor:$descending);
  let results = (outs BNN_PackedTensor:$sign, BNN_PackedTensor:$mask);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def BNN_BMaxPool2DOp : BNN_Op<"bmaxpool2d", [Pure]> {
  let summary = "Max pooling of packed -1/0/+1 values, by bitwise logic";
  let description = [{
    Max pooling over NHWC packed planes. Since Sign is monotone, `Sign(MaxPool(y)) ==
    MaxPool(Sign(y))`, and on the packed form the max of a window is +1 if any value is +1
    (`OR(~s & m)`), -1 if all are -1 (`AND(s & m)`), else 0. Taps outside the input are ignored,
    as in ONNX's MaxPool. `pad = [top, bottom, left, right]`.

    Example:
    ```mlir
    %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
                                      pad = array<i64: 0, 0, 0, 0>}
       : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
    ```
  }];
  let arguments = (ins BNN_PackedTensor:$input_sign, BNN_PackedTensor:$input_mask,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$pad);
  let results = (outs BNN_PackedTensor:$sign, BNN_PackedTensor:$mask);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernel-level ops (on vectors, made by the kernel lowerings)
//===----------------------------------------------------------------------===//

def BNN_DotI8Op : BNN_Op<"dot_i8", [Pure, AllTypesMatch<["acc", "result"]>,
                                    AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "i32 lanes plus the dot products of groups of 4 byte pairs";
  let description = [{
    `result[i] = acc[i] + sum_{k < 4} ext(lhs[4 i + k]) * sext(rhs[4 i + k])`, where `ext` is a
    zero extension with `unsigned_lhs` and a sign extension otherwise; wrapping i32 arithmetic.
    This is x86 VNNI's `vpdpbusd` (unsigned x signed bytes) and AArch64's `sdot` (signed x
    signed): `bnn-lower-dot-products` emits the instruction where the module's target has it,
    and the same arithmetic in vector ops elsewhere. An op of its own rather than an LLVM
    intrinsic call in the kernel because the kernels are built on tensors and bufferized
    after: an intrinsic call has unknown memory effects, this op is pure.

    Example:
    ```mlir
    %r = bnn.dot_i8 %acc, %x, %w {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc, VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs, UnitAttr:$unsigned_lhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($acc)";
  let hasVerifier = 1;
}

#endif // BNN_OPS_TD

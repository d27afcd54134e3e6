//===- BNNOps.td - bnn dialect operations ------------------*- tablegen -*-===//

#ifndef BNN_OPS_TD
#define BNN_OPS_TD

include "dialects/BNN/BNNDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def BNN_FloatTensor : RankedTensorOf<[F32]>;

def BNN_RoundingModeAttr : EnumAttr<BNN_Dialect, BNN_RoundingMode, "rounding_mode">;

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
    Following QONNX's reference implementation, a signed 1-bit Quant is bipolar:
    `y = (x >= 0 ? +1 : -1) * scale`.

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

#endif // BNN_OPS_TD

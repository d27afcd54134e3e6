// RUN: %bnnc_opt %s -split-input-file -verify-diagnostics

// Every user-facing verifier error of the bnn ops, one per split.

//===----------------------------------------------------------------------===//
// bnn.sign / bnn.bipolar_sign
//===----------------------------------------------------------------------===//

func.func @sign_integer_operand(%x: tensor<8xi32>) -> tensor<8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<8xi32>'}}
  %0 = bnn.sign %x : tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

func.func @sign_result_shape(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bnn.sign' op all non-scalar operands/results must have the same shape and base type}}
  %0 = "bnn.sign"(%x) : (tensor<8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The generic form: the custom form's type is parsed as a ranked tensor already.
func.func @bipolar_sign_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<*xf32>'}}
  %0 = "bnn.bipolar_sign"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @bipolar_sign_f16(%x: tensor<8xf16>) -> tensor<8xf16> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = bnn.bipolar_sign %x : tensor<8xf16>
  return %0 : tensor<8xf16>
}

//===----------------------------------------------------------------------===//
// bnn.quant
//===----------------------------------------------------------------------===//

// -----

func.func @quant_scale_rank(%x: tensor<1x8xf32>, %s: tensor<1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op scale must have the input's rank 2, got 1}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_scale_axis(%x: tensor<1x8xf32>, %s: tensor<1x4xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op scale axis 1 has size 4, which is neither 1 nor the input's 8}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_zero_point_rank(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op zero_point must have the input's rank 2, got 3}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_zero_point_axis(%x: tensor<1x8xf32>, %s: tensor<1x8xf32>, %z: tensor<2x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op zero_point axis 0 has size 2, which is neither 1 nor the input's 1}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x8xf32>, tensor<2x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_result_type(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bnn.quant' op result type must equal the input type}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @quant_bitwidth_zero(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{attribute 'bitwidth' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 32}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 0 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_bitwidth_too_wide(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{attribute 'bitwidth' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 32}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 33 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_missing_bitwidth(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op requires attribute 'bitwidth'}}
  %0 = bnn.quant %x, %s, %z {is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// Unsigned, narrow, 1 bit: qmin = 0, qmax = 2^1 - 1 - 1 = 0. (Signed 1-bit is bipolar and
// exempt; see ops.mlir @quant_bipolar.)
func.func @quant_empty_range(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.quant' op has an empty integer range [0.000000e+00, 0.000000e+00]}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 1 : i64, is_signed = false, narrow = true}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @quant_unknown_rounding_mode(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+2 {{expected ::bnn::RoundingMode to be one of: round, ceil, floor, round_to_zero}}
  // expected-error @+1 {{failed to parse BNN_RoundingModeAttr parameter 'value'}}
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false, rounding_mode = #bnn<rounding_mode nearest>}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

//===----------------------------------------------------------------------===//
// bnn.multi_threshold
//===----------------------------------------------------------------------===//

// -----

func.func @multi_threshold_result_type(%x: tensor<1x8xf32>, %t: tensor<8x1xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op result type must equal the input type}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<8x1xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @multi_threshold_axis_too_large(%x: tensor<1x8xf32>, %t: tensor<8x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op channel_axis 2 is out of range for rank 2}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = 2 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<8x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// The axis is not normalized: ONNX-style negative axes are the importer's business.
func.func @multi_threshold_axis_negative(%x: tensor<1x8xf32>, %t: tensor<8x1xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op channel_axis -1 is out of range for rank 2}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = -1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<8x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @multi_threshold_thresholds_rank(%x: tensor<1x8xf32>, %t: tensor<8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op thresholds must be [C, B], got rank 1}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @multi_threshold_row_count(%x: tensor<1x8xf32>, %t: tensor<4x3xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op thresholds have 4 rows, but the input has 8 channels}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<4x3xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @multi_threshold_missing_out_scale(%x: tensor<1x8xf32>, %t: tensor<1x3xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.multi_threshold' op requires attribute 'out_scale'}}
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_bias = 0.0 : f32}
     : (tensor<1x8xf32>, tensor<1x3xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

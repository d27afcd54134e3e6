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

//===----------------------------------------------------------------------===//
// bnn.binarize
//===----------------------------------------------------------------------===//

// -----

func.func @binarize_threshold_count(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'bnn.binarize' op has 3 thresholds for 4 channels (expected 1 or one per channel)}}
  %0 = bnn.binarize %x {thresholds = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>, tie = #bnn<tie zero>} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @binarize_f64_thresholds(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{attribute 'thresholds' failed to satisfy constraint: 32-bit float elements attribute}}
  %0 = bnn.binarize %x {thresholds = dense<0.0> : tensor<1xf64>, tie = #bnn<tie zero>} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @binarize_unknown_tie(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{expected ::bnn::Tie to be one of: positive, zero, negative}}
  // expected-error @+1 {{failed to parse BNN_TieAttr parameter 'value'}}
  %0 = bnn.binarize %x {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie up>} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

//===----------------------------------------------------------------------===//
// bnn.pack
//===----------------------------------------------------------------------===//

// -----

// bnn.concat_packed: channel counts, word counts, and parts that would span two words.

func.func @concat_packed_counts(%a: tensor<1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.concat_packed' op has 2 channel counts for 1 inputs}}
  %0 = bnn.concat_packed %a {channels = array<i64: 32, 32>} : (tensor<1x1xi64>) -> tensor<1x1xi64>
  return %0 : tensor<1x1xi64>
}

// -----

func.func @concat_packed_input_words(%a: tensor<1x1xi64>, %b: tensor<1x1xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{'bnn.concat_packed' op input 1 packs 70 channels into 2 words, not 1}}
  %0 = bnn.concat_packed %a, %b {channels = array<i64: 64, 70>} : (tensor<1x1xi64>, tensor<1x1xi64>) -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

// -----

func.func @concat_packed_result_words(%a: tensor<1x1xi64>, %b: tensor<1x1xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{'bnn.concat_packed' op packs 64 channels into 1 words, not 2}}
  %0 = bnn.concat_packed %a, %b {channels = array<i64: 32, 32>} : (tensor<1x1xi64>, tensor<1x1xi64>) -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

// -----

func.func @concat_packed_straddle(%a: tensor<1x1xi64>, %b: tensor<1x1xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{'bnn.concat_packed' op input 1 starts at bit 48 of a word and spans two words}}
  %0 = bnn.concat_packed %a, %b {channels = array<i64: 48, 32>} : (tensor<1x1xi64>, tensor<1x1xi64>) -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

// -----

func.func @concat_packed_outer_dim(%a: tensor<2x1xi64>, %b: tensor<1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.concat_packed' op input 0 differs from the result in dimension 0}}
  %0 = bnn.concat_packed %a, %b {channels = array<i64: 32, 32>} : (tensor<2x1xi64>, tensor<1x1xi64>) -> tensor<1x1xi64>
  return %0 : tensor<1x1xi64>
}

// -----

func.func @pack_word_count(%x: tensor<1x100xf32>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.pack' op packs 100 channels into 2 words, not 1}}
  %s, %m = bnn.pack %x : tensor<1x100xf32> -> tensor<1x1xi64>, tensor<1x1xi64>
  return %s : tensor<1x1xi64>
}

// -----

func.func @pack_rank(%x: tensor<1x64xf32>) -> tensor<1xi64> {
  // expected-error @+1 {{'bnn.pack' op packed planes must have the input's rank}}
  %s, %m = bnn.pack %x : tensor<1x64xf32> -> tensor<1xi64>, tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

func.func @pack_outer_dim(%x: tensor<2x64xf32>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.pack' op packed dimension 0 differs from the input's}}
  %s, %m = bnn.pack %x : tensor<2x64xf32> -> tensor<1x1xi64>, tensor<1x1xi64>
  return %s : tensor<1x1xi64>
}

// -----

func.func @pack_plane_types(%x: tensor<1x64xf32>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.pack' op sign and mask planes must have the same type}}
  %s, %m = bnn.pack %x : tensor<1x64xf32> -> tensor<1x1xi64>, tensor<1x2xi64>
  return %s : tensor<1x1xi64>
}

// -----

func.func @pack_i32_words(%x: tensor<1x64xf32>) -> tensor<1x1xi32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 64-bit signless integer values}}
  %s, %m = bnn.pack %x : tensor<1x64xf32> -> tensor<1x1xi32>, tensor<1x1xi32>
  return %s : tensor<1x1xi32>
}

//===----------------------------------------------------------------------===//
// bnn.bconv2d
//===----------------------------------------------------------------------===//

// -----

func.func @bconv2d_rank(%s: tensor<8x8x1xi64>, %m: tensor<8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op expects 4-D NHWC planes, OHWI weights and a 4-D result}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<8x8x1xi64>, tensor<8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bconv2d_attr_sizes(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op expects 4 pads, 2 strides and 2 dilations}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bconv2d_negative_pad(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op pads must be non-negative}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: -1, 1, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @bconv2d_zero_stride(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op strides and dilations must be positive}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bconv2d_planes(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x2xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op sign and mask planes must have the same type}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x2xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bconv2d_weight_words(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x2xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op weights have 2 words per row, the input 1}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x2xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

// 65 channels need two words, the planes have one.
func.func @bconv2d_in_channels(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op reduction length 65 does not fill 1 words}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 65 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bconv2d_result_shape(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>, %w: tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op result shape must be [1, 6, 6, 4]}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

//===----------------------------------------------------------------------===//
// bnn.bmatmul
//===----------------------------------------------------------------------===//

// -----

func.func @bmatmul_rank(%s: tensor<4x2xi64>, %m: tensor<4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op expects [B, M, words] planes, [N, words] weights and a [B, M, N] result}}
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64} : (tensor<4x2xi64>, tensor<4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

func.func @bmatmul_zero_taps_order(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op zero_taps must be increasing indices below 1000}}
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64, zero_taps = array<i64: 5, 3>} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

func.func @bconv2d_zero_taps_range(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>, %w: tensor<2x1x1x1xi64>) -> tensor<1x4x4x2xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op zero_taps must be increasing indices below 6}}
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, zero_taps = array<i64: 6>} : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x4x4x2xi32>
  return %0 : tensor<1x4x4x2xi32>
}

// -----

func.func @bconv2d_weight_mask_type(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>, %w: tensor<2x1x1x1xi64>, %wm: tensor<2x1x1x2xi64>) -> tensor<1x4x4x2xi32> {
  // expected-error @+1 {{'bnn.bconv2d' op weight_mask must have the type of the weights}}
  %0 = bnn.bconv2d %s, %m, %w, %wm {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<2x1x1x1xi64>, tensor<2x1x1x2xi64>) -> tensor<1x4x4x2xi32>
  return %0 : tensor<1x4x4x2xi32>
}

// -----

func.func @bmatmul_two_ternary_encodings(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>, %wm: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op takes zero_taps or a weight_mask, not both}}
  %0 = bnn.bmatmul %s, %m, %w, %wm {k = 100 : i64, zero_taps = array<i64: 3>} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

func.func @bmatmul_k(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op reduction length 64 does not fill 2 words}}
  %0 = bnn.bmatmul %s, %m, %w {k = 64 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

func.func @bmatmul_k_zero(%s: tensor<1x4x1xi64>, %m: tensor<1x4x1xi64>, %w: tensor<10x1xi64>) -> tensor<1x4x10xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op reduction length 0 does not fill 1 words}}
  %0 = bnn.bmatmul %s, %m, %w {k = 0 : i64} : (tensor<1x4x1xi64>, tensor<1x4x1xi64>, tensor<10x1xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

func.func @bmatmul_result_shape(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x8xi32> {
  // expected-error @+1 {{'bnn.bmatmul' op result shape must be [1, 4, 10]}}
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x8xi32>
  return %0 : tensor<1x4x8xi32>
}

//===----------------------------------------------------------------------===//
// bnn.output_transform
//===----------------------------------------------------------------------===//

// -----

func.func @output_transform_shape(%d: tensor<1x8xi32>, %mul: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'bnn.output_transform' op result shape must equal the input shape}}
  %0 = bnn.output_transform %d, %mul, %b : (tensor<1x8xi32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @output_transform_multiplier(%d: tensor<1x8xi32>, %mul: tensor<4xf32>, %b: tensor<8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.output_transform' op multiplier must have one value per channel (8)}}
  %0 = bnn.output_transform %d, %mul, %b : (tensor<1x8xi32>, tensor<4xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @output_transform_bias_rank(%d: tensor<1x8xi32>, %mul: tensor<8xf32>, %b: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'bnn.output_transform' op bias must have one value per channel (8)}}
  %0 = bnn.output_transform %d, %mul, %b : (tensor<1x8xi32>, tensor<8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @output_transform_rank0(%d: tensor<i32>, %mul: tensor<1xf32>, %b: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'bnn.output_transform' op expects a ranked input of rank >= 1}}
  %0 = bnn.output_transform %d, %mul, %b : (tensor<i32>, tensor<1xf32>, tensor<1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//===----------------------------------------------------------------------===//
// bnn.threshold
//===----------------------------------------------------------------------===//

// -----

func.func @threshold_per_channel(%d: tensor<1x8xi32>, %lo: tensor<8xi32>, %hi: tensor<8xi32>, %desc: tensor<4xi1>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.threshold' op descending must have one value per channel (8)}}
  %s, %m = bnn.threshold %d, %lo, %hi, %desc : (tensor<1x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<4xi1>) -> (tensor<1x1xi64>, tensor<1x1xi64>)
  return %s : tensor<1x1xi64>
}

// -----

func.func @threshold_planes(%d: tensor<1x8xi32>, %lo: tensor<8xi32>, %hi: tensor<8xi32>, %desc: tensor<8xi1>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.threshold' op sign and mask planes must have the input's rank and equal types}}
  %s, %m = bnn.threshold %d, %lo, %hi, %desc : (tensor<1x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x1xi64>, tensor<1x1x1xi64>)
  return %s : tensor<1x1xi64>
}

// -----

func.func @threshold_outer_dim(%d: tensor<2x8xi32>, %lo: tensor<8xi32>, %hi: tensor<8xi32>, %desc: tensor<8xi1>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.threshold' op packed dimension 0 differs from the input's}}
  %s, %m = bnn.threshold %d, %lo, %hi, %desc : (tensor<2x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x1xi64>, tensor<1x1xi64>)
  return %s : tensor<1x1xi64>
}

// -----

func.func @threshold_words(%d: tensor<1x65xi32>, %lo: tensor<65xi32>, %hi: tensor<65xi32>, %desc: tensor<65xi1>) -> tensor<1x1xi64> {
  // expected-error @+1 {{'bnn.threshold' op packs 65 channels into 2 words}}
  %s, %m = bnn.threshold %d, %lo, %hi, %desc : (tensor<1x65xi32>, tensor<65xi32>, tensor<65xi32>, tensor<65xi1>) -> (tensor<1x1xi64>, tensor<1x1xi64>)
  return %s : tensor<1x1xi64>
}

//===----------------------------------------------------------------------===//
// bnn.bmaxpool2d
//===----------------------------------------------------------------------===//

// -----

func.func @bmaxpool2d_planes(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x2xi64>) -> tensor<1x4x4x1xi64> {
  // expected-error @+1 {{'bnn.bmaxpool2d' op sign and mask planes must have equal types}}
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x2xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2 : tensor<1x4x4x1xi64>
}

// -----

func.func @bmaxpool2d_attr_sizes(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>) -> tensor<1x4x4x1xi64> {
  // expected-error @+1 {{'bnn.bmaxpool2d' op expects NHWC planes, 2 kernel sizes, 2 strides and 4 pads}}
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2 : tensor<1x4x4x1xi64>
}

// -----

func.func @bmaxpool2d_zero_kernel(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>) -> tensor<1x4x4x1xi64> {
  // expected-error @+1 {{'bnn.bmaxpool2d' op kernel sizes and strides must be positive}}
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 0, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2 : tensor<1x4x4x1xi64>
}

// -----

// A pad as large as the kernel would make a window of padding only.
func.func @bmaxpool2d_pad_too_large(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>) -> tensor<1x5x4x1xi64> {
  // expected-error @+1 {{'bnn.bmaxpool2d' op pads must be non-negative and smaller than the kernel}}
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 2, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x5x4x1xi64>, tensor<1x5x4x1xi64>)
  return %s2 : tensor<1x5x4x1xi64>
}

// -----

func.func @bmaxpool2d_result_shape(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>) -> tensor<1x8x8x1xi64> {
  // expected-error @+1 {{'bnn.bmaxpool2d' op result shape must be [1, 4, 4, 1]}}
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>)
  return %s2 : tensor<1x8x8x1xi64>
}

//===----------------------------------------------------------------------===//
// bnn.bdepthwise_conv2d
//===----------------------------------------------------------------------===//

// -----

func.func @bdepthwise_weight_rank(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x4x1xi8>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bdepthwise_conv2d' op expects a 4-D NHWC input, [KH, KW, C] weights and a 4-D result}}
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x4xi8>, tensor<3x3x4x1xi8>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bdepthwise_channels(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x5xi8>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bdepthwise_conv2d' op weights have 5 channels, the input 4}}
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x4xi8>, tensor<3x3x5xi8>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bdepthwise_result_shape(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x4xi8>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bdepthwise_conv2d' op result shape must be [1, 6, 6, 4]}}
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x4xi8>, tensor<3x3x4xi8>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

// -----

func.func @bdepthwise_stride(%x: tensor<1x8x8x4xi8>, %w: tensor<3x3x4xi8>) -> tensor<1x8x8x4xi32> {
  // expected-error @+1 {{'bnn.bdepthwise_conv2d' op strides and dilations must be positive}}
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x4xi8>, tensor<3x3x4xi8>) -> tensor<1x8x8x4xi32>
  return %0 : tensor<1x8x8x4xi32>
}

//===----------------------------------------------------------------------===//
// bnn.bmatmul_act
//===----------------------------------------------------------------------===//

// -----

func.func @bmatmul_act_words(%as: tensor<4x8x2xi64>, %am: tensor<4x8x2xi64>, %bs: tensor<4x6x1xi64>, %bm: tensor<4x6x1xi64>) -> tensor<4x8x6xi32> {
  // expected-error @+1 {{'bnn.bmatmul_act' op operands have 2 and 1 words per row}}
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64}
     : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x6x1xi64>, tensor<4x6x1xi64>) -> tensor<4x8x6xi32>
  return %0 : tensor<4x8x6xi32>
}

// -----

func.func @bmatmul_act_k(%as: tensor<4x8x2xi64>, %am: tensor<4x8x2xi64>, %bs: tensor<4x6x2xi64>, %bm: tensor<4x6x2xi64>) -> tensor<4x8x6xi32> {
  // expected-error @+1 {{'bnn.bmatmul_act' op reduction length 20 does not fill 2 words}}
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 20 : i64}
     : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x6x2xi64>, tensor<4x6x2xi64>) -> tensor<4x8x6xi32>
  return %0 : tensor<4x8x6xi32>
}

// -----

func.func @bmatmul_act_result(%as: tensor<4x8x2xi64>, %am: tensor<4x8x2xi64>, %bs: tensor<4x6x2xi64>, %bm: tensor<4x6x2xi64>) -> tensor<4x6x8xi32> {
  // expected-error @+1 {{'bnn.bmatmul_act' op result shape must be [4, 8, 6]}}
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64}
     : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x6x2xi64>, tensor<4x6x2xi64>) -> tensor<4x6x8xi32>
  return %0 : tensor<4x6x8xi32>
}

// -----

func.func @bmatmul_act_batch(%as: tensor<4x8x2xi64>, %am: tensor<4x8x2xi64>, %bs: tensor<2x6x2xi64>, %bm: tensor<2x6x2xi64>) -> tensor<4x8x6xi32> {
  // expected-error @+1 {{'bnn.bmatmul_act' op result shape must be [4, 8, 6]}}
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64}
     : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<2x6x2xi64>, tensor<2x6x2xi64>) -> tensor<4x8x6xi32>
  return %0 : tensor<4x8x6xi32>
}

// -----

func.func @dot_i8_width(%acc: vector<4xi32>, %a: vector<8xi8>) -> vector<4xi32> {
  // expected-error @+1 {{'bnn.dot_i8' op needs 4 bytes per i32 lane: 8 bytes for 4 lanes}}
  %r = bnn.dot_i8 %acc, %a, %a : vector<8xi8> -> vector<4xi32>
  return %r : vector<4xi32>
}

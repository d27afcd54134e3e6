// RUN: %bnnc_opt %s | %bnnc_opt | FileCheck %s
// RUN: %bnnc_opt %s --mlir-print-op-generic | %bnnc_opt | FileCheck %s

// Round trip of every bnn op through its custom assembly format (and through the generic form).

// CHECK-LABEL: func.func @sign
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x16xf32>)
// CHECK: %[[S:.*]] = bnn.sign %[[X]] : tensor<1x8x8x16xf32>
// CHECK: return %[[S]]
func.func @sign(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %0 = bnn.sign %x : tensor<1x8x8x16xf32>
  return %0 : tensor<1x8x8x16xf32>
}

// CHECK-LABEL: func.func @sign_rank0
// CHECK: bnn.sign %{{.*}} : tensor<f32>
func.func @sign_rank0(%x: tensor<f32>) -> tensor<f32> {
  %0 = bnn.sign %x : tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @bipolar_sign
// CHECK-SAME: (%[[X:.*]]: tensor<1x64xf32>)
// CHECK: %[[B:.*]] = bnn.bipolar_sign %[[X]] : tensor<1x64xf32>
// CHECK: return %[[B]]
func.func @bipolar_sign(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %0 = bnn.bipolar_sign %x : tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// The default rounding mode (round, half to even) is elided when printed.
// CHECK-LABEL: func.func @quant_default_rounding
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf32>, %[[S:.*]]: tensor<1x1xf32>, %[[Z:.*]]: tensor<1x1xf32>)
// CHECK: bnn.quant %[[X]], %[[S]], %[[Z]] {bitwidth = 4 : i64, is_signed = true, narrow = false} : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
func.func @quant_default_rounding(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// An explicit `round` is the default too: it is elided.
// CHECK-LABEL: func.func @quant_round
// CHECK: bnn.quant
// CHECK-NOT: rounding_mode
// CHECK-SAME: -> tensor<1x8xf32>
func.func @quant_round(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 8 : i64, is_signed = true, narrow = true,
                             rounding_mode = #bnn<rounding_mode round>}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @quant_ceil
// CHECK: bnn.quant {{.*}} {bitwidth = 2 : i64, is_signed = false, narrow = false, rounding_mode = #bnn<rounding_mode ceil>}
func.func @quant_ceil(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 2 : i64, is_signed = false, narrow = false,
                             rounding_mode = #bnn<rounding_mode ceil>}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @quant_floor
// CHECK: bnn.quant {{.*}} rounding_mode = #bnn<rounding_mode floor>
func.func @quant_floor(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 3 : i64, is_signed = true, narrow = false,
                             rounding_mode = #bnn<rounding_mode floor>}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @quant_round_to_zero
// CHECK: bnn.quant {{.*}} rounding_mode = #bnn<rounding_mode round_to_zero>
func.func @quant_round_to_zero(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 32 : i64, is_signed = true, narrow = false,
                             rounding_mode = #bnn<rounding_mode round_to_zero>}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// Per-channel scale and zero point, broadcast along the size-1 axes.
// CHECK-LABEL: func.func @quant_per_channel
// CHECK: bnn.quant {{.*}} : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x2x2xf32>
func.func @quant_per_channel(%x: tensor<1x4x2x2xf32>, %s: tensor<1x4x1x1xf32>, %z: tensor<1x1x1x1xf32>) -> tensor<1x4x2x2xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// A signed 1-bit quant is bipolar; its range [0, 0] (narrow) is allowed.
// CHECK-LABEL: func.func @quant_bipolar
// CHECK: bnn.quant {{.*}} {bitwidth = 1 : i64, is_signed = true, narrow = true}
func.func @quant_bipolar(%x: tensor<1x8xf32>, %s: tensor<1x1xf32>, %z: tensor<1x1xf32>) -> tensor<1x8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 1 : i64, is_signed = true, narrow = true}
     : (tensor<1x8xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @multi_threshold
// CHECK-SAME: (%[[X:.*]]: tensor<1x64xf32>, %[[T:.*]]: tensor<64x1xf32>)
// CHECK: bnn.multi_threshold %[[X]], %[[T]] {channel_axis = 1 : i64, out_bias = -1.000000e+00 : f32, out_scale = 2.000000e+00 : f32} : (tensor<1x64xf32>, tensor<64x1xf32>) -> tensor<1x64xf32>
func.func @multi_threshold(%x: tensor<1x64xf32>, %t: tensor<64x1xf32>) -> tensor<1x64xf32> {
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 2.0 : f32, out_bias = -1.0 : f32}
     : (tensor<1x64xf32>, tensor<64x1xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// One row of thresholds shared by every channel; channel_axis on the innermost (NHWC) axis.
// CHECK-LABEL: func.func @multi_threshold_shared_row
// CHECK: bnn.multi_threshold {{.*}} {channel_axis = 3 : i64, out_bias = 0.000000e+00 : f32, out_scale = 1.000000e+00 : f32} : (tensor<1x2x2x4xf32>, tensor<1x3xf32>) -> tensor<1x2x2x4xf32>
func.func @multi_threshold_shared_row(%x: tensor<1x2x2x4xf32>, %t: tensor<1x3xf32>) -> tensor<1x2x2x4xf32> {
  %0 = bnn.multi_threshold %x, %t {channel_axis = 3 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x2x2x4xf32>, tensor<1x3xf32>) -> tensor<1x2x2x4xf32>
  return %0 : tensor<1x2x2x4xf32>
}

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

// The canonical binarizer: one threshold for all channels, or one per channel (innermost axis);
// each tie value.
// CHECK-LABEL: func.func @binarize
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xf32>)
// CHECK: %[[A:.*]] = bnn.binarize %[[X]] {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x8x8x4xf32>
// CHECK: %[[B:.*]] = bnn.binarize %[[A]] {thresholds = dense<[1.000000e+00, -2.000000e+00, 5.000000e-01, 0.000000e+00]> : tensor<4xf32>, tie = #bnn<tie positive>} : tensor<1x8x8x4xf32>
// CHECK: bnn.binarize %[[B]] {thresholds = dense<2.500000e-01> : tensor<1xf32>, tie = #bnn<tie negative>} : tensor<1x8x8x4xf32>
func.func @binarize(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %0 = bnn.binarize %x {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x8x8x4xf32>
  %1 = bnn.binarize %0 {thresholds = dense<[1.0, -2.0, 0.5, 0.0]> : tensor<4xf32>, tie = #bnn<tie positive>} : tensor<1x8x8x4xf32>
  %2 = bnn.binarize %1 {thresholds = dense<0.25> : tensor<1xf32>, tie = #bnn<tie negative>} : tensor<1x8x8x4xf32>
  return %2 : tensor<1x8x8x4xf32>
}

// 100 channels need two 64-bit words.
// CHECK-LABEL: func.func @pack
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x100xf32>)
// CHECK: %[[S:.*]], %[[M:.*]] = bnn.pack %[[X]] : tensor<1x8x8x100xf32> -> tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>
// CHECK: return %[[S]], %[[M]]
func.func @pack(%x: tensor<1x8x8x100xf32>) -> (tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>) {
  %s, %m = bnn.pack %x : tensor<1x8x8x100xf32> -> tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>
  return %s, %m : tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>
}

// CHECK-LABEL: func.func @bconv2d
// CHECK-SAME: (%[[S:.*]]: tensor<1x8x8x2xi64>, %[[M:.*]]: tensor<1x8x8x2xi64>, %[[W:.*]]: tensor<32x3x3x2xi64>)
// CHECK: bnn.bconv2d %[[S]], %[[M]], %[[W]] {dilation = array<i64: 1, 1>, in_channels = 100 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>, tensor<32x3x3x2xi64>) -> tensor<1x8x8x32xi32>
func.func @bconv2d(%s: tensor<1x8x8x2xi64>, %m: tensor<1x8x8x2xi64>, %w: tensor<32x3x3x2xi64>) -> tensor<1x8x8x32xi32> {
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 100 : i64, pad = array<i64: 1, 1, 1, 1>,
                               stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x2xi64>, tensor<1x8x8x2xi64>, tensor<32x3x3x2xi64>) -> tensor<1x8x8x32xi32>
  return %0 : tensor<1x8x8x32xi32>
}

// Strided, dilated, asymmetric padding: 9 rows, pad 0 + 1, kernel 3 dilated 2, stride 2 -> 3.
// CHECK-LABEL: func.func @bconv2d_strided
// CHECK: bnn.bconv2d {{.*}} {dilation = array<i64: 2, 1>, in_channels = 64 : i64, pad = array<i64: 0, 1, 2, 0>, stride = array<i64: 2, 3>} : ({{.*}}) -> tensor<1x3x3x8xi32>
func.func @bconv2d_strided(%s: tensor<1x9x7x1xi64>, %m: tensor<1x9x7x1xi64>, %w: tensor<8x3x3x1xi64>) -> tensor<1x3x3x8xi32> {
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 64 : i64, pad = array<i64: 0, 1, 2, 0>,
                               stride = array<i64: 2, 3>, dilation = array<i64: 2, 1>}
     : (tensor<1x9x7x1xi64>, tensor<1x9x7x1xi64>, tensor<8x3x3x1xi64>) -> tensor<1x3x3x8xi32>
  return %0 : tensor<1x3x3x8xi32>
}

// Ternary weights as a weight mask plane: the optional fourth operand.
// CHECK-LABEL: func.func @bmatmul_weight_mask
// CHECK-SAME: (%[[S:.+]]: tensor<1x4x2xi64>, %[[M:.+]]: tensor<1x4x2xi64>, %[[W:.+]]: tensor<10x2xi64>, %[[WM:.+]]: tensor<10x2xi64>)
// CHECK: bnn.bmatmul %[[S]], %[[M]], %[[W]], %[[WM]] {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
func.func @bmatmul_weight_mask(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>, %wm: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  %0 = bnn.bmatmul %s, %m, %w, %wm {k = 100 : i64}
     : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// CHECK-LABEL: func.func @bmatmul
// CHECK-SAME: (%[[S:.*]]: tensor<1x4x2xi64>, %[[M:.*]]: tensor<1x4x2xi64>, %[[W:.*]]: tensor<10x2xi64>)
// CHECK: bnn.bmatmul %[[S]], %[[M]], %[[W]] {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
func.func @bmatmul(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64}
     : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// CHECK-LABEL: func.func @output_transform
// CHECK-SAME: (%[[D:.*]]: tensor<1x8x8x32xi32>, %[[MUL:.*]]: tensor<32xf32>, %[[B:.*]]: tensor<32xf32>)
// CHECK: bnn.output_transform %[[D]], %[[MUL]], %[[B]] : (tensor<1x8x8x32xi32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
func.func @output_transform(%d: tensor<1x8x8x32xi32>, %mul: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<1x8x8x32xf32> {
  %0 = bnn.output_transform %d, %mul, %b
     : (tensor<1x8x8x32xi32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
  return %0 : tensor<1x8x8x32xf32>
}

// CHECK-LABEL: func.func @threshold
// CHECK-SAME: (%[[D:.*]]: tensor<1x8x8x32xi32>, %[[LO:.*]]: tensor<32xi32>, %[[HI:.*]]: tensor<32xi32>, %[[DESC:.*]]: tensor<32xi1>)
// CHECK: %[[S:.*]], %[[M:.*]] = bnn.threshold %[[D]], %[[LO]], %[[HI]], %[[DESC]] : (tensor<1x8x8x32xi32>, tensor<32xi32>, tensor<32xi32>, tensor<32xi1>) -> (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>)
func.func @threshold(%d: tensor<1x8x8x32xi32>, %lo: tensor<32xi32>, %hi: tensor<32xi32>, %desc: tensor<32xi1>) -> (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) {
  %s, %m = bnn.threshold %d, %lo, %hi, %desc
     : (tensor<1x8x8x32xi32>, tensor<32xi32>, tensor<32xi32>, tensor<32xi1>) -> (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>)
  return %s, %m : tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>
}

// CHECK-LABEL: func.func @bmaxpool2d
// CHECK-SAME: (%[[S:.*]]: tensor<1x8x8x1xi64>, %[[M:.*]]: tensor<1x8x8x1xi64>)
// CHECK: bnn.bmaxpool2d %[[S]], %[[M]] {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
func.func @bmaxpool2d(%s: tensor<1x8x8x1xi64>, %m: tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) {
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
                                    pad = array<i64: 0, 0, 0, 0>}
     : (tensor<1x8x8x1xi64>, tensor<1x8x8x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2, %m2 : tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>
}

// ceil_mode-style windows: 7 rows, kernel 2, stride 2, end pad 1 -> 4.
// CHECK-LABEL: func.func @bmaxpool2d_padded
// CHECK: bnn.bmaxpool2d {{.*}} {kernel = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : ({{.*}}) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
func.func @bmaxpool2d_padded(%s: tensor<1x7x7x1xi64>, %m: tensor<1x7x7x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) {
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
                                    pad = array<i64: 0, 1, 0, 1>}
     : (tensor<1x7x7x1xi64>, tensor<1x7x7x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2, %m2 : tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>
}

// -----

// CHECK-LABEL: func.func @bdepthwise_conv2d
// CHECK: bnn.bdepthwise_conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x8x8x32xi8>, tensor<3x3x32xi8>) -> tensor<1x4x4x32xi32>
func.func @bdepthwise_conv2d(%x: tensor<1x8x8x32xi8>, %w: tensor<3x3x32xi8>) -> tensor<1x4x4x32xi32> {
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
     : (tensor<1x8x8x32xi8>, tensor<3x3x32xi8>) -> tensor<1x4x4x32xi32>
  return %0 : tensor<1x4x4x32xi32>
}

// -----

// CHECK-LABEL: func.func @bmatmul_act
// CHECK: bnn.bmatmul_act %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {k = 100 : i64} : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x6x2xi64>, tensor<4x6x2xi64>) -> tensor<4x8x6xi32>
func.func @bmatmul_act(%as: tensor<4x8x2xi64>, %am: tensor<4x8x2xi64>, %bs: tensor<4x6x2xi64>, %bm: tensor<4x6x2xi64>) -> tensor<4x8x6xi32> {
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64}
     : (tensor<4x8x2xi64>, tensor<4x8x2xi64>, tensor<4x6x2xi64>, tensor<4x6x2xi64>) -> tensor<4x8x6xi32>
  return %0 : tensor<4x8x6xi32>
}

// CHECK-LABEL: func.func @dot_i8
// CHECK: bnn.dot_i8 %arg0, %arg1, %arg2 {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
// CHECK: bnn.dot_i8 %arg3, %arg4, %arg4 : vector<16xi8> -> vector<4xi32>
func.func @dot_i8(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>, %acc4: vector<4xi32>, %c: vector<16xi8>) -> (vector<16xi32>, vector<4xi32>) {
  %r = bnn.dot_i8 %acc, %a, %b {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
  %s = bnn.dot_i8 %acc4, %c, %c : vector<16xi8> -> vector<4xi32>
  return %r, %s : vector<16xi32>, vector<4xi32>
}

// Two parts of 32 channels share one word; a part of 64 then starts at a word boundary.
// CHECK-LABEL: func.func @concat_packed
// CHECK: bnn.concat_packed %{{.*}}, %{{.*}}, %{{.*}} {channels = array<i64: 32, 32, 64>} : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) -> tensor<1x4x4x2xi64>
func.func @concat_packed(%a: tensor<1x4x4x1xi64>, %b: tensor<1x4x4x1xi64>, %c: tensor<1x4x4x1xi64>) -> tensor<1x4x4x2xi64> {
  %0 = bnn.concat_packed %a, %b, %c {channels = array<i64: 32, 32, 64>} : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) -> tensor<1x4x4x2xi64>
  return %0 : tensor<1x4x4x2xi64>
}

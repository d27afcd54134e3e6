// RUN: %bnnc_opt %s -split-input-file -verify-diagnostics -bnn-fuse-binary-layers=remarks=true | FileCheck %s

// Inputs are what `bnnc --emit=mlir:import` and -bnn-normalize-binarizers make of small ONNX
// models. With remarks, every conv/matmul says whether it became binary, or why not.

// Sign -> 1x1 Conv with weights +-0.5 and +-0.25 per output channel and a bias: packed weights, alpha as multiplier, the bias kept.
// CHECK-LABEL: func.func @fb_conv(
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// Channel 0 is (+, -): bit 1 set; channel 1 is (-, -): bits 0 and 1.
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[{{\[}}[2]]], {{\[}}[{{\[}}3]]]]> : tensor<2x1x1x1xi64>
// CHECK: %[[S:.*]], %[[M:.*]] = bnn.pack %[[B:.*]] : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
// CHECK: %[[D:.*]] = bnn.bconv2d %[[S]], %[[M]], %[[W]] {{{.*}}in_channels = 2 : i64{{.*}}} : {{.*}} -> tensor<1x3x3x2xi32>
// CHECK: bnn.output_transform %[[D]], %[[ALPHA]], %[[BIAS]]
// CHECK-NOT: tosa.conv2d
func.func @fb_conv(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01, -5.000000e-01]]], [[[-2.500000e-01, -2.500000e-01]]]]> : tensor<2x1x1x2xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  // expected-remark @below {{Conv binarized: bconv2d, K = 2}}
  %3 = tosa.conv2d %2, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %4 : tensor<1x2x3x3xf32>
}

// -----

// 3x3 Conv with zero padding: the pads stay on the binary op (padded taps add nothing).
// CHECK-LABEL: func.func @fb_conv3x3(
// CHECK: bnn.bconv2d {{.*}}pad = array<i64: 1, 1, 1, 1>
// CHECK-NOT: tosa.conv2d
func.func @fb_conv3x3(%arg0: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = tosa.const_shape  {values = dense<[1, 1, 3, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %1 = tosa.const_shape  {values = dense<[1, 3, 3, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %2 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<1xf32>
  %cst_0 = arith.constant dense<[[[[1.000000e+00], [-1.000000e+00], [1.000000e+00]], [[-1.000000e+00], [1.000000e+00], [-1.000000e+00]], [[1.000000e+00], [-1.000000e+00], [1.000000e+00]]]]> : tensor<1x3x3x1xf32>
  %3 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x1x3x3xf32>
  %4 = tosa.reshape %3, %1 : (tensor<1x1x3x3xf32>, !tosa.shape<4>) -> tensor<1x3x3x1xf32>
  // expected-remark @below {{Conv binarized: bconv2d, K = 9}}
  %5 = tosa.conv2d %4, %cst_0, %cst, %2, %2 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<1x3x3x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  %6 = tosa.reshape %5, %0 : (tensor<1x3x3x1xf32>, !tosa.shape<4>) -> tensor<1x1x3x3xf32>
  return %6 : tensor<1x1x3x3xf32>
}

// -----

// Sign -> MatMul with columns +-0.5 and +-2: bmatmul over packed rows, the reshape to [1, M, K] moved after the pack.
// CHECK-LABEL: func.func @fb_matmul(
// CHECK: %[[S:.*]], %[[M:.*]] = bnn.pack %{{.*}} : tensor<2x3xf32> -> tensor<2x1xi64>, tensor<2x1xi64>
// CHECK: %[[S3:.*]] = tosa.reshape %[[S]]
// CHECK: %[[M3:.*]] = tosa.reshape %[[M]]
// CHECK: %[[D:.*]] = bnn.bmatmul %[[S3]], %[[M3]], %{{.*}} {k = 3 : i64}
// CHECK: bnn.output_transform %[[D]]
// CHECK-NOT: tosa.matmul
func.func @fb_matmul(%arg0: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = "tosa.const"() <{values = dense<[[[5.000000e-01, 2.000000e+00], [-5.000000e-01, 2.000000e+00], [5.000000e-01, -2.000000e+00]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %1 = tosa.const_shape  {values = dense<2> : tensor<2xindex>} : () -> !tosa.shape<2>
  %2 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %3 = tosa.const_shape  {values = dense<[1, 2, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<2x3xf32>
  %5 = tosa.reshape %4, %3 : (tensor<2x3xf32>, !tosa.shape<3>) -> tensor<1x2x3xf32>
  // expected-remark @below {{MatMul/Gemm binarized: bmatmul, K = 3}}
  %6 = tosa.matmul %5, %0, %2, %2 : (tensor<1x2x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  %7 = tosa.reshape %6, %1 : (tensor<1x2x2xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %7 : tensor<2x2xf32>
}

// -----

// negative_: weights of two magnitudes in one output channel are not binary.
// CHECK-LABEL: func.func @negative_fb_weights(
// CHECK-NOT: bnn.bconv2d
// CHECK: tosa.conv2d
func.func @negative_fb_weights(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01, -2.500000e-01]]], [[[1.000000e+00, 1.000000e+00]]]]> : tensor<2x1x1x2xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  // expected-remark @below {{Conv stays float: weights are not +-alpha per output channel (channel 0 has 0.500000 and -0.250000)}}
  %3 = tosa.conv2d %2, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %4 : tensor<1x2x3x3xf32>
}

// -----

// Ternary weights with many zeros (here 1 of 4, Sign(0) of a weight): a weight mask plane, packed
// like the weights, bit 1 for a non-zero weight (channel 0: weights 0.5, 0 -> 0b01; channel 1:
// 0b11), as the bconv2d's fourth operand; the zero is packed as +1 (bit 0) in the weights.
// CHECK-LABEL: func.func @fb_zero_weight_mask(
// CHECK-DAG: %[[MASK:.+]] = arith.constant dense<{{\[\[\[\[}}1]]], {{\[\[\[}}3]]]]> : tensor<2x1x1x1xi64>
// CHECK-DAG: %[[W:.+]] = arith.constant dense<0> : tensor<2x1x1x1xi64>
// CHECK: bnn.bconv2d %{{.+}}, %{{.+}}, %[[W]], %[[MASK]] {
// CHECK-NOT: zero_taps
// CHECK-NOT: tosa.conv2d
func.func @fb_zero_weight_mask(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01, 0.000000e+00]]], [[[1.000000e+00, 1.000000e+00]]]]> : tensor<2x1x1x2xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  // expected-remark @below {{Conv binarized: bconv2d, K = 2, with 1 zero weights (ternary: a weight mask plane selects the non-zero ones)}}
  %3 = tosa.conv2d %2, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %4 : tensor<1x2x3x3xf32>
}

// -----

// negative_: float activations (the stem) stay float even with binary weights.
// CHECK-LABEL: func.func @negative_fb_float_input(
// CHECK-NOT: bnn.bconv2d
// CHECK: tosa.conv2d
func.func @negative_fb_float_input(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01, -5.000000e-01]]], [[[1.000000e+00, 1.000000e+00]]]]> : tensor<2x1x1x2xf32>
  %1 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  // expected-remark @below {{Conv stays float: activations are a graph input, not binarized}}
  %2 = tosa.conv2d %1, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %3 : tensor<1x2x3x3xf32>
}

// -----

// negative_: average pooling of +-1 values is not binary (it does not commute with Sign).
// CHECK-LABEL: func.func @negative_fb_avgpool(
// CHECK-NOT: bnn.bconv2d
// CHECK: tosa.conv2d
func.func @negative_fb_avgpool(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01, -5.000000e-01]]], [[[1.000000e+00, 1.000000e+00]]]]> : tensor<2x1x1x2xf32>
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x4x4xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %3 = tosa.avg_pool2d %2, %0, %0 {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark @below {{Conv stays float: activations are not binary (they come from tosa.avg_pool2d, not from a binarizer)}}
  %4 = tosa.conv2d %3, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %5 = tosa.transpose %4 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %5 : tensor<1x2x2x2xf32>
}

// -----

// Ternary weights: one exact zero among 128 weights (flat index (o * KH * KW + tap) * C + c =
// 70: channel 1, input channel 6) is packed as +1 and cleared in the weight mask (channel 1's
// word ~(1 << 6) = -65). The sparse zero_taps encoding is kept for at most one zero in 65,536
// weights (test/tools/targets/ternary-weights.test).
// CHECK-LABEL: func.func @fb_ternary_weight(
// CHECK: %[[MASK:.+]] = arith.constant dense<{{\[\[\[\[}}-1]]], {{\[\[\[}}-65]]]]> : tensor<2x1x1x1xi64>
// CHECK: bnn.bconv2d %{{.+}}, %{{.+}}, %{{.+}}, %[[MASK]] {
// CHECK-NOT: zero_taps
func.func @fb_ternary_weight(%arg0: tensor<1x64x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %w = arith.constant dense<[[[[-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01]]], [[[5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,0.000000e+00,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01,5.000000e-01,-5.000000e-01,5.000000e-01]]]]> : tensor<2x1x1x64xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x64x3x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x64x3x3xf32>) -> tensor<1x3x3x64xf32>
  // expected-remark @below {{Conv binarized: bconv2d, K = 64, with 1 zero weights (ternary: a weight mask plane selects the non-zero ones)}}
  %3 = tosa.conv2d %2, %w, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x64xf32>, tensor<2x1x1x64xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %4 : tensor<1x2x3x3xf32>
}

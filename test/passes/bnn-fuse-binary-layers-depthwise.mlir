// RUN: %bnnc_opt %s -split-input-file -verify-diagnostics -bnn-fuse-binary-layers=remarks=true | FileCheck %s

// Binary depthwise convolutions (the imported forms of a Sign -> Conv with group = channels).
// The activations become int8 {-1, 0, +1} by two comparisons, the weights their signs as an int8
// constant [KH, KW, C] (0 for an exact zero weight: ternary, exact at no cost), alpha per channel
// and the bias go to the output transform.

// Channel 0 is +-0.5 with one zero weight, channel 1 +-0.25.
// CHECK-LABEL: func.func @fb_depthwise(
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[1, -1], [-1, 1], [1, 1]], {{\[}}[-1, 1], [1, -1], [0, 1]], {{\[}}[1, 1], [1, 1], [-1, -1]]]> : tensor<3x3x2xi8>
// CHECK: %[[X:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x4x4x2xf32>) outs(%{{.*}} : tensor<1x4x4x2xi8>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: %[[D:.*]] = bnn.bdepthwise_conv2d %[[X]], %[[W]] {dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x3x2xi8>) -> tensor<1x4x4x2xi32>
// CHECK: bnn.output_transform %[[D]], %[[ALPHA]], %[[BIAS]]
// CHECK-NOT: tosa.depthwise_conv2d
func.func @fb_depthwise(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[5.000000e-01], [-2.500000e-01]], [[-5.000000e-01], [2.500000e-01]], [[5.000000e-01], [2.500000e-01]]], [[[-5.000000e-01], [2.500000e-01]], [[5.000000e-01], [-2.500000e-01]], [[0.000000e+00], [2.500000e-01]]], [[[5.000000e-01], [2.500000e-01]], [[5.000000e-01], [2.500000e-01]], [[-5.000000e-01], [-2.500000e-01]]]]> : tensor<3x3x2x1xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x4x4xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  // expected-remark @below {{Conv binarized: depthwise, 3x3 taps per channel, ternary products in int8 lanes}}
  %3 = tosa.depthwise_conv2d %2, %cst_0, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x3x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  return %4 : tensor<1x2x4x4xf32>
}

// -----

// A channel multiplier of 2 (each input channel feeds two outputs) stays float.
// CHECK-LABEL: func.func @fb_depthwise_multiplier(
// CHECK: tosa.depthwise_conv2d
func.func @fb_depthwise_multiplier(%arg0: tensor<1x3x3x1xf32>) -> tensor<1x3x3x2xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %w = arith.constant dense<1.000000e+00> : tensor<1x1x1x2xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x1xf32>
  // expected-remark @below {{Conv stays float: a depthwise channel multiplier above 1 is not supported}}
  %2 = tosa.depthwise_conv2d %1, %w, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  return %2 : tensor<1x3x3x2xf32>
}

// -----

// Weights of two magnitudes in one channel stay float.
// CHECK-LABEL: func.func @fb_depthwise_not_binary(
// CHECK: tosa.depthwise_conv2d
func.func @fb_depthwise_not_binary(%arg0: tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32> {
  %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %cst = arith.constant dense<0.000000e+00> : tensor<1xf32>
  %w = arith.constant dense<[[[[1.000000e+00]], [[2.000000e+00]]]]> : tensor<1x2x1x1xf32>
  %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x1xf32>
  // expected-remark @below {{Conv stays float: weights are not +-alpha per output channel (channel 0 has 1.000000 and 2.000000)}}
  %2 = tosa.depthwise_conv2d %1, %w, %cst, %0, %0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  return %2 : tensor<1x3x3x1xf32>
}

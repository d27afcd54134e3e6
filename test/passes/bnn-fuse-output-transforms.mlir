// RUN: %bnnc_opt %s -split-input-file -bnn-fuse-output-transforms -canonicalize | FileCheck %s

// Inputs are what `bnnc --emit=mlir:import`, -bnn-normalize-binarizers and
// -bnn-fuse-binary-layers make of small ONNX models (Sign, 1x1 Conv with +-0.5 weights, ...).

// BatchNorm (gamma 2 and 0.5, beta 0.25 and -0.75, mean 0.1 and -0.2, var 1 and 4) after a
// binary conv with alpha 0.5 folds into the transform: multiplier 0.5 * gamma / sqrt(var + eps),
// bias beta - mean * gamma / sqrt(var + eps).
// CHECK-LABEL: func.func @fot_bn_fold(
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[0.0500009954, -0.700000048]> : tensor<2xf32>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[0.999994933, 0.124999851]> : tensor<2xf32>
// CHECK: %[[D:.*]] = bnn.bconv2d
// CHECK-NEXT: %[[Y:.*]] = bnn.output_transform %[[D]], %[[M]], %[[B]]
// CHECK-NOT: linalg.generic
// CHECK: tosa.transpose %[[Y]]
func.func @fot_bn_fold(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %cst = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_1 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %cst_2 = arith.constant dense<[[[[0.0500009954, -0.700000048]]]]> : tensor<1x1x1x2xf32>
  %cst_3 = arith.constant dense<[[[[1.999990e+00, 0.249999702]]]]> : tensor<1x1x1x2xf32>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_1 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %3 = bnn.output_transform %2, %cst_0, %cst : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %4 = tensor.empty() : tensor<1x3x3x2xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3, %cst_3, %cst_2 : tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%4 : tensor<1x3x3x2xf32>) {
  ^bb0(%in: f32, %in_4: f32, %in_5: f32, %out: f32):
    %7 = arith.mulf %in, %in_4 : f32
    %8 = arith.addf %7, %in_5 : f32
    linalg.yield %8 : f32
  } -> tensor<1x3x3x2xf32>
  %6 = tosa.transpose %5 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %6 : tensor<1x2x3x3xf32>
}

// -----

// conv -> BatchNorm -> Sign -> conv: the Sign becomes integer thresholds on d in [-2, 2].
// Channel 0 is d + 0.05 (+1 from d = 0 on: low = high = 0); channel 1 is 0.125 d - 0.7 < 0
// for every reachable d (always -1: low = high = INT32_MAX).
// CHECK-LABEL: func.func @fot_threshold(
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[0, 2147483647]> : tensor<2xi32>
// CHECK-DAG: %[[F:.*]] = arith.constant dense<false> : tensor<2xi1>
// CHECK: %[[D:.*]] = bnn.bconv2d
// CHECK-NEXT: %[[S:.*]], %[[M:.*]] = bnn.threshold %[[D]], %[[T]], %[[T]], %[[F]]
// CHECK-NEXT: bnn.bconv2d %[[S]], %[[M]]
// CHECK-NOT: bnn.pack
func.func @fot_threshold(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[0]]], [[[1]]]]> : tensor<2x1x1x1xi64>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_2 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_3 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_3 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %3 = bnn.output_transform %2, %cst_2, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %4 = bnn.binarize %3 {thresholds = dense<[-0.0250006225, 2.80000353]> : tensor<2xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x2xf32>
  %sign_4, %mask_5 = bnn.pack %4 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %5 = bnn.bconv2d %sign_4, %mask_5, %cst_0 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %6 = bnn.output_transform %5, %cst, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %7 = tosa.transpose %6 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %7 : tensor<1x2x3x3xf32>
}

// -----

// A negative BatchNorm gamma on channel 0 (-d + 0.45): +1 below d = 1, -1 from there on.
// CHECK-LABEL: func.func @fot_descending(
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, 2147483647]> : tensor<2xi32>
// CHECK-DAG: %[[F:.*]] = arith.constant dense<[true, false]> : tensor<2xi1>
// CHECK: bnn.threshold %{{.*}}, %[[T]], %[[T]], %[[F]]
func.func @fot_descending(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[0]]], [[[1]]]]> : tensor<2x1x1x1xi64>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_2 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_3 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %cst_4 = arith.constant dense<[[[[4.499990e-01, -0.700000048]]]]> : tensor<1x1x1x2xf32>
  %cst_5 = arith.constant dense<[[[[-1.999990e+00, 0.249999702]]]]> : tensor<1x1x1x2xf32>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_3 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %3 = bnn.output_transform %2, %cst_2, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %4 = tensor.empty() : tensor<1x3x3x2xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3, %cst_5, %cst_4 : tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%4 : tensor<1x3x3x2xf32>) {
  ^bb0(%in: f32, %in_8: f32, %in_9: f32, %out: f32):
    %10 = arith.mulf %in, %in_8 : f32
    %11 = arith.addf %10, %in_9 : f32
    linalg.yield %11 : f32
  } -> tensor<1x3x3x2xf32>
  %6 = bnn.binarize %5 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x2xf32>
  %sign_6, %mask_7 = bnn.pack %6 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %7 = bnn.bconv2d %sign_6, %mask_7, %cst_0 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %8 = bnn.output_transform %7, %cst, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %9 = tosa.transpose %8 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %9 : tensor<1x2x3x3xf32>
}

// -----

// PReLU with positive slopes is monotone: the threshold moves through it. Sign(PReLU(0.5 d))
// is 0 at d = 0 exactly: low = 0, high = 1 (the ternary value survives).
// CHECK-LABEL: func.func @fot_prelu(
// CHECK-DAG: %[[L:.*]] = arith.constant dense<0> : tensor<2xi32>
// CHECK-DAG: %[[H:.*]] = arith.constant dense<1> : tensor<2xi32>
// CHECK: bnn.threshold %{{.*}}, %[[L]], %[[H]]
func.func @fot_prelu(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[0]]], [[[1]]]]> : tensor<2x1x1x1xi64>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_2 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_3 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %cst_4 = arith.constant 0.000000e+00 : f32
  %cst_5 = arith.constant dense<[[[[2.500000e-01, 5.000000e-01]]]]> : tensor<1x1x1x2xf32>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_3 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %3 = bnn.output_transform %2, %cst_2, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %4 = tensor.empty() : tensor<1x3x3x2xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3, %cst_5 : tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>) outs(%4 : tensor<1x3x3x2xf32>) {
  ^bb0(%in: f32, %in_8: f32, %out: f32):
    %10 = arith.cmpf olt, %in, %cst_4 : f32
    %11 = arith.mulf %in, %in_8 : f32
    %12 = arith.select %10, %11, %in : f32
    linalg.yield %12 : f32
  } -> tensor<1x3x3x2xf32>
  %6 = bnn.binarize %5 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x2xf32>
  %sign_6, %mask_7 = bnn.pack %6 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %7 = bnn.bconv2d %sign_6, %mask_7, %cst_0 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %8 = bnn.output_transform %7, %cst, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %9 = tosa.transpose %8 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %9 : tensor<1x2x3x3xf32>
}

// -----

// conv -> BatchNorm -> MaxPool -> Sign -> conv: the Sign moves before the max-pool (it is
// monotone), becomes thresholds, and the max-pool works on packed bits.
// CHECK-LABEL: func.func @fot_maxpool(
// CHECK: %[[S:.*]], %[[M:.*]] = bnn.threshold
// CHECK-NEXT: %[[PS:.*]], %[[PM:.*]] = bnn.bmaxpool2d %[[S]], %[[M]] {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
// CHECK-NEXT: bnn.bconv2d %[[PS]], %[[PM]]
// CHECK-NOT: tosa.max_pool2d
func.func @fot_maxpool(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[0]]], [[[1]]]]> : tensor<2x1x1x1xi64>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_2 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_3 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %cst_4 = arith.constant dense<[[[[0.0500009954, -0.700000048]]]]> : tensor<1x1x1x2xf32>
  %cst_5 = arith.constant dense<[[[[1.999990e+00, 0.249999702]]]]> : tensor<1x1x1x2xf32>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x4x4xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x4x4x2xf32> -> tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_3 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x4x4x2xi32>
  %3 = bnn.output_transform %2, %cst_2, %cst_1 : (tensor<1x4x4x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %4 = tensor.empty() : tensor<1x4x4x2xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3, %cst_5, %cst_4 : tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%4 : tensor<1x4x4x2xf32>) {
  ^bb0(%in: f32, %in_8: f32, %in_9: f32, %out: f32):
    %11 = arith.mulf %in, %in_8 : f32
    %12 = arith.addf %11, %in_9 : f32
    linalg.yield %12 : f32
  } -> tensor<1x4x4x2xf32>
  %6 = tosa.max_pool2d %5 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %7 = bnn.binarize %6 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x2xf32>
  %sign_6, %mask_7 = bnn.pack %7 : tensor<1x2x2x2xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  %8 = bnn.bconv2d %sign_6, %mask_7, %cst_0 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x2x2x2xi32>
  %9 = bnn.output_transform %8, %cst, %cst_1 : (tensor<1x2x2x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %10 = tosa.transpose %9 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %10 : tensor<1x2x2x2xf32>
}

// -----

// negative_: Sign(Abs(y)) is not monotone in d: no thresholds, the pack stays.
// CHECK-LABEL: func.func @negative_fot_abs(
// CHECK: bnn.output_transform
// CHECK: math.absf
// CHECK: bnn.pack
// CHECK-NOT: bnn.threshold
func.func @negative_fot_abs(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<2xf32>
  %cst_0 = arith.constant dense<[[[[0]]], [[[1]]]]> : tensor<2x1x1x1xi64>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<2xf32>
  %cst_2 = arith.constant dense<5.000000e-01> : tensor<2xf32>
  %cst_3 = arith.constant dense<[[[[2]]], [[[3]]]]> : tensor<2x1x1x1xi64>
  %0 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x2x3x3xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %sign, %mask = bnn.pack %1 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %2 = bnn.bconv2d %sign, %mask, %cst_3 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %3 = bnn.output_transform %2, %cst_2, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %4 = tensor.empty() : tensor<1x3x3x2xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3 : tensor<1x3x3x2xf32>) outs(%4 : tensor<1x3x3x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %10 = math.absf %in : f32
    linalg.yield %10 : f32
  } -> tensor<1x3x3x2xf32>
  %6 = bnn.binarize %5 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x2xf32>
  %sign_4, %mask_5 = bnn.pack %6 : tensor<1x3x3x2xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  %7 = bnn.bconv2d %sign_4, %mask_5, %cst_0 {dilation = array<i64: 1, 1>, in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x1x1x1xi64>) -> tensor<1x3x3x2xi32>
  %8 = bnn.output_transform %7, %cst, %cst_1 : (tensor<1x3x3x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  %9 = tosa.transpose %8 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %9 : tensor<1x2x3x3xf32>
}

// -----

// An element-wise op on a concatenation that nothing else reads runs on each part, with its
// per-channel constant sliced along the concatenation axis and a splat constant resized; a
// second concatenation read twice stays.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-LABEL: func.func @elementwise_through_concat
// CHECK-DAG: %[[LO:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK-DAG: %[[HI:.*]] = arith.constant dense<{{\[\[\[\[}}3.000000e+00, 4.000000e+00, 5.000000e+00]]]]> : tensor<1x1x1x3xf32>
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0, %[[LO]] : tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>)
// CHECK: arith.mulf
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg1, %[[HI]] : tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>)
// CHECK: arith.mulf
// CHECK: %[[C:.*]] = tosa.concat %[[A]], %[[B]] {axis = 3 : i32}
// CHECK-NOT: tosa.concat
// CHECK: return %[[C]]
func.func @elementwise_through_concat(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32> {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32>
  %k = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0]]]]> : tensor<1x1x1x5xf32>
  %e = tensor.empty() : tensor<1x2x2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x2x2x5xf32>, tensor<1x1x1x5xf32>) outs(%e : tensor<1x2x2x5xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %m = arith.mulf %x, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x5xf32>
  return %y : tensor<1x2x2x5xf32>
}

// CHECK-LABEL: func.func @concat_read_twice
// CHECK: %[[C:.*]] = tosa.concat %arg0, %arg1
// CHECK: linalg.generic {{.*}} ins(%[[C]]
// CHECK: tosa.add %[[C]]
func.func @concat_read_twice(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x3xf32>) -> (tensor<1x2x2x5xf32>, tensor<1x2x2x5xf32>) {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32>
  %k = arith.constant dense<0.5> : tensor<1x1x1x5xf32>
  %e = tensor.empty() : tensor<1x2x2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x2x2x5xf32>, tensor<1x1x1x5xf32>) outs(%e : tensor<1x2x2x5xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %m = arith.addf %x, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x5xf32>
  %z = tosa.add %c, %c : (tensor<1x2x2x5xf32>, tensor<1x2x2x5xf32>) -> tensor<1x2x2x5xf32>
  return %y, %z : tensor<1x2x2x5xf32>, tensor<1x2x2x5xf32>
}

// The splat constant is resized for each part.
// CHECK-LABEL: func.func @splat_through_concat
// CHECK-DAG: arith.constant dense<2.500000e-01> : tensor<1x1x1x2xf32>
// CHECK-DAG: arith.constant dense<2.500000e-01> : tensor<1x1x1x3xf32>
// CHECK: tosa.concat
func.func @splat_through_concat(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32> {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32>
  %k = arith.constant dense<0.25> : tensor<1x1x1x5xf32>
  %e = tensor.empty() : tensor<1x2x2x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x2x2x5xf32>, tensor<1x1x1x5xf32>) outs(%e : tensor<1x2x2x5xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %m = arith.subf %x, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x5xf32>
  return %y : tensor<1x2x2x5xf32>
}

// -----

// pack(binarize(concat)) along the channels: each part is binarized with its channels'
// thresholds and packed on its own (the pack then joins the epilogue of the part's producer),
// and concat_packed places the planes (the part of 3 channels at bits 2..4 of the same word).
// The float concatenation stays for its other reader.
// CHECK-LABEL: func.func @pack_through_concat
// CHECK-DAG: %[[C:.*]] = tosa.concat %arg0, %arg1 {axis = 3 : i32}
// CHECK-DAG: %[[BA:.*]] = bnn.binarize %arg0 {thresholds = dense<[5.000000e-01, 1.500000e+00]> : tensor<2xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x2xf32>
// CHECK-DAG: %[[BB:.*]] = bnn.binarize %arg1 {thresholds = dense<[-2.000000e+00, 2.500000e-01, 3.000000e+00]> : tensor<3xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x3xf32>
// CHECK-DAG: %[[SA:.*]], %[[MA:.*]] = bnn.pack %[[BA]] : tensor<1x2x2x2xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
// CHECK-DAG: %[[SB:.*]], %[[MB:.*]] = bnn.pack %[[BB]] : tensor<1x2x2x3xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
// CHECK-DAG: %[[S:.*]] = bnn.concat_packed %[[SA]], %[[SB]] {channels = array<i64: 2, 3>}
// CHECK-DAG: %[[M:.*]] = bnn.concat_packed %[[MA]], %[[MB]] {channels = array<i64: 2, 3>}
// CHECK: return %[[S]], %[[M]], %[[C]]
func.func @pack_through_concat(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x3xf32>) -> (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<1x2x2x5xf32>) {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32>
  %x = bnn.binarize %c {thresholds = dense<[0.5, 1.5, -2.0, 0.25, 3.0]> : tensor<5xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x5xf32>
  %s, %m = bnn.pack %x : tensor<1x2x2x5xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  return %s, %m, %c : tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<1x2x2x5xf32>
}

// -----

// A part that would span two words off a word boundary (60 + 10 channels) keeps the pack of
// the concatenation.
// CHECK-LABEL: func.func @pack_through_concat_straddle
// CHECK: %[[C:.*]] = tosa.concat
// CHECK: %[[X:.*]] = bnn.binarize %[[C]]
// CHECK: bnn.pack %[[X]] : tensor<1x1x1x70xf32>
// CHECK-NOT: bnn.concat_packed
func.func @pack_through_concat_straddle(%a: tensor<1x1x1x60xf32>, %b: tensor<1x1x1x10xf32>) -> (tensor<1x1x1x2xi64>, tensor<1x1x1x2xi64>) {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x1x1x60xf32>, tensor<1x1x1x10xf32>) -> tensor<1x1x1x70xf32>
  %x = bnn.binarize %c {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie positive>} : tensor<1x1x1x70xf32>
  %s, %m = bnn.pack %x : tensor<1x1x1x70xf32> -> tensor<1x1x1x2xi64>, tensor<1x1x1x2xi64>
  return %s, %m : tensor<1x1x1x2xi64>, tensor<1x1x1x2xi64>
}

// -----

// An average pool whose windows tile its input, of a concatenation along the channels that
// only the pool reads, pools each part (the pool then joins the epilogue of each part's
// producer); the pool of a concatenation with another reader stays.
// CHECK-LABEL: func.func @avg_pool_through_concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x4x4x2xf32>, %[[B:.*]]: tensor<1x4x4x3xf32>)
// CHECK-DAG: %[[PA:.*]] = tosa.avg_pool2d %[[A]], %[[ZP:.*]], %[[ZP]] {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-DAG: %[[PB:.*]] = tosa.avg_pool2d %[[B]], %[[ZP]], %[[ZP]] {{.*}} : (tensor<1x4x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
// CHECK: %[[C:.*]] = tosa.concat %[[PA]], %[[PB]] {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x5xf32>
// CHECK: return %[[C]]
func.func @avg_pool_through_concat(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>) -> tensor<1x2x2x5xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %p = tosa.avg_pool2d %c, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x5xf32>
  return %p : tensor<1x2x2x5xf32>
}

// CHECK-LABEL: func.func @avg_pool_of_concat_read_twice
// CHECK: %[[C:.*]] = tosa.concat
// CHECK: %[[P:.*]] = tosa.avg_pool2d %[[C]]
// CHECK: return %[[P]], %[[C]]
func.func @avg_pool_of_concat_read_twice(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x3xf32>) -> (tensor<1x2x2x5xf32>, tensor<1x4x4x5xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %p = tosa.avg_pool2d %c, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x5xf32>
  return %p, %c : tensor<1x2x2x5xf32>, tensor<1x4x4x5xf32>
}

// RUN: %bnnc_opt %s -verify-diagnostics -bnn-fuse-binary-layers=remarks=true | FileCheck %s

// MatMuls whose two operands are both binary at run time (the imported form of a small ONNX
// model): sign(Q) @ sign(K), and a {0, 1} operand (a comparison cast to float, as BiBERT's
// bool attention) times sign(V)^T. Both are packed along the reduction (B transposed to
// [b, N, K]), the product is bnn.bmatmul_act and the scales (here 1) go to the output transform.

// CHECK-LABEL: func.func @att
// CHECK: %[[Q:.*]] = bnn.binarize %arg0
// CHECK: %[[K:.*]] = bnn.binarize %arg1
// CHECK: %[[KT:.*]] = tosa.transpose %[[K]] {perms = array<i32: 0, 2, 1>} : (tensor<2x4x5xf32>) -> tensor<2x5x4xf32>
// CHECK: %[[QS:.*]], %[[QM:.*]] = bnn.pack %[[Q]] : tensor<2x3x4xf32> -> tensor<2x3x1xi64>, tensor<2x3x1xi64>
// CHECK: %[[KS:.*]], %[[KM:.*]] = bnn.pack %[[KT]] : tensor<2x5x4xf32> -> tensor<2x5x1xi64>, tensor<2x5x1xi64>
// CHECK: %[[D:.*]] = bnn.bmatmul_act %[[QS]], %[[QM]], %[[KS]], %[[KM]] {k = 4 : i64} : {{.*}} -> tensor<2x3x5xi32>
// CHECK: bnn.output_transform %[[D]]
// The {0, 1} operand is ternary: packed with its value as the mask.
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%{{[0-9]+}} : tensor<2x3x5xi1>)
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: %[[AS:.*]], %[[AM:.*]] = bnn.pack %[[A]] : tensor<2x3x5xf32> -> tensor<2x3x1xi64>, tensor<2x3x1xi64>
// CHECK: bnn.bmatmul_act %[[AS]], %[[AM]], %{{.*}}, %{{.*}} {k = 5 : i64} : {{.*}} -> tensor<2x3x4xi32>
// CHECK-NOT: tosa.matmul

#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (0)>
module {
  func.func @att(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2x4x5xf32>, %arg2: tensor<2x3x5xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x4xf32>) {
    %0 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
    %cst = arith.constant dense<0.000000e+00> : tensor<1xf32>
    %1 = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<2x3x4xf32>
    %2 = bnn.binarize %arg1 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<2x4x5xf32>
    // expected-remark @below {{MatMul binarized: bmatmul_act (both operands binary at run time), K = 4}}
    %3 = tosa.matmul %1, %2, %0, %0 : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x5xf32>
    %4 = tensor.empty() : tensor<2x3x5xi1>
    %5 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg2, %cst : tensor<2x3x5xf32>, tensor<1xf32>) outs(%4 : tensor<2x3x5xi1>) {
    ^bb0(%in: f32, %in_0: f32, %out: i1):
      %11 = arith.cmpf ogt, %in, %in_0 : f32
      linalg.yield %11 : i1
    } -> tensor<2x3x5xi1>
    %6 = tensor.empty() : tensor<2x3x5xf32>
    %7 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%5 : tensor<2x3x5xi1>) outs(%6 : tensor<2x3x5xf32>) {
    ^bb0(%in: i1, %out: f32):
      %11 = arith.uitofp %in : i1 to f32
      linalg.yield %11 : f32
    } -> tensor<2x3x5xf32>
    %8 = bnn.binarize %arg1 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<2x4x5xf32>
    %9 = tosa.transpose %8 {perms = array<i32: 0, 2, 1>} : (tensor<2x4x5xf32>) -> tensor<2x5x4xf32>
    // expected-remark @below {{MatMul binarized: bmatmul_act (both operands binary at run time), K = 5}}
    %10 = tosa.matmul %7, %9, %0, %0 : (tensor<2x3x5xf32>, tensor<2x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x4xf32>
    return %3, %10 : tensor<2x3x5xf32>, tensor<2x3x4xf32>
  }
}


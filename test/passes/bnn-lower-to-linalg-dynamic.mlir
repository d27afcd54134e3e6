// RUN: %bnnc_opt %s -bnn-lower-to-linalg -split-input-file | FileCheck %s

// Dynamic dimensions: the lowering sizes tensor.empty from the input with tensor.dim.

// CHECK-LABEL: func.func @sign_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic
func.func @sign_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = bnn.sign %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @multi_threshold_dynamic
// CHECK: tensor.empty(%{{.*}}) : tensor<?x4xf32>
func.func @multi_threshold_dynamic(%x: tensor<?x4xf32>, %t: tensor<4x3xf32>) -> tensor<?x4xf32> {
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

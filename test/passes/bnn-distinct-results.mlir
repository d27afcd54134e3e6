// RUN: %bnnc_opt %s -bnn-distinct-results -split-input-file | FileCheck %s

// A value returned twice: the second slot returns a copy (its own allocation once bufferized).
// CHECK-LABEL: func.func @twice
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%arg0) : tensor<4xf32>
// CHECK: return %arg0, %[[C]] : tensor<4xf32>, tensor<4xf32>
func.func @twice(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %a, %a : tensor<4xf32>, tensor<4xf32>
}

// -----

// Three times, between other results: each repeat gets its own copy; distinct values and
// non-tensor results stay.
// CHECK-LABEL: func.func @thrice
// CHECK: %[[C1:.*]] = bufferization.alloc_tensor() copy(%arg0) : tensor<2x?xf32>
// CHECK: %[[C2:.*]] = bufferization.alloc_tensor() copy(%arg0) : tensor<2x?xf32>
// CHECK: return %arg0, %arg1, %[[C1]], %arg2, %arg2, %[[C2]]
func.func @thrice(%a: tensor<2x?xf32>, %b: tensor<3xi64>, %i: index)
    -> (tensor<2x?xf32>, tensor<3xi64>, tensor<2x?xf32>, index, index, tensor<2x?xf32>) {
  return %a, %b, %a, %i, %i, %a : tensor<2x?xf32>, tensor<3xi64>, tensor<2x?xf32>, index, index, tensor<2x?xf32>
}

// -----

// Nothing repeats: unchanged.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: alloc_tensor
// CHECK: return %arg0, %arg1
func.func @distinct(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

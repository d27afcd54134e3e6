// RUN: %bnnc_opt %s -bnn-copy-to-linalg | FileCheck %s

// memref.copy becomes linalg.copy, which lowers to plain loops instead of a call to the C runner
// library's memrefCopy.

// A strided source (a slice): the case that would otherwise call memrefCopy.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[A:.*]]: memref<4xf32, strided<[2]>>, %[[B:.*]]: memref<4xf32>)
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<4xf32, strided<[2]>>) outs(%[[B]] : memref<4xf32>)
// CHECK-NEXT: return
func.func @strided(%a: memref<4xf32, strided<[2]>>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
  return
}

// A strided destination (the interior of a pad).
// CHECK-LABEL: func.func @strided_target
// CHECK-SAME: (%[[A:.*]]: memref<2x2xf32>, %[[B:.*]]: memref<2x2xf32, strided<[4, 1], offset: 5>>)
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<2x2xf32>) outs(%[[B]] : memref<2x2xf32, strided<[4, 1], offset: 5>>)
func.func @strided_target(%a: memref<2x2xf32>, %b: memref<2x2xf32, strided<[4, 1], offset: 5>>) {
  memref.copy %a, %b : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  return
}

// Contiguous and dynamic copies are rewritten too.
// CHECK-LABEL: func.func @contiguous
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<2x3xf32>) outs(%{{.*}} : memref<2x3xf32>)
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<?xi8>) outs(%{{.*}} : memref<?xi8>)
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<f32>) outs(%{{.*}} : memref<f32>)
// CHECK-NOT: memref.copy
func.func @contiguous(%a: memref<2x3xf32>, %b: memref<2x3xf32>, %c: memref<?xi8>, %d: memref<?xi8>,
                      %e: memref<f32>, %f: memref<f32>) {
  memref.copy %a, %b : memref<2x3xf32> to memref<2x3xf32>
  memref.copy %c, %d : memref<?xi8> to memref<?xi8>
  memref.copy %e, %f : memref<f32> to memref<f32>
  return
}

// Copies on tensors are not memref.copy: nothing to do.
// CHECK-LABEL: func.func @no_tensor_copy
// CHECK-NEXT: %[[E:.*]] = tensor.empty()
// CHECK-NEXT: linalg.copy ins(%{{.*}} : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>) -> tensor<4xf32>
func.func @no_tensor_copy(%t: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.copy ins(%t : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// A fill of a contiguous static buffer of rank > 1 fills its flat 1-D view (one loop: plain
// stores); a strided or 1-D buffer keeps its fill.
// CHECK-LABEL: func.func @flatten_fill
// CHECK-SAME: (%[[A:.*]]: memref<1x3x3x64xf32>, %[[B:.*]]: memref<2x2xf32, strided<[4, 1], offset: 5>>, %[[C:.*]]: memref<8xi64>)
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[A]] {{\[\[}}0, 1, 2, 3]] : memref<1x3x3x64xf32> into memref<576xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[FLAT]] : memref<576xf32>)
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[B]] : memref<2x2xf32, strided<[4, 1], offset: 5>>)
// CHECK: linalg.fill ins(%{{.*}} : i64) outs(%[[C]] : memref<8xi64>)
func.func @flatten_fill(%a: memref<1x3x3x64xf32>, %b: memref<2x2xf32, strided<[4, 1], offset: 5>>, %c: memref<8xi64>) {
  %ninf = arith.constant 0xFF800000 : f32
  %z = arith.constant 0 : i64
  linalg.fill ins(%ninf : f32) outs(%a : memref<1x3x3x64xf32>)
  linalg.fill ins(%ninf : f32) outs(%b : memref<2x2xf32, strided<[4, 1], offset: 5>>)
  linalg.fill ins(%z : i64) outs(%c : memref<8xi64>)
  return
}

// RUN: %bnnc_opt %s -bnn-copy-to-linalg | FileCheck %s

// A memref.copy between unranked memrefs is not rewritten (linalg.copy takes ranked operands).

// CHECK-LABEL: func.func @negative_unranked
// CHECK-SAME: (%[[A:.*]]: memref<*xf32>, %[[B:.*]]: memref<*xf32>)
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<*xf32> to memref<*xf32>
func.func @negative_unranked(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}

// RUN: %bnnc_opt %s -bnn-elide-output-copies -split-input-file -allow-unregistered-dialect | FileCheck %s

// A result computed into an allocation and copied out through a reshape is computed in the
// output argument itself, viewed with the allocation's shape.
// CHECK-LABEL: func.func @through_expand
// CHECK-SAME: (%[[OUT:.*]]: memref<1x4x2x3xf32>)
// CHECK-NEXT: %[[V:.*]] = memref.collapse_shape %[[OUT]] {{\[\[}}0], [1], [2, 3]] : memref<1x4x2x3xf32> into memref<1x4x6xf32>
// CHECK-NEXT: "test.write"(%[[V]])
// CHECK-NEXT: return
func.func @through_expand(%out: memref<1x4x2x3xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x4x6xf32>
  "test.write"(%a) : (memref<1x4x6xf32>) -> ()
  %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 4, 2, 3] : memref<1x4x6xf32> into memref<1x4x2x3xf32>
  memref.copy %e, %out : memref<1x4x2x3xf32> to memref<1x4x2x3xf32>
  memref.dealloc %a : memref<1x4x6xf32>
  return
}

// -----

// A flatten (collapse_shape) the other way round.
// CHECK-LABEL: func.func @through_collapse
// CHECK-SAME: (%[[OUT:.*]]: memref<2x12xf32>)
// CHECK-NEXT: %[[V:.*]] = memref.expand_shape %[[OUT]] {{\[\[}}0], [1, 2]] output_shape [2, 3, 4] : memref<2x12xf32> into memref<2x3x4xf32>
// CHECK-NEXT: "test.write"(%[[V]])
// CHECK-NEXT: return
func.func @through_collapse(%out: memref<2x12xf32>) {
  %a = memref.alloc() : memref<2x3x4xf32>
  "test.write"(%a) : (memref<2x3x4xf32>) -> ()
  %c = memref.collapse_shape %a [[0], [1, 2]] : memref<2x3x4xf32> into memref<2x12xf32>
  memref.copy %c, %out : memref<2x12xf32> to memref<2x12xf32>
  return
}

// -----

// The output argument has another use: writing into it early could clobber what that use sees.
// CHECK-LABEL: func.func @negative_out_used_twice
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @negative_out_used_twice(%out: memref<1x4x2x3xf32>) {
  %a = memref.alloc() : memref<1x4x6xf32>
  "test.write"(%a, %out) : (memref<1x4x6xf32>, memref<1x4x2x3xf32>) -> ()
  %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 4, 2, 3] : memref<1x4x6xf32> into memref<1x4x2x3xf32>
  memref.copy %e, %out : memref<1x4x2x3xf32> to memref<1x4x2x3xf32>
  return
}

// -----

// The allocation is read after the copy: it must stay apart from the output.
// CHECK-LABEL: func.func @negative_used_after
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @negative_used_after(%out: memref<1x4x2x3xf32>) {
  %a = memref.alloc() : memref<1x4x6xf32>
  "test.write"(%a) : (memref<1x4x6xf32>) -> ()
  %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 4, 2, 3] : memref<1x4x6xf32> into memref<1x4x2x3xf32>
  memref.copy %e, %out : memref<1x4x2x3xf32> to memref<1x4x2x3xf32>
  "test.read"(%a) : (memref<1x4x6xf32>) -> ()
  return
}

// -----

// A copy from an allocation without a reshape is not this pattern's (buffer-results-to-out-params
// hoists such allocations itself).
// CHECK-LABEL: func.func @negative_no_reshape
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @negative_no_reshape(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  "test.write"(%a) : (memref<4xf32>) -> ()
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}

// RUN: %bnnc_opt %s -bnn-static-buffers -split-input-file -allow-unregistered-dialect | FileCheck %s

// Allocations executed once per call (directly in a function body, static shape, identity
// layout) become private uninitialized globals; their deallocs go away.

// CHECK-DAG: memref.global "private" @[[$BUF1:__bnn_buf[0-9]+]] : memref<4xf32> = uninitialized {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" @[[$BUF0:__bnn_buf[0-9]+]] : memref<1x8x8x16xf32> = uninitialized {alignment = 128 : i64}
// CHECK-LABEL: func.func @function_body
// CHECK-SAME: (%[[OUT:.*]]: memref<4xf32>)
// CHECK-NEXT: %[[A:.*]] = memref.get_global @[[$BUF0]] : memref<1x8x8x16xf32>
// CHECK-NEXT: %[[B:.*]] = memref.get_global @[[$BUF1]] : memref<4xf32>
// CHECK-NEXT: "test.use"(%[[A]])
// CHECK-NEXT: memref.copy %[[B]], %[[OUT]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @function_body(%out: memref<4xf32>) {
  // The alignment is kept; without one, 64.
  %0 = memref.alloc() {alignment = 128 : i64} : memref<1x8x8x16xf32>
  %1 = memref.alloc() : memref<4xf32>
  "test.use"(%0) : (memref<1x8x8x16xf32>) -> ()
  memref.copy %1, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %0 : memref<1x8x8x16xf32>
  memref.dealloc %1 : memref<4xf32>
  return
}

// -----

// Every allocation gets its own global, across functions too.
// CHECK-DAG: memref.global "private" @[[$G0:__bnn_buf[0-9]+]] : memref<2xf32>
// CHECK-DAG: memref.global "private" @[[$G1:__bnn_buf[0-9]+]] : memref<3xf32>
// CHECK-LABEL: func.func @first
// CHECK: memref.get_global @[[$G0]] : memref<2xf32>
// CHECK-LABEL: func.func @second
// CHECK: memref.get_global @[[$G1]] : memref<3xf32>
func.func @first() {
  %0 = memref.alloc() : memref<2xf32>
  "test.use"(%0) : (memref<2xf32>) -> ()
  return
}
func.func @second() {
  %0 = memref.alloc() : memref<3xf32>
  "test.use"(%0) : (memref<3xf32>) -> ()
  return
}

// -----

// A symbol already named like a scratch buffer is not clobbered: the new global is renamed.
// CHECK-DAG: memref.global "private" @[[$NEW:__bnn_buf0_[0-9]+]] : memref<4xf32> = uninitialized {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" @__bnn_buf0 : memref<2xf32> = uninitialized{{$}}
// CHECK-LABEL: func.func @name_clash
// CHECK: memref.get_global @[[$NEW]] : memref<4xf32>
// CHECK: memref.get_global @__bnn_buf0 : memref<2xf32>
memref.global "private" @__bnn_buf0 : memref<2xf32> = uninitialized
func.func @name_clash() {
  %0 = memref.alloc() : memref<4xf32>
  %1 = memref.get_global @__bnn_buf0 : memref<2xf32>
  "test.use"(%0, %1) : (memref<4xf32>, memref<2xf32>) -> ()
  return
}

// -----

// An allocation inside a loop runs once per iteration: it stays, with its dealloc.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @negative_alloc_in_loop
// CHECK: scf.for
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: "test.use"(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
func.func @negative_alloc_in_loop() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %0 = memref.alloc() : memref<16xf32>
    "test.use"(%0) : (memref<16xf32>) -> ()
    memref.dealloc %0 : memref<16xf32>
  }
  return
}

// -----

// Nor inside any other region (a conditional): only the function body is run exactly once.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @negative_alloc_in_if
// CHECK: scf.if
// CHECK-NEXT: memref.alloc() : memref<5xf32>
func.func @negative_alloc_in_if(%c: i1) {
  scf.if %c {
    %0 = memref.alloc() : memref<5xf32>
    "test.use"(%0) : (memref<5xf32>) -> ()
  }
  return
}

// -----

// A dynamic shape has no static size to reserve: it stays, with its dealloc.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @negative_dynamic_shape
// CHECK-SAME: (%[[N:.*]]: index)
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK-NEXT: "test.use"(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
func.func @negative_dynamic_shape(%n: index) {
  %0 = memref.alloc(%n) : memref<?xf32>
  "test.use"(%0) : (memref<?xf32>) -> ()
  memref.dealloc %0 : memref<?xf32>
  return
}

// -----

// A non-identity layout stays.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @negative_strided_layout
// CHECK-NEXT: memref.alloc() : memref<4xf32, strided<[2]>>
func.func @negative_strided_layout() {
  %0 = memref.alloc() : memref<4xf32, strided<[2]>>
  "test.use"(%0) : (memref<4xf32, strided<[2]>>) -> ()
  return
}

// -----

// Stack allocations are not touched.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @negative_alloca
// CHECK-NEXT: memref.alloca() : memref<4xf32>
func.func @negative_alloca() {
  %0 = memref.alloca() : memref<4xf32>
  "test.use"(%0) : (memref<4xf32>) -> ()
  return
}

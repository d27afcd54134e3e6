// RUN: %bnnc_opt %s -bnn-scratch-arena -split-input-file -allow-unregistered-dialect -verify-diagnostics | FileCheck %s

// Allocations executed once per call (directly in a function body, static shape, identity
// layout) become views of one arena at offsets planned by liveness; their deallocs go away.
// %0 (64 B) lives from its first use to the second; %1 (128 B) from its first use to the third;
// %2 (64 B) from its first use to the copy. %1 is placed first (largest) at 0; %0 meets it, so it goes
// to 128; %2 meets %1 but not %0 (a dealloc is not a use), so it reuses %0's bytes: 192 bytes,
// not 256. A public function keeps its name and signature and passes the static arena on to
// @NAME_with_scratch, which takes the arena as its last argument.

// CHECK: module attributes {bnn.scratch_arena = {chain = {alignment = 64 : i64, bytes = 192 : i64}}}
// CHECK: memref.global "private" @__bnn_arena_chain : memref<192xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[IN:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<16xf32>)
// CHECK-NEXT: %[[G:.*]] = memref.get_global @__bnn_arena_chain : memref<192xi8>
// CHECK-NEXT: call @chain_with_scratch(%[[IN]], %[[OUT]], %[[G]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func @chain_with_scratch
// CHECK-SAME: (%{{.*}}: memref<16xf32>, %[[OUT2:.*]]: memref<16xf32>, %[[ARENA:.*]]: memref<192xi8>)
// CHECK: %[[C128:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[A:.*]] = memref.view %[[ARENA]][%[[C128]]][] : memref<192xi8> to memref<16xf32>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[B:.*]] = memref.view %[[ARENA]][%[[C0]]][] : memref<192xi8> to memref<32xf32>
// CHECK: %[[C128B:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[C:.*]] = memref.view %[[ARENA]][%[[C128B]]][] : memref<192xi8> to memref<16xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: memref.copy %[[C]], %[[OUT2]]
func.func @chain(%in: memref<16xf32>, %out: memref<16xf32>) {
  %0 = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  "test.use"(%in, %0) : (memref<16xf32>, memref<16xf32>) -> ()
  %1 = memref.alloc() : memref<32xf32>
  "test.use"(%0, %1) : (memref<16xf32>, memref<32xf32>) -> ()
  %2 = memref.alloc() : memref<16xf32>
  "test.use"(%1, %2) : (memref<32xf32>, memref<16xf32>) -> ()
  memref.dealloc %0 : memref<16xf32>
  memref.copy %2, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A use through a view (here a subview inside a loop) keeps the buffer alive until the op that
// contains the use: %0 is live until the loop, so %1 gets its own bytes (64 B + 32 B). The
// larger alignment is kept, for the buffer and for the arena.
// CHECK: bnn.scratch_arena = {through_views = {alignment = 128 : i64, bytes = 96 : i64}}
// CHECK: memref.global "private" @__bnn_arena_through_views : memref<96xi8> = uninitialized {alignment = 128 : i64}
// CHECK-LABEL: func.func @through_views_with_scratch
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<96xi8> to memref<16xf32>
// CHECK: memref.view %{{.*}}[%c64{{.*}}][] : memref<96xi8> to memref<8xf32>
func.func @through_views() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %0 = memref.alloc() {alignment = 128 : i64} : memref<16xf32>
  %sub = memref.subview %0[4] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 4>>
  %1 = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    "test.use"(%sub, %1) : (memref<8xf32, strided<[1], offset: 4>>, memref<8xf32>) -> ()
  }
  return
}

// -----

// A private function uses its own static arena directly; it gets no scratch entry. Its two
// buffers (32 B, 16 B) are never live together: both start at 0.
// CHECK-NOT: bnn.scratch_arena
// CHECK: memref.global "private" @__bnn_arena_helper : memref<32xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func private @helper
// CHECK-NEXT: %[[G:.*]] = memref.get_global @__bnn_arena_helper : memref<32xi8>
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[G]][%[[Z]]][] : memref<32xi8> to memref<2x4xf32>
// CHECK: %[[Z2:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[G]][%[[Z2]]][] : memref<32xi8> to memref<4xi32>
// CHECK-NOT: func.func
func.func private @helper() {
  %0 = memref.alloc() : memref<2x4xf32>
  "test.use"(%0) : (memref<2x4xf32>) -> ()
  %1 = memref.alloc() : memref<4xi32>
  "test.use"(%1) : (memref<4xi32>) -> ()
  return
}

// -----

// A public function without scratch buffers still gets the scratch entry, with an empty arena,
// so that every model has the same API.
// CHECK: bnn.scratch_arena = {empty = {alignment = 64 : i64, bytes = 0 : i64}}
// CHECK: memref.global "private" @__bnn_arena_empty : memref<0xi8>
// CHECK-LABEL: func.func @empty
// CHECK-LABEL: func.func @empty_with_scratch
// CHECK-SAME: memref<0xi8>
func.func @empty(%a: memref<4xf32>) {
  "test.use"(%a) : (memref<4xf32>) -> ()
  return
}

// -----

// The scratch entry's name must be free.
// expected-error@+1 {{cannot name the scratch entry 'taken_with_scratch': the symbol exists}}
func.func @taken() {
  return
}
func.func private @taken_with_scratch() {
  return
}

// -----

// An allocation inside a loop runs once per iteration: it stays, with its dealloc.
// CHECK-LABEL: func.func @negative_alloc_in_loop_with_scratch
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
// CHECK-LABEL: func.func @negative_alloc_in_if_with_scratch
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
// CHECK-LABEL: func.func @negative_dynamic_shape_with_scratch
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: "test.use"(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
func.func @negative_dynamic_shape(%n: index) {
  %0 = memref.alloc(%n) : memref<?xf32>
  "test.use"(%0) : (memref<?xf32>) -> ()
  memref.dealloc %0 : memref<?xf32>
  return
}

// -----

// A non-identity layout stays, and so do stack allocations.
// CHECK-LABEL: func.func @negative_strided_layout_with_scratch
// CHECK-NEXT: memref.alloc() : memref<4xf32, strided<[2]>>
// CHECK-NEXT: memref.alloca() : memref<4xf32>
func.func @negative_strided_layout() {
  %0 = memref.alloc() : memref<4xf32, strided<[2]>>
  %1 = memref.alloca() : memref<4xf32>
  "test.use"(%0, %1) : (memref<4xf32, strided<[2]>>, memref<4xf32>) -> ()
  return
}

// -----

// A buffer lives from its first use, not from its allocation (bufferization places the
// allocation of an out-of-place use of a tensor.empty where the tensor.empty stands, which CSE
// may have merged with one far earlier): %1 is allocated while %0 is live but first used after
// %0's last use, so the two share their 64 bytes.
// CHECK: bnn.scratch_arena = {early_alloc = {alignment = 64 : i64, bytes = 64 : i64}}
// CHECK-LABEL: func.func @early_alloc_with_scratch
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<64xi8> to memref<16xf32>
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<64xi8> to memref<16xf32>
func.func @early_alloc(%out: memref<16xf32>) {
  %0 = memref.alloc() : memref<16xf32>
  %1 = memref.alloc() : memref<16xf32>
  "test.use"(%0) : (memref<16xf32>) -> ()
  "test.use"(%1) : (memref<16xf32>) -> ()
  memref.copy %1, %out : memref<16xf32> to memref<16xf32>
  return
}

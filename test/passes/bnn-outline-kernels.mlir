// RUN: %bnnc_opt %s -bnn-outline-kernels -split-input-file | FileCheck %s
// RUN: %bnnc_opt %s -bnn-outline-kernels -duplicate-function-elimination -split-input-file | FileCheck %s --check-prefix=DEDUP

// Each top-level loop nest of at least min-ops (8) operations becomes a private function of the
// buffers it uses, with internal linkage and never inlined; the constants it uses are cloned in
// (the loop bounds stay constants). The
// two layers of the same shape give two identical functions, which
// duplicate-function-elimination merges into one, called twice.

// CHECK-LABEL: func.func private @layers_kernel0
// CHECK-SAME: (%[[A:.*]]: memref<16xf32>, %[[B:.*]]: memref<16xf32>)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[TWO:.*]] = arith.constant 2.0{{.*}} : f32
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C16]] step %[[C1]]
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.*}}, %[[B]]
// CHECK: return
// CHECK-LABEL: func.func private @layers_kernel1
// CHECK-SAME: (%{{.*}}: memref<16xf32>, %{{.*}}: memref<16xf32>)
// CHECK-LABEL: func.func @layers
// CHECK-SAME: (%[[IN:.*]]: memref<16xf32>, %[[MID:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<16xf32>)
// CHECK: call @layers_kernel0(%[[IN]], %[[MID]])
// CHECK-NEXT: call @layers_kernel1(%[[MID]], %[[OUT]])
// A small loop (fewer than 8 operations) stays.
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store
// CHECK-NEXT: }
// CHECK-NEXT: return

// DEDUP-LABEL: func.func private @layers_kernel0
// DEDUP-NOT: func.func private
// DEDUP-LABEL: func.func @layers
// DEDUP: call @layers_kernel0(%{{.*}}, %{{.*}})
// DEDUP-NEXT: call @layers_kernel0(%{{.*}}, %{{.*}})
func.func @layers(%in: memref<16xf32>, %mid: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %two = arith.constant 2.0 : f32
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %in[%i] : memref<16xf32>
    %y = arith.mulf %x, %two : f32
    %z = arith.addf %y, %two : f32
    %w = arith.maximumf %z, %zero : f32
    %v = arith.minimumf %w, %two : f32
    memref.store %v, %mid[%i] : memref<16xf32>
  }
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %mid[%i] : memref<16xf32>
    %y = arith.mulf %x, %two : f32
    %z = arith.addf %y, %two : f32
    %w = arith.maximumf %z, %zero : f32
    %v = arith.minimumf %w, %two : f32
    memref.store %v, %out[%i] : memref<16xf32>
  }
  scf.for %i = %c0 to %c16 step %c1 {
    memref.store %zero, %mid[%i] : memref<16xf32>
  }
  return
}

// -----

// A loop that yields values is not a kernel of this pipeline: it stays.
// CHECK-LABEL: func.func @negative_results
// CHECK-NOT: call
// CHECK: scf.for
func.func @negative_results(%in: memref<16xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %zero) -> f32 {
    %x = memref.load %in[%i] : memref<16xf32>
    %y = arith.mulf %x, %x : f32
    %z = arith.addf %y, %acc : f32
    %w = arith.maximumf %z, %zero : f32
    %v = arith.minimumf %w, %x : f32
    %u = arith.addf %v, %acc : f32
    scf.yield %u : f32
  }
  return %s : f32
}

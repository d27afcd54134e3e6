// RUN: %bnnc_opt %s -split-input-file -bnn-lower-dot-products | FileCheck %s

// x86-64: an unsigned x signed bnn.dot_i8 is VNNI's vpdpbusd at its width.
// CHECK-LABEL: func.func @x86
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg0, %arg1, %arg2) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// CHECK-NOT: bnn.dot_i8
module attributes {llvm.target_triple = "x86_64-unknown-linux-gnu"} {
  func.func @x86(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>, %acc8: vector<8xi32>, %a8: vector<32xi8>) -> (vector<16xi32>, vector<8xi32>) {
    %r = bnn.dot_i8 %acc, %a, %b {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
    %s = bnn.dot_i8 %acc8, %a8, %a8 {unsigned_lhs} : vector<32xi8> -> vector<8xi32>
    return %r, %s : vector<16xi32>, vector<8xi32>
  }
}

// -----

// AArch64: signed x signed is sdot.
// CHECK-LABEL: func.func @aarch64
// CHECK: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%arg0, %arg1, %arg2) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
module attributes {llvm.target_triple = "aarch64-unknown-linux-gnu"} {
  func.func @aarch64(%acc: vector<4xi32>, %a: vector<16xi8>, %b: vector<16xi8>) -> vector<4xi32> {
    %r = bnn.dot_i8 %acc, %a, %b : vector<16xi8> -> vector<4xi32>
    return %r : vector<4xi32>
  }
}

// -----

// Where the target has no such instruction (here RISC-V, or a signedness the instruction does
// not take), the arithmetic in vector ops: extend, multiply, add each group of 4 to its lane.
// CHECK-LABEL: func.func @generic
// CHECK: arith.extui %arg1 : vector<16xi8> to vector<16xi32>
// CHECK: arith.extsi %arg2 : vector<16xi8> to vector<16xi32>
// CHECK: arith.muli {{.*}} : vector<16xi32>
// CHECK: vector.shape_cast {{.*}} : vector<16xi32> to vector<4x4xi32>
// CHECK: vector.multi_reduction <add>, {{.*}}, %arg0 [1] : vector<4x4xi32> to vector<4xi32>
// CHECK-NOT: llvm.call_intrinsic
module attributes {llvm.target_triple = "riscv64-unknown-linux-gnu"} {
  func.func @generic(%acc: vector<4xi32>, %a: vector<16xi8>, %b: vector<16xi8>) -> vector<4xi32> {
    %r = bnn.dot_i8 %acc, %a, %b {unsigned_lhs} : vector<16xi8> -> vector<4xi32>
    return %r : vector<4xi32>
  }
}


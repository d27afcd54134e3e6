// RUN: not %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=3" 2>&1 | FileCheck %s

// A block of lanes * vectors channels must fill whole 64-bit words of packed output bits.
// CHECK: error: bnn-lower-binary-kernels: lanes * vectors must divide 64 and pixels must be positive
func.func @f() {
  return
}

// RUN: %bnnc_opt %s -bnn-lower-to-linalg | FileCheck %s

// BUG: the signed 1-bit bnn.quant loses its rescale. QONNX's reference (quant() in
// qonnx/custom_op/general/quant.py) replaces only the clamp and rounding by the bipolar step and
// still rescales: y = (bipolar(x / scale + zp) - zp) * scale, which is also what the op's own
// description says (`(x >= 0 ? +1 : -1) * scale` for zp = 0). The lowering yields the bare +-1
// plane, so any scale != 1 (Brevitas' binary weight and activation quantizers) is dropped.
// XFAIL: *

// CHECK-LABEL: func.func @quant_signed_1bit_rescales
// CHECK: ^bb0(%[[IN:[^:]+]]: f32, %[[SC:[^:]+]]: f32, %[[ZP:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK: %[[B:.*]] = arith.select
// CHECK-NEXT: %[[SUB:.*]] = arith.subf %[[B]], %[[ZP]] : f32
// CHECK-NEXT: %[[MUL:.*]] = arith.mulf %[[SUB]], %[[SC]] : f32
// CHECK-NEXT: linalg.yield %[[MUL]] : f32
func.func @quant_signed_1bit_rescales(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 1 : i64, is_signed = true, narrow = false}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

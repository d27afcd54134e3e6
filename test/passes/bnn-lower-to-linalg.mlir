// RUN: %bnnc_opt %s -bnn-lower-to-linalg -split-input-file | FileCheck %s

// Each binarizer becomes element-wise linalg.generic ops over arith/math with the exact semantics
// of the source op.

// sign(x) = x > 0 ? 1 : (x < 0 ? -1 : x): 0 gives 0, NaN stays NaN.
// CHECK-DAG: #[[$ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @sign
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID1]], #[[$ID1]]], iterator_types = ["parallel"]} ins(%[[X]] : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: %[[LT:.*]] = arith.cmpf olt, %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: %[[NEG:.*]] = arith.select %[[LT]], %[[MONE]], %[[IN]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.select %[[GT]], %[[ONE]], %[[NEG]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: bnn.sign
func.func @sign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.sign %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The rank-0 case: no loops at all.
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @sign_rank0
// CHECK: linalg.generic {indexing_maps = [#[[$SCALAR]], #[[$SCALAR]]], iterator_types = []}
// CHECK: arith.cmpf ogt
func.func @sign_rank0(%x: tensor<f32>) -> tensor<f32> {
  %0 = bnn.sign %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// bipolar(x) = x >= 0 ? 1 : -1 (ordered: 0 -> +1, NaN -> -1).
// CHECK-DAG: #[[$ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @bipolar_sign
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x8xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<1x2x2x8xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: %[[B:.*]] = arith.select %[[GE]], %[[ONE]], %[[MONE]] : f32
// CHECK-NEXT: linalg.yield %[[B]] : f32
// CHECK: return %[[R]]
func.func @bipolar_sign(%x: tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32> {
  %0 = bnn.bipolar_sign %x : tensor<1x2x2x8xf32>
  return %0 : tensor<1x2x2x8xf32>
}

// -----

// Quant, default rounding (half to even), signed 4 bits: clamp to [-8, 7], roundeven, rescale.
// The per-channel scale [1,4,1,1] and the scalar zero point [1,1,1,1] broadcast through their
// indexing maps.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$PERCHAN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, 0)>
// CHECK-LABEL: func.func @quant_round_per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x2x2xf32>, %[[S:.*]]: tensor<1x4x1x1xf32>, %[[Z:.*]]: tensor<1x1x1x1xf32>)
// CHECK-DAG: %[[QMAX:.*]] = arith.constant 7.000000e+00 : f32
// CHECK-DAG: %[[QMIN:.*]] = arith.constant -8.000000e+00 : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$PERCHAN]], #[[$SCALAR]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[S]], %[[Z]] : tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %[[SC:[^:]+]]: f32, %[[ZP:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.divf %[[IN]], %[[SC]] : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[D]], %[[ZP]] : f32
// CHECK-NEXT: %[[LO:.*]] = arith.maximumf %[[A]], %[[QMIN]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.minimumf %[[LO]], %[[QMAX]] : f32
// CHECK-NEXT: %[[RND:.*]] = math.roundeven %[[HI]] : f32
// CHECK-NEXT: %[[SUB:.*]] = arith.subf %[[RND]], %[[ZP]] : f32
// CHECK-NEXT: %[[MUL:.*]] = arith.mulf %[[SUB]], %[[SC]] : f32
// CHECK-NEXT: linalg.yield %[[MUL]] : f32
func.func @quant_round_per_channel(%x: tensor<1x4x2x2xf32>, %s: tensor<1x4x1x1xf32>, %z: tensor<1x1x1x1xf32>) -> tensor<1x4x2x2xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = false}
     : (tensor<1x4x2x2xf32>, tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// A scale of the input's full shape is not broadcast: identity map.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @quant_full_scale
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ROW]], #[[$ID]]]
func.func @quant_full_scale(%x: tensor<2x3xf32>, %s: tensor<2x3xf32>, %z: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 8 : i64, is_signed = true, narrow = false}
     : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Narrow signed 4 bits: [-7, 7].
// CHECK-LABEL: func.func @quant_narrow_signed
// CHECK-DAG: arith.constant 7.000000e+00 : f32
// CHECK-DAG: arith.constant -7.000000e+00 : f32
// CHECK: math.roundeven
func.func @quant_narrow_signed(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 4 : i64, is_signed = true, narrow = true}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Unsigned 2 bits, ceil: [0, 3].
// CHECK-LABEL: func.func @quant_ceil
// CHECK-DAG: %[[QMAX:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[QMIN:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[QMIN]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.minimumf %{{.*}}, %[[QMAX]] : f32
// CHECK-NEXT: math.ceil %[[HI]] : f32
// CHECK-NOT: math.roundeven
func.func @quant_ceil(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 2 : i64, is_signed = false, narrow = false,
                             rounding_mode = #bnn<rounding_mode ceil>}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Unsigned narrow 3 bits, floor: [0, 6].
// CHECK-LABEL: func.func @quant_floor
// CHECK-DAG: arith.constant 6.000000e+00 : f32
// CHECK: %[[HI:.*]] = arith.minimumf
// CHECK-NEXT: math.floor %[[HI]] : f32
func.func @quant_floor(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 3 : i64, is_signed = false, narrow = true,
                             rounding_mode = #bnn<rounding_mode floor>}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @quant_round_to_zero
// CHECK: %[[HI:.*]] = arith.minimumf
// CHECK-NEXT: math.trunc %[[HI]] : f32
func.func @quant_round_to_zero(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 8 : i64, is_signed = true, narrow = false,
                             rounding_mode = #bnn<rounding_mode round_to_zero>}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// A signed 1-bit quant is bipolar, as in QONNX's reference: x / scale + zp >= 0 ? +1 : -1, with
// no clamp and no rounding. (Its rescale is checked in bnn-lower-to-linalg-quant-1bit.mlir.)
// CHECK-LABEL: func.func @quant_signed_1bit_is_bipolar
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[S:.*]]: tensor<1xf32>, %[[Z:.*]]: tensor<1xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: ^bb0(%[[IN:[^:]+]]: f32, %[[SC:[^:]+]]: f32, %[[ZP:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.divf %[[IN]], %[[SC]] : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[D]], %[[ZP]] : f32
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[A]], %[[ZERO]] : f32
// CHECK-NEXT: arith.select %[[GE]], %[[ONE]], %[[MONE]] : f32
// CHECK-NOT: arith.maximumf
// CHECK-NOT: math.roundeven
// CHECK: return
func.func @quant_signed_1bit_is_bipolar(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 1 : i64, is_signed = true, narrow = false}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// An unsigned 1-bit quant is not bipolar: it clamps to [0, 1] and rounds.
// CHECK-LABEL: func.func @no_bipolar_unsigned_1bit
// CHECK-NOT: arith.cmpf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.roundeven
func.func @no_bipolar_unsigned_1bit(%x: tensor<8xf32>, %s: tensor<1xf32>, %z: tensor<1xf32>) -> tensor<8xf32> {
  %0 = bnn.quant %x, %s, %z {bitwidth = 1 : i64, is_signed = false, narrow = false}
     : (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// multi_threshold: a count over the thresholds (a reduction on the extra, innermost loop), then
// out_scale * count + out_bias. Per-channel thresholds index their row by the channel axis (3).
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @multi_threshold
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x4xf32>, %[[TH:.*]]: tensor<4x3xf32>)
// CHECK-DAG: %[[BIAS:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x2x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<1x2x2x4xf32>)
// CHECK: %[[COUNT:.*]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$T]], #[[$IN]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[X]], %[[TH]] : tensor<1x2x2x4xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<1x2x2x4xf32>)
// CHECK-NEXT: ^bb0(%[[V:[^:]+]]: f32, %[[TV:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[V]], %[[TV]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.uitofp %[[GE]] : i1 to f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[ONE]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]] : f32
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[COUNT]] : tensor<1x2x2x4xf32>)
// CHECK-NEXT: ^bb0(%[[C:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[C]], %[[SCALE]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[M]], %[[BIAS]] : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
// CHECK: return %[[R]]
func.func @multi_threshold(%x: tensor<1x2x2x4xf32>, %t: tensor<4x3xf32>) -> tensor<1x2x2x4xf32> {
  %0 = bnn.multi_threshold %x, %t {channel_axis = 3 : i64, out_scale = 2.0 : f32, out_bias = -1.0 : f32}
     : (tensor<1x2x2x4xf32>, tensor<4x3xf32>) -> tensor<1x2x2x4xf32>
  return %0 : tensor<1x2x2x4xf32>
}

// -----

// One shared row of thresholds: row 0 for every channel.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @multi_threshold_shared_row
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$T]], #[[$IN]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.cmpf oge
func.func @multi_threshold_shared_row(%x: tensor<1x4xf32>, %t: tensor<1x3xf32>) -> tensor<1x4xf32> {
  %0 = bnn.multi_threshold %x, %t {channel_axis = 1 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<1x4xf32>, tensor<1x3xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// Ops of other dialects are left alone.
// CHECK-LABEL: func.func @no_bnn_ops
// CHECK-NEXT: %[[A:.*]] = arith.addf
// CHECK-NEXT: return %[[A]]
func.func @no_bnn_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

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

// A signed 1-bit quant is bipolar, as in QONNX's reference (quant() in
// qonnx/custom_op/general/quant.py): the step x / scale + zp >= 0 ? +1 : -1 replaces the clamp
// and the rounding, and the result is rescaled like any other quant: (q - zp) * scale.
// CHECK-LABEL: func.func @quant_signed_1bit_is_bipolar
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>, %[[S:.*]]: tensor<1xf32>, %[[Z:.*]]: tensor<1xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: ^bb0(%[[IN:[^:]+]]: f32, %[[SC:[^:]+]]: f32, %[[ZP:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.divf %[[IN]], %[[SC]] : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[D]], %[[ZP]] : f32
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[A]], %[[ZERO]] : f32
// CHECK-NEXT: %[[B:.*]] = arith.select %[[GE]], %[[ONE]], %[[MONE]] : f32
// CHECK-NEXT: %[[SUB:.*]] = arith.subf %[[B]], %[[ZP]] : f32
// CHECK-NEXT: %[[MUL:.*]] = arith.mulf %[[SUB]], %[[SC]] : f32
// CHECK-NEXT: linalg.yield %[[MUL]] : f32
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

// -----

// binarize: x > t_c ? 1 : (x < t_c ? -1 : tie), NaN kept, the per-channel thresholds broadcast
// along the innermost axis.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$CHAN:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @binarize_per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[TIE:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1.000000e+00, -2.000000e+00, 5.000000e-01, 0.000000e+00]> : tensor<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CHAN]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[T]] : tensor<1x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[V:[^:]+]]: f32, %[[TV:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[TV]] : f32
// CHECK-NEXT: %[[LT:.*]] = arith.cmpf olt, %[[V]], %[[TV]] : f32
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %[[V]], %[[V]] : f32
// CHECK-NEXT: %[[TN:.*]] = arith.select %[[NAN]], %[[V]], %[[TIE]] : f32
// CHECK-NEXT: %[[IN:.*]] = arith.select %[[LT]], %[[MONE]], %[[TN]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[GT]], %[[ONE]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @binarize_per_channel(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = bnn.binarize %x {thresholds = dense<[1.0, -2.0, 0.5, 0.0]> : tensor<4xf32>, tie = #bnn<tie zero>} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// One threshold for all channels is read at index 0; the tie +1 makes x >= t -> +1.
// CHECK-DAG: #[[$FIRST:.*]] = affine_map<(d0, d1) -> (0)>
// CHECK-LABEL: func.func @binarize_shared_positive
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$FIRST]], #{{.*}}]
// CHECK: arith.cmpf ogt
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @binarize_shared_positive(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = bnn.binarize %x {thresholds = dense<0.5> : tensor<1xf32>, tie = #bnn<tie positive>} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// pack: channels zero-padded to whole words (100 -> 128), split [words, 64], and the bit loop
// (a reduction, its index the bit position) ORs (x < 0) into the sign plane and (x != 0) into
// the mask plane.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @pack
// CHECK-SAME: (%[[X:.*]]: tensor<1x100xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0] high[0, 28]
// CHECK: } : tensor<1x100xf32> to tensor<1x128xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2]] output_shape [1, 2, 64] : tensor<1x128xf32> into tensor<1x2x64xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<1x2xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[E]] : tensor<1x2x64xf32>) outs(%[[Z]], %[[Z]] : tensor<1x2xi64>, tensor<1x2xi64>)
// CHECK-NEXT: ^bb0(%[[V:[^:]+]]: f32, %[[S:[^:]+]]: i64, %[[M:[^:]+]]: i64):
// CHECK-NEXT: %[[I:.*]] = linalg.index 2 : index
// CHECK-NEXT: %[[BIT:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpf olt, %[[V]], %{{.*}} : f32
// CHECK-NEXT: %[[NEG64:.*]] = arith.extui %[[NEG]] : i1 to i64
// CHECK-NEXT: %[[NZ:.*]] = arith.cmpf une, %[[V]], %{{.*}} : f32
// CHECK-NEXT: %[[NZ64:.*]] = arith.extui %[[NZ]] : i1 to i64
// CHECK-NEXT: %[[SB:.*]] = arith.shli %[[NEG64]], %[[BIT]] : i64
// CHECK-NEXT: %[[S2:.*]] = arith.ori %[[S]], %[[SB]] : i64
// CHECK-NEXT: %[[MB:.*]] = arith.shli %[[NZ64]], %[[BIT]] : i64
// CHECK-NEXT: %[[M2:.*]] = arith.ori %[[M]], %[[MB]] : i64
// CHECK-NEXT: linalg.yield %[[S2]], %[[M2]] : i64, i64
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @pack(%x: tensor<1x100xf32>) -> (tensor<1x2xi64>, tensor<1x2xi64>) {
  %s, %m = bnn.pack %x : tensor<1x100xf32> -> tensor<1x2xi64>, tensor<1x2xi64>
  return %s, %m : tensor<1x2xi64>, tensor<1x2xi64>
}

// -----

// A whole number of words needs no padding.
// CHECK-LABEL: func.func @pack_whole_words
// CHECK-NOT: tensor.pad
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [1, 1, 64]
func.func @pack_whole_words(%x: tensor<1x64xf32>) -> (tensor<1x1xi64>, tensor<1x1xi64>) {
  %s, %m = bnn.pack %x : tensor<1x64xf32> -> tensor<1x1xi64>, tensor<1x1xi64>
  return %s, %m : tensor<1x1xi64>, tensor<1x1xi64>
}

// -----

// output_transform: multiplier[c] * float(d) + bias[c], in that order.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$CHAN:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @output_transform
// CHECK-SAME: (%[[D:.*]]: tensor<1x8xi32>, %[[MUL:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CHAN]], #[[$CHAN]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[D]], %[[MUL]], %[[B]] : tensor<1x8xi32>, tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[V:[^:]+]]: i32, %[[VM:[^:]+]]: f32, %[[VB:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[V]] : i32 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[VM]], %[[F]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[P]], %[[VB]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @output_transform(%d: tensor<1x8xi32>, %mul: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<1x8xf32> {
  %0 = bnn.output_transform %d, %mul, %b : (tensor<1x8xi32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// bconv2d: zero padding of both planes (a padded tap has mask 0 and adds nothing), a reduction
// over kh, kw and words accumulating popcount(m & (s ^ w)) and popcount(m), then B - 2A.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4 * 3, d2 + d5, d6)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>
// CHECK-DAG: #[[$ACC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @bconv2d
// CHECK-SAME: (%[[S:.*]]: tensor<1x5x4x1xi64>, %[[M:.*]]: tensor<1x5x4x1xi64>, %[[W:.*]]: tensor<2x2x3x1xi64>)
// CHECK-DAG: %[[Z64:.*]] = arith.constant 0 : i64
// Only the border is filled: the row above, the columns left and right (no pad below).
// CHECK: linalg.fill ins(%[[Z64]] : i64) outs(%{{.*}} : tensor<1x1x6x1xi64>)
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 0, 0] [1, 1, 6, 1]
// CHECK: linalg.fill ins(%[[Z64]] : i64) outs(%{{.*}} : tensor<1x5x1x1xi64>)
// CHECK: tensor.insert_slice %{{.*}}[0, 1, 0, 0] [1, 5, 1, 1]
// CHECK: linalg.fill ins(%[[Z64]] : i64) outs(%{{.*}} : tensor<1x5x1x1xi64>)
// CHECK: tensor.insert_slice %{{.*}}[0, 1, 5, 0] [1, 5, 1, 1]
// CHECK: %[[PS:.*]] = tensor.insert_slice %[[S]] into %{{.*}}[0, 1, 1, 0] [1, 5, 4, 1] [1, 1, 1, 1] : tensor<1x5x4x1xi64> into tensor<1x6x6x1xi64>
// CHECK-NOT: linalg.fill ins(%[[Z64]] : i64) outs(%{{.*}} : tensor<1x6x6x1xi64>)
// CHECK: %[[PM:.*]] = tensor.insert_slice %[[M]] into %{{.*}}[0, 1, 1, 0]
// CHECK: %[[ACC:.*]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$IN]], #[[$W]], #[[$ACC]], #[[$ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PS]], %[[PM]], %[[W]] : tensor<1x6x6x1xi64>, tensor<1x6x6x1xi64>, tensor<2x2x3x1xi64>)
// CHECK-NEXT: ^bb0(%[[VS:[^:]+]]: i64, %[[VM:[^:]+]]: i64, %[[VW:[^:]+]]: i64, %[[A:[^:]+]]: i32, %[[B:[^:]+]]: i32):
// CHECK-NEXT: %[[X:.*]] = arith.xori %[[VS]], %[[VW]] : i64
// CHECK-NEXT: %[[D:.*]] = arith.andi %[[VM]], %[[X]] : i64
// CHECK-NEXT: %[[PD:.*]] = math.ctpop %[[D]] : i64
// CHECK-NEXT: %[[PV:.*]] = math.ctpop %[[VM]] : i64
// CHECK: linalg.yield
// CHECK: linalg.generic {{.*}} ins(%[[ACC]]#0, %[[ACC]]#1 : tensor<1x2x4x2xi32>, tensor<1x2x4x2xi32>)
// CHECK-NEXT: ^bb0(%[[DIFF:[^:]+]]: i32, %[[VALID:[^:]+]]: i32, %{{[^:]+}}: i32):
// CHECK-NEXT: %[[TWICE:.*]] = arith.addi %[[DIFF]], %[[DIFF]] : i32
// CHECK-NEXT: %[[DOT:.*]] = arith.subi %[[VALID]], %[[TWICE]] : i32
// CHECK-NEXT: linalg.yield %[[DOT]] : i32
func.func @bconv2d(%s: tensor<1x5x4x1xi64>, %m: tensor<1x5x4x1xi64>, %w: tensor<2x2x3x1xi64>) -> tensor<1x2x4x2xi32> {
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 1, 1>,
                               stride = array<i64: 2, 1>, dilation = array<i64: 3, 1>}
     : (tensor<1x5x4x1xi64>, tensor<1x5x4x1xi64>, tensor<2x2x3x1xi64>) -> tensor<1x2x4x2xi32>
  return %0 : tensor<1x2x4x2xi32>
}

// -----

// Without pads, the planes are read directly.
// CHECK-LABEL: func.func @bconv2d_unpadded
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
func.func @bconv2d_unpadded(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>, %w: tensor<2x3x3x1xi64>) -> tensor<1x2x2x2xi32> {
  %0 = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
                               stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<2x3x3x1xi64>) -> tensor<1x2x2x2xi32>
  return %0 : tensor<1x2x2x2xi32>
}

// -----

// bmatmul: the same popcount reduction over the words.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$ACC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @bmatmul
// CHECK: %[[ACC:.*]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$IN]], #[[$W]], #[[$ACC]], #[[$ACC]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: math.ctpop
// CHECK: math.ctpop
// CHECK: linalg.generic {{.*}} ins(%[[ACC]]#0, %[[ACC]]#1
// CHECK: arith.subi
func.func @bmatmul(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

// threshold: d and the per-channel vectors padded to whole words (padded channels get low =
// INT32_MIN and high = INT32_MAX, so their value is 0 and both bits stay 0), then
// negative = descending ? d >= high : d < low, non-zero = d < low || d >= high, packed.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$CHAN:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @threshold
// CHECK-SAME: (%[[D:.*]]: tensor<1x8xi32>, %[[LO:.*]]: tensor<8xi32>, %[[HI:.*]]: tensor<8xi32>, %[[DESC:.*]]: tensor<8xi1>)
// CHECK-DAG: %[[FALSE:.*]] = arith.constant false
// CHECK-DAG: %[[MAX:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[Z32:.*]] = arith.constant 0 : i32
// CHECK: tensor.pad %[[D]] low[0, 0] high[0, 56]
// CHECK: tensor.yield %[[Z32]] : i32
// CHECK: tensor.pad %[[LO]] low[0] high[56]
// CHECK: tensor.yield %[[MIN]] : i32
// CHECK: tensor.pad %[[HI]] low[0] high[56]
// CHECK: tensor.yield %[[MAX]] : i32
// CHECK: tensor.pad %[[DESC]] low[0] high[56]
// CHECK: tensor.yield %[[FALSE]] : i1
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$CHAN]], #[[$CHAN]], #[[$CHAN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-NEXT: ^bb0(%[[V:[^:]+]]: i32, %[[L:[^:]+]]: i32, %[[H:[^:]+]]: i32, %[[DS:[^:]+]]: i1, %{{[^:]+}}: i64, %{{[^:]+}}: i64):
// CHECK: %[[BELOW:.*]] = arith.cmpi slt, %[[V]], %[[L]] : i32
// CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpi sge, %[[V]], %[[H]] : i32
// CHECK-NEXT: %[[NEG:.*]] = arith.select %[[DS]], %[[ABOVE]], %[[BELOW]] : i1
// CHECK-NEXT: %[[NZ:.*]] = arith.ori %[[BELOW]], %[[ABOVE]] : i1
func.func @threshold(%d: tensor<1x8xi32>, %lo: tensor<8xi32>, %hi: tensor<8xi32>, %desc: tensor<8xi1>) -> (tensor<1x1xi64>, tensor<1x1xi64>) {
  %s, %m = bnn.threshold %d, %lo, %hi, %desc
     : (tensor<1x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x1xi64>, tensor<1x1xi64>)
  return %s, %m : tensor<1x1xi64>, tensor<1x1xi64>
}

// -----

// bmaxpool2d: the planes padded with -1 (all bits set: the neutral element of max), a window
// reduction pos = OR(~s & m), allneg = AND(s & m) from 0 and all-ones, then
// sign = ~pos & allneg, mask = pos | allneg.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-DAG: #[[$WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @bmaxpool2d
// CHECK-SAME: (%[[S:.*]]: tensor<1x7x7x1xi64>, %[[M:.*]]: tensor<1x7x7x1xi64>)
// CHECK-DAG: %[[ONES:.*]] = arith.constant -1 : i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: linalg.fill ins(%[[ONES]] : i64) outs(%{{.*}} : tensor<1x1x8x1xi64>)
// CHECK: linalg.fill ins(%[[ONES]] : i64) outs(%{{.*}} : tensor<1x7x1x1xi64>)
// CHECK: %[[PS:.*]] = tensor.insert_slice %[[S]] into %{{.*}}[0, 0, 0, 0] [1, 7, 7, 1]
// CHECK: linalg.fill ins(%[[ONES]] : i64) outs(%{{.*}} : tensor<1x1x8x1xi64>)
// CHECK: linalg.fill ins(%[[ONES]] : i64) outs(%{{.*}} : tensor<1x7x1x1xi64>)
// CHECK: %[[PM:.*]] = tensor.insert_slice %[[M]] into %{{.*}}[0, 0, 0, 0] [1, 7, 7, 1]
// CHECK: %[[POS0:.*]] = linalg.fill ins(%[[ZERO]] : i64)
// CHECK: %[[NEG0:.*]] = linalg.fill ins(%[[ONES]] : i64)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xi64>
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$IN]], #[[$WIN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PS]], %[[PM]], %[[WIN]] : {{.*}}) outs(%[[POS0]], %[[NEG0]] :
// CHECK-NEXT: ^bb0(%[[VS:[^:]+]]: i64, %[[VM:[^:]+]]: i64, %{{[^:]+}}: i64, %[[POS:[^:]+]]: i64, %[[NEG:[^:]+]]: i64):
// CHECK-NEXT: %[[NS:.*]] = arith.xori %[[VS]], %[[ONES]] : i64
// CHECK-NEXT: %[[P:.*]] = arith.andi %[[NS]], %[[VM]] : i64
// CHECK-NEXT: %[[POS2:.*]] = arith.ori %[[POS]], %[[P]] : i64
// CHECK-NEXT: %[[N:.*]] = arith.andi %[[VS]], %[[VM]] : i64
// CHECK-NEXT: %[[NEG2:.*]] = arith.andi %[[NEG]], %[[N]] : i64
// CHECK-NEXT: linalg.yield %[[POS2]], %[[NEG2]] : i64, i64
// CHECK: linalg.generic {{.*}} ins(%[[R]]#0, %[[R]]#1 :
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: i64, %[[B:[^:]+]]: i64, %{{[^:]+}}: i64, %{{[^:]+}}: i64):
// CHECK-NEXT: %[[NA:.*]] = arith.xori %[[A]], %[[ONES]] : i64
// CHECK-NEXT: %[[SIGN:.*]] = arith.andi %[[NA]], %[[B]] : i64
// CHECK-NEXT: %[[MASK:.*]] = arith.ori %[[A]], %[[B]] : i64
// CHECK-NEXT: linalg.yield %[[SIGN]], %[[MASK]] : i64, i64
func.func @bmaxpool2d(%s: tensor<1x7x7x1xi64>, %m: tensor<1x7x7x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) {
  %s2, %m2 = bnn.bmaxpool2d %s, %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>}
     : (tensor<1x7x7x1xi64>, tensor<1x7x7x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %s2, %m2 : tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>
}

// -----

// A bipolar bconv2d (no zeros in its input) does not read the mask plane: in-bounds taps are
// selected by per-position masks (all-ones words inside the input, 0 in the padding), and
// d = in_channels * rows * cols - 2 * popcount((s ^ w) & valid).
// CHECK-LABEL: func.func @bconv2d_bipolar
// CHECK-SAME: (%[[S:[^:]*]]: tensor<1x3x3x1xi64>, %[[M:[^:]*]]: tensor<1x3x3x1xi64>, %[[W:[^:]*]]: tensor<2x3x3x1xi64>)
// CHECK-DAG: %[[VH:.*]] = arith.constant dense<{{\[}}[0, -1, -1], [-1, -1, -1], [-1, -1, 0]]> : tensor<3x3xi64>
// CHECK-DAG: %[[CNT:.*]] = arith.constant dense<[2, 3, 2]> : tensor<3xi32>
// CHECK: %[[P:.*]] = tensor.insert_slice %[[S]] into
// CHECK-NOT: %[[M]]
// CHECK: linalg.generic {{.*}} ins(%[[P]], %[[W]], %[[VH]], %[[VH]] :
// CHECK: arith.xori
// CHECK-NEXT: arith.andi
// CHECK-NEXT: arith.andi
// CHECK-NEXT: math.ctpop
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[CNT]], %[[CNT]] :
// CHECK: arith.muli
// CHECK: arith.subi
func.func @bconv2d_bipolar(%s: tensor<1x3x3x1xi64>, %m: tensor<1x3x3x1xi64>, %w: tensor<2x3x3x1xi64>) -> tensor<1x3x3x2xi32> {
  %d = bnn.bconv2d %s, %m, %w {bipolar, in_channels = 5 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x3x3x1xi64>) -> tensor<1x3x3x2xi32>
  return %d : tensor<1x3x3x2xi32>
}

// -----

// A bipolar bmatmul: d = k - 2 * popcount(s ^ w), one popcount per word, no mask.
// CHECK-LABEL: func.func @bmatmul_bipolar
// CHECK-SAME: (%[[S:[^:]*]]: tensor<1x4x2xi64>, %[[M:[^:]*]]: tensor<1x4x2xi64>, %[[W:[^:]*]]: tensor<3x2xi64>)
// CHECK-DAG: %[[K:.*]] = arith.constant 100 : i32
// CHECK: linalg.generic {{.*}} ins(%[[S]], %[[W]] :
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.xori
// CHECK-NEXT: math.ctpop
// CHECK: arith.subi %[[K]]
func.func @bmatmul_bipolar(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<3x2xi64>) -> tensor<1x4x3xi32> {
  %d = bnn.bmatmul %s, %m, %w {bipolar, k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<3x2xi64>) -> tensor<1x4x3xi32>
  return %d : tensor<1x4x3xi32>
}

// -----

// bdepthwise_conv2d: the int8 input zero-padded (the border filled, the input inserted), then
// linalg's depthwise conv accumulating in i32.
// CHECK-LABEL: func.func @bdepthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x2xi8>)
// CHECK-COUNT-2: linalg.fill ins(%{{.*}} : i8) outs(%{{.*}} : tensor<1x1x6x2xi8>)
// CHECK-COUNT-2: linalg.fill ins(%{{.*}} : i8) outs(%{{.*}} : tensor<1x4x1x2xi8>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[X]] into %{{.*}}[0, 1, 1, 0] [1, 4, 4, 2] [1, 1, 1, 1]
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<1x4x4x2xi32>)
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[P]], %{{.*}} : tensor<1x6x6x2xi8>, tensor<3x3x2xi8>) outs(%[[ACC]] : tensor<1x4x4x2xi32>)
func.func @bdepthwise(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi32> {
  %w = arith.constant dense<[[[1, -1], [-1, 1], [1, 1]], [[-1, 1], [1, -1], [0, 1]], [[1, 1], [1, 1], [-1, -1]]]> : tensor<3x3x2xi8>
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x4x2xi8>, tensor<3x3x2xi8>) -> tensor<1x4x4x2xi32>
  return %0 : tensor<1x4x4x2xi32>
}

// -----

// bmatmul_act of at most 4 words: the words unrolled into one all-parallel op (word w read at
// the constant index w), d = valid - 2 * differ yielded directly: no zero-filled accumulator,
// no reduction loop, no second pass.
// CHECK-DAG: #[[A0:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// CHECK-DAG: #[[B0:.+]] = affine_map<(d0, d1, d2) -> (d0, d2, 0)>
// CHECK-DAG: #[[A1:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, 1)>
// CHECK-DAG: #[[B1:.+]] = affine_map<(d0, d1, d2) -> (d0, d2, 1)>
// CHECK-LABEL: func.func @bmatmul_act
// CHECK-NOT: linalg.fill
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[A0]], #[[A0]], #[[B0]], #[[B0]], #[[A1]], #[[A1]], #[[B1]], #[[B1]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: ^bb0(%[[AS:[^:]+]]: i64, %[[AM:[^:]+]]: i64, %[[BS:[^:]+]]: i64, %[[BM:[^:]+]]: i64, %{{.+}}: i64, %{{.+}}: i64, %{{.+}}: i64, %{{.+}}: i64, %{{.+}}: i32):
// CHECK: %[[BOTH:.*]] = arith.andi %[[AM]], %[[BM]] : i64
// CHECK: %[[X:.*]] = arith.xori %[[AS]], %[[BS]] : i64
// CHECK: arith.andi %[[BOTH]], %[[X]] : i64
// CHECK: math.ctpop
// CHECK: math.ctpop %[[BOTH]]
// CHECK-COUNT-2: math.ctpop
// CHECK: %[[DIFFER:.+]] = arith.addi
// CHECK: %[[VALID:.+]] = arith.addi
// CHECK: %[[TWICE:.+]] = arith.addi %[[DIFFER]], %[[DIFFER]] : i32
// CHECK: %[[D:.+]] = arith.subi %[[VALID]], %[[TWICE]] : i32
// CHECK: linalg.yield %[[D]] : i32
// CHECK: return %[[R]]
func.func @bmatmul_act(%as: tensor<2x3x2xi64>, %am: tensor<2x3x2xi64>, %bs: tensor<2x4x2xi64>, %bm: tensor<2x4x2xi64>) -> tensor<2x3x4xi32> {
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 70 : i64}
     : (tensor<2x3x2xi64>, tensor<2x3x2xi64>, tensor<2x4x2xi64>, tensor<2x4x2xi64>) -> tensor<2x3x4xi32>
  return %0 : tensor<2x3x4xi32>
}

// -----

// Longer reductions (here 5 words) keep the reduction form: per (b, i, n), over the words, the
// non-zero products (both masks) and the -1 ones (signs differ among them); d = valid - 2 * differ.
// CHECK-LABEL: func.func @bmatmul_act_long
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3x5xi64>, tensor<2x3x5xi64>, tensor<2x4x5xi64>, tensor<2x4x5xi64>)
// CHECK: ^bb0(%[[AS:[^:]+]]: i64, %[[AM:[^:]+]]: i64, %[[BS:[^:]+]]: i64, %[[BM:[^:]+]]: i64, %[[D:[^:]+]]: i32, %[[V:[^:]+]]: i32):
// CHECK: %[[BOTH:.*]] = arith.andi %[[AM]], %[[BM]] : i64
// CHECK: %[[X:.*]] = arith.xori %[[AS]], %[[BS]] : i64
// CHECK: arith.andi %[[BOTH]], %[[X]] : i64
// CHECK: math.ctpop
// CHECK: math.ctpop %[[BOTH]]
// CHECK: linalg.generic {{.*}} ins(%[[R]]#0, %[[R]]#1 : tensor<2x3x4xi32>, tensor<2x3x4xi32>)
// CHECK: arith.addi
// CHECK: arith.subi
func.func @bmatmul_act_long(%as: tensor<2x3x5xi64>, %am: tensor<2x3x5xi64>, %bs: tensor<2x4x5xi64>, %bm: tensor<2x4x5xi64>) -> tensor<2x3x4xi32> {
  %0 = bnn.bmatmul_act %as, %am, %bs, %bm {k = 300 : i64}
     : (tensor<2x3x5xi64>, tensor<2x3x5xi64>, tensor<2x4x5xi64>, tensor<2x4x5xi64>) -> tensor<2x3x4xi32>
  return %0 : tensor<2x3x4xi32>
}

// -----

// concat_packed: each input ORed into its words of a zero-filled result, shifted to its bit
// offset: the second part of 32 channels by 32 within word 0 (the same slice: the greedy
// driver folds the insert/extract pair), the third (64 channels) into word 1 unshifted.
// CHECK-LABEL: func.func @concat_packed
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : i64
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[Z]][0, 0, 0, 0] [1, 2, 2, 1] [1, 1, 1, 1]
// CHECK: %[[G0:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x2x2x1xi64>) outs(%[[S0]] : tensor<1x2x2x1xi64>)
// CHECK-NOT: arith.shli
// CHECK: arith.ori
// CHECK: %[[G1:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<1x2x2x1xi64>) outs(%[[G0]] : tensor<1x2x2x1xi64>)
// CHECK: %[[SH:.*]] = arith.shli %{{.*}}, %[[C32]] : i64
// CHECK: arith.ori %{{.*}}, %[[SH]] : i64
// CHECK: %[[R1:.*]] = tensor.insert_slice %[[G1]] into %[[Z]][0, 0, 0, 0] [1, 2, 2, 1] [1, 1, 1, 1]
// CHECK: %[[S2:.*]] = tensor.extract_slice %[[R1]][0, 0, 0, 1] [1, 2, 2, 1] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%arg2 : tensor<1x2x2x1xi64>) outs(%[[S2]] : tensor<1x2x2x1xi64>)
// CHECK-NOT: arith.shli
// CHECK: tensor.insert_slice %{{.*}} into %[[R1]][0, 0, 0, 1] [1, 2, 2, 1] [1, 1, 1, 1]
// CHECK-NOT: bnn.
func.func @concat_packed(%a: tensor<1x2x2x1xi64>, %b: tensor<1x2x2x1xi64>, %c: tensor<1x2x2x1xi64>) -> tensor<1x2x2x2xi64> {
  %0 = bnn.concat_packed %a, %b, %c {channels = array<i64: 32, 32, 64>} : (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>) -> tensor<1x2x2x2xi64>
  return %0 : tensor<1x2x2x2xi64>
}

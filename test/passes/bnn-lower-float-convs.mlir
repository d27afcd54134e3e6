// RUN: %bnnc_opt %s -bnn-lower-float-convs="lanes=2 vectors=2 pixels=3" -split-input-file | FileCheck %s

// A float conv (3 -> 6 channels, 2x2 kernel, pad 1): weights [O][KH][KW][C] re-laid out as
// [O / 8][KH][KW * C][8] (F = 4 floats per vector, 2 vectors: 8 channels per block, 6 padded to
// 8), accumulators that start at the bias, FMAs of the broadcast input with contiguous weight
// vectors, and the following BatchNorm-like step (per-channel scale) applied before the store.
// CHECK-LABEL: func.func @conv_bn
// CHECK: arith.constant dense<{{.*}}> : tensor<1x2x6x8xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 1, 1, 0] [1, 4, 4, 3] [1, 1, 1, 1] : tensor<1x4x4x3xf32> into tensor<1x6x6x3xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x6x18xf32>
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<8xf32>, vector<4xf32>
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: vector.transfer_read {{.*}} : tensor<1x2x6x8xf32>, vector<4xf32>
// CHECK: tensor.extract {{.*}} : tensor<1x6x18xf32>
// CHECK: vector.broadcast {{.*}} : f32 to vector<4xf32>
// CHECK: vector.fma
// CHECK: arith.mulf {{.*}} : vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x5x5x8xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 5, 5, 6] [1, 1, 1, 1]
// CHECK-NOT: tosa.conv2d
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv_bn(%x: tensor<1x4x4x3xf32>) -> tensor<1x5x5x6xf32> {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = arith.constant dense<[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]> : tensor<6xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  %e = tensor.empty() : tensor<1x5x5x6xf32>
  %z = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %s : tensor<1x5x5x6xf32>, tensor<6xf32>) outs(%e : tensor<1x5x5x6xf32>) {
  ^bb0(%a: f32, %k: f32, %o: f32):
    %0 = arith.mulf %a, %k : f32
    linalg.yield %0 : f32
  } -> tensor<1x5x5x6xf32>
  return %z : tensor<1x5x5x6xf32>
}

// -----

// The binarize + pack of the conv's value (FINN CNV's stem feeding its first binary layer): the
// kernel compares each vector of 4 channels with their thresholds (tie zero: sign x < t, mask
// x != t unordered), shifts the lane bits to the vector's channel offset (channels 4-5 land at
// bits 4-5; the lanes of padding channels 6-7 masked off: (1 << clamp(6 - chan, 0, 4)) - 1), ORs
// the block's two vectors and then into word 0 of each plane, once per pixel (the planes are not
// filled: the block at bit 0 of a word starts it from 0, bnn::orIntoWord). Nothing else reads the
// floats: none are written.
// CHECK-LABEL: func.func @conv_pack
// CHECK-DAG: arith.constant dense<[5.000000e-01, -5.000000e-01, 0.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>
// CHECK: bufferization.alloc_tensor() : tensor<1x3x3x1xi64>
// CHECK: bufferization.alloc_tensor() : tensor<1x3x3x1xi64>
// CHECK: vector.fma
// CHECK: %[[N:.*]] = arith.cmpf olt, {{.*}} : vector<4xf32>
// CHECK: %[[Z:.*]] = arith.cmpf une, {{.*}} : vector<4xf32>
// CHECK: vector.bitcast %[[N]] : vector<4xi1> to vector<1xi4>
// CHECK: arith.minsi
// CHECK: arith.shli
// CHECK: arith.ori
// CHECK: tensor.extract {{.*}} : tensor<1x3x3x1xi64>
// CHECK: tensor.insert {{.*}} : tensor<1x3x3x1xi64>
// CHECK-NOT: vector.transfer_write {{.*}} tensor<1x3x3x8xf32>
// CHECK-NOT: bnn.pack
// CHECK-NOT: bnn.binarize
// CHECK: return
func.func @conv_pack(%x: tensor<1x4x4x3xf32>) -> (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>) {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x6xf32>
  %t = bnn.binarize %y {thresholds = dense<[0.5, -0.5, 0.0, 0.0, 1.0, 2.0]> : tensor<6xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x6xf32>
  %s, %m = bnn.pack %t : tensor<1x3x3x6xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  return %s, %m : tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
}

// -----

// The conv's value also read elsewhere (a residual): the kernel writes the floats and the
// planes. 4 channels fill the block's first vector; the second holds padding channels only,
// whose bits are masked off too (with a non-zero tie every mask bit would be set).
// CHECK-LABEL: func.func @conv_pack_keep_float
// CHECK: vector.fma
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x3x3x8xf32>
// CHECK: arith.cmpf olt
// CHECK: arith.minsi
// CHECK: tensor.insert {{.*}} : tensor<1x3x3x1xi64>
// CHECK-NOT: bnn.pack
// CHECK: return
func.func @conv_pack_keep_float(%x: tensor<1x4x4x3xf32>) -> (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<1x3x3x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x2x2x3xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<4x2x2x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  %t = bnn.binarize %y {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie positive>} : tensor<1x3x3x4xf32>
  %s, %m = bnn.pack %t : tensor<1x3x3x4xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  return %s, %m, %y : tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<1x3x3x4xf32>
}

// -----

// The conv's value read only by the graph output's NHWC -> NCHW transpose: the kernel writes
// NCHW itself ([N, Opad, Ho, Wo], sliced to 6 channels), each block of 3 pixels x 8 channels
// (the two vectors of 4 joined) transposed in registers by interleaves and stored one run of
// pixels per channel; the transpose is gone.
// CHECK-LABEL: func.func @conv_nchw_output
// CHECK: vector.fma
// CHECK: vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
// CHECK: vector.shuffle {{.*}} [0, 8, 1, 9, 2, 10, 3, 11] : vector<8xf32>, vector<8xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x8x5x5xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 6, 5, 5] [1, 1, 1, 1]
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @conv_nchw_output(%x: tensor<1x4x4x3xf32>) -> tensor<1x6x5x5xf32> {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  %t = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x5x6xf32>) -> tensor<1x6x5x5xf32>
  return %t : tensor<1x6x5x5xf32>
}

// -----

// A conv reading the NCHW -> NHWC transpose of an image of at most 4 channels reads the NCHW
// tensor itself: a ring of the R = 3 padded rows of one output row ([3, Wp * C] = [3, 21],
// zeroed once: its padding columns stay 0), filled at the start of each output row with the
// rows not already there (max(oh * 2, oh * 2 + 3 - 2) on, all three at oh = 0), each row read
// 4 floats per channel at a time (the tail of the 6-wide row masked) and interleaved into
// pixels x channels by one shuffle, a padding row cleared; the kernel reads row ih at ih mod 3.
// The transpose is gone.
// CHECK-LABEL: func.func @conv_staged_nchw_input
// CHECK-NOT: tosa.transpose
// CHECK: %[[RING:.*]] = linalg.fill {{.*}} -> tensor<3x21xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[RING]]) -> (tensor<1x3x3x8xf32>, tensor<3x21xf32>)
// CHECK: arith.maxsi
// CHECK: scf.for {{.*}} -> (tensor<3x21xf32>)
// CHECK: scf.if {{.*}} -> (tensor<3x21xf32>)
// CHECK: vector.transfer_read %arg0{{.*}} : tensor<1x3x5x6xf32>, vector<4xf32>
// CHECK: vector.shuffle {{.*}} [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11] : vector<12xf32>, vector<12xf32>
// CHECK: vector.transfer_write {{.*}} : vector<12xf32>, tensor<3x21xf32>
// CHECK: } else {
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<3x21xf32>
// CHECK: arith.remui %{{.*}}, %c3
// CHECK: tensor.extract {{.*}} : tensor<3x21xf32>
// CHECK: vector.fma
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @conv_staged_nchw_input(%x: tensor<1x3x5x6xf32>) -> tensor<1x3x3x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf32>) -> tensor<1x5x6x3xf32>
  %y = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 0>, stride = array<i64: 2, 2>}
     : (tensor<1x5x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}

// -----

// 4 channels: a transpose the tiled layout lowering would take (4 x 4 tiles here) is left to the
// conv, which reads its input through the ring ([2, 3 * 4]: a 2x2 kernel over 3 padded columns).
// CHECK-LABEL: func.func @conv_staged_four_channels
// CHECK-NOT: vector.transpose
// CHECK: linalg.fill {{.*}} -> tensor<2x12xf32>
// CHECK: vector.shuffle {{.*}} [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] : vector<16xf32>, vector<16xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @conv_staged_four_channels(%x: tensor<1x4x3x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<0.25> : tensor<2x2x2x4xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x3x2xf32>) -> tensor<1x3x2x4xf32>
  %y = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x3x2x4xf32>, tensor<2x2x2x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A transposed image that something else reads too stays a transpose (upstream's lowering of a
// 3-channel one) and the conv reads its padded copy.
// CHECK-LABEL: func.func @conv_shared_nchw_input
// CHECK: tosa.transpose
// CHECK-NOT: tensor<3x21xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x7x21xf32>
func.func @conv_shared_nchw_input(%x: tensor<1x3x5x6xf32>) -> (tensor<1x3x3x4xf32>, tensor<1x5x6x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf32>) -> tensor<1x5x6x3xf32>
  %y = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 0>, stride = array<i64: 2, 2>}
     : (tensor<1x5x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  return %y, %t : tensor<1x3x3x4xf32>, tensor<1x5x6x3xf32>
}

// -----

// A float Gemm head (tosa.matmul with a constant right operand) is the 1x1 conv of a 1 x M
// image: the weights transposed to [N][K], no bias.
// CHECK-LABEL: func.func @matmul
// CHECK: tensor.expand_shape {{.*}} output_shape [1, 1, 2, 16]
// CHECK: vector.fma
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x1x2x8xf32> into tensor<1x2x8xf32>
// CHECK-NOT: tosa.matmul
func.func @matmul(%a: tensor<1x2x16xf32>) -> tensor<1x2x8xf32> {
  %w = arith.constant dense<0.25> : tensor<1x16x8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp : (tensor<1x2x16xf32>, tensor<1x16x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x8xf32>
  return %y : tensor<1x2x8xf32>
}

// -----

// negative_: weights known only at run time stay a tosa.conv2d (upstream lowering).
// CHECK-LABEL: func.func @negative_runtime_weights
// CHECK: tosa.conv2d
func.func @negative_runtime_weights(%x: tensor<1x4x4x3xf32>, %w: tensor<6x2x2x3xf32>) -> tensor<1x5x5x6xf32> {
  %b = arith.constant dense<0.0> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  return %y : tensor<1x5x5x6xf32>
}

// -----

// An average pooling whose windows tile the input (kernel == stride, no padding) becomes one
// element-wise linalg.generic over the output: tap (kh, kw) is the slice at offset (kh, kw) with
// strides (2, 2), the 4 taps are summed in window order from 0 and divided by the count; other
// average poolings keep the upstream lowering.
// CHECK-LABEL: func.func @avg_pool_tiling
// CHECK: %[[T00:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 2, 3, 8] [1, 2, 2, 1]
// CHECK: %[[T01:.*]] = tensor.extract_slice %arg0[0, 0, 1, 0] [1, 2, 3, 8] [1, 2, 2, 1]
// CHECK: %[[T10:.*]] = tensor.extract_slice %arg0[0, 1, 0, 0] [1, 2, 3, 8] [1, 2, 2, 1]
// CHECK: %[[T11:.*]] = tensor.extract_slice %arg0[0, 1, 1, 0] [1, 2, 3, 8] [1, 2, 2, 1]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[T00]], %[[T01]], %[[T10]], %[[T11]] :
// CHECK: %[[S0:.*]] = arith.addf %{{.*}}, %[[A:.*]] : f32
// CHECK: %[[S1:.*]] = arith.addf %[[S0]], %{{.*}} : f32
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %{{.*}} : f32
// CHECK: %[[S3:.*]] = arith.addf %[[S2]], %{{.*}} : f32
// CHECK: arith.divf %[[S3]], %{{.*}} : f32
// CHECK-NOT: tosa.avg_pool2d
// CHECK-LABEL: func.func @avg_pool_padded
// CHECK: tosa.avg_pool2d
func.func @avg_pool_tiling(%x: tensor<1x4x6x8xf32>) -> tensor<1x2x3x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
     : (tensor<1x4x6x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3x8xf32>
  return %y : tensor<1x2x3x8xf32>
}

func.func @avg_pool_padded(%x: tensor<1x4x6x8xf32>) -> tensor<1x4x6x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x6x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x6x8xf32>
  return %y : tensor<1x4x6x8xf32>
}

// -----

// A max pooling (3x3 / 2, pad 1) reads its padded input through 9 strided slices; the padding
// is a fill with -inf (a pad never wins) and the input inserted into it, and the taps are
// combined in window order by TOSA's `m >= t ? m : t`, written `t > m ? t : m` (one maxps each),
// with NaN tracked apart: an
// unordered compare per pair of taps (5 for 9 taps), OR-ed, selects NaN at the end (TOSA's
// PROPAGATE). With stride 1 (2x2 on 5x5), the slices have the output's shape, not the input's.
// CHECK-LABEL: func.func @max_pool(
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x1x7x8xf32>)
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x1x7x8xf32>)
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x5x1x8xf32>)
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x5x1x8xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 1, 1, 0] [1, 5, 5, 8] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[P]][0, 0, 0, 0] [1, 3, 3, 8] [1, 2, 2, 1]
// CHECK: %[[T22:.*]] = tensor.extract_slice %[[P]][0, 2, 2, 0] [1, 3, 3, 8] [1, 2, 2, 1]
// CHECK: linalg.generic {{.*}} ins({{.*}}, %[[T22]] :
// CHECK: ^bb0(%[[A0:[^:]*]]: f32, %[[A1:[^:]*]]: f32,
// CHECK: %[[G:.*]] = arith.cmpf ogt, %[[A1]], %[[A0]] : f32
// CHECK: arith.select %[[G]], %[[A1]], %[[A0]] : f32
// CHECK-COUNT-7: arith.cmpf ogt
// CHECK-NOT: arith.maximumf
// CHECK: arith.cmpf uno, %[[A0]], %[[A1]] : f32
// CHECK-COUNT-4: arith.cmpf uno
// CHECK: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK: %[[R:.*]] = arith.select %{{.*}}, %[[NAN]], %{{.*}} : f32
// CHECK: linalg.yield %[[R]]
// CHECK-NOT: tosa.max_pool2d
// CHECK-LABEL: func.func @max_pool_stride1
// CHECK: tensor.extract_slice %arg0[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x5x5x8xf32> to tensor<1x4x4x8xf32>
// CHECK: linalg.generic
// CHECK-COUNT-3: arith.cmpf ogt
// CHECK-COUNT-2: arith.cmpf uno
func.func @max_pool(%x: tensor<1x5x5x8xf32>) -> tensor<1x3x3x8xf32> {
  %y = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
     : (tensor<1x5x5x8xf32>) -> tensor<1x3x3x8xf32>
  return %y : tensor<1x3x3x8xf32>
}

func.func @max_pool_stride1(%x: tensor<1x5x5x8xf32>) -> tensor<1x4x4x8xf32> {
  %y = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
     : (tensor<1x5x5x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// The conv's value read only by a max pool (the stem of ResNet and Bi-Real: 3x3/2, pad 1): the
// kernel writes the pooled [1, 3, 3, 8] tensor itself, never the 5x5 conv result. Each position
// (oh, ow) updates the windows that hold it, rows [ceil((oh + 1 - 3 + 1) / 2), floor((oh + 1) /
// 2) + 1) clamped to [0, 3) (and likewise columns): from -inf at the window's first position
// (max(ph * 2 - 1, 0), max(pw * 2 - 1, 0)), then m = (t > m or t is NaN) ? t : m.
// CHECK-LABEL: func.func @conv_max_pool
// CHECK: tensor.empty() : tensor<1x3x3x8xf32>
// CHECK: vector.fma
// CHECK: arith.ceildivsi
// CHECK: arith.floordivsi
// CHECK: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : vector<4xf32>
// CHECK: scf.for %[[PH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: arith.cmpi eq
// CHECK: scf.for %[[PW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: %[[FIRST:.*]] = arith.andi
// CHECK: %[[OLD:.*]] = vector.transfer_read {{.*}} : tensor<1x3x3x8xf32>, vector<4xf32>
// CHECK: %[[M:.*]] = arith.select %[[FIRST]], %[[NEGINF]], %[[OLD]] : vector<4xf32>
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[T:.*]], %[[M]] : vector<4xf32>
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[T]], %[[T]] : vector<4xf32>
// CHECK: %[[TAKE:.*]] = arith.ori %[[GT]], %[[NAN]] : vector<4xi1>
// CHECK: %[[R:.*]] = arith.select %[[TAKE]], %[[T]], %[[M]] : vector<4xi1>, vector<4xf32>
// CHECK: vector.transfer_write %[[R]], {{.*}} : vector<4xf32>, tensor<1x3x3x8xf32>
// CHECK-NOT: tensor<1x5x5x8xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 3, 3, 6] [1, 1, 1, 1]
// CHECK-NOT: tosa.max_pool2d
// CHECK-NOT: linalg.generic
func.func @conv_max_pool(%x: tensor<1x4x4x3xf32>) -> tensor<1x3x3x6xf32> {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  %p = tosa.max_pool2d %y {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
     : (tensor<1x5x5x6xf32>) -> tensor<1x3x3x6xf32>
  return %p : tensor<1x3x3x6xf32>
}

// -----

// A max pool that does not own the conv's value (here also returned), or that ignores NaN,
// stays a pooling of its own (LowerMaxPool's window generic) after a kernel that writes the
// full-resolution result.
// CHECK-LABEL: func.func @conv_max_pool_shared
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x5x5x8xf32>
// CHECK: linalg.generic
// CHECK: arith.cmpf ogt
// CHECK-LABEL: func.func @conv_max_pool_ignore_nan
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x5x5x8xf32>
// CHECK: linalg.generic
// CHECK: arith.maxnumf
func.func @conv_max_pool_shared(%x: tensor<1x4x4x3xf32>) -> (tensor<1x3x3x6xf32>, tensor<1x5x5x6xf32>) {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  %p = tosa.max_pool2d %y {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
     : (tensor<1x5x5x6xf32>) -> tensor<1x3x3x6xf32>
  return %p, %y : tensor<1x3x3x6xf32>, tensor<1x5x5x6xf32>
}

func.func @conv_max_pool_ignore_nan(%x: tensor<1x4x4x3xf32>) -> tensor<1x3x3x6xf32> {
  %w = arith.constant dense<0.5> : tensor<6x2x2x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<6x2x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x6xf32>
  %p = tosa.max_pool2d %y {kernel = array<i64: 3, 3>, nan_mode = IGNORE, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
     : (tensor<1x5x5x6xf32>) -> tensor<1x3x3x6xf32>
  return %p : tensor<1x3x3x6xf32>
}

// -----

// A concatenation of more than 32 inputs becomes a tree of tensor.concat ops of at most 32
// inputs each (upstream's bufferization analysis grows steeply with the length of one
// concatenation's insert chain); 32 inputs or fewer stay as they are.
// CHECK-LABEL: func.func @wide_concat
// CHECK: %[[A:.*]] = tensor.concat dim(1) %arg0, {{.*}}, %arg31 : ({{.*}}) -> tensor<1x64xf32>
// CHECK: %[[B:.*]] = tensor.concat dim(1) %arg32, {{.*}}, %arg39 : ({{.*}}) -> tensor<1x16xf32>
// CHECK: %[[R:.*]] = tensor.concat dim(1) %[[A]], %[[B]] : (tensor<1x64xf32>, tensor<1x16xf32>) -> tensor<1x80xf32>
// CHECK-NOT: tosa.concat
// CHECK: return %[[R]]
func.func @wide_concat(%a0: tensor<1x2xf32>, %a1: tensor<1x2xf32>, %a2: tensor<1x2xf32>, %a3: tensor<1x2xf32>, %a4: tensor<1x2xf32>, %a5: tensor<1x2xf32>, %a6: tensor<1x2xf32>, %a7: tensor<1x2xf32>, %a8: tensor<1x2xf32>, %a9: tensor<1x2xf32>, %a10: tensor<1x2xf32>, %a11: tensor<1x2xf32>, %a12: tensor<1x2xf32>, %a13: tensor<1x2xf32>, %a14: tensor<1x2xf32>, %a15: tensor<1x2xf32>, %a16: tensor<1x2xf32>, %a17: tensor<1x2xf32>, %a18: tensor<1x2xf32>, %a19: tensor<1x2xf32>, %a20: tensor<1x2xf32>, %a21: tensor<1x2xf32>, %a22: tensor<1x2xf32>, %a23: tensor<1x2xf32>, %a24: tensor<1x2xf32>, %a25: tensor<1x2xf32>, %a26: tensor<1x2xf32>, %a27: tensor<1x2xf32>, %a28: tensor<1x2xf32>, %a29: tensor<1x2xf32>, %a30: tensor<1x2xf32>, %a31: tensor<1x2xf32>, %a32: tensor<1x2xf32>, %a33: tensor<1x2xf32>, %a34: tensor<1x2xf32>, %a35: tensor<1x2xf32>, %a36: tensor<1x2xf32>, %a37: tensor<1x2xf32>, %a38: tensor<1x2xf32>, %a39: tensor<1x2xf32>) -> tensor<1x80xf32> {
  %r = tosa.concat %a0, %a1, %a2, %a3, %a4, %a5, %a6, %a7, %a8, %a9, %a10, %a11, %a12, %a13, %a14, %a15, %a16, %a17, %a18, %a19, %a20, %a21, %a22, %a23, %a24, %a25, %a26, %a27, %a28, %a29, %a30, %a31, %a32, %a33, %a34, %a35, %a36, %a37, %a38, %a39 {axis = 1 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x80xf32>
  return %r : tensor<1x80xf32>
}

// CHECK-LABEL: func.func @narrow_concat
// CHECK: tosa.concat
// CHECK-NOT: tensor.concat
func.func @narrow_concat(%a: tensor<1x2xf32>, %b: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %r = tosa.concat %a, %b {axis = 1 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// A layout transpose NHWC -> NCHW of f32 is a batched transpose of [N, H * W, C] into
// [N, C, H * W] in tiles of F x F floats (F = 4 here): read, vector.transpose, write. 6 pixels
// are not a multiple of 4: the tiles along them are masked (in_bounds false).
// CHECK-LABEL: func.func @layout_to_nchw
// CHECK: %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<1x2x3x8xf32> into tensor<1x6x8xf32>
// CHECK: scf.for
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %[[C4]] iter_args
// CHECK: %[[C4B:.*]] = arith.constant 4 : index
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step %[[C4B]] iter_args
// CHECK: %[[T:.*]] = vector.transfer_read %[[X]][%{{.*}}, %[[R]], %[[S]]], %{{.*}} {in_bounds = [false, true]} : tensor<1x6x8xf32>, vector<4x4xf32>
// CHECK: %[[TT:.*]] = vector.transpose %[[T]], [1, 0] : vector<4x4xf32> to vector<4x4xf32>
// CHECK: vector.transfer_write %[[TT]], %{{.*}}[%{{.*}}, %[[S]], %[[R]]] {in_bounds = [true, false]} : vector<4x4xf32>, tensor<1x8x6xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 8, 2, 3] : tensor<1x8x6xf32> into tensor<1x8x2x3xf32>
func.func @layout_to_nchw(%x: tensor<1x2x3x8xf32>) -> tensor<1x8x2x3xf32> {
  %0 = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x3x8xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// -----

// NCHW -> NHWC, the other way round: [N, C, H * W] into [N, H * W, C].
// CHECK-LABEL: func.func @layout_to_nhwc
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<2x4x2x2xf32> into tensor<2x4x4xf32>
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true, true]} : tensor<2x4x4xf32>, vector<4x4xf32>
// CHECK: vector.transpose
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true, true]} : vector<4x4xf32>, tensor<2x4x4xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 2, 4] : tensor<2x4x4xf32> into tensor<2x2x2x4xf32>
func.func @layout_to_nhwc(%x: tensor<2x4x2x2xf32>) -> tensor<2x2x2x4xf32> {
  %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x4x2x2xf32>) -> tensor<2x2x2x4xf32>
  return %0 : tensor<2x2x2x4xf32>
}

// -----

// Fewer channels than one tile (an RGB image), another permutation, or integers: upstream's
// lowering.
// CHECK-LABEL: func.func @negative_transposes
// CHECK-COUNT-3: tosa.transpose
// CHECK-NOT: vector.transpose
func.func @negative_transposes(%x: tensor<1x3x8x8xf32>, %y: tensor<1x4x4x4xf32>, %z: tensor<1x4x4x4xi32>) -> (tensor<1x8x8x3xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xi32>) {
  %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
  %1 = tosa.transpose %y {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %2 = tosa.transpose %z {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  return %0, %1, %2 : tensor<1x8x8x3xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xi32>
}

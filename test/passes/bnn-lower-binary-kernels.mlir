// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=3 narrow-words=false word-blocks=false" -split-input-file -verify-diagnostics | FileCheck %s
// The functions here check the kernel on 64-bit words (narrow-words=false); a layer with at most
// 32 input channels otherwise works on 32-bit words: bnn-lower-binary-kernels-narrow.mlir.

// A bipolar conv with its output transform: one kernel. Weights [O=4][KH=2][KW=1][1 word] are
// re-laid out as [O/4][KH][KW*words][4] (one block of lanes * vectors = 4 channels); the top
// padding row is packed as +1 and corrected by the base table [row class][col class][O]:
// class 0 (first row: tap kh=0 padded) has base = 3 * 1 + 2 * popcount(w[o][0]).
// A row of 4 runs as a block of 3 pixels and one single pixel (as cheap as two blocks of 2 by
// the kernel's cost estimate). The reduction carries pixels * vectors = 3 * 2 accumulators of
// vector<2xi64>; the epilogue
// truncates both vectors of the block to i32 and joins them (4 consecutive channels: the even
// i32 lanes of the two vectors' bitcasts, one shuffle), and
// computes y = mul * (base - 2A) + bias folded as (-2 mul) * A + (mul * base + bias) on those 4
// lanes in registers (a contractible multiply-add) and writes the floats once per position.
// The folded bias replaces the integer base table: per class, mul * base + bias of the bases
// [[5, 7, 7, 9]] (class 0) and [[6, 6, 6, 6]] (class 1).
// CHECK-LABEL: func.func @conv_affine
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1, 3, 5, 7]], {{\[\[}}2, 4, 6, 0]]]]> : tensor<1x2x1x4xi64>
// CHECK-DAG: arith.constant dense<[-1.000000e+00, -2.000000e+00, -4.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: arith.constant dense<{{\[\[\[}}2.500000e+00, 8.000000e+00, 1.400000e+01, -1.000000e+01]], {{\[\[}}3.000000e+00, 7.000000e+00, 1.200000e+01, -7.000000e+00]]]> : tensor<2x1x4xf32>
// CHECK-NOT: tensor<2x1x4xi64>
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : tensor<1x1x4x1xi64>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 1, 0, 0] [1, 4, 4, 1]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<2xi64>, vector<2xi64>, vector<2xi64>, vector<2xi64>, vector<2xi64>, vector<2xi64>)
// CHECK: scf.for
// CHECK: %[[W0:.*]] = vector.transfer_read {{.*}} : tensor<1x2x1x4xi64>, vector<2xi64>
// CHECK: %[[W1:.*]] = vector.transfer_read {{.*}} : tensor<1x2x1x4xi64>, vector<2xi64>
// CHECK: %[[X:.*]] = tensor.extract
// CHECK: %[[BX:.*]] = vector.broadcast %[[X]] : i64 to vector<2xi64>
// CHECK: %[[D:.*]] = arith.xori %[[BX]], %[[W0]] : vector<2xi64>
// CHECK: %[[P:.*]] = math.ctpop %[[D]] : vector<2xi64>
// CHECK: arith.addi %{{.*}}, %[[P]] : vector<2xi64>
// CHECK: scf.yield
// CHECK-NOT: arith.shli
// CHECK: %[[B0:.*]] = vector.bitcast {{.*}} : vector<2xi64> to vector<4xi32>
// CHECK: %[[B1:.*]] = vector.bitcast {{.*}} : vector<2xi64> to vector<4xi32>
// CHECK: %[[A:.*]] = vector.shuffle %[[B0]], %[[B1]] [0, 2, 4, 6] : vector<4xi32>, vector<4xi32>
// CHECK: arith.sitofp %[[A]] : vector<4xi32> to vector<4xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<2x1x4xf32>, vector<4xf32>
// CHECK: arith.mulf {{.*}} fastmath<contract> : vector<4xf32>
// CHECK: arith.addf {{.*}} fastmath<contract> : vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x4x4x4xf32>
// CHECK-NOT: bnn.
func.func @conv_affine(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1]],[[2]]],[[[3]],[[4]]],[[[5]],[[6]]],[[[7]],[[0]]]]> : tensor<4x2x1x1xi64>
  %mul = arith.constant dense<[0.5, 1.0, 2.0, -1.0]> : tensor<4xf32>
  %bias = arith.constant dense<[0.0, 1.0, 0.0, -1.0]> : tensor<4xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<4x2x1x1xi64>) -> tensor<1x4x4x4xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x4x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Faithful input (no `bipolar`): a per-input-row flag (OR of m ^ expected over the row's
// W * words contiguous words, 2 words at a time, with the expected words repeated) picks,
// per output row, the exact masked loop (broadcast m & s and m: m & (s ^ w) = (m&s) ^ (m&w),
// and a scalar popcount(m) for the valid taps) or the bipolar loop. The threshold epilogue
// compares d with the per-channel thresholds and ORs the lane bits into the packed words.
// 6 channels pad to 8: the padded channels get thresholds that give 0 (both bits 0).
// CHECK-LABEL: func.func @conv_threshold
// CHECK-DAG: arith.constant dense<[-1, 68719476735, -1, 68719476735, -1, 68719476735, -1, 68719476735, -1, 68719476735]> : tensor<10xi64>
// CHECK-DAG: arith.constant dense<[-3, 0, 1, 2, -100, 5, -9223372036854775808, -9223372036854775808]> : tensor<8xi64>
// CHECK-DAG: arith.constant dense<[-3, 1, 1, 3, 100, 5, 9223372036854775807, 9223372036854775807]> : tensor<8xi64>
// CHECK: tensor.collapse_shape {{.*}} into tensor<3x10xi64>
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<3x10xi64>, vector<2xi64>
// CHECK: arith.xori {{.*}} : vector<2xi64>
// CHECK: arith.ori {{.*}} : vector<2xi64>
// CHECK: vector.reduction <or>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ZERO:.*]] = arith.cmpi ne
// CHECK: scf.if %[[ZERO]]
// CHECK: %[[MS:.*]] = arith.andi %{{.*}}, %{{.*}} : i64
// CHECK: vector.broadcast %[[MS]] : i64 to vector<2xi64>
// CHECK: arith.andi {{.*}} : vector<2xi64>
// CHECK: arith.xori {{.*}} : vector<2xi64>
// CHECK: math.ctpop {{.*}} : vector<2xi64>
// CHECK: math.ctpop {{.*}} : i64
// CHECK: arith.cmpi slt, {{.*}} : vector<2xi64>
// CHECK: arith.cmpi sge, {{.*}} : vector<2xi64>
// CHECK: vector.bitcast {{.*}} : vector<2xi1> to vector<1xi2>
// CHECK: tensor.insert
// CHECK: } else {
// CHECK-NOT: arith.andi {{.*}} : vector<2xi64>
// CHECK: math.ctpop {{.*}} : vector<2xi64>
// CHECK-NOT: bnn.
func.func @conv_threshold(%s: tensor<1x3x5x2xi64>, %m: tensor<1x3x5x2xi64>) -> (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>) {
  %w = arith.constant dense<7> : tensor<6x3x3x2xi64>
  %low = arith.constant dense<[-3, 0, 1, 2, -100, 5]> : tensor<6xi32>
  %high = arith.constant dense<[-3, 1, 1, 3, 100, 5]> : tensor<6xi32>
  %desc = arith.constant dense<[false, false, true, false, true, false]> : tensor<6xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 100 : i64, pad = array<i64: 1, 1, 1, 1>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x3x5x2xi64>, tensor<1x3x5x2xi64>, tensor<6x3x3x2xi64>) -> tensor<1x3x5x6xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x3x5x6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi1>) -> (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>)
  return %bs, %bm : tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>
}

// -----

// bmatmul is a 1x1 conv over a B x 1 x M image; its raw integer result is sliced back from the
// padded channel count (10 -> 12) and reshaped. Without padding the base is the constant k.
// CHECK-LABEL: func.func @bmatmul_raw
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] output_shape [1, 1, 4, 2]
// CHECK: arith.constant dense<100> : vector<2xi64>
// CHECK: arith.trunci {{.*}} : vector<2xi64> to vector<2xi32>
// CHECK: vector.transfer_write {{.*}} : vector<2xi32>, tensor<1x1x4x12xi32>
// CHECK: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 1, 4, 10] [1, 1, 1, 1]
// CHECK: tensor.collapse_shape {{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<1x1x4x10xi32> into tensor<1x4x10xi32>
func.func @bmatmul_raw(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>) -> tensor<1x4x10xi32> {
  %w = arith.constant dense<5> : tensor<10x2xi64>
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64, bipolar} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

// negative_: weights known only at run time cannot be re-laid out at compile time; the layer
// is left to bnn-lower-to-linalg's reference lowering.
// CHECK-LABEL: func.func @negative_runtime_weights
// CHECK: bnn.bmatmul
func.func @negative_runtime_weights(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>, %w: tensor<10x2xi64>) -> tensor<1x4x10xi32> {
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<10x2xi64>) -> tensor<1x4x10xi32>
  return %0 : tensor<1x4x10xi32>
}

// -----

// negative_: an output transform with two users of the integer result stays a separate op.
// CHECK-LABEL: func.func @negative_shared_result
// CHECK: vector.transfer_write {{.*}} : vector<2xi32>
// CHECK: bnn.output_transform
func.func @negative_shared_result(%s: tensor<1x4x2xi64>, %m: tensor<1x4x2xi64>) -> (tensor<1x4x4xf32>, tensor<1x4x4xi32>) {
  %w = arith.constant dense<5> : tensor<4x2xi64>
  %mul = arith.constant dense<1.0> : tensor<4xf32>
  %0 = bnn.bmatmul %s, %m, %w {k = 100 : i64, bipolar} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>, tensor<4x2xi64>) -> tensor<1x4x4xi32>
  %1 = bnn.output_transform %0, %mul, %mul : (tensor<1x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  return %1, %0 : tensor<1x4x4xf32>, tensor<1x4x4xi32>
}

// -----

// The output transform's result feeds only the graph output's NHWC -> NCHW transpose: the
// kernel writes NCHW itself, and the transpose is gone. The block's 3 pixels x 4 channels
// (one vector per pixel: the two vectors of 2 lanes truncated and joined) are padded to 4 rows and
// transposed by two stages of interleaves (row k with row k + 2); each result row is then one
// channel's pixels, stored with a mask of the 3 real ones. The last pixel (4 = 3 + 1) is a
// one-pixel block: element by element.
// CHECK-LABEL: func.func @conv_affine_nchw_output
// CHECK: tensor.empty() : tensor<1x4x3x4xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6] : vector<4xi32>, vector<4xi32>
// CHECK: %[[LO:.*]] = vector.shuffle %[[R0:.*]], %[[R2:.*]] [0, 4, 1, 5] : vector<4xf32>, vector<4xf32>
// CHECK: %[[HI:.*]] = vector.shuffle %[[R0]], %[[R2]] [2, 6, 3, 7] : vector<4xf32>, vector<4xf32>
// CHECK: vector.shuffle %{{.*}}, %[[ZERO:.*]] [0, 4, 1, 5]
// CHECK: %[[C0:.*]] = vector.shuffle %[[LO]], %{{.*}} [0, 4, 1, 5]
// CHECK: %[[M:.*]] = vector.constant_mask [3] : vector<4xi1>
// CHECK: vector.transfer_write %[[C0]], %{{.*}}, %[[M]] {in_bounds = [true]} : vector<4xf32>, tensor<1x4x3x4xf32>
// CHECK-COUNT-3: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x4x3x4xf32>
// CHECK: scf.for
// CHECK-COUNT-4: tensor.insert {{.*}} : tensor<1x4x3x4xf32>
// CHECK-NOT: vector.transpose
// CHECK-NOT: tosa.transpose
func.func @conv_affine_nchw_output(%s: tensor<1x3x4x1xi64>, %m: tensor<1x3x4x1xi64>) -> tensor<1x4x3x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x3x4x1xi64>, tensor<1x3x4x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x3x4x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x3x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x3x4x4xf32>
  %t = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x3x4xf32>
  return %t : tensor<1x4x3x4xf32>
}

// -----

// bnn.pack of the NHWC transpose of an NCHW binarize: the bits come from the NCHW tensor
// itself, per channel for a vector of positions (bit c set with a select of 1 << c), the 3 x 5
// positions taken as one run of 15 in both layouts; binarize's threshold and tie become the
// compares (tie 0: sign x < t, mask x != t). Channels 0-31 and 32-63 gather their bits in i32
// lanes (4 positions per vector at lanes=2; the channel's bit carried through the loop and
// doubled each step), joined into the i64 words. The last positions
// (15 = 3 * 4 + 3) are read out of bounds, padded, and only the real ones are stored.
// CHECK-LABEL: func.func @pack_nchw
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<1x64x3x5xf32> into tensor<1x64x15xf32>
// CHECK: %[[ONE:.*]] = arith.constant dense<1> : vector<4xi32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12 step %c4
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32{{.*}} iter_args({{.*}}, %[[BIT:[^ ]*]] = %[[ONE]])
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x64x15xf32>, vector<4xf32>
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf une
// CHECK: arith.select %{{.*}}, %[[BIT]], %{{.*}} : vector<4xi1>, vector<4xi32>
// CHECK: %[[NEXT:.*]] = arith.addi %[[BIT]], %[[BIT]] : vector<4xi32>
// CHECK: scf.yield {{.*}}, %[[NEXT]]
// CHECK: scf.for %{{.*}} = %c32{{.*}} to %c64
// CHECK: arith.extui {{.*}} : vector<4xi32> to vector<4xi64>
// CHECK: arith.shli {{.*}} : vector<4xi64>
// CHECK: tensor.insert
// CHECK: vector.transfer_read {{.*}} : tensor<1x64x15xf32>, vector<4xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<1x3x5x1xi64>
// CHECK-NOT: tosa.transpose
// CHECK-NOT: bnn.
func.func @pack_nchw(%x: tensor<1x64x3x5xf32>) -> (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>) {
  %b = bnn.binarize %x {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x64x3x5xf32>
  %t = tosa.transpose %b {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x64x3x5xf32>) -> tensor<1x3x5x64xf32>
  %s, %m = bnn.pack %t : tensor<1x3x5x64xf32> -> tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>
  return %s, %m : tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>
}

// -----

// bnn.pack of channels-innermost values: 8 consecutive channels compared at once give a byte
// of the word (vector.bitcast of the i1 lanes); tie +1 (bipolar) makes every mask bit 1.
// CHECK-LABEL: func.func @pack_nhwc
// CHECK: tensor.collapse_shape {{.*}} into tensor<4x16xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<4x16xf32>, vector<8xf32>
// CHECK: arith.cmpf olt
// CHECK: vector.bitcast {{.*}} : vector<8xi1> to vector<1xi8>
// CHECK: arith.shli
// CHECK: tensor.insert
// CHECK-NOT: bnn.
func.func @pack_nhwc(%x: tensor<1x2x2x16xf32>) -> (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>) {
  %b = bnn.binarize %x {thresholds = dense<0.25> : tensor<1xf32>, tie = #bnn<tie positive>} : tensor<1x2x2x16xf32>
  %s, %m = bnn.pack %b : tensor<1x2x2x16xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  return %s, %m : tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
}

// -----

// negative_: channels that are not whole bytes keep the reference lowering.
// CHECK-LABEL: func.func @negative_pack_odd_channels
// CHECK: bnn.pack
func.func @negative_pack_odd_channels(%x: tensor<1x2x2x3xf32>) -> (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>) {
  %s, %m = bnn.pack %x : tensor<1x2x2x3xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  return %s, %m : tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
}

// -----

// A pack of a float conv's value (through its binarize) is left to the float conv kernel,
// which packs in its epilogue (bnn-lower-float-convs).
// CHECK-LABEL: func.func @pack_of_float_conv
// CHECK: tosa.conv2d
// CHECK: bnn.binarize
// CHECK: bnn.pack
func.func @pack_of_float_conv(%x: tensor<1x4x4x3xf32>) -> (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>) {
  %w = arith.constant dense<0.5> : tensor<16x2x2x3xf32>
  %b = arith.constant dense<0.0> : tensor<16xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
     : (tensor<1x4x4x3xf32>, tensor<16x2x2x3xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x16xf32>
  %t = bnn.binarize %y {thresholds = dense<0.0> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x3x3x16xf32>
  %s, %m = bnn.pack %t : tensor<1x3x3x16xf32> -> tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
  return %s, %m : tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>
}

// -----

// Ternary weights: zero_taps 5 (o = 0, tap (0, 1), c = 2) and 9 (o = 0, tap (1, 1), c = 0)
// with KH = KW = 2, C = 3. A sparse loop over the zero taps and the output positions reads each
// tap's input value x = m * (1 - 2s) (0 outside the input) into an i32 correction, which the
// epilogue subtracts: the zero weights were packed as +1.
// CHECK-LABEL: func.func @conv_ternary
// CHECK-DAG: arith.constant dense<[0, 1]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK: linalg.fill {{.*}} -> tensor<1x3x3x4xi32>
// CHECK: scf.for {{.*}} -> (tensor<1x3x3x4xi32>)
// CHECK: scf.for {{.*}} -> (tensor<1x3x3x4xi32>)
// CHECK: arith.shrui
// CHECK: arith.select
// CHECK: tensor.insert {{.*}} : tensor<1x3x3x4xi32>
// CHECK: math.ctpop
// CHECK: vector.transfer_read {{.*}} : tensor<1x3x3x4xi32>, vector<2xi32>
// CHECK: arith.extsi {{.*}} : vector<2xi32> to vector<2xi64>
// CHECK: arith.subi {{.*}} : vector<2xi64>
func.func @conv_ternary(%s: tensor<1x3x3x1xi64>, %m: tensor<1x3x3x1xi64>) -> tensor<1x3x3x2xi32> {
  %w = arith.constant dense<1> : tensor<2x2x2x1xi64>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 1, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, zero_taps = array<i64: 5, 9>}
     : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x2x2x1xi64>) -> tensor<1x3x3x2xi32>
  return %d : tensor<1x3x3x2xi32>
}

// -----

// Element-wise steps after the output transform (a residual Add, RPReLU's shift and PReLU with
// per-channel slopes) run on the accumulators' floats in registers: their bodies are cloned on
// vectors of the block's 4 channels, the residual read at the output position, the slopes per
// channel. The
// kernel writes only the last value; no linalg.generic is left between.
// CHECK-LABEL: func.func @conv_epilogue_chain
// CHECK-SAME: (%{{.*}}: tensor<1x2x4x1xi64>, %{{.*}}: tensor<1x2x4x1xi64>, %[[RES:.*]]: tensor<1x2x4x4xf32>)
// CHECK: arith.sitofp
// CHECK: arith.mulf {{.*}} : vector<4xf32>
// CHECK: arith.addf {{.*}} : vector<4xf32>
// CHECK: %[[R:.*]] = vector.transfer_read %[[RES]]{{.*}} : tensor<1x2x4x4xf32>, vector<4xf32>
// CHECK: arith.addf %{{.*}}, %[[R]] : vector<4xf32>
// CHECK: arith.cmpf olt, {{.*}} : vector<4xf32>
// CHECK: arith.select {{.*}} : vector<4xi1>, vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x2x4x4xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, d3)>
func.func @conv_epilogue_chain(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>, %res: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %slope = arith.constant dense<[[[[0.1, 0.2, 0.3, 0.4]]]]> : tensor<1x1x1x4xf32>
  %zero = arith.constant 0.0 : f32
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x2x4x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x2x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %res : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %r: f32, %o: f32):
    %0 = arith.addf %a, %r : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4x4xf32>
  %act = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%sum, %slope : tensor<1x2x4x4xf32>, tensor<1x1x1x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %k: f32, %o: f32):
    %lt = arith.cmpf olt, %a, %zero : f32
    %p = arith.mulf %a, %k : f32
    %0 = arith.select %lt, %p, %a : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4x4xf32>
  return %act : tensor<1x2x4x4xf32>
}

// -----

// A residual that is a 2x2/2 average pool read by the chain alone (ReActNet's downsampling
// shortcut) is computed in the epilogue from the pool's window, in tosa-to-linalg's order:
// (((0 + x00) + x01) + x10) + x11, divided by 4; the pool is left without a reader.
// CHECK-LABEL: func.func @conv_epilogue_avg_pool
// CHECK-SAME: (%{{.*}}: tensor<1x2x4x1xi64>, %{{.*}}: tensor<1x2x4x1xi64>, %[[X:.*]]: tensor<1x4x8x4xf32>)
// CHECK: arith.sitofp
// CHECK: %[[A:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x4x8x4xf32>, vector<4xf32>
// CHECK: %[[S1:.*]] = arith.addf %{{.*}}, %[[A]] : vector<4xf32>
// CHECK: %[[B:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x4x8x4xf32>, vector<4xf32>
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %[[B]] : vector<4xf32>
// CHECK: %[[C:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x4x8x4xf32>, vector<4xf32>
// CHECK: %[[S3:.*]] = arith.addf %[[S2]], %[[C]] : vector<4xf32>
// CHECK: %[[D:.*]] = vector.transfer_read %[[X]]{{.*}} : tensor<1x4x8x4xf32>, vector<4xf32>
// CHECK: %[[S4:.*]] = arith.addf %[[S3]], %[[D]] : vector<4xf32>
// CHECK: %[[P:.*]] = arith.divf %[[S4]], %{{.*}} : vector<4xf32>
// CHECK: arith.addf %{{.*}}, %[[P]] : vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x2x4x4xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
#ida = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_epilogue_avg_pool(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>, %x: tensor<1x4x8x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %pool = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4x4xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x2x4x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x2x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %sum = linalg.generic {indexing_maps = [#ida, #ida, #ida], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %pool : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %r: f32, %o: f32):
    %0 = arith.addf %a, %r : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4x4xf32>
  return %sum : tensor<1x2x4x4xf32>
}

// -----

// negative_: a step that reduces (or reads another position) is not element-wise: the chain
// stops before it and the kernel writes the transform's result.
// CHECK-LABEL: func.func @negative_epilogue_reduction
// CHECK: vector.transfer_write
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#red = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
func.func @negative_epilogue_reduction(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>) -> tensor<1x2x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x2x4x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x2x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #red], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%y : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %o : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4xf32>
  return %r : tensor<1x2x4xf32>
}

// -----

// The residual of a fused Add may be computed after the binary layer (Bi-Real's float shortcut
// conv often is): the kernel is built where the last op it replaces stands, after that value.
// CHECK-LABEL: func.func @conv_epilogue_late_residual
// CHECK: %[[LATE:.*]] = linalg.generic
// CHECK: arith.mulf {{.*}} : f32
// CHECK: scf.for
// CHECK: vector.transfer_read %[[LATE]]
#idl = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_epilogue_late_residual(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>, %x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %two = arith.constant 2.0 : f32
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x2x4x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x2x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %late = linalg.generic {indexing_maps = [#idl, #idl], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.mulf %a, %two : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4x4xf32>
  %sum = linalg.generic {indexing_maps = [#idl, #idl, #idl], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %late : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %r: f32, %o: f32):
    %0 = arith.addf %a, %r : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x4x4xf32>
  return %sum : tensor<1x2x4x4xf32>
}

// -----

// bnn.pack through a binarize with one threshold per channel (ReActNet's RSign): each group of
// 8 channels is compared with a constant vector of its 8 thresholds; the binarize is not
// materialized.
// CHECK-LABEL: func.func @pack_nhwc_per_channel
// CHECK-DAG: arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00]> : vector<8xf32>
// CHECK-DAG: arith.constant dense<[8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01]> : vector<8xf32>
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf une
// CHECK-NOT: bnn.
func.func @pack_nhwc_per_channel(%x: tensor<1x2x2x16xf32>) -> (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>) {
  %b = bnn.binarize %x {thresholds = dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x16xf32>
  %s, %m = bnn.pack %b : tensor<1x2x2x16xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  return %s, %m : tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
}

// -----

// A conv whose epilogue result (after a residual add) is both returned and binarized + packed
// for the next layer: the kernel writes the floats and ORs the bits of the binarize (per-channel
// thresholds, sign y < t, mask y != t) into two planes, which replace the pack; neither the
// binarize nor the pack remains. The planes are not filled: the block at bit 0 of a word starts
// it from 0 (select(bit == 0, 0, old)), and the others, later in the row's channel loop, OR into
// it. 6 channels pad to 8: the padding channels' bits are masked off (0x3 of the second block
// of 4).
// CHECK-LABEL: func.func @conv_affine_packs_next
// CHECK-DAG: arith.constant dense<[15, 3]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>
// CHECK: bufferization.alloc_tensor() : tensor<1x2x2x1xi64>
// CHECK-NEXT: bufferization.alloc_tensor() : tensor<1x2x2x1xi64>
// CHECK-NOT: linalg.fill
// CHECK: scf.for
// CHECK: arith.sitofp
// CHECK: arith.addf {{.*}} : vector<2xf32>
// CHECK: arith.cmpf olt, {{.*}} : vector<2xf32>
// CHECK: arith.cmpf une, {{.*}} : vector<2xf32>
// CHECK: vector.transfer_write {{.*}} : vector<2xf32>, tensor<1x2x2x8xf32>
// CHECK: arith.andi
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %{{.*}}, %[[Z:c0_i64[_0-9]*]]
// CHECK: %[[OLD:.*]] = tensor.extract
// CHECK: %[[START:.*]] = arith.select %[[FIRST]], %[[Z]], %[[OLD]] : i64
// CHECK: arith.ori %[[START]]
// CHECK: tensor.insert
// CHECK-NOT: bnn.
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x2x2x6xf32>, tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_affine_packs_next(%s: tensor<1x2x2x1xi64>, %m: tensor<1x2x2x1xi64>, %r: tensor<1x2x2x6xf32>)
    -> (tensor<1x2x2x6xf32>, tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>) {
  %w = arith.constant dense<[[[[1]]],[[[2]]],[[[3]]],[[[4]]],[[[5]]],[[[6]]]]> : tensor<6x1x1x1xi64>
  %mul = arith.constant dense<[0.5, 1.0, 2.0, -1.0, 1.0, 1.0]> : tensor<6xf32>
  %bias = arith.constant dense<[0.0, 1.0, 0.0, -1.0, 0.5, 0.5]> : tensor<6xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 5 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<6x1x1x1xi64>) -> tensor<1x2x2x6xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x2x2x6xi32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x2x2x6xf32>
  %e = tensor.empty() : tensor<1x2x2x6xf32>
  %z = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %r : tensor<1x2x2x6xf32>, tensor<1x2x2x6xf32>) outs(%e : tensor<1x2x2x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %sum = arith.addf %a, %b : f32
    linalg.yield %sum : f32
  } -> tensor<1x2x2x6xf32>
  %bz = bnn.binarize %z {thresholds = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>, tie = #bnn<tie zero>} : tensor<1x2x2x6xf32>
  %ps, %pm = bnn.pack %bz : tensor<1x2x2x6xf32> -> tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
  return %z, %ps, %pm : tensor<1x2x2x6xf32>, tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>
}

// -----

// 6 output channels in blocks of 4: the last block passes O, so the affine epilogue stays per
// vector of 2 lanes (a 4-lane epilogue would read the epilogue's operands beyond channel 6).
// CHECK-LABEL: func.func @conv_affine_partial_block
// CHECK-NOT: vector.shuffle
// CHECK: arith.sitofp {{.*}} : vector<2xi32> to vector<2xf32>
// CHECK: vector.transfer_write {{.*}} : vector<2xf32>, tensor<1x2x2x8xf32>
func.func @conv_affine_partial_block(%s: tensor<1x2x2x1xi64>, %m: tensor<1x2x2x1xi64>) -> tensor<1x2x2x6xf32> {
  %w = arith.constant dense<1> : tensor<6x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<6xf32>
  %bias = arith.constant dense<0.25> : tensor<6xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 8 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x2x1xi64>, tensor<1x2x2x1xi64>, tensor<6x1x1x1xi64>) -> tensor<1x2x2x6xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x2x2x6xi32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x2x2x6xf32>
  return %y : tensor<1x2x2x6xf32>
}

// -----

// A result read, besides the fused pack, only by an average pool whose 2x2 windows tile it
// (ReActNet's downsampling shortcut): the kernel writes the pooled result, each pixel adding to
// its window's sum in tosa-to-linalg's order. The first pixel of a window (even row, even
// column) starts from 0 + y, the others add y to the stored sum, the last (odd row, odd
// column) divides by 4. The full-resolution result is never written. A second layer whose
// residual is the pool reads the pooled result (not the window, as it would for a pool that no
// kernel writes).
// CHECK-LABEL: func.func @conv_epilogue_pools
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<1x2x3x4xf32>
// CHECK: %[[RH:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK: %[[RW:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK: %[[PH:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[PW:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[OLD:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[PH]], %[[PW]], %{{.*}}], %{{.*}} : tensor<1x2x3x4xf32>, vector<4xf32>
// CHECK: %[[START:.*]] = arith.select %{{.*}}, %{{.*}}, %[[OLD]] : vector<4xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[START]], %{{.*}} : vector<4xf32>
// CHECK: %[[AVG:.*]] = arith.divf %[[SUM]], %{{.*}} : vector<4xf32>
// CHECK: %[[V:.*]] = arith.select %{{.*}}, %[[AVG]], %[[SUM]] : vector<4xf32>
// CHECK: vector.transfer_write %[[V]], %{{.*}}[%{{.*}}, %[[PH]], %[[PW]], %{{.*}}] {{.*}} : vector<4xf32>, tensor<1x2x3x4xf32>
// CHECK-NOT: tosa.avg_pool2d
// CHECK-NOT: tensor<1x4x6x4xf32>
// CHECK: return
#idp = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_epilogue_pools(%s: tensor<1x4x6x1xi64>, %m: tensor<1x4x6x1xi64>) -> tensor<1x2x3x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x4x6x1xi64>, tensor<1x4x6x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x4x6x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x4x6x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x4xf32>
  %b = bnn.binarize %y {thresholds = dense<0.25> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x4x6x4xf32>
  %ps, %pm = bnn.pack %b : tensor<1x4x6x4xf32> -> tensor<1x4x6x1xi64>, tensor<1x4x6x1xi64>
  %pool = tosa.avg_pool2d %y, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3x4xf32>
  %d2 = bnn.bconv2d %ps, %pm, %w {in_channels = 4 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x6x1xi64>, tensor<1x4x6x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x2x3x4xi32>
  %y2 = bnn.output_transform %d2, %mul, %mul : (tensor<1x2x3x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x2x3x4xf32>
  %e = tensor.empty() : tensor<1x2x3x4xf32>
  %sum = linalg.generic {indexing_maps = [#idp, #idp, #idp], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y2, %pool : tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) outs(%e : tensor<1x2x3x4xf32>) {
  ^bb0(%a: f32, %r: f32, %o: f32):
    %0 = arith.addf %a, %r : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x3x4xf32>
  return %sum : tensor<1x2x3x4xf32>
}

// -----

// A 1x2 pool (windows along W only, as after a 1-D conv): the kernel writes [1, 4, 3, 4]; a
// window's first pixel is at an even column (any row), its last at an odd one.
// CHECK-LABEL: func.func @conv_epilogue_pools_1x2
// CHECK: tensor.empty() : tensor<1x4x3x4xf32>
// CHECK: %[[RH:.*]] = arith.remui %{{.*}}, %[[C1:.*]] : index
// CHECK: %[[RW:.*]] = arith.remui %{{.*}}, %[[C2:.*]] : index
// CHECK: arith.divf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x4x3x4xf32>
// CHECK-NOT: tensor<1x4x6x4xf32>
// CHECK: return
func.func @conv_epilogue_pools_1x2(%s: tensor<1x4x6x1xi64>, %m: tensor<1x4x6x1xi64>) -> tensor<1x4x3x4xf32> {
  %w = arith.constant dense<1> : tensor<4x1x1x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x4x6x1xi64>, tensor<1x4x6x1xi64>, tensor<4x1x1x1xi64>) -> tensor<1x4x6x4xi32>
  %y = bnn.output_transform %d, %mul, %mul : (tensor<1x4x6x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x4xf32>
  %pool = tosa.avg_pool2d %y, %zp, %zp {acc_type = f32, kernel = array<i64: 1, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 2>} : (tensor<1x4x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x4xf32>
  return %pool : tensor<1x4x3x4xf32>
}

// -----

// The bipolar loop's threshold compares A = popcount(x ^ w) with bounds folded at compile time
// (d = K - 2A, K = 2: d in {-2, 0, 2}): sign bit A > floor((K - low) / 2), or A <= floor((K -
// high) / 2) where descending (the compare xor the descending flag), each bound clamped to
// [-1, K]: [1, 0, 1, 0, -1, 2] and 2 for the padding channels. Every tie interval [low, high)
// holds only odd d, which the even K never gives: no value is 0, so the mask bits are not
// computed but set for the block's real channels, from the per-block table of real-channel bits
// (4 of block 0's 4 channels, 2 of block 1's: [15, 3]).
// CHECK-LABEL: func.func @conv_threshold_folded
// CHECK-DAG: arith.constant dense<[1, 0, 1, 0, -1, 2, 2, 2]> : tensor<8xi64>
// CHECK-DAG: %[[VALID:.*]] = arith.constant dense<[15, 3]> : tensor<2xi64>
// CHECK: scf.for
// CHECK: math.ctpop {{.*}} : vector<2xi64>
// CHECK-NOT: arith.cmpi slt
// CHECK-NOT: arith.cmpi sge
// CHECK: %[[GT:.*]] = arith.cmpi sgt, {{.*}} : vector<2xi64>
// CHECK: arith.xori %[[GT]], {{.*}} : vector<2xi1>
// CHECK-NOT: arith.ori {{.*}} : vector<2xi1>
// CHECK: tensor.extract %[[VALID]][%{{.*}}] : tensor<2xi64>
// CHECK-NOT: bnn.
func.func @conv_threshold_folded(%s: tensor<1x3x5x1xi64>, %m: tensor<1x3x5x1xi64>) -> (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>) {
  %w = arith.constant dense<[[[[1]]], [[[2]]], [[[3]]], [[[0]]], [[[1]]], [[[2]]]]> : tensor<6x1x1x1xi64>
  %low = arith.constant dense<[-1, 1, -1, 1, 3, -5]> : tensor<6xi32>
  %high = arith.constant dense<[0, 2, 0, 2, 4, -4]> : tensor<6xi32>
  %desc = arith.constant dense<[false, false, true, false, true, false]> : tensor<6xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 2 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>, tensor<6x1x1x1xi64>) -> tensor<1x3x5x6xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x3x5x6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi1>) -> (tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>)
  return %bs, %bm : tensor<1x3x5x1xi64>, tensor<1x3x5x1xi64>
}

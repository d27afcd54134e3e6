// RUN: %bnnc_opt %s -bnn-lower-float-convs="lanes=8 vectors=2 pixels=4 dot=vnni" -split-input-file | FileCheck %s --check-prefix=VNNI
// RUN: %bnnc_opt %s -bnn-lower-float-convs="lanes=2 vectors=2 pixels=3 dot=sdot" -split-input-file | FileCheck %s --check-prefix=SDOT
// RUN: %bnnc_opt %s -bnn-lower-float-convs="lanes=8 vectors=2 pixels=4" -split-input-file | FileCheck %s --check-prefix=NONE
// RUN: not %bnnc_opt %s -bnn-lower-float-convs="dot=avx" -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// A conv of dequantized int8 activations (QuantizeLinear -> DequantizeLinear as the importer
// writes it: (sitofp(q) - zp) * scale, zero point -3, then the NCHW -> NHWC transpose) with
// weights that are int8 values times a scale per output channel (channel 0: k * 0.25, channel
// 1: k * 0.5; 2 x 3x3 x 3 weights). With a dot product it runs on the bytes:
//  - VNNI multiplies unsigned bytes: the signed input is flipped (xor 0x80) and padded with the
//    flipped zero point -3 + 128 = 125. The kernel reads the NCHW bytes itself (3 channels, a
//    3-row window): a ring of the 3 padded rows of one output row ([3, 9 * 3]: 7 columns and 2
//    spare for the 4-byte reads), filled with 125 once; each input row's 16 bytes per channel
//    read (masked past the 5 columns with the unflipped zero point -3), interleaved into pixels
//    x channels and flipped; the kernel reads row ih at ih mod 3;
//  - 4 input bytes broadcast per step (one i32), weights re-laid out [O/32][KH][G = 3][32 x 4];
//  - epilogue: acc - 125 * sum(w[o]), to float, times 0.1 * scale_w[o], plus the bias.
// With sdot (signed x signed) the input is not flipped and the padding is -3.
// VNNI-LABEL: func.func @qdq_conv
// VNNI: arith.constant dense<{{.*}}> : tensor<1x3x3x128xi8>
// VNNI-NOT: tosa.transpose {{.*}}xi8>
// VNNI: linalg.fill ins(%c125_i8 : i8) outs(%{{.*}} : tensor<3x27xi8>)
// VNNI: vector.transfer_read %arg0{{.*}}, %c-3_i8 : tensor<1x3x5x5xi8>, vector<16xi8>
// VNNI: vector.shuffle {{.*}} [0, 16, 32, 1, 17, 33, 2, 18, 34,
// VNNI: arith.xori {{.*}} : vector<48xi8>
// VNNI: vector.transfer_write {{.*}} : vector<48xi8>, tensor<3x27xi8>
// VNNI: vector.transfer_read {{.*}} : tensor<1x3x3x128xi8>, vector<64xi8>
// VNNI: arith.remui %{{.*}}, %c3
// VNNI: vector.transfer_read {{.*}} : tensor<3x27xi8>, vector<4xi8>
// VNNI: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// VNNI: vector.broadcast {{.*}} : i32 to vector<16xi32>
// VNNI: bnn.dot_i8 {{.*}} {unsigned_lhs} : vector<64xi8> -> vector<16xi32>
// VNNI: arith.subi {{.*}} : vector<16xi32>
// VNNI: arith.sitofp {{.*}} : vector<16xi32> to vector<16xf32>
// VNNI: vector.fma
// VNNI-NOT: tosa.conv2d
// SDOT-LABEL: func.func @qdq_conv
// SDOT-NOT: arith.xori
// SDOT: linalg.fill ins(%c-3_i8 : i8) outs(%{{.*}} : tensor<3x27xi8>)
// SDOT: vector.transfer_read %arg0{{.*}} : tensor<1x3x5x5xi8>, vector<4xi8>
// SDOT: bnn.dot_i8 {{.*}} : vector<16xi8> -> vector<4xi32>
// SDOT-NOT: unsigned_lhs
// NONE-LABEL: func.func @qdq_conv
// NONE-NOT: bnn.dot_i8
// NONE: vector.fma {{.*}} : vector<16xf32>
// BAD: bnn-lower-float-convs: dot must be none, vnni or sdot, not 'avx'
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#one = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, 0)>
func.func @qdq_conv(%q: tensor<1x3x5x5xi8>) -> tensor<1x3x3x2xf32> {
  %s = arith.constant dense<0.1> : tensor<1x1x1x1xf32>
  %z = arith.constant dense<-3.0> : tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x3x5x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #one, #one, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q, %s, %z : tensor<1x3x5x5xi8>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%e : tensor<1x3x5x5xf32>) {
  ^bb0(%in: i8, %sc: f32, %zp: f32, %out: f32):
    %f = arith.sitofp %in : i8 to f32
    %m = arith.subf %f, %zp : f32
    %r = arith.mulf %m, %sc : f32
    linalg.yield %r : f32
  } -> tensor<1x3x5x5xf32>
  %t = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32>
  %w = arith.constant dense<[[[[-1.0, 0.25, 0.5], [0.75, 1.0, -0.25], [31.75, -32.0, 0.0]],
                              [[1.0, 2.0, 3.0], [-4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
                              [[0.0, 0.25, 0.5], [0.75, 1.0, 1.25], [1.5, 1.75, 2.0]]],
                             [[[0.5, -0.5, 1.0], [-1.0, 1.5, -1.5], [2.0, -2.0, 2.5]],
                              [[63.5, -64.0, 3.0], [3.5, -3.5, 4.0], [-4.0, 4.5, -4.5]],
                              [[5.0, -5.0, 5.5], [-5.5, 6.0, -6.0], [6.5, -6.5, 7.0]]]]> : tensor<2x3x3x3xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %zp0 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %t, %w, %b, %zp0, %zp0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
      : (tensor<1x5x5x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// -----

// A window of more than 3 rows (5x5 here) keeps the transposed copy of the image's bytes:
// transposed to NHWC, flipped, padded with the flipped zero point 125 (and 2 spare columns).
// VNNI-LABEL: func.func @qdq_conv_5x5
// VNNI: tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xi8>) -> tensor<1x5x5x3xi8>
// VNNI: arith.xori
// VNNI: linalg.fill ins(%c125_i8 : i8)
// VNNI: tensor.insert_slice {{.*}} : tensor<1x5x5x3xi8> into tensor<1x7x9x3xi8>
// VNNI: tensor.collapse_shape {{.*}} into tensor<1x7x27xi8>
// VNNI: vector.transfer_read {{.*}} : tensor<1x7x27xi8>, vector<4xi8>
// VNNI: bnn.dot_i8
#id5 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#one5 = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, 0)>
func.func @qdq_conv_5x5(%q: tensor<1x3x5x5xi8>) -> tensor<1x2x2x2xf32> {
  %s = arith.constant dense<0.1> : tensor<1x1x1x1xf32>
  %z = arith.constant dense<-3.0> : tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x3x5x5xf32>
  %d = linalg.generic {indexing_maps = [#id5, #one5, #one5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q, %s, %z : tensor<1x3x5x5xi8>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%e : tensor<1x3x5x5xf32>) {
  ^bb0(%in: i8, %sc: f32, %zp: f32, %out: f32):
    %f = arith.sitofp %in : i8 to f32
    %m = arith.subf %f, %zp : f32
    %r = arith.mulf %m, %sc : f32
    linalg.yield %r : f32
  } -> tensor<1x3x5x5xf32>
  %t = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32>
  %w = arith.constant dense<0.25> : tensor<2x5x5x3xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %zp0 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %t, %w, %b, %zp0, %zp0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
      : (tensor<1x5x5x3xf32>, tensor<2x5x5x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// The same conv with float weights that no int8 grid gives (0.1234567 and 0.9876543 are not
// k * s and m * s in float for any one s): it stays the float kernel on the dequantized floats,
// whatever the target has. (Weights such as 0.3 and 1.0 are: 3 * 0.1f and 10 * 0.1f round to
// exactly those floats, and the int8 kernel computes with exactly those weights.)
// VNNI-LABEL: func.func @float_weights
// VNNI-NOT: bnn.dot_i8
// VNNI: vector.fma
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#one = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, 0)>
func.func @float_weights(%q: tensor<1x4x4x2xi8>) -> tensor<1x4x4x1xf32> {
  %s = arith.constant dense<0.1> : tensor<1x1x1x1xf32>
  %z = arith.constant dense<0.0> : tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %d = linalg.generic {indexing_maps = [#id, #one, #one, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q, %s, %z : tensor<1x4x4x2xi8>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%in: i8, %sc: f32, %zp: f32, %out: f32):
    %f = arith.sitofp %in : i8 to f32
    %m = arith.subf %f, %zp : f32
    %r = arith.mulf %m, %sc : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x2xf32>
  %w = arith.constant dense<[[[[0.1234567, 0.9876543]]]]> : tensor<1x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %zp0 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %d, %w, %b, %zp0, %zp0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// Float activations (no dequantization) with int8-grid weights: the file keeps them float.
// VNNI-LABEL: func.func @float_input
// VNNI-NOT: bnn.dot_i8
// VNNI: vector.fma
func.func @float_input(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %w = arith.constant dense<[[[[0.5, 1.0]]]]> : tensor<1x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %zp0 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp0, %zp0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

// The same conv whose value only the graph output's NHWC -> NCHW transpose reads: the int8
// kernel writes NCHW itself ([N, Opad, Ho, Wo], sliced to the 2 channels), each block's pixels
// transposed in registers as in the float kernel (bnn::storeBlockNCHW); the transpose is gone.
// VNNI-LABEL: func.func @qdq_conv_nchw
// VNNI: bnn.dot_i8
// VNNI: vector.fma
// VNNI: vector.transfer_write {{.*}} : vector<{{[0-9]+}}xf32>, tensor<1x32x3x3xf32>
// VNNI: tensor.extract_slice {{.*}}[0, 0, 0, 0] [1, 2, 3, 3] [1, 1, 1, 1]
// VNNI-NOT: tosa.transpose {{.*}} -> tensor<1x2x3x3xf32>
// VNNI: return
// SDOT-LABEL: func.func @qdq_conv_nchw
// SDOT: bnn.dot_i8
// SDOT: vector.transfer_write {{.*}} : vector<{{[0-9]+}}xf32>, tensor<1x8x3x3xf32>
// SDOT-NOT: tosa.transpose {{.*}} -> tensor<1x2x3x3xf32>
// SDOT: return
#idn = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#onen = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, 0)>
func.func @qdq_conv_nchw(%q: tensor<1x3x5x5xi8>) -> tensor<1x2x3x3xf32> {
  %s = arith.constant dense<0.1> : tensor<1x1x1x1xf32>
  %z = arith.constant dense<-3.0> : tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x3x5x5xf32>
  %d = linalg.generic {indexing_maps = [#idn, #onen, #onen, #idn], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q, %s, %z : tensor<1x3x5x5xi8>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%e : tensor<1x3x5x5xf32>) {
  ^bb0(%in: i8, %sc: f32, %zp: f32, %out: f32):
    %f = arith.sitofp %in : i8 to f32
    %m = arith.subf %f, %zp : f32
    %r = arith.mulf %m, %sc : f32
    linalg.yield %r : f32
  } -> tensor<1x3x5x5xf32>
  %t = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32>
  %w = arith.constant dense<[[[[-1.0, 0.25, 0.5], [0.75, 1.0, -0.25], [31.75, -32.0, 0.0]],
                              [[1.0, 2.0, 3.0], [-4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
                              [[0.0, 0.25, 0.5], [0.75, 1.0, 1.25], [1.5, 1.75, 2.0]]],
                             [[[0.5, -0.5, 1.0], [-1.0, 1.5, -1.5], [2.0, -2.0, 2.5]],
                              [[63.5, -64.0, 3.0], [3.5, -3.5, 4.0], [-4.0, 4.5, -4.5]],
                              [[5.0, -5.0, 5.5], [-5.5, 6.0, -6.0], [6.5, -6.5, 7.0]]]]> : tensor<2x3x3x3xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %zp0 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %t, %w, %b, %zp0, %zp0 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
      : (tensor<1x5x5x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %o = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %o : tensor<1x2x3x3xf32>
}


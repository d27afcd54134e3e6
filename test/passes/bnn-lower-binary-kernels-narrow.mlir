// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=3" -split-input-file | FileCheck %s
// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=3 narrow-words=false" -split-input-file | FileCheck %s --check-prefix=WIDE

// An input of 3 channels fills 3 bits of its one 64-bit word per position: the kernel works on
// 32-bit words instead (the planes stay i64; each input word is truncated as it is read), so a
// vector of "lanes=2" i64 holds 4 i32 lanes and a block covers lanes * 2 * vectors = 8 channels.
// Weights are re-laid out as i32 [O/8][KH][KW*words][8], the accumulators are vector<4xi32>
// (vpopcntd on AVX-512) and already i32 for the epilogue: the two vectors are joined for the
// affine epilogue without a truncation. The bipolar loop's epilogue is folded (y = (-2 mul) * A
// + (mul * base + bias), the folded bias per border class: no integer base table); the masked
// loop (rows with an exact zero; this input is faithful) counts its valid taps in i32 and
// computes d = base - 2A from them.
// CHECK-LABEL: func.func @conv_affine
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1, 3, 5, 7, 1, 3, 5, 7]], {{\[\[}}2, 4, 6, 0, 2, 4, 6, 0]]]]> : tensor<1x2x1x8xi32>
// CHECK-DAG: arith.constant dense<{{\[\[\[}}2.500000e+00, 8.000000e+00, 1.400000e+01, -1.000000e+01, 2.500000e+00, 8.000000e+00, 1.400000e+01, -1.000000e+01]], {{\[\[}}3.000000e+00, 7.000000e+00, 1.200000e+01, -7.000000e+00, 3.000000e+00, 7.000000e+00, 1.200000e+01, -7.000000e+00]]]> : tensor<2x1x8xf32>
// The masked loop, one pixel per block:
// CHECK: scf.for {{.*}} -> (vector<4xi32>, vector<4xi32>, i32)
// CHECK: vector.transfer_read {{.*}} : tensor<1x2x1x8xi32>, vector<4xi32>
// CHECK: %[[X:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: %[[M:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: arith.andi %[[X]], %[[M]] : i32
// CHECK: math.ctpop %{{.*}} : vector<4xi32>
// CHECK: math.ctpop %[[M]] : i32
// CHECK: arith.shli {{.*}} : vector<4xi32>
// CHECK: arith.subi {{.*}} : vector<4xi32>
// The bipolar loop, 3 pixels per block:
// CHECK: scf.for {{.*}} -> (vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>)
// CHECK: %[[W0:.*]] = vector.transfer_read {{.*}} : tensor<1x2x1x8xi32>, vector<4xi32>
// CHECK: %[[W:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: %[[BX:.*]] = vector.broadcast %[[W]] : i32 to vector<4xi32>
// CHECK: %[[D:.*]] = arith.xori %[[BX]], %[[W0]] : vector<4xi32>
// CHECK: math.ctpop %[[D]] : vector<4xi32>
// CHECK-NOT: arith.trunci {{.*}} : vector
// CHECK-NOT: arith.shli
// CHECK: vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xi32>, vector<4xi32>
// CHECK: arith.sitofp {{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: arith.mulf {{.*}} fastmath<contract> : vector<8xf32>
// CHECK: vector.transfer_write {{.*}} : vector<8xf32>, tensor<1x4x4x8xf32>

// narrow-words=false keeps the 64-bit words (two blocks of 4 channels, vector<2xi64>).
// WIDE-LABEL: func.func @conv_affine
// WIDE: tensor<2x2x1x4xi64>
// WIDE: math.ctpop {{.*}} : vector<2xi64>
// WIDE-NOT: vector<4xi32>, vector<4xi32>
// WIDE: vector.bitcast {{.*}} : vector<2xi64> to vector<4xi32>
// WIDE: vector.shuffle {{.*}} [0, 2, 4, 6] : vector<4xi32>, vector<4xi32>
func.func @conv_affine(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<[[[[1]],[[2]]],[[[3]],[[4]]],[[[5]],[[6]]],[[[7]],[[0]]],[[[1]],[[2]]],[[[3]],[[4]]],[[[5]],[[6]]],[[[7]],[[0]]]]> : tensor<8x2x1x1xi64>
  %mul = arith.constant dense<[0.5, 1.0, 2.0, -1.0, 0.5, 1.0, 2.0, -1.0]> : tensor<8xf32>
  %bias = arith.constant dense<[0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -1.0]> : tensor<8xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<8x2x1x1xi64>) -> tensor<1x4x4x8xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x4x4x8xi32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// A threshold epilogue compares A with bounds folded per border class and channel, in i32.
// Bases (class, channel): 5, 7, 7, 9 in the first row, 6 in the others (K = 6). The sign bound
// floor((base - low) / 2): 4, 3, 3, 3 and 4, 3, 2, 2; the upper end floor((base - high) / 2):
// 4, 3, 3, 3 and 4, 2, 2, 1. Channels 1 and 3 of the inner rows can give 0 (d = 0, d = 2), so
// the mask bit is computed: A > lowA or A <= highA.
// CHECK-LABEL: func.func @conv_threshold
// CHECK-DAG: arith.constant dense<{{\[\[\[}}4, 3, 3, 3, 4, 3, 3, 3]], {{\[\[}}4, 3, 2, 2, 4, 3, 2, 2]]]> : tensor<2x1x8xi32>
// CHECK-DAG: arith.constant dense<{{\[\[\[}}4, 3, 3, 3, 4, 3, 3, 3]], {{\[\[}}4, 2, 2, 1, 4, 2, 2, 1]]]> : tensor<2x1x8xi32>
// CHECK: scf.for {{.*}} -> (vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>)
// CHECK-NOT: arith.subi {{.*}} : vector<4xi32>
// CHECK: %[[SIGN:.*]] = arith.cmpi sgt, {{.*}} : vector<4xi32>
// CHECK: arith.xori %[[SIGN]], {{.*}} : vector<4xi1>
// CHECK: %[[BELOW:.*]] = arith.cmpi sgt, {{.*}} : vector<4xi32>
// CHECK: %[[ABOVE:.*]] = arith.cmpi sgt, {{.*}} : vector<4xi32>
// CHECK: %[[NOTABOVE:.*]] = arith.xori %[[ABOVE]], {{.*}} : vector<4xi1>
// CHECK: arith.ori %[[BELOW]], %[[NOTABOVE]] : vector<4xi1>
func.func @conv_threshold(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>) {
  %w = arith.constant dense<[[[[1]],[[2]]],[[[3]],[[4]]],[[[5]],[[6]]],[[[7]],[[0]]],[[[1]],[[2]]],[[[3]],[[4]]],[[[5]],[[6]]],[[[7]],[[0]]]]> : tensor<8x2x1x1xi64>
  %low = arith.constant dense<[-3, 0, 1, 2, -3, 0, 1, 2]> : tensor<8xi32>
  %high = arith.constant dense<[-3, 1, 1, 3, -3, 1, 1, 3]> : tensor<8xi32>
  %desc = arith.constant dense<false> : tensor<8xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<8x2x1x1xi64>) -> tensor<1x4x4x8xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x4x4x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>)
  return %bs, %bm : tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>
}

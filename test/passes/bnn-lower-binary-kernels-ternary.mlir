// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=3 narrow-words=false word-blocks=false" -split-input-file | FileCheck %s
// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=8 vectors=1 pixels=3 narrow-words=false word-blocks=false" -split-input-file | FileCheck %s --check-prefix=WIDE

// Ternary weights as a weight mask plane (KH = KW = 2, C = 3, pad top and left 1). The mask is
// laid out like the weights for the kernel ([block][KH][KW * words][OB]); every step ANDs the
// xor of input and weights with it before the popcount. The base is per (row class, column
// class, channel): the mask's bits over the valid taps plus twice the weights' bits over the
// padded ones (the padding is packed as +1). Channel 0 (weights 1: input channel 0 is -1, masks
// 7, 3, 5, 7): top-left class 3 + 2 * 3 = 9, inner class 3 + 2 + 2 + 3 = 10; channel 1 (masks
// 6, 7, 7, 7): top-left 3 + 2 * 3 = 9, inner 11.
// CHECK-LABEL: func.func @conv_weight_mask
// CHECK-DAG: %[[MASK:.+]] = arith.constant dense<{{\[\[\[\[}}7, 6, 0, 0], [3, 7, 0, 0]], {{\[\[}}5, 7, 0, 0], [7, 7, 0, 0]]]]> : tensor<1x2x2x4xi64>
// CHECK-DAG: arith.constant dense<{{\[\[\[}}9, 9, 3, 3], [9, 10, 6, 6]], {{\[\[}}9, 10, 6, 6], [10, 11, 12, 12]]]> : tensor<2x2x4xi64>
// CHECK-NOT: linalg.fill {{.*}}xi32>
// CHECK: %[[M0:.+]] = vector.transfer_read %[[MASK]]
// CHECK: %[[X:.+]] = arith.xori
// CHECK-NEXT: %[[Y:.+]] = arith.andi %[[X]], %[[M0]] : vector<2xi64>
// CHECK-NEXT: math.ctpop %[[Y]] : vector<2xi64>
func.func @conv_weight_mask(%s: tensor<1x3x3x1xi64>, %m: tensor<1x3x3x1xi64>) -> tensor<1x3x3x2xi32> {
  %w = arith.constant dense<1> : tensor<2x2x2x1xi64>
  %wm = arith.constant dense<[[[[7], [3]], [[5], [7]]], [[[6], [7]], [[7], [7]]]]> : tensor<2x2x2x1xi64>
  %d = bnn.bconv2d %s, %m, %w, %wm {in_channels = 3 : i64, pad = array<i64: 1, 0, 1, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x2x2x1xi64>, tensor<2x2x2x1xi64>) -> tensor<1x3x3x2xi32>
  return %d : tensor<1x3x3x2xi32>
}

// -----

// Inputs with exact zeros (not bipolar): rows that read one take the masked loop, whose count of
// valid taps is per channel with a weight mask: popcount(m & wm), one vector per channel vector.
// CHECK-LABEL: func.func @masked_weight_mask
// CHECK: scf.if
// CHECK: %[[BS:.+]] = vector.broadcast %{{.+}} : i64 to vector<2xi64>
// CHECK-NEXT: %[[BM:.+]] = vector.broadcast %{{.+}} : i64 to vector<2xi64>
// CHECK-NEXT: %[[MW:.+]] = arith.andi %[[BM]], %{{.+}} : vector<2xi64>
// CHECK-NEXT: %[[D:.+]] = arith.xori %[[BS]], %[[MW]] : vector<2xi64>
// CHECK-NEXT: arith.andi %[[D]], %[[WM0:.+]] : vector<2xi64>
// CHECK: %[[V:.+]] = arith.andi %[[BM]], %[[WM0]] : vector<2xi64>
// CHECK-NEXT: math.ctpop %[[V]] : vector<2xi64>
func.func @masked_weight_mask(%s: tensor<1x3x3x1xi64>, %m: tensor<1x3x3x1xi64>) -> tensor<1x3x3x2xi32> {
  %w = arith.constant dense<1> : tensor<2x2x2x1xi64>
  %wm = arith.constant dense<[[[[7], [3]], [[5], [7]]], [[[6], [7]], [[7], [7]]]]> : tensor<2x2x2x1xi64>
  %d = bnn.bconv2d %s, %m, %w, %wm {in_channels = 3 : i64, pad = array<i64: 1, 0, 1, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<2x2x2x1xi64>, tensor<2x2x2x1xi64>) -> tensor<1x3x3x2xi32>
  return %d : tensor<1x3x3x2xi32>
}

// -----

// A few zero taps (5: channel 0, tap (0, 1), input channel 2; 9: channel 0, tap (1, 1), input
// channel 0) keep the sparse correction with 2-word vectors, and become a weight mask with
// 8-word vectors (AVX-512, where the and costs nothing beside the xor): channel 0's mask words
// 3 and 6, no correction tensor.
// CHECK-LABEL: func.func @zero_taps_as_mask
// CHECK: linalg.fill {{.*}} -> tensor<1x3x3x8xi32>
// WIDE-LABEL: func.func @zero_taps_as_mask
// WIDE-DAG: %[[MASK:.+]] = arith.constant dense<{{\[\[\[\[}}7, 7, 7, 7, 7, 7, 7, 7], [3, 7, 7, 7, 7, 7, 7, 7]], {{\[\[}}7, 7, 7, 7, 7, 7, 7, 7], [6, 7, 7, 7, 7, 7, 7, 7]]]]> : tensor<1x2x2x8xi64>
// WIDE-NOT: linalg.fill {{.*}}xi32>
// WIDE: %[[M0:.+]] = vector.transfer_read %[[MASK]]
// WIDE: %[[X:.+]] = arith.xori
// WIDE-NEXT: arith.andi %[[X]], %[[M0]] : vector<8xi64>
func.func @zero_taps_as_mask(%s: tensor<1x3x3x1xi64>, %m: tensor<1x3x3x1xi64>) -> tensor<1x3x3x8xi32> {
  %w = arith.constant dense<1> : tensor<8x2x2x1xi64>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 3 : i64, pad = array<i64: 1, 0, 1, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar, zero_taps = array<i64: 5, 9>}
     : (tensor<1x3x3x1xi64>, tensor<1x3x3x1xi64>, tensor<8x2x2x1xi64>) -> tensor<1x3x3x8xi32>
  return %d : tensor<1x3x3x8xi32>
}

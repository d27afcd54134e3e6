// RUN: %bnnc_opt %s -canonicalize -split-input-file | FileCheck %s

// The bnn folders: idempotence of each binarizer and constant folding with ONNX's sign(0) = 0
// and the bipolar 0 -> +1.

// CHECK-LABEL: func.func @sign_of_sign
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[S:.*]] = bnn.sign %[[X]] : tensor<4xf32>
// CHECK-NEXT: return %[[S]]
func.func @sign_of_sign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.sign %x : tensor<4xf32>
  %1 = bnn.sign %0 : tensor<4xf32>
  %2 = bnn.sign %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @bipolar_of_bipolar
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[B:.*]] = bnn.bipolar_sign %[[X]] : tensor<4xf32>
// CHECK-NEXT: return %[[B]]
func.func @bipolar_of_bipolar(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.bipolar_sign %x : tensor<4xf32>
  %1 = bnn.bipolar_sign %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A sign of a bipolar sign (or the reverse) is a different op: the idempotence folders do not
// apply across the two.
// CHECK-LABEL: func.func @no_fold_bipolar_of_sign
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[S:.*]] = bnn.sign %[[X]]
// CHECK: %[[B:.*]] = bnn.bipolar_sign %[[S]]
// CHECK: return %[[B]]
func.func @no_fold_bipolar_of_sign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.sign %x : tensor<4xf32>
  %1 = bnn.bipolar_sign %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A binarizer of a runtime value stays.
// CHECK-LABEL: func.func @no_fold_sign_of_argument
// CHECK: bnn.sign
// CHECK-LABEL: func.func @no_fold_bipolar_of_argument
// CHECK: bnn.bipolar_sign
func.func @no_fold_sign_of_argument(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.sign %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @no_fold_bipolar_of_argument(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = bnn.bipolar_sign %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Constant folding of sign: negative -> -1, 0 -> 0, positive (even denormal-small) -> +1,
// NaN stays NaN.
// CHECK-LABEL: func.func @fold_sign_constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[-1.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 0x7FC00000]> : tensor<5xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_sign_constant() -> tensor<5xf32> {
  %c = arith.constant dense<[-2.5, 0.0, 3.0, 1.0e-30, 0x7FC00000]> : tensor<5xf32>
  %0 = bnn.sign %c : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sign_zero_splat
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<0.000000e+00> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_sign_zero_splat() -> tensor<2x2xf32> {
  %c = arith.constant dense<0.0> : tensor<2x2xf32>
  %0 = bnn.sign %c : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Constant folding of the bipolar sign: 0 (and -0) -> +1, never 0; NaN -> -1 (ordered x >= 0).
// CHECK-LABEL: func.func @fold_bipolar_constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[-1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, -1.000000e+00, -1.000000e+00]> : tensor<6xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_bipolar_constant() -> tensor<6xf32> {
  %c = arith.constant dense<[-2.5, 0.0, -0.0, 3.0, 0x7FC00000, -1.0e-30]> : tensor<6xf32>
  %0 = bnn.bipolar_sign %c : tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func.func @fold_bipolar_zero_splat
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_bipolar_zero_splat() -> tensor<2x2xf32> {
  %c = arith.constant dense<0.0> : tensor<2x2xf32>
  %0 = bnn.bipolar_sign %c : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Both folds chained through a constant: bipolar(sign(0)) = bipolar(0) = +1.
// CHECK-LABEL: func.func @fold_bipolar_of_sign_constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[1.000000e+00, 1.000000e+00, -1.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_bipolar_of_sign_constant() -> tensor<3xf32> {
  %c = arith.constant dense<[0.0, 4.0, -4.0]> : tensor<3xf32>
  %0 = bnn.sign %c : tensor<3xf32>
  %1 = bnn.bipolar_sign %0 : tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// The ops are Pure: an unused one is erased.
// CHECK-LABEL: func.func @dead_binarizers
// CHECK-NOT: bnn.
// CHECK: return
func.func @dead_binarizers(%x: tensor<4xf32>, %t: tensor<1x2xf32>) -> tensor<4xf32> {
  %0 = bnn.sign %x : tensor<4xf32>
  %1 = bnn.bipolar_sign %x : tensor<4xf32>
  %2 = bnn.multi_threshold %x, %t {channel_axis = 0 : i64, out_scale = 1.0 : f32, out_bias = 0.0 : f32}
     : (tensor<4xf32>, tensor<1x2xf32>) -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

// A concat_packed of one input is that input.
// CHECK-LABEL: func.func @concat_packed_one
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xi64>)
// CHECK-NEXT: return %[[A]]
func.func @concat_packed_one(%a: tensor<1x2xi64>) -> tensor<1x2xi64> {
  %0 = bnn.concat_packed %a {channels = array<i64: 100>} : (tensor<1x2xi64>) -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

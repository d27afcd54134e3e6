// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=3" -split-input-file | FileCheck %s

// The binary depthwise kernel on int8 lanes: with lanes=2 (SSE-like), 16 channels per vector;
// the input padded by 1 in H and W and from 2 to 16 channels; 3 positions per block (W = 5: one
// block and two single positions); per tap the weight's sign mask s and non-zero mask z (one
// weight is 0), x * w = ((x ^ s) - s) & z added to i8 accumulators; then the output transform
// alpha * float(d) + bias in registers, one store per position, and the padded channels cut.

// CHECK-LABEL: func.func @bdepthwise_affine
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 14]
// CHECK: } : tensor<1x4x5x2xi8> to tensor<1x6x7x16xi8>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}} step %c3
// CHECK: %{{.*}}:3 = scf.for {{.*}} -> (vector<16xi8>, vector<16xi8>, vector<16xi8>)
// CHECK: %[[S:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x3x16xi8>, vector<16xi8>
// CHECK: %[[Z:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x3x16xi8>, vector<16xi8>
// CHECK: %[[X:.*]] = vector.transfer_read %[[PAD]]{{.*}} : tensor<1x6x7x16xi8>, vector<16xi8>
// CHECK: %[[A:.*]] = arith.xori %[[X]], %[[S]] : vector<16xi8>
// CHECK: %[[B:.*]] = arith.subi %[[A]], %[[S]] : vector<16xi8>
// CHECK: %[[C:.*]] = arith.andi %[[B]], %[[Z]] : vector<16xi8>
// CHECK: arith.addi %{{.*}}, %[[C]] : vector<16xi8>
// CHECK: scf.yield {{.*}} : vector<16xi8>, vector<16xi8>, vector<16xi8>
// CHECK: %[[D:.*]] = arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : vector<16xi32> to vector<16xf32>
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[F]] : vector<16xf32>
// CHECK: arith.addf %[[M]], %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x4x5x16xf32>
// CHECK: scf.for %{{.*}} = %c3{{.*}} to %c5{{.*}} step %c1
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 4, 5, 2] [1, 1, 1, 1] : tensor<1x4x5x16xf32> to tensor<1x4x5x2xf32>
// CHECK-NOT: bnn.
func.func @bdepthwise_affine(%x: tensor<1x4x5x2xi8>) -> tensor<1x4x5x2xf32> {
  %w = arith.constant dense<[[[1, -1], [-1, 1], [1, 1]], [[-1, 1], [1, -1], [0, 1]], [[1, 1], [1, 1], [-1, -1]]]> : tensor<3x3x2xi8>
  %mul = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
  %bias = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x5x2xi8>, tensor<3x3x2xi8>) -> tensor<1x4x5x2xi32>
  %1 = bnn.output_transform %0, %mul, %bias : (tensor<1x4x5x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x5x2xf32>
  return %1 : tensor<1x4x5x2xf32>
}

// -----

// Without zero weights there is no non-zero mask; without a fusable consumer the kernel writes
// the i32 result (here the function's result).
// CHECK-LABEL: func.func @bdepthwise_raw
// CHECK-NOT: arith.andi
// CHECK: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK-NEXT: vector.transfer_write {{.*}} : vector<16xi32>, tensor<1x2x2x16xi32>
func.func @bdepthwise_raw(%x: tensor<1x2x2x3xi8>) -> tensor<1x2x2x3xi32> {
  %w = arith.constant dense<[[[1, -1, 1]]]> : tensor<1x1x3xi8>
  %0 = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x2x2x3xi8>, tensor<1x1x3xi8>) -> tensor<1x2x2x3xi32>
  return %0 : tensor<1x2x2x3xi32>
}

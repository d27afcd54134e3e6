// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=2 duplicate-input=true" | FileCheck %s
// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=2 narrow-words=false" | FileCheck %s --check-prefix=BCAST

// With duplicate-input, the padded, row-flattened input plane [1, 6, 6 * 1 words] is copied once
// with each word repeated in both lanes ([1, 6, 6, 2], linalg.broadcast), and the bipolar loop
// reads a pixel's word as one 2-lane vector load of that copy instead of a scalar load and a
// broadcast (NEON ld1r). The layer is faithful, so the masked loop (rows with an exact zero)
// still reads the sign and mask words and broadcasts their AND.
// CHECK-LABEL: func.func @conv
// CHECK: %[[DUP:.*]] = linalg.broadcast ins(%{{.*}} : tensor<1x6x6xi64>) outs(%{{.*}} : tensor<1x6x6x2xi64>) dimensions = [3]
// CHECK: vector.transfer_read %[[DUP]]{{.*}} : tensor<1x6x6x2xi64>, vector<2xi64>
// CHECK: arith.xori {{.*}} : vector<2xi64>
// BCAST-LABEL: func.func @conv
// BCAST-NOT: linalg.broadcast
// BCAST: vector.broadcast {{.*}} : i64 to vector<2xi64>
func.func @conv(%s: tensor<1x4x4x1xi64>, %m: tensor<1x4x4x1xi64>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]],
                             [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]],
                             [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]],
                             [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]]> : tensor<4x3x3x1xi64>
  %mul = arith.constant dense<0.5> : tensor<4xf32>
  %bias = arith.constant dense<0.0> : tensor<4xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 8 : i64, pad = array<i64: 1, 1, 1, 1>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x4x1xi64>, tensor<1x4x4x1xi64>, tensor<4x3x3x1xi64>) -> tensor<1x4x4x4xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x4x4x4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

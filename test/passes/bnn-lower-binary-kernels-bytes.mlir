// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=2 accumulate=bytes" | FileCheck %s

// Byte accumulators (NEON, AVX2, RVV): a kernel row of kw * words = 3 * 12 = 36 steps is split
// into chunks of 18 (the largest divisor <= 31, so 18 * 8 <= 255 cannot overflow a byte); each
// step adds a per-byte popcount into u8 lanes, and each chunk is widened into the i64
// accumulators by three pairwise adds (even + odd lanes, i8 -> i16 -> i32 -> i64).
// CHECK-LABEL: func.func @conv_bytes
// CHECK: %[[C18:.*]] = arith.constant 18 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C18]] iter_args({{.*}}) -> (vector<2xi64>, vector<2xi64>, vector<2xi64>, vector<2xi64>)
// CHECK: scf.for {{.*}} -> (vector<16xi8>, vector<16xi8>, vector<16xi8>, vector<16xi8>)
// CHECK: %[[X:.*]] = arith.xori {{.*}} : vector<2xi64>
// CHECK: %[[B:.*]] = vector.bitcast %[[X]] : vector<2xi64> to vector<16xi8>
// CHECK: %[[P:.*]] = math.ctpop %[[B]] : vector<16xi8>
// CHECK: arith.addi %{{.*}}, %[[P]] : vector<16xi8>
// CHECK: arith.extui {{.*}} : vector<16xi8> to vector<16xi16>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: vector.shuffle {{.*}} [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK: arith.extui {{.*}} : vector<8xi16> to vector<8xi32>
// CHECK: arith.extui {{.*}} : vector<4xi32> to vector<4xi64>
// CHECK: arith.addi {{.*}} : vector<2xi64>
func.func @conv_bytes(%s: tensor<1x4x4x12xi64>, %m: tensor<1x4x4x12xi64>) -> tensor<1x2x2x4xi32> {
  %w = arith.constant dense<3> : tensor<4x3x3x12xi64>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 768 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x4x4x12xi64>, tensor<1x4x4x12xi64>, tensor<4x3x3x12xi64>) -> tensor<1x2x2x4xi32>
  return %d : tensor<1x2x2x4xi32>
}

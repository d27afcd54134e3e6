// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=4 narrow-words=false" -canonicalize -split-input-file | FileCheck %s
// RUN: %bnnc_opt %s -bnn-lower-binary-kernels="lanes=2 vectors=2 pixels=4 narrow-words=false word-blocks=false" -canonicalize -split-input-file | FileCheck %s --check-prefix=SPLIT

// Word blocks: an epilogue that writes packed bits takes blocks of a whole output word (here
// all 8 channels: 4 vectors of 2 lanes) and proportionally fewer pixels (2 x 4 accumulators
// become 4 x 2), so each position's word is built in registers and inserted once, never read
// back. Per step: 4 weight vectors, 2 broadcast input words, 8 xor + popcount.
// CHECK-LABEL: func.func @threshold_word_blocks
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c2
// CHECK-COUNT-4: vector.transfer_read %{{.*}} : tensor<1x1x1x8xi64>, vector<2xi64>
// CHECK: vector.broadcast
// CHECK-COUNT-4: math.ctpop
// CHECK: vector.broadcast
// CHECK-COUNT-4: math.ctpop
// CHECK-NOT: vector.broadcast
// CHECK-NOT: arith.select
// CHECK-NOT: tensor.extract %arg
// CHECK: tensor.insert
// CHECK-NEXT: tensor.insert
// CHECK-NOT: tensor.extract %arg
// CHECK: tensor.insert
// CHECK-NEXT: tensor.insert
// CHECK-NOT: tensor.insert
// CHECK: return
// With word-blocks=false: blocks of 2 vectors x 4 pixels, and each block ORs its 4 bits into
// the word the block before it wrote (the first block of a word, at bit 0, starts from 0).
// SPLIT-LABEL: func.func @threshold_word_blocks
// SPLIT: scf.for %{{.*}} = %c0 to %c2 step %c1
// SPLIT-COUNT-2: vector.transfer_read %{{.*}} : tensor<2x1x1x4xi64>, vector<2xi64>
// SPLIT-COUNT-4: vector.broadcast
// SPLIT: %[[OLD:.*]] = tensor.extract %arg
// SPLIT: arith.select %{{.*}}, %{{.*}}, %[[OLD]] : i64
// SPLIT: tensor.insert
func.func @threshold_word_blocks(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>) -> (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>) {
  %w = arith.constant dense<[[[[1]]],[[[2]]],[[[3]]],[[[4]]],[[[5]]],[[[6]]],[[[7]]],[[[8]]]]> : tensor<8x1x1x1xi64>
  %low = arith.constant dense<[-3, 0, 1, 2, -1, 5, 0, 1]> : tensor<8xi32>
  %high = arith.constant dense<[-3, 1, 1, 3, 1, 5, 0, 1]> : tensor<8xi32>
  %desc = arith.constant dense<[false, false, true, false, true, false, false, false]> : tensor<8xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 6 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<8x1x1x1xi64>) -> tensor<1x2x4x8xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x2x4x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>)
  return %bs, %bm : tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>
}

// -----

// 6 channels would need 3 vectors, which do not divide the 8 accumulators: the blocks stay 2
// vectors x 4 pixels, and the words are ORed together block by block.
// CHECK-LABEL: func.func @threshold_no_word_block
// CHECK-COUNT-2: vector.transfer_read %{{.*}} : tensor<2x1x1x4xi64>, vector<2xi64>
// CHECK-COUNT-4: vector.broadcast
// CHECK: tensor.extract %arg
// CHECK: arith.select
func.func @threshold_no_word_block(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>) -> (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>) {
  %w = arith.constant dense<[[[[1]]],[[[2]]],[[[3]]],[[[4]]],[[[5]]],[[[6]]]]> : tensor<6x1x1x1xi64>
  %low = arith.constant dense<[-3, 0, 1, 2, -1, 5]> : tensor<6xi32>
  %high = arith.constant dense<[-3, 1, 1, 3, 1, 5]> : tensor<6xi32>
  %desc = arith.constant dense<[false, false, true, false, true, false]> : tensor<6xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 6 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<6x1x1x1xi64>) -> tensor<1x2x4x6xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x2x4x6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi1>) -> (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>)
  return %bs, %bm : tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>
}

// -----

// A float result (no packed bits) keeps the configured blocks: 2 vectors x 4 pixels.
// CHECK-LABEL: func.func @affine_keeps_blocks
// CHECK-COUNT-2: vector.transfer_read %{{.*}} : tensor<2x1x1x4xi64>, vector<2xi64>
// CHECK-COUNT-4: vector.broadcast
func.func @affine_keeps_blocks(%s: tensor<1x2x4x1xi64>, %m: tensor<1x2x4x1xi64>) -> tensor<1x2x4x8xf32> {
  %w = arith.constant dense<[[[[1]]],[[[2]]],[[[3]]],[[[4]]],[[[5]]],[[[6]]],[[[7]]],[[[8]]]]> : tensor<8x1x1x1xi64>
  %mul = arith.constant dense<[0.5, 1.0, 2.0, -1.0, 1.0, 1.0, 3.0, 0.25]> : tensor<8xf32>
  %bias = arith.constant dense<[0.0, 1.0, 0.0, -1.0, 0.5, 0.5, 2.0, 1.0]> : tensor<8xf32>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 6 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x2x4x1xi64>, tensor<1x2x4x1xi64>, tensor<8x1x1x1xi64>) -> tensor<1x2x4x8xi32>
  %y = bnn.output_transform %d, %mul, %bias : (tensor<1x2x4x8xi32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x2x4x8xf32>
  return %y : tensor<1x2x4x8xf32>
}

// -----

// Word blocks reuse a weight vector for only `pixels` positions, so their weights must stay in
// L1: 8 channels x 513 words x 8 bytes = 32,832 bytes passes the 32 KB budget, and the layer
// keeps 2 vectors x 4 pixels (with 512 words it would take word blocks).
// CHECK-LABEL: func.func @threshold_large_block_weights
// CHECK-COUNT-2: vector.transfer_read %{{.*}} : tensor<2x1x513x4xi64>, vector<2xi64>
// CHECK-COUNT-4: vector.broadcast
// CHECK: tensor.extract %arg
// CHECK: arith.select
func.func @threshold_large_block_weights(%s: tensor<1x1x4x513xi64>, %m: tensor<1x1x4x513xi64>) -> (tensor<1x1x4x1xi64>, tensor<1x1x4x1xi64>) {
  %w = arith.constant dense<7> : tensor<8x1x1x513xi64>
  %low = arith.constant dense<[-3, 0, 1, 2, -1, 5, 0, 1]> : tensor<8xi32>
  %high = arith.constant dense<[-3, 1, 1, 3, 1, 5, 0, 1]> : tensor<8xi32>
  %desc = arith.constant dense<[false, false, true, false, true, false, false, false]> : tensor<8xi1>
  %d = bnn.bconv2d %s, %m, %w {in_channels = 32832 : i64, pad = array<i64: 0, 0, 0, 0>,
         stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, bipolar}
     : (tensor<1x1x4x513xi64>, tensor<1x1x4x513xi64>, tensor<8x1x1x513xi64>) -> tensor<1x1x4x8xi32>
  %bs, %bm = bnn.threshold %d, %low, %high, %desc : (tensor<1x1x4x8xi32>, tensor<8xi32>, tensor<8xi32>, tensor<8xi1>) -> (tensor<1x1x4x1xi64>, tensor<1x1x4x1xi64>)
  return %bs, %bm : tensor<1x1x4x1xi64>, tensor<1x1x4x1xi64>
}

// RUN: %bnnc_opt %s -bnn-fuse-output-transforms | FileCheck %s

// An op that is affine only on part of the layer range (a clamp that becomes active for
// |d| > 200, with K = 5760) is not folded into the output transform.

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @clamp_beyond_samples
// CHECK: %[[Y:.*]] = bnn.output_transform
// CHECK: linalg.generic {{.*}} ins(%[[Y]] :
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @clamp_beyond_samples(%s: tensor<1x4x4x10xi64>, %m: tensor<1x4x4x10xi64>, %w: tensor<2x3x3x10xi64>) -> tensor<1x4x4x2xf32> {
  %d = bnn.bconv2d %s, %m, %w {in_channels = 640 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
     : (tensor<1x4x4x10xi64>, tensor<1x4x4x10xi64>, tensor<2x3x3x10xi64>) -> tensor<1x4x4x2xi32>
  %mul = arith.constant dense<100.0> : tensor<2xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %y = bnn.output_transform %d, %mul, %b : (tensor<1x4x4x2xi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : tensor<1x4x4x2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %lo = arith.constant -20000.0 : f32
    %hi = arith.constant 20000.0 : f32
    %1 = arith.maximumf %a, %lo : f32
    %2 = arith.minimumf %1, %hi : f32
    linalg.yield %2 : f32
  } -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

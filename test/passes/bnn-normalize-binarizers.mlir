// RUN: %bnnc_opt %s -split-input-file -bnn-normalize-binarizers -canonicalize | FileCheck %s

// Inputs are what `bnnc --emit=mlir:import` makes of the one-node ONNX models named in each
// comment.

// ONNX Sign: threshold 0, the tie gives 0.
// CHECK-LABEL: func.func @sign(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>}
// CHECK-NEXT: return %[[B]]
func.func @sign(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = bnn.sign %arg0 : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// Where(x >= 0.5, 1, -1): the tie gives +1.
// CHECK-LABEL: func.func @where_ge(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<5.000000e-01> : tensor<1xf32>, tie = #bnn<tie positive>}
// CHECK-NEXT: return %[[B]]
func.func @where_ge(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<-1.000000e+00> : tensor<f32>
  %cst_0 = arith.constant dense<1.000000e+00> : tensor<f32>
  %cst_1 = arith.constant dense<5.000000e-01> : tensor<f32>
  %0 = tensor.empty() : tensor<1x4xi1>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst_1 : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xi1>) {
  ^bb0(%in: f32, %in_2: f32, %out: i1):
    %4 = arith.cmpf oge, %in, %in_2 : f32
    linalg.yield %4 : i1
  } -> tensor<1x4xi1>
  %2 = tensor.empty() : tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%1, %cst_0, %cst : tensor<1x4xi1>, tensor<f32>, tensor<f32>) outs(%2 : tensor<1x4xf32>) {
  ^bb0(%in: i1, %in_2: f32, %in_3: f32, %out: f32):
    %4 = arith.select %in, %in_2, %in_3 : f32
    linalg.yield %4 : f32
  } -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}

// -----

// Greater -> Cast -> Mul(2) -> Sub(1): x > 0, the tie gives -1.
// CHECK-LABEL: func.func @greater_cast(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie negative>}
// CHECK-NEXT: return %[[B]]
func.func @greater_cast(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<f32>
  %cst_0 = arith.constant dense<2.000000e+00> : tensor<f32>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<f32>
  %0 = tensor.empty() : tensor<1x4xi1>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst_1 : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xi1>) {
  ^bb0(%in: f32, %in_2: f32, %out: i1):
    %8 = arith.cmpf ogt, %in, %in_2 : f32
    linalg.yield %8 : i1
  } -> tensor<1x4xi1>
  %2 = tensor.empty() : tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xi1>) outs(%2 : tensor<1x4xf32>) {
  ^bb0(%in: i1, %out: f32):
    %8 = arith.uitofp %in : i1 to f32
    linalg.yield %8 : f32
  } -> tensor<1x4xf32>
  %4 = tensor.empty() : tensor<1x4xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%3, %cst_0 : tensor<1x4xf32>, tensor<f32>) outs(%4 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %8 = arith.mulf %in, %in_2 : f32
    linalg.yield %8 : f32
  } -> tensor<1x4xf32>
  %6 = tensor.empty() : tensor<1x4xf32>
  %7 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%5, %cst : tensor<1x4xf32>, tensor<f32>) outs(%6 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %8 = arith.subf %in, %in_2 : f32
    linalg.yield %8 : f32
  } -> tensor<1x4xf32>
  return %7 : tensor<1x4xf32>
}

// -----

// Straight-through estimator x + (Sign(x) - x): Sign(x).
// CHECK-LABEL: func.func @ste(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {{.*}}tie = #bnn<tie zero>}
// CHECK-NEXT: return %[[B]]
func.func @ste(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = bnn.sign %arg0 : tensor<1x4xf32>
  %1 = tensor.empty() : tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%0, %arg0 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%1 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %5 = arith.subf %in, %in_0 : f32
    linalg.yield %5 : f32
  } -> tensor<1x4xf32>
  %3 = tensor.empty() : tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %2 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%3 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %5 = arith.addf %in, %in_0 : f32
    linalg.yield %5 : f32
  } -> tensor<1x4xf32>
  return %4 : tensor<1x4xf32>
}

// -----

// The clipped STE: Clip, Sign, Sub, Add.
// CHECK-LABEL: func.func @ste_clip(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {{.*}}tie = #bnn<tie zero>}
// CHECK-NEXT: return %[[B]]
func.func @ste_clip(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %cst = arith.constant -1.000000e+00 : f32
    %7 = arith.cmpf olt, %in, %cst : f32
    %8 = arith.select %7, %cst, %in : f32
    %cst_0 = arith.constant 1.000000e+00 : f32
    %9 = arith.cmpf ogt, %8, %cst_0 : f32
    %10 = arith.select %9, %cst_0, %8 : f32
    linalg.yield %10 : f32
  } -> tensor<1x4xf32>
  %2 = bnn.sign %1 : tensor<1x4xf32>
  %3 = tensor.empty() : tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%2, %1 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%3 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %7 = arith.subf %in, %in_0 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  %5 = tensor.empty() : tensor<1x4xf32>
  %6 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%1, %4 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%5 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %7 = arith.addf %in, %in_0 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  return %6 : tensor<1x4xf32>
}

// -----

// ReActNet's RSign, Sign(x + b_c): per-channel thresholds -b_c.
// CHECK-LABEL: func.func @rsign(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<[-2.500000e-01, 5.000000e-01, -1.000000e+00, 0.000000e+00]> : tensor<4xf32>, tie = #bnn<tie zero>}
// CHECK-NEXT: return %[[B]]
func.func @rsign(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<[2.500000e-01, -5.000000e-01, 1.000000e+00, 0.000000e+00]> : tensor<4xf32>
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst : tensor<1x4xf32>, tensor<4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %3 = arith.addf %in, %in_0 : f32
    linalg.yield %3 : f32
  } -> tensor<1x4xf32>
  %2 = bnn.sign %1 : tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

// -----

// QONNX BipolarQuant with scale 0.5: +-1 (0 -> +1), then the scale.
// CHECK-LABEL: func.func @bipolarquant(
// CHECK: %[[B:.*]] = bnn.binarize %arg0 {{.*}}tie = #bnn<tie positive>}
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[B]], %{{.*}} : tensor<1x4xf32>, tensor<1x1xf32>)
// CHECK: arith.mulf
// CHECK-NOT: bnn.binarize
func.func @bipolarquant(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<5.000000e-01> : tensor<f32>
  %0 = bnn.bipolar_sign %arg0 : tensor<1x4xf32>
  %1 = tensor.empty() : tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%0, %cst : tensor<1x4xf32>, tensor<f32>) outs(%1 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %3 = arith.mulf %in, %in_0 : f32
    linalg.yield %3 : f32
  } -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

// -----

// BatchNorm with positive gamma moves into the thresholds: 2x + 1 > 0 and 0.5x - 1 > 0.
// CHECK-LABEL: func.func @bn_sign(
// CHECK: %[[T:.*]] = tosa.transpose %arg0
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %[[T]] {thresholds = dense<[-5.000000e-01, 2.000000e+00]> : tensor<2xf32>, tie = #bnn<tie zero>}
// CHECK-NOT: arith.mulf
func.func @bn_sign(%arg0: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %cst = arith.constant dense<[[[[2.000000e+00, 5.000000e-01]]]]> : tensor<1x1x1x2xf32>
  %cst_0 = arith.constant dense<[[[[1.000000e+00, -1.000000e+00]]]]> : tensor<1x1x1x2xf32>
  %1 = tensor.empty() : tensor<1x2x2x2xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %cst, %cst_0 : tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%1 : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %in_2: f32, %out: f32):
    %5 = arith.mulf %in, %in_1 : f32
    %6 = arith.addf %5, %in_2 : f32
    linalg.yield %6 : f32
  } -> tensor<1x2x2x2xf32>
  %3 = bnn.sign %2 : tensor<1x2x2x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %4 : tensor<1x2x2x2xf32>
}

// -----

// negative_: a negative gamma makes the BatchNorm decreasing: it stays, and the Sign binarizes its result.
// CHECK-LABEL: func.func @negative_bn_sign(
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: arith.mulf
// CHECK: %[[B:.*]] = bnn.binarize %[[N]] {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>}
func.func @negative_bn_sign(%arg0: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %cst = arith.constant dense<[[[[-2.000000e+00, 5.000000e-01]]]]> : tensor<1x1x1x2xf32>
  %cst_0 = arith.constant dense<[[[[1.000000e+00, -1.000000e+00]]]]> : tensor<1x1x1x2xf32>
  %1 = tensor.empty() : tensor<1x2x2x2xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %cst, %cst_0 : tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%1 : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %in_2: f32, %out: f32):
    %5 = arith.mulf %in, %in_1 : f32
    %6 = arith.addf %5, %in_2 : f32
    linalg.yield %6 : f32
  } -> tensor<1x2x2x2xf32>
  %3 = bnn.sign %2 : tensor<1x2x2x2xf32>
  %4 = tosa.transpose %3 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %4 : tensor<1x2x2x2xf32>
}

// -----

// Sign(Relu(x)) is not a +-1 step of x (it is 0 below 0): the Sign binarizes the Relu result, keeping the exact zeros.
// CHECK-LABEL: func.func @relu_sign(
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[B:.*]] = bnn.binarize %[[R]] {{.*}}tie = #bnn<tie zero>}
func.func @relu_sign(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %cst = arith.constant 0.000000e+00 : f32
    %3 = arith.maximumf %in, %cst : f32
    linalg.yield %3 : f32
  } -> tensor<1x4xf32>
  %2 = bnn.sign %1 : tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

// -----

// negative_: Abs is not a step.
// CHECK-LABEL: func.func @negative_abs(
// CHECK-NOT: bnn.binarize
// CHECK: math.absf
func.func @negative_abs(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %2 = math.absf %in : f32
    linalg.yield %2 : f32
  } -> tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

// -----

// negative_: Where(x >= 0, 1, 0) has levels 1 and 0, not +-L.
// CHECK-LABEL: func.func @negative_where01(
// CHECK-NOT: bnn.binarize
// CHECK: return
func.func @negative_where01(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<0.000000e+00> : tensor<f32>
  %cst_0 = arith.constant dense<1.000000e+00> : tensor<f32>
  %cst_1 = arith.constant dense<0.000000e+00> : tensor<f32>
  %0 = tensor.empty() : tensor<1x4xi1>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst_1 : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xi1>) {
  ^bb0(%in: f32, %in_2: f32, %out: i1):
    %4 = arith.cmpf oge, %in, %in_2 : f32
    linalg.yield %4 : i1
  } -> tensor<1x4xi1>
  %2 = tensor.empty() : tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%1, %cst_0, %cst : tensor<1x4xi1>, tensor<f32>, tensor<f32>) outs(%2 : tensor<1x4xf32>) {
  ^bb0(%in: i1, %in_2: f32, %in_3: f32, %out: f32):
    %4 = arith.select %in, %in_2, %in_3 : f32
    linalg.yield %4 : f32
  } -> tensor<1x4xf32>
  return %3 : tensor<1x4xf32>
}



// -----

// QONNX 1-bit signed Quant: bipolar, 0 -> +1.
// CHECK-LABEL: func.func @quant1(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie positive>}
// CHECK-NEXT: return %[[B]]
func.func @quant1(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<1x1xf32>
  %cst_0 = arith.constant dense<0.000000e+00> : tensor<1x1xf32>
  %0 = bnn.quant %arg0, %cst, %cst_0 {bitwidth = 1 : i64, is_signed = true, narrow = false} : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// FINN bipolar MultiThreshold (out_scale 2, out_bias -1), one threshold per channel: x >= t_c.
// CHECK-LABEL: func.func @multithreshold(
// CHECK-NEXT: %[[B:.*]] = bnn.binarize %arg0 {thresholds = dense<[5.000000e-01, -5.000000e-01, 0.000000e+00, 2.000000e+00]> : tensor<4xf32>, tie = #bnn<tie positive>}
// CHECK-NEXT: return %[[B]]
func.func @multithreshold(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<[[5.000000e-01], [-5.000000e-01], [0.000000e+00], [2.000000e+00]]> : tensor<4x1xf32>
  %0 = bnn.multi_threshold %arg0, %cst {channel_axis = 1 : i64, out_bias = -1.000000e+00 : f32, out_scale = 2.000000e+00 : f32} : (tensor<1x4xf32>, tensor<4x1xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

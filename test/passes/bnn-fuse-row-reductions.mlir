// RUN: %bnnc_opt %s -bnn-fuse-row-reductions -split-input-file | FileCheck %s

// Three normalizations as tosa-to-linalg leaves them (unit dimensions, reshapes between the
// ops): LayerNormalization over rows of 128, Softmax over rows of 8, and a LayerNormalization of
// Erf(x). The first becomes one loop over the 4 rows: the row's sum, the sum of squares of
// x - mean (the subtraction fused into it, and again into y), y; one sum per row, not one per
// reader of the mean. Softmax's rows are too short: untouched. The Erf, read by the mean, the
// variance and y, is computed once per row (too costly to recompute), into a row-sized tensor.
// CHECK-LABEL: func.func @m
// CHECK: %[[LN:.+]] = scf.for %[[I:.+]] = %c0 to %c4 step %c1 iter_args(%{{.+}} = %{{.+}}) -> (tensor<4x128xf32>)
// CHECK: %[[ROW:.+]] = tensor.extract_slice %arg0[%[[I]], 0] [1, 128] [1, 1]
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[ROW]] : tensor<1x128xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[ROW]], %[[SUM]] : tensor<1x128xf32>, tensor<1xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[Y:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[ROW]], %[[SUM]], %[[VAR]] :
// CHECK: arith.subf
// CHECK: math.rsqrt
// CHECK: tensor.insert_slice %[[Y]] into %{{.+}}[%[[I]], 0] [1, 128] [1, 1]
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<4x1x8xf32>)
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: %[[ELN:.+]] = scf.for %[[J:.+]] = %c0 to %c4 step %c1
// CHECK: %[[XROW:.+]] = tensor.extract_slice %arg0[%[[J]], 0] [1, 128] [1, 1]
// CHECK: %[[E:.+]] = linalg.generic {{.*}}ins(%[[XROW]] : tensor<1x128xf32>) outs(%{{.+}} : tensor<1x128xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.erf
// CHECK-NOT: math.erf
// CHECK: %[[ESUM:.+]] = linalg.generic {{.*}}ins(%[[E]] : tensor<1x128xf32>)
// CHECK-NOT: math.erf
// CHECK: %[[EVAR:.+]] = linalg.generic {{.*}}ins(%[[E]], %[[ESUM]] :
// CHECK-NOT: math.erf
// CHECK: linalg.generic {{.*}}ins(%[[E]], %[[ESUM]], %[[EVAR]] :
// CHECK-NOT: math.erf
// CHECK: return %[[LN]], %{{.+}}, %[[ELN]]
#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d0, 0)>
func.func @m(%arg0: tensor<4x128xf32>, %arg1: tensor<4x8xf32>) -> (tensor<4x128xf32>, tensor<4x8xf32>, tensor<4x128xf32>) {
  %cst = arith.constant 5.000000e-01 : f32
  %cst_0 = arith.constant 2.000000e+00 : f32
  %cst_1 = arith.constant -3.40282347E+38 : f32
  %cst_2 = arith.constant 0.000000e+00 : f32
  %cst_3 = arith.constant 9.99999974E-6 : f32
  %cst_4 = arith.constant 7.812500e-03 : f32
  %0 = tensor.empty() : tensor<4xf32>
  %expanded = tensor.expand_shape %0 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %1 = linalg.fill ins(%cst_2 : f32) outs(%expanded : tensor<4x1xf32>) -> tensor<4x1xf32>
  %expanded_5 = tensor.expand_shape %arg0 [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_5 : tensor<4x1x128xf32>) outs(%1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.addf %in, %out : f32
    linalg.yield %27 : f32
  } -> tensor<4x1xf32>
  %3 = tensor.empty() : tensor<4x128xf32>
  %4 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg0, %2 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.mulf %in_16, %cst_4 : f32
    %28 = arith.subf %in, %27 : f32
    linalg.yield %28 : f32
  } -> tensor<4x128xf32>
  %expanded_6 = tensor.expand_shape %4 [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %5 = tensor.empty() : tensor<4xf32>
  %expanded_7 = tensor.expand_shape %5 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %6 = linalg.fill ins(%cst_2 : f32) outs(%expanded_7 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %7 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_6 : tensor<4x1x128xf32>) outs(%6 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.mulf %in, %in : f32
    %28 = arith.addf %27, %out : f32
    linalg.yield %28 : f32
  } -> tensor<4x1xf32>
  %8 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%4, %7 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.mulf %in_16, %cst_4 : f32
    %28 = arith.addf %27, %cst_3 : f32
    %29 = math.rsqrt %28 : f32
    %30 = arith.mulf %in, %29 : f32
    %31 = arith.mulf %30, %cst_0 : f32
    %32 = arith.addf %31, %cst : f32
    linalg.yield %32 : f32
  } -> tensor<4x128xf32>
  %9 = tensor.empty() : tensor<4xf32>
  %expanded_8 = tensor.expand_shape %9 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %10 = linalg.fill ins(%cst_1 : f32) outs(%expanded_8 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %expanded_9 = tensor.expand_shape %arg1 [[0, 1], [2]] output_shape [4, 1, 8] : tensor<4x8xf32> into tensor<4x1x8xf32>
  %11 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_9 : tensor<4x1x8xf32>) outs(%10 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.maximumf %in, %out : f32
    linalg.yield %27 : f32
  } -> tensor<4x1xf32>
  %12 = tensor.empty() : tensor<4x8xf32>
  %13 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg1, %11 : tensor<4x8xf32>, tensor<4x1xf32>) outs(%12 : tensor<4x8xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.subf %in, %in_16 : f32
    %28 = math.exp %27 : f32
    linalg.yield %28 : f32
  } -> tensor<4x8xf32>
  %14 = tensor.empty() : tensor<4xf32>
  %expanded_10 = tensor.expand_shape %14 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %15 = linalg.fill ins(%cst_2 : f32) outs(%expanded_10 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %expanded_11 = tensor.expand_shape %13 [[0, 1], [2]] output_shape [4, 1, 8] : tensor<4x8xf32> into tensor<4x1x8xf32>
  %16 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_11 : tensor<4x1x8xf32>) outs(%15 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.addf %in, %out : f32
    linalg.yield %27 : f32
  } -> tensor<4x1xf32>
  %17 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%13, %16 : tensor<4x8xf32>, tensor<4x1xf32>) outs(%12 : tensor<4x8xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.divf %in, %in_16 : f32
    linalg.yield %27 : f32
  } -> tensor<4x8xf32>
  %18 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<4x128xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = math.erf %in : f32
    linalg.yield %27 : f32
  } -> tensor<4x128xf32>
  %19 = tensor.empty() : tensor<4xf32>
  %expanded_12 = tensor.expand_shape %19 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %20 = linalg.fill ins(%cst_2 : f32) outs(%expanded_12 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %expanded_13 = tensor.expand_shape %18 [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %21 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_13 : tensor<4x1x128xf32>) outs(%20 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.addf %in, %out : f32
    linalg.yield %27 : f32
  } -> tensor<4x1xf32>
  %22 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%18, %21 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.mulf %in_16, %cst_4 : f32
    %28 = arith.subf %in, %27 : f32
    linalg.yield %28 : f32
  } -> tensor<4x128xf32>
  %expanded_14 = tensor.expand_shape %22 [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %23 = tensor.empty() : tensor<4xf32>
  %expanded_15 = tensor.expand_shape %23 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %24 = linalg.fill ins(%cst_2 : f32) outs(%expanded_15 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %25 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_14 : tensor<4x1x128xf32>) outs(%24 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %27 = arith.mulf %in, %in : f32
    %28 = arith.addf %27, %out : f32
    linalg.yield %28 : f32
  } -> tensor<4x1xf32>
  %26 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%22, %25 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %in_16: f32, %out: f32):
    %27 = arith.mulf %in_16, %cst_4 : f32
    %28 = arith.addf %27, %cst_3 : f32
    %29 = math.rsqrt %28 : f32
    %30 = arith.mulf %in, %29 : f32
    %31 = arith.mulf %30, %cst_0 : f32
    %32 = arith.addf %31, %cst : f32
    linalg.yield %32 : f32
  } -> tensor<4x128xf32>
  return %8, %17, %26 : tensor<4x128xf32>, tensor<4x8xf32>, tensor<4x128xf32>
}

// -----

// The centered rows d are also a result, and the input is a matmul's. The matmul stays whole
// (named contractions have kernels of their own); d, read outside the chain, is not fused into
// y's loop but is itself a root with a row reduction (its mean): one loop computes the mean and
// d row by row, a second the variance and y from d's rows.
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0, 0)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @shared_center
// CHECK: %[[MM:.+]] = linalg.matmul
// CHECK: %[[D:.+]] = scf.for %[[I:.+]] = %c0 to %c4 step %c1
// CHECK: %[[XROW:.+]] = tensor.extract_slice %[[MM]][%[[I]], 0] [1, 128] [1, 1]
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[XROW]] :
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[XROW]], %[[SUM]] :
// CHECK: %[[Y:.+]] = scf.for %[[J:.+]] = %c0 to %c4 step %c1
// CHECK: %[[DROW:.+]] = tensor.extract_slice %[[D]][%[[J]], 0] [1, 128] [1, 1]
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[DROW]] :
// CHECK: linalg.generic {{.*}}ins(%[[DROW]], %[[VAR]] :
// CHECK: return %[[Y]], %[[D]]
func.func @shared_center(%a: tensor<4x64xf32>, %b: tensor<64x128xf32>) -> (tensor<4x128xf32>, tensor<4x128xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %inv = arith.constant 7.812500e-03 : f32
  %e0 = tensor.empty() : tensor<4x128xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x128xf32>) -> tensor<4x128xf32>
  %x = linalg.matmul ins(%a, %b : tensor<4x64xf32>, tensor<64x128xf32>) outs(%f0 : tensor<4x128xf32>) -> tensor<4x128xf32>
  %0 = tensor.empty() : tensor<4xf32>
  %expanded = tensor.expand_shape %0 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %1 = linalg.fill ins(%zero : f32) outs(%expanded : tensor<4x1xf32>) -> tensor<4x1xf32>
  %xe = tensor.expand_shape %x [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %2 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%xe : tensor<4x1x128xf32>) outs(%1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %3 = tensor.empty() : tensor<4x128xf32>
  %4 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %2 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %mean = arith.mulf %m, %inv : f32
    %d = arith.subf %in, %mean : f32
    linalg.yield %d : f32
  } -> tensor<4x128xf32>
  %de = tensor.expand_shape %4 [[0, 1], [2]] output_shape [4, 1, 128] : tensor<4x128xf32> into tensor<4x1x128xf32>
  %5 = tensor.empty() : tensor<4xf32>
  %expanded_7 = tensor.expand_shape %5 [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %6 = linalg.fill ins(%zero : f32) outs(%expanded_7 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %7 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%de : tensor<4x1x128xf32>) outs(%6 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %s = arith.addf %sq, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %8 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%4, %7 : tensor<4x128xf32>, tensor<4x1xf32>) outs(%3 : tensor<4x128xf32>) {
  ^bb0(%in: f32, %v: f32, %out: f32):
    %var = arith.mulf %v, %inv : f32
    %r = math.rsqrt %var : f32
    %y = arith.mulf %in, %r : f32
    linalg.yield %y : f32
  } -> tensor<4x128xf32>
  return %8, %4 : tensor<4x128xf32>, tensor<4x128xf32>
}

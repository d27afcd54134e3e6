// RUN: %bnnc_opt %s --bnn-pipeline=to=import | FileCheck %s --check-prefix=IMPORT
// RUN: %bnnc_opt %s --bnn-pipeline=to=binarize | FileCheck %s --check-prefix=BINARIZE
// RUN: %bnnc_opt %s --bnn-pipeline="to=binarize sign-zero-positive=true" 2>&1 | FileCheck %s --check-prefix=POSITIVE
// RUN: %bnnc_opt %s --bnn-pipeline=to=lower | FileCheck %s --check-prefix=LOWER
// RUN: %bnnc_opt %s --bnn-pipeline | FileCheck %s --check-prefix=LOWER
// An unknown phase or option fails cleanly: an error, a non-zero exit, no crash.
// RUN: not %bnnc_opt %s --bnn-pipeline=to=bogus 2>&1 | FileCheck %s --check-prefix=BOGUS
// RUN: not %bnnc_opt %s --bnn-pipeline=tx=lower 2>&1 | FileCheck %s --check-prefix=OPTION

// bnnc-opt's --bnn-pipeline=to=PHASE runs bnnc's pipeline on an imported module (see
// test/tools/bnnc/pipeline-equivalence.onnxtxt for the equality with bnnc's own output).

// IMPORT-LABEL: func.func @sign
// IMPORT-NEXT: bnn.sign %{{.*}} : tensor<1x4xf32>

// BINARIZE-LABEL: func.func @sign
// BINARIZE-NEXT: bnn.binarize %{{.*}} {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie zero>} : tensor<1x4xf32>

// POSITIVE: warning: --sign-zero=positive: this binarizer now maps an exact 0 to +1 where the model gives 0
// POSITIVE-LABEL: func.func @sign
// POSITIVE-NEXT: bnn.binarize %{{.*}} {thresholds = dense<0.000000e+00> : tensor<1xf32>, tie = #bnn<tie positive>} : tensor<1x4xf32>

// LOWER: llvm.func @sign(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// LOWER-NOT: bnn.
// LOWER: llvm.return

// BOGUS: error: bnn-pipeline: unknown phase 'bogus' (expected import, binarize or lower)
// OPTION: no such option tx

func.func @sign(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = bnn.sign %x : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

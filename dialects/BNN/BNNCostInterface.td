//===- BNNCostInterface.td - per-op cost for the cost report -*- tablegen -*-===//
//
// Every op that does arithmetic in a compiled model (float or binary, in any dialect) reports
// its cost through this interface; bnnc's cost report (docs/cost-report.md) only walks the IR
// and adds up. bnn, TOSA and linalg ops get it as external models (compiler/Cost.cpp), so the op
// definitions themselves do not change.
//
//===----------------------------------------------------------------------===//

#ifndef BNN_COST_INTERFACE_TD
#define BNN_COST_INTERFACE_TD

include "mlir/IR/OpBase.td"

def BNNCostOpInterface : OpInterface<"BNNCostOpInterface"> {
  let description = [{
    The arithmetic cost of one op as compiled: multiply-accumulates of a convolution or matrix
    product with the bit widths of both operands (nominal, for ACE as in PokeBNN, and as
    executed), the scalar operations of everything else (batch-norm, adds, pooling, activations,
    thresholds, packing), and the bytes of constant parameters and of activations read and
    written. The struct is `bnn::LayerCost` (dialects/BNN/LayerCost.h).
  }];
  let cppNamespace = "::bnn";
  let methods = [
    InterfaceMethod<
      /*desc=*/[{The cost of this op for one run of the compiled function.}],
      /*retTy=*/"::bnn::LayerCost",
      /*methodName=*/"getLayerCost",
      /*args=*/(ins)>,
  ];
}

#endif // BNN_COST_INTERFACE_TD

//===- BNNDialect.td - the bnn dialect ---------------------*- tablegen -*-===//
//
// The `bnn` dialect holds what the standard dialects lack for binarized networks: the binarizers
// found in exported ONNX files (with their exact sign(0) semantics), and, after fusion, the
// bit-packed binary layers.
//
//===----------------------------------------------------------------------===//

#ifndef BNN_DIALECT_TD
#define BNN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def BNN_Dialect : Dialect {
  let name = "bnn";
  let summary = "Binarized neural network operations";
  let description = [{
    Binarizers as found in exported ONNX models, and the bit-packed XNOR-popcount layers that
    bnnc fuses them into. The bit convention, padding and sign(0) semantics are those of
    docs/binary_semantics.md: +1 is bit 0, -1 is bit 1, packing runs along the innermost
    (channel) axis, least significant bit first.
  }];
  let cppNamespace = "::bnn";
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

def BNN_RoundingMode : I32EnumAttr<"RoundingMode", "QONNX Quant rounding mode", [
    I32EnumAttrCase<"ROUND", 0, "round">,       // half to even
    I32EnumAttrCase<"CEIL", 1, "ceil">,
    I32EnumAttrCase<"FLOOR", 2, "floor">,
    I32EnumAttrCase<"ROUND_TO_ZERO", 3, "round_to_zero">
  ]> {
  let cppNamespace = "::bnn";
  let genSpecializedAttr = 0;
}

def BNN_Tie : I32EnumAttr<"Tie", "value of a binarizer exactly at its threshold", [
    I32EnumAttrCase<"POSITIVE", 0, "positive">, // x >= t -> +1 (bipolar, BipolarQuant, Where(>=))
    I32EnumAttrCase<"ZERO", 1, "zero">,         // x == t -> 0 (ONNX Sign: ternary)
    I32EnumAttrCase<"NEGATIVE", 2, "negative">  // x > t -> +1 (Greater)
  ]> {
  let cppNamespace = "::bnn";
  let genSpecializedAttr = 0;
}

class BNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<BNN_Dialect, mnemonic, traits>;

#endif // BNN_DIALECT_TD

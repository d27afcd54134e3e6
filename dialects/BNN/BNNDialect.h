//===- BNNDialect.h - the bnn dialect ---------------------------*- C++ -*-===//
#ifndef BNNC_DIALECTS_BNN_BNNDIALECT_H
#define BNNC_DIALECTS_BNN_BNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/BNN/BNNDialect.h.inc"
#include "dialects/BNN/BNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/BNN/BNNAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/BNN/BNNOps.h.inc"

#endif // BNNC_DIALECTS_BNN_BNNDIALECT_H

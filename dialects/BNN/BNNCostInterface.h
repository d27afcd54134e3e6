//===- BNNCostInterface.h - per-op cost for the cost report -----*- C++ -*-===//
#ifndef BNNC_DIALECTS_BNN_BNNCOSTINTERFACE_H
#define BNNC_DIALECTS_BNN_BNNCOSTINTERFACE_H

#include "dialects/BNN/LayerCost.h"

#include "mlir/IR/OpDefinition.h"

#include "dialects/BNN/BNNCostInterface.h.inc"

#endif // BNNC_DIALECTS_BNN_BNNCOSTINTERFACE_H

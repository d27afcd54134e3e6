//===- BNNCostInterface.cpp - per-op cost for the cost report ---*- C++ -*-===//
#include "dialects/BNN/BNNCostInterface.h"

#include "dialects/BNN/BNNCostInterface.cpp.inc"

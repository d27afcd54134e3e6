//===- bnnc-opt.cpp - run bnnc's passes on MLIR -----------------*- C++ -*-===//
//
// mlir-opt with the bnn dialect, bnnc's passes and `--bnn-pipeline=to=PHASE`: the same pipeline
// function bnnc runs, so every compile can be replayed step by step.
//
//===----------------------------------------------------------------------===//
#include "compiler/Importer.h"
#include "compiler/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  bnnc::registerImporterDialects(registry);
  bnnc::registerPipelineDialects(registry);
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  bnn::registerBNNPasses();
  bnnc::registerPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "bnnc optimizer driver\n", registry));
}

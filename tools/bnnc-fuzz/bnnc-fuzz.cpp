//===- bnnc-fuzz.cpp - libFuzzer target: import, binarize, report, lower -*- C++ -*-===//
//
// Each input is one ONNX model (binary protobuf). It goes through what `bnnc` does with a file:
// ONNX's checker, shape inference and version converter behind bnnc's own validation, the
// importer, the binarize phase and the cost report; with BNNC_FUZZ_LOWER=1 in the environment
// also the lowering to the LLVM dialect for the host. Errors are expected and dropped; a crash,
// a sanitizer report, a leak or a hang is what the fuzzer looks for.
//
// Built with -DLLVM_USE_SANITIZE_COVERAGE=ON it is a libFuzzer binary (scripts/fuzz.sh). In
// every other build it is a plain program that runs each file named on its command line once
// (LLVM's FuzzerCLI), which is how the regression tests replay the inputs the fuzzer found.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen.h"
#include "compiler/Cost.h"
#include "compiler/Importer.h"
#include "compiler/Pipeline.h"
#include "compiler/Report.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "passes/Passes.h"
#include "tools/bnnc-fuzz/OnnxMutator.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>

namespace {

struct FuzzState {
  mlir::DialectRegistry registry;
  bool lower = false, verbose = false;
  std::unique_ptr<llvm::TargetMachine> tm;
  std::unique_ptr<mlir::MLIRContext> context;
  int contextUses = 0;
};

FuzzState *state = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  state = new FuzzState;
  bnnc::registerImporterDialects(state->registry);
  bnnc::registerPipelineDialects(state->registry);
  mlir::registerAllDialects(state->registry);
  mlir::registerAllExtensions(state->registry);
  bnnc::registerCostModels(state->registry);
  mlir::registerAllPasses();
  bnn::registerBNNPasses();
  const char *lower = std::getenv("BNNC_FUZZ_LOWER");
  state->lower = lower && std::strcmp(lower, "0") != 0;
  // BNNC_FUZZ_VERBOSE=1 prints the diagnostics, to see how far an input gets.
  const char *verbose = std::getenv("BNNC_FUZZ_VERBOSE");
  state->verbose = verbose && std::strcmp(verbose, "0") != 0;
  if (state->lower) {
    bnnc::TargetSpec spec;
    std::string error;
    if (!bnnc::resolveTarget(llvm::sys::getProcessTriple(), "", "", spec, error) ||
        !(state->tm = bnnc::createTargetMachine(spec, 2, error))) {
      llvm::errs() << "bnnc-fuzz: " << error << "\n";
      std::exit(1);
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context for 64 inputs: loading the dialects into a fresh context took most of the time
  // of a small input, and a context kept for good would pile up every input's uniqued constants.
  if (!state->context || ++state->contextUses > 64) {
    state->context = std::make_unique<mlir::MLIRContext>(state->registry,
                                                         mlir::MLIRContext::Threading::DISABLED);
    state->context->getDiagEngine().registerHandler([](mlir::Diagnostic &d) {
      if (state->verbose)
        llvm::errs() << d.getLocation() << ": " << d << "\n";
    });
    state->contextUses = 1;
  }
  mlir::MLIRContext &context = *state->context;
  bnnc::ImportOptions importOptions;
  bnnc::ModelSignature signature;
  mlir::OwningOpRef<mlir::ModuleOp> module = bnnc::importOnnxBuffer(
      context, llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      importOptions, signature);
  if (!module)
    return 0;

  bnnc::PipelineOptions options;
  options.remarks = true;
  options.stopAfter = state->lower ? bnnc::Phase::Lower : bnnc::Phase::Binarize;
  if (state->lower) {
    options.kernel = bnnc::chooseKernelBlocking(*state->tm);
    bnnc::setModuleTarget(*module, *state->tm, options.kernel);
  }
  // The cost report, as `bnnc --report-file` takes it: from the module after the binarize phase.
  auto report = [](mlir::ModuleOp m) {
    bnnc::printCostReport(bnnc::buildCostReport(m, "fuzz.onnx"), bnnc::ReportFormat::Json,
                          llvm::nulls());
  };
  mlir::PassManager pm(&context);
  if (!bnnc::buildPipeline(pm, options, llvm::nulls()))
    return 0;
  if (state->lower && !bnnc::callAfterBinarize(pm, options, report, llvm::nulls()))
    return 0;
  if (mlir::failed(pm.run(*module)))
    return 0;
  if (state->verbose)
    llvm::errs() << "bnnc-fuzz: compiled through the " << (state->lower ? "lower" : "binarize")
                 << " phase\n";
  if (!state->lower)
    report(*module);
  return 0;
}

// The structure-aware mutation (OnnxMutator.cpp). libFuzzer calls it when it is linked in;
// LLVMFuzzerMutate is libFuzzer's own byte-level mutator, absent from the replay build.
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize)
    __attribute__((weak));

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  std::mt19937_64 rng(seed);
  // One mutation in eight is a byte-level one: it reaches the protobuf parser's error paths and
  // field encodings the structured mutator never writes.
  if (rng() % 8 != 0) {
    size_t n = bnnc::fuzz::mutateModel(data, size, maxSize, rng);
    if (n)
      return n;
  }
  return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, maxSize) : size;
}

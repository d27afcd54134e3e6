//===- Pipeline.cpp - the bnnc pass pipeline --------------------*- C++ -*-===//
#include "compiler/Pipeline.h"

#include "dialects/BNN/BNNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"

namespace bnnc {

bool parsePhase(const std::string &text, Phase &phase) {
  if (text == "import")
    phase = Phase::Import;
  else if (text == "binarize")
    phase = Phase::Binarize;
  else if (text == "lower")
    phase = Phase::Lower;
  else
    return false;
  return true;
}

// The lowering is upstream MLIR throughout, in this order:
//  1. Binary layers to register-blocked vector kernels (bnn-lower-binary-kernels), the other bnn
//     ops and TOSA to linalg on tensors; fuse element-wise chains.
//  2. Empty-tensor elimination (a kernel whose result is inserted into a larger tensor, a
//     concatenation's part, writes into that tensor directly), then one-shot bufferization of
//     the whole module. No CSE before these two: it would merge the kernels' tensor.empty ops
//     of one type into one value, and a kernel that reads a concatenation (as its residual)
//     while writing its own result into the empty the concatenation was also built in is a
//     conflict that bufferization resolves by copying the concatenation's first part (ReActNet-
//     A: 21 copies, 5% of its time). Results become out-parameters so the entry
//     point writes straight into the caller's buffers (hoisting static allocations); a value
//     returned twice gets a copy first (bnn-distinct-results), one buffer per out-parameter.
//  3. bnn-scratch-arena puts the remaining scratch tensors in static memory: no malloc. An
//     allocation inside a loop (a row buffer of bnn-fuse-row-reductions) is first moved out of
//     it by upstream buffer-loop-hoisting, so the arena takes it too.
//  4. linalg to loops, then everything to the LLVM dialect with bare-pointer memrefs, so that
//     the C signature is `void f(const float *in..., float *out...)`.
static const char *kLowerToLoops =
    "bnn-lower-to-linalg,tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,"
    "tosa-to-tensor),canonicalize,func.func(linalg-fuse-elementwise-ops,bnn-fuse-row-reductions,bnn-reassociate-reductions),canonicalize,"
    "func.func(bnn-distinct-results),eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "canonicalize,cse,canonicalize,"
    "buffer-results-to-out-params{modify-public-functions hoist-static-allocs},"
    "func.func(bnn-elide-output-copies,buffer-loop-hoisting),bnn-scratch-arena,buffer-deallocation-pipeline,canonicalize,"
    "func.func(bnn-copy-to-linalg,convert-linalg-to-loops,bnn-lower-dot-products,bnn-approximate-math),"
    "convert-vector-to-scf{full-unroll=true},"
    "bnn-outline-kernels,duplicate-function-elimination,"
    "expand-strided-metadata,lower-affine,convert-scf-to-cf";
// Preceded by convert-vector-to-llvm, whose lowering of vector.transpose (the float layout
// transposes' tiles) depends on the target: 16 x 16 shuffles on AVX-512, element-wise otherwise.
static const char *kToLLVM =
    "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts,canonicalize";

bool buildPipeline(mlir::OpPassManager &pm, const PipelineOptions &options,
                   llvm::raw_ostream &errors) {
  if (options.stopAfter == Phase::Import)
    return true;
  // Binarize: every binarizer encoding becomes bnn.binarize, then convolutions and matmuls of
  // binary operands become packed XNOR-popcount ops (docs/passes.md).
  std::string binarize = std::string("func.func(bnn-normalize-binarizers{sign-zero-positive=") +
                         (options.signZeroPositive ? "true" : "false") +
                         "},canonicalize,bnn-fuse-binary-layers{remarks=" +
                         (options.remarks ? "true" : "false") +
                         "},bnn-fuse-output-transforms),canonicalize,cse";
  if (mlir::failed(mlir::parsePassPipeline(binarize, pm, errors)))
    return false;
  if (options.stopAfter == Phase::Binarize)
    return true;
  std::string kernels = "func.func(bnn-lower-binary-kernels{lanes=" +
                        std::to_string(options.kernel.lanes) +
                        " vectors=" + std::to_string(options.kernel.vectors) +
                        " pixels=" + std::to_string(options.kernel.pixels) +
                        " accumulate=" + options.kernel.accumulate +
                        " duplicate-input=" + (options.kernel.duplicateInput ? "true" : "false") + "}," +
                        "bnn-lower-float-convs{lanes=" + std::to_string(options.kernel.lanes) +
                        " vectors=2 pixels=" + std::to_string(options.kernel.pixels) +
                        " dot=" + options.kernel.dot + "},";
  return mlir::succeeded(mlir::parsePassPipeline(kernels + kLowerToLoops, pm, errors)) &&
         mlir::succeeded(mlir::parsePassPipeline(
             std::string("convert-vector-to-llvm") +
                 (bnn::floatLanes(bnn::KernelConfig{options.kernel.lanes}) == 16
                      ? "{vector-transpose-lowering=shuffle16x16},"
                      : ",") +
                 kToLLVM,
             pm, errors));
}

namespace {
struct BnnPipelineOptions : mlir::PassPipelineOptions<BnnPipelineOptions> {
  Option<std::string> to{*this, "to",
                         llvm::cl::desc("Last phase to run: binarize or lower"),
                         llvm::cl::init("lower")};
  Option<bool> remarks{*this, "remarks",
                       llvm::cl::desc("Report each conv/matmul: binarized or why not"),
                       llvm::cl::init(false)};
  Option<bool> signZeroPositive{*this, "sign-zero-positive",
                                llvm::cl::desc("Map exact zeros at binarizers to +1"),
                                llvm::cl::init(false)};
  Option<int64_t> lanes{*this, "lanes", llvm::cl::desc("Binary kernels: i64 words per vector"),
                        llvm::cl::init(1)};
  Option<int64_t> vectors{*this, "vectors",
                          llvm::cl::desc("Binary kernels: vectors of output channels per block"),
                          llvm::cl::init(4)};
  Option<int64_t> pixels{*this, "pixels",
                         llvm::cl::desc("Binary kernels: output positions per block"),
                         llvm::cl::init(2)};
  Option<std::string> accumulate{*this, "accumulate",
                                 llvm::cl::desc("Binary kernels' accumulators: words or bytes"),
                                 llvm::cl::init("words")};
  Option<bool> duplicateInput{*this, "duplicate-input",
                              llvm::cl::desc("Binary kernels: input words from a lane-repeated copy"),
                              llvm::cl::init(false)};
  Option<std::string> dot{*this, "dot",
                          llvm::cl::desc("Int8 dot product of QDQ convs: none, vnni or sdot"),
                          llvm::cl::init("none")};
};
} // namespace

void registerPipelines() {
  mlir::registerPassPipeline(
      "bnn-pipeline", "bnnc's pipeline from an imported module to the LLVM dialect",
      [](mlir::OpPassManager &pm, llvm::StringRef optionsText,
         llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> errorHandler) {
        BnnPipelineOptions opts;
        if (mlir::failed(opts.parseFromString(optionsText)))
          return mlir::failure();
        PipelineOptions options;
        options.remarks = opts.remarks;
        options.signZeroPositive = opts.signZeroPositive;
        options.kernel.lanes = opts.lanes;
        options.kernel.vectors = opts.vectors;
        options.kernel.pixels = opts.pixels;
        options.kernel.accumulate = opts.accumulate;
        options.kernel.dot = opts.dot;
        options.kernel.duplicateInput = opts.duplicateInput;
        if (!parsePhase(opts.to, options.stopAfter))
          return errorHandler("bnn-pipeline: unknown phase '" + opts.to +
                              "' (expected import, binarize or lower)");
        std::string message;
        llvm::raw_string_ostream os(message);
        if (!buildPipeline(pm, options, os))
          return errorHandler(message);
        return mlir::success();
      },
      [](llvm::function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(BnnPipelineOptions());
      });
}

void registerPipelineDialects(mlir::DialectRegistry &registry) {
  registry.insert<bnn::BNNDialect, mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect, mlir::tosa::TosaDialect,
                  mlir::vector::VectorDialect,
                  mlir::bufferization::BufferizationDialect, mlir::LLVM::LLVMDialect>();
}

} // namespace bnnc

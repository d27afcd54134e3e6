//===- Codegen.h - LLVM IR, object code and the C header --------*- C++ -*-===//
#ifndef BNNC_COMPILER_CODEGEN_H
#define BNNC_COMPILER_CODEGEN_H

#include "compiler/Pipeline.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlir {
class ModuleOp;
class TimingScope;
} // namespace mlir
namespace llvm {
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace bnnc {

struct ModelSignature;

/// A code generation target: bnnc's short names (x86_64, aarch64, armv7, riscv64, riscv64-rvv)
/// or any LLVM triple, with CPU and feature overrides.
struct TargetSpec {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// Fills `spec` from the user's `-target`, `-mcpu` and `-mattr` (docs/targets.md): a short
/// name's default CPU and features, or a triple's conservative baseline; `-mcpu` replaces the CPU
/// and its extensions but keeps the features the ABI needs; `-mattr` is appended last.
/// `-mcpu=native` means the host's CPU and features, for a target of the host's architecture.
bool resolveTarget(const std::string &target, const std::string &cpu, const std::string &mattr,
                   TargetSpec &spec, std::string &error);

/// Creates LLVM's TargetMachine for `spec`; null with `error` if LLVM does not know the target,
/// CPU or a feature.
std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSpec &spec, int optLevel,
                                                         std::string &error);

/// The kernel options for a target (docs/kernels.md, "Block sizes per target"), from its vector
/// width, register count and extensions (so `-mcpu`, `-mattr` and `-mcpu=native` all count).
KernelOptions chooseKernelBlocking(const llvm::TargetMachine &tm);

/// Stamps the target's triple and data layout on the module, before lowering, and
/// `bnn.int8_dot` (`kernel.dot`, the options the pipeline runs with) for the cost report.
void setModuleTarget(mlir::ModuleOp module, llvm::TargetMachine &tm, const KernelOptions &kernel);

/// Reads the entry's scratch arena (size and alignment) that bnn-scratch-arena recorded on the
/// lowered module into `signature`; false if the module has no arena for the entry.
bool readScratchArena(mlir::ModuleOp module, ModelSignature &signature);

enum class OutputKind { Object, Assembly, LLVMIR };

/// Translates a module lowered to the LLVM dialect to LLVM IR, adds the model descriptor
/// (`NAME_info`, see runtime/include/bnnc/bnnc_runtime.h) and, if `entryAlias`, the alias
/// `bnnc_entry` the runtime's harness links against; optimizes at `optLevel` and writes the
/// result to `os`.
/// With `timing`, its steps (translation, optimization, code generation) are timed under it.
bool emitModule(mlir::ModuleOp module, const ModelSignature &signature, llvm::TargetMachine &tm,
                OutputKind kind, bool entryAlias, int optLevel, llvm::raw_pwrite_stream &os,
                std::string &error, mlir::TimingScope *timing = nullptr);

/// The C header declaring the entry point, its tensor shapes and the descriptor.
std::string generateHeader(const ModelSignature &signature, const std::string &sourceName);

} // namespace bnnc

#endif // BNNC_COMPILER_CODEGEN_H

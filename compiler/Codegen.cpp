//===- Codegen.cpp - LLVM IR, object code and the C header ------*- C++ -*-===//
#include "compiler/Codegen.h"

#include "mlir/Support/Timing.h"

#include "compiler/Importer.h"
#include "compiler/Pipeline.h"
#include "compiler/Tensor.h"
#include "runtime/include/bnnc/bnnc_runtime.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <sstream>

namespace bnnc {

namespace {

/// Default CPU and features of a target. `abiFeatures` stay when the user picks another CPU with
/// -mcpu (the object must keep the calling convention and float ABI of the platform's C library);
/// `extraFeatures` are this target's ISA extensions beyond that baseline and give way to the
/// user's CPU.
struct TargetDefaults {
  const char *cpu;
  const char *abiFeatures;
  const char *extraFeatures;
};

/// AArch64 tuning: no load pairs (LLVM's `disable-ldp`). An in-order little core loads a pair of
/// q registers slower than two single loads (LLVM's Cortex-A55 model: 6 cycles for an ldp of two
/// q registers), and the binary kernel's inner loop loads 10 vectors per 72 vector ops: with
/// pairs it ran at 25.4 binary MACs per cycle on A55, with single loads at 34.5; Cortex-A72, out
/// of order, runs both at its vector-pipe bound, 85.2 (bench/mca_aarch64.py). Part of the
/// generic default and added for the little cores named by -mcpu; -mattr=-disable-ldp undoes it.
const char *const kAArch64NoLoadPairs = "+disable-ldp";
const char *const kAArch64LittleCores[] = {"cortex-a53", "cortex-a55", "cortex-a510", "cortex-a520"};

struct ShortTarget {
  const char *name, *triple;
  TargetDefaults defaults;
};

// x86-64-v2 has popcnt and SSE4.2 and runs on any x86-64 of the last fifteen years. AArch64 with
// NEON, tuned not to pair loads (kAArch64NoLoadPairs). ARMv7-A with NEON and VFPv4 (32 double
// registers), hard float as Debian's armhf. RV64GC (m/a/f/d/c: the lp64d float ABI of Linux) plus
// Zbb (scalar cpop), and plus V (RVV 1.0) for riscv64-rvv.
const ShortTarget kShortTargets[] = {
    {"x86_64", "x86_64-unknown-linux-gnu", {"x86-64-v2", "", ""}},
    {"aarch64", "aarch64-unknown-linux-gnu", {"generic", "", "+neon,+disable-ldp"}},
    {"armv7", "armv7-unknown-linux-gnueabihf", {"generic", "+vfp2", "+neon,+vfp4,+d32"}},
    {"riscv64", "riscv64-unknown-linux-gnu", {"generic-rv64", "+m,+a,+f,+d,+c", "+zbb"}},
    {"riscv64-rvv", "riscv64-unknown-linux-gnu", {"generic-rv64", "+m,+a,+f,+d,+c", "+zbb,+v"}},
};

/// Conservative defaults for a full triple: the baseline every machine of that architecture (and
/// float ABI) has.
TargetDefaults tripleDefaults(const llvm::Triple &t) {
  switch (t.getArch()) {
  case llvm::Triple::x86_64:
    return {"x86-64-v2", "", ""};
  case llvm::Triple::aarch64:
    return {"generic", "", "+neon,+disable-ldp"};
  case llvm::Triple::arm:
  case llvm::Triple::thumb:
    if (t.isHardFloatABI()) // Debian armhf's baseline: VFPv3 with 16 double registers
      return {"generic", "+vfp3d16", ""};
    return {"generic", "", ""};
  case llvm::Triple::riscv64:
    return {"generic-rv64", "+m,+a,+f,+d,+c", ""};
  case llvm::Triple::riscv32:
    return {"generic-rv32", "+m,+a,+f,+d,+c", ""};
  default:
    return {"generic", "", ""};
  }
}

std::string joinFeatures(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string &p : parts)
    if (!p.empty())
      out += (out.empty() ? "" : ",") + p;
  return out;
}

} // namespace

bool resolveTarget(const std::string &target, const std::string &cpu, const std::string &mattr,
                   TargetSpec &spec, std::string &error) {
  spec = TargetSpec();
  TargetDefaults defaults{"generic", "", ""};
  bool found = false;
  for (const ShortTarget &k : kShortTargets)
    if (target == k.name) {
      spec.triple = k.triple;
      defaults = k.defaults;
      found = true;
    }
  if (!found) {
    llvm::Triple triple(llvm::Triple::normalize(target));
    if (target.empty() || triple.getArch() == llvm::Triple::UnknownArch) {
      error = "unknown target '" + target +
              "' (expected x86_64, aarch64, armv7, riscv64, riscv64-rvv or an LLVM triple such "
              "as aarch64-unknown-linux-gnu)";
      return false;
    }
    spec.triple = triple.str();
    defaults = tripleDefaults(triple);
  }
  if (cpu == "native") {
    // The host's CPU and exactly its features; only meaningful for the host's architecture.
    llvm::Triple host(llvm::sys::getProcessTriple());
    if (llvm::Triple(spec.triple).getArch() != host.getArch()) {
      error = "-mcpu=native describes this machine (" + host.getArchName().str() +
              "), not the target " + spec.triple + "; name a CPU instead";
      return false;
    }
    spec.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures features;
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      features.AddFeature(f.first(), f.second);
    spec.features = joinFeatures({features.getString(), mattr});
  } else if (!cpu.empty()) {
    // The user's CPU brings its own extensions; keep only what the ABI needs (and, for an
    // in-order AArch64 core, single loads: kAArch64NoLoadPairs).
    spec.cpu = cpu;
    bool little = llvm::Triple(spec.triple).isAArch64() &&
                  llvm::is_contained(kAArch64LittleCores, llvm::StringRef(cpu));
    spec.features = joinFeatures({defaults.abiFeatures, little ? kAArch64NoLoadPairs : "", mattr});
  } else {
    spec.cpu = defaults.cpu;
    spec.features = joinFeatures({defaults.abiFeatures, defaults.extraFeatures, mattr});
  }
  return true;
}

static void initializeLLVMTargets() {
  static bool done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)done;
}

std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSpec &spec, int optLevel,
                                                         std::string &error) {
  initializeLLVMTargets();
  llvm::Triple triple(spec.triple);
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    error = "LLVM does not know the target '" + spec.triple + "': " + error;
    return nullptr;
  }
  // LLVM silently ignores an unknown CPU or feature (it prints a warning): check them here.
  // (Asked with the default CPU: an unknown one would make LLVM print a warning first.)
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple, "", ""));
  if (!sti || (!spec.cpu.empty() && spec.cpu != "generic" && !sti->isCPUStringValid(spec.cpu))) {
    error = "LLVM does not know the CPU '" + spec.cpu + "' for " + spec.triple;
    return nullptr;
  }
  llvm::SubtargetFeatures features(spec.features);
  auto known = sti->getAllProcessorFeatures();
  for (const std::string &f : features.getFeatures()) {
    llvm::StringRef name = llvm::StringRef(f).drop_front(f[0] == '+' || f[0] == '-' ? 1 : 0);
    bool valid = llvm::any_of(known, [&](const llvm::SubtargetFeatureKV &kv) {
      return name == kv.Key;
    });
    if (!valid && !name.empty()) {
      error = "LLVM does not know the feature '" + name.str() + "' for " + spec.triple;
      return nullptr;
    }
  }
  llvm::TargetOptions options;
  // Say it rather than rely on the default: an armv7 object must pass floats in VFP registers
  // like Debian's armhf libc (arm-linux-gnueabihf).
  if (triple.isHardFloatABI())
    options.FloatABIType = llvm::FloatABI::Hard;
  // Every function and global in its own section, so that a program linked with --gc-sections
  // drops what it never calls: the static scratch arena, when it only uses NAME_with_scratch.
  options.FunctionSections = true;
  options.DataSections = true;
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                               : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, spec.cpu, spec.features, options, llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    error = "LLVM could not create a target machine for " + spec.triple;
  return tm;
}

KernelOptions chooseKernelBlocking(const llvm::TargetMachine &tm) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  const llvm::Triple &triple = tm.getTargetTriple();
  auto has = [&](const char *feature) { return sti && sti->checkFeatures(feature); };
  KernelOptions k;
  if (triple.isX86()) {
    if (has("+avx512vpopcntdq") && has("+avx512f"))
      // AVX-512 VPOPCNTDQ: 32 zmm of 8 words; up to 8 x 2 accumulators, 2 weight vectors and
      // the broadcasts leave registers to spare.
      k = {8, 2, 8};
    else if (has("+avx512bw"))
      // AVX-512 without VPOPCNTDQ (Skylake-SP, Cascade Lake, x86-64-v4): zmm of 8 words with the
      // byte-table popcount (vpshufb on zmm needs BW) into byte lanes. 32 registers hold 2 x 4
      // byte accumulators, their i64 sums, 2 weight vectors, the table, the nibble mask and the
      // temporaries. A 3x3 256 -> 256 layer at 14 x 14 compiled for skylake-avx512 (run on an
      // AVX-512 host): 0.637 ms with ymm (the AVX2 kernel), 0.350 ms; blocks of 2 x 5, 4 x 2
      // and 2 x 3 ran within 1% of 2 x 4 (the loop is bound by the vector ports).
      k = {8, 2, 4, "bytes"};
    else if (has("+avx2"))
      // AVX2: 16 ymm of 4 words; the byte-table popcount needs a table, a nibble mask and three
      // temporaries, so 2 x 2 accumulators.
      k = {4, 2, 2, "bytes"};
    else
      // Scalar popcnt (x86-64-v2): 16 general registers; 2 x 4 accumulators.
      k = {1, 4, 2};
    // vpdpbusd at the float kernels' width (zmm with 8 words per vector, else ymm): AVX512-VNNI
    // (with VL below 512 bits) or AVX-VNNI (ymm only here).
    bool zmm = k.lanes == 8, ymm = k.lanes == 4;
    if ((zmm && has("+avx512vnni")) ||
        (ymm && (has("+avxvnni") || (has("+avx512vnni") && has("+avx512vl")))))
      k.dot = "vnni";
    return k;
  }
  if (triple.isAArch64()) {
    // NEON: 32 q registers of 2 words; per step eor, cnt, add on bytes. 3 x 4 byte accumulators
    // + 3 x 4 i64 accumulators + 4 weight vectors + a broadcast fit in 32.
    k = {2, 4, 3, "bytes"};
    if (has("+dotprod"))
      k.dot = "sdot";
    // The 12 input words of a 3 x 4 block step as plain 128-bit loads of a lane-repeated copy:
    // ld1r takes one of Cortex-A72's two vector pipes besides the load, and the 72 eor, cnt and
    // add of a step-pair need both (llvm-mca, A72: 74 -> 85 binary MACs per cycle, the bound).
    k.duplicateInput = true;
    return k;
  }
  if (triple.isARM())
    // ARMv7 NEON: 16 q registers; 2 x 2 byte and i64 accumulators (veor, vcnt.8, vadd.i8).
    return has("+neon") ? KernelOptions{2, 2, 2, "bytes"} : KernelOptions{1, 4, 2};
  if (triple.isRISCV())
    // RVV at VLEN 128 holds 2 words per register: 2 x 2 accumulators (the bit-trick popcount
    // without Zvbb needs several temporaries); scalar Zbb cpop: 31 registers, 3 x 4.
    return has("+v") ? KernelOptions{2, 2, 2, "bytes"} : KernelOptions{1, 4, 3};
  return k;
}

void setModuleTarget(mlir::ModuleOp module, llvm::TargetMachine &tm, const KernelOptions &kernel) {
  mlir::OpBuilder b(module.getContext());
  module->setAttr("llvm.target_triple", b.getStringAttr(tm.getTargetTriple().str()));
  module->setAttr("llvm.data_layout",
                  b.getStringAttr(tm.createDataLayout().getStringRepresentation()));
  // What the cost report needs to know of the kernels: whether int8 (QDQ) convs run on a dot
  // product (bnn::runsOnInt8DotProduct).
  if (kernel.dot != "none")
    module->setAttr("bnn.int8_dot", b.getStringAttr(kernel.dot));
}

bool readScratchArena(mlir::ModuleOp module, ModelSignature &signature) {
  auto arenas = module->getAttrOfType<mlir::DictionaryAttr>("bnn.scratch_arena");
  auto arena = arenas ? arenas.getAs<mlir::DictionaryAttr>(signature.funcName) : nullptr;
  auto bytes = arena ? arena.getAs<mlir::IntegerAttr>("bytes") : nullptr;
  auto alignment = arena ? arena.getAs<mlir::IntegerAttr>("alignment") : nullptr;
  if (!bytes || !alignment)
    return false;
  signature.scratchBytes = bytes.getInt();
  signature.scratchAlignment = alignment.getInt();
  return true;
}

namespace {

/// Builds the `bnnc_model_info` descriptor of runtime/include/bnnc/bnnc_runtime.h in LLVM IR,
/// and the packed entries `NAME_run_packed(void *const *buffers)` and
/// `NAME_run_packed_scratch(void *const *buffers, void *scratch)` it points to.
void addDescriptor(llvm::Module &m, const ModelSignature &sig, bool entryAlias) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  auto *tensorInfo = llvm::StructType::get(ctx, {ptr, i32, i32, ptr});
  auto *modelInfo =
      llvm::StructType::get(ctx, {i32, ptr, i32, i32, ptr, ptr, ptr, i64, i64, ptr});
  const std::string &name = sig.funcName;

  auto privateConst = [&](llvm::Constant *init, const std::string &sym) {
    return new llvm::GlobalVariable(m, init->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                    init, sym);
  };
  auto cstring = [&](const std::string &s, const std::string &sym) {
    return privateConst(llvm::ConstantDataArray::getString(ctx, s), sym);
  };
  auto tensors = [&](const std::vector<TensorSignature> &list, const char *kind) {
    std::vector<llvm::Constant *> entries;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string base = name + "_" + kind + std::to_string(i);
      std::vector<llvm::Constant *> dims;
      for (int64_t d : list[i].shape)
        dims.push_back(llvm::ConstantInt::get(i64, d));
      llvm::Constant *shape = llvm::ConstantPointerNull::get(ptr);
      if (!dims.empty())
        shape = privateConst(llvm::ConstantArray::get(llvm::ArrayType::get(i64, dims.size()), dims),
                             base + "_shape");
      entries.push_back(llvm::ConstantStruct::get(
          tensorInfo, {cstring(list[i].name, base + "_name"),
                       llvm::ConstantInt::get(i32, list[i].dtype),
                       llvm::ConstantInt::get(i32, list[i].shape.size()), shape}));
    }
    return privateConst(
        llvm::ConstantArray::get(llvm::ArrayType::get(tensorInfo, entries.size()), entries),
        name + "_" + kind + "s");
  };

  // NAME_run_packed(buffers): loads the pointers and calls NAME(in..., out...);
  // NAME_run_packed_scratch(buffers, scratch) calls NAME_with_scratch(in..., out..., scratch).
  auto packedEntry = [&](llvm::Function *callee, bool withScratch) {
    std::vector<llvm::Type *> params{ptr};
    if (withScratch)
      params.push_back(ptr);
    auto *packedTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), params, false);
    auto *packed = llvm::Function::Create(packedTy, llvm::GlobalValue::InternalLinkage,
                                          name + (withScratch ? "_run_packed_scratch"
                                                              : "_run_packed"),
                                          m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", packed));
    std::vector<llvm::Value *> args;
    size_t count = sig.inputs.size() + sig.outputs.size();
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *slot = b.CreateConstGEP1_64(ptr, packed->getArg(0), i);
      args.push_back(b.CreateLoad(ptr, slot));
    }
    if (withScratch)
      args.push_back(packed->getArg(1));
    b.CreateCall(callee, args);
    b.CreateRetVoid();
    return packed;
  };
  llvm::Function *packed = packedEntry(m.getFunction(name), false);
  llvm::Function *packedScratch = packedEntry(m.getFunction(name + "_with_scratch"), true);

  llvm::Constant *info = llvm::ConstantStruct::get(
      modelInfo, {llvm::ConstantInt::get(i32, BNNC_ABI_VERSION), cstring(name, name + "_name"),
                  llvm::ConstantInt::get(i32, sig.inputs.size()),
                  llvm::ConstantInt::get(i32, sig.outputs.size()), tensors(sig.inputs, "in"),
                  tensors(sig.outputs, "out"), packed,
                  llvm::ConstantInt::get(i64, sig.scratchBytes),
                  llvm::ConstantInt::get(i64, sig.scratchAlignment), packedScratch});
  auto *global = new llvm::GlobalVariable(m, modelInfo, true, llvm::GlobalValue::ExternalLinkage,
                                          info, name + "_info");
  if (entryAlias)
    llvm::GlobalAlias::create(llvm::GlobalValue::ExternalLinkage, "bnnc_entry", global);
}

} // namespace

bool emitModule(mlir::ModuleOp module, const ModelSignature &signature, llvm::TargetMachine &tm,
                OutputKind kind, bool entryAlias, int optLevel, llvm::raw_pwrite_stream &os,
                std::string &error, mlir::TimingScope *timing) {
  mlir::TimingScope none;
  mlir::TimingScope &scope = timing ? *timing : none;
  mlir::TimingScope translateTimer = scope.nest("translate to LLVM IR");
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> m = mlir::translateModuleToLLVMIR(module, llvmContext, "bnnc");
  if (!m) {
    error = "translation to LLVM IR failed";
    return false;
  }
  m->setTargetTriple(tm.getTargetTriple());
  m->setDataLayout(tm.createDataLayout());
  for (const std::string &f : {signature.funcName, signature.funcName + "_with_scratch"})
    if (!m->getFunction(f)) {
      error = "the lowered module has no function '" + f + "'";
      return false;
    }
  // NAME only passes the static arena on to NAME_with_scratch: never a copy of the model.
  m->getFunction(signature.funcName + "_with_scratch")->addFnAttr(llvm::Attribute::NoInline);
  addDescriptor(*m, signature, entryAlias);
  // Attach the target's CPU and features to every function, so the optimizer's cost model and
  // the vectorizer see the right ISA.
  // Where the kernels run on zmm registers (chooseKernelBlocking's 8-word vectors: AVX-512, with
  // or without VPOPCNTDQ), the loops LLVM vectorizes itself get 512-bit vectors too. LLVM's tuning for Intel
  // cores prefers 256 bits there, to keep a core out of the lower-frequency AVX-512 license, which
  // the kernels take anyway; the element-wise loops (GELU's polynomial erf, residual adds,
  // LayerNorm's passes) then do twice the work per instruction. BiBERT-base 3-6% faster, the
  // CNNs unchanged (interleaved runs).
  bool zmmLoops = tm.getTargetTriple().isX86() && chooseKernelBlocking(tm).lanes == 8;
  for (llvm::Function &f : *m) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", tm.getTargetCPU());
    if (!tm.getTargetFeatureString().empty())
      f.addFnAttr("target-features", tm.getTargetFeatureString());
    if (zmmLoops)
      f.addFnAttr("prefer-vector-width", "512");
  }
  std::string verifyErrors;
  llvm::raw_string_ostream verifyStream(verifyErrors);
  if (llvm::verifyModule(*m, &verifyStream)) {
    error = "invalid LLVM IR: " + verifyErrors;
    return false;
  }

  translateTimer.stop();
  if (optLevel > 0) {
    mlir::TimingScope optimizeTimer = scope.nest("LLVM optimization");
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(&tm);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    auto level = optLevel >= 3   ? llvm::OptimizationLevel::O3
                 : optLevel == 2 ? llvm::OptimizationLevel::O2
                                 : llvm::OptimizationLevel::O1;
    llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
    mpm.run(*m, mam);
  }

  if (kind == OutputKind::LLVMIR) {
    m->print(os, nullptr);
    return true;
  }
  mlir::TimingScope codegenTimer = scope.nest("LLVM code generation");
  llvm::legacy::PassManager codegen;
  auto fileType = kind == OutputKind::Object ? llvm::CodeGenFileType::ObjectFile
                                             : llvm::CodeGenFileType::AssemblyFile;
  if (tm.addPassesToEmitFile(codegen, os, nullptr, fileType)) {
    error = "the target cannot emit this file type";
    return false;
  }
  codegen.run(*m);
  return true;
}

static const char *cType(int32_t dtype) {
  switch (dtype) {
  case kFloat: return "float";
  case kDouble: return "double";
  case kInt8: return "int8_t";
  case kUInt8: return "uint8_t";
  case kBool: return "bool";
  case kInt32: return "int32_t";
  case kInt64: return "int64_t";
  default: return "void";
  }
}

std::string generateHeader(const ModelSignature &sig, const std::string &sourceName) {
  std::ostringstream h;
  std::string upper;
  for (char c : sig.funcName)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  h << "/* Generated by bnnc from " << sourceName << ". Do not edit. */\n"
    << "#ifndef " << upper << "_H\n#define " << upper << "_H\n\n"
    << "#include <stdbool.h>\n#include <stdint.h>\n\n"
    << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  auto describe = [&](const std::vector<TensorSignature> &list, const char *kind) {
    h << "#define " << upper << "_NUM_" << kind << "S " << list.size() << "\n";
    for (size_t i = 0; i < list.size(); ++i) {
      const auto &t = list[i];
      int64_t n = 1;
      h << "/* " << kind << " " << i << ": '" << t.name << "', " << dtypeName(t.dtype) << " [";
      for (size_t d = 0; d < t.shape.size(); ++d) {
        h << (d ? ", " : "") << t.shape[d];
        n *= t.shape[d];
      }
      h << "] */\n#define " << upper << "_" << kind << i << "_SIZE " << n << "\n";
      h << "#define " << upper << "_" << kind << i << "_RANK " << t.shape.size() << "\n";
    }
  };
  describe(sig.inputs, "INPUT");
  describe(sig.outputs, "OUTPUT");
  auto params = [&](bool scratch) {
    bool first = true;
    for (size_t i = 0; i < sig.inputs.size(); ++i, first = false)
      h << (first ? "" : ", ") << "const " << cType(sig.inputs[i].dtype) << " *in" << i;
    for (size_t i = 0; i < sig.outputs.size(); ++i, first = false)
      h << (first ? "" : ", ") << cType(sig.outputs[i].dtype) << " *out" << i;
    if (scratch)
      h << (first ? "" : ", ") << "void *scratch";
    h << ");\n";
  };
  h << "\n/* The scratch arena of the intermediate tensors: its size in bytes (may be 0) and the\n"
    << " * alignment it needs. */\n"
    << "#define " << upper << "_SCRATCH_SIZE " << sig.scratchBytes << "u\n"
    << "#define " << upper << "_SCRATCH_ALIGNMENT " << sig.scratchAlignment << "u\n"
    << "\n/* Runs the model. Buffers are dense, row-major, in the ONNX model's layout; the caller\n"
    << " * owns them. Not reentrant: the scratch arena is a static buffer in the object. */\n"
    << "void " << sig.funcName << "(";
  params(false);
  h << "\n/* Runs the model in the caller's arena `scratch` (" << upper << "_SCRATCH_SIZE bytes,\n"
    << " * aligned to " << upper << "_SCRATCH_ALIGNMENT; need not be initialized, left as garbage).\n"
    << " * Calls with distinct arenas may run at the same time. */\n"
    << "void " << sig.funcName << "_with_scratch(";
  params(true);
  h << "\n/* The model's descriptor (bnnc/bnnc_runtime.h). */\n"
    << "struct bnnc_model_info;\nextern const struct bnnc_model_info " << sig.funcName
    << "_info;\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return h.str();
}

} // namespace bnnc

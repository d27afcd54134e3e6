//===- bnnc.cpp - the bnnc compiler driver ----------------------*- C++ -*-===//
//
//   bnnc MODEL.onnx [-target=x86_64] [-mcpu=...] [-mattr=...] [-o OUT]
//        [--emit=obj|lib|exe|asm|llvm|mlir[:import|binarize|lower]] [--report-file=PATH]
//   bnnc MODEL.onnx --report=text|json|html [-o OUT]
//
// Options live here, in the tool, and are passed down as plain structs.
//
//===----------------------------------------------------------------------===//
#include "compiler/Codegen.h"
#include "compiler/Importer.h"
#include "compiler/Link.h"
#include "compiler/Pipeline.h"
#include "compiler/Cost.h"
#include "compiler/Report.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "passes/Passes.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace llvm;

static cl::OptionCategory category("bnnc options");
static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"), cl::cat(category));
static cl::opt<bool> listOps("list-ops",
                             cl::desc("Print the supported ONNX ops as a Markdown table and exit"),
                             cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"), cl::value_desc("path"),
                                       cl::cat(category));
static cl::opt<std::string> target("target",
                                   cl::desc("x86_64, aarch64, armv7, riscv64, riscv64-rvv or an "
                                            "LLVM triple"),
                                   cl::init("x86_64"), cl::cat(category));
static cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (or 'native')"), cl::cat(category));
static cl::opt<std::string> mattr("mattr", cl::desc("Target features, e.g. +avx2,-fma"),
                                  cl::cat(category));
static cl::opt<std::string> emit("emit",
                                 cl::desc("obj (default, with a C header), lib (a static archive "
                                          "with the runtime, and the header), exe, asm, llvm, "
                                          "or mlir[:import|binarize|lower]"),
                                 cl::init("obj"), cl::cat(category));
static cl::opt<std::string> modelName("name",
                                      cl::desc("Entry point name (default: the model file's stem)"),
                                      cl::cat(category));
static cl::list<std::string> inputShapes("input-shape",
                                         cl::desc("Fix a dynamic input shape: NAME:1x3x32x32"),
                                         cl::cat(category));
static cl::opt<bool> remarks("remarks",
                             cl::desc("Report every Conv/Gemm/MatMul: binarized, or why it "
                                      "stays float"),
                             cl::cat(category));
static cl::opt<std::string> signZero("sign-zero",
                                     cl::desc("faithful (default: ONNX Sign maps 0 to 0) or "
                                              "positive (0 -> +1, the bipolar form of Larq and QONNX; every binarizer this "
                                              "may change is reported)"),
                                     cl::init("faithful"), cl::cat(category));
static cl::opt<std::string> reportFormat("report",
                                         cl::desc("Write only the cost report of the compiled "
                                                  "model (docs/cost-report.md): text, json or "
                                                  "html, to -o (default: stdout)"),
                                         cl::value_desc("format"), cl::cat(category));
static cl::opt<std::string> reportFile("report-file",
                                       cl::desc("Also write the cost report to this file (format "
                                                "by extension: .json, .html, else text)"),
                                       cl::value_desc("path"), cl::cat(category));
static cl::opt<bool> timePhases("time-phases",
                                cl::desc("Print where compile time goes (import, each pass, "
                                         "LLVM optimization and code generation) to stderr"),
                                cl::cat(category));
static cl::opt<bool> verifyEach("verify-each",
                                cl::desc("Verify the IR after every pass (a debugging aid; by "
                                         "default it is verified once, after the pipeline)"),
                                cl::cat(category));
// Default 2: the kernels reach LLVM already register-blocked and vectorized, and LLVM's O3 adds
// nothing to them: ReActNet-A, Bi-Real-18, CNV-w1a1 and six single layers ran as fast at -O2 in
// interleaved runs (AArch64's inner loop the same under llvm-mca), 0.5% smaller, and ReActNet-A
// compiled in 4.2-4.4 s instead of 5.2-5.8.
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level (0-3, default 2)"), cl::Prefix,
                                  cl::init(2), cl::cat(category));

namespace {

int fail(const Twine &msg) {
  errs() << "bnnc: error: " << msg << "\n";
  return 1;
}

/// A C identifier from a file stem.
std::string identifier(StringRef stem) {
  std::string id;
  for (char c : stem)
    id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0])))
    id = "model_" + id;
  return id;
}

/// Prints diagnostics as `bnnc: error: FILE: message`, naming the ONNX file; the node and op
/// are in the message itself.
void printDiagnostic(mlir::Diagnostic &diag) {
  // The ONNX file and node names behind a location (fused ops carry several nodes).
  std::string file;
  SmallVector<std::string> nodes;
  diag.getLocation()->walk([&](mlir::Location loc) {
    if (auto fl = dyn_cast<mlir::FileLineColLoc>(loc))
      file = fl.getFilename().str();
    else if (auto nl = dyn_cast<mlir::NameLoc>(loc))
      nodes.push_back(nl.getName().str());
    return mlir::WalkResult::advance();
  });
  const char *kind = diag.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
                     : diag.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                     : diag.getSeverity() == mlir::DiagnosticSeverity::Remark  ? "remark"
                                                                               : "note";
  std::string where;
  std::string message = diag.str();
  // Importer errors already name their node; others get the nodes from the location.
  if (!nodes.empty() && message.rfind("node '", 0) != 0) {
    where = "node";
    where += nodes.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < nodes.size(); ++i)
      where += (i ? ", '" : "'") + nodes[i] + "'";
    where += ": ";
  }
  errs() << "bnnc: " << kind << ": " << (file.empty() ? "" : file + ": ") << where << message
         << "\n";
  for (auto &note : diag.getNotes())
    errs() << "bnnc: note: " << note.str() << "\n";
}

bool parseShapes(std::map<std::string, std::vector<int64_t>> &out) {
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = StringRef(spec).rsplit(':');
    if (dims.empty() || name.empty()) {
      fail("--input-shape expects NAME:D0xD1x..., got '" + spec + "'");
      return false;
    }
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    std::vector<int64_t> shape;
    for (StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d <= 0) {
        fail("--input-shape: bad dimension '" + p + "' in '" + spec + "'");
        return false;
      }
      shape.push_back(d);
    }
    out[name.str()] = shape;
  }
  return true;
}

/// An output written under a temporary name beside its destination and renamed over it only by
/// commit(), once the whole compile has succeeded: a compile that fails or is killed leaves
/// neither a partial file nor a changed one (at most a hidden temporary, which is removed on
/// failure and on SIGINT/SIGTERM). "-" is stdout.
class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  ~OutputFile() {
    stream.reset();
    if (temp)
      consumeError(temp->discard());
  }

  bool open(StringRef destination, std::string &error) {
    path = destination.str();
    if (path == "-")
      return true;
    SmallString<256> model(sys::path::parent_path(path));
    sys::path::append(model, "." + sys::path::filename(path) + ".tmp-%%%%%%");
    Expected<sys::fs::TempFile> file = sys::fs::TempFile::create(model);
    if (!file) {
      error = "cannot write '" + path + "': " + toString(file.takeError());
      return false;
    }
    temp.emplace(std::move(*file));
    stream = std::make_unique<raw_fd_ostream>(temp->FD, /*shouldClose=*/false);
    return true;
  }

  raw_pwrite_stream &os() { return stream ? static_cast<raw_pwrite_stream &>(*stream) : outs(); }

  /// The temporary's name, for a program (the linker) that writes the file itself.
  StringRef tempPath() const { return temp ? StringRef(temp->TmpName) : StringRef(path); }

  bool commit(std::string &error) {
    if (!temp)
      return true;
    stream->flush();
    if (stream->has_error()) {
      error = "cannot write '" + path + "': " + stream->error().message();
      stream->clear_error();
      return false;
    }
    stream.reset();
    Error e = temp->keep(path);
    temp.reset();
    if (e) {
      error = "cannot write '" + path + "': " + toString(std::move(e));
      return false;
    }
    return true;
  }

private:
  std::string path;
  std::optional<sys::fs::TempFile> temp;
  std::unique_ptr<raw_fd_ostream> stream;
};

} // namespace

/// The compile-time evaluator (compiler/ConstantFolder.cpp) allocates and frees weight-sized
/// tensors in turn: W, |W|, mean|W|, sign(W), sign(W) * alpha, for every layer. glibc serves a
/// block above its mmap threshold (dynamic, from 128 KiB, at most 32 MiB) by mmap and unmaps it
/// at free, and trims the top of the heap at free, so each new tensor page-faults all of its
/// pages afresh: about a third of Bi-Real-Net-18's import time went to the kernel's page faults
/// and zeroing. Serving every block from the heap (no mmap at all: ReActNet-A's largest folded
/// tensors are 75 MB) and never trimming it lets a freed tensor's pages serve the next one; only
/// the heap's high-water mark is ever faulted in.
///
/// Transparent huge pages for the heap (glibc.malloc.hugetlb=1, which needs the process to
/// execute itself again) were tried and dropped: on one virtual machine they halved ReActNet-A's
/// import (3.1 -> 1.6 s), on another they made it 2.5x slower (1.0 -> 2.5 s: the kernel's
/// zeroing of fresh 2 MiB pages took 29% of the compile's samples against 0.6% with 4 KiB ones);
/// docs/design.md, "Compile time". A caller can still set the tunable.
static void reuseFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

int main(int argc, char **argv) {
  reuseFreedMemory();
  InitLLVM init(argc, argv);
  // MLIR's printing options (--mlir-print-debuginfo shows the ONNX node locations).
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "bnnc: an ahead-of-time compiler for binarized neural networks\n");
  if (listOps) {
    // The importer's own dispatch table: docs/ops.md is this output (a test keeps them equal).
    outs() << "| op | domain | supported |\n|---|---|---|\n";
    for (const bnnc::SupportedOp &op : bnnc::supportedOps())
      outs() << "| " << op.opType << " | " << op.domain << " | " << op.note << " |\n";
    return 0;
  }
  if (inputPath.empty())
    return fail("no input model (usage: bnnc MODEL.onnx [options]; see --help)");

  // What to emit.
  StringRef emitKind = emit, phaseText;
  std::tie(emitKind, phaseText) = StringRef(emit).split(':');
  bnnc::PipelineOptions pipelineOptions;
  if (emitKind == "mlir") {
    if (!phaseText.empty() && !bnnc::parsePhase(phaseText.str(), pipelineOptions.stopAfter))
      return fail("unknown phase '" + phaseText + "' (expected import, binarize or lower)");
  } else if (emitKind != "obj" && emitKind != "lib" && emitKind != "exe" && emitKind != "asm" &&
             emitKind != "llvm") {
    return fail("unknown --emit kind '" + emit +
                "' (expected obj, lib, exe, asm, llvm or mlir[:phase])");
  } else if (!phaseText.empty()) {
    return fail("only --emit=mlir takes a phase");
  }

  // Output names: model.onnx -> model.o + model.h (or OUT and OUT's stem + .h).
  StringRef stem = sys::path::stem(inputPath);
  std::string out = outputPath;
  if (out.empty()) {
    const char *ext = emitKind == "obj" ? ".o" : emitKind == "lib" ? ".a" : emitKind == "asm" ? ".s" : emitKind == "llvm" ? ".ll" : emitKind == "mlir" ? ".mlir" : "";
    out = emitKind == "mlir" ? "-" : (stem + ext).str();
  }
  std::string name = modelName.empty() ? identifier(stem) : modelName.getValue();
  if (name != identifier(name))
    return fail("-name must be a C identifier, got '" + name + "'");

  // The cost report: alone (--report), or beside the output (--report-file).
  bool reportOnly = !reportFormat.empty(), wantReport = reportOnly || !reportFile.empty();
  bnnc::ReportFormat reportFmt = bnnc::reportFormatForPath(reportFile);
  if (reportOnly) {
    if (!bnnc::parseReportFormat(reportFormat, reportFmt))
      return fail("--report must be text, json or html, got '" + reportFormat + "'");
    if (emit.getNumOccurrences() || !reportFile.empty())
      return fail("--report writes only the report; use --report-file=PATH to write it beside "
                  "the compiled output");
    out = outputPath.empty() ? "-" : outputPath.getValue();
    pipelineOptions.stopAfter = bnnc::Phase::Binarize;
  } else if (wantReport && emitKind == "mlir" && pipelineOptions.stopAfter == bnnc::Phase::Import) {
    return fail("--report-file needs the binarize phase, not --emit=mlir:import");
  }

  if (optLevel > 3)
    return fail("-O takes 0 to 3, got " + Twine(optLevel.getValue()));
  for (StringRef feature : llvm::split(StringRef(mattr), ','))
    if (!feature.empty() && feature[0] != '+' && feature[0] != '-')
      return fail("-mattr feature '" + feature + "' must start with '+' or '-'");
  if (signZero != "faithful" && signZero != "positive")
    return fail("--sign-zero must be faithful or positive, got '" + signZero + "'");
  pipelineOptions.remarks = remarks;
  pipelineOptions.signZeroPositive = signZero == "positive";

  bnnc::ImportOptions importOptions;
  importOptions.funcName = name;
  if (!parseShapes(importOptions.inputShapes))
    return 1;

  mlir::DialectRegistry registry;
  bnnc::registerImporterDialects(registry);
  bnnc::registerPipelineDialects(registry);
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  bnnc::registerCostModels(registry);
  mlir::registerAllPasses();
  bnn::registerBNNPasses();
  mlir::MLIRContext context(registry);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &d) { printDiagnostic(d); });

  // The target comes first: lowering needs its data layout.
  bnnc::TargetSpec spec;
  std::string error;
  if (!bnnc::resolveTarget(target, mcpu, mattr, spec, error))
    return fail(error);
  auto tm = bnnc::createTargetMachine(spec, optLevel, error);
  if (!tm)
    return fail(error);

  // --time-phases: one tree of timers, printed to stderr when the driver returns.
  mlir::DefaultTimingManager timing;
  timing.setEnabled(timePhases);
  timing.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope rootTimer = timing.getRootScope();

  bnnc::ModelSignature signature;
  mlir::TimingScope importTimer = rootTimer.nest("import");
  importOptions.timing = &importTimer;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      bnnc::importOnnxFile(context, inputPath, importOptions, signature);
  importTimer.stop();
  if (!module)
    return 1;
  pipelineOptions.kernel = bnnc::chooseKernelBlocking(*tm);
  bnnc::setModuleTarget(*module, *tm, pipelineOptions.kernel);

  mlir::PassManager pm(&context);
  // The IR is verified once, after the whole pipeline, not after each of its ~60 passes: that
  // per-pass verification (MLIR's default, kept by bnnc-opt and the tests) took a third of the
  // passes' time on ReActNet-A (3.6 -> 2.3 s). --verify-each brings it back to find a pass that
  // breaks the IR.
  pm.enableVerifier(verifyEach);
  if (emitKind != "mlir" && !reportOnly)
    pipelineOptions.stopAfter = bnnc::Phase::Lower;
  if (!bnnc::buildPipeline(pm, pipelineOptions, errs()))
    return fail("cannot build the pass pipeline");
  // The report is taken from the IR after the binarize phase, also when lowering goes on.
  std::optional<bnnc::CostReport> report;
  auto takeReport = [&](mlir::ModuleOp m) { report = bnnc::buildCostReport(m, inputPath); };
  if (wantReport && pipelineOptions.stopAfter == bnnc::Phase::Lower &&
      !bnnc::callAfterBinarize(pm, pipelineOptions, takeReport, errs()))
    return fail("cannot take the cost report from the pass pipeline");
  {
    mlir::TimingScope passTimer = rootTimer.nest("passes");
    if (timePhases)
      pm.enableTiming(passTimer);
    if (mlir::failed(pm.run(*module)))
      return fail("compilation of '" + inputPath + "' failed");
  }
  if (!verifyEach) {
    mlir::TimingScope verifyTimer = rootTimer.nest("verify");
    if (mlir::failed(mlir::verify(*module)))
      return fail("internal error: the IR compiled from '" + inputPath +
                  "' does not verify (--verify-each finds the pass that broke it)");
  }
  if (wantReport && pipelineOptions.stopAfter == bnnc::Phase::Binarize)
    takeReport(*module);
  if (pipelineOptions.stopAfter == bnnc::Phase::Lower &&
      !bnnc::readScratchArena(*module, signature))
    return fail("the lowered module has no scratch arena for '" + signature.funcName + "'");
  if (report && pipelineOptions.stopAfter == bnnc::Phase::Lower)
    report->scratchArenaBytes = signature.scratchBytes;
  // Every output goes to a temporary file first; all are renamed into place at the end.
  OutputFile reportOut;
  if (wantReport) {
    if (!report)
      return fail("the cost report was not computed");
    if (!reportOut.open(reportOnly ? out : reportFile.getValue(), error))
      return fail(error);
    bnnc::printCostReport(*report, reportFmt, reportOut.os());
    if (reportOnly)
      return reportOut.commit(error) ? 0 : fail(error);
  }
  // The report (if any) first, then the compiled outputs.
  auto commit = [&](std::initializer_list<OutputFile *> files) {
    if (!reportOut.commit(error))
      return fail(error);
    for (OutputFile *f : files)
      if (!f->commit(error))
        return fail(error);
    return 0;
  };

  if (emitKind == "mlir") {
    OutputFile file;
    if (!file.open(out, error))
      return fail(error);
    module->print(file.os());
    return commit({&file});
  }

  if (emitKind == "exe") {
    SmallString<128> tmpObject;
    if (auto ec = sys::fs::createTemporaryFile("bnnc-" + name, "o", tmpObject))
      return fail("cannot create a temporary file: " + ec.message());
    FileRemover remover(tmpObject);
    {
      std::error_code ec;
      raw_fd_ostream os(tmpObject, ec);
      if (ec)
        return fail("cannot write '" + tmpObject + "': " + ec.message());
      if (!bnnc::emitModule(*module, signature, *tm, bnnc::OutputKind::Object, /*entryAlias=*/true,
                            optLevel, os, error, &rootTimer))
        return fail(error);
    }
    OutputFile exe;
    if (!exe.open(out, error))
      return fail(error);
    if (!bnnc::linkExecutable(std::string(tmpObject), spec.triple, exe.tempPath().str(), argv[0],
                              error))
      return fail(error);
    return commit({&exe});
  }

  // The header beside an object or archive: OUT with the extension .h.
  OutputFile header;
  auto writeHeader = [&]() -> bool {
    SmallString<256> headerPath(out);
    sys::path::replace_extension(headerPath, ".h");
    if (!header.open(headerPath, error))
      return false;
    header.os() << bnnc::generateHeader(signature, sys::path::filename(inputPath).str());
    return true;
  };

  if (emitKind == "lib") {
    SmallString<0> object;
    raw_svector_ostream os(object);
    if (!bnnc::emitModule(*module, signature, *tm, bnnc::OutputKind::Object, /*entryAlias=*/false,
                          optLevel, os, error, &rootTimer))
      return fail(error);
    OutputFile archive;
    if (!archive.open(out, error) || !writeHeader())
      return fail(error);
    if (!bnnc::writeStaticLibrary(std::string(object.str()), name + ".o", spec.triple,
                                  archive.tempPath().str(), argv[0], error))
      return fail(error);
    return commit({&archive, &header});
  }

  auto kind = emitKind == "obj" ? bnnc::OutputKind::Object
              : emitKind == "asm" ? bnnc::OutputKind::Assembly
                                  : bnnc::OutputKind::LLVMIR;
  OutputFile file;
  if (!file.open(out, error))
    return fail(error);
  if (!bnnc::emitModule(*module, signature, *tm, kind, /*entryAlias=*/false, optLevel, file.os(), error,
                         &rootTimer))
    return fail(error);
  if (kind == bnnc::OutputKind::Object && !writeHeader())
    return fail(error);
  return commit({&file, &header});
}

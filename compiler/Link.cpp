//===- Link.cpp - linking a model program, archiving a model library --*- C++ -*-===//
//
// Both steps compile the runtime's C sources for the target with clang (clang-22 on Debian).
// Cross targets need the target's C library and GCC's start files: on Debian the packages
// libc6-dev-<arch>-cross and gcc-<triple>, installed under /usr/<triple> and
// /usr/lib/gcc-cross/<triple>, where clang's driver finds them by itself given --target.
//
//===----------------------------------------------------------------------===//
#include "compiler/Link.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <vector>

namespace bnnc {

std::string findRuntimeDir(const char *argv0) {
  if (const char *env = std::getenv("BNNC_RUNTIME_DIR"))
    return env;
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&findRuntimeDir);
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(installed, "share", "bnnc", "runtime");
  if (llvm::sys::fs::exists(installed + "/src/harness.c"))
    return std::string(installed);
#ifdef BNNC_SOURCE_RUNTIME_DIR
  return BNNC_SOURCE_RUNTIME_DIR;
#else
  return std::string(installed);
#endif
}

std::string debianMultiarch(const std::string &tripleText) {
  llvm::Triple t(tripleText);
  if (!t.isOSLinux() || t.isMusl())
    return {};
  switch (t.getArch()) {
  case llvm::Triple::x86_64:
    return "x86_64-linux-gnu";
  case llvm::Triple::x86:
    return "i386-linux-gnu";
  case llvm::Triple::aarch64:
    return "aarch64-linux-gnu";
  case llvm::Triple::arm:
  case llvm::Triple::thumb:
    return t.isHardFloatABI() ? "arm-linux-gnueabihf" : "arm-linux-gnueabi";
  case llvm::Triple::riscv64:
    return "riscv64-linux-gnu";
  case llvm::Triple::ppc64le:
    return "powerpc64le-linux-gnu";
  case llvm::Triple::systemz:
    return "s390x-linux-gnu";
  default:
    return {};
  }
}

namespace {

/// Debian's name for an architecture in its -cross library packages.
std::string debianArch(const std::string &multiarch) {
  if (multiarch == "x86_64-linux-gnu") return "amd64";
  if (multiarch == "i386-linux-gnu") return "i386";
  if (multiarch == "aarch64-linux-gnu") return "arm64";
  if (multiarch == "arm-linux-gnueabihf") return "armhf";
  if (multiarch == "arm-linux-gnueabi") return "armel";
  if (multiarch == "riscv64-linux-gnu") return "riscv64";
  if (multiarch == "powerpc64le-linux-gnu") return "ppc64el";
  if (multiarch == "s390x-linux-gnu") return "s390x";
  return {};
}

std::string findClang(std::string &error) {
  if (const char *env = std::getenv("BNNC_CLANG"))
    return env;
  for (const char *n : {"clang-22", "clang"})
    if (auto p = llvm::sys::findProgramByName(n))
      return *p;
  error = "cannot find clang-22 (or clang) on PATH to compile the runtime; set BNNC_CLANG";
  return {};
}

/// Whether code for `t` cannot simply use this machine's C library.
bool isCross(const llvm::Triple &t) {
  llvm::Triple host(llvm::sys::getProcessTriple());
  return t.getArch() != host.getArch() || t.getOS() != host.getOS();
}

/// clang's target arguments: --target, and for a cross Linux target the check that Debian's
/// cross C library and GCC start files are there (clang finds them itself under
/// /usr/<multiarch> and /usr/lib/gcc-cross/<multiarch>), or $BNNC_SYSROOT as --sysroot.
bool clangTargetArgs(const std::string &triple, std::vector<std::string> &args,
                     std::string &error) {
  llvm::Triple t(triple);
  args.push_back("--target=" + triple);
  if (const char *sysroot = std::getenv("BNNC_SYSROOT")) {
    args.push_back(std::string("--sysroot=") + sysroot);
    return true;
  }
  if (!isCross(t) || !t.isOSLinux())
    return true;
  std::string ma = debianMultiarch(triple);
  if (ma.empty())
    return true; // not a Debian multiarch: leave it to clang's own search
  auto exists = [](const std::string &p) { return llvm::sys::fs::exists(p); };
  bool libc = exists("/usr/" + ma + "/lib/libc.a") || exists("/usr/lib/" + ma + "/libc.a");
  bool gcc = exists("/usr/lib/gcc-cross/" + ma) || exists("/usr/lib/gcc/" + ma);
  if (!libc || !gcc) {
    std::string arch = debianArch(ma);
    bool bySetup = arch == "arm64" || arch == "armhf" || arch == "riscv64";
    error = "cannot find the C library" + std::string(gcc ? "" : " and GCC's start files") +
            " for " + triple + " (looked for /usr/" + ma + "/lib/libc.a and /usr/lib/gcc-cross/" +
            ma + "); on Debian install " +
            (arch.empty() ? "the cross C library" : "libc6-dev-" + arch + "-cross") + " gcc-" + ma +
            (bySetup ? " (scripts/setup.sh does)" : "") + ", or set BNNC_SYSROOT";
    return false;
  }
  return true;
}

bool runClang(const std::string &clang, const std::vector<std::string> &args,
              const std::string &what, std::string &error) {
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(clang, refs, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    error = what + " with " + clang + " failed" + (message.empty() ? "" : ": " + message);
    return false;
  }
  return true;
}

bool findRuntimeSources(const char *argv0, std::string &rt, std::string &error) {
  rt = findRuntimeDir(argv0);
  if (!llvm::sys::fs::exists(rt + "/src/harness.c")) {
    error = "cannot find the bnnc runtime sources in '" + rt + "'; set BNNC_RUNTIME_DIR";
    return false;
  }
  return true;
}

} // namespace

bool linkExecutable(const std::string &objectPath, const std::string &triple,
                    const std::string &outputPath, const char *argv0, std::string &error) {
  std::string clang = findClang(error), rt;
  if (clang.empty() || !findRuntimeSources(argv0, rt, error))
    return false;
  std::vector<std::string> args = {clang};
  if (!clangTargetArgs(triple, args, error))
    return false;
  args.insert(args.end(), {"-O2", "-std=c99", "-fuse-ld=lld", "-I" + rt + "/include"});
  llvm::Triple t(triple);
  // A static cross program runs under qemu-user (with or without -L) and on any board.
  if (t.isOSLinux() && isCross(t))
    args.push_back("-static");
  // $BNNC_HOST_CFLAGS: more flags for a program built for this machine, for example
  // "-fsanitize=address,undefined" to check the runtime and harness (scripts/sanitize.sh).
  if (const char *extra = std::getenv("BNNC_HOST_CFLAGS"); extra && !isCross(t)) {
    llvm::SmallVector<llvm::StringRef> flags;
    llvm::StringRef(extra).split(flags, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef f : flags)
      args.push_back(f.str());
  }
  for (const char *src : {"harness.c", "npy.c", "runtime.c", "timing.c"})
    args.push_back(rt + "/src/" + src);
  args.push_back(objectPath);
  args.insert(args.end(), {"-lm", "-o", outputPath});
  if (!runClang(clang, args, "linking", error)) {
    llvm::sys::fs::remove(outputPath);
    return false;
  }
  return true;
}

bool writeStaticLibrary(const std::string &modelObject, const std::string &memberName,
                        const std::string &triple, const std::string &outputPath,
                        const char *argv0, std::string &error) {
  std::string clang = findClang(error), rt;
  if (clang.empty() || !findRuntimeSources(argv0, rt, error))
    return false;
  llvm::SmallString<128> dir;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("bnnc-lib", dir)) {
    error = "cannot create a temporary directory: " + ec.message();
    return false;
  }
  struct Cleanup {
    llvm::SmallString<128> &dir;
    ~Cleanup() { llvm::sys::fs::remove_directories(dir); }
  } cleanup{dir};

  // The runtime's library part (not harness.c, which is a main()), compiled for the target.
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers;
  buffers.push_back(llvm::MemoryBuffer::getMemBufferCopy(modelObject, memberName));
  for (const char *stem : {"npy", "runtime", "timing"}) {
    std::string object = (dir + "/bnnc_" + stem + ".o").str();
    std::vector<std::string> args = {clang};
    if (!clangTargetArgs(triple, args, error))
      return false;
    args.insert(args.end(), {"-c", "-O2", "-std=c99", "-fPIC", "-ffunction-sections",
                             "-fdata-sections", "-I" + rt + "/include",
                             rt + "/src/" + stem + ".c", "-o", object});
    if (!runClang(clang, args, std::string("compiling the runtime's ") + stem + ".c", error))
      return false;
    auto buffer = llvm::MemoryBuffer::getFile(object);
    if (!buffer) {
      error = "cannot read '" + object + "': " + buffer.getError().message();
      return false;
    }
    buffers.push_back(llvm::MemoryBuffer::getMemBufferCopy(
        (*buffer)->getBuffer(), std::string("bnnc_") + stem + ".o"));
  }

  std::vector<llvm::NewArchiveMember> members;
  for (const auto &b : buffers)
    members.emplace_back(b->getMemBufferRef());
  llvm::Triple t(triple);
  llvm::Error err = llvm::writeArchive(outputPath, members, llvm::SymtabWritingMode::NormalSymtab,
                                       llvm::object::Archive::getDefaultKindForTriple(t),
                                       /*Deterministic=*/true, /*Thin=*/false);
  if (err) {
    error = "cannot write the archive '" + outputPath + "': " + llvm::toString(std::move(err));
    return false;
  }
  return true;
}

} // namespace bnnc

//===- Link.cpp - linking a model program ------------------------*- C++ -*-===//
#include "compiler/Link.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
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

static std::string findProgram(std::initializer_list<const char *> names) {
  for (const char *n : names)
    if (auto p = llvm::sys::findProgramByName(n))
      return *p;
  return {};
}

bool linkExecutable(const std::string &objectPath, const std::string &triple,
                    const std::string &outputPath, const char *argv0, std::string &error) {
  std::string clang;
  if (const char *env = std::getenv("BNNC_CLANG"))
    clang = env;
  else
    clang = findProgram({"clang-22", "clang"});
  if (clang.empty()) {
    error = "cannot find clang-22 (or clang) on PATH to link the executable; set BNNC_CLANG";
    return false;
  }
  std::string rt = findRuntimeDir(argv0);
  if (!llvm::sys::fs::exists(rt + "/src/harness.c")) {
    error = "cannot find the bnnc runtime sources in '" + rt + "'; set BNNC_RUNTIME_DIR";
    return false;
  }
  llvm::Triple t(triple);
  std::vector<std::string> args = {clang, "--target=" + triple, "-O2", "-std=c99",
                                   "-fuse-ld=lld", "-I" + rt + "/include"};
  if (t.isOSLinux() && t.getArch() != llvm::Triple::x86_64)
    args.push_back("-static"); // cross programs run under qemu-user without a sysroot path
  for (const char *src : {"harness.c", "npy.c", "runtime.c", "timing.c"})
    args.push_back(rt + "/src/" + src);
  args.push_back(objectPath);
  args.insert(args.end(), {"-lm", "-o", outputPath});
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(clang, refs, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    llvm::sys::fs::remove(outputPath);
    error = "linking with " + clang + " failed" + (message.empty() ? "" : ": " + message);
    return false;
  }
  return true;
}

} // namespace bnnc

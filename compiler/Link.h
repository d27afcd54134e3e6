//===- Link.h - linking a model program --------------------------*- C++ -*-===//
#ifndef BNNC_COMPILER_LINK_H
#define BNNC_COMPILER_LINK_H

#include <string>

namespace bnnc {

/// Links `objectPath` (a model object with the `bnnc_entry` alias) with the runtime's harness
/// into the executable `outputPath` for `triple`, using the system's clang and lld. The runtime's
/// C sources are compiled for the target on the way, so any target with a C library works. A
/// cross Linux program is linked statically against Debian's cross C library (/usr/<multiarch>,
/// from libc6-dev-<arch>-cross and gcc-<multiarch>), or against $BNNC_SYSROOT if set.
bool linkExecutable(const std::string &objectPath, const std::string &triple,
                    const std::string &outputPath, const char *argv0, std::string &error);

/// Writes the static archive `outputPath` for `triple`: the model object `modelObject` (its
/// bytes, as member `memberName`) and the runtime's library sources (npy.c, runtime.c, timing.c;
/// not the harness) compiled for the target with the system's clang. The archive is written
/// in-process with LLVM's archive writer, with a symbol table, deterministically.
bool writeStaticLibrary(const std::string &modelObject, const std::string &memberName,
                        const std::string &triple, const std::string &outputPath,
                        const char *argv0, std::string &error);

/// Debian's multiarch name for a Linux triple (aarch64-linux-gnu, arm-linux-gnueabihf,
/// riscv64-linux-gnu, x86_64-linux-gnu, ...), where its cross C library lives under /usr/; empty
/// if there is none.
std::string debianMultiarch(const std::string &triple);

/// The folder holding the runtime's `include/` and `src/`: $BNNC_RUNTIME_DIR, else
/// `../share/bnnc/runtime` beside the bnnc executable, else the source tree bnnc was built from.
std::string findRuntimeDir(const char *argv0);

} // namespace bnnc

#endif // BNNC_COMPILER_LINK_H

//===- Link.h - linking a model program --------------------------*- C++ -*-===//
#ifndef BNNC_COMPILER_LINK_H
#define BNNC_COMPILER_LINK_H

#include <string>

namespace bnnc {

/// Links `objectPath` (a model object with the `bnnc_entry` alias) with the runtime's harness
/// into the executable `outputPath` for `triple`, using the system's clang and lld. The runtime's
/// C sources are compiled for the target on the way, so any target with a C library works.
bool linkExecutable(const std::string &objectPath, const std::string &triple,
                    const std::string &outputPath, const char *argv0, std::string &error);

/// The folder holding the runtime's `include/` and `src/`: $BNNC_RUNTIME_DIR, else
/// `../share/bnnc/runtime` beside the bnnc executable, else the source tree bnnc was built from.
std::string findRuntimeDir(const char *argv0);

} // namespace bnnc

#endif // BNNC_COMPILER_LINK_H

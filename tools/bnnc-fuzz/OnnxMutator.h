//===- OnnxMutator.h - structure-aware mutation of ONNX models --*- C++ -*-===//
#ifndef BNNC_TOOLS_BNNC_FUZZ_ONNXMUTATOR_H
#define BNNC_TOOLS_BNNC_FUZZ_ONNXMUTATOR_H

#include <cstddef>
#include <cstdint>
#include <random>

namespace bnnc::fuzz {

/// Parses `data` as an ONNX ModelProto, applies one to four random field mutations and writes
/// the result back. Returns the new size, or 0 when `data` is not a model or the result does not
/// fit in `maxSize` (the caller then mutates the bytes instead).
size_t mutateModel(uint8_t *data, size_t size, size_t maxSize, std::mt19937_64 &rng);

} // namespace bnnc::fuzz

#endif // BNNC_TOOLS_BNNC_FUZZ_ONNXMUTATOR_H

//===- ArenaPlan.h - offsets of buffers in one arena, by liveness -*- C++ -*-===//
//
// The placement math of bnn-scratch-arena, free of MLIR so that it can be tested on its own.
// Written by hand: upstream MLIR has no static memory planner (its buffer passes hoist, promote
// to the stack or deallocate; none shares memory between buffers of disjoint lifetimes).
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_ARENAPLAN_H
#define BNNC_PASSES_ARENAPLAN_H

#include <cstdint>
#include <vector>

namespace bnn {

/// A buffer of `bytes` bytes, live from program point `first` to `last` (both included), to be
/// placed at a multiple of `alignment` (a power of two).
struct ArenaBuffer {
  uint64_t bytes = 0;
  int64_t first = 0, last = 0;
  uint64_t alignment = 64;
};

struct ArenaPlan {
  std::vector<uint64_t> offsets; // one per buffer, in the input order
  uint64_t size = 0;             // the arena's size: the largest offset + bytes
};

/// Places the buffers so that two whose live ranges intersect never share a byte. Greedy by
/// size: the largest buffer first (ties: the earlier one), each at the lowest aligned offset
/// where it overlaps no buffer already placed whose live range intersects its own. The result
/// is at least the peak of the live bytes at any point (a lower bound for every placement), and
/// usually equal to it on the chains of layers of a network.
ArenaPlan planArena(const std::vector<ArenaBuffer> &buffers);

/// The peak of the summed sizes of the buffers live at one point: the lower bound of
/// planArena's size.
uint64_t peakLiveBytes(const std::vector<ArenaBuffer> &buffers);

} // namespace bnn

#endif

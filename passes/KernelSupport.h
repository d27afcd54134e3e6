//===- KernelSupport.h - shared pieces of the kernel lowerings ---*- C++ -*-===//
//
// Used by the binary kernels (BinaryKernels.cpp) and the float conv kernel (FloatKernels.cpp):
// the element-wise epilogue chain and lane loads. Only MLIR's core IR headers here.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_KERNELSUPPORT_H
#define BNNC_PASSES_KERNELSUPPORT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::linalg {
class GenericOp;
}

namespace bnn {

/// Whether element-wise op `g` can run inside a conv kernel's epilogue on the float value `v`
/// it reads (all-parallel over the same 4-D NHWC shape, one f32 result, inputs that are `v`, a
/// same-shape tensor at the same position, or a per-channel vector; a body of scalar
/// element-wise arith/math ops).
bool fusableEpilogueStep(mlir::linalg::GenericOp g, mlir::Value v);

/// `lanes` consecutive elements along the innermost axis of tensor `t` at `indices` (a scalar
/// when lanes == 1).
mlir::Value loadLanes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                      mlir::ValueRange indices, int64_t lanes);

/// The element-wise ops that follow `v` and can run in a kernel's epilogue: each the only user
/// of the previous value and fusableEpilogueStep on it (the last value may have more users: the
/// kernel writes it).
llvm::SmallVector<mlir::Operation *> collectEpilogueChain(mlir::Value v);

/// The op whose result starts the epilogue chain that ends in `y`: back from `y` through the
/// element-wise steps (each link's value read only by the next, as collectEpilogueChain goes
/// forward); `y`'s own defining op if it is not a step. Null for a block argument.
mlir::Operation *epilogueChainStart(mlir::Value y);

/// Applies `chain` (from collectEpilogueChain(source)) to `y`, the kernel's value of `source`
/// for `lanes` channels at NHWC position `at`: each step's body cloned with every op widened to
/// `lanes`; its other inputs read at `at` (same shape) or at the channel (per-channel vectors).
/// An input that is a tiling average pool (isTilingAvgPool) read by this step alone is computed
/// from the pool's window at `at` instead, in the pool's own order: no pass of its own, and its
/// result is never written.
mlir::Value applyEpilogueChain(mlir::OpBuilder &b, mlir::Location loc,
                               llvm::ArrayRef<mlir::Operation *> chain, mlir::Value source,
                               mlir::Value y, llvm::ArrayRef<mlir::Value> at, int64_t lanes);

/// Whether `op` is a tosa.avg_pool2d whose windows tile the input (kernel == stride, no padding;
/// ReActNet's and Bi-Real's 2x2 shortcuts): f32, static shapes, zero points 0. (With padding,
/// the divisor would depend on the position.) Such a pool is computed in one pass as
///   y = (((0 + x_00) + x_01) + ... + x_(KH-1)(KW-1)) / (KH * KW),
/// the order and the division of tosa-to-linalg's lowering (a sum pooling from 0, then a
/// division), by the float kernels, or inside a kernel epilogue that reads it (applyEpilogueChain).
bool isTilingAvgPool(mlir::Operation *op);

/// The output positions per block for a row of `width`: at most `maxPixels`, at least half of
/// it, the cheapest row when a step of a P-position block costs `vectors` weight loads, P input
/// loads and P * vectors * `opsPerAccumulator` vector ops, and remainder positions run one by
/// one (width 14 with at most 8, 2 vectors, 3 ops: 7).
int64_t choosePixelBlock(int64_t width, int64_t maxPixels, int64_t vectors,
                         int64_t opsPerAccumulator);

/// The loop nest of a conv kernel over its NHWC output [N, Ho, Wo, channelBlocks * block]:
/// (n, oh) rows, then channel blocks, then blocks of `pixels` positions along W and the remaining
/// positions one by one. `block(n, oh, cb, ow0, pixels, out)` computes one block into the tensor
/// `out` and returns it; the result is the final tensor.
mlir::Value forEachOutputBlock(
    mlir::OpBuilder &b, mlir::Location loc, int64_t N, int64_t Ho, int64_t Wo,
    int64_t channelBlocks, int64_t pixels, mlir::Value init,
    llvm::function_ref<mlir::Value(mlir::Value, mlir::Value, mlir::Value, mlir::Value, int64_t,
                                   mlir::Value)> block);

/// forEachOutputBlock carrying several tensors (a float result and packed planes, say):
/// `block(n, oh, cb, ow0, pixels, outs)` returns the next value of each. With `rowStart`,
/// `rowStart(n, oh, outs)` runs first in each output row and returns the values the row's
/// blocks start from (a kernel that stages the input rows it reads).
llvm::SmallVector<mlir::Value> forEachOutputBlock(
    mlir::OpBuilder &b, mlir::Location loc, int64_t N, int64_t Ho, int64_t Wo,
    int64_t channelBlocks, int64_t pixels, mlir::ValueRange inits,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, mlir::Value, mlir::Value,
                                                      mlir::Value, int64_t, mlir::ValueRange)>
        block,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, mlir::Value, mlir::ValueRange)>
        rowStart = nullptr);

/// `plane`[at] |= bits for a kernel block whose bits start at bit `bit` (i64) of the word; the
/// block at bit 0 starts the word from 0 instead of reading it. The kernels visit a row's
/// channel blocks in order, so a word's bit-0 block comes before the others that share the
/// word, and every word has one: the planes need no zero fill (which was 1% of ReActNet-A's
/// time). Returns the updated plane.
mlir::Value orIntoWord(mlir::OpBuilder &b, mlir::Location loc, mlir::Value plane,
                       llvm::ArrayRef<mlir::Value> at, mlir::Value bits, mlir::Value bit);

/// A packed plane of `shape` (i64 words), never merged with another by CSE, not filled: its
/// writer sets every word (a kernel epilogue through orIntoWord, the pack kernel word by word).
mlir::Value freshPlane(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape);

/// The sign and mask bits (i1, or vectors of i1 like `x`) that bnn.pack gives for
/// bnn.binarize(x) with threshold `th` and tie value `tie`.
std::pair<mlir::Value, mlir::Value> packBits(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                                             mlir::Value th, float tie);

/// Whether the float conv kernel (bnn-lower-float-convs) packs the input of `pack` (a
/// bnn.pack) in its epilogue: the pack of a bnn.binarize whose input is the last value of a
/// float conv's epilogue chain. bnn-lower-binary-kernels leaves such a pack to it.
bool floatConvFusesPack(mlir::Operation *pack);

/// The i1 lanes of `bits` (a vector of i1, or one i1) as the low bits of an i64.
mlir::Value laneBitsWord(mlir::OpBuilder &b, mlir::Location loc, mlir::Value bits);

/// `parts` joined into one vector in order, by shuffles (vectors of any lengths), or built from
/// them (scalars).
mlir::Value joinVectors(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Value> parts);

/// The tosa.transpose NHWC -> NCHW that is the only reader of `y` (a graph output's layout
/// change, which a kernel writing NCHW itself replaces), or null.
mlir::Operation *onlyNCHWTranspose(mlir::Value y);

/// Writes a block of results into an NCHW tensor `out`: `rows` holds per pixel (consecutive
/// along W from `ow0`) one vector of the block's OB channels from `chan0` (OB a power of two).
/// NCHW wants per channel the block's pixels as one run along W, so the block is transposed in
/// registers by a butterfly of interleaves and stored one run per channel (masked to the real
/// pixels); a block of one pixel is stored element by element. Returns the updated tensor.
mlir::Value storeBlockNCHW(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Value> rows,
                           mlir::Value n, mlir::Value oh, mlir::Value ow0, mlir::Value chan0,
                           mlir::Value out);

/// `values` (one per channel, or one for all) for `channels` channels, padded to `padded` with
/// `fill`: the per-channel constants of a kernel whose channel count is rounded up to blocks.
template <typename T>
llvm::SmallVector<T> channelVector(llvm::ArrayRef<T> values, int64_t channels, int64_t padded,
                                   T fill) {
  llvm::SmallVector<T> out(padded, fill);
  for (int64_t i = 0; i < channels; ++i)
    out[i] = values.size() == 1 ? values[0] : values[i];
  return out;
}

/// The first `size` entries of `axis` of a kernel result whose channels were rounded up to
/// blocks (the result itself when its axis already has that size).
mlir::Value sliceAxis(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t axis,
                      int64_t size);

/// Pads the H and W axes of an NHWC tensor by `pad` = [top, bottom, left, right] with the
/// scalar `value` (of the element type); returns `plane` itself when every pad is 0. With
/// `distinct`, the padded tensor is never shared with another padding of the same shape (for
/// the sign and mask planes of one layer).
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value plane,
                       llvm::ArrayRef<int64_t> pad, mlir::TypedAttr value, bool distinct = false);

} // namespace bnn

#endif // BNNC_PASSES_KERNELSUPPORT_H

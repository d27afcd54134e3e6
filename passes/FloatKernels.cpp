//===- FloatKernels.cpp - register-blocked float convolutions ----*- C++ -*-===//
//
// The float layers of a BNN (the stem, float shortcuts) as a direct-convolution micro-kernel in
// the vector dialect on tensors, the same design as the binary kernels (docs/kernels.md):
//  * a block is `pixels` output positions x `vectors` vectors of F float lanes of output channels
//    (F = 2 * lanes: the f32 width of the target's vector register, at least 4);
//  * accumulators start at the bias and stay in registers for the whole reduction over kh and
//    j = kw * Cin + c (contiguous in NHWC for dilation 1 along W); per step: `vectors` weight
//    vectors (re-laid out at compile time as [O / block][KH][KW * Cin][block]), `pixels` input
//    floats broadcast, `pixels * vectors` FMAs;
//  * zero padding by a padded copy of the input (float zeros);
//  * the element-wise ops that follow (BatchNorm, PReLU, a residual Add, ...) run on the
//    accumulators before the single store (bnn::applyEpilogueChain).
// The floats are summed in a different order than a naive loop (per tap in (kh, kw, c) order,
// fused multiply-adds), within float rounding of onnxruntime's result.
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/KernelSupport.h"
#include "passes/Passes.h"
#include "passes/QuantMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

namespace bnn {
#define GEN_PASS_DEF_BNNLOWERFLOATCONVS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// A tosa.conv2d the kernel takes: f32 NHWC, constant f32 weights and bias, static shapes.
struct FloatConv {
  SmallVector<float> weights, bias; // weights [O][KH][KW][C]; bias [O] or one value
  int64_t N, H, W, C, O, KH, KW, Ho, Wo, sh, sw, dh, dw;
  int64_t pad[4];
};

/// With `readConstants` false, only whether the kernel takes `op` (weights and bias not copied).
std::optional<FloatConv> matchFloatConv(tosa::Conv2DOp op, bool readConstants = true) {
  FloatConv c;
  auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
  auto out = dyn_cast<RankedTensorType>(op.getType());
  if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() || !in.getElementType().isF32() ||
      !out.getElementType().isF32())
    return std::nullopt;
  DenseFPElementsAttr weights, bias;
  if (!matchPattern(op.getWeight(), m_Constant(&weights)) ||
      !matchPattern(op.getBias(), m_Constant(&bias)) || !weights.getElementType().isF32())
    return std::nullopt;
  if (readConstants) {
    c.weights.assign(weights.getValues<float>().begin(), weights.getValues<float>().end());
    c.bias.assign(bias.getValues<float>().begin(), bias.getValues<float>().end());
  }
  // Float zero points only (a quantized conv is not this kernel's).
  DenseFPElementsAttr zp;
  for (Value z : {op.getInputZp(), op.getWeightZp()})
    if (!matchPattern(z, m_Constant(&zp)) || !zp.isSplat() || !zp.getSplatValue<APFloat>().isZero())
      return std::nullopt;
  auto w = cast<RankedTensorType>(op.getWeight().getType()); // O, KH, KW, C
  c.N = in.getDimSize(0), c.H = in.getDimSize(1), c.W = in.getDimSize(2), c.C = in.getDimSize(3);
  c.O = w.getDimSize(0), c.KH = w.getDimSize(1), c.KW = w.getDimSize(2);
  c.Ho = out.getDimSize(1), c.Wo = out.getDimSize(2);
  c.sh = op.getStride()[0], c.sw = op.getStride()[1], c.dh = op.getDilation()[0], c.dw = op.getDilation()[1];
  for (int i = 0; i < 4; ++i)
    c.pad[i] = op.getPad()[i];
  if (w.getDimSize(3) != c.C || out.getDimSize(3) != c.O)
    return std::nullopt;
  return c;
}

/// The reduction loops of one block of the float and int8 kernels: over kh, then `steps` steps
/// along the kernel row. `step(kh, ih, j, columns, acc)` gets the input row ih and each pixel's
/// first column of its window in that row (of the flattened [N, Hp, Wp * C] input) and returns
/// the next accumulators; the results are the accumulators after the whole window.
SmallVector<Value> reduceWindow(
    OpBuilder &b, Location loc, const FloatConv &c, Value oh, Value ow0, int64_t pixels, ValueRange init,
    int64_t steps, function_ref<SmallVector<Value>(Value, Value, Value, ArrayRef<Value>, ValueRange)> step) {
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  auto mul = [&](Value x, int64_t k) -> Value { return k == 1 ? x : arith::MulIOp::create(b, loc, x, idx(k)); };
  SmallVector<Value> columns;
  for (int64_t p = 0; p < pixels; ++p)
    columns.push_back(mul(add(ow0, idx(p)), c.sw * c.C));
  auto red = scf::ForOp::create(b, loc, idx(0), idx(c.KH), idx(1), init, [&](OpBuilder &, Location, Value kh, ValueRange a0) {
    Value ih = add(mul(oh, c.sh), mul(kh, c.dh));
    auto inner = scf::ForOp::create(b, loc, idx(0), idx(steps), idx(1), a0, [&](OpBuilder &, Location, Value j, ValueRange acc) {
      scf::YieldOp::create(b, loc, step(kh, ih, j, columns, acc));
    });
    scf::YieldOp::create(b, loc, inner.getResults());
  });
  return SmallVector<Value>(red.getResults());
}

/// The binarize + pack of a float conv's epilogue value that the kernel takes over (the
/// stem of a network whose first binary layer reads the stem's output, as FINN's CNV): the
/// kernel computes the bits from the same registers (bnn::packBits, as the pack kernel
/// compares) and ORs each vector's bits into the planes; the floats are written only if
/// something else reads them.
struct FusedPack {
  bnn::BinarizeOp binarize;
  bnn::PackOp pack;
  SmallVector<float> thresholds; // one, or one per channel
  float tie = 0.0f;
  bool keepFloat = false; // the value has readers besides the binarize
};

/// The pack of `y` (NHWC f32) through a bnn.binarize with one threshold or one per channel.
std::optional<FusedPack> findFusedPack(Value y) {
  auto type = dyn_cast<RankedTensorType>(y.getType());
  if (!type || type.getRank() != 4 || !type.hasStaticShape() || !type.getElementType().isF32())
    return std::nullopt;
  int64_t C = type.getDimSize(3);
  SmallVector<int64_t> planeShape = {type.getDimSize(0), type.getDimSize(1), type.getDimSize(2),
                                     bnn::wordsFor(C)};
  FusedPack f;
  for (Operation *u : y.getUsers()) {
    auto bin = dyn_cast<bnn::BinarizeOp>(u);
    bnn::PackOp pk = bin && bin->hasOneUse() ? dyn_cast<bnn::PackOp>(*bin->getUsers().begin()) : nullptr;
    int64_t n = bin ? bin.getThresholds().getNumElements() : 0;
    if (f.pack || !pk || (n != 1 && n != C) || pk.getSign().getType().getShape() != ArrayRef<int64_t>(planeShape)) {
      f.keepFloat = true;
      continue;
    }
    f.binarize = bin;
    f.pack = pk;
    f.thresholds.assign(bin.getThresholds().getValues<float>().begin(), bin.getThresholds().getValues<float>().end());
    f.tie = bin.getTieValue();
  }
  if (!f.pack)
    return std::nullopt;
  return f;
}

/// The max pooling (tosa.max_pool2d, NaN propagated) that is the only reader of a float conv's
/// last epilogue value `y`, which the conv kernel then writes pooled (the stem's 3x3/2 pool of
/// ResNet and Bi-Real): the full-resolution result, four times the pooled one, is never
/// written nor read back.
tosa::MaxPool2dOp findFusedMaxPool(Value y) {
  if (!y.hasOneUse())
    return nullptr;
  auto pool = dyn_cast<tosa::MaxPool2dOp>(*y.getUsers().begin());
  if (!pool || pool.getNanMode() != tosa::NanPropagationMode::PROPAGATE)
    return nullptr;
  auto out = dyn_cast<RankedTensorType>(pool.getType());
  return out && out.hasStaticShape() && out.getElementType().isF32() ? pool : nullptr;
}

/// Folds the conv results `ys` (V vectors of F channels from chan0) at output position (oh, ow)
/// into the max pooling `pool` of the conv's output, held in `out` [N, PH, PW, channels].
///
/// Position (oh, ow) lies in the windows (ph, pw) with ph * SH - top <= oh <= ph * SH - top +
/// KH - 1, i.e. ph in [ceil((oh + top - KH + 1) / SH), floor((oh + top) / SH)] within [0, PH)
/// (and likewise pw). The kernel visits the positions row by row, each row left to right, so
/// each window receives its positions in the window's row-major order, the order in which
/// LowerMaxPool (and tosa-to-linalg) take the taps: m = t > m ? t : m from the window's first
/// position on gives the same result, ties included (the padding's -inf taps never win). The
/// window's first position, its top-left one inside the input (max(ph * SH - top, 0),
/// max(pw * SW - left, 0)), starts from -inf rather than the value in `out`, so the pooled
/// tensor needs no fill. NaN: a NaN t replaces m, and a NaN m is never replaced (t > NaN is
/// false), so a window with a NaN tap ends as NaN (TOSA's nan_mode PROPAGATE).
Value maxPoolUpdate(OpBuilder &b, Location loc, tosa::MaxPool2dOp pool, Value out, Value n, Value oh, Value ow,
                    Value chan0, ArrayRef<Value> ys, int64_t F) {
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto outT = cast<RankedTensorType>(out.getType());
  const int64_t KH = pool.getKernel()[0], KW = pool.getKernel()[1], SH = pool.getStride()[0],
                SW = pool.getStride()[1], top = pool.getPad()[0], left = pool.getPad()[2];
  // [lo, hi) of the windows along one axis that hold position x.
  auto windows = [&](Value x, int64_t K, int64_t S, int64_t pad, int64_t count) -> std::pair<Value, Value> {
    Value lo = arith::CeilDivSIOp::create(b, loc, arith::AddIOp::create(b, loc, x, idx(pad - K + 1)), idx(S));
    Value hi = arith::AddIOp::create(
        b, loc, arith::FloorDivSIOp::create(b, loc, arith::AddIOp::create(b, loc, x, idx(pad)), idx(S)), idx(1));
    return {arith::MaxSIOp::create(b, loc, lo, idx(0)), arith::MinSIOp::create(b, loc, hi, idx(count))};
  };
  // The window's first position along one axis: max(w * S - pad, 0).
  auto first = [&](Value w, int64_t S, int64_t pad) -> Value {
    Value at = arith::SubIOp::create(b, loc, arith::MulIOp::create(b, loc, w, idx(S)), idx(pad));
    return arith::MaxSIOp::create(b, loc, at, idx(0));
  };
  // Plain variables, not structured bindings: the loop bodies below capture them (C++17).
  Value phLo, phHi, pwLo, pwHi;
  std::tie(phLo, phHi) = windows(oh, KH, SH, top, outT.getDimSize(1));
  std::tie(pwLo, pwHi) = windows(ow, KW, SW, left, outT.getDimSize(2));
  auto vt = VectorType::get({F}, b.getF32Type());
  Value minusInf = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, b.getF32FloatAttr(-INFINITY)));
  auto rows = scf::ForOp::create(b, loc, phLo, phHi, idx(1), ValueRange{out}, [&](OpBuilder &, Location, Value ph, ValueRange o1) {
    Value firstRow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, oh, first(ph, SH, top));
    auto cols = scf::ForOp::create(b, loc, pwLo, pwHi, idx(1), o1, [&](OpBuilder &, Location, Value pw, ValueRange o2) {
      Value isFirst = arith::AndIOp::create(
          b, loc, firstRow, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, ow, first(pw, SW, left)));
      Value o = o2[0];
      for (size_t v = 0; v < ys.size(); ++v) {
        SmallVector<Value> at = {n, ph, pw, arith::AddIOp::create(b, loc, chan0, idx(v * F))};
        Value m = arith::SelectOp::create(b, loc, isFirst, minusInf, bnn::loadLanes(b, loc, o, at, F));
        Value t = ys[v];
        Value take = arith::OrIOp::create(b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, t, m),
                                          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t));
        o = vector::TransferWriteOp::create(b, loc, arith::SelectOp::create(b, loc, take, t, m), o, at,
                                            ArrayRef<bool>{true})
                .getResult();
      }
      scf::YieldOp::create(b, loc, o);
    });
    scf::YieldOp::create(b, loc, cols.getResults());
  });
  return rows.getResult(0);
}

/// A ring of the padded input rows one output row of a conv reads, for a kernel that reads an
/// NCHW image itself instead of a transposed, padded copy of the whole image (the stems:
/// buildFloatConv, buildInt8Conv): `R` rows of `rowLen` elements, padded row r at r mod R. The
/// copy of a 224 x 224 image was written out and read back from the outer caches; the ring
/// holds a few kilobytes that stay in the first-level cache while the row's blocks read them.
struct RowRing {
  Value nchw;                // [N, C, H, W]
  int64_t R, rowLen;         // ring rows, elements per ring row (Wp * C and any spare)
  int64_t C, H, W, sh, top, left;
  int64_t T;                 // elements of one channel read at a time
  TypedAttr readPad;         // a masked read's value beyond W (the padding value, unflipped)
  TypedAttr clearValue;      // a padding row's value (the padding value as the kernel reads it)
  bool flip;                 // xor 0x80 (int8 inputs in the other signedness)
};

/// The ring's tensor before the first row: R x rowLen, every element the padding value (so its
/// padding columns and spare elements keep it).
Value emptyRing(OpBuilder &b, Location loc, const RowRing &g) {
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{g.R, g.rowLen}, g.clearValue.getType());
  return linalg::FillOp::create(b, loc, arith::ConstantOp::create(b, loc, g.clearValue).getResult(), empty).getResult(0);
}

/// The carried values with the last, the ring (R x rowLen, filled with the padding value once),
/// holding padded rows
/// [oh * sh, oh * sh + R) for output row oh. Rows below (oh - 1) * sh + R are there from the
/// previous output row, so each input row is interleaved once, as the transposed copy did. A
/// padding row is cleared; an input row is read T elements of each channel at a time and
/// interleaved into T pixels x C channels (one shuffle), its tail masked (a masked read's
/// padding values land in the right padding, which holds that value anyway).
SmallVector<Value> stageRingRows(OpBuilder &b, Location loc, const RowRing &g, ValueRange carried, Value n,
                                 Value oh) {
  Value init = carried.back();
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  auto mul = [&](Value x, int64_t k) -> Value { return k == 1 ? x : arith::MulIOp::create(b, loc, x, idx(k)); };
  Type elem = g.readPad.getType();
  auto vt = VectorType::get({g.T}, elem);
  Value first = mul(oh, g.sh), end = add(first, idx(g.R));
  Value fresh = arith::MaxSIOp::create(b, loc, first, arith::SubIOp::create(b, loc, end, idx(g.sh)));
  Value lo = arith::SelectOp::create(b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, oh, idx(0)),
                                     first, fresh);
  Value readPad = arith::ConstantOp::create(b, loc, g.readPad);
  Value clear = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, g.clearValue));
  auto rows = scf::ForOp::create(b, loc, lo, end, idx(1), ValueRange{init}, [&](OpBuilder &, Location, Value r, ValueRange ring0) {
    Value slot = arith::RemUIOp::create(b, loc, r, idx(g.R));
    Value inside = arith::AndIOp::create(b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, r, idx(g.top)),
                                         arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r, idx(g.top + g.H)));
    auto branch = scf::IfOp::create(b, loc, TypeRange{ring0[0].getType()}, inside, true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&branch.getThenRegion().front());
    Value ih = arith::SubIOp::create(b, loc, r, idx(g.top));
    bool whole = g.W % g.T == 0;
    // Element w * C + ch of the interleaved tile is element ch * T + w of the channels' rows.
    SmallVector<int64_t> interleave;
    for (int64_t w = 0; w < g.T; ++w)
      for (int64_t ch = 0; ch < g.C; ++ch)
        interleave.push_back(ch * g.T + w);
    auto cols = scf::ForOp::create(b, loc, idx(0), idx(g.W), idx(g.T), ring0, [&](OpBuilder &, Location, Value w0, ValueRange ring1) {
      SmallVector<Value> chans;
      for (int64_t ch = 0; ch < g.C; ++ch)
        chans.push_back(vector::TransferReadOp::create(b, loc, vt, g.nchw, ValueRange{n, idx(ch), ih, w0}, readPad,
                                                       ArrayRef<bool>{whole}));
      Value all = bnn::joinVectors(b, loc, chans);
      Value tile = g.C == 1 ? all : vector::ShuffleOp::create(b, loc, all, all, interleave).getResult();
      if (g.flip) {
        auto tt = cast<VectorType>(tile.getType());
        tile = arith::XOrIOp::create(
            b, loc, tile, arith::ConstantOp::create(b, loc, DenseElementsAttr::get(tt, b.getIntegerAttr(elem, 0x80))));
      }
      Value at = mul(add(w0, idx(g.left)), g.C);
      scf::YieldOp::create(b, loc, vector::TransferWriteOp::create(b, loc, tile, ring1[0], ValueRange{slot, at},
                                                                   ArrayRef<bool>{whole})
                                       .getResult());
    });
    scf::YieldOp::create(b, loc, cols.getResults());
    b.setInsertionPointToStart(&branch.getElseRegion().front());
    auto clearRow = scf::ForOp::create(b, loc, idx(0), idx(g.rowLen), idx(g.T), ring0, [&](OpBuilder &, Location, Value j, ValueRange ring1) {
      scf::YieldOp::create(b, loc, vector::TransferWriteOp::create(b, loc, clear, ring1[0], ValueRange{slot, j},
                                                                   ArrayRef<bool>{g.rowLen % g.T == 0})
                                       .getResult());
    });
    scf::YieldOp::create(b, loc, clearRow.getResults());
    b.setInsertionPointAfter(branch);
    scf::YieldOp::create(b, loc, branch.getResults());
  });
  SmallVector<Value> next(carried.begin(), carried.end());
  next.back() = rows.getResult(0);
  return next;
}

/// The kernel of conv `c` on NHWC `input`, with the element-wise `chain` that follows the
/// conv's value `convResult` applied before the store; returns the [N, Ho, Wo, O] result (null
/// when `fused` says nothing else reads it), then with `fused` the sign and mask planes.
///
/// With `toNCHW` (the value's only reader is the graph output's NHWC -> NCHW transpose, and no
/// pack is fused) the result is written as [N, O, Ho, Wo] directly: each block's pixels x FB
/// channels transposed in registers (bnn::storeBlockNCHW), so no transpose pass follows.
SmallVector<Value> buildFloatConv(OpBuilder &b, Location loc, const FloatConv &c, const bnn::KernelConfig &cfg,
                                  Value input, ArrayRef<Operation *> chain, Value convResult,
                                  const FusedPack *fused = nullptr, bool toNCHW = false,
                                  tosa::MaxPool2dOp pool = nullptr, Value nchwInput = nullptr) {
  const int64_t F = bnn::floatLanes(cfg), V = cfg.vectors, FB = F * V;
  int64_t blocks = (c.O + FB - 1) / FB, Opad = blocks * FB;
  int64_t P = bnn::choosePixelBlock(c.Wo, cfg.pixels, V, /*opsPerAccumulator=*/1); // one FMA
  Type f32 = b.getF32Type();
  auto vt = VectorType::get({F}, f32);
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  auto mul = [&](Value x, int64_t k) -> Value { return k == 1 ? x : arith::MulIOp::create(b, loc, x, idx(k)); };

  // Weights [O][KH][KW][C] -> [O / FB][KH][KW * C][FB]; bias padded to Opad.
  std::vector<float> blocked = bnn::blockWeights(c.weights.data(), c.O, c.KH * c.KW, c.C, FB);
  SmallVector<float> bias = bnn::channelVector<float>(c.bias, c.O, Opad, 0.0f);
  Value weightsT = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({blocks, c.KH, c.KW * c.C, FB}, f32), ArrayRef<float>(blocked)));
  Value biasT = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get({Opad}, f32), ArrayRef<float>(bias)));

  // Zero-padded input, rows flattened: [N, Hp, Wp * C]; or, reading the NCHW tensor
  // `nchwInput` itself, a ring of the R padded rows one output row reads (see stageRows).
  const int64_t Wp = c.W + c.pad[2] + c.pad[3], R = (c.KH - 1) * c.dh + 1;
  Value xf;
  if (!nchwInput) {
    Value x = bnn::padSpatial(b, loc, input, ArrayRef<int64_t>(c.pad, 4), b.getF32FloatAttr(0.0f));
    xf = tensor::CollapseShapeOp::create(b, loc, x, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  }
  bool writeFloat = !fused || fused->keepFloat;
  SmallVector<Value> outs;
  if (pool) {
    auto pooled = cast<RankedTensorType>(pool.getType());
    outs.push_back(tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{c.N, pooled.getDimSize(1), pooled.getDimSize(2), Opad}, f32));
  } else if (writeFloat) {
    outs.push_back(tensor::EmptyOp::create(
        b, loc, toNCHW ? ArrayRef<int64_t>{c.N, Opad, c.Ho, c.Wo} : ArrayRef<int64_t>{c.N, c.Ho, c.Wo, Opad}, f32));
  }
  Value packT;
  if (fused) {
    // Thresholds per (padded) channel; each vector of F channels lands in one word (F divides
    // 64), its bits of padding channels (beyond O) masked off.
    SmallVector<float> th = bnn::channelVector<float>(fused->thresholds, c.O, Opad, 0.0f);
    packT = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get({Opad}, f32), ArrayRef<float>(th)));
    for (int plane = 0; plane < 2; ++plane)
      outs.push_back(bnn::freshPlane(b, loc, {c.N, c.Ho, c.Wo, bnn::wordsFor(c.O)}));
  }
  RowRing ring{nchwInput, R, Wp * c.C, c.C, c.H, c.W, c.sh, c.pad[0], c.pad[2], F,
               b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.0f), false};
  if (nchwInput) // the ring, last of the carried tensors
    outs.push_back(emptyRing(b, loc, ring));
  int64_t span = c.KW * c.C;
  Type i64 = b.getI64Type();
  auto c64 = [&](int64_t v) -> Value { return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)); };

  auto block = [&](Value n, Value oh, Value ob, Value ow0, int64_t pixels, ValueRange o0) -> SmallVector<Value> {
    SmallVector<Value> o(o0.begin(), o0.end());
    // word |= bits (from bit `bit` of the word on) in plane 0 (sign) or 1 (mask), after the
    // float result if it is written; the bits at bit 0 start the word (bnn::orIntoWord).
    auto orInto = [&](int plane, ArrayRef<Value> word, Value bits, Value bit) {
      Value &t = o[(writeFloat ? 1 : 0) + plane];
      t = bnn::orIntoWord(b, loc, t, word, bits, bit);
    };
    SmallVector<Value> init;
    for (int64_t p = 0; p < pixels; ++p)
      for (int64_t v = 0; v < V; ++v)
        init.push_back(bnn::loadLanes(b, loc, biasT, ValueRange{add(mul(ob, FB), idx(v * F))}, F));
    SmallVector<Value> red = reduceWindow(
        b, loc, c, oh, ow0, pixels, init, span,
        [&](Value kh, Value ih, Value j, ArrayRef<Value> colBase, ValueRange acc) {
          Value off = j;
          if (c.dw != 1)
            off = add(j, mul(arith::DivUIOp::create(b, loc, j, idx(c.C)), (c.dw - 1) * c.C));
          SmallVector<Value> w;
          for (int64_t v = 0; v < V; ++v)
            w.push_back(bnn::loadLanes(b, loc, weightsT, ValueRange{ob, kh, j, idx(v * F)}, F));
          SmallVector<Value> next(acc.begin(), acc.end());
          // Row ih of the padded input: in the ring at ih mod R.
          Value ringRow = nchwInput ? arith::RemUIOp::create(b, loc, ih, idx(R)).getResult() : Value();
          for (int64_t p = 0; p < pixels; ++p) {
            Value col = add(colBase[p], off);
            Value xs = nchwInput ? tensor::ExtractOp::create(b, loc, o.back(), ValueRange{ringRow, col})
                                 : tensor::ExtractOp::create(b, loc, xf, ValueRange{n, ih, col});
            Value bx = vector::BroadcastOp::create(b, loc, vt, xs);
            for (int64_t v = 0; v < V; ++v)
              next[p * V + v] = vector::FMAOp::create(b, loc, bx, w[v], next[p * V + v]);
          }
          return next;
        });
    // With FB dividing 64 the block's V vectors land in one word: their bits are ORed together
    // and written once per pixel and plane.
    bool oneWord = 64 % FB == 0;
    SmallVector<Value> rows; // toNCHW: per pixel, the block's FB channels as one vector
    for (int64_t p = 0; p < pixels; ++p) {
      Value blockBits[2], blockBit; // oneWord: the block's bits, from bit blockBit of its word
      SmallVector<Value> parts;
      for (int64_t v = 0; v < V; ++v) {
        Value chan = add(mul(ob, FB), idx(v * F));
        SmallVector<Value> at = {n, oh, add(ow0, idx(p)), chan};
        Value y = red[p * V + v];
        y = bnn::applyEpilogueChain(b, loc, chain, convResult, y, at, F);
        if (toNCHW || pool)
          parts.push_back(y);
        else if (writeFloat)
          o[0] = vector::TransferWriteOp::create(b, loc, y, o[0], at, ArrayRef<bool>{true}).getResult();
        if (!fused)
          continue;
        auto [neg, nz] = bnn::packBits(b, loc, y, bnn::loadLanes(b, loc, packT, ValueRange{chan}, F), fused->tie);
        Value chan64 = arith::IndexCastOp::create(b, loc, i64, chan);
        Value bit = arith::RemUIOp::create(b, loc, chan64, c64(64));
        SmallVector<Value> word = {at[0], at[1], at[2], arith::DivUIOp::create(b, loc, chan, idx(64))};
        Value valid;
        if (Opad != c.O) {
          // (1 << clamp(O - chan, 0, F)) - 1: the vector's lanes of real channels.
          Value real = arith::MinSIOp::create(
              b, loc, arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, c64(c.O), chan64), c64(0)), c64(F));
          valid = arith::SubIOp::create(b, loc, arith::ShLIOp::create(b, loc, c64(1), real), c64(1));
        }
        for (int plane = 0; plane < 2; ++plane) {
          Value bits = bnn::laneBitsWord(b, loc, plane == 0 ? neg : nz);
          if (valid)
            bits = arith::AndIOp::create(b, loc, bits, valid);
          bits = arith::ShLIOp::create(b, loc, bits, bit);
          if (oneWord)
            blockBits[plane] = v == 0 ? bits : arith::OrIOp::create(b, loc, blockBits[plane], bits);
          else
            orInto(plane, word, bits, bit);
        }
        if (oneWord && v == 0)
          blockBit = bit;
        if (oneWord && v + 1 == V)
          for (int plane = 0; plane < 2; ++plane)
            orInto(plane, word, blockBits[plane], blockBit);
      }
      if (toNCHW)
        rows.push_back(bnn::joinVectors(b, loc, parts)); // the block's FB channels as one vector
      if (pool)
        o[0] = maxPoolUpdate(b, loc, pool, o[0], n, oh, add(ow0, idx(p)), mul(ob, FB), parts, F);
    }
    if (toNCHW)
      o[0] = bnn::storeBlockNCHW(b, loc, rows, n, oh, ow0, mul(ob, FB), o[0]);
    return o;
  };
  auto stageRows = [&](Value n, Value oh, ValueRange o0) { return stageRingRows(b, loc, ring, o0, n, oh); };
  SmallVector<Value> results = bnn::forEachOutputBlock(
      b, loc, c.N, c.Ho, c.Wo, blocks, P, outs, block,
      nchwInput ? function_ref<SmallVector<Value>(Value, Value, ValueRange)>(stageRows) : nullptr);
  if (nchwInput)
    results.pop_back();
  if (!writeFloat)
    results.insert(results.begin(), Value());
  else
    results[0] = bnn::sliceAxis(b, loc, results[0], toNCHW ? 1 : 3, c.O);
  return results;
}

/// Erases the chain's ops before its last one (replaced or erased by the caller) and the conv.
void eraseConvAndChain(ConversionPatternRewriter &rewriter, Operation *op, ArrayRef<Operation *> chain,
                       Operation *lastOp) {
  for (Operation *g : llvm::reverse(chain))
    if (g != lastOp)
      rewriter.eraseOp(g);
  if (lastOp != op)
    rewriter.eraseOp(op);
}

/// Replaces conv `op` and the element-wise chain after it (bnn::collectEpilogueChain) by the
/// kernel that `build(chain, toNCHW)` makes where the last of them stands (the kernel reads what
/// they read: a residual may be computed after the conv). When the chain's last value is read
/// only by the graph output's NHWC -> NCHW transpose, `toNCHW` is set: the kernel writes NCHW
/// and replaces the transpose too.
void replaceConvAndChain(ConversionPatternRewriter &rewriter, Operation *op,
                         function_ref<Value(ArrayRef<Operation *>, bool)> build) {
  SmallVector<Operation *> chain = bnn::collectEpilogueChain(op->getResult(0));
  Operation *lastOp = chain.empty() ? op : chain.back();
  Operation *toNCHW = bnn::onlyNCHWTranspose(lastOp->getResult(0));
  rewriter.setInsertionPoint(lastOp);
  Value r = build(chain, toNCHW != nullptr);
  if (toNCHW) {
    rewriter.replaceOp(toNCHW, r);
    rewriter.eraseOp(lastOp);
  } else {
    rewriter.replaceOp(lastOp, r);
  }
  eraseConvAndChain(rewriter, op, chain, lastOp);
}

/// The most input channels for which the kernel reads an NCHW input itself (stageRows in
/// buildFloatConv): a stem's image, whose transposed copy is a pass over memory of its own.
constexpr int64_t kMaxStagedChannels = 4;

/// The NCHW -> NHWC transpose behind the conv's input when the kernel reads the NCHW tensor
/// itself: read only by this conv, of at most kMaxStagedChannels channels.
tosa::TransposeOp stagedTranspose(tosa::Conv2DOp op, const FloatConv &c) {
  auto t = op.getInput().getDefiningOp<tosa::TransposeOp>();
  if (!t || !t->hasOneUse() || t.getPerms() != ArrayRef<int32_t>{0, 2, 3, 1} || c.C > kMaxStagedChannels)
    return nullptr;
  auto in = dyn_cast<RankedTensorType>(t.getInput1().getType());
  return in && in.hasStaticShape() && in.getElementType().isF32() ? t : nullptr;
}

/// Whether a float conv kernel reads the NCHW input of transpose `t` itself (stagedTranspose):
/// LowerLayoutTranspose then leaves `t` to the conv's pattern, which erases it.
bool stagedByConv(tosa::TransposeOp t) {
  if (!t->hasOneUse())
    return false;
  auto conv = dyn_cast<tosa::Conv2DOp>(*t->getUsers().begin());
  if (!conv || conv.getInput() != t.getResult() || bnn::runsOnInt8DotProduct(conv))
    return false;
  std::optional<FloatConv> c = matchFloatConv(conv, /*readConstants=*/false);
  return c && stagedTranspose(conv, *c) == t;
}

struct LowerFloatConv : OpConversionPattern<tosa::Conv2DOp> {
  LowerFloatConv(MLIRContext *ctx, bnn::KernelConfig cfg) : OpConversionPattern(ctx), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(tosa::Conv2DOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    std::optional<FloatConv> conv = matchFloatConv(op);
    if (!conv)
      return rewriter.notifyMatchFailure(op, "not a static f32 conv with constant weights");
    SmallVector<Operation *> chain = bnn::collectEpilogueChain(op.getResult());
    Operation *lastOp = chain.empty() ? op.getOperation() : chain.back();
    std::optional<FusedPack> fused = findFusedPack(lastOp->getResult(0));
    if (fused && 64 % bnn::floatLanes(cfg) != 0)
      fused.reset();
    tosa::TransposeOp staged = stagedTranspose(op, *conv);
    Value nchw = staged ? staged.getInput1() : Value();
    auto done = [&] {
      if (staged)
        rewriter.eraseOp(staged);
      return success();
    };
    if (tosa::MaxPool2dOp pool = fused ? nullptr : findFusedMaxPool(lastOp->getResult(0))) {
      // The kernel stands where the pool stood (it reads what the chain reads) and replaces it.
      rewriter.setInsertionPoint(pool);
      Value pooled = buildFloatConv(rewriter, op.getLoc(), *conv, cfg, op.getInput(), chain, op.getResult(), nullptr,
                                    /*toNCHW=*/false, pool, nchw)[0];
      rewriter.replaceOp(pool, pooled);
      rewriter.eraseOp(lastOp);
      eraseConvAndChain(rewriter, op, chain, lastOp);
      return done();
    }
    if (!fused) {
      replaceConvAndChain(rewriter, op, [&](ArrayRef<Operation *> chain, bool toNCHW) {
        return buildFloatConv(rewriter, op.getLoc(), *conv, cfg, op.getInput(), chain, op.getResult(), nullptr,
                              toNCHW, nullptr, nchw)[0];
      });
      return done();
    }
    // The kernel stands where the chain's last op stood (it reads what the chain reads); the
    // pack after it takes the planes, and the binarize between goes.
    rewriter.setInsertionPoint(lastOp);
    SmallVector<Value> r = buildFloatConv(rewriter, op.getLoc(), *conv, cfg, op.getInput(), chain, op.getResult(),
                                          &*fused, false, nullptr, nchw);
    rewriter.replaceOp(fused->pack, ValueRange{r[1], r[2]});
    rewriter.eraseOp(fused->binarize);
    if (r[0])
      rewriter.replaceOp(lastOp, r[0]);
    else
      rewriter.eraseOp(lastOp);
    eraseConvAndChain(rewriter, op, chain, lastOp);
    return done();
  }
};

} // namespace

bool bnn::floatConvFusesPack(Operation *op) {
  auto pack = dyn_cast<bnn::PackOp>(op);
  auto bin = pack ? pack.getInput().getDefiningOp<bnn::BinarizeOp>() : nullptr;
  if (!bin)
    return false;
  // Back along the epilogue chain to its conv, then forward from the conv as LowerFloatConv
  // collects it.
  Value y = bin.getInput();
  auto conv = dyn_cast_if_present<tosa::Conv2DOp>(bnn::epilogueChainStart(y));
  // Not a conv the int8 kernel takes (its epilogue does not pack): the pack kernel packs that.
  if (!conv || !matchFloatConv(conv, /*readConstants=*/false) || bnn::runsOnInt8DotProduct(conv))
    return false;
  SmallVector<Operation *> chain = bnn::collectEpilogueChain(conv.getResult());
  if ((chain.empty() ? Value(conv.getResult()) : chain.back()->getResult(0)) != y)
    return false;
  std::optional<FusedPack> fused = findFusedPack(y);
  return fused && fused->pack == pack;
}

namespace {

//===----------------------------------------------------------------------===//
// Convolutions of dequantized int8 values (QDQ) on a dot-product instruction
//===----------------------------------------------------------------------===//

/// The int8 tensor behind a DequantizeLinear as the importer writes it: a linalg.generic with the
/// int8/uint8 tensor as its only runtime operand and per-tensor constants, whose body is
/// `(sitofp|uitofp(q) - zero_point) * scale`, optionally followed by the NCHW -> NHWC
/// tosa.transpose of its result.
struct DequantizedInput {
  Value q;                  // the i8 tensor (before the transpose, if any)
  std::optional<SmallVector<int32_t>> perms; // the layout transpose after the dequantization
  bool isSigned = true;
  float scale = 1;
  int32_t zeroPoint = 0;
};

/// The single value of a constant operand with one value (a splat: one element is one too).
std::optional<float> constantScalar(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32() || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<float>();
}

std::optional<DequantizedInput> matchDequantizedInput(Value v) {
  DequantizedInput d;
  if (auto t = v.getDefiningOp<tosa::TransposeOp>()) {
    d.perms = SmallVector<int32_t>(t.getPerms());
    v = t.getInput1();
  }
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 3 || g.getNumResults() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() || !g.getIndexingMapsArray()[0].isIdentity() ||
      !g.getIndexingMapsArray().back().isIdentity())
    return std::nullopt;
  Value q = g.getDpsInputs()[0];
  auto qt = dyn_cast<RankedTensorType>(q.getType());
  if (!qt || !qt.hasStaticShape() || !qt.getElementType().isInteger(8))
    return std::nullopt;
  // Body: %f = sitofp|uitofp %q; %s = subf %f, %zp; %m = mulf %s, %scale; yield %m.
  Block &body = g.getRegion().front();
  auto ops = llvm::to_vector(llvm::map_range(body.without_terminator(), [](Operation &op) { return &op; }));
  if (ops.size() != 3)
    return std::nullopt;
  auto arg = [&](Value x) -> int64_t {
    auto a = dyn_cast<BlockArgument>(x);
    return a && a.getOwner() == &body ? static_cast<int64_t>(a.getArgNumber()) : -1;
  };
  auto sub = dyn_cast<arith::SubFOp>(ops[1]);
  auto mul = dyn_cast<arith::MulFOp>(ops[2]);
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!sub || !mul || yield.getNumOperands() != 1 || yield.getOperand(0) != mul.getResult() ||
      sub.getLhs() != ops[0]->getResult(0) || mul.getLhs() != sub.getResult())
    return std::nullopt;
  if (isa<arith::SIToFPOp>(ops[0]))
    d.isSigned = true;
  else if (isa<arith::UIToFPOp>(ops[0]))
    d.isSigned = false;
  else
    return std::nullopt;
  int64_t zpArg = arg(sub.getRhs()), scaleArg = arg(mul.getRhs());
  if (arg(ops[0]->getOperand(0)) != 0 || zpArg < 1 || zpArg > 2 || scaleArg < 1 || scaleArg > 2 ||
      zpArg == scaleArg)
    return std::nullopt;
  std::optional<float> zp = constantScalar(g.getDpsInputs()[zpArg]);
  std::optional<float> scale = constantScalar(g.getDpsInputs()[scaleArg]);
  if (!zp || !scale || *zp != std::nearbyint(*zp) || !(*scale > 0) || !std::isfinite(*scale))
    return std::nullopt;
  d.q = q;
  d.scale = *scale;
  d.zeroPoint = static_cast<int32_t>(*zp);
  return d;
}

/// A conv the int8 kernel takes: a FloatConv (dilation 1 along W) whose input is dequantized
/// int8 and whose weights are exactly an int8 grid per output channel.
struct Int8Conv {
  FloatConv conv;
  DequantizedInput input;
  bnn::Int8Weights weights;
};

std::optional<Int8Conv> matchInt8Conv(tosa::Conv2DOp op) {
  std::optional<FloatConv> c = matchFloatConv(op);
  if (!c || c->dw != 1)
    return std::nullopt;
  // i32 accumulators: |sum of K products of a byte and an int8| < 2^31.
  if (c->KH * (c->KW * c->C + 3) * 255 * 128 >= (int64_t(1) << 31))
    return std::nullopt;
  std::optional<DequantizedInput> in = matchDequantizedInput(op.getInput());
  if (!in)
    return std::nullopt;
  if (in->perms && ArrayRef<int32_t>(*in->perms) != ArrayRef<int32_t>{0, 2, 3, 1})
    return std::nullopt;
  std::optional<bnn::Int8Weights> w = bnn::decomposeInt8Weights(std::vector<float>(c->weights.begin(), c->weights.end()), c->O);
  if (!w)
    return std::nullopt;
  return Int8Conv{*c, *in, std::move(*w)};
}

/// The int8 kernel (the float kernel's loop nest and epilogue): per block `pixels` positions x
/// `vectors` vectors of F i32 lanes; the reduction over kh and groups of 4 consecutive
/// j = kw * C + c (contiguous in NHWC), per step one dot-product instruction per accumulator:
/// 4 input bytes broadcast to every lane, times the 4 weight bytes of each lane's channel.
/// A row's last group may reach past the window (j >= KW * C): those weights are 0, and the
/// padded input has 4 spare bytes at the end so that the read stays inside it.
/// Epilogue: y = scale_x * scale_w[o] * float(acc - z' * sum(w[o])) + bias[o] (QuantMath.h),
/// then the element-wise chain; with `toNCHW` written as [N, O, Ho, Wo], as buildFloatConv.
Value buildInt8Conv(OpBuilder &b, Location loc, const Int8Conv &q, const bnn::KernelConfig &cfg,
                    ArrayRef<Operation *> chain, Value convResult, bool toNCHW = false) {
  const FloatConv &c = q.conv;
  const int64_t F = bnn::floatLanes(cfg), V = cfg.vectors, FB = F * V;
  const int64_t span = c.KW * c.C, G = (span + 3) / 4;
  int64_t blocks = (c.O + FB - 1) / FB, Opad = blocks * FB;
  int64_t P = bnn::choosePixelBlock(c.Wo, cfg.pixels, V, /*opsPerAccumulator=*/1);
  bool vnni = cfg.dot == bnn::KernelDot::Vnni;
  bnn::Int8Domain domain = bnn::int8Domain(q.input.isSigned, q.input.zeroPoint, /*unsignedOperand=*/vnni);
  Type i8 = b.getIntegerType(8), i32 = b.getI32Type(), f32 = b.getF32Type();
  auto accT = VectorType::get({F}, i32), bytesT = VectorType::get({4 * F}, i8);
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  auto mul = [&](Value x, int64_t k) -> Value { return k == 1 ? x : arith::MulIOp::create(b, loc, x, idx(k)); };

  // Weights [O][KH][KW * C] -> [O / FB][KH][G][FB][4] bytes (zero beyond KW * C and O).
  std::vector<int8_t> blocked(blocks * c.KH * G * FB * 4, 0);
  for (int64_t o = 0; o < c.O; ++o)
    for (int64_t kh = 0; kh < c.KH; ++kh)
      for (int64_t j = 0; j < span; ++j)
        blocked[(((o / FB * c.KH + kh) * G + j / 4) * FB + o % FB) * 4 + j % 4] =
            q.weights.q[(o * c.KH + kh) * span + j];
  std::vector<int32_t> corr = bnn::int8Corrections(q.weights, c.O, domain.zeroPoint);
  SmallVector<float> scale(c.O), bias = bnn::channelVector<float>(c.bias, c.O, Opad, 0.0f);
  for (int64_t o = 0; o < c.O; ++o)
    scale[o] = q.input.scale * q.weights.scale[o];
  auto constant = [&](ArrayRef<int64_t> shape, Type t, auto values) -> Value {
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get(shape, t), values));
  };
  Value weightsT = constant({blocks, c.KH, G, FB * 4}, i8, ArrayRef<int8_t>(blocked));
  Value corrT = constant({Opad}, i32, ArrayRef<int32_t>(bnn::channelVector<int32_t>(corr, c.O, Opad, 0)));
  Value scaleT = constant({Opad}, f32, ArrayRef<float>(bnn::channelVector<float>(scale, c.O, Opad, 0.0f)));
  Value biasT = constant({Opad}, f32, ArrayRef<float>(bias));

  // The int8 input in NHWC, flipped into the instruction's domain, padded with the (flipped) zero
  // point, 4 spare bytes at the end of each row: [N, Hp, Wp * C]. An NCHW image of at most
  // kMaxStagedChannels channels read through a window of at most 3 rows is read by the kernel
  // itself instead, through a ring of such rows (stageRingRows): no transposed, flipped and
  // padded copy of the whole image. Measured (interleaved minima): the int8 3x3/2 stem 3.6%
  // faster (median 10%); the int8 7x7/2 stem 2-3% slower, its copy being bytes (a quarter of
  // the float copy's traffic, in 64-byte transposes) against 7 ring rows per output row.
  int64_t pad[4] = {c.pad[0], c.pad[1], c.pad[2], c.pad[3] + (4 + c.C - 1) / c.C};
  const int64_t Wp = c.W + pad[2] + pad[3], R = (c.KH - 1) * c.dh + 1;
  bool staged = q.input.perms && ArrayRef<int32_t>(*q.input.perms) == ArrayRef<int32_t>{0, 2, 3, 1} &&
                c.C <= kMaxStagedChannels && R <= 3;
  auto zpAttr = [&](int64_t v) { return b.getIntegerAttr(i8, static_cast<int8_t>(v)); };
  std::optional<RowRing> ring;
  if (staged)
    ring = RowRing{q.input.q, R, Wp * c.C, c.C, c.H, c.W, c.sh, pad[0], pad[2], F,
                   zpAttr(domain.flip ? domain.zeroPoint ^ 0x80 : domain.zeroPoint), zpAttr(domain.zeroPoint),
                   domain.flip};
  Value x = q.input.q;
  if (q.input.perms && !staged) {
    auto t = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> shape;
    for (int32_t p : *q.input.perms)
      shape.push_back(t.getDimSize(p));
    x = tosa::TransposeOp::create(b, loc, RankedTensorType::get(shape, i8), x, *q.input.perms);
  }
  if (domain.flip && !staged) {
    auto t = cast<RankedTensorType>(x.getType());
    Value init = tensor::EmptyOp::create(b, loc, t.getShape(), i8);
    AffineMap id = b.getMultiDimIdentityMap(t.getRank());
    x = linalg::GenericOp::create(
            b, loc, t, ValueRange{x}, ValueRange{init}, ArrayRef<AffineMap>{id, id},
            SmallVector<utils::IteratorType>(t.getRank(), utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value m = arith::ConstantOp::create(nb, l, nb.getIntegerAttr(i8, 0x80));
              linalg::YieldOp::create(nb, l, ValueRange{arith::XOrIOp::create(nb, l, a[0], m)});
            })
            .getResult(0);
  }
  Value xf;
  if (!staged) {
    x = bnn::padSpatial(b, loc, x, ArrayRef<int64_t>(pad, 4), zpAttr(domain.zeroPoint));
    xf = tensor::CollapseShapeOp::create(b, loc, x, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  }
  SmallVector<Value> outs = {tensor::EmptyOp::create(
      b, loc, toNCHW ? ArrayRef<int64_t>{c.N, Opad, c.Ho, c.Wo} : ArrayRef<int64_t>{c.N, c.Ho, c.Wo, Opad}, f32)};
  if (staged) // the ring, filled with the (flipped) zero point
    outs.push_back(emptyRing(b, loc, *ring));

  auto block = [&](Value n, Value oh, Value ob, Value ow0, int64_t pixels, ValueRange os) -> SmallVector<Value> {
    Value o = os[0];
    Value zero = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(accT, b.getI32IntegerAttr(0).getValue()));
    SmallVector<Value> init(pixels * V, zero);
    SmallVector<Value> red = reduceWindow(
        b, loc, c, oh, ow0, pixels, init, G,
        [&](Value kh, Value ih, Value g, ArrayRef<Value> colBase, ValueRange acc) {
          SmallVector<Value> w;
          for (int64_t v = 0; v < V; ++v)
            w.push_back(bnn::loadLanes(b, loc, weightsT, ValueRange{ob, kh, g, idx(v * F * 4)}, 4 * F));
          SmallVector<Value> next(acc.begin(), acc.end());
          Value off = mul(g, 4);
          Value ringRow = staged ? arith::RemUIOp::create(b, loc, ih, idx(R)).getResult() : Value();
          for (int64_t p = 0; p < pixels; ++p) {
            // 4 input bytes as one i32, broadcast to every lane.
            Value col = add(colBase[p], off);
            Value x4 = staged ? bnn::loadLanes(b, loc, os[1], ValueRange{ringRow, col}, 4)
                              : bnn::loadLanes(b, loc, xf, ValueRange{n, ih, col}, 4);
            Value word = vector::ExtractOp::create(
                b, loc, vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), x4), ArrayRef<int64_t>{0});
            Value xb = vector::BitCastOp::create(b, loc, bytesT, vector::BroadcastOp::create(b, loc, accT, word));
            for (int64_t v = 0; v < V; ++v)
              next[p * V + v] = bnn::DotI8Op::create(b, loc, next[p * V + v], xb, w[v], /*unsigned_lhs=*/vnni);
          }
          return next;
        });
    SmallVector<Value> rows; // toNCHW: per pixel, the block's FB channels as one vector
    for (int64_t p = 0; p < pixels; ++p) {
      SmallVector<Value> parts;
      for (int64_t v = 0; v < V; ++v) {
        Value ch = add(mul(ob, FB), idx(v * F));
        SmallVector<Value> at = {n, oh, add(ow0, idx(p)), ch};
        Value d = arith::SubIOp::create(b, loc, red[p * V + v], bnn::loadLanes(b, loc, corrT, ValueRange{ch}, F));
        Value y = arith::SIToFPOp::create(b, loc, VectorType::get({F}, f32), d);
        y = vector::FMAOp::create(b, loc, y, bnn::loadLanes(b, loc, scaleT, ValueRange{ch}, F),
                                  bnn::loadLanes(b, loc, biasT, ValueRange{ch}, F));
        y = bnn::applyEpilogueChain(b, loc, chain, convResult, y, at, F);
        if (toNCHW)
          parts.push_back(y);
        else
          o = vector::TransferWriteOp::create(b, loc, y, o, at, ArrayRef<bool>{true}).getResult();
      }
      if (toNCHW)
        rows.push_back(bnn::joinVectors(b, loc, parts));
    }
    SmallVector<Value> next(os.begin(), os.end());
    next[0] = toNCHW ? bnn::storeBlockNCHW(b, loc, rows, n, oh, ow0, mul(ob, FB), o) : o;
    return next;
  };
  auto stageRows = [&](Value n, Value oh, ValueRange o0) { return stageRingRows(b, loc, *ring, o0, n, oh); };
  SmallVector<Value> images = bnn::forEachOutputBlock(
      b, loc, c.N, c.Ho, c.Wo, blocks, P, outs, block,
      staged ? function_ref<SmallVector<Value>(Value, Value, ValueRange)>(stageRows) : nullptr);
  return bnn::sliceAxis(b, loc, images[0], toNCHW ? 1 : 3, c.O);
}

struct LowerInt8Conv : OpConversionPattern<tosa::Conv2DOp> {
  LowerInt8Conv(MLIRContext *ctx, bnn::KernelConfig cfg)
      : OpConversionPattern(ctx, /*benefit=*/2), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(tosa::Conv2DOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    if (cfg.dot == bnn::KernelDot::None || (cfg.dot == bnn::KernelDot::Sdot && bnn::floatLanes(cfg) != 4))
      return rewriter.notifyMatchFailure(op, "no int8 dot product on this target");
    std::optional<Int8Conv> conv = matchInt8Conv(op);
    if (!conv)
      return rewriter.notifyMatchFailure(op, "not a conv of dequantized int8 values with int8 weights");
    replaceConvAndChain(rewriter, op, [&](ArrayRef<Operation *> chain, bool toNCHW) {
      return buildInt8Conv(rewriter, op.getLoc(), *conv, cfg, chain, op.getResult(), toNCHW);
    });
    return success();
  }
};

/// A tosa.matmul A[B, M, K] x W[1, K, N] with constant f32 W is the 1x1 convolution of the
/// B x 1 x M image A with weights [N][1][1][K] (a float Gemm/Linear head).
std::optional<FloatConv> matchFloatMatMul(tosa::MatMulOp op) {
  auto a = dyn_cast<RankedTensorType>(op.getA().getType());
  auto out = dyn_cast<RankedTensorType>(op.getType());
  DenseFPElementsAttr w;
  if (!a || !out || !a.hasStaticShape() || !out.hasStaticShape() || !a.getElementType().isF32() ||
      !out.getElementType().isF32() || !matchPattern(op.getB(), m_Constant(&w)) ||
      !w.getElementType().isF32())
    return std::nullopt;
  auto wt = cast<RankedTensorType>(op.getB().getType());
  if (wt.getDimSize(0) != 1)
    return std::nullopt;
  DenseFPElementsAttr zp;
  for (Value z : {op.getAZp(), op.getBZp()})
    if (!matchPattern(z, m_Constant(&zp)) || !zp.isSplat() || !zp.getSplatValue<APFloat>().isZero())
      return std::nullopt;
  FloatConv c;
  int64_t K = wt.getDimSize(1), N = wt.getDimSize(2);
  c.N = a.getDimSize(0), c.H = 1, c.W = a.getDimSize(1), c.C = K, c.O = N, c.KH = c.KW = 1;
  c.Ho = 1, c.Wo = a.getDimSize(1), c.sh = c.sw = c.dh = c.dw = 1;
  c.pad[0] = c.pad[1] = c.pad[2] = c.pad[3] = 0;
  SmallVector<float> values(w.getValues<float>());
  c.weights.resize(N * K);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      c.weights[n * K + k] = values[k * N + n];
  c.bias = {0.0f};
  return c;
}

struct LowerFloatMatMul : OpConversionPattern<tosa::MatMulOp> {
  LowerFloatMatMul(MLIRContext *ctx, bnn::KernelConfig cfg) : OpConversionPattern(ctx), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(tosa::MatMulOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    std::optional<FloatConv> mm = matchFloatMatMul(op);
    if (!mm)
      return rewriter.notifyMatchFailure(op, "not a static f32 matmul with a constant right operand");
    Location loc = op.getLoc();
    auto a = cast<RankedTensorType>(op.getA().getType());
    Value image = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({mm->N, 1, mm->W, mm->C}, a.getElementType()), op.getA(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    Value result = buildFloatConv(rewriter, loc, *mm, cfg, image, {}, Value())[0];
    rewriter.replaceOp(op, tensor::CollapseShapeOp::create(rewriter, loc, result,
                                                          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}})
                               .getResult());
    return success();
  }
};

/// A pooling the window kernels below take: f32 NHWC, static shapes.
bool isStaticF32Pool(Value input, Type result) {
  auto in = dyn_cast<RankedTensorType>(input.getType());
  auto out = dyn_cast<RankedTensorType>(result);
  return in && out && in.hasStaticShape() && out.hasStaticShape() && in.getElementType().isF32();
}

} // namespace

bool bnn::isTilingAvgPool(Operation *op) {
  auto pool = dyn_cast_if_present<tosa::AvgPool2dOp>(op);
  if (!pool || !isStaticF32Pool(pool.getInput(), pool.getType()))
    return false;
  if (pool.getKernel() != pool.getStride() || llvm::any_of(pool.getPad(), [](int64_t p) { return p != 0; }))
    return false;
  for (Value zp : {pool.getInputZp(), pool.getOutputZp()}) {
    DenseFPElementsAttr attr;
    if (!matchPattern(zp, m_Constant(&attr)) ||
        !llvm::all_of(attr.getValues<APFloat>(), [](const APFloat &v) { return v.isZero(); }))
      return false;
  }
  return true;
}

namespace {

/// A pooling as one element-wise linalg.generic over the output (n, oh, ow, c) whose operands
/// are the window's KH * KW taps: tap (kh, kw) is the strided slice of `input` at offset
/// (kh, kw) with strides (SH, SW) and the output's shape, so that element (n, oh, ow, c) of the
/// slice is input[n, SH * oh + kh, SW * ow + kw, c]. The taps are combined in window order by
/// `body(builder, loc, taps)`. Channels are innermost, so the loop vectorizes along them with
/// plain loads: the upstream pooling ops, lowered to loops, accumulate into the output once per
/// tap, and LLVM vectorized the strided 3x3/2 max-pool with gathers. (Strided slices rather
/// than strided affine maps: with stride 1 the first tap's map would be the identity on the
/// larger input, and linalg takes the loop ranges from it.)
Value windowPool(OpBuilder &b, Location loc, Value input, RankedTensorType out, int64_t KH, int64_t KW,
                 int64_t SH, int64_t SW, function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> taps;
  SmallVector<OpFoldResult> sizes, strides = {b.getIndexAttr(1), b.getIndexAttr(SH), b.getIndexAttr(SW),
                                              b.getIndexAttr(1)};
  for (int64_t d : out.getShape())
    sizes.push_back(b.getIndexAttr(d));
  auto tapType = RankedTensorType::get(out.getShape(), out.getElementType());
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw) {
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(kh), b.getIndexAttr(kw),
                                           b.getIndexAttr(0)};
      taps.push_back(tensor::ExtractSliceOp::create(b, loc, tapType, input, offsets, sizes, strides));
    }
  SmallVector<AffineMap> maps(taps.size() + 1, AffineMap::getMultiDimIdentityMap(4, ctx));
  Value init = tensor::EmptyOp::create(b, loc, out.getShape(), out.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{out}, taps, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
      });
  return generic.getResult(0);
}

/// Average pooling over windows that tile the input:
///   y = ((x_00 + x_01) + ... + x_(KH-1)(KW-1)) / (KH * KW),
/// the order and the division of tosa-to-linalg's pooling (a sum pooling from 0, then a
/// division), in one pass.
struct LowerTilingAvgPool : OpConversionPattern<tosa::AvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(tosa::AvgPool2dOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    if (!bnn::isTilingAvgPool(op))
      return rewriter.notifyMatchFailure(op, "not an f32 pooling whose windows tile the input");
    int64_t KH = op.getKernel()[0], KW = op.getKernel()[1];
    float count = static_cast<float>(KH * KW);
    Value y = windowPool(rewriter, op.getLoc(), op.getInput(), cast<RankedTensorType>(op.getType()), KH, KW, KH,
                         KW, [&](OpBuilder &b, Location l, ValueRange taps) -> Value {
                           Value sum = arith::AddFOp::create(
                               b, l, arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f)), taps[0]);
                           for (Value t : taps.drop_front())
                             sum = arith::AddFOp::create(b, l, sum, t);
                           return arith::DivFOp::create(b, l, sum, arith::ConstantOp::create(b, l, b.getF32FloatAttr(count)));
                         });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// Max pooling (the stem's 3x3/2 of ResNet and Bi-Real): the input padded with -inf (a pad
/// never wins, as TOSA and ONNX ignore padding; no window is padding only, since pad < kernel),
/// then the maximum of the taps in window order. With nan_mode PROPAGATE, TOSA's maximum of the
/// running value m and a tap t is NaN if either is, else `m >= t ? m : t` (a tie of +0 and -0
/// keeps m); tosa-to-linalg writes it as arith.maximumf, which instead orders -0 below +0, and
/// that costs about six instructions per tap on x86 (sign tests and blends around vmaxps).
/// Here each tap costs one `t > m ? t : m` (equal to `m >= t ? m : t` on non-NaN values: a
/// single maxps(t, m)), and NaN is tracked apart: an unordered compare is true if either
/// operand is NaN, so one per pair of taps, OR-ed, decides once at the end whether the result
/// is NaN. With nan_mode IGNORE: arith.maxnumf, as tosa-to-linalg.
struct LowerMaxPool : OpConversionPattern<tosa::MaxPool2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(tosa::MaxPool2dOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    if (!isStaticF32Pool(op.getInput(), op.getType()))
      return rewriter.notifyMatchFailure(op, "not a static f32 pooling");
    Location loc = op.getLoc();
    ArrayRef<int64_t> pad = op.getPad(); // top, bottom, left, right
    Value input = op.getInput();
    input = bnn::padSpatial(rewriter, loc, input, pad, rewriter.getF32FloatAttr(-INFINITY));
    bool ignoreNaN = op.getNanMode() == tosa::NanPropagationMode::IGNORE;
    Value y = windowPool(rewriter, loc, input, cast<RankedTensorType>(op.getType()), op.getKernel()[0],
                         op.getKernel()[1], op.getStride()[0], op.getStride()[1],
                         [&](OpBuilder &b, Location l, ValueRange taps) -> Value {
                           Value m = taps[0];
                           if (ignoreNaN) {
                             for (Value t : taps.drop_front())
                               m = arith::MaxNumFOp::create(b, l, m, t);
                             return m;
                           }
                           for (Value t : taps.drop_front()) {
                             // TOSA's m >= t ? m : t, written t > m ? t : m (the same on every
                             // non-NaN pair, ties keeping m): x86's maxps(t, m) exactly.
                             Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, t, m);
                             m = arith::SelectOp::create(b, l, greater, t, m);
                           }
                           Value anyNaN;
                           for (size_t k = 0; k < taps.size(); k += 2) {
                             Value other = k + 1 < taps.size() ? taps[k + 1] : taps[k];
                             Value nan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, taps[k], other);
                             anyNaN = anyNaN ? arith::OrIOp::create(b, l, anyNaN, nan).getResult() : nan;
                           }
                           Value qnan = arith::ConstantOp::create(b, l, b.getF32FloatAttr(NAN));
                           return arith::SelectOp::create(b, l, anyNaN, qnan, m);
                         });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// A layout transpose between NCHW and NHWC of an f32 tensor whose two swapped extents (the
/// channels and the pixels) are both at least one tile: a batched transpose of an R x S matrix,
/// NHWC -> NCHW [N, HW, C] -> [N, C, HW] (perms 0, 3, 1, 2) and NCHW -> NHWC [N, C, HW] ->
/// [N, HW, C] (perms 0, 2, 3, 1).
std::optional<std::array<int64_t, 3>> matchLayoutTranspose(tosa::TransposeOp op, int64_t tile) {
  auto in = dyn_cast<RankedTensorType>(op.getInput1().getType());
  if (!in || in.getRank() != 4 || !in.hasStaticShape() || !in.getElementType().isF32())
    return std::nullopt;
  ArrayRef<int32_t> perms = op.getPerms();
  std::array<int64_t, 3> nrs;
  if (perms == ArrayRef<int32_t>{0, 3, 1, 2})
    nrs = {in.getDimSize(0), in.getDimSize(1) * in.getDimSize(2), in.getDimSize(3)};
  else if (perms == ArrayRef<int32_t>{0, 2, 3, 1})
    nrs = {in.getDimSize(0), in.getDimSize(1), in.getDimSize(2) * in.getDimSize(3)};
  else
    return std::nullopt;
  if (nrs[1] < tile || nrs[2] < tile)
    return std::nullopt;
  return nrs;
}

/// The layout transpose in T x T tiles (T: the f32 lanes of a vector register): each tile read
/// as T rows of T contiguous floats, transposed in registers (vector.transpose, lowered to
/// shuffles), written as T contiguous rows. Upstream's lowering, loops over the output,
/// reads the input with a stride of C or HW floats, which LLVM vectorized with gathers: the
/// output transpose of a stem conv (32 x 112 x 112) took twice as long as the conv. Tiles at
/// the edges (an extent not a multiple of T) are masked.
struct LowerLayoutTranspose : OpConversionPattern<tosa::TransposeOp> {
  LowerLayoutTranspose(MLIRContext *ctx, int64_t tile) : OpConversionPattern(ctx), tile(tile) {}
  int64_t tile;

  LogicalResult matchAndRewrite(tosa::TransposeOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    std::optional<std::array<int64_t, 3>> nrs = matchLayoutTranspose(op, tile);
    if (!nrs)
      return rewriter.notifyMatchFailure(op, "not an f32 NCHW <-> NHWC transpose of tiles");
    if (stagedByConv(op))
      return rewriter.notifyMatchFailure(op, "the conv kernel reading it reads its input itself");
    const int64_t N = (*nrs)[0], R = (*nrs)[1], S = (*nrs)[2], T = tile;
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Type f32 = b.getF32Type();
    auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    auto outType = cast<RankedTensorType>(op.getType());
    // Both views group the pixels' two axes; the first permutation's are the input's 1 and 2.
    bool toNCHW = op.getPerms()[1] == 3;
    SmallVector<ReassociationIndices> pixelsFirst = {{0}, {1, 2}, {3}}, pixelsLast = {{0}, {1}, {2, 3}};
    auto inGroups = toNCHW ? pixelsFirst : pixelsLast, outGroups = toNCHW ? pixelsLast : pixelsFirst;
    Value x = tensor::CollapseShapeOp::create(b, loc, op.getInput1(), inGroups);
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{N, S, R}, f32);
    auto tileType = VectorType::get({T, T}, f32);
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    SmallVector<bool> readBounds = {R % T == 0, S % T == 0}, writeBounds = {S % T == 0, R % T == 0};
    auto images = scf::ForOp::create(b, loc, idx(0), idx(N), idx(1), ValueRange{init},
        [&](OpBuilder &, Location, Value n, ValueRange o1) {
          auto rows = scf::ForOp::create(b, loc, idx(0), idx(R), idx(T), o1, [&](OpBuilder &, Location, Value r0, ValueRange o2) {
            auto cols = scf::ForOp::create(b, loc, idx(0), idx(S), idx(T), o2, [&](OpBuilder &, Location, Value s0, ValueRange o3) {
              Value t = vector::TransferReadOp::create(b, loc, tileType, x, ValueRange{n, r0, s0}, zero,
                                                       ArrayRef<bool>(readBounds));
              Value tt = vector::TransposeOp::create(b, loc, t, ArrayRef<int64_t>{1, 0});
              Value w = vector::TransferWriteOp::create(b, loc, tt, o3[0], ValueRange{n, s0, r0},
                                                        ArrayRef<bool>(writeBounds)).getResult();
              scf::YieldOp::create(b, loc, w);
            });
            scf::YieldOp::create(b, loc, cols.getResults());
          });
          scf::YieldOp::create(b, loc, rows.getResults());
        });
    rewriter.replaceOp(op, tensor::ExpandShapeOp::create(b, loc, outType, images.getResult(0), outGroups).getResult());
    return success();
  }
};

/// Upstream's empty-tensor elimination and one-shot bufferization analyse a concatenation's
/// chain of insert_slices into one tensor in time that grows steeply with the number of inputs
/// (a 100-input concat: 8 s; 200: 2 minutes). A concatenation of more than kMaxConcatInputs
/// becomes a tree of tensor.concat ops with at most that many inputs each (tosa.concat would
/// fold the tree back into one op), which keeps every chain short for one more copy per level.
constexpr size_t kMaxConcatInputs = 32;

struct SplitWideConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op, PatternRewriter &rewriter) const override {
    SmallVector<Value> parts(op.getInput1().begin(), op.getInput1().end());
    if (parts.size() <= kMaxConcatInputs)
      return failure();
    int64_t axis = op.getAxis();
    auto concat = [&](ArrayRef<Value> inputs) {
      return tensor::ConcatOp::create(rewriter, op.getLoc(), axis, inputs).getResult();
    };
    while (parts.size() > kMaxConcatInputs) {
      SmallVector<Value> level;
      for (size_t i = 0; i < parts.size(); i += kMaxConcatInputs)
        level.push_back(concat(ArrayRef<Value>(parts).slice(
            i, std::min(kMaxConcatInputs, parts.size() - i))));
      parts = std::move(level);
    }
    rewriter.replaceOp(op, concat(parts));
    return success();
  }
};

struct BNNLowerFloatConvsPass : bnn::impl::BNNLowerFloatConvsBase<BNNLowerFloatConvsPass> {
  using BNNLowerFloatConvsBase::BNNLowerFloatConvsBase;
  void runOnOperation() override {
    if (lanes < 1 || vectors < 1 || pixels < 1) {
      getOperation().emitError() << "bnn-lower-float-convs: lanes, vectors and pixels must be positive";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    bnn::KernelConfig config{lanes, vectors, pixels};
    if (dot == "vnni")
      config.dot = bnn::KernelDot::Vnni;
    else if (dot == "sdot")
      config.dot = bnn::KernelDot::Sdot;
    else if (dot != "none") {
      getOperation().emitError() << "bnn-lower-float-convs: dot must be none, vnni or sdot, not '" << dot << "'";
      return signalPassFailure();
    }
    bnn::populateFloatConvKernelPatterns(patterns, config);
    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    // Every float conv the kernel can take must become one.
    target.addDynamicallyLegalOp<tosa::Conv2DOp>(
        [](tosa::Conv2DOp op) { return !matchFloatConv(op, /*readConstants=*/false); });
    target.addDynamicallyLegalOp<tosa::MatMulOp>([](tosa::MatMulOp op) { return !matchFloatMatMul(op); });
    target.addDynamicallyLegalOp<tosa::AvgPool2dOp>([](tosa::AvgPool2dOp op) { return !bnn::isTilingAvgPool(op); });
    target.addDynamicallyLegalOp<tosa::MaxPool2dOp>(
        [](tosa::MaxPool2dOp op) { return !isStaticF32Pool(op.getInput(), op.getType()); });
    target.addDynamicallyLegalOp<tosa::ConcatOp>(
        [](tosa::ConcatOp op) { return op.getInput1().size() <= kMaxConcatInputs; });
    int64_t tile = bnn::floatLanes(bnn::KernelConfig{lanes, vectors, pixels});
    target.addDynamicallyLegalOp<tosa::TransposeOp>(
        [tile](tosa::TransposeOp op) { return !matchLayoutTranspose(op, tile) || stagedByConv(op); });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

bool bnn::runsOnInt8DotProduct(tosa::Conv2DOp conv) {
  auto module = conv->getParentOfType<ModuleOp>();
  auto dot = module ? module->getAttrOfType<StringAttr>("bnn.int8_dot") : StringAttr();
  return dot && (dot.getValue() == "vnni" || dot.getValue() == "sdot") && matchInt8Conv(conv).has_value();
}

void bnn::populateFloatConvKernelPatterns(RewritePatternSet &patterns, const KernelConfig &config) {
  patterns.add<LowerFloatConv, LowerFloatMatMul, LowerInt8Conv>(patterns.getContext(), config);
  patterns.add<LowerTilingAvgPool, LowerMaxPool, SplitWideConcat>(patterns.getContext());
  patterns.add<LowerLayoutTranspose>(patterns.getContext(), bnn::floatLanes(config));
}

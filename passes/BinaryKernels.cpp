//===- BinaryKernels.cpp - register-blocked XNOR-popcount kernels -*- C++ -*-===//
//
// Lowers bnn.bconv2d and bnn.bmatmul with constant weights, together with the
// bnn.output_transform or bnn.threshold that consumes their result, to one register-blocked
// micro-kernel written in the vector dialect on tensors (scf.for + vector.transfer_read/write),
// which one-shot bufferization turns into loops over the buffers in place.
//
// Kernel design (docs/kernels.md):
//  * A block is `pixels` output positions along the row x `lanes * vectors` output channels. Its
//    accumulators are `pixels * vectors` vectors of `lanes` i64, carried as loop values through
//    the whole reduction, so they live in registers; they are never widened inside the loop.
//  * The reduction runs over kh and over j = kw * words + word. With dilation 1 along W the input
//    words of one kernel row are contiguous in NHWC (row-major [W][words]), so j indexes them
//    directly; the weights are re-laid out at compile time as [O / block][KH][KW * words][block]
//    (bnn::blockWeights), so the inner loop streams them: one contiguous vector per (j, vector).
//  * Per step: `vectors` weight loads, `pixels` input words broadcast to all lanes, and
//    `pixels * vectors` (xor, popcount, add) on vectors.
//  * Zero padding: the input is padded with bit 0 (+1) and the kernel counts every tap; the
//    padded taps are corrected outside the loop by a per-(row class, column class, channel) base
//    (bnn::bipolarConvBase, BINARY_SEMANTICS §2): d = base - 2A.
//  * sign(0) (faithful mode): an input that may hold exact zeros carries a mask plane. Per output
//    row the kernel first checks whether the input rows it reads hold any zero (mask bits not all
//    set). Rows without zeros (nearly all, after BatchNorm) take the bipolar loop above; a row with
//    a zero takes the exact masked loop: d = popcount(m) - 2 popcount(m & (s ^ w)), with
//    m & (s ^ w) = (m & s) ^ (m & w), so the broadcast words are m & s and m.
//  * Ternary weights (exact zeros, packed as +1): a weight mask plane wm, laid out as the
//    weights, selects the counted bits, (s ^ w) & wm (one vpternlogq on AVX-512), with a base
//    per channel and class; or, for a handful of zeros, a sparse correction (zero_taps).
//  * The epilogue is applied to the accumulators in registers: the integer result, the
//    per-channel affine output transform (y = mul * float(d) + bias), or the integer thresholds
//    straight to packed bits (each vector compare gives `lanes` bits, ORed into the output word).
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/KernelSupport.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

namespace bnn {
#define GEN_PASS_DEF_BNNLOWERBINARYKERNELS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;
using bnn::freshPlane;
using bnn::packBits;

namespace {

/// What a binary layer computes, in conv terms (a bmatmul is a 1x1 conv over a 1 x M image).
struct LayerShape {
  int64_t N, H, W, words, inChannels, O, KH, KW, sh, sw, dh, dw, Ho, Wo;
  int64_t pad[4]; // top, bottom, left, right
  bool bipolar;
  /// Zero weights (ternary), flat indices ((o * KH + kh) * KW + kw) * inChannels + c.
  ArrayRef<int64_t> zeroTaps = {};
  /// Or the weight mask plane (ternary), packed like the weights: bit 1 for a non-zero weight.
  ArrayRef<uint64_t> weightMask = {};
};

/// The consumer folded into the kernel's epilogue.
enum class EpilogueKind { Raw, Affine, Threshold };

struct Epilogue {
  EpilogueKind kind = EpilogueKind::Raw;
  Operation *op = nullptr;
  // Affine: per-channel multiplier and bias. Threshold: low, high, descending.
  SmallVector<float> mul, bias;
  SmallVector<int64_t> low, high, desc;
  // Affine: element-wise linalg.generic ops that follow the transform (PReLU/RPReLU, Clip, a
  // residual Add, scales), applied to the accumulators' floats in registers
  // (bnn::collectEpilogueChain).
  SmallVector<Operation *> chain;
  // Affine whose result (after the chain) only feeds a tosa.transpose NHWC -> NCHW (a graph
  // output): the kernel writes NCHW directly and replaces the transpose.
  Operation *toNCHW = nullptr;
  // Affine whose result (after the chain) is also binarized and packed for the next binary
  // layer (ReActNet's RSign of the residual stream): the kernel writes the float result and
  // the packed planes, and replaces the bnn.binarize and bnn.pack; the float result is not
  // read again to pack it.
  bnn::BinarizeOp binarize;
  bnn::PackOp pack;
  SmallVector<float> packThresholds; // one per channel
  float packTie = 0.0f;              // the binarize's value at its threshold
  // Affine whose result (after the chain) is read, besides the fused pack, only by an average
  // pool whose KH x KW windows tile it (ReActNet's downsampling shortcut): the kernel writes the
  // pooled result instead of the full-resolution one, and replaces the pool.
  tosa::AvgPool2dOp pool;
  int64_t poolKH = 0, poolKW = 0;
};

/// A fresh tensor of `type`, filled with `value` if given. With `distinct` it starts from a
/// bufferization.alloc_tensor, which CSE never merges with another (two identical tensor.empty
/// + fill, such as a layer's sign and mask planes, would be merged, and bufferization would then
/// copy the shared one); otherwise from a tensor.empty, which eliminate-empty-tensors can
/// replace by a slice of the tensor the result is inserted into.
Value freshTensor(OpBuilder &b, Location loc, RankedTensorType type, TypedAttr value, bool distinct) {
  Value t = distinct ? bufferization::AllocTensorOp::create(b, loc, type, ValueRange{}).getResult()
                     : tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType()).getResult();
  if (!value)
    return t;
  return linalg::FillOp::create(b, loc, arith::ConstantOp::create(b, loc, value).getResult(), t).getResult(0);
}

/// Reads a constant of any element type as int64/float values.
bool constantInts(Value v, SmallVector<int64_t> &out) {
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(x.getBitWidth() == 1 ? int64_t(x.getZExtValue()) : x.getSExtValue());
  return true;
}

bool constantFloats(Value v, SmallVector<float> &out) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  for (const APFloat &x : attr.getValues<APFloat>())
    out.push_back(x.convertToFloat());
  return true;
}

/// The output_transform or threshold that is the only user of `result`, if its parameters are
/// constants; else the raw integer epilogue. With `fusePack`, an affine epilogue also takes the
/// binarize + pack of its result (a conv's [N, Ho, Wo, O] result packed along O).
Epilogue findEpilogue(Value result, bool fusePack) {
  Epilogue e;
  if (!result.hasOneUse())
    return e;
  Operation *user = *result.getUsers().begin();
  if (auto ot = dyn_cast<bnn::OutputTransformOp>(user)) {
    if (constantFloats(ot.getMultiplier(), e.mul) && constantFloats(ot.getBias(), e.bias)) {
      e.kind = EpilogueKind::Affine;
      e.op = user;
      e.chain = bnn::collectEpilogueChain(ot.getResult());
      Value y = e.chain.empty() ? Value(ot.getResult()) : e.chain.back()->getResult(0);
      e.toNCHW = bnn::onlyNCHWTranspose(y);
      auto yType = cast<RankedTensorType>(y.getType());
      if (fusePack && !e.toNCHW && yType.getRank() == 4 && yType.hasStaticShape()) {
        for (Operation *u : y.getUsers()) {
          auto bin = dyn_cast<bnn::BinarizeOp>(u);
          if (!bin || !bin->hasOneUse())
            continue;
          auto pk = dyn_cast<bnn::PackOp>(*bin->getUsers().begin());
          int64_t n = bin.getThresholds().getNumElements(), channels = yType.getDimSize(3);
          if (!pk || (n != 1 && n != channels) ||
              pk.getSign().getType().getShape() !=
                  ArrayRef<int64_t>{yType.getDimSize(0), yType.getDimSize(1), yType.getDimSize(2),
                                    bnn::wordsFor(channels)})
            continue;
          e.binarize = bin;
          e.pack = pk;
          e.packTie = bin.getTieValue();
          e.packThresholds.assign(bin.getThresholds().getValues<float>().begin(),
                                  bin.getThresholds().getValues<float>().end());
          if (n == 1)
            e.packThresholds.assign(channels, e.packThresholds[0]);
          break;
        }
        // Every other reader: one tiling average pool whose windows cover the result exactly.
        SmallVector<Operation *> others;
        for (Operation *u : y.getUsers())
          if (u != e.binarize.getOperation())
            others.push_back(u);
        auto pool = others.size() == 1 ? dyn_cast<tosa::AvgPool2dOp>(others[0]) : tosa::AvgPool2dOp();
        if (pool && bnn::isTilingAvgPool(pool)) {
          int64_t KH = pool.getKernel()[0], KW = pool.getKernel()[1];
          if (KH * KW > 1 && yType.getDimSize(1) % KH == 0 && yType.getDimSize(2) % KW == 0) {
            e.pool = pool;
            e.poolKH = KH;
            e.poolKW = KW;
          }
        }
      }
    }
  } else if (auto th = dyn_cast<bnn::ThresholdOp>(user)) {
    if (constantInts(th.getLow(), e.low) && constantInts(th.getHigh(), e.high) &&
        constantInts(th.getDescending(), e.desc)) {
      e.kind = EpilogueKind::Threshold;
      e.op = user;
    }
  }
  if (e.kind == EpilogueKind::Raw) {
    e.mul.clear(), e.bias.clear(), e.low.clear(), e.high.clear(), e.desc.clear();
  }
  return e;
}

/// The largest weight block (bytes) a word block may stream from L1 (see KernelBuilder).
constexpr int64_t kWordBlockWeightBytes = 32 * 1024;

/// Builds the kernel of one layer. All sizes are compile-time constants; loop variables are
/// index values.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const LayerShape &s, const bnn::KernelConfig &cfg,
                const Epilogue &epi)
      : b(b), loc(loc), s(s), L(cfg.lanes), V(cfg.vectors), P(cfg.pixels), epi(epi),
        duplicateInput(cfg.duplicateInputWords && cfg.lanes > 1) {
    // 32-bit words: a layer whose input has at most 32 channels fills only the low half of its
    // one 64-bit word per position, so a vector popcount of i64 lanes counts 32 bits of padding
    // per lane. Its kernel works on the low halves instead: i32 lanes, twice as many per
    // vector (vpopcntd on AVX-512), so each popcount covers twice the channels. The planes
    // stay i64 (the high halves are 0 in sign and mask); the input words are truncated as they
    // are read. Not with the byte accumulators (NEON's, already narrow) or the lane-repeated
    // input copy (a copy of i64 words).
    half = cfg.narrowWords && s.words == 1 && s.inChannels <= 32 && cfg.lanes > 1 &&
           !duplicateInput && cfg.accumulate != bnn::KernelAccumulate::Bytes &&
           64 % (2 * cfg.lanes * cfg.vectors) == 0; // the block's bits still fit one word
    L64 = L;
    if (half)
      L *= 2;
    int64_t maxPixels = cfg.pixels;
    // Blocks of whole output words where the epilogue writes packed bits. A block of OB < 64
    // channels owns OB bits of each position's word, so every block reads the word back, shifts
    // its bits in and stores it again, per pixel and plane: on a layer with a short reduction
    // (64 channels, 3x3: 9 steps per block) that epilogue costs as much as the reduction
    // itself. A block of a whole word (or of all O channels, if fewer) builds each word in
    // registers and stores it once (one kmovq per plane on AVX-512). It keeps the
    // accumulator count (V * pixels) and so the registers: on AVX-512, 8 vectors x 2 pixels
    // instead of 2 x 8; a step then loads 8 weight vectors and broadcasts 2 input words
    // instead of 2 and 8, the same loads per popcount. Not where the block has fewer
    // accumulators than a word has vectors (AVX2, NEON, RVV, scalar), nor where the kernel
    // writes NCHW floats (its transpose wants many pixels per block), nor with byte
    // accumulators (their chunked flush works per vector).
    if (cfg.wordBlocks && (epi.pack || epi.kind == EpilogueKind::Threshold) && !epi.toNCHW &&
        cfg.accumulate == bnn::KernelAccumulate::Words) {
      int64_t wordVectors = std::min<int64_t>(64, llvm::alignTo(s.O, L)) / L;
      // A word block reuses each weight vector it loads for only `pixels` positions, so its
      // weights (per block, K bits per channel) must stay in L1 across the row's blocks: at
      // most kWordBlockWeightBytes, the smallest L1 data cache of the AVX-512 cores (32 KB:
      // Skylake-SP, Zen 4). A 512-channel 3x3 layer (36 KB per 64-channel block) keeps 2 x 8.
      int64_t blockWeightBytes = wordVectors * L64 * 8 * s.KH * s.KW * s.words;
      if (wordVectors > V && (V * cfg.pixels) % wordVectors == 0 &&
          blockWeightBytes <= kWordBlockWeightBytes) {
        maxPixels = V * cfg.pixels / wordVectors;
        V = wordVectors;
      }
    }
    OB = L * V;
    // `pixels` is the largest block the registers hold; per accumulator a step is xor,
    // popcount and add.
    P = bnn::choosePixelBlock(s.Wo, maxPixels, V, 3);
    // Byte accumulators: each step adds at most 8 to a byte lane, so a chunk of at most 31
    // steps cannot overflow (31 * 8 = 248). The chunk is the largest divisor of a kernel row's
    // steps (kw * words) up to 31; too small a chunk would flush more than it saves.
    span = s.KW * s.words;
    chunk = span;
    if (cfg.accumulate == bnn::KernelAccumulate::Bytes && L > 1) {
      for (chunk = std::min<int64_t>(span, 31); span % chunk; --chunk)
        ;
      bytes = chunk >= 4;
    }
    if (!bytes)
      chunk = span;
    blocks = (s.O + OB - 1) / OB;
    Opad = blocks * OB;
    outWords = bnn::wordsFor(s.O);
  }

  /// Emits the kernel; returns the results that replace the epilogue op (or the layer).
  SmallVector<Value> build(Value sign, Value mask, ArrayRef<uint64_t> weights);

private:
  OpBuilder &b;
  Location loc;
  const LayerShape &s;
  int64_t L, V, P, OB, blocks, Opad, outWords;
  /// i64 words per vector register: the configuration's lanes (L is twice that on 32-bit words).
  int64_t L64 = 1;
  const Epilogue &epi;
  /// The bipolar loop reads its input words from signDup (see KernelConfig).
  bool duplicateInput;
  /// Per-byte popcounts in u8 lanes, flushed into the i64 accumulators every `chunk` steps.
  bool bytes = false;
  /// 32-bit words (see the constructor): accumulators, weights and per-channel integers in i32.
  bool half = false;
  int64_t span = 0, chunk = 0;

  /// The inner accumulator of one vector of L words: L i64 lanes, or 8L u8 lanes.
  Value zeroAccumulator() {
    if (!bytes)
      return splat(i64(), 0);
    auto t = VectorType::get({8 * L}, b.getI8Type());
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(t, b.getIntegerAttr(b.getI8Type(), 0)));
  }
  /// acc += popcount(x), x being L words: one vector popcount (AVX-512 vpopcntq, scalar popcnt)
  /// or a popcount per byte (NEON cnt, AVX2's byte table) added into byte lanes.
  Value accumulate(Value acc, Value x) {
    if (!bytes)
      return add(acc, math::CtPopOp::create(b, loc, x));
    Value lanes = vector::BitCastOp::create(b, loc, VectorType::get({8 * L}, b.getI8Type()), x);
    return add(acc, math::CtPopOp::create(b, loc, lanes));
  }
  /// The byte accumulator as L i64 lanes (word l is the sum of bytes 8l .. 8l+7), by three
  /// pairwise widening adds (NEON uaddlp / vpaddl).
  Value flush(Value acc) {
    if (!bytes)
      return acc;
    auto pairSum = [&](Value v, Type wide) -> Value {
      auto t = cast<VectorType>(v.getType());
      int64_t n = t.getNumElements();
      SmallVector<int64_t> even, odd;
      for (int64_t i = 0; i < n / 2; ++i)
        even.push_back(2 * i), odd.push_back(2 * i + 1);
      Value w = arith::ExtUIOp::create(b, loc, VectorType::get({n}, wide), v);
      return add(vector::ShuffleOp::create(b, loc, w, w, even), vector::ShuffleOp::create(b, loc, w, w, odd));
    };
    return pairSum(pairSum(pairSum(acc, b.getI16Type()), b.getI32Type()), i64());
  }

  Type i64() { return b.getI64Type(); }
  /// The element type of the accumulators, weight words and per-channel integers.
  Type accType() { return half ? b.getI32Type() : b.getI64Type(); }
  /// An input word read from an i64 plane, as the kernel's word.
  Value word(Value w64) { return half ? arith::TruncIOp::create(b, loc, b.getI32Type(), w64).getResult() : w64; }
  /// `d` (accumulator lanes) as i32 lanes.
  Value toI32(Value d) {
    return half ? d : arith::TruncIOp::create(b, loc, lanesOf(b.getI32Type()), d).getResult();
  }
  /// `elem` in L lanes: a vector, or the scalar itself when L == 1.
  Type lanesOf(Type elem) { return L == 1 ? elem : Type(VectorType::get({L}, elem)); }
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t c) { return c == 1 ? x : arith::MulIOp::create(b, loc, x, idx(c)); }

  /// A constant of L lanes (a scalar when L == 1).
  Value splat(Type elem, int64_t value) {
    if (L == 1)
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(elem, value));
    auto type = VectorType::get({L}, elem);
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, b.getIntegerAttr(elem, value)));
  }
  Value broadcast(Value x) {
    return L == 1 ? x : vector::BroadcastOp::create(b, loc, VectorType::get({L}, x.getType()), x);
  }
  /// `L` consecutive elements along the innermost axis of `t` at `indices`.
  Value load(Value t, ValueRange indices) { return bnn::loadLanes(b, loc, t, indices, L); }
  Value store(Value v, Value t, ValueRange indices) {
    if (L == 1)
      return tensor::InsertOp::create(b, loc, v, t, indices);
    return vector::TransferWriteOp::create(b, loc, v, t, indices, ArrayRef<bool>{true}).getResult();
  }
  /// Writes the affine epilogue's value y (channels from at[3] at pixel (at[1], at[2])) into the
  /// result `out`: y itself, or with a fused average pool (epi.pool, KH x KW windows that tile
  /// the result) its part of the window's sum in the pooled result. tosa-to-linalg's pooling
  /// is ((((0 + y_00) + y_01) + ...) + y_(KH-1)(KW-1)) / (KH * KW), window pixels in row-major
  /// order; the kernel's loops run over rows, then along W (blocks, then single pixels, in
  /// order), so for each output channel a window's pixels arrive in that order: the first
  /// starts the sum from 0, the others add to what is stored, the last divides.
  Value storeY(Value y, Value out, ArrayRef<Value> at) {
    if (!epi.pool)
      return store(y, out, at);
    auto vt = dyn_cast<VectorType>(y.getType());
    int64_t lanes = vt ? vt.getNumElements() : 1;
    auto c = [&](int64_t v) { return idx(v); };
    auto eq = [&](Value x, int64_t v) { return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(v)); };
    auto fconst = [&](float v) { return createScalarOrSplatConstant(b, loc, y.getType(), APFloat(v)); };
    int64_t KH = epi.poolKH, KW = epi.poolKW;
    Value rh = arith::RemUIOp::create(b, loc, at[1], c(KH)), rw = arith::RemUIOp::create(b, loc, at[2], c(KW));
    SmallVector<Value> pooled = {at[0], arith::DivUIOp::create(b, loc, at[1], c(KH)),
                                 arith::DivUIOp::create(b, loc, at[2], c(KW)), at[3]};
    Value first = arith::AndIOp::create(b, loc, eq(rh, 0), eq(rw, 0));
    Value last = arith::AndIOp::create(b, loc, eq(rh, KH - 1), eq(rw, KW - 1));
    Value sum = arith::SelectOp::create(b, loc, first, fconst(0.0f), bnn::loadLanes(b, loc, out, pooled, lanes));
    sum = arith::AddFOp::create(b, loc, sum, y);
    Value avg = arith::DivFOp::create(b, loc, sum, fconst(float(KH * KW)));
    return store(arith::SelectOp::create(b, loc, last, avg, sum), out, pooled);
  }
  /// The low `bits` bits of a word set.
  static int64_t blockBits(int64_t bits) { return bits == 64 ? -1 : int64_t((uint64_t(1) << bits) - 1); }
  /// Per channel block, the bits of its real channels (blockBits of min(O - block * OB, OB));
  /// null when no block passes O.
  Value validBitsTable() {
    if (Opad == s.O)
      return nullptr;
    SmallVector<int64_t> valid;
    for (int64_t blk = 0; blk < blocks; ++blk)
      valid.push_back(blockBits(std::clamp<int64_t>(s.O - blk * OB, 0, OB)));
    return constTensor<int64_t>({blocks}, i64(), valid);
  }
  /// Integers (each fits the type: thresholds and counts are within +-K) as a tensor of accType().
  Value intTensor(ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
    if (!half)
      return constTensor<int64_t>(shape, i64(), values);
    SmallVector<int32_t> narrow(values.begin(), values.end());
    return constTensor<int32_t>(shape, b.getI32Type(), narrow);
  }
  template <typename T>
  Value constTensor(ArrayRef<int64_t> shape, Type elem, ArrayRef<T> values) {
    auto type = RankedTensorType::get(shape, elem);
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
  }

  // Values shared by the loops.
  Value signFlat, signDup, maskFlat, weightsT, weightMaskT, base, rowClass, colClass, rowBad, zeroCorr;
  Value mulT, biasT, lowT, highT, descT, packT, validT;
  /// The folded threshold epilogue's constants (see `block`): per channel, or per (row class,
  /// column class, channel) when the layer is padded, the popcount bounds of the sign bit and
  /// of the value's upper end; `thresholdMaskOnes`: no real channel can give the value 0 there.
  Value signAT, lowAT, highAT;
  bool thresholdMaskOnes = false;
  /// The folded affine epilogue's constants (see `block`): -2 mul per channel, and mul * base +
  /// bias per channel, or per (row class, column class, channel) when the layer is padded.
  Value foldedMulT, foldedBiasT;
  /// The base and the tables folded from it are per (row class, column class, channel): the
  /// layer is padded, or has a weight mask (its base, the non-zero weights of the valid taps,
  /// differs per channel; unpadded, that is a single class).
  bool padded = false;

  SmallVector<Value> row(Value n, Value oh, ValueRange outs, bool masked);
  SmallVector<Value> block(Value n, Value oh, Value ob, Value ow0, int64_t pixels,
                           ValueRange outs, bool masked);
  /// The V vectors of L i64 lanes `parts` (consecutive channels) as one vector of V * L i32
  /// lanes, each truncated: the even i32 lanes of their bitcasts (the low half of an i64 comes
  /// first: every target here is little-endian), picked by shuffles of two vectors at a time.
  /// AVX-512 takes such a pair in one vpermt2d and NEON in one uzp1; a truncation of each
  /// vector and a concatenation cost two vpmovqd (two uops each) and a vinserti64x4.
  Value truncateJoin(ArrayRef<Value> parts) {
    auto i32 = b.getI32Type();
    SmallVector<Value> level;
    for (Value p : parts)
      level.push_back(vector::BitCastOp::create(b, loc, VectorType::get({2 * L}, i32), p));
    // First level: the even lanes of each pair (or of one vector alone); then concatenations.
    SmallVector<Value> next;
    for (size_t k = 0; k < level.size(); k += 2) {
      Value x = level[k], y = k + 1 < level.size() ? level[k + 1] : level[k];
      int64_t n = k + 1 < level.size() ? 2 * L : L;
      SmallVector<int64_t> even;
      for (int64_t i = 0; i < n; ++i)
        even.push_back(2 * i);
      next.push_back(vector::ShuffleOp::create(b, loc, x, y, even));
    }
    return bnn::joinVectors(b, loc, next);
  }
  Value storeNCHW(Value n, Value oh, Value ow0, Value chan0, int64_t pixels, bool wide,
                  ArrayRef<Value> ys, Value out);
  Value rowHasZero(Value n, Value oh);
  Value zeroWeightCorrection(Value sign, Value mask);

};

Value padPlane(OpBuilder &b, Location loc, Value plane, const int64_t pad[4]) {
  return bnn::padSpatial(b, loc, plane, ArrayRef<int64_t>(pad, 4), b.getI64IntegerAttr(0), /*distinct=*/true);
}

/// [N, Hp, Wp, words] -> [N, Hp, Wp * words]: a kernel row's words are then one run.
Value flattenRows(OpBuilder &b, Location loc, Value plane) {
  return tensor::CollapseShapeOp::create(b, loc, plane,
                                         ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// Ternary weights (BINARY_SEMANTICS §4): a zero weight is packed as +1, so the kernel's d counts
/// +x at its tap; the exact result is d - sum over the layer's zero taps t of x(p + t), with
/// x in {-1, 0, +1} read from the packed planes (0 outside the input: zero padding). The
/// correction is a sparse scalar loop over the zero taps (at most 1% of the weights) and the
/// output positions, into an i32 tensor [N, Ho, Wo, O] that the epilogue subtracts.
Value KernelBuilder::zeroWeightCorrection(Value sign, Value mask) {
  Type i32 = b.getI32Type();
  SmallVector<int32_t> tapO, tapKH, tapKW, tapC;
  for (int64_t z : s.zeroTaps) {
    int64_t c = z % s.inChannels, r = z / s.inChannels;
    tapC.push_back(c), tapKW.push_back(r % s.KW), r /= s.KW;
    tapKH.push_back(r % s.KH), tapO.push_back(r / s.KH);
  }
  int64_t E = static_cast<int64_t>(tapO.size());
  auto table = [&](ArrayRef<int32_t> v) { return constTensor<int32_t>({E}, i32, v); };
  Value tO = table(tapO), tKH = table(tapKH), tKW = table(tapKW), tC = table(tapC);
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{s.N, s.Ho, s.Wo, Opad}, i32);
  Value zero32 = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(b, loc, zero32, empty).getResult(0);
  auto asIndex = [&](Value t, Value e) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), tensor::ExtractOp::create(b, loc, t, ValueRange{e}));
  };
  // Signed position arithmetic in i64: ih = oh * sh + kh * dh - padTop may be negative.
  auto i64v = [&](Value index) { return arith::IndexCastOp::create(b, loc, i64(), index); };
  auto c64 = [&](int64_t v) { return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)); };
  auto inside = [&](Value v, int64_t size) {
    Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, v, c64(0));
    Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v, c64(size));
    return arith::AndIOp::create(b, loc, ge, lt);
  };
  auto clampIndex = [&](Value v, int64_t size) {
    Value lo = arith::MaxSIOp::create(b, loc, v, c64(0));
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), arith::MinSIOp::create(b, loc, lo, c64(size - 1)));
  };
  auto taps = scf::ForOp::create(
      b, loc, idx(0), idx(E), idx(1), ValueRange{init}, [&](OpBuilder &, Location, Value e, ValueRange acc0) {
        Value o = asIndex(tO, e), kh = i64v(asIndex(tKH, e)), kw = i64v(asIndex(tKW, e));
        Value c = i64v(asIndex(tC, e));
        Value word = arith::IndexCastOp::create(b, loc, b.getIndexType(), arith::DivUIOp::create(b, loc, c, c64(64)));
        Value bit = arith::RemUIOp::create(b, loc, c, c64(64));
        auto positions = scf::ForOp::create(
            b, loc, idx(0), idx(s.N * s.Ho * s.Wo), idx(1), acc0, [&](OpBuilder &, Location, Value q, ValueRange acc) {
              Value n = arith::DivUIOp::create(b, loc, q, idx(s.Ho * s.Wo));
              Value oh = arith::RemUIOp::create(b, loc, arith::DivUIOp::create(b, loc, q, idx(s.Wo)), idx(s.Ho));
              Value ow = arith::RemUIOp::create(b, loc, q, idx(s.Wo));
              Value ih = arith::SubIOp::create(
                  b, loc, arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, i64v(oh), c64(s.sh)),
                                                arith::MulIOp::create(b, loc, kh, c64(s.dh))),
                  c64(s.pad[0]));
              Value iw = arith::SubIOp::create(
                  b, loc, arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, i64v(ow), c64(s.sw)),
                                                arith::MulIOp::create(b, loc, kw, c64(s.dw))),
                  c64(s.pad[2]));
              Value in = arith::AndIOp::create(b, loc, inside(ih, s.H), inside(iw, s.W));
              SmallVector<Value> at = {n, clampIndex(ih, s.H), clampIndex(iw, s.W), word};
              auto bitOf = [&](Value plane) {
                Value w = tensor::ExtractOp::create(b, loc, plane, at);
                return arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, w, bit), c64(1));
              };
              // x = m ? (s ? -1 : +1) : 0 = m * (1 - 2s), and 0 outside the input.
              Value m = bitOf(mask), sg = bitOf(sign);
              Value x = arith::MulIOp::create(b, loc, m, arith::SubIOp::create(b, loc, c64(1), arith::ShLIOp::create(b, loc, sg, c64(1))));
              x = arith::SelectOp::create(b, loc, in, x, c64(0));
              SmallVector<Value> out = {n, oh, ow, o};
              Value old = tensor::ExtractOp::create(b, loc, acc[0], out);
              Value sum = arith::AddIOp::create(b, loc, old, arith::TruncIOp::create(b, loc, i32, x));
              scf::YieldOp::create(b, loc, ValueRange{tensor::InsertOp::create(b, loc, sum, acc[0], out).getResult()});
            });
        scf::YieldOp::create(b, loc, positions.getResults());
      });
  return taps.getResult(0);
}

Value KernelBuilder::rowHasZero(Value n, Value oh) {
  // rowBad[n][ih] (padded rows are 0) is non-zero where input row ih holds an exact zero.
  Value any = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value ih0 = mul(oh, s.sh);
  for (int64_t kh = 0; kh < s.KH; ++kh) {
    Value ih = add(ih0, idx(kh * s.dh));
    any = arith::OrIOp::create(b, loc, any, tensor::ExtractOp::create(b, loc, rowBad, ValueRange{n, ih}));
  }
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, any, zero);
}

SmallVector<Value> KernelBuilder::block(Value n, Value oh, Value ob, Value ow0, int64_t pixels,
                                        ValueRange outs, bool masked) {
  int64_t span = s.KW * s.words;
  // Loop values: pixels * V accumulators, then (masked) pixels valid-tap counts, or with a
  // weight mask pixels * V of them (one per channel).
  int64_t nAcc = pixels * V;
  SmallVector<Value> init(nAcc, splat(accType(), 0));
  if (masked && weightMaskT)
    init.append(pixels * V, splat(accType(), 0));
  else if (masked)
    init.append(pixels, arith::ConstantOp::create(b, loc, b.getIntegerAttr(accType(), 0)));
  Value ih0 = mul(oh, s.sh);
  SmallVector<Value> colBase;
  for (int64_t p = 0; p < pixels; ++p)
    colBase.push_back(mul(add(ow0, idx(p)), s.sw * s.words));
  // One step of the reduction at tap-row kh and j = kw * words + word.
  auto step = [&](Value kh, Value ih, Value j, ValueRange acc) {
    // With dilation dw, tap kw = j / words sits (dw - 1) * kw * words words further.
    Value off = j;
    if (s.dw != 1) {
      Value kw = arith::DivUIOp::create(b, loc, j, idx(s.words));
      off = add(j, mul(kw, (s.dw - 1) * s.words));
    }
    SmallVector<Value> w, wm;
    for (int64_t v = 0; v < V; ++v) {
      w.push_back(load(weightsT, ValueRange{ob, kh, j, idx(v * L)}));
      if (weightMaskT)
        wm.push_back(load(weightMaskT, ValueRange{ob, kh, j, idx(v * L)}));
    }
    // Ternary weights with a mask plane: only the non-zero weights' bits count (on AVX-512 the
    // xor and the and are one vpternlogq).
    auto selected = [&](Value x, int64_t v) { return wm.empty() ? x : arith::AndIOp::create(b, loc, x, wm[v]).getResult(); };
    SmallVector<Value> next(acc.begin(), acc.end());
    for (int64_t p = 0; p < pixels; ++p) {
      Value col = add(colBase[p], off);
      if (!masked) {
        // The input word in every lane: one vector load of the lane-repeated copy, or a load
        // and a broadcast.
        Value bx = signDup ? load(signDup, ValueRange{n, ih, col, idx(0)})
                           : broadcast(word(tensor::ExtractOp::create(b, loc, signFlat, ValueRange{n, ih, col})));
        for (int64_t v = 0; v < V; ++v)
          next[p * V + v] = accumulate(next[p * V + v], selected(arith::XOrIOp::create(b, loc, bx, w[v]), v));
        continue;
      }
      Value x = word(tensor::ExtractOp::create(b, loc, signFlat, ValueRange{n, ih, col}));
      Value m = word(tensor::ExtractOp::create(b, loc, maskFlat, ValueRange{n, ih, col}));
      Value bs = broadcast(arith::AndIOp::create(b, loc, x, m));
      Value bm = broadcast(m);
      for (int64_t v = 0; v < V; ++v) {
        Value mw = arith::AndIOp::create(b, loc, bm, w[v]);
        next[p * V + v] = accumulate(next[p * V + v], selected(arith::XOrIOp::create(b, loc, bs, mw), v));
      }
      // The valid taps: the input's non-zero bits, and with a weight mask only where the weight
      // is non-zero too (a count per channel).
      if (wm.empty()) {
        Value &valid = next[nAcc + p];
        valid = add(valid, math::CtPopOp::create(b, loc, m));
        continue;
      }
      for (int64_t v = 0; v < V; ++v) {
        Value &valid = next[nAcc + p * V + v];
        valid = add(valid, math::CtPopOp::create(b, loc, arith::AndIOp::create(b, loc, bm, wm[v])));
      }
    }
    return next;
  };
  auto reduction = scf::ForOp::create(
      b, loc, idx(0), idx(s.KH), idx(1), init,
      [&](OpBuilder &, Location, Value kh, ValueRange accKH) {
        Value ih = add(ih0, mul(kh, s.dh));
        if (!bytes) {
          auto inner = scf::ForOp::create(b, loc, idx(0), idx(span), idx(1), accKH,
                                          [&](OpBuilder &, Location, Value j, ValueRange acc) {
                                            scf::YieldOp::create(b, loc, step(kh, ih, j, acc));
                                          });
          scf::YieldOp::create(b, loc, inner.getResults());
          return;
        }
        // Chunks of `chunk` steps into byte lanes, each flushed into the i64 accumulators.
        auto chunks = scf::ForOp::create(
            b, loc, idx(0), idx(span), idx(chunk), accKH,
            [&](OpBuilder &, Location, Value j0, ValueRange wide) {
              SmallVector<Value> narrow(nAcc, zeroAccumulator());
              narrow.append(wide.begin() + nAcc, wide.end());
              // Two steps per iteration when the chunk allows: the loop's own instructions
              // (address updates, compare, branch) are then paid once per two steps.
              int64_t unroll = chunk % 2 == 0 ? 2 : 1;
              auto inner = scf::ForOp::create(
                  b, loc, idx(0), idx(chunk), idx(unroll), narrow,
                  [&](OpBuilder &, Location, Value dj, ValueRange acc) {
                    SmallVector<Value> cur(acc.begin(), acc.end());
                    for (int64_t u = 0; u < unroll; ++u)
                      cur = step(kh, ih, add(j0, add(dj, idx(u))), cur);
                    scf::YieldOp::create(b, loc, cur);
                  });
              SmallVector<Value> next(wide.begin(), wide.end());
              for (int64_t k = 0; k < nAcc; ++k)
                next[k] = add(wide[k], flush(inner.getResult(k)));
              for (int64_t k = nAcc; k < int64_t(next.size()); ++k)
                next[k] = inner.getResult(k);
              scf::YieldOp::create(b, loc, next);
            });
        scf::YieldOp::create(b, loc, chunks.getResults());
      });

  // Epilogue, on the accumulators: d = base - 2A.
  // An affine epilogue (float) runs once on the block's V * L channels as one vector of i32/f32
  // lanes rather than V times on L i64 lanes: the accumulators are i64 (vpopcntq, i64 lanes),
  // but after the truncation to i32 the V vectors of consecutive channels fill whole float
  // registers (16 floats on AVX-512 instead of 8). Channels beyond O would be read from the
  // epilogue's operands, so only when the block never passes O.
  bool wideEpilogue = epi.kind == EpilogueKind::Affine && L > 1 && V > 1 && s.O % OB == 0;
  SmallVector<Value> results(outs.begin(), outs.end());
  // The affine epilogue on `lanes` channels from `chan`, d given as i32: y = mul * float(d) +
  // bias, in this order (as bnn.output_transform), then the fused chain; with a fused pack also
  // the bits bnn.pack of bnn.binarize would give, from the same compares.
  struct AffineOut {
    Value y, neg, nz;
  };
  //
  // Folded (the bipolar loop without ternary corrections, where base is a constant per border
  // class and channel): y = mul * (base - 2A) + bias = (-2 mul) * A + (mul * base + bias), so
  // the epilogue takes A itself: one conversion and a multiply-add (contractible into one FMA),
  // with -2 mul exact and mul * base + bias rounded once at compile time (foldedMulT,
  // foldedBiasT). The value differs from the unfolded order by float rounding only.
  bool fold = epi.kind == EpilogueKind::Affine && !masked && !zeroCorr;
  // Likewise a threshold compares A with bounds folded at compile time (signAT in `build`).
  bool foldThreshold = epi.kind == EpilogueKind::Threshold && !masked && !zeroCorr;
  Value rc, cc;
  auto affine = [&](Value d32, Value chan, ArrayRef<Value> at, int64_t lanes) {
    auto loadN = [&](Value t) { return bnn::loadLanes(b, loc, t, ValueRange{chan}, lanes); };
    Type f32 = b.getF32Type();
    Value f = arith::SIToFPOp::create(b, loc, lanes == 1 ? f32 : Type(VectorType::get({lanes}, f32)), d32);
    AffineOut r;
    if (fold) {
      auto contract = arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::contract);
      Value bias = padded ? bnn::loadLanes(b, loc, foldedBiasT, ValueRange{rc, cc, chan}, lanes)
                          : loadN(foldedBiasT);
      r.y = arith::MulFOp::create(b, loc, loadN(foldedMulT), f, contract);
      r.y = arith::AddFOp::create(b, loc, r.y, bias, contract);
    } else {
      r.y = arith::MulFOp::create(b, loc, loadN(mulT), f);
      r.y = arith::AddFOp::create(b, loc, r.y, loadN(biasT));
    }
    r.y = bnn::applyEpilogueChain(b, loc, epi.chain, epi.op->getResult(0), r.y, at, lanes);
    if (epi.pack)
      std::tie(r.neg, r.nz) = packBits(b, loc, r.y, loadN(packT), epi.packTie);
    return r;
  };
  Value one = splat(accType(), 1);
  Value c0 = ob; // first channel of the block = ob * OB
  Value chan0 = mul(c0, OB);
  if (!masked && padded)
    rc = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                    tensor::ExtractOp::create(b, loc, rowClass, ValueRange{oh}));
  SmallVector<Value> ys(pixels * V);
  for (int64_t p = 0; p < pixels; ++p) {
    Value ow = add(ow0, idx(p));
    if (!masked && padded)
      cc = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                      tensor::ExtractOp::create(b, loc, colClass, ValueRange{ow}));
    // The block's sign and mask words: vector v's L lane bits at bits v * L.
    Value signWord, maskWord;
    auto addLaneBits = [&](int64_t v, Value neg, Value nz) {
      Value sh = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v * L));
      Value sBits = arith::ShLIOp::create(b, loc, bnn::laneBitsWord(b, loc, neg), sh);
      signWord = v == 0 ? sBits : arith::OrIOp::create(b, loc, signWord, sBits);
      if (!nz)
        return; // a constant mask word (thresholdMaskOnes), set after the block's vectors
      Value mBits = arith::ShLIOp::create(b, loc, bnn::laneBitsWord(b, loc, nz), sh);
      maskWord = v == 0 ? mBits : arith::OrIOp::create(b, loc, maskWord, mBits);
    };
    SmallVector<Value> wideD; // the V vectors of d (or A), for the wide affine epilogue
    // The affine epilogue of vector v alone (L lanes from `chan`), d32 being d or A as i32.
    auto affineVector = [&](int64_t v, Value d32, Value chan, ArrayRef<Value> at) {
      AffineOut r = affine(d32, chan, at, L);
      if (epi.pack)
        addLaneBits(v, r.neg, r.nz);
      if (epi.toNCHW)
        ys[p * V + v] = r.y;
      else
        results[0] = storeY(r.y, results[0], at);
    };
    for (int64_t v = 0; v < V; ++v) {
      Value chan = add(chan0, idx(v * L));
      SmallVector<Value> at = {n, oh, ow, chan};
      Value acc = reduction.getResult(p * V + v);
      if (foldThreshold) {
        // The threshold on A itself (see signAT in `build`).
        auto table = [&](Value t) { return padded ? load(t, ValueRange{rc, cc, chan}) : load(t, ValueRange{chan}); };
        auto gt = [&](Value t) { return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, acc, table(t)); };
        Value desc = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, load(descT, ValueRange{chan}),
                                           splat(accType(), 0));
        Value neg = arith::XOrIOp::create(b, loc, gt(signAT), desc);
        Value nz;
        if (!thresholdMaskOnes) {
          TypedAttr ones = b.getBoolAttr(true);
          if (L > 1)
            ones = DenseElementsAttr::get(VectorType::get({L}, b.getI1Type()), true);
          Value allOnes = arith::ConstantOp::create(b, loc, ones);
          nz = arith::OrIOp::create(b, loc, gt(lowAT), arith::XOrIOp::create(b, loc, gt(highAT), allOnes));
        }
        addLaneBits(v, neg, nz);
        continue;
      }
      if (fold) {
        // The affine epilogue reads A itself (see `affine`).
        if (wideEpilogue) {
          wideD.push_back(acc);
          continue;
        }
        affineVector(v, toI32(acc), chan, at);
        continue;
      }
      Value baseV;
      if (masked && weightMaskT)
        baseV = reduction.getResult(nAcc + p * V + v);
      else if (masked)
        baseV = broadcast(reduction.getResult(nAcc + p));
      else if (padded)
        baseV = load(base, ValueRange{rc, cc, chan});
      else
        baseV = splat(accType(), s.inChannels * s.KH * s.KW);
      Value d = arith::SubIOp::create(b, loc, baseV, arith::ShLIOp::create(b, loc, acc, one));
      if (zeroCorr) {
        // Ternary weights: each zero weight was packed as +1; take its input value back out.
        Value corr = load(zeroCorr, ValueRange{n, oh, ow, chan}); // i32
        if (!half)
          corr = arith::ExtSIOp::create(b, loc, lanesOf(i64()), corr);
        d = arith::SubIOp::create(b, loc, d, corr);
      }
      if (wideEpilogue) {
        wideD.push_back(d);
        continue;
      }
      switch (epi.kind) {
      case EpilogueKind::Raw: {
        results[0] = store(toI32(d), results[0], at);
        break;
      }
      case EpilogueKind::Affine:
        affineVector(v, toI32(d), chan, at);
        break;
      case EpilogueKind::Threshold: {
        // v = -1 below low, +1 from high on (mirrored where descending), else 0:
        // sign bit = descending ? d >= high : d < low;  mask bit = d < low or d >= high.
        Value below = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, load(lowT, ValueRange{chan}));
        Value above = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d, load(highT, ValueRange{chan}));
        Value desc = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                           load(descT, ValueRange{chan}), splat(accType(), 0));
        addLaneBits(v, arith::SelectOp::create(b, loc, desc, above, below),
                    arith::OrIOp::create(b, loc, below, above));
        break;
      }
      }
    }
    if (wideEpilogue) {
      // d of the block's OB channels as one vector.
      Value d = half ? bnn::joinVectors(b, loc, wideD) : truncateJoin(wideD);
      SmallVector<Value> at = {n, oh, ow, chan0};
      AffineOut a = affine(d, chan0, at, OB);
      if (epi.pack) {
        signWord = bnn::laneBitsWord(b, loc, a.neg);
        maskWord = bnn::laneBitsWord(b, loc, a.nz);
      }
      if (epi.toNCHW)
        ys[p * V] = a.y;
      else
        results[0] = storeY(a.y, results[0], at);
    }
    if (foldThreshold && thresholdMaskOnes) // every real channel's mask bit is 1
      maskWord = validT ? tensor::ExtractOp::create(b, loc, validT, ValueRange{ob}).getResult()
                        : arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(blockBits(OB))).getResult();
    if (epi.kind == EpilogueKind::Threshold || epi.pack) {
      // The block's OB bits go to word chan0 / 64 at bit chan0 % 64 (OB divides 64). Packed
      // planes follow the float result when the pack is fused into an affine epilogue; bits of
      // the padding channels (beyond O) stay 0 in both planes.
      int first = epi.pack ? 1 : 0;
      if (epi.pack && validT) {
        Value valid = tensor::ExtractOp::create(b, loc, validT, ValueRange{ob});
        signWord = arith::AndIOp::create(b, loc, signWord, valid);
        maskWord = arith::AndIOp::create(b, loc, maskWord, valid);
      }
      Value word = arith::DivUIOp::create(b, loc, chan0, idx(64));
      Value bit = arith::IndexCastOp::create(b, loc, i64(), arith::RemUIOp::create(b, loc, chan0, idx(64)));
      SmallVector<Value> at = {n, oh, ow, word};
      for (int plane = 0; plane < 2; ++plane) {
        Value bits = arith::ShLIOp::create(b, loc, plane == 0 ? signWord : maskWord, bit);
        results[first + plane] = bnn::orIntoWord(b, loc, results[first + plane], at, bits, bit);
      }
    }
  }
  if (epi.toNCHW)
    results[0] = storeNCHW(n, oh, ow0, chan0, pixels, wideEpilogue, ys, results[0]);
  return results;
}

/// Writes a block's results into an NCHW output: `ys` holds per pixel the block's OB channels
/// (one vector when `wide`, else V vectors of L lanes, at ys[p * V + v]). NCHW wants per channel
/// the block's pixels as one run along W, so the P x OB block is transposed in registers.
///
/// The transpose is a butterfly of interleaves: pad the rows to P2 (a power of two), then
/// log2(P2) times pair row k with row k + P2/2 and replace the pair by the low and high halves
/// of their interleave [a0 b0 a1 b1 ...]. Seen as the bits of the flattened index
/// [p | c] (p: log2 P2 bits, c: log2 OB bits), one stage rotates the index left by one bit
/// (row k + P2/2 supplies p's top bit, which lands at the bottom), so after log2(P2) stages
/// the flattened order is [c | p]: channel c's P2 pixels are consecutive, and element f of the
/// flattened result is pixel f % P2 of channel f / P2. Interleaves are single instructions on
/// the targets (vpermt2ps with AVX-512, zip1/zip2 on NEON); the element-wise lowering of
/// vector.transpose would instead move one float at a time. Pixels beyond P (the padding rows)
/// are never stored: a run that ends there is written with a mask.
Value KernelBuilder::storeNCHW(Value n, Value oh, Value ow0, Value chan0, int64_t pixels, bool wide,
                               ArrayRef<Value> ys, Value out) {
  SmallVector<Value> rows;
  for (int64_t p = 0; p < pixels; ++p)
    rows.push_back(wide ? ys[p * V] : bnn::joinVectors(b, loc, ys.slice(p * V, V)));
  return bnn::storeBlockNCHW(b, loc, rows, n, oh, ow0, chan0, out);
}

SmallVector<Value> KernelBuilder::row(Value n, Value oh, ValueRange outs, bool masked) {
  auto channelLoop = scf::ForOp::create(
      b, loc, idx(0), idx(blocks), idx(1), outs, [&](OpBuilder &, Location, Value ob, ValueRange o) {
        // The masked loop (rows that read an exact zero: rare by design) runs one pixel per
        // block. Blocking it over P pixels as well doubled the code LLVM compiles for every
        // faithful layer (ReActNet-A: 1.1 s of its compile time) and gained about 5% only on
        // rows that take it.
        int64_t pixels = masked ? 1 : P;
        int64_t mainEnd = s.Wo / pixels * pixels;
        SmallVector<Value> cur(o.begin(), o.end());
        if (mainEnd > 0) {
          auto main = scf::ForOp::create(b, loc, idx(0), idx(mainEnd), idx(pixels), cur,
                                         [&](OpBuilder &, Location, Value ow, ValueRange oo) {
                                           scf::YieldOp::create(b, loc, block(n, oh, ob, ow, pixels, oo, masked));
                                         });
          cur.assign(main.getResults().begin(), main.getResults().end());
        }
        if (mainEnd < s.Wo) {
          auto tail = scf::ForOp::create(b, loc, idx(mainEnd), idx(s.Wo), idx(1), cur,
                                         [&](OpBuilder &, Location, Value ow, ValueRange oo) {
                                           scf::YieldOp::create(b, loc, block(n, oh, ob, ow, 1, oo, masked));
                                         });
          cur.assign(tail.getResults().begin(), tail.getResults().end());
        }
        scf::YieldOp::create(b, loc, cur);
      });
  return SmallVector<Value>(channelLoop.getResults());
}

SmallVector<Value> KernelBuilder::build(Value sign, Value mask, ArrayRef<uint64_t> weights) {
  // Constants: the weights in kernel order, the border base, the epilogue's parameters.
  auto kernelOrder = [&](ArrayRef<uint64_t> plane) {
    std::vector<uint64_t> blocked = bnn::blockWeights(plane.data(), s.O, s.KH * s.KW, s.words, OB);
    SmallVector<APInt> bits;
    for (uint64_t x : blocked)
      bits.push_back(APInt(64, x).trunc(accType().getIntOrFloatBitWidth())); // half: bits 32-63 are 0
    return constTensor<APInt>({blocks, s.KH, s.KW * s.words, OB}, accType(), bits);
  };
  weightsT = kernelOrder(weights);
  if (!s.weightMask.empty())
    weightMaskT = kernelOrder(s.weightMask);
  padded = s.pad[0] || s.pad[1] || s.pad[2] || s.pad[3] || weightMaskT;
  // The border base per (row class, column class, channel), and that table's shape.
  std::vector<int64_t> baseTable;
  SmallVector<int64_t> classShape;
  if (padded) {
    bnn::BorderClasses rows = bnn::borderClasses(s.Ho, s.H, s.KH, s.sh, s.dh, s.pad[0]);
    bnn::BorderClasses cols = bnn::borderClasses(s.Wo, s.W, s.KW, s.sw, s.dw, s.pad[2]);
    std::vector<int64_t> table = bnn::bipolarConvBase(rows, cols, weights.data(), s.O, Opad, s.KH,
                                                      s.KW, s.words, s.inChannels,
                                                      s.weightMask.empty() ? nullptr : s.weightMask.data());
    classShape = {int64_t(rows.taps.size()), int64_t(cols.taps.size()), Opad};
    // An affine or threshold epilogue without ternary corrections reads the base only through
    // its folded constants (below); the masked loop counts its own valid taps.
    if (epi.kind == EpilogueKind::Raw || !s.zeroTaps.empty())
      base = intTensor(classShape, table);
    baseTable = std::move(table);
    rowClass = constTensor<int32_t>({s.Ho}, b.getI32Type(), rows.classOf);
    colClass = constTensor<int32_t>({s.Wo}, b.getI32Type(), cols.classOf);
  }
  SmallVector<Value> outs;
  auto outShape = [&](int64_t c) { return SmallVector<int64_t>{s.N, s.Ho, s.Wo, c}; };
  switch (epi.kind) {
  case EpilogueKind::Raw:
    outs.push_back(tensor::EmptyOp::create(b, loc, outShape(Opad), b.getI32Type()));
    break;
  case EpilogueKind::Affine: {
    SmallVector<float> m = bnn::channelVector<float>(epi.mul, s.O, Opad, 0.0f);
    SmallVector<float> bias = bnn::channelVector<float>(epi.bias, s.O, Opad, 0.0f);
    mulT = constTensor<float>({Opad}, b.getF32Type(), m);
    biasT = constTensor<float>({Opad}, b.getF32Type(), bias);
    if (s.zeroTaps.empty()) {
      // y = (-2 mul) * A + (mul * base + bias), base = K unpadded (block): mul * base + bias
      // in double, rounded once.
      SmallVector<float> m2, folded;
      for (float x : m)
        m2.push_back(-2.0f * x);
      int64_t K = s.inChannels * s.KH * s.KW;
      int64_t entries = padded ? int64_t(baseTable.size()) : Opad;
      for (int64_t i = 0; i < entries; ++i) {
        int64_t c = i % Opad;
        double base = padded ? double(baseTable[i]) : double(K);
        folded.push_back(float(double(m[c]) * base + double(bias[c])));
      }
      foldedMulT = constTensor<float>({Opad}, b.getF32Type(), m2);
      foldedBiasT = constTensor<float>(padded ? classShape : SmallVector<int64_t>{Opad}, b.getF32Type(), folded);
    }
    outs.push_back(tensor::EmptyOp::create(
        b, loc,
        epi.toNCHW ? SmallVector<int64_t>{s.N, Opad, s.Ho, s.Wo}
        : epi.pool ? SmallVector<int64_t>{s.N, s.Ho / epi.poolKH, s.Wo / epi.poolKW, Opad}
                   : outShape(Opad),
        b.getF32Type()));
    if (epi.pack) {
      packT = constTensor<float>({Opad}, b.getF32Type(), bnn::channelVector<float>(epi.packThresholds, s.O, Opad, 0.0f));
      validT = validBitsTable();
      // The blocks OR their bits into the planes word by word; the first block of a word
      // (bit 0) starts it from 0 (see the epilogue), so the planes need no fill.
      for (int plane = 0; plane < 2; ++plane)
        outs.push_back(freshPlane(b, loc, outShape(outWords)));
    }
    break;
  }
  case EpilogueKind::Threshold: {
    // Padded channels: every d lies in [INT_MIN, INT_MAX) of the accumulators' width, so the
    // value is 0 (both bits 0).
    lowT = intTensor({Opad}, bnn::channelVector<int64_t>(epi.low, s.O, Opad, half ? INT32_MIN : INT64_MIN));
    highT = intTensor({Opad}, bnn::channelVector<int64_t>(epi.high, s.O, Opad, half ? INT32_MAX : INT64_MAX));
    descT = intTensor({Opad}, bnn::channelVector<int64_t>(epi.desc, s.O, Opad, 0));
    if (s.zeroTaps.empty()) {
      // The bipolar loop's thresholds on A (the popcount of x ^ w) rather than d = base - 2A,
      // for each base the layer has (K unpadded, or per border class and channel):
      //   d < low   <=>  2A > base - low   <=>  A > floor((base - low) / 2)  =: lowA
      //   d >= high <=>  2A <= base - high <=>  A <= floor((base - high) / 2) =: highA
      // (2A > x <=> A > floor(x / 2) for integers). A lies in [0, K], so each bound is clamped
      // to [-1, K] (the padding channels' INT_MIN / INT_MAX bounds then give A > -1 and
      // A <= -1: value 0, as before). Sign bit: A > lowA, or A <= highA where descending:
      // (A > signA) xor desc with signA = desc ? highA : lowA. Mask bit: A > lowA or
      // A <= highA; the value is 0 for highA < A <= lowA only, so where lowA <= highA for every
      // real channel and base the mask bits are all ones and not computed: d has the parity
      // of base, and a tie interval [low, high) of one odd value (BatchNorm thresholds on an
      // even K, FINN's CNV) holds no reachable d.
      int64_t K = s.inChannels * s.KH * s.KW;
      int64_t entries = padded ? int64_t(baseTable.size()) : Opad;
      auto bound = [&](int64_t base, int64_t t) { return bnn::popcountBound(base, t, K); };
      std::vector<int64_t> signA(entries), lowA(entries), highA(entries);
      thresholdMaskOnes = true;
      bool anyDescending = false;
      for (int64_t i = 0; i < entries; ++i) {
        int64_t c = i % Opad, base = padded ? baseTable[i] : K;
        bool desc = c < s.O && epi.desc[c];
        lowA[i] = bound(base, c < s.O ? epi.low[c] : INT64_MIN);
        highA[i] = bound(base, c < s.O ? epi.high[c] : INT64_MAX);
        signA[i] = desc ? highA[i] : lowA[i];
        anyDescending |= desc;
        if (c < s.O && lowA[i] > highA[i])
          thresholdMaskOnes = false;
      }
      SmallVector<int64_t> tableShape = padded ? classShape : SmallVector<int64_t>{Opad};
      signAT = intTensor(tableShape, signA);
      if (thresholdMaskOnes)
        validT = validBitsTable();
      if (!thresholdMaskOnes) {
        lowAT = anyDescending ? intTensor(tableShape, lowA) : signAT;
        highAT = intTensor(tableShape, highA);
      }
    }
    outs = {freshPlane(b, loc, outShape(outWords)),
            freshPlane(b, loc, outShape(outWords))};
    break;
  }
  }

  if (!s.zeroTaps.empty())
    zeroCorr = zeroWeightCorrection(sign, mask);
  signFlat = flattenRows(b, loc, padPlane(b, loc, sign, s.pad));
  if (duplicateInput) {
    // [N, Hp, Wp * words] -> [N, Hp, Wp * words, L], each word repeated L times (a copy of the
    // input bits, small next to the layer's work).
    auto t = cast<RankedTensorType>(signFlat.getType());
    SmallVector<int64_t> shape(t.getShape());
    shape.push_back(L);
    Value init = tensor::EmptyOp::create(b, loc, shape, i64());
    signDup = linalg::BroadcastOp::create(b, loc, signFlat, init, ArrayRef<int64_t>{3}).getResult()[0];
  }
  if (!s.bipolar) {
    maskFlat = flattenRows(b, loc, padPlane(b, loc, mask, s.pad));
    // rowBad[n][ih] = OR over the row of (m ^ expected): non-zero where a real channel's mask
    // bit is 0, i.e. the input holds an exact zero there (tail bits are 0 in both).
    SmallVector<APInt> expected;
    for (int64_t w = 0; w < s.words; ++w) {
      int64_t bits = std::min<int64_t>(64, s.inChannels - 64 * w);
      expected.push_back(APInt(64, bits == 64 ? ~uint64_t(0) : ((uint64_t(1) << bits) - 1)));
    }
    // A whole input row is W * words contiguous words: compare it `lanes` words at a time with
    // the expected words repeated along the row (a vectorized loop, no gathers).
    int64_t rowWords = s.W * s.words;
    SmallVector<APInt> expectedRow;
    for (int64_t j = 0; j < rowWords; ++j)
      expectedRow.push_back(expected[j % s.words]);
    Value expectedT = constTensor<APInt>({rowWords}, i64(), expectedRow);
    Value maskRows = tensor::CollapseShapeOp::create(b, loc, mask, ArrayRef<ReassociationIndices>{{0, 1}, {2, 3}});
    // In i64 words, the planes' own width, also where the kernel works on 32-bit words.
    int64_t step = rowWords % L64 == 0 ? L64 : 1;
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{s.N * s.H}, i64());
    auto rowsLoop = scf::ForOp::create(
        b, loc, idx(0), idx(s.N * s.H), idx(1), ValueRange{empty}, [&](OpBuilder &, Location, Value r, ValueRange t) {
          Type accT = step == 1 ? i64() : Type(VectorType::get({L64}, i64()));
          Value acc0 = step == 1 ? zero
                                 : arith::ConstantOp::create(b, loc, DenseElementsAttr::get(cast<VectorType>(accT),
                                                                                            b.getI64IntegerAttr(0))).getResult();
          auto words = scf::ForOp::create(
              b, loc, idx(0), idx(rowWords), idx(step), ValueRange{acc0}, [&](OpBuilder &, Location, Value j, ValueRange a) {
                Value m, e;
                if (step == 1) {
                  m = tensor::ExtractOp::create(b, loc, maskRows, ValueRange{r, j});
                  e = tensor::ExtractOp::create(b, loc, expectedT, ValueRange{j});
                } else {
                  m = bnn::loadLanes(b, loc, maskRows, ValueRange{r, j}, L64);
                  e = bnn::loadLanes(b, loc, expectedT, ValueRange{j}, L64);
                }
                scf::YieldOp::create(b, loc, ValueRange{arith::OrIOp::create(b, loc, a[0], arith::XOrIOp::create(b, loc, m, e)).getResult()});
              });
          Value any = words.getResult(0);
          if (accT != i64())
            any = vector::ReductionOp::create(b, loc, vector::CombiningKind::OR, any);
          scf::YieldOp::create(b, loc, ValueRange{tensor::InsertOp::create(b, loc, any, t[0], ValueRange{r}).getResult()});
        });
    Value bad = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({s.N, s.H}, i64()),
                                              rowsLoop.getResult(0), ArrayRef<ReassociationIndices>{{0, 1}});
    // Rows of the padding hold no zero (the bipolar loop's base corrects them).
    rowBad = bad;
    if (s.pad[0] || s.pad[1]) {
      SmallVector<OpFoldResult> lo = {b.getIndexAttr(0), b.getIndexAttr(s.pad[0])};
      SmallVector<OpFoldResult> hi = {b.getIndexAttr(0), b.getIndexAttr(s.pad[1])};
      rowBad = tensor::PadOp::create(
          b, loc, RankedTensorType::get({s.N, s.H + s.pad[0] + s.pad[1]}, i64()), rowBad, lo, hi, zero);
    }
  }

  auto images = scf::ForOp::create(
      b, loc, idx(0), idx(s.N), idx(1), outs, [&](OpBuilder &, Location, Value n, ValueRange o1) {
        auto rows = scf::ForOp::create(
            b, loc, idx(0), idx(s.Ho), idx(1), o1, [&](OpBuilder &, Location, Value oh, ValueRange o2) {
              if (s.bipolar) {
                scf::YieldOp::create(b, loc, row(n, oh, o2, /*masked=*/false));
                return;
              }
              auto branch = scf::IfOp::create(b, loc, o2.getTypes(), rowHasZero(n, oh), true);
              {
                OpBuilder::InsertionGuard guard(b);
                b.setInsertionPointToStart(&branch.getThenRegion().front());
                scf::YieldOp::create(b, loc, row(n, oh, o2, /*masked=*/true));
                b.setInsertionPointToStart(&branch.getElseRegion().front());
                scf::YieldOp::create(b, loc, row(n, oh, o2, /*masked=*/false));
              }
              scf::YieldOp::create(b, loc, branch.getResults());
            });
        scf::YieldOp::create(b, loc, rows.getResults());
      });
  SmallVector<Value> results(images.getResults());
  if (epi.kind != EpilogueKind::Threshold)
    results[0] = bnn::sliceAxis(b, loc, results[0], epi.toNCHW ? 1 : 3, s.O);
  return results;
}

/// Packed weights of a layer as plain words, if constant.
bool constantWords(Value weights, SmallVector<uint64_t> &out) {
  DenseIntElementsAttr attr;
  if (!matchPattern(weights, m_Constant(&attr)))
    return false;
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(x.getZExtValue());
  return true;
}

/// The ternary weights of a bconv2d or bmatmul into `s`: its zero taps, or its weight mask plane
/// (in `maskWords`). With AVX-512 (8 words per vector) zero taps become a mask plane too: there
/// the mask costs nothing in the loop (vpternlogq computes (x ^ w) & m in one instruction),
/// while the sparse correction fills and reads an i32 tensor of the layer's output size and
/// costs about 20 scalar operations per zero tap and output position (a 3x3 256 -> 256 layer
/// at 14 x 14 with 5 zero weights: 0.158 ms sparse, 0.131 ms with the mask, 0.127 ms without
/// zeros). Elsewhere the mask costs an AND per popcount, more than a few zeros' correction.
template <typename Op>
LogicalResult ternaryWeights(Op op, LayerShape &s, const bnn::KernelConfig &cfg,
                             std::vector<uint64_t> &maskWords) {
  if (op.getWeightMask()) {
    SmallVector<uint64_t> words;
    if (!constantWords(op.getWeightMask(), words))
      return failure();
    maskWords.assign(words.begin(), words.end());
    s.weightMask = maskWords;
    return success();
  }
  auto zeros = op.getZeroTaps();
  if (!zeros || zeros->empty())
    return success();
  if (cfg.lanes < 8) {
    s.zeroTaps = *zeros;
    return success();
  }
  std::vector<int64_t> list(zeros->begin(), zeros->end());
  maskWords = bnn::weightMaskBits(list, s.O * s.KH * s.KW, s.inChannels, s.words);
  s.weightMask = maskWords;
  return success();
}

/// The last op (in block order) that the kernel of `layer` replaces.
Operation *lastReplaced(Operation *layer, const Epilogue &epi) {
  if (epi.toNCHW)
    return epi.toNCHW;
  if (!epi.chain.empty())
    return epi.chain.back();
  return epi.op ? epi.op : layer;
}

/// Replaces `layer` (and its fused epilogue op) by the kernel's results.
void replaceLayer(ConversionPatternRewriter &rewriter, Operation *layer, const Epilogue &epi,
                  SmallVector<Value> results, function_ref<Value(Value)> reshape) {
  for (Value &r : results)
    r = reshape(r);
  if (epi.pack) {
    // The packed planes replace the pack; the float result the rest.
    rewriter.replaceOp(epi.pack, ValueRange{results[1], results[2]});
    rewriter.eraseOp(epi.binarize);
    results.resize(1);
  }
  if (epi.toNCHW || epi.pool || !epi.chain.empty()) {
    // A fused pool: the kernel stands where the chain ends (before every reader of the packed
    // planes), so its pooled result dominates the pool's readers too.
    Operation *last = epi.pool ? tosa::AvgPool2dOp(epi.pool).getOperation() : lastReplaced(layer, epi);
    rewriter.replaceOp(last, results);
    for (Operation *g : llvm::reverse(epi.chain))
      if (g != last)
        rewriter.eraseOp(g);
    rewriter.eraseOp(epi.op);
    rewriter.eraseOp(layer);
  } else if (epi.op) {
    rewriter.replaceOp(epi.op, results);
    rewriter.eraseOp(layer);
  } else {
    rewriter.replaceOp(layer, results);
  }
}

struct LowerBConv2DKernel : OpConversionPattern<bnn::BConv2DOp> {
  LowerBConv2DKernel(MLIRContext *ctx, bnn::KernelConfig cfg)
      : OpConversionPattern(ctx, /*benefit=*/2), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(bnn::BConv2DOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    SmallVector<uint64_t> words;
    if (!constantWords(op.getWeights(), words))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    auto in = op.getInputSign().getType();
    auto w = op.getWeights().getType();
    auto out = op.getType();
    if (!in.hasStaticShape() || !out.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    LayerShape s{in.getDimSize(0), in.getDimSize(1), in.getDimSize(2), in.getDimSize(3),
                 int64_t(op.getInChannels()), w.getDimSize(0), w.getDimSize(1), w.getDimSize(2),
                 op.getStride()[0], op.getStride()[1], op.getDilation()[0], op.getDilation()[1],
                 out.getDimSize(1), out.getDimSize(2), {}, op.getBipolar()};
    for (int i = 0; i < 4; ++i)
      s.pad[i] = op.getPad()[i];
    std::vector<uint64_t> maskWords;
    if (failed(ternaryWeights(op, s, cfg, maskWords)))
      return rewriter.notifyMatchFailure(op, "weight mask is not a constant");
    Epilogue epi = findEpilogue(op.getResult(), /*fusePack=*/true);
    // The kernel replaces the layer and its epilogue ops, and reads what those read (a residual
    // may be computed after the layer): build it where the last of them stands.
    rewriter.setInsertionPoint(lastReplaced(op, epi));
    KernelBuilder kb(rewriter, op.getLoc(), s, cfg, epi);
    SmallVector<Value> results = kb.build(op.getInputSign(), op.getInputMask(), words);
    replaceLayer(rewriter, op, epi, results, [](Value v) { return v; });
    return success();
  }
};

/// bmatmul [B, M, words] x [N, words] is the 1x1 convolution of a B x 1 x M image.
struct LowerBMatMulKernel : OpConversionPattern<bnn::BMatMulOp> {
  LowerBMatMulKernel(MLIRContext *ctx, bnn::KernelConfig cfg)
      : OpConversionPattern(ctx, /*benefit=*/2), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(bnn::BMatMulOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    SmallVector<uint64_t> words;
    if (!constantWords(op.getWeights(), words))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    auto in = op.getInputSign().getType();
    auto w = op.getWeights().getType();
    if (!in.hasStaticShape() || !op.getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t B = in.getDimSize(0), M = in.getDimSize(1), Kw = in.getDimSize(2);
    LayerShape s{B, 1, M, Kw, int64_t(op.getK()), w.getDimSize(0), 1, 1, 1, 1, 1, 1, 1, M, {0, 0, 0, 0},
                 op.getBipolar()};
    std::vector<uint64_t> maskWords;
    if (failed(ternaryWeights(op, s, cfg, maskWords)))
      return rewriter.notifyMatchFailure(op, "weight mask is not a constant");
    Location loc = op.getLoc();
    auto expand = [&](Value plane) -> Value {
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({B, 1, M, Kw}, rewriter.getI64Type()), plane,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    };
    Epilogue epi = findEpilogue(op.getResult(), /*fusePack=*/false);
    rewriter.setInsertionPoint(lastReplaced(op, epi));
    KernelBuilder kb(rewriter, loc, s, cfg, epi);
    SmallVector<Value> results = kb.build(expand(op.getInputSign()), expand(op.getInputMask()), words);
    replaceLayer(rewriter, op, epi, results, [&](Value v) -> Value {
      return tensor::CollapseShapeOp::create(rewriter, loc, v,
                                             ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    });
    return success();
  }
};

/// bnn.bdepthwise_conv2d as a vector kernel on int8 lanes (the op's description says why not
/// packed bits). L = 4 x the f32 lanes of a vector register (64 on AVX-512) channels per vector:
///  * the input zero-padded in H and W (a padded tap contributes 0: ONNX's zero padding) and in
///    C up to a multiple of L, so every load is a full vector;
///  * a block is P output positions along W x L channels; per tap (kh, kw) the weight's sign
///    mask s (-1 where w < 0, else 0) and, if any weight is 0, its non-zero mask z are loaded,
///    and each position adds x * w = ((x ^ s) - s) & z, exact for x, w in {-1, 0, +1};
///  * accumulators are i8 while the tap count is at most 127 (|d| <= KH * KW), else i32;
///  * the output transform (alpha_c * d + bias_c, BatchNorm folded in) and the element-wise ops
///    after it run on the accumulators before the single store (bnn::applyEpilogueChain);
///    another consumer (a threshold) reads the i32 result.
struct LowerBDepthwiseKernel : OpConversionPattern<bnn::BDepthwiseConv2DOp> {
  LowerBDepthwiseKernel(MLIRContext *ctx, bnn::KernelConfig cfg)
      : OpConversionPattern(ctx, /*benefit=*/2), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(bnn::BDepthwiseConv2DOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    DenseIntElementsAttr wAttr;
    if (!matchPattern(op.getWeights(), m_Constant(&wAttr)))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    auto in = op.getInput().getType();
    auto out = op.getType();
    if (!in.hasStaticShape() || !out.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    const int64_t N = in.getDimSize(0), C = in.getDimSize(3);
    const int64_t KH = op.getWeights().getType().getDimSize(0), KW = op.getWeights().getType().getDimSize(1);
    const int64_t Ho = out.getDimSize(1), Wo = out.getDimSize(2);
    const int64_t sh = op.getStride()[0], sw = op.getStride()[1], dh = op.getDilation()[0],
                  dw = op.getDilation()[1];
    const int64_t L = 4 * bnn::floatLanes(cfg), blocks = (C + L - 1) / L, Cp = blocks * L;
    const bool wide = KH * KW > 127;
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
    Type accElem = wide ? i32 : i8;
    auto accType = VectorType::get({L}, accElem);

    // Weight masks [blocks][KH][KW][L]; padded channels have weight 0 (their results are cut).
    SmallVector<int8_t> neg(blocks * KH * KW * L, 0), nonzero(blocks * KH * KW * L, 0);
    bool anyZero = false;
    SmallVector<int8_t> w;
    for (const APInt &v : wAttr.getValues<APInt>())
      w.push_back(static_cast<int8_t>(v.getSExtValue()));
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw)
        for (int64_t c = 0; c < C; ++c) {
          int8_t v = w[(kh * KW + kw) * C + c];
          int64_t at = (((c / L) * KH + kh) * KW + kw) * L + c % L;
          neg[at] = v < 0 ? -1 : 0;
          nonzero[at] = v != 0 ? -1 : 0;
          anyZero |= v == 0;
        }
    auto maskType = RankedTensorType::get({blocks, KH, KW, L}, i8);

    Epilogue epi = findEpilogue(op.getResult(), /*fusePack=*/false);
    if (epi.kind != EpilogueKind::Affine)
      epi = Epilogue(); // a threshold reads the integer result
    epi.toNCHW = nullptr;
    rewriter.setInsertionPoint(lastReplaced(op, epi));
    bool affine = epi.kind == EpilogueKind::Affine;
    auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
    auto mul = [&](Value x, int64_t k) -> Value { return k == 1 ? x : arith::MulIOp::create(b, loc, x, idx(k)); };
    Value negT = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(maskType, ArrayRef<int8_t>(neg)));
    Value nonzeroT = anyZero ? arith::ConstantOp::create(b, loc, DenseElementsAttr::get(maskType, ArrayRef<int8_t>(nonzero))).getResult()
                             : Value();
    Value mulT, biasT;
    if (affine) {
      auto pad = [&](ArrayRef<float> v) {
        SmallVector<float> p = bnn::channelVector<float>(v, C, Cp, 0.0f);
        return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get({Cp}, f32), ArrayRef<float>(p))).getResult();
      };
      mulT = pad(epi.mul);
      biasT = pad(epi.bias);
    }

    // Zero-padded input [N, Hp, Wp, Cp].
    ArrayRef<int64_t> pad = op.getPad(); // top, bottom, left, right
    SmallVector<int64_t> low = {0, pad[0], pad[2], 0}, high = {0, pad[1], pad[3], Cp - C};
    Value x = op.getInput();
    if (llvm::any_of(low, [](int64_t v) { return v != 0; }) || llvm::any_of(high, [](int64_t v) { return v != 0; })) {
      auto pt = RankedTensorType::get({N, in.getDimSize(1) + pad[0] + pad[1], in.getDimSize(2) + pad[2] + pad[3], Cp}, i8);
      Value zero8 = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
      x = tensor::PadOp::create(b, loc, pt, x, getAsIndexOpFoldResult(b.getContext(), low),
                                getAsIndexOpFoldResult(b.getContext(), high), zero8);
    }
    Value result = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{N, Ho, Wo, Cp}, affine ? f32 : i32);
    int64_t P = bnn::choosePixelBlock(Wo, cfg.pixels, 1, /*opsPerAccumulator=*/3);

    auto block = [&](Value n, Value oh, Value cb, Value ow0, int64_t pixels, Value o) -> Value {
      Value zero = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(accType, b.getZeroAttr(accElem)));
      SmallVector<Value> init(pixels, zero);
      Value c0 = mul(cb, L);
      auto red = scf::ForOp::create(b, loc, idx(0), idx(KH), idx(1), init, [&](OpBuilder &, Location, Value kh, ValueRange a0) {
        Value ih = add(mul(oh, sh), mul(kh, dh));
        SmallVector<Value> acc(a0.begin(), a0.end());
        for (int64_t kw = 0; kw < KW; ++kw) {
          Value s = bnn::loadLanes(b, loc, negT, ValueRange{cb, kh, idx(kw), idx(0)}, L);
          Value z = anyZero ? bnn::loadLanes(b, loc, nonzeroT, ValueRange{cb, kh, idx(kw), idx(0)}, L) : Value();
          for (int64_t p = 0; p < pixels; ++p) {
            Value iw = mul(add(ow0, idx(p)), sw);
            if (kw * dw)
              iw = add(iw, idx(kw * dw));
            Value xv = bnn::loadLanes(b, loc, x, ValueRange{n, ih, iw, c0}, L);
            Value prod = arith::SubIOp::create(b, loc, arith::XOrIOp::create(b, loc, xv, s), s);
            if (z)
              prod = arith::AndIOp::create(b, loc, prod, z);
            if (wide)
              prod = arith::ExtSIOp::create(b, loc, accType, prod);
            acc[p] = arith::AddIOp::create(b, loc, acc[p], prod);
          }
        }
        scf::YieldOp::create(b, loc, acc);
      });
      auto i32Type = VectorType::get({L}, i32);
      for (int64_t p = 0; p < pixels; ++p) {
        SmallVector<Value> at = {n, oh, add(ow0, idx(p)), c0};
        Value d = red.getResult(p);
        if (!wide)
          d = arith::ExtSIOp::create(b, loc, i32Type, d);
        Value y = d;
        if (affine) {
          // y = multiplier[c] * float(d) + bias[c], as bnn.output_transform computes it.
          y = arith::SIToFPOp::create(b, loc, VectorType::get({L}, f32), d);
          y = arith::MulFOp::create(b, loc, bnn::loadLanes(b, loc, mulT, ValueRange{c0}, L), y);
          y = arith::AddFOp::create(b, loc, y, bnn::loadLanes(b, loc, biasT, ValueRange{c0}, L));
          y = bnn::applyEpilogueChain(b, loc, epi.chain, epi.op->getResult(0), y, at, L);
        }
        o = vector::TransferWriteOp::create(b, loc, y, o, at, ArrayRef<bool>{true}).getResult();
      }
      return o;
    };
    Value images = bnn::forEachOutputBlock(b, loc, N, Ho, Wo, blocks, P, result, block);
    Value r = bnn::sliceAxis(b, loc, images, 3, C);
    replaceLayer(rewriter, op, epi, {r}, [](Value v) { return v; });
    return success();
  }
};

/// bnn.pack as a vector kernel (the reference lowering in BNNToLinalg.cpp is a bit loop).
///
/// What is packed: the pack's input v, or, looking through a bnn.binarize with threshold t (one,
/// or one per channel: RSign) and tie value z, its input x: v < 0 iff x < t (or x <= t when z < 0), and v != 0 iff
/// x != t unordered (a NaN stays NaN, which packs as sign 0, mask 1) or z != 0. Looking through
/// a tosa.transpose NCHW -> NHWC too, the bits are read from the NCHW tensor directly, so the
/// transposed float tensor is never written.
///  * channels innermost (NHWC): per position, `lanes` floats of consecutive channels are
///    compared at once and their i1 lanes become `lanes` bits of the word (vector.bitcast);
///  * NCHW source: per (n, h), `lanes` consecutive positions along W are compared at once for
///    one channel c, and bit c is ORed into each position's word (a select of 1 << c).
struct PackSource {
  Value x;                // what is compared
  bool nchw = false;      // x is [N, C, H, W] (the pack input is its NHWC transpose)
  // Compare against: one threshold, or one per channel. Without a binarize, x holds the values
  // themselves: sign x < 0, mask x != 0 (threshold 0, tie 0).
  SmallVector<float> thresholds = {0.0f};
  float tie = 0.0f;       // the value at exactly the threshold (0 when not looking through)
};

PackSource findPackSource(bnn::PackOp op) {
  PackSource src;
  Value v = op.getInput();
  auto throughBinarize = [&](Value in) -> bool {
    auto bin = in.getDefiningOp<bnn::BinarizeOp>();
    if (!bin)
      return false;
    // Per-channel thresholds run along the innermost axis of the binarize (the channels).
    int64_t n = bin.getThresholds().getNumElements();
    if (n != 1 && n != cast<RankedTensorType>(bin.getType()).getShape().back())
      return false;
    src.x = bin.getInput();
    src.thresholds.assign(bin.getThresholds().getValues<float>().begin(),
                          bin.getThresholds().getValues<float>().end());
    src.tie = bin.getTieValue();
    return true;
  };
  if (auto tr = v.getDefiningOp<tosa::TransposeOp>()) {
    ArrayRef<int32_t> perms = tr.getPerms();
    if (perms.size() == 4 && perms[0] == 0 && perms[1] == 2 && perms[2] == 3 && perms[3] == 1) {
      src.nchw = true;
      if (!throughBinarize(tr.getInput1()))
        src.x = tr.getInput1();
      return src;
    }
  }
  if (!throughBinarize(v))
    src.x = v;
  return src;
}

/// Whether LowerPackKernel takes `op`: static shapes, and channels in whole bytes when they are
/// innermost. (The reference lowering takes the rest.)
bool packKernelApplies(bnn::PackOp op) {
  PackSource src = findPackSource(op);
  auto xt = dyn_cast<RankedTensorType>(src.x.getType());
  if (!xt || !xt.hasStaticShape() || !op.getSign().getType().hasStaticShape() || xt.getRank() < 1)
    return false;
  // Packed in the epilogue of the float conv that produces its input (bnn-lower-float-convs).
  if (bnn::floatConvFusesPack(op))
    return false;
  return src.nchw || xt.getShape().back() % 8 == 0;
}

struct LowerPackKernel : OpConversionPattern<bnn::PackOp> {
  LowerPackKernel(MLIRContext *ctx, bnn::KernelConfig cfg)
      : OpConversionPattern(ctx, /*benefit=*/2), cfg(cfg) {}
  bnn::KernelConfig cfg;

  LogicalResult matchAndRewrite(bnn::PackOp op, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    if (!packKernelApplies(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape, or channels not in whole bytes");
    PackSource src = findPackSource(op);
    auto xt = cast<RankedTensorType>(src.x.getType());
    auto out = op.getSign().getType();
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Type i64 = b.getI64Type();
    auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    // Every word of both planes is written below: two uninitialized tensors.
    int64_t words = out.getShape().back();

    if (!src.nchw) {
      Value initS = freshPlane(b, loc, out.getShape());
      Value initM = freshPlane(b, loc, out.getShape());
      // [..., C] as [M, C]; groups of G = 8 consecutive channels give 8 bits (i8) at a time.
      int64_t C = xt.getShape().back(), M = xt.getNumElements() / C;
      const int64_t G = 8;
      SmallVector<ReassociationIndices> inAssoc(1), outAssoc(1);
      for (int64_t i = 0; i + 1 < xt.getRank(); ++i)
        inAssoc[0].push_back(i), outAssoc[0].push_back(i);
      inAssoc.push_back({xt.getRank() - 1});
      outAssoc.push_back({out.getRank() - 1});
      Value x2 = xt.getRank() == 2 ? src.x
                 : xt.getRank() == 1 ? tensor::ExpandShapeOp::create(
                                           b, loc, RankedTensorType::get({1, C}, xt.getElementType()),
                                           src.x, ArrayRef<ReassociationIndices>{{0, 1}})
                                           .getResult()
                                     : tensor::CollapseShapeOp::create(b, loc, src.x, inAssoc).getResult();
      auto flatOut = RankedTensorType::get({M, words}, i64);
      auto flatten = [&](Value init) -> Value {
        if (out.getRank() == 2)
          return init;
        if (out.getRank() == 1)
          return tensor::ExpandShapeOp::create(b, loc, flatOut, init, ArrayRef<ReassociationIndices>{{0, 1}});
        return tensor::CollapseShapeOp::create(b, loc, init, outAssoc);
      };
      Value oS = flatten(initS), oM = flatten(initM);
      auto vt = VectorType::get({G}, b.getF32Type());
      Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
      auto loop = scf::ForOp::create(
          b, loc, idx(0), idx(M), idx(1), ValueRange{oS, oM}, [&](OpBuilder &, Location, Value m, ValueRange outs) {
            SmallVector<Value> cur(outs.begin(), outs.end());
            for (int64_t k = 0; k < words; ++k) {
              Value sw = zero, mw = zero;
              for (int64_t g = 0; g < 64 / G && 64 * k + G * g < C; ++g) {
                Value x = vector::TransferReadOp::create(b, loc, vt, x2, ValueRange{m, idx(64 * k + G * g)}, pad,
                                                         ArrayRef<bool>{true});
                // The thresholds of these G channels (a constant vector).
                SmallVector<float> th;
                for (int64_t c = 0; c < G; ++c)
                  th.push_back(src.thresholds.size() == 1 ? src.thresholds[0] : src.thresholds[64 * k + G * g + c]);
                Value thV = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, ArrayRef<float>(th)));
                auto [neg, nz] = packBits(b, loc, x, thV, src.tie);
                auto word = [&](Value i1s) -> Value {
                  Value byte = vector::ExtractOp::create(
                      b, loc, vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI8Type()), i1s),
                      ArrayRef<int64_t>{0});
                  Value w = arith::ExtUIOp::create(b, loc, i64, byte);
                  return arith::ShLIOp::create(b, loc, w, arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(G * g)));
                };
                sw = arith::OrIOp::create(b, loc, sw, word(neg));
                mw = arith::OrIOp::create(b, loc, mw, word(nz));
              }
              cur[0] = tensor::InsertOp::create(b, loc, sw, cur[0], ValueRange{m, idx(k)});
              cur[1] = tensor::InsertOp::create(b, loc, mw, cur[1], ValueRange{m, idx(k)});
            }
            scf::YieldOp::create(b, loc, cur);
          });
      SmallVector<Value> results(loop.getResults());
      for (Value &r : results)
        if (out.getRank() != 2)
          r = out.getRank() == 1
                  ? tensor::CollapseShapeOp::create(b, loc, r, ArrayRef<ReassociationIndices>{{0, 1}}).getResult()
                  : tensor::ExpandShapeOp::create(b, loc, out, r, outAssoc).getResult();
      rewriter.replaceOp(op, results);
      return success();
    }

    // NCHW source: blocks of WB positions along W; per channel c, bit c of each position's
    // word is set where its value is negative (sign) or non-zero (mask). The bits are gathered
    // in 32-bit lanes, channels 0-31 of the word in one vector and 32-63 in another, joined into
    // the 64-bit words at the end: a vector then covers twice the positions it would with i64
    // lanes (16 on AVX-512, where a channel's step is a load, two compares and two masked ors
    // for 16 positions), and the float compares and the integer lanes have the same width.
    // Rows and columns are one run of HW positions in both layouts ([N, C, HW] and
    // [N, HW, words]): blocks then run across row ends (a 7 x 7 image is three blocks of 16
    // and a remainder, not seven of 7).
    int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), HW = xt.getDimSize(2) * xt.getDimSize(3);
    Value x3 = tensor::CollapseShapeOp::create(b, loc, src.x, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    Value initS = freshPlane(b, loc, {N, HW, words});
    Value initM = freshPlane(b, loc, {N, HW, words});
    Value thresholdsT;
    if (src.thresholds.size() > 1)
      thresholdsT = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(RankedTensorType::get({C}, b.getF32Type()), ArrayRef<float>(src.thresholds)));
    int64_t WB = std::max<int64_t>(4, 2 * cfg.lanes);
    Type i32 = b.getI32Type();
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    auto lanes32 = VectorType::get({WB}, i32), lanes64 = VectorType::get({WB}, i64);
    Value zeros = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(lanes32, b.getI32IntegerAttr(0)));
    Value one = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(lanes32, b.getI32IntegerAttr(1)));
    Value shift32 = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(lanes64, b.getI64IntegerAttr(32)));
    // One block: positions w0 .. w0 + n - 1 (n <= WB, static), channels 64k .. 64k + nc - 1.
    auto block = [&](Value nIdx, Value w0, int64_t n, int64_t k, ValueRange outs) {
      int64_t nc = std::min<int64_t>(64, C - 64 * k);
      auto vt = VectorType::get({WB}, b.getF32Type());
      // Channels [first, last) of the word into the bits c - first of 32-bit lanes.
      auto half = [&](int64_t first, int64_t last) -> std::pair<Value, Value> {
        if (first >= last)
          return {zeros, zeros};
        // The bit of channel c is carried through the loop (1, then doubled each step), so
        // a step makes it with one vector add rather than a scalar shift and a broadcast.
        auto chans = scf::ForOp::create(
            b, loc, idx(first), idx(last), idx(1), ValueRange{zeros, zeros, one},
            [&](OpBuilder &, Location, Value c, ValueRange acc) {
              Value ch = arith::AddIOp::create(b, loc, c, idx(64 * k));
              Value x = vector::TransferReadOp::create(b, loc, vt, x3, ValueRange{nIdx, ch, w0}, pad,
                                                       ArrayRef<bool>{n == WB});
              Value thV = src.thresholds.size() == 1
                              ? arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, b.getF32FloatAttr(src.thresholds[0]))).getResult()
                              : vector::BroadcastOp::create(b, loc, vt, tensor::ExtractOp::create(b, loc, thresholdsT, ValueRange{ch})).getResult();
              auto [neg, nz] = packBits(b, loc, x, thV, src.tie);
              Value bit = acc[2];
              Value s2 = arith::OrIOp::create(b, loc, acc[0], arith::SelectOp::create(b, loc, neg, bit, zeros));
              Value m2 = arith::OrIOp::create(b, loc, acc[1], arith::SelectOp::create(b, loc, nz, bit, zeros));
              scf::YieldOp::create(b, loc, ValueRange{s2, m2, arith::AddIOp::create(b, loc, bit, bit)});
            });
        return {chans.getResult(0), chans.getResult(1)};
      };
      auto [sLo, mLo] = half(0, std::min<int64_t>(nc, 32));
      auto [sHi, mHi] = half(32, nc);
      // word = zext(low half) | zext(high half) << 32
      auto join = [&](Value lo, Value hi) -> Value {
        Value l = arith::ExtUIOp::create(b, loc, lanes64, lo);
        Value u = arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, lanes64, hi), shift32);
        return arith::OrIOp::create(b, loc, l, u);
      };
      Value planes[2] = {join(sLo, sHi), join(mLo, mHi)};
      SmallVector<Value> cur(outs.begin(), outs.end());
      for (int64_t l = 0; l < n; ++l) {
        Value w = arith::AddIOp::create(b, loc, w0, idx(l));
        for (int plane = 0; plane < 2; ++plane) {
          Value word = vector::ExtractOp::create(b, loc, planes[plane], ArrayRef<int64_t>{l});
          cur[plane] = tensor::InsertOp::create(b, loc, word, cur[plane], ValueRange{nIdx, w, idx(k)});
        }
      }
      return cur;
    };
    int64_t mainEnd = HW / WB * WB;
    auto loop = scf::ForOp::create(
        b, loc, idx(0), idx(N), idx(1), ValueRange{initS, initM},
        [&](OpBuilder &, Location, Value nIdx, ValueRange outs) {
          SmallVector<Value> cur(outs.begin(), outs.end());
          for (int64_t k = 0; k < words; ++k) {
            if (mainEnd > 0) {
              auto main = scf::ForOp::create(b, loc, idx(0), idx(mainEnd), idx(WB), cur,
                                             [&](OpBuilder &, Location, Value w0, ValueRange o) {
                                               scf::YieldOp::create(b, loc, block(nIdx, w0, WB, k, o));
                                             });
              cur.assign(main.getResults().begin(), main.getResults().end());
            }
            if (mainEnd < HW)
              cur = block(nIdx, idx(mainEnd), HW - mainEnd, k, cur);
          }
          scf::YieldOp::create(b, loc, cur);
        });
    SmallVector<Value> results;
    for (Value r : loop.getResults())
      results.push_back(tensor::ExpandShapeOp::create(b, loc, out, r, ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}}));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// The weights (operand 2) and the weight mask (operand 3), if any, are constants.
bool hasConstantWeights(Operation *op) {
  for (unsigned i = 2; i < op->getNumOperands(); ++i)
    if (!matchPattern(op->getOperand(i), m_Constant()))
      return false;
  return true;
}

struct BNNLowerBinaryKernelsPass
    : bnn::impl::BNNLowerBinaryKernelsBase<BNNLowerBinaryKernelsPass> {
  using BNNLowerBinaryKernelsBase::BNNLowerBinaryKernelsBase;
  void runOnOperation() override {
    bnn::KernelConfig cfg{lanes, vectors, pixels, bnn::KernelAccumulate::Words};
    cfg.duplicateInputWords = duplicateInput;
    cfg.narrowWords = narrowWords;
    cfg.wordBlocks = wordBlocks;
    if (accumulate == "bytes")
      cfg.accumulate = bnn::KernelAccumulate::Bytes;
    else if (accumulate != "words") {
      getOperation().emitError() << "bnn-lower-binary-kernels: accumulate must be words or "
                                    "bytes, got '" << accumulate << "'";
      return signalPassFailure();
    }
    if (cfg.lanes < 1 || 64 % (cfg.lanes * cfg.vectors) != 0 || cfg.pixels < 1) {
      getOperation().emitError() << "bnn-lower-binary-kernels: lanes * vectors must divide 64 "
                                    "and pixels must be positive";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    bnn::populateBinaryKernelPatterns(patterns, cfg);
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, bufferization::BufferizationDialect, linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect, vector::VectorDialect,
                           bnn::BNNDialect>();
    // Every binary layer whose weights are known at compile time must become a kernel.
    target.addDynamicallyLegalOp<bnn::BConv2DOp, bnn::BMatMulOp>(
        [](Operation *op) { return !hasConstantWeights(op); });
    target.addDynamicallyLegalOp<bnn::PackOp>([](bnn::PackOp op) { return !packKernelApplies(op); });
    target.addDynamicallyLegalOp<bnn::BDepthwiseConv2DOp>(
        [](bnn::BDepthwiseConv2DOp op) { return !matchPattern(op.getWeights(), m_Constant()); });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateBinaryKernelPatterns(RewritePatternSet &patterns, const KernelConfig &config) {
  patterns.add<LowerBConv2DKernel, LowerBMatMulKernel, LowerBDepthwiseKernel, LowerPackKernel>(
      patterns.getContext(), config);
}

//===----------------------------------------------------------------------===//
// Shared with the float kernels (passes/KernelSupport.h)
//===----------------------------------------------------------------------===//

/// Whether `g` can run inside a conv kernel's epilogue, on the float value `v` it reads:
/// all-parallel over the same 4-D NHWC shape, one f32 result with an identity map and an unused
/// init, and every input either `v` itself, a tensor of that shape (a residual: identity map),
/// or a per-channel vector (a map to the channel dimension only); a body of scalar element-wise
/// arith/math ops (no linalg.index).
bool bnn::fusableEpilogueStep(linalg::GenericOp g, Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() != 4 || g.getNumDpsInits() != 1 || g.getNumResults() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() != 4)
    return false;
  if (g.getResult(0).getType() != type || !g.getIndexingMapsArray().back().isIdentity())
    return false;
  if (!g.getBody()->getArgument(g.getNumDpsInputs()).use_empty())
    return false;
  bool readsV = false;
  for (OpOperand *in : g.getDpsInputOperands()) {
    AffineMap map = g.getMatchingIndexingMap(in);
    auto t = dyn_cast<RankedTensorType>(in->get().getType());
    if (!t || !t.getElementType().isF32())
      return false;
    if (in->get() == v) {
      if (!map.isIdentity())
        return false;
      readsV = true;
      continue;
    }
    if (map.isIdentity() && t == type)
      continue;
    // Per-channel: only d3 among the results, and size-1 dimensions elsewhere.
    bool perChannel = map.getNumResults() == t.getRank() && t.getShape().back() == type.getShape().back();
    for (unsigned i = 0; perChannel && i < map.getNumResults(); ++i) {
      AffineExpr e = map.getResult(i);
      bool last = i + 1 == map.getNumResults();
      // Other dimensions: size 1, as a constant 0 or as the loop dimension itself when that
      // has size 1 too (a batch of 1: (d0, 0, 0, d3) on [1, 1, 1, C]).
      bool unit = t.getDimSize(i) == 1 &&
                  (isa<AffineConstantExpr>(e) ||
                   (e == getAffineDimExpr(i, g.getContext()) && type.getDimSize(i) == 1));
      perChannel = last ? e == getAffineDimExpr(3, g.getContext()) : unit;
    }
    if (!perChannel)
      return false;
  }
  if (!readsV)
    return false;
  for (Operation &op : g.getBody()->without_terminator())
    if (op.getNumRegions() || op.getNumResults() != 1 ||
        !isa<arith::ArithDialect, math::MathDialect>(op.getDialect()) ||
        !OpTrait::hasElementwiseMappableTraits(&op))
      return false;
  return true;
}

Value bnn::orIntoWord(OpBuilder &b, Location loc, Value plane, ArrayRef<Value> at, Value bits, Value bit) {
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bit, zero);
  Value old = arith::SelectOp::create(b, loc, first, zero, tensor::ExtractOp::create(b, loc, plane, at));
  return tensor::InsertOp::create(b, loc, arith::OrIOp::create(b, loc, old, bits), plane, at);
}

Value bnn::freshPlane(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  return freshTensor(b, loc, RankedTensorType::get(shape, b.getI64Type()), TypedAttr(), /*distinct=*/true);
}

/// The sign and mask bits (i1, or vectors of i1 like `x`) that bnn.pack gives for
/// bnn.binarize(x) with threshold `th` and tie value `tie` (or for x itself: th 0, tie 0):
/// sign x < th (x <= th when the tie value is -1), mask x != th compared unordered (a NaN packs
/// as sign 0, mask 1), or all ones when the tie value is not 0.
std::pair<Value, Value> bnn::packBits(OpBuilder &b, Location loc, Value x, Value th, float tie) {
  Value neg = arith::CmpFOp::create(b, loc, tie < 0 ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT, x, th);
  Value nz;
  if (tie == 0.0f)
    nz = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, th);
  else if (auto vt = dyn_cast<VectorType>(neg.getType()))
    nz = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, true));
  else
    nz = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return {neg, nz};
}

Value bnn::laneBitsWord(OpBuilder &b, Location loc, Value bits) {
  auto vt = dyn_cast<VectorType>(bits.getType());
  if (!vt)
    return arith::ExtUIOp::create(b, loc, b.getI64Type(), bits);
  Type word = b.getIntegerType(vt.getNumElements());
  Value packed = vector::BitCastOp::create(b, loc, VectorType::get({1}, word), bits);
  Value scalar = vector::ExtractOp::create(b, loc, packed, ArrayRef<int64_t>{0});
  return arith::ExtUIOp::create(b, loc, b.getI64Type(), scalar);
}

Value bnn::joinVectors(OpBuilder &b, Location loc, ArrayRef<Value> parts) {
  if (!isa<VectorType>(parts[0].getType()))
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({int64_t(parts.size())}, parts[0].getType()), parts);
  Value r = parts[0];
  for (Value part : parts.drop_front()) {
    int64_t total = cast<VectorType>(r.getType()).getNumElements() +
                    cast<VectorType>(part.getType()).getNumElements();
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < total; ++i)
      all.push_back(i);
    r = vector::ShuffleOp::create(b, loc, r, part, all);
  }
  return r;
}

Operation *bnn::onlyNCHWTranspose(Value y) {
  if (!y.hasOneUse())
    return nullptr;
  auto tr = dyn_cast<tosa::TransposeOp>(*y.getUsers().begin());
  return tr && tr.getPerms() == ArrayRef<int32_t>{0, 3, 1, 2} ? tr : nullptr;
}

Value bnn::storeBlockNCHW(OpBuilder &b, Location loc, ArrayRef<Value> blockRows, Value n, Value oh,
                          Value ow0, Value chan0, Value out) {
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  int64_t pixels = blockRows.size();
  auto rowType = cast<VectorType>(blockRows[0].getType());
  int64_t OB = rowType.getNumElements();
  SmallVector<Value> rows(blockRows.begin(), blockRows.end());
  if (pixels == 1 || OB == 1) {
    for (int64_t p = 0; p < pixels; ++p)
      for (int64_t c = 0; c < OB; ++c) {
        // Every row is a vector<OB x f32>, also at OB = 1.
        Value x = vector::ExtractOp::create(b, loc, rows[p], ArrayRef<int64_t>{c});
        out = tensor::InsertOp::create(b, loc, x, out, ValueRange{n, add(chan0, idx(c)), oh, add(ow0, idx(p))});
      }
    return out;
  }
  int64_t P2 = llvm::PowerOf2Ceil(pixels);
  assert(llvm::isPowerOf2_64(OB) && "channel blocks divide 64");
  Value zero = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(rowType, b.getF32FloatAttr(0.0f)));
  rows.resize(P2, zero);
  SmallVector<int64_t> lo, hi;
  for (int64_t i = 0; i < OB / 2; ++i) {
    lo.append({i, OB + i});
    hi.append({OB / 2 + i, OB + OB / 2 + i});
  }
  for (int64_t stage = 1; stage < P2; stage *= 2) {
    SmallVector<Value> next;
    for (int64_t k = 0; k < P2 / 2; ++k) {
      next.push_back(vector::ShuffleOp::create(b, loc, rows[k], rows[k + P2 / 2], lo));
      next.push_back(vector::ShuffleOp::create(b, loc, rows[k], rows[k + P2 / 2], hi));
    }
    rows = std::move(next);
  }
  // Runs of q = min(OB, P2) elements: element f = r * OB + e0 starts pixel f % P2 of channel f / P2.
  int64_t q = std::min(OB, P2);
  auto map = AffineMapAttr::get(AffineMap::getMinorIdentityMap(4, 1, b.getContext()));
  for (int64_t r = 0; r < P2; ++r)
    for (int64_t e0 = 0; e0 < OB; e0 += q) {
      int64_t f = r * OB + e0, c = f / P2, px = f % P2;
      int64_t valid = std::min(q, pixels - px);
      if (valid <= 0)
        continue;
      Value run = q == OB ? rows[r]
                          : vector::ExtractStridedSliceOp::create(b, loc, rows[r], ArrayRef<int64_t>{e0},
                                                                  ArrayRef<int64_t>{q}, ArrayRef<int64_t>{1});
      SmallVector<Value> at = {n, add(chan0, idx(c)), oh, add(ow0, idx(px))};
      Value mask;
      if (valid < q)
        mask = vector::ConstantMaskOp::create(b, loc, VectorType::get({q}, b.getI1Type()), ArrayRef<int64_t>{valid});
      out = vector::TransferWriteOp::create(b, loc, Type(out.getType()), run, out, at, map, mask,
                                            b.getBoolArrayAttr({true}))
                .getResult();
    }
  return out;
}

/// Whether the binary kernel that produces `pool`'s input writes the pool itself (its
/// Epilogue::pool): back along the epilogue chain (each link's value read only by the next) to
/// the output_transform of a bconv2d, then forward as LowerBConv2DKernel finds its epilogue. A
/// consumer's epilogue then reads the pooled result rather than computing the pool from its
/// window, whichever of the two kernels is lowered first.
static bool pooledByProducer(tosa::AvgPool2dOp pool) {
  auto ot = dyn_cast_if_present<bnn::OutputTransformOp>(bnn::epilogueChainStart(pool.getInput()));
  auto conv = ot ? ot.getInput().getDefiningOp<bnn::BConv2DOp>() : nullptr;
  return conv && findEpilogue(conv.getResult(), /*fusePack=*/true).pool == pool;
}

/// The tiling average pool `pool` at output position `at` (n, oh, ow, c) on `lanes` channels,
/// from its window: (((0 + x_00) + x_01) + ...) / (KH * KW) (see isTilingAvgPool).
static Value windowAverage(OpBuilder &b, Location loc, tosa::AvgPool2dOp pool, ArrayRef<Value> at,
                           int64_t lanes) {
  int64_t KH = pool.getKernel()[0], KW = pool.getKernel()[1];
  Type f32 = b.getF32Type();
  auto splat = [&](float x) -> Value {
    if (lanes == 1)
      return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(x));
    auto t = VectorType::get({lanes}, f32);
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(t, b.getF32FloatAttr(x)));
  };
  auto index = [&](Value v, int64_t scale, int64_t offset) -> Value {
    Value r = arith::MulIOp::create(b, loc, v, arith::ConstantIndexOp::create(b, loc, scale));
    return offset ? Value(arith::AddIOp::create(b, loc, r, arith::ConstantIndexOp::create(b, loc, offset))) : r;
  };
  Value sum = splat(0.0f);
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw) {
      SmallVector<Value> idx = {at[0], index(at[1], KH, kh), index(at[2], KW, kw), at[3]};
      sum = arith::AddFOp::create(b, loc, sum, bnn::loadLanes(b, loc, pool.getInput(), idx, lanes));
    }
  return arith::DivFOp::create(b, loc, sum, splat(float(KH * KW)));
}

Value bnn::loadLanes(OpBuilder &b, Location loc, Value t, ValueRange indices, int64_t lanes) {
  if (lanes == 1)
    return tensor::ExtractOp::create(b, loc, t, indices);
  auto elem = cast<RankedTensorType>(t.getType()).getElementType();
  Value padding = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  return vector::TransferReadOp::create(b, loc, VectorType::get({lanes}, elem), t, indices, padding,
                                        ArrayRef<bool>{true});
}

SmallVector<Value> bnn::forEachOutputBlock(
    OpBuilder &b, Location loc, int64_t N, int64_t Ho, int64_t Wo, int64_t channelBlocks, int64_t pixels,
    ValueRange inits,
    function_ref<SmallVector<Value>(Value, Value, Value, Value, int64_t, ValueRange)> block,
    function_ref<SmallVector<Value>(Value, Value, ValueRange)> rowStart) {
  auto idx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  int64_t mainEnd = Wo / pixels * pixels;
  auto rows = scf::ForOp::create(b, loc, idx(0), idx(N * Ho), idx(1), inits,
      [&](OpBuilder &, Location, Value q, ValueRange o0) {
        Value n = arith::DivUIOp::create(b, loc, q, idx(Ho));
        Value oh = arith::RemUIOp::create(b, loc, q, idx(Ho));
        SmallVector<Value> o1(o0.begin(), o0.end());
        if (rowStart)
          o1 = rowStart(n, oh, o0);
        auto chans = scf::ForOp::create(b, loc, idx(0), idx(channelBlocks), idx(1), o1,
            [&](OpBuilder &, Location, Value cb, ValueRange o2) {
              SmallVector<Value> cur(o2.begin(), o2.end());
              if (mainEnd > 0)
                cur = scf::ForOp::create(b, loc, idx(0), idx(mainEnd), idx(pixels), cur,
                                         [&](OpBuilder &, Location, Value ow, ValueRange o3) {
                                           scf::YieldOp::create(b, loc, block(n, oh, cb, ow, pixels, o3));
                                         }).getResults();
              if (mainEnd < Wo)
                cur = scf::ForOp::create(b, loc, idx(mainEnd), idx(Wo), idx(1), cur,
                                         [&](OpBuilder &, Location, Value ow, ValueRange o3) {
                                           scf::YieldOp::create(b, loc, block(n, oh, cb, ow, 1, o3));
                                         }).getResults();
              scf::YieldOp::create(b, loc, cur);
            });
        scf::YieldOp::create(b, loc, chans.getResults());
      });
  return SmallVector<Value>(rows.getResults());
}

Value bnn::forEachOutputBlock(OpBuilder &b, Location loc, int64_t N, int64_t Ho, int64_t Wo,
                              int64_t channelBlocks, int64_t pixels, Value init,
                              function_ref<Value(Value, Value, Value, Value, int64_t, Value)> block) {
  return forEachOutputBlock(b, loc, N, Ho, Wo, channelBlocks, pixels, ValueRange{init},
                            [&](Value n, Value oh, Value cb, Value ow, int64_t p, ValueRange outs) {
                              return SmallVector<Value>{block(n, oh, cb, ow, p, outs[0])};
                            })[0];
}

Operation *bnn::epilogueChainStart(Value y) {
  Operation *def = y.getDefiningOp();
  while (auto g = dyn_cast_if_present<linalg::GenericOp>(def)) {
    Value prev;
    for (Value in : g.getDpsInputs())
      if (in.hasOneUse() && bnn::fusableEpilogueStep(g, in)) {
        prev = in;
        break;
      }
    if (!prev)
      return def;
    def = prev.getDefiningOp();
  }
  return def;
}

SmallVector<Operation *> bnn::collectEpilogueChain(Value v) {
  SmallVector<Operation *> chain;
  while (v.hasOneUse()) {
    auto g = dyn_cast<linalg::GenericOp>(*v.getUsers().begin());
    if (!g || !fusableEpilogueStep(g, v))
      break;
    chain.push_back(g);
    v = g.getResult(0);
  }
  return chain;
}

Value bnn::applyEpilogueChain(OpBuilder &b, Location loc, ArrayRef<Operation *> chain,
                              Value source, Value y, ArrayRef<Value> at, int64_t lanes) {
  Value previous = source; // the value the next step reads from the chain
  for (Operation *op : chain) {
    auto g = cast<linalg::GenericOp>(op);
    IRMapping map;
    Block *body = g.getBody();
    for (OpOperand *in : g.getDpsInputOperands()) {
      Value arg = body->getArgument(in->getOperandNumber());
      AffineMap m = g.getMatchingIndexingMap(in);
      auto t = cast<RankedTensorType>(in->get().getType());
      Value v;
      if (in->get() == previous)
        v = y;
      else if (m.isIdentity() && in->get().hasOneUse() && bnn::isTilingAvgPool(in->get().getDefiningOp()) &&
               !pooledByProducer(in->get().getDefiningOp<tosa::AvgPool2dOp>()))
        v = windowAverage(b, loc, in->get().getDefiningOp<tosa::AvgPool2dOp>(), at, lanes);
      else if (m.isIdentity())
        v = loadLanes(b, loc, in->get(), at, lanes);
      else {
        SmallVector<Value> idx(t.getRank() - 1, arith::ConstantIndexOp::create(b, loc, 0));
        idx.push_back(at.back());
        v = loadLanes(b, loc, in->get(), idx, lanes);
      }
      map.map(arg, v);
    }
    for (Operation &inner : body->without_terminator()) {
      SmallVector<Value> operands;
      for (Value v : inner.getOperands()) {
        Value mapped = map.lookupOrNull(v);
        if (!mapped) // a scalar from outside the body (a constant): broadcast it
          mapped = lanes == 1 ? v : vector::BroadcastOp::create(b, loc, VectorType::get({lanes}, v.getType()), v);
        operands.push_back(mapped);
      }
      Type rt = inner.getResult(0).getType();
      Type wide = lanes == 1 ? rt : Type(VectorType::get({lanes}, rt));
      OperationState state(loc, inner.getName().getStringRef(), operands, TypeRange{wide}, inner.getAttrs());
      map.map(inner.getResult(0), b.create(state)->getResult(0));
    }
    y = map.lookup(body->getTerminator()->getOperand(0));
    previous = g.getResult(0);
  }
  return y;
}

int64_t bnn::choosePixelBlock(int64_t width, int64_t maxPixels, int64_t vectors,
                              int64_t opsPerAccumulator) {
  auto rowCost = [&](int64_t p) {
    int64_t step = vectors + p + opsPerAccumulator * p * vectors, single = vectors + 1 + opsPerAccumulator * vectors;
    return width / p * step + width % p * single;
  };
  int64_t best = maxPixels;
  for (int64_t p = maxPixels; p >= std::max<int64_t>(1, (maxPixels + 1) / 2); --p)
    if (rowCost(p) < rowCost(best))
      best = p;
  return best;
}

Value bnn::sliceAxis(OpBuilder &b, Location loc, Value v, int64_t axis, int64_t size) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getDimSize(axis) == size)
    return v;
  SmallVector<OpFoldResult> offsets(t.getRank(), b.getIndexAttr(0)), strides(t.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    sizes.push_back(b.getIndexAttr(i == axis ? size : t.getDimSize(i)));
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

Value bnn::padSpatial(OpBuilder &b, Location loc, Value plane, ArrayRef<int64_t> pad, TypedAttr value,
                      bool distinct) {
  if (pad[0] == 0 && pad[1] == 0 && pad[2] == 0 && pad[3] == 0)
    return plane;
  auto t = cast<RankedTensorType>(plane.getType());
  SmallVector<int64_t> shape = {t.getDimSize(0), t.getDimSize(1) + pad[0] + pad[1],
                                t.getDimSize(2) + pad[2] + pad[3], t.getDimSize(3)};
  // The border filled and the plane inserted into the rest, rather than tensor.pad: without
  // `distinct`, eliminate-empty-tensors lets the plane's producer write straight into the
  // padded tensor (the stem's transposed input, its max-pool's input); see freshTensor. Only
  // the border is filled (four bands: the rows above and below, the columns left and right of
  // the plane): a fill of the whole tensor was 7% of a 3x3/2 stem's time (a 613 KB memset for
  // 224 x 224 x 3), and the plane overwrites its part anyway.
  Value padded = freshTensor(b, loc, RankedTensorType::get(shape, t.getElementType()), TypedAttr(), distinct);
  Value fillValue = arith::ConstantOp::create(b, loc, value);
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  auto band = [&](int64_t h0, int64_t h, int64_t w0, int64_t w) {
    if (h == 0 || w == 0)
      return;
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(h0), b.getIndexAttr(w0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(shape[0]), b.getIndexAttr(h), b.getIndexAttr(w),
                                       b.getIndexAttr(shape[3])};
    Value slice = tensor::ExtractSliceOp::create(b, loc, padded, offsets, sizes, strides);
    Value filled = linalg::FillOp::create(b, loc, fillValue, slice).getResult(0);
    padded = tensor::InsertSliceOp::create(b, loc, filled, padded, offsets, sizes, strides);
  };
  int64_t H = t.getDimSize(1), W = t.getDimSize(2);
  band(0, pad[0], 0, shape[2]);                 // rows above
  band(pad[0] + H, pad[1], 0, shape[2]);        // rows below
  band(pad[0], H, 0, pad[2]);                   // columns left
  band(pad[0], H, pad[2] + W, pad[3]);          // columns right
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(pad[0]), b.getIndexAttr(pad[2]),
                                       b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : t.getShape())
    sizes.push_back(b.getIndexAttr(d));
  return tensor::InsertSliceOp::create(b, loc, plane, padded, offsets, sizes, strides);
}

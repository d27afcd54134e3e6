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
//  * The epilogue is applied to the accumulators in registers: the integer result, the
//    per-channel affine output transform (y = mul * float(d) + bias), or the integer thresholds
//    straight to packed bits (each vector compare gives `lanes` bits, ORed into the output word).
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

namespace bnn {
#define GEN_PASS_DEF_BNNLOWERBINARYKERNELS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// What a binary layer computes, in conv terms (a bmatmul is a 1x1 conv over a 1 x M image).
struct LayerShape {
  int64_t N, H, W, words, inChannels, O, KH, KW, sh, sw, dh, dw, Ho, Wo;
  int64_t pad[4]; // top, bottom, left, right
  bool bipolar;
};

/// The consumer folded into the kernel's epilogue.
enum class EpilogueKind { Raw, Affine, Threshold };

struct Epilogue {
  EpilogueKind kind = EpilogueKind::Raw;
  Operation *op = nullptr;
  // Affine: per-channel multiplier and bias. Threshold: low, high, descending.
  SmallVector<float> mul, bias;
  SmallVector<int64_t> low, high, desc;
};

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
/// constants; else the raw integer epilogue.
Epilogue findEpilogue(Value result) {
  Epilogue e;
  if (!result.hasOneUse())
    return e;
  Operation *user = *result.getUsers().begin();
  if (auto ot = dyn_cast<bnn::OutputTransformOp>(user)) {
    if (constantFloats(ot.getMultiplier(), e.mul) && constantFloats(ot.getBias(), e.bias)) {
      e.kind = EpilogueKind::Affine;
      e.op = user;
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

/// Broadcasts a one-element parameter to `n` channels and pads it to `padded` with `fill`.
template <typename T>
SmallVector<T> channelVector(ArrayRef<T> v, int64_t n, int64_t padded, T fill) {
  SmallVector<T> out(padded, fill);
  for (int64_t i = 0; i < n; ++i)
    out[i] = v.size() == 1 ? v[0] : v[i];
  return out;
}

/// Builds the kernel of one layer. All sizes are compile-time constants; loop variables are
/// index values.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const LayerShape &s, const bnn::KernelConfig &cfg,
                const Epilogue &epi)
      : b(b), loc(loc), s(s), L(cfg.lanes), V(cfg.vectors), P(cfg.pixels), epi(epi) {
    OB = L * V;
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
  const Epilogue &epi;
  /// Per-byte popcounts in u8 lanes, flushed into the i64 accumulators every `chunk` steps.
  bool bytes = false;
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
  Type accType() { return L == 1 ? i64() : Type(VectorType::get({L}, i64())); }
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t c) { return c == 1 ? x : arith::MulIOp::create(b, loc, x, idx(c)); }

  /// A constant of `accType`-shaped lanes (or a scalar when L == 1).
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
  Value load(Value t, ValueRange indices) {
    if (L == 1)
      return tensor::ExtractOp::create(b, loc, t, indices);
    auto elem = cast<RankedTensorType>(t.getType()).getElementType();
    Value padding = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
    return vector::TransferReadOp::create(b, loc, VectorType::get({L}, elem), t, indices, padding,
                                          ArrayRef<bool>{true});
  }
  Value store(Value v, Value t, ValueRange indices) {
    if (L == 1)
      return tensor::InsertOp::create(b, loc, v, t, indices);
    return vector::TransferWriteOp::create(b, loc, v, t, indices, ArrayRef<bool>{true}).getResult();
  }
  /// The i1 lanes of `bits` as the low L bits of an i64.
  Value laneBits(Value bits) {
    if (L == 1)
      return arith::ExtUIOp::create(b, loc, i64(), bits);
    Type word = b.getIntegerType(L);
    Value packed = vector::BitCastOp::create(b, loc, VectorType::get({1}, word), bits);
    Value scalar = vector::ExtractOp::create(b, loc, packed, ArrayRef<int64_t>{0});
    return arith::ExtUIOp::create(b, loc, i64(), scalar);
  }
  template <typename T>
  Value constTensor(ArrayRef<int64_t> shape, Type elem, ArrayRef<T> values) {
    auto type = RankedTensorType::get(shape, elem);
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
  }

  // Values shared by the loops.
  Value signFlat, maskFlat, weightsT, base, rowClass, colClass, rowBad;
  Value mulT, biasT, lowT, highT, descT;
  bool padded = false;

  SmallVector<Value> row(Value n, Value oh, ValueRange outs, bool masked);
  SmallVector<Value> block(Value n, Value oh, Value ob, Value ow0, int64_t pixels,
                           ValueRange outs, bool masked);
  Value rowHasZero(Value n, Value oh);
};

Value padPlane(OpBuilder &b, Location loc, Value plane, const int64_t pad[4]) {
  if (pad[0] == 0 && pad[1] == 0 && pad[2] == 0 && pad[3] == 0)
    return plane;
  auto t = cast<RankedTensorType>(plane.getType());
  SmallVector<int64_t> shape = {t.getDimSize(0), t.getDimSize(1) + pad[0] + pad[1],
                                t.getDimSize(2) + pad[2] + pad[3], t.getDimSize(3)};
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(pad[0]),
                                   b.getIndexAttr(pad[2]), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(pad[1]),
                                    b.getIndexAttr(pad[3]), b.getIndexAttr(0)};
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  return tensor::PadOp::create(b, loc, RankedTensorType::get(shape, t.getElementType()), plane,
                               low, high, zero);
}

/// [N, Hp, Wp, words] -> [N, Hp, Wp * words]: a kernel row's words are then one run.
Value flattenRows(OpBuilder &b, Location loc, Value plane) {
  return tensor::CollapseShapeOp::create(b, loc, plane,
                                         ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
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
  // Loop values: pixels * V accumulators, then (masked) pixels valid-tap counts.
  int64_t nAcc = pixels * V;
  SmallVector<Value> init(nAcc, splat(i64(), 0));
  if (masked)
    init.append(pixels, arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0)));
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
    SmallVector<Value> w;
    for (int64_t v = 0; v < V; ++v)
      w.push_back(load(weightsT, ValueRange{ob, kh, j, idx(v * L)}));
    SmallVector<Value> next(acc.begin(), acc.end());
    for (int64_t p = 0; p < pixels; ++p) {
      Value col = add(colBase[p], off);
      Value x = tensor::ExtractOp::create(b, loc, signFlat, ValueRange{n, ih, col});
      if (!masked) {
        Value bx = broadcast(x);
        for (int64_t v = 0; v < V; ++v)
          next[p * V + v] = accumulate(next[p * V + v], arith::XOrIOp::create(b, loc, bx, w[v]));
        continue;
      }
      Value m = tensor::ExtractOp::create(b, loc, maskFlat, ValueRange{n, ih, col});
      Value bs = broadcast(arith::AndIOp::create(b, loc, x, m));
      Value bm = broadcast(m);
      for (int64_t v = 0; v < V; ++v) {
        Value mw = arith::AndIOp::create(b, loc, bm, w[v]);
        next[p * V + v] = accumulate(next[p * V + v], arith::XOrIOp::create(b, loc, bs, mw));
      }
      Value &valid = next[nAcc + p];
      valid = add(valid, math::CtPopOp::create(b, loc, m));
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
              auto inner = scf::ForOp::create(
                  b, loc, idx(0), idx(chunk), idx(1), narrow,
                  [&](OpBuilder &, Location, Value dj, ValueRange acc) {
                    scf::YieldOp::create(b, loc, step(kh, ih, add(j0, dj), acc));
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
  SmallVector<Value> results(outs.begin(), outs.end());
  Value one = splat(i64(), 1);
  Value c0 = ob; // first channel of the block = ob * OB
  Value chan0 = mul(c0, OB);
  Value rc;
  if (!masked && padded)
    rc = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                    tensor::ExtractOp::create(b, loc, rowClass, ValueRange{oh}));
  for (int64_t p = 0; p < pixels; ++p) {
    Value ow = add(ow0, idx(p));
    Value cc;
    if (!masked && padded)
      cc = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                      tensor::ExtractOp::create(b, loc, colClass, ValueRange{ow}));
    Value signWord, maskWord;
    for (int64_t v = 0; v < V; ++v) {
      Value chan = add(chan0, idx(v * L));
      Value baseV;
      if (masked)
        baseV = broadcast(reduction.getResult(nAcc + p));
      else if (padded)
        baseV = load(base, ValueRange{rc, cc, chan});
      else
        baseV = splat(i64(), s.inChannels * s.KH * s.KW);
      Value acc = reduction.getResult(p * V + v);
      Value d = arith::SubIOp::create(b, loc, baseV, arith::ShLIOp::create(b, loc, acc, one));
      SmallVector<Value> at = {n, oh, ow, chan};
      switch (epi.kind) {
      case EpilogueKind::Raw: {
        Type i32 = L == 1 ? Type(b.getI32Type()) : Type(VectorType::get({L}, b.getI32Type()));
        results[0] = store(arith::TruncIOp::create(b, loc, i32, d), results[0], at);
        break;
      }
      case EpilogueKind::Affine: {
        Type i32 = L == 1 ? Type(b.getI32Type()) : Type(VectorType::get({L}, b.getI32Type()));
        Type f32 = L == 1 ? Type(b.getF32Type()) : Type(VectorType::get({L}, b.getF32Type()));
        Value f = arith::SIToFPOp::create(b, loc, f32, arith::TruncIOp::create(b, loc, i32, d));
        // y = mul * float(d) + bias, in this order (as bnn.output_transform).
        Value y = arith::MulFOp::create(b, loc, load(mulT, ValueRange{chan}), f);
        y = arith::AddFOp::create(b, loc, y, load(biasT, ValueRange{chan}));
        results[0] = store(y, results[0], at);
        break;
      }
      case EpilogueKind::Threshold: {
        // v = -1 below low, +1 from high on (mirrored where descending), else 0:
        // sign bit = descending ? d >= high : d < low;  mask bit = d < low or d >= high.
        Value below = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, load(lowT, ValueRange{chan}));
        Value above = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d, load(highT, ValueRange{chan}));
        Value desc = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                           load(descT, ValueRange{chan}), splat(i64(), 0));
        Value neg = arith::SelectOp::create(b, loc, desc, above, below);
        Value nz = arith::OrIOp::create(b, loc, below, above);
        Value sh = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v * L));
        Value sBits = arith::ShLIOp::create(b, loc, laneBits(neg), sh);
        Value mBits = arith::ShLIOp::create(b, loc, laneBits(nz), sh);
        signWord = v == 0 ? sBits : arith::OrIOp::create(b, loc, signWord, sBits);
        maskWord = v == 0 ? mBits : arith::OrIOp::create(b, loc, maskWord, mBits);
        break;
      }
      }
    }
    if (epi.kind == EpilogueKind::Threshold) {
      // The block's OB bits go to word chan0 / 64 at bit chan0 % 64 (OB divides 64).
      Value word = arith::DivUIOp::create(b, loc, chan0, idx(64));
      Value bit = arith::IndexCastOp::create(b, loc, i64(), arith::RemUIOp::create(b, loc, chan0, idx(64)));
      SmallVector<Value> at = {n, oh, ow, word};
      for (int plane = 0; plane < 2; ++plane) {
        Value bits = arith::ShLIOp::create(b, loc, plane == 0 ? signWord : maskWord, bit);
        Value old = tensor::ExtractOp::create(b, loc, results[plane], at);
        results[plane] = tensor::InsertOp::create(b, loc, arith::OrIOp::create(b, loc, old, bits),
                                                  results[plane], at);
      }
    }
  }
  return results;
}

SmallVector<Value> KernelBuilder::row(Value n, Value oh, ValueRange outs, bool masked) {
  auto channelLoop = scf::ForOp::create(
      b, loc, idx(0), idx(blocks), idx(1), outs, [&](OpBuilder &, Location, Value ob, ValueRange o) {
        int64_t mainEnd = s.Wo / P * P;
        SmallVector<Value> cur(o.begin(), o.end());
        if (mainEnd > 0) {
          auto main = scf::ForOp::create(b, loc, idx(0), idx(mainEnd), idx(P), cur,
                                         [&](OpBuilder &, Location, Value ow, ValueRange oo) {
                                           scf::YieldOp::create(b, loc, block(n, oh, ob, ow, P, oo, masked));
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
  std::vector<uint64_t> blocked = bnn::blockWeights(weights.data(), s.O, s.KH * s.KW, s.words, OB);
  SmallVector<APInt> wBits;
  for (uint64_t x : blocked)
    wBits.push_back(APInt(64, x));
  weightsT = constTensor<APInt>({blocks, s.KH, s.KW * s.words, OB}, i64(), wBits);
  padded = s.pad[0] || s.pad[1] || s.pad[2] || s.pad[3];
  if (padded) {
    bnn::BorderClasses rows = bnn::borderClasses(s.Ho, s.H, s.KH, s.sh, s.dh, s.pad[0]);
    bnn::BorderClasses cols = bnn::borderClasses(s.Wo, s.W, s.KW, s.sw, s.dw, s.pad[2]);
    std::vector<int64_t> table = bnn::bipolarConvBase(rows, cols, weights.data(), s.O, Opad, s.KH,
                                                      s.KW, s.words, s.inChannels);
    base = constTensor<int64_t>({int64_t(rows.taps.size()), int64_t(cols.taps.size()), Opad}, i64(), table);
    rowClass = constTensor<int32_t>({s.Ho}, b.getI32Type(), rows.classOf);
    colClass = constTensor<int32_t>({s.Wo}, b.getI32Type(), cols.classOf);
  }
  SmallVector<Value> outs;
  auto outShape = [&](int64_t c) { return SmallVector<int64_t>{s.N, s.Ho, s.Wo, c}; };
  switch (epi.kind) {
  case EpilogueKind::Raw:
    outs.push_back(tensor::EmptyOp::create(b, loc, outShape(Opad), b.getI32Type()));
    break;
  case EpilogueKind::Affine:
    mulT = constTensor<float>({Opad}, b.getF32Type(), channelVector<float>(epi.mul, s.O, Opad, 0.0f));
    biasT = constTensor<float>({Opad}, b.getF32Type(), channelVector<float>(epi.bias, s.O, Opad, 0.0f));
    outs.push_back(tensor::EmptyOp::create(b, loc, outShape(Opad), b.getF32Type()));
    break;
  case EpilogueKind::Threshold: {
    // Padded channels: every d lies in [INT64_MIN, INT64_MAX), so the value is 0 (both bits 0).
    lowT = constTensor<int64_t>({Opad}, i64(), channelVector<int64_t>(epi.low, s.O, Opad, INT64_MIN));
    highT = constTensor<int64_t>({Opad}, i64(), channelVector<int64_t>(epi.high, s.O, Opad, INT64_MAX));
    descT = constTensor<int64_t>({Opad}, i64(), channelVector<int64_t>(epi.desc, s.O, Opad, 0));
    Value empty = tensor::EmptyOp::create(b, loc, outShape(outWords), i64());
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    Value filled = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    outs = {filled, filled};
    break;
  }
  }

  signFlat = flattenRows(b, loc, padPlane(b, loc, sign, s.pad));
  if (!s.bipolar) {
    maskFlat = flattenRows(b, loc, padPlane(b, loc, mask, s.pad));
    // rowBad[n][ih] = OR over the row of (m ^ expected): non-zero where a real channel's mask
    // bit is 0, i.e. the input holds an exact zero there (tail bits are 0 in both).
    SmallVector<APInt> expected;
    for (int64_t w = 0; w < s.words; ++w) {
      int64_t bits = std::min<int64_t>(64, s.inChannels - 64 * w);
      expected.push_back(APInt(64, bits == 64 ? ~uint64_t(0) : ((uint64_t(1) << bits) - 1)));
    }
    Value expectedT = constTensor<APInt>({s.words}, i64(), expected);
    MLIRContext *ctx = b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{s.N, s.H}, i64());
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel, utils::IteratorType::parallel,
                                              utils::IteratorType::reduction, utils::IteratorType::reduction};
    auto bad = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, ValueRange{mask, expectedT}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx), AffineMap::get(4, 0, {d(3)}, ctx),
                            AffineMap::get(4, 0, {d(0), d(1)}, ctx)},
        iters, [&](OpBuilder &nb, Location l, ValueRange a) {
          Value diff = arith::XOrIOp::create(nb, l, a[0], a[1]);
          linalg::YieldOp::create(nb, l, ValueRange{arith::OrIOp::create(nb, l, a[2], diff)});
        });
    // Rows of the padding hold no zero (the bipolar loop's base corrects them).
    rowBad = bad.getResult(0);
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
  if (epi.kind != EpilogueKind::Threshold && Opad != s.O) {
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)), strides(4, b.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(s.N), b.getIndexAttr(s.Ho), b.getIndexAttr(s.Wo),
                                       b.getIndexAttr(s.O)};
    results[0] = tensor::ExtractSliceOp::create(b, loc, results[0], offsets, sizes, strides);
  }
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

/// Replaces `layer` (and its fused epilogue op) by the kernel's results.
void replaceLayer(ConversionPatternRewriter &rewriter, Operation *layer, const Epilogue &epi,
                  SmallVector<Value> results, function_ref<Value(Value)> reshape) {
  for (Value &r : results)
    r = reshape(r);
  if (epi.op) {
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
    Epilogue epi = findEpilogue(op.getResult());
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
    Location loc = op.getLoc();
    auto expand = [&](Value plane) -> Value {
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({B, 1, M, Kw}, rewriter.getI64Type()), plane,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    };
    Epilogue epi = findEpilogue(op.getResult());
    KernelBuilder kb(rewriter, loc, s, cfg, epi);
    SmallVector<Value> results = kb.build(expand(op.getInputSign()), expand(op.getInputMask()), words);
    replaceLayer(rewriter, op, epi, results, [&](Value v) -> Value {
      return tensor::CollapseShapeOp::create(rewriter, loc, v,
                                             ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    });
    return success();
  }
};

bool hasConstantWeights(Operation *op) {
  Value w = op->getOperand(2);
  return matchPattern(w, m_Constant());
}

struct BNNLowerBinaryKernelsPass
    : bnn::impl::BNNLowerBinaryKernelsBase<BNNLowerBinaryKernelsPass> {
  using BNNLowerBinaryKernelsBase::BNNLowerBinaryKernelsBase;
  void runOnOperation() override {
    bnn::KernelConfig cfg{lanes, vectors, pixels, bnn::KernelAccumulate::Words};
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
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect, vector::VectorDialect,
                           bnn::BNNDialect>();
    // Every binary layer whose weights are known at compile time must become a kernel.
    target.addDynamicallyLegalOp<bnn::BConv2DOp, bnn::BMatMulOp>(
        [](Operation *op) { return !hasConstantWeights(op); });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateBinaryKernelPatterns(RewritePatternSet &patterns, const KernelConfig &config) {
  patterns.add<LowerBConv2DKernel, LowerBMatMulKernel>(patterns.getContext(), config);
}

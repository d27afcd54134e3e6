//===- BinaryMath.h - the arithmetic of packed binary layers ----*- C++ -*-===//
//
// Plain C++ (no MLIR): the bit conventions and integer formulas the binarization passes and the
// lowering rely on, in one place that unit tests can check against float references.
// Convention (BINARY_SEMANTICS §1): +1 is bit 0, -1 is bit 1, least significant bit first;
// a second "mask" plane has bit 1 for every non-zero value, so 0 (ONNX Sign's sign(0), zero
// padding, tail bits) contributes nothing.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_PASSES_BINARYMATH_H
#define BNNC_PASSES_BINARYMATH_H

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bnn {

/// 64-bit words for `bits` bits.
inline int64_t wordsFor(int64_t bits) { return (bits + 63) / 64; }

/// Packs n values in {-1, 0, +1} into wordsFor(n) sign and mask words (tail bits 0).
void packTernary(const float *values, int64_t n, uint64_t *sign, uint64_t *mask);

/// The dot product of a packed ternary vector with packed +-1 weights `w` over `words` words:
/// popcount(m) - 2 * popcount(m & (s ^ w)).
int64_t packedDot(const uint64_t *sign, const uint64_t *mask, const uint64_t *w, int64_t words);

/// A constant weight matrix classified as +-alpha per output channel, packed.
struct BinaryWeights {
  std::vector<float> alpha;   // per output channel
  std::vector<uint64_t> bits; // [outChannels][rows][words], bit 1 for a negative weight
  int64_t words = 0;
  /// Weights that are exactly 0 in a channel whose others are +-alpha (ternary weights), as
  /// increasing flat indices (o * rows + r) * inner + i; packed as +1 (bit 0).
  std::vector<int64_t> zeros;
};

/// Weights of a depthwise layer as sign(w) in {-1, 0, +1} and one scale per channel: w = alpha_c *
/// sign(w), with any number of exact zeros (a depthwise kernel multiplies in int8 lanes, where a
/// zero weight costs nothing). `at(c, t)` reads tap t of channel c; `signs` is [taps][channels].
/// Returns the reason when a channel's non-zero weights differ in magnitude.
std::optional<std::string> classifyTernaryWeights(int64_t channels, int64_t taps,
                                                  const std::function<float(int64_t, int64_t)> &at,
                                                  std::vector<float> &alpha,
                                                  std::vector<int8_t> &signs);

/// Ternary weights take one of two encodings (bnn.bconv2d, BINARY_SEMANTICS §4). The sparse
/// correction (`zero_taps`) costs about 20 scalar operations per zero weight and output position;
/// the weight mask plane (`weight_mask`) one AND per popcount in the kernel (none with AVX-512,
/// whose vpternlogq computes (x ^ w) & m in one instruction) plus its loads. Per output position
/// the conv costs about 3 * O * K / (64 L) vector operations (L words per vector), so the sparse
/// correction costs (zeros / weights) * 427 L of the conv: already 0.8x at 1/4096 with
/// AVX-512. It is kept for the few zeros PyTorch's initialisation leaves in a large layer, up
/// to this fraction of the weights; more zeros take the mask.
constexpr double kMaxSparseZeroFraction = 1.0 / 65536;

/// Whether `zeros` exact-zero weights of `total` take the sparse correction (zero_taps) rather
/// than a weight mask plane.
bool sparseZeroWeights(size_t zeros, int64_t total);

/// Relative tolerance for "all weights of a channel have one magnitude": the scale is computed
/// in float32 (mean|W|, a power of two ...) and multiplied into every weight.
constexpr double kWeightTolerance = 1e-6;

/// The reason classifyBinaryWeights gives for weight `w` in channel `o` of magnitude `alpha`.
std::string notBinaryReason(int64_t o, float alpha, float w);

/// Classifies weights read by `at(o, r, i)` (output channel o, row r of `rows`, element i of
/// `inner`, packed per row) as +-alpha_o, with any number of exact zeros (listed in `zeros`).
/// Returns the reason when they are not. A template, so
/// that the accessor is inlined: it runs on every weight of every layer (tens of millions in a
/// large model), where a std::function call per weight was a tenth of the fusion pass.
template <typename At>
std::optional<std::string> classifyBinaryWeights(int64_t outChannels, int64_t rows, int64_t inner,
                                                 const At &at, BinaryWeights &out) {
  out.words = wordsFor(inner);
  out.alpha.assign(outChannels, 0.0f);
  out.bits.assign(outChannels * rows * out.words, 0);
  out.zeros.clear();
  for (int64_t o = 0; o < outChannels; ++o) {
    // alpha: the first non-zero magnitude (0 if the whole channel is 0: its output is the bias
    // whatever the bits, so no zero is listed for it).
    float alpha = 0.0f;
    for (int64_t r = 0; r < rows && alpha == 0.0f; ++r)
      for (int64_t i = 0; i < inner && alpha == 0.0f; ++i)
        alpha = std::fabs(static_cast<float>(at(o, r, i)));
    for (int64_t r = 0; r < rows; ++r) {
      uint64_t *row = out.bits.data() + (o * rows + r) * out.words;
      for (int64_t i = 0; i < inner; ++i) {
        float w = at(o, r, i);
        if (w == 0.0f) {
          // A ternary weight (Sign of an exact 0): packed as +1 (bit 0), corrected exactly.
          if (alpha > 0.0f)
            out.zeros.push_back((o * rows + r) * inner + i);
          continue;
        }
        if (std::fabs(std::fabs(w) - alpha) > kWeightTolerance * alpha)
          return notBinaryReason(o, alpha, w);
        // Without a branch: the signs of trained (or random) weights are a coin flip each, and
        // a mispredicted branch per weight was most of the classification's time.
        row[i / 64] |= uint64_t(std::signbit(w)) << (i % 64);
      }
    }
    out.alpha[o] = alpha;
  }
  return std::nullopt;
}

/// The weight mask plane of `rows` rows of `inner` weights, packed in `words` words per row: bit 1
/// for every real weight that is not one of `zeros` (flat indices row * inner + i).
std::vector<uint64_t> weightMaskBits(const std::vector<int64_t> &zeros, int64_t rows, int64_t inner,
                                     int64_t words);

/// Integer thresholds of a binarized layer output, per channel (BINARY_SEMANTICS §5): the
/// value is -1 for d < low, 0 for low <= d < high, +1 for d >= high; mirrored (+1 below low,
/// -1 from high on) when descending. "Never" is INT32_MIN / INT32_MAX.
struct IntThresholds {
  int64_t low = 0, high = 0;
  bool descending = false;
};

/// The value IntThresholds give to `d`.
int thresholdValue(const IntThresholds &t, int64_t d);

/// The bound on A = popcount(x ^ w), the bipolar loop's count, of a threshold t on
/// d = base - 2A: d < t <=> A > popcountBound(base, t, K), for every A in [0, K]. As
/// d < t <=> 2A > base - t <=> A > floor((base - t) / 2) (integers), the bound is that floor,
/// clamped to [-1, K] (so a "never" threshold of INT64_MIN or INT64_MAX stays in range).
int64_t popcountBound(int64_t base, int64_t t, int64_t K);

/// Finds the thresholds of `value(d)` in {-1, 0, +1} over the integers |d| <= K, by bisection,
/// then checks them against `value` at every integer (or, when `exhaustive` is false, at a
/// dense sample and around both thresholds). nullopt if `value` is not monotone there.
std::optional<IntThresholds> findThresholds(const std::function<int(int64_t)> &value, int64_t K,
                                            bool exhaustive);


/// One spatial axis of a zero-padded convolution, split into border classes: output positions
/// whose kernel taps fall inside the input at the same tap indices share a class. A 3x3 kernel
/// with pad 1 has three classes per axis (first, inner, last); no padding gives one.
struct BorderClasses {
  std::vector<int32_t> classOf;        // per output position
  std::vector<std::vector<bool>> taps; // per class: which kernel taps are inside the input
};

/// The border classes of an axis: output size `out`, input size `in`, kernel `k`, `stride`,
/// `dilation`, and `padBefore` padded positions before the input.
BorderClasses borderClasses(int64_t out, int64_t in, int64_t k, int64_t stride, int64_t dilation,
                            int64_t padBefore);

/// The base of a bipolar binary convolution over a zero-padded input whose padding was packed as
/// +1 (bit 0) (BINARY_SEMANTICS §2). The kernel counts A = popcount(s ^ w) over every tap; a
/// padded tap has s = 0 there, so it adds popcount(w) for that tap. With
/// Kv = inChannels * (#valid rows) * (#valid cols) and P = sum over padded taps of popcount(w),
///   d = Kv - 2 * (A - P) = (Kv + 2P) - 2A = base - 2A.
/// Returns base as [rowClass][colClass][outChannelsPadded]; channels from `outChannels` on are
/// Kv (their weights are 0). `weights` are [outChannels][kh][kw][words], bit 1 for -1.
/// With a weight mask plane `weightMask` (same layout, bit 1 for a non-zero weight; zeros are
/// packed as +1, bit 0, in `weights`) the kernel counts A = popcount((s ^ w) & wm): a valid tap
/// counts only its non-zero weights, so Kv is the popcount of the mask over the valid taps of
/// channel o, and P is unchanged (w & wm = w).
std::vector<int64_t> bipolarConvBase(const BorderClasses &rows, const BorderClasses &cols,
                                     const uint64_t *weights, int64_t outChannels,
                                     int64_t outChannelsPadded, int64_t kh, int64_t kw,
                                     int64_t words, int64_t inChannels,
                                     const uint64_t *weightMask = nullptr);

/// Re-lays weights [outChannels][taps][words] as [outChannelsPadded / block][taps][words][block]:
/// the kernel's inner loop then reads the `block` output channels of one tap and word (a
/// packed word, or a float input channel) as one contiguous vector, in the order it needs them
/// (no gathers). Channels from `outChannels` on are 0.
template <typename T>
std::vector<T> blockWeights(const T *weights, int64_t outChannels, int64_t taps, int64_t words,
                            int64_t block) {
  int64_t blocks = (outChannels + block - 1) / block;
  std::vector<T> out(blocks * taps * words * block, T(0));
  for (int64_t o = 0; o < outChannels; ++o)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t x = 0; x < words; ++x)
        out[((o / block * taps + t) * words + x) * block + o % block] =
            weights[(o * taps + t) * words + x];
  return out;
}

} // namespace bnn

#endif // BNNC_PASSES_BINARYMATH_H

//===- Cost.cpp - cost models of the ops in a compiled model ----*- C++ -*-===//
//
// External models of BNNCostOpInterface. Each op says what it computes, from its own operands
// and attributes; the report (compiler/Report.cpp) only adds up. Counting conventions:
// docs/cost-report.md.
//
//===----------------------------------------------------------------------===//
#include "compiler/Cost.h"

#include "dialects/BNN/BNNCostInterface.h"
#include "dialects/BNN/BNNDialect.h"
#include "passes/BinaryMath.h"
#include "passes/ElementwiseChain.h"
#include "passes/FuseBinaryLayers.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using bnn::LayerCost;

namespace {

//===----------------------------------------------------------------------===//
// Tensor sizes
//===----------------------------------------------------------------------===//

std::vector<int64_t> shapeOf(Value v) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return std::vector<int64_t>(t.getShape().begin(), t.getShape().end());
  return {};
}

/// Elements of a statically shaped tensor (a dynamic one counts 0: it has no static cost).
int64_t numElements(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape())
    return 0;
  return t.getNumElements();
}

unsigned elementBits(Value v) {
  Type e = getElementTypeOrSelf(v.getType());
  if (e.isIntOrFloat())
    return e.getIntOrFloatBitWidth();
  return 64; // index
}

/// Bytes of a tensor as stored (i1 in a byte).
int64_t tensorBytes(Value v) { return numElements(v) * ((elementBits(v) + 7) / 8); }

bool isConstant(Value v) { return v && matchPattern(v, m_Constant()); }

/// Adds `params` (constants: weights, biases, scales) and runtime operands to the byte counts.
void addOperandBytes(LayerCost &c, ValueRange operands) {
  for (Value v : operands) {
    if (isConstant(v)) {
      c.weightBytes += tensorBytes(v);
      c.floatWeightBytes += numElements(v) * 4;
    } else {
      c.actInBytes += tensorBytes(v);
    }
  }
}

void addResultBytes(LayerCost &c, Operation *op) {
  for (Value r : op->getResults())
    c.actOutBytes += tensorBytes(r);
}

/// The first runtime (non-constant) operand's shape.
std::vector<int64_t> runtimeShape(ValueRange operands) {
  for (Value v : operands)
    if (!isConstant(v))
      return shapeOf(v);
  return {};
}

//===----------------------------------------------------------------------===//
// Float convolutions and matrix products
//===----------------------------------------------------------------------===//

/// The fields every float conv/matmul shares: operand bit widths, bytes, shapes and why it
/// stayed float. `weight` has output channel `(i / innerStride) % channels` for element i.
void floatMacLayer(LayerCost &c, Operation *op, Value input, Value weight, int64_t channels,
                   int64_t innerStride, ValueRange params) {
  c.actBits = bnnc::nominalActivationBits(input);
  c.execActBits = elementBits(input);
  c.execWeightBits = elementBits(weight);
  DenseElementsAttr w;
  if (matchPattern(weight, m_Constant(&w)) && isa<FloatType>(w.getElementType())) {
    if (w.isSplat()) {
      c.weightBits = 1; // every weight the same magnitude: +-alpha
    } else {
      std::vector<float> values;
      values.reserve(w.getNumElements());
      if (w.getElementType().isF32())
        values.assign(w.getValues<float>().begin(), w.getValues<float>().end());
      else
        for (const APFloat &f : w.getValues<APFloat>())
          values.push_back(f.convertToFloat());
      c.weightBits = bnnc::nominalWeightBits(values, channels, innerStride);
    }
  } else {
    c.weightBits = isConstant(weight) ? 16 : bnnc::nominalActivationBits(weight);
  }
  c.inputShape = shapeOf(input);
  c.weightShape = shapeOf(weight);
  c.outputShape = shapeOf(op->getResult(0));
  addOperandBytes(c, input);
  addOperandBytes(c, weight);
  for (Value p : params)
    addOperandBytes(c, p);
  addResultBytes(c, op);
  c.floatReason = bnn::whyLayerStaysFloat(op);
}

template <typename ConcreteOp>
struct CostModel : bnn::BNNCostOpInterface::ExternalModel<CostModel<ConcreteOp>, ConcreteOp> {
  LayerCost getLayerCost(Operation *op) const;
};

template <>
LayerCost CostModel<tosa::Conv2DOp>::getLayerCost(Operation *op) const {
  auto conv = cast<tosa::Conv2DOp>(op);
  LayerCost c;
  c.kind = "conv";
  auto w = shapeOf(conv.getWeight()); // O, KH, KW, I
  int64_t outputs = numElements(conv.getResult());
  c.macs = outputs * w[1] * w[2] * w[3];
  floatMacLayer(c, op, conv.getInput(), conv.getWeight(), w[0], w[1] * w[2] * w[3],
                conv.getBias());
  if (bnn::runsOnInt8DotProduct(conv)) { // a QDQ conv on the target's int8 dot product
    c.execActBits = c.execWeightBits = 8;
    c.floatReason += " (executed in int8 on the target's dot product)";
  }
  c.scalarOps = outputs; // the bias
  return c;
}

template <>
LayerCost CostModel<tosa::DepthwiseConv2DOp>::getLayerCost(Operation *op) const {
  auto conv = cast<tosa::DepthwiseConv2DOp>(op);
  LayerCost c;
  c.kind = "conv";
  auto w = shapeOf(conv.getWeight()); // KH, KW, C, M
  int64_t outputs = numElements(conv.getResult());
  c.macs = outputs * w[0] * w[1];
  floatMacLayer(c, op, conv.getInput(), conv.getWeight(), w[2] * w[3], 1, conv.getBias());
  c.scalarOps = outputs;
  return c;
}

template <>
LayerCost CostModel<tosa::TransposeConv2DOp>::getLayerCost(Operation *op) const {
  auto conv = cast<tosa::TransposeConv2DOp>(op);
  LayerCost c;
  c.kind = "conv";
  auto w = shapeOf(conv.getWeight()); // O, KH, KW, I
  // Every input element meets every tap of every output channel.
  c.macs = numElements(conv.getInput()) * w[0] * w[1] * w[2];
  floatMacLayer(c, op, conv.getInput(), conv.getWeight(), w[0], w[1] * w[2] * w[3],
                conv.getBias());
  c.scalarOps = numElements(conv.getResult());
  return c;
}

template <>
LayerCost CostModel<tosa::MatMulOp>::getLayerCost(Operation *op) const {
  auto mm = cast<tosa::MatMulOp>(op);
  LayerCost c;
  c.kind = "matmul";
  auto a = shapeOf(mm.getA()); // B, M, K
  auto b = shapeOf(mm.getB()); // B, K, N
  c.macs = a[0] * a[1] * a[2] * b[2];
  floatMacLayer(c, op, mm.getA(), mm.getB(), b[2], 1, {});
  return c;
}

//===----------------------------------------------------------------------===//
// Binary layers
//===----------------------------------------------------------------------===//

void binaryMacLayer(LayerCost &c, Operation *op, Value sign, Value mask, Value weights) {
  c.actBits = c.weightBits = c.execActBits = c.execWeightBits = 1;
  addOperandBytes(c, ValueRange{sign, mask});
  c.weightBytes += tensorBytes(weights);
  addResultBytes(c, op);
  c.outputShape = shapeOf(op->getResult(0));
}

/// Ternary weights: the binary MACs run as for +-1 weights (zeros packed as +1), and each zero
/// weight costs a sparse correction per output position of its channel: read the input bit,
/// compute +-1/0, subtract (4 scalar operations), counted as scalar work, plus the table of
/// zero taps (4 int32 per zero) in the weight memory.
/// With a weight mask plane instead, every product also reads the weight's mask bit: the weights
/// execute as 2 bits (sign and mask planes, both in the weight memory).
void addZeroTapCost(LayerCost &c, std::optional<ArrayRef<int64_t>> zeros, Value weightMask,
                    int64_t positions) {
  if (weightMask) {
    c.execWeightBits = 2;
    c.weightBytes += tensorBytes(weightMask);
  }
  if (!zeros)
    return;
  int64_t n = static_cast<int64_t>(zeros->size());
  c.scalarOps += 4 * n * positions;
  c.weightBytes += 16 * n;
}

template <>
LayerCost CostModel<bnn::BConv2DOp>::getLayerCost(Operation *op) const {
  auto conv = cast<bnn::BConv2DOp>(op);
  LayerCost c;
  c.kind = "conv";
  auto w = shapeOf(conv.getWeights()); // O, KH, KW, words
  int64_t k = conv.getInChannels();
  c.macs = numElements(conv.getOutput()) * w[1] * w[2] * k;
  binaryMacLayer(c, op, conv.getInputSign(), conv.getInputMask(), conv.getWeights());
  // Shapes with the true channel count instead of the packed words.
  c.inputShape = shapeOf(conv.getInputSign());
  c.inputShape.back() = k;
  c.weightShape = {w[0], w[1], w[2], k};
  c.floatWeightBytes = w[0] * w[1] * w[2] * k * 4;
  addZeroTapCost(c, conv.getZeroTaps(), conv.getWeightMask(), numElements(conv.getOutput()) / w[0]);
  return c;
}

/// A binary depthwise conv: ACE counts its MACs as 1 x 1 bit (the math is binary); it executes
/// on int8 lanes, which the executed widths say.
template <>
LayerCost CostModel<bnn::BDepthwiseConv2DOp>::getLayerCost(Operation *op) const {
  auto conv = cast<bnn::BDepthwiseConv2DOp>(op);
  LayerCost c;
  c.kind = "conv";
  auto w = shapeOf(conv.getWeights()); // KH, KW, C
  c.macs = numElements(conv.getOutput()) * w[0] * w[1];
  c.actBits = c.weightBits = 1;
  c.execActBits = c.execWeightBits = 8;
  addOperandBytes(c, ValueRange{conv.getInput()});
  c.weightBytes += tensorBytes(conv.getWeights());
  addResultBytes(c, op);
  c.inputShape = shapeOf(conv.getInput());
  c.weightShape = w;
  c.outputShape = shapeOf(op->getResult(0));
  c.floatWeightBytes = w[0] * w[1] * w[2] * 4;
  return c;
}

/// Both operands packed at run time: binary MACs; the packing of B is its own op.
template <>
LayerCost CostModel<bnn::BMatMulActOp>::getLayerCost(Operation *op) const {
  auto mm = cast<bnn::BMatMulActOp>(op);
  LayerCost c;
  c.kind = "matmul";
  int64_t k = mm.getK();
  c.macs = numElements(mm.getOutput()) * k;
  c.actBits = c.weightBits = c.execActBits = c.execWeightBits = 1;
  addOperandBytes(c, op->getOperands());
  addResultBytes(c, op);
  c.inputShape = shapeOf(mm.getASign());
  c.inputShape.back() = k;
  c.weightShape = shapeOf(mm.getBSign());
  c.weightShape.back() = k;
  c.outputShape = shapeOf(op->getResult(0));
  return c;
}

template <>
LayerCost CostModel<bnn::BMatMulOp>::getLayerCost(Operation *op) const {
  auto mm = cast<bnn::BMatMulOp>(op);
  LayerCost c;
  c.kind = "matmul";
  auto w = shapeOf(mm.getWeights()); // N, words
  int64_t k = mm.getK();
  c.macs = numElements(mm.getOutput()) * k;
  binaryMacLayer(c, op, mm.getInputSign(), mm.getInputMask(), mm.getWeights());
  c.inputShape = shapeOf(mm.getInputSign());
  c.inputShape.back() = k;
  c.weightShape = {w[0], k};
  c.floatWeightBytes = w[0] * k * 4;
  addZeroTapCost(c, mm.getZeroTaps(), mm.getWeightMask(), numElements(mm.getOutput()) / w[0]);
  return c;
}

//===----------------------------------------------------------------------===//
// Scalar work
//===----------------------------------------------------------------------===//

/// An op without MACs: `opsPerElement` scalar operations per element of `counted`.
LayerCost scalarCost(Operation *op, const char *kind, Value counted, int64_t opsPerElement) {
  LayerCost c;
  c.kind = kind;
  c.scalarOps = numElements(counted) * opsPerElement;
  addOperandBytes(c, op->getOperands());
  addResultBytes(c, op);
  c.inputShape = runtimeShape(op->getOperands());
  c.outputShape = shapeOf(op->getResult(0));
  return c;
}

template <>
LayerCost CostModel<bnn::OutputTransformOp>::getLayerCost(Operation *op) const {
  auto t = cast<bnn::OutputTransformOp>(op);
  return scalarCost(op, "transform", t.getOutput(), 2); // multiply, add
}

template <>
LayerCost CostModel<bnn::ThresholdOp>::getLayerCost(Operation *op) const {
  auto t = cast<bnn::ThresholdOp>(op);
  return scalarCost(op, "threshold", t.getInput(), 2); // compare with low and high
}

template <>
LayerCost CostModel<bnn::BinarizeOp>::getLayerCost(Operation *op) const {
  auto b = cast<bnn::BinarizeOp>(op);
  LayerCost c = scalarCost(op, "binarize", b.getInput(), 1);
  c.weightBytes += b.getThresholds().getNumElements() * 4;
  c.floatWeightBytes += b.getThresholds().getNumElements() * 4;
  return c;
}

template <>
LayerCost CostModel<bnn::SignOp>::getLayerCost(Operation *op) const {
  return scalarCost(op, "binarize", op->getOperand(0), 1);
}

template <>
LayerCost CostModel<bnn::BipolarSignOp>::getLayerCost(Operation *op) const {
  return scalarCost(op, "binarize", op->getOperand(0), 1);
}

template <>
LayerCost CostModel<bnn::QuantOp>::getLayerCost(Operation *op) const {
  // divide, add zero point, clamp (2), round, subtract zero point, multiply
  return scalarCost(op, "quantize", op->getOperand(0), 7);
}

template <>
LayerCost CostModel<bnn::MultiThresholdOp>::getLayerCost(Operation *op) const {
  auto mt = cast<bnn::MultiThresholdOp>(op);
  auto t = shapeOf(mt.getThresholds()); // [C or 1, B]
  return scalarCost(op, "threshold", mt.getInput(), t.back() + 2); // B compares, scale, bias
}

template <>
LayerCost CostModel<bnn::PackOp>::getLayerCost(Operation *op) const {
  return scalarCost(op, "pack", op->getOperand(0), 1); // one bit set per element
}

template <>
LayerCost CostModel<bnn::ConcatPackedOp>::getLayerCost(Operation *op) const {
  // Per 64-bit result word and input: a shift and an OR.
  return scalarCost(op, "concat", op->getResult(0), 2 * op->getNumOperands());
}

template <>
LayerCost CostModel<bnn::BMaxPool2DOp>::getLayerCost(Operation *op) const {
  auto p = cast<bnn::BMaxPool2DOp>(op);
  auto k = p.getKernel();
  // Per 64-bit output word and window tap: one OR and one AND.
  return scalarCost(op, "pool", p.getSign(), k[0] * k[1] * 2);
}

template <>
LayerCost CostModel<tosa::MaxPool2dOp>::getLayerCost(Operation *op) const {
  auto p = cast<tosa::MaxPool2dOp>(op);
  auto k = p.getKernel();
  return scalarCost(op, "pool", p.getOutput(), k[0] * k[1]); // one compare per tap
}

template <>
LayerCost CostModel<tosa::AvgPool2dOp>::getLayerCost(Operation *op) const {
  auto p = cast<tosa::AvgPool2dOp>(op);
  auto k = p.getKernel();
  // One add per tap (the first is the initial value), one multiply by 1/count.
  LayerCost c = scalarCost(op, "pool", p.getOutput(), k[0] * k[1]);
  c.weightBytes = c.floatWeightBytes = 0; // the zero points
  return c;
}

template <typename ReduceOp>
struct ReduceCost
    : bnn::BNNCostOpInterface::ExternalModel<ReduceCost<ReduceOp>, ReduceOp> {
  LayerCost getLayerCost(Operation *op) const {
    return scalarCost(op, "reduce", op->getOperand(0), 1); // one per input element
  }
};

/// linalg.generic: element-wise math (batch-norm, adds, activations, quantization) and the
/// reductions the importer writes by hand. One scalar op per body op per iteration.
struct GenericCost : bnn::BNNCostOpInterface::ExternalModel<GenericCost, linalg::GenericOp> {
  LayerCost getLayerCost(Operation *op) const {
    auto g = cast<linalg::GenericOp>(op);
    LayerCost c;
    c.kind = g.getNumReductionLoops() ? "reduce" : "elementwise";
    int64_t iterations = 1;
    for (int64_t r : g.getStaticLoopRanges())
      iterations = ShapedType::isDynamic(r) ? 0 : iterations * r;
    int64_t bodyOps = 0;
    g.getRegion().walk([&](Operation *inner) {
      if (!isa<linalg::YieldOp, arith::ConstantOp, linalg::IndexOp>(inner))
        ++bodyOps;
    });
    c.scalarOps = iterations * bodyOps;
    addOperandBytes(c, g.getDpsInputs());
    addResultBytes(c, op);
    c.inputShape = runtimeShape(g.getDpsInputs());
    c.outputShape = op->getNumResults() ? shapeOf(op->getResult(0)) : std::vector<int64_t>{};
    return c;
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Operand bit widths
//===----------------------------------------------------------------------===//

unsigned bnnc::nominalActivationBits(Value v) {
  if (bnn::whyNotTernary(v).empty())
    return 1;
  Operation *def = v.getDefiningOp();
  if (!def)
    return 16;
  // Ops that move values keep their width.
  if (isa<tensor::ExtractSliceOp, tensor::PadOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
          tosa::ReshapeOp, tosa::TransposeOp, tosa::MaxPool2dOp, tosa::SliceOp, tosa::PadOp>(def))
    return nominalActivationBits(def->getOperand(0));
  if (auto concat = dyn_cast<tosa::ConcatOp>(def)) {
    unsigned bits = 0;
    for (Value in : concat.getInput1())
      bits = std::max(bits, nominalActivationBits(in));
    return bits;
  }
  if (auto q = dyn_cast<bnn::QuantOp>(def))
    return q.getBitwidth() >= 16 ? 16 : static_cast<unsigned>(q.getBitwidth());
  if (auto mt = dyn_cast<bnn::MultiThresholdOp>(def)) {
    int64_t levels = shapeOf(mt.getThresholds()).back() + 1;
    unsigned bits = 1;
    while ((int64_t(1) << bits) < levels)
      ++bits;
    return std::min(bits, 16u);
  }
  // DequantizeLinear: a float result computed from a runtime integer tensor of N <= 16 bits.
  if (auto g = dyn_cast<linalg::GenericOp>(def)) {
    if (!isa<FloatType>(getElementTypeOrSelf(v.getType())))
      return 16;
    unsigned bits = 0;
    for (Value in : g.getDpsInputs()) {
      Type e = getElementTypeOrSelf(in.getType());
      if (!isConstant(in) && e.isInteger() && e.getIntOrFloatBitWidth() <= 16)
        bits = std::max(bits, e.getIntOrFloatBitWidth());
      else if (!isConstant(in))
        return 16; // mixes in a float runtime operand
    }
    return bits ? bits : 16;
  }
  return 16;
}

int64_t bnnc::uniformGridLevels(ArrayRef<float> values, int64_t maxLevels) {
  std::vector<float> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.empty())
    return 0;
  if (v.size() == 1)
    return 1;
  for (float f : v)
    if (!std::isfinite(f))
      return 0;
  double lo = v.front(), hi = v.back(), minDiff = hi - lo;
  for (size_t i = 1; i < v.size(); ++i)
    minDiff = std::min(minDiff, double(v[i]) - double(v[i - 1]));
  // The step divides the smallest difference: try minDiff / k for k = 1, 2, ... as long as the
  // grid has at most maxLevels levels (random floats end this at once: their smallest
  // difference is tiny next to their range).
  for (int64_t k = 1;; ++k) {
    double step = minDiff / double(k);
    // Compared as a double: a ratio beyond int64's range (a huge range over a tiny difference)
    // would make llround's result meaningless and the loop endless.
    double ratio = (hi - lo) / step;
    if (!(ratio + 1 <= double(maxLevels)))
      return 0;
    int64_t top = std::llround(ratio);
    // Refine the step over the whole range, which the rounding of a single difference would
    // misjudge for wide grids.
    step = (hi - lo) / double(top);
    bool onGrid = true;
    for (float f : v) {
      double q = (double(f) - lo) / step;
      if (std::fabs(q - std::round(q)) > 1e-3) {
        onGrid = false;
        break;
      }
    }
    if (onGrid)
      return top + 1;
  }
}

unsigned bnnc::nominalWeightBits(ArrayRef<float> values, int64_t channels, int64_t innerStride) {
  if (values.empty() || channels <= 0)
    return 16;
  std::vector<std::vector<float>> perChannel(channels);
  for (size_t i = 0; i < values.size(); ++i)
    perChannel[(int64_t(i) / innerStride) % channels].push_back(values[i]);
  // +-alpha per output channel: bnn-fuse-binary-layers' own test.
  size_t perChannelSize = perChannel[0].size();
  bool uniform = std::all_of(perChannel.begin(), perChannel.end(),
                             [&](const auto &ch) { return ch.size() == perChannelSize; });
  bnn::BinaryWeights packed;
  if (uniform && perChannelSize > 0 &&
      !bnn::classifyBinaryWeights(
          channels, 1, static_cast<int64_t>(perChannelSize),
          [&](int64_t o, int64_t, int64_t i) { return perChannel[o][i]; }, packed))
    return 1;
  auto widthOf = [](int64_t levels) -> unsigned {
    if (levels <= 0 || levels > 256)
      return 16;
    return levels <= 2 ? 1 : levels <= 4 ? 2 : levels <= 16 ? 4 : 8;
  };
  // One grid for the tensor (a per-tensor scale) ...
  if (unsigned bits = widthOf(uniformGridLevels(values, 256)); bits <= 8)
    return bits;
  // ... or one per output channel (per-axis scales), when every channel says enough.
  unsigned bits = 0;
  for (const auto &ch : perChannel) {
    if (ch.size() < 3)
      return 16;
    bits = std::max(bits, widthOf(uniformGridLevels(ch, 256)));
  }
  return bits <= 8 ? bits : 16;
}

void bnnc::registerCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, bnn::BNNDialect *) {
    bnn::BConv2DOp::attachInterface<CostModel<bnn::BConv2DOp>>(*ctx);
    bnn::BMatMulOp::attachInterface<CostModel<bnn::BMatMulOp>>(*ctx);
    bnn::BMatMulActOp::attachInterface<CostModel<bnn::BMatMulActOp>>(*ctx);
    bnn::BDepthwiseConv2DOp::attachInterface<CostModel<bnn::BDepthwiseConv2DOp>>(*ctx);
    bnn::OutputTransformOp::attachInterface<CostModel<bnn::OutputTransformOp>>(*ctx);
    bnn::ThresholdOp::attachInterface<CostModel<bnn::ThresholdOp>>(*ctx);
    bnn::BinarizeOp::attachInterface<CostModel<bnn::BinarizeOp>>(*ctx);
    bnn::SignOp::attachInterface<CostModel<bnn::SignOp>>(*ctx);
    bnn::BipolarSignOp::attachInterface<CostModel<bnn::BipolarSignOp>>(*ctx);
    bnn::QuantOp::attachInterface<CostModel<bnn::QuantOp>>(*ctx);
    bnn::MultiThresholdOp::attachInterface<CostModel<bnn::MultiThresholdOp>>(*ctx);
    bnn::PackOp::attachInterface<CostModel<bnn::PackOp>>(*ctx);
    bnn::ConcatPackedOp::attachInterface<CostModel<bnn::ConcatPackedOp>>(*ctx);
    bnn::BMaxPool2DOp::attachInterface<CostModel<bnn::BMaxPool2DOp>>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::Conv2DOp::attachInterface<CostModel<tosa::Conv2DOp>>(*ctx);
    tosa::DepthwiseConv2DOp::attachInterface<CostModel<tosa::DepthwiseConv2DOp>>(*ctx);
    tosa::TransposeConv2DOp::attachInterface<CostModel<tosa::TransposeConv2DOp>>(*ctx);
    tosa::MatMulOp::attachInterface<CostModel<tosa::MatMulOp>>(*ctx);
    tosa::MaxPool2dOp::attachInterface<CostModel<tosa::MaxPool2dOp>>(*ctx);
    tosa::AvgPool2dOp::attachInterface<CostModel<tosa::AvgPool2dOp>>(*ctx);
    tosa::ReduceSumOp::attachInterface<ReduceCost<tosa::ReduceSumOp>>(*ctx);
    tosa::ReduceMaxOp::attachInterface<ReduceCost<tosa::ReduceMaxOp>>(*ctx);
    tosa::ReduceMinOp::attachInterface<ReduceCost<tosa::ReduceMinOp>>(*ctx);
    tosa::ReduceProductOp::attachInterface<ReduceCost<tosa::ReduceProductOp>>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    linalg::GenericOp::attachInterface<GenericCost>(*ctx);
  });
}

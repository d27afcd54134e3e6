//===- ElementwiseChain.cpp - element-wise DAGs as scalar functions -*- C++ -*-===//
#include "passes/ElementwiseChain.h"

#include "dialects/BNN/BNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace bnn {
namespace {

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

/// A constant operand usable in a chain: it may vary along the innermost loop axis only.
bool isChannelConstant(DenseElementsAttr attr, AffineMap map, unsigned loops) {
  if (!attr.getElementType().isIntOrFloat())
    return false;
  auto shape = attr.getType().getShape();
  for (unsigned j = 0; j < map.getNumResults(); ++j) {
    AffineExpr e = map.getResult(j);
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      if (d.getPosition() != loops - 1 && shape[j] != 1)
        return false;
    } else if (!isa<AffineConstantExpr>(e)) {
      return false;
    }
  }
  return true;
}

bool isEvaluableBodyOp(Operation &op) {
  return isa<arith::ConstantOp, arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
             arith::MinNumFOp, arith::CmpFOp, arith::SelectOp, arith::UIToFPOp, arith::SIToFPOp,
             arith::ExtUIOp, arith::AndIOp, arith::OrIOp, arith::XOrIOp, math::AbsFOp,
             math::RoundEvenOp, math::FloorOp, math::CeilOp, math::TruncOp, math::SqrtOp,
             math::ExpOp, math::LogOp, math::TanhOp, math::PowFOp, linalg::YieldOp>(op);
}

double scalarOf(DenseElementsAttr attr, int64_t flat) {
  if (attr.isSplat())
    flat = 0;
  if (isa<FloatType>(attr.getElementType()))
    return (*(attr.getValues<APFloat>().begin() + flat)).convertToDouble();
  return static_cast<double>((*(attr.getValues<APInt>().begin() + flat)).getSExtValue());
}

/// The constant's value for the element of innermost index `channel` (other indices 0).
double channelValue(DenseElementsAttr attr, AffineMap map, int64_t channel, unsigned loops) {
  auto shape = attr.getType().getShape();
  int64_t flat = 0;
  for (unsigned j = 0; j < map.getNumResults(); ++j) {
    int64_t idx = 0;
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(j)))
      idx = d.getPosition() == loops - 1 && shape[j] != 1 ? channel : 0;
    flat = flat * shape[j] + idx;
  }
  return scalarOf(attr, flat);
}

/// Channel count a constant distinguishes (its size along the axis mapped to the innermost loop).
int64_t channelsOf(DenseElementsAttr attr, AffineMap map, unsigned loops) {
  auto shape = attr.getType().getShape();
  for (unsigned j = 0; j < map.getNumResults(); ++j)
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(j)))
      if (d.getPosition() == loops - 1 && !attr.isSplat())
        return shape[j];
  return 1;
}

/// Identity-layout constant of a bnn op operand: same rank as the input, broadcast on size-1 axes.
AffineMap trailingMap(MLIRContext *ctx, int64_t rank) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx);
}

float f32(double v) { return static_cast<float>(v); }

/// The non-constant operands a chain link reads.
SmallVector<Value> runtimeOperands(Operation *op) {
  SmallVector<Value> result;
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    for (Value in : generic.getDpsInputs())
      if (!constantOf(in))
        result.push_back(in);
    return result;
  }
  result.push_back(op->getOperand(0));
  return result;
}

} // namespace

bool isChainLink(Operation *op) {
  if (!op || op->getNumResults() != 1)
    return false;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType)
    return false;
  unsigned rank = resultType.getRank();
  if (isa<SignOp, BipolarSignOp, BinarizeOp>(op))
    return true;
  if (auto q = dyn_cast<QuantOp>(op)) {
    for (Value p : {q.getScale(), q.getZeroPoint()}) {
      auto c = constantOf(p);
      if (!c || rank == 0 || !isChannelConstant(c, trailingMap(op->getContext(), rank), rank))
        return false;
    }
    return true;
  }
  if (auto mt = dyn_cast<MultiThresholdOp>(op)) {
    auto t = constantOf(mt.getThresholds());
    return t && (t.getType().getDimSize(0) == 1 ||
                 static_cast<int64_t>(mt.getChannelAxis()) == static_cast<int64_t>(rank) - 1);
  }
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() || generic.getNumLoops() != rank)
    return false;
  unsigned runtime = 0;
  for (OpOperand *in : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(in);
    if (auto c = constantOf(in->get())) {
      if (!isChannelConstant(c, map, rank))
        return false;
      continue;
    }
    auto inType = dyn_cast<RankedTensorType>(in->get().getType());
    if (!map.isIdentity() || !inType || inType.getShape() != resultType.getShape())
      return false;
    ++runtime;
  }
  if (runtime == 0)
    return false;
  for (Operation &bodyOp : generic.getRegion().front()) {
    if (!isEvaluableBodyOp(bodyOp))
      return false;
    // Values from outside the body must be scalar constants.
    for (Value operand : bodyOp.getOperands())
      if (operand.getParentRegion() != &generic.getRegion() && !matchPattern(operand, m_Constant()))
        return false;
  }
  // The output's initial value must not be read (element-wise, not an accumulation).
  Value outArg = generic.getRegion().front().getArguments().back();
  return outArg.use_empty();
}

std::optional<ElementwiseChain> ElementwiseChain::build(Value result, Value source) {
  ElementwiseChain chain;
  chain.result = result;
  chain.source = source;
  llvm::DenseSet<Operation *> visited;
  bool ok = true;
  std::function<void(Value)> visit = [&](Value v) {
    if (!ok || v == chain.source)
      return;
    Operation *def = v.getDefiningOp();
    if (def && constantOf(v))
      return;
    if (!def || !isChainLink(def)) {
      if (!chain.source)
        chain.source = v;
      else if (chain.source != v)
        ok = false;
      return;
    }
    if (!visited.insert(def).second)
      return;
    for (Value operand : runtimeOperands(def))
      visit(operand);
    chain.ops.push_back(def); // post-order: producers first
  };
  if (auto *def = result.getDefiningOp(); !def || !isChainLink(def))
    return std::nullopt;
  visit(result);
  if (!ok || !chain.source || chain.ops.empty())
    return std::nullopt;
  // Channel count from the constants.
  for (Operation *op : chain.ops) {
    unsigned rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      for (OpOperand *in : generic.getDpsInputOperands())
        if (auto c = constantOf(in->get()))
          chain.channels = std::max(chain.channels, channelsOf(c, generic.getMatchingIndexingMap(in), rank));
    } else if (auto q = dyn_cast<QuantOp>(op)) {
      for (Value p : {q.getScale(), q.getZeroPoint()})
        chain.channels = std::max(chain.channels, channelsOf(constantOf(p), trailingMap(op->getContext(), rank), rank));
    } else if (auto mt = dyn_cast<MultiThresholdOp>(op)) {
      chain.channels = std::max(chain.channels, constantOf(mt.getThresholds()).getType().getDimSize(0));
    } else if (auto b = dyn_cast<BinarizeOp>(op)) {
      chain.channels = std::max<int64_t>(chain.channels, b.getThresholds().getNumElements());
    }
  }
  return chain;
}

namespace {

/// Interprets one chain link on scalars.
std::optional<double> evalLink(Operation *op, llvm::DenseMap<Value, double> &values,
                               int64_t channel) {
  auto in = [&](Value v) { return values.lookup(v); };
  unsigned rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
  if (auto s = dyn_cast<SignOp>(op)) {
    float x = f32(in(s.getInput()));
    return std::isnan(x) ? x : (x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0);
  }
  if (auto s = dyn_cast<BipolarSignOp>(op))
    return f32(in(s.getInput())) >= 0 ? 1.0 : -1.0;
  if (auto b = dyn_cast<BinarizeOp>(op)) {
    float x = f32(in(b.getInput()));
    auto t = b.getThresholds().getValues<float>();
    float th = t.size() == 1 ? t[0] : t[channel];
    return x > th ? 1.0 : x < th ? -1.0 : b.getTieValue();
  }
  if (auto q = dyn_cast<QuantOp>(op)) {
    AffineMap map = trailingMap(op->getContext(), rank);
    float s = f32(channelValue(constantOf(q.getScale()), map, channel, rank));
    float z = f32(channelValue(constantOf(q.getZeroPoint()), map, channel, rank));
    float v = f32(f32(in(q.getInput())) / s) + z;
    if (q.getIsSigned() && q.getBitwidth() == 1) {
      v = v >= 0 ? 1.0f : -1.0f;
    } else {
      v = std::min(std::max(v, f32(q.getQMin())), f32(q.getQMax()));
      switch (q.getRoundingMode()) {
      case RoundingMode::ROUND: v = std::nearbyint(v); break;
      case RoundingMode::CEIL: v = std::ceil(v); break;
      case RoundingMode::FLOOR: v = std::floor(v); break;
      case RoundingMode::ROUND_TO_ZERO: v = std::trunc(v); break;
      }
    }
    return f32(f32(v - z) * s);
  }
  if (auto mt = dyn_cast<MultiThresholdOp>(op)) {
    auto t = constantOf(mt.getThresholds());
    int64_t rows = t.getType().getDimSize(0), cols = t.getType().getDimSize(1);
    int64_t row = rows == 1 ? 0 : channel;
    float x = f32(in(mt.getInput()));
    float count = 0;
    for (int64_t b = 0; b < cols; ++b)
      count += x >= f32(scalarOf(t, row * cols + b)) ? 1.0f : 0.0f;
    return f32(f32(mt.getOutScale().convertToFloat() * count) + mt.getOutBias().convertToFloat());
  }
  auto generic = cast<linalg::GenericOp>(op);
  Block &body = generic.getRegion().front();
  llvm::DenseMap<Value, double> local;
  for (OpOperand *operand : generic.getDpsInputOperands()) {
    Value arg = body.getArgument(operand->getOperandNumber());
    if (auto c = constantOf(operand->get()))
      local[arg] = channelValue(c, generic.getMatchingIndexingMap(operand), channel, rank);
    else
      local[arg] = in(operand->get());
  }
  bool unknown = false;
  auto get = [&](Value v) -> double {
    auto it = local.find(v);
    if (it != local.end())
      return it->second;
    // A scalar constant defined outside the body (canonicalization hoists them).
    Attribute attr;
    if (matchPattern(v, m_Constant(&attr))) {
      if (auto f = dyn_cast<FloatAttr>(attr))
        return f.getValueAsDouble();
      if (auto i = dyn_cast<IntegerAttr>(attr))
        return static_cast<double>(i.getValue().getSExtValue());
    }
    unknown = true;
    return 0.0;
  };
  for (Operation &bodyOp : body) {
    double r = 0;
    if (auto y = dyn_cast<linalg::YieldOp>(bodyOp)) {
      double r = get(y.getOperand(0));
      if (unknown)
        return std::nullopt;
      return r;
    }
    if (auto c = dyn_cast<arith::ConstantOp>(bodyOp)) {
      if (auto f = dyn_cast<FloatAttr>(c.getValue()))
        r = f.getValueAsDouble();
      else if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        r = static_cast<double>(i.getValue().getSExtValue());
      else
        return std::nullopt;
    } else if (auto o = dyn_cast<arith::AddFOp>(bodyOp)) r = f32(get(o.getLhs())) + f32(get(o.getRhs()));
    else if (auto o = dyn_cast<arith::SubFOp>(bodyOp)) r = f32(get(o.getLhs())) - f32(get(o.getRhs()));
    else if (auto o = dyn_cast<arith::MulFOp>(bodyOp)) r = f32(get(o.getLhs())) * f32(get(o.getRhs()));
    else if (auto o = dyn_cast<arith::DivFOp>(bodyOp)) r = f32(f32(get(o.getLhs())) / f32(get(o.getRhs())));
    else if (auto o = dyn_cast<arith::NegFOp>(bodyOp)) r = -get(o.getOperand());
    else if (auto o = dyn_cast<arith::MaximumFOp>(bodyOp)) { double a = get(o.getLhs()), b = get(o.getRhs()); r = std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); }
    else if (auto o = dyn_cast<arith::MinimumFOp>(bodyOp)) { double a = get(o.getLhs()), b = get(o.getRhs()); r = std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); }
    else if (auto o = dyn_cast<arith::MaxNumFOp>(bodyOp)) r = std::fmax(get(o.getLhs()), get(o.getRhs()));
    else if (auto o = dyn_cast<arith::MinNumFOp>(bodyOp)) r = std::fmin(get(o.getLhs()), get(o.getRhs()));
    else if (auto o = dyn_cast<arith::CmpFOp>(bodyOp)) {
      double a = get(o.getLhs()), b = get(o.getRhs());
      bool unordered = std::isnan(a) || std::isnan(b);
      switch (o.getPredicate()) {
      case arith::CmpFPredicate::OGT: r = !unordered && a > b; break;
      case arith::CmpFPredicate::OGE: r = !unordered && a >= b; break;
      case arith::CmpFPredicate::OLT: r = !unordered && a < b; break;
      case arith::CmpFPredicate::OLE: r = !unordered && a <= b; break;
      case arith::CmpFPredicate::OEQ: r = !unordered && a == b; break;
      case arith::CmpFPredicate::UNE: r = unordered || a != b; break;
      default: return std::nullopt;
      }
    } else if (auto o = dyn_cast<arith::SelectOp>(bodyOp)) r = get(o.getCondition()) != 0 ? get(o.getTrueValue()) : get(o.getFalseValue());
    else if (auto o = dyn_cast<arith::UIToFPOp>(bodyOp)) r = get(o.getIn());
    else if (auto o = dyn_cast<arith::SIToFPOp>(bodyOp)) { r = get(o.getIn()); if (o.getIn().getType().isInteger(1) && r != 0) r = -1; }
    else if (auto o = dyn_cast<arith::ExtUIOp>(bodyOp)) r = get(o.getIn());
    else if (auto o = dyn_cast<arith::AndIOp>(bodyOp)) r = (get(o.getLhs()) != 0) && (get(o.getRhs()) != 0);
    else if (auto o = dyn_cast<arith::OrIOp>(bodyOp)) r = (get(o.getLhs()) != 0) || (get(o.getRhs()) != 0);
    else if (auto o = dyn_cast<arith::XOrIOp>(bodyOp)) r = (get(o.getLhs()) != 0) != (get(o.getRhs()) != 0);
    else if (auto o = dyn_cast<math::AbsFOp>(bodyOp)) r = std::fabs(get(o.getOperand()));
    else if (auto o = dyn_cast<math::RoundEvenOp>(bodyOp)) r = std::nearbyint(get(o.getOperand()));
    else if (auto o = dyn_cast<math::FloorOp>(bodyOp)) r = std::floor(get(o.getOperand()));
    else if (auto o = dyn_cast<math::CeilOp>(bodyOp)) r = std::ceil(get(o.getOperand()));
    else if (auto o = dyn_cast<math::TruncOp>(bodyOp)) r = std::trunc(get(o.getOperand()));
    else if (auto o = dyn_cast<math::SqrtOp>(bodyOp)) r = std::sqrt(f32(get(o.getOperand())));
    else if (auto o = dyn_cast<math::ExpOp>(bodyOp)) r = std::exp(f32(get(o.getOperand())));
    else if (auto o = dyn_cast<math::LogOp>(bodyOp)) r = std::log(f32(get(o.getOperand())));
    else if (auto o = dyn_cast<math::TanhOp>(bodyOp)) r = std::tanh(f32(get(o.getOperand())));
    else if (auto o = dyn_cast<math::PowFOp>(bodyOp)) r = std::pow(f32(get(o.getLhs())), f32(get(o.getRhs())));
    else
      return std::nullopt;
    if (isa<FloatType>(bodyOp.getResult(0).getType()))
      r = f32(r);
    local[bodyOp.getResult(0)] = r;
  }
  return std::nullopt;
}

} // namespace

std::optional<float> ElementwiseChain::evaluate(float x, int64_t channel) const {
  llvm::DenseMap<Value, double> values;
  values[source] = x;
  for (Operation *op : ops) {
    auto r = evalLink(op, values, channel);
    if (!r)
      return std::nullopt;
    values[op->getResult(0)] = *r;
  }
  return f32(values.lookup(result));
}

namespace {

/// Floats in order as integers: key(a) < key(b) iff a < b (with -0 == +0).
int64_t floatKey(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return (bits & 0x80000000u) ? -static_cast<int64_t>(bits & 0x7fffffffu) : static_cast<int64_t>(bits);
}
float keyFloat(int64_t key) {
  uint32_t bits = key >= 0 ? static_cast<uint32_t>(key) : (0x80000000u | static_cast<uint32_t>(-key));
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

} // namespace

/// Why a value is not known to hold only -1, 0 and +1; empty if it is.
std::string whyNotTernary(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return "activations are a graph input, not binarized";
  if (isa<bnn::BinarizeOp>(def))
    return {};
  // Shape-only ops keep the values.
  if (isa<tensor::ExtractSliceOp, tosa::ReshapeOp, tosa::TransposeOp, tosa::MaxPool2dOp>(def))
    return whyNotTernary(def->getOperand(0));
  if (auto pad = dyn_cast<tensor::PadOp>(def)) {
    Value padValue = pad.getConstantPaddingValue();
    FloatAttr f;
    if (padValue && matchPattern(padValue, m_Constant(&f)) &&
        (f.getValueAsDouble() == 0.0 || std::fabs(f.getValueAsDouble()) == 1.0))
      return whyNotTernary(pad.getSource());
    return "activations are padded with a value other than -1, 0 or +1";
  }
  if (auto concat = dyn_cast<tosa::ConcatOp>(def)) {
    for (Value in : concat.getInput1())
      if (auto why = whyNotTernary(in); !why.empty())
        return why;
    return {};
  }
  // Name the ONNX node the activations come from, when the location knows it.
  std::string name;
  def->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc))
      name = "node '" + named.getName().str() + "'";
    return name.empty() ? WalkResult::advance() : WalkResult::interrupt();
  });
  if (name.empty())
    name = def->getName().getStringRef().str();
  return "activations are not binary (they come from " + name + ", not from a binarizer)";
}

std::optional<StepFunction> classifyStep(const ElementwiseChain &chain) {
  const float range = 1048576.0f; // 2^20
  StepFunction step;
  bool tieSet = false;
  uint64_t lcg = 0x9e3779b97f4a7c15ull;
  auto random01 = [&] {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>((lcg >> 40) & 0xffffff) / 16777216.0f;
  };
  for (int64_t c = 0; c < chain.getNumChannels(); ++c) {
    auto g = [&](float x) { return chain.evaluate(x, c); };
    auto hiV = g(range), loV = g(-range);
    if (!hiV || !loV || !std::isfinite(*hiV) || !(*hiV > 0) || !(*loV < 0))
      return std::nullopt;
    float level = *hiV, tol = 1e-5f * level;
    if (std::fabs(*hiV + *loV) > tol)
      return std::nullopt;
    // Smallest x with g(x) not negative: g(lo) < 0 <= g(hi).
    int64_t lo = floatKey(-range), hi = floatKey(range);
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      auto v = g(keyFloat(mid));
      if (!v)
        return std::nullopt;
      (*v < -level / 2 ? lo : hi) = mid;
    }
    float t = keyFloat(hi);
    auto atT = g(t);
    if (!atT)
      return std::nullopt;
    float tie;
    if (std::fabs(*atT) <= tol)
      tie = 0.0f;
    else if (std::fabs(*atT - level) <= tol)
      tie = 1.0f;
    else
      return std::nullopt;
    // "x >= smallest positive denormal" reads better as "x > 0".
    if (tie == 1.0f && hi == 1) {
      t = 0.0f;
      tie = -1.0f;
    }
    // Check the step on a spread of samples around and away from the threshold.
    std::vector<float> samples = {0.0f, -0.0f, range, -range, t};
    for (int e = -38; e <= 6; ++e)
      for (float s : {1.0f, -1.0f})
        samples.push_back(s * std::pow(10.0f, static_cast<float>(e)));
    for (int k = 1; k <= 4; ++k) {
      samples.push_back(keyFloat(floatKey(t) + k));
      samples.push_back(keyFloat(floatKey(t) - k));
    }
    for (int k = 0; k < 64; ++k) {
      samples.push_back((random01() * 2 - 1) * range);
      samples.push_back(t + (random01() * 2 - 1) * 4.0f);
    }
    for (float x : samples) {
      if (x > range || x < -range)
        continue;
      auto v = g(x);
      float expected = x > t ? level : x < t ? -level : tie * level;
      if (!v || std::fabs(*v - expected) > tol)
        return std::nullopt;
    }
    if (tieSet && tie != step.tie)
      return std::nullopt;
    step.tie = tie;
    tieSet = true;
    step.thresholds.push_back(t);
    step.levels.push_back(level);
  }
  return step;
}

} // namespace bnn

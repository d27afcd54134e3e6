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
    if (visited.size() > kMaxOps) {
      ok = false;
      return;
    }
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
  chain.evaluable = chain.compile();
  return chain;
}

// The chain is compiled once into a straight-line program over registers. Each link's
// operations map one to one onto instructions, and each constant operand becomes a table of its
// values along the channel axis, so an evaluation is a loop over a small array: no IR walk, no
// map lookups and no attribute decoding. Values are held in double, and every float result is
// rounded to float32 as the generated code rounds it; comparisons and booleans are 0 or 1.
bool ElementwiseChain::compile() {
  program.clear();
  tables.clear();
  llvm::DenseMap<Value, int32_t> reg;
  int32_t next = 1;
  reg[source] = 0;
  auto emit = [&](Instr::Kind kind, int32_t a = 0, int32_t b = 0, int32_t c = 0) -> Instr & {
    program.push_back(Instr{});
    Instr &i = program.back();
    i.kind = kind;
    i.dst = next++;
    i.a = a;
    i.b = b;
    i.c = c;
    return i;
  };
  auto table = [&](std::vector<double> values) {
    tables.push_back(std::move(values));
    return static_cast<int32_t>(tables.size() - 1);
  };
  // The table of a channel constant: one entry per channel it distinguishes.
  auto channelTable = [&](DenseElementsAttr attr, AffineMap map, unsigned loops) {
    std::vector<double> values;
    int64_t n = channelsOf(attr, map, loops);
    for (int64_t c = 0; c < n; ++c)
      values.push_back(channelValue(attr, map, c, loops));
    return table(std::move(values));
  };
  // A value read from outside the current body: its register, or 0 like an unset value.
  auto in = [&](Value v) -> int32_t {
    auto it = reg.find(v);
    if (it != reg.end())
      return it->second;
    Instr &zero = emit(Instr::Imm);
    return zero.dst;
  };
  for (Operation *op : ops) {
    unsigned rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    int32_t out = -1;
    if (auto s = dyn_cast<SignOp>(op)) {
      out = emit(Instr::Sign, in(s.getInput())).dst;
    } else if (auto s = dyn_cast<BipolarSignOp>(op)) {
      out = emit(Instr::BipolarSign, in(s.getInput())).dst;
    } else if (auto b = dyn_cast<BinarizeOp>(op)) {
      std::vector<double> t;
      for (float v : b.getThresholds().getValues<float>())
        t.push_back(v);
      Instr &i = emit(Instr::Step, in(b.getInput()));
      i.table = table(std::move(t));
      i.imm = b.getTieValue();
      out = i.dst;
    } else if (auto q = dyn_cast<QuantOp>(op)) {
      AffineMap map = trailingMap(op->getContext(), rank);
      Instr &i = emit(Instr::Quant, in(q.getInput()));
      i.table = channelTable(constantOf(q.getScale()), map, rank);
      i.table2 = channelTable(constantOf(q.getZeroPoint()), map, rank);
      i.mode = q.getIsSigned() && q.getBitwidth() == 1
                   ? 0
                   : static_cast<uint8_t>(1 + static_cast<int>(q.getRoundingMode()));
      i.imm = f32(q.getQMin());
      i.imm2 = f32(q.getQMax());
      out = i.dst;
    } else if (auto mt = dyn_cast<MultiThresholdOp>(op)) {
      auto t = constantOf(mt.getThresholds());
      int64_t rows = t.getType().getDimSize(0), cols = t.getType().getDimSize(1);
      // One table of rows*cols thresholds; the evaluation picks row `channel` (or row 0).
      std::vector<double> values;
      for (int64_t k = 0; k < rows * cols; ++k)
        values.push_back(f32(scalarOf(t, k)));
      Instr &i = emit(Instr::MultiThreshold, in(mt.getInput()));
      i.table = table(std::move(values));
      i.mode = rows == 1 ? 0 : 1;
      i.imm = static_cast<double>(cols);
      i.imm2 = mt.getOutScale().convertToFloat();
      i.imm3 = mt.getOutBias().convertToFloat();
      out = i.dst;
    } else {
      auto generic = cast<linalg::GenericOp>(op);
      Block &body = generic.getRegion().front();
      for (OpOperand *operand : generic.getDpsInputOperands()) {
        Value arg = body.getArgument(operand->getOperandNumber());
        if (auto c = constantOf(operand->get())) {
          Instr &i = emit(Instr::Table);
          i.table = channelTable(c, generic.getMatchingIndexingMap(operand), rank);
          reg[arg] = i.dst;
        } else {
          reg[arg] = in(operand->get());
        }
      }
      // An operand of a body op: a body value, or a scalar constant defined outside the body
      // (canonicalization hoists them).
      auto get = [&](Value v) -> std::optional<int32_t> {
        auto it = reg.find(v);
        if (it != reg.end())
          return it->second;
        Attribute attr;
        if (!matchPattern(v, m_Constant(&attr)))
          return std::nullopt;
        Instr &i = emit(Instr::Imm);
        if (auto f = dyn_cast<FloatAttr>(attr))
          i.imm = f.getValueAsDouble();
        else if (auto n = dyn_cast<IntegerAttr>(attr))
          i.imm = static_cast<double>(n.getValue().getSExtValue());
        else
          return std::nullopt;
        return i.dst;
      };
      for (Operation &bodyOp : body) {
        if (auto y = dyn_cast<linalg::YieldOp>(bodyOp)) {
          auto r = get(y.getOperand(0));
          if (!r)
            return false;
          out = *r;
          break;
        }
        if (auto c = dyn_cast<arith::ConstantOp>(bodyOp)) {
          Instr &i = emit(Instr::Imm);
          if (auto f = dyn_cast<FloatAttr>(c.getValue()))
            i.imm = f.getValueAsDouble();
          else if (auto n = dyn_cast<IntegerAttr>(c.getValue()))
            i.imm = static_cast<double>(n.getValue().getSExtValue());
          else
            return false;
          reg[c.getResult()] = i.dst;
          continue;
        }
        Instr::Kind kind;
        if (isa<arith::AddFOp>(bodyOp)) kind = Instr::Add;
        else if (isa<arith::SubFOp>(bodyOp)) kind = Instr::Sub;
        else if (isa<arith::MulFOp>(bodyOp)) kind = Instr::Mul;
        else if (isa<arith::DivFOp>(bodyOp)) kind = Instr::Div;
        else if (isa<arith::NegFOp>(bodyOp)) kind = Instr::Neg;
        else if (isa<arith::MaximumFOp>(bodyOp)) kind = Instr::Maximum;
        else if (isa<arith::MinimumFOp>(bodyOp)) kind = Instr::Minimum;
        else if (isa<arith::MaxNumFOp>(bodyOp)) kind = Instr::MaxNum;
        else if (isa<arith::MinNumFOp>(bodyOp)) kind = Instr::MinNum;
        else if (auto o = dyn_cast<arith::CmpFOp>(bodyOp)) {
          switch (o.getPredicate()) {
          case arith::CmpFPredicate::OGT: kind = Instr::CmpGT; break;
          case arith::CmpFPredicate::OGE: kind = Instr::CmpGE; break;
          case arith::CmpFPredicate::OLT: kind = Instr::CmpLT; break;
          case arith::CmpFPredicate::OLE: kind = Instr::CmpLE; break;
          case arith::CmpFPredicate::OEQ: kind = Instr::CmpEQ; break;
          case arith::CmpFPredicate::UNE: kind = Instr::CmpUNE; break;
          default: return false;
          }
        }
        else if (isa<arith::SelectOp>(bodyOp)) kind = Instr::Select;
        else if (isa<arith::UIToFPOp, arith::ExtUIOp>(bodyOp)) kind = Instr::Copy;
        else if (auto o = dyn_cast<arith::SIToFPOp>(bodyOp))
          kind = o.getIn().getType().isInteger(1) ? Instr::BoolToMinusOne : Instr::Copy;
        else if (isa<arith::AndIOp>(bodyOp)) kind = Instr::And;
        else if (isa<arith::OrIOp>(bodyOp)) kind = Instr::Or;
        else if (isa<arith::XOrIOp>(bodyOp)) kind = Instr::XOr;
        else if (isa<math::AbsFOp>(bodyOp)) kind = Instr::Abs;
        else if (isa<math::RoundEvenOp>(bodyOp)) kind = Instr::RoundEven;
        else if (isa<math::FloorOp>(bodyOp)) kind = Instr::Floor;
        else if (isa<math::CeilOp>(bodyOp)) kind = Instr::Ceil;
        else if (isa<math::TruncOp>(bodyOp)) kind = Instr::Trunc;
        else if (isa<math::SqrtOp>(bodyOp)) kind = Instr::Sqrt;
        else if (isa<math::ExpOp>(bodyOp)) kind = Instr::Exp;
        else if (isa<math::LogOp>(bodyOp)) kind = Instr::Log;
        else if (isa<math::TanhOp>(bodyOp)) kind = Instr::Tanh;
        else if (isa<math::PowFOp>(bodyOp)) kind = Instr::Pow;
        else
          return false;
        int32_t operands[3] = {0, 0, 0};
        if (bodyOp.getNumOperands() > 3)
          return false;
        for (auto [k, operand] : llvm::enumerate(bodyOp.getOperands())) {
          auto r = get(operand);
          if (!r)
            return false;
          operands[k] = *r;
        }
        Instr &i = emit(kind, operands[0], operands[1], operands[2]);
        i.roundToF32 = isa<FloatType>(bodyOp.getResult(0).getType());
        reg[bodyOp.getResult(0)] = i.dst;
      }
      if (out < 0)
        return false;
    }
    reg[op->getResult(0)] = out;
  }
  auto it = reg.find(result);
  if (it == reg.end())
    return false;
  resultRegister = it->second;
  numRegisters = next;
  return true;
}

std::optional<float> ElementwiseChain::evaluate(float x, int64_t channel) const {
  if (!evaluable)
    return std::nullopt;
  llvm::SmallVector<double, 64> r(numRegisters, 0.0);
  r[0] = x;
  auto at = [&](int32_t t) {
    const std::vector<double> &v = tables[t];
    return v.size() == 1 ? v[0] : v[channel];
  };
  for (const Instr &i : program) {
    double a = r[i.a], b = r[i.b], v = 0;
    bool unordered = std::isnan(a) || std::isnan(b);
    switch (i.kind) {
    case Instr::Imm: v = i.imm; break;
    case Instr::Table: v = at(i.table); break;
    case Instr::Copy: v = a; break;
    case Instr::Sign: {
      float s = f32(a);
      v = std::isnan(s) ? s : (s > 0 ? 1.0 : s < 0 ? -1.0 : 0.0);
      break;
    }
    case Instr::BipolarSign: v = f32(a) >= 0 ? 1.0 : -1.0; break;
    case Instr::Step: {
      float s = f32(a), th = static_cast<float>(at(i.table));
      v = s > th ? 1.0 : s < th ? -1.0 : i.imm;
      break;
    }
    case Instr::Quant: {
      float s = f32(at(i.table)), z = f32(at(i.table2));
      float q = f32(f32(a) / s) + z;
      if (i.mode == 0) {
        q = q >= 0 ? 1.0f : -1.0f;
      } else {
        q = std::min(std::max(q, f32(i.imm)), f32(i.imm2));
        switch (static_cast<RoundingMode>(i.mode - 1)) {
        case RoundingMode::ROUND: q = std::nearbyint(q); break;
        case RoundingMode::CEIL: q = std::ceil(q); break;
        case RoundingMode::FLOOR: q = std::floor(q); break;
        case RoundingMode::ROUND_TO_ZERO: q = std::trunc(q); break;
        }
      }
      v = f32(f32(q - z) * s);
      break;
    }
    case Instr::MultiThreshold: {
      int64_t cols = static_cast<int64_t>(i.imm), row = i.mode ? channel : 0;
      const std::vector<double> &t = tables[i.table];
      float s = f32(a), count = 0;
      for (int64_t k = 0; k < cols; ++k)
        count += s >= static_cast<float>(t[row * cols + k]) ? 1.0f : 0.0f;
      v = f32(f32(f32(i.imm2) * count) + f32(i.imm3));
      break;
    }
    case Instr::Add: v = f32(a) + f32(b); break;
    case Instr::Sub: v = f32(a) - f32(b); break;
    case Instr::Mul: v = f32(a) * f32(b); break;
    case Instr::Div: v = f32(f32(a) / f32(b)); break;
    case Instr::Neg: v = -a; break;
    case Instr::Maximum: v = unordered ? NAN : std::max(a, b); break;
    case Instr::Minimum: v = unordered ? NAN : std::min(a, b); break;
    case Instr::MaxNum: v = std::fmax(a, b); break;
    case Instr::MinNum: v = std::fmin(a, b); break;
    case Instr::CmpGT: v = !unordered && a > b; break;
    case Instr::CmpGE: v = !unordered && a >= b; break;
    case Instr::CmpLT: v = !unordered && a < b; break;
    case Instr::CmpLE: v = !unordered && a <= b; break;
    case Instr::CmpEQ: v = !unordered && a == b; break;
    case Instr::CmpUNE: v = unordered || a != b; break;
    case Instr::Select: v = a != 0 ? b : r[i.c]; break;
    case Instr::BoolToMinusOne: v = a != 0 ? -1.0 : 0.0; break;
    case Instr::And: v = (a != 0) && (b != 0); break;
    case Instr::Or: v = (a != 0) || (b != 0); break;
    case Instr::XOr: v = (a != 0) != (b != 0); break;
    case Instr::Abs: v = std::fabs(a); break;
    case Instr::RoundEven: v = std::nearbyint(a); break;
    case Instr::Floor: v = std::floor(a); break;
    case Instr::Ceil: v = std::ceil(a); break;
    case Instr::Trunc: v = std::trunc(a); break;
    case Instr::Sqrt: v = std::sqrt(f32(a)); break;
    case Instr::Exp: v = std::exp(f32(a)); break;
    case Instr::Log: v = std::log(f32(a)); break;
    case Instr::Tanh: v = std::tanh(f32(a)); break;
    case Instr::Pow: v = std::pow(f32(a), f32(b)); break;
    }
    r[i.dst] = i.roundToF32 ? f32(v) : v;
  }
  return f32(r[resultRegister]);
}

bool ElementwiseChain::isAffineByConstruction() const {
  if (!evaluable)
    return false;
  // Abstract interpretation over the registers: each holds a value constant in x, affine in x,
  // or something else. Constant op constant is constant for every op; an affine value stays
  // affine only through +, - (with a constant or another affine value), negation, and * or /
  // by a constant.
  enum State : uint8_t { Constant, Affine, Other };
  std::vector<State> st(numRegisters, Constant);
  st[0] = Affine;
  auto join = [](State x, State y) { return std::max(x, y); };
  for (const Instr &i : program) {
    State a = st[i.a], b = st[i.b], out = Other;
    switch (i.kind) {
    case Instr::Imm:
    case Instr::Table: out = Constant; break;
    case Instr::Copy:
    case Instr::Neg: out = a; break;
    case Instr::Add:
    case Instr::Sub: out = join(a, b); break;
    case Instr::Mul: out = a == Constant ? b : b == Constant ? a : Other; break;
    case Instr::Div: out = b == Constant ? a : Other; break;
    case Instr::Select: out = join(join(a, b), st[i.c]) == Constant ? Constant : Other; break;
    case Instr::Maximum: case Instr::Minimum: case Instr::MaxNum: case Instr::MinNum:
    case Instr::CmpGT: case Instr::CmpGE: case Instr::CmpLT: case Instr::CmpLE: case Instr::CmpEQ:
    case Instr::CmpUNE: case Instr::And: case Instr::Or: case Instr::XOr: case Instr::Pow:
      out = join(a, b) == Constant ? Constant : Other;
      break;
    default: // the one-operand ops (and the table-reading binarizers): constant in, constant out
      out = a == Constant ? Constant : Other;
      break;
    }
    st[i.dst] = out;
  }
  return st[resultRegister] != Other;
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

/// A float tensor of 0s and 1s: the element-wise conversion of a boolean (a comparison cast to
/// float: uitofp of i1), or a select between the constants 0 and 1. Such values are ternary
/// (packed with sign 0 and the value as mask), as attention masks binarized to {0, 1} are.
static bool zeroOneValued(Operation *def) {
  auto g = dyn_cast<linalg::GenericOp>(def);
  if (!g || g.getNumResults() != 1 ||
      !cast<RankedTensorType>(g.getResult(0).getType()).getElementType().isF32())
    return false;
  auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
  Operation *y = yield.getOperand(0).getDefiningOp();
  if (!y || y->getBlock() != g.getBody())
    return false;
  if (auto cast = dyn_cast<arith::UIToFPOp>(y))
    return cast.getIn().getType().isInteger(1);
  if (auto sel = dyn_cast<arith::SelectOp>(y)) {
    auto isConst = [](Value v, double want) {
      FloatAttr f;
      return matchPattern(v, m_Constant(&f)) && f.getValueAsDouble() == want;
    };
    return (isConst(sel.getTrueValue(), 1.0) && isConst(sel.getFalseValue(), 0.0)) ||
           (isConst(sel.getTrueValue(), 0.0) && isConst(sel.getFalseValue(), 1.0));
  }
  return false;
}

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
  if (zeroOneValued(def))
    return {};
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(def)) {
    // Values placed into a tensor of zeros (a transposed conv's zero-upsampled input).
    auto fill = insert.getDest().getDefiningOp<linalg::FillOp>();
    FloatAttr f;
    if (fill && matchPattern(fill.getInputs()[0], m_Constant(&f)) && f.getValueAsDouble() == 0.0)
      return whyNotTernary(insert.getSource());
    return "activations are inserted into a tensor that is not all zeros";
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

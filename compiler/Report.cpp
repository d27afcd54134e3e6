//===- Report.cpp - the cost report of a compiled model ---------*- C++ -*-===//
#include "compiler/Report.h"

#include "compiler/Pipeline.h"
#include "dialects/BNN/BNNCostInterface.h"
#include "passes/ArenaPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace mlir;

namespace bnnc {

//===----------------------------------------------------------------------===//
// Collecting
//===----------------------------------------------------------------------===//

namespace {

/// The ONNX node names behind a location, in order, without repeats.
std::vector<std::string> nodeNames(Location loc) {
  std::vector<std::string> names;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      std::string n = named.getName().str();
      if (std::find(names.begin(), names.end(), n) == names.end())
        names.push_back(n);
    }
    return WalkResult::advance();
  });
  return names;
}

int64_t tensorBytes(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape())
    return 0;
  Type e = t.getElementType();
  int64_t bits = e.isIntOrFloat() ? e.getIntOrFloatBitWidth() : 64;
  return t.getNumElements() * ((bits + 7) / 8);
}

/// Peak of the live runtime tensors of `func`'s body, in program order. A reshape's or slice's
/// result shares its operand's buffer; constants and tensor.empty (a linalg op's init, whose
/// buffer is its result's) hold no activation.
int64_t peakActivations(func::FuncOp func) {
  if (func.isExternal())
    return 0;
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t n = 0;
  for (Operation &op : body)
    position[&op] = n++;
  llvm::DenseMap<Value, Value> root;
  // Live ranges in body positions; the arguments are live from before the first op (-1).
  llvm::DenseMap<Value, bnn::ArenaBuffer> buffers;
  auto rootOf = [&](Value v) {
    auto it = root.find(v);
    return it == root.end() ? v : it->second;
  };
  auto live = [](int64_t bytes, int64_t at) {
    return bnn::ArenaBuffer{static_cast<uint64_t>(bytes), at, at, 1};
  };
  for (BlockArgument arg : body.getArguments())
    buffers[arg] = live(tensorBytes(arg), -1);
  for (Operation &op : body) {
    if (matchPattern(&op, m_Constant()) || isa<tensor::EmptyOp>(op))
      continue;
    if (isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
            tensor::ExtractSliceOp>(op)) {
      root[op.getResult(0)] = rootOf(op.getOperand(0));
      continue;
    }
    for (Value r : op.getResults())
      if (isa<RankedTensorType>(r.getType()))
        buffers[r] = live(tensorBytes(r), position[&op]);
  }
  // Last uses (anything used by the terminator lives to the end).
  for (Operation &op : body)
    for (Value v : op.getOperands()) {
      auto it = buffers.find(rootOf(v));
      if (it != buffers.end())
        it->second.last = std::max(it->second.last, position[&op]);
    }
  std::vector<bnn::ArenaBuffer> ranges;
  for (auto &entry : buffers)
    ranges.push_back(entry.second);
  return static_cast<int64_t>(bnn::peakLiveBytes(ranges));
}

void addToTotals(ReportTotals &t, const ReportLayer &l) {
  t.macs += l.cost.macs;
  t.ace += l.ace;
  t.aceExecuted += l.aceExecuted;
  t.bops += l.bops;
  t.flops += l.flops;
  t.ops += l.ops;
  if (l.cost.isBinary())
    t.binaryMacs += l.cost.macs;
  t.scalarOps += l.cost.scalarOps;
  t.weightBytes += l.cost.weightBytes;
  t.actInBytes += l.cost.actInBytes;
  t.actOutBytes += l.cost.actOutBytes;
  if (l.cost.isMacLayer()) {
    t.macLayers += 1;
    (l.cost.isBinary() ? t.binaryLayers : t.floatLayers) += 1;
  }
}

} // namespace

CostReport buildCostReport(ModuleOp module, StringRef model) {
  CostReport report;
  report.model = llvm::sys::path::filename(model).str();
  // Rows by (nodes, op, operand widths), in the order of their first op.
  std::map<std::string, size_t> rowOf;
  module.walk([&](func::FuncOp func) {
    if (func.isExternal())
      return;
    if (report.function.empty()) {
      report.function = func.getSymName().str();
      if (func.getNumArguments())
        if (auto t = dyn_cast<RankedTensorType>(func.getArgument(0).getType()))
          if (t.getRank() > 0 && !t.isDynamicDim(0))
            report.batch = t.getDimSize(0);
    }
    report.peakActivationBytes = std::max(report.peakActivationBytes, peakActivations(func));
    func.walk([&](bnn::BNNCostOpInterface costed) {
      Operation *op = costed.getOperation();
      bnn::LayerCost c = costed.getLayerCost();
      std::vector<std::string> nodes = nodeNames(op->getLoc());
      std::string key = llvm::join(nodes, "\n") + "\t" + op->getName().getStringRef().str() +
                        llvm::formatv("\t{0}x{1}x{2}x{3}", c.actBits, c.weightBits,
                                      c.execActBits, c.execWeightBits)
                            .str();
      auto [it, inserted] = rowOf.try_emplace(key, report.layers.size());
      if (inserted) {
        ReportLayer row;
        row.nodes = nodes;
        row.op = op->getName().getStringRef().str();
        row.cost = c;
        row.cost.macs = row.cost.scalarOps = row.cost.weightBytes = row.cost.floatWeightBytes =
            row.cost.actInBytes = row.cost.actOutBytes = 0;
        report.layers.push_back(std::move(row));
      }
      ReportLayer &row = report.layers[it->second];
      row.count += 1;
      row.cost.macs += c.macs;
      row.cost.scalarOps += c.scalarOps;
      row.cost.weightBytes += c.weightBytes;
      row.cost.floatWeightBytes += c.floatWeightBytes;
      row.cost.actInBytes += c.actInBytes;
      row.cost.actOutBytes += c.actOutBytes;
      if (!c.floatReason.empty() && row.cost.floatReason.find(c.floatReason) == std::string::npos)
        row.cost.floatReason += (row.cost.floatReason.empty() ? "" : "; ") + c.floatReason;
      row.ace += c.ace();
      row.aceExecuted += c.aceExecuted();
      row.bops += c.bops();
      row.flops += c.flops();
      row.ops += c.ops();
    });
  });
  for (const ReportLayer &l : report.layers) {
    addToTotals(report.totals, l);
    ReportTotals &f = report.floatBaseline;
    f.macs += l.cost.macs;
    f.ace += l.cost.macs * 16 * 16;
    f.aceExecuted += l.cost.macs * 32 * 32;
    f.flops += l.cost.macs;
    f.ops += static_cast<double>(l.cost.macs);
    f.scalarOps += l.cost.scalarOps;
    f.weightBytes += l.cost.floatWeightBytes;
    f.actInBytes += l.cost.actInBytes;
    f.actOutBytes += l.cost.actOutBytes;
    if (l.cost.isMacLayer()) {
      f.macLayers += 1;
      f.floatLayers += 1;
    }
  }
  return report;
}

//===----------------------------------------------------------------------===//
// Formatting helpers
//===----------------------------------------------------------------------===//

std::string formatCount(double value) {
  static const char *units[] = {"", "K", "M", "G", "T", "P", "E"};
  double v = std::fabs(value);
  // Up to 9999 exactly: "6912" reads better than "6.91K".
  if (v < 9999.5) {
    if (value == std::floor(value))
      return llvm::formatv("{0}", static_cast<int64_t>(value)).str();
    return llvm::formatv("{0:F2}", value).str();
  }
  int u = 0;
  while (v >= 999.5 && u < 6) {
    v /= 1000.0;
    ++u;
  }
  if (u == 0) {
    if (value == std::floor(value))
      return llvm::formatv("{0}", static_cast<int64_t>(value)).str();
    return llvm::formatv("{0:F2}", value).str();
  }
  const char *fmt = v >= 99.95 ? "{0:F0}{1}" : v >= 9.995 ? "{0:F1}{1}" : "{0:F2}{1}";
  return llvm::formatv(fmt, value < 0 ? -v : v, units[u]).str();
}

namespace {

std::string formatBytes(int64_t bytes) { return formatCount(static_cast<double>(bytes)) + "B"; }

/// 1234567 -> "1,234,567".
std::string withCommas(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "-";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return s;
}

std::string nodesText(const std::vector<std::string> &nodes) {
  return nodes.empty() ? "-" : llvm::join(nodes, ",");
}

std::string ratioText(double num, double den) {
  if (den <= 0)
    return "-";
  return llvm::formatv("{0:F2}x", num / den).str();
}

/// Shortens `s` to `width` characters, keeping its start and end.
std::string ellipsize(const std::string &s, size_t width) {
  if (s.size() <= width)
    return s;
  size_t head = (width - 3) / 2, tail = width - 3 - head;
  return s.substr(0, head) + "..." + s.substr(s.size() - tail);
}

void printTable(llvm::raw_ostream &os, const std::vector<std::vector<std::string>> &rows,
                const std::vector<bool> &rightAligned, const std::string &indent) {
  std::vector<size_t> width(rightAligned.size(), 0);
  for (const auto &r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  for (const auto &r : rows) {
    std::string line = indent;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string pad(width[i] - r[i].size(), ' ');
      line += i ? "  " : "";
      line += rightAligned[i] ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : "");
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    os << line << "\n";
  }
}

std::string bitsText(const bnn::LayerCost &c, bool executed) {
  if (!c.isMacLayer())
    return "-";
  return executed ? llvm::formatv("{0}x{1}", c.execActBits, c.execWeightBits).str()
                  : llvm::formatv("{0}x{1}", c.actBits, c.weightBits).str();
}

} // namespace

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

void printTextReport(const CostReport &r, llvm::raw_ostream &os) {
  const ReportTotals &t = r.totals, &f = r.floatBaseline;
  os << "bnnc cost report: " << r.model << " (function " << r.function << ", batch " << r.batch
     << "; per run of the compiled function, after the binarize phase)\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"#", "nodes", "op", "bits", "output", "MACs", "ACE", "ACE%", "ACE exec", "OPs", "scalar",
       "weights", "act in", "act out"}};
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const ReportLayer &l = r.layers[i];
    std::string op = l.op + (l.count > 1 ? " x" + std::to_string(l.count) : "");
    std::string share =
        t.ace > 0 && l.ace > 0 ? llvm::formatv("{0:F1}%", 100.0 * double(l.ace) / double(t.ace)).str()
                               : "-";
    rows.push_back({std::to_string(i + 1), ellipsize(nodesText(l.nodes), 36), op,
                    bitsText(l.cost, false), shapeText(l.cost.outputShape),
                    formatCount(double(l.cost.macs)), formatCount(double(l.ace)), share,
                    formatCount(double(l.aceExecuted)), formatCount(l.ops),
                    formatCount(double(l.cost.scalarOps)), formatBytes(l.cost.weightBytes),
                    formatBytes(l.cost.actInBytes), formatBytes(l.cost.actOutBytes)});
  }
  printTable(os, rows,
             {true, false, false, true, false, true, true, true, true, true, true, true, true, true},
             "");
  os << "\n(bits: activation x weight operand widths in the PokeBNN convention: binary 1, "
        "int8 8, float 16)\n";

  auto line = [&](const std::string &name, int64_t value, const std::string &unit,
                  const std::string &extra) {
    return std::vector<std::string>{name, withCommas(value),
                                    "(" + formatCount(double(value)) + unit + ")", extra};
  };
  os << "\ntotals\n";
  std::vector<std::vector<std::string>> totals = {
      line("MACs", t.macs, "",
           "binary " + formatCount(double(t.binaryMacs)) + " in " +
               std::to_string(t.binaryLayers) + " layers, float " +
               formatCount(double(t.macs - t.binaryMacs)) + " in " +
               std::to_string(t.floatLayers)),
      line("ACE (PokeBNN, float as bf16)", t.ace, "", ""),
      line("ACE as executed", t.aceExecuted, "", ""),
      line("BOPs", t.bops, "", ""),
      line("FLOPs", t.flops, "", ""),
      {"OPs = BOPs/64 + FLOPs", withCommas(std::llround(t.ops)), "(" + formatCount(t.ops) + ")",
       ""},
      line("scalar ops (non-MAC)", t.scalarOps, "", ""),
      line("weights (packed)", t.weightBytes, "B", ""),
      line("peak activations", r.peakActivationBytes, "B", ""),
  };
  if (r.scratchArenaBytes)
    totals.push_back(line("scratch arena (compiled)", *r.scratchArenaBytes, "B",
                          ratioText(double(*r.scratchArenaBytes), double(r.peakActivationBytes)) +
                              " the peak"));
  printTable(os, totals, {false, true, false, false}, "  ");

  os << "\nall-float network (every conv/matmul in float: ACE at bf16 x bf16 = 256 per MAC, "
        "executed at fp32 x fp32 = 1024)\n";
  std::vector<std::vector<std::string>> base = {
      line("ACE", f.ace, "", ratioText(double(f.ace), double(t.ace)) + " this model's"),
      line("ACE as executed", f.aceExecuted, "",
           ratioText(double(f.aceExecuted), double(t.aceExecuted)) + " this model's"),
      {"OPs", withCommas(std::llround(f.ops)), "(" + formatCount(f.ops) + ")",
       ratioText(f.ops, t.ops) + " this model's"},
      line("weights", f.weightBytes, "B",
           ratioText(double(f.weightBytes), double(t.weightBytes)) + " this model's"),
  };
  printTable(os, base, {false, true, false, false}, "  ");

  std::vector<std::vector<std::string>> floats;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const ReportLayer &l = r.layers[i];
    if (l.cost.isMacLayer() && !l.cost.isBinary())
      floats.push_back({std::to_string(i + 1), nodesText(l.nodes), l.op,
                        l.cost.floatReason.empty() ? "-" : l.cost.floatReason});
  }
  os << "\nconvolutions and matrix products that stayed float: " << floats.size() << "\n";
  printTable(os, floats, {true, false, false, false}, "  ");
}

//===----------------------------------------------------------------------===//
// JSON (schema: docs/cost-report.md)
//===----------------------------------------------------------------------===//

namespace {

/// A short array on one line.
void inlineArray(llvm::json::OStream &j, StringRef key, llvm::json::Array array) {
  j.attributeBegin(key);
  j.rawValue(llvm::formatv("{0}", llvm::json::Value(std::move(array))).str());
  j.attributeEnd();
}

void shapeAttr(llvm::json::OStream &j, StringRef key, const std::vector<int64_t> &shape) {
  inlineArray(j, key, llvm::json::Array(shape));
}

void nodesAttr(llvm::json::OStream &j, const std::vector<std::string> &nodes) {
  inlineArray(j, "nodes", llvm::json::Array(nodes));
}

void totalsObject(llvm::json::OStream &j, const ReportTotals &t) {
  j.attribute("macs", t.macs);
  j.attribute("binary_macs", t.binaryMacs);
  j.attribute("ace", t.ace);
  j.attribute("ace_executed", t.aceExecuted);
  j.attribute("bops", t.bops);
  j.attribute("flops", t.flops);
  j.attribute("ops", t.ops);
  j.attribute("scalar_ops", t.scalarOps);
  j.attribute("weight_bytes", t.weightBytes);
  j.attribute("act_in_bytes", t.actInBytes);
  j.attribute("act_out_bytes", t.actOutBytes);
  j.attribute("mac_layers", t.macLayers);
  j.attribute("binary_layers", t.binaryLayers);
  j.attribute("float_layers", t.floatLayers);
}

llvm::json::Value ratio(double num, double den) {
  if (den <= 0)
    return nullptr;
  return num / den;
}

} // namespace

void printJsonReport(const CostReport &r, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "bnnc-cost-report");
    j.attribute("version", 1);
    j.attribute("model", r.model);
    j.attribute("function", r.function);
    j.attribute("batch", r.batch);
    j.attribute("phase", "binarize");
    j.attributeArray("layers", [&] {
      for (size_t i = 0; i < r.layers.size(); ++i) {
        const ReportLayer &l = r.layers[i];
        const bnn::LayerCost &c = l.cost;
        j.object([&] {
          j.attribute("index", int64_t(i + 1));
          nodesAttr(j, l.nodes);
          j.attribute("op", l.op);
          j.attribute("kind", c.kind);
          j.attribute("count", l.count);
          shapeAttr(j, "input_shape", c.inputShape);
          shapeAttr(j, "weight_shape", c.weightShape);
          shapeAttr(j, "output_shape", c.outputShape);
          j.attribute("act_bits", int64_t(c.actBits));
          j.attribute("weight_bits", int64_t(c.weightBits));
          j.attribute("exec_act_bits", int64_t(c.execActBits));
          j.attribute("exec_weight_bits", int64_t(c.execWeightBits));
          j.attribute("binary", c.isBinary());
          j.attribute("macs", c.macs);
          j.attribute("ace", l.ace);
          j.attribute("ace_executed", l.aceExecuted);
          j.attribute("bops", l.bops);
          j.attribute("flops", l.flops);
          j.attribute("ops", l.ops);
          j.attribute("scalar_ops", c.scalarOps);
          j.attribute("weight_bytes", c.weightBytes);
          j.attribute("float_weight_bytes", c.floatWeightBytes);
          j.attribute("act_in_bytes", c.actInBytes);
          j.attribute("act_out_bytes", c.actOutBytes);
          if (c.isMacLayer() && !c.isBinary())
            j.attribute("float_reason", c.floatReason);
          else
            j.attribute("float_reason", nullptr);
        });
      }
    });
    j.attributeObject("totals", [&] {
      totalsObject(j, r.totals);
      j.attribute("peak_activation_bytes", r.peakActivationBytes);
      if (r.scratchArenaBytes)
        j.attribute("scratch_arena_bytes", *r.scratchArenaBytes);
      else
        j.attribute("scratch_arena_bytes", nullptr);
    });
    j.attributeObject("float_baseline", [&] { totalsObject(j, r.floatBaseline); });
    j.attributeObject("ratios", [&] {
      const ReportTotals &t = r.totals, &f = r.floatBaseline;
      j.attribute("ace", ratio(double(f.ace), double(t.ace)));
      j.attribute("ace_executed", ratio(double(f.aceExecuted), double(t.aceExecuted)));
      j.attribute("ops", ratio(f.ops, t.ops));
      j.attribute("weight_bytes", ratio(double(f.weightBytes), double(t.weightBytes)));
    });
    j.attributeArray("float_layers", [&] {
      for (size_t i = 0; i < r.layers.size(); ++i) {
        const ReportLayer &l = r.layers[i];
        if (!l.cost.isMacLayer() || l.cost.isBinary())
          continue;
        j.object([&] {
          j.attribute("index", int64_t(i + 1));
          nodesAttr(j, l.nodes);
          j.attribute("op", l.op);
          j.attribute("reason", l.cost.floatReason);
        });
      }
    });
  });
  os << "\n";
}

//===----------------------------------------------------------------------===//
// HTML: one self-contained page (inline CSS and JS, the JSON report embedded)
//===----------------------------------------------------------------------===//

namespace {

const char *kHtmlHead = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bnnc cost report</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2430; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #5b6575; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #d8dde6; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.card .label { color: #5b6575; font-size: 12px; }
.card .value { font-size: 18px; font-weight: 600; }
.card .sub { color: #5b6575; font-size: 12px; }
.legend span { display: inline-block; margin-right: 16px; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
.sw-ace { background: #3b6fd8; } .bar-ace { fill: #3b6fd8; }
.sw-ace-float { background: #d8893b; } .bar-ace-float { fill: #d8893b; }
.sw-weights { background: #2e9e6b; } .bar-weights { fill: #2e9e6b; }
.sw-act { background: #a9d8c2; } .bar-act { fill: #a9d8c2; }
#chart text { font: 11px system-ui, sans-serif; fill: #1d2430; }
#chart .axis { fill: #5b6575; }
#chart .grid { stroke: #e3e7ee; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e3e7ee; white-space: nowrap; }
th { position: sticky; top: 0; background: #f3f5f9; cursor: pointer; user-select: none; text-align: left; }
th.num, td.num { text-align: right; }
th.sorted-asc::after { content: " \25B2"; }
th.sorted-desc::after { content: " \25BC"; }
tr.binary td.bits { color: #3b6fd8; font-weight: 600; }
tr.float td.bits { color: #b3641d; font-weight: 600; }
td.nodes { max-width: 320px; overflow: hidden; text-overflow: ellipsis; }
.reason { color: #5b6575; }
</style>
</head>
<body>
<h1>bnnc cost report: <span id="model"></span></h1>
<p class="meta" id="meta"></p>
<div class="cards" id="summary"></div>
<h2>ACE and memory per layer</h2>
<div class="legend">
<span><i class="sw-ace"></i>ACE, binary layer</span>
<span><i class="sw-ace-float"></i>ACE, layer executed in float</span>
<span><i class="sw-weights"></i>weights (packed)</span>
<span><i class="sw-act"></i>activations out</span>
</div>
<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="100%"></svg>
<h2>Layers</h2>
<p class="meta">Click a column to sort. Bits: activation x weight, PokeBNN convention (binary 1, int8 8, float 16).</p>
<div class="scroll"><table id="layers"><thead><tr></tr></thead><tbody></tbody></table></div>
<h2>Convolutions and matrix products that stayed float</h2>
<ol id="float-layers"></ol>
<script type="application/json" id="report-data">
)html";

const char *kHtmlTail = R"html(
</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var layers = data.layers, totals = data.totals, base = data.float_baseline;
  var units = ["", "K", "M", "G", "T", "P", "E"];
  function fmt(x) {
    if (x === null || x === undefined) return "-";
    var v = Math.abs(x), u = 0;
    if (v < 9999.5) return Number.isInteger(x) ? String(x) : x.toFixed(2);
    while (v >= 999.5 && u < 6) { v /= 1000; u++; }
    return (x < 0 ? "-" : "") + v.toFixed(v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2) + units[u];
  }
  function bytes(x) { return fmt(x) + "B"; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function isMac(l) { return l.kind === "conv" || l.kind === "matmul"; }
  function nodes(l) { return l.nodes.length ? l.nodes.join(", ") : "-"; }
  function ratio(x) { return x === null ? "-" : x.toFixed(2) + "x"; }

  document.getElementById("model").textContent = data.model;
  document.title = "bnnc cost report: " + data.model;
  document.getElementById("meta").textContent = "function " + data["function"] + ", batch " +
      data.batch + "; per run of the compiled function, after the " + data.phase + " phase";

  var cards = [
    ["MACs", fmt(totals.macs), "binary " + fmt(totals.binary_macs) + " in " + totals.binary_layers +
        " layers, float " + fmt(totals.macs - totals.binary_macs) + " in " + totals.float_layers],
    ["ACE (PokeBNN)", fmt(totals.ace), "all-float " + fmt(base.ace) + " = " + ratio(data.ratios.ace)],
    ["ACE as executed", fmt(totals.ace_executed), "all-float " + fmt(base.ace_executed) + " = " +
        ratio(data.ratios.ace_executed)],
    ["OPs", fmt(totals.ops), "BOPs " + fmt(totals.bops) + ", FLOPs " + fmt(totals.flops)],
    ["scalar ops", fmt(totals.scalar_ops), "BN, adds, pools, activations"],
    ["weights", bytes(totals.weight_bytes), "all-float " + bytes(base.weight_bytes) + " = " +
        ratio(data.ratios.weight_bytes)],
    ["peak activations", bytes(totals.peak_activation_bytes), "live tensors"]
  ];
  if (totals.scratch_arena_bytes !== null)
    cards.push(["scratch arena", bytes(totals.scratch_arena_bytes), "the compiled plan"]);
  var summary = document.getElementById("summary");
  cards.forEach(function (c) {
    var d = el("div", {"class": "card"});
    d.appendChild(el("div", {"class": "label"}, c[0]));
    d.appendChild(el("div", {"class": "value"}, c[1]));
    d.appendChild(el("div", {"class": "sub"}, c[2]));
    summary.appendChild(d);
  });

  // Chart: one row per layer; ACE on the left, weights + activations out on the right.
  var chart = document.getElementById("chart");
  var rowH = 16, top = 24, labelW = 300, gap = 24;
  var width = Math.max(900, (chart.getBoundingClientRect().width || 1100));
  var panelW = (width - labelW - 2 * gap) / 2;
  var maxAce = Math.max.apply(null, layers.map(function (l) { return l.ace; }).concat([1]));
  var maxMem = Math.max.apply(null, layers.map(function (l) {
    return l.weight_bytes + l.act_out_bytes; }).concat([1]));
  chart.setAttribute("height", top + rowH * layers.length + 8);
  chart.setAttribute("viewBox", "0 0 " + width + " " + (top + rowH * layers.length + 8));
  var x0 = labelW, x1 = labelW + panelW + gap;
  chart.appendChild(svg("text", {x: x0, y: 14, "class": "axis"}, "ACE (max " + fmt(maxAce) + ")"));
  chart.appendChild(svg("text", {x: x1, y: 14, "class": "axis"},
      "weights + activations out (max " + bytes(maxMem) + ")"));
  layers.forEach(function (l, i) {
    var y = top + i * rowH;
    if (i % 2 === 0) chart.appendChild(svg("rect", {x: 0, y: y, width: width, height: rowH, fill: "#f7f8fb"}));
    var label = l.index + " " + nodes(l) + " " + l.op.replace(/^[a-z]+\./, "");
    if (label.length > 46) label = label.slice(0, 45) + "\u2026";
    chart.appendChild(svg("text", {x: 4, y: y + 12}, label));
    var g = svg("g", {"class": "layer-bars", "data-index": l.index});
    var aceW = panelW * l.ace / maxAce;
    var r = svg("rect", {x: x0, y: y + 3, width: Math.max(aceW, l.ace > 0 ? 1 : 0), height: rowH - 6,
        "class": isMac(l) && !l.binary ? "bar-ace-float" : "bar-ace"});
    r.appendChild(svg("title", {}, "ACE " + fmt(l.ace) + " (" + l.act_bits + "x" + l.weight_bits + " bits)"));
    g.appendChild(r);
    var ww = panelW * l.weight_bytes / maxMem, aw = panelW * l.act_out_bytes / maxMem;
    var rw = svg("rect", {x: x1, y: y + 3, width: ww, height: rowH - 6, "class": "bar-weights"});
    rw.appendChild(svg("title", {}, "weights " + bytes(l.weight_bytes)));
    g.appendChild(rw);
    var ra = svg("rect", {x: x1 + ww, y: y + 3, width: aw, height: rowH - 6, "class": "bar-act"});
    ra.appendChild(svg("title", {}, "activations out " + bytes(l.act_out_bytes)));
    g.appendChild(ra);
    chart.appendChild(g);
  });

  // Sortable table.
  var columns = [
    ["index", "#", true, function (l) { return l.index; }],
    ["nodes", "nodes", false, nodes],
    ["op", "op", false, function (l) { return l.op + (l.count > 1 ? " x" + l.count : ""); }],
    ["bits", "bits", false, function (l) { return isMac(l) ? l.act_bits + "x" + l.weight_bits : "-"; }],
    ["output", "output", false, function (l) { return l.output_shape.join("x") || "-"; }],
    ["macs", "MACs", true, function (l) { return l.macs; }],
    ["ace", "ACE", true, function (l) { return l.ace; }],
    ["share", "ACE %", true, function (l) { return totals.ace ? 100 * l.ace / totals.ace : 0; }],
    ["ace_executed", "ACE exec", true, function (l) { return l.ace_executed; }],
    ["bops", "BOPs", true, function (l) { return l.bops; }],
    ["flops", "FLOPs", true, function (l) { return l.flops; }],
    ["ops", "OPs", true, function (l) { return l.ops; }],
    ["scalar_ops", "scalar ops", true, function (l) { return l.scalar_ops; }],
    ["weight_bytes", "weights", true, function (l) { return l.weight_bytes; }],
    ["act_in_bytes", "act in", true, function (l) { return l.act_in_bytes; }],
    ["act_out_bytes", "act out", true, function (l) { return l.act_out_bytes; }]
  ];
  function cellText(c, l) {
    var v = c[3](l);
    if (c[0] === "index") return String(v);
    if (c[0] === "share") return v ? v.toFixed(1) + "%" : "-";
    if (/bytes$/.test(c[0])) return bytes(v);
    return c[2] ? fmt(v) : v;
  }
  var table = document.getElementById("layers");
  var headRow = table.tHead.rows[0], tbody = table.tBodies[0];
  var sortKey = "index", sortDesc = false;
  columns.forEach(function (c) {
    var th = el("th", {"data-key": c[0], "class": c[2] ? "num" : ""}, c[1]);
    th.addEventListener("click", function () { sortBy(c[0], sortKey === c[0] ? !sortDesc : c[2]); });
    headRow.appendChild(th);
  });
  function render() {
    var col = columns.filter(function (c) { return c[0] === sortKey; })[0];
    var rows = layers.slice().sort(function (a, b) {
      var va = col[3](a), vb = col[3](b);
      var d = typeof va === "number" ? va - vb : String(va).localeCompare(String(vb));
      if (d === 0) d = a.index - b.index;
      return sortDesc ? -d : d;
    });
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (l) {
      var tr = el("tr", {"data-index": l.index,
          "class": isMac(l) ? (l.binary ? "binary" : "float") : "scalar"});
      columns.forEach(function (c) {
        tr.appendChild(el("td", {"class": (c[2] ? "num " : "") + c[0]}, cellText(c, l)));
      });
      tbody.appendChild(tr);
    });
    Array.prototype.forEach.call(headRow.cells, function (th) {
      th.className = (th.className.indexOf("num") >= 0 ? "num" : "") +
          (th.getAttribute("data-key") === sortKey ? (sortDesc ? " sorted-desc" : " sorted-asc") : "");
    });
  }
  function sortBy(key, desc) { sortKey = key; sortDesc = desc; render(); }
  // A link can ask for an order: report.html#sort=ace (descending) or #sort=nodes:asc.
  var m = /sort=([a-z_]+)(?::(asc|desc))?/.exec(location.hash);
  if (m && columns.some(function (c) { return c[0] === m[1]; })) {
    var numeric = columns.filter(function (c) { return c[0] === m[1]; })[0][2];
    sortBy(m[1], m[2] ? m[2] === "desc" : numeric);
  } else {
    render();
  }

  var list = document.getElementById("float-layers");
  data.float_layers.forEach(function (f) {
    var li = el("li", {"data-index": f.index});
    li.appendChild(el("b", {}, nodes(f)));
    li.appendChild(document.createTextNode(" (" + f.op + "): "));
    li.appendChild(el("span", {"class": "reason"}, f.reason || "-"));
    list.appendChild(li);
  });
  if (!data.float_layers.length) list.appendChild(el("li", {}, "none"));
  document.body.setAttribute("data-rendered", "true");
})();
</script>
</body>
</html>
)html";

} // namespace

void printHtmlReport(const CostReport &r, llvm::raw_ostream &os) {
  std::string json;
  llvm::raw_string_ostream js(json);
  printJsonReport(r, js);
  // Inside <script>, "</" could end the element early.
  std::string safe;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/')
      safe += "<\\";
    else
      safe += json[i];
  }
  os << kHtmlHead << safe << kHtmlTail;
}

bool parseReportFormat(StringRef text, ReportFormat &format) {
  if (text == "text")
    format = ReportFormat::Text;
  else if (text == "json")
    format = ReportFormat::Json;
  else if (text == "html")
    format = ReportFormat::Html;
  else
    return false;
  return true;
}

ReportFormat reportFormatForPath(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  if (ext.equals_insensitive(".json"))
    return ReportFormat::Json;
  if (ext.equals_insensitive(".html") || ext.equals_insensitive(".htm"))
    return ReportFormat::Html;
  return ReportFormat::Text;
}

void printCostReport(const CostReport &report, ReportFormat format, llvm::raw_ostream &os) {
  switch (format) {
  case ReportFormat::Text:
    return printTextReport(report, os);
  case ReportFormat::Json:
    return printJsonReport(report, os);
  case ReportFormat::Html:
    return printHtmlReport(report, os);
  }
}

//===----------------------------------------------------------------------===//
// Between the phases of one pass manager
//===----------------------------------------------------------------------===//

namespace {
struct AfterPass : PassInstrumentation {
  AfterPass(Pass *pass, std::function<void(ModuleOp)> callback)
      : pass(pass), callback(std::move(callback)) {}
  void runAfterPass(Pass *p, Operation *op) override {
    if (p == pass)
      if (auto module = dyn_cast<ModuleOp>(op))
        callback(module);
  }
  Pass *pass;
  std::function<void(ModuleOp)> callback;
};
} // namespace

bool callAfterBinarize(PassManager &pm, const PipelineOptions &options,
                       std::function<void(ModuleOp)> callback, llvm::raw_ostream &errors) {
  // The binarize phase alone is a prefix of the whole pipeline: the hook goes after its last
  // top-level pass.
  PipelineOptions binarizeOnly = options;
  binarizeOnly.stopAfter = Phase::Binarize;
  OpPassManager prefix(ModuleOp::getOperationName());
  if (!buildPipeline(prefix, binarizeOnly, errors))
    return false;
  auto full = pm.getPasses(), head = prefix.getPasses();
  auto f = full.begin();
  Pass *last = nullptr;
  for (auto h = head.begin(); h != head.end(); ++h, ++f) {
    if (f == full.end() || f->getName() != h->getName() ||
        f->getArgument() != h->getArgument()) {
      errors << "the pass pipeline does not start with the binarize phase\n";
      return false;
    }
    last = &*f;
  }
  if (!last) {
    errors << "the binarize phase has no passes\n";
    return false;
  }
  pm.addInstrumentation(std::make_unique<AfterPass>(last, std::move(callback)));
  return true;
}

} // namespace bnnc

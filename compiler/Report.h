//===- Report.h - the cost report of a compiled model -----------*- C++ -*-===//
//
// `bnnc --report=text|json|html`: the cost of every layer of the model as compiled (after the
// binarize phase), added up from BNNCostOpInterface (compiler/Cost.h), with totals, the same
// totals for the all-float network and the layers that stayed float. Format and metrics:
// docs/cost-report.md.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_COMPILER_REPORT_H
#define BNNC_COMPILER_REPORT_H

#include "dialects/BNN/LayerCost.h"

#include "llvm/ADT/StringRef.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
class PassManager;
} // namespace mlir
namespace llvm {
class raw_ostream;
}

namespace bnnc {

struct PipelineOptions;

/// One row: the ops of one op name that came from the same ONNX nodes (a grouped convolution
/// is one op per group; they add up), with the same operand widths.
struct ReportLayer {
  std::vector<std::string> nodes; // from the ops' locations (NameLoc, inside FusedLoc)
  std::string op;                 // e.g. "tosa.conv2d", "bnn.bconv2d"
  int64_t count = 0;              // ops in the row
  bnn::LayerCost cost;            // summed counts; widths and shapes of the first op
  int64_t ace = 0, aceExecuted = 0, bops = 0, flops = 0;
  double ops = 0;
};

struct ReportTotals {
  int64_t macs = 0, binaryMacs = 0, ace = 0, aceExecuted = 0, bops = 0, flops = 0;
  double ops = 0;
  int64_t scalarOps = 0, weightBytes = 0, actInBytes = 0, actOutBytes = 0;
  /// Rows (layers) of convolutions and matrix products: all, binary, float.
  int64_t macLayers = 0, binaryLayers = 0, floatLayers = 0;
};

struct CostReport {
  std::string model;    // the model file's name
  std::string function; // the entry point
  int64_t batch = 1;    // leading dimension of the first input
  std::vector<ReportLayer> layers;
  ReportTotals totals;
  /// The same network with every conv and matmul in float: ACE at bf16 x bf16 (256 per MAC),
  /// executed ACE at fp32 x fp32 (1024), FLOPs = OPs = MACs, weights in float32.
  ReportTotals floatBaseline;
  /// Largest sum of live runtime tensors at any point of the entry function (docs).
  int64_t peakActivationBytes = 0;
  /// The compiled entry's scratch arena (bnn-scratch-arena's plan), when the report comes with a
  /// compilation (--report-file); unknown for --report alone, which stops after binarizing.
  std::optional<int64_t> scratchArenaBytes;
};

/// Adds up the cost of every op of `module` that implements BNNCostOpInterface (the cost models
/// must be registered: registerCostModels). `model` names the input file.
CostReport buildCostReport(mlir::ModuleOp module, llvm::StringRef model);

enum class ReportFormat { Text, Json, Html };

/// "text", "json" or "html"; false if unknown.
bool parseReportFormat(llvm::StringRef text, ReportFormat &format);

/// The format a report file's extension asks for: .json, .html/.htm, else text.
ReportFormat reportFormatForPath(llvm::StringRef path);

void printCostReport(const CostReport &report, ReportFormat format, llvm::raw_ostream &os);
void printTextReport(const CostReport &report, llvm::raw_ostream &os);
void printJsonReport(const CostReport &report, llvm::raw_ostream &os);
void printHtmlReport(const CostReport &report, llvm::raw_ostream &os);

/// "4.09G", "118M", "10.8K": three significant digits with a decimal unit; below 10000 the
/// number itself ("6912", "13.50").
std::string formatCount(double value);

/// Makes `pm`, built by buildPipeline for `options` with stopAfter = Lower, call `callback` with
/// the module as it is after the binarize phase, before lowering goes on. False, with a message
/// on `errors`, if the pipeline does not have the binarize phase as its prefix.
bool callAfterBinarize(mlir::PassManager &pm, const PipelineOptions &options,
                       std::function<void(mlir::ModuleOp)> callback, llvm::raw_ostream &errors);

} // namespace bnnc

#endif // BNNC_COMPILER_REPORT_H

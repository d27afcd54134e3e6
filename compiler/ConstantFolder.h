//===- ConstantFolder.h - compile-time evaluation of ONNX nodes -*- C++ -*-===//
//
// Weight-side subgraphs of fake-quantized models (Abs, ReduceMean, Sign, Mul ... over
// initializers) and PyTorch's shape computations (Shape -> Gather -> Concat -> Reshape) are
// evaluated here, before the graph reaches MLIR, so that the importer sees plain constants.
// ONNX 1.12 ships no C++ reference evaluator (onnx.reference is Python and newer), hence this
// small one. It covers the ops such subgraphs use; anything else is left to run at inference.
//
//===----------------------------------------------------------------------===//
#ifndef BNNC_COMPILER_CONSTANTFOLDER_H
#define BNNC_COMPILER_CONSTANTFOLDER_H

#include "compiler/Tensor.h"

#include <map>
#include <string>
#include <vector>

namespace onnx {
class NodeProto;
class ModelProto;
} // namespace onnx

namespace bnnc {

enum class FoldStatus { Folded, NotFoldable, Error };

/// Evaluates `node` (default ONNX domain, at `opset`) on constant `inputs` (a null entry is an
/// omitted optional input). On Folded, `outputs` holds one tensor per node output. A non-null
/// `donated[i]` (the same tensor as inputs[i]) is given up by the caller: the result may be
/// computed in its storage, leaving it in an unspecified state, whatever the status.
FoldStatus evaluateNode(const onnx::NodeProto &node, int opset,
                        const std::vector<const Tensor *> &inputs, std::vector<Tensor> &outputs,
                        std::string &error, const std::vector<Tensor *> &donated = {});

/// The ops that only exist at compile time in bnnc: the folder evaluates them when their inputs
/// are constant (shape computations, constant generators); the importer has no runtime form.
const std::vector<std::string> &compileTimeOnlyOps();

/// The constant values of a graph, by name.
using ConstantMap = std::map<std::string, Tensor>;

/// Folds every node of the model's main graph whose inputs are all constant (and every Shape of a
/// statically shaped value), removing it from the graph and recording its outputs in
/// `constants`. `constants` starts with the initializers. Runs ONNX shape inference between
/// rounds so that Shape ops see the shapes of earlier results. Returns false with `error` (which
/// names the node) on a node that is constant but cannot be evaluated.
bool foldConstants(onnx::ModelProto &model, ConstantMap &constants, std::string &error);

} // namespace bnnc

#endif // BNNC_COMPILER_CONSTANTFOLDER_H

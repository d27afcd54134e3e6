//===- PatternDriver.cpp - the passes' greedy rewrite driver -*- C++ -*-===//
//
// applyPatternsGreedily returns failure, and says nothing, when its patterns have not
// converged after its iteration limit; a pass that only signals failure then stops the whole
// compilation without a word. Every bnn pass that drives pattern sets greedily goes through
// applyPatternsOrReport, which names the pass and the function in an error.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

LogicalResult bnn::applyPatternsOrReport(Operation *op, RewritePatternSet &&patterns, llvm::StringRef pass) {
  return applyPatternsOrReport(op, std::move(patterns), GreedyRewriteConfig(), pass);
}

LogicalResult bnn::applyPatternsOrReport(Operation *op, RewritePatternSet &&patterns,
                                         const GreedyRewriteConfig &config, llvm::StringRef pass) {
  if (succeeded(applyPatternsGreedily(op, std::move(patterns), config)))
    return success();
  return op->emitError() << pass << ": the rewrite patterns did not converge (an internal error; please "
                                    "report it with the model)";
}

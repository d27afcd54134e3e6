//===- OutlineKernels.cpp - one function per distinct kernel -----*- C++ -*-===//
//
// A network repeats layers of one shape (ReActNet-A: six 512-channel blocks at 14x14), and each
// layer's kernel is a loop nest of its own in the entry function, so LLVM optimizes and emits
// the same code many times over. This pass outlines every large top-level loop nest into a
// private function whose arguments are the buffers it touches (constants are cloned in, so loop
// bounds and offsets stay constants for LLVM); upstream's duplicate-function-elimination then
// merges the identical ones, and LLVM's inliner puts back the kernels that are used once.
// Written by hand: upstream's outlining helpers (scf outlineSingleBlockRegion) pass every value
// defined above, constants included, as arguments.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace bnn {
#define GEN_PASS_DEF_BNNOUTLINEKERNELS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// Outlines `loop` (a top-level loop nest without results) into a new private function
/// inserted before `parent`, and replaces it by a call.
void outline(scf::ForOp loop, func::FuncOp parent, SymbolTable &symbols, unsigned index) {
  SetVector<Value> captured;
  for (Value v : loop->getOperands())
    captured.insert(v);
  getUsedValuesDefinedAbove(loop->getRegions(), captured);
  SmallVector<Value> args;
  SmallVector<Operation *> constants;
  for (Value v : captured) {
    Operation *def = v.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>())
      constants.push_back(def);
    else
      args.push_back(v);
  }
  OpBuilder b(parent);
  auto type = FunctionType::get(loop.getContext(), ValueRange(args).getTypes(), {});
  auto func = func::FuncOp::create(b, loop.getLoc(),
                                   (parent.getSymName() + "_kernel" + Twine(index)).str(), type);
  func.setPrivate();
  // Internal linkage in LLVM (a private func.func otherwise becomes an external llvm.func), and
  // never inlined. Inlining the kernels called once back into the model's function made one
  // function of every layer, on which LLVM's loop and SLP vectorizers and instcombine spend
  // superlinear time: ReActNet-A's LLVM optimization took 2.6-2.8 s inlined, 1.6 s not, with no
  // measurable difference in run time (each kernel is a whole layer, one call per layer; its
  // constants are cloned in, only buffers are arguments). Each kernel keeps its own symbol, so
  // a profile names the layers' kernels.
  func->setAttr("llvm.linkage", LLVM::LinkageAttr::get(func.getContext(), LLVM::Linkage::Internal));
  // (func-to-llvm carries `passthrough` over to the llvm.func; LLVM's own attribute name.)
  func->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline")}));
  symbols.insert(func);
  Block *body = func.addEntryBlock();
  IRMapping map;
  map.map(args, body->getArguments());
  b.setInsertionPointToStart(body);
  for (Operation *c : constants)
    b.clone(*c, map);
  b.clone(*loop, map);
  func::ReturnOp::create(b, loop.getLoc());

  b.setInsertionPoint(loop);
  func::CallOp::create(b, loop.getLoc(), func, args);
  loop.erase();
}

struct BNNOutlineKernelsPass : bnn::impl::BNNOutlineKernelsBase<BNNOutlineKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isExternal() || !func.getBody().hasOneBlock())
        continue;
      SmallVector<scf::ForOp> loops;
      for (auto loop : func.getBody().front().getOps<scf::ForOp>()) {
        if (loop.getNumResults() != 0)
          continue;
        int64_t ops = 0;
        loop->walk([&](Operation *) { ++ops; });
        if (ops >= minOps)
          loops.push_back(loop);
      }
      unsigned index = 0;
      for (scf::ForOp loop : loops)
        outline(loop, func, symbols, index++);
    }
  }
};

} // namespace

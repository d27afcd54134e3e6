//===- StaticBuffers.cpp - scratch buffers in static memory -----*- C++ -*-===//
//
// Written by hand because upstream has no alloc-to-global transform: memref.alloca would put
// megabytes on the stack, and the default lowering of memref.alloc calls malloc in the inference
// path.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace bnn {
#define GEN_PASS_DEF_BNNSTATICBUFFERS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {
struct BNNStaticBuffersPass : bnn::impl::BNNStaticBuffersBase<BNNStaticBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<memref::AllocOp> allocs;
    module.walk([&](memref::AllocOp alloc) {
      // Only allocations executed once per call: directly in a function body, static shape,
      // identity layout.
      if (isa<func::FuncOp>(alloc->getParentOp()) && alloc.getType().hasStaticShape() &&
          alloc.getType().getLayout().isIdentity() && alloc.getDynamicSizes().empty())
        allocs.push_back(alloc);
    });
    OpBuilder builder(module.getContext());
    unsigned counter = 0;
    for (memref::AllocOp alloc : allocs) {
      builder.setInsertionPointToStart(module.getBody());
      MemRefType type = alloc.getType();
      uint64_t alignment = alloc.getAlignment().value_or(64);
      auto global = memref::GlobalOp::create(
          builder, alloc.getLoc(), ("__bnn_buf" + Twine(counter++)).str(),
          builder.getStringAttr("private"), type, /*initial_value=*/builder.getUnitAttr(),
          /*constant=*/false, builder.getI64IntegerAttr(alignment));
      symbols.insert(global);
      builder.setInsertionPoint(alloc);
      Value replacement =
          memref::GetGlobalOp::create(builder, alloc.getLoc(), type, global.getSymName());
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.replaceAllUsesWith(replacement);
      alloc.erase();
    }
  }
};
} // namespace

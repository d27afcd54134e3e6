//===- ScratchArena.cpp - scratch buffers in one arena, by liveness -*- C++ -*-===//
//
// Written by hand because upstream MLIR has no static memory planner: memref.alloca would put
// megabytes on the stack, the default lowering of memref.alloc calls malloc in the inference
// path, and no upstream pass lets buffers of disjoint lifetimes share memory.
//
//===----------------------------------------------------------------------===//
#include "passes/ArenaPlan.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace bnn {
#define GEN_PASS_DEF_BNNSCRATCHARENA
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// The allocations of `func` that run exactly once per call (directly in the body of a
/// single-block function, static shape, identity layout), with their live ranges in the body's
/// program order. A buffer lives from the first to the last top-level op that uses it or any
/// value derived from it: every memref result of an op that takes it (a view, a cast, a loop
/// carrying it) is taken for an alias, which can only lengthen a range. Not from the allocation
/// itself: bufferization places the allocation of an out-of-place tensor.empty use where the
/// tensor.empty stands, which CSE may have merged with one far earlier (Bi-Real-18: a layer's
/// output allocated beside the stem's 3.2 MB result, 0.8 MB more arena for nothing).
struct Scratch {
  SmallVector<memref::AllocOp> allocs;
  std::vector<bnn::ArenaBuffer> buffers;
};

uint64_t bufferBytes(MemRefType type) {
  Type e = type.getElementType();
  uint64_t bits = e.isIntOrIndexOrFloat() && !e.isIndex() ? e.getIntOrFloatBitWidth() : 64;
  // Sub-byte elements are stored one per byte by the LLVM lowering.
  return static_cast<uint64_t>(type.getNumElements()) * ((bits + 7) / 8);
}

Scratch collectScratch(func::FuncOp func) {
  Scratch s;
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return s;
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, int64_t> position;
  int64_t n = 0;
  for (Operation &op : body)
    position[&op] = n++;
  for (Operation &op : body) {
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc)
      continue;
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
        !alloc.getDynamicSizes().empty() || !alloc.getSymbolOperands().empty() ||
        type.getMemorySpace())
      continue;
    int64_t first = -1, last = position[&op];
    SmallVector<Value> worklist{alloc.getResult()};
    llvm::DenseSet<Value> seen{alloc.getResult()};
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      for (Operation *user : v.getUsers()) {
        if (isa<memref::DeallocOp>(user)) // the end of the buffer, not a use
          continue;
        Operation *top = body.findAncestorOpInBlock(*user);
        if (top) {
          last = std::max(last, position[top]);
          first = first < 0 ? position[top] : std::min(first, position[top]);
        }
        for (Value r : user->getResults())
          if (isa<BaseMemRefType>(r.getType()) && seen.insert(r).second)
            worklist.push_back(r);
      }
    }
    s.allocs.push_back(alloc);
    s.buffers.push_back({bufferBytes(type), first < 0 ? position[&op] : first, last,
                         std::max<uint64_t>(alloc.getAlignment().value_or(64), 64)});
  }
  return s;
}

/// Replaces each allocation by a view of `arena` at its planned offset, and erases its deallocs.
void replaceByViews(Scratch &s, const bnn::ArenaPlan &plan, Value arena) {
  for (auto [alloc, offset] : llvm::zip(s.allocs, plan.offsets)) {
    OpBuilder b(alloc);
    Value shift = arith::ConstantIndexOp::create(b, alloc.getLoc(), offset);
    Value view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(), arena, shift,
                                        ValueRange());
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    alloc.replaceAllUsesWith(view);
    alloc.erase();
  }
}

struct BNNScratchArenaPass : bnn::impl::BNNScratchArenaBase<BNNScratchArenaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    MLIRContext *ctx = module.getContext();
    SmallVector<NamedAttribute> sizes;
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isExternal())
        continue;
      Scratch scratch = collectScratch(func);
      bool entry = func.isPublic();
      if (scratch.allocs.empty() && !entry)
        continue;
      bnn::ArenaPlan plan = bnn::planArena(scratch.buffers);
      uint64_t alignment = 64;
      for (const bnn::ArenaBuffer &b : scratch.buffers)
        alignment = std::max(alignment, b.alignment);
      auto arenaType = MemRefType::get({static_cast<int64_t>(plan.size)}, IntegerType::get(ctx, 8));

      OpBuilder b(module.getBodyRegion());
      b.setInsertionPointToStart(module.getBody());
      auto global = memref::GlobalOp::create(
          b, func.getLoc(), ("__bnn_arena_" + func.getSymName()).str(),
          b.getStringAttr("private"), arenaType, /*initial_value=*/b.getUnitAttr(),
          /*constant=*/false, b.getI64IntegerAttr(alignment));
      symbols.insert(global);

      if (!entry) {
        b.setInsertionPointToStart(&func.getBody().front());
        Value arena = memref::GetGlobalOp::create(b, func.getLoc(), arenaType, global.getSymName());
        replaceByViews(scratch, plan, arena);
        continue;
      }

      // @f keeps its name and signature and calls @f_with_scratch with the static arena.
      std::string name = func.getSymName().str();
      std::string scratchName = name + "_with_scratch";
      if (symbols.lookup(scratchName) || failed(symbols.rename(func, scratchName))) {
        func.emitError() << "cannot name the scratch entry '" << scratchName
                         << "': the symbol exists";
        return signalPassFailure();
      }
      Block &body = func.getBody().front();
      Value arena = body.addArgument(arenaType, func.getLoc());
      SmallVector<Type> inputs(func.getArgumentTypes());
      inputs.push_back(arenaType);
      func.setType(FunctionType::get(ctx, inputs, func.getResultTypes()));
      if (ArrayAttr argAttrs = func.getAllArgAttrs()) {
        SmallVector<Attribute> all(argAttrs.begin(), argAttrs.end());
        all.push_back(DictionaryAttr::get(ctx));
        func.setAllArgAttrs(all);
      }
      replaceByViews(scratch, plan, arena);

      b.setInsertionPoint(func);
      FunctionType wrapperType =
          FunctionType::get(ctx, TypeRange(inputs).drop_back(), func.getResultTypes());
      auto wrapper = func::FuncOp::create(b, func.getLoc(), name, wrapperType);
      wrapper.setPublic();
      if (ArrayAttr argAttrs = func.getAllArgAttrs())
        wrapper.setAllArgAttrs(ArrayRef<Attribute>(argAttrs.getValue()).drop_back());
      Block *wb = wrapper.addEntryBlock();
      b.setInsertionPointToStart(wb);
      SmallVector<Value> args(wb->getArguments());
      args.push_back(
          memref::GetGlobalOp::create(b, func.getLoc(), arenaType, global.getSymName()));
      auto call = func::CallOp::create(b, func.getLoc(), func, args);
      func::ReturnOp::create(b, func.getLoc(), call.getResults());
      symbols.insert(wrapper);
      sizes.push_back(b.getNamedAttr(
          name, b.getDictionaryAttr(
                    {b.getNamedAttr("bytes", b.getI64IntegerAttr(plan.size)),
                     b.getNamedAttr("alignment", b.getI64IntegerAttr(alignment))})));
    }
    if (!sizes.empty())
      module->setAttr("bnn.scratch_arena", DictionaryAttr::get(ctx, sizes));
  }
};

} // namespace

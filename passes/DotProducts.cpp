//===- DotProducts.cpp - bnn.dot_i8 to dot-product instructions ---*- C++ -*-===//
//
// The int8 kernels (FloatKernels.cpp) accumulate with bnn.dot_i8; this is where it becomes the
// target's instruction, after bufferization.
//
//===----------------------------------------------------------------------===//
#include "dialects/BNN/BNNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/TargetParser/Triple.h"

namespace bnn {
#define GEN_PASS_DEF_BNNLOWERDOTPRODUCTS
#include "passes/Passes.h.inc"
} // namespace bnn

using namespace mlir;

namespace {

/// The LLVM intrinsic that computes `op` on `triple`, or "" if there is none.
std::string dotIntrinsic(bnn::DotI8Op op, const llvm::Triple &triple) {
  int64_t bits = op.getAcc().getType().getDimSize(0) * 32;
  if (triple.isX86() && op.getUnsignedLhs() && (bits == 128 || bits == 256 || bits == 512))
    return "llvm.x86.avx512.vpdpbusd." + std::to_string(bits);
  if (triple.isAArch64() && !op.getUnsignedLhs() && (bits == 64 || bits == 128))
    return bits == 128 ? "llvm.aarch64.neon.sdot.v4i32.v16i8" : "llvm.aarch64.neon.sdot.v2i32.v8i8";
  return "";
}

struct LowerDotI8 : OpRewritePattern<bnn::DotI8Op> {
  LowerDotI8(MLIRContext *ctx, llvm::Triple triple) : OpRewritePattern(ctx), triple(std::move(triple)) {}
  llvm::Triple triple;

  LogicalResult matchAndRewrite(bnn::DotI8Op op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    VectorType accT = op.getAcc().getType();
    std::string name = dotIntrinsic(op, triple);
    if (!name.empty()) {
      rewriter.replaceOp(op, LLVM::CallIntrinsicOp::create(rewriter, loc, accT, rewriter.getStringAttr(name),
                                                           ValueRange{op.getAcc(), op.getLhs(), op.getRhs()})
                                 .getResult(0));
      return success();
    }
    // acc[i] + sum_k ext(lhs[4i + k]) * sext(rhs[4i + k]) in i32 vector arithmetic.
    int64_t lanes = accT.getDimSize(0);
    auto wide = VectorType::get({4 * lanes}, rewriter.getI32Type());
    Value l = op.getUnsignedLhs() ? (Value)arith::ExtUIOp::create(rewriter, loc, wide, op.getLhs())
                                  : (Value)arith::ExtSIOp::create(rewriter, loc, wide, op.getLhs());
    Value r = arith::ExtSIOp::create(rewriter, loc, wide, op.getRhs());
    Value products = vector::ShapeCastOp::create(rewriter, loc, VectorType::get({lanes, 4}, rewriter.getI32Type()),
                                                 arith::MulIOp::create(rewriter, loc, l, r));
    rewriter.replaceOp(op, vector::MultiDimReductionOp::create(rewriter, loc, products, op.getAcc(),
                                                               ArrayRef<bool>{false, true}, vector::CombiningKind::ADD)
                               .getResult());
    return success();
  }
};

struct BNNLowerDotProductsPass : bnn::impl::BNNLowerDotProductsBase<BNNLowerDotProductsPass> {
  void runOnOperation() override {
    auto module = getOperation()->getParentOfType<ModuleOp>();
    auto triple = module ? module->getAttrOfType<StringAttr>("llvm.target_triple") : StringAttr();
    RewritePatternSet patterns(&getContext());
    bnn::populateDotProductLoweringPatterns(patterns, triple ? triple.getValue() : "");
    if (failed(bnn::applyPatternsOrReport(getOperation(), std::move(patterns), getArgument())))
      signalPassFailure();
  }
};

} // namespace

void bnn::populateDotProductLoweringPatterns(RewritePatternSet &patterns, llvm::StringRef triple) {
  patterns.add<LowerDotI8>(patterns.getContext(), llvm::Triple(triple));
}

// Unit tests of ElementwiseChain::isAffineByConstruction: the proof that lets
// bnn-fuse-output-transforms fold an element-wise op into a layer's output transform without
// sampling the layer's whole integer range. Each chain is one linalg.generic over a per-channel
// constant, as the importer writes them; an "affine" verdict is also checked against the
// chain's own evaluation at random points (f(x) = a + (f(1) - f(0)) x up to float rounding).
#include "passes/ElementwiseChain.h"

#include "dialects/BNN/BNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

using namespace mlir;

namespace {

class ElementwiseChainTest : public ::testing::Test {
protected:
  ElementwiseChainTest() {
    DialectRegistry registry;
    registry.insert<bnn::BNNDialect, arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                    math::MathDialect, tensor::TensorDialect>();
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  /// The chain from the function's argument to its result, where the function applies `body`
  /// (scalar ops on %x, the element, and %k, the channel's constant, yielding %r) to a
  /// 2 x 4 tensor with the per-channel constant [0.5, -2, 3, 0.25].
  std::optional<bnn::ElementwiseChain> chainOf(const std::string &body) {
    std::string text = R"(
      #id = affine_map<(d0, d1) -> (d0, d1)>
      #ch = affine_map<(d0, d1) -> (0, d1)>
      func.func @f(%arg: tensor<2x4xf32>) -> tensor<2x4xf32> {
        %c = arith.constant dense<[[0.5, -2.0, 3.0, 0.25]]> : tensor<1x4xf32>
        %e = tensor.empty() : tensor<2x4xf32>
        %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
            ins(%arg, %c : tensor<2x4xf32>, tensor<1x4xf32>) outs(%e : tensor<2x4xf32>) {
        ^bb0(%x: f32, %k: f32, %o: f32):
          )" + body + R"(
          linalg.yield %r : f32
        } -> tensor<2x4xf32>
        return %y : tensor<2x4xf32>
      })";
    module = parseSourceString<ModuleOp>(text, context.get());
    if (!module)
      return std::nullopt;
    auto f = *module->getOps<func::FuncOp>().begin();
    Value result = f.getBody().front().getTerminator()->getOperand(0);
    return bnn::ElementwiseChain::build(result, f.getArgument(0));
  }

  /// isAffineByConstruction of `body`'s chain; an affine verdict must agree with evaluation.
  bool affine(const std::string &body) {
    auto chain = chainOf(body);
    EXPECT_TRUE(chain.has_value()) << body;
    if (!chain)
      return false;
    bool verdict = chain->isAffineByConstruction();
    if (verdict) {
      std::mt19937 rng(7);
      std::uniform_real_distribution<float> dist(-1000.0f, 1000.0f);
      for (int64_t c = 0; c < 4; ++c) {
        float b = *chain->evaluate(0.0f, c), a = *chain->evaluate(1.0f, c) - b;
        for (int i = 0; i < 200; ++i) {
          float x = dist(rng);
          EXPECT_NEAR(*chain->evaluate(x, c), a * x + b, 1e-4f * (1.0f + std::fabs(a * x) + std::fabs(b)))
              << body << " at x = " << x << ", channel " << c;
        }
      }
    }
    return verdict;
  }

  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ElementwiseChainTest, ShiftsAndScalesAreAffine) {
  EXPECT_TRUE(affine("%r = arith.subf %x, %k : f32"));                 // RPReLU's x - gamma
  EXPECT_TRUE(affine("%r = arith.addf %k, %x : f32"));                 // its + zeta
  EXPECT_TRUE(affine("%r = arith.mulf %k, %x : f32"));                 // a per-channel scale
  EXPECT_TRUE(affine("%r = arith.divf %x, %k : f32"));                 // a division by it
  EXPECT_TRUE(affine("%r = arith.negf %x : f32"));
  EXPECT_TRUE(affine("%t = arith.mulf %k, %k : f32\n %u = arith.subf %x, %t : f32\n"
                     "%r = arith.mulf %u, %k : f32"));                 // (x - k^2) * k
  EXPECT_TRUE(affine("%t = arith.subf %x, %k : f32\n %r = arith.addf %t, %x : f32")); // 2x - k
  EXPECT_TRUE(affine("%r = arith.maximumf %k, %k : f32"));             // constant in x
}

TEST_F(ElementwiseChainTest, NonLinearOpsAreNotProvedAffine) {
  EXPECT_FALSE(affine("%r = arith.mulf %x, %x : f32"));
  EXPECT_FALSE(affine("%r = arith.divf %k, %x : f32"));
  EXPECT_FALSE(affine("%r = arith.maximumf %x, %k : f32"));            // a clamp
  EXPECT_FALSE(affine("%z = arith.constant 0.0 : f32\n %n = arith.cmpf olt, %x, %z : f32\n"
                      "%m = arith.mulf %x, %k : f32\n %r = arith.select %n, %m, %x : f32")); // PReLU
  EXPECT_FALSE(affine("%r = math.absf %x : f32"));
  EXPECT_FALSE(affine("%t = arith.mulf %x, %k : f32\n %r = arith.mulf %t, %x : f32"));
}

} // namespace

// Unit tests of the cost report's arithmetic: the per-op cost models (BNNCostOpInterface on
// TOSA, linalg and bnn ops), the operand bit widths, the report's totals and formatting.
#include "compiler/Cost.h"
#include "compiler/Report.h"

#include "dialects/BNN/BNNCostInterface.h"
#include "dialects/BNN/BNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <sstream>

using namespace mlir;
using bnn::LayerCost;

namespace {

class CostTest : public ::testing::Test {
protected:
  CostTest() {
    DialectRegistry registry;
    registry.insert<bnn::BNNDialect, arith::ArithDialect, func::FuncDialect,
                    linalg::LinalgDialect, math::MathDialect, tensor::TensorDialect,
                    tosa::TosaDialect>();
    bnnc::registerCostModels(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  /// Parses `body` as the body of `func.func @f(ARGS) -> RESULTS`.
  OwningOpRef<ModuleOp> parse(const std::string &text) {
    module = parseSourceString<ModuleOp>(text, context.get());
    return std::move(module);
  }

  /// The cost of the first op named `name` in `m`.
  LayerCost costOf(ModuleOp m, StringRef name) {
    LayerCost cost;
    bool found = false;
    m.walk([&](Operation *op) {
      if (found || op->getName().getStringRef() != name)
        return;
      auto costed = dyn_cast<bnn::BNNCostOpInterface>(op);
      EXPECT_TRUE(costed) << name.str() << " has no cost model";
      if (costed)
        cost = costed.getLayerCost();
      found = true;
    });
    EXPECT_TRUE(found) << name.str();
    return cost;
  }

  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
};

/// A dense f32 literal of `shape` from `values`, nested as MLIR wants it.
std::string denseLiteral(const std::vector<int64_t> &shape, const std::vector<float> &values) {
  std::ostringstream os;
  os.precision(9);
  size_t next = 0;
  std::function<void(size_t)> emit = [&](size_t dim) {
    os << "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      os << (i ? ", " : "");
      if (dim + 1 == shape.size())
        os << values[next++];
      else
        emit(dim + 1);
    }
    os << "]";
  };
  os << "dense<";
  emit(0);
  os << ">";
  return os.str();
}

/// A dense f32 literal of values that lie on no uniform grid.
std::string randomDense(const std::vector<int64_t> &shape, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.5f);
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  std::vector<float> values(n);
  for (float &v : values)
    v = dist(rng);
  return denseLiteral(shape, values);
}

const char *kZeroPoint =
    "%zp = \"tosa.const\"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>\n";

//===----------------------------------------------------------------------===//
// Operand bit widths
//===----------------------------------------------------------------------===//

TEST(UniformGridTest, Levels) {
  EXPECT_EQ(bnnc::uniformGridLevels({1.0f, 2.0f, 3.0f}), 3);
  EXPECT_EQ(bnnc::uniformGridLevels({0.5f, -0.25f, 0.0f, 0.5f}), 4);  // step 0.25, -0.25..0.5
  EXPECT_EQ(bnnc::uniformGridLevels({-1.0f, 1.0f}), 2);
  EXPECT_EQ(bnnc::uniformGridLevels({7.0f, 7.0f}), 1);
  EXPECT_EQ(bnnc::uniformGridLevels({}), 0);
  // A range far beyond int64 steps of the smallest difference: no grid, and no endless loop.
  EXPECT_EQ(bnnc::uniformGridLevels({-1e30f, 0.0f, 1e-30f, 1e30f}), 0);
  EXPECT_EQ(bnnc::uniformGridLevels({0.0f, 1.0f, 2.5f}), 6);         // step 0.5
  EXPECT_EQ(bnnc::uniformGridLevels({0.0f, 0.3f, 0.7f, 1.0f}), 11); // step 0.1
  EXPECT_EQ(bnnc::uniformGridLevels({0.0f, 0.3f, 0.7f, 1.0f}, 10), 0);
  EXPECT_EQ(bnnc::uniformGridLevels({0.0f, 0.3f, 0.7f, 1.0f}, 11), 11);
  // No two values one step apart: the step is the differences' common divisor.
  EXPECT_EQ(bnnc::uniformGridLevels({-0.6f, 0.0f, 0.4f, 1.4f}), 11);
  EXPECT_EQ(bnnc::uniformGridLevels({0.0f, 1.0f, 3.14159265f}, 256), 0);
  // Every int8 value, dequantized with an awkward scale and zero point, in float32.
  std::vector<float> q;
  for (int v = -128; v <= 127; ++v)
    q.push_back(static_cast<float>(v - 3) * 0.0137f);
  EXPECT_EQ(bnnc::uniformGridLevels(q), 256);
}

TEST(WeightBitsTest, Widths) {
  // +-alpha per output channel (2 channels of 3): binary.
  EXPECT_EQ(bnnc::nominalWeightBits({0.5f, -0.5f, 0.5f, -2.0f, 2.0f, 2.0f}, 2, 3), 1u);
  // One int8 grid for the tensor.
  std::vector<float> w;
  for (int i = 0; i < 64; ++i)
    w.push_back(static_cast<float>((i * 37) % 201 - 100) * 0.01f);
  EXPECT_EQ(bnnc::nominalWeightBits(w, 4, 16), 8u);
  // A grid per output channel (per-axis scales): channel 1 has a 3x larger step.
  std::vector<float> perAxis;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 40; ++i)
      perAxis.push_back(static_cast<float>((i * 13) % 61 - 30) * (c ? 0.0371f : 0.0123f));
  EXPECT_EQ(bnnc::nominalWeightBits(perAxis, 2, 40), 8u);
  // Four levels (2-bit), and 16 levels (4-bit).
  EXPECT_EQ(bnnc::nominalWeightBits({-1.5f, -0.5f, 0.5f, 1.5f, 0.5f, -0.5f}, 2, 3), 2u);
  std::vector<float> four;
  for (int i = 0; i < 32; ++i)
    four.push_back(static_cast<float>(i % 16) - 7.5f);
  EXPECT_EQ(bnnc::nominalWeightBits(four, 2, 16), 4u);
  // Random floats: float, counted as bf16.
  std::mt19937 rng(3);
  std::normal_distribution<float> dist;
  std::vector<float> r(300);
  for (float &f : r)
    f = dist(rng);
  EXPECT_EQ(bnnc::nominalWeightBits(r, 10, 30), 16u);
  // Channels of fewer than 3 values say nothing about a grid.
  EXPECT_EQ(bnnc::nominalWeightBits({0.1f, 0.7137f, 0.2291f, 0.9f, 0.25f, 0.3511f}, 3, 2), 16u);
}

//===----------------------------------------------------------------------===//
// Per-op cost models
//===----------------------------------------------------------------------===//

TEST_F(CostTest, FloatConvDilated) {
  // 3x3 dilation 2, pad 2, 4 -> 6 channels at 8x8: 8*8*6 outputs x 3*3*4 taps.
  auto m = parse(std::string("func.func @f(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x6xf32> {\n") +
                 kZeroPoint + "%w = arith.constant " + randomDense({6, 3, 3, 4}) +
                 " : tensor<6x3x3x4xf32>\n"
                 "%b = arith.constant dense<0.5> : tensor<6xf32>\n"
                 "%y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>,"
                 " pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>,"
                 " tensor<6x3x3x4xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x6xf32>\n"
                 "return %y : tensor<1x8x8x6xf32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost c = costOf(*m, "tosa.conv2d");
  EXPECT_EQ(c.kind, "conv");
  EXPECT_EQ(c.macs, 8 * 8 * 6 * 3 * 3 * 4);
  EXPECT_EQ(c.actBits, 16u);
  EXPECT_EQ(c.weightBits, 16u);
  EXPECT_EQ(c.execActBits, 32u);
  EXPECT_EQ(c.execWeightBits, 32u);
  EXPECT_EQ(c.ace(), 13824 * 256);
  EXPECT_EQ(c.aceExecuted(), 13824 * 1024);
  EXPECT_EQ(c.bops(), 0);
  EXPECT_EQ(c.flops(), 13824);
  EXPECT_DOUBLE_EQ(c.ops(), 13824.0);
  EXPECT_EQ(c.scalarOps, 8 * 8 * 6); // the bias
  EXPECT_EQ(c.weightBytes, (6 * 36 + 6) * 4);
  EXPECT_EQ(c.floatWeightBytes, (6 * 36 + 6) * 4);
  EXPECT_EQ(c.actInBytes, 8 * 8 * 4 * 4);
  EXPECT_EQ(c.actOutBytes, 8 * 8 * 6 * 4);
  EXPECT_EQ(c.inputShape, (std::vector<int64_t>{1, 8, 8, 4}));
  EXPECT_EQ(c.weightShape, (std::vector<int64_t>{6, 3, 3, 4}));
  EXPECT_EQ(c.outputShape, (std::vector<int64_t>{1, 8, 8, 6}));
  EXPECT_EQ(c.floatReason, "activations are a graph input, not binarized");
}

TEST_F(CostTest, DepthwiseAndMatMul) {
  auto m = parse(std::string("func.func @f(%x: tensor<1x8x8x4xf32>, %a: tensor<1x5x7xf32>)"
                             " -> (tensor<1x4x4x8xf32>, tensor<1x5x3xf32>) {\n") +
                 kZeroPoint + "%w = arith.constant " + randomDense({3, 3, 4, 2}) +
                 " : tensor<3x3x4x2xf32>\n"
                 "%b = arith.constant dense<0.0> : tensor<8xf32>\n"
                 "%y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation ="
                 " array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} :"
                 " (tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>,"
                 " tensor<1xf32>) -> tensor<1x4x4x8xf32>\n"
                 "%bm = arith.constant " + randomDense({1, 7, 3}, 2) + " : tensor<1x7x3xf32>\n"
                 "%z = tosa.matmul %a, %bm, %zp, %zp : (tensor<1x5x7xf32>, tensor<1x7x3xf32>,"
                 " tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x3xf32>\n"
                 "return %y, %z : tensor<1x4x4x8xf32>, tensor<1x5x3xf32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost dw = costOf(*m, "tosa.depthwise_conv2d");
  EXPECT_EQ(dw.macs, 4 * 4 * 8 * 3 * 3); // each output reads its one input channel
  EXPECT_EQ(dw.ace(), 1152 * 256);
  EXPECT_EQ(dw.floatReason, "activations are a graph input, not binarized");
  LayerCost mm = costOf(*m, "tosa.matmul");
  EXPECT_EQ(mm.kind, "matmul");
  EXPECT_EQ(mm.macs, 5 * 3 * 7);
  EXPECT_EQ(mm.weightBytes, 21 * 4);
  EXPECT_EQ(mm.actInBytes, 35 * 4);
  EXPECT_EQ(mm.scalarOps, 0);
}

TEST_F(CostTest, BinaryDepthwiseIsBinaryMathOnInt8Lanes) {
  // ACE counts a binary depthwise conv as 1 x 1 bit; it executes on int8 lanes (8 x 8), and
  // it is a binary layer (BOPs, not FLOPs).
  auto m = parse("func.func @f(%x: tensor<1x8x8x4xi8>) -> tensor<1x4x4x4xi32> {\n"
                 "%w = arith.constant dense<1> : tensor<3x3x4xi8>\n"
                 "%d = bnn.bdepthwise_conv2d %x, %w {pad = array<i64: 1, 0, 1, 0>, stride ="
                 " array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>,"
                 " tensor<3x3x4xi8>) -> tensor<1x4x4x4xi32>\n"
                 "return %d : tensor<1x4x4x4xi32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost dw = costOf(*m, "bnn.bdepthwise_conv2d");
  EXPECT_EQ(dw.kind, "conv");
  EXPECT_EQ(dw.macs, 4 * 4 * 4 * 9);
  EXPECT_EQ(dw.ace(), dw.macs);
  EXPECT_EQ(dw.aceExecuted(), dw.macs * 64);
  EXPECT_TRUE(dw.isBinary());
  EXPECT_EQ(dw.bops(), dw.macs);
  EXPECT_EQ(dw.flops(), 0);
  EXPECT_EQ(dw.weightBytes, 36);
  EXPECT_EQ(dw.floatWeightBytes, 36 * 4);
  EXPECT_EQ(dw.actInBytes, 256);
  EXPECT_EQ(dw.actOutBytes, 64 * 4);
}

TEST_F(CostTest, BinaryProductOfTwoActivations) {
  // sign(Q) @ sign(K)^T: batch 2, M 3, N 4, k 100: binary MACs, both operands read as packed
  // sign and mask planes (no weights).
  auto m = parse("func.func @f(%as: tensor<2x3x2xi64>, %am: tensor<2x3x2xi64>, %bs: tensor<2x4x2xi64>,"
                 " %bm: tensor<2x4x2xi64>) -> tensor<2x3x4xi32> {\n"
                 "%d = bnn.bmatmul_act %as, %am, %bs, %bm {k = 100 : i64} : (tensor<2x3x2xi64>,"
                 " tensor<2x3x2xi64>, tensor<2x4x2xi64>, tensor<2x4x2xi64>) -> tensor<2x3x4xi32>\n"
                 "return %d : tensor<2x3x4xi32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost mm = costOf(*m, "bnn.bmatmul_act");
  EXPECT_EQ(mm.kind, "matmul");
  EXPECT_EQ(mm.macs, 2 * 3 * 4 * 100);
  EXPECT_TRUE(mm.isBinary());
  EXPECT_EQ(mm.ace(), mm.macs);
  EXPECT_EQ(mm.weightBytes, 0);
  EXPECT_EQ(mm.actInBytes, (2 * 12 + 2 * 16) * 8);
  EXPECT_EQ(mm.inputShape, (std::vector<int64_t>{2, 3, 100}));
  EXPECT_EQ(mm.weightShape, (std::vector<int64_t>{2, 4, 100}));
}

TEST_F(CostTest, RuntimeRightOperandIsAnActivation) {
  auto m = parse(std::string("func.func @f(%a: tensor<2x4x8xf32>, %b: tensor<2x8x3xf32>)"
                             " -> tensor<2x4x3xf32> {\n") +
                 kZeroPoint +
                 "%z = tosa.matmul %a, %b, %zp, %zp : (tensor<2x4x8xf32>, tensor<2x8x3xf32>,"
                 " tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x3xf32>\n"
                 "return %z : tensor<2x4x3xf32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost mm = costOf(*m, "tosa.matmul");
  EXPECT_EQ(mm.macs, 2 * 4 * 3 * 8);
  EXPECT_EQ(mm.weightBits, 16u);
  EXPECT_EQ(mm.weightBytes, 0);
  EXPECT_EQ(mm.actInBytes, (64 + 48) * 4);
}

TEST_F(CostTest, BinaryLayers) {
  // 100 input channels in 2 words; 3x3 without padding: 8x8 -> 6x6.
  auto m = parse(
      "func.func @f(%s: tensor<1x8x8x2xi64>, %k: tensor<1x8x8x2xi64>, %as: tensor<1x4x2xi64>,"
      " %am: tensor<1x4x2xi64>) -> (tensor<1x6x6x16xf32>, tensor<1x4x10xi32>) {\n"
      "%w = arith.constant dense<7> : tensor<16x3x3x2xi64>\n"
      "%d = bnn.bconv2d %s, %k, %w {in_channels = 100 : i64, pad = array<i64: 0, 0, 0, 0>,"
      " stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x2xi64>,"
      " tensor<1x8x8x2xi64>, tensor<16x3x3x2xi64>) -> tensor<1x6x6x16xi32>\n"
      "%mul = arith.constant dense<0.5> : tensor<16xf32>\n"
      "%bias = arith.constant dense<0.1> : tensor<16xf32>\n"
      "%y = bnn.output_transform %d, %mul, %bias : (tensor<1x6x6x16xi32>, tensor<16xf32>,"
      " tensor<16xf32>) -> tensor<1x6x6x16xf32>\n"
      "%wm = arith.constant dense<3> : tensor<10x2xi64>\n"
      "%e = bnn.bmatmul %as, %am, %wm {k = 100 : i64} : (tensor<1x4x2xi64>, tensor<1x4x2xi64>,"
      " tensor<10x2xi64>) -> tensor<1x4x10xi32>\n"
      "return %y, %e : tensor<1x6x6x16xf32>, tensor<1x4x10xi32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost c = costOf(*m, "bnn.bconv2d");
  EXPECT_EQ(c.macs, 6 * 6 * 16 * 3 * 3 * 100);
  EXPECT_TRUE(c.isBinary());
  EXPECT_EQ(c.ace(), 518400);
  EXPECT_EQ(c.aceExecuted(), 518400);
  EXPECT_EQ(c.bops(), 518400);
  EXPECT_EQ(c.flops(), 0);
  EXPECT_DOUBLE_EQ(c.ops(), 518400.0 / 64);
  EXPECT_EQ(c.weightBytes, 16 * 9 * 2 * 8);       // packed words
  EXPECT_EQ(c.floatWeightBytes, 16 * 9 * 100 * 4); // the float32 weights they replace
  EXPECT_EQ(c.actInBytes, 2 * 128 * 8);           // sign and mask planes
  EXPECT_EQ(c.actOutBytes, 576 * 4);
  EXPECT_EQ(c.inputShape, (std::vector<int64_t>{1, 8, 8, 100}));
  EXPECT_EQ(c.weightShape, (std::vector<int64_t>{16, 3, 3, 100}));
  EXPECT_TRUE(c.floatReason.empty());

  LayerCost t = costOf(*m, "bnn.output_transform");
  EXPECT_EQ(t.kind, "transform");
  EXPECT_EQ(t.macs, 0);
  EXPECT_EQ(t.ace(), 0);
  EXPECT_EQ(t.scalarOps, 576 * 2);
  EXPECT_EQ(t.weightBytes, 2 * 16 * 4);

  LayerCost mm = costOf(*m, "bnn.bmatmul");
  EXPECT_EQ(mm.macs, 4 * 10 * 100);
  EXPECT_EQ(mm.bops(), 4000);
  EXPECT_EQ(mm.weightBytes, 10 * 2 * 8);
  EXPECT_EQ(mm.weightShape, (std::vector<int64_t>{10, 100}));
}

TEST_F(CostTest, ElementwiseAndInt8Operands) {
  // DequantizeLinear (i8 -> f32, 3 body ops) feeding a conv whose weights lie on an int8 grid:
  // 8 x 8 bits; a batch-norm-like generic (2 body ops per element).
  std::vector<float> grid;
  for (int i = 0; i < 3 * 2; ++i)
    grid.push_back(static_cast<float>((i * 53) % 255 - 127) * 0.01f);
  grid[1] = grid[0] + 0.01f; // one step apart somewhere
  std::string w = denseLiteral({3, 1, 1, 2}, grid);
  auto m = parse(
      std::string("#id = affine_map<(a, b, c, d) -> (a, b, c, d)>\n"
                  "#ch = affine_map<(a, b, c, d) -> (d)>\n"
                  "func.func @f(%q: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xf32> {\n") +
      kZeroPoint +
      "%s = arith.constant dense<0.05> : tensor<2xf32>\n"
      "%e = tensor.empty() : tensor<1x4x4x2xf32>\n"
      "%x = linalg.generic {indexing_maps = [#id, #ch, #ch, #id], iterator_types = [\"parallel\","
      " \"parallel\", \"parallel\", \"parallel\"]} ins(%q, %s, %s : tensor<1x4x4x2xi8>,"
      " tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {\n"
      "^bb0(%v: i8, %sc: f32, %z: f32, %o: f32):\n"
      "  %f = arith.sitofp %v : i8 to f32\n"
      "  %d = arith.subf %f, %z : f32\n"
      "  %r = arith.mulf %d, %sc : f32\n"
      "  linalg.yield %r : f32\n"
      "} -> tensor<1x4x4x2xf32>\n"
      "%w = arith.constant " + w + " : tensor<3x1x1x2xf32>\n"
      "%b = arith.constant dense<0.0> : tensor<3xf32>\n"
      "%y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>,"
      " pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>,"
      " tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>\n"
      "return %y : tensor<1x4x4x3xf32>\n}\n");
  ASSERT_TRUE(m);
  LayerCost g = costOf(*m, "linalg.generic");
  EXPECT_EQ(g.kind, "elementwise");
  EXPECT_EQ(g.scalarOps, 32 * 3);
  EXPECT_EQ(g.weightBytes, 2 * 2 * 4);
  EXPECT_EQ(g.actInBytes, 32);
  EXPECT_EQ(g.actOutBytes, 32 * 4);
  LayerCost c = costOf(*m, "tosa.conv2d");
  EXPECT_EQ(c.macs, 4 * 4 * 3 * 2);
  EXPECT_EQ(c.actBits, 8u);
  EXPECT_EQ(c.weightBits, 8u);
  EXPECT_EQ(c.ace(), 96 * 64);
  EXPECT_EQ(c.aceExecuted(), 96 * 1024); // executed on dequantized floats
  EXPECT_EQ(c.flops(), 96);
}

TEST_F(CostTest, PoolsAndReductions) {
  auto m = parse(
      "func.func @f(%x: tensor<1x8x8x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x1x8x4xf32>) {\n"
      "%p = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>,"
      " stride = array<i64: 2, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>\n"
      "%r = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x8x8x4xf32>) -> tensor<1x1x8x4xf32>\n"
      "return %p, %r : tensor<1x4x4x4xf32>, tensor<1x1x8x4xf32>\n}\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(costOf(*m, "tosa.max_pool2d").scalarOps, 64 * 9);
  EXPECT_EQ(costOf(*m, "tosa.reduce_sum").scalarOps, 256);
  EXPECT_EQ(costOf(*m, "tosa.reduce_sum").kind, "reduce");
}

//===----------------------------------------------------------------------===//
// The report
//===----------------------------------------------------------------------===//

TEST_F(CostTest, ReportMergesRowsAndAddsUp) {
  // A grouped conv: two convs from one node (one row), a binary conv whose transform carries
  // the conv's and the batch-norm's names (FusedLoc).
  std::string conv = "tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1,"
                     " 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} :"
                     " (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>,"
                     " tensor<1xf32>) -> tensor<1x4x4x3xf32>";
  auto m = parse(
      std::string("func.func @g(%x: tensor<1x4x4x2xf32>, %s: tensor<1x4x4x1xi64>) -> "
                  "(tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>, tensor<1x4x4x8xf32>) {\n") +
      kZeroPoint + "%w = arith.constant " + randomDense({3, 1, 1, 2}) + " : tensor<3x1x1x2xf32>\n" +
      "%b = arith.constant dense<0.0> : tensor<3xf32>\n" + "%y0 = " + conv +
      " loc(\"grouped\"(\"m.onnx\":1:0))\n" + "%y1 = " + conv + " loc(\"grouped\"(\"m.onnx\":1:0))\n" +
      "%bw = arith.constant dense<1> : tensor<8x1x1x1xi64>\n"
      "%d = bnn.bconv2d %s, %s, %bw {in_channels = 64 : i64, pad = array<i64: 0, 0, 0, 0>,"
      " stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1xi64>,"
      " tensor<1x4x4x1xi64>, tensor<8x1x1x1xi64>) -> tensor<1x4x4x8xi32> loc(\"bconv\")\n"
      "%mul = arith.constant dense<0.5> : tensor<8xf32>\n"
      "%z = bnn.output_transform %d, %mul, %mul : (tensor<1x4x4x8xi32>, tensor<8xf32>,"
      " tensor<8xf32>) -> tensor<1x4x4x8xf32> loc(fused[\"bconv\", \"bn\"])\n"
      "return %y0, %y1, %z : tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>, tensor<1x4x4x8xf32>\n}\n");
  ASSERT_TRUE(m);
  bnnc::CostReport r = bnnc::buildCostReport(*m, "dir/m.onnx");
  EXPECT_EQ(r.model, "m.onnx");
  EXPECT_EQ(r.function, "g");
  EXPECT_EQ(r.batch, 1);
  ASSERT_EQ(r.layers.size(), 3u);
  EXPECT_EQ(r.layers[0].nodes, (std::vector<std::string>{"grouped"}));
  EXPECT_EQ(r.layers[0].count, 2);
  EXPECT_EQ(r.layers[0].cost.macs, 2 * 96);
  EXPECT_EQ(r.layers[0].ace, 2 * 96 * 256);
  EXPECT_EQ(r.layers[1].op, "bnn.bconv2d");
  EXPECT_EQ(r.layers[1].cost.macs, 16 * 8 * 64);
  EXPECT_EQ(r.layers[2].nodes, (std::vector<std::string>{"bconv", "bn"}));

  const bnnc::ReportTotals &t = r.totals;
  EXPECT_EQ(t.macs, 192 + 8192);
  EXPECT_EQ(t.binaryMacs, 8192);
  EXPECT_EQ(t.ace, 192 * 256 + 8192);
  EXPECT_EQ(t.aceExecuted, 192 * 1024 + 8192);
  EXPECT_EQ(t.bops, 8192);
  EXPECT_EQ(t.flops, 192);
  EXPECT_DOUBLE_EQ(t.ops, 8192.0 / 64 + 192);
  EXPECT_EQ(t.scalarOps, 2 * 48 + 128 * 2);
  EXPECT_EQ(t.macLayers, 2); // rows: the grouped conv is one layer
  EXPECT_EQ(t.binaryLayers, 1);
  EXPECT_EQ(t.floatLayers, 1);
  // Weights: 2 x (6 + 3) floats, 8 packed words, 2 x 8 floats of the transform.
  EXPECT_EQ(t.weightBytes, 2 * 9 * 4 + 8 * 8 + 16 * 4);

  const bnnc::ReportTotals &f = r.floatBaseline;
  EXPECT_EQ(f.macs, t.macs);
  EXPECT_EQ(f.ace, t.macs * 256);
  EXPECT_EQ(f.aceExecuted, t.macs * 1024);
  EXPECT_EQ(f.bops, 0);
  EXPECT_EQ(f.flops, t.macs);
  EXPECT_EQ(f.weightBytes, 2 * 9 * 4 + 8 * 64 * 4 + 16 * 4);

  // Live at most while the transform runs: %y0 and %y1 (192 B each, results live to the end),
  // %d (512 B) and %z (512 B); %x and %s (128 B each) are dead after their last reader.
  EXPECT_EQ(r.peakActivationBytes, 192 + 192 + 512 + 512);

  std::string text;
  llvm::raw_string_ostream os(text);
  bnnc::printTextReport(r, os);
  EXPECT_NE(text.find("tosa.conv2d x2"), std::string::npos) << text;
  EXPECT_NE(text.find("bconv,bn"), std::string::npos) << text;
  std::string json;
  llvm::raw_string_ostream js(json);
  bnnc::printJsonReport(r, js);
  EXPECT_NE(json.find("\"nodes\": [\"bconv\",\"bn\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"schema\": \"bnnc-cost-report\""), std::string::npos);
}

TEST(FormatTest, Units) {
  EXPECT_EQ(bnnc::formatCount(0), "0");
  EXPECT_EQ(bnnc::formatCount(999), "999");
  EXPECT_EQ(bnnc::formatCount(6912), "6912");
  EXPECT_EQ(bnnc::formatCount(9999.6), "10.0K");
  EXPECT_EQ(bnnc::formatCount(10836.0), "10.8K");
  EXPECT_EQ(bnnc::formatCount(118013952.0), "118M");
  EXPECT_EQ(bnnc::formatCount(4089184256.0), "4.09G");
  EXPECT_EQ(bnnc::formatCount(1046831169536.0), "1.05T");
  EXPECT_EQ(bnnc::formatCount(13.5), "13.50");
}

TEST(FormatTest, ReportFormats) {
  bnnc::ReportFormat f;
  EXPECT_TRUE(bnnc::parseReportFormat("json", f));
  EXPECT_EQ(f, bnnc::ReportFormat::Json);
  EXPECT_FALSE(bnnc::parseReportFormat("csv", f));
  EXPECT_EQ(bnnc::reportFormatForPath("a/b.HTML"), bnnc::ReportFormat::Html);
  EXPECT_EQ(bnnc::reportFormatForPath("r.json"), bnnc::ReportFormat::Json);
  EXPECT_EQ(bnnc::reportFormatForPath("r.txt"), bnnc::ReportFormat::Text);
}

} // namespace

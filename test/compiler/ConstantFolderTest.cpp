// Unit tests of the compile-time evaluator: every folded op against values computed by hand or
// by a direct loop, and the graph-level folding of weight subgraphs and shape chains.
#include "compiler/ConstantFolder.h"

#include <gtest/gtest.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <random>

using namespace bnnc;

namespace {

onnx::NodeProto node(const std::string &op, int inputs, int outputs = 1) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(op);
  for (int i = 0; i < inputs; ++i)
    n.add_input("i" + std::to_string(i));
  for (int i = 0; i < outputs; ++i)
    n.add_output("o" + std::to_string(i));
  return n;
}

void setInts(onnx::NodeProto &n, const std::string &name, std::vector<int64_t> v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v)
    a->add_ints(x);
}

void setInt(onnx::NodeProto &n, const std::string &name, int64_t v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

Tensor eval(const onnx::NodeProto &n, std::vector<const Tensor *> in, int opset = 13) {
  std::vector<Tensor> out;
  std::string error;
  EXPECT_EQ(evaluateNode(n, opset, in, out, error), FoldStatus::Folded) << error;
  return out.empty() ? Tensor() : out[0];
}

} // namespace

TEST(ConstantFolder, XnorNetScaleIsMeanAbsPerChannel) {
  // alpha_c = mean over (I, KH, KW) of |W_c|: Abs -> ReduceMean(axes 1,2,3, keepdims).
  std::mt19937 rng(7);
  std::normal_distribution<float> dist;
  Tensor w(kFloat, {4, 3, 2, 2});
  for (double &v : w.data)
    v = dist(rng);
  Tensor absW = eval(node("Abs", 1), {&w});
  auto mean = node("ReduceMean", 1);
  setInts(mean, "axes", {1, 2, 3});
  Tensor alpha = eval(mean, {&absW});
  ASSERT_EQ(alpha.shape, (std::vector<int64_t>{4, 1, 1, 1}));
  for (int c = 0; c < 4; ++c) {
    double sum = 0;
    for (int k = 0; k < 12; ++k)
      sum += std::fabs(w.data[c * 12 + k]);
    EXPECT_NEAR(alpha.data[c], sum / 12, 1e-6);
  }
  // Sign(W) * alpha is +-alpha_c: the value the binarization pass classifies.
  Tensor signW = eval(node("Sign", 1), {&w});
  Tensor scaled = eval(node("Mul", 2), {&signW, &alpha});
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 12; ++k)
      EXPECT_EQ(std::fabs(scaled.data[c * 12 + k]), alpha.data[c]);
}

TEST(ConstantFolder, SignOfZeroIsZero) {
  Tensor x(kFloat, {3}, {-2, 0, 5});
  EXPECT_EQ(eval(node("Sign", 1), {&x}).data, (std::vector<double>{-1, 0, 1}));
}

TEST(ConstantFolder, RoundIsHalfToEven) {
  Tensor x(kFloat, {6}, {0.5, 1.5, 2.5, -0.5, -1.5, 2.4});
  EXPECT_EQ(eval(node("Round", 1), {&x}).data, (std::vector<double>{0, 2, 2, -0, -2, 2}));
}

TEST(ConstantFolder, BroadcastingBinaryOps) {
  Tensor a(kFloat, {2, 1}, {1, 2});
  Tensor b(kFloat, {3}, {10, 20, 30});
  Tensor sum = eval(node("Add", 2), {&a, &b});
  EXPECT_EQ(sum.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(sum.data, (std::vector<double>{11, 21, 31, 12, 22, 32}));
  Tensor q = eval(node("Div", 2), {&b, &a});
  EXPECT_FLOAT_EQ(static_cast<float>(q.data[3]), 5.0f);
  Tensor p = eval(node("Pow", 2), {&a, &a});
  EXPECT_EQ(p.data, (std::vector<double>{1, 4}));
}

TEST(ConstantFolder, IntegerDivisionTruncatesAndRejectsZero) {
  Tensor a(kInt64, {2}, {7, -7});
  Tensor b(kInt64, {1}, {2});
  EXPECT_EQ(eval(node("Div", 2), {&a, &b}).data, (std::vector<double>{3, -3}));
  Tensor zero(kInt64, {1}, {0});
  std::vector<Tensor> out;
  std::string error;
  EXPECT_EQ(evaluateNode(node("Div", 2), 13, {&a, &zero}, out, error), FoldStatus::Error);
}

TEST(ConstantFolder, ShapeGatherConcatReshapeChain) {
  // x.view(x.size(0), -1) as PyTorch exports it.
  Tensor x(kFloat, {2, 3, 4, 5});
  Tensor shape = eval(node("Shape", 1), {&x});
  EXPECT_EQ(shape.data, (std::vector<double>{2, 3, 4, 5}));
  Tensor idx(kInt64, {}, {0});
  Tensor n = eval(node("Gather", 2), {&shape, &idx});
  EXPECT_EQ(n.shape, std::vector<int64_t>{});
  auto unsq = node("Unsqueeze", 2);
  Tensor axes(kInt64, {1}, {0});
  Tensor n1 = eval(unsq, {&n, &axes});
  Tensor minus1(kInt64, {1}, {-1});
  auto concat = node("Concat", 2);
  setInt(concat, "axis", 0);
  Tensor target = eval(concat, {&n1, &minus1});
  EXPECT_EQ(target.data, (std::vector<double>{2, -1}));
  Tensor flat = eval(node("Reshape", 2), {&x, &target});
  EXPECT_EQ(flat.shape, (std::vector<int64_t>{2, 60}));
}

TEST(ConstantFolder, SliceWithOpenEndAndSteps) {
  Tensor x(kFloat, {6}, {0, 1, 2, 3, 4, 5});
  Tensor starts(kInt64, {1}, {1}), ends(kInt64, {1}, {9.3e18}), axes(kInt64, {1}, {0}),
      steps(kInt64, {1}, {2});
  EXPECT_EQ(eval(node("Slice", 5), {&x, &starts, &ends, &axes, &steps}).data,
            (std::vector<double>{1, 3, 5}));
  Tensor nstarts(kInt64, {1}, {-1}), nends(kInt64, {1}, {-9.3e18}), nsteps(kInt64, {1}, {-2});
  EXPECT_EQ(eval(node("Slice", 5), {&x, &nstarts, &nends, &axes, &nsteps}).data,
            (std::vector<double>{5, 3, 1}));
}

TEST(ConstantFolder, ReductionsWithKeepdimsOff) {
  Tensor x(kFloat, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto sum = node("ReduceSum", 2);
  setInt(sum, "keepdims", 0);
  Tensor axes(kInt64, {1}, {1});
  Tensor r = eval(sum, {&x, &axes});
  EXPECT_EQ(r.shape, std::vector<int64_t>{2});
  EXPECT_EQ(r.data, (std::vector<double>{6, 15}));
  auto mx = node("ReduceMax", 1);
  Tensor m = eval(mx, {&x});
  EXPECT_EQ(m.shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(m.data, std::vector<double>{6});
}

TEST(ConstantFolder, UnknownOpsAreLeftAlone) {
  Tensor x(kFloat, {1}, {1});
  std::vector<Tensor> out;
  std::string error;
  EXPECT_EQ(evaluateNode(node("Conv", 1), 13, {&x}, out, error), FoldStatus::NotFoldable);
  auto custom = node("Trunc", 1);
  custom.set_domain("qonnx.custom_op.general");
  EXPECT_EQ(evaluateNode(custom, 13, {&x}, out, error), FoldStatus::NotFoldable);
  // A QONNX quantizer with a missing input is an error, not a crash.
  auto bipolar = node("BipolarQuant", 1);
  bipolar.set_domain("qonnx.custom_op.general");
  EXPECT_EQ(evaluateNode(bipolar, 13, {&x}, out, error), FoldStatus::Error);
}

TEST(ConstantFolder, QonnxQuantizersOnWeights) {
  Tensor w(kFloat, {4}, {0.3, -2.0, 0.0, -0.1});
  Tensor scale(kFloat, {}, {0.5});
  auto bipolar = node("BipolarQuant", 2);
  bipolar.set_domain("qonnx.custom_op.general");
  EXPECT_EQ(eval(bipolar, {&w, &scale}).data, (std::vector<double>{0.5, -0.5, 0.5, -0.5}));
  // 1-bit signed Quant: (bipolar(w / s + z) - z) * s, as QONNX's int_quant.
  Tensor zero(kFloat, {}, {0.0}), one(kFloat, {}, {1.0});
  auto quant = node("Quant", 4);
  quant.set_domain("qonnx.custom_op.general");
  setInt(quant, "signed", 1);
  EXPECT_EQ(eval(quant, {&w, &scale, &zero, &one}).data, (std::vector<double>{0.5, -0.5, 0.5, -0.5}));
  // 4-bit: round half to even of w / s, clamped to [-8, 7].
  Tensor four(kFloat, {}, {4.0});
  Tensor v(kFloat, {3}, {0.25, 100.0, -0.75});
  EXPECT_EQ(eval(quant, {&v, &scale, &zero, &four}).data, (std::vector<double>{0.0, 3.5, -1.0}));
}

TEST(ConstantFolder, DequantizeLinearPerAxis) {
  Tensor q(kInt8, {2, 2}, {-128, 10, 3, 127});
  Tensor scale(kFloat, {2}, {0.5, 2.0});
  Tensor zp(kInt8, {2}, {0, 1});
  auto dq = node("DequantizeLinear", 3);
  setInt(dq, "axis", 0);
  EXPECT_EQ(eval(dq, {&q, &scale, &zp}).data, (std::vector<double>{-64, 5, 4, 252}));
}

TEST(ConstantFolder, GraphFoldingRemovesWeightSubgraph) {
  const char *text = R"(
    <ir_version: 8, opset_import: ["" : 13]>
    g (float[1,3,4,4] x) => (float[1,2,4,4] y) <float[2,3,3,3] w = {
      1,-2,3,-4,5,-6,7,-8,9,1,-2,3,-4,5,-6,7,-8,9,1,-2,3,-4,5,-6,7,-8,9,
      -1,2,-3,4,-5,6,-7,8,-9,-1,2,-3,4,-5,6,-7,8,-9,-1,2,-3,4,-5,6,-7,8,-9}> {
      a = Abs(w)
      m = ReduceMean<axes = [1, 2, 3]>(a)
      s = Sign(w)
      wb = Mul(s, m)
      y = Conv<pads = [1, 1, 1, 1]>(x, wb)
    })";
  onnx::ModelProto model;
  auto status = onnx::OnnxParser::Parse(model, text);
  ASSERT_TRUE(status.IsOK()) << status.ErrorMessage();
  ConstantMap constants;
  std::string error;
  for (const auto &init : model.graph().initializer())
    ASSERT_TRUE(tensorFromProto(init, constants[init.name()], error)) << error;
  ASSERT_TRUE(foldConstants(model, constants, error)) << error;
  ASSERT_EQ(model.graph().node_size(), 1);
  EXPECT_EQ(model.graph().node(0).op_type(), "Conv");
  ASSERT_TRUE(constants.count("wb"));
  EXPECT_FLOAT_EQ(static_cast<float>(constants["wb"].data[0]), 5.0f);  // mean|w_0| = 5
  EXPECT_FLOAT_EQ(static_cast<float>(constants["wb"].data[1]), -5.0f);
}

TEST(ConstantFolder, CompileTimeOnlyOpsAreFolded) {
  // Each op that bnnc lists as compile-time only (docs/ops.md) folds on constant inputs.
  Tensor b1(kBool, {2}, {1, 0}), b2(kBool, {2}, {1, 1});
  Tensor shape(kInt64, {2}, {2, 3}), x(kFloat, {2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor start(kInt64, {}, {1}), limit(kInt64, {}, {7}), delta(kInt64, {}, {2});
  for (const std::string &op : compileTimeOnlyOps()) {
    SCOPED_TRACE(op);
    if (op == "And" || op == "Or") {
      Tensor r = eval(node(op, 2), {&b1, &b2});
      EXPECT_EQ(r.data, (std::vector<double>{1, op == "Or" ? 1.0 : 0.0}));
    } else if (op == "Not") {
      EXPECT_EQ(eval(node(op, 1), {&b1}).data, (std::vector<double>{0, 1}));
    } else if (op == "Constant") {
      auto n = node(op, 0);
      auto *a = n.add_attribute();
      a->set_name("value_float");
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(2.5f);
      EXPECT_EQ(eval(n, {}).data, (std::vector<double>{2.5}));
    } else if (op == "ConstantOfShape") {
      Tensor r = eval(node(op, 1), {&shape});
      EXPECT_EQ(r.shape, (std::vector<int64_t>{2, 3}));
      EXPECT_EQ(r.data, std::vector<double>(6, 0.0));
    } else if (op == "Range") {
      EXPECT_EQ(eval(node(op, 3), {&start, &limit, &delta}).data, (std::vector<double>{1, 3, 5}));
    } else if (op == "ReduceProd") {
      auto n = node(op, 1);
      setInts(n, "axes", {1});
      setInt(n, "keepdims", 0);
      EXPECT_EQ(eval(n, {&x}).data, (std::vector<double>{6, 120}));
    } else if (op == "Shape") {
      EXPECT_EQ(eval(node(op, 1), {&x}).data, (std::vector<double>{2, 3}));
    } else {
      ADD_FAILURE() << "no test input for " << op;
    }
  }
}

TEST(ConstantFolder, DonatedInputsGiveTheSameResultsInPlace) {
  // A donated input (a constant the node alone reads) may hold the result; the values must be
  // those of the fresh-buffer evaluation, for unary ops, for either operand of a broadcasting
  // binary op, and for a reshape; an operand of another shape or type is not overwritten.
  std::mt19937 rng(11);
  std::normal_distribution<float> dist;
  Tensor w(kFloat, {4, 3, 2, 2}), alpha(kFloat, {4, 1, 1, 1});
  for (double &v : w.data)
    v = static_cast<float>(dist(rng));
  for (double &v : alpha.data)
    v = static_cast<float>(std::fabs(dist(rng)));
  auto run = [&](const onnx::NodeProto &n, std::vector<const Tensor *> in, std::vector<Tensor *> donated) {
    std::vector<Tensor> out;
    std::string error;
    EXPECT_EQ(evaluateNode(n, 13, in, out, error, donated), FoldStatus::Folded) << error;
    return out.empty() ? Tensor() : std::move(out[0]);
  };
  for (const char *op : {"Abs", "Sign", "Neg", "Relu"}) {
    Tensor expected = eval(node(op, 1), {&w});
    Tensor mine = w;
    const double *storage = mine.data.data();
    Tensor got = run(node(op, 1), {&mine}, {&mine});
    EXPECT_EQ(got.data, expected.data) << op;
    EXPECT_EQ(got.shape, expected.shape) << op;
    EXPECT_EQ(got.data.data(), storage) << op << " was not computed in place";
  }
  // sign(W) * alpha with W donated (result shape), then alpha * sign(W) with W second.
  Tensor sw = eval(node("Sign", 1), {&w});
  Tensor expected = eval(node("Mul", 2), {&sw, &alpha});
  Tensor a = sw, b = sw;
  Tensor got = run(node("Mul", 2), {&a, &alpha}, {&a, &alpha});
  EXPECT_EQ(got.data, expected.data);
  EXPECT_EQ(alpha.data.size(), 4u); // the broadcast operand is not the result's shape: kept
  got = run(node("Mul", 2), {&alpha, &b}, {nullptr, &b});
  EXPECT_EQ(got.data, expected.data);
  // A reshape moves the data.
  Tensor shape(kInt64, {2}, {4, 12});
  Tensor r = w;
  const double *storage = r.data.data();
  got = run(node("Reshape", 2), {&r, &shape}, {&r, nullptr});
  EXPECT_EQ(got.shape, (std::vector<int64_t>{4, 12}));
  EXPECT_EQ(got.data, w.data);
  EXPECT_EQ(got.data.data(), storage);
}

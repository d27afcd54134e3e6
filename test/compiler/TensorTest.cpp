// Unit tests of the compile-time tensor: conversions, broadcasting, transposition.
#include "compiler/Tensor.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <limits>

using namespace bnnc;

TEST(Tensor, CastRoundsToTheStoredType) {
  Tensor f(kFloat, {1});
  EXPECT_EQ(f.cast(0.1), static_cast<double>(0.1f));
  Tensor i8(kInt8, {1});
  EXPECT_EQ(i8.cast(127.9), 127.0);
  EXPECT_EQ(i8.cast(128.0), -128.0); // wraps like a C conversion
  EXPECT_EQ(i8.cast(-129.0), 127.0);
  Tensor u8(kUInt8, {1});
  EXPECT_EQ(u8.cast(-1.0), 255.0);
  Tensor b(kBool, {1});
  EXPECT_EQ(b.cast(-3.0), 1.0);
  EXPECT_EQ(b.cast(0.0), 0.0);
}

TEST(Tensor, StridesAreRowMajor) {
  Tensor t(kFloat, {2, 3, 4});
  EXPECT_EQ(t.strides(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(t.numel(), 24);
  Tensor scalar(kFloat, {});
  EXPECT_EQ(scalar.numel(), 1);
}

TEST(Tensor, BroadcastShapesFollowNumpy) {
  std::vector<int64_t> out;
  ASSERT_TRUE(broadcastShapes({2, 1, 4}, {3, 1}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{2, 3, 4}));
  ASSERT_TRUE(broadcastShapes({}, {5}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{5}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {4, 3}, out));
}

TEST(Tensor, BroadcastAtReadsSizeOneAxesAtZero) {
  Tensor t(kFloat, {3, 1}, {1, 2, 3});
  EXPECT_EQ(t.broadcastAt({0, 2, 5}), 3.0); // index (2, 0) of t
  EXPECT_EQ(t.broadcastAt({1, 0}), 2.0);
}

TEST(Tensor, TransposeMatchesIndexArithmetic) {
  // A random-looking 2x3x4x5 tensor, NCHW -> NHWC and back.
  Tensor t(kFloat, {2, 3, 4, 5});
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<double>((i * 37) % 101);
  Tensor nhwc = transpose(t, {0, 2, 3, 1});
  ASSERT_EQ(nhwc.shape, (std::vector<int64_t>{2, 4, 5, 3}));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t h = 0; h < 4; ++h)
        for (int64_t w = 0; w < 5; ++w)
          EXPECT_EQ(nhwc.data[((n * 4 + h) * 5 + w) * 3 + c], t.data[((n * 3 + c) * 4 + h) * 5 + w]);
  Tensor back = transpose(nhwc, {0, 3, 1, 2});
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
}

TEST(Tensor, TransposeEdgeShapes) {
  // Rank 0 and 1, a unit axis innermost, an empty tensor, and a rank-3 rotation.
  Tensor scalar(kFloat, {}, {7});
  EXPECT_EQ(transpose(scalar, {}).data, (std::vector<double>{7}));
  Tensor vec(kFloat, {3}, {1, 2, 3});
  EXPECT_EQ(transpose(vec, {0}).data, vec.data);
  Tensor col(kFloat, {3, 1}, {1, 2, 3});
  Tensor row = transpose(col, {1, 0});
  EXPECT_EQ(row.shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(row.data, col.data);
  Tensor empty(kFloat, {2, 0, 3});
  EXPECT_TRUE(transpose(empty, {2, 0, 1}).data.empty());
  Tensor t(kFloat, {2, 3, 4});
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<double>(i);
  Tensor r = transpose(t, {2, 0, 1}); // [4, 2, 3]: r[k][i][j] = t[i][j][k]
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k)
        EXPECT_EQ(r.data[(k * 2 + i) * 3 + j], t.data[(i * 3 + j) * 4 + k]);
}

TEST(Tensor, ProtoRoundTripKeepsValues) {
  Tensor t(kInt64, {3}, {1, -2, 0});
  t.data[2] = 9.3e18; // larger than INT64_MAX as a double: clamps, as Slice's "to the end"
  onnx::TensorProto proto;
  tensorToProto(t, "x", proto);
  Tensor back;
  std::string error;
  ASSERT_TRUE(tensorFromProto(proto, back, error)) << error;
  EXPECT_EQ(back.toInts(), (std::vector<int64_t>{1, -2, std::numeric_limits<int64_t>::max()}));

  Tensor f(kFloat, {2, 2}, {0.5, -1.25, 3, 4});
  tensorToProto(f, "f", proto);
  ASSERT_TRUE(tensorFromProto(proto, back, error)) << error;
  EXPECT_EQ(back.shape, f.shape);
  EXPECT_EQ(back.data, f.data);
}

TEST(Tensor, RawDataIsRead) {
  onnx::TensorProto proto;
  proto.set_name("w");
  proto.set_data_type(kFloat);
  proto.add_dims(2);
  float values[2] = {1.5f, -2.0f};
  proto.set_raw_data(std::string(reinterpret_cast<const char *>(values), sizeof(values)));
  Tensor t;
  std::string error;
  ASSERT_TRUE(tensorFromProto(proto, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<double>{1.5, -2.0}));
}

TEST(Tensor, BadProtosAreErrorsNotCrashes) {
  onnx::TensorProto proto;
  proto.set_name("w");
  proto.set_data_type(kFloat);
  proto.add_dims(3);
  proto.add_float_data(1.0f); // 1 value for 3 elements
  Tensor t;
  std::string error;
  EXPECT_FALSE(tensorFromProto(proto, t, error));
  EXPECT_NE(error.find("holds 1 values"), std::string::npos);

  proto.set_data_type(10); // float16
  EXPECT_FALSE(tensorFromProto(proto, t, error));
  EXPECT_NE(error.find("float16"), std::string::npos);

  proto.set_data_type(kFloat);
  proto.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_FALSE(tensorFromProto(proto, t, error));
  EXPECT_NE(error.find("external"), std::string::npos);
}

// Tests of the dtype and tensor helpers (runtime/src/runtime.c).
#include "bnnc/bnnc_runtime.h"

#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

// The dtype numbers are ONNX's TensorProto.DataType; the generated code relies on them.
static_assert(BNNC_FLOAT32 == 1 && BNNC_UINT8 == 2 && BNNC_INT8 == 3 && BNNC_INT32 == 6 &&
                  BNNC_INT64 == 7 && BNNC_BOOL == 9 && BNNC_FLOAT64 == 11,
              "bnnc_dtype must match ONNX TensorProto.DataType");
static_assert(BNNC_ABI_VERSION == 2u, "update docs/runtime.md when the ABI changes");

TEST(Runtime, DtypeSize) {
  EXPECT_EQ(bnnc_dtype_size(BNNC_FLOAT32), 4u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_UINT8), 1u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_INT8), 1u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_INT32), 4u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_INT64), 8u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_BOOL), 1u);
  EXPECT_EQ(bnnc_dtype_size(BNNC_FLOAT64), 8u);
  for (int32_t unknown : {0, 4, 5, 8, 10, 12, 16, -1, 1000})
    EXPECT_EQ(bnnc_dtype_size(unknown), 0u);
}

TEST(Runtime, DtypeName) {
  EXPECT_STREQ(bnnc_dtype_name(BNNC_FLOAT32), "float32");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_UINT8), "uint8");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_INT8), "int8");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_INT32), "int32");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_INT64), "int64");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_BOOL), "bool");
  EXPECT_STREQ(bnnc_dtype_name(BNNC_FLOAT64), "float64");
  EXPECT_STREQ(bnnc_dtype_name(42), "unknown");
}

TEST(Runtime, TensorNumel) {
  const int64_t s23[] = {2, 3};
  const int64_t s0[] = {4, 0, 5};
  const int64_t neg[] = {2, -1};
  const int64_t big[] = {INT64_MAX, 2};
  const int64_t max[] = {INT64_MAX, 1};
  bnnc_tensor_info t = {"t", BNNC_FLOAT32, 2, s23};
  EXPECT_EQ(bnnc_tensor_numel(&t), 6);
  t.rank = 0;
  t.shape = nullptr;
  EXPECT_EQ(bnnc_tensor_numel(&t), 1);
  t.rank = 3;
  t.shape = s0;
  EXPECT_EQ(bnnc_tensor_numel(&t), 0);
  t.rank = 2;
  t.shape = neg;
  EXPECT_EQ(bnnc_tensor_numel(&t), -1);
  t.shape = big;
  EXPECT_EQ(bnnc_tensor_numel(&t), -1);
  t.shape = max;
  EXPECT_EQ(bnnc_tensor_numel(&t), INT64_MAX);
  t.shape = nullptr;
  EXPECT_EQ(bnnc_tensor_numel(&t), -1);
  t.rank = -1;
  t.shape = s23;
  EXPECT_EQ(bnnc_tensor_numel(&t), -1);
  EXPECT_EQ(bnnc_tensor_numel(nullptr), -1);
}

TEST(Runtime, AllocIsAligned) {
  for (size_t n : {0u, 1u, 3u, 63u, 64u, 65u, 1000u, 1u << 20}) {
    void *p = bnnc_alloc(n);
    ASSERT_NE(p, nullptr) << n;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % BNNC_ALIGNMENT, 0u) << n;
    std::memset(p, 0xAB, n);
    bnnc_free(p);
  }
  bnnc_free(nullptr);
  EXPECT_EQ(bnnc_alloc(SIZE_MAX), nullptr);
  EXPECT_EQ(bnnc_alloc(SIZE_MAX - 10), nullptr);
}

TEST(Runtime, FormatShape) {
  char buf[64];
  const int64_t s[] = {2, 3, 224};
  EXPECT_STREQ(bnnc_format_shape(buf, sizeof buf, 0, nullptr), "[]");
  EXPECT_STREQ(bnnc_format_shape(buf, sizeof buf, 1, s), "[2]");
  EXPECT_STREQ(bnnc_format_shape(buf, sizeof buf, 3, s), "[2, 3, 224]");
  char small[6];
  EXPECT_STREQ(bnnc_format_shape(small, sizeof small, 3, s), "[2, 3");
  char one[1] = {'x'};
  EXPECT_STREQ(bnnc_format_shape(one, sizeof one, 3, s), "");
  EXPECT_EQ(bnnc_format_shape(nullptr, 0, 3, s), nullptr);
}

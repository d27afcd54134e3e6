// Tests of the .npy reader and writer (runtime/src/npy.c).
#include "bnnc/npy.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

using bnnc_test::MakeNpy;
using bnnc_test::ReadFile;
using bnnc_test::TempDir;
using bnnc_test::WriteFile;

namespace {

constexpr int32_t kAllDtypes[] = {BNNC_FLOAT32, BNNC_UINT8, BNNC_INT8,   BNNC_INT32,
                                  BNNC_INT64,   BNNC_BOOL,  BNNC_FLOAT64};

// Owns a bnnc_npy_array.
struct Array {
  bnnc_npy_array a;
  Array() { std::memset(&a, 0, sizeof a); }
  ~Array() { bnnc_npy_free(&a); }
  Array(const Array &) = delete;
  Array &operator=(const Array &) = delete;
};

struct Result {
  int status;
  std::string err;
};

// Parses bytes from an exactly sized heap copy, so that a sanitizer catches any overread.
Result Parse(const std::string &bytes, Array &out) {
  std::unique_ptr<char[]> copy(new char[bytes.size() ? bytes.size() : 1]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  char err[512];
  std::memset(err, 'x', sizeof err);
  int st = bnnc_npy_parse(copy.get(), bytes.size(), &out.a, err, sizeof err);
  EXPECT_NE(std::memchr(err, '\0', sizeof err), nullptr);
  return {st, err};
}

Result ParseStatus(const std::string &bytes) {
  Array a;
  Result r = Parse(bytes, a);
  if (r.status != BNNC_NPY_OK) {
    EXPECT_EQ(a.a.data, nullptr);
    EXPECT_FALSE(r.err.empty()) << "status " << r.status << " without a message";
  }
  return r;
}

Result ReadStatus(const std::string &path) {
  Array a;
  char err[512];
  int st = bnnc_npy_read(path.c_str(), &a.a, err, sizeof err);
  if (st != BNNC_NPY_OK) {
    EXPECT_EQ(a.a.data, nullptr);
    EXPECT_GT(std::strlen(err), 0u);
  }
  return {st, err};
}

// Deterministic bytes for an array of a dtype (valid bools are 0 or 1).
std::vector<unsigned char> Pattern(int32_t dtype, int64_t numel) {
  size_t esize = bnnc_dtype_size(dtype);
  std::vector<unsigned char> v(static_cast<size_t>(numel) * esize);
  for (int64_t i = 0; i < numel; ++i) {
    unsigned char *p = v.data() + i * esize;
    switch (dtype) {
    case BNNC_FLOAT32: {
      float f = 0.5f * static_cast<float>(i) - 3.25f;
      std::memcpy(p, &f, 4);
      break;
    }
    case BNNC_FLOAT64: {
      double d = 1e300 / static_cast<double>(i + 1) - 7.0;
      std::memcpy(p, &d, 8);
      break;
    }
    case BNNC_INT32: {
      int32_t x = static_cast<int32_t>(i * 2654435761u);
      std::memcpy(p, &x, 4);
      break;
    }
    case BNNC_INT64: {
      int64_t x = static_cast<int64_t>(i * 0x9E3779B97F4A7C15ull);
      std::memcpy(p, &x, 8);
      break;
    }
    case BNNC_BOOL: *p = static_cast<unsigned char>(i % 3 == 0); break;
    default: *p = static_cast<unsigned char>(i * 37 + 11); break;
    }
  }
  return v;
}

std::string F32Data(std::initializer_list<float> values) {
  std::string s;
  for (float f : values)
    s.append(reinterpret_cast<const char *>(&f), sizeof f);
  return s;
}

const std::string kDict23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
const std::string kData23 = F32Data({1, 2, 3, 4, 5, 6});

} // namespace

// ---- round trips ----

TEST(NpyRoundTrip, EveryDtypeRanks0To5) {
  TempDir dir;
  const int64_t dims[] = {2, 3, 1, 4, 2};
  for (int32_t dtype : kAllDtypes) {
    for (int32_t rank = 0; rank <= 5; ++rank) {
      SCOPED_TRACE(std::string(bnnc_dtype_name(dtype)) + " rank " + std::to_string(rank));
      int64_t numel = 1;
      for (int32_t i = 0; i < rank; ++i)
        numel *= dims[i];
      std::vector<unsigned char> data = Pattern(dtype, numel);
      std::string path = dir.file("a.npy");
      char err[256];
      ASSERT_EQ(bnnc_npy_write(path.c_str(), dtype, rank, dims, data.data(), err, sizeof err),
                BNNC_NPY_OK)
          << err;
      EXPECT_STREQ(err, "");
      std::string bytes = ReadFile(path);
      ASSERT_EQ((bytes.size() - data.size()) % 64, 0u) << "data must start 64-byte aligned";
      EXPECT_EQ(bytes[6], 1);
      EXPECT_EQ(bytes[bytes.size() - data.size() - 1], '\n');

      Array a;
      ASSERT_EQ(bnnc_npy_read(path.c_str(), &a.a, err, sizeof err), BNNC_NPY_OK) << err;
      EXPECT_STREQ(err, "");
      EXPECT_EQ(a.a.dtype, dtype);
      ASSERT_EQ(a.a.rank, rank);
      for (int32_t i = 0; i < rank; ++i)
        EXPECT_EQ(a.a.shape[i], dims[i]);
      EXPECT_EQ(a.a.numel, numel);
      ASSERT_EQ(a.a.nbytes, data.size());
      ASSERT_NE(a.a.data, nullptr);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(a.a.data) % BNNC_ALIGNMENT, 0u);
      EXPECT_EQ(std::memcmp(a.a.data, data.data(), data.size()), 0);
      EXPECT_EQ(a.a.version_major, 1);
      EXPECT_EQ(a.a.version_minor, 0);

      Array b;
      ASSERT_EQ(Parse(bytes, b).status, BNNC_NPY_OK);
      EXPECT_EQ(b.a.nbytes, data.size());
      EXPECT_EQ(std::memcmp(b.a.data, data.data(), data.size()), 0);
    }
  }
}

TEST(NpyRoundTrip, EmptyArrays) {
  TempDir dir;
  const int64_t dims[] = {3, 0, 2};
  std::string path = dir.file("e.npy");
  char err[256];
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 3, dims, nullptr, err, sizeof err),
            BNNC_NPY_OK)
      << err;
  Array a;
  ASSERT_EQ(bnnc_npy_read(path.c_str(), &a.a, err, sizeof err), BNNC_NPY_OK) << err;
  EXPECT_EQ(a.a.numel, 0);
  EXPECT_EQ(a.a.nbytes, 0u);
  EXPECT_NE(a.a.data, nullptr);
  EXPECT_EQ(a.a.shape[1], 0);
  // A zero dimension makes the array empty even if the other dimensions are huge.
  Array b;
  EXPECT_EQ(Parse(MakeNpy(1,
                          "{'descr': '<f8', 'fortran_order': False, 'shape': "
                          "(0, 9223372036854775807, 9223372036854775807), }",
                          ""),
                  b)
                .status,
            BNNC_NPY_OK);
}

TEST(NpyRoundTrip, HighRank) {
  TempDir dir;
  std::vector<int64_t> dims(BNNC_NPY_MAX_RANK, 1);
  dims[0] = 2;
  dims[BNNC_NPY_MAX_RANK - 1] = 3;
  std::vector<unsigned char> data = Pattern(BNNC_INT32, 6);
  std::string path = dir.file("h.npy");
  char err[256];
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_INT32, BNNC_NPY_MAX_RANK, dims.data(), data.data(),
                           err, sizeof err),
            BNNC_NPY_OK)
      << err;
  Array a;
  ASSERT_EQ(bnnc_npy_read(path.c_str(), &a.a, err, sizeof err), BNNC_NPY_OK) << err;
  EXPECT_EQ(a.a.rank, BNNC_NPY_MAX_RANK);
  EXPECT_EQ(a.a.shape[BNNC_NPY_MAX_RANK - 1], 3);
  EXPECT_EQ(std::memcmp(a.a.data, data.data(), data.size()), 0);
}

TEST(NpyWrite, HeaderMatchesNumPy) {
  // Byte for byte what np.save (NumPy 1.24) writes for np.arange(1, 7, dtype='<f4').reshape(2, 3):
  // a 118-byte header, so that the data starts at offset 128.
  TempDir dir;
  std::string path = dir.file("w.npy");
  const int64_t dims[] = {2, 3};
  char err[256];
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, dims, kData23.data(), err, sizeof err),
            BNNC_NPY_OK);
  std::string expected = MakeNpy(1, kDict23, kData23);
  ASSERT_EQ(expected.size(), 128u + 24u);
  EXPECT_EQ(expected.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(ReadFile(path), expected);

  const int64_t one[] = {5};
  std::vector<unsigned char> five = Pattern(BNNC_UINT8, 5);
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_UINT8, 1, one, five.data(), err, sizeof err), 0);
  EXPECT_EQ(ReadFile(path), MakeNpy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }",
                                    std::string(five.begin(), five.end())));
  double x = 2.5;
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT64, 0, nullptr, &x, err, sizeof err), 0);
  EXPECT_EQ(ReadFile(path), MakeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                                    std::string(reinterpret_cast<char *>(&x), 8)));
}

// ---- hand-written files ----

TEST(NpyRead, Versions1To3) {
  for (int major : {1, 2, 3}) {
    SCOPED_TRACE(major);
    Array a;
    Result r = Parse(MakeNpy(major, kDict23, kData23), a);
    ASSERT_EQ(r.status, BNNC_NPY_OK) << r.err;
    EXPECT_EQ(a.a.version_major, major);
    EXPECT_EQ(a.a.dtype, BNNC_FLOAT32);
    ASSERT_EQ(a.a.rank, 2);
    EXPECT_EQ(a.a.shape[0], 2);
    EXPECT_EQ(a.a.shape[1], 3);
    EXPECT_EQ(static_cast<float *>(a.a.data)[5], 6.0f);
  }
}

TEST(NpyRead, HeaderSyntaxVariants) {
  const std::string data = kData23;
  const char *dicts[] = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
      "{'fortran_order':False,'shape':(2,3),'descr':'<f4',}",
      "  {  \"descr\" : \"<f4\" ,\t'fortran_order' :  False , 'shape' : ( 2 , 3 , ) , }  ",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
      "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",
  };
  for (const char *dict : dicts) {
    SCOPED_TRACE(dict);
    for (bool pad : {true, false}) {
      Array a;
      Result r = Parse(MakeNpy(1, dict, data, pad), a);
      if (std::strstr(dict, "'=f4'") != nullptr) { // native order is ambiguous in a file
        EXPECT_EQ(r.status, BNNC_NPY_EBYTEORDER);
        continue;
      }
      ASSERT_EQ(r.status, BNNC_NPY_OK) << r.err;
      ASSERT_EQ(a.a.rank, 2);
      EXPECT_EQ(a.a.shape[0], 2);
      EXPECT_EQ(a.a.shape[1], 3);
    }
  }
}

TEST(NpyRead, ShapeForms) {
  struct Case {
    const char *shape;
    int32_t rank;
    int64_t numel;
  } cases[] = {
      {"()", 0, 1}, {"(3,)", 1, 3}, {"(3)", 1, 3}, {"[]", 0, 1}, {"(1, 1, 1, 1, 1)", 5, 1}};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.shape);
    std::string dict =
        std::string("{'descr': '|i1', 'fortran_order': False, 'shape': ") + c.shape + "}";
    Array a;
    Result r = Parse(MakeNpy(1, dict, std::string(static_cast<size_t>(c.numel), '\x05')), a);
    ASSERT_EQ(r.status, BNNC_NPY_OK) << r.err;
    EXPECT_EQ(a.a.rank, c.rank);
    EXPECT_EQ(a.a.numel, c.numel);
  }
}

TEST(NpyRead, OneByteTypesAcceptAnyByteOrder) {
  const char *descrs[] = {"|i1", "<i1", ">i1", "|u1", "<u1", ">u1", "|b1", ">b1"};
  for (const char *d : descrs) {
    SCOPED_TRACE(d);
    std::string dict = std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': (2,)}";
    EXPECT_EQ(ParseStatus(MakeNpy(1, dict, std::string("\x01\x00", 2))).status, BNNC_NPY_OK);
  }
}

TEST(NpyRead, DtypeMapping) {
  struct Case {
    const char *descr;
    int32_t dtype;
  } cases[] = {{"<f4", BNNC_FLOAT32}, {"<f8", BNNC_FLOAT64}, {"|i1", BNNC_INT8},
               {"|u1", BNNC_UINT8},   {"<i4", BNNC_INT32},   {"<i8", BNNC_INT64},
               {"|b1", BNNC_BOOL}};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.descr);
    std::string dict =
        std::string("{'descr': '") + c.descr + "', 'fortran_order': False, 'shape': ()}";
    Array a;
    ASSERT_EQ(Parse(MakeNpy(1, dict, std::string(bnnc_dtype_size(c.dtype), '\0')), a).status,
              BNNC_NPY_OK);
    EXPECT_EQ(a.a.dtype, c.dtype);
  }
}

TEST(NpyRead, FromFile) {
  TempDir dir;
  std::string path = dir.file("v3.npy");
  WriteFile(path, MakeNpy(3, kDict23, kData23));
  Array a;
  char err[256];
  ASSERT_EQ(bnnc_npy_read(path.c_str(), &a.a, err, sizeof err), BNNC_NPY_OK) << err;
  EXPECT_EQ(a.a.version_major, 3);
  EXPECT_EQ(std::memcmp(a.a.data, kData23.data(), kData23.size()), 0);
}

// ---- error classes ----

TEST(NpyErrors, MissingFile) {
  TempDir dir;
  Result r = ReadStatus(dir.file("does-not-exist.npy"));
  EXPECT_EQ(r.status, BNNC_NPY_EIO);
  EXPECT_NE(r.err.find("does-not-exist.npy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
}

TEST(NpyErrors, DirectoryIsAnIoError) {
  TempDir dir;
  EXPECT_EQ(ReadStatus(dir.path()).status, BNNC_NPY_EIO);
}

TEST(NpyErrors, EmptyFile) {
  TempDir dir;
  WriteFile(dir.file("empty.npy"), "");
  EXPECT_EQ(ReadStatus(dir.file("empty.npy")).status, BNNC_NPY_ETRUNCATED);
  EXPECT_EQ(ParseStatus("").status, BNNC_NPY_ETRUNCATED);
}

TEST(NpyErrors, BadMagic) {
  std::string good = MakeNpy(1, kDict23, kData23);
  for (size_t i = 0; i < 6; ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_EQ(ParseStatus(bad).status, BNNC_NPY_EFORMAT) << i;
  }
  EXPECT_EQ(ParseStatus("PK\x03\x04 this is a zip").status, BNNC_NPY_EFORMAT);
  EXPECT_EQ(ParseStatus("x").status, BNNC_NPY_EFORMAT);
  Result r = ParseStatus("hello world, not numpy");
  EXPECT_NE(r.err.find("magic"), std::string::npos) << r.err;
}

TEST(NpyErrors, UnsupportedVersion) {
  EXPECT_EQ(ParseStatus(MakeNpy(4, kDict23, kData23)).status, BNNC_NPY_EFORMAT);
  EXPECT_EQ(ParseStatus(MakeNpy(0, kDict23, kData23)).status, BNNC_NPY_EFORMAT);
  Result r = ParseStatus(MakeNpy(1, kDict23, kData23, true, 1));
  EXPECT_EQ(r.status, BNNC_NPY_EFORMAT);
  EXPECT_NE(r.err.find("1.1"), std::string::npos) << r.err;
}

TEST(NpyErrors, TruncatedAtEveryOffset) {
  TempDir dir;
  for (int major : {1, 2}) {
    std::string good = MakeNpy(major, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }",
                               std::string(24, '\x07'));
    ASSERT_EQ(ParseStatus(good).status, BNNC_NPY_OK);
    std::string path = dir.file("t.npy");
    for (size_t len = 0; len < good.size(); ++len) {
      SCOPED_TRACE(len);
      std::string cut = good.substr(0, len);
      Result m = ParseStatus(cut);
      EXPECT_NE(m.status, BNNC_NPY_OK);
      WriteFile(path, cut);
      Result f = ReadStatus(path);
      EXPECT_NE(f.status, BNNC_NPY_OK);
      EXPECT_EQ(f.status, m.status);
      EXPECT_EQ(m.status, BNNC_NPY_ETRUNCATED) << m.err;
    }
  }
}

TEST(NpyErrors, TruncatedDataMessage) {
  std::string bytes = MakeNpy(1, kDict23, kData23.substr(0, 10));
  Result r = ParseStatus(bytes);
  EXPECT_EQ(r.status, BNNC_NPY_ETRUNCATED);
  EXPECT_NE(r.err.find("expected 24 bytes of data, found 10"), std::string::npos) << r.err;
}

TEST(NpyErrors, HeaderLongerThanFile) {
  std::string bytes = MakeNpy(1, kDict23, kData23);
  bytes[8] = '\xff'; // header length 0x..ff: past the end of the file
  EXPECT_EQ(ParseStatus(bytes).status, BNNC_NPY_ETRUNCATED);
}

TEST(NpyErrors, TrailingBytes) {
  TempDir dir;
  std::string bytes = MakeNpy(1, kDict23, kData23 + "xyz");
  Result r = ParseStatus(bytes);
  EXPECT_EQ(r.status, BNNC_NPY_EFORMAT);
  EXPECT_NE(r.err.find("3 unexpected bytes"), std::string::npos) << r.err;
  WriteFile(dir.file("t.npy"), bytes);
  EXPECT_EQ(ReadStatus(dir.file("t.npy")).status, BNNC_NPY_EFORMAT);
}

TEST(NpyErrors, UnsupportedDtypes) {
  const char *descrs[] = {"<f2", "<c8", "<u4", "<i2", "<U3", "|S4", "|O", "f4", "", "<f4x", "?"};
  for (const char *d : descrs) {
    SCOPED_TRACE(d);
    std::string dict = std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': ()}";
    Result r = ParseStatus(MakeNpy(1, dict, std::string(16, '\0')));
    EXPECT_EQ(r.status, BNNC_NPY_EDTYPE) << r.err;
    EXPECT_NE(r.err.find("unsupported dtype"), std::string::npos) << r.err;
  }
  Result s = ParseStatus(
      MakeNpy(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': ()}",
              std::string(8, '\0')));
  EXPECT_EQ(s.status, BNNC_NPY_EDTYPE);
  EXPECT_NE(s.err.find("structured"), std::string::npos) << s.err;
}

TEST(NpyErrors, BigEndian) {
  for (const char *d : {">f4", ">f8", ">i4", ">i8"}) {
    SCOPED_TRACE(d);
    std::string dict = std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': ()}";
    Result r = ParseStatus(MakeNpy(1, dict, std::string(8, '\0')));
    EXPECT_EQ(r.status, BNNC_NPY_EBYTEORDER) << r.err;
    EXPECT_NE(r.err.find("big-endian"), std::string::npos) << r.err;
  }
}

TEST(NpyErrors, FortranOrder) {
  Result r = ParseStatus(
      MakeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", kData23));
  EXPECT_EQ(r.status, BNNC_NPY_EORDER);
  EXPECT_NE(r.err.find("Fortran"), std::string::npos) << r.err;
}

TEST(NpyErrors, SizeOverflow) {
  const char *shapes[] = {
      "(4611686018427387904, 4611686018427387904)", // 2^62 * 2^62 elements
      "(9223372036854775807, 2)",
      "(1152921504606846976, 16)", // 2^64 elements
      "(99999999999999999999,)",   // does not fit in int64
      "(2305843009213693952,)",    // 2^61 doubles: 2^64 bytes
  };
  for (const char *shape : shapes) {
    SCOPED_TRACE(shape);
    std::string dict =
        std::string("{'descr': '<f8', 'fortran_order': False, 'shape': ") + shape + "}";
    EXPECT_EQ(ParseStatus(MakeNpy(1, dict, std::string(64, '\0'))).status, BNNC_NPY_EOVERFLOW);
  }
  std::string big = "(";
  for (int i = 0; i <= BNNC_NPY_MAX_RANK; ++i)
    big += "1, ";
  big += ")";
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + big + "}";
  EXPECT_EQ(ParseStatus(MakeNpy(1, dict, std::string(8, '\0'))).status, BNNC_NPY_EOVERFLOW);
}

TEST(NpyErrors, LargeShapeAgainstShortFileDoesNotAllocate) {
  // 2^40 floats: allocating would fail or take memory; the size check comes first.
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,)}";
  EXPECT_EQ(ParseStatus(MakeNpy(1, dict, std::string(64, '\0'))).status,
            sizeof(size_t) >= 8 ? BNNC_NPY_ETRUNCATED : BNNC_NPY_EOVERFLOW);
}

TEST(NpyErrors, MalformedHeaders) {
  const char *dicts[] = {
      "",
      "{",
      "[]",
      "'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)",
      "{'descr': '<f4', 'fortran_order': False}",
      "{'descr': '<f4', 'shape': (2, 3)}",
      "{'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': false, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3.0)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3]}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': 6}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}}",
      "{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}",
      "{descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3),,}",
      "{,}",
  };
  for (const char *dict : dicts) {
    SCOPED_TRACE(dict);
    Result r = ParseStatus(MakeNpy(1, dict, kData23));
    EXPECT_EQ(r.status, BNNC_NPY_EFORMAT) << r.err;
  }
  // A NUL inside a key must not make it look like a valid one.
  using namespace std::string_literals;
  std::string nul = "{'descr\0x': '<f4', 'fortran_order': False, 'shape': (2, 3)}"s;
  ASSERT_EQ(nul[7], '\0');
  EXPECT_EQ(ParseStatus(MakeNpy(1, nul, kData23)).status, BNNC_NPY_EFORMAT);
}

TEST(NpyErrors, ImplausibleHeaderLength) {
  std::string bytes = MakeNpy(2, kDict23, kData23);
  bytes[11] = '\x7f'; // ~2 GB header
  Result r = ParseStatus(bytes);
  EXPECT_EQ(r.status, BNNC_NPY_EFORMAT);
  EXPECT_NE(r.err.find("header length"), std::string::npos) << r.err;
}

TEST(NpyErrors, RandomMutationsNeverCrash) {
  const std::string good = MakeNpy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,)}",
                                   std::string(24, '\x01'));
  std::mt19937 rng(12345);
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % s.size();
      switch (rng() % 4) {
      case 0: s[pos] = static_cast<char>(rng() & 0xFF); break;
      case 1: s[pos] = "{}()[],:'\" 0123456789LTF<>|-\n"[rng() % 30]; break;
      case 2: s.erase(pos, 1 + rng() % 8); break;
      default: s.insert(pos, 1, static_cast<char>(rng() & 0xFF)); break;
      }
      if (s.empty())
        break;
    }
    Array a;
    Result r = Parse(s, a);
    if (r.status == BNNC_NPY_OK) {
      ++accepted;
      ASSERT_NE(a.a.data, nullptr);
      int64_t numel = 1;
      for (int32_t i = 0; i < a.a.rank; ++i)
        numel *= a.a.shape[i];
      ASSERT_EQ(a.a.numel, numel);
      ASSERT_EQ(a.a.nbytes, static_cast<size_t>(numel) * bnnc_dtype_size(a.a.dtype));
      ASSERT_LE(a.a.nbytes, s.size());
    } else {
      ASSERT_EQ(a.a.data, nullptr);
      ASSERT_FALSE(r.err.empty());
    }
  }
  EXPECT_GT(accepted, 0); // e.g. mutations inside the data or the padding
}

TEST(NpyErrors, SmallOrMissingErrorBuffer) {
  Array a;
  EXPECT_EQ(bnnc_npy_parse("garbage", 7, &a.a, nullptr, 0), BNNC_NPY_EFORMAT);
  char tiny[8];
  EXPECT_EQ(bnnc_npy_parse("garbage", 7, &a.a, tiny, sizeof tiny), BNNC_NPY_EFORMAT);
  EXPECT_EQ(std::strlen(tiny), sizeof tiny - 1);
  char one[1] = {'x'};
  EXPECT_EQ(bnnc_npy_parse("garbage", 7, &a.a, one, sizeof one), BNNC_NPY_EFORMAT);
  EXPECT_EQ(one[0], '\0');
  char untouched[4] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(bnnc_npy_parse("garbage", 7, &a.a, untouched, 0), BNNC_NPY_EFORMAT);
  EXPECT_EQ(untouched[0], 'a');
}

TEST(NpyErrors, NullArguments) {
  Array a;
  char err[128];
  EXPECT_EQ(bnnc_npy_read(nullptr, &a.a, err, sizeof err), BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_read("x.npy", nullptr, err, sizeof err), BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_parse(nullptr, 10, &a.a, err, sizeof err), BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_parse(nullptr, 0, &a.a, err, sizeof err), BNNC_NPY_ETRUNCATED);
  bnnc_npy_free(nullptr);
  bnnc_npy_free(&a.a);
  bnnc_npy_free(&a.a);
}

TEST(NpyWriteErrors, InvalidArguments) {
  TempDir dir;
  std::string path = dir.file("w.npy");
  const int64_t dims[] = {2, 3};
  const int64_t neg[] = {2, -3};
  char err[256];
  EXPECT_EQ(bnnc_npy_write(path.c_str(), 5, 2, dims, kData23.data(), err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_NE(std::string(err).find("dtype"), std::string::npos) << err;
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, -1, dims, kData23.data(), err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, BNNC_NPY_MAX_RANK + 1, dims, kData23.data(),
                           err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, neg, kData23.data(), err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, nullptr, kData23.data(), err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, dims, nullptr, err, sizeof err),
            BNNC_NPY_EINVAL);
  EXPECT_EQ(bnnc_npy_write(nullptr, BNNC_FLOAT32, 2, dims, kData23.data(), err, sizeof err),
            BNNC_NPY_EINVAL);
  const int64_t huge[] = {INT64_MAX, 2};
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, huge, kData23.data(), err, sizeof err),
            BNNC_NPY_EOVERFLOW);
  EXPECT_EQ(ReadFile(path), "") << "nothing may be written on error";
}

TEST(NpyWriteErrors, UnwritablePath) {
  TempDir dir;
  std::string path = dir.file("no/such/dir/w.npy");
  const int64_t dims[] = {2, 3};
  char err[256];
  EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, 2, dims, kData23.data(), err, sizeof err),
            BNNC_NPY_EIO);
  EXPECT_NE(std::string(err).find("no/such/dir/w.npy"), std::string::npos) << err;
}

TEST(NpyStatus, Names) {
  for (int s = BNNC_NPY_OK; s <= BNNC_NPY_EINVAL; ++s) {
    EXPECT_STRNE(bnnc_npy_status_name(s), "unknown error") << s;
  }
  EXPECT_STREQ(bnnc_npy_status_name(-1), "unknown error");
}

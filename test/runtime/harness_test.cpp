// Tests of the model program's command line (runtime/src/harness.c), by running bnnc-fake-model
// (test/runtime/fake_model.c: z = x + 2*y, total = sum(z), x and y float32 [2, 3]).
#include "bnnc/npy.h"

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

#ifndef BNNC_FAKE_MODEL
#error "BNNC_FAKE_MODEL must be the path of the bnnc-fake-model executable"
#endif

using bnnc_test::MakeNpy;
using bnnc_test::ReadFile;
using bnnc_test::TempDir;
using bnnc_test::WriteFile;

namespace {

struct RunResult {
  int exit_code; // -1 if the program did not exit normally (e.g. crashed)
  std::string out, err;
};

std::string Quote(const std::string &s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

class HarnessTest : public ::testing::Test {
protected:
  // Runs the fake model with args (already quoted as needed), capturing stdout and stderr.
  RunResult Run(const std::string &args) {
    std::string out = dir_.file("stdout.txt"), err = dir_.file("stderr.txt");
    std::string cmd = Quote(BNNC_FAKE_MODEL) + " " + args + " >" + Quote(out) + " 2>" + Quote(err);
    int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(out);
    r.err = ReadFile(err);
    return r;
  }

  // Writes a float array and returns its quoted path.
  std::string WriteF32(const std::string &name, std::vector<int64_t> shape,
                       const std::vector<float> &values) {
    std::string path = dir_.file(name);
    char err[256];
    EXPECT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT32, static_cast<int32_t>(shape.size()),
                             shape.data(), values.data(), err, sizeof err),
              BNNC_NPY_OK)
        << err;
    return Quote(path);
  }

  std::string X() { return WriteF32("x.npy", {2, 3}, {1, 2, 3, 4, 5, 6}); }
  std::string Y() { return WriteF32("y.npy", {2, 3}, {0.5f, -1, 0, 10, 0.25f, 2}); }

  static void ExpectError(const RunResult &r, const std::string &needle) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << "stderr: " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
  }

  TempDir dir_;
};

const float kExpectedZ[6] = {2, 0, 3, 24, 5.5f, 10}; // x + 2*y
const double kExpectedTotal = 44.5;

} // namespace

TEST_F(HarnessTest, WritesCorrectOutputs) {
  std::string z = dir_.file("z.npy"), t = dir_.file("t.npy");
  RunResult r = Run(X() + " " + Y() + " -o " + Quote(z) + " -o " + Quote(t));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");

  bnnc_npy_array a;
  char err[256];
  ASSERT_EQ(bnnc_npy_read(z.c_str(), &a, err, sizeof err), BNNC_NPY_OK) << err;
  EXPECT_EQ(a.dtype, BNNC_FLOAT32);
  ASSERT_EQ(a.rank, 2);
  EXPECT_EQ(a.shape[0], 2);
  EXPECT_EQ(a.shape[1], 3);
  for (int i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(static_cast<float *>(a.data)[i], kExpectedZ[i]) << i;
  bnnc_npy_free(&a);

  ASSERT_EQ(bnnc_npy_read(t.c_str(), &a, err, sizeof err), BNNC_NPY_OK) << err;
  EXPECT_EQ(a.dtype, BNNC_FLOAT64);
  EXPECT_EQ(a.rank, 0);
  EXPECT_DOUBLE_EQ(*static_cast<double *>(a.data), kExpectedTotal);
  bnnc_npy_free(&a);
}

TEST_F(HarnessTest, OptionSpellings) {
  std::string z = dir_.file("z2.npy"), t = dir_.file("t2.npy");
  RunResult r = Run("--output=" + Quote(z) + " -- " + X() + " -o" + Quote(t) + " " + Y());
  // "--" ends options: "-o..." after it would be an input, so put -o before it.
  EXPECT_NE(r.exit_code, 0);
  r = Run("--output=" + Quote(z) + " -o" + Quote(t) + " -- " + X() + " " + Y());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(z).size(), 128u + 24u);
}

TEST_F(HarnessTest, ConvertsFloat64Inputs) {
  std::string path = dir_.file("x64.npy");
  const double values[] = {1, 2, 3, 4, 5, 6};
  const int64_t shape[] = {2, 3};
  char err[256];
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_FLOAT64, 2, shape, values, err, sizeof err), 0);
  std::string z = dir_.file("z.npy"), t = dir_.file("t.npy");
  RunResult r = Run(Quote(path) + " " + Y() + " -o " + Quote(z) + " -o " + Quote(t));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bnnc_npy_array a;
  ASSERT_EQ(bnnc_npy_read(z.c_str(), &a, err, sizeof err), BNNC_NPY_OK) << err;
  for (int i = 0; i < 6; ++i)
    EXPECT_FLOAT_EQ(static_cast<float *>(a.data)[i], kExpectedZ[i]) << i;
  bnnc_npy_free(&a);
}

TEST_F(HarnessTest, PrintsSummaryWithoutOutputs) {
  RunResult r = Run(X() + " " + Y());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("output 0 'z': float32 [2, 3]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("values: [2, 0, 3, 24, 5.5, 10]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output 1 'total': float64 []"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("values: [44.5]"), std::string::npos) << r.out;
}

TEST_F(HarnessTest, WrongShape) {
  std::string bad = WriteF32("bad.npy", {3, 2}, {1, 2, 3, 4, 5, 6});
  RunResult r = Run(X() + " " + bad);
  ExpectError(r, "input 1 ('y', ");
  EXPECT_NE(r.err.find("bad.npy): expected float32 [2, 3], got float32 [3, 2]"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(HarnessTest, WrongRank) {
  std::string bad = WriteF32("flat.npy", {6}, {1, 2, 3, 4, 5, 6});
  ExpectError(Run(bad + " " + Y()), "expected float32 [2, 3], got float32 [6]");
}

TEST_F(HarnessTest, WrongDtype) {
  std::string path = dir_.file("i.npy");
  const int32_t values[] = {1, 2, 3, 4, 5, 6};
  const int64_t shape[] = {2, 3};
  char err[256];
  ASSERT_EQ(bnnc_npy_write(path.c_str(), BNNC_INT32, 2, shape, values, err, sizeof err), 0);
  ExpectError(Run(X() + " " + Quote(path)), "expected float32 [2, 3], got int32 [2, 3]");
}

TEST_F(HarnessTest, CorruptNpy) {
  std::string path = dir_.file("corrupt.npy");
  WriteFile(path, "this is not a numpy file at all");
  RunResult r = Run(Quote(path) + " " + Y());
  ExpectError(r, "input 0 ('x'): ");
  EXPECT_NE(r.err.find("corrupt.npy: not a .npy file"), std::string::npos) << r.err;
}

TEST_F(HarnessTest, TruncatedNpy) {
  std::string good = MakeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                             std::string(24, '\0'));
  std::string path = dir_.file("trunc.npy");
  WriteFile(path, good.substr(0, good.size() - 5));
  ExpectError(Run(X() + " " + Quote(path)), "truncated");
}

TEST_F(HarnessTest, MissingInputFile) {
  ExpectError(Run(X() + " " + Quote(dir_.file("nope.npy"))), "nope.npy: cannot open");
}

TEST_F(HarnessTest, WrongNumberOfInputs) {
  ExpectError(Run(X()), "model 'fake_add' takes 2 inputs, got 1");
  ExpectError(Run(X() + " " + Y() + " " + X()), "takes 2 inputs, got 3");
  ExpectError(Run(""), "takes 2 inputs, got 0");
}

TEST_F(HarnessTest, WrongNumberOfOutputs) {
  RunResult r = Run(X() + " " + Y() + " -o " + Quote(dir_.file("z.npy")));
  ExpectError(r, "has 2 outputs, got 1 -o option");
  EXPECT_EQ(ReadFile(dir_.file("z.npy")), "") << "nothing is written on error";
}

TEST_F(HarnessTest, UnwritableOutput) {
  std::string z = dir_.file("missing-dir/z.npy");
  ExpectError(Run(X() + " " + Y() + " -o " + Quote(z) + " -o " + Quote(dir_.file("t.npy"))),
              "output 0 ('z'): ");
}

TEST_F(HarnessTest, Bench) {
  RunResult r = Run("--bench 5 " + X() + " " + Y());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::regex line(
      "min [0-9]+\\.[0-9]{4} ms  median [0-9]+\\.[0-9]{4} ms  max [0-9]+\\.[0-9]{4} ms  "
      "\\(5 runs\\)\n");
  EXPECT_TRUE(std::regex_match(r.out, line)) << r.out;
  std::smatch m;
  std::regex nums("min ([0-9.]+) ms  median ([0-9.]+) ms  max ([0-9.]+) ms");
  ASSERT_TRUE(std::regex_search(r.out, m, nums));
  EXPECT_LE(std::stod(m[1]), std::stod(m[2]));
  EXPECT_LE(std::stod(m[2]), std::stod(m[3]));

  r = Run("--bench=3 --warmup 0 " + X() + " " + Y());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(3 runs)"), std::string::npos) << r.out;
}

TEST_F(HarnessTest, BenchWithOutputs) {
  std::string z = dir_.file("z.npy"), t = dir_.file("t.npy");
  RunResult r = Run("--bench 2 " + X() + " " + Y() + " -o " + Quote(z) + " -o " + Quote(t));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(2 runs)"), std::string::npos);
  EXPECT_EQ(ReadFile(z).size(), 128u + 24u);
}

TEST_F(HarnessTest, BadBenchCount) {
  ExpectError(Run("--bench 0 " + X() + " " + Y()), "--bench needs a positive number");
  ExpectError(Run("--bench abc " + X() + " " + Y()), "--bench needs a positive number");
  ExpectError(Run("--bench 5x " + X() + " " + Y()), "--bench");
  ExpectError(Run("--bench"), "--bench");
  ExpectError(Run("--warmup -1 --bench 2 " + X() + " " + Y()), "--warmup");
}

TEST_F(HarnessTest, Info) {
  RunResult r = Run("--info");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "model: fake_add\n"
                   "inputs: 2\n"
                   "  0: x  float32 [2, 3]\n"
                   "  1: y  float32 [2, 3]\n"
                   "outputs: 2\n"
                   "  0: z  float32 [2, 3]\n"
                   "  1: total  float64 []\n"
                   "scratch: 24 bytes, aligned to 128\n");
}

TEST_F(HarnessTest, ScratchEntryGivesTheSameOutputs) {
  std::string z1 = dir_.file("z1.npy"), t1 = dir_.file("t1.npy");
  std::string z2 = dir_.file("z2.npy"), t2 = dir_.file("t2.npy");
  RunResult r = Run(X() + " " + Y() + " -o " + Quote(z1) + " -o " + Quote(t1));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The fake model aborts if the arena is not aligned to the 128 bytes it asks for.
  r = Run("--scratch " + X() + " " + Y() + " -o " + Quote(z2) + " -o " + Quote(t2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(z1), ReadFile(z2));
  EXPECT_EQ(ReadFile(t1), ReadFile(t2));
  r = Run("--scratch --bench 2 " + X() + " " + Y());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(2 runs)"), std::string::npos) << r.out;
}

TEST_F(HarnessTest, Help) {
  RunResult r = Run("--help");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("usage: bnnc-fake-model ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("--bench N"), std::string::npos);
  EXPECT_EQ(Run("-h").exit_code, 0);
}

TEST_F(HarnessTest, BadArguments) {
  ExpectError(Run("--frobnicate"), "unknown option '--frobnicate'");
  ExpectError(Run(X() + " " + Y() + " -o"), "-o needs a file name");
  ExpectError(Run("-x"), "unknown option");
}

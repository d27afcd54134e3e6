// Tests of the clock and sample statistics (runtime/src/timing.c).
#include "bnnc/timing.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

TEST(Timing, MedianOfOddCount) {
  const double s[] = {5.0, 1.0, 3.0};
  bnnc_timing_stats st;
  ASSERT_EQ(bnnc_timing_stats_compute(s, 3, &st), 0);
  EXPECT_DOUBLE_EQ(st.min, 1.0);
  EXPECT_DOUBLE_EQ(st.median, 3.0);
  EXPECT_DOUBLE_EQ(st.max, 5.0);
  EXPECT_DOUBLE_EQ(st.mean, 3.0);
  EXPECT_EQ(st.count, 3u);
}

TEST(Timing, MedianOfEvenCount) {
  const double s[] = {4.0, 1.0, 10.0, 2.0};
  bnnc_timing_stats st;
  ASSERT_EQ(bnnc_timing_stats_compute(s, 4, &st), 0);
  EXPECT_DOUBLE_EQ(st.min, 1.0);
  EXPECT_DOUBLE_EQ(st.median, 3.0); // (2 + 4) / 2
  EXPECT_DOUBLE_EQ(st.max, 10.0);
  EXPECT_DOUBLE_EQ(st.mean, 4.25);
}

TEST(Timing, SingleSampleAndDuplicates) {
  const double one[] = {7.5};
  bnnc_timing_stats st;
  ASSERT_EQ(bnnc_timing_stats_compute(one, 1, &st), 0);
  EXPECT_DOUBLE_EQ(st.min, 7.5);
  EXPECT_DOUBLE_EQ(st.median, 7.5);
  EXPECT_DOUBLE_EQ(st.max, 7.5);
  const double dup[] = {2.0, 2.0, 1.0, 2.0, 9.0, 2.0};
  ASSERT_EQ(bnnc_timing_stats_compute(dup, 6, &st), 0);
  EXPECT_DOUBLE_EQ(st.median, 2.0);
}

TEST(Timing, SamplesAreNotModified) {
  std::vector<double> s = {3.0, 2.0, 1.0, 0.5, 8.0};
  std::vector<double> copy = s;
  bnnc_timing_stats st;
  ASSERT_EQ(bnnc_timing_stats_compute(s.data(), s.size(), &st), 0);
  EXPECT_EQ(s, copy);
  EXPECT_DOUBLE_EQ(st.median, 2.0);
}

TEST(Timing, ManySamples) {
  std::vector<double> s;
  for (int i = 1000; i >= 1; --i)
    s.push_back(i);
  bnnc_timing_stats st;
  ASSERT_EQ(bnnc_timing_stats_compute(s.data(), s.size(), &st), 0);
  EXPECT_DOUBLE_EQ(st.min, 1.0);
  EXPECT_DOUBLE_EQ(st.median, 500.5);
  EXPECT_DOUBLE_EQ(st.max, 1000.0);
}

TEST(Timing, InvalidArguments) {
  const double s[] = {1.0};
  bnnc_timing_stats st;
  st.max = 99.0;
  EXPECT_EQ(bnnc_timing_stats_compute(s, 0, &st), -1);
  EXPECT_EQ(st.max, 0.0);
  EXPECT_EQ(st.count, 0u);
  EXPECT_EQ(bnnc_timing_stats_compute(nullptr, 1, &st), -1);
  EXPECT_EQ(bnnc_timing_stats_compute(s, 1, nullptr), -1);
}

TEST(Timing, ClockIsMonotonic) {
  uint64_t first = bnnc_now_ns();
  EXPECT_GT(first, 0u);
  uint64_t prev = first;
  for (int i = 0; i < 100000; ++i) {
    uint64_t now = bnnc_now_ns();
    ASSERT_GE(now, prev);
    prev = now;
  }
  EXPECT_GT(prev, first) << "100000 clock reads took no time at all";
}

/* bnnc runtime: monotonic clock and sample statistics. Plain C99 + POSIX. */
#ifndef BNNC_TIMING_H
#define BNNC_TIMING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nanoseconds from CLOCK_MONOTONIC (an arbitrary origin; only differences are meaningful). */
uint64_t bnnc_now_ns(void);

typedef struct bnnc_timing_stats {
  double min, median, max, mean;
  size_t count;
} bnnc_timing_stats;

/* Summarises n samples (any unit; the samples are not modified). The median of an even count is
 * the mean of the two middle samples. Returns 0, or -1 (and zeroes *out) if n is 0, samples or out
 * is NULL, or memory runs out. */
int bnnc_timing_stats_compute(const double *samples, size_t n, bnnc_timing_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* BNNC_TIMING_H */

/* bnnc runtime: monotonic clock and sample statistics (see bnnc/timing.h). Plain C99 + POSIX. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bnnc/timing.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bnnc_now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int bnnc_timing_stats_compute(const double *samples, size_t n, bnnc_timing_stats *out) {
  double *sorted, sum = 0.0;
  size_t i;
  if (out != NULL)
    memset(out, 0, sizeof *out);
  if (samples == NULL || out == NULL || n == 0 || n > (size_t)-1 / sizeof(double))
    return -1;
  sorted = (double *)malloc(n * sizeof(double));
  if (sorted == NULL)
    return -1;
  memcpy(sorted, samples, n * sizeof(double));
  qsort(sorted, n, sizeof(double), compare_doubles);
  for (i = 0; i < n; ++i)
    sum += sorted[i];
  out->min = sorted[0];
  out->max = sorted[n - 1];
  out->median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  out->mean = sum / (double)n;
  out->count = n;
  free(sorted);
  return 0;
}

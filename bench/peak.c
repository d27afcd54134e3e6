/* Single-thread throughput ceilings of this machine, for bench/run_bench.py.
 *
 *   clang-22 -O2 -march=native bench/peak.c -o peak && ./peak [seconds per kernel, default 1]
 *
 * Prints one JSON line with (in G operations per second, the best of many ~5 ms repetitions):
 *   fp32_gflops       FMA throughput: 16 independent accumulators of the widest float vector the
 *                     compiler was allowed (AVX-512, AVX2+FMA or SSE), FLOPs = 2 per lane per FMA.
 *   bin_scalar_gmacs  a register-blocked XNOR-popcount micro-kernel on scalar 64-bit popcnt (what
 *                     the default x86-64-v2 target can use): 4 pixels x 4 channel words, binary
 *                     MACs = 64 per popcnt.
 *   bin_vector_gmacs  the same with AVX-512 VPOPCNTDQ (only if compiled with it): 4 pixels x 16
 *                     channels (two zmm of 8 x i64 lanes), weights streamed from memory as
 *                     [K words][16 channels], activations broadcast, i64 accumulators: the shape
 *                     of the kernel in docs/TOOLCHAIN-style register blocking.
 *   int8_gops         int8 dot products with AVX512-VNNI `vpdpbusd` on zmm (only if compiled with
 *                     it): 16 independent i32 accumulators, 64 byte products each, ops = 2 per
 *                     product (a multiply and an add, as GFLOP/s counts an FMA).
 * The binary kernels run over a K of 36 words (a 3x3 conv with 256 input channels), data in L1.
 * These are ceilings for a conv's inner loop, not for a whole conv (no border handling, no output
 * transform).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile uint64_t sink_u64;
static volatile float sink_f32;

/* ---- fp32 FMA ---- */

#define FMA_ACC 16
static double fma_kernel(long iters) {
#if defined(__AVX512F__)
  __m512 acc[FMA_ACC], a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(0.9999999f);
  for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm512_set1_ps((float)i);
  for (long it = 0; it < iters; ++it) {
    for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]));
  }
  __m512 s = acc[0];
  for (int i = 1; i < FMA_ACC; ++i) s = _mm512_add_ps(s, acc[i]);
  sink_f32 = _mm512_reduce_add_ps(s);
  return 2.0 * 16 * FMA_ACC * (double)iters;
#elif defined(__AVX2__) && defined(__FMA__)
  __m256 acc[FMA_ACC], a = _mm256_set1_ps(1.0000001f), b = _mm256_set1_ps(0.9999999f);
  for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm256_set1_ps((float)i);
  for (long it = 0; it < iters; ++it) {
    for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]));
  }
  float out[8], t = 0.0f;
  for (int i = 1; i < FMA_ACC; ++i) acc[0] = _mm256_add_ps(acc[0], acc[i]);
  _mm256_storeu_ps(out, acc[0]);
  for (int i = 0; i < 8; ++i) t += out[i];
  sink_f32 = t;
  return 2.0 * 8 * FMA_ACC * (double)iters;
#else
  float acc[FMA_ACC], a = 1.0000001f, b = 0.9999999f, t = 0.0f;
  for (int i = 0; i < FMA_ACC; ++i) acc[i] = (float)i;
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < FMA_ACC; ++i) acc[i] = acc[i] * a + b;
  for (int i = 0; i < FMA_ACC; ++i) t += acc[i];
  sink_f32 = t;
  return 2.0 * FMA_ACC * (double)iters;
#endif
}

/* ---- int8 dot products (AVX512-VNNI) ---- */

#if defined(__AVX512VNNI__) && defined(__AVX512F__)
#define HAVE_VNNI 1
static double vnni_kernel(long iters) {
  __m512i acc[FMA_ACC], a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm512_set1_epi32(i);
  for (long it = 0; it < iters; ++it) {
    for (int i = 0; i < FMA_ACC; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]));
  }
  __m512i s = acc[0];
  for (int i = 1; i < FMA_ACC; ++i) s = _mm512_add_epi32(s, acc[i]);
  sink_u64 = (uint64_t)_mm512_reduce_add_epi32(s);
  return 2.0 * 64 * FMA_ACC * (double)iters;
}
#else
#define HAVE_VNNI 0
#endif

/* ---- binary XNOR-popcount micro-kernels ---- */

#define KW 36 /* words of K: 3x3 taps x 256 channels / 64 */
static uint64_t act[4][KW];        /* 4 output pixels' receptive fields */
static uint64_t wts[KW][16];       /* 16 output channels' weights, interleaved per word */

/* Scalar popcount of one word; on x86-64 as an explicit popcnt instruction, so that the compiler
 * cannot turn the scalar kernel into a vector one under -march=native. */
static inline uint64_t popcount64(uint64_t x) {
#if defined(__x86_64__) && defined(__POPCNT__)
  uint64_t r;
  __asm__("popcntq %1, %0" : "=r"(r) : "r"(x));
  return r;
#else
  return (uint64_t)__builtin_popcountll(x);
#endif
}

static double bin_scalar_kernel(long iters) {
  uint64_t acc[4][4] = {{0}};
  for (long it = 0; it < iters; ++it) {
    for (int k = 0; k < KW; ++k) {
      uint64_t w0 = wts[k][0], w1 = wts[k][1], w2 = wts[k][2], w3 = wts[k][3];
      for (int p = 0; p < 4; ++p) {
        uint64_t x = act[p][k];
        acc[p][0] += popcount64(x ^ w0);
        acc[p][1] += popcount64(x ^ w1);
        acc[p][2] += popcount64(x ^ w2);
        acc[p][3] += popcount64(x ^ w3);
      }
    }
    __asm__ volatile("" ::: "memory");
  }
  uint64_t s = 0;
  for (int p = 0; p < 4; ++p)
    for (int f = 0; f < 4; ++f) s += acc[p][f];
  sink_u64 = s;
  return 64.0 * 4 * 4 * KW * (double)iters;
}

#if defined(__AVX512VPOPCNTDQ__) && defined(__AVX512F__)
#define HAVE_VECTOR_POPCNT 1
static double bin_vector_kernel(long iters) {
  __m512i acc[4][2];
  for (int p = 0; p < 4; ++p) acc[p][0] = acc[p][1] = _mm512_setzero_si512();
  for (long it = 0; it < iters; ++it) {
    for (int k = 0; k < KW; ++k) {
      __m512i w0 = _mm512_loadu_si512((const void *)&wts[k][0]);
      __m512i w1 = _mm512_loadu_si512((const void *)&wts[k][8]);
      for (int p = 0; p < 4; ++p) {
        __m512i x = _mm512_set1_epi64((long long)act[p][k]);
        acc[p][0] = _mm512_add_epi64(acc[p][0], _mm512_popcnt_epi64(_mm512_xor_si512(x, w0)));
        acc[p][1] = _mm512_add_epi64(acc[p][1], _mm512_popcnt_epi64(_mm512_xor_si512(x, w1)));
      }
    }
    __asm__ volatile("" ::: "memory");
  }
  __m512i s = _mm512_setzero_si512();
  for (int p = 0; p < 4; ++p) s = _mm512_add_epi64(s, _mm512_add_epi64(acc[p][0], acc[p][1]));
  sink_u64 = (uint64_t)_mm512_reduce_add_epi64(s);
  return 64.0 * 4 * 16 * KW * (double)iters;
}
#else
#define HAVE_VECTOR_POPCNT 0
#endif

/* The best rate over many short timed repetitions (about 5 ms each) within `budget` seconds:
 * on a shared, loaded machine the best short repetition is the one that ran undisturbed.
 * Returns G ops/s. */
static double measure(double (*kernel)(long), double budget) {
  long iters = 16;
  double t0, dt, ops, best = 0.0, start;
  for (;;) { /* calibrate to about 5 ms per repetition */
    t0 = now_s();
    kernel(iters);
    dt = now_s() - t0;
    if (dt > 0.002) break;
    iters *= 2;
  }
  iters = (long)((double)iters * 0.005 / dt) + 1;
  start = now_s();
  do {
    t0 = now_s();
    ops = kernel(iters);
    dt = now_s() - t0;
    if (ops / dt > best) best = ops / dt;
  } while (now_s() - start < budget);
  return best / 1e9;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  if (!(seconds > 0.0)) seconds = 1.0;
  for (int k = 0; k < KW; ++k) {
    for (int p = 0; p < 4; ++p) act[p][k] = 0x9e3779b97f4a7c15ull * (uint64_t)(k * 4 + p + 1);
    for (int f = 0; f < 16; ++f) wts[k][f] = 0xc2b2ae3d27d4eb4full * (uint64_t)(k * 16 + f + 7);
  }
  double fma = measure(fma_kernel, seconds);
  double bs = measure(bin_scalar_kernel, seconds);
  printf("{\"fp32_gflops\": %.1f, \"bin_scalar_gmacs\": %.1f", fma, bs);
#if HAVE_VECTOR_POPCNT
  printf(", \"bin_vector_gmacs\": %.1f", measure(bin_vector_kernel, seconds));
#endif
#if HAVE_VNNI
  printf(", \"int8_gops\": %.1f", measure(vnni_kernel, seconds));
#endif
#if defined(__AVX512F__)
  printf(", \"fp32_vector\": \"avx512\"");
#elif defined(__AVX2__) && defined(__FMA__)
  printf(", \"fp32_vector\": \"avx2\"");
#else
  printf(", \"fp32_vector\": \"scalar\"");
#endif
  printf("}\n");
  return 0;
}

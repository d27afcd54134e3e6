/* Runs the model `model` (compiled with -name=model, one float input, one float output) through
 * both entry points of its header and checks, exiting non-zero with a message on any failure:
 *
 *  1. no allocator call: malloc, calloc, realloc, free, posix_memalign and aligned_alloc are
 *     wrapped (-Wl,--wrap=...) and counted around runs of model() and model_with_scratch();
 *  2. model_with_scratch() in a caller's arena filled with garbage gives the same bits as model();
 *  3. two instances, on two threads at the same time, each with its own arena, input and output,
 *     give the same bits as one instance run alone (the model has no other mutable state).
 *
 * Built with -DSCRATCH_ONLY it calls only model_with_scratch(), so that a --gc-sections link can
 * drop the static arena (the test checks the program's .bss). */
#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 20

static long allocator_calls;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
int __real_posix_memalign(void **p, size_t alignment, size_t n);
void *__real_aligned_alloc(size_t alignment, size_t n);
void *__wrap_malloc(size_t n) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); return __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); return __real_realloc(p, n); }
void __wrap_free(void *p) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); __real_free(p); }
int __wrap_posix_memalign(void **p, size_t alignment, size_t n) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); return __real_posix_memalign(p, alignment, n); }
void *__wrap_aligned_alloc(size_t alignment, size_t n) { __atomic_add_fetch(&allocator_calls, 1, __ATOMIC_RELAXED); return __real_aligned_alloc(alignment, n); }

static int fail(const char *what) {
  fprintf(stderr, "FAIL: %s\n", what);
  return 1;
}

/* Deterministic inputs in [-1, 1). */
static void fill_input(float *x, unsigned seed) {
  unsigned s = seed;
  for (size_t i = 0; i < MODEL_INPUT0_SIZE; ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(s >> 8) / (float)(1u << 23) - 1.0f;
  }
}

static void *arena(unsigned char garbage) {
  void *p = NULL;
  size_t n = MODEL_SCRATCH_SIZE ? MODEL_SCRATCH_SIZE : 1;
  if (posix_memalign(&p, MODEL_SCRATCH_ALIGNMENT, n) != 0)
    return NULL;
  memset(p, garbage, n);
  return p;
}

typedef struct instance {
  const float *in;
  const float *expected;
  float out[MODEL_OUTPUT0_SIZE];
  void *scratch;
  int mismatches;
} instance;

static void *run_instance(void *arg) {
  instance *t = (instance *)arg;
  for (int r = 0; r < ROUNDS; ++r) {
    memset(t->out, 0, sizeof t->out);
    model_with_scratch(t->in, t->out, t->scratch);
    if (memcmp(t->out, t->expected, sizeof t->out) != 0)
      ++t->mismatches;
  }
  return NULL;
}

static float in_a[MODEL_INPUT0_SIZE], in_b[MODEL_INPUT0_SIZE];
static float ref_a[MODEL_OUTPUT0_SIZE], ref_b[MODEL_OUTPUT0_SIZE], out[MODEL_OUTPUT0_SIZE];

int main(void) {
  fill_input(in_a, 1);
  fill_input(in_b, 2);
  void *scratch_a = arena(0xA5), *scratch_b = arena(0x5A);
  if (!scratch_a || !scratch_b)
    return fail("out of memory");

#ifdef SCRATCH_ONLY
  model_with_scratch(in_a, ref_a, scratch_a);
  model_with_scratch(in_b, ref_b, scratch_b);
#else
  /* 1 and 2: both entries, counting allocator calls. */
  long before = allocator_calls;
  model(in_a, ref_a);
  model(in_b, ref_b);
  model_with_scratch(in_a, out, scratch_a);
  long calls = allocator_calls - before;
  if (calls != 0) {
    fprintf(stderr, "FAIL: %ld allocator calls during 3 inferences\n", calls);
    return 1;
  }
  if (memcmp(out, ref_a, sizeof out) != 0)
    return fail("model_with_scratch differs from model");
#endif

  /* 3: two instances at the same time. */
  instance a = {in_a, ref_a, {0}, scratch_a, 0}, b = {in_b, ref_b, {0}, scratch_b, 0};
  pthread_t ta, tb;
  if (pthread_create(&ta, NULL, run_instance, &a) != 0 ||
      pthread_create(&tb, NULL, run_instance, &b) != 0)
    return fail("cannot start the threads");
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  if (a.mismatches || b.mismatches)
    return fail("two concurrent instances differ from one");
  if (memcmp(ref_a, ref_b, sizeof ref_a) == 0)
    return fail("the two inputs give the same outputs: the test would not see a mix-up");
  printf("PASS: scratch %u bytes, no allocator call, %d concurrent rounds\n",
         (unsigned)MODEL_SCRATCH_SIZE, ROUNDS);
  free(scratch_a);
  free(scratch_b);
  return 0;
}

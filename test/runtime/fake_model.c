/* A hand-written stand-in for a bnnc-compiled model, used to test the harness (harness.c).
 *
 *   inputs:  x float32 [2, 3], y float32 [2, 3]
 *   outputs: z = x + 2 * y (float32 [2, 3]), total = sum(z) (float64, rank 0)
 *
 * It aborts if a buffer is not aligned to BNNC_ALIGNMENT, so the tests also check alignment.
 * Its "scratch arena" holds 2 * 3 floats (2 * y), which the scratch entry aborts on if it is
 * misaligned. */
#include "bnnc/bnnc_runtime.h"

#include <stdlib.h>

static const int64_t shape_2x3[2] = {2, 3};

static const bnnc_tensor_info fake_inputs[2] = {
    {"x", BNNC_FLOAT32, 2, shape_2x3},
    {"y", BNNC_FLOAT32, 2, shape_2x3},
};

static const bnnc_tensor_info fake_outputs[2] = {
    {"z", BNNC_FLOAT32, 2, shape_2x3},
    {"total", BNNC_FLOAT64, 0, NULL},
};

#define FAKE_SCRATCH_ALIGNMENT 128

static void fake_run_with_scratch(void *const *buffers, void *scratch) {
  const float *x = (const float *)buffers[0];
  const float *y = (const float *)buffers[1];
  float *z = (float *)buffers[2];
  double *total = (double *)buffers[3];
  float *twice_y = (float *)scratch;
  double sum = 0.0;
  int i;
  for (i = 0; i < 4; ++i)
    if ((uintptr_t)buffers[i] % BNNC_ALIGNMENT != 0)
      abort();
  if ((uintptr_t)scratch % FAKE_SCRATCH_ALIGNMENT != 0)
    abort();
  for (i = 0; i < 6; ++i)
    twice_y[i] = 2.0f * y[i];
  for (i = 0; i < 6; ++i) {
    z[i] = x[i] + twice_y[i];
    sum += z[i];
  }
  *total = sum;
}

static void fake_run(void *const *buffers) {
  static float arena[6] __attribute__((aligned(FAKE_SCRATCH_ALIGNMENT)));
  fake_run_with_scratch(buffers, arena);
}

const bnnc_model_info bnnc_entry = {
    BNNC_ABI_VERSION, "fake_add", 2, 2, fake_inputs, fake_outputs, fake_run,
    6 * sizeof(float), FAKE_SCRATCH_ALIGNMENT, fake_run_with_scratch,
};

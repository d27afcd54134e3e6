/* Calls the model of emit-obj.onnxtxt through its generated header and prints the outputs. */
#include "emit-obj.h"

#include <stdio.h>

int main(void) {
  float x[EMIT_OBJ_INPUT0_SIZE] = {-2, -1, 0, 1, 2, 3};
  int32_t idx[EMIT_OBJ_INPUT1_SIZE] = {7};
  float y[EMIT_OBJ_OUTPUT0_SIZE];
  int32_t z[EMIT_OBJ_OUTPUT1_SIZE];
  emit_obj(x, idx, y, z);
  for (int i = 0; i < EMIT_OBJ_OUTPUT0_SIZE; ++i)
    printf("%g ", y[i]);
  printf("| %d\n", (int)z[0]);
  return 0;
}

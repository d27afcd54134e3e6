/* bnnc runtime: dtype and tensor helpers declared in bnnc/bnnc_runtime.h. Plain C99 + POSIX. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bnnc/bnnc_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bnnc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case BNNC_FLOAT32: return 4;
  case BNNC_UINT8: return 1;
  case BNNC_INT8: return 1;
  case BNNC_INT32: return 4;
  case BNNC_INT64: return 8;
  case BNNC_BOOL: return 1;
  case BNNC_FLOAT64: return 8;
  default: return 0;
  }
}

const char *bnnc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case BNNC_FLOAT32: return "float32";
  case BNNC_UINT8: return "uint8";
  case BNNC_INT8: return "int8";
  case BNNC_INT32: return "int32";
  case BNNC_INT64: return "int64";
  case BNNC_BOOL: return "bool";
  case BNNC_FLOAT64: return "float64";
  default: return "unknown";
  }
}

int64_t bnnc_tensor_numel(const bnnc_tensor_info *t) {
  int64_t n = 1;
  int32_t i;
  int zero = 0;
  if (t == NULL || t->rank < 0 || (t->rank > 0 && t->shape == NULL))
    return -1;
  for (i = 0; i < t->rank; ++i) {
    int64_t d = t->shape[i];
    if (d < 0)
      return -1;
    if (d == 0) {
      zero = 1;
      continue;
    }
    if (n > INT64_MAX / d)
      return -1;
    n *= d;
  }
  return zero ? 0 : n;
}

void *bnnc_alloc(size_t nbytes) {
  void *p = NULL;
  size_t rounded;
  if (nbytes == 0)
    nbytes = 1;
  /* Round up so that vectorised code may read whole cache lines at the end of a buffer. */
  if (nbytes > (size_t)-1 - (BNNC_ALIGNMENT - 1))
    return NULL;
  rounded = (nbytes + (BNNC_ALIGNMENT - 1)) & ~(size_t)(BNNC_ALIGNMENT - 1);
  if (posix_memalign(&p, BNNC_ALIGNMENT, rounded) != 0)
    return NULL;
  return p;
}

void bnnc_free(void *p) { free(p); }

char *bnnc_format_shape(char *buf, size_t buflen, int32_t rank, const int64_t *shape) {
  size_t used = 0;
  int32_t i;
  if (buf == NULL || buflen == 0)
    return buf;
  buf[0] = '\0';
#define BNNC_APPEND(...)                                                                           \
  do {                                                                                             \
    if (used < buflen) {                                                                           \
      int k_ = snprintf(buf + used, buflen - used, __VA_ARGS__);                                   \
      if (k_ < 0)                                                                                  \
        return buf;                                                                                \
      used += (size_t)k_;                                                                          \
    }                                                                                              \
  } while (0)
  BNNC_APPEND("[");
  for (i = 0; i < rank && shape != NULL; ++i)
    BNNC_APPEND("%s%lld", i ? ", " : "", (long long)shape[i]);
  BNNC_APPEND("]");
#undef BNNC_APPEND
  return buf;
}

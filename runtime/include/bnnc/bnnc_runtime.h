/* bnnc runtime ABI.
 *
 * Every object file that bnnc emits for a model exports three symbols (NAME is the model name,
 * `-name=` on the command line, by default the output file's stem):
 *
 *   void NAME(const T0 *in0, ..., T *out0, ...);   the entry point, declared in the model's header
 *   void NAME_with_scratch(const T0 *in0, ..., T *out0, ..., void *scratch);
 *                                                  the same, in a caller-owned scratch arena
 *   const bnnc_model_info NAME_info;               a description of the entry points, below
 *
 * Tensors are dense, row-major (C order) buffers in the ONNX model's own layout (NCHW for images):
 * the compiler converts layouts inside the model. The caller owns every buffer; the model writes
 * only its outputs and keeps no pointer after it returns. NAME keeps its intermediate tensors in
 * one static arena inside the object, so it must not run on two threads at once;
 * NAME_with_scratch uses the caller's arena instead (scratch_size bytes, aligned to
 * scratch_alignment; its contents need not be initialized and are garbage afterwards), so calls
 * with distinct arenas may run at the same time (see docs/runtime.md).
 *
 * This header is plain C99 and is the whole contract between generated code and the runtime.
 */
#ifndef BNNC_RUNTIME_H
#define BNNC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BNNC_ABI_VERSION 2u

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum bnnc_dtype {
  BNNC_FLOAT32 = 1,
  BNNC_UINT8 = 2,
  BNNC_INT8 = 3,
  BNNC_INT32 = 6,
  BNNC_INT64 = 7,
  BNNC_BOOL = 9,
  BNNC_FLOAT64 = 11
} bnnc_dtype;

typedef struct bnnc_tensor_info {
  const char *name;     /* the ONNX graph input or output name */
  int32_t dtype;        /* a bnnc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries, all static */
} bnnc_tensor_info;

typedef struct bnnc_model_info {
  uint32_t abi_version; /* BNNC_ABI_VERSION */
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const bnnc_tensor_info *inputs;
  const bnnc_tensor_info *outputs;
  /* Runs the model: buffers[0 .. num_inputs-1] are the inputs, the next num_outputs the outputs. */
  void (*run)(void *const *buffers);
  /* The scratch arena: its size in bytes (may be 0) and the alignment it needs (a power of two,
   * at least 64). */
  uint64_t scratch_size;
  uint64_t scratch_alignment;
  /* Runs the model in the caller's arena `scratch` (NAME_with_scratch); buffers as for run. */
  void (*run_with_scratch)(void *const *buffers, void *scratch);
} bnnc_model_info;

/* Size in bytes of one element of a bnnc_dtype, 0 if unknown. */
size_t bnnc_dtype_size(int32_t dtype);
/* Number of elements of a tensor (1 for rank 0), or -1 if t is NULL, a dimension is negative, the
 * rank is negative or the product overflows int64_t. */
int64_t bnnc_tensor_numel(const bnnc_tensor_info *t);

/* ---- Runtime helpers (runtime/src/runtime.c). Generated code does not call these; the harness
 * and tools do. ---- */

/* Alignment in bytes of every buffer the runtime allocates (inputs and outputs of the harness). */
#define BNNC_ALIGNMENT 64

/* NumPy-style name of a bnnc_dtype ("float32", "uint8", "int8", "int32", "int64", "bool",
 * "float64"), or "unknown". Never NULL. */
const char *bnnc_dtype_name(int32_t dtype);
/* Allocates nbytes (at least 1) aligned to BNNC_ALIGNMENT; NULL if out of memory. Free with
 * bnnc_free. */
void *bnnc_alloc(size_t nbytes);
/* Frees a pointer from bnnc_alloc (or the data of a bnnc_npy_array); NULL is allowed. */
void bnnc_free(void *p);
/* Writes "[d0, d1, ...]" ("[]" for rank 0) into buf (always NUL-terminated if buflen > 0,
 * truncated if too small). Returns buf. */
char *bnnc_format_shape(char *buf, size_t buflen, int32_t rank, const int64_t *shape);

#ifdef __cplusplus
}
#endif

#endif /* BNNC_RUNTIME_H */

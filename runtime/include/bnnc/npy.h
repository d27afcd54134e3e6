/* bnnc runtime: reading and writing NumPy .npy files. Plain C99 + POSIX.
 *
 * Reads format versions 1.0, 2.0 and 3.0; writes 1.0 (2.0 if the header does not fit in 64 KiB).
 * Supported dtypes: '<f4' '<f8' '|i1' '|u1' '<i4' '<i8' '|b1' (one-byte types with any byte-order
 * character), C order only, any rank from 0 to BNNC_NPY_MAX_RANK. Data is little-endian in the
 * file and native in memory (swapped on big-endian hosts).
 *
 * Every function reports failure with a nonzero bnnc_npy_status and, if err is not NULL and
 * errlen > 0, a NUL-terminated human-readable message (without a trailing newline) in err. On
 * success err is set to "". No function prints anything or aborts.
 */
#ifndef BNNC_NPY_H
#define BNNC_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "bnnc/bnnc_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* NumPy 2's limit on the number of dimensions. */
#define BNNC_NPY_MAX_RANK 64
/* Headers longer than this are rejected as corrupt (NumPy itself writes a few hundred bytes). */
#define BNNC_NPY_MAX_HEADER_LEN (1u << 20)

typedef enum bnnc_npy_status {
  BNNC_NPY_OK = 0,
  BNNC_NPY_EIO = 1,        /* cannot open, read or write the file */
  BNNC_NPY_EFORMAT = 2,    /* bad magic, unknown version, malformed header, trailing bytes */
  BNNC_NPY_ETRUNCATED = 3, /* the file ends inside the preamble, the header or the data */
  BNNC_NPY_EDTYPE = 4,     /* unsupported or malformed dtype (descr) */
  BNNC_NPY_EBYTEORDER = 5, /* big-endian (or native '=') multi-byte dtype */
  BNNC_NPY_EORDER = 6,     /* fortran_order is True */
  BNNC_NPY_EOVERFLOW = 7,  /* the size in bytes does not fit in size_t / int64_t, or rank too big */
  BNNC_NPY_ENOMEM = 8,     /* allocation failed */
  BNNC_NPY_EINVAL = 9      /* bad argument (NULL pointer, unknown dtype, negative dimension...) */
} bnnc_npy_status;

typedef struct bnnc_npy_array {
  int32_t dtype;                    /* a bnnc_dtype */
  int32_t rank;                     /* 0 .. BNNC_NPY_MAX_RANK */
  int64_t shape[BNNC_NPY_MAX_RANK]; /* the first rank entries are valid, the rest are 0 */
  int64_t numel;                    /* product of the shape (1 for rank 0) */
  size_t nbytes;                    /* numel * bnnc_dtype_size(dtype) */
  void *data;                       /* BNNC_ALIGNMENT-aligned, owned; never NULL after success */
  int version_major, version_minor; /* the file's format version */
} bnnc_npy_array;

/* Reads the .npy file at path into *out (which is fully overwritten; on failure it is zeroed and
 * needs no bnnc_npy_free). Returns a bnnc_npy_status. */
int bnnc_npy_read(const char *path, bnnc_npy_array *out, char *err, size_t errlen);

/* Same as bnnc_npy_read, from the len bytes at buf (a whole .npy file in memory). */
int bnnc_npy_parse(const void *buf, size_t len, bnnc_npy_array *out, char *err, size_t errlen);

/* Writes a C-order array of the given bnnc_dtype and shape to path (replacing it). data holds
 * numel * bnnc_dtype_size(dtype) bytes in native byte order; it may be NULL only if numel is 0.
 * On failure a partially written file is removed. Returns a bnnc_npy_status. */
int bnnc_npy_write(const char *path, int32_t dtype, int32_t rank, const int64_t *shape,
                   const void *data, char *err, size_t errlen);

/* Frees the data of an array filled by bnnc_npy_read/parse and zeroes it. NULL and zeroed arrays
 * are allowed; calling it twice is harmless. */
void bnnc_npy_free(bnnc_npy_array *a);

/* A short name for a status ("ok", "i/o error", "bad format", ...). Never NULL. */
const char *bnnc_npy_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* BNNC_NPY_H */

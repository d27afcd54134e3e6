/* bnnc runtime: NumPy .npy reader and writer (see bnnc/npy.h). Plain C99 + POSIX.
 *
 * File layout (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 *   "\x93NUMPY" major minor  HEADER_LEN (uint16 LE for 1.0, uint32 LE for 2.0/3.0)  HEADER  DATA
 * HEADER is a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and a final '\n' so that the data starts at a multiple of 64 bytes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif

#include "bnnc/npy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* ---- errors ---- */

#if defined(__GNUC__) || defined(__clang__)
#define NPY_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NPY_PRINTF(fmt, args)
#endif

/* Writes "PREFIX: message" into err (if there is room) and returns code. */
static int npy_fail(char *err, size_t errlen, const char *prefix, int code, const char *fmt, ...)
    NPY_PRINTF(5, 6);
static int npy_fail(char *err, size_t errlen, const char *prefix, int code, const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    size_t used = 0;
    va_list ap;
    err[0] = '\0';
    if (prefix != NULL) {
      int k = snprintf(err, errlen, "%s: ", prefix);
      if (k < 0)
        k = 0;
      used = (size_t)k < errlen ? (size_t)k : errlen - 1;
    }
    va_start(ap, fmt);
    if (used < errlen)
      vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
  }
  return code;
}

static void npy_ok(char *err, size_t errlen) {
  if (err != NULL && errlen > 0)
    err[0] = '\0';
}

const char *bnnc_npy_status_name(int status) {
  switch (status) {
  case BNNC_NPY_OK: return "ok";
  case BNNC_NPY_EIO: return "i/o error";
  case BNNC_NPY_EFORMAT: return "bad format";
  case BNNC_NPY_ETRUNCATED: return "truncated file";
  case BNNC_NPY_EDTYPE: return "unsupported dtype";
  case BNNC_NPY_EBYTEORDER: return "unsupported byte order";
  case BNNC_NPY_EORDER: return "fortran order";
  case BNNC_NPY_EOVERFLOW: return "size overflow";
  case BNNC_NPY_ENOMEM: return "out of memory";
  case BNNC_NPY_EINVAL: return "invalid argument";
  default: return "unknown error";
  }
}

/* ---- byte order ---- */

static int host_is_big_endian(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 0;
}

static void swap_elements(void *data, size_t numel, size_t esize) {
  unsigned char *p = (unsigned char *)data;
  size_t i, j;
  if (esize <= 1)
    return;
  for (i = 0; i < numel; ++i, p += esize) {
    for (j = 0; j < esize / 2; ++j) {
      unsigned char t = p[j];
      p[j] = p[esize - 1 - j];
      p[esize - 1 - j] = t;
    }
  }
}

/* ---- dtypes ---- */

typedef struct npy_dtype_entry {
  const char *code; /* descr without the byte-order character */
  int32_t dtype;
} npy_dtype_entry;

static const npy_dtype_entry npy_dtypes[] = {
    {"f4", BNNC_FLOAT32}, {"f8", BNNC_FLOAT64}, {"i1", BNNC_INT8}, {"u1", BNNC_UINT8},
    {"i4", BNNC_INT32},   {"i8", BNNC_INT64},   {"b1", BNNC_BOOL},
};

/* The descr NumPy writes for a dtype, NULL if unknown. */
static const char *npy_descr_for(int32_t dtype) {
  switch (dtype) {
  case BNNC_FLOAT32: return "<f4";
  case BNNC_FLOAT64: return "<f8";
  case BNNC_INT8: return "|i1";
  case BNNC_UINT8: return "|u1";
  case BNNC_INT32: return "<i4";
  case BNNC_INT64: return "<i8";
  case BNNC_BOOL: return "|b1";
  default: return NULL;
  }
}

static int npy_map_descr(const char *descr, int32_t *dtype, const char *prefix, char *err,
                         size_t errlen) {
  size_t i;
  char order = descr[0];
  if (order == '<' || order == '>' || order == '|' || order == '=') {
    for (i = 0; i < sizeof npy_dtypes / sizeof npy_dtypes[0]; ++i) {
      if (strcmp(descr + 1, npy_dtypes[i].code) != 0)
        continue;
      if (bnnc_dtype_size(npy_dtypes[i].dtype) == 1 || order == '<') {
        *dtype = npy_dtypes[i].dtype;
        return BNNC_NPY_OK;
      }
      if (order == '>')
        return npy_fail(err, errlen, prefix, BNNC_NPY_EBYTEORDER,
                        "big-endian dtype '%s' is not supported (convert with "
                        "a.astype(a.dtype.newbyteorder('<')))",
                        descr);
      return npy_fail(err, errlen, prefix, BNNC_NPY_EBYTEORDER,
                      "dtype '%s' has no explicit little-endian byte order", descr);
    }
  }
  return npy_fail(err, errlen, prefix, BNNC_NPY_EDTYPE,
                  "unsupported dtype '%s' (supported: <f4 <f8 |i1 |u1 <i4 <i8 |b1)", descr);
}

/* ---- header dict parser ---- */

typedef struct npy_cursor {
  const char *begin, *p, *end;
} npy_cursor;

static int npy_is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void npy_skip_ws(npy_cursor *c) {
  while (c->p < c->end && npy_is_ws(*c->p))
    ++c->p;
}

/* The next non-blank character, or -1 at the end. */
static int npy_peek(npy_cursor *c) {
  npy_skip_ws(c);
  return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int npy_accept(npy_cursor *c, char ch) {
  if (npy_peek(c) == (unsigned char)ch) {
    ++c->p;
    return 1;
  }
  return 0;
}

static long npy_offset(const npy_cursor *c) { return (long)(c->p - c->begin); }

/* Parses a quoted string at the cursor into buf (truncated to cap-1 characters). */
static int npy_parse_string(npy_cursor *c, char *buf, size_t cap, const char *prefix, char *err,
                            size_t errlen) {
  char quote;
  size_t n = 0;
  int q = npy_peek(c);
  if (q != '\'' && q != '"')
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: expected a string at offset %ld", npy_offset(c));
  quote = (char)q;
  ++c->p;
  while (c->p < c->end && *c->p != quote) {
    if (*c->p == '\\' || (unsigned char)*c->p < 0x20)
      return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                      "malformed .npy header: unsupported character in a string at offset %ld",
                      npy_offset(c));
    if (n + 1 < cap)
      buf[n++] = *c->p;
    ++c->p;
  }
  if (c->p >= c->end)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: unterminated string");
  ++c->p; /* closing quote */
  buf[n] = '\0';
  return BNNC_NPY_OK;
}

static int npy_parse_bool(npy_cursor *c, int *value, const char *prefix, char *err, size_t errlen) {
  const char *start;
  size_t n;
  npy_skip_ws(c);
  start = c->p;
  while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z')))
    ++c->p;
  n = (size_t)(c->p - start);
  if (n == 4 && memcmp(start, "True", 4) == 0) {
    *value = 1;
    return BNNC_NPY_OK;
  }
  if (n == 5 && memcmp(start, "False", 5) == 0) {
    *value = 0;
    return BNNC_NPY_OK;
  }
  c->p = start;
  return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                  "malformed .npy header: 'fortran_order' must be True or False (offset %ld)",
                  npy_offset(c));
}

/* Parses "(d0, d1, ...)" or "[...]": non-negative integers, optional trailing comma, optional
 * Python 2 'L' suffixes. */
static int npy_parse_shape(npy_cursor *c, int32_t *rank, int64_t *shape, const char *prefix,
                           char *err, size_t errlen) {
  char close;
  int open = npy_peek(c);
  int32_t r = 0;
  if (open == '(')
    close = ')';
  else if (open == '[')
    close = ']';
  else
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: 'shape' must be a tuple (offset %ld)", npy_offset(c));
  ++c->p;
  for (;;) {
    int64_t v = 0;
    if (npy_accept(c, close))
      break;
    npy_skip_ws(c);
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
      return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                      "malformed .npy header: expected a non-negative integer in 'shape' at "
                      "offset %ld",
                      npy_offset(c));
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      int digit = *c->p - '0';
      if (v > (INT64_MAX - digit) / 10)
        return npy_fail(err, errlen, prefix, BNNC_NPY_EOVERFLOW,
                        "dimension in 'shape' does not fit in 64 bits");
      v = v * 10 + digit;
      ++c->p;
    }
    if (c->p < c->end && (*c->p == 'L' || *c->p == 'l'))
      ++c->p;
    if (r >= BNNC_NPY_MAX_RANK)
      return npy_fail(err, errlen, prefix, BNNC_NPY_EOVERFLOW, "rank exceeds the maximum of %d",
                      BNNC_NPY_MAX_RANK);
    shape[r++] = v;
    if (npy_accept(c, ','))
      continue;
    if (npy_accept(c, close))
      break;
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: expected ',' or '%c' in 'shape' at offset %ld", close,
                    npy_offset(c));
  }
  *rank = r;
  return BNNC_NPY_OK;
}

#define NPY_DESCR_CAP 32

/* Parses the header dict; fills *dtype, *rank, shape. */
static int npy_parse_header(const char *h, size_t n, int32_t *dtype, int32_t *rank, int64_t *shape,
                            const char *prefix, char *err, size_t errlen) {
  npy_cursor c;
  char key[NPY_DESCR_CAP], descr[NPY_DESCR_CAP];
  int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0, st;
  c.begin = c.p = h;
  c.end = h + n;
  descr[0] = '\0';
  if (!npy_accept(&c, '{'))
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: expected '{' at offset %ld", npy_offset(&c));
  for (;;) {
    if (npy_accept(&c, '}'))
      break;
    if ((st = npy_parse_string(&c, key, sizeof key, prefix, err, errlen)) != BNNC_NPY_OK)
      return st;
    if (!npy_accept(&c, ':'))
      return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                      "malformed .npy header: expected ':' after key '%s'", key);
    if (strcmp(key, "descr") == 0) {
      if (have_descr++)
        goto duplicate;
      if (npy_peek(&c) == '[' || npy_peek(&c) == '{')
        return npy_fail(err, errlen, prefix, BNNC_NPY_EDTYPE,
                        "structured dtypes are not supported");
      if ((st = npy_parse_string(&c, descr, sizeof descr, prefix, err, errlen)) != BNNC_NPY_OK)
        return st;
    } else if (strcmp(key, "fortran_order") == 0) {
      if (have_fortran++)
        goto duplicate;
      if ((st = npy_parse_bool(&c, &fortran, prefix, err, errlen)) != BNNC_NPY_OK)
        return st;
    } else if (strcmp(key, "shape") == 0) {
      if (have_shape++)
        goto duplicate;
      if ((st = npy_parse_shape(&c, rank, shape, prefix, err, errlen)) != BNNC_NPY_OK)
        return st;
    } else {
      return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                      "malformed .npy header: unknown key '%s'", key);
    }
    if (npy_accept(&c, ','))
      continue;
    if (npy_accept(&c, '}'))
      break;
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: expected ',' or '}' at offset %ld", npy_offset(&c));
  }
  npy_skip_ws(&c);
  if (c.p != c.end)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: unexpected text after the dict at offset %ld",
                    npy_offset(&c));
  if (!have_descr || !have_fortran || !have_shape)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "malformed .npy header: missing key '%s'",
                    !have_descr     ? "descr"
                    : !have_fortran ? "fortran_order"
                                    : "shape");
  if ((st = npy_map_descr(descr, dtype, prefix, err, errlen)) != BNNC_NPY_OK)
    return st;
  if (fortran)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EORDER,
                    "Fortran-order arrays are not supported (save np.ascontiguousarray(a))");
  return BNNC_NPY_OK;
duplicate:
  return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                  "malformed .npy header: duplicate key '%s'", key);
}

/* numel and byte size of a shape, with overflow checks. */
static int npy_sizes(int32_t rank, const int64_t *shape, size_t esize, int64_t *numel,
                     size_t *nbytes, const char *prefix, char *err, size_t errlen) {
  int64_t n = 1;
  int32_t i;
  int zero = 0;
  for (i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return npy_fail(err, errlen, prefix, BNNC_NPY_EINVAL, "negative dimension %lld",
                      (long long)shape[i]);
    if (shape[i] == 0)
      zero = 1;
  }
  if (zero) {
    *numel = 0;
    *nbytes = 0;
    return BNNC_NPY_OK;
  }
  for (i = 0; i < rank; ++i) {
    if (n > INT64_MAX / shape[i])
      return npy_fail(err, errlen, prefix, BNNC_NPY_EOVERFLOW, "array size overflows 64 bits");
    n *= shape[i];
  }
  if ((uint64_t)n > (uint64_t)(SIZE_MAX / esize) ||
      (uint64_t)n > (uint64_t)(INT64_MAX / (int64_t)esize))
    return npy_fail(err, errlen, prefix, BNNC_NPY_EOVERFLOW,
                    "array of %lld elements does not fit in memory on this machine", (long long)n);
  *numel = n;
  *nbytes = (size_t)n * esize;
  return BNNC_NPY_OK;
}

/* ---- reading ---- */

typedef struct npy_src {
  FILE *f;                  /* a file, or */
  const unsigned char *mem; /* a memory buffer of len bytes */
  size_t len, pos;
} npy_src;

static size_t npy_src_read(npy_src *s, void *dst, size_t n) {
  if (s->f != NULL) {
    size_t got = 0;
    while (got < n) {
      size_t k = fread((unsigned char *)dst + got, 1, n - got, s->f);
      if (k == 0)
        break;
      got += k;
    }
    return got;
  } else {
    size_t avail = s->len - s->pos;
    size_t k = n < avail ? n : avail;
    if (k > 0)
      memcpy(dst, s->mem + s->pos, k);
    s->pos += k;
    return k;
  }
}

static int npy_src_error(npy_src *s) { return s->f != NULL && ferror(s->f); }

/* The number of bytes left, if it can be known cheaply (regular files and memory). */
static int npy_src_remaining(npy_src *s, uint64_t *rem) {
  struct stat st;
  off_t pos;
  if (s->f == NULL) {
    *rem = (uint64_t)(s->len - s->pos);
    return 1;
  }
  if (fstat(fileno(s->f), &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  pos = ftello(s->f);
  if (pos < 0 || st.st_size < pos)
    return 0;
  *rem = (uint64_t)(st.st_size - pos);
  return 1;
}

static int npy_truncated_or_io(npy_src *s, const char *what, uint64_t expected, uint64_t found,
                               const char *prefix, char *err, size_t errlen) {
  if (npy_src_error(s))
    return npy_fail(err, errlen, prefix, BNNC_NPY_EIO, "read error: %s", strerror(errno));
  return npy_fail(err, errlen, prefix, BNNC_NPY_ETRUNCATED,
                  "truncated .npy file: expected %llu bytes of %s, found %llu",
                  (unsigned long long)expected, what, (unsigned long long)found);
}

static int npy_read_src(npy_src *s, bnnc_npy_array *out, const char *prefix, char *err,
                        size_t errlen) {
  unsigned char pre[12];
  size_t got, prelen, hlen, esize;
  unsigned major, minor;
  char *header;
  int st;
  int32_t dtype = 0, rank = 0;
  int64_t numel = 0;
  size_t nbytes = 0;
  uint64_t rem;
  void *data;

  got = npy_src_read(s, pre, 10);
  if (npy_src_error(s))
    return npy_fail(err, errlen, prefix, BNNC_NPY_EIO, "read error: %s", strerror(errno));
  if (memcmp(pre, npy_magic, got < 6 ? got : 6) != 0)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT, "not a .npy file (bad magic string)");
  if (got == 0)
    return npy_fail(err, errlen, prefix, BNNC_NPY_ETRUNCATED, "empty file, not a .npy file");
  if (got < 8)
    return npy_truncated_or_io(s, "preamble", 10, got, prefix, err, errlen);
  major = pre[6];
  minor = pre[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "unsupported .npy format version %u.%u (supported: 1.0, 2.0, 3.0)", major,
                    minor);
  prelen = major == 1 ? 10 : 12;
  if (got == 10 && prelen == 12)
    got += npy_src_read(s, pre + 10, 2);
  if (got < prelen)
    return npy_truncated_or_io(s, "preamble", prelen, got, prefix, err, errlen);
  if (major == 1)
    hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
  else
    hlen = (size_t)((uint32_t)pre[8] | ((uint32_t)pre[9] << 8) | ((uint32_t)pre[10] << 16) |
                    ((uint32_t)pre[11] << 24));
  if (hlen > BNNC_NPY_MAX_HEADER_LEN)
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT, "implausible .npy header length %lu",
                    (unsigned long)hlen);

  header = (char *)malloc(hlen + 1);
  if (header == NULL)
    return npy_fail(err, errlen, prefix, BNNC_NPY_ENOMEM, "out of memory");
  got = npy_src_read(s, header, hlen);
  if (got < hlen) {
    free(header);
    return npy_truncated_or_io(s, "header", hlen, got, prefix, err, errlen);
  }
  header[hlen] = '\0';
  st = npy_parse_header(header, hlen, &dtype, &rank, out->shape, prefix, err, errlen);
  free(header);
  if (st != BNNC_NPY_OK)
    return st;

  esize = bnnc_dtype_size(dtype);
  st = npy_sizes(rank, out->shape, esize, &numel, &nbytes, prefix, err, errlen);
  if (st != BNNC_NPY_OK)
    return st;
  if (npy_src_remaining(s, &rem)) {
    if (rem < (uint64_t)nbytes)
      return npy_fail(err, errlen, prefix, BNNC_NPY_ETRUNCATED,
                      "truncated .npy file: expected %llu bytes of data, found %llu",
                      (unsigned long long)nbytes, (unsigned long long)rem);
    if (rem > (uint64_t)nbytes)
      return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                      "%llu unexpected bytes after the %llu bytes of data",
                      (unsigned long long)(rem - nbytes), (unsigned long long)nbytes);
  }
  data = bnnc_alloc(nbytes);
  if (data == NULL)
    return npy_fail(err, errlen, prefix, BNNC_NPY_ENOMEM, "out of memory allocating %llu bytes",
                    (unsigned long long)nbytes);
  got = npy_src_read(s, data, nbytes);
  if (got < nbytes) {
    bnnc_free(data);
    return npy_truncated_or_io(s, "data", nbytes, got, prefix, err, errlen);
  }
  if (s->f != NULL && fgetc(s->f) != EOF) {
    bnnc_free(data);
    return npy_fail(err, errlen, prefix, BNNC_NPY_EFORMAT,
                    "unexpected bytes after the %llu bytes of data", (unsigned long long)nbytes);
  }
  if (host_is_big_endian())
    swap_elements(data, (size_t)numel, esize);

  out->dtype = dtype;
  out->rank = rank;
  out->numel = numel;
  out->nbytes = nbytes;
  out->data = data;
  out->version_major = (int)major;
  out->version_minor = (int)minor;
  npy_ok(err, errlen);
  return BNNC_NPY_OK;
}

int bnnc_npy_parse(const void *buf, size_t len, bnnc_npy_array *out, char *err, size_t errlen) {
  npy_src s;
  int st;
  if (out == NULL || (buf == NULL && len > 0))
    return npy_fail(err, errlen, NULL, BNNC_NPY_EINVAL, "bnnc_npy_parse: NULL argument");
  memset(out, 0, sizeof *out);
  memset(&s, 0, sizeof s);
  s.mem = (const unsigned char *)buf;
  s.len = len;
  st = npy_read_src(&s, out, "<memory>", err, errlen);
  if (st != BNNC_NPY_OK)
    memset(out, 0, sizeof *out);
  return st;
}

int bnnc_npy_read(const char *path, bnnc_npy_array *out, char *err, size_t errlen) {
  npy_src s;
  int st;
  if (out == NULL || path == NULL)
    return npy_fail(err, errlen, NULL, BNNC_NPY_EINVAL, "bnnc_npy_read: NULL argument");
  memset(out, 0, sizeof *out);
  memset(&s, 0, sizeof s);
  s.f = fopen(path, "rb");
  if (s.f == NULL)
    return npy_fail(err, errlen, path, BNNC_NPY_EIO, "cannot open: %s", strerror(errno));
  st = npy_read_src(&s, out, path, err, errlen);
  fclose(s.f);
  if (st != BNNC_NPY_OK)
    memset(out, 0, sizeof *out);
  return st;
}

void bnnc_npy_free(bnnc_npy_array *a) {
  if (a == NULL)
    return;
  bnnc_free(a->data);
  memset(a, 0, sizeof *a);
}

/* ---- writing ---- */

#define NPY_ALIGN 64
/* Preamble (12) + dict text (under 100 + 21 per dimension) + padding (64) + '\n'. */
#define NPY_HEADER_CAP (12 + 128 + 22 * BNNC_NPY_MAX_RANK + NPY_ALIGN + 1)

static int npy_write_all(FILE *f, const void *p, size_t n) { return fwrite(p, 1, n, f) == n; }

int bnnc_npy_write(const char *path, int32_t dtype, int32_t rank, const int64_t *shape,
                   const void *data, char *err, size_t errlen) {
  char buf[NPY_HEADER_CAP];
  char dict[NPY_HEADER_CAP];
  const char *descr = npy_descr_for(dtype);
  size_t esize = bnnc_dtype_size(dtype), dictlen = 0, prelen, total, hlen, pad, nbytes = 0;
  int64_t numel = 0;
  int32_t i;
  int st, ok, regular;
  FILE *f;

  if (path == NULL)
    return npy_fail(err, errlen, NULL, BNNC_NPY_EINVAL, "bnnc_npy_write: NULL path");
  if (descr == NULL)
    return npy_fail(err, errlen, path, BNNC_NPY_EINVAL, "cannot write unknown dtype %d",
                    (int)dtype);
  if (rank < 0 || rank > BNNC_NPY_MAX_RANK)
    return npy_fail(err, errlen, path, BNNC_NPY_EINVAL, "invalid rank %d", (int)rank);
  if (rank > 0 && shape == NULL)
    return npy_fail(err, errlen, path, BNNC_NPY_EINVAL, "NULL shape");
  st = npy_sizes(rank, shape, esize, &numel, &nbytes, path, err, errlen);
  if (st != BNNC_NPY_OK)
    return st;
  if (data == NULL && nbytes > 0)
    return npy_fail(err, errlen, path, BNNC_NPY_EINVAL, "NULL data");

  /* The dict, exactly as NumPy formats it. */
  dictlen = (size_t)snprintf(dict, sizeof dict,
                             "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (i = 0; i < rank; ++i)
    dictlen += (size_t)snprintf(dict + dictlen, sizeof dict - dictlen, "%s%lld", i ? ", " : "",
                                (long long)shape[i]);
  dictlen +=
      (size_t)snprintf(dict + dictlen, sizeof dict - dictlen, "%s), }", rank == 1 ? "," : "");

  prelen = 10;
  total = prelen + dictlen + 1;
  pad = (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
  hlen = dictlen + pad + 1;
  if (hlen > 0xFFFF) { /* version 2.0: 4-byte header length */
    prelen = 12;
    total = prelen + dictlen + 1;
    pad = (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
    hlen = dictlen + pad + 1;
  }
  memcpy(buf, npy_magic, 6);
  buf[6] = (char)(prelen == 10 ? 1 : 2);
  buf[7] = 0;
  buf[8] = (char)(hlen & 0xFF);
  buf[9] = (char)((hlen >> 8) & 0xFF);
  if (prelen == 12) {
    buf[10] = (char)((hlen >> 16) & 0xFF);
    buf[11] = (char)((hlen >> 24) & 0xFF);
  }
  memcpy(buf + prelen, dict, dictlen);
  memset(buf + prelen + dictlen, ' ', pad);
  buf[prelen + hlen - 1] = '\n';

  f = fopen(path, "wb");
  if (f == NULL)
    return npy_fail(err, errlen, path, BNNC_NPY_EIO, "cannot create: %s", strerror(errno));
  {
    /* Only a regular file is removed on failure (never a device such as /dev/stdout). */
    struct stat sb;
    regular = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
  }
  ok = npy_write_all(f, buf, prelen + hlen);
  if (ok && nbytes > 0) {
    if (!host_is_big_endian() || esize == 1) {
      ok = npy_write_all(f, data, nbytes);
    } else {
      unsigned char chunk[4096];
      const unsigned char *p = (const unsigned char *)data;
      size_t done = 0;
      while (ok && done < nbytes) {
        size_t k = nbytes - done < sizeof chunk ? nbytes - done : sizeof chunk;
        memcpy(chunk, p + done, k);
        swap_elements(chunk, k / esize, esize);
        ok = npy_write_all(f, chunk, k);
        done += k;
      }
    }
  }
  if (!ok) {
    int e = errno;
    fclose(f);
    if (regular)
      remove(path);
    return npy_fail(err, errlen, path, BNNC_NPY_EIO, "write error: %s", strerror(e));
  }
  if (fclose(f) != 0) {
    int e = errno;
    if (regular)
      remove(path);
    return npy_fail(err, errlen, path, BNNC_NPY_EIO, "write error: %s", strerror(e));
  }
  npy_ok(err, errlen);
  return BNNC_NPY_OK;
}

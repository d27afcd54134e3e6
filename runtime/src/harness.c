/* bnnc runtime: the main() of a model program (see docs/runtime.md).
 *
 *   PROG IN0.npy [IN1.npy ...] [-o OUT0.npy ...]   run once, write or summarise the outputs
 *   PROG --bench N IN0.npy ...                     time N runs after a few warm-up runs
 *   PROG --scratch ...                             the same, in a caller-owned scratch arena
 *   PROG --info                                    describe the model's inputs and outputs
 *
 * The model object defines `const bnnc_model_info bnnc_entry;` (compile this file with
 * -DBNNC_ENTRY=other_symbol to use another name). This file needs only libc and the runtime
 * headers; it is compiled together with npy.c, runtime.c and timing.c. Plain C99 + POSIX.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "bnnc/bnnc_runtime.h"
#include "bnnc/npy.h"
#include "bnnc/timing.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BNNC_ENTRY
#define BNNC_ENTRY bnnc_entry
#endif

extern const bnnc_model_info BNNC_ENTRY;

#define DEFAULT_WARMUP 3
#define SUMMARY_VALUES 10
#define SHAPE_BUF 1024

static const char *prog_name = "model";

#if defined(__GNUC__) || defined(__clang__)
#define HARNESS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define HARNESS_PRINTF(fmt, args)
#endif

static void harness_error(const char *fmt, ...) HARNESS_PRINTF(1, 2);
static void harness_error(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static const char *str_or(const char *s, const char *fallback) { return s != NULL ? s : fallback; }

static void usage(FILE *out, const bnnc_model_info *m) {
  fprintf(out,
          "usage: %s [options] IN0.npy [IN1.npy ...] [-o OUT0.npy ...]\n"
          "Runs the bnnc-compiled model '%s' (%d input%s, %d output%s) on NumPy .npy files.\n"
          "\n"
          "options:\n"
          "  -o, --output PATH  write the next output to PATH; give one -o per output, or none\n"
          "                     to print a short summary of each output instead\n"
          "  --bench N          run %d warm-up runs, then time N runs and print\n"
          "                     'min X ms  median Y ms  max Z ms  (N runs)'\n"
          "  --warmup K         number of warm-up runs for --bench (default %d)\n"
          "  --scratch          run NAME_with_scratch in an arena this program allocates\n"
          "                     (filled with garbage first), instead of the static one\n"
          "  --info             print the model's inputs and outputs and exit\n"
          "  -h, --help         print this help and exit\n"
          "  --                 end of options\n"
          "\n"
          "Inputs must match the model's dtype and shape exactly (see --info), except that a\n"
          "float64 file is converted when the model expects float32. Exit status: 0 on\n"
          "success, 1 on any error.\n",
          prog_name, str_or(m->name, "?"), (int)m->num_inputs, m->num_inputs == 1 ? "" : "s",
          (int)m->num_outputs, m->num_outputs == 1 ? "" : "s", DEFAULT_WARMUP, DEFAULT_WARMUP);
}

/* ---- command line ---- */

typedef struct args {
  const char **inputs;
  int num_inputs;
  const char **outputs;
  int num_outputs;
  long bench; /* 0: no benchmark */
  long warmup;
  int info, help, scratch;
} args;

/* Parses a decimal integer in [min, INT_MAX]. */
static int parse_count(const char *s, long min, long *value) {
  char *end;
  long v;
  if (s == NULL || *s == '\0')
    return 0;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > INT_MAX)
    return 0;
  *value = v;
  return 1;
}

/* An option's value: "--opt=VALUE", "-oVALUE", or the next argument. NULL if missing. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t optlen) {
  if (arg[optlen] == '=')
    return arg + optlen + 1;
  if (arg[optlen] != '\0')
    return arg + optlen; /* -oPATH */
  if (*i + 1 >= argc)
    return NULL;
  return argv[++*i];
}

static int parse_args(int argc, char **argv, args *a) {
  int i, options_done = 0;
  memset(a, 0, sizeof *a);
  a->warmup = DEFAULT_WARMUP;
  a->inputs = (const char **)calloc((size_t)argc + 1, sizeof(char *));
  a->outputs = (const char **)calloc((size_t)argc + 1, sizeof(char *));
  if (a->inputs == NULL || a->outputs == NULL) {
    harness_error("out of memory");
    return 0;
  }
  for (i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    const char *v;
    if (options_done || arg[0] != '-' || arg[1] == '\0') {
      a->inputs[a->num_inputs++] = arg;
    } else if (strcmp(arg, "--") == 0) {
      options_done = 1;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      a->help = 1;
    } else if (strcmp(arg, "--info") == 0) {
      a->info = 1;
    } else if (strcmp(arg, "--scratch") == 0) {
      a->scratch = 1;
    } else if (strncmp(arg, "-o", 2) == 0) {
      v = option_value(argc, argv, &i, arg, 2);
      if (v == NULL || *v == '\0') {
        harness_error("option -o needs a file name");
        return 0;
      }
      a->outputs[a->num_outputs++] = v;
    } else if (strncmp(arg, "--output", 8) == 0 && (arg[8] == '\0' || arg[8] == '=')) {
      v = option_value(argc, argv, &i, arg, 8);
      if (v == NULL || *v == '\0') {
        harness_error("option --output needs a file name");
        return 0;
      }
      a->outputs[a->num_outputs++] = v;
    } else if (strncmp(arg, "--bench", 7) == 0 && (arg[7] == '\0' || arg[7] == '=')) {
      v = option_value(argc, argv, &i, arg, 7);
      if (!parse_count(v, 1, &a->bench)) {
        harness_error("option --bench needs a positive number of runs, got '%s'", str_or(v, ""));
        return 0;
      }
    } else if (strncmp(arg, "--warmup", 8) == 0 && (arg[8] == '\0' || arg[8] == '=')) {
      v = option_value(argc, argv, &i, arg, 8);
      if (!parse_count(v, 0, &a->warmup)) {
        harness_error("option --warmup needs a non-negative number of runs, got '%s'",
                      str_or(v, ""));
        return 0;
      }
    } else {
      harness_error("unknown option '%s' (see --help)", arg);
      return 0;
    }
  }
  return 1;
}

/* ---- model description ---- */

static const char *format_tensor(char *buf, size_t len, int32_t dtype, int32_t rank,
                                 const int64_t *shape) {
  char shp[SHAPE_BUF];
  snprintf(buf, len, "%s %s", bnnc_dtype_name(dtype),
           bnnc_format_shape(shp, sizeof shp, rank, shape));
  return buf;
}

static int check_tensor_info(const bnnc_tensor_info *t, const char *kind, int index) {
  if (bnnc_dtype_size(t->dtype) == 0) {
    harness_error("invalid model info: %s %d has unknown dtype %d", kind, index, (int)t->dtype);
    return 0;
  }
  if (bnnc_tensor_numel(t) < 0 || t->rank > BNNC_NPY_MAX_RANK) {
    harness_error("invalid model info: %s %d has an invalid shape", kind, index);
    return 0;
  }
  if ((uint64_t)bnnc_tensor_numel(t) > (uint64_t)(SIZE_MAX / bnnc_dtype_size(t->dtype))) {
    harness_error("invalid model info: %s %d is too large for this machine", kind, index);
    return 0;
  }
  return 1;
}

static int check_model(const bnnc_model_info *m) {
  int i;
  if (m->abi_version != BNNC_ABI_VERSION) {
    harness_error("model '%s' was compiled for runtime ABI version %u, this harness is version %u",
                  str_or(m->name, "?"), (unsigned)m->abi_version, (unsigned)BNNC_ABI_VERSION);
    return 0;
  }
  if (m->num_inputs < 0 || m->num_outputs < 0 || (m->num_inputs > 0 && m->inputs == NULL) ||
      (m->num_outputs > 0 && m->outputs == NULL) || m->run == NULL ||
      m->run_with_scratch == NULL || m->scratch_alignment < BNNC_ALIGNMENT ||
      (m->scratch_alignment & (m->scratch_alignment - 1)) != 0 ||
      m->scratch_size > (uint64_t)SIZE_MAX - m->scratch_alignment) {
    harness_error("invalid model info for model '%s'", str_or(m->name, "?"));
    return 0;
  }
  for (i = 0; i < m->num_inputs; ++i)
    if (!check_tensor_info(&m->inputs[i], "input", i))
      return 0;
  for (i = 0; i < m->num_outputs; ++i)
    if (!check_tensor_info(&m->outputs[i], "output", i))
      return 0;
  return 1;
}

static size_t tensor_nbytes(const bnnc_tensor_info *t) {
  return (size_t)bnnc_tensor_numel(t) * bnnc_dtype_size(t->dtype);
}

static void print_info(const bnnc_model_info *m) {
  char buf[SHAPE_BUF + 32];
  int i;
  printf("model: %s\n", str_or(m->name, "?"));
  printf("inputs: %d\n", (int)m->num_inputs);
  for (i = 0; i < m->num_inputs; ++i) {
    const bnnc_tensor_info *t = &m->inputs[i];
    printf("  %d: %s  %s\n", i, str_or(t->name, "?"),
           format_tensor(buf, sizeof buf, t->dtype, t->rank, t->shape));
  }
  printf("outputs: %d\n", (int)m->num_outputs);
  for (i = 0; i < m->num_outputs; ++i) {
    const bnnc_tensor_info *t = &m->outputs[i];
    printf("  %d: %s  %s\n", i, str_or(t->name, "?"),
           format_tensor(buf, sizeof buf, t->dtype, t->rank, t->shape));
  }
  printf("scratch: %llu bytes, aligned to %llu\n", (unsigned long long)m->scratch_size,
         (unsigned long long)m->scratch_alignment);
}

/* One inference: through the static arena, or through the caller's (`scratch` not NULL). */
static void run_once(const bnnc_model_info *m, void *const *buffers, void *scratch) {
  if (scratch != NULL)
    m->run_with_scratch(buffers, scratch);
  else
    m->run(buffers);
}

/* ---- output summary ---- */

static double element_as_double(const void *data, int32_t dtype, int64_t i) {
  switch (dtype) {
  case BNNC_FLOAT32: return (double)((const float *)data)[i];
  case BNNC_FLOAT64: return ((const double *)data)[i];
  case BNNC_INT8: return (double)((const int8_t *)data)[i];
  case BNNC_UINT8: return (double)((const uint8_t *)data)[i];
  case BNNC_BOOL: return ((const uint8_t *)data)[i] ? 1.0 : 0.0;
  case BNNC_INT32: return (double)((const int32_t *)data)[i];
  case BNNC_INT64: return (double)((const int64_t *)data)[i];
  default: return 0.0;
  }
}

static void print_element(const void *data, int32_t dtype, int64_t i) {
  switch (dtype) {
  case BNNC_FLOAT32:
  case BNNC_FLOAT64: printf("%.6g", element_as_double(data, dtype, i)); break;
  case BNNC_INT64: printf("%lld", (long long)((const int64_t *)data)[i]); break;
  case BNNC_BOOL: printf("%s", ((const uint8_t *)data)[i] ? "True" : "False"); break;
  default: printf("%.0f", element_as_double(data, dtype, i)); break;
  }
}

static void print_summary(int index, const bnnc_tensor_info *t, const void *data) {
  char buf[SHAPE_BUF + 32];
  int64_t n = bnnc_tensor_numel(t), i;
  printf("output %d '%s': %s\n", index, str_or(t->name, "?"),
         format_tensor(buf, sizeof buf, t->dtype, t->rank, t->shape));
  if (n == 0) {
    printf("  (empty)\n");
    return;
  }
  printf("  values: [");
  for (i = 0; i < n && i < SUMMARY_VALUES; ++i) {
    if (i)
      printf(", ");
    print_element(data, t->dtype, i);
  }
  printf("%s]\n", n > SUMMARY_VALUES ? ", ..." : "");
  if (n > 1) {
    double lo = element_as_double(data, t->dtype, 0), hi = lo, sum = 0.0;
    for (i = 0; i < n; ++i) {
      double v = element_as_double(data, t->dtype, i);
      if (v < lo)
        lo = v;
      if (v > hi)
        hi = v;
      sum += v;
    }
    printf("  min %.6g  max %.6g  mean %.6g\n", lo, hi, sum / (double)n);
  }
}

/* ---- main ---- */

static int same_shape(int32_t rank_a, const int64_t *a, int32_t rank_b, const int64_t *b) {
  int32_t i;
  if (rank_a != rank_b)
    return 0;
  for (i = 0; i < rank_a; ++i)
    if (a[i] != b[i])
      return 0;
  return 1;
}

/* Reads input i from path into a BNNC_ALIGNMENT-aligned buffer (*buf, freed with bnnc_free). */
static int load_input(const bnnc_model_info *m, int i, const char *path, void **buf) {
  const bnnc_tensor_info *t = &m->inputs[i];
  bnnc_npy_array a;
  char err[512], want[SHAPE_BUF + 32], got[SHAPE_BUF + 32];
  int convert;
  if (bnnc_npy_read(path, &a, err, sizeof err) != BNNC_NPY_OK) {
    harness_error("input %d ('%s'): %s", i, str_or(t->name, "?"), err);
    return 0;
  }
  convert = a.dtype == BNNC_FLOAT64 && t->dtype == BNNC_FLOAT32;
  if ((a.dtype != t->dtype && !convert) || !same_shape(a.rank, a.shape, t->rank, t->shape)) {
    harness_error("input %d ('%s', %s): expected %s, got %s", i, str_or(t->name, "?"), path,
                  format_tensor(want, sizeof want, t->dtype, t->rank, t->shape),
                  format_tensor(got, sizeof got, a.dtype, a.rank, a.shape));
    bnnc_npy_free(&a);
    return 0;
  }
  if (convert) {
    float *f = (float *)bnnc_alloc((size_t)a.numel * sizeof(float));
    const double *d = (const double *)a.data;
    int64_t k;
    if (f == NULL) {
      harness_error("out of memory converting input %d to float32", i);
      bnnc_npy_free(&a);
      return 0;
    }
    for (k = 0; k < a.numel; ++k)
      f[k] = (float)d[k];
    bnnc_npy_free(&a);
    *buf = f;
    return 1;
  }
  *buf = a.data; /* ownership moves to the caller; a is not freed */
  return 1;
}

static int run_model(const bnnc_model_info *m, const args *a) {
  int ok = 0, i, nbuf = m->num_inputs + m->num_outputs;
  void **buffers = (void **)calloc((size_t)nbuf + 1, sizeof(void *));
  double *samples = NULL;
  void *scratch = NULL;
  char err[512];

  if (buffers == NULL) {
    harness_error("out of memory");
    return 0;
  }
  if (a->scratch) {
    /* Whole multiples of the alignment, at least one; garbage in it, as a caller may leave. */
    size_t align = (size_t)m->scratch_alignment;
    size_t n = ((size_t)m->scratch_size + align - 1) / align * align;
    if (posix_memalign(&scratch, align, n ? n : align) != 0) {
      harness_error("out of memory allocating the scratch arena (%lu bytes)", (unsigned long)n);
      scratch = NULL;
      goto done;
    }
    memset(scratch, 0xA5, n ? n : align);
  }
  for (i = 0; i < m->num_inputs; ++i)
    if (!load_input(m, i, a->inputs[i], &buffers[i]))
      goto done;
  for (i = 0; i < m->num_outputs; ++i) {
    size_t n = tensor_nbytes(&m->outputs[i]);
    void *p = bnnc_alloc(n);
    if (p == NULL) {
      harness_error("out of memory allocating output %d (%lu bytes)", i, (unsigned long)n);
      goto done;
    }
    memset(p, 0, n);
    buffers[m->num_inputs + i] = p;
  }

  if (a->bench > 0) {
    bnnc_timing_stats st;
    long r;
    samples = (double *)malloc((size_t)a->bench * sizeof(double));
    if (samples == NULL) {
      harness_error("out of memory");
      goto done;
    }
    for (r = 0; r < a->warmup; ++r)
      run_once(m, buffers, scratch);
    for (r = 0; r < a->bench; ++r) {
      uint64_t t0 = bnnc_now_ns();
      run_once(m, buffers, scratch);
      samples[r] = (double)(bnnc_now_ns() - t0) / 1e6;
    }
    if (bnnc_timing_stats_compute(samples, (size_t)a->bench, &st) != 0) {
      harness_error("out of memory");
      goto done;
    }
    printf("min %.4f ms  median %.4f ms  max %.4f ms  (%ld runs)\n", st.min, st.median, st.max,
           a->bench);
  } else {
    run_once(m, buffers, scratch);
  }

  for (i = 0; i < m->num_outputs; ++i) {
    const bnnc_tensor_info *t = &m->outputs[i];
    void *data = buffers[m->num_inputs + i];
    if (a->num_outputs > 0) {
      if (bnnc_npy_write(a->outputs[i], t->dtype, t->rank, t->shape, data, err, sizeof err) !=
          BNNC_NPY_OK) {
        harness_error("output %d ('%s'): %s", i, str_or(t->name, "?"), err);
        goto done;
      }
    } else if (a->bench == 0) {
      print_summary(i, t, data);
    }
  }
  ok = 1;
done:
  for (i = 0; i < nbuf; ++i)
    bnnc_free(buffers[i]);
  free(buffers);
  free(samples);
  free(scratch);
  return ok;
}

int main(int argc, char **argv) {
  const bnnc_model_info *m = &BNNC_ENTRY;
  args a;
  int ok = 0;

  if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0') {
    const char *slash = strrchr(argv[0], '/');
    prog_name = slash != NULL ? slash + 1 : argv[0];
  }
  if (!parse_args(argc, argv, &a))
    goto done;
  if (a.help) {
    usage(stdout, m);
    ok = 1;
    goto done;
  }
  if (!check_model(m))
    goto done;
  if (a.info) {
    print_info(m);
    ok = 1;
    goto done;
  }
  if (a.num_inputs != m->num_inputs) {
    harness_error("model '%s' takes %d input%s, got %d (see --info)", str_or(m->name, "?"),
                  (int)m->num_inputs, m->num_inputs == 1 ? "" : "s", a.num_inputs);
    goto done;
  }
  if (a.num_outputs != 0 && a.num_outputs != m->num_outputs) {
    harness_error("model '%s' has %d output%s, got %d -o option%s (give one per output, or none)",
                  str_or(m->name, "?"), (int)m->num_outputs, m->num_outputs == 1 ? "" : "s",
                  a.num_outputs, a.num_outputs == 1 ? "" : "s");
    goto done;
  }
  ok = run_model(m, &a);
done:
  free((void *)a.inputs);
  free((void *)a.outputs);
  if (fflush(stdout) != 0) {
    if (ok)
      harness_error("cannot write to standard output");
    ok = 0;
  }
  return ok ? 0 : 1;
}

/*
 * mikrolan/core.h — status codes, the caller-owned error record, version,
 * always-on assertions and checked 64-bit arithmetic.
 *
 * Every other layer builds on this header. It includes only the C standard
 * library and compiles as C99 and C++.
 */
#ifndef MIKROLAN_CORE_H
#define MIKROLAN_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ML_API marks the exported symbols; everything else is hidden. */
#if defined(ML_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#define ML_API __attribute__((visibility("default")))
#else
#define ML_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ML_NODISCARD __attribute__((warn_unused_result))
#define ML_NORETURN __attribute__((noreturn))
#else
#define ML_NODISCARD
#define ML_NORETURN
#endif

/* Version of the headers; ml_version_string() gives the library's. */
#define ML_VERSION_MAJOR 0
#define ML_VERSION_MINOR 1
#define ML_VERSION_PATCH 0
#define ML_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for compile-time comparisons. */
#define ML_VERSION_NUMBER \
  (ML_VERSION_MAJOR * 10000 + ML_VERSION_MINOR * 100 + ML_VERSION_PATCH)

/*
 * Status codes. The values are pinned: they never change, and new codes are
 * only appended (with the next negative number).
 */
typedef enum ml_status {
  ML_OK = 0,
  ML_EINVAL = -1,    /* a value is not allowed (unknown name, bad combination) */
  ML_EPARSE = -2,    /* text is not in the expected form */
  ML_ERANGE = -3,    /* a value is outside the supported range */
  ML_ELIMIT = -4,    /* input beyond a documented limit */
  ML_ENOMEM = -5,    /* an allocation failed */
  ML_EOVERFLOW = -6, /* an exact result does not fit in its type */
  ML_EBUFFER = -7,   /* a caller-provided buffer is too small */
  ML_ESTATE = -8,    /* the operation is not allowed in the current state */
  ML_ENOTFOUND = -9, /* a named thing does not exist */
  ML_EIO = -10,      /* reading or writing a file failed */
  ML_ENOROOT = -11   /* an equation has no root in the searched interval */
} ml_status;

/* The enum constant's name ("ML_EPARSE"), or "ML_UNKNOWN" for other values.
 * Never NULL; the string is static. Thread-safe. */
ML_API const char *ml_status_name(ml_status status);

/* A short English description of the status ("text is not in the expected
 * form"). Never NULL; static. Thread-safe. */
ML_API const char *ml_status_describe(ml_status status);

#define ML_ERROR_FIELD_SIZE 48
#define ML_ERROR_MESSAGE_SIZE 256

/*
 * What went wrong, for functions that parse or validate. The caller owns it;
 * pass NULL where the details are not wanted. On success the functions leave
 * it untouched; on failure they fill every member (strings are always
 * NUL-terminated, truncated to fit, never inside a UTF-8 character). line
 * and column are 1-based, 0 where they do not apply. There is no global or
 * thread-local error state.
 */
typedef struct ml_error {
  ml_status code;
  char field[ML_ERROR_FIELD_SIZE];     /* the offending field, or "" */
  long line;                           /* 0 = not applicable */
  long column;                         /* 0 = not applicable */
  char message[ML_ERROR_MESSAGE_SIZE]; /* one human-readable sentence */
} ml_error;

/* How many bytes of text[0..n) to keep when a text is cut at n bytes: n,
 * less the start of a UTF-8 character the cut would split, so that a cut
 * of valid UTF-8 stays valid (other bytes are kept as they are). Reads
 * only text[0..n). ml_error's strings are cut so. */
ML_API size_t ml_utf8_cut(const char *text, size_t n);

/* Resets *err to ML_OK with empty strings and zero line/column. */
ML_API void ml_error_clear(ml_error *err);

/* The library's version at run time, e.g. "0.1.0", and its number as
 * ML_VERSION_NUMBER computes it. */
ML_API const char *ml_version_string(void);
ML_API int ml_version_number(void);

/*
 * ML_ASSERT(cond): an assertion that is on in every build (NDEBUG does not
 * remove it). A false condition is a programming error: it prints the file,
 * line and expression to stderr and aborts.
 */
ML_API ML_NORETURN void ml_assert_fail(const char *expr, const char *file,
                                       int line);
#define ML_ASSERT(cond) \
  ((cond) ? (void)0 : ml_assert_fail(#cond, __FILE__, __LINE__))

/* Checked int64 arithmetic: *out = a + b (a - b, a * b), or ML_EOVERFLOW with
 * *out untouched when the exact result does not fit. */
ML_API ML_NODISCARD ml_status ml_int64_add(int64_t *out, int64_t a, int64_t b);
ML_API ML_NODISCARD ml_status ml_int64_sub(int64_t *out, int64_t a, int64_t b);
ML_API ML_NODISCARD ml_status ml_int64_mul(int64_t *out, int64_t a, int64_t b);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_CORE_H */

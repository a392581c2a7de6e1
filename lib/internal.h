/* lib/internal.h — helpers shared by the library's files; never installed. */
#ifndef MIKROLAN_LIB_INTERNAL_H
#define MIKROLAN_LIB_INTERNAL_H

#include "mikrolan/core.h"

#if defined(__GNUC__) || defined(__clang__)
#define ML_PRINTF(fmt_index, first_arg) \
  __attribute__((format(printf, fmt_index, first_arg)))
#else
#define ML_PRINTF(fmt_index, first_arg)
#endif

/*
 * Fills *err (when not NULL) with code, field, line, column and a printf-style
 * message, and returns code, so that a failure is one statement:
 *   return ml_error_set(err, ML_EPARSE, "principal", 0, 0, "...", ...);
 */
ml_status ml_error_set(ml_error *err, ml_status code, const char *field,
                       long line, long column, const char *fmt, ...)
    ML_PRINTF(6, 7);

/* Writes text into the message quoting form used by every parser: at most
 * 40 bytes of it, with "..." when longer, into buf (size >= 48). */
void ml_quote_input(char *buf, size_t size, const char *text);

/* a + b into *out, or ML_EOVERFLOW (then *out is unspecified): the inline
 * form of ml_int64_add for hot paths. */
static inline ml_status ml_add_checked(int64_t *out, int64_t a, int64_t b) {
  return __builtin_add_overflow(a, b, out) ? ML_EOVERFLOW : ML_OK;
}

/* Marks a branch that a valid enum value never reaches: always aborts. */
#define ML_UNREACHABLE(what) ml_assert_fail(what, __FILE__, __LINE__)

#endif

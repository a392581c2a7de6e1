/* lib/internal.h — helpers shared by the library's files; never installed. */
#ifndef MIKROLAN_LIB_INTERNAL_H
#define MIKROLAN_LIB_INTERNAL_H

#include <stddef.h>

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

/* Parses text as one of names[0..count) (exact, case-sensitive) into
 * *index; else ML_EINVAL under field, saying "unknown <what> <text>:
 * expected one of <names>". The one message shape of every name parser. */
ml_status ml_parse_name(int *index, const char *const *names, size_t count,
                        const char *text, const char *field, const char *what,
                        ml_error *err);

/* a + b into *out, or ML_EOVERFLOW (then *out is unspecified): the inline
 * form of ml_int64_add for hot paths. */
static inline ml_status ml_add_checked(int64_t *out, int64_t a, int64_t b) {
  return __builtin_add_overflow(a, b, out) ? ML_EOVERFLOW : ML_OK;
}

/* Each byte of a word holding c. */
static inline uint64_t ml_each_byte(uint8_t c) {
  return UINT64_C(0x0101010101010101) * c;
}

/* 0x80 in each byte of w that is zero, else 0 (exact: no carry crosses a
 * byte), for finding a byte in a word at a time. */
static inline uint64_t ml_zero_bytes(uint64_t w) {
  const uint64_t low7 = ml_each_byte(0x7f);
  return ~(((w & low7) + low7) | w | low7);
}

/* The greatest common divisor of a, b >= 0 (0 when both are 0), by Stein's
 * binary method: a shift and a subtraction per step instead of a division,
 * which every schedule pays for when it reduces its rates. */
static inline int64_t ml_gcd64(int64_t a, int64_t b) {
  ML_ASSERT(a >= 0 && b >= 0);
  uint64_t x = (uint64_t)a, y = (uint64_t)b;
  if (x == 0 || y == 0) return (int64_t)(x | y);
  int shift = __builtin_ctzll(x | y);
  x >>= __builtin_ctzll(x);
  do { /* x is odd */
    y >>= __builtin_ctzll(y);
    uint64_t low = x < y ? x : y, high = x < y ? y : x;
    x = low;
    y = high - low;
  } while (y != 0);
  return (int64_t)(x << shift);
}

/* The day number of the day-th of year-month, the day cut to the month's
 * last (day >= 1, year a supported one: asserted): the month arithmetic's
 * one conversion, from lib/date.c's tables. */
int32_t ml_date_of_month_day(int year, int month, int day);

/* Marks a branch that a valid enum value never reaches: always aborts. */
#define ML_UNREACHABLE(what) ml_assert_fail(what, __FILE__, __LINE__)

#endif

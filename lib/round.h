/*
 * lib/round.h — the exact rounding core; never installed (it includes GMP).
 *
 * Every amount the library computes is rounded exactly once, here: the exact
 * quotient num/den is rounded to a multiple of an increment with one of the
 * General Decimal Arithmetic modes (ml_rounding). Three entry points share
 * one decision rule (ml_round_away):
 *
 *   ml_round_i64   int64 operands; static inline, the schedule's hot path
 *   ml_round_i128  int128 operands; exact for every value (falls back to GMP)
 *   ml_round_mpz   GMP operands of any size
 *
 * All three: *out = n * increment where n = num / (den * increment) rounded
 * to an integer by mode. den may be negative. ML_EINVAL when den == 0 or
 * increment <= 0, ML_ERANGE when n * increment does not fit in int64; *out
 * is written only on ML_OK. A mode outside ml_rounding is an assertion.
 * They allocate nothing except on the GMP paths; all are reentrant.
 */
#ifndef MIKROLAN_LIB_ROUND_H
#define MIKROLAN_LIB_ROUND_H

#include <gmp.h>
#include <stdint.h>

#include "internal.h"
#include "mikrolan/core.h"
#include "mikrolan/money.h"

__extension__ typedef __int128 ml_i128;
__extension__ typedef unsigned __int128 ml_u128;

#define ML_I128_MAX ((ml_i128)(~(ml_u128)0 >> 1))
#define ML_I128_MIN (-ML_I128_MAX - 1)

/*
 * The one rounding rule. Called only when the division was inexact, with
 * the truncated quotient q (toward zero):
 *   negative  the exact quotient is below zero;
 *   half      the sign of (|remainder| - |divisor| / 2): -1 below the
 *             midpoint, 0 exactly on it, 1 above it;
 *   q_odd     q is odd (for half-even).
 * Returns 1 when the result is q moved one step away from zero, 0 when it is
 * q itself.
 */
static inline int ml_round_away(ml_rounding mode, int negative, int half,
                                int q_odd) {
  switch (mode) {
  /* Bitwise, not ||: the direction of a rounding is data, and a branch on
   * it is mispredicted half the time. */
  case ML_ROUND_HALF_EVEN: return (half > 0) | ((half == 0) & (q_odd != 0));
  case ML_ROUND_HALF_UP: return half >= 0;
  case ML_ROUND_HALF_DOWN: return half > 0;
  case ML_ROUND_UP: return 1;
  case ML_ROUND_DOWN: return 0;
  case ML_ROUND_CEILING: return !negative;
  case ML_ROUND_FLOOR: return negative;
  }
  ML_UNREACHABLE("mode is an ml_rounding");
  return 0;
}

static inline void ml_round_assert_mode(ml_rounding mode) {
  ML_ASSERT((unsigned)mode <= (unsigned)ML_ROUND_FLOOR);
}

/*
 * The 64-bit core: d = den * increment already computed, d > 0, so the C
 * division cannot trap (no INT64_MIN / -1) and |r| < d keeps every
 * difference below in range.
 */
static inline ml_status ml_round_positive_i64(int64_t *out, int64_t num,
                                              int64_t d, int64_t increment,
                                              ml_rounding mode) {
  int64_t q = num / d;
  int64_t r = num % d;
  if (r != 0) {
    int64_t below = r < 0 ? -r : r; /* distance down to q, in 1/d steps */
    int64_t above = d - below;      /* distance up to the next multiple */
    int half = (below > above) - (below < above);
    /* |q| <= 2^63 / 2 here (d >= 2), so the step cannot overflow. Added,
     * not branched on: the direction is data (see ml_round_away). */
    int64_t away = ml_round_away(mode, r < 0, half, (int)(q & 1));
    q += r < 0 ? -away : away;
  }
  int64_t result;
  if (__builtin_mul_overflow(q, increment, &result)) return ML_ERANGE;
  *out = result;
  return ML_OK;
}

ml_status ml_round_i128(int64_t *out, ml_i128 num, ml_i128 den,
                        int64_t increment, ml_rounding mode);

ml_status ml_round_mpz(int64_t *out, const mpz_t num, const mpz_t den,
                       int64_t increment, ml_rounding mode);

/* The hot path: int64 operands, one division when den * increment fits and
 * can be negated; the rare rest goes to ml_round_i128. */
static inline ml_status ml_round_i64(int64_t *out, int64_t num, int64_t den,
                                     int64_t increment, ml_rounding mode) {
  ML_ASSERT(out != NULL);
  ml_round_assert_mode(mode);
  if (den == 0 || increment <= 0) return ML_EINVAL;
  int64_t d;
  if (__builtin_mul_overflow(den, increment, &d) ||
      (d < 0 && (d == INT64_MIN || num == INT64_MIN))) {
    return ml_round_i128(out, num, den, increment, mode);
  }
  if (d < 0) {
    d = -d;
    num = -num;
  }
  return ml_round_positive_i64(out, num, d, increment, mode);
}

/* rop = v, exactly, for every int128 (mpz_set_si takes only a long). */
void ml_mpz_set_i128(mpz_t rop, ml_i128 v);

/* *out = v when v fits in int64 (returns 1); otherwise returns 0 and leaves
 * *out untouched. */
int ml_mpz_get_int64(int64_t *out, const mpz_t v);

#endif

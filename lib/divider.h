/*
 * lib/divider.h — rounding many quotients x / den with the same den, by
 * multiplication with a precomputed reciprocal instead of a division per
 * quotient (the schedule walk divides by the same period-rate denominator
 * in every row). Exact: the estimate is corrected with the remainder.
 */
#ifndef MIKROLAN_LIB_DIVIDER_H
#define MIKROLAN_LIB_DIVIDER_H

#include "round.h"

typedef struct ml_divider {
  uint64_t den; /* 1 .. 2^63 - 1 */
  uint64_t inv; /* floor((2^64 - 1) / den) */
  /* The rounding mode as a rule on twice the remainder, 2r: the quotient
   * steps up when 2r > step_above, or when 2r == den (a tie) and
   * tie_up | (tie_even & q) is 1. See ml_divider_make. */
  uint64_t step_above;
  uint64_t tie_up, tie_even;
} ml_divider;

/* A divider by den whose quotients are rounded by mode. The quotients are
 * never negative, so ceiling is up and floor is down; the rule then is
 * that of ml_round_away, with the mode decided here once instead of by a
 * switch per quotient (a jump on the hot path of every schedule row). */
static inline ml_divider ml_divider_make(uint64_t den, ml_rounding mode) {
  ML_ASSERT(den >= 1 && den <= (uint64_t)INT64_MAX);
  ml_round_assert_mode(mode);
  ml_divider d = {den, UINT64_MAX / den, den, 0, 0};
  switch (mode) {
    case ML_ROUND_HALF_EVEN: d.tie_even = 1; break;
    case ML_ROUND_HALF_UP: d.tie_up = 1; break;
    case ML_ROUND_HALF_DOWN: break;
    /* Any remainder steps up: 2r > 0. */
    case ML_ROUND_UP: case ML_ROUND_CEILING: d.step_above = 0; break;
    /* None does: 2r < 2 * den <= UINT64_MAX. */
    case ML_ROUND_DOWN: case ML_ROUND_FLOOR: d.step_above = UINT64_MAX; break;
  }
  return d;
}

/*
 * x / den rounded to an integer by the divider's mode, for 0 <= x < 2^63.
 * Why one correction suffices: inv > 2^64/den - 1 - 1/den, so the estimate
 * floor(x*inv / 2^64) > x/den - x/2^64 - 1 > floor(x/den) - 2 for x < 2^63,
 * i.e. it is floor(x/den) or one less.
 */
static inline int64_t ml_divider_round(const ml_divider *d, uint64_t x) {
  uint64_t q = (uint64_t)(((ml_u128)x * d->inv) >> 64);
  uint64_t r = x - q * d->den;
  if (r >= d->den) {
    q++;
    r -= d->den;
  }
  /* No branch on r: whether and which way a quotient rounds is data. 2r
   * cannot overflow, as r < den < 2^63; r == 0 never steps (0 > 0 and
   * 0 == den are false). */
  uint64_t twice = r << 1;
  uint64_t tie_step = d->tie_up | (d->tie_even & q);
  q += (uint64_t)(twice > d->step_above) | ((uint64_t)(twice == d->den) & tie_step);
  return (int64_t)q;
}

#endif

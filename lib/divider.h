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
  uint64_t den; /* >= 1 */
  uint64_t inv; /* floor((2^64 - 1) / den) */
} ml_divider;

static inline ml_divider ml_divider_make(uint64_t den) {
  ML_ASSERT(den >= 1);
  ml_divider d = {den, UINT64_MAX / den};
  return d;
}

/*
 * x / den rounded to an integer by mode, for 0 <= x < 2^63.
 * Why one correction suffices: inv > 2^64/den - 1 - 1/den, so the estimate
 * floor(x*inv / 2^64) > x/den - x/2^64 - 1 > floor(x/den) - 2 for x < 2^63,
 * i.e. it is floor(x/den) or one less.
 */
static inline int64_t ml_divider_round(const ml_divider *d, uint64_t x,
                                       ml_rounding mode) {
  uint64_t q = (uint64_t)(((ml_u128)x * d->inv) >> 64);
  uint64_t r = x - q * d->den;
  if (r >= d->den) {
    q++;
    r -= d->den;
  }
  if (r != 0) {
    uint64_t above = d->den - r;
    int half = (r > above) - (r < above);
    q += (uint64_t)ml_round_away(mode, 0, half, (int)(q & 1));
  }
  return (int64_t)q;
}

#endif

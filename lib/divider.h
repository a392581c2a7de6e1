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
  uint64_t den;  /* 1 .. 2^63 - 1 */
  uint64_t inv;  /* floor((2^64 - 1) / den) */
  /* The rounding mode as an amount added before a floor division: a
   * rounded quotient is then one multiplication away from x, with no
   * remainder test after it on the path of a schedule's balance, which
   * every row waits for. */
  uint64_t bias;
  uint64_t tie_even; /* 1: half-even on an even den, where ties exist */
} ml_divider;

/* A divider by den whose quotients are rounded by mode. The quotients are
 * never negative, so ceiling is up and floor is down. With r the
 * remainder of x / den, the quotient steps up when r + bias >= den:
 * always for r > 0 (up), never (down), for r >= den / 2 (half up, and
 * half even before its tie rule), for r > den / 2 (half down). The mode is
 * decided here once instead of by a switch per quotient. */
static inline ml_divider ml_divider_make(uint64_t den, ml_rounding mode) {
  ML_ASSERT(den >= 1 && den <= (uint64_t)INT64_MAX);
  ml_round_assert_mode(mode);
  ml_divider d = {den, UINT64_MAX / den, den / 2, 0};
  switch (mode) {
    case ML_ROUND_HALF_EVEN: d.tie_even = den % 2 == 0; break;
    case ML_ROUND_HALF_UP: break;
    case ML_ROUND_HALF_DOWN: d.bias = (den - 1) / 2; break;
    case ML_ROUND_UP: case ML_ROUND_CEILING: d.bias = den - 1; break;
    case ML_ROUND_DOWN: case ML_ROUND_FLOOR: d.bias = 0; break;
  }
  return d;
}

/*
 * x / den rounded to an integer by the divider's mode, for 0 <= x < 2^63:
 * floor((x + bias) / den), and a tie (remainder 0 after the bias of den / 2)
 * taken to the even neighbour under half even.
 * Why one correction suffices for any y = x + bias < 2^64: inv * den =
 * 2^64 - 1 - s with 0 <= s < den, so y * inv / 2^64 = y/den - y(1+s)/(den
 * 2^64) >= y/den - y/2^64 > y/den - 1; the estimate floor(y * inv / 2^64)
 * is floor(y/den) or one less, and the remainder below 2 den fits.
 */
static inline int64_t ml_divider_round(const ml_divider *d, uint64_t x) {
  uint64_t y = x + d->bias; /* < 2^63 + den <= 2^64 - 1 */
  uint64_t q = (uint64_t)(((ml_u128)y * d->inv) >> 64);
  uint64_t r = y - q * d->den;
  if (r >= d->den) { /* rare, and so well predicted */
    q++;
    r -= d->den;
  }
  /* tie_even is fixed per divider; r == 0 under it is a tie, rare too.
   * Said to be unlikely, the test stays a branch: as a conditional move
   * it would put the remainder on the path of every schedule balance. */
  if (__builtin_expect(d->tie_even && r == 0, 0)) q &= ~(uint64_t)1;
  return (int64_t)q;
}

#endif

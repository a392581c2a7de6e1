/*
 * lib/annuity.c — the equal installment of an annuity, rounded exactly once.
 *
 * A = P*r / (1 - (1+r)^-m) with r = a/b is a rational with a huge
 * denominator (b^m), so it is settled in two steps:
 *  1. a fast proof: v = 1/(1+r) = b/(a+b) is bracketed in 64-bit fixed point
 *     (Q63) and raised to the m-th power with directed rounding, which
 *     brackets D = 1 - v^m, and so A, in an interval of exact integers. A
 *     floating-point guess picks the rounding cell; 192-bit integer
 *     comparisons against the interval then prove that A lies strictly
 *     inside the cell (and strictly on one side of its midpoint);
 *  2. when the proof cannot decide (A within about 1e-7 minor units of a
 *     boundary, or an extreme rate), A is computed exactly with GMP:
 *     A = P*a*(a+b)^m / (b*((a+b)^m - b^m)).
 * Both steps give the same result; the tests compare them.
 */
#include "annuity.h"

#include <gmp.h>

#include "round.h"

typedef ml_u128 u128;

#define Q63_ONE ((uint64_t)1 << 63)

/* floor(x*y / 2^63) and its ceiling, for x, y <= 2^63. */
static uint64_t q63_mul_floor(uint64_t x, uint64_t y) {
  return (uint64_t)(((u128)x * y) >> 63);
}

static uint64_t q63_mul_ceil(uint64_t x, uint64_t y) {
  u128 p = (u128)x * y;
  return (uint64_t)(p >> 63) + ((p & (Q63_ONE - 1)) != 0);
}

/* Brackets v^m: lo <= v^m * 2^63 <= hi, given lo <= v * 2^63 <= hi. */
static void q63_pow_bracket(uint64_t *lo, uint64_t *hi, int32_t m) {
  uint64_t base_lo = *lo, base_hi = *hi;
  uint64_t acc_lo = Q63_ONE, acc_hi = Q63_ONE;
  for (uint32_t e = (uint32_t)m; e != 0; e >>= 1) {
    if (e & 1u) {
      acc_lo = q63_mul_floor(acc_lo, base_lo);
      acc_hi = q63_mul_ceil(acc_hi, base_hi);
    }
    base_lo = q63_mul_floor(base_lo, base_lo);
    base_hi = q63_mul_ceil(base_hi, base_hi);
  }
  *lo = acc_lo;
  *hi = acc_hi;
}

/* A 192-bit unsigned integer, least significant limb first. */
typedef struct u192 {
  uint64_t w[3];
} u192;

static u192 u128_times_u64(u128 x, uint64_t y) {
  u128 low = (u128)(uint64_t)x * y;
  u128 high = (u128)(uint64_t)(x >> 64) * y + (low >> 64);
  u192 r = {{(uint64_t)low, (uint64_t)high, (uint64_t)(high >> 64)}};
  return r;
}

static u192 u128_shl63(u128 x) {
  u192 r = {{(uint64_t)x << 63, (uint64_t)(x >> 1), (uint64_t)(x >> 65)}};
  return r;
}

static int u192_compare(u192 x, u192 y) {
  for (int i = 2; i >= 0; i--) {
    if (x.w[i] != y.w[i]) return x.w[i] < y.w[i] ? -1 : 1;
  }
  return 0;
}

/* What the fast proof knows about D = 1 - v^m (in units of 2^-63). */
typedef struct annuity_bracket {
  u128 twice_pa; /* 2 * P * a */
  uint64_t b;
  uint64_t d_lo, d_hi;
} annuity_bracket;

enum { BELOW = -1, UNKNOWN = 0, ABOVE = 1 };

/* Where A lies against t = half_units / 2: BELOW (A < t), ABOVE (A > t) or
 * UNKNOWN, proven from A = P*a*2^63 / (b*D) and d_lo <= D <= d_hi. */
static int annuity_side(const annuity_bracket *br, uint64_t half_units) {
  u128 tb = (u128)half_units * br->b; /* < 2^64 * 2^47 */
  u192 lhs = u128_shl63(br->twice_pa);
  if (u192_compare(lhs, u128_times_u64(tb, br->d_lo)) < 0) return BELOW;
  if (u192_compare(lhs, u128_times_u64(tb, br->d_hi)) > 0) return ABOVE;
  return UNKNOWN;
}

/* Rounds inside a proven cell: A strictly between k*q and (k+1)*q. */
static int64_t round_in_cell(const annuity_bracket *br, int64_t k, int64_t q,
                             ml_rounding mode, int *decided) {
  *decided = 1;
  switch (mode) {
    case ML_ROUND_DOWN:
    case ML_ROUND_FLOOR:
      return k * q;
    case ML_ROUND_UP:
    case ML_ROUND_CEILING:
      return (k + 1) * q;
    case ML_ROUND_HALF_EVEN:
    case ML_ROUND_HALF_UP:
    case ML_ROUND_HALF_DOWN: {
      int side = annuity_side(br, (uint64_t)((2 * k + 1) * q));
      if (side == UNKNOWN) *decided = 0;
      return side == BELOW ? k * q : (k + 1) * q;
    }
  }
  ML_UNREACHABLE("rounding mode out of range");
  return 0;
}

/* The fast proof. Returns 1 with *out set when it decides, 0 otherwise. */
static int annuity_fast(ml_amount *out, int64_t principal, int64_t a,
                        int64_t b, int32_t m, int64_t q, ml_rounding mode) {
  /* Operand bounds that keep every product below 2^192 (see annuity.h). */
  if (principal > ML_ANNUITY_FAST_MAX_PRINCIPAL || a > ML_ANNUITY_FAST_MAX_RATE_TERM ||
      b > ML_ANNUITY_FAST_MAX_RATE_TERM) {
    return 0;
  }
  u128 v_num = (u128)b << 63;
  uint64_t s = (uint64_t)a + (uint64_t)b;
  uint64_t v_lo = (uint64_t)(v_num / s);
  uint64_t v_hi = v_lo + (v_num % s != 0);
  q63_pow_bracket(&v_lo, &v_hi, m); /* now brackets v^m */
  if (v_hi >= Q63_ONE) return 0;    /* D may be 0: rate too small */
  annuity_bracket br = {2 * (u128)principal * (uint64_t)a, (uint64_t)b,
                        Q63_ONE - v_hi, Q63_ONE - v_lo};

  /* The guess only picks the cell; the comparisons below decide. */
  double guess = (double)principal * (double)a /
                 ((double)b * ((double)br.d_lo * 0x1p-63));
  if (!(guess >= 0.0 && guess < 0x1p60)) return 0;
  int64_t k = (int64_t)(guess / (double)q);
  for (int attempt = 0; attempt < 3; attempt++) {
    if (k < 0 || k > (INT64_C(1) << 58) / q) return 0;
    int low = annuity_side(&br, (uint64_t)(2 * k * q));
    int high = annuity_side(&br, (uint64_t)(2 * (k + 1) * q));
    if (low == ABOVE && high == BELOW) {
      int decided;
      int64_t r = round_in_cell(&br, k, q, mode, &decided);
      if (!decided) return 0;
      *out = r;
      return 1;
    }
    if (low == BELOW) {
      k--;
    } else if (high == ABOVE) {
      k++;
    } else {
      return 0; /* A is (nearly) a multiple of q: settle exactly */
    }
  }
  return 0;
}

ml_status ml_annuity_exact(ml_amount *out, ml_amount principal, int64_t a,
                           int64_t b, int32_t m, ml_amount q,
                           ml_rounding mode) {
  mpz_t s_pow, b_pow, num, den;
  mpz_inits(s_pow, b_pow, num, den, NULL);
  mpz_set_si(s_pow, a);
  mpz_add_ui(s_pow, s_pow, (unsigned long)b);
  mpz_pow_ui(s_pow, s_pow, (unsigned long)m);
  mpz_set_si(b_pow, b);
  mpz_pow_ui(b_pow, b_pow, (unsigned long)m);
  mpz_set_si(num, principal);
  mpz_mul_si(num, num, a);
  mpz_mul(num, num, s_pow); /* P * a * (a+b)^m */
  mpz_sub(den, s_pow, b_pow);
  mpz_mul_si(den, den, b); /* b * ((a+b)^m - b^m) */
  ml_status st = ml_round_mpz(out, num, den, q, mode);
  mpz_clears(s_pow, b_pow, num, den, NULL);
  return st;
}

ml_status ml_annuity_payment(ml_amount *out, ml_amount principal,
                             int64_t rate_num, int64_t rate_den, int32_t m,
                             ml_amount increment, ml_rounding mode) {
  if (principal < 0 || rate_num < 0 || rate_den <= 0 || m < 1 ||
      m > ML_ANNUITY_MAX_PERIODS || increment <= 0) {
    return ML_EINVAL;
  }
  if (rate_num == 0 || principal == 0) {
    return ml_round_quotient(out, principal, m, increment, mode);
  }
  if (annuity_fast(out, principal, rate_num, rate_den, m, increment, mode)) {
    return ML_OK;
  }
  return ml_annuity_exact(out, principal, rate_num, rate_den, m, increment,
                          mode);
}

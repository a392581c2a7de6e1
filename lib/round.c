/* lib/round.c — the exact rounding core: the 128-bit and GMP paths. See
 * round.h for the contract. */
#include "round.h"

#include "internal.h"

void ml_mpz_set_i128(mpz_t rop, ml_i128 v) {
  ml_u128 magnitude = v < 0 ? -(ml_u128)v : (ml_u128)v;
  uint64_t words[2] = {(uint64_t)magnitude, (uint64_t)(magnitude >> 64)};
  mpz_import(rop, 2, -1, sizeof words[0], 0, 0, words); /* least first */
  if (v < 0) mpz_neg(rop, rop);
}

int ml_mpz_get_int64(int64_t *out, const mpz_t v) {
  if (mpz_sizeinbase(v, 2) > 64) return 0;
  uint64_t magnitude = 0;
  size_t count = 0;
  mpz_export(&magnitude, &count, -1, sizeof magnitude, 0, 0, v); /* |v| */
  const uint64_t int64_min_magnitude = (uint64_t)INT64_MAX + 1;
  if (mpz_sgn(v) < 0) {
    if (magnitude > int64_min_magnitude) return 0;
    *out = magnitude == int64_min_magnitude ? INT64_MIN : -(int64_t)magnitude;
  } else {
    if (magnitude > (uint64_t)INT64_MAX) return 0;
    *out = (int64_t)magnitude;
  }
  return 1;
}

ml_status ml_round_mpz(int64_t *out, const mpz_t num, const mpz_t den,
                       int64_t increment, ml_rounding mode) {
  ML_ASSERT(out != NULL);
  ml_round_assert_mode(mode);
  if (mpz_sgn(den) == 0 || increment <= 0) return ML_EINVAL;
  mpz_t n, d, q, r;
  mpz_inits(n, d, q, r, NULL);
  ml_mpz_set_i128(d, increment);
  mpz_mul(d, d, den);
  mpz_set(n, num);
  if (mpz_sgn(d) < 0) { /* make the divisor positive: r then has n's sign */
    mpz_neg(d, d);
    mpz_neg(n, n);
  }
  mpz_tdiv_qr(q, r, n, d);
  if (mpz_sgn(r) != 0) {
    int negative = mpz_sgn(r) < 0;
    mpz_abs(r, r);
    mpz_mul_2exp(r, r, 1); /* compare 2|r| with d: the midpoint test */
    int cmp = mpz_cmp(r, d);
    int half = (cmp > 0) - (cmp < 0);
    if (ml_round_away(mode, negative, half, mpz_odd_p(q) != 0)) {
      if (negative) {
        mpz_sub_ui(q, q, 1);
      } else {
        mpz_add_ui(q, q, 1);
      }
    }
  }
  ml_mpz_set_i128(r, increment);
  mpz_mul(q, q, r);
  int64_t result;
  ml_status status = ml_mpz_get_int64(&result, q) ? ML_OK : ML_ERANGE;
  if (status == ML_OK) *out = result;
  mpz_clears(n, d, q, r, NULL);
  return status;
}

/* The operands the 128-bit path cannot handle (den * increment overflows, or
 * a negation would): exact through GMP. Rare, so the allocation is fine. */
static ml_status round_i128_via_mpz(int64_t *out, ml_i128 num, ml_i128 den,
                                    int64_t increment, ml_rounding mode) {
  mpz_t n, d;
  mpz_inits(n, d, NULL);
  ml_mpz_set_i128(n, num);
  ml_mpz_set_i128(d, den);
  ml_status status = ml_round_mpz(out, n, d, increment, mode);
  mpz_clears(n, d, NULL);
  return status;
}

static int fits_int64(ml_i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

/* The 128-bit core, d > 0 and num > ML_I128_MIN: the same steps as
 * ml_round_positive_i64. */
static ml_status round_positive_i128(int64_t *out, ml_i128 num, ml_i128 d,
                                     int64_t increment, ml_rounding mode) {
  ml_i128 q = num / d;
  ml_i128 r = num % d;
  if (r != 0) {
    ml_i128 below = r < 0 ? -r : r;
    ml_i128 above = d - below;
    int half = (below > above) - (below < above);
    if (ml_round_away(mode, r < 0, half, (int)(q & 1))) q += r < 0 ? -1 : 1;
  }
  int64_t result;
  if (!fits_int64(q) || __builtin_mul_overflow((int64_t)q, increment, &result))
    return ML_ERANGE;
  *out = result;
  return ML_OK;
}

ml_status ml_round_i128(int64_t *out, ml_i128 num, ml_i128 den,
                        int64_t increment, ml_rounding mode) {
  ML_ASSERT(out != NULL);
  ml_round_assert_mode(mode);
  if (den == 0 || increment <= 0) return ML_EINVAL;
  /* den * increment must fit and be negatable: |den| <= MAX / increment.
   * An int64 den always does (2^63 * 2^63 < 2^127), which spares the
   * common case a 128-bit division. (Not __builtin_mul_overflow: clang
   * lowers a checked 128-bit multiply to __muloti4, absent from libgcc.) */
  if (num == ML_I128_MIN ||
      (!fits_int64(den) && (den > ML_I128_MAX / increment ||
                            den < -(ML_I128_MAX / increment)))) {
    return round_i128_via_mpz(out, num, den, increment, mode);
  }
  ml_i128 d = den * increment;
  if (d < 0) {
    d = -d;
    num = -num;
  }
  if (fits_int64(num) && d <= INT64_MAX) {
    return ml_round_positive_i64(out, (int64_t)num, (int64_t)d, increment,
                                 mode);
  }
  return round_positive_i128(out, num, d, increment, mode);
}

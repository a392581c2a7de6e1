/* tests/test_money.c — currencies, rounding modes, the rounding core
 * (lib/round.h), amount parsing and formatting.
 *
 * Golden values are derived by hand in the comments next to them (decimal
 * arithmetic on paper), or come from the header's own examples; large
 * constants were checked separately with Python integers (2**127 - 1 etc.).
 * The randomised tests compare the library with an independent reference
 * written here on GMP's floor/ceiling division, and print their seed on
 * failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "plain_parse.h"
#include "round.h"

/* ---- helpers ------------------------------------------------------------ */

#define SEED 0x6d6f6e6579ULL /* "money" */

typedef struct rng {
  uint64_t state;
} rng;

static uint64_t rng_next(rng *r) { /* xorshift64 */
  uint64_t x = r->state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  r->state = x;
  return x;
}

static ml_currency currency(const char *code) {
  ml_currency c;
  ml_error err;
  assert_int_equal(ml_currency_find(&c, code, &err), ML_OK);
  return c;
}

/* Checks a failure: status, code, field, column and the exact message. */
static void expect_error(ml_status got, ml_status want, const ml_error *err,
                         const char *field, long column, const char *message) {
  assert_int_equal(got, want);
  assert_int_equal(err->code, want);
  assert_string_equal(err->field, field);
  assert_int_equal(err->line, 0);
  assert_int_equal(err->column, column);
  assert_string_equal(err->message, message);
}

static const ml_rounding all_modes[7] = {
    ML_ROUND_HALF_EVEN, ML_ROUND_HALF_UP, ML_ROUND_HALF_DOWN, ML_ROUND_UP,
    ML_ROUND_DOWN,      ML_ROUND_CEILING, ML_ROUND_FLOOR,
};

/* ---- currencies ---------------------------------------------------------- */

static void currency_default_is_sek(void **state) {
  (void)state;
  ml_currency c = ml_currency_default();
  assert_string_equal(c.code, "SEK");
  assert_int_equal(c.exponent, 2);
}

static void currency_find_known(void **state) {
  (void)state;
  const struct {
    const char *query, *code;
    int exponent;
  } cases[] = {
      {"SEK", "SEK", 2}, {"sek", "SEK", 2}, {"Eur", "EUR", 2},
      {"usd", "USD", 2}, {"NOK", "NOK", 2}, {"dKk", "DKK", 2},
      {"GBP", "GBP", 2}, {"chf", "CHF", 2}, {"ISK", "ISK", 0},
      {"jpy", "JPY", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_currency c = {"XXX", 9};
    ml_error err;
    assert_int_equal(ml_currency_find(&c, cases[i].query, &err), ML_OK);
    assert_string_equal(c.code, cases[i].code);
    assert_int_equal(c.exponent, cases[i].exponent);
  }
}

static void currency_find_unknown(void **state) {
  (void)state;
  const char *bad[] = {"XYZ", "", "SE", "SEKK", "SEK ", " SEK", "kr"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ml_currency c = {"XXX", 9};
    ml_error err;
    char want[ML_ERROR_MESSAGE_SIZE];
    snprintf(want, sizeof want,
             "unknown currency \"%s\": expected one of SEK, EUR, USD, "
             "NOK, DKK, GBP, CHF, ISK, JPY",
             bad[i]);
    expect_error(ml_currency_find(&c, bad[i], &err), ML_ENOTFOUND, &err,
                 "currency", 0, want);
    assert_string_equal(c.code, "XXX"); /* untouched */
  }
  ml_currency c;
  assert_int_equal(ml_currency_find(&c, "ABC", NULL), ML_ENOTFOUND);
}

/* ---- rounding names -------------------------------------------------------- */

static void rounding_names_and_parse(void **state) {
  (void)state;
  const char *names[7] = {"half-even", "half-up", "half-down", "up",
                          "down",      "ceiling", "floor"};
  assert_int_equal(ML_ROUND_HALF_EVEN, 0);
  assert_int_equal(ML_ROUND_FLOOR, 6);
  for (int i = 0; i < 7; i++) {
    assert_string_equal(ml_rounding_name(all_modes[i]), names[i]);
    ml_rounding m = ML_ROUND_FLOOR;
    ml_error err;
    assert_int_equal(ml_rounding_parse(&m, names[i], &err), ML_OK);
    assert_int_equal(m, all_modes[i]);
  }
  assert_null(ml_rounding_name((ml_rounding)7));
  assert_null(ml_rounding_name((ml_rounding)-1));
}

static void rounding_parse_rejects(void **state) {
  (void)state;
  const char *bad[] = {"HALF-EVEN", "half_even", "", " up", "up ",
                       "halfeven", "round-up"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ml_rounding m = ML_ROUND_CEILING;
    ml_error err;
    char want[ML_ERROR_MESSAGE_SIZE];
    snprintf(want, sizeof want,
             "unknown rounding mode \"%s\": expected one of half-even, "
             "half-up, half-down, up, down, ceiling, floor",
             bad[i]);
    expect_error(ml_rounding_parse(&m, bad[i], &err), ML_EINVAL, &err,
                 "rounding", 0, want);
    assert_int_equal(m, ML_ROUND_CEILING);
  }
}

/* ---- the rounding core: hand-derived table --------------------------------- */

/*
 * x * increment rounded to a multiple of increment, for x in hundredths.
 * Expected n (result / increment) by hand, modes in all_modes order
 * (half-even, half-up, half-down, up, down, ceiling, floor):
 *   0.50 -> 0 1 0 1 0 1 0     (tie; 0 is even)
 *   1.50 -> 2 2 1 2 1 2 1     (tie; 2 is even)
 *   2.50 -> 2 3 2 3 2 3 2     (tie; 2 is even)
 *   0.49 -> 0 0 0 1 0 1 0     (below the midpoint)
 *   0.51 -> 1 1 1 1 0 1 0     (above the midpoint)
 * and the mirror images for negative x (ceiling and floor swap roles).
 */
typedef struct table_row {
  int64_t hundredths;
  int64_t n[7];
} table_row;

static const table_row round_table[] = {
    {50, {0, 1, 0, 1, 0, 1, 0}},
    {150, {2, 2, 1, 2, 1, 2, 1}},
    {250, {2, 3, 2, 3, 2, 3, 2}},
    {49, {0, 0, 0, 1, 0, 1, 0}},
    {51, {1, 1, 1, 1, 0, 1, 0}},
    {-50, {0, -1, 0, -1, 0, 0, -1}},
    {-150, {-2, -2, -1, -2, -1, -1, -2}},
    {-250, {-2, -3, -2, -3, -2, -2, -3}},
    {-49, {0, 0, 0, -1, 0, 0, -1}},
    {-51, {-1, -1, -1, -1, 0, 0, -1}},
};

static void check_all_paths(int64_t num, int64_t den, int64_t increment,
                            ml_rounding mode, int64_t want) {
  int64_t got = 12345;
  assert_int_equal(ml_round_quotient(&got, num, den, increment, mode), ML_OK);
  assert_true(got == want);
  got = 12345;
  assert_int_equal(ml_round_i64(&got, num, den, increment, mode), ML_OK);
  assert_true(got == want);
  got = 12345;
  assert_int_equal(ml_round_i128(&got, num, den, increment, mode), ML_OK);
  assert_true(got == want);
  mpz_t n, d;
  mpz_inits(n, d, NULL);
  ml_mpz_set_i128(n, num);
  ml_mpz_set_i128(d, den);
  got = 12345;
  assert_int_equal(ml_round_mpz(&got, n, d, increment, mode), ML_OK);
  assert_true(got == want);
  mpz_clears(n, d, NULL);
}

static void round_table_every_mode(void **state) {
  (void)state;
  const int64_t increments[] = {1, 100, 2000};
  for (size_t r = 0; r < sizeof round_table / sizeof round_table[0]; r++) {
    for (size_t k = 0; k < 3; k++) {
      int64_t inc = increments[k];
      for (int m = 0; m < 7; m++) {
        int64_t want = round_table[r].n[m] * inc;
        int64_t num = round_table[r].hundredths * inc; /* value = num/100 */
        check_all_paths(num, 100, inc, all_modes[m], want);
        check_all_paths(-num, -100, inc, all_modes[m], want); /* den < 0 */
        /* Big operands (the 128-bit path): scale both by 2^40. */
        int64_t got = 0;
        ml_i128 scale = (ml_i128)1 << 40;
        assert_int_equal(ml_round_i128(&got, (ml_i128)num * scale,
                                       100 * scale, inc, all_modes[m]),
                         ML_OK);
        assert_true(got == want);
        /* ml_amount_round where x * inc is a whole amount. */
        if (inc % 100 == 0) {
          assert_int_equal(ml_amount_round(&got, num / 100, inc, all_modes[m]),
                           ML_OK);
          assert_true(got == want);
        }
      }
    }
  }
}

static void round_amount_examples(void **state) {
  (void)state;
  int64_t got;
  /* 123.45 kr to whole kronor: 12345 öre / 100 = 123.45 -> 123 -> 12300. */
  assert_int_equal(ml_amount_round(&got, 12345, 100, ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_int_equal(got, 12300);
  /* 123.50 -> tie -> 124 (even) ; 122.50 -> tie -> 122 (even). */
  assert_int_equal(ml_amount_round(&got, 12350, 100, ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_int_equal(got, 12400);
  assert_int_equal(ml_amount_round(&got, 12250, 100, ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_int_equal(got, 12200);
  /* An exact multiple stays: 2000 * 7. */
  assert_int_equal(ml_amount_round(&got, 14000, 2000, ML_ROUND_UP), ML_OK);
  assert_int_equal(got, 14000);
  /* 10/3 = 3.33.. öre -> 3 ; 20/3 = 6.66.. -> 7 ; -20/3 -> -7. */
  assert_int_equal(ml_round_quotient(&got, 10, 3, 1, ML_ROUND_HALF_UP), ML_OK);
  assert_int_equal(got, 3);
  assert_int_equal(ml_round_quotient(&got, 20, 3, 1, ML_ROUND_HALF_UP), ML_OK);
  assert_int_equal(got, 7);
  assert_int_equal(ml_round_quotient(&got, 20, -3, 1, ML_ROUND_HALF_UP),
                   ML_OK);
  assert_int_equal(got, -7);
  /* INT64_MAX / 100 = 92233720368547758.07 -> ...58 -> 9223372036854775800 */
  assert_int_equal(
      ml_round_quotient(&got, INT64_MAX, 1, 100, ML_ROUND_HALF_EVEN), ML_OK);
  assert_true(got == 9223372036854775800LL);
  /* INT64_MIN / 100 = -92233720368547758.08 -> -...58 -> -9223372036854775800
   */
  assert_int_equal(ml_amount_round(&got, INT64_MIN, 100, ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_true(got == -9223372036854775800LL);
  assert_int_equal(ml_amount_round(&got, INT64_MIN, 1, ML_ROUND_FLOOR), ML_OK);
  assert_true(got == INT64_MIN);
  /* INT64_MIN / -2 = 2^62 = 4611686018427387904 (negation needs 128 bits). */
  assert_int_equal(ml_round_quotient(&got, INT64_MIN, -2, 1, ML_ROUND_DOWN),
                   ML_OK);
  assert_true(got == 4611686018427387904LL);
  /* INT64_MAX / INT64_MIN = -(2^63 - 1)/2^63, just above -1: half-even -1,
   * ceiling 0, down 0. */
  assert_int_equal(
      ml_round_quotient(&got, INT64_MAX, INT64_MIN, 1, ML_ROUND_HALF_EVEN),
      ML_OK);
  assert_int_equal(got, -1);
  assert_int_equal(
      ml_round_quotient(&got, INT64_MAX, INT64_MIN, 1, ML_ROUND_CEILING),
      ML_OK);
  assert_int_equal(got, 0);
  /* den * increment = 10^20 overflows int64: 10^18 / 10^20 = 0.01 ->
   * half-even 0, up 1 * 10^10. */
  assert_int_equal(ml_round_quotient(&got, 1000000000000000000LL,
                                     10000000000LL, 10000000000LL,
                                     ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_int_equal(got, 0);
  assert_int_equal(ml_round_quotient(&got, 1000000000000000000LL,
                                     10000000000LL, 10000000000LL,
                                     ML_ROUND_UP),
                   ML_OK);
  assert_true(got == 10000000000LL);
}

static void round_range_and_invalid(void **state) {
  (void)state;
  int64_t got = 77;
  /* ceil(92233720368547758.07) * 100 = 9223372036854775900 > INT64_MAX. */
  assert_int_equal(ml_round_quotient(&got, INT64_MAX, 1, 100, ML_ROUND_UP),
                   ML_ERANGE);
  /* floor(-92233720368547758.08) * 100 < INT64_MIN. */
  assert_int_equal(ml_amount_round(&got, INT64_MIN, 100, ML_ROUND_FLOOR),
                   ML_ERANGE);
  /* -INT64_MIN = 2^63. */
  assert_int_equal(ml_round_quotient(&got, INT64_MIN, -1, 1, ML_ROUND_DOWN),
                   ML_ERANGE);
  assert_int_equal(got, 77); /* untouched */
  assert_int_equal(ml_round_quotient(&got, 1, 0, 1, ML_ROUND_DOWN), ML_EINVAL);
  assert_int_equal(ml_round_quotient(&got, 1, 1, 0, ML_ROUND_DOWN), ML_EINVAL);
  assert_int_equal(ml_round_quotient(&got, 1, 1, -100, ML_ROUND_DOWN),
                   ML_EINVAL);
  assert_int_equal(ml_amount_round(&got, 5, 0, ML_ROUND_DOWN), ML_EINVAL);
  assert_int_equal(ml_amount_round(&got, 5, INT64_MIN, ML_ROUND_DOWN),
                   ML_EINVAL);
  assert_int_equal(ml_round_i128(&got, 1, 0, 1, ML_ROUND_DOWN), ML_EINVAL);
  assert_int_equal(ml_round_i128(&got, 1, 1, 0, ML_ROUND_DOWN), ML_EINVAL);
  assert_int_equal(ml_round_i128(&got, ML_I128_MIN, 1, -1, ML_ROUND_DOWN),
                   ML_EINVAL);
  mpz_t n, d;
  mpz_init_set_ui(n, 1);
  mpz_init(d);
  assert_int_equal(ml_round_mpz(&got, n, d, 1, ML_ROUND_DOWN), ML_EINVAL);
  mpz_set_ui(d, 1);
  assert_int_equal(ml_round_mpz(&got, n, d, 0, ML_ROUND_DOWN), ML_EINVAL);
  mpz_mul_2exp(n, n, 200); /* 2^200 */
  assert_int_equal(ml_round_mpz(&got, n, d, 1, ML_ROUND_DOWN), ML_ERANGE);
  assert_int_equal(got, 77);
  mpz_clears(n, d, NULL);
}

static void round_i128_limits(void **state) {
  (void)state;
  const ml_i128 max = ML_I128_MAX; /* 2^127 - 1 */
  const ml_i128 min = ML_I128_MIN; /* -2^127 */
  const ml_i128 two64 = (ml_i128)1 << 64;
  int64_t got;
  for (int m = 0; m < 7; m++) {
    assert_int_equal(ml_round_i128(&got, max, max, 1, all_modes[m]), ML_OK);
    assert_int_equal(got, 1);
    assert_int_equal(ml_round_i128(&got, min, min, 1, all_modes[m]), ML_OK);
    assert_int_equal(got, 1);
    /* 2^127 / 2^64 = 2^63, negative: exactly INT64_MIN. */
    assert_int_equal(ml_round_i128(&got, min, two64, 1, all_modes[m]), ML_OK);
    assert_true(got == INT64_MIN);
    /* ... and positive: 2^63 does not fit. */
    assert_int_equal(ml_round_i128(&got, min, -two64, 1, all_modes[m]),
                     ML_ERANGE);
    assert_int_equal(ml_round_i128(&got, (ml_i128)1 << 100, 1, 1,
                                   all_modes[m]),
                     ML_ERANGE);
  }
  /* (2^127 - 1) / 2^64 = 2^63 - 2^-64: floor/down 2^63 - 1, otherwise 2^63
   * (out of range; the fraction is above one half). */
  assert_int_equal(ml_round_i128(&got, max, two64, 1, ML_ROUND_FLOOR), ML_OK);
  assert_true(got == INT64_MAX);
  assert_int_equal(ml_round_i128(&got, max, two64, 1, ML_ROUND_DOWN), ML_OK);
  assert_true(got == INT64_MAX);
  assert_int_equal(ml_round_i128(&got, max, two64, 1, ML_ROUND_HALF_DOWN),
                   ML_ERANGE);
  assert_int_equal(ml_round_i128(&got, max, two64, 1, ML_ROUND_CEILING),
                   ML_ERANGE);
  /* den * increment = 2^140 overflows int128: (2^127 - 1) / 2^140 is about
   * 2^-13 -> up/ceiling 1 * 2^40, half-up/floor 0; negated: floor -2^40. */
  const ml_i128 two100 = (ml_i128)1 << 100;
  const int64_t two40 = (int64_t)1 << 40;
  assert_int_equal(ml_round_i128(&got, max, two100, two40, ML_ROUND_UP),
                   ML_OK);
  assert_true(got == two40);
  assert_int_equal(ml_round_i128(&got, max, two100, two40, ML_ROUND_CEILING),
                   ML_OK);
  assert_true(got == two40);
  assert_int_equal(ml_round_i128(&got, max, two100, two40, ML_ROUND_HALF_UP),
                   ML_OK);
  assert_int_equal(got, 0);
  assert_int_equal(ml_round_i128(&got, -max, two100, two40, ML_ROUND_FLOOR),
                   ML_OK);
  assert_true(got == -two40);
  /* 5 * 2^100 / 2^101 = 2.5 on the 128-bit path, and -2.5 with den < 0. */
  const ml_i128 five100 = 5 * two100;
  const int64_t want_pos[7] = {2, 3, 2, 3, 2, 3, 2};
  const int64_t want_neg[7] = {-2, -3, -2, -3, -2, -2, -3};
  for (int m = 0; m < 7; m++) {
    assert_int_equal(ml_round_i128(&got, five100, 2 * two100, 1, all_modes[m]),
                     ML_OK);
    assert_int_equal(got, want_pos[m]);
    assert_int_equal(
        ml_round_i128(&got, five100, -2 * two100, 1, all_modes[m]), ML_OK);
    assert_int_equal(got, want_neg[m]);
  }
  /* den = floor((2^127-1)/100) + 1 with increment 100: den * 100 just
   * exceeds 2^127 - 1, so the quotient of max by it lies in (1/2, 1):
   * half-even 1 -> 100, down 0. */
  const ml_i128 big_den = max / 100 + 1;
  assert_int_equal(ml_round_i128(&got, max, big_den, 100, ML_ROUND_HALF_EVEN),
                   ML_OK);
  assert_int_equal(got, 100);
  assert_int_equal(ml_round_i128(&got, max, big_den, 100, ML_ROUND_DOWN),
                   ML_OK);
  assert_int_equal(got, 0);
}

/* ---- the rounding core: randomised against an independent reference ------ */

/* Reference: floor and ceiling quotients from GMP, then pick by mode. */
static ml_status reference_round(int64_t *out, const mpz_t num,
                                 const mpz_t den, int64_t increment,
                                 ml_rounding mode) {
  if (mpz_sgn(den) == 0 || increment <= 0) return ML_EINVAL;
  mpz_t d, fl, ce, rem, pick, lo, hi;
  mpz_inits(d, fl, ce, rem, pick, lo, hi, NULL);
  char incbuf[32];
  snprintf(incbuf, sizeof incbuf, "%lld", (long long)increment);
  mpz_set_str(d, incbuf, 10);
  mpz_mul(d, d, den);
  mpz_fdiv_qr(fl, rem, num, d);
  mpz_cdiv_q(ce, num, d);
  if (mpz_cmp(fl, ce) == 0) {
    mpz_set(pick, fl);
  } else {
    int positive = mpz_sgn(fl) >= 0; /* value in (fl, fl + 1) */
    mpz_srcptr toward_zero = positive ? fl : ce;
    mpz_srcptr away = positive ? ce : fl;
    mpz_abs(rem, rem);
    mpz_mul_2exp(rem, rem, 1);
    mpz_abs(lo, d);
    int c = mpz_cmp(rem, lo); /* fraction above floor vs one half */
    mpz_srcptr nearest = c < 0 ? fl : ce;
    mpz_srcptr even = mpz_even_p(fl) ? fl : ce;
    switch (mode) {
    case ML_ROUND_HALF_EVEN: mpz_set(pick, c == 0 ? even : nearest); break;
    case ML_ROUND_HALF_UP: mpz_set(pick, c == 0 ? away : nearest); break;
    case ML_ROUND_HALF_DOWN: mpz_set(pick, c == 0 ? toward_zero : nearest);
      break;
    case ML_ROUND_UP: mpz_set(pick, away); break;
    case ML_ROUND_DOWN: mpz_set(pick, toward_zero); break;
    case ML_ROUND_CEILING: mpz_set(pick, ce); break;
    case ML_ROUND_FLOOR: mpz_set(pick, fl); break;
    }
  }
  mpz_set_str(lo, incbuf, 10);
  mpz_mul(pick, pick, lo);
  mpz_set_str(lo, "-9223372036854775808", 10);
  mpz_set_str(hi, "9223372036854775807", 10);
  ml_status status = ML_ERANGE;
  if (mpz_cmp(pick, lo) >= 0 && mpz_cmp(pick, hi) <= 0) {
    char buf[32];
    mpz_get_str(buf, 10, pick);
    *out = (int64_t)strtoll(buf, NULL, 10);
    status = ML_OK;
  }
  mpz_clears(d, fl, ce, rem, pick, lo, hi, NULL);
  return status;
}

static ml_i128 random_i128_bits(rng *r, unsigned bits) {
  ml_u128 v = ((ml_u128)rng_next(r) << 64) | rng_next(r);
  v = bits == 0 ? 0 : v >> (128 - bits);
  if (bits == 128) return (ml_i128)v; /* any bit pattern, incl. MIN */
  return (rng_next(r) & 1) ? -(ml_i128)v : (ml_i128)v;
}

static ml_i128 special_i128(rng *r) {
  const ml_i128 specials[] = {
      1, -1, 2, -2, 3, 100, -100,
      ML_I128_MAX, ML_I128_MIN, ML_I128_MIN + 1, ML_I128_MAX - 1,
      (ml_i128)INT64_MAX, (ml_i128)INT64_MIN, (ml_i128)INT64_MAX + 1,
      (ml_i128)INT64_MIN - 1, (ml_i128)1 << 64, -((ml_i128)1 << 64),
      ML_I128_MAX / 2, ML_I128_MIN / 2, ML_I128_MAX / 100,
  };
  return specials[rng_next(r) % (sizeof specials / sizeof specials[0])];
}

static int64_t random_increment(rng *r) {
  switch (rng_next(r) % 6) {
  case 0: return 1;
  case 1: return 100;
  case 2: return 2000;
  case 3: return INT64_MAX;
  default: {
    unsigned bits = 1 + (unsigned)(rng_next(r) % 63);
    int64_t v = (int64_t)(rng_next(r) >> (64 - bits));
    return v > 0 ? v : 1;
  }
  }
}

#define CHECK_RANDOM(cond, seed, i)                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      print_message("seed %llu, iteration %d: %s\n",                       \
                    (unsigned long long)(seed), (int)(i), #cond);          \
      fail();                                                              \
    }                                                                      \
  } while (0)

static void round_i128_matches_mpz_and_reference(void **state) {
  (void)state;
  rng r = {SEED};
  mpz_t n, d;
  mpz_inits(n, d, NULL);
  int in_range = 0, wide = 0;
  enum { COUNT = 150000 };
  for (int i = 0; i < COUNT; i++) {
    ml_i128 num, den;
    unsigned den_bits = (unsigned)(rng_next(&r) % 129);
    /* The quotient's size in bits is about num_bits - den_bits: aim it
     * from far below one to well past int64. */
    int offset = (int)(rng_next(&r) % 141) - 40;
    int want_bits = (int)den_bits + offset;
    unsigned num_bits =
        (unsigned)(want_bits < 0 ? 0 : want_bits > 128 ? 128 : want_bits);
    num = (rng_next(&r) % 8 == 0) ? special_i128(&r)
                                  : random_i128_bits(&r, num_bits);
    den = (rng_next(&r) % 8 == 0) ? special_i128(&r)
                                  : random_i128_bits(&r, den_bits);
    if (den == 0) den = 1;
    int64_t inc = random_increment(&r);
    ml_rounding mode = all_modes[rng_next(&r) % 7];
    if (den > ML_I128_MAX / inc || den < -(ML_I128_MAX / inc)) wide++;
    ml_mpz_set_i128(n, num);
    ml_mpz_set_i128(d, den);
    int64_t a = 1, b = 2, c = 3;
    ml_status sa = ml_round_i128(&a, num, den, inc, mode);
    ml_status sb = ml_round_mpz(&b, n, d, inc, mode);
    ml_status sc = reference_round(&c, n, d, inc, mode);
    CHECK_RANDOM(sa == sc, SEED, i);
    CHECK_RANDOM(sb == sc, SEED, i);
    if (sc == ML_OK) {
      in_range++;
      CHECK_RANDOM(a == c, SEED, i);
      CHECK_RANDOM(b == c, SEED, i);
    }
  }
  mpz_clears(n, d, NULL);
  /* The operands were chosen so that both outcomes and both paths occur. */
  assert_true(in_range > COUNT / 4);
  assert_true(COUNT - in_range > COUNT / 10);
  assert_true(wide > COUNT / 20);
}

static int64_t random_int64(rng *r) {
  switch (rng_next(r) % 4) {
  case 0: {
    const int64_t specials[] = {INT64_MIN, INT64_MAX, INT64_MIN + 1,
                                INT64_MAX - 1, 0, 1, -1, 2, -2, 100, -100};
    return specials[rng_next(r) % (sizeof specials / sizeof specials[0])];
  }
  case 1: return (int64_t)rng_next(r);
  default: {
    unsigned bits = (unsigned)(rng_next(r) % 64);
    int64_t v = bits == 0 ? 0 : (int64_t)(rng_next(r) >> (64 - bits));
    return (rng_next(r) & 1) ? -v : v;
  }
  }
}

static void round_i64_matches_reference(void **state) {
  (void)state;
  rng r = {SEED ^ 0x64};
  mpz_t n, d;
  mpz_inits(n, d, NULL);
  enum { COUNT = 150000 };
  int in_range = 0;
  for (int i = 0; i < COUNT; i++) {
    int64_t num = random_int64(&r);
    int64_t den = random_int64(&r);
    if (den == 0) den = 3;
    int64_t inc = random_increment(&r);
    if (rng_next(&r) % 2) inc = 1 + (int64_t)(rng_next(&r) % 3000);
    ml_rounding mode = all_modes[rng_next(&r) % 7];
    ml_mpz_set_i128(n, num);
    ml_mpz_set_i128(d, den);
    int64_t a = 1, b = 2, c = 3;
    ml_status sa = ml_round_i64(&a, num, den, inc, mode);
    ml_status sb = ml_round_quotient(&b, num, den, inc, mode);
    ml_status sc = reference_round(&c, n, d, inc, mode);
    CHECK_RANDOM(sa == sc, SEED ^ 0x64, i);
    CHECK_RANDOM(sb == sc, SEED ^ 0x64, i);
    if (sc == ML_OK) {
      in_range++;
      CHECK_RANDOM(a == c, SEED ^ 0x64, i);
      CHECK_RANDOM(b == c, SEED ^ 0x64, i);
    }
  }
  mpz_clears(n, d, NULL);
  assert_true(in_range > COUNT / 2);
}

static void mpz_int64_conversions(void **state) {
  (void)state;
  mpz_t v;
  mpz_init(v);
  int64_t got = 5;
  mpz_set_str(v, "-9223372036854775808", 10);
  assert_int_equal(ml_mpz_get_int64(&got, v), 1);
  assert_true(got == INT64_MIN);
  mpz_set_str(v, "9223372036854775807", 10);
  assert_int_equal(ml_mpz_get_int64(&got, v), 1);
  assert_true(got == INT64_MAX);
  got = 5;
  mpz_set_str(v, "9223372036854775808", 10);
  assert_int_equal(ml_mpz_get_int64(&got, v), 0);
  mpz_set_str(v, "-9223372036854775809", 10);
  assert_int_equal(ml_mpz_get_int64(&got, v), 0);
  mpz_set_str(v, "18446744073709551616", 10); /* 2^64 */
  assert_int_equal(ml_mpz_get_int64(&got, v), 0);
  assert_int_equal(got, 5);
  char buf[64];
  ml_mpz_set_i128(v, ML_I128_MIN);
  assert_string_equal(mpz_get_str(buf, 10, v),
                      "-170141183460469231731687303715884105728");
  ml_mpz_set_i128(v, ML_I128_MAX);
  assert_string_equal(mpz_get_str(buf, 10, v),
                      "170141183460469231731687303715884105727");
  ml_mpz_set_i128(v, 0);
  assert_string_equal(mpz_get_str(buf, 10, v), "0");
  mpz_clear(v);
}

/* ---- parsing: accepted ----------------------------------------------------- */

static int64_t parse_ok(const char *text, ml_currency cur,
                        const ml_rounding *rounding) {
  ml_error err;
  ml_error_clear(&err);
  int64_t got = 424242;
  ml_status s = ml_amount_parse(&got, text, cur, rounding, &err);
  if (s != ML_OK) print_message("parse \"%s\": %s\n", text, err.message);
  assert_int_equal(s, ML_OK);
  assert_int_equal(err.code, ML_OK); /* untouched on success */
  return got;
}

static void parse_header_examples(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  assert_true(parse_ok("250000", sek, NULL) == 25000000);
  assert_true(parse_ok("250000.5", sek, NULL) == 25000050);
  assert_true(parse_ok("1 234,50", sek, NULL) == 123450);
  assert_true(parse_ok("-0.05", sek, NULL) == -5);
}

static void parse_accepted_forms(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  ml_currency jpy = currency("JPY");
  assert_true(parse_ok("0", sek, NULL) == 0);
  assert_true(parse_ok("-0", sek, NULL) == 0);
  assert_true(parse_ok("+7", sek, NULL) == 700);
  assert_true(parse_ok("007.1", sek, NULL) == 710);
  assert_true(parse_ok("0,01", sek, NULL) == 1);
  assert_true(parse_ok("  12.3  ", sek, NULL) == 1230); /* outer spaces */
  assert_true(parse_ok("1 ", sek, NULL) == 100);        /* trailing space */
  assert_true(parse_ok("1_000_000", sek, NULL) == 100000000);
  assert_true(parse_ok("1\xC2\xA0" "234,50", sek, NULL) == 123450);
  assert_true(parse_ok("1\xE2\x80\xAF" "234,50", sek, NULL) == 123450);
  assert_true(parse_ok("12 34 5", sek, NULL) == 1234500); /* any grouping */
  assert_true(parse_ok("-1 234 567.89", sek, NULL) == -123456789);
  assert_true(parse_ok("000000000000000000000000000000001", sek, NULL) ==
              100);
  assert_true(parse_ok("250 000", jpy, NULL) == 250000);
  assert_true(parse_ok("-7", jpy, NULL) == -7);
  ml_currency three = {"KWD", 3}; /* a caller-made currency */
  assert_true(parse_ok("1.5", three, NULL) == 1500);
  assert_true(parse_ok("1.234", three, NULL) == 1234);
}

static void parse_limits(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  ml_currency jpy = currency("JPY");
  assert_true(parse_ok("92233720368547758.07", sek, NULL) == INT64_MAX);
  assert_true(parse_ok("-92233720368547758.08", sek, NULL) == INT64_MIN);
  assert_true(parse_ok("92 233 720 368 547 758,07", sek, NULL) == INT64_MAX);
  assert_true(parse_ok("9223372036854775807", jpy, NULL) == INT64_MAX);
  assert_true(parse_ok("-9223372036854775808", jpy, NULL) == INT64_MIN);
}

/*
 * Excess decimals with a rounding mode, by hand (SEK, 2 decimals):
 *   1.005  = 100.5 öre: tie, 100 even    -> 100 101 100 101 100 101 100
 *   1.015  = 101.5 öre: tie, 101 odd     -> 102 102 101 102 101 102 101
 *  -1.005  = -100.5 öre                  -> -100 -101 -100 -101 -100 -100 -101
 *   1.0050000000000000000000000001: just above the tie -> 101 except down and
 *       floor (100)
 *   1.004999999999999999999999: just below -> 100 except up and ceiling (101)
 * (modes in all_modes order: half-even, half-up, half-down, up, down,
 * ceiling, floor)
 */
static void parse_excess_decimals_rounded(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  const struct {
    const char *text;
    int64_t want[7];
  } cases[] = {
      {"1.005", {100, 101, 100, 101, 100, 101, 100}},
      {"1.015", {102, 102, 101, 102, 101, 102, 101}},
      {"-1.005", {-100, -101, -100, -101, -100, -100, -101}},
      {"1.0050000000000000000000000001", {101, 101, 101, 101, 100, 101, 100}},
      {"1.004999999999999999999999", {100, 100, 100, 101, 100, 101, 100}},
      {"1.000", {100, 100, 100, 100, 100, 100, 100}},
      {"0.00000000000000000000000000000000000000000000000001",
       {0, 0, 0, 1, 0, 1, 0}},
      {"-0.00000000000000000000000000000000000000000000000001",
       {0, 0, 0, -1, 0, 0, -1}},
      {"-0.005", {0, -1, 0, -1, 0, 0, -1}},
      {"1 234,5678", {123457, 123457, 123457, 123457, 123456, 123457, 123456}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (int m = 0; m < 7; m++) {
      if (parse_ok(cases[i].text, sek, &all_modes[m]) != cases[i].want[m]) {
        print_message("%s with %s\n", cases[i].text,
                      ml_rounding_name(all_modes[m]));
        fail();
      }
    }
  }
  /* JPY, 0 decimals: 7.5 -> 8 (even), 8.5 -> 8 (even), -8.5 half-up -> -9. */
  ml_currency jpy = currency("JPY");
  ml_rounding he = ML_ROUND_HALF_EVEN, hu = ML_ROUND_HALF_UP;
  assert_true(parse_ok("7,5", jpy, &he) == 8);
  assert_true(parse_ok("8.5", jpy, &he) == 8);
  assert_true(parse_ok("-8.5", jpy, &hu) == -9);
  assert_true(parse_ok("1 234,4", jpy, &hu) == 1234);
  /* At the limits: ...58.071 is INT64_MAX + 0.1 öre. */
  ml_rounding hd = ML_ROUND_HALF_DOWN;
  assert_true(parse_ok("92233720368547758.071", sek, &he) == INT64_MAX);
  assert_true(parse_ok("92233720368547758.075", sek, &hd) == INT64_MAX);
  /* -...58.085: tie between ...58.08 (even, INT64_MIN) and .09. */
  assert_true(parse_ok("-92233720368547758.085", sek, &he) == INT64_MIN);
}

/* ---- parsing: rejected ----------------------------------------------------- */

static void expect_parse_error(const char *text, ml_currency cur,
                               const ml_rounding *rounding, ml_status code,
                               long column, const char *message) {
  ml_error err;
  ml_error_clear(&err);
  int64_t got = 424242;
  ml_status s = ml_amount_parse(&got, text, cur, rounding, &err);
  if (s != code || strcmp(err.message, message) != 0) {
    print_message("input \"%s\": got %s \"%s\"\n", text, ml_status_name(s),
                  err.message);
  }
  expect_error(s, code, &err, "amount", column, message);
  assert_int_equal(got, 424242); /* untouched */
  /* Without an error record: the same status. */
  assert_int_equal(ml_amount_parse(&got, text, cur, rounding, NULL), code);
}

static void parse_rejects_malformed(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  const struct {
    const char *text;
    long column;
    const char *message;
  } cases[] = {
      {"", 0, "amount \"\" is empty; expected a number such as \"1234.50\""},
      {"  ", 0,
       "amount \"  \" is empty; expected a number such as \"1234.50\""},
      {"1.2.3", 4,
       "amount \"1.2.3\": unexpected '.' at column 4; expected only one "
       "decimal mark"},
      {"1,2.3", 4,
       "amount \"1,2.3\": unexpected '.' at column 4; expected only one "
       "decimal mark"},
      {"12a", 3,
       "amount \"12a\": unexpected 'a' at column 3; expected a digit, a group "
       "separator or a decimal mark ('.' or ',')"},
      {"1__000", 3,
       "amount \"1__000\": unexpected '_' at column 3; expected a digit after "
       "the group separator"},
      {"_1", 1, "amount \"_1\": unexpected '_' at column 1; expected a digit"},
      {"1  000", 3,
       "amount \"1  000\": unexpected space at column 3; expected a digit "
       "after the group separator"},
      {"+-1", 2, "amount \"+-1\": unexpected '-' at column 2; expected a digit"},
      {"--1", 2, "amount \"--1\": unexpected '-' at column 2; expected a digit"},
      {"- 5", 2,
       "amount \"- 5\": unexpected space at column 2; expected a digit"},
      {"-", 2,
       "amount \"-\": unexpected end of the amount at column 2; expected a "
       "digit"},
      {"1.", 3,
       "amount \"1.\": unexpected end of the amount at column 3; expected a "
       "digit after the decimal mark"},
      {"1, ", 3,
       "amount \"1, \": unexpected end of the amount at column 3; expected a "
       "digit after the decimal mark"},
      {".5", 1, "amount \".5\": unexpected '.' at column 1; expected a digit"},
      {"-,5", 2, "amount \"-,5\": unexpected ',' at column 2; expected a digit"},
      {"1_", 3,
       "amount \"1_\": unexpected end of the amount at column 3; expected a "
       "digit after the group separator"},
      {"1_ ", 3,
       "amount \"1_ \": unexpected end of the amount at column 3; expected a "
       "digit after the group separator"},
      {"1_.5", 3,
       "amount \"1_.5\": unexpected '.' at column 3; expected a digit after "
       "the group separator"},
      {"1\xC2\xA0", 4,
       "amount \"1\xC2\xA0\": unexpected end of the amount at column 4; "
       "expected a digit after the group separator"},
      {"\xC2\xA0" "1", 1,
       "amount \"\xC2\xA0" "1\": unexpected no-break space (U+00A0) at column "
       "1; expected a digit"},
      {"1\xE2\x80\xAF\xE2\x80\xAF" "234", 5,
       "amount \"1\xE2\x80\xAF\xE2\x80\xAF" "234\": unexpected narrow no-break "
       "space (U+202F) at column 5; expected a digit after the group "
       "separator"},
      {"1 234 kr", 7,
       "amount \"1 234 kr\": unexpected 'k' at column 7; expected a digit "
       "after the group separator"},
      {"1,5 0", 4,
       "amount \"1,5 0\": unexpected space at column 4; expected a digit "
       "(group separators are allowed only before the decimal mark)"},
      {"1.5x", 4,
       "amount \"1.5x\": unexpected 'x' at column 4; expected a digit"},
      {"1\t", 2,
       "amount \"1\t\": unexpected byte 0x09 at column 2; expected a digit, a "
       "group separator or a decimal mark ('.' or ',')"},
      {"\xE2\x82\xAC" "5", 1,
       "amount \"\xE2\x82\xAC" "5\": unexpected byte 0xE2 at column 1; "
       "expected a digit"},
      {"1e5", 2,
       "amount \"1e5\": unexpected 'e' at column 2; expected a digit, a group "
       "separator or a decimal mark ('.' or ',')"},
  };
  ml_rounding he = ML_ROUND_HALF_EVEN;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    expect_parse_error(cases[i].text, sek, NULL, ML_EPARSE, cases[i].column,
                       cases[i].message);
    /* A rounding mode does not make a malformed amount acceptable. */
    expect_parse_error(cases[i].text, sek, &he, ML_EPARSE, cases[i].column,
                       cases[i].message);
  }
}

static void parse_rejects_excess_decimals(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  expect_parse_error("1.234", sek, NULL, ML_EPARSE, 5,
                     "amount \"1.234\" has 3 decimals but SEK has 2; expected "
                     "at most 2 decimals");
  /* Trailing zeros are decimals too. */
  expect_parse_error(" -1 000,000", sek, NULL, ML_EPARSE, 11,
                     "amount \" -1 000,000\" has 3 decimals but SEK has 2; "
                     "expected at most 2 decimals");
  ml_currency jpy = currency("JPY");
  expect_parse_error("7.5", jpy, NULL, ML_EPARSE, 3,
                     "amount \"7.5\" has 1 decimal but JPY has 0; expected at "
                     "most 0 decimals");
  expect_parse_error("7.50", jpy, NULL, ML_EPARSE, 3,
                     "amount \"7.50\" has 2 decimals but JPY has 0; expected "
                     "at most 0 decimals");
}

static void parse_rejects_out_of_range(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  ml_currency jpy = currency("JPY");
  const char *sek_range =
      "; expected a value from -92233720368547758.08 to 92233720368547758.07 "
      "SEK";
  const char *jpy_range =
      "; expected a value from -9223372036854775808 to 9223372036854775807 "
      "JPY";
  const struct {
    const char *text;
    ml_currency cur;
    const char *range;
  } cases[] = {
      {"92233720368547758.08", sek, NULL},
      {"-92233720368547758.09", sek, NULL},
      {"92233720368547759", sek, NULL},
      {"100000000000000000000000000000", sek, NULL},
      {"9223372036854775808", jpy, NULL},
      {"-9223372036854775809", jpy, NULL},
      {"9 223 372 036 854 775 808", jpy, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char want[ML_ERROR_MESSAGE_SIZE];
    int is_sek = cases[i].cur.exponent == 2;
    snprintf(want, sizeof want, "amount \"%s\" is out of range%s",
             cases[i].text, is_sek ? sek_range : jpy_range);
    expect_parse_error(cases[i].text, cases[i].cur, NULL, ML_ERANGE, 0, want);
  }
  /* Rounding can carry a value over the edge: ...58.071 up is ...58.08;
   * ...58.075 half-even goes to the even ...58.08; -...58.085 half-up to
   * -...58.09. */
  ml_rounding up = ML_ROUND_UP, he = ML_ROUND_HALF_EVEN,
              hu = ML_ROUND_HALF_UP;
  char want[ML_ERROR_MESSAGE_SIZE];
  snprintf(want, sizeof want, "amount \"92233720368547758.071\" is out of "
                              "range%s", sek_range);
  expect_parse_error("92233720368547758.071", sek, &up, ML_ERANGE, 0, want);
  snprintf(want, sizeof want, "amount \"92233720368547758.075\" is out of "
                              "range%s", sek_range);
  expect_parse_error("92233720368547758.075", sek, &he, ML_ERANGE, 0, want);
  snprintf(want, sizeof want, "amount \"-92233720368547758.085\" is out of "
                              "range%s", sek_range);
  expect_parse_error("-92233720368547758.085", sek, &hu, ML_ERANGE, 0, want);
  /* A long input is quoted shortened (first 40 bytes and "..."). */
  expect_parse_error(
      "12345678901234567890123456789012345678901234567890", sek, NULL,
      ML_ERANGE, 0,
      "amount \"1234567890123456789012345678901234567890...\" is out of "
      "range; expected a value from -92233720368547758.08 to "
      "92233720368547758.07 SEK");
  /* A syntax error is reported before the range. */
  expect_parse_error("99999999999999999999x", sek, NULL, ML_EPARSE, 21,
                     "amount \"99999999999999999999x\": unexpected 'x' at "
                     "column 21; expected a digit, a group separator or a "
                     "decimal mark ('.' or ',')");
}

/* ---- formatting ------------------------------------------------------------ */

static void expect_format(ml_amount amount, ml_currency cur, const char *want) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  assert_int_equal(ml_amount_format(buf, sizeof buf, amount, cur), ML_OK);
  assert_string_equal(buf, want);
}

static void expect_format_sv(ml_amount amount, ml_currency cur, int unit,
                             const char *want) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  assert_int_equal(ml_amount_format_sv(buf, sizeof buf, amount, cur, unit),
                   ML_OK);
  assert_string_equal(buf, want);
}

static void format_canonical(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  ml_currency jpy = currency("JPY");
  expect_format(123450, sek, "1234.50");
  expect_format(-5, sek, "-0.05");
  expect_format(0, sek, "0.00");
  expect_format(1, sek, "0.01");
  expect_format(-100, sek, "-1.00");
  expect_format(25000000, sek, "250000.00");
  expect_format(INT64_MAX, sek, "92233720368547758.07");
  expect_format(INT64_MIN, sek, "-92233720368547758.08");
  expect_format(7, jpy, "7");
  expect_format(-7, jpy, "-7");
  expect_format(0, jpy, "0");
  expect_format(INT64_MIN, jpy, "-9223372036854775808");
  ml_currency three = {"KWD", 3};
  expect_format(1234, three, "1.234");
  expect_format(-1, three, "-0.001");
}

static void format_sv(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  ml_currency eur = currency("EUR");
  ml_currency jpy = currency("JPY");
  expect_format_sv(123450, sek, 1, "1 234,50 kr");
  expect_format_sv(-5, sek, 1, "-0,05 kr");
  expect_format_sv(1200000, eur, 1, "12 000,00 EUR");
  expect_format_sv(123450, sek, 0, "1 234,50");
  expect_format_sv(0, sek, 1, "0,00 kr");
  expect_format_sv(99999, sek, 1, "999,99 kr");
  expect_format_sv(100000, sek, 1, "1 000,00 kr");
  expect_format_sv(25000000, sek, 1, "250 000,00 kr");
  expect_format_sv(-123456789, sek, 0, "-1 234 567,89");
  expect_format_sv(12000, jpy, 1, "12 000 JPY");
  expect_format_sv(999, jpy, 0, "999");
  expect_format_sv(INT64_MIN, sek, 1, "-92 233 720 368 547 758,08 kr");
  expect_format_sv(INT64_MAX, eur, 1, "92 233 720 368 547 758,07 EUR");
  expect_format_sv(INT64_MIN, jpy, 1, "-9 223 372 036 854 775 808 JPY");
}

static void format_buffer_too_small(void **state) {
  (void)state;
  ml_currency sek = ml_currency_default();
  char buf[16];
  /* "1234.50" is 7 bytes + NUL: 8 fits, 7 does not. */
  assert_int_equal(ml_amount_format(buf, 8, 123450, sek), ML_OK);
  assert_string_equal(buf, "1234.50");
  memset(buf, 'x', sizeof buf);
  assert_int_equal(ml_amount_format(buf, 7, 123450, sek), ML_EBUFFER);
  assert_int_equal(buf[0], '\0'); /* never an unterminated prefix */
  assert_int_equal(ml_amount_format(buf, 0, 123450, sek), ML_EBUFFER);
  /* "1 234,50 kr" is 11 bytes + NUL. */
  assert_int_equal(ml_amount_format_sv(buf, 12, 123450, sek, 1), ML_OK);
  assert_string_equal(buf, "1 234,50 kr");
  assert_int_equal(ml_amount_format_sv(buf, 11, 123450, sek, 1), ML_EBUFFER);
  assert_int_equal(buf[0], '\0');
}

/* ---- round trips ------------------------------------------------------------ */

static void strip_unit(char *text, ml_currency cur) {
  const char *unit = strcmp(cur.code, "SEK") == 0 ? " kr" : NULL;
  char code_unit[8];
  if (unit == NULL) {
    snprintf(code_unit, sizeof code_unit, " %s", cur.code);
    unit = code_unit;
  }
  size_t n = strlen(text), u = strlen(unit);
  assert_true(n > u && strcmp(text + n - u, unit) == 0);
  text[n - u] = '\0';
}

static void round_trips(void **state) {
  (void)state;
  ml_currency currencies[] = {ml_currency_default(), currency("EUR"),
                              currency("JPY"), {"KWD", 3}};
  rng r = {SEED ^ 0xf0f0};
  enum { COUNT = 120000 };
  for (int i = 0; i < COUNT; i++) {
    int64_t x = i < 4 ? (int64_t[]){INT64_MIN, INT64_MAX, 0, -1}[i]
                      : random_int64(&r);
    ml_currency cur = currencies[(size_t)i % 4];
    char text[ML_AMOUNT_FORMAT_SIZE];
    ml_error err;
    int64_t back = 0;
    CHECK_RANDOM(ml_amount_format(text, sizeof text, x, cur) == ML_OK,
                 SEED ^ 0xf0f0, i);
    CHECK_RANDOM(ml_amount_parse(&back, text, cur, NULL, &err) == ML_OK,
                 SEED ^ 0xf0f0, i);
    CHECK_RANDOM(back == x, SEED ^ 0xf0f0, i);
    CHECK_RANDOM(ml_amount_format_sv(text, sizeof text, x, cur, 0) == ML_OK,
                 SEED ^ 0xf0f0, i);
    back = 0;
    CHECK_RANDOM(ml_amount_parse(&back, text, cur, NULL, &err) == ML_OK,
                 SEED ^ 0xf0f0, i);
    CHECK_RANDOM(back == x, SEED ^ 0xf0f0, i);
    CHECK_RANDOM(ml_amount_format_sv(text, sizeof text, x, cur, 1) == ML_OK,
                 SEED ^ 0xf0f0, i);
    strip_unit(text, cur);
    back = 0;
    CHECK_RANDOM(ml_amount_parse(&back, text, cur, NULL, &err) == ML_OK,
                 SEED ^ 0xf0f0, i);
    CHECK_RANDOM(back == x, SEED ^ 0xf0f0, i);
  }
}

/* Plain amounts ("123", "0.5", "0012.30"), which ml_amount_parse reads
 * on a short path (ml_amount_parse_plain, which the journal reader also
 * calls by itself), against the general path (the same text after a space,
 * which only the general path takes) and against the value worked out
 * here digit by digit in 128 bits: the same status and value, for every
 * length up to past the range, in currencies with 0, 2 and 3 decimals. */
static void parse_plain_amounts_as_the_general_path(void **state) {
  (void)state;
  static const ml_currency currencies[] = {{"SEK", 2}, {"JPY", 0},
                                           {"XXX", 3}};
  rng r = {SEED ^ 0x706c61696eULL}; /* "plain" */
  for (int i = 0; i < 200000; i++) {
    ml_currency cur = currencies[i % 3];
    char text[64], spaced[66];
    int digits = 1 + (int)(rng_next(&r) % 21);
    int decimals = (int)(rng_next(&r) % 5) - 1; /* -1: no decimal mark */
    size_t n = 0;
    ml_i128 value = 0;
    for (int k = 0; k < digits; k++) {
      int d = (int)(rng_next(&r) % 10);
      text[n++] = (char)('0' + d);
      value = value * 10 + d;
    }
    if (decimals >= 0) text[n++] = '.';
    for (int k = 0; k < decimals; k++) {
      int d = (int)(rng_next(&r) % 10);
      text[n++] = (char)('0' + d);
      value = value * 10 + d;
    }
    text[n] = '\0';
    snprintf(spaced, sizeof spaced, " %s", text);
    for (int k = decimals < 0 ? 0 : decimals; k < cur.exponent; k++) {
      value *= 10;
    }
    int fits = decimals != 0 && decimals <= cur.exponent &&
               value <= (ml_i128)INT64_MAX;
    ml_amount got = -1, general = -2;
    ml_status st = ml_amount_parse(&got, text, cur, NULL, NULL);
    ml_status st_general = ml_amount_parse(&general, spaced, cur, NULL, NULL);
    /* the short path by itself, as the journal reader calls it */
    ml_amount plain = -3;
    int by_byte = ml_amount_parse_plain(&plain, text, strlen(text), cur.exponent);
    if (by_byte && (st != ML_OK || plain != got)) {
      fail_msg("\"%s\" in %s: the short path gives %lld", text, cur.code,
               (long long)plain);
    }
    /* and its word-at-a-time form (text has room for its 8-byte read) */
    ml_amount wide = -4;
    if (ml_amount_parse_plain_wide(&wide, text, strlen(text), cur.exponent) !=
            by_byte ||
        (by_byte && wide != plain)) {
      fail_msg("\"%s\" in %s: the wide short path gives %lld", text,
               cur.code, (long long)wide);
    }
    if (st != st_general || (st == ML_OK && got != general) ||
        (st == ML_OK) != fits || (fits && got != (ml_amount)value)) {
      fail_msg("\"%s\" in %s: %d/%lld, general %d/%lld, fits %d", text,
               cur.code, st, (long long)got, st_general, (long long)general,
               fits);
    }
  }
}

/* Text next to plain amounts: a mark without digits on a side, two marks,
 * signs, spaces, too many decimals or digits. The short path takes a text
 * only when ml_amount_parse gives the same value, and takes the plain
 * ones. */
static void parse_plain_amount_edges(void **state) {
  (void)state;
  static const char *const texts[] = {
      "", ".", "5.", ".5", "1.2.3", "1..2", "12.34.", "0", "00.00", "1.234",
      "1.23", "-1", "+1", "1 ", " 1", "1e3", "12,50", "0.5", "7",
      "999999999999999999", "9999999999999999", "9999999999999999.99",
      "99999999999999999", "1.", "1.2", "01.20"};
  static const int plain[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0,
                              0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1};
  const ml_currency sek = {"SEK", 2};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    ml_amount short_path = -1, general = -2;
    int taken = ml_amount_parse_plain(&short_path, texts[i], strlen(texts[i]),
                                      sek.exponent);
    ml_status st = ml_amount_parse(&general, texts[i], sek, NULL, NULL);
    if (taken != plain[i] || (taken && (st != ML_OK || short_path != general))) {
      fail_msg("\"%s\": short path %d (%lld), ml_amount_parse %d (%lld)",
               texts[i], taken, (long long)short_path, st,
               (long long)general);
    }
  }
}

/* ml_amount_parse_plain_wide reads a word where ml_amount_parse_plain
 * reads a byte at a time: every byte value at every place of amounts of 1
 * to 9 digits and 0 to 3 decimals, followed by a comma and more digits
 * (which the word may read but must not take), gets the same verdict and
 * value from both. */
static void parse_plain_wide_as_plain(void **state) {
  (void)state;
  rng r = {SEED ^ 0x77696465ULL}; /* "wide" */
  for (int digits = 1; digits <= 9; digits++) {
    for (int decimals = 0; decimals <= 3; decimals++) {
      char base[32];
      size_t len = 0;
      for (int k = 0; k < digits; k++) base[len++] = (char)('0' + rng_next(&r) % 10);
      if (decimals > 0) base[len++] = '.';
      for (int k = 0; k < decimals; k++) base[len++] = (char)('0' + rng_next(&r) % 10);
      for (size_t at = 0; at < len; at++) {
        for (int byte = 0; byte < 256; byte++) {
          char text[32];
          memcpy(text, base, len);
          memcpy(text + len, ",98765432", 10);
          text[at] = (char)byte;
          ml_amount plain = -1, wide = -2;
          int by_byte = ml_amount_parse_plain(&plain, text, len, 2);
          int by_word = ml_amount_parse_plain_wide(&wide, text, len, 2);
          if (by_byte != by_word || (by_byte && plain != wide)) {
            fail_msg("\"%.*s\": by byte %d (%lld), by word %d (%lld)",
                     (int)len, text, by_byte, (long long)plain, by_word,
                     (long long)wide);
          }
        }
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(currency_default_is_sek),
      cmocka_unit_test(currency_find_known),
      cmocka_unit_test(currency_find_unknown),
      cmocka_unit_test(rounding_names_and_parse),
      cmocka_unit_test(rounding_parse_rejects),
      cmocka_unit_test(round_table_every_mode),
      cmocka_unit_test(round_amount_examples),
      cmocka_unit_test(round_range_and_invalid),
      cmocka_unit_test(round_i128_limits),
      cmocka_unit_test(round_i128_matches_mpz_and_reference),
      cmocka_unit_test(round_i64_matches_reference),
      cmocka_unit_test(mpz_int64_conversions),
      cmocka_unit_test(parse_header_examples),
      cmocka_unit_test(parse_accepted_forms),
      cmocka_unit_test(parse_plain_amounts_as_the_general_path),
      cmocka_unit_test(parse_plain_amount_edges),
      cmocka_unit_test(parse_plain_wide_as_plain),
      cmocka_unit_test(parse_limits),
      cmocka_unit_test(parse_excess_decimals_rounded),
      cmocka_unit_test(parse_rejects_malformed),
      cmocka_unit_test(parse_rejects_excess_decimals),
      cmocka_unit_test(parse_rejects_out_of_range),
      cmocka_unit_test(format_canonical),
      cmocka_unit_test(format_sv),
      cmocka_unit_test(format_buffer_too_small),
      cmocka_unit_test(round_trips),
  };
  return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}

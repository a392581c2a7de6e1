/*
 * tests/test_support.h — helpers every cmocka test of the library shares.
 * Include after <cmocka.h> (fail_msg) and "mikrolan.h".
 */
#ifndef MIKROLAN_TESTS_TEST_SUPPORT_H
#define MIKROLAN_TESTS_TEST_SUPPORT_H

#include <string.h>

/* The day number of an ISO date the test writes out; a typo in the test
 * fails it with the parser's message. */
static inline ml_date date_of(const char *iso) {
  ml_date d;
  ml_error err;
  if (ml_date_parse(&d, iso, &err) != ML_OK) {
    fail_msg("%s: %s", iso, err.message);
  }
  return d;
}

/* Default terms but for the principal (minor units), the annual rate,
 * the number of monthly installments and the disbursement date. */
static inline ml_schedule_terms terms_of(ml_amount principal, ml_rate rate,
                                         int32_t installments,
                                         const char *disbursed) {
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = principal;
  t.annual_rate = rate;
  t.installments = installments;
  t.disbursed = date_of(disbursed);
  return t;
}

/* The seeded generator of the randomised tests (xorshift64: 13, 7, 17). */
static inline uint64_t xorshift64(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

/* A value in lo..hi from it (the whole int64 range when that is asked). */
static inline int64_t rand_range(uint64_t *s, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0: all of int64 */
  uint64_t x = xorshift64(s);
  return (int64_t)((uint64_t)lo + (span != 0 ? x % span : x));
}

/* Checks a message against want; a want ending in '*' is a prefix. */
static inline void expect_message(const char *message, const char *want) {
  size_t n = strlen(want);
  if (n > 0 && want[n - 1] == '*') {
    if (strncmp(message, want, n - 1) != 0) {
      fail_msg("message \"%s\" does not start with \"%.*s\"", message,
               (int)n - 1, want);
    }
  } else {
    assert_string_equal(message, want);
  }
}

/* Random valid loan terms and options of every kind the ledger takes:
 * each method, upfront and installment fees, every allocation and
 * prepayment policy, late fees and default interest. */
static inline void random_loan_terms(ml_schedule_terms *t, ml_loan_options *o,
                                     uint64_t *s) {
  ml_schedule_terms_init(t);
  t->principal = rand_range(s, 100000, 25000000);
  t->annual_rate = (ml_rate){rand_range(s, 0, 300), 3};
  t->installments = (int32_t)rand_range(s, 1, 36);
  t->method = (ml_method)rand_range(s, 0, 3);
  t->disbursed = date_of("2026-01-15") + (ml_date)rand_range(s, 0, 60);
  if (rand_range(s, 0, 3) == 0) t->upfront_fee = rand_range(s, 1, 50000);
  if (rand_range(s, 0, 3) == 0) t->installment_fee = rand_range(s, 1, 5000);
  ml_loan_options_init(o);
  o->allocation = (ml_allocation)rand_range(s, 0, 3);
  o->prepayment = (ml_prepayment)rand_range(s, 0, 2);
  if (rand_range(s, 0, 2) == 0) {
    o->late_fee = 6000;
    o->late_fee_days = (int32_t)rand_range(s, 0, 20);
  }
  if (rand_range(s, 0, 2) == 0) {
    o->default_rate = (ml_rate){rand_range(s, 1, 25), 2};
  }
}

#endif

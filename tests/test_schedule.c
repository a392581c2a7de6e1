/*
 * tests/test_schedule.c — the schedule layer: golden schedules from
 * independent calculation, the annuity's fast proof against exact GMP,
 * invariants over seeded random terms, and every rejected input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "annuity.h"
#include "divider.h"
#include "mikrolan.h"
#include "test_support.h"

#define MAX_ROWS (ML_SCHEDULE_MAX_INSTALLMENTS + 1)

/* ---- helpers -------------------------------------------------------- */

static void base_terms(ml_schedule_terms *t) {
  ml_schedule_terms_init(t);
  t->principal = 25000000;
  t->annual_rate = (ml_rate){85, 3};
  t->installments = 36;
  t->disbursed = date_of("2026-01-15");
}

static size_t compute_ok(ml_installment *rows, const ml_schedule_terms *t) {
  size_t n = 0;
  ml_error err;
  ml_status st = ml_schedule_compute(rows, MAX_ROWS, &n, t, &err);
  if (st != ML_OK) fail_msg("%s: %s", ml_status_name(st), err.message);
  return n;
}

static void assert_row(const ml_installment *r, int n, const char *due,
                       ml_amount principal, ml_amount interest,
                       ml_amount fees, ml_amount total, ml_amount balance) {
  assert_int_equal(r->n, n);
  assert_int_equal(r->due_date, date_of(due));
  assert_int_equal(r->principal, principal);
  assert_int_equal(r->interest, interest);
  assert_int_equal(r->fees, fees);
  assert_int_equal(r->total, total);
  assert_int_equal(r->balance, balance);
}

/* ---- the anchor (issue 3) ------------------------------------------- */

/* 250,000 SEK, 8.5 %, 36 monthly, per-period, half-even. Golden values
 * from the issue: A = 250000*r/(1-(1+r)^-36), r = 0.085/12, = 7891.8795...
 * -> 7891.88; row 1 interest 250000*0.085/12 = 1770.8333 -> 1770.83. */
static void anchor_annuity(void **state) {
  (void)state;
  ml_schedule_terms t;
  base_terms(&t);
  ml_installment rows[MAX_ROWS];
  size_t n = compute_ok(rows, &t);
  assert_int_equal(n, 36);
  assert_row(&rows[0], 1, "2026-02-15", 612105, 177083, 0, 789188, 24387895);
  assert_row(&rows[35], 36, "2029-01-15", 783655, 5551, 0, 789206, 0);
  for (size_t k = 0; k + 1 < n; k++) assert_int_equal(rows[k].total, 789188);
}

/* An interest grace: 12000.00 at 12 % (1 % a month), 6 monthly from
 * 2024-01-01, interest deferred for 3. A = 1200000 * 0.01 / (1 -
 * 1.01^-6) = 207058.04 -> 207058; rows 1..3 charge 12000, 10049
 * (1004942 * 0.01 = 10049.42) and 8079 (8079.33), pay A - c_k of
 * principal and owe no interest; row 4 owes its own 6090 (6089.54) and
 * the 30128 deferred. interest_deferred says what each row deferred. */
static void interest_grace_deferred(void **state) {
  (void)state;
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 1200000;
  t.annual_rate = (ml_rate){12, 2};
  t.installments = 6;
  t.disbursed = date_of("2024-01-01");
  t.grace_interest = 3;
  ml_installment rows[MAX_ROWS];
  assert_int_equal(compute_ok(rows, &t), 6);
  static const ml_amount deferred[6] = {12000, 10049, 8079, 0, 0, 0};
  for (int k = 0; k < 6; k++) {
    assert_int_equal(rows[k].interest_deferred, deferred[k]);
  }
  assert_row(&rows[0], 1, "2024-02-01", 195058, 0, 0, 195058, 1004942);
  assert_row(&rows[3], 4, "2024-05-01", 200968, 36218, 0, 237186, 407986);
  assert_row(&rows[4], 5, "2024-06-01", 202978, 4080, 0, 207058, 205008);
}

/* ---- the annuity installment ---------------------------------------- */

/* R = 0: A = P/m exactly; 100.00 over 8 = 12.50 öre-exact, 1.00 over 8 =
 * 0.125 -> a tie at one öre: half-even 0.12, half-up 0.13, half-down 0.12. */
static void annuity_zero_rate_ties(void **state) {
  (void)state;
  ml_amount a;
  assert_int_equal(ml_annuity_payment(&a, 10000, 0, 1, 8, 1,
                                      ML_ROUND_HALF_EVEN), ML_OK);
  assert_int_equal(a, 1250);
  assert_int_equal(ml_annuity_payment(&a, 100, 0, 1, 8, 1,
                                      ML_ROUND_HALF_EVEN), ML_OK);
  assert_int_equal(a, 12);
  assert_int_equal(ml_annuity_payment(&a, 100, 0, 1, 8, 1, ML_ROUND_HALF_UP),
                   ML_OK);
  assert_int_equal(a, 13);
  assert_int_equal(ml_annuity_payment(&a, 100, 0, 1, 8, 1, ML_ROUND_CEILING),
                   ML_OK);
  assert_int_equal(a, 13);
  assert_int_equal(ml_annuity_payment(&a, 100, 0, 1, 8, 1, ML_ROUND_FLOOR),
                   ML_OK);
  assert_int_equal(a, 12);
}

/* m = 1: A = P*(1+r) exactly. P = 10000 öre, r = 1/2 -> 15000, an exact
 * multiple (the fast proof cannot decide it; GMP must). r = 1/3 -> 13333.33
 * öre: 13333 (half-even), 13334 (up). m = 2, r = 1: A = P*1*4/(1*(4-1)) =
 * 4P/3; P = 3 -> 4 exactly. */
static void annuity_exact_values(void **state) {
  (void)state;
  ml_amount a;
  assert_int_equal(ml_annuity_payment(&a, 10000, 1, 2, 1, 1,
                                      ML_ROUND_HALF_EVEN), ML_OK);
  assert_int_equal(a, 15000);
  assert_int_equal(ml_annuity_payment(&a, 10000, 1, 3, 1, 1,
                                      ML_ROUND_HALF_EVEN), ML_OK);
  assert_int_equal(a, 13333);
  assert_int_equal(ml_annuity_payment(&a, 10000, 1, 3, 1, 1, ML_ROUND_UP),
                   ML_OK);
  assert_int_equal(a, 13334);
  assert_int_equal(ml_annuity_payment(&a, 3, 1, 1, 2, 1, ML_ROUND_DOWN),
                   ML_OK);
  assert_int_equal(a, 4);
  /* To a multiple of 20 kr (2000 öre): 7891.88 -> 7900 (nearest), 7880
   * (down). */
  assert_int_equal(ml_annuity_payment(&a, 25000000, 17, 2400, 36, 2000,
                                      ML_ROUND_HALF_EVEN), ML_OK);
  assert_int_equal(a, 790000);
  assert_int_equal(ml_annuity_payment(&a, 25000000, 17, 2400, 36, 2000,
                                      ML_ROUND_DOWN), ML_OK);
  assert_int_equal(a, 788000);
  assert_int_equal(ml_annuity_payment(&a, 1, 1, 1, 0, 1, ML_ROUND_DOWN),
                   ML_EINVAL);
}

/* The fast proof against exact GMP on seeded random operands: they must
 * agree everywhere (the fast path falls back when it cannot prove). */
static void annuity_fast_matches_exact(void **state) {
  (void)state;
  uint64_t seed = 0x5eed0001u, s = seed;
  for (int i = 0; i < 100000; i++) {
    ml_amount p = rand_range(&s, 1, i % 10 == 0 ? INT64_C(1000000000000000)
                                                : 25000000);
    int64_t b = rand_range(&s, 1, i % 7 == 0 ? INT64_C(1000000000000) : 12000);
    int64_t a = rand_range(&s, 1, i % 5 == 0 ? b * 20 : b / 8 + 1);
    int32_t m = (int32_t)rand_range(&s, 1, i % 3 == 0 ? 600 : 60);
    ml_amount q = i % 4 == 0 ? rand_range(&s, 1, 5000) : 1;
    ml_rounding mode = (ml_rounding)rand_range(&s, 0, 6);
    ml_amount fast = -1, exact = -2;
    ml_status s1 = ml_annuity_payment(&fast, p, a, b, m, q, mode);
    ml_status s2 = ml_annuity_exact(&exact, p, a, b, m, q, mode);
    if (s1 != s2 || (s1 == ML_OK && fast != exact)) {
      fail_msg("seed %#llx case %d: P=%lld r=%lld/%lld m=%d q=%lld mode=%d: "
               "fast %lld (%d) exact %lld (%d)",
               (unsigned long long)seed, i, (long long)p, (long long)a,
               (long long)b, (int)m, (long long)q, (int)mode,
               (long long)fast, (int)s1, (long long)exact, (int)s2);
    }
  }
}

/* ---- invariants over random terms ----------------------------------- */

static void random_terms(ml_schedule_terms *t, uint64_t *s) {
  ml_schedule_terms_init(t);
  t->principal = rand_range(s, 1, 25000000);
  t->annual_rate = (ml_rate){rand_range(s, 0, 400000), 6};
  if (rand_range(s, 0, 9) == 0) t->annual_rate = (ml_rate){0, 0};
  assert_int_equal(ml_rate_make(&t->annual_rate, t->annual_rate.coefficient,
                                t->annual_rate.scale),
                   ML_OK);
  t->installments = (int32_t)rand_range(s, 1, rand_range(s, 0, 9) ? 72 : 600);
  static const ml_frequency freqs[] = {
      {ML_FREQ_MONTHS, 1}, {ML_FREQ_MONTHS, 3}, {ML_FREQ_WEEKS, 1},
      {ML_FREQ_WEEKS, 2},  {ML_FREQ_DAYS, 10},  {ML_FREQ_MONTHS, 12}};
  t->frequency = freqs[rand_range(s, 0, 5)];
  t->method = (ml_method)rand_range(s, 0, 3);
  t->interest_basis = (ml_interest_basis)rand_range(s, 0, 1);
  t->day_count = (ml_day_count)rand_range(s, 0, 5);
  t->disbursed = (ml_date)rand_range(s, 18000, 22000);
  if (rand_range(s, 0, 3) == 0) {
    t->first_due = t->disbursed + (ml_date)rand_range(s, 1, 80);
  }
  int32_t n = t->installments;
  if (rand_range(s, 0, 2) == 0) t->grace_principal = (int32_t)rand_range(s, 0, n - 1);
  if (rand_range(s, 0, 2) == 0) t->grace_interest = (int32_t)rand_range(s, 0, n - 1);
  if (rand_range(s, 0, 2) == 0) t->interest_free = (int32_t)rand_range(s, 0, n);
  t->rounding = (ml_rounding)rand_range(s, 0, 6);
  static const ml_amount multiples[] = {1, 1, 100, 2000};
  t->installment_multiple = multiples[rand_range(s, 0, 3)];
  t->upfront_fee = rand_range(s, 0, 1) ? rand_range(s, 0, 100000) : 0;
  t->installment_fee = rand_range(s, 0, 1) ? rand_range(s, 0, 6000) : 0;
  t->calendar.kind = (ml_calendar_kind)rand_range(s, 0, 2);
  t->business_day = (ml_business_day)rand_range(s, 0, 4);
  t->adjusted_interest_periods = (int)rand_range(s, 0, 1);
}

static void check_invariants(const ml_installment *rows, size_t n,
                             const ml_schedule_terms *t, uint64_t seed,
                             int i) {
  ml_amount principal_sum = 0, deferred_sum = 0, balance = t->principal;
  size_t first = n > (size_t)t->installments ? 1 : 0;
  for (size_t k = 0; k < n; k++) {
    const ml_installment *r = &rows[k];
    int ok = r->total == r->principal + r->interest + r->fees &&
             r->principal >= 0 && r->interest >= 0 && r->fees >= 0 &&
             r->balance == balance - r->principal && r->balance >= 0 &&
             r->balance <= balance && r->n == (int32_t)(k + 1 - first) &&
             r->interest_deferred >= 0 &&
             (r->interest_deferred == 0 || r->n <= t->grace_interest) &&
             (k == 0 || r->due_date >= rows[k - 1].due_date);
    if (!ok) {
      fail_msg("seed %#llx case %d: invariant broken at row %zu: n=%d "
               "due=%d principal=%lld interest=%lld fees=%lld total=%lld "
               "balance=%lld (before %lld)",
               (unsigned long long)seed, i, k, (int)r->n, (int)r->due_date,
               (long long)r->principal, (long long)r->interest,
               (long long)r->fees, (long long)r->total, (long long)r->balance,
               (long long)balance);
    }
    principal_sum += r->principal;
    balance = r->balance;
    deferred_sum += r->interest_deferred;
    if (r->n == t->grace_interest + 1 && r->interest < deferred_sum) {
      fail_msg("seed %#llx case %d: row %d owes %lld of interest, less "
               "than the %lld deferred to it", (unsigned long long)seed, i,
               (int)r->n, (long long)r->interest, (long long)deferred_sum);
    }
  }
  if (principal_sum != t->principal || balance != 0 ||
      n != ml_schedule_row_count(t)) {
    fail_msg("seed %#llx case %d: principal parts sum to %lld of %lld",
             (unsigned long long)seed, i, (long long)principal_sum,
             (long long)t->principal);
  }
}

static void random_schedules_keep_invariants(void **state) {
  (void)state;
  uint64_t seed = 0x5eed0002u, s = seed;
  static ml_installment rows[MAX_ROWS], again[MAX_ROWS];
  int computed = 0;
  for (int i = 0; i < 100000; i++) {
    ml_schedule_terms t;
    random_terms(&t, &s);
    size_t n = 0, n2 = 0;
    ml_error err;
    ml_status st = ml_schedule_compute(rows, MAX_ROWS, &n, &t, &err);
    if (st != ML_OK) {
      /* Random terms may only be refused for a due date beyond 2200 or
       * one that the calendar moves before the disbursement. */
      int expected = st == ML_ERANGE ||
                     (st == ML_EINVAL && strcmp(err.field, "business-day") == 0);
      if (!expected) {
        fail_msg("seed %#llx case %d: %s", (unsigned long long)seed, i,
                 err.message);
      }
      continue;
    }
    computed++;
    check_invariants(rows, n, &t, seed, i);
    assert_int_equal(ml_schedule_compute(again, MAX_ROWS, &n2, &t, NULL),
                     ML_OK);
    if (n2 != n || memcmp(rows, again, n * sizeof rows[0]) != 0) {
      fail_msg("seed %#llx case %d: not deterministic",
               (unsigned long long)seed, i);
    }
  }
  assert_true(computed > 90000);
}

/* ---- the allocating form -------------------------------------------- */

static void allocating_form(void **state) {
  (void)state;
  ml_schedule_terms t;
  base_terms(&t);
  t.upfront_fee = 50000;
  ml_schedule *s = NULL;
  assert_int_equal(ml_schedule_new(&s, &t, NULL), ML_OK);
  assert_int_equal(ml_schedule_count(s), 37);
  const ml_installment *rows = ml_schedule_rows(s);
  assert_row(&rows[0], 0, "2026-01-15", 0, 0, 50000, 50000, 25000000);
  assert_row(&rows[1], 1, "2026-02-15", 612105, 177083, 0, 789188, 24387895);
  assert_int_equal(ml_schedule_terms_of(s)->principal, 25000000);
  ml_schedule_free(s);
  ml_schedule_free(NULL);
  t.principal = 0;
  s = (ml_schedule *)&t; /* must be reset to NULL on failure */
  assert_int_equal(ml_schedule_new(&s, &t, NULL), ML_EINVAL);
  assert_null(s);
}

static void buffer_too_small(void **state) {
  (void)state;
  ml_schedule_terms t;
  base_terms(&t);
  ml_installment rows[36];
  size_t n = 99;
  ml_error err;
  assert_int_equal(ml_schedule_compute(rows, 35, &n, &t, &err), ML_EBUFFER);
  assert_int_equal(n, 0);
  assert_string_equal(err.message,
                      "the schedule has 36 rows; the buffer holds 35");
  assert_int_equal(ml_schedule_compute(rows, 36, &n, &t, &err), ML_OK);
  assert_int_equal(n, 36);
}

/* ---- names ---------------------------------------------------------- */

static void frequency_names(void **state) {
  (void)state;
  static const struct {
    const char *text;
    ml_frequency_unit unit;
    int every;
  } cases[] = {{"weekly", ML_FREQ_WEEKS, 1},      {"biweekly", ML_FREQ_WEEKS, 2},
               {"monthly", ML_FREQ_MONTHS, 1},    {"quarterly", ML_FREQ_MONTHS, 3},
               {"semiannual", ML_FREQ_MONTHS, 6}, {"annual", ML_FREQ_MONTHS, 12},
               {"10d", ML_FREQ_DAYS, 10},         {"3w", ML_FREQ_WEEKS, 3},
               {"2m", ML_FREQ_MONTHS, 2},         {"366d", ML_FREQ_DAYS, 366}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_frequency f;
    assert_int_equal(ml_frequency_parse(&f, cases[i].text, NULL), ML_OK);
    assert_int_equal(f.unit, cases[i].unit);
    assert_int_equal(f.every, cases[i].every);
  }
  char buf[16];
  assert_int_equal(ml_frequency_format(buf, sizeof buf,
                                       (ml_frequency){ML_FREQ_MONTHS, 3}), ML_OK);
  assert_string_equal(buf, "quarterly");
  assert_int_equal(ml_frequency_format(buf, sizeof buf,
                                       (ml_frequency){ML_FREQ_DAYS, 10}), ML_OK);
  assert_string_equal(buf, "10d");
  assert_int_equal(ml_frequency_format(buf, 3,
                                       (ml_frequency){ML_FREQ_DAYS, 10}), ML_EBUFFER);
  static const char *const bad[] = {"", "Monthly", "0m", "01m", "367d",
                                    "m", "12", "2x", "-1m", "1000d"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ml_frequency f;
    ml_error err;
    assert_int_equal(ml_frequency_parse(&f, bad[i], &err), ML_EINVAL);
    assert_string_equal(err.field, "frequency");
    assert_non_null(strstr(err.message, "unknown frequency \""));
    assert_non_null(strstr(err.message, "expected weekly, biweekly"));
  }
}

static void method_and_interest_names(void **state) {
  (void)state;
  ml_method m;
  assert_int_equal(ml_method_parse(&m, "equal-principal", NULL), ML_OK);
  assert_int_equal(m, ML_METHOD_EQUAL_PRINCIPAL);
  assert_string_equal(ml_method_name(ML_METHOD_BULLET), "bullet");
  assert_null(ml_method_name((ml_method)9));
  ml_error err;
  assert_int_equal(ml_method_parse(&m, "balloon", &err), ML_EINVAL);
  assert_string_equal(err.field, "method");
  assert_string_equal(err.message,
                      "unknown method \"balloon\": expected one of "
                      "annuity, equal-principal, flat, bullet");
  ml_interest_basis b;
  ml_day_count dc = ML_DC_ACT_365F;
  assert_int_equal(ml_interest_parse(&b, &dc, "actact", NULL), ML_OK);
  assert_int_equal(b, ML_INTEREST_DAY_COUNT);
  assert_int_equal(dc, ML_DC_ACT_ACT_ISDA);
  assert_int_equal(ml_interest_parse(&b, &dc, "per-period", NULL), ML_OK);
  assert_int_equal(b, ML_INTEREST_PER_PERIOD);
  assert_int_equal(ml_interest_parse(&b, &dc, "act/365", &err), ML_EINVAL);
  assert_string_equal(err.field, "interest");
  assert_non_null(strstr(err.message, "unknown interest basis \"act/365\""));
}

/* ---- rejected terms ------------------------------------------------- */

typedef void (*terms_edit)(ml_schedule_terms *t);

static void expect_rejected(terms_edit edit, ml_status code,
                            const char *field, const char *message) {
  ml_schedule_terms t;
  base_terms(&t);
  edit(&t);
  ml_error err;
  ml_error_clear(&err);
  assert_int_equal(ml_schedule_validate(&t, &err), code);
  assert_int_equal(err.code, code);
  assert_string_equal(err.field, field);
  assert_string_equal(err.message, message);
  ml_installment rows[MAX_ROWS];
  size_t n = 7;
  assert_int_equal(ml_schedule_compute(rows, MAX_ROWS, &n, &t, NULL), code);
  assert_int_equal(n, 0);
}

static void zero_principal(ml_schedule_terms *t) { t->principal = 0; }
static void negative_principal(ml_schedule_terms *t) { t->principal = -5; }
static void principal_over_limit(ml_schedule_terms *t) { t->principal = 25000001; }
static void raised_limit(ml_schedule_terms *t) {
  t->max_principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT + 1;
}
static void term_zero(ml_schedule_terms *t) { t->installments = 0; }
static void term_601(ml_schedule_terms *t) { t->installments = 601; }
static void rate_too_high(ml_schedule_terms *t) { t->annual_rate = (ml_rate){10001, 3}; }
static void every_zero(ml_schedule_terms *t) { t->frequency.every = 0; }
static void bad_method(ml_schedule_terms *t) { t->method = (ml_method)4; }
static void bad_rounding(ml_schedule_terms *t) { t->rounding = (ml_rounding)7; }
static void grace_principal_term(ml_schedule_terms *t) { t->grace_principal = 36; }
static void grace_interest_term(ml_schedule_terms *t) { t->grace_interest = 36; }
static void interest_free_over(ml_schedule_terms *t) { t->interest_free = 37; }
static void no_disbursement(ml_schedule_terms *t) { t->disbursed = ML_DATE_NONE; }
static void first_due_same_day(ml_schedule_terms *t) { t->first_due = t->disbursed; }
static void zero_multiple(ml_schedule_terms *t) { t->installment_multiple = 0; }
static void negative_fee(ml_schedule_terms *t) { t->installment_fee = -1; }
static void fee_percent_over(ml_schedule_terms *t) {
  t->upfront_fee_kind = ML_FEE_PERCENT;
  t->upfront_fee_rate = (ml_rate){11, 1};
}
static void past_2200(ml_schedule_terms *t) {
  t->disbursed = date_of("2199-06-01");
  t->installments = 24;
}
static void due_moved_before_disbursement(ml_schedule_terms *t) {
  t->disbursed = date_of("2026-12-24"); /* a Thursday, closed in Sweden */
  t->first_due = date_of("2026-12-26");
  t->frequency = (ml_frequency){ML_FREQ_DAYS, 7};
  t->calendar.kind = ML_CALENDAR_SE;
  t->business_day = ML_BD_PRECEDING; /* 26 Dec -> 23 Dec */
}
static void bad_business_day(ml_schedule_terms *t) { t->business_day = (ml_business_day)5; }
static void adjusted_periods_two(ml_schedule_terms *t) { t->adjusted_interest_periods = 2; }

static void rejected_terms(void **state) {
  (void)state;
  expect_rejected(zero_principal, ML_EINVAL, "principal",
                  "principal: must be greater than 0");
  expect_rejected(negative_principal, ML_EINVAL, "principal",
                  "principal: must be greater than 0");
  expect_rejected(principal_over_limit, ML_ELIMIT, "principal",
                  "principal: 25000001 minor units is above the limit of "
                  "25000000");
  expect_rejected(raised_limit, ML_ELIMIT, "max-principal",
                  "max-principal: must be from 1 to 1000000000000000 minor "
                  "units");
  expect_rejected(term_zero, ML_EINVAL, "term",
                  "term: must be at least 1 installment");
  expect_rejected(term_601, ML_ELIMIT, "term",
                  "term: 601 installments is above the limit of 600");
  expect_rejected(rate_too_high, ML_ERANGE, "rate",
                  "rate: must be from 0 % to 1000 % with at most 9 decimals");
  expect_rejected(every_zero, ML_EINVAL, "frequency",
                  "frequency: every must be from 1 to 366 days, weeks or "
                  "months");
  expect_rejected(bad_method, ML_EINVAL, "method", "method: unknown method");
  expect_rejected(bad_rounding, ML_EINVAL, "rounding",
                  "rounding: unknown rounding mode");
  expect_rejected(grace_principal_term, ML_EINVAL, "grace-principal",
                  "grace-principal: 36 must be from 0 to 35 (below the term)");
  expect_rejected(grace_interest_term, ML_EINVAL, "grace-interest",
                  "grace-interest: 36 must be from 0 to 35 (below the term)");
  expect_rejected(interest_free_over, ML_EINVAL, "interest-free",
                  "interest-free: 37 must be from 0 to 36 (at most the term)");
  expect_rejected(no_disbursement, ML_EINVAL, "disbursed",
                  "disbursed: the date is required");
  expect_rejected(first_due_same_day, ML_EINVAL, "first-due",
                  "first-due: must be after the disbursement date and at "
                  "most 2200-12-31");
  expect_rejected(zero_multiple, ML_EINVAL, "installment-multiple",
                  "installment-multiple: must be greater than 0");
  expect_rejected(negative_fee, ML_EINVAL, "installment-fee",
                  "installment-fee: must not be negative");
  expect_rejected(fee_percent_over, ML_EINVAL, "upfront-fee",
                  "upfront-fee: a percent fee must be from 0 % to 100 %");
  expect_rejected(past_2200, ML_ERANGE, "term",
                  "term: the last due date falls after 2200-12-31");
  expect_rejected(due_moved_before_disbursement, ML_EINVAL, "business-day",
                  "business-day: the first due date moves to 2026-12-23, "
                  "before the disbursement on 2026-12-24");
  expect_rejected(bad_business_day, ML_EINVAL, "business-day",
                  "business-day: unknown business-day convention");
  expect_rejected(adjusted_periods_two, ML_EINVAL, "adjusted-interest-periods",
                  "adjusted-interest-periods: must be 0 or 1");
}

/* The shared divider (lib/divider.h) rounds as ml_round_i64 does, in
 * every mode: near ties and exact quotients (where its estimate needs the
 * correction) as well as at random, small divisors to 2^63 - 1. */
static void divider_rounds_as_round_i64(void **state) {
  (void)state;
  static const ml_rounding modes[] = {
      ML_ROUND_HALF_EVEN, ML_ROUND_HALF_UP, ML_ROUND_HALF_DOWN, ML_ROUND_UP,
      ML_ROUND_DOWN,      ML_ROUND_CEILING, ML_ROUND_FLOOR};
  uint64_t seed = 0xd1f1de5ULL;
  for (int i = 0; i < 200000; i++) {
    int bits = (int)rand_range(&seed, 1, 63);
    uint64_t den = xorshift64(&seed) >> (64 - bits);
    if (den == 0) den = 1;
    uint64_t q = xorshift64(&seed) % (((uint64_t)INT64_MAX / den) + 1);
    uint64_t x = q * den; /* exact; then a tie, one either side, at random */
    uint64_t shift[] = {0, den / 2, den / 2 + 1, den - 1,
                        xorshift64(&seed) % den};
    x += shift[rand_range(&seed, 0, 4)];
    if (x > (uint64_t)INT64_MAX) x -= den;
    ml_rounding mode = modes[rand_range(&seed, 0, 6)];
    ml_divider d = ml_divider_make(den, mode);
    int64_t want;
    assert_int_equal(ml_round_i64(&want, (int64_t)x, (int64_t)den, 1, mode),
                     ML_OK);
    if (ml_divider_round(&d, x) != want) {
      fail_msg("case %d: %llu / %llu in mode %d: %lld, want %lld", i,
               (unsigned long long)x, (unsigned long long)den, (int)mode,
               (long long)ml_divider_round(&d, x), (long long)want);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(anchor_annuity),
      cmocka_unit_test(annuity_zero_rate_ties),
      cmocka_unit_test(annuity_exact_values),
      cmocka_unit_test(interest_grace_deferred),
      cmocka_unit_test(annuity_fast_matches_exact),
      cmocka_unit_test(random_schedules_keep_invariants),
      cmocka_unit_test(allocating_form),
      cmocka_unit_test(buffer_too_small),
      cmocka_unit_test(frequency_names),
      cmocka_unit_test(method_and_interest_names),
      cmocka_unit_test(rejected_terms),
      cmocka_unit_test(divider_rounds_as_round_i64),
  };
  return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}

/*
 * tests/test_limits.c — every documented limit, at the limit (accepted,
 * computed in full, nothing truncated) and just past it (ML_ELIMIT or
 * ML_ERANGE, or the status the header documents, with its message and
 * field): principal, term, rate, frequency, dates through every
 * date-taking function, events per loan, CSV fields, records and columns,
 * journal ids and refs, segment keys and segments, APR flows and decimals.
 *
 * Golden values: limits are the constants of the headers; dates are days
 * since 1970-01-01 computed with Python's datetime ((date(1900,1,1) -
 * date(1970,1,1)).days = -25567, 2200-12-31 = 84370, 2200-12-30 = 84369,
 * 2200-11-30 = 84339; isoweekday: 1900-01-01 Monday (1), 2200-12-31
 * Wednesday (3)); Easter from the anonymous Gregorian algorithm written
 * separately in Python (1900-04-15 = -25463, 2200-04-06 = 84101); the day
 * counts over 1900-01-01..2200-12-31 by hand (109937 days; 30E/360:
 * 360*300 + 30*11 + (30 - 1) = 108359 days; 30/360 US: D2 = 31 stays 31
 * since D1 = 1: 108360 = 301 * 360; ACT/ACT ISDA: 300 whole years + 364
 * days of non-leap 2200 = 109864/365); amounts are the decimal text times
 * 100.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

/* ---- helpers ------------------------------------------------------------- */

/* Checks a failure's status, err->code, field and message. A message
 * ending in '*' is a prefix. */
static void expect_error(ml_status got, ml_status want, const ml_error *err,
                         const char *field, const char *message) {
  if (got != want || err->code != want) {
    fail_msg("status %s, err->code %s, want %s (%s)", ml_status_name(got),
             ml_status_name(err->code), ml_status_name(want), err->message);
  }
  assert_string_equal(err->field, field);
  expect_message(err->message, message);
}

enum {
  DAY_MIN = -25567, /* 1900-01-01 */
  DAY_MAX = 84370   /* 2200-12-31 */
};

static ml_schedule_terms base_terms(void) {
  return terms_of(10000000, (ml_rate){85, 3}, 12, "2026-01-15");
}

static ml_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];

/* Computes the schedule of t, which must be valid; returns the count. */
static size_t compute(const ml_schedule_terms *t) {
  size_t n = 0;
  ml_error err;
  ml_status st = ml_schedule_compute(rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                     &n, t, &err);
  if (st != ML_OK) fail_msg("schedule: %s", err.message);
  return n;
}

static void expect_terms_error(const ml_schedule_terms *t, ml_status want,
                               const char *field, const char *message) {
  ml_error err;
  expect_error(ml_schedule_validate(t, &err), want, &err, field, message);
  size_t n = 99;
  expect_error(ml_schedule_compute(rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                   &n, t, &err),
               want, &err, field, message);
  ml_schedule *s = (ml_schedule *)&n;
  expect_error(ml_schedule_new(&s, t, &err), want, &err, field, message);
  assert_null(s);
}

/* ---- principal and amounts ---------------------------------------------- */

static void principal_default_limit(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.principal = ML_SCHEDULE_DEFAULT_MAX_PRINCIPAL; /* 250,000.00 SEK */
  assert_int_equal(compute(&t), 12);
  ml_amount sum = 0;
  for (size_t i = 0; i < 12; i++) sum += rows[i].principal;
  assert_int_equal(sum, 25000000);
  t.principal = 25000001;
  expect_terms_error(&t, ML_ELIMIT, "principal",
                     "principal: 25000001 minor units is above the limit "
                     "of 25000000");
}

static void principal_hard_limit(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.max_principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
  t.principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
  /* the largest rate on the largest principal, one month, bullet:
   * 10^15 * 10 / 12 = 833333333333333.33... -> 833333333333333 */
  t.annual_rate = (ml_rate){10, 0};
  t.installments = 1;
  t.method = ML_METHOD_BULLET;
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].principal, INT64_C(1000000000000000));
  assert_int_equal(rows[0].interest, INT64_C(833333333333333));
  assert_int_equal(rows[0].total, INT64_C(1833333333333333));
  assert_int_equal(rows[0].balance, 0);
  /* 600 annuity installments of the largest principal at 1000 %: every
   * row computed, the principal parts summing to it exactly */
  t.method = ML_METHOD_ANNUITY;
  t.installments = ML_SCHEDULE_MAX_INSTALLMENTS;
  assert_int_equal(compute(&t), 600);
  ml_amount sum = 0;
  for (size_t i = 0; i < 600; i++) sum += rows[i].principal;
  assert_int_equal(sum, ML_SCHEDULE_PRINCIPAL_HARD_LIMIT);
  assert_int_equal(rows[599].balance, 0);

  /* the largest principal at the largest rate with 9 decimals, day-count
   * interest over a year end into a leap year (ACT/ACT ISDA): 2027-12-15
   * to 2028-01-15 is 17/365 + 14/366 = 5666/66795; 10^15 *
   * 9.99999999999 * 5666/66795 = 848267085858871.77 -> 848267085858872
   * (Python's fractions) */
  t.installments = 1;
  t.method = ML_METHOD_BULLET;
  t.annual_rate = (ml_rate){INT64_C(999999999999), 11};
  t.interest_basis = ML_INTEREST_DAY_COUNT;
  t.day_count = ML_DC_ACT_ACT_ISDA;
  t.disbursed = date_of("2027-12-15");
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].interest, INT64_C(848267085858872));
  assert_int_equal(rows[0].total, INT64_C(1848267085858872));

  t = base_terms();
  t.max_principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
  t.installments = 1;
  t.principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT + 1;
  expect_terms_error(&t, ML_ELIMIT, "principal",
                     "principal: 1000000000000001 minor units is above the "
                     "limit of 1000000000000000");
  t.principal = 100;
  t.max_principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT + 1;
  expect_terms_error(&t, ML_ELIMIT, "max-principal",
                     "max-principal: must be from 1 to 1000000000000000 "
                     "minor units");
  t.max_principal = INT64_MAX;
  expect_terms_error(&t, ML_ELIMIT, "max-principal",
                     "max-principal: must be from 1 to 1000000000000000 "
                     "minor units");
}

static void amounts_of_terms_at_max_principal(void **state) {
  (void)state;
  /* every amount of the terms is bounded by max_principal */
  static const char *const fields[] = {"installment-multiple",
                                       "installment-fee", "installment",
                                       "upfront-fee"};
  for (int f = 0; f < 4; f++) {
    ml_schedule_terms t = base_terms();
    t.max_principal = 20000000;
    ml_amount *value = f == 0   ? &t.installment_multiple
                       : f == 1 ? &t.installment_fee
                       : f == 2 ? &t.fixed_installment
                                : &t.upfront_fee;
    *value = 20000000;
    ml_error err;
    assert_int_equal(ml_schedule_validate(&t, &err), ML_OK);
    *value = 20000001;
    char message[128];
    snprintf(message, sizeof message,
             "%s: 20000001 minor units is above the limit of 20000000",
             fields[f]);
    expect_terms_error(&t, ML_ELIMIT, fields[f], message);
  }
}

static void amount_text_at_int64(void **state) {
  (void)state;
  ml_amount a = 0;
  ml_error err;
  ml_currency sek = ml_currency_default();
  assert_int_equal(ml_amount_parse(&a, "92233720368547758.07", sek, NULL,
                                   &err),
                   ML_OK);
  assert_int_equal(a, INT64_MAX);
  assert_int_equal(ml_amount_parse(&a, "-92233720368547758.08", sek, NULL,
                                   &err),
                   ML_OK);
  assert_int_equal(a, INT64_MIN);
  a = 7;
  expect_error(ml_amount_parse(&a, "92233720368547758.08", sek, NULL, &err),
               ML_ERANGE, &err, "amount",
               "amount \"92233720368547758.08\" is out of range; expected a "
               "value from -92233720368547758.08 to 92233720368547758.07 SEK");
  expect_error(ml_amount_parse(&a, "-92233720368547758.09", sek, NULL, &err),
               ML_ERANGE, &err, "amount", "amount \"-92233720368547758.09\"*");
  assert_int_equal(a, 7); /* untouched */
}

/* ---- term, rate, frequency ---------------------------------------------- */

static void term_limit(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.installments = ML_SCHEDULE_MAX_INSTALLMENTS; /* 50 years of months */
  t.upfront_fee = 100;
  assert_int_equal(ml_schedule_row_count(&t), 601);
  size_t n = 0;
  ml_error err;
  /* capacity one below the rows: ML_EBUFFER; ML_SCHEDULE_MAX_INSTALLMENTS
   * + 1 always suffices */
  assert_int_equal(ml_schedule_compute(rows, 600, &n, &t, &err), ML_EBUFFER);
  assert_int_equal(compute(&t), 601);
  assert_int_equal(rows[600].n, 600);
  assert_int_equal(rows[600].due_date, date_of("2076-01-15"));
  assert_int_equal(rows[600].balance, 0);
  t.installments = ML_SCHEDULE_MAX_INSTALLMENTS + 1;
  expect_terms_error(&t, ML_ELIMIT, "term",
                     "term: 601 installments is above the limit of 600");
  t.installments = INT32_MAX;
  expect_terms_error(&t, ML_ELIMIT, "term",
                     "term: 2147483647 installments is above the limit of "
                     "600");
}

static void rate_text_limits(void **state) {
  (void)state;
  ml_rate r = {0, 0};
  ml_error err;
  assert_int_equal(ml_rate_parse(&r, "1000", ML_RATE_PERCENT, &err), ML_OK);
  assert_int_equal(r.coefficient, 10); /* 1000 % = 10 */
  assert_int_equal(r.scale, 0);
  assert_int_equal(ml_rate_parse(&r, "999.999999999", ML_RATE_PERCENT, &err),
                   ML_OK);
  assert_int_equal(r.coefficient, INT64_C(999999999999)); /* 9.99999999999 */
  assert_int_equal(r.scale, 11);
  assert_int_equal(ml_rate_parse(&r, "8.123456789", ML_RATE_PERCENT, &err),
                   ML_OK);
  assert_int_equal(r.coefficient, INT64_C(8123456789)); /* 0.08123456789 */
  assert_int_equal(r.scale, 11);
  assert_int_equal(ml_rate_parse(&r, "10", ML_RATE_FRACTION, &err), ML_OK);
  assert_int_equal(r.coefficient, 10);
  ml_rate before = r;
  expect_error(ml_rate_parse(&r, "1000.000000001", ML_RATE_PERCENT, &err),
               ML_ERANGE, &err, "rate", "rate \"1000.000000001\": *");
  assert_int_equal(err.column, 0);
  expect_error(ml_rate_parse(&r, "1001", ML_RATE_PERCENT, &err), ML_ERANGE,
               &err, "rate", "rate \"1001\": *");
  expect_error(ml_rate_parse(&r, "10.000000001", ML_RATE_FRACTION, &err),
               ML_ERANGE, &err, "rate", "rate \"10.000000001\": *");
  /* 10 decimals: a syntax error at the 10th decimal (column 12) */
  expect_error(ml_rate_parse(&r, "8.1234567891", ML_RATE_PERCENT, &err),
               ML_EPARSE, &err, "rate", "rate \"8.1234567891\": *");
  assert_int_equal(err.column, 12);
  expect_error(ml_rate_parse(&r, "1000.0000000000", ML_RATE_PERCENT, &err),
               ML_EPARSE, &err, "rate", "rate \"1000.0000000000\": *");
  /* a huge number of digits saturates, never overflows */
  expect_error(ml_rate_parse(&r, "99999999999999999999999999999999",
                             ML_RATE_PERCENT, &err),
               ML_ERANGE, &err, "rate", "rate \"9999999999999999999999*");
  assert_int_equal(r.coefficient, before.coefficient); /* untouched */
  assert_int_equal(r.scale, before.scale);
}

static void rate_value_limits(void **state) {
  (void)state;
  ml_rate r = {0, 0};
  assert_int_equal(ml_rate_make(&r, 10, 0), ML_OK);
  assert_int_equal(ml_rate_make(&r, INT64_C(1000000000000), 11), ML_OK);
  assert_int_equal(r.coefficient, 10); /* normalised: 10^12 * 10^-11 */
  assert_int_equal(r.scale, 0);
  assert_int_equal(ml_rate_make(&r, INT64_C(1000000000001), 11), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, 1, 12), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_MAX, 0), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_MAX, 11), ML_ERANGE);
  assert_int_equal(r.coefficient, 10); /* untouched */

  ml_schedule_terms t = base_terms();
  t.annual_rate = (ml_rate){10, 0}; /* 1000 % */
  assert_int_equal(compute(&t), 12);
  const char *range = "rate: must be from 0 % to 1000 % with at most 9 "
                      "decimals";
  t.annual_rate = (ml_rate){INT64_C(1000000000001), 11};
  expect_terms_error(&t, ML_ERANGE, "rate", range);
  t.annual_rate = (ml_rate){1, 12}; /* 10 decimals in percent */
  expect_terms_error(&t, ML_ERANGE, "rate", range);

  /* the loan's default rate, and the percent upfront fee (at most 100 %) */
  ml_loan_options o;
  ml_loan_options_init(&o);
  o.default_rate = (ml_rate){10, 0};
  t = base_terms();
  ml_loan *loan = NULL;
  ml_error err;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  ml_loan_free(loan);
  o.default_rate = (ml_rate){INT64_C(1000000000001), 11};
  expect_error(ml_loan_new(&loan, &t, &o, &err), ML_ERANGE, &err,
               "default-rate", "default-rate: must be from 0 % to 1000 %");
  assert_null(loan);
  t.upfront_fee_kind = ML_FEE_PERCENT;
  t.upfront_fee_rate = (ml_rate){1, 0};
  assert_int_equal(compute(&t), 13);
  assert_int_equal(rows[0].total, 10000000); /* 100 % of the principal */
  t.upfront_fee_rate = (ml_rate){INT64_C(100000000001), 11};
  expect_terms_error(&t, ML_EINVAL, "upfront-fee",
                     "upfront-fee: a percent fee must be from 0 % to 100 %");
}

static void frequency_limits(void **state) {
  (void)state;
  ml_frequency f;
  ml_error err;
  assert_int_equal(ml_frequency_parse(&f, "366d", &err), ML_OK);
  assert_int_equal(f.every, 366);
  assert_int_equal(ml_frequency_parse(&f, "366m", &err), ML_OK);
  expect_error(ml_frequency_parse(&f, "367d", &err), ML_EINVAL, &err,
               "frequency",
               "unknown frequency \"367d\": expected weekly, biweekly, "
               "monthly, quarterly, semiannual, annual, or Nd, Nw, Nm with N "
               "from 1 to 366");
  expect_error(ml_frequency_parse(&f, "99999999999d", &err), ML_EINVAL, &err,
               "frequency", "unknown frequency \"99999999999d\"*");
  ml_schedule_terms t = base_terms();
  t.installments = 2;
  t.frequency = (ml_frequency){ML_FREQ_MONTHS, ML_SCHEDULE_MAX_EVERY};
  assert_int_equal(compute(&t), 2);
  assert_int_equal(rows[1].due_date, date_of("2087-01-15")); /* 732 months */
  t.frequency.every = ML_SCHEDULE_MAX_EVERY + 1;
  expect_terms_error(&t, ML_EINVAL, "frequency",
                     "frequency: every must be from 1 to 366 days, weeks or "
                     "months");
}

/* ---- dates ------------------------------------------------------------- */

static void date_text_and_civil_limits(void **state) {
  (void)state;
  ml_date d = 0;
  ml_error err;
  assert_int_equal(ml_date_parse(&d, "1900-01-01", &err), ML_OK);
  assert_int_equal(d, DAY_MIN);
  assert_int_equal(ML_DATE_MIN, DAY_MIN);
  assert_int_equal(ml_date_parse(&d, "2200-12-31", &err), ML_OK);
  assert_int_equal(d, DAY_MAX);
  assert_int_equal(ML_DATE_MAX, DAY_MAX);
  d = 1;
  expect_error(ml_date_parse(&d, "1899-12-31", &err), ML_ERANGE, &err, "date",
               "date \"1899-12-31\" is not a supported date: year 1899 is "
               "outside the supported years 1900..2200");
  assert_int_equal(err.column, 1);
  expect_error(ml_date_parse(&d, "2201-01-01", &err), ML_ERANGE, &err, "date",
               "date \"2201-01-01\" is not a supported date: year 2201 is "
               "outside the supported years 1900..2200");
  assert_int_equal(d, 1); /* untouched */
  assert_int_equal(ml_date_from_civil(&d, 1900, 1, 1, &err), ML_OK);
  assert_int_equal(d, DAY_MIN);
  assert_int_equal(ml_date_from_civil(&d, 2200, 12, 31, &err), ML_OK);
  assert_int_equal(d, DAY_MAX);
  expect_error(ml_date_from_civil(&d, 1899, 12, 31, &err), ML_ERANGE, &err,
               "date",
               "year 1899, month 12, day 31 is not a supported date: year "
               "1899 is outside the supported years 1900..2200");
  expect_error(ml_date_from_civil(&d, 2201, 1, 1, &err), ML_ERANGE, &err,
               "date", "year 2201, month 1, day 1 is not a supported date*");
  expect_error(ml_date_from_civil(&d, INT32_MIN, INT32_MIN, INT32_MIN, &err),
               ML_ERANGE, &err, "date", "year -2147483648*");
  int y, m, day;
  ml_date_to_civil(DAY_MIN, &y, &m, &day);
  assert_true(y == 1900 && m == 1 && day == 1);
  ml_date_to_civil(DAY_MAX, &y, &m, &day);
  assert_true(y == 2200 && m == 12 && day == 31);
  char buf[ML_DATE_FORMAT_SIZE];
  assert_int_equal(ml_date_format(buf, sizeof buf, DAY_MIN), ML_OK);
  assert_string_equal(buf, "1900-01-01");
  assert_int_equal(ml_date_format(buf, sizeof buf, DAY_MAX), ML_OK);
  assert_string_equal(buf, "2200-12-31");
  assert_int_equal(ml_date_weekday(DAY_MIN), 1);
  assert_int_equal(ml_date_weekday(DAY_MAX), 3);
  assert_int_equal(ml_date_days_between(DAY_MIN, DAY_MAX), 109937);
  assert_int_equal(ml_date_days_between(DAY_MAX, DAY_MIN), -109937);
}

static void date_arithmetic_limits(void **state) {
  (void)state;
  ml_date d = 5;
  assert_int_equal(ml_date_add_days(&d, DAY_MIN, 109937), ML_OK);
  assert_int_equal(d, DAY_MAX);
  assert_int_equal(ml_date_add_days(&d, DAY_MAX, -109937), ML_OK);
  assert_int_equal(d, DAY_MIN);
  d = 5;
  assert_int_equal(ml_date_add_days(&d, DAY_MIN, -1), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, DAY_MAX, 1), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, 0, INT64_MAX), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, 0, INT64_MIN), ML_ERANGE);
  assert_int_equal(d, 5); /* untouched */
  assert_int_equal(ml_date_add_months(&d, DAY_MIN, 3611), ML_OK);
  assert_int_equal(d, date_of("2200-12-01")); /* 300 years 11 months */
  assert_int_equal(ml_date_add_months(&d, date_of("2200-11-30"), 1), ML_OK);
  assert_int_equal(d, date_of("2200-12-30"));
  d = 5;
  assert_int_equal(ml_date_add_months(&d, DAY_MAX, 1), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, DAY_MIN, -1), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, 0, INT64_MAX), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, 0, INT64_MIN), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, DAY_MAX + 1, 0), ML_ERANGE);
  assert_int_equal(d, 5);
}

static void day_count_limits(void **state) {
  (void)state;
  static const struct {
    ml_day_count dc;
    int64_t num, den;
  } whole_range[] = {
      {ML_DC_ACT_365F, 109937, 365},    {ML_DC_ACT_360, 109937, 360},
      {ML_DC_ACT_ACT_ISDA, 109864, 365}, {ML_DC_30_360_US, 301, 1},
      {ML_DC_30E_360, 108359, 360},      {ML_DC_30E_360_ISDA, 108359, 360},
  };
  for (size_t i = 0; i < 6; i++) {
    ml_fraction f = {0, 0};
    assert_int_equal(ml_day_count_fraction(&f, whole_range[i].dc, DAY_MIN,
                                           DAY_MAX, DAY_MAX),
                     ML_OK);
    if (f.num != whole_range[i].num || f.den != whole_range[i].den) {
      fail_msg("%s: %lld/%lld, want %lld/%lld",
               ml_day_count_name(whole_range[i].dc), (long long)f.num,
               (long long)f.den, (long long)whole_range[i].num,
               (long long)whole_range[i].den);
    }
    assert_int_equal(ml_day_count_fraction(&f, whole_range[i].dc, DAY_MIN - 1,
                                           DAY_MAX, DAY_MAX),
                     ML_ERANGE);
    assert_int_equal(ml_day_count_fraction(&f, whole_range[i].dc, DAY_MIN,
                                           DAY_MAX + 1, DAY_MAX + 1),
                     ML_ERANGE);
  }
}

static void calendar_limits(void **state) {
  (void)state;
  ml_date d = 0;
  assert_int_equal(ml_easter_sunday(&d, 1900), ML_OK);
  assert_int_equal(d, -25463); /* 1900-04-15 */
  assert_int_equal(ml_easter_sunday(&d, 2200), ML_OK);
  assert_int_equal(d, 84101); /* 2200-04-06 */
  d = 5;
  assert_int_equal(ml_easter_sunday(&d, 1899), ML_ERANGE);
  assert_int_equal(ml_easter_sunday(&d, 2201), ML_ERANGE);
  assert_int_equal(ml_easter_sunday(&d, INT32_MIN), ML_ERANGE);
  assert_int_equal(d, 5);
  const ml_calendar se = {ML_CALENDAR_SE, NULL, 0};
  /* New Year's Day 1900 and New Year's Eve 2200 are Swedish holidays */
  assert_int_equal(ml_calendar_is_business_day(&se, DAY_MIN), 0);
  assert_int_equal(ml_calendar_is_business_day(&se, DAY_MAX), 0);
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MIN, ML_BD_FOLLOWING),
                   ML_OK);
  assert_int_equal(d, DAY_MIN + 1); /* Tuesday 1900-01-02 */
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MAX, ML_BD_PRECEDING),
                   ML_OK);
  assert_int_equal(d, DAY_MAX - 1); /* Tuesday 2200-12-30 */
  d = 5;
  /* the search would leave the range */
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MAX, ML_BD_FOLLOWING),
                   ML_ERANGE);
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MIN, ML_BD_PRECEDING),
                   ML_ERANGE);
  /* an input outside the range */
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MAX + 1, ML_BD_UNADJUSTED),
                   ML_ERANGE);
  assert_int_equal(ml_calendar_adjust(&d, &se, DAY_MIN - 1, ML_BD_FOLLOWING),
                   ML_ERANGE);
  assert_int_equal(d, 5);
  /* the search looks 31 days ahead: 31 closed days are passed, 32 are
   * ML_ELIMIT */
  ml_date closed[32];
  ml_date from = date_of("2026-03-02");
  for (int i = 0; i < 32; i++) closed[i] = from + i;
  ml_calendar extra = {ML_CALENDAR_NONE, closed, 31};
  static const ml_business_day conventions[2] = {ML_BD_FOLLOWING,
                                                 ML_BD_PRECEDING};
  for (int c = 0; c < 2; c++) {
    ml_business_day conv = conventions[c];
    ml_date start = conv == ML_BD_FOLLOWING ? from : from + 30;
    extra.extra_closed_count = 31;
    assert_int_equal(ml_calendar_adjust(&d, &extra, start, conv),
                     ML_OK);
    assert_int_equal(d, conv == ML_BD_FOLLOWING ? from + 31 : from - 1);
    extra.extra_closed_count = 32;
    start = conv == ML_BD_FOLLOWING ? from : from + 31;
    assert_int_equal(ml_calendar_adjust(&d, &extra, start, conv),
                     ML_ELIMIT);
  }
}

static void schedule_date_limits(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.installments = 1;
  t.disbursed = DAY_MIN;
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].due_date, date_of("1900-02-01"));
  t.disbursed = DAY_MIN - 1;
  expect_terms_error(&t, ML_ERANGE, "disbursed",
                     "disbursed: must be from 1900-01-01 to 2200-12-31");
  t.disbursed = INT32_MIN + 1;
  expect_terms_error(&t, ML_ERANGE, "disbursed",
                     "disbursed: must be from 1900-01-01 to 2200-12-31");
  /* the last due date on 2200-12-31, and one day later */
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 1};
  t.disbursed = DAY_MAX - 1;
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].due_date, DAY_MAX);
  t.disbursed = DAY_MAX;
  expect_terms_error(&t, ML_ERANGE, "term",
                     "term: the last due date falls after 2200-12-31");
  t.disbursed = DAY_MAX + 1;
  expect_terms_error(&t, ML_ERANGE, "disbursed",
                     "disbursed: must be from 1900-01-01 to 2200-12-31");
  /* a monthly schedule ending on 2200-12-30 / past the range */
  t = base_terms();
  t.disbursed = date_of("2150-12-30");
  t.installments = 600;
  assert_int_equal(compute(&t), 600);
  assert_int_equal(rows[599].due_date, DAY_MAX - 1);
  t.disbursed = date_of("2151-01-01");
  expect_terms_error(&t, ML_ERANGE, "term",
                     "term: the last due date falls after 2200-12-31");
  /* the first due date */
  t = base_terms();
  t.installments = 1;
  t.disbursed = DAY_MAX - 10;
  t.first_due = DAY_MAX;
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].due_date, DAY_MAX);
  /* an irregular first period of 10 days (2200-12-21..31) in the regular
   * month 2200-11-30..12-31 of 31 days: 10,000,000 * 0.085 / 12 * 10 / 31
   * = 8,500,000 / 372 = 22849.46 -> 22849 */
  assert_int_equal(rows[0].interest, 22849);
  t.first_due = DAY_MAX + 1;
  expect_terms_error(&t, ML_EINVAL, "first-due",
                     "first-due: must be after the disbursement date and at "
                     "most 2200-12-31");
  /* the regular period ending on an irregular first due date must start
   * in the range for per-period interest: 1900-01-20 - 1 month is
   * 1899-12-20 */
  t = base_terms();
  t.installments = 1;
  t.disbursed = DAY_MIN;
  t.first_due = date_of("1900-01-20");
  expect_terms_error(&t, ML_ERANGE, "first-due",
                     "first-due: one period before it is before 1900-01-01; "
                     "per-period interest prorates the first period over the "
                     "regular period that ends on the first due date");
  t.interest_basis = ML_INTEREST_DAY_COUNT; /* ACT/365: no regular period */
  assert_int_equal(compute(&t), 1);
  /* 10,000,000 * 0.085 * 19 / 365 = 44246.57 -> 44247 */
  assert_int_equal(rows[0].interest, 44247);
  t.interest_basis = ML_INTEREST_PER_PERIOD;
  t.first_due = date_of("1900-02-01"); /* regular: D + 1 month */
  assert_int_equal(compute(&t), 1);
  /* a Swedish calendar moving the last due date past the range */
  t.first_due = ML_DATE_NONE;
  t.disbursed = date_of("2200-11-30");
  t.calendar = (ml_calendar){ML_CALENDAR_SE, NULL, 0};
  t.business_day = ML_BD_FOLLOWING;
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 31};
  expect_terms_error(&t, ML_ERANGE, "business-day",
                     "business-day: the due date 2200-12-31 moves outside "
                     "1900-01-01..2200-12-31");
  /* ... and the first one before 1900-01-01: 1900-01-02 closed by an extra
   * day, 1900-01-01 a holiday */
  static const ml_date closed_1900[1] = {DAY_MIN + 1};
  t.disbursed = DAY_MIN;
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 1};
  t.calendar = (ml_calendar){ML_CALENDAR_SE, closed_1900, 1};
  t.business_day = ML_BD_PRECEDING;
  expect_terms_error(&t, ML_ERANGE, "business-day",
                     "business-day: the due date 1900-01-02 moves outside "
                     "1900-01-01..2200-12-31");
  /* no business day within 31 days of the due date 2026-02-15: closed
   * from 2026-02-15 to 2026-03-18 (32 days) */
  static ml_date closed[32];
  for (int i = 0; i < 32; i++) closed[i] = date_of("2026-02-15") + i;
  t = base_terms();
  t.installments = 1;
  t.calendar = (ml_calendar){ML_CALENDAR_NONE, closed, 32};
  t.business_day = ML_BD_FOLLOWING;
  expect_terms_error(&t, ML_ELIMIT, "calendar",
                     "calendar: no business day within 31 days of a due date "
                     "(the extra closed days close too many days in a row)");
  t.calendar.extra_closed_count = 31; /* open again on 2026-03-18 */
  assert_int_equal(compute(&t), 1);
  assert_int_equal(rows[0].due_date, date_of("2026-03-18"));
}

/* ---- the loan ------------------------------------------------------------ */

static ml_loan_installment loan_rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];

static void loan_date_limits(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.disbursed = DAY_MIN;
  ml_loan_options o;
  ml_loan_options_init(&o);
  ml_event e[2];
  ml_event_init(&e[0], ML_EVENT_REPAYMENT, DAY_MIN, 100);
  e[0].id = 1;
  ml_loan_status s;
  ml_error err;
  /* an as-of date and events on both ends of the range */
  assert_int_equal(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, e, 1,
                                          DAY_MIN, &err),
                   ML_OK);
  assert_int_equal(s.paid_total, 100);
  assert_int_equal(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, e, 1,
                                          DAY_MAX, &err),
                   ML_OK);
  assert_int_equal(s.days_past_due, DAY_MAX - date_of("1900-02-01"));
  for (int side = 0; side < 2; side++) {
    ml_date as_of = side ? DAY_MAX + 1 : DAY_MIN - 1;
    expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, e, 1,
                                        as_of, &err),
                 ML_ERANGE, &err, "as-of",
                 "as-of: the date is outside 1900-01-01..2200-12-31");
    ml_posting postings[8];
    size_t count = 99;
    expect_error(ml_loan_postings_compute(postings, 8, &count, &t, &o, e, 1,
                                          as_of, &err),
                 ML_ERANGE, &err, "as-of",
                 "as-of: the date is outside 1900-01-01..2200-12-31");
    assert_int_equal(count, 0);
  }
  expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, e, 1,
                                      INT32_MAX, &err),
               ML_ERANGE, &err, "as-of", "as-of: *");
  ml_loan *loan = NULL;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  ml_event late;
  ml_event_init(&late, ML_EVENT_REPAYMENT, DAY_MAX, 100);
  assert_int_equal(ml_loan_append(loan, &late, NULL, &err), ML_OK);
  late.date = DAY_MAX + 1;
  expect_error(ml_loan_append(loan, &late, NULL, &err), ML_ERANGE, &err,
               "date", "event 2: the date is outside 1900-01-01..2200-12-31");
  assert_int_equal(err.line, 2);
  late.date = DAY_MIN - 1;
  expect_error(ml_loan_append(loan, &late, NULL, &err), ML_ERANGE, &err,
               "date", "event 2: the date is outside 1900-01-01..2200-12-31");
  assert_int_equal(ml_loan_event_count(loan), 1);
  ml_loan_free(loan);
}

static void loan_amount_limits(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.max_principal = 20000000;
  ml_loan_options o;
  ml_loan_options_init(&o);
  ml_loan *loan = NULL;
  ml_error err;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  ml_event e;
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, t.disbursed, 20000001);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_ELIMIT, &err,
               "amount",
               "event 1: the amount 200000.01 is above the limit of "
               "200000.00");
  e.amount = 20000000; /* the terms' max_principal */
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  /* any other amount: up to the hard limit (a repayment may exceed the
   * principal: the rest is a credit balance) */
  ml_event_init(&e, ML_EVENT_REPAYMENT, t.disbursed + 1,
                ML_SCHEDULE_PRINCIPAL_HARD_LIMIT + 1);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_ELIMIT, &err,
               "amount",
               "event 2: the amount 10000000000000.01 is above the limit of "
               "10000000000000.00");
  ml_event_init(&e, ML_EVENT_FEE, t.disbursed + 1, INT64_MAX);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_ELIMIT, &err,
               "amount", "event 2: the amount 92233720368547758.07 is above*");
  ml_event_init(&e, ML_EVENT_REPAYMENT, t.disbursed + 1,
                ML_SCHEDULE_PRINCIPAL_HARD_LIMIT);
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  ml_loan_status s;
  assert_int_equal(ml_loan_status_at(&s, loan_rows, 601, loan, t.disbursed + 1,
                                     &err),
                   ML_OK);
  assert_int_equal(s.state, ML_LOAN_CREDIT_BALANCE);
  assert_int_equal(s.paid_total, ML_SCHEDULE_PRINCIPAL_HARD_LIMIT);
  ml_loan_free(loan);

  /* the options' amounts and days */
  static const struct {
    int which;
    int64_t value;
    ml_status want;
    const char *field, *message;
  } options[] = {
      {0, INT64_C(1000000000000000), ML_OK, "", ""},
      {0, INT64_C(1000000000000001), ML_ELIMIT, "arrears-tolerance",
       "arrears-tolerance: 1000000000000001 minor units is above the limit "
       "of 1000000000000000"},
      {0, -1, ML_EINVAL, "arrears-tolerance",
       "arrears-tolerance: must not be negative"},
      {1, INT64_C(1000000000000000), ML_OK, "", ""},
      {1, INT64_MAX, ML_ELIMIT, "late-fee",
       "late-fee: 9223372036854775807 minor units is above the limit of "
       "1000000000000000"},
      {2, 3660, ML_OK, "", ""},
      {2, 3661, ML_ELIMIT, "late-fee-days",
       "late-fee-days: 3661 days is above the limit of 3660"},
      {2, -1, ML_EINVAL, "late-fee-days",
       "late-fee-days: must not be negative"},
  };
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
    ml_loan_options_init(&o);
    if (options[i].which == 0) o.arrears_tolerance = options[i].value;
    if (options[i].which == 1) o.late_fee = options[i].value;
    if (options[i].which == 2) o.late_fee_days = (int32_t)options[i].value;
    loan = NULL;
    ml_status st = ml_loan_new(&loan, &t, &o, &err);
    if (options[i].want == ML_OK) {
      assert_int_equal(st, ML_OK);
      ml_loan_free(loan);
    } else {
      expect_error(st, options[i].want, &err, options[i].field,
                   options[i].message);
      assert_null(loan);
    }
  }
}

/* A reschedule may not take the loan past 600 installments: 6 kept (due
 * by 2026-07-15) and 594 new ones are 600. */
static void installments_after_a_reschedule(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  ml_loan_options o;
  ml_loan_options_init(&o);
  ml_loan *loan = NULL;
  ml_error err;
  ml_event e;
  ml_event_init(&e, ML_EVENT_RESCHEDULE, date_of("2026-07-20"), 0);
  e.reschedule.annual_rate = (ml_rate){85, 3};
  e.reschedule.installments = 595;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_ELIMIT, &err, "term",
               "event 1: term: the loan would have 601 installments; the "
               "limit is 600");
  assert_int_equal(err.line, 1);
  e.reschedule.installments = 594;
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  ml_loan_status s;
  assert_int_equal(ml_loan_status_at(&s, loan_rows, 601, loan, DAY_MAX, &err),
                   ML_OK);
  assert_int_equal(s.installment_count, 600);
  assert_int_equal(loan_rows[599].n, 600);
  /* a smaller buffer is the caller's limit, not the loan's */
  expect_error(ml_loan_status_at(&s, loan_rows, 100, loan, DAY_MAX, &err),
               ML_EBUFFER, &err, "",
               "event 1: the loan has 600 installments; the buffer holds "
               "100");
  ml_loan_free(loan);
}

/* ML_LOAN_MAX_EVENTS through the batch form (appending 100,000 events one
 * by one replays the journal each time). */
static void events_per_loan(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  ml_loan_options o;
  ml_loan_options_init(&o);
  size_t n = ML_LOAN_MAX_EVENTS + 1;
  ml_event *events = malloc(n * sizeof *events);
  assert_non_null(events);
  for (size_t i = 0; i < n; i++) {
    ml_event_init(&events[i], ML_EVENT_REPAYMENT, date_of("2026-02-01"), 1);
    events[i].id = (int64_t)i + 1;
  }
  ml_loan_status s;
  ml_error err;
  assert_int_equal(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                          ML_LOAN_MAX_EVENTS,
                                          date_of("2026-02-01"), &err),
                   ML_OK);
  assert_int_equal(s.paid_total, 100000); /* 100,000 payments of 1 öre */
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  const char *message = "the journal has 100001 events; at most 100000 are "
                        "kept";
  expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events, n,
                                      date_of("2026-02-01"), &err),
               ML_ELIMIT, &err, "", message);
  size_t count = 99;
  expect_error(ml_loan_postings_compute(NULL, 0, &count, &t, &o, events, n,
                                        date_of("2026-02-01"), &err),
               ML_ELIMIT, &err, "", message);
  /* a count far beyond any array: rejected before anything is sized by
   * it */
  expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                      SIZE_MAX / 2, date_of("2026-02-01"),
                                      &err),
               ML_ELIMIT, &err, "", "the journal has 9223372036854775807*");
  free(events);
}

/* The sum of a journal's amounts: ML_LOAN_MAX_AMOUNTS (10^17 minor units,
 * a disbursement of 10^15 and 99 penalties of 10^15) is computed in full;
 * one minor unit more is ML_ELIMIT at the event that passes it, in the
 * batch form and on append, which keeps the journal as it was. (Without
 * the limit, 9,224 penalties of 10^15 wrapped the penalties owed round to
 * a negative amount.) */
static void journal_sum_of_amounts(void **state) {
  (void)state;
  enum { N = 100 };
  const ml_amount most = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
  ml_schedule_terms t = base_terms();
  t.max_principal = t.principal = most;
  ml_loan_options o;
  ml_loan_options_init(&o);
  const ml_date as_of = date_of("2026-02-01");
  ml_event events[N + 1];
  ml_event_init(&events[0], ML_EVENT_DISBURSEMENT, t.disbursed, most);
  for (size_t i = 1; i < N; i++) {
    ml_event_init(&events[i], ML_EVENT_PENALTY, as_of, most);
  }
  ml_event_init(&events[N], ML_EVENT_REPAYMENT, as_of, 1);
  for (size_t i = 0; i <= N; i++) events[i].id = (int64_t)i + 1;
  ml_loan_status s;
  ml_error err;
  assert_int_equal(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                          N, as_of, &err),
                   ML_OK);
  assert_int_equal(s.outstanding[ML_PENALTIES], 99 * most);
  assert_int_equal(s.outstanding[ML_PRINCIPAL], most);
  /* the books: the disbursement and the 99 charges, 10^17 a side */
  static ml_posting postings[2 * N];
  size_t count = 0;
  assert_int_equal(ml_loan_postings_compute(postings, 2 * N, &count, &t, &o,
                                            events, N, as_of, &err),
                   ML_OK);
  ml_amount debits = 0, credits = 0;
  for (size_t i = 0; i < count; i++) {
    debits += postings[i].debit;
    credits += postings[i].credit;
  }
  assert_int_equal(debits, ML_LOAN_MAX_AMOUNTS);
  assert_int_equal(credits, ML_LOAN_MAX_AMOUNTS);
  const char *message = "event 101: the amounts of the journal's events add "
                        "up to more than 1000000000000000.00, the limit of "
                        "one loan";
  expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                      N + 1, as_of, &err),
               ML_ELIMIT, &err, "amount", message);
  assert_int_equal(err.line, 101);
  ml_loan *loan = NULL;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  for (size_t i = 0; i < N; i++) {
    ml_event e = events[i];
    assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  }
  ml_event e = events[N];
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_ELIMIT, &err,
               "amount", message);
  assert_int_equal(ml_loan_event_count(loan), N);
  ml_loan_free(loan);
  /* Each amount counts once, whichever path reads it: 49 repayments of
   * 10^15 (read as plain repayments) between 50 penalties (read in full)
   * after the disbursement make exactly the limit, and the loan stays
   * open (the repayments pay the penalties, the principal stays owed);
   * one minor unit more is past it. Counting either kind twice would
   * pass the limit early. */
  const ml_date later = date_of("2026-03-01");
  for (size_t i = 1; i < N; i++) {
    ml_event_init(&events[i], i % 2 ? ML_EVENT_PENALTY : ML_EVENT_REPAYMENT,
                  later, most);
    events[i].id = (int64_t)i + 1;
  }
  ml_event_init(&events[N], ML_EVENT_REPAYMENT, later, 1);
  events[N].id = N + 1;
  assert_int_equal(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                          N, later, &err),
                   ML_OK);
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  expect_error(ml_loan_status_compute(&s, loan_rows, 601, &t, &o, events,
                                      N + 1, later, &err),
               ML_ELIMIT, &err, "amount", message);
}

/* ---- CSV ----------------------------------------------------------------- */

/* A header of `columns` names c1,c2,... and one record of fields of the
 * given lengths (filled with 'x'); returns malloc'd text. */
static char *csv_with(size_t columns, const size_t *lengths, int quoted) {
  size_t size = 16 + columns * 8 + columns * (ML_CSV_MAX_FIELD * 2 + 4);
  char *text = malloc(size);
  assert_non_null(text);
  size_t used = 0;
  for (size_t i = 0; i < columns; i++) {
    used += (size_t)snprintf(text + used, size - used, "%sc%zu",
                             i ? "," : "", i + 1);
  }
  text[used++] = '\n';
  for (size_t i = 0; i < columns; i++) {
    if (i > 0) text[used++] = ',';
    if (quoted) text[used++] = '"';
    memset(text + used, 'x', lengths[i]);
    used += lengths[i];
    if (quoted) text[used++] = '"';
  }
  text[used++] = '\n';
  text[used] = '\0';
  return text;
}

/* Reads the header and the record of text: the status of the read. */
static ml_status read_csv(const char *text, size_t *length, ml_error *err) {
  ml_csv_reader *r = NULL;
  ml_status st = ml_csv_reader_new_memory(&r, text, strlen(text), err);
  if (st != ML_OK) return st;
  int has = 0;
  st = ml_csv_next(r, &has, err);
  if (st == ML_OK) {
    assert_int_equal(has, 1);
    *length = ml_csv_field_length(r, ml_csv_column_count(r) - 1);
    assert_int_equal(strlen(ml_csv_field(r, ml_csv_column_count(r) - 1)),
                     *length);
  }
  ml_csv_reader_free(r);
  return st;
}

static void csv_field_limit(void **state) {
  (void)state;
  for (int quoted = 0; quoted < 2; quoted++) {
    size_t lengths[1] = {ML_CSV_MAX_FIELD};
    char *text = csv_with(1, lengths, quoted);
    size_t got = 0;
    ml_error err;
    assert_int_equal(read_csv(text, &got, &err), ML_OK);
    assert_int_equal(got, 4096); /* all of it, not truncated */
    free(text);
    lengths[0] = ML_CSV_MAX_FIELD + 1;
    text = csv_with(1, lengths, quoted);
    expect_error(read_csv(text, &got, &err), ML_ELIMIT, &err, "c1",
                 quoted ? "the field starting at line 2, column 1 is longer "
                          "than 4096 bytes"
                        : "the field starting at line 2, column 1 is longer "
                          "than 4096 bytes");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4097 + quoted); /* the 4097th byte */
    free(text);
  }
}

static void csv_record_limit(void **state) {
  (void)state;
  /* 16 fields of 4095 bytes and 15 commas: 65535 bytes; one more byte in
   * the last field makes 65536, the limit; one more is past it */
  size_t lengths[16];
  for (int i = 0; i < 16; i++) lengths[i] = 4095;
  lengths[15] = 4096;
  char *text = csv_with(16, lengths, 0);
  size_t got = 0;
  ml_error err;
  assert_int_equal(read_csv(text, &got, &err), ML_OK);
  assert_int_equal(got, 4096);
  free(text);
  lengths[14] = 4096;
  text = csv_with(16, lengths, 0);
  expect_error(read_csv(text, &got, &err), ML_ELIMIT, &err, "c16",
               "the record starting on line 2 is longer than 65536 bytes");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 65537);
  free(text);
}

static void csv_column_limit(void **state) {
  (void)state;
  size_t lengths[ML_CSV_MAX_COLUMNS + 1];
  for (int i = 0; i <= ML_CSV_MAX_COLUMNS; i++) lengths[i] = 1;
  char *text = csv_with(ML_CSV_MAX_COLUMNS, lengths, 0);
  size_t got = 0;
  ml_error err;
  assert_int_equal(read_csv(text, &got, &err), ML_OK);
  assert_int_equal(got, 1);
  free(text);
  text = csv_with(ML_CSV_MAX_COLUMNS + 1, lengths, 0);
  expect_error(read_csv(text, &got, &err), ML_ELIMIT, &err, "",
               "the record on line 1 has more than 256 fields");
  assert_int_equal(err.line, 1);
  free(text);
}

/* ---- journals ------------------------------------------------------------ */

static ml_status read_one_loan(const char *text, char *id, ml_event *events,
                               size_t capacity, size_t *count,
                               ml_error *err) {
  ml_journal_reader *r = NULL;
  ml_status st = ml_journal_reader_new_memory(&r, text, strlen(text), NULL,
                                              err);
  if (st == ML_OK) {
    st = ml_journal_next_loan(r, id, events, NULL, capacity, count, err);
  }
  ml_journal_reader_free(r);
  return st;
}

static void journal_id_and_ref_limits(void **state) {
  (void)state;
  char text[512], id[ML_LOAN_ID_SIZE];
  ml_event events[2];
  size_t count = 0;
  ml_error err;
  char long_id[80], long_ref[80];
  memset(long_id, 'i', 63);
  long_id[63] = '\0';
  memset(long_ref, 'r', 63);
  long_ref[63] = '\0';
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\n%s,2026-01-15,repayment,1,%s\n",
           long_id, long_ref);
  assert_int_equal(read_one_loan(text, id, events, 2, &count, &err), ML_OK);
  assert_int_equal(count, 1);
  assert_string_equal(id, long_id); /* 63 bytes, whole */
  assert_string_equal(events[0].ref, long_ref);
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\n%si,2026-01-15,repayment,1,\n",
           long_id);
  expect_error(read_one_loan(text, id, events, 2, &count, &err), ML_ELIMIT,
               &err, "loan_id",
               "loan_id \"iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii...\" is 64 "
               "bytes long; at most 63");
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\nL,2026-01-15,repayment,1,%sr\n",
           long_ref);
  expect_error(read_one_loan(text, id, events, 2, &count, &err), ML_ELIMIT,
               &err, "ref", "ref is 64 bytes long; at most 63");
  /* dates */
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\nL,1900-01-01,repayment,1,\n");
  assert_int_equal(read_one_loan(text, id, events, 2, &count, &err), ML_OK);
  assert_int_equal(events[0].date, DAY_MIN);
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\nL,2200-12-31,repayment,1,\n");
  assert_int_equal(read_one_loan(text, id, events, 2, &count, &err), ML_OK);
  assert_int_equal(events[0].date, DAY_MAX);
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\nL,2201-01-01,repayment,1,\n");
  expect_error(read_one_loan(text, id, events, 2, &count, &err), ML_ERANGE,
               &err, "date",
               "date \"2201-01-01\" is not a supported date: year 2201 is "
               "outside the supported years 1900..2200");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 3);
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref\nL,1899-12-31,repayment,1,\n");
  expect_error(read_one_loan(text, id, events, 2, &count, &err), ML_ERANGE,
               &err, "date", "date \"1899-12-31\" is not a supported date*");
}

static void journal_events_per_loan(void **state) {
  (void)state;
  /* the caller's capacity, then ML_LOAN_MAX_EVENTS */
  const char *row = "L1,2026-01-15,repayment,1,\n";
  size_t n = ML_LOAN_MAX_EVENTS + 1;
  size_t size = 64 + n * strlen(row);
  char *text = malloc(size);
  assert_non_null(text);
  ml_event *events = malloc(n * sizeof *events);
  assert_non_null(events);
  char id[ML_LOAN_ID_SIZE];
  size_t count = 0;
  ml_error err;
  for (int past = 0; past < 2; past++) {
    size_t rows_written = ML_LOAN_MAX_EVENTS + (size_t)past;
    size_t used = (size_t)snprintf(text, size, "loan_id,date,type,amount,ref\n");
    for (size_t i = 0; i < rows_written; i++) {
      memcpy(text + used, row, strlen(row));
      used += strlen(row);
    }
    text[used] = '\0';
    ml_status st = read_one_loan(text, id, events, n, &count, &err);
    if (!past) {
      assert_int_equal(st, ML_OK);
      assert_int_equal(count, ML_LOAN_MAX_EVENTS);
      assert_int_equal(events[ML_LOAN_MAX_EVENTS - 1].id, 100000);
    } else {
      expect_error(st, ML_ELIMIT, &err, "loan_id",
                   "loan \"L1\" has more than 100000 events; at most 100000 "
                   "fit a journal");
      assert_int_equal(err.line, 100002); /* the 100,001st row */
    }
  }
  /* a smaller buffer is the limit */
  expect_error(read_one_loan(text, id, events, 3, &count, &err), ML_ELIMIT,
               &err, "loan_id",
               "loan \"L1\" has more than 3 events; at most 3 fit the "
               "caller's buffer");
  assert_int_equal(err.line, 5);
  free(events);
  free(text);
}

/* ---- portfolio ----------------------------------------------------------- */

static ml_loan_status active(ml_amount principal) {
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.as_of = date_of("2026-06-30");
  s.state = ML_LOAN_ACTIVE;
  s.outstanding[ML_PRINCIPAL] = principal;
  s.closed_on = ML_DATE_NONE;
  return s;
}

static ml_portfolio *portfolio_of(const char *prefix, size_t segments) {
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  ml_portfolio *p = NULL;
  assert_int_equal(ml_portfolio_new(&p, &o, NULL), ML_OK);
  ml_loan_status s = active(100);
  for (size_t i = 0; i < segments; i++) {
    char key[16];
    snprintf(key, sizeof key, "%s%06zu", prefix, i);
    assert_int_equal(ml_portfolio_add(p, key, &s, NULL, NULL), ML_OK);
  }
  return p;
}

static void segment_key_limit(void **state) {
  (void)state;
  ml_portfolio *p = portfolio_of("", 0);
  char key[ML_PORTFOLIO_MAX_KEY + 1];
  memset(key, 'k', ML_PORTFOLIO_MAX_KEY - 1);
  key[ML_PORTFOLIO_MAX_KEY - 1] = '\0'; /* 1023 bytes */
  ml_loan_status s = active(100);
  ml_error err;
  assert_int_equal(ml_portfolio_add(p, key, &s, NULL, &err), ML_OK);
  const char *stored = NULL;
  ml_portfolio_figures f;
  ml_portfolio_segment(p, 0, &stored, &f);
  assert_int_equal(strlen(stored), 1023); /* the whole key */
  key[ML_PORTFOLIO_MAX_KEY - 1] = 'k';
  key[ML_PORTFOLIO_MAX_KEY] = '\0'; /* 1024 bytes */
  expect_error(ml_portfolio_add(p, key, &s, NULL, &err), ML_ELIMIT, &err,
               "key", "a segment key is longer than 1023 bytes");
  assert_int_equal(ml_portfolio_segment_count(p), 1);
  ml_portfolio_total(p, &f);
  assert_int_equal(f.loans, 1);
  ml_portfolio_free(p);
}

static void segments_limit_by_merge(void **state) {
  (void)state;
  /* 50,000 + 50,000 distinct keys: exactly the limit; one more is past */
  ml_portfolio *a = portfolio_of("a", 50000);
  ml_portfolio *b = portfolio_of("b", 50000);
  ml_portfolio *c = portfolio_of("c", 1);
  ml_error err;
  assert_int_equal(ml_portfolio_merge(a, b, &err), ML_OK);
  assert_int_equal(ml_portfolio_segment_count(a), ML_PORTFOLIO_MAX_SEGMENTS);
  expect_error(ml_portfolio_merge(a, c, &err), ML_ELIMIT, &err, "key",
               "more than 100000 segments");
  ml_loan_status s = active(100);
  expect_error(ml_portfolio_add(a, "c", &s, NULL, &err), ML_ELIMIT, &err,
               "key", "more than 100000 segments");
  /* nothing was added; an existing key still takes loans */
  ml_portfolio_figures f;
  ml_portfolio_total(a, &f);
  assert_int_equal(f.loans, 100000);
  assert_int_equal(f.gross_portfolio, 10000000);
  assert_int_equal(ml_portfolio_merge(a, b, &err), ML_OK); /* no new key */
  ml_portfolio_total(a, &f);
  assert_int_equal(f.loans, 150000);
  ml_portfolio_free(a);
  ml_portfolio_free(b);
  ml_portfolio_free(c);
}

static void portfolio_option_limits(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.threshold_count = ML_PORTFOLIO_MAX_THRESHOLDS;
  o.bucket_count = ML_PORTFOLIO_MAX_BUCKETS - 1;
  for (int i = 0; i < ML_PORTFOLIO_MAX_THRESHOLDS; i++) {
    o.thresholds[i] = i * 30;
    if (i < ML_PORTFOLIO_MAX_BUCKETS - 1) o.bucket_to[i] = i * 30;
    o.provisioning[i] = (ml_rate){1, 0}; /* 100 %, the largest */
  }
  ml_error err;
  assert_int_equal(ml_portfolio_options_validate(&o, &err), ML_OK);
  o.provisioning[15] = (ml_rate){INT64_C(100000000001), 11};
  expect_error(ml_portfolio_options_validate(&o, &err), ML_EINVAL, &err,
               "provisioning",
               "provisioning: rate 16 must be from 0 % to 100 %");
  o.threshold_count = ML_PORTFOLIO_MAX_THRESHOLDS + 1;
  expect_error(ml_portfolio_options_validate(&o, &err), ML_EINVAL, &err,
               "thresholds", "thresholds: at most 16, ascending, each >= 0");
  o.threshold_count = ML_PORTFOLIO_MAX_THRESHOLDS;
  o.bucket_count = ML_PORTFOLIO_MAX_BUCKETS;
  expect_error(ml_portfolio_options_validate(&o, &err), ML_EINVAL, &err,
               "buckets", "buckets: at most 15 bounds, ascending, each >= 0");
}

/* ---- APR ----------------------------------------------------------------- */

static void apr_limits(void **state) {
  (void)state;
  /* the largest number of flows: one drawdown and 99,999 repayments of 1
   * öre a year later, adding up to 999.99 on 999.99: 0 % exactly */
  size_t n = ML_APR_MAX_FLOWS + 1;
  ml_flow *flows = malloc(n * sizeof *flows);
  assert_non_null(flows);
  flows[0] = (ml_flow){date_of("2025-01-01"), -99999};
  for (size_t i = 1; i < n; i++) flows[i] = (ml_flow){date_of("2026-01-01"), 1};
  ml_apr_result r;
  ml_error err;
  assert_int_equal(ml_apr_of_flows(&r, flows, ML_APR_MAX_FLOWS,
                                   ML_APR_BASIS_YEARS, 1, &err),
                   ML_OK);
  assert_int_equal(r.units, 0);
  assert_int_equal(r.merged_flows, 99998);
  assert_int_equal(r.dated_flows, 2);
  expect_error(ml_apr_of_flows(&r, flows, n, ML_APR_BASIS_YEARS, 1, &err),
               ML_ELIMIT, &err, "flows",
               "100001 flows is above the limit of 100000");
  expect_error(ml_xirr(&r, flows, n, 1, &err), ML_ELIMIT, &err, "flows",
               "100001 flows is above the limit of 100000");
  /* decimals: 1..9 */
  const ml_flow loan[2] = {{date_of("2025-01-01"), -10000},
                           {date_of("2026-01-01"), 11005}};
  assert_int_equal(ml_apr_of_flows(&r, loan, 2, ML_APR_BASIS_YEARS, 9, &err),
                   ML_OK);
  assert_int_equal(r.units, INT64_C(10050000000)); /* 10.050000000 % */
  char text[ML_APR_FORMAT_SIZE];
  assert_int_equal(ml_apr_format(text, sizeof text, &r), ML_OK);
  assert_string_equal(text, "10.050000000");
  expect_error(ml_apr_of_flows(&r, loan, 2, ML_APR_BASIS_YEARS, 10, &err),
               ML_ELIMIT, &err, "decimals",
               "10 decimals is above the limit of 9");
  expect_error(ml_apr_of_flows(&r, loan, 2, ML_APR_BASIS_YEARS, 0, &err),
               ML_EINVAL, &err, "decimals", "0 decimals: *");
  ml_schedule_terms t = base_terms();
  expect_error(ml_apr_of_terms(&r, &t, 10, &err), ML_ELIMIT, &err,
               "decimals", "10 decimals is above the limit of 9");
  /* dates: on both ends of the range, and past them */
  const ml_flow wide[2] = {{DAY_MIN, -10000}, {DAY_MAX, 20000}};
  assert_int_equal(ml_apr_of_flows(&r, wide, 2, ML_APR_BASIS_YEARS, 1, &err),
                   ML_OK);
  ml_fraction years;
  assert_int_equal(ml_apr_year_fraction(&years, DAY_MIN, DAY_MAX,
                                        ML_APR_BASIS_YEARS, &err),
                   ML_OK);
  assert_int_equal(years.num, 109864); /* 300 + 364/365 */
  assert_int_equal(years.den, 365);
  expect_error(ml_apr_year_fraction(&years, DAY_MIN, DAY_MAX + 1,
                                    ML_APR_BASIS_YEARS, &err),
               ML_ERANGE, &err, "date", "*");
  const ml_flow past[2] = {{DAY_MIN, -10000}, {DAY_MAX + 1, 20000}};
  expect_error(ml_apr_of_flows(&r, past, 2, ML_APR_BASIS_YEARS, 1, &err),
               ML_ERANGE, &err, "date",
               "flow 2: date 84371 (days since 1970-01-01) is outside the "
               "supported range 1900-01-01..2200-12-31");
  const ml_flow before[2] = {{DAY_MIN - 1, -10000}, {DAY_MAX, 20000}};
  expect_error(ml_xirr(&r, before, 2, 1, &err), ML_ERANGE, &err, "date",
               "flow 1: date -25568 (days since 1970-01-01) is outside the "
               "supported range 1900-01-01..2200-12-31");
  /* sums beyond int64 */
  const ml_flow huge[3] = {{DAY_MIN, -10000},
                           {DAY_MAX, INT64_MAX},
                           {DAY_MAX - 1, INT64_MAX}};
  expect_error(ml_apr_of_flows(&r, huge, 3, ML_APR_BASIS_YEARS, 1, &err),
               ML_EOVERFLOW, &err, "amount", "*");
  free(flows);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(principal_default_limit),
      cmocka_unit_test(principal_hard_limit),
      cmocka_unit_test(amounts_of_terms_at_max_principal),
      cmocka_unit_test(amount_text_at_int64),
      cmocka_unit_test(term_limit),
      cmocka_unit_test(rate_text_limits),
      cmocka_unit_test(rate_value_limits),
      cmocka_unit_test(frequency_limits),
      cmocka_unit_test(date_text_and_civil_limits),
      cmocka_unit_test(date_arithmetic_limits),
      cmocka_unit_test(day_count_limits),
      cmocka_unit_test(calendar_limits),
      cmocka_unit_test(schedule_date_limits),
      cmocka_unit_test(loan_date_limits),
      cmocka_unit_test(loan_amount_limits),
      cmocka_unit_test(installments_after_a_reschedule),
      cmocka_unit_test(events_per_loan),
      cmocka_unit_test(journal_sum_of_amounts),
      cmocka_unit_test(csv_field_limit),
      cmocka_unit_test(csv_record_limit),
      cmocka_unit_test(csv_column_limit),
      cmocka_unit_test(journal_id_and_ref_limits),
      cmocka_unit_test(journal_events_per_loan),
      cmocka_unit_test(segment_key_limit),
      cmocka_unit_test(segments_limit_by_merge),
      cmocka_unit_test(portfolio_option_limits),
      cmocka_unit_test(apr_limits),
  };
  return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}

/*
 * tests/test_coverage_schedule.c — rejections and edge cases of the
 * schedule layer that tests/test_schedule.c does not reach: every value
 * of the terms outside its range (an enum, the currency's exponent, a
 * calendar's extra days without an array), the row count of terms that
 * are not valid, and a due date that a calendar moves out of the
 * supported dates.
 *
 * Messages are those the header promises ("<field>: what is wrong");
 * amounts are computed by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

static ml_schedule_terms base_terms(void) {
  return terms_of(1200000 /* 12,000.00 */, (ml_rate){12, 2}, 12, "2026-01-15");
}

static void expect_rejected(const ml_schedule_terms *t, ml_status want,
                            const char *field, const char *message) {
  ml_error err;
  ml_status st = ml_schedule_validate(t, &err);
  if (st != want || err.code != want) {
    fail_msg("%s: got %s (%s)", field, ml_status_name(st), err.message);
  }
  assert_string_equal(err.field, field);
  assert_string_equal(err.message, message);
  /* and the same without an error record */
  assert_int_equal(ml_schedule_validate(t, NULL), want);
}

static void values_outside_their_range(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.currency.exponent = 5;
  expect_rejected(&t, ML_EINVAL, "currency",
                  "currency: exponent must be 0 to 4");
  t.currency.exponent = -1;
  expect_rejected(&t, ML_EINVAL, "currency",
                  "currency: exponent must be 0 to 4");
  t = base_terms();
  t.upfront_fee_kind = (ml_fee_kind)2;
  expect_rejected(&t, ML_EINVAL, "upfront-fee",
                  "upfront-fee: unknown fee kind");
  t = base_terms();
  t.upfront_fee_kind = ML_FEE_PERCENT;
  t.upfront_fee_rate = (ml_rate){1, 12}; /* scale 12: not a rate */
  expect_rejected(&t, ML_EINVAL, "upfront-fee",
                  "upfront-fee: a percent fee must be from 0 % to 100 %");
  t = base_terms();
  t.frequency.unit = (ml_frequency_unit)3;
  expect_rejected(&t, ML_EINVAL, "frequency",
                  "frequency: unit must be days, weeks or months");
  t = base_terms();
  t.frequency.every = 0;
  expect_rejected(&t, ML_EINVAL, "frequency",
                  "frequency: every must be from 1 to 366 days, weeks or "
                  "months");
  t = base_terms();
  t.interest_basis = (ml_interest_basis)2;
  expect_rejected(&t, ML_EINVAL, "interest",
                  "interest: unknown interest basis");
  t = base_terms();
  t.day_count = (ml_day_count)6;
  expect_rejected(&t, ML_EINVAL, "interest",
                  "interest: unknown interest basis");
  t = base_terms();
  t.calendar.kind = (ml_calendar_kind)3;
  expect_rejected(&t, ML_EINVAL, "calendar", "calendar: unknown calendar");
  t = base_terms();
  t.calendar.kind = ML_CALENDAR_SE; /* a known kind: the list is wrong */
  t.calendar.extra_closed_count = 2; /* and no array */
  expect_rejected(&t, ML_EINVAL, "calendar",
                  "calendar: extra_closed_count is not 0 but extra_closed "
                  "is NULL");
  t = base_terms();
  t.interest_free = 13;
  expect_rejected(&t, ML_EINVAL, "interest-free",
                  "interest-free: 13 must be from 0 to 12 (at most the "
                  "term)");
  t = base_terms();
  t.grace_interest = -1;
  expect_rejected(&t, ML_EINVAL, "grace-interest",
                  "grace-interest: -1 must be from 0 to 11 (below the "
                  "term)");
  t = base_terms();
  t.disbursed = ML_DATE_NONE;
  expect_rejected(&t, ML_EINVAL, "disbursed",
                  "disbursed: the date is required");
  t = base_terms();
  t.max_principal = 0;
  expect_rejected(&t, ML_ELIMIT, "max-principal",
                  "max-principal: must be from 1 to 1000000000000000 minor "
                  "units");
}

/* ml_schedule_row_count is meaningful for valid terms; for others it
 * stays within 0..601 and does not fail. */
static void row_count_of_any_terms(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.installments = -5;
  assert_int_equal(ml_schedule_row_count(&t), 0);
  t.installments = 100000;
  assert_int_equal(ml_schedule_row_count(&t), 600);
  t.installments = 12;
  t.upfront_fee = 100;
  assert_int_equal(ml_schedule_row_count(&t), 13);
  /* a percent fee of a principal whose product leaves int64 rounds to
   * nothing here (validation rejects such terms) */
  t.upfront_fee_kind = ML_FEE_PERCENT;
  t.upfront_fee_rate = (ml_rate){1, 0};
  t.principal = INT64_MAX;
  t.upfront_fee_rate = (ml_rate){10, 0};
  assert_int_equal(ml_schedule_row_count(&t), 12);
  t.principal = 1200000;
  t.upfront_fee_rate = (ml_rate){1, 2}; /* 1 % = 12,000 öre */
  assert_int_equal(ml_schedule_row_count(&t), 13);
}

static void buffers_too_small(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  ml_installment rows[12];
  size_t count = 99;
  ml_error err;
  ml_status st = ml_schedule_compute(rows, 11, &count, &t, &err);
  assert_int_equal(st, ML_EBUFFER);
  assert_int_equal(err.code, ML_EBUFFER);
  assert_string_equal(err.message,
                      "the schedule has 12 rows; the buffer holds 11");
  assert_int_equal(count, 0);
  assert_int_equal(ml_schedule_compute(NULL, 0, &count, &t, NULL),
                   ML_EBUFFER);
  char buf[4] = "xyz";
  assert_int_equal(ml_frequency_format(buf, 0, (ml_frequency){ML_FREQ_DAYS,
                                                              10}),
                   ML_EBUFFER);
  assert_string_equal(buf, "xyz"); /* size 0: nothing written */
  assert_int_equal(ml_frequency_format(buf, sizeof buf,
                                       (ml_frequency){ML_FREQ_DAYS, 366}),
                   ML_EBUFFER);
  assert_string_equal(buf, ""); /* not "366", a name of another frequency */
  assert_int_equal(ml_frequency_format(buf, sizeof buf,
                                       (ml_frequency){ML_FREQ_DAYS, 10}),
                   ML_OK);
  assert_string_equal(buf, "10d");
  /* no name reads back as these: ML_EINVAL and "" */
  char name[16];
  const ml_frequency refused[] = {{ML_FREQ_DAYS, 0},
                                  {ML_FREQ_DAYS, 367},
                                  {ML_FREQ_MONTHS, -1},
                                  {(ml_frequency_unit)3, 1}};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    memset(name, 'x', sizeof name);
    assert_int_equal(ml_frequency_format(name, sizeof name, refused[i]),
                     ML_EINVAL);
    assert_int_equal(name[0], '\0');
  }
}

/* The allocating form rejects what ml_schedule_compute rejects, with *out
 * NULL, and its rows are the computed ones. */
static void allocating_form(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.installments = 0;
  ml_schedule *s = NULL;
  ml_error err;
  assert_int_equal(ml_schedule_new(&s, &t, &err), ML_EINVAL);
  assert_null(s);
  assert_string_equal(err.message, "term: must be at least 1 installment");
  t = base_terms();
  t.method = ML_METHOD_EQUAL_PRINCIPAL;
  assert_int_equal(ml_schedule_new(&s, &t, &err), ML_OK);
  /* 12,000.00 in 12: 1,000.00 a month; first month's interest 1 % of
   * 12,000.00 = 120.00 */
  assert_int_equal(ml_schedule_count(s), 12);
  assert_int_equal(ml_schedule_rows(s)[0].principal, 100000);
  assert_int_equal(ml_schedule_rows(s)[0].interest, 12000);
  assert_int_equal(ml_schedule_terms_of(s)->method, ML_METHOD_EQUAL_PRINCIPAL);
  ml_schedule_free(s);
  ml_schedule_free(NULL);
}

/* Day-count interest on an irregular first period: no regular period is
 * needed, so a first due date early in 1900 is fine, and a calendar that
 * moves the last due date out of the range is named. */
static void first_period_and_calendars(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.installments = 2;
  t.interest_basis = ML_INTEREST_DAY_COUNT;
  t.day_count = ML_DC_ACT_360;
  t.first_due = date_of("2026-02-05"); /* 21 days */
  ml_installment rows[3];
  size_t n = 0;
  ml_error err;
  assert_int_equal(ml_schedule_compute(rows, 3, &n, &t, &err), ML_OK);
  /* 12,000.00 * 12 % * 21 / 360 = 84.00 */
  assert_int_equal(rows[0].interest, 8400);
  assert_int_equal(rows[1].due_date, date_of("2026-03-05"));
  /* weekends: 2026-03-07 is a Saturday; preceding moves the only due
   * date to Friday 2026-03-06 */
  t = base_terms();
  t.installments = 1;
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 51};
  t.calendar.kind = ML_CALENDAR_WEEKENDS;
  t.business_day = ML_BD_PRECEDING;
  assert_int_equal(ml_schedule_compute(rows, 3, &n, &t, &err), ML_OK);
  assert_int_equal(rows[0].due_date, date_of("2026-03-06"));
  assert_int_equal(rows[0].period_end, date_of("2026-03-07"));
  t.adjusted_interest_periods = 1;
  assert_int_equal(ml_schedule_compute(rows, 3, &n, &t, &err), ML_OK);
  assert_int_equal(rows[0].period_end, date_of("2026-03-06"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(values_outside_their_range),
      cmocka_unit_test(row_count_of_any_terms),
      cmocka_unit_test(buffers_too_small),
      cmocka_unit_test(allocating_form),
      cmocka_unit_test(first_period_and_calendars),
  };
  return cmocka_run_group_tests_name("coverage_schedule", tests, NULL, NULL);
}

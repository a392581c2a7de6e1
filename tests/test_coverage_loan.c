/*
 * tests/test_coverage_loan.c — loan-layer paths that tests/test_loan.c and
 * tests/test_loan_scenarios.c do not reach: options outside their enums,
 * a caller's buffer too small, default interest under ACT/360 and 30/360,
 * a waiver of an unknown component, a disbursement event on the terms'
 * first due date, a reversal on 1900-01-01, the postings' rejections, and
 * a disbursement no schedule can be built from, reported by the journal's
 * checks (the ledger builds the schedule before it checks the journal).
 *
 * Golden values by hand (Python's fractions for the arithmetic): 12,000.00
 * at 12 % over 12 months from 2026-01-15, annuity A = 1,200,000 * 0.01 /
 * (1 - 1.01^-12) = 106,618.55 öre -> 1,066.19 (half-even); row 1:
 * interest 120.00, principal 946.19; row 2: interest round(1,105,381 *
 * 0.01) = 110.54, principal 955.65. Default interest at 10 % on the
 * overdue principal, as of 2026-03-17: row 1 from its due date 2026-02-15,
 * row 2 from 2026-03-15:
 *  - ACT/360: 94,619 * 0.1 * 30/360 = 788.49 -> 788 öre; 95,565 * 0.1 *
 *    2/360 = 53.09 -> 53; together 841 öre;
 *  - 30/360: 02-15 to 03-17 is 30 + 2 = 32 days: 841.06 -> 841; row 2
 *    2 days: 53; together 894 öre.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
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

static ml_schedule_terms base_terms(void) {
  return terms_of(1200000, (ml_rate){12, 2}, 12, "2026-01-15");
}

static ml_loan_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];

/* What a batch status call takes and gives: base terms, default
 * options. */
typedef struct status_case {
  ml_schedule_terms t;
  ml_loan_options o;
  ml_loan_status s;
  ml_error err;
} status_case;

static status_case new_status_case(void) {
  status_case c;
  c.t = base_terms();
  ml_loan_options_init(&c.o);
  return c;
}

static void expect_error(ml_status got, ml_status want, const ml_error *err,
                         const char *field, long line, const char *message) {
  if (got != want || err->code != want) {
    fail_msg("got %s, want %s (%s)", ml_status_name(got),
             ml_status_name(want), err->message);
  }
  assert_string_equal(err->field, field);
  assert_int_equal(err->line, line);
  assert_string_equal(err->message, message);
}

static void options_outside_their_enums(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  static const char *const fields[3] = {"allocation", "prepayment",
                                        "default-day-count"};
  for (int i = 0; i < 3; i++) {
    ml_loan_options o;
    ml_loan_options_init(&o);
    if (i == 0) o.allocation = (ml_allocation)4;
    if (i == 1) o.prepayment = (ml_prepayment)3;
    if (i == 2) o.default_day_count = (ml_day_count)6;
    char message[64];
    snprintf(message, sizeof message, "%s: the value is not allowed",
             fields[i]);
    ml_loan *loan = NULL;
    ml_error err;
    expect_error(ml_loan_new(&loan, &t, &o, &err), ML_EINVAL, &err,
                 fields[i], 0, message);
    assert_null(loan);
    ml_loan_status s;
    expect_error(ml_loan_status_compute(&s, rows, 601, &t, &o, NULL, 0,
                                        t.disbursed, &err),
                 ML_EINVAL, &err, fields[i], 0, message);
    size_t count = 7;
    expect_error(ml_loan_postings_compute(NULL, 0, &count, &t, &o, NULL, 0,
                                          t.disbursed, &err),
                 ML_EINVAL, &err, fields[i], 0, message);
    assert_int_equal(count, 0);
    assert_int_equal(ml_loan_postings_compute(NULL, 0, &count, &t, &o, NULL,
                                              0, t.disbursed, NULL),
                     ML_EINVAL);
  }
}

static void buffer_too_small(void **state) {
  (void)state;
  status_case c = new_status_case();
  expect_error(ml_loan_status_compute(&c.s, rows, 5, &c.t, &c.o, NULL, 0,
                                      c.t.disbursed, &c.err),
               ML_EBUFFER, &c.err, "", 0,
               "the loan has 12 installments; the buffer holds 5");
  assert_int_equal(ml_loan_status_compute(&c.s, rows, 12, &c.t, &c.o, NULL, 0,
                                          c.t.disbursed, NULL),
                   ML_OK);
  assert_int_equal(c.s.installment_count, 12);
  /* postings: the count is given also when the buffer is too small */
  ml_event e;
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"), 106619);
  e.id = 1;
  ml_posting postings[2];
  size_t count = 0;
  expect_error(ml_loan_postings_compute(postings, 2, &count, &c.t, &c.o, &e, 1,
                                        date_of("2026-02-15"), &c.err),
               ML_EBUFFER, &c.err, "", 0,
               "the journal has 5 posting lines; the buffer holds 2");
  /* the disbursement (2 lines), the repayment: cash, loans receivable
   * and interest income */
  assert_int_equal(count, 5);
}

static ml_amount penalties_at(ml_day_count dc, const char *as_of) {
  ml_schedule_terms t = base_terms();
  ml_loan_options o;
  ml_loan_options_init(&o);
  o.default_rate = (ml_rate){1, 1}; /* 10 % */
  o.default_day_count = dc;
  ml_loan_status s;
  ml_error err;
  if (ml_loan_status_compute(&s, rows, 601, &t, &o, NULL, 0, date_of(as_of),
                             &err) != ML_OK) {
    fail_msg("%s", err.message);
  }
  return s.outstanding[ML_PENALTIES];
}

static void default_interest_day_counts(void **state) {
  (void)state;
  assert_int_equal(penalties_at(ML_DC_ACT_360, "2026-03-17"), 841);
  assert_int_equal(penalties_at(ML_DC_30_360_US, "2026-03-17"), 894);
  /* before the first due date nothing is overdue */
  assert_int_equal(penalties_at(ML_DC_ACT_360, "2026-02-15"), 0);
}

/* A loan of t with the default options. */
static ml_loan *new_loan(const ml_schedule_terms *t) {
  ml_loan_options o;
  ml_loan_options_init(&o);
  ml_loan *loan = NULL;
  ml_error err;
  if (ml_loan_new(&loan, t, &o, &err) != ML_OK) fail_msg("%s", err.message);
  return loan;
}

static void rejected_events(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  ml_loan *loan = new_loan(&t);
  ml_error err;
  ml_event e;
  ml_event_init(&e, ML_EVENT_WAIVER, date_of("2026-02-01"), 100);
  e.component = (ml_component)9;
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_EINVAL, &err,
               "component", 1, "event 1: unknown component");
  ml_loan_free(loan);
  /* a disbursement event on the terms' first due date */
  t.first_due = date_of("2026-02-10");
  loan = new_loan(&t);
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, date_of("2026-02-10"), 1200000);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_EINVAL, &err, "date",
               1,
               "event 1: the disbursement is not before the first due date "
               "of the terms");
  e.date = date_of("2026-02-09");
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  ml_loan_free(loan);
}

/* A loan's events go to the journal writer as they are: a ref it could
 * not write is refused when appended, nothing appended. (It was taken,
 * truncated to 63 bytes, and the loan's journal then could not be
 * saved.) */
static void refs_the_writer_takes(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  ml_loan *loan = new_loan(&t);
  ml_error err;
  ml_event e;
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, date_of("2026-01-15"), 1200000);
  memcpy(e.ref, "\xff\xfe", 3);
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_EINVAL, &err, "ref",
               1, "event 1: ref is not valid UTF-8");
  assert_int_equal(err.column, 1);
  memset(e.ref, 'r', sizeof e.ref); /* no NUL */
  expect_error(ml_loan_append(loan, &e, NULL, &err), ML_EINVAL, &err, "ref",
               1, "event 1: ref is not NUL-terminated within 64 bytes");
  assert_int_equal(ml_loan_event_count(loan), 0);
  /* 63 bytes ending in a whole two-byte character: taken, and written */
  memset(e.ref, 'r', 61);
  memcpy(e.ref + 61, "\xc3\xa5", 3); /* å and the NUL */
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  assert_non_null(out);
  assert_int_equal(ml_journal_write_loan(out, "L1", ml_loan_events(loan),
                                         ml_loan_event_count(loan),
                                         t.currency, &err),
                   ML_OK);
  fclose(out);
  assert_non_null(strstr(text, "rrr\xc3\xa5,1,"));
  free(text);
  ml_loan_free(loan);
}

/* The ledger builds the schedule from the journal's first disbursement
 * before it checks the journal: a disbursement no schedule can be built
 * from must still be reported by the journal's checks, in their order. */
static void disbursement_checked_before_its_schedule(void **state) {
  (void)state;
  status_case c = new_status_case();
  ml_event e[2];
  struct {
    ml_date date;
    ml_amount amount;
    ml_status code;
    const char *field, *message;
  } cases[] = {
      {INT32_MIN, 1200000, ML_ERANGE, "date",
       "event 1: the date is outside 1900-01-01..2200-12-31"},
      {INT32_MAX, 1200000, ML_ERANGE, "date",
       "event 1: the date is outside 1900-01-01..2200-12-31"},
      {date_of("2026-01-15"), 0, ML_EINVAL, "amount",
       "event 1: the amount must be greater than 0"},
      {date_of("2026-01-15"), INT64_MIN, ML_EINVAL, "amount",
       "event 1: the amount must be greater than 0"},
      {date_of("2026-01-15"), INT64_MAX, ML_ELIMIT, "amount",
       "event 1: the amount 92233720368547758.07 is above the limit of "
       "250000.00"},
      /* a schedule would fail too (the first due date is not after the
       * disbursement): the journal's own message */
      {date_of("2026-03-01"), 1200000, ML_EINVAL, "date",
       "event 1: the disbursement is not before the first due date of the "
       "terms"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_event_init(&e[0], ML_EVENT_DISBURSEMENT, cases[i].date,
                  cases[i].amount);
    e[0].id = 1;
    c.t.first_due = i + 1 == sizeof cases / sizeof cases[0]
                        ? date_of("2026-02-15")
                        : ML_DATE_NONE;
    expect_error(ml_loan_status_compute(&c.s, rows, 601, &c.t, &c.o, e, 1,
                                        date_of("2026-06-30"), &c.err),
                 cases[i].code, &c.err, cases[i].field, 1, cases[i].message);
  }
  /* a second disbursement: the first is the schedule's, the second is
   * rejected; the schedule's buffer too small is reported after it */
  c.t.first_due = ML_DATE_NONE;
  ml_event_init(&e[0], ML_EVENT_DISBURSEMENT, date_of("2026-01-15"), 1000000);
  ml_event_init(&e[1], ML_EVENT_DISBURSEMENT, date_of("2026-01-16"), 1000000);
  e[0].id = 1;
  e[1].id = 2;
  expect_error(ml_loan_status_compute(&c.s, rows, 5, &c.t, &c.o, e, 2,
                                      date_of("2026-06-30"), &c.err),
               ML_ESTATE, &c.err, "type", 2,
               "event 2: the loan is already disbursed (one disbursement per "
               "loan)");
  expect_error(ml_loan_status_compute(&c.s, rows, 5, &c.t, &c.o, e, 1,
                                      date_of("2026-06-30"), &c.err),
               ML_EBUFFER, &c.err, "", 0,
               "the loan has 12 installments; the buffer holds 5");
  /* and with a buffer that fits, the journal's principal is the loan's */
  assert_int_equal(ml_loan_status_compute(&c.s, rows, 601, &c.t, &c.o, e, 1,
                                          date_of("2026-01-15"), &c.err),
                   ML_OK);
  assert_int_equal(c.s.outstanding[ML_PRINCIPAL], 1000000);
}

/* A reversal dated 1900-01-01, the first supported day: the journal is
 * checked at that date only (there is no day before it). */
static void reversal_on_the_first_day(void **state) {
  (void)state;
  ml_schedule_terms t = base_terms();
  t.disbursed = ML_DATE_MIN;
  ml_loan_options o;
  ml_loan_options_init(&o);
  ml_loan *loan = NULL;
  ml_error err;
  assert_int_equal(ml_loan_new(&loan, &t, &o, &err), ML_OK);
  ml_event e;
  ml_event_init(&e, ML_EVENT_REPAYMENT, ML_DATE_MIN, 5000);
  assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  ml_event_init(&e, ML_EVENT_REVERSAL, ML_DATE_MIN, 0);
  e.target = 1;
  int64_t id = 0;
  assert_int_equal(ml_loan_append(loan, &e, &id, &err), ML_OK);
  assert_int_equal(id, 2);
  ml_loan_status s;
  assert_int_equal(ml_loan_status_at(&s, rows, 601, loan, ML_DATE_MIN, &err),
                   ML_OK);
  assert_int_equal(s.paid_total, 0); /* reversed */
  ml_loan_free(loan);
  ml_loan_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(options_outside_their_enums),
      cmocka_unit_test(buffer_too_small),
      cmocka_unit_test(default_interest_day_counts),
      cmocka_unit_test(rejected_events),
      cmocka_unit_test(refs_the_writer_takes),
      cmocka_unit_test(reversal_on_the_first_day),
      cmocka_unit_test(disbursement_checked_before_its_schedule),
  };
  return cmocka_run_group_tests_name("coverage_loan", tests, NULL, NULL);
}

/*
 * tests/test_coverage_portfolio.c — portfolio paths that
 * tests/test_portfolio.c does not reach: a merge of portfolios whose
 * options differ in each field, sums that leave int64 (add and merge, and
 * nothing changes), a provisioning rate that is not a rate, the risk
 * coverage without a 30-day threshold, a ratio too large to format, and
 * write-offs outside the period.
 *
 * Golden values by hand: 5 * 10^18 + 5 * 10^18 > INT64_MAX (about 9.22 *
 * 10^18); INT64_MAX * 10^12 does not fit in int64 units.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mikrolan.h"
#include "test_support.h"

static ml_loan_status status(ml_loan_state state, ml_amount principal) {
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.as_of = date_of("2026-06-30");
  s.state = state;
  s.outstanding[ML_PRINCIPAL] = principal;
  s.closed_on = ML_DATE_NONE;
  return s;
}

static ml_portfolio *new_portfolio(const ml_portfolio_options *o) {
  ml_portfolio *p = NULL;
  ml_error err;
  if (ml_portfolio_new(&p, o, &err) != ML_OK) fail_msg("%s", err.message);
  return p;
}

static void merge_needs_the_same_options(void **state) {
  (void)state;
  ml_portfolio_options base;
  ml_portfolio_options_init(&base);
  ml_portfolio *into = new_portfolio(&base);
  for (int field = 0; field < 7; field++) {
    ml_portfolio_options o = base;
    switch (field) {
      case 0: o.threshold_count = 5; break;
      case 1: o.bucket_count = 5; break;
      case 2: o.restructured_at_risk = 0; break;
      case 3: o.period_start = date_of("2026-01-01"); break;
      case 4: o.thresholds[2] = 61; break;
      case 5: o.bucket_to[2] = 61; break;
      default: o.provisioning[6] = (ml_rate){99, 2}; break;
    }
    ml_portfolio *from = new_portfolio(&o);
    ml_error err;
    assert_int_equal(ml_portfolio_merge(into, from, &err), ML_EINVAL);
    assert_string_equal(err.message,
                        "the portfolios were made with different options");
    ml_portfolio_free(from);
  }
  /* equal options written differently (1 % as {1, 2} and {10, 3}) */
  ml_portfolio_options o = base;
  o.provisioning[1] = (ml_rate){100, 3};
  ml_portfolio *from = new_portfolio(&o);
  assert_int_equal(ml_portfolio_merge(into, from, NULL), ML_OK);
  ml_portfolio_free(from);
  ml_portfolio_free(into);
  ml_portfolio_free(NULL);
}

static void expect_total_overflow(ml_portfolio *p, const char *key,
                                  const ml_loan_status *end,
                                  const ml_loan_status *start) {
  ml_error err;
  assert_int_equal(ml_portfolio_add(p, key, end, start, &err), ML_EOVERFLOW);
  char want[200];
  snprintf(want, sizeof want,
           "adding the loan takes a sum of the portfolio's total (segment "
           "\"%s\" and all the others) past the int64 range",
           key);
  assert_string_equal(err.message, want);
}

/* Each segment's sums fit but the total's would not: refused when the
 * loan is added (ml_portfolio_total once aborted on it), and in a merge. */
static void sums_beyond_int64(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  ml_portfolio *a = new_portfolio(&o);
  ml_portfolio *b = new_portfolio(&o);
  ml_loan_status big = status(ML_LOAN_ACTIVE, INT64_C(5000000000000000000));
  ml_error err;
  assert_int_equal(ml_portfolio_add(a, "x", &big, NULL, &err), ML_OK);
  expect_total_overflow(a, "y", &big, NULL); /* a new segment of its own */
  expect_total_overflow(a, "x", &big, NULL);
  assert_int_equal(ml_portfolio_add(b, "y", &big, NULL, &err), ML_OK);
  assert_int_equal(ml_portfolio_merge(a, b, &err), ML_EOVERFLOW);
  assert_string_equal(err.message, "the merged total leaves the int64 range");
  /* nothing changed: the segment, and the total kept beside it */
  assert_int_equal(ml_portfolio_segment_count(a), 1);
  ml_portfolio_figures f, total;
  const char *key = NULL;
  ml_portfolio_segment(a, 0, &key, &f);
  assert_string_equal(key, "x");
  ml_portfolio_total(a, &total);
  assert_memory_equal(&f, &total, sizeof f);
  assert_int_equal(f.loans, 1);
  assert_int_equal(f.by_state[ML_LOAN_ACTIVE], 1);
  assert_int_equal(f.gross_portfolio, INT64_C(5000000000000000000));
  ml_portfolio_free(a);
  ml_portfolio_free(b);
}

/* The write-off ratio's 2w and start + end GLP must fit too. */
static void ratio_sums_beyond_int64(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.period_start = date_of("2026-01-01");
  ml_portfolio *p = new_portfolio(&o);
  const ml_amount half = INT64_MAX / 2 + 1; /* 2 * half overflows */
  ml_loan_status gone = status(ML_LOAN_WRITTEN_OFF, 0);
  gone.closed_on = date_of("2026-03-01");
  gone.written_off[ML_PRINCIPAL] = half;
  ml_loan_status was = status(ML_LOAN_ACTIVE, half);
  expect_total_overflow(p, "w", &gone, &was);
  gone.written_off[ML_PRINCIPAL] = half - 1;
  assert_int_equal(ml_portfolio_add(p, "w", &gone, &was, NULL), ML_OK);
  /* GLP at start (half) + at end (half) leaves int64 */
  ml_loan_status active = status(ML_LOAN_ACTIVE, half);
  expect_total_overflow(p, "a", &active, NULL);
  ml_portfolio_figures f;
  ml_portfolio_total(p, &f);
  ml_ratio r = ml_portfolio_write_off_ratio(&f);
  assert_int_equal(r.num, 2 * (half - 1));
  assert_int_equal(r.den, half);
  ml_portfolio_free(p);
}

/* A status with a negative amount would break those bounds: refused. */
static void rejects_negative_amounts(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.period_start = date_of("2026-01-01"); /* a status at start is taken */
  ml_portfolio *p = new_portfolio(&o);
  ml_loan_status s = status(ML_LOAN_ACTIVE, 100);
  ml_loan_status bad[4] = {s, s, s, s};
  bad[0].outstanding[ML_PRINCIPAL] = -1;
  bad[1].arrears = -1;
  bad[2].written_off[ML_PRINCIPAL] = -1;
  for (int i = 0; i < 4; i++) {
    ml_error err;
    const ml_loan_status *end = i < 3 ? &bad[i] : &s;
    const ml_loan_status *start = i < 3 ? NULL : &bad[0];
    assert_int_equal(ml_portfolio_add(p, "k", end, start, &err), ML_EINVAL);
    assert_string_equal(err.message,
                        "a status with a negative outstanding principal, "
                        "arrears or written-off principal");
  }
  assert_int_equal(ml_portfolio_segment_count(p), 0);
  ml_portfolio_free(p);
}

/* A status at the period's start means nothing without a period_start:
 * refused (it was counted into the GLP at start, which the write-off
 * ratio's denominator takes). */
static void start_status_needs_a_period(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  ml_portfolio *p = new_portfolio(&o);
  ml_loan_status end = status(ML_LOAN_ACTIVE, 1000);
  ml_loan_status start = status(ML_LOAN_ACTIVE, 5000);
  ml_error err;
  assert_int_equal(ml_portfolio_add(p, "x", &end, &start, &err), ML_EINVAL);
  assert_string_equal(err.message, "a status at the period's start, but the "
                                   "options set no period_start");
  assert_int_equal(ml_portfolio_segment_count(p), 0);
  assert_int_equal(ml_portfolio_add(p, "x", &end, NULL, &err), ML_OK);
  ml_portfolio_figures f;
  ml_portfolio_total(p, &f);
  assert_int_equal(f.gross_portfolio_at_start, 0);
  ml_portfolio_free(p);
}

static ml_portfolio_figures outside_figures;

static void write_off_ratio_of_outside_figures(void) {
  (void)ml_portfolio_write_off_ratio(&outside_figures);
}

static void par_ratio_of_outside_figures(void) {
  (void)ml_portfolio_par_ratio(&outside_figures, 0);
}

/* Whether call() aborts, in a child process (its message to /dev/null). */
static int aborts(void (*call)(void)) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (freopen("/dev/null", "w", stderr) == NULL) _exit(3);
    call();
    _exit(0);
  }
  int status_of_child = 0;
  assert_int_equal(waitpid(pid, &status_of_child, 0), pid);
  return WIFSIGNALED(status_of_child) && WTERMSIG(status_of_child) == SIGABRT;
}

/* Figures no accumulator gives: a ratio's terms past int64 or a negative
 * denominator abort as the header says (they returned a ratio with den
 * < 0, which ml_ratio_format then aborted on); the largest terms that fit
 * give the exact ratio. */
static void ratios_of_figures_outside_the_accumulator(void **state) {
  (void)state;
  memset(&outside_figures, 0, sizeof outside_figures);
  outside_figures.gross_portfolio = INT64_MAX;
  outside_figures.gross_portfolio_at_start = 1;
  outside_figures.written_off_in_period = INT64_MAX;
  assert_true(aborts(write_off_ratio_of_outside_figures));
  outside_figures.gross_portfolio = INT64_MAX - 1;
  outside_figures.written_off_in_period = INT64_MAX / 2;
  ml_ratio r = ml_portfolio_write_off_ratio(&outside_figures);
  assert_int_equal(r.num, INT64_MAX - 1);
  assert_int_equal(r.den, INT64_MAX);
  outside_figures.gross_portfolio = -1;
  assert_true(aborts(par_ratio_of_outside_figures));
}

static void options_and_ratios(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.provisioning[0] = (ml_rate){1, 12}; /* scale 12: not a rate */
  ml_error err;
  assert_int_equal(ml_portfolio_options_validate(&o, &err), ML_EINVAL);
  assert_string_equal(err.field, "provisioning");
  assert_string_equal(err.message,
                      "provisioning: rate 1 must be from 0 % to 100 %");
  ml_portfolio_options_init(&o);
  o.threshold_count = 2; /* 1 and 30 days */
  ml_portfolio *p = new_portfolio(&o);
  ml_loan_status late = status(ML_LOAN_ACTIVE, 400);
  late.days_past_due = 45;
  assert_int_equal(ml_portfolio_add(p, "", &late, NULL, NULL), ML_OK);
  ml_portfolio_figures f;
  ml_portfolio_total(p, &f);
  ml_ratio r = {0, 0};
  assert_int_equal(ml_portfolio_risk_coverage(&r, p, &f, 100), ML_OK);
  assert_int_equal(r.num, 100); /* reserve 100 / PAR30 400 */
  assert_int_equal(r.den, 400);
  ml_portfolio_free(p);
  o.thresholds[1] = 31; /* no 30-day threshold */
  p = new_portfolio(&o);
  assert_int_equal(ml_portfolio_risk_coverage(&r, p, &f, 100), ML_EINVAL);
  ml_portfolio_free(p);
  char buf[48];
  assert_int_equal(ml_ratio_format(buf, sizeof buf, (ml_ratio){INT64_MAX, 1},
                                   12),
                   ML_OK);
  assert_string_equal(buf, "9223372036854775807.000000000000");
  assert_int_equal(ml_ratio_format(buf, 4, (ml_ratio){1, 3}, 6),
                   ML_EBUFFER);
  assert_int_equal(ml_ratio_format(buf, sizeof buf, (ml_ratio){1, 3}, 6),
                   ML_OK);
  assert_string_equal(buf, "0.333333");
}

/* Write-offs count in the period (period_start, as_of] only. */
static void write_offs_outside_the_period(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.period_start = date_of("2026-01-01");
  ml_portfolio *p = new_portfolio(&o);
  static const char *const closed[] = {"2026-01-01", "2026-01-02",
                                       "2026-06-30", "2026-07-01"};
  for (int i = 0; i < 4; i++) {
    ml_loan_status s = status(ML_LOAN_WRITTEN_OFF, 0);
    s.closed_on = date_of(closed[i]);
    s.written_off[ML_PRINCIPAL] = 1000 * (i + 1);
    assert_int_equal(ml_portfolio_add(p, "", &s, NULL, NULL), ML_OK);
  }
  ml_portfolio_figures f;
  ml_portfolio_total(p, &f);
  /* 2026-01-02 (2,000) and 2026-06-30 (3,000); not the period's first day
   * nor after the as-of date */
  assert_int_equal(f.written_off_in_period, 5000);
  assert_int_equal(f.by_state[ML_LOAN_WRITTEN_OFF], 4);
  ml_portfolio_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(merge_needs_the_same_options),
      cmocka_unit_test(sums_beyond_int64),
      cmocka_unit_test(ratio_sums_beyond_int64),
      cmocka_unit_test(rejects_negative_amounts),
      cmocka_unit_test(start_status_needs_a_period),
      cmocka_unit_test(ratios_of_figures_outside_the_accumulator),
      cmocka_unit_test(options_and_ratios),
      cmocka_unit_test(write_offs_outside_the_period),
  };
  return cmocka_run_group_tests_name("coverage_portfolio", tests, NULL, NULL);
}

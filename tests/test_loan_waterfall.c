/*
 * tests/test_loan_waterfall.c — repayments under the default options, which
 * the replay may pay as one waterfall (lib/ledger.c, defer_repayments), at
 * the edges of that shortcut: payments late, early and on due dates, a
 * payment just below the bound the shortcut uses, one equal to the
 * principal outstanding (which settles), an overpayment. The expected
 * figures are worked out by hand below; the seeded cases compare the
 * default options with options that take the general way every time (a
 * late fee that never falls due in the loan's life) and must give the same
 * bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

#define MAX_ROWS (ML_SCHEDULE_MAX_INSTALLMENTS + 1)
#define MAX_EVENTS 64

static ml_loan_installment rows[MAX_ROWS];

/* 1,200.00 SEK at 0 % over 3 months, with a 10.00 fee on each
 * installment: rows of 400.00 principal + 10.00 fees, due 2026-02-15,
 * 2026-03-15, 2026-04-15. The fee makes the money paid differ from the
 * principal paid, which is what the shortcut's bound has to allow for. */
static void fee_terms(ml_schedule_terms *t) {
  ml_schedule_terms_init(t);
  t->principal = 120000;
  t->annual_rate = (ml_rate){0, 0};
  t->installments = 3;
  t->installment_fee = 1000;
  t->disbursed = date_of("2026-01-15");
}

typedef struct journal {
  ml_event events[MAX_EVENTS];
  size_t count;
} journal;

static void pay(journal *j, const char *date, ml_amount amount) {
  assert_true(j->count < MAX_EVENTS);
  ml_event *e = &j->events[j->count];
  ml_event_init(e, ML_EVENT_REPAYMENT, date_of(date), amount);
  e->id = (int64_t)++j->count;
}

/* 300.00 late, 300.00 early, 210.00 on the second due date: 810.00 pays
 * row 1 (10.00 + 400.00), then row 2's fee and 390.00 of its principal,
 * which leaves 10.00 of row 2 unpaid. */
static void journal_a(journal *j) {
  j->count = 0;
  pay(j, "2026-02-20", 30000);
  pay(j, "2026-03-01", 30000);
  pay(j, "2026-03-15", 21000);
}

static void status_of(ml_loan_status *s, const journal *j, const char *as_of) {
  ml_schedule_terms t;
  ml_loan_options o;
  fee_terms(&t);
  ml_loan_options_init(&o);
  ml_error err;
  ml_status st = ml_loan_status_compute(s, rows, MAX_ROWS, &t, &o, j->events,
                                        j->count, date_of(as_of), &err);
  if (st != ML_OK) fail_msg("%s", err.message);
  assert_int_equal(s->installment_count, 3);
}

static void expect_row(size_t i, ml_amount principal_paid, ml_amount fees_due,
                       ml_amount fees_paid) {
  const ml_loan_installment *r = &rows[i];
  assert_int_equal(r->due[ML_PRINCIPAL], 40000);
  assert_int_equal(r->paid[ML_PRINCIPAL], principal_paid);
  assert_int_equal(r->outstanding[ML_PRINCIPAL], 40000 - principal_paid);
  assert_int_equal(r->due[ML_FEES], fees_due);
  assert_int_equal(r->paid[ML_FEES], fees_paid);
  assert_int_equal(r->outstanding[ML_FEES], fees_due - fees_paid);
  assert_int_equal(r->due[ML_INTEREST] + r->due[ML_PENALTIES], 0);
}

static void partial_late_early_and_on_due_date(void **state) {
  (void)state;
  journal j;
  journal_a(&j);
  ml_loan_status s;
  status_of(&s, &j, "2026-03-20");
  expect_row(0, 40000, 1000, 1000);
  expect_row(1, 39000, 1000, 1000);
  expect_row(2, 0, 1000, 0);
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  assert_int_equal(s.paid_total, 81000);
  assert_int_equal(s.outstanding[ML_PRINCIPAL], 41000);
  assert_int_equal(s.outstanding[ML_FEES], 1000);
  assert_int_equal(s.arrears, 1000);
  assert_int_equal(s.days_past_due, 5);
  assert_int_equal(s.overdue_since, date_of("2026-03-16"));
  assert_int_equal(s.next_due_date, date_of("2026-04-15"));
  assert_int_equal(s.next_due_amount, 41000);
  /* 10.00 of row 2 due, row 3's principal; row 3's fee is not yet due. */
  assert_int_equal(s.payoff, 41000);
  /* On the due date itself, the third payment counts and row 2 is not
   * yet overdue. */
  status_of(&s, &j, "2026-03-15");
  assert_int_equal(s.paid_total, 81000);
  assert_int_equal(s.arrears, 0);
  assert_int_equal(s.days_past_due, 0);
  assert_int_equal(s.next_due_date, date_of("2026-03-15"));
  assert_int_equal(s.next_due_amount, 1000);
}

/* After journal A, 810.00 of the 1,230.00 paid: the principal outstanding
 * is 410.00, but 1,200.00 - 810.00 = 390.00 is all the shortcut can tell
 * without paying the rows. */
static void below_the_bound_pays_in_order(void **state) {
  (void)state;
  journal j;
  journal_a(&j);
  pay(&j, "2026-04-01", 38999); /* below 390.00: row 2's 10.00, row 3's fee */
  ml_loan_status s;
  status_of(&s, &j, "2026-04-30");
  expect_row(1, 40000, 1000, 1000);
  expect_row(2, 36999, 1000, 1000);
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  assert_int_equal(s.outstanding[ML_PRINCIPAL], 3001);
  assert_int_equal(s.arrears, 3001);
  assert_int_equal(s.days_past_due, 15);
}

static void between_the_bound_and_the_principal(void **state) {
  (void)state;
  journal j;
  journal_a(&j);
  pay(&j, "2026-04-01", 40999); /* 1 öre below the principal outstanding */
  ml_loan_status s;
  status_of(&s, &j, "2026-04-30");
  expect_row(1, 40000, 1000, 1000);
  expect_row(2, 38999, 1000, 1000);
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  assert_int_equal(s.outstanding[ML_PRINCIPAL], 1001);
  assert_int_equal(s.credit_balance, 0);
}

static void equal_to_the_principal_settles(void **state) {
  (void)state;
  journal j;
  journal_a(&j);
  /* The payoff on 2026-04-01: row 2's 10.00 and row 3's 400.00; row 3's
   * scheduled fee is not yet due and is dropped. */
  pay(&j, "2026-04-01", 41000);
  ml_loan_status s;
  status_of(&s, &j, "2026-04-30");
  expect_row(1, 40000, 1000, 1000);
  expect_row(2, 40000, 0, 0);
  assert_int_equal(s.state, ML_LOAN_CLOSED);
  assert_int_equal(s.closed_on, date_of("2026-04-01"));
  assert_int_equal(s.paid_total, 122000);
  assert_int_equal(s.credit_balance, 0);
  assert_int_equal(s.arrears, 0);
}

static void overpayment_leaves_a_credit(void **state) {
  (void)state;
  journal j;
  journal_a(&j);
  pay(&j, "2026-04-01", 100000);
  ml_loan_status s;
  status_of(&s, &j, "2026-04-30");
  expect_row(2, 40000, 0, 0);
  assert_int_equal(s.state, ML_LOAN_CREDIT_BALANCE);
  assert_int_equal(s.credit_balance, 59000);
  assert_int_equal(s.closed_on, date_of("2026-04-01"));
}

/* Exactly what is owed, paid in three parts: every row is paid, but the
 * last part equals the principal outstanding, so it settles the loan. */
static void last_part_settles(void **state) {
  (void)state;
  journal j;
  j.count = 0;
  pay(&j, "2026-02-15", 41000);
  pay(&j, "2026-03-15", 41000);
  pay(&j, "2026-04-15", 41000);
  ml_loan_status s;
  status_of(&s, &j, "2026-04-15");
  for (size_t i = 0; i < 3; i++) expect_row(i, 40000, 1000, 1000);
  assert_int_equal(s.state, ML_LOAN_CLOSED);
  assert_int_equal(s.closed_on, date_of("2026-04-15"));
  status_of(&s, &j, "2026-04-14");
  assert_int_equal(s.state, ML_LOAN_ACTIVE);
  assert_int_equal(s.outstanding[ML_PRINCIPAL], 40000);
}

/* ---- the shortcut against the general way, on seeded journals ---------- */

/* Terms like `mikrolan generate` makes: monthly annuity or equal
 * principal, some with principal grace, sometimes fees; and some with due
 * dates moved to Swedish bank days, whose interest periods then end on
 * other days than the rows fall due. */
static void random_terms(ml_schedule_terms *t, uint64_t *s) {
  ml_schedule_terms_init(t);
  t->principal = rand_range(s, 500000, 25000000);
  t->annual_rate = (ml_rate){rand_range(s, 0, 200), 3};
  t->installments = (int32_t)rand_range(s, 3, 36);
  if (rand_range(s, 0, 3) == 0) t->method = ML_METHOD_EQUAL_PRINCIPAL;
  if (t->installments > 12 && rand_range(s, 0, 3) == 0) {
    t->grace_principal = (int32_t)rand_range(s, 6, 12);
  }
  if (rand_range(s, 0, 5) == 0) t->installment_fee = rand_range(s, 1, 5000);
  if (rand_range(s, 0, 7) == 0) t->upfront_fee = rand_range(s, 1, 50000);
  t->disbursed = date_of("2026-01-15") + (ml_date)rand_range(s, 0, 60);
  if (rand_range(s, 0, 3) == 0) {
    t->calendar.kind = ML_CALENDAR_SE;
    t->business_day = (ml_business_day)rand_range(s, ML_BD_FOLLOWING,
                                                  ML_BD_MODIFIED_PRECEDING);
  }
}

/* The status at as_of under the default options, or under options that
 * differ from them only by a late fee no installment lives to see (its
 * trigger, 3660 days after the due date, is after every as_of here). */
static ml_status status_with(ml_loan_status *s, ml_loan_installment *out,
                             const ml_schedule_terms *t, const journal *j,
                             ml_date as_of, int general) {
  ml_loan_options o;
  ml_loan_options_init(&o);
  if (general) {
    o.late_fee = 1;
    o.late_fee_days = 3660;
  }
  memset(s, 0, sizeof *s);
  memset(out, 0, MAX_ROWS * sizeof *out);
  return ml_loan_status_compute(s, out, MAX_ROWS, t, &o, j->events, j->count,
                                as_of, NULL);
}

/* A repayment per installment: on time, late, early, partial, double, or
 * the principal outstanding, the payoff or one öre less, as of its date. */
static void random_journal(journal *j, const ml_schedule_terms *t,
                           uint64_t *s) {
  static ml_installment sched[MAX_ROWS];
  static ml_loan_installment probe[MAX_ROWS];
  size_t n = 0;
  assert_int_equal(ml_schedule_compute(sched, MAX_ROWS, &n, t, NULL), ML_OK);
  j->count = 0;
  for (size_t r = 0; r < n && j->count + 1 < MAX_EVENTS; r++) {
    ml_date d = sched[r].due_date;
    ml_amount amount = sched[r].total;
    int64_t roll = rand_range(s, 0, 11);
    if (roll == 0) continue;
    if (roll == 1) d += (ml_date)rand_range(s, 1, 40);
    if (roll == 2) d -= (ml_date)rand_range(s, 1, 20);
    if (roll == 3) amount /= 2;
    if (roll == 4) amount *= 2;
    if (roll >= 5 && roll <= 7) {
      ml_loan_status st;
      if (status_with(&st, probe, t, j, d, 0) != ML_OK) continue;
      ml_amount owed = roll == 5 ? st.outstanding[ML_PRINCIPAL] : st.payoff;
      amount = roll == 7 ? owed - 1 : owed;
    }
    if (amount <= 0) amount = 1;
    ml_event *e = &j->events[j->count];
    ml_event_init(e, ML_EVENT_REPAYMENT, d, amount);
    e->id = (int64_t)++j->count;
  }
}

/* Member by member: the status has padding, which memcmp would read. */
static int same_status(const ml_loan_status *a, const ml_loan_status *b) {
  for (int c = 0; c < ML_COMPONENTS; c++) {
    if (a->outstanding[c] != b->outstanding[c] ||
        a->written_off[c] != b->written_off[c]) {
      return 0;
    }
  }
  return a->as_of == b->as_of && a->state == b->state &&
         a->days_past_due == b->days_past_due &&
         a->overdue_since == b->overdue_since && a->arrears == b->arrears &&
         a->next_due_date == b->next_due_date &&
         a->next_due_amount == b->next_due_amount && a->payoff == b->payoff &&
         a->paid_total == b->paid_total &&
         a->credit_balance == b->credit_balance &&
         a->written_off_total == b->written_off_total &&
         a->closed_on == b->closed_on && a->restructured == b->restructured &&
         a->installment_count == b->installment_count;
}

static void expect_same_as_the_general_way(const ml_schedule_terms *t,
                                          const journal *j, ml_date as_of,
                                          int i) {
  static ml_loan_installment general_rows[MAX_ROWS];
  ml_loan_status fast, general;
  ml_status a = status_with(&fast, rows, t, j, as_of, 0);
  ml_status b = status_with(&general, general_rows, t, j, as_of, 1);
  if (a != b || !same_status(&fast, &general) ||
      memcmp(rows, general_rows, MAX_ROWS * sizeof rows[0]) != 0) {
    char when[ML_DATE_FORMAT_SIZE];
    assert_int_equal(ml_date_format(when, sizeof when, as_of), ML_OK);
    fail_msg("case %d, as of %s: the default options differ from the "
             "general way",
             i, when);
  }
}

/* As of dates near each repayment, after the last, and on each day from
 * an interest period's end to its row's due date where a bank day moved
 * the one away from the other (the current row may then be one whose
 * period has ended: the payoff takes no interest of the next). */
static void same_as_the_general_way(void **state) {
  (void)state;
  static ml_installment sched[MAX_ROWS];
  uint64_t seed = 0x5eed0fa11ULL;
  for (int i = 0; i < 300; i++) {
    ml_schedule_terms t;
    journal j;
    random_terms(&t, &seed);
    random_journal(&j, &t, &seed);
    for (size_t k = 0; k < j.count; k++) {
      ml_date near = j.events[k].date + (ml_date)(k % 3) - 1;
      expect_same_as_the_general_way(&t, &j, near, i);
    }
    expect_same_as_the_general_way(&t, &j, t.disbursed + 1200, i);
    size_t n = 0;
    assert_int_equal(ml_schedule_compute(sched, MAX_ROWS, &n, &t, NULL), ML_OK);
    for (size_t r = 0; r < n; r++) {
      ml_date a = sched[r].period_end, b = sched[r].due_date;
      if (a == b) continue;
      for (ml_date d = a < b ? a : b; d <= (a < b ? b : a); d++) {
        expect_same_as_the_general_way(&t, &j, d, i);
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(partial_late_early_and_on_due_date),
      cmocka_unit_test(below_the_bound_pays_in_order),
      cmocka_unit_test(between_the_bound_and_the_principal),
      cmocka_unit_test(equal_to_the_principal_settles),
      cmocka_unit_test(overpayment_leaves_a_credit),
      cmocka_unit_test(last_part_settles),
      cmocka_unit_test(same_as_the_general_way),
  };
  return cmocka_run_group_tests_name("loan_waterfall", tests, NULL, NULL);
}

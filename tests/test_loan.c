/*
 * tests/test_loan.c — the ledger's properties over seeded random journals
 * (replay determinism, order independence, reversal restores, balanced
 * postings, due = paid + waived + written off + outstanding, money and
 * waivers kept on the rows, the payoff settles), the names,
 * and every rejected event with the journal unchanged afterwards.
 * Hand-computed scenarios are in test_loan_scenarios.c.
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
#include "loan_properties.h"
#include "test_support.h"

#define MAX_ROWS (ML_SCHEDULE_MAX_INSTALLMENTS + 1)
#define MAX_EVENTS 40

/* A random event for the loan, dated within its life. */
static void random_event(ml_event *e, const ml_schedule_terms *t, size_t count,
                         uint64_t *s) {
  ml_date d = t->disbursed + (ml_date)rand_range(s, 0, 31 * t->installments + 60);
  int64_t roll = rand_range(s, 0, 99);
  if (roll < 60) {
    ml_event_init(e, ML_EVENT_REPAYMENT, d,
                  rand_range(s, 1, t->principal / t->installments + 50000));
  } else if (roll < 68) {
    ml_event_init(e, ML_EVENT_FEE, d, 6000);
  } else if (roll < 73) {
    ml_event_init(e, ML_EVENT_PENALTY, d, rand_range(s, 1, 20000));
  } else if (roll < 80) {
    ml_event_init(e, ML_EVENT_WAIVER, d, rand_range(s, 1, 20000));
    e->component = (ml_component)rand_range(s, 1, 3);
  } else if (roll < 90 && count > 0) {
    ml_event_init(e, ML_EVENT_REVERSAL, d, 0);
    e->target = rand_range(s, 1, (int64_t)count);
  } else if (roll < 95) {
    ml_event_init(e, ML_EVENT_RESCHEDULE, d, 0);
    e->reschedule.annual_rate = (ml_rate){rand_range(s, 0, 200), 3};
    e->reschedule.installments = (int32_t)rand_range(s, 1, 24);
  } else {
    ml_event_init(e, ML_EVENT_WRITE_OFF, d, 0);
  }
}

typedef struct snapshot {
  ml_loan_status status;
  ml_loan_installment rows[MAX_ROWS];
} snapshot;

static ml_status take(snapshot *snap, const ml_schedule_terms *t,
                      const ml_loan_options *o, const ml_event *events,
                      size_t count, ml_date as_of) {
  memset(snap, 0, sizeof *snap);
  return ml_loan_status_compute(&snap->status, snap->rows, MAX_ROWS, t, o,
                                events, count, as_of, NULL);
}

static int same_snapshot(const snapshot *a, const snapshot *b) {
  return memcmp(&a->status, &b->status, sizeof a->status) == 0 &&
         memcmp(a->rows, b->rows,
                a->status.installment_count * sizeof a->rows[0]) == 0;
}

static void check_rows(const snapshot *snap, const ml_event *events,
                       size_t count, uint64_t seed, int i) {
  const ml_loan_status *st = &snap->status;
  ml_amount sum[ML_COMPONENTS] = {0};
  for (size_t r = 0; r < st->installment_count; r++) {
    const ml_loan_installment *row = &snap->rows[r];
    for (int c = 0; c < ML_COMPONENTS; c++) {
      if (row->due[c] != row->paid[c] + row->waived[c] + row->written_off[c] +
                             row->outstanding[c] ||
          row->outstanding[c] < 0 || row->paid[c] < 0) {
        fail_msg("seed %#llx case %d: row %zu component %d does not add up",
                 (unsigned long long)seed, i, r, c);
      }
      sum[c] += row->outstanding[c];
    }
  }
  for (int c = 0; c < ML_COMPONENTS; c++) assert_int_equal(sum[c], st->outstanding[c]);
  ml_amount lost = money_not_kept(st, snap->rows);
  if (lost != 0) {
    fail_msg("seed %#llx case %d: %lld of %lld received neither on the rows "
             "nor owed back", (unsigned long long)seed, i, (long long)lost,
             (long long)st->paid_total);
  }
  if (!waivers_kept(st, snap->rows, events, count)) {
    fail_msg("seed %#llx case %d: a waiver is no longer on the rows",
             (unsigned long long)seed, i);
  }
  if (st->days_past_due < 0 || st->credit_balance < 0 || st->arrears < 0) {
    fail_msg("seed %#llx case %d: negative figure", (unsigned long long)seed, i);
  }
}

static void check_postings(const ml_schedule_terms *t, const ml_loan_options *o,
                           const ml_event *events, size_t count, ml_date as_of,
                           uint64_t seed, int i) {
  static ml_posting lines[4096];
  size_t n = 0;
  assert_int_equal(ml_loan_postings_compute(lines, 4096, &n, t, o, events,
                                            count, as_of, NULL),
                   ML_OK);
  ml_amount debit = 0, credit = 0;
  for (size_t k = 0; k < n; k++) {
    if ((lines[k].debit > 0) == (lines[k].credit > 0)) {
      fail_msg("seed %#llx case %d: a line is both or neither",
               (unsigned long long)seed, i);
    }
    debit += lines[k].debit;
    credit += lines[k].credit;
    /* each event's lines balance on their own */
    if (k + 1 == n || lines[k + 1].event_id != lines[k].event_id ||
        lines[k + 1].date != lines[k].date) {
      if (debit != credit) {
        fail_msg("seed %#llx case %d: event %lld posts %lld debit, %lld credit",
                 (unsigned long long)seed, i, (long long)lines[k].event_id,
                 (long long)debit, (long long)credit);
      }
    }
  }
}

/* Builds a random valid journal through ml_loan_append. */
static size_t random_journal(ml_event *out, const ml_schedule_terms *t,
                             const ml_loan_options *o, uint64_t *s,
                             int with_reversals) {
  ml_loan *loan;
  assert_int_equal(ml_loan_new(&loan, t, o, NULL), ML_OK);
  int64_t wanted = rand_range(s, 0, 25);
  for (int64_t k = 0; k < wanted; k++) {
    ml_event e;
    random_event(&e, t, ml_loan_event_count(loan), s);
    if (!with_reversals && e.type == ML_EVENT_REVERSAL) continue;
    (void)!ml_loan_append(loan, &e, NULL, NULL);
  }
  size_t n = ml_loan_event_count(loan);
  if (n > 0) memcpy(out, ml_loan_events(loan), n * sizeof *out);
  ml_loan_free(loan);
  return n;
}

static void replay_is_deterministic_and_consistent(void **state) {
  (void)state;
  uint64_t seed = 0x10a40001u, s = seed;
  static snapshot a, b;
  for (int i = 0; i < 10000; i++) {
    ml_schedule_terms t;
    ml_loan_options o;
    ml_event events[MAX_EVENTS];
    random_loan_terms(&t, &o, &s);
    size_t n = random_journal(events, &t, &o, &s, 1);
    ml_date as_of = t.disbursed + (ml_date)rand_range(&s, -10, 1200);
    ml_error err;
    memset(&a, 0, sizeof a);
    if (ml_loan_status_compute(&a.status, a.rows, MAX_ROWS, &t, &o, events, n,
                               as_of, &err) != ML_OK ||
        take(&b, &t, &o, events, n, as_of) != ML_OK) {
      fail_msg("seed %#llx case %d: a valid journal fails at %d: %s",
               (unsigned long long)seed, i, (int)as_of, err.message);
    }
    if (!same_snapshot(&a, &b)) {
      fail_msg("seed %#llx case %d: replay differs", (unsigned long long)seed, i);
    }
    check_rows(&a, events, n, seed, i);
    check_postings(&t, &o, events, n, as_of, seed, i);
  }
}

/* Distinct dates: any order of entry gives the same status. */
static void entry_order_does_not_matter(void **state) {
  (void)state;
  uint64_t seed = 0x10a40002u, s = seed;
  static snapshot a, b;
  int compared = 0;
  for (int i = 0; i < 10000; i++) {
    ml_schedule_terms t;
    ml_loan_options o;
    ml_event events[MAX_EVENTS], shuffled[MAX_EVENTS];
    random_loan_terms(&t, &o, &s);
    size_t n = random_journal(events, &t, &o, &s, 0);
    int distinct = 1;
    for (size_t x = 0; x < n; x++) {
      for (size_t y = x + 1; y < n; y++) distinct &= events[x].date != events[y].date;
    }
    if (!distinct || n < 2) continue;
    memcpy(shuffled, events, n * sizeof *events);
    for (size_t k = n - 1; k > 0; k--) {
      size_t j = (size_t)rand_range(&s, 0, (int64_t)k);
      ml_event tmp = shuffled[k];
      shuffled[k] = shuffled[j];
      shuffled[j] = tmp;
    }
    for (size_t k = 0; k < n; k++) shuffled[k].id = (int64_t)k + 1;
    ml_date as_of = ML_DATE_MAX;
    assert_int_equal(take(&a, &t, &o, events, n, as_of), ML_OK);
    if (take(&b, &t, &o, shuffled, n, as_of) != ML_OK || !same_snapshot(&a, &b)) {
      fail_msg("seed %#llx case %d: entry order changed the status",
               (unsigned long long)seed, i);
    }
    compared++;
  }
  assert_true(compared > 1000);
}

/* random_loan_terms with, now and then, an interest or principal grace,
 * interest-free installments and Swedish bank days. */
static void random_wider_terms(ml_schedule_terms *t, ml_loan_options *o,
                               uint64_t *s) {
  random_loan_terms(t, o, s);
  int32_t n = t->installments;
  if (rand_range(s, 0, 2) == 0) t->grace_interest = (int32_t)rand_range(s, 0, n - 1);
  if (rand_range(s, 0, 3) == 0) t->grace_principal = (int32_t)rand_range(s, 0, n - 1);
  if (rand_range(s, 0, 4) == 0) t->interest_free = (int32_t)rand_range(s, 0, n);
  if (rand_range(s, 0, 3) == 0) {
    t->calendar.kind = ML_CALENDAR_SE;
    t->business_day = (ml_business_day)rand_range(s, 0, 4);
  }
  if (ml_schedule_validate(t, NULL) != ML_OK) {
    t->grace_interest = t->grace_principal = t->interest_free = 0;
  }
}

/* The repayment of `amount` appended to events[0..n) on date d, and the
 * status at d. */
static void repay_at(snapshot *snap, const ml_schedule_terms *t,
                     const ml_loan_options *o, ml_event *events, size_t n,
                     ml_date d, ml_amount amount, uint64_t seed, int i) {
  ml_event_init(&events[n], ML_EVENT_REPAYMENT, d, amount);
  events[n].id = (int64_t)n + 1;
  if (take(snap, t, o, events, n + 1, d) != ML_OK) {
    fail_msg("seed %#llx case %d: a repayment of %lld is rejected",
             (unsigned long long)seed, i, (long long)amount);
  }
}

/* Paying the payoff on its date settles the loan, nothing owed and
 * nothing owed back; one öre less leaves it open (README: a repayment
 * that reaches the payoff settles the loan, one below it never closes
 * it). Also with a late fee triggered on the date: the payoff leaves it
 * out, as the repayment comes before it. */
static void the_payoff_settles(void **state) {
  (void)state;
  uint64_t seed = 0x10a40005u, s = seed;
  static snapshot before, after;
  int settled = 0;
  for (int i = 0; i < 10000; i++) {
    ml_schedule_terms t;
    ml_loan_options o;
    ml_event events[MAX_EVENTS + 1];
    random_wider_terms(&t, &o, &s);
    size_t n = random_journal(events, &t, &o, &s, 1);
    ml_date d = t.disbursed;
    for (size_t k = 0; k < n; k++) d = events[k].date > d ? events[k].date : d;
    d += (ml_date)rand_range(&s, 0, 400);
    assert_int_equal(take(&before, &t, &o, events, n, d), ML_OK);
    ml_amount payoff = before.status.payoff;
    if (before.status.state != ML_LOAN_ACTIVE || payoff <= 1) continue;
    repay_at(&after, &t, &o, events, n, d, payoff, seed, i);
    const ml_loan_status *st = &after.status;
    ml_amount owed = 0;
    for (int c = 0; c < ML_COMPONENTS; c++) owed += st->outstanding[c];
    if (st->state != ML_LOAN_CLOSED || owed != 0 || st->credit_balance != 0) {
      fail_msg("seed %#llx case %d: paying the payoff %lld leaves state %d, "
               "%lld owed, %lld owed back", (unsigned long long)seed, i,
               (long long)payoff, (int)st->state, (long long)owed,
               (long long)st->credit_balance);
    }
    repay_at(&after, &t, &o, events, n, d, payoff - 1, seed, i);
    if (after.status.state != ML_LOAN_ACTIVE) {
      fail_msg("seed %#llx case %d: paying %lld, one below the payoff, "
               "closes the loan", (unsigned long long)seed, i,
               (long long)payoff - 1);
    }
    /* Re-amortising, what stays owed is the öre short, no more. */
    if (o.prepayment != ML_PREPAY_NEXT_INSTALLMENTS &&
        after.status.payoff != 1) {
      fail_msg("seed %#llx case %d: one below the payoff %lld leaves a "
               "payoff of %lld", (unsigned long long)seed, i,
               (long long)payoff, (long long)after.status.payoff);
    }
    settled++;
  }
  assert_true(settled > 3000);
}

/* Reversing event k gives the status of the journal without it. */
static void reversal_restores_status(void **state) {
  (void)state;
  uint64_t seed = 0x10a40003u, s = seed;
  static snapshot a, b;
  int compared = 0;
  for (int i = 0; i < 10000; i++) {
    ml_schedule_terms t;
    ml_loan_options o;
    ml_event events[MAX_EVENTS + 1], without[MAX_EVENTS];
    random_loan_terms(&t, &o, &s);
    size_t n = random_journal(events, &t, &o, &s, 0);
    if (n == 0) continue;
    size_t k = (size_t)rand_range(&s, 0, (int64_t)n - 1);
    if (events[k].type == ML_EVENT_DISBURSEMENT) continue;
    ml_loan *loan;
    assert_int_equal(ml_loan_new(&loan, &t, &o, NULL), ML_OK);
    for (size_t x = 0; x < n; x++) {
      assert_int_equal(ml_loan_append(loan, &events[x], NULL, NULL), ML_OK);
    }
    ml_event reversal;
    ml_event_init(&reversal, ML_EVENT_REVERSAL, ML_DATE_MAX - 1, 0);
    reversal.target = (int64_t)k + 1;
    ml_status st = ml_loan_append(loan, &reversal, NULL, NULL);
    ml_loan_free(loan);
    if (st != ML_OK) continue; /* the journal without it is not valid */
    events[n] = reversal;
    events[n].id = (int64_t)n + 1;
    size_t m = 0;
    for (size_t x = 0; x < n; x++) {
      if (x == k) continue;
      without[m] = events[x];
      without[m].id = (int64_t)m + 1;
      m++;
    }
    assert_int_equal(take(&a, &t, &o, events, n + 1, ML_DATE_MAX), ML_OK);
    assert_int_equal(take(&b, &t, &o, without, m, ML_DATE_MAX), ML_OK);
    if (!same_snapshot(&a, &b)) {
      fail_msg("seed %#llx case %d: reversing event %zu does not restore",
               (unsigned long long)seed, i, k + 1);
    }
    compared++;
  }
  assert_true(compared > 3000);
}

/* ---- rejected events --------------------------------------------------- */

typedef struct rejection {
  ml_event event;
  ml_status status;
  const char *field;
  const char *message;
} rejection;

static void base_loan(ml_loan **loan) {
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 1200000;
  t.annual_rate = (ml_rate){12, 2};
  t.installments = 6;
  t.disbursed = date_of("2026-01-15");
  ml_loan_options o;
  ml_loan_options_init(&o);
  assert_int_equal(ml_loan_new(loan, &t, &o, NULL), ML_OK);
}

static void expect_rejected(ml_loan *loan, const ml_event *e, ml_status code,
                            const char *field, const char *message) {
  size_t before = ml_loan_event_count(loan);
  static snapshot a, b;
  assert_int_equal(ml_loan_status_at(&a.status, a.rows, MAX_ROWS, loan,
                                     ML_DATE_MAX, NULL), ML_OK);
  ml_error err;
  int64_t id = -1;
  assert_int_equal(ml_loan_append(loan, e, &id, &err), code);
  assert_int_equal(id, -1);
  assert_string_equal(err.field, field);
  assert_string_equal(err.message, message);
  assert_int_equal(ml_loan_event_count(loan), before);
  assert_int_equal(ml_loan_status_at(&b.status, b.rows, MAX_ROWS, loan,
                                     ML_DATE_MAX, NULL), ML_OK);
  assert_true(same_snapshot(&a, &b));
}

static void rejected_events(void **state) {
  (void)state;
  ml_loan *loan;
  base_loan(&loan);
  ml_event e;
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-01-14"), 1000);
  expect_rejected(loan, &e, ML_ESTATE, "date",
                  "event 1: dated before the disbursement");
  ml_event_init(&e, ML_EVENT_FEE, date_of("2026-01-10"), 6000);
  expect_rejected(loan, &e, ML_ESTATE, "date",
                  "event 1: dated before the disbursement");
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"), 0);
  expect_rejected(loan, &e, ML_EINVAL, "amount",
                  "event 1: the amount must be greater than 0");
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"), -5);
  expect_rejected(loan, &e, ML_EINVAL, "amount",
                  "event 1: the amount must be greater than 0");
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"),
                ML_SCHEDULE_PRINCIPAL_HARD_LIMIT + 1);
  expect_rejected(loan, &e, ML_ELIMIT, "amount",
                  "event 1: the amount 10000000000000.01 is above the limit "
                  "of 10000000000000.00");
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, date_of("2026-01-15"), 25000001);
  expect_rejected(loan, &e, ML_ELIMIT, "amount",
                  "event 1: the amount 250000.01 is above the limit of "
                  "250000.00");
  ml_event_init(&e, ML_EVENT_REVERSAL, date_of("2026-02-15"), 0);
  e.target = 1;
  expect_rejected(loan, &e, ML_EINVAL, "target",
                  "event 1: the reversal names no earlier event");
  ml_event_init(&e, ML_EVENT_WAIVER, date_of("2026-02-15"), 100);
  e.component = ML_PRINCIPAL;
  expect_rejected(loan, &e, ML_EINVAL, "component",
                  "event 1: only interest, fees or penalties can be waived");
  ml_event_init(&e, ML_EVENT_WAIVER, date_of("2026-02-15"), 100);
  e.component = ML_FEES;
  expect_rejected(loan, &e, ML_ESTATE, "amount",
                  "event 1: the waiver is larger than the fees owed (0.00)");
  ml_event_init(&e, ML_EVENT_REPAYMENT, ML_DATE_MIN - 1, 100);
  expect_rejected(loan, &e, ML_ERANGE, "date",
                  "event 1: the date is outside 1900-01-01..2200-12-31");

  /* A journal to reverse things in. */
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, date_of("2026-01-15"), 1200000);
  assert_int_equal(ml_loan_append(loan, &e, NULL, NULL), ML_OK);
  ml_event_init(&e, ML_EVENT_DISBURSEMENT, date_of("2026-01-16"), 1200000);
  expect_rejected(loan, &e, ML_ESTATE, "type",
                  "event 2: the loan is already disbursed (one disbursement "
                  "per loan)");
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"), 207058);
  int64_t repayment = 0;
  assert_int_equal(ml_loan_append(loan, &e, &repayment, NULL), ML_OK);
  assert_int_equal(repayment, 2);
  ml_event reversal;
  ml_event_init(&reversal, ML_EVENT_REVERSAL, date_of("2026-02-20"), 0);
  reversal.target = 1;
  expect_rejected(loan, &reversal, ML_ESTATE, "target",
                  "event 3: the disbursement cannot be reversed");
  reversal.target = 2;
  reversal.date = date_of("2026-02-10");
  expect_rejected(loan, &reversal, ML_EINVAL, "date",
                  "event 3: a reversal cannot be dated before its event");
  reversal.date = date_of("2026-02-20");
  assert_int_equal(ml_loan_append(loan, &reversal, NULL, NULL), ML_OK);
  expect_rejected(loan, &reversal, ML_ESTATE, "target",
                  "event 4: that event is already reversed");
  reversal.target = 3;
  expect_rejected(loan, &reversal, ML_ESTATE, "target",
                  "event 4: a reversal cannot be reversed");
  /* Written off: later events are rejected, a reversal is not. */
  ml_event_init(&e, ML_EVENT_WRITE_OFF, date_of("2026-06-01"), 0);
  assert_int_equal(ml_loan_append(loan, &e, NULL, NULL), ML_OK);
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-06-02"), 1000);
  expect_rejected(loan, &e, ML_ESTATE, "type",
                  "event 5: the loan is written off by then");
  ml_event_init(&reversal, ML_EVENT_REVERSAL, date_of("2026-06-03"), 0);
  reversal.target = 4;
  assert_int_equal(ml_loan_append(loan, &reversal, NULL, NULL), ML_OK);
  ml_loan_free(loan);
}

static void closed_loan_rejects_later_events(void **state) {
  (void)state;
  ml_loan *loan;
  base_loan(&loan);
  ml_event e;
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-03-01"), 2000000);
  assert_int_equal(ml_loan_append(loan, &e, NULL, NULL), ML_OK);
  ml_event_init(&e, ML_EVENT_FEE, date_of("2026-03-02"), 6000);
  expect_rejected(loan, &e, ML_ESTATE, "type",
                  "event 2: the loan is closed by then");
  /* A backdated repayment before the closing date is accepted. */
  ml_event_init(&e, ML_EVENT_REPAYMENT, date_of("2026-02-15"), 1000);
  assert_int_equal(ml_loan_append(loan, &e, NULL, NULL), ML_OK);
  ml_loan_free(loan);
}

static void names(void **state) {
  (void)state;
  assert_string_equal(ml_event_type_name(ML_EVENT_WRITE_OFF), "write-off");
  assert_null(ml_event_type_name((ml_event_type)8));
  ml_event_type t;
  assert_int_equal(ml_event_type_parse(&t, "reschedule", NULL), ML_OK);
  assert_int_equal(t, ML_EVENT_RESCHEDULE);
  ml_error err;
  assert_int_equal(ml_event_type_parse(&t, "payment", &err), ML_EINVAL);
  assert_string_equal(err.field, "type");
  assert_string_equal(err.message,
                      "unknown type \"payment\": expected one of "
                      "disbursement, repayment, fee, penalty, waiver, "
                      "write-off, reversal, reschedule");
  ml_allocation a;
  assert_int_equal(ml_allocation_parse(&a, "due-then-advance", NULL), ML_OK);
  assert_int_equal(a, ML_ALLOC_DUE_THEN_ADVANCE);
  ml_prepayment p;
  assert_int_equal(ml_prepayment_parse(&p, "reduce-term", NULL), ML_OK);
  assert_int_equal(p, ML_PREPAY_REDUCE_TERM);
  assert_int_equal(ml_prepayment_parse(&p, "reduce", &err), ML_EINVAL);
  assert_string_equal(err.field, "prepayment");
  ml_component c;
  assert_int_equal(ml_component_parse(&c, "penalties", NULL), ML_OK);
  assert_int_equal(c, ML_PENALTIES);
  assert_string_equal(ml_loan_state_name(ML_LOAN_CREDIT_BALANCE),
                      "credit-balance");
  assert_string_equal(ml_account_name(ML_ACCOUNT_WRITE_OFF_LOSS),
                      "write-off-loss");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replay_is_deterministic_and_consistent),
      cmocka_unit_test(entry_order_does_not_matter),
      cmocka_unit_test(reversal_restores_status),
      cmocka_unit_test(the_payoff_settles),
      cmocka_unit_test(rejected_events),
      cmocka_unit_test(closed_loan_rejects_later_events),
      cmocka_unit_test(names),
  };
  return cmocka_run_group_tests_name("loan", tests, NULL, NULL);
}

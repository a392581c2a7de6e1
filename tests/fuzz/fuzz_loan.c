/*
 * tests/fuzz/fuzz_loan.c — a loan journal built from arbitrary events
 * with ml_loan_append, queried at arbitrary dates.
 *
 * Input: loan terms and options (biased toward valid ones; when the loan
 * cannot be made, a fixed valid loan is used instead so the events still
 * count), then as-of dates, then events until the input runs out. Event
 * fields are anything: amounts, dates, targets, reschedule terms, even
 * unknown types and components (ml_loan_append documents ML_EINVAL).
 *
 * Checked (loan.h):
 *  - a rejected event leaves the journal unchanged, and err says why;
 *  - at every as-of date: ml_loan_status_at and ml_loan_status_compute
 *    over a copy of the journal give byte-identical results (replay
 *    determinism), and so does the journal stably sorted by date (replay
 *    is in date order, then order of entry);
 *  - per installment and component: due = paid + waived + written_off +
 *    outstanding, none negative; the status's outstanding and written-off
 *    figures are the installments' sums; closed and credit-balance loans
 *    owe nothing;
 *  - money received is on the installments or owed back, and every
 *    waiver in effect is still waived on them (loan_properties.h);
 *  - with the reversed events and their reversals left out, the status
 *    after the last reversal is the same (a reversal restores);
 *  - postings: each line is a debit or a credit; every event's lines
 *    balance, and so do all of them; computing them twice gives the same
 *    bytes.
 */
#include "fuzz.h"
#include "../loan_properties.h"

#define MAX_ROWS (ML_SCHEDULE_MAX_INSTALLMENTS + 1)
#define MAX_EVENTS 48 /* at most LOAN_PROPERTIES_MAX_EVENTS */
#define AS_OF_DATES 3

enum { BASE_DATE = 20468 }; /* 2026-01-15 */

typedef struct snapshot {
  ml_loan_status status;
  ml_loan_installment rows[MAX_ROWS];
} snapshot;

/* ---- decoding ----------------------------------------------------------- */

static void decode_terms(ml_schedule_terms *t, fuzz_bytes *b) {
  ml_schedule_terms_init(t);
  uint8_t shape = fuzz_u8(b);
  t->principal = (shape & 1) ? fuzz_amount(b) : fuzz_range(b, 1, 25000000);
  t->annual_rate = fuzz_rate(b);
  t->installments = (int32_t)fuzz_range(b, 1, (shape & 2) ? 600 : 36);
  t->frequency.unit = (ml_frequency_unit)fuzz_range(b, 0, 2);
  t->frequency.every = (int32_t)fuzz_range(b, 1, (shape & 4) ? 366 : 3);
  if (t->frequency.unit != ML_FREQ_MONTHS && !(shape & 4)) {
    t->frequency.every *= 7;
  }
  t->method = (ml_method)fuzz_range(b, 0, 3);
  t->interest_basis = (ml_interest_basis)fuzz_range(b, 0, 1);
  t->day_count = (ml_day_count)fuzz_range(b, 0, 5);
  t->rounding = (ml_rounding)fuzz_range(b, 0, 6);
  t->disbursed = BASE_DATE + (ml_date)fuzz_range(b, -20000, 20000);
  if (shape & 8) t->first_due = t->disbursed + (ml_date)fuzz_range(b, 1, 90);
  if (shape & 16) {
    t->grace_principal = (int32_t)fuzz_range(b, 0, t->installments - 1);
    t->grace_interest = (int32_t)fuzz_range(b, 0, t->installments - 1);
    t->interest_free = (int32_t)fuzz_range(b, 0, t->installments);
  }
  if (shape & 32) {
    t->upfront_fee_kind = (ml_fee_kind)fuzz_range(b, 0, 1);
    t->upfront_fee = fuzz_range(b, 0, 100000);
    t->upfront_fee_rate = fuzz_rate(b);
    t->installment_fee = fuzz_range(b, 0, 10000);
  }
  if (shape & 64) {
    t->installment_multiple = fuzz_range(b, 1, 10000);
    t->fixed_installment = fuzz_range(b, 0, 2000000);
    t->adjusted_interest_periods = 1;
  }
  if (shape & 128) {
    t->calendar.kind = (ml_calendar_kind)fuzz_range(b, 0, 2);
    t->business_day = (ml_business_day)fuzz_range(b, 0, 4);
  }
}

static void decode_options(ml_loan_options *o, fuzz_bytes *b) {
  ml_loan_options_init(o);
  uint8_t shape = fuzz_u8(b);
  o->allocation = (ml_allocation)fuzz_range(b, 0, 3);
  o->prepayment = (ml_prepayment)fuzz_range(b, 0, 2);
  if (shape & 1) o->arrears_tolerance = fuzz_amount(b);
  if (shape & 2) {
    o->late_fee = fuzz_amount(b);
    o->late_fee_days = (shape & 4) ? fuzz_i32(b) : (int32_t)fuzz_range(b, 0, 40);
  }
  if (shape & 8) o->default_rate = fuzz_rate(b);
  o->default_day_count = (ml_day_count)fuzz_range(b, 0, 5);
}

/* A loan that ml_loan_new accepts, for inputs whose own terms it rejects. */
static void fallback_loan(ml_schedule_terms *t, ml_loan_options *o) {
  ml_schedule_terms_init(t);
  t->principal = 5000000;
  t->annual_rate = (ml_rate){85, 3};
  t->installments = 12;
  t->disbursed = BASE_DATE;
  ml_loan_options_init(o);
  o->late_fee = 6000;
  o->late_fee_days = 10;
  o->default_rate = (ml_rate){8, 2};
}

static void decode_event(ml_event *e, fuzz_bytes *b,
                         const ml_schedule_terms *t, size_t count) {
  uint8_t kind = fuzz_u8(b);
  ml_event_type type = (ml_event_type)(kind % 8);
  if (kind >= 248) type = (ml_event_type)(kind - 240); /* 8..15: unknown */
  uint8_t when = fuzz_u8(b);
  ml_date date = (when & 7) == 0 ? fuzz_date_near(b, t->disbursed)
                                 : t->disbursed + (ml_date)fuzz_range(b, -5, 1200);
  uint8_t size = fuzz_u8(b);
  ml_amount amount = (size & 3) == 0 ? fuzz_amount(b)
                     : (size & 3) == 1 ? t->principal
                                       : fuzz_range(b, 1, 300000);
  ml_event_init(e, type, date, amount);
  if (type == ML_EVENT_WAIVER || (size & 4)) {
    e->component = (ml_component)((size & 8) ? fuzz_range(b, 0, 9)
                                             : fuzz_range(b, 1, 3));
  }
  if (type == ML_EVENT_REVERSAL || (size & 16)) {
    e->target = (size & 32) ? fuzz_i64(b) : fuzz_range(b, 1, (int64_t)count + 1);
  }
  if (type == ML_EVENT_RESCHEDULE || (size & 64)) {
    e->reschedule.annual_rate = fuzz_rate(b);
    uint8_t r = fuzz_u8(b);
    e->reschedule.installments =
        (r & 1) ? fuzz_i32(b) : (int32_t)fuzz_range(b, 0, 40);
    e->reschedule.grace_principal =
        (r & 2) ? fuzz_i32(b) : (int32_t)fuzz_range(b, 0, 4);
    if (r & 4) e->reschedule.fixed_installment = fuzz_amount(b);
  }
  if (size & 128) {
    size_t len = (size_t)fuzz_range(b, 0, ML_EVENT_REF_SIZE);
    for (size_t i = 0; i < len; i++) e->ref[i] = (char)fuzz_u8(b);
  }
}

/* With FUZZ_VERBOSE set, what the input decoded to (to read a crash). */
static void show_terms(const ml_schedule_terms *t, const ml_loan_options *o) {
  if (getenv("FUZZ_VERBOSE") == NULL) return;
  fprintf(stderr,
          "terms: principal %lld rate %lld/10^%d n %d every %d unit %d method "
          "%d basis %d dc %d rounding %d disbursed %d first_due %d grace %d/%d "
          "free %d fee kind %d fee %lld fee rate %lld/10^%d inst fee %lld "
          "multiple %lld fixed %lld cal %d bd %d adj %d\n",
          (long long)t->principal, (long long)t->annual_rate.coefficient,
          t->annual_rate.scale, t->installments, t->frequency.every,
          t->frequency.unit, t->method, t->interest_basis, t->day_count,
          t->rounding, t->disbursed, t->first_due, t->grace_principal,
          t->grace_interest, t->interest_free, t->upfront_fee_kind,
          (long long)t->upfront_fee, (long long)t->upfront_fee_rate.coefficient,
          t->upfront_fee_rate.scale, (long long)t->installment_fee,
          (long long)t->installment_multiple, (long long)t->fixed_installment,
          t->calendar.kind, t->business_day, t->adjusted_interest_periods);
  fprintf(stderr,
          "options: allocation %d prepayment %d tolerance %lld late fee %lld "
          "after %d days, default rate %lld/10^%d dc %d\n",
          o->allocation, o->prepayment, (long long)o->arrears_tolerance,
          (long long)o->late_fee, o->late_fee_days,
          (long long)o->default_rate.coefficient, o->default_rate.scale,
          o->default_day_count);
}

static void show_event(const ml_event *e, ml_status st, const ml_error *err) {
  if (getenv("FUZZ_VERBOSE") == NULL) return;
  fprintf(stderr,
          "event type %d date %d amount %lld component %d target %lld "
          "reschedule %lld/10^%d n %d grace %d fixed %lld -> %s %s\n",
          e->type, e->date, (long long)e->amount, e->component,
          (long long)e->target, (long long)e->reschedule.annual_rate.coefficient,
          e->reschedule.annual_rate.scale, e->reschedule.installments,
          e->reschedule.grace_principal,
          (long long)e->reschedule.fixed_installment, ml_status_name(st),
          st == ML_OK ? "" : err->message);
}

/* ---- checks ------------------------------------------------------------- */

static void check_failure(ml_status st, const ml_error *err) {
  FUZZ_CHECK(st < 0 && err->code == st);
  FUZZ_CHECK(err->message[0] != '\0');
}

static ml_amount sum_checked(ml_amount a, ml_amount b) {
  ml_amount s;
  FUZZ_CHECK(ml_int64_add(&s, a, b) == ML_OK);
  return s;
}

static void show_status(const snapshot *s) {
  if (getenv("FUZZ_VERBOSE") == NULL) return;
  const ml_loan_status *st = &s->status;
  fprintf(stderr,
          "status at %d: state %d dpd %d outstanding %lld %lld %lld %lld "
          "written off %lld %lld %lld %lld = %lld paid %lld credit %lld "
          "payoff %lld rows %zu\n",
          st->as_of, st->state, st->days_past_due,
          (long long)st->outstanding[0], (long long)st->outstanding[1],
          (long long)st->outstanding[2], (long long)st->outstanding[3],
          (long long)st->written_off[0], (long long)st->written_off[1],
          (long long)st->written_off[2], (long long)st->written_off[3],
          (long long)st->written_off_total, (long long)st->paid_total,
          (long long)st->credit_balance, (long long)st->payoff,
          st->installment_count);
  for (size_t r = 0; r < st->installment_count; r++) {
    const ml_loan_installment *row = &s->rows[r];
    fprintf(stderr, "  row %d due %d:", row->n, row->due_date);
    for (int c = 0; c < ML_COMPONENTS; c++) {
      fprintf(stderr, " [%lld = %lld + %lld + %lld + %lld]",
              (long long)row->due[c], (long long)row->paid[c],
              (long long)row->waived[c], (long long)row->written_off[c],
              (long long)row->outstanding[c]);
    }
    fprintf(stderr, "\n");
  }
}

static void check_status(const snapshot *s) {
  const ml_loan_status *st = &s->status;
  show_status(s);
  FUZZ_CHECK(st->installment_count <= MAX_ROWS);
  ml_amount outstanding[ML_COMPONENTS] = {0}, written_off[ML_COMPONENTS] = {0};
  for (size_t r = 0; r < st->installment_count; r++) {
    const ml_loan_installment *row = &s->rows[r];
    for (int c = 0; c < ML_COMPONENTS; c++) {
      FUZZ_CHECK(row->paid[c] >= 0 && row->waived[c] >= 0 &&
                 row->written_off[c] >= 0 && row->outstanding[c] >= 0);
      ml_amount parts = sum_checked(
          sum_checked(row->paid[c], row->waived[c]),
          sum_checked(row->written_off[c], row->outstanding[c]));
      FUZZ_CHECK(row->due[c] == parts);
      outstanding[c] = sum_checked(outstanding[c], row->outstanding[c]);
      written_off[c] = sum_checked(written_off[c], row->written_off[c]);
    }
  }
  ml_amount written_off_total = 0, owed = 0;
  for (int c = 0; c < ML_COMPONENTS; c++) {
    FUZZ_CHECK(st->outstanding[c] == outstanding[c]);
    FUZZ_CHECK(st->written_off[c] == written_off[c]);
    written_off_total = sum_checked(written_off_total, written_off[c]);
    owed = sum_checked(owed, outstanding[c]);
  }
  FUZZ_CHECK(st->written_off_total == written_off_total);
  FUZZ_CHECK(st->days_past_due >= 0 && st->arrears >= 0);
  FUZZ_CHECK(st->credit_balance >= 0 && st->paid_total >= 0);
  FUZZ_CHECK(st->payoff >= 0);
  if (st->state == ML_LOAN_CLOSED) FUZZ_CHECK(owed == 0 && st->credit_balance == 0);
  if (st->state == ML_LOAN_CREDIT_BALANCE) {
    FUZZ_CHECK(owed == 0 && st->credit_balance > 0);
  }
}

static ml_status take(snapshot *s, const ml_schedule_terms *t,
                      const ml_loan_options *o, const ml_event *events,
                      size_t count, ml_date as_of) {
  memset(s, 0, sizeof *s);
  return ml_loan_status_compute(&s->status, s->rows, MAX_ROWS, t, o, events,
                                count, as_of, NULL);
}

static int same_snapshot(const snapshot *a, const snapshot *b) {
  return memcmp(&a->status, &b->status, sizeof a->status) == 0 &&
         memcmp(a->rows, b->rows,
                a->status.installment_count * sizeof a->rows[0]) == 0;
}

/* events[0..count) with the ids renumbered to their new positions, given
 * where each old id went (new_id[old id - 1], 0 = dropped). */
static size_t renumber(ml_event *out, const ml_event *events, size_t count,
                       const size_t *order, size_t kept,
                       const int64_t *new_id) {
  for (size_t i = 0; i < kept; i++) {
    out[i] = events[order[i]];
    out[i].id = (int64_t)i + 1;
    if (out[i].type == ML_EVENT_REVERSAL) {
      FUZZ_CHECK(out[i].target >= 1 && (size_t)out[i].target <= count);
      out[i].target = new_id[out[i].target - 1];
    }
  }
  return kept;
}

/* The journal stably sorted by date: the same replay, the same status. */
static void check_date_order(const snapshot *s, const ml_schedule_terms *t,
                             const ml_loan_options *o, const ml_event *events,
                             size_t count, ml_date as_of) {
  size_t order[MAX_EVENTS];
  int64_t new_id[MAX_EVENTS];
  for (size_t i = 0; i < count; i++) order[i] = i;
  for (size_t i = 1; i < count; i++) { /* insertion sort: stable */
    size_t x = order[i], j = i;
    for (; j > 0 && events[order[j - 1]].date > events[x].date; j--) {
      order[j] = order[j - 1];
    }
    order[j] = x;
  }
  for (size_t i = 0; i < count; i++) new_id[order[i]] = (int64_t)i + 1;
  ml_event sorted[MAX_EVENTS];
  renumber(sorted, events, count, order, count, new_id);
  static snapshot other;
  FUZZ_CHECK(take(&other, t, o, sorted, count, as_of) == ML_OK);
  FUZZ_CHECK(same_snapshot(s, &other));
}

/* With every reversed event and every reversal left out, the status from
 * the last reversal's date on is the same. */
static void check_reversals(const snapshot *s, const ml_schedule_terms *t,
                            const ml_loan_options *o, const ml_event *events,
                            size_t count, ml_date as_of) {
  int dropped[MAX_EVENTS] = {0};
  int any = 0;
  for (size_t i = 0; i < count; i++) {
    if (events[i].type != ML_EVENT_REVERSAL) continue;
    if (events[i].date > as_of) return; /* not yet in effect */
    dropped[i] = 1;
    dropped[events[i].target - 1] = 1;
    any = 1;
  }
  if (!any) return;
  size_t order[MAX_EVENTS], kept = 0;
  int64_t new_id[MAX_EVENTS];
  for (size_t i = 0; i < count; i++) {
    new_id[i] = dropped[i] ? 0 : (int64_t)kept + 1;
    if (!dropped[i]) order[kept++] = i;
  }
  ml_event rest[MAX_EVENTS];
  renumber(rest, events, count, order, kept, new_id);
  static snapshot other;
  FUZZ_CHECK(take(&other, t, o, rest, kept, as_of) == ML_OK);
  FUZZ_CHECK(same_snapshot(s, &other));
}

static void check_postings(const ml_loan *loan, ml_date as_of) {
  static ml_posting lines[8192], again[8192];
  size_t n = 0, m = 0;
  ml_error err;
  ml_status st = ml_loan_postings_compute(
      lines, 8192, &n, ml_loan_terms(loan), ml_loan_options_of(loan),
      ml_loan_events(loan), ml_loan_event_count(loan), as_of, &err);
  if (st != ML_OK) {
    check_failure(st, &err);
    FUZZ_CHECK(st != ML_EBUFFER); /* far more room than 48 events need */
    return;
  }
  ml_amount debit = 0, credit = 0, event_debit = 0, event_credit = 0;
  for (size_t k = 0; k < n; k++) {
    const ml_posting *p = &lines[k];
    FUZZ_CHECK(p->debit >= 0 && p->credit >= 0);
    FUZZ_CHECK((p->debit > 0) != (p->credit > 0));
    FUZZ_CHECK((unsigned)p->account <= ML_ACCOUNT_CREDIT_BALANCES);
    FUZZ_CHECK(p->date <= as_of);
    debit = sum_checked(debit, p->debit);
    credit = sum_checked(credit, p->credit);
    event_debit = sum_checked(event_debit, p->debit);
    event_credit = sum_checked(event_credit, p->credit);
    int last_of_event = k + 1 == n || lines[k + 1].event_id != p->event_id ||
                        lines[k + 1].date != p->date;
    if (last_of_event) {
      FUZZ_CHECK(event_debit == event_credit);
      event_debit = event_credit = 0;
    }
  }
  FUZZ_CHECK(debit == credit);
  FUZZ_CHECK(ml_loan_postings_compute(again, 8192, &m, ml_loan_terms(loan),
                                      ml_loan_options_of(loan),
                                      ml_loan_events(loan),
                                      ml_loan_event_count(loan), as_of,
                                      NULL) == ML_OK);
  FUZZ_CHECK(m == n && memcmp(again, lines, n * sizeof lines[0]) == 0);
  if (n > 0) {
    FUZZ_CHECK(ml_loan_postings_compute(again, n - 1, &m, ml_loan_terms(loan),
                                        ml_loan_options_of(loan),
                                        ml_loan_events(loan),
                                        ml_loan_event_count(loan), as_of,
                                        NULL) == ML_EBUFFER &&
               m == n);
  }
}

static void check_at(const ml_loan *loan, ml_date as_of) {
  static snapshot a, b;
  memset(&a, 0, sizeof a);
  ml_error err;
  ml_status st = ml_loan_status_at(&a.status, a.rows, MAX_ROWS, loan, as_of,
                                   &err);
  const ml_schedule_terms *t = ml_loan_terms(loan);
  const ml_loan_options *o = ml_loan_options_of(loan);
  size_t count = ml_loan_event_count(loan);
  ml_event copy[MAX_EVENTS];
  if (count > 0) memcpy(copy, ml_loan_events(loan), count * sizeof copy[0]);
  ml_status again = take(&b, t, o, copy, count, as_of);
  FUZZ_CHECK(again == st);
  if (st != ML_OK) {
    check_failure(st, &err);
    FUZZ_CHECK(as_of < ML_DATE_MIN || as_of > ML_DATE_MAX);
    return;
  }
  FUZZ_CHECK(same_snapshot(&a, &b));
  FUZZ_CHECK(a.status.as_of == as_of);
  check_status(&a);
  FUZZ_CHECK(money_not_kept(&a.status, a.rows) == 0);
  FUZZ_CHECK(waivers_kept(&a.status, a.rows, copy, count));
  check_date_order(&a, t, o, copy, count, as_of);
  check_reversals(&a, t, o, copy, count, as_of);
  check_postings(loan, as_of);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_bytes b = {data, size};
  ml_schedule_terms t;
  ml_loan_options o;
  decode_terms(&t, &b);
  decode_options(&o, &b);
  ml_loan *loan = NULL;
  ml_error err;
  ml_status st = ml_loan_new(&loan, &t, &o, &err);
  if (st != ML_OK) {
    check_failure(st, &err);
    FUZZ_CHECK(loan == NULL);
    fallback_loan(&t, &o);
    FUZZ_CHECK(ml_loan_new(&loan, &t, &o, NULL) == ML_OK);
  }
  show_terms(&t, &o);
  ml_date as_of[AS_OF_DATES];
  for (int i = 0; i < AS_OF_DATES; i++) {
    as_of[i] = (fuzz_u8(&b) & 7) == 0
                   ? fuzz_date_near(&b, t.disbursed)
                   : t.disbursed + (ml_date)fuzz_range(&b, -10, 1500);
  }

  static ml_event before[MAX_EVENTS];
  for (int tries = 0; b.n > 0 && tries < 4 * MAX_EVENTS &&
                      ml_loan_event_count(loan) < MAX_EVENTS;
       tries++) {
    size_t count = ml_loan_event_count(loan);
    if (count > 0) memcpy(before, ml_loan_events(loan), count * sizeof before[0]);
    ml_event e;
    decode_event(&e, &b, &t, count);
    int64_t id = -1;
    st = ml_loan_append(loan, &e, &id, &err);
    show_event(&e, st, &err);
    if (st == ML_OK) {
      FUZZ_CHECK(id == (int64_t)count + 1);
      FUZZ_CHECK(ml_loan_event_count(loan) == count + 1);
      continue;
    }
    check_failure(st, &err);
    FUZZ_CHECK(id == -1);
    FUZZ_CHECK(ml_loan_event_count(loan) == count);
    FUZZ_CHECK(count == 0 ||
               memcmp(before, ml_loan_events(loan), count * sizeof before[0]) == 0);
  }
  for (int i = 0; i < AS_OF_DATES; i++) check_at(loan, as_of[i]);
  ml_loan_free(loan);
  return 0;
}

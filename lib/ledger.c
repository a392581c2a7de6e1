/*
 * lib/ledger.c — the replay of a loan's journal: schedule, then events in
 * date order, then the status at the as-of date. The semantics are stated
 * once, at the top of include/mikrolan/loan.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "divider.h"
#include "ledger.h"
#include "round.h"
#include "terms.h"

enum { ACCOUNT_COUNT = ML_ACCOUNT_CREDIT_BALANCES + 1 };
#define NO_ROW SIZE_MAX

/* The replay's running state. */
typedef struct replay {
  const ml_loan_options *options;
  ml_schedule_terms terms; /* with the disbursement applied */
  ml_loan_installment *rows;
  size_t count, capacity;
  ml_installment *scratch; /* room for one schedule */
  ml_loan_status *status;
  ml_error *err;
  int disbursed;
  /* The terms of the schedule the later rows follow: the loan's, then
   * those of the last re-amortisation (a reschedule's rate and
   * installment, say), which a prepayment's re-amortisation keeps. */
  const ml_schedule_terms *amortised;
  ml_schedule_terms reamortised;
  ml_amount fixed_principal; /* of equal principal's rows, when reduced */
  /* Once re-amortised: the row numbered n (its unadjusted due date) falls
   * due anchor + (n + anchor_offset) periods (see due_anchor). */
  ml_date anchor;
  int32_t anchor_offset;
  const ml_event *disbursement; /* the journal's, or NULL */
  ml_amount principal_outstanding; /* over all rows: a bound of the payoff */
  int64_t default_rate_num, default_rate_den; /* dröjsmålsränta, reduced */
  /* ACT/365F and ACT/360 divide every accrual by the same
   * default_rate_den * 365 (or 360): 0 for the other day counts. */
  int32_t default_year_days;
  ml_divider default_divider; /* by default_rate_den * default_year_days */
  size_t first_open; /* rows before it owe nothing and accrue nothing */
  /* Late fees triggered on the as-of date itself: decided at the end of
   * that day, after its repayments, so not in the day's payoff. */
  ml_amount fees_at_day_end;
  /* The row whose interest includes what an interest grace deferred
   * (installment grace_interest + 1), while it is still the schedule's;
   * NO_ROW otherwise. */
  size_t deferred_to;
  /* Repayments taken by the waterfall (defer_repayments) and not yet paid
   * to the rows; lazy_repayments says whether the replay may defer. */
  int lazy_repayments;
  ml_amount pending;
  /* rows[0..count) are not written yet: they are the schedule in scratch
   * (see write_rows). */
  int rows_unwritten;
  int rows_behind; /* rows_unwritten or pending: update_rows has work */
  /* postings of the current event */
  ml_posting_sink sink;
  void *sink_context;
  int64_t event_id;
  ml_date event_date;
  ml_amount debit[ACCOUNT_COUNT], credit[ACCOUNT_COUNT];
} replay;

/* ---- small helpers --------------------------------------------------- */

static ml_amount min_amount(ml_amount a, ml_amount b) { return a < b ? a : b; }

static ml_amount row_outstanding(const ml_loan_installment *row) {
  ml_amount sum = 0;
  for (int c = 0; c < ML_COMPONENTS; c++) sum += row->outstanding[c];
  return sum;
}

static int loan_is_open(const ml_loan_status *s) {
  return s->state == ML_LOAN_ACTIVE;
}

/* No late fee and no default interest: penalties arise only from events. */
static int penalties_off(const ml_loan_options *o) {
  return o->late_fee == 0 && o->default_rate.coefficient == 0;
}

/* Whether money paid in advance re-amortises the later rows; if not, it
 * pays the next installments in order. */
static int prepayment_reamortises(const replay *rp) {
  return rp->options->prepayment != ML_PREPAY_NEXT_INSTALLMENTS;
}

/* Whether the re-amortisation keeps the installment (annuity) or the
 * principal per installment (equal principal), so that the term shrinks.
 * Flat and bullet loans take reduce-term as reduce-installment. */
static int prepayment_reduces_term(const replay *rp) {
  return rp->options->prepayment == ML_PREPAY_REDUCE_TERM &&
         (rp->terms.method == ML_METHOD_ANNUITY ||
          rp->terms.method == ML_METHOD_EQUAL_PRINCIPAL);
}

static ml_status event_error(replay *rp, ml_status code, const char *field,
                             size_t index, const char *what) {
  return ml_error_set(rp->err, code, field, (long)index + 1, 0,
                      "event %zu: %s", index + 1, what);
}

static void post(replay *rp, ml_account debit_account,
                 ml_account credit_account, ml_amount amount) {
  /* The sink first: without one (the batch path) this is one well
   * predicted branch, not a test of amount, which is data. */
  if (rp->sink == NULL || amount == 0) return;
  rp->debit[debit_account] += amount;
  rp->credit[credit_account] += amount;
}

/* Emits the current event's lines: debits first, then credits. */
static void flush_postings(replay *rp) {
  if (rp->sink == NULL) return;
  for (int side = 0; side < 2; side++) {
    ml_amount *amounts = side == 0 ? rp->debit : rp->credit;
    for (int a = 0; a < ACCOUNT_COUNT; a++) {
      if (amounts[a] == 0) continue;
      ml_posting p = {rp->event_id, rp->event_date, (ml_account)a,
                      side == 0 ? amounts[a] : 0, side == 1 ? amounts[a] : 0};
      if (rp->sink) rp->sink(rp->sink_context, &p);
      amounts[a] = 0;
    }
  }
}

/* ---- the schedule ------------------------------------------------------ */

/* Row from the schedule's installment, owing everything, or (paid_in_full)
 * paid everything: as pay_row pays a fresh row, which owes no penalties
 * and no charges (see write_row_paying). */
static inline void fill_row(ml_loan_installment *row, const ml_installment *in,
                            int paid_in_full) {
  /* Member by member: a memset of the whole row costs more here. */
  const ml_amount due[ML_COMPONENTS] = {[ML_PRINCIPAL] = in->principal,
                                        [ML_INTEREST] = in->interest,
                                        [ML_FEES] = in->fees,
                                        [ML_PENALTIES] = 0};
  for (int c = 0; c < ML_COMPONENTS; c++) {
    row->due[c] = due[c];
    row->paid[c] = paid_in_full ? due[c] : 0;
    row->outstanding[c] = paid_in_full ? 0 : due[c];
    row->waived[c] = row->written_off[c] = 0;
  }
  row->n = in->n;
  row->due_date = in->due_date;
  row->period_start = in->period_start;
  row->period_end = in->period_end;
  row->charged_fees_outstanding = row->charged_penalties_outstanding = 0;
  row->penalty_accrued_to = in->due_date;
  row->late_fee_charged = 0;
  row->interest_deferred = in->interest_deferred;
}

static void row_from_installment(ml_loan_installment *row,
                                 const ml_installment *in) {
  fill_row(row, in, 0);
}

static ml_status build_schedule(replay *rp) {
  size_t n = 0;
  ml_status st = ml_schedule_compute(rp->scratch,
                                     ML_SCHEDULE_MAX_INSTALLMENTS + 1, &n,
                                     &rp->terms, rp->err);
  if (st != ML_OK) return st;
  if (n > rp->capacity) {
    return ml_error_set(rp->err, ML_EBUFFER, "", 0, 0,
                        "the loan has %zu installments; the buffer holds %zu",
                        n, rp->capacity);
  }
  rp->rows_unwritten = rp->rows_behind = 1;
  rp->count = n;
  rp->principal_outstanding = rp->terms.principal;
  rp->first_open = 0;
  rp->deferred_to = NO_ROW;
  if (rp->terms.grace_interest > 0) {
    rp->deferred_to = (size_t)rp->terms.grace_interest +
                      (rp->scratch[0].n == 0 ? 1u : 0u);
  }
  return ML_OK;
}

/* Moves first_open past the rows that owe nothing. */
static void skip_settled_rows(replay *rp) {
  while (rp->first_open < rp->count &&
         row_outstanding(&rp->rows[rp->first_open]) == 0) {
    rp->first_open++;
  }
}

/* ---- penalties --------------------------------------------------------- */

/* round(base * num / den) to one minor unit; in 64 bits when it fits. */
static ml_status round_fraction_product(ml_amount *out, ml_amount base,
                                        ml_i128 num, ml_i128 den,
                                        ml_rounding mode) {
  int64_t product;
  if (num <= INT64_MAX && den <= INT64_MAX &&
      !__builtin_mul_overflow(base, (int64_t)num, &product)) {
    return ml_round_i64(out, product, (int64_t)den, 1, mode);
  }
  return ml_round_i128(out, (ml_i128)base * num, den, 1, mode);
}

/* Plans the default-interest accruals of the replay: the rate as a
 * fraction, and for the day counts with a fixed year the divider that every
 * accrual shares. */
static void plan_default_interest(replay *rp) {
  /* cppcheck takes the replay, set member by member in ml_ledger_replay,
   * for uninitialised; options is set there before this call. */
  /* cppcheck-suppress ctuuninitvar */
  const ml_loan_options *o = rp->options;
  ml_rate_to_fraction(o->default_rate, &rp->default_rate_num,
                      &rp->default_rate_den);
  rp->default_year_days = o->default_day_count == ML_DC_ACT_365F  ? 365
                          : o->default_day_count == ML_DC_ACT_360 ? 360
                                                                  : 0;
  if (rp->default_year_days != 0) {
    rp->default_divider = ml_divider_make(
        (uint64_t)rp->default_rate_den * (uint64_t)rp->default_year_days,
        rp->terms.rounding);
  }
}

/* The loan's maturity, as the schedule stands: the last installment's due
 * date (30E/360 ISDA moves an end of February that is not the maturity).
 * Penalties come after update_rows, so the rows are written. */
static ml_date loan_maturity(const replay *rp) {
  ML_ASSERT(rp->count > 0 && !rp->rows_unwritten);
  return rp->rows[rp->count - 1].due_date;
}

/* The default interest on base from `from` to d, rounded once. */
static ml_status default_interest(ml_amount *out, const replay *rp,
                                  ml_amount base, ml_date from, ml_date d) {
  ml_fraction dcf = {d - from, rp->default_year_days};
  if (rp->default_year_days == 0) {
    ml_status st = ml_day_count_fraction(&dcf, rp->options->default_day_count,
                                         from, d, loan_maturity(rp));
    if (st != ML_OK) return st;
  } else {
    /* The common case: base * rate * days in 63 bits, and the shared
     * divider instead of a division per accrual. The same quotient, so
     * the same rounding. */
    int64_t x;
    if (!__builtin_mul_overflow(rp->default_rate_num, dcf.num, &x) &&
        !__builtin_mul_overflow(x, base, &x)) {
      *out = ml_divider_round(&rp->default_divider, (uint64_t)x);
      return ML_OK;
    }
  }
  /* In 128 bits: a rate of 9 decimals (num up to 10^12) times an
   * ACT/ACT fraction over decades (num up to about 4 * 10^7) leaves int64. */
  return round_fraction_product(out, base,
                                (ml_i128)rp->default_rate_num * dcf.num,
                                (ml_i128)rp->default_rate_den * dcf.den,
                                rp->terms.rounding);
}

/* Default interest on row's overdue principal from its last accrual to d. */
static ml_status accrue_default_interest(replay *rp, ml_loan_installment *row,
                                         ml_date d) {
  ml_date from = row->penalty_accrued_to;
  if (d <= from) return ML_OK;
  row->penalty_accrued_to = d;
  ml_amount base = row->outstanding[ML_PRINCIPAL];
  /* Within the arrears tolerance the row is not overdue; it stays so, as
   * only payments and what accrues here change a row already due. With
   * no tolerance, principal owed is above it: no sum to take. */
  const ml_amount tolerance = rp->options->arrears_tolerance;
  if (base == 0 || (tolerance > 0 && row_outstanding(row) <= tolerance)) {
    return ML_OK;
  }
  ml_amount interest;
  ml_status st = default_interest(&interest, rp, base, from, d);
  if (st != ML_OK) return st;
  row->due[ML_PENALTIES] += interest;
  row->outstanding[ML_PENALTIES] += interest;
  return ML_OK;
}

/* The late fee of row, if it is still overdue on its trigger date;
 * returns what it charged. */
static ml_amount charge_late_fee(replay *rp, ml_loan_installment *row) {
  row->late_fee_charged = 1;
  if (row_outstanding(row) <= rp->options->arrears_tolerance) return 0;
  row->due[ML_PENALTIES] += rp->options->late_fee;
  row->outstanding[ML_PENALTIES] += rp->options->late_fee;
  return rp->options->late_fee;
}

/*
 * Brings penalties up to d: late fees triggered before d (through d when
 * inclusive: the end of the as-of date, whose fees fees_at_day_end
 * counts), default interest accrued to d.
 */
static ml_status apply_penalties(replay *rp, ml_date d, int inclusive) {
  const ml_loan_options *o = rp->options;
  if (!rp->disbursed || !loan_is_open(rp->status)) return ML_OK;
  if (penalties_off(o)) return ML_OK;
  skip_settled_rows(rp);
  for (size_t i = rp->first_open; i < rp->count; i++) {
    ml_loan_installment *row = &rp->rows[i];
    if (row->due_date >= d) break;
    if (o->late_fee > 0 && !row->late_fee_charged) {
      ml_date trigger = row->due_date + o->late_fee_days;
      if (trigger < d) charge_late_fee(rp, row);
      if (inclusive && trigger == d) {
        rp->fees_at_day_end += charge_late_fee(rp, row);
      }
    }
    if (o->default_rate.coefficient > 0) {
      ml_status st = accrue_default_interest(rp, row, d);
      if (st != ML_OK) return st;
    }
  }
  return ML_OK;
}

/* ---- paying ------------------------------------------------------------ */

/* Pays up to amount of one component of row; returns what it paid. Paying
 * 0 changes nothing (post skips it), so there is no test for it: whether a
 * component is already paid is data, and a branch on it is mispredicted. */
static ml_amount pay_component(replay *rp, ml_loan_installment *row,
                               ml_component c, ml_amount amount) {
  ml_amount paid = min_amount(amount, row->outstanding[c]);
  row->outstanding[c] -= paid;
  row->paid[c] += paid;
  if (c == ML_PRINCIPAL) {
    rp->principal_outstanding -= paid;
    post(rp, ML_ACCOUNT_CASH, ML_ACCOUNT_LOANS_RECEIVABLE, paid);
  } else if (c == ML_INTEREST) {
    post(rp, ML_ACCOUNT_CASH, ML_ACCOUNT_INTEREST_INCOME, paid);
  } else {
    /* Charged amounts first: they are receivables already recognised. */
    ml_amount *charged = c == ML_FEES ? &row->charged_fees_outstanding
                                      : &row->charged_penalties_outstanding;
    ml_amount from_charged = min_amount(paid, *charged);
    *charged -= from_charged;
    post(rp, ML_ACCOUNT_CASH,
         c == ML_FEES ? ML_ACCOUNT_FEES_RECEIVABLE
                      : ML_ACCOUNT_PENALTIES_RECEIVABLE,
         from_charged);
    post(rp, ML_ACCOUNT_CASH,
         c == ML_FEES ? ML_ACCOUNT_FEE_INCOME : ML_ACCOUNT_PENALTY_INCOME,
         paid - from_charged);
  }
  return paid;
}

static const ml_component allocation_orders[4][ML_COMPONENTS] = {
    {ML_PENALTIES, ML_FEES, ML_INTEREST, ML_PRINCIPAL},
    {ML_INTEREST, ML_PRINCIPAL, ML_PENALTIES, ML_FEES},
    {ML_PRINCIPAL, ML_INTEREST, ML_PENALTIES, ML_FEES},
    {ML_PENALTIES, ML_FEES, ML_INTEREST, ML_PRINCIPAL},
};

static const ml_component advance_principal_first[ML_COMPONENTS] = {
    ML_PRINCIPAL, ML_PENALTIES, ML_FEES, ML_INTEREST};

static const ml_component *advance_order(const replay *rp) {
  if (rp->options->allocation == ML_ALLOC_DUE_THEN_ADVANCE) {
    return advance_principal_first;
  }
  return allocation_orders[rp->options->allocation];
}

/* Penalties, fees, interest, principal: Fineract's standard order, and the
 * order of the due installments under due-then-advance. */
static int is_standard_order(const ml_component *order) {
  return order == allocation_orders[ML_ALLOC_PENALTIES_FEES_INTEREST_PRINCIPAL] ||
         order == allocation_orders[ML_ALLOC_DUE_THEN_ADVANCE];
}

/* Pays row's components in order while amount lasts; returns what is left.
 * Every component is visited: once amount is 0 the rest pay 0, and a test
 * for that would be mispredicted as often as the money runs out. Inline:
 * spelled out, it grew past what GCC inlines unasked, and the call cost
 * about 1 % of a status. */
static inline ml_amount pay_row(replay *rp, ml_loan_installment *row,
                                const ml_component *order,
                                ml_amount amount) {
  if (is_standard_order(order)) {
    /* Spelled out, each component is a constant, and pay_component has
     * no test of it left (about 3 % of a status, measured). */
    amount -= pay_component(rp, row, ML_PENALTIES, amount);
    amount -= pay_component(rp, row, ML_FEES, amount);
    amount -= pay_component(rp, row, ML_INTEREST, amount);
    return amount - pay_component(rp, row, ML_PRINCIPAL, amount);
  }
  for (int k = 0; k < ML_COMPONENTS; k++) {
    amount -= pay_component(rp, row, order[k], amount);
  }
  return amount;
}

/* Pays the rows due on or before d, oldest first; returns what is left. */
static ml_amount pay_due(replay *rp, ml_date d, ml_amount amount) {
  const ml_component *order = allocation_orders[rp->options->allocation];
  skip_settled_rows(rp);
  for (size_t i = rp->first_open; i < rp->count && amount > 0; i++) {
    if (rp->rows[i].due_date > d) break;
    amount = pay_row(rp, &rp->rows[i], order, amount);
  }
  return amount;
}

/* Under due-then-advance, the fees and penalties that events charged to
 * installments not yet due: they were charged by d (events replay in date
 * order), so they are due, as in Fineract, whose charges fall due on their
 * own dates; they are paid, oldest installment first, penalties then fees,
 * before any money goes in advance. Returns what is left. */
static ml_amount pay_charges_ahead(replay *rp, ml_amount amount) {
  for (size_t i = rp->first_open; i < rp->count && amount > 0; i++) {
    ml_loan_installment *row = &rp->rows[i];
    amount -= pay_component(
        rp, row, ML_PENALTIES,
        min_amount(amount, row->charged_penalties_outstanding));
    amount -= pay_component(rp, row, ML_FEES,
                            min_amount(amount, row->charged_fees_outstanding));
  }
  return amount;
}

/*
 * The waterfall. A repayment below the principal outstanding cannot reach
 * the payoff, so on_repayment pays what is due at d, oldest row first, and
 * the prepayment policy takes the rest. When that policy pays the next
 * installments in the allocation order (not re-amortising, not
 * due-then-advance), the two together pay the open rows strictly in order,
 * each in the allocation order, whatever d is: the rows due by d are paid
 * in full before any later one gets money. Nothing else reads or changes
 * the rows between two such repayments when no penalty accrues and no
 * postings are kept, so a run of them pays exactly what one payment of
 * their sum pays: the replay keeps the sum pending and pays it in one pass
 * when something else needs the rows.
 */
static int waterfall_applies(const replay *rp) {
  return rp->sink == NULL && penalties_off(rp->options) &&
         rp->options->allocation != ML_ALLOC_DUE_THEN_ADVANCE &&
         !prepayment_reamortises(rp);
}

/* Pays the pending repayments to the rows. */
static void pay_pending(replay *rp) {
  const ml_component *order = allocation_orders[rp->options->allocation];
  ml_amount amount = rp->pending;
  skip_settled_rows(rp);
  for (size_t i = rp->first_open; i < rp->count && amount > 0; i++) {
    amount = pay_row(rp, &rp->rows[i], order, amount);
  }
  /* The pending sum stays below the principal outstanding. */
  ML_ASSERT(amount == 0);
  rp->pending = 0;
}

/* Writes row i from the schedule and pays it up to *amount, which keeps
 * what is left; returns whether it paid the row in full. Only the
 * waterfall's pending sum is paid so (write_rows), and only without
 * postings and penalties: a row it pays in full is then written paid, at
 * once, the same in every allocation order. */
static inline int write_row_paying(replay *rp, size_t i,
                                   const ml_component *order,
                                   ml_amount *amount) {
  ML_ASSERT(rp->sink == NULL);
  const ml_installment *in = &rp->scratch[i];
  ml_loan_installment *row = &rp->rows[i];
  if (*amount < in->total) {
    fill_row(row, in, 0);
    *amount = pay_row(rp, row, order, *amount);
    return 0;
  }
  fill_row(row, in, 1);
  rp->principal_outstanding -= in->principal;
  *amount -= in->total;
  return 1;
}

/* Writes the rows from the schedule, paying the pending sum on the way, so
 * that a journal of repayments the waterfall takes writes each row once. */
static void write_rows(replay *rp) {
  const ml_component *order = allocation_orders[rp->options->allocation];
  ml_amount amount = rp->pending;
  size_t i = 0;
  for (; i < rp->count && amount > 0; i++) {
    write_row_paying(rp, i, order, &amount);
  }
  ML_ASSERT(amount == 0);
  for (; i < rp->count; i++) row_from_installment(&rp->rows[i], &rp->scratch[i]);
  rp->pending = 0;
  rp->rows_unwritten = 0;
}

/* Brings the rows up to date with the replay: written, pending paid.
 * Before every event the general way takes, so one test stays inline. */
static inline void update_rows(replay *rp) {
  if (!rp->rows_behind) return;
  if (rp->rows_unwritten) {
    write_rows(rp);
  } else {
    pay_pending(rp);
  }
  rp->rows_behind = 0;
}

/* The first row due after d, or count. */
static size_t current_row(const replay *rp, ml_date d) {
  size_t i = 0;
  while (i < rp->count && rp->rows[i].due_date <= d) i++;
  return i;
}

/* Interest charged over row's period accrued by d: pro rata of the days
 * of the period that have passed. */
static ml_status period_accrual(ml_amount *out, const replay *rp,
                                const ml_loan_installment *row,
                                ml_amount charged, ml_date d) {
  *out = 0;
  if (d <= row->period_start || row->period_end <= row->period_start) {
    return ML_OK;
  }
  if (d > row->period_end) d = row->period_end;
  return round_fraction_product(out, charged, d - row->period_start,
                                row->period_end - row->period_start,
                                rp->terms.rounding);
}

/* Of the interest of row i (deferred_to), what the rows before it
 * deferred. */
static ml_amount deferred_to_row(const replay *rp, size_t i) {
  ml_amount sum = 0;
  for (size_t k = 0; k < i; k++) sum += rp->rows[k].interest_deferred;
  return sum;
}

/* The interest deferred to row i accrued by d: each deferring row's over
 * its own period. Each row's share is rounded on its own, as every row's
 * interest is. */
static ml_status deferred_accrual(ml_amount *out, const replay *rp, size_t i,
                                  ml_date d) {
  *out = 0;
  for (size_t k = 0; k < i; k++) {
    ml_amount part;
    ml_status st = period_accrual(&part, rp, &rp->rows[k],
                                  rp->rows[k].interest_deferred, d);
    if (st != ML_OK) return st;
    *out += part;
  }
  return ML_OK;
}

/* Interest of row i accrued by d and not yet paid, waived or written off:
 * its period's interest pro rata of the days that have passed; on the row
 * an interest grace deferred to, also the deferred interest as it accrued
 * over the periods that charged it. */
static ml_status accrued_interest(ml_amount *out, const replay *rp, size_t i,
                                  ml_date d) {
  const ml_loan_installment *row = &rp->rows[i];
  *out = 0;
  ml_amount own = row->due[ML_INTEREST], deferred = 0, accrued;
  ml_status st = ML_OK;
  if (i == rp->deferred_to) {
    own -= min_amount(own, deferred_to_row(rp, i));
    st = deferred_accrual(&deferred, rp, i, d);
  }
  if (st == ML_OK) st = period_accrual(&accrued, rp, row, own, d);
  if (st != ML_OK) return st;
  accrued += deferred;
  ml_amount settled = row->due[ML_INTEREST] - row->outstanding[ML_INTEREST];
  if (accrued > settled) *out = min_amount(accrued - settled,
                                           row->outstanding[ML_INTEREST]);
  return ML_OK;
}

/* What settling the loan at d takes of a row: all it owes when it is due
 * by d (before the current row); of a later one its principal and the
 * charges made on it. */
static ml_amount row_payoff(const ml_loan_installment *row, int due_by_d) {
  if (due_by_d) return row_outstanding(row);
  return row->outstanding[ML_PRINCIPAL] + row->charged_fees_outstanding +
         row->charged_penalties_outstanding;
}

/* The interest accrued by d on the rows from current on (those not due
 * by d): on every period begun before d, the rows' periods following one
 * another. Most often that is the current row's alone; when a business
 * day moves a due date past its period's end, d can fall after that end
 * and before the due date, and the next period has begun too. */
static ml_status accrued_from(ml_amount *out, const replay *rp,
                              size_t current, ml_date d) {
  *out = 0;
  size_t i = current;
  for (; i < rp->count && rp->rows[i].period_start < d; i++) {
    ml_amount accrued;
    ml_status st = accrued_interest(&accrued, rp, i, d);
    if (st != ML_OK) return st;
    *out += accrued;
  }
  /* Deferred interest accrues before its row's period begins. */
  if (rp->deferred_to >= i && rp->deferred_to < rp->count) {
    ml_amount accrued;
    ml_status st = accrued_interest(&accrued, rp, rp->deferred_to, d);
    if (st != ML_OK) return st;
    *out += accrued;
  }
  return ML_OK;
}

/* The payoff at d: rows_sum (row_payoff over every row, current being the
 * first row due after d) and the interest accrued by d on the rest. */
static ml_status payoff_with_accrued(ml_amount *out, const replay *rp,
                                     ml_amount rows_sum, size_t current,
                                     ml_date d) {
  ml_amount accrued;
  ml_status st = accrued_from(&accrued, rp, current, d);
  if (st != ML_OK) return st;
  *out = rows_sum + accrued;
  return ML_OK;
}

/* What settles the loan at d: everything due by d, all principal, the
 * charges on later rows, and the interest accrued by d on them. */
static ml_status payoff_at(ml_amount *out, const replay *rp, ml_date d) {
  ml_amount sum = 0;
  size_t current = current_row(rp, d);
  for (size_t i = 0; i < rp->count; i++) {
    sum += row_payoff(&rp->rows[i], i < current);
  }
  return payoff_with_accrued(out, rp, sum, current, d);
}

/* Removes from a later row what settling at d no longer makes due: the
 * interest not accrued, the scheduled fees. */
static void drop_unearned(ml_loan_installment *row, ml_amount keep_interest) {
  ml_amount drop = row->outstanding[ML_INTEREST] - keep_interest;
  row->due[ML_INTEREST] -= drop;
  row->outstanding[ML_INTEREST] -= drop;
  ml_amount scheduled_fees =
      row->outstanding[ML_FEES] - row->charged_fees_outstanding;
  row->due[ML_FEES] -= scheduled_fees;
  row->outstanding[ML_FEES] -= scheduled_fees;
}

/* Ends row's interest period by d: all it keeps has accrued. */
static void end_period_by(ml_loan_installment *row, ml_date d) {
  if (row->period_end > d) row->period_end = d;
  if (row->period_end < row->period_start) row->period_end = row->period_start;
}

/* What the rows before i (deferred_to) deferred becomes what of it has
 * accrued by d, as their interest does when the loan is settled; their
 * periods end by d, so all they keep counts as accrued. They owe no
 * interest of their own. */
static ml_status keep_deferred_accrued(replay *rp, size_t i, ml_date d) {
  for (size_t k = 0; k < i; k++) {
    ml_loan_installment *row = &rp->rows[k];
    ML_ASSERT(row->due[ML_INTEREST] == 0);
    ml_status st = period_accrual(&row->interest_deferred, rp, row,
                                  row->interest_deferred, d);
    if (st != ML_OK) return st;
    end_period_by(row, d);
  }
  return ML_OK;
}

/* Drops from rows[from..) what is not earned by d: each keeps the interest
 * accrued_from counts of it (none of a period not begun by d, but the
 * interest deferred to it that has accrued) and the charges made on it. */
static ml_status drop_unearned_from(replay *rp, size_t from, ml_date d) {
  for (size_t i = from; i < rp->count; i++) {
    ml_amount keep;
    ml_status st = accrued_interest(&keep, rp, i, d);
    if (st == ML_OK && i == rp->deferred_to) {
      st = keep_deferred_accrued(rp, i, d);
    }
    if (st != ML_OK) return st;
    drop_unearned(&rp->rows[i], keep);
  }
  return ML_OK;
}

static ml_status settle(replay *rp, ml_date d) {
  ml_status st = drop_unearned_from(rp, current_row(rp, d), d);
  if (st != ML_OK) return st;
  const ml_component *order = allocation_orders[rp->options->allocation];
  for (size_t i = 0; i < rp->count; i++) {
    pay_row(rp, &rp->rows[i], order, row_outstanding(&rp->rows[i]));
  }
  return ML_OK;
}

/* ---- re-amortisation ----------------------------------------------------- */

/* Whether money was paid or waived on the row. */
static int row_touched(const ml_loan_installment *row) {
  ml_amount settled = 0;
  for (int c = 0; c < ML_COMPONENTS; c++) {
    settled |= row->paid[c] | row->waived[c];
  }
  return settled != 0;
}

/* Where a re-amortisation of rows[from..) starts: after the last row that
 * holds money paid in advance or a waiver. Those rows, and the ones before
 * them, stay as they are: replaced, they would take that money or waiver
 * with them, and the new rows would ask for it again. */
static size_t first_replaceable(const replay *rp, size_t from) {
  for (size_t i = rp->count; i > from; i--) {
    if (row_touched(&rp->rows[i - 1])) return i;
  }
  return from;
}

typedef struct reamortisation {
  ml_rate rate;
  int32_t installments;
  int32_t grace_principal;
  ml_amount fixed_installment;
  int keep_dates;     /* the new rows keep the old rows' dates */
  int drop_trailing;  /* rows left without principal or interest go */
  ml_amount fixed_principal; /* equal principal: per row; 0 = computed */
} reamortisation;

/* The anchor of the schedule the rows follow: row n falls due *anchor +
 * (n + *offset) periods, as the schedule layer counts them from the
 * first due date or the disbursement (schedule.h). */
static void due_anchor(const replay *rp, ml_date *anchor, int32_t *offset) {
  if (rp->amortised != &rp->terms) {
    *anchor = rp->anchor;
    *offset = rp->anchor_offset;
  } else if (rp->terms.first_due != ML_DATE_NONE) {
    *anchor = rp->terms.first_due;
    *offset = -1;
  } else {
    *anchor = rp->terms.disbursed;
    *offset = 0;
  }
}

/* The new schedule's shape: rows that keep their dates are computed over
 * them, from the anchor of the rows they replace (a month's end clamps
 * the period's start, not the anchor's day); a reschedule's rows follow
 * their own dates from the period's start. *anchor and *offset are the
 * rows' anchor once the schedule replaces them (see due_anchor). */
static ml_schedule_shape new_shape(const replay *rp, size_t from,
                                   const reamortisation *how,
                                   ml_date *anchor, int32_t *offset) {
  ml_schedule_shape shape = {how->fixed_principal, ML_DATE_NONE, 0};
  due_anchor(rp, anchor, offset);
  if (how->keep_dates) {
    shape.anchor = *anchor;
    shape.offset = rp->rows[from].n - 1 + *offset;
  } else {
    *anchor = rp->rows[from].period_start;
    *offset = from > 0 ? -rp->rows[from - 1].n : 0;
  }
  return shape;
}

/* Whether the row deferred interest goes to is rows[from..). */
static int deferral_from(const replay *rp, size_t from) {
  return rp->deferred_to != NO_ROW && rp->deferred_to >= from;
}

/* What the rows before from deferred to an installment a re-amortisation
 * of rows[from..) replaces: the interest their periods charged, which the
 * new schedule does not charge again (it charges the periods it
 * replaces). */
static ml_amount deferral_replaced(const replay *rp, size_t from) {
  return deferral_from(rp, from) ? deferred_to_row(rp, from) : 0;
}

/* Row t carries the interest the rows before it deferred, carry in all,
 * its own deferral now part of its interest (it accrues over the same
 * period either way). */
static void carry_deferred(replay *rp, size_t t, ml_amount carry) {
  ml_loan_installment *row = &rp->rows[t];
  row->due[ML_INTEREST] += carry;
  row->outstanding[ML_INTEREST] += carry;
  row->interest_deferred = 0;
  rp->deferred_to = carry > 0 ? t : NO_ROW;
}

/* Replaces rows[from..) by a schedule of their outstanding principal.
 * Charges and deferred interest on them go to the first new row. */
static ml_status reamortise(replay *rp, size_t from, const reamortisation *how) {
  ML_ASSERT(first_replaceable(rp, from) == from);
  ml_amount principal = 0, carried_fees = 0, carried_penalties = 0;
  for (size_t i = from; i < rp->count; i++) {
    principal += rp->rows[i].outstanding[ML_PRINCIPAL];
    carried_fees += rp->rows[i].charged_fees_outstanding;
    carried_penalties += rp->rows[i].charged_penalties_outstanding;
  }
  ml_amount carried_interest = deferral_replaced(rp, from);
  size_t old_count = rp->count;
  if (principal == 0) {
    /* No new rows: the last row kept (from > 0, after the current one)
     * carries the deferred interest. */
    ML_ASSERT(from > 0);
    rp->count = from;
    if (deferral_from(rp, from)) carry_deferred(rp, from - 1, carried_interest);
    return ML_OK;
  }
  ml_schedule_terms t = rp->terms;
  t.principal = principal;
  t.max_principal = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
  t.annual_rate = how->rate;
  t.installments = how->installments;
  t.disbursed = rp->rows[from].period_start;
  t.first_due = ML_DATE_NONE;
  t.grace_principal = how->grace_principal;
  t.grace_interest = 0;
  t.interest_free = 0;
  t.upfront_fee = 0;
  t.upfront_fee_kind = ML_FEE_AMOUNT;
  t.fixed_installment = how->fixed_installment;
  /* An irregular first period stays so when its row is re-amortised. */
  if (how->keep_dates && rp->amortised == &rp->terms &&
      rp->rows[from].n == 1) {
    t.first_due = rp->terms.first_due;
  }
  ml_date anchor;
  int32_t anchor_offset;
  ml_schedule_shape shape = new_shape(rp, from, how, &anchor, &anchor_offset);
  size_t n = 0;
  ml_status st = ml_schedule_compute_shaped(rp->scratch,
                                            ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                            &n, &t, &shape, rp->err);
  if (st != ML_OK) return st;
  while (how->drop_trailing && n > 1 && rp->scratch[n - 1].principal == 0 &&
         rp->scratch[n - 1].interest == 0) {
    n--;
  }
  /* The term limit holds for the whole loan (row 0, an upfront fee, is
   * not an installment); the caller's buffer is another matter. */
  size_t installments = from + n - (rp->rows[0].n == 0 ? 1 : 0);
  if (installments > ML_SCHEDULE_MAX_INSTALLMENTS) {
    return ml_error_set(rp->err, ML_ELIMIT, "term", 0, 0,
                        "term: the loan would have %zu installments; the "
                        "limit is %d",
                        installments, ML_SCHEDULE_MAX_INSTALLMENTS);
  }
  if (from + n > rp->capacity) {
    return ml_error_set(rp->err, ML_EBUFFER, "", 0, 0,
                        "the loan has %zu installments; the buffer holds %zu",
                        from + n, rp->capacity);
  }
  for (size_t k = 0; k < n; k++) {
    ml_loan_installment *row = &rp->rows[from + k];
    int keep = how->keep_dates && from + k < old_count;
    ml_date due = row->due_date, start = row->period_start,
            end = row->period_end;
    int32_t number = row->n;
    row_from_installment(row, &rp->scratch[k]);
    row->n = keep ? number : (int32_t)(from + k == 0 ? 1 : rp->rows[from + k - 1].n + 1);
    if (keep) {
      row->due_date = row->penalty_accrued_to = due;
      row->period_start = start;
      row->period_end = end;
    }
  }
  rp->count = from + n;
  if (deferral_from(rp, from)) carry_deferred(rp, from, carried_interest);
  /* what the rows now follow, for the next re-amortisation */
  rp->reamortised = t;
  rp->amortised = &rp->reamortised;
  rp->fixed_principal = how->fixed_principal;
  rp->anchor = anchor;
  rp->anchor_offset = anchor_offset;
  if (from < rp->first_open) rp->first_open = from;
  ml_loan_installment *first = &rp->rows[from];
  first->due[ML_FEES] += carried_fees;
  first->outstanding[ML_FEES] += carried_fees;
  first->charged_fees_outstanding += carried_fees;
  first->due[ML_PENALTIES] += carried_penalties;
  first->outstanding[ML_PENALTIES] += carried_penalties;
  first->charged_penalties_outstanding += carried_penalties;
  return ML_OK;
}

/* Keeps the equal installment (annuity) or the principal per installment
 * (equal principal) of the schedule the rows follow, so that the term
 * shrinks instead: rows[from..) then need fewer installments. */
static ml_status term_reduction(const replay *rp, size_t from,
                                reamortisation *how) {
  how->drop_trailing = 1;
  ml_amount installment, principal_per_row, principal = 0;
  ml_status st = ml_schedule_equal_parts(&installment, &principal_per_row,
                                         rp->amortised);
  if (st != ML_OK) {
    return ml_error_set(rp->err, st, "principal", 0, 0,
                        "the equal installment does not fit in 64 bits");
  }
  if (rp->terms.method == ML_METHOD_ANNUITY) {
    how->fixed_installment = installment;
    return ML_OK;
  }
  if (rp->fixed_principal > 0) principal_per_row = rp->fixed_principal;
  if (principal_per_row <= 0) return ML_OK; /* rounded to nothing */
  how->fixed_principal = principal_per_row;
  for (size_t i = from; i < rp->count; i++) {
    principal += rp->rows[i].outstanding[ML_PRINCIPAL];
  }
  ml_amount needed = (principal + principal_per_row - 1) / principal_per_row;
  if (needed < how->installments) how->installments = (int32_t)needed;
  if (how->installments < 1) how->installments = 1;
  return ML_OK;
}

/* Takes up to *extra of principal from rows[from..to), in order. */
static void take_principal(replay *rp, size_t from, size_t to,
                           ml_amount *extra) {
  for (size_t i = from; i < to && *extra > 0; i++) {
    ml_loan_installment *row = &rp->rows[i];
    ml_amount take = min_amount(*extra, row->outstanding[ML_PRINCIPAL]);
    row->due[ML_PRINCIPAL] -= take;
    row->outstanding[ML_PRINCIPAL] -= take;
    *extra -= take;
  }
}

/* Whether nothing at all is due on the row. */
static int row_empty(const ml_loan_installment *row) {
  ml_amount due = 0;
  for (int c = 0; c < ML_COMPONENTS; c++) due |= row->due[c];
  return due == 0;
}

/* Drops the rows from `from` on that owe nothing and defer nothing (a
 * row of an interest grace may defer interest to a later one), keeping
 * the order of the rest. */
static void drop_empty_rows(replay *rp, size_t from) {
  size_t kept = from, carrier = NO_ROW;
  for (size_t i = from; i < rp->count; i++) {
    const ml_loan_installment *row = &rp->rows[i];
    if (row_empty(row) && row->interest_deferred == 0) continue;
    if (i == rp->deferred_to) carrier = kept;
    rp->rows[kept++] = *row;
  }
  if (deferral_from(rp, from)) rp->deferred_to = carrier;
  if (rp->first_open > from) rp->first_open = from;
  rp->count = kept;
}

/* Rows[from..), none due by d, once a prepayment at d has taken all the
 * principal after them: as settling at d would leave them, each with the
 * interest accrued by d (a business day can move the current due date
 * past the next period's start, and an interest grace defers interest
 * to a later row) and its charges; those left owing nothing go.
 * Re-amortised on no principal, they would vanish with that interest,
 * below the payoff. With no principal after d, their interest periods
 * end by d: what they keep is accrued in full, and the payoff counts all
 * of it. */
static ml_status end_after(replay *rp, size_t from, ml_date d) {
  ml_status st = drop_unearned_from(rp, from, d);
  if (st != ML_OK) return st;
  for (size_t i = from; i < rp->count; i++) end_period_by(&rp->rows[i], d);
  drop_empty_rows(rp, from);
  return ML_OK;
}

/* Money beyond what is due at d paid on the current row j's principal,
 * under a policy that re-amortises: the extra principal is taken from the
 * rows that will be re-amortised, then from the later rows kept (those
 * holding money or a waiver, see first_replaceable), and the replaceable
 * rows are re-amortised on what is left. */
static ml_status prepay_principal(replay *rp, size_t j, ml_date d,
                                  ml_amount *amount) {
  ml_loan_installment *row = &rp->rows[j];
  ml_amount future = 0;
  for (size_t i = j; i < rp->count; i++) {
    future += rp->rows[i].outstanding[ML_PRINCIPAL];
  }
  ml_amount principal = min_amount(*amount, future);
  ml_amount extra = principal - row->outstanding[ML_PRINCIPAL];
  int takes_all = *amount >= future;
  if (extra > 0) {
    row->due[ML_PRINCIPAL] += extra;
    row->outstanding[ML_PRINCIPAL] += extra;
  }
  *amount -= pay_component(rp, row, ML_PRINCIPAL, principal);
  if (extra <= 0 && !takes_all) return ML_OK;
  size_t from = first_replaceable(rp, j + 1);
  take_principal(rp, from, rp->count, &extra);
  take_principal(rp, j + 1, from, &extra);
  /* What settling at d would leave, from the current row on unless it is
   * due by d: what stays owed is then exactly the payoff less the money. */
  if (takes_all) return end_after(rp, rp->rows[j].due_date > d ? j : j + 1, d);
  if (from == rp->count) return ML_OK;
  reamortisation how = {rp->amortised->annual_rate,
                        (int32_t)(rp->count - from), 0, 0, 1, 0, 0};
  if (prepayment_reduces_term(rp)) {
    ml_status st = term_reduction(rp, from, &how);
    if (st != ML_OK) return st;
  }
  return reamortise(rp, from, &how);
}

/* The money beyond what is due at d, below the payoff: the prepayment
 * policy decides. Returns what is left after the next installments. */
static ml_status prepay(replay *rp, ml_date d, ml_amount *amount) {
  size_t j = current_row(rp, d - 1); /* the first row due on or after d */
  if (prepayment_reamortises(rp) && j < rp->count) {
    ml_status st = prepay_principal(rp, j, d, amount);
    if (st != ML_OK) return st;
  }
  for (size_t i = j; i < rp->count && *amount > 0; i++) {
    *amount = pay_row(rp, &rp->rows[i], advance_order(rp), *amount);
  }
  return ML_OK;
}

/* ---- events -------------------------------------------------------------- */

static int all_settled(const replay *rp) {
  if (rp->principal_outstanding != 0) return 0; /* the cheap test first */
  for (size_t i = rp->first_open; i < rp->count; i++) {
    if (row_outstanding(&rp->rows[i]) != 0) return 0;
  }
  return 1;
}

static void close_if_settled(replay *rp, ml_date d) {
  ml_loan_status *s = rp->status;
  if (s->state == ML_LOAN_ACTIVE && all_settled(rp)) {
    s->state = s->credit_balance > 0 ? ML_LOAN_CREDIT_BALANCE : ML_LOAN_CLOSED;
    s->closed_on = d;
  }
}

static ml_status on_repayment(replay *rp, ml_date d, ml_amount amount) {
  ml_loan_status *s = rp->status;
  s->paid_total += amount;
  ml_amount payoff = ML_SCHEDULE_PRINCIPAL_HARD_LIMIT * 4;
  ml_status st = ML_OK;
  /* The payoff is at least the principal outstanding: skip it below. */
  if (amount >= rp->principal_outstanding) st = payoff_at(&payoff, rp, d);
  if (st != ML_OK) return st;
  ml_amount left;
  if (amount >= payoff) {
    st = settle(rp, d);
    left = amount - payoff;
  } else {
    left = pay_due(rp, d, amount);
    if (left > 0 && rp->options->allocation == ML_ALLOC_DUE_THEN_ADVANCE) {
      left = pay_charges_ahead(rp, left);
    }
    if (left > 0) st = prepay(rp, d, &left);
  }
  if (st != ML_OK) return st;
  s->credit_balance += left;
  post(rp, ML_ACCOUNT_CASH, ML_ACCOUNT_CREDIT_BALANCES, left);
  close_if_settled(rp, d);
  return ML_OK;
}

static void on_charge(replay *rp, ml_date d, ml_component c, ml_amount amount) {
  ML_ASSERT(rp->count > 0); /* a disbursed loan always has an installment */
  size_t i = current_row(rp, d - 1); /* the first row due on or after d */
  if (i == rp->count) i = rp->count - 1;
  ml_loan_installment *row = &rp->rows[i];
  row->due[c] += amount;
  row->outstanding[c] += amount;
  if (i < rp->first_open) rp->first_open = i;
  if (c == ML_FEES) {
    row->charged_fees_outstanding += amount;
    post(rp, ML_ACCOUNT_FEES_RECEIVABLE, ML_ACCOUNT_FEE_INCOME, amount);
  } else {
    row->charged_penalties_outstanding += amount;
    post(rp, ML_ACCOUNT_PENALTIES_RECEIVABLE, ML_ACCOUNT_PENALTY_INCOME, amount);
  }
}

static ml_amount component_outstanding(const replay *rp, ml_component c) {
  ml_amount sum = 0;
  for (size_t i = 0; i < rp->count; i++) sum += rp->rows[i].outstanding[c];
  return sum;
}

/* Waives amount of component c, oldest row first. A waived charge reverses
 * the income it recognised; interest and scheduled fees were never
 * recognised. */
static void on_waiver(replay *rp, ml_component c, ml_amount amount) {
  for (size_t i = 0; i < rp->count && amount > 0; i++) {
    ml_loan_installment *row = &rp->rows[i];
    ml_amount w = min_amount(amount, row->outstanding[c]);
    row->outstanding[c] -= w;
    row->waived[c] += w;
    amount -= w;
    if (c == ML_INTEREST) continue;
    ml_amount *charged = c == ML_FEES ? &row->charged_fees_outstanding
                                      : &row->charged_penalties_outstanding;
    ml_amount from_charged = min_amount(w, *charged);
    *charged -= from_charged;
    post(rp, c == ML_FEES ? ML_ACCOUNT_FEE_INCOME : ML_ACCOUNT_PENALTY_INCOME,
         c == ML_FEES ? ML_ACCOUNT_FEES_RECEIVABLE
                      : ML_ACCOUNT_PENALTIES_RECEIVABLE,
         from_charged);
  }
}

static void on_write_off(replay *rp, ml_date d) {
  ml_loan_status *s = rp->status;
  for (size_t i = 0; i < rp->count; i++) {
    ml_loan_installment *row = &rp->rows[i];
    post(rp, ML_ACCOUNT_WRITE_OFF_LOSS, ML_ACCOUNT_LOANS_RECEIVABLE,
         row->outstanding[ML_PRINCIPAL]);
    post(rp, ML_ACCOUNT_WRITE_OFF_LOSS, ML_ACCOUNT_FEES_RECEIVABLE,
         row->charged_fees_outstanding);
    post(rp, ML_ACCOUNT_WRITE_OFF_LOSS, ML_ACCOUNT_PENALTIES_RECEIVABLE,
         row->charged_penalties_outstanding);
    row->charged_fees_outstanding = row->charged_penalties_outstanding = 0;
    rp->principal_outstanding -= row->outstanding[ML_PRINCIPAL];
    for (int c = 0; c < ML_COMPONENTS; c++) {
      row->written_off[c] += row->outstanding[c];
      s->written_off_total += row->outstanding[c];
      s->written_off[c] += row->outstanding[c];
      row->outstanding[c] = 0;
    }
  }
  s->state = ML_LOAN_WRITTEN_OFF;
  s->closed_on = d;
}

static ml_status on_reschedule(replay *rp, ml_date d, const ml_reschedule *r) {
  size_t j = current_row(rp, d);
  if (j == rp->count) {
    return ml_error_set(rp->err, ML_ESTATE, "date", 0, 0,
                        "no installment is due after the reschedule date");
  }
  if (rp->rows[j].n == 0) j++; /* the upfront fee is not rescheduled */
  j = first_replaceable(rp, j);
  if (j == rp->count) {
    return ml_error_set(rp->err, ML_ESTATE, "date", 0, 0,
                        "every installment due after the reschedule date "
                        "is paid already, in full or in part; there is "
                        "nothing to reschedule");
  }
  /* With no principal left to re-amortise, a new schedule would have no
   * rows, and the interest and charges still owed on the old ones would
   * vanish with them (and a later charge find no installment). */
  ml_amount principal = 0;
  for (size_t i = j; i < rp->count; i++) {
    principal += rp->rows[i].outstanding[ML_PRINCIPAL];
  }
  if (principal == 0) {
    return ml_error_set(rp->err, ML_ESTATE, "date", 0, 0,
                        "no principal is outstanding after the reschedule "
                        "date; there is nothing to reschedule");
  }
  /* Rescheduled from the last due date on or before d, or from the last
   * row kept. */
  reamortisation how = {r->annual_rate, r->installments, r->grace_principal,
                        r->fixed_installment, 0, 0, 0};
  ml_status st = reamortise(rp, j, &how);
  if (st == ML_OK) rp->status->restructured = 1;
  return st;
}

static void on_disbursement(replay *rp) {
  rp->disbursed = 1;
  rp->status->state = ML_LOAN_ACTIVE;
  post(rp, ML_ACCOUNT_LOANS_RECEIVABLE, ML_ACCOUNT_CASH, rp->terms.principal);
}

/* ---- checking an event against the state --------------------------------- */

static ml_status check_event(replay *rp, const ml_event *e, size_t index) {
  const ml_loan_status *s = rp->status;
  if (e->type == ML_EVENT_DISBURSEMENT) {
    return ML_OK; /* its uniqueness is checked with the journal */
  }
  if (!rp->disbursed || e->date < rp->terms.disbursed) {
    return event_error(rp, ML_ESTATE, "date", index,
                       "dated before the disbursement");
  }
  if (s->state != ML_LOAN_ACTIVE) {
    return event_error(rp, ML_ESTATE, "type", index,
                       s->state == ML_LOAN_WRITTEN_OFF
                           ? "the loan is written off by then"
                           : "the loan is closed by then");
  }
  if (e->type == ML_EVENT_WAIVER &&
      e->amount > component_outstanding(rp, e->component)) {
    char message[160];
    char owed[ML_AMOUNT_FORMAT_SIZE];
    if (ml_amount_format(owed, sizeof owed,
                         component_outstanding(rp, e->component),
                         rp->terms.currency) != ML_OK) {
      owed[0] = '\0';
    }
    snprintf(message, sizeof message,
             "the waiver is larger than the %s owed (%s)",
             ml_component_name(e->component), owed);
    return event_error(rp, ML_ESTATE, "amount", index, message);
  }
  return ML_OK;
}

static ml_status apply_event(replay *rp, const ml_event *e, size_t index) {
  ml_status st = check_event(rp, e, index);
  if (st != ML_OK) return st;
  switch (e->type) {
    case ML_EVENT_DISBURSEMENT:
      return ML_OK; /* applied first, by disburse() */
    case ML_EVENT_REPAYMENT:
      return on_repayment(rp, e->date, e->amount);
    case ML_EVENT_FEE:
      on_charge(rp, e->date, ML_FEES, e->amount);
      return ML_OK;
    case ML_EVENT_PENALTY:
      on_charge(rp, e->date, ML_PENALTIES, e->amount);
      return ML_OK;
    case ML_EVENT_WAIVER:
      on_waiver(rp, e->component, e->amount);
      close_if_settled(rp, e->date);
      return ML_OK;
    case ML_EVENT_WRITE_OFF:
      on_write_off(rp, e->date);
      return ML_OK;
    case ML_EVENT_RESCHEDULE:
      st = on_reschedule(rp, e->date, &e->reschedule);
      if (st != ML_OK && rp->err != NULL) {
        char why[ML_ERROR_MESSAGE_SIZE];
        snprintf(why, sizeof why, "%s", rp->err->message);
        return event_error(rp, st, rp->err->field, index, why);
      }
      return st;
    case ML_EVENT_REVERSAL:
      return ML_OK; /* acts through the order of replay */
  }
  ML_UNREACHABLE("event type out of range");
  return ML_EINVAL;
}

/* ---- the journal ----------------------------------------------------------- */

/* The tests of an entry's date and amount, shared by check_journal_entry
 * and plain_repayment. */
static int entry_date_in_range(const ml_event *e) {
  return e->date >= ML_DATE_MIN && e->date <= ML_DATE_MAX;
}

static ml_amount entry_amount_limit(const replay *rp, const ml_event *e) {
  return e->type == ML_EVENT_DISBURSEMENT ? rp->terms.max_principal
                                          : ML_SCHEDULE_PRINCIPAL_HARD_LIMIT;
}

/* Checks what an event says on its own, and what it says of the events
 * entered before it (reversal targets, one disbursement). */
static ml_status check_journal_entry(replay *rp, const ml_event *events,
                                     size_t index,
                                     const unsigned char *reversed) {
  const ml_event *e = &events[index];
  if ((unsigned)e->type > ML_EVENT_RESCHEDULE) {
    return event_error(rp, ML_EINVAL, "type", index, "unknown event type");
  }
  if (!entry_date_in_range(e)) {
    return event_error(rp, ML_ERANGE, "date", index,
                       "the date is outside 1900-01-01..2200-12-31");
  }
  int has_amount = e->type <= ML_EVENT_WAIVER;
  if (has_amount && e->amount <= 0) {
    return event_error(rp, ML_EINVAL, "amount", index,
                       "the amount must be greater than 0");
  }
  ml_amount limit = entry_amount_limit(rp, e);
  if (has_amount && e->amount > limit) {
    char amount[ML_AMOUNT_FORMAT_SIZE], most[ML_AMOUNT_FORMAT_SIZE];
    char message[2 * ML_AMOUNT_FORMAT_SIZE + 40];
    if (ml_amount_format(amount, sizeof amount, e->amount,
                         rp->terms.currency) != ML_OK ||
        ml_amount_format(most, sizeof most, limit, rp->terms.currency) !=
            ML_OK) {
      amount[0] = most[0] = '\0';
    }
    snprintf(message, sizeof message, "the amount %s is above the limit of %s",
             amount, most);
    return event_error(rp, ML_ELIMIT, "amount", index, message);
  }
  if (e->type == ML_EVENT_WAIVER && e->component == ML_PRINCIPAL) {
    return event_error(rp, ML_EINVAL, "component", index,
                       "only interest, fees or penalties can be waived");
  }
  if (e->type == ML_EVENT_WAIVER && (unsigned)e->component >= ML_COMPONENTS) {
    return event_error(rp, ML_EINVAL, "component", index,
                       "unknown component");
  }
  if (e->type == ML_EVENT_DISBURSEMENT && rp->disbursement != NULL) {
    return event_error(rp, ML_ESTATE, "type", index,
                       "the loan is already disbursed (one disbursement per "
                       "loan)");
  }
  if (e->type == ML_EVENT_DISBURSEMENT) rp->disbursement = e;
  if (e->type != ML_EVENT_REVERSAL) return ML_OK;
  if (e->target < 1 || (uint64_t)e->target > index) {
    return event_error(rp, ML_EINVAL, "target", index,
                       "the reversal names no earlier event");
  }
  const ml_event *target = &events[e->target - 1];
  if (target->type == ML_EVENT_REVERSAL) {
    return event_error(rp, ML_ESTATE, "target", index,
                       "a reversal cannot be reversed");
  }
  if (target->type == ML_EVENT_DISBURSEMENT) {
    return event_error(rp, ML_ESTATE, "target", index,
                       "the disbursement cannot be reversed");
  }
  if (reversed[e->target - 1]) {
    return event_error(rp, ML_ESTATE, "target", index,
                       "that event is already reversed");
  }
  if (e->date < target->date) {
    return event_error(rp, ML_EINVAL, "date", index,
                       "a reversal cannot be dated before its event");
  }
  return ML_OK;
}

/* Event indices in replay order: by date, then by entry. Insertion sort:
 * journals arrive nearly sorted, so this is close to one pass. */
static void sort_replay_order(uint32_t *order, const ml_event *events,
                              size_t count) {
  for (size_t i = 0; i < count; i++) {
    uint32_t idx = (uint32_t)i;
    size_t k = i;
    while (k > 0 && events[order[k - 1]].date > events[idx].date) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = idx;
  }
}

/* Work space for a journal: on the stack for small ones. */
enum { SMALL_JOURNAL = 512 };

typedef struct journal_space {
  uint32_t *order;
  /* Both flag arrays are zeroed, and read, only once the journal shows a
   * reversal: most have none, and a memset per status cost more than the
   * rest of the set-up. */
  int has_reversals;
  /* Set by read_journal: no event is dated before the one entered
   * before it. */
  int in_date_order;
  unsigned char *reversed; /* 1: reversed by a reversal dated <= as_of */
  unsigned char *checked;  /* scratch for the entry checks */
  size_t count;
  uint32_t small_order[SMALL_JOURNAL];
  unsigned char small_flags[2 * SMALL_JOURNAL];
  void *heap;
} journal_space;

static ml_status journal_space_init(journal_space *js, size_t count) {
  js->heap = NULL;
  if (count <= SMALL_JOURNAL) {
    js->order = js->small_order;
    js->reversed = js->small_flags;
  } else {
    js->heap = malloc(count * (sizeof(uint32_t) + 2));
    if (js->heap == NULL) return ML_ENOMEM;
    js->order = js->heap;
    js->reversed = (unsigned char *)(js->order + count);
  }
  js->checked = js->reversed + count;
  js->count = count;
  js->has_reversals = 0;
  js->in_date_order = 1;
  return ML_OK;
}

/* Event indices in replay order. A journal entered in date order, as most
 * are, is already in it: the sort would keep every event in place. */
static void replay_order(journal_space *js, const ml_event *events,
                         size_t count) {
  if (!js->in_date_order) {
    sort_replay_order(js->order, events, count);
    return;
  }
  for (size_t i = 0; i < count; i++) js->order[i] = (uint32_t)i;
}

/* A repayment check_journal_entry passes, by the same tests it makes of
 * one (a repayment has no component, target or disbursement to check):
 * most entries are such, and this is fewer tests. */
static int plain_repayment(const replay *rp, const ml_event *e) {
  return e->type == ML_EVENT_REPAYMENT && entry_date_in_range(e) &&
         e->amount > 0 && e->amount <= entry_amount_limit(rp, e);
}

/* The journal's amounts add up past ML_LOAN_MAX_AMOUNTS at event index.
 * (Kept out of read_journal's loop, which adds each amount to the sum
 * and compares: each amount is checked, at most 10^15, so the sum stays
 * far inside int64 until the limit stops it.) */
__attribute__((cold, noinline)) static ml_status sum_error(replay *rp,
                                                           size_t index) {
  char most[ML_AMOUNT_FORMAT_SIZE], message[ML_AMOUNT_FORMAT_SIZE + 80];
  if (ml_amount_format(most, sizeof most, ML_LOAN_MAX_AMOUNTS,
                       rp->terms.currency) != ML_OK) {
    most[0] = '\0';
  }
  snprintf(message, sizeof message,
           "the amounts of the journal's events add up to more than %s, "
           "the limit of one loan",
           most);
  return event_error(rp, ML_ELIMIT, "amount", index, message);
}

/* Checks every entry and marks the events reversed by as_of. */
static ml_status read_journal(replay *rp, journal_space *js,
                              const ml_event *events, size_t count,
                              ml_date as_of) {
  ml_amount sum = 0; /* of the amounts: see sum_error */
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && events[i].date < events[i - 1].date) js->in_date_order = 0;
    if (plain_repayment(rp, &events[i])) {
      sum += events[i].amount;
      if (sum > ML_LOAN_MAX_AMOUNTS) return sum_error(rp, i);
      continue;
    }
    if (events[i].type == ML_EVENT_REVERSAL && !js->has_reversals) {
      memset(js->reversed, 0, 2 * js->count);
      js->has_reversals = 1;
    }
    /* js->checked marks events reversed by any reversal entered so far. */
    ml_status st = check_journal_entry(rp, events, i, js->checked);
    if (st != ML_OK) return st;
    if (events[i].type <= ML_EVENT_WAIVER) { /* the types with an amount */
      sum += events[i].amount;
      if (sum > ML_LOAN_MAX_AMOUNTS) return sum_error(rp, i);
    }
    if (events[i].type == ML_EVENT_REVERSAL) {
      js->checked[events[i].target - 1] = 1;
      if (events[i].date <= as_of) js->reversed[events[i].target - 1] = 1;
    }
  }
  return ML_OK;
}

/* The journal's first disbursement, or NULL: the one read_journal keeps
 * when the journal passes its checks. */
static const ml_event *first_disbursement(const ml_event *events,
                                          size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (events[i].type == ML_EVENT_DISBURSEMENT) return &events[i];
  }
  return NULL;
}

/* Asks for every cache line of a journal that a batch caller may not have
 * touched for a while: they arrive while the schedule is built. */
static void prefetch_journal(const ml_event *events, size_t count) {
  enum { LINE = 64, MOST = 64 * 1024 };
  size_t bytes = count * sizeof *events;
  if (bytes > MOST) bytes = MOST;
  const char *p = (const char *)events;
  for (size_t off = 0; off < bytes; off += LINE) __builtin_prefetch(p + off);
}

/* The terms with the journal's disbursement, if it has one. */
static void disbursement_terms(replay *rp) {
  const ml_event *e = rp->disbursement;
  if (e == NULL) return;
  rp->terms.principal = e->amount;
  rp->terms.disbursed = e->date;
}

/*
 * Builds the schedule before the journal is checked, from its first
 * disbursement, quietly: the lines of a cold journal arrive meanwhile
 * (about 5 % of a status from a journal pool larger than the caches). The
 * checks then come first as before; only when they pass does the outcome
 * count, and a failed schedule is built again for its message, so every
 * error is the one the checks-first order gives.
 */
static ml_status schedule_ahead(replay *rp, const ml_event *events,
                                size_t count) {
  ml_error *err = rp->err;
  rp->err = NULL;
  rp->disbursement = first_disbursement(events, count);
  disbursement_terms(rp);
  ml_status st = build_schedule(rp);
  rp->disbursement = NULL;
  rp->err = err;
  return st;
}

/* The disbursement, from the journal or the terms. */
static ml_status apply_disbursement_terms(replay *rp, const ml_event *events) {
  const ml_event *e = rp->disbursement;
  if (e == NULL) return ML_OK;
  disbursement_terms(rp);
  if (rp->terms.first_due != ML_DATE_NONE && rp->terms.first_due <= e->date) {
    return event_error(rp, ML_EINVAL, "date", (size_t)(e - events),
                       "the disbursement is not before the first due date "
                       "of the terms");
  }
  return ML_OK;
}

/* The disbursement comes first on its date, whatever the order of entry:
 * the disbursement event's id, or 0 when the terms are the disbursement. */
static void disburse(replay *rp, ml_date as_of) {
  if (rp->terms.disbursed > as_of) return;
  rp->event_id = rp->disbursement ? rp->disbursement->id : 0;
  rp->event_date = rp->terms.disbursed;
  on_disbursement(rp);
  flush_postings(rp);
}

/* The figures of the status at as_of, gathered row by row; the payoff in
 * the same pass (as payoff_at works it out). */
typedef struct summary {
  ml_date as_of;
  ml_amount tolerance;
  ml_amount payoff;
  size_t count;
  size_t current; /* the first row due after as_of; count until found */
} summary;

static summary summary_start(const replay *rp, ml_date as_of) {
  return (summary){as_of, rp->options->arrears_tolerance, 0, rp->count,
                   rp->count};
}

/* The first row due after as_of is the current one. */
static inline void note_current(summary *m, const ml_loan_installment *row,
                                size_t i) {
  if (m->current == m->count && row->due_date > m->as_of) m->current = i;
}

static inline void summarise_row(ml_loan_status *s, summary *m,
                                 const ml_loan_installment *row, size_t i) {
  ml_amount open = row_outstanding(row);
  for (int c = 0; c < ML_COMPONENTS; c++) s->outstanding[c] += row->outstanding[c];
  note_current(m, row, i);
  /* row_payoff, with the sum of a row due by as_of already at hand */
  m->payoff += i < m->current ? open : row_payoff(row, 0);
  if (row->due_date < m->as_of) {
    s->arrears += open;
    if (open > m->tolerance && s->overdue_since == ML_DATE_NONE) {
      s->overdue_since = row->due_date + 1;
      s->days_past_due = m->as_of - row->due_date;
    }
  } else if (s->next_due_date == ML_DATE_NONE && open > 0) {
    s->next_due_date = row->due_date;
    s->next_due_amount = open;
  }
}

/* The payoff is what a repayment on as_of settles with: it comes before
 * the late fees decided at the end of that day. */
static ml_status summary_end(replay *rp, const summary *m) {
  ml_loan_status *s = rp->status;
  s->installment_count = rp->count;
  if (s->state != ML_LOAN_ACTIVE) return ML_OK;
  return payoff_with_accrued(&s->payoff, rp, m->payoff - rp->fees_at_day_end,
                             m->current, m->as_of);
}

static ml_status summarise(replay *rp, ml_date as_of) {
  summary m = summary_start(rp, as_of);
  for (size_t i = 0; i < rp->count; i++) {
    summarise_row(rp->status, &m, &rp->rows[i], i);
  }
  return summary_end(rp, &m);
}

/* write_rows and summarise in one pass, for a replay that ends with its
 * rows still the schedule (the waterfall took every repayment) and has no
 * penalties to bring up to as_of: each row is summed while it is fresh. */
static ml_status write_rows_summarised(replay *rp, ml_date as_of) {
  const ml_component *order = allocation_orders[rp->options->allocation];
  summary m = summary_start(rp, as_of);
  ml_amount amount = rp->pending;
  size_t i = 0;
  for (; i < rp->count && amount > 0; i++) {
    /* A row paid in full owes nothing, and nothing is overdue (the
     * tolerance is not negative): of summarise_row, only the test of its
     * due date is left. */
    if (write_row_paying(rp, i, order, &amount)) {
      note_current(&m, &rp->rows[i], i);
    } else {
      summarise_row(rp->status, &m, &rp->rows[i], i);
    }
  }
  ML_ASSERT(amount == 0);
  for (; i < rp->count; i++) {
    row_from_installment(&rp->rows[i], &rp->scratch[i]);
    summarise_row(rp->status, &m, &rp->rows[i], i);
  }
  rp->pending = 0;
  rp->rows_unwritten = rp->rows_behind = 0;
  return summary_end(rp, &m);
}

static void status_init(ml_loan_status *s, ml_date as_of) {
  /* Copying a zero status compiles to vector stores; a memset of this size
   * became a slow-starting rep stos. */
  static const ml_loan_status zero_status;
  memcpy(s, &zero_status, sizeof *s);
  s->as_of = as_of;
  s->state = ML_LOAN_PENDING;
  s->overdue_since = ML_DATE_NONE;
  s->next_due_date = ML_DATE_NONE;
  s->closed_on = ML_DATE_NONE;
}

/*
 * Takes the repayments from the k-th in replay order on into the pending
 * waterfall while on_repayment would only pay rows with them; returns the
 * position of the first event that must go the general way (or count).
 * The principal outstanding once the pending sum is paid is at least the
 * principal outstanding now less that sum, so an amount below that bound
 * is below the principal outstanding at its event. An event check_event
 * would reject, one that could settle the loan, and one replay_events
 * skips (reversed, a reversal, the disbursement) are left to its loop.
 * Nothing else changes while the run lasts, so the state is tested once
 * and the sums are kept in locals.
 */
static size_t defer_repayments(replay *rp, const journal_space *js,
                               const ml_event *events, size_t k, size_t count,
                               ml_date as_of) {
  ml_loan_status *s = rp->status;
  if (!rp->disbursed || s->state != ML_LOAN_ACTIVE) return k;
  const ml_date from = rp->terms.disbursed;
  const ml_amount bound = rp->principal_outstanding;
  ml_amount pending = rp->pending, taken = 0;
  for (; k < count; k++) {
    size_t i = js->order[k];
    const ml_event *e = &events[i];
    if (e->type != ML_EVENT_REPAYMENT || e->date > as_of || e->date < from ||
        (js->has_reversals && js->reversed[i]) ||
        e->amount >= bound - pending) {
      break;
    }
    pending += e->amount;
    taken += e->amount;
  }
  if (taken > 0) {
    rp->pending = pending;
    rp->rows_behind = 1;
    s->paid_total += taken;
  }
  return k;
}

static ml_status replay_events(replay *rp, const journal_space *js,
                               const ml_event *events, size_t count,
                               ml_date as_of) {
  /* Without the waterfall the rows are written before the first event
   * (most often already, while the journal was read), and each event
   * costs one test of a local. */
  const int lazy = rp->lazy_repayments;
  if (!lazy) update_rows(rp);
  for (size_t k = 0; k < count; k++) {
    if (lazy) {
      k = defer_repayments(rp, js, events, k, count, as_of);
      if (k == count) break;
    }
    size_t i = js->order[k];
    const ml_event *e = &events[i];
    if (e->date > as_of) break;
    if ((js->has_reversals && js->reversed[i]) ||
        e->type == ML_EVENT_REVERSAL ||
        e->type == ML_EVENT_DISBURSEMENT) {
      continue;
    }
    if (lazy) update_rows(rp);
    ml_status st = apply_penalties(rp, e->date, 0);
    if (st != ML_OK) return st;
    rp->event_id = e->id;
    rp->event_date = e->date;
    st = apply_event(rp, e, i);
    if (st != ML_OK) return st;
    flush_postings(rp);
  }
  return ML_OK;
}

ml_status ml_ledger_replay(ml_loan_status *status, ml_loan_installment *rows,
                           size_t capacity, const ml_schedule_terms *terms,
                           const ml_loan_options *options,
                           const ml_event *events, size_t count,
                           ml_date as_of, ml_posting_sink sink,
                           void *sink_context, ml_error *err) {
  static const ml_loan_options defaults = {0};
  ml_installment scratch[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  /* Member by member: an initialiser would zero the whole struct first
   * (a rep stos of 512 bytes, about 1 % of a status). */
  replay rp;
  rp.options = options ? options : &defaults;
  rp.terms = *terms;
  rp.rows = rows;
  rp.capacity = capacity;
  rp.count = 0;
  rp.scratch = scratch;
  rp.status = status;
  rp.err = err;
  rp.disbursed = 0;
  rp.disbursement = NULL;
  rp.amortised = &rp.terms;
  rp.fixed_principal = 0;
  rp.first_open = 0;
  rp.fees_at_day_end = 0;
  rp.deferred_to = NO_ROW;
  rp.pending = 0;
  rp.rows_unwritten = rp.rows_behind = 0;
  rp.sink = sink;
  rp.sink_context = sink_context;
  rp.event_id = 0;
  rp.event_date = ML_DATE_NONE;
  if (sink != NULL) {
    memset(rp.debit, 0, sizeof rp.debit);
    memset(rp.credit, 0, sizeof rp.credit);
  }
  status_init(status, as_of);
  plan_default_interest(&rp);
  rp.lazy_repayments = waterfall_applies(&rp);
  /* The limit comes before the work space is sized by count, so a huge
   * count can neither overflow that size nor allocate in vain. */
  if (count > ML_LOAN_MAX_EVENTS) {
    return ml_error_set(err, ML_ELIMIT, "", 0, 0,
                        "the journal has %zu events; at most %d are kept",
                        count, ML_LOAN_MAX_EVENTS);
  }
  journal_space js;
  if (journal_space_init(&js, count) != ML_OK) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a journal of %zu events", count);
  }
  prefetch_journal(events, count);
  ml_status scheduled = schedule_ahead(&rp, events, count);
  /* Without the waterfall the rows are written now, while the journal's
   * lines arrive: there is nothing to wait for. */
  if (scheduled == ML_OK && !rp.lazy_repayments) update_rows(&rp);
  ml_status st = read_journal(&rp, &js, events, count, as_of);
  if (st == ML_OK) st = apply_disbursement_terms(&rp, events);
  if (st == ML_OK && scheduled != ML_OK) st = build_schedule(&rp);
  if (st == ML_OK) {
    replay_order(&js, events, count);
    disburse(&rp, as_of);
    st = replay_events(&rp, &js, events, count, as_of);
  }
  if (st == ML_OK && rp.rows_unwritten && penalties_off(rp.options)) {
    st = write_rows_summarised(&rp, as_of);
  } else {
    /* Also when the journal failed its checks: the rows are then the
     * schedule, as the caller always got them. */
    update_rows(&rp);
    if (st == ML_OK) st = apply_penalties(&rp, as_of, 1);
    if (st == ML_OK) st = summarise(&rp, as_of);
  }
  free(js.heap);
  return st;
}

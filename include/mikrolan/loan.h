/*
 * mikrolan/loan.h — one loan's ledger: terms + an append-only journal of
 * events -> its exact status at any date, and double-entry postings.
 *
 * The status is a pure function of (terms, options, journal, date): events
 * dated on or before the date are replayed in date order (same date: order
 * of entry), reversed events left out. Replaying the same journal always
 * gives the same bytes.
 *
 * Replay, in order, for each event date d (and finally for the as-of date):
 *  1. Penalties due before d: each late fee whose trigger date (due date + N
 *     days) is before d is charged to its installment if that installment
 *     still has an unpaid amount above the arrears tolerance; default
 *     interest accrued on overdue principal up to d is added to the
 *     installment's penalties (rounded to one minor unit per accrual).
 *  2. The event itself:
 *     - disbursement: the loan's principal and date (one per loan; without
 *       one, the terms' principal and disbursement date are the
 *       disbursement). The schedule is computed from the terms with them.
 *     - repayment: pays what is due on or before d, installment by
 *       installment (oldest first), each in the allocation order. If the
 *       amount reaches the payoff amount at d, the loan is settled: all
 *       principal, the interest due and accrued, the fees and penalties are
 *       paid, the unaccrued interest of later periods is no longer due, and
 *       the rest becomes a credit balance. Otherwise the money beyond what
 *       is due goes by the prepayment policy (see ml_prepayment). Interest
 *       accrues pro rata of the days of each interest period; interest an
 *       interest grace deferred accrues over the periods that charged it
 *       (README, "Interest accrued by a date").
 *     - fee / penalty: a charge added to the installment whose period holds
 *       d (the first with due date >= d; the last one after maturity).
 *     - waiver: of interest, fees or penalties, oldest installment first,
 *       at most what is outstanding of that component on all installments.
 *     - write-off: everything outstanding is written off; the loan is
 *       written off.
 *     - reschedule: the outstanding principal of installments due after d
 *       is re-amortised with the schedule layer from the last due date on
 *       or before d (or the disbursement): new rate, number of remaining
 *       installments, grace or fixed installment; the loan is flagged
 *       restructured. Installments due on or before d stay as they are,
 *       and so do those after d that hold money paid in advance (or a
 *       waiver) and the ones before them: the new schedule then starts
 *       from the last of these.
 *     - reversal: takes effect by leaving its target out of the replay, so
 *       the status is exactly what it would be had the target never
 *       happened (from the reversal's date on; before it, the target still
 *       counts).
 *  3. At the as-of date: late fees with trigger date <= as-of (of
 *     installments due before it: an amount is overdue from the day after
 *     its due date) and default interest accrued to as-of, then the
 *     status. Each late fee is decided once, on the state at the end of
 *     its trigger date, after the repayments of that day (so the payoff
 *     at as-of leaves out a fee triggered on as-of: a repayment of it that
 *     day settles the loan first). Default interest under 30E/360 ISDA
 *     takes the last installment's due date as the maturity.
 */
#ifndef MIKROLAN_LOAN_H
#define MIKROLAN_LOAN_H

#include "core.h"
#include "date.h"
#include "money.h"
#include "rate.h"
#include "schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits. */
#define ML_LOAN_MAX_EVENTS 100000 /* events in one journal */
/* The sum of the amounts of a journal's events, reversed ones too, in
 * minor units (10^17): with the schedule's own limits it keeps every
 * figure the ledger sums (a component over the rows, the payoff, the
 * postings' totals) inside int64. */
#define ML_LOAN_MAX_AMOUNTS INT64_C(100000000000000000)
#define ML_EVENT_REF_SIZE 64      /* an external reference, with its NUL */

/* Event types. Pinned. */
typedef enum ml_event_type {
  ML_EVENT_DISBURSEMENT = 0,
  ML_EVENT_REPAYMENT = 1,
  ML_EVENT_FEE = 2,
  ML_EVENT_PENALTY = 3,
  ML_EVENT_WAIVER = 4,
  ML_EVENT_WRITE_OFF = 5,
  ML_EVENT_REVERSAL = 6,
  ML_EVENT_RESCHEDULE = 7
} ml_event_type;

/* "disbursement", "repayment", "fee", "penalty", "waiver", "write-off",
 * "reversal", "reschedule"; NULL outside the enum. */
ML_API const char *ml_event_type_name(ml_event_type type);
ML_API ML_NODISCARD ml_status ml_event_type_parse(ml_event_type *out,
                                                  const char *text,
                                                  ml_error *err);

/* Components of what a borrower owes. Pinned; the index into the arrays of
 * ml_loan_installment and ml_loan_status. */
typedef enum ml_component {
  ML_PRINCIPAL = 0,
  ML_INTEREST = 1,
  ML_FEES = 2,
  ML_PENALTIES = 3
} ml_component;
#define ML_COMPONENTS 4

/* "principal", "interest", "fees", "penalties"; NULL outside the enum. */
ML_API const char *ml_component_name(ml_component component);
ML_API ML_NODISCARD ml_status ml_component_parse(ml_component *out,
                                                 const char *text,
                                                 ml_error *err);

/* New terms of a reschedule. */
typedef struct ml_reschedule {
  ml_rate annual_rate;        /* the new nominal rate */
  int32_t installments;       /* of the new schedule, after the rows kept */
  int32_t grace_principal;    /* interest-only installments among them */
  ml_amount fixed_installment; /* annuity: this installment; 0 = computed */
} ml_reschedule;

/* One event. Initialise with ml_event_init, then set the fields its type
 * uses: amount (disbursement, repayment, fee, penalty, waiver), component
 * (waiver: ML_INTEREST, ML_FEES or ML_PENALTIES), target (reversal: the id
 * of the reversed event), reschedule (reschedule). */
typedef struct ml_event {
  int64_t id; /* assigned by ml_loan_append: 1, 2, ... in order of entry */
  ml_event_type type;
  ml_date date;
  ml_amount amount;
  ml_component component;
  int64_t target;
  ml_reschedule reschedule;
  char ref[ML_EVENT_REF_SIZE]; /* optional external reference, UTF-8 */
} ml_event;

ML_API void ml_event_init(ml_event *event, ml_event_type type, ml_date date,
                          ml_amount amount);

/* Repayment allocation. Pinned. Within an installment the components are
 * paid in the order the name gives. */
typedef enum ml_allocation {
  ML_ALLOC_PENALTIES_FEES_INTEREST_PRINCIPAL = 0, /* Fineract's standard */
  ML_ALLOC_INTEREST_PRINCIPAL_PENALTIES_FEES = 1,
  ML_ALLOC_PRINCIPAL_INTEREST_PENALTIES_FEES = 2,
  /* Due installments: penalties, fees, interest, principal; then the fees
   * and penalties events charged to later installments (charged by the
   * date, so due); then money in advance pays later installments
   * principal first. */
  ML_ALLOC_DUE_THEN_ADVANCE = 3
} ml_allocation;

/* Where money beyond what is due goes (below the payoff amount). Pinned. */
typedef enum ml_prepayment {
  /* pays the next installments in order, fully, in the allocation order:
   * interest paid ahead so is kept if the loan is settled later */
  ML_PREPAY_NEXT_INSTALLMENTS = 0,
  /* the money beyond what is due pays principal on the current
   * installment (the first due on or after the date): its own first, then
   * the rest as extra principal; the later ones are re-amortised from its
   * due date keeping the equal installment (equal principal: the principal
   * per installment) of the schedule they follow, the loan's or the last
   * reschedule's, at its rate: fewer installments. Later
   * installments that hold money or a waiver stay as they are, with the
   * ones before them (as for a reschedule): the extra principal is taken
   * from the installments after them first, and only those are
   * re-amortised. When the extra takes all the principal, the current
   * installment (unless due by the date) and the later ones keep only what
   * the payoff counts of them (the interest accrued by the date, deferred
   * interest included, and charges): what stays owed is the payoff less
   * the money.
   * Flat and bullet loans take it as ML_PREPAY_REDUCE_INSTALLMENT. */
  ML_PREPAY_REDUCE_TERM = 1,
  /* the same, re-amortised over the same number of later installments:
   * smaller installments */
  ML_PREPAY_REDUCE_INSTALLMENT = 2
} ml_prepayment;

/* "penalties-fees-interest-principal", "interest-principal-penalties-fees",
 * "principal-interest-penalties-fees", "due-then-advance";
 * "next-installments", "reduce-term", "reduce-installment". */
ML_API const char *ml_allocation_name(ml_allocation allocation);
ML_API ML_NODISCARD ml_status ml_allocation_parse(ml_allocation *out,
                                                  const char *text,
                                                  ml_error *err);
ML_API const char *ml_prepayment_name(ml_prepayment prepayment);
ML_API ML_NODISCARD ml_status ml_prepayment_parse(ml_prepayment *out,
                                                  const char *text,
                                                  ml_error *err);

/* How a loan is kept. Initialise with ml_loan_options_init. */
typedef struct ml_loan_options {
  ml_allocation allocation;      /* default: penalties, fees, interest, principal */
  ml_prepayment prepayment;      /* default: next installments */
  /* An installment with at most this unpaid is not overdue: no days past
   * due, no late fee, no default interest (still in arrears). 0. */
  ml_amount arrears_tolerance;
  ml_amount late_fee;            /* 0 = off */
  int32_t late_fee_days;         /* N: charged when still overdue N days after the due date */
  ml_rate default_rate;          /* dröjsmålsränta; 0 = off */
  ml_day_count default_day_count; /* default ACT/365F */
} ml_loan_options;

ML_API void ml_loan_options_init(ml_loan_options *options);

/* The loan's state at a date. Pinned. */
typedef enum ml_loan_state {
  ML_LOAN_PENDING = 0,        /* not disbursed by that date */
  ML_LOAN_ACTIVE = 1,
  ML_LOAN_CLOSED = 2,         /* nothing outstanding */
  ML_LOAN_WRITTEN_OFF = 3,
  ML_LOAN_CREDIT_BALANCE = 4  /* nothing outstanding and money owed back */
} ml_loan_state;

/* "pending", "active", "closed", "written-off", "credit-balance". */
ML_API const char *ml_loan_state_name(ml_loan_state state);

/* One installment at the status date. Row 0 is the upfront fee when the
 * terms have one. For each component: due = paid + waived + written_off +
 * outstanding. */
typedef struct ml_loan_installment {
  int32_t n;
  ml_date due_date;
  ml_amount due[ML_COMPONENTS];
  ml_amount paid[ML_COMPONENTS];
  ml_amount waived[ML_COMPONENTS];
  ml_amount written_off[ML_COMPONENTS];
  ml_amount outstanding[ML_COMPONENTS];
  /* Bookkeeping of the replay, for exporters: */
  ml_date period_start, period_end; /* the interest period */
  ml_amount charged_fees_outstanding;      /* of outstanding[ML_FEES]: charged by fee events */
  ml_amount charged_penalties_outstanding; /* of outstanding[ML_PENALTIES]: by penalty events */
  ml_date penalty_accrued_to; /* default interest accrued up to this date */
  int late_fee_charged;       /* 1 once the late fee was charged */
  /* The interest this row's period charged and an interest grace deferred
   * to a later installment (ml_installment.interest_deferred); settling
   * leaves the part accrued by its date. */
  ml_amount interest_deferred;
} ml_loan_installment;

/* The status of a loan at a date. */
typedef struct ml_loan_status {
  ml_date as_of;
  ml_loan_state state;
  int32_t days_past_due;  /* as_of - due date of the oldest overdue installment */
  ml_date overdue_since;  /* the day it became overdue, or ML_DATE_NONE */
  ml_amount outstanding[ML_COMPONENTS]; /* all installments */
  ml_amount arrears;      /* unpaid amounts due before as_of */
  /* The first installment due on or after as_of with something unpaid,
   * and what is unpaid of it; ML_DATE_NONE and 0 when there is none. */
  ml_date next_due_date;
  ml_amount next_due_amount;
  /* All principal + everything due by as_of + fees and penalties charged
   * on later installments + interest accrued to as_of (README): what a
   * repayment on as_of settles with, so without the late fees triggered
   * on as_of itself (decided after that day's repayments). */
  ml_amount payoff;
  ml_amount paid_total;   /* money received */
  ml_amount credit_balance; /* money owed back to the borrower */
  ml_amount written_off_total;
  ml_amount written_off[ML_COMPONENTS]; /* by component */
  ml_date closed_on;      /* when it closed or was written off, or ML_DATE_NONE */
  int restructured;       /* 1 after a reschedule */
  size_t installment_count; /* rows written to the caller's buffer */
} ml_loan_status;

/*
 * The batch form: the status at as_of of a loan given by its terms, options
 * and an in-memory journal (events[0..count), in order of entry, ids set),
 * with its installments written to rows[0..capacity). Allocates nothing
 * (except on the rare exact GMP path of the schedule layer). ML_EBUFFER if
 * capacity is below the row count (ML_SCHEDULE_MAX_INSTALLMENTS + 1 always
 * suffices); ML_EINVAL/ML_ESTATE/ML_ELIMIT with err->line = the 1-based
 * index of the offending event when the journal is not valid: every event
 * on its own (what ml_loan_append checks of it alone), and each event
 * dated by as_of against the loan's state when the replay reaches it. An
 * event dated later is checked against the state only by a status at or
 * after its date, and the journal as a whole decides (a reversal entered
 * later can make an earlier event valid); ml_loan_append checks every
 * date as each event comes. Reentrant.
 */
ML_API ML_NODISCARD ml_status ml_loan_status_compute(
    ml_loan_status *status, ml_loan_installment *rows, size_t capacity,
    const ml_schedule_terms *terms, const ml_loan_options *options,
    const ml_event *events, size_t count, ml_date as_of, ml_error *err);

/* Double-entry postings. Accounts. Pinned. */
typedef enum ml_account {
  ML_ACCOUNT_CASH = 0,
  ML_ACCOUNT_LOANS_RECEIVABLE = 1,     /* outstanding principal */
  ML_ACCOUNT_FEES_RECEIVABLE = 2,      /* fees charged by events */
  ML_ACCOUNT_PENALTIES_RECEIVABLE = 3, /* penalties charged by events */
  ML_ACCOUNT_INTEREST_INCOME = 4,
  ML_ACCOUNT_FEE_INCOME = 5,
  ML_ACCOUNT_PENALTY_INCOME = 6,
  ML_ACCOUNT_WRITE_OFF_LOSS = 7,
  ML_ACCOUNT_CREDIT_BALANCES = 8       /* money owed back to borrowers */
} ml_account;

/* "cash", "loans-receivable", "fees-receivable", "penalties-receivable",
 * "interest-income", "fee-income", "penalty-income", "write-off-loss",
 * "credit-balances". */
ML_API const char *ml_account_name(ml_account account);

/* One line of a posting: exactly one of debit and credit is > 0. */
typedef struct ml_posting {
  int64_t event_id;
  ml_date date;
  ml_account account;
  ml_amount debit;
  ml_amount credit;
} ml_posting;

/*
 * The postings of the journal as replayed to as_of, in replay order, into
 * out[0..capacity); *count receives how many there are (also when
 * ML_EBUFFER says capacity is too small). Interest, scheduled fees and
 * derived penalties (late fees, default interest) are recognised when paid
 * (cash basis); fees and penalties charged by events when charged. A
 * disbursement debits loans receivable and credits cash; a repayment debits
 * cash and credits what it paid (loans receivable, income, receivables,
 * credit balances); a charge debits its receivable and credits its income;
 * a waiver of a charged fee or penalty reverses that; a write-off debits
 * write-off loss for the outstanding principal and charged receivables. A
 * reversed event and its reversal post nothing: the books are restated as
 * if the reversed event had never happened. Debits equal credits for every
 * event.
 */
ML_API ML_NODISCARD ml_status ml_loan_postings_compute(
    ml_posting *out, size_t capacity, size_t *count,
    const ml_schedule_terms *terms, const ml_loan_options *options,
    const ml_event *events, size_t event_count, ml_date as_of,
    ml_error *err);

/* ---- the handle: a journal that only accepts valid events ----------- */

typedef struct ml_loan ml_loan;

/* A new loan with a copy of the terms and options (validated: the
 * schedule's ML_EINVAL/ML_ELIMIT/ML_ERANGE, and the options'). */
ML_API ML_NODISCARD ml_status ml_loan_new(ml_loan **out,
                                          const ml_schedule_terms *terms,
                                          const ml_loan_options *options,
                                          ml_error *err);
ML_API void ml_loan_free(ml_loan *loan); /* accepts NULL */

/*
 * Appends a copy of *event, assigning its id (returned in *id when not
 * NULL). The journal is replayed with it; if any event would then be
 * invalid, the event is rejected and the journal is left unchanged:
 * ML_EINVAL for a ref not NUL-terminated within ML_EVENT_REF_SIZE bytes or
 * not valid UTF-8 (field "ref": the journal writer could not write it), a
 * zero or negative amount, an unknown type or component, a
 * waiver of principal, a reversal of an unknown event or dated before its
 * event; ML_ESTATE for a repayment or charge before the disbursement, a
 * second disbursement, a reversal of an already reversed event, of a
 * reversal or of the disbursement, an event after the loan is closed or
 * written off (except a reversal), a waiver larger than what is owed, a
 * reschedule with no installment due or no principal outstanding after its
 * date, or with every installment after it paid into in advance already;
 * ML_ELIMIT for a disbursement above the terms' max_principal, any other
 * amount above ML_SCHEDULE_PRINCIPAL_HARD_LIMIT (a repayment may exceed the
 * principal), an amount that takes the sum of the journal's amounts past
 * ML_LOAN_MAX_AMOUNTS, or a journal of more than ML_LOAN_MAX_EVENTS events;
 * ML_ERANGE for a date outside 1900..2200. ML_ENOMEM when the journal
 * cannot grow.
 */
ML_API ML_NODISCARD ml_status ml_loan_append(ml_loan *loan,
                                             const ml_event *event,
                                             int64_t *id, ml_error *err);

/* The journal: events in order of entry, owned by the loan, valid until the
 * next append or free. */
ML_API size_t ml_loan_event_count(const ml_loan *loan);
ML_API const ml_event *ml_loan_events(const ml_loan *loan);
ML_API const ml_schedule_terms *ml_loan_terms(const ml_loan *loan);
ML_API const ml_loan_options *ml_loan_options_of(const ml_loan *loan);

/* ml_loan_status_compute over the loan's journal. */
ML_API ML_NODISCARD ml_status ml_loan_status_at(ml_loan_status *status,
                                                ml_loan_installment *rows,
                                                size_t capacity,
                                                const ml_loan *loan,
                                                ml_date as_of, ml_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_LOAN_H */

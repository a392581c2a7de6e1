/*
 * lib/loan.c — the loan layer's names, options, and the journal handle. The
 * replay itself is lib/ledger.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "utf8.h"

/* ---- names ---------------------------------------------------------------- */

static const char *name_at(const char *const *names, size_t count,
                           unsigned value) {
  return value < count ? names[value] : NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const event_type_names[] = {
    "disbursement", "repayment", "fee",      "penalty",
    "waiver",       "write-off", "reversal", "reschedule"};
static const char *const component_names[] = {"principal", "interest", "fees",
                                              "penalties"};
static const char *const allocation_names[] = {
    "penalties-fees-interest-principal", "interest-principal-penalties-fees",
    "principal-interest-penalties-fees", "due-then-advance"};
static const char *const prepayment_names[] = {
    "next-installments", "reduce-term", "reduce-installment"};
static const char *const state_names[] = {"pending", "active", "closed",
                                          "written-off", "credit-balance"};
static const char *const account_names[] = {
    "cash",           "loans-receivable", "fees-receivable",
    "penalties-receivable", "interest-income", "fee-income",
    "penalty-income", "write-off-loss",  "credit-balances"};

const char *ml_event_type_name(ml_event_type t) {
  return name_at(event_type_names, COUNT(event_type_names), (unsigned)t);
}
const char *ml_component_name(ml_component c) {
  return name_at(component_names, COUNT(component_names), (unsigned)c);
}
const char *ml_allocation_name(ml_allocation a) {
  return name_at(allocation_names, COUNT(allocation_names), (unsigned)a);
}
const char *ml_prepayment_name(ml_prepayment p) {
  return name_at(prepayment_names, COUNT(prepayment_names), (unsigned)p);
}
const char *ml_loan_state_name(ml_loan_state s) {
  return name_at(state_names, COUNT(state_names), (unsigned)s);
}
const char *ml_account_name(ml_account a) {
  return name_at(account_names, COUNT(account_names), (unsigned)a);
}

ml_status ml_event_type_parse(ml_event_type *out, const char *text,
                              ml_error *err) {
  int i = 0;
  ml_status st = ml_parse_name(&i, event_type_names, COUNT(event_type_names),
                               text, "type", "type", err);
  if (st == ML_OK) *out = (ml_event_type)i;
  return st;
}
ml_status ml_component_parse(ml_component *out, const char *text,
                             ml_error *err) {
  int i = 0;
  ml_status st = ml_parse_name(&i, component_names, COUNT(component_names),
                               text, "component", "component", err);
  if (st == ML_OK) *out = (ml_component)i;
  return st;
}
ml_status ml_allocation_parse(ml_allocation *out, const char *text,
                              ml_error *err) {
  int i = 0;
  ml_status st = ml_parse_name(&i, allocation_names, COUNT(allocation_names),
                               text, "allocation", "allocation", err);
  if (st == ML_OK) *out = (ml_allocation)i;
  return st;
}
ml_status ml_prepayment_parse(ml_prepayment *out, const char *text,
                              ml_error *err) {
  int i = 0;
  ml_status st = ml_parse_name(&i, prepayment_names, COUNT(prepayment_names),
                               text, "prepayment", "prepayment", err);
  if (st == ML_OK) *out = (ml_prepayment)i;
  return st;
}

/* ---- initialisers ----------------------------------------------------------- */

void ml_event_init(ml_event *event, ml_event_type type, ml_date date,
                   ml_amount amount) {
  ML_ASSERT(event != NULL);
  /* Copying a zero event compiles to a few vector stores; memset of the
   * same size became a `rep stos`, whose start-up took a sixth of the
   * journal reader's time. Padding is zeroed too (events are memcmp'd). */
  static const ml_event zero_event;
  memcpy(event, &zero_event, sizeof *event);
  event->type = type;
  event->date = date;
  event->amount = amount;
  event->component = ML_INTEREST;
}

void ml_loan_options_init(ml_loan_options *o) {
  ML_ASSERT(o != NULL);
  memset(o, 0, sizeof *o);
  o->allocation = ML_ALLOC_PENALTIES_FEES_INTEREST_PRINCIPAL;
  o->prepayment = ML_PREPAY_NEXT_INSTALLMENTS;
  o->default_day_count = ML_DC_ACT_365F;
}

/* An amount option: 0 up to the hard limit of every amount. */
static ml_status check_option_amount(const char *field, ml_amount value,
                                     ml_error *err) {
  if (value < 0) {
    return ml_error_set(err, ML_EINVAL, field, 0, 0,
                        "%s: must not be negative", field);
  }
  if (value > ML_SCHEDULE_PRINCIPAL_HARD_LIMIT) {
    return ml_error_set(err, ML_ELIMIT, field, 0, 0,
                        "%s: %lld minor units is above the limit of %lld",
                        field, (long long)value,
                        (long long)ML_SCHEDULE_PRINCIPAL_HARD_LIMIT);
  }
  return ML_OK;
}

/* The most days a late fee may wait: ten years. */
enum { LATE_FEE_MAX_DAYS = 3660 };

static ml_status check_options(const ml_loan_options *o, ml_error *err) {
  const char *field = NULL;
  if ((unsigned)o->allocation > ML_ALLOC_DUE_THEN_ADVANCE) field = "allocation";
  else if ((unsigned)o->prepayment > ML_PREPAY_REDUCE_INSTALLMENT) field = "prepayment";
  else if ((unsigned)o->default_day_count > ML_DC_30E_360_ISDA) field = "default-day-count";
  if (field != NULL) {
    return ml_error_set(err, ML_EINVAL, field, 0, 0,
                        "%s: the value is not allowed", field);
  }
  ml_status st = check_option_amount("arrears-tolerance",
                                     o->arrears_tolerance, err);
  if (st == ML_OK) st = check_option_amount("late-fee", o->late_fee, err);
  if (st != ML_OK) return st;
  if (o->late_fee_days < 0) {
    return ml_error_set(err, ML_EINVAL, "late-fee-days", 0, 0,
                        "late-fee-days: must not be negative");
  }
  if (o->late_fee_days > LATE_FEE_MAX_DAYS) {
    return ml_error_set(err, ML_ELIMIT, "late-fee-days", 0, 0,
                        "late-fee-days: %ld days is above the limit of %d",
                        (long)o->late_fee_days, LATE_FEE_MAX_DAYS);
  }
  ml_rate copy;
  if (ml_rate_make(&copy, o->default_rate.coefficient,
                   o->default_rate.scale) != ML_OK) {
    return ml_error_set(err, ML_ERANGE, "default-rate", 0, 0,
                        "default-rate: must be from 0 %% to 1000 %%");
  }
  return ML_OK;
}

/* The status date of the batch forms: within the supported dates. */
static ml_status check_as_of(ml_date as_of, ml_error *err) {
  if (as_of < ML_DATE_MIN || as_of > ML_DATE_MAX) {
    return ml_error_set(err, ML_ERANGE, "as-of", 0, 0,
                        "as-of: the date is outside 1900-01-01..2200-12-31");
  }
  return ML_OK;
}

/* ---- the batch form -------------------------------------------------------- */

ml_status ml_loan_status_compute(ml_loan_status *status,
                                 ml_loan_installment *rows, size_t capacity,
                                 const ml_schedule_terms *terms,
                                 const ml_loan_options *options,
                                 const ml_event *events, size_t count,
                                 ml_date as_of, ml_error *err) {
  ML_ASSERT(status != NULL && terms != NULL && options != NULL);
  ML_ASSERT(rows != NULL || capacity == 0);
  ML_ASSERT(events != NULL || count == 0);
  ml_status st = check_options(options, err);
  if (st == ML_OK) st = check_as_of(as_of, err);
  if (st != ML_OK) return st;
  return ml_ledger_replay(status, rows, capacity, terms, options, events,
                          count, as_of, NULL, NULL, err);
}

typedef struct posting_buffer {
  ml_posting *out;
  size_t capacity, count;
} posting_buffer;

static void collect_posting(void *context, const ml_posting *p) {
  posting_buffer *b = context;
  if (b->count < b->capacity) b->out[b->count] = *p;
  b->count++;
}

ml_status ml_loan_postings_compute(ml_posting *out, size_t capacity,
                                   size_t *count,
                                   const ml_schedule_terms *terms,
                                   const ml_loan_options *options,
                                   const ml_event *events, size_t event_count,
                                   ml_date as_of, ml_error *err) {
  ML_ASSERT(count != NULL && terms != NULL && options != NULL);
  ML_ASSERT(out != NULL || capacity == 0);
  *count = 0;
  ml_status st = check_options(options, err);
  if (st == ML_OK) st = check_as_of(as_of, err);
  if (st != ML_OK) return st;
  ml_loan_installment *rows =
      malloc((ML_SCHEDULE_MAX_INSTALLMENTS + 1) * sizeof *rows);
  if (rows == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory");
  }
  posting_buffer b = {out, capacity, 0};
  ml_loan_status status;
  st = ml_ledger_replay(&status, rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1, terms,
                        options, events, event_count, as_of, collect_posting,
                        &b, err);
  free(rows);
  if (st != ML_OK) return st;
  *count = b.count;
  if (b.count > capacity) {
    return ml_error_set(err, ML_EBUFFER, "", 0, 0,
                        "the journal has %zu posting lines; the buffer holds "
                        "%zu",
                        b.count, capacity);
  }
  return ML_OK;
}

/* ---- the handle ------------------------------------------------------------- */

struct ml_loan {
  ml_schedule_terms terms;
  ml_loan_options options;
  ml_event *events;
  size_t count, capacity;
  ml_loan_installment *rows; /* replay space for append */
};

ml_status ml_loan_new(ml_loan **out, const ml_schedule_terms *terms,
                      const ml_loan_options *options, ml_error *err) {
  ML_ASSERT(out != NULL && terms != NULL && options != NULL);
  *out = NULL;
  ml_status st = ml_schedule_validate(terms, err);
  if (st == ML_OK) st = check_options(options, err);
  if (st != ML_OK) return st;
  ml_loan *loan = calloc(1, sizeof *loan);
  ml_loan_installment *rows =
      malloc((ML_SCHEDULE_MAX_INSTALLMENTS + 1) * sizeof *rows);
  if (loan == NULL || rows == NULL) {
    free(loan);
    free(rows);
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a loan");
  }
  loan->terms = *terms;
  loan->options = *options;
  loan->rows = rows;
  *out = loan;
  return ML_OK;
}

void ml_loan_free(ml_loan *loan) {
  if (loan == NULL) return;
  free(loan->events);
  free(loan->rows);
  free(loan);
}

static ml_status grow_journal(ml_loan *loan, ml_error *err) {
  if (loan->count < loan->capacity) return ML_OK;
  if (loan->count >= ML_LOAN_MAX_EVENTS) {
    return ml_error_set(err, ML_ELIMIT, "", 0, 0,
                        "the journal already holds %d events, the limit",
                        ML_LOAN_MAX_EVENTS);
  }
  size_t capacity = loan->capacity ? loan->capacity * 2 : 16;
  if (capacity > ML_LOAN_MAX_EVENTS) capacity = ML_LOAN_MAX_EVENTS;
  ml_event *events = realloc(loan->events, capacity * sizeof *events);
  if (events == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a journal of %zu events",
                        loan->count + 1);
  }
  loan->events = events;
  loan->capacity = capacity;
  return ML_OK;
}

/* Whether a reversal before events[i] has its date: the replay to the day
 * before it was made already, and would give the same again. */
static int reversal_date_seen(const ml_event *events, size_t i) {
  for (size_t j = 0; j < i; j++) {
    if (events[j].type == ML_EVENT_REVERSAL &&
        events[j].date == events[i].date) {
      return 1;
    }
  }
  return 0;
}

/* The journal events[0..count) must be valid at every date: the set of
 * events that count changes only on the dates of reversals, so it is
 * replayed to the day before each reversal date and to the end. */
static ml_status check_journal(ml_loan *loan, size_t count, ml_error *err) {
  ml_loan_status status;
  ml_status st = ml_ledger_replay(
      &status, loan->rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1, &loan->terms,
      &loan->options, loan->events, count, ML_DATE_MAX, NULL, NULL, err);
  for (size_t i = 0; i < count && st == ML_OK; i++) {
    const ml_event *e = &loan->events[i];
    if (e->type != ML_EVENT_REVERSAL || e->date <= ML_DATE_MIN ||
        reversal_date_seen(loan->events, i)) {
      continue;
    }
    st = ml_ledger_replay(&status, loan->rows,
                          ML_SCHEDULE_MAX_INSTALLMENTS + 1, &loan->terms,
                          &loan->options, loan->events, count, e->date - 1,
                          NULL, NULL, err);
  }
  return st;
}

/* A loan's events are what ml_journal_write_loan is given: its refs must
 * be ones the writer takes. */
ml_status ml_event_check_ref(const ml_event *e, size_t index, ml_error *err) {
  const char *nul = memchr(e->ref, '\0', ML_EVENT_REF_SIZE);
  size_t bad = 0;
  if (nul == NULL) {
    return ml_error_set(err, ML_EINVAL, "ref", (long)index + 1, 0,
                        "event %zu: ref is not NUL-terminated within %d "
                        "bytes",
                        index + 1, ML_EVENT_REF_SIZE);
  }
  if (!ml_utf8_valid(e->ref, (size_t)(nul - e->ref), &bad)) {
    return ml_error_set(err, ML_EINVAL, "ref", (long)index + 1, (long)bad + 1,
                        "event %zu: ref is not valid UTF-8", index + 1);
  }
  return ML_OK;
}

ml_status ml_loan_append(ml_loan *loan, const ml_event *event, int64_t *id,
                         ml_error *err) {
  ML_ASSERT(loan != NULL && event != NULL);
  ml_status st = ml_event_check_ref(event, loan->count, err);
  if (st == ML_OK) st = grow_journal(loan, err);
  if (st != ML_OK) return st;
  ml_event *slot = &loan->events[loan->count];
  *slot = *event;
  slot->id = (int64_t)loan->count + 1;
  st = check_journal(loan, loan->count + 1, err);
  if (st != ML_OK) return st;
  loan->count++;
  if (id != NULL) *id = slot->id;
  return ML_OK;
}

size_t ml_loan_event_count(const ml_loan *loan) {
  ML_ASSERT(loan != NULL);
  return loan->count;
}

const ml_event *ml_loan_events(const ml_loan *loan) {
  ML_ASSERT(loan != NULL);
  return loan->events;
}

const ml_schedule_terms *ml_loan_terms(const ml_loan *loan) {
  ML_ASSERT(loan != NULL);
  return &loan->terms;
}

const ml_loan_options *ml_loan_options_of(const ml_loan *loan) {
  ML_ASSERT(loan != NULL);
  return &loan->options;
}

ml_status ml_loan_status_at(ml_loan_status *status, ml_loan_installment *rows,
                            size_t capacity, const ml_loan *loan,
                            ml_date as_of, ml_error *err) {
  ML_ASSERT(loan != NULL);
  return ml_loan_status_compute(status, rows, capacity, &loan->terms,
                                &loan->options, loan->events, loan->count,
                                as_of, err);
}

/* lib/terms.h — loan terms: dates and fees derived from them (internal). */
#ifndef MIKROLAN_LIB_TERMS_H
#define MIKROLAN_LIB_TERMS_H

#include "internal.h"
#include "mikrolan/schedule.h"

/* *out = anchor + k periods of the terms' frequency (k may be negative);
 * months are clamped to the month's end. ML_ERANGE outside 1900..2200. */
ml_status ml_terms_period_date(ml_date *out, const ml_schedule_terms *t,
                               ml_date anchor, int64_t k);

/* The due dates of a schedule, computed from a civil anchor without a
 * round trip through days per row (the hot path of the schedule walk). */
typedef struct ml_due_dates {
  const ml_schedule_terms *terms;
  ml_date anchor;
  int32_t offset; /* due_k = anchor + (k + offset) periods */
  int year, month, day;
  int adjusts; /* whether the calendar can move a date */
} ml_due_dates;

void ml_due_dates_init(ml_due_dates *dates, const ml_schedule_terms *t);

/* The unadjusted and the adjusted due date of installment k. */
ml_status ml_due_dates_at(const ml_due_dates *dates, int32_t k,
                          ml_date *unadjusted, ml_date *adjusted);

/* Walks the due dates in order, one period at a time: the schedule's hot
 * path, with no civil conversion per row. */
typedef struct ml_due_walk {
  const ml_due_dates *dates;
  int year, month;     /* months: the civil month of the next due date */
  ml_date month_start; /* months: the first day of that month */
  ml_date next;        /* days and weeks: the next unadjusted due date */
} ml_due_walk;

/* Starts at installment 1, whose unadjusted due date validation worked
 * out (first_due of ml_terms_dates). The terms must be valid. */
void ml_due_walk_init(ml_due_walk *walk, const ml_due_dates *dates,
                      ml_date first_due);

/* The unadjusted and adjusted due dates of the next installment. */
ml_status ml_due_walk_next(ml_due_walk *walk, ml_date *unadjusted,
                           ml_date *adjusted);

/* A monthly walk's two halves, shared with the schedule's plain monthly
 * rows: the unadjusted due date in the walk's month, whose length is days
 * (the anchor's day, or the month's last when the month is shorter)... */
static inline ml_date ml_due_walk_month_due(const ml_due_walk *walk,
                                            int days) {
  int day = walk->dates->day;
  return walk->month_start + (day < days ? day : days) - 1;
}

/* ...and the step to the first day of the next month. */
static inline void ml_due_walk_next_month(ml_due_walk *walk, int days) {
  walk->month_start += days;
  if (++walk->month == 13) {
    walk->month = 1;
    walk->year++;
  }
}

/* The due date of installment k (1..n): from the first due date when given,
 * else from the disbursement; moved to a business day when adjusted. */
ml_status ml_terms_due_date(ml_date *out, const ml_schedule_terms *t,
                            int32_t k, int adjusted);

/* What validating terms works out about their due dates, kept for
 * planning the schedule: the due dates, and the last one before and after
 * the business-day convention. */
typedef struct ml_terms_dates {
  ml_due_dates dates;
  ml_date first_due; /* unadjusted, of installment 1 */
  ml_date last_due, last_adjusted;
} ml_terms_dates;

/* ml_schedule_validate, also filling *dates when the terms are valid. */
ml_status ml_terms_validate(const ml_schedule_terms *t, ml_terms_dates *dates,
                            ml_error *err);

/* The upfront fee in minor units (0 when there is none). */
ml_status ml_terms_upfront_fee(ml_amount *out, const ml_schedule_terms *t);

/* The equal part of valid terms' amortizing rows, as ml_schedule_compute
 * works it out: *installment the annuity's A (fixed_installment when set),
 * *principal equal principal's principal per row; 0 for other methods.
 * The ledger keeps it when a prepayment reduces the term (lib/schedule.c). */
ml_status ml_schedule_equal_parts(ml_amount *installment,
                                  ml_amount *principal,
                                  const ml_schedule_terms *t);

/* The dates of valid terms t with due_k = anchor + (k + offset) periods
 * instead of the terms' own anchor (ML_ERANGE past the supported dates). */
ml_status ml_terms_dates_anchored(ml_terms_dates *out,
                                  const ml_schedule_terms *t, ml_date anchor,
                                  int32_t offset);

/* What a re-amortisation asks of a schedule beyond its terms: equal
 * principal's principal per row instead of round(P/m) when fixed_principal
 * is above 0 (the last row takes the rest), and when anchor is not
 * ML_DATE_NONE the due dates anchor + (k + offset) periods, those of the
 * rows it replaces, whose day of the month the terms' own anchor (the
 * start of the period) may have lost to a month's end. */
typedef struct ml_schedule_shape {
  ml_amount fixed_principal;
  ml_date anchor;
  int32_t offset;
} ml_schedule_shape;

/* ml_schedule_compute with a shape (lib/schedule.c). */
ml_status ml_schedule_compute_shaped(ml_installment *rows, size_t capacity,
                                     size_t *count,
                                     const ml_schedule_terms *terms,
                                     const ml_schedule_shape *shape,
                                     ml_error *err);

#endif

/*
 * lib/schedule.c — loan terms in, exact installments out.
 *
 * The semantics are stated once, in include/mikrolan/schedule.h. The code
 * follows them in three steps: validate the terms, plan what is fixed for
 * the whole schedule (period rate, equal installment), then walk the rows.
 */
#include <stdlib.h>

#include "annuity.h"
#include "divider.h"
#include "internal.h"
#include "mikrolan/schedule.h"
#include "round.h"
#include "terms.h"

/* An exact period rate num/den (den > 0). 128-bit: a day-count fraction of
 * a long first period times a rate of scale 11 exceeds int64. */
typedef struct period_rate {
  ml_i128 num;
  ml_i128 den;
} period_rate;

/* What is fixed for the whole schedule. */
typedef struct schedule_plan {
  const ml_schedule_terms *terms;
  int64_t annual_num, annual_den; /* R, reduced */
  int64_t rate_num, rate_den;     /* r = R / ppy, reduced */
  ml_divider rate_divider;        /* divides by rate_den */
  int32_t amortizing;             /* m = installments - grace_principal */
  ml_amount installment;          /* annuity: the rounded equal installment */
  ml_amount equal_principal;      /* equal principal: round(P/m) */
  ml_date maturity;               /* end of the last interest period */
  ml_due_dates dates;
  /* Rows regular_first..regular_last need none of the rules for the
   * first, last, grace, deferred or interest-free rows (empty when
   * regular_first > regular_last): see plan_regular_rows. */
  int32_t regular_first, regular_last;
} schedule_plan;

/* The walk's running state. */
typedef struct schedule_walk {
  ml_due_walk due_dates;
  ml_amount balance;
  ml_amount deferred_interest;
  ml_date period_start;
} schedule_walk;

/* r = R * N / 12 (months), R * N / 52 (weeks) or R * N / 365 (days),
 * from R = annual_num / annual_den, reduced. */
static void period_rate_fraction(int64_t *rate_num, int64_t *rate_den,
                                 const ml_schedule_terms *t,
                                 int64_t annual_num, int64_t annual_den) {
  static const int64_t periods_per_year[] = {365, 52, 12};
  int64_t num = annual_num * t->frequency.every;
  int64_t den = annual_den * periods_per_year[t->frequency.unit];
  /* R is reduced already, so g is mostly 1, and a division costs more
   * than the test. */
  int64_t g = ml_gcd64(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  *rate_num = num;
  *rate_den = den;
}

static void plan_period_rate(schedule_plan *plan) {
  period_rate_fraction(&plan->rate_num, &plan->rate_den, plan->terms,
              plan->annual_num, plan->annual_den);
  plan->rate_divider =
      ml_divider_make((uint64_t)plan->rate_den, plan->terms->rounding);
}

/* The rows whose amounts take the short path of regular_row_amounts:
 * annuity or equal principal under per-period interest, after row 1 (which
 * may be prorated), every grace and interest-free row and the row that
 * pays the deferred interest, and before the last row (the remainder). */
static void plan_regular_rows(schedule_plan *plan) {
  const ml_schedule_terms *t = plan->terms;
  int32_t first = 2;
  if (t->interest_free + 1 > first) first = t->interest_free + 1;
  if (t->grace_principal + 1 > first) first = t->grace_principal + 1;
  if (t->grace_interest + 2 > first) first = t->grace_interest + 2;
  plan->regular_first = first;
  plan->regular_last = t->installments - 1;
  if (t->interest_basis != ML_INTEREST_PER_PERIOD || plan->annual_num == 0 ||
      (t->method != ML_METHOD_ANNUITY &&
       t->method != ML_METHOD_EQUAL_PRINCIPAL)) {
    plan->regular_last = 0; /* none */
  }
}

/* The plan of valid terms; dates is what their validation worked out. */
static ml_status plan_schedule(schedule_plan *plan,
                               const ml_schedule_terms *t,
                               ml_amount fixed_principal,
                               const ml_terms_dates *dates, ml_error *err) {
  /* Member by member: every one is set below, and a memset of the whole
   * plan costs more than the two that may stay 0. */
  plan->terms = t;
  plan->installment = plan->equal_principal = 0;
  ml_rate_to_fraction(t->annual_rate, &plan->annual_num, &plan->annual_den);
  plan_period_rate(plan);
  plan->amortizing = t->installments - t->grace_principal;
  ml_status st = ML_OK;
  if (t->method == ML_METHOD_ANNUITY && t->fixed_installment > 0) {
    plan->installment = t->fixed_installment;
  } else if (t->method == ML_METHOD_ANNUITY) {
    st = ml_annuity_payment(&plan->installment, t->principal, plan->rate_num,
                            plan->rate_den, plan->amortizing,
                            t->installment_multiple, t->rounding);
  } else if (t->method == ML_METHOD_EQUAL_PRINCIPAL && fixed_principal > 0) {
    plan->equal_principal = fixed_principal;
  } else if (t->method == ML_METHOD_EQUAL_PRINCIPAL) {
    st = ml_round_i128(&plan->equal_principal, t->principal, plan->amortizing,
                       1, t->rounding);
  }
  if (st != ML_OK) {
    return ml_error_set(err, st, "principal", 0, 0,
                        "the equal installment does not fit in 64 bits");
  }
  plan->dates = dates->dates;
  plan->maturity = t->adjusted_interest_periods ? dates->last_adjusted
                                                : dates->last_due;
  plan_regular_rows(plan);
  return ML_OK;
}

/* i_1 under per-period interest when the first period is irregular:
 * r * (F - D) / (F - (F - 1 period)). */
static ml_status first_period_pro_rata(period_rate *out,
                                       const schedule_plan *plan) {
  const ml_schedule_terms *t = plan->terms;
  *out = (period_rate){plan->rate_num, plan->rate_den};
  if (t->first_due == ML_DATE_NONE) return ML_OK;
  ml_date regular_first, previous;
  /* D + 1 period may lie past 2200-12-31, and then it is not F (which is
   * within the range): the first period is irregular. */
  ml_status st = ml_terms_period_date(&regular_first, t, t->disbursed, 1);
  if (st == ML_OK && t->first_due == regular_first) return ML_OK;
  st = ml_terms_period_date(&previous, t, t->first_due, -1);
  out->num *= t->first_due - t->disbursed;
  out->den *= t->first_due - previous;
  return st;
}

static ml_status period_rate_of(period_rate *out, const schedule_plan *plan,
                                int32_t k, ml_date start, ml_date end) {
  const ml_schedule_terms *t = plan->terms;
  if (t->interest_basis == ML_INTEREST_PER_PERIOD) {
    if (k == 1) return first_period_pro_rata(out, plan);
    *out = (period_rate){plan->rate_num, plan->rate_den};
    return ML_OK;
  }
  ml_fraction dcf;
  ml_status st =
      ml_day_count_fraction(&dcf, t->day_count, start, end, plan->maturity);
  if (st != ML_OK) return st;
  out->num = (ml_i128)plan->annual_num * dcf.num;
  out->den = (ml_i128)plan->annual_den * dcf.den;
  return ML_OK;
}

/* round(base * i) to one minor unit; in 64 bits when it fits. */
static ml_status round_product(ml_amount *out, ml_amount base, period_rate i,
                               ml_rounding mode) {
  int64_t num;
  if (i.num <= INT64_MAX && i.den <= INT64_MAX &&
      !__builtin_mul_overflow(base, (int64_t)i.num, &num)) {
    return ml_round_i64(out, num, (int64_t)i.den, 1, mode);
  }
  return ml_round_i128(out, base * i.num, i.den, 1, mode);
}

/* The interest charged in row k (before any deferral). */
static ml_status charged_interest(ml_amount *out, const schedule_plan *plan,
                                  int32_t k, ml_amount balance,
                                  ml_date start, ml_date end) {
  const ml_schedule_terms *t = plan->terms;
  if (k <= t->interest_free || plan->annual_num == 0) {
    *out = 0;
    return ML_OK;
  }
  ml_amount base = t->method == ML_METHOD_FLAT ? t->principal : balance;
  int64_t x;
  if (k > 1 && t->interest_basis == ML_INTEREST_PER_PERIOD &&
      !__builtin_mul_overflow(base, plan->rate_num, &x)) {
    *out = ml_divider_round(&plan->rate_divider, (uint64_t)x);
    return ML_OK;
  }
  period_rate i;
  ml_status st = period_rate_of(&i, plan, k, start, end);
  if (st != ML_OK) return st;
  return round_product(out, base, i, t->rounding);
}

static ml_amount clamp_amount(ml_amount x, ml_amount lo, ml_amount hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* The principal part of row k, from the interest charged in it. */
static ml_status principal_part(ml_amount *out, const schedule_plan *plan,
                                 int32_t k, ml_amount balance,
                                 ml_amount interest) {
  const ml_schedule_terms *t = plan->terms;
  if (k == t->installments) {
    *out = balance;
    return ML_OK;
  }
  if (k <= t->grace_principal) {
    *out = 0;
    return ML_OK;
  }
  ml_amount part = 0;
  ml_status st = ML_OK;
  switch (t->method) {
    case ML_METHOD_ANNUITY:
      part = plan->installment - interest;
      break;
    case ML_METHOD_EQUAL_PRINCIPAL:
      part = plan->equal_principal;
      break;
    case ML_METHOD_FLAT: {
      ml_amount installment;
      st = ml_round_i128(&installment,
                         (ml_i128)t->principal +
                             (ml_i128)interest * plan->amortizing,
                         plan->amortizing, t->installment_multiple,
                         t->rounding);
      part = installment - interest;
      break;
    }
    case ML_METHOD_BULLET:
      part = 0;
      break;
  }
  *out = clamp_amount(part, 0, balance);
  return st;
}

/* The interest due in row k: deferred during the interest grace, then all
 * of it at once. *deferred is what row k defers. */
static ml_status due_interest(ml_amount *out, ml_amount *deferred,
                              schedule_walk *walk, const ml_schedule_terms *t,
                              int32_t k, ml_amount charged) {
  *deferred = 0;
  if (k <= t->grace_interest) {
    *out = 0;
    *deferred = charged;
    return ml_add_checked(&walk->deferred_interest, walk->deferred_interest,
                        charged);
  }
  ml_status st = ml_add_checked(out, charged, walk->deferred_interest);
  walk->deferred_interest = 0;
  return st;
}

/* The interest and principal of a regular row (see plan_regular_rows) by
 * the rules that apply to it alone: what charged_interest, principal_part
 * and due_interest work out for it, without the tests for the other rows
 * on the path from one row's balance to the next, which every row of a
 * schedule waits for. Returns 0 when the interest leaves 64 bits; the
 * general path then takes the row. */
static inline int regular_row_amounts(ml_amount *interest,
                                      ml_amount *principal,
                                      const schedule_plan *plan,
                                      ml_amount balance) {
  int64_t x;
  if (__builtin_mul_overflow(balance, plan->rate_num, &x)) return 0;
  *interest = ml_divider_round(&plan->rate_divider, (uint64_t)x);
  ml_amount part = plan->terms->method == ML_METHOD_ANNUITY
                       ? plan->installment - *interest
                       : plan->equal_principal;
  *principal = clamp_amount(part, 0, balance);
  return 1;
}

/* Whether the regular rows can take fill_plain_monthly_rows: one month
 * apart, on the anchor's day (or the month's last), where no calendar
 * moves a date. */
static int plain_monthly(const schedule_plan *plan) {
  const ml_frequency f = plan->terms->frequency;
  return f.unit == ML_FREQ_MONTHS && f.every == 1 && !plan->dates.adjusts;
}

/*
 * Rows k..last of a plain monthly schedule, all of them regular: what
 * fill_row works out for them, in a loop that holds the plan and the walk
 * in local copies (a store of a row could alias the plan's members, so the
 * general path loads them again for every row) and has no test for the
 * other kinds of rows. Stops at a row it cannot take as it is (an interest
 * or a total beyond 64 bits, a date past 2200), which the general path then
 * takes and reports; returns the first row it did not fill.
 */
static int32_t fill_plain_monthly_rows(ml_installment *rows,
                                       const schedule_plan *plan,
                                       schedule_walk *walk, int32_t k,
                                       int32_t last) {
  const schedule_plan p = *plan;
  const ml_amount fee = plan->terms->installment_fee;
  schedule_walk w = *walk;
  for (; k <= last; k++, rows++) {
    if (w.due_dates.month_start == ML_DATE_NONE ||
        w.due_dates.year > ML_DATE_MAX_YEAR) {
      break;
    }
    int days = ml_date_days_in_month(w.due_dates.year, w.due_dates.month);
    ml_date due = ml_due_walk_month_due(&w.due_dates, days);
    ml_amount interest, principal, total;
    if (due < w.period_start ||
        !regular_row_amounts(&interest, &principal, &p, w.balance) ||
        __builtin_add_overflow(principal, interest, &total) ||
        __builtin_add_overflow(total, fee, &total)) {
      break;
    }
    *rows = (ml_installment){k,         due,      w.period_start, due,
                             principal, interest, fee,            total,
                             w.balance - principal, 0};
    w.balance -= principal;
    w.period_start = due;
    ml_due_walk_next_month(&w.due_dates, days);
  }
  *walk = w;
  return k;
}

/* The interest, principal and interest deferred of row k, by every rule. */
static ml_status row_amounts(ml_amount *interest, ml_amount *principal,
                             ml_amount *deferred, const schedule_plan *plan,
                             schedule_walk *walk, int32_t k, ml_date end) {
  *deferred = 0;
  if (k >= plan->regular_first && k <= plan->regular_last &&
      regular_row_amounts(interest, principal, plan, walk->balance)) {
    return ML_OK;
  }
  ml_amount charged;
  ml_status st = charged_interest(&charged, plan, k, walk->balance,
                                  walk->period_start, end);
  if (st == ML_OK) st = principal_part(principal, plan, k, walk->balance,
                                       charged);
  if (st == ML_OK) {
    st = due_interest(interest, deferred, walk, plan->terms, k, charged);
  }
  return st;
}

static ml_status fill_row(ml_installment *row, const schedule_plan *plan,
                          schedule_walk *walk, int32_t k) {
  const ml_schedule_terms *t = plan->terms;
  ml_date due, end;
  ml_status st = ml_due_walk_next(&walk->due_dates, &end, &due);
  if (t->adjusted_interest_periods) end = due;
  if (st == ML_OK && end < walk->period_start) st = ML_EINVAL;
  if (st != ML_OK) return st;
  ml_amount interest, principal, deferred, total;
  st = row_amounts(&interest, &principal, &deferred, plan, walk, k, end);
  if (st == ML_OK) st = ml_add_checked(&total, principal, interest);
  if (st == ML_OK) st = ml_add_checked(&total, total, t->installment_fee);
  if (st != ML_OK) return st;
  ML_ASSERT(principal >= 0 && principal <= walk->balance);
  *row = (ml_installment){k,         due,      walk->period_start, end,
                          principal, interest, t->installment_fee, total,
                          walk->balance - principal, deferred};
  walk->balance -= principal;
  walk->period_start = end;
  return ML_OK;
}

static ml_installment upfront_row(const ml_schedule_terms *t, ml_amount fee) {
  return (ml_installment){0, t->disbursed, t->disbursed, t->disbursed, 0, 0,
                          fee, fee, t->principal, 0};
}

/* Why row k could not be computed, for the caller. */
static ml_status row_error(ml_error *err, ml_status st, int32_t k) {
  if (st == ML_EOVERFLOW) {
    return ml_error_set(err, st, "rate", 0, 0,
                        "rate: row %d exceeds the int64 range of amounts",
                        (int)k);
  }
  if (st == ML_EINVAL) {
    return ml_error_set(err, st, "business-day", 0, 0,
                        "business-day: the adjusted due date of row %d is "
                        "before the start of its interest period",
                        (int)k);
  }
  return ml_error_set(err, st, "term", 0, 0,
                      "term: the due date of row %d cannot be computed (%s)",
                      (int)k, ml_status_describe(st));
}

/* Off the schedule's own path (only a prepayment that reduces the term
 * takes it): A as plan_schedule works it out for an annuity, round(P/m)
 * for equal principal. */
ml_status ml_schedule_equal_parts(ml_amount *installment,
                                  ml_amount *principal,
                                  const ml_schedule_terms *t) {
  *installment = *principal = 0;
  int32_t m = t->installments - t->grace_principal;
  if (t->method == ML_METHOD_EQUAL_PRINCIPAL) {
    return ml_round_i128(principal, t->principal, m, 1, t->rounding);
  }
  if (t->method != ML_METHOD_ANNUITY) return ML_OK;
  if (t->fixed_installment > 0) {
    *installment = t->fixed_installment;
    return ML_OK;
  }
  int64_t annual_num, annual_den, rate_num, rate_den;
  ml_rate_to_fraction(t->annual_rate, &annual_num, &annual_den);
  period_rate_fraction(&rate_num, &rate_den, t, annual_num, annual_den);
  return ml_annuity_payment(installment, t->principal, rate_num, rate_den, m,
                            t->installment_multiple, t->rounding);
}

size_t ml_schedule_row_count(const ml_schedule_terms *terms) {
  ML_ASSERT(terms != NULL);
  int32_t n = terms->installments;
  if (n < 0) n = 0;
  if (n > ML_SCHEDULE_MAX_INSTALLMENTS) n = ML_SCHEDULE_MAX_INSTALLMENTS;
  ml_amount fee = 0;
  if (ml_terms_upfront_fee(&fee, terms) != ML_OK) fee = 0;
  return (size_t)n + (fee > 0 ? 1u : 0u);
}

ml_status ml_schedule_compute(ml_installment *rows, size_t capacity,
                              size_t *count, const ml_schedule_terms *terms,
                              ml_error *err) {
  static const ml_schedule_shape own = {0, ML_DATE_NONE, 0};
  return ml_schedule_compute_shaped(rows, capacity, count, terms, &own, err);
}

ml_status ml_schedule_compute_shaped(ml_installment *rows, size_t capacity,
                                     size_t *count,
                                     const ml_schedule_terms *terms,
                                     const ml_schedule_shape *shape,
                                     ml_error *err) {
  ML_ASSERT(rows != NULL || capacity == 0);
  ML_ASSERT(count != NULL && terms != NULL);
  *count = 0;
  ml_terms_dates dates;
  ml_status st = ml_terms_validate(terms, &dates, err);
  if (st == ML_OK && shape->anchor != ML_DATE_NONE) {
    st = ml_terms_dates_anchored(&dates, terms, shape->anchor, shape->offset);
    if (st != ML_OK) {
      return ml_error_set(err, st, "term", 0, 0,
                          "term: the due dates pass 2200-12-31");
    }
  }
  if (st != ML_OK) return st;
  size_t needed = ml_schedule_row_count(terms);
  if (capacity < needed) {
    return ml_error_set(err, ML_EBUFFER, "", 0, 0,
                        "the schedule has %zu rows; the buffer holds %zu",
                        needed, capacity);
  }
  schedule_plan plan;
  st = plan_schedule(&plan, terms, shape->fixed_principal, &dates, err);
  if (st != ML_OK) return st;
  size_t r = 0;
  ml_amount fee = 0;
  ML_ASSERT(ml_terms_upfront_fee(&fee, terms) == ML_OK);
  if (fee > 0) rows[r++] = upfront_row(terms, fee);
  schedule_walk walk = {.balance = terms->principal,
                        .period_start = terms->disbursed};
  ml_due_walk_init(&walk.due_dates, &plan.dates, dates.first_due);
  for (int32_t k = 1; k <= terms->installments; k++, r++) {
    if (k == plan.regular_first && plain_monthly(&plan)) {
      int32_t next = fill_plain_monthly_rows(&rows[r], &plan, &walk, k,
                                             plan.regular_last);
      r += (size_t)(next - k);
      k = next; /* <= regular_last + 1 <= installments: fill_row takes it */
    }
    st = fill_row(&rows[r], &plan, &walk, k);
    if (st != ML_OK) return row_error(err, st, k);
  }
  ML_ASSERT(walk.balance == 0 && walk.deferred_interest == 0);
  *count = r;
  return ML_OK;
}

struct ml_schedule {
  ml_schedule_terms terms;
  size_t count;
  ml_installment rows[];
};

ml_status ml_schedule_new(ml_schedule **out, const ml_schedule_terms *terms,
                          ml_error *err) {
  ML_ASSERT(out != NULL && terms != NULL);
  *out = NULL;
  ml_status st = ml_schedule_validate(terms, err);
  if (st != ML_OK) return st;
  size_t n = ml_schedule_row_count(terms);
  ml_schedule *s = malloc(sizeof *s + n * sizeof s->rows[0]);
  if (s == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a schedule of %zu rows", n);
  }
  s->terms = *terms;
  st = ml_schedule_compute(s->rows, n, &s->count, terms, err);
  if (st != ML_OK) {
    free(s);
    return st;
  }
  *out = s;
  return ML_OK;
}

void ml_schedule_free(ml_schedule *schedule) { free(schedule); }

size_t ml_schedule_count(const ml_schedule *schedule) {
  ML_ASSERT(schedule != NULL);
  return schedule->count;
}

const ml_installment *ml_schedule_rows(const ml_schedule *schedule) {
  ML_ASSERT(schedule != NULL);
  return schedule->rows;
}

const ml_schedule_terms *ml_schedule_terms_of(const ml_schedule *schedule) {
  ML_ASSERT(schedule != NULL);
  return &schedule->terms;
}

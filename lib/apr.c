/*
 * lib/apr.c — the public apr calls: checking and merging the flows,
 * building the equation (lib/apr_time.c), solving it (lib/apr_solve.c,
 * lib/apr_proof.c), loan terms to flows, names and formatting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apr_equation.h"

/* ---- names ------------------------------------------------------------- */

static const char *const basis_names[] = {"years", "months", "weeks"};

const char *ml_apr_basis_name(ml_apr_basis basis) {
  if ((unsigned)basis > (unsigned)ML_APR_BASIS_WEEKS) return NULL;
  return basis_names[basis];
}

ml_status ml_apr_basis_parse(ml_apr_basis *out, const char *text,
                             ml_error *err) {
  ML_ASSERT(out != NULL && text != NULL);
  int i = 0;
  ml_status st = ml_parse_name(&i, basis_names, (size_t)ML_APR_BASIS_WEEKS + 1,
                               text, "basis", "basis", err);
  if (st == ML_OK) *out = (ml_apr_basis)i;
  return st;
}

ml_status ml_apr_format(char *buf, size_t size, const ml_apr_result *r) {
  ML_ASSERT(buf != NULL && r != NULL);
  ML_ASSERT(r->decimals >= ML_APR_MIN_DECIMALS &&
            r->decimals <= ML_APR_MAX_DECIMALS);
  int64_t scale = 1;
  for (int32_t i = 0; i < r->decimals; i++) scale *= 10;
  const uint64_t magnitude =
      r->units < 0 ? 0 - (uint64_t)r->units : (uint64_t)r->units;
  int n = snprintf(buf, size, "%s%llu.%0*llu", r->units < 0 ? "-" : "",
                   (unsigned long long)(magnitude / (uint64_t)scale),
                   (int)r->decimals,
                   (unsigned long long)(magnitude % (uint64_t)scale));
  if (n < 0 || (size_t)n >= size) {
    if (size > 0) buf[0] = '\0';
    return ML_EBUFFER;
  }
  return ML_OK;
}

/* ---- checking the input ------------------------------------------------ */

typedef enum rate_kind { KIND_APR, KIND_XIRR } rate_kind;

static ml_status check_decimals(int32_t decimals, ml_error *err) {
  if (decimals < ML_APR_MIN_DECIMALS) {
    return ml_error_set(err, ML_EINVAL, "decimals", 0, 0,
                        "%ld decimals: the rate is given with at least 1 "
                        "decimal (Directive 2008/48/EC Annex I remark (d)); "
                        "expected 1 to %d",
                        (long)decimals, ML_APR_MAX_DECIMALS);
  }
  if (decimals > ML_APR_MAX_DECIMALS) {
    return ml_error_set(err, ML_ELIMIT, "decimals", 0, 0,
                        "%ld decimals is above the limit of %d",
                        (long)decimals, ML_APR_MAX_DECIMALS);
  }
  return ML_OK;
}

static ml_status check_count(size_t count, ml_error *err) {
  if (count == 0) {
    return ml_error_set(err, ML_EINVAL, "flows", 0, 0,
                        "no flows; expected at least one drawdown "
                        "(negative) and one repayment (positive)");
  }
  if (count > ML_APR_MAX_FLOWS) {
    return ml_error_set(err, ML_ELIMIT, "flows", 0, 0,
                        "%zu flows is above the limit of %d", count,
                        ML_APR_MAX_FLOWS);
  }
  return ML_OK;
}

static ml_status check_dates(const ml_flow *flows, size_t count,
                             ml_error *err) {
  for (size_t i = 0; i < count; i++) {
    if (flows[i].date < ML_DATE_MIN || flows[i].date > ML_DATE_MAX) {
      return ml_error_set(err, ML_ERANGE, "date", 0, 0,
                          "flow %zu: date %ld (days since 1970-01-01) is "
                          "outside the supported range 1900-01-01.."
                          "2200-12-31",
                          i + 1, (long)flows[i].date);
    }
  }
  return ML_OK;
}

/* The sums over the input flows (before merging). */
static ml_status sum_flows(ml_apr_result *out, const ml_flow *flows,
                           size_t count, ml_error *err) {
  int64_t drawn = 0, payable = 0;
  for (size_t i = 0; i < count; i++) {
    const int64_t a = flows[i].amount;
    int bad = a < 0 ? __builtin_sub_overflow(drawn, a, &drawn)
                    : __builtin_add_overflow(payable, a, &payable);
    if (bad) {
      return ml_error_set(err, ML_EOVERFLOW, "amount", 0, 0,
                          "the %s add up to more than the int64 range of "
                          "minor units (flow %zu)",
                          a < 0 ? "drawdowns" : "repayments", i + 1);
    }
  }
  out->total_drawdowns = drawn;
  out->total_payable = payable;
  out->total_cost = payable - drawn; /* both in 0..INT64_MAX: fits */
  return ML_OK;
}

/* ---- merging and the sign pattern -------------------------------------- */

static int compare_flow_dates(const void *a, const void *b) {
  const ml_flow *x = a, *y = b;
  return (x->date > y->date) - (x->date < y->date);
}

/* Sorts flows by date; most come sorted already (schedules, files). */
static void sort_by_date(ml_flow *flows, size_t count) {
  for (size_t i = 1; i < count; i++) {
    if (flows[i].date < flows[i - 1].date) {
      qsort(flows, count, sizeof *flows, compare_flow_dates);
      return;
    }
  }
}

/* The flows of one date added together, zero sums dropped, into terms
 * (dates in dates); sorted is sorted by date. */
static void merge_flows(apr_term *terms, ml_date *dates, size_t *used,
                        size_t *merged, const ml_flow *sorted, size_t count) {
  size_t n = 0;
  *merged = 0;
  for (size_t i = 0; i < count;) {
    int64_t net = 0;
    size_t j = i;
    for (; j < count && sorted[j].date == sorted[i].date; j++) {
      /* Cannot overflow: the drawdowns and the repayments each fit
       * (sum_flows), so every partial net lies between their negatives. */
      const int overflow = __builtin_add_overflow(net, sorted[j].amount, &net);
      ML_ASSERT(!overflow);
    }
    *merged += j - i - 1;
    if (net != 0) {
      terms[n] = (apr_term){net, 0, 0, 0};
      dates[n++] = sorted[i].date;
    }
    i = j;
  }
  *used = n;
}

/* The flows must change sign exactly once in date order (apr.h). */
static ml_status check_signs(const apr_term *terms, const ml_date *dates,
                             size_t n, rate_kind kind, ml_error *err) {
  size_t changes = 0, negative = 0;
  for (size_t i = 0; i < n; i++) {
    negative += terms[i].amount < 0;
    if (i > 0 && (terms[i].amount < 0) != (terms[i - 1].amount < 0)) {
      changes++;
    }
  }
  if (changes == 0) {
    const char *what = n == 0 ? "add up to 0 on every date"
                       : negative > 0 ? "are all drawdowns (negative)"
                                      : "are all repayments (positive)";
    return ml_error_set(err, ML_EINVAL, "flows", 0, 0,
                        "the flows never change sign: they %s, so no rate "
                        "solves the equation; expected drawdowns (negative) "
                        "and repayments (positive)",
                        what);
  }
  if (changes > 1) {
    return ml_error_set(err, ML_EINVAL, "flows", 0, 0,
                        "the flows change sign %zu times in date order (a "
                        "drawdown after a repayment), so the rate may not be "
                        "unique; a rate is given only when every drawdown "
                        "comes before every repayment",
                        changes);
  }
  if (kind == KIND_APR && terms[0].amount > 0) {
    char day[ML_DATE_FORMAT_SIZE];
    ML_ASSERT(ml_date_format(day, sizeof day, dates[0]) == ML_OK);
    return ml_error_set(err, ML_EINVAL, "flows", 0, 0,
                        "the first flow (%s) is a repayment and every "
                        "drawdown comes after the repayments; the annual "
                        "percentage rate counts time from the first "
                        "drawdown, so expected the drawdowns first",
                        day);
  }
  return ML_OK;
}

/* ---- the common path --------------------------------------------------- */

typedef struct rate_request {
  rate_kind kind;
  ml_apr_basis basis; /* KIND_APR */
  int32_t decimals;
} rate_request;

static void set_times(apr_equation *eq, apr_term *terms, const ml_date *dates,
                      size_t n, const rate_request *rq) {
  for (size_t i = 0; i < n; i++) {
    if (rq->kind == KIND_XIRR) {
      ml_apr_interval_xirr(&terms[i], dates[0], dates[i]);
    } else {
      ml_apr_interval(&terms[i], dates[0], dates[i], rq->basis);
    }
  }
  eq->terms = terms;
  eq->count = n;
  eq->per_year = rq->kind == KIND_XIRR ? APR_XIRR_PER_YEAR
                                       : ml_apr_basis_per_year(rq->basis);
}

/* Sorted, merged, checked flows to a proven rate. Fills everything but
 * the totals. */
static ml_status solve_sorted(ml_apr_result *out, const ml_flow *sorted,
                              size_t count, const rate_request *rq,
                              ml_error *err) {
  ML_ASSERT(count > 0); /* checked by every caller */
  apr_term *terms = malloc(count * sizeof *terms);
  ml_date *dates = malloc(count * sizeof *dates);
  ml_status st = ML_ENOMEM;
  size_t n = 0;
  if (terms != NULL && dates != NULL) {
    merge_flows(terms, dates, &n, &out->merged_flows, sorted, count);
    st = ML_OK;
  } else {
    ml_error_set(err, st, "", 0, 0, "out of memory");
  }
  if (st == ML_OK) st = check_signs(terms, dates, n, rq->kind, err);
  if (st == ML_OK) {
    apr_equation eq;
    set_times(&eq, terms, dates, n, rq);
    out->dated_flows = n;
    st = ml_apr_solve(out, &eq, rq->decimals, err);
  }
  free(terms);
  free(dates);
  return st;
}

static ml_status solve_flows(ml_apr_result *out, const ml_flow *flows,
                             size_t count, const rate_request *rq,
                             ml_error *err) {
  ML_ASSERT(out != NULL);
  ML_ASSERT(flows != NULL || count == 0);
  ml_apr_result r;
  memset(&r, 0, sizeof r);
  ml_status st = check_decimals(rq->decimals, err);
  if (st == ML_OK) st = check_count(count, err);
  if (st == ML_OK) st = check_dates(flows, count, err);
  if (st == ML_OK) st = sum_flows(&r, flows, count, err);
  if (st != ML_OK) return st;
  ml_flow *sorted = malloc(count * sizeof *sorted);
  if (sorted == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory");
  }
  memcpy(sorted, flows, count * sizeof *sorted);
  sort_by_date(sorted, count);
  st = solve_sorted(&r, sorted, count, rq, err);
  free(sorted);
  if (st == ML_OK) *out = r;
  return st;
}

ml_status ml_apr_of_flows(ml_apr_result *out, const ml_flow *flows,
                          size_t count, ml_apr_basis basis, int32_t decimals,
                          ml_error *err) {
  ML_ASSERT((unsigned)basis <= (unsigned)ML_APR_BASIS_WEEKS);
  const rate_request rq = {KIND_APR, basis, decimals};
  return solve_flows(out, flows, count, &rq, err);
}

ml_status ml_xirr(ml_apr_result *out, const ml_flow *flows, size_t count,
                  int32_t decimals, ml_error *err) {
  const rate_request rq = {KIND_XIRR, ML_APR_BASIS_YEARS, decimals};
  return solve_flows(out, flows, count, &rq, err);
}

/* ---- loan terms -------------------------------------------------------- */

static ml_apr_basis basis_of_frequency(ml_frequency f) {
  switch (f.unit) {
    case ML_FREQ_MONTHS: return ML_APR_BASIS_MONTHS;
    case ML_FREQ_WEEKS: return ML_APR_BASIS_WEEKS;
    case ML_FREQ_DAYS: return ML_APR_BASIS_YEARS;
  }
  ML_UNREACHABLE("frequency unit is an ml_frequency_unit");
}

/* The flows of a computed schedule: principal - upfront fee drawn at the
 * disbursement, each row's total on its due date. Sums in *out. */
static ml_status loan_flows(ml_flow *flows, size_t *count, ml_apr_result *out,
                            const ml_installment *rows, size_t n,
                            const ml_schedule_terms *t, ml_error *err) {
  ml_amount fee = 0, payable = 0;
  size_t k = 1;
  for (size_t i = 0; i < n; i++) {
    if (__builtin_add_overflow(payable, rows[i].total, &payable)) {
      return ml_error_set(err, ML_EOVERFLOW, "amount", 0, 0,
                          "the total amount payable does not fit in the "
                          "int64 range of minor units");
    }
    if (rows[i].n == 0) {
      fee = rows[i].total;
    } else {
      flows[k++] = (ml_flow){rows[i].due_date, rows[i].total};
    }
  }
  if (fee >= t->principal) { /* nothing lent: say which term, not "flows" */
    char fee_text[ML_AMOUNT_FORMAT_SIZE], principal_text[ML_AMOUNT_FORMAT_SIZE];
    ML_ASSERT(ml_amount_format(fee_text, sizeof fee_text, fee, t->currency) ==
                  ML_OK &&
              ml_amount_format(principal_text, sizeof principal_text,
                               t->principal, t->currency) == ML_OK);
    return ml_error_set(err, ML_EINVAL, "upfront-fee", 0, 0,
                        "upfront-fee: the upfront fee %s %s is not below the "
                        "principal %s %s: nothing is lent, so no rate exists",
                        fee_text, t->currency.code, principal_text,
                        t->currency.code);
  }
  flows[0] = (ml_flow){t->disbursed, fee - t->principal};
  *count = k;
  out->total_drawdowns = t->principal;
  out->total_payable = payable;
  out->total_cost = payable - t->principal; /* both within 0..int64 max */
  return ML_OK;
}

ml_status ml_apr_of_terms(ml_apr_result *out, const ml_schedule_terms *terms,
                          int32_t decimals, ml_error *err) {
  ML_ASSERT(out != NULL && terms != NULL);
  ml_status st = check_decimals(decimals, err);
  if (st != ML_OK) return st;
  enum { CAPACITY = ML_SCHEDULE_MAX_INSTALLMENTS + 1 };
  ml_installment *rows = malloc(CAPACITY * sizeof *rows);
  ml_flow *flows = malloc(CAPACITY * sizeof *flows);
  ml_apr_result r;
  memset(&r, 0, sizeof r);
  size_t n = 0, count = 0;
  st = ML_ENOMEM;
  if (rows == NULL || flows == NULL) {
    ml_error_set(err, st, "", 0, 0, "out of memory");
  } else {
    st = ml_schedule_compute(rows, CAPACITY, &n, terms, err);
  }
  if (st == ML_OK) st = loan_flows(flows, &count, &r, rows, n, terms, err);
  if (st == ML_OK) {
    /* Due dates come in order, but a calendar may move two onto one day:
     * sort as for any flows. */
    sort_by_date(flows, count);
    const rate_request rq = {KIND_APR, basis_of_frequency(terms->frequency),
                             decimals};
    st = solve_sorted(&r, flows, count, &rq, err);
  }
  free(rows);
  free(flows);
  if (st == ML_OK) *out = r;
  return st;
}

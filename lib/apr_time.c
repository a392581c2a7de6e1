/*
 * lib/apr_time.c — the time rule of the rate equation: the interval from
 * the first flow to a flow as whole periods plus days.
 *
 * Followed: Directive 2008/48/EC Annex I remark (c) (a year is 365 or 366
 * days, 52 weeks or 12 equal months) and, for intervals that are not whole
 * periods, the counting rule written out in Directive 2014/17/EU Annex I
 * remark (c) and Directive (EU) 2023/2225 Annex III: every day counts,
 * equal periods and then days are counted backwards to the initial
 * drawdown, and the days (excluding the first, including the last) are
 * divided by the days (365 or 366) of the complete year counted back from
 * the last day to the same day of the previous year. A date that is
 * exactly j periods after the first (by the clamped month arithmetic of
 * schedules: 31 January + 1 month = 28 February) is j periods exactly.
 */
#include "apr_equation.h"

/* A civil date. Compared as a tuple, so no conversion to days is needed
 * while counting months. */
typedef struct civil {
  int year, month, day;
} civil;

static civil civil_of(ml_date d) {
  civil c;
  ml_date_to_civil(d, &c.year, &c.month, &c.day);
  return c;
}

static int civil_compare(civil a, civil b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

/* The month index year * 12 + month - 1, months counted from year 0. */
static int64_t month_index(civil c) {
  return (int64_t)c.year * 12 + c.month - 1;
}

/* c moved by months (either sign), its day clamped to the target month's
 * end. Callers stay within the supported years, so no range check. */
static civil civil_add_months(civil c, int64_t months) {
  const int64_t index = month_index(c) + months;
  civil r;
  r.year = (int)(index / 12);
  r.month = (int)(index % 12) + 1;
  const int last = ml_date_days_in_month(r.year, r.month);
  r.day = c.day < last ? c.day : last;
  return r;
}

static ml_date date_of(civil c) {
  ml_date d;
  ml_status st = ml_date_from_civil(&d, c.year, c.month, c.day, NULL);
  ML_ASSERT(st == ML_OK); /* between two valid dates */
  return d;
}

/* The days of the complete year counted back from e to the same day of the
 * previous year (28 February when e is 29 February): 366 when that span
 * (previous-year day excluded, e included) holds a 29 February. */
static int32_t year_days_back_from(civil e) {
  int leap_year = (e.month > 2 || (e.month == 2 && e.day == 29))
                      ? e.year
                      : e.year - 1;
  return ml_date_is_leap_year(leap_year) ? 366 : 365;
}

int32_t ml_apr_basis_per_year(ml_apr_basis basis) {
  switch (basis) {
    case ML_APR_BASIS_YEARS: return 1;
    case ML_APR_BASIS_MONTHS: return 12;
    case ML_APR_BASIS_WEEKS: return 52;
  }
  ML_UNREACHABLE("basis is an ml_apr_basis");
}

/* Whole periods of `step` months (1 or 12) plus days, counted back from d
 * to first. */
static void interval_in_months(apr_term *term, civil first, civil d,
                               int64_t step) {
  int64_t k = (month_index(d) - month_index(first)) / step;
  civil e = civil_add_months(d, -k * step);
  if (civil_compare(e, first) < 0) {
    k -= 1;
    e = civil_add_months(d, -k * step);
  }
  ML_ASSERT(k >= 0 && civil_compare(e, first) >= 0);
  /* d exactly j periods after first (forward, clamped): j periods. */
  for (int64_t j = k; j <= k + 1; j++) {
    if (civil_compare(civil_add_months(first, j * step), d) == 0) {
      *term = (apr_term){term->amount, (int32_t)j, 0, 0};
      return;
    }
  }
  const int32_t days = (int32_t)(date_of(e) - date_of(first));
  term->whole = (int32_t)k;
  term->days = days;
  term->year_days = days > 0 ? year_days_back_from(e) : 0;
}

static void interval_in_weeks(apr_term *term, ml_date first, ml_date d) {
  const int32_t span = d - first;
  term->whole = span / 7;
  term->days = span % 7;
  term->year_days =
      term->days > 0 ? year_days_back_from(civil_of(d - 7 * term->whole)) : 0;
}

void ml_apr_interval(apr_term *term, ml_date first, ml_date d,
                  ml_apr_basis basis) {
  ML_ASSERT(first <= d);
  switch (basis) {
    case ML_APR_BASIS_YEARS:
      interval_in_months(term, civil_of(first), civil_of(d), 12);
      return;
    case ML_APR_BASIS_MONTHS:
      interval_in_months(term, civil_of(first), civil_of(d), 1);
      return;
    case ML_APR_BASIS_WEEKS:
      interval_in_weeks(term, first, d);
      return;
  }
  ML_UNREACHABLE("basis is an ml_apr_basis");
}

void ml_apr_interval_xirr(apr_term *term, ml_date first, ml_date d) {
  ML_ASSERT(first <= d);
  term->whole = d - first;
  term->days = 0;
  term->year_days = 0;
}

static int date_in_range(ml_date d) {
  return d >= ML_DATE_MIN && d <= ML_DATE_MAX;
}

ml_status ml_apr_year_fraction(ml_fraction *out, ml_date first, ml_date d,
                               ml_apr_basis basis, ml_error *err) {
  ML_ASSERT(out != NULL);
  ML_ASSERT((unsigned)basis <= (unsigned)ML_APR_BASIS_WEEKS);
  if (!date_in_range(first) || !date_in_range(d)) {
    return ml_error_set(err, ML_ERANGE, "date", 0, 0,
                        "date %ld is outside the supported range "
                        "1900-01-01..2200-12-31 (days %d..%d since "
                        "1970-01-01)",
                        (long)(date_in_range(first) ? d : first),
                        ML_DATE_MIN, ML_DATE_MAX);
  }
  if (d < first) {
    return ml_error_set(err, ML_EINVAL, "date", 0, 0,
                        "the date is %ld days before the first date; "
                        "expected a date on or after it",
                        (long)(first - d));
  }
  apr_term term = {0, 0, 0, 0};
  ml_apr_interval(&term, first, d, basis);
  const int64_t per_year = ml_apr_basis_per_year(basis);
  int64_t num = term.whole, den = per_year;
  if (term.days > 0) {
    num = (int64_t)term.whole * term.year_days + (int64_t)term.days * per_year;
    den = per_year * term.year_days;
  }
  const int64_t g = ml_gcd64(num, den); /* den when num is 0 */
  out->num = num / g;
  out->den = den / g;
  return ML_OK;
}

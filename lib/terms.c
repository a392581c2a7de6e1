/*
 * lib/terms.c — loan terms: defaults, validation, names of frequencies,
 * methods and interest bases, and the dates and fees derived from terms.
 */
#include <stdio.h>
#include <string.h>

#include "round.h"
#include "terms.h"

void ml_schedule_terms_init(ml_schedule_terms *t) {
  ML_ASSERT(t != NULL);
  memset(t, 0, sizeof *t);
  t->max_principal = ML_SCHEDULE_DEFAULT_MAX_PRINCIPAL;
  t->currency = ml_currency_default();
  t->frequency = (ml_frequency){ML_FREQ_MONTHS, 1};
  t->method = ML_METHOD_ANNUITY;
  t->interest_basis = ML_INTEREST_PER_PERIOD;
  t->day_count = ML_DC_ACT_365F;
  t->disbursed = ML_DATE_NONE;
  t->first_due = ML_DATE_NONE;
  t->rounding = ML_ROUND_HALF_EVEN;
  t->installment_multiple = 1;
  t->upfront_fee_kind = ML_FEE_AMOUNT;
  t->calendar = (ml_calendar)ML_CALENDAR_INIT;
  t->business_day = ML_BD_UNADJUSTED;
}

/* ---- names ---------------------------------------------------------- */

typedef struct named_frequency {
  const char *name;
  ml_frequency frequency;
} named_frequency;

/* The most common first: a loans file's frequency is then found by one
 * comparison (each name and each frequency is here once, so the order
 * changes nothing else). */
static const named_frequency frequency_names[] = {
    {"monthly", {ML_FREQ_MONTHS, 1}},   {"weekly", {ML_FREQ_WEEKS, 1}},
    {"biweekly", {ML_FREQ_WEEKS, 2}},   {"quarterly", {ML_FREQ_MONTHS, 3}},
    {"semiannual", {ML_FREQ_MONTHS, 6}}, {"annual", {ML_FREQ_MONTHS, 12}},
};

static const char unit_letters[] = {'d', 'w', 'm'};

/* Reads "N<unit>" with N = 1..ML_SCHEDULE_MAX_EVERY and no leading zero. */
static int parse_every(ml_frequency *out, const char *text) {
  size_t len = strlen(text);
  if (len < 2 || len > 4 || text[0] == '0') return 0;
  int32_t n = 0;
  for (size_t i = 0; i + 1 < len; i++) {
    if (text[i] < '0' || text[i] > '9') return 0;
    n = n * 10 + (text[i] - '0');
  }
  const char *unit = memchr(unit_letters, text[len - 1], sizeof unit_letters);
  if (unit == NULL || n < 1 || n > ML_SCHEDULE_MAX_EVERY) return 0;
  out->unit = (ml_frequency_unit)(unit - unit_letters);
  out->every = n;
  return 1;
}

ml_status ml_frequency_parse(ml_frequency *out, const char *text,
                             ml_error *err) {
  ML_ASSERT(out != NULL && text != NULL);
  for (size_t i = 0; i < sizeof frequency_names / sizeof frequency_names[0];
       i++) {
    if (strcmp(text, frequency_names[i].name) == 0) {
      *out = frequency_names[i].frequency;
      return ML_OK;
    }
  }
  if (parse_every(out, text)) return ML_OK;
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, text);
  return ml_error_set(err, ML_EINVAL, "frequency", 0, 0,
                      "unknown frequency %s: expected weekly, biweekly, "
                      "monthly, quarterly, semiannual, annual, or Nd, Nw, Nm "
                      "with N from 1 to %d",
                      quoted, ML_SCHEDULE_MAX_EVERY);
}

static int frequency_is_valid(ml_frequency f) {
  return (unsigned)f.unit <= ML_FREQ_MONTHS && f.every >= 1 &&
         f.every <= ML_SCHEDULE_MAX_EVERY;
}

ml_status ml_frequency_format(char *buf, size_t size, ml_frequency freq) {
  ML_ASSERT(buf != NULL || size == 0);
  if (!frequency_is_valid(freq)) { /* a name the parser would refuse */
    if (size > 0) buf[0] = '\0';
    return ML_EINVAL;
  }
  const char *name = NULL;
  for (size_t i = 0; i < sizeof frequency_names / sizeof frequency_names[0];
       i++) {
    const ml_frequency f = frequency_names[i].frequency;
    if (f.unit == freq.unit && f.every == freq.every) {
      name = frequency_names[i].name;
    }
  }
  int n = name ? snprintf(buf, size, "%s", name)
               : snprintf(buf, size, "%d%c", (int)freq.every,
                          unit_letters[freq.unit]);
  if (n >= 0 && (size_t)n < size) return ML_OK;
  /* as the other formatters: no cut name, which would read back as
   * another frequency or none */
  if (size > 0) buf[0] = '\0';
  return ML_EBUFFER;
}

static const char *const method_names[] = {"annuity", "equal-principal",
                                           "flat", "bullet"};

const char *ml_method_name(ml_method method) {
  if ((unsigned)method >= sizeof method_names / sizeof method_names[0]) {
    return NULL;
  }
  return method_names[method];
}

ml_status ml_method_parse(ml_method *out, const char *text, ml_error *err) {
  ML_ASSERT(out != NULL && text != NULL);
  int i = 0;
  ml_status st = ml_parse_name(&i, method_names,
                               sizeof method_names / sizeof method_names[0],
                               text, "method", "method", err);
  if (st == ML_OK) *out = (ml_method)i;
  return st;
}

ml_status ml_interest_parse(ml_interest_basis *basis, ml_day_count *day_count,
                            const char *text, ml_error *err) {
  ML_ASSERT(basis != NULL && day_count != NULL && text != NULL);
  if (strcmp(text, "per-period") == 0) {
    *basis = ML_INTEREST_PER_PERIOD;
    return ML_OK;
  }
  if (ml_day_count_parse(day_count, text, NULL) == ML_OK) {
    *basis = ML_INTEREST_DAY_COUNT;
    return ML_OK;
  }
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, text);
  return ml_error_set(err, ML_EINVAL, "interest", 0, 0,
                      "unknown interest basis %s: expected one of "
                      "per-period, act365, act360, actact, 30360, 30e360, "
                      "30e360isda",
                      quoted);
}

/* ---- derived dates and fees ----------------------------------------- */

ml_status ml_terms_period_date(ml_date *out, const ml_schedule_terms *t,
                               ml_date anchor, int64_t k) {
  int64_t n = k * t->frequency.every;
  switch (t->frequency.unit) {
    case ML_FREQ_DAYS:
      return ml_date_add_days(out, anchor, n);
    case ML_FREQ_WEEKS:
      return ml_date_add_days(out, anchor, 7 * n);
    case ML_FREQ_MONTHS:
      return ml_date_add_months(out, anchor, n);
  }
  ML_UNREACHABLE("frequency unit out of range");
  return ML_EINVAL;
}

void ml_due_dates_init(ml_due_dates *dates, const ml_schedule_terms *t) {
  dates->terms = t;
  int from_first_due = t->first_due != ML_DATE_NONE;
  dates->anchor = from_first_due ? t->first_due : t->disbursed;
  dates->offset = from_first_due ? -1 : 0;
  ml_date_to_civil(dates->anchor, &dates->year, &dates->month, &dates->day);
  dates->adjusts = t->calendar.kind != ML_CALENDAR_NONE ||
                   t->calendar.extra_closed_count != 0;
  dates->adjusts = dates->adjusts && t->business_day != ML_BD_UNADJUSTED;
}

/* anchor + n months, the day clamped to the target month's end. */
static ml_status add_months_from_civil(ml_date *out, const ml_due_dates *c,
                                       int64_t n) {
  int64_t total = (int64_t)c->year * 12 + (c->month - 1) + n;
  if (total < (int64_t)ML_DATE_MIN_YEAR * 12 ||
      total > (int64_t)ML_DATE_MAX_YEAR * 12 + 11) {
    return ML_ERANGE;
  }
  *out = ml_date_of_month_day((int)(total / 12), (int)(total % 12) + 1,
                              c->day);
  return ML_OK;
}

ml_status ml_due_dates_at(const ml_due_dates *c, int32_t k,
                          ml_date *unadjusted, ml_date *adjusted) {
  const ml_schedule_terms *t = c->terms;
  int64_t periods = (int64_t)(k + c->offset) * t->frequency.every;
  ml_status st = t->frequency.unit == ML_FREQ_MONTHS
                     ? add_months_from_civil(unadjusted, c, periods)
                     : ml_terms_period_date(unadjusted, t, c->anchor,
                                            k + c->offset);
  if (st != ML_OK) return st; /* *unadjusted is not set */
  if (!c->adjusts) {
    *adjusted = *unadjusted;
    return ML_OK;
  }
  return ml_calendar_adjust(adjusted, &t->calendar, *unadjusted,
                            t->business_day);
}

void ml_due_walk_init(ml_due_walk *walk, const ml_due_dates *dates,
                      ml_date first_due) {
  const ml_frequency f = dates->terms->frequency;
  walk->dates = dates;
  int64_t first = (int64_t)(1 + dates->offset) * f.every;
  int64_t total = (int64_t)dates->year * 12 + (dates->month - 1) + first;
  walk->year = (int)(total / 12);
  walk->month = (int)(total % 12) + 1;
  walk->month_start = 0;
  walk->next = dates->anchor + (ml_date)(first * (f.unit == ML_FREQ_WEEKS ? 7 : 1));
  if (f.unit == ML_FREQ_MONTHS) {
    /* first_due lies in the walk's first month, on the anchor's day or on
     * the month's last: its first day without a civil conversion. */
    int last = ml_date_days_in_month(walk->year, walk->month);
    walk->month_start = first_due - (dates->day < last ? dates->day : last) + 1;
  }
}

/* Moves the walk to the first day of the month `every` months later; days
 * is the length of the walk's current month, which the caller knows. */
static void advance_months(ml_due_walk *walk, int32_t every, int days) {
  ml_due_walk_next_month(walk, days); /* most schedules are monthly: one step */
  for (int32_t i = 1; i < every; i++) {
    ml_due_walk_next_month(walk,
                           ml_date_days_in_month(walk->year, walk->month));
  }
}

ml_status ml_due_walk_next(ml_due_walk *walk, ml_date *unadjusted,
                           ml_date *adjusted) {
  const ml_due_dates *c = walk->dates;
  const ml_frequency f = c->terms->frequency;
  if (f.unit == ML_FREQ_MONTHS) {
    if (walk->month_start == ML_DATE_NONE || walk->year > ML_DATE_MAX_YEAR) {
      return ML_ERANGE;
    }
    int last = ml_date_days_in_month(walk->year, walk->month);
    *unadjusted = ml_due_walk_month_due(walk, last);
    advance_months(walk, f.every, last);
  } else {
    if (walk->next > ML_DATE_MAX) return ML_ERANGE;
    *unadjusted = walk->next;
    walk->next += f.every * (f.unit == ML_FREQ_WEEKS ? 7 : 1);
  }
  if (!c->adjusts) {
    *adjusted = *unadjusted;
    return ML_OK;
  }
  return ml_calendar_adjust(adjusted, &c->terms->calendar, *unadjusted,
                            c->terms->business_day);
}

ml_status ml_terms_due_date(ml_date *out, const ml_schedule_terms *t,
                            int32_t k, int adjusted) {
  ml_due_dates dates;
  ml_due_dates_init(&dates, t);
  ml_date plain, moved;
  ml_status st = ml_due_dates_at(&dates, k, &plain, &moved);
  if (st == ML_OK) *out = adjusted ? moved : plain;
  return st;
}

ml_status ml_terms_upfront_fee(ml_amount *out, const ml_schedule_terms *t) {
  if (t->upfront_fee_kind == ML_FEE_AMOUNT) {
    *out = t->upfront_fee;
    return ML_OK;
  }
  int64_t num, den;
  ml_rate_to_fraction(t->upfront_fee_rate, &num, &den);
  return ml_round_i128(out, (ml_i128)t->principal * num, den, 1, t->rounding);
}

/* ---- validation ----------------------------------------------------- */

static ml_status invalid(ml_error *err, ml_status code, const char *field,
                         const char *message) {
  return ml_error_set(err, code, field, 0, 0, "%s: %s", field, message);
}

/* An amount field: 0 (or 1, when positive is set) up to the product limit. */
static ml_status check_amount(ml_error *err, const char *field,
                              ml_amount value, ml_amount limit, int positive) {
  if (value < (positive ? 1 : 0)) {
    return invalid(err, ML_EINVAL, field,
                   positive ? "must be greater than 0"
                            : "must not be negative");
  }
  if (value > limit) {
    return ml_error_set(err, ML_ELIMIT, field, 0, 0,
                        "%s: %lld minor units is above the limit of %lld",
                        field, (long long)value, (long long)limit);
  }
  return ML_OK;
}

static ml_status check_count(ml_error *err, const char *field, int32_t value,
                             int32_t max, const char *what) {
  if (value < 0 || value > max) {
    return ml_error_set(err, ML_EINVAL, field, 0, 0,
                        "%s: %d must be from 0 to %d (%s)", field, (int)value,
                        (int)max, what);
  }
  return ML_OK;
}

static int rate_is_valid(ml_rate r) {
  ml_rate copy;
  return ml_rate_make(&copy, r.coefficient, r.scale) == ML_OK &&
         ml_rate_equal(copy, r);
}

static ml_status check_amounts(const ml_schedule_terms *t, ml_error *err) {
  if (t->max_principal < 1 ||
      t->max_principal > ML_SCHEDULE_PRINCIPAL_HARD_LIMIT) {
    return ml_error_set(err, ML_ELIMIT, "max-principal", 0, 0,
                        "max-principal: must be from 1 to %lld minor units",
                        (long long)ML_SCHEDULE_PRINCIPAL_HARD_LIMIT);
  }
  ml_status st = check_amount(err, "principal", t->principal,
                              t->max_principal, 1);
  if (st == ML_OK) st = check_amount(err, "installment-multiple",
                                     t->installment_multiple,
                                     t->max_principal, 1);
  if (st == ML_OK) st = check_amount(err, "installment-fee",
                                     t->installment_fee, t->max_principal, 0);
  if (st == ML_OK) st = check_amount(err, "installment", t->fixed_installment,
                                     t->max_principal, 0);
  if (st != ML_OK) return st;
  if (t->currency.exponent < 0 || t->currency.exponent > 4) {
    return invalid(err, ML_EINVAL, "currency", "exponent must be 0 to 4");
  }
  if ((unsigned)t->upfront_fee_kind > ML_FEE_PERCENT) {
    return invalid(err, ML_EINVAL, "upfront-fee", "unknown fee kind");
  }
  if (t->upfront_fee_kind == ML_FEE_AMOUNT) {
    return check_amount(err, "upfront-fee", t->upfront_fee, t->max_principal,
                        0);
  }
  ml_rate hundred_percent = {1, 0};
  if (!rate_is_valid(t->upfront_fee_rate) ||
      ml_rate_compare(t->upfront_fee_rate, hundred_percent) > 0) {
    return invalid(err, ML_EINVAL, "upfront-fee",
                   "a percent fee must be from 0 % to 100 %");
  }
  return ML_OK;
}

static ml_status check_shape(const ml_schedule_terms *t, ml_error *err) {
  if (!rate_is_valid(t->annual_rate)) {
    return invalid(err, ML_ERANGE, "rate",
                   "must be from 0 % to 1000 % with at most 9 decimals");
  }
  if (t->installments < 1) {
    return invalid(err, ML_EINVAL, "term", "must be at least 1 installment");
  }
  if (t->installments > ML_SCHEDULE_MAX_INSTALLMENTS) {
    return ml_error_set(err, ML_ELIMIT, "term", 0, 0,
                        "term: %d installments is above the limit of %d",
                        (int)t->installments, ML_SCHEDULE_MAX_INSTALLMENTS);
  }
  if ((unsigned)t->frequency.unit > ML_FREQ_MONTHS) {
    return invalid(err, ML_EINVAL, "frequency",
                   "unit must be days, weeks or months");
  }
  if (!frequency_is_valid(t->frequency)) {
    return invalid(err, ML_EINVAL, "frequency",
                   "every must be from 1 to 366 days, weeks or months");
  }
  if ((unsigned)t->method > ML_METHOD_BULLET) {
    return invalid(err, ML_EINVAL, "method", "unknown method");
  }
  if ((unsigned)t->interest_basis > ML_INTEREST_DAY_COUNT ||
      (unsigned)t->day_count > ML_DC_30E_360_ISDA) {
    return invalid(err, ML_EINVAL, "interest", "unknown interest basis");
  }
  if ((unsigned)t->rounding > ML_ROUND_FLOOR) {
    return invalid(err, ML_EINVAL, "rounding", "unknown rounding mode");
  }
  int32_t n = t->installments;
  ml_status st = check_count(err, "grace-principal", t->grace_principal,
                             n - 1, "below the term");
  if (st == ML_OK) st = check_count(err, "grace-interest", t->grace_interest,
                                    n - 1, "below the term");
  if (st == ML_OK) st = check_count(err, "interest-free", t->interest_free, n,
                                    "at most the term");
  return st;
}

static ml_status check_calendar(const ml_schedule_terms *t, ml_error *err) {
  if ((unsigned)t->calendar.kind > ML_CALENDAR_SE) {
    return invalid(err, ML_EINVAL, "calendar", "unknown calendar");
  }
  if (t->calendar.extra_closed == NULL && t->calendar.extra_closed_count) {
    return invalid(err, ML_EINVAL, "calendar",
                   "extra_closed_count is not 0 but extra_closed is NULL");
  }
  if ((unsigned)t->business_day > ML_BD_MODIFIED_PRECEDING) {
    return invalid(err, ML_EINVAL, "business-day",
                   "unknown business-day convention");
  }
  if (t->adjusted_interest_periods != 0 && t->adjusted_interest_periods != 1) {
    return invalid(err, ML_EINVAL, "adjusted-interest-periods",
                   "must be 0 or 1");
  }
  return ML_OK;
}

/* Why due date k (1 or the last) cannot be computed: its calendar finds
 * no business day near it, the calendar moves it out of the supported
 * dates, or the date itself is past them. */
static ml_status due_date_error(const ml_schedule_terms *t, int32_t k,
                                ml_status st, ml_error *err) {
  if (st == ML_ELIMIT) {
    return invalid(err, ML_ELIMIT, "calendar",
                   "no business day within 31 days of a due date (the "
                   "extra closed days close too many days in a row)");
  }
  ml_schedule_terms unadjusted = *t;
  unadjusted.business_day = ML_BD_UNADJUSTED;
  ml_date plain;
  if (ml_terms_due_date(&plain, &unadjusted, k, 0) == ML_OK) {
    char day[ML_DATE_FORMAT_SIZE];
    ML_ASSERT(ml_date_format(day, sizeof day, plain) == ML_OK);
    return ml_error_set(err, ML_ERANGE, "business-day", 0, 0,
                        "business-day: the due date %s moves outside "
                        "1900-01-01..2200-12-31",
                        day);
  }
  return ml_error_set(err, ML_ERANGE, "term", 0, 0,
                      "term: the last due date falls after 2200-12-31");
}

static ml_status check_dates(const ml_schedule_terms *t, ml_terms_dates *out,
                             ml_error *err) {
  if (t->disbursed == ML_DATE_NONE) {
    return invalid(err, ML_EINVAL, "disbursed", "the date is required");
  }
  if (t->disbursed < ML_DATE_MIN || t->disbursed > ML_DATE_MAX) {
    return invalid(err, ML_ERANGE, "disbursed",
                   "must be from 1900-01-01 to 2200-12-31");
  }
  if (t->first_due != ML_DATE_NONE &&
      (t->first_due <= t->disbursed || t->first_due > ML_DATE_MAX)) {
    return invalid(err, ML_EINVAL, "first-due",
                   "must be after the disbursement date and at most "
                   "2200-12-31");
  }
  /* Per-period interest prorates an irregular first period over the
   * regular period that ends on the first due date (F - 1 period .. F),
   * which must start within the supported dates. */
  ml_date previous;
  if (t->first_due != ML_DATE_NONE &&
      t->interest_basis == ML_INTEREST_PER_PERIOD &&
      ml_terms_period_date(&previous, t, t->first_due, -1) != ML_OK) {
    return invalid(err, ML_ERANGE, "first-due",
                   "one period before it is before 1900-01-01; per-period "
                   "interest prorates the first period over the regular "
                   "period that ends on the first due date");
  }
  /* Due dates grow with k, and every convention keeps that order, so the
   * last one bounds them all and the first one is the earliest. */
  ml_due_dates_init(&out->dates, t);
  ml_status st = ml_due_dates_at(&out->dates, t->installments,
                                 &out->last_due, &out->last_adjusted);
  if (st != ML_OK) return due_date_error(t, t->installments, st, err);
  ml_date first;
  st = ml_due_dates_at(&out->dates, 1, &out->first_due, &first);
  if (st != ML_OK) return due_date_error(t, 1, st, err);
  if (first < t->disbursed) {
    char moved[ML_DATE_FORMAT_SIZE], from[ML_DATE_FORMAT_SIZE];
    ML_ASSERT(ml_date_format(moved, sizeof moved, first) == ML_OK);
    ML_ASSERT(ml_date_format(from, sizeof from, t->disbursed) == ML_OK);
    return ml_error_set(err, ML_EINVAL, "business-day", 0, 0,
                        "business-day: the first due date moves to %s, "
                        "before the disbursement on %s",
                        moved, from);
  }
  return ML_OK;
}

ml_status ml_terms_dates_anchored(ml_terms_dates *out,
                                  const ml_schedule_terms *t, ml_date anchor,
                                  int32_t offset) {
  ml_due_dates_init(&out->dates, t);
  out->dates.anchor = anchor;
  out->dates.offset = offset;
  ml_date_to_civil(anchor, &out->dates.year, &out->dates.month,
                   &out->dates.day);
  ml_status st = ml_due_dates_at(&out->dates, t->installments,
                                 &out->last_due, &out->last_adjusted);
  ml_date first;
  if (st == ML_OK) st = ml_due_dates_at(&out->dates, 1, &out->first_due, &first);
  return st;
}

ml_status ml_terms_validate(const ml_schedule_terms *t, ml_terms_dates *dates,
                            ml_error *err) {
  ML_ASSERT(t != NULL && dates != NULL);
  ml_status st = check_amounts(t, err);
  if (st == ML_OK) st = check_shape(t, err);
  if (st == ML_OK) st = check_calendar(t, err);
  if (st == ML_OK) st = check_dates(t, dates, err);
  return st;
}

ml_status ml_schedule_validate(const ml_schedule_terms *t, ml_error *err) {
  ml_terms_dates dates;
  return ml_terms_validate(t, &dates, err);
}

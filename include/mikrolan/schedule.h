/*
 * mikrolan/schedule.h — loan terms in, exact installments out.
 *
 * A schedule is a pure function of its terms: the same terms give the same
 * rows, to the minor unit, on every machine. Every amount is rounded exactly
 * once from an exact rational value; floating point is used only as a first
 * guess that exact integer arithmetic then proves or corrects.
 *
 * Semantics (n installments, k = 1..n, P principal, R nominal annual rate):
 *
 * Due dates. The anchor is the first due date F when given (due_1 = F,
 * due_k = F + (k-1) periods), else the disbursement date D (due_k = D + k
 * periods). Month-type periods are computed from the anchor and clamped to
 * the month's end, never chained (31 Jan -> 28/29 Feb -> 31 Mar). Each due
 * date is then moved by the calendar and business-day convention. Interest
 * periods run from D to due_1, due_1 to due_2, ... over the unadjusted dates
 * (the adjusted ones when adjusted_interest_periods is set).
 *
 * Period rate. r = R / ppy, where ppy = 12/N for every N months, 52/N for
 * every N weeks and 365/N for every N days. Per-period interest: i_k = r,
 * except a first period that differs from a regular one (F given and F !=
 * D + 1 period): i_1 = r * (F - D) / (F - (F - 1 period)) in days. Day-count
 * interest: i_k = R * dcf(start_k, end_k).
 *
 * Interest. c_k = 0 for k <= interest_free, else round(B_{k-1} * i_k) to one
 * minor unit with the rounding mode (B_{k-1} the balance before row k; flat:
 * the principal P). For k <= grace_interest the interest is charged but not
 * due: it is deferred, and all deferred interest is due with row
 * grace_interest + 1. The row's interest is what is due.
 *
 * Principal. For k <= grace_principal: 0 (interest only). After that, with
 * m = n - grace_principal:
 *  - annuity: A = P*r / (1 - (1+r)^-m) (A = P/m when R = 0), rounded once to
 *    the installment multiple (or A = fixed_installment when it is set);
 *    principal_k = A - c_k, kept within
 *    0..B_{k-1} (the balance never rises);
 *  - equal principal: principal_k = round(P/m) to one minor unit, kept
 *    within 0..B_{k-1};
 *  - flat: installment_k = round(P/m + c_k) to the installment multiple,
 *    principal_k = installment_k - c_k (kept within 0..B_{k-1});
 *  - bullet: 0 until the last row.
 * The last row takes the whole remaining balance, so the principal parts sum
 * to P exactly and the final balance is 0.
 *
 * Fees. An upfront fee (an amount, or a percent of P rounded to one minor
 * unit) is row 0, due on the disbursement date, present only when the fee is
 * above 0. The per-installment fee is added to every row 1..n.
 * total = principal + interest + fees in every row.
 */
#ifndef MIKROLAN_SCHEDULE_H
#define MIKROLAN_SCHEDULE_H

#include "core.h"
#include "date.h"
#include "money.h"
#include "rate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits. */
#define ML_SCHEDULE_MAX_INSTALLMENTS 600
/* Default largest principal: 250,000 SEK in öre, the programme's largest
 * loan. A product may set its own max_principal up to the hard limit. */
#define ML_SCHEDULE_DEFAULT_MAX_PRINCIPAL INT64_C(25000000)
/* Hard limit on max_principal (and so on every amount of a schedule):
 * 10^15 minor units (10 million million SEK). */
#define ML_SCHEDULE_PRINCIPAL_HARD_LIMIT INT64_C(1000000000000000)
/* Most days/weeks/months in one period ("every N"). */
#define ML_SCHEDULE_MAX_EVERY 366

/* No first due date. */
#define ML_DATE_NONE INT32_MIN

typedef enum ml_frequency_unit {
  ML_FREQ_DAYS = 0,
  ML_FREQ_WEEKS = 1,
  ML_FREQ_MONTHS = 2
} ml_frequency_unit;

/* Every `every` days, weeks or months (monthly = {ML_FREQ_MONTHS, 1}). */
typedef struct ml_frequency {
  ml_frequency_unit unit;
  int32_t every; /* 1..ML_SCHEDULE_MAX_EVERY */
} ml_frequency;

/* Parses weekly, biweekly, monthly, quarterly, semiannual, annual, or Nd,
 * Nw, Nm (N = 1..366, no leading zeros): ML_EINVAL otherwise. */
ML_API ML_NODISCARD ml_status ml_frequency_parse(ml_frequency *out,
                                                 const char *text,
                                                 ml_error *err);

/* The name ml_frequency_parse reads back: "monthly", "biweekly",
 * "quarterly", "3w", "10d"... (a named frequency by its name). ML_EBUFFER
 * if size is too small (16 bytes always suffice); ML_EINVAL for a unit
 * outside days..months or every outside 1..ML_SCHEDULE_MAX_EVERY, which
 * no name reads back as. On either error buf is "" when size > 0. */
ML_API ML_NODISCARD ml_status ml_frequency_format(char *buf, size_t size,
                                                  ml_frequency freq);

typedef enum ml_method {
  ML_METHOD_ANNUITY = 0,
  ML_METHOD_EQUAL_PRINCIPAL = 1,
  ML_METHOD_FLAT = 2,
  ML_METHOD_BULLET = 3
} ml_method;

/* "annuity", "equal-principal", "flat", "bullet"; NULL outside the enum. */
ML_API const char *ml_method_name(ml_method method);
ML_API ML_NODISCARD ml_status ml_method_parse(ml_method *out, const char *text,
                                              ml_error *err);

typedef enum ml_interest_basis {
  ML_INTEREST_PER_PERIOD = 0, /* annual rate / periods per year */
  ML_INTEREST_DAY_COUNT = 1   /* annual rate * day-count fraction */
} ml_interest_basis;

/* Parses "per-period", or a day-count name of ml_day_count_parse ("act365",
 * "act360", "actact", "30360", "30e360", "30e360isda"), into a basis and a
 * day count (left untouched for per-period). */
ML_API ML_NODISCARD ml_status ml_interest_parse(ml_interest_basis *basis,
                                                ml_day_count *day_count,
                                                const char *text,
                                                ml_error *err);

typedef enum ml_fee_kind {
  ML_FEE_AMOUNT = 0, /* upfront_fee is an amount */
  ML_FEE_PERCENT = 1 /* upfront_fee_rate is a share of the principal */
} ml_fee_kind;

/* Loan terms. Initialise with ml_schedule_terms_init, then set fields. */
typedef struct ml_schedule_terms {
  ml_amount principal;     /* > 0, <= max_principal */
  ml_amount max_principal; /* the product's limit; default 250,000 SEK */
  ml_currency currency;    /* default SEK */
  ml_rate annual_rate;     /* nominal, may be 0 */
  int32_t installments;    /* 1..600 */
  ml_frequency frequency;  /* default monthly */
  ml_method method;        /* default annuity */
  ml_interest_basis interest_basis; /* default per-period */
  ml_day_count day_count;           /* used with ML_INTEREST_DAY_COUNT */
  ml_date disbursed;                /* required */
  ml_date first_due;                /* ML_DATE_NONE (default) or > disbursed */
  int32_t grace_principal;          /* 0..installments-1 */
  int32_t grace_interest;           /* 0..installments-1 */
  int32_t interest_free;            /* 0..installments */
  ml_rounding rounding;             /* default half-even */
  ml_amount installment_multiple;   /* > 0; default 1 minor unit */
  ml_fee_kind upfront_fee_kind;     /* default amount */
  ml_amount upfront_fee;            /* >= 0, amount kind */
  ml_rate upfront_fee_rate;         /* percent kind, at most 100 % */
  ml_amount installment_fee;        /* >= 0 */
  ml_calendar calendar;             /* default: none */
  ml_business_day business_day;     /* default unadjusted */
  int adjusted_interest_periods;    /* 0 (default): unadjusted dates */
  ml_amount fixed_installment; /* annuity: this equal installment instead of
                                  the computed one; 0 (default) = computed */
} ml_schedule_terms;

/* Sets every field to its default: no principal (0), rate 0, 0 installments,
 * disbursed ML_DATE_NONE — the caller must set those. */
ML_API void ml_schedule_terms_init(ml_schedule_terms *terms);

/* One row of a schedule. Row 0 (n = 0) is the upfront fee, when there is
 * one. balance is the principal outstanding after the row. */
typedef struct ml_installment {
  int32_t n;
  ml_date due_date;     /* adjusted to the calendar */
  ml_date period_start; /* start of the row's interest period */
  ml_date period_end;   /* end of the row's interest period */
  ml_amount principal;
  ml_amount interest;
  ml_amount fees;
  ml_amount total;
  ml_amount balance;
  /* k <= grace_interest: c_k, the interest the row's period charged and
   * deferred to row grace_interest + 1 (whose interest includes it); 0 on
   * every other row. It accrues over this row's period (see loan.h). */
  ml_amount interest_deferred;
} ml_installment;

/*
 * Checks the terms: ML_EINVAL for a value that is not allowed (zero or
 * negative principal, grace not below the term, first due date not after
 * the disbursement, a missing disbursement date, an enum outside its range,
 * adjusted_interest_periods other than 0 or 1), ML_ELIMIT beyond a limit
 * (principal above max_principal, more than 600 installments), ML_ERANGE
 * for due dates past 2200-12-31 ("term", or "business-day" when a calendar
 * moves one out; a first_due itself past 2200-12-31 is ML_EINVAL
 * "first-due", as a first due date not after the disbursement is). An
 * unknown frequency unit and an every outside 1..ML_SCHEDULE_MAX_EVERY are
 * ML_EINVAL "frequency", each with its own message. err->field names the
 * offending field as
 * the `mikrolan schedule` flag spells it, without dashes ("principal",
 * "term", "grace-principal", ...; "installment" for fixed_installment,
 * which has no flag: the journal's reschedule column). Thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_schedule_validate(
    const ml_schedule_terms *terms, ml_error *err);

/* Rows a schedule of these terms has: installments, plus 1 for an upfront
 * fee. Meaningful for valid terms; the capacity ml_schedule_compute needs. */
ML_API size_t ml_schedule_row_count(const ml_schedule_terms *terms);

/*
 * Computes the schedule into rows[0..capacity), storing the row count in
 * *count. Validates first (as ml_schedule_validate). ML_EBUFFER when capacity
 * < ml_schedule_row_count(terms) (ML_SCHEDULE_MAX_INSTALLMENTS + 1 always
 * suffices). Allocates nothing in the common case; an annuity whose
 * installment lies within about 10^-7 minor units of a rounding boundary
 * (or has an extreme rate) is settled with GMP, which allocates through
 * its own allocator (GMP aborts the process when memory runs out).
 * Thread-safe; rows is caller-owned.
 */
ML_API ML_NODISCARD ml_status ml_schedule_compute(
    ml_installment *rows, size_t capacity, size_t *count,
    const ml_schedule_terms *terms, ml_error *err);

/* An allocated schedule (the convenience form). */
typedef struct ml_schedule ml_schedule;

/* Computes a schedule into a new handle; *out is NULL on failure. Free it
 * with ml_schedule_free. ML_ENOMEM when allocation fails. */
ML_API ML_NODISCARD ml_status ml_schedule_new(ml_schedule **out,
                                              const ml_schedule_terms *terms,
                                              ml_error *err);
ML_API void ml_schedule_free(ml_schedule *schedule); /* accepts NULL */
ML_API size_t ml_schedule_count(const ml_schedule *schedule);
/* The rows, owned by the schedule, valid until ml_schedule_free. */
ML_API const ml_installment *ml_schedule_rows(const ml_schedule *schedule);
/* The terms the schedule was computed from. */
ML_API const ml_schedule_terms *ml_schedule_terms_of(
    const ml_schedule *schedule);

/* The exact equal installment of an annuity before rounding, rounded to
 * increment with mode: round(P*r/(1-(1+r)^-m)), r = rate_num/rate_den per
 * period (P/m when r = 0). Exposed for tests and tools. ML_EINVAL for a
 * negative principal or rate, rate_den <= 0, m outside 1..600 or increment
 * <= 0; ML_ERANGE if it does not fit. */
ML_API ML_NODISCARD ml_status ml_annuity_payment(ml_amount *out,
                                                 ml_amount principal,
                                                 int64_t rate_num,
                                                 int64_t rate_den, int32_t m,
                                                 ml_amount increment,
                                                 ml_rounding mode);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_SCHEDULE_H */

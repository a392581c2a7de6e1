/*
 * mikrolan/portfolio.h — portfolio quality over loan statuses, the way
 * microfinance reports it (SEEP MFRS, CGAP): PAR>x, aging buckets,
 * provisioning, write-offs, per segment and in total.
 *
 * An accumulator takes loan statuses one at a time with a segment key and
 * keeps exact integer sums per segment, so its memory grows with the number
 * of segments, never with the number of loans. Two accumulators merge; the
 * sums are the same whatever the order, the chunking or the number of
 * threads in which loans were added. Ratios are exact fractions, rounded
 * only for display.
 *
 * Definitions (at the as-of date of the statuses added):
 *  - gross loan portfolio (GLP): outstanding principal of active loans
 *    (written-off, closed and pending loans excluded; interest excluded);
 *  - PAR>x: the whole outstanding principal of active loans with days past
 *    due > x, plus, for x >= 30, of restructured active loans (SEEP MFRS;
 *    turned off by restructured_at_risk = 0); PAR ratio = PAR>x / GLP;
 *  - aging buckets by days past due of active loans: count, outstanding
 *    principal, amount overdue (the status's arrears);
 *  - arrears rate = amount overdue / GLP;
 *  - provisioning required = sum over buckets of round(bucket principal *
 *    rate) to one minor unit, half-even;
 *  - write-offs in the period = principal written off by loans whose
 *    write-off date lies in (period_start, as_of]; write-off ratio =
 *    write-offs / ((GLP at period_start + GLP) / 2);
 *  - risk coverage = loan loss reserve / PAR>30.
 */
#ifndef MIKROLAN_PORTFOLIO_H
#define MIKROLAN_PORTFOLIO_H

#include "core.h"
#include "loan.h"
#include "money.h"
#include "rate.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ML_PORTFOLIO_MAX_THRESHOLDS 16
#define ML_PORTFOLIO_MAX_BUCKETS 16
#define ML_PORTFOLIO_MAX_SEGMENTS 100000 /* distinct segment keys */
#define ML_PORTFOLIO_MAX_KEY 1024        /* bytes of one key, with its NUL */

/* What the report measures. Initialise with ml_portfolio_options_init. */
typedef struct ml_portfolio_options {
  /* PAR>x thresholds in days, ascending, >= 0; default 1, 30, 60, 90, 180,
   * 365. */
  int32_t thresholds[ML_PORTFOLIO_MAX_THRESHOLDS];
  size_t threshold_count;
  /* Aging buckets by their last day, ascending: bucket k holds days past
   * due from (bucket_to[k-1] + 1) (0 for the first) to bucket_to[k]; one
   * more open bucket holds the rest. Default 0, 30, 60, 90, 180, 365:
   * current, 1-30, 31-60, 61-90, 91-180, 181-365, >365. */
  int32_t bucket_to[ML_PORTFOLIO_MAX_BUCKETS - 1];
  size_t bucket_count; /* closed buckets; the open one is extra */
  /* Provisioning rate of each bucket (bucket_count + 1 of them), each at
   * most 100 %; default 0, 10, 25, 50, 75, 90, 100 %. */
  ml_rate provisioning[ML_PORTFOLIO_MAX_BUCKETS];
  int restructured_at_risk; /* default 1 */
  ml_date period_start;     /* for write-offs; ML_DATE_NONE = none */
} ml_portfolio_options;

ML_API void ml_portfolio_options_init(ml_portfolio_options *options);

/* ML_EINVAL with the field ("thresholds", "buckets", "provisioning") when
 * thresholds or bucket bounds are not ascending and >= 0, counts exceed the
 * limits, or a rate is above 100 %. */
ML_API ML_NODISCARD ml_status ml_portfolio_options_validate(
    const ml_portfolio_options *options, ml_error *err);

/* The figures of one segment (or of the total). Amounts in minor units. */
typedef struct ml_portfolio_figures {
  int64_t loans;        /* every loan added */
  int64_t by_state[5];  /* indexed by ml_loan_state */
  ml_amount gross_portfolio;
  ml_amount par[ML_PORTFOLIO_MAX_THRESHOLDS]; /* PAR>x amounts */
  int64_t bucket_loans[ML_PORTFOLIO_MAX_BUCKETS];
  ml_amount bucket_principal[ML_PORTFOLIO_MAX_BUCKETS];
  ml_amount bucket_overdue[ML_PORTFOLIO_MAX_BUCKETS];
  ml_amount overdue;         /* sum of arrears of active loans */
  ml_amount provisioning;    /* required, computed when read */
  ml_amount written_off_in_period;
  ml_amount gross_portfolio_at_start; /* GLP at period_start */
} ml_portfolio_figures;

typedef struct ml_portfolio ml_portfolio;

/* A new, empty accumulator with a copy of the options (validated).
 * ML_ENOMEM when allocation fails. */
ML_API ML_NODISCARD ml_status ml_portfolio_new(
    ml_portfolio **out, const ml_portfolio_options *options, ml_error *err);
ML_API void ml_portfolio_free(ml_portfolio *portfolio); /* accepts NULL */

/*
 * Adds one loan: its status at the as-of date, and (when the options set a
 * period_start) its status at period_start, or NULL if it did not exist
 * then. key is the segment (any bytes up to ML_PORTFOLIO_MAX_KEY - 1, a NUL
 * ends it; "" is a segment too). ML_ELIMIT for a longer key or more than
 * ML_PORTFOLIO_MAX_SEGMENTS segments; ML_ENOMEM; ML_EOVERFLOW if a sum of
 * the portfolio's total (kept as loans are added; it bounds every
 * segment's sums) would leave int64, or 2 * written_off_in_period or
 * gross_portfolio_at_start + gross_portfolio would (the write-off ratio's
 * terms); ML_EINVAL for a status with a negative outstanding principal,
 * arrears or written-off principal, or for an at_start when the options
 * set no period_start. On failure nothing is added. A new
 * segment allocates; an existing one does not.
 */
ML_API ML_NODISCARD ml_status ml_portfolio_add(ml_portfolio *portfolio,
                                               const char *key,
                                               const ml_loan_status *at_end,
                                               const ml_loan_status *at_start,
                                               ml_error *err);

/* Adds every segment of from into into (same options, else ML_EINVAL);
 * ML_EOVERFLOW if the merged total would leave int64 as for
 * ml_portfolio_add; ML_ELIMIT beyond ML_PORTFOLIO_MAX_SEGMENTS; ML_ENOMEM.
 * On failure into is unchanged. */
ML_API ML_NODISCARD ml_status ml_portfolio_merge(ml_portfolio *into,
                                                 const ml_portfolio *from,
                                                 ml_error *err);

/* Segments in ascending byte order of their keys. */
ML_API size_t ml_portfolio_segment_count(const ml_portfolio *portfolio);
/* The key and figures of segment i (0 <= i < count); the key is owned by
 * the portfolio and valid until the next add, merge or free. */
ML_API void ml_portfolio_segment(const ml_portfolio *portfolio, size_t i,
                                 const char **key,
                                 ml_portfolio_figures *figures);
/* The figures over every segment. */
ML_API void ml_portfolio_total(const ml_portfolio *portfolio,
                               ml_portfolio_figures *figures);
ML_API const ml_portfolio_options *ml_portfolio_options_of(
    const ml_portfolio *portfolio);

/* An exact ratio num/den (den > 0; 0/1 when the denominator would be 0). */
typedef struct ml_ratio {
  ml_amount num;
  ml_amount den;
} ml_ratio;

/* PAR>x / GLP for threshold index k; overdue / GLP; write-offs / average
 * GLP (den = start + end, num doubled: exact); reserve / PAR>30 (the
 * threshold 30 must be among the options', else ML_EINVAL). f holds
 * figures as ml_portfolio_total and ml_portfolio_segment fill them; a
 * caller's own figures with a negative denominator, or with 2 *
 * written_off_in_period or gross_portfolio_at_start + gross_portfolio past
 * int64 (which add and merge refuse), are a programming error (asserted). */
ML_API ml_ratio ml_portfolio_par_ratio(const ml_portfolio_figures *f,
                                       size_t k);
ML_API ml_ratio ml_portfolio_arrears_rate(const ml_portfolio_figures *f);
ML_API ml_ratio ml_portfolio_write_off_ratio(const ml_portfolio_figures *f);
ML_API ML_NODISCARD ml_status ml_portfolio_risk_coverage(
    ml_ratio *out, const ml_portfolio *portfolio,
    const ml_portfolio_figures *f, ml_amount reserve);

/* Writes a ratio as a decimal rounded half-even to `decimals` places
 * ("0.052345"), exactly for every ratio (decimals 0..12); ML_EBUFFER when
 * it does not fit in buf (32 bytes always suffice for 6 places).
 * Preconditions (asserted, a programming error otherwise): decimals in
 * 0..12 and ratio.den > 0, as every ml_ratio of this header has. */
ML_API ML_NODISCARD ml_status ml_ratio_format(char *buf, size_t size,
                                              ml_ratio ratio, int decimals);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_PORTFOLIO_H */

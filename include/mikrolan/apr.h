/*
 * mikrolan/apr.h — the effective annual rate of a loan (the EU "annual
 * percentage rate of charge", Swedish "effektiv ränta") and XIRR, with
 * proven digits.
 *
 * The equation. Directive 2008/48/EC, Annex I, part I (unchanged by
 * Directive 2011/90/EU, which amends only part II's assumptions), the rule
 * Swedish förordning (2010:1855) om beräkning av effektiv ränta vid
 * konsumentkrediter refers to: X solves
 *
 *     sum_k C_k (1+X)^(-t_k) = sum_l D_l (1+X)^(-s_l)
 *
 * with C the drawdowns, D the repayments and charges, t and s in years from
 * the first drawdown. Written with one signed flow a_i per date (the Annex's
 * remark (e)): sum_i a_i (1+X)^(-t_i) = 0.
 *
 * Sign convention of every ml_flow: an amount below 0 is money lent to the
 * borrower (a drawdown); above 0 is money the borrower pays (a repayment,
 * interest, a fee). This is the lender's view, the one spreadsheet XIRR
 * uses (the first flow of a loan is negative).
 *
 * Time (remark (c) of Annex I; the rule for whole periods plus days is
 * spelt out in Directive 2014/17/EU Annex I remark (c) and in the new
 * Consumer Credit Directive (EU) 2023/2225, and this library applies it):
 * a year is 365 days (366 in a leap year), 52 weeks or 12 equal months.
 * The interval from the first flow F to a flow on date d is a whole number
 * k of periods (years, months or weeks: ml_apr_basis) plus a number of
 * days:
 *  - whole periods are counted backwards from d towards F: k is the largest
 *    number with d - k periods >= F, where "d - k months" keeps d's day of
 *    the month, clamped to the end of shorter months (one month before
 *    31 March is 28/29 February); d - k years is d - 12k months;
 *  - but when d is exactly F + j periods (the same clamped month
 *    arithmetic a schedule uses for its due dates: 31 January + 1 month is
 *    28 February), the interval is exactly j periods, no days (a choice of
 *    this library: the backward count alone, as Directive 2014/17/EU
 *    writes it, would make 28 February 28/365 after 31 January);
 *  - otherwise the days left, from F to E = d - k periods (excluding F,
 *    including E, so E - F days), are divided by the days of the complete
 *    year counted back from E to the same day of the previous year: 366
 *    when that year contains a 29 February, else 365 (for E = 29 February
 *    the previous year's day is 28 February, so 366).
 * So t = k/12 + days/365 (or 366) in the months basis, k/52 + days/365 in
 * the weeks basis, k + days/365 in the years basis (the "calendar basis" of
 * Directive 98/7/EC Annex III: 1 January 1994 to 1 July 1995 is 1 year and
 * 181 days, t = 1 + 181/365). XIRR uses ACT/365 from the first flow instead:
 * t = (d - F) / 365.
 *
 * Rounding (remark (d)): the rate in percent, rounded half-up to the
 * requested number of decimals (at least one): a tie goes away from zero
 * (12.95 -> 13.0, -5.05 -> -5.1), the same rule as ML_ROUND_HALF_UP.
 *
 * Proven digits. No floating point decides a digit. A double-precision
 * solver only guesses the rounded value R (in units u of the last decimal).
 * R is then proven by the sign of f(X) = sum_i a_i (1+X)^(-t_i) at the two
 * rounding boundaries X_b = (R -/+ 1/2) u, which are exact rationals. Each
 * t_i is k_i/P + r_i/Y_i with P in {1, 12, 52} (365 for XIRR) and Y_i in
 * {365, 366}; the roots z = (1+X_b)^(-1/P), (1+X_b)^(-1/365) and
 * (1+X_b)^(-1/366) are bracketed between consecutive dyadic rationals
 * (integer n-th roots, mpz_root, of the scaled exact value), raised to
 * their powers with outward (floor/ceiling) rounding, and f(X_b) is
 * bracketed between two exact sums. The sign is taken only when the whole
 * bracket is on one side of 0; otherwise the working precision doubles (64,
 * 128, 256, ... bits). An exact tie (a root exactly on a boundary) is
 * recognised exactly: with d = lcm of the denominators, y = (1+X_b)^(1/d)
 * is written as s^(1/m) with s rational and Y^m - s irreducible (Capelli's
 * theorem), so f(X_b) = 0 exactly when, after reducing the exponents modulo
 * m, every coefficient of 1, y, ..., y^(m-1) (an exact rational) is 0.
 * Because the flows change sign exactly once (see below), f has exactly
 * one root with 1+X > 0 (Descartes' rule of signs, which holds for real
 * exponents), and the sign of f at a boundary says on which side of it the
 * root lies; so the two signs prove R.
 *
 * Which flows have a rate. After sorting by date and adding the flows of
 * one date together (flows whose net is 0 drop out), the flows must change
 * sign exactly once: all drawdowns before all repayments (a loan). Flows
 * that never change sign are ML_EINVAL; flows that change sign more than
 * once are ML_EINVAL too (their equation can have several roots, and this
 * library reports only a rate it can prove unique). The root must lie in
 * the open interval (-99 %, 10,000 %): ML_ENOROOT otherwise.
 *
 * Every function here is reentrant and thread-safe: it keeps no state
 * between calls. They allocate (a sorted copy of the flows, GMP integers):
 * ML_ENOMEM when that fails (GMP itself aborts on exhaustion).
 */
#ifndef MIKROLAN_APR_H
#define MIKROLAN_APR_H

#include "core.h"
#include "date.h"
#include "money.h"
#include "schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decimals of the rate in percent: 1 (the Annex's minimum, the default of
 * `mikrolan apr`) to 9. */
#define ML_APR_MIN_DECIMALS 1
#define ML_APR_MAX_DECIMALS 9
#define ML_APR_DEFAULT_DECIMALS 1
/* Most flows one call accepts. */
#define ML_APR_MAX_FLOWS 100000
/* The open interval the rate must lie in, in percent. */
#define ML_APR_MIN_PERCENT (-99)
#define ML_APR_MAX_PERCENT 10000
/* Room for any formatted rate ("-99.000000000", "10000.000000000"). */
#define ML_APR_FORMAT_SIZE 24

/* One dated cash flow: amount < 0 a drawdown (paid to the borrower),
 * amount > 0 a repayment or charge (paid by the borrower), in minor units. */
typedef struct ml_flow {
  ml_date date;
  ml_amount amount;
} ml_flow;

/* The whole periods counted before the days (see "Time" above). Pinned. */
typedef enum ml_apr_basis {
  ML_APR_BASIS_YEARS = 0,  /* whole years + days: the calendar basis */
  ML_APR_BASIS_MONTHS = 1, /* whole months (1/12 year) + days */
  ML_APR_BASIS_WEEKS = 2   /* whole weeks (1/52 year) + days */
} ml_apr_basis;

/* "years", "months", "weeks"; NULL outside the enum. Thread-safe. */
ML_API const char *ml_apr_basis_name(ml_apr_basis basis);

/* Parses one of the names above (exact, lower case); anything else is
 * ML_EINVAL with err->field "basis" and a message listing them. */
ML_API ML_NODISCARD ml_status ml_apr_basis_parse(ml_apr_basis *out,
                                                 const char *text,
                                                 ml_error *err);

/* The result of a rate computation. */
typedef struct ml_apr_result {
  /* The rate in units of 10^-decimals percent, rounded half-up (ties away
   * from zero): 130 with 1 decimal is 13.0 %, -51 is -5.1 %. */
  int64_t units;
  int32_t decimals;
  /* 1 when the exact root lies exactly on a rounding boundary (so the
   * half-up rule decided the last digit), else 0. */
  int tie;
  /* The largest working precision, in bits, the proof needed (64 for most
   * loans; more when the root is very close to a boundary; 0 when the
   * amounts add up to 0, so the rate is exactly 0 with no proof). */
  int32_t proof_bits;
  /* Notice: how many input flows fell on the date of an earlier flow and
   * were added into it (0 when every date is distinct). The rate is that
   * of the summed flows. */
  size_t merged_flows;
  /* Dates left in the equation (distinct dates with a nonzero sum). */
  size_t dated_flows;
  /* Sums over the input flows before merging: the drawdowns (as a positive
   * amount), the repayments and charges (the total amount payable), and
   * total_payable - total_drawdowns (the total cost of credit). For
   * ml_apr_of_terms: the principal, the sum of every schedule row's total
   * (upfront fee included), and their difference. */
  ml_amount total_drawdowns;
  ml_amount total_payable;
  ml_amount total_cost;
} ml_apr_result;

/*
 * The effective annual rate of dated flows (see the equation, the time rule
 * and the rounding above), time counted with basis from the earliest date
 * left once the flows of a date are added together (a date whose flows sum
 * to 0 drops out).
 * flows[0..count) is caller-owned, read only, in any order; flows of one
 * date are added together and counted in out->merged_flows. decimals is
 * ML_APR_MIN_DECIMALS..ML_APR_MAX_DECIMALS.
 *
 * Errors (err->field in quotes; *out is written only on ML_OK):
 *  ML_EINVAL "flows"     count is 0; the flows never change sign (all
 *                        drawdowns, all repayments, or all summing to 0 by
 *                        date); they change sign more than once; the first
 *                        dated flow is a repayment (the Annex counts time
 *                        from the first drawdown);
 *  ML_ELIMIT "flows"     count above ML_APR_MAX_FLOWS;
 *  ML_ERANGE "date"      a date outside ML_DATE_MIN..ML_DATE_MAX (the
 *                        message names the flow by its 1-based index);
 *  ML_EOVERFLOW "amount" a sum of amounts does not fit in int64;
 *  ML_EINVAL "decimals"  decimals below 1; ML_ELIMIT "decimals" above 9;
 *  ML_ENOROOT "flows"    the rate is not inside (-99 %, 10,000 %);
 *  ML_ELIMIT "flows"     the proof did not settle within 65536 bits of
 *                        working precision (not seen in practice; no
 *                        unproven digit is ever reported);
 *  ML_ENOMEM             an allocation failed.
 * flows may be NULL only when count is 0; a basis outside the enum is an
 * assertion. Thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_apr_of_flows(ml_apr_result *out,
                                              const ml_flow *flows,
                                              size_t count,
                                              ml_apr_basis basis,
                                              int32_t decimals,
                                              ml_error *err);

/*
 * XIRR: the rate X solving sum_i a_i (1+X)^(-(d_i - d_0)/365) = 0, d_0 the
 * earliest date (ACT/365, as spreadsheets compute it), proven and rounded
 * exactly like ml_apr_of_flows. The first flow may have either sign; the
 * other rules and errors are those of ml_apr_of_flows. Thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_xirr(ml_apr_result *out,
                                      const ml_flow *flows, size_t count,
                                      int32_t decimals, ml_error *err);

/*
 * The effective annual rate of a loan from its terms: the schedule of
 * ml_schedule_compute, with the flows
 *   - principal - upfront fee, drawn on the disbursement date (the fee is
 *     row 0 of the schedule, paid on that date; netting it from the
 *     drawdown gives the same equation);
 *   - every row's total (principal + interest + installment fee) on its
 *     (adjusted) due date.
 * The basis follows the frequency: months for every N months (so the k-th
 * monthly due date F + k months is exactly k/12 years, month-end clamps
 * included), weeks for every N weeks, years (+ days) for every N days.
 * out->total_drawdowns is the principal (the total amount of credit),
 * out->total_payable the sum of the schedule's totals (row 0, the upfront
 * fee the borrower pays, included), out->total_cost their difference. A
 * fee retained from the drawdown, so that only principal - fee is made
 * available, is a total amount of credit of principal - fee and a payable
 * smaller by the fee: give it as flows (ml_apr_of_flows), which sum what
 * they are given. out->merged_flows counts due dates that fell on an
 * earlier flow's date (the upfront fee's netting is not counted).
 * Errors: those of ml_schedule_compute (the terms' own fields);
 * ML_EINVAL "upfront-fee" when the upfront fee is not below the principal
 * (nothing is lent); and those of ml_apr_of_flows. Thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_apr_of_terms(ml_apr_result *out,
                                              const ml_schedule_terms *terms,
                                              int32_t decimals,
                                              ml_error *err);

/*
 * The interval, in years, from first to d under basis (the time rule
 * above), as an exact fraction in lowest terms: 1994-01-01 to 1995-07-01 in
 * years is 546/365 (1 + 181/365). Exposed for tests and tools. ML_EINVAL
 * "date" when d is before first; ML_ERANGE "date" for a date outside
 * ML_DATE_MIN..ML_DATE_MAX. Thread-safe, allocates nothing.
 */
ML_API ML_NODISCARD ml_status ml_apr_year_fraction(ml_fraction *out,
                                                   ml_date first, ml_date d,
                                                   ml_apr_basis basis,
                                                   ml_error *err);

/* Writes result->units with result->decimals decimals and a '.': "13.0",
 * "-5.1", "37.3362534". ML_EBUFFER when size is too small
 * (ML_APR_FORMAT_SIZE always suffices). Precondition (asserted): a result
 * the functions above filled, so result->decimals in
 * ML_APR_MIN_DECIMALS..ML_APR_MAX_DECIMALS. Thread-safe, allocates
 * nothing. */
ML_API ML_NODISCARD ml_status ml_apr_format(char *buf, size_t size,
                                            const ml_apr_result *result);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_APR_H */

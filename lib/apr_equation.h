/*
 * lib/apr_equation.h — the rate equation sum_i a_i (1+X)^(-t_i) = 0 inside
 * the apr layer (never installed): its terms, the time rule that gives
 * each t_i, the exact sign oracle and the solver.
 */
#ifndef MIKROLAN_LIB_APR_EQUATION_H
#define MIKROLAN_LIB_APR_EQUATION_H

#include "internal.h"
#include "mikrolan/apr.h"

/* One dated flow of the equation: t = whole / per_year + days / year_days
 * years from the first flow. */
typedef struct apr_term {
  int64_t amount;    /* the net amount of one date, never 0 */
  int32_t whole;     /* whole periods (days for XIRR) */
  int32_t days;      /* the days left over, 0..365 */
  int32_t year_days; /* 365 or 366 when days > 0, else 0 */
} apr_term;

/* The equation: its terms in date order, and the periods per year of
 * their whole periods. */
typedef struct apr_equation {
  const apr_term *terms;
  size_t count;
  int32_t per_year; /* 1 (years), 12 (months), 52 (weeks), 365 (XIRR) */
} apr_equation;

/* Periods per year of the XIRR time rule (ACT/365). */
#define APR_XIRR_PER_YEAR 365

/* The periods per year of a basis: 1, 12 or 52. */
int32_t ml_apr_basis_per_year(ml_apr_basis basis);

/*
 * The interval from first to d (first <= d, both valid dates) under basis,
 * as whole periods and days (apr.h, "Time"): fills term's whole, days and
 * year_days; amount is left alone.
 */
void ml_apr_interval(apr_term *term, ml_date first, ml_date d,
                  ml_apr_basis basis);

/* The XIRR interval: whole = d - first days (per_year 365), no days. */
void ml_apr_interval_xirr(apr_term *term, ml_date first, ml_date d);

/* Highest working precision the sign oracle tries, in bits. */
#define APR_MAX_PROOF_BITS 65536

/*
 * The exact sign of f(X) = sum_i a_i (1+X)^(-t_i) at X = num/den (den > 0,
 * num/den > -1): *sign is -1, 0 or 1; *bits is the working precision of
 * the last attempt (an exact 0 is recognised after the 64-bit one failed,
 * see lib/apr_proof.c). ML_ELIMIT when
 * APR_MAX_PROOF_BITS did not decide (no sign is guessed), ML_ENOMEM.
 */
ml_status ml_apr_sign_at(int *sign, int32_t *bits, const apr_equation *eq,
                      int64_t num, int64_t den);

/*
 * Solves the equation: the rate in units of 10^-decimals percent, rounded
 * half-up and proven (apr.h, "Proven digits"). The equation must have
 * exactly one sign change in term order (checked by the caller). Fills
 * out->units, out->decimals, out->tie and out->proof_bits. ML_ENOROOT
 * outside (-99 %, 10,000 %), ML_ELIMIT, ML_ENOMEM, with err filled.
 */
ml_status ml_apr_solve(ml_apr_result *out, const apr_equation *eq,
                    int32_t decimals, ml_error *err);

#endif

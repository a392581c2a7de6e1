/*
 * lib/apr_solve.c — the rounded rate: a floating-point guess, then a proof.
 *
 * Let r be the root and u = 10^-(decimals+2) one unit of the last decimal
 * (as a fraction, not in percent). The result R (in units) is half-up:
 * for r > 0 the smallest R >= 0 with r < (R + 1/2) u, for r < 0 minus the
 * smallest R >= 0 with r > -(R + 1/2) u (ties go away from zero). Each
 * test "is r below/above this boundary" is the exact sign of f at the
 * boundary (ml_apr_sign_at), because f has one root and the sign of its last
 * flow on the left of it. The side of 0 is exact too: f(0) is the plain sum
 * of the amounts. The guess only chooses where the search starts; a wrong
 * guess costs more oracle calls, never a wrong digit.
 */
#include <math.h>
#include <stdlib.h>

#include "apr_equation.h"

__extension__ typedef __int128 i128;

typedef struct solver {
  const apr_equation *eq;
  int late_sign;     /* the sign of f left of the root: the last flow's */
  int64_t per_unit;  /* 1/u = 10^(decimals+2) */
  int32_t bits;      /* the largest precision any oracle call used */
} solver;

/* ---- the guess --------------------------------------------------------- */

/* One term for the guess: log|a| and t in years, computed once. */
typedef struct guess_term {
  double log_amount;
  double years;
  int positive;
} guess_term;

/* log of sum over the terms of one sign of |a| e^(-t*lambda), and the
 * weighted mean of t (for the derivative), without overflow: the largest
 * exponent is taken out first. */
static void log_sum(double *value, double *mean_t, const guess_term *gt,
                    size_t n, int positive, double lambda) {
  double top = -HUGE_VAL;
  for (size_t i = 0; i < n; i++) {
    double x = gt[i].log_amount - gt[i].years * lambda;
    if (gt[i].positive == positive && x > top) top = x;
  }
  double sum = 0, weighted = 0;
  for (size_t i = 0; i < n; i++) {
    if (gt[i].positive != positive) continue;
    double w = exp(gt[i].log_amount - gt[i].years * lambda - top);
    sum += w;
    weighted += w * gt[i].years;
  }
  /* every equation has terms of both signs (checked before solving) */
  ML_ASSERT(sum > 0);
  *value = top + log(sum);
  *mean_t = weighted / sum;
}

/* g(lambda) = log(positive part) - log(negative part) of f at
 * 1 + X = e^lambda: the sign of f, monotone in lambda; and g'. */
static double g_of(double *slope, const guess_term *gt, size_t n,
                   double lambda) {
  double pos, pos_t, neg, neg_t;
  log_sum(&pos, &pos_t, gt, n, 1, lambda);
  log_sum(&neg, &neg_t, gt, n, 0, lambda);
  *slope = neg_t - pos_t;
  return pos - neg;
}

/* Newton's method on g from 10 %, kept inside (log 0.01, log 101): a step
 * that leaves the bracket is replaced by bisection towards its end. The
 * bracket shrinks as signs are seen; g is monotone, so this converges. */
static double solve_log_rate(const guess_term *gt, size_t n) {
  double lo = log(0.01), hi = log(101.0), x = log(1.1);
  for (int i = 0; i < 100; i++) {
    double slope, gx = g_of(&slope, gt, n, x);
    if (gx == 0) return x;
    int s = gx > 0 ? 1 : -1;
    /* g falls when the positive flows come last (slope < 0): then g > 0
     * means the root is above x. */
    int root_above = (s > 0) == (slope < 0);
    if (root_above) {
      lo = x;
    } else {
      hi = x;
    }
    double next = x - gx / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (fabs(next - x) < 1e-14 * (1 + fabs(x))) return next;
    x = next;
  }
  return x;
}

/* A guess of the root as a fraction (0.13 for 13 %), or NAN when memory
 * runs out (the search then starts from 0). */
static double guess_rate(const apr_equation *eq) {
  guess_term *gt = malloc(eq->count * sizeof *gt);
  if (gt == NULL) return (double)NAN;
  for (size_t i = 0; i < eq->count; i++) {
    const apr_term *t = &eq->terms[i];
    double years = (double)t->whole / eq->per_year;
    if (t->days > 0) years += (double)t->days / t->year_days;
    gt[i] = (guess_term){log(fabs((double)t->amount)), years, t->amount > 0};
  }
  double x = expm1(solve_log_rate(gt, eq->count));
  free(gt);
  return x;
}

/* ---- the proof --------------------------------------------------------- */

/* *cmp = -1, 0, 1 as the root r is below, at, above num/den. */
static ml_status compare_root(int *cmp, solver *s, int64_t num, int64_t den) {
  int sign;
  int32_t bits;
  ml_status st = ml_apr_sign_at(&sign, &bits, s->eq, num, den);
  if (bits > s->bits) s->bits = bits;
  if (st != ML_OK) return st;
  *cmp = sign == 0 ? 0 : (sign == s->late_sign ? 1 : -1);
  return ML_OK;
}

/* Boundary index R in direction dir: X = dir * (2R + 1) / (2 per_unit).
 * *holds is whether r is strictly inside it (below for dir > 0, above for
 * dir < 0): the search predicate. */
static ml_status probe(int *holds, int *cmp, solver *s, int dir, int64_t r) {
  ml_status st = compare_root(cmp, s, dir * (2 * r + 1), 2 * s->per_unit);
  *holds = st == ML_OK && *cmp * dir < 0;
  return st;
}

/* The search's state: lo fails the predicate (or is -1), hi holds it. */
typedef struct search {
  int64_t lo, hi;
  int lo_cmp;
} search;

/* From a guess g that holds: walks down, doubling the step, to an index
 * that fails (or to -1). */
static ml_status walk_down(search *q, solver *s, int dir) {
  for (int64_t step = 1; q->hi > 0; step *= 2) {
    int64_t cand = q->hi - step < 0 ? 0 : q->hi - step;
    int holds, cmp;
    ml_status st = probe(&holds, &cmp, s, dir, cand);
    if (st != ML_OK) return st;
    if (!holds) {
      q->lo = cand;
      q->lo_cmp = cmp;
      return ML_OK;
    }
    q->hi = cand;
  }
  q->lo = -1;
  return ML_OK;
}

/* From a guess that fails: walks up to an index that holds, at most top;
 * *found = 0 when even top fails. */
static ml_status walk_up(search *q, int *found, solver *s, int dir,
                         int64_t top) {
  *found = 0;
  for (int64_t step = 1; q->lo < top; step *= 2) {
    int64_t cand = q->lo + step > top ? top : q->lo + step;
    int holds, cmp;
    ml_status st = probe(&holds, &cmp, s, dir, cand);
    if (st != ML_OK) return st;
    if (holds) {
      q->hi = cand;
      *found = 1;
      return ML_OK;
    }
    q->lo = cand;
    q->lo_cmp = cmp;
  }
  return ML_OK;
}

static ml_status bisect(search *q, solver *s, int dir) {
  while (q->hi - q->lo > 1) {
    int64_t mid = q->lo + (q->hi - q->lo) / 2;
    int holds, cmp;
    ml_status st = probe(&holds, &cmp, s, dir, mid);
    if (st != ML_OK) return st;
    if (holds) {
      q->hi = mid;
    } else {
      q->lo = mid;
      q->lo_cmp = cmp;
    }
  }
  return ML_OK;
}

/* The smallest index in 0..top that holds, from guess; *found = 0 when
 * none does. */
static ml_status find_index(search *q, int *found, solver *s, int dir,
                            int64_t guess, int64_t top) {
  int holds, cmp;
  const int64_t g = guess < 0 ? 0 : (guess > top ? top : guess);
  ml_status st = probe(&holds, &cmp, s, dir, g);
  if (st != ML_OK) return st;
  *found = 1;
  if (holds) {
    q->hi = g;
    st = walk_down(q, s, dir);
  } else {
    q->lo = g;
    q->lo_cmp = cmp;
    st = walk_up(q, found, s, dir, top);
  }
  if (st != ML_OK || !*found) return st;
  return bisect(q, s, dir);
}

static ml_status no_root(ml_error *err, int dir) {
  if (dir > 0) {
    return ml_error_set(err, ML_ENOROOT, "flows", 0, 0,
                        "the rate is 10000 %% or more: the repayments are "
                        "too large for the drawdowns; a rate is given only "
                        "inside -99 %% to 10000 %%");
  }
  return ml_error_set(err, ML_ENOROOT, "flows", 0, 0,
                      "the rate is -99 %% or less: the repayments are too "
                      "small for the drawdowns; a rate is given only inside "
                      "-99 %% to 10000 %%");
}

static ml_status proof_failed(ml_error *err, ml_status st) {
  if (st == ML_ENOMEM) {
    return ml_error_set(err, st, "", 0, 0, "out of memory");
  }
  return ml_error_set(err, st, "flows", 0, 0,
                      "the rounded rate could not be proven within %d bits "
                      "of working precision; no digit is reported",
                      APR_MAX_PROOF_BITS);
}

/* The root's side of 0: f(0) is the sum of the amounts, exactly. */
static int direction(const solver *s) {
  i128 sum = 0;
  for (size_t i = 0; i < s->eq->count; i++) sum += s->eq->terms[i].amount;
  if (sum == 0) return 0;
  return (sum > 0) == (s->late_sign > 0) ? 1 : -1;
}

/* The outermost index of a direction: the cell of 10,000 % or of -99 %. */
static int64_t top_index(const solver *s, int dir) {
  return dir > 0 ? 100 * s->per_unit : 99 * (s->per_unit / 100);
}

/* When the result's cell reaches a range end, whether r is inside. */
static ml_status check_range_end(int *inside, solver *s, int dir) {
  int cmp;
  ml_status st = dir > 0 ? compare_root(&cmp, s, 100, 1)
                         : compare_root(&cmp, s, -99, 100);
  *inside = st == ML_OK && cmp * dir < 0;
  return st;
}

ml_status ml_apr_solve(ml_apr_result *out, const apr_equation *eq,
                    int32_t decimals, ml_error *err) {
  ML_ASSERT(eq->count >= 2);
  solver s = {eq, eq->terms[eq->count - 1].amount > 0 ? 1 : -1, 1, 0};
  for (int32_t i = 0; i < decimals + 2; i++) s.per_unit *= 10;
  out->decimals = decimals;
  out->tie = 0;
  out->units = 0;
  const int dir = direction(&s);
  if (dir == 0) { /* the amounts sum to 0: r = 0 exactly */
    out->proof_bits = 0;
    return ML_OK;
  }
  const int64_t top = top_index(&s, dir);
  const double g = fabs(guess_rate(eq)) * (double)s.per_unit + 0.5;
  const int64_t guess = g < (double)top ? (int64_t)g : (g >= 0 ? top : 0);
  search q = {-1, top, 1};
  int found;
  ml_status st = find_index(&q, &found, &s, dir, guess, top);
  if (st == ML_OK && found && q.hi == top) {
    st = check_range_end(&found, &s, dir);
  }
  out->proof_bits = s.bits;
  if (st != ML_OK) return proof_failed(err, st);
  if (!found) return no_root(err, dir);
  out->units = dir * q.hi;
  out->tie = q.lo >= 0 && q.lo_cmp == 0;
  return ML_OK;
}

/*
 * lib/apr_proof.c — the exact sign of f(X) = sum_i a_i (1+X)^(-t_i) at a
 * rational X, with GMP. No floating point is involved.
 *
 * With 1 + X = u/v (lowest terms) and t_i = k_i/P + r_i/Y_i:
 *
 *  1. Bracketing. z_b = (v/u)^(1/b) for b = P, 365, 366 lies between two
 *     consecutive integers lo, lo + 1 scaled by 2^-p: lo is the integer
 *     b-th root (mpz_root, floor) of floor(v * 2^(p*b) / u), and
 *     floor(floor(x)^(1/b)) = floor(x^(1/b)) for real x >= 0. Powers are
 *     taken with the lower bound rounded down and the upper bound rounded
 *     up at every product, so every discount factor (1+X)^(-t_i) lies in a
 *     known interval; a_i times it lies in the interval with the ends
 *     swapped when a_i < 0; and f(X) lies between the two exact sums. When
 *     that interval does not contain 0 the sign is proven. Otherwise the
 *     precision p doubles.
 *
 *  2. Exact zero test (only when p = 64 did not decide). Let d be the lcm
 *     of the denominators and n_i = t_i * d, so f = sum a_i y^(-n_i) with
 *     y = (u/v)^(1/d). Let e be the largest divisor of d such that u and v
 *     are both perfect e-th powers; then y = s^(1/m) with s = (u/v)^(1/e)
 *     and m = d/e, and s is no p-th power for a prime p dividing m (e would
 *     not be largest), so Y^m - s is irreducible over Q (Capelli; s > 0)
 *     and 1, y, ..., y^(m-1) are linearly independent over Q. Multiplying
 *     f by y^N (N = max n_i) and writing y^c = s^(c div m) y^(c mod m),
 *     f = 0 exactly when, for every residue j, sum over the terms with
 *     c_i mod m = j of a_i s^(c_i div m) is 0: exact rational arithmetic
 *     on small numbers. When f is not 0, step 1 terminates.
 */
#include <gmp.h>
#include <limits.h>
#include <stdlib.h>

#include "apr_equation.h"
#include "round.h"

/* Fixed-point numbers are integers x standing for x * 2^-p. */
typedef struct interval {
  mpz_t lo, hi;
} interval;

typedef struct proof {
  const apr_equation *eq;
  mpz_t u, v;          /* 1 + X = u / v, lowest terms */
  int uses_365, uses_366;
  interval z_period;   /* (v/u)^(1/P) */
  interval z_365;      /* (v/u)^(1/365) */
  interval z_366;      /* (v/u)^(1/366) */
  interval cur;        /* the running power of z_period */
  interval step, days, factor, base;
  mpz_t amount, sum_lo, sum_hi, scratch, rest;
} proof;

static void interval_init(interval *x) {
  mpz_init(x->lo);
  mpz_init(x->hi);
}

static void interval_clear(interval *x) {
  mpz_clear(x->lo);
  mpz_clear(x->hi);
}

static void proof_init(proof *pr, const apr_equation *eq, int64_t num,
                       int64_t den) {
  pr->eq = eq;
  mpz_init(pr->u);
  mpz_init(pr->v);
  ml_mpz_set_i128(pr->u, (ml_i128)den + num);
  ml_mpz_set_i128(pr->v, den);
  ML_ASSERT(mpz_sgn(pr->u) > 0 && mpz_sgn(pr->v) > 0);
  mpz_init(pr->scratch);
  mpz_gcd(pr->scratch, pr->u, pr->v);
  mpz_divexact(pr->u, pr->u, pr->scratch);
  mpz_divexact(pr->v, pr->v, pr->scratch);
  pr->uses_365 = pr->uses_366 = 0;
  for (size_t i = 0; i < eq->count; i++) {
    pr->uses_365 |= eq->terms[i].year_days == 365;
    pr->uses_366 |= eq->terms[i].year_days == 366;
  }
  interval *all[] = {&pr->z_period, &pr->z_365, &pr->z_366, &pr->cur,
                     &pr->step, &pr->days, &pr->factor, &pr->base};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    interval_init(all[i]);
  }
  mpz_init(pr->amount);
  mpz_init(pr->sum_lo);
  mpz_init(pr->sum_hi);
  mpz_init(pr->rest);
}

static void proof_clear(proof *pr) {
  interval *all[] = {&pr->z_period, &pr->z_365, &pr->z_366, &pr->cur,
                     &pr->step, &pr->days, &pr->factor, &pr->base};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    interval_clear(all[i]);
  }
  mpz_clear(pr->u);
  mpz_clear(pr->v);
  mpz_clear(pr->amount);
  mpz_clear(pr->sum_lo);
  mpz_clear(pr->sum_hi);
  mpz_clear(pr->scratch);
  mpz_clear(pr->rest);
}

/* ---- step 1: outward-rounded fixed point ------------------------------- */

/* out = (v/u)^(1/b) bracketed at precision p: [lo, lo] when exact. */
static void root_bracket(interval *out, proof *pr, unsigned long b,
                         mp_bitcnt_t p) {
  mpz_mul_2exp(pr->scratch, pr->v, p * b);
  mpz_fdiv_qr(pr->scratch, pr->rest, pr->scratch, pr->u);
  int exact = mpz_root(out->lo, pr->scratch, b) != 0;
  mpz_set(out->hi, out->lo);
  if (!exact || mpz_sgn(pr->rest) != 0) mpz_add_ui(out->hi, out->hi, 1);
}

/* x = x * y, rounded outward: lo down, hi up (all values are >= 0). */
static void interval_mul(interval *x, const interval *y, mp_bitcnt_t p) {
  mpz_mul(x->lo, x->lo, y->lo);
  mpz_fdiv_q_2exp(x->lo, x->lo, p);
  mpz_mul(x->hi, x->hi, y->hi);
  mpz_cdiv_q_2exp(x->hi, x->hi, p);
}

static void interval_set(interval *x, const interval *y) {
  mpz_set(x->lo, y->lo);
  mpz_set(x->hi, y->hi);
}

static void interval_one(interval *x, mp_bitcnt_t p) {
  mpz_set_ui(x->lo, 1);
  mpz_mul_2exp(x->lo, x->lo, p);
  mpz_set(x->hi, x->lo);
}

/* out = z^e by squaring, outward; base is scratch. */
static void interval_pow(interval *out, const interval *z, uint32_t e,
                         interval *base, mp_bitcnt_t p) {
  interval_one(out, p);
  interval_set(base, z);
  for (; e != 0; e >>= 1) {
    if (e & 1u) interval_mul(out, base, p);
    if (e > 1) interval_mul(base, base, p);
  }
}

/* x = a, directly where a long holds every int64. */
static void set_i64(mpz_t x, int64_t a) {
#if LONG_MAX >= INT64_MAX
  mpz_set_si(x, (long)a);
#else
  ml_mpz_set_i128(x, a);
#endif
}

/* sum += a * factor, with the ends chosen so that [sum_lo, sum_hi] keeps
 * containing the exact sum. */
static void accumulate(proof *pr, int64_t a, const interval *factor) {
  set_i64(pr->amount, a);
  mpz_addmul(pr->sum_lo, pr->amount, a > 0 ? factor->lo : factor->hi);
  mpz_addmul(pr->sum_hi, pr->amount, a > 0 ? factor->hi : factor->lo);
}

/* Moves pr->cur from z_period^previous to z_period^whole. */
static void advance_period_power(proof *pr, int32_t previous, int32_t whole,
                                 mp_bitcnt_t p) {
  if (whole == previous) return;
  if (whole > previous) {
    if (whole - previous == 1) {
      interval_mul(&pr->cur, &pr->z_period, p);
      return;
    }
    interval_pow(&pr->step, &pr->z_period, (uint32_t)(whole - previous),
                 &pr->base, p);
    interval_mul(&pr->cur, &pr->step, p);
    return;
  }
  interval_pow(&pr->cur, &pr->z_period, (uint32_t)whole, &pr->base, p);
}

/* -1 or 1 when the interval of f at precision p excludes 0, else 0. */
static int interval_sign(proof *pr, mp_bitcnt_t p) {
  const apr_equation *eq = pr->eq;
  root_bracket(&pr->z_period, pr, (unsigned long)eq->per_year, p);
  if (pr->uses_365) root_bracket(&pr->z_365, pr, 365, p);
  if (pr->uses_366) root_bracket(&pr->z_366, pr, 366, p);
  interval_one(&pr->cur, p);
  mpz_set_ui(pr->sum_lo, 0);
  mpz_set_ui(pr->sum_hi, 0);
  int32_t previous = 0;
  for (size_t i = 0; i < eq->count; i++) {
    const apr_term *t = &eq->terms[i];
    advance_period_power(pr, previous, t->whole, p);
    previous = t->whole;
    if (t->days == 0) {
      accumulate(pr, t->amount, &pr->cur);
      continue;
    }
    const interval *z = t->year_days == 366 ? &pr->z_366 : &pr->z_365;
    interval_pow(&pr->days, z, (uint32_t)t->days, &pr->base, p);
    interval_set(&pr->factor, &pr->cur);
    interval_mul(&pr->factor, &pr->days, p);
    accumulate(pr, t->amount, &pr->factor);
  }
  if (mpz_sgn(pr->sum_lo) > 0) return 1;
  if (mpz_sgn(pr->sum_hi) < 0) return -1;
  return 0;
}

/* ---- step 2: the exact zero test --------------------------------------- */

static int64_t lcm64(int64_t a, int64_t b) {
  return a / ml_gcd64(a, b) * b;
}

/* The largest divisor e of d such that u and v are perfect e-th powers;
 * their e-th roots in su, sv. */
static int64_t largest_common_power(mpz_t su, mpz_t sv, const proof *pr,
                                    int64_t d) {
  if (mpz_cmp_ui(pr->u, 1) == 0 && mpz_cmp_ui(pr->v, 1) == 0) {
    mpz_set_ui(su, 1);
    mpz_set_ui(sv, 1);
    return d; /* 1 + X = 1: y = 1 for every d */
  }
  size_t bits_u = mpz_sizeinbase(pr->u, 2), bits_v = mpz_sizeinbase(pr->v, 2);
  int64_t e = (int64_t)(bits_u > bits_v ? bits_u : bits_v);
  if (e > d) e = d;
  for (; e > 1; e--) {
    if (d % e == 0 && mpz_root(su, pr->u, (unsigned long)e) != 0 &&
        mpz_root(sv, pr->v, (unsigned long)e) != 0) {
      return e;
    }
  }
  mpz_set(su, pr->u);
  mpz_set(sv, pr->v);
  return 1;
}

/* A term of y^N f: its residue c mod m and its power c div m of s. */
typedef struct residue_term {
  int64_t residue;
  int64_t power;
  int64_t amount;
} residue_term;

static int compare_residue(const void *a, const void *b) {
  const residue_term *x = a, *y = b;
  if (x->residue != y->residue) return x->residue < y->residue ? -1 : 1;
  return 0;
}

/* The exponent n_i = t_i * d of each term. */
static int64_t exponent_of(const apr_term *t, int64_t per_year, int64_t d) {
  int64_t n = (int64_t)t->whole * (d / per_year);
  if (t->days > 0) n += (int64_t)t->days * (d / t->year_days);
  return n;
}

/* Whether the coefficient of every power of y in y^N f is zero, given the
 * terms sorted by residue. */
static int every_coefficient_zero(const residue_term *rt, size_t count,
                                  const mpz_t su, const mpz_t sv) {
  int64_t max_power = 0;
  for (size_t i = 0; i < count; i++) {
    if (rt[i].power > max_power) max_power = rt[i].power;
  }
  mpz_t sum, term, pw, amount;
  mpz_inits(sum, term, pw, amount, NULL);
  int zero = 1;
  for (size_t i = 0; i < count && zero; i++) {
    if (i == 0 || rt[i].residue != rt[i - 1].residue) mpz_set_ui(sum, 0);
    /* a * su^w * sv^(W - w): the coefficient times sv^W, an integer. */
    mpz_pow_ui(term, su, (unsigned long)rt[i].power);
    mpz_pow_ui(pw, sv, (unsigned long)(max_power - rt[i].power));
    mpz_mul(term, term, pw);
    ml_mpz_set_i128(amount, rt[i].amount);
    mpz_addmul(sum, term, amount);
    if (i + 1 == count || rt[i + 1].residue != rt[i].residue) {
      zero = mpz_sgn(sum) == 0;
    }
  }
  mpz_clears(sum, term, pw, amount, NULL);
  return zero;
}

/* *zero = 1 when f(X) is exactly 0. ML_ENOMEM when allocation fails. */
static ml_status exactly_zero(int *zero, const proof *pr) {
  const apr_equation *eq = pr->eq;
  int64_t d = eq->per_year;
  if (pr->uses_365) d = lcm64(d, 365);
  if (pr->uses_366) d = lcm64(d, 366);
  residue_term *rt = malloc(eq->count * sizeof *rt);
  if (rt == NULL) return ML_ENOMEM;
  int64_t top = 0;
  for (size_t i = 0; i < eq->count; i++) {
    int64_t n = exponent_of(&eq->terms[i], eq->per_year, d);
    if (n > top) top = n;
  }
  mpz_t su, sv;
  mpz_inits(su, sv, NULL);
  const int64_t m = d / largest_common_power(su, sv, pr, d);
  for (size_t i = 0; i < eq->count; i++) {
    int64_t c = top - exponent_of(&eq->terms[i], eq->per_year, d);
    rt[i] = (residue_term){c % m, c / m, eq->terms[i].amount};
  }
  qsort(rt, eq->count, sizeof *rt, compare_residue);
  *zero = every_coefficient_zero(rt, eq->count, su, sv);
  mpz_clears(su, sv, NULL);
  free(rt);
  return ML_OK;
}

/* ---- the oracle -------------------------------------------------------- */

ml_status ml_apr_sign_at(int *sign, int32_t *bits, const apr_equation *eq,
                      int64_t num, int64_t den) {
  ML_ASSERT(sign != NULL && bits != NULL && eq != NULL && eq->count > 0);
  ML_ASSERT(den > 0 && (ml_i128)num + den > 0);
  proof pr;
  proof_init(&pr, eq, num, den);
  ml_status st = ML_ELIMIT;
  int tested_zero = 0;
  for (mp_bitcnt_t p = 64; p <= APR_MAX_PROOF_BITS; p *= 2) {
    *bits = (int32_t)p;
    int s = interval_sign(&pr, p);
    if (s != 0) {
      *sign = s;
      st = ML_OK;
      break;
    }
    if (!tested_zero) {
      int zero = 0;
      tested_zero = 1;
      st = exactly_zero(&zero, &pr);
      if (st != ML_OK) break;
      st = ML_ELIMIT;
      if (zero) {
        *sign = 0;
        st = ML_OK;
        break;
      }
    }
  }
  proof_clear(&pr);
  return st;
}

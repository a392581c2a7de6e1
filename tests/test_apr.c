/*
 * tests/test_apr.c — the effective annual rate (Directive 2008/48/EC Annex
 * I) and XIRR: the time rule, the proven half-up digits, ties, loans from
 * terms, and every rejected input.
 *
 * Where the golden values come from (never from the code under test):
 *  - Directive 98/7/EC Annex III, the worked examples: 1000 lent on
 *    1 January 1994, 1200 repaid on 1 July 1995 (1 year and 181 days):
 *    13 % (12,96 % to two decimals); the same with 50 retained: 16.9 %;
 *    1000 lent, 600 + 600 repaid after one and two years: 13.1 %. The
 *    further decimals, and every other rate below marked "Python", come
 *    from a scratch script written for these tests: Python's decimal at 60
 *    digits, 200 bisection steps of sum a_i (1+X)^(-t_i), each t_i
 *    computed there with fractions and datetime from the Annex's wording;
 *    monthly annuity schedules there are computed with fractions from the
 *    formulas of schedule.h (like tests/test_cli.py does).
 *  - Excel's XIRR documentation example (-10000, 2750, 4250, 3250, 2750):
 *    Excel shows 0.373362535, the result of its approximate iteration;
 *    the exact root is 0.3733625335188... (Python), so the proven value to
 *    7 decimals of a percent is 37.3362534 and to 9 is 37.336253352.
 *  - Ties and exact rates are hand-made: 1000 -> 1129.50 after exactly one
 *    year is exactly 12.95 %; 1000 -> 1050 after six months is exactly
 *    1.05^2 - 1 = 10.25 %.
 *  - The randomised test checks the library's answer against the
 *    definition, with exact GMP integer comparisons written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

static ml_date day(const char *iso) {
  ml_date d;
  assert_int_equal(ml_date_parse(&d, iso, NULL), ML_OK);
  return d;
}

static void assert_units(const ml_apr_result *r, int64_t units,
                         int32_t decimals) {
  assert_int_equal(r->units, units);
  assert_int_equal(r->decimals, decimals);
}

static void assert_text(const ml_apr_result *r, const char *want) {
  char buf[ML_APR_FORMAT_SIZE];
  assert_int_equal(ml_apr_format(buf, sizeof buf, r), ML_OK);
  assert_string_equal(buf, want);
}

/* The rate of flows with basis at decimals, as text. */
static void assert_apr(const ml_flow *flows, size_t n, ml_apr_basis basis,
                       int32_t decimals, const char *want) {
  ml_apr_result r;
  ml_error err;
  ml_status st = ml_apr_of_flows(&r, flows, n, basis, decimals, &err);
  if (st != ML_OK) fail_msg("%s: %s", ml_status_name(st), err.message);
  assert_int_equal(r.decimals, decimals);
  assert_text(&r, want);
}

/* ---- the Annex III examples -------------------------------------------- */

static void annex_iii_first_example(void **state) {
  (void)state;
  const ml_flow flows[] = {{day("1994-01-01"), -100000},
                           {day("1995-07-01"), 120000}};
  /* Calendar basis: t = 1 + 181/365; 13 %, 12,96 % (the Annex), and
   * 12.962038 (Python: 12.96203770807...). */
  assert_apr(flows, 2, ML_APR_BASIS_YEARS, 1, "13.0");
  assert_apr(flows, 2, ML_APR_BASIS_YEARS, 2, "12.96");
  assert_apr(flows, 2, ML_APR_BASIS_YEARS, 6, "12.962038");
  /* 12 equal months: exactly 18 months, t = 1.5: 1.2^(2/3) - 1 =
   * 12.924... % (Python). */
  assert_apr(flows, 2, ML_APR_BASIS_MONTHS, 2, "12.92");
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 1, NULL), ML_OK);
  assert_units(&r, 130, 1);
  assert_int_equal(r.tie, 0);
  assert_int_equal(r.merged_flows, 0);
  assert_int_equal(r.dated_flows, 2);
  assert_int_equal(r.total_drawdowns, 100000);
  assert_int_equal(r.total_payable, 120000);
  assert_int_equal(r.total_cost, 20000);
}

static void annex_iii_fee_retained(void **state) {
  (void)state;
  /* 1000 agreed, 50 retained: 950 drawn, 1200 repaid. 16.9 % (the Annex;
   * Python: 16.90262065...). */
  const ml_flow net[] = {{day("1994-01-01"), -95000},
                         {day("1995-07-01"), 120000}};
  assert_apr(net, 2, ML_APR_BASIS_YEARS, 1, "16.9");
  assert_apr(net, 2, ML_APR_BASIS_YEARS, 6, "16.902621");
  /* The same as 1000 drawn and a 50 fee paid the same day: merged, and
   * the merge is reported. */
  const ml_flow gross[] = {{day("1995-07-01"), 120000},
                           {day("1994-01-01"), -100000},
                           {day("1994-01-01"), 5000}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, gross, 3, ML_APR_BASIS_YEARS, 1, NULL), ML_OK);
  assert_units(&r, 169, 1);
  assert_int_equal(r.merged_flows, 1);
  assert_int_equal(r.dated_flows, 2);
  assert_int_equal(r.total_drawdowns, 100000);
  assert_int_equal(r.total_payable, 125000);
  assert_int_equal(r.total_cost, 25000);
}

static void annex_iii_two_repayments(void **state) {
  (void)state;
  /* 1000 lent, 600 after one year, 600 after two: 13.1 % (the Annex);
   * 13.07 and 13.066239 (Python: 13.06623862918...). */
  const ml_flow flows[] = {{day("1994-01-01"), -100000},
                           {day("1995-01-01"), 60000},
                           {day("1996-01-01"), 60000}};
  assert_apr(flows, 3, ML_APR_BASIS_YEARS, 1, "13.1");
  assert_apr(flows, 3, ML_APR_BASIS_YEARS, 2, "13.07");
  assert_apr(flows, 3, ML_APR_BASIS_YEARS, 6, "13.066239");
  /* Whole years are whole months too. */
  assert_apr(flows, 3, ML_APR_BASIS_MONTHS, 6, "13.066239");
}

/* ---- XIRR -------------------------------------------------------------- */

static const ml_flow excel_xirr[] = {
    {13879, -1000000}, /* 2008-01-01 */
    {13939, 275000},   /* 2008-03-01 */
    {14182, 425000},   /* 2008-10-30 */
    {14290, 325000},   /* 2009-02-15 */
    {14335, 275000},   /* 2009-04-01 */
};

static void xirr_excel_example(void **state) {
  (void)state;
  assert_int_equal(excel_xirr[0].date, day("2008-01-01"));
  assert_int_equal(excel_xirr[4].date, day("2009-04-01"));
  ml_apr_result r;
  assert_int_equal(ml_xirr(&r, excel_xirr, 5, 7, NULL), ML_OK);
  assert_text(&r, "37.3362534");
  assert_int_equal(ml_xirr(&r, excel_xirr, 5, 9, NULL), ML_OK);
  assert_text(&r, "37.336253352");
  assert_int_equal(ml_xirr(&r, excel_xirr, 5, 1, NULL), ML_OK);
  assert_text(&r, "37.3");
  assert_int_equal(r.total_cost, 300000);
}

static void xirr_accepts_repayment_first(void **state) {
  (void)state;
  /* A deposit seen from the other side: +1000 then -1100 after 365 days:
   * (1+X)^1 = 1.1, X = 10 % exactly (hand). The APR refuses this order. */
  const ml_flow flows[] = {{day("2021-01-01"), 100000},
                           {day("2022-01-01"), -110000}};
  ml_apr_result r;
  assert_int_equal(ml_xirr(&r, flows, 2, 3, NULL), ML_OK);
  assert_text(&r, "10.000");
  assert_int_equal(r.tie, 0);
}

static void xirr_is_act_365(void **state) {
  (void)state;
  /* 2020 is a leap year: 2020-01-01 to 2021-01-01 is 366 days, t =
   * 366/365 in XIRR but exactly 1 year for the APR. -1000, +1100:
   * APR 10 % exactly; XIRR 1.1^(365/366) - 1 = 9.97135859... % (Python,
   * decimal at 40 digits). */
  const ml_flow flows[] = {{day("2020-01-01"), -100000},
                           {day("2021-01-01"), 110000}};
  assert_apr(flows, 2, ML_APR_BASIS_YEARS, 4, "10.0000");
  ml_apr_result r;
  assert_int_equal(ml_xirr(&r, flows, 2, 4, NULL), ML_OK);
  assert_text(&r, "9.9714");
}

/* ---- exact ties and refinement ----------------------------------------- */

static void tie_goes_half_up(void **state) {
  (void)state;
  ml_apr_result r;
  /* 10000 -> 11295 after exactly one year: X = 12.95 % exactly, on the
   * boundary between 12.9 and 13.0: half-up gives 13.0. */
  const ml_flow flows[] = {{day("2020-03-01"), -1000000},
                           {day("2021-03-01"), 1129500}};
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 1, NULL), ML_OK);
  assert_units(&r, 130, 1);
  assert_int_equal(r.tie, 1);
  /* Two decimals: 12.95 exactly, not a boundary. */
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 2, NULL), ML_OK);
  assert_units(&r, 1295, 2);
  assert_int_equal(r.tie, 0);
}

static void tie_with_fractional_time(void **state) {
  (void)state;
  /* 1000 -> 1050 after six months (t = 1/2): X = 1.05^2 - 1 = 10.25 %
   * exactly, a boundary at one decimal: 10.3. The proof must see that
   * (1.1025)^(1/12) makes f exactly 0 although it is irrational. */
  const ml_flow flows[] = {{day("2020-01-15"), -100000},
                           {day("2020-07-15"), 105000}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_MONTHS, 1, NULL), ML_OK);
  assert_units(&r, 103, 1);
  assert_int_equal(r.tie, 1);
}

static void tie_negative_goes_away_from_zero(void **state) {
  (void)state;
  /* 10000 -> 9495 after a year: X = -5.05 % exactly: -5.1. */
  const ml_flow flows[] = {{day("2020-01-01"), -1000000},
                           {day("2021-01-01"), 949500}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 1, NULL), ML_OK);
  assert_units(&r, -51, 1);
  assert_int_equal(r.tie, 1);
  assert_text(&r, "-5.1");
}

static void zero_rate_is_exact(void **state) {
  (void)state;
  const ml_flow flows[] = {{day("2020-01-01"), -100000},
                           {day("2020-05-01"), 50000},
                           {day("2020-09-01"), 50000}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 3, ML_APR_BASIS_MONTHS, 3, NULL), ML_OK);
  assert_units(&r, 0, 3);
  assert_text(&r, "0.000");
}

static void boundary_needs_refinement(void **state) {
  (void)state;
  /* One year, A = 1000000043373493 drawn, B = 1123456833728245 repaid:
   * r = B/A - 1 exactly. A was chosen (Python: A * 24691357 = 1 mod 2e8)
   * so that r lies 5e-9 / A below the boundary 12.3456785 %: f at that
   * boundary is about -5e-9 minor units against terms of 1e15, which
   * 64-bit brackets (width about 1e15 * 2^-62) cannot decide. Exact:
   * r * 10^8 = 12345678.49999999...: 12.345678. */
  const ml_flow flows[] = {{day("2020-01-01"), -1000000043373493},
                           {day("2021-01-01"), 1123456833728245}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 6, NULL), ML_OK);
  assert_units(&r, 12345678, 6);
  assert_int_equal(r.tie, 0);
  assert_true(r.proof_bits > 64);
  /* One minor unit more repaid crosses the boundary: 12.345679. */
  const ml_flow more[] = {{day("2020-01-01"), -1000000043373493},
                          {day("2021-01-01"), 1123456833728246}};
  assert_int_equal(
      ml_apr_of_flows(&r, more, 2, ML_APR_BASIS_YEARS, 6, NULL), ML_OK);
  assert_units(&r, 12345679, 6);
}

static void range_ends(void **state) {
  (void)state;
  ml_apr_result r;
  /* -10000 -> 101 after a year: -98.99 %, which is -99.0 at one decimal:
   * inside the range, in the outermost cell. */
  const ml_flow low[] = {{day("2020-01-01"), -1000000},
                         {day("2021-01-01"), 10100}};
  assert_int_equal(ml_apr_of_flows(&r, low, 2, ML_APR_BASIS_YEARS, 1, NULL),
                   ML_OK);
  assert_units(&r, -990, 1);
  /* -100 -> 10099.99 after a year: 9999.9999 %, 10000.0 at one decimal. */
  const ml_flow high[] = {{day("2020-01-01"), -10000},
                          {day("2021-01-01"), 1009999}};
  assert_int_equal(
      ml_apr_of_flows(&r, high, 2, ML_APR_BASIS_YEARS, 1, NULL), ML_OK);
  assert_units(&r, 100000, 1);
  assert_text(&r, "10000.0");
}

/* ---- the time rule ----------------------------------------------------- */

typedef struct time_case {
  const char *first, *d;
  ml_apr_basis basis;
  int64_t num, den;
} time_case;

/* Worked by hand from the rule in apr.h, and again in Python (datetime,
 * fractions) from the Annex's wording. */
static const time_case time_cases[] = {
    /* 98/7/EC Annex III: 365 + 181 days = 1 year + 181/365. */
    {"1994-01-01", "1995-07-01", ML_APR_BASIS_YEARS, 546, 365},
    {"1994-01-01", "1995-07-01", ML_APR_BASIS_MONTHS, 3, 2},
    /* Month-end: 31 Jan + 1 month = 28 Feb exactly; + 2 = 31 Mar. */
    {"2026-01-31", "2026-02-28", ML_APR_BASIS_MONTHS, 1, 12},
    {"2026-01-31", "2026-03-31", ML_APR_BASIS_MONTHS, 1, 6},
    {"2026-01-30", "2026-02-28", ML_APR_BASIS_MONTHS, 1, 12},
    /* 1 Mar - 1 month = 1 Feb >= 31 Jan: 1 month + 1 day; the year back
     * from 1 Feb 2026 has no 29 Feb: 1/12 + 1/365 = 377/4380. */
    {"2026-01-31", "2026-03-01", ML_APR_BASIS_MONTHS, 377, 4380},
    /* 30 Mar - 1 month = 28 Feb (clamped) >= 28 Feb: one month. */
    {"2026-02-28", "2026-03-30", ML_APR_BASIS_MONTHS, 1, 12},
    /* 29 Feb + 12 months = 28 Feb: one year. */
    {"2024-02-29", "2025-02-28", ML_APR_BASIS_YEARS, 1, 1},
    {"2023-03-01", "2024-03-01", ML_APR_BASIS_YEARS, 1, 1},
    /* Days only: 60 days ending 1 Mar 2024, whose year back holds
     * 29 Feb 2024: 60/366; 59 days in 2023: 59/365. */
    {"2024-01-01", "2024-03-01", ML_APR_BASIS_YEARS, 10, 61},
    {"2023-01-01", "2023-03-01", ML_APR_BASIS_YEARS, 59, 365},
    /* 263 days ending 28 Feb 2025: its year back (from 28 Feb 2024)
     * holds 29 Feb 2024: 263/366. */
    {"2024-06-10", "2025-02-28", ML_APR_BASIS_YEARS, 263, 366},
    /* Weeks: 2 weeks = 2/52; 2 weeks + 3 days = 2/52 + 3/365. */
    {"2026-01-01", "2026-01-15", ML_APR_BASIS_WEEKS, 1, 26},
    {"2026-01-01", "2026-01-18", ML_APR_BASIS_WEEKS, 443, 9490},
    /* 76 days = 10 weeks + 6 days, counted back: the days end on
     * 26 Dec 2023, year back without 29 Feb: 10/52 + 6/365. */
    {"2023-12-20", "2024-03-05", ML_APR_BASIS_WEEKS, 1981, 9490},
    {"2026-03-15", "2026-03-15", ML_APR_BASIS_MONTHS, 0, 1},
};

static void year_fractions(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof time_cases / sizeof time_cases[0]; i++) {
    const time_case *c = &time_cases[i];
    ml_fraction f;
    ml_error err;
    ml_status st = ml_apr_year_fraction(&f, day(c->first), day(c->d),
                                        c->basis, &err);
    if (st != ML_OK || f.num != c->num || f.den != c->den) {
      fail_msg("%s..%s %s: got %s %lld/%lld, want %lld/%lld", c->first,
               c->d, ml_apr_basis_name(c->basis), ml_status_name(st),
               (long long)f.num, (long long)f.den, (long long)c->num,
               (long long)c->den);
    }
  }
}

static void year_fraction_rejects(void **state) {
  (void)state;
  ml_fraction f;
  ml_error err;
  assert_int_equal(ml_apr_year_fraction(&f, day("2026-02-01"),
                                        day("2026-01-01"),
                                        ML_APR_BASIS_MONTHS, &err),
                   ML_EINVAL);
  assert_string_equal(err.field, "date");
  assert_non_null(strstr(err.message, "31 days before the first date"));
  assert_int_equal(ml_apr_year_fraction(&f, day("2026-02-01"),
                                        ML_DATE_MAX + 1, ML_APR_BASIS_MONTHS,
                                        &err),
                   ML_ERANGE);
  assert_string_equal(err.field, "date");
  assert_non_null(strstr(err.message, "date 84371 is outside"));
}

/* ---- more flows -------------------------------------------------------- */

static void two_drawdowns(void **state) {
  (void)state;
  /* Drawdowns on 10 Jan and 10 Mar 2025, repayments every six months
   * (Python: 11.3548 % on the years basis, t = 59/365, 243/365, ...;
   * 11.3501 % in months + days). */
  const ml_flow flows[] = {{day("2025-01-10"), -50000},
                           {day("2025-03-10"), -30000},
                           {day("2025-09-10"), 30000},
                           {day("2026-03-10"), 30000},
                           {day("2026-09-10"), 30000}};
  assert_apr(flows, 5, ML_APR_BASIS_YEARS, 4, "11.3548");
  assert_apr(flows, 5, ML_APR_BASIS_MONTHS, 4, "11.3501");
  assert_apr(flows, 5, ML_APR_BASIS_MONTHS, 1, "11.4");
}

/* xorshift64: a fixed-seed generator; the seed is printed on failure. */
static void order_does_not_matter(void **state) {
  (void)state;
  const uint64_t seed = UINT64_C(0x9E3779B97F4A7C15);
  uint64_t s = seed;
  ml_flow flows[5];
  memcpy(flows, excel_xirr, sizeof flows);
  for (int round = 0; round < 50; round++) {
    for (size_t i = 4; i > 0; i--) {
      size_t j = (size_t)(xorshift64(&s) % (i + 1));
      ml_flow t = flows[i];
      flows[i] = flows[j];
      flows[j] = t;
    }
    ml_apr_result r;
    assert_int_equal(ml_xirr(&r, flows, 5, 9, NULL), ML_OK);
    if (r.units != INT64_C(37336253352)) {
      fail_msg("seed %#llx round %d: %lld", (unsigned long long)seed, round,
               (long long)r.units);
    }
  }
}

static void duplicates_are_summed_and_counted(void **state) {
  (void)state;
  /* The first example with the repayment split in three on one date and
   * the drawdown in two: the same 13.0 %, 3 merges. */
  const ml_flow flows[] = {{day("1995-07-01"), 40000},
                           {day("1994-01-01"), -60000},
                           {day("1995-07-01"), 40000},
                           {day("1994-01-01"), -40000},
                           {day("1995-07-01"), 40000}};
  ml_apr_result r;
  assert_int_equal(
      ml_apr_of_flows(&r, flows, 5, ML_APR_BASIS_YEARS, 2, NULL), ML_OK);
  assert_units(&r, 1296, 2);
  assert_int_equal(r.merged_flows, 3);
  assert_int_equal(r.dated_flows, 2);
  /* A date whose flows cancel drops out (still counted as merged). */
  const ml_flow cancel[] = {{day("1994-01-01"), -100000},
                            {day("1994-06-01"), -7000},
                            {day("1994-06-01"), 7000},
                            {day("1995-07-01"), 120000}};
  assert_int_equal(
      ml_apr_of_flows(&r, cancel, 4, ML_APR_BASIS_YEARS, 2, NULL), ML_OK);
  assert_units(&r, 1296, 2);
  assert_int_equal(r.merged_flows, 1);
  assert_int_equal(r.dated_flows, 2);
  assert_int_equal(r.total_drawdowns, 107000);
  assert_int_equal(r.total_payable, 127000);
}

/* ---- loans from terms -------------------------------------------------- */

typedef struct terms_case {
  ml_amount principal;
  int64_t rate_coefficient;
  int32_t rate_scale;
  int32_t term;
  ml_amount upfront, monthly;
  ml_rounding rounding;
  const char *one, *two, *six; /* the rate at 1, 2 and 6 decimals */
  ml_amount payable;
} terms_case;

/* Monthly annuities from 2026-01-15; schedules and rates from Python
 * (fractions for the schedule, decimal bisection for the rate). */
static const terms_case terms_cases[] = {
    /* 250,000 SEK, 8.5 %, 36 months, fee 500, 25 a month. */
    {25000000, 85, 3, 36, 50000, 2500, ML_ROUND_HALF_EVEN, "9.2", "9.22",
     "9.220360", 28550786},
    /* 10,000 SEK, 12 %, 12 months, fee 300. */
    {1000000, 12, 2, 12, 30000, 0, ML_ROUND_HALF_EVEN, "19.4", "19.36",
     "19.355889", 1096186},
    /* 50,000 SEK interest-free, 50 a month: the fee alone costs 2.3 %. */
    {5000000, 0, 0, 24, 0, 5000, ML_ROUND_HALF_EVEN, "2.3", "2.31",
     "2.311432", 5120000},
    /* 100,000 SEK, 19.9 %, 60 months, fee 750, 45 a month, half-up. */
    {10000000, 199, 3, 60, 75000, 4500, ML_ROUND_HALF_UP, "23.2", "23.23",
     "23.225901", 16207954},
    /* 20,000 SEK, 5 %, 6 months, no fees: 12 * monthly rate compounded. */
    {2000000, 5, 2, 6, 0, 0, ML_ROUND_HALF_EVEN, "5.1", "5.12", "5.116235",
     2029268},
};

static void monthly_annuities_with_fees(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof terms_cases / sizeof terms_cases[0]; i++) {
    const terms_case *c = &terms_cases[i];
    ml_schedule_terms t;
    ml_schedule_terms_init(&t);
    t.principal = c->principal;
    t.annual_rate = (ml_rate){c->rate_coefficient, c->rate_scale};
    t.installments = c->term;
    t.disbursed = day("2026-01-15");
    t.upfront_fee = c->upfront;
    t.installment_fee = c->monthly;
    t.rounding = c->rounding;
    const char *want[] = {c->one, c->two, c->six};
    const int32_t decimals[] = {1, 2, 6};
    for (int k = 0; k < 3; k++) {
      ml_apr_result r;
      ml_error err;
      ml_status st = ml_apr_of_terms(&r, &t, decimals[k], &err);
      if (st != ML_OK) fail_msg("case %zu: %s", i, err.message);
      char buf[ML_APR_FORMAT_SIZE];
      assert_int_equal(ml_apr_format(buf, sizeof buf, &r), ML_OK);
      if (strcmp(buf, want[k]) != 0) {
        fail_msg("case %zu at %d decimals: %s, want %s", i, decimals[k], buf,
                 want[k]);
      }
      assert_int_equal(r.total_drawdowns, c->principal);
      assert_int_equal(r.total_payable, c->payable);
      assert_int_equal(r.total_cost, c->payable - c->principal);
      assert_int_equal(r.merged_flows, 0);
    }
  }
}

static void weekly_and_daily_terms(void **state) {
  (void)state;
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  ml_apr_result r;
  /* 5200.00 at 0 % in 4 weekly installments of 1300.00, 100.00 upfront:
   * 5100 drawn, t = k/52 (Python: 49.883 %). */
  t.principal = 520000;
  t.installments = 4;
  t.frequency = (ml_frequency){ML_FREQ_WEEKS, 1};
  t.disbursed = day("2026-01-05");
  t.upfront_fee = 10000;
  assert_int_equal(ml_apr_of_terms(&r, &t, 3, NULL), ML_OK);
  assert_text(&r, "49.883");
  assert_int_equal(r.total_payable, 530000);
  /* 3000.00 at 0 % every 30 days in 3, 10.00 each: t = 30k/365 (years +
   * days; Python: 6.245 %). */
  ml_schedule_terms_init(&t);
  t.principal = 300000;
  t.installments = 3;
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 30};
  t.disbursed = day("2026-01-10");
  t.installment_fee = 1000;
  assert_int_equal(ml_apr_of_terms(&r, &t, 3, NULL), ML_OK);
  assert_text(&r, "6.245");
}

static void terms_due_dates_merged_by_calendar(void **state) {
  (void)state;
  /* Daily installments moved to the preceding business day: Saturday's
   * and Sunday's fall on Friday. From Monday 2026-01-05, 14 days: rows on
   * 10 and 11 Jan go to 9 Jan, 17 and 18 Jan to 16 Jan: 4 merges. The
   * rate is that of the same flows given directly. */
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 1400000;
  t.annual_rate = (ml_rate){10, 2};
  t.installments = 14;
  t.frequency = (ml_frequency){ML_FREQ_DAYS, 1};
  t.disbursed = day("2026-01-05");
  t.calendar.kind = ML_CALENDAR_WEEKENDS;
  t.business_day = ML_BD_PRECEDING;
  ml_apr_result r, direct;
  assert_int_equal(ml_apr_of_terms(&r, &t, 4, NULL), ML_OK);
  assert_int_equal(r.merged_flows, 4);
  assert_int_equal(r.dated_flows, 11);
  ml_installment rows[15];
  size_t n;
  assert_int_equal(ml_schedule_compute(rows, 15, &n, &t, NULL), ML_OK);
  ml_flow flows[15];
  flows[0] = (ml_flow){t.disbursed, -t.principal};
  for (size_t i = 0; i < n; i++) {
    flows[i + 1] = (ml_flow){rows[i].due_date, rows[i].total};
  }
  assert_int_equal(ml_apr_of_flows(&direct, flows, n + 1, ML_APR_BASIS_YEARS,
                                   4, NULL),
                   ML_OK);
  assert_int_equal(r.units, direct.units);
}

/* ---- rejected input ---------------------------------------------------- */

static void expect_error(ml_status st, const ml_error *err, ml_status code,
                         const char *field, const char *text) {
  if (st != code || strcmp(err->field, field) != 0 ||
      strstr(err->message, text) == NULL) {
    fail_msg("got %s field \"%s\" \"%s\"; want %s field \"%s\" with \"%s\"",
             ml_status_name(st), err->field, err->message,
             ml_status_name(code), field, text);
  }
  assert_int_equal(err->code, code);
}

static void rejects_empty_and_too_many(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  expect_error(ml_apr_of_flows(&r, NULL, 0, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_EINVAL, "flows",
               "no flows; expected at least one drawdown (negative) and one "
               "repayment (positive)");
  expect_error(ml_xirr(&r, NULL, 0, 1, &err), &err, ML_EINVAL, "flows",
               "no flows");
  size_t n = ML_APR_MAX_FLOWS + 1;
  ml_flow *many = calloc(n, sizeof *many);
  assert_non_null(many);
  expect_error(ml_apr_of_flows(&r, many, n, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_ELIMIT, "flows",
               "100001 flows is above the limit of 100000");
  free(many);
}

static void rejects_dates_out_of_range(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow late[] = {{0, -100}, {ML_DATE_MAX + 1, 200}};
  expect_error(ml_apr_of_flows(&r, late, 2, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_ERANGE, "date",
               "flow 2: date 84371 (days since 1970-01-01) is outside the "
               "supported range 1900-01-01..2200-12-31");
  const ml_flow early[] = {{ML_DATE_MIN - 1, -100}, {0, 200}};
  expect_error(ml_xirr(&r, early, 2, 1, &err), &err, ML_ERANGE, "date",
               "flow 1: date -25568");
}

static void rejects_flows_without_sign_change(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow lent[] = {{0, -100}, {30, -200}};
  expect_error(ml_apr_of_flows(&r, lent, 2, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_EINVAL, "flows",
               "the flows never change sign: they are all drawdowns "
               "(negative), so no rate solves the equation");
  const ml_flow repaid[] = {{0, 100}, {30, 200}};
  expect_error(ml_xirr(&r, repaid, 2, 1, &err), &err, ML_EINVAL, "flows",
               "they are all repayments (positive)");
  const ml_flow zero[] = {{0, -100}, {0, 100}, {30, 0}};
  expect_error(ml_apr_of_flows(&r, zero, 3, ML_APR_BASIS_MONTHS, 1, &err),
               &err, ML_EINVAL, "flows", "they add up to 0 on every date");
}

static void rejects_several_sign_changes(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow flows[] = {{0, -100}, {30, 60}, {60, -50}, {90, 100}};
  expect_error(ml_apr_of_flows(&r, flows, 4, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_EINVAL, "flows",
               "the flows change sign 3 times in date order (a drawdown "
               "after a repayment)");
  expect_error(ml_xirr(&r, flows, 4, 1, &err), &err, ML_EINVAL, "flows",
               "change sign 3 times");
}

static void rejects_repayment_first_for_apr(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow flows[] = {{day("2021-01-01"), 100000},
                           {day("2022-01-01"), -110000}};
  expect_error(ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_EINVAL, "flows",
               "the first flow (2021-01-01) is a repayment");
}

static void rejects_rates_out_of_range(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  /* 1.00 lent, 1000.00 back a month later. */
  const ml_flow huge[] = {{day("2020-01-01"), -100},
                          {day("2020-02-01"), 100000}};
  expect_error(ml_apr_of_flows(&r, huge, 2, ML_APR_BASIS_MONTHS, 1, &err),
               &err, ML_ENOROOT, "flows",
               "the rate is 10000 % or more: the repayments are too large "
               "for the drawdowns; a rate is given only inside -99 % to "
               "10000 %");
  /* Exactly 10000 %: -100 -> 10100 after a year; the range is open. */
  const ml_flow edge_high[] = {{day("2020-01-01"), -10000},
                               {day("2021-01-01"), 1010000}};
  expect_error(
      ml_apr_of_flows(&r, edge_high, 2, ML_APR_BASIS_YEARS, 1, &err), &err,
      ML_ENOROOT, "flows", "the rate is 10000 % or more");
  /* Exactly -99 %: -10000 -> 100 after a year. */
  const ml_flow edge_low[] = {{day("2020-01-01"), -1000000},
                              {day("2021-01-01"), 10000}};
  expect_error(ml_apr_of_flows(&r, edge_low, 2, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_ENOROOT, "flows",
               "the rate is -99 % or less: the repayments are too small "
               "for the drawdowns");
  /* 1000.00 lent, 0.01 back after two years (731 days: XIRR t =
   * 731/365): 1e-5^(365/731) - 1 = -99.68 %. */
  const ml_flow tiny[] = {{day("2020-01-01"), -100000},
                          {day("2022-01-01"), 1}};
  expect_error(ml_xirr(&r, tiny, 2, 1, &err), &err, ML_ENOROOT, "flows",
               "-99 % or less");
}

static void rejects_decimals(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow flows[] = {{0, -100}, {365, 110}};
  expect_error(ml_apr_of_flows(&r, flows, 2, ML_APR_BASIS_YEARS, 0, &err),
               &err, ML_EINVAL, "decimals",
               "0 decimals: the rate is given with at least 1 decimal "
               "(Directive 2008/48/EC Annex I remark (d)); expected 1 to 9");
  expect_error(ml_xirr(&r, flows, 2, -1, &err), &err, ML_EINVAL, "decimals",
               "-1 decimals");
  expect_error(ml_xirr(&r, flows, 2, 10, &err), &err, ML_ELIMIT, "decimals",
               "10 decimals is above the limit of 9");
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  expect_error(ml_apr_of_terms(&r, &t, 10, &err), &err, ML_ELIMIT,
               "decimals", "10 decimals is above the limit of 9");
}

static void rejects_overflowing_sums(void **state) {
  (void)state;
  ml_apr_result r;
  ml_error err;
  const ml_flow lent[] = {{0, -INT64_MAX}, {1, -2}, {30, 5}};
  expect_error(ml_apr_of_flows(&r, lent, 3, ML_APR_BASIS_YEARS, 1, &err),
               &err, ML_EOVERFLOW, "amount",
               "the drawdowns add up to more than the int64 range of minor "
               "units (flow 2)");
  const ml_flow paid[] = {{0, -5}, {1, INT64_MAX}, {30, 1}};
  expect_error(ml_xirr(&r, paid, 3, 1, &err), &err, ML_EOVERFLOW, "amount",
               "the repayments add up to more than the int64 range of minor "
               "units (flow 3)");
  const ml_flow min[] = {{0, INT64_MIN}, {30, 1}};
  expect_error(ml_xirr(&r, min, 2, 1, &err), &err, ML_EOVERFLOW, "amount",
               "the drawdowns add up");
}

static void rejects_bad_terms(void **state) {
  (void)state;
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 0;
  t.installments = 12;
  t.disbursed = day("2026-01-15");
  ml_apr_result r;
  ml_error err;
  ml_status st = ml_apr_of_terms(&r, &t, 1, &err);
  assert_int_equal(st, ML_EINVAL);
  assert_string_equal(err.field, "principal"); /* the schedule's message */
  /* A fee of the whole principal, or more, leaves nothing drawn: the
   * error names the fee, not the flows the caller never gave. */
  t.principal = 100000;
  t.upfront_fee = 100000;
  expect_error(ml_apr_of_terms(&r, &t, 1, &err), &err, ML_EINVAL,
               "upfront-fee",
               "upfront-fee: the upfront fee 1000.00 SEK is not below the "
               "principal 1000.00 SEK: nothing is lent, so no rate exists");
  t.upfront_fee = 100001;
  expect_error(ml_apr_of_terms(&r, &t, 1, &err), &err, ML_EINVAL,
               "upfront-fee", "upfront-fee: the upfront fee 1000.01 SEK is");
  t.upfront_fee = 99999; /* one öre drawn: a rate too large, not this */
  assert_int_equal(ml_apr_of_terms(&r, &t, 1, &err), ML_ENOROOT);
}

static void basis_names_and_parse(void **state) {
  (void)state;
  const char *names[] = {"years", "months", "weeks"};
  for (int i = 0; i < 3; i++) {
    ml_apr_basis b;
    assert_string_equal(ml_apr_basis_name((ml_apr_basis)i), names[i]);
    assert_int_equal(ml_apr_basis_parse(&b, names[i], NULL), ML_OK);
    assert_int_equal(b, i);
  }
  assert_null(ml_apr_basis_name((ml_apr_basis)3));
  ml_apr_basis b;
  ml_error err;
  expect_error(ml_apr_basis_parse(&b, "Months", &err), &err, ML_EINVAL,
               "basis",
               "unknown basis \"Months\": expected one of years, months, "
               "weeks");
  expect_error(ml_apr_basis_parse(&b, "", &err), &err, ML_EINVAL, "basis",
               "unknown basis \"\"");
}

static void format_values_and_buffer(void **state) {
  (void)state;
  ml_apr_result r = {0};
  char buf[ML_APR_FORMAT_SIZE];
  r = (ml_apr_result){.units = 5, .decimals = 3};
  assert_int_equal(ml_apr_format(buf, sizeof buf, &r), ML_OK);
  assert_string_equal(buf, "0.005");
  r = (ml_apr_result){.units = -5, .decimals = 1};
  assert_int_equal(ml_apr_format(buf, sizeof buf, &r), ML_OK);
  assert_string_equal(buf, "-0.5");
  /* The widest: -99 % and 10,000 % with 9 decimals. */
  r = (ml_apr_result){.units = INT64_C(-99000000000), .decimals = 9};
  assert_int_equal(ml_apr_format(buf, sizeof buf, &r), ML_OK);
  assert_string_equal(buf, "-99.000000000");
  r = (ml_apr_result){.units = INT64_C(10000000000000), .decimals = 9};
  assert_int_equal(ml_apr_format(buf, sizeof buf, &r), ML_OK);
  assert_string_equal(buf, "10000.000000000");
  assert_int_equal(ml_apr_format(buf, 15, &r), ML_EBUFFER);
  assert_string_equal(buf, "");
  assert_int_equal(ml_apr_format(buf, 16, &r), ML_OK);
}

/* ---- randomised: the answer against the definition --------------------- */

enum { RANDOM_CASES = 300 };

/* sign of (A * (2U + s)^k) ... compared as B^P (2U)^k vs A^P (2U + s)^k:
 * the sign of (B/A)^P - (1 + s/(2U))^k. */
static int compare_power(int64_t a, int64_t b, int64_t per, int64_t k,
                         int64_t two_u, int64_t s) {
  mpz_t left, right, tmp;
  mpz_inits(left, right, tmp, NULL);
  mpz_set_si(left, b);
  mpz_pow_ui(left, left, (unsigned long)per);
  mpz_set_si(tmp, two_u);
  mpz_pow_ui(tmp, tmp, (unsigned long)k);
  mpz_mul(left, left, tmp);
  mpz_set_si(right, a);
  mpz_pow_ui(right, right, (unsigned long)per);
  mpz_set_si(tmp, two_u + s);
  mpz_pow_ui(tmp, tmp, (unsigned long)k);
  mpz_mul(right, right, tmp);
  int c = mpz_cmp(left, right);
  mpz_clears(left, right, tmp, NULL);
  return (c > 0) - (c < 0);
}

/* Checks the library's answer for -a at t = 0, +b at t = k/per against the
 * half-up definition, exactly. */
static void check_two_flows(uint64_t seed, int i, int64_t a, int64_t b,
                            int64_t per, int64_t k, int32_t decimals,
                            ml_status st, const ml_apr_result *r) {
  int64_t two_u = 2;
  for (int32_t j = 0; j < decimals + 2; j++) two_u *= 10;
  if (st == ML_ENOROOT) {
    /* r >= 100 or r <= -0.99: (B/A)^P >= 101^k or <= (1/100)^k. */
    int above = compare_power(a, b, per, k, two_u, 200 * two_u / 2) >= 0;
    int below = compare_power(a, b, per, k, two_u, -99 * two_u / 100) <= 0;
    if (!above && !below) {
      fail_msg("seed %#llx case %d: ENOROOT for %lld -> %lld over %lld/%lld",
               (unsigned long long)seed, i, (long long)a, (long long)b,
               (long long)k, (long long)per);
    }
    return;
  }
  if (st != ML_OK) fail_msg("seed %#llx case %d: %s", (unsigned long long)seed,
                            i, ml_status_name(st));
  /* units R >= 0: (1 + (2R-1)/2U)^k <= (B/A)^P < (1 + (2R+1)/2U)^k, the
   * left only when R > 0 (and strict when R = 0); R < 0 mirrored. */
  const int64_t R = r->units;
  const int64_t m = R >= 0 ? R : -R;
  const int dir = R > 0 ? 1 : (R < 0 ? -1 : 0);
  int ok;
  if (dir > 0) {
    int lower = compare_power(a, b, per, k, two_u, 2 * m - 1);
    int upper = compare_power(a, b, per, k, two_u, 2 * m + 1);
    ok = lower >= 0 && upper < 0 && r->tie == (lower == 0);
  } else if (dir < 0) {
    int lower = compare_power(a, b, per, k, two_u, -(2 * m + 1));
    int upper = compare_power(a, b, per, k, two_u, -(2 * m - 1));
    ok = lower > 0 && upper <= 0 && r->tie == (upper == 0);
  } else {
    ok = compare_power(a, b, per, k, two_u, -1) > 0 &&
         compare_power(a, b, per, k, two_u, 1) < 0 && r->tie == 0;
  }
  if (!ok) {
    fail_msg("seed %#llx case %d: %lld -> %lld over %lld/%lld years at %d "
             "decimals gave %lld (tie %d)",
             (unsigned long long)seed, i, (long long)a, (long long)b,
             (long long)k, (long long)per, decimals, (long long)R, r->tie);
  }
}

static int64_t random_in(uint64_t *s, int64_t lo, int64_t hi) {
  return lo + (int64_t)(xorshift64(s) % (uint64_t)(hi - lo + 1));
}

static void random_two_flows_against_definition(void **state) {
  (void)state;
  const uint64_t seed = UINT64_C(0xA0761D6478BD642F);
  uint64_t s = seed;
  const ml_date first = day("2001-01-31");
  for (int i = 0; i < RANDOM_CASES; i++) {
    const int monthly = i % 2 == 0;
    const int64_t per = monthly ? 12 : 1;
    const int64_t k = monthly ? random_in(&s, 1, 120) : random_in(&s, 1, 30);
    const int32_t decimals = (int32_t)random_in(&s, 1, 9);
    int64_t a = random_in(&s, 1, 1000000000000);
    int64_t b = a + random_in(&s, -a + 1, 3 * a);
    int64_t periods = k;
    if (i % 10 == 9 && !monthly) {
      /* An exact tie after one year: b/a = 1 + (2R+1)/(2U). */
      int64_t two_u = 2;
      for (int32_t j = 0; j < decimals + 2; j++) two_u *= 10;
      int64_t m = random_in(&s, 1, 1000);
      int64_t R = random_in(&s, 0, two_u / 2);
      a = two_u * m;
      b = (two_u + 2 * R + 1) * m;
      periods = 1;
    }
    ml_date due;
    assert_int_equal(
        ml_date_add_months(&due, first, periods * (monthly ? 1 : 12)),
        ML_OK);
    const ml_flow flows[] = {{first, -a}, {due, b}};
    ml_apr_result r;
    ml_status st = ml_apr_of_flows(
        &r, flows, 2, monthly ? ML_APR_BASIS_MONTHS : ML_APR_BASIS_YEARS,
        decimals, NULL);
    check_two_flows(seed, i, a, b, per, periods, decimals, st, &r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(annex_iii_first_example),
      cmocka_unit_test(annex_iii_fee_retained),
      cmocka_unit_test(annex_iii_two_repayments),
      cmocka_unit_test(xirr_excel_example),
      cmocka_unit_test(xirr_accepts_repayment_first),
      cmocka_unit_test(xirr_is_act_365),
      cmocka_unit_test(tie_goes_half_up),
      cmocka_unit_test(tie_with_fractional_time),
      cmocka_unit_test(tie_negative_goes_away_from_zero),
      cmocka_unit_test(zero_rate_is_exact),
      cmocka_unit_test(boundary_needs_refinement),
      cmocka_unit_test(range_ends),
      cmocka_unit_test(year_fractions),
      cmocka_unit_test(year_fraction_rejects),
      cmocka_unit_test(two_drawdowns),
      cmocka_unit_test(order_does_not_matter),
      cmocka_unit_test(duplicates_are_summed_and_counted),
      cmocka_unit_test(monthly_annuities_with_fees),
      cmocka_unit_test(weekly_and_daily_terms),
      cmocka_unit_test(terms_due_dates_merged_by_calendar),
      cmocka_unit_test(rejects_empty_and_too_many),
      cmocka_unit_test(rejects_dates_out_of_range),
      cmocka_unit_test(rejects_flows_without_sign_change),
      cmocka_unit_test(rejects_several_sign_changes),
      cmocka_unit_test(rejects_repayment_first_for_apr),
      cmocka_unit_test(rejects_rates_out_of_range),
      cmocka_unit_test(rejects_decimals),
      cmocka_unit_test(rejects_overflowing_sums),
      cmocka_unit_test(rejects_bad_terms),
      cmocka_unit_test(basis_names_and_parse),
      cmocka_unit_test(format_values_and_buffer),
      cmocka_unit_test(random_two_flows_against_definition),
  };
  return cmocka_run_group_tests_name("apr", tests, NULL, NULL);
}

/* tests/test_date.c — dates, day counts, calendars, business-day
 * conventions.
 *
 * Golden values and where they come from:
 *   [PY]   computed separately with Python 3.11 datetime / fractions (the
 *          script is described next to each use: day numbers are
 *          (date(y,m,d) - date(1970,1,1)).days, weekdays date.isoweekday()).
 *   [DU]   python-dateutil's dateutil.easter.easter(y) (its own
 *          implementation of the Gregorian computus).
 *   [PUB]  published tables: Easter Sunday dates (e.g. the "List of dates
 *          for Easter" tables), the Swedish public-holiday list for 2026
 *          (Lag (1989:253) om allmänna helgdagar as applied to 2026), and
 *          ISDA's educational spreadsheet 30-360-2006ISDADefs.xls for the
 *          2006 ISDA Definitions 4.16 (f), (g), (h).
 *   [HAND] worked out by hand in the comment next to the value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mikrolan.h"
#include "plain_parse.h"

/* ---- helpers -------------------------------------------------------------- */

static ml_date ymd(int y, int m, int d) {
  ml_date out = 0;
  assert_int_equal(ml_date_from_civil(&out, y, m, d, NULL), ML_OK);
  return out;
}

static void assert_civil(ml_date d, int y, int m, int day) {
  int gy, gm, gd;
  ml_date_to_civil(d, &gy, &gm, &gd);
  assert_int_equal(gy, y);
  assert_int_equal(gm, m);
  assert_int_equal(gd, day);
}

/* The test's own Gregorian rules, written from the definition, so that the
 * walk below does not rely on the library. */
static int ref_is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int ref_days_in_month(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ref_is_leap(y) ? 29 : days[m - 1];
}

static int64_t ref_gcd(int64_t a, int64_t b) {
  while (b != 0) {
    const int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void assert_fraction(ml_fraction f, int64_t num, int64_t den) {
  assert_int_equal(f.num, num);
  assert_int_equal(f.den, den);
}

/* num/den reduced by the test itself, for tables given as day counts. */
static void assert_fraction_of(ml_fraction f, int64_t num, int64_t den) {
  const int64_t g = num == 0 ? den : ref_gcd(num, den);
  assert_fraction(f, num / g, den / g);
}

/* xorshift64: a small deterministic generator; the seed is printed on a
 * failure so that the case can be replayed. */
typedef struct rng {
  uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
  uint64_t x = r->state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  r->state = x;
  return x;
}

/* Uniform enough in lo..hi for tests (hi - lo is small). */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static const uint64_t SEED = 0x5eed0da7e2026ULL;

static ml_error fresh_error(void) {
  ml_error e;
  ml_error_clear(&e);
  return e;
}

/* ---- civil conversion ----------------------------------------------------- */

static void test_known_day_numbers(void **state) {
  (void)state;
  /* [PY] (date(y,m,d) - date(1970,1,1)).days */
  assert_int_equal(ymd(1970, 1, 1), 0);
  assert_int_equal(ymd(1969, 12, 31), -1);
  assert_int_equal(ymd(1900, 1, 1), -25567);
  assert_int_equal(ymd(1900, 1, 1), ML_DATE_MIN);
  assert_int_equal(ymd(2200, 12, 31), 84370);
  assert_int_equal(ymd(2200, 12, 31), ML_DATE_MAX);
  assert_int_equal(ymd(2000, 2, 29), 11016);
  assert_int_equal(ymd(2024, 2, 29), 19782);
  assert_int_equal(ymd(2026, 1, 1), 20454);
  assert_int_equal(ymd(2026, 4, 3), 20546);
  assert_int_equal(ymd(2026, 12, 31), 20818);
  assert_civil(20546, 2026, 4, 3);
  assert_civil(-25567, 1900, 1, 1);
  assert_civil(84370, 2200, 12, 31);
}

static void test_to_civil_accepts_null_pointers(void **state) {
  (void)state;
  int y = 0, m = 0, d = 0;
  ml_date_to_civil(20546, &y, NULL, NULL);
  ml_date_to_civil(20546, NULL, &m, NULL);
  ml_date_to_civil(20546, NULL, NULL, &d);
  ml_date_to_civil(20546, NULL, NULL, NULL);
  assert_int_equal(y, 2026);
  assert_int_equal(m, 4);
  assert_int_equal(d, 3);
}

/* Every date of 1900..2200, walked one day at a time with the test's own
 * calendar rules: to_civil, from_civil, weekday, format and parse must all
 * agree with the walk. 1900-01-01 is a Monday [PY isoweekday() == 1]. */
static void test_every_date_in_range(void **state) {
  (void)state;
  int y = 1900, m = 1, day = 1, weekday = 1;
  for (ml_date d = ML_DATE_MIN; d <= ML_DATE_MAX; d++) {
    assert_civil(d, y, m, day);
    assert_int_equal(ymd(y, m, day), d);
    assert_int_equal(ml_date_weekday(d), weekday);

    char text[ML_DATE_FORMAT_SIZE], want[48];
    snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, day);
    assert_int_equal(ml_date_format(text, sizeof text, d), ML_OK);
    assert_string_equal(text, want);
    ml_date back = 0;
    assert_int_equal(ml_date_parse(&back, text, NULL), ML_OK);
    assert_int_equal(back, d);

    weekday = weekday % 7 + 1;
    if (++day > ref_days_in_month(y, m)) {
      day = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  assert_int_equal(y, 2201); /* the walk ended exactly after 2200-12-31 */
}

/* Random civil triples: valid ones round-trip, invalid ones are ML_ERANGE. */
static void test_random_civil_round_trip(void **state) {
  (void)state;
  rng r = {SEED};
  for (int i = 0; i < 200000; i++) {
    const int y = (int)rng_range(&r, 1890, 2210);
    const int m = (int)rng_range(&r, 0, 13);
    const int d = (int)rng_range(&r, 0, 32);
    const int valid = y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
                      d <= ref_days_in_month(y, m);
    ml_date out = 12345;
    const ml_status s = ml_date_from_civil(&out, y, m, d, NULL);
    if (s != (valid ? ML_OK : ML_ERANGE)) {
      print_message("seed %llu iteration %d: %d-%d-%d\n",
                    (unsigned long long)SEED, i, y, m, d);
    }
    assert_int_equal(s, valid ? ML_OK : ML_ERANGE);
    if (!valid) {
      assert_int_equal(out, 12345); /* untouched */
      continue;
    }
    int gy, gm, gd;
    ml_date_to_civil(out, &gy, &gm, &gd);
    if (gy != y || gm != m || gd != d) {
      print_message("seed %llu iteration %d: %d-%d-%d\n",
                    (unsigned long long)SEED, i, y, m, d);
    }
    assert_int_equal(gy, y);
    assert_int_equal(gm, m);
    assert_int_equal(gd, d);
  }
}

static void test_leap_years_and_month_lengths(void **state) {
  (void)state;
  /* [HAND] Gregorian rule: divisible by 4, except centuries not by 400. */
  assert_int_equal(ml_date_is_leap_year(1900), 0);
  assert_int_equal(ml_date_is_leap_year(2000), 1);
  assert_int_equal(ml_date_is_leap_year(2024), 1);
  assert_int_equal(ml_date_is_leap_year(2026), 0);
  assert_int_equal(ml_date_is_leap_year(2100), 0);
  assert_int_equal(ml_date_is_leap_year(2200), 0);
  assert_int_equal(ml_date_is_leap_year(2400), 1);
  static const int days_2026[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; m++) {
    assert_int_equal(ml_date_days_in_month(2026, m), days_2026[m - 1]);
    assert_int_equal(ml_date_days_in_month(2024, m),
                     m == 2 ? 29 : days_2026[m - 1]);
  }
  assert_int_equal(ml_date_days_in_month(1900, 2), 28);
  assert_int_equal(ml_date_days_in_month(2000, 2), 29);
}

typedef struct civil_reject {
  int y, m, d;
  const char *message;
} civil_reject;

static void test_from_civil_rejects(void **state) {
  (void)state;
  static const civil_reject cases[] = {
      {2026, 2, 29,
       "year 2026, month 2, day 29 is not a supported date: day 29 does not "
       "exist in 2026-02, which has 28 days"},
      {2026, 13, 1,
       "year 2026, month 13, day 1 is not a supported date: month 13 is not "
       "1..12"},
      {2026, 0, 1,
       "year 2026, month 0, day 1 is not a supported date: month 0 is not "
       "1..12"},
      {2026, 4, 31,
       "year 2026, month 4, day 31 is not a supported date: day 31 does not "
       "exist in 2026-04, which has 30 days"},
      {2026, 1, 0,
       "year 2026, month 1, day 0 is not a supported date: day 0 does not "
       "exist in 2026-01, which has 31 days"},
      {1899, 12, 31,
       "year 1899, month 12, day 31 is not a supported date: year 1899 is "
       "outside the supported years 1900..2200"},
      {2201, 1, 1,
       "year 2201, month 1, day 1 is not a supported date: year 2201 is "
       "outside the supported years 1900..2200"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_error err = fresh_error();
    ml_date out = 777;
    assert_int_equal(
        ml_date_from_civil(&out, cases[i].y, cases[i].m, cases[i].d, &err),
        ML_ERANGE);
    assert_int_equal(out, 777);
    assert_int_equal(err.code, ML_ERANGE);
    assert_string_equal(err.field, "date");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 0);
    assert_string_equal(err.message, cases[i].message);
  }
  /* Boundaries are accepted; the err record is left untouched on success. */
  ml_error err = fresh_error();
  ml_date out = 0;
  assert_int_equal(ml_date_from_civil(&out, 2024, 2, 29, &err), ML_OK);
  assert_int_equal(err.code, ML_OK);
  assert_string_equal(err.message, "");
}

/* ---- ISO text --------------------------------------------------------------- */

static void test_parse_accepts(void **state) {
  (void)state;
  ml_date d = 0;
  assert_int_equal(ml_date_parse(&d, "2026-04-05", NULL), ML_OK);
  assert_int_equal(d, ymd(2026, 4, 5));
  assert_int_equal(ml_date_parse(&d, "1900-01-01", NULL), ML_OK);
  assert_int_equal(d, ML_DATE_MIN);
  assert_int_equal(ml_date_parse(&d, "2200-12-31", NULL), ML_OK);
  assert_int_equal(d, ML_DATE_MAX);
  assert_int_equal(ml_date_parse(&d, "2024-02-29", NULL), ML_OK);
  assert_int_equal(d, 19782); /* [PY] */
}

typedef struct parse_reject {
  const char *text;
  ml_status status;
  long column;
  const char *message;
} parse_reject;

static void test_parse_rejects(void **state) {
  (void)state;
  static const parse_reject cases[] = {
      {"2026-02-29", ML_ERANGE, 9,
       "date \"2026-02-29\" is not a supported date: day 29 does not exist in "
       "2026-02, which has 28 days"},
      {"2026-13-01", ML_ERANGE, 6,
       "date \"2026-13-01\" is not a supported date: month 13 is not 1..12"},
      {"2026-00-10", ML_ERANGE, 6,
       "date \"2026-00-10\" is not a supported date: month 0 is not 1..12"},
      {"2026-04-31", ML_ERANGE, 9,
       "date \"2026-04-31\" is not a supported date: day 31 does not exist in "
       "2026-04, which has 30 days"},
      {"2026-04-00", ML_ERANGE, 9,
       "date \"2026-04-00\" is not a supported date: day 0 does not exist in "
       "2026-04, which has 30 days"},
      {"1899-12-31", ML_ERANGE, 1,
       "date \"1899-12-31\" is not a supported date: year 1899 is outside the "
       "supported years 1900..2200"},
      {"2201-01-01", ML_ERANGE, 1,
       "date \"2201-01-01\" is not a supported date: year 2201 is outside the "
       "supported years 1900..2200"},
      {"2026-1-5", ML_EPARSE, 7,
       "date \"2026-1-5\" is not in the form YYYY-MM-DD: expected a digit at "
       "column 7, found '-'"},
      {"", ML_EPARSE, 1,
       "date \"\" is not in the form YYYY-MM-DD: expected a digit at column 1, "
       "found the end of the text"},
      {"2026-01-01x", ML_EPARSE, 11,
       "date \"2026-01-01x\" is not in the form YYYY-MM-DD: unexpected text "
       "after column 10"},
      {" 2026-01-01", ML_EPARSE, 1,
       "date \" 2026-01-01\" is not in the form YYYY-MM-DD: expected a digit "
       "at column 1, found ' '"},
      {"2026/01/01", ML_EPARSE, 5,
       "date \"2026/01/01\" is not in the form YYYY-MM-DD: expected '-' at "
       "column 5, found '/'"},
      {"2026-01-0", ML_EPARSE, 10,
       "date \"2026-01-0\" is not in the form YYYY-MM-DD: expected a digit at "
       "column 10, found the end of the text"},
      {"20260101", ML_EPARSE, 5,
       "date \"20260101\" is not in the form YYYY-MM-DD: expected '-' at "
       "column 5, found '0'"},
      {"2026-01-01T00:00", ML_EPARSE, 11,
       "date \"2026-01-01T00:00\" is not in the form YYYY-MM-DD: unexpected "
       "text after column 10"},
      {"+026-01-01", ML_EPARSE, 1,
       "date \"+026-01-01\" is not in the form YYYY-MM-DD: expected a digit at "
       "column 1, found '+'"},
      {"2026-01-01\n", ML_EPARSE, 11,
       "date \"2026-01-01\n\" is not in the form YYYY-MM-DD: unexpected text "
       "after column 10"},
      {"2026-\xc3\xa5-01", ML_EPARSE, 6,
       "date \"2026-\xc3\xa5-01\" is not in the form YYYY-MM-DD: expected a "
       "digit at column 6, found byte 0xc3"},
      /* Longer than 40 bytes: the quote is cut with "..." (ml_quote_input). */
      {"2026-01-01 and then a great deal of trailing text", ML_EPARSE, 11,
       "date \"2026-01-01 and then a great deal of trai...\" is not in the "
       "form YYYY-MM-DD: unexpected text after column 10"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_error err = fresh_error();
    ml_date out = 777;
    const ml_status s = ml_date_parse(&out, cases[i].text, &err);
    if (s != cases[i].status) print_message("input: \"%s\"\n", cases[i].text);
    assert_int_equal(s, cases[i].status);
    assert_int_equal(out, 777);
    assert_int_equal(err.code, cases[i].status);
    assert_string_equal(err.field, "date");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, cases[i].column);
    assert_string_equal(err.message, cases[i].message);
    /* Without an error record the status is the same. */
    assert_int_equal(ml_date_parse(&out, cases[i].text, NULL), cases[i].status);
  }
}

/* ---- the readers' fast path (lib/plain_parse.h) ------------------------- */

/* ml_date_parse_plain gives ml_date_parse's verdict and day on text. */
static void expect_plain_agrees(const char *text) {
  ml_date general = 0, plain = 0;
  const ml_status st = ml_date_parse(&general, text, NULL);
  const int ok = ml_date_parse_plain(&plain, text, strlen(text));
  if (ok != (st == ML_OK)) {
    fail_msg("\"%s\": the fast path says %d, ml_date_parse %d", text, ok,
             (int)st);
  }
  if (ok) assert_int_equal(plain, general);
}

/* The test's own verdict on text: "YYYY-MM-DD" in ASCII digits, a
 * supported year, a month 1..12 and a day of that month. */
static int own_verdict(const char *text) {
  if (strlen(text) != 10) return 0;
  int v[3] = {0, 0, 0}, field = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (text[i] != '-') return 0;
      field++;
    } else if (text[i] >= '0' && text[i] <= '9') {
      v[field] = v[field] * 10 + (text[i] - '0');
    } else {
      return 0;
    }
  }
  return v[0] >= ML_DATE_MIN_YEAR && v[0] <= ML_DATE_MAX_YEAR && v[1] >= 1 &&
         v[1] <= 12 && v[2] >= 1 && v[2] <= ref_days_in_month(v[0], v[1]);
}

static void test_plain_parse_every_day(void **state) {
  (void)state;
  /* Every supported day, written by the test's own rules (not by
   * ml_date_format), reads back as its day number. */
  ml_date d = ML_DATE_MIN;
  for (int y = ML_DATE_MIN_YEAR; y <= ML_DATE_MAX_YEAR; y++) {
    for (int m = 1; m <= 12; m++) {
      for (int day = 1; day <= ref_days_in_month(y, m); day++, d++) {
        char text[32];
        snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, day);
        ml_date got = 0;
        assert_true(ml_date_parse_plain(&got, text, 10));
        assert_int_equal(got, d);
      }
    }
  }
  assert_int_equal(d, ML_DATE_MAX + 1);
}

static void test_plain_parse_agrees_on_bad_dates(void **state) {
  (void)state;
  /* Every year at and beyond a limit or a leap-year rule, with every
   * month 0..13 and day 0..32. */
  static const int years[] = {0,    1899, 1900, 1999, 2000, 2023,
                              2024, 2100, 2199, 2200, 2201, 9999};
  char text[32];
  for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
    for (int m = 0; m <= 13; m++) {
      for (int day = 0; day <= 32; day++) {
        snprintf(text, sizeof text, "%04d-%02d-%02d", years[i], m, day);
        expect_plain_agrees(text);
        /* and the verdict is the test's own, not only the general path's
         * (which tries the fast path first) */
        ml_date got = 0;
        assert_int_equal(ml_date_parse_plain(&got, text, 10),
                         own_verdict(text));
      }
    }
  }
  /* Each byte of a few dates replaced, cut off or followed by another. */
  static const char *const bases[] = {"2026-01-31", "2024-02-29",
                                      "1900-01-01", "2200-12-31"};
  static const char bytes[] = {'0', '5', '9', '-', '/', ' ', 'a', '+', ':',
                               '.', (char)0x80, (char)0xff, (char)0x7f};
  for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
    for (size_t at = 0; at <= 10; at++) {
      snprintf(text, sizeof text, "%.*s", (int)at, bases[b]);
      expect_plain_agrees(text); /* cut off */
      for (size_t k = 0; k < sizeof bytes; k++) {
        snprintf(text, sizeof text, "%s", bases[b]);
        text[at] = bytes[k];
        text[at + 1] = at == 10 ? '\0' : text[at + 1];
        expect_plain_agrees(text);
        ml_date got = 0;
        assert_int_equal(ml_date_parse_plain(&got, text, strlen(text)),
                         own_verdict(text));
      }
    }
  }
}

static void test_format(void **state) {
  (void)state;
  char buf[ML_DATE_FORMAT_SIZE];
  assert_int_equal(ml_date_format(buf, sizeof buf, ML_DATE_MIN), ML_OK);
  assert_string_equal(buf, "1900-01-01");
  assert_int_equal(ml_date_format(buf, sizeof buf, ML_DATE_MAX), ML_OK);
  assert_string_equal(buf, "2200-12-31");
  assert_int_equal(ml_date_format(buf, sizeof buf, 0), ML_OK);
  assert_string_equal(buf, "1970-01-01");
  /* One byte short: ML_EBUFFER and an empty string. */
  char small[ML_DATE_FORMAT_SIZE - 1];
  memset(small, 'x', sizeof small);
  assert_int_equal(ml_date_format(small, sizeof small, 0), ML_EBUFFER);
  assert_int_equal(small[0], '\0');
  assert_int_equal(ml_date_format(NULL, 0, 0), ML_EBUFFER);
  /* Out of range, ML_DATE_NONE too: ML_ERANGE and "", no abort. */
  const ml_date outside[] = {ML_DATE_MIN - 1, ML_DATE_MAX + 1, ML_DATE_NONE,
                             INT32_MAX};
  for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
    memset(buf, 'x', sizeof buf);
    assert_int_equal(ml_date_format(buf, sizeof buf, outside[i]), ML_ERANGE);
    assert_int_equal(buf[0], '\0');
  }
}

/* ---- arithmetic --------------------------------------------------------------- */

static void test_add_days(void **state) {
  (void)state;
  ml_date d = 0;
  assert_int_equal(ml_date_add_days(&d, ymd(2024, 2, 28), 1), ML_OK);
  assert_int_equal(d, ymd(2024, 2, 29));
  assert_int_equal(ml_date_add_days(&d, ymd(2026, 12, 31), 1), ML_OK);
  assert_int_equal(d, ymd(2027, 1, 1));
  assert_int_equal(ml_date_add_days(&d, ymd(2026, 3, 1), -1), ML_OK);
  assert_int_equal(d, ymd(2026, 2, 28));
  /* [PY] date(2200,12,31) - date(1900,1,1) = 109937 days */
  assert_int_equal(ml_date_add_days(&d, ML_DATE_MIN, 109937), ML_OK);
  assert_int_equal(d, ML_DATE_MAX);
  assert_int_equal(ml_date_add_days(&d, ML_DATE_MAX, -109937), ML_OK);
  assert_int_equal(d, ML_DATE_MIN);

  d = 777;
  assert_int_equal(ml_date_add_days(&d, ML_DATE_MAX, 1), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, ML_DATE_MIN, -1), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, ML_DATE_MIN, 109938), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, 0, INT64_MAX), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, 0, INT64_MIN), ML_ERANGE);
  assert_int_equal(ml_date_add_days(&d, INT32_MAX, INT64_MIN), ML_ERANGE);
  assert_int_equal(d, 777); /* untouched on failure */
}

typedef struct month_case {
  int y, m, d;
  int64_t months;
  int ry, rm, rd;
} month_case;

static void test_add_months_clamps(void **state) {
  (void)state;
  /* [HAND] the target month's length from the Gregorian rule. */
  static const month_case cases[] = {
      {2026, 1, 31, 1, 2026, 2, 28},   {2024, 1, 31, 1, 2024, 2, 29},
      {2026, 3, 31, -1, 2026, 2, 28},  {2026, 1, 31, 2, 2026, 3, 31},
      {2026, 1, 31, 3, 2026, 4, 30},   {2024, 2, 29, 12, 2025, 2, 28},
      {2024, 2, 29, 48, 2028, 2, 29},  {2024, 2, 29, -12, 2023, 2, 28},
      {2026, 1, 15, -1, 2025, 12, 15}, {2026, 1, 15, -13, 2024, 12, 15},
      {2026, 12, 31, 1, 2027, 1, 31},  {2026, 5, 31, 0, 2026, 5, 31},
      {2099, 12, 31, 2, 2100, 2, 28},  {1999, 12, 31, 2, 2000, 2, 29},
      {1900, 1, 1, 3611, 2200, 12, 1}, {2200, 12, 31, -3611, 1900, 1, 31},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_date d = 0;
    assert_int_equal(ml_date_add_months(&d, ymd(cases[i].y, cases[i].m,
                                                cases[i].d),
                                        cases[i].months),
                     ML_OK);
    assert_int_equal(d, ymd(cases[i].ry, cases[i].rm, cases[i].rd));
  }
}

static void test_add_months_every_day(void **state) {
  (void)state;
  /* The first of every month, by the test's own walk over every day; then
   * every day moved by a few month counts, against that and the
   * Gregorian month lengths. */
  enum { YEARS = ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR + 1 };
  static ml_date first[YEARS][12];
  int y = ML_DATE_MIN_YEAR, m = 1, day = 1;
  for (ml_date d = ML_DATE_MIN; d <= ML_DATE_MAX; d++) {
    if (day == 1) first[y - ML_DATE_MIN_YEAR][m - 1] = d;
    if (++day > ref_days_in_month(y, m)) {
      day = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  static const int64_t shifts[] = {0, 1, -1, 2, 11, 12, -12, 13, -25, 600,
                                   -600, 3611, -3611};
  y = ML_DATE_MIN_YEAR, m = 1, day = 1;
  for (ml_date d = ML_DATE_MIN; d <= ML_DATE_MAX; d++) {
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
      int64_t index = (int64_t)y * 12 + (m - 1) + shifts[k];
      int64_t ty = index / 12;
      ml_date got = 0;
      ml_status st = ml_date_add_months(&got, d, shifts[k]);
      if (ty < ML_DATE_MIN_YEAR || ty > ML_DATE_MAX_YEAR) {
        assert_int_equal(st, ML_ERANGE);
        continue;
      }
      int tm = (int)(index % 12) + 1;
      int last = ref_days_in_month((int)ty, tm);
      ml_date want = first[ty - ML_DATE_MIN_YEAR][tm - 1] +
                     (day < last ? day : last) - 1;
      if (st != ML_OK || got != want) {
        fail_msg("%04d-%02d-%02d %+lld months: %d, %d; want %d", y, m, day,
                 (long long)shifts[k], (int)st, (int)got, (int)want);
      }
    }
    if (++day > ref_days_in_month(y, m)) {
      day = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
}

static void test_add_months_range(void **state) {
  (void)state;
  ml_date d = 777;
  assert_int_equal(ml_date_add_months(&d, ymd(2200, 12, 1), 1), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, ymd(1900, 1, 31), -1), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, ymd(1900, 1, 1), 3612), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, 0, INT64_MAX), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, 0, INT64_MIN), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, ML_DATE_MAX + 1, 0), ML_ERANGE);
  assert_int_equal(ml_date_add_months(&d, ML_DATE_MIN - 1, 0), ML_ERANGE);
  assert_int_equal(d, 777);
}

/* The reference: step one month at a time, then clamp the day. */
static int ref_add_months(int *y, int *m, int *d, int64_t months) {
  for (int64_t i = 0; i < months; i++) {
    if (++*m > 12) {
      *m = 1;
      ++*y;
    }
  }
  for (int64_t i = 0; i > months; i--) {
    if (--*m < 1) {
      *m = 12;
      --*y;
    }
  }
  if (*y < 1900 || *y > 2200) return 0;
  if (*d > ref_days_in_month(*y, *m)) *d = ref_days_in_month(*y, *m);
  return 1;
}

static void test_add_months_random_vs_loop(void **state) {
  (void)state;
  rng r = {SEED ^ 0x1234};
  for (int i = 0; i < 100000; i++) {
    const ml_date start = (ml_date)rng_range(&r, ML_DATE_MIN, ML_DATE_MAX);
    /* Mostly short shifts, sometimes across the whole range. */
    const int64_t months = (i % 10 == 0) ? rng_range(&r, -3700, 3700)
                                         : rng_range(&r, -480, 480);
    int y, m, d;
    ml_date_to_civil(start, &y, &m, &d);
    const int ok = ref_add_months(&y, &m, &d, months);
    ml_date got = 0;
    const ml_status s = ml_date_add_months(&got, start, months);
    const int same = ok ? (s == ML_OK && got == ymd(y, m, d)) : s == ML_ERANGE;
    if (!same) {
      print_message("seed %llu iteration %d: date %d + %lld months\n",
                    (unsigned long long)(SEED ^ 0x1234), i, (int)start,
                    (long long)months);
    }
    assert_true(same);
  }
}

static void test_weekday_and_days_between(void **state) {
  (void)state;
  /* [PY] isoweekday() */
  assert_int_equal(ml_date_weekday(0), 4);                 /* 1970-01-01 Thu */
  assert_int_equal(ml_date_weekday(-1), 3);                /* 1969-12-31 Wed */
  assert_int_equal(ml_date_weekday(ymd(2026, 1, 1)), 4);   /* Thu */
  assert_int_equal(ml_date_weekday(ymd(2026, 4, 5)), 7);   /* Easter, Sun */
  assert_int_equal(ml_date_weekday(ymd(2026, 6, 20)), 6);  /* Sat */
  assert_int_equal(ml_date_weekday(ymd(2026, 8, 31)), 1);  /* Mon */
  assert_int_equal(ml_date_weekday(ML_DATE_MIN), 1);       /* 1900-01-01 Mon */
  assert_int_equal(ml_date_weekday(ML_DATE_MAX), 3);       /* 2200-12-31 Wed */
  assert_int_equal(ml_date_weekday(INT32_MIN), ml_date_weekday(INT32_MIN + 7));
  assert_int_equal(ml_date_weekday(INT32_MAX), ml_date_weekday(INT32_MAX - 7));

  assert_int_equal(ml_date_days_between(ymd(2026, 1, 1), ymd(2026, 12, 31)),
                   364);
  assert_int_equal(ml_date_days_between(ymd(2026, 12, 31), ymd(2026, 1, 1)),
                   -364);
  assert_int_equal(ml_date_days_between(ymd(2024, 1, 1), ymd(2025, 1, 1)), 366);
  assert_int_equal(ml_date_days_between(ML_DATE_MIN, ML_DATE_MAX), 109937);
  assert_int_equal(ml_date_days_between(5, 5), 0);
}

/* ---- day counts ------------------------------------------------------------- */

static ml_fraction dcf(ml_day_count dc, ml_date start, ml_date end,
                       ml_date maturity) {
  ml_fraction f = {-1, -1};
  assert_int_equal(ml_day_count_fraction(&f, dc, start, end, maturity), ML_OK);
  return f;
}

static void test_act_365f_and_act_360(void **state) {
  (void)state;
  const ml_date a = ymd(2026, 1, 15), b = ymd(2026, 7, 15);
  /* [PY] 181 days; 181/365 and 181/360 are already in lowest terms. */
  assert_fraction(dcf(ML_DC_ACT_365F, a, b, b), 181, 365);
  assert_fraction(dcf(ML_DC_ACT_360, a, b, b), 181, 360);
  /* [PY] 2024-02-29 .. 2025-02-28 = 365 days: 1 and 73/72. */
  const ml_date c = ymd(2024, 2, 29), d = ymd(2025, 2, 28);
  assert_fraction(dcf(ML_DC_ACT_365F, c, d, d), 1, 1);
  assert_fraction(dcf(ML_DC_ACT_360, c, d, d), 73, 72);
  /* An empty period is 0/1. */
  assert_fraction(dcf(ML_DC_ACT_365F, c, c, c), 0, 1);
  assert_fraction(dcf(ML_DC_ACT_360, c, c, c), 0, 1);
  /* maturity is not looked at outside 30E/360 ISDA. */
  assert_fraction(dcf(ML_DC_ACT_360, a, b, INT32_MAX), 181, 360);
}

typedef struct period {
  int y1, m1, d1, y2, m2, d2;
  int64_t days; /* the published day count (numerator over 360) */
} period;

/* [PUB] ISDA 30-360-2006ISDADefs.xls, actual days of the comparison rows. */
static void test_act_360_isda_sheet(void **state) {
  (void)state;
  static const period rows[] = {
      {2007, 1, 15, 2007, 1, 30, 15},   {2007, 1, 15, 2007, 2, 15, 31},
      {2007, 1, 15, 2007, 7, 15, 181},  {2007, 9, 30, 2008, 3, 31, 183},
      {2007, 9, 30, 2007, 10, 31, 31},  {2007, 9, 30, 2008, 9, 30, 366},
      {2007, 1, 15, 2007, 1, 31, 16},   {2007, 1, 31, 2007, 2, 28, 28},
      {2007, 2, 28, 2007, 3, 31, 31},   {2006, 8, 31, 2007, 2, 28, 181},
      {2007, 2, 28, 2007, 8, 31, 184},  {2007, 2, 14, 2007, 2, 28, 14},
      {2007, 2, 26, 2008, 2, 29, 368},  {2008, 2, 29, 2009, 2, 28, 365},
      {2008, 2, 29, 2008, 3, 30, 30},   {2008, 2, 29, 2008, 3, 31, 31},
      {2007, 2, 28, 2007, 3, 5, 5},     {2007, 10, 31, 2007, 11, 28, 28},
      {2007, 8, 31, 2008, 2, 29, 182},  {2008, 2, 29, 2008, 8, 31, 184},
      {2008, 8, 31, 2009, 2, 28, 181},  {2009, 2, 28, 2009, 8, 31, 184},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const ml_date s = ymd(rows[i].y1, rows[i].m1, rows[i].d1);
    const ml_date e = ymd(rows[i].y2, rows[i].m2, rows[i].d2);
    assert_int_equal(ml_date_days_between(s, e), rows[i].days);
    assert_fraction_of(dcf(ML_DC_ACT_360, s, e, e), rows[i].days, 360);
  }
}

static void test_act_act_isda(void **state) {
  (void)state;
  /* [PY] Fraction(123,365) + Fraction(59,366): 2007-08-31..2008-01-01 is
   * 123 days of 2007, 2008-01-01..2008-02-29 is 59 days of 2008. */
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ymd(2007, 8, 31), ymd(2008, 2, 29),
                      ymd(2008, 2, 29)),
                  66553, 133590);
  /* [PY] Fraction(61,365) + Fraction(121,366), the header's example. */
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ymd(2003, 11, 1), ymd(2004, 5, 1),
                      ymd(2004, 5, 1)),
                  66491, 133590);
  /* [PY] three calendar years: 184/365 + 366/366 + 73/365 = 622/365. */
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ymd(1999, 7, 1), ymd(2001, 3, 15),
                      ymd(2001, 3, 15)),
                  622, 365);
  /* [HAND] a whole leap year is 1; one day each side of 1 Jan 2024 is
   * 1/365 + 1/366 = 731/133590 [PY]. */
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ymd(2024, 1, 1), ymd(2025, 1, 1),
                      ymd(2025, 1, 1)),
                  1, 1);
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ymd(2023, 12, 31), ymd(2024, 1, 2),
                      ymd(2024, 1, 2)),
                  731, 133590);
  /* [PY] the whole supported range: 73 leap years count 1 each, the 228
   * others 365/365, and 2200-12-31 itself is excluded: 109864/365. */
  assert_fraction(dcf(ML_DC_ACT_ACT_ISDA, ML_DATE_MIN, ML_DATE_MAX,
                      ML_DATE_MAX),
                  109864, 365);
}

/* [PUB] ISDA 30-360-2006ISDADefs.xls, 30/360 (bond basis) 4.16(f)
 * examples 1-3 (as also used in QuantLib's day-counter tests). */
static void test_30_360_bond_basis(void **state) {
  (void)state;
  static const period rows[] = {
      /* Example 1: no end-February dates */
      {2006, 8, 20, 2007, 2, 20, 180}, {2007, 2, 20, 2007, 8, 20, 180},
      {2007, 8, 20, 2008, 2, 20, 180}, {2008, 2, 20, 2008, 8, 20, 180},
      {2008, 8, 20, 2009, 2, 20, 180}, {2009, 2, 20, 2009, 8, 20, 180},
      /* Example 2: end-February dates */
      {2006, 8, 31, 2007, 2, 28, 178}, {2007, 2, 28, 2007, 8, 31, 183},
      {2007, 8, 31, 2008, 2, 29, 179}, {2008, 2, 29, 2008, 8, 31, 182},
      {2008, 8, 31, 2009, 2, 28, 178}, {2009, 2, 28, 2009, 8, 31, 183},
      /* Example 3: miscellaneous */
      {2006, 1, 31, 2006, 2, 28, 28},  {2006, 1, 30, 2006, 2, 28, 28},
      {2006, 2, 28, 2006, 3, 3, 5},    {2006, 2, 14, 2006, 2, 28, 14},
      {2006, 9, 30, 2006, 10, 31, 30}, {2006, 10, 31, 2006, 11, 28, 28},
      {2007, 8, 31, 2008, 2, 28, 178}, {2008, 2, 28, 2008, 8, 28, 180},
      {2008, 2, 28, 2008, 8, 30, 182}, {2008, 2, 28, 2008, 8, 31, 183},
      {2007, 2, 26, 2008, 2, 28, 362}, {2007, 2, 26, 2008, 2, 29, 363},
      {2008, 2, 29, 2009, 2, 28, 359}, {2008, 2, 28, 2008, 3, 30, 32},
      {2008, 2, 28, 2008, 3, 31, 33},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const ml_date s = ymd(rows[i].y1, rows[i].m1, rows[i].d1);
    const ml_date e = ymd(rows[i].y2, rows[i].m2, rows[i].d2);
    assert_fraction_of(dcf(ML_DC_30_360_US, s, e, e), rows[i].days, 360);
  }
  /* [HAND] D2 = 31 stays 31 when D1 < 30: 2026-01-15..2026-03-31 is
   * 60 + 16 = 76 days = 19/90; with D1 = 30 it becomes 30: 60/360 = 1/6. */
  assert_fraction(dcf(ML_DC_30_360_US, ymd(2026, 1, 15), ymd(2026, 3, 31),
                      ymd(2026, 3, 31)),
                  19, 90);
  assert_fraction(dcf(ML_DC_30_360_US, ymd(2026, 1, 30), ymd(2026, 3, 31),
                      ymd(2026, 3, 31)),
                  1, 6);
}

typedef struct period3 {
  int y1, m1, d1, y2, m2, d2;
  int64_t days_30e;      /* 4.16(g) */
  int64_t days_30e_isda; /* 4.16(h), termination date 2009-02-28 */
} period3;

/* [PUB] ISDA 30-360-2006ISDADefs.xls, the 22 rows of the comparison sheet,
 * whose termination date is 2009-02-28. */
static void test_30e_360_and_30e_360_isda(void **state) {
  (void)state;
  static const period3 rows[] = {
      {2007, 1, 15, 2007, 1, 30, 15, 15},
      {2007, 1, 15, 2007, 2, 15, 30, 30},
      {2007, 1, 15, 2007, 7, 15, 180, 180},
      {2007, 9, 30, 2008, 3, 31, 180, 180},
      {2007, 9, 30, 2007, 10, 31, 30, 30},
      {2007, 9, 30, 2008, 9, 30, 360, 360},
      {2007, 1, 15, 2007, 1, 31, 15, 15},
      {2007, 1, 31, 2007, 2, 28, 28, 30},
      {2007, 2, 28, 2007, 3, 31, 32, 30},
      {2006, 8, 31, 2007, 2, 28, 178, 180},
      {2007, 2, 28, 2007, 8, 31, 182, 180},
      {2007, 2, 14, 2007, 2, 28, 14, 16},
      {2007, 2, 26, 2008, 2, 29, 363, 364},
      {2008, 2, 29, 2009, 2, 28, 359, 358}, /* end is the termination date */
      {2008, 2, 29, 2008, 3, 30, 31, 30},
      {2008, 2, 29, 2008, 3, 31, 31, 30},
      {2007, 2, 28, 2007, 3, 5, 7, 5},
      {2007, 10, 31, 2007, 11, 28, 28, 28},
      {2007, 8, 31, 2008, 2, 29, 179, 180},
      {2008, 2, 29, 2008, 8, 31, 181, 180},
      {2008, 8, 31, 2009, 2, 28, 178, 178}, /* end is the termination date */
      {2009, 2, 28, 2009, 8, 31, 182, 180},
  };
  const ml_date termination = ymd(2009, 2, 28);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const ml_date s = ymd(rows[i].y1, rows[i].m1, rows[i].d1);
    const ml_date e = ymd(rows[i].y2, rows[i].m2, rows[i].d2);
    assert_fraction_of(dcf(ML_DC_30E_360, s, e, termination),
                       rows[i].days_30e, 360);
    assert_fraction_of(dcf(ML_DC_30E_360_ISDA, s, e, termination),
                       rows[i].days_30e_isda, 360);
  }
  /* The same end date when it is not the maturity: D2 moves to 30
   * [PUB, finmath's reading of the sheet: 1.0 and 0.5]. */
  assert_fraction(dcf(ML_DC_30E_360_ISDA, ymd(2008, 2, 29), termination,
                      ymd(2010, 2, 28)),
                  1, 1);
  assert_fraction(dcf(ML_DC_30E_360_ISDA, ymd(2008, 8, 31), termination,
                      ymd(2010, 2, 28)),
                  1, 2);
  /* [HAND] the maturity exception is for February only: 2026-03-31 as
   * maturity still moves to 30, so 2026-01-31..2026-03-31 is 60/360. */
  assert_fraction(dcf(ML_DC_30E_360_ISDA, ymd(2026, 1, 31), ymd(2026, 3, 31),
                      ymd(2026, 3, 31)),
                  1, 6);
  /* [HAND] start == end == maturity on the last day of February is 0. */
  assert_fraction(dcf(ML_DC_30E_360_ISDA, termination, termination,
                      termination),
                  0, 1);
}

static void test_day_count_fraction_rejects(void **state) {
  (void)state;
  ml_fraction f = {7, 7};
  const ml_date a = ymd(2026, 1, 1), b = ymd(2026, 2, 1);
  for (int dc = ML_DC_ACT_365F; dc <= ML_DC_30E_360_ISDA; dc++) {
    assert_int_equal(ml_day_count_fraction(&f, (ml_day_count)dc, b, a, a),
                     ML_EINVAL);
    assert_int_equal(
        ml_day_count_fraction(&f, (ml_day_count)dc, ML_DATE_MIN - 1, b, b),
        ML_ERANGE);
    assert_int_equal(
        ml_day_count_fraction(&f, (ml_day_count)dc, a, ML_DATE_MAX + 1, b),
        ML_ERANGE);
  }
  /* maturity matters (and is range-checked) only for 30E/360 ISDA. */
  assert_int_equal(
      ml_day_count_fraction(&f, ML_DC_30E_360_ISDA, a, b, ML_DATE_MAX + 1),
      ML_ERANGE);
  assert_int_equal(f.num, 7);
  assert_int_equal(f.den, 7);
  assert_int_equal(
      ml_day_count_fraction(&f, ML_DC_30E_360, a, b, ML_DATE_MAX + 1), ML_OK);
  assert_fraction(f, 1, 12);
}

/* ---- names -------------------------------------------------------------------- */

static void test_day_count_names(void **state) {
  (void)state;
  static const char *const names[] = {"act365", "act360", "actact",
                                      "30360",  "30e360", "30e360isda"};
  for (int i = 0; i < 6; i++) {
    assert_string_equal(ml_day_count_name((ml_day_count)i), names[i]);
    ml_day_count dc = ML_DC_ACT_360;
    assert_int_equal(ml_day_count_parse(&dc, names[i], NULL), ML_OK);
    assert_int_equal(dc, i);
  }
  assert_null(ml_day_count_name((ml_day_count)6));
  assert_null(ml_day_count_name((ml_day_count)-1));

  static const char *const bad[] = {"ACT365", "", "act365 ", "act/365"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ml_error err = fresh_error();
    ml_day_count dc = ML_DC_ACT_360;
    assert_int_equal(ml_day_count_parse(&dc, bad[i], &err), ML_EINVAL);
    assert_int_equal(dc, ML_DC_ACT_360);
    assert_int_equal(err.code, ML_EINVAL);
    assert_string_equal(err.field, "day_count");
    char want[200];
    snprintf(want, sizeof want,
             "unknown day count \"%s\": expected one of act365, act360, "
             "actact, 30360, 30e360, 30e360isda",
             bad[i]);
    assert_string_equal(err.message, want);
  }
}

static void test_calendar_kind_names(void **state) {
  (void)state;
  static const char *const names[] = {"none", "weekends", "se"};
  for (int i = 0; i < 3; i++) {
    assert_string_equal(ml_calendar_kind_name((ml_calendar_kind)i), names[i]);
    ml_calendar_kind k = ML_CALENDAR_WEEKENDS;
    assert_int_equal(ml_calendar_kind_parse(&k, names[i], NULL), ML_OK);
    assert_int_equal(k, i);
  }
  assert_null(ml_calendar_kind_name((ml_calendar_kind)3));
  assert_null(ml_calendar_kind_name((ml_calendar_kind)-1));
  ml_error err = fresh_error();
  ml_calendar_kind k = ML_CALENDAR_WEEKENDS;
  assert_int_equal(ml_calendar_kind_parse(&k, "SE", &err), ML_EINVAL);
  assert_int_equal(k, ML_CALENDAR_WEEKENDS);
  assert_string_equal(err.field, "calendar");
  assert_string_equal(err.message,
                      "unknown calendar \"SE\": expected one of none, "
                      "weekends, se");
}

static void test_business_day_names(void **state) {
  (void)state;
  static const char *const names[] = {"unadjusted", "following",
                                      "modified-following", "preceding",
                                      "modified-preceding"};
  for (int i = 0; i < 5; i++) {
    assert_string_equal(ml_business_day_name((ml_business_day)i), names[i]);
    ml_business_day b = ML_BD_PRECEDING;
    assert_int_equal(ml_business_day_parse(&b, names[i], NULL), ML_OK);
    assert_int_equal(b, i);
  }
  assert_null(ml_business_day_name((ml_business_day)5));
  assert_null(ml_business_day_name((ml_business_day)-1));
  ml_error err = fresh_error();
  ml_business_day b = ML_BD_PRECEDING;
  assert_int_equal(ml_business_day_parse(&b, "modified following", &err),
                   ML_EINVAL);
  assert_int_equal(b, ML_BD_PRECEDING);
  assert_int_equal(err.code, ML_EINVAL);
  assert_string_equal(err.field, "business_day");
  assert_string_equal(err.message,
                      "unknown business-day convention \"modified "
                      "following\": expected one of unadjusted, following, "
                      "modified-following, preceding, modified-preceding");
}

/* ---- Easter and the Swedish calendar ------------------------------------ */

static void test_easter_published(void **state) {
  (void)state;
  /* [PUB] Easter Sunday tables; [DU] agrees on each. */
  static const int dates[][3] = {
      {2026, 4, 5}, {2027, 3, 28}, {2000, 4, 23}, {2008, 3, 23},
      {2019, 4, 21}, {2038, 4, 25}, {2100, 3, 28}, {1900, 4, 15},
      {2200, 4, 6},
  };
  for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
    ml_date e = 0;
    assert_int_equal(ml_easter_sunday(&e, dates[i][0]), ML_OK);
    assert_int_equal(e, ymd(dates[i][0], dates[i][1], dates[i][2]));
    assert_int_equal(ml_date_weekday(e), 7);
  }
  ml_date e = 777;
  assert_int_equal(ml_easter_sunday(&e, 1899), ML_ERANGE);
  assert_int_equal(ml_easter_sunday(&e, 2201), ML_ERANGE);
  assert_int_equal(e, 777);
}

/* [DU] month * 100 + day of dateutil.easter.easter(y), y = 1900..2200. */
static const short easter_mmdd[301] = {
    415, 407, 330, 412, 403, 423, 415, 331, 419, 411, 327, 416, 407, 323, 412,
    404, 423, 408, 331, 420, 404, 327, 416, 401, 420, 412, 404, 417, 408, 331,
    420, 405, 327, 416, 401, 421, 412, 328, 417, 409, 324, 413, 405, 425, 409,
    401, 421, 406, 328, 417, 409, 325, 413, 405, 418, 410, 401, 421, 406, 329,
    417, 402, 422, 414, 329, 418, 410, 326, 414, 406, 329, 411, 402, 422, 414,
    330, 418, 410, 326, 415, 406, 419, 411, 403, 422, 407, 330, 419, 403, 326,
    415, 331, 419, 411, 403, 416, 407, 330, 412, 404, 423, 415, 331, 420, 411,
    327, 416, 408, 323, 412, 404, 424, 408, 331, 420, 405, 327, 416, 401, 421,
    412, 404, 417, 409, 331, 420, 405, 328, 416, 401, 421, 413, 328, 417, 409,
    325, 413, 405, 425, 410, 401, 421, 406, 329, 417, 409, 325, 414, 405, 418,
    410, 402, 421, 406, 329, 418, 402, 422, 414, 330, 418, 410, 326, 415, 406,
    329, 411, 403, 422, 414, 330, 419, 410, 326, 415, 407, 419, 411, 403, 423,
    407, 330, 419, 404, 326, 415, 331, 420, 411, 403, 416, 408, 330, 412, 404,
    424, 415, 331, 420, 412, 328, 417, 409, 325, 413, 405, 418, 410, 401, 421,
    406, 329, 417, 402, 422, 414, 329, 418, 410, 326, 414, 406, 329, 411, 402,
    422, 414, 330, 418, 410, 326, 415, 406, 419, 411, 403, 422, 407, 330, 419,
    403, 326, 415, 331, 419, 411, 403, 416, 407, 330, 412, 404, 423, 415, 331,
    420, 411, 327, 416, 408, 323, 412, 404, 424, 408, 331, 420, 405, 327, 416,
    401, 421, 412, 404, 417, 409, 331, 420, 405, 328, 416, 401, 421, 413, 328,
    417, 409, 325, 413, 405, 425, 410, 401, 421, 406, 329, 417, 409, 325, 414,
    406};

static void test_easter_every_year(void **state) {
  (void)state;
  for (int y = 1900; y <= 2200; y++) {
    ml_date e = 0;
    assert_int_equal(ml_easter_sunday(&e, y), ML_OK);
    const int mmdd = easter_mmdd[y - 1900];
    if (e != ymd(y, mmdd / 100, mmdd % 100)) print_message("year %d\n", y);
    assert_int_equal(e, ymd(y, mmdd / 100, mmdd % 100));
  }
}

static const ml_calendar SE = {ML_CALENDAR_SE, NULL, 0};

static int se_open(int y, int m, int d) {
  return ml_calendar_is_business_day(&SE, ymd(y, m, d));
}

static void test_swedish_holidays_2026(void **state) {
  (void)state;
  /* [PUB] Swedish public holidays and bank-closed eves of 2026; weekdays
   * [PY]. Each one is closed, whatever the weekday. */
  static const int closed[][3] = {
      {2026, 1, 1},   /* nyårsdagen, Thu */
      {2026, 1, 6},   /* trettondedag jul, Tue */
      {2026, 4, 3},   /* långfredagen, Fri */
      {2026, 4, 5},   /* påskdagen, Sun */
      {2026, 4, 6},   /* annandag påsk, Mon */
      {2026, 5, 1},   /* första maj, Fri */
      {2026, 5, 14},  /* Kristi himmelsfärds dag, Thu */
      {2026, 5, 24},  /* pingstdagen, Sun */
      {2026, 6, 6},   /* nationaldagen, Sat */
      {2026, 6, 19},  /* midsommarafton, Fri */
      {2026, 6, 20},  /* midsommardagen, Sat */
      {2026, 12, 24}, /* julafton, Thu */
      {2026, 12, 25}, /* juldagen, Fri */
      {2026, 12, 26}, /* annandag jul, Sat */
      {2026, 12, 31}, /* nyårsafton, Thu */
  };
  for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++) {
    assert_int_equal(se_open(closed[i][0], closed[i][1], closed[i][2]), 0);
  }
  /* Their weekday neighbours are open. */
  assert_int_equal(se_open(2026, 1, 2), 1);
  assert_int_equal(se_open(2026, 1, 5), 1);
  assert_int_equal(se_open(2026, 1, 7), 1);
  assert_int_equal(se_open(2026, 4, 2), 1);
  assert_int_equal(se_open(2026, 4, 7), 1);
  assert_int_equal(se_open(2026, 5, 13), 1);
  assert_int_equal(se_open(2026, 5, 15), 1);
  assert_int_equal(se_open(2026, 5, 25), 1);  /* Whit Monday, open since 2005 */
  assert_int_equal(se_open(2026, 6, 18), 1);
  assert_int_equal(se_open(2026, 12, 23), 1);
  assert_int_equal(se_open(2026, 12, 28), 1);
  assert_int_equal(se_open(2026, 12, 30), 1);

  /* [PY] 261 weekdays in 2026 minus the 10 weekday holidays above = 251. */
  int open = 0;
  for (ml_date d = ymd(2026, 1, 1); d <= ymd(2026, 12, 31); d++) {
    open += ml_calendar_is_business_day(&SE, d);
  }
  assert_int_equal(open, 251);
}

/* [PY] bank days per year 1990..2040 from a separate Python
 * implementation of the rules (datetime + dateutil.easter). */
static void test_swedish_bank_days_per_year(void **state) {
  (void)state;
  static const short counts[51] = {
      250, 250, 251, 252, 253, 251, 251, 249, 250, 252, 251, 250, 250,
      249, 253, 253, 251, 250, 252, 251, 253, 253, 250, 250, 249, 251,
      253, 251, 250, 250, 252, 253, 253, 251, 251, 249, 251, 253, 251,
      250, 250, 249, 254, 253, 251, 250, 251, 251, 253, 253, 250};
  for (int y = 1990; y <= 2040; y++) {
    int open = 0;
    for (ml_date d = ymd(y, 1, 1); d <= ymd(y, 12, 31); d++) {
      open += ml_calendar_is_business_day(&SE, d);
    }
    if (open != counts[y - 1990]) print_message("year %d\n", y);
    assert_int_equal(open, counts[y - 1990]);
  }
}

static void test_swedish_2004_vs_2005(void **state) {
  (void)state;
  /* [PY] Whit Monday = Easter + 50: 2004-05-31 (Mon), 2005-05-16 (Mon). */
  assert_int_equal(se_open(2004, 5, 31), 0); /* still a holiday in 2004 */
  assert_int_equal(se_open(2005, 5, 16), 1); /* no longer from 2005 */
  /* 6 June: 2003-06-06 is a Friday (open), 2005-06-06 a Monday (closed);
   * 2004-06-06 is a Sunday. */
  assert_int_equal(se_open(2003, 6, 6), 1);
  assert_int_equal(se_open(2004, 6, 6), 0);
  assert_int_equal(se_open(2005, 6, 6), 0);
  assert_int_equal(se_open(2005, 6, 7), 1);
  /* [PY] Midsummer Eve 2004-06-25 and 2005-06-24. */
  assert_int_equal(se_open(2004, 6, 25), 0);
  assert_int_equal(se_open(2005, 6, 24), 0);
  assert_int_equal(se_open(2005, 6, 17), 1);
}

static void test_midsummer_eve(void **state) {
  (void)state;
  /* [PUB] midsommarafton 2026-06-19, 2027-06-25. */
  assert_int_equal(se_open(2026, 6, 19), 0);
  assert_int_equal(se_open(2027, 6, 25), 0);
  assert_int_equal(se_open(2027, 6, 18), 1); /* a Friday, but before the 19th */
  assert_int_equal(se_open(2027, 6, 24), 1);
  /* Exactly one Friday of 19..25 June is closed, every year. */
  for (int y = 1900; y <= 2200; y++) {
    int closed_fridays = 0;
    for (int d = 19; d <= 25; d++) {
      const ml_date date = ymd(y, 6, d);
      if (ml_date_weekday(date) == 5 &&
          !ml_calendar_is_business_day(&SE, date)) {
        closed_fridays++;
      }
    }
    assert_int_equal(closed_fridays, 1);
  }
}

static void test_easter_holidays_follow_easter(void **state) {
  (void)state;
  /* Every year: Good Friday, Easter Monday and Ascension Day are closed,
   * Whit Monday until 2004 only; the days around them depend on the rest. */
  for (int y = 1900; y <= 2200; y++) {
    ml_date e = 0;
    assert_int_equal(ml_easter_sunday(&e, y), ML_OK);
    assert_int_equal(ml_calendar_is_business_day(&SE, e - 2), 0);
    assert_int_equal(ml_calendar_is_business_day(&SE, e + 1), 0);
    assert_int_equal(ml_calendar_is_business_day(&SE, e + 39), 0);
    assert_int_equal(ml_date_weekday(e + 50), 1);
    const int whit_monday_open = ml_calendar_is_business_day(&SE, e + 50);
    /* e + 50 can be 6 June only when Easter is 17 April; then it is closed
     * from 2005 as National Day. */
    int y2, m2, d2;
    ml_date_to_civil(e + 50, &y2, &m2, &d2);
    const int national_day = y >= 2005 && m2 == 6 && d2 == 6;
    assert_int_equal(whit_monday_open, y > 2004 && !national_day);
  }
}

static void test_calendar_kinds(void **state) {
  (void)state;
  const ml_calendar none = ML_CALENDAR_INIT;
  const ml_calendar weekends = {ML_CALENDAR_WEEKENDS, NULL, 0};
  const ml_date sat = ymd(2026, 6, 20), sun = ymd(2026, 6, 21);
  const ml_date midsummer = ymd(2026, 6, 19);
  assert_int_equal(ml_calendar_is_business_day(&none, sat), 1);
  assert_int_equal(ml_calendar_is_business_day(&none, midsummer), 1);
  assert_int_equal(ml_calendar_is_business_day(&weekends, sat), 0);
  assert_int_equal(ml_calendar_is_business_day(&weekends, sun), 0);
  assert_int_equal(ml_calendar_is_business_day(&weekends, midsummer), 1);
  assert_int_equal(ml_calendar_is_business_day(&SE, midsummer), 0);
  assert_int_equal(ml_calendar_is_business_day(&none, ML_DATE_MIN), 1);
  assert_int_equal(ml_calendar_is_business_day(&SE, ML_DATE_MIN), 0);
  assert_int_equal(ml_calendar_is_business_day(&SE, ML_DATE_MAX), 0);
}

static void test_extra_closed_days(void **state) {
  (void)state;
  /* Unordered, repeated, one on a weekend and one already a holiday. */
  const ml_date extra[] = {ymd(2026, 3, 17), ymd(2026, 3, 16),
                           ymd(2026, 3, 17), ymd(2026, 3, 14),
                           ymd(2026, 12, 24)};
  for (int kind = ML_CALENDAR_NONE; kind <= ML_CALENDAR_SE; kind++) {
    const ml_calendar cal = {(ml_calendar_kind)kind, extra, 5};
    assert_int_equal(ml_calendar_is_business_day(&cal, ymd(2026, 3, 16)), 0);
    assert_int_equal(ml_calendar_is_business_day(&cal, ymd(2026, 3, 17)), 0);
    assert_int_equal(ml_calendar_is_business_day(&cal, ymd(2026, 3, 14)), 0);
    assert_int_equal(ml_calendar_is_business_day(&cal, ymd(2026, 12, 24)), 0);
    assert_int_equal(ml_calendar_is_business_day(&cal, ymd(2026, 3, 18)), 1);
    /* Saturday 14 March, following: Mon 16 and Tue 17 are closed too. */
    ml_date out = 0;
    assert_int_equal(
        ml_calendar_adjust(&out, &cal, ymd(2026, 3, 14), ML_BD_FOLLOWING),
        ML_OK);
    assert_int_equal(out, kind == ML_CALENDAR_NONE ? ymd(2026, 3, 15)
                                                   : ymd(2026, 3, 18));
  }
  /* A count of 0 ignores the array. */
  const ml_calendar empty = {ML_CALENDAR_NONE, extra, 0};
  assert_int_equal(ml_calendar_is_business_day(&empty, ymd(2026, 3, 16)), 1);
}

/* ---- business-day conventions ------------------------------------------ */

typedef struct adjust_case {
  int y, m, d;
  ml_business_day conv;
  int ry, rm, rd;
} adjust_case;

static void test_adjust_conventions_se(void **state) {
  (void)state;
  /* [HAND] from the 2026 holiday list and [PY] weekdays above. */
  static const adjust_case cases[] = {
      /* A business day never moves. */
      {2026, 1, 5, ML_BD_FOLLOWING, 2026, 1, 5},
      {2026, 1, 5, ML_BD_MODIFIED_FOLLOWING, 2026, 1, 5},
      {2026, 1, 5, ML_BD_PRECEDING, 2026, 1, 5},
      {2026, 1, 5, ML_BD_MODIFIED_PRECEDING, 2026, 1, 5},
      /* Unadjusted leaves a Saturday alone. */
      {2026, 1, 3, ML_BD_UNADJUSTED, 2026, 1, 3},
      /* Saturday 3 January: Monday 5 either way forward, Friday 2 back. */
      {2026, 1, 3, ML_BD_FOLLOWING, 2026, 1, 5},
      {2026, 1, 3, ML_BD_MODIFIED_FOLLOWING, 2026, 1, 5},
      {2026, 1, 3, ML_BD_PRECEDING, 2026, 1, 2},
      {2026, 1, 3, ML_BD_MODIFIED_PRECEDING, 2026, 1, 2},
      /* Due on Good Friday 3 April: Sat, Sun, Easter Monday -> Tue 7;
       * back to Thu 2. Both stay in April. */
      {2026, 4, 3, ML_BD_FOLLOWING, 2026, 4, 7},
      {2026, 4, 3, ML_BD_MODIFIED_FOLLOWING, 2026, 4, 7},
      {2026, 4, 3, ML_BD_PRECEDING, 2026, 4, 2},
      {2026, 4, 3, ML_BD_MODIFIED_PRECEDING, 2026, 4, 2},
      /* Due on Midsummer Eve, Fri 19 June -> Mon 22 / Thu 18. */
      {2026, 6, 19, ML_BD_FOLLOWING, 2026, 6, 22},
      {2026, 6, 19, ML_BD_PRECEDING, 2026, 6, 18},
      /* Month end on a Saturday: 31 January -> Mon 2 February, so modified
       * following goes back to Fri 30 January. */
      {2026, 1, 31, ML_BD_FOLLOWING, 2026, 2, 2},
      {2026, 1, 31, ML_BD_MODIFIED_FOLLOWING, 2026, 1, 30},
      {2026, 2, 28, ML_BD_MODIFIED_FOLLOWING, 2026, 2, 27},
      {2026, 10, 31, ML_BD_MODIFIED_FOLLOWING, 2026, 10, 30},
      /* Sunday 31 May -> Mon 1 June; modified: Fri 29 May. */
      {2026, 5, 31, ML_BD_FOLLOWING, 2026, 6, 1},
      {2026, 5, 31, ML_BD_MODIFIED_FOLLOWING, 2026, 5, 29},
      /* Nyårsafton Thu 31 Dec: Fri 1 Jan 2027 is closed too -> Mon 4 Jan;
       * modified following stays in December: Wed 30. */
      {2026, 12, 31, ML_BD_FOLLOWING, 2027, 1, 4},
      {2026, 12, 31, ML_BD_MODIFIED_FOLLOWING, 2026, 12, 30},
      /* First of the month closed: 1 May (Fri) -> Thu 30 April before; the
       * modified one goes forward over the weekend to Mon 4 May. */
      {2026, 5, 1, ML_BD_PRECEDING, 2026, 4, 30},
      {2026, 5, 1, ML_BD_MODIFIED_PRECEDING, 2026, 5, 4},
      {2026, 11, 1, ML_BD_PRECEDING, 2026, 10, 30},
      {2026, 11, 1, ML_BD_MODIFIED_PRECEDING, 2026, 11, 2},
      /* Nyårsdagen Thu 1 Jan: Tue 30 Dec 2025 before (31 Dec is closed);
       * modified preceding: Fri 2 Jan. */
      {2026, 1, 1, ML_BD_PRECEDING, 2025, 12, 30},
      {2026, 1, 1, ML_BD_MODIFIED_PRECEDING, 2026, 1, 2},
      /* Trettondedag jul Tue 6 Jan: back to Mon 5 either way. */
      {2026, 1, 6, ML_BD_MODIFIED_PRECEDING, 2026, 1, 5},
      /* Range ends: 2200-12-31 (Wed, nyårsafton) turns back to Tue 30;
       * 1900-01-01 (Mon, nyårsdagen) forward to Tue 2. */
      {2200, 12, 31, ML_BD_MODIFIED_FOLLOWING, 2200, 12, 30},
      {2200, 12, 31, ML_BD_PRECEDING, 2200, 12, 30},
      {1900, 1, 1, ML_BD_MODIFIED_PRECEDING, 1900, 1, 2},
      {1900, 1, 1, ML_BD_FOLLOWING, 1900, 1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ml_date out = 0;
    const ml_status s = ml_calendar_adjust(
        &out, &SE, ymd(cases[i].y, cases[i].m, cases[i].d), cases[i].conv);
    if (s != ML_OK || out != ymd(cases[i].ry, cases[i].rm, cases[i].rd)) {
      print_message("case %zu: %d-%02d-%02d %s\n", i, cases[i].y, cases[i].m,
                    cases[i].d, ml_business_day_name(cases[i].conv));
    }
    assert_int_equal(s, ML_OK);
    assert_int_equal(out, ymd(cases[i].ry, cases[i].rm, cases[i].rd));
  }
}

static void test_adjust_range(void **state) {
  (void)state;
  ml_date out = 777;
  /* Following from 2200-12-31 needs 2201-01-01: outside the range. */
  assert_int_equal(ml_calendar_adjust(&out, &SE, ML_DATE_MAX, ML_BD_FOLLOWING),
                   ML_ERANGE);
  assert_int_equal(ml_calendar_adjust(&out, &SE, ML_DATE_MIN, ML_BD_PRECEDING),
                   ML_ERANGE);
  /* The date itself outside the range, whatever the convention. */
  for (int c = ML_BD_UNADJUSTED; c <= ML_BD_MODIFIED_PRECEDING; c++) {
    assert_int_equal(ml_calendar_adjust(&out, &SE, ML_DATE_MAX + 1,
                                        (ml_business_day)c),
                     ML_ERANGE);
    assert_int_equal(ml_calendar_adjust(&out, &SE, ML_DATE_MIN - 1,
                                        (ml_business_day)c),
                     ML_ERANGE);
  }
  assert_int_equal(out, 777);
}

static void test_adjust_limit(void **state) {
  (void)state;
  /* 2026-03-01..2026-04-01 closed (32 days) on an otherwise open calendar. */
  ml_date closed[32];
  for (int i = 0; i < 32; i++) closed[i] = ymd(2026, 3, 1) + i;
  const ml_calendar month_and_a_day = {ML_CALENDAR_NONE, closed, 32};
  const ml_calendar month = {ML_CALENDAR_NONE, closed, 31};
  ml_date out = 777;
  assert_int_equal(ml_calendar_adjust(&out, &month_and_a_day, ymd(2026, 3, 1),
                                      ML_BD_FOLLOWING),
                   ML_ELIMIT);
  assert_int_equal(ml_calendar_adjust(&out, &month_and_a_day, ymd(2026, 4, 1),
                                      ML_BD_PRECEDING),
                   ML_ELIMIT);
  assert_int_equal(out, 777);
  /* 31 closed days: the business day 31 days away is still found. */
  assert_int_equal(
      ml_calendar_adjust(&out, &month, ymd(2026, 3, 1), ML_BD_FOLLOWING),
      ML_OK);
  assert_int_equal(out, ymd(2026, 4, 1));
  assert_int_equal(
      ml_calendar_adjust(&out, &month, ymd(2026, 3, 31), ML_BD_PRECEDING),
      ML_OK);
  assert_int_equal(out, ymd(2026, 2, 28));
  /* Modified following over a closed March: April is the next month, so it
   * goes back to 28 February. */
  assert_int_equal(ml_calendar_adjust(&out, &month, ymd(2026, 3, 15),
                                      ML_BD_MODIFIED_FOLLOWING),
                   ML_OK);
  assert_int_equal(out, ymd(2026, 2, 28));
  /* ... and March 2026 modified preceding goes forward to 1 April. */
  assert_int_equal(ml_calendar_adjust(&out, &month, ymd(2026, 3, 15),
                                      ML_BD_MODIFIED_PRECEDING),
                   ML_OK);
  assert_int_equal(out, ymd(2026, 4, 1));
  /* Unadjusted never searches. */
  assert_int_equal(ml_calendar_adjust(&out, &month_and_a_day, ymd(2026, 3, 1),
                                      ML_BD_UNADJUSTED),
                   ML_OK);
  assert_int_equal(out, ymd(2026, 3, 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_day_numbers),
      cmocka_unit_test(test_to_civil_accepts_null_pointers),
      cmocka_unit_test(test_every_date_in_range),
      cmocka_unit_test(test_random_civil_round_trip),
      cmocka_unit_test(test_leap_years_and_month_lengths),
      cmocka_unit_test(test_from_civil_rejects),
      cmocka_unit_test(test_parse_accepts),
      cmocka_unit_test(test_parse_rejects),
      cmocka_unit_test(test_plain_parse_every_day),
      cmocka_unit_test(test_plain_parse_agrees_on_bad_dates),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_add_days),
      cmocka_unit_test(test_add_months_clamps),
      cmocka_unit_test(test_add_months_every_day),
      cmocka_unit_test(test_add_months_range),
      cmocka_unit_test(test_add_months_random_vs_loop),
      cmocka_unit_test(test_weekday_and_days_between),
      cmocka_unit_test(test_act_365f_and_act_360),
      cmocka_unit_test(test_act_360_isda_sheet),
      cmocka_unit_test(test_act_act_isda),
      cmocka_unit_test(test_30_360_bond_basis),
      cmocka_unit_test(test_30e_360_and_30e_360_isda),
      cmocka_unit_test(test_day_count_fraction_rejects),
      cmocka_unit_test(test_day_count_names),
      cmocka_unit_test(test_calendar_kind_names),
      cmocka_unit_test(test_business_day_names),
      cmocka_unit_test(test_easter_published),
      cmocka_unit_test(test_easter_every_year),
      cmocka_unit_test(test_swedish_holidays_2026),
      cmocka_unit_test(test_swedish_bank_days_per_year),
      cmocka_unit_test(test_swedish_2004_vs_2005),
      cmocka_unit_test(test_midsummer_eve),
      cmocka_unit_test(test_easter_holidays_follow_easter),
      cmocka_unit_test(test_calendar_kinds),
      cmocka_unit_test(test_extra_closed_days),
      cmocka_unit_test(test_adjust_conventions_se),
      cmocka_unit_test(test_adjust_range),
      cmocka_unit_test(test_adjust_limit),
  };
  return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}

/* tests/test_rate.c — exact rates: parse, make, format, fractions, compare.
 *
 * Golden values are worked by hand from the definition rate = coefficient *
 * 10^-scale (a fraction; 8.5 % = 0.085 = 85 * 10^-3): the comment beside
 * each row shows the arithmetic. Randomised tests check against GMP's mpq
 * (an independent exact rational implementation) and against decimal text
 * built in this file, never against the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

/* A rate the library can never produce: marks "*out untouched". */
static const ml_rate SENTINEL = {-7, -7};

static void assert_rate(ml_rate r, int64_t coefficient, int32_t scale) {
  assert_int_equal(r.coefficient, coefficient);
  assert_int_equal(r.scale, scale);
}

/* ---- accepted text ------------------------------------------------------ */

typedef struct accepted_case {
  const char *text;
  ml_rate_form form;
  int64_t coefficient;
  int32_t scale;
} accepted_case;

static const accepted_case accepted[] = {
    /* The header's examples: 8.5 % = 0.085 = 85 * 10^-3. */
    {"8.5", ML_RATE_PERCENT, 85, 3},
    {"8,5 %", ML_RATE_PERCENT, 85, 3},
    {"8.5%", ML_RATE_PERCENT, 85, 3},
    {"8,5%", ML_RATE_PERCENT, 85, 3},
    {"0.085", ML_RATE_FRACTION, 85, 3},
    /* Spaces around the text and before '%'. */
    {"  8.5 %  ", ML_RATE_PERCENT, 85, 3},
    {"8.5    %", ML_RATE_PERCENT, 85, 3},
    {" 0.085 ", ML_RATE_FRACTION, 85, 3},
    {"0,085", ML_RATE_FRACTION, 85, 3},
    /* Zero is {0, 0} however it is written. */
    {"0", ML_RATE_PERCENT, 0, 0},
    {"0.0", ML_RATE_PERCENT, 0, 0},
    {"000", ML_RATE_PERCENT, 0, 0},
    {"0 %", ML_RATE_PERCENT, 0, 0},
    {"0", ML_RATE_FRACTION, 0, 0},
    {"0.000000000", ML_RATE_FRACTION, 0, 0},
    /* Whole percents: 100 % = 1, 10 % = 0.1 = 1 * 10^-1, 1 % = 1 * 10^-2. */
    {"100", ML_RATE_PERCENT, 1, 0},
    {"10", ML_RATE_PERCENT, 1, 1},
    {"1", ML_RATE_PERCENT, 1, 2},
    /* 12.50 % = 0.1250 -> trailing zero dropped: 125 * 10^-3. */
    {"12.50", ML_RATE_PERCENT, 125, 3},
    /* 007.25 % = 0.0725 = 725 * 10^-4 (leading zeros are harmless). */
    {"007.25", ML_RATE_PERCENT, 725, 4},
    /* 3.141592653 % = 0.03141592653 = 3141592653 * 10^-11. */
    {"3.141592653", ML_RATE_PERCENT, INT64_C(3141592653), 11},
    /* The limits. 1000 % = 10; with 9 zero decimals still 10. */
    {"1000", ML_RATE_PERCENT, 10, 0},
    {"1000 %", ML_RATE_PERCENT, 10, 0},
    {"1000.000000000", ML_RATE_PERCENT, 10, 0},
    /* 9 decimals: 0.000000001 % = 10^-11; 999.999999999 % = 9.99999999999
     * = 999999999999 * 10^-11. */
    {"0.000000001", ML_RATE_PERCENT, 1, 11},
    {"999.999999999", ML_RATE_PERCENT, INT64_C(999999999999), 11},
    {"0.1", ML_RATE_FRACTION, 1, 1},
    {"1", ML_RATE_FRACTION, 1, 0},
    {"10", ML_RATE_FRACTION, 10, 0},
    {"10.000000000", ML_RATE_FRACTION, 10, 0},
    {"0.000000001", ML_RATE_FRACTION, 1, 9},
    {"9.999999999", ML_RATE_FRACTION, INT64_C(9999999999), 9},
};

static void parse_accepts(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
    const accepted_case *c = &accepted[i];
    ml_rate r = SENTINEL;
    ml_error err;
    ml_error_clear(&err);
    err.code = ML_ENOROOT; /* untouched on success */
    ml_status s = ml_rate_parse(&r, c->text, c->form, &err);
    if (s != ML_OK || r.coefficient != c->coefficient || r.scale != c->scale) {
      print_message("case \"%s\" form %d: status %d, rate {%" PRId64
                    ", %d}: %s\n",
                    c->text, (int)c->form, (int)s, r.coefficient,
                    (int)r.scale, err.message);
    }
    assert_int_equal(s, ML_OK);
    assert_rate(r, c->coefficient, c->scale);
    assert_int_equal(err.code, ML_ENOROOT);
  }
}

static void parse_without_error_record(void **state) {
  (void)state;
  ml_rate r = SENTINEL;
  assert_int_equal(ml_rate_parse(&r, "8.5", ML_RATE_PERCENT, NULL), ML_OK);
  assert_rate(r, 85, 3);
  r = SENTINEL;
  assert_int_equal(ml_rate_parse(&r, "8.5x", ML_RATE_PERCENT, NULL),
                   ML_EPARSE);
  assert_rate(r, SENTINEL.coefficient, SENTINEL.scale);
}

/* ---- rejected text ------------------------------------------------------ */

typedef struct rejected_case {
  const char *text;
  ml_rate_form form;
  ml_status code;
  const char *what;     /* substring: what is wrong */
  const char *expected; /* substring: what was expected */
  long column;
} rejected_case;

#define PCT ML_RATE_PERCENT
#define FRAC ML_RATE_FRACTION
#define PCT_EXPECTED "a percentage such as \"8.5\", \"8,5 %\" or \"8.5%\""
#define FRAC_EXPECTED "a fraction such as \"0.085\""
#define BOTH_SIDES "a digit on both sides of the mark"

static const rejected_case rejected[] = {
    /* Empty text: nothing to point at, column 0. */
    {"", PCT, ML_EPARSE, "empty text", PCT_EXPECTED, 0},
    {"   ", PCT, ML_EPARSE, "empty text", PCT_EXPECTED, 0},
    {"", FRAC, ML_EPARSE, "empty text", FRAC_EXPECTED, 0},
    /* Signs, wherever they stand. */
    {"-5", PCT, ML_EPARSE, "a sign ('-') is not allowed", PCT_EXPECTED, 1},
    {"+5", PCT, ML_EPARSE, "a sign ('+') is not allowed", PCT_EXPECTED, 1},
    {" -8.5 %", PCT, ML_EPARSE, "a sign ('-')", PCT_EXPECTED, 2},
    {"8-", PCT, ML_EPARSE, "a sign ('-')", PCT_EXPECTED, 2},
    {"-0.1", FRAC, ML_EPARSE, "a sign ('-')", FRAC_EXPECTED, 1},
    /* Letters and other bytes. */
    {"abc", PCT, ML_EPARSE, "unexpected 'a'", PCT_EXPECTED, 1},
    {"8.5x", PCT, ML_EPARSE, "unexpected 'x'", PCT_EXPECTED, 4},
    {"8.5 pct", PCT, ML_EPARSE, "unexpected 'p'", PCT_EXPECTED, 5},
    {"8x%", PCT, ML_EPARSE, "unexpected 'x'", PCT_EXPECTED, 2},
    {"1e2", PCT, ML_EPARSE, "unexpected 'e'", PCT_EXPECTED, 2},
    {"0.08a", FRAC, ML_EPARSE, "unexpected 'a'", FRAC_EXPECTED, 5},
    {"\t8.5", PCT, ML_EPARSE, "unexpected byte 0x09", PCT_EXPECTED, 1},
    /* "8,5" + UTF-8 no-break space (C2 A0) + "%": not an ASCII space. */
    {"8,5\xC2\xA0%", PCT, ML_EPARSE, "unexpected byte 0xC2", PCT_EXPECTED, 4},
    /* Two marks. */
    {"8.5.1", PCT, ML_EPARSE, "a second decimal mark", "at most one", 4},
    {"8,5,1", PCT, ML_EPARSE, "a second decimal mark", "at most one", 4},
    {"8.5,1", PCT, ML_EPARSE, "a second decimal mark", "at most one", 4},
    {"8..5", PCT, ML_EPARSE, "a second decimal mark", "at most one", 3},
    {"0.0.1", FRAC, ML_EPARSE, "a second decimal mark", "at most one", 4},
    /* A mark without a digit on both sides: the column is the mark's. */
    {"8.", PCT, ML_EPARSE, "no digit after the decimal mark", BOTH_SIDES, 2},
    {"8.%", PCT, ML_EPARSE, "no digit after the decimal mark", BOTH_SIDES, 2},
    {"8. 5", PCT, ML_EPARSE, "no digit after the decimal mark", BOTH_SIDES,
     2},
    {"0.", FRAC, ML_EPARSE, "no digit after the decimal mark", BOTH_SIDES, 2},
    {".5", PCT, ML_EPARSE, "no digit before the decimal mark", BOTH_SIDES, 1},
    {" ,5 %", PCT, ML_EPARSE, "no digit before the decimal mark", BOTH_SIDES,
     2},
    {".085", FRAC, ML_EPARSE, "no digit before the decimal mark", BOTH_SIDES,
     1},
    /* No digits at all. */
    {"%", PCT, ML_EPARSE, "no digits before '%'", PCT_EXPECTED, 1},
    {" %", PCT, ML_EPARSE, "no digits before '%'", PCT_EXPECTED, 2},
    /* 10 decimals: the column is the 10th decimal digit. */
    {"8.1234567891", PCT, ML_EPARSE, "more than 9 decimals",
     "at most 9 digits after the decimal mark", 12},
    {"0.0000000001", PCT, ML_EPARSE, "more than 9 decimals", "at most 9", 12},
    {"0.0000000001", FRAC, ML_EPARSE, "more than 9 decimals", "at most 9", 12},
    /* Syntax before range: 10 decimals is a parse error even at 1000 %. */
    {"1000.0000000000", PCT, ML_EPARSE, "more than 9 decimals", "at most 9",
     15},
    /* Spaces inside the number: the column is the first space. */
    {"8 5", PCT, ML_EPARSE, "a space inside the number", PCT_EXPECTED, 2},
    {"1 000", PCT, ML_EPARSE, "a space inside the number", PCT_EXPECTED, 2},
    {"8.5  ,1", PCT, ML_EPARSE, "a space inside the number", PCT_EXPECTED, 4},
    /* Text after '%'. */
    {"8.5%x", PCT, ML_EPARSE, "text after '%'", "nothing after '%'", 5},
    {"8.5 % %", PCT, ML_EPARSE, "text after '%'", "nothing after '%'", 7},
    {"8.5%%", PCT, ML_EPARSE, "text after '%'", "nothing after '%'", 5},
    {"8.5% 1", PCT, ML_EPARSE, "text after '%'", "nothing after '%'", 6},
    /* '%' in fraction form. */
    {"0.085%", FRAC, ML_EPARSE, "'%' is not allowed in fraction form",
     "a fraction without '%'", 6},
    {"8.5 %", FRAC, ML_EPARSE, "'%' is not allowed in fraction form",
     "a fraction without '%'", 5},
    /* Above the limit: 1000 % (fraction 10). No single byte is at fault. */
    {"1000.000000001", PCT, ML_ERANGE, "above the largest rate",
     "at most 1000 %", 0},
    {"1001", PCT, ML_ERANGE, "above the largest rate", "at most 1000 %", 0},
    {"1000.1 %", PCT, ML_ERANGE, "above the largest rate", "at most 1000 %",
     0},
    {"99999999999999999999999999", PCT, ML_ERANGE, "above the largest rate",
     "at most 1000 %", 0},
    {"10.000000001", FRAC, ML_ERANGE, "above the largest rate",
     "at most 10 (1000 %)", 0},
    {"11", FRAC, ML_ERANGE, "above the largest rate", "at most 10 (1000 %)",
     0},
    {"1000", FRAC, ML_ERANGE, "above the largest rate", "at most 10 (1000 %)",
     0},
};

static void assert_rejected(const rejected_case *c) {
  ml_rate r = SENTINEL;
  ml_error err;
  ml_error_clear(&err);
  ml_status s = ml_rate_parse(&r, c->text, c->form, &err);
  char quoted[64];
  snprintf(quoted, sizeof quoted, "rate \"%s\": ", c->text);
  int ok = s == c->code && err.code == c->code &&
           strcmp(err.field, "rate") == 0 && err.line == 0 &&
           err.column == c->column && strstr(err.message, quoted) != NULL &&
           strstr(err.message, c->what) != NULL &&
           strstr(err.message, c->expected) != NULL;
  if (!ok) {
    print_message("case \"%s\" form %d: status %d column %ld message: %s\n",
                  c->text, (int)c->form, (int)s, err.column, err.message);
  }
  assert_int_equal(s, c->code);
  assert_int_equal(err.code, c->code);
  assert_string_equal(err.field, "rate");
  assert_int_equal(err.line, 0);
  assert_int_equal(err.column, c->column);
  assert_non_null(strstr(err.message, quoted));
  assert_non_null(strstr(err.message, c->what));
  assert_non_null(strstr(err.message, c->expected));
  assert_rate(r, SENTINEL.coefficient, SENTINEL.scale); /* untouched */
}

static void parse_rejects(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
    assert_rejected(&rejected[i]);
  }
}

/* Two messages in full, so that their shape is pinned too. */
static void parse_messages_in_full(void **state) {
  (void)state;
  ml_rate r;
  ml_error err;
  assert_int_equal(ml_rate_parse(&r, "8.5x", ML_RATE_PERCENT, &err),
                   ML_EPARSE);
  assert_string_equal(err.message,
                      "rate \"8.5x\": unexpected 'x' at column 4; expected a "
                      "percentage such as \"8.5\", \"8,5 %\" or \"8.5%\"");
  assert_int_equal(ml_rate_parse(&r, "1001", ML_RATE_PERCENT, &err),
                   ML_ERANGE);
  assert_string_equal(err.message,
                      "rate \"1001\": above the largest rate; expected at "
                      "most 1000 %");
}

/* A long input is quoted shortened (40 bytes and "..."). */
static void parse_quotes_long_input_shortened(void **state) {
  (void)state;
  const char *text = "8.5 percent per year, compounded monthly in arrears";
  ml_rate r;
  ml_error err;
  assert_int_equal(ml_rate_parse(&r, text, ML_RATE_PERCENT, &err), ML_EPARSE);
  assert_int_equal(err.column, 5);
  assert_non_null(strstr(err.message,
                         "rate \"8.5 percent per year, compounded monthly...\": "
                         "unexpected 'p' at column 5"));
}

/* ---- make --------------------------------------------------------------- */

static void make_normalises(void **state) {
  (void)state;
  ml_rate r;
  assert_int_equal(ml_rate_make(&r, 85, 3), ML_OK);
  assert_rate(r, 85, 3);
  assert_int_equal(ml_rate_make(&r, 850, 4), ML_OK); /* 0.0850 = 0.085 */
  assert_rate(r, 85, 3);
  assert_int_equal(ml_rate_make(&r, 0, 7), ML_OK); /* zero is {0, 0} */
  assert_rate(r, 0, 0);
  assert_int_equal(ml_rate_make(&r, 100, 2), ML_OK); /* 1.00 = 1 */
  assert_rate(r, 1, 0);
  assert_int_equal(ml_rate_make(&r, 1, 11), ML_OK); /* 10^-11 */
  assert_rate(r, 1, 11);
  assert_int_equal(ml_rate_make(&r, 120, 0), ML_ERANGE); /* 12000 % */
}

static void make_limits(void **state) {
  (void)state;
  ml_rate r;
  /* 10 = 1000 % exactly, at scales 0, 10 and 11. */
  assert_int_equal(ml_rate_make(&r, 10, 0), ML_OK);
  assert_rate(r, 10, 0);
  assert_int_equal(ml_rate_make(&r, INT64_C(100000000000), 10), ML_OK);
  assert_rate(r, 10, 0);
  assert_int_equal(ml_rate_make(&r, INT64_C(1000000000000), 11), ML_OK);
  assert_rate(r, 10, 0);
  /* One unit above 10 at each of those scales; *out stays untouched. */
  r = SENTINEL;
  assert_int_equal(ml_rate_make(&r, 11, 0), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_C(100000000001), 10), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_C(1000000000001), 11), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_MAX, 11), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_MAX, 0), ML_ERANGE);
  /* Negative coefficient, scale outside 0..11. */
  assert_int_equal(ml_rate_make(&r, -1, 3), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, INT64_MIN, 0), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, 1, -1), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, 1, 12), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, 0, 12), ML_ERANGE);
  assert_int_equal(ml_rate_make(&r, 0, INT32_MIN), ML_ERANGE);
  assert_rate(r, SENTINEL.coefficient, SENTINEL.scale);
}

/* ---- format ------------------------------------------------------------- */

typedef struct format_case {
  ml_rate rate;
  const char *text;
} format_case;

static const format_case formats[] = {
    {{85, 3}, "8.5"},                 /* header example: 0.085 -> 8.5 */
    {{1, 1}, "10"},                   /* header example: 0.1 -> 10 */
    {{1, 11}, "0.000000001"},         /* header example: 10^-11 */
    {{0, 0}, "0"},
    {{10, 0}, "1000"},                /* 10 = 1000 % */
    {{1, 0}, "100"},
    {{1, 2}, "1"},                    /* 0.01 = 1 % */
    {{125, 3}, "12.5"},               /* 0.125 = 12.5 % */
    {{5, 3}, "0.5"},                  /* 0.005 = 0.5 % */
    {{INT64_C(3141592653), 11}, "3.141592653"},
    {{INT64_C(999999999999), 11}, "999.999999999"},
    /* Not normalised: still the value, without trailing zeros. */
    {{850, 4}, "8.5"},
    {{100, 3}, "10"},                 /* 0.100 = 10 % */
    {{0, 5}, "0"},
    {{INT64_C(1000000000000), 11}, "1000"},
};

static void format_percent_values(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    char buf[ML_RATE_FORMAT_SIZE];
    assert_int_equal(ml_rate_format_percent(buf, sizeof buf, formats[i].rate),
                     ML_OK);
    assert_string_equal(buf, formats[i].text);
  }
}

static void format_percent_buffer_size(void **state) {
  (void)state;
  ml_rate r = {85, 3};
  char buf[8] = "xxxxxxx";
  assert_int_equal(ml_rate_format_percent(buf, 4, r), ML_OK); /* "8.5" + NUL */
  assert_string_equal(buf, "8.5");
  memcpy(buf, "xxxxxxx", 8);
  assert_int_equal(ml_rate_format_percent(buf, 3, r), ML_EBUFFER);
  assert_string_equal(buf, ""); /* no partial text */
  assert_int_equal(ml_rate_format_percent(buf, 1, r), ML_EBUFFER);
  assert_string_equal(buf, "");
  assert_int_equal(ml_rate_format_percent(NULL, 0, r), ML_EBUFFER);
  /* The longest valid rate fits ML_RATE_FORMAT_SIZE with room to spare. */
  char big[ML_RATE_FORMAT_SIZE];
  ml_rate longest = {INT64_C(999999999999), 11};
  assert_int_equal(ml_rate_format_percent(big, sizeof big, longest), ML_OK);
  assert_int_equal(strlen(big), 13);
  assert_int_equal(ml_rate_format_percent(big, 14, longest), ML_OK);
  assert_int_equal(ml_rate_format_percent(big, 13, longest), ML_EBUFFER);
}

/* ---- to_fraction -------------------------------------------------------- */

typedef struct fraction_case {
  ml_rate rate;
  int64_t num;
  int64_t den;
} fraction_case;

static const fraction_case fractions[] = {
    {{85, 3}, 17, 200},    /* 85/1000, gcd 5 -> 17/200 (header example) */
    {{850, 4}, 17, 200},   /* 850/10000, gcd 50, not normalised */
    {{1, 1}, 1, 10},       /* 10 % */
    {{10, 0}, 10, 1},      /* 1000 % */
    {{0, 0}, 0, 1},        /* zero has denominator 1 */
    {{0, 5}, 0, 1},
    {{125, 3}, 1, 8},      /* 125/1000, gcd 125 */
    {{625, 4}, 1, 16},     /* 625/10000, gcd 625 */
    {{5, 3}, 1, 200},      /* 0.5 % = 5/1000 */
    {{24, 2}, 6, 25},      /* 24/100, gcd 4 */
    {{33333, 5}, 33333, 100000},  /* 33333 = 3*41*271: no 2 or 5 */
    {{1, 11}, 1, INT64_C(100000000000)},
    {{INT64_C(999999999999), 11}, INT64_C(999999999999),
     INT64_C(100000000000)},  /* odd, last digit 9: coprime to 10 */
    {{INT64_C(1024), 11}, 1, INT64_C(97656250)},  /* 2^10 / (2^11 5^11) */
};

static void to_fraction_values(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
    int64_t num = -1, den = -1;
    ml_rate_to_fraction(fractions[i].rate, &num, &den);
    assert_int_equal(num, fractions[i].num);
    assert_int_equal(den, fractions[i].den);
  }
}

/* ---- compare and equal -------------------------------------------------- */

typedef struct compare_case {
  ml_rate a;
  ml_rate b;
  int order; /* sign of a - b */
} compare_case;

static const compare_case comparisons[] = {
    {{85, 3}, {85, 3}, 0},
    {{85, 3}, {850, 4}, 0},                   /* 0.085 = 0.0850 */
    {{0, 0}, {0, 9}, 0},
    {{85, 3}, {850001, 7}, -1},               /* 0.085 < 0.0850001 */
    {{1, 0}, {INT64_C(99999999999), 11}, 1},  /* 1 > 0.99999999999 */
    {{10, 0}, {INT64_C(999999999999), 11}, 1},/* 10 > 9.99999999999 */
    {{1, 11}, {0, 0}, 1},
    {{2, 1}, {19, 2}, 1},                     /* 0.2 > 0.19 */
    {{9, 1}, {INT64_C(899999999999), 11}, -1},/* 0.9 < 8.99999999999 */
    /* Beyond int64 at a common scale: INT64_MAX * 10^11 needs 128 bits. */
    {{INT64_MAX, 0}, {INT64_MAX, 11}, 1},
    {{INT64_MAX, 11}, {INT64_MAX - 1, 11}, 1},
    {{INT64_C(100000000000), 11}, {1, 0}, 0},  /* 10^11 * 10^-11 = 1 */
};

static void compare_across_scales(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof comparisons / sizeof comparisons[0]; i++) {
    const compare_case *c = &comparisons[i];
    assert_int_equal(ml_rate_compare(c->a, c->b), c->order);
    assert_int_equal(ml_rate_compare(c->b, c->a), -c->order);
    assert_int_equal(ml_rate_equal(c->a, c->b), c->order == 0);
    assert_int_equal(ml_rate_equal(c->b, c->a), c->order == 0);
  }
}

/* ---- randomised --------------------------------------------------------- */

#define RANDOM_SEED UINT64_C(0x9E3779B97F4A7C15)
#define ROUND_TRIPS 200000
#define RANDOM_PAIRS 100000

static int64_t ten_to(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

/* A random valid rate: scale 0..11, coefficient 0..10^(scale+1) (value at
 * most 10), every 16th one at the limit or zero, then normalised. */
static ml_rate random_rate(uint64_t *s) {
  int32_t scale = (int32_t)(xorshift64(s) % (ML_RATE_MAX_SCALE + 1));
  int64_t bound = ten_to(scale + 1);
  uint64_t pick = xorshift64(s);
  int64_t coefficient = (int64_t)(pick % (uint64_t)(bound + 1));
  if (pick % 16 == 0) coefficient = (pick % 32 == 0) ? bound : 0;
  ml_rate r;
  ML_ASSERT(ml_rate_make(&r, coefficient, scale) == ML_OK);
  return r;
}

/* Text for coefficient * 10^-shift, written here digit by digit so as not to
 * rely on the library: "85", shift 3 -> "0.085"; shift <= 0 appends zeros.
 * Assumes no trailing zeros in the coefficient unless it is 0. */
static void decimal_text(char *out, size_t size, int64_t coefficient,
                         int shift) {
  char digits[40];
  snprintf(digits, sizeof digits, "%" PRId64, coefficient);
  if (coefficient == 0) {
    snprintf(out, size, "0");
  } else if (shift <= 0) {
    snprintf(out, size, "%s%.*s", digits, -shift, "00000000000000");
  } else {
    char padded[64];
    snprintf(padded, sizeof padded, "%0*" PRId64, shift + 1, coefficient);
    size_t n = strlen(padded);
    size_t whole = n - (size_t)shift;
    snprintf(out, size, "%.*s.%s", (int)whole, padded, padded + whole);
  }
}

static void fail_with_seed(uint64_t seed, long iteration, ml_rate r,
                           const char *what) {
  print_message("seed 0x%016" PRIX64 " iteration %ld rate {%" PRId64
                ", %d}: %s\n",
                seed, iteration, r.coefficient, (int)r.scale, what);
  fail();
}

static void check_round_trip(uint64_t seed, long i, ml_rate r) {
  char formatted[ML_RATE_FORMAT_SIZE];
  char expected[64];
  ml_rate back = SENTINEL;
  if (ml_rate_format_percent(formatted, sizeof formatted, r) != ML_OK) {
    fail_with_seed(seed, i, r, "format failed");
  }
  decimal_text(expected, sizeof expected, r.coefficient, r.scale - 2);
  if (strcmp(formatted, expected) != 0) {
    fail_with_seed(seed, i, r, "format differs from hand-built text");
  }
  if (ml_rate_parse(&back, formatted, ML_RATE_PERCENT, NULL) != ML_OK ||
      back.coefficient != r.coefficient || back.scale != r.scale) {
    fail_with_seed(seed, i, r, "parse(format_percent(r)) != r");
  }
  if (r.scale <= ML_RATE_MAX_DECIMALS) {
    char fraction[64];
    decimal_text(fraction, sizeof fraction, r.coefficient, r.scale);
    back = SENTINEL;
    if (ml_rate_parse(&back, fraction, ML_RATE_FRACTION, NULL) != ML_OK ||
        back.coefficient != r.coefficient || back.scale != r.scale) {
      fail_with_seed(seed, i, r, "fraction text does not parse back to r");
    }
  }
}

static void random_round_trip(void **state) {
  (void)state;
  uint64_t s = RANDOM_SEED;
  for (long i = 0; i < ROUND_TRIPS; i++) {
    check_round_trip(RANDOM_SEED, i, random_rate(&s));
  }
}

/* Any coefficient >= 0 and scale 0..11, as the functions accept. */
static ml_rate random_shape(uint64_t *s) {
  int32_t scale = (int32_t)(xorshift64(s) % (ML_RATE_MAX_SCALE + 1));
  uint64_t bits = xorshift64(s) >> 1;
  uint64_t width = xorshift64(s) % 63; /* small and huge coefficients */
  int64_t coefficient = (int64_t)(bits >> width);
  return (ml_rate){coefficient, scale};
}

static void rate_as_mpq(mpq_t q, ml_rate r) {
  mpz_t den;
  mpz_init(den);
  mpz_ui_pow_ui(den, 10, (unsigned long)r.scale);
  mpz_set_si(mpq_numref(q), (long)r.coefficient);
  mpz_set(mpq_denref(q), den);
  mpq_canonicalize(q);
  mpz_clear(den);
}

/* compare and to_fraction against GMP's exact rationals. */
static void random_compare_and_fraction_against_gmp(void **state) {
  (void)state;
  const uint64_t seed = RANDOM_SEED ^ UINT64_C(0xD1B54A32D192ED03);
  uint64_t s = seed;
  mpq_t qa, qb;
  mpq_init(qa);
  mpq_init(qb);
  for (long i = 0; i < RANDOM_PAIRS; i++) {
    ml_rate a = random_shape(&s);
    ml_rate b = random_shape(&s);
    /* Every 4th pair: the same value written one place longer. */
    if (i % 4 == 0 && a.scale < ML_RATE_MAX_SCALE &&
        a.coefficient <= INT64_MAX / 10) {
      b = (ml_rate){a.coefficient * 10, a.scale + 1};
    }
    rate_as_mpq(qa, a);
    rate_as_mpq(qb, b);
    int cmp = mpq_cmp(qa, qb);
    int expected = (cmp > 0) - (cmp < 0);
    if (ml_rate_compare(a, b) != expected ||
        ml_rate_equal(a, b) != (expected == 0)) {
      fail_with_seed(seed, i, a, "compare disagrees with mpq_cmp");
    }
    int64_t num, den;
    ml_rate_to_fraction(a, &num, &den);
    if (mpz_cmp_si(mpq_numref(qa), (long)num) != 0 ||
        mpz_cmp_si(mpq_denref(qa), (long)den) != 0) {
      fail_with_seed(seed, i, a, "to_fraction disagrees with mpq_canonicalize");
    }
  }
  mpq_clear(qa);
  mpq_clear(qb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_accepts),
      cmocka_unit_test(parse_without_error_record),
      cmocka_unit_test(parse_rejects),
      cmocka_unit_test(parse_messages_in_full),
      cmocka_unit_test(parse_quotes_long_input_shortened),
      cmocka_unit_test(make_normalises),
      cmocka_unit_test(make_limits),
      cmocka_unit_test(format_percent_values),
      cmocka_unit_test(format_percent_buffer_size),
      cmocka_unit_test(to_fraction_values),
      cmocka_unit_test(compare_across_scales),
      cmocka_unit_test(random_round_trip),
      cmocka_unit_test(random_compare_and_fraction_against_gmp),
  };
  return cmocka_run_group_tests_name("rate", tests, NULL, NULL);
}

/* lib/rate.c — exact, non-negative rates: parse, build, format, compare.
 *
 * A rate is coefficient * 10^-scale as a fraction (8.5 % = 85 * 10^-3).
 * Everything here is integer arithmetic; the only wide type is a 128-bit
 * integer used to bring two rates to a common scale when comparing them.
 *
 * Decisions beyond the header's words (also in the README):
 * - a decimal mark needs a digit on both sides: "8." and ".5" are ML_EPARSE;
 * - "spaces" are ASCII ' ' only; a tab or a UTF-8 no-break space is
 *   ML_EPARSE, and so is a space inside the number ("8 5", "1 000");
 * - syntax is checked before the limit, so "1000.0000000000" (10 decimals)
 *   is ML_EPARSE, not ML_ERANGE;
 * - err->column is the 1-based byte offset of the offending byte; 0 for
 *   empty text and for ML_ERANGE (no single byte is at fault); on failure
 *   *out is untouched;
 * - functions taking an ml_rate assert coefficient >= 0 and scale 0..11 but
 *   accept a value that is not normalised; equality is by value. */
#include "mikrolan/rate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

__extension__ typedef unsigned __int128 rate_u128;

/* 10^0 .. 10^18: every power of ten an int64 holds. */
static const int64_t power_of_ten[] = {
    INT64_C(1),
    INT64_C(10),
    INT64_C(100),
    INT64_C(1000),
    INT64_C(10000),
    INT64_C(100000),
    INT64_C(1000000),
    INT64_C(10000000),
    INT64_C(100000000),
    INT64_C(1000000000),
    INT64_C(10000000000),
    INT64_C(100000000000),
    INT64_C(1000000000000),
    INT64_C(10000000000000),
    INT64_C(100000000000000),
    INT64_C(1000000000000000),
    INT64_C(10000000000000000),
    INT64_C(100000000000000000),
    INT64_C(1000000000000000000),
};

/* Percent digits to a fraction: 8.5 (percent) is 0.085, two more places. */
enum { PERCENT_EXTRA_SCALE = 2 };

/* The largest rate as a fraction is 10 (1000 %). */
enum { MAX_FRACTION_UNITS = ML_RATE_MAX_PERCENT / 100 };

/* The shape every function needs from a rate it is given; a struct outside
 * it was not made by this module, which is a programming error. */
static void assert_rate_shape(ml_rate rate) {
  ML_ASSERT(rate.coefficient >= 0);
  ML_ASSERT(rate.scale >= 0 && rate.scale <= ML_RATE_MAX_SCALE);
}

/* coefficient * 10^-scale <= 10, i.e. coefficient <= 10^(scale + 1); the
 * bound fits int64 because scale <= 11. */
static int fraction_within_limit(int64_t coefficient, int32_t scale) {
  return coefficient <= MAX_FRACTION_UNITS * power_of_ten[scale];
}

/* Strips trailing zeros so that equal rates have equal representations;
 * zero becomes {0, 0}. */
static ml_rate rate_normalised(int64_t coefficient, int32_t scale) {
  if (coefficient == 0) return (ml_rate){0, 0};
  while (scale > 0 && coefficient % 10 == 0) {
    coefficient /= 10;
    scale--;
  }
  return (ml_rate){coefficient, scale};
}

ml_status ml_rate_make(ml_rate *out, int64_t coefficient, int32_t scale) {
  ML_ASSERT(out != NULL);
  if (coefficient < 0) return ML_ERANGE;
  if (scale < 0 || scale > ML_RATE_MAX_SCALE) return ML_ERANGE;
  if (!fraction_within_limit(coefficient, scale)) return ML_ERANGE;
  *out = rate_normalised(coefficient, scale);
  return ML_OK;
}

/* ---- parsing ------------------------------------------------------------ */

/* Digits beyond this are counted no further: any value above it is already
 * far above the largest rate (at most 10^12 units at 9 decimals). */
#define DIGITS_SATURATION UINT64_C(10000000000000)

typedef struct rate_parser {
  const char *text;
  ml_rate_form form;
  ml_error *err;
  size_t pos;        /* offset of the next byte to read */
  uint64_t digits;   /* every digit read, mark removed, saturated */
  int32_t decimals;  /* digits after the mark */
} rate_parser;

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_mark(char c) { return c == '.' || c == ','; }

static const char *expected_form(ml_rate_form form) {
  return form == ML_RATE_PERCENT
             ? "a percentage such as \"8.5\", \"8,5 %\" or \"8.5%\""
             : "a fraction such as \"0.085\"";
}

/* One failure: `rate "<input>": <what> [at column N]; expected <expected>`.
 * column is the 1-based byte offset of the offending byte, 0 for none. */
static ml_status parse_fail(const rate_parser *p, ml_status code, long column,
                            const char *what, const char *expected) {
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, p->text);
  char where[32] = "";
  if (column > 0) snprintf(where, sizeof where, " at column %ld", column);
  return ml_error_set(p->err, code, "rate", 0, column,
                      "rate %s: %s%s; expected %s", quoted, what, where,
                      expected);
}

static long column_of(size_t offset) { return (long)offset + 1; }

/* A byte that has no place where it stands: named, or shown in hex when it
 * is not printable ASCII (a UTF-8 no-break space, a tab). */
static ml_status fail_unexpected(const rate_parser *p, size_t at) {
  unsigned char c = (unsigned char)p->text[at];
  char what[48];
  if (c == '+' || c == '-') {
    snprintf(what, sizeof what, "a sign ('%c') is not allowed", (char)c);
  } else if (c > 0x20 && c < 0x7f) {
    snprintf(what, sizeof what, "unexpected '%c'", (char)c);
  } else {
    snprintf(what, sizeof what, "unexpected byte 0x%02X", (unsigned)c);
  }
  return parse_fail(p, ML_EPARSE, column_of(at), what, expected_form(p->form));
}

static void skip_spaces(rate_parser *p) {
  while (p->text[p->pos] == ' ') p->pos++;
}

static void take_digit(rate_parser *p) {
  if (p->digits <= DIGITS_SATURATION) {
    p->digits = p->digits * 10 + (uint64_t)(p->text[p->pos] - '0');
  }
  p->pos++;
}

/* The digits before the mark: at least one. */
static ml_status read_integer_part(rate_parser *p) {
  char c = p->text[p->pos];
  if (is_mark(c)) {
    return parse_fail(p, ML_EPARSE, column_of(p->pos),
                      "no digit before the decimal mark",
                      "a digit on both sides of the mark, as in \"0.5\"");
  }
  if (c == '%') {
    return parse_fail(p, ML_EPARSE, column_of(p->pos), "no digits before '%'",
                      expected_form(p->form));
  }
  if (!is_digit(c)) return fail_unexpected(p, p->pos);
  while (is_digit(p->text[p->pos])) take_digit(p);
  return ML_OK;
}

/* After a mark: 1..ML_RATE_MAX_DECIMALS digits, then no second mark. */
static ml_status read_decimal_part(rate_parser *p) {
  size_t mark = p->pos++;
  if (is_mark(p->text[p->pos])) {
    return parse_fail(p, ML_EPARSE, column_of(p->pos), "a second decimal mark",
                      "at most one decimal mark ('.' or ',')");
  }
  if (!is_digit(p->text[p->pos])) {
    return parse_fail(p, ML_EPARSE, column_of(mark),
                      "no digit after the decimal mark",
                      "a digit on both sides of the mark, as in \"8.0\" or "
                      "\"8\"");
  }
  while (is_digit(p->text[p->pos])) {
    if (p->decimals == ML_RATE_MAX_DECIMALS) {
      return parse_fail(p, ML_EPARSE, column_of(p->pos),
                        "more than 9 decimals",
                        "at most 9 digits after the decimal mark");
    }
    take_digit(p);
    p->decimals++;
  }
  if (is_mark(p->text[p->pos])) {
    return parse_fail(p, ML_EPARSE, column_of(p->pos), "a second decimal mark",
                      "at most one decimal mark ('.' or ',')");
  }
  return ML_OK;
}

/* What may follow the number: spaces, in percent form one '%' and more
 * spaces, then the end of the text. */
static ml_status read_tail(rate_parser *p) {
  size_t first_space = p->pos;
  skip_spaces(p);
  char c = p->text[p->pos];
  if (p->pos > first_space && (is_digit(c) || is_mark(c))) {
    return parse_fail(p, ML_EPARSE, column_of(first_space),
                      "a space inside the number", expected_form(p->form));
  }
  if (c == '%') {
    if (p->form == ML_RATE_FRACTION) {
      return parse_fail(p, ML_EPARSE, column_of(p->pos),
                        "'%' is not allowed in fraction form",
                        "a fraction without '%' such as \"0.085\"");
    }
    p->pos++;
    skip_spaces(p);
    if (p->text[p->pos] != '\0') {
      return parse_fail(p, ML_EPARSE, column_of(p->pos), "text after '%'",
                        "nothing after '%'");
    }
  }
  if (p->text[p->pos] != '\0') return fail_unexpected(p, p->pos);
  return ML_OK;
}

static ml_status read_rate_text(rate_parser *p) {
  skip_spaces(p);
  if (p->text[p->pos] == '\0') {
    return parse_fail(p, ML_EPARSE, 0, "empty text", expected_form(p->form));
  }
  ml_status s = read_integer_part(p);
  if (s == ML_OK && is_mark(p->text[p->pos])) s = read_decimal_part(p);
  if (s == ML_OK) s = read_tail(p);
  return s;
}

ml_status ml_rate_parse(ml_rate *out, const char *text, ml_rate_form form,
                        ml_error *err) {
  ML_ASSERT(out != NULL);
  ML_ASSERT(text != NULL);
  ML_ASSERT(form == ML_RATE_PERCENT || form == ML_RATE_FRACTION);
  /* err is only written (ml_error_set), so a caller may pass an
   * uninitialised ml_error; cppcheck 2.10 takes keeping the pointer for a
   * read. */
  /* cppcheck-suppress ctuuninitvar */
  rate_parser p = {text, form, err, 0, 0, 0};
  ml_status s = read_rate_text(&p);
  if (s != ML_OK) return s;

  int32_t scale =
      p.decimals + (form == ML_RATE_PERCENT ? PERCENT_EXTRA_SCALE : 0);
  if (p.digits > DIGITS_SATURATION ||
      !fraction_within_limit((int64_t)p.digits, scale)) {
    return parse_fail(&p, ML_ERANGE, 0, "above the largest rate",
                      form == ML_RATE_PERCENT ? "at most 1000 %"
                                              : "at most 10 (1000 %)");
  }
  *out = rate_normalised((int64_t)p.digits, scale);
  return ML_OK;
}

/* ---- formatting, fractions, comparison ---------------------------------- */

/* The percent text into tmp: the coefficient is the percent value *
 * 10^-(scale - 2). At most 21 bytes (INT64_MAX followed by "00"); the
 * compiler cannot see that the fraction part has at most 9 digits, so
 * tmp gets room for its own worst case. */
static void percent_text(char *tmp, size_t size, ml_rate rate) {
  int32_t places = rate.scale - PERCENT_EXTRA_SCALE;
  if (rate.coefficient == 0) {
    snprintf(tmp, size, "0");
  } else if (places <= 0) {
    /* A whole percent: the coefficient followed by -places zeros. */
    snprintf(tmp, size, "%" PRId64 "%.*s", rate.coefficient, (int)-places,
             "00");
  } else {
    int64_t unit = power_of_ten[places];
    snprintf(tmp, size, "%" PRId64 ".%0*" PRId64, rate.coefficient / unit,
             (int)places, rate.coefficient % unit);
    /* A rate that is not normalised may carry trailing zeros; drop them. */
    size_t n = strlen(tmp);
    while (tmp[n - 1] == '0') tmp[--n] = '\0';
    if (tmp[n - 1] == '.') tmp[n - 1] = '\0';
  }
}

ml_status ml_rate_format_percent(char *buf, size_t size, ml_rate rate) {
  ML_ASSERT(buf != NULL || size == 0);
  assert_rate_shape(rate);
  char tmp[64];
  percent_text(tmp, sizeof tmp, rate);
  size_t needed = strlen(tmp) + 1;
  if (needed > size) {
    if (size > 0) buf[0] = '\0';
    return ML_EBUFFER;
  }
  memcpy(buf, tmp, needed);
  return ML_OK;
}

void ml_rate_to_fraction(ml_rate rate, int64_t *num, int64_t *den) {
  ML_ASSERT(num != NULL && den != NULL);
  assert_rate_shape(rate);
  int64_t d = power_of_ten[rate.scale];
  int64_t g = ml_gcd64(rate.coefficient, d); /* d > 0, so g > 0 */
  *num = rate.coefficient / g;
  *den = d / g;
}

/* The rate in units of 10^-scale (scale >= rate.scale): up to
 * (2^63 - 1) * 10^11, which needs 128 bits. */
static rate_u128 units_at_scale(ml_rate rate, int32_t scale) {
  return (rate_u128)rate.coefficient *
         (rate_u128)power_of_ten[scale - rate.scale];
}

int ml_rate_compare(ml_rate a, ml_rate b) {
  assert_rate_shape(a);
  assert_rate_shape(b);
  int32_t common = a.scale > b.scale ? a.scale : b.scale;
  rate_u128 x = units_at_scale(a, common);
  rate_u128 y = units_at_scale(b, common);
  return (x > y) - (x < y);
}

int ml_rate_equal(ml_rate a, ml_rate b) { return ml_rate_compare(a, b) == 0; }

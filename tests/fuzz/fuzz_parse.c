/*
 * tests/fuzz/fuzz_parse.c — the text parsers over arbitrary text:
 * ml_amount_parse (every known currency and hand-built exponents 0..18,
 * no rounding and every rounding mode), ml_rate_parse (both forms),
 * ml_date_parse, and the name parsers of every enum.
 *
 * Input: one or two bytes pick the currency, one the rounding mode (or
 * none) and the rate form; the rest is the text.
 *
 * Checked: a failure fills err (code, field, a message) and leaves *out
 * alone; every success formats and parses back to the same value; a date
 * formats back to its exact text; a name parser's result is named by the
 * matching name function. Amounts in plain ASCII form ("-12.345") are
 * also checked against an independent exact reference below.
 */
#include "fuzz.h"

__extension__ typedef __int128 i128;

/* ---- a reference for plain amounts ------------------------------------- */

/* What the reference decided: it covers texts of the form
 * ' '* [+-]? digits ([.,] digits)? ' '* made of ASCII only, and any other
 * text of digits, signs and marks without inner spaces (malformed). */
typedef enum expectation {
  EXPECT_UNKNOWN = 0, /* outside the reference's scope */
  EXPECT_VALUE,
  EXPECT_PARSE_ERROR,
  EXPECT_RANGE_ERROR
} expectation;

static int is_plain_char(char c) {
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
         c == ',';
}

/* The exact quotient num/den (den > 0) rounded to an integer by mode. */
static i128 rounded_quotient(i128 num, i128 den, ml_rounding mode) {
  i128 q = num / den, r = num % den;
  if (r == 0) return q;
  int negative = num < 0;
  i128 twice = (r < 0 ? -r : r) * 2;
  int above_half = twice > den, at_half = twice == den;
  int away = 0;
  switch (mode) {
    case ML_ROUND_UP: away = 1; break;
    case ML_ROUND_DOWN: away = 0; break;
    case ML_ROUND_CEILING: away = !negative; break;
    case ML_ROUND_FLOOR: away = negative; break;
    case ML_ROUND_HALF_UP: away = above_half || at_half; break;
    case ML_ROUND_HALF_DOWN: away = above_half; break;
    case ML_ROUND_HALF_EVEN: away = above_half || (at_half && (q % 2 != 0)); break;
  }
  return away ? (negative ? q - 1 : q + 1) : q;
}

static expectation reference_amount(const char *text, ml_currency cur,
                                    const ml_rounding *rounding,
                                    ml_amount *value) {
  const char *p = text, *end = text + strlen(text);
  while (*p == ' ') p++;
  while (end > p && end[-1] == ' ') end--;
  for (const char *q = p; q < end; q++) {
    if (!is_plain_char(*q)) return EXPECT_UNKNOWN;
  }
  if (p == end) return EXPECT_PARSE_ERROR;
  int negative = 0;
  if (*p == '+' || *p == '-') negative = *p++ == '-';
  const char *int_start = p;
  while (p < end && *p >= '0' && *p <= '9') p++;
  const char *int_end = p, *frac_start = p, *frac_end = p;
  if (int_end == int_start) return EXPECT_PARSE_ERROR;
  if (p < end && (*p == '.' || *p == ',')) {
    frac_start = ++p;
    while (p < end && *p >= '0' && *p <= '9') p++;
    frac_end = p;
    if (frac_end == frac_start) return EXPECT_PARSE_ERROR;
  }
  if (p != end) return EXPECT_PARSE_ERROR;
  long decimals = (long)(frac_end - frac_start);
  if (decimals > cur.exponent && rounding == NULL) return EXPECT_PARSE_ERROR;
  /* The integer digits alone decide "too large" beyond 19 significant. */
  while (int_start + 1 < int_end && *int_start == '0') int_start++;
  if (int_end - int_start > 19) return EXPECT_RANGE_ERROR;
  long scale = decimals > cur.exponent ? decimals : cur.exponent;
  if ((int_end - int_start) + scale > 36) return EXPECT_UNKNOWN; /* i128 */
  /* N = all digits, value = N * 10^(exponent - decimals), rounded. */
  i128 n = 0;
  for (const char *q = int_start; q < int_end; q++) n = n * 10 + (*q - '0');
  for (const char *q = frac_start; q < frac_end; q++) n = n * 10 + (*q - '0');
  if (negative) n = -n;
  i128 v;
  if (decimals <= cur.exponent) {
    v = n;
    for (long k = decimals; k < cur.exponent; k++) v *= 10;
  } else {
    i128 den = 1;
    for (long k = cur.exponent; k < decimals; k++) den *= 10;
    v = rounded_quotient(n, den, *rounding);
  }
  if (v < INT64_MIN || v > INT64_MAX) return EXPECT_RANGE_ERROR;
  *value = (ml_amount)v;
  return EXPECT_VALUE;
}

/* ---- checks -------------------------------------------------------------- */

static void check_failure(ml_status st, const ml_error *err,
                          const char *field) {
  FUZZ_CHECK(st < 0);
  FUZZ_CHECK(err->code == st);
  FUZZ_CHECK(strcmp(err->field, field) == 0);
  FUZZ_CHECK(err->message[0] != '\0');
  FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
  FUZZ_CHECK(err->column >= 0);
}

static void check_amount_round_trip(ml_amount value, ml_currency cur) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  ml_amount back = 0;
  FUZZ_CHECK(ml_amount_format(buf, sizeof buf, value, cur) == ML_OK);
  FUZZ_CHECK(ml_amount_parse(&back, buf, cur, NULL, NULL) == ML_OK);
  FUZZ_CHECK(back == value);
  FUZZ_CHECK(ml_amount_format_sv(buf, sizeof buf, value, cur, 0) == ML_OK);
  FUZZ_CHECK(ml_amount_parse(&back, buf, cur, NULL, NULL) == ML_OK);
  FUZZ_CHECK(back == value);
  FUZZ_CHECK(ml_amount_format_sv(buf, sizeof buf, value, cur, 1) == ML_OK);
  /* a buffer one byte short of the text is ML_EBUFFER */
  size_t len = strlen(buf);
  char small[ML_AMOUNT_FORMAT_SIZE];
  FUZZ_CHECK(ml_amount_format_sv(small, len, value, cur, 1) == ML_EBUFFER);
}

static void fuzz_amount_text(const char *text, ml_currency cur,
                             const ml_rounding *rounding) {
  const ml_amount untouched = INT64_C(0x5a5a5a5a5a5a5a5a);
  ml_amount value = untouched;
  ml_error err;
  ml_status st = ml_amount_parse(&value, text, cur, rounding, &err);
  ml_amount expected = 0;
  expectation e = reference_amount(text, cur, rounding, &expected);
  if (st != ML_OK) {
    check_failure(st, &err, "amount");
    FUZZ_CHECK(value == untouched);
    FUZZ_CHECK(st == ML_EPARSE || st == ML_ERANGE);
    FUZZ_CHECK((size_t)err.column <= strlen(text) + 1);
    FUZZ_CHECK(e == EXPECT_UNKNOWN ||
               (e == EXPECT_PARSE_ERROR ? ML_EPARSE : ML_ERANGE) == st);
    FUZZ_CHECK(e != EXPECT_VALUE);
    return;
  }
  FUZZ_CHECK(e == EXPECT_UNKNOWN || (e == EXPECT_VALUE && value == expected));
  check_amount_round_trip(value, cur);
  /* An exact text needs no rounding: every mode reads the same value. */
  if (rounding == NULL) {
    for (int m = ML_ROUND_HALF_EVEN; m <= ML_ROUND_FLOOR; m++) {
      ml_rounding mode = (ml_rounding)m;
      ml_amount again = 0;
      FUZZ_CHECK(ml_amount_parse(&again, text, cur, &mode, NULL) == ML_OK);
      FUZZ_CHECK(again == value);
    }
  }
}

static void fuzz_rate_text(const char *text, ml_rate_form form) {
  ml_rate r = {-7, -7};
  ml_error err;
  ml_status st = ml_rate_parse(&r, text, form, &err);
  if (st != ML_OK) {
    check_failure(st, &err, "rate");
    FUZZ_CHECK(st == ML_EPARSE || st == ML_ERANGE);
    FUZZ_CHECK(r.coefficient == -7 && r.scale == -7);
    return;
  }
  FUZZ_CHECK(r.coefficient >= 0);
  FUZZ_CHECK(r.scale >= 0 && r.scale <= ML_RATE_MAX_SCALE);
  FUZZ_CHECK(r.scale == 0 || r.coefficient % 10 != 0); /* normalised */
  ml_rate made;
  FUZZ_CHECK(ml_rate_make(&made, r.coefficient, r.scale) == ML_OK);
  FUZZ_CHECK(ml_rate_equal(made, r) && ml_rate_compare(made, r) == 0);
  int64_t num, den;
  ml_rate_to_fraction(r, &num, &den);
  FUZZ_CHECK(den > 0 && num >= 0);
  FUZZ_CHECK(num <= 10 * den); /* at most 1000 % */
  char buf[ML_RATE_FORMAT_SIZE];
  FUZZ_CHECK(ml_rate_format_percent(buf, sizeof buf, r) == ML_OK);
  ml_rate back;
  FUZZ_CHECK(ml_rate_parse(&back, buf, ML_RATE_PERCENT, NULL) == ML_OK);
  FUZZ_CHECK(ml_rate_equal(back, r));
  FUZZ_CHECK(back.coefficient == r.coefficient && back.scale == r.scale);
}

static void fuzz_date_text(const char *text) {
  ml_date d = 0x5a5a5a5a;
  ml_error err;
  ml_status st = ml_date_parse(&d, text, &err);
  if (st != ML_OK) {
    check_failure(st, &err, "date");
    FUZZ_CHECK(st == ML_EPARSE || st == ML_ERANGE);
    FUZZ_CHECK(d == 0x5a5a5a5a);
    return;
  }
  FUZZ_CHECK(d >= ML_DATE_MIN && d <= ML_DATE_MAX);
  char buf[ML_DATE_FORMAT_SIZE];
  FUZZ_CHECK(ml_date_format(buf, sizeof buf, d) == ML_OK);
  FUZZ_CHECK(strcmp(buf, text) == 0); /* strict ISO: the only spelling */
  int y, m, day;
  ml_date_to_civil(d, &y, &m, &day);
  ml_date again;
  FUZZ_CHECK(ml_date_from_civil(&again, y, m, day, NULL) == ML_OK);
  FUZZ_CHECK(again == d);
  int wd = ml_date_weekday(d);
  FUZZ_CHECK(wd >= 1 && wd <= 7);
}

/* ---- name parsers ------------------------------------------------------- */

/* Parser and name function of one enum, through int. */
#define CHECK_NAME(type, parse, name)                           \
  do {                                                          \
    type v_;                                                    \
    if (parse(&v_, text, NULL) == ML_OK) {                      \
      const char *n_ = name(v_);                                \
      FUZZ_CHECK(n_ != NULL && strcmp(n_, text) == 0);          \
    }                                                           \
  } while (0)

static void fuzz_names(const char *text) {
  CHECK_NAME(ml_rounding, ml_rounding_parse, ml_rounding_name);
  CHECK_NAME(ml_day_count, ml_day_count_parse, ml_day_count_name);
  CHECK_NAME(ml_calendar_kind, ml_calendar_kind_parse, ml_calendar_kind_name);
  CHECK_NAME(ml_business_day, ml_business_day_parse, ml_business_day_name);
  CHECK_NAME(ml_method, ml_method_parse, ml_method_name);
  CHECK_NAME(ml_event_type, ml_event_type_parse, ml_event_type_name);
  CHECK_NAME(ml_component, ml_component_parse, ml_component_name);
  CHECK_NAME(ml_allocation, ml_allocation_parse, ml_allocation_name);
  CHECK_NAME(ml_prepayment, ml_prepayment_parse, ml_prepayment_name);
  CHECK_NAME(ml_apr_basis, ml_apr_basis_parse, ml_apr_basis_name);

  ml_frequency f;
  if (ml_frequency_parse(&f, text, NULL) == ML_OK) {
    char buf[16];
    ml_frequency back;
    FUZZ_CHECK(f.every >= 1 && f.every <= ML_SCHEDULE_MAX_EVERY);
    FUZZ_CHECK(ml_frequency_format(buf, sizeof buf, f) == ML_OK);
    FUZZ_CHECK(ml_frequency_parse(&back, buf, NULL) == ML_OK);
    FUZZ_CHECK(back.unit == f.unit && back.every == f.every);
  }
  ml_interest_basis basis = ML_INTEREST_PER_PERIOD;
  ml_day_count dc = ML_DC_ACT_365F;
  if (ml_interest_parse(&basis, &dc, text, NULL) == ML_OK) {
    FUZZ_CHECK(basis == ML_INTEREST_PER_PERIOD
                   ? strcmp(text, "per-period") == 0
                   : strcmp(ml_day_count_name(dc), text) == 0);
  }
  ml_currency cur;
  if (ml_currency_find(&cur, text, NULL) == ML_OK) {
    FUZZ_CHECK(strlen(text) == 3 && cur.exponent >= 0 && cur.exponent <= 4);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_bytes b = {data, size};
  ml_currency cur = fuzz_currency(&b);
  uint8_t modes = fuzz_u8(&b);
  ml_rounding mode = (ml_rounding)(modes % 8 == 7 ? 0 : modes % 8);
  const ml_rounding *rounding = modes % 8 == 7 ? NULL : &mode;
  char *text = fuzz_rest_string(&b);

  fuzz_amount_text(text, cur, rounding);
  if (rounding != NULL) fuzz_amount_text(text, cur, NULL);
  fuzz_rate_text(text, (modes & 8) ? ML_RATE_FRACTION : ML_RATE_PERCENT);
  fuzz_date_text(text);
  fuzz_names(text);
  free(text);
  return 0;
}

/* lib/money.c — currencies, rounding names, exact amount parsing and
 * formatting, rounding to an increment. */
#include "internal.h"
#include "plain_parse.h"
#include "round.h"

#include "mikrolan/money.h"

#include <stdio.h>
#include <string.h>

/* ---- currencies -------------------------------------------------------- */

static const ml_currency known_currencies[] = {
    {"SEK", 2}, {"EUR", 2}, {"USD", 2}, {"NOK", 2}, {"DKK", 2},
    {"GBP", 2}, {"CHF", 2}, {"ISK", 0}, {"JPY", 0},
};
#define KNOWN_CURRENCY_NAMES "SEK, EUR, USD, NOK, DKK, GBP, CHF, ISK, JPY"

/* The largest exponent whose power of ten fits in int64 (10^18); a currency
 * beyond it is a programming error (ISO 4217 stops at 4). */
enum { MAX_EXPONENT = 18 };

/* A NUL within code[0..4): a loop, not memchr, as every parse asks. */
static int code_terminated(const char code[4]) {
  return code[0] == '\0' || code[1] == '\0' || code[2] == '\0' ||
         code[3] == '\0';
}

static void assert_currency(ml_currency cur) {
  ML_ASSERT(cur.exponent >= 0 && cur.exponent <= MAX_EXPONENT);
  ML_ASSERT(code_terminated(cur.code));
}

ml_currency ml_currency_default(void) { return known_currencies[0]; }

static char ascii_upper(char c) {
  if (c >= 'a' && c <= 'z') return (char)(c - 'a' + 'A');
  return c;
}

static int code_equal_ignoring_case(const char *code, const char *known) {
  for (size_t i = 0; i < 3; i++) {
    if (ascii_upper(code[i]) != known[i]) return 0; /* also stops at NUL */
  }
  return code[3] == '\0';
}

ml_status ml_currency_find(ml_currency *out, const char *code, ml_error *err) {
  ML_ASSERT(out != NULL && code != NULL);
  for (size_t i = 0; i < sizeof known_currencies / sizeof known_currencies[0];
       i++) {
    if (code_equal_ignoring_case(code, known_currencies[i].code)) {
      *out = known_currencies[i];
      return ML_OK;
    }
  }
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, code);
  return ml_error_set(err, ML_ENOTFOUND, "currency", 0, 0,
                      "unknown currency %s: expected one of "
                      KNOWN_CURRENCY_NAMES,
                      quoted);
}

/* ---- rounding modes ---------------------------------------------------- */

static const char *const rounding_names[] = {
    "half-even", "half-up", "half-down", "up", "down", "ceiling", "floor",
};

const char *ml_rounding_name(ml_rounding mode) {
  unsigned index = (unsigned)mode;
  return index < sizeof rounding_names / sizeof rounding_names[0]
             ? rounding_names[index]
             : NULL;
}

ml_status ml_rounding_parse(ml_rounding *out, const char *text,
                            ml_error *err) {
  ML_ASSERT(out != NULL && text != NULL);
  int i = 0;
  ml_status st = ml_parse_name(
      &i, rounding_names, sizeof rounding_names / sizeof rounding_names[0],
      text, "rounding", "rounding mode", err);
  if (st == ML_OK) *out = (ml_rounding)i;
  return st;
}

/* ---- rounding to an increment ------------------------------------------ */

ml_status ml_round_quotient(ml_amount *out, int64_t num, int64_t den,
                            ml_amount increment, ml_rounding mode) {
  return ml_round_i64(out, num, den, increment, mode);
}

ml_status ml_amount_round(ml_amount *out, ml_amount amount,
                          ml_amount increment, ml_rounding mode) {
  return ml_round_i64(out, amount, 1, increment, mode);
}

/* ---- formatting -------------------------------------------------------- */

/* |amount| without overflow: INT64_MIN's magnitude is 2^63. */
static uint64_t magnitude_of(ml_amount amount) {
  return amount < 0 ? 0u - (uint64_t)amount : (uint64_t)amount;
}

typedef struct number_style {
  char mark;           /* decimal mark */
  const char *group;   /* between groups of three integer digits, or NULL */
  const char *unit;    /* appended after a space, or NULL */
} number_style;

/* Writes the text backwards into the end of tmp; returns its start. Big
 * enough: 19 digits, 6 group separators, a mark, a sign, a unit of 3. */
enum { COMPOSE_SIZE = 64 };

static char *compose_backwards(char tmp[COMPOSE_SIZE], ml_amount amount,
                               ml_currency cur, number_style style) {
  /* One past the end, a valid pointer (cppcheck 2.10 takes it for an
   * overflow across the call). */
  /* cppcheck-suppress ctuPointerArith */
  char *p = tmp + COMPOSE_SIZE;
  *--p = '\0';
  if (style.unit != NULL) {
    size_t n = strlen(style.unit);
    p -= n;
    memcpy(p, style.unit, n);
    *--p = ' ';
  }
  uint64_t m = magnitude_of(amount);
  for (int i = 0; i < cur.exponent; i++, m /= 10) *--p = (char)('0' + m % 10);
  if (cur.exponent > 0) *--p = style.mark;
  int digits = 0;
  do {
    if (style.group != NULL && digits > 0 && digits % 3 == 0) {
      size_t n = strlen(style.group);
      p -= n;
      memcpy(p, style.group, n);
    }
    *--p = (char)('0' + m % 10);
    m /= 10;
    digits++;
  } while (m != 0);
  if (amount < 0) *--p = '-';
  return p;
}

static ml_status copy_out(char *buf, size_t size, const char *text) {
  size_t n = strlen(text);
  if (n >= size) {
    if (size > 0) buf[0] = '\0';
    return ML_EBUFFER;
  }
  memcpy(buf, text, n + 1);
  return ML_OK;
}

ml_status ml_amount_format(char *buf, size_t size, ml_amount amount,
                           ml_currency cur) {
  ML_ASSERT(buf != NULL);
  assert_currency(cur);
  char tmp[COMPOSE_SIZE];
  number_style style = {'.', NULL, NULL};
  return copy_out(buf, size, compose_backwards(tmp, amount, cur, style));
}

ml_status ml_amount_format_sv(char *buf, size_t size, ml_amount amount,
                              ml_currency cur, int unit) {
  ML_ASSERT(buf != NULL);
  assert_currency(cur);
  char tmp[COMPOSE_SIZE];
  const char *unit_text = NULL;
  if (unit) unit_text = strcmp(cur.code, "SEK") == 0 ? "kr" : cur.code;
  number_style style = {',', " ", unit_text};
  return copy_out(buf, size, compose_backwards(tmp, amount, cur, style));
}

/* ---- parsing ----------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length in bytes of the group separator at p (space, '_', U+00A0 or
 * U+202F in UTF-8), or 0 when there is none. */
static size_t separator_length(const char *p) {
  if (*p == ' ' || *p == '_') return 1;
  if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) return 2;
  if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
      (unsigned char)p[2] == 0xAF)
    return 3;
  return 0;
}

/* Names the character at p (before end) for a message. */
static void describe_character(char *buf, size_t size, const char *p,
                               const char *end) {
  unsigned char c = (unsigned char)*p;
  if (p >= end) {
    snprintf(buf, size, "end of the amount");
  } else if (c == 0xC2 && separator_length(p) == 2) {
    snprintf(buf, size, "no-break space (U+00A0)");
  } else if (c == 0xE2 && separator_length(p) == 3) {
    snprintf(buf, size, "narrow no-break space (U+202F)");
  } else if (c == ' ') {
    snprintf(buf, size, "space");
  } else if (c > 0x20 && c < 0x7F) {
    snprintf(buf, size, "'%c'", (char)c);
  } else {
    snprintf(buf, size, "byte 0x%02X", (unsigned)c);
  }
}

/* What the parser has read so far: the magnitude in minor units and, past
 * the currency's decimals, what the rest of the digits say about rounding. */
typedef struct amount_reading {
  uint64_t magnitude;   /* integer digits and the first `exponent` decimals */
  uint64_t limit;       /* 2^63 - 1, or 2^63 when negative */
  int overflow;         /* the magnitude went past limit */
  int negative;
  int decimals;         /* decimal digits seen */
  const char *excess;   /* the first decimal beyond the exponent, or NULL */
  int excess_first;     /* its value */
  int excess_rest_nonzero; /* a nonzero digit after it */
} amount_reading;

static void append_minor_digit(amount_reading *r, int digit) {
  if (r->overflow) return;
  if (r->magnitude > (r->limit - (uint64_t)digit) / 10) {
    r->overflow = 1;
    return;
  }
  r->magnitude = r->magnitude * 10 + (uint64_t)digit;
}

static void read_decimal(amount_reading *r, const char *p, int exponent) {
  int digit = *p - '0';
  r->decimals++;
  if (r->decimals <= exponent) {
    append_minor_digit(r, digit);
  } else if (r->excess == NULL) {
    r->excess = p;
    r->excess_first = digit;
  } else if (digit != 0) {
    r->excess_rest_nonzero = 1;
  }
}

typedef struct amount_text {
  const char *text;  /* the whole input, for messages and columns */
  const char *end;   /* the end of the amount, trailing spaces excluded */
  ml_error *err;
} amount_text;

static ml_status unexpected(const amount_text *t, const char *p,
                            const char *expected) {
  char quoted[64];
  char what[48];
  ml_quote_input(quoted, sizeof quoted, t->text);
  describe_character(what, sizeof what, p, t->end);
  long column = (long)(p - t->text) + 1;
  return ml_error_set(t->err, ML_EPARSE, "amount", 0, column,
                      "amount %s: unexpected %s at column %ld; expected %s",
                      quoted, what, column, expected);
}

/* The integer part: digits, each group separator between two digits.
 * Returns the position after it; *dangling is set when it stopped after a
 * separator that no digit follows (the caller reports what came instead). */
static const char *scan_integer_part(amount_reading *r, const char *p,
                                     const char *end, int *dangling) {
  *dangling = 0;
  while (p < end) {
    if (is_digit(*p)) {
      append_minor_digit(r, *p - '0');
      p++;
      continue;
    }
    size_t sep = separator_length(p);
    if (sep == 0) break;
    p += sep;
    if (p >= end || !is_digit(*p)) {
      *dangling = 1;
      break;
    }
  }
  return p;
}

static ml_status scan_amount(amount_reading *r, const amount_text *t,
                             const char *p, int exponent) {
  if (*p == '+' || *p == '-') {
    r->negative = *p == '-';
    p++;
  }
  r->limit = r->negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (p >= t->end || !is_digit(*p)) return unexpected(t, p, "a digit");
  int dangling;
  p = scan_integer_part(r, p, t->end, &dangling);
  if (dangling) return unexpected(t, p, "a digit after the group separator");
  if (p < t->end && (*p == '.' || *p == ',')) {
    p++;
    if (p >= t->end || !is_digit(*p)) {
      return unexpected(t, p, "a digit after the decimal mark");
    }
    for (; p < t->end && is_digit(*p); p++) read_decimal(r, p, exponent);
    if (p < t->end && (*p == '.' || *p == ',')) {
      return unexpected(t, p, "only one decimal mark");
    }
    if (p < t->end && separator_length(p) != 0) {
      return unexpected(t, p,
                        "a digit (group separators are allowed only before "
                        "the decimal mark)");
    }
    if (p < t->end) return unexpected(t, p, "a digit");
    return ML_OK;
  }
  if (p < t->end) {
    return unexpected(t, p,
                      "a digit, a group separator or a decimal mark "
                      "('.' or ',')");
  }
  return ML_OK;
}

/* Pads the magnitude with zeros for the decimals the text left out. */
static void pad_decimals(amount_reading *r, int exponent) {
  for (int i = r->decimals; i < exponent; i++) append_minor_digit(r, 0);
}

/* Rounds away the excess decimals, exactly: the first excess digit and
 * whether any later one is nonzero place the value against the midpoint. */
static void round_excess(amount_reading *r, ml_rounding mode) {
  if (r->excess == NULL || r->overflow) return;
  if (r->excess_first == 0 && !r->excess_rest_nonzero) return; /* exact */
  int half = r->excess_first > 5   ? 1
             : r->excess_first < 5 ? -1
                                   : (r->excess_rest_nonzero ? 1 : 0);
  if (ml_round_away(mode, r->negative, half, (int)(r->magnitude & 1))) {
    if (r->magnitude == r->limit) {
      r->overflow = 1;
    } else {
      r->magnitude++;
    }
  }
}

static ml_status excess_decimals_error(const amount_text *t,
                                       const amount_reading *r,
                                       ml_currency cur) {
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, t->text);
  return ml_error_set(
      t->err, ML_EPARSE, "amount", 0, (long)(r->excess - t->text) + 1,
      "amount %s has %d decimal%s but %s has %d; expected at most %d "
      "decimal%s",
      quoted, r->decimals, r->decimals == 1 ? "" : "s", cur.code,
      cur.exponent, cur.exponent, cur.exponent == 1 ? "" : "s");
}

static ml_status out_of_range_error(const amount_text *t, ml_currency cur) {
  char quoted[64];
  char lowest[ML_AMOUNT_FORMAT_SIZE];
  char highest[ML_AMOUNT_FORMAT_SIZE];
  ml_quote_input(quoted, sizeof quoted, t->text);
  ML_ASSERT(ml_amount_format(lowest, sizeof lowest, INT64_MIN, cur) == ML_OK);
  ML_ASSERT(ml_amount_format(highest, sizeof highest, INT64_MAX, cur) ==
            ML_OK);
  return ml_error_set(t->err, ML_ERANGE, "amount", 0, 0,
                      "amount %s is out of range; expected a value from %s "
                      "to %s %s",
                      quoted, lowest, highest, cur.code);
}

/*
 * The common case read at once (lib/plain_parse.h): ASCII digits,
 * optionally a '.' and one to `exponent` digits, nothing else, and at most
 * 18 digits once padded to the currency's decimals (so the value fits
 * without a check). The value is the one the general parser gives; 0 when
 * the text is anything else.
 */
int ml_amount_parse_plain(ml_amount *out, const char *text, size_t len,
                          int exponent) {
  /* 10^k for the decimals a currency's exponent still asks for (a
   * multiplication, not a loop whose count varies from amount to amount) */
  static const uint64_t scale[MAX_EXPONENT + 1] = {
      1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
      1000000000, UINT64_C(10000000000), UINT64_C(100000000000),
      UINT64_C(1000000000000), UINT64_C(10000000000000),
      UINT64_C(100000000000000), UINT64_C(1000000000000000),
      UINT64_C(10000000000000000), UINT64_C(100000000000000000),
      UINT64_C(1000000000000000000)};
  uint64_t value = 0;
  const char *p = text, *mark = NULL;
  /* one loop over the digits on both sides of the mark: its end is the
   * one branch that depends on the amount's length */
  for (;; p++) {
    unsigned digit = (unsigned)(unsigned char)*p - '0';
    if (digit <= 9) {
      value = value * 10 + digit;
    } else if (*p == '.' && mark == NULL) {
      mark = p;
    } else {
      break;
    }
  }
  const int digits = (int)((mark != NULL ? mark : p) - text);
  const int decimals = mark != NULL ? (int)(p - mark - 1) : 0;
  if (digits == 0 || (mark != NULL && decimals == 0) || p != text + len ||
      decimals > exponent || digits + exponent > 18) {
    return 0;
  }
  *out = (ml_amount)(value * scale[exponent - decimals]);
  return 1;
}

/* The value of 8 ASCII digits, the first the most significant: the
 * digits paired, then the pairs, then the fours, each by one multiply. */
static uint64_t eight_digits(uint64_t w) {
  w -= UINT64_C(0x3030303030303030);
  w = (w * 10 + (w >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
  w = (w * 100 + (w >> 16)) & UINT64_C(0x0000ffff0000ffff);
  return (w * 10000 + (w >> 32)) & UINT64_C(0xffffffff);
}

/* Whether every byte of w is an ASCII digit. */
static int all_digits(uint64_t w) {
  const uint64_t high = UINT64_C(0xf0f0f0f0f0f0f0f0);
  const uint64_t zeros = UINT64_C(0x3030303030303030);
  return (w & high) == zeros &&
         ((w + UINT64_C(0x0606060606060606)) & high) == zeros;
}

int ml_amount_parse_plain_wide(ml_amount *out, const char *text, size_t len,
                               int exponent) {
  /* the common amount: up to 8 digits, a mark, 2 decimals */
  if (exponent != 2 || len < 4 || len > 11 || text[len - 3] != '.') {
    return ml_amount_parse_plain(out, text, len, exponent);
  }
  const size_t digits = len - 3;
  uint64_t w;
  memcpy(&w, text, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w); /* the first byte in the lowest bits */
#endif
  /* the digits to the top, '0's below them: the bytes after the digits
   * (the mark and what follows) are shifted out */
  const unsigned pad = 8 * (unsigned)(8 - digits); /* 0..56 */
  w = (w << pad) | (UINT64_C(0x3030303030303030) & ((UINT64_C(1) << pad) - 1));
  const unsigned d1 = (unsigned)(unsigned char)text[len - 2] - '0';
  const unsigned d2 = (unsigned)(unsigned char)text[len - 1] - '0';
  if (!all_digits(w) || d1 > 9 || d2 > 9) {
    return ml_amount_parse_plain(out, text, len, exponent);
  }
  *out = (ml_amount)(eight_digits(w) * 100 + (uint64_t)(d1 * 10 + d2));
  return 1;
}

ml_status ml_amount_parse(ml_amount *out, const char *text, ml_currency cur,
                          const ml_rounding *rounding, ml_error *err) {
  ML_ASSERT(out != NULL && text != NULL);
  assert_currency(cur);
  if (rounding != NULL) ml_round_assert_mode(*rounding);
  if (ml_amount_parse_plain(out, text, strlen(text), cur.exponent)) {
    return ML_OK;
  }

  const char *p = text;
  while (*p == ' ') p++;
  const char *end = p + strlen(p);
  while (end > p && end[-1] == ' ') end--;
  /* err is only written (ml_error_set), so a caller may pass an
   * uninitialised ml_error; cppcheck 2.10 takes keeping the pointer for a
   * read. */
  /* cppcheck-suppress ctuuninitvar */
  amount_text t = {text, end, err};
  if (p == end) {
    char quoted[64];
    ml_quote_input(quoted, sizeof quoted, text);
    return ml_error_set(err, ML_EPARSE, "amount", 0, 0,
                        "amount %s is empty; expected a number such as "
                        "\"1234.50\"",
                        quoted);
  }

  amount_reading r;
  memset(&r, 0, sizeof r);
  ml_status status = scan_amount(&r, &t, p, cur.exponent);
  if (status != ML_OK) return status;
  if (r.excess != NULL && rounding == NULL) {
    return excess_decimals_error(&t, &r, cur);
  }
  pad_decimals(&r, cur.exponent);
  if (rounding != NULL) round_excess(&r, *rounding);
  if (r.overflow) return out_of_range_error(&t, cur);

  if (!r.negative) {
    *out = (ml_amount)r.magnitude;
  } else {
    *out = r.magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                  : -(ml_amount)r.magnitude;
  }
  return ML_OK;
}

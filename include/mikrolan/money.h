/*
 * mikrolan/money.h — amounts in minor units, currencies, exact parsing and
 * formatting, and rounding to an increment.
 *
 * An amount is an int64_t count of the currency's minor units (öre for SEK).
 * No amount is ever decided by floating point.
 */
#ifndef MIKROLAN_MONEY_H
#define MIKROLAN_MONEY_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t ml_amount;

/* A currency: its ISO 4217 code and exponent (minor-unit digits). */
typedef struct ml_currency {
  char code[4]; /* "SEK", NUL-terminated */
  int exponent; /* 2 for SEK, 0 for JPY; 0..18 (asserted) */
} ml_currency;

/* SEK, the default currency: { "SEK", 2 }. */
ML_API ml_currency ml_currency_default(void);

/*
 * Looks up a currency by its ISO 4217 code (three letters, case-insensitive).
 * Known: SEK, EUR, USD, NOK, DKK, GBP, ISK, CHF (2 decimals except ISK 0),
 * JPY (0). Unknown codes are ML_ENOTFOUND with a message naming the code.
 * Thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_currency_find(ml_currency *out,
                                               const char *code,
                                               ml_error *err);

/*
 * Rounding modes, as the General Decimal Arithmetic specification defines
 * them. The numeric values are pinned.
 */
typedef enum ml_rounding {
  ML_ROUND_HALF_EVEN = 0, /* nearest; ties to the even multiple (default) */
  ML_ROUND_HALF_UP = 1,   /* nearest; ties away from zero */
  ML_ROUND_HALF_DOWN = 2, /* nearest; ties toward zero */
  ML_ROUND_UP = 3,        /* away from zero */
  ML_ROUND_DOWN = 4,      /* toward zero (truncate) */
  ML_ROUND_CEILING = 5,   /* toward +infinity */
  ML_ROUND_FLOOR = 6      /* toward -infinity */
} ml_rounding;

/* "half-even", "half-up", "half-down", "up", "down", "ceiling", "floor";
 * NULL for a value outside the enum. */
ML_API const char *ml_rounding_name(ml_rounding mode);

/* Parses one of the names above (exact, lower case). Anything else is
 * ML_EINVAL with a message listing the accepted names. */
ML_API ML_NODISCARD ml_status ml_rounding_parse(ml_rounding *out,
                                                const char *text,
                                                ml_error *err);

/*
 * Rounds the exact quotient num/den to a multiple of increment with the
 * given mode: *out = n * increment where n is num/(den * increment) rounded
 * to an integer. den must not be 0 and increment must be > 0 (ML_EINVAL
 * otherwise). ML_ERANGE when the result does not fit in int64.
 * Intermediates are exact (128-bit). Allocates nothing; thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_round_quotient(ml_amount *out, int64_t num,
                                                int64_t den,
                                                ml_amount increment,
                                                ml_rounding mode);

/* Rounds an amount to a multiple of increment (> 0): ml_round_quotient(out,
 * amount, 1, increment, mode). */
ML_API ML_NODISCARD ml_status ml_amount_round(ml_amount *out,
                                              ml_amount amount,
                                              ml_amount increment,
                                              ml_rounding mode);

/*
 * Parses an amount in major units into minor units of currency cur.
 * Accepted: an optional sign (+ or -), digits with optional group separators
 * (space, no-break space U+00A0, narrow no-break space U+202F, or '_', each
 * between two digits of the integer part), and an optional decimal mark
 * ('.' or ',') followed by at least one digit. At least one digit must come
 * before the mark: ".5" and "1." are ML_EPARSE. Examples: "250000",
 * "250000.5", "1 234,50", "-0.05". Leading and trailing ASCII spaces are
 * ignored.
 *
 * More decimals than the currency has (trailing zeros count) are ML_EPARSE,
 * unless rounding is not NULL: then the exact value is rounded to one minor
 * unit with *rounding. Empty text, a second decimal mark, letters, a
 * misplaced separator are ML_EPARSE; a value outside INT64_MIN..INT64_MAX
 * minor units (-9223372036854775808..9223372036854775807, so every
 * formatted amount parses back) is ML_ERANGE. A malformed text is ML_EPARSE
 * even when it is also too large. The message quotes the input and says
 * what was expected; err->field is "amount"; err->column is the 1-based
 * byte position of the offending character where there is one (0 for empty
 * text and out-of-range values). *out is written only on ML_OK.
 * Allocates nothing; thread-safe.
 */
ML_API ML_NODISCARD ml_status ml_amount_parse(ml_amount *out, const char *text,
                                              ml_currency cur,
                                              const ml_rounding *rounding,
                                              ml_error *err);

/* Room for any formatted amount, including the NUL. */
#define ML_AMOUNT_FORMAT_SIZE 48

/*
 * Canonical machine form: optional '-', integer digits without grouping, and
 * the currency's decimals after a '.': "1234.50", "-0.05", "7" (JPY).
 * Writes at most size bytes including the NUL; ML_EBUFFER if it does not fit
 * (ML_AMOUNT_FORMAT_SIZE always does). Thread-safe, allocates nothing.
 */
ML_API ML_NODISCARD ml_status ml_amount_format(char *buf, size_t size,
                                               ml_amount amount,
                                               ml_currency cur);

/*
 * Swedish human form: groups of three digits separated by a space (U+0020,
 * so that ml_amount_parse reads it back), ',' as the decimal mark, and the
 * unit after a space: "kr" for SEK, the ISO code otherwise.
 * "1 234,50 kr", "-0,05 kr", "12 000,00 EUR".
 * When unit is 0 the unit is left out ("1 234,50").
 */
ML_API ML_NODISCARD ml_status ml_amount_format_sv(char *buf, size_t size,
                                                  ml_amount amount,
                                                  ml_currency cur, int unit);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_MONEY_H */

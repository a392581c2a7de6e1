/*
 * mikrolan/rate.h — exact, non-negative interest rates.
 *
 * A rate is a decimal fraction coefficient * 10^-scale (8.5 % = 0.085 =
 * 85 * 10^-3), kept in lowest decimal terms (no trailing zeros in the
 * coefficient unless scale is 0), so equal rates have equal representations.
 */
#ifndef MIKROLAN_RATE_H
#define MIKROLAN_RATE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ml_rate {
  int64_t coefficient; /* >= 0 */
  int32_t scale;       /* 0..ML_RATE_MAX_SCALE */
} ml_rate;

/* Most decimal places accepted in the text of a rate. */
#define ML_RATE_MAX_DECIMALS 9
/* Largest scale of a fraction: 9 decimals of a percent. */
#define ML_RATE_MAX_SCALE 11
/* Largest rate: 1000 % = 10 as a fraction. */
#define ML_RATE_MAX_PERCENT 1000

/* How the text of a rate is to be read. */
typedef enum ml_rate_form {
  ML_RATE_PERCENT = 0, /* "8.5", "8,5 %", "8.5%" mean 8.5 % */
  ML_RATE_FRACTION = 1 /* "0.085" means 8.5 % ; a '%' sign is rejected */
} ml_rate_form;

/*
 * Parses a rate. Accepted: digits, an optional decimal mark ('.' or ',')
 * with 1..9 digits after it, and in ML_RATE_PERCENT form an optional '%'
 * (spaces allowed before it). Leading/trailing spaces are ignored. Rejected
 * with ML_EPARSE: empty text, a sign, letters, two marks, more than 9
 * decimals; with ML_ERANGE: more than 1000 %. The message quotes the input.
 */
ML_API ML_NODISCARD ml_status ml_rate_parse(ml_rate *out, const char *text,
                                            ml_rate_form form, ml_error *err);

/* Builds a rate from coefficient * 10^-scale (as a fraction), normalised.
 * ML_ERANGE for a negative coefficient, a scale outside 0..11 or more than
 * 1000 %. */
ML_API ML_NODISCARD ml_status ml_rate_make(ml_rate *out, int64_t coefficient,
                                           int32_t scale);

/* Room for any formatted rate, including the NUL. */
#define ML_RATE_FORMAT_SIZE 32

/* Formats as a percent without trailing zeros and without the sign: 0.085 ->
 * "8.5", 0.1 -> "10", 0.000000000010 -> "0.000000001". ML_EBUFFER if size is
 * too small. */
ML_API ML_NODISCARD ml_status ml_rate_format_percent(char *buf, size_t size,
                                                     ml_rate rate);

/* The exact value as a fraction num/den in lowest terms (den > 0):
 * 8.5 % -> 17/200. */
ML_API void ml_rate_to_fraction(ml_rate rate, int64_t *num, int64_t *den);

/* 1 if a and b are the same rate, 0 otherwise. */
ML_API int ml_rate_equal(ml_rate a, ml_rate b);

/* -1, 0 or 1 as a < b, a == b, a > b (exact). */
ML_API int ml_rate_compare(ml_rate a, ml_rate b);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_RATE_H */

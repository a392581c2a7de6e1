/* tests/test_core.c — status names, the error record, version, checked
 * arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "internal.h"
#include "mikrolan.h"

static void status_values_are_pinned(void **state) {
  (void)state;
  assert_int_equal(ML_OK, 0);
  assert_int_equal(ML_EINVAL, -1);
  assert_int_equal(ML_EPARSE, -2);
  assert_int_equal(ML_ERANGE, -3);
  assert_int_equal(ML_ELIMIT, -4);
  assert_int_equal(ML_ENOMEM, -5);
  assert_int_equal(ML_EOVERFLOW, -6);
  assert_int_equal(ML_EBUFFER, -7);
  assert_int_equal(ML_ESTATE, -8);
  assert_int_equal(ML_ENOTFOUND, -9);
  assert_int_equal(ML_EIO, -10);
  assert_int_equal(ML_ENOROOT, -11);
}

static void status_names(void **state) {
  (void)state;
  assert_string_equal(ml_status_name(ML_OK), "ML_OK");
  assert_string_equal(ml_status_name(ML_EPARSE), "ML_EPARSE");
  assert_string_equal(ml_status_name(ML_ENOROOT), "ML_ENOROOT");
  assert_string_equal(ml_status_name((ml_status)-999), "ML_UNKNOWN");
  assert_string_equal(ml_status_describe(ML_ELIMIT),
                      "input beyond a documented limit");
  assert_string_equal(ml_status_describe((ml_status)42), "unknown status");
  /* the sentences of README's table of codes, each */
  static const char *const sentences[] = {
      "success",
      "a value is not allowed (unknown name, bad combination)",
      "text is not in the expected form",
      "a value is outside the supported range",
      "input beyond a documented limit",
      "an allocation failed",
      "an exact result does not fit in its type",
      "a caller-provided buffer is too small",
      "not allowed in the current state",
      "a named thing does not exist",
      "reading or writing a file failed",
      "an equation has no root in the searched interval"};
  for (int k = 0; k <= 11; k++) {
    assert_string_equal(ml_status_describe((ml_status)-k), sentences[k]);
  }
}

static void error_set_fills_every_member(void **state) {
  (void)state;
  ml_error err;
  ml_error_clear(&err);
  assert_int_equal(err.code, ML_OK);
  assert_string_equal(err.field, "");
  ml_status s = ml_error_set(&err, ML_EPARSE, "principal", 3, 7,
                             "bad value %d", 42);
  assert_int_equal(s, ML_EPARSE);
  assert_int_equal(err.code, ML_EPARSE);
  assert_string_equal(err.field, "principal");
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 7);
  assert_string_equal(err.message, "bad value 42");
  /* NULL error: still returns the code. */
  assert_int_equal(ml_error_set(NULL, ML_ERANGE, "x", 0, 0, "y"), ML_ERANGE);
}

static void error_set_truncates(void **state) {
  (void)state;
  ml_error err;
  char longfield[200];
  memset(longfield, 'f', sizeof longfield - 1);
  longfield[sizeof longfield - 1] = '\0';
  (void)ml_error_set(&err, ML_EINVAL, longfield, 0, 0, "%s", longfield);
  assert_int_equal(strlen(err.field), ML_ERROR_FIELD_SIZE - 1);
  char msg[400];
  memset(msg, 'm', sizeof msg - 1);
  msg[sizeof msg - 1] = '\0';
  (void)ml_error_set(&err, ML_EINVAL, "f", 0, 0, "%s", msg);
  assert_int_equal(strlen(err.message), ML_ERROR_MESSAGE_SIZE - 1);
}

static void quote_input_shortens_long_text(void **state) {
  (void)state;
  char buf[64];
  ml_quote_input(buf, sizeof buf, "12x");
  assert_string_equal(buf, "\"12x\"");
  ml_quote_input(buf, sizeof buf,
                 "0123456789012345678901234567890123456789ABCDEF");
  assert_string_equal(buf, "\"0123456789012345678901234567890123456789...\"");
}

/* n copies of the character ch (UTF-8) after prefix, into buf. */
static const char *repeated(char *buf, size_t size, const char *prefix,
                            const char *ch, int n) {
  size_t used = (size_t)snprintf(buf, size, "%s", prefix);
  for (int i = 0; i < n; i++) {
    used += (size_t)snprintf(buf + used, size - used, "%s", ch);
  }
  return buf;
}

/* A cut never splits a character: a text of 3-byte euro signs cut at 47
 * bytes keeps 15 of them (45 bytes), 4-byte ones 11 (44), and a quote of
 * 40 bytes shown keeps 13 euro signs (39) or "a" and 19 e-acutes (39).
 * (They were cut mid-character: invalid UTF-8 in err.) */
static void truncation_keeps_whole_characters(void **state) {
  (void)state;
  ml_error err;
  char text[512], want[512];
  (void)ml_error_set(&err, ML_EINVAL, repeated(text, sizeof text, "", "\u20ac",
                                               20),
                     0, 0, "x");
  assert_string_equal(err.field, repeated(want, sizeof want, "", "\u20ac", 15));
  (void)ml_error_set(&err, ML_EINVAL,
                     repeated(text, sizeof text, "", "\U0001F600", 20), 0, 0,
                     "x");
  assert_string_equal(err.field,
                      repeated(want, sizeof want, "", "\U0001F600", 11));
  /* the message: 255 bytes kept at most; "x" and 84 euro signs are 253 */
  (void)ml_error_set(&err, ML_EINVAL, "f", 0, 0, "%s",
                     repeated(text, sizeof text, "x", "\u20ac", 100));
  assert_string_equal(err.message,
                      repeated(want, sizeof want, "x", "\u20ac", 84));
  /* the cut itself: whole characters kept, a split one dropped */
  assert_int_equal(ml_utf8_cut("a\u20ac", 4), 4);
  assert_int_equal(ml_utf8_cut("a\u20ac", 3), 1);
  assert_int_equal(ml_utf8_cut("a\u20ac", 2), 1);
  assert_int_equal(ml_utf8_cut("\U0001F600", 3), 0);
  assert_int_equal(ml_utf8_cut("\U0001F600", 4), 4);
  assert_int_equal(ml_utf8_cut("\u00e9\u00e9", 3), 2);
  assert_int_equal(ml_utf8_cut("abc", 2), 2);
  assert_int_equal(ml_utf8_cut("", 0), 0);
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted,
                 repeated(text, sizeof text, "", "\u20ac", 14));
  repeated(want, sizeof want, "\"", "\u20ac", 13);
  assert_string_equal(quoted, strcat(want, "...\""));
  ml_quote_input(quoted, sizeof quoted,
                 repeated(text, sizeof text, "a", "\u00e9", 30));
  repeated(want, sizeof want, "\"a", "\u00e9", 19);
  assert_string_equal(quoted, strcat(want, "...\""));
}

static void version(void **state) {
  (void)state;
  assert_string_equal(ml_version_string(), ML_VERSION_STRING);
  assert_int_equal(ml_version_number(), ML_VERSION_NUMBER);
  assert_int_equal(ML_VERSION_NUMBER, 100);
}

static void checked_arithmetic(void **state) {
  (void)state;
  int64_t r = 7;
  assert_int_equal(ml_int64_add(&r, INT64_MAX - 1, 1), ML_OK);
  assert_true(r == INT64_MAX);
  r = 7;
  assert_int_equal(ml_int64_add(&r, INT64_MAX, 1), ML_EOVERFLOW);
  assert_int_equal(r, 7); /* untouched on overflow */
  assert_int_equal(ml_int64_add(&r, INT64_MIN, -1), ML_EOVERFLOW);
  assert_int_equal(ml_int64_sub(&r, INT64_MIN + 1, 1), ML_OK);
  assert_true(r == INT64_MIN);
  assert_int_equal(ml_int64_sub(&r, INT64_MIN, 1), ML_EOVERFLOW);
  assert_int_equal(ml_int64_sub(&r, 0, INT64_MIN), ML_EOVERFLOW);
  assert_int_equal(ml_int64_mul(&r, 3037000499LL, 3037000499LL), ML_OK);
  assert_true(r == 9223372030926249001LL);
  assert_int_equal(ml_int64_mul(&r, 3037000500LL, 3037000500LL),
                   ML_EOVERFLOW);
  assert_int_equal(ml_int64_mul(&r, INT64_MIN, -1), ML_EOVERFLOW);
  assert_int_equal(ml_int64_mul(&r, -4, 5), ML_OK);
  assert_int_equal(r, -20);
}

static void assertion_true_is_silent(void **state) {
  (void)state;
  ML_ASSERT(1 + 1 == 2); /* a false one aborts; see the death test script */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(status_values_are_pinned),
      cmocka_unit_test(status_names),
      cmocka_unit_test(error_set_fills_every_member),
      cmocka_unit_test(error_set_truncates),
      cmocka_unit_test(quote_input_shortens_long_text),
      cmocka_unit_test(truncation_keeps_whole_characters),
      cmocka_unit_test(version),
      cmocka_unit_test(checked_arithmetic),
      cmocka_unit_test(assertion_true_is_silent),
  };
  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}

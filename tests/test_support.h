/*
 * tests/test_support.h — helpers every cmocka test of the library shares.
 * Include after <cmocka.h> (fail_msg) and "mikrolan.h".
 */
#ifndef MIKROLAN_TESTS_TEST_SUPPORT_H
#define MIKROLAN_TESTS_TEST_SUPPORT_H

/* The day number of an ISO date the test writes out; a typo in the test
 * fails it with the parser's message. */
static inline ml_date date_of(const char *iso) {
  ml_date d;
  ml_error err;
  if (ml_date_parse(&d, iso, &err) != ML_OK) {
    fail_msg("%s: %s", iso, err.message);
  }
  return d;
}

#endif

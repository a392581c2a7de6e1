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

/* The seeded generator of the randomised tests (xorshift64: 13, 7, 17). */
static inline uint64_t xorshift64(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

/* A value in lo..hi from it (the whole int64 range when that is asked). */
static inline int64_t rand_range(uint64_t *s, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0: all of int64 */
  uint64_t x = xorshift64(s);
  return (int64_t)((uint64_t)lo + (span != 0 ? x % span : x));
}

#endif

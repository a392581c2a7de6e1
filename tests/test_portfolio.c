/*
 * tests/test_portfolio.c — the portfolio accumulator: a hand-computed
 * portfolio over every bucket boundary and loan state, merge equivalence
 * over shuffled chunkings and thread counts, many keys in any order, keys
 * made to share their hash, and every rejection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "segment_hash.h"
#include "test_support.h"

static ml_loan_status status(ml_loan_state state, ml_amount principal,
                             int32_t dpd, ml_amount arrears) {
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.as_of = date_of("2026-06-30");
  s.state = state;
  s.outstanding[ML_PRINCIPAL] = principal;
  s.days_past_due = dpd;
  s.arrears = arrears;
  s.closed_on = ML_DATE_NONE;
  return s;
}

/*
 * The hand-computed portfolio (amounts in öre), as of 2026-06-30, period
 * from 2026-01-01:
 *  1 A active 10,000,000 dpd 0            (start: active 12,000,000)
 *  2 A active  5,000,000 dpd 1   arrears   200,000
 *  3 B active  3,000,000 dpd 30  arrears   400,000
 *  4 B active  2,000,000 dpd 31  arrears   600,000
 *  5 A active  1,000,000 dpd 365 arrears 1,000,000
 *  6 B active    700,000 dpd 366 arrears   700,000
 *  7 A active  4,000,000 dpd 0, restructured
 *  8 B written off 2026-03-01, principal 1,500,000 (start: active 2,000,000)
 *  9 A closed; 10 B credit balance; 11 A pending
 * 12 B written off 2025-12-01, principal 900,000 (before the period)
 * GLP = 25,700,000. PAR>1 = 3+4+5+6 = 6,700,000 (dpd 1 is not > 1; the
 * restructured loan counts only from 30). PAR>30 = 4+5+6+7 = 7,700,000.
 * PAR>60 = PAR>90 = PAR>180 = 5+6+7 = 5,700,000; PAR>365 = 6+7 = 4,700,000.
 * Buckets: current {1,7} 14,000,000; 1-30 {2,3} 8,000,000 overdue 600,000;
 * 31-60 {4}; 61-90 and 91-180 empty; 181-365 {5}; >365 {6}.
 * Provisioning = 10% of 8,000,000 + 25% of 2,000,000 + 90% of 1,000,000 +
 * 100% of 700,000 = 800,000 + 500,000 + 900,000 + 700,000 = 2,900,000.
 * Overdue = 2,900,000. Write-offs in the period = 1,500,000; ratio =
 * 2 * 1,500,000 / (14,000,000 + 25,700,000) = 0.0755667... -> 0.075567.
 */
static void add_hand_portfolio(ml_portfolio *p) {
  ml_loan_status s[12];
  s[0] = status(ML_LOAN_ACTIVE, 10000000, 0, 0);
  s[1] = status(ML_LOAN_ACTIVE, 5000000, 1, 200000);
  s[2] = status(ML_LOAN_ACTIVE, 3000000, 30, 400000);
  s[3] = status(ML_LOAN_ACTIVE, 2000000, 31, 600000);
  s[4] = status(ML_LOAN_ACTIVE, 1000000, 365, 1000000);
  s[5] = status(ML_LOAN_ACTIVE, 700000, 366, 700000);
  s[6] = status(ML_LOAN_ACTIVE, 4000000, 0, 0);
  s[6].restructured = 1;
  s[7] = status(ML_LOAN_WRITTEN_OFF, 0, 0, 0);
  s[7].closed_on = date_of("2026-03-01");
  s[7].written_off[ML_PRINCIPAL] = 1500000;
  s[8] = status(ML_LOAN_CLOSED, 0, 0, 0);
  s[9] = status(ML_LOAN_CREDIT_BALANCE, 0, 0, 0);
  s[10] = status(ML_LOAN_PENDING, 0, 0, 0);
  s[11] = status(ML_LOAN_WRITTEN_OFF, 0, 0, 0);
  s[11].closed_on = date_of("2025-12-01");
  s[11].written_off[ML_PRINCIPAL] = 900000;
  ml_loan_status start1 = status(ML_LOAN_ACTIVE, 12000000, 0, 0);
  ml_loan_status start8 = status(ML_LOAN_ACTIVE, 2000000, 0, 0);
  static const char *const keys[12] = {"Botkyrka", "Botkyrka", "Nacka",
                                       "Nacka",    "Botkyrka", "Nacka",
                                       "Botkyrka", "Nacka",    "Botkyrka",
                                       "Nacka",    "Botkyrka", "Nacka"};
  for (int i = 0; i < 12; i++) {
    const ml_loan_status *start = i == 0 ? &start1 : i == 7 ? &start8 : NULL;
    assert_int_equal(ml_portfolio_add(p, keys[i], &s[i], start, NULL), ML_OK);
  }
}

static void new_portfolio(ml_portfolio **p) {
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.period_start = date_of("2026-01-01");
  assert_int_equal(ml_portfolio_new(p, &o, NULL), ML_OK);
}

static void assert_ratio(ml_ratio r, const char *want) {
  char buf[32];
  assert_int_equal(ml_ratio_format(buf, sizeof buf, r, 6), ML_OK);
  assert_string_equal(buf, want);
}

/* A ratio whose millionths leave 64 bits (a value above 2^63 / 10^6, a
 * reserve far above PAR30) is still written exactly: 9223372036855 / 1
 * (the reserve 92233720368.55 SEK against 0.01 at risk); 1e13 + 1/128 =
 * ...0.0078125 and 1e13 + 3/128 = ...0.0234375, ties to even: .007812 and
 * .023438; 1e13 + 127/128 = ...0.9921875, the largest fraction such a
 * denominator leaves: .992188. Just below 2^63 / 10^6 the plain path
 * gives the same: 9223372036854 + 1/2 = ...854.500000. */
static void ratio_beyond_64_bits(void **state) {
  (void)state;
  assert_ratio((ml_ratio){INT64_C(9223372036855), 1}, "9223372036855.000000");
  assert_ratio((ml_ratio){INT64_C(1280000000000001), 128},
               "10000000000000.007812");
  assert_ratio((ml_ratio){INT64_C(1280000000000003), 128},
               "10000000000000.023438");
  assert_ratio((ml_ratio){-INT64_C(1280000000000003), 128},
               "-10000000000000.023438");
  assert_ratio((ml_ratio){INT64_C(1280000000000127), 128},
               "10000000000000.992188");
  assert_ratio((ml_ratio){INT64_C(18446744073709), 2}, "9223372036854.500000");
  assert_ratio((ml_ratio){INT64_MAX, 1}, "9223372036854775807.000000");
  char small[8];
  assert_int_equal(ml_ratio_format(small, sizeof small,
                                   (ml_ratio){INT64_C(9223372036855), 1}, 6),
                   ML_EBUFFER);
  assert_string_equal(small, "");
}

static void hand_computed_portfolio(void **state) {
  (void)state;
  ml_portfolio *p;
  new_portfolio(&p);
  add_hand_portfolio(p);
  ml_portfolio_figures t;
  ml_portfolio_total(p, &t);
  assert_int_equal(t.loans, 12);
  assert_int_equal(t.by_state[ML_LOAN_ACTIVE], 7);
  assert_int_equal(t.by_state[ML_LOAN_CLOSED], 1);
  assert_int_equal(t.by_state[ML_LOAN_WRITTEN_OFF], 2);
  assert_int_equal(t.by_state[ML_LOAN_CREDIT_BALANCE], 1);
  assert_int_equal(t.by_state[ML_LOAN_PENDING], 1);
  assert_int_equal(t.gross_portfolio, 25700000);
  static const ml_amount par[6] = {6700000, 7700000, 5700000,
                                   5700000, 5700000, 4700000};
  for (int k = 0; k < 6; k++) assert_int_equal(t.par[k], par[k]);
  static const int64_t loans[7] = {2, 2, 1, 0, 0, 1, 1};
  static const ml_amount principal[7] = {14000000, 8000000, 2000000, 0, 0,
                                         1000000,  700000};
  static const ml_amount overdue[7] = {0, 600000, 600000, 0, 0, 1000000,
                                       700000};
  for (int b = 0; b < 7; b++) {
    assert_int_equal(t.bucket_loans[b], loans[b]);
    assert_int_equal(t.bucket_principal[b], principal[b]);
    assert_int_equal(t.bucket_overdue[b], overdue[b]);
  }
  assert_int_equal(t.overdue, 2900000);
  assert_int_equal(t.provisioning, 2900000);
  assert_int_equal(t.written_off_in_period, 1500000);
  assert_int_equal(t.gross_portfolio_at_start, 14000000);
  assert_ratio(ml_portfolio_par_ratio(&t, 1), "0.299611");  /* 7.7/25.7 */
  assert_ratio(ml_portfolio_par_ratio(&t, 0), "0.260700");  /* 6.7/25.7 */
  assert_ratio(ml_portfolio_arrears_rate(&t), "0.112840");  /* 2.9/25.7 */
  assert_ratio(ml_portfolio_write_off_ratio(&t), "0.075567");
  ml_ratio coverage;
  assert_int_equal(ml_portfolio_risk_coverage(&coverage, p, &t, 3850000),
                   ML_OK);
  assert_ratio(coverage, "0.500000");

  assert_int_equal(ml_portfolio_segment_count(p), 2);
  const char *key;
  ml_portfolio_figures a, b;
  ml_portfolio_segment(p, 0, &key, &a);
  assert_string_equal(key, "Botkyrka");
  ml_portfolio_segment(p, 1, &key, &b);
  assert_string_equal(key, "Nacka");
  assert_int_equal(a.loans, 6);
  assert_int_equal(a.gross_portfolio, 20000000); /* 1, 2, 5, 7 */
  assert_int_equal(a.par[1], 5000000);           /* 5 and 7 */
  assert_int_equal(a.par[0], 1000000);           /* 5 */
  assert_int_equal(b.gross_portfolio, 5700000);  /* 3, 4, 6 */
  assert_int_equal(b.par[0], 5700000);
  assert_int_equal(b.par[1], 2700000);           /* 4 and 6 */
  assert_int_equal(b.written_off_in_period, 1500000);
  ml_portfolio_free(p);
}

/* Restructured loans out of PAR when the option is off. */
static void restructured_option(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.restructured_at_risk = 0;
  ml_portfolio *p;
  assert_int_equal(ml_portfolio_new(&p, &o, NULL), ML_OK);
  ml_loan_status s = status(ML_LOAN_ACTIVE, 4000000, 0, 0);
  s.restructured = 1;
  assert_int_equal(ml_portfolio_add(p, "", &s, NULL, NULL), ML_OK);
  ml_portfolio_figures t;
  ml_portfolio_total(p, &t);
  for (int k = 0; k < 6; k++) assert_int_equal(t.par[k], 0);
  assert_ratio(ml_portfolio_par_ratio(&t, 1), "0.000000");
  ml_portfolio_free(p);
}

/* ---- merge equivalence ------------------------------------------------------- */

static ml_loan_status random_status(uint64_t *s) {
  ml_loan_state state = (ml_loan_state)(xorshift64(s) % 5);
  ml_loan_status st = status(state, (ml_amount)(xorshift64(s) % 25000000),
                             (int32_t)(xorshift64(s) % 500),
                             (ml_amount)(xorshift64(s) % 100000));
  st.restructured = xorshift64(s) % 7 == 0;
  if (state == ML_LOAN_WRITTEN_OFF) {
    st.closed_on = date_of("2025-06-30") + (ml_date)(xorshift64(s) % 365);
    st.written_off[ML_PRINCIPAL] = (ml_amount)(xorshift64(s) % 1000000);
  }
  return st;
}

static void same_figures(const ml_portfolio *a, const ml_portfolio *b,
                         uint64_t seed) {
  size_t n = ml_portfolio_segment_count(a);
  if (n != ml_portfolio_segment_count(b)) {
    fail_msg("seed %#llx: segment counts differ", (unsigned long long)seed);
  }
  for (size_t i = 0; i <= n; i++) {
    ml_portfolio_figures fa, fb;
    const char *ka = "", *kb = "";
    if (i < n) {
      ml_portfolio_segment(a, i, &ka, &fa);
      ml_portfolio_segment(b, i, &kb, &fb);
    } else {
      ml_portfolio_total(a, &fa);
      ml_portfolio_total(b, &fb);
    }
    if (strcmp(ka, kb) != 0 || memcmp(&fa, &fb, sizeof fa) != 0) {
      fail_msg("seed %#llx: segment %zu differs", (unsigned long long)seed, i);
    }
  }
}

enum { LOANS = 20000 };

static void merge_equals_single_accumulator(void **state) {
  (void)state;
  static const char *const keys[] = {"Botkyrka\037F", "Botkyrka\037M",
                                     "Nacka\037F",    "Örebro\037F",
                                     "Västerås\037M", ""};
  static ml_loan_status statuses[LOANS];
  static size_t key_of[LOANS];
  uint64_t seed = 0x9a40001u, s = seed;
  for (size_t i = 0; i < LOANS; i++) {
    statuses[i] = random_status(&s);
    key_of[i] = xorshift64(&s) % 6;
  }
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  o.period_start = date_of("2026-01-01");
  ml_portfolio *single;
  assert_int_equal(ml_portfolio_new(&single, &o, NULL), ML_OK);
  for (size_t i = 0; i < LOANS; i++) {
    assert_int_equal(ml_portfolio_add(single, keys[key_of[i]], &statuses[i],
                                      NULL, NULL), ML_OK);
  }
  static const int threads[] = {1, 2, 8};
  for (int t = 0; t < 3; t++) {
    for (int round = 0; round < 4; round++) {
      /* Chunks of random length dealt to the "threads" in turn, merged in a
       * rotated order. */
      ml_portfolio *parts[8];
      for (int k = 0; k < threads[t]; k++) {
        assert_int_equal(ml_portfolio_new(&parts[k], &o, NULL), ML_OK);
      }
      size_t i = 0;
      int turn = 0;
      while (i < LOANS) {
        size_t chunk = 1 + xorshift64(&s) % 977;
        for (size_t end = i + chunk; i < end && i < LOANS; i++) {
          assert_int_equal(ml_portfolio_add(parts[turn], keys[key_of[i]],
                                            &statuses[i], NULL, NULL), ML_OK);
        }
        turn = (turn + 1) % threads[t];
      }
      ml_portfolio *merged;
      assert_int_equal(ml_portfolio_new(&merged, &o, NULL), ML_OK);
      for (int k = 0; k < threads[t]; k++) {
        int from = (k + round) % threads[t];
        assert_int_equal(ml_portfolio_merge(merged, parts[from], NULL), ML_OK);
      }
      same_figures(single, merged, seed);
      ml_portfolio_free(merged);
      for (int k = 0; k < threads[t]; k++) ml_portfolio_free(parts[k]);
    }
  }
  ml_portfolio_free(single);
}

/* ---- many keys ---------------------------------------------------------------- */

/*
 * Keys of every length from 0 to 40 bytes (across the hash's 8-byte words),
 * prefixes of one another, and keys that differ only in their last byte or
 * only past byte 8, each added 1 to 3 times in a shuffled order and dealt
 * to three accumulators that are then merged. Read back, the segments must
 * be the distinct keys in strcmp order (sorted here by qsort), each with
 * as many loans and as much principal as this test added for it.
 */
enum { KEYS = 6000 };

typedef struct expected_key {
  char key[48];
  int64_t loans, principal;
} expected_key;

static int by_key(const void *a, const void *b) {
  return strcmp(((const expected_key *)a)->key, ((const expected_key *)b)->key);
}

static void make_key(char *key, size_t i) {
  static const char tail[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
  size_t length = i % 41; /* 0..40 */
  memcpy(key, tail, length);
  key[length] = '\0';
  /* i / 41 tells keys of one length apart: in its last byte, or in the
   * bytes from 9 on */
  if (length > 0 && i / 41 > 0) {
    size_t at = (i / 41) % 2 && length > 9 ? 9 : length - 1;
    key[at] = (char)(0x21 + (i / 41) % 90);
    if (length > 12) key[12] = (char)(0x21 + (i / 41 / 90) % 90);
  }
}

static void expect_keys(const ml_portfolio *p, const expected_key *want,
                        size_t distinct) {
  assert_int_equal(ml_portfolio_segment_count(p), distinct);
  for (size_t i = 0; i < distinct; i++) {
    const char *key;
    ml_portfolio_figures f;
    ml_portfolio_segment(p, i, &key, &f);
    assert_string_equal(key, want[i].key);
    assert_int_equal(f.loans, want[i].loans);
    assert_int_equal(f.gross_portfolio, want[i].principal);
  }
}

/* Adds each of want[0..distinct) 1 to 3 times, in a shuffled order, to
 * one accumulator and to three that are then merged, and checks both
 * against want (sorted here). want's counts start at 0. */
static void add_in_any_order(expected_key *want, size_t distinct,
                             uint64_t seed) {
  static size_t adds[3 * KEYS];
  size_t count = 0;
  uint64_t s = seed;
  for (size_t k = 0; k < distinct; k++) {
    for (uint64_t n = 1 + xorshift64(&s) % 3; n > 0; n--) adds[count++] = k;
  }
  for (size_t i = count - 1; i > 0; i--) { /* Fisher-Yates */
    size_t j = (size_t)(xorshift64(&s) % (i + 1)), t = adds[i];
    adds[i] = adds[j];
    adds[j] = t;
  }
  ml_portfolio *parts[3], *single;
  for (int k = 0; k < 3; k++) new_portfolio(&parts[k]);
  new_portfolio(&single);
  for (size_t i = 0; i < count; i++) {
    expected_key *e = &want[adds[i]];
    ml_amount principal = 100 + (ml_amount)(i % 1000);
    ml_loan_status st = status(ML_LOAN_ACTIVE, principal, 0, 0);
    e->loans++;
    e->principal += principal;
    assert_int_equal(ml_portfolio_add(single, e->key, &st, NULL, NULL), ML_OK);
    assert_int_equal(ml_portfolio_add(parts[i % 3], e->key, &st, NULL, NULL),
                     ML_OK);
  }
  qsort(want, distinct, sizeof want[0], by_key);
  expect_keys(single, want, distinct);
  for (int k = 1; k < 3; k++) {
    assert_int_equal(ml_portfolio_merge(parts[0], parts[k], NULL), ML_OK);
  }
  expect_keys(parts[0], want, distinct);
  for (int k = 0; k < 3; k++) ml_portfolio_free(parts[k]);
  ml_portfolio_free(single);
}

static void many_keys_in_any_order(void **state) {
  (void)state;
  static expected_key want[KEYS];
  size_t distinct = 0;
  for (size_t i = 0; i < KEYS; i++) {
    make_key(want[distinct].key, i);
    int seen = 0;
    for (size_t k = 0; k < distinct && !seen; k++) {
      seen = strcmp(want[k].key, want[distinct].key) == 0;
    }
    if (!seen) distinct++;
  }
  add_in_any_order(want, distinct, 0x5e6a11u);
}

/*
 * Keys made to collide: 8-byte keys whose hash has its low 24 bits 0, so
 * that every one of them starts at the same slot of any index up to 2^24
 * slots, made by running the hash backwards from k << 24
 * (ml_segment_key_colliding). Each is checked against the hash itself, so
 * that a new hash whose inverse was not written with it fails this test
 * rather than quietly making keys that do not collide. Half of the keys
 * are such, half ordinary: each must be found, whether in a slot or, past
 * MOST_PROBES, by its sorted place.
 */
static void keys_that_share_a_hash(void **state) {
  (void)state;
  static expected_key want[KEYS];
  size_t distinct = 0;
  uint64_t next = 1;
  for (; distinct < KEYS / 2; distinct++) {
    ml_segment_key_colliding(want[distinct].key, &next);
    assert_int_equal(ml_segment_hash(want[distinct].key, 8) & 0xffffff, 0);
  }
  for (size_t i = 0; distinct < KEYS; i++) {
    make_key(want[distinct].key, 41 * i + 20); /* 20 bytes, all distinct */
    distinct++;
  }
  add_in_any_order(want, distinct, 0xc0111de);
}

/* ---- rejections ------------------------------------------------------------- */

static void rejected_options(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_error err;
  ml_portfolio *p = (ml_portfolio *)&o;
  ml_portfolio_options_init(&o);
  o.thresholds[1] = 1; /* 1, 1: not ascending */
  assert_int_equal(ml_portfolio_new(&p, &o, &err), ML_EINVAL);
  assert_null(p);
  assert_string_equal(err.field, "thresholds");
  assert_string_equal(err.message,
                      "thresholds: at most 16, ascending, each >= 0");
  ml_portfolio_options_init(&o);
  o.bucket_to[0] = -1;
  assert_int_equal(ml_portfolio_options_validate(&o, &err), ML_EINVAL);
  assert_string_equal(err.field, "buckets");
  ml_portfolio_options_init(&o);
  o.bucket_count = ML_PORTFOLIO_MAX_BUCKETS;
  assert_int_equal(ml_portfolio_options_validate(&o, &err), ML_EINVAL);
  assert_string_equal(err.field, "buckets");
  ml_portfolio_options_init(&o);
  o.provisioning[3] = (ml_rate){101, 2};
  assert_int_equal(ml_portfolio_options_validate(&o, &err), ML_EINVAL);
  assert_string_equal(err.field, "provisioning");
  assert_string_equal(err.message,
                      "provisioning: rate 4 must be from 0 % to 100 %");
}

static void rejected_adds_and_merges(void **state) {
  (void)state;
  ml_portfolio *p, *q;
  new_portfolio(&p);
  char key[ML_PORTFOLIO_MAX_KEY + 1];
  memset(key, 'k', sizeof key - 1);
  key[sizeof key - 1] = '\0';
  ml_loan_status s = status(ML_LOAN_ACTIVE, 100, 0, 0);
  ml_error err;
  assert_int_equal(ml_portfolio_add(p, key, &s, NULL, &err), ML_ELIMIT);
  assert_string_equal(err.message, "a segment key is longer than 1023 bytes");
  assert_int_equal(ml_portfolio_segment_count(p), 0);
  s.outstanding[ML_PRINCIPAL] = INT64_MAX;
  assert_int_equal(ml_portfolio_add(p, "x", &s, NULL, NULL), ML_OK);
  s.outstanding[ML_PRINCIPAL] = 1;
  assert_int_equal(ml_portfolio_add(p, "x", &s, NULL, &err), ML_EOVERFLOW);
  assert_string_equal(err.message,
                      "adding the loan takes a sum of the portfolio's total "
                      "(segment \"x\" and all the others) past the int64 "
                      "range");
  ml_portfolio_figures f;
  ml_portfolio_segment(p, 0, NULL, &f);
  assert_int_equal(f.loans, 1); /* nothing of the failed add */
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  assert_int_equal(ml_portfolio_new(&q, &o, NULL), ML_OK);
  assert_int_equal(ml_portfolio_merge(q, p, &err), ML_EINVAL);
  assert_string_equal(err.message,
                      "the portfolios were made with different options");
  ml_portfolio_free(p);
  ml_portfolio_free(q);
}

static void segment_limit(void **state) {
  (void)state;
  ml_portfolio *p;
  new_portfolio(&p);
  ml_loan_status s = status(ML_LOAN_ACTIVE, 100, 0, 0);
  char key[16];
  for (int i = 0; i < ML_PORTFOLIO_MAX_SEGMENTS; i++) {
    snprintf(key, sizeof key, "k%06d", i);
    assert_int_equal(ml_portfolio_add(p, key, &s, NULL, NULL), ML_OK);
  }
  ml_error err;
  assert_int_equal(ml_portfolio_add(p, "z", &s, NULL, &err), ML_ELIMIT);
  assert_string_equal(err.message, "more than 100000 segments");
  assert_int_equal(ml_portfolio_add(p, "k000007", &s, NULL, NULL), ML_OK);
  ml_portfolio_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hand_computed_portfolio),
      cmocka_unit_test(ratio_beyond_64_bits),
      cmocka_unit_test(restructured_option),
      cmocka_unit_test(merge_equals_single_accumulator),
      cmocka_unit_test(many_keys_in_any_order),
      cmocka_unit_test(keys_that_share_a_hash),
      cmocka_unit_test(rejected_options),
      cmocka_unit_test(rejected_adds_and_merges),
      cmocka_unit_test(segment_limit),
  };
  return cmocka_run_group_tests_name("portfolio", tests, NULL, NULL);
}

/*
 * bench/bench_segments.c — the portfolio accumulator with many segments:
 * 1,000,000 adds over 100,000 distinct keys (each key 10 times, in a
 * scattered order), once with ordinary keys and once with keys made to
 * share the low 24 bits of the segment hash (ml_segment_key_colliding), which
 * an unkeyed hash cannot keep out of a file. The second is the worst case
 * the accumulator's probe bound is for; the ratio of the two times says
 * what it costs. The checksum is the sum over segments of their index
 * times their loans plus their gross portfolio, the same for both sets of
 * keys when every add reached its own segment: a lost or doubled segment
 * changes it.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "mikrolan.h"
#include "segment_hash.h"

#define KEYS 100000
#define ADDS_PER_KEY 10
#define KEY_SIZE 9 /* 8 bytes and the NUL */

/* The k-th key of each kind: "S0000000" upwards, or the k-th 8-byte word
 * without a NUL byte whose hash ends in 24 zero bits. */
static void make_keys(char (*keys)[KEY_SIZE], int colliding) {
  uint64_t next = 1;
  for (size_t k = 0; k < KEYS; k++) {
    if (!colliding) {
      snprintf(keys[k], KEY_SIZE, "S%07zu", k);
      continue;
    }
    ml_segment_key_colliding(keys[k], &next);
    if ((ml_segment_hash(keys[k], 8) & 0xffffff) != 0) {
      fprintf(stderr, "bench_segments: a made key does not collide\n");
      exit(1);
    }
  }
}

/* Adds every key ADDS_PER_KEY times, key (i * 7919) mod KEYS at add i (7919
 * is prime to KEYS: each key comes up once per KEYS adds), and returns the
 * seconds the adds took; *checksum as the header says. */
static double run(char (*keys)[KEY_SIZE], uint64_t *checksum) {
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  ml_portfolio *p;
  ml_error err;
  if (ml_portfolio_new(&p, &o, &err) != ML_OK) abort();
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.as_of = 20634; /* 2026-06-30 */
  s.state = ML_LOAN_ACTIVE;
  s.overdue_since = s.next_due_date = s.closed_on = ML_DATE_NONE;
  double start = bench_now_seconds();
  for (int64_t i = 0; i < (int64_t)KEYS * ADDS_PER_KEY; i++) {
    size_t k = (size_t)((i * 7919) % KEYS);
    s.outstanding[ML_PRINCIPAL] = (ml_amount)(k + 1);
    if (ml_portfolio_add(p, keys[k], &s, NULL, &err) != ML_OK) {
      fprintf(stderr, "bench_segments: %s\n", err.message);
      exit(1);
    }
  }
  double seconds = bench_now_seconds() - start;
  uint64_t sum = 0;
  size_t n = ml_portfolio_segment_count(p);
  for (size_t i = 0; i < n; i++) {
    const char *key;
    ml_portfolio_figures f;
    ml_portfolio_segment(p, i, &key, &f);
    sum += (uint64_t)f.loans * i + (uint64_t)f.gross_portfolio;
  }
  *checksum = sum;
  ml_portfolio_free(p);
  return seconds;
}

int main(void) {
  static char keys[KEYS][KEY_SIZE];
  /* What every segment holds: ADDS_PER_KEY loans of principal k + 1,
   * whatever its key; the segments' order then differs by kind. */
  uint64_t want = 0;
  for (uint64_t i = 0; i < KEYS; i++) {
    want += ADDS_PER_KEY * i + ADDS_PER_KEY * (i + 1);
  }
  static const char *const kinds[] = {"ordinary", "colliding"};
  double seconds[2];
  int failed = 0;
  for (int c = 0; c < 2; c++) {
    make_keys(keys, c);
    uint64_t checksum = 0;
    seconds[c] = run(keys, &checksum);
    /* the principal of a segment is 10 (k + 1), and its index some
     * permutation of 0..KEYS-1: the sums match only if every key got its
     * own segment with all its adds */
    failed |= checksum != want;
    printf("portfolio_add keys=%s segments=%d adds=%d seconds=%.3f "
           "adds_per_s=%.0f peak_rss_kib=%ld checksum=%" PRIu64 "\n",
           kinds[c], KEYS, KEYS * ADDS_PER_KEY, seconds[c],
           KEYS * ADDS_PER_KEY / seconds[c], bench_peak_rss_kib(), checksum);
  }
  printf("ratio colliding/ordinary keys = %.1fx\n", seconds[1] / seconds[0]);
  if (failed) {
    fprintf(stderr, "bench_segments: checksum differs from %" PRIu64 "\n",
            want);
    return 1;
  }
  return 0;
}

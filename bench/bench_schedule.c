/*
 * bench/bench_schedule.c — 1,000,000 annuity schedules through the
 * allocation-free batch call (issue 3's workload).
 *
 * Loan i: principal 10000 + (i*7919 mod 240000) SEK, term 6 + (i mod 55)
 * months, 8.5 %, per-period interest, half-up rounding. The checksum is the
 * total interest in öre; it must be 1637818729370, so a fast wrong answer
 * fails the run.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "mikrolan.h"

#define EXPECTED_CHECKSUM INT64_C(1637818729370)

static void bench_terms(ml_schedule_terms *t, int64_t i) {
  t->principal = (10000 + (i * 7919) % 240000) * 100;
  t->installments = (int32_t)(6 + i % 55);
}

int main(int argc, char **argv) {
  int64_t count = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.annual_rate = (ml_rate){85, 3};
  t.rounding = ML_ROUND_HALF_UP;
  t.disbursed = 20468; /* 2026-01-15 */
  static ml_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  int64_t interest = 0, installments = 0;
  double start = bench_now_seconds();
  for (int64_t i = 0; i < count; i++) {
    bench_terms(&t, i);
    size_t n;
    ml_error err;
    if (ml_schedule_compute(rows, sizeof rows / sizeof rows[0], &n, &t,
                            &err) != ML_OK) {
      fprintf(stderr, "bench_schedule: loan %" PRId64 ": %s\n", i,
              err.message);
      return 1;
    }
    for (size_t k = 0; k < n; k++) interest += rows[k].interest;
    installments += (int64_t)n;
  }
  double seconds = bench_now_seconds() - start;
  printf("schedule_compute count=%" PRId64 " seconds=%.3f schedules_per_s=%.0f "
         "installments_per_s=%.0f peak_rss_kib=%ld checksum=%" PRId64 "\n",
         count, seconds, (double)count / seconds,
         (double)installments / seconds, bench_peak_rss_kib(), interest);
  if (count == 1000000 && interest != EXPECTED_CHECKSUM) {
    fprintf(stderr, "bench_schedule: checksum %" PRId64 " != %" PRId64 "\n",
            interest, EXPECTED_CHECKSUM);
    return 1;
  }
  return 0;
}

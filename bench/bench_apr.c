/*
 * bench/bench_apr.c — effective annual rates of 100,000 generated loans
 * through ml_apr_of_terms (issue 6's workload): schedule, flows, a
 * floating-point guess and the exact GMP proof of the rounded digit.
 *
 * Loan i: principal 10000 + (i*7919 mod 240000) SEK, term 6 + (i mod 55)
 * months, 8.5 % nominal, upfront fee 500 SEK, monthly fee 25 SEK, half-up
 * rounding, disbursed 2026-01-15, rate with 1 decimal. The checksum is the
 * sum of the rates in tenths of a percent; for 100,000 loans it must be
 * 10383168, computed independently in Python (schedules with exact
 * fractions, the rounded rate checked by 50-digit decimal signs at both
 * rounding boundaries), so a fast wrong answer fails the run. The partial
 * sums 368 (1 loan), 10940 (100) and 1038191 (10,000) come from the same
 * script.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "mikrolan.h"

#define DEFAULT_COUNT 100000
#define EXPECTED_CHECKSUM INT64_C(10383168)

/* The partial checksums the Python script printed, by count. */
static int expected_checksum(int64_t count, int64_t *out) {
  static const int64_t known[][2] = {
      {1, 368}, {100, 10940}, {10000, 1038191}, {100000, EXPECTED_CHECKSUM}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (known[i][0] == count) {
      *out = known[i][1];
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  int64_t count = argc > 1 ? strtoll(argv[1], NULL, 10) : DEFAULT_COUNT;
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.annual_rate = (ml_rate){85, 3};
  t.rounding = ML_ROUND_HALF_UP;
  t.disbursed = 20468; /* 2026-01-15 */
  t.upfront_fee = 50000;
  t.installment_fee = 2500;
  int64_t checksum = 0;
  int32_t most_bits = 0;
  double start = bench_now_seconds();
  for (int64_t i = 0; i < count; i++) {
    t.principal = (10000 + (i * 7919) % 240000) * 100;
    t.installments = (int32_t)(6 + i % 55);
    ml_apr_result r;
    ml_error err;
    if (ml_apr_of_terms(&r, &t, 1, &err) != ML_OK) {
      fprintf(stderr, "bench_apr: loan %" PRId64 ": %s\n", i, err.message);
      return 1;
    }
    checksum += r.units;
    if (r.proof_bits > most_bits) most_bits = r.proof_bits;
  }
  double seconds = bench_now_seconds() - start;
  printf("apr_of_terms count=%" PRId64 " seconds=%.3f rates_per_s=%.0f "
         "peak_rss_kib=%ld max_proof_bits=%" PRId32 " checksum=%" PRId64
         "\n",
         count, seconds, (double)count / seconds, bench_peak_rss_kib(), most_bits,
         checksum);
  int64_t want;
  if (expected_checksum(count, &want) && checksum != want) {
    fprintf(stderr, "bench_apr: checksum %" PRId64 " != %" PRId64 "\n",
            checksum, want);
    return 1;
  }
  return 0;
}

/*
 * bench/bench_status.c — statuses of 1,000,000 loans with about 20 events
 * each, computed from in-memory journals through the allocation-free batch
 * call (issue 4's workload).
 *
 * A pool of 16,384 generated journals (about 45 MB, more than the caches)
 * is cycled through. Loan i: principal 10000 + (i*7919 mod 240000) SEK,
 * term 6 + (i mod 55) months, 8.5 %, disbursed 2026-01-15; a disbursement
 * and about 19 repayments of the installment, every 7th late by 1-40 days,
 * every 11th partial (half), with a late fee of 60 SEK after 10 days and
 * 20 % default interest. Status as of 2027-06-30. The checksum is the sum of
 * outstanding principal, arrears and days past due, so a fast wrong answer
 * shows.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "mikrolan.h"

#define POOL 16384
#define EVENTS 20

static void loan_terms(ml_schedule_terms *t, int64_t i) {
  ml_schedule_terms_init(t);
  t->principal = (10000 + (i * 7919) % 240000) * 100;
  t->installments = (int32_t)(6 + i % 55);
  t->annual_rate = (ml_rate){85, 3};
  t->disbursed = 20468; /* 2026-01-15 */
}

/* The journal of loan i: a disbursement, then monthly repayments. */
static size_t loan_journal(ml_event *out, const ml_schedule_terms *t,
                           int64_t i) {
  ml_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  size_t n = 0, k = 0;
  if (ml_schedule_compute(rows, sizeof rows / sizeof rows[0], &n, t, NULL) !=
      ML_OK) {
    abort();
  }
  ml_event_init(&out[k++], ML_EVENT_DISBURSEMENT, t->disbursed, t->principal);
  for (size_t r = 0; r < n && k < EVENTS; r++, k++) {
    int64_t j = i * 31 + (int64_t)r;
    ml_date late = j % 7 == 0 ? (ml_date)(1 + j % 40) : 0;
    ml_amount amount = j % 11 == 0 ? rows[r].total / 2 : rows[r].total;
    ml_event_init(&out[k], ML_EVENT_REPAYMENT, rows[r].due_date + late, amount);
  }
  for (size_t e = 0; e < k; e++) out[e].id = (int64_t)e + 1;
  return k;
}

typedef struct journal {
  ml_schedule_terms terms;
  size_t count;
  ml_event events[EVENTS];
} journal;

int main(int argc, char **argv) {
  int64_t count = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
  journal *pool = malloc(POOL * sizeof *pool);
  if (pool == NULL) return 1;
  for (int64_t i = 0; i < POOL; i++) {
    loan_terms(&pool[i].terms, i);
    pool[i].count = loan_journal(pool[i].events, &pool[i].terms, i);
  }
  ml_loan_options o;
  ml_loan_options_init(&o);
  o.late_fee = 6000;
  o.late_fee_days = 10;
  o.default_rate = (ml_rate){2, 1};
  static ml_loan_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  ml_date as_of = 20999; /* 2027-06-30 */
  int64_t checksum = 0, events = 0;
  double start = bench_now_seconds();
  for (int64_t i = 0; i < count; i++) {
    const journal *j = &pool[i % POOL];
    ml_loan_status s;
    ml_error err;
    if (ml_loan_status_compute(&s, rows, sizeof rows / sizeof rows[0],
                               &j->terms, &o, j->events, j->count, as_of,
                               &err) != ML_OK) {
      fprintf(stderr, "bench_status: loan %" PRId64 ": %s\n", i, err.message);
      return 1;
    }
    checksum += s.outstanding[ML_PRINCIPAL] + s.arrears + s.days_past_due;
    events += (int64_t)j->count;
  }
  double seconds = bench_now_seconds() - start;
  printf("loan_status_compute count=%" PRId64 " events=%" PRId64
         " seconds=%.3f statuses_per_s=%.0f events_per_s=%.0f "
         "peak_rss_kib=%ld checksum=%" PRId64 "\n",
         count, events, seconds, (double)count / seconds,
         (double)events / seconds, bench_peak_rss_kib(), checksum);
  free(pool);
  return 0;
}

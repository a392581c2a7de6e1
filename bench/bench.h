/* bench/bench.h — what every benchmark measures with: a monotonic clock
 * and the peak resident set size. Header-only; POSIX. */
#ifndef MIKROLAN_BENCH_H
#define MIKROLAN_BENCH_H

#include <sys/resource.h>
#include <time.h>

static inline double bench_now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The process's peak RSS so far, in KiB. */
static inline long bench_peak_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

#endif

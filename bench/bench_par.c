/*
 * bench/bench_par.c — `mikrolan par` end to end from CSV (issue 5's
 * workload).
 *
 *   bench_par PATH-TO-mikrolan [LOANS [THREADS,THREADS...]]
 *
 * Generates a programme of LOANS loans (default 1,000,000; about 17 events
 * each) with `mikrolan generate --seed 20260630` into a temporary
 * directory, then runs `mikrolan par --by kommun --format csv` over it once
 * per thread count (default 1,2) and prints, per run, the wall time, the
 * CPU time (user + system), loans/s, events/s and the peak resident memory of the child (its own
 * rusage, from wait4), and a checksum of the report (FNV-1a of its CSV).
 * Fails when a run fails, when the total does not count LOANS loans, or
 * when the thread counts give different reports, and the speed-up of each
 * later thread count over the first. The goals (at
 * least 1,000,000 loans/s on one core, at most 64 MiB) are reported, not
 * enforced.
 */
#define _DEFAULT_SOURCE
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define GOAL_LOANS_PER_S 1000000.0
#define GOAL_RSS_KIB (64L * 1024)
#define OUTPUT_MAX (1 << 20)

extern char **environ;

typedef struct child_run {
  double seconds;
  double cpu_seconds; /* user + system time of the child */
  long peak_rss_kib;
  int status;
  char *out; /* standard output, NUL-terminated */
  size_t out_len;
} child_run;

/* Runs argv (NULL-terminated, at most 15 entries) with standard output
 * into r->out; 0, or -1 if it could not start. */
static int run_child(const char *const *argv, child_run *r) {
  char *args[16] = {0};
  size_t n_args = 0;
  while (argv[n_args] != NULL && n_args < 15) n_args++;
  /* posix_spawn takes char *const[]: the same pointers, copied. */
  memcpy(args, argv, n_args * sizeof args[0]);
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  pid_t pid;
  double start = bench_now_seconds();
  int st = posix_spawn(&pid, args[0], &actions, NULL, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (st != 0) {
    close(fds[0]);
    return -1;
  }
  r->out_len = 0;
  ssize_t n;
  while ((n = read(fds[0], r->out + r->out_len,
                   OUTPUT_MAX - 1 - r->out_len)) > 0) {
    r->out_len += (size_t)n;
  }
  r->out[r->out_len] = '\0';
  close(fds[0]);
  int status;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) != pid) return -1;
  r->seconds = bench_now_seconds() - start;
  r->peak_rss_kib = usage.ru_maxrss;
  r->cpu_seconds = (double)usage.ru_utime.tv_sec +
                   (double)usage.ru_utime.tv_usec * 1e-6 +
                   (double)usage.ru_stime.tv_sec +
                   (double)usage.ru_stime.tv_usec * 1e-6;
  r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return 0;
}

static uint64_t fnv1a(const char *s, size_t n) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
  return h;
}

/* The "loans" figure of the report's total row, or -1. */
static long total_loans(const char *csv) {
  const char *total = strstr(csv, "\ntotal,");
  if (total == NULL) return -1;
  /* row,kommun,loans,...: the third field */
  const char *p = strchr(total + 7, ',');
  return p != NULL ? strtol(p + 1, NULL, 10) : -1;
}

static int generate(const char *mikrolan, const char *dir, long loans,
                    long *events, child_run *r) {
  char count[32];
  snprintf(count, sizeof count, "%ld", loans);
  const char *argv[] = {mikrolan, "generate", "--loans", count, "--seed",
                        "20260630", "--out", dir, NULL};
  if (run_child(argv, r) != 0 || r->status != 0) return -1;
  /* "N loans and M events written to ..." */
  if (sscanf(r->out, "%*s loans and %ld events", events) != 1) return -1;
  printf("generate loans=%ld events=%ld seconds=%.3f loans_per_s=%.0f "
         "peak_rss_kib=%ld\n",
         loans, *events, r->seconds, (double)loans / r->seconds,
         r->peak_rss_kib);
  return 0;
}

static int par(const char *mikrolan, const char *dir, const char *threads,
               long loans, long events, uint64_t *checksum, child_run *r) {
  char loans_path[4200], events_path[4200];
  snprintf(loans_path, sizeof loans_path, "%s/loans.csv", dir);
  snprintf(events_path, sizeof events_path, "%s/events.csv", dir);
  const char *argv[] = {mikrolan, "par", "--loans", loans_path, "--events",
                        events_path, "--as-of", "2026-06-30", "--by",
                        "kommun", "--format", "csv", "--threads", threads,
                        NULL};
  if (run_child(argv, r) != 0 || r->status != 0 ||
      total_loans(r->out) != loans) {
    printf("par threads=%s: FAILED\n", threads);
    return -1;
  }
  *checksum = fnv1a(r->out, r->out_len);
  double per_s = (double)loans / r->seconds;
  printf("par loans=%ld events=%ld threads=%s seconds=%.3f cpu_seconds=%.3f "
         "loans_per_s=%.0f events_per_s=%.0f peak_rss_kib=%ld "
         "checksum=%016" PRIx64 "\n",
         loans, events, threads, r->seconds, r->cpu_seconds, per_s,
         (double)events / r->seconds, r->peak_rss_kib, *checksum);
  if (strcmp(threads, "1") == 0) {
    printf("goal one core >= %.0f loans/s: %s; peak RSS <= %ld KiB: %s\n",
           GOAL_LOANS_PER_S, per_s >= GOAL_LOANS_PER_S ? "met" : "NOT met",
           GOAL_RSS_KIB, r->peak_rss_kib <= GOAL_RSS_KIB ? "met" : "NOT met");
  }
  return 0;
}

static void remove_files(const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/loans.csv", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/events.csv", dir);
  unlink(path);
  rmdir(dir);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_par PATH-TO-mikrolan [LOANS [THREADS]]\n");
    return 2;
  }
  long loans = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
  char list[256];
  snprintf(list, sizeof list, "%s", argc > 3 ? argv[3] : "1,2");
  char dir[] = "/tmp/bench_par.XXXXXX";
  child_run r = {0};
  r.out = malloc(OUTPUT_MAX);
  if (r.out == NULL || mkdtemp(dir) == NULL) return 1;
  long events = 0;
  int failed = generate(argv[1], dir, loans, &events, &r) != 0;
  uint64_t first = 0, checksum = 0;
  double first_seconds = 0;
  char first_threads[16] = "";
  int runs = 0;
  for (char *t = strtok(list, ","); !failed && t != NULL;
       t = strtok(NULL, ",")) {
    failed = par(argv[1], dir, t, loans, events, &checksum, &r) != 0;
    if (!failed && runs++ > 0 && checksum != first) {
      printf("par: the reports differ between thread counts: FAILED\n");
      failed = 1;
    }
    if (runs == 1) {
      first = checksum;
      first_seconds = r.seconds;
      snprintf(first_threads, sizeof first_threads, "%s", t);
    } else if (!failed) {
      printf("speed-up threads=%s over threads=%s: %.2fx\n", t,
             first_threads, first_seconds / r.seconds);
    }
  }
  remove_files(dir);
  free(r.out);
  return failed;
}

/*
 * cli/par_ranges.c — `mikrolan par --threads N` as N runs side by side,
 * each over a range of both files.
 *
 * One thread reading for N workers caps the speed-up at what one core
 * reads. So when the loan ids ascend, the loans file is cut into N ranges
 * of whole lines, and the events file where the first loan of each range
 * begins: the events come grouped in the order of the loans, so their ids
 * ascend too and a binary search finds the cut. Each thread runs the
 * one-thread pipeline over its ranges, each file seen as its header line
 * followed by the range, into its own accumulator; the accumulators merge
 * exactly.
 *
 * The cuts are found by looking at single lines, which cannot tell a line
 * from the inside of a quoted field that spans lines, and a range sees
 * neither the loan ids nor the events of the others. Both are made safe
 * the same way: a range is taken only if every range ran without a single
 * problem, the loan ids strictly ascend across the cuts, and then each
 * loan's events were all in its own range (any event in the wrong range
 * is a loan the range does not have: a problem). A cut inside a quoted
 * field leaves the range before it ending inside that field, which the
 * CSV reader rejects. Whenever anything is not so, the ranges' results are
 * dropped and the whole files are read again by one reader, which finds
 * and reports exactly what it would have without ranges. Ranges only ever
 * speed up a run with nothing to report.
 */
/* The feature-test macro that declares fopencookie (glibc, musl): the
 * reserved name is the one the C library asks for. */
// NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "par.h"

/* ---- a range as a FILE ---------------------------------------------------------- */

enum { RANGE_BUFFER = 128 * 1024 };

typedef struct range_file {
  int fd;
  par_range range;
  int64_t pos; /* in the range as the reader sees it */
  char buffer[RANGE_BUFFER]; /* stdio's, until fclose calls range_close */
} range_file;

static int64_t range_length(const par_range *r) {
  return r->header_end + (r->end - r->start);
}

static ssize_t range_read(void *cookie, char *buf, size_t size) {
  range_file *f = cookie;
  const par_range *r = &f->range;
  int64_t left = range_length(r) - f->pos;
  if (left <= 0) return 0;
  int in_header = f->pos < r->header_end;
  int64_t part_end = in_header ? r->header_end : range_length(r);
  size_t n = (size_t)(part_end - f->pos) < size ? (size_t)(part_end - f->pos)
                                                : size;
  off_t at = in_header ? f->pos : r->start + (f->pos - r->header_end);
  ssize_t got = pread(f->fd, buf, n, at);
  if (got > 0) f->pos += got;
  return got;
}

static int range_seek(void *cookie, off64_t *offset, int whence) {
  range_file *f = cookie;
  int64_t base = whence == SEEK_SET   ? 0
                 : whence == SEEK_CUR ? f->pos
                                      : range_length(&f->range);
  if (base + *offset < 0) {
    errno = EINVAL;
    return -1;
  }
  f->pos = base + *offset;
  *offset = f->pos;
  return 0;
}

static int range_close(void *cookie) {
  range_file *f = cookie;
  int st = close(f->fd);
  free(f);
  return st;
}

static FILE *open_range(const char *path, const par_range *r) {
  range_file *f = malloc(sizeof *f);
  if (f == NULL) return NULL;
  f->fd = open(path, O_RDONLY);
  f->range = *r;
  f->pos = 0;
  if (f->fd < 0) {
    free(f);
    return NULL;
  }
  cookie_io_functions_t io = {range_read, NULL, range_seek, range_close};
  FILE *file = fopencookie(f, "rb", io);
  if (file == NULL) {
    range_close(f);
    return NULL;
  }
  /* stdio reads a cookie FILE through its own buffer (8 KiB by default),
   * whatever the size asked: the CSV reader asks for 128 KiB at a time, so
   * a buffer that size makes one pread of each ask, not sixteen. */
  setvbuf(file, f->buffer, _IOFBF, sizeof f->buffer);
  return file;
}

FILE *par_open_file(const par_request *q, int events) {
  const char *path = events ? q->events_path : q->loans_path;
  const par_range *r = events ? &q->events_range : &q->loans_range;
  if (r->header_end != 0) return open_range(path, r);
  FILE *file = fopen(path, "rb");
  /* Unbuffered: the CSV reader asks for 128 KiB at a time, and glibc
   * then reads each ask straight into it with one read; buffered, the
   * part past the last whole 4 KiB took a second read and a copy. */
  if (file != NULL) setvbuf(file, NULL, _IONBF, 0);
  return file;
}

/* ---- finding the cuts ----------------------------------------------------------- */

enum { LINE_MAX_BYTES = ML_CSV_MAX_RECORD + 2, SCAN_BLOCK = 4096 };

/* One of the two files, looked at a line at a time. */
typedef struct cut_file {
  int fd;
  int64_t size;
  int64_t header_end; /* the first line's end, with its line feed */
  size_t id_column;   /* of loan_id */
  char *line;         /* LINE_MAX_BYTES + 1 */
} cut_file;

/* The line at byte `at` (at most LINE_MAX_BYTES, without its ending) into
 * f->line, NUL-terminated; the offset just past its line feed, or -1 when
 * there is no line feed in reach. */
static int64_t line_at(cut_file *f, int64_t at) {
  ssize_t got = pread(f->fd, f->line, LINE_MAX_BYTES, at);
  if (got <= 0) return -1;
  char *nl = memchr(f->line, '\n', (size_t)got);
  if (nl == NULL) return -1;
  size_t n = (size_t)(nl - f->line);
  if (n > 0 && f->line[n - 1] == '\r') n--;
  f->line[n] = '\0';
  return at + (nl - f->line) + 1;
}

/* The field-th comma-separated field of f->line into out (ML_LOAN_ID_SIZE
 * bytes); 0, or -1 when the line has a quote (its fields are then not
 * plain) or has no such field. */
static int plain_field(const cut_file *f, size_t field, char *out) {
  const char *p = f->line;
  if (strchr(p, '"') != NULL) return -1;
  for (size_t i = 0; i < field; i++) {
    p = strchr(p, ',');
    if (p == NULL) return -1;
    p++;
  }
  size_t n = strcspn(p, ",");
  if (n >= ML_LOAN_ID_SIZE) return -1;
  memcpy(out, p, n);
  out[n] = '\0';
  return 0;
}

/* The header: where it ends, and which column is loan_id. */
static int read_header(cut_file *f) {
  f->header_end = line_at(f, 0);
  if (f->header_end < 0 || strchr(f->line, '"') != NULL) return -1;
  const char *name = f->line;
  if (strncmp(name, "\xef\xbb\xbf", 3) == 0) name += 3;
  for (size_t column = 0;; column++) {
    size_t n = strcspn(name, ",");
    if (n == 7 && strncmp(name, "loan_id", 7) == 0) {
      f->id_column = column;
      return 0;
    }
    if (name[n] == '\0') return -1;
    name += n + 1;
  }
}

/* Past the blank lines (LF or CRLF alone) at byte `at`, which the
 * readers skip and which have no loan id to compare. */
static int64_t skip_blank_lines(const cut_file *f, int64_t at) {
  char two[2];
  for (;;) {
    ssize_t got = pread(f->fd, two, 2, at);
    if (got >= 1 && two[0] == '\n') {
      at += 1;
    } else if (got == 2 && two[0] == '\r' && two[1] == '\n') {
      at += 2;
    } else {
      return at;
    }
  }
}

/* The first line that starts at or after byte `at` and is not blank;
 * f->size when none. */
static int64_t line_start(cut_file *f, int64_t at) {
  if (at <= f->header_end) return skip_blank_lines(f, f->header_end);
  char block[SCAN_BLOCK];
  for (int64_t from = at - 1; from < f->size; from += SCAN_BLOCK) {
    ssize_t got = pread(f->fd, block, SCAN_BLOCK, from);
    if (got <= 0) break;
    const char *nl = memchr(block, '\n', (size_t)got);
    if (nl != NULL) return skip_blank_lines(f, from + (nl - block) + 1);
  }
  return f->size;
}

/* The loan id of the line starting at `at` into id; 0, or -1. */
static int id_at(cut_file *f, int64_t at, char *id) {
  return line_at(f, at) < 0 ? -1 : plain_field(f, f->id_column, id);
}

/* The first line of the events file whose loan id is not below `id`
 * (their ids ascend): a binary search over byte offsets, each offset
 * standing for the first line at or after it. -1 when a line cannot be
 * read plainly. */
static int64_t events_cut(cut_file *events, const char *id) {
  int64_t lo = events->header_end, hi = events->size;
  char seen[ML_LOAN_ID_SIZE];
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    int64_t at = line_start(events, mid);
    if (at >= events->size) {
      hi = mid;
      continue;
    }
    if (id_at(events, at, seen) != 0) return -1;
    if (strcmp(seen, id) >= 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return line_start(events, lo);
}

static int open_cut_file(cut_file *f, const char *path) {
  struct stat st;
  f->line = malloc(LINE_MAX_BYTES + 1);
  f->fd = open(path, O_RDONLY);
  if (f->line == NULL || f->fd < 0 || fstat(f->fd, &st) != 0 ||
      !S_ISREG(st.st_mode)) {
    return -1;
  }
  f->size = st.st_size;
  return read_header(f);
}

static void close_cut_file(cut_file *f) {
  if (f->fd >= 0) close(f->fd);
  free(f->line);
}

/* Where the ranges begin in each file: loans_at[0..count), events_at
 * likewise, each file's size after the last; the count (at most n). A cut
 * that would not move forward in both files is not made. */
static int find_cuts(cut_file *loans, cut_file *events, int n,
                     int64_t *loans_at, int64_t *events_at) {
  int count = 1;
  loans_at[0] = loans->header_end;
  events_at[0] = events->header_end;
  int64_t body = loans->size - loans->header_end;
  for (int k = 1; k < n; k++) {
    int64_t at = line_start(loans, loans->header_end + body / n * k);
    char id[ML_LOAN_ID_SIZE];
    if (at <= loans_at[count - 1] || at >= loans->size) continue;
    if (id_at(loans, at, id) != 0) break;
    int64_t cut = events_cut(events, id);
    if (cut < events_at[count - 1]) break; /* the ids do not ascend */
    loans_at[count] = at;
    events_at[count] = cut;
    count++;
  }
  loans_at[count] = loans->size;
  events_at[count] = events->size;
  return count;
}

/* Cuts both files into at most n ranges (ranges[k] for each); the number
 * of ranges, or -1. */
static int plan_ranges(const par_request *q, par_request *ranges, int n) {
  cut_file loans = {.fd = -1}, events = {.fd = -1};
  int count = -1;
  if (open_cut_file(&loans, q->loans_path) == 0 &&
      open_cut_file(&events, q->events_path) == 0) {
    int64_t loans_at[PAR_MAX_THREADS + 1], events_at[PAR_MAX_THREADS + 1];
    count = find_cuts(&loans, &events, n, loans_at, events_at);
    for (int k = 0; k < count; k++) {
      ranges[k] = *q;
      ranges[k].threads = 1;
      ranges[k].progress = q->progress && k == 0;
      ranges[k].loans_range =
          (par_range){loans.header_end, loans_at[k], loans_at[k + 1]};
      ranges[k].events_range =
          (par_range){events.header_end, events_at[k], events_at[k + 1]};
    }
  }
  close_cut_file(&loans);
  close_cut_file(&events);
  return count;
}

/* ---- the runs ------------------------------------------------------------------- */

/* With MIKROLAN_TRACE_RANGES set, one line on stderr says whether the
 * ranges were used (for the tests, which cannot tell from the output: it
 * is the same either way). */
static void trace(const char *what, int count) {
  if (getenv("MIKROLAN_TRACE_RANGES") != NULL) {
    fprintf(stderr, "mikrolan par: %s (%d)\n", what, count);
  }
}

typedef struct range_run {
  const par_request *q;
  par_outcome outcome;
  int status;
  pthread_t thread;
  int started;
} range_run;

static void *run_range(void *arg) {
  range_run *r = arg;
  cli_error err;
  r->status = par_run_files(r->q, &r->outcome, &err);
  return NULL;
}

/* Did every range go through cleanly, with ids ascending across them? */
static int all_clean(const range_run *runs, int count) {
  for (int k = 0; k < count; k++) {
    const par_outcome *o = &runs[k].outcome;
    if (runs[k].status != 0 || o->problems.count > 0 || !o->ascending ||
        o->first_id[0] == '\0') {
      return 0;
    }
    if (k > 0 && strcmp(runs[k - 1].outcome.last_id, o->first_id) >= 0) {
      return 0;
    }
  }
  return 1;
}

/* The ranges' accumulators and counts, summed into *o. */
static int sum_ranges(const par_request *q, range_run *runs, int count,
                      par_outcome *o) {
  memset(o, 0, sizeof *o);
  if (ml_portfolio_new(&o->merged, &q->portfolio_options, NULL) != ML_OK) {
    return -1;
  }
  for (int k = 0; k < count; k++) {
    if (ml_portfolio_merge(o->merged, runs[k].outcome.portfolio, NULL) !=
        ML_OK) {
      par_outcome_free(o);
      return -1;
    }
    o->counts.loans_read += runs[k].outcome.counts.loans_read;
  }
  o->portfolio = o->merged;
  o->ascending = 1;
  return 0;
}

int par_ranges_run(const par_request *q, par_outcome *o) {
  range_run *runs = calloc((size_t)q->threads, sizeof *runs);
  par_request *ranges = calloc((size_t)q->threads, sizeof *ranges);
  int count = runs != NULL && ranges != NULL
                  ? plan_ranges(q, ranges, q->threads)
                  : -1;
  if (count < 2) {
    trace("no ranges: the files cannot be cut", count);
    free(runs);
    free(ranges);
    return -1;
  }
  for (int k = 0; k < count; k++) {
    runs[k] = (range_run){.q = &ranges[k]};
    runs[k].started =
        pthread_create(&runs[k].thread, NULL, run_range, &runs[k]) == 0;
    if (!runs[k].started) run_range(&runs[k]);
  }
  for (int k = 0; k < count; k++) {
    if (runs[k].started) pthread_join(runs[k].thread, NULL);
  }
  int st = all_clean(runs, count) ? sum_ranges(q, runs, count, o) : -1;
  trace(st == 0 ? "ranges" : "ranges dropped: reading the whole files",
        count);
  for (int k = 0; k < count; k++) par_outcome_free(&runs[k].outcome);
  free(runs);
  free(ranges);
  return st;
}

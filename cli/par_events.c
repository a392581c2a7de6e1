/*
 * cli/par_events.c — the events file of `mikrolan par`, matched to the
 * loans file row by row.
 *
 * Streaming (the default): the events are read loan by loan with the
 * library's journal reader and must list the loans in the order of the
 * loans file (loans without events may be left out). The next group of
 * events is held back until the loans row it belongs to comes; a group
 * that can belong to no later row is either an unknown loan (a problem
 * that --skip-bad skips) or a loan out of order (which stops the run: its
 * row has gone by). When the loan ids ascend, the journal reader checks
 * the order in constant memory (ML_JOURNAL_SORTED) and an id between two
 * rows is plainly unknown; when they do not, the first pass's set of ids
 * says where each loan is.
 *
 * With --sort-events the whole file is read first (par_sorted.c) and each
 * loans row takes its events by id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "par_events.h"

/* Copies a loan id from an array of ML_LOAN_ID_SIZE into dst (snprintf
 * costs more than the rest of handing a loan over). */
static void copy_id(char dst[ML_LOAN_ID_SIZE],
                    const char id[ML_LOAN_ID_SIZE]) {
  const char *nul = memchr(id, '\0', ML_LOAN_ID_SIZE - 1);
  size_t n = nul != NULL ? (size_t)(nul - id) : ML_LOAN_ID_SIZE - 1;
  memcpy(dst, id, n);
  dst[n] = '\0';
}

static int out_of_memory(cli_error *err) {
  cli_fail(err, NULL, "out of memory");
  return CLI_EXIT_FAILURE;
}

int par_merge_problem(par_merge *m, par_problem *p, uint64_t seq) {
  p->seq = seq;
  return par_problems_add(m->problems, p);
}

void par_events_find_id_column(par_merge *m, FILE *file) {
  ml_csv_reader *csv = NULL;
  m->id_column = 0;
  if (ml_csv_reader_new(&csv, file, NULL) == ML_OK &&
      ml_csv_column_find(csv, "loan_id") == 0) {
    m->id_column = 1;
  }
  ml_csv_reader_free(csv);
  rewind(file);
}

/* ---- progress ---------------------------------------------------------------- */

typedef struct progress {
  int on;
  int64_t total;
  double last;
  int width; /* of the last line written */
} progress;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_tick(progress *p, int64_t done) {
  if (!p->on || done % 1024 != 0) return;
  double t = now_seconds();
  if (t - p->last < 0.25) return;
  p->last = t;
  if (p->total > 0) {
    p->width = fprintf(stderr, "\rmikrolan par: %lld of %lld loans (%lld %%)",
                       (long long)done, (long long)p->total,
                       (long long)(done * 100 / p->total));
  } else {
    p->width = fprintf(stderr, "\rmikrolan par: %lld loans", (long long)done);
  }
  fflush(stderr);
}

static void progress_end(progress *p) {
  if (p->on && p->width > 0) fprintf(stderr, "\r%*s\r", p->width, "");
}

/* ---- handing a loan over --------------------------------------------------- */

/* The loan with its events (g, or none) to the work, or its problem. */
static int deliver(par_merge *m, par_work *w, par_loan *loan,
                   const par_group *g, par_problem *row_problem,
                   cli_error *err) {
  if (loan->rejected || (g != NULL && g->bad)) {
    par_problem p = loan->rejected ? *row_problem : g->problem;
    snprintf(p.loan_id, sizeof p.loan_id, "%s", loan->id);
    return par_merge_problem(m, &p, loan->seq) == 0 ? 0 : out_of_memory(err);
  }
  par_journal j = {NULL, NULL, 0};
  if (g != NULL) j = (par_journal){g->events, g->lines, g->count};
  return par_work_add(w, loan, &j, err);
}

/* Whether the run stops here: at its first problem by default, or when it
 * is to be made again (the events after the loans read are not read, not
 * even as orphans). */
static int must_stop(const par_merge *m, par_work *w) {
  if (par_loans_abandoned(m->loans)) return 1;
  return m->q->skip_path == NULL &&
         (m->problems->count > 0 || par_work_failed(w));
}

/* ---- the streamed events ----------------------------------------------------- */

typedef struct stream {
  par_merge *m;
  FILE *file;
  ml_journal_reader *reader;
  par_group group; /* the next loan's events, held back */
  int has_group;
  int had_error; /* the last read failed with last_error */
  ml_error last_error;
  char previous[ML_LOAN_ID_SIZE]; /* the loan of the group before */
  int previous_unknown; /* ... which the loans file does not have */
  /* the last group a loans row took, when previous is an unknown loan's
   * (set when an orphan replaces it: no copy per loan) */
  char last_known[ML_LOAN_ID_SIZE];
} stream;

static void stream_free(stream *s) {
  ml_journal_reader_free(s->reader);
  if (s->file != NULL) fclose(s->file);
  free(s->group.events);
  free(s->group.lines);
}

static int same_error(const ml_error *a, const ml_error *b) {
  return a->code == b->code && a->line == b->line && a->column == b->column &&
         strcmp(a->message, b->message) == 0;
}

/* Reads the next loan's events into s->group. A row error is a bad group
 * (the reader skips the rest of that loan); an error that the reader
 * repeats is final and ends the run. */
static int fetch(stream *s, cli_error *err) {
  par_group *g = &s->group;
  ml_error lib;
  size_t count = 0;
  errno = 0;
  ml_status st = ml_journal_next_loan(s->reader, g->id, g->events, g->lines,
                                      ML_LOAN_MAX_EVENTS, &count, &lib);
  g->bad = st != ML_OK;
  g->count = count;
  if (st == ML_OK) {
    s->had_error = 0;
    s->has_group = count > 0;
    return 0;
  }
  if (st == ML_ENOMEM || st == ML_EIO ||
      (s->had_error && same_error(&s->last_error, &lib))) {
    return par_read_fail(err, PAR_FILE_EVENTS, lib.code, &lib, s->m->q);
  }
  s->had_error = 1;
  s->last_error = lib;
  s->has_group = 1;
  g->code = st;
  par_problem_from_error(&g->problem, PAR_FILE_EVENTS, &lib, g->id);
  return 0;
}

static int stream_open(stream *s, par_merge *m, cli_error *err) {
  const par_request *q = m->q;
  memset(s, 0, sizeof *s);
  s->m = m;
  s->file = par_open_file(q, 1);
  if (s->file == NULL) {
    return cli_fail(err, "events", "cannot open %s: %s", q->events_path,
                    strerror(errno));
  }
  s->group.events = malloc(ML_LOAN_MAX_EVENTS * sizeof *s->group.events);
  s->group.lines = malloc(ML_LOAN_MAX_EVENTS * sizeof *s->group.lines);
  if (s->group.events == NULL || s->group.lines == NULL) {
    return out_of_memory(err);
  }
  par_events_find_id_column(m, s->file);
  ml_journal_options o;
  ml_journal_options_init(&o);
  o.currency = q->currency;
  o.grouping = par_loans_ascending(m->loans) ? ML_JOURNAL_SORTED
                                             : ML_JOURNAL_GROUPED;
  ml_error lib;
  errno = 0;
  if (ml_journal_reader_new(&s->reader, s->file, &o, &lib) != ML_OK) {
    return par_read_fail(err, PAR_FILE_EVENTS, lib.code, &lib, s->m->q);
  }
  return fetch(s, err);
}

/* The reader's verdict that the group's loan came back or descended. */
static int out_of_place(const par_group *g) {
  return g->bad && g->code == ML_EINVAL && strcmp(g->problem.field, "loan_id") == 0 &&
         g->id[0] != '\0';
}

/* Must the held-back group be dealt with before loans row `loan`? */
static int belongs_before(const stream *s, const par_loan *loan) {
  const par_group *g = &s->group;
  if (g->id[0] == '\0' || out_of_place(g)) return 1;
  if (loan->id[0] == '\0') return 0; /* a row without an id takes nothing */
  if (par_loans_ascending(s->m->loans)) {
    int order = strcmp(g->id, loan->id);
    /* Before this row, or after it but in no later row: unknown. */
    return order < 0 || (order > 0 && !par_loans_ahead(s->m->loans, g->id));
  }
  int64_t at = par_loans_position(s->m->loans, g->id);
  return at < 0 || (uint64_t)at < loan->seq / 2;
}

/* Where the group is: the reader's place for a bad group, else the
 * loan_id cell of its first row. */
static void group_place(const stream *s, long *line, long *column) {
  const par_group *g = &s->group;
  *line = g->bad ? g->problem.line : g->lines[0];
  *column = g->bad ? g->problem.column : s->m->id_column;
}

/* Whether the group's loan is in the loans file (its line, else 0). */
static long loan_line(const stream *s) {
  const par_group *g = &s->group;
  par_loans *loans = s->m->loans;
  if (par_loans_ascending(loans)) {
    /* A group in order that no row takes is not in the file (the rows
     * before it were passed, the probe found none after); only an id out
     * of place may be an earlier row. */
    return out_of_place(g) ? par_loans_find_line(loans, g->id) : 0;
  }
  return par_loans_position(loans, g->id) >= 0
             ? par_loans_find_line(loans, g->id)
             : 0;
}

/* The problem that ends the run: a known loan's events out of order. */
static int fail_out_of_order(const stream *s, long at, cli_error *err) {
  const par_group *g = &s->group;
  const char *loans = s->m->q->loans_path;
  char quoted[CLI_QUOTE_SIZE], before[CLI_QUOTE_SIZE];
  long line, column;
  group_place(s, &line, &column);
  cli_quote(quoted, g->id);
  /* the loan the group conflicts with: the last known one, not an
   * unknown loan's group that came in between */
  cli_quote(before, s->previous_unknown && s->last_known[0] != '\0'
                        ? s->last_known
                        : s->previous);
  par_problem p;
  par_problem_set(&p, PAR_FILE_EVENTS, line, column, "loan_id", g->id,
                  "the events of loan %s are out of order: they come "
                  "after those of loan %s, but %s lists %s first (line "
                  "%ld); list each loan's events together in the order "
                  "of the loans file, or give --sort-events",
                  quoted, before, loans, quoted, at);
  return par_problem_fail(err, &p, s->m->q);
}

/* A group no later loans row takes: a bad row or an unknown loan (both
 * problems), or a loan out of order (the end of the run). */
static int orphan(stream *s, cli_error *err) {
  par_group *g = &s->group;
  par_problem p = g->problem;
  if (g->id[0] != '\0' && (!g->bad || out_of_place(g))) {
    if (s->previous_unknown && out_of_place(g) &&
        par_loans_ascending(s->m->loans)) {
      /* Maybe not out of the loans file's order: the journal reader,
       * which checks that ascending ids keep ascending, saw an unknown
       * loan's events break that. A run with the set of ids places them
       * (and finds what else is wrong). Decided before loan_line, whose
       * search reads the loans file. */
      par_loans_unsort(s->m->loans);
      return 0;
    }
    long at = loan_line(s);
    if (at != 0) return fail_out_of_order(s, at, err);
    long line, column;
    char quoted[CLI_QUOTE_SIZE];
    group_place(s, &line, &column);
    cli_quote(quoted, g->id);
    par_problem_set(&p, PAR_FILE_EVENTS, line, column, "loan_id", g->id,
                    "no loan %s in %s", quoted, s->m->q->loans_path);
  }
  if (!s->previous_unknown) copy_id(s->last_known, s->previous);
  copy_id(s->previous, g->id);
  s->previous_unknown = 1;
  return par_merge_problem(s->m, &p, s->m->seq) == 0 ? 0
                                                     : out_of_memory(err);
}

/* Deals with the groups that come before the loan, then hands the loan
 * over with its own group, if it has one. */
static int stream_loan(stream *s, par_work *w, par_loan *loan,
                       par_problem *row_problem, cli_error *err) {
  int st = 0;
  par_loans *loans = s->m->loans;
  while (st == 0 && s->has_group && !par_loans_abandoned(loans) &&
         belongs_before(s, loan)) {
    st = orphan(s, err);
    if (st == 0) st = fetch(s, err);
  }
  /* a run to be made again (par_loans_unsort) reads nothing more */
  if (st != 0 || par_loans_abandoned(loans)) return st;
  int matched = s->has_group && loan->id[0] != '\0' &&
                strcmp(s->group.id, loan->id) == 0;
  st = deliver(s->m, w, loan, matched ? &s->group : NULL, row_problem, err);
  if (st == 0 && matched) {
    copy_id(s->previous, loan->id);
    s->previous_unknown = 0;
    st = fetch(s, err);
  }
  return st;
}

/* ---- the run -------------------------------------------------------------------- */

/* Reads every loans row and gives it to take(); stops at a fatal problem,
 * or at the first problem by default. */
typedef int (*take_fn)(void *source, par_work *w, par_loan *loan,
                       par_problem *row_problem, cli_error *err);

static int each_loan(par_merge *m, par_work *w, void *source, take_fn take,
                     cli_error *err) {
  progress bar = {m->q->progress, par_loans_total(m->loans), 0.0, 0};
  par_loan *loan = malloc(sizeof *loan);
  if (loan == NULL) return out_of_memory(err);
  int st = 0, has = 1;
  while (st == 0 && !must_stop(m, w)) {
    par_problem row_problem;
    m->seq = 2 * (uint64_t)m->counts->loans_read;
    st = par_loans_next(m->loans, loan, &has, &row_problem, err);
    if (st != 0 || !has) break;
    m->counts->loans_read++;
    m->seq = loan->seq - 1;
    st = take(source, w, loan, &row_problem, err);
    progress_tick(&bar, m->counts->loans_read);
  }
  progress_end(&bar);
  m->seq = 2 * (uint64_t)m->counts->loans_read;
  free(loan);
  return st;
}

static int take_streamed(void *source, par_work *w, par_loan *loan,
                         par_problem *row_problem, cli_error *err) {
  return stream_loan(source, w, loan, row_problem, err);
}

static int run_streamed(par_merge *m, par_work *w, cli_error *err) {
  stream s;
  int st = stream_open(&s, m, err);
  if (st == 0) st = each_loan(m, w, &s, take_streamed, err);
  /* Groups after the last loan belong to no row. */
  while (st == 0 && s.has_group && !must_stop(m, w)) {
    st = orphan(&s, err);
    if (st == 0) st = fetch(&s, err);
  }
  stream_free(&s);
  return st;
}

typedef struct sorted_source {
  par_merge *m;
  par_sorted *index;
} sorted_source;

static int take_sorted(void *source, par_work *w, par_loan *loan,
                       par_problem *row_problem, cli_error *err) {
  sorted_source *s = source;
  par_group *g = NULL;
  int found = 0;
  if (loan->id[0] != '\0') {
    int st = par_sorted_take(s->index, loan->id, &g, &found, err);
    if (st != 0) return st;
  }
  return deliver(s->m, w, loan, found ? g : NULL, row_problem, err);
}

static int run_sorted(par_merge *m, par_work *w, cli_error *err) {
  sorted_source s = {m, NULL};
  int st = par_sorted_open(&s.index, m, err);
  if (st == 0) st = each_loan(m, w, &s, take_sorted, err);
  if (st == 0 && !must_stop(m, w)) st = par_sorted_finish(s.index, m, err);
  par_sorted_free(s.index);
  return st;
}

int par_events_run(const par_request *q, par_loans *loans, par_work *work,
                   par_problems *problems, par_counts *counts,
                   cli_error *err) {
  par_merge m = {q, loans, problems, counts, 0, 0};
  int st = q->sort_events ? run_sorted(&m, work, err)
                          : run_streamed(&m, work, err);
  counts->stop_seq = m.seq;
  return st;
}

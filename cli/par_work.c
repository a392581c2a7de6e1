/*
 * cli/par_work.c — the statuses and the accumulators of `mikrolan par`.
 *
 * With one thread each loan is processed at once on the calling thread,
 * from the reader's own buffers. With N threads, loans come in from the
 * reading thread in chunks of CHUNK_LOANS, each with a copy of its
 * journal, and a full chunk is queued for N worker
 * threads, each with its own accumulator and row buffer, and a fixed
 * number of chunks circulates between the reader and the workers, so that
 * memory stays the same however many loans there are. At the end the
 * accumulators are merged: their sums are exact, so the report is the same
 * for any N and any chunking.
 *
 * Every problem carries the sequence number of its loan (its row in the
 * loans file), so that the problems can be put in file order whatever
 * thread found them.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"

#define CHUNK_LOANS 128
#define ROW_CAPACITY (ML_SCHEDULE_MAX_INSTALLMENTS + 1)

typedef struct work_item {
  par_loan loan;
  size_t first, count; /* its events in the chunk */
} work_item;

typedef struct chunk {
  work_item items[CHUNK_LOANS];
  size_t count;
  ml_event *events;
  long *lines;
  size_t used, capacity;
} chunk;

typedef struct worker {
  par_work *work;
  pthread_t thread;
  int started;
  ml_portfolio *portfolio;
  ml_loan_installment *rows;
  par_problems problems;
  int fatal; /* CLI_EXIT_*, with fatal_err and the loan's seq */
  cli_error fatal_err;
  uint64_t fatal_seq;
} worker;

struct par_work {
  const par_request *q;
  size_t worker_count;
  worker *workers;
  size_t chunk_count;
  chunk **chunks;
  chunk *current; /* being filled */
  /* the queue between the reader and the workers (threads > 1) */
  pthread_mutex_t lock;
  pthread_cond_t has_full, has_free;
  int sync_ready;
  chunk **full;
  size_t full_head, full_count;
  chunk **spare;
  size_t spare_count;
  int done;
  atomic_int failed;
};

/* ---- one loan ------------------------------------------------------------------ */

/* The option an error of ml_portfolio_add or _merge is about, and its
 * message: too many segments, and a total past int64, are each said alike
 * for any --threads (which loan or merge meets it depends on the threads).
 * A run that would meet both stops at whichever comes first, and that can
 * depend on --threads (README). (Their other ML_ELIMIT, a key too long,
 * cannot come: read_key refuses it first.) */
static const char *portfolio_problem(ml_status st, const ml_error *lib,
                                     char *buf, size_t size) {
  if (st == ML_EOVERFLOW) {
    snprintf(buf, size,
             "a sum of the portfolio's total leaves the int64 range (at most "
             "%lld minor units)",
             (long long)INT64_MAX);
    return NULL;
  }
  if (st != ML_ELIMIT) {
    snprintf(buf, size, "%s", lib->message);
    return NULL;
  }
  snprintf(buf, size,
           "more than %d segments (distinct values of the --by columns); "
           "at most %d",
           ML_PORTFOLIO_MAX_SEGMENTS, ML_PORTFOLIO_MAX_SEGMENTS);
  return "by";
}

/* flag: the option the message is about, or NULL. */
static void fail_fatal(worker *k, uint64_t seq, int rc, const char *flag,
                       const char *message) {
  if (k->fatal != 0 && k->fatal_seq <= seq) return;
  k->fatal = rc;
  k->fatal_seq = seq;
  cli_fail(&k->fatal_err, flag, "%s", message);
  atomic_store(&k->work->failed, 1);
}

static void add_problem(worker *k, par_problem *p, uint64_t seq) {
  p->seq = seq;
  if (par_problems_add(&k->problems, p) != 0) {
    fail_fatal(k, seq, CLI_EXIT_FAILURE, NULL, "out of memory");
  }
  if (k->work->q->skip_path == NULL) atomic_store(&k->work->failed, 1);
}

/* What the ledger says about a journal, at the event's line. */
static void ledger_problem(worker *k, const par_loan *loan,
                           const par_journal *j, const ml_error *lib) {
  par_problem p;
  if (lib->line > 0 && (size_t)lib->line <= j->count) {
    size_t i = (size_t)lib->line - 1;
    par_problem_set(&p, PAR_FILE_EVENTS, j->lines[i], 0, "", loan->id,
                    "%s rejected: %s",
                    ml_event_type_name(j->events[i].type), lib->message);
  } else {
    par_problem_set(&p, PAR_FILE_LOANS, loan->line, 0, lib->field, loan->id,
                    "%s", lib->message);
  }
  add_problem(k, &p, loan->seq);
}

/* The status at `date`; 0, or -1 after recording the problem. */
static int status_at(worker *k, ml_loan_status *s, const par_loan *loan,
                     const par_journal *j, ml_date date) {
  const par_request *q = k->work->q;
  ml_error lib;
  ml_status st = ml_loan_status_compute(s, k->rows, ROW_CAPACITY,
                                        &loan->terms, &q->loan_options,
                                        j->count > 0 ? j->events : NULL,
                                        j->count, date, &lib);
  if (st == ML_OK) return 0;
  if (st == ML_ENOMEM) {
    fail_fatal(k, loan->seq, CLI_EXIT_FAILURE, NULL, "out of memory");
  } else {
    ledger_problem(k, loan, j, &lib);
  }
  return -1;
}

static void process_loan(worker *k, const par_loan *loan,
                         const par_journal *j) {
  const par_request *q = k->work->q;
  ml_loan_status end, start;
  ml_date period_start = q->portfolio_options.period_start;
  if (status_at(k, &end, loan, j, q->as_of) != 0) return;
  if (period_start != ML_DATE_NONE &&
      status_at(k, &start, loan, j, period_start) != 0) {
    return;
  }
  if (loan->restructured) end.restructured = 1;
  ml_error lib;
  ml_status st = ml_portfolio_add(k->portfolio, loan->key, &end,
                                  period_start != ML_DATE_NONE ? &start : NULL,
                                  &lib);
  if (st != ML_OK) {
    char message[CLI_ERROR_MESSAGE_SIZE];
    const char *flag = portfolio_problem(st, &lib, message, sizeof message);
    fail_fatal(k, loan->seq,
               st == ML_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE, flag,
               message);
  }
}

static void process_chunk(worker *k, chunk *c) {
  for (size_t i = 0; i < c->count; i++) {
    const work_item *it = &c->items[i];
    par_journal j = {NULL, NULL, 0}; /* c->events is NULL until needed */
    if (it->count > 0) {
      j = (par_journal){c->events + it->first, c->lines + it->first,
                        it->count};
    }
    process_loan(k, &it->loan, &j);
  }
  c->count = 0;
  c->used = 0;
}

/* ---- the workers ------------------------------------------------------------------ */

static void *worker_main(void *arg) {
  worker *k = arg;
  par_work *w = k->work;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    while (w->full_count == 0 && !w->done) {
      pthread_cond_wait(&w->has_full, &w->lock);
    }
    if (w->full_count == 0) {
      pthread_mutex_unlock(&w->lock);
      return NULL;
    }
    chunk *c = w->full[w->full_head];
    w->full_head = (w->full_head + 1) % w->chunk_count;
    w->full_count--;
    pthread_mutex_unlock(&w->lock);
    process_chunk(k, c);
    pthread_mutex_lock(&w->lock);
    w->spare[w->spare_count++] = c;
    pthread_cond_signal(&w->has_free);
    pthread_mutex_unlock(&w->lock);
  }
}

/* Hands the current chunk to a worker and takes a spare one. */
static void dispatch(par_work *w) {
  pthread_mutex_lock(&w->lock);
  w->full[(w->full_head + w->full_count) % w->chunk_count] = w->current;
  w->full_count++;
  pthread_cond_signal(&w->has_full);
  while (w->spare_count == 0) pthread_cond_wait(&w->has_free, &w->lock);
  w->current = w->spare[--w->spare_count];
  pthread_mutex_unlock(&w->lock);
}

/* ---- starting ---------------------------------------------------------------------- */

static int out_of_memory(cli_error *err) {
  cli_fail(err, NULL, "out of memory");
  return CLI_EXIT_FAILURE;
}

static int make_workers(par_work *w, cli_error *err) {
  w->workers = calloc(w->worker_count, sizeof *w->workers);
  if (w->workers == NULL) return out_of_memory(err);
  for (size_t i = 0; i < w->worker_count; i++) {
    worker *k = &w->workers[i];
    k->work = w;
    k->rows = malloc(ROW_CAPACITY * sizeof *k->rows);
    ml_error lib;
    ml_status st = ml_portfolio_new(&k->portfolio, &w->q->portfolio_options,
                                    &lib);
    if (st != ML_OK && st != ML_ENOMEM) {
      return cli_fail(err, NULL, "%s", lib.message);
    }
    if (k->rows == NULL || st != ML_OK) return out_of_memory(err);
  }
  return 0;
}

static int make_chunks(par_work *w, cli_error *err) {
  w->chunk_count = w->worker_count == 1 ? 1 : w->worker_count + 2;
  /* Arrays of pointers to chunks. */
  w->chunks = calloc(w->chunk_count, sizeof(chunk *));
  w->full = calloc(w->chunk_count, sizeof(chunk *));
  w->spare = calloc(w->chunk_count, sizeof(chunk *));
  if (w->chunks == NULL || w->full == NULL || w->spare == NULL) {
    return out_of_memory(err);
  }
  for (size_t i = 0; i < w->chunk_count; i++) {
    w->chunks[i] = calloc(1, sizeof *w->chunks[i]);
    if (w->chunks[i] == NULL) return out_of_memory(err);
    if (i > 0) w->spare[w->spare_count++] = w->chunks[i];
  }
  w->current = w->chunks[0];
  return 0;
}

static int start_threads(par_work *w, cli_error *err) {
  if (w->worker_count == 1) return 0;
  if (pthread_mutex_init(&w->lock, NULL) != 0 ||
      pthread_cond_init(&w->has_full, NULL) != 0 ||
      pthread_cond_init(&w->has_free, NULL) != 0) {
    cli_fail(err, "threads", "cannot set up the worker threads");
    return CLI_EXIT_FAILURE;
  }
  w->sync_ready = 1;
  for (size_t i = 0; i < w->worker_count; i++) {
    worker *k = &w->workers[i];
    if (pthread_create(&k->thread, NULL, worker_main, k) != 0) {
      cli_fail(err, "threads", "cannot start worker thread %zu", i + 1);
      return CLI_EXIT_FAILURE;
    }
    k->started = 1;
  }
  return 0;
}

int par_work_start(par_work **out, const par_request *q, cli_error *err) {
  *out = NULL;
  par_work *w = calloc(1, sizeof *w);
  if (w == NULL) return out_of_memory(err);
  w->q = q;
  w->worker_count = (size_t)q->threads;
  atomic_init(&w->failed, 0);
  int st = make_workers(w, err);
  if (st == 0) st = make_chunks(w, err);
  if (st == 0) st = start_threads(w, err);
  if (st != 0) {
    par_work_free(w);
    return st;
  }
  *out = w;
  return 0;
}

/* ---- adding ------------------------------------------------------------------------- */

static int reserve_events(chunk *c, size_t more) {
  if (c->used + more <= c->capacity) return 0;
  size_t capacity = c->capacity ? c->capacity : 4096;
  while (capacity < c->used + more) capacity *= 2;
  ml_event *events = realloc(c->events, capacity * sizeof *events);
  if (events == NULL) return -1;
  c->events = events;
  long *lines = realloc(c->lines, capacity * sizeof *lines);
  if (lines == NULL) return -1;
  c->lines = lines;
  c->capacity = capacity;
  return 0;
}

int par_work_add(par_work *w, const par_loan *loan, const par_journal *j,
                 cli_error *err) {
  if (w->worker_count == 1) { /* on this thread, now: nothing to copy */
    process_loan(&w->workers[0], loan, j);
    return 0;
  }
  chunk *c = w->current;
  if (reserve_events(c, j->count) != 0) return out_of_memory(err);
  work_item *it = &c->items[c->count++];
  it->loan = *loan;
  it->first = c->used;
  it->count = j->count;
  if (j->count > 0) {
    memcpy(c->events + c->used, j->events, j->count * sizeof *j->events);
    memcpy(c->lines + c->used, j->lines, j->count * sizeof *j->lines);
  }
  c->used += j->count;
  if (c->count == CHUNK_LOANS) dispatch(w);
  return 0;
}

int par_work_failed(par_work *w) {
  return atomic_load(&w->failed);
}

/* ---- finishing ------------------------------------------------------------------------ */

static void stop_threads(par_work *w) {
  if (!w->sync_ready) return;
  pthread_mutex_lock(&w->lock);
  w->done = 1;
  pthread_cond_broadcast(&w->has_full);
  pthread_mutex_unlock(&w->lock);
  for (size_t i = 0; i < w->worker_count; i++) {
    if (w->workers[i].started) pthread_join(w->workers[i].thread, NULL);
    w->workers[i].started = 0;
  }
}

/* The fatal problem of the lowest sequence number among the workers. */
static const worker *first_fatal(const par_work *w) {
  const worker *first = NULL;
  for (size_t i = 0; i < w->worker_count; i++) {
    const worker *k = &w->workers[i];
    if (k->fatal != 0 && (first == NULL || k->fatal_seq < first->fatal_seq)) {
      first = k;
    }
  }
  return first;
}

int par_work_finish(par_work *w, const ml_portfolio **portfolio,
                    par_problems *problems, cli_error *err) {
  if (w->current->count > 0) dispatch(w);
  stop_threads(w);
  for (size_t i = 0; i < w->worker_count; i++) {
    const par_problems *own = &w->workers[i].problems;
    for (size_t k = 0; k < own->count; k++) {
      if (par_problems_add(problems, &own->items[k]) != 0) {
        return out_of_memory(err);
      }
    }
  }
  const worker *fatal = first_fatal(w);
  if (fatal != NULL) {
    *err = fatal->fatal_err;
    return fatal->fatal;
  }
  ml_portfolio *into = w->workers[0].portfolio;
  for (size_t i = 1; i < w->worker_count; i++) {
    ml_error lib;
    ml_status st = ml_portfolio_merge(into, w->workers[i].portfolio, &lib);
    if (st == ML_ENOMEM) return out_of_memory(err);
    if (st != ML_OK) {
      char message[CLI_ERROR_MESSAGE_SIZE];
      const char *flag = portfolio_problem(st, &lib, message, sizeof message);
      return cli_fail(err, flag, "%s", message);
    }
  }
  *portfolio = into;
  return 0;
}

void par_work_free(par_work *w) {
  if (w == NULL) return;
  stop_threads(w);
  if (w->sync_ready) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->has_full);
    pthread_cond_destroy(&w->has_free);
  }
  for (size_t i = 0; w->workers != NULL && i < w->worker_count; i++) {
    ml_portfolio_free(w->workers[i].portfolio);
    free(w->workers[i].rows);
    par_problems_free(&w->workers[i].problems);
  }
  for (size_t i = 0; w->chunks != NULL && i < w->chunk_count; i++) {
    if (w->chunks[i] != NULL) {
      free(w->chunks[i]->events);
      free(w->chunks[i]->lines);
    }
    free(w->chunks[i]);
  }
  free(w->workers);
  free(w->chunks);
  free(w->full);
  free(w->spare);
  free(w);
}

/*
 * cli/par.h — the parts of `mikrolan par` (portfolio at risk from a loans
 * file and an events file) shared between its files:
 *
 *   par.c          the options, and the run from start to finish
 *   par_loans.c    the loans file: its header, each row to loan terms and
 *                  a segment key, the order and uniqueness of loan ids
 *   par_events.c   the events file, streamed loan by loan (or read whole
 *                  and sorted with --sort-events), matched to the loans
 *   par_work.c     the loans' statuses and the accumulators, on the
 *                  calling thread or on N worker threads
 *   par_ranges.c   --threads N over N ranges of the files at once, each
 *                  read by its own thread (ascending loan ids)
 *   par_output.c   the report as a table, CSV or JSON
 *   par_help.c     the manuals of `mikrolan par` and `mikrolan generate`
 *
 * Problems in the files are collected as par_problem: by default the first
 * one stops the run; with --skip-bad each is written to the skip file and
 * its loan left out.
 */
#ifndef MIKROLAN_CLI_PAR_H
#define MIKROLAN_CLI_PAR_H

#include <stdint.h>
#include <stdio.h>

#include "options.h"

/* At most this many --by columns. */
#define PAR_MAX_BY 8
/* Between the values of the --by columns in a segment key (a value that
 * holds this byte is rejected). */
#define PAR_KEY_SEPARATOR '\x1f'
#define PAR_MAX_THREADS 256

typedef enum par_format {
  PAR_FORMAT_TABLE = 0,
  PAR_FORMAT_CSV = 1,
  PAR_FORMAT_JSON = 2
} par_format;

/* A part of a file as the readers see it: the file's header line (bytes
 * [0, header_end)), then the bytes [start, end). header_end 0: the whole
 * file. */
typedef struct par_range {
  int64_t header_end;
  int64_t start, end;
} par_range;

/* What the command was asked. */
typedef struct par_request {
  const char *loans_path;
  const char *events_path;
  const char *skip_path; /* NULL: the first problem stops the run */
  ml_date as_of;
  ml_currency currency;
  ml_loan_options loan_options;
  ml_portfolio_options portfolio_options;
  char by_text[CLI_ERROR_MESSAGE_SIZE]; /* a copy of --by, cut at commas */
  const char *by[PAR_MAX_BY];           /* column names, into by_text */
  size_t by_count;
  int has_reserve;
  ml_amount reserve;
  int threads;
  int sort_events;
  par_format format;
  int progress; /* a progress line on stderr (it is a terminal) */
  par_range loans_range, events_range; /* par_ranges.c: the parts read */
} par_request;

/* Opens the loans or the events file (the request's range of it) for
 * reading; NULL with errno set when it cannot. */
FILE *par_open_file(const par_request *q, int events);

/* ---- problems ------------------------------------------------------------ */

typedef enum par_file {
  PAR_FILE_NONE = 0, /* not about a place in a file */
  PAR_FILE_LOANS = 1,
  PAR_FILE_EVENTS = 2
} par_file;

#define PAR_FIELD_SIZE 64
#define PAR_MESSAGE_SIZE 320

/* One problem: where it is, which loan it leaves out, what is wrong. */
typedef struct par_problem {
  uint64_t seq; /* order of discovery in the stream: sorts the problems */
  par_file file;
  long line, column;           /* 0: not known */
  char field[PAR_FIELD_SIZE];  /* the column's name, or "" */
  char loan_id[ML_LOAN_ID_SIZE]; /* the loan left out, or "" */
  char message[PAR_MESSAGE_SIZE];
} par_problem;

/* Fills *p; returns p for chaining. */
par_problem *par_problem_set(par_problem *p, par_file file, long line,
                             long column, const char *field,
                             const char *loan_id, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* A library error (message, field, line, column) as a problem in file. */
void par_problem_from_error(par_problem *p, par_file file,
                            const ml_error *lib, const char *loan_id);

/* "PATH:LINE:COLUMN: FIELD: message" (the parts that are known; the field
 * left out when the message starts with it) into buf. */
void par_problem_text(char *buf, size_t size, const par_problem *p,
                      const par_request *q);

/* The problem as the command's one error line, under --loans or --events:
 * fills *err and returns CLI_EXIT_USAGE. */
int par_problem_fail(cli_error *err, const par_problem *p,
                     const par_request *q);

/* A problem that ends the reading of file (PAR_FILE_LOANS or _EVENTS):
 * out of memory (CLI_EXIT_FAILURE), a read error (CLI_EXIT_USAGE, like a
 * file that cannot be opened; errno says why), else the reader's error
 * lib at its place, as par_problem_fail. */
int par_read_fail(cli_error *err, par_file file, ml_status st,
                  const ml_error *lib, const par_request *q);

/* A growing list of problems. */
typedef struct par_problems {
  par_problem *items;
  size_t count, capacity;
} par_problems;

/* 0, or -1 when memory ran out. */
int par_problems_add(par_problems *list, const par_problem *p);
void par_problems_free(par_problems *list);
/* Sorts by seq (stable for equal seq: seq is unique in practice). */
void par_problems_sort(par_problems *list);
/* Sorts by place: the loans file's problems, then the events file's, each
 * by line and column (how the skip file lists them). */
void par_problems_sort_by_place(par_problems *list);

/* ---- loans --------------------------------------------------------------- */

/* One row of the loans file, ready for the ledger. */
typedef struct par_loan {
  uint64_t seq;   /* 2 * (the row's index among the records) + 1 */
  long line;
  char id[ML_LOAN_ID_SIZE]; /* "" when the row's id is not valid */
  int rejected;   /* the row (or later its events) has a problem */
  ml_schedule_terms terms;
  int restructured;
  char key[ML_PORTFOLIO_MAX_KEY];
} par_loan;

typedef struct par_loans par_loans;

/* How a run learns the order of the loan ids. */
typedef enum par_order {
  PAR_ORDER_ASSUMED = 0,    /* taken to ascend, checked by the run */
  PAR_ORDER_FIRST_PASS = 1, /* a first pass finds it */
  /* a first pass, and the run keeps every id as if they did not ascend:
   * for events that only a set of ids can place (par_loans_unsort) */
  PAR_ORDER_ID_SET = 2
} par_order;

/* Opens the loans file and reads and checks its header and the --by
 * columns. With a first pass (order, or a progress line, which needs the
 * count of rows) the pass finds their order (and every id when they do
 * not ascend, or with PAR_ORDER_ID_SET); without, the ids are taken to
 * ascend and the run itself checks it (par_loans_order_wrong). 0, or
 * CLI_EXIT_USAGE / CLI_EXIT_FAILURE with *err. */
int par_loans_open(par_loans **out, const par_request *q, par_order order,
                   cli_error *err);
void par_loans_free(par_loans *loans);
/* Writes to notes a line for each column of the loans file that differs
 * from a column par reads (loan_id, a term, restructured) only in case or
 * surrounding spaces: it is read as a segment attribute, which a misspelt
 * optional column would otherwise become silently. */
void par_loans_note_columns(const par_request *q, FILE *notes);

/*
 * The next row into *loan (*has = 0 at the end). A problem in the row
 * fills *problem and sets loan->rejected (the caller decides whether it
 * stops the run); a problem that ends the reading of the file (a CSV
 * syntax error, a read error) returns CLI_EXIT_USAGE or CLI_EXIT_FAILURE
 * with *err.
 */
int par_loans_next(par_loans *loans, par_loan *loan, int *has,
                   par_problem *problem, cli_error *err);

/* 1 when the valid loan ids never descend in byte order (or are taken
 * not to): the events can then be read in constant memory. */
int par_loans_ascending(const par_loans *loans);
/* After the run: the order the run must be made again with, when it took
 * the ids to ascend and they do not (PAR_ORDER_FIRST_PASS), or when the
 * events need the set of ids (PAR_ORDER_ID_SET); PAR_ORDER_ASSUMED (0)
 * when it stands: the ids were known to ascend, or the run read every row
 * in order, or a first pass made now for a run that stopped early says
 * so. */
par_order par_loans_order_wrong(par_loans *loans);
/* During a run with ascending ids: the events of an unknown loan came out
 * of the ascending order, which the journal reader checks, so the run is
 * to be made again with the set of ids, which places them as when the ids
 * do not ascend (the same report whatever the order). */
void par_loans_unsort(par_loans *loans);
/* During the run: 1 once the run that took the ids to ascend met one that
 * descends, or par_loans_unsort. Its outcome is thrown away, so nothing
 * more is to be read. */
int par_loans_abandoned(const par_loans *loans);
/* The rows the first pass counted, or -1 when it stopped early. */
int64_t par_loans_total(const par_loans *loans);
/* Ascending ids only: 1 when a row with this id comes at or after the
 * rows already looked at by earlier calls (ids asked for must ascend);
 * reads ahead with a second reader, in constant memory. */
int par_loans_ahead(par_loans *loans, const char *id);
/* Not ascending: the row index of the first row with this id, or -1. */
int64_t par_loans_position(const par_loans *loans, const char *id);
/* The line of the first row with this id (the file is read again: for
 * error messages only), or 0 when there is none. */
long par_loans_find_line(const par_loans *loans, const char *id);
/* The first and last valid loan ids ("" when none), once the order is
 * known. */
const char *par_loans_first_id(const par_loans *loans);
const char *par_loans_last_id(const par_loans *loans);
/* The index of column `name` in the loans file, or ML_CSV_NO_COLUMN. */
size_t par_loans_column(const par_loans *loans, const char *name);

/* Splits a segment key into the values of the --by columns. */
size_t par_key_split(const char *key, const char **values, size_t *lengths,
                     size_t max);

/* ---- the work: statuses and accumulators ----------------------------------- */

typedef struct par_work par_work;

/* What the events side hands over for one loan. */
typedef struct par_journal {
  const ml_event *events;
  const long *lines; /* the events file's line of each event */
  size_t count;
} par_journal;

/* The accumulators and, with threads > 1, the worker threads. */
int par_work_start(par_work **out, const par_request *q, cli_error *err);
/* Queues one loan (copied, with its journal); never fails but for memory
 * (CLI_EXIT_FAILURE). A rejected loan is not queued. */
int par_work_add(par_work *w, const par_loan *loan, const par_journal *j,
                 cli_error *err);
/* 1 once a worker has found a problem and the run stops at the first
 * problem. */
int par_work_failed(par_work *w);
/* Waits for every queued loan; merges the accumulators into one
 * (*portfolio, owned by w) and appends the workers' problems to
 * *problems. 0, or CLI_EXIT_USAGE (a fatal problem, e.g. too many
 * segments) / CLI_EXIT_FAILURE with *err. */
int par_work_finish(par_work *w, const ml_portfolio **portfolio,
                    par_problems *problems, cli_error *err);
void par_work_free(par_work *w);

/* ---- events ------------------------------------------------------------------ */

/* What a run counts, for the report. */
typedef struct par_counts {
  int64_t loans_read;     /* rows of the loans file */
  int64_t loans_skipped;  /* loans left out (--skip-bad) */
  int64_t problems;       /* lines of the skip file */
  uint64_t stop_seq;      /* where a problem that ended the run was found */
} par_counts;

/*
 * Reads the events file alongside the loans, hands each loan and its
 * journal to the work, and collects the problems. 0, or CLI_EXIT_USAGE
 * with *err for the problem that stops the run (the first, by default),
 * or CLI_EXIT_FAILURE.
 */
int par_events_run(const par_request *q, par_loans *loans, par_work *work,
                   par_problems *problems, par_counts *counts,
                   cli_error *err);

/* ---- a run ------------------------------------------------------------------- */

/* What a run over the files (or over one range of them) found. */
typedef struct par_outcome {
  par_work *work;
  const ml_portfolio *portfolio; /* owned by work, or by merged */
  ml_portfolio *merged;          /* par_ranges.c: the ranges' sum */
  par_problems problems;
  par_counts counts;
  /* the loan ids of the first pass (all valid ones never descend, the
   * first and the last of them), for the ranges' checks */
  int ascending;
  char first_id[ML_LOAN_ID_SIZE], last_id[ML_LOAN_ID_SIZE];
} par_outcome;

/* Reads the files (q's ranges of them) and adds every loan: 0, or
 * CLI_EXIT_* with *err. *o is filled either way; par_outcome_free frees
 * it. */
int par_run_files(const par_request *q, par_outcome *o, cli_error *err);
void par_outcome_free(par_outcome *o);

/*
 * --threads N (N > 1) over N ranges of the files, each read and added by
 * its own thread. 0 with *o filled when the run went through without a
 * single problem; -1 when it could not be done that way, or found
 * anything to report: the caller then runs over the whole files, which
 * reports exactly what it finds (*o is then left empty).
 */
int par_ranges_run(const par_request *q, par_outcome *o);

/* ---- output ------------------------------------------------------------------ */

/* One line: prefix, then "N loans, M rows listed in FILE" (each in the
 * singular for 1): what --skip-bad left out. */
void par_write_skipped(FILE *out, const char *prefix, const par_request *q,
                       const par_counts *counts);

void par_write_report(FILE *out, const par_request *q,
                      const ml_portfolio *portfolio,
                      const par_counts *counts);

/* ---- manuals ------------------------------------------------------------------ */

extern const char *const cli_help_par[];
extern const char *const cli_help_generate[];

#endif /* MIKROLAN_CLI_PAR_H */

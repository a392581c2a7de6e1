/*
 * cli/par_events.h — the two ways `mikrolan par` reads the events file,
 * behind one interface: streamed loan by loan in the order of the loans
 * file (par_events.c, constant memory), or read whole and looked up by
 * loan id (par_sorted.c, --sort-events).
 */
#ifndef MIKROLAN_CLI_PAR_EVENTS_H
#define MIKROLAN_CLI_PAR_EVENTS_H

#include "par.h"

/* One loan's events, as the journal reader gave them. */
typedef struct par_group {
  char id[ML_LOAN_ID_SIZE]; /* "" when the reader could not tell */
  ml_event *events;
  long *lines;
  size_t count;
  int bad;             /* a row of it was rejected: problem says why */
  ml_status code;      /* the reader's status when bad */
  par_problem problem;
} par_group;

/* What both sources share: where problems go. */
typedef struct par_merge {
  const par_request *q;
  par_loans *loans;
  par_problems *problems;
  par_counts *counts;
  uint64_t seq; /* for problems found now, before the current loan */
  long id_column; /* 1 when loan_id is the events file's first column */
} par_merge;

/* Records a problem (with m->seq unless it has its own); -1 when memory
 * ran out. */
int par_merge_problem(par_merge *m, par_problem *p, uint64_t seq);

/* Reads the events file's header (then rewinds the file) to set
 * m->id_column: the column of a loan_id cell when only its line is known
 * (1 when loan_id is the first column, else 0: not known). */
void par_events_find_id_column(par_merge *m, FILE *file);

/* ---- --sort-events ----------------------------------------------------------- */

typedef struct par_sorted par_sorted;

/* Reads the whole events file (its header checked by the journal
 * reader) into an index by loan id. 0, or CLI_EXIT_* with *err. */
int par_sorted_open(par_sorted **out, par_merge *m, cli_error *err);
void par_sorted_free(par_sorted *s);

/* The events of loan id, read through the journal reader: *found = 0 when
 * the file has none. The group stays valid until the next call. 0, or
 * CLI_EXIT_FAILURE with *err. */
int par_sorted_take(par_sorted *s, const char *id, par_group **group,
                    int *found, cli_error *err);

/* After the last loan: a problem for each loan id of the events file that
 * no loans row took. 0, or CLI_EXIT_FAILURE. */
int par_sorted_finish(par_sorted *s, par_merge *m, cli_error *err);

#endif /* MIKROLAN_CLI_PAR_EVENTS_H */

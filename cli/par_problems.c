/* cli/par_problems.c — problems found in the files of `mikrolan par`. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"

par_problem *par_problem_set(par_problem *p, par_file file, long line,
                             long column, const char *field,
                             const char *loan_id, const char *fmt, ...) {
  memset(p, 0, sizeof *p);
  p->file = file;
  p->line = line;
  p->column = column;
  snprintf(p->field, sizeof p->field, "%s", field != NULL ? field : "");
  snprintf(p->loan_id, sizeof p->loan_id, "%s", loan_id != NULL ? loan_id : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->message, sizeof p->message, fmt, ap);
  va_end(ap);
  return p;
}

void par_problem_from_error(par_problem *p, par_file file,
                            const ml_error *lib, const char *loan_id) {
  par_problem_set(p, file, lib->line, lib->column, lib->field, loan_id, "%s",
                  lib->message);
}

static const char *path_of(par_file file, const par_request *q) {
  switch (file) {
    case PAR_FILE_LOANS: return q->loans_path;
    case PAR_FILE_EVENTS: return q->events_path;
    case PAR_FILE_NONE: break;
  }
  return NULL;
}

void par_problem_text(char *buf, size_t size, const par_problem *p,
                      const par_request *q) {
  char where[CLI_ERROR_MESSAGE_SIZE] = "";
  const char *path = path_of(p->file, q);
  if (path != NULL && p->line > 0 && p->column > 0) {
    snprintf(where, sizeof where, "%s:%ld:%ld: ", path, p->line, p->column);
  } else if (path != NULL && p->line > 0) {
    snprintf(where, sizeof where, "%s:%ld: ", path, p->line);
  } else if (path != NULL) {
    snprintf(where, sizeof where, "%s: ", path);
  }
  size_t len = strlen(p->field);
  if (len == 0 || strncmp(p->message, p->field, len) == 0) {
    snprintf(buf, size, "%s%s", where, p->message);
  } else {
    snprintf(buf, size, "%s%s: %s", where, p->field, p->message);
  }
}

int par_problem_fail(cli_error *err, const par_problem *p,
                     const par_request *q) {
  char text[CLI_ERROR_MESSAGE_SIZE];
  par_problem_text(text, sizeof text, p, q);
  const char *flag = p->file == PAR_FILE_LOANS    ? "loans"
                     : p->file == PAR_FILE_EVENTS ? "events"
                                                  : NULL;
  return cli_fail(err, flag, "%s", text);
}

int par_read_fail(cli_error *err, par_file file, ml_status st,
                  const ml_error *lib, const par_request *q) {
  if (st == ML_ENOMEM) {
    cli_fail(err, NULL, "out of memory");
    return CLI_EXIT_FAILURE;
  }
  if (st == ML_EIO) {
    int loans = file == PAR_FILE_LOANS;
    cli_fail(err, loans ? "loans" : "events", "cannot read %s: %s",
             loans ? q->loans_path : q->events_path,
             errno != 0 ? strerror(errno) : "a read error");
    return CLI_EXIT_USAGE; /* like a file that cannot be opened */
  }
  par_problem p;
  par_problem_from_error(&p, file, lib, "");
  return par_problem_fail(err, &p, q);
}

int par_problems_add(par_problems *list, const par_problem *p) {
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : 16;
    par_problem *grown = realloc(list->items, capacity * sizeof *grown);
    if (grown == NULL) return -1;
    list->items = grown;
    list->capacity = capacity;
  }
  list->items[list->count++] = *p;
  return 0;
}

void par_problems_free(par_problems *list) {
  free(list->items);
  memset(list, 0, sizeof *list);
}

static int by_seq(const void *a, const void *b) {
  const par_problem *x = a, *y = b;
  if (x->seq != y->seq) return x->seq < y->seq ? -1 : 1;
  /* Same loan: in the order of the files (loans file first), then lines. */
  if (x->file != y->file) return x->file < y->file ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

void par_problems_sort(par_problems *list) {
  if (list->count > 1) {
    qsort(list->items, list->count, sizeof list->items[0], by_seq);
  }
}

static int by_place(const void *a, const void *b) {
  const par_problem *x = a, *y = b;
  if (x->file != y->file) return x->file < y->file ? -1 : 1;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->column != y->column) return x->column < y->column ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

void par_problems_sort_by_place(par_problems *list) {
  if (list->count > 1) {
    qsort(list->items, list->count, sizeof list->items[0], by_place);
  }
}

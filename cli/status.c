/*
 * cli/status.c — `mikrolan status`: loan terms (the options of `mikrolan
 * schedule`, cli/terms_options.h), loan options and a journal file in;
 * the loan's status, or its postings, at a date out.
 *
 * The journal is read with the library's journal reader, and each event of
 * the chosen loan goes through ml_loan_append, so that the library decides
 * what is valid: the command names the file and line of whatever it
 * rejects and passes its message on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "help.h"
#include "loan_options.h"
#include "options.h"
#include "status_output.h"
#include "terms_options.h"

static const char COMMAND[] = "mikrolan status";

typedef enum output_format {
  FORMAT_TABLE = 0,
  FORMAT_CSV = 1,
  FORMAT_JSON = 2
} output_format;

static const char *const format_names[] = {"table", "csv", "json"};

/* The options after the loan-term ones, in the order of the manual. */
enum {
  OPT_EVENTS = CLI_TERMS_OPTION_COUNT,
  OPT_LOAN_ID,
  OPT_AS_OF,
  OPT_LOAN_OPTIONS, /* CLI_LOAN_OPTION_COUNT of them (cli/loan_options.h) */
  OPT_FORMAT = OPT_LOAN_OPTIONS + CLI_LOAN_OPTION_COUNT,
  OPT_POSTINGS,
  OPTION_COUNT
};

static const cli_option journal_options[OPT_LOAN_OPTIONS - OPT_EVENTS] = {
    {"events", 1, NULL}, {"loan-id", 1, NULL}, {"as-of", 1, NULL}};
static const cli_option output_options[OPTION_COUNT - OPT_FORMAT] = {
    {"format", 1, NULL}, {"postings", 0, NULL}};

typedef struct status_request {
  ml_schedule_terms terms;
  ml_loan_options options;
  const char *events_path; /* "-": standard input */
  const char *loan_id;     /* NULL: the file's only loan */
  ml_date as_of;
  output_format format;
  int postings;
} status_request;

/* ---- reading the options ------------------------------------------------ */

static int read_required(status_request *q, const cli_option *options,
                         cli_error *err) {
  static const int required[] = {OPT_EVENTS, OPT_AS_OF};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
    if (options[required[i]].value == NULL) {
      return cli_fail(err, options[required[i]].name,
                      "required option is missing; see --help");
    }
  }
  q->events_path = options[OPT_EVENTS].value;
  q->loan_id = options[OPT_LOAN_ID].value;
  int st = cli_check_file_name(&options[OPT_EVENTS], err);
  return st != 0 ? st : cli_parse_date(&q->as_of, &options[OPT_AS_OF], err);
}

static int read_output(status_request *q, const cli_option *options,
                       cli_error *err) {
  q->format = FORMAT_TABLE;
  q->postings = options[OPT_POSTINGS].value != NULL;
  if (options[OPT_FORMAT].value == NULL) return 0;
  int index = 0;
  int st = cli_parse_choice(&index, &options[OPT_FORMAT], format_names,
                            sizeof format_names / sizeof format_names[0],
                            err);
  q->format = (output_format)index;
  return st;
}

/* The terms first (the currency before every amount), then the command's
 * own options in the manual's order. */
static int read_request(status_request *q, const cli_option *options,
                        cli_error *err) {
  int st = cli_terms_read(&q->terms, options, err);
  if (st == 0) st = read_required(q, options, err);
  if (st == 0) {
    st = cli_loan_options_read(&q->options, &options[OPT_LOAN_OPTIONS],
                               q->terms.currency, err);
  }
  if (st == 0) st = read_output(q, options, err);
  return st;
}

/* ---- the journal -------------------------------------------------------- */

/* What a run holds; freed by run_free. */
typedef struct status_run {
  const status_request *q;
  FILE *file;
  const char *file_name;
  ml_journal_reader *reader;
  ml_event *events; /* a buffer of ML_LOAN_MAX_EVENTS */
  long *lines;
  ml_loan *loan;
  int found; /* the chosen loan was read */
  char loan_id[ML_LOAN_ID_SIZE];
  ml_loan_installment *rows;
  ml_posting *postings;
} status_run;

static void run_free(status_run *run) {
  ml_journal_reader_free(run->reader);
  if (run->file != NULL && run->file != stdin) fclose(run->file);
  free(run->events);
  free(run->lines);
  ml_loan_free(run->loan);
  free(run->rows);
  free(run->postings);
}

static int out_of_memory(cli_error *err) {
  cli_fail(err, NULL, "out of memory");
  return CLI_EXIT_FAILURE;
}

/* A journal problem under --events: "FILE:LINE:COLUMN: FIELD: message",
 * the field left out when the message already names it. */
static int fail_journal(cli_error *err, const status_run *run,
                        const ml_error *lib) {
  if (lib->code == ML_ENOMEM) return out_of_memory(err);
  if (lib->code == ML_EIO) { /* errno is still fread's */
    return cli_fail(err, "events", "cannot read \"%s\": %s", run->file_name,
                    errno != 0 ? strerror(errno) : "a read error");
  }
  char where[CLI_ERROR_MESSAGE_SIZE];
  if (lib->line > 0 && lib->column > 0) {
    snprintf(where, sizeof where, "%s:%ld:%ld", run->file_name, lib->line,
             lib->column);
  } else if (lib->line > 0) {
    snprintf(where, sizeof where, "%s:%ld", run->file_name, lib->line);
  } else {
    snprintf(where, sizeof where, "%s", run->file_name);
  }
  if (lib->field[0] == '\0' || strstr(lib->message, lib->field) != NULL) {
    return cli_fail(err, "events", "%s: %s", where, lib->message);
  }
  return cli_fail(err, "events", "%s: %s: %s", where, lib->field,
                  lib->message);
}

static int open_journal(status_run *run, cli_error *err) {
  const char *path = run->q->events_path;
  if (strcmp(path, "-") == 0) {
    run->file = stdin;
    run->file_name = "<stdin>";
  } else {
    run->file = fopen(path, "rb");
    run->file_name = path;
    if (run->file == NULL) {
      return cli_fail(err, "events", "cannot open \"%s\": %s", path,
                      strerror(errno));
    }
  }
  run->events = malloc(ML_LOAN_MAX_EVENTS * sizeof *run->events);
  run->lines = malloc(ML_LOAN_MAX_EVENTS * sizeof *run->lines);
  if (run->events == NULL || run->lines == NULL) return out_of_memory(err);
  ml_journal_options options;
  ml_journal_options_init(&options);
  options.currency = run->q->terms.currency;
  ml_error lib;
  errno = 0; /* so that a read error's errno is its own */
  if (ml_journal_reader_new(&run->reader, run->file, &options, &lib) !=
      ML_OK) {
    return fail_journal(err, run, &lib);
  }
  return 0;
}

/* Appends the loan's events one by one: the first the library rejects
 * stops the command, naming its line. */
static int append_events(status_run *run, size_t count, cli_error *err) {
  for (size_t i = 0; i < count; i++) {
    ml_error lib;
    ml_status st = ml_loan_append(run->loan, &run->events[i], NULL, &lib);
    if (st == ML_ENOMEM) return out_of_memory(err);
    if (st != ML_OK) {
      return cli_fail(err, "events", "%s:%ld: %s rejected: %s",
                      run->file_name, run->lines[i],
                      ml_event_type_name(run->events[i].type), lib.message);
    }
  }
  return 0;
}

/* One loan of the file: the chosen one is appended; without --loan-id a
 * second loan is an error. */
static int take_loan(status_run *run, const char *id, size_t count,
                     cli_error *err) {
  const char *wanted = run->q->loan_id;
  if (wanted == NULL && run->found) {
    return cli_fail(err, "loan-id",
                    "%s holds more than one loan (\"%s\", \"%s\", ...); "
                    "choose one with --loan-id",
                    run->file_name, run->loan_id, id);
  }
  if (wanted != NULL && strcmp(id, wanted) != 0) return 0;
  run->found = 1;
  memcpy(run->loan_id, id, strlen(id) + 1);
  return append_events(run, count, err);
}

/* Reads the whole file (every row is checked), keeping the chosen loan. */
static int read_journal(status_run *run, cli_error *err) {
  for (;;) {
    char id[ML_LOAN_ID_SIZE];
    size_t count = 0;
    ml_error lib;
    errno = 0;
    if (ml_journal_next_loan(run->reader, id, run->events, run->lines,
                             ML_LOAN_MAX_EVENTS, &count, &lib) != ML_OK) {
      return fail_journal(err, run, &lib);
    }
    if (count == 0) break;
    int st = take_loan(run, id, count, err);
    if (st != 0) return st;
  }
  if (run->q->loan_id != NULL && !run->found) {
    return cli_fail(err, "loan-id", "no loan \"%s\" in %s", run->q->loan_id,
                    run->file_name);
  }
  return 0;
}

/* ---- the status and the postings ---------------------------------------- */

static int compute_status(status_run *run, ml_loan_status *status,
                          cli_error *err) {
  const size_t capacity = ML_SCHEDULE_MAX_INSTALLMENTS + 1;
  run->rows = malloc(capacity * sizeof *run->rows);
  if (run->rows == NULL) return out_of_memory(err);
  ml_error lib;
  ml_status st = ml_loan_status_at(status, run->rows, capacity, run->loan,
                                   run->q->as_of, &lib);
  if (st == ML_ENOMEM) return out_of_memory(err);
  return st == ML_OK ? 0 : cli_terms_fail(err, &run->q->terms, &lib);
}

/* The postings into run->postings: asked once for the count, then
 * written. */
static int compute_postings(status_run *run, size_t *count, cli_error *err) {
  const ml_loan *loan = run->loan;
  ml_status st = ML_EBUFFER;
  ml_error lib;
  for (size_t capacity = 0; st == ML_EBUFFER; capacity = *count) {
    free(run->postings);
    run->postings = capacity ? malloc(capacity * sizeof *run->postings) : NULL;
    if (capacity > 0 && run->postings == NULL) return out_of_memory(err);
    st = ml_loan_postings_compute(
        run->postings, capacity, count, ml_loan_terms(loan),
        ml_loan_options_of(loan), ml_loan_events(loan),
        ml_loan_event_count(loan), run->q->as_of, &lib);
  }
  if (st == ML_ENOMEM) return out_of_memory(err);
  return st == ML_OK ? 0 : cli_terms_fail(err, &run->q->terms, &lib);
}

static void write_status(const status_run *run, const status_report *r) {
  switch (run->q->format) {
    case FORMAT_TABLE:
      status_write_table(stdout, r);
      break;
    case FORMAT_CSV: {
      /* a write error stays in stdout for cli_finish_output */
      ml_status ignored = ml_loan_status_write_csv(stdout, r->status,
                                                   r->rows, r->currency);
      (void)ignored;
      break;
    }
    case FORMAT_JSON:
      status_write_json(stdout, r);
      break;
  }
}

static void write_postings(const status_run *run, const status_report *r,
                           size_t count) {
  switch (run->q->format) {
    case FORMAT_TABLE:
      postings_write_table(stdout, run->postings, count, r->currency);
      break;
    case FORMAT_CSV: {
      ml_status ignored = ml_postings_write_csv(stdout, run->postings, count,
                                                r->currency);
      (void)ignored;
      break;
    }
    case FORMAT_JSON:
      postings_write_json(stdout, r, run->postings, count);
      break;
  }
}

/* Everything is computed before the first byte is written, so an error
 * never leaves half an output. */
static int compute_and_write(status_run *run, cli_error *err) {
  ml_loan_status status;
  int st = compute_status(run, &status, err);
  size_t count = 0;
  if (st == 0 && run->q->postings) st = compute_postings(run, &count, err);
  if (st != 0) return st;
  const status_report report = {run->found ? run->loan_id : NULL,
                                run->q->terms.currency, &status, run->rows};
  if (run->q->postings) {
    write_postings(run, &report, count);
  } else {
    write_status(run, &report);
  }
  return 0;
}

static int run_request(const status_request *q, cli_error *err) {
  status_run run;
  memset(&run, 0, sizeof run);
  run.q = q;
  ml_error lib;
  ml_status made = ml_loan_new(&run.loan, &q->terms, &q->options, &lib);
  int st = made == ML_ENOMEM ? out_of_memory(err)
           : made != ML_OK   ? cli_terms_fail(err, &q->terms, &lib)
                             : 0;
  if (st == 0) st = open_journal(&run, err);
  if (st == 0) st = read_journal(&run, err);
  if (st == 0) st = compute_and_write(&run, err);
  run_free(&run);
  return st;
}

int cli_status_main(int argc, char **argv) {
  cli_option options[OPTION_COUNT];
  cli_terms_options(options);
  memcpy(&options[OPT_EVENTS], journal_options, sizeof journal_options);
  cli_loan_options(&options[OPT_LOAN_OPTIONS]);
  memcpy(&options[OPT_FORMAT], output_options, sizeof output_options);
  cli_error err;
  cli_parse_result parsed =
      cli_parse_options(options, OPTION_COUNT, argc, argv, &err);
  if (parsed == CLI_HELP) {
    cli_write_page(stdout, cli_help_status);
    return cli_finish_output(COMMAND);
  }
  status_request request;
  if (parsed == CLI_BAD || read_request(&request, options, &err) != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  int st = run_request(&request, &err);
  if (st != 0) {
    cli_report(COMMAND, &err);
    return st;
  }
  return cli_finish_output(COMMAND);
}

/*
 * cli/schedule.c — `mikrolan schedule`: options to loan terms, terms to a
 * schedule, the schedule to the chosen output format.
 *
 * Every check of a value's meaning (limits, grace below the term, dates in
 * order) is the library's: the command only reads the text of each option
 * and passes on what ml_schedule_new says, under the option's flag.
 */
#include "commands.h"
#include "help.h"
#include "options.h"
#include "schedule_output.h"
#include "terms_options.h"

static const char COMMAND[] = "mikrolan schedule";

typedef enum output_format {
  FORMAT_CSV = 0,
  FORMAT_JSON = 1,
  FORMAT_TABLE = 2
} output_format;

static const char *const format_names[] = {"csv", "json", "table"};

typedef struct schedule_request {
  ml_schedule_terms terms;
  output_format format;
} schedule_request;

/* ---- the options ------------------------------------------------------- */

static int apply_format(schedule_request *q, const cli_option *o,
                        cli_error *e) {
  int index = 0;
  int st = cli_parse_choice(&index, o, format_names,
                            sizeof format_names / sizeof format_names[0], e);
  q->format = (output_format)index;
  return st;
}

/* The loan-term options (cli/terms_options.h), then --format. */
enum {
  FLAG_FORMAT = CLI_TERMS_OPTION_COUNT,
  FLAG_COUNT = CLI_TERMS_OPTION_COUNT + 1
};

static cli_parse_result collect(cli_option options[FLAG_COUNT], int argc,
                                char **argv, cli_error *err) {
  cli_terms_options(options);
  options[FLAG_FORMAT] = (cli_option){"format", 1, NULL};
  return cli_parse_options(options, FLAG_COUNT, argc, argv, err);
}

/* Terms and format from the collected options: the terms first (the
 * currency before the amounts), --format last. */
static int read_request(schedule_request *q,
                        const cli_option options[FLAG_COUNT],
                        cli_error *err) {
  q->format = FORMAT_TABLE;
  int st = cli_terms_read(&q->terms, options, err);
  if (st == 0 && options[FLAG_FORMAT].value != NULL) {
    st = apply_format(q, &options[FLAG_FORMAT], err);
  }
  return st;
}

/* ---- output ------------------------------------------------------------ */

static void write_schedule(const schedule_request *q, const ml_schedule *s,
                           const schedule_totals *totals) {
  switch (q->format) {
    case FORMAT_CSV:
      schedule_write_csv(stdout, s);
      break;
    case FORMAT_JSON:
      schedule_write_json(stdout, s, totals);
      break;
    case FORMAT_TABLE:
      schedule_write_table(stdout, s, totals);
      break;
  }
}

/* Computes and writes the schedule; the exit status. */
static int run(const schedule_request *q) {
  ml_schedule *s = NULL;
  ml_error lib;
  cli_error err;
  ml_status st = ml_schedule_new(&s, &q->terms, &lib);
  if (st == ML_ENOMEM) {
    fprintf(stderr, "%s: out of memory\n", COMMAND);
    return CLI_EXIT_FAILURE;
  }
  if (st != ML_OK) {
    cli_terms_fail(&err, &q->terms, &lib);
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  schedule_totals totals;
  if (schedule_totals_of(&totals, s) != ML_OK) {
    ml_schedule_free(s);
    cli_fail(&err, "principal", "the column totals exceed the int64 range");
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  write_schedule(q, s, &totals);
  ml_schedule_free(s);
  return cli_finish_output(COMMAND);
}

int cli_schedule_main(int argc, char **argv) {
  cli_option options[FLAG_COUNT];
  cli_error err;
  cli_parse_result parsed = collect(options, argc, argv, &err);
  if (parsed == CLI_HELP) {
    cli_write_page(stdout, cli_help_schedule);
    return cli_finish_output(COMMAND);
  }
  schedule_request request;
  if (parsed == CLI_BAD || read_request(&request, options, &err) != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  return run(&request);
}

/*
 * cli/par.c — `mikrolan par`: portfolio at risk, aging and provisioning
 * at a date, per segment and in total, from a loans file and an events
 * file (cli/par.h lists the parts).
 *
 * Nothing is written before every loan has been read and added: a problem
 * that stops the run leaves standard output (and the skip file) alone.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "help.h"
#include "loan_options.h"
#include "par.h"

static const char COMMAND[] = "mikrolan par";

enum {
  OPT_LOANS,
  OPT_EVENTS,
  OPT_AS_OF,
  OPT_BY,
  OPT_THRESHOLDS,
  OPT_BUCKETS,
  OPT_PROVISIONING,
  OPT_PERIOD_START,
  OPT_RESERVE,
  OPT_NO_RESTRUCTURED,
  OPT_THREADS,
  OPT_FORMAT,
  OPT_SKIP_BAD,
  OPT_SORT_EVENTS,
  OPT_CURRENCY,
  OPT_LOAN_OPTIONS, /* the loan options (cli/loan_options.h) follow */
  OPTION_COUNT = OPT_LOAN_OPTIONS + CLI_LOAN_OPTION_COUNT
};

static const cli_option own_options[OPT_LOAN_OPTIONS] = {
    {"loans", 1, NULL},        {"events", 1, NULL},
    {"as-of", 1, NULL},        {"by", 1, NULL},
    {"thresholds", 1, NULL},   {"buckets", 1, NULL},
    {"provisioning", 1, NULL}, {"period-start", 1, NULL},
    {"reserve", 1, NULL},      {"no-restructured-at-risk", 0, NULL},
    {"threads", 1, NULL},      {"format", 1, NULL},
    {"skip-bad", 1, NULL},     {"sort-events", 0, NULL},
    {"currency", 1, NULL},
};

static const char *const format_names[] = {"table", "csv", "json"};

/* ---- lists of numbers -------------------------------------------------------- */

/* Calls item() on each comma-separated part of opt's value; at most max
 * parts. */
typedef int (*item_fn)(void *out, size_t i, const cli_option *part,
                       cli_error *err);

static int each_item(const cli_option *opt, size_t max, size_t *count,
                     void *out, item_fn item, cli_error *err) {
  char text[CLI_ERROR_MESSAGE_SIZE];
  if (strlen(opt->value) >= sizeof text) {
    return cli_fail(err, opt->name, "the list is too long");
  }
  memcpy(text, opt->value, strlen(opt->value) + 1);
  size_t n = 0;
  for (char *part = text, *next; part != NULL; part = next, n++) {
    next = strchr(part, ',');
    if (next != NULL) *next++ = '\0';
    if (n == max) {
      return cli_fail(err, opt->name, "more than %zu values; at most %zu",
                      max, max);
    }
    cli_option one = {opt->name, 1, part};
    int st = item(out, n, &one, err);
    if (st != 0) return st;
  }
  *count = n;
  return 0;
}

static int day_item(void *out, size_t i, const cli_option *part,
                    cli_error *err) {
  return cli_parse_count(&((int32_t *)out)[i], part, err);
}

/* A rate of the list: the library's message ends in a suggestion of
 * "8,5 %" too, which a comma-separated list cannot take, so that ending
 * is replaced (only at the end: the quoted value may hold anything). */
static int rate_item(void *out, size_t i, const cli_option *part,
                     cli_error *err) {
  static const char suggestion[] =
      "; expected a percentage such as \"8.5\", \"8,5 %\" or \"8.5%\"";
  int st = cli_parse_percent(&((ml_rate *)out)[i], part, err);
  size_t length = strlen(err->message), tail = sizeof suggestion - 1;
  if (st != 0 && length >= tail &&
      strcmp(err->message + length - tail, suggestion) == 0) {
    snprintf(err->message + length - tail, sizeof err->message - (length - tail),
             "; expected a percentage such as \"8.5\" or \"8.5%%\" (a "
             "decimal comma would split the list)");
  }
  return st;
}

/* --thresholds, --buckets and --provisioning, then the library's check
 * (ascending days, rates up to 100 %). */
static int read_portfolio(ml_portfolio_options *o, const cli_option *options,
                          cli_error *err) {
  const cli_option *thresholds = &options[OPT_THRESHOLDS];
  const cli_option *buckets = &options[OPT_BUCKETS];
  const cli_option *provisioning = &options[OPT_PROVISIONING];
  ml_portfolio_options_init(o);
  size_t rates = o->bucket_count + 1;
  int st = 0;
  if (thresholds->value != NULL) {
    st = each_item(thresholds, ML_PORTFOLIO_MAX_THRESHOLDS,
                   &o->threshold_count, o->thresholds, day_item, err);
  }
  if (st == 0 && buckets->value != NULL) {
    st = each_item(buckets, ML_PORTFOLIO_MAX_BUCKETS - 1, &o->bucket_count,
                   o->bucket_to, day_item, err);
  }
  if (st == 0 && provisioning->value != NULL) {
    st = each_item(provisioning, ML_PORTFOLIO_MAX_BUCKETS, &rates,
                   o->provisioning, rate_item, err);
  }
  if (st == 0 && rates != o->bucket_count + 1) {
    return cli_fail(err, "provisioning",
                    "%zu rates for %zu buckets (the %zu bounds of --buckets "
                    "and the open one); give one rate per bucket",
                    rates, o->bucket_count + 1, o->bucket_count);
  }
  o->restructured_at_risk = options[OPT_NO_RESTRUCTURED].value == NULL;
  ml_error lib;
  if (st == 0 && ml_portfolio_options_validate(o, &lib) != ML_OK) {
    const char *message = lib.message;
    size_t len = strlen(lib.field);
    if (len > 0 && strncmp(message, lib.field, len) == 0) message += len + 2;
    return cli_fail(err, lib.field, "%s", message);
  }
  return st;
}

/* ---- the other options ------------------------------------------------------- */

static int read_by(par_request *q, const cli_option *opt, cli_error *err) {
  q->by_count = 0;
  if (opt->value == NULL) return 0;
  if (strlen(opt->value) >= sizeof q->by_text) {
    return cli_fail(err, "by", "the list of columns is too long");
  }
  memcpy(q->by_text, opt->value, strlen(opt->value) + 1);
  for (char *name = q->by_text, *next; name != NULL; name = next) {
    next = strchr(name, ',');
    if (next != NULL) *next++ = '\0';
    if (name[0] == '\0') {
      return cli_fail(err, "by", "an empty column name; expected names "
                                 "such as kommun,gender");
    }
    for (size_t i = 0; i < q->by_count; i++) {
      if (strcmp(q->by[i], name) == 0) {
        char quoted[CLI_QUOTE_SIZE];
        cli_quote(quoted, name);
        return cli_fail(err, "by", "column %s is named twice", quoted);
      }
    }
    if (q->by_count == PAR_MAX_BY) {
      return cli_fail(err, "by", "more than %d columns", PAR_MAX_BY);
    }
    q->by[q->by_count++] = name;
  }
  return 0;
}

/* Whether the paths name one file, however spelled (./x, an absolute
 * path, a link to it): writing the skip file must not destroy an input. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (strcmp(a, b) == 0) return 1;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* Whether the skip file is where the standard output goes (a file it is
 * redirected to, /dev/stdout, a pipe's /proc/self/fd/1): the report would
 * overwrite or mix with the rejected rows. A terminal or /dev/null, a
 * character device, takes both harmlessly. */
static int is_standard_output(const char *path) {
  struct stat sp, so;
  return stat(path, &sp) == 0 && fstat(STDOUT_FILENO, &so) == 0 &&
         !S_ISCHR(so.st_mode) && sp.st_dev == so.st_dev &&
         sp.st_ino == so.st_ino;
}

/* par reads each input more than once (the loans' order, the events'
 * columns, the threads' ranges): a pipe or device would be read empty, or
 * differently, the second time. A directory or a missing file is left to
 * the reading, which says why. */
static int check_input(const char *flag, const char *path, cli_error *err) {
  struct stat st;
  if (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    return 0;
  }
  return cli_fail(err, flag,
                  "%s is not a regular file (a pipe, FIFO or device): par "
                  "reads its input files more than once; save the input to "
                  "a file and name that",
                  path);
}

static int check_skip_file(const par_request *q, cli_error *err) {
  const char *path = q->skip_path;
  if (same_file(path, q->loans_path) || same_file(path, q->events_path)) {
    return cli_fail(err, "skip-bad", "%s is an input file; name another file",
                    path);
  }
  if (is_standard_output(path)) {
    return cli_fail(err, "skip-bad",
                    "%s is where the report goes (standard output); name "
                    "another file",
                    path);
  }
  return 0;
}

static int read_files(par_request *q, const cli_option *options,
                      cli_error *err) {
  static const int required[] = {OPT_LOANS, OPT_EVENTS, OPT_AS_OF};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
    if (options[required[i]].value == NULL) {
      return cli_fail(err, options[required[i]].name,
                      "required option is missing; see --help");
    }
  }
  q->loans_path = options[OPT_LOANS].value;
  q->events_path = options[OPT_EVENTS].value;
  q->skip_path = options[OPT_SKIP_BAD].value;
  q->sort_events = options[OPT_SORT_EVENTS].value != NULL;
  int st = cli_check_file_name(&options[OPT_LOANS], err);
  if (st == 0) st = cli_check_file_name(&options[OPT_EVENTS], err);
  if (st == 0) st = check_input("loans", q->loans_path, err);
  if (st == 0) st = check_input("events", q->events_path, err);
  if (st == 0 && same_file(q->loans_path, q->events_path)) {
    st = cli_fail(err, "events", "%s is the loans file too; name the events "
                  "file", q->events_path);
  }
  if (st == 0 && q->skip_path != NULL) {
    st = cli_check_file_name(&options[OPT_SKIP_BAD], err);
    if (st == 0) st = check_skip_file(q, err);
  }
  if (st != 0) return st;
  return cli_parse_date(&q->as_of, &options[OPT_AS_OF], err);
}

static int read_dates_and_money(par_request *q, const cli_option *options,
                                cli_error *err) {
  const cli_option *start = &options[OPT_PERIOD_START];
  const cli_option *reserve = &options[OPT_RESERVE];
  ml_date *period_start = &q->portfolio_options.period_start;
  int st = 0;
  if (start->value != NULL) {
    st = cli_parse_date(period_start, start, err);
    if (st == 0 && *period_start >= q->as_of) {
      return cli_fail(err, "period-start", "must be before --as-of");
    }
  }
  q->has_reserve = reserve->value != NULL;
  if (st == 0 && q->has_reserve) {
    st = cli_parse_amount(&q->reserve, reserve, q->currency, err);
    if (st == 0 && q->reserve < 0) {
      return cli_fail(err, "reserve", "a loan loss reserve is 0 or more");
    }
  }
  return st;
}

static int read_running(par_request *q, const cli_option *options,
                        cli_error *err) {
  q->threads = 1;
  q->format = PAR_FORMAT_TABLE;
  int st = 0;
  if (options[OPT_THREADS].value != NULL) {
    st = cli_parse_count(&q->threads, &options[OPT_THREADS], err);
    if (st == 0 && (q->threads < 1 || q->threads > PAR_MAX_THREADS)) {
      return cli_fail(err, "threads", "%d is outside the range 1 to %d",
                      q->threads, PAR_MAX_THREADS);
    }
  }
  if (st == 0 && options[OPT_FORMAT].value != NULL) {
    int index = 0;
    st = cli_parse_choice(&index, &options[OPT_FORMAT], format_names,
                          sizeof format_names / sizeof format_names[0], err);
    q->format = (par_format)index;
  }
  q->progress = isatty(STDERR_FILENO);
  return st;
}

static int read_request(par_request *q, const cli_option *options,
                        cli_error *err) {
  memset(q, 0, sizeof *q);
  q->currency = ml_currency_default();
  const cli_option *currency = &options[OPT_CURRENCY];
  ml_error lib;
  int st = read_files(q, options, err);
  if (st == 0 && currency->value != NULL &&
      ml_currency_find(&q->currency, currency->value, &lib) != ML_OK) {
    st = cli_fail_library(err, currency, &lib);
  }
  if (st == 0) st = read_by(q, &options[OPT_BY], err);
  if (st == 0) st = read_portfolio(&q->portfolio_options, options, err);
  if (st == 0) st = read_dates_and_money(q, options, err);
  if (st == 0) st = read_running(q, options, err);
  if (st == 0) {
    st = cli_loan_options_read(&q->loan_options, &options[OPT_LOAN_OPTIONS],
                               q->currency, err);
  }
  return st;
}

/* ---- the run ------------------------------------------------------------------ */

/* The skip file: one line per problem, by file, line and column. */
static int write_skip_file(const par_request *q, const par_problems *list,
                           cli_error *err) {
  FILE *out = fopen(q->skip_path, "w");
  if (out == NULL) {
    cli_fail(err, "skip-bad", "cannot write %s", q->skip_path);
    return CLI_EXIT_FAILURE;
  }
  static const char *const header[] = {"file", "line", "column",
                                       "field", "loan_id", "reason"};
  int st = ml_csv_write_record(out, header, 6, ML_CSV_LF) != ML_OK;
  for (size_t i = 0; st == 0 && i < list->count; i++) {
    const par_problem *p = &list->items[i];
    char line[24] = "", column[24] = "";
    if (p->line > 0) snprintf(line, sizeof line, "%ld", p->line);
    if (p->column > 0) snprintf(column, sizeof column, "%ld", p->column);
    const char *file = p->file == PAR_FILE_LOANS    ? q->loans_path
                       : p->file == PAR_FILE_EVENTS ? q->events_path
                                                    : "";
    const char *fields[6] = {file, line, column, p->field, p->loan_id,
                             p->message};
    st = ml_csv_write_record(out, fields, 6, ML_CSV_LF) != ML_OK;
  }
  if ((fclose(out) != 0) | st) {
    cli_fail(err, "skip-bad", "cannot write %s", q->skip_path);
    return CLI_EXIT_FAILURE;
  }
  return 0;
}

/* Problems that leave a loan out have an odd sequence number. */
static void count_problems(par_counts *counts, const par_problems *list) {
  counts->problems = (int64_t)list->count;
  counts->loans_skipped = 0;
  for (size_t i = 0; i < list->count; i++) {
    counts->loans_skipped += (int64_t)(list->items[i].seq & 1);
  }
}

/* Reads both files into o; *again is the order to make the run again
 * with when this one cannot stand (par_loans_order_wrong): o is then to
 * be thrown away. */
static int read_everything(const par_request *q, par_outcome *o,
                           par_order order, par_order *again,
                           cli_error *err) {
  par_loans *loans = NULL;
  par_problems *problems = &o->problems;
  int st = par_loans_open(&loans, q, order, err);
  cli_error fatal;
  *again = PAR_ORDER_ASSUMED;
  if (st == 0) {
    st = par_events_run(q, loans, o->work, problems, &o->counts, &fatal);
    *again = par_loans_order_wrong(loans);
    o->ascending = par_loans_ascending(loans);
    snprintf(o->first_id, sizeof o->first_id, "%s", par_loans_first_id(loans));
    snprintf(o->last_id, sizeof o->last_id, "%s", par_loans_last_id(loans));
  }
  int opened = loans != NULL;
  int finished = par_work_finish(o->work, &o->portfolio, problems, err);
  par_loans_free(loans);
  if (*again != PAR_ORDER_ASSUMED) return 0;
  par_problems_sort(problems);
  int strict = q->skip_path == NULL;
  if (st != 0 && opened) {
    /* The first problem, when it came before the one that ended the run. */
    if (strict && problems->count > 0 &&
        problems->items[0].seq <= o->counts.stop_seq) {
      return par_problem_fail(err, &problems->items[0], q);
    }
    *err = fatal;
    return st;
  }
  if (st != 0) return st;
  if (finished != 0) return finished;
  if (strict && problems->count > 0) {
    return par_problem_fail(err, &problems->items[0], q);
  }
  return 0;
}

static int run_files(const par_request *q, par_outcome *o, par_order order,
                     par_order *again, cli_error *err) {
  memset(o, 0, sizeof *o);
  *again = PAR_ORDER_ASSUMED;
  int st = par_work_start(&o->work, q, err);
  if (st == 0) st = read_everything(q, o, order, again, err);
  count_problems(&o->counts, &o->problems);
  return st;
}

/* Most loans files list their ids in ascending order, so a run first
 * takes them to, without a first pass over the file (par_loans.c); the
 * few that do not are read again, with one; and the events of an unknown
 * loan out of the ascending order, with the set of ids. Each run asks for
 * a later order than its own (an id set never asks), so there are at most
 * three. */
int par_run_files(const par_request *q, par_outcome *o, cli_error *err) {
  par_order again;
  int st = run_files(q, o, PAR_ORDER_ASSUMED, &again, err);
  while (again != PAR_ORDER_ASSUMED) {
    par_outcome_free(o);
    st = run_files(q, o, again, &again, err);
  }
  return st;
}

void par_outcome_free(par_outcome *o) {
  par_work_free(o->work);
  ml_portfolio_free(o->merged);
  par_problems_free(&o->problems);
  memset(o, 0, sizeof *o);
}

static int run(const par_request *q, cli_error *err) {
  par_outcome o;
  int st = 0;
  par_loans_note_columns(q, stderr);
  if (q->threads == 1 || q->sort_events || par_ranges_run(q, &o) != 0) {
    st = par_run_files(q, &o, err);
  }
  if (st == 0 && q->skip_path != NULL) {
    par_problems_sort_by_place(&o.problems);
    st = write_skip_file(q, &o.problems, err);
  }
  if (st == 0) par_write_report(stdout, q, o.portfolio, &o.counts);
  if (st == 0 && q->skip_path != NULL && q->format == PAR_FORMAT_CSV) {
    /* the table and the JSON say it; the CSV's rows have no place for it */
    par_write_skipped(stderr, "mikrolan par: note: skipped ", q, &o.counts);
  }
  par_outcome_free(&o);
  return st;
}

int cli_par_main(int argc, char **argv) {
  cli_option options[OPTION_COUNT];
  memcpy(options, own_options, sizeof own_options);
  cli_loan_options(&options[OPT_LOAN_OPTIONS]);
  cli_error err;
  cli_parse_result parsed =
      cli_parse_options(options, OPTION_COUNT, argc, argv, &err);
  if (parsed == CLI_HELP) {
    cli_write_page(stdout, cli_help_par);
    return cli_finish_output(COMMAND);
  }
  par_request q;
  if (parsed == CLI_BAD || read_request(&q, options, &err) != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  int st = run(&q, &err);
  if (st != 0) {
    cli_report(COMMAND, &err);
    return st;
  }
  return cli_finish_output(COMMAND);
}

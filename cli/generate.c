/*
 * cli/generate.c — `mikrolan generate`: writes loans.csv and events.csv of
 * a synthetic programme (cli/generate_model.c draws each loan), the input
 * of `mikrolan par` for demos, tests and benchmarks.
 *
 * Loan ids are "L" and the loan's number zero-padded to one width, so that
 * they ascend in byte order: `mikrolan par` then reads the files in
 * constant memory. Loans are drawn and written one at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "generate.h"
#include "help.h"
#include "options.h"
#include "par.h"

static const char COMMAND[] = "mikrolan generate";

#define MAX_LOANS 100000000 /* 10^8 loans: about 100 GB of files */
#define PATH_SIZE 4096

enum { FLAG_LOANS, FLAG_SEED, FLAG_OUT, FLAG_UNTIL, FLAG_COUNT };

typedef struct generate_request {
  int32_t loans;
  uint64_t seed;
  const char *out;
  ml_date until;
} generate_request;

/* ---- options ------------------------------------------------------------ */

/* A seed: digits only, no leading zeros, at most 2^64 - 1. */
static int parse_seed(uint64_t *out, const cli_option *opt, cli_error *err) {
  const char *s = opt->value;
  size_t len = strlen(s);
  uint64_t n = 0;
  int ok = len > 0 && strspn(s, "0123456789") == len &&
           (len == 1 || s[0] != '0');
  for (size_t i = 0; ok && i < len; i++) {
    unsigned digit = (unsigned)(s[i] - '0');
    ok = n <= (UINT64_MAX - digit) / 10;
    n = n * 10 + digit;
  }
  if (!ok) {
    char quoted[CLI_QUOTE_SIZE];
    cli_quote(quoted, s);
    return cli_fail(err, opt->name,
                    "%s is not a seed; expected a whole number from 0 "
                    "to 18446744073709551615 (digits only)",
                    quoted);
  }
  *out = n;
  return 0;
}

static int read_request(generate_request *q, const cli_option *o,
                        cli_error *err) {
  static const char *const required[] = {"loans", "out"};
  for (size_t i = 0; i < 2; i++) {
    const cli_option *opt = i == 0 ? &o[FLAG_LOANS] : &o[FLAG_OUT];
    if (opt->value == NULL) {
      return cli_fail(err, required[i], "required option is missing; see --help");
    }
  }
  int st = cli_parse_count(&q->loans, &o[FLAG_LOANS], err);
  if (st == 0 && (q->loans < 1 || q->loans > MAX_LOANS)) {
    st = cli_fail(err, "loans", "%ld loans is outside the range 1 to %d",
                  (long)q->loans, MAX_LOANS);
  }
  q->seed = 1;
  if (st == 0 && o[FLAG_SEED].value != NULL) {
    st = parse_seed(&q->seed, &o[FLAG_SEED], err);
  }
  q->out = o[FLAG_OUT].value;
  if (st == 0 && (q->out[0] == '\0' || strlen(q->out) > PATH_SIZE - 16)) {
    st = cli_fail(err, "out", "expected a directory name of 1 to %d bytes",
                  PATH_SIZE - 16);
  }
  ML_ASSERT(ml_date_from_civil(&q->until, 2026, 6, 30, NULL) == ML_OK);
  if (st == 0 && o[FLAG_UNTIL].value != NULL) {
    st = cli_parse_date(&q->until, &o[FLAG_UNTIL], err);
  }
  /* Loans are disbursed up to four years before --until and run up to
   * four years after it, all within the supported dates. */
  ml_date lowest, highest;
  ML_ASSERT(ml_date_from_civil(&lowest, 1904, 1, 1, NULL) == ML_OK);
  ML_ASSERT(ml_date_from_civil(&highest, 2197, 2, 1, NULL) == ML_OK);
  if (st == 0 && (q->until < lowest || q->until > highest)) {
    st = cli_fail(err, "until", "expected a date from 1904-01-01 to 2197-02-01");
  }
  return st;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct outputs {
  FILE *loans, *events;
  char loans_path[PATH_SIZE], events_path[PATH_SIZE];
} outputs;

static int fail_path(cli_error *err, const char *what, const char *path) {
  return cli_fail(err, "out", "cannot %s %s: %s", what, path, strerror(errno));
}

static int open_outputs(outputs *w, const char *dir, cli_error *err) {
  ML_ASSERT(dir != NULL); /* --out is required */
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    return fail_path(err, "create", dir);
  }
  snprintf(w->loans_path, sizeof w->loans_path, "%s/loans.csv", dir);
  snprintf(w->events_path, sizeof w->events_path, "%s/events.csv", dir);
  w->loans = fopen(w->loans_path, "w");
  if (w->loans == NULL) return fail_path(err, "write", w->loans_path);
  w->events = fopen(w->events_path, "w");
  if (w->events == NULL) return fail_path(err, "write", w->events_path);
  setvbuf(w->loans, NULL, _IOFBF, 1 << 16);
  setvbuf(w->events, NULL, _IOFBF, 1 << 20);
  return 0;
}

/* Closes both; 0, or the first write error. */
static int close_outputs(outputs *w, cli_error *err) {
  int st = 0;
  if (w->loans != NULL && (ferror(w->loans) | fclose(w->loans)) != 0) {
    st = fail_path(err, "write", w->loans_path);
  }
  if (w->events != NULL && (ferror(w->events) | fclose(w->events)) != 0 &&
      st == 0) {
    st = fail_path(err, "write", w->events_path);
  }
  w->loans = w->events = NULL;
  return st;
}

static const char *const loan_columns[] = {
    "loan_id", "principal", "rate",           "term",
    "frequency", "method",  "interest",       "disbursed_on",
    "grace_principal", "kommun", "gender",    "group"};
enum { LOAN_COLUMNS = sizeof loan_columns / sizeof loan_columns[0] };

static void write_loan_row(FILE *out, const char *id, const gen_loan *loan) {
  const ml_schedule_terms *t = &loan->terms;
  char principal[32], rate[ML_RATE_FORMAT_SIZE], term[16],
      disbursed[ML_DATE_FORMAT_SIZE], grace[16] = "";
  /* Principals are whole thousands of kronor: written in whole kronor, as
   * --principal takes them. */
  snprintf(principal, sizeof principal, "%lld", (long long)(t->principal / 100));
  ML_ASSERT(ml_rate_format_percent(rate, sizeof rate, t->annual_rate) == ML_OK);
  snprintf(term, sizeof term, "%ld", (long)t->installments);
  ML_ASSERT(ml_date_format(disbursed, sizeof disbursed, t->disbursed) == ML_OK);
  if (t->grace_principal > 0) {
    snprintf(grace, sizeof grace, "%ld", (long)t->grace_principal);
  }
  const char *fields[LOAN_COLUMNS] = {
      id,        principal,  rate,       term,         "monthly",
      ml_method_name(t->method), "per-period", disbursed, grace,
      loan->kommun, loan->gender, loan->group};
  if (ml_csv_write_record(out, fields, LOAN_COLUMNS, ML_CSV_LF) != ML_OK) {
    return; /* the stream's error flag is checked when it is closed */
  }
}

static int digits_of(int32_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    d++;
  }
  return d;
}

/* Draws and writes every loan; the number of events written. */
static int64_t write_programme(outputs *w, const generate_request *q,
                               gen_loan *loan, ml_installment *rows,
                               ml_loan_installment *status_rows) {
  int width = digits_of(q->loans) < 6 ? 6 : digits_of(q->loans);
  int64_t events = 0;
  /* Write errors stay in the streams' error flags, checked on closing. */
  if (ml_csv_write_record(w->loans, loan_columns, LOAN_COLUMNS, ML_CSV_LF) !=
          ML_OK ||
      ml_journal_write_header(w->events) != ML_OK) {
    return 0;
  }
  for (int32_t i = 0; i < q->loans; i++) {
    char id[ML_LOAN_ID_SIZE], number[16];
    int digits = snprintf(number, sizeof number, "%ld", (long)i + 1);
    snprintf(id, sizeof id, "L%.*s%s", width - digits, "000000000", number);
    ML_ASSERT(gen_loan_draw(loan, q->seed, (uint64_t)i, q->until, rows,
                            status_rows) == ML_OK);
    write_loan_row(w->loans, id, loan);
    if (ml_journal_write_loan(w->events, id, loan->events, loan->event_count,
                              loan->terms.currency, NULL) != ML_OK) {
      return events;
    }
    events += (int64_t)loan->event_count;
  }
  return events;
}

/* The working memory of one run: a loan and two row buffers. */
typedef struct workspace {
  gen_loan loan;
  ml_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  ml_loan_installment status_rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
} workspace;

static int run(const generate_request *q) {
  cli_error err = {0};
  outputs w = {0};
  workspace *space = malloc(sizeof *space);
  if (space == NULL) {
    fprintf(stderr, "%s: out of memory\n", COMMAND);
    return CLI_EXIT_FAILURE;
  }
  int st = open_outputs(&w, q->out, &err);
  int64_t events = 0;
  if (st == 0) {
    events = write_programme(&w, q, &space->loan, space->rows,
                             space->status_rows);
  }
  int closed = close_outputs(&w, &err);
  free(space);
  if (st != 0 || closed != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_FAILURE;
  }
  printf("%ld loan%s and %lld events written to %s and %s\n",
         (long)q->loans, q->loans == 1 ? "" : "s", (long long)events,
         w.loans_path, w.events_path);
  return cli_finish_output(COMMAND);
}

int cli_generate_main(int argc, char **argv) {
  cli_option options[FLAG_COUNT] = {
      [FLAG_LOANS] = {"loans", 1, NULL},
      [FLAG_SEED] = {"seed", 1, NULL},
      [FLAG_OUT] = {"out", 1, NULL},
      [FLAG_UNTIL] = {"until", 1, NULL},
  };
  cli_error err;
  cli_parse_result parsed = cli_parse_options(options, FLAG_COUNT, argc, argv, &err);
  if (parsed == CLI_HELP) {
    cli_write_page(stdout, cli_help_generate);
    return cli_finish_output(COMMAND);
  }
  generate_request q = {0};
  if (parsed == CLI_BAD || read_request(&q, options, &err) != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  return run(&q);
}

/*
 * cli/apr.c — `mikrolan apr`: the effective annual rate (effektiv ränta),
 * the total cost of credit and the total amount payable of a loan, from
 * its terms (the options of `mikrolan schedule`, cli/terms_options.h) or
 * from a file of dated flows (--flows, cli/apr_flows.c); XIRR with --xirr.
 *
 * As in `mikrolan schedule`, every check of a value's meaning is the
 * library's; the command reads text and reports what the library says
 * under the option it concerns.
 */
#include <stdlib.h>
#include <string.h>

#include "apr.h"
#include "commands.h"
#include "help.h"
#include "options.h"
#include "terms_options.h"

static const char COMMAND[] = "mikrolan apr";

typedef enum output_format { FORMAT_TABLE = 0, FORMAT_JSON = 1 } output_format;

static const char *const format_names[] = {"table", "json"};

/* The loan-term options, then the command's own. */
enum {
  FLAG_FLOWS = CLI_TERMS_OPTION_COUNT,
  FLAG_BASIS,
  FLAG_DECIMALS,
  FLAG_XIRR,
  FLAG_FORMAT,
  FLAG_COUNT
};

typedef struct apr_request {
  ml_currency currency;
  int32_t decimals;
  output_format format;
  int xirr;
  ml_apr_basis basis;
  const char *flows_path; /* NULL: the loan's terms */
  ml_schedule_terms terms;
} apr_request;

/* ---- the options ------------------------------------------------------- */

static cli_parse_result collect(cli_option options[FLAG_COUNT], int argc,
                                char **argv, cli_error *err) {
  cli_terms_options(options);
  options[FLAG_FLOWS] = (cli_option){"flows", 1, NULL};
  options[FLAG_BASIS] = (cli_option){"basis", 1, NULL};
  options[FLAG_DECIMALS] = (cli_option){"decimals", 1, NULL};
  options[FLAG_XIRR] = (cli_option){"xirr", 0, NULL};
  options[FLAG_FORMAT] = (cli_option){"format", 1, NULL};
  return cli_parse_options(options, FLAG_COUNT, argc, argv, err);
}

static int read_basis(apr_request *q, const cli_option *o, cli_error *err) {
  ml_error lib;
  if (ml_apr_basis_parse(&q->basis, o->value, &lib) != ML_OK) {
    return cli_fail_library(err, o, &lib);
  }
  return 0;
}

/* The options that only make sense with --flows, or only without. */
static int check_mode(const cli_option options[FLAG_COUNT], cli_error *err) {
  const cli_option *term = cli_terms_first_given(options);
  if (options[FLAG_FLOWS].value != NULL) {
    if (term != NULL) {
      return cli_fail(err, term->name,
                      "cannot be combined with --flows: give either the "
                      "loan's terms or its flows");
    }
    if (options[FLAG_XIRR].value != NULL &&
        options[FLAG_BASIS].value != NULL) {
      return cli_fail(err, "basis",
                      "does not apply to --xirr, which counts actual days "
                      "/ 365");
    }
    return 0;
  }
  if (options[FLAG_XIRR].value != NULL) {
    return cli_fail(err, "xirr",
                    "needs --flows; for loan terms the effective annual "
                    "rate is printed");
  }
  if (options[FLAG_BASIS].value != NULL) {
    return cli_fail(err, "basis",
                    "applies only with --flows; for loan terms the basis "
                    "follows --frequency");
  }
  return 0;
}

static int read_request(apr_request *q, const cli_option options[FLAG_COUNT],
                        cli_error *err) {
  memset(q, 0, sizeof *q);
  q->decimals = ML_APR_DEFAULT_DECIMALS;
  q->format = FORMAT_TABLE;
  q->basis = ML_APR_BASIS_YEARS;
  q->xirr = options[FLAG_XIRR].value != NULL;
  q->flows_path = options[FLAG_FLOWS].value;
  int st = check_mode(options, err);
  if (st == 0 && q->flows_path != NULL) {
    st = cli_check_file_name(&options[FLAG_FLOWS], err);
  }
  if (st == 0 && q->flows_path == NULL) {
    st = cli_terms_read(&q->terms, options, err);
  }
  if (st == 0) st = cli_terms_read_currency(&q->currency, options, err);
  if (st == 0 && options[FLAG_BASIS].value != NULL) {
    st = read_basis(q, &options[FLAG_BASIS], err);
  }
  if (st == 0 && options[FLAG_DECIMALS].value != NULL) {
    st = cli_parse_count(&q->decimals, &options[FLAG_DECIMALS], err);
  }
  if (st == 0 && options[FLAG_FORMAT].value != NULL) {
    int index = 0;
    st = cli_parse_choice(&index, &options[FLAG_FORMAT], format_names,
                          sizeof format_names / sizeof format_names[0], err);
    q->format = (output_format)index;
  }
  return st;
}

/* ---- the library's verdict --------------------------------------------- */

/* A failed rate computation as one line under the right option. */
static int fail_rate(cli_error *err, const apr_request *q,
                     const ml_error *lib) {
  if (strcmp(lib->field, "decimals") == 0) {
    return cli_fail(err, "decimals", "%s", lib->message);
  }
  if (q->flows_path != NULL) {
    return cli_fail(err, "flows", "%s: %s", q->flows_path, lib->message);
  }
  if (strcmp(lib->field, "flows") == 0 || strcmp(lib->field, "amount") == 0) {
    return cli_fail(err, NULL, "%s", lib->message);
  }
  return cli_terms_fail(err, &q->terms, lib);
}

static int compute(ml_apr_result *r, const apr_request *q, cli_error *err) {
  ml_error lib;
  ml_status st;
  if (q->flows_path == NULL) {
    st = ml_apr_of_terms(r, &q->terms, q->decimals, &lib);
  } else {
    ml_flow *flows = NULL;
    size_t count = 0;
    int read = apr_read_flows(&flows, &count, q->flows_path, q->currency, err);
    if (read != 0) return read;
    st = q->xirr ? ml_xirr(r, flows, count, q->decimals, &lib)
                 : ml_apr_of_flows(r, flows, count, q->basis, q->decimals,
                                   &lib);
    free(flows);
  }
  if (st == ML_ENOMEM) {
    cli_fail(err, NULL, "out of memory");
    return CLI_EXIT_FAILURE;
  }
  return st == ML_OK ? 0 : fail_rate(err, q, &lib);
}

/* ---- output ------------------------------------------------------------ */

static void write_table(const apr_request *q, const ml_apr_result *r,
                        const char *rate) {
  char cost[ML_AMOUNT_FORMAT_SIZE], payable[ML_AMOUNT_FORMAT_SIZE],
      shown[ML_APR_FORMAT_SIZE];
  ML_ASSERT(ml_amount_format_sv(cost, sizeof cost, r->total_cost,
                                q->currency, 1) == ML_OK &&
            ml_amount_format_sv(payable, sizeof payable, r->total_payable,
                                q->currency, 1) == ML_OK);
  snprintf(shown, sizeof shown, "%s", rate);
  char *mark = strchr(shown, '.');
  if (mark != NULL) *mark = ','; /* Swedish style, like the amounts */
  printf("%-23s %s %%\n", q->xirr ? "XIRR (ACT/365)" : "effective annual rate",
         shown);
  printf("%-23s %s\n", "total cost of credit", cost);
  printf("%-23s %s\n", "total amount payable", payable);
}

static void write_json(const apr_request *q, const ml_apr_result *r,
                       const char *rate) {
  char cost[ML_AMOUNT_FORMAT_SIZE], payable[ML_AMOUNT_FORMAT_SIZE];
  ML_ASSERT(ml_amount_format(cost, sizeof cost, r->total_cost,
                             q->currency) == ML_OK &&
            ml_amount_format(payable, sizeof payable, r->total_payable,
                             q->currency) == ML_OK);
  printf("{\n  \"%s\": \"%s\",\n  \"total_cost_of_credit\": \"%s\",\n"
         "  \"total_amount_payable\": \"%s\"\n}\n",
         q->xirr ? "xirr" : "apr", rate, cost, payable);
}

/* The notice the library's result carries: flows of one date added. */
static void report_merged(const ml_apr_result *r) {
  if (r->merged_flows == 0) return;
  fprintf(stderr,
          "%s: note: %zu flow%s fell on the date of an earlier flow and %s "
          "added into it\n",
          COMMAND, r->merged_flows, r->merged_flows == 1 ? "" : "s",
          r->merged_flows == 1 ? "was" : "were");
}

static int run(const apr_request *q) {
  ml_apr_result r;
  cli_error err;
  int st = compute(&r, q, &err);
  if (st != 0) {
    cli_report(COMMAND, &err);
    return st;
  }
  report_merged(&r);
  char rate[ML_APR_FORMAT_SIZE];
  ML_ASSERT(ml_apr_format(rate, sizeof rate, &r) == ML_OK);
  if (q->format == FORMAT_JSON) {
    write_json(q, &r, rate);
  } else {
    write_table(q, &r, rate);
  }
  return cli_finish_output(COMMAND);
}

int cli_apr_main(int argc, char **argv) {
  cli_option options[FLAG_COUNT];
  cli_error err;
  cli_parse_result parsed = collect(options, argc, argv, &err);
  if (parsed == CLI_HELP) {
    cli_write_page(stdout, cli_help_apr);
    return cli_finish_output(COMMAND);
  }
  apr_request request;
  if (parsed == CLI_BAD || read_request(&request, options, &err) != 0) {
    cli_report(COMMAND, &err);
    return CLI_EXIT_USAGE;
  }
  return run(&request);
}

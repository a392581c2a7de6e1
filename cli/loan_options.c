/* cli/loan_options.c — the loan-option flags (cli/loan_options.h). */
#include "loan_options.h"

#include <string.h>

enum {
  OPT_ALLOCATION,
  OPT_PREPAYMENT,
  OPT_ARREARS_TOLERANCE,
  OPT_LATE_FEE,
  OPT_LATE_FEE_DAYS,
  OPT_DEFAULT_RATE,
  OPT_DEFAULT_DAY_COUNT
};

static const char *const names[CLI_LOAN_OPTION_COUNT] = {
    "allocation", "prepayment",   "arrears-tolerance", "late-fee",
    "late-fee-days", "default-rate", "default-day-count"};

void cli_loan_options(cli_option *options) {
  for (int i = 0; i < CLI_LOAN_OPTION_COUNT; i++) {
    options[i] = (cli_option){names[i], 1, NULL};
  }
}

static int verdict(cli_error *err, const cli_option *opt, ml_status st,
                   const ml_error *lib) {
  return st == ML_OK ? 0 : cli_fail_library(err, opt, lib);
}

/* The names: allocation, prepayment and the day count. */
static int read_policies(ml_loan_options *o, const cli_option *options,
                         cli_error *err) {
  ml_error lib;
  const cli_option *a = &options[OPT_ALLOCATION];
  const cli_option *p = &options[OPT_PREPAYMENT];
  const cli_option *d = &options[OPT_DEFAULT_DAY_COUNT];
  int st = 0;
  if (a->value != NULL) {
    st = verdict(err, a, ml_allocation_parse(&o->allocation, a->value, &lib),
                 &lib);
  }
  if (st == 0 && p->value != NULL) {
    st = verdict(err, p, ml_prepayment_parse(&o->prepayment, p->value, &lib),
                 &lib);
  }
  if (st == 0 && d->value != NULL) {
    st = verdict(err, d,
                 ml_day_count_parse(&o->default_day_count, d->value, &lib),
                 &lib);
  }
  return st;
}

/* The numbers: the tolerance and the penalties. */
static int read_penalties(ml_loan_options *o, const cli_option *options,
                          ml_currency cur, cli_error *err) {
  const cli_option *tolerance = &options[OPT_ARREARS_TOLERANCE];
  const cli_option *fee = &options[OPT_LATE_FEE];
  const cli_option *days = &options[OPT_LATE_FEE_DAYS];
  const cli_option *rate = &options[OPT_DEFAULT_RATE];
  int st = 0;
  if (tolerance->value != NULL) {
    st = cli_parse_amount(&o->arrears_tolerance, tolerance, cur, err);
  }
  if (st == 0 && fee->value != NULL) {
    st = cli_parse_amount(&o->late_fee, fee, cur, err);
  }
  if (st == 0 && days->value != NULL) {
    st = cli_parse_count(&o->late_fee_days, days, err);
  }
  if (st == 0 && rate->value != NULL) {
    st = cli_parse_percent(&o->default_rate, rate, err);
  }
  return st;
}

/* An amount option past the library's limit, said in the currency's
 * major units as the flag takes it (the library says minor units); 0 for
 * any other problem. */
static int fail_amount_limit(const ml_loan_options *o, const ml_error *lib,
                             ml_currency cur, cli_error *err) {
  const ml_amount *value = strcmp(lib->field, "late-fee") == 0 ? &o->late_fee
                           : strcmp(lib->field, "arrears-tolerance") == 0
                               ? &o->arrears_tolerance
                               : NULL;
  if (lib->code != ML_ELIMIT || value == NULL) return 0;
  return cli_fail_above_limit(err, lib->field, *value,
                              ML_SCHEDULE_PRINCIPAL_HARD_LIMIT, cur, "");
}

/* The library's check of the options: a status of a one-installment loan
 * with no events, which checks the options before anything else. */
static int library_check(const ml_loan_options *o, ml_currency cur,
                         cli_error *err) {
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 100;
  t.installments = 1;
  t.disbursed = 0;
  ml_loan_status status;
  ml_loan_installment rows[2];
  ml_error lib;
  if (ml_loan_status_compute(&status, rows, 2, &t, o, NULL, 0, 0, &lib) ==
      ML_OK) {
    return 0;
  }
  int st = fail_amount_limit(o, &lib, cur, err);
  if (st != 0) return st;
  const char *message = lib.message;
  size_t len = strlen(lib.field);
  if (len > 0 && strncmp(message, lib.field, len) == 0 &&
      strncmp(message + len, ": ", 2) == 0) {
    message += len + 2;
  }
  return cli_fail(err, lib.field[0] != '\0' ? lib.field : NULL, "%s",
                  message);
}

int cli_loan_options_read(ml_loan_options *out, const cli_option *options,
                          ml_currency cur, cli_error *err) {
  ml_loan_options_init(out);
  int st = read_policies(out, options, err);
  if (st == 0) st = read_penalties(out, options, cur, err);
  if (st == 0) st = library_check(out, cur, err);
  return st;
}

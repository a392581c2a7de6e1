/*
 * cli/schedule.c — `mikrolan schedule`: options to loan terms, terms to a
 * schedule, the schedule to the chosen output format.
 *
 * Every check of a value's meaning (limits, grace below the term, dates in
 * order) is the library's: the command only reads the text of each option
 * and passes on what ml_schedule_new says, under the option's flag.
 */
#include <string.h>

#include "commands.h"
#include "help.h"
#include "options.h"
#include "schedule_output.h"

static const char COMMAND[] = "mikrolan schedule";

/* The product limit when --max-principal is not given, in major units of
 * the chosen currency. */
static const char DEFAULT_MAX_PRINCIPAL[] = "250000";

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

/* ---- reading one option into the request ------------------------------ */

/* 0 when a library parser accepted opt's value, else its message. */
static int accepted(cli_error *err, const cli_option *opt, ml_status st,
                    const ml_error *lib) {
  return st == ML_OK ? 0 : cli_fail_library(err, opt, lib);
}

static int apply_principal(schedule_request *q, const cli_option *o,
                           cli_error *e) {
  return cli_parse_amount(&q->terms.principal, o, q->terms.currency, e);
}

static int apply_rate(schedule_request *q, const cli_option *o,
                      cli_error *e) {
  return cli_parse_percent(&q->terms.annual_rate, o, e);
}

static int apply_term(schedule_request *q, const cli_option *o,
                      cli_error *e) {
  return cli_parse_count(&q->terms.installments, o, e);
}

static int apply_frequency(schedule_request *q, const cli_option *o,
                           cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_frequency_parse(&q->terms.frequency, o->value, &lib),
                  &lib);
}

static int apply_method(schedule_request *q, const cli_option *o,
                        cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_method_parse(&q->terms.method, o->value, &lib),
                  &lib);
}

static int apply_interest(schedule_request *q, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o,
                  ml_interest_parse(&q->terms.interest_basis,
                                    &q->terms.day_count, o->value, &lib),
                  &lib);
}

static int apply_disbursed(schedule_request *q, const cli_option *o,
                           cli_error *e) {
  return cli_parse_date(&q->terms.disbursed, o, e);
}

static int apply_first_due(schedule_request *q, const cli_option *o,
                           cli_error *e) {
  return cli_parse_date(&q->terms.first_due, o, e);
}

static int apply_grace_principal(schedule_request *q, const cli_option *o,
                                 cli_error *e) {
  return cli_parse_count(&q->terms.grace_principal, o, e);
}

static int apply_grace_interest(schedule_request *q, const cli_option *o,
                                cli_error *e) {
  return cli_parse_count(&q->terms.grace_interest, o, e);
}

static int apply_interest_free(schedule_request *q, const cli_option *o,
                               cli_error *e) {
  return cli_parse_count(&q->terms.interest_free, o, e);
}

static int apply_rounding(schedule_request *q, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_rounding_parse(&q->terms.rounding, o->value, &lib),
                  &lib);
}

static int apply_installment_multiple(schedule_request *q,
                                      const cli_option *o, cli_error *e) {
  return cli_parse_amount(&q->terms.installment_multiple, o,
                          q->terms.currency, e);
}

/* An amount, or with a '%' a percent of the principal. */
static int apply_upfront_fee(schedule_request *q, const cli_option *o,
                             cli_error *e) {
  if (strchr(o->value, '%') == NULL) {
    q->terms.upfront_fee_kind = ML_FEE_AMOUNT;
    return cli_parse_amount(&q->terms.upfront_fee, o, q->terms.currency, e);
  }
  q->terms.upfront_fee_kind = ML_FEE_PERCENT;
  return cli_parse_percent(&q->terms.upfront_fee_rate, o, e);
}

static int apply_installment_fee(schedule_request *q, const cli_option *o,
                                 cli_error *e) {
  return cli_parse_amount(&q->terms.installment_fee, o, q->terms.currency,
                          e);
}

static int apply_calendar(schedule_request *q, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(
      e, o, ml_calendar_kind_parse(&q->terms.calendar.kind, o->value, &lib),
      &lib);
}

static int apply_business_day(schedule_request *q, const cli_option *o,
                              cli_error *e) {
  ml_error lib;
  return accepted(
      e, o, ml_business_day_parse(&q->terms.business_day, o->value, &lib),
      &lib);
}

static int apply_adjusted_interest_periods(schedule_request *q,
                                           const cli_option *o,
                                           cli_error *e) {
  (void)o;
  (void)e;
  q->terms.adjusted_interest_periods = 1;
  return 0;
}

static int apply_max_principal(schedule_request *q, const cli_option *o,
                               cli_error *e) {
  return cli_parse_amount(&q->terms.max_principal, o, q->terms.currency, e);
}

static int apply_currency(schedule_request *q, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_currency_find(&q->terms.currency, o->value, &lib),
                  &lib);
}

static int apply_format(schedule_request *q, const cli_option *o,
                        cli_error *e) {
  int index = 0;
  int st = cli_parse_choice(&index, o, format_names,
                            sizeof format_names / sizeof format_names[0], e);
  q->format = (output_format)index;
  return st;
}

/* ---- the option table -------------------------------------------------- */

typedef int (*apply_fn)(schedule_request *q, const cli_option *o,
                        cli_error *e);

typedef struct schedule_flag {
  const char *name;
  int takes_value;
  int required;
  apply_fn apply;
} schedule_flag;

enum {
  FLAG_CURRENCY = 19, /* read before every amount */
  FLAG_COUNT = 21
};

/* In the order of the manual; values are read in this order too. */
static const schedule_flag flags[FLAG_COUNT] = {
    {"principal", 1, 1, apply_principal},
    {"rate", 1, 1, apply_rate},
    {"term", 1, 1, apply_term},
    {"disbursed", 1, 1, apply_disbursed},
    {"frequency", 1, 0, apply_frequency},
    {"method", 1, 0, apply_method},
    {"interest", 1, 0, apply_interest},
    {"first-due", 1, 0, apply_first_due},
    {"grace-principal", 1, 0, apply_grace_principal},
    {"grace-interest", 1, 0, apply_grace_interest},
    {"interest-free", 1, 0, apply_interest_free},
    {"rounding", 1, 0, apply_rounding},
    {"installment-multiple", 1, 0, apply_installment_multiple},
    {"upfront-fee", 1, 0, apply_upfront_fee},
    {"installment-fee", 1, 0, apply_installment_fee},
    {"calendar", 1, 0, apply_calendar},
    {"business-day", 1, 0, apply_business_day},
    {"adjusted-interest-periods", 0, 0, apply_adjusted_interest_periods},
    {"max-principal", 1, 0, apply_max_principal},
    [FLAG_CURRENCY] = {"currency", 1, 0, apply_currency},
    {"format", 1, 0, apply_format},
};

static cli_parse_result collect(cli_option options[FLAG_COUNT], int argc,
                                char **argv, cli_error *err) {
  ML_ASSERT(strcmp(flags[FLAG_CURRENCY].name, "currency") == 0 &&
            flags[FLAG_COUNT - 1].name != NULL);
  for (int i = 0; i < FLAG_COUNT; i++) {
    options[i] = (cli_option){flags[i].name, flags[i].takes_value, NULL};
  }
  return cli_parse_options(options, FLAG_COUNT, argc, argv, err);
}

static int check_required(const cli_option options[FLAG_COUNT],
                          cli_error *err) {
  for (int i = 0; i < FLAG_COUNT; i++) {
    if (flags[i].required && options[i].value == NULL) {
      return cli_fail(err, flags[i].name,
                      "required option is missing; see --help");
    }
  }
  return 0;
}

/* Terms and format from the collected options: the currency first, so that
 * amounts are read in it whatever the order on the command line. */
static int read_request(schedule_request *q,
                        const cli_option options[FLAG_COUNT],
                        cli_error *err) {
  ml_schedule_terms_init(&q->terms);
  q->format = FORMAT_TABLE;
  int st = check_required(options, err);
  if (st == 0 && options[FLAG_CURRENCY].value != NULL) {
    st = apply_currency(q, &options[FLAG_CURRENCY], err);
  }
  if (st != 0) return st;
  ML_ASSERT(ml_amount_parse(&q->terms.max_principal, DEFAULT_MAX_PRINCIPAL,
                            q->terms.currency, NULL, NULL) == ML_OK);
  for (int i = 0; i < FLAG_COUNT && st == 0; i++) {
    if (i != FLAG_CURRENCY && options[i].value != NULL) {
      st = flags[i].apply(q, &options[i], err);
    }
  }
  return st;
}

/* ---- the library's verdict --------------------------------------------- */

/* The amount a validation field names, when it is one bounded by
 * max-principal. */
static int limited_amount(ml_amount *out, const ml_schedule_terms *t,
                          const char *field) {
  if (strcmp(field, "principal") == 0) {
    *out = t->principal;
  } else if (strcmp(field, "installment-multiple") == 0) {
    *out = t->installment_multiple;
  } else if (strcmp(field, "installment-fee") == 0) {
    *out = t->installment_fee;
  } else if (strcmp(field, "upfront-fee") == 0) {
    *out = t->upfront_fee;
  } else {
    return 0;
  }
  return 1;
}

/* The library states amount limits in minor units; the user wrote major
 * units, so the message is restated in them. 0 when not such a limit. */
static int fail_amount_limit(cli_error *err, const ml_schedule_terms *t,
                             const char *field) {
  char value[ML_AMOUNT_FORMAT_SIZE], limit[ML_AMOUNT_FORMAT_SIZE],
      least[ML_AMOUNT_FORMAT_SIZE];
  const ml_currency cur = t->currency;
  ml_amount amount;
  if (strcmp(field, "max-principal") == 0) {
    ML_ASSERT(ml_amount_format(value, sizeof value, t->max_principal, cur) ==
                  ML_OK &&
              ml_amount_format(least, sizeof least, 1, cur) == ML_OK &&
              ml_amount_format(limit, sizeof limit,
                               ML_SCHEDULE_PRINCIPAL_HARD_LIMIT,
                               cur) == ML_OK);
    return cli_fail(err, field, "%s %s is outside the range %s to %s %s",
                    value, cur.code, least, limit, cur.code);
  }
  if (!limited_amount(&amount, t, field)) return 0;
  ML_ASSERT(ml_amount_format(value, sizeof value, amount, cur) == ML_OK &&
            ml_amount_format(limit, sizeof limit, t->max_principal, cur) ==
                ML_OK);
  return cli_fail(err, field,
                  "%s %s is above the limit of %s %s (see --max-principal)",
                  value, cur.code, limit, cur.code);
}

/* The library's message under its field's flag, without the "field: " the
 * library starts validation messages with. */
static int fail_schedule(cli_error *err, const ml_schedule_terms *t,
                         const ml_error *lib) {
  const char *field = lib->field[0] != '\0' ? lib->field : NULL;
  if (field != NULL && lib->code == ML_ELIMIT) {
    int st = fail_amount_limit(err, t, field);
    if (st != 0) return st;
  }
  const char *message = lib->message;
  size_t len = strlen(lib->field);
  if (field != NULL && strncmp(message, field, len) == 0 &&
      strncmp(message + len, ": ", 2) == 0) {
    message += len + 2;
  }
  return cli_fail(err, field, "%s", message);
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
    fail_schedule(&err, &q->terms, &lib);
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

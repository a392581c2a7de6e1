/*
 * cli/terms_options.c — the loan-term options: their table, reading their
 * values into ml_schedule_terms, and the library's verdict on the terms
 * under the right flag. (Moved here from cli/schedule.c unchanged in
 * behaviour, so that `mikrolan apr` reads the same options the same way.)
 *
 * Every check of a value's meaning (limits, grace below the term, dates in
 * order) is the library's: these only read the text of each option and
 * pass on what the library says, under the option's flag.
 */
#include "terms_options.h"

#include <string.h>

/* The product limit when --max-principal is not given, in major units of
 * the chosen currency. */
static const char DEFAULT_MAX_PRINCIPAL[] = "250000";

/* ---- reading one option into the terms --------------------------------- */

/* 0 when a library parser accepted opt's value, else its message. */
static int accepted(cli_error *err, const cli_option *opt, ml_status st,
                    const ml_error *lib) {
  return st == ML_OK ? 0 : cli_fail_library(err, opt, lib);
}

static int apply_principal(ml_schedule_terms *t, const cli_option *o,
                           cli_error *e) {
  return cli_parse_amount(&t->principal, o, t->currency, e);
}

static int apply_rate(ml_schedule_terms *t, const cli_option *o,
                      cli_error *e) {
  return cli_parse_percent(&t->annual_rate, o, e);
}

static int apply_term(ml_schedule_terms *t, const cli_option *o,
                      cli_error *e) {
  return cli_parse_count(&t->installments, o, e);
}

static int apply_frequency(ml_schedule_terms *t, const cli_option *o,
                           cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_frequency_parse(&t->frequency, o->value, &lib),
                  &lib);
}

static int apply_method(ml_schedule_terms *t, const cli_option *o,
                        cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_method_parse(&t->method, o->value, &lib), &lib);
}

static int apply_interest(ml_schedule_terms *t, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(
      e, o,
      ml_interest_parse(&t->interest_basis, &t->day_count, o->value, &lib),
      &lib);
}

static int apply_disbursed(ml_schedule_terms *t, const cli_option *o,
                           cli_error *e) {
  return cli_parse_date(&t->disbursed, o, e);
}

static int apply_first_due(ml_schedule_terms *t, const cli_option *o,
                           cli_error *e) {
  return cli_parse_date(&t->first_due, o, e);
}

static int apply_grace_principal(ml_schedule_terms *t, const cli_option *o,
                                 cli_error *e) {
  return cli_parse_count(&t->grace_principal, o, e);
}

static int apply_grace_interest(ml_schedule_terms *t, const cli_option *o,
                                cli_error *e) {
  return cli_parse_count(&t->grace_interest, o, e);
}

static int apply_interest_free(ml_schedule_terms *t, const cli_option *o,
                               cli_error *e) {
  return cli_parse_count(&t->interest_free, o, e);
}

static int apply_rounding(ml_schedule_terms *t, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_rounding_parse(&t->rounding, o->value, &lib),
                  &lib);
}

static int apply_installment_multiple(ml_schedule_terms *t,
                                      const cli_option *o, cli_error *e) {
  return cli_parse_amount(&t->installment_multiple, o, t->currency, e);
}

/* An amount, or with a '%' a percent of the principal. */
static int apply_upfront_fee(ml_schedule_terms *t, const cli_option *o,
                             cli_error *e) {
  if (strchr(o->value, '%') == NULL) {
    t->upfront_fee_kind = ML_FEE_AMOUNT;
    return cli_parse_amount(&t->upfront_fee, o, t->currency, e);
  }
  t->upfront_fee_kind = ML_FEE_PERCENT;
  return cli_parse_percent(&t->upfront_fee_rate, o, e);
}

static int apply_installment_fee(ml_schedule_terms *t, const cli_option *o,
                                 cli_error *e) {
  return cli_parse_amount(&t->installment_fee, o, t->currency, e);
}

static int apply_calendar(ml_schedule_terms *t, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o,
                  ml_calendar_kind_parse(&t->calendar.kind, o->value, &lib),
                  &lib);
}

static int apply_business_day(ml_schedule_terms *t, const cli_option *o,
                              cli_error *e) {
  ml_error lib;
  return accepted(e, o,
                  ml_business_day_parse(&t->business_day, o->value, &lib),
                  &lib);
}

static int apply_adjusted_interest_periods(ml_schedule_terms *t,
                                           const cli_option *o,
                                           cli_error *e) {
  (void)o;
  (void)e;
  t->adjusted_interest_periods = 1;
  return 0;
}

static int apply_max_principal(ml_schedule_terms *t, const cli_option *o,
                               cli_error *e) {
  return cli_parse_amount(&t->max_principal, o, t->currency, e);
}

static int apply_currency(ml_schedule_terms *t, const cli_option *o,
                          cli_error *e) {
  ml_error lib;
  return accepted(e, o, ml_currency_find(&t->currency, o->value, &lib),
                  &lib);
}

/* ---- the option table -------------------------------------------------- */

typedef int (*apply_fn)(ml_schedule_terms *t, const cli_option *o,
                        cli_error *e);

typedef struct terms_flag {
  const char *name;
  int takes_value;
  int required;
  apply_fn apply;
} terms_flag;

enum {
  FLAG_CURRENCY = 19, /* read before every amount */
  REQUIRED_FLAGS = 4  /* the first ones in the table, and only they */
};

/* In the order of the manual; values are read in this order too. */
static const terms_flag flags[CLI_TERMS_OPTION_COUNT] = {
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
};

void cli_terms_options(cli_option *options) {
  ML_ASSERT(strcmp(flags[FLAG_CURRENCY].name, "currency") == 0 &&
            flags[CLI_TERMS_OPTION_COUNT - 1].name != NULL);
  for (int i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    ML_ASSERT(flags[i].required == (i < REQUIRED_FLAGS));
    options[i] = (cli_option){flags[i].name, flags[i].takes_value, NULL};
  }
}

const cli_option *cli_terms_currency_option(const cli_option *options) {
  return &options[FLAG_CURRENCY];
}

const cli_option *cli_terms_first_given(const cli_option *options) {
  for (int i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    if (i != FLAG_CURRENCY && options[i].value != NULL) return &options[i];
  }
  return NULL;
}

int cli_terms_read_currency(ml_currency *out, const cli_option *options,
                            cli_error *err) {
  *out = ml_currency_default();
  const cli_option *o = &options[FLAG_CURRENCY];
  if (o->value == NULL) return 0;
  ml_error lib;
  return accepted(err, o, ml_currency_find(out, o->value, &lib), &lib);
}

static int check_required(const cli_option *options, cli_error *err) {
  for (int i = 0; i < REQUIRED_FLAGS; i++) {
    if (options[i].value == NULL) {
      return cli_fail(err, flags[i].name,
                      "required option is missing; see --help");
    }
  }
  return 0;
}

int cli_terms_start(ml_schedule_terms *start, const cli_option *options,
                    cli_error *err) {
  ml_schedule_terms_init(start);
  if (options[FLAG_CURRENCY].value != NULL) {
    int st = apply_currency(start, &options[FLAG_CURRENCY], err);
    if (st != 0) return st;
  }
  ML_ASSERT(ml_amount_parse(&start->max_principal, DEFAULT_MAX_PRINCIPAL,
                            start->currency, NULL, NULL) == ML_OK);
  return 0;
}

/* Option i read over *terms, when it has a value and is not --currency. */
static int apply_option(ml_schedule_terms *terms, const cli_option *options,
                        size_t i, cli_error *err) {
  if (i == FLAG_CURRENCY || options[i].value == NULL) return 0;
  return flags[i].apply(terms, &options[i], err);
}

/* The options other than --currency, read over *terms in the manual's
 * order. */
static int apply_options(ml_schedule_terms *terms, const cli_option *options,
                         cli_error *err) {
  int st = 0;
  for (size_t i = 0; i < CLI_TERMS_OPTION_COUNT && st == 0; i++) {
    st = apply_option(terms, options, i, err);
  }
  return st;
}

int cli_terms_read(ml_schedule_terms *terms, const cli_option *options,
                   cli_error *err) {
  int st = check_required(options, err);
  if (st == 0) {
    st = cli_terms_start(terms, options, err);
  } else {
    ml_schedule_terms_init(terms);
  }
  return st != 0 ? st : apply_options(terms, options, err);
}

int cli_terms_read_from(ml_schedule_terms *terms,
                        const ml_schedule_terms *start,
                        const cli_option *options, const size_t *given,
                        size_t given_count, cli_error *err) {
  *terms = *start;
  int st = check_required(options, err);
  for (size_t k = 0; k < given_count && st == 0; k++) {
    ML_ASSERT(given[k] < CLI_TERMS_OPTION_COUNT &&
              (k == 0 || given[k - 1] < given[k]));
    st = apply_option(terms, options, given[k], err);
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
  return cli_fail_above_limit(err, field, amount, t->max_principal, cur,
                              " (see --max-principal)");
}

/* The library's message under its field's flag, without the "field: " the
 * library starts validation messages with. */
int cli_terms_fail(cli_error *err, const ml_schedule_terms *t,
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

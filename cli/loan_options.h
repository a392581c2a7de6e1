/*
 * cli/loan_options.h — the loan-option flags (how a loan is kept:
 * --allocation ... --default-day-count), read the same way by every
 * subcommand that replays journals, and checked by the library before any
 * loan is read.
 *
 * A subcommand puts them in its option table after its own:
 *
 *   cli_loan_options(&options[FIRST]);
 *   ... cli_parse_options(...) ...
 *   ... cli_loan_options_read(&o, &options[FIRST], currency, &err) ...
 */
#ifndef MIKROLAN_CLI_LOAN_OPTIONS_H
#define MIKROLAN_CLI_LOAN_OPTIONS_H

#include "options.h"

/* How many loan-option flags there are. */
enum { CLI_LOAN_OPTION_COUNT = 7 };

/* Fills options[0..CLI_LOAN_OPTION_COUNT): allocation, prepayment,
 * arrears-tolerance, late-fee, late-fee-days, default-rate,
 * default-day-count (no values yet). */
void cli_loan_options(cli_option *options);

/* Reads the collected flags into *out (initialised here; amounts in cur)
 * and has the library check the result. 0, or CLI_EXIT_USAGE with *err
 * naming the first bad flag. */
int cli_loan_options_read(ml_loan_options *out, const cli_option *options,
                          ml_currency cur, cli_error *err);

#endif /* MIKROLAN_CLI_LOAN_OPTIONS_H */

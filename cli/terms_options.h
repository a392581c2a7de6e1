/*
 * cli/terms_options.h — the loan-term options (--principal ... --currency)
 * shared by every subcommand that reads a loan's terms (`mikrolan
 * schedule`, `mikrolan apr`), so that they are spelt, defaulted, read and
 * reported the same way everywhere.
 *
 * A subcommand puts the loan-term options first in its option table and
 * its own options after them:
 *
 *   cli_option options[CLI_TERMS_OPTION_COUNT + 2];
 *   cli_terms_options(options);
 *   options[CLI_TERMS_OPTION_COUNT] = (cli_option){"format", 1, NULL};
 *   ... cli_parse_options(options, count, argc, argv, &err) ...
 *   ... cli_terms_read(&terms, options, &err) ...
 */
#ifndef MIKROLAN_CLI_TERMS_OPTIONS_H
#define MIKROLAN_CLI_TERMS_OPTIONS_H

#include "options.h"

/* How many loan-term options there are. */
enum { CLI_TERMS_OPTION_COUNT = 20 };

/* Fills options[0..CLI_TERMS_OPTION_COUNT) with the loan-term options, in
 * the order of the manual (no values yet). */
void cli_terms_options(cli_option *options);

/* The collected --currency option (its value may be NULL). */
const cli_option *cli_terms_currency_option(const cli_option *options);

/* The first loan-term option other than --currency that was given, or
 * NULL when none was. */
const cli_option *cli_terms_first_given(const cli_option *options);

/* *out = the --currency value, or SEK when absent. 0 or CLI_EXIT_USAGE. */
int cli_terms_read_currency(ml_currency *out, const cli_option *options,
                            cli_error *err);

/*
 * Reads the collected loan-term options into *terms (initialised here):
 * the required ones (--principal, --rate, --term, --disbursed, in that
 * order) must be present; --currency is read first, so that every amount is
 * read in it whatever the order on the command line; then the others in the
 * manual's order. 0, or CLI_EXIT_USAGE with *err naming the first bad
 * option.
 */
int cli_terms_read(ml_schedule_terms *terms, const cli_option *options,
                   cli_error *err);

/*
 * The terms that cli_terms_read starts from before the options other than
 * --currency: the library's defaults, in the --currency given, with its
 * default product limit. For a caller that reads many loans' options
 * with the same --currency (`mikrolan par`, a row at a time): made once,
 * then given to cli_terms_read_from for each. 0, or CLI_EXIT_USAGE for a
 * bad --currency.
 */
int cli_terms_start(ml_schedule_terms *start, const cli_option *options,
                    cli_error *err);

/* cli_terms_read for options whose --currency is the one start was made
 * with (the --currency option is not read again), and whose values are
 * only those of the options given[0..given_count) (indices into options,
 * ascending; --currency may be among them): the same terms and the same
 * errors, without a look at the options that have no value. */
int cli_terms_read_from(ml_schedule_terms *terms,
                        const ml_schedule_terms *start,
                        const cli_option *options, const size_t *given,
                        size_t given_count, cli_error *err);

/* Turns the library's verdict on terms (ml_schedule_new and the calls that
 * validate terms) into *err under the option's flag: amount limits are
 * restated in major units, the "field: " prefix is dropped. Returns
 * CLI_EXIT_USAGE. */
int cli_terms_fail(cli_error *err, const ml_schedule_terms *terms,
                   const ml_error *lib);

#endif /* MIKROLAN_CLI_TERMS_OPTIONS_H */

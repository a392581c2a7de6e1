/*
 * cli/options.h — option parsing and error reporting shared by the
 * `mikrolan` subcommands.
 *
 * A subcommand declares its options as a table of cli_option. Parsing is two
 * steps: cli_parse_options only collects the raw values (rejecting unknown,
 * duplicated and value-less options), then the subcommand interprets each
 * value with the cli_parse_* helpers, in whatever order it needs (a currency
 * before the amounts, say), whatever order the user wrote them in.
 *
 * Every failure is described by a cli_error and printed once, as one line:
 * "mikrolan COMMAND: --FLAG: what is wrong". Nothing here writes to stdout.
 */
#ifndef MIKROLAN_CLI_OPTIONS_H
#define MIKROLAN_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "mikrolan.h"

/* Exit statuses of every subcommand. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILURE = 1, /* the output could not be written, out of memory */
  CLI_EXIT_USAGE = 2    /* bad options or values: nothing was written */
};

/* One long option, spelled "--name VALUE", "--name=VALUE" or, when it takes
 * no value, "--name". */
typedef struct cli_option {
  const char *name;  /* without the dashes: "principal" */
  int takes_value;   /* 1: needs a value; 0: a flag */
  const char *value; /* set by cli_parse_options: NULL when absent, "" for a
                        flag that is present, else the text (points into
                        argv) */
} cli_option;

#define CLI_ERROR_FLAG_SIZE 64
#define CLI_ERROR_MESSAGE_SIZE 400

/* What went wrong: the flag as the user spells it ("--principal"), or ""
 * when no flag is involved, and one sentence. */
typedef struct cli_error {
  char flag[CLI_ERROR_FLAG_SIZE];
  char message[CLI_ERROR_MESSAGE_SIZE];
} cli_error;

/* Fills *err with "--" + name (name may be NULL for none) and the printf
 * message; returns CLI_EXIT_USAGE so that callers can `return cli_fail(...)`.
 */
int cli_fail(cli_error *err, const char *name, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* How much of a user's text a message shows, like the library does. */
enum { CLI_QUOTE_SHOWN = 40, CLI_QUOTE_SIZE = CLI_QUOTE_SHOWN + 8 };

/* "text" in double quotes, cut to CLI_QUOTE_SHOWN bytes with "..." after. */
void cli_quote(char buf[CLI_QUOTE_SIZE], const char *text);

/* Outcome of cli_parse_options. */
typedef enum cli_parse_result {
  CLI_PARSED = 0, /* every argument was read into the table */
  CLI_HELP = 1,   /* --help or -h was given: show the help, nothing else */
  CLI_BAD = 2     /* *err says what is wrong */
} cli_parse_result;

/*
 * Reads argv[0..argc) (the arguments after the subcommand name) into the
 * option table. Rejected: an argument that is not an option, an unknown
 * option, an option given twice, a missing value (the end of the arguments,
 * or a next argument that is itself an option "--..."), and "=VALUE" on a
 * flag. The first problem in argument order is reported.
 */
cli_parse_result cli_parse_options(cli_option *options, size_t count,
                                   int argc, char **argv, cli_error *err);

/*
 * Value helpers: each reads opt->value (which must be present) and returns
 * 0, or CLI_EXIT_USAGE with *err naming the option.
 */

/* A count: decimal digits only (no sign, no spaces, no leading zeros), at
 * most INT32_MAX. The meaning of the number is left to the library. */
int cli_parse_count(int32_t *out, const cli_option *opt, cli_error *err);

/* An amount in major units of cur (ml_amount_parse, no rounding: more
 * decimals than the currency has is an error). */
int cli_parse_amount(ml_amount *out, const cli_option *opt, ml_currency cur,
                     cli_error *err);

/* A rate in percent ("8.5", "8.5%"), ml_rate_parse's percent form. */
int cli_parse_percent(ml_rate *out, const cli_option *opt, cli_error *err);

/* A date "YYYY-MM-DD" (ml_date_parse). */
int cli_parse_date(ml_date *out, const cli_option *opt, cli_error *err);

/* One of names[0..count): *out = its index; otherwise an error listing
 * them. */
int cli_parse_choice(int *out, const cli_option *opt,
                     const char *const *names, size_t count, cli_error *err);

/* "VALUE CUR is above the limit of LIMIT CUR" under flag, followed by hint
 * ("" or, say, " (see --max-principal)"): the library states amount limits
 * in minor units, the user wrote major units. Returns CLI_EXIT_USAGE. */
int cli_fail_above_limit(cli_error *err, const char *flag, ml_amount value,
                         ml_amount limit, ml_currency cur, const char *hint);

/* A file name option's value: an empty one is CLI_EXIT_USAGE ("an empty
 * file name; name a file"), as opening "" would fail with a message that
 * shows no name; 0 otherwise. */
int cli_check_file_name(const cli_option *opt, cli_error *err);

/* Turns a failed library call on opt's value into *err: the option's flag
 * and the library's message. Returns CLI_EXIT_USAGE. */
int cli_fail_library(cli_error *err, const cli_option *opt,
                     const ml_error *lib);

/* Amounts ("1234.50"; _sv: "1 234,50") and dates into buffers of the
 * library's own sizes: a failure would be a broken invariant, not bad
 * input, and asserts. */
void cli_format_amount(char buf[ML_AMOUNT_FORMAT_SIZE], ml_amount a,
                       ml_currency cur);
void cli_format_amount_sv(char buf[ML_AMOUNT_FORMAT_SIZE], ml_amount a,
                          ml_currency cur);
void cli_format_date(char buf[ML_DATE_FORMAT_SIZE], ml_date d);

/* Writes "COMMAND: --FLAG: MESSAGE\n" (or "COMMAND: MESSAGE\n") to stderr as
 * one line: control characters in it are shown as \xNN. */
void cli_report(const char *command, const cli_error *err);

/* Appends text[0..length) to the string in line (size bytes), control
 * characters (bytes below 0x20, 0x7f) as \xNN, so that what is printed
 * stays on its line; stops short of size. */
void cli_append_printable(char *line, size_t size, const char *text,
                          size_t length);

/* Flushes stdout and checks that everything written so far reached it.
 * Returns CLI_EXIT_OK, or CLI_EXIT_FAILURE after one line on stderr
 * ("COMMAND: cannot write the output: REASON"). */
int cli_finish_output(const char *command);

#endif /* MIKROLAN_CLI_OPTIONS_H */

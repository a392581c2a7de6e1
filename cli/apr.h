/*
 * cli/apr.h — the parts of `mikrolan apr` shared between its files: the
 * reader of a flows file (cli/apr_flows.c) and the manual
 * (cli/apr_help.c).
 */
#ifndef MIKROLAN_CLI_APR_H
#define MIKROLAN_CLI_APR_H

#include "options.h"

/* Longest field of a flows file, in bytes. */
#define APR_FLOWS_FIELD_MAX 128

/*
 * Reads a flows file: RFC 4180 CSV (fields separated by ',', records by
 * CRLF or LF, a field in double quotes may hold ',', line breaks and ""
 * for a quote; an optional UTF-8 byte order mark), whose first record is
 * the header date,amount and every other record a date YYYY-MM-DD and an
 * amount in major units of cur (ml_amount_parse, never rounded). path "-"
 * is standard input. On success *flows is a malloc'ed array of *count
 * flows (the caller frees it; NULL when there are none). On failure
 * returns CLI_EXIT_USAGE with *err on --flows saying
 * "PATH:LINE:COLUMN: FIELD: what is wrong" (or "cannot read PATH: why"),
 * or CLI_EXIT_FAILURE when memory runs out (*err says so).
 */
int apr_read_flows(ml_flow **flows, size_t *count, const char *path,
                   ml_currency cur, cli_error *err);

/* `mikrolan apr --help`. */
extern const char *const cli_help_apr[];

#endif /* MIKROLAN_CLI_APR_H */

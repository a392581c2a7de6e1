/*
 * cli/help.h — the manual pages that `--help` prints.
 *
 * A page is an array of parts ended by NULL: C only promises string
 * literals of 4095 bytes, and a page is longer.
 */
#ifndef MIKROLAN_CLI_HELP_H
#define MIKROLAN_CLI_HELP_H

#include <stdio.h>

/* `mikrolan --help`: the command and its subcommands. */
extern const char *const cli_help_mikrolan[];

/* The short usage `mikrolan` prints to stderr when run without arguments. */
extern const char *const cli_usage_mikrolan[];

/* `mikrolan schedule --help`: every option, its values and default. */
extern const char *const cli_help_schedule[];

/* `mikrolan status --help` (cli/status_help.c). */
extern const char *const cli_help_status[];

/* Writes every part of page to out. */
void cli_write_page(FILE *out, const char *const *page);

#endif /* MIKROLAN_CLI_HELP_H */

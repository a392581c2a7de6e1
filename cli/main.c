/*
 * cli/main.c — the `mikrolan` command: global options and the dispatch to
 * its subcommands (cli/commands.h), each of which owns its own options.
 */
#include <string.h>

#include "commands.h"
#include "help.h"
#include "options.h"

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"schedule", cli_schedule_main},
    {"apr", cli_apr_main},
    {"status", cli_status_main},
    {"par", cli_par_main},
    {"generate", cli_generate_main},
};

static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  }
  return NULL;
}

static int usage_error(const char *name, const char *message) {
  cli_error err;
  cli_fail(&err, NULL, "%s", message);
  if (name != NULL) { /* an empty one is shown, as "" */
    snprintf(err.flag, sizeof err.flag, "%s", name[0] ? name : "\"\"");
  }
  cli_report("mikrolan", &err);
  return CLI_EXIT_USAGE;
}

/* --help and --version take nothing after them. */
static int global_option(const char *option, int extra) {
  if (extra > 0) {
    return usage_error(option, "takes no arguments after it");
  }
  if (strcmp(option, "--version") == 0) {
    printf("mikrolan %s\n", ml_version_string());
  } else {
    cli_write_page(stdout, cli_help_mikrolan);
  }
  return cli_finish_output("mikrolan");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    cli_write_page(stderr, cli_usage_mikrolan);
    return CLI_EXIT_USAGE;
  }
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
      strcmp(first, "--version") == 0) {
    return global_option(first, argc - 2);
  }
  const command *cmd = find_command(first);
  if (cmd != NULL) return cmd->run(argc - 2, argv + 2);
  if (first[0] == '-') {
    return usage_error(first, "unknown option; see mikrolan --help");
  }
  char message[160] = "unknown command; the commands are:";
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    size_t used = strlen(message);
    snprintf(message + used, sizeof message - used, "%s %s",
             i == 0 ? "" : ",", commands[i].name);
  }
  size_t used = strlen(message);
  snprintf(message + used, sizeof message - used, " (see mikrolan --help)");
  return usage_error(first, message);
}

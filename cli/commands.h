/*
 * cli/commands.h — the subcommands of `mikrolan`. Each takes the arguments
 * after its own name and returns the process exit status (CLI_EXIT_*).
 */
#ifndef MIKROLAN_CLI_COMMANDS_H
#define MIKROLAN_CLI_COMMANDS_H

/* `mikrolan schedule`: prints the repayment schedule of one loan. */
int cli_schedule_main(int argc, char **argv);

#endif /* MIKROLAN_CLI_COMMANDS_H */

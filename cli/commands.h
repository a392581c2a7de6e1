/*
 * cli/commands.h — the subcommands of `mikrolan`. Each takes the arguments
 * after its own name and returns the process exit status (CLI_EXIT_*).
 */
#ifndef MIKROLAN_CLI_COMMANDS_H
#define MIKROLAN_CLI_COMMANDS_H

/* `mikrolan schedule`: prints the repayment schedule of one loan. */
int cli_schedule_main(int argc, char **argv);

/* `mikrolan apr`: the effective annual rate, total cost of credit and total
 * amount payable of a loan, from its terms or its dated flows. */
int cli_apr_main(int argc, char **argv);

/* `mikrolan status`: a loan's status (or postings) at a date, from its
 * terms and a journal file. */
int cli_status_main(int argc, char **argv);

/* `mikrolan par`: portfolio at risk, aging and provisioning per segment,
 * from a loans file and an events file. */
int cli_par_main(int argc, char **argv);

/* `mikrolan generate`: the loans and events files of a synthetic
 * programme. */
int cli_generate_main(int argc, char **argv);

#endif /* MIKROLAN_CLI_COMMANDS_H */

/*
 * cli/schedule_output.h — the three output formats of `mikrolan schedule`:
 * CSV and JSON for programs, an aligned table for people.
 *
 * The writers only format: the schedule is complete and its totals summed
 * before anything is written, so a failure never leaves half an output.
 * Write errors stay in the stream for cli_finish_output to report.
 */
#ifndef MIKROLAN_CLI_SCHEDULE_OUTPUT_H
#define MIKROLAN_CLI_SCHEDULE_OUTPUT_H

#include <stdio.h>

#include "mikrolan.h"

/* Column sums over every row (row 0, the upfront fee, included). */
typedef struct schedule_totals {
  ml_amount principal;
  ml_amount interest;
  ml_amount fees;
  ml_amount total;
} schedule_totals;

/* Sums the rows of s; ML_EOVERFLOW when a sum does not fit in int64. */
ml_status schedule_totals_of(schedule_totals *out, const ml_schedule *s);

/* Header "n,due_date,principal,interest,fees,total,balance", then one line
 * per row: plain decimals (ml_amount_format), ISO dates, "\n" endings. */
void schedule_write_csv(FILE *out, const ml_schedule *s);

/* {"terms": {...}, "rows": [...], "totals": {...}}: the terms keyed as the
 * flags spell them, amounts as exact decimal strings. */
void schedule_write_json(FILE *out, const ml_schedule *s,
                         const schedule_totals *totals);

/* A one-line summary, then aligned columns of Swedish-style amounts
 * ("1 234,50") under a header, and a totals line. */
void schedule_write_table(FILE *out, const ml_schedule *s,
                          const schedule_totals *totals);

#endif /* MIKROLAN_CLI_SCHEDULE_OUTPUT_H */

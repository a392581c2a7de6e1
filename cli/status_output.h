/*
 * cli/status_output.h — the outputs of `mikrolan status`: a loan's status
 * as a table for people or JSON (CSV is the library's
 * ml_loan_status_write_csv), and its postings as a table or JSON (CSV:
 * ml_postings_write_csv).
 *
 * The writers only format what is complete: nothing is computed while
 * writing. Write errors stay in the stream for cli_finish_output.
 */
#ifndef MIKROLAN_CLI_STATUS_OUTPUT_H
#define MIKROLAN_CLI_STATUS_OUTPUT_H

#include <stdio.h>

#include "mikrolan.h"

/* What is reported: the loan's id (NULL when the journal named none), the
 * currency of its amounts, and its status with the installments
 * rows[0..status->installment_count). */
typedef struct status_report {
  const char *loan_id;
  ml_currency currency;
  const ml_loan_status *status;
  const ml_loan_installment *rows;
} status_report;

/* The state, days past due, arrears, outstanding, payoff, next due, paid,
 * credit balance and restructured flag, one per line; then one line per
 * installment with due, paid and outstanding per component (fees and
 * penalties only when the loan has any), Swedish-style amounts
 * ("1 234,50"), and a totals line. */
void status_write_table(FILE *out, const status_report *r);

/* One object: as_of, loan_id, currency, state, days_past_due,
 * overdue_since, outstanding {principal, interest, fees, penalties},
 * arrears, payoff, restructured, credit_balance, paid_total,
 * written_off_total, closed_on, next_due_date, next_due_amount and
 * installments [{n, due_date, due, paid, waived, written_off,
 * outstanding}], amounts as exact decimal strings, absent dates null. */
void status_write_json(FILE *out, const status_report *r);

/* event, date, account, debit, credit; the zero side left blank; a totals
 * line. */
void postings_write_table(FILE *out, const ml_posting *postings,
                          size_t count, ml_currency cur);

/* {"as_of", "loan_id", "currency", "postings": [{event_id, date, account,
 * debit, credit}], "totals": {debit, credit}}. */
void postings_write_json(FILE *out, const status_report *r,
                         const ml_posting *postings, size_t count);

#endif /* MIKROLAN_CLI_STATUS_OUTPUT_H */

/*
 * examples/arrears.c — a loan in arrears, through the public API: 12,000
 * SEK at 12 % over 6 months, three repayments of which the second is ten
 * days late and the third partial, and its status on 2026-05-20.
 *
 *   cc arrears.c $(pkg-config --cflags --libs mikrolan)
 */
#include <stdio.h>

#include <mikrolan.h>

/* Prints "label: amount" in the loan's currency ("3141.16"). */
static int print_amount(const char *label, ml_amount a, ml_currency cur) {
  char text[ML_AMOUNT_FORMAT_SIZE];
  if (ml_amount_format(text, sizeof text, a, cur) != ML_OK) return 1;
  printf("%s%s", label, text);
  return 0;
}

static int print_date(const char *label, ml_date d) {
  char text[ML_DATE_FORMAT_SIZE];
  if (ml_date_format(text, sizeof text, d) != ML_OK) return 1;
  printf("%s%s", label, text);
  return 0;
}

/* Appends an event of type on the ISO date for amount (major units). */
static int append(ml_loan *loan, ml_event_type type, const char *date,
                  const char *amount) {
  ml_event e;
  ml_date d;
  ml_amount a;
  ml_error err;
  const ml_currency cur = ml_loan_terms(loan)->currency;
  if (ml_date_parse(&d, date, &err) != ML_OK ||
      ml_amount_parse(&a, amount, cur, NULL, &err) != ML_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  ml_event_init(&e, type, d, a);
  if (ml_loan_append(loan, &e, NULL, &err) != ML_OK) {
    fprintf(stderr, "rejected: %s\n", err.message);
    return 1;
  }
  return 0;
}

static int print_status(const ml_loan_status *s,
                        const ml_loan_installment *rows, ml_currency cur) {
  int bad = print_date("status as of ", s->as_of);
  printf(": %s\ndays past due: %d", ml_loan_state_name(s->state),
         (int)s->days_past_due);
  if (s->overdue_since != ML_DATE_NONE) {
    bad |= print_date(" (overdue since ", s->overdue_since);
    printf(")");
  }
  bad |= print_amount("\narrears: ", s->arrears, cur);
  bad |= print_amount("\noutstanding: principal ", s->outstanding[ML_PRINCIPAL], cur);
  bad |= print_amount(", interest ", s->outstanding[ML_INTEREST], cur);
  bad |= print_amount("\npayoff: ", s->payoff, cur);
  if (s->next_due_date != ML_DATE_NONE) { /* none once paid off */
    bad |= print_date("\nnext due: ", s->next_due_date);
    bad |= print_amount(", ", s->next_due_amount, cur);
  }
  printf("\nn,due_date,due,paid,outstanding\n");
  for (size_t i = 0; i < s->installment_count; i++) {
    const ml_loan_installment *r = &rows[i];
    ml_amount due = 0, paid = 0, left = 0;
    for (int c = 0; c < ML_COMPONENTS; c++) {
      due += r->due[c];
      paid += r->paid[c];
      left += r->outstanding[c];
    }
    printf("%d", (int)r->n);
    bad |= print_date(",", r->due_date);
    bad |= print_amount(",", due, cur);
    bad |= print_amount(",", paid, cur);
    bad |= print_amount(",", left, cur);
    printf("\n");
  }
  return bad;
}

int main(void) {
  ml_schedule_terms terms;
  ml_schedule_terms_init(&terms); /* monthly annuity in SEK */
  terms.principal = 1200000;      /* minor units: 12,000.00 SEK */
  terms.installments = 6;
  ml_error err;
  if (ml_rate_parse(&terms.annual_rate, "12", ML_RATE_PERCENT, &err) ||
      ml_date_parse(&terms.disbursed, "2026-01-15", &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  ml_loan_options options;
  ml_loan_options_init(&options); /* penalties, fees, interest, principal */
  ml_loan *loan;
  if (ml_loan_new(&loan, &terms, &options, &err) != ML_OK) {
    fprintf(stderr, "%s: %s\n", err.field, err.message);
    return 1;
  }
  int bad = append(loan, ML_EVENT_DISBURSEMENT, "2026-01-15", "12000.00") ||
            append(loan, ML_EVENT_REPAYMENT, "2026-02-15", "2070.58") ||
            append(loan, ML_EVENT_REPAYMENT, "2026-03-25", "2070.58") ||
            append(loan, ML_EVENT_REPAYMENT, "2026-04-15", "1000.00");
  ml_loan_status status;
  ml_loan_installment rows[8]; /* the loan's 6 installments */
  ml_date as_of;
  if (!bad && (ml_date_parse(&as_of, "2026-05-20", &err) != ML_OK ||
               ml_loan_status_at(&status, rows, 8, loan, as_of, &err) !=
                   ML_OK)) {
    fprintf(stderr, "%s\n", err.message);
    bad = 1;
  }
  if (!bad) bad = print_status(&status, rows, terms.currency);
  ml_loan_free(loan);
  return bad ? 1 : 0;
}

/*
 * examples/schedule.c — the shortest program that prints a repayment
 * schedule through the public API: 250,000 SEK at 8.5 % over 36 months.
 *
 *   cc schedule.c $(pkg-config --cflags --libs mikrolan)
 */
#include <stdio.h>

#include <mikrolan.h>

int main(void) {
  ml_schedule_terms terms;
  ml_schedule_terms_init(&terms); /* monthly annuity in SEK by default */
  terms.principal = 25000000;     /* minor units: 250,000.00 SEK */
  terms.installments = 36;
  ml_error err;
  if (ml_rate_parse(&terms.annual_rate, "8.5", ML_RATE_PERCENT, &err) ||
      ml_date_parse(&terms.disbursed, "2026-01-15", &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  ml_schedule *schedule;
  if (ml_schedule_new(&schedule, &terms, &err) != ML_OK) {
    fprintf(stderr, "%s: %s\n", err.field, err.message);
    return 1;
  }
  const ml_installment *rows = ml_schedule_rows(schedule);
  puts("n,due_date,principal,interest,fees,total,balance");
  for (size_t i = 0; i < ml_schedule_count(schedule); i++) {
    const ml_installment *r = &rows[i];
    char due[ML_DATE_FORMAT_SIZE], amounts[5][ML_AMOUNT_FORMAT_SIZE];
    const ml_amount values[5] = {r->principal, r->interest, r->fees,
                                 r->total, r->balance};
    int bad = ml_date_format(due, sizeof due, r->due_date) != ML_OK;
    for (int k = 0; k < 5; k++) {
      bad |= ml_amount_format(amounts[k], sizeof amounts[k], values[k],
                              terms.currency) != ML_OK;
    }
    if (bad) return 1;
    printf("%d,%s,%s,%s,%s,%s,%s\n", (int)r->n, due, amounts[0], amounts[1],
           amounts[2], amounts[3], amounts[4]);
  }
  ml_schedule_free(schedule);
  return 0;
}

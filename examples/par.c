/*
 * examples/par.c — portfolio at risk through the public API: four loans'
 * statuses (from small in-memory journals) added to an accumulator, two
 * segments, then PAR30 per segment and in total.
 *
 *   cc par.c $(pkg-config --cflags --libs mikrolan)
 *
 * Every loan is interest-free (0 %), monthly, so that each installment is
 * principal / term and the figures can be checked by hand, as of
 * 2026-06-30:
 *   A north 12,000 / 12 from 2026-01-15, paid Feb-Jun: current, 7,000 left
 *   B north 12,000 / 12 from 2026-01-15, paid Feb only: 107 days past due
 *     (since the 2026-03-15 installment), 11,000 left
 *   C south  6,000 / 6 from 2026-04-15, nothing paid: 46 days, 6,000
 *   D south 24,000 / 12 from 2026-05-20, nothing paid: 10 days, 24,000
 * PAR30 = B + C = 17,000 of 48,000 (0.354167); north 11,000 of 18,000
 * (0.611111); south 6,000 of 30,000 (0.200000).
 */
#include <stdio.h>

#include <mikrolan.h>

typedef struct example_loan {
  const char *segment;
  ml_amount principal; /* minor units */
  int32_t term;
  const char *disbursed;
  int repayments; /* of 1/term each, on the first due dates */
} example_loan;

static const example_loan loans[] = {
    {"north", 1200000, 12, "2026-01-15", 5},
    {"north", 1200000, 12, "2026-01-15", 1},
    {"south", 600000, 6, "2026-04-15", 0},
    {"south", 2400000, 12, "2026-05-20", 0},
};

/* The journal: the disbursement, then `repayments` installments paid on
 * their due dates (the 15th of the following months). */
static size_t journal(ml_event *events, const example_loan *l,
                      const ml_schedule_terms *t) {
  size_t n = 0;
  ml_event_init(&events[n++], ML_EVENT_DISBURSEMENT, t->disbursed,
                l->principal);
  for (int k = 1; k <= l->repayments; k++) {
    ml_date due;
    if (ml_date_add_months(&due, t->disbursed, k) != ML_OK) return 0;
    ml_event_init(&events[n++], ML_EVENT_REPAYMENT, due,
                  l->principal / l->term);
  }
  for (size_t i = 0; i < n; i++) events[i].id = (int64_t)i + 1;
  return n;
}

static int add_loan(ml_portfolio *p, const example_loan *l, ml_date as_of,
                    ml_loan_installment *rows, size_t capacity) {
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = l->principal;
  t.installments = l->term; /* annual_rate is 0 after init */
  ml_error err;
  if (ml_date_parse(&t.disbursed, l->disbursed, &err) != ML_OK) return 1;
  ml_loan_options options;
  ml_loan_options_init(&options);
  ml_event events[16];
  size_t count = journal(events, l, &t);
  ml_loan_status status;
  if (ml_loan_status_compute(&status, rows, capacity, &t, &options, events,
                             count, as_of, &err) != ML_OK ||
      ml_portfolio_add(p, l->segment, &status, NULL, &err) != ML_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  return 0;
}

/* "name: PAR30 11000.00 of 18000.00 SEK (0.611111)" */
static int print_par30(const char *name, const ml_portfolio_figures *f,
                       size_t k30) {
  char par[ML_AMOUNT_FORMAT_SIZE], glp[ML_AMOUNT_FORMAT_SIZE], ratio[32];
  ml_currency sek = ml_currency_default();
  if (ml_amount_format(par, sizeof par, f->par[k30], sek) != ML_OK ||
      ml_amount_format(glp, sizeof glp, f->gross_portfolio, sek) != ML_OK ||
      ml_ratio_format(ratio, sizeof ratio, ml_portfolio_par_ratio(f, k30),
                      6) != ML_OK) {
    return 1;
  }
  printf("%s: PAR30 %s of %s SEK (%s)\n", name, par, glp, ratio);
  return 0;
}

int main(void) {
  ml_portfolio_options options;
  ml_portfolio_options_init(&options); /* thresholds 1, 30, 60, ... */
  size_t k30 = 1;                      /* the index of 30 among them */
  ml_portfolio *p;
  ml_error err;
  ml_date as_of;
  static ml_loan_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  if (ml_date_parse(&as_of, "2026-06-30", &err) != ML_OK ||
      ml_portfolio_new(&p, &options, &err) != ML_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  int bad = 0;
  for (size_t i = 0; i < sizeof loans / sizeof loans[0]; i++) {
    bad |= add_loan(p, &loans[i], as_of, rows, sizeof rows / sizeof rows[0]);
  }
  ml_portfolio_figures f;
  for (size_t i = 0; !bad && i < ml_portfolio_segment_count(p); i++) {
    const char *key;
    ml_portfolio_segment(p, i, &key, &f);
    bad |= print_par30(key, &f, k30);
  }
  ml_portfolio_total(p, &f);
  bad = bad || print_par30("total", &f, k30);
  ml_portfolio_free(p);
  return bad;
}

/*
 * cli/generate_model.c — the synthetic programme: the random number
 * generator and the model of one loan (attributes, terms and journal).
 *
 * The programme is shaped after the one mikrolan was made for (a Swedish
 * microloan programme in 16 municipalities, about 85 % women, 45 network
 * groups, business loans of up to 250,000 SEK over up to three years,
 * disbursed up to four years back), and
 * its borrowers behave in seven ways, from always on time to written off.
 * Only integers are drawn: no floating point, so every platform draws the
 * same loans.
 */
#include <string.h>

#include "generate.h"

/* ---- random numbers ----------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream) {
  /* Mixing the stream through splitmix64 first keeps neighbouring loans'
   * streams unrelated. */
  uint64_t x = seed;
  uint64_t mixed = stream;
  x ^= splitmix64(&mixed);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t gen_rng_next(gen_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n) {
  ML_ASSERT(n > 0);
  /* Lemire: the high half of a 32x32 product, rejecting the few low
   * values that would favour some results. */
  uint64_t m = (gen_rng_next(r) >> 32) * n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    uint32_t threshold = (uint32_t)(-n) % n;
    while (low < threshold) {
      m = (gen_rng_next(r) >> 32) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

int32_t gen_rng_between(gen_rng *r, int32_t lo, int32_t hi) {
  ML_ASSERT(lo <= hi);
  return lo + (int32_t)gen_rng_below(r, (uint32_t)(hi - lo) + 1);
}

size_t gen_rng_pick(gen_rng *r, const uint32_t *weights, size_t count) {
  uint32_t total = 0;
  for (size_t i = 0; i < count; i++) total += weights[i];
  uint32_t x = gen_rng_below(r, total);
  size_t i = 0;
  while (x >= weights[i]) x -= weights[i++];
  return i;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- attributes ---------------------------------------------------------- */

const char *const gen_kommuner[GEN_KOMMUNER] = {
    "Botkyrka",  "Eskilstuna", "Gislaved",   "Gnosjö",    "Göteborg",
    "Karlstad",  "Katrineholm", "Linköping", "Motala",    "Nacka",
    "Norrköping", "Nyköping",  "Strängnäs",  "Värnamo",   "Västerås",
    "Örebro"};

/* Borrowers per municipality, roughly by size, and each municipality's
 * network groups (45 in all, numbered G01..G45 in this order). */
static const uint32_t kommun_weight[GEN_KOMMUNER] = {9, 7, 3, 2, 14, 6, 4,
                                                     8, 4, 6, 8, 4, 4, 3,
                                                     8, 8};
static const int kommun_groups[GEN_KOMMUNER] = {5, 3, 2, 1, 6, 3, 2, 3,
                                                2, 3, 3, 2, 2, 2, 3, 3};

static void draw_attributes(gen_loan *loan, gen_rng *r) {
  size_t k = gen_rng_pick(r, kommun_weight, GEN_KOMMUNER);
  int first = 1;
  for (size_t i = 0; i < k; i++) first += kommun_groups[i];
  int group = first + (int)gen_rng_below(r, (uint32_t)kommun_groups[k]);
  loan->kommun = gen_kommuner[k];
  snprintf(loan->group, sizeof loan->group, "G%02d", group);
  /* About 85 % women. */
  loan->gender = gen_rng_below(r, 100) < 85 ? "F" : "M";
}

/* ---- terms ---------------------------------------------------------------- */

/* Principal bands in thousands of SEK and how often each is lent. */
static const int32_t band_from[] = {10, 50, 100, 150, 200};
static const int32_t band_to[] = {49, 99, 149, 199, 250};
static const uint32_t band_weight[] = {35, 30, 18, 10, 7};

static const int32_t term_months[] = {12, 18, 24, 30, 36};
static const uint32_t term_weight[] = {15, 15, 30, 15, 25};

static void draw_terms(ml_schedule_terms *t, gen_rng *r, ml_date until) {
  ml_schedule_terms_init(t);
  size_t band = gen_rng_pick(r, band_weight, COUNT(band_weight));
  int32_t thousands = gen_rng_between(r, band_from[band], band_to[band]);
  t->principal = (ml_amount)thousands * 1000 * 100;
  /* 6 % to 12 % in steps of 0.5 %: (60 + 5k) / 1000. */
  t->annual_rate = (ml_rate){60 + 5 * gen_rng_between(r, 0, 12), 3};
  t->installments = term_months[gen_rng_pick(r, term_weight, COUNT(term_weight))];
  t->method = gen_rng_below(r, 100) < 85 ? ML_METHOD_ANNUITY
                                          : ML_METHOD_EQUAL_PRINCIPAL;
  /* A fifth of the longer loans start with 6-12 months of interest only. */
  if (t->installments >= 24 && gen_rng_below(r, 5) == 0) {
    t->grace_principal = gen_rng_between(r, 6, 12);
  }
  /* Disbursed within the four years before `until` (the programme's
   * three-year loans and their follow-up), at least a month before it. */
  t->disbursed = until - gen_rng_between(r, 30, 1460);
}

/* ---- the journal ------------------------------------------------------------ */

typedef struct journal {
  gen_loan *loan;
  ml_date until;
  ml_date last; /* dates never go back */
} journal;

/* Appends an event dated no earlier than the last one; nothing after
 * `until` or beyond the buffer. 1 when appended. */
static int add_event(journal *j, ml_event_type type, ml_date date,
                     ml_amount amount) {
  gen_loan *loan = j->loan;
  if (date < j->last) date = j->last;
  if (date > j->until || loan->event_count == GEN_MAX_EVENTS) return 0;
  ml_event *e = &loan->events[loan->event_count];
  ml_event_init(e, type, date, amount);
  e->id = (int64_t)loan->event_count + 1;
  loan->event_count++;
  j->last = date;
  return 1;
}

static int pay(journal *j, ml_date date, ml_amount amount) {
  return amount > 0 && add_event(j, ML_EVENT_REPAYMENT, date, amount);
}

/* Installment k (0-based) paid in full on its due date, k in [from, to). */
static void pay_on_time(journal *j, const ml_installment *rows, size_t from,
                        size_t to) {
  for (size_t k = from; k < to; k++) pay(j, rows[k].due_date, rows[k].total);
}

static void behave_on_time(journal *j, gen_rng *r, const ml_installment *rows,
                           size_t n) {
  pay_on_time(j, rows, 0, n - 1);
  /* A few pay a little too much at the end: a credit balance. */
  ml_amount extra = gen_rng_below(r, 100) < 3
                        ? (ml_amount)gen_rng_between(r, 50, 500) * 100
                        : 0;
  pay(j, rows[n - 1].due_date, rows[n - 1].total + extra);
}

static void behave_late(journal *j, gen_rng *r, const ml_installment *rows,
                        size_t n) {
  for (size_t k = 0; k < n; k++) {
    int32_t delay = gen_rng_below(r, 2) ? gen_rng_between(r, 1, 40) : 0;
    pay(j, rows[k].due_date + delay, rows[k].total);
  }
}

/* Some installments paid only in part (50-90 %, whole kronor), the
 * shortfall sometimes caught up with a later installment. */
static void behave_partial(journal *j, gen_rng *r, const ml_installment *rows,
                           size_t n) {
  ml_amount shortfall = 0;
  for (size_t k = 0; k < n; k++) {
    ml_amount amount = rows[k].total;
    if (gen_rng_below(r, 10) < 3) {
      amount = amount * gen_rng_between(r, 50, 90) / 100 / 100 * 100;
      shortfall += rows[k].total - amount;
    } else if (shortfall > 0 && gen_rng_below(r, 2) == 0) {
      amount += shortfall;
      shortfall = 0;
    }
    pay(j, rows[k].due_date, amount);
  }
}

/* The status of the journal so far at `date` (default options). */
static ml_status status_at(ml_loan_status *s, ml_loan_installment *rows,
                           const journal *j, ml_date date) {
  ml_loan_options o;
  ml_loan_options_init(&o);
  return ml_loan_status_compute(s, rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                &j->loan->terms, &o, j->loan->events,
                                j->loan->event_count, date, NULL);
}

/* On time for a while, then the whole payoff between two due dates. */
static void behave_prepaid(journal *j, gen_rng *r, const ml_installment *rows,
                           size_t n, ml_loan_installment *status_rows) {
  size_t m = (size_t)gen_rng_between(r, 3, (int32_t)n - 2);
  pay_on_time(j, rows, 0, m);
  ml_date date = rows[m - 1].due_date + gen_rng_between(r, 5, 25);
  ml_loan_status s;
  if (date > j->until || date < j->last ||
      status_at(&s, status_rows, j, date) != ML_OK) {
    return;
  }
  pay(j, date, s.payoff);
}

/* Pays m installments, then maybe a half payment, then nothing more. */
static size_t pay_then_stop(journal *j, gen_rng *r, const ml_installment *rows,
                            size_t n) {
  size_t m = (size_t)gen_rng_between(r, 0, (int32_t)n / 2);
  pay_on_time(j, rows, 0, m);
  if (gen_rng_below(r, 2) == 0) {
    pay(j, rows[m].due_date + gen_rng_between(r, 10, 60), rows[m].total / 2);
  }
  return m;
}

static void behave_written_off(journal *j, gen_rng *r,
                               const ml_installment *rows, size_t n) {
  size_t m = pay_then_stop(j, r, rows, n);
  ml_date date = rows[m].due_date + gen_rng_between(r, 180, 360);
  add_event(j, ML_EVENT_WRITE_OFF, date, 0);
}

/* After the reschedule: what is overdue with the first new installment,
 * then each installment on its due date. */
static void pay_rescheduled(journal *j, const ml_loan_status *s,
                            const ml_loan_installment *rows, ml_date from) {
  ml_amount carried = 0;
  for (size_t i = 0; i < s->installment_count; i++) {
    ml_amount owed = 0;
    for (int c = 0; c < ML_COMPONENTS; c++) owed += rows[i].outstanding[c];
    if (rows[i].due_date <= from) {
      carried += owed;
      continue;
    }
    pay(j, rows[i].due_date, owed + carried);
    carried = 0;
  }
}

/* On time, then two or three missed installments, a reschedule over the
 * rest plus six months, and on time again. */
static void behave_rescheduled(journal *j, gen_rng *r,
                               const ml_installment *rows, size_t n,
                               ml_loan_installment *status_rows) {
  size_t m = (size_t)gen_rng_between(r, 2, (int32_t)n - 6);
  size_t missed = (size_t)gen_rng_between(r, 2, 3);
  pay_on_time(j, rows, 0, m);
  ml_date date = rows[m + missed - 1].due_date + gen_rng_between(r, 5, 20);
  if (!add_event(j, ML_EVENT_RESCHEDULE, date, 0)) return;
  ml_event *e = &j->loan->events[j->loan->event_count - 1];
  e->reschedule.annual_rate = j->loan->terms.annual_rate;
  e->reschedule.installments = (int32_t)(n - m - missed) + 6;
  ml_loan_status s;
  if (status_at(&s, status_rows, j, date) != ML_OK) {
    j->loan->event_count--; /* never happens with drawn terms */
    return;
  }
  pay_rescheduled(j, &s, status_rows, date);
}

/* on time, late, partial, prepaid, defaulted, rescheduled, written off */
static const uint32_t behaviour_weight[GEN_BEHAVIOURS] = {60, 14, 7, 8,
                                                          5,  3,  3};

static void draw_journal(gen_loan *loan, gen_rng *r, ml_date until,
                         const ml_installment *rows, size_t n,
                         ml_loan_installment *status_rows) {
  journal j = {loan, until, loan->terms.disbursed};
  loan->event_count = 0;
  add_event(&j, ML_EVENT_DISBURSEMENT, loan->terms.disbursed,
            loan->terms.principal);
  switch (loan->behaviour) {
    case GEN_ON_TIME: behave_on_time(&j, r, rows, n); break;
    case GEN_LATE: behave_late(&j, r, rows, n); break;
    case GEN_PARTIAL: behave_partial(&j, r, rows, n); break;
    case GEN_PREPAID: behave_prepaid(&j, r, rows, n, status_rows); break;
    case GEN_DEFAULTED: pay_then_stop(&j, r, rows, n); break;
    case GEN_RESCHEDULED:
      behave_rescheduled(&j, r, rows, n, status_rows);
      break;
    case GEN_WRITTEN_OFF: behave_written_off(&j, r, rows, n); break;
    case GEN_BEHAVIOURS: ML_ASSERT(0);
  }
}

/* Cuts the journal before any event the ledger rejects, so that every
 * journal written is accepted (the model above should never need it). */
static void keep_valid_prefix(gen_loan *loan, ml_date until,
                              ml_loan_installment *status_rows) {
  ml_loan_options o;
  ml_loan_options_init(&o);
  for (;;) {
    ml_loan_status s;
    ml_error err;
    ml_status st = ml_loan_status_compute(
        &s, status_rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1, &loan->terms, &o,
        loan->events, loan->event_count, until, &err);
    if (st == ML_OK) return;
    ML_ASSERT(err.line >= 2 && (size_t)err.line <= loan->event_count);
    loan->event_count = (size_t)err.line - 1;
  }
}

ml_status gen_loan_draw(gen_loan *loan, uint64_t seed, uint64_t index,
                        ml_date until, ml_installment *rows,
                        ml_loan_installment *status_rows) {
  gen_rng r;
  gen_rng_seed(&r, seed, index);
  memset(loan, 0, sizeof *loan);
  draw_attributes(loan, &r);
  draw_terms(&loan->terms, &r, until);
  loan->behaviour =
      (gen_behaviour)gen_rng_pick(&r, behaviour_weight, GEN_BEHAVIOURS);
  size_t n = 0;
  ml_status st = ml_schedule_compute(rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                     &n, &loan->terms, NULL);
  if (st != ML_OK) return st;
  draw_journal(loan, &r, until, rows, n, status_rows);
  keep_valid_prefix(loan, until, status_rows);
  return ML_OK;
}

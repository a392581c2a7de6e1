/*
 * tests/loan_properties.h — what a status must keep of its journal, shared
 * by test_loan.c's random journals and the loan fuzz target: money
 * received is on the rows or owed back, and every waiver in effect is
 * still waived on the rows, whatever re-amortised them since.
 */
#ifndef MIKROLAN_TESTS_LOAN_PROPERTIES_H
#define MIKROLAN_TESTS_LOAN_PROPERTIES_H

#include <stddef.h>
#include <string.h>

#include "mikrolan.h"

enum { LOAN_PROPERTIES_MAX_EVENTS = 64 };

/* Money received less what the rows hold as paid and what is owed back:
 * 0 when none is lost. */
static inline ml_amount money_not_kept(const ml_loan_status *st,
                                       const ml_loan_installment *rows) {
  ml_amount kept = st->credit_balance;
  for (size_t r = 0; r < st->installment_count; r++) {
    for (int c = 0; c < ML_COMPONENTS; c++) kept += rows[r].paid[c];
  }
  return st->paid_total - kept;
}

/* What the waivers in effect at as_of waived, by component: a waiver
 * counts from its date, unless a reversal in effect by then takes it out.
 * A reversal's target is entered before it, so one pass from the end
 * settles a reversal of a reversal first. count is at most
 * LOAN_PROPERTIES_MAX_EVENTS. */
static inline void waived_by_events(ml_amount out[ML_COMPONENTS],
                                    const ml_event *events, size_t count,
                                    ml_date as_of) {
  unsigned char reversed[LOAN_PROPERTIES_MAX_EVENTS] = {0};
  memset(out, 0, ML_COMPONENTS * sizeof *out);
  for (size_t k = count; k-- > 0;) {
    const ml_event *e = &events[k];
    if (e->date > as_of || reversed[k]) continue;
    if (e->type == ML_EVENT_REVERSAL) reversed[e->target - 1] = 1;
    if (e->type == ML_EVENT_WAIVER) out[e->component] += e->amount;
  }
}

/* Whether the rows hold, by component, what waived_by_events counts. */
static inline int waivers_kept(const ml_loan_status *st,
                               const ml_loan_installment *rows,
                               const ml_event *events, size_t count) {
  ml_amount want[ML_COMPONENTS], waived[ML_COMPONENTS] = {0};
  waived_by_events(want, events, count, st->as_of);
  for (size_t r = 0; r < st->installment_count; r++) {
    for (int c = 0; c < ML_COMPONENTS; c++) waived[c] += rows[r].waived[c];
  }
  return memcmp(want, waived, sizeof want) == 0;
}

#endif

/*
 * cli/generate.h — the synthetic programme of `mikrolan generate`: a seeded
 * random number generator and the model of one loan (its attributes, terms
 * and journal), shared by cli/generate.c (the command) and
 * cli/generate_model.c (the model).
 *
 * Every draw comes from the generator below, seeded from (seed, loan
 * number), never from rand() or the clock: the same seed gives the same
 * loans, byte for byte, on every machine, and loan i does not depend on how
 * many loans come before or after it.
 */
#ifndef MIKROLAN_CLI_GENERATE_H
#define MIKROLAN_CLI_GENERATE_H

#include <stdint.h>

#include "mikrolan.h"

/* ---- random numbers ----------------------------------------------------- */

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
typedef struct gen_rng {
  uint64_t s[4];
} gen_rng;

/* The stream of loan `stream` of the programme with this seed. */
void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream);
uint64_t gen_rng_next(gen_rng *r);
/* Uniform in 0..n-1 (n > 0), without modulo bias (Lemire's method). */
uint32_t gen_rng_below(gen_rng *r, uint32_t n);
/* Uniform in lo..hi (lo <= hi). */
int32_t gen_rng_between(gen_rng *r, int32_t lo, int32_t hi);
/* An index into weights[0..count), each drawn in proportion to its
 * weight (the weights sum to more than 0). */
size_t gen_rng_pick(gen_rng *r, const uint32_t *weights, size_t count);

/* ---- one loan ----------------------------------------------------------- */

/* How a borrower pays. */
typedef enum gen_behaviour {
  GEN_ON_TIME = 0,
  GEN_LATE,
  GEN_PARTIAL,
  GEN_PREPAID,
  GEN_DEFAULTED,
  GEN_RESCHEDULED,
  GEN_WRITTEN_OFF,
  GEN_BEHAVIOURS
} gen_behaviour;

/* The most events one generated journal has: a disbursement, 36 + 6
 * rescheduled installments with catch-up payments, a reschedule and a
 * write-off, with room to spare. */
#define GEN_MAX_EVENTS 128

typedef struct gen_loan {
  ml_schedule_terms terms;
  const char *kommun;
  const char *gender; /* "F" or "M" */
  char group[8];      /* "G01".."G45" */
  gen_behaviour behaviour;
  ml_event events[GEN_MAX_EVENTS];
  size_t event_count;
} gen_loan;

/* The programme's municipalities, in the order the issue lists them. */
#define GEN_KOMMUNER 16
extern const char *const gen_kommuner[GEN_KOMMUNER];

/*
 * Draws loan number `index` (0-based) of the programme with this seed:
 * disbursed 30 to 1,460 days before `until`, with its journal up to
 * `until` (no event after it). The journal is accepted by the ledger with
 * the default loan options (ml_loan_status_compute at `until`); the model
 * is built so, and a journal that still failed would be cut before the
 * event the ledger rejects. ML_OK, or the schedule layer's error for terms
 * that are never drawn (asserted in practice).
 */
ml_status gen_loan_draw(gen_loan *loan, uint64_t seed, uint64_t index,
                        ml_date until, ml_installment *rows,
                        ml_loan_installment *status_rows);

#endif /* MIKROLAN_CLI_GENERATE_H */

/* lib/ledger.h — the replay of a loan's journal (internal). */
#ifndef MIKROLAN_LIB_LEDGER_H
#define MIKROLAN_LIB_LEDGER_H

#include "internal.h"
#include "mikrolan/loan.h"

/* Receives each posting line as the replay makes it. */
typedef void (*ml_posting_sink)(void *context, const ml_posting *posting);

/*
 * Replays events[0..count) (in order of entry, ids 1..count) up to as_of
 * into status and rows; postings go to sink when it is not NULL. Each
 * event is checked on its own; against the loan's state only up to as_of
 * (ml_loan_append replays to the end and to the day before each reversal
 * date).
 */
ml_status ml_ledger_replay(ml_loan_status *status, ml_loan_installment *rows,
                           size_t capacity, const ml_schedule_terms *terms,
                           const ml_loan_options *options,
                           const ml_event *events, size_t count,
                           ml_date as_of, ml_posting_sink sink,
                           void *sink_context, ml_error *err);

/* Whether the ref of the event at index (0-based) is NUL-terminated within
 * ML_EVENT_REF_SIZE bytes and valid UTF-8, as a journal needs it; else
 * ML_EINVAL "ref" naming the event (lib/loan.c). */
ml_status ml_event_check_ref(const ml_event *e, size_t index, ml_error *err);

#endif

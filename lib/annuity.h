/* lib/annuity.h — the exact annuity installment (internal). */
#ifndef MIKROLAN_LIB_ANNUITY_H
#define MIKROLAN_LIB_ANNUITY_H

#include "internal.h"
#include "mikrolan/schedule.h"

/* Most periods an annuity is computed over. */
#define ML_ANNUITY_MAX_PERIODS ML_SCHEDULE_MAX_INSTALLMENTS

/* Bounds of the fast proof: 2*P*a < 2^128 and T*b*D < 2^192 with the
 * installment T < 2^60. Larger operands go to the exact GMP path. */
#define ML_ANNUITY_FAST_MAX_PRINCIPAL (INT64_C(1) << 60)
#define ML_ANNUITY_FAST_MAX_RATE_TERM (INT64_C(1) << 62)

/* The exact GMP path of ml_annuity_payment, always; for tests that compare
 * it with the fast proof. r = a/b > 0. */
ml_status ml_annuity_exact(ml_amount *out, ml_amount principal, int64_t a,
                           int64_t b, int32_t m, ml_amount q,
                           ml_rounding mode);

#endif

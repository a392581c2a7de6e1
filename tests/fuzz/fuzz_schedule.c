/*
 * tests/fuzz/fuzz_schedule.c — the schedule API with arbitrary terms.
 *
 * Every field of ml_schedule_terms is decoded from the input: enums stay
 * within their ranges (a value outside is a programming error, asserted
 * by design), everything else may be anything, though biased toward
 * values a product could have so that most inputs reach the arithmetic.
 *
 * Checked on success (schedule.h): the row count; row 0 is the upfront
 * fee; in each row total = principal + interest + fees and the fees are
 * the installment fee; the balance never rises and is never negative,
 * ends at 0, and the principal parts sum to the principal; due dates are
 * in range and never decrease; interest periods follow each other from
 * the disbursement; no principal in the principal grace, no interest due
 * in the interest grace or the interest-free rows; bullet pays principal
 * only in its last row; ml_schedule_new gives the same rows; a buffer one
 * row short is ML_EBUFFER. On failure: err is filled and names a field.
 * With one bit of the input, ml_apr_of_terms runs on the terms too.
 */
#include "fuzz.h"

#define MAX_ROWS (ML_SCHEDULE_MAX_INSTALLMENTS + 1)

enum { BASE_DATE = 20468 }; /* 2026-01-15 */

static int32_t small_or_any(fuzz_bytes *b, int32_t lo, int32_t hi) {
  return (fuzz_u8(b) & 15) == 0 ? fuzz_i32(b)
                                : (int32_t)fuzz_range(b, lo, hi);
}

static void decode_calendar(ml_schedule_terms *t, fuzz_bytes *b,
                            ml_date *closed, size_t room) {
  t->calendar.kind = (ml_calendar_kind)fuzz_range(b, 0, 2);
  t->business_day = (ml_business_day)fuzz_range(b, 0, 4);
  size_t count = (size_t)fuzz_range(b, 0, (int64_t)room);
  if (count > 0 && (fuzz_u8(b) & 3) == 0) {
    /* a run of closed days, to reach the 31-day search limit */
    int64_t start = fuzz_date_near(b, BASE_DATE);
    if (start > INT32_MAX - (int64_t)room) start = INT32_MAX - (int64_t)room;
    for (size_t i = 0; i < count; i++) closed[i] = (ml_date)(start + (int64_t)i);
  } else {
    for (size_t i = 0; i < count; i++) closed[i] = fuzz_date_near(b, BASE_DATE);
  }
  t->calendar.extra_closed = count > 0 ? closed : NULL;
  t->calendar.extra_closed_count = count;
}

static void decode_terms(ml_schedule_terms *t, fuzz_bytes *b,
                         ml_date *closed, size_t room) {
  ml_schedule_terms_init(t);
  uint8_t limits = fuzz_u8(b);
  if (limits & 1) t->max_principal = fuzz_amount(b);
  t->principal = fuzz_amount(b);
  if (limits & 2) {
    t->currency = fuzz_currency(b);
    if (t->currency.exponent > 6) t->currency.exponent %= 7;
  }
  t->annual_rate = fuzz_rate(b);
  t->installments = small_or_any(b, 1, ML_SCHEDULE_MAX_INSTALLMENTS + 1);
  t->frequency.unit = (ml_frequency_unit)fuzz_range(b, 0, 2);
  t->frequency.every = small_or_any(b, 1, 12);
  t->method = (ml_method)fuzz_range(b, 0, 3);
  t->interest_basis = (ml_interest_basis)fuzz_range(b, 0, 1);
  t->day_count = (ml_day_count)fuzz_range(b, 0, 5);
  uint8_t dates = fuzz_u8(b);
  t->disbursed = (dates & 7) == 0 ? ML_DATE_NONE : fuzz_date_near(b, BASE_DATE);
  if (dates & 8) {
    int64_t near = (int64_t)t->disbursed + fuzz_range(b, -3, 400);
    if (near > INT32_MAX) near = INT32_MAX;
    t->first_due = (dates & 16) ? fuzz_i32(b) : (ml_date)near;
  }
  t->grace_principal = small_or_any(b, 0, 24);
  t->grace_interest = small_or_any(b, 0, 24);
  t->interest_free = small_or_any(b, 0, 24);
  t->rounding = (ml_rounding)fuzz_range(b, 0, 6);
  uint8_t extras = fuzz_u8(b);
  if (extras & 1) t->installment_multiple = fuzz_amount(b);
  t->upfront_fee_kind = (ml_fee_kind)fuzz_range(b, 0, 1);
  if (extras & 2) t->upfront_fee = fuzz_amount(b);
  if (extras & 4) t->upfront_fee_rate = fuzz_rate(b);
  if (extras & 8) t->installment_fee = fuzz_amount(b);
  if (extras & 16) t->fixed_installment = fuzz_amount(b);
  t->adjusted_interest_periods = (extras & 32) != 0;
  if (extras & 64) decode_calendar(t, b, closed, room);
}

static ml_amount sum_checked(ml_amount a, ml_amount b) {
  ml_amount s;
  FUZZ_CHECK(ml_int64_add(&s, a, b) == ML_OK);
  return s;
}

/* The invariants of one computed schedule. */
static void check_rows(const ml_schedule_terms *t, const ml_installment *rows,
                       size_t count) {
  FUZZ_CHECK(count == ml_schedule_row_count(t));
  size_t r = 0;
  if (count == (size_t)t->installments + 1) {
    FUZZ_CHECK(rows[0].n == 0 && rows[0].due_date == t->disbursed);
    FUZZ_CHECK(rows[0].principal == 0 && rows[0].interest == 0);
    FUZZ_CHECK(rows[0].fees > 0 && rows[0].total == rows[0].fees);
    FUZZ_CHECK(rows[0].balance == t->principal);
    r = 1;
  } else {
    FUZZ_CHECK(count == (size_t)t->installments);
  }
  ml_amount balance = t->principal, principal_sum = 0;
  ml_date previous_due = t->disbursed, period = t->disbursed;
  for (int32_t k = 1; r < count; r++, k++) {
    const ml_installment *row = &rows[r];
    FUZZ_CHECK(row->n == k);
    FUZZ_CHECK(row->principal >= 0 && row->interest >= 0);
    FUZZ_CHECK(row->fees == t->installment_fee);
    FUZZ_CHECK(row->total ==
               sum_checked(sum_checked(row->principal, row->interest),
                           row->fees));
    FUZZ_CHECK(row->principal <= balance);
    FUZZ_CHECK(row->balance == balance - row->principal);
    FUZZ_CHECK(row->balance >= 0 && row->balance <= balance);
    balance = row->balance;
    principal_sum = sum_checked(principal_sum, row->principal);
    FUZZ_CHECK(row->due_date >= ML_DATE_MIN && row->due_date <= ML_DATE_MAX);
    FUZZ_CHECK(row->due_date >= previous_due);
    previous_due = row->due_date;
    FUZZ_CHECK(row->period_start == period);
    FUZZ_CHECK(row->period_end >= row->period_start);
    period = row->period_end;
    if (k <= t->grace_principal) FUZZ_CHECK(row->principal == 0);
    if (k <= t->grace_interest || k <= t->interest_free) {
      FUZZ_CHECK(row->interest == 0);
    }
    if (t->method == ML_METHOD_BULLET && k < t->installments) {
      FUZZ_CHECK(row->principal == 0);
    }
  }
  FUZZ_CHECK(balance == 0);
  FUZZ_CHECK(principal_sum == t->principal);
}

static void check_failure(ml_status st, const ml_error *err) {
  FUZZ_CHECK(st < 0 && err->code == st);
  FUZZ_CHECK(err->message[0] != '\0');
  if (st != ML_EBUFFER && st != ML_ENOMEM) FUZZ_CHECK(err->field[0] != '\0');
}

static void check_apr(const ml_schedule_terms *t, const ml_installment *rows,
                      size_t count, int32_t decimals) {
  ml_apr_result a;
  ml_error err;
  ml_status st = ml_apr_of_terms(&a, t, decimals, &err);
  if (st != ML_OK) {
    check_failure(st, &err);
    return;
  }
  ml_amount payable = 0;
  for (size_t r = 0; r < count; r++) payable = sum_checked(payable, rows[r].total);
  FUZZ_CHECK(a.total_drawdowns == t->principal);
  FUZZ_CHECK(a.total_payable == payable);
  FUZZ_CHECK(a.total_cost == payable - t->principal);
  FUZZ_CHECK(a.decimals == decimals);
  char buf[ML_APR_FORMAT_SIZE];
  FUZZ_CHECK(ml_apr_format(buf, sizeof buf, &a) == ML_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_bytes b = {data, size};
  ml_date closed[40];
  ml_schedule_terms t;
  uint8_t mode = fuzz_u8(&b);
  decode_terms(&t, &b, closed, sizeof closed / sizeof closed[0]);

  static ml_installment rows[MAX_ROWS], again[MAX_ROWS];
  size_t count = 0, count_again = 0;
  ml_error err;
  ml_status valid = ml_schedule_validate(&t, NULL);
  ml_status st = ml_schedule_compute(rows, MAX_ROWS, &count, &t, &err);
  if (st != ML_OK) {
    check_failure(st, &err);
    FUZZ_CHECK(count == 0);
    if (valid != ML_OK) FUZZ_CHECK(st == valid);
    ml_schedule *s = NULL;
    FUZZ_CHECK(ml_schedule_new(&s, &t, NULL) == st && s == NULL);
    return 0;
  }
  FUZZ_CHECK(valid == ML_OK);
  check_rows(&t, rows, count);

  /* the same terms, the same bytes */
  FUZZ_CHECK(ml_schedule_compute(again, MAX_ROWS, &count_again, &t, NULL) ==
             ML_OK);
  FUZZ_CHECK(count_again == count &&
             memcmp(again, rows, count * sizeof rows[0]) == 0);
  ml_schedule *s = NULL;
  FUZZ_CHECK(ml_schedule_new(&s, &t, NULL) == ML_OK);
  FUZZ_CHECK(ml_schedule_count(s) == count);
  FUZZ_CHECK(memcmp(ml_schedule_rows(s), rows, count * sizeof rows[0]) == 0);
  const ml_schedule_terms *kept = ml_schedule_terms_of(s);
  FUZZ_CHECK(kept->principal == t.principal &&
             kept->installments == t.installments &&
             kept->disbursed == t.disbursed && kept->method == t.method);
  ml_schedule_free(s);
  FUZZ_CHECK(ml_schedule_compute(again, count - 1, &count_again, &t, &err) ==
                 ML_EBUFFER &&
             count_again == 0);

  if (mode & 1) check_apr(&t, rows, count, (int32_t)(mode >> 4) % 9 + 1);
  return 0;
}

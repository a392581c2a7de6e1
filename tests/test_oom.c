/*
 * tests/test_oom.c — out of memory: every allocating API, with the N-th
 * allocation failing, for N = 1, 2, ... until the call makes no N-th
 * allocation (and so succeeds).
 *
 * The test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free and with the static library, so every allocation the
 * library makes (and the test's own) goes through the wrappers below.
 * GMP's own allocations (mpz/mpq, in libgmp.so) are not wrapped: GMP's
 * allocator aborts when memory runs out, as the headers say, and that is
 * out of this test's scope.
 *
 * Each failed call must return ML_ENOMEM, fill err with ML_ENOMEM and a
 * message saying "out of memory", leave *out NULL where there is one, leak
 * nothing (the wrappers count live blocks; ASan/LSan and valgrind check
 * the rest) and leave the handle as it was, so that the same call then
 * succeeds. The only failure allowed to succeed is the APR solver's
 * floating-point first guess, which starts from 0 without it: its result
 * must then equal the result without any failure.
 *
 * The golden values here are the results of the same calls without any
 * failure (this test checks sameness, not arithmetic), except the APR tie:
 * -100.00 on 2025-01-01 and +110.05 on 2026-01-01 is exactly 10.05 %
 * (110.05 / 100 - 1, one whole year in the years basis), a rounding
 * boundary at 1 decimal, so it is a tie rounded half-up to 10.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

/* ---- the allocator ------------------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *block, size_t size);
void __real_free(void *block);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *block, size_t size);
void __wrap_free(void *block);

/* The test runs on one thread; this is the test's state, not the
 * library's. */
static struct {
  long calls;   /* allocation calls since arm() */
  long fail_at; /* the call that fails (1-based); 0 = none */
  int failed;   /* the fail_at-th call happened (and failed) */
  long live;    /* blocks allocated through the wrappers and not freed */
} heap;

static int next_fails(void) {
  heap.calls++;
  if (heap.fail_at > 0 && heap.calls == heap.fail_at) {
    heap.failed = 1;
    return 1;
  }
  return 0;
}

void *__wrap_malloc(size_t size) {
  if (next_fails()) return NULL;
  void *p = __real_malloc(size);
  if (p != NULL) heap.live++;
  return p;
}

void *__wrap_calloc(size_t count, size_t size) {
  if (next_fails()) return NULL;
  void *p = __real_calloc(count, size);
  if (p != NULL) heap.live++;
  return p;
}

void *__wrap_realloc(void *block, size_t size) {
  if (next_fails()) return NULL;
  void *p = __real_realloc(block, size);
  if (block == NULL && p != NULL) heap.live++;
  return p;
}

void __wrap_free(void *block) {
  if (block != NULL) heap.live--;
  __real_free(block);
}

/* Fails the n-th allocation from now on. */
static void arm(long n) {
  heap.calls = 0;
  heap.fail_at = n;
  heap.failed = 0;
}

/* Stops failing; 1 when the armed allocation was reached (and failed). */
static int disarm(void) {
  heap.fail_at = 0;
  return heap.failed;
}

/* The error of a failed allocation. */
static void expect_enomem(ml_status st, const ml_error *err, long n,
                          const char *what) {
  if (st != ML_ENOMEM || err->code != ML_ENOMEM) {
    fail_msg("%s, allocation %ld failing: %s (err %s: %s)", what, n,
             ml_status_name(st), ml_status_name(err->code), err->message);
  }
  if (strstr(err->message, "out of memory") == NULL) {
    fail_msg("%s: message \"%s\" does not say out of memory", what,
             err->message);
  }
}

static void expect_no_leak(long live_before, const char *what, long n) {
  if (heap.live != live_before) {
    fail_msg("%s, allocation %ld failing: %ld blocks leaked", what, n,
             heap.live - live_before);
  }
}

static ml_error fresh_error(void) {
  ml_error err;
  ml_error_clear(&err);
  return err;
}

/* ---- fixtures ------------------------------------------------------------ */

/* 250,000 SEK at 8.5 % over 36 months from 2026-01-15. */
static ml_schedule_terms loan_terms(void) {
  ml_schedule_terms t;
  ml_schedule_terms_init(&t);
  t.principal = 25000000;
  t.annual_rate = (ml_rate){85, 3};
  t.installments = 36;
  t.disbursed = date_of("2026-01-15");
  return t;
}

static ml_loan_options loan_options(void) {
  ml_loan_options o;
  ml_loan_options_init(&o);
  return o;
}

/* A journal of count events: 1.00 SEK repayments, two a day from
 * 2026-01-16, and (when count >= 4) event 4 a reversal of event 2. */
static void make_journal(ml_event *events, size_t count) {
  ml_date first = date_of("2026-01-16");
  for (size_t i = 0; i < count; i++) {
    ml_event_init(&events[i], ML_EVENT_REPAYMENT,
                  first + (ml_date)(i / 2), 100);
    if (i == 3) {
      ml_event_init(&events[i], ML_EVENT_REVERSAL, first + 1, 0);
      events[i].target = 2;
    }
    events[i].id = (int64_t)i + 1;
  }
}

static ml_loan *loan_with_events(const ml_event *events, size_t count) {
  ml_schedule_terms t = loan_terms();
  ml_loan_options o = loan_options();
  ml_loan *loan = NULL;
  ml_error err;
  if (ml_loan_new(&loan, &t, &o, &err) != ML_OK) fail_msg("%s", err.message);
  for (size_t i = 0; i < count; i++) {
    if (ml_loan_append(loan, &events[i], NULL, &err) != ML_OK) {
      fail_msg("event %zu: %s", i + 1, err.message);
    }
  }
  return loan;
}

/* The rows of a status are compared field by field through memcmp of
 * structs written by the library from zero-initialised buffers. */
static ml_loan_installment rows_a[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
static ml_loan_installment rows_b[ML_SCHEDULE_MAX_INSTALLMENTS + 1];

static void status_of(ml_loan_status *s, ml_loan_installment *rows,
                      const ml_loan *loan) {
  ml_error err;
  memset(rows, 0, sizeof rows_a);
  if (ml_loan_status_at(s, rows, ML_SCHEDULE_MAX_INSTALLMENTS + 1, loan,
                        date_of("2027-01-01"), &err) != ML_OK) {
    fail_msg("status: %s", err.message);
  }
}

/* ---- schedule ------------------------------------------------------------ */

static void schedule_new(void **state) {
  (void)state;
  ml_schedule_terms t = loan_terms();
  long n = 1;
  for (;; n++) {
    long live = heap.live;
    ml_schedule *s = (ml_schedule *)&n; /* must become NULL on failure */
    ml_error err = fresh_error();
    arm(n);
    ml_status st = ml_schedule_new(&s, &t, &err);
    if (!disarm()) {
      assert_int_equal(st, ML_OK);
      assert_int_equal(ml_schedule_count(s), 36);
      ml_schedule_free(s);
      expect_no_leak(live, "ml_schedule_new", n);
      break;
    }
    expect_enomem(st, &err, n, "ml_schedule_new");
    assert_string_equal(err.message, "out of memory for a schedule of 36 rows");
    assert_null(s);
    expect_no_leak(live, "ml_schedule_new", n);
  }
  assert_int_equal(n, 2); /* one allocation */
}

/* ---- loan ---------------------------------------------------------------- */

static void loan_new(void **state) {
  (void)state;
  ml_schedule_terms t = loan_terms();
  ml_loan_options o = loan_options();
  long n = 1;
  for (;; n++) {
    long live = heap.live;
    ml_loan *loan = (ml_loan *)&n;
    ml_error err = fresh_error();
    arm(n);
    ml_status st = ml_loan_new(&loan, &t, &o, &err);
    if (!disarm()) {
      assert_int_equal(st, ML_OK);
      assert_int_equal(ml_loan_event_count(loan), 0);
      ml_loan_free(loan);
      expect_no_leak(live, "ml_loan_new", n);
      break;
    }
    expect_enomem(st, &err, n, "ml_loan_new");
    assert_string_equal(err.message, "out of memory for a loan");
    assert_null(loan);
    expect_no_leak(live, "ml_loan_new", n);
  }
  assert_true(n >= 2);
}

/*
 * Appends event `count` + 1 to a loan holding `count` events, failing the
 * N-th allocation: a failure leaves the journal and the status exactly as
 * they were. With `fresh`, every N gets a new loan (the journal grows
 * once per loan) and the failed append is then repeated, and succeeds.
 * Otherwise one loan goes through every failure and then succeeds.
 * Returns the number of allocations the append made.
 */
static long append_until_success(size_t count, int fresh) {
  ml_event *events = calloc(count + 1, sizeof *events);
  assert_non_null(events);
  make_journal(events, count + 1);
  long live_start = heap.live;
  ml_loan *loan = NULL;
  long n = 1;
  for (;; n++) {
    if (loan == NULL) loan = loan_with_events(events, count);
    long live = heap.live;
    ml_loan_status before, after;
    status_of(&before, rows_a, loan);
    ml_error err = fresh_error();
    int64_t id = -1;
    arm(n);
    ml_status st = ml_loan_append(loan, &events[count], &id, &err);
    int failed = disarm();
    if (failed) {
      char want[80];
      snprintf(want, sizeof want, "out of memory for a journal of %zu events",
               count + 1);
      expect_enomem(st, &err, n, "ml_loan_append");
      assert_string_equal(err.message, want);
      /* a grown journal is still one block: nothing leaked */
      expect_no_leak(live, "ml_loan_append", n);
      assert_int_equal(id, -1);
      assert_int_equal(ml_loan_event_count(loan), count);
      if (count > 0) {
        assert_memory_equal(ml_loan_events(loan), events,
                            count * sizeof *events);
      }
      status_of(&after, rows_b, loan);
      assert_memory_equal(&after, &before, sizeof before);
      assert_memory_equal(rows_b, rows_a, sizeof rows_a);
      if (!fresh) continue;
      st = ml_loan_append(loan, &events[count], &id, &err);
    }
    assert_int_equal(st, ML_OK);
    assert_int_equal(id, (int64_t)count + 1);
    assert_int_equal(ml_loan_event_count(loan), count + 1);
    assert_memory_equal(ml_loan_events(loan), events,
                        (count + 1) * sizeof *events);
    ml_loan_free(loan);
    loan = NULL;
    expect_no_leak(live_start, "ml_loan_append", n);
    if (!failed) break;
  }
  free(events);
  return n - 1;
}

static void loan_append_first_event(void **state) {
  (void)state;
  /* the journal's first block */
  assert_true(append_until_success(0, 1) >= 1);
}

static void loan_append_growing_journal(void **state) {
  (void)state;
  /* 16 events fill the first block: the 17th grows it */
  assert_true(append_until_success(16, 1) >= 1);
}

static void loan_append_large_journal(void **state) {
  (void)state;
  /* Above 512 events a replay allocates its work space; 600 events leave
   * room in the journal, so only the replays allocate (one to the end,
   * one before the reversal). */
  assert_true(append_until_success(600, 0) >= 2);
}

static void loan_status_and_postings(void **state) {
  (void)state;
  enum { EVENTS = 600 };
  static ml_event events[EVENTS];
  static ml_posting want[4 * EVENTS], got[4 * EVENTS];
  make_journal(events, EVENTS);
  ml_schedule_terms t = loan_terms();
  ml_loan_options o = loan_options();
  ml_date as_of = date_of("2027-01-01");
  ml_loan_status s_want, s_got;
  ml_error err;
  size_t want_count = 0, got_count = 0;
  memset(rows_a, 0, sizeof rows_a);
  assert_int_equal(ml_loan_status_compute(&s_want, rows_a,
                                          ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                          &t, &o, events, EVENTS, as_of, &err),
                   ML_OK);
  assert_int_equal(ml_loan_postings_compute(want, 4 * EVENTS, &want_count, &t,
                                            &o, events, EVENTS, as_of, &err),
                   ML_OK);
  long n = 1;
  for (int done = 0; !done; n++) {
    long live = heap.live;
    err = fresh_error();
    memset(rows_b, 0, sizeof rows_b);
    arm(n);
    ml_status st = ml_loan_status_compute(&s_got, rows_b,
                                          ML_SCHEDULE_MAX_INSTALLMENTS + 1,
                                          &t, &o, events, EVENTS, as_of, &err);
    done = !disarm();
    expect_no_leak(live, "ml_loan_status_compute", n);
    if (done) {
      assert_int_equal(st, ML_OK);
      assert_memory_equal(&s_got, &s_want, sizeof s_want);
      assert_memory_equal(rows_b, rows_a, sizeof rows_a);
    } else {
      expect_enomem(st, &err, n, "ml_loan_status_compute");
      assert_string_equal(err.message,
                          "out of memory for a journal of 600 events");
    }
  }
  assert_int_equal(n, 3); /* one allocation: the work space */
  for (n = 1;; n++) {
    long live = heap.live;
    err = fresh_error();
    arm(n);
    ml_status st = ml_loan_postings_compute(got, 4 * EVENTS, &got_count, &t,
                                            &o, events, EVENTS, as_of, &err);
    int failed = disarm();
    expect_no_leak(live, "ml_loan_postings_compute", n);
    if (!failed) {
      assert_int_equal(st, ML_OK);
      assert_int_equal(got_count, want_count);
      assert_memory_equal(got, want, want_count * sizeof *want);
      break;
    }
    expect_enomem(st, &err, n, "ml_loan_postings_compute");
    assert_int_equal(got_count, 0);
  }
  assert_int_equal(n, 3); /* the rows and the work space */
}

/* ---- portfolio ----------------------------------------------------------- */

static ml_loan_status active_status(ml_amount principal, int32_t dpd) {
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.as_of = date_of("2026-06-30");
  s.state = ML_LOAN_ACTIVE;
  s.outstanding[ML_PRINCIPAL] = principal;
  s.days_past_due = dpd;
  s.closed_on = ML_DATE_NONE;
  return s;
}

static ml_portfolio *portfolio_with(const char *prefix, size_t segments,
                                    size_t step) {
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  ml_portfolio *p = NULL;
  assert_int_equal(ml_portfolio_new(&p, &o, NULL), ML_OK);
  for (size_t i = 0; i < segments; i++) {
    char key[32];
    snprintf(key, sizeof key, "%s%03zu", prefix, i * step);
    ml_loan_status s = active_status((ml_amount)(1000 + i), (int32_t)i);
    assert_int_equal(ml_portfolio_add(p, key, &s, NULL, NULL), ML_OK);
  }
  return p;
}

/* Every segment's key and figures, and the total, are equal. */
static void expect_same_portfolio(const ml_portfolio *a,
                                  const ml_portfolio *b) {
  assert_int_equal(ml_portfolio_segment_count(a),
                   ml_portfolio_segment_count(b));
  for (size_t i = 0; i < ml_portfolio_segment_count(a); i++) {
    const char *ka, *kb;
    ml_portfolio_figures fa, fb;
    ml_portfolio_segment(a, i, &ka, &fa);
    ml_portfolio_segment(b, i, &kb, &fb);
    assert_string_equal(ka, kb);
    assert_memory_equal(&fa, &fb, sizeof fa);
  }
  ml_portfolio_figures ta, tb;
  ml_portfolio_total(a, &ta);
  ml_portfolio_total(b, &tb);
  assert_memory_equal(&ta, &tb, sizeof ta);
}

static void portfolio_new(void **state) {
  (void)state;
  ml_portfolio_options o;
  ml_portfolio_options_init(&o);
  long n = 1;
  for (;; n++) {
    long live = heap.live;
    ml_portfolio *p = (ml_portfolio *)&n;
    ml_error err = fresh_error();
    arm(n);
    ml_status st = ml_portfolio_new(&p, &o, &err);
    if (!disarm()) {
      assert_int_equal(st, ML_OK);
      ml_portfolio_free(p);
      expect_no_leak(live, "ml_portfolio_new", n);
      break;
    }
    expect_enomem(st, &err, n, "ml_portfolio_new");
    assert_string_equal(err.message, "out of memory for a portfolio");
    assert_null(p);
    expect_no_leak(live, "ml_portfolio_new", n);
  }
  assert_int_equal(n, 2);
}

/* Adds a new segment to a portfolio of `segments` segments: the first
 * (the array's first block), and the 17th (the array grows). A failed add
 * adds nothing; the portfolio may keep a grown array, which its free
 * releases. The same add then succeeds. */
static void portfolio_add_segment(size_t segments) {
  ml_portfolio *want = portfolio_with("k", segments, 2);
  ml_portfolio *copy = portfolio_with("k", segments, 2);
  ml_loan_status s = active_status(777, 45);
  assert_int_equal(ml_portfolio_add(want, "k001", &s, NULL, NULL), ML_OK);
  long n = 1;
  for (;; n++) {
    long live = heap.live;
    ml_portfolio *p = portfolio_with("k", segments, 2);
    ml_error err = fresh_error();
    arm(n);
    ml_status st = ml_portfolio_add(p, "k001", &s, NULL, &err);
    int failed = disarm();
    if (failed) {
      expect_enomem(st, &err, n, "ml_portfolio_add");
      assert_string_equal(err.message, "out of memory for a segment");
      expect_same_portfolio(p, copy); /* nothing added */
      st = ml_portfolio_add(p, "k001", &s, NULL, &err);
    }
    assert_int_equal(st, ML_OK);
    expect_same_portfolio(p, want);
    ml_portfolio_free(p);
    expect_no_leak(live, "ml_portfolio_add", n);
    if (!failed) break;
  }
  assert_int_equal(n, 4); /* the segment array, its index and the key */
  ml_portfolio_free(want);
  ml_portfolio_free(copy);
}

static void portfolio_add(void **state) {
  (void)state;
  portfolio_add_segment(0);
  portfolio_add_segment(16);
}

static void portfolio_merge(void **state) {
  (void)state;
  /* into: a000, a002, ..., a038; from: a000, a003, ..., a057 — shared,
   * interleaved and trailing keys */
  ml_portfolio *from = portfolio_with("a", 20, 3);
  ml_portfolio *want = portfolio_with("a", 20, 2);
  ml_error err;
  assert_int_equal(ml_portfolio_merge(want, from, &err), ML_OK);
  long n = 1;
  for (;; n++) {
    ml_portfolio *into = portfolio_with("a", 20, 2);
    ml_portfolio *copy = portfolio_with("a", 20, 2);
    long live = heap.live;
    err = fresh_error();
    arm(n);
    ml_status st = ml_portfolio_merge(into, from, &err);
    int failed = disarm();
    if (failed) {
      expect_enomem(st, &err, n, "ml_portfolio_merge");
      assert_string_equal(err.message, "out of memory for a segment");
      expect_no_leak(live, "ml_portfolio_merge", n);
      expect_same_portfolio(into, copy); /* unchanged */
      st = ml_portfolio_merge(into, from, &err); /* and usable */
    }
    assert_int_equal(st, ML_OK);
    expect_same_portfolio(into, want);
    ml_portfolio_free(into);
    ml_portfolio_free(copy);
    if (!failed) break;
  }
  assert_true(n >= 2);
  ml_portfolio_free(from);
  ml_portfolio_free(want);
}

/* ---- CSV and journals -------------------------------------------------- */

static const char csv_text[] = "a,b\n1,2\n";

static void csv_reader_new(void **state) {
  (void)state;
  for (int in_memory = 0; in_memory < 2; in_memory++) {
    const char *what =
        in_memory ? "ml_csv_reader_new_memory" : "ml_csv_reader_new";
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fputs(csv_text, f) >= 0, 1);
    long n = 1;
    for (;; n++) {
      rewind(f);
      long live = heap.live;
      ml_csv_reader *r = (ml_csv_reader *)&n;
      ml_error err = fresh_error();
      arm(n);
      ml_status st =
          in_memory ? ml_csv_reader_new_memory(&r, csv_text,
                                               strlen(csv_text), &err)
                    : ml_csv_reader_new(&r, f, &err);
      if (!disarm()) {
        assert_int_equal(st, ML_OK);
        int has = 0;
        assert_int_equal(ml_csv_next(r, &has, &err), ML_OK);
        assert_int_equal(has, 1);
        assert_string_equal(ml_csv_field(r, 1), "2");
        ml_csv_reader_free(r);
        expect_no_leak(live, what, n);
        break;
      }
      expect_enomem(st, &err, n, what);
      assert_null(r);
      expect_no_leak(live, what, n);
    }
    /* the reader, its text and field tables, the header names and their
     * offsets, and the FILE's input block */
    assert_int_equal(n - 1, in_memory ? 5 : 6);
    fclose(f);
  }
}

static const char journal_text[] =
    "loan_id,date,type,amount,ref\n"
    "L1,2026-01-15,disbursement,1000.00,\n"
    "L1,2026-02-15,repayment,100.00,x\n"
    "L2,2026-01-20,disbursement,500.00,\n";

static void journal_reader_new(void **state) {
  (void)state;
  for (int in_memory = 0; in_memory < 2; in_memory++) {
    const char *what =
        in_memory ? "ml_journal_reader_new_memory" : "ml_journal_reader_new";
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fputs(journal_text, f) >= 0, 1);
    long n = 1;
    for (;; n++) {
      rewind(f);
      long live = heap.live;
      ml_journal_reader *r = (ml_journal_reader *)&n;
      ml_error err = fresh_error();
      arm(n);
      ml_status st = in_memory
                         ? ml_journal_reader_new_memory(
                               &r, journal_text, strlen(journal_text), NULL,
                               &err)
                         : ml_journal_reader_new(&r, f, NULL, &err);
      if (!disarm()) {
        assert_int_equal(st, ML_OK);
        ml_journal_reader_free(r);
        expect_no_leak(live, what, n);
        break;
      }
      expect_enomem(st, &err, n, what);
      assert_null(r);
      expect_no_leak(live, what, n);
    }
    assert_int_equal(n - 1, in_memory ? 6 : 7); /* the CSV reader's + 1 */
    fclose(f);
  }
}

/* A journal of 600 loans of one event each, with 59-byte ids (60 bytes
 * with the NUL): the set of seen ids, kept at most half full, grows its
 * slots at the 1st loan (16), the 9th (32), 17th, 33rd, 65th, 129th,
 * 257th and 513th (2048): 8 times; its arena of id texts, 256 bytes at the
 * 1st loan, whenever the next id no longer fits (256 / 60 = 4.3 ids, so
 * at the 5th, then 9th, 18th, 35th, 69th, 137th, 274th and 547th, 64 KiB):
 * 9 times. */
enum { LOANS = 600 };

static char *many_loans_journal(void) {
  size_t size = 64 + LOANS * 128;
  char *text = malloc(size);
  assert_non_null(text);
  size_t used = (size_t)snprintf(text, size, "loan_id,date,type,amount,ref\n");
  for (int i = 0; i < LOANS; i++) {
    used += (size_t)snprintf(text + used, size - used,
                             "L%058d,2026-01-15,disbursement,1000.00,\n", i);
  }
  return text;
}

/* Reads every loan; a call that fails with ML_ENOMEM (only while armed)
 * is repeated and must then give the loan the failed call would have
 * given. Returns 1 when the armed allocation was reached. */
static int read_all_loans(const char *text, long n, long *loans_read) {
  ml_journal_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_journal_reader_new_memory(&r, text, strlen(text), NULL,
                                                &err),
                   ML_OK);
  long live = heap.live;
  int reached = 0;
  *loans_read = 0;
  arm(n);
  for (int i = 0;; i++) {
    char id[ML_LOAN_ID_SIZE], want[ML_LOAN_ID_SIZE];
    ml_event events[4];
    size_t count = 99;
    err = fresh_error();
    ml_status st = ml_journal_next_loan(r, id, events, NULL, 4, &count, &err);
    if (st == ML_ENOMEM) {
      reached = disarm();
      assert_true(reached);
      expect_enomem(st, &err, n, "ml_journal_next_loan");
      assert_string_equal(err.message,
                          "out of memory for the set of loan ids");
      assert_string_equal(err.field, "loan_id");
      assert_int_equal(err.line, i + 2);
      st = ml_journal_next_loan(r, id, events, NULL, 4, &count, &err);
    }
    assert_int_equal(st, ML_OK);
    if (count == 0) break;
    snprintf(want, sizeof want, "L%058d", i);
    assert_string_equal(id, want);
    assert_int_equal(count, 1);
    assert_int_equal(events[0].amount, 100000);
    (*loans_read)++;
  }
  if (disarm()) reached = 1;
  ml_journal_reader_free(r);
  (void)live;
  return reached;
}

static void journal_next_loan(void **state) {
  (void)state;
  char *text = many_loans_journal();
  long n = 1, loans = 0;
  for (;; n++) {
    long live = heap.live;
    int reached = read_all_loans(text, n, &loans);
    expect_no_leak(live, "ml_journal_next_loan", n);
    assert_int_equal(loans, LOANS);
    if (!reached) break;
  }
  assert_int_equal(n - 1, 8 + 9); /* see above */
  free(text);
}

/* ---- APR ----------------------------------------------------------------- */

typedef enum apr_call { APR_FLOWS, APR_XIRR, APR_TERMS } apr_call;

static ml_status call_apr(apr_call which, ml_apr_result *out,
                          const ml_flow *flows, size_t count,
                          const ml_schedule_terms *t, ml_error *err) {
  switch (which) {
    case APR_FLOWS:
      return ml_apr_of_flows(out, flows, count, ML_APR_BASIS_YEARS, 1, err);
    case APR_XIRR:
      return ml_xirr(out, flows, count, 3, err);
    case APR_TERMS:
      return ml_apr_of_terms(out, t, 2, err);
  }
  return ML_EINVAL;
}

/* The result must be what it is without failures; only the proof's
 * precision may differ when the first guess is missing. */
static void expect_same_rate(const ml_apr_result *got,
                             const ml_apr_result *want) {
  assert_int_equal(got->units, want->units);
  assert_int_equal(got->decimals, want->decimals);
  assert_int_equal(got->tie, want->tie);
  assert_int_equal(got->merged_flows, want->merged_flows);
  assert_int_equal(got->dated_flows, want->dated_flows);
  assert_int_equal(got->total_drawdowns, want->total_drawdowns);
  assert_int_equal(got->total_payable, want->total_payable);
  assert_int_equal(got->total_cost, want->total_cost);
}

static long apr_until_success(apr_call which, const ml_flow *flows,
                              size_t count, const ml_schedule_terms *t,
                              const ml_apr_result *want) {
  long n = 1;
  for (;; n++) {
    long live = heap.live;
    ml_apr_result got;
    memset(&got, 0xa5, sizeof got);
    ml_apr_result untouched = got;
    ml_error err = fresh_error();
    arm(n);
    ml_status st = call_apr(which, &got, flows, count, t, &err);
    int failed = disarm();
    expect_no_leak(live, "apr", n);
    if (st == ML_OK) {
      expect_same_rate(&got, want);
      if (!failed) break;
      continue; /* the first guess failed: the search starts from 0 */
    }
    expect_enomem(st, &err, n, "apr");
    assert_string_equal(err.message, "out of memory");
    assert_memory_equal(&got, &untouched, sizeof got);
  }
  return n - 1;
}

static void apr_functions(void **state) {
  (void)state;
  ml_schedule_terms t = loan_terms();
  t.installments = 12;
  ml_schedule *s = NULL;
  assert_int_equal(ml_schedule_new(&s, &t, NULL), ML_OK);
  ml_flow flows[13];
  flows[0] = (ml_flow){t.disbursed, -t.principal};
  for (size_t i = 0; i < 12; i++) {
    const ml_installment *row = &ml_schedule_rows(s)[i];
    flows[i + 1] = (ml_flow){row->due_date, row->total};
  }
  ml_schedule_free(s);
  ml_apr_result want;
  ml_error err;
  for (int which = APR_FLOWS; which <= APR_TERMS; which++) {
    assert_int_equal(call_apr((apr_call)which, &want, flows, 13, &t, &err),
                     ML_OK);
    long allocations = apr_until_success((apr_call)which, flows, 13, &t,
                                         &want);
    /* flows and xirr: a sorted copy, the terms and dates of the equation,
     * the first guess; terms: the schedule's rows and flows instead of
     * the sorted copy */
    assert_int_equal(allocations, which == APR_TERMS ? 5 : 4);
  }
}

static void apr_tie(void **state) {
  (void)state;
  const ml_flow flows[2] = {{date_of("2025-01-01"), -10000},
                            {date_of("2026-01-01"), 11005}};
  ml_apr_result want;
  ml_error err;
  assert_int_equal(ml_apr_of_flows(&want, flows, 2, ML_APR_BASIS_YEARS, 1,
                                   &err),
                   ML_OK);
  assert_int_equal(want.units, 101);
  assert_int_equal(want.tie, 1);
  /* the four allocations above, and the exact test of the tie */
  assert_int_equal(apr_until_success(APR_FLOWS, flows, 2, NULL, &want), 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(schedule_new),
      cmocka_unit_test(loan_new),
      cmocka_unit_test(loan_append_first_event),
      cmocka_unit_test(loan_append_growing_journal),
      cmocka_unit_test(loan_append_large_journal),
      cmocka_unit_test(loan_status_and_postings),
      cmocka_unit_test(portfolio_new),
      cmocka_unit_test(portfolio_add),
      cmocka_unit_test(portfolio_merge),
      cmocka_unit_test(csv_reader_new),
      cmocka_unit_test(journal_reader_new),
      cmocka_unit_test(journal_next_loan),
      cmocka_unit_test(apr_functions),
      cmocka_unit_test(apr_tie),
  };
  return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}

/*
 * tests/fuzz/fuzz_journal.c — ml_journal_reader / ml_journal_next_loan
 * over arbitrary bytes.
 *
 * Input: one byte for the options (bit 0: grouping; the rest picks the
 * currency: the known ones and hand-built exponents 1, 3 and 18), one for
 * the caller's event capacity (0..64), then the CSV text.
 *
 * Checked (io.h): the reader ends (every call makes progress, and an
 * error that repeats is a final CSV error); each loan's id is 1..63 bytes
 * without control characters, its events have ids 1..count, lines that
 * increase, dates within 1900..2200 and types and components within their
 * enums; a row error names its column; every loan read, written back with
 * ml_journal_write_header / ml_journal_write_loan, reads back as the same
 * events; and the text with CRLF line endings, which no bytes path takes,
 * reads exactly the same (when nothing in it can read differently with a
 * CR: see check_crlf_reads_the_same).
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

#define MAX_CAPACITY 64

static ml_journal_options decode_options(uint8_t byte) {
  ml_journal_options o;
  ml_journal_options_init(&o);
  o.grouping = (byte & 1) ? ML_JOURNAL_SORTED : ML_JOURNAL_GROUPED;
  static const char *const known[] = {"SEK", "EUR", "USD", "NOK", "DKK",
                                      "GBP", "ISK", "CHF", "JPY"};
  static const int custom[] = {1, 3, 18};
  unsigned pick = (unsigned)(byte >> 1) % 12;
  if (pick < 9) {
    if (ml_currency_find(&o.currency, known[pick], NULL) != ML_OK) abort();
  } else {
    memcpy(o.currency.code, "XTS", 4);
    o.currency.exponent = custom[pick - 9];
  }
  return o;
}

static int same_event(const ml_event *a, const ml_event *b) {
  return a->id == b->id && a->type == b->type && a->date == b->date &&
         a->amount == b->amount && a->component == b->component &&
         a->target == b->target &&
         ml_rate_equal(a->reschedule.annual_rate, b->reschedule.annual_rate) &&
         a->reschedule.installments == b->reschedule.installments &&
         a->reschedule.grace_principal == b->reschedule.grace_principal &&
         a->reschedule.fixed_installment == b->reschedule.fixed_installment &&
         strcmp(a->ref, b->ref) == 0;
}

static void check_loan(const char *loan_id, const ml_event *events,
                       const long *lines, size_t count) {
  size_t len = strlen(loan_id);
  FUZZ_CHECK(len >= 1 && len < ML_LOAN_ID_SIZE);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)loan_id[i];
    FUZZ_CHECK(c >= 0x20 && c != 0x7f);
  }
  for (size_t i = 0; i < count; i++) {
    const ml_event *e = &events[i];
    FUZZ_CHECK(e->id == (int64_t)i + 1);
    FUZZ_CHECK((unsigned)e->type <= ML_EVENT_RESCHEDULE);
    FUZZ_CHECK((unsigned)e->component < ML_COMPONENTS);
    FUZZ_CHECK(e->date >= ML_DATE_MIN && e->date <= ML_DATE_MAX);
    FUZZ_CHECK(memchr(e->ref, '\0', sizeof e->ref) != NULL);
    FUZZ_CHECK(lines[i] >= 2);
    if (i > 0) FUZZ_CHECK(lines[i] > lines[i - 1]);
  }
}

/* Writes the loan as a journal and reads it back. */
static void check_round_trip(const char *loan_id, const ml_event *events,
                             size_t count, const ml_journal_options *o) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  FUZZ_CHECK(f != NULL);
  ml_error err;
  FUZZ_CHECK(ml_journal_write_header(f) == ML_OK);
  FUZZ_CHECK(ml_journal_write_loan(f, loan_id, events, count, o->currency,
                                   &err) == ML_OK);
  FUZZ_CHECK(fclose(f) == 0);

  ml_journal_reader *r = NULL;
  FUZZ_CHECK(ml_journal_reader_new_memory(&r, text, size, o, &err) == ML_OK);
  static ml_event back[MAX_CAPACITY];
  char id[ML_LOAN_ID_SIZE];
  size_t n = 0;
  FUZZ_CHECK(ml_journal_next_loan(r, id, back, NULL, MAX_CAPACITY, &n,
                                  &err) == ML_OK);
  FUZZ_CHECK(strcmp(id, loan_id) == 0 && n == count);
  for (size_t i = 0; i < n; i++) FUZZ_CHECK(same_event(&back[i], &events[i]));
  FUZZ_CHECK(ml_journal_next_loan(r, id, back, NULL, MAX_CAPACITY, &n,
                                  &err) == ML_OK &&
             n == 0 && id[0] == '\0');
  ml_journal_reader_free(r);
  free(text);
}

static void check_failure(ml_status st, const ml_error *err) {
  FUZZ_CHECK(st < 0 && err->code == st);
  FUZZ_CHECK(err->message[0] != '\0');
  FUZZ_CHECK(err->line >= 0 && err->column >= 0);
}

static int same_error(const ml_error *a, const ml_error *b) {
  return a->code == b->code && a->line == b->line && a->column == b->column &&
         strcmp(a->field, b->field) == 0 && strcmp(a->message, b->message) == 0;
}

/* One call's outcome on each of two readers: the same, field by field. */
static int same_call(ml_journal_reader *a, ml_journal_reader *b,
                     size_t capacity) {
  static ml_event events[2][MAX_CAPACITY];
  static long lines[2][MAX_CAPACITY];
  char id[2][ML_LOAN_ID_SIZE];
  size_t count[2];
  ml_error err[2];
  memset(err, 0, sizeof err);
  ml_status st[2];
  ml_journal_reader *r[2] = {a, b};
  for (int k = 0; k < 2; k++) {
    st[k] = ml_journal_next_loan(r[k], id[k], capacity ? events[k] : NULL,
                                 lines[k], capacity, &count[k], &err[k]);
  }
  FUZZ_CHECK(st[0] == st[1] && strcmp(id[0], id[1]) == 0 &&
             count[0] == count[1]);
  if (st[0] != ML_OK) {
    FUZZ_CHECK(same_error(&err[0], &err[1]));
    return 1;
  }
  for (size_t i = 0; i < count[0]; i++) {
    FUZZ_CHECK(same_event(&events[0][i], &events[1][i]) &&
               lines[0][i] == lines[1][i]);
  }
  return count[0] > 0;
}

/* The text read as it is and with each line feed made CRLF: the same, call
 * by call. Only for a text without a quote (a quoted line feed would gain
 * a CR), a CR or a byte >= 0x80 (a message names the byte after a
 * cut-short UTF-8 sequence). */
static void check_crlf_reads_the_same(const uint8_t *p, size_t n,
                                      const ml_journal_options *o,
                                      size_t capacity) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '"' || p[i] == '\r' || p[i] >= 0x80) return;
  }
  uint8_t *crlf = malloc(2 * n + 1);
  FUZZ_CHECK(crlf != NULL);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n') crlf[m++] = '\r';
    crlf[m++] = p[i];
  }
  ml_journal_reader *a = NULL, *b = NULL;
  ml_error err;
  ml_status sa = ml_journal_reader_new_memory(&a, p, n, o, &err);
  ml_status sb = ml_journal_reader_new_memory(&b, crlf, m, o, &err);
  FUZZ_CHECK(sa == sb);
  /* every call consumes at least one row, or repeats a final error */
  for (size_t calls = 0; sa == ML_OK && calls <= n + 2; calls++) {
    if (!same_call(a, b, capacity)) break;
  }
  ml_journal_reader_free(a);
  ml_journal_reader_free(b);
  free(crlf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_bytes b = {data, size};
  ml_journal_options o = decode_options(fuzz_u8(&b));
  size_t capacity = (size_t)fuzz_u8(&b) % (MAX_CAPACITY + 1);

  check_crlf_reads_the_same(b.p, b.n, &o, capacity);
  ml_journal_reader *r = NULL;
  ml_error err;
  ml_status st = ml_journal_reader_new_memory(&r, b.p, b.n, &o, &err);
  if (st != ML_OK) {
    check_failure(st, &err);
    FUZZ_CHECK(r == NULL);
    FUZZ_CHECK(st == ML_EPARSE || st == ML_EINVAL || st == ML_ELIMIT);
    return 0;
  }
  static ml_event events[MAX_CAPACITY];
  static long lines[MAX_CAPACITY];
  char loan_id[ML_LOAN_ID_SIZE];
  ml_error previous;
  int failed_before = 0;
  /* every call consumes at least one row, so size + 2 calls suffice */
  for (size_t calls = 0;; calls++) {
    FUZZ_CHECK(calls <= b.n + 2);
    size_t count = 99;
    st = ml_journal_next_loan(r, loan_id, capacity ? events : NULL, lines,
                              capacity, &count, &err);
    if (st == ML_OK) {
      failed_before = 0;
      if (count == 0) {
        FUZZ_CHECK(loan_id[0] == '\0');
        break;
      }
      FUZZ_CHECK(count <= capacity);
      check_loan(loan_id, events, lines, count);
      check_round_trip(loan_id, events, count, &o);
      continue;
    }
    check_failure(st, &err);
    FUZZ_CHECK(count == 0);
    if (failed_before && same_error(&err, &previous)) {
      /* a final error: the CSV reader's own */
      FUZZ_CHECK(st == ML_EPARSE || st == ML_ELIMIT);
      break;
    }
    FUZZ_CHECK(st == ML_EPARSE || st == ML_EINVAL || st == ML_ERANGE ||
               st == ML_ELIMIT);
    previous = err;
    failed_before = 1;
  }
  ml_journal_reader_free(r);
  return 0;
}

/*
 * tests/test_coverage_io.c — io paths that tests/test_io.c does not
 * reach: every writer on a stream that fails after each possible number
 * of bytes (ML_EIO, never a crash), a control byte after a closing quote,
 * a record of one field, errors read again after a final one and without
 * an error record, and the DEL byte (0x7f) in loan ids.
 *
 * Streams that fail: fmemopen over a buffer of n bytes, unbuffered, so
 * the write that would pass byte n fails at once (POSIX 2008). Expected
 * texts are written out by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

/* What the writers are asked to write, one case each. */
typedef enum writer {
  W_RECORD,
  W_QUOTED_RECORD,
  W_JOURNAL_HEADER,
  W_JOURNAL_LOAN,
  W_SCHEDULE,
  W_STATUS,
  W_POSTINGS,
  WRITERS
} writer;

static ml_status write_with(writer w, FILE *out) {
  static const char *const plain[] = {"a", "b"};
  static const char *const quoted[] = {"x,y", "say \"hi\"", ""};
  ml_currency sek = ml_currency_default();
  ml_event e[2];
  ml_event_init(&e[0], ML_EVENT_DISBURSEMENT, date_of("2026-01-15"), 100000);
  e[0].id = 1;
  ml_event_init(&e[1], ML_EVENT_REPAYMENT, date_of("2026-02-15"), 5000);
  e[1].id = 2;
  ml_installment row = {1, date_of("2026-02-15"), date_of("2026-01-15"),
                        date_of("2026-02-15"), 100, 20, 0, 120, 0, 0};
  ml_loan_installment lrow;
  memset(&lrow, 0, sizeof lrow);
  lrow.n = 1;
  lrow.due_date = date_of("2026-02-15");
  ml_loan_status s;
  memset(&s, 0, sizeof s);
  s.installment_count = 1;
  ml_posting p = {1, date_of("2026-01-15"), ML_ACCOUNT_CASH, 0, 100000};
  switch (w) {
    case W_RECORD:
      return ml_csv_write_record(out, plain, 2, ML_CSV_CRLF);
    case W_QUOTED_RECORD:
      return ml_csv_write_record(out, quoted, 3, ML_CSV_LF);
    case W_JOURNAL_HEADER:
      return ml_journal_write_header(out);
    case W_JOURNAL_LOAN:
      return ml_journal_write_loan(out, "L1", e, 2, sek, NULL);
    case W_SCHEDULE:
      return ml_schedule_write_csv(out, &row, 1, sek);
    case W_STATUS:
      return ml_loan_status_write_csv(out, &s, &lrow, sek);
    case W_POSTINGS:
      return ml_postings_write_csv(out, &p, 1, sek);
    case WRITERS:
      break;
  }
  return ML_EINVAL;
}

/* The full text of writer w, from a stream that does not fail. */
static size_t full_length(writer w) {
  char buf[4096];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  assert_int_equal(write_with(w, f), ML_OK);
  long n = ftell(f);
  fclose(f);
  assert_true(n > 0 && (size_t)n < sizeof buf - 1);
  return (size_t)n;
}

static void writers_on_failing_streams(void **state) {
  (void)state;
  for (int w = 0; w < WRITERS; w++) {
    size_t length = full_length((writer)w);
    /* room for fewer bytes than the text: ML_EIO wherever it stops */
    for (size_t room = 1; room < length; room++) {
      char buf[4096];
      FILE *f = fmemopen(buf, room, "w");
      assert_non_null(f);
      setvbuf(f, NULL, _IONBF, 0);
      ml_status st = write_with((writer)w, f);
      fclose(f);
      if (st != ML_EIO) {
        fail_msg("writer %d with room for %zu of %zu bytes: %s", w, room,
                 length, ml_status_name(st));
      }
    }
  }
  char buf[64];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_int_equal(write_with(W_QUOTED_RECORD, f), ML_OK);
  fclose(f);
  assert_string_equal(buf, "\"x,y\",\"say \"\"hi\"\"\",\n");
}

static void reader_messages(void **state) {
  (void)state;
  static const char text[] = "a,b\n\"x\"\x01,y\n";
  ml_csv_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_csv_reader_new_memory(&r, text, strlen(text), &err),
                   ML_OK);
  int has = 1;
  assert_int_equal(ml_csv_next(r, &has, &err), ML_EPARSE);
  assert_string_equal(err.message,
                      "unexpected byte 0x01 after the closing quote; "
                      "expected a comma or the end of the line");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 4);
  /* final: the same error again, also without an error record */
  assert_int_equal(ml_csv_next(r, &has, NULL), ML_EPARSE);
  assert_int_equal(has, 0);
  ml_error again;
  assert_int_equal(ml_csv_next(r, &has, &again), ML_EPARSE);
  assert_string_equal(again.message, err.message);
  ml_csv_reader_free(r);
  static const char one[] = "a,b\n1\n";
  assert_int_equal(ml_csv_reader_new_memory(&r, one, strlen(one), &err),
                   ML_OK);
  assert_int_equal(ml_csv_next(r, &has, &err), ML_EPARSE);
  assert_string_equal(err.message,
                      "the record on line 2 has 1 field but the header has "
                      "2");
  ml_csv_reader_free(r);
  ml_csv_reader_free(NULL);
}

/* DEL (0x7f) is a control character in loan ids, read and written; errors
 * without an error record still skip the loan. */
static void loan_ids_and_null_errors(void **state) {
  (void)state;
  static const char text[] =
      "loan_id,date,type,amount,ref,id,target\n"
      "L\x7f,2026-01-15,disbursement,1000,,,\n"
      "L2,2026-01-15,disbursement,1000,,2,\n"
      "L3,2026-01-15,reversal,,,,x\n"
      "L4,2026-01-15,disbursement,1000,,,\n";
  ml_journal_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_journal_reader_new_memory(&r, text, strlen(text), NULL,
                                                &err),
                   ML_OK);
  char id[ML_LOAN_ID_SIZE];
  ml_event events[4];
  size_t count = 0;
  assert_int_equal(ml_journal_next_loan(r, id, events, NULL, 4, &count,
                                        &err),
                   ML_EPARSE);
  assert_string_equal(err.message,
                      "loan_id \"L\x7f\" has a control character (byte "
                      "0x7f); expected printable text");
  /* L2: the id column says 2 for event 1; L3: the target is not digits */
  assert_int_equal(ml_journal_next_loan(r, id, events, NULL, 4, &count, NULL),
                   ML_EINVAL);
  assert_int_equal(ml_journal_next_loan(r, id, events, NULL, 4, &count, NULL),
                   ML_EPARSE);
  assert_int_equal(ml_journal_next_loan(r, id, events, NULL, 4, &count,
                                        &err),
                   ML_OK);
  assert_string_equal(id, "L4");
  assert_int_equal(count, 1);
  ml_journal_reader_free(r);
  ml_journal_reader_free(NULL);
  char buf[256];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  ml_event_init(&events[0], ML_EVENT_DISBURSEMENT, date_of("2026-01-15"),
                100000);
  events[0].id = 1;
  assert_int_equal(ml_journal_write_loan(f, "L\x7f", events, 1,
                                         ml_currency_default(), &err),
                   ML_EINVAL);
  assert_string_equal(err.message,
                      "loan id \"L\x7f\" has a control character (byte 0x7f)");
  assert_int_equal(err.column, 2);
  fclose(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(writers_on_failing_streams),
      cmocka_unit_test(reader_messages),
      cmocka_unit_test(loan_ids_and_null_errors),
  };
  return cmocka_run_group_tests_name("coverage_io", tests, NULL, NULL);
}

/*
 * tests/test_io.c — the io layer: the RFC 4180 reader and writer, the loan
 * journal as CSV, and the CSV reports.
 *
 * Golden values are read off the inputs by hand: each expected position is
 * counted in the comment next to it (columns are 1-based bytes), each
 * expected amount is the decimal text times 100 (SEK öre), each date is the
 * ISO text. The randomised tests (writer -> reader over random fields, and
 * journal write -> read -> status) check round trips, not values, and print
 * their seed and case on failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"
#include "test_support.h"

/* ---- helpers -------------------------------------------------------------- */

static ml_csv_reader *open_text(const char *text) {
  ml_csv_reader *r = NULL;
  ml_error err;
  ml_status st = ml_csv_reader_new_memory(&r, text, strlen(text), &err);
  if (st != ML_OK) fail_msg("reader: %s", err.message);
  return r;
}

/* Checks a failure's status, field, position and message. A message
 * ending in '*' is a prefix. */
static void expect_error(ml_status got, ml_status want, const ml_error *err,
                         const char *field, long line, long column,
                         const char *message) {
  if (got != want || err->code != want) {
    fail_msg("status %s, err->code %s, want %s (%s)", ml_status_name(got),
             ml_status_name(err->code), ml_status_name(want), err->message);
  }
  assert_string_equal(err->field, field);
  assert_int_equal(err->line, line);
  assert_int_equal(err->column, column);
  expect_message(err->message, message);
}

/* Opening `size` bytes of text must fail as described. */
static void expect_open_error(const char *text, size_t size, ml_status want,
                              const char *field, long line, long column,
                              const char *message) {
  ml_csv_reader *r = (ml_csv_reader *)1;
  ml_error err;
  ml_status st = ml_csv_reader_new_memory(&r, text, size, &err);
  assert_null(r);
  expect_error(st, want, &err, field, line, column, message);
}

/* The header of text is fine; its first data record fails as described,
 * and so does every later call (errors are final). */
static void expect_record_error(const char *text, size_t size,
                                ml_status want, const char *field, long line,
                                long column, const char *message) {
  ml_csv_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_csv_reader_new_memory(&r, text, size, &err), ML_OK);
  int has = 1;
  ml_status st = ml_csv_next(r, &has, &err);
  expect_error(st, want, &err, field, line, column, message);
  assert_int_equal(has, 0);
  ml_error again;
  assert_int_equal(ml_csv_next(r, &has, &again), want);
  assert_string_equal(again.message, err.message);
  ml_csv_reader_free(r);
}

static void next_record(ml_csv_reader *r) {
  int has = 0;
  ml_error err;
  ml_status st = ml_csv_next(r, &has, &err);
  if (st != ML_OK) fail_msg("next: %s", err.message);
  assert_int_equal(has, 1);
}

static void expect_end(ml_csv_reader *r) {
  int has = 1;
  ml_error err;
  assert_int_equal(ml_csv_next(r, &has, &err), ML_OK);
  assert_int_equal(has, 0);
}

/* A FILE holding text (tmpfile: standard C), rewound. */
static FILE *file_with(const char *text, size_t size) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, size, f), size);
  rewind(f);
  return f;
}

/* Everything written to f so far, NUL-terminated; the caller frees. */
static char *contents(FILE *f) {
  long size = ftell(f);
  assert_true(size >= 0);
  char *buf = malloc((size_t)size + 1);
  assert_non_null(buf);
  rewind(f);
  assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
  buf[size] = '\0';
  return buf;
}

/* ---- the reader: what it accepts ------------------------------------------- */

static void reads_fields_and_columns_by_name(void **state) {
  (void)state;
  ml_csv_reader *r = open_text("date,amount,loan_id\n2026-01-15,100,A1\n");
  assert_int_equal(ml_csv_column_count(r), 3);
  assert_string_equal(ml_csv_column_name(r, 2), "loan_id");
  assert_int_equal(ml_csv_column_find(r, "amount"), 1);
  assert_int_equal(ml_csv_column_find(r, "loan_id"), 2);
  assert_int_equal(ml_csv_column_find(r, "Amount"), ML_CSV_NO_COLUMN);
  assert_int_equal(ml_csv_column_find(r, ""), ML_CSV_NO_COLUMN);
  /* before the first next, the current record is the header */
  assert_string_equal(ml_csv_field(r, 0), "date");
  assert_int_equal(ml_csv_record_line(r), 1);
  next_record(r);
  assert_string_equal(ml_csv_field(r, 0), "2026-01-15");
  assert_string_equal(ml_csv_field(r, 1), "100");
  assert_string_equal(ml_csv_field(r, 2), "A1");
  assert_int_equal(ml_csv_field_length(r, 0), 10);
  assert_int_equal(ml_csv_record_line(r), 2);
  expect_end(r);
  expect_end(r); /* the end stays the end */
  ml_csv_reader_free(r);
  ml_csv_reader_free(NULL);
}

static void reads_quoted_fields(void **state) {
  (void)state;
  /* commas, doubled quotes, an embedded LF and an embedded CRLF inside
   * quotes, empty fields quoted and unquoted, spaces kept as they are */
  ml_csv_reader *r = open_text(
      "a,b,c\n"
      "\"x,y\",\"say \"\"hej\"\"\",\"two\nlines\"\n"
      "\"\",,\" padded \"\n"
      "\"cr\r\nlf\",\"\"\"\",plain text \n");
  next_record(r);
  assert_string_equal(ml_csv_field(r, 0), "x,y");
  assert_string_equal(ml_csv_field(r, 1), "say \"hej\"");
  assert_string_equal(ml_csv_field(r, 2), "two\nlines");
  assert_int_equal(ml_csv_record_line(r), 2);
  next_record(r);
  assert_int_equal(ml_csv_record_line(r), 4); /* line 3 held "lines" */
  assert_string_equal(ml_csv_field(r, 0), "");
  assert_string_equal(ml_csv_field(r, 1), "");
  assert_string_equal(ml_csv_field(r, 2), " padded ");
  next_record(r);
  assert_int_equal(ml_csv_record_line(r), 5);
  assert_string_equal(ml_csv_field(r, 0), "cr\r\nlf");
  assert_string_equal(ml_csv_field(r, 1), "\"");
  assert_string_equal(ml_csv_field(r, 2), "plain text ");
  expect_end(r);
  ml_csv_reader_free(r);
}

static void reads_crlf_bom_and_blank_lines(void **state) {
  (void)state;
  /* a BOM, CRLF endings, blank lines (LF and CRLF) between and after the
   * records, and a last record without a line ending */
  ml_csv_reader *r = open_text(
      "\xef\xbb\xbf"
      "name,n\r\n\r\n\nå,1\r\n\r\n€,2\n\n\n𝄞,3");
  assert_string_equal(ml_csv_column_name(r, 0), "name"); /* no BOM in it */
  next_record(r);
  assert_int_equal(ml_csv_record_line(r), 4);
  assert_string_equal(ml_csv_field(r, 0), "å");
  next_record(r);
  assert_int_equal(ml_csv_record_line(r), 6);
  assert_string_equal(ml_csv_field(r, 0), "€");
  assert_string_equal(ml_csv_field(r, 1), "2");
  next_record(r);
  assert_int_equal(ml_csv_record_line(r), 9);
  assert_string_equal(ml_csv_field(r, 0), "𝄞");
  assert_string_equal(ml_csv_field(r, 1), "3");
  expect_end(r);
  ml_csv_reader_free(r);

  /* a header alone is a file without records; a lone empty field is "" */
  r = open_text("only\n\"\"\n");
  next_record(r);
  assert_string_equal(ml_csv_field(r, 0), "");
  expect_end(r);
  ml_csv_reader_free(r);
  r = open_text("a,b");
  expect_end(r);
  ml_csv_reader_free(r);
}

static void reads_at_the_limits(void **state) {
  (void)state;
  /* a field of exactly ML_CSV_MAX_FIELD bytes */
  char *text = malloc(2 + ML_CSV_MAX_FIELD + 2);
  assert_non_null(text);
  memcpy(text, "a\n", 2);
  memset(text + 2, 'x', ML_CSV_MAX_FIELD);
  strcpy(text + 2 + ML_CSV_MAX_FIELD, "\n");
  ml_csv_reader *r = open_text(text);
  next_record(r);
  assert_int_equal(ml_csv_field_length(r, 0), ML_CSV_MAX_FIELD);
  ml_csv_reader_free(r);
  free(text);

  /* ML_CSV_MAX_COLUMNS columns */
  char header[8 * ML_CSV_MAX_COLUMNS] = "";
  for (int i = 0; i < ML_CSV_MAX_COLUMNS; i++) {
    size_t used = strlen(header);
    snprintf(header + used, sizeof header - used, "%sc%d", i ? "," : "", i);
  }
  r = open_text(header);
  assert_int_equal(ml_csv_column_count(r), ML_CSV_MAX_COLUMNS);
  assert_int_equal(ml_csv_column_find(r, "c255"), 255);
  ml_csv_reader_free(r);
}

/* 17 columns a..q; 16 fields of 4000 'x' and a 17th of last bytes: the
 * record is 16 * 4000 + 16 commas + last = 64016 + last bytes long. */
static char *long_record(size_t last) {
  static const char header[] = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n";
  size_t size = sizeof header - 1 + 64016 + last + 2;
  char *text = malloc(size);
  assert_non_null(text);
  char *p = text + sizeof header - 1;
  memcpy(text, header, sizeof header - 1);
  for (int i = 0; i < 16; i++, p += 4001) {
    memset(p, 'x', 4000);
    p[4000] = ',';
  }
  memset(p, 'y', last);
  strcpy(p + last, "\n");
  return text;
}

static void reads_the_longest_record(void **state) {
  (void)state;
  char *text = long_record(1520); /* 64016 + 1520 = 65536 bytes */
  ml_csv_reader *r = open_text(text);
  next_record(r);
  assert_int_equal(ml_csv_field_length(r, 16), 1520);
  ml_csv_reader_free(r);
  free(text);
}

static void locates_bytes_in_fields(void **state) {
  (void)state;
  /* line 2: 1,"x""y<LF>z"   field b starts at column 3 (its quote) */
  ml_csv_reader *r = open_text("a,b\n1,\"x\"\"y\nz\"\n");
  next_record(r);
  assert_string_equal(ml_csv_field(r, 1), "x\"y\nz");
  ml_error err;
  ml_error_clear(&err);
  err.code = ML_EPARSE;
  snprintf(err.message, sizeof err.message, "kept");
  const long want[6][2] = {
      {2, 3}, /* offset 0: the opening quote */
      {2, 4}, /* 1: x */
      {2, 5}, /* 2: the quote, written "" at columns 5-6 */
      {2, 7}, /* 3: y */
      {2, 8}, /* 4: the line feed */
      {3, 1}, /* 5: z on the next line */
  };
  for (size_t offset = 0; offset < 6; offset++) {
    ml_csv_locate(r, 1, offset, &err);
    assert_string_equal(err.field, "b");
    assert_int_equal(err.line, want[offset][0]);
    assert_int_equal(err.column, want[offset][1]);
  }
  assert_int_equal(err.code, ML_EPARSE);
  assert_string_equal(err.message, "kept");
  ml_csv_locate(r, 0, 1, &err); /* unquoted "1" at column 1 */
  assert_string_equal(err.field, "a");
  assert_int_equal(err.column, 1);
  ml_csv_locate(r, 0, 1, NULL); /* no error record: nothing happens */
  ml_csv_reader_free(r);
}

static void locates_fields_of_long_column_names(void **state) {
  (void)state;
  /* a column name of 60 bytes is cut to the field record's 47, as the
   * message functions cut it */
  char name[61], text[128];
  for (int i = 0; i < 60; i++) name[i] = (char)('a' + i % 26);
  name[60] = '\0';
  snprintf(text, sizeof text, "x,%s\n1,2\n", name);
  ml_csv_reader *r = open_text(text);
  next_record(r);
  ml_error err;
  memset(&err, 'z', sizeof err);
  ml_csv_locate(r, 1, 0, &err);
  assert_int_equal(strlen(err.field), ML_ERROR_FIELD_SIZE - 1);
  assert_memory_equal(err.field, name, ML_ERROR_FIELD_SIZE - 1);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 3);
  ml_csv_locate(r, 0, 0, &err); /* a short name replaces it whole */
  assert_string_equal(err.field, "x");
  ml_csv_reader_free(r);
}

/* ---- the reader: what it rejects --------------------------------------------- */

static void rejects_bad_headers(void **state) {
  (void)state;
  const char *empty = "the input is empty; expected a header row naming the "
                      "columns";
  expect_open_error("", 0, ML_EPARSE, "", 1, 1, empty);
  /* a BOM and blank lines: the end is at line 3, column 1 */
  expect_open_error("\xef\xbb\xbf\n\r\n", 6, ML_EPARSE, "", 3, 1, empty);
  /* "a,b,a": the second a starts at column 5 */
  expect_open_error("a,b,a\n1,2,3\n", 12, ML_EPARSE, "", 1, 5,
                    "the header names the column \"a\" twice (fields 1 and "
                    "3); column names must be unique");
  /* "a,,b": the empty name is at column 3 */
  expect_open_error("a,,b\n", 5, ML_EPARSE, "", 1, 3,
                    "header field 2 is empty; every column needs a name");
  /* a syntax error in the header */
  expect_open_error("a,\"b\n", 5, ML_EPARSE, "", 1, 3,
                    "the quoted field starting here is never closed; "
                    "expected a closing '\"'");
  /* 257 columns: the 257th name starts after 256 names and commas */
  char header[8 * (ML_CSV_MAX_COLUMNS + 1)] = "";
  for (int i = 0; i <= ML_CSV_MAX_COLUMNS; i++) {
    size_t used = strlen(header);
    snprintf(header + used, sizeof header - used, "%sc%d", i ? "," : "", i);
  }
  long column = (long)(strstr(header, ",c256") - header) + 2;
  expect_open_error(header, strlen(header), ML_ELIMIT, "", 1, column,
                    "the record on line 1 has more than 256 fields");
}

static void rejects_quotes_out_of_place(void **state) {
  (void)state;
  /* line 2 "1,x"y": the quote is at column 4, in column b */
  expect_record_error("a,b\n1,x\"y\n", 10, ML_EPARSE, "b", 2, 4,
                      "a quote inside an unquoted field; enclose the whole "
                      "field in quotes and double the quote (\"\")");
  /* line 2 "\"x\"y,2": y at column 4 follows the closing quote */
  expect_record_error("a,b\n\"x\"y,2\n", 11, ML_EPARSE, "a", 2, 4,
                      "unexpected 'y' after the closing quote; expected a "
                      "comma or the end of the line");
  /* a quoted field from line 2 column 3 that never closes */
  expect_record_error("a,b\n1,\"abc\ndef\n", 15, ML_EPARSE, "b", 2, 3,
                      "the quoted field starting here is never closed; "
                      "expected a closing '\"'");
}

static void rejects_bad_line_endings_and_field_counts(void **state) {
  (void)state;
  /* "1,2<CR>3": the CR is at line 2 column 4 */
  expect_record_error("a,b\n1,2\r3\n", 10, ML_EPARSE, "b", 2, 4,
                      "a carriage return not followed by a line feed; lines "
                      "end with CRLF or LF (quote a field that holds a CR)");
  /* "1,2,3": the third field starts at column 5 */
  expect_record_error("a,b\n1,2,3\n", 10, ML_EPARSE, "", 2, 5,
                      "the record on line 2 has more fields than the "
                      "header's 2");
  /* "1": column b is missing; it would start at the line's end */
  expect_record_error("a,b\n1\n", 6, ML_EPARSE, "b", 2, 2,
                      "the record on line 2 has 1 field but the header has 2");
  /* a line of spaces is a record with one field */
  expect_record_error("a,b\n  \n", 7, ML_EPARSE, "b", 2, 3,
                      "the record on line 2 has 1 field but the header has "
                      "2");
}

static void rejects_beyond_limits(void **state) {
  (void)state;
  /* 4097 bytes: the 4097th is at line 2 column 4097 */
  char *text = malloc(2 + ML_CSV_MAX_FIELD + 3);
  assert_non_null(text);
  memcpy(text, "a\n", 2);
  memset(text + 2, 'x', ML_CSV_MAX_FIELD + 1);
  strcpy(text + 3 + ML_CSV_MAX_FIELD, "\n");
  expect_record_error(text, strlen(text), ML_ELIMIT, "a", 2, 4097,
                      "the field starting at line 2, column 1 is longer "
                      "than 4096 bytes");
  free(text);
  /* 65537 bytes: the last one is byte 1521 of column q */
  text = long_record(1521);
  expect_record_error(text, strlen(text), ML_ELIMIT, "q", 2, 65537,
                      "the record starting on line 2 is longer than 65536 "
                      "bytes");
  free(text);
}

/* The message for a byte that cannot start a UTF-8 sequence. */
static void bad_lead(char *buf, size_t size, unsigned byte) {
  snprintf(buf, size,
           "invalid UTF-8: byte 0x%02x does not start a valid sequence; the "
           "input must be UTF-8 text",
           byte);
}

static void rejects_invalid_utf8(void **state) {
  (void)state;
  char message[160];
  /* a stray continuation byte at line 2 column 1 */
  bad_lead(message, sizeof message, 0x80);
  expect_record_error("a\n\x80\n", 4, ML_EPARSE, "a", 2, 1, message);
  /* an overlong lead C0 at column 2 */
  bad_lead(message, sizeof message, 0xc0);
  expect_record_error("a\nx\xc0\xaf\n", 6, ML_EPARSE, "a", 2, 2, message);
  /* F5 can never start a sequence */
  bad_lead(message, sizeof message, 0xf5);
  expect_record_error("a\n\xf5\x80\x80\x80\n", 7, ML_EPARSE, "a", 2, 1,
                      message);
  /* a surrogate (ED A0 80 = U+D800): the sequence at column 1 */
  expect_record_error("a\n\xed\xa0\x80\n", 6, ML_EPARSE, "a", 2, 1,
                      "invalid UTF-8: the sequence starting here is cut "
                      "short or malformed (then byte 0xa0 at column 2); "
                      "the input must be UTF-8 text");
  /* above U+10FFFF (F4 90 80 80) */
  expect_record_error("a\n\xf4\x90\x80\x80\n", 7, ML_EPARSE, "a", 2, 1,
                      "invalid UTF-8: the sequence starting here is cut "
                      "short or malformed (then byte 0x90 at column 2); "
                      "the input must be UTF-8 text");
  /* a sequence cut short by a comma */
  expect_record_error("a,b\n\xe2\x82,x\n", 9, ML_EPARSE, "a", 2, 1,
                      "invalid UTF-8: the sequence starting here is cut "
                      "short or malformed (then byte 0x2c at column 3); "
                      "the input must be UTF-8 text");
  /* cut short by the end of the input */
  expect_record_error("a\nx\xe2\x82", 5, ML_EPARSE, "a", 2, 2,
                      "invalid UTF-8: the input ends inside a multi-byte "
                      "sequence; the input must be UTF-8 text");
  /* a NUL byte */
  expect_record_error("a\nx\0y\n", 6, ML_EPARSE, "a", 2, 2,
                      "a NUL byte is not allowed in CSV text");
  /* in the header, after a BOM (not counted in columns) */
  bad_lead(message, sizeof message, 0xff);
  expect_open_error("\xef\xbb\xbfok,\xff\n", 8, ML_EPARSE, "", 1, 4, message);
}

static void reads_files_and_reports_read_errors(void **state) {
  (void)state;
  const char text[] = "\xef\xbb\xbfx,y\r\n1,\"a\nb\"\r\n";
  FILE *f = file_with(text, sizeof text - 1);
  ml_csv_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_csv_reader_new(&r, f, &err), ML_OK);
  assert_string_equal(ml_csv_column_name(r, 0), "x");
  next_record(r);
  assert_string_equal(ml_csv_field(r, 1), "a\nb");
  expect_end(r);
  ml_csv_reader_free(r);
  fclose(f);

  /* reading a directory fails (EISDIR on Linux, where fopen opens it) */
  FILE *dir = fopen("/", "r");
  if (dir != NULL) {
    r = (ml_csv_reader *)1;
    ml_status st = ml_csv_reader_new(&r, dir, &err);
    assert_null(r);
    expect_error(st, ML_EIO, &err, "", 1, 1, "reading the input failed");
    fclose(dir);
  }
}

/* ---- the writer, and write -> read over random fields ------------------------- */

static void writes_quotes_only_when_needed(void **state) {
  (void)state;
  FILE *f = tmpfile();
  assert_non_null(f);
  const char *plain[] = {"a", "b c", " x "};
  const char *special[] = {"a,b", "say \"hej\"", "two\nlines", "cr\r", ""};
  const char *lone_empty[] = {""};
  const char *bom[] = {"\xef\xbb\xbfx", "y"};
  assert_int_equal(ml_csv_write_record(f, plain, 3, ML_CSV_LF), ML_OK);
  assert_int_equal(ml_csv_write_record(f, special, 5, ML_CSV_CRLF), ML_OK);
  assert_int_equal(ml_csv_write_record(f, lone_empty, 1, ML_CSV_LF), ML_OK);
  assert_int_equal(ml_csv_write_record(f, bom, 2, ML_CSV_LF), ML_OK);
  char *text = contents(f);
  assert_string_equal(text,
                      "a,b c, x \n"
                      "\"a,b\",\"say \"\"hej\"\"\",\"two\nlines\",\"cr\r\",\r\n"
                      "\"\"\n"
                      "\"\xef\xbb\xbfx\",y\n");
  free(text);
  fclose(f);

  /* a stream that cannot be written */
  FILE *read_only = fopen("/dev/null", "r");
  if (read_only != NULL) {
    assert_int_equal(ml_csv_write_record(read_only, plain, 3, ML_CSV_LF),
                     ML_EIO);
    fclose(read_only);
  }
}

/* A random field: bytes from a set rich in what CSV must quote, and
 * multi-byte UTF-8 characters kept whole. */
static void random_field(char *buf, size_t max, uint64_t *s) {
  static const char *const pieces[] = {
      "a", "Z", "0", " ", ",", "\"", "\n", "\r\n", "\r", "å", "€", "𝄞", "\t",
      "\xef\xbb\xbf"};
  size_t n = (size_t)rand_range(s, 0, 12), used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    const char *p = pieces[rand_range(s, 0, 13)];
    if (used + strlen(p) >= max) break;
    strcpy(buf + used, p);
    used += strlen(p);
  }
}

enum { RANDOM_FILES = 300, MAX_RECORDS = 40, MAX_FIELDS = 6, FIELD_MAX = 64 };

typedef char random_table[MAX_RECORDS][MAX_FIELDS][FIELD_MAX];

/* Reads r to its end and compares with the table. */
static void read_back(ml_csv_reader *r, random_table fields, size_t records,
                      size_t columns, uint64_t seed, int file) {
  for (size_t k = 1; k < records; k++) {
    next_record(r);
    for (size_t c = 0; c < columns; c++) {
      if (strcmp(ml_csv_field(r, c), fields[k][c]) != 0) {
        fail_msg("seed %#llx file %d record %zu field %zu: \"%s\" != \"%s\"",
                 (unsigned long long)seed, file, k, c, ml_csv_field(r, c),
                 fields[k][c]);
      }
    }
  }
  expect_end(r);
}

static void write_then_read_random_records(void **state) {
  (void)state;
  const uint64_t seed = 0x637376726e64ULL; /* "csvrnd" */
  uint64_t s = seed;
  static random_table fields;
  for (int file = 0; file < RANDOM_FILES; file++) {
    size_t columns = (size_t)rand_range(&s, 1, MAX_FIELDS);
    size_t records = (size_t)rand_range(&s, 1, MAX_RECORDS);
    ml_csv_newline nl = (ml_csv_newline)rand_range(&s, 0, 1);
    FILE *f = tmpfile();
    assert_non_null(f);
    for (size_t k = 0; k < records; k++) {
      const char *row[MAX_FIELDS];
      for (size_t c = 0; c < columns; c++) {
        if (k == 0) {
          snprintf(fields[k][c], FIELD_MAX, "col %zu", c); /* unique names */
        } else {
          random_field(fields[k][c], FIELD_MAX, &s);
        }
        row[c] = fields[k][c];
      }
      assert_int_equal(ml_csv_write_record(f, row, columns, nl), ML_OK);
    }
    char *text = contents(f);
    ml_csv_reader *r = NULL;
    ml_error err;
    if (ml_csv_reader_new_memory(&r, text, strlen(text), &err) != ML_OK) {
      fail_msg("seed %#llx file %d: %s", (unsigned long long)seed, file,
               err.message);
    }
    read_back(r, fields, records, columns, seed, file);
    ml_csv_reader_free(r);
    rewind(f);
    assert_int_equal(ml_csv_reader_new(&r, f, &err), ML_OK);
    read_back(r, fields, records, columns, seed, file);
    ml_csv_reader_free(r);
    free(text);
    fclose(f);
  }
}

/* A file over several input blocks, with multi-byte characters, doubled
 * quotes and CRLFs falling across the block boundaries. */
static void reads_across_input_blocks(void **state) {
  (void)state;
  FILE *f = tmpfile();
  assert_non_null(f);
  fputs("id,text\n", f);
  const int rows = 20000; /* about 400 KB: 6 blocks of 64 KiB */
  for (int i = 0; i < rows; i++) {
    fprintf(f, "%d,\"å€𝄞 \"\"%d\"\"\r\nx\"\r\n", i, i % 7);
  }
  rewind(f);
  ml_csv_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_csv_reader_new(&r, f, &err), ML_OK);
  for (int i = 0; i < rows; i++) {
    next_record(r);
    char want[64];
    snprintf(want, sizeof want, "å€𝄞 \"%d\"\r\nx", i % 7);
    assert_int_equal(atoi(ml_csv_field(r, 0)), i);
    assert_string_equal(ml_csv_field(r, 1), want);
    assert_int_equal(ml_csv_record_line(r), 2 + 2 * i);
  }
  expect_end(r);
  ml_csv_reader_free(r);
  fclose(f);
}

/* Plain lines (the reader's fast path) of every length, with multi-byte
 * characters and LF or CRLF endings, so that lines, characters and CRLFs
 * fall across the 128 KiB input blocks at every offset; then one byte of
 * one line spoilt at a time, near the block edges too: the error names
 * the same line and column whether the text is read from memory or a file,
 * as the byte-at-a-time reader would (the byte's offset in the line + 1). */
enum { PLAIN_LINES = 12000 };

static size_t plain_line(char *buf, int i) {
  static const char *const text[] = {"x", "å", "€", "𝄞", "-"};
  size_t n = (size_t)sprintf(buf, "%d,", i);
  for (int k = 0; k < i % 37; k++) n += (size_t)sprintf(buf + n, "%s", text[(i + k) % 5]);
  n += (size_t)sprintf(buf + n, ",%d%s", i % 11, i % 3 == 0 ? "\r\n" : "\n");
  return n;
}

static char *plain_lines_text(size_t *size, size_t *line_start) {
  char *text = malloc(PLAIN_LINES * 200 + 16);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "id,text,n\n");
  for (int i = 0; i < PLAIN_LINES; i++) {
    line_start[i] = n;
    n += plain_line(text + n, i);
  }
  *size = n;
  return text;
}

static void read_plain_lines(ml_csv_reader *r) {
  char line[256];
  for (int i = 0; i < PLAIN_LINES; i++) {
    next_record(r);
    size_t n = plain_line(line, i);
    line[n - (i % 3 == 0 ? 2 : 1)] = '\0';
    char *second = strchr(line, ',') + 1, *third = strchr(second, ',');
    *third++ = '\0';
    assert_int_equal(atoi(ml_csv_field(r, 0)), i);
    assert_string_equal(ml_csv_field(r, 1), second);
    assert_string_equal(ml_csv_field(r, 2), third);
    assert_int_equal(ml_csv_record_line(r), 2 + i);
    ml_error err;
    ml_csv_locate(r, 2, 1, &err);
    assert_int_equal(err.column, (long)(third - line) + 1);
  }
  expect_end(r);
}

static void expect_spoilt_at(const char *text, size_t size, int line,
                             long column) {
  ml_error err;
  for (int from_file = 0; from_file < 2; from_file++) {
    FILE *f = from_file ? file_with(text, size) : NULL;
    ml_csv_reader *r = NULL;
    ml_status st = from_file ? ml_csv_reader_new(&r, f, &err)
                             : ml_csv_reader_new_memory(&r, text, size, &err);
    assert_int_equal(st, ML_OK);
    int has_record = 1;
    for (int i = 0; i < line - 1 && st == ML_OK; i++) {
      st = ml_csv_next(r, &has_record, &err);
    }
    assert_int_equal(st, ML_EPARSE);
    assert_string_equal(err.field, "text");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    ml_csv_reader_free(r);
    if (f != NULL) fclose(f);
  }
}

static void reads_plain_lines_across_blocks(void **state) {
  (void)state;
  static size_t line_start[PLAIN_LINES];
  size_t size = 0;
  char *text = plain_lines_text(&size, line_start);
  ml_csv_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_csv_reader_new_memory(&r, text, size, &err), ML_OK);
  read_plain_lines(r);
  ml_csv_reader_free(r);
  FILE *f = file_with(text, size);
  assert_int_equal(ml_csv_reader_new(&r, f, &err), ML_OK);
  read_plain_lines(r);
  ml_csv_reader_free(r);
  fclose(f);

  /* a byte of a "text" field spoilt about each block edge */
  int spoilt = 0;
  for (size_t edge = 131072; edge < size; edge += 131072) {
    for (size_t at = edge - 64; at < edge + 64; at++) {
      int i = 0;
      while (i + 1 < PLAIN_LINES && line_start[i + 1] <= at) i++;
      const char *second = strchr(text + line_start[i], ',') + 1;
      const char *end = strchr(second, ',');
      unsigned char c = (unsigned char)text[at];
      if (text + at < second || text + at >= end || (c >= 0x80 && c < 0xc0)) {
        continue; /* outside the field, or inside a character */
      }
      text[at] = (char)0xff;
      expect_spoilt_at(text, size, i + 2, (long)(at - line_start[i]) + 1);
      text[at] = (char)c;
      spoilt++;
    }
  }
  assert_true(spoilt > 100);
  free(text);
}

/*
 * A plain line with one field too few or too many, of each length the
 * fast path splits in one way or another (up to 64 bytes, up to 128,
 * longer), with UTF-8 in it or not, and with enough lines after it that
 * the fast path looks at it: the error of the general reader, at its line.
 */
static void counts_the_fields_of_plain_lines(void **state) {
  (void)state;
  const size_t lengths[] = {20, 63, 64, 70, 127, 128, 200};
  for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
    for (int utf8 = 0; utf8 <= 1; utf8++) {
      for (int extra = 0; extra <= 1; extra++) {
        char filler[256];
        size_t n = 0;
        while (n + 2 < lengths[k]) {
          if (utf8 && n % 9 == 0) {
            memcpy(filler + n, "\xc3\xa4", 2); /* a-umlaut */
            n += 2;
          } else {
            filler[n++] = 'x';
          }
        }
        filler[n] = '\0';
        char text[4096];
        /* line 3: "1,<filler>" (one field short) or "1,2,3,<filler>" */
        snprintf(text, sizeof text,
                 "a,b,c\n1,2,3\n%s%s\n1,2,3\n1,2,3\n1,2,3\n%s\n",
                 extra ? "1,2,3," : "1,", filler, filler);
        ml_csv_reader *r = NULL;
        ml_error err;
        assert_int_equal(ml_csv_reader_new_memory(&r, text, strlen(text), &err),
                         ML_OK);
        int has = 0;
        assert_int_equal(ml_csv_next(r, &has, &err), ML_OK);
        ml_status st = ml_csv_next(r, &has, &err);
        ml_csv_reader_free(r);
        if (st != ML_EPARSE || err.line != 3 ||
            strstr(err.message, extra ? "more fields than the header's 3"
                                      : "has 2 fields but the header has 3") ==
                NULL) {
          fail_msg("length %zu, utf8 %d, extra %d: %s (line %ld)", lengths[k],
                   utf8, extra, err.message, err.line);
        }
      }
    }
  }
}

/* ---- the journal reader ---------------------------------------------------- */

static ml_journal_reader *open_journal(const char *text,
                                       const ml_journal_options *options) {
  ml_journal_reader *r = NULL;
  ml_error err;
  if (ml_journal_reader_new_memory(&r, text, strlen(text), options, &err) !=
      ML_OK) {
    fail_msg("journal: %s", err.message);
  }
  return r;
}

/* The next loan: its id, and its events into events[0..capacity). */
static size_t next_loan(ml_journal_reader *r, char *id, ml_event *events,
                        long *lines, size_t capacity) {
  size_t count = 99;
  ml_error err;
  ml_status st =
      ml_journal_next_loan(r, id, events, lines, capacity, &count, &err);
  if (st != ML_OK) {
    fail_msg("next loan: %s (line %ld, column %ld)", err.message, err.line,
             err.column);
  }
  return count;
}

static void expect_event(const ml_event *e, int64_t id, ml_event_type type,
                         const char *date, ml_amount amount,
                         const char *ref) {
  assert_int_equal(e->id, id);
  assert_int_equal(e->type, type);
  assert_int_equal(e->date, date_of(date));
  assert_int_equal(e->amount, amount);
  assert_string_equal(e->ref, ref);
}

static ml_rate rate_of(int64_t coefficient, int scale) {
  ml_rate r;
  assert_int_equal(ml_rate_make(&r, coefficient, scale), ML_OK);
  return r;
}

/* Columns in an order of their own; every type; ids given or left out;
 * a ref with a comma and one with a line break. */
static const char good_journal[] =
    "id,loan_id,type,date,amount,component,target,rate,term,"
    "grace_principal,installment,ref\n"
    "1,L1,disbursement,2026-01-15,250000.00,,,,,,,\"contract 1, signed\"\n"
    "2,L1,repayment,2026-02-15,7891.88,,,,,,,bg 123\n"
    ",L1,fee,2026-03-01,60.00,,,,,,,påminnelseavgift\n"
    ",L1,waiver,2026-03-02,60,fees,,,,,,\n"
    ",L1,reversal,2026-03-20,,,2,,,,,\"two\nlines\"\n"
    "6,L1,reschedule,2026-04-15,,,,6.5,24,2,,\n"
    ",L1,penalty,2026-05-15,\"1 234,50\",,,,,,,\n"
    ",L1,write-off,2026-06-01,,,,,,,,\n"
    ",L2,disbursement,2026-01-01,1000,,,,,,,\n"
    ",L2,reschedule,2026-02-01,,,,7,12,,900.00,\n";

static void reads_a_journal(void **state) {
  (void)state;
  ml_journal_reader *r = open_journal(good_journal, NULL);
  ml_event e[10];
  long lines[10];
  char id[ML_LOAN_ID_SIZE];
  assert_int_equal(next_loan(r, id, e, lines, 10), 8);
  assert_string_equal(id, "L1");
  /* amounts: the decimal text times 100 */
  expect_event(&e[0], 1, ML_EVENT_DISBURSEMENT, "2026-01-15", 25000000,
               "contract 1, signed");
  expect_event(&e[1], 2, ML_EVENT_REPAYMENT, "2026-02-15", 789188, "bg 123");
  expect_event(&e[2], 3, ML_EVENT_FEE, "2026-03-01", 6000,
               "påminnelseavgift");
  expect_event(&e[3], 4, ML_EVENT_WAIVER, "2026-03-02", 6000, "");
  assert_int_equal(e[3].component, ML_FEES);
  expect_event(&e[4], 5, ML_EVENT_REVERSAL, "2026-03-20", 0, "two\nlines");
  assert_int_equal(e[4].target, 2);
  expect_event(&e[5], 6, ML_EVENT_RESCHEDULE, "2026-04-15", 0, "");
  assert_true(ml_rate_equal(e[5].reschedule.annual_rate, rate_of(65, 3)));
  assert_int_equal(e[5].reschedule.installments, 24);
  assert_int_equal(e[5].reschedule.grace_principal, 2);
  assert_int_equal(e[5].reschedule.fixed_installment, 0);
  expect_event(&e[6], 7, ML_EVENT_PENALTY, "2026-05-15", 123450, "");
  expect_event(&e[7], 8, ML_EVENT_WRITE_OFF, "2026-06-01", 0, "");
  const long want_lines[8] = {2, 3, 4, 5, 6, 8, 9, 10}; /* 6-7 is one row */
  for (int i = 0; i < 8; i++) assert_int_equal(lines[i], want_lines[i]);
  /* unused fields as ml_event_init leaves them */
  assert_int_equal(e[1].target, 0);
  assert_int_equal(e[1].component, ML_INTEREST);
  assert_int_equal(e[1].reschedule.installments, 0);

  assert_int_equal(next_loan(r, id, e, NULL, 10), 2);
  assert_string_equal(id, "L2");
  expect_event(&e[0], 1, ML_EVENT_DISBURSEMENT, "2026-01-01", 100000, "");
  expect_event(&e[1], 2, ML_EVENT_RESCHEDULE, "2026-02-01", 0, "");
  assert_true(ml_rate_equal(e[1].reschedule.annual_rate, rate_of(7, 2)));
  assert_int_equal(e[1].reschedule.installments, 12);
  assert_int_equal(e[1].reschedule.grace_principal, 0);
  assert_int_equal(e[1].reschedule.fixed_installment, 90000);
  assert_int_equal(next_loan(r, id, e, NULL, 10), 0);
  assert_string_equal(id, "");
  assert_int_equal(next_loan(r, id, e, NULL, 10), 0);
  ml_journal_reader_free(r);
  ml_journal_reader_free(NULL);
}

static void reads_a_journal_from_a_file_in_another_currency(void **state) {
  (void)state;
  const char text[] = "loan_id,date,type,amount,ref\n"
                      "J1,2026-01-15,disbursement,250000,\n"
                      "J1,2026-02-15,repayment,7892,\n";
  FILE *f = file_with(text, sizeof text - 1);
  ml_journal_options options;
  ml_journal_options_init(&options);
  assert_string_equal(options.currency.code, "SEK");
  assert_int_equal(options.grouping, ML_JOURNAL_GROUPED);
  assert_int_equal(ml_currency_find(&options.currency, "JPY", NULL), ML_OK);
  ml_journal_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_journal_reader_new(&r, f, &options, &err), ML_OK);
  ml_event e[4];
  char id[ML_LOAN_ID_SIZE];
  assert_int_equal(next_loan(r, id, e, NULL, 4), 2);
  assert_int_equal(e[0].amount, 250000); /* yen have no minor units */
  assert_int_equal(e[1].amount, 7892);
  assert_int_equal(next_loan(r, id, e, NULL, 4), 0);
  ml_journal_reader_free(r);
  fclose(f);
}

static void reads_sorted_journals(void **state) {
  (void)state;
  ml_journal_options options;
  ml_journal_options_init(&options);
  options.grouping = ML_JOURNAL_SORTED;
  ml_journal_reader *r = open_journal(
      "loan_id,date,type,amount,ref\n"
      "A,2026-01-15,repayment,1,\nA,2026-01-16,repayment,2,\n"
      "B,2026-01-15,repayment,3,\nC,2026-01-15,repayment,4,\n",
      &options);
  ml_event e[4];
  char id[ML_LOAN_ID_SIZE];
  assert_int_equal(next_loan(r, id, e, NULL, 4), 2);
  assert_int_equal(next_loan(r, id, e, NULL, 4), 1);
  assert_string_equal(id, "B");
  assert_int_equal(next_loan(r, id, e, NULL, 4), 1);
  assert_string_equal(id, "C");
  assert_int_equal(next_loan(r, id, e, NULL, 4), 0);
  ml_journal_reader_free(r);
}

/* Opening text as a journal fails as described. */
static void expect_journal_open_error(const char *text, ml_status want,
                                      const char *field, long line,
                                      long column, const char *message) {
  ml_journal_reader *r = (ml_journal_reader *)1;
  ml_error err;
  ml_status st = ml_journal_reader_new_memory(&r, text, strlen(text), NULL,
                                              &err);
  assert_null(r);
  expect_error(st, want, &err, field, line, column, message);
}

/* After `good` loans read fine, the next call fails as described (with
 * loan_id = want_id); then the reader goes on with the loan after. */
static void expect_loan_error(const char *text,
                              const ml_journal_options *options, int good,
                              ml_status want, const char *field, long line,
                              long column, const char *message,
                              const char *want_id, size_t capacity) {
  ml_journal_reader *r = open_journal(text, options);
  ml_event e[8];
  char id[ML_LOAN_ID_SIZE];
  for (int i = 0; i < good; i++) next_loan(r, id, e, NULL, capacity);
  size_t count = 99;
  ml_error err;
  ml_status st = ml_journal_next_loan(r, id, e, NULL, capacity, &count, &err);
  expect_error(st, want, &err, field, line, column, message);
  assert_int_equal(count, 0);
  assert_string_equal(id, want_id);
  ml_journal_reader_free(r);
}

#define H5 "loan_id,date,type,amount,ref\n"

static void rejects_journal_headers(void **state) {
  (void)state;
  expect_journal_open_error("loan_id,date,type,ref\nL1,2026-01-15,fee,\n",
                            ML_EPARSE, "amount", 1, 0,
                            "the header has no amount column; a journal "
                            "needs loan_id, date, type, amount and ref");
  /* "loan_id,date,type,amount,ref," is 29 bytes: amout at column 30 */
  expect_journal_open_error("loan_id,date,type,amount,ref,amout\n",
                            ML_EINVAL, "amout", 1, 30,
                            "unknown column \"amout\"; a journal's columns "
                            "are loan_id, date, type, amount, ref, id, "
                            "component, target, rate, term, grace_principal "
                            "and installment");
  expect_journal_open_error("", ML_EPARSE, "", 1, 1,
                            "the input is empty; expected a header row "
                            "naming the columns");
}

/* Row positions below: "L1," is columns 1-3, the date 4-13, the type from
 * 15; after "repayment," (10 bytes) the amount starts at column 25. */
static void rejects_bad_values(void **state) {
  (void)state;
  expect_loan_error(H5 "L1,2026-01-15,loan,100,\n", NULL, 0, ML_EINVAL,
                    "type", 2, 15,
                    "unknown type \"loan\": expected one of disbursement, "
                    "repayment, fee, penalty, waiver, write-off, reversal, "
                    "reschedule",
                    "L1", 8);
  /* the date's library column 9 (the day) is file column 4 + 8 */
  expect_loan_error(H5 "L1,2026-02-30,repayment,100,\n", NULL, 0, ML_ERANGE,
                    "date", 2, 12, "date \"2026-02-30\" is not a supported*",
                    "L1", 8);
  expect_loan_error(H5 "L1,15/01/2026,repayment,100,\n", NULL, 0, ML_EPARSE,
                    "date", 2, 6, "date \"15/01/2026\" is not in the form*",
                    "L1", 8);
  /* "12a": the a is byte 3 of the amount, column 27 */
  expect_loan_error(H5 "L1,2026-01-15,repayment,12a,\n", NULL, 0, ML_EPARSE,
                    "amount", 2, 27,
                    "amount \"12a\": unexpected 'a' at column 3*", "L1", 8);
  /* "1.234": the excess decimal 4 is byte 5, column 29 */
  expect_loan_error(H5 "L1,2026-01-15,repayment,1.234,\n", NULL, 0,
                    ML_EPARSE, "amount", 2, 29,
                    "amount \"1.234\" has 3 decimals but SEK has 2*", "L1",
                    8);
  expect_loan_error(H5 "L1,2026-01-15,repayment,,\n", NULL, 0, ML_EINVAL,
                    "amount", 2, 25, "amount is empty; a repayment needs one",
                    "L1", 8);
  expect_loan_error(H5 "L1,2026-01-15,write-off,5,\n", NULL, 0, ML_EINVAL,
                    "amount", 2, 25,
                    "amount \"5\" is not used by a write-off; leave it empty",
                    "L1", 8);
  expect_loan_error(H5 "L1,2026-01-15,waiver,5,\n", NULL, 0, ML_EINVAL,
                    "component", 2, 0,
                    "a waiver needs a component, but the file has no "
                    "component column",
                    "L1", 8);
  expect_loan_error(H5 "L1,2026-01-15,reschedule,,\n", NULL, 0, ML_EINVAL,
                    "rate", 2, 0,
                    "a reschedule needs a rate, but the file has no rate "
                    "column",
                    "L1", 8);
}

#define H7 "loan_id,date,type,amount,ref,component,target\n"

/* In H7 rows "L1,2026-01-15,TYPE,AMOUNT,REF,COMPONENT,TARGET". */
static void rejects_values_by_type(void **state) {
  (void)state;
  /* "L1,2026-01-15,repayment,5,," is 27 bytes: component at 28 */
  expect_loan_error(H7 "L1,2026-01-15,repayment,5,,fees,\n", NULL, 0,
                    ML_EINVAL, "component", 2, 28,
                    "component \"fees\" is not used by a repayment; leave "
                    "it empty",
                    "L1", 8);
  /* "L1,2026-01-15,waiver,5,," is 24 bytes: component at 25 */
  expect_loan_error(H7 "L1,2026-01-15,waiver,5,,capital,\n", NULL, 0,
                    ML_EINVAL, "component", 2, 25,
                    "unknown component \"capital\": expected one of "
                    "principal, interest, fees, penalties",
                    "L1", 8);
  expect_loan_error(H7 "L1,2026-01-15,waiver,5,,,\n", NULL, 0, ML_EINVAL,
                    "component", 2, 25,
                    "component is empty; a waiver needs one", "L1", 8);
  /* "L1,2026-01-15,reversal,,,," is 26 bytes: target at 27 */
  expect_loan_error(H7 "L1,2026-01-15,reversal,,,,x1\n", NULL, 0, ML_EPARSE,
                    "target", 2, 27,
                    "target \"x1\" is not a whole number; expected digits "
                    "such as 12 (no sign, spaces or leading zeros)",
                    "L1", 8);
  /* the 1 after a leading zero: the error points at the first byte */
  expect_loan_error(H7 "L1,2026-01-15,reversal,,,,01\n", NULL, 0, ML_EPARSE,
                    "target", 2, 27, "target \"01\" is not a whole number*",
                    "L1", 8);
  /* "-1": the sign is byte 1 */
  expect_loan_error(H7 "L1,2026-01-15,reversal,,,,-1\n", NULL, 0, ML_EPARSE,
                    "target", 2, 27, "target \"-1\" is not a whole number*",
                    "L1", 8);
  expect_loan_error(H7 "L1,2026-01-15,reversal,,,,9223372036854775808\n",
                    NULL, 0, ML_ERANGE, "target", 2, 27,
                    "target \"9223372036854775808\" is too large; expected "
                    "at most 9223372036854775807",
                    "L1", 8);
  /* "L1,2026-01-15,fee,5,,," is 22 bytes: target at 23 */
  expect_loan_error(H7 "L1,2026-01-15,fee,5,,,3\n", NULL, 0, ML_EINVAL,
                    "target", 2, 23,
                    "target \"3\" is not used by a fee; leave it empty", "L1",
                    8);
}

#define H9 "loan_id,date,type,amount,ref,rate,term,grace_principal," \
           "installment\n"

/* In H9 rows, "L1,2026-01-15,reschedule,,," is 27 bytes: the rate is at
 * column 28. */
static void rejects_bad_reschedules(void **state) {
  (void)state;
  expect_loan_error(H9 "L1,2026-01-15,reschedule,,,6.5x,12,,\n", NULL, 0,
                    ML_EPARSE, "rate", 2, 31, "rate \"6.5x\": unexpected 'x'*",
                    "L1", 8);
  /* "6.5," then the term at column 32 */
  expect_loan_error(H9 "L1,2026-01-15,reschedule,,,6.5,,,\n", NULL, 0,
                    ML_EINVAL, "term", 2, 32,
                    "term is empty; a reschedule needs one", "L1", 8);
  expect_loan_error(H9 "L1,2026-01-15,reschedule,,,6.5,2147483648,,\n", NULL,
                    0, ML_ERANGE, "term", 2, 32,
                    "term \"2147483648\" is too large; expected at most "
                    "2147483647",
                    "L1", 8);
  /* "12," then grace_principal at column 35 */
  expect_loan_error(H9 "L1,2026-01-15,reschedule,,,6.5,12,x,\n", NULL, 0,
                    ML_EPARSE, "grace_principal", 2, 35,
                    "grace_principal \"x\" is not a whole number*", "L1", 8);
  /* the installment starts at column 36 (after the empty grace); its
   * second '.' (byte 4, column 39) is where the library stops */
  expect_loan_error(H9 "L1,2026-01-15,reschedule,,,6.5,12,,1.2.3\n", NULL, 0,
                    ML_EPARSE, "installment", 2, 39, "amount \"1.2.3\"*",
                    "L1", 8);
  /* a repayment with a term: "L1,2026-01-15,repayment,5,,," is 28 bytes */
  expect_loan_error(H9 "L1,2026-01-15,repayment,5,,,12,,\n", NULL, 0,
                    ML_EINVAL, "term", 2, 29,
                    "term \"12\" is not used by a repayment; leave it empty",
                    "L1", 8);
}

static void rejects_bad_ids_and_refs(void **state) {
  (void)state;
  expect_loan_error(H5 ",2026-01-15,repayment,1,\n", NULL, 0, ML_EINVAL,
                    "loan_id", 2, 1,
                    "loan_id is empty; every row needs its loan's id", "", 8);
  char text[512];
  char id64[65];
  memset(id64, 'i', 64);
  id64[64] = '\0';
  snprintf(text, sizeof text, H5 "%s,2026-01-15,repayment,1,\n", id64);
  expect_loan_error(text, NULL, 0, ML_ELIMIT, "loan_id", 2, 1,
                    "loan_id \"iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii...\" is "
                    "64 bytes long; at most 63",
                    "", 8);
  /* a tab at byte 2 of the id */
  expect_loan_error(H5 "L\t1,2026-01-15,repayment,1,\n", NULL, 0, ML_EPARSE,
                    "loan_id", 2, 2,
                    "loan_id \"L\t1\" has a control character (byte 0x09); "
                    "expected printable text",
                    "", 8);
  /* a ref of 64 bytes; "L1,2026-01-15,repayment,1," is 26 bytes */
  char ref64[65];
  memset(ref64, 'r', 64);
  ref64[64] = '\0';
  snprintf(text, sizeof text, H5 "L1,2026-01-15,repayment,1,%s\n", ref64);
  expect_loan_error(text, NULL, 0, ML_ELIMIT, "ref", 2, 27,
                    "ref is 64 bytes long; at most 63", "L1", 8);
  /* 63 bytes fit */
  snprintf(text, sizeof text, H5 "L1,2026-01-15,repayment,1,%.63s\n", ref64);
  ml_journal_reader *r = open_journal(text, NULL);
  ml_event e[1];
  char id[ML_LOAN_ID_SIZE];
  assert_int_equal(next_loan(r, id, e, NULL, 1), 1);
  assert_int_equal(strlen(e[0].ref), 63);
  ml_journal_reader_free(r);
  /* an id that is not the row's position; "L1,2026-01-15,repayment,1,," is
   * 27 bytes: the id at column 28 */
  expect_loan_error("loan_id,date,type,amount,ref,id\n"
                    "L1,2026-01-15,repayment,1,,1\n"
                    "L1,2026-01-16,repayment,1,,3\n",
                    NULL, 0, ML_EINVAL, "id", 3, 28,
                    "id 3 is not the event's position: this row is event 2 "
                    "of loan \"L1\" (ids count 1, 2, 3... per loan in file "
                    "order)",
                    "L1", 8);
}

static void rejects_ungrouped_and_unsorted_loans(void **state) {
  (void)state;
  const char *text = H5 "A,2026-01-15,repayment,1,\n"
                        "B,2026-01-15,repayment,1,\n"
                        "B,2026-01-16,repayment,1,\n"
                        "A,2026-01-16,repayment,1,\n";
  expect_loan_error(text, NULL, 2, ML_EINVAL, "loan_id", 5, 1,
                    "the rows of loan \"A\" are not together: it also has "
                    "rows from line 2; a journal lists each loan's rows one "
                    "after another",
                    "A", 8);
  ml_journal_options sorted;
  ml_journal_options_init(&sorted);
  sorted.grouping = ML_JOURNAL_SORTED;
  expect_loan_error(text, &sorted, 2, ML_EINVAL, "loan_id", 5, 1,
                    "loan \"A\" comes after loan \"B\"; in a sorted journal "
                    "loan ids ascend and each loan's rows are together",
                    "A", 8);
  /* sorted: a loan that repeats itself after a gap */
  expect_loan_error(H5 "A,2026-01-15,repayment,1,\n"
                       "B,2026-01-15,repayment,1,\n"
                       "B,2026-01-16,repayment,1,\n"
                       "C,2026-01-16,repayment,1,\n"
                       "C,2026-01-16,repayment,1,\n"
                       "B,2026-01-16,repayment,1,\n",
                    &sorted, 3, ML_EINVAL, "loan_id", 7, 1,
                    "loan \"B\" comes after loan \"C\"*", "B", 8);
}

/* A rejected loan is skipped whole; the reader goes on with the next. */
/*
 * The reader reads a common row (a type with an amount, a plain date and
 * amount, nothing in the other types' columns) on a path of its own. Rows
 * made at random of values on both sides of every condition of that path
 * are read and checked against the public parsers: a row is read exactly
 * when its type has an amount and nothing else, ml_date_parse and
 * ml_amount_parse take its date and amount, its id is empty or 1, its
 * other types' columns are empty and its ref fits; and then into the event
 * those parsers make.
 */
static const char *const common_types[] = {
    "disbursement", "repayment", "fee", "penalty", "waiver", "reversal",
    "Repayment", "repaymenx", "disbursemenT", "fez", "penaltY", "", "fees"};
static const char *const common_dates[] = {
    "2026-01-31", "2024-02-29", "2200-12-31", "2023-02-29", "2026-1-31",
    "2026-13-01", "1899-12-31", "2026-01-31 ", "2026/01/31", "", "2026-04-31"};
static const char *const common_amounts[] = {
    "12.50", "0", "12.5", "1.234", "1e3", " 12", "-3", "", "7.", ".5",
    "9999999999999999.99", "99999999999999999.99", "007", "1,5"};
static const char *const common_ids[] = {"", "1", "2", "01", "1x", "0",
                                         "99999999999999999999"};
static const char *const common_optionals[] = {"", "", "", "", "interest",
                                               "1", "12", "8.5", "x"};

/* One of values[0..count): half of the time one of the first `good`
 * (which a common row may have), else any. */
static const char *pick(uint64_t *seed, const char *const *values,
                        size_t good, size_t count) {
  uint64_t x = xorshift64(seed);
  return values[(x >> 1) % (x & 1 ? good : count)];
}

/* Whether the reader reads the type's rows only on its general path (the
 * types without an amount, or with a component: not checked here). */
static int general_only(const char *type_text) {
  ml_event_type type;
  return ml_event_type_parse(&type, type_text, NULL) == ML_OK &&
         type >= ML_EVENT_WAIVER;
}

/* The event the public parsers make of the values of the loan's
 * position-th row (1 or 2); 0 when the reader must reject the row. */
static int common_row_event(ml_event *e, int64_t position,
                            const char *type_text, const char *date_text,
                            const char *amount_text, const char *id,
                            const char *ref, int optionals_empty) {
  const char *position_text = position == 1 ? "1" : "2";
  ml_event_type type;
  ml_date date;
  ml_amount amount;
  if (ml_event_type_parse(&type, type_text, NULL) != ML_OK ||
      type >= ML_EVENT_WAIVER || !optionals_empty ||
      ml_date_parse(&date, date_text, NULL) != ML_OK ||
      amount_text[0] == '\0' ||
      ml_amount_parse(&amount, amount_text, ml_currency_default(), NULL,
                      NULL) != ML_OK ||
      (id[0] != '\0' && strcmp(id, position_text) != 0) ||
      strlen(ref) >= ML_EVENT_REF_SIZE) {
    return 0;
  }
  ml_event_init(e, type, date, amount);
  e->id = position;
  memcpy(e->ref, ref, strlen(ref) + 1);
  return 1;
}

/* A random common row's values (see above). */
typedef struct common_row {
  const char *type, *date, *amount, *id, *ref, *optional[6];
  int optionals_empty;
} common_row;

static int pick_common_row(common_row *row, uint64_t *seed, int i) {
  static char long_ref[ML_EVENT_REF_SIZE + 1];
  memset(long_ref, 'r', ML_EVENT_REF_SIZE);
  const char *const refs[] = {"", "", "x-1", long_ref + 1, long_ref};
  row->type = pick(seed, common_types, 4, 13);
  if (general_only(row->type)) return 0;
  row->date = pick(seed, common_dates, 3, 11);
  row->amount = pick(seed, common_amounts, 3, 14);
  row->id = pick(seed, common_ids, 3, 7);
  row->ref = pick(seed, refs, 4, 5);
  row->optionals_empty = 1;
  for (int k = 0; k < 6; k++) {
    /* mostly all empty, as in a real journal */
    row->optional[k] = i % 4 == 0 ? pick(seed, common_optionals, 4, 9) : "";
    row->optionals_empty &= row->optional[k][0] == '\0';
  }
  return 1;
}

/* Reads the journal text and checks that loan L1's position-th row (on
 * line position + 1) is read as the parsers read it; returns whether it
 * was read. */
static int check_common_row(const char *text, const common_row *row,
                            int64_t position) {
  ml_event want, got[3];
  long lines[3];
  int valid = common_row_event(&want, position, row->type, row->date,
                               row->amount, row->id, row->ref,
                               row->optionals_empty);
  ml_journal_reader *r = open_journal(text, NULL);
  char loan_id[ML_LOAN_ID_SIZE];
  size_t count = 0;
  ml_status st = ml_journal_next_loan(r, loan_id, got, lines, 3, &count,
                                      NULL);
  ml_journal_reader_free(r);
  size_t at = (size_t)position - 1;
  if ((st == ML_OK) != valid ||
      (valid && (count != (size_t)position ||
                 memcmp(&got[at], &want, sizeof want) != 0 ||
                 lines[at] != position + 1))) {
    fail_msg("row %" PRId64 " of %s: read %s, expected %s", position, text,
             ml_status_name(st), valid ? "this event" : "a rejection");
  }
  return valid;
}

/* A journal of loan L1: the header, `before`, the row (its amount
 * between `quote`s), `after`. */
static void format_common_row(char *text, size_t size, const char *before,
                              const common_row *row, const char *quote,
                              const char *after) {
  snprintf(text, size,
           "loan_id,date,type,amount,ref,id,component,target,rate,term,"
           "grace_principal,installment\n"
           "%sL1,%s,%s,%s%s%s,%s,%s,%s,%s,%s,%s,%s,%s\n%s",
           before, row->date, row->type, quote, row->amount, quote,
           row->ref, row->id, row->optional[0], row->optional[1],
           row->optional[2], row->optional[3], row->optional[4],
           row->optional[5], after);
}

static void reads_common_rows_as_the_parsers(void **state) {
  (void)state;
  uint64_t seed = 0x636f6d6d6f6eULL; /* "common" */
  int read[2] = {0, 0}, rejected[2] = {0, 0};
  for (int i = 0; i < 20000; i++) {
    common_row row;
    if (!pick_common_row(&row, &seed, i)) continue;
    /* the loan's first row, its amount quoted: the reader's CSV path */
    char text[1024];
    format_common_row(text, sizeof text, "", &row, "\"", "");
    int first = check_common_row(text, &row, 1);
    read[0] += first;
    rejected[0] += !first;
    /* its second row, unquoted and followed by another loan's rows: the
     * path that reads a line straight from its bytes (an amount with a
     * comma would be another row's shape) */
    if (strchr(row.amount, ',') != NULL) continue;
    format_common_row(text, sizeof text,
                      "L1,2026-01-01,disbursement,1,,,,,,,,\n", &row, "",
                      "L2,2026-01-01,disbursement,1,,,,,,,,\n"
                      "L2,2026-01-01,disbursement,1,,,,,,,,\n");
    int second = check_common_row(text, &row, 2);
    read[1] += second;
    rejected[1] += !second;
  }
  /* both sides were taken often, on both paths */
  for (int k = 0; k < 2; k++) {
    assert_true(read[k] > 1000 && rejected[k] > 1000);
  }
}

/*
 * The same journal read with LF and with CRLF line endings: a CRLF line is
 * never read straight from its bytes, so the two readings compare that
 * path with the CSV path on every row. Random loans of mostly common rows,
 * with rows of other types, bad values, wrong ids, long lines and filled
 * optional cells among them, in five column layouts (three that allow the
 * bytes path, two that do not).
 */
static const char *const journal_layouts[] = {
    "loan_id,date,type,amount,ref,id,component,target,rate,term,"
    "grace_principal,installment",
    "type,id,amount,loan_id,ref,date,installment,term,component,target,"
    "rate,grace_principal",
    "loan_id,date,type,amount,ref,component,target,rate,term,"
    "grace_principal,installment",
    "loan_id,date,type,amount,ref,id",
    "loan_id,date,type,component,amount,ref,id,target"};

/* One random row's value for the column named `name` of loan `loan`,
 * position-th row. */
static const char *random_cell(char *buf, size_t size, const char *name,
                               int loan, int position, uint64_t *seed) {
  uint64_t x = xorshift64(seed) % 100;
  if (strcmp(name, "loan_id") == 0) {
    /* now and then an id from the loan before: out of its group; and
     * ids the written-line path must not match as bytes (quoted, with a
     * comma or a quote) or that are too long for it (16 and 17 bytes) */
    int id = x == 1 ? loan - 1 : loan;
    buf[0] = '\0';
    if (x == 0) return buf;
    switch (id % 7) {
      case 3: snprintf(buf, size, "\"L,%04d\"", id); break;
      case 4: snprintf(buf, size, "\"L\"\"%04d\"", id); break;
      case 5: snprintf(buf, size, "L%015d", id); break;
      case 6: snprintf(buf, size, "L%016d", id); break;
      default: snprintf(buf, size, "L%04d", id); break;
    }
  } else if (strcmp(name, "date") == 0) {
    snprintf(buf, size, x == 0 ? "2026-02-30" : "2026-%02d-%02d",
             1 + position % 12, 1 + (int)(x % 28));
  } else if (strcmp(name, "type") == 0) {
    snprintf(buf, size, "%s", position == 1 ? "disbursement"
                              : x < 90      ? "repayment"
                              : x < 94      ? "fee"
                              : x < 97      ? "waiver"
                                            : "Repayment");
  } else if (strcmp(name, "amount") == 0) {
    /* 1.234: too many decimals; the long one has 16 digits, 19 bytes */
    snprintf(buf, size,
             x < 3 ? "1.234" : x < 5 ? "%d1234567890123.%02d" : "%d.%02d",
             1 + (int)(x * 37), (int)(x % 100));
  } else if (strcmp(name, "ref") == 0) {
    snprintf(buf, size, "%s", x < 90 ? "" : x < 95 ? "R-17" : "a-ref-long-enough-to-take-the-line-past-64-bytes");
  } else if (strcmp(name, "id") == 0) {
    buf[0] = '\0';
    if (x < 60 || x >= 97) {
      snprintf(buf, size, x < 60 ? "%d" : "%d0", position);
    }
  } else if (strcmp(name, "component") == 0) {
    snprintf(buf, size, "%s", x < 97 ? "" : "interest");
  } else {
    snprintf(buf, size, "%s", x < 99 ? "" : "3");
  }
  return buf;
}

/* A random journal of `loans` loans in a layout, each line ended by
 * `ending`. */
static void random_journal(char *text, size_t size, const char *layout,
                           const char *ending, uint64_t seed, int loans) {
  char names[256];
  snprintf(names, sizeof names, "%s", layout);
  const char *column[16];
  size_t columns = 0;
  for (char *p = strtok(names, ","); p != NULL; p = strtok(NULL, ",")) {
    column[columns++] = p;
  }
  size_t used = (size_t)snprintf(text, size, "%s%s", layout, ending);
  for (int loan = 1; loan <= loans; loan++) {
    int rows = 1 + (int)(xorshift64(&seed) % 12);
    for (int position = 1; position <= rows; position++) {
      for (size_t c = 0; c < columns; c++) {
        char cell[64];
        used += (size_t)snprintf(text + used, size - used, "%s%s",
                                 c > 0 ? "," : "",
                                 random_cell(cell, sizeof cell, column[c],
                                             loan, position, &seed));
      }
      used += (size_t)snprintf(text + used, size - used, "%s", ending);
    }
  }
  assert_true(used < size);
}

/* Everything the reader says of a journal, as text; read from memory, or
 * from a file (through the CSV reader's input blocks) when from_file. */
static void describe_reading(char *out, size_t size, const char *text,
                             size_t capacity, ml_journal_grouping grouping,
                             int from_file) {
  ml_journal_options options;
  ml_journal_options_init(&options);
  options.grouping = grouping;
  FILE *f = from_file ? file_with(text, strlen(text)) : NULL;
  ml_journal_reader *r = NULL;
  if (f != NULL) {
    assert_int_equal(ml_journal_reader_new(&r, f, &options, NULL), ML_OK);
  } else {
    r = open_journal(text, &options);
  }
  ml_event events[16];
  long lines[16];
  size_t used = 0;
  ml_error last = {0};
  for (int call = 0; call < 100000 && used < size; call++) {
    char id[ML_LOAN_ID_SIZE];
    size_t count = 0;
    ml_error err = {0};
    ml_status st = ml_journal_next_loan(r, id, events, lines, capacity,
                                        &count, &err);
    used += (size_t)snprintf(out + used, size - used, "%d %s %zu %ld %ld %s %s|",
                             (int)st, id, count, err.line, err.column,
                             err.field, err.message);
    /* an error of the CSV text is final: the reader repeats it */
    if (st != ML_OK && err.line == last.line &&
        strcmp(err.message, last.message) == 0) {
      break;
    }
    last = err;
    for (size_t i = 0; i < count && used < size; i++) {
      const ml_event *e = &events[i];
      used += (size_t)snprintf(
          out + used, size - used, "%" PRId64 " %d %d %" PRId64 " %d %" PRId64 " %s %ld;",
          e->id, (int)e->type, (int)e->date, e->amount, (int)e->component,
          e->target, e->ref, lines[i]);
    }
    if (st == ML_OK && count == 0 && id[0] == '\0') break;
  }
  ml_journal_reader_free(r);
  if (f != NULL) fclose(f);
  assert_true(used < size);
}

static void reads_lf_and_crlf_journals_the_same(void **state) {
  (void)state;
  enum { TEXT = 1 << 17, DESCRIPTION = 1 << 19 };
  char *lf = malloc(TEXT), *crlf = malloc(TEXT);
  char *a = malloc(DESCRIPTION), *b = malloc(DESCRIPTION);
  assert_non_null(lf && crlf && a && b);
  for (size_t layout = 0; layout < 5; layout++) {
    for (uint64_t seed = 1; seed <= 4; seed++) {
      random_journal(lf, TEXT, journal_layouts[layout], "\n", seed, 150);
      random_journal(crlf, TEXT, journal_layouts[layout], "\r\n", seed, 150);
      for (size_t capacity = 5; capacity <= 8; capacity += 3) {
        for (int sorted = 0; sorted <= 1; sorted++) {
          ml_journal_grouping g =
              sorted ? ML_JOURNAL_SORTED : ML_JOURNAL_GROUPED;
          describe_reading(a, DESCRIPTION, lf, capacity, g, 0);
          describe_reading(b, DESCRIPTION, crlf, capacity, g, 0);
          if (strcmp(a, b) != 0) {
            fail_msg("layout %zu, seed %" PRIu64 ", capacity %zu, %s: LF "
                     "and CRLF read differently",
                     layout, seed, capacity, sorted ? "sorted" : "grouped");
          }
        }
      }
    }
  }
  free(lf);
  free(crlf);
  free(a);
  free(b);
}

/* A journal of several input blocks (the CSV reader refills a 128 KiB
 * block from a file, and the bytes path looks 64 bytes ahead across its
 * end): read from a file, it reads as from memory, and as with CRLF. */
static void reads_journal_files_across_blocks_the_same(void **state) {
  (void)state;
  enum { TEXT = 1 << 20, DESCRIPTION = 1 << 23 };
  char *lf = malloc(TEXT), *crlf = malloc(TEXT);
  char *a = malloc(DESCRIPTION), *b = malloc(DESCRIPTION);
  assert_non_null(lf && crlf && a && b);
  random_journal(lf, TEXT, journal_layouts[0], "\n", 11, 2500);
  random_journal(crlf, TEXT, journal_layouts[0], "\r\n", 11, 2500);
  assert_true(strlen(lf) > 3 * 131072); /* several blocks */
  describe_reading(a, DESCRIPTION, lf, 8, ML_JOURNAL_GROUPED, 0);
  describe_reading(b, DESCRIPTION, lf, 8, ML_JOURNAL_GROUPED, 1);
  assert_true(strcmp(a, b) == 0);
  describe_reading(b, DESCRIPTION, crlf, 8, ML_JOURNAL_GROUPED, 1);
  assert_true(strcmp(a, b) == 0);
  free(lf);
  free(crlf);
  free(a);
  free(b);
}

/*
 * The written-line path (a row as the writer writes it, read cell by cell
 * from its bytes) against the CSV path: journals in the writer's layout
 * whose rows are mostly such rows, with rows one detail away from them
 * and ids it must not match as bytes, read as they are and with CRLF
 * line endings (never read from bytes). Each is read from an exactly
 * sized copy, so that a read past its end shows under AddressSanitizer.
 * A CSV error ends a reading, so the rows that make one are each tried
 * alone, between plain rows; the random journals have the others.
 */

/* Rows: @ stands for the loan's id, # for a day, $ for the row's
 * position, % for the position after it and & for the tenth after it
 * (each one digit away from it). The first ROWS_READ make no CSV error;
 * most rows are the first. */
static const char *const written_rows[] = {
    "@,2026-01-#,repayment,12.50,,$,,,,,,",
    "@,2026-01-#,fee,3,,,,,,,,",
    "@,2026-01-#,penalty,0.5,,$,,,,,,",
    "@,2026-01-#,disbursement,100.00,,$,,,,,,",
    "@,2026-01-#,disbursement,123456789012.34,,$,,,,,,",
    "@,2026-01-#,repayment,1.00,R,$,,,,,,",
    "@,2026-01-#,repayment,1.00,,$,interest,,,,,",
    "@,2026-01-#,repayment,1.00,,$,,,,,, ",
    "@,2026-01-#,repayment,1.00,,9999999999999999999,,,,,,",
    ("@,2026-01-#,repayment,1.00,,"
     "123456789012345678901234567890123456789012345678901234567890,,,,,,"),
    "@,2026-01-#,repayment,1.00,,0$,,,,,,",
    "@,2026-01-#,repayment,1.00,,%,,,,,,",
    "@,2026-01-#,repayment,1.00,,&,,,,,,",
    "@,2026-01-#,repayment,12345678901234.56,,$,,,,,,",
    "@,2026-01-#,repayment,1.234,,$,,,,,,",
    "@,2026-01-#,repayments,1.00,,$,,,,,,",
    "@,2026-13-#,repayment,1.00,,$,,,,,,",
    /* one cell short, its ref one byte; one cell too many */
    "@,2026-01-#,repayment,1.00,7,,,,,,",
    "@,2026-01-#,repayment,1.00,,$,,,,,,,",
    /* a cell runs on into the next: the id, the date, the type */
    "@X2026-01-#,repayment,1.00,,$,,,,,,",
    "@,2026-01-#Xrepayment,1.00,,$,,,,,,",
    "@,2026-01-#,repaymentX1.00,,$,,,,,,"};

enum {
  ROWS_READ = 15,
  ROWS = sizeof written_rows / sizeof written_rows[0]
};

/* Appends the row of template t to text[*used..size). */
static void fill_row(char *text, size_t size, size_t *used, const char *t,
                     const char *id, int day, int position) {
  for (; *t != '\0'; t++) {
    char value[64];
    if (*t == '@') {
      snprintf(value, sizeof value, "%s", id);
    } else if (*t == '#') {
      snprintf(value, sizeof value, "%02d", day);
    } else if (*t == '$') {
      snprintf(value, sizeof value, "%d", position);
    } else if (*t == '%') {
      snprintf(value, sizeof value, "%d", position + 1);
    } else if (*t == '&') {
      snprintf(value, sizeof value, "%d", position + 10);
    } else {
      snprintf(value, sizeof value, "%c", *t);
    }
    *used += (size_t)snprintf(text + *used, size - *used, "%s", value);
  }
}

/* The text so far, exactly sized and malloc'd. */
static char *exact_copy(const char *text, size_t used) {
  char *exact = malloc(used + 1);
  assert_non_null(exact);
  memcpy(exact, text, used + 1);
  return exact;
}

static const char written_header[] =
    "loan_id,date,type,amount,ref,id,component,target,rate,term,"
    "grace_principal,installment";

/* Loan n's id: plain, the id before with a 0 after, quoted with a comma
 * or a quote, 16 and 17 bytes. */
static void written_id_text(char id[64], int n, uint64_t *seed) {
  char before[40];
  snprintf(before, sizeof before, "%.38s", id);
  switch (xorshift64(seed) % 7) {
    case 1: snprintf(id, 64, "%s0", before); break;
    case 2: snprintf(id, 64, "\"Q,%d\"", n); break;
    case 3: snprintf(id, 64, "\"Q\"\"%d\"", n); break;
    case 4: snprintf(id, 64, "L%015d", n); break;
    case 5: snprintf(id, 64, "L%016d", n); break;
    default: snprintf(id, 64, "L%d", n); break;
  }
}

/* A random journal of `loans` loans, lines ended by `ending`. */
static char *written_journal(const char *ending, uint64_t seed, int loans) {
  enum { SIZE = 1 << 16 };
  char *text = malloc(SIZE);
  assert_non_null(text);
  size_t used = (size_t)snprintf(text, SIZE, "%s%s", written_header, ending);
  char id[64] = "L0";
  for (int n = 1; n <= loans; n++) {
    written_id_text(id, n, &seed);
    int rows = 1 + (int)(xorshift64(&seed) % 14);
    for (int position = 1; position <= rows; position++) {
      uint64_t x = xorshift64(&seed) % 100;
      fill_row(text, SIZE, &used, written_rows[x < 75 ? 0 : x % ROWS_READ],
               id, 1 + (int)(x % 28), position);
      used += (size_t)snprintf(text + used, SIZE - used, "%s", ending);
    }
  }
  assert_true(used < SIZE);
  char *exact = exact_copy(text, used);
  free(text);
  return exact;
}

/* A journal with row t as row `position` of a loan whose first row writes
 * its id as `first` and the later ones as `later`, then `after` plain rows
 * of another loan (0: row t is the last line). */
static char *journal_with_row(const char *ending, const char *t,
                              const char *first, const char *later,
                              int position, int after) {
  enum { SIZE = 4096 };
  char text[SIZE];
  size_t used = (size_t)snprintf(text, SIZE, "%s%s", written_header, ending);
  for (int k = 1; k < position; k++) {
    fill_row(text, SIZE, &used, written_rows[0], k == 1 ? first : later, k,
             k);
    used += (size_t)snprintf(text + used, SIZE - used, "%s", ending);
  }
  fill_row(text, SIZE, &used, t, later, position, position);
  used += (size_t)snprintf(text + used, SIZE - used, "%s", ending);
  for (int k = 1; k <= after; k++) {
    fill_row(text, SIZE, &used, written_rows[0], "Z9", 3, k);
    used += (size_t)snprintf(text + used, SIZE - used, "%s", ending);
  }
  assert_true(used < SIZE);
  return exact_copy(text, used);
}

/* Reads lf and crlf alike, or fails saying which. */
static void expect_read_alike(char *a, char *b, size_t size, const char *lf,
                              const char *crlf, const char *what) {
  /* 16: room for a loan's rows at the two-digit positions */
  static const size_t capacities[] = {5, 8, 16};
  for (size_t c = 0; c < sizeof capacities / sizeof capacities[0]; c++) {
    size_t capacity = capacities[c];
    for (int sorted = 0; sorted <= 1; sorted++) {
      ml_journal_grouping g = sorted ? ML_JOURNAL_SORTED : ML_JOURNAL_GROUPED;
      describe_reading(a, size, lf, capacity, g, 0);
      describe_reading(b, size, crlf, capacity, g, 0);
      if (strcmp(a, b) != 0) {
        fail_msg("%s, capacity %zu, %s: LF and CRLF read differently", what,
                 capacity, sorted ? "sorted" : "grouped");
      }
    }
  }
}

static void reads_written_lines_as_the_csv_path(void **state) {
  (void)state;
  enum { DESCRIPTION = 1 << 20 };
  char *a = malloc(DESCRIPTION), *b = malloc(DESCRIPTION);
  assert_non_null(a && b);
  /* as the first row and the later ones write it: the quoted ids also
   * bare, as bytes that match the id but are not it */
  static const char *const ids[][2] = {
      {"L1", "L1"}, {"L000000000000001", "L000000000000001"},
      {"L0000000000000001", "L0000000000000001"}, {"\"Q,1\"", "Q,1"},
      {"\"Q\"\"1\"", "Q\"1"}};
  /* positions of one digit and of two, which are compared differently */
  static const int positions[] = {2, 12};
  for (size_t t = 0; t < ROWS; t++) {
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
      for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++) {
        for (int after = 0; after <= 3; after += 3) {
          char *lf = journal_with_row("\n", written_rows[t], ids[k][0],
                                      ids[k][1], positions[p], after);
          char *crlf = journal_with_row("\r\n", written_rows[t], ids[k][0],
                                        ids[k][1], positions[p], after);
          char what[160];
          snprintf(what, sizeof what, "row %s of %s at %d, %d rows after",
                   written_rows[t], ids[k][1], positions[p], after);
          expect_read_alike(a, b, DESCRIPTION, lf, crlf, what);
          free(lf);
          free(crlf);
        }
      }
    }
  }
  for (uint64_t seed = 1; seed <= 40; seed++) {
    char *lf = written_journal("\n", seed, 30);
    char *crlf = written_journal("\r\n", seed, 30);
    char what[64];
    snprintf(what, sizeof what, "seed %" PRIu64, seed);
    expect_read_alike(a, b, DESCRIPTION, lf, crlf, what);
    free(lf);
    free(crlf);
  }
  free(a);
  free(b);
}

/* A loan's second row whose line feed, at byte 63 (the last byte the
 * bytes path looks at), ends its sixth field: one field short of the
 * header's 12 at the very edge. (Found by the fuzzer: the check shifted a
 * word by 64.) The CSV path's error, at its line. */
static void reads_a_short_row_that_ends_at_the_edge(void **state) {
  (void)state;
  char row[64];
  int n = snprintf(row, sizeof row, "L1,2026-02-15,repayment,1.00,%s,2",
                   "R-012345678901234567890123456789");
  assert_int_equal(n, 63);
  char text[512];
  snprintf(text, sizeof text,
           "loan_id,date,type,amount,ref,id,component,target,rate,term,"
           "grace_principal,installment\n"
           "L1,2026-01-15,disbursement,250000.00,,1,,,,,,\n%s\n"
           "L2,2026-01-15,disbursement,250000.00,,1,,,,,,\n",
           row);
  expect_loan_error(text, NULL, 0, ML_EPARSE, "component", 3, 64,
                    "the record on line 3 has 6 fields but the header has 12",
                    "L1", 4);
}

static void recovers_after_a_rejected_loan(void **state) {
  (void)state;
  ml_journal_reader *r = open_journal(H5 "A,2026-01-15,repayment,1,\n"
                                         "A,2026-01-16,repayment,x,\n"
                                         "A,2026-01-17,repayment,1,\n"
                                         "B,2026-01-15,repayment,2,\n"
                                         "C,2026-01-15,repayment,1,\n"
                                         "C,2026-01-16,repayment,1,\n"
                                         "C,2026-01-17,repayment,1,\n"
                                         "D,2026-01-15,repayment,4,\n",
                                      NULL);
  ml_event e[2];
  char id[ML_LOAN_ID_SIZE];
  size_t count = 99;
  ml_error err;
  assert_int_equal(ml_journal_next_loan(r, id, e, NULL, 2, &count, &err),
                   ML_EPARSE);
  assert_int_equal(err.line, 3);
  assert_string_equal(id, "A");
  assert_int_equal(next_loan(r, id, e, NULL, 2), 1);
  assert_string_equal(id, "B");
  assert_int_equal(e[0].amount, 200);
  /* C has 3 events, the buffer 2: the third row is where it overflows */
  assert_int_equal(ml_journal_next_loan(r, id, e, NULL, 2, &count, &err),
                   ML_ELIMIT);
  expect_error(ML_ELIMIT, ML_ELIMIT, &err, "loan_id", 8, 1,
               "loan \"C\" has more than 2 events; at most 2 fit the "
               "caller's buffer");
  assert_string_equal(id, "C");
  assert_int_equal(next_loan(r, id, e, NULL, 2), 1);
  assert_string_equal(id, "D");
  assert_int_equal(e[0].amount, 400);
  assert_int_equal(next_loan(r, id, e, NULL, 2), 0);
  ml_journal_reader_free(r);

  /* a CSV error is final: the reader stops there. The loan before it
   * ends only where the next row begins, so the error comes first. */
  r = open_journal(H5 "A,2026-01-15,repayment,1,\nB,\"x,2026-01-15\n", NULL);
  for (int i = 0; i < 2; i++) {
    ml_status st = ml_journal_next_loan(r, id, e, NULL, 2, &count, &err);
    expect_error(st, ML_EPARSE, &err, "date", 3, 3,
                 "the quoted field starting here is never closed*");
  }
  ml_journal_reader_free(r);
}

/* ---- the journal writer -------------------------------------------------------- */

static ml_event make_event(int64_t id, ml_event_type type, const char *date,
                           ml_amount amount, const char *ref) {
  ml_event e;
  ml_event_init(&e, type, date_of(date), amount);
  e.id = id;
  snprintf(e.ref, sizeof e.ref, "%s", ref);
  return e;
}

static void writes_a_journal(void **state) {
  (void)state;
  ml_event e[6];
  e[0] = make_event(1, ML_EVENT_DISBURSEMENT, "2026-01-15", 25000000, "k 1");
  e[1] = make_event(2, ML_EVENT_REPAYMENT, "2026-02-15", 789188, "a,\"b\"");
  e[2] = make_event(3, ML_EVENT_WAIVER, "2026-03-01", 6000, "");
  e[2].component = ML_PENALTIES;
  e[3] = make_event(4, ML_EVENT_REVERSAL, "2026-03-02", 0, "");
  e[3].target = 2;
  e[4] = make_event(5, ML_EVENT_RESCHEDULE, "2026-04-15", 0, "");
  e[4].reschedule = (ml_reschedule){rate_of(65, 3), 24, 2, 500000};
  e[5] = make_event(6, ML_EVENT_WRITE_OFF, "2026-05-01", 77, ""); /* unused */
  e[5].target = 9;                                                  /* unused */
  FILE *f = tmpfile();
  assert_non_null(f);
  ml_error err;
  assert_int_equal(ml_journal_write_header(f), ML_OK);
  assert_int_equal(ml_journal_write_loan(f, "L,1", e, 6, ml_currency_default(),
                                         &err),
                   ML_OK);
  assert_int_equal(ml_journal_write_loan(f, "L2", e, 1, ml_currency_default(),
                                         &err),
                   ML_OK);
  char *text = contents(f);
  assert_string_equal(
      text,
      "loan_id,date,type,amount,ref,id,component,target,rate,term,"
      "grace_principal,installment\n"
      "\"L,1\",2026-01-15,disbursement,250000.00,k 1,1,,,,,,\n"
      "\"L,1\",2026-02-15,repayment,7891.88,\"a,\"\"b\"\"\",2,,,,,,\n"
      "\"L,1\",2026-03-01,waiver,60.00,,3,penalties,,,,,\n"
      "\"L,1\",2026-03-02,reversal,,,4,,2,,,,\n"
      "\"L,1\",2026-04-15,reschedule,,,5,,,6.5,24,2,5000.00\n"
      "\"L,1\",2026-05-01,write-off,,,6,,,,,,\n"
      "L2,2026-01-15,disbursement,250000.00,k 1,1,,,,,,\n");
  free(text);
  fclose(f);
}

/* Writing (id, events) must fail as described, writing nothing. */
static void expect_write_error(const char *id, const ml_event *e,
                               size_t count, const char *field, long line,
                               long column, const char *message) {
  FILE *f = tmpfile();
  assert_non_null(f);
  ml_error err;
  ml_status st = ml_journal_write_loan(f, id, e, count,
                                       ml_currency_default(), &err);
  expect_error(st, ML_EINVAL, &err, field, line, column, message);
  assert_int_equal(ftell(f), 0);
  fclose(f);
}

static void rejects_what_cannot_be_written(void **state) {
  (void)state;
  ml_event e[2];
  e[0] = make_event(1, ML_EVENT_REPAYMENT, "2026-01-15", 100, "");
  e[1] = make_event(2, ML_EVENT_REPAYMENT, "2026-01-16", 100, "");
  const char *length = "a loan id must be 1 to 63 bytes long";
  expect_write_error("", e, 2, "loan_id", 0, 0, length);
  char id64[65];
  memset(id64, 'i', 64);
  id64[64] = '\0';
  expect_write_error(id64, e, 2, "loan_id", 0, 0, length);
  expect_write_error("L\x01", e, 2, "loan_id", 0, 2,
                     "loan id \"L\x01\" has a control character (byte 0x01)");
  expect_write_error("L\xff", e, 2, "loan_id", 0, 2,
                     "loan id \"L\xff\" is not valid UTF-8");
  e[1].id = 5;
  expect_write_error("L", e, 2, "id", 2, 0,
                     "event 2 has the id 5; a journal's ids are 1, 2, 3... "
                     "in order of entry");
  e[1].id = 2;
  memset(e[1].ref, 'r', sizeof e[1].ref);
  expect_write_error("L", e, 2, "ref", 2, 0,
                     "event 2: ref is not NUL-terminated within 64 bytes");
  snprintf(e[1].ref, sizeof e[1].ref, "ok\xc3");
  expect_write_error("L", e, 2, "ref", 2, 3, "event 2: ref is not valid UTF-8");
  e[1].ref[0] = '\0';

  /* Values the reader could not read back as they are. */
  e[1].date = ML_DATE_MAX + 1;
  expect_write_error("L", e, 2, "date", 2, 0,
                     "event 2: date is outside 1900-01-01..2200-12-31, so it "
                     "could not be read back");
  e[1] = make_event(2, ML_EVENT_REVERSAL, "2026-01-16", 0, "");
  e[1].target = -5;
  expect_write_error("L", e, 2, "target", 2, 0,
                     "event 2: target is negative, so it could not be read "
                     "back");
  e[1] = make_event(2, ML_EVENT_RESCHEDULE, "2026-01-16", 0, "");
  e[1].reschedule.annual_rate = (ml_rate){12, 2};
  e[1].reschedule.installments = -3;
  expect_write_error("L", e, 2, "term", 2, 0,
                     "event 2: term is negative, so it could not be read back");
  e[1].reschedule.installments = 3;
  e[1].reschedule.grace_principal = -1;
  expect_write_error("L", e, 2, "grace_principal", 2, 0,
                     "event 2: grace_principal is negative, so it could not "
                     "be read back");
  e[1].reschedule.grace_principal = 0;
  e[1].reschedule.annual_rate = (ml_rate){10001, 3};
  expect_write_error("L", e, 2, "rate", 2, 0,
                     "event 2: rate is not a rate from 0 % to 1000 % with at "
                     "most 9 decimals, so it could not be read back");

  FILE *read_only = fopen("/dev/null", "r");
  if (read_only != NULL) {
    ml_error err;
    assert_int_equal(ml_journal_write_header(read_only), ML_EIO);
    ml_status st = ml_journal_write_loan(read_only, "L", e, 1,
                                         ml_currency_default(), &err);
    expect_error(st, ML_EIO, &err, "", 0, 0, "writing the journal failed");
    fclose(read_only);
  }
}

/* ---- journal round trips ------------------------------------------------------- */

/* Equal in what their type uses; the rest as ml_event_init leaves it. */
static int events_equal(const ml_event *a, const ml_event *b) {
  int same = a->id == b->id && a->type == b->type && a->date == b->date &&
             a->amount == b->amount && a->component == b->component &&
             a->target == b->target && strcmp(a->ref, b->ref) == 0;
  const ml_reschedule *x = &a->reschedule, *y = &b->reschedule;
  return same && ml_rate_equal(x->annual_rate, y->annual_rate) &&
         x->installments == y->installments &&
         x->grace_principal == y->grace_principal &&
         x->fixed_installment == y->fixed_installment;
}

/* What the journal reader makes of e: the fields e's type does not use
 * reset as ml_event_init sets them. */
static ml_event as_read(const ml_event *e) {
  ml_event r;
  ml_event_init(&r, e->type, e->date, e->type <= ML_EVENT_WAIVER ? e->amount : 0);
  r.id = e->id;
  memcpy(r.ref, e->ref, sizeof r.ref);
  if (e->type == ML_EVENT_WAIVER) r.component = e->component;
  if (e->type == ML_EVENT_REVERSAL) r.target = e->target;
  if (e->type == ML_EVENT_RESCHEDULE) r.reschedule = e->reschedule;
  return r;
}

/* Random UTF-8 text of at most max - 1 bytes, from pieces that CSV must
 * quote (or not) and multi-byte characters kept whole. */
static void random_text(char *buf, size_t max, int control, uint64_t *s) {
  static const char *const pieces[] = {"a", "Q", "7", " ", ",", "\"", "å",
                                       "€", "𝄞", "\n", "\r\n", "\t"};
  size_t kinds = control ? 12 : 9, n = (size_t)rand_range(s, 0, 20), used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    const char *p = pieces[rand_range(s, 0, (int64_t)kinds - 1)];
    if (used + strlen(p) >= max) break;
    strcpy(buf + used, p);
    used += strlen(p);
  }
}

/* Any event the writer can write, values anywhere in their types. */
static void random_event(ml_event *e, int64_t id, uint64_t *s) {
  ml_event_type type = (ml_event_type)rand_range(s, 0, 7);
  ml_date date = (ml_date)rand_range(s, ML_DATE_MIN, ML_DATE_MAX);
  ml_event_init(e, type, date, 0);
  e->id = id;
  random_text(e->ref, sizeof e->ref, 1, s);
  if (type <= ML_EVENT_WAIVER) e->amount = (int64_t)xorshift64(s);
  if (type == ML_EVENT_WAIVER) e->component = (ml_component)rand_range(s, 0, 3);
  if (type == ML_EVENT_REVERSAL) e->target = rand_range(s, 0, INT64_MAX);
  if (type != ML_EVENT_RESCHEDULE) return;
  int scale = (int)rand_range(s, 0, 11);
  int64_t most = 10;
  for (int i = 0; i < scale; i++) most *= 10;
  ml_reschedule *r = &e->reschedule;
  assert_int_equal(ml_rate_make(&r->annual_rate, rand_range(s, 0, most),
                                scale),
                   ML_OK);
  r->installments = (int32_t)rand_range(s, 0, INT32_MAX);
  r->grace_principal = (int32_t)rand_range(s, 0, INT32_MAX);
  r->fixed_installment = rand_range(s, 0, 3) ? 0 : (int64_t)xorshift64(s);
}

enum { JOURNAL_FILES = 200, MAX_LOANS = 6, LOAN_EVENTS = 30 };

typedef struct random_loan {
  char id[ML_LOAN_ID_SIZE];
  ml_event events[LOAN_EVENTS];
  size_t count;
} random_loan;

static void compare_read_back(ml_journal_reader *r, const random_loan *loans,
                              size_t count, uint64_t seed, int file) {
  ml_event e[LOAN_EVENTS];
  char id[ML_LOAN_ID_SIZE];
  for (size_t k = 0; k < count; k++) {
    size_t n = next_loan(r, id, e, NULL, LOAN_EVENTS);
    if (strcmp(id, loans[k].id) != 0 || n != loans[k].count) {
      fail_msg("seed %#llx file %d loan %zu: \"%s\" with %zu events, want "
               "\"%s\" with %zu",
               (unsigned long long)seed, file, k, id, n, loans[k].id,
               loans[k].count);
    }
    for (size_t i = 0; i < n; i++) {
      ml_event want = as_read(&loans[k].events[i]);
      if (!events_equal(&e[i], &want)) {
        fail_msg("seed %#llx file %d loan %zu event %zu (%s) differs",
                 (unsigned long long)seed, file, k, i,
                 ml_event_type_name(want.type));
      }
    }
  }
  assert_int_equal(next_loan(r, id, e, NULL, LOAN_EVENTS), 0);
}

/* Random journals written and read back (from memory and from the
 * FILE, grouped and sorted): the same loans, ids and events. */
static void journal_round_trip(void **state) {
  (void)state;
  const uint64_t seed = 0x6a726e6c7274ULL; /* "jrnlrt" */
  uint64_t s = seed;
  static random_loan loans[MAX_LOANS];
  for (int file = 0; file < JOURNAL_FILES; file++) {
    size_t count = (size_t)rand_range(&s, 1, MAX_LOANS);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ml_journal_write_header(f), ML_OK);
    for (size_t k = 0; k < count; k++) {
      random_loan *l = &loans[k];
      char tail[40];
      random_text(tail, sizeof tail, 0, &s);
      snprintf(l->id, sizeof l->id, "loan-%03zu%s", k, tail); /* ascending */
      l->count = (size_t)rand_range(&s, 1, LOAN_EVENTS);
      for (size_t i = 0; i < l->count; i++) {
        random_event(&l->events[i], (int64_t)i + 1, &s);
      }
      ml_error err;
      if (ml_journal_write_loan(f, l->id, l->events, l->count,
                                ml_currency_default(), &err) != ML_OK) {
        fail_msg("seed %#llx file %d: %s", (unsigned long long)seed, file,
                 err.message);
      }
    }
    char *text = contents(f);
    ml_journal_options options;
    ml_journal_options_init(&options);
    options.grouping = (ml_journal_grouping)(file % 2);
    ml_journal_reader *r = open_journal(text, &options);
    compare_read_back(r, loans, count, seed, file);
    ml_journal_reader_free(r);
    rewind(f);
    ml_error err;
    assert_int_equal(ml_journal_reader_new(&r, f, &options, &err), ML_OK);
    compare_read_back(r, loans, count, seed, file);
    ml_journal_reader_free(r);
    free(text);
    fclose(f);
  }
}

/* ---- status round trip: valid journals through the loan layer ----------------- */

enum { STATUS_LOANS = 120, CANDIDATES = 30, MAX_ROWS = ML_SCHEDULE_MAX_INSTALLMENTS + 1 };

/* A candidate event for the loan; the loan layer may reject it. */
static void candidate_event(ml_event *e, const ml_schedule_terms *t,
                            size_t entered, uint64_t *s) {
  ml_date d = t->disbursed + (ml_date)rand_range(s, 0, 500);
  int64_t kind = rand_range(s, 0, 19);
  if (kind < 10) {
    ml_event_init(e, ML_EVENT_REPAYMENT, d, rand_range(s, 1, t->principal / 4));
  } else if (kind < 12) {
    ml_event_init(e, kind == 10 ? ML_EVENT_FEE : ML_EVENT_PENALTY, d,
                  rand_range(s, 1, 10000));
  } else if (kind < 14) {
    ml_event_init(e, ML_EVENT_WAIVER, d, rand_range(s, 1, 5000));
    e->component = (ml_component)rand_range(s, 1, 3);
  } else if (kind < 17) {
    ml_event_init(e, ML_EVENT_REVERSAL, d, 0);
    e->target = rand_range(s, 1, (int64_t)entered + 1);
  } else if (kind < 19) {
    ml_event_init(e, ML_EVENT_RESCHEDULE, d, 0);
    int32_t n = (int32_t)rand_range(s, 1, 24);
    e->reschedule = (ml_reschedule){{rand_range(s, 0, 200), 3}, n,
                                    (int32_t)rand_range(s, 0, n - 1), 0};
  } else {
    ml_event_init(e, ML_EVENT_WRITE_OFF, d, 0);
  }
  random_text(e->ref, sizeof e->ref, 1, s);
}

static ml_loan *random_loan_with_journal(uint64_t *s) {
  ml_schedule_terms t;
  ml_loan_options o;
  random_loan_terms(&t, &o, s);
  ml_loan *loan = NULL;
  ml_error err;
  if (ml_loan_new(&loan, &t, &o, &err) != ML_OK) fail_msg("%s", err.message);
  if (rand_range(s, 0, 1)) { /* a disbursement event, or the terms' */
    ml_event e;
    ml_event_init(&e, ML_EVENT_DISBURSEMENT, t.disbursed, t.principal);
    assert_int_equal(ml_loan_append(loan, &e, NULL, &err), ML_OK);
  }
  for (int i = 0; i < CANDIDATES; i++) {
    ml_event e;
    candidate_event(&e, &t, ml_loan_event_count(loan), s);
    ml_status st = ml_loan_append(loan, &e, NULL, NULL);
    (void)st; /* a rejected event is left out */
  }
  return loan;
}

#define SAME(field)                                                         \
  if (a->field != b->field) fail_msg("%s: " #field " differs", where)

static void status_equal(const ml_loan_status *a, const ml_loan_status *b,
                         const ml_loan_installment *ra,
                         const ml_loan_installment *rb, const char *where) {
  SAME(as_of);
  SAME(state);
  SAME(days_past_due);
  SAME(overdue_since);
  SAME(arrears);
  SAME(next_due_date);
  SAME(next_due_amount);
  SAME(payoff);
  SAME(paid_total);
  SAME(credit_balance);
  SAME(written_off_total);
  SAME(closed_on);
  SAME(restructured);
  SAME(installment_count);
  for (int c = 0; c < ML_COMPONENTS; c++) SAME(outstanding[c]);
  for (size_t i = 0; i < a->installment_count; i++) {
    const ml_loan_installment *x = &ra[i], *y = &rb[i];
    int same = x->n == y->n && x->due_date == y->due_date;
    for (int c = 0; c < ML_COMPONENTS; c++) {
      same = same && x->due[c] == y->due[c] && x->paid[c] == y->paid[c] &&
             x->waived[c] == y->waived[c] &&
             x->written_off[c] == y->written_off[c] &&
             x->outstanding[c] == y->outstanding[c];
    }
    if (!same) fail_msg("%s: installment %zu differs", where, i);
  }
}
#undef SAME

/* The status at as_of of the loan's terms with the given journal. */
static void status_of(ml_loan_status *st, ml_loan_installment *rows,
                      const ml_loan *loan, const ml_event *events,
                      size_t count, ml_date as_of) {
  ml_error err;
  if (ml_loan_status_compute(st, rows, MAX_ROWS, ml_loan_terms(loan),
                             ml_loan_options_of(loan), events, count, as_of,
                             &err) != ML_OK) {
    fail_msg("status: %s", err.message);
  }
}

/* Valid journals written and read back give the same status, to the
 * minor unit, at dates across each loan's life. */
static void status_read_back_equals_status_written(void **state) {
  (void)state;
  const uint64_t seed = 0x737461747573ULL; /* "status" */
  uint64_t s = seed;
  static ml_loan *loans[STATUS_LOANS];
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(ml_journal_write_header(f), ML_OK);
  for (int k = 0; k < STATUS_LOANS; k++) {
    loans[k] = random_loan_with_journal(&s);
    char id[16];
    snprintf(id, sizeof id, "K%d", k);
    ml_error err;
    assert_int_equal(ml_journal_write_loan(f, id, ml_loan_events(loans[k]),
                                           ml_loan_event_count(loans[k]),
                                           ml_currency_default(), &err),
                     ML_OK);
  }
  rewind(f);
  ml_journal_reader *r = NULL;
  ml_error err;
  assert_int_equal(ml_journal_reader_new(&r, f, NULL, &err), ML_OK);
  static ml_event events[CANDIDATES + 1];
  static ml_loan_installment rows_a[MAX_ROWS], rows_b[MAX_ROWS];
  const int32_t offsets[] = {-1, 0, 40, 200, 400, 800, 2000};
  for (int k = 0; k < STATUS_LOANS; k++) {
    char id[ML_LOAN_ID_SIZE];
    size_t n = next_loan(r, id, events, NULL, CANDIDATES + 1);
    const ml_loan *loan = loans[k];
    assert_int_equal(n, ml_loan_event_count(loan));
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
      ml_date as_of = ml_loan_terms(loan)->disbursed + offsets[o];
      ml_loan_status a, b;
      status_of(&a, rows_a, loan, ml_loan_events(loan), n, as_of);
      status_of(&b, rows_b, loan, events, n, as_of);
      char where[96];
      snprintf(where, sizeof where, "seed %#llx loan %d (%zu events) as of +%d",
               (unsigned long long)seed, k, n, (int)offsets[o]);
      status_equal(&a, &b, rows_a, rows_b, where);
    }
  }
  char id[ML_LOAN_ID_SIZE];
  assert_int_equal(next_loan(r, id, events, NULL, CANDIDATES + 1), 0);
  ml_journal_reader_free(r);
  fclose(f);
  for (int k = 0; k < STATUS_LOANS; k++) ml_loan_free(loans[k]);
}

/* ---- CSV reports ------------------------------------------------------------- */

static void writes_reports(void **state) {
  (void)state;
  const ml_currency sek = ml_currency_default();
  FILE *f = tmpfile();
  assert_non_null(f);
  /* the anchor loan's first rows (README): 6121.05 + 1770.83 = 7891.88;
   * row 2 by hand: 243878.95 * 0.085 / 12 = 1727.4759 -> 1727.48, so
   * principal 7891.88 - 1727.48 = 6164.40 and balance 237714.55 */
  const ml_installment rows[2] = {
      {1, date_of("2026-02-15"), 0, 0, 612105, 177083, 0, 789188, 24387895, 0},
      {2, date_of("2026-03-15"), 0, 0, 616440, 172748, 0, 789188, 23771455, 0}};
  assert_int_equal(ml_schedule_write_csv(f, rows, 2, sek), ML_OK);
  char *text = contents(f);
  assert_string_equal(text,
                      "n,due_date,principal,interest,fees,total,balance\n"
                      "1,2026-02-15,6121.05,1770.83,0.00,7891.88,243878.95\n"
                      "2,2026-03-15,6164.40,1727.48,0.00,7891.88,237714.55\n");
  free(text);
  fclose(f);

  f = tmpfile();
  assert_non_null(f);
  ml_loan_status status;
  memset(&status, 0, sizeof status);
  status.installment_count = 1;
  ml_loan_installment row = {.n = 1,
                             .due_date = date_of("2026-02-15"),
                             .due = {612105, 177083, 6000, 100},
                             .paid = {612105, 100000, 0, 0},
                             .waived = {0, 0, 6000, 0},
                             .outstanding = {0, 77083, 0, 100}};
  assert_int_equal(ml_loan_status_write_csv(f, &status, &row, sek), ML_OK);
  text = contents(f);
  assert_string_equal(
      text,
      "n,due_date,due_principal,due_interest,due_fees,due_penalties,"
      "paid_principal,paid_interest,paid_fees,paid_penalties,"
      "waived_principal,waived_interest,waived_fees,waived_penalties,"
      "written_off_principal,written_off_interest,written_off_fees,"
      "written_off_penalties,outstanding_principal,outstanding_interest,"
      "outstanding_fees,outstanding_penalties\n"
      "1,2026-02-15,6121.05,1770.83,60.00,1.00,6121.05,1000.00,0.00,0.00,"
      "0.00,0.00,60.00,0.00,0.00,0.00,0.00,0.00,0.00,770.83,0.00,1.00\n");
  free(text);
  fclose(f);

  f = tmpfile();
  assert_non_null(f);
  const ml_posting postings[2] = {
      {1, date_of("2026-01-15"), ML_ACCOUNT_LOANS_RECEIVABLE, 25000000, 0},
      {1, date_of("2026-01-15"), ML_ACCOUNT_CASH, 0, 25000000}};
  assert_int_equal(ml_postings_write_csv(f, postings, 2, sek), ML_OK);
  text = contents(f);
  assert_string_equal(text,
                      "event_id,date,account,debit,credit\n"
                      "1,2026-01-15,loans-receivable,250000.00,0.00\n"
                      "1,2026-01-15,cash,0.00,250000.00\n");
  free(text);
  fclose(f);

  FILE *read_only = fopen("/dev/null", "r");
  if (read_only != NULL) {
    assert_int_equal(ml_schedule_write_csv(read_only, rows, 2, sek), ML_EIO);
    assert_int_equal(ml_loan_status_write_csv(read_only, &status, &row, sek),
                     ML_EIO);
    assert_int_equal(ml_postings_write_csv(read_only, postings, 2, sek),
                     ML_EIO);
    fclose(read_only);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_fields_and_columns_by_name),
      cmocka_unit_test(reads_quoted_fields),
      cmocka_unit_test(reads_crlf_bom_and_blank_lines),
      cmocka_unit_test(reads_at_the_limits),
      cmocka_unit_test(reads_the_longest_record),
      cmocka_unit_test(locates_bytes_in_fields),
      cmocka_unit_test(locates_fields_of_long_column_names),
      cmocka_unit_test(rejects_bad_headers),
      cmocka_unit_test(rejects_quotes_out_of_place),
      cmocka_unit_test(rejects_bad_line_endings_and_field_counts),
      cmocka_unit_test(rejects_beyond_limits),
      cmocka_unit_test(rejects_invalid_utf8),
      cmocka_unit_test(reads_files_and_reports_read_errors),
      cmocka_unit_test(writes_quotes_only_when_needed),
      cmocka_unit_test(write_then_read_random_records),
      cmocka_unit_test(reads_across_input_blocks),
      cmocka_unit_test(reads_plain_lines_across_blocks),
      cmocka_unit_test(counts_the_fields_of_plain_lines),
      cmocka_unit_test(reads_a_journal),
      cmocka_unit_test(reads_a_journal_from_a_file_in_another_currency),
      cmocka_unit_test(reads_sorted_journals),
      cmocka_unit_test(rejects_journal_headers),
      cmocka_unit_test(rejects_bad_values),
      cmocka_unit_test(rejects_values_by_type),
      cmocka_unit_test(rejects_bad_reschedules),
      cmocka_unit_test(rejects_bad_ids_and_refs),
      cmocka_unit_test(rejects_ungrouped_and_unsorted_loans),
      cmocka_unit_test(reads_common_rows_as_the_parsers),
      cmocka_unit_test(reads_lf_and_crlf_journals_the_same),
      cmocka_unit_test(reads_journal_files_across_blocks_the_same),
      cmocka_unit_test(reads_written_lines_as_the_csv_path),
      cmocka_unit_test(reads_a_short_row_that_ends_at_the_edge),
      cmocka_unit_test(recovers_after_a_rejected_loan),
      cmocka_unit_test(writes_a_journal),
      cmocka_unit_test(rejects_what_cannot_be_written),
      cmocka_unit_test(journal_round_trip),
      cmocka_unit_test(status_read_back_equals_status_written),
      cmocka_unit_test(writes_reports),
  };
  return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}

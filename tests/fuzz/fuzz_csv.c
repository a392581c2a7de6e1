/*
 * tests/fuzz/fuzz_csv.c — ml_csv_reader over arbitrary bytes.
 *
 * The input is the CSV text itself. Checked (io.h):
 *  - the reader over memory and the reader over a FILE of the same bytes
 *    read the same header, the same records and end the same way, down to
 *    the error's line, column, field and message;
 *  - each field is NUL-terminated with no NUL inside and its length is
 *    ml_csv_field_length; every record has the header's column count;
 *    header names are unique and ml_csv_column_find finds each;
 *    ml_csv_locate gives a position on or after the record's line;
 *  - an error is final: ml_csv_next repeats it;
 *  - what was read, written back with ml_csv_write_record (LF or CRLF,
 *    by the input's length), reads back the same.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

/* Everything a reader produced, flattened: per record its field count,
 * then each field's length and bytes. */
typedef struct transcript {
  unsigned char *bytes;
  size_t len, cap;
  size_t records;
  ml_status end;   /* ML_OK at the end of the input, or the error */
  ml_error error;  /* when end is not ML_OK */
} transcript;

static void put(transcript *t, const void *p, size_t n) {
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + n) cap *= 2;
    unsigned char *bigger = realloc(t->bytes, cap);
    if (bigger == NULL) abort();
    t->bytes = bigger;
    t->cap = cap;
  }
  if (n > 0) memcpy(t->bytes + t->len, p, n);
  t->len += n;
}

/* The current record (the header before the first ml_csv_next). */
static void put_record(transcript *t, const ml_csv_reader *r, size_t fields) {
  put(t, &fields, sizeof fields);
  for (size_t i = 0; i < fields; i++) {
    const char *text = ml_csv_field(r, i);
    size_t len = ml_csv_field_length(r, i);
    FUZZ_CHECK(text[len] == '\0' && strlen(text) == len);
    FUZZ_CHECK(len <= ML_CSV_MAX_FIELD);
    put(t, &len, sizeof len);
    put(t, text, len);
  }
  t->records++;
}

static void check_header(const ml_csv_reader *r) {
  size_t columns = ml_csv_column_count(r);
  FUZZ_CHECK(columns >= 1 && columns <= ML_CSV_MAX_COLUMNS);
  for (size_t i = 0; i < columns; i++) {
    const char *name = ml_csv_column_name(r, i);
    FUZZ_CHECK(name[0] != '\0');
    FUZZ_CHECK(strcmp(name, ml_csv_field(r, i)) == 0);
    FUZZ_CHECK(ml_csv_column_find(r, name) == i);
  }
}

static void check_locate(const ml_csv_reader *r, size_t columns) {
  long line = ml_csv_record_line(r);
  FUZZ_CHECK(line >= 1);
  for (size_t i = 0; i < columns; i += 1 + columns / 4) {
    size_t len = ml_csv_field_length(r, i);
    size_t offsets[3] = {0, 1, len + 1};
    for (int k = 0; k < 3; k++) {
      ml_error err;
      ml_error_clear(&err);
      ml_csv_locate(r, i, offsets[k], &err);
      FUZZ_CHECK(err.line >= line && err.column >= 1);
      /* the column's name, cut to fit the field */
      FUZZ_CHECK(strncmp(err.field, ml_csv_column_name(r, i),
                         sizeof err.field - 1) == 0);
    }
  }
}

static void check_failure(ml_status st, const ml_error *err) {
  FUZZ_CHECK(st == ML_EPARSE || st == ML_ELIMIT);
  FUZZ_CHECK(err->code == st && err->message[0] != '\0');
  FUZZ_CHECK(err->line >= 0 && err->column >= 0);
}

/* Reads everything the reader gives into t, checking as it goes. */
static void drain(transcript *t, ml_csv_reader *r, ml_status made,
                  const ml_error *made_err, int check) {
  memset(t, 0, sizeof *t);
  if (made != ML_OK) {
    t->end = made;
    t->error = *made_err;
    if (check) check_failure(made, made_err);
    return;
  }
  size_t columns = ml_csv_column_count(r);
  if (check) check_header(r);
  put_record(t, r, columns);
  for (;;) {
    int has = 0;
    ml_error err;
    ml_status st = ml_csv_next(r, &has, &err);
    if (st != ML_OK) {
      t->end = st;
      t->error = err;
      if (check) {
        check_failure(st, &err);
        ml_error again;
        FUZZ_CHECK(ml_csv_next(r, &has, &again) == st && has == 0);
        FUZZ_CHECK(memcmp(&again, &err, sizeof err) == 0);
      }
      return;
    }
    if (!has) return;
    if (check) check_locate(r, columns);
    put_record(t, r, columns);
  }
}

static int same_error(const ml_error *a, const ml_error *b) {
  return a->code == b->code && a->line == b->line && a->column == b->column &&
         strcmp(a->field, b->field) == 0 && strcmp(a->message, b->message) == 0;
}

static void check_same(const transcript *a, const transcript *b) {
  FUZZ_CHECK(a->records == b->records);
  FUZZ_CHECK(a->len == b->len && (a->len == 0 ||
                                  memcmp(a->bytes, b->bytes, a->len) == 0));
  FUZZ_CHECK(a->end == b->end);
  if (a->end != ML_OK) FUZZ_CHECK(same_error(&a->error, &b->error));
}

/* Writes the records of t as CSV into a malloc'ed buffer. */
static char *write_back(const transcript *t, size_t *size,
                        ml_csv_newline newline) {
  char *out = NULL;
  FILE *f = open_memstream(&out, size);
  FUZZ_CHECK(f != NULL);
  const unsigned char *p = t->bytes;
  const char **fields = NULL;
  char **copies = NULL;
  for (size_t r = 0; r < t->records; r++) {
    size_t count;
    memcpy(&count, p, sizeof count);
    p += sizeof count;
    fields = realloc(fields, count * sizeof *fields);
    copies = realloc(copies, count * sizeof *copies);
    FUZZ_CHECK(fields != NULL && copies != NULL);
    for (size_t i = 0; i < count; i++) {
      size_t len;
      memcpy(&len, p, sizeof len);
      p += sizeof len;
      copies[i] = malloc(len + 1);
      FUZZ_CHECK(copies[i] != NULL);
      memcpy(copies[i], p, len);
      copies[i][len] = '\0';
      fields[i] = copies[i];
      p += len;
    }
    FUZZ_CHECK(ml_csv_write_record(f, fields, count, newline) == ML_OK);
    for (size_t i = 0; i < count; i++) free(copies[i]);
  }
  free(fields);
  free(copies);
  FUZZ_CHECK(fclose(f) == 0);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ml_csv_reader *r = NULL;
  ml_error err;
  ml_status st = ml_csv_reader_new_memory(&r, data, size, &err);
  FUZZ_CHECK((st == ML_OK) == (r != NULL));
  transcript from_memory;
  drain(&from_memory, r, st, &err, 1);
  ml_csv_reader_free(r);

  /* the same bytes through a FILE */
  if (size > 0) {
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "r");
    FUZZ_CHECK(f != NULL);
    st = ml_csv_reader_new(&r, f, &err);
    transcript from_file;
    drain(&from_file, r, st, &err, 0);
    ml_csv_reader_free(r);
    fclose(f);
    check_same(&from_memory, &from_file);
    free(from_file.bytes);
  }

  /* what was read, written and read again */
  if (from_memory.end == ML_OK) {
    size_t len = 0;
    char *text = write_back(&from_memory, &len,
                            (size & 1) ? ML_CSV_CRLF : ML_CSV_LF);
    st = ml_csv_reader_new_memory(&r, text, len, &err);
    transcript again;
    drain(&again, r, st, &err, 1);
    ml_csv_reader_free(r);
    check_same(&from_memory, &again);
    free(again.bytes);
    free(text);
  }
  free(from_memory.bytes);
  return 0;
}

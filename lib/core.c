/* lib/core.c — status names, the error record, version, assertions and
 * checked int64 arithmetic. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct status_entry {
  ml_status status;
  const char *name;
  const char *description;
} status_entry;

static const status_entry status_table[] = {
    {ML_OK, "ML_OK", "success"},
    {ML_EINVAL, "ML_EINVAL", "a value is not allowed (unknown name, bad combination)"},
    {ML_EPARSE, "ML_EPARSE", "text is not in the expected form"},
    {ML_ERANGE, "ML_ERANGE", "a value is outside the supported range"},
    {ML_ELIMIT, "ML_ELIMIT", "input beyond a documented limit"},
    {ML_ENOMEM, "ML_ENOMEM", "an allocation failed"},
    {ML_EOVERFLOW, "ML_EOVERFLOW", "an exact result does not fit in its type"},
    {ML_EBUFFER, "ML_EBUFFER", "a caller-provided buffer is too small"},
    {ML_ESTATE, "ML_ESTATE", "not allowed in the current state"},
    {ML_ENOTFOUND, "ML_ENOTFOUND", "a named thing does not exist"},
    {ML_EIO, "ML_EIO", "reading or writing a file failed"},
    {ML_ENOROOT, "ML_ENOROOT", "an equation has no root in the searched interval"},
};

static const status_entry *status_lookup(ml_status status) {
  for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++) {
    if (status_table[i].status == status) return &status_table[i];
  }
  return NULL;
}

const char *ml_status_name(ml_status status) {
  const status_entry *e = status_lookup(status);
  return e ? e->name : "ML_UNKNOWN";
}

const char *ml_status_describe(ml_status status) {
  const status_entry *e = status_lookup(status);
  return e ? e->description : "unknown status";
}

void ml_error_clear(ml_error *err) {
  ML_ASSERT(err != NULL);
  memset(err, 0, sizeof *err);
  err->code = ML_OK;
}

size_t ml_utf8_cut(const char *text, size_t n) {
  ML_ASSERT(text != NULL || n == 0);
  size_t lead = n;
  /* back over at most three continuation bytes to the sequence's lead */
  while (lead > 0 && n - lead < 3 &&
         ((unsigned char)text[lead - 1] & 0xC0) == 0x80) {
    lead--;
  }
  if (lead == 0) return n;
  unsigned char b = (unsigned char)text[lead - 1];
  size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  return n - (lead - 1) < length ? lead - 1 : n;
}

static void copy_truncated(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) n = ml_utf8_cut(src, size - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

ml_status ml_error_set(ml_error *err, ml_status code, const char *field,
                       long line, long column, const char *fmt, ...) {
  if (err == NULL) return code;
  err->code = code;
  copy_truncated(err->field, sizeof err->field, field ? field : "");
  err->line = line;
  err->column = column;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof err->message) { /* cut: not inside a character */
    err->message[ml_utf8_cut(err->message, sizeof err->message - 1)] = '\0';
  }
  return code;
}

void ml_quote_input(char *buf, size_t size, const char *text) {
  enum { SHOWN = 40 };
  ML_ASSERT(size >= SHOWN + 8);
  size_t n = strlen(text);
  if (n <= SHOWN) {
    snprintf(buf, size, "\"%s\"", text);
  } else {
    snprintf(buf, size, "\"%.*s...\"", (int)ml_utf8_cut(text, SHOWN), text);
  }
}

/* The index of text in names[0..count) (exact, case-sensitive), or -1:
 * the lookup of every name parser. The first byte first: the journal
 * reader names a type per row. */
static int name_index(const char *const *names, size_t count,
                      const char *text) {
  for (size_t i = 0; i < count; i++) {
    if (names[i][0] == text[0] && strcmp(names[i], text) == 0) return (int)i;
  }
  return -1;
}

ml_status ml_parse_name(int *index, const char *const *names, size_t count,
                        const char *text, const char *field, const char *what,
                        ml_error *err) {
  ML_ASSERT(index != NULL && text != NULL);
  *index = name_index(names, count, text);
  if (*index >= 0) return ML_OK;
  char list[256] = "";
  size_t used = 0;
  for (size_t i = 0; i < count; i++) {
    const int n = snprintf(list + used, sizeof list - used, "%s%s",
                           i ? ", " : "", names[i]);
    ML_ASSERT(n > 0 && (size_t)n < sizeof list - used);
    used += (size_t)n;
  }
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, text);
  return ml_error_set(err, ML_EINVAL, field, 0, 0,
                      "unknown %s %s: expected one of %s", what, quoted, list);
}

const char *ml_version_string(void) { return ML_VERSION_STRING; }

int ml_version_number(void) { return ML_VERSION_NUMBER; }

void ml_assert_fail(const char *expr, const char *file, int line) {
  fprintf(stderr, "mikrolan: assertion failed: %s (%s:%d)\n", expr, file,
          line);
  abort();
}

ml_status ml_int64_add(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return ML_EOVERFLOW;
  *out = r;
  return ML_OK;
}

ml_status ml_int64_sub(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return ML_EOVERFLOW;
  *out = r;
  return ML_OK;
}

ml_status ml_int64_mul(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return ML_EOVERFLOW;
  *out = r;
  return ML_OK;
}

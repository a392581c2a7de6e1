/* cli/json_output.c — the JSON writer of cli/json_output.h. */
#include "json_output.h"

void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\') {
      fputc('\\', out);
      fputc(*p, out);
    } else if (*p == '\n') {
      fputs("\\n", out);
    } else if (*p < 0x20) {
      fprintf(out, "\\u%04x", *p);
    } else {
      fputc(*p, out);
    }
  }
  fputc('"', out);
}

void json_key(json_object *o, const char *key) {
  if (o->members++ > 0) fputc(',', o->out);
  if (o->indent != NULL) fprintf(o->out, "\n%s", o->indent);
  json_string(o->out, key);
  fputs(o->indent != NULL ? ": " : ":", o->out);
}

void json_text(json_object *o, const char *key, const char *value) {
  json_key(o, key);
  if (value == NULL) {
    fputs("null", o->out);
  } else {
    json_string(o->out, value);
  }
}

void json_int(json_object *o, const char *key, long value) {
  json_key(o, key);
  fprintf(o->out, "%ld", value);
}

void json_bool(json_object *o, const char *key, int value) {
  json_key(o, key);
  fputs(value ? "true" : "false", o->out);
}

void json_amount(json_object *o, const char *key, ml_amount a,
                 ml_currency cur) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  ML_ASSERT(ml_amount_format(buf, sizeof buf, a, cur) == ML_OK);
  json_text(o, key, buf);
}

void json_date(json_object *o, const char *key, ml_date d) {
  char buf[ML_DATE_FORMAT_SIZE];
  if (d != ML_DATE_NONE) {
    ML_ASSERT(ml_date_format(buf, sizeof buf, d) == ML_OK);
  }
  json_text(o, key, d != ML_DATE_NONE ? buf : NULL);
}

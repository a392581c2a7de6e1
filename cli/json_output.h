/*
 * cli/json_output.h — a small JSON writer for the commands' --format json:
 * objects written member by member, strings escaped, amounts as exact
 * decimal strings (never JSON numbers), dates as "YYYY-MM-DD" or null.
 * Write errors stay in the stream for cli_finish_output to report.
 */
#ifndef MIKROLAN_CLI_JSON_OUTPUT_H
#define MIKROLAN_CLI_JSON_OUTPUT_H

#include <stdio.h>

#include "mikrolan.h"

/* An object being written; members go on their own lines indented by
 * `indent` when it is not NULL, else all on one line. Write the '{' and
 * '}' around the members yourself. */
typedef struct json_object {
  FILE *out;
  const char *indent;
  int members;
} json_object;

/* A JSON string: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) as they are. */
void json_string(FILE *out, const char *s);

/* The separator and "key": of the next member; its value comes next. */
void json_key(json_object *o, const char *key);

void json_text(json_object *o, const char *key, const char *value); /* NULL: null */
void json_int(json_object *o, const char *key, long value);
void json_bool(json_object *o, const char *key, int value);
void json_amount(json_object *o, const char *key, ml_amount a,
                 ml_currency cur);
void json_date(json_object *o, const char *key, ml_date d); /* ML_DATE_NONE: null */

#endif /* MIKROLAN_CLI_JSON_OUTPUT_H */

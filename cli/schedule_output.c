/* cli/schedule_output.c — CSV, JSON and table output of a schedule. */
#include "schedule_output.h"

#include <string.h>

#include "options.h"

/* Every formatter writes into buffers sized by the library's own
 * constants, so a failure would be a broken invariant, not bad input. */
static void format_rate(char buf[ML_RATE_FORMAT_SIZE], ml_rate r) {
  ML_ASSERT(ml_rate_format_percent(buf, ML_RATE_FORMAT_SIZE, r) == ML_OK);
}

enum { FREQUENCY_SIZE = 16 };

static void format_frequency(char buf[FREQUENCY_SIZE], ml_frequency f) {
  ML_ASSERT(ml_frequency_format(buf, FREQUENCY_SIZE, f) == ML_OK);
}

ml_status schedule_totals_of(schedule_totals *out, const ml_schedule *s) {
  schedule_totals sum = {0, 0, 0, 0};
  const ml_installment *rows = ml_schedule_rows(s);
  for (size_t i = 0; i < ml_schedule_count(s); i++) {
    if (ml_int64_add(&sum.principal, sum.principal, rows[i].principal) ||
        ml_int64_add(&sum.interest, sum.interest, rows[i].interest) ||
        ml_int64_add(&sum.fees, sum.fees, rows[i].fees) ||
        ml_int64_add(&sum.total, sum.total, rows[i].total)) {
      return ML_EOVERFLOW;
    }
  }
  *out = sum;
  return ML_OK;
}

/* ---- CSV --------------------------------------------------------------- */

void schedule_write_csv(FILE *out, const ml_schedule *s) {
  const ml_currency cur = ml_schedule_terms_of(s)->currency;
  const ml_installment *rows = ml_schedule_rows(s);
  fputs("n,due_date,principal,interest,fees,total,balance\n", out);
  for (size_t i = 0; i < ml_schedule_count(s); i++) {
    char due[ML_DATE_FORMAT_SIZE], p[ML_AMOUNT_FORMAT_SIZE],
        in[ML_AMOUNT_FORMAT_SIZE], f[ML_AMOUNT_FORMAT_SIZE],
        t[ML_AMOUNT_FORMAT_SIZE], b[ML_AMOUNT_FORMAT_SIZE];
    cli_format_date(due, rows[i].due_date);
    cli_format_amount(p, rows[i].principal, cur);
    cli_format_amount(in, rows[i].interest, cur);
    cli_format_amount(f, rows[i].fees, cur);
    cli_format_amount(t, rows[i].total, cur);
    cli_format_amount(b, rows[i].balance, cur);
    fprintf(out, "%d,%s,%s,%s,%s,%s,%s\n", (int)rows[i].n, due, p, in, f, t,
            b);
  }
}

/* ---- JSON -------------------------------------------------------------- */

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\') {
      fputc('\\', out);
      fputc(*p, out);
    } else if (*p < 0x20) {
      fprintf(out, "\\u%04x", *p);
    } else {
      fputc(*p, out);
    }
  }
  fputc('"', out);
}

/* An object being written member by member; members go on their own
 * indented lines when indent is not NULL, else on one line. */
typedef struct json_object {
  FILE *out;
  const char *indent;
  int members;
} json_object;

static void json_key(json_object *o, const char *key) {
  if (o->members++ > 0) fputc(',', o->out);
  if (o->indent != NULL) fprintf(o->out, "\n%s", o->indent);
  json_string(o->out, key);
  fputs(o->indent != NULL ? ": " : ":", o->out);
}

static void json_text(json_object *o, const char *key, const char *value) {
  json_key(o, key);
  if (value == NULL) {
    fputs("null", o->out);
  } else {
    json_string(o->out, value);
  }
}

static void json_int(json_object *o, const char *key, long value) {
  json_key(o, key);
  fprintf(o->out, "%ld", value);
}

static void json_amount(json_object *o, const char *key, ml_amount a,
                        ml_currency cur) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  cli_format_amount(buf, a, cur);
  json_text(o, key, buf);
}

static void json_date(json_object *o, const char *key, ml_date d) {
  char buf[ML_DATE_FORMAT_SIZE];
  if (d != ML_DATE_NONE) cli_format_date(buf, d);
  json_text(o, key, d != ML_DATE_NONE ? buf : NULL);
}

/* The upfront fee as the flag spells it: an amount, or "P%". */
static void json_upfront_fee(json_object *o, const ml_schedule_terms *t) {
  if (t->upfront_fee_kind == ML_FEE_AMOUNT) {
    json_amount(o, "upfront-fee", t->upfront_fee, t->currency);
    return;
  }
  char buf[ML_RATE_FORMAT_SIZE + 1];
  format_rate(buf, t->upfront_fee_rate);
  size_t used = strlen(buf);
  snprintf(buf + used, sizeof buf - used, "%%");
  json_text(o, "upfront-fee", buf);
}

static const char *interest_name(const ml_schedule_terms *t) {
  return t->interest_basis == ML_INTEREST_PER_PERIOD
             ? "per-period"
             : ml_day_count_name(t->day_count);
}

/* The terms that shape the loan: amounts, rate, term and methods. */
static void json_loan_terms(json_object *o, const ml_schedule_terms *t) {
  char rate[ML_RATE_FORMAT_SIZE], freq[FREQUENCY_SIZE];
  format_rate(rate, t->annual_rate);
  format_frequency(freq, t->frequency);
  json_amount(o, "principal", t->principal, t->currency);
  json_text(o, "rate", rate);
  json_int(o, "term", t->installments);
  json_text(o, "frequency", freq);
  json_text(o, "method", ml_method_name(t->method));
  json_text(o, "interest", interest_name(t));
  json_date(o, "disbursed", t->disbursed);
  json_date(o, "first-due", t->first_due);
  json_int(o, "grace-principal", t->grace_principal);
  json_int(o, "grace-interest", t->grace_interest);
  json_int(o, "interest-free", t->interest_free);
  json_text(o, "rounding", ml_rounding_name(t->rounding));
}

/* The remaining terms: fees, calendar, product limit and currency. */
static void json_other_terms(json_object *o, const ml_schedule_terms *t) {
  json_amount(o, "installment-multiple", t->installment_multiple,
              t->currency);
  json_upfront_fee(o, t);
  json_amount(o, "installment-fee", t->installment_fee, t->currency);
  json_text(o, "calendar", ml_calendar_kind_name(t->calendar.kind));
  json_text(o, "business-day", ml_business_day_name(t->business_day));
  json_key(o, "adjusted-interest-periods");
  fputs(t->adjusted_interest_periods ? "true" : "false", o->out);
  json_amount(o, "max-principal", t->max_principal, t->currency);
  json_text(o, "currency", t->currency.code);
}

static void json_row(FILE *out, const ml_installment *r, ml_currency cur) {
  json_object o = {out, NULL, 0};
  fputc('{', out);
  json_int(&o, "n", r->n);
  json_date(&o, "due_date", r->due_date);
  json_amount(&o, "principal", r->principal, cur);
  json_amount(&o, "interest", r->interest, cur);
  json_amount(&o, "fees", r->fees, cur);
  json_amount(&o, "total", r->total, cur);
  json_amount(&o, "balance", r->balance, cur);
  fputc('}', out);
}

static void json_totals(FILE *out, const schedule_totals *t,
                        ml_currency cur) {
  json_object o = {out, NULL, 0};
  fputc('{', out);
  json_amount(&o, "principal", t->principal, cur);
  json_amount(&o, "interest", t->interest, cur);
  json_amount(&o, "fees", t->fees, cur);
  json_amount(&o, "total", t->total, cur);
  fputc('}', out);
}

void schedule_write_json(FILE *out, const ml_schedule *s,
                         const schedule_totals *totals) {
  const ml_schedule_terms *t = ml_schedule_terms_of(s);
  json_object terms = {out, "    ", 0};
  fputs("{\n  \"terms\": {", out);
  json_loan_terms(&terms, t);
  json_other_terms(&terms, t);
  fputs("\n  },\n  \"rows\": [", out);
  const ml_installment *rows = ml_schedule_rows(s);
  for (size_t i = 0; i < ml_schedule_count(s); i++) {
    fputs(i > 0 ? ",\n    " : "\n    ", out);
    json_row(out, &rows[i], t->currency);
  }
  fputs("\n  ],\n  \"totals\": ", out);
  json_totals(out, totals, t->currency);
  fputs("\n}\n", out);
}

/* ---- table ------------------------------------------------------------- */

enum { COLUMNS = 7, CELL_SIZE = ML_AMOUNT_FORMAT_SIZE, DATE_COLUMN = 1 };
typedef char table_row[COLUMNS][CELL_SIZE];

static const char *const table_header[COLUMNS] = {
    "n", "due date", "principal", "interest", "fees", "total", "balance"};

static void header_cells(table_row cells) {
  for (int c = 0; c < COLUMNS; c++) {
    snprintf(cells[c], CELL_SIZE, "%s", table_header[c]);
  }
}

static void row_cells(table_row cells, const ml_installment *r,
                      ml_currency cur) {
  snprintf(cells[0], CELL_SIZE, "%d", (int)r->n);
  cli_format_date(cells[1], r->due_date);
  cli_format_amount_sv(cells[2], r->principal, cur);
  cli_format_amount_sv(cells[3], r->interest, cur);
  cli_format_amount_sv(cells[4], r->fees, cur);
  cli_format_amount_sv(cells[5], r->total, cur);
  cli_format_amount_sv(cells[6], r->balance, cur);
}

static void totals_cells(table_row cells, const schedule_totals *t,
                         ml_currency cur) {
  cells[0][0] = '\0';
  snprintf(cells[1], CELL_SIZE, "total");
  cli_format_amount_sv(cells[2], t->principal, cur);
  cli_format_amount_sv(cells[3], t->interest, cur);
  cli_format_amount_sv(cells[4], t->fees, cur);
  cli_format_amount_sv(cells[5], t->total, cur);
  cells[6][0] = '\0';
}

static void widen(size_t widths[COLUMNS], table_row cells) {
  for (int c = 0; c < COLUMNS; c++) {
    size_t len = strlen(cells[c]);
    if (len > widths[c]) widths[c] = len;
  }
}

/* One line: the date column left-aligned, the others right-aligned, two
 * spaces between columns, no trailing spaces. */
static void print_cells(FILE *out, const size_t widths[COLUMNS],
                        table_row cells) {
  char line[COLUMNS * (CELL_SIZE + 2) + 1];
  size_t used = 0;
  for (int c = 0; c < COLUMNS; c++) {
    int w = (int)widths[c];
    used += (size_t)snprintf(line + used, sizeof line - used,
                             c == DATE_COLUMN ? "%s%-*s" : "%s%*s",
                             c > 0 ? "  " : "", w, cells[c]);
  }
  while (used > 0 && line[used - 1] == ' ') used--;
  fprintf(out, "%.*s\n", (int)used, line);
}

static void print_rule(FILE *out, const size_t widths[COLUMNS]) {
  size_t total = 2 * (size_t)(COLUMNS - 1);
  for (int c = 0; c < COLUMNS; c++) total += widths[c];
  for (size_t i = 0; i < total; i++) fputc('-', out);
  fputc('\n', out);
}

/* "36 monthly installments", or "36 installments every 10 days" for a
 * frequency that has no name. */
static void print_term(FILE *out, const ml_schedule_terms *t) {
  static const char *const units[] = {"day", "week", "month"};
  char freq[FREQUENCY_SIZE];
  format_frequency(freq, t->frequency);
  const char *plural = t->installments == 1 ? "" : "s";
  if (freq[0] < '0' || freq[0] > '9') {
    fprintf(out, "%d %s installment%s", (int)t->installments, freq, plural);
    return;
  }
  fprintf(out, "%d installment%s every %d %s%s", (int)t->installments,
          plural, (int)t->frequency.every, units[t->frequency.unit],
          t->frequency.every == 1 ? "" : "s");
}

/* "250 000,00 SEK at 8,5 % nominal annual rate, 36 monthly installments,
 * annuity, disbursed 2026-01-15": Swedish decimal commas throughout. */
static void print_summary(FILE *out, const ml_schedule_terms *t) {
  char principal[ML_AMOUNT_FORMAT_SIZE], rate[ML_RATE_FORMAT_SIZE],
      disbursed[ML_DATE_FORMAT_SIZE];
  cli_format_amount_sv(principal, t->principal, t->currency);
  format_rate(rate, t->annual_rate);
  char *mark = strchr(rate, '.');
  if (mark != NULL) *mark = ',';
  cli_format_date(disbursed, t->disbursed);
  fprintf(out, "%s %s at %s %% nominal annual rate, ", principal,
          t->currency.code, rate);
  print_term(out, t);
  fprintf(out, ", %s, disbursed %s\n", ml_method_name(t->method), disbursed);
}

void schedule_write_table(FILE *out, const ml_schedule *s,
                          const schedule_totals *totals) {
  const ml_schedule_terms *t = ml_schedule_terms_of(s);
  const ml_installment *rows = ml_schedule_rows(s);
  size_t widths[COLUMNS] = {0};
  table_row cells;
  header_cells(cells);
  widen(widths, cells);
  for (size_t i = 0; i < ml_schedule_count(s); i++) {
    row_cells(cells, &rows[i], t->currency);
    widen(widths, cells);
  }
  table_row sums;
  totals_cells(sums, totals, t->currency);
  widen(widths, sums);

  print_summary(out, t);
  fputc('\n', out);
  header_cells(cells);
  print_cells(out, widths, cells);
  print_rule(out, widths);
  for (size_t i = 0; i < ml_schedule_count(s); i++) {
    row_cells(cells, &rows[i], t->currency);
    print_cells(out, widths, cells);
  }
  print_rule(out, widths);
  print_cells(out, widths, sums);
}

/*
 * bench/peers/installments.c — every loan's installments, as CSV, for the
 * SQL engines of bench/peers/par_peers.py.
 *
 *   installments LOANS.CSV OUT.CSV
 *
 * Reads a loans file of `mikrolan par` (the columns loan_id, principal,
 * rate, term, frequency, method, interest and disbursed_on, each cell read
 * as the `mikrolan schedule` flag of the same name reads its value) with
 * the public CSV reader, computes each loan's schedule with
 * ml_schedule_compute and writes one row per installment:
 *
 *   loan_id,n,due_date,principal,interest,total
 *
 * amounts in major units with the currency's two decimals ("1234.50"), so
 * that the engines' SQL works on exactly the rows `mikrolan par` works on.
 * The other term columns of a loans file (first_due, grace_principal,
 * upfront_fee, ...) would change a schedule or add fees, which the peers'
 * SQL does not model: a loans file with one of them is refused. Any other
 * column (kommun, gender, ...) is left alone. The first bad cell stops the
 * run with its line and column (exit status 2).
 *
 * This program prepares the SQL engines' input; the benchmark does not
 * count its time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mikrolan.h>

enum {
  COL_ID,
  COL_PRINCIPAL,
  COL_RATE,
  COL_TERM,
  COL_FREQUENCY,
  COL_METHOD,
  COL_INTEREST,
  COL_DISBURSED,
  COLS
};

static const char *const required_columns[COLS] = {
    "loan_id", "principal", "rate",     "term",
    "frequency", "method",  "interest", "disbursed_on"};

/* Term columns that would change a schedule beyond what the SQL models. */
static const char *const refused_columns[] = {
    "first_due", "first-due", "grace_principal", "grace-principal",
    "grace_interest", "grace-interest", "interest_free", "interest-free",
    "rounding", "installment_multiple", "installment-multiple",
    "upfront_fee", "upfront-fee", "installment_fee", "installment-fee",
    "calendar", "business_day", "business-day", "max_principal",
    "max-principal", "currency", "adjusted_interest_periods",
    "adjusted-interest-periods", "restructured"};

typedef struct columns {
  size_t index[COLS];
} columns;

static int fail(const char *path, const ml_error *err) {
  fprintf(stderr, "installments: %s:%ld:%ld: %s: %s\n", path, err->line,
          err->column, err->field, err->message);
  return 2;
}

static int find_columns(columns *c, const ml_csv_reader *in,
                        const char *path) {
  for (size_t i = 0; i < COLS; i++) {
    c->index[i] = ml_csv_column_find(in, required_columns[i]);
    if (c->index[i] == ML_CSV_NO_COLUMN) {
      fprintf(stderr, "installments: %s: no column %s\n", path,
              required_columns[i]);
      return 2;
    }
  }
  for (size_t i = 0; i < sizeof refused_columns / sizeof *refused_columns;
       i++) {
    if (ml_csv_column_find(in, refused_columns[i]) != ML_CSV_NO_COLUMN) {
      fprintf(stderr,
              "installments: %s: column %s is not supported by the SQL "
              "peers (it would change the schedule or add fees)\n",
              path, refused_columns[i]);
      return 2;
    }
  }
  return 0;
}

/* A whole number of installments: digits only, 1 to 600. */
static ml_status parse_term(int32_t *out, const char *text, ml_error *err) {
  size_t len = strlen(text);
  if (len == 0 || len > 3 || strspn(text, "0123456789") != len) {
    snprintf(err->message, sizeof err->message,
             "\"%.40s\" is not a number of installments (digits)", text);
    return ML_EPARSE;
  }
  *out = (int32_t)strtol(text, NULL, 10);
  return ML_OK;
}

/* The terms of the current row; err->field names the bad cell's column. */
static ml_status read_terms(ml_schedule_terms *t, char *loan_id,
                            const ml_csv_reader *in, const columns *c,
                            ml_error *err) {
  ml_schedule_terms_init(t);
  const char *f[COLS];
  for (size_t i = 0; i < COLS; i++) f[i] = ml_csv_field(in, c->index[i]);
  ml_status st = ML_OK;
  size_t bad = COL_ID;
  if (strlen(f[COL_ID]) == 0 || strlen(f[COL_ID]) >= ML_LOAN_ID_SIZE) {
    snprintf(err->message, sizeof err->message,
             "expected a loan id of 1 to %d bytes", ML_LOAN_ID_SIZE - 1);
    st = ML_EINVAL;
  }
  if (st == ML_OK) {
    bad = COL_PRINCIPAL;
    st = ml_amount_parse(&t->principal, f[COL_PRINCIPAL], t->currency, NULL,
                         err);
  }
  if (st == ML_OK) {
    bad = COL_RATE;
    st = ml_rate_parse(&t->annual_rate, f[COL_RATE], ML_RATE_PERCENT, err);
  }
  if (st == ML_OK) {
    bad = COL_TERM;
    st = parse_term(&t->installments, f[COL_TERM], err);
  }
  if (st == ML_OK) {
    bad = COL_FREQUENCY;
    st = ml_frequency_parse(&t->frequency, f[COL_FREQUENCY], err);
  }
  if (st == ML_OK) {
    bad = COL_METHOD;
    st = ml_method_parse(&t->method, f[COL_METHOD], err);
  }
  if (st == ML_OK) {
    bad = COL_INTEREST;
    st = ml_interest_parse(&t->interest_basis, &t->day_count,
                           f[COL_INTEREST], err);
  }
  if (st == ML_OK) {
    bad = COL_DISBURSED;
    st = ml_date_parse(&t->disbursed, f[COL_DISBURSED], err);
  }
  if (st != ML_OK) {
    ml_csv_locate(in, c->index[bad], 0, err);
    return st;
  }
  memcpy(loan_id, f[COL_ID], strlen(f[COL_ID]) + 1);
  return ML_OK;
}

static void write_amount(FILE *out, ml_amount a, ml_currency cur) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  if (ml_amount_format(buf, sizeof buf, a, cur) != ML_OK) abort();
  fputs(buf, out);
}

static void write_rows(FILE *out, const char *loan_id,
                       const ml_installment *rows, size_t count,
                       ml_currency cur) {
  for (size_t i = 0; i < count; i++) {
    char due[ML_DATE_FORMAT_SIZE];
    if (ml_date_format(due, sizeof due, rows[i].due_date) != ML_OK) abort();
    fprintf(out, "%s,%ld,%s,", loan_id, (long)rows[i].n, due);
    write_amount(out, rows[i].principal, cur);
    fputc(',', out);
    write_amount(out, rows[i].interest, cur);
    fputc(',', out);
    write_amount(out, rows[i].total, cur);
    fputc('\n', out);
  }
}

/* Reads every loan and writes its installments; 0, or the exit status. */
static int convert(ml_csv_reader *in, const char *path, FILE *out,
                   long *loans) {
  columns c;
  int rc = find_columns(&c, in, path);
  if (rc != 0) return rc;
  static ml_installment rows[ML_SCHEDULE_MAX_INSTALLMENTS + 1];
  fputs("loan_id,n,due_date,principal,interest,total\n", out);
  for (;;) {
    ml_error err = {0};
    int has_record = 0;
    if (ml_csv_next(in, &has_record, &err) != ML_OK) return fail(path, &err);
    if (!has_record) return 0;
    ml_schedule_terms t;
    char loan_id[ML_LOAN_ID_SIZE];
    size_t count = 0;
    if (read_terms(&t, loan_id, in, &c, &err) != ML_OK ||
        ml_schedule_compute(rows, sizeof rows / sizeof *rows, &count, &t,
                            &err) != ML_OK) {
      if (err.line == 0) err.line = ml_csv_record_line(in);
      return fail(path, &err);
    }
    write_rows(out, loan_id, rows, count, t.currency);
    ++*loans;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: installments LOANS.CSV OUT.CSV\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  FILE *out = fopen(argv[2], "w");
  if (in == NULL || out == NULL) {
    fprintf(stderr, "installments: cannot open %s\n",
            in == NULL ? argv[1] : argv[2]);
    return 2;
  }
  setvbuf(out, NULL, _IOFBF, 1 << 20);
  ml_csv_reader *reader = NULL;
  ml_error err = {0};
  long loans = 0;
  int rc = ml_csv_reader_new(&reader, in, &err) != ML_OK
               ? fail(argv[1], &err)
               : convert(reader, argv[1], out, &loans);
  ml_csv_reader_free(reader);
  fclose(in);
  if ((ferror(out) | fclose(out)) != 0 && rc == 0) {
    fprintf(stderr, "installments: cannot write %s\n", argv[2]);
    rc = 1;
  }
  if (rc == 0) printf("%ld loans' installments written to %s\n", loans, argv[2]);
  return rc;
}

/*
 * cli/par_output.c — the report of `mikrolan par` as a table (for people),
 * CSV or JSON (for programs).
 *
 * Every figure comes from the accumulator (ml_portfolio_segment,
 * ml_portfolio_total and the ratio functions); ratios are exact fractions
 * until ml_ratio_format rounds them (half-even) for display: 6 places in
 * CSV and JSON, percent with 2 places in the table.
 */
#include <string.h>

#include "json_output.h"
#include "par.h"

enum {
  RATIO_PLACES = 6,
  RATIO_SIZE = 64,
  /* a segment value with each byte shown as \xNN, its NUL, a margin */
  CELL_SIZE = 4 * ML_PORTFOLIO_MAX_KEY + 16,
  MAX_CELLS = PAR_MAX_BY + 8 + ML_PORTFOLIO_MAX_THRESHOLDS
};

/* What one segment (or the total) shows. */
typedef struct view {
  const char *key; /* NULL: the total */
  ml_portfolio_figures f;
} view;

/* "0.052345": half-even to 6 places (RATIO_SIZE holds any ratio). */
static void format_ratio(char buf[RATIO_SIZE], ml_ratio r) {
  ML_ASSERT(ml_ratio_format(buf, RATIO_SIZE, r, RATIO_PLACES) == ML_OK);
}

/* "5,23 %": the ratio as a percent, half-even to 2 places, Swedish; "-"
 * beyond what an amount holds (a ratio above 10^14, which only a reserve
 * far above the portfolio at risk gives). */
static void format_percent(char buf[RATIO_SIZE], ml_ratio r) {
  char plain[RATIO_SIZE];
  ml_amount units = 0; /* of 0.0001 = 0.01 % */
  ML_ASSERT(ml_ratio_format(plain, sizeof plain, r, 4) == ML_OK);
  size_t digits = strlen(plain) - 1 - (plain[0] == '-'); /* not the point */
  if (digits > 18) {
    snprintf(buf, RATIO_SIZE, "-");
    return;
  }
  for (const char *p = plain; *p != '\0'; p++) {
    if (*p >= '0' && *p <= '9') units = units * 10 + (*p - '0');
  }
  if (plain[0] == '-') units = -units;
  const ml_currency percent = {"", 2};
  char number[ML_AMOUNT_FORMAT_SIZE];
  cli_format_amount_sv(number, units, percent);
  snprintf(buf, RATIO_SIZE, "%s %%", number);
}

/* The provisioning rate of bucket b as an exact ratio. */
static ml_ratio provisioning_rate(const ml_portfolio_options *o, size_t b) {
  int64_t num, den;
  ml_rate_to_fraction(o->provisioning[b], &num, &den);
  return (ml_ratio){num, den};
}

static int64_t closed_loans(const ml_portfolio_figures *f) {
  return f->by_state[ML_LOAN_CLOSED] + f->by_state[ML_LOAN_CREDIT_BALANCE];
}

/* Bucket b's first and last day (-1: open); 64 bits, as the day after a
 * last bound of INT32_MAX begins the open bucket. */
static void bucket_days(const ml_portfolio_options *o, size_t b,
                        int64_t *from, int64_t *to) {
  *from = b == 0 ? 0 : (int64_t)o->bucket_to[b - 1] + 1;
  *to = b < o->bucket_count ? o->bucket_to[b] : -1;
}

/* ---- JSON --------------------------------------------------------------------- */

static void json_ratio(json_object *o, const char *key, ml_ratio r) {
  char buf[RATIO_SIZE];
  format_ratio(buf, r);
  json_text(o, key, buf);
}

static void json_par(json_object *o, const ml_portfolio_options *opts,
                     const ml_portfolio_figures *f, ml_currency cur) {
  json_key(o, "par");
  fputc('{', o->out);
  json_object par = {o->out, NULL, 0};
  for (size_t k = 0; k < opts->threshold_count; k++) {
    char name[16];
    snprintf(name, sizeof name, "%ld", (long)opts->thresholds[k]);
    json_key(&par, name);
    json_object one = {o->out, NULL, 0};
    fputc('{', o->out);
    json_amount(&one, "amount", f->par[k], cur);
    json_ratio(&one, "ratio", ml_portfolio_par_ratio(f, k));
    fputc('}', o->out);
  }
  fputc('}', o->out);
}

static void json_buckets(json_object *o, const char *indent,
                         const ml_portfolio_options *opts,
                         const ml_portfolio_figures *f, ml_currency cur) {
  json_key(o, "buckets");
  fputc('[', o->out);
  for (size_t b = 0; b <= opts->bucket_count; b++) {
    int64_t from, to;
    bucket_days(opts, b, &from, &to);
    fprintf(o->out, "%s\n%s  {", b > 0 ? "," : "", indent);
    json_object one = {o->out, NULL, 0};
    json_int(&one, "from_days", from);
    json_key(&one, "to_days");
    if (to < 0) {
      fputs("null", o->out);
    } else {
      fprintf(o->out, "%ld", (long)to);
    }
    json_int(&one, "count", (long)f->bucket_loans[b]);
    json_amount(&one, "principal", f->bucket_principal[b], cur);
    json_amount(&one, "overdue", f->bucket_overdue[b], cur);
    json_ratio(&one, "provisioning_rate", provisioning_rate(opts, b));
    fputc('}', o->out);
  }
  fprintf(o->out, "\n%s]", indent);
}

/* The key as an object of the --by columns' values. */
static void json_segment_key(json_object *o, const par_request *q,
                             const char *key) {
  const char *values[PAR_MAX_BY];
  size_t lengths[PAR_MAX_BY];
  size_t n = par_key_split(key, values, lengths, PAR_MAX_BY);
  json_key(o, "key");
  fputc('{', o->out);
  json_object k = {o->out, NULL, 0};
  for (size_t i = 0; i < q->by_count && i < n; i++) {
    char value[ML_PORTFOLIO_MAX_KEY];
    snprintf(value, sizeof value, "%.*s", (int)lengths[i], values[i]);
    json_text(&k, q->by[i], value);
  }
  fputc('}', o->out);
}

static void json_figures(FILE *out, const char *indent, const par_request *q,
                         const ml_portfolio *p, const view *v) {
  const ml_portfolio_options *opts = ml_portfolio_options_of(p);
  const ml_portfolio_figures *f = &v->f;
  ml_currency cur = q->currency;
  json_object o = {out, indent, 0};
  fputc('{', out);
  if (v->key != NULL) json_segment_key(&o, q, v->key);
  json_int(&o, "loans", (long)f->loans);
  json_int(&o, "pending", (long)f->by_state[ML_LOAN_PENDING]);
  json_int(&o, "active", (long)f->by_state[ML_LOAN_ACTIVE]);
  json_int(&o, "closed", (long)closed_loans(f));
  json_int(&o, "credit_balance", (long)f->by_state[ML_LOAN_CREDIT_BALANCE]);
  json_int(&o, "written_off", (long)f->by_state[ML_LOAN_WRITTEN_OFF]);
  json_amount(&o, "gross_portfolio", f->gross_portfolio, cur);
  json_par(&o, opts, f, cur);
  json_amount(&o, "overdue", f->overdue, cur);
  json_ratio(&o, "arrears_rate", ml_portfolio_arrears_rate(f));
  json_buckets(&o, indent, opts, f, cur);
  json_amount(&o, "provisioning", f->provisioning, cur);
  if (opts->period_start != ML_DATE_NONE) {
    json_amount(&o, "gross_portfolio_at_start", f->gross_portfolio_at_start,
                cur);
    json_amount(&o, "written_off_in_period", f->written_off_in_period, cur);
    json_ratio(&o, "write_off_ratio", ml_portfolio_write_off_ratio(f));
  }
  ml_ratio coverage;
  if (v->key == NULL && q->has_reserve) {
    json_amount(&o, "loan_loss_reserve", q->reserve, cur);
    if (ml_portfolio_risk_coverage(&coverage, p, f, q->reserve) == ML_OK) {
      json_ratio(&o, "risk_coverage", coverage);
    } else {
      json_text(&o, "risk_coverage", NULL);
    }
  }
  fprintf(out, "\n%.*s}", (int)(strlen(indent) - 2), indent);
}

static void write_json(FILE *out, const par_request *q, const ml_portfolio *p,
                       const par_counts *counts) {
  json_object o = {out, "  ", 0};
  fputc('{', out);
  json_date(&o, "as_of", q->as_of);
  json_date(&o, "period_start", ml_portfolio_options_of(p)->period_start);
  json_text(&o, "currency", q->currency.code);
  json_key(&o, "by");
  fputc('[', out);
  for (size_t i = 0; i < q->by_count; i++) {
    if (i > 0) fputs(", ", out);
    json_string(out, q->by[i]);
  }
  fputc(']', out);
  view total = {NULL, {0}};
  ml_portfolio_total(p, &total.f);
  json_key(&o, "total");
  json_figures(out, "    ", q, p, &total);
  json_key(&o, "segments");
  fputc('[', out);
  size_t n = q->by_count > 0 ? ml_portfolio_segment_count(p) : 0;
  for (size_t i = 0; i < n; i++) {
    view v;
    ml_portfolio_segment(p, i, &v.key, &v.f);
    fprintf(out, "%s\n    ", i > 0 ? "," : "");
    json_figures(out, "      ", q, p, &v);
  }
  fputs(n > 0 ? "\n  ]" : "]", out);
  json_key(&o, "skipped");
  json_object skipped = {out, NULL, 0};
  fputc('{', out);
  json_int(&skipped, "loans", (long)counts->loans_skipped);
  json_int(&skipped, "rows", (long)counts->problems);
  fputs("}\n}\n", out);
}

/* ---- CSV ----------------------------------------------------------------------- */

/* Appends one CSV field (quoted when needed) to out. */
static void csv_field(FILE *out, const char *text) {
  fputc(',', out);
  if (strpbrk(text, ",\"\r\n") == NULL) {
    fputs(text, out);
    return;
  }
  fputc('"', out);
  for (const char *p = text; *p != '\0'; p++) {
    if (*p == '"') fputc('"', out);
    fputc(*p, out);
  }
  fputc('"', out);
}

static void csv_names(FILE *out, const par_request *q,
                      const ml_portfolio_options *o) {
  fputs("row", out);
  for (size_t i = 0; i < q->by_count; i++) csv_field(out, q->by[i]);
  fputs(",loans,pending,active,closed,credit_balance,written_off,"
        "gross_portfolio",
        out);
  for (size_t k = 0; k < o->threshold_count; k++) {
    fprintf(out, ",par_%ld,par_%ld_ratio", (long)o->thresholds[k],
            (long)o->thresholds[k]);
  }
  fputs(",overdue,arrears_rate", out);
  for (size_t b = 0; b <= o->bucket_count; b++) {
    int64_t from, to;
    bucket_days(o, b, &from, &to);
    char name[48];
    if (to < 0) {
      snprintf(name, sizeof name, "bucket_%ld_plus", (long)from);
    } else {
      snprintf(name, sizeof name, "bucket_%ld_%ld", (long)from, (long)to);
    }
    fprintf(out, ",%s_count,%s_principal,%s_overdue", name, name, name);
  }
  fputs(",provisioning", out);
  if (o->period_start != ML_DATE_NONE) {
    fputs(",gross_portfolio_at_start,written_off_in_period,write_off_ratio",
          out);
  }
  if (q->has_reserve) fputs(",loan_loss_reserve,risk_coverage", out);
  fputc('\n', out);
}

static void csv_amount(FILE *out, ml_amount a, ml_currency cur) {
  char buf[ML_AMOUNT_FORMAT_SIZE];
  cli_format_amount(buf, a, cur);
  fprintf(out, ",%s", buf);
}

static void csv_ratio(FILE *out, ml_ratio r) {
  char buf[RATIO_SIZE];
  format_ratio(buf, r);
  fprintf(out, ",%s", buf);
}

static void csv_key(FILE *out, const par_request *q, const char *key) {
  const char *values[PAR_MAX_BY];
  size_t lengths[PAR_MAX_BY];
  size_t n = key != NULL ? par_key_split(key, values, lengths, PAR_MAX_BY) : 0;
  for (size_t i = 0; i < q->by_count; i++) {
    char value[ML_PORTFOLIO_MAX_KEY] = "";
    if (i < n) snprintf(value, sizeof value, "%.*s", (int)lengths[i], values[i]);
    csv_field(out, value);
  }
}

static void csv_row(FILE *out, const par_request *q, const ml_portfolio *p,
                    const view *v) {
  const ml_portfolio_options *o = ml_portfolio_options_of(p);
  const ml_portfolio_figures *f = &v->f;
  ml_currency cur = q->currency;
  fputs(v->key != NULL ? "segment" : "total", out);
  csv_key(out, q, v->key);
  fprintf(out, ",%lld,%lld,%lld,%lld,%lld,%lld", (long long)f->loans,
          (long long)f->by_state[ML_LOAN_PENDING],
          (long long)f->by_state[ML_LOAN_ACTIVE], (long long)closed_loans(f),
          (long long)f->by_state[ML_LOAN_CREDIT_BALANCE],
          (long long)f->by_state[ML_LOAN_WRITTEN_OFF]);
  csv_amount(out, f->gross_portfolio, cur);
  for (size_t k = 0; k < o->threshold_count; k++) {
    csv_amount(out, f->par[k], cur);
    csv_ratio(out, ml_portfolio_par_ratio(f, k));
  }
  csv_amount(out, f->overdue, cur);
  csv_ratio(out, ml_portfolio_arrears_rate(f));
  for (size_t b = 0; b <= o->bucket_count; b++) {
    fprintf(out, ",%lld", (long long)f->bucket_loans[b]);
    csv_amount(out, f->bucket_principal[b], cur);
    csv_amount(out, f->bucket_overdue[b], cur);
  }
  csv_amount(out, f->provisioning, cur);
  if (o->period_start != ML_DATE_NONE) {
    csv_amount(out, f->gross_portfolio_at_start, cur);
    csv_amount(out, f->written_off_in_period, cur);
    csv_ratio(out, ml_portfolio_write_off_ratio(f));
  }
  ml_ratio coverage;
  if (q->has_reserve && v->key != NULL) fputs(",,", out);
  if (q->has_reserve && v->key == NULL) {
    csv_amount(out, q->reserve, cur);
    if (ml_portfolio_risk_coverage(&coverage, p, f, q->reserve) == ML_OK) {
      csv_ratio(out, coverage);
    } else {
      fputc(',', out);
    }
  }
  fputc('\n', out);
}

static void write_csv(FILE *out, const par_request *q, const ml_portfolio *p) {
  csv_names(out, q, ml_portfolio_options_of(p));
  size_t n = q->by_count > 0 ? ml_portfolio_segment_count(p) : 0;
  for (size_t i = 0; i < n; i++) {
    view v;
    ml_portfolio_segment(p, i, &v.key, &v.f);
    csv_row(out, q, p, &v);
  }
  view total = {NULL, {0}};
  ml_portfolio_total(p, &total.f);
  csv_row(out, q, p, &total);
}

/* ---- tables -------------------------------------------------------------------- */

typedef char cells[MAX_CELLS][CELL_SIZE];

/* Characters on screen: UTF-8 bytes that start a character. */
static size_t display_width(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    n += (*p & 0xc0) != 0x80;
  }
  return n;
}

typedef struct table {
  FILE *out;
  size_t columns;
  size_t left; /* the first `left` columns are text, left-aligned */
  size_t widths[MAX_CELLS];
} table;

static void table_widen(table *t, cells row) {
  for (size_t c = 0; c < t->columns; c++) {
    size_t w = display_width(row[c]);
    if (w > t->widths[c]) t->widths[c] = w;
  }
}

static void table_print(const table *t, cells row) {
  size_t pending = 0; /* spaces not yet written: no trailing spaces */
  for (size_t c = 0; c < t->columns; c++) {
    size_t w = display_width(row[c]), pad = t->widths[c] - w;
    if (c > 0) pending += 2;
    if (c >= t->left) pending += pad;
    if (row[c][0] != '\0') {
      fprintf(t->out, "%*s%s", (int)pending, "", row[c]);
      pending = 0;
    }
    if (c < t->left) pending += pad;
  }
  fputc('\n', t->out);
}

static void table_rule(const table *t) {
  size_t total = 2 * (t->columns - 1);
  for (size_t c = 0; c < t->columns; c++) total += t->widths[c];
  for (size_t i = 0; i < total; i++) fputc('-', t->out);
  fputc('\n', t->out);
}

static size_t header_cells(cells row, const par_request *q,
                           const ml_portfolio_options *o) {
  static const char *const names[] = {"Loans", "Active", "Closed",
                                      "Written off", "Gross portfolio"};
  size_t c = 0;
  for (size_t i = 0; i < q->by_count; i++) {
    row[c][0] = '\0';
    cli_append_printable(row[c++], CELL_SIZE, q->by[i], strlen(q->by[i]));
  }
  if (q->by_count == 0) row[c++][0] = '\0';
  for (size_t i = 0; i < 5; i++) snprintf(row[c++], CELL_SIZE, "%s", names[i]);
  for (size_t k = 0; k < o->threshold_count; k++) {
    snprintf(row[c++], CELL_SIZE, "PAR>%ld", (long)o->thresholds[k]);
  }
  snprintf(row[c++], CELL_SIZE, "Arrears");
  snprintf(row[c++], CELL_SIZE, "Provisioning");
  return c;
}

/* The label cells: the segment's values (control characters as \xNN: a
 * line feed in a value would break the table), or "Total". */
static size_t label_cells(cells row, const par_request *q, const view *v) {
  const char *values[PAR_MAX_BY];
  size_t lengths[PAR_MAX_BY];
  size_t n = v->key != NULL ? par_key_split(v->key, values, lengths,
                                            PAR_MAX_BY)
                            : 0;
  size_t labels = q->by_count > 0 ? q->by_count : 1;
  for (size_t i = 0; i < labels; i++) {
    if (v->key == NULL) {
      snprintf(row[i], CELL_SIZE, "%s", i == 0 ? "Total" : "");
    } else {
      row[i][0] = '\0';
      if (i < n) cli_append_printable(row[i], CELL_SIZE, values[i], lengths[i]);
    }
  }
  return labels;
}

/* The segment table's cells: header (v NULL), a segment, or the total. */
static size_t segment_cells(cells row, const par_request *q,
                            const ml_portfolio *p, const view *v) {
  const ml_portfolio_options *o = ml_portfolio_options_of(p);
  if (v == NULL) return header_cells(row, q, o);
  size_t c = label_cells(row, q, v);
  const ml_portfolio_figures *f = &v->f;
  snprintf(row[c++], CELL_SIZE, "%lld", (long long)f->loans);
  snprintf(row[c++], CELL_SIZE, "%lld", (long long)f->by_state[ML_LOAN_ACTIVE]);
  snprintf(row[c++], CELL_SIZE, "%lld", (long long)closed_loans(f));
  snprintf(row[c++], CELL_SIZE, "%lld",
           (long long)f->by_state[ML_LOAN_WRITTEN_OFF]);
  cli_format_amount_sv(row[c++], f->gross_portfolio, q->currency);
  for (size_t k = 0; k < o->threshold_count; k++) {
    format_percent(row[c++], ml_portfolio_par_ratio(f, k));
  }
  format_percent(row[c++], ml_portfolio_arrears_rate(f));
  cli_format_amount_sv(row[c++], f->provisioning, q->currency);
  return c;
}

static void write_segment_table(FILE *out, const par_request *q,
                                const ml_portfolio *p, cells row,
                                const view *total) {
  table t = {out, 0, q->by_count > 0 ? q->by_count : 1, {0}};
  size_t n = q->by_count > 0 ? ml_portfolio_segment_count(p) : 0;
  view v;
  t.columns = segment_cells(row, q, p, NULL);
  table_widen(&t, row);
  for (size_t i = 0; i < n; i++) {
    ml_portfolio_segment(p, i, &v.key, &v.f);
    segment_cells(row, q, p, &v);
    table_widen(&t, row);
  }
  segment_cells(row, q, p, total);
  table_widen(&t, row);
  segment_cells(row, q, p, NULL);
  table_print(&t, row);
  table_rule(&t);
  for (size_t i = 0; i < n; i++) {
    ml_portfolio_segment(p, i, &v.key, &v.f);
    segment_cells(row, q, p, &v);
    table_print(&t, row);
  }
  if (n > 0) table_rule(&t);
  segment_cells(row, q, p, total);
  table_print(&t, row);
}

/* The aging of the total: one line per bucket. */
static size_t bucket_cells(cells row, const par_request *q,
                           const ml_portfolio *p, const view *total, size_t b) {
  const ml_portfolio_options *o = ml_portfolio_options_of(p);
  const ml_portfolio_figures *f = &total->f;
  if (b > o->bucket_count) { /* the header */
    static const char *const names[] = {"Days past due", "Loans", "Principal",
                                        "Overdue", "Provisioning rate"};
    for (size_t c = 0; c < 5; c++) snprintf(row[c], CELL_SIZE, "%s", names[c]);
    return 5;
  }
  int64_t from, to;
  bucket_days(o, b, &from, &to);
  if (to < 0) {
    snprintf(row[0], CELL_SIZE, "%ld and more", (long)from);
  } else if (from == 0 && to == 0) {
    snprintf(row[0], CELL_SIZE, "0 (current)");
  } else if (from == to) {
    snprintf(row[0], CELL_SIZE, "%ld", (long)from);
  } else {
    snprintf(row[0], CELL_SIZE, "%ld-%ld", (long)from, (long)to);
  }
  snprintf(row[1], CELL_SIZE, "%lld", (long long)f->bucket_loans[b]);
  cli_format_amount_sv(row[2], f->bucket_principal[b], q->currency);
  cli_format_amount_sv(row[3], f->bucket_overdue[b], q->currency);
  format_percent(row[4], provisioning_rate(o, b));
  return 5;
}

static void write_aging_table(FILE *out, const par_request *q,
                              const ml_portfolio *p, cells row,
                              const view *total) {
  const ml_portfolio_options *o = ml_portfolio_options_of(p);
  table t = {out, 5, 1, {0}};
  for (size_t b = 0; b <= o->bucket_count + 1; b++) {
    bucket_cells(row, q, p, total, b);
    table_widen(&t, row);
  }
  fputs("\nAging of the active loans (total)\n", out);
  bucket_cells(row, q, p, total, o->bucket_count + 1);
  table_print(&t, row);
  table_rule(&t);
  for (size_t b = 0; b <= o->bucket_count; b++) {
    bucket_cells(row, q, p, total, b);
    table_print(&t, row);
  }
}

static void write_table_notes(FILE *out, const par_request *q,
                              const ml_portfolio *p, const view *total,
                              const par_counts *counts) {
  const ml_portfolio_options *o = ml_portfolio_options_of(p);
  const ml_portfolio_figures *f = &total->f;
  char a[ML_AMOUNT_FORMAT_SIZE], b[ML_AMOUNT_FORMAT_SIZE], pct[RATIO_SIZE];
  fputc('\n', out);
  for (size_t k = 0; k < o->threshold_count; k++) {
    cli_format_amount_sv(a, f->par[k], q->currency);
    format_percent(pct, ml_portfolio_par_ratio(f, k));
    fprintf(out, "PAR>%ld: %s (%s of the gross portfolio)\n",
            (long)o->thresholds[k], a, pct);
  }
  cli_format_amount_sv(a, f->overdue, q->currency);
  format_percent(pct, ml_portfolio_arrears_rate(f));
  fprintf(out, "Overdue: %s (arrears rate %s)\n", a, pct);
  cli_format_amount_sv(a, f->provisioning, q->currency);
  fprintf(out, "Provisioning required: %s\n", a);
  if (o->period_start != ML_DATE_NONE) {
    char start[ML_DATE_FORMAT_SIZE];
    ML_ASSERT(ml_date_format(start, sizeof start, o->period_start) == ML_OK);
    cli_format_amount_sv(a, f->written_off_in_period, q->currency);
    cli_format_amount_sv(b, f->gross_portfolio_at_start, q->currency);
    format_percent(pct, ml_portfolio_write_off_ratio(f));
    fprintf(out,
            "Written off after %s: %s (write-off ratio %s; gross portfolio "
            "then %s)\n",
            start, a, pct, b);
  }
  ml_ratio coverage;
  if (q->has_reserve) {
    cli_format_amount_sv(a, q->reserve, q->currency);
    if (ml_portfolio_risk_coverage(&coverage, p, f, q->reserve) == ML_OK) {
      format_percent(pct, coverage);
      fprintf(out, "Loan loss reserve: %s (risk coverage %s of PAR>30)\n", a,
              pct);
    } else {
      fprintf(out, "Loan loss reserve: %s (no risk coverage: 30 is not a "
                   "--thresholds value)\n", a);
    }
  }
  if (q->skip_path != NULL) par_write_skipped(out, "Skipped: ", q, counts);
}

void par_write_skipped(FILE *out, const char *prefix, const par_request *q,
                       const par_counts *counts) {
  const long long loans = counts->loans_skipped, rows = counts->problems;
  fprintf(out, "%s%lld loan%s, %lld row%s listed in %s\n", prefix, loans,
          loans == 1 ? "" : "s", rows, rows == 1 ? "" : "s", q->skip_path);
}

static void write_table(FILE *out, const par_request *q, const ml_portfolio *p,
                        const par_counts *counts) {
  view total = {NULL, {0}};
  ml_portfolio_total(p, &total.f);
  char as_of[ML_DATE_FORMAT_SIZE];
  ML_ASSERT(ml_date_format(as_of, sizeof as_of, q->as_of) == ML_OK);
  /* one line's cells, formatted twice: to measure, to print (static: 130
   * KiB, and the report is written once, by one thread) */
  static cells row;
  fprintf(out, "Portfolio at risk as of %s, amounts in %s\n\n", as_of,
          q->currency.code);
  write_segment_table(out, q, p, row, &total);
  write_aging_table(out, q, p, row, &total);
  write_table_notes(out, q, p, &total, counts);
}

void par_write_report(FILE *out, const par_request *q,
                      const ml_portfolio *portfolio,
                      const par_counts *counts) {
  switch (q->format) {
    case PAR_FORMAT_TABLE: write_table(out, q, portfolio, counts); break;
    case PAR_FORMAT_CSV: write_csv(out, q, portfolio); break;
    case PAR_FORMAT_JSON: write_json(out, q, portfolio, counts); break;
  }
}

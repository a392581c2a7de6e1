/* cli/status_output.c — table and JSON output of a loan's status and
 * postings. */
#include "status_output.h"

#include <string.h>

#include "json_output.h"
#include "options.h"

/* ---- aligned tables ----------------------------------------------------- */

enum {
  MAX_COLUMNS = 2 + 3 * ML_COMPONENTS, /* n, date, 3 per component */
  CELL_SIZE = ML_AMOUNT_FORMAT_SIZE
};

typedef char table_row[MAX_COLUMNS][CELL_SIZE];

/* Column widths, and which columns are left-aligned (dates, names). */
typedef struct table_layout {
  size_t columns;
  size_t widths[MAX_COLUMNS];
  int left[MAX_COLUMNS];
} table_layout;

static void widen(table_layout *t, table_row cells) {
  for (size_t c = 0; c < t->columns; c++) {
    size_t len = strlen(cells[c]);
    if (len > t->widths[c]) t->widths[c] = len;
  }
}

/* One line, two spaces between columns, no trailing spaces. */
static void print_cells(FILE *out, const table_layout *t, table_row cells) {
  char line[MAX_COLUMNS * (CELL_SIZE + 2) + 1];
  size_t used = 0;
  for (size_t c = 0; c < t->columns; c++) {
    used += (size_t)snprintf(line + used, sizeof line - used,
                             t->left[c] ? "%s%-*s" : "%s%*s",
                             c > 0 ? "  " : "", (int)t->widths[c], cells[c]);
  }
  while (used > 0 && line[used - 1] == ' ') used--;
  fprintf(out, "%.*s\n", (int)used, line);
}

static size_t table_width(const table_layout *t) {
  size_t total = 2 * (t->columns - 1);
  for (size_t c = 0; c < t->columns; c++) total += t->widths[c];
  return total;
}

static void print_rule(FILE *out, const table_layout *t) {
  for (size_t i = table_width(t); i > 0; i--) fputc('-', out);
  fputc('\n', out);
}

/* ---- the status table ----------------------------------------------------- */

/* The components the installment table shows: principal and interest
 * always, fees and penalties when any installment has them due. */
typedef struct shown_components {
  ml_component which[ML_COMPONENTS];
  size_t count;
} shown_components;

static shown_components components_shown(const status_report *r) {
  shown_components s = {{ML_PRINCIPAL, ML_INTEREST}, 2};
  for (int c = ML_FEES; c <= ML_PENALTIES; c++) {
    int any = 0;
    for (size_t i = 0; i < r->status->installment_count; i++) {
      any |= r->rows[i].due[c] != 0;
    }
    if (any) s.which[s.count++] = (ml_component)c;
  }
  return s;
}

static const char *const group_columns[3] = {"due", "paid", "outstanding"};

static void header_cells(table_row cells, const shown_components *s) {
  snprintf(cells[0], CELL_SIZE, "n");
  snprintf(cells[1], CELL_SIZE, "due date");
  for (size_t g = 0; g < s->count; g++) {
    for (int k = 0; k < 3; k++) {
      snprintf(cells[2 + 3 * g + (size_t)k], CELL_SIZE, "%s",
               group_columns[k]);
    }
  }
}

/* Due, paid and outstanding of each shown component. */
static void amount_cells(table_row cells, const shown_components *s,
                         const ml_amount *due, const ml_amount *paid,
                         const ml_amount *outstanding, ml_currency cur) {
  for (size_t g = 0; g < s->count; g++) {
    ml_component c = s->which[g];
    cli_format_amount_sv(cells[2 + 3 * g], due[c], cur);
    cli_format_amount_sv(cells[3 + 3 * g], paid[c], cur);
    cli_format_amount_sv(cells[4 + 3 * g], outstanding[c], cur);
  }
}

static void installment_cells(table_row cells, const shown_components *s,
                              const ml_loan_installment *row,
                              ml_currency cur) {
  snprintf(cells[0], CELL_SIZE, "%ld", (long)row->n);
  cli_format_date(cells[1], row->due_date);
  amount_cells(cells, s, row->due, row->paid, row->outstanding, cur);
}

/* Sums of due, paid and outstanding over the installments. */
typedef struct column_sums {
  ml_amount due[ML_COMPONENTS], paid[ML_COMPONENTS],
      outstanding[ML_COMPONENTS];
} column_sums;

static column_sums sums_of(const status_report *r) {
  column_sums s;
  memset(&s, 0, sizeof s);
  for (size_t i = 0; i < r->status->installment_count; i++) {
    for (int c = 0; c < ML_COMPONENTS; c++) {
      s.due[c] += r->rows[i].due[c];
      s.paid[c] += r->rows[i].paid[c];
      s.outstanding[c] += r->rows[i].outstanding[c];
    }
  }
  return s;
}

static void totals_cells(table_row cells, const shown_components *s,
                         const column_sums *sums, ml_currency cur) {
  cells[0][0] = '\0';
  snprintf(cells[1], CELL_SIZE, "total");
  amount_cells(cells, s, sums->due, sums->paid, sums->outstanding, cur);
}

/* The line above the header naming each component over its three
 * columns, right-aligned like the amounts. */
static void print_groups(FILE *out, const table_layout *t,
                         const shown_components *s) {
  fprintf(out, "%*s", (int)(t->widths[0] + 2 + t->widths[1]), "");
  for (size_t g = 0; g < s->count; g++) {
    const size_t *w = &t->widths[2 + 3 * g];
    int span = (int)(w[0] + w[1] + w[2] + 4);
    fprintf(out, "  %*s", span, ml_component_name(s->which[g]));
  }
  fputc('\n', out);
}

static void print_installments(FILE *out, const status_report *r) {
  const shown_components s = components_shown(r);
  table_layout t = {2 + 3 * s.count, {0}, {0, 1}};
  table_row cells;
  header_cells(cells, &s);
  widen(&t, cells);
  for (size_t i = 0; i < r->status->installment_count; i++) {
    installment_cells(cells, &s, &r->rows[i], r->currency);
    widen(&t, cells);
  }
  const column_sums sums = sums_of(r);
  table_row totals;
  totals_cells(totals, &s, &sums, r->currency);
  widen(&t, totals);

  print_groups(out, &t, &s);
  header_cells(cells, &s);
  print_cells(out, &t, cells);
  print_rule(out, &t);
  for (size_t i = 0; i < r->status->installment_count; i++) {
    installment_cells(cells, &s, &r->rows[i], r->currency);
    print_cells(out, &t, cells);
  }
  print_rule(out, &t);
  print_cells(out, &t, totals);
}

/* "LABEL" padded to the summary's label width, then the value. */
static void summary_line(FILE *out, const char *label, const char *value) {
  fprintf(out, "  %-16s%s\n", label, value);
}

static void summary_amount(FILE *out, const char *label, ml_amount a,
                           ml_currency cur) {
  char value[ML_AMOUNT_FORMAT_SIZE + 8];
  cli_format_amount_sv(value, a, cur);
  size_t used = strlen(value);
  snprintf(value + used, sizeof value - used, " %s", cur.code);
  summary_line(out, label, value);
}

static void summary_overdue(FILE *out, const ml_loan_status *s) {
  char value[64], since[ML_DATE_FORMAT_SIZE];
  if (s->overdue_since == ML_DATE_NONE) {
    snprintf(value, sizeof value, "%ld", (long)s->days_past_due);
  } else {
    cli_format_date(since, s->overdue_since);
    snprintf(value, sizeof value, "%ld (overdue since %s)",
             (long)s->days_past_due, since);
  }
  summary_line(out, "days past due", value);
}

static void summary_outstanding(FILE *out, const ml_loan_status *s,
                                ml_currency cur) {
  char value[4 * (ML_AMOUNT_FORMAT_SIZE + 16)] = "";
  for (int c = 0; c < ML_COMPONENTS; c++) {
    char amount[ML_AMOUNT_FORMAT_SIZE];
    cli_format_amount_sv(amount, s->outstanding[c], cur);
    size_t used = strlen(value);
    snprintf(value + used, sizeof value - used, "%s%s %s",
             c > 0 ? ", " : "", ml_component_name((ml_component)c), amount);
  }
  summary_line(out, "outstanding", value);
}

static void summary_next_due(FILE *out, const ml_loan_status *s,
                             ml_currency cur) {
  char value[ML_DATE_FORMAT_SIZE + ML_AMOUNT_FORMAT_SIZE + 16], date[16],
      amount[ML_AMOUNT_FORMAT_SIZE];
  if (s->next_due_date == ML_DATE_NONE) {
    summary_line(out, "next due", "none");
    return;
  }
  cli_format_date(date, s->next_due_date);
  cli_format_amount_sv(amount, s->next_due_amount, cur);
  snprintf(value, sizeof value, "%s, %s %s", date, amount, cur.code);
  summary_line(out, "next due", value);
}

static void print_summary(FILE *out, const status_report *r) {
  const ml_loan_status *s = r->status;
  char as_of[ML_DATE_FORMAT_SIZE];
  cli_format_date(as_of, s->as_of);
  fprintf(out, "Loan%s%s as of %s: %s\n", r->loan_id ? " " : "",
          r->loan_id ? r->loan_id : "", as_of, ml_loan_state_name(s->state));
  summary_overdue(out, s);
  summary_amount(out, "arrears", s->arrears, r->currency);
  summary_outstanding(out, s, r->currency);
  summary_amount(out, "payoff", s->payoff, r->currency);
  summary_next_due(out, s, r->currency);
  summary_amount(out, "paid", s->paid_total, r->currency);
  summary_amount(out, "credit balance", s->credit_balance, r->currency);
  if (s->written_off_total != 0) {
    summary_amount(out, "written off", s->written_off_total, r->currency);
  }
  if (s->closed_on != ML_DATE_NONE) {
    char closed[ML_DATE_FORMAT_SIZE];
    cli_format_date(closed, s->closed_on);
    summary_line(out, "closed on", closed);
  }
  summary_line(out, "restructured", s->restructured ? "yes" : "no");
}

void status_write_table(FILE *out, const status_report *r) {
  print_summary(out, r);
  if (r->status->installment_count == 0) return;
  fputc('\n', out);
  print_installments(out, r);
}

/* ---- the status as JSON ------------------------------------------------------ */

/* "key": {"principal": "...", "interest": ..., "fees": ..., "penalties": ...} */
static void json_components(json_object *o, const char *key,
                            const ml_amount *amounts, ml_currency cur) {
  json_key(o, key);
  json_object inner = {o->out, NULL, 0};
  fputc('{', o->out);
  for (int c = 0; c < ML_COMPONENTS; c++) {
    json_amount(&inner, ml_component_name((ml_component)c), amounts[c], cur);
  }
  fputc('}', o->out);
}

static void json_installment(FILE *out, const ml_loan_installment *row,
                             ml_currency cur) {
  json_object o = {out, NULL, 0};
  fputc('{', out);
  json_int(&o, "n", row->n);
  json_date(&o, "due_date", row->due_date);
  json_components(&o, "due", row->due, cur);
  json_components(&o, "paid", row->paid, cur);
  json_components(&o, "waived", row->waived, cur);
  json_components(&o, "written_off", row->written_off, cur);
  json_components(&o, "outstanding", row->outstanding, cur);
  fputc('}', out);
}

static void json_status_members(json_object *o, const status_report *r) {
  const ml_loan_status *s = r->status;
  const ml_currency cur = r->currency;
  json_date(o, "as_of", s->as_of);
  json_text(o, "loan_id", r->loan_id);
  json_text(o, "currency", cur.code);
  json_text(o, "state", ml_loan_state_name(s->state));
  json_int(o, "days_past_due", s->days_past_due);
  json_date(o, "overdue_since", s->overdue_since);
  json_components(o, "outstanding", s->outstanding, cur);
  json_amount(o, "arrears", s->arrears, cur);
  json_amount(o, "payoff", s->payoff, cur);
  json_bool(o, "restructured", s->restructured);
  json_amount(o, "credit_balance", s->credit_balance, cur);
  json_amount(o, "paid_total", s->paid_total, cur);
  json_amount(o, "written_off_total", s->written_off_total, cur);
  json_date(o, "closed_on", s->closed_on);
  json_date(o, "next_due_date", s->next_due_date);
  json_amount(o, "next_due_amount", s->next_due_amount, cur);
}

void status_write_json(FILE *out, const status_report *r) {
  json_object o = {out, "  ", 0};
  fputc('{', out);
  json_status_members(&o, r);
  json_key(&o, "installments");
  fputc('[', out);
  for (size_t i = 0; i < r->status->installment_count; i++) {
    fputs(i > 0 ? ",\n    " : "\n    ", out);
    json_installment(out, &r->rows[i], r->currency);
  }
  fputs(r->status->installment_count > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* ---- postings ---------------------------------------------------------------- */

enum { POSTING_COLUMNS = 5 };

static void posting_cells(table_row cells, const ml_posting *p,
                          ml_currency cur) {
  snprintf(cells[0], CELL_SIZE, "%lld", (long long)p->event_id);
  cli_format_date(cells[1], p->date);
  snprintf(cells[2], CELL_SIZE, "%s", ml_account_name(p->account));
  cells[3][0] = cells[4][0] = '\0';
  if (p->debit != 0) cli_format_amount_sv(cells[3], p->debit, cur);
  if (p->credit != 0) cli_format_amount_sv(cells[4], p->credit, cur);
}

static void posting_sums(ml_amount *debit, ml_amount *credit,
                         const ml_posting *postings, size_t count) {
  *debit = *credit = 0;
  for (size_t i = 0; i < count; i++) {
    *debit += postings[i].debit;
    *credit += postings[i].credit;
  }
}

void postings_write_table(FILE *out, const ml_posting *postings,
                          size_t count, ml_currency cur) {
  static const char *const header[POSTING_COLUMNS] = {
      "event", "date", "account", "debit", "credit"};
  table_layout t = {POSTING_COLUMNS, {0}, {0, 1, 1, 0, 0}};
  table_row head, cells, totals;
  for (int c = 0; c < POSTING_COLUMNS; c++) {
    snprintf(head[c], CELL_SIZE, "%s", header[c]);
  }
  widen(&t, head);
  for (size_t i = 0; i < count; i++) {
    posting_cells(cells, &postings[i], cur);
    widen(&t, cells);
  }
  ml_amount debit, credit;
  posting_sums(&debit, &credit, postings, count);
  totals[0][0] = totals[1][0] = '\0';
  snprintf(totals[2], CELL_SIZE, "total");
  cli_format_amount_sv(totals[3], debit, cur);
  cli_format_amount_sv(totals[4], credit, cur);
  widen(&t, totals);

  print_cells(out, &t, head);
  print_rule(out, &t);
  for (size_t i = 0; i < count; i++) {
    posting_cells(cells, &postings[i], cur);
    print_cells(out, &t, cells);
  }
  print_rule(out, &t);
  print_cells(out, &t, totals);
}

void postings_write_json(FILE *out, const status_report *r,
                         const ml_posting *postings, size_t count) {
  const ml_currency cur = r->currency;
  json_object o = {out, "  ", 0};
  fputc('{', out);
  json_date(&o, "as_of", r->status->as_of);
  json_text(&o, "loan_id", r->loan_id);
  json_text(&o, "currency", cur.code);
  json_key(&o, "postings");
  fputc('[', out);
  for (size_t i = 0; i < count; i++) {
    const ml_posting *p = &postings[i];
    json_object line = {out, NULL, 0};
    fputs(i > 0 ? ",\n    {" : "\n    {", out);
    json_int(&line, "event_id", (long)p->event_id);
    json_date(&line, "date", p->date);
    json_text(&line, "account", ml_account_name(p->account));
    json_amount(&line, "debit", p->debit, cur);
    json_amount(&line, "credit", p->credit, cur);
    fputc('}', out);
  }
  fputs(count > 0 ? "\n  ]" : "]", out);
  ml_amount debit, credit;
  posting_sums(&debit, &credit, postings, count);
  json_key(&o, "totals");
  json_object sums = {out, NULL, 0};
  fputc('{', out);
  json_amount(&sums, "debit", debit, cur);
  json_amount(&sums, "credit", credit, cur);
  fputs("}\n}\n", out);
}

/*
 * cli/par_loans.c — the loans file of `mikrolan par`.
 *
 * Each row's terms are read by the loan-term options of `mikrolan
 * schedule` (cli/terms_options.h): a column named like a flag, with '_' or
 * '-' ("first_due" or "first-due"), gets the flag's value from the cell, so
 * that a cell means exactly what the flag means. disbursed_on is the
 * --disbursed flag. An empty cell of an optional column is the flag left
 * out. Every other column is a segment attribute.
 *
 * Whether the loan ids ascend in byte order decides how they are matched.
 * When they do, a duplicate id is the one just before it and the events
 * can be matched in constant memory; when they do not, a first pass keeps
 * every id (with its row) in a hash set, which grows with the number of
 * loans. Most files ascend, so a run first takes them to and checks it as
 * it reads the rows; a run that finds otherwise is made again, after a
 * first pass (par.c). A run that stopped early (a problem) has not seen
 * every row: a first pass then decides, after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"
#include "terms_options.h"

/* ---- a set of loan ids -------------------------------------------------- */

typedef struct id_entry {
  uint64_t hash; /* 0: empty slot */
  size_t offset; /* of the id in the arena */
  int64_t row;
  long line;
} id_entry;

typedef struct id_set {
  id_entry *slots;
  size_t capacity, count;
  char *arena;
  size_t used, size;
} id_set;

static uint64_t hash_id(const char *id) { /* FNV-1a, never 0 */
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
    h = (h ^ *p) * UINT64_C(0x100000001b3);
  }
  return h == 0 ? 1 : h;
}

static id_entry *set_slot(const id_set *s, const char *id, uint64_t h) {
  size_t mask = s->capacity - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    id_entry *e = &s->slots[i];
    if (e->hash == 0) return e;
    if (e->hash == h && strcmp(s->arena + e->offset, id) == 0) return e;
  }
}

static const id_entry *set_find(const id_set *s, const char *id) {
  if (s->capacity == 0) return NULL;
  const id_entry *e = set_slot(s, id, hash_id(id));
  return e->hash != 0 ? e : NULL;
}

static int set_grow(id_set *s) {
  size_t capacity = s->capacity ? 2 * s->capacity : 4096;
  id_entry *slots = calloc(capacity, sizeof *slots);
  if (slots == NULL) return -1;
  id_set bigger = *s;
  bigger.slots = slots;
  bigger.capacity = capacity;
  for (size_t i = 0; i < s->capacity; i++) {
    if (s->slots[i].hash != 0) {
      const id_entry *e = &s->slots[i];
      *set_slot(&bigger, s->arena + e->offset, e->hash) = *e;
    }
  }
  free(s->slots);
  *s = bigger;
  return 0;
}

/* Adds id (the first row with it is kept). 0, or -1 without memory. */
static int set_add(id_set *s, const char *id, int64_t row, long line) {
  if (2 * (s->count + 1) > s->capacity && set_grow(s) != 0) return -1;
  uint64_t h = hash_id(id);
  id_entry *e = set_slot(s, id, h);
  if (e->hash != 0) return 0;
  size_t len = strlen(id) + 1;
  if (s->used + len > s->size) {
    size_t size = s->size ? 2 * s->size : 65536;
    char *arena = realloc(s->arena, size);
    if (arena == NULL) return -1;
    s->arena = arena;
    s->size = size;
  }
  memcpy(s->arena + s->used, id, len);
  *e = (id_entry){h, s->used, row, line};
  s->used += len;
  s->count++;
  return 0;
}

static void set_free(id_set *s) {
  free(s->slots);
  free(s->arena);
  memset(s, 0, sizeof *s);
}

/* ---- the reader -------------------------------------------------------------- */

struct par_loans {
  const par_request *q;
  FILE *file;
  ml_csv_reader *csv;
  size_t id_col;
  size_t term_col[CLI_TERMS_OPTION_COUNT]; /* per loan-term flag */
  size_t given[CLI_TERMS_OPTION_COUNT];    /* the flags with a column */
  size_t given_count;
  size_t restructured_col;
  size_t by_col[PAR_MAX_BY];
  cli_option terms[CLI_TERMS_OPTION_COUNT]; /* the flags, refilled per row */
  int term_required[CLI_TERMS_OPTION_COUNT]; /* a required column's flag */
  size_t currency_flag;
  /* without a currency column every row's terms start the same: made
   * once (cli_terms_start), not per row */
  int same_start;
  ml_schedule_terms start;
  uint64_t rows;
  /* ascending ids: the previous valid id, for duplicates */
  char previous[ML_LOAN_ID_SIZE];
  long previous_line;
  /* the first pass, or the run taking the ids to ascend (assumed) */
  int ascending;
  int assumed;
  int order_broken; /* assumed, and a valid id descended */
  int unsorted;     /* par_loans_unsort */
  int read_whole;   /* the run read every row */
  int64_t total;
  char first_id[ML_LOAN_ID_SIZE], last_id[ML_LOAN_ID_SIZE]; /* valid ids */
  id_set ids;
  /* ascending ids: a second reader that looks ahead for an id */
  FILE *probe_file;
  ml_csv_reader *probe;
  char probe_id[ML_LOAN_ID_SIZE];
  int probe_state; /* 0: not started, 1: probe_id is its row, 2: done */
};

void par_loans_free(par_loans *l) {
  if (l == NULL) return;
  ml_csv_reader_free(l->csv);
  if (l->file != NULL) fclose(l->file);
  ml_csv_reader_free(l->probe);
  if (l->probe_file != NULL) fclose(l->probe_file);
  set_free(&l->ids);
  free(l);
}

static const char *const required_columns[] = {
    "loan_id", "principal", "rate", "term", "frequency", "method",
    "interest", "disbursed_on"};

/* The flag a column name gives ("first_due" -> "first-due",
 * "disbursed_on" -> "disbursed"), into flag; 0 when it is no flag name
 * form at all. */
static void flag_name_of(char *flag, size_t size, const char *column) {
  snprintf(flag, size, "%s", column);
  for (char *p = flag; *p != '\0'; p++) {
    if (*p == '_') *p = '-';
  }
  if (strcmp(flag, "disbursed-on") == 0) snprintf(flag, size, "disbursed");
}

static size_t flag_among(const cli_option *terms, const char *column) {
  char flag[96];
  if (strlen(column) >= sizeof flag) return ML_CSV_NO_COLUMN;
  flag_name_of(flag, sizeof flag, column);
  for (size_t i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    if (strcmp(terms[i].name, flag) == 0) return i;
  }
  return ML_CSV_NO_COLUMN;
}

static size_t term_flag_of(const par_loans *l, const char *column) {
  return flag_among(l->terms, column);
}

/* Whether par reads the column as something other than a segment. */
static int known_column(const cli_option *terms, const char *name) {
  return strcmp(name, "loan_id") == 0 || strcmp(name, "restructured") == 0 ||
         flag_among(terms, name) != ML_CSV_NO_COLUMN;
}

/* name in lower case without leading or trailing spaces, cut to size. */
static void plain_name(char *out, size_t size, const char *name) {
  while (*name == ' ') name++;
  size_t n = 0;
  for (; name[n] != '\0' && n + 1 < size; n++) {
    char c = name[n];
    out[n] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  while (n > 0 && out[n - 1] == ' ') n--;
  out[n] = '\0';
}

void par_loans_note_columns(const par_request *q, FILE *notes) {
  FILE *file = fopen(q->loans_path, "rb");
  ml_csv_reader *csv = NULL;
  if (file == NULL) return; /* the run says why */
  if (ml_csv_reader_new(&csv, file, NULL) == ML_OK) {
    cli_option terms[CLI_TERMS_OPTION_COUNT];
    cli_terms_options(terms);
    for (size_t c = 0; c < ml_csv_column_count(csv); c++) {
      const char *name = ml_csv_column_name(csv, c);
      char plain[96];
      if (strlen(name) >= sizeof plain) continue; /* no known name is so long */
      plain_name(plain, sizeof plain, name);
      if (known_column(terms, name) || !known_column(terms, plain)) continue;
      char quoted[CLI_QUOTE_SIZE];
      cli_quote(quoted, name);
      fprintf(notes,
              "mikrolan par: note: the loans file's column %s is a segment "
              "attribute, not %s: column names are exact (lower case, no "
              "spaces)\n",
              quoted, plain);
    }
  }
  ml_csv_reader_free(csv);
  fclose(file);
}

/* A problem at a header cell (column index c), or at the header line when
 * c is ML_CSV_NO_COLUMN. */
static int header_fail(const par_loans *l, size_t c, cli_error *err,
                       const char *message) {
  ml_error where = {0};
  where.line = ml_csv_record_line(l->csv);
  if (c != ML_CSV_NO_COLUMN) ml_csv_locate(l->csv, c, 0, &where);
  par_problem p;
  par_problem_set(&p, PAR_FILE_LOANS, where.line, where.column, "", "",
                  "%s", message);
  return par_problem_fail(err, &p, l->q);
}

/* Finds the loan id, the loan-term columns and restructured. */
static int map_terms(par_loans *l, cli_error *err) {
  size_t columns = ml_csv_column_count(l->csv);
  for (size_t i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    l->term_col[i] = ML_CSV_NO_COLUMN;
  }
  for (size_t c = 0; c < columns; c++) {
    const char *name = ml_csv_column_name(l->csv, c);
    size_t flag = term_flag_of(l, name);
    if (flag == ML_CSV_NO_COLUMN) continue;
    if (l->term_col[flag] != ML_CSV_NO_COLUMN) {
      char message[CLI_ERROR_MESSAGE_SIZE], first[CLI_QUOTE_SIZE],
          second[CLI_QUOTE_SIZE];
      cli_quote(first, ml_csv_column_name(l->csv, l->term_col[flag]));
      cli_quote(second, name);
      snprintf(message, sizeof message,
               "the columns %s and %s both give --%s; keep one", first,
               second, l->terms[flag].name);
      return header_fail(l, c, err, message);
    }
    l->term_col[flag] = c;
  }
  for (size_t i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    if (l->term_col[i] != ML_CSV_NO_COLUMN) l->given[l->given_count++] = i;
  }
  l->id_col = ml_csv_column_find(l->csv, "loan_id");
  l->restructured_col = ml_csv_column_find(l->csv, "restructured");
  return 0;
}

static int check_required(par_loans *l, cli_error *err) {
  for (size_t i = 0; i < sizeof required_columns / sizeof required_columns[0];
       i++) {
    const char *name = required_columns[i];
    size_t flag = i == 0 ? ML_CSV_NO_COLUMN : term_flag_of(l, name);
    if (flag != ML_CSV_NO_COLUMN) l->term_required[flag] = 1;
    int found = i == 0 ? l->id_col != ML_CSV_NO_COLUMN
                       : l->term_col[flag] != ML_CSV_NO_COLUMN;
    if (!found) {
      char message[CLI_ERROR_MESSAGE_SIZE];
      snprintf(message, sizeof message,
               "the header has no %s column; a loans file needs loan_id, "
               "principal, rate, term, frequency, method, interest and "
               "disbursed_on",
               name);
      return header_fail(l, ML_CSV_NO_COLUMN, err, message);
    }
  }
  return 0;
}

/* Every --by name is a column of the file. */
static int map_by(par_loans *l, cli_error *err) {
  for (size_t i = 0; i < l->q->by_count; i++) {
    l->by_col[i] = ml_csv_column_find(l->csv, l->q->by[i]);
    if (l->by_col[i] != ML_CSV_NO_COLUMN) continue;
    char names[CLI_ERROR_MESSAGE_SIZE / 2] = "";
    for (size_t c = 0; c < ml_csv_column_count(l->csv); c++) {
      size_t used = strlen(names);
      snprintf(names + used, sizeof names - used, "%s%s", c ? ", " : "",
               ml_csv_column_name(l->csv, c));
    }
    char quoted[CLI_QUOTE_SIZE];
    cli_quote(quoted, l->q->by[i]);
    return cli_fail(err, "by", "%s has no column %s; its columns are %s",
                    l->q->loans_path, quoted, names);
  }
  return 0;
}

/* ---- loan ids ---------------------------------------------------------------- */

/* NULL when id is a valid loan id, else what is wrong (into buf). */
static const char *id_problem(char *buf, size_t size, const char *id,
                              size_t *offset) {
  char quoted[CLI_QUOTE_SIZE]; /* filled only for a message: a valid id is
                             read twice per loan */
  size_t len = strlen(id);
  *offset = 0;
  if (len == 0) return "loan_id is empty; every loan needs an id";
  if (len >= ML_LOAN_ID_SIZE) {
    cli_quote(quoted, id);
    snprintf(buf, size, "loan_id %s is %zu bytes long; at most %d", quoted,
             len, ML_LOAN_ID_SIZE - 1);
    return buf;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)id[i];
    if (b < 0x20 || b == 0x7f) {
      *offset = i + 1;
      cli_quote(quoted, id);
      snprintf(buf, size,
               "loan_id %s has a control character (byte 0x%02x); expected "
               "printable text",
               quoted, (unsigned)b);
      return buf;
    }
  }
  return NULL;
}

static int valid_id(const char *id) {
  char buf[8];
  size_t offset;
  return strlen(id) < ML_LOAN_ID_SIZE && id_problem(buf, sizeof buf, id, &offset) == NULL;
}

/* The first pass: do the valid ids ascend? Counts the rows. */
static void scan_order(par_loans *l, ml_csv_reader *csv, size_t col) {
  char previous[ML_LOAN_ID_SIZE] = "";
  int has = 0, any = 0;
  int64_t rows = 0;
  l->ascending = 1;
  while (ml_csv_next(csv, &has, NULL) == ML_OK && has) {
    rows++;
    const char *id = ml_csv_field(csv, col);
    if (!valid_id(id)) continue;
    if (any && strcmp(id, previous) < 0) {
      l->ascending = 0;
      return;
    }
    memcpy(previous, id, strlen(id) + 1);
    if (!any) memcpy(l->first_id, id, strlen(id) + 1);
    any = 1;
  }
  memcpy(l->last_id, previous, sizeof previous);
  l->total = has ? -1 : rows;
}

/* The first pass when the ids do not ascend: every id and its first row. */
static int collect_ids(par_loans *l, ml_csv_reader *csv, size_t col,
                       cli_error *err) {
  int has = 0;
  int64_t rows = 0;
  ml_status st;
  while ((st = ml_csv_next(csv, &has, NULL)) == ML_OK && has) {
    const char *id = ml_csv_field(csv, col);
    if (valid_id(id) &&
        set_add(&l->ids, id, rows, ml_csv_record_line(csv)) != 0) {
      cli_fail(err, NULL, "out of memory for the loan ids");
      return CLI_EXIT_FAILURE;
    }
    rows++;
  }
  l->total = st == ML_OK ? rows : -1;
  return 0;
}

/* A reader over a fresh handle of the loans file, or NULL. */
static ml_csv_reader *reopen(const par_loans *l, FILE **file) {
  ml_csv_reader *csv = NULL;
  *file = par_open_file(l->q, 0);
  if (*file == NULL) return NULL;
  if (ml_csv_reader_new(&csv, *file, NULL) != ML_OK) {
    fclose(*file);
    *file = NULL;
    return NULL;
  }
  return csv;
}

/* Reads the file's ids once more for their order (l->ascending); a file
 * that cannot be read again leaves it as it was: the main pass reports
 * what is wrong with it. */
static void scan_file_order(par_loans *l) {
  FILE *file;
  ml_csv_reader *csv = reopen(l, &file);
  if (csv == NULL) return;
  scan_order(l, csv, l->id_col);
  ml_csv_reader_free(csv);
  fclose(file);
}

/* The order of the ids by a first pass, for a run that took them to
 * ascend and stopped early; 1 when they do not ascend. */
static int order_wrong_by_first_pass(par_loans *l) {
  scan_file_order(l);
  return !l->ascending;
}

int par_loans_abandoned(const par_loans *l) {
  return l->order_broken || l->unsorted;
}

void par_loans_unsort(par_loans *l) {
  ML_ASSERT(l->ascending);
  l->unsorted = 1;
}

par_order par_loans_order_wrong(par_loans *l) {
  if (l->unsorted) return PAR_ORDER_ID_SET;
  if (!l->assumed) return PAR_ORDER_ASSUMED;
  if (l->order_broken) return PAR_ORDER_FIRST_PASS;
  if (!l->read_whole) {
    return order_wrong_by_first_pass(l) ? PAR_ORDER_FIRST_PASS
                                        : PAR_ORDER_ASSUMED;
  }
  memcpy(l->last_id, l->previous, sizeof l->previous);
  return PAR_ORDER_ASSUMED;
}

static int first_pass(par_loans *l, par_order order, cli_error *err) {
  l->ascending = 1;
  l->total = -1;
  scan_file_order(l);
  if (order == PAR_ORDER_ID_SET) l->ascending = 0;
  if (l->ascending) return 0;
  FILE *file;
  ml_csv_reader *csv = reopen(l, &file);
  if (csv == NULL) return 0; /* the main pass reports what is wrong */
  int st = collect_ids(l, csv, l->id_col, err);
  ml_csv_reader_free(csv);
  fclose(file);
  return st;
}

/* Without a currency column, every row is in the report's currency: its
 * flag gets that value for good, and the terms every row starts from are
 * made once. */
static void prepare_start(par_loans *l) {
  cli_error e;
  if (l->term_col[l->currency_flag] != ML_CSV_NO_COLUMN) return;
  l->terms[l->currency_flag].value = l->q->currency.code;
  /* the report's currency was read already: this does not fail, and when
   * it did every row would read its terms the long way and say why */
  l->same_start = cli_terms_start(&l->start, l->terms, &e) == 0;
}

int par_loans_open(par_loans **out, const par_request *q, par_order order,
                   cli_error *err) {
  *out = NULL;
  par_loans *l = calloc(1, sizeof *l);
  if (l == NULL) {
    cli_fail(err, NULL, "out of memory");
    return CLI_EXIT_FAILURE;
  }
  l->q = q;
  cli_terms_options(l->terms);
  l->currency_flag = (size_t)(cli_terms_currency_option(l->terms) - l->terms);
  l->file = par_open_file(q, 0);
  if (l->file == NULL) {
    cli_fail(err, "loans", "cannot open %s: %s", q->loans_path,
             strerror(errno));
    par_loans_free(l);
    return CLI_EXIT_USAGE;
  }
  ml_error lib;
  errno = 0;
  ml_status st = ml_csv_reader_new(&l->csv, l->file, &lib);
  int rc = st != ML_OK ? par_read_fail(err, PAR_FILE_LOANS, st, &lib, l->q)
                        : map_terms(l, err);
  if (rc == 0) rc = check_required(l, err);
  if (rc == 0) rc = map_by(l, err);
  if (rc == 0 && (order != PAR_ORDER_ASSUMED || q->progress)) {
    rc = first_pass(l, order, err);
  } else {
    l->ascending = l->assumed = 1;
    l->total = -1;
  }
  if (rc == 0) prepare_start(l);
  if (rc != 0) {
    par_loans_free(l);
    return rc;
  }
  *out = l;
  return 0;
}

int par_loans_ascending(const par_loans *l) { return l->ascending; }
const char *par_loans_first_id(const par_loans *l) { return l->first_id; }
const char *par_loans_last_id(const par_loans *l) { return l->last_id; }
int64_t par_loans_total(const par_loans *l) { return l->total; }

int64_t par_loans_position(const par_loans *l, const char *id) {
  const id_entry *e = set_find(&l->ids, id);
  return e != NULL ? e->row : -1;
}

/* Moves the probe to its next row with a valid id; 0 at the end (or when
 * the file cannot be read: the main pass says why). */
static int probe_next(par_loans *l) {
  if (l->probe == NULL) l->probe = reopen(l, &l->probe_file);
  int has = 0;
  while (l->probe != NULL &&
         ml_csv_next(l->probe, &has, NULL) == ML_OK && has) {
    const char *id = ml_csv_field(l->probe, l->id_col);
    if (valid_id(id)) {
      memcpy(l->probe_id, id, strlen(id) + 1);
      return 1;
    }
  }
  return 0;
}

int par_loans_ahead(par_loans *l, const char *id) {
  ML_ASSERT(l->ascending);
  /* The ids asked for ascend, so the probe only ever moves forward: one
   * more pass over the file in all. */
  while (l->probe_state != 2 &&
         (l->probe_state == 0 || strcmp(l->probe_id, id) < 0)) {
    l->probe_state = probe_next(l) ? 1 : 2;
  }
  return l->probe_state == 1 && strcmp(l->probe_id, id) == 0;
}

size_t par_loans_column(const par_loans *l, const char *name) {
  return ml_csv_column_find(l->csv, name);
}

long par_loans_find_line(const par_loans *l, const char *id) {
  const id_entry *e = set_find(&l->ids, id);
  if (e != NULL) return e->line;
  FILE *file;
  ml_csv_reader *csv = reopen(l, &file);
  long line = 0;
  int has = 0;
  while (csv != NULL && line == 0 && ml_csv_next(csv, &has, NULL) == ML_OK &&
         has) {
    if (strcmp(ml_csv_field(csv, l->id_col), id) == 0) {
      line = ml_csv_record_line(csv);
    }
  }
  ml_csv_reader_free(csv);
  if (file != NULL) fclose(file);
  return line;
}

/* ---- a row ------------------------------------------------------------------- */

/* A problem about the value in column c of the current row (at the byte
 * offset, 0 = the cell's first byte). Marks the loan rejected. */
static void cell_problem(const par_loans *l, par_loan *loan, size_t c,
                         size_t offset, par_problem *p, const char *message) {
  ml_error where = {0};
  where.line = ml_csv_record_line(l->csv);
  const char *field = "";
  if (c != ML_CSV_NO_COLUMN) {
    ml_csv_locate(l->csv, c, offset, &where);
    field = ml_csv_column_name(l->csv, c);
  }
  par_problem_set(p, PAR_FILE_LOANS, where.line, where.column, field,
                  loan->id, "%s", message);
  loan->rejected = 1;
}

/* The id: valid, and not the id of an earlier row. */
static void read_id(par_loans *l, par_loan *loan, par_problem *p) {
  const char *id = ml_csv_field(l->csv, l->id_col);
  char message[PAR_MESSAGE_SIZE];
  size_t offset;
  const char *wrong = id_problem(message, sizeof message, id, &offset);
  if (wrong != NULL) {
    cell_problem(l, loan, l->id_col, offset, p, wrong);
    return;
  }
  memcpy(loan->id, id, strlen(id) + 1);
  long earlier = 0;
  if (l->ascending) {
    int order = strcmp(id, l->previous);
    if (l->assumed && l->first_id[0] == '\0') {
      memcpy(l->first_id, id, strlen(id) + 1);
    } else if (l->assumed && order < 0) {
      l->order_broken = 1;
      return;
    }
    if (order == 0) earlier = l->previous_line;
    memcpy(l->previous, id, strlen(id) + 1);
    if (earlier == 0) l->previous_line = loan->line;
  } else {
    const id_entry *e = set_find(&l->ids, id);
    if (e != NULL && e->line != loan->line) earlier = e->line;
  }
  if (earlier != 0) {
    char quoted[CLI_QUOTE_SIZE];
    cli_quote(quoted, id);
    snprintf(message, sizeof message,
             "loan_id %s is a duplicate: line %ld has the same id", quoted,
             earlier);
    cell_problem(l, loan, l->id_col, 0, p, message);
  }
}

/* The column that gives flag `name` ("--first-due" -> its index), or
 * ML_CSV_NO_COLUMN. */
static size_t column_of_flag(const par_loans *l, const char *flag) {
  if (strncmp(flag, "--", 2) == 0) flag += 2;
  for (size_t i = 0; i < CLI_TERMS_OPTION_COUNT; i++) {
    if (strcmp(l->terms[i].name, flag) == 0) return l->term_col[i];
  }
  return ML_CSV_NO_COLUMN;
}

static void terms_problem(const par_loans *l, par_loan *loan,
                          const cli_error *e, par_problem *p) {
  size_t c = column_of_flag(l, e->flag);
  cell_problem(l, loan, c, 0, p, e->message);
  if (c == ML_CSV_NO_COLUMN && e->flag[0] != '\0') {
    /* a flag the file has no column for: its default */
    snprintf(p->field, sizeof p->field, "%s", e->flag + 2);
  }
}

/* "1", "yes", "true": 1; "", "0", "no", "false": 0; else -1. */
static int flag_value(const char *text) {
  static const char *const yes[] = {"1", "yes", "true"};
  static const char *const no[] = {"", "0", "no", "false"};
  for (size_t i = 0; i < 4; i++) {
    if (i < 3 && strcmp(text, yes[i]) == 0) return 1;
    if (strcmp(text, no[i]) == 0) return 0;
  }
  return -1;
}

/* Puts each loan-term cell into its flag's value, as if given on the
 * command line; -1 with a problem for a bad yes/no cell. (The flags
 * without a column keep the value prepare_start gave them.) */
static int fill_flags(par_loans *l, par_loan *loan, par_problem *p) {
  for (size_t k = 0; k < l->given_count; k++) {
    size_t i = l->given[k], c = l->term_col[i];
    cli_option *o = &l->terms[i];
    o->value = ml_csv_field(l->csv, c);
    if (!o->takes_value) {
      int on = flag_value(o->value);
      if (on < 0) {
        char quoted[CLI_QUOTE_SIZE], message[PAR_MESSAGE_SIZE];
        cli_quote(quoted, o->value);
        snprintf(message, sizeof message,
                 "%s is not a yes/no value; expected 1, yes, true, 0, no, "
                 "false or empty",
                 quoted);
        cell_problem(l, loan, c, 0, p, message);
        return -1;
      }
      o->value = on ? "" : NULL;
    } else if (o->value[0] == '\0' && !l->term_required[i]) {
      o->value = NULL; /* an optional term left empty: its default */
    }
  }
  return 0;
}

static void read_terms(par_loans *l, par_loan *loan, par_problem *p) {
  cli_error e;
  if (fill_flags(l, loan, p) != 0) return;
  int st = l->same_start
               ? cli_terms_read_from(&loan->terms, &l->start, l->terms,
                                     l->given, l->given_count, &e)
               : cli_terms_read(&loan->terms, l->terms, &e);
  if (st != 0) {
    terms_problem(l, loan, &e, p);
    return;
  }
  if (strcmp(loan->terms.currency.code, l->q->currency.code) != 0) {
    char message[PAR_MESSAGE_SIZE];
    snprintf(message, sizeof message,
             "currency %s is not the report's currency %s (see --currency)",
             loan->terms.currency.code, l->q->currency.code);
    cell_problem(l, loan, l->term_col[l->currency_flag], 0, p, message);
    return;
  }
  ml_error lib;
  if (ml_schedule_validate(&loan->terms, &lib) != ML_OK) {
    cli_terms_fail(&e, &loan->terms, &lib);
    terms_problem(l, loan, &e, p);
  }
}

static void read_restructured(par_loans *l, par_loan *loan, par_problem *p) {
  loan->restructured = 0;
  if (l->restructured_col == ML_CSV_NO_COLUMN) return;
  const char *text = ml_csv_field(l->csv, l->restructured_col);
  int on = flag_value(text);
  if (on >= 0) {
    loan->restructured = on;
    return;
  }
  char quoted[CLI_QUOTE_SIZE], message[PAR_MESSAGE_SIZE];
  cli_quote(quoted, text);
  snprintf(message, sizeof message,
           "restructured %s is not a yes/no value; expected 1, yes, true, 0, "
           "no, false or empty",
           quoted);
  cell_problem(l, loan, l->restructured_col, 0, p, message);
}

/* The segment key: the --by cells joined by PAR_KEY_SEPARATOR. */
static void read_key(par_loans *l, par_loan *loan, par_problem *p) {
  size_t used = 0;
  loan->key[0] = '\0';
  for (size_t i = 0; i < l->q->by_count; i++) {
    const char *value = ml_csv_field(l->csv, l->by_col[i]);
    size_t len = ml_csv_field_length(l->csv, l->by_col[i]);
    const char *separator = memchr(value, PAR_KEY_SEPARATOR, len);
    if (separator != NULL) {
      cell_problem(l, loan, l->by_col[i], (size_t)(separator - value) + 1, p,
                   "a segment value holds the byte 0x1f, which separates "
                   "the --by values");
      return;
    }
    /* the key so far, the separator before this value, the value; its NUL
     * must fit too */
    size_t key_length = used + (i > 0) + len;
    if (key_length >= ML_PORTFOLIO_MAX_KEY) {
      char message[PAR_MESSAGE_SIZE];
      snprintf(message, sizeof message,
               "the segment's values are %zu bytes long together (with a "
               "byte between each two); at most %d",
               key_length, ML_PORTFOLIO_MAX_KEY - 1);
      cell_problem(l, loan, l->by_col[i], 0, p, message);
      return;
    }
    if (i > 0) loan->key[used++] = PAR_KEY_SEPARATOR;
    memcpy(loan->key + used, value, len);
    used += len;
    loan->key[used] = '\0';
  }
}

int par_loans_next(par_loans *l, par_loan *loan, int *has, par_problem *p,
                   cli_error *err) {
  ml_error lib;
  errno = 0;
  ml_status st = ml_csv_next(l->csv, has, &lib);
  if (st != ML_OK) return par_read_fail(err, PAR_FILE_LOANS, st, &lib, l->q);
  if (!*has) {
    l->read_whole = 1;
    return 0;
  }
  loan->seq = 2 * l->rows++ + 1; /* problems before it get 2 * row */
  loan->line = ml_csv_record_line(l->csv);
  loan->id[0] = '\0';
  loan->rejected = 0;
  read_id(l, loan, p);
  if (l->order_broken) {
    *has = 0; /* the run is made again */
    return 0;
  }
  if (!loan->rejected) read_terms(l, loan, p);
  if (!loan->rejected) read_restructured(l, loan, p);
  if (!loan->rejected) read_key(l, loan, p);
  return 0;
}

size_t par_key_split(const char *key, const char **values, size_t *lengths,
                     size_t max) {
  size_t n = 0;
  const char *start = key;
  for (const char *p = key;; p++) {
    if (*p == PAR_KEY_SEPARATOR || *p == '\0') {
      if (n < max) {
        values[n] = start;
        lengths[n] = (size_t)(p - start);
      }
      n++;
      start = p + 1;
      if (*p == '\0') break;
    }
  }
  return n;
}

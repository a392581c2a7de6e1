/*
 * cli/par_sorted.c — `mikrolan par --sort-events`: the whole events file
 * in memory, indexed by loan id, so that the events may come in any order
 * (by date, say, with the rows of many loans interleaved).
 *
 * Each row is kept as CSV text with its line and where each of its cells
 * began in the file. When a loans row asks for its events, that loan's
 * rows (in file order) are put after the header in a small CSV text and
 * read by the library's journal reader, so that every event is read and
 * checked exactly as in a streamed run; a problem's line and column are
 * then turned back into the file's.
 *
 * Memory: each event row's text and 24 bytes (its line, place and next
 * row) plus about 60 bytes per loan; it grows with the file. Where each
 * cell began is kept only for the rare row with a quoted cell: a plain
 * row's text is its line, so its cells begin where its commas say.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "par_events.h"

#define QUOTED_BIT UINT32_C(0x80000000)
#define MAX_ROWS UINT32_C(0xfffffffe)

typedef struct sorted_row {
  long line;
  size_t text; /* offset of its CSV text (with its '\n') */
  uint32_t length;
  uint32_t next; /* index + 1 of the loan's next row; 0 = the last */
} sorted_row;

typedef struct loan_entry {
  uint64_t hash; /* 0: empty slot */
  size_t id;     /* offset of the id in the ids arena */
  uint32_t first, last; /* row index + 1 */
  int taken;
} loan_entry;

/* A growing byte arena. */
typedef struct arena {
  char *bytes;
  size_t used, size;
} arena;

struct par_sorted {
  par_merge *m;
  ml_journal_options options;
  size_t columns;
  char **names; /* the header's column names */
  arena header;
  sorted_row *rows;
  size_t row_count, row_capacity;
  /* the rows whose text is not their line (a quoted cell), ascending, and
   * per such row and column: its column in the file | QUOTED_BIT */
  uint32_t *quoted_rows, *quoted_starts;
  size_t quoted_count, quoted_capacity;
  arena text;
  loan_entry *loans;
  size_t loan_count, loan_capacity;
  arena ids;
  arena buffer;     /* one loan's CSV */
  long *row_lines;  /* per row of that CSV: its first line in the buffer */
  uint32_t *row_of; /* and its index */
  size_t loan_rows_capacity;
  par_group group;
};

static int out_of_memory(cli_error *err) {
  cli_fail(err, NULL, "out of memory for --sort-events");
  return CLI_EXIT_FAILURE;
}

static int arena_put(arena *a, const char *bytes, size_t n) {
  if (n == 0) return 0; /* also before the first block: no offset to NULL */
  if (a->used + n > a->size) {
    size_t size = a->size ? a->size : 65536;
    while (size < a->used + n) size *= 2;
    char *grown = realloc(a->bytes, size);
    if (grown == NULL) return -1;
    a->bytes = grown;
    a->size = size;
  }
  memcpy(a->bytes + a->used, bytes, n);
  a->used += n;
  return 0;
}

/* A field as CSV: quoted when it holds a separator, a quote or a line
 * break. */
static int put_field(arena *a, const char *text, int first) {
  int st = first ? 0 : arena_put(a, ",", 1);
  if (strpbrk(text, ",\"\r\n") == NULL) {
    return st != 0 ? st : arena_put(a, text, strlen(text));
  }
  if (st == 0) st = arena_put(a, "\"", 1);
  for (const char *p = text; st == 0 && *p != '\0'; p++) {
    st = *p == '"' ? arena_put(a, "\"\"", 2) : arena_put(a, p, 1);
  }
  return st != 0 ? st : arena_put(a, "\"", 1);
}

/* ---- the index of loans ---------------------------------------------------- */

static uint64_t hash_id(const char *id) { /* FNV-1a, never 0 */
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
    h = (h ^ *p) * UINT64_C(0x100000001b3);
  }
  return h == 0 ? 1 : h;
}

static loan_entry *slot_of(const par_sorted *s, const char *id, uint64_t h) {
  size_t mask = s->loan_capacity - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    loan_entry *e = &s->loans[i];
    if (e->hash == 0) return e;
    if (e->hash == h && strcmp(s->ids.bytes + e->id, id) == 0) return e;
  }
}

static int grow_loans(par_sorted *s) {
  size_t capacity = s->loan_capacity ? 2 * s->loan_capacity : 4096;
  loan_entry *old = s->loans;
  size_t old_capacity = s->loan_capacity;
  s->loans = calloc(capacity, sizeof *s->loans);
  if (s->loans == NULL) {
    s->loans = old;
    return -1;
  }
  s->loan_capacity = capacity;
  for (size_t i = 0; i < old_capacity; i++) {
    if (old[i].hash != 0) {
      *slot_of(s, s->ids.bytes + old[i].id, old[i].hash) = old[i];
    }
  }
  free(old);
  return 0;
}

/* Links row index r to the loan id's entry. */
static int link_row(par_sorted *s, const char *id, uint32_t r) {
  if (2 * (s->loan_count + 1) > s->loan_capacity && grow_loans(s) != 0) {
    return -1;
  }
  uint64_t h = hash_id(id);
  loan_entry *e = slot_of(s, id, h);
  if (e->hash == 0) {
    size_t at = s->ids.used;
    if (arena_put(&s->ids, id, strlen(id) + 1) != 0) return -1;
    *e = (loan_entry){h, at, r + 1, r + 1, 0};
    s->loan_count++;
    return 0;
  }
  s->rows[e->last - 1].next = r + 1;
  e->last = r + 1;
  return 0;
}

/* ---- reading the file ------------------------------------------------------ */

static int reserve_row(par_sorted *s) {
  if (s->row_count < s->row_capacity) return 0;
  size_t capacity = s->row_capacity ? 2 * s->row_capacity : 16384;
  sorted_row *rows = realloc(s->rows, capacity * sizeof *rows);
  if (rows == NULL) return -1;
  s->rows = rows;
  s->row_capacity = capacity;
  return 0;
}

/* Keeps the cell starts of row r, which has a quoted cell. */
static int keep_quoted_starts(par_sorted *s, uint32_t r,
                              const uint32_t *starts) {
  if (s->quoted_count == s->quoted_capacity) {
    size_t capacity = s->quoted_capacity ? 2 * s->quoted_capacity : 256;
    uint32_t *rows = realloc(s->quoted_rows, capacity * sizeof *rows);
    if (rows == NULL) return -1;
    s->quoted_rows = rows;
    uint32_t *grown =
        realloc(s->quoted_starts, capacity * s->columns * sizeof *grown);
    if (grown == NULL) return -1;
    s->quoted_starts = grown;
    s->quoted_capacity = capacity;
  }
  s->quoted_rows[s->quoted_count] = r;
  memcpy(&s->quoted_starts[s->quoted_count * s->columns], starts,
         s->columns * sizeof *starts);
  s->quoted_count++;
  return 0;
}

/* The column of cell c in the file, with QUOTED_BIT when it is quoted. */
static uint32_t cell_start(const ml_csv_reader *csv, size_t c) {
  ml_error at = {0}, inside = {0};
  ml_csv_locate(csv, c, 0, &at);
  ml_csv_locate(csv, c, 1, &inside);
  return (uint32_t)at.column | (inside.column != at.column ? QUOTED_BIT : 0);
}

/* Puts the cells' starts into starts when the record is the plain line
 * its texts joined by commas make, none quoted; 0 when it is not. A quoted
 * cell takes at least two bytes more than its text, and one on another
 * line a line more, so the last cell starts where the lengths say, on the
 * record's line and unquoted, only when no cell is quoted. */
static int plain_cell_starts(const ml_csv_reader *csv, size_t columns,
                             uint32_t *starts) {
  ML_ASSERT(columns >= 1 && columns <= ML_CSV_MAX_COLUMNS);
  size_t column = 1;
  for (size_t c = 0; c < columns; c++) {
    if (column > UINT32_MAX / 2) return 0;
    starts[c] = (uint32_t)column;
    column += ml_csv_field_length(csv, c) + 1;
  }
  ml_error at, inside; /* ml_csv_locate sets the field, line and column;
                         zeroing the rest cost a quarter of the reading */
  ml_csv_locate(csv, columns - 1, 0, &at);
  ml_csv_locate(csv, columns - 1, 1, &inside);
  return at.line == ml_csv_record_line(csv) &&
         at.column == (long)starts[columns - 1] && inside.column == at.column;
}

/* Stores the reader's current record: its text and line, and the cell
 * starts of a record with a quoted cell. A plain record's text is its
 * cells joined by commas: an unquoted cell holds no comma, quote, CR or
 * line feed (the reader rejects those). */
static int store_row(par_sorted *s, const ml_csv_reader *csv, size_t id_col) {
  if (s->row_count >= MAX_ROWS || reserve_row(s) != 0) return -1;
  uint32_t r = (uint32_t)s->row_count;
  sorted_row *row = &s->rows[r];
  row->line = ml_csv_record_line(csv);
  row->text = s->text.used;
  row->next = 0;
  uint32_t starts[ML_CSV_MAX_COLUMNS];
  int plain = plain_cell_starts(csv, s->columns, starts);
  for (size_t c = 0; c < s->columns; c++) {
    if (!plain) {
      if (put_field(&s->text, ml_csv_field(csv, c), c == 0) != 0) return -1;
      starts[c] = cell_start(csv, c);
    } else if ((c > 0 && arena_put(&s->text, ",", 1) != 0) ||
               arena_put(&s->text, ml_csv_field(csv, c),
                         ml_csv_field_length(csv, c)) != 0) {
      return -1;
    }
  }
  if (arena_put(&s->text, "\n", 1) != 0 ||
      (!plain && keep_quoted_starts(s, r, starts) != 0)) {
    return -1;
  }
  row->length = (uint32_t)(s->text.used - row->text);
  s->row_count++;
  return link_row(s, ml_csv_field(csv, id_col), r);
}

static int keep_header(par_sorted *s, const ml_csv_reader *csv) {
  s->columns = ml_csv_column_count(csv);
  s->names = calloc(s->columns, sizeof *s->names);
  if (s->names == NULL) return -1;
  for (size_t c = 0; c < s->columns; c++) {
    const char *name = ml_csv_column_name(csv, c);
    s->names[c] = malloc(strlen(name) + 1);
    if (s->names[c] == NULL) return -1;
    memcpy(s->names[c], name, strlen(name) + 1);
    if (put_field(&s->header, name, c == 0) != 0) return -1;
  }
  return arena_put(&s->header, "\n", 1);
}

/* A CSV problem that ends the reading: out of memory says for what. */
static int csv_fail(const par_sorted *s, ml_status st, const ml_error *lib,
                    cli_error *err) {
  if (st == ML_ENOMEM) return out_of_memory(err);
  return par_read_fail(err, PAR_FILE_EVENTS, st, lib, s->m->q);
}

/* The header through the journal reader (its checks and messages), then
 * every row through a plain CSV reader. */
static int read_file(par_sorted *s, FILE *file, cli_error *err) {
  ml_journal_reader *journal = NULL;
  ml_csv_reader *csv = NULL;
  ml_error lib;
  errno = 0;
  ml_status st = ml_journal_reader_new(&journal, file, &s->options, &lib);
  ml_journal_reader_free(journal);
  if (st != ML_OK) return csv_fail(s, st, &lib, err);
  rewind(file);
  st = ml_csv_reader_new(&csv, file, &lib);
  if (st != ML_OK) return csv_fail(s, st, &lib, err);
  size_t id_col = ml_csv_column_find(csv, "loan_id");
  int has = 0, rc = keep_header(s, csv) != 0 ? out_of_memory(err) : 0;
  while (rc == 0 && (st = ml_csv_next(csv, &has, &lib)) == ML_OK && has) {
    if (store_row(s, csv, id_col) != 0) rc = out_of_memory(err);
  }
  if (rc == 0 && st != ML_OK) rc = csv_fail(s, st, &lib, err);
  ml_csv_reader_free(csv);
  return rc;
}

int par_sorted_open(par_sorted **out, par_merge *m, cli_error *err) {
  *out = NULL;
  par_sorted *s = calloc(1, sizeof *s);
  if (s == NULL) return out_of_memory(err);
  s->m = m;
  ml_journal_options_init(&s->options);
  s->options.currency = m->q->currency;
  /* Each text read holds the rows of one loan id: "sorted" checks that
   * with one comparison, where "grouped" would build a set of seen ids
   * (a 24 KiB table) for every loan. */
  s->options.grouping = ML_JOURNAL_SORTED;
  s->group.events = malloc(ML_LOAN_MAX_EVENTS * sizeof *s->group.events);
  s->group.lines = malloc(ML_LOAN_MAX_EVENTS * sizeof *s->group.lines);
  if (s->group.events == NULL || s->group.lines == NULL) {
    par_sorted_free(s);
    return out_of_memory(err);
  }
  FILE *file = par_open_file(m->q, 1);
  if (file == NULL) {
    par_sorted_free(s);
    return cli_fail(err, "events", "cannot open %s: %s", m->q->events_path,
                    strerror(errno));
  }
  par_events_find_id_column(m, file);
  int rc = read_file(s, file, err);
  fclose(file);
  if (rc != 0) {
    par_sorted_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

void par_sorted_free(par_sorted *s) {
  if (s == NULL) return;
  for (size_t c = 0; s->names != NULL && c < s->columns; c++) {
    free(s->names[c]);
  }
  free(s->names);
  free(s->header.bytes);
  free(s->rows);
  free(s->quoted_rows);
  free(s->quoted_starts);
  free(s->text.bytes);
  free(s->loans);
  free(s->ids.bytes);
  free(s->buffer.bytes);
  free(s->row_lines);
  free(s->row_of);
  free(s->group.events);
  free(s->group.lines);
  free(s);
}

/* ---- one loan ------------------------------------------------------------------- */

static int reserve_loan_rows(par_sorted *s, size_t n) {
  if (n <= s->loan_rows_capacity) return 0;
  long *lines = realloc(s->row_lines, n * sizeof *lines);
  if (lines == NULL) return -1;
  s->row_lines = lines;
  uint32_t *rows = realloc(s->row_of, n * sizeof *rows);
  if (rows == NULL) return -1;
  s->row_of = rows;
  s->loan_rows_capacity = n;
  return 0;
}

static long newlines(const char *text, size_t n) {
  long count = 0;
  for (size_t i = 0; i < n; i++) count += text[i] == '\n';
  return count;
}

/* The header and the loan's rows as one CSV text in s->buffer; the
 * number of rows into *n. */
static int build_csv(par_sorted *s, const loan_entry *e, size_t *n) {
  size_t count = 0;
  for (uint32_t r = e->first; r != 0; r = s->rows[r - 1].next) count++;
  if (reserve_loan_rows(s, count) != 0) return -1;
  s->buffer.used = 0;
  if (arena_put(&s->buffer, s->header.bytes, s->header.used) != 0) return -1;
  long line = 1 + newlines(s->header.bytes, s->header.used);
  size_t k = 0;
  for (uint32_t r = e->first; r != 0; r = s->rows[r - 1].next, k++) {
    const sorted_row *row = &s->rows[r - 1];
    s->row_lines[k] = line;
    s->row_of[k] = r - 1;
    if (arena_put(&s->buffer, s->text.bytes + row->text, row->length) != 0) {
      return -1;
    }
    line += newlines(s->text.bytes + row->text, row->length);
  }
  *n = count;
  return 0;
}

/* The loan's row that holds buffer line `line`. */
static uint32_t row_at(const par_sorted *s, size_t n, long line) {
  size_t k = 0;
  while (k + 1 < n && s->row_lines[k + 1] <= line) k++;
  return s->row_of[k];
}

/* Byte offset in the row's text where cell c begins (as written). */
static size_t cell_offset(const char *text, size_t c) {
  size_t at = 0, cell = 0;
  int quoted = 0;
  for (; cell < c && text[at] != '\n'; at++) {
    if (text[at] == '"') quoted = !quoted;
    if (text[at] == ',' && !quoted) cell++;
  }
  return at;
}

/* The column of row r's cell c in the file, with QUOTED_BIT when it is
 * quoted: kept for a row with a quoted cell, else where the row's text
 * (its line) has it. */
static uint32_t start_of(const par_sorted *s, uint32_t r, size_t c) {
  size_t lo = 0, hi = s->quoted_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->quoted_rows[mid] < r) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < s->quoted_count && s->quoted_rows[lo] == r) {
    return s->quoted_starts[lo * s->columns + c];
  }
  return (uint32_t)cell_offset(s->text.bytes + s->rows[r].text, c) + 1;
}

/* Turns the buffer's line and column in *lib into the file's. */
static void locate_in_file(const par_sorted *s, size_t n, ml_error *lib) {
  if (lib->line <= 1 || n == 0) return;
  uint32_t r = row_at(s, n, lib->line);
  const sorted_row *row = &s->rows[r];
  size_t k = 0;
  while (s->row_of[k] != r) k++;
  size_t c = 0;
  while (c < s->columns && strcmp(s->names[c], lib->field) != 0) c++;
  long buffer_line = lib->line;
  lib->line = row->line;
  if (c == s->columns || lib->column <= 0) return;
  uint32_t start = start_of(s, r, c);
  long file_start = (long)(start & ~QUOTED_BIT);
  if (buffer_line != s->row_lines[k]) { /* inside a multi-line cell */
    lib->column = file_start;
    return;
  }
  const char *text = s->text.bytes + row->text;
  size_t at = cell_offset(text, c);
  long offset = lib->column - 1 - (long)at; /* 0: the cell's first byte */
  int buffer_quoted = text[at] == '"';
  int file_quoted = (start & QUOTED_BIT) != 0;
  lib->column = offset <= 0 ? file_start
                            : file_start + offset + file_quoted - buffer_quoted;
}

/* Reads the loan of entry e through the journal reader into s->group. */
static int read_loan(par_sorted *s, const loan_entry *e, cli_error *err) {
  size_t n = 0;
  if (build_csv(s, e, &n) != 0) return out_of_memory(err);
  par_group *g = &s->group;
  ml_journal_reader *reader = NULL;
  ml_error lib;
  size_t count = 0;
  ml_status st = ml_journal_reader_new_memory(&reader, s->buffer.bytes,
                                              s->buffer.used, &s->options, &lib);
  if (st == ML_OK) {
    st = ml_journal_next_loan(reader, g->id, g->events, g->lines,
                              ML_LOAN_MAX_EVENTS, &count, &lib);
  }
  ml_journal_reader_free(reader);
  if (st == ML_ENOMEM) return out_of_memory(err);
  g->bad = st != ML_OK;
  g->code = st;
  g->count = count;
  if (g->bad) {
    locate_in_file(s, n, &lib);
    par_problem_from_error(&g->problem, PAR_FILE_EVENTS, &lib, g->id);
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    g->lines[i] = s->rows[row_at(s, n, g->lines[i])].line;
  }
  return 0;
}

int par_sorted_take(par_sorted *s, const char *id, par_group **group,
                    int *found, cli_error *err) {
  *found = 0;
  *group = &s->group;
  if (s->loan_capacity == 0) return 0;
  loan_entry *e = slot_of(s, id, hash_id(id));
  if (e->hash == 0 || e->taken) return 0;
  e->taken = 1;
  *found = 1;
  return read_loan(s, e, err);
}

/* A problem for an id no loans row took: the reader's, when one of its
 * rows is bad, else that the loan is unknown. */
static int unknown_loan(par_sorted *s, par_merge *m, const loan_entry *e,
                        cli_error *err) {
  int st = read_loan(s, e, err);
  if (st != 0) return st;
  par_problem p = s->group.problem;
  if (!s->group.bad) {
    const char *id = s->ids.bytes + e->id;
    uint32_t first = e->first - 1;
    size_t id_col = 0;
    while (id_col < s->columns && strcmp(s->names[id_col], "loan_id") != 0) {
      id_col++;
    }
    uint32_t start = start_of(s, first, id_col);
    char quoted[CLI_QUOTE_SIZE];
    cli_quote(quoted, id);
    par_problem_set(&p, PAR_FILE_EVENTS, s->rows[first].line,
                    (long)(start & ~QUOTED_BIT), "loan_id", id,
                    "no loan %s in %s", quoted, m->q->loans_path);
  }
  return par_merge_problem(m, &p, m->seq) == 0 ? 0 : out_of_memory(err);
}

int par_sorted_finish(par_sorted *s, par_merge *m, cli_error *err) {
  int st = 0;
  for (size_t i = 0; st == 0 && i < s->loan_capacity; i++) {
    if (s->loans[i].hash != 0 && !s->loans[i].taken) {
      st = unknown_loan(s, m, &s->loans[i], err);
    }
  }
  return st;
}

/*
 * lib/journal_io.c — loan journals as CSV, and the CSV reports
 * (mikrolan/io.h).
 *
 * The reader streams loan by loan over ml_csv_reader: a loan ends at the
 * first row with another loan id, which stays in the CSV reader as the
 * next loan's first row. Row values are only read here (their syntax, and
 * which columns a type needs); whether an event makes sense in its journal
 * is the loan layer's question (ml_loan_append).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv_line.h"
#include "internal.h"
#include "ledger.h"
#include "mikrolan/io.h"
#include "plain_parse.h"
#include "utf8.h"

/* ---- the columns ------------------------------------------------------------ */

typedef enum column {
  COL_LOAN_ID,
  COL_DATE,
  COL_TYPE,
  COL_AMOUNT,
  COL_REF,
  COL_ID,
  COL_COMPONENT,
  COL_TARGET,
  COL_RATE,
  COL_TERM,
  COL_GRACE,
  COL_INSTALLMENT,
  COLUMN_KINDS
} column;

enum {
  REQUIRED_COLUMNS = COL_REF + 1,
  /* the columns every row type may use */
  LEADING_COLUMNS = COL_ID + 1,
  /* the columns after id, which only some types use */
  FIRST_OPTIONAL = COL_COMPONENT,
  OPTIONAL_COLUMNS = COLUMN_KINDS - FIRST_OPTIONAL
};

/* In the order the writer writes them. */
static const char *const column_names[COLUMN_KINDS] = {
    "loan_id", "date", "type", "amount", "ref", "id",
    "component", "target", "rate", "term", "grace_principal", "installment"};

/* ---- the set of loan ids seen ------------------------------------------------ */

typedef struct seen_entry {
  uint64_t hash;   /* 0 = empty slot */
  size_t offset;   /* of the id in the arena */
  long line;       /* where the loan began */
} seen_entry;

typedef struct id_set {
  seen_entry *slots;
  size_t capacity, count; /* capacity a power of two, or 0 */
  char *arena;
  size_t arena_used, arena_size;
} id_set;

static uint64_t hash_id(const char *id) { /* FNV-1a, never 0 */
  uint64_t h = 0xcbf29ce484222325u;
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
    h = (h ^ *p) * 0x100000001b3u;
  }
  return h == 0 ? 1 : h;
}

/* The slot of id, or the empty slot where it would go. */
static seen_entry *set_slot(const id_set *s, const char *id, uint64_t h) {
  size_t mask = s->capacity - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    seen_entry *e = &s->slots[i];
    if (e->hash == 0) return e;
    if (e->hash == h && strcmp(s->arena + e->offset, id) == 0) return e;
  }
}

/* The set starts small and doubles: a reader of one loan's journal (or
 * of a few) then allocates a few hundred bytes, not 40 KiB, and a large
 * file pays a few more doublings. */
enum { FIRST_SLOTS = 16, FIRST_ARENA = 256 };

static int set_grow(id_set *s) {
  size_t capacity = s->capacity ? s->capacity * 2 : FIRST_SLOTS;
  seen_entry *slots = calloc(capacity, sizeof *slots);
  if (slots == NULL) return 0;
  id_set bigger = *s;
  bigger.slots = slots;
  bigger.capacity = capacity;
  for (size_t i = 0; i < s->capacity; i++) {
    const seen_entry *e = &s->slots[i];
    if (e->hash != 0) {
      *set_slot(&bigger, s->arena + e->offset, e->hash) = *e;
    }
  }
  free(s->slots);
  *s = bigger;
  return 1;
}

static int set_store(id_set *s, const char *id, size_t len) {
  if (s->arena_used + len + 1 > s->arena_size) {
    size_t size = s->arena_size ? s->arena_size * 2 : FIRST_ARENA;
    char *arena = realloc(s->arena, size);
    if (arena == NULL) return 0;
    s->arena = arena;
    s->arena_size = size;
  }
  memcpy(s->arena + s->arena_used, id, len + 1);
  return 1;
}

/* Adds id; *earlier = the line where it began when it was already there
 * (then nothing is added), else 0. 0 when memory ran out. */
static int set_add(id_set *s, const char *id, long line, long *earlier) {
  *earlier = 0;
  if (2 * (s->count + 1) > s->capacity && !set_grow(s)) return 0;
  uint64_t h = hash_id(id);
  seen_entry *e = set_slot(s, id, h);
  if (e->hash != 0) {
    *earlier = e->line;
    return 1;
  }
  size_t len = strlen(id);
  if (!set_store(s, id, len)) return 0;
  *e = (seen_entry){h, s->arena_used, line};
  s->arena_used += len + 1;
  s->count++;
  return 1;
}

static void set_free(id_set *s) {
  free(s->slots);
  free(s->arena);
}

/* ---- the reader --------------------------------------------------------------- */

/* The texts of a row's leading columns (loan_id .. id; "" for a column
 * the file lacks), however the row was split. */
typedef struct common_cells {
  const char *text[LEADING_COLUMNS];
  size_t length[LEADING_COLUMNS];
  const char *readable_end; /* the texts may be read up to here; or NULL */
} common_cells;

/* A text of at most 16 bytes, with the masks that compare it with the
 * bytes of a line as two words (see short_text_at), made once per reader
 * or loan rather than once per line. */
typedef struct short_text {
  char text[16];      /* 0 past length */
  uint64_t low, high; /* ones over the text's bytes in each word */
  size_t length;
} short_text;

/* The 8 bytes at p as a word, the first in the lowest bits. */
static uint64_t load_word(const char *p) {
  uint64_t w;
  memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

/* The low `bytes` bytes of a word's worth (bytes <= 8). */
static uint64_t low_bytes(size_t bytes) {
  return bytes >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * bytes)) - 1;
}

static short_text short_text_of(const char *text, size_t length) {
  ML_ASSERT(length <= sizeof ((short_text *)0)->text);
  short_text t = {{0}, low_bytes(length),
                  length > 8 ? low_bytes(length - 8) : 0, length};
  memcpy(t.text, text, length);
  return t;
}

/* Whether the 16 readable bytes at p start with t's text. */
static int short_text_at(const char *p, const short_text *t) {
  return (((load_word(p) & t->low) ^ load_word(t->text)) |
          ((load_word(p + 8) & t->high) ^ load_word(t->text + 8))) == 0;
}

struct ml_journal_reader {
  ml_csv_reader *csv;
  ml_journal_options options;
  size_t at[COLUMN_KINDS]; /* CSV index of each column, or ML_CSV_NO_COLUMN */
  size_t optional_at[OPTIONAL_COLUMNS]; /* those the file has, of the
                                           columns from FIRST_OPTIONAL */
  size_t optional_count;
  /* reading common rows from bytes: the number of leading columns (0: not
   * this file) */
  size_t leading;
  size_t optional_after; /* the file's columns after the leading ones */
  /* the column kind of each leading field, in file order */
  unsigned char kind_of_field[LEADING_COLUMNS];
  int writer_order; /* the leading fields are every kind, in kind order */
  /* what follows a written line's id cell: a comma per optional column,
   * then the line feed; its length 0 when lines are not read as
   * written (see read_written_line) */
  short_text written_tail;
  /* the types with an amount only (what a common row may have), by
   * ml_event_type: each name (ml_event_type_name) with a comma after */
  short_text amount_types[4];
  int has_next_line; /* the loan ended at a plain line of the next loan,
                        not read: next_line, split into next_cells */
  ml_csv_line next_line;
  common_cells next_cells;
  int has_row;             /* the CSV reader holds a row not yet used */
  int skipping;            /* the rest of a rejected loan is to be skipped */
  char skip[ML_CSV_MAX_FIELD + 1];
  int has_previous; /* ML_JOURNAL_SORTED: the last loan id */
  char previous[ML_LOAN_ID_SIZE];
  id_set seen;
};

void ml_journal_options_init(ml_journal_options *options) {
  ML_ASSERT(options != NULL);
  options->currency = ml_currency_default();
  options->grouping = ML_JOURNAL_GROUPED;
}

/* The header's cell named like `name`, for errors about it. */
static ml_status header_error(const ml_csv_reader *csv, size_t index,
                              ml_status code, ml_error *err,
                              const char *message) {
  ml_error_set(err, code, "", 0, 0, "%s", message);
  ml_csv_locate(csv, index, 0, err);
  return code;
}

static ml_status unknown_column(const ml_csv_reader *csv, size_t index,
                                ml_error *err) {
  char quoted[64], message[ML_ERROR_MESSAGE_SIZE];
  ml_quote_input(quoted, sizeof quoted, ml_csv_column_name(csv, index));
  snprintf(message, sizeof message,
           "unknown column %s; a journal's columns are loan_id, date, type, "
           "amount, ref, id, component, target, rate, term, "
           "grace_principal and installment",
           quoted);
  return header_error(csv, index, ML_EINVAL, err, message);
}

/* Finds every known column and rejects unknown ones and missing required
 * ones. */
static ml_status map_columns(ml_journal_reader *r, ml_error *err) {
  const ml_csv_reader *csv = r->csv;
  for (int c = 0; c < COLUMN_KINDS; c++) {
    r->at[c] = ml_csv_column_find(csv, column_names[c]);
  }
  for (size_t i = 0; i < ml_csv_column_count(csv); i++) {
    int known = 0;
    for (int c = 0; c < COLUMN_KINDS; c++) known |= r->at[c] == i;
    if (!known) return unknown_column(csv, i, err);
  }
  for (int c = FIRST_OPTIONAL; c < COLUMN_KINDS; c++) {
    if (r->at[c] != ML_CSV_NO_COLUMN) r->optional_at[r->optional_count++] = r->at[c];
  }
  for (int c = 0; c < REQUIRED_COLUMNS; c++) {
    if (r->at[c] == ML_CSV_NO_COLUMN) {
      return ml_error_set(err, ML_EPARSE, column_names[c],
                          ml_csv_record_line(csv), 0,
                          "the header has no %s column; a journal needs "
                          "loan_id, date, type, amount and ref",
                          column_names[c]);
    }
  }
  return ML_OK;
}

/* below, with their paths */
static void plan_line_reading(ml_journal_reader *r);
static void name_amount_types(ml_journal_reader *r);

static ml_status start_reader(ml_journal_reader **out, ml_csv_reader *csv,
                              const ml_journal_options *options,
                              ml_error *err) {
  ml_journal_reader *r = calloc(1, sizeof *r);
  if (r == NULL) {
    ml_csv_reader_free(csv);
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a journal reader");
  }
  r->csv = csv;
  if (options != NULL) {
    ML_ASSERT(options->grouping == ML_JOURNAL_GROUPED ||
              options->grouping == ML_JOURNAL_SORTED);
    r->options = *options;
  } else {
    ml_journal_options_init(&r->options);
  }
  ml_status st = map_columns(r, err);
  if (st != ML_OK) {
    ml_journal_reader_free(r);
    return st;
  }
  plan_line_reading(r);
  name_amount_types(r);
  *out = r;
  return ML_OK;
}

ml_status ml_journal_reader_new(ml_journal_reader **out, FILE *in,
                                const ml_journal_options *options,
                                ml_error *err) {
  ML_ASSERT(out != NULL && in != NULL);
  *out = NULL;
  ml_csv_reader *csv;
  ml_status st = ml_csv_reader_new(&csv, in, err);
  return st != ML_OK ? st : start_reader(out, csv, options, err);
}

ml_status ml_journal_reader_new_memory(ml_journal_reader **out,
                                       const void *data, size_t size,
                                       const ml_journal_options *options,
                                       ml_error *err) {
  ML_ASSERT(out != NULL);
  *out = NULL;
  ml_csv_reader *csv;
  ml_status st = ml_csv_reader_new_memory(&csv, data, size, err);
  return st != ML_OK ? st : start_reader(out, csv, options, err);
}

void ml_journal_reader_free(ml_journal_reader *reader) {
  if (reader == NULL) return;
  ml_csv_reader_free(reader->csv);
  set_free(&reader->seen);
  free(reader);
}

/* ---- one row's values ------------------------------------------------------- */

/* The row's text in column c ("" when the file has no such column). */
static const char *cell(const ml_journal_reader *r, column c) {
  return r->at[c] == ML_CSV_NO_COLUMN ? "" : ml_csv_field(r->csv, r->at[c]);
}

/* The length of the row's text in column c. */
static size_t cell_length(const ml_journal_reader *r, column c) {
  return r->at[c] == ML_CSV_NO_COLUMN ? 0
                                      : ml_csv_field_length(r->csv, r->at[c]);
}

/* Places an error already in err (from a library parser, whose column is
 * an offset in the value) at column c of the row. Returns st. */
static ml_status located(const ml_journal_reader *r, column c, ml_status st,
                         ml_error *err) {
  if (st == ML_OK || err == NULL) return st;
  ml_csv_locate(r->csv, r->at[c], err->column > 0 ? (size_t)err->column : 0,
                err);
  return st;
}

/* An error about the value in column c as a whole (at its first byte;
 * column 0 when the file has no such column). */
static ml_status cell_error(const ml_journal_reader *r, column c,
                            ml_status code, ml_error *err,
                            const char *fmt, ...) ML_PRINTF(5, 6);

static ml_status cell_error(const ml_journal_reader *r, column c,
                            ml_status code, ml_error *err,
                            const char *fmt, ...) {
  if (err == NULL) return code;
  char message[ML_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  ml_error_set(err, code, column_names[c], ml_csv_record_line(r->csv), 0,
               "%s", message);
  if (r->at[c] != ML_CSV_NO_COLUMN) ml_csv_locate(r->csv, r->at[c], 0, err);
  return code;
}

/* A value the row's type needs: present, and in a column the file has. */
static ml_status require(const ml_journal_reader *r, column c,
                         ml_event_type type, ml_error *err) {
  const char *article = type == ML_EVENT_DISBURSEMENT ? "" : "a ";
  if (r->at[c] == ML_CSV_NO_COLUMN) {
    return cell_error(r, c, ML_EINVAL, err,
                      "%s%s needs a %s, but the file has no %s column",
                      article, ml_event_type_name(type), column_names[c],
                      column_names[c]);
  }
  if (cell(r, c)[0] == '\0') {
    return cell_error(r, c, ML_EINVAL, err, "%s is empty; %s%s needs one",
                      column_names[c], article, ml_event_type_name(type));
  }
  return ML_OK;
}

static ml_status not_used(const ml_journal_reader *r, column c,
                          ml_event_type type, ml_error *err);

/* A value the row's type does not use must be left empty (the check is
 * inlined on the hot path; the message is not). */
static inline ml_status forbid(const ml_journal_reader *r, column c,
                               ml_event_type type, ml_error *err) {
  return cell_length(r, c) == 0 ? ML_OK : not_used(r, c, type, err);
}

static ml_status not_used(const ml_journal_reader *r, column c,
                          ml_event_type type, ml_error *err) {
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, cell(r, c));
  return cell_error(r, c, ML_EINVAL, err,
                    "%s %s is not used by a %s; leave it empty",
                    column_names[c], quoted, ml_event_type_name(type));
}

/* A whole number: digits only, no leading zeros, at most max. */
/* The length of the run of ASCII digits at the start of text (a loop:
 * strspn's set lookup costs more for the few digits of an id). */
static size_t digit_run(const char *text) {
  size_t n = 0;
  while (text[n] >= '0' && text[n] <= '9') n++;
  return n;
}

static ml_status parse_digits(int64_t *out, const ml_journal_reader *r,
                              column c, int64_t max, ml_error *err) {
  const char *text = cell(r, c);
  char quoted[64]; /* filled only for a message: this is a hot path */
  size_t len = cell_length(r, c), digits = digit_run(text);
  if (digits < len || (len > 1 && text[0] == '0')) {
    ml_quote_input(quoted, sizeof quoted, text);
    ml_status st = cell_error(
        r, c, ML_EPARSE, err,
        "%s %s is not a whole number; expected digits such as 12 (no "
        "sign, spaces or leading zeros)",
        column_names[c], quoted);
    if (err != NULL) {
      ml_csv_locate(r->csv, r->at[c], digits < len ? digits + 1 : 1, err);
    }
    return st;
  }
  int64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (n > (max - (text[i] - '0')) / 10) {
      ml_quote_input(quoted, sizeof quoted, text);
      return cell_error(r, c, ML_ERANGE, err,
                        "%s %s is too large; expected at most %lld",
                        column_names[c], quoted, (long long)max);
    }
    n = n * 10 + (text[i] - '0');
  }
  *out = n;
  return ML_OK;
}

static ml_status parse_count(int32_t *out, const ml_journal_reader *r,
                             column c, ml_error *err) {
  int64_t n = 0;
  ml_status st = parse_digits(&n, r, c, INT32_MAX, err);
  if (st == ML_OK) *out = (int32_t)n;
  return st;
}

static ml_status parse_amount(ml_amount *out, const ml_journal_reader *r,
                              column c, ml_error *err) {
  return located(r, c,
                 ml_amount_parse(out, cell(r, c), r->options.currency, NULL,
                                 err),
                 err);
}

static int has_amount(ml_event_type type) {
  return type <= ML_EVENT_WAIVER;
}

static ml_status read_amount(ml_event *e, const ml_journal_reader *r,
                             ml_error *err) {
  if (!has_amount(e->type)) return forbid(r, COL_AMOUNT, e->type, err);
  ml_status st = require(r, COL_AMOUNT, e->type, err);
  return st != ML_OK ? st : parse_amount(&e->amount, r, COL_AMOUNT, err);
}

static ml_status read_component(ml_event *e, const ml_journal_reader *r,
                                ml_error *err) {
  if (e->type != ML_EVENT_WAIVER) return forbid(r, COL_COMPONENT, e->type, err);
  ml_status st = require(r, COL_COMPONENT, e->type, err);
  if (st != ML_OK) return st;
  return located(r, COL_COMPONENT,
                 ml_component_parse(&e->component, cell(r, COL_COMPONENT),
                                    err),
                 err);
}

static ml_status read_target(ml_event *e, const ml_journal_reader *r,
                             ml_error *err) {
  if (e->type != ML_EVENT_REVERSAL) return forbid(r, COL_TARGET, e->type, err);
  ml_status st = require(r, COL_TARGET, e->type, err);
  return st != ML_OK ? st : parse_digits(&e->target, r, COL_TARGET, INT64_MAX, err);
}

static ml_status read_reschedule(ml_event *e, const ml_journal_reader *r,
                                 ml_error *err) {
  static const column columns[] = {COL_RATE, COL_TERM, COL_GRACE,
                                   COL_INSTALLMENT};
  if (e->type != ML_EVENT_RESCHEDULE) {
    ml_status st = ML_OK;
    for (size_t i = 0; i < 4 && st == ML_OK; i++) {
      st = forbid(r, columns[i], e->type, err);
    }
    return st;
  }
  ml_reschedule *how = &e->reschedule;
  ml_status st = require(r, COL_RATE, e->type, err);
  if (st == ML_OK) {
    st = located(r, COL_RATE,
                 ml_rate_parse(&how->annual_rate, cell(r, COL_RATE),
                               ML_RATE_PERCENT, err),
                 err);
  }
  if (st == ML_OK) st = require(r, COL_TERM, e->type, err);
  if (st == ML_OK) st = parse_count(&how->installments, r, COL_TERM, err);
  if (st == ML_OK && cell(r, COL_GRACE)[0] != '\0') {
    st = parse_count(&how->grace_principal, r, COL_GRACE, err);
  }
  if (st == ML_OK && cell(r, COL_INSTALLMENT)[0] != '\0') {
    st = parse_amount(&how->fixed_installment, r, COL_INSTALLMENT, err);
  }
  return st;
}

/* The optional id column: when filled, the event's position. */
static ml_status read_id(const ml_journal_reader *r, int64_t position,
                         const char *loan_id, ml_error *err) {
  if (cell(r, COL_ID)[0] == '\0') return ML_OK;
  int64_t id = 0;
  ml_status st = parse_digits(&id, r, COL_ID, INT64_MAX, err);
  if (st != ML_OK || id == position) return st;
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, loan_id);
  return cell_error(r, COL_ID, ML_EINVAL, err,
                    "id %lld is not the event's position: this row is event "
                    "%lld of loan %s (ids count 1, 2, 3... per loan in file "
                    "order)",
                    (long long)id, (long long)position, quoted);
}

static ml_status read_ref(ml_event *e, const ml_journal_reader *r,
                          ml_error *err) {
  size_t len = cell_length(r, COL_REF);
  if (len >= ML_EVENT_REF_SIZE) {
    return cell_error(r, COL_REF, ML_ELIMIT, err,
                      "ref is %zu bytes long; at most %d", len,
                      ML_EVENT_REF_SIZE - 1);
  }
  memcpy(e->ref, cell(r, COL_REF), len + 1);
  return ML_OK;
}

/* The offset of the first control character (below 0x20, or DEL) in
 * id[0..length), or length: a loan id has none. */
static size_t control_byte(const char *id, size_t length) {
  size_t i = 0;
  while (i < length && (unsigned char)id[i] >= 0x20 &&
         (unsigned char)id[i] != 0x7f) {
    i++;
  }
  return i;
}

/* Whether a loan beginning with id on `line` keeps the grouping; if so it
 * is recorded. 0 changes nothing: check_grouping then says why. */
static int grouping_takes(ml_journal_reader *r, const char *id, long line) {
  if (r->options.grouping == ML_JOURNAL_SORTED) {
    if (r->has_previous && strcmp(id, r->previous) <= 0) return 0;
    memcpy(r->previous, id, strlen(id) + 1);
    r->has_previous = 1;
    return 1;
  }
  long earlier;
  return set_add(&r->seen, id, line, &earlier) && earlier == 0;
}

/* ---- the common row at once -------------------------------------------------- */

/*
 * Nearly every row is a disbursement, repayment, fee or penalty with a
 * plain date and amount, an empty or matching id, and nothing in the
 * columns only other types use. Such a row is read here without the
 * general path's check of each column in turn; anything else, which
 * includes every row with a problem, is left to the general path (which
 * then reads it or says what is wrong), so that the two read every row the
 * same.
 */

/* The type of a row that has an amount and nothing else, by the cell's
 * text[0..len); -1 for any other text. The length picks the one name it
 * can be. */
static int amount_only_type(const ml_journal_reader *r, const char *text,
                            size_t len) {
  for (int t = ML_EVENT_DISBURSEMENT; t <= ML_EVENT_PENALTY; t++) {
    if (r->amount_types[t].length == len + 1 &&
        memcmp(text, r->amount_types[t].text, len) == 0) {
      return t;
    }
  }
  return -1;
}

/* Whether every column from FIRST_OPTIONAL that the file has is empty. */
static int optional_cells_empty(const ml_journal_reader *r) {
  size_t filled = 0;
  for (size_t k = 0; k < r->optional_count; k++) {
    filled |= ml_csv_field_length(r->csv, r->optional_at[k]);
  }
  return filled == 0;
}

/* Whether the id text[0..len) is empty or holds position as read_id reads
 * it (at most 18 digits: no overflow to check). */
static int is_position(const char *text, size_t len, int64_t position) {
  if (len == 0) return 1;
  if (len > 18 || (len > 1 && text[0] == '0')) return 0;
  int64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned digit = (unsigned)(unsigned char)text[i] - '0';
    if (digit > 9) return 0;
    n = n * 10 + (int64_t)digit;
  }
  return n == position;
}

static int id_is_position(const common_cells *c, int64_t position) {
  return is_position(c->text[COL_ID], c->length[COL_ID], position);
}

/* Reads the cells into e when they are a common row (see above), given
 * that its optional cells are empty; else 0 and e is left for the
 * general path to fill. */
static int read_common_cells(ml_event *e, const ml_journal_reader *r,
                             const common_cells *c, int64_t position) {
  const int exponent = r->options.currency.exponent;
  int type = amount_only_type(r, c->text[COL_TYPE], c->length[COL_TYPE]);
  ml_date date;
  ml_amount amount;
  size_t ref_length = c->length[COL_REF];
  if (type < 0 ||
      !ml_date_parse_plain(&date, c->text[COL_DATE], c->length[COL_DATE]) ||
      !(c->readable_end != NULL &&
                c->readable_end - c->text[COL_AMOUNT] >= 8
            ? ml_amount_parse_plain_wide(&amount, c->text[COL_AMOUNT],
                                         c->length[COL_AMOUNT], exponent)
            : ml_amount_parse_plain(&amount, c->text[COL_AMOUNT],
                                    c->length[COL_AMOUNT], exponent)) ||
      !id_is_position(c, position) || ref_length >= ML_EVENT_REF_SIZE) {
    return 0;
  }
  ml_event_init(e, (ml_event_type)type, date, amount);
  e->id = position;
  /* the rest of ref is zero already */
  if (ref_length > 0) memcpy(e->ref, c->text[COL_REF], ref_length);
  return 1;
}

/* Reads the current CSV row into e when it is a common one. */
static int read_common_event(ml_event *e, const ml_journal_reader *r,
                             int64_t position) {
  if (!optional_cells_empty(r)) return 0;
  common_cells c;
  c.readable_end = NULL;
  for (int k = 0; k < LEADING_COLUMNS; k++) {
    c.text[k] = cell(r, (column)k);
    c.length[k] = cell_length(r, (column)k);
  }
  return read_common_cells(e, r, &c, position);
}

/*
 * Straight from the bytes. When the file's leading columns are loan_id ..
 * id (in any order; id may be missing) and the optional ones follow, a
 * common row of the current loan is read from the CSV reader's next line
 * without splitting it into field texts first: the line's comma mask
 * gives the leading cells, and the optional cells are empty when the rest
 * of the line is nothing but their commas. The CSV reader offers only
 * lines its own fast path splits the same way (lib/csv_line.h), and any
 * line not taken here is read as before, so both read every row the same.
 */

/* Sets r->leading: the leading columns, or 0 when the layout is another. */
static void plan_line_reading(ml_journal_reader *r) {
  r->written_tail.length = 0;
  size_t leading = 0;
  for (int c = 0; c < LEADING_COLUMNS; c++) {
    leading += r->at[c] != ML_CSV_NO_COLUMN;
  }
  r->leading = 0;
  for (int c = 0; c < LEADING_COLUMNS; c++) {
    if (r->at[c] == ML_CSV_NO_COLUMN) continue;
    if (r->at[c] >= leading) return;
    r->kind_of_field[r->at[c]] = (unsigned char)c;
  }
  /* a short line has at most 64 fields */
  size_t columns = ml_csv_column_count(r->csv);
  if (columns <= 64) r->leading = leading;
  r->optional_after = columns - leading;
  r->writer_order = leading == LEADING_COLUMNS;
  for (size_t k = 0; k < leading; k++) {
    r->writer_order &= r->kind_of_field[k] == k;
  }
  if (r->leading != 0 && r->writer_order &&
      r->optional_after < sizeof r->written_tail.text) {
    char tail[sizeof r->written_tail.text];
    memset(tail, ',', r->optional_after);
    tail[r->optional_after] = '\n';
    r->written_tail = short_text_of(tail, r->optional_after + 1);
  }
}

/* Fills r->amount_types (no snprintf: --sort-events makes a reader per
 * loan). */
static void name_amount_types(ml_journal_reader *r) {
  for (int t = ML_EVENT_DISBURSEMENT; t <= ML_EVENT_PENALTY; t++) {
    const char *name = ml_event_type_name((ml_event_type)t);
    char text[sizeof r->amount_types[t].text];
    size_t n = strlen(name);
    ML_ASSERT(n + 1 < sizeof text);
    memcpy(text, name, n + 1);
    text[n] = ','; /* over the name's NUL: a short_text needs none */
    r->amount_types[t] = short_text_of(text, n + 1);
  }
}

/* The next cell: from *from to the next end, if there is one. */
static inline int take_cell(uint64_t *ends, size_t *from, const char *bytes,
                            const char **text, size_t *length) {
  if (*ends == 0) return 0;
  size_t at = (size_t)__builtin_ctzll(*ends);
  *ends &= *ends - 1;
  *text = bytes + *from;
  *length = at - *from;
  *from = at + 1;
  return 1;
}

/* Splits the line's leading cells into c when the line has the header's
 * field count and its optional cells are empty. Each cell goes straight
 * to its kind's place: the one loop over the commas is the whole split. */
static int split_leading_cells(const ml_journal_reader *r,
                               const ml_csv_line *line, common_cells *c) {
  /* each field's end: a comma, or the line feed after the last */
  uint64_t ends = line->commas | UINT64_C(1) << line->length;
  c->readable_end = line->bytes + 64; /* see ml_csv_line */
  c->text[COL_ID] = ""; /* a file without the id column: read as empty */
  c->length[COL_ID] = 0;
  size_t from = 0;
  if (r->writer_order) { /* the usual layout: no table, no loop */
    const char *b = line->bytes;
    if (!(take_cell(&ends, &from, b, &c->text[0], &c->length[0]) &&
          take_cell(&ends, &from, b, &c->text[1], &c->length[1]) &&
          take_cell(&ends, &from, b, &c->text[2], &c->length[2]) &&
          take_cell(&ends, &from, b, &c->text[3], &c->length[3]) &&
          take_cell(&ends, &from, b, &c->text[4], &c->length[4]) &&
          take_cell(&ends, &from, b, &c->text[5], &c->length[5]))) {
      return 0;
    }
  } else {
    for (size_t k = 0; k < r->leading; k++) {
      size_t kind = r->kind_of_field[k];
      if (!take_cell(&ends, &from, line->bytes, &c->text[kind],
                     &c->length[kind])) {
        return 0;
      }
    }
  }
  /* then one end for each optional cell, with nothing between them: the
   * bytes from..length are all ends (none left when the line feed ended
   * the last leading cell) */
  size_t rest = r->optional_after;
  if (rest == 0 || from > line->length) {
    return rest == 0 && ends == 0;
  }
  return line->length + 1 - from == rest &&
         ends == (UINT64_C(2) << line->length) - (UINT64_C(1) << from);
}

/* Whether the line's cell at [start, start + length) is the loan id
 * id[0..id_length), whose short_text (when id_length <= 16) is short. An
 * id of up to 16 bytes in the line's first 48 is compared as two masked
 * words: the read stays within the 64 bytes the line offers. */
static int cell_is_loan(const char *cell, size_t length, size_t offset,
                        const char *id, size_t id_length,
                        const short_text *short_id) {
  if (length != id_length) return 0;
  if (length > 16 || offset > 48) return memcmp(cell, id, length) == 0;
  return short_text_at(cell, short_id);
}

/*
 * The written line. Nearly every line of a file in the writer's layout
 * (the leading columns in its order, then at most 15 optional ones) is a
 * common row of the current loan as ml_journal_write_loan writes it: the
 * loan's id, a plain date, a type with an amount only, a plain amount, no
 * ref, the row's position as id, empty optional cells. Such a line is
 * read here cell by cell where it stands, each cell checked by its own
 * parser, without masking the whole line first. A line taken here holds
 * nothing but the loan id's bytes (printable ASCII, no comma or quote),
 * digits, '-', '.', the letters of a type's name, commas and its line
 * feed at the end: ml_csv_peek_line would offer it, split_leading_cells
 * would split it the same way and read_common_cells would read the same
 * event from it. Any other line is left to that path.
 */

enum {
  /* every read below stays within a line's first 96 bytes: the id (16),
   * date (11), two cells looked at 16 bytes at a time, ref (1), the id's
   * digits (19 and their end) and the tail (16) */
  WRITTEN_READ_MAX = 96
};

/* Whether a loan id can be matched against the bytes of a written line. */
static int written_id(const char *id, size_t length) {
  if (length == 0 || length > 16) return 0;
  for (size_t i = 0; i < length; i++) {
    unsigned char b = (unsigned char)id[i];
    if (b < 0x20 || b > 0x7e || b == ',' || b == '"') return 0;
  }
  return 1;
}

/* The type a written line names at p, with *length the bytes of its
 * name and comma; -1 for any other text. A repayment is tried first:
 * most rows are. */
static int written_type(const ml_journal_reader *r, const char *p,
                        size_t *length) {
  static const ml_event_type order[] = {ML_EVENT_REPAYMENT,
                                        ML_EVENT_DISBURSEMENT, ML_EVENT_FEE,
                                        ML_EVENT_PENALTY};
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
    const short_text *name = &r->amount_types[order[k]];
    if (short_text_at(p, name)) {
      *length = name->length;
      return (int)order[k];
    }
  }
  return -1;
}

/* Whether the id cell at text is empty or holds position as is_position
 * reads it, with *digits its length when so. A position below 100 (most
 * are) is compared as its digits first: when they match and the tail
 * follows, the cell has no more digits, so is_position would agree. */
static int written_position(const char *text, int64_t position,
                            size_t *digits) {
  if (position < 10 && text[0] == '0' + position) {
    *digits = 1;
    return 1;
  }
  if (position >= 10 && position < 100 && text[0] == '0' + position / 10 &&
      text[1] == '0' + position % 10) {
    *digits = 2;
    return 1;
  }
  size_t n = 0;
  while (n < 19 && text[n] >= '0' && text[n] <= '9') n++;
  *digits = n;
  return is_position(text, n, position);
}

/* The offset of the first comma in p[0..16), or 16. */
static size_t comma_offset(const char *p) {
  for (size_t k = 0; k < 16; k += 8) {
    uint64_t commas = ml_zero_bytes(load_word(p + k) ^ ml_each_byte(','));
    if (commas != 0) return k + (size_t)__builtin_ctzll(commas) / 8;
  }
  return 16;
}

/* Reads the written line at b (WRITTEN_READ_MAX bytes of it readable)
 * into e as the position-th event of the loan id (a written_id); its
 * length without the line feed, or 0 when it is no such line. */
static size_t read_written_line(ml_event *e, const ml_journal_reader *r,
                                const char *b, const short_text *id,
                                int64_t position) {
  if (!short_text_at(b, id) || b[id->length] != ',') return 0;
  const char *date_text = b + id->length + 1;
  ml_date date;
  if (!ml_date_parse_plain(&date, date_text, 10) || date_text[10] != ',') {
    return 0;
  }
  const char *type_text = date_text + 11;
  size_t type_length;
  int type = written_type(r, type_text, &type_length);
  if (type < 0) return 0;
  const char *amount_text = type_text + type_length;
  size_t amount_length = comma_offset(amount_text);
  ml_amount amount;
  if (amount_length == 16 ||
      !ml_amount_parse_plain_wide(&amount, amount_text, amount_length,
                                  r->options.currency.exponent)) {
    return 0;
  }
  const char *ref = amount_text + amount_length + 1;
  const char *id_text = ref + 1;
  size_t digits;
  if (ref[0] != ',' || !written_position(id_text, position, &digits) ||
      !short_text_at(id_text + digits, &r->written_tail)) {
    return 0;
  }
  ml_event_init(e, (ml_event_type)type, date, amount);
  e->id = position;
  return (size_t)(id_text + digits - b) + r->written_tail.length - 1;
}

/* Reads the next line as a written line of the loan (see above) into
 * events[n] when it is one, and goes past it. */
static int take_written_line(ml_journal_reader *r, const short_text *id,
                             ml_event *events, long *lines, size_t n) {
  ml_csv_line line;
  size_t available;
  line.bytes = ml_csv_peek_bytes(r->csv, &available, &line.line);
  if (line.bytes == NULL || available < WRITTEN_READ_MAX) return 0;
  line.length = read_written_line(&events[n], r, line.bytes, id,
                                  (int64_t)n + 1);
  if (line.length == 0) return 0;
  if (lines != NULL) lines[n] = line.line;
  ml_csv_skip_line(r->csv, &line);
  return 1;
}

/* Where reading from bytes stopped. */
typedef enum lines_end {
  LINES_STOPPED,  /* at a row the CSV path must read */
  LINES_NEXT_LOAN /* at a plain line of another loan, not read */
} lines_end;

/* Reads the loan's common rows that follow, straight from the bytes, up to
 * limit events; *n counts them. */
static lines_end read_lines_of_loan(ml_journal_reader *r, const char *loan_id,
                                    size_t id_length, ml_event *events,
                                    long *lines, size_t *n, size_t limit) {
  if (r->leading == 0) return LINES_STOPPED;
  ml_csv_line line;
  common_cells c;
  const int as_written =
      r->written_tail.length > 0 && written_id(loan_id, id_length);
  const short_text id = short_text_of(loan_id, id_length <= 16 ? id_length : 0);
  while (*n < limit) {
    if (as_written && take_written_line(r, &id, events, lines, *n)) {
      ++*n;
      continue;
    }
    if (!ml_csv_peek_line(r->csv, &line) ||
        !split_leading_cells(r, &line, &c)) {
      break;
    }
    if (!cell_is_loan(c.text[COL_LOAN_ID], c.length[COL_LOAN_ID],
                      (size_t)(c.text[COL_LOAN_ID] - line.bytes), loan_id,
                      id_length, &id)) {
      r->next_line = line;
      r->next_cells = c;
      return LINES_NEXT_LOAN;
    }
    if (!read_common_cells(&events[*n], r, &c, (int64_t)*n + 1)) {
      break;
    }
    if (lines != NULL) lines[*n] = line.line;
    ml_csv_skip_line(r->csv, &line);
    ++*n;
  }
  return LINES_STOPPED;
}

/* Whether the id of a loan's first row is one check_loan_id takes. */
static int plain_loan_id(const char *id, size_t length) {
  return length > 0 && length < ML_LOAN_ID_SIZE &&
         control_byte(id, length) == length;
}

/* Reads a loan's first row from the bytes when it is a common row with a
 * plain id that keeps the grouping (checked last: it records the loan);
 * else 0, with nothing recorded (events[0] and loan_id are the CSV path's
 * to fill again), and the CSV path reads it. */
static int read_first_line(ml_journal_reader *r, char *loan_id,
                           ml_event *events, long *lines, size_t limit) {
  const ml_csv_line line = r->next_line;
  const common_cells c = r->next_cells;
  if (limit == 0 || !plain_loan_id(c.text[COL_LOAN_ID], c.length[COL_LOAN_ID]) ||
      !read_common_cells(&events[0], r, &c, 1)) {
    return 0;
  }
  memcpy(loan_id, c.text[COL_LOAN_ID], c.length[COL_LOAN_ID]);
  loan_id[c.length[COL_LOAN_ID]] = '\0';
  if (!grouping_takes(r, loan_id, line.line)) {
    loan_id[0] = '\0';
    return 0;
  }
  if (lines != NULL) lines[0] = line.line;
  ml_csv_skip_line(r->csv, &line);
  return 1;
}

/* ---- the general path ---------------------------------------------------------- */

/* The event of the current row, the position-th of its loan. */
static ml_status read_event(ml_event *e, const ml_journal_reader *r,
                            int64_t position, const char *loan_id,
                            ml_error *err) {
  if (read_common_event(e, r, position)) return ML_OK;
  ml_event_type type;
  ml_date date;
  ml_status st = located(r, COL_TYPE,
                         ml_event_type_parse(&type, cell(r, COL_TYPE), err),
                         err);
  if (st == ML_OK) {
    st = located(r, COL_DATE, ml_date_parse(&date, cell(r, COL_DATE), err),
                 err);
  }
  if (st != ML_OK) return st;
  ml_event_init(e, type, date, 0);
  e->id = position;
  st = read_id(r, position, loan_id, err);
  if (st == ML_OK) st = read_amount(e, r, err);
  if (st == ML_OK) st = read_component(e, r, err);
  if (st == ML_OK) st = read_target(e, r, err);
  if (st == ML_OK) st = read_reschedule(e, r, err);
  if (st == ML_OK) st = read_ref(e, r, err);
  return st;
}

/* ---- loans --------------------------------------------------------------------- */

/* Checks the current row's loan id as an id. */
static ml_status check_loan_id(const ml_journal_reader *r, ml_error *err) {
  const char *id = cell(r, COL_LOAN_ID);
  size_t len = cell_length(r, COL_LOAN_ID);
  char quoted[64]; /* filled only for a message: this is a hot path */
  if (len == 0) {
    return cell_error(r, COL_LOAN_ID, ML_EINVAL, err,
                      "loan_id is empty; every row needs its loan's id");
  }
  if (len >= ML_LOAN_ID_SIZE) {
    ml_quote_input(quoted, sizeof quoted, id);
    return cell_error(r, COL_LOAN_ID, ML_ELIMIT, err,
                      "loan_id %s is %zu bytes long; at most %d", quoted, len,
                      ML_LOAN_ID_SIZE - 1);
  }
  size_t i = control_byte(id, len);
  if (i < len) {
    ml_quote_input(quoted, sizeof quoted, id);
    ml_status st = cell_error(
        r, COL_LOAN_ID, ML_EPARSE, err,
        "loan_id %s has a control character (byte 0x%02x); expected "
        "printable text",
        quoted, (unsigned)(unsigned char)id[i]);
    ml_csv_locate(r->csv, r->at[COL_LOAN_ID], i + 1, err);
    return st;
  }
  return ML_OK;
}

/* A new loan begins at the current row: its id must not have come before. */
static ml_status check_grouping(ml_journal_reader *r, const char *id,
                                ml_error *err) {
  char quoted[64]; /* filled only for a message: this is a hot path */
  long line = ml_csv_record_line(r->csv);
  if (grouping_takes(r, id, line)) return ML_OK;
  if (r->options.grouping == ML_JOURNAL_SORTED) {
    char before[64];
    ml_quote_input(quoted, sizeof quoted, id);
    ml_quote_input(before, sizeof before, r->previous);
    return cell_error(r, COL_LOAN_ID, ML_EINVAL, err,
                      "loan %s comes after loan %s; in a sorted journal "
                      "loan ids ascend and each loan's rows are together",
                      quoted, before);
  }
  /* again, to tell a loan seen before from a set that could not grow */
  long earlier;
  if (!set_add(&r->seen, id, line, &earlier)) {
    return ml_error_set(err, ML_ENOMEM, "loan_id", line, 0,
                        "out of memory for the set of loan ids");
  }
  if (earlier == 0) return ML_OK; /* it could grow this time */
  ml_quote_input(quoted, sizeof quoted, id);
  return cell_error(r, COL_LOAN_ID, ML_EINVAL, err,
                    "the rows of loan %s are not together: it also has rows "
                    "from line %ld; a journal lists each loan's rows one "
                    "after another",
                    quoted, earlier);
}

/* Moves to the next row (r->has_row = 0 at the end). */
static ml_status advance(ml_journal_reader *r, ml_error *err) {
  return ml_csv_next(r->csv, &r->has_row, err);
}

/* After a rejected row: its loan's remaining rows are skipped by the next
 * call. */
static ml_status reject_loan(ml_journal_reader *r, ml_status st) {
  const char *id = cell(r, COL_LOAN_ID);
  memcpy(r->skip, id, strlen(id) + 1);
  r->skipping = 1;
  return st;
}

static ml_status skip_rejected(ml_journal_reader *r, ml_error *err) {
  ml_status st = ML_OK;
  while (st == ML_OK && r->skipping && r->has_row &&
         strcmp(cell(r, COL_LOAN_ID), r->skip) == 0) {
    st = advance(r, err);
  }
  if (st == ML_OK) r->skipping = 0;
  return st;
}

static ml_status too_many_events(const ml_journal_reader *r, size_t limit,
                                 const char *loan_id, ml_error *err) {
  char quoted[64];
  ml_quote_input(quoted, sizeof quoted, loan_id);
  return cell_error(r, COL_LOAN_ID, ML_ELIMIT, err,
                    "loan %s has more than %zu events; at most %zu fit%s",
                    quoted, limit, limit,
                    limit == ML_LOAN_MAX_EVENTS ? " a journal"
                                                : " the caller's buffer");
}

/* Whether the current row belongs to the loan whose id is id[0..len). */
static int row_of_loan(const ml_journal_reader *r, const char *id,
                       size_t len) {
  if (cell_length(r, COL_LOAN_ID) != len) return 0;
  /* eight bytes at a time, not memcmp: ids are short and compared on
   * every row */
  const char *cell_id = cell(r, COL_LOAN_ID);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t a, b;
    memcpy(&a, cell_id + i, 8);
    memcpy(&b, id + i, 8);
    if (a != b) return 0;
  }
  for (; i < len; i++) {
    if (cell_id[i] != id[i]) return 0;
  }
  return 1;
}

/* Reads the rows of the loan that begins at the current row, or whose
 * first n (0 or 1) rows were read from bytes. A loan that ends at a plain
 * line of the next loan leaves that line unread (has_row 0), for the next
 * call to try to read from bytes too. */
static ml_status read_loan_rows(ml_journal_reader *r, const char *loan_id,
                                ml_event *events, long *lines,
                                size_t capacity, size_t n, size_t *count,
                                ml_error *err) {
  size_t limit = capacity < ML_LOAN_MAX_EVENTS ? capacity : ML_LOAN_MAX_EVENTS;
  size_t id_length = strlen(loan_id);
  ml_status st = ML_OK;
  if (n > 0) {
    if (read_lines_of_loan(r, loan_id, id_length, events, lines, &n,
                           limit) == LINES_NEXT_LOAN) {
      r->has_next_line = 1;
      *count = n;
      return ML_OK;
    }
    st = advance(r, err);
  }
  while (st == ML_OK && r->has_row && row_of_loan(r, loan_id, id_length)) {
    if (n == limit) return reject_loan(r, too_many_events(r, limit, loan_id, err));
    st = read_event(&events[n], r, (int64_t)n + 1, loan_id, err);
    if (st != ML_OK) return reject_loan(r, st);
    if (lines != NULL) lines[n] = ml_csv_record_line(r->csv);
    n++;
    if (read_lines_of_loan(r, loan_id, id_length, events, lines, &n,
                           limit) == LINES_NEXT_LOAN) {
      r->has_row = 0;
      r->has_next_line = 1;
      break;
    }
    st = advance(r, err);
  }
  if (st == ML_OK) *count = n;
  return st;
}

ml_status ml_journal_next_loan(ml_journal_reader *reader, char *loan_id,
                               ml_event *events, long *lines,
                               size_t capacity, size_t *count,
                               ml_error *err) {
  ML_ASSERT(reader != NULL && loan_id != NULL && count != NULL);
  ML_ASSERT(events != NULL || capacity == 0);
  ml_journal_reader *r = reader;
  *count = 0;
  loan_id[0] = '\0';
  int next_line = r->has_next_line;
  r->has_next_line = 0;
  if (next_line && read_first_line(r, loan_id, events, lines, capacity)) {
    return read_loan_rows(r, loan_id, events, lines, capacity, 1, count, err);
  }
  ml_status st = ML_OK;
  if (!r->has_row) st = advance(r, err);
  if (st == ML_OK && r->skipping) st = skip_rejected(r, err);
  if (st != ML_OK || !r->has_row) return st;
  st = check_loan_id(r, err);
  if (st != ML_OK) return reject_loan(r, st);
  const char *id = cell(r, COL_LOAN_ID);
  memcpy(loan_id, id, strlen(id) + 1);
  st = check_grouping(r, loan_id, err);
  /* Out of memory says nothing about the loan: its first row stays
   * current, so a later call reads the same loan again. */
  if (st == ML_ENOMEM) return st;
  if (st != ML_OK) return reject_loan(r, st);
  return read_loan_rows(r, loan_id, events, lines, capacity, 0, count, err);
}

/* ---- writing a journal ---------------------------------------------------------- */

ml_status ml_journal_write_header(FILE *out) {
  ML_ASSERT(out != NULL);
  return ml_csv_write_record(out, column_names, COLUMN_KINDS, ML_CSV_LF);
}

/* strlen, but at most max (C17 has no strnlen). */
static size_t bounded_length(const char *text, size_t max) {
  const char *nul = memchr(text, '\0', max);
  return nul != NULL ? (size_t)(nul - text) : max;
}

static ml_status check_loan_id_text(const char *id, ml_error *err) {
  char quoted[64];
  size_t len = bounded_length(id, ML_LOAN_ID_SIZE), bad = 0;
  if (len == 0 || len == ML_LOAN_ID_SIZE) {
    return ml_error_set(err, ML_EINVAL, "loan_id", 0, 0,
                        "a loan id must be 1 to %d bytes long",
                        ML_LOAN_ID_SIZE - 1);
  }
  ml_quote_input(quoted, sizeof quoted, id);
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)id[i];
    if (b < 0x20 || b == 0x7f) {
      return ml_error_set(err, ML_EINVAL, "loan_id", 0, (long)i + 1,
                          "loan id %s has a control character (byte 0x%02x)",
                          quoted, (unsigned)b);
    }
  }
  if (!ml_utf8_valid(id, len, &bad)) {
    return ml_error_set(err, ML_EINVAL, "loan_id", 0, (long)bad + 1,
                        "loan id %s is not valid UTF-8", quoted);
  }
  return ML_OK;
}

/* What the writer needs of each event, checked before anything is
 * written. */
/* The values the reader could not read back as they are: a date outside
 * the supported range (no text for it), a negative reversal target, term
 * or grace (the reader takes digits only), a rate ml_rate_parse refuses. */
static ml_status check_written_values(const ml_event *e, size_t i,
                                      ml_error *err) {
  const char *field = NULL, *why = "is negative";
  if (e->date < ML_DATE_MIN || e->date > ML_DATE_MAX) {
    field = "date";
    why = "is outside 1900-01-01..2200-12-31";
  } else if (e->type == ML_EVENT_REVERSAL && e->target < 0) {
    field = "target";
  } else if (e->type == ML_EVENT_RESCHEDULE) {
    const ml_reschedule *how = &e->reschedule;
    ml_rate rate;
    if (ml_rate_make(&rate, how->annual_rate.coefficient,
                     how->annual_rate.scale) != ML_OK) {
      field = "rate";
      why = "is not a rate from 0 % to 1000 % with at most 9 decimals";
    } else if (how->installments < 0) {
      field = "term";
    } else if (how->grace_principal < 0) {
      field = "grace_principal";
    }
  }
  if (field == NULL) return ML_OK;
  return ml_error_set(err, ML_EINVAL, field, (long)i + 1, 0,
                      "event %zu: %s %s, so it could not be read back",
                      i + 1, field, why);
}

static ml_status check_written_event(const ml_event *e, size_t i,
                                     ml_error *err) {
  ML_ASSERT((unsigned)e->type <= ML_EVENT_RESCHEDULE);
  ML_ASSERT(e->type != ML_EVENT_WAIVER ||
            (unsigned)e->component < ML_COMPONENTS);
  if ((uint64_t)e->id != i + 1) {
    return ml_error_set(err, ML_EINVAL, "id", (long)i + 1, 0,
                        "event %zu has the id %lld; a journal's ids are 1, "
                        "2, 3... in order of entry",
                        i + 1, (long long)e->id);
  }
  ml_status st = ml_event_check_ref(e, i, err);
  return st == ML_OK ? check_written_values(e, i, err) : st;
}

/* Text of every column for one event; "" where its type has nothing. */
typedef struct event_cells {
  char id[24], date[ML_DATE_FORMAT_SIZE], amount[ML_AMOUNT_FORMAT_SIZE];
  char target[24], rate[ML_RATE_FORMAT_SIZE], term[16], grace[16];
  char installment[ML_AMOUNT_FORMAT_SIZE];
} event_cells;

static void format_cells(event_cells *c, const ml_event *e,
                         ml_currency cur) {
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "%lld", (long long)e->id);
  ML_ASSERT(ml_date_format(c->date, sizeof c->date, e->date) == ML_OK);
  if (has_amount(e->type)) {
    ML_ASSERT(ml_amount_format(c->amount, sizeof c->amount, e->amount,
                               cur) == ML_OK);
  }
  if (e->type == ML_EVENT_REVERSAL) {
    snprintf(c->target, sizeof c->target, "%lld", (long long)e->target);
  }
  if (e->type != ML_EVENT_RESCHEDULE) return;
  const ml_reschedule *how = &e->reschedule;
  ML_ASSERT(ml_rate_format_percent(c->rate, sizeof c->rate,
                                   how->annual_rate) == ML_OK);
  snprintf(c->term, sizeof c->term, "%ld", (long)how->installments);
  snprintf(c->grace, sizeof c->grace, "%ld", (long)how->grace_principal);
  if (how->fixed_installment != 0) {
    ML_ASSERT(ml_amount_format(c->installment, sizeof c->installment,
                               how->fixed_installment, cur) == ML_OK);
  }
}

static ml_status write_event(FILE *out, const char *loan_id,
                             const ml_event *e, ml_currency cur) {
  event_cells c;
  format_cells(&c, e, cur);
  const char *component =
      e->type == ML_EVENT_WAIVER ? ml_component_name(e->component) : "";
  const char *fields[COLUMN_KINDS] = {
      [COL_LOAN_ID] = loan_id,
      [COL_DATE] = c.date,
      [COL_TYPE] = ml_event_type_name(e->type),
      [COL_AMOUNT] = c.amount,
      [COL_REF] = e->ref,
      [COL_ID] = c.id,
      [COL_COMPONENT] = component,
      [COL_TARGET] = c.target,
      [COL_RATE] = c.rate,
      [COL_TERM] = c.term,
      [COL_GRACE] = c.grace,
      [COL_INSTALLMENT] = c.installment};
  return ml_csv_write_record(out, fields, COLUMN_KINDS, ML_CSV_LF);
}

ml_status ml_journal_write_loan(FILE *out, const char *loan_id,
                                const ml_event *events, size_t count,
                                ml_currency currency, ml_error *err) {
  ML_ASSERT(out != NULL && loan_id != NULL);
  ML_ASSERT(events != NULL || count == 0);
  ml_status st = check_loan_id_text(loan_id, err);
  for (size_t i = 0; i < count && st == ML_OK; i++) {
    st = check_written_event(&events[i], i, err);
  }
  for (size_t i = 0; i < count && st == ML_OK; i++) {
    st = write_event(out, loan_id, &events[i], currency);
  }
  if (st == ML_EIO) {
    ml_error_set(err, ML_EIO, "", 0, 0, "writing the journal failed");
  }
  return st;
}

/* ---- CSV reports -------------------------------------------------------------- */

static void format_amount(char buf[ML_AMOUNT_FORMAT_SIZE], ml_amount a,
                          ml_currency cur) {
  ML_ASSERT(ml_amount_format(buf, ML_AMOUNT_FORMAT_SIZE, a, cur) == ML_OK);
}

static void format_date(char buf[ML_DATE_FORMAT_SIZE], ml_date d) {
  ML_ASSERT(ml_date_format(buf, ML_DATE_FORMAT_SIZE, d) == ML_OK);
}

/* 0 when everything written so far reached the stream. */
static ml_status written(FILE *out) { return ferror(out) ? ML_EIO : ML_OK; }

ml_status ml_schedule_write_csv(FILE *out, const ml_installment *rows,
                                size_t count, ml_currency currency) {
  ML_ASSERT(out != NULL && (rows != NULL || count == 0));
  fputs("n,due_date,principal,interest,fees,total,balance\n", out);
  for (size_t i = 0; i < count; i++) {
    const ml_installment *r = &rows[i];
    char due[ML_DATE_FORMAT_SIZE], a[5][ML_AMOUNT_FORMAT_SIZE];
    const ml_amount values[5] = {r->principal, r->interest, r->fees,
                                 r->total, r->balance};
    format_date(due, r->due_date);
    for (int k = 0; k < 5; k++) format_amount(a[k], values[k], currency);
    fprintf(out, "%ld,%s,%s,%s,%s,%s,%s\n", (long)r->n, due, a[0], a[1],
            a[2], a[3], a[4]);
  }
  return written(out);
}

/* The five amounts kept per component of an installment, in CSV order. */
static const char *const status_groups[5] = {"due", "paid", "waived",
                                             "written_off", "outstanding"};

static const ml_amount *status_group(const ml_loan_installment *r, int g) {
  const ml_amount *groups[5] = {r->due, r->paid, r->waived, r->written_off,
                                r->outstanding};
  return groups[g];
}

static void status_header(FILE *out) {
  fputs("n,due_date", out);
  for (int g = 0; g < 5; g++) {
    for (int c = 0; c < ML_COMPONENTS; c++) {
      fprintf(out, ",%s_%s", status_groups[g],
              ml_component_name((ml_component)c));
    }
  }
  fputc('\n', out);
}

ml_status ml_loan_status_write_csv(FILE *out, const ml_loan_status *status,
                                   const ml_loan_installment *rows,
                                   ml_currency currency) {
  ML_ASSERT(out != NULL && status != NULL);
  ML_ASSERT(rows != NULL || status->installment_count == 0);
  status_header(out);
  for (size_t i = 0; i < status->installment_count; i++) {
    char due[ML_DATE_FORMAT_SIZE], a[ML_AMOUNT_FORMAT_SIZE];
    format_date(due, rows[i].due_date);
    fprintf(out, "%ld,%s", (long)rows[i].n, due);
    for (int g = 0; g < 5; g++) {
      const ml_amount *values = status_group(&rows[i], g);
      for (int c = 0; c < ML_COMPONENTS; c++) {
        format_amount(a, values[c], currency);
        fprintf(out, ",%s", a);
      }
    }
    fputc('\n', out);
  }
  return written(out);
}

ml_status ml_postings_write_csv(FILE *out, const ml_posting *postings,
                                size_t count, ml_currency currency) {
  ML_ASSERT(out != NULL && (postings != NULL || count == 0));
  fputs("event_id,date,account,debit,credit\n", out);
  for (size_t i = 0; i < count; i++) {
    const ml_posting *p = &postings[i];
    const char *account = ml_account_name(p->account);
    ML_ASSERT(account != NULL);
    char date[ML_DATE_FORMAT_SIZE], debit[ML_AMOUNT_FORMAT_SIZE],
        credit[ML_AMOUNT_FORMAT_SIZE];
    format_date(date, p->date);
    format_amount(debit, p->debit, currency);
    format_amount(credit, p->credit, currency);
    fprintf(out, "%lld,%s,%s,%s,%s\n", (long long)p->event_id, date,
            account, debit, credit);
  }
  return written(out);
}

/*
 * lib/csv.c — the streaming RFC 4180 reader and the CSV writer
 * (mikrolan/io.h).
 *
 * The general reader looks at one byte at a time through a window: the
 * caller's memory, or a block refilled from the FILE. Every byte it
 * consumes goes through take(), which checks UTF-8, keeps the line and
 * column of the next byte and counts the record's length, so each error
 * can name the exact byte. Field texts are unquoted into one buffer, each
 * followed by a NUL; all buffers are allocated when the reader is made.
 * A fast path (below) reads the common record — one line, no quotes —
 * a block of bytes at a time, and leaves everything else to it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_line.h"
#include "internal.h"
#include "mikrolan/io.h"
#include "utf8.h"

enum {
  /* twice the longest record, so that a record always fits in the block
   * once the unread rest is moved to its start */
  INPUT_BLOCK = 2 * ML_CSV_MAX_RECORD,
  /* unquoted text of a record never exceeds its raw bytes, plus one NUL
   * per field */
  TEXT_SIZE = ML_CSV_MAX_RECORD + ML_CSV_MAX_COLUMNS + 1,
  END_OF_INPUT = -1,
  READ_FAILED = -2
};

typedef struct field_info {
  size_t start;  /* offset of its text in reader->text */
  size_t length; /* bytes, without the NUL */
  long line;     /* where it starts as written (not set in a plain record) */
  long column;
  int quoted;
} field_info;

/* UTF-8 validation state: how many continuation bytes are still owed,
 * the range the next one must be in, and where the sequence began. */
typedef struct utf8_state {
  int owed;
  unsigned char low, high;
  long line, column;
} utf8_state;

struct ml_csv_reader {
  FILE *file; /* NULL when reading memory */
  const unsigned char *window;
  size_t pos, len;      /* window[pos..len) not yet read */
  unsigned char *block; /* the FILE's input block */
  int at_end;           /* nothing after the window */
  int read_failed;      /* ... because reading failed */
  long line, column;    /* position of window[pos] */
  utf8_state utf8;

  size_t columns; /* of the header */
  char *names;    /* the header's texts, NUL-separated */
  size_t *name_start;

  char *text; /* the current record's fields */
  size_t text_len;
  field_info *info;
  size_t fields;
  long record_line;
  long end_line, end_column; /* where the record's last field ended */
  size_t record_bytes;
  int plain_record; /* read by the fast path: one line, no quotes; its
                       fields' places are not stored but follow from
                       their starts */
  int in_header;

  ml_status failed; /* ML_OK, or the final error */
  ml_error failure;
};

/* ---- errors --------------------------------------------------------------- */

/* The name of the column the byte being read belongs to, or "". */
static const char *current_column(const ml_csv_reader *r) {
  if (r->in_header || r->fields >= r->columns) return "";
  return r->names + r->name_start[r->fields];
}

/* Records a final error at (line, column) and copies it to err. */
static ml_status fail_at(ml_csv_reader *r, ml_error *err, ml_status code,
                         long line, long column, const char *fmt, ...)
    ML_PRINTF(6, 7);

static ml_status fail_at(ml_csv_reader *r, ml_error *err, ml_status code,
                         long line, long column, const char *fmt, ...) {
  char message[ML_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  r->failed = ml_error_set(&r->failure, code, current_column(r), line,
                           column, "%s", message);
  if (err != NULL) *err = r->failure;
  return code;
}

/* "'x'" for a printable ASCII byte, "byte 0xNN" otherwise. */
static void describe_byte(char buf[16], int b) {
  if (b > 0x20 && b < 0x7f) {
    snprintf(buf, 16, "'%c'", b);
  } else {
    snprintf(buf, 16, "byte 0x%02x", (unsigned)b);
  }
}

/* ---- input ---------------------------------------------------------------- */

/* Moves the unread rest of the block to its start and fills the block up
 * behind it (file input only): a record then never straddles two reads.
 * fread is short only at the end or on an error. */
static void refill_behind(ml_csv_reader *r) {
  size_t rest = r->len - r->pos;
  if (r->file == NULL || r->at_end || rest == INPUT_BLOCK) return;
  memmove(r->block, r->window + r->pos, rest);
  size_t got = fread(r->block + rest, 1, INPUT_BLOCK - rest, r->file);
  r->pos = 0;
  r->len = rest + got;
  if (got < INPUT_BLOCK - rest) {
    r->at_end = 1;
    r->read_failed = ferror(r->file) != 0;
  }
}

/* The next byte without consuming it; END_OF_INPUT or READ_FAILED. */
static int peek(ml_csv_reader *r) {
  if (r->pos == r->len) refill_behind(r);
  if (r->pos < r->len) return r->window[r->pos];
  return r->read_failed ? READ_FAILED : END_OF_INPUT;
}

static ml_status invalid_utf8(ml_csv_reader *r, ml_error *err, long line,
                              long column, int b) {
  return fail_at(r, err, ML_EPARSE, line, column,
                 "invalid UTF-8: byte 0x%02x does not start a valid "
                 "sequence; the input must be UTF-8 text",
                 (unsigned)b);
}

/* Checks byte b, at the current position, as the next byte of UTF-8. */
static ml_status check_utf8(ml_csv_reader *r, ml_error *err, int b) {
  utf8_state *u = &r->utf8;
  if (u->owed > 0) {
    if (b < u->low || b > u->high) {
      return fail_at(r, err, ML_EPARSE, u->line, u->column,
                     "invalid UTF-8: the sequence starting here is cut "
                     "short or malformed (then byte 0x%02x at column %ld); "
                     "the input must be UTF-8 text",
                     (unsigned)b, r->column);
    }
    u->owed--;
    u->low = 0x80;
    u->high = 0xbf;
    return ML_OK;
  }
  if (b == 0) {
    return fail_at(r, err, ML_EPARSE, r->line, r->column,
                   "a NUL byte is not allowed in CSV text");
  }
  int owed = ml_utf8_lead((unsigned char)b, &u->low, &u->high);
  if (owed == 0) return ML_OK;
  if (owed < 0) return invalid_utf8(r, err, r->line, r->column, b);
  u->owed = owed;
  u->line = r->line;
  u->column = r->column;
  return ML_OK;
}

/* Consumes byte b (what peek returned): checks it, counts it in the
 * record unless it ends the record, and moves the position past it. */
static ml_status take(ml_csv_reader *r, ml_error *err, int b,
                      int in_record) {
  ml_status st = check_utf8(r, err, b);
  if (st != ML_OK) return st;
  if (in_record && ++r->record_bytes > ML_CSV_MAX_RECORD) {
    return fail_at(r, err, ML_ELIMIT, r->line, r->column,
                   "the record starting on line %ld is longer than %d bytes",
                   r->record_line, ML_CSV_MAX_RECORD);
  }
  r->pos++;
  if (b == '\n') {
    r->line++;
    r->column = 1;
  } else {
    r->column++;
  }
  return ML_OK;
}

/* END_OF_INPUT is fine only when no UTF-8 sequence is left open. */
static ml_status check_end(ml_csv_reader *r, ml_error *err, int b) {
  if (b == READ_FAILED) {
    return fail_at(r, err, ML_EIO, r->line, r->column,
                   "reading the input failed");
  }
  if (r->utf8.owed > 0) {
    return fail_at(r, err, ML_EPARSE, r->utf8.line, r->utf8.column,
                   "invalid UTF-8: the input ends inside a multi-byte "
                   "sequence; the input must be UTF-8 text");
  }
  return ML_OK;
}

/* ---- records --------------------------------------------------------------- */

/* Adds byte b, which was read at (line, column), to the current field. */
static ml_status append(ml_csv_reader *r, ml_error *err, int b, long line,
                        long column) {
  field_info *f = &r->info[r->fields];
  if (f->length == ML_CSV_MAX_FIELD) {
    return fail_at(r, err, ML_ELIMIT, line, column,
                   "the field starting at line %ld, column %ld is longer "
                   "than %d bytes",
                   f->line, f->column, ML_CSV_MAX_FIELD);
  }
  r->text[r->text_len++] = (char)b;
  f->length++;
  return ML_OK;
}

/* Consumes a line ending: "\n", or "\r" that must be followed by "\n". */
static ml_status take_line_end(ml_csv_reader *r, ml_error *err, int b) {
  long line = r->line, column = r->column;
  ml_status st = take(r, err, b, 0);
  if (st != ML_OK || b == '\n') return st;
  int next = peek(r);
  if (next != '\n') {
    return fail_at(r, err, ML_EPARSE, line, column,
                   "a carriage return not followed by a line feed; lines "
                   "end with CRLF or LF (quote a field that holds a CR)");
  }
  return take(r, err, next, 0);
}

typedef enum field_end { MORE_FIELDS, END_OF_RECORD } field_end;

/* After a field: a comma (more fields), a line ending or the end. */
static ml_status end_of_field(ml_csv_reader *r, ml_error *err, int b,
                              field_end *end) {
  if (b == ',') {
    *end = MORE_FIELDS;
    return take(r, err, b, 1);
  }
  *end = END_OF_RECORD;
  r->end_line = r->line;
  r->end_column = r->column;
  if (b == '\n' || b == '\r') return take_line_end(r, err, b);
  return check_end(r, err, b);
}

static ml_status read_quoted(ml_csv_reader *r, ml_error *err,
                             field_end *end) {
  const field_info *f = &r->info[r->fields];
  ml_status st = take(r, err, '"', 1);
  for (int b = peek(r); st == ML_OK; b = peek(r)) {
    if (b < 0) {
      st = check_end(r, err, b);
      if (st != ML_OK) return st;
      return fail_at(r, err, ML_EPARSE, f->line, f->column,
                     "the quoted field starting here is never closed; "
                     "expected a closing '\"'");
    }
    long line = r->line, column = r->column;
    st = take(r, err, b, 1);
    if (st != ML_OK || b != '"') {
      if (st == ML_OK) st = append(r, err, b, line, column);
      continue;
    }
    int next = peek(r);
    if (next != '"') break; /* the closing quote */
    st = take(r, err, next, 1);
    if (st == ML_OK) st = append(r, err, '"', line, column);
  }
  if (st != ML_OK) return st;
  int b = peek(r);
  if (b >= 0 && b != ',' && b != '\n' && b != '\r') {
    char shown[16];
    describe_byte(shown, b);
    return fail_at(r, err, ML_EPARSE, r->line, r->column,
                   "unexpected %s after the closing quote; expected a "
                   "comma or the end of the line",
                   shown);
  }
  return end_of_field(r, err, b, end);
}

/*
 * Copies the run of plain ASCII bytes at the current position into the
 * field at once: the common case, with the same checks as one byte at a
 * time (no UTF-8 sequence is open, no NUL, quote or separator, and the run
 * stops where a limit would be passed, so the byte path reports it).
 */
static void take_ascii_run(ml_csv_reader *r) {
  if (r->utf8.owed > 0) return;
  const unsigned char *p = r->window + r->pos;
  size_t n = 0, available = r->len - r->pos;
  while (n < available) {
    unsigned char c = p[n];
    if (c == 0 || c >= 0x80 || c == ',' || c == '\n' || c == '\r' || c == '"') {
      break;
    }
    n++;
  }
  field_info *f = &r->info[r->fields];
  size_t field_room = ML_CSV_MAX_FIELD - f->length;
  size_t record_room = ML_CSV_MAX_RECORD - r->record_bytes;
  if (n > field_room) n = field_room;
  if (n > record_room) n = record_room;
  memcpy(r->text + r->text_len, p, n);
  r->text_len += n;
  f->length += n;
  r->record_bytes += n;
  r->pos += n;
  r->column += (long)n;
}

static ml_status read_unquoted(ml_csv_reader *r, ml_error *err,
                               field_end *end) {
  for (;;) {
    take_ascii_run(r);
    int b = peek(r);
    if (b < 0 || b == ',' || b == '\n' || b == '\r') {
      return end_of_field(r, err, b, end);
    }
    if (b == '"') {
      return fail_at(r, err, ML_EPARSE, r->line, r->column,
                     "a quote inside an unquoted field; enclose the whole "
                     "field in quotes and double the quote (\"\")");
    }
    long line = r->line, column = r->column;
    ml_status st = take(r, err, b, 1);
    if (st == ML_OK) st = append(r, err, b, line, column);
    if (st != ML_OK) return st;
  }
}

static ml_status begin_field(ml_csv_reader *r, ml_error *err) {
  if (r->fields == ML_CSV_MAX_COLUMNS) {
    return fail_at(r, err, ML_ELIMIT, r->line, r->column,
                   "the record on line %ld has more than %d fields",
                   r->record_line, ML_CSV_MAX_COLUMNS);
  }
  if (!r->in_header && r->fields == r->columns) {
    return fail_at(r, err, ML_EPARSE, r->line, r->column,
                   "the record on line %ld has more fields than the "
                   "header's %zu",
                   r->record_line, r->columns);
  }
  int b = peek(r);
  r->info[r->fields] =
      (field_info){r->text_len, 0, r->line, r->column, b == '"'};
  return ML_OK;
}

static ml_status read_field(ml_csv_reader *r, ml_error *err,
                            field_end *end) {
  ml_status st = begin_field(r, err);
  if (st != ML_OK) return st;
  st = r->info[r->fields].quoted ? read_quoted(r, err, end)
                                 : read_unquoted(r, err, end);
  if (st != ML_OK) return st;
  r->text[r->text_len++] = '\0';
  r->fields++;
  return ML_OK;
}

/* Skips empty lines; *b is then the first byte of a record, or < 0. */
static ml_status skip_empty_lines(ml_csv_reader *r, ml_error *err, int *b) {
  for (*b = peek(r); *b == '\n' || *b == '\r'; *b = peek(r)) {
    ml_status st = take_line_end(r, err, *b);
    if (st != ML_OK) return st;
  }
  return ML_OK;
}

static ml_status read_record(ml_csv_reader *r, int *has_record,
                             ml_error *err) {
  int b;
  ml_status st = skip_empty_lines(r, err, &b);
  if (st == ML_OK && b < 0) st = check_end(r, err, b);
  *has_record = 0;
  if (st != ML_OK || b < 0) return st;
  r->record_line = r->line;
  r->record_bytes = 0;
  r->plain_record = 0;
  r->text_len = 0;
  r->fields = 0;
  field_end end = MORE_FIELDS;
  while (end == MORE_FIELDS) {
    st = read_field(r, err, &end);
    if (st != ML_OK) return st;
  }
  if (!r->in_header && r->fields != r->columns) {
    /* at the record's end, where the first missing field would start */
    return fail_at(r, err, ML_EPARSE, r->end_line, r->end_column,
                   "the record on line %ld has %zu field%s but the header "
                   "has %zu",
                   r->record_line, r->fields, r->fields == 1 ? "" : "s",
                   r->columns);
  }
  *has_record = 1;
  return ML_OK;
}

/* ---- the fast path: a plain record on one line ---------------------------- */

/*
 * Nearly every record is one line of unquoted fields with nothing wrong in
 * it. Such a line is split at its commas in one pass over its bytes, which
 * are copied into the field texts as they are checked. Anything else (a
 * quote, a stray CR or NUL, invalid UTF-8, a limit passed, the wrong
 * number of fields, an empty line, a line not wholly in the window) is left
 * to the byte-at-a-time reader above, from the same position, which then
 * reads it or names the exact byte at fault: the fast path changes nothing
 * until it has accepted the whole line.
 */

/* The bytes of a valid UTF-8 sequence starting at s[0] (>= 0x80) within
 * s[0..n), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char low, high;
  int owed = ml_utf8_lead(s[0], &low, &high);
  if (owed < 0 || (size_t)owed >= n) return 0;
  for (int k = 1; k <= owed; k++) {
    if (s[k] < low || s[k] > high) return 0;
    low = 0x80;
    high = 0xbf;
  }
  return (size_t)owed + 1;
}

/*
 * A block of bytes at a time: a mask with a bit for each byte that needs a
 * look (a comma, a line end, or a byte the fast path does not take as it
 * is: quote, CR, NUL, >= 0x80), the first byte in the lowest bits, and the
 * block copied into the field texts on the way. SSE2 (every x86-64) looks
 * at 16 bytes with one bit per byte; elsewhere a 64-bit word looks at 8,
 * with the byte's top bit (0x80) set in the mask.
 */
#if defined(__SSE2__)
#include <emmintrin.h>

enum { BLOCK_BYTES = 16, MASK_BITS_PER_BYTE = 1 };

static uint64_t copy_and_look(unsigned char *to, const unsigned char *from) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)from);
  _mm_storeu_si128((__m128i *)(void *)to, v);
  __m128i special = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                   _mm_cmpeq_epi8(v, _mm_setzero_si128())));
  /* movemask of v itself: the bytes >= 0x80 */
  return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(special, v));
}
#else
enum { BLOCK_BYTES = 8, MASK_BITS_PER_BYTE = 8 };

static uint64_t copy_and_look(unsigned char *to, const unsigned char *from) {
  uint64_t w;
  memcpy(&w, from, sizeof w);
  memcpy(to, &w, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w); /* the first byte in the lowest bits */
#endif
  return ml_zero_bytes(w ^ ml_each_byte(',')) |
         ml_zero_bytes(w ^ ml_each_byte('\n')) |
         ml_zero_bytes(w ^ ml_each_byte('"')) |
         ml_zero_bytes(w ^ ml_each_byte('\r')) | ml_zero_bytes(w) |
         (w & ml_each_byte(0x80));
}
#endif

typedef enum scan_result {
  SCAN_ON,
  SCAN_LINE_END,
  SCAN_GIVE_UP,
  SCAN_WINDOW_END /* no line feed before the end of the window */
} scan_result;

/* A plain line being split: the window's bytes from the record's start. */
typedef struct plain_scan {
  const unsigned char *line;
  size_t available;
  size_t field_start;
  size_t checked; /* bytes before this were checked as part of UTF-8 */
} plain_scan;

/* Closes the field that ends at offset end of the line; 0 when a limit
 * or the header's column count would be passed. */
static int close_plain_field(ml_csv_reader *r, size_t start, size_t end) {
  if (r->fields == r->columns || end - start > ML_CSV_MAX_FIELD) return 0;
  field_info *f = &r->info[r->fields++];
  f->start = start;
  f->length = end - start;
  return 1;
}

/* Looks at the byte at offset i, which is not plain ASCII text. */
static scan_result look_at(ml_csv_reader *r, plain_scan *s, size_t i) {
  if (i < s->checked) return SCAN_ON;
  unsigned char c = s->line[i];
  if (c == ',') {
    r->text[i] = '\0';
    if (!close_plain_field(r, s->field_start, i)) return SCAN_GIVE_UP;
    s->field_start = i + 1;
    return SCAN_ON;
  }
  if (c == '\n') return SCAN_LINE_END;
  if (c == '\r' && i + 1 < s->available && s->line[i + 1] == '\n') {
    return SCAN_ON; /* a CRLF ending */
  }
  if (c < 0x80) return SCAN_GIVE_UP; /* a quote, a stray CR or a NUL */
  size_t len = utf8_sequence(s->line + i, s->available - i);
  if (len == 0) return SCAN_GIVE_UP;
  s->checked = i + len;
  return SCAN_ON;
}

/* Copies the line into the field texts up to its line feed, splitting at
 * commas; *end is then the line feed's offset. */
static scan_result scan_plain_line(ml_csv_reader *r, plain_scan *s,
                                   size_t *end) {
  unsigned char *text = (unsigned char *)r->text;
  size_t i = 0;
  for (; i + BLOCK_BYTES <= s->available; i += BLOCK_BYTES) {
    for (uint64_t m = copy_and_look(text + i, s->line + i); m != 0;
         m &= m - 1) {
      size_t at = i + (size_t)__builtin_ctzll(m) / MASK_BITS_PER_BYTE;
      scan_result res = look_at(r, s, at);
      *end = at;
      if (res != SCAN_ON) return res;
    }
  }
  for (; i < s->available; i++) {
    text[i] = s->line[i];
    unsigned char c = s->line[i];
    if (c > '"' && c != ',' && c < 0x80) continue;
    scan_result res = look_at(r, s, i);
    *end = i;
    if (res != SCAN_ON) return res;
  }
  return SCAN_WINDOW_END;
}

#if defined(__SSE2__)
/*
 * A short line — its line feed within 64 bytes — is looked at in one go:
 * four blocks give a mask of its commas, one of line feeds, one of the
 * bytes the fast path leaves to others (quote, CR, NUL) and one of the
 * bytes >= 0x80. A line of up to 128 bytes takes two such looks. Without
 * a quote, CR or NUL, and with valid UTF-8, the line is split by a loop
 * over its commas.
 */
typedef struct line_masks {
  uint64_t commas, line_feeds, odd, high;
} line_masks;

/* The masks of window[0..64); with a copy in `to` (commas and line feeds
 * as NULs, which end the field texts) when to is not NULL. */
static inline line_masks look_64(const unsigned char *from, unsigned char *to) {
  line_masks m = {0, 0, 0, 0};
  for (size_t b = 0; b < 4; b++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(from + 16 * b));
    __m128i comma = _mm_cmpeq_epi8(v, _mm_set1_epi8(','));
    __m128i line_feed = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    if (to != NULL) {
      _mm_storeu_si128((__m128i *)(void *)(to + 16 * b),
                       _mm_andnot_si128(_mm_or_si128(comma, line_feed), v));
    }
    __m128i odd = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
        _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    m.commas |= (uint64_t)(unsigned)_mm_movemask_epi8(comma) << (16 * b);
    m.line_feeds |= (uint64_t)(unsigned)_mm_movemask_epi8(line_feed) << (16 * b);
    m.odd |= (uint64_t)(unsigned)_mm_movemask_epi8(odd) << (16 * b);
    m.high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * b);
  }
  return m;
}

/* The length of the short plain ASCII line the masks show (without its
 * line feed), with *commas its commas; 0 when it is not one. */
static inline size_t short_plain_length(const line_masks *m, uint64_t *commas) {
  if (m->line_feeds == 0) return 0;
  unsigned n = (unsigned)__builtin_ctzll(m->line_feeds);
  uint64_t before = (UINT64_C(1) << n) - 1;
  if (n == 0 || ((m->odd | m->high) & before) != 0) return 0;
  *commas = m->commas & before;
  return n;
}

/* A line of up to 128 bytes looked at: its masks (m[1] only when its line
 * feed is past the first 64 bytes), its length, and how many looks. */
typedef struct looked_line {
  line_masks m[2];
  size_t length;
  int words;
} looked_line;

/* Looks at the line (copying it into to) and checks it: a line feed
 * within 128 bytes (of available), no quote, CR or NUL before it, valid
 * UTF-8. 0 when the line is not such a line. */
static int look_at_line(looked_line *l, const unsigned char *line,
                        size_t available, unsigned char *to) {
  l->m[0] = look_64(line, to);
  l->words = 1;
  if (l->m[0].line_feeds != 0) {
    l->length = (size_t)__builtin_ctzll(l->m[0].line_feeds);
  } else {
    if (available < 128) return 0;
    l->m[1] = look_64(line + 64, to + 64);
    if (l->m[1].line_feeds == 0) return 0;
    l->words = 2;
    l->length = 64 + (size_t)__builtin_ctzll(l->m[1].line_feeds);
  }
  if (l->length == 0) return 0;
  size_t skip_to = 0; /* the end of the last UTF-8 sequence checked */
  for (int w = 0; w < l->words; w++) {
    size_t from = 64 * (size_t)w;
    uint64_t before = l->length - from >= 64
                          ? ~UINT64_C(0)
                          : (UINT64_C(1) << (l->length - from)) - 1;
    l->m[w].commas &= before;
    if ((l->m[w].odd & before) != 0) return 0;
    for (uint64_t h = l->m[w].high & before; h != 0; h &= h - 1) {
      size_t i = from + (size_t)__builtin_ctzll(h);
      if (i < skip_to) continue;
      size_t len = utf8_sequence(line + i, l->length - i);
      if (len == 0) return 0;
      skip_to = i + len;
    }
  }
  return 1;
}

/* Splits a plain line of up to 128 bytes: its length, or 0 when it is
 * not one or has not the header's number of fields (nothing is then
 * changed that the other paths rely on). */
static size_t split_short_line(ml_csv_reader *r, const unsigned char *line,
                               size_t available) {
  looked_line l;
  if (!look_at_line(&l, line, available, (unsigned char *)r->text)) return 0;
  /* locals: the stores to info could alias r's members otherwise */
  field_info *info = r->info;
  size_t last = r->columns - 1, k = 0, start = 0;
  for (int w = 0; w < l.words; w++) {
    for (uint64_t c = l.m[w].commas; c != 0; c &= c - 1) {
      if (k == last) return 0;
      size_t at = 64 * (size_t)w + (size_t)__builtin_ctzll(c);
      info[k].start = start;
      info[k].length = at - start;
      start = at + 1;
      k++;
    }
  }
  if (k != last) return 0;
  info[last].start = start;
  info[last].length = l.length - start;
  r->fields = last + 1;
  return l.length;
}
#endif

/* Splits the line at the window's position: *n is its length without the
 * line ending, *ending the bytes the ending takes. */
static scan_result split_plain_line(ml_csv_reader *r, size_t *n,
                                    size_t *ending) {
  size_t available = r->len - r->pos;
  /* a record and its CRLF; the text buffer holds that and a block more */
  if (available > ML_CSV_MAX_RECORD + 2) available = ML_CSV_MAX_RECORD + 2;
#if defined(__SSE2__)
  if (available >= 64) {
    *n = split_short_line(r, r->window + r->pos, available);
    if (*n > 0) {
      *ending = 1;
      return SCAN_LINE_END;
    }
  }
#endif
  plain_scan s = {r->window + r->pos, available, 0, 0};
  size_t lf = 0;
  r->fields = 0;
  scan_result res = scan_plain_line(r, &s, &lf);
  if (res != SCAN_LINE_END) return res;
  *n = lf;
  *ending = 1;
  if (*n > 0 && s.line[*n - 1] == '\r') {
    --*n;
    *ending = 2;
  }
  if (*n == 0 || *n > ML_CSV_MAX_RECORD ||
      !close_plain_field(r, s.field_start, *n) || r->fields != r->columns) {
    return SCAN_GIVE_UP;
  }
  r->text[*n] = '\0';
  return SCAN_LINE_END;
}

/* Reads the next record when it is a plain line; 0 (nothing read) when
 * the general reader must. */
static int read_plain_record(ml_csv_reader *r) {
  if (r->in_header || r->utf8.owed > 0) return 0;
  size_t n = 0, ending = 0;
  scan_result res = split_plain_line(r, &n, &ending);
  if (res == SCAN_WINDOW_END && r->len - r->pos <= ML_CSV_MAX_RECORD + 2) {
    refill_behind(r); /* the line goes on in the next block */
    res = split_plain_line(r, &n, &ending);
  }
  if (res != SCAN_LINE_END) return 0;
  r->record_line = r->line;
  r->record_bytes = n;
  r->plain_record = 1;
  r->text_len = n + 1;
  r->pos += n + ending;
  r->line++;
  r->column = 1;
  return 1;
}

/* ---- the header ------------------------------------------------------------ */

static ml_status check_header_names(ml_csv_reader *r, ml_error *err) {
  for (size_t i = 0; i < r->fields; i++) {
    const field_info *f = &r->info[i];
    if (f->length == 0) {
      return fail_at(r, err, ML_EPARSE, f->line, f->column,
                     "header field %zu is empty; every column needs a name",
                     i + 1);
    }
    for (size_t k = 0; k < i; k++) {
      if (r->info[k].length == f->length &&
          strcmp(r->text + r->info[k].start, r->text + f->start) == 0) {
        char quoted[64];
        ml_quote_input(quoted, sizeof quoted, r->text + f->start);
        return fail_at(r, err, ML_EPARSE, f->line, f->column,
                       "the header names the column %s twice (fields %zu "
                       "and %zu); column names must be unique",
                       quoted, k + 1, i + 1);
      }
    }
  }
  return ML_OK;
}

/* Reads the header and keeps a copy of its names. */
static ml_status read_header(ml_csv_reader *r, ml_error *err) {
  int has_record = 0;
  r->in_header = 1;
  ml_status st = read_record(r, &has_record, err);
  if (st != ML_OK) return st;
  if (!has_record) {
    return fail_at(r, err, ML_EPARSE, r->line, r->column,
                   "the input is empty; expected a header row naming the "
                   "columns");
  }
  st = check_header_names(r, err);
  if (st != ML_OK) return st;
  r->names = malloc(r->text_len);
  r->name_start = malloc(r->fields * sizeof *r->name_start);
  if (r->names == NULL || r->name_start == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for the CSV header");
  }
  memcpy(r->names, r->text, r->text_len);
  for (size_t i = 0; i < r->fields; i++) r->name_start[i] = r->info[i].start;
  r->columns = r->fields;
  r->in_header = 0;
  return ML_OK;
}

/* A UTF-8 byte-order mark at the very start is not part of the text. */
static void skip_bom(ml_csv_reader *r) {
  static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
  for (int i = 0; i < 3; i++) {
    if (peek(r) != bom[i]) {
      r->pos -= (size_t)i; /* still in the first window: give them back */
      return;
    }
    r->pos++;
  }
}

/* ---- making and freeing ---------------------------------------------------- */

static ml_status allocate(ml_csv_reader **out, ml_error *err) {
  ml_csv_reader *r = calloc(1, sizeof *r);
  if (r != NULL) {
    r->text = malloc(TEXT_SIZE);
    r->info = malloc(ML_CSV_MAX_COLUMNS * sizeof *r->info);
  }
  if (r == NULL || r->text == NULL || r->info == NULL) {
    ml_csv_reader_free(r);
    ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a CSV reader");
    return ML_ENOMEM; /* explicit: the analyzer then sees *out set on ML_OK */
  }
  r->line = 1;
  r->column = 1;
  *out = r;
  return ML_OK;
}

static ml_status start(ml_csv_reader **out, ml_csv_reader *r,
                       ml_error *err) {
  skip_bom(r);
  ml_status st = read_header(r, err);
  if (st != ML_OK) {
    ml_csv_reader_free(r);
    return st;
  }
  *out = r;
  return ML_OK;
}

ml_status ml_csv_reader_new(ml_csv_reader **out, FILE *in, ml_error *err) {
  ML_ASSERT(out != NULL && in != NULL);
  *out = NULL;
  ml_csv_reader *r = NULL;
  ml_status st = allocate(&r, err);
  if (st != ML_OK) return st;
  r->file = in;
  r->block = malloc(INPUT_BLOCK);
  if (r->block == NULL) {
    ml_csv_reader_free(r);
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a CSV reader");
  }
  r->window = r->block;
  return start(out, r, err);
}

ml_status ml_csv_reader_new_memory(ml_csv_reader **out, const void *data,
                                   size_t size, ml_error *err) {
  ML_ASSERT(out != NULL && (data != NULL || size == 0));
  *out = NULL;
  ml_csv_reader *r = NULL;
  ml_status st = allocate(&r, err);
  if (st != ML_OK) return st;
  r->window = data;
  r->len = size;
  r->at_end = 1;
  return start(out, r, err);
}

void ml_csv_reader_free(ml_csv_reader *reader) {
  if (reader == NULL) return;
  free(reader->block);
  free(reader->text);
  free(reader->info);
  free(reader->names);
  free(reader->name_start);
  free(reader);
}

/* ---- the record API ------------------------------------------------------- */

size_t ml_csv_column_count(const ml_csv_reader *reader) {
  ML_ASSERT(reader != NULL);
  return reader->columns;
}

const char *ml_csv_column_name(const ml_csv_reader *reader, size_t index) {
  ML_ASSERT(reader != NULL && index < reader->columns);
  return reader->names + reader->name_start[index];
}

size_t ml_csv_column_find(const ml_csv_reader *reader, const char *name) {
  ML_ASSERT(reader != NULL && name != NULL);
  for (size_t i = 0; i < reader->columns; i++) {
    /* the first byte first: par --sort-events makes a reader per loan */
    const char *column = reader->names + reader->name_start[i];
    if (column[0] == name[0] && strcmp(column, name) == 0) return i;
  }
  return ML_CSV_NO_COLUMN;
}

ml_status ml_csv_next(ml_csv_reader *reader, int *has_record,
                      ml_error *err) {
  ML_ASSERT(reader != NULL && has_record != NULL);
  *has_record = 0;
  if (reader->failed != ML_OK) {
    if (err != NULL) *err = reader->failure;
    return reader->failed;
  }
  if (read_plain_record(reader)) {
    *has_record = 1;
    return ML_OK;
  }
  return read_record(reader, has_record, err);
}

const char *ml_csv_peek_bytes(ml_csv_reader *reader, size_t *available,
                              long *line) {
  ml_csv_reader *r = reader;
  if (r->failed != ML_OK || r->in_header || r->utf8.owed > 0) return NULL;
  if (r->len - r->pos < 64) refill_behind(r);
  if (r->len - r->pos < 64) return NULL;
  *available = r->len - r->pos;
  *line = r->line;
  return (const char *)r->window + r->pos;
}

int ml_csv_peek_line(ml_csv_reader *reader, ml_csv_line *line) {
#if defined(__SSE2__)
  size_t available;
  const char *bytes = ml_csv_peek_bytes(reader, &available, &line->line);
  if (bytes == NULL) return 0;
  line_masks m = look_64((const unsigned char *)bytes, NULL);
  line->length = short_plain_length(&m, &line->commas);
  line->bytes = bytes;
  return line->length > 0;
#else
  (void)reader;
  (void)line;
  return 0;
#endif
}

void ml_csv_skip_line(ml_csv_reader *reader, const ml_csv_line *line) {
  ML_ASSERT(line->line == reader->line &&
            line->bytes == (const char *)reader->window + reader->pos);
  reader->pos += line->length + 1;
  reader->line++;
  reader->column = 1;
}

const char *ml_csv_field(const ml_csv_reader *reader, size_t index) {
  ML_ASSERT(reader != NULL && index < reader->fields);
  return reader->text + reader->info[index].start;
}

size_t ml_csv_field_length(const ml_csv_reader *reader, size_t index) {
  ML_ASSERT(reader != NULL && index < reader->fields);
  return reader->info[index].length;
}

long ml_csv_record_line(const ml_csv_reader *reader) {
  ML_ASSERT(reader != NULL);
  return reader->record_line;
}

void ml_csv_locate(const ml_csv_reader *reader, size_t index, size_t offset,
                   ml_error *err) {
  ML_ASSERT(reader != NULL && index < reader->fields);
  if (err == NULL) return;
  const field_info *f = &reader->info[index];
  const char *name = index < reader->columns
                         ? reader->names + reader->name_start[index]
                         : "";
  /* as snprintf "%s" would, without its cost: --sort-events locates
   * every cell of every row */
  const char *end = memchr(name, '\0', sizeof err->field - 1);
  size_t length = end != NULL ? (size_t)(end - name) : sizeof err->field - 1;
  memcpy(err->field, name, length);
  err->field[length] = '\0';
  int quoted = !reader->plain_record && f->quoted;
  long line = reader->plain_record ? reader->record_line : f->line;
  long column = reader->plain_record ? (long)f->start + 1 : f->column;
  if (offset > 0) {
    const char *text = reader->text + f->start;
    size_t before = offset - 1 < f->length ? offset - 1 : f->length;
    column += quoted; /* past the opening quote */
    for (size_t i = 0; i < before; i++) {
      if (text[i] == '\n') {
        line++;
        column = 1;
      } else {
        column += (quoted && text[i] == '"') ? 2 : 1;
      }
    }
  }
  err->line = line;
  err->column = column;
}

/* ---- writing -------------------------------------------------------------- */

static int needs_quotes(const char *field, size_t count) {
  if (field[0] == '\0') return count == 1;
  if (strncmp(field, "\xef\xbb\xbf", 3) == 0) return 1;
  return strpbrk(field, ",\"\r\n") != NULL;
}

/* Writes a quoted field: runs between quotes as they are, each quote
 * doubled. 0 on success, EOF on a write error. */
static int write_quoted(FILE *out, const char *field) {
  if (fputc('"', out) == EOF) return EOF;
  for (const char *p = field;;) {
    size_t run = strcspn(p, "\"");
    if (run > 0 && fwrite(p, 1, run, out) != run) return EOF;
    p += run;
    if (*p == '\0') break;
    if (fputs("\"\"", out) == EOF) return EOF;
    p++;
  }
  return fputc('"', out) == EOF ? EOF : 0;
}

ml_status ml_csv_write_record(FILE *out, const char *const *fields,
                              size_t count, ml_csv_newline newline) {
  ML_ASSERT(out != NULL && fields != NULL && count >= 1);
  ML_ASSERT(newline == ML_CSV_LF || newline == ML_CSV_CRLF);
  for (size_t i = 0; i < count; i++) {
    ML_ASSERT(fields[i] != NULL);
    if (i > 0 && fputc(',', out) == EOF) return ML_EIO;
    int failed = needs_quotes(fields[i], count)
                     ? write_quoted(out, fields[i])
                     : fputs(fields[i], out);
    if (failed == EOF) return ML_EIO;
  }
  return fputs(newline == ML_CSV_CRLF ? "\r\n" : "\n", out) == EOF ? ML_EIO
                                                                   : ML_OK;
}

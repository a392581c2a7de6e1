/*
 * cli/apr_flows.c — reads the dated flows of `mikrolan apr --flows FILE`:
 * RFC 4180 CSV with the header date,amount (see cli/apr.h).
 *
 * The file is read whole, then scanned once. Every complaint names the
 * file, the line and column where the offending field starts (plus the
 * library's column inside the field, when it gives one) and the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apr.h"

/* Largest flows file read, in bytes: far above ML_APR_MAX_FLOWS rows. */
#define FLOWS_FILE_MAX (64L * 1024 * 1024)

typedef struct csv_reader {
  const char *path;
  const char *p, *end;
  const char *line_start;
  long line;
} csv_reader;

/* One field as read: its text (NUL-terminated), where it starts. */
typedef struct csv_field {
  char text[APR_FLOWS_FIELD_MAX + 1];
  long line, column;
} csv_field;

/* "PATH:LINE:COLUMN: FIELD: message" on --flows. */
static int fail_at(cli_error *err, const csv_reader *r, long line,
                   long column, const char *field, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static int fail_at(cli_error *err, const csv_reader *r, long line,
                   long column, const char *field, const char *fmt, ...) {
  char message[CLI_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return cli_fail(err, "flows", "%s:%ld:%ld: %s: %s", r->path, line, column,
                  field, message);
}

static long column_of(const csv_reader *r) {
  return (long)(r->p - r->line_start) + 1;
}

/* ---- reading the file -------------------------------------------------- */

static int cannot_read(cli_error *err, const char *path) {
  return cli_fail(err, "flows", "cannot read %s: %s", path, strerror(errno));
}

/* Whether a file that filled FLOWS_FILE_MAX bytes goes on: the limit is
 * then passed (status 2), else it ends there (0). */
static int past_the_limit(FILE *f, const char *path, cli_error *err) {
  if (fgetc(f) == EOF) return ferror(f) ? cannot_read(err, path) : 0;
  return cli_fail(err, "flows",
                  "%s is larger than %ld bytes (64 MiB), the most a flows "
                  "file may be",
                  strcmp(path, "-") == 0 ? "standard input" : path,
                  FLOWS_FILE_MAX);
}

/* The whole file (or standard input for "-") into a malloc'ed buffer. */
static int slurp(char **data, size_t *size, const char *path,
                 cli_error *err) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL) return cannot_read(err, path);
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  int st = buf == NULL ? CLI_EXIT_FAILURE : 0;
  while (st == 0) {
    if (n == cap && cap >= (size_t)FLOWS_FILE_MAX) {
      st = past_the_limit(f, path, err);
      break;
    }
    if (n == cap) { /* twice the room, up to the limit exactly */
      size_t room = cap * 2 < (size_t)FLOWS_FILE_MAX ? cap * 2
                                                      : (size_t)FLOWS_FILE_MAX;
      char *bigger = realloc(buf, room);
      if (bigger == NULL) {
        st = CLI_EXIT_FAILURE;
        break;
      }
      buf = bigger;
      cap = room;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) st = cannot_read(err, path);
      break;
    }
  }
  if (f != stdin) fclose(f);
  if (st == CLI_EXIT_FAILURE) cli_fail(err, "flows", "out of memory");
  if (st != 0) {
    free(buf);
    return st;
  }
  *data = buf;
  *size = n;
  return 0;
}

/* ---- RFC 4180 fields --------------------------------------------------- */

/* Whether the reader is at a record end: LF, CRLF, or the end of data. */
static int at_record_end(const csv_reader *r) {
  return r->p == r->end || r->p[0] == '\n' ||
         (r->p[0] == '\r' && r->p + 1 < r->end && r->p[1] == '\n');
}

/* Steps over a line break, counting the line. */
static void skip_line_break(csv_reader *r) {
  r->p += r->p[0] == '\r' ? 2 : 1;
  r->line++;
  r->line_start = r->p;
}

/* Appends c to the field, or fails when it is too long. */
static int append(csv_field *f, size_t *n, char c, const csv_reader *r,
                  const char *name, cli_error *err) {
  if (*n >= APR_FLOWS_FIELD_MAX) {
    return fail_at(err, r, f->line, f->column, name,
                   "the field is longer than %d bytes",
                   APR_FLOWS_FIELD_MAX);
  }
  f->text[(*n)++] = c;
  return 0;
}

/* A field in double quotes: "" is a quote, line breaks are kept. */
static int read_quoted(csv_field *f, csv_reader *r, const char *name,
                       cli_error *err) {
  size_t n = 0;
  r->p++; /* the opening quote */
  for (;;) {
    if (r->p == r->end) {
      return fail_at(err, r, f->line, f->column, name,
                     "the quoted field is not closed; expected a '\"' "
                     "before the end of the file");
    }
    char c = *r->p;
    if (c == '"' && r->p + 1 < r->end && r->p[1] == '"') {
      r->p += 2;
    } else if (c == '"') {
      r->p++;
      break;
    } else if (c == '\n') {
      r->p++;
      r->line++;
      r->line_start = r->p;
    } else if (c == '\0') {
      return fail_at(err, r, r->line, column_of(r), name,
                     "a NUL byte; expected text");
    } else {
      r->p++;
    }
    int st = append(f, &n, c, r, name, err);
    if (st != 0) return st;
  }
  f->text[n] = '\0';
  if (!at_record_end(r) && *r->p != ',') {
    return fail_at(err, r, r->line, column_of(r), name,
                   "unexpected character after the closing quote; "
                   "expected ',' or the end of the line");
  }
  return 0;
}

static int read_unquoted(csv_field *f, csv_reader *r, const char *name,
                         cli_error *err) {
  size_t n = 0;
  while (!at_record_end(r) && *r->p != ',') {
    char c = *r->p;
    if (c == '"') {
      return fail_at(err, r, r->line, column_of(r), name,
                     "a '\"' inside an unquoted field; put the whole field "
                     "in double quotes and write a quote as \"\"");
    }
    if (c == '\r' || c == '\0') {
      return fail_at(err, r, r->line, column_of(r), name,
                     "a %s byte; expected text",
                     c == '\r' ? "carriage return (CR without LF)" : "NUL");
    }
    int st = append(f, &n, c, r, name, err);
    if (st != 0) return st;
    r->p++;
  }
  f->text[n] = '\0';
  return 0;
}

/* Reads one field; *last = whether it ended its record (the line break
 * is consumed). name is the field's name, for messages. */
static int read_field(csv_field *f, int *last, csv_reader *r,
                      const char *name, cli_error *err) {
  f->line = r->line;
  f->column = column_of(r);
  int st = r->p < r->end && *r->p == '"' ? read_quoted(f, r, name, err)
                                         : read_unquoted(f, r, name, err);
  if (st != 0) return st;
  *last = at_record_end(r);
  if (*last) {
    if (r->p < r->end) skip_line_break(r);
  } else {
    r->p++; /* the ',' */
  }
  return 0;
}

static const char *const column_names[] = {"date", "amount"};

/* Reads one record of exactly two fields into f[0], f[1]; the header's
 * (header set) is said to be a header when it has another count. */
static int read_record(csv_field f[2], csv_reader *r, int header,
                       cli_error *err) {
  for (int i = 0;; i++) {
    const char *name = header ? "header" : i < 2 ? column_names[i] : "record";
    csv_field extra = {0};
    csv_field *into = i < 2 ? &f[i] : &extra;
    int last = 0;
    int st = read_field(into, &last, r, name, err);
    if (st != 0) return st;
    if (i >= 2) {
      return fail_at(err, r, into->line, into->column, header ? name : "record",
                     header ? "a third field; expected the header date,amount"
                            : "a third field; expected two fields, "
                              "date,amount");
    }
    if (last && i == 0 && header) { /* "date;amount", say: one field */
      char quoted[CLI_QUOTE_SIZE];
      cli_quote(quoted, f[0].text);
      return fail_at(err, r, f[0].line, f[0].column, name,
                     "found %s; expected the header date,amount", quoted);
    }
    if (last && i == 0) {
      return fail_at(err, r, f[0].line, f[0].column, "amount",
                     "the amount is missing; expected two fields, "
                     "date,amount");
    }
    if (last) return 0;
  }
}

/* ---- the flows --------------------------------------------------------- */

static int read_header(csv_reader *r, cli_error *err) {
  static const char bom[] = "\xEF\xBB\xBF";
  if (r->end - r->p >= 3 && memcmp(r->p, bom, 3) == 0) {
    r->p += 3;
    r->line_start = r->p;
  }
  if (r->p == r->end) {
    return fail_at(err, r, 1, 1, "header",
                   "the file is empty; expected the header date,amount");
  }
  csv_field f[2] = {{"", 0, 0}, {"", 0, 0}};
  int st = read_record(f, r, 1, err);
  if (st != 0) return st;
  for (int i = 0; i < 2; i++) {
    if (strcmp(f[i].text, column_names[i]) != 0) {
      char quoted[CLI_QUOTE_SIZE];
      cli_quote(quoted, f[i].text);
      return fail_at(err, r, f[i].line, f[i].column, "header",
                     "found %s; expected the header date,amount", quoted);
    }
  }
  return 0;
}

/* The library's column inside a field, as a column of the file. */
static long field_column(const csv_field *f, const ml_error *lib) {
  return lib->column > 0 ? f->column + lib->column - 1 : f->column;
}

static int parse_flow(ml_flow *out, const csv_field f[2],
                      const csv_reader *r, ml_currency cur, cli_error *err) {
  ml_error lib;
  if (ml_date_parse(&out->date, f[0].text, &lib) != ML_OK) {
    return fail_at(err, r, f[0].line, field_column(&f[0], &lib), "date",
                   "%s", lib.message);
  }
  if (ml_amount_parse(&out->amount, f[1].text, cur, NULL, &lib) == ML_OK) {
    return 0;
  }
  /* Text that parses once rounding is allowed only has too many decimals:
   * said in the command's terms, as cli_parse_amount says it. */
  const ml_rounding any = ML_ROUND_HALF_EVEN;
  ml_amount rounded;
  if (lib.code == ML_EPARSE &&
      ml_amount_parse(&rounded, f[1].text, cur, &any, NULL) == ML_OK) {
    return fail_at(err, r, f[1].line, field_column(&f[1], &lib), "amount",
                   "amount \"%s\" has too many decimals: %s has %d and "
                   "amounts are never rounded; expected at most %d",
                   f[1].text, cur.code, cur.exponent, cur.exponent);
  }
  return fail_at(err, r, f[1].line, field_column(&f[1], &lib), "amount",
                 "%s", lib.message);
}

/* Appends a flow to the growing array. */
static int push_flow(ml_flow **flows, size_t *count, size_t *cap, ml_flow x,
                     cli_error *err) {
  if (*count == *cap) {
    size_t bigger = *cap == 0 ? 64 : *cap * 2;
    ml_flow *grown = realloc(*flows, bigger * sizeof *grown);
    if (grown == NULL) {
      cli_fail(err, "flows", "out of memory");
      return CLI_EXIT_FAILURE;
    }
    *flows = grown;
    *cap = bigger;
  }
  (*flows)[(*count)++] = x;
  return 0;
}

/* Whether nothing but line breaks is left (a file may end in blank
 * lines; anywhere else an empty line is an error). */
static int only_line_breaks_left(const csv_reader *r) {
  for (const char *q = r->p; q < r->end; q++) {
    if (*q != '\n' && *q != '\r') return 0;
  }
  return 1;
}

static int read_rows(ml_flow **flows, size_t *count, csv_reader *r,
                     ml_currency cur, cli_error *err) {
  size_t cap = 0;
  while (r->p < r->end) {
    if (only_line_breaks_left(r)) return 0; /* blank lines at the end */
    if (at_record_end(r)) {
      return fail_at(err, r, r->line, 1, "record",
                     "an empty line; expected date,amount");
    }
    if (*count == ML_APR_MAX_FLOWS) {
      return fail_at(err, r, r->line, 1, "record",
                     "more than %d flows; expected at most %d",
                     ML_APR_MAX_FLOWS, ML_APR_MAX_FLOWS);
    }
    csv_field f[2] = {{"", 0, 0}, {"", 0, 0}};
    ml_flow x;
    int st = read_record(f, r, 0, err);
    if (st == 0) st = parse_flow(&x, f, r, cur, err);
    if (st == 0) st = push_flow(flows, count, &cap, x, err);
    if (st != 0) return st;
  }
  return 0;
}

int apr_read_flows(ml_flow **flows, size_t *count, const char *path,
                   ml_currency cur, cli_error *err) {
  char *data = NULL;
  size_t size = 0;
  *flows = NULL;
  *count = 0;
  int st = slurp(&data, &size, path, err);
  if (st != 0) return st;
  csv_reader r = {path, data, data + size, data, 1};
  st = read_header(&r, err);
  if (st == 0) st = read_rows(flows, count, &r, cur, err);
  free(data);
  if (st != 0) {
    free(*flows);
    *flows = NULL;
    *count = 0;
  }
  return st;
}

/*
 * lib/csv_line.h — a look at the CSV reader's next line before it is read,
 * for a reader layered on it (the journal's) that can take the common row
 * straight from the bytes; never installed.
 *
 * A line offered here is one the reader's own fast path would split the
 * same way: it ends with a line feed within 64 bytes of its start and has
 * no quote, CR, NUL or byte >= 0x80. Its field count is not checked: that
 * is the caller's to do from the commas. The caller either takes the line
 * (ml_csv_skip_line), so that the reader goes on after it, or leaves it to
 * ml_csv_next, which then reads it as it would have.
 */
#ifndef MIKROLAN_LIB_CSV_LINE_H
#define MIKROLAN_LIB_CSV_LINE_H
#include <stddef.h>
#include <stdint.h>

#include "mikrolan/io.h"

typedef struct ml_csv_line {
  const char *bytes; /* in the reader's window: valid until it moves */
  size_t length;     /* without the line feed, which is bytes[length] */
  uint64_t commas;   /* bit i set: bytes[i] is a comma */
  long line;         /* its line number */
} ml_csv_line;

/* 1 and *line when the next line is such a line; else 0. Moves no
 * position, but may refill the input: the current record's fields stay. */
int ml_csv_peek_line(ml_csv_reader *reader, ml_csv_line *line);

/* The bytes from the next line's start, with *available how many there
 * are (at least 64) and *line its line number, when the reader could
 * offer lines (as ml_csv_peek_line); else NULL. Nothing is looked at: a
 * caller that takes a line (ml_csv_skip_line) must itself have checked
 * that its bytes are such a line's. Moves no position, but may refill the
 * input as ml_csv_peek_line does. */
const char *ml_csv_peek_bytes(ml_csv_reader *reader, size_t *available,
                              long *line);

/* Goes past the line that ml_csv_peek_line just offered. The current
 * record's fields are then stale until the next ml_csv_next. */
void ml_csv_skip_line(ml_csv_reader *reader, const ml_csv_line *line);

#endif

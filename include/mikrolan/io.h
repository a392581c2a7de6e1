/*
 * mikrolan/io.h — CSV (RFC 4180) in and out: a streaming reader and a
 * writer, the loan journal as CSV, and CSV writers for schedules, loan
 * statuses and postings.
 *
 * The CSV dialect read (RFC 4180, with the usual tolerances):
 *  - fields separated by ',', records ended by CRLF or LF (both may be
 *    mixed in one file; the last record needs no line ending);
 *  - a field in double quotes may hold ',', CR, LF and '""' (one quote);
 *    a quote elsewhere in an unquoted field, anything but ',' or a line
 *    ending after a closing quote, a CR not followed by LF outside quotes,
 *    and an unterminated quoted field are ML_EPARSE;
 *  - the first record is the header: non-empty, unique column names; every
 *    later record has exactly as many fields as the header (ML_EPARSE: one
 *    too many at its first byte, too few at the record's end, where the
 *    first missing field would start, with err->field naming it);
 *  - empty lines (nothing between two line endings) are skipped, so a file
 *    may end with blank lines; an empty single field is written "";
 *  - the input is UTF-8: an invalid sequence (overlong, surrogate, above
 *    U+10FFFF, truncated, a stray continuation byte) or a NUL byte is
 *    ML_EPARSE at its line and column; a UTF-8 byte-order mark (EF BB BF)
 *    at the very start is skipped.
 *
 * Positions: lines are physical lines, 1-based (a quoted field with line
 * breaks spans several); columns are 1-based BYTE offsets within the
 * physical line (the BOM is not counted). An error names the line and
 * column of the offending byte, and err->field names the column of the
 * header the byte belongs to ("" for errors outside a known column).
 *
 * Limits: ML_CSV_MAX_FIELD bytes in one field (after unquoting),
 * ML_CSV_MAX_RECORD bytes in one record (as written: quotes, separators
 * and embedded line breaks included, its line ending not),
 * ML_CSV_MAX_COLUMNS fields in one record. Beyond a limit is ML_ELIMIT.
 *
 * Every function here is reentrant; a reader is used by one thread at a
 * time. Readers never close the FILE they read from, and writers never
 * close the FILE they write to.
 */
#ifndef MIKROLAN_IO_H
#define MIKROLAN_IO_H

#include <stdio.h>

#include "core.h"
#include "date.h"
#include "loan.h"
#include "money.h"
#include "schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------ */

#define ML_CSV_MAX_FIELD 4096    /* bytes in one field, after unquoting */
#define ML_CSV_MAX_RECORD 65536  /* bytes in one record, as written */
#define ML_CSV_MAX_COLUMNS 256   /* fields in one record */
#define ML_CSV_NO_COLUMN ((size_t)-1) /* ml_csv_column_find: no such column */

/* ---- reading CSV ------------------------------------------------------- */

typedef struct ml_csv_reader ml_csv_reader;

/*
 * A reader of the CSV text in `in` (read with fread, from its current
 * position, in blocks; the FILE stays the caller's and must outlive the
 * reader). Reads the header before returning: ML_EPARSE for an input with
 * no header (empty, or only a BOM and blank lines), an empty or repeated
 * column name, or any syntax error in it; ML_ELIMIT beyond a limit; ML_EIO
 * when reading fails; ML_ENOMEM. *out is NULL on failure. The reader
 * allocates its buffers here (about 140 KiB; 76 KiB for memory) and
 * nothing per record.
 */
ML_API ML_NODISCARD ml_status ml_csv_reader_new(ml_csv_reader **out,
                                                FILE *in, ml_error *err);

/* The same over data[0..size) in memory (need not be NUL-terminated; it
 * is not copied, so it must outlive the reader). */
ML_API ML_NODISCARD ml_status ml_csv_reader_new_memory(ml_csv_reader **out,
                                                       const void *data,
                                                       size_t size,
                                                       ml_error *err);

/* Frees the reader (accepts NULL). The FILE or memory is left alone. */
ML_API void ml_csv_reader_free(ml_csv_reader *reader);

/* The header: how many columns, the name of column index (0-based, below
 * the count; valid as long as the reader), and the index of the column
 * named exactly `name` (byte for byte), or ML_CSV_NO_COLUMN. */
ML_API size_t ml_csv_column_count(const ml_csv_reader *reader);
ML_API const char *ml_csv_column_name(const ml_csv_reader *reader,
                                      size_t index);
ML_API size_t ml_csv_column_find(const ml_csv_reader *reader,
                                 const char *name);

/*
 * Reads the next record: ML_OK with *has_record = 1, or ML_OK with
 * *has_record = 0 at the end of the input. Errors (ML_EPARSE, ML_ELIMIT,
 * ML_EIO) are final: the reader then returns the same error on every
 * later call. Allocates nothing.
 */
ML_API ML_NODISCARD ml_status ml_csv_next(ml_csv_reader *reader,
                                          int *has_record, ml_error *err);

/*
 * The current record's field `index` (0-based, below the column count):
 * its text, unquoted and NUL-terminated (fields cannot hold NUL), and its
 * length in bytes. Valid until the next ml_csv_next. Before the first
 * ml_csv_next the current record is the header.
 */
ML_API const char *ml_csv_field(const ml_csv_reader *reader, size_t index);
ML_API size_t ml_csv_field_length(const ml_csv_reader *reader, size_t index);

/* The physical line on which the current record starts (1 for the header
 * unless blank lines precede it). */
ML_API long ml_csv_record_line(const ml_csv_reader *reader);

/*
 * Points err at a place in the current record, for errors found in a
 * field's value: err->field = the column's name, err->line and err->column
 * = the position in the input of byte `offset` of the field's text
 * (1-based, as ml_amount_parse's err->column counts; 0 = the field's first
 * byte as written, its opening quote for a quoted field). Quotes doubled
 * inside the field and line breaks are accounted for. err->code and
 * err->message are left as they are; err may be NULL (nothing happens).
 */
ML_API void ml_csv_locate(const ml_csv_reader *reader, size_t index,
                          size_t offset, ml_error *err);

/* ---- writing CSV ------------------------------------------------------- */

typedef enum ml_csv_newline {
  ML_CSV_LF = 0,  /* "\n", as every command of mikrolan writes */
  ML_CSV_CRLF = 1 /* "\r\n", RFC 4180's own */
} ml_csv_newline;

/*
 * Writes one record of fields[0..count) (count >= 1) and its line ending.
 * A field is quoted only when it must be: when it holds ',', '"', CR or
 * LF (quotes are doubled), when it begins with a UTF-8 BOM, or when it is
 * the only field of the record and empty (an empty line would be skipped
 * by the reader). The fields are written as given: the caller keeps them
 * valid UTF-8 for ml_csv_reader to read them back. ML_EIO when a write
 * fails (errno says why); the record may then be partly written.
 */
ML_API ML_NODISCARD ml_status ml_csv_write_record(FILE *out,
                                                  const char *const *fields,
                                                  size_t count,
                                                  ml_csv_newline newline);

/* ---- the loan journal as CSV ------------------------------------------- */

/*
 * A journal file holds the events of one or more loans, one row each,
 * with the header row naming these columns (in any order):
 *
 *   loan_id    required; 1 to ML_LOAN_ID_SIZE - 1 bytes, no control
 *              characters (spaces are part of the id).
 *   date       required; YYYY-MM-DD (ml_date_parse).
 *   type       required; disbursement, repayment, fee, penalty, waiver,
 *              write-off, reversal or reschedule (ml_event_type_parse).
 *   amount     required column; in major units of the reader's currency
 *              (ml_amount_parse without rounding: "1500.00", "1500",
 *              "1 500,00"; more decimals than the currency has is
 *              ML_EPARSE). Given for disbursement, repayment, fee,
 *              penalty and waiver; empty for the other types. Its sign
 *              and size are the loan layer's to judge (ml_loan_append).
 *   ref        required column, may be empty; at most
 *              ML_EVENT_REF_SIZE - 1 bytes.
 *   id         optional; when given, the event's position within its
 *              loan (1, 2, 3, ... in file order), which is the id the
 *              event gets anyway; empty = not stated.
 *   component  waiver: interest, fees or penalties (ml_component_parse;
 *              which components may be waived is the loan layer's rule).
 *   target     reversal: the id of the reversed event (digits; whether it
 *              names an earlier event is the loan layer's question).
 *   rate       reschedule: the new nominal annual rate in percent
 *              (ml_rate_parse percent form: "6.5").
 *   term       reschedule: the number of remaining installments (digits).
 *   grace_principal  reschedule: interest-only installments among them
 *              (digits; empty = 0).
 *   installment      reschedule: a fixed installment amount (empty or 0 =
 *              computed).
 * The last six columns may be left out of a file whose events do not need
 * them; a value in a column the row's type does not use is ML_EINVAL, as is
 * an unknown column name (a misspelt column would otherwise be ignored).
 *
 * Events get the ids 1, 2, 3, ... of their loan in file order. The rows of
 * one loan must be contiguous: a loan id that comes back after another
 * loan is ML_EINVAL. How that is checked is the grouping option.
 */

/* Room for a loan id with its NUL. */
#define ML_LOAN_ID_SIZE 64

typedef enum ml_journal_grouping {
  /* Each loan's rows together, loans in any order. Checked exactly with a
   * set of the ids seen so far: memory grows with the number of loans
   * (about the id's length + 50 bytes per loan). */
  ML_JOURNAL_GROUPED = 0,
  /* Loans in strictly ascending byte order of their ids (strcmp), as a
   * sorted export writes them: checked in constant memory. A loan id
   * lower than the previous one is ML_EINVAL. */
  ML_JOURNAL_SORTED = 1
} ml_journal_grouping;

typedef struct ml_journal_options {
  ml_currency currency;         /* of every amount; default SEK */
  ml_journal_grouping grouping; /* default ML_JOURNAL_GROUPED */
} ml_journal_options;

ML_API void ml_journal_options_init(ml_journal_options *options);

typedef struct ml_journal_reader ml_journal_reader;

/*
 * A journal reader over `in` (or data[0..size) in memory), with options
 * (NULL = the defaults). Reads and checks the header: a missing required
 * column is ML_EPARSE, an unknown column ML_EINVAL (err->field = its name,
 * line and column of the header cell); plus every error of
 * ml_csv_reader_new. *out is NULL on failure. The FILE or memory stays
 * the caller's and must outlive the reader.
 */
ML_API ML_NODISCARD ml_status ml_journal_reader_new(
    ml_journal_reader **out, FILE *in, const ml_journal_options *options,
    ml_error *err);
ML_API ML_NODISCARD ml_status ml_journal_reader_new_memory(
    ml_journal_reader **out, const void *data, size_t size,
    const ml_journal_options *options, ml_error *err);
ML_API void ml_journal_reader_free(ml_journal_reader *reader); /* NULL ok */

/*
 * Reads the next loan: its id into loan_id (ML_LOAN_ID_SIZE bytes), its
 * events into events[0..capacity) with ids 1..*count set and the fields
 * their types do not use as ml_event_init leaves them, and, when lines is
 * not NULL, the line of each event's row into lines[0..*count) (for
 * messages about an event, e.g. from ml_loan_append). *count = 0 (and
 * loan_id "") at the end of the input. Allocates nothing, except to grow
 * the set of seen ids (ML_JOURNAL_GROUPED; ML_ENOMEM when that fails).
 *
 * Errors in a row — ML_EPARSE (malformed date, amount, number, a control
 * character in the loan id),
 * ML_EINVAL (an unknown type or component, a value the row's type does not
 * allow, a missing value, an id out of place, a loan id seen before), ML_ERANGE (a number or date out of
 * range), ML_ELIMIT (a ref or loan id too long, or more than
 * min(capacity, ML_LOAN_MAX_EVENTS) events in one loan) — fill err with
 * the column's name in err->field, the line and column of the offending
 * byte (the cell's first byte for a value that is missing, not allowed
 * or out of range, except a date out of range, which is placed at its
 * part ml_date_parse finds out of range, the day of 2026-02-30; column 0
 * when the file has no such column) and a
 * message that quotes the value; loan_id is the offending loan's id when it is valid. Such an
 * error is not final: the next call skips the rest of that loan and reads
 * the following one. CSV errors (ml_csv_next's) are final. The message
 * does not name the file: a caller that has a name prefixes it
 * ("journal.csv:12:7: ...").
 */
ML_API ML_NODISCARD ml_status ml_journal_next_loan(
    ml_journal_reader *reader, char *loan_id, ml_event *events, long *lines,
    size_t capacity, size_t *count, ml_error *err);

/*
 * Writing a journal: the header (every column, in the order
 * loan_id,date,type,amount,ref,id,component,target,rate,term,
 * grace_principal,installment), then each loan's events. Amounts are
 * written as ml_amount_format does ("1500.00"), rates as
 * ml_rate_format_percent, fields a type does not use left empty, LF line
 * endings: ml_journal_next_loan reads back exactly the events written.
 * ML_EINVAL (nothing written) for a loan id that is empty, too long, has
 * control characters (bytes below 0x20, 0x7f) or invalid UTF-8, for an
 * event whose id is not its position (events[i].id must be i + 1: a
 * journal in order of entry, as ml_loan_events gives it), a ref that is
 * not NUL-terminated within ML_EVENT_REF_SIZE or not valid UTF-8, and for
 * a value the reader could not read back as it is: a date outside
 * 1900-01-01..2200-12-31, a negative reversal target, reschedule term or
 * grace, a reschedule rate ml_rate_parse refuses. ML_EIO when a write
 * fails. An
 * event type or waiver component outside its enum is a programming error
 * (assertion).
 */
ML_API ML_NODISCARD ml_status ml_journal_write_header(FILE *out);
ML_API ML_NODISCARD ml_status ml_journal_write_loan(FILE *out,
                                                    const char *loan_id,
                                                    const ml_event *events,
                                                    size_t count,
                                                    ml_currency currency,
                                                    ml_error *err);

/* ---- CSV reports ------------------------------------------------------- */

/*
 * Each writes a header and one row per item, LF line endings, ISO dates,
 * amounts as ml_amount_format writes them ("1234.50"); ML_EIO when a write
 * fails. They validate nothing beyond what formatting needs.
 *
 * ml_schedule_write_csv: n,due_date,principal,interest,fees,total,balance
 * (what `mikrolan schedule --format csv` prints).
 *
 * ml_loan_status_write_csv: one row per installment of
 * rows[0..status->installment_count):
 * n,due_date, then due_, paid_, waived_, written_off_ and outstanding_
 * each followed by principal, interest, fees and penalties (22 columns:
 * due_principal,due_interest,...,outstanding_penalties).
 *
 * ml_postings_write_csv: event_id,date,account,debit,credit with the
 * account as ml_account_name spells it and both amounts written ("0.00"
 * on the other side).
 */
ML_API ML_NODISCARD ml_status ml_schedule_write_csv(FILE *out,
                                                    const ml_installment *rows,
                                                    size_t count,
                                                    ml_currency currency);
ML_API ML_NODISCARD ml_status ml_loan_status_write_csv(
    FILE *out, const ml_loan_status *status, const ml_loan_installment *rows,
    ml_currency currency);
ML_API ML_NODISCARD ml_status ml_postings_write_csv(FILE *out,
                                                    const ml_posting *postings,
                                                    size_t count,
                                                    ml_currency currency);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_IO_H */

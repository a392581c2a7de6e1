/*
 * lib/plain_parse.h — the parsers' fast paths for the common text, for
 * the readers' hot loops; never installed.
 *
 * Each reads only text that its public parser reads the same way and
 * returns 1 with the same value, or 0 for anything else (also for text the
 * public parser accepts by a longer way): the caller then calls the public
 * parser, which reads the text or says what is wrong with it.
 */
#ifndef MIKROLAN_LIB_PLAIN_PARSE_H
#define MIKROLAN_LIB_PLAIN_PARSE_H

#include <stddef.h>

#include "mikrolan/date.h"
#include "mikrolan/money.h"

/* The len bytes at text (followed by a NUL), when they are a supported
 * date "YYYY-MM-DD": as ml_date_parse. */
int ml_date_parse_plain(ml_date *out, const char *text, size_t len);

/* The len bytes at text (followed by a byte that is not a digit or a
 * '.'), when they are ASCII digits with an optional '.' and 1 to exponent
 * decimals, at most 18 digits once padded to exponent decimals: as
 * ml_amount_parse without rounding. */
int ml_amount_parse_plain(ml_amount *out, const char *text, size_t len,
                          int exponent);

/* As ml_amount_parse_plain, with text[0..8) readable however short the
 * text: the common amount (up to 8 digits and two decimals) is read a word
 * at a time. */
int ml_amount_parse_plain_wide(ml_amount *out, const char *text, size_t len,
                               int exponent);

#endif

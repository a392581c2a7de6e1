/* lib/utf8.h — UTF-8 validation shared by the io layer (internal). */
#ifndef MIKROLAN_LIB_UTF8_H
#define MIKROLAN_LIB_UTF8_H

#include <stddef.h>

/* The first byte of a UTF-8 sequence: how many continuation bytes follow
 * and the range the first of them must be in (Unicode 15, table 3-7: no
 * overlongs, no surrogates, nothing above U+10FFFF); -1 when b cannot
 * start a sequence. ASCII is 0. */
static inline int ml_utf8_lead(unsigned char b, unsigned char *low,
                               unsigned char *high) {
  *low = 0x80;
  *high = 0xbf;
  if (b < 0x80) return 0;
  if (b >= 0xc2 && b <= 0xdf) return 1;
  if (b == 0xe0) *low = 0xa0;
  if (b == 0xed) *high = 0x9f;
  if (b >= 0xe0 && b <= 0xef) return 2;
  if (b == 0xf0) *low = 0x90;
  if (b == 0xf4) *high = 0x8f;
  if (b >= 0xf0 && b <= 0xf4) return 3;
  return -1;
}

/* 1 when text[0..len) is valid UTF-8; else 0 with *bad = the offset of
 * the first byte of the first invalid sequence. */
static inline int ml_utf8_valid(const char *text, size_t len, size_t *bad) {
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    unsigned char low, high;
    int owed = ml_utf8_lead(s[i], &low, &high);
    size_t k = 1;
    for (; owed > 0 && i + k < len && s[i + k] >= low && s[i + k] <= high;
         k++, owed--) {
      low = 0x80;
      high = 0xbf;
    }
    if (owed != 0) {
      *bad = i;
      return 0;
    }
    i += k;
  }
  return 1;
}

#endif

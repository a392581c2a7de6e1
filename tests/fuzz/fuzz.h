/*
 * tests/fuzz/fuzz.h — what every fuzz target shares: the libFuzzer entry
 * point's prototype, a reader that decodes the fuzzer's bytes into typed
 * values, and FUZZ_CHECK for the invariants a target asserts.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput. It is linked
 * either with libFuzzer (./dev fuzz) or with tests/fuzz/replay.c, a plain
 * main that replays the checked-in corpus under `meson test`.
 */
#ifndef MIKROLAN_TESTS_FUZZ_H
#define MIKROLAN_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mikrolan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: says which and where, then aborts so that libFuzzer
 * (or the replay driver's test) reports the input as a crash. */
#define FUZZ_CHECK(cond)                                                  \
  ((cond) ? (void)0                                                       \
          : (fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,   \
                     __LINE__, #cond),                                    \
             abort()))

/* The fuzzer's bytes, consumed front to back. When they run out every
 * value reads as 0, so any input decodes to something. */
typedef struct fuzz_bytes {
  const uint8_t *p;
  size_t n;
} fuzz_bytes;

static inline uint64_t fuzz_u64(fuzz_bytes *b, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes && b->n > 0; i++) {
    v |= (uint64_t)b->p[0] << (8 * i);
    b->p++;
    b->n--;
  }
  return v;
}

static inline uint8_t fuzz_u8(fuzz_bytes *b) {
  return (uint8_t)fuzz_u64(b, 1);
}

/* A value in lo..hi (hi >= lo), from as few bytes as the range needs. */
static inline int64_t fuzz_range(fuzz_bytes *b, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo;
  int bytes = 1;
  while (bytes < 8 && (span >> (8 * bytes)) != 0) bytes++;
  uint64_t v = fuzz_u64(b, bytes);
  if (span != UINT64_MAX) v %= span + 1;
  return (int64_t)((uint64_t)lo + v);
}

/* Any int64, two's complement of 8 bytes. */
static inline int64_t fuzz_i64(fuzz_bytes *b) {
  uint64_t v = fuzz_u64(b, 8);
  int64_t out;
  memcpy(&out, &v, sizeof out);
  return out;
}

static inline int32_t fuzz_i32(fuzz_bytes *b) {
  return (int32_t)fuzz_range(b, INT32_MIN, INT32_MAX);
}

/* An amount that is mostly near realistic sizes but can be anything: the
 * selector byte picks small, large, or raw 64-bit values. */
static inline int64_t fuzz_amount(fuzz_bytes *b) {
  switch (fuzz_u8(b) & 3) {
    case 0: return fuzz_range(b, -100, 100000);
    case 1: return fuzz_range(b, 0, INT64_C(100000000));
    case 2: return fuzz_range(b, 0, INT64_C(1000000000000000) + 10);
    default: return fuzz_i64(b);
  }
}

/* A date that is mostly near base but can be any int32 (the library must
 * reject what lies outside 1900..2200, never misbehave on it). */
static inline ml_date fuzz_date_near(fuzz_bytes *b, ml_date base) {
  switch (fuzz_u8(b) & 7) {
    case 0: return fuzz_i32(b);
    case 1: return (ml_date)fuzz_range(b, ML_DATE_MIN - 2, ML_DATE_MAX + 2);
    default: return base + (ml_date)fuzz_range(b, -400, 20000);
  }
}

/* A rate: mostly a valid, normalised one; sometimes any coefficient and
 * scale (which the library must reject with a status). */
static inline ml_rate fuzz_rate(fuzz_bytes *b) {
  /* memset, not {0, 0}: the padding too, as callers memcmp whole events */
  ml_rate r;
  memset(&r, 0, sizeof r);
  uint8_t how = fuzz_u8(b);
  if ((how & 7) == 0) {
    r.coefficient = fuzz_i64(b);
    r.scale = fuzz_i32(b);
    return r;
  }
  int64_t coefficient = fuzz_range(b, 0, INT64_C(10000000000000));
  int32_t scale = (int32_t)fuzz_range(b, 0, ML_RATE_MAX_SCALE);
  if (ml_rate_make(&r, coefficient, scale) != ML_OK) r = (ml_rate){85, 3};
  return r;
}

/* A currency: one of the known ones or one built by hand, exponent 0..18
 * (the range ml_currency allows). */
static inline ml_currency fuzz_currency(fuzz_bytes *b) {
  static const char *const known[] = {"SEK", "EUR", "USD", "NOK", "DKK",
                                      "GBP", "ISK", "CHF", "JPY"};
  uint8_t pick = fuzz_u8(b);
  size_t count = sizeof known / sizeof known[0];
  ml_currency c = ml_currency_default();
  if (pick % 16 < count) {
    if (ml_currency_find(&c, known[pick % 16], NULL) != ML_OK) abort();
  } else {
    memcpy(c.code, "XTS", 4);
    c.exponent = (int)fuzz_range(b, 0, 18);
  }
  return c;
}

/* The rest of the input as a NUL-terminated string (malloc'ed; the caller
 * frees it). Embedded NULs end the string early, as they would in C. */
static inline char *fuzz_rest_string(fuzz_bytes *b) {
  char *s = malloc(b->n + 1);
  if (s == NULL) abort();
  if (b->n > 0) memcpy(s, b->p, b->n);
  s[b->n] = '\0';
  b->p += b->n;
  b->n = 0;
  return s;
}

#endif /* MIKROLAN_TESTS_FUZZ_H */

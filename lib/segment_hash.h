/* lib/segment_hash.h — the portfolio's hash of a segment key, and its
 * inverse for 8-byte keys; never installed. Apart from lib/portfolio.c so
 * that a test and a benchmark can make keys that share its low bits. */
#ifndef MIKROLAN_LIB_SEGMENT_HASH_H
#define MIKROLAN_LIB_SEGMENT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A word-at-a-time hash of the key's bytes (multiply and fold), then
 * MurmurHash3's 64-bit finaliser. A multiply carries a difference only
 * upwards, so without the finaliser keys that differ only in a word's last
 * byte ("0123456a", "0123456b") shared the hash's low 24 bits: the bits
 * that pick the slot.
 */
static inline uint64_t ml_segment_hash(const char *key, size_t length) {
  const uint64_t mul = UINT64_C(0x9e3779b97f4a7c15);
  uint64_t h = length * mul;
  while (length > 0) {
    uint64_t w = 0;
    size_t n = length < 8 ? length : 8;
    memcpy(&w, key, n);
    h = (h ^ w) * mul;
    h ^= h >> 32;
    key += n;
    length -= n;
  }
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= UINT64_C(0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

/* The multiplicative inverse of an odd number modulo 2^64 (Newton's
 * iteration: each step doubles the bits that are right). */
static inline uint64_t ml_segment_hash_inverse_of(uint64_t odd) {
  uint64_t inverse = odd;
  for (int i = 0; i < 6; i++) inverse *= 2 - odd * inverse;
  return inverse;
}

/*
 * The 8 bytes (as memcpy loads them) of the one 8-byte key whose
 * ml_segment_hash is hash: every step of the hash is undone in turn (a xor
 * with a constant, a multiply by an odd number, a xor-shift by 32 or more,
 * which is its own inverse). Keys made from hashes that share their low
 * bits collide in every index up to that many bits; a word holding a NUL
 * byte is no key. Nothing in the library uses it.
 */
static inline uint64_t ml_segment_key_of_hash(uint64_t hash) {
  const uint64_t mul = UINT64_C(0x9e3779b97f4a7c15);
  uint64_t h = hash ^ (hash >> 33);
  h *= ml_segment_hash_inverse_of(UINT64_C(0xc4ceb9fe1a85ec53));
  h ^= h >> 33;
  h *= ml_segment_hash_inverse_of(UINT64_C(0xff51afd7ed558ccd));
  h ^= h >> 33;
  h ^= h >> 32;
  h *= ml_segment_hash_inverse_of(mul);
  return h ^ (8 * mul);
}

/* The next key (8 bytes and a NUL, into key[0..9)) whose hash is
 * *next << 24 or, when that word holds a NUL byte, a later multiple of
 * 2^24; *next moves past it. Keys made so start at the same slot of any
 * index up to 2^24 slots. */
static inline void ml_segment_key_colliding(char *key, uint64_t *next) {
  do {
    uint64_t word = ml_segment_key_of_hash((*next)++ << 24);
    memcpy(key, &word, 8);
    key[8] = '\0';
  } while (strlen(key) < 8);
}

#endif

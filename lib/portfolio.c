/*
 * lib/portfolio.c — the portfolio accumulator: exact sums per segment,
 * found by a hash of the key and read in key order.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mikrolan/portfolio.h"
#include "round.h"
#include "segment_hash.h"

typedef struct segment {
  char *key;
  size_t length; /* of the key, without its NUL */
  uint64_t hash; /* ml_segment_hash of the key */
  ml_portfolio_figures sums; /* provisioning is computed when read */
} segment;

struct ml_portfolio {
  ml_portfolio_options options;
  segment *segments; /* in order of arrival */
  uint32_t *index;   /* sorted, then slots: see "segments" below */
  size_t count, capacity;
  size_t last; /* the segment of the previous add */
  /* The sums over every segment, kept as loans come so that a total
   * beyond int64 is refused when the loan is added, not found when the
   * report is read. Every summed value is >= 0, so no segment's sum
   * exceeds the total's: a total that fits means segments that fit. */
  ml_portfolio_figures total;
};

void ml_portfolio_options_init(ml_portfolio_options *o) {
  static const int32_t thresholds[] = {1, 30, 60, 90, 180, 365};
  static const int32_t bounds[] = {0, 30, 60, 90, 180, 365};
  static const int64_t percents[] = {0, 10, 25, 50, 75, 90, 100};
  ML_ASSERT(o != NULL);
  memset(o, 0, sizeof *o);
  o->threshold_count = sizeof thresholds / sizeof thresholds[0];
  memcpy(o->thresholds, thresholds, sizeof thresholds);
  o->bucket_count = sizeof bounds / sizeof bounds[0];
  memcpy(o->bucket_to, bounds, sizeof bounds);
  for (size_t i = 0; i < sizeof percents / sizeof percents[0]; i++) {
    o->provisioning[i] = (ml_rate){percents[i], 2};
  }
  o->restructured_at_risk = 1;
  o->period_start = ML_DATE_NONE;
}

static int ascending(const int32_t *values, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (values[i] < 0 || (i > 0 && values[i] <= values[i - 1])) return 0;
  }
  return 1;
}

ml_status ml_portfolio_options_validate(const ml_portfolio_options *o,
                                        ml_error *err) {
  ML_ASSERT(o != NULL);
  if (o->threshold_count > ML_PORTFOLIO_MAX_THRESHOLDS ||
      !ascending(o->thresholds, o->threshold_count)) {
    return ml_error_set(err, ML_EINVAL, "thresholds", 0, 0,
                        "thresholds: at most %d, ascending, each >= 0",
                        ML_PORTFOLIO_MAX_THRESHOLDS);
  }
  if (o->bucket_count > ML_PORTFOLIO_MAX_BUCKETS - 1 ||
      !ascending(o->bucket_to, o->bucket_count)) {
    return ml_error_set(err, ML_EINVAL, "buckets", 0, 0,
                        "buckets: at most %d bounds, ascending, each >= 0",
                        ML_PORTFOLIO_MAX_BUCKETS - 1);
  }
  ml_rate hundred = {1, 0}, copy;
  for (size_t i = 0; i <= o->bucket_count; i++) {
    ml_rate r = o->provisioning[i];
    if (ml_rate_make(&copy, r.coefficient, r.scale) != ML_OK ||
        ml_rate_compare(r, hundred) > 0) {
      return ml_error_set(err, ML_EINVAL, "provisioning", 0, 0,
                          "provisioning: rate %zu must be from 0 %% to "
                          "100 %%",
                          i + 1);
    }
  }
  return ML_OK;
}

ml_status ml_portfolio_new(ml_portfolio **out, const ml_portfolio_options *o,
                           ml_error *err) {
  ML_ASSERT(out != NULL && o != NULL);
  *out = NULL;
  ml_status st = ml_portfolio_options_validate(o, err);
  if (st != ML_OK) return st;
  ml_portfolio *p = calloc(1, sizeof *p);
  if (p == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a portfolio");
  }
  p->options = *o;
  *out = p;
  return ML_OK;
}

void ml_portfolio_free(ml_portfolio *p) {
  if (p == NULL) return;
  for (size_t i = 0; i < p->count; i++) free(p->segments[i].key);
  free(p->segments);
  free(p->index);
  free(p);
}

/* ---- segments ------------------------------------------------------------ */

/*
 * Segments stay where they arrive, so that a new one moves nothing. Two
 * arrays of indices share one block: `sorted` (capacity entries, the
 * segments in ascending key order, for the reader) and `slots` (2 x
 * capacity, a power of two: an open-addressing hash index of segment + 1,
 * 0 for empty). A key is found by its hash and one comparison, however
 * many segments there are (keys made to collide excepted: see MOST_PROBES);
 * only a new key looks for its sorted place, and moves 4-byte indices
 * rather than segments.
 */

static uint32_t *sorted_of(const ml_portfolio *p) { return p->index; }
static uint32_t *slots_of(const ml_portfolio *p) {
  return p->index + p->capacity;
}

/*
 * Probing looks at MOST_PROBES slots at the most. A key that would be put
 * further from its hash's slot is left out of the slots and found by its
 * sorted place instead. The hash is not keyed, so keys that share its low
 * bits are easy to make: without the bound, 100,000 such keys made each
 * add walk all of them (1,000,000 adds took 110 s, against under a second
 * for ordinary keys). Ordinary keys, at a load of at most one half, stay
 * well within the bound.
 */
enum { MOST_PROBES = 32 };

/* Where key goes among the sorted segments (its place, as a new key). */
static size_t sorted_place(const ml_portfolio *p, const char *key) {
  const uint32_t *sorted = sorted_of(p);
  size_t lo = 0, hi = p->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(p->segments[sorted[mid]].key, key) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/* The segment with this key in the sorted order, or NONE. */
enum { NONE = -1 };
static long find_sorted(const ml_portfolio *p, const char *key) {
  size_t at = sorted_place(p, key);
  if (at == p->count) return NONE;
  uint32_t i = sorted_of(p)[at];
  return strcmp(p->segments[i].key, key) == 0 ? (long)i : NONE;
}

/* The segment with this key, or NONE. Slots are never emptied, so a key
 * left out by put_slot still finds MOST_PROBES full slots from its own. */
static long find_segment(const ml_portfolio *p, const char *key, size_t length,
                         uint64_t hash) {
  if (p->capacity == 0) return NONE;
  const uint32_t *slots = slots_of(p);
  size_t mask = 2 * p->capacity - 1, i = hash & mask;
  for (int probe = 0; probe < MOST_PROBES; probe++, i = (i + 1) & mask) {
    if (slots[i] == 0) return NONE;
    const segment *s = &p->segments[slots[i] - 1];
    if (s->hash == hash && s->length == length &&
        memcmp(s->key, key, length) == 0) {
      return (long)slots[i] - 1;
    }
  }
  return find_sorted(p, key);
}

/* Puts segment `at` in the first free slot within MOST_PROBES of its
 * hash's, or nowhere when there is none (find_segment then sorts it out). */
static void put_slot(uint32_t *slots, size_t capacity, uint64_t hash,
                     size_t at) {
  size_t mask = 2 * capacity - 1, i = hash & mask;
  for (int probe = 0; probe < MOST_PROBES; probe++, i = (i + 1) & mask) {
    if (slots[i] == 0) {
      slots[i] = (uint32_t)at + 1;
      return;
    }
  }
}

/* A new index block for `capacity` segments: p's sorted order, and slots
 * for p's segments. NULL when out of memory. */
static uint32_t *index_for(const ml_portfolio *p, size_t capacity) {
  uint32_t *index = calloc(3 * capacity, sizeof *index);
  if (index == NULL || p->count == 0) return index;
  ML_ASSERT(p->segments != NULL && p->index != NULL);
  memcpy(index, sorted_of(p), p->count * sizeof *index);
  for (size_t i = 0; i < p->count; i++) {
    put_slot(index + capacity, capacity, p->segments[i].hash, i);
  }
  return index;
}

/* Room for one more segment: the new index first (from the segments as
 * they are), then the segments (realloc keeps them when it fails);
 * nothing changes unless both are had. */
static ml_status make_room(ml_portfolio *p, ml_error *err) {
  if (p->count < p->capacity) return ML_OK;
  size_t capacity = p->capacity ? 2 * p->capacity : 16;
  uint32_t *index = index_for(p, capacity);
  segment *grown =
      index != NULL ? realloc(p->segments, capacity * sizeof *grown) : NULL;
  if (grown == NULL) {
    free(index);
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a segment");
  }
  p->segments = grown;
  free(p->index);
  p->index = index;
  p->capacity = capacity;
  return ML_OK;
}

static ml_status insert_segment(ml_portfolio *p, const char *key,
                                size_t length, uint64_t hash, ml_error *err) {
  if (p->count >= ML_PORTFOLIO_MAX_SEGMENTS) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "more than %d segments", ML_PORTFOLIO_MAX_SEGMENTS);
  }
  ml_status st = make_room(p, err);
  if (st != ML_OK) return st;
  ML_ASSERT(p->segments != NULL && p->count < p->capacity);
  char *copy = malloc(length + 1);
  if (copy == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a segment");
  }
  memcpy(copy, key, length + 1);
  size_t at = sorted_place(p, key), i = p->count;
  uint32_t *sorted = sorted_of(p);
  memmove(&sorted[at + 1], &sorted[at], (p->count - at) * sizeof *sorted);
  sorted[at] = (uint32_t)i;
  segment *s = &p->segments[i];
  memset(s, 0, sizeof *s);
  s->key = copy;
  s->length = length;
  s->hash = hash;
  put_slot(slots_of(p), p->capacity, hash, i);
  p->count++;
  return ML_OK;
}

static ml_status segment_for(ml_portfolio *p, const char *key, size_t *index,
                             ml_error *err) {
  size_t length = strlen(key);
  if (length >= ML_PORTFOLIO_MAX_KEY) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "a segment key is longer than %d bytes",
                        ML_PORTFOLIO_MAX_KEY - 1);
  }
  /* runs of one key skip the hash */
  const segment *last = p->count > 0 ? &p->segments[p->last] : NULL;
  if (last != NULL && last->length == length &&
      memcmp(last->key, key, length) == 0) {
    *index = p->last;
    return ML_OK;
  }
  uint64_t hash = ml_segment_hash(key, length);
  long found = find_segment(p, key, length, hash);
  if (found == NONE) {
    ml_status st = insert_segment(p, key, length, hash, err);
    if (st != ML_OK) return st;
    found = (long)p->count - 1;
  }
  p->last = *index = (size_t)found;
  return ML_OK;
}

/* ---- adding -------------------------------------------------------------- */

static size_t bucket_of(const ml_portfolio_options *o, int32_t days) {
  size_t k = 0;
  while (k < o->bucket_count && days > o->bucket_to[k]) k++;
  return k;
}

/* What one loan adds to a segment's figures: the few fields it touches
 * (an int64 field by its index in the figures) and their amounts. Adding
 * only these, not all 75 fields of a figures struct, is most of the
 * accumulator's cost per loan. */
enum { FIGURE_FIELDS = sizeof(ml_portfolio_figures) / sizeof(int64_t),
       MAX_TOUCHED = 8 + ML_PORTFOLIO_MAX_THRESHOLDS + 3 };

typedef struct loan_part {
  size_t count;
  size_t field[MAX_TOUCHED];
  int64_t value[MAX_TOUCHED];
} loan_part;

#define FIELD_INDEX(member) \
  (offsetof(ml_portfolio_figures, member) / sizeof(int64_t))

static void touch(loan_part *part, size_t field, int64_t value) {
  if (value == 0) return;
  ML_ASSERT(part->count < MAX_TOUCHED && field < FIGURE_FIELDS);
  part->field[part->count] = field;
  part->value[part->count++] = value;
}

static void loan_part_of(loan_part *part, const ml_portfolio_options *o,
                         const ml_loan_status *end,
                         const ml_loan_status *start) {
  part->count = 0;
  touch(part, FIELD_INDEX(loans), 1);
  touch(part, FIELD_INDEX(by_state) + (size_t)end->state, 1);
  if (start != NULL && start->state == ML_LOAN_ACTIVE) {
    touch(part, FIELD_INDEX(gross_portfolio_at_start),
          start->outstanding[ML_PRINCIPAL]);
  }
  if (end->state == ML_LOAN_WRITTEN_OFF && o->period_start != ML_DATE_NONE &&
      end->closed_on > o->period_start && end->closed_on <= end->as_of) {
    touch(part, FIELD_INDEX(written_off_in_period),
          end->written_off[ML_PRINCIPAL]);
  }
  if (end->state != ML_LOAN_ACTIVE) return;
  ml_amount principal = end->outstanding[ML_PRINCIPAL];
  touch(part, FIELD_INDEX(gross_portfolio), principal);
  touch(part, FIELD_INDEX(overdue), end->arrears);
  for (size_t k = 0; k < o->threshold_count; k++) {
    int32_t x = o->thresholds[k];
    int at_risk = end->days_past_due > x ||
                  (o->restructured_at_risk && end->restructured && x >= 30);
    if (at_risk) touch(part, FIELD_INDEX(par) + k, principal);
  }
  size_t b = bucket_of(o, end->days_past_due);
  touch(part, FIELD_INDEX(bucket_loans) + b, 1);
  touch(part, FIELD_INDEX(bucket_principal) + b, principal);
  touch(part, FIELD_INDEX(bucket_overdue) + b, end->arrears);
}

/* Whether the ratios' sums fit: 2 * written-off and the gross portfolios
 * at start + end (ml_portfolio_write_off_ratio). */
static int ratios_fit(int64_t written_off, int64_t gross_at_start,
                      int64_t gross) {
  int64_t unused;
  return !__builtin_mul_overflow(written_off, 2, &unused) &&
         !__builtin_add_overflow(gross_at_start, gross, &unused);
}

/* Whether sum + part fits in every field and in the ratios (per loan:
 * only the fields it touches are looked at). */
static int part_fits(const ml_portfolio_figures *sum, const loan_part *part) {
  const int64_t *a = (const int64_t *)(const void *)sum;
  int64_t written_off = sum->written_off_in_period;
  int64_t gross_at_start = sum->gross_portfolio_at_start;
  int64_t gross = sum->gross_portfolio;
  for (size_t i = 0; i < part->count; i++) {
    const size_t f = part->field[i];
    int64_t after;
    if (__builtin_add_overflow(a[f], part->value[i], &after)) return 0;
    if (f == FIELD_INDEX(written_off_in_period)) written_off = after;
    if (f == FIELD_INDEX(gross_portfolio_at_start)) gross_at_start = after;
    if (f == FIELD_INDEX(gross_portfolio)) gross = after;
  }
  return ratios_fit(written_off, gross_at_start, gross);
}

static void add_part(ml_portfolio_figures *sum, const loan_part *part) {
  int64_t *a = (int64_t *)(void *)sum;
  for (size_t i = 0; i < part->count; i++) a[part->field[i]] += part->value[i];
}

/* Whether sum + f fits in every field. The figures are int64 fields
 * throughout: they are checked and added as an array. */
static int figures_fit(const ml_portfolio_figures *sum,
                       const ml_portfolio_figures *f) {
  _Static_assert(sizeof(ml_portfolio_figures) % sizeof(int64_t) == 0,
                 "figures are a whole number of int64 fields");
  const int64_t *a = (const int64_t *)(const void *)sum;
  const int64_t *b = (const int64_t *)(const void *)f;
  for (size_t i = 0; i < FIGURE_FIELDS; i++) {
    int64_t unused;
    if (__builtin_add_overflow(a[i], b[i], &unused)) return 0;
  }
  return 1;
}

/* sum += f, after figures_fit. */
static void add_figures(ml_portfolio_figures *sum,
                        const ml_portfolio_figures *f) {
  int64_t *a = (int64_t *)(void *)sum;
  const int64_t *b = (const int64_t *)(const void *)f;
  for (size_t i = 0; i < FIGURE_FIELDS; i++) a[i] += b[i];
}

/* The amounts a status adds are >= 0 in every status mikrolan computes;
 * a caller's own status must keep that, for the sums' bounds above. */
static int amounts_are_sums(const ml_loan_status *s) {
  return s->outstanding[ML_PRINCIPAL] >= 0 && s->arrears >= 0 &&
         s->written_off[ML_PRINCIPAL] >= 0;
}

ml_status ml_portfolio_add(ml_portfolio *p, const char *key,
                           const ml_loan_status *at_end,
                           const ml_loan_status *at_start, ml_error *err) {
  ML_ASSERT(p != NULL && key != NULL && at_end != NULL);
  ML_ASSERT((unsigned)at_end->state <= ML_LOAN_CREDIT_BALANCE);
  if (at_start != NULL && p->options.period_start == ML_DATE_NONE) {
    return ml_error_set(err, ML_EINVAL, "", 0, 0,
                        "a status at the period's start, but the options "
                        "set no period_start");
  }
  if (!amounts_are_sums(at_end) ||
      (at_start != NULL && !amounts_are_sums(at_start))) {
    return ml_error_set(err, ML_EINVAL, "", 0, 0,
                        "a status with a negative outstanding principal, "
                        "arrears or written-off principal");
  }
  loan_part part;
  loan_part_of(&part, &p->options, at_end, at_start);
  if (!part_fits(&p->total, &part)) {
    size_t shown = strlen(key) > 64 ? ml_utf8_cut(key, 64) : strlen(key);
    return ml_error_set(err, ML_EOVERFLOW, "", 0, 0,
                        "adding the loan takes a sum of the portfolio's "
                        "total (segment \"%.*s\" and all the others) past "
                        "the int64 range",
                        (int)shown, key);
  }
  size_t index = 0;
  ml_status st = segment_for(p, key, &index, err);
  if (st != ML_OK) return st;
  add_part(&p->segments[index].sums, &part);
  add_part(&p->total, &part);
  return ML_OK;
}

static int same_options(const ml_portfolio_options *a,
                        const ml_portfolio_options *b) {
  if (a->threshold_count != b->threshold_count ||
      a->bucket_count != b->bucket_count ||
      a->restructured_at_risk != b->restructured_at_risk ||
      a->period_start != b->period_start) {
    return 0;
  }
  for (size_t k = 0; k < a->threshold_count; k++) {
    if (a->thresholds[k] != b->thresholds[k]) return 0;
  }
  for (size_t k = 0; k < a->bucket_count; k++) {
    if (a->bucket_to[k] != b->bucket_to[k]) return 0;
  }
  for (size_t k = 0; k <= a->bucket_count; k++) {
    if (!ml_rate_equal(a->provisioning[k], b->provisioning[k])) return 0;
  }
  return 1;
}

/* How many of from's keys into lacks (*fresh), after checking that every
 * shared segment's sums fit and that the segments stay within the limit:
 * the merge that follows cannot fail on the figures. */
static ml_status plan_merge(size_t *fresh, const ml_portfolio *into,
                            const ml_portfolio *from, ml_error *err) {
  *fresh = 0;
  for (size_t j = 0; j < from->count; j++) {
    const segment *s = &from->segments[j];
    *fresh += find_segment(into, s->key, s->length, s->hash) == NONE;
  }
  /* the segments' sums are at most the totals' (see struct ml_portfolio) */
  ml_portfolio_figures total = into->total;
  int fits = figures_fit(&total, &from->total);
  if (fits) {
    add_figures(&total, &from->total);
    fits = ratios_fit(total.written_off_in_period,
                      total.gross_portfolio_at_start, total.gross_portfolio);
  }
  /* the limit first, as when the merged segments were counted first */
  if (into->count + *fresh > ML_PORTFOLIO_MAX_SEGMENTS) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "more than %d segments", ML_PORTFOLIO_MAX_SEGMENTS);
  }
  if (!fits) {
    return ml_error_set(err, ML_EOVERFLOW, "", 0, 0,
                        "the merged total leaves the int64 range");
  }
  return ML_OK;
}

/* next's sorted order: into's sorted segments and the new ones, which
 * were appended from into->count on in key order, merged. */
static void merge_sorted(ml_portfolio *next, const ml_portfolio *into) {
  const uint32_t *old = sorted_of(into);
  uint32_t *out = sorted_of(next);
  size_t i = 0, j = into->count, k = 0;
  while (i < into->count || j < next->count) {
    int take_old = j == next->count ||
                   (i < into->count &&
                    strcmp(next->segments[old[i]].key,
                           next->segments[j].key) < 0);
    out[k++] = take_old ? old[i++] : (uint32_t)j++;
  }
}

/* Adds from's segments to next (a copy of into's, with room for the new
 * ones), in from's key order. ML_ENOMEM when a key cannot be copied. */
static ml_status merge_into(ml_portfolio *next, const ml_portfolio *into,
                            const ml_portfolio *from) {
  const uint32_t *order = sorted_of(from);
  for (size_t k = 0; k < from->count; k++) {
    const segment *s = &from->segments[order[k]];
    /* (an empty into has no segment to find: said for clang-tidy, which
     * otherwise reads next->segments as never copied) */
    long i = into->count > 0 ? find_segment(into, s->key, s->length, s->hash)
                             : NONE;
    if (i != NONE) {
      add_figures(&next->segments[i].sums, &s->sums);
      continue;
    }
    segment *added = &next->segments[next->count];
    *added = *s;
    added->key = malloc(s->length + 1);
    if (added->key == NULL) return ML_ENOMEM;
    memcpy(added->key, s->key, s->length + 1);
    next->count++;
  }
  for (size_t i = 0; i < next->count; i++) {
    put_slot(slots_of(next), next->capacity, next->segments[i].hash, i);
  }
  merge_sorted(next, into);
  return ML_OK;
}

/* Builds the merged segments aside and swaps them in only when every step
 * succeeded: a failed merge leaves into unchanged. */
ml_status ml_portfolio_merge(ml_portfolio *into, const ml_portfolio *from,
                             ml_error *err) {
  ML_ASSERT(into != NULL && from != NULL);
  if (!same_options(&into->options, &from->options)) {
    return ml_error_set(err, ML_EINVAL, "", 0, 0,
                        "the portfolios were made with different options");
  }
  size_t fresh = 0;
  ml_status st = from->count == 0 ? ML_OK : plan_merge(&fresh, into, from, err);
  if (st != ML_OK || from->count == 0) return st;
  ml_portfolio next = *into;
  next.capacity = into->capacity ? into->capacity : 16;
  while (next.capacity < into->count + fresh) next.capacity *= 2;
  next.segments = malloc(next.capacity * sizeof *next.segments);
  next.index = calloc(3 * next.capacity, sizeof *next.index);
  if (next.segments != NULL && next.index != NULL) {
    if (into->count > 0) {
      memcpy(next.segments, into->segments, into->count * sizeof *next.segments);
    }
    st = merge_into(&next, into, from);
    /* the keys copied before one could not be */
    for (size_t i = into->count; st != ML_OK && i < next.count; i++) {
      free(next.segments[i].key);
    }
  }
  if (next.segments == NULL || next.index == NULL || st != ML_OK) {
    free(next.segments);
    free(next.index);
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a segment");
  }
  add_figures(&next.total, &from->total);
  free(into->segments);
  free(into->index);
  *into = next;
  into->last = 0;
  return ML_OK;
}

/* ---- reading --------------------------------------------------------------- */

static void with_provisioning(ml_portfolio_figures *f,
                              const ml_portfolio_options *o) {
  f->provisioning = 0;
  for (size_t b = 0; b <= o->bucket_count; b++) {
    int64_t num, den;
    ml_rate_to_fraction(o->provisioning[b], &num, &den);
    ml_amount part = 0;
    ML_ASSERT(ml_round_i128(&part, (ml_i128)f->bucket_principal[b] * num, den,
                            1, ML_ROUND_HALF_EVEN) == ML_OK);
    f->provisioning += part;
  }
}

size_t ml_portfolio_segment_count(const ml_portfolio *p) {
  ML_ASSERT(p != NULL);
  return p->count;
}

void ml_portfolio_segment(const ml_portfolio *p, size_t i, const char **key,
                          ml_portfolio_figures *figures) {
  ML_ASSERT(p != NULL && i < p->count && figures != NULL);
  const segment *s = &p->segments[sorted_of(p)[i]];
  if (key != NULL) *key = s->key;
  *figures = s->sums;
  with_provisioning(figures, &p->options);
}

void ml_portfolio_total(const ml_portfolio *p, ml_portfolio_figures *f) {
  ML_ASSERT(p != NULL && f != NULL);
  *f = p->total;
  with_provisioning(f, &p->options);
}

const ml_portfolio_options *ml_portfolio_options_of(const ml_portfolio *p) {
  ML_ASSERT(p != NULL);
  return &p->options;
}

/* ---- ratios ------------------------------------------------------------------ */

/* den >= 0 holds for figures add and merge keep; a caller's own figures
 * with a negative one are a programming error (portfolio.h). */
static ml_ratio ratio_of(ml_amount num, ml_amount den) {
  ML_ASSERT(den >= 0);
  if (den == 0) return (ml_ratio){0, 1};
  return (ml_ratio){num, den};
}

ml_ratio ml_portfolio_par_ratio(const ml_portfolio_figures *f, size_t k) {
  ML_ASSERT(f != NULL && k < ML_PORTFOLIO_MAX_THRESHOLDS);
  return ratio_of(f->par[k], f->gross_portfolio);
}

ml_ratio ml_portfolio_arrears_rate(const ml_portfolio_figures *f) {
  ML_ASSERT(f != NULL);
  return ratio_of(f->overdue, f->gross_portfolio);
}

ml_ratio ml_portfolio_write_off_ratio(const ml_portfolio_figures *f) {
  ML_ASSERT(f != NULL);
  /* w / ((start + end) / 2) = 2w / (start + end), whose terms add and
   * merge keep inside int64 (ratios_fit) */
  int64_t num, den;
  ML_ASSERT(!__builtin_mul_overflow(f->written_off_in_period, 2, &num) &&
            !__builtin_add_overflow(f->gross_portfolio_at_start,
                                    f->gross_portfolio, &den));
  return ratio_of(num, den);
}

ml_status ml_portfolio_risk_coverage(ml_ratio *out, const ml_portfolio *p,
                                     const ml_portfolio_figures *f,
                                     ml_amount reserve) {
  ML_ASSERT(out != NULL && p != NULL && f != NULL);
  for (size_t k = 0; k < p->options.threshold_count; k++) {
    if (p->options.thresholds[k] == 30) {
      *out = ratio_of(reserve, f->par[k]);
      return ML_OK;
    }
  }
  return ML_EINVAL;
}

/* A ratio whose value in units of 10^-decimals leaves 64 bits (a reserve
 * far above the portfolio at risk, say): its whole part and its fraction
 * apart. Half-even on the fraction alone is half-even on the whole, as
 * scale = 10^decimals is even (with no decimals the value fits). The
 * value is then above 2^63 / scale, so den < scale: the fraction, below
 * (den - 1) / den, rounds to less than scale, never into the whole. */
static ml_status format_wide_ratio(char *buf, size_t size, ml_ratio r,
                                   int decimals, int64_t scale) {
  const uint64_t magnitude = r.num < 0 ? 0 - (uint64_t)r.num : (uint64_t)r.num;
  const uint64_t den = (uint64_t)r.den;
  const uint64_t whole = magnitude / den;
  ml_amount fraction = 0;
  ml_status st = ml_round_i128(&fraction, (ml_i128)(magnitude % den) * scale,
                               (ml_i128)den, 1, ML_ROUND_HALF_EVEN);
  ML_ASSERT(st == ML_OK && decimals > 0 && fraction < scale);
  int n = snprintf(buf, size, "%s%" PRIu64 ".%0*" PRId64, r.num < 0 ? "-" : "",
                   whole, decimals, fraction);
  if (n >= 0 && (size_t)n < size) return ML_OK;
  if (size > 0) buf[0] = '\0';
  return ML_EBUFFER;
}

ml_status ml_ratio_format(char *buf, size_t size, ml_ratio r, int decimals) {
  ML_ASSERT(buf != NULL || size == 0);
  ML_ASSERT(decimals >= 0 && decimals <= 12 && r.den > 0);
  int64_t scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  ml_amount units;
  if (ml_round_i128(&units, (ml_i128)r.num * scale, r.den, 1,
                    ML_ROUND_HALF_EVEN) != ML_OK) {
    return format_wide_ratio(buf, size, r, decimals, scale);
  }
  ml_currency as_decimal = {"", decimals};
  return ml_amount_format(buf, size, units, as_decimal);
}

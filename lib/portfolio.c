/*
 * lib/portfolio.c — the portfolio accumulator: exact sums per segment,
 * kept in an array sorted by key (new segments are rare; lookups are a
 * binary search, with the last segment remembered for runs of one key).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mikrolan/portfolio.h"
#include "round.h"

typedef struct segment {
  char *key;
  ml_portfolio_figures sums; /* provisioning is computed when read */
} segment;

struct ml_portfolio {
  ml_portfolio_options options;
  segment *segments;
  size_t count, capacity;
  size_t last; /* the segment of the previous add */
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
  free(p);
}

/* ---- segments ------------------------------------------------------------ */

/* The index of key, or where it would go (*found = 0). */
static size_t find_segment(const ml_portfolio *p, const char *key,
                           int *found) {
  if (p->last < p->count && strcmp(p->segments[p->last].key, key) == 0) {
    *found = 1;
    return p->last;
  }
  size_t lo = 0, hi = p->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(p->segments[mid].key, key);
    if (c == 0) {
      *found = 1;
      return mid;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = 0;
  return lo;
}

static ml_status insert_segment(ml_portfolio *p, size_t at, const char *key,
                                ml_error *err) {
  if (p->count >= ML_PORTFOLIO_MAX_SEGMENTS) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "more than %d segments", ML_PORTFOLIO_MAX_SEGMENTS);
  }
  if (p->count == p->capacity) {
    size_t capacity = p->capacity ? 2 * p->capacity : 16;
    segment *grown = realloc(p->segments, capacity * sizeof *grown);
    if (grown == NULL) {
      return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a segment");
    }
    p->segments = grown;
    p->capacity = capacity;
  }
  size_t len = strlen(key);
  char *copy = malloc(len + 1);
  if (copy == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0, "out of memory for a segment");
  }
  memcpy(copy, key, len + 1);
  memmove(&p->segments[at + 1], &p->segments[at],
          (p->count - at) * sizeof p->segments[0]);
  memset(&p->segments[at], 0, sizeof p->segments[at]);
  p->segments[at].key = copy;
  p->count++;
  return ML_OK;
}

static ml_status segment_for(ml_portfolio *p, const char *key, size_t *index,
                             ml_error *err) {
  if (strlen(key) >= ML_PORTFOLIO_MAX_KEY) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "a segment key is longer than %d bytes",
                        ML_PORTFOLIO_MAX_KEY - 1);
  }
  int found;
  size_t at = find_segment(p, key, &found);
  if (!found) {
    ml_status st = insert_segment(p, at, key, err);
    if (st != ML_OK) return st;
  }
  p->last = *index = at;
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

/* sum += part, or ML_EOVERFLOW with sum unchanged. */
static ml_status add_part(ml_portfolio_figures *sum, const loan_part *part) {
  int64_t *a = (int64_t *)(void *)sum;
  for (size_t i = 0; i < part->count; i++) {
    int64_t unused;
    if (__builtin_add_overflow(a[part->field[i]], part->value[i], &unused)) {
      return ML_EOVERFLOW;
    }
  }
  for (size_t i = 0; i < part->count; i++) a[part->field[i]] += part->value[i];
  return ML_OK;
}

/* sum += f, or ML_EOVERFLOW with sum unchanged. */
static ml_status add_figures(ml_portfolio_figures *sum,
                             const ml_portfolio_figures *f) {
  /* The figures are int64 fields throughout: add them as an array, after
   * checking every field, so that a failure changes nothing. */
  _Static_assert(sizeof(ml_portfolio_figures) % sizeof(int64_t) == 0,
                 "figures are a whole number of int64 fields");
  int64_t *a = (int64_t *)(void *)sum;
  const int64_t *b = (const int64_t *)(const void *)f;
  for (size_t i = 0; i < FIGURE_FIELDS; i++) {
    int64_t unused;
    if (__builtin_add_overflow(a[i], b[i], &unused)) return ML_EOVERFLOW;
  }
  for (size_t i = 0; i < FIGURE_FIELDS; i++) a[i] += b[i];
  return ML_OK;
}

ml_status ml_portfolio_add(ml_portfolio *p, const char *key,
                           const ml_loan_status *at_end,
                           const ml_loan_status *at_start, ml_error *err) {
  ML_ASSERT(p != NULL && key != NULL && at_end != NULL);
  ML_ASSERT((unsigned)at_end->state <= ML_LOAN_CREDIT_BALANCE);
  loan_part part;
  loan_part_of(&part, &p->options, at_end, at_start);
  size_t index = 0;
  ml_status st = segment_for(p, key, &index, err);
  if (st != ML_OK) return st;
  if (add_part(&p->segments[index].sums, &part) != ML_OK) {
    return ml_error_set(err, ML_EOVERFLOW, "", 0, 0,
                        "a sum of segment \"%.64s\" leaves the int64 range",
                        key);
  }
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

/* The number of distinct keys of two sorted segment arrays. */
static size_t merged_count(const ml_portfolio *a, const ml_portfolio *b) {
  size_t i = 0, j = 0, n = 0;
  while (i < a->count && j < b->count) {
    int c = strcmp(a->segments[i].key, b->segments[j].key);
    i += c <= 0;
    j += c >= 0;
    n++;
  }
  return n + (a->count - i) + (b->count - j);
}

/* After a failed merge: frees the keys copied from `from` into
 * merged[0..count) (those that are not into's, which keep their order). */
static void free_copied_keys(const ml_portfolio *into, segment *merged,
                             size_t count) {
  size_t i = 0;
  for (size_t k = 0; k < count; k++) {
    if (i < into->count && merged[k].key == into->segments[i].key) {
      i++;
    } else {
      free(merged[k].key);
    }
  }
}

/* Fills merged (room for every distinct key) with into's and from's
 * segments in key order; *filled counts the rows written, also on
 * failure. */
static ml_status merge_segments(segment *merged, size_t *filled,
                                const ml_portfolio *into,
                                const ml_portfolio *from, ml_error *err) {
  size_t i = 0, j = 0, k = 0;
  ml_status st = ML_OK;
  while (st == ML_OK && (i < into->count || j < from->count)) {
    int c = i == into->count  ? 1
            : j == from->count ? -1
                               : strcmp(into->segments[i].key,
                                        from->segments[j].key);
    if (c <= 0) merged[k] = into->segments[i++];
    if (c == 0 && add_figures(&merged[k].sums, &from->segments[j++].sums) !=
                      ML_OK) {
      st = ml_error_set(err, ML_EOVERFLOW, "", 0, 0,
                        "a merged sum leaves the int64 range");
    }
    if (c > 0) {
      const segment *s = &from->segments[j++];
      size_t len = strlen(s->key);
      merged[k] = (segment){malloc(len + 1), s->sums};
      if (merged[k].key == NULL) {
        st = ml_error_set(err, ML_ENOMEM, "", 0, 0,
                          "out of memory for a segment");
        break;
      }
      memcpy(merged[k].key, s->key, len + 1);
    }
    k++;
  }
  *filled = k;
  return st;
}

/* Builds the merged segment array aside and swaps it in only when every
 * step succeeded: a failed merge leaves into unchanged. */
ml_status ml_portfolio_merge(ml_portfolio *into, const ml_portfolio *from,
                             ml_error *err) {
  ML_ASSERT(into != NULL && from != NULL);
  if (!same_options(&into->options, &from->options)) {
    return ml_error_set(err, ML_EINVAL, "", 0, 0,
                        "the portfolios were made with different options");
  }
  if (from->count == 0) return ML_OK;
  size_t total = merged_count(into, from);
  if (total > ML_PORTFOLIO_MAX_SEGMENTS) {
    return ml_error_set(err, ML_ELIMIT, "key", 0, 0,
                        "more than %d segments", ML_PORTFOLIO_MAX_SEGMENTS);
  }
  segment *merged = malloc(total * sizeof *merged);
  if (merged == NULL) {
    return ml_error_set(err, ML_ENOMEM, "", 0, 0,
                        "out of memory for a segment");
  }
  size_t filled = 0;
  ml_status st = merge_segments(merged, &filled, into, from, err);
  if (st != ML_OK) {
    free_copied_keys(into, merged, filled);
    free(merged);
    return st;
  }
  free(into->segments);
  into->segments = merged;
  into->count = into->capacity = total;
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
  if (key != NULL) *key = p->segments[i].key;
  *figures = p->segments[i].sums;
  with_provisioning(figures, &p->options);
}

void ml_portfolio_total(const ml_portfolio *p, ml_portfolio_figures *f) {
  ML_ASSERT(p != NULL && f != NULL);
  memset(f, 0, sizeof *f);
  for (size_t i = 0; i < p->count; i++) {
    /* Each segment fitted; the total may not only in absurd portfolios. */
    ML_ASSERT(add_figures(f, &p->segments[i].sums) == ML_OK);
  }
  with_provisioning(f, &p->options);
}

const ml_portfolio_options *ml_portfolio_options_of(const ml_portfolio *p) {
  ML_ASSERT(p != NULL);
  return &p->options;
}

/* ---- ratios ------------------------------------------------------------------ */

static ml_ratio ratio_of(ml_amount num, ml_amount den) {
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
  /* w / ((start + end) / 2) = 2w / (start + end) */
  return ratio_of(2 * f->written_off_in_period,
                  f->gross_portfolio_at_start + f->gross_portfolio);
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

ml_status ml_ratio_format(char *buf, size_t size, ml_ratio r, int decimals) {
  ML_ASSERT(buf != NULL || size == 0);
  ML_ASSERT(decimals >= 0 && decimals <= 12 && r.den > 0);
  int64_t scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  ml_amount units;
  if (ml_round_i128(&units, (ml_i128)r.num * scale, r.den, 1,
                    ML_ROUND_HALF_EVEN) != ML_OK) {
    return ML_ERANGE;
  }
  ml_currency as_decimal = {"", decimals};
  return ml_amount_format(buf, size, units, as_decimal);
}

/* lib/date.c — dates as days since 1970-01-01: civil conversion, strict ISO
 * parse/format, month arithmetic with month-end clamp, exact day-count
 * fractions, calendars (Swedish bank days) and business-day conventions. */
#include "internal.h"
#include "plain_parse.h"
#include "mikrolan/date.h"

#include <stdio.h>
#include <string.h>

/* ---- civil <-> days --------------------------------------------------- */

/* Days from 1970-01-01 to 1 January of each supported year and the one
 * after, as constant expressions (y >= 1): a supported date's day number
 * is looked up instead of divided out by 4, 100 and 400 for the year and
 * again for its leap rule (the journal reader converts a date per row). */
#define YEAR_START(y)                                                    \
  ((int32_t)(((y)-1) * 365 + ((y)-1) / 4 - ((y)-1) / 100 + ((y)-1) / 400) - \
   (int32_t)(1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400))
#define YEARS_1(y) YEAR_START(y),
#define YEARS_10(y)                                                  \
  YEARS_1(y) YEARS_1((y) + 1) YEARS_1((y) + 2) YEARS_1((y) + 3)        \
  YEARS_1((y) + 4) YEARS_1((y) + 5) YEARS_1((y) + 6) YEARS_1((y) + 7)  \
  YEARS_1((y) + 8) YEARS_1((y) + 9)
#define YEARS_100(y)                                                  \
  YEARS_10(y) YEARS_10((y) + 10) YEARS_10((y) + 20) YEARS_10((y) + 30) \
  YEARS_10((y) + 40) YEARS_10((y) + 50) YEARS_10((y) + 60)             \
  YEARS_10((y) + 70) YEARS_10((y) + 80) YEARS_10((y) + 90)

static const int32_t years_start[] = {YEARS_100(1900) YEARS_100(2000)
                                         YEARS_100(2100) YEARS_1(2200)
                                             YEARS_1(2201)};
_Static_assert(sizeof years_start / sizeof years_start[0] ==
                   ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR + 2,
               "a start for each supported year and the one after");

/* Days of the year before each month, and in the whole year, by leap. */
static const uint16_t month_start[2][13] = {
    {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
    {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}};

/* The months' first days of the year whose entry in years_start is at
 * starts. */
static const uint16_t *months_of_year(const int32_t *starts) {
  return month_start[starts[1] - starts[0] - 365];
}

/* Days from 1970-01-01 to year-month-day: from the tables for a supported
 * year; for a later one (the day counts ask for the year after the last)
 * 365 a year, a day for each leap year before it, the days of the months
 * before, and the leap day when it has passed. Years from 1 on; no range
 * checks. */
static int32_t days_from_civil(int year, int month, int day) {
  enum { DAYS_BEFORE_1970 = 1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400 };
  ML_ASSERT(year >= 1 && month >= 1 && month <= 12);
  const unsigned index = (unsigned)year - ML_DATE_MIN_YEAR;
  if (index <= ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR) {
    const int32_t *starts = &years_start[index];
    return starts[0] + months_of_year(starts)[month - 1] + day - 1;
  }
  const unsigned y = (unsigned)year, before = y - 1;
  const unsigned leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0));
  const unsigned days = before * 365 + before / 4 - before / 100 +
                        before / 400 + month_start[leap][month - 1] +
                        (unsigned)day - 1;
  return (int32_t)days - DAYS_BEFORE_1970;
}

int32_t ml_date_of_month_day(int year, int month, int day) {
  const unsigned index = (unsigned)year - ML_DATE_MIN_YEAR;
  ML_ASSERT(index <= ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR && month >= 1 &&
            month <= 12 && day >= 1);
  const int32_t *starts = &years_start[index];
  const uint16_t *months = months_of_year(starts);
  const int last = months[month] - months[month - 1];
  return starts[0] + months[month - 1] + (day < last ? day : last) - 1;
}

/* The inverse of days_from_civil, after H. Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms": the year is shifted to start in March so
 * that the leap day is the last day of the shifted year, and then counted
 * in 400-year eras of 146097 days. */
static void civil_from_days(int32_t days, int *year, int *month, int *day) {
  const int32_t z = days + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;                          /* 0..146096 */
  const int32_t yoe =
      (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     /* 0..399 */
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);   /* 0..365 */
  const int32_t mp = (5 * doy + 2) / 153;                        /* 0..11 */
  const int32_t m = mp < 10 ? mp + 3 : mp - 9;
  *day = (int)(doy - (153 * mp + 2) / 5 + 1);
  *month = (int)m;
  *year = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

static int date_in_range(int64_t d) {
  return d >= ML_DATE_MIN && d <= ML_DATE_MAX;
}

int ml_date_is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ml_date_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  ML_ASSERT(month >= 1 && month <= 12);
  if (month == 2 && ml_date_is_leap_year(year)) return 29;
  return days[month - 1];
}

/* Which part of a civil date is unsupported; the order is the order of the
 * checks, so that a bad year is reported before a bad month or day. */
typedef enum civil_problem {
  CIVIL_OK,
  CIVIL_BAD_YEAR,
  CIVIL_BAD_MONTH,
  CIVIL_BAD_DAY
} civil_problem;

static civil_problem check_civil(int year, int month, int day) {
  if (year < ML_DATE_MIN_YEAR || year > ML_DATE_MAX_YEAR) return CIVIL_BAD_YEAR;
  if (month < 1 || month > 12) return CIVIL_BAD_MONTH;
  /* every month has the days up to 28: most dates need no look at which */
  if (day < 1 || (day > 28 && day > ml_date_days_in_month(year, month))) {
    return CIVIL_BAD_DAY;
  }
  return CIVIL_OK;
}

/* One clause saying what is wrong, shared by from_civil and parse. */
static void describe_civil_problem(char *buf, size_t size, civil_problem p,
                                   int year, int month, int day) {
  switch (p) {
    case CIVIL_BAD_YEAR:
      snprintf(buf, size, "year %d is outside the supported years %d..%d",
               year, ML_DATE_MIN_YEAR, ML_DATE_MAX_YEAR);
      break;
    case CIVIL_BAD_MONTH:
      snprintf(buf, size, "month %d is not 1..12", month);
      break;
    case CIVIL_BAD_DAY:
      snprintf(buf, size, "day %d does not exist in %04d-%02d, which has %d days",
               day, year, month, ml_date_days_in_month(year, month));
      break;
    case CIVIL_OK:
    default:
      ML_UNREACHABLE("a civil problem to describe");
  }
}

ml_status ml_date_from_civil(ml_date *out, int year, int month, int day,
                             ml_error *err) {
  ML_ASSERT(out != NULL);
  const civil_problem p = check_civil(year, month, day);
  if (p != CIVIL_OK) {
    char why[128];
    describe_civil_problem(why, sizeof why, p, year, month, day);
    return ml_error_set(err, ML_ERANGE, "date", 0, 0,
                        "year %d, month %d, day %d is not a supported date: %s",
                        year, month, day, why);
  }
  *out = days_from_civil(year, month, day);
  return ML_OK;
}

void ml_date_to_civil(ml_date d, int *year, int *month, int *day) {
  ML_ASSERT(date_in_range(d));
  int y, m, dd;
  civil_from_days(d, &y, &m, &dd);
  if (year) *year = y;
  if (month) *month = m;
  if (day) *day = dd;
}

/* ---- ISO text --------------------------------------------------------- */

enum { ISO_LENGTH = 10 }; /* "YYYY-MM-DD" */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int digits_value(const char *s, int count) {
  int v = 0;
  for (int i = 0; i < count; i++) v = v * 10 + (s[i] - '0');
  return v;
}

/* "found '/'", "found the end" or "found byte 0x80", for the message. */
static void describe_found(char *buf, size_t size, char c) {
  if (c == '\0') {
    snprintf(buf, size, "found the end of the text");
  } else if (c >= 0x20 && c < 0x7f) {
    snprintf(buf, size, "found '%c'", c);
  } else {
    snprintf(buf, size, "found byte 0x%02x", (unsigned)(unsigned char)c);
  }
}

/* Checks the shape "DDDD-DD-DD" and nothing after it; on a mismatch fills
 * err with the 1-based column of the first wrong character. */
static ml_status check_iso_shape(const char *text, ml_error *err) {
  char quoted[64];
  for (int i = 0; i < ISO_LENGTH; i++) {
    const int want_dash = i == 4 || i == 7;
    const char c = text[i];
    if (want_dash ? c == '-' : is_digit(c)) continue;
    ml_quote_input(quoted, sizeof quoted, text);
    char found[32];
    describe_found(found, sizeof found, c);
    return ml_error_set(err, ML_EPARSE, "date", 0, i + 1,
                        "date %s is not in the form YYYY-MM-DD: expected %s "
                        "at column %d, %s",
                        quoted, want_dash ? "'-'" : "a digit", i + 1, found);
  }
  if (text[ISO_LENGTH] != '\0') {
    ml_quote_input(quoted, sizeof quoted, text);
    return ml_error_set(err, ML_EPARSE, "date", 0, ISO_LENGTH + 1,
                        "date %s is not in the form YYYY-MM-DD: unexpected "
                        "text after column %d",
                        quoted, ISO_LENGTH);
  }
  return ML_OK;
}

ml_status ml_date_parse(ml_date *out, const char *text, ml_error *err) {
  ML_ASSERT(out != NULL);
  ML_ASSERT(text != NULL);
  /* Nearly every date is plain and valid: read it at once; the checks
   * below then say what is wrong with any other text. The input is quoted
   * only for a message: parsing is a hot path. */
  if (ml_date_parse_plain(out, text, strlen(text))) return ML_OK;
  const ml_status shape = check_iso_shape(text, err);
  if (shape != ML_OK) return shape;

  const int year = digits_value(text, 4);
  const int month = digits_value(text + 5, 2);
  const int day = digits_value(text + 8, 2);
  const civil_problem p = check_civil(year, month, day);
  if (p != CIVIL_OK) {
    static const long column_of[] = {0, 1, 6, 9}; /* by civil_problem */
    char why[128], quoted[64];
    ml_quote_input(quoted, sizeof quoted, text);
    describe_civil_problem(why, sizeof why, p, year, month, day);
    return ml_error_set(err, ML_ERANGE, "date", 0, column_of[p],
                        "date %s is not a supported date: %s", quoted, why);
  }
  *out = days_from_civil(year, month, day);
  return ML_OK;
}

/* The bytes of "c c c c c c c c" as a word (in the machine's byte order,
 * as memcpy loads them). */
static uint64_t each_byte(unsigned char c) {
  return UINT64_C(0x0101010101010101) * c;
}

/* Whether the first 8 bytes of text are "DDDD-DD-": the bytes at the digits'
 * places are 0x30..0x3f, and still are with 6 added (a byte that is not
 * carries into the next only when it already failed), all at once. */
static int iso_head_shape(const char *text) {
  static const char dashes[8] = {0, 0, 0, 0, '-', 0, 0, '-'};
  static const unsigned char digit_places[8] = {0xff, 0xff, 0xff, 0xff,
                                                0,    0xff, 0xff, 0};
  uint64_t w, want_dashes, digits;
  memcpy(&w, text, 8);
  memcpy(&want_dashes, dashes, 8);
  memcpy(&digits, digit_places, 8);
  const uint64_t high = each_byte(0xf0) & digits, zeros = each_byte('0') & digits;
  return (w & ~digits) == want_dashes && (w & high) == zeros &&
         ((w + each_byte(6)) & high) == zeros;
}

/* The journal's and the loans file's dates, one or two per row: the shape
 * is checked a word at a time rather than a branch per character
 * (lib/plain_parse.h), and the day is found in the tables above. */
int ml_date_parse_plain(ml_date *out, const char *text, size_t len) {
  if (len != ISO_LENGTH || !iso_head_shape(text) || !is_digit(text[8]) ||
      !is_digit(text[9])) {
    return 0;
  }
  /* The digits of "YYYY-MM-" in one word: each byte's low half is its
   * digit (the shape is checked), and ten times a digit plus the next (at
   * most 99) stays in its byte, so the pairs come from one multiply. */
  uint64_t w;
  memcpy(&w, text, 8);
  const uint64_t digits = w & UINT64_C(0x000f0f000f0f0f0f);
  const uint64_t pairs = digits * 10 + (digits >> 8);
  /* unsigned: a value below its range wraps above it, one test each */
  const unsigned year =
      (unsigned)((pairs & 0xff) * 100 + ((pairs >> 16) & 0xff)) -
      ML_DATE_MIN_YEAR;
  const unsigned month = (unsigned)((pairs >> 40) & 0xff) - 1;
  const unsigned day = (unsigned)digits_value(text + 8, 2) - 1;
  if (year > ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR || month > 11) return 0;
  const int32_t *starts = &years_start[year];
  const uint16_t *months = months_of_year(starts);
  if (day >= (unsigned)(months[month + 1] - months[month])) return 0;
  *out = starts[0] + months[month] + (int32_t)day;
  return 1;
}

static void put_digits(char *dst, int value, int count) {
  for (int i = count - 1; i >= 0; i--) {
    dst[i] = (char)('0' + value % 10);
    value /= 10;
  }
}

ml_status ml_date_format(char *buf, size_t size, ml_date d) {
  ML_ASSERT(buf != NULL || size == 0);
  /* ML_DATE_NONE is a value the library itself returns (next_due_date of
   * a loan paid off): a status, not an abort */
  if (size < ML_DATE_FORMAT_SIZE || !date_in_range(d)) {
    if (size > 0) buf[0] = '\0';
    return size < ML_DATE_FORMAT_SIZE ? ML_EBUFFER : ML_ERANGE;
  }
  int y, m, dd;
  civil_from_days(d, &y, &m, &dd);
  put_digits(buf, y, 4);
  buf[4] = '-';
  put_digits(buf + 5, m, 2);
  buf[7] = '-';
  put_digits(buf + 8, dd, 2);
  buf[10] = '\0';
  return ML_OK;
}

/* ---- arithmetic --------------------------------------------------------- */

ml_status ml_date_add_days(ml_date *out, ml_date d, int64_t days) {
  ML_ASSERT(out != NULL);
  /* Compare days with the room left instead of adding first: no overflow
   * for any int64 days (d is int32, so the bounds fit). */
  if (days < (int64_t)ML_DATE_MIN - d || days > (int64_t)ML_DATE_MAX - d) {
    return ML_ERANGE;
  }
  *out = (ml_date)(d + days);
  return ML_OK;
}

ml_status ml_date_add_months(ml_date *out, ml_date d, int64_t months) {
  ML_ASSERT(out != NULL);
  /* Any shift larger than the whole supported span leaves it; rejecting it
   * first keeps the month arithmetic below far from overflow. */
  enum { SPAN_MONTHS = (ML_DATE_MAX_YEAR - ML_DATE_MIN_YEAR + 1) * 12 };
  if (!date_in_range(d) || months < -SPAN_MONTHS || months > SPAN_MONTHS) {
    return ML_ERANGE;
  }
  int y, m, dd;
  civil_from_days(d, &y, &m, &dd);
  const int64_t index = (int64_t)y * 12 + (m - 1) + months; /* > 0 here */
  const int64_t target_year = index / 12;
  if (target_year < ML_DATE_MIN_YEAR || target_year > ML_DATE_MAX_YEAR) {
    return ML_ERANGE;
  }
  *out = ml_date_of_month_day((int)target_year, (int)(index % 12) + 1, dd);
  return ML_OK;
}

int ml_date_weekday(ml_date d) {
  /* 1970-01-01 was a Thursday (ISO 4); floor-modulo for earlier dates. */
  int64_t r = ((int64_t)d + 3) % 7;
  if (r < 0) r += 7;
  return (int)r + 1;
}

int32_t ml_date_days_between(ml_date start, ml_date end) {
  const int64_t diff = (int64_t)end - start;
  ML_ASSERT(diff >= INT32_MIN && diff <= INT32_MAX);
  return (int32_t)diff;
}

/* ---- day counts ----------------------------------------------------------- */

static ml_fraction reduced(int64_t num, int64_t den) {
  ML_ASSERT(num >= 0 && den > 0);
  const int64_t g = ml_gcd64(num, den); /* >= 1 because den > 0 */
  ml_fraction f = {num / g, den / g};
  return f;
}

/* Days of [start, end) that fall in leap years and in other years, split at
 * each 1 January, for ACT/ACT ISDA. */
static void split_days_by_year_kind(ml_date start, ml_date end,
                                    int64_t *leap_days, int64_t *other_days) {
  int y1, y2, unused_m, unused_d;
  civil_from_days(start, &y1, &unused_m, &unused_d);
  civil_from_days(end, &y2, &unused_m, &unused_d);
  *leap_days = 0;
  *other_days = 0;
  for (int y = y1; y <= y2; y++) {
    const ml_date year_start = days_from_civil(y, 1, 1);
    const ml_date next_year = days_from_civil(y + 1, 1, 1);
    const ml_date from = start > year_start ? start : year_start;
    const ml_date to = end < next_year ? end : next_year;
    if (to <= from) continue;
    if (ml_date_is_leap_year(y)) {
      *leap_days += to - from;
    } else {
      *other_days += to - from;
    }
  }
}

static ml_fraction act_act_isda(ml_date start, ml_date end) {
  int64_t leap_days, other_days;
  split_days_by_year_kind(start, end, &leap_days, &other_days);
  /* leap/366 + other/365 over the common denominator 366 * 365. */
  return reduced(leap_days * 365 + other_days * 366, (int64_t)366 * 365);
}

typedef struct civil_date {
  int year, month, day;
} civil_date;

static civil_date civil_of(ml_date d) {
  civil_date c;
  civil_from_days(d, &c.year, &c.month, &c.day);
  return c;
}

static int is_last_day_of_month(civil_date c) {
  return c.day == ml_date_days_in_month(c.year, c.month);
}

/* The 30/360 family: D1 and D2 are adjusted by the convention, then
 * 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1) days over 360. */
static ml_fraction thirty_360(ml_day_count dc, ml_date start, ml_date end,
                              ml_date maturity) {
  const civil_date c1 = civil_of(start);
  const civil_date c2 = civil_of(end);
  int d1 = c1.day;
  int d2 = c2.day;
  switch (dc) {
    case ML_DC_30_360_US: /* ISDA 2006 4.16(f), bond basis */
      if (d1 == 31) d1 = 30;
      if (d2 == 31 && d1 == 30) d2 = 30; /* d1 == 30 covers D1 in {30, 31} */
      break;
    case ML_DC_30E_360: /* 4.16(g), Eurobond basis */
      if (d1 == 31) d1 = 30;
      if (d2 == 31) d2 = 30;
      break;
    case ML_DC_30E_360_ISDA: /* 4.16(h) */
      if (is_last_day_of_month(c1)) d1 = 30;
      if (is_last_day_of_month(c2) && !(end == maturity && c2.month == 2)) {
        d2 = 30;
      }
      break;
    case ML_DC_ACT_365F:
    case ML_DC_ACT_360:
    case ML_DC_ACT_ACT_ISDA:
    default:
      ML_UNREACHABLE("a 30/360 day count");
  }
  const int64_t days = 360 * (int64_t)(c2.year - c1.year) +
                       30 * (int64_t)(c2.month - c1.month) + (d2 - d1);
  /* start < end keeps days >= 0 except for 30E/360 ISDA from the last day
   * of February to the same day as maturity, which start == end excludes. */
  ML_ASSERT(days >= 0);
  return reduced(days, 360);
}

static int day_count_valid(ml_day_count dc) {
  return dc >= ML_DC_ACT_365F && dc <= ML_DC_30E_360_ISDA;
}

ml_status ml_day_count_fraction(ml_fraction *out, ml_day_count dc,
                                ml_date start, ml_date end, ml_date maturity) {
  ML_ASSERT(out != NULL);
  ML_ASSERT(day_count_valid(dc));
  if (!date_in_range(start) || !date_in_range(end)) return ML_ERANGE;
  if (dc == ML_DC_30E_360_ISDA && !date_in_range(maturity)) return ML_ERANGE;
  if (start > end) return ML_EINVAL;
  if (start == end) {
    out->num = 0;
    out->den = 1;
    return ML_OK;
  }
  const int64_t days = (int64_t)end - start;
  switch (dc) {
    case ML_DC_ACT_365F:
      *out = reduced(days, 365);
      break;
    case ML_DC_ACT_360:
      *out = reduced(days, 360);
      break;
    case ML_DC_ACT_ACT_ISDA:
      *out = act_act_isda(start, end);
      break;
    case ML_DC_30_360_US:
    case ML_DC_30E_360:
    case ML_DC_30E_360_ISDA:
    default:
      *out = thirty_360(dc, start, end, maturity);
      break;
  }
  return ML_OK;
}

/* ---- names ------------------------------------------------------------------ */

static const char *const day_count_names[] = {
    "act365", "act360", "actact", "30360", "30e360", "30e360isda"};
static const char *const calendar_kind_names[] = {"none", "weekends", "se"};
static const char *const business_day_names[] = {
    "unadjusted", "following", "modified-following", "preceding",
    "modified-preceding"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *ml_day_count_name(ml_day_count dc) {
  return day_count_valid(dc) ? day_count_names[dc] : NULL;
}

ml_status ml_day_count_parse(ml_day_count *out, const char *text,
                             ml_error *err) {
  ML_ASSERT(out != NULL);
  int i = 0;
  const ml_status s =
      ml_parse_name(&i, day_count_names, COUNT_OF(day_count_names), text,
                    "day_count", "day count", err);
  if (s == ML_OK) *out = (ml_day_count)i;
  return s;
}

static int calendar_kind_valid(ml_calendar_kind kind) {
  return kind >= ML_CALENDAR_NONE && kind <= ML_CALENDAR_SE;
}

const char *ml_calendar_kind_name(ml_calendar_kind kind) {
  return calendar_kind_valid(kind) ? calendar_kind_names[kind] : NULL;
}

ml_status ml_calendar_kind_parse(ml_calendar_kind *out, const char *text,
                                 ml_error *err) {
  ML_ASSERT(out != NULL);
  int i = 0;
  const ml_status s =
      ml_parse_name(&i, calendar_kind_names, COUNT_OF(calendar_kind_names),
                    text, "calendar", "calendar", err);
  if (s == ML_OK) *out = (ml_calendar_kind)i;
  return s;
}

static int business_day_valid(ml_business_day conv) {
  return conv >= ML_BD_UNADJUSTED && conv <= ML_BD_MODIFIED_PRECEDING;
}

const char *ml_business_day_name(ml_business_day conv) {
  return business_day_valid(conv) ? business_day_names[conv] : NULL;
}

ml_status ml_business_day_parse(ml_business_day *out, const char *text,
                                ml_error *err) {
  ML_ASSERT(out != NULL);
  int i = 0;
  const ml_status s =
      ml_parse_name(&i, business_day_names, COUNT_OF(business_day_names), text,
                    "business_day", "business-day convention", err);
  if (s == ML_OK) *out = (ml_business_day)i;
  return s;
}

/* ---- calendars ------------------------------------------------------------ */

/* Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher);
 * valid for every Gregorian year, no range check. */
static ml_date easter_days(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return days_from_civil(year, month, day);
}

ml_status ml_easter_sunday(ml_date *out, int year) {
  ML_ASSERT(out != NULL);
  if (year < ML_DATE_MIN_YEAR || year > ML_DATE_MAX_YEAR) return ML_ERANGE;
  *out = easter_days(year);
  return ML_OK;
}

/* Good Friday, Easter Monday, Ascension Day and (until 2004) Whit Monday.
 * They fall between 20 March (Good Friday of a 22 March Easter) and 14 June
 * (Whit Monday of a 25 April Easter), so callers ask only for March..June. */
static int se_easter_holiday(ml_date d, int year) {
  const int32_t offset = d - easter_days(year);
  return offset == -2 || offset == 1 || offset == 39 ||
         (offset == 50 && year <= 2004);
}

/* Whether a Monday..Friday d is a Swedish bank holiday. Fixed dates are
 * decided by month and day; Easter is computed only in March..June. */
static int se_weekday_holiday(ml_date d, int weekday) {
  int y, m, day;
  civil_from_days(d, &y, &m, &day);
  switch (m) {
    case 1:
      return day == 1 || day == 6;
    case 5:
      if (day == 1) return 1;
      break;
    case 6:
      if (day == 6 && y >= 2005) return 1;                    /* National Day */
      if (weekday == 5 && day >= 19 && day <= 25) return 1;   /* Midsummer Eve */
      break;
    case 12:
      return day == 24 || day == 25 || day == 26 || day == 31;
    default:
      break;
  }
  return m >= 3 && m <= 6 && se_easter_holiday(d, y);
}

static int closed_by_kind(ml_calendar_kind kind, ml_date d) {
  if (kind == ML_CALENDAR_NONE) return 0;
  const int weekday = ml_date_weekday(d);
  if (weekday >= 6) return 1;
  return kind == ML_CALENDAR_SE && se_weekday_holiday(d, weekday);
}

static int closed_by_extra(const ml_calendar *cal, ml_date d) {
  for (size_t i = 0; i < cal->extra_closed_count; i++) {
    if (cal->extra_closed[i] == d) return 1;
  }
  return 0;
}

static void assert_calendar(const ml_calendar *cal) {
  ML_ASSERT(cal != NULL);
  ML_ASSERT(calendar_kind_valid(cal->kind));
  ML_ASSERT(cal->extra_closed != NULL || cal->extra_closed_count == 0);
}

/* is_business_day without the checks, for d already known to be in range. */
static int is_open(const ml_calendar *cal, ml_date d) {
  return !closed_by_kind(cal->kind, d) && !closed_by_extra(cal, d);
}

int ml_calendar_is_business_day(const ml_calendar *cal, ml_date d) {
  assert_calendar(cal);
  ML_ASSERT(date_in_range(d));
  return is_open(cal, d);
}

/* The furthest ml_calendar_adjust looks from the date it adjusts. */
enum { ADJUST_SEARCH_DAYS = 31 };

typedef enum search_result {
  SEARCH_FOUND,
  SEARCH_LEFT_MONTH, /* reached a day outside `month` first */
  SEARCH_LEFT_RANGE, /* reached a day outside 1900..2200 first */
  SEARCH_EXHAUSTED   /* nothing open within ADJUST_SEARCH_DAYS */
} search_result;

static int month_of(ml_date d) {
  int y, m, day;
  civil_from_days(d, &y, &m, &day);
  return m;
}

/* The first business day at d, d + step, d + 2 step, ... (step = +-1),
 * staying in `month` unless month is 0. */
static search_result find_business_day(ml_date *out, const ml_calendar *cal,
                                       ml_date d, int step, int month) {
  for (int k = 0; k <= ADJUST_SEARCH_DAYS; k++) {
    const ml_date c = d + step * k;
    /* The month test comes first so that the modified conventions turn
     * back at 31 December 2200 instead of failing on 1 January 2201. */
    if (month != 0 && month_of(c) != month) return SEARCH_LEFT_MONTH;
    if (!date_in_range(c)) return SEARCH_LEFT_RANGE;
    if (is_open(cal, c)) {
      *out = c;
      return SEARCH_FOUND;
    }
  }
  return SEARCH_EXHAUSTED;
}

static ml_status search_status(search_result r) {
  switch (r) {
    case SEARCH_FOUND:
      return ML_OK;
    case SEARCH_LEFT_RANGE:
      return ML_ERANGE;
    case SEARCH_EXHAUSTED:
      return ML_ELIMIT;
    case SEARCH_LEFT_MONTH:
    default:
      ML_UNREACHABLE("a search result with a status");
      return ML_EINVAL; /* unreachable */
  }
}

/* Modified following (step +1) or modified preceding (step -1): the first
 * business day in the given direction within d's month, else the first in
 * the other direction. */
static ml_status adjust_modified(ml_date *out, const ml_calendar *cal,
                                 ml_date d, int step) {
  search_result r = find_business_day(out, cal, d, step, month_of(d));
  if (r == SEARCH_LEFT_MONTH) r = find_business_day(out, cal, d, -step, 0);
  return search_status(r);
}

ml_status ml_calendar_adjust(ml_date *out, const ml_calendar *cal, ml_date d,
                             ml_business_day conv) {
  ML_ASSERT(out != NULL);
  assert_calendar(cal);
  ML_ASSERT(business_day_valid(conv));
  if (!date_in_range(d)) return ML_ERANGE;
  if (conv == ML_BD_UNADJUSTED || is_open(cal, d)) {
    *out = d;
    return ML_OK;
  }
  switch (conv) {
    case ML_BD_FOLLOWING:
      return search_status(find_business_day(out, cal, d, +1, 0));
    case ML_BD_PRECEDING:
      return search_status(find_business_day(out, cal, d, -1, 0));
    case ML_BD_MODIFIED_FOLLOWING:
      return adjust_modified(out, cal, d, +1);
    case ML_BD_MODIFIED_PRECEDING:
      return adjust_modified(out, cal, d, -1);
    case ML_BD_UNADJUSTED:
    default:
      ML_UNREACHABLE("an adjusting business-day convention");
      return ML_EINVAL; /* unreachable */
  }
}

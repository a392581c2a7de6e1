/*
 * mikrolan/date.h — dates as days since 1970-01-01, civil conversion, month
 * arithmetic with month-end clamp, day-count fractions, calendars (Swedish
 * bank days) and business-day conventions.
 *
 * No time zones and no time_t: a date is a day in the proleptic Gregorian
 * calendar. Supported years are 1900..2200; results outside are ML_ERANGE.
 */
#ifndef MIKROLAN_DATE_H
#define MIKROLAN_DATE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t ml_date; /* days since 1970-01-01 (0 = 1970-01-01) */

#define ML_DATE_MIN (-25567) /* 1900-01-01 */
#define ML_DATE_MAX 84370    /* 2200-12-31 */
#define ML_DATE_MIN_YEAR 1900
#define ML_DATE_MAX_YEAR 2200

/* Room for "YYYY-MM-DD" and the NUL. */
#define ML_DATE_FORMAT_SIZE 11

/* *out = the date of year-month-day. ML_ERANGE for a year outside
 * 1900..2200, a month outside 1..12 or a day that the month does not have
 * (2026-02-29), with a message. */
ML_API ML_NODISCARD ml_status ml_date_from_civil(ml_date *out, int year,
                                                 int month, int day,
                                                 ml_error *err);

/* The civil year, month (1..12) and day (1..31) of d; any pointer may be
 * NULL. d must be within ML_DATE_MIN..ML_DATE_MAX (asserted). */
ML_API void ml_date_to_civil(ml_date d, int *year, int *month, int *day);

/*
 * Parses strict ISO 8601 "YYYY-MM-DD": exactly four, two and two digits
 * separated by '-', nothing before or after. "2026-1-5" and "2026-13-01" are
 * ML_EPARSE and ML_ERANGE, "2026-02-29" is ML_ERANGE, a year outside
 * 1900..2200 is ML_ERANGE. The message quotes the input.
 */
ML_API ML_NODISCARD ml_status ml_date_parse(ml_date *out, const char *text,
                                            ml_error *err);

/* Writes "YYYY-MM-DD"; ML_EBUFFER if size < ML_DATE_FORMAT_SIZE; ML_ERANGE
 * for a date outside ML_DATE_MIN..ML_DATE_MAX, ML_DATE_NONE included (a
 * status's next_due_date when nothing is due, say). On failure buf is ""
 * (when size > 0). */
ML_API ML_NODISCARD ml_status ml_date_format(char *buf, size_t size,
                                             ml_date d);

/* *out = d + days; ML_ERANGE if the result leaves 1900..2200. */
ML_API ML_NODISCARD ml_status ml_date_add_days(ml_date *out, ml_date d,
                                               int64_t days);

/* *out = d + months, the day clamped to the end of the target month
 * (2026-01-31 + 1 month = 2026-02-28, 2024-01-31 + 1 = 2024-02-29);
 * months may be negative. ML_ERANGE outside 1900..2200. */
ML_API ML_NODISCARD ml_status ml_date_add_months(ml_date *out, ml_date d,
                                                 int64_t months);

/* ISO weekday: 1 = Monday .. 7 = Sunday. */
ML_API int ml_date_weekday(ml_date d);

/* end - start, in days (negative when end is earlier). */
ML_API int32_t ml_date_days_between(ml_date start, ml_date end);

/* 1 if year is a Gregorian leap year, 0 otherwise. */
ML_API int ml_date_is_leap_year(int year);

/* Number of days in the month (1..12) of year. */
ML_API int ml_date_days_in_month(int year, int month);

/* An exact non-negative fraction num/den in lowest terms, den > 0. */
typedef struct ml_fraction {
  int64_t num;
  int64_t den;
} ml_fraction;

/* Day-count conventions. The numeric values are pinned. */
typedef enum ml_day_count {
  ML_DC_ACT_365F = 0,     /* actual days / 365 */
  ML_DC_ACT_360 = 1,      /* actual days / 360 */
  ML_DC_ACT_ACT_ISDA = 2, /* days in leap years / 366 + others / 365 */
  ML_DC_30_360_US = 3,    /* 30/360 bond basis (ISDA 2006 4.16(f)) */
  ML_DC_30E_360 = 4,      /* 30E/360 Eurobond basis (ISDA 4.16(g)) */
  ML_DC_30E_360_ISDA = 5  /* 30E/360 ISDA (ISDA 4.16(h)) */
} ml_day_count;

/* Names: "act365", "act360", "actact", "30360", "30e360", "30e360isda";
 * NULL outside the enum. */
ML_API const char *ml_day_count_name(ml_day_count dc);

/* Parses one of the names above; anything else is ML_EINVAL listing them. */
ML_API ML_NODISCARD ml_status ml_day_count_parse(ml_day_count *out,
                                                 const char *text,
                                                 ml_error *err);

/*
 * The year fraction from start to end under dc, as an exact fraction in
 * lowest terms. Requires start <= end (ML_EINVAL otherwise). maturity is the
 * end of the schedule's last interest period (its last due date, adjusted
 * only under adjusted interest periods), used only by 30E/360 ISDA (end is
 * not moved from the last day of February when it is the maturity); pass
 * end when it does not matter. ACT/ACT ISDA of 2003-11-01..2004-05-01 = 61/365 + 121/366.
 */
ML_API ML_NODISCARD ml_status ml_day_count_fraction(ml_fraction *out,
                                                    ml_day_count dc,
                                                    ml_date start, ml_date end,
                                                    ml_date maturity);

/* Which days a calendar closes, besides its extra closed days. Pinned. */
typedef enum ml_calendar_kind {
  ML_CALENDAR_NONE = 0,     /* every day is a business day */
  ML_CALENDAR_WEEKENDS = 1, /* Saturdays and Sundays closed */
  ML_CALENDAR_SE = 2        /* Swedish bank days (see ml_calendar_is_business_day) */
} ml_calendar_kind;

/*
 * A calendar: a kind plus caller-supplied extra closed days (caller-owned,
 * any order, may repeat; the array must outlive the calendar's use).
 */
typedef struct ml_calendar {
  ml_calendar_kind kind;
  const ml_date *extra_closed;
  size_t extra_closed_count;
} ml_calendar;

#define ML_CALENDAR_INIT {ML_CALENDAR_NONE, NULL, 0}

/* "none", "weekends", "se"; NULL outside the enum. */
ML_API const char *ml_calendar_kind_name(ml_calendar_kind kind);
ML_API ML_NODISCARD ml_status ml_calendar_kind_parse(ml_calendar_kind *out,
                                                     const char *text,
                                                     ml_error *err);

/*
 * 1 if d is a business day of cal, 0 if it is closed. Swedish bank days
 * (ML_CALENDAR_SE) close Saturdays, Sundays, 1 Jan, 6 Jan, Good Friday,
 * Easter Monday, Ascension Day (Easter + 39), 1 May, 6 June (from 2005),
 * Midsummer Eve (the Friday from 19 to 25 June), 24, 25, 26 and 31 Dec, and
 * Whit Monday (until 2004).
 */
ML_API int ml_calendar_is_business_day(const ml_calendar *cal, ml_date d);

/* *out = Easter Sunday of year (1900..2200), Gregorian computus. */
ML_API ML_NODISCARD ml_status ml_easter_sunday(ml_date *out, int year);

/* Business-day conventions. Pinned. */
typedef enum ml_business_day {
  ML_BD_UNADJUSTED = 0,
  ML_BD_FOLLOWING = 1,          /* next business day */
  ML_BD_MODIFIED_FOLLOWING = 2, /* next, unless in the next month: previous */
  ML_BD_PRECEDING = 3,          /* previous business day */
  ML_BD_MODIFIED_PRECEDING = 4  /* previous, unless in the previous month: next */
} ml_business_day;

/* "unadjusted", "following", "modified-following", "preceding",
 * "modified-preceding"; NULL outside the enum. */
ML_API const char *ml_business_day_name(ml_business_day conv);
ML_API ML_NODISCARD ml_status ml_business_day_parse(ml_business_day *out,
                                                    const char *text,
                                                    ml_error *err);

/*
 * *out = d moved to a business day of cal by conv (d itself when it is one,
 * or when conv is ML_BD_UNADJUSTED). ML_ERANGE if the search leaves
 * 1900..2200; ML_ELIMIT if no business day is found within 31 days (a
 * calendar whose extra days close a whole month).
 */
ML_API ML_NODISCARD ml_status ml_calendar_adjust(ml_date *out,
                                                 const ml_calendar *cal,
                                                 ml_date d,
                                                 ml_business_day conv);

#ifdef __cplusplus
}
#endif

#endif /* MIKROLAN_DATE_H */

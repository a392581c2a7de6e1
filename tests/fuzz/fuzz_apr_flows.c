/*
 * tests/fuzz/fuzz_apr_flows.c — the flows reader of `mikrolan apr --flows`
 * (cli/apr_flows.c, linked in) over arbitrary bytes, and ml_apr_of_flows
 * and ml_xirr over whatever flows it reads.
 *
 * Input: one byte picks the currency, one the basis and the decimals
 * (0..10: 0 and 10 are outside the allowed 1..9); the rest is the file,
 * given to the reader as standard input (path "-").
 *
 * Checked: the reader returns 0 with the flows, or 2 (1 when out of
 * memory) with a message on --flows and no flows; ml_apr_year_fraction
 * from the earliest date gives fractions in lowest terms (and ML_EINVAL
 * backwards); a rate is within the
 * documented interval with the requested decimals, its totals are the
 * sums of the flows, and it formats; a failure says why with a code the
 * header lists.
 */
#define _POSIX_C_SOURCE 200809L

#include "apr.h"
#include "fuzz.h"
#include "fuzz_stdin.h"

static void check_failure(ml_status st, const ml_error *err) {
  FUZZ_CHECK(st < 0 && err->code == st);
  FUZZ_CHECK(err->message[0] != '\0');
  FUZZ_CHECK(st == ML_EINVAL || st == ML_ELIMIT || st == ML_ERANGE ||
             st == ML_EOVERFLOW || st == ML_ENOROOT);
}

static int64_t power_of_ten(int32_t k) {
  int64_t p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

/* The sums the result reports, when they fit (0 when they do not). */
static int flow_sums(const ml_flow *flows, size_t count, ml_amount *drawn,
                     ml_amount *payable) {
  *drawn = *payable = 0;
  for (size_t i = 0; i < count; i++) {
    ml_amount a = flows[i].amount;
    if (a < 0) {
      if (a == INT64_MIN || ml_int64_add(drawn, *drawn, -a) != ML_OK) return 0;
    } else if (ml_int64_add(payable, *payable, a) != ML_OK) {
      return 0;
    }
  }
  return 1;
}

static void check_result(ml_status st, const ml_apr_result *a,
                         const ml_error *err, const ml_flow *flows,
                         size_t count, int32_t decimals) {
  if (st != ML_OK) {
    check_failure(st, err);
    return;
  }
  FUZZ_CHECK(decimals >= ML_APR_MIN_DECIMALS &&
             decimals <= ML_APR_MAX_DECIMALS);
  FUZZ_CHECK(a->decimals == decimals);
  int64_t unit = power_of_ten(decimals);
  FUZZ_CHECK(a->units >= ML_APR_MIN_PERCENT * unit &&
             a->units <= ML_APR_MAX_PERCENT * unit);
  FUZZ_CHECK(a->tie == 0 || a->tie == 1);
  FUZZ_CHECK(a->proof_bits >= 0);
  FUZZ_CHECK(a->merged_flows < count);
  FUZZ_CHECK(a->dated_flows >= 2 && a->dated_flows <= count - a->merged_flows);
  ml_amount drawn, payable;
  FUZZ_CHECK(flow_sums(flows, count, &drawn, &payable));
  FUZZ_CHECK(a->total_drawdowns == drawn && a->total_payable == payable);
  FUZZ_CHECK(a->total_cost == payable - drawn);
  char buf[ML_APR_FORMAT_SIZE];
  FUZZ_CHECK(ml_apr_format(buf, sizeof buf, a) == ML_OK);
}

static int64_t gcd(int64_t a, int64_t b) {
  while (b != 0) {
    int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/* The time rule: from the earliest date to each flow's, an exact fraction
 * in lowest terms that never decreases with the date. */
static void check_year_fractions(const ml_flow *flows, size_t count,
                                 ml_apr_basis basis) {
  ml_date first = flows[0].date;
  for (size_t i = 1; i < count; i++) {
    if (flows[i].date < first) first = flows[i].date;
  }
  ml_error err;
  for (size_t i = 0; i < count; i++) {
    ml_fraction f;
    FUZZ_CHECK(ml_apr_year_fraction(&f, first, flows[i].date, basis, &err) ==
               ML_OK);
    FUZZ_CHECK(f.num >= 0 && f.den > 0 && gcd(f.num, f.den) == 1);
    if (flows[i].date == first) FUZZ_CHECK(f.num == 0);
    if (flows[i].date > first) {
      ml_fraction back;
      ml_status st = ml_apr_year_fraction(&back, flows[i].date, first, basis,
                                          &err);
      FUZZ_CHECK(st == ML_EINVAL && strcmp(err.field, "date") == 0);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_bytes b = {data, size};
  ml_currency cur = fuzz_currency(&b);
  uint8_t how = fuzz_u8(&b);
  ml_apr_basis basis = (ml_apr_basis)(how % 3);
  int32_t decimals = (int32_t)((how / 3) % 11);
  fuzz_set_stdin(b.p, b.n);

  ml_flow *flows = NULL;
  size_t count = 0;
  cli_error cerr;
  memset(&cerr, 0, sizeof cerr);
  int st = apr_read_flows(&flows, &count, "-", cur, &cerr);
  if (st != 0) {
    FUZZ_CHECK(st == CLI_EXIT_USAGE || st == CLI_EXIT_FAILURE);
    FUZZ_CHECK(flows == NULL && count == 0);
    FUZZ_CHECK(strcmp(cerr.flag, "--flows") == 0 && cerr.message[0] != '\0');
    return 0;
  }
  FUZZ_CHECK((flows == NULL) == (count == 0));
  for (size_t i = 0; i < count; i++) {
    FUZZ_CHECK(flows[i].date >= ML_DATE_MIN && flows[i].date <= ML_DATE_MAX);
  }
  if (count > 0) check_year_fractions(flows, count, basis);
  ml_apr_result a;
  ml_error err;
  ml_status s = ml_apr_of_flows(&a, flows, count, basis, decimals, &err);
  check_result(s, &a, &err, flows, count, decimals);
  s = ml_xirr(&a, flows, count, decimals, &err);
  check_result(s, &a, &err, flows, count, decimals);
  free(flows);
  return 0;
}

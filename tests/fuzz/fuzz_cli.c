/*
 * tests/fuzz/fuzz_cli.c — the `mikrolan` command's dispatch and option
 * parsing with arbitrary arguments.
 *
 * The command's sources are compiled into this target with main renamed
 * to mikrolan_cli_main (tests/fuzz/meson.build), so this is exactly the
 * code of the installed command. Input: one byte for the number of
 * arguments (0..23), then the arguments separated by NUL bytes, then
 * what standard input holds (for "-", e.g. `status --events -`).
 *
 * Checked: no crash, no leak, no undefined behaviour, and the exit status
 * is 0, 1 or 2 (CLI_EXIT_*).
 *
 * Harness rules, so that fuzzing stays fast and harmless: the command
 * runs in a private temporary directory that holds only loans.csv and
 * events.csv below (for `par` and `status`) and is emptied after every
 * input (so `generate --out` and `par --skip-bad` write only there, and
 * no input depends on what an earlier one wrote); inputs with an argument
 * containing '/' are skipped (no absolute or parent paths), and so is
 * `generate` of more than 200 loans. Standard output goes to /dev/null.
 * Because the working directory changes, give libFuzzer absolute paths
 * (corpus, -artifact_prefix, -dict), as ./dev fuzz does.
 */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_stdin.h"

int mikrolan_cli_main(int argc, char **argv);

#define MAX_ARGS 23
#define MAX_GENERATED_LOANS 200

static char sandbox[64];

/* Three loans of `mikrolan generate` and a few events of each kind. */
static const char loans_csv[] =
    "loan_id,principal,rate,term,frequency,method,interest,disbursed_on,"
    "grace_principal,kommun,gender,group\n"
    "L000001,170000,9,36,monthly,annuity,per-period,2023-02-06,,Gnosjö,F,G11\n"
    "L000002,65000,6.5,18,monthly,annuity,per-period,2025-10-30,,Botkyrka,F,"
    "G02\n"
    "L000003,15000,7.5,30,monthly,equal-principal,act365,2023-09-09,2,"
    "Göteborg,M,G17\n";
static const char events_csv[] =
    "loan_id,date,type,amount,ref,id,component,target,rate,term,"
    "grace_principal,installment\n"
    "L000001,2023-02-06,disbursement,170000.00,,1,,,,,,\n"
    "L000001,2023-03-06,repayment,5405.95,,2,,,,,,\n"
    "L000001,2023-04-20,repayment,5405.95,late,3,,,,,,\n"
    "L000001,2023-05-01,fee,250.00,,4,,,,,,\n"
    "L000001,2023-05-02,waiver,250.00,,5,fees,,,,,\n"
    "L000002,2025-10-30,disbursement,65000.00,,1,,,,,,\n"
    "L000002,2025-11-30,repayment,9000.00,,2,,,,,,\n"
    "L000002,2025-12-01,reversal,,,3,,2,,,,\n"
    "L000003,2023-09-09,disbursement,15000.00,,1,,,,,,\n"
    "L000003,2024-01-09,reschedule,,,2,,,5,24,1,\n"
    "L000003,2024-06-01,penalty,100.00,,3,,,,,,\n"
    "L000003,2025-01-01,write-off,,,4,,,,,,\n";

static void write_file(const char *name, const char *text) {
  FILE *f = fopen(name, "wb");
  FUZZ_CHECK(f != NULL);
  FUZZ_CHECK(fputs(text, f) >= 0);
  FUZZ_CHECK(fclose(f) == 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw) {
  (void)st;
  (void)flag;
  if (ftw->level > 0) (void)remove(path);
  return 0;
}

static void clear_sandbox(void) {
  (void)nftw(".", remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_sandbox(void) {
  clear_sandbox();
  if (chdir("/") == 0) (void)rmdir(sandbox);
}

static void enter_sandbox(void) {
  if (sandbox[0] != '\0') return;
  snprintf(sandbox, sizeof sandbox, "/tmp/mikrolan-fuzz-cli-XXXXXX");
  FUZZ_CHECK(mkdtemp(sandbox) != NULL);
  FUZZ_CHECK(chdir(sandbox) == 0);
  FUZZ_CHECK(freopen("/dev/null", "w", stdout) != NULL);
  atexit(remove_sandbox);
}

/* A count as `generate --loans` reads it, or -1 when it is not digits. */
static long digits_value(const char *s) {
  long n = 0;
  if (*s == '\0') return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    if (n > 100000000) return n;
    n = n * 10 + (*s - '0');
  }
  return n;
}

/* Whether the harness runs these arguments (see the rules above). */
static int harmless(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strchr(argv[i], '/') != NULL) return 0;
  }
  if (argc < 2 || strcmp(argv[1], "generate") != 0) return 1;
  for (int i = 2; i < argc; i++) {
    const char *value = NULL;
    if (strcmp(argv[i], "--loans") == 0 && i + 1 < argc) value = argv[i + 1];
    if (strncmp(argv[i], "--loans=", 8) == 0) value = argv[i] + 8;
    if (value != NULL && digits_value(value) > MAX_GENERATED_LOANS) return 0;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  enter_sandbox();
  fuzz_bytes b = {data, size};
  int wanted = fuzz_u8(&b) % (MAX_ARGS + 1);
  /* the arguments' text, each NUL-terminated, then the pointers */
  char *text = malloc(b.n + (size_t)wanted + 1);
  char *argv[MAX_ARGS + 2];
  FUZZ_CHECK(text != NULL);
  static char program[] = "mikrolan";
  argv[0] = program;
  int argc = 1;
  char *w = text;
  while (argc <= wanted) {
    const uint8_t *nul = b.n > 0 ? memchr(b.p, '\0', b.n) : NULL;
    size_t len = nul != NULL ? (size_t)(nul - b.p) : b.n;
    memcpy(w, b.p, len);
    w[len] = '\0';
    argv[argc++] = w;
    w += len + 1;
    b.p += len + (nul != NULL);
    b.n -= len + (nul != NULL);
  }
  argv[argc] = NULL;
  if (harmless(argc, argv)) {
    write_file("loans.csv", loans_csv);
    write_file("events.csv", events_csv);
    fuzz_set_stdin(b.p, b.n);
    int status = mikrolan_cli_main(argc, argv);
    FUZZ_CHECK(status == 0 || status == 1 || status == 2);
    clear_sandbox();
  }
  free(text);
  return 0;
}

/* cli/options.c — option parsing and error reporting for the subcommands. */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

void cli_quote(char buf[CLI_QUOTE_SIZE], const char *text) {
  size_t n = strlen(text);
  if (n <= CLI_QUOTE_SHOWN) {
    snprintf(buf, CLI_QUOTE_SIZE, "\"%s\"", text);
    return;
  }
  /* not inside a UTF-8 character */
  int shown = (int)ml_utf8_cut(text, CLI_QUOTE_SHOWN);
  snprintf(buf, CLI_QUOTE_SIZE, "\"%.*s...\"", shown, text);
}

int cli_fail(cli_error *err, const char *name, const char *fmt, ...) {
  if (name != NULL) {
    snprintf(err->flag, sizeof err->flag, "--%s", name);
  } else {
    err->flag[0] = '\0';
  }
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof err->message) { /* cut: not inside a character */
    err->message[ml_utf8_cut(err->message, sizeof err->message - 1)] = '\0';
  }
  return CLI_EXIT_USAGE;
}

/* ---- collecting the arguments --------------------------------------- */

/* The option whose name is the len bytes at name, or NULL. */
static cli_option *find_option(cli_option *options, size_t count,
                               const char *name, size_t len) {
  for (size_t i = 0; i < count; i++) {
    if (strlen(options[i].name) == len &&
        memcmp(options[i].name, name, len) == 0) {
      return &options[i];
    }
  }
  return NULL;
}

static int is_help(const char *arg) {
  return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Reads the option at argv[*i] (and its value, advancing *i past it). */
static cli_parse_result read_option(cli_option *options, size_t count,
                                    int argc, char **argv, int *i,
                                    cli_error *err) {
  const char *arg = argv[*i];
  const char *name = arg + 2;
  const char *equals = strchr(name, '=');
  size_t len = equals ? (size_t)(equals - name) : strlen(name);
  cli_option *opt = find_option(options, count, name, len);
  /* --help alone was taken before; with a value it is still an option */
  if (opt == NULL && equals != NULL && len == 4 &&
      memcmp(name, "help", 4) == 0) {
    cli_fail(err, "help", "takes no value, but got \"=%s\"", equals + 1);
    return CLI_BAD;
  }
  if (opt == NULL) {
    char shown[CLI_ERROR_FLAG_SIZE];
    snprintf(shown, sizeof shown, "%.*s", (int)len, name);
    cli_fail(err, shown, "unknown option; see --help for the options");
    return CLI_BAD;
  }
  if (opt->value != NULL) {
    cli_fail(err, opt->name, "given more than once; give it once");
    return CLI_BAD;
  }
  if (!opt->takes_value) {
    if (equals != NULL) {
      cli_fail(err, opt->name, "takes no value, but got \"=%s\"", equals + 1);
      return CLI_BAD;
    }
    opt->value = "";
    return CLI_PARSED;
  }
  if (equals != NULL) {
    opt->value = equals + 1;
    return CLI_PARSED;
  }
  if (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0) {
    cli_fail(err, opt->name, "missing value");
    return CLI_BAD;
  }
  *i += 1;
  opt->value = argv[*i];
  return CLI_PARSED;
}

cli_parse_result cli_parse_options(cli_option *options, size_t count,
                                   int argc, char **argv, cli_error *err) {
  for (size_t k = 0; k < count; k++) options[k].value = NULL;
  for (int i = 0; i < argc; i++) {
    if (is_help(argv[i])) return CLI_HELP;
    if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
      char quoted[CLI_QUOTE_SIZE];
      cli_quote(quoted, argv[i]);
      /* the command's first option as the example: one it takes */
      cli_fail(err, NULL,
               "unexpected argument %s: every input is an option, such as "
               "--%s; see --help",
               quoted, count > 0 ? options[0].name : "help");
      return CLI_BAD;
    }
    cli_parse_result r = read_option(options, count, argc, argv, &i, err);
    if (r != CLI_PARSED) return r;
  }
  return CLI_PARSED;
}

/* ---- values ---------------------------------------------------------- */

int cli_parse_count(int32_t *out, const cli_option *opt, cli_error *err) {
  const char *s = opt->value;
  size_t len = 0; /* the digits, in one pass: par reads every loan's term */
  while (s[len] >= '0' && s[len] <= '9') len++;
  char quoted[CLI_QUOTE_SIZE]; /* filled only for a message: par reads every
                              term of every loan with this */
  if (len == 0 || s[len] != '\0' || (len > 1 && s[0] == '0')) {
    cli_quote(quoted, s);
    return cli_fail(err, opt->name,
                    "%s is not a whole number; expected digits only, such "
                    "as 12 (no sign, spaces or leading zeros)",
                    quoted);
  }
  int64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    n = n * 10 + (s[i] - '0');
    if (n > INT32_MAX) {
      cli_quote(quoted, s);
      /* the option's own range, often far smaller, is checked later */
      return cli_fail(err, opt->name,
                      "%s is above %ld, the largest count; see --help for "
                      "the option's range",
                      quoted, (long)INT32_MAX);
    }
  }
  *out = (int32_t)n;
  return 0;
}

int cli_fail_above_limit(cli_error *err, const char *flag, ml_amount value,
                         ml_amount limit, ml_currency cur, const char *hint) {
  char shown[ML_AMOUNT_FORMAT_SIZE], most[ML_AMOUNT_FORMAT_SIZE];
  ML_ASSERT(ml_amount_format(shown, sizeof shown, value, cur) == ML_OK &&
            ml_amount_format(most, sizeof most, limit, cur) == ML_OK);
  return cli_fail(err, flag, "%s %s is above the limit of %s %s%s", shown,
                  cur.code, most, cur.code, hint);
}

int cli_fail_library(cli_error *err, const cli_option *opt,
                     const ml_error *lib) {
  return cli_fail(err, opt->name, "%s", lib->message);
}

int cli_parse_amount(ml_amount *out, const cli_option *opt, ml_currency cur,
                     cli_error *err) {
  ml_error lib;
  if (ml_amount_parse(out, opt->value, cur, NULL, &lib) == ML_OK) return 0;
  /* Text that parses once rounding is allowed only has too many decimals:
   * say so in the command's terms (it has no way to round amounts). */
  const ml_rounding any = ML_ROUND_HALF_EVEN;
  ml_amount rounded;
  if (lib.code == ML_EPARSE &&
      ml_amount_parse(&rounded, opt->value, cur, &any, NULL) == ML_OK) {
    char quoted[CLI_QUOTE_SIZE];
    cli_quote(quoted, opt->value);
    return cli_fail(err, opt->name,
                    "amount %s has too many decimals: %s has %d and amounts "
                    "are never rounded; expected at most %d",
                    quoted, cur.code, cur.exponent, cur.exponent);
  }
  return cli_fail_library(err, opt, &lib);
}

int cli_check_file_name(const cli_option *opt, cli_error *err) {
  if (opt->value[0] != '\0') return 0;
  return cli_fail(err, opt->name, "an empty file name; name a file");
}

int cli_parse_percent(ml_rate *out, const cli_option *opt, cli_error *err) {
  ml_error lib;
  if (ml_rate_parse(out, opt->value, ML_RATE_PERCENT, &lib) != ML_OK) {
    return cli_fail_library(err, opt, &lib);
  }
  return 0;
}

int cli_parse_date(ml_date *out, const cli_option *opt, cli_error *err) {
  ml_error lib;
  if (ml_date_parse(out, opt->value, &lib) != ML_OK) {
    return cli_fail_library(err, opt, &lib);
  }
  return 0;
}

int cli_parse_choice(int *out, const cli_option *opt,
                     const char *const *names, size_t count, cli_error *err) {
  char list[256] = "";
  for (size_t i = 0; i < count; i++) {
    if (strcmp(opt->value, names[i]) == 0) {
      *out = (int)i;
      return 0;
    }
    size_t used = strlen(list);
    snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
             names[i]);
  }
  char quoted[CLI_QUOTE_SIZE];
  cli_quote(quoted, opt->value);
  return cli_fail(err, opt->name, "unknown value %s: expected one of %s",
                  quoted, list);
}

void cli_format_amount(char buf[ML_AMOUNT_FORMAT_SIZE], ml_amount a,
                       ml_currency cur) {
  ML_ASSERT(ml_amount_format(buf, ML_AMOUNT_FORMAT_SIZE, a, cur) == ML_OK);
}

void cli_format_amount_sv(char buf[ML_AMOUNT_FORMAT_SIZE], ml_amount a,
                          ml_currency cur) {
  ML_ASSERT(ml_amount_format_sv(buf, ML_AMOUNT_FORMAT_SIZE, a, cur, 0) ==
            ML_OK);
}

void cli_format_date(char buf[ML_DATE_FORMAT_SIZE], ml_date d) {
  ML_ASSERT(ml_date_format(buf, ML_DATE_FORMAT_SIZE, d) == ML_OK);
}

/* ---- output ---------------------------------------------------------- */

void cli_append_printable(char *line, size_t size, const char *text,
                          size_t length) {
  size_t used = strlen(line);
  const unsigned char *end = (const unsigned char *)text + length;
  for (const unsigned char *p = (const unsigned char *)text;
       p < end && used + 5 < size; p++) {
    if (*p < 0x20 || *p == 0x7f) {
      used += (size_t)snprintf(line + used, size - used, "\\x%02x", *p);
    } else {
      line[used++] = (char)*p;
      line[used] = '\0';
    }
  }
}

static void append_printable(char *line, size_t size, const char *text) {
  cli_append_printable(line, size, text, strlen(text));
}

void cli_report(const char *command, const cli_error *err) {
  char line[2 * CLI_ERROR_MESSAGE_SIZE] = "";
  append_printable(line, sizeof line, command);
  append_printable(line, sizeof line, ": ");
  if (err->flag[0] != '\0') {
    append_printable(line, sizeof line, err->flag);
    append_printable(line, sizeof line, ": ");
  }
  append_printable(line, sizeof line, err->message);
  fprintf(stderr, "%s\n", line);
}

int cli_finish_output(const char *command) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout)) return CLI_EXIT_OK;
  const char *reason = errno != 0 ? strerror(errno) : "write error";
  fprintf(stderr, "%s: cannot write the output: %s\n", command, reason);
  return CLI_EXIT_FAILURE;
}

/*
 * tests/fuzz/fuzz_stdin.h — standard input from the fuzzer's bytes, for
 * the targets that run code of the `mikrolan` command reading "-".
 *
 * The first call points file descriptor 0 at an anonymous temporary file;
 * each call then replaces its contents and rewinds stdin, so that the
 * code under test reads exactly these bytes and then the end of input.
 * (Include after defining _POSIX_C_SOURCE.)
 */
#ifndef MIKROLAN_TESTS_FUZZ_STDIN_H
#define MIKROLAN_TESTS_FUZZ_STDIN_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static inline void fuzz_set_stdin(const uint8_t *data, size_t size) {
  static FILE *backing; /* kept open for the process's life */
  if (backing == NULL) {
    backing = tmpfile();
    FUZZ_CHECK(backing != NULL);
    FUZZ_CHECK(dup2(fileno(backing), 0) == 0);
  }
  FUZZ_CHECK(ftruncate(0, 0) == 0);
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(0, data + done, size - done, (off_t)done);
    FUZZ_CHECK(n > 0);
    done += (size_t)n;
  }
  FUZZ_CHECK(fseek(stdin, 0, SEEK_SET) == 0);
  clearerr(stdin);
}

#endif /* MIKROLAN_TESTS_FUZZ_STDIN_H */

/*
 * tests/fuzz/replay.c — a plain main for a fuzz target: replays the files
 * (or every file of the directories) given as arguments through
 * LLVMFuzzerTestOneInput, so that every build, with any compiler, checks
 * the checked-in corpus without libFuzzer. A broken invariant aborts the
 * program; otherwise it prints how many inputs it replayed and exits 0.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads the whole file; NULL (after a message) when it cannot. */
static uint8_t *read_whole(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return NULL;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf != NULL) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *bigger = realloc(buf, cap * 2);
    if (bigger == NULL) free(buf);
    buf = bigger;
    cap *= 2;
  }
  int failed = ferror(f) || buf == NULL;
  fclose(f);
  if (failed) {
    fprintf(stderr, "%s: cannot read\n", path);
    free(buf);
    return NULL;
  }
  *size = n;
  return buf;
}

static int replay_file(const char *path) {
  size_t size = 0;
  uint8_t *data = read_whole(path, &size);
  if (data == NULL) return 0;
  /* A copy of exactly size bytes, so ASan sees a read past the input. */
  uint8_t *exact = malloc(size > 0 ? size : 1);
  if (exact == NULL) {
    free(data);
    return 0;
  }
  if (size > 0) memcpy(exact, data, size);
  free(data);
  fprintf(stderr, "replaying %s\n", path);
  (void)LLVMFuzzerTestOneInput(exact, size);
  free(exact);
  return 1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files of dir in name order; -1 when it cannot. */
static long replay_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    perror(dir);
    return -1;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  long replayed = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    if (count == cap) {
      cap = cap ? cap * 2 : 64;
      char **bigger = realloc(names, cap * sizeof *names);
      if (bigger == NULL) abort();
      names = bigger;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    names[count] = malloc(len);
    if (names[count] == NULL) abort();
    snprintf(names[count], len, "%s/%s", dir, e->d_name);
    count++;
  }
  closedir(d);
  if (count > 0) qsort(names, count, sizeof *names, by_name);
  for (size_t i = 0; i < count; i++) {
    if (replayed >= 0) replayed = replay_file(names[i]) ? replayed + 1 : -1;
    free(names[i]);
  }
  free(names);
  return replayed;
}

int main(int argc, char **argv) {
  long total = 0;
  for (int i = 1; i < argc; i++) {
    /* absolute: a target may change the working directory (fuzz_cli) */
    char *path = realpath(argv[i], NULL);
    struct stat st;
    if (path == NULL || stat(path, &st) != 0) {
      perror(argv[i]);
      free(path);
      return 1;
    }
    long n = S_ISDIR(st.st_mode) ? replay_dir(path)
                                 : (replay_file(path) ? 1 : -1);
    free(path);
    if (n < 0) return 1;
    total += n;
  }
  if (total == 0) {
    fprintf(stderr, "no inputs replayed; give files or directories\n");
    return 1;
  }
  /* on stderr: a target may have sent stdout to /dev/null */
  fprintf(stderr, "replayed %ld inputs\n", total);
  return 0;
}

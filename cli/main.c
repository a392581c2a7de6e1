/* cli/main.c — the `mikrolan` command. */
#include <stdio.h>
#include <string.h>

#include "mikrolan.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("mikrolan %s\n", ml_version_string());
    return 0;
  }
  printf("mikrolan %s\n", ml_version_string());
  return 0;
}

/* tests/test_money.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mikrolan.h"

static void placeholder(void **state) {
  (void)state;
  assert_true(1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(placeholder),
  };
  return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}

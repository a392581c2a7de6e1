/* lib/money.c */
#include "internal.h"

/* lib/date.c */
#include "internal.h"

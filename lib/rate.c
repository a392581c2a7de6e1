/* lib/rate.c */
#include "internal.h"

/* mikrolan.h — the whole public API of mikrolan. See README.md. */
#ifndef MIKROLAN_H
#define MIKROLAN_H

#include "mikrolan/core.h"
#include "mikrolan/money.h"
#include "mikrolan/rate.h"
#include "mikrolan/date.h"
#include "mikrolan/schedule.h"
#include "mikrolan/loan.h"
#include "mikrolan/portfolio.h"
#include "mikrolan/apr.h"
#include "mikrolan/io.h"

#endif /* MIKROLAN_H */

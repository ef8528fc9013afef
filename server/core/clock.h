/*
 * clock.h - the two clocks of the server (clock.c).
 *
 * now_ms is the server clock every process shares: Unix epoch milliseconds
 * (CLOCK_REALTIME). Deadlines, open times and receive times are in it, so a
 * question closes at the same moment on every process. now_us is monotonic,
 * for measuring durations only.
 */
#ifndef SKILLARENA_CORE_CLOCK_H
#define SKILLARENA_CORE_CLOCK_H

#include <stdint.h>

int64_t now_ms(void);
int64_t now_us(void);

#endif

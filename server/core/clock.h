/*
 * clock.h - the two clocks of the server (clock.c).
 *
 * now_ms is the server clock every process shares: Unix epoch milliseconds
 * (CLOCK_REALTIME). Deadlines, open times and receive times are in it, so a
 * question closes at the same moment on every process. now_us is monotonic,
 * for measuring durations only. wall_ms is now_ms without the tests' shift.
 *
 * Tests only: clock_set_offset moves the server clock by a number of
 * milliseconds (--test-clock-file, read by live/sweep.c), so that tests of
 * deadlines and day boundaries need not wait; production never sets it.
 */
#ifndef SKILLARENA_CORE_CLOCK_H
#define SKILLARENA_CORE_CLOCK_H

#include <stdint.h>

int64_t now_ms(void);
int64_t now_us(void);
/* The machine's clock, never shifted by tests: for times PostgreSQL's now() is compared with. */
int64_t wall_ms(void);
void clock_set_offset(int64_t ms);

#endif

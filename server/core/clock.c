/* clock.c - the server clock (epoch ms, shared by every process) and a monotonic one. */
#include <time.h>

#include "core/clock.h"

/* Tests only (--test-clock-file): added to the server clock. One value per
 * process, like the clock it shifts. */
static int64_t clock_offset_ms;

int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset_ms;
}

int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set_offset(int64_t ms) { clock_offset_ms = ms; }

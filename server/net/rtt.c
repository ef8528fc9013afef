/*
 * rtt.c - round-trip time samples, their median, and the credit an answer
 * gets for the network's delay (rtt.h).
 */
#include "net/rtt.h"

void rtt_add(rtt_window *w, int64_t ms)
{
	if (ms < 0 || ms > RTT_MAX_MS)
		return;
	w->ms[w->next] = (int32_t)ms;
	w->next = (w->next + 1) % RTT_SAMPLES;
	if (w->n < RTT_SAMPLES)
		w->n++;
}

int rtt_estimate(const rtt_window *w)
{
	int32_t v[RTT_SAMPLES] = {0};
	if (w->n <= 0)
		return -1;
	/* insertion sort of at most five */
	for (int i = 0; i < w->n; i++) {
		int32_t x = w->ms[i];
		int k = i;
		for (; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
	return v[(w->n - 1) / 2];
}

int rtt_credit(int rtt_ms, int max_ms)
{
	if (rtt_ms < 0 || max_ms <= 0)
		return 0;
	return rtt_ms / 2 < max_ms ? rtt_ms / 2 : max_ms;
}

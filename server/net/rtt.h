/*
 * rtt.h - a connection's round-trip time, from WebSocket pings the server
 * sends and the pongs that answer them (net/ws.c), and the credit it gives an
 * answer (rtt.c; the rule is docs/scoring.md's "Network delay").
 *
 * The estimate is the median of the last RTT_SAMPLES samples: one sample
 * stuck behind a Wi-Fi retransmission or a phone's power saving does not
 * move it, and it follows a link that really got slower within a few pings.
 */
#ifndef SKILLARENA_NET_RTT_H
#define SKILLARENA_NET_RTT_H

#include <stdint.h>

#define RTT_SAMPLES 5
#define RTT_MAX_MS 60000 /* a sample beyond this is dropped */

typedef struct rtt_window {
	int32_t ms[RTT_SAMPLES];
	int n;    /* samples held, up to RTT_SAMPLES */
	int next; /* where the next one goes */
} rtt_window;

/* One sample in ms; out of 0..RTT_MAX_MS it is dropped. */
void rtt_add(rtt_window *w, int64_t ms);
/* The median of the samples held (the lower middle one of an even count), -1 with none. */
int rtt_estimate(const rtt_window *w);
/* What an answer is credited: half the RTT (rounded down), at most max_ms; 0 when the RTT is unknown (< 0). */
int rtt_credit(int rtt_ms, int max_ms);

#endif

/*
 * hist.h - HDR-style latency histogram for the load generator.
 *
 * Values (microseconds, or any non-negative integer unit) land in
 * log-linear buckets: exact below 128, then 64 sub-buckets per power of two,
 * so every recorded value is kept to within 1/64 (1.6 %) of its true value
 * up to 2^40. Recording is O(1) and allocation-free; two histograms merge
 * by adding counts, so worker processes send theirs to the coordinator.
 *
 * Ownership: a hist is a plain value (no pointers); copy it freely.
 */
#ifndef LOADGEN_HIST_H
#define LOADGEN_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_HALF (1u << (HIST_SUB_BITS - 1))
#define HIST_MAX_SHIFT 34
#define HIST_BUCKETS ((HIST_MAX_SHIFT + 2) * HIST_HALF)

typedef struct hist {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint32_t buckets[HIST_BUCKETS];
} hist;

void hist_init(hist *h);
/* Records one value; values above the top bucket are clamped into it (max keeps the true value). */
void hist_record(hist *h, uint64_t v);
/* Adds every count of src into dst. */
void hist_merge(hist *dst, const hist *src);
/*
 * The value at percentile p (0..100]: the highest value equivalent to the
 * bucket holding the p-th percentile sample, never above max. 0 when empty.
 */
uint64_t hist_percentile(const hist *h, double p);
double hist_mean(const hist *h);
/* Bucket index of v and the lowest/highest value a bucket holds (exposed for tests). */
size_t hist_index(uint64_t v);
uint64_t hist_bucket_low(size_t idx);
uint64_t hist_bucket_high(size_t idx);

#endif

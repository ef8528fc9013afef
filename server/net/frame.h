/*
 * frame.h - ready-to-send messages, shared by reference count (frame.c).
 *
 * Ownership: frame_new and friends return a frame with one reference, the
 * caller's; every queue that keeps it takes its own (frame_ref) and drops it
 * with frame_unref; the last unref frees it.
 */
#ifndef SKILLARENA_NET_FRAME_H
#define SKILLARENA_NET_FRAME_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

/* A ready-to-send text message with LWS_PRE bytes of headroom. */
typedef struct frame {
	int refs;
	int raw; /* buf holds ready WebSocket frames (frame_pack), sent with LWS_WRITE_RAW */
	size_t len;
	unsigned char buf[]; /* LWS_PRE headroom, then len bytes of JSON */
} frame;

frame *frame_new(const char *json, size_t len);
frame *frame_from_json(const cJSON *obj);         /* prints obj unformatted */
frame *frame_pack(frame *const *parts, size_t n); /* several text messages as one raw write */
frame *frame_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline frame *frame_ref(frame *f)
{
	assert(f->refs > 0);
	f->refs++;
	return f;
}
void frame_unref(frame *f);
static inline const char *frame_text(const frame *f) { return (const char *)f->buf + LWS_PRE; }
/* Appends f to o as wire bytes (a header unless f is already raw); returns the
 * bytes written, at most f->len + 10. */
size_t frame_wire(unsigned char *o, const frame *f);
/* Points in thousandths as the shortest decimal JSON number: 1500 -> "1.5". */
void frame_points(char *buf, size_t n, int64_t milli);
/* 1 if every message in f (one, or a raw pack of complete text frames) is
 * valid UTF-8, else 0. */
int frame_check(const frame *f);

/* The test build (make VARIANT=asan, the fuzz targets) asserts on every frame
 * the server sends that it is valid UTF-8 (net/ws.c); the release build does not. */
#ifdef SA_CHECK_FRAMES
#define FRAME_CHECK(f) assert(frame_check(f))
#else
#define FRAME_CHECK(f) ((void)0)
#endif

#endif

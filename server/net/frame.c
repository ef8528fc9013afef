/*
 * frame.c - what the server sends: JSON text printed once into a shared,
 * reference-counted buffer with LWS_PRE bytes of headroom, queued by
 * reference on every recipient (net/ws.c). Several frames can be packed as
 * ready WebSocket frames into one buffer, written with one send.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "net/frame.h"

frame *frame_new(const char *json, size_t len)
{
	frame *f = malloc(sizeof *f + LWS_PRE + len + 1);
	if (!f)
		return NULL;
	f->refs = 1;
	f->raw = 0;
	f->len = len;
	memcpy(f->buf + LWS_PRE, json, len);
	f->buf[LWS_PRE + len] = '\0';
	return f;
}

frame *frame_from_json(const cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);
	if (!s)
		return NULL;
	frame *f = frame_new(s, strlen(s));
	cJSON_free(s);
	return f;
}

frame *frame_printf(const char *fmt, ...)
{
	char small[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof small)
		return frame_new(small, (size_t)n);
	frame *f = malloc(sizeof *f + LWS_PRE + (size_t)n + 1);
	if (!f)
		return NULL;
	f->refs = 1;
	f->raw = 0;
	f->len = (size_t)n;
	va_start(ap, fmt);
	vsnprintf((char *)f->buf + LWS_PRE, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return f;
}

/* Server-to-client WebSocket frame header (FIN, text, unmasked); returns its length. */
static size_t wire_header(unsigned char *o, size_t len)
{
	o[0] = 0x81;
	if (len < 126) {
		o[1] = (unsigned char)len;
		return 2;
	}
	if (len < 65536) {
		o[1] = 126;
		o[2] = (unsigned char)(len >> 8);
		o[3] = (unsigned char)len;
		return 4;
	}
	o[1] = 127;
	for (int k = 0; k < 8; k++)
		o[2 + k] = (unsigned char)((uint64_t)len >> (56 - 8 * k));
	return 10;
}

size_t frame_wire(unsigned char *o, const frame *f)
{
	size_t h = f->raw ? 0 : wire_header(o, f->len);
	memcpy(o + h, f->buf + LWS_PRE, f->len);
	return h + f->len;
}

frame *frame_pack(frame *const *parts, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += parts[i]->len + (parts[i]->raw ? 0 : 10);
	frame *f = malloc(sizeof *f + LWS_PRE + total + 1);
	if (!f)
		return NULL;
	f->refs = 1;
	f->raw = 1;
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += frame_wire(f->buf + LWS_PRE + o, parts[i]);
	f->len = o;
	return f;
}

void frame_unref(frame *f)
{
	if (!f)
		return;
	assert(f->refs > 0);
	if (--f->refs == 0)
		free(f);
}

void frame_points(char *buf, size_t n, int64_t milli)
{
	if (milli % 1000 == 0)
		snprintf(buf, n, "%lld", (long long)(milli / 1000));
	else {
		snprintf(buf, n, "%.3f", (double)milli / 1000.0);
		char *e = buf + strlen(buf);
		while (e[-1] == '0')
			*--e = '\0';
	}
}

/* A raw pack holds complete server frames (FIN set, unmasked); a close frame
 * carries a status and then UTF-8 text, data frames are text. */
int frame_check(const frame *f)
{
	const unsigned char *p = f->buf + LWS_PRE, *end = p + f->len;
	if (!f->raw)
		return utf8_valid((const char *)p, f->len);
	while (p < end) {
		if (end - p < 2 || (p[1] & 0x80))
			return 0;
		size_t h = 2, len = p[1] & 0x7F;
		if (len == 126) {
			if (end - p < 4)
				return 0;
			len = ((size_t)p[2] << 8) | p[3];
			h = 4;
		} else if (len == 127) {
			if (end - p < 10)
				return 0;
			len = 0;
			for (int k = 0; k < 8; k++)
				len = (len << 8) | p[2 + k];
			h = 10;
		}
		if ((size_t)(end - p) - h < len)
			return 0;
		int op = p[0] & 0x0F, skip = op == 0x8 ? 2 : 0;
		if ((op == 0x1 || op == 0x8) && len >= (size_t)skip &&
		    !utf8_valid((const char *)p + h + skip, len - (size_t)skip))
			return 0;
		p += h + len;
	}
	return 1;
}

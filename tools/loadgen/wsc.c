/*
 * wsc.c - minimal WebSocket client on libuv (see wsc.h).
 *
 * Input path: alloc_cb hands out the process-wide 64 KiB buffer unless the
 * connection holds a partial frame, in which case it hands out the
 * connection's own buffer (grown to fit); read_cb parses every whole frame
 * in place and keeps only the tail. Output path: each message is framed and
 * masked into one buffer and sent with uv_try_write; whatever the kernel
 * does not take is queued with uv_write (order is kept because uv_try_write
 * refuses while writes are queued).
 */
#include "wsc.h"

#include <stdlib.h>
#include <string.h>

#define WSC_SHARED_BUF 65536
#define WSC_MAX_MSG (1u << 20)

static char wsc_shared[WSC_SHARED_BUF];
static uint64_t wsc_rng = 0x9e3779b97f4a7c15ull;

/* RFC 6455 section 1.3's sample key and its accept value. */
static const char WSC_KEY[] = "dGhlIHNhbXBsZSBub25jZQ==";
static const char WSC_ACCEPT[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

typedef struct wsc_wreq {
	uv_write_t req;
	uv_buf_t buf;
	char data[];
} wsc_wreq;

static uint32_t wsc_rand32(void)
{
	wsc_rng ^= wsc_rng << 13;
	wsc_rng ^= wsc_rng >> 7;
	wsc_rng ^= wsc_rng << 17;
	return (uint32_t)(wsc_rng >> 16);
}

const char *wsc_reason_name(int reason)
{
	switch (reason) {
	case WSC_CLOSED_BY_US:
		return "closed";
	case WSC_ERR_CONNECT:
		return "connect_failed";
	case WSC_ERR_HANDSHAKE:
		return "handshake_failed";
	case WSC_ERR_PROTOCOL:
		return "ws_protocol";
	case WSC_ERR_EOF:
		return "server_closed";
	case WSC_ERR_IO:
		return "io_error";
	}
	return "unknown";
}

static void wsc_on_uv_close(uv_handle_t *h)
{
	wsc *c = h->data;
	free(c->rbuf);
	free(c->frag);
	c->rbuf = NULL;
	c->frag = NULL;
	c->rlen = c->rcap = c->fraglen = 0;
	c->state = WSC_IDLE;
	if (c->ops && c->ops->on_close)
		c->ops->on_close(c, c->close_reason);
}

static void wsc_fail(wsc *c, int reason)
{
	if (c->state == WSC_CLOSING || c->state == WSC_IDLE)
		return;
	c->close_reason = (int8_t)reason;
	c->state = WSC_CLOSING;
	uv_close((uv_handle_t *)&c->tcp, wsc_on_uv_close);
}

void wsc_close(wsc *c) { wsc_fail(c, WSC_CLOSED_BY_US); }

static void wsc_on_write(uv_write_t *req, int status)
{
	wsc_wreq *w = (wsc_wreq *)req;
	wsc *c = req->handle->data;
	free(w);
	if (status < 0 && status != UV_ECANCELED)
		wsc_fail(c, WSC_ERR_IO);
}

/* Sends raw bytes: try now, queue the rest. */
static int wsc_send_raw(wsc *c, const char *p, size_t n)
{
	uv_buf_t b = uv_buf_init((char *)p, (unsigned)n);
	int r = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
	if (r == (int)n)
		return 0;
	if (r < 0 && r != UV_EAGAIN && r != UV_ENOSYS)
		return r;
	size_t done = r > 0 ? (size_t)r : 0;
	wsc_wreq *w = malloc(sizeof(*w) + n - done);
	if (!w)
		return UV_ENOMEM;
	memcpy(w->data, p + done, n - done);
	w->buf = uv_buf_init(w->data, (unsigned)(n - done));
	return uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, wsc_on_write);
}

static int wsc_send_frame(wsc *c, int opcode, const char *msg, size_t len)
{
	char stackbuf[4096];
	size_t hdr = 2 + 4 + (len < 126 ? 0 : len < 65536 ? 2 : 8);
	char *f = hdr + len <= sizeof(stackbuf) ? stackbuf : malloc(hdr + len);
	if (!f)
		return UV_ENOMEM;
	size_t o = 0;
	f[o++] = (char)(0x80 | opcode);
	if (len < 126) {
		f[o++] = (char)(0x80 | len);
	} else if (len < 65536) {
		f[o++] = (char)(0x80 | 126);
		f[o++] = (char)(len >> 8);
		f[o++] = (char)len;
	} else {
		f[o++] = (char)(0x80 | 127);
		for (int i = 7; i >= 0; i--)
			f[o++] = (char)((uint64_t)len >> (8 * i));
	}
	uint32_t key = wsc_rand32();
	unsigned char m[4];
	memcpy(m, &key, 4);
	memcpy(f + o, m, 4);
	o += 4;
	for (size_t i = 0; i < len; i++)
		f[o + i] = (char)(msg[i] ^ m[i & 3]);
	int r = wsc_send_raw(c, f, o + len);
	if (f != stackbuf)
		free(f);
	return r;
}

int wsc_send_text(wsc *c, const char *msg, size_t len)
{
	if (c->state != WSC_OPEN)
		return UV_ENOTCONN;
	return wsc_send_frame(c, 0x1, msg, len);
}

/* Parses whole frames from p[0..n); returns bytes consumed or -1 on error. */
static long wsc_parse_frames(wsc *c, const char *p, size_t n)
{
	size_t o = 0;
	while (c->state == WSC_OPEN && n - o >= 2) {
		const unsigned char *u = (const unsigned char *)p + o;
		int fin = u[0] & 0x80, op = u[0] & 0x0f;
		if (u[1] & 0x80)
			return -1; /* servers never mask */
		uint64_t len = u[1] & 0x7f;
		size_t h = 2;
		if (len == 126) {
			if (n - o < 4)
				break;
			len = (uint64_t)u[2] << 8 | u[3];
			h = 4;
		} else if (len == 127) {
			if (n - o < 10)
				break;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | u[2 + i];
			h = 10;
		}
		if (len > WSC_MAX_MSG)
			return -1;
		if (n - o < h + len)
			break;
		const char *pl = p + o + h;
		o += h + (size_t)len;
		switch (op) {
		case 0x1:
		case 0x0:
			if (op == 0x1 && c->frag)
				return -1;
			if (op == 0x0 && !c->frag)
				return -1;
			if (fin && !c->frag) {
				c->ops->on_text(c, pl, (size_t)len);
				break;
			}
			if (c->fraglen + len > WSC_MAX_MSG)
				return -1;
			{
				char *nf = realloc(c->frag, c->fraglen + (size_t)len + 1);
				if (!nf)
					return -1;
				c->frag = nf;
				memcpy(c->frag + c->fraglen, pl, (size_t)len);
				c->fraglen += (uint32_t)len;
			}
			if (fin) {
				char *m = c->frag;
				uint32_t ml = c->fraglen;
				c->frag = NULL;
				c->fraglen = 0;
				c->ops->on_text(c, m, ml);
				free(m);
			}
			break;
		case 0x2:
			return -1; /* the protocol sends text only */
		case 0x8:
			wsc_send_frame(c, 0x8, pl, len >= 2 ? 2 : 0);
			wsc_fail(c, WSC_ERR_EOF);
			return (long)o;
		case 0x9:
			wsc_send_frame(c, 0xA, pl, (size_t)len);
			break;
		case 0xA:
			break;
		default:
			return -1;
		}
	}
	return (long)o;
}

/* Checks the 101 response; returns header length, 0 if incomplete, -1 if bad. */
static long wsc_parse_handshake(const char *p, size_t n)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4);
	if (!end)
		return n > 8192 ? -1 : 0;
	size_t hl = (size_t)(end - p) + 4;
	if (hl < 12 || memcmp(p, "HTTP/1.1 101", 12) != 0)
		return -1;
	if (!memmem(p, hl, WSC_ACCEPT, sizeof(WSC_ACCEPT) - 1))
		return -1;
	if (!memmem(p, hl, "skillarena.v1", 13))
		return -1;
	return (long)hl;
}

static void wsc_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	wsc *c = h->data;
	if (c->rlen == 0) {
		*buf = uv_buf_init(wsc_shared, sizeof(wsc_shared));
		return;
	}
	if (c->rcap - c->rlen < 16384) {
		uint32_t ncap = c->rcap * 2 < c->rlen + 65536 ? c->rlen + 65536 : c->rcap * 2;
		char *nb = realloc(c->rbuf, ncap);
		if (!nb) {
			*buf = uv_buf_init(NULL, 0);
			return;
		}
		c->rbuf = nb;
		c->rcap = ncap;
	}
	*buf = uv_buf_init(c->rbuf + c->rlen, c->rcap - c->rlen);
}

/* Consumes p[0..n) (handshake then frames); keeps the tail in c->rbuf. */
static void wsc_consume(wsc *c, const char *p, size_t n, int in_own)
{
	size_t o = 0;
	if (c->state == WSC_HANDSHAKE) {
		long hl = wsc_parse_handshake(p, n);
		if (hl < 0) {
			wsc_fail(c, WSC_ERR_HANDSHAKE);
			return;
		}
		if (hl == 0)
			goto keep;
		o = (size_t)hl;
		c->state = WSC_OPEN;
		c->ops->on_open(c);
		if (c->state != WSC_OPEN)
			return;
	}
	{
		long used = wsc_parse_frames(c, p + o, n - o);
		if (used < 0) {
			wsc_fail(c, WSC_ERR_PROTOCOL);
			return;
		}
		o += (size_t)used;
	}
	if (c->state != WSC_OPEN)
		return;
keep:
	if (o == n) {
		c->rlen = 0;
		if (c->rcap > 65536 * 2) { /* do not keep a big buffer per connection */
			free(c->rbuf);
			c->rbuf = NULL;
			c->rcap = 0;
		}
		return;
	}
	if (in_own) {
		memmove(c->rbuf, p + o, n - o);
		c->rlen = (uint32_t)(n - o);
		return;
	}
	if (c->rcap < n - o + 4096) {
		char *nb = realloc(c->rbuf, n - o + 65536);
		if (!nb) {
			wsc_fail(c, WSC_ERR_IO);
			return;
		}
		c->rbuf = nb;
		c->rcap = (uint32_t)(n - o + 65536);
	}
	memcpy(c->rbuf, p + o, n - o);
	c->rlen = (uint32_t)(n - o);
}

static void wsc_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	wsc *c = s->data;
	if (nread < 0) {
		wsc_fail(c, nread == UV_EOF ? WSC_ERR_EOF : WSC_ERR_IO);
		return;
	}
	if (nread == 0)
		return;
	if (buf->base == wsc_shared) {
		wsc_consume(c, wsc_shared, (size_t)nread, 0);
	} else {
		c->rlen += (uint32_t)nread;
		uint32_t n = c->rlen;
		c->rlen = 0;
		wsc_consume(c, c->rbuf, n, 1);
	}
}

static void wsc_on_connect(uv_connect_t *req, int status)
{
	wsc *c = req->handle->data;
	if (c->state != WSC_CONNECTING)
		return;
	if (status < 0) {
		wsc_fail(c, WSC_ERR_CONNECT);
		return;
	}
	c->state = WSC_HANDSHAKE;
	char req_txt[512];
	int n = snprintf(req_txt, sizeof(req_txt),
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
			 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
			 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: skillarena.v1\r\n\r\n",
			 c->path, c->host, WSC_KEY);
	if (wsc_send_raw(c, req_txt, (size_t)n) < 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, wsc_alloc, wsc_on_read) < 0)
		wsc_fail(c, WSC_ERR_IO);
}

int wsc_connect(wsc *c, uv_loop_t *loop, const struct sockaddr *addr, const char *host, const char *path,
		const wsc_ops *ops, void *user)
{
	c->ops = ops;
	c->user = user;
	c->host = host;
	c->path = path;
	c->rbuf = c->frag = NULL;
	c->rlen = c->rcap = c->fraglen = 0;
	c->close_reason = 0;
	int r = uv_tcp_init(loop, &c->tcp);
	if (r < 0)
		return r;
	c->tcp.data = c;
	c->state = WSC_CONNECTING;
	uv_tcp_nodelay(&c->tcp, 1);
	r = uv_tcp_connect(&c->creq, &c->tcp, addr, wsc_on_connect);
	if (r < 0) {
		c->close_reason = WSC_ERR_CONNECT;
		c->state = WSC_CLOSING;
		uv_close((uv_handle_t *)&c->tcp, wsc_on_uv_close);
	}
	return 0;
}

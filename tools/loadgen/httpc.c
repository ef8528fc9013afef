/*
 * httpc.c - one HTTP/1.1 GET on raw libuv TCP, for the load generator's
 * board reads (GET /api/contests/{code}/board, as the player page makes
 * after each attempt). One connection per request (`Connection: close`),
 * the reply read until its Content-Length (or the end of the connection),
 * the status code and the body handed to the callback. No TLS, no chunked
 * bodies (the server sends Content-Length).
 *
 * Ownership: the request owns itself and frees itself after its callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paced.h"

#define HTTPC_MAX (1u << 22)

typedef struct httpc {
	uv_tcp_t tcp;
	uv_connect_t creq;
	uv_write_t wreq;
	httpc_done done;
	void *ud;
	uint64_t t0;
	char *buf;
	size_t len, cap;
	int finished;
	char req[512];
} httpc;

static void hc_on_close(uv_handle_t *h)
{
	httpc *c = h->data;
	free(c->buf);
	free(c);
}

/* Reports once: the status and body when the reply is whole (or ended), else status < 0. */
static void hc_finish(httpc *c, int eof)
{
	if (c->finished)
		return;
	const char *end = c->buf ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
	int status = -1;
	if (end && sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
		status = -1;
	if (end) {
		const char *body = end + 4,
			   *cl = memmem(c->buf, (size_t)(end - c->buf), "Content-Length:", 15);
		size_t have = c->len - (size_t)(body - c->buf);
		if (!cl)
			cl = memmem(c->buf, (size_t)(end - c->buf), "content-length:", 15);
		long want = cl ? strtol(cl + 15, NULL, 10) : -1;
		if (want >= 0 && have < (size_t)want && !eof)
			return; /* more to come */
		if (!eof && want < 0)
			return; /* read until the server closes */
		c->finished = 1;
		c->done(c->ud, status, body, want >= 0 && (size_t)want < have ? (size_t)want : have,
			lg_now_ns() - c->t0);
	} else if (eof) {
		c->finished = 1;
		c->done(c->ud, -1, NULL, 0, lg_now_ns() - c->t0);
	} else {
		return;
	}
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, hc_on_close);
}

static void hc_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
	httpc *c = h->data;
	if (c->cap - c->len < 16384 && c->cap < HTTPC_MAX) {
		size_t nc = c->cap ? c->cap * 2 : 32768;
		char *nb = realloc(c->buf, nc);
		if (nb) {
			c->buf = nb;
			c->cap = nc;
		}
	}
	*b = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

static void hc_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	httpc *c = s->data;
	if (n > 0) {
		c->len += (size_t)n;
		hc_finish(c, c->len >= c->cap);
	} else if (n < 0) {
		hc_finish(c, 1);
	}
}

static void hc_on_write(uv_write_t *w, int status)
{
	httpc *c = w->data;
	if (status < 0)
		hc_finish(c, 1);
}

static void hc_on_connect(uv_connect_t *r, int status)
{
	httpc *c = r->data;
	if (status < 0) {
		hc_finish(c, 1);
		return;
	}
	uv_buf_t b = uv_buf_init(c->req, (unsigned)strlen(c->req));
	c->wreq.data = c;
	if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, hc_on_write) < 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, hc_alloc, hc_on_read) < 0)
		hc_finish(c, 1);
}

int httpc_get(uv_loop_t *loop, const struct sockaddr *addr, const char *host, const char *path,
	      httpc_done done, void *ud)
{
	httpc *c = calloc(1, sizeof *c);
	if (!c)
		return UV_ENOMEM;
	c->done = done;
	c->ud = ud;
	c->t0 = lg_now_ns();
	snprintf(c->req, sizeof c->req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path,
		 host);
	int rc = uv_tcp_init(loop, &c->tcp);
	if (rc < 0) {
		free(c);
		return rc;
	}
	c->tcp.data = c;
	c->creq.data = c;
	if ((rc = uv_tcp_connect(&c->creq, &c->tcp, addr, hc_on_connect)) < 0) {
		c->finished = 1;
		uv_close((uv_handle_t *)&c->tcp, hc_on_close);
	}
	return rc;
}

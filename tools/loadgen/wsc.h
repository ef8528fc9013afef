/*
 * wsc.h - a minimal WebSocket client on raw libuv TCP (RFC 6455, client side).
 *
 * Why not the libwebsockets client: one load-generator process holds up to
 * ~10,000 connections, and this client costs one uv_tcp_t plus a few dozen
 * bytes per connection; reads go through one shared 64 KiB buffer per
 * process and only a partial frame is copied into the connection.
 *
 * It speaks what docs/protocol.md needs: the opening handshake (checked
 * against the RFC's fixed key/accept pair and the skillarena.v1 subprotocol),
 * masked text frames out, text/continuation/ping/close frames in (pings are
 * answered). No extensions, no TLS.
 *
 * Ownership: the caller owns the wsc (embedded in its own struct) and must
 * not free it before on_close has run. Single-threaded, one uv loop.
 */
#ifndef LOADGEN_WSC_H
#define LOADGEN_WSC_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct wsc wsc;

typedef struct wsc_ops {
	void (*on_open)(wsc *c);                              /* handshake done */
	void (*on_text)(wsc *c, const char *msg, size_t len); /* one whole text message */
	void (*on_close)(wsc *c, int reason);                 /* WSC_* below; the wsc may be reused */
} wsc_ops;

enum {
	WSC_CLOSED_BY_US = 0,
	WSC_ERR_CONNECT = -1,   /* TCP connect failed */
	WSC_ERR_HANDSHAKE = -2, /* not a 101 with the right accept/subprotocol */
	WSC_ERR_PROTOCOL = -3,  /* bad frame from the server */
	WSC_ERR_EOF = -4,       /* the server closed (TCP EOF or close frame) */
	WSC_ERR_IO = -5,        /* read/write error */
};

enum { WSC_IDLE, WSC_CONNECTING, WSC_HANDSHAKE, WSC_OPEN, WSC_CLOSING };

struct wsc {
	uv_tcp_t tcp;
	uv_connect_t creq;
	const wsc_ops *ops;
	void *user;
	const char *host; /* Host header value, "127.0.0.1:8080"; not owned */
	const char *path; /* "/ws"; not owned */
	char *rbuf;       /* partial input kept between reads; owned */
	uint32_t rlen, rcap;
	char *frag; /* fragmented message being assembled; owned */
	uint32_t fraglen;
	uint8_t state;
	int8_t close_reason;
	uint8_t bad; /* set when close was caused by an error */
};

/* Starts connecting; returns 0 or a negative uv error. */
int wsc_connect(wsc *c, uv_loop_t *loop, const struct sockaddr *addr, const char *host, const char *path,
		const wsc_ops *ops, void *user);
/* Sends one text message (masked); returns 0 or a negative uv error. */
int wsc_send_text(wsc *c, const char *msg, size_t len);
/* Closes the connection; on_close(c, WSC_CLOSED_BY_US) follows. */
void wsc_close(wsc *c);
/* Human name of a WSC_* reason. */
const char *wsc_reason_name(int reason);

#endif

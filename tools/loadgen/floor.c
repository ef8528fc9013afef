/*
 * floor.c - the physical floor of a push: what any server on this machine
 * pays to put one message in front of N WebSocket clients over loopback.
 *
 *   loadgen-floor --port N [--questions K] [--time-limit-ms MS]
 *
 * No library: nonblocking sockets on one level-triggered epoll loop, the
 * few messages of miniproto.c (shared with loadgen-echo), and a push is one
 * send() per connection of the buffer SkillArena writes to each recipient
 * (state + question frames, built once per push). What the kernel does not
 * take at once waits in the connection's output buffer until EPOLLOUT, so
 * order holds; nothing else is queued or copied. Run one process per port,
 * like loadgen-echo, with the load generator's --host-all.
 *
 * The WebSocket handshake is only what the load generator's client
 * (wsc.c) needs: it always sends RFC 6455's sample key, whose accept value
 * is in the RFC (section 1.3), so no SHA-1 is computed here; a request with
 * another key gets 400. Client frames: masked text messages (handled),
 * ping (pong), close (closed); the load generator sends nothing else, and
 * anything else closes the connection.
 *
 * Ownership: each fconn is calloc'ed at accept, kept on the list of all
 * connections, and freed by fl_reap() after the event batch that killed it,
 * so no callback sees freed memory; in/out buffers belong to their fconn.
 * SIGINT/SIGTERM print the counters, close every connection and exit.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "miniproto.h"

#define FL_READ_BUF 65536
#define FL_MAX_HANDSHAKE 8192
#define FL_MAX_MSG 65536 /* the load generator's messages are ~100 bytes */
#define FL_EVENTS 256

static const char FL_KEY[] = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
static const char FL_101[] =
	"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
	"Sec-WebSocket-Protocol: skillarena.v1\r\n\r\n";
static const char FL_400[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

typedef struct fconn {
	mp_conn mp; /* first: miniproto's callbacks hand it back */
	int fd;
	bool open, linked, dead;
	struct fconn *next, *prev;         /* push targets */
	struct fconn *next_all, *prev_all; /* every connection */
	struct fconn *next_dead;
	char *in; /* a partial request or frame kept between reads */
	size_t inlen, incap;
	unsigned char *out; /* bytes the kernel did not take yet: [outoff, outlen) */
	size_t outoff, outlen, outcap;
} fconn;

static struct {
	int port, ep, lfd;
	bool accepting;
	volatile sig_atomic_t stop;
	fconn *targets, *all, *dead;
	unsigned long messages, sends, deferred, pushes;
	char rbuf[FL_READ_BUF];
} F;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Marks c for closing after the current event batch (fl_reap). */
static void fl_kill(fconn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	c->next_dead = F.dead;
	F.dead = c;
}

static void fl_watch(fconn *c, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
	if (epoll_ctl(F.ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		fl_kill(c);
}

static void fl_listen_on(bool on)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (on != F.accepting && epoll_ctl(F.ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, F.lfd, &ev) == 0)
		F.accepting = on;
}

static void fl_reap(void)
{
	while (F.dead) {
		fconn *c = F.dead;
		F.dead = c->next_dead;
		if (c->prev_all)
			c->prev_all->next_all = c->next_all;
		else
			F.all = c->next_all;
		if (c->next_all)
			c->next_all->prev_all = c->prev_all;
		if (c->linked) {
			if (c->prev)
				c->prev->next = c->next;
			else
				F.targets = c->next;
			if (c->next)
				c->next->prev = c->prev;
		}
		close(c->fd); /* also leaves the epoll set */
		free(c->in);
		free(c->out);
		free(c);
		fl_listen_on(true); /* a file is free again */
	}
}

/* Keeps len bytes for EPOLLOUT, after whatever already waits. */
static void fl_defer(fconn *c, const void *data, size_t len)
{
	if (c->outoff && c->outcap - c->outlen < len) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outcap - c->outlen < len) {
		size_t cap = c->outlen + len + 4096;
		unsigned char *o = realloc(c->out, cap);
		if (!o) {
			fl_kill(c);
			return;
		}
		c->out = o;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, data, len);
	c->outlen += len;
	F.deferred++;
}

/* One send() of data, or behind what already waits; the rest waits for EPOLLOUT. */
static void fl_write(fconn *c, const void *data, size_t len)
{
	if (c->dead)
		return;
	if (c->outlen > c->outoff) {
		fl_defer(c, data, len);
		return;
	}
	ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	F.sends++;
	if (n == (ssize_t)len)
		return;
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		fl_kill(c);
		return;
	}
	size_t done = n > 0 ? (size_t)n : 0;
	c->outoff = c->outlen = 0;
	fl_defer(c, (const char *)data + done, len - done);
	fl_watch(c, true);
}

static void fl_flush(fconn *c)
{
	size_t left = c->outlen - c->outoff;
	ssize_t n = left ? send(c->fd, c->out + c->outoff, left, MSG_NOSIGNAL | MSG_DONTWAIT) : 0;
	F.sends += left > 0;
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fl_kill(c);
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff < c->outlen)
		return;
	c->outoff = c->outlen = 0;
	if (c->outcap > 65536) { /* do not keep a big buffer per connection */
		free(c->out);
		c->out = NULL;
		c->outcap = 0;
	}
	fl_watch(c, false);
}

/* miniproto: one text frame to c, in one send. */
static void fl_reply(mp_conn *mc, const char *text, size_t len)
{
	unsigned char f[4 + 2048];
	size_t h = 2;
	if (len > sizeof(f) - 4)
		return; /* miniproto's replies are under 1 KiB */
	f[0] = 0x81;
	if (len < 126) {
		f[1] = (unsigned char)len;
	} else {
		f[1] = 126;
		f[2] = (unsigned char)(len >> 8);
		f[3] = (unsigned char)len;
		h = 4;
	}
	memcpy(f + h, text, len);
	F.messages++;
	fl_write((fconn *)mc, f, h + len);
}

/* miniproto: c receives pushes from now on. */
static void fl_target(mp_conn *mc)
{
	fconn *c = (fconn *)mc;
	if (c->linked)
		return;
	c->prev = NULL;
	c->next = F.targets;
	if (F.targets)
		F.targets->prev = c;
	F.targets = c;
	c->linked = true;
}

/* miniproto: the push, one send() per target of the same buffer. */
static void fl_push(const unsigned char *wire, size_t len)
{
	uint64_t t0 = now_ns();
	unsigned long d0 = F.deferred;
	int n = 0;
	for (fconn *c = F.targets; c; c = c->next, n++)
		fl_write(c, wire, len);
	F.messages += (unsigned long)n;
	fprintf(stderr,
		"loadgen-floor: port %d: push %lu (%zu bytes) written to %d connections in %.2f ms (%lu waited for EPOLLOUT)\n",
		F.port, ++F.pushes, len, n, (double)(now_ns() - t0) / 1e6, F.deferred - d0);
}

static const mp_ops floor_ops = {fl_reply, fl_target, fl_push};

/* The upgrade request: returns its length, 0 while incomplete, -1 when refused. */
static long fl_handshake(fconn *c, const char *p, size_t n)
{
	const char *end = memmem(p, n, "\r\n\r\n", 4);
	if (!end)
		return n > FL_MAX_HANDSHAKE ? -1 : 0;
	size_t hl = (size_t)(end - p) + 4;
	if (hl < 4 || memcmp(p, "GET ", 4) != 0 || !memmem(p, hl, FL_KEY, sizeof(FL_KEY) - 1)) {
		fl_write(c, FL_400, sizeof(FL_400) - 1);
		return -1;
	}
	fl_write(c, FL_101, sizeof(FL_101) - 1);
	c->open = true;
	return (long)hl;
}

/* Whole client frames from p[0..n) (unmasked in place); returns bytes used or -1. */
static long fl_frames(fconn *c, char *p, size_t n)
{
	size_t o = 0;
	while (n - o >= 2 && !c->dead) {
		unsigned char *u = (unsigned char *)p + o;
		int fin = u[0] & 0x80, op = u[0] & 0x0f;
		uint64_t len = u[1] & 0x7f;
		size_t h = 2;
		if (!(u[1] & 0x80))
			return -1; /* clients always mask */
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
		if (len > FL_MAX_MSG)
			return -1;
		if (n - o < h + 4 + len)
			break;
		const unsigned char *mask = u + h;
		char *pl = p + o + h + 4;
		for (size_t i = 0; i < len; i++)
			pl[i] ^= (char)mask[i & 3];
		o += h + 4 + (size_t)len;
		if (op == 0x1 && fin) {
			mp_message(&c->mp, pl, (size_t)len);
		} else if (op == 0x9 && len <= 125) {
			unsigned char pong[2 + 125] = {0x8A, (unsigned char)len};
			memcpy(pong + 2, pl, (size_t)len);
			fl_write(c, pong, 2 + (size_t)len);
		} else if (op == 0x8) {
			fl_write(c, "\x88\x00", 2);
			fl_kill(c);
		} else if (op != 0xA) {
			return -1; /* fragments, binary: the load generator never sends them */
		}
	}
	return (long)o;
}

/* Consumes p[0..n) (request, then frames) and keeps the tail in c->in. */
static void fl_consume(fconn *c, char *p, size_t n, bool own)
{
	size_t o = 0;
	if (!c->open) {
		long hl = fl_handshake(c, p, n);
		if (hl < 0) {
			fl_kill(c);
			return;
		}
		o = (size_t)hl;
	}
	if (c->open) {
		long used = fl_frames(c, p + o, n - o);
		if (used < 0) {
			fl_kill(c);
			return;
		}
		o += (size_t)used;
	}
	size_t tail = n - o;
	if (tail && !own && c->incap < tail) {
		char *b = realloc(c->in, tail + 4096);
		if (!b) {
			fl_kill(c);
			return;
		}
		c->in = b;
		c->incap = tail + 4096;
	}
	if (tail)
		memmove(c->in, p + o, tail);
	c->inlen = tail;
}

static void fl_read(fconn *c)
{
	ssize_t n = recv(c->fd, F.rbuf, sizeof(F.rbuf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		fl_kill(c);
		return;
	}
	if (!c->inlen) {
		fl_consume(c, F.rbuf, (size_t)n, false);
		return;
	}
	if (c->incap - c->inlen < (size_t)n) { /* a tail waits: append, parse from our buffer */
		char *b = realloc(c->in, c->inlen + (size_t)n + 4096);
		if (!b) {
			fl_kill(c);
			return;
		}
		c->in = b;
		c->incap = c->inlen + (size_t)n + 4096;
	}
	memcpy(c->in + c->inlen, F.rbuf, (size_t)n);
	fl_consume(c, c->in, c->inlen + (size_t)n, true);
}

static void fl_accept(void)
{
	for (;;) {
		int fd = accept4(F.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			if (e == EINTR || e == ECONNABORTED)
				continue;
			if (e == EMFILE || e == ENFILE) {
				fprintf(stderr,
					"loadgen-floor: port %d: accept: %s (paused until one closes)\n",
					F.port, strerror(e));
				fl_listen_on(false);
			}
			return;
		}
		fconn *c = calloc(1, sizeof(*c));
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		int one = 1;
		if (!c || epoll_ctl(F.ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			free(c);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->next_all = F.all;
		if (F.all)
			F.all->prev_all = c;
		F.all = c;
	}
}

static void on_signal(int sig) { F.stop = 1; }

static int fl_open_listener(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)F.port)};
	int one = 1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	F.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (F.lfd < 0 || setsockopt(F.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(F.lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(F.lfd, 4096) < 0)
		return -1;
	F.ep = epoll_create1(EPOLL_CLOEXEC);
	if (F.ep < 0)
		return -1;
	fl_listen_on(true);
	return F.accepting ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen-floor --port N [--questions K] [--time-limit-ms MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int questions = 20, time_limit_ms = 20000;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 == argc)
			usage();
		if (strcmp(argv[i], "--port") == 0)
			F.port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--questions") == 0)
			questions = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--time-limit-ms") == 0)
			time_limit_ms = atoi(argv[i + 1]);
		else
			usage();
	}
	if (F.port <= 0 || F.port > 65535 || mp_init(&floor_ops, questions, time_limit_ms) < 0)
		usage();
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: epoll_wait returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (fl_open_listener() < 0) {
		fprintf(stderr, "loadgen-floor: cannot listen on 127.0.0.1:%d: %s\n", F.port,
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "loadgen-floor: listening on port %d\n", F.port);
	struct epoll_event ev[FL_EVENTS];
	while (!F.stop) {
		int n = epoll_wait(F.ep, ev, FL_EVENTS, -1);
		for (int i = 0; i < n; i++) {
			fconn *c = ev[i].data.ptr;
			if (!c) {
				fl_accept();
				continue;
			}
			if (!c->dead && (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				fl_read(c);
			if (!c->dead && (ev[i].events & EPOLLOUT))
				fl_flush(c);
		}
		fl_reap();
	}
	fprintf(stderr, "loadgen-floor: port %d: %lu messages in %lu writes\n", F.port, F.messages, F.sends);
	for (fconn *c = F.all; c; c = c->next_all)
		fl_kill(c);
	fl_reap();
	close(F.ep);
	close(F.lfd);
	return 0;
}

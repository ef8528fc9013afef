/*
 * listen.c - the listening socket, owned here rather than by libwebsockets,
 * so that several server processes can share one port (SO_REUSEPORT, the
 * kernel spreads new connections over them: one process per core). lws 4.1
 * does not set SO_REUSEPORT itself, so we accept on our own socket, watched
 * by the same libuv loop, and hand each connection to lws, which then serves
 * it as if it had accepted it (HTTP, upgraded to WebSocket on /ws).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "net/listen.h"

typedef struct listener {
	arena *a;
	int fd;
	uv_poll_t poll;
	uv_timer_t pause; /* out of file descriptors: wait before accepting again */
	struct lws_vhost *vh;
} listener;

static void on_accept(uv_poll_t *h, int status, int events);

/*
 * A fixed kernel send buffer per connection (the kernel doubles it), instead
 * of autotuning up to net.ipv4.tcp_wmem's maximum (4 MiB here). Pushes are
 * small, so this costs no speed; it bounds what a client that stops reading
 * can pin in the kernel, and makes such a client fill the socket, then its
 * bounded queue in ws.c, and get closed, at a size that does not depend on
 * the machine's TCP tuning.
 */
#define SOCKET_SNDBUF (128 * 1024)

static void resume_accept(uv_timer_t *t)
{
	listener *l = t->data;
	uv_poll_start(&l->poll, UV_READABLE, on_accept);
}

static void on_accept(uv_poll_t *h, int status, int events)
{
	listener *l = h->data;
	(void)events;
	if (status < 0)
		return;
	for (int i = 0; i < 256; i++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				sa_log(LL_WARN, "accept: %s (%lld connections); pausing accepts for 100 ms",
				       strerror(errno), (long long)l->a->nconns);
				uv_poll_stop(&l->poll);
				uv_timer_start(&l->pause, resume_accept, 100, 0);
			}
			return; /* EAGAIN: all taken */
		}
		int one = 1, sndbuf = SOCKET_SNDBUF;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
		if (!lws_adopt_socket_vhost(l->vh, fd))
			close(fd);
	}
}

/*
 * Why the port cannot be had, on stderr (a person starting the server reads
 * it there, whatever the log level) and in the log; err is errno.
 */
static void listen_failed(const arena *a, const char *addr, int err)
{
	const char *hint = err == EADDRINUSE && !a->cfg.listen_share
				   ? " (another process? --listen-share shares the port)"
				   : "";
	fprintf(stderr, "skillarena: cannot listen on %s:%d: %s%s\n", addr, a->cfg.port, strerror(err), hint);
	sa_log(LL_ERROR, "cannot listen on %s:%d: %s%s", addr, a->cfg.port, strerror(err), hint);
}

int listen_open(arena *a)
{
	listener *l = calloc(1, sizeof *l);
	struct sockaddr_in sin;
	const char *addr = a->cfg.bind && *a->cfg.bind ? a->cfg.bind : "0.0.0.0";
	int one = 1;
	if (!l)
		return SA_E_INTERNAL;
	l->a = a;
	l->vh = lws_get_vhost_by_name(a->lws, "default");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)a->cfg.port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "skillarena: cannot listen on %s:%d: not an IPv4 address\n", addr,
			a->cfg.port);
		sa_log(LL_ERROR, "cannot listen on %s:%d: not an IPv4 address", addr, a->cfg.port);
		free(l);
		return SA_E_INTERNAL;
	}
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || !l->vh || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    (a->cfg.listen_share && setsockopt(l->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one)) ||
	    bind(l->fd, (struct sockaddr *)&sin, sizeof sin) || listen(l->fd, 4096)) {
		listen_failed(a, addr, l->vh ? errno : ENODEV);
		if (l->fd >= 0)
			close(l->fd);
		free(l);
		return SA_E_INTERNAL;
	}
	int e = uv_poll_init(a->loop, &l->poll, l->fd);
	if (e) {
		listen_failed(a, addr, -e); /* libuv's codes are negative errno values */
		close(l->fd);
		free(l);
		return SA_E_INTERNAL;
	}
	uv_timer_init(a->loop, &l->pause);
	l->poll.data = l->pause.data = l;
	uv_poll_start(&l->poll, UV_READABLE, on_accept);
	a->listener = l;
	return 0;
}

static void listener_closed(uv_handle_t *h)
{
	listener *l = h->data;
	close(l->fd);
	free(l);
}

static void ignore_closed(uv_handle_t *h) { (void)h; }

void listen_close(arena *a)
{
	listener *l = a->listener;
	if (!l)
		return;
	uv_poll_stop(&l->poll);
	uv_timer_stop(&l->pause);
	uv_close((uv_handle_t *)&l->pause, ignore_closed);
	uv_close((uv_handle_t *)&l->poll, listener_closed);
	a->listener = NULL;
}

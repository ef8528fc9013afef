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

int listen_open(arena *a)
{
	listener *l = calloc(1, sizeof *l);
	struct sockaddr_in sin;
	int one = 1;
	if (!l)
		return SA_E_INTERNAL;
	l->a = a;
	l->vh = lws_get_vhost_by_name(a->lws, "default");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)a->cfg.port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (a->cfg.bind && *a->cfg.bind && inet_pton(AF_INET, a->cfg.bind, &sin.sin_addr) != 1) {
		sa_log(LL_ERROR, "bind: '%s' is not an IPv4 address", a->cfg.bind);
		free(l);
		return SA_E_INTERNAL;
	}
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || !l->vh || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    (a->cfg.listen_share && setsockopt(l->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one)) ||
	    bind(l->fd, (struct sockaddr *)&sin, sizeof sin) || listen(l->fd, 4096)) {
		sa_log(LL_ERROR, "cannot listen on %s:%d: %s%s",
		       a->cfg.bind && *a->cfg.bind ? a->cfg.bind : "*", a->cfg.port, strerror(errno),
		       errno == EADDRINUSE && !a->cfg.listen_share
			       ? " (another process? --listen-share shares the port)"
			       : "");
		if (l->fd >= 0)
			close(l->fd);
		free(l);
		return SA_E_INTERNAL;
	}
	uv_poll_init(a->loop, &l->poll, l->fd);
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

/*
 * redis_uv.c - hiredis async contexts on the libuv loop.
 *
 * hiredis ships a libuv adapter (adapters/libuv.h); this one replaces it for
 * two reasons found under load:
 *
 *  - The shipped adapter calls uv_poll_start() for every queued command
 *    (hiredis asks for a write event each time), and libuv 1.44 stops the
 *    handle first, which takes the fd out of epoll at once (EPOLL_CTL_DEL)
 *    for the next iteration to add it back: two system calls per Redis
 *    command, six per acknowledged answer. Here the poll handle changes only
 *    when what we wait for changes, and a connected context does not wait
 *    to write at all: commands queued during one loop iteration are written
 *    together by an idle handle at the start of the next (one write for
 *    all), and POLLOUT is armed only when the socket did not take them all.
 *  - The shipped adapter drops poll errors, so a refused connect never
 *    reported back. Here an error goes to hiredis, which reports it through
 *    the connect or disconnect callback.
 */
#include <stdlib.h>

#include <hiredis/hiredis.h>

#include "store/redis_uv.h"

typedef struct redis_uv {
	redisAsyncContext *ac; /* NULL once hiredis has let go of it */
	uv_poll_t poll;
	uv_idle_t flush;
	int watching; /* the poll handle's UV_READABLE | UV_WRITABLE */
	int reading;  /* hiredis wants read events (always, once connected) */
	int writing;  /* hiredis has output waiting */
	int pollout;  /* ... and waits for the socket: connecting, or a partial write */
	int handles;  /* open uv handles; freed when both closed */
} redis_uv;

static void on_poll(uv_poll_t *h, int status, int events);

static void update(redis_uv *p)
{
	int want = (p->reading ? UV_READABLE : 0) | (p->pollout ? UV_WRITABLE : 0);
	if (want == p->watching)
		return;
	p->watching = want;
	if (want)
		uv_poll_start(&p->poll, want, on_poll);
	else
		uv_poll_stop(&p->poll);
}

static int connected(const redis_uv *p) { return p->ac && (p->ac->c.flags & REDIS_CONNECTED); }

static void on_flush(uv_idle_t *h)
{
	redis_uv *p = h->data;
	uv_idle_stop(h);
	if (!p->ac || !p->writing)
		return;
	redisAsyncHandleWrite(p->ac);
	if (p->ac && p->writing) { /* the socket is full: wait until it drains */
		uv_idle_stop(h);
		p->pollout = 1;
		update(p);
	}
}

void redis_uv_flush(redisAsyncContext *ac)
{
	redis_uv *p = ac->ev.data;
	if (p && p->writing && !p->pollout && connected(p))
		on_flush(&p->flush);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	redis_uv *p = h->data;
	if (status < 0) {
		/* libuv stopped the handle; hiredis finds the socket error and reports it */
		p->watching = 0;
		if (p->ac && !connected(p))
			redisAsyncHandleWrite(p->ac);
		else if (p->ac)
			redisAsyncHandleRead(p->ac);
		if (p->ac)
			update(p);
		return;
	}
	if (p->ac && (events & UV_READABLE))
		redisAsyncHandleRead(p->ac);
	if (p->ac && (events & UV_WRITABLE))
		redisAsyncHandleWrite(p->ac);
}

static void add_read(void *privdata)
{
	redis_uv *p = privdata;
	p->reading = 1;
	update(p);
}

static void del_read(void *privdata)
{
	redis_uv *p = privdata;
	p->reading = 0;
	update(p);
}

static void add_write(void *privdata)
{
	redis_uv *p = privdata;
	p->writing = 1;
	if (!connected(p))
		p->pollout = 1; /* connect(2) in progress: writable means connected */
	else if (!p->pollout)
		uv_idle_start(&p->flush, on_flush);
	update(p);
}

static void del_write(void *privdata)
{
	redis_uv *p = privdata;
	p->writing = 0;
	p->pollout = 0;
	uv_idle_stop(&p->flush);
	update(p);
}

static void handle_closed(uv_handle_t *h)
{
	redis_uv *p = h->data;
	if (--p->handles == 0)
		free(p);
}

static void cleanup(void *privdata)
{
	redis_uv *p = privdata;
	p->ac = NULL;
	uv_idle_stop(&p->flush);
	uv_close((uv_handle_t *)&p->poll, handle_closed);
	uv_close((uv_handle_t *)&p->flush, handle_closed);
}

int redis_uv_attach(redisAsyncContext *ac, uv_loop_t *loop)
{
	if (ac->ev.data)
		return REDIS_ERR;
	redis_uv *p = calloc(1, sizeof *p);
	if (!p)
		return REDIS_ERR;
	if (uv_poll_init(loop, &p->poll, ac->c.fd)) {
		free(p);
		return REDIS_ERR;
	}
	uv_idle_init(loop, &p->flush);
	p->poll.data = p->flush.data = p;
	p->handles = 2;
	p->ac = ac;
	ac->ev.data = p;
	ac->ev.addRead = add_read;
	ac->ev.delRead = del_read;
	ac->ev.addWrite = add_write;
	ac->ev.delWrite = del_write;
	ac->ev.cleanup = cleanup;
	return REDIS_OK;
}

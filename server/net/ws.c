/*
 * ws.c - WebSocket connections (protocol "skillarena.v1").
 *
 * Receive: fragments are assembled up to MSG_MAX bytes; a larger message is
 * discarded whole and answered with `too_large`, a binary one with
 * `not_text`; a complete message goes to msg.c with its server receive time.
 *
 * Send: every connection has a bounded ring of shared, reference-counted
 * frames, plus newest-only slots for leaderboard and stats pushes (a client
 * that lags gets the latest leaderboard, not every one). A frame for a
 * connection with nothing waiting is written at once (conn_send); otherwise
 * it waits in the ring, and LWS_CALLBACK_SERVER_WRITEABLE sends everything
 * waiting in one write. A client whose ring is full is a
 * slow consumer: it is closed (1008) and may resume. A client that sends
 * requests faster than it reads the replies is not closed but throttled:
 * while its ring is three-quarters full the server stops reading from it
 * (lws_rx_flow_control), so TCP pushes back on the client.
 *
 * Order: a push still being fanned out to the connection's contest a chunk
 * at a time (conn_fan, paced by live/fanout.c) goes out before anything else
 * sent to a member it has not reached. A closed socket leaves its contest
 * through msg_closed: this file calls nothing above net/ but msg.c.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "net/frame.h"
#include "net/msg.h"
#include "net/ws.h"

/* ------------------------------------------------------------ connections */

conn *conn_new(arena *a, struct lws *wsi)
{
	conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->a = a;
	c->wsi = wsi;
	c->id = ++a->next_conn_id;
	c->refs = 1;
	c->memo.qindex = -1;
	a->nconns++;
	return c;
}

void conn_ref(conn *c)
{
	assert(c->refs > 0);
	c->refs++;
}

static void conn_drop_output(conn *c)
{
	while (c->qlen) {
		frame_unref(c->q[c->qhead]);
		c->qhead = (c->qhead + 1) % CONN_QUEUE;
		c->qlen--;
	}
	frame_unref(c->slot_lb);
	frame_unref(c->slot_stats);
	c->slot_lb = c->slot_stats = NULL;
}

void conn_unref(conn *c)
{
	assert(c->refs > 0);
	if (--c->refs > 0)
		return;
	assert(!c->wsi && !c->qlen); /* the socket closed first, its output dropped */
	conn_drop_output(c);
	free(c->rx);
	free(c->name);
	free(c->unit);
	free(c->memo.canonical);
	c->a->nconns--;
	free(c);
}

void conn_close(conn *c, int status, const char *reason)
{
	if (!c->wsi || c->close_status)
		return;
	c->close_status = status;
	snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
	lws_callback_on_writable(c->wsi);
}

/* A push still on its way to the contest's members goes first (conn_fan). */
static void catch_up(conn *c)
{
	conn_fan *f = c->fan;
	if (f && f->frame && c->fan_seen != f->gen) {
		c->fan_seen = f->gen;
		if (f->mask & (1 << c->role))
			conn_send(c, f->frame);
	}
}

/* Nothing waiting to go out on c: a frame may be written at once. */
static int conn_idle(conn *c)
{
	return !c->qlen && !c->slot_lb && !c->slot_stats && !lws_partial_buffered(c->wsi);
}

int conn_send(conn *c, frame *f)
{
	if (!f)
		return SA_E_INTERNAL;
	FRAME_CHECK(f);
	if (!c->wsi || c->close_status)
		return SA_E_UNAVAILABLE;
	assert(c->qlen <= CONN_QUEUE);
	catch_up(c);
	/*
	 * Nothing queued and nothing left over from an earlier write: write now.
	 * This skips the lws_callback_on_writable round trip (an epoll_ctl to
	 * arm POLLOUT, a loop iteration, another epoll_ctl to disarm it) that
	 * costs more than the send itself. lws keeps whatever the socket does
	 * not take (all of it on EAGAIN) and finishes it before the next
	 * WRITEABLE. (Not lws_send_pipe_choked(): it asks with a poll(2) per
	 * call.)
	 */
	if (conn_idle(c)) {
		int n = lws_write(c->wsi, f->buf + LWS_PRE, f->len, f->raw ? LWS_WRITE_RAW : LWS_WRITE_TEXT);
		if (n < 0) {
			conn_close(c, LWS_CLOSE_STATUS_ABNORMAL_CLOSE, "write failed");
			return SA_E_UNAVAILABLE;
		}
		return 0;
	}
	if (c->qlen == CONN_QUEUE) {
		sa_log(LL_INFO, "connection %llu: slow consumer, closing", (unsigned long long)c->id);
		conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "slow consumer");
		return SA_E_UNAVAILABLE;
	}
	c->q[(c->qhead + c->qlen) % CONN_QUEUE] = frame_ref(f);
	c->qlen++;
	if (!c->rx_paused && c->qlen >= CONN_QUEUE * 3 / 4) {
		c->rx_paused = 1;
		lws_rx_flow_control(c->wsi, 0);
	}
	lws_callback_on_writable(c->wsi);
	return 0;
}

int conn_send_frame(conn *c, frame *f)
{
	if (!f)
		return SA_E_INTERNAL;
	int rc = conn_send(c, f);
	frame_unref(f);
	return rc;
}

int conn_send_json(conn *c, cJSON *obj)
{
	frame *f = frame_from_json(obj);
	cJSON_Delete(obj);
	if (!f)
		return SA_E_INTERNAL;
	int rc = conn_send(c, f);
	frame_unref(f);
	return rc;
}

void conn_send_slot(conn *c, frame **slot, frame *f)
{
	if (!c->wsi || !f || c->close_status)
		return;
	FRAME_CHECK(f);
	catch_up(c);
	if (conn_idle(c)) { /* no older one to replace: straight out, as conn_send */
		conn_send(c, f);
		return;
	}
	frame_unref(*slot);
	*slot = frame_ref(f);
	lws_callback_on_writable(c->wsi);
}

void conn_send_error(conn *c, int code, const char *rid, const char *detail)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "error");
	if (rid)
		cJSON_AddStringToObject(o, "rid", rid);
	cJSON_AddStringToObject(o, "code", err_name(code));
	const char *text = err_message(code, c->lang_en);
	char *msg = NULL;
	if (detail && *detail && asprintf(&msg, "%s: %s", text, detail) < 0)
		msg = NULL; /* out of memory: the message without its detail */
	cJSON_AddStringToObject(o, "message", msg ? msg : text);
	free(msg);
	conn_send_json(c, o);
}

/* ------------------------------------------------------------ callback */

/*
 * A message in one fragment (nearly all) is parsed from one buffer shared by
 * every connection of the process; only a fragmented message gets a buffer of
 * its own, sized to it and freed once it is complete, so an idle connection
 * costs no input buffer.
 */
static void on_receive(conn *c, const char *in, size_t len)
{
	static char scratch[MSG_MAX + 1];
	struct lws *wsi = c->wsi;
	int first = lws_is_first_fragment(wsi);
	int last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);

	if (first) {
		c->rxlen = 0;
		c->rx_discard = lws_frame_is_binary(wsi) ? SA_E_NOT_TEXT : 0;
	}
	if (first && last && !c->rx_discard) {
		if (len > MSG_MAX) {
			conn_send_error(c, SA_E_TOO_LARGE, NULL, NULL);
			return;
		}
		memcpy(scratch, in, len);
		scratch[len] = '\0';
		conn_ref(c);
		msg_dispatch(c, scratch, len, now_ms());
		conn_unref(c);
		return;
	}
	if (!c->rx_discard) {
		if (c->rxlen + len > MSG_MAX)
			c->rx_discard = SA_E_TOO_LARGE;
		else {
			char *grown = realloc(c->rx, c->rxlen + len + 1);
			if (!grown)
				c->rx_discard = SA_E_INTERNAL;
			else {
				c->rx = grown;
				memcpy(c->rx + c->rxlen, in, len);
				c->rxlen += len;
			}
		}
	}
	if (!last)
		return;
	if (c->rx_discard)
		conn_send_error(c, c->rx_discard, NULL, NULL);
	else {
		c->rx[c->rxlen] = '\0';
		conn_ref(c);
		msg_dispatch(c, c->rx, c->rxlen, now_ms());
		conn_unref(c);
	}
	free(c->rx);
	c->rx = NULL;
	c->rx_discard = 0;
	c->rxlen = 0;
}

static int on_writeable(conn *c)
{
	static unsigned char *pack;
	static size_t packcap;
	frame *parts[CONN_QUEUE + 2];
	size_t n = 0, total = 0;
	if (c->close_status) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_status,
				 (unsigned char *)c->close_reason, strlen(c->close_reason));
		return -1;
	}
	while (c->qlen) {
		parts[n++] = c->q[c->qhead];
		c->qhead = (c->qhead + 1) % CONN_QUEUE;
		c->qlen--;
	}
	if (c->slot_lb)
		parts[n++] = c->slot_lb, c->slot_lb = NULL;
	if (c->slot_stats)
		parts[n++] = c->slot_stats, c->slot_stats = NULL;
	if (!n)
		return 0;
	if (c->rx_paused) { /* the queue is empty now */
		c->rx_paused = 0;
		lws_rx_flow_control(c->wsi, 1);
	}
	int rc;
	if (n == 1) {
		rc = lws_write(c->wsi, parts[0]->buf + LWS_PRE, parts[0]->len,
			       parts[0]->raw ? LWS_WRITE_RAW : LWS_WRITE_TEXT);
	} else {
		/* everything queued goes out as ready frames in one send */
		for (size_t i = 0; i < n; i++)
			total += parts[i]->len + 10;
		if (LWS_PRE + total > packcap) {
			unsigned char *np = realloc(pack, LWS_PRE + total);
			if (!np) {
				for (size_t i = 0; i < n; i++)
					frame_unref(parts[i]);
				return -1;
			}
			pack = np;
			packcap = LWS_PRE + total;
		}
		size_t o = 0;
		for (size_t i = 0; i < n; i++)
			o += frame_wire(pack + LWS_PRE + o, parts[i]);
		rc = lws_write(c->wsi, pack + LWS_PRE, o, LWS_WRITE_RAW);
	}
	for (size_t i = 0; i < n; i++)
		frame_unref(parts[i]);
	return rc < 0 ? -1 : 0;
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn **pc = user;
	arena *a = lws_context_user(lws_get_context(wsi));
	char buf[64];

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		if (!(*pc = conn_new(a, wsi)))
			return -1;
		if (lws_get_urlarg_by_name(wsi, "lang=", buf, sizeof buf) && !strncmp(buf + 5, "en", 2))
			(*pc)->lang_en = 1;
		break;
	case LWS_CALLBACK_RECEIVE:
		if (*pc)
			on_receive(*pc, in, len);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (*pc)
			return on_writeable(*pc);
		break;
	case LWS_CALLBACK_CLOSED:
		if (*pc) {
			conn *c = *pc;
			*pc = NULL;
			msg_closed(c);
			c->wsi = NULL;
			conn_drop_output(c);
			conn_unref(c);
		}
		break;
	default:
		break;
	}
	return 0;
}

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
 *
 * Close: conn_close sends a close frame with a code and a reason (the codes
 * are in ws.h and docs/protocol.md), through the connection's lws timer (see
 * conn_close for why not from WRITEABLE). The same timer closes a connection
 * that took no role within --ws-idle-s (4008).
 *
 * Round-trip time: conn_ping writes a WebSocket ping (8 ASCII characters the
 * pong must echo) when nothing else waits to go out to the connection, so the sample
 * is the network's, not our queue's; LWS_CALLBACK_RECEIVE_PONG adds it to
 * the connection's window (net/rtt.h). Browsers answer pings by themselves,
 * below the page's JavaScript: a busy page does not inflate it, and a client
 * that delays its pongs gains at most --rtt-credit-max-ms (live/answer.c).
 *
 * Limits (core/limit.h): each connection has a token bucket for its
 * messages (msg.c answers rate_limited); the arena has a table per client
 * address for connections (over it: closed 4029 when established), joins
 * and failed host logins. The table lives with the protocol (PROTOCOL_INIT
 * to PROTOCOL_DESTROY).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limit.h"
#include "core/log.h"
#include "net/frame.h"
#include "net/msg.h"
#include "net/ws.h"

/* Client addresses whose counts are kept (least recently seen give way). */
#define LIMIT_ADDRS 16384

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
	free(c->session);
	free(c->who);
	c->a->nconns--;
	free(c);
}

/*
 * The close goes through the connection's lws timer, not through a -1
 * returned from WRITEABLE: lws 4.1 built with _DEBUG (Debian's is) closes a
 * connection whose callback returned -1 on a libuv loop twice in a row
 * ("close_and_handled uv repeat test"), and the second call kills the socket
 * before the close frame is written: clients saw 1006 instead of the code.
 * A -1 from LWS_CALLBACK_TIMER closes once: lws writes the close frame
 * (lws_close_reason's status and text), waits for the client's, then closes.
 * On libuv, lws re-arms its timer only after it serviced a socket: a close
 * decided in a PostgreSQL or Redis callback would wait for the next socket
 * event (seconds), so the event pipe is poked (lws_cancel_service) to wake it.
 */
void conn_close(conn *c, int status, const char *reason)
{
	if (!c->wsi || c->close_status)
		return;
	c->close_status = status;
	c->close_reason = reason;
	lws_set_timer_usecs(c->wsi, 1);
	lws_cancel_service(c->a->lws);
}

/* The queue is flushed before a close, but not a slow consumer's or a failed socket's. */
static int close_flushes(const conn *c)
{
	return c->close_status != WS_CLOSE_SLOW && c->close_status != LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
}

static int close_pending(const conn *c)
{
	if (lws_partial_buffered(c->wsi))
		return 1;
	return close_flushes(c) && (c->qlen || c->slot_lb || c->slot_stats);
}

/* LWS_CALLBACK_TIMER: a close to carry out, or a connection idle too long. */
static int on_timer(conn *c)
{
	if (c->close_status) {
		/* What was sent before the close goes out first (a close started
		 * now would drop it with the close frame), for a while: lws's
		 * leftover of an earlier write, and our queue unless the close is
		 * for the queue itself (slow consumer) or the socket failed. */
		if (close_pending(c) && c->close_waits++ < 40) {
			lws_callback_on_writable(c->wsi);
			lws_set_timer_usecs(c->wsi, 50 * 1000);
			return 0;
		}
		/* 1006 (the socket failed) is never sent: no close frame then */
		if (c->close_status != LWS_CLOSE_STATUS_ABNORMAL_CLOSE)
			lws_close_reason(c->wsi, (enum lws_close_status)c->close_status,
					 (unsigned char *)c->close_reason, strlen(c->close_reason));
		return -1;
	}
	if (c->role == ROLE_NONE) {
		if (c->busy) /* a join or resume on its way: it decides */
			lws_set_timer_usecs(c->wsi, LWS_USEC_PER_SEC);
		else
			conn_close(c, WS_CLOSE_IDLE, "idle");
	}
	return 0;
}

/*
 * The idle timer is dropped once the connection has a role: lws 4.1 keeps
 * timers in one sorted list, so each one armed costs a walk over those
 * pending; only connections still without a role keep one.
 */
void conn_took_role(conn *c)
{
	if (c->wsi && !c->close_status && c->role != ROLE_NONE)
		lws_set_timer_usecs(c->wsi, LWS_SET_TIMER_USEC_CANCEL);
}

/* ------------------------------------------------------------ limits */

int conn_limit_message(conn *c, int64_t now)
{
	const sa_config *cfg = &c->a->cfg;
	limit_rate r = {cfg->ws_msg_rate, cfg->ws_msg_burst > 1 ? cfg->ws_msg_burst : 1};
	return limit_take(&c->msgs, &r, now);
}

int conn_limit_join(conn *c) { return limit_addr_take(c->a->limits, c->addr, LIMIT_JOIN, now_ms()); }

int conn_login_allowed(conn *c)
{
	int64_t now = now_ms();
	if (!limit_addr_peek(c->a->limits, c->addr, LIMIT_HOST_FAIL, now))
		return 0;
	if (!limit_addr_take(c->a->limits, c->addr, LIMIT_HOST_LOG, now)) /* not a line per attempt */
		sa_log(LL_WARN, "host logins from %s refused for now: too many failed logins", c->addr);
	return SA_E_RATE_LIMITED;
}

void conn_login_failed(conn *c, const char *code, const char *what)
{
	limit_addr_take(c->a->limits, c->addr, LIMIT_HOST_FAIL, now_ms());
	sa_log(LL_WARN, "%s to contest %s from %s failed", what, code, c->addr);
}

/* The per-address table, made with the protocol and freed with it. */
static int limits_open(arena *a)
{
	const sa_config *cfg = &a->cfg;
	limit_rate rates[LIMIT_NKINDS] = {
		[LIMIT_CONN] = {cfg->addr_conn_rate, cfg->addr_conn_burst > 1 ? cfg->addr_conn_burst : 1},
		[LIMIT_JOIN] = {cfg->addr_join_rate, cfg->addr_join_burst > 1 ? cfg->addr_join_burst : 1},
		[LIMIT_HOST_FAIL] = {cfg->host_fail_per_min / 60.0,
				     cfg->host_fail_per_min > 1 ? cfg->host_fail_per_min : 1},
		[LIMIT_HOST_LOG] = {0.1, 1},
	};
	a->limits = limit_table_new(LIMIT_ADDRS, rates);
	return a->limits ? 0 : -1;
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
		conn_close(c, WS_CLOSE_SLOW, "slow consumer");
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

/* ------------------------------------------------------------ round-trip time */

int conn_ping(conn *c)
{
	unsigned char buf[LWS_PRE + 8];
	if (!c->wsi || c->close_status || !conn_idle(c) ||
	    (c->fan && c->fan->frame && c->fan_seen != c->fan->gen))
		return SA_E_UNAVAILABLE;
	int64_t now = now_us();
	char hex[9];
	/* ASCII: lws checks every incoming payload as UTF-8 (LWS_SERVER_OPTION_VALIDATE_UTF8), pongs too */
	snprintf(hex, sizeof hex, "%08x", (unsigned)(++c->ping_seq * 2654435761u) ^ (unsigned)now);
	memcpy(c->ping, hex, 8);
	memcpy(buf + LWS_PRE, c->ping, 8);
	if (lws_write(c->wsi, buf + LWS_PRE, 8, LWS_WRITE_PING) < 0) {
		conn_close(c, LWS_CLOSE_STATUS_ABNORMAL_CLOSE, "write failed");
		return SA_E_UNAVAILABLE;
	}
	c->ping_us = now;
	c->ping_out = 1;
	return 0;
}

/* A pong: a sample when it echoes the last ping (anything else is ignored). */
static void on_pong(conn *c, const void *in, size_t len)
{
	if (!c->ping_out || len != sizeof c->ping || memcmp(in, c->ping, sizeof c->ping))
		return;
	c->ping_out = 0;
	rtt_add(&c->rtt, (now_us() - c->ping_us) / 1000);
}

int conn_rtt(const conn *c) { return rtt_estimate(&c->rtt); }

/* ------------------------------------------------------------ callback */

/* A message discarded whole (too large, binary) counts against the message rate too. */
static void refuse_input(conn *c, int code)
{
	conn_send_error(c, conn_limit_message(c, now_ms()) ? SA_E_RATE_LIMITED : code, NULL, NULL);
}

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
			refuse_input(c, SA_E_TOO_LARGE);
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
		refuse_input(c, c->rx_discard);
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
	if (c->close_status && !close_flushes(c)) /* the timer sends the close (conn_close) */
		return 0;
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

/*
 * The console session cookie sent with the upgrade, kept for `host` and
 * `watch` (they identify it: core/auth.h's auth_check). Read here, while
 * lws still holds the upgrade's headers. A foreign page cannot send it: the
 * upgrade's Origin must be allowed (net/gate.c) and the cookie is SameSite=Strict.
 */
static void take_session(conn *c)
{
	char cookie[4096], token[80];
	if (lws_hdr_copy(c->wsi, cookie, sizeof cookie, WSI_TOKEN_HTTP_COOKIE) > 0 &&
	    !auth_cookie(cookie, AUTH_SESSION_COOKIE, token, sizeof token) && auth_hex_ok(token, 64))
		c->session = strdup(token); /* out of memory: no session, as if none was sent */
}

/* A new connection: its language, its address, its session cookie and the limits. */
static void on_established(conn *c)
{
	char buf[64];
	if (lws_get_urlarg_by_name(c->wsi, "lang=", buf, sizeof buf) && !strncmp(buf + 5, "en", 2))
		c->lang_en = 1;
	take_session(c);
	if (!lws_get_peer_simple(c->wsi, c->addr, sizeof c->addr))
		snprintf(c->addr, sizeof c->addr, "unknown");
	if (limit_addr_take(c->a->limits, c->addr, LIMIT_CONN, now_ms())) {
		sa_log(LL_DEBUG, "connection %llu from %s: too many connections, closing",
		       (unsigned long long)c->id, c->addr);
		conn_close(c, WS_CLOSE_TOO_MANY, "too many connections from this address");
	} else if (c->a->cfg.ws_idle_s > 0)
		lws_set_timer_usecs(c->wsi, (lws_usec_t)c->a->cfg.ws_idle_s * LWS_USEC_PER_SEC);
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn **pc = user;
	arena *a = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		return a->limits ? 0 : limits_open(a);
	case LWS_CALLBACK_PROTOCOL_DESTROY:
		limit_table_free(a->limits);
		a->limits = NULL;
		break;
	case LWS_CALLBACK_ESTABLISHED:
		if (!(*pc = conn_new(a, wsi)))
			return -1;
		on_established(*pc);
		break;
	case LWS_CALLBACK_TIMER:
		if (*pc)
			return on_timer(*pc);
		break;
	case LWS_CALLBACK_RECEIVE:
		if (*pc)
			on_receive(*pc, in, len);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (*pc)
			return on_writeable(*pc);
		break;
	case LWS_CALLBACK_RECEIVE_PONG:
		if (*pc)
			on_pong(*pc, in, len);
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

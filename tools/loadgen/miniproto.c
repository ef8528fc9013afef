/*
 * miniproto.c - the load generator's side of docs/protocol.md, answered
 * from memory (see miniproto.h): the brain shared by loadgen-echo and
 * loadgen-floor. Messages are a table; each handler replies through
 * mp_ops. Participants outlive their connections so that resume works.
 */
#include "miniproto.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lg.h"

typedef struct mp_part {
	long score;
	int last_q, last_resp;
} mp_part;

static struct {
	const mp_ops *ops;
	int questions, time_limit_ms, qindex, next_pid, players;
	long long deadline_ms;
	mp_part *parts;
	size_t nparts;
} P;

static long long mp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mp_init(const mp_ops *ops, int questions, int time_limit_ms)
{
	if (questions < 1 || questions > LG_MAXQ || time_limit_ms < 1)
		return -1;
	P.ops = ops;
	P.questions = questions;
	P.time_limit_ms = time_limit_ms;
	P.qindex = -1;
	return 0;
}

int mp_players(void) { return P.players; }

static void reply(mp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(mp_conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(buf))
		P.ops->reply(c, buf, (size_t)n);
}

/* The fields of server/live.c live_state_msg(), in its order. */
static int state_text(char *out, size_t cap)
{
	long long now = mp_now_ms();
	bool open = P.qindex >= 0 && now <= P.deadline_ms;
	char qid[16] = "null";
	if (P.qindex >= 0)
		snprintf(qid, sizeof(qid), "\"q%d\"", P.qindex + 1);
	return snprintf(
		out, cap,
		"{\"type\":\"state\",\"phase\":\"%s\",\"index\":%d,\"count\":%d,\"question_id\":%s,"
		"\"open\":%s,\"deadline\":%lld,\"server_time\":%lld,\"paused\":false,\"board_hidden\":false,"
		"\"seq\":%d}",
		P.qindex < 0 ? "lobby" : "question", P.qindex, P.questions, qid, open ? "true" : "false",
		P.qindex < 0 ? 0 : P.deadline_ms, now, P.qindex + 1);
}

/*
 * The fields of live.c live_question_msg() for a question `loadgen
 * mkcontest` wrote (its text, four options as language maps), in the
 * server's order: the same bytes but for the clock's digits.
 */
static int question_text(char *out, size_t cap)
{
	long long now = mp_now_ms(), left = P.deadline_ms - now;
	int k = P.qindex + 1, good = P.qindex % MP_OPTIONS + 1;
	return snprintf(
		out, cap,
		"{\"type\":\"question\",\"id\":\"q%d\",\"index\":%d,\"count\":%d,\"qtype\":\"single_choice\","
		"\"text\":{\"zh-CN\":\"第 %d 题：选第 %d 项\",\"en\":\"Question %d: pick option %d\"},"
		"\"options\":[{\"zh-CN\":\"A\"},{\"zh-CN\":\"B\"},{\"zh-CN\":\"C\"},{\"zh-CN\":\"D\"}],\"points\":1000,\"time_limit_ms\":%d,"
		"\"remaining_ms\":%lld,\"deadline\":%lld,\"server_time\":%lld,\"answered\":null}",
		k, P.qindex, P.questions, k, good, k, good, P.time_limit_ms, left < 0 ? 0 : left,
		P.deadline_ms, now);
}

/* A text frame header (server to client: unmasked) for len bytes; returns its size. */
static size_t frame_header(unsigned char *h, size_t len)
{
	h[0] = 0x81;
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	h[1] = 126; /* the texts here are far below 64 KiB */
	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	return 4;
}

static void push_question(void)
{
	char st[512], q[1024];
	unsigned char wire[4 + sizeof(st) + 4 + sizeof(q)];
	int ns = state_text(st, sizeof(st)), nq = question_text(q, sizeof(q));
	if (ns <= 0 || nq <= 0 || (size_t)ns >= sizeof(st) || (size_t)nq >= sizeof(q))
		return;
	size_t o = frame_header(wire, (size_t)ns);
	memcpy(wire + o, st, (size_t)ns);
	o += (size_t)ns;
	o += frame_header(wire + o, (size_t)nq);
	memcpy(wire + o, q, (size_t)nq);
	o += (size_t)nq;
	P.ops->push(wire, o);
}

/* Like the server: a player (re)joining while a question is open gets it. */
static void send_open_question(mp_conn *c)
{
	char st[512], q[1024];
	if (P.qindex < 0)
		return;
	int ns = state_text(st, sizeof(st)), nq = question_text(q, sizeof(q));
	if (ns > 0 && (size_t)ns < sizeof(st))
		P.ops->reply(c, st, (size_t)ns);
	if (nq > 0 && (size_t)nq < sizeof(q))
		P.ops->reply(c, q, (size_t)nq);
}

static void on_join(mp_conn *c, const char *m, size_t n, const char *rid)
{
	bool resume = js_type_is(m, n, "resume");
	if (resume) {
		char tok[32] = "";
		js_str(m, n, "token", tok, sizeof(tok));
		int pid = atoi(tok + 1);
		if (tok[0] != 't' || pid <= 0 || pid > P.next_pid) {
			reply(c, "{\"type\":\"error\",\"code\":\"bad_token\",\"message\":\"unknown token\"}");
			return;
		}
		c->pid = pid;
	} else {
		if ((size_t)P.next_pid + 1 >= P.nparts) {
			size_t nn = P.nparts ? P.nparts * 2 : 1024;
			mp_part *np = realloc(P.parts, nn * sizeof(*np));
			if (!np) {
				reply(c,
				      "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"out of memory\"}");
				return;
			}
			P.parts = np;
			P.nparts = nn;
		}
		c->pid = ++P.next_pid;
		P.parts[c->pid] = (mp_part){0, -1, -1};
		P.players++;
	}
	c->role = MP_PLAYER;
	P.ops->target(c);
	reply(c,
	      "{\"type\":\"joined\",\"participant_id\":%d,\"token\":\"t%d\",\"resumed\":%s,\"score\":%ld,"
	      "\"rank\":null,\"contest\":{\"code\":\"ECHO\",\"question_count\":%d}}",
	      c->pid, c->pid, resume ? "true" : "false", P.parts[c->pid].score, P.questions);
	send_open_question(c);
}

static void on_answer(mp_conn *c, const char *m, size_t n, const char *rid)
{
	char qid[24] = "";
	double resp = -1;
	if (c->role != MP_PLAYER) {
		reply(c,
		      "{\"type\":\"error\",\"rid\":\"%s\",\"code\":\"not_joined\",\"message\":\"join first\"}",
		      rid);
		return;
	}
	mp_part *pa = &P.parts[c->pid];
	js_str(m, n, "question_id", qid, sizeof(qid));
	js_num(m, n, "response", &resp);
	int q = atoi(qid + (qid[0] == 'q')) - 1;
	bool dup = pa->last_q == q;
	if (dup && pa->last_resp != (int)resp) {
		reply(c,
		      "{\"type\":\"error\",\"rid\":\"%s\",\"code\":\"already_answered\",\"message\":\"x\"}",
		      rid);
		return;
	}
	long pts = (int)resp == q % MP_OPTIONS ? 1000 : 0;
	if (!dup) {
		pa->score += pts;
		pa->last_q = q;
		pa->last_resp = (int)resp;
	}
	reply(c,
	      "{\"type\":\"ack\",\"rid\":\"%s\",\"question_id\":\"%s\",\"accepted\":true,\"points\":%ld,"
	      "\"score\":%ld,\"rank\":1,\"tied\":false,\"players\":%d,\"duplicate\":%s}",
	      rid, qid, pts, pa->score, P.players, dup ? "true" : "false");
}

static void on_host(mp_conn *c, const char *m, size_t n, const char *rid)
{
	bool host = js_type_is(m, n, "host");
	char st[512];
	c->role = host ? MP_HOST : MP_SCREEN;
	if (!host)
		P.ops->target(c);
	reply(c, "{\"type\":\"%s\",\"contest\":{\"code\":\"ECHO\",\"question_count\":%d}}",
	      host ? "host_ok" : "watching", P.questions);
	int ns = state_text(st, sizeof(st));
	if (ns > 0 && (size_t)ns < sizeof(st))
		P.ops->reply(c, st, (size_t)ns);
}

static void on_next(mp_conn *c, const char *m, size_t n, const char *rid)
{
	reply(c, "{\"type\":\"ok\",\"rid\":\"%s\"}", rid);
	if (P.qindex + 1 < P.questions) {
		P.qindex++;
		P.deadline_ms = mp_now_ms() + P.time_limit_ms;
		push_question();
	}
}

static void on_ok(mp_conn *c, const char *m, size_t n, const char *rid)
{
	reply(c, "{\"type\":\"ok\",\"rid\":\"%s\"}", rid);
}

static void on_ping(mp_conn *c, const char *m, size_t n, const char *rid)
{
	double t = 0;
	js_num(m, n, "t", &t);
	reply(c, "{\"type\":\"pong\",\"t\":%.0f,\"server_time\":%lld}", t, mp_now_ms());
}

static const struct {
	const char *type;
	void (*fn)(mp_conn *c, const char *m, size_t n, const char *rid);
} mp_msgs[] = {
	{"join", on_join},  {"resume", on_join}, {"answer", on_answer}, {"host", on_host}, {"watch", on_host},
	{"start", on_next}, {"next", on_next},   {"reveal", on_ok},     {"end", on_ok},    {"ping", on_ping},
};

void mp_message(mp_conn *c, const char *m, size_t n)
{
	char type[24] = "", rid[72] = "";
	js_str(m, n, "type", type, sizeof(type));
	js_str(m, n, "rid", rid, sizeof(rid));
	for (size_t i = 0; i < sizeof(mp_msgs) / sizeof(mp_msgs[0]); i++)
		if (strcmp(type, mp_msgs[i].type) == 0) {
			mp_msgs[i].fn(c, m, n, rid);
			return;
		}
	reply(c, "{\"type\":\"error\",\"rid\":\"%s\",\"code\":\"unknown_type\",\"message\":\"x\"}", rid);
}

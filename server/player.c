/*
 * player.c - players arrive: `join` (a new participant row in PostgreSQL,
 * a resume token whose SHA-256 only is stored) and `resume` (the token
 * restores the participant, its score, rank and its answer to the open
 * question, on whichever server process the reconnect lands).
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "arena.h"
#include "validate.h"

typedef struct join_req {
	conn *c;
	crun *r;
	char token[65];
	char rid[65];
	int resumed;
} join_req;

static cJSON *joined_msg(conn *c, const char *token, int resumed, int64_t rank)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "joined");
	cJSON_AddNumberToObject(o, "participant_id", (double)c->pid);
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddBoolToObject(o, "resumed", resumed);
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "unit", c->unit ? c->unit : "");
	cJSON_AddNumberToObject(o, "score", (double)c->score_milli / 1000.0);
	if (rank > 0)
		cJSON_AddNumberToObject(o, "rank", (double)rank);
	else
		cJSON_AddNullToObject(o, "rank");
	cJSON_AddItemReferenceToObject(o, "contest", c->run->info);
	return o;
}

/* Last step of join and resume: the rank is known (or not), tell the player everything. */
static void send_welcome(join_req *j, int64_t rank)
{
	conn *c = j->c;
	if (c->wsi) {
		conn_send_json(c, joined_msg(c, j->token, j->resumed, rank));
		live_send_snapshot(c);
		bcast_send_player_lb(c, rank);
	}
	conn_unref(c);
	free(j);
}

static void rank_done(arena *a, void *reply, void *ud)
{
	redisReply *rr = reply;
	(void)a;
	send_welcome(ud, rr && rr->type == REDIS_REPLY_INTEGER ? rr->integer + 1 : 0);
}

static void fetch_rank_then_welcome(join_req *j)
{
	arena *a = j->c->a;
	char key[256], member[24];
	lb_key(a, key, sizeof key, j->r, "lb");
	lb_member(member, sizeof member, j->c->pid);
	if (lb_command(a, rank_done, j, "ZREVRANK %s %s", key, member))
		send_welcome(j, 0);
}

static void become_player(conn *c, crun *r, int64_t pid)
{
	c->role = ROLE_PLAYER;
	c->pid = pid;
	/* One live connection per participant and process: the newest wins. */
	conn *old = run_find_player(r, pid);
	if (old && old != c) {
		run_remove_member(r, old);
		old->role = ROLE_NONE;
		conn_close(old, 4001, "resumed on another connection");
	}
	run_add_member(r, c);
}

static void resume_with(join_req *j);

static void join_done(arena *a, void *res, const char *err, void *ud)
{
	join_req *j = ud;
	conn *c = j->c;
	c->busy = 0;
	if (!c->wsi) {
		conn_unref(c);
		free(j);
		return;
	}
	if (err) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		int code = state && !strcmp(state, "23505") ? SA_E_ALREADY_JOINED : SA_E_UNAVAILABLE;
		if (code == SA_E_UNAVAILABLE)
			sa_log(LL_WARN, "join failed: %s", err);
		conn_send_error(c, code, j->rid[0] ? j->rid : NULL, NULL);
		free(c->name);
		free(c->unit);
		c->name = c->unit = NULL;
		conn_unref(c);
		free(j);
		return;
	}
	if (PQntuples(res) != 1) { /* the employee number belongs to someone else */
		conn_send_error(c, SA_E_ALREADY_JOINED, j->rid[0] ? j->rid : NULL, NULL);
		conn_unref(c);
		free(j);
		return;
	}
	if (PQgetvalue(res, 0, 1)[0] == 't') {
		/* Same employee number and name again (a lost `joined`, a new phone):
		 * the participant continues with the new token, like a resume. */
		c->busy = 1;
		resume_with(j);
		return;
	}
	become_player(c, j->r, atoll(PQgetvalue(res, 0, 0)));
	/* Derived state in Redis: the name for the top N, a zero score in the ranking. */
	char key[256], member[24], z[32];
	lb_member(member, sizeof member, c->pid);
	lb_key(a, key, sizeof key, j->r, "who");
	lb_command(a, NULL, NULL, "HSET %s %s %s\t%s", key, member, c->name, c->unit);
	lb_key(a, key, sizeof key, j->r, "lb");
	snprintf(z, sizeof z, "%.17g", lb_zscore(0, 0));
	lb_command(a, NULL, NULL, "ZADD %s NX %s %s", key, z, member);
	j->r->players++; /* until the next tick counts them all */
	j->r->stats_dirty = 1;
	fetch_rank_then_welcome(j);
}

int player_join(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	char code[17];
	char *name = NULL, *unit = NULL, *emp = NULL;

	if (c->busy)
		return SA_E_RATE_LIMITED;
	msg_lang(x);
	const char *jcode = msg_string(x, "code", 1, &rc);
	const char *jname = msg_string(x, "name", 1, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "code, name");
		return 0;
	}
	const char *jemp = msg_string(x, "employee_no", 0, &rc);
	const char *junit = msg_string(x, "unit", 0, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "employee_no, unit");
		return 0;
	}
	if (validate_code(jcode, code))
		return SA_E_UNKNOWN_CONTEST;
	crun *r = arena_find_run(c->a, code);
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	if (r->st.phase == PHASE_FINISHED)
		return SA_E_CONTEST_FINISHED;
	if ((rc = validate_name(jname, &name)))
		return rc;
	if (validate_unit(junit ? junit : "", &unit)) {
		free(name);
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "unit");
		return 0;
	}
	if (validate_employee_no(jemp ? jemp : "", &emp)) {
		free(name);
		free(unit);
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "employee_no");
		return 0;
	}
	join_req *j = calloc(1, sizeof *j);
	char hash[65], cid[24];
	if (!j || auth_random_hex(j->token, 16)) {
		free(j);
		free(name);
		free(unit);
		free(emp);
		return SA_E_INTERNAL;
	}
	j->c = c;
	j->r = r;
	if (x->rid)
		snprintf(j->rid, sizeof j->rid, "%s", x->rid);
	auth_sha256_hex(j->token, hash);
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *p[5] = {cid, name, emp, unit, hash};
	c->name = name;
	c->unit = unit;
	c->run = NULL;
	if (store_query(c->a,
			"INSERT INTO participants (contest_id, name, employee_no, unit, token_hash) "
			"VALUES ($1, $2, NULLIF($3, ''), $4, $5) "
			"ON CONFLICT (contest_id, employee_no) DO UPDATE SET token_hash = EXCLUDED.token_hash "
			"WHERE participants.name = EXCLUDED.name "
			"RETURNING id, xmax <> 0",
			5, p, join_done, j)) {
		free(emp);
		free(j);
		free(c->name);
		free(c->unit);
		c->name = c->unit = NULL;
		return SA_E_UNAVAILABLE;
	}
	free(emp);
	c->busy = 1;
	conn_ref(c);
	return 0;
}

static void resume_done(arena *a, void *res, const char *err, void *ud)
{
	join_req *j = ud;
	conn *c = j->c;
	c->busy = 0;
	if (!c->wsi || err || PQntuples(res) != 1) {
		if (c->wsi)
			conn_send_error(c, err ? SA_E_UNAVAILABLE : SA_E_BAD_TOKEN, j->rid[0] ? j->rid : NULL,
					NULL);
		conn_unref(c);
		free(j);
		return;
	}
	crun *r = arena_find_run(a, PQgetvalue(res, 0, 6));
	if (!r) {
		conn_send_error(c, SA_E_UNKNOWN_CONTEST, j->rid[0] ? j->rid : NULL, NULL);
		conn_unref(c);
		free(j);
		return;
	}
	j->r = r;
	free(c->name);
	free(c->unit);
	c->name = strdup(PQgetvalue(res, 0, 2));
	c->unit = strdup(PQgetvalue(res, 0, 3));
	c->score_milli = atoll(PQgetvalue(res, 0, 4));
	c->streak = atoi(PQgetvalue(res, 0, 5));
	c->reached_ds = atoll(PQgetvalue(res, 0, 11));
	free(c->memo.canonical);
	c->memo.canonical = NULL;
	c->memo.qindex = -1;
	if (!PQgetisnull(res, 0, 7)) {
		c->memo.qindex = atoi(PQgetvalue(res, 0, 7));
		c->memo.canonical = strdup(PQgetvalue(res, 0, 8));
		c->memo.points_milli = atoll(PQgetvalue(res, 0, 9));
		c->memo.correctness = atoi(PQgetvalue(res, 0, 10));
	}
	j->resumed = 1;
	become_player(c, r, atoll(PQgetvalue(res, 0, 0)));
	fetch_rank_then_welcome(j);
}

/* Looks the participant up by j->token; the connection is referenced and busy. */
static void resume_with(join_req *j)
{
	char hash[65];
	auth_sha256_hex(j->token, hash);
	const char *p[1] = {hash};
	if (store_query(j->c->a,
			"SELECT p.id, p.contest_id, p.name, p.unit, p.score_milli, p.streak, c.code, "
			"a.question_idx, a.response, a.points_milli, a.correctness, p.reached_ds "
			"FROM participants p JOIN contests c ON c.id = p.contest_id "
			"LEFT JOIN answers a ON a.participant_id = p.id AND a.question_idx = c.qindex "
			"WHERE p.token_hash = $1",
			1, p, resume_done, j)) {
		j->c->busy = 0;
		conn_send_error(j->c, SA_E_UNAVAILABLE, j->rid[0] ? j->rid : NULL, NULL);
		conn_unref(j->c);
		free(j);
	}
}

int player_resume(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	if (c->busy)
		return SA_E_RATE_LIMITED;
	msg_lang(x);
	const char *token = msg_string(x, "token", 1, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "token");
		return 0;
	}
	if (strlen(token) != 32)
		return SA_E_BAD_TOKEN;
	join_req *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	j->c = c;
	snprintf(j->token, sizeof j->token, "%s", token);
	if (x->rid)
		snprintf(j->rid, sizeof j->rid, "%s", x->rid);
	c->busy = 1;
	conn_ref(c);
	resume_with(j);
	return 0;
}

/*
 * recall.c - an answer to a question that is no longer open (or, while the
 * host pauses it, not open now): a retry of an answer PostgreSQL stored
 * (a lost ack, a reconnect, another process took it) gets its ack again,
 * marked duplicate; a different response is already_answered; anything
 * else gets the refusal the caller names (question_closed, not_open, paused).
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "live/live.h"
#include "live/recall.h"
#include "live/run.h"
#include "net/ws.h"
#include "store/store.h"

typedef struct lookup {
	conn *c;
	crun *r; /* referenced */
	int qindex;
	char rid[65];
	char *canonical;
	int closed_code;
} lookup;

/* An answer to a question that is no longer open: a retry of a stored answer
 * still gets its ack; anything else is refused. */
static void lookup_done(arena *a, void *res, const char *err, void *ud)
{
	lookup *l = ud;
	conn *c = l->c;
	const char *rid = l->rid[0] ? l->rid : NULL, *resp = err ? NULL : store_text(res, 0, 0);
	int64_t pts, score;
	(void)a;
	if (!c->wsi)
		;
	else if (err)
		conn_send_error(c, SA_E_UNAVAILABLE, rid, NULL);
	else if (!resp)
		conn_send_error(c, l->closed_code, rid, NULL);
	else if (!l->canonical || strcmp(resp, l->canonical))
		conn_send_error(c, SA_E_ALREADY_ANSWERED, rid, NULL);
	else if (store_int(res, 0, 1, INT64_MIN, INT64_MAX, &pts) ||
		 store_int(res, 0, 2, INT64_MIN, INT64_MAX, &score))
		conn_send_error(c, SA_E_INTERNAL, rid, NULL);
	else {
		live_ack k = {.qi = l->qindex, .rid = rid, .points = pts, .score = score, .duplicate = 1};
		conn_send_frame(c, live_ack_frame(l->r, &k));
	}
	conn_unref(c);
	run_unref(l->r);
	free(l->canonical);
	free(l);
}

int recall_answer(conn *c, crun *r, int qi, const cJSON *response, const char *rid, int closed_code)
{
	lookup *l = calloc(1, sizeof *l);
	char pid[24], qs[16];
	if (!l)
		return SA_E_INTERNAL;
	l->c = c;
	l->r = r;
	l->qindex = qi;
	l->closed_code = closed_code;
	l->canonical = score_canonical_response(r->qs[qi].cq->compiled, response);
	if (rid)
		snprintf(l->rid, sizeof l->rid, "%s", rid);
	snprintf(pid, sizeof pid, "%lld", (long long)c->pid);
	snprintf(qs, sizeof qs, "%d", qi);
	const char *p[2] = {pid, qs};
	int rc;
	conn_ref(c); /* first: a query that fails at once is answered at once */
	run_ref(l->r);
	if ((rc = store_query(c->a,
			      "SELECT a.response, a.points_milli, p.score_milli FROM answers a "
			      "JOIN participants p ON p.id = a.participant_id "
			      "WHERE a.participant_id = $1 AND a.question_idx = $2",
			      2, p, lookup_done, l))) {
		conn_unref(c);
		run_unref(l->r);
		free(l->canonical);
		free(l);
		return rc;
	}
	return 0;
}

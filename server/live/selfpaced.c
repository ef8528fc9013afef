/*
 * selfpaced.c - what the self-paced modules (attempt, save, result, sweep,
 * practice) share: the player's state on its connection and the field
 * helpers of their messages and PostgreSQL rows. It depends on paper.c
 * only, so that the modules using it depend on it and not on each other.
 */
#include <stdlib.h>

#include "core/err.h"
#include "live/paper.h"
#include "live/selfpaced.h"
#include "net/msg.h"
#include "net/ws.h"

sp_conn *selfpaced_conn(conn *c)
{
	if (!c->wsi)
		return NULL;
	if (!c->sp)
		c->sp = calloc(1, sizeof *c->sp);
	return c->sp;
}

void selfpaced_conn_set(sp_conn *sp, int64_t id, int no, int64_t started, int64_t deadline, paper *p)
{
	if (sp->attempt_id != id) {
		sp->notified = 0;
		sp->check_ms = 0;
	}
	paper_free(sp->paper);
	sp->attempt_id = id;
	sp->attempt_no = no;
	sp->started_ms = started;
	sp->deadline_ms = deadline;
	sp->paper = p;
	sp->closed = 0;
}

void selfpaced_conn_closed(conn *c)
{
	sp_conn *sp = c->sp;
	if (!sp)
		return;
	c->sp = NULL;
	paper_free(sp->paper);
	if (sp->prac && sp->prac_free)
		sp->prac_free(sp->prac);
	free(sp);
}

int selfpaced_int_field(msg_ctx *x, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x->m, name);
	if (!v || !cJSON_IsNumber(v))
		return SA_E_BAD_MESSAGE;
	double d = v->valuedouble;
	if (d != (double)(int64_t)d || d < (double)lo || d > (double)hi)
		return SA_E_INVALID_FIELD;
	*out = (int64_t)d;
	return 0;
}

void selfpaced_pg_ints(cJSON *arr, const char *pg)
{
	for (const char *p = pg ? pg : ""; *p;) {
		if (*p >= '0' && *p <= '9') {
			char *end;
			cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)strtol(p, &end, 10)));
			p = end;
		} else
			p++;
	}
}

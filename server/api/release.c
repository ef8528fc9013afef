/*
 * release.c - the publication of a contest's results, for its organizers
 * (and judges, for appeals):
 *
 *   POST …/results/publish {notice_days, mask?}   a provisional revision
 *   POST …/results/finalize {force?}              the final one (force: admins)
 *   GET  …/appeals                                the contest's appeals
 *   POST …/appeals/{id}/decide {decision, reply, correction?}
 *
 * The work is store/release.c's, on the thread pool (blocking libpq, the
 * ranking and the recomputation of a correction); this file checks the
 * fields, answers, writes the audit log, and moves the Redis board of the
 * participants a correction moved. The public side (the results page and
 * filing an appeal) is api/appeals.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/pool.h"
#include "api/request.h"
#include "core/err.h"
#include "core/log.h"
#include "live/validate.h"
#include "store/audit.h"
#include "store/lb.h"
#include "store/release.h"
#include "store/store.h"

enum { OP_PUBLISH, OP_FINALIZE, OP_DECIDE };

typedef struct op {
	int kind;
	arena *a;
	char code[17];
	int notice_days;
	cJSON *mask, *correction; /* owned copies */
	bool force;
	int64_t account, appeal;
	char decision[12];
	char *reply;
	release_out out;
	int rc;
	char err[512];
} op;

static void op_free(op *o)
{
	cJSON_Delete(o->mask);
	cJSON_Delete(o->correction);
	free(o->reply);
	free(o->out.moved);
}

static void work(void *ud)
{
	op *o = ud;
	const char *pg = o->a->cfg.pg;
	if (o->kind == OP_PUBLISH)
		o->rc = release_publish(pg, o->code, o->notice_days, o->mask, o->account, &o->out, o->err,
					sizeof o->err);
	else if (o->kind == OP_FINALIZE)
		o->rc = release_finalize(pg, o->code, o->force, o->account, &o->out, o->err, sizeof o->err);
	else
		o->rc = release_decide(pg, o->a->eng, o->code, o->appeal, o->decision, o->reply,
				       o->correction, o->account, &o->out, o->err, sizeof o->err);
}

/* Why a step was refused, in both languages. */
static const struct {
	const char *zh, *en;
} whys[] = {
	[RELEASE_NOT_FINISHED] = {"竞赛尚未结束，不能公示成绩",
				  "the contest has not finished: its results cannot be published"},
	[RELEASE_NONE] = {"成绩尚未公示", "no results have been published"},
	[RELEASE_FINAL] = {"成绩已是最终结果，不能再更改；更正请重新公示",
			   "the results are final: publish a new revision to correct them"},
	[RELEASE_NOTICE] = {"公示期尚未结束", "the notice period has not ended"},
	[RELEASE_OPEN_APPEALS] = {"还有未处理的申诉", "appeals are still open"},
	[RELEASE_DECIDED] = {"该申诉已处理", "the appeal was decided already"},
	[RELEASE_CORRECTION] = {"更正不适用于本竞赛", "the correction does not fit the contest"},
};

static void refused(http_req *req, op *o)
{
	if (o->rc == SA_E_NOT_FOUND && strstr(o->err, "no appeal"))
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个申诉", "the contest has no such appeal");
	else if (o->rc == SA_E_NOT_FOUND)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (o->out.why == RELEASE_CORRECTION)
		api_error(req, SA_E_INVALID_FIELD, "correction", o->err, o->err);
	else if (o->out.why)
		api_error(req, o->rc, NULL, whys[o->out.why].zh, whys[o->out.why].en);
	else if (o->rc == SA_E_INVALID_FIELD && o->kind == OP_DECIDE)
		api_error(req, SA_E_INVALID_FIELD, "correction", o->err, o->err);
	else {
		if (o->rc != SA_E_CONFLICT)
			sa_log(LL_ERROR, "results of contest %s: %s", o->code, o->err);
		http_reply_error(req, o->rc, NULL);
	}
}

/* The board entries a correction moved, set absolutely (the total is PostgreSQL's). */
static void move_board(arena *a, const op *o)
{
	char key[256], member[24], z[32];
	snprintf(key, sizeof key, "%s%s:lb", a->cfg.redis_prefix, o->code);
	for (size_t i = 0; i < o->out.nmoved; i++) {
		lb_member(member, sizeof member, o->out.moved[i].pid);
		snprintf(z, sizeof z, "%.17g",
			 lb_zscore(o->out.moved[i].score_milli, o->out.moved[i].reached_ds));
		lb_command(a, NULL, NULL, "ZADD %s XX %s %s", key, z, member);
	}
}

static void after(http_req *req, void *ud)
{
	op *o = ud;
	arena *a = o->a;
	const auth_principal *who = http_principal(req);
	char target[48];
	if (o->rc) {
		refused(req, o);
		op_free(o);
		return;
	}
	cJSON *r = cJSON_CreateObject(), *audit = cJSON_CreateObject();
	if (o->kind == OP_DECIDE) {
		cJSON_AddNumberToObject(r, "id", (double)o->appeal);
		cJSON_AddStringToObject(r, "status", o->decision);
		cJSON_AddNumberToObject(r, "changed_answers", o->out.changed_answers);
		if (o->out.unpublished)
			cJSON_AddBoolToObject(r, "published", false);
		cJSON_AddStringToObject(audit, "status", o->decision);
		cJSON_AddStringToObject(audit, "reply", o->reply);
		if (o->correction)
			cJSON_AddItemToObject(audit, "correction", cJSON_Duplicate(o->correction, 1));
		cJSON_AddNumberToObject(audit, "changed_answers", o->out.changed_answers);
		move_board(a, o);
	} else
		cJSON_AddStringToObject(r, "status", o->kind == OP_PUBLISH ? "provisional" : "final");
	if (o->out.revision) {
		cJSON_AddNumberToObject(r, "revision", (double)o->out.revision);
		cJSON_AddNumberToObject(audit, "revision", (double)o->out.revision);
	}
	if (o->out.notice_until[0]) {
		cJSON_AddStringToObject(r, "notice_until", o->out.notice_until);
		cJSON_AddStringToObject(audit, "notice_until", o->out.notice_until);
	}
	if (o->kind == OP_PUBLISH) {
		cJSON_AddNumberToObject(r, "participants", (double)o->out.participants);
		cJSON_AddNumberToObject(audit, "notice_days", o->notice_days);
	}
	if (o->kind == OP_FINALIZE)
		cJSON_AddBoolToObject(audit, "forced", o->force);
	static const char *const actions[] = {"results.publish", "results.finalize", "appeal.decide"};
	if (o->kind == OP_DECIDE)
		snprintf(target, sizeof target, "appeal %lld", (long long)o->appeal);
	else
		snprintf(target, sizeof target, "revision %lld", (long long)o->out.revision);
	cJSON *before = NULL;
	if (o->kind == OP_DECIDE)
		cJSON_AddStringToObject(before = cJSON_CreateObject(), "status", "open");
	audit_write(a, who, actions[o->kind], o->code, target, before, audit);
	cJSON_Delete(before);
	cJSON_Delete(audit);
	http_reply_json(req, o->kind == OP_PUBLISH ? 201 : 200, r);
	op_free(o);
}

static op *op_new(http_req *req, int kind)
{
	op *o = http_alloc(req, sizeof *o);
	if (!o)
		return NULL;
	o->kind = kind;
	o->a = http_arena(req);
	o->account = http_principal(req)->account_id;
	if (validate_code(http_param(req, "code"), o->code))
		snprintf(o->code, sizeof o->code, "-");
	return o;
}

static int start(http_req *req, op *o)
{
	if (api_pool(req, work, after, o)) {
		op_free(o);
		return SA_E_INTERNAL;
	}
	return 0;
}

/* ------------------------------------------------------------ routes */

static int publish_post(http_req *req)
{
	op *o = op_new(req, OP_PUBLISH);
	cJSON *body = http_json_body(req);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(body, "notice_days");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(body, "mask");
	if (!o)
		return SA_E_INTERNAL;
	if (!cJSON_IsNumber(d) || d->valuedouble != floor(d->valuedouble) || d->valuedouble < 0 ||
	    d->valuedouble > 90) {
		api_error(req, SA_E_INVALID_FIELD, "notice_days", "公示天数须为 0–90 的整数",
			  "notice_days is a whole number of days, 0-90");
		return 0;
	}
	if (m && !cJSON_IsObject(m)) {
		api_error(req, SA_E_INVALID_FIELD, "mask", "mask 须为对象", "mask is an object");
		return 0;
	}
	o->notice_days = (int)d->valuedouble;
	if (m && !(o->mask = cJSON_Duplicate(m, 1)))
		return SA_E_INTERNAL;
	return start(req, o);
}

static int finalize_post(http_req *req)
{
	op *o = op_new(req, OP_FINALIZE);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(http_json_body(req), "force");
	if (!o)
		return SA_E_INTERNAL;
	if (f && !cJSON_IsBool(f)) {
		api_error(req, SA_E_INVALID_FIELD, "force", "force 须为 true 或 false",
			  "force is true or false");
		return 0;
	}
	o->force = cJSON_IsTrue(f);
	if (o->force && http_principal(req)->role != AUTH_ADMIN) {
		api_error(req, SA_E_FORBIDDEN, "force", "只有管理员可以在公示期内提前确定成绩",
			  "only an admin may finalize before the notice period ends");
		return 0;
	}
	return start(req, o);
}

/* Reply and correction of a decision: 0, or 1 answered (400). */
static int decide_fields(http_req *req, op *o)
{
	int bad = 0;
	const char *dec = api_string(req, "decision", &bad), *reply = api_string(req, "reply", &bad);
	const cJSON *corr = cJSON_GetObjectItemCaseSensitive(http_json_body(req), "correction");
	if (bad || !dec || (strcmp(dec, "upheld") && strcmp(dec, "dismissed"))) {
		api_error(req, SA_E_INVALID_FIELD, "decision",
			  "decision 须为 upheld（申诉成立）或 dismissed（驳回）",
			  "decision is upheld or dismissed");
		return 1;
	}
	if (!reply || validate_text(reply, 1, 500, &o->reply)) {
		api_error(req, SA_E_INVALID_FIELD, "reply", "答复须为 1–500 字的文本",
			  "reply is text of 1-500 characters");
		return 1;
	}
	if (corr && !cJSON_IsNull(corr) && (!cJSON_IsObject(corr) || strcmp(dec, "upheld"))) {
		api_error(req, SA_E_INVALID_FIELD, "correction", "只有成立的申诉可附更正，且须为对象",
			  "only an upheld appeal carries a correction, an object");
		return 1;
	}
	snprintf(o->decision, sizeof o->decision, "%s", dec);
	if (cJSON_IsObject(corr) && !(o->correction = cJSON_Duplicate(corr, 1)))
		return -1;
	return 0;
}

static int decide_post(http_req *req)
{
	op *o = op_new(req, OP_DECIDE);
	if (!o)
		return SA_E_INTERNAL;
	if (!(o->appeal = api_id(req, "id"))) {
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个申诉", "the contest has no such appeal");
		return 0;
	}
	int rc = decide_fields(req, o);
	if (rc) {
		op_free(o);
		return rc < 0 ? SA_E_INTERNAL : 0;
	}
	return start(req, o);
}

static void appeals_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!store_text(res, 0, 0))
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else
		http_reply_json(req, 200, api_json_cell(res, 0, 0));
	http_req_unref(req);
}

static int appeals_get(http_req *req)
{
	const char *status = http_query(req, "status");
	if (status && strcmp(status, "open") && strcmp(status, "upheld") && strcmp(status, "dismissed")) {
		api_error(req, SA_E_INVALID_FIELD, "status", "status 须为 open、upheld 或 dismissed",
			  "status is open, upheld or dismissed");
		return 0;
	}
	const char *p[2] = {http_param(req, "code"), status};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"SELECT (SELECT json_build_object('code', c.code, 'appeals', coalesce((SELECT json_agg("
		"json_build_object('id', x.id, 'participant_id', x.participant_id, 'name', p.name, "
		"'employee_no', p.employee_no, 'unit', p.unit, 'question_id', x.question_id, 'reason', x.reason, "
		"'status', x.status, 'reply', x.reply, 'correction', x.correction, 'revision', x.revision, "
		"'created_at', x.created_at, 'decided_at', x.decided_at, 'decided_by', "
		"(SELECT u.username FROM accounts u WHERE u.id = x.decided_by)) ORDER BY x.id) "
		"FROM appeals x JOIN participants p ON p.id = x.participant_id WHERE x.contest_id = c.id "
		"AND ($2::text IS NULL OR x.status = $2)), '[]')) FROM contests c WHERE c.code = upper($1))",
		2, p, appeals_read, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

#define ORGANIZERS                           \
	{                                    \
		AUTH_CONTEST, AUTH_ORGANIZER \
	}
#define DECIDERS                                          \
	{                                                 \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_JUDGE \
	}

const route api_release_routes[] = {
	{ROUTE_POST, "/api/console/contests/{code}/results/publish", publish_post, ORGANIZERS,
	 ROUTE_BODY_JSON, 4096, 0},
	{ROUTE_POST, "/api/console/contests/{code}/results/finalize", finalize_post, ORGANIZERS,
	 ROUTE_BODY_JSON, 1024, 0},
	{ROUTE_GET, "/api/console/contests/{code}/appeals", appeals_get, DECIDERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests/{code}/appeals/{id}/decide", decide_post, DECIDERS,
	 ROUTE_BODY_JSON, 16384, 0},
	{0},
};

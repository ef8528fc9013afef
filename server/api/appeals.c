/*
 * appeals.c - the public side of published results (公示):
 *
 *   GET  /api/results/{code}   the latest published revision (anyone): the
 *                              ranking with names and employee numbers
 *                              masked as the organizer chose at publication
 *                              (stored masked: result_release_rows), award,
 *                              provisional or final, the notice period
 *   POST /api/appeals          a participant files an appeal with its
 *                              participant token (its phone's localStorage):
 *                              {token, question_id?, reason}
 *   POST /api/appeals/mine     its appeals and their answers {token}
 *
 * An appeal is taken while the latest revision is provisional and its
 * notice period runs; one open appeal per participant and question (a
 * partial unique index decides, whichever process gets it); the reason is
 * display text of 1-500 characters (line breaks become spaces). Every
 * appeal filed is in the audit log. The organizers' side is api/release.c.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "live/validate.h"
#include "store/audit.h"
#include "store/store.h"

#define PAGE_MAX 1000

static int results_public(http_req *req)
{
	long page = api_number(http_query(req, "page"), 1, 1000000);
	long per = api_number(http_query(req, "per_page"), 200, PAGE_MAX);
	if (!page || !per) {
		api_error(req, SA_E_INVALID_FIELD, !page ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–1000", "page counts from 1, per_page is 1-1000");
		return 0;
	}
	char pp[24], off[24];
	snprintf(pp, sizeof pp, "%ld", per);
	snprintf(off, sizeof off, "%ld", (page - 1) * per);
	const char *p[3] = {http_param(req, "code"), pp, off};
	return api_query_json(
		req,
		"SELECT json_build_object('code', c.code, 'title', c.title, 'revision', coalesce(r.revision, 0), "
		"'status', coalesce(r.status, 'unpublished'), 'notice_days', r.notice_days, "
		"'notice_until', r.notice_until, 'published_at', r.published_at, 'finalized_at', r.finalized_at, "
		"'participants', coalesce(r.participants, 0), 'max', r.max_milli / 1000.0::float8, "
		"'appeals_open', coalesce(r.status = 'provisional' AND now() <= r.notice_until, false), "
		"'questions', coalesce((SELECT json_agg(json_build_object('id', q.qid, 'index', q.idx) ORDER BY q.idx) "
		"  FROM questions q WHERE q.contest_id = c.id), '[]'), "
		"'page', $3::bigint / $2::int + 1, 'per_page', $2::int, "
		"'rows', coalesce((SELECT json_agg(json_build_object('place', x.place, 'rank', x.rank, 'tied', x.tied, "
		"  'name', x.name_masked, 'employee_no', x.employee_no_masked, 'unit', x.unit, "
		"  'score', x.score_milli / 1000.0::float8, 'award', x.award, 'award_en', x.award_en) "
		"  ORDER BY x.place) "
		"  FROM result_release_rows x WHERE x.contest_id = r.contest_id AND x.revision = r.revision "
		"  AND x.place > $3::bigint AND x.place <= $3::bigint + $2::int), '[]')) "
		"FROM contests c LEFT JOIN LATERAL (SELECT * FROM result_releases x WHERE x.contest_id = c.id "
		"  AND x.epoch = c.epoch ORDER BY x.revision DESC LIMIT 1) r ON true WHERE c.code = upper($1)",
		3, p, &API_NO_CONTEST);
}

/* ------------------------------------------------------------ filing */

typedef struct filing {
	http_req *req;
	char hash[65];
	char *reason, *qid;
	char code[24];
	int64_t pid;
} filing;

static void filing_free(filing *f)
{
	free(f->reason);
	free(f->qid);
}

static void filing_end(filing *f)
{
	http_req *req = f->req;
	filing_free(f);
	http_req_unref(req);
}

static void inserted(arena *a, void *res, const char *err, void *ud)
{
	filing *f = ud;
	int64_t id;
	if (err || !res)
		http_reply_error(f->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1 || store_int(res, 0, 0, 1, INT64_MAX, &id))
		api_error(f->req, SA_E_CONFLICT, "question_id", "该题已有未处理的申诉，请等待答复",
			  "an appeal about this is open already: wait for its answer");
	else {
		char target[48];
		cJSON *r = cJSON_CreateObject(), *d = cJSON_CreateObject();
		snprintf(target, sizeof target, "appeal %lld", (long long)id);
		cJSON_AddNumberToObject(d, "participant_id", (double)f->pid);
		cJSON_AddItemToObject(d, "question_id",
				      f->qid ? cJSON_CreateString(f->qid) : cJSON_CreateNull());
		cJSON_AddStringToObject(d, "reason", f->reason);
		audit_note(a, http_principal(f->req), "appeal.file", f->code, target, d);
		cJSON_Delete(d);
		cJSON_AddNumberToObject(r, "id", (double)id);
		cJSON_AddStringToObject(r, "status", "open");
		cJSON_AddItemToObject(r, "question_id",
				      f->qid ? cJSON_CreateString(f->qid) : cJSON_CreateNull());
		http_reply_json(f->req, 201, r);
	}
	filing_end(f);
}

/* id, contest id, code, latest revision's status (NULL: none), its notice running, question known */
static void found(arena *a, void *res, const char *err, void *ud)
{
	filing *f = ud;
	const char *status = res && PQntuples(res) == 1 ? store_text(res, 0, 3) : NULL;
	if (err || !res)
		http_reply_error(f->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1 || store_int(res, 0, 0, 1, INT64_MAX, &f->pid))
		api_error(f->req, SA_E_BAD_TOKEN, "token", "参赛凭证无效：请用参赛时的手机提交申诉",
			  "unknown participant token: appeal from the phone you took part with");
	else if (!status || strcmp(status, "provisional") || strcmp(PQgetvalue(res, 0, 4), "t"))
		api_error(f->req, SA_E_BAD_STATE, NULL,
			  !status ? "成绩尚未公示，暂不能申诉" : "公示期已结束，不能再申诉",
			  !status ? "no results are published yet: no appeals"
				  : "the notice period is over: no more appeals");
	else if (strcmp(PQgetvalue(res, 0, 5), "t"))
		api_error(f->req, SA_E_INVALID_FIELD, "question_id", "本竞赛没有这道题",
			  "the contest has no such question");
	else {
		char pid[24];
		snprintf(f->code, sizeof f->code, "%s", PQgetvalue(res, 0, 2));
		snprintf(pid, sizeof pid, "%lld", (long long)f->pid);
		const char *p[4] = {PQgetvalue(res, 0, 1), pid, f->qid, f->reason};
		if (!store_query(a,
				 "INSERT INTO appeals (contest_id, participant_id, question_id, reason) "
				 "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
				 4, p, inserted, f))
			return;
		http_reply_error(f->req, SA_E_UNAVAILABLE, NULL);
	}
	filing_end(f);
}

/* The reason as display text, line breaks as spaces: 0, or 1 answered. */
static int reason_of(http_req *req, const char *s, char **out)
{
	char *flat = s ? strdup(s) : NULL;
	for (char *c = flat; c && *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	int rc = flat ? validate_text_why(flat, 1, 500, out) : VALIDATE_EMPTY;
	free(flat);
	if (!rc)
		return 0;
	api_error(req, SA_E_INVALID_FIELD, "reason",
		  rc == VALIDATE_TOO_LONG ? "申诉理由最多 500 字" : "请填写申诉理由（1–500 字的文本）",
		  rc == VALIDATE_TOO_LONG ? "the reason is at most 500 characters"
					  : "a reason of 1-500 characters of text is needed");
	return 1;
}

static int appeal_post(http_req *req)
{
	int bad_token = 0, bad_qid = 0, bad_reason = 0;
	const char *token = api_string(req, "token", &bad_token),
		   *qid = api_string(req, "question_id", &bad_qid);
	const char *reason = api_string(req, "reason", &bad_reason);
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(http_json_body(req), "question_id");
	filing *f = http_alloc(req, sizeof *f);
	if (!f)
		return SA_E_INTERNAL;
	f->req = req;
	if (bad_token || !token || strlen(token) < 16 || strlen(token) > 128) {
		api_error(req, SA_E_INVALID_FIELD, "token", "缺少参赛凭证：请用参赛时的手机提交申诉",
			  "the participant token is missing: appeal from the phone you took part with");
		return 0;
	}
	if ((bad_qid && !cJSON_IsNull(q)) || (qid && validate_text(qid, 1, 64, &f->qid))) {
		api_error(req, SA_E_INVALID_FIELD, "question_id", "本竞赛没有这道题",
			  "the contest has no such question");
		filing_free(f);
		return 0;
	}
	if (reason_of(req, bad_reason ? NULL : reason, &f->reason)) {
		filing_free(f);
		return 0;
	}
	auth_sha256_hex(token, f->hash);
	const char *p[2] = {f->hash, f->qid};
	int rc = api_query(
		req,
		"SELECT p.id, c.id, c.code, r.status, r.notice_until >= now(), "
		"$2::text IS NULL OR EXISTS (SELECT 1 FROM questions q WHERE q.contest_id = c.id AND q.qid = $2) "
		"FROM participants p JOIN contests c ON c.id = p.contest_id "
		"LEFT JOIN LATERAL (SELECT status, notice_until FROM result_releases x WHERE x.contest_id = c.id "
		"AND x.epoch = c.epoch ORDER BY x.revision DESC LIMIT 1) r ON true WHERE p.token_hash = $1",
		2, p, found, f);
	if (rc)
		filing_free(f);
	return rc;
}

/* ------------------------------------------------------------ a participant's own appeals */

static const api_err UNKNOWN_TOKEN = {SA_E_BAD_TOKEN, "token", "参赛凭证无效：请用参赛时的手机查看",
				      "unknown participant token: look from the phone you took part with"};

/* POST /api/appeals/mine {token}: the appeals of the token's participant with their answers
 * (POST: a token never goes into a URL or a log). */
static int appeals_mine(http_req *req)
{
	int bad = 0;
	const char *token = api_string(req, "token", &bad);
	char hash[65];
	if (bad || !token) {
		api_error(req, SA_E_INVALID_FIELD, "token", "缺少参赛凭证",
			  "the participant token is needed");
		return 0;
	}
	auth_sha256_hex(token, hash);
	const char *p[1] = {hash};
	return api_query_json(
		req,
		"SELECT json_build_object('code', c.code, 'appeals', coalesce((SELECT json_agg(json_build_object("
		"'id', x.id, 'question_id', x.question_id, 'reason', x.reason, 'status', x.status, 'reply', x.reply, "
		"'revision', x.revision, 'created_at', x.created_at, 'decided_at', x.decided_at) ORDER BY x.id) "
		"FROM appeals x WHERE x.participant_id = p.id), '[]')) "
		"FROM participants p JOIN contests c ON c.id = p.contest_id WHERE p.token_hash = $1",
		1, p, &UNKNOWN_TOKEN);
}

const route api_appeals_routes[] = {
	{ROUTE_GET, "/api/results/{code}", results_public, {AUTH_PUBLIC, 0}, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/appeals", appeal_post, {AUTH_PUBLIC, 0}, ROUTE_BODY_JSON, 8192, 0},
	{ROUTE_POST, "/api/appeals/mine", appeals_mine, {AUTH_PUBLIC, 0}, ROUTE_BODY_JSON, 1024, 0},
	{0},
};

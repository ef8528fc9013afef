/*
 * contest.c - contest definitions: load, validate, expand.
 *
 * A contest file (docs/contests.md, contests/schema/contest.schema.json) is
 * read, checked in full - every problem reported at once with file, JSON
 * path and reason, in zh-CN or English - and expanded into what the server
 * plays: the ordered list of questions, each compiled by the scoring engine
 * (so a question that cannot be scored is refused here, never when a player
 * answers), the stages with their weights, the rounds, the judged tasks.
 *
 * Layout of a contest: metadata (code, title, organizer, dates), mode (live,
 * exam, practice), then either inline "questions", a "paper" drawn from
 * "banks", or "stages" each holding one of those; optional "rounds",
 * "awards", "pass_mark", "leaderboards", "window" (exam). Field checkers are
 * rows of tables, so a new top-level field is a new row.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

#define CX_DEFAULT_LIMIT_MS 30000
#define CX_MAX_QUESTIONS 1000
#define CX_MAX_STAGES 16
#define CX_MAX_ROUNDS 8
#define CX_MAX_AWARDS 16
#define CX_MAX_BANKS 32

static const char *const cx_modes[] = {"live", "exam", "practice", NULL};
static const char *const cx_stage_kinds[] = {"quiz", "judged", NULL};

/* Question types a stage kind may hold: judged stages hold only "judged" tasks. */
static bool cx_kind_allows(const char *kind, const char *type)
{
	bool judged_type = type && strcmp(type, "judged") == 0;
	return strcmp(kind, "judged") == 0 ? judged_type : !judged_type;
}

static const char *const cx_contest_fields[] = {
	"code",         "title",   "organizer", "description", "starts_at",    "ends_at", "mode",
	"time_limit_s", "scoring", "pass_mark", "awards",      "leaderboards", "banks",   "questions",
	"paper",        "stages",  "rounds",    "window",      "seed",         NULL};
static const char *const cx_stage_fields[] = {
	"id",           "title",     "kind",  "weight",      "time_limit_s",
	"duration_min", "questions", "paper", "description", NULL};
static const char *const cx_round_fields[] = {"id", "title", "stages", "advance", NULL};
static const char *const cx_advance_fields[] = {"top", NULL};
static const char *const cx_awards_fields[] = {"by", "tiers", "require_pass", NULL};
static const char *const cx_tier_fields[] = {"name", "count", "min_percent", NULL};
static const char *const cx_leaderboard_fields[] = {"individual", "team", "unit", NULL};
static const char *const cx_window_fields[] = {"opens_at", "closes_at", "duration_min", NULL};

static bool cx_in(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool cx_en(const cx *c) { return c->lang && strcmp(c->lang, "en") == 0; }

/* ---- small sections ---- */

static void cx_check_code(cx *c, const cJSON *root, contest_def *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "code");
	if (!v) {
		cx_err(c, "$", CXM_MISSING, "code");
		return;
	}
	if (!cJSON_IsString(v)) {
		cx_err(c, "$.code", CXM_WANT_STRING);
		return;
	}
	const char *s = v->valuestring;
	size_t n = strlen(s);
	bool ok = n >= 4 && n <= 16;
	for (size_t i = 0; ok && i < n; i++)
		ok = isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]);
	if (!ok) {
		char shown[40];
		snprintf(shown, sizeof shown, "%.32s", s);
		cx_err(c, "$.code", CXM_CODE, shown);
		return;
	}
	def->code = cx_strdup(s);
}

static void cx_check_dates(cx *c, const cJSON *root, contest_def *def)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "starts_at");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "ends_at");
	int64_t ta = 0, tb = 0;
	bool oka = a && cx_datetime(c, a, "$.starts_at", &ta);
	bool okb = b && cx_datetime(c, b, "$.ends_at", &tb);
	if (oka && okb && ta >= tb)
		cx_err(c, "$.ends_at", CXM_DATE_ORDER, "starts_at", "ends_at");
	def->starts_at = oka ? ta : 0;
	def->ends_at = okb ? tb : 0;
}

static void cx_check_window(cx *c, const cJSON *root, const char *mode, contest_def *def)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "window");
	if (!w) {
		if (mode && strcmp(mode, "exam") == 0)
			cx_err(c, "$", CXM_EXAM_WINDOW);
		return;
	}
	if (mode && strcmp(mode, "live") == 0) {
		cx_err(c, "$.window", CXM_EXCLUSIVE, "mode: live", "window");
		return;
	}
	if (!cJSON_IsObject(w)) {
		cx_err(c, "$.window", CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, w, "$.window", cx_window_fields);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(w, "opens_at");
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(w, "closes_at");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(w, "duration_min");
	int64_t to = 0, tc = 0;
	long long dm = 0;
	bool ok1 = false, ok2 = false, ok3 = false;
	if (!o)
		cx_err(c, "$.window", CXM_MISSING, "opens_at");
	else
		ok1 = cx_datetime(c, o, "$.window.opens_at", &to);
	if (!cl)
		cx_err(c, "$.window", CXM_MISSING, "closes_at");
	else
		ok2 = cx_datetime(c, cl, "$.window.closes_at", &tc);
	if (!d)
		cx_err(c, "$.window", CXM_MISSING, "duration_min");
	else
		ok3 = cx_int(c, d, "$.window.duration_min", 1, 24 * 60, &dm);
	if (ok1 && ok2 && to >= tc)
		cx_err(c, "$.window.closes_at", CXM_DATE_ORDER, "opens_at", "closes_at");
	else if (ok1 && ok2 && ok3 && dm * 60 > tc - to)
		cx_err(c, "$.window.duration_min", CXM_RANGE_INT, 1LL, (long long)((tc - to) / 60));
	def->opens_at = ok1 ? to : 0;
	def->closes_at = ok2 ? tc : 0;
	def->duration_ms = ok3 ? dm * 60000 : 0;
}

static void cx_check_leaderboards(cx *c, const cJSON *root, contest_def *def)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "leaderboards");
	def->leaderboard_individual = true;
	if (!l)
		return;
	if (!cJSON_IsObject(l)) {
		cx_err(c, "$.leaderboards", CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, l, "$.leaderboards", cx_leaderboard_fields);
	char p[CX_PATH_MAX];
	bool *flags[] = {&def->leaderboard_individual, &def->leaderboard_team, &def->leaderboard_unit};
	for (int k = 0; cx_leaderboard_fields[k]; k++) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(l, cx_leaderboard_fields[k]);
		if (it)
			cx_bool(c, it, cx_key(p, "$.leaderboards", it->string), flags[k]);
	}
}

static void cx_check_awards(cx *c, const cJSON *root, contest_def *def)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "awards");
	char p[CX_PATH_MAX], tp[CX_PATH_MAX];
	if (!a)
		return;
	if (!cJSON_IsObject(a)) {
		cx_err(c, "$.awards", CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, a, "$.awards", cx_awards_fields);
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(a, "by");
	int basis = 0; /* 1 rank, 2 score */
	if (!by)
		cx_err(c, "$.awards", CXM_MISSING, "by");
	else if (!cJSON_IsString(by))
		cx_err(c, "$.awards.by", CXM_WANT_STRING);
	else if (strcmp(by->valuestring, "rank") == 0)
		basis = 1;
	else if (strcmp(by->valuestring, "score") == 0)
		basis = 2;
	else
		cx_err(c, "$.awards.by", CXM_AWARD_BY, by->valuestring);
	def->awards_by = basis == 1 ? "rank" : basis == 2 ? "score" : NULL;
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(a, "require_pass");
	if (rp)
		cx_bool(c, rp, "$.awards.require_pass", &def->awards_require_pass);
	const cJSON *tiers = cJSON_GetObjectItemCaseSensitive(a, "tiers");
	if (!tiers) {
		cx_err(c, "$.awards", CXM_MISSING, "tiers");
		return;
	}
	if (!cJSON_IsArray(tiers)) {
		cx_err(c, "$.awards.tiers", CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(tiers);
	if (n == 0)
		cx_err(c, "$.awards.tiers", CXM_EMPTY_STRING);
	if (n > CX_MAX_AWARDS)
		cx_err(c, "$.awards.tiers", CXM_TOO_MANY, CX_MAX_AWARDS);
	double prev = 1e300;
	if (n > 0) {
		def->awards = calloc((size_t)n, sizeof *def->awards);
		if (!def->awards)
			abort();
	}
	for (int i = 0; i < n && i < CX_MAX_AWARDS; i++) {
		contest_award_tier *tier = &def->awards[def->nawards++];
		const cJSON *t = cJSON_GetArrayItem(tiers, i);
		cx_idx(tp, "$.awards.tiers", i);
		if (!cJSON_IsObject(t)) {
			cx_err(c, tp, CXM_NOT_OBJECT);
			continue;
		}
		cx_fields(c, t, tp, cx_tier_fields);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
		if (!name)
			cx_err(c, tp, CXM_MISSING, "name");
		else if (cx_langmap(c, name, cx_key(p, tp, "name"), 64, false))
			tier->name = name;
		const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(t, "count");
		const cJSON *mp = cJSON_GetObjectItemCaseSensitive(t, "min_percent");
		if (basis == 1) {
			long long k;
			if (mp)
				cx_err(c, cx_key(p, tp, "min_percent"), CXM_EXCLUSIVE, "by: rank",
				       "min_percent");
			if (!cnt)
				cx_err(c, tp, CXM_MISSING, "count");
			else if (cx_int(c, cnt, cx_key(p, tp, "count"), 1, 100000, &k))
				tier->count = (int)k;
		} else if (basis == 2) {
			double m;
			if (cnt)
				cx_err(c, cx_key(p, tp, "count"), CXM_EXCLUSIVE, "by: score", "count");
			if (!mp)
				cx_err(c, tp, CXM_MISSING, "min_percent");
			else if (cx_number(c, mp, cx_key(p, tp, "min_percent"), 0, 100, &m)) {
				tier->min_percent = m;
				if (m >= prev)
					cx_err(c, cx_key(p, tp, "min_percent"), CXM_AWARD_ORDER);
				prev = m;
			}
		}
	}
}

/* ---- banks ---- */

/* The directory of file + rel. */
static char *cx_resolve(const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return cx_strdup(rel);
	return cx_asprintf("%.*s/%s", (int)(slash - file), file, rel);
}

static struct contest_banks *cx_load_banks(cx *c, const cJSON *root)
{
	const cJSON *bj = cJSON_GetObjectItemCaseSensitive(root, "banks");
	if (!bj)
		return NULL;
	if (!cJSON_IsObject(bj)) {
		cx_err(c, "$.banks", CXM_NOT_OBJECT);
		return NULL;
	}
	cx_dup_fields(c, bj, "$.banks");
	struct contest_banks *bs = calloc(1, sizeof *bs);
	if (!bs)
		abort();
	int n = cJSON_GetArraySize(bj);
	if (n > CX_MAX_BANKS) {
		cx_err(c, "$.banks", CXM_TOO_MANY, CX_MAX_BANKS);
		n = CX_MAX_BANKS;
	}
	bs->v = calloc((size_t)(n ? n : 1), sizeof *bs->v);
	if (!bs->v)
		abort();
	const cJSON *it;
	int k = 0;
	char p[CX_PATH_MAX];
	cJSON_ArrayForEach(it, bj)
	{
		if (k++ >= n)
			break;
		cx_key(p, "$.banks", it->string);
		cJSON tmp = {.type = cJSON_String, .valuestring = it->string};
		if (!cx_id(c, &tmp, p))
			continue;
		if (!cx_string(c, it, p, 1000, false))
			continue;
		if (it->valuestring[0] == '/') {
			cx_err(c, p, CXM_BANK_ABSOLUTE);
			continue;
		}
		char *path = cx_resolve(c->file, it->valuestring);
		contest_bank *b = NULL;
		int rc;
		int fmt = contest_bank_format_guess(path);
		if (fmt < 0 || fmt == CONTEST_BANK_JSON)
			rc = contest_bank_load(path, c->eng, c->lang, &b, c->diag);
		else
			rc = contest_bank_import(path, (contest_bank_format)fmt, NULL, c->eng, c->lang, &b,
						 c->diag, NULL);
		if (rc != 0) {
			cx_err(c, p, CXM_BANK_LOAD, it->valuestring);
			free(path);
			continue;
		}
		cx_bank *cb = &bs->v[bs->n++];
		cb->alias = cx_strdup(it->string);
		cb->path = path;
		cb->b = b;
		cx_bank_index(cb);
	}
	return bs;
}

/* ---- questions of a stage ---- */

/* Growable array of contest_question. */
typedef struct cx_qlist {
	contest_question *v;
	size_t n, cap;
} cx_qlist;

static contest_question *cx_qlist_push(cx_qlist *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cx_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	contest_question *q = &l->v[l->n++];
	memset(q, 0, sizeof *q);
	return q;
}

static void cx_questions_free(contest_question *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		cJSON_Delete(v[i].def);
		score_question_free(v[i].compiled);
	}
	free(v);
}

static int64_t cx_limit_ms(const cJSON *q, int64_t stage_ms)
{
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(q, "time_limit_s");
	if (cJSON_IsNumber(tl) && tl->valuedouble >= 1)
		return (int64_t)tl->valuedouble * 1000;
	return stage_ms;
}

/* Compiles a drawn question (already checked in its bank) with the contest's rules. */
static bool cx_add_drawn(cx *c, cx_qlist *l, cJSON *q, const char *alias, int stage, int64_t stage_ms,
			 const cJSON *rules, const char *path)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
	char *nid = cx_asprintf("%s.%s", alias, cJSON_GetStringValue(id) ? id->valuestring : "?");
	cJSON_ReplaceItemInObjectCaseSensitive(q, "id", cJSON_CreateString(nid));
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(c->eng, q, rules, &sq, &err);
	if (rc != SCORE_OK) {
		cx_err(c, path, CXM_COMPILE, err ? err : score_strerror(rc, c->lang));
		free(err);
		free(nid);
		cJSON_Delete(q);
		return false;
	}
	free(err);
	contest_question *cq = cx_qlist_push(l);
	cq->id = nid;
	cq->def = q;
	cq->compiled = sq;
	cq->time_limit_ms = cx_limit_ms(q, stage_ms);
	cq->stage = stage;
	return true;
}

/* ---- stages ---- */

typedef struct cx_stage_src {
	const cJSON *obj;       /* the stage object, or the root for the implicit stage */
	const char *path;       /* "$.stages[1]" or "$" */
	const cJSON *questions; /* inline questions or NULL */
	const cJSON *paper;
} cx_stage_src;

static void cx_check_stage_fields(cx *c, contest_def *def, size_t si, const cx_stage_src *src, bool implicit,
				  int64_t contest_ms, size_t nstages)
{
	contest_stage *st = &def->stages[si];
	const cJSON *o = src->obj;
	const char *path = src->path;
	char p[CX_PATH_MAX];
	st->round = -1;
	st->time_limit_ms = contest_ms;
	st->kind = "quiz";
	if (implicit) {
		st->id = cx_strdup("main");
		st->title = cJSON_GetObjectItemCaseSensitive(o, "title");
		st->weight = 100;
		return;
	}
	if (!cJSON_IsObject(o)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, o, path, cx_stage_fields);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (!v)
		cx_err(c, path, CXM_MISSING, "id");
	else if (cx_id(c, v, cx_key(p, path, "id")))
		st->id = cx_strdup(v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(o, "title");
	if (!v)
		cx_err(c, path, CXM_MISSING, "title");
	else if (cx_langmap(c, v, cx_key(p, path, "title"), 200, false))
		st->title = v;
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "description")))
		cx_langmap(c, v, cx_key(p, path, "description"), 4000, true);
	v = cJSON_GetObjectItemCaseSensitive(o, "kind");
	if (v) {
		if (!cJSON_IsString(v))
			cx_err(c, cx_key(p, path, "kind"), CXM_WANT_STRING);
		else if (!cx_in(cx_stage_kinds, v->valuestring))
			cx_err(c, cx_key(p, path, "kind"), CXM_STAGE_KIND, v->valuestring);
		else
			st->kind = strcmp(v->valuestring, "judged") == 0 ? "judged" : "quiz";
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "weight");
	if (!v) {
		if (nstages > 1)
			cx_err(c, path, CXM_MISSING, "weight");
		else
			st->weight = 100;
	} else {
		cx_number(c, v, cx_key(p, path, "weight"), 0, 100, &st->weight);
	}
	long long ll;
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "time_limit_s")) &&
	    cx_int(c, v, cx_key(p, path, "time_limit_s"), 1, 3600, &ll))
		st->time_limit_ms = ll * 1000;
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "duration_min")) &&
	    cx_int(c, v, cx_key(p, path, "duration_min"), 1, 24 * 60, &ll))
		st->duration_ms = ll * 60000;
}

/* Inline questions of one stage: check, compile, append. */
static void cx_stage_inline(cx *c, contest_def *def, size_t si, const cJSON *qs, const char *qpath,
			    const cJSON *rules, cx_qlist *ql, cx_qlist *tl)
{
	contest_stage *st = &def->stages[si];
	bool judged = strcmp(st->kind, "judged") == 0;
	cx_qlist *l = judged ? tl : ql;
	st->first = l->n;
	if (!cJSON_IsArray(qs)) {
		cx_err(c, qpath, CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(qs);
	if (n == 0)
		cx_err(c, qpath, CXM_NO_QUESTIONS);
	if (n > CX_MAX_QUESTIONS) {
		cx_err(c, qpath, CXM_TOO_MANY, CX_MAX_QUESTIONS);
		return;
	}
	cx_question_ids(c, qs, qpath);
	cx_qopts o = {.bank = false, .rules = rules};
	for (int i = 0; i < n; i++) {
		char p[CX_PATH_MAX], tp[CX_PATH_MAX];
		const cJSON *q = cJSON_GetArrayItem(qs, i);
		cx_idx(p, qpath, i);
		score_question *sq = cx_question(c, q, p, &o);
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		if (type && !cx_kind_allows(st->kind, type))
			cx_err(c, cx_key(tp, p, "type"), CXM_KIND_TYPE, st->kind, type);
		if (!sq)
			continue;
		contest_question *cq = cx_qlist_push(l);
		cq->id = cx_strdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "id")));
		cq->def = cJSON_Duplicate(q, true);
		if (!cq->def)
			abort();
		cq->compiled = sq;
		cq->time_limit_ms = cx_limit_ms(q, st->time_limit_ms);
		cq->stage = (int)si;
	}
	st->count = l->n - st->first;
}

static void cx_stage_paper(cx *c, contest_def *def, size_t si, const cJSON *paper, const char *ppath,
			   const cJSON *rules, bool live, cx_qlist *ql)
{
	contest_stage *st = &def->stages[si];
	st->first = ql->n;
	if (strcmp(st->kind, "judged") == 0) {
		cx_err(c, ppath, CXM_KIND_TYPE, "judged", "paper");
		return;
	}
	if (!def->banks || def->banks->n == 0) {
		/* banks given but broken have been reported already */
		if (!cJSON_GetObjectItemCaseSensitive(def->root, "banks"))
			cx_err(c, "$", CXM_MISSING, "banks");
		return;
	}
	char *seed = cx_asprintf("%s/%s", def->seed ? def->seed : "", st->id ? st->id : "");
	st->paper = cx_blueprint_build(c, paper, ppath, def->banks, live, seed);
	free(seed);
	if (!st->paper)
		return;
	/* every candidate must compile with the contest's rules and fit the stage */
	for (size_t b = 0; b < def->banks->n; b++) {
		const cx_bank *bk = &def->banks->v[b];
		for (size_t k = 0; k < bk->n; k++) {
			char p[CX_PATH_MAX];
			if (!cx_kind_allows(st->kind, bk->items[k].type)) {
				/* judged tasks in a bank are simply never drawn by quiz rules */
				continue;
			}
			if (!rules)
				continue;
			score_question *sq = NULL;
			char *err = NULL;
			int rc = score_compile(c->eng, bk->items[k].q, rules, &sq, &err);
			if (rc != SCORE_OK) {
				snprintf(p, sizeof p, "$.banks.%s -> questions[%zu]", bk->alias, k);
				cx_err(c, p, CXM_COMPILE, err ? err : score_strerror(rc, c->lang));
			}
			free(err);
			score_question_free(sq);
		}
	}
	size_t total = cx_blueprint_total(st->paper);
	cJSON **qs = cx_xmalloc(sizeof *qs * (total ? total : 1));
	const char **alias = cx_xmalloc(sizeof *alias * (total ? total : 1));
	size_t got = cx_blueprint_draw(st->paper, def->banks, "", qs, alias);
	for (size_t i = 0; i < got; i++)
		cx_add_drawn(c, ql, qs[i], alias[i], (int)si, st->time_limit_ms, rules, ppath);
	free(qs);
	free(alias);
	st->count = ql->n - st->first;
}

static void cx_check_rounds(cx *c, const cJSON *root, contest_def *def)
{
	const cJSON *rj = cJSON_GetObjectItemCaseSensitive(root, "rounds");
	char p[CX_PATH_MAX], rp[CX_PATH_MAX], sp[CX_PATH_MAX];
	if (!rj)
		return;
	if (!cJSON_IsArray(rj)) {
		cx_err(c, "$.rounds", CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(rj);
	if (n == 0 || n > CX_MAX_ROUNDS) {
		cx_err(c, "$.rounds", CXM_RANGE_INT, 1LL, (long long)CX_MAX_ROUNDS);
		return;
	}
	def->rounds = calloc((size_t)n, sizeof *def->rounds);
	if (!def->rounds)
		abort();
	def->nrounds = (size_t)n;
	for (int i = 0; i < n; i++) {
		const cJSON *r = cJSON_GetArrayItem(rj, i);
		contest_round *cr = &def->rounds[i];
		cx_idx(rp, "$.rounds", i);
		if (!cJSON_IsObject(r)) {
			cx_err(c, rp, CXM_NOT_OBJECT);
			continue;
		}
		cx_fields(c, r, rp, cx_round_fields);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "id");
		if (!v)
			cx_err(c, rp, CXM_MISSING, "id");
		else if (cx_id(c, v, cx_key(p, rp, "id"))) {
			cr->id = cx_strdup(v->valuestring);
			for (int j = 0; j < i; j++)
				if (def->rounds[j].id && strcmp(def->rounds[j].id, cr->id) == 0) {
					char fp[CX_PATH_MAX];
					cx_err(c, p, CXM_DUP_ID, cr->id, cx_idx(fp, "$.rounds", j));
				}
		}
		v = cJSON_GetObjectItemCaseSensitive(r, "title");
		if (!v)
			cx_err(c, rp, CXM_MISSING, "title");
		else if (cx_langmap(c, v, cx_key(p, rp, "title"), 200, false))
			cr->title = v;
		const cJSON *adv = cJSON_GetObjectItemCaseSensitive(r, "advance");
		if (adv && i == n - 1) {
			cx_err(c, cx_key(p, rp, "advance"), CXM_LAST_ROUND_ADVANCE);
		} else if (!adv && i < n - 1) {
			cx_err(c, rp, CXM_ROUND_ADVANCE);
		} else if (adv) {
			long long top;
			cx_key(p, rp, "advance");
			if (!cJSON_IsObject(adv)) {
				cx_err(c, p, CXM_NOT_OBJECT);
			} else {
				cx_fields(c, adv, p, cx_advance_fields);
				const cJSON *t = cJSON_GetObjectItemCaseSensitive(adv, "top");
				char tp[CX_PATH_MAX];
				if (!t)
					cx_err(c, p, CXM_MISSING, "top");
				else if (cx_int(c, t, cx_key(tp, p, "top"), 1, 100000, &top))
					cr->advance_top = (int)top;
			}
		}
		const cJSON *sts = cJSON_GetObjectItemCaseSensitive(r, "stages");
		cx_key(sp, rp, "stages");
		if (!sts) {
			cx_err(c, rp, CXM_MISSING, "stages");
			continue;
		}
		if (!cJSON_IsArray(sts) || cJSON_GetArraySize(sts) == 0) {
			cx_err(c, sp, CXM_WANT_ARRAY);
			continue;
		}
		int k = 0;
		const cJSON *s;
		cJSON_ArrayForEach(s, sts)
		{
			cx_idx(p, sp, k++);
			if (!cJSON_IsString(s)) {
				cx_err(c, p, CXM_WANT_STRING);
				continue;
			}
			bool found = false;
			for (size_t j = 0; j < def->nstages && !found; j++)
				if (def->stages[j].id && strcmp(def->stages[j].id, s->valuestring) == 0) {
					found = true;
					if (def->stages[j].round >= 0)
						cx_err(c, p, CXM_STAGE_REUSED, s->valuestring);
					else
						def->stages[j].round = i;
				}
			if (!found)
				cx_err(c, p, CXM_UNKNOWN_REF, cx_en(c) ? "stage" : "阶段", s->valuestring);
		}
	}
	/* every stage must belong to a round once rounds are given */
	for (size_t j = 0; j < def->nstages; j++)
		if (def->stages[j].round < 0 && def->stages[j].id) {
			char sp2[CX_PATH_MAX];
			cx_err(c, cx_idx(sp2, "$.stages", (int)j), CXM_STAGE_NO_ROUND, def->stages[j].id);
		}
}

/* The JSON path of item i of a list (questions or tasks). */
static void cx_item_path(char *out, const contest_def *def, const contest_question *q, size_t i,
			 bool implicit)
{
	const contest_stage *st = &def->stages[q->stage];
	if (implicit)
		snprintf(out, CX_PATH_MAX, "$.%s[%zu].id", st->paper ? "paper" : "questions", i - st->first);
	else
		snprintf(out, CX_PATH_MAX, "$.stages[%d].%s[%zu].id", q->stage,
			 st->paper ? "paper" : "questions", i - st->first);
}

/* Ids unique across stages (within a stage cx_question_ids() has checked them). */
static void cx_check_unique_ids(cx *c, const contest_def *def, const cx_qlist *ql, const cx_qlist *tl,
				bool implicit)
{
	const cx_qlist *lists[2] = {ql, tl};
	for (int a = 0; a < 2; a++)
		for (size_t i = 0; i < lists[a]->n; i++) {
			bool dup = false;
			for (int b = 0; b <= a && !dup; b++)
				for (size_t j = 0; j < (b == a ? i : lists[b]->n) && !dup; j++)
					if (lists[a]->v[i].stage != lists[b]->v[j].stage &&
					    strcmp(lists[a]->v[i].id, lists[b]->v[j].id) == 0) {
						char p[CX_PATH_MAX], fp[CX_PATH_MAX];
						cx_item_path(p, def, &lists[a]->v[i], i, implicit);
						cx_item_path(fp, def, &lists[b]->v[j], j, implicit);
						cx_err(c, p, CXM_DUP_ID, lists[a]->v[i].id, fp);
						dup = true;
					}
		}
}

static int cx_load_json(cx *c, cJSON *root, contest_def *def)
{
	char p[CX_PATH_MAX];
	if (!cJSON_IsObject(root)) {
		cx_err(c, "$", CXM_NOT_OBJECT);
		return -1;
	}
	cx_fields(c, root, "$", cx_contest_fields);
	cx_check_code(c, root, def);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "title");
	if (!v)
		cx_err(c, "$", CXM_MISSING, "title");
	else
		cx_langmap(c, v, "$.title", 200, false);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "organizer")))
		cx_langmap(c, v, "$.organizer", 200, false);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "description")))
		cx_langmap(c, v, "$.description", 4000, true);
	cx_check_dates(c, root, def);
	const char *mode = NULL;
	v = cJSON_GetObjectItemCaseSensitive(root, "mode");
	if (!v)
		cx_err(c, "$", CXM_MISSING, "mode");
	else if (!cJSON_IsString(v))
		cx_err(c, "$.mode", CXM_WANT_STRING);
	else if (!cx_in(cx_modes, v->valuestring))
		cx_err(c, "$.mode", CXM_MODE, v->valuestring);
	else
		mode = v->valuestring;
	def->mode = cx_strdup(mode ? mode : "live");
	bool live = mode && strcmp(mode, "live") == 0;
	int64_t contest_ms = CX_DEFAULT_LIMIT_MS;
	long long ll;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "time_limit_s")) &&
	    cx_int(c, v, "$.time_limit_s", 1, 3600, &ll))
		contest_ms = ll * 1000;
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "scoring");
	if (rules && !cJSON_IsObject(rules)) {
		cx_err(c, "$.scoring", CXM_NOT_OBJECT);
		rules = NULL;
	}
	def->pass_mark = -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "pass_mark")))
		cx_number(c, v, "$.pass_mark", 0, 100, &def->pass_mark);
	cx_check_awards(c, root, def);
	cx_check_leaderboards(c, root, def);
	cx_check_window(c, root, mode, def);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "seed")) && cx_string(c, v, "$.seed", 128, false))
		def->seed = cx_strdup(v->valuestring);
	else
		def->seed = cx_strdup(def->code ? def->code : "");
	def->banks = cx_load_banks(c, root);

	/* the stages: explicit, or one implicit stage from questions/paper */
	const cJSON *stages = cJSON_GetObjectItemCaseSensitive(root, "stages");
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(root, "questions");
	const cJSON *paper = cJSON_GetObjectItemCaseSensitive(root, "paper");
	int given = !!stages + !!qs + !!paper;
	if (given == 0) {
		cx_err(c, "$", CXM_NEED_ONE_OF, "questions", "paper/stages");
		return -1;
	}
	if (given > 1) {
		cx_err(c, "$", CXM_EXCLUSIVE, stages ? "stages" : "questions", paper ? "paper" : "questions");
		return -1;
	}
	cx_qlist ql = {0}, tl = {0};
	if (!stages) {
		def->stages = calloc(1, sizeof *def->stages);
		if (!def->stages)
			abort();
		def->nstages = 1;
		cx_stage_src src = {root, "$", qs, paper};
		cx_check_stage_fields(c, def, 0, &src, true, contest_ms, 1);
		if (qs)
			cx_stage_inline(c, def, 0, qs, "$.questions", rules, &ql, &tl);
		else
			cx_stage_paper(c, def, 0, paper, "$.paper", rules, live, &ql);
	} else if (!cJSON_IsArray(stages) || cJSON_GetArraySize(stages) == 0) {
		cx_err(c, "$.stages", CXM_WANT_ARRAY);
	} else if (cJSON_GetArraySize(stages) > CX_MAX_STAGES) {
		cx_err(c, "$.stages", CXM_TOO_MANY, CX_MAX_STAGES);
	} else {
		size_t n = (size_t)cJSON_GetArraySize(stages);
		def->stages = calloc(n, sizeof *def->stages);
		if (!def->stages)
			abort();
		def->nstages = n;
		double wsum = 0;
		bool wok = true;
		for (size_t i = 0; i < n; i++) {
			const cJSON *so = cJSON_GetArrayItem(stages, (int)i);
			char sp[CX_PATH_MAX];
			cx_idx(sp, "$.stages", (int)i);
			size_t before = cx_nerr(c);
			cx_stage_src src = {so, sp, NULL, NULL};
			cx_check_stage_fields(c, def, i, &src, false, contest_ms, n);
			if (cx_nerr(c) != before)
				wok = false;
			wsum += def->stages[i].weight;
			if (def->stages[i].id)
				for (size_t j = 0; j < i; j++)
					if (def->stages[j].id &&
					    strcmp(def->stages[j].id, def->stages[i].id) == 0) {
						char fp[CX_PATH_MAX];
						cx_err(c, cx_key(p, sp, "id"), CXM_DUP_ID, def->stages[i].id,
						       cx_idx(fp, "$.stages", (int)j));
					}
			if (!cJSON_IsObject(so))
				continue;
			const cJSON *sq = cJSON_GetObjectItemCaseSensitive(so, "questions");
			const cJSON *spaper = cJSON_GetObjectItemCaseSensitive(so, "paper");
			if (sq && spaper)
				cx_err(c, sp, CXM_EXCLUSIVE, "questions", "paper");
			else if (!sq && !spaper)
				cx_err(c, sp, CXM_NEED_ONE_OF, "questions", "paper");
			else if (sq)
				cx_stage_inline(c, def, i, sq, cx_key(p, sp, "questions"), rules, &ql, &tl);
			else
				cx_stage_paper(c, def, i, spaper, cx_key(p, sp, "paper"), rules, live, &ql);
		}
		if (wok && (wsum < 99.999 || wsum > 100.001))
			cx_err(c, "$.stages", CXM_WEIGHTS_SUM, wsum);
	}
	cx_check_rounds(c, root, def);
	cx_check_unique_ids(c, def, &ql, &tl, !stages);
	if (ql.n == 0 && tl.n == 0 && cx_nerr(c) == 0)
		cx_err(c, "$", CXM_NO_QUESTIONS);
	def->questions = ql.v;
	def->nquestions = ql.n;
	def->tasks = tl.v;
	def->ntasks = tl.n;
	return 0;
}

/* Loads from a parsed root (taken), or reports the parse problem (root NULL). */
static int cx_load_root(cx *c, cJSON *root, contest_def **out, contest_diag *local, size_t before)
{
	if (!root) {
		contest_diag_free(local);
		return -1;
	}
	contest_def *def = calloc(1, sizeof *def);
	if (!def)
		abort();
	def->root = root;
	cx_load_json(c, root, def);
	if (cx_nerr(c) != before) {
		contest_free(def);
		contest_diag_free(local);
		return -1;
	}
	def->title = cJSON_GetObjectItemCaseSensitive(root, "title");
	/* title is documented as a language map: make a bare string one */
	if (cJSON_IsString(def->title)) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "zh-CN", def->title->valuestring);
		cJSON_ReplaceItemInObjectCaseSensitive(root, "title", m);
		def->title = m;
	}
	contest_diag_free(local);
	*out = def;
	return 0;
}

int contest_load(const char *path, const score_engine *eng, const char *lang, contest_def **out,
		 contest_diag *diag)
{
	cx c = {.file = path, .lang = lang, .diag = diag, .eng = eng};
	contest_diag local = {0};
	if (!diag)
		c.diag = &local;
	*out = NULL;
	size_t before = cx_nerr(&c);
	return cx_load_root(&c, cx_parse_json_file(&c, path), out, &local, before);
}

int contest_load_mem(const char *name, const char *data, size_t len, const score_engine *eng,
		     const char *lang, contest_def **out, contest_diag *diag)
{
	cx c = {.file = name, .lang = lang, .diag = diag, .eng = eng};
	contest_diag local = {0};
	if (!diag)
		c.diag = &local;
	*out = NULL;
	size_t before = cx_nerr(&c);
	return cx_load_root(&c, cx_parse_json_mem(&c, data, len), out, &local, before);
}

void contest_free(contest_def *c)
{
	if (!c)
		return;
	cx_questions_free(c->questions, c->nquestions);
	cx_questions_free(c->tasks, c->ntasks);
	for (size_t i = 0; i < c->nstages; i++) {
		free(c->stages[i].id);
		cx_blueprint_free(c->stages[i].paper);
	}
	free(c->stages);
	for (size_t i = 0; i < c->nrounds; i++)
		free(c->rounds[i].id);
	free(c->rounds);
	free(c->awards);
	cx_banks_free(c->banks);
	free(c->code);
	free(c->mode);
	free(c->seed);
	cJSON_Delete(c->root);
	free(c);
}

size_t contest_advancing(const int64_t *scores_desc, size_t n, size_t top)
{
	if (top == 0)
		return 0;
	if (n <= top)
		return n;
	size_t k = top;
	while (k < n && scores_desc[k] == scores_desc[top - 1])
		k++;
	return k;
}

bool contest_passed(const contest_def *c, double percent)
{
	return c->pass_mark < 0 || percent + 1e-9 >= c->pass_mark;
}

int contest_award(const contest_def *c, size_t rank, double percent)
{
	if (!c->awards_by || c->nawards == 0 || rank == 0)
		return -1;
	if (c->awards_require_pass && !contest_passed(c, percent))
		return -1;
	if (strcmp(c->awards_by, "rank") == 0) {
		size_t upto = 0;
		for (size_t i = 0; i < c->nawards; i++) {
			upto += (size_t)c->awards[i].count;
			if (rank <= upto)
				return (int)i;
		}
		return -1;
	}
	for (size_t i = 0; i < c->nawards; i++)
		if (percent + 1e-9 >= c->awards[i].min_percent)
			return (int)i;
	return -1;
}

int contest_paper_draw(const contest_def *c, const score_engine *eng, const char *participant,
		       contest_paper **out, char **err)
{
	*out = NULL;
	if (err)
		*err = NULL;
	cx_qlist ql = {0};
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(c->root, "scoring");
	contest_diag d = {0};
	cx cc = {.file = "", .lang = "en", .diag = &d, .eng = eng};
	uint64_t seed = 0;
	bool seeded = false;
	for (size_t si = 0; si < c->nstages; si++) {
		const contest_stage *st = &c->stages[si];
		if (strcmp(st->kind, "quiz") != 0)
			continue;
		if (!st->paper) {
			for (size_t i = st->first; i < st->first + st->count; i++) {
				const contest_question *src = &c->questions[i];
				score_question *sq = NULL;
				char *e = NULL;
				int rc = score_compile(eng, src->def, rules, &sq, &e);
				if (rc != SCORE_OK) {
					cx_err(&cc, src->id, CXM_COMPILE, e ? e : "?");
					free(e);
					continue;
				}
				free(e);
				contest_question *q = cx_qlist_push(&ql);
				q->id = cx_strdup(src->id);
				q->def = cJSON_Duplicate(src->def, true);
				q->compiled = sq;
				q->time_limit_ms = src->time_limit_ms;
				q->stage = (int)si;
			}
			continue;
		}
		if (!seeded) {
			seed = cx_blueprint_seed(st->paper, participant);
			seeded = true;
		}
		size_t total = cx_blueprint_total(st->paper);
		cJSON **qs = cx_xmalloc(sizeof *qs * (total ? total : 1));
		const char **alias = cx_xmalloc(sizeof *alias * (total ? total : 1));
		size_t got = cx_blueprint_draw(st->paper, c->banks, participant, qs, alias);
		for (size_t i = 0; i < got; i++)
			cx_add_drawn(&cc, &ql, qs[i], alias[i], (int)si, st->time_limit_ms, rules, st->id);
		free(qs);
		free(alias);
		if (got < total)
			cx_err(&cc, st->id, CXM_PAPER_SHORT, (int)total, (int)got);
	}
	if (d.count) {
		if (err)
			*err = cx_asprintf("%s: %s", d.items[0].path ? d.items[0].path : "",
					   d.items[0].message);
		contest_diag_free(&d);
		cx_questions_free(ql.v, ql.n);
		return SCORE_E_DEFINITION;
	}
	contest_paper *p = cx_xmalloc(sizeof *p);
	p->seed = seed;
	p->questions = ql.v;
	p->nquestions = ql.n;
	*out = p;
	return 0;
}

void contest_paper_free(contest_paper *p)
{
	if (!p)
		return;
	cx_questions_free(p->questions, p->nquestions);
	free(p);
}

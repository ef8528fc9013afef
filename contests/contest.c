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
 * exam, practice, mass), then either inline "questions", a "paper" drawn
 * from "banks", or "stages" each holding one of those; optional "rounds",
 * "awards", "pass_mark", "credits" and "hours" (the training record),
 * "leaderboards", "feedback" (live), "window" (exam, mass), "attempts"
 * (exam, mass) and "notebook" (practice; selfpaced.c). Every top-level
 * field is a row of cx_contest_fields[]: its name, whether it is required,
 * the kind of value (checked by the row's kind: a language map, a string,
 * a number in a range, a date-time) and the function that keeps it. The
 * rows are checked in order, so a row may use what the rows above it set
 * (the window needs the mode, the stages the banks, the rounds the stages);
 * a new field is a new row. Stages, papers and rounds are in stage.c, the
 * contest's banks in bank.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

#define CX_DEFAULT_LIMIT_MS 30000
#define CX_MAX_AWARDS 16

static const char *const cx_modes[] = {"live", "exam", "practice", "mass", NULL};

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

/* ---- the rows' functions: v is the value when given and of the row's kind, else NULL ---- */

static void cx_set_code(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	if (!v)
		return;
	if (!cJSON_IsString(v)) {
		cx_err(c, path, CXM_WANT_STRING);
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
		cx_err(c, path, CXM_CODE, shown);
		return;
	}
	ld->def->code = cx_dup(c, s);
}

static void cx_set_starts(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->def->starts_at = v ? val->t : 0;
}

static void cx_set_ends(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->def->ends_at = v ? val->t : 0;
	if (v && ld->def->starts_at && ld->def->starts_at >= val->t)
		cx_err(c, path, CXM_DATE_ORDER, "starts_at", "ends_at");
}

static void cx_set_mode(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->mode = NULL;
	if (v && !cJSON_IsString(v))
		cx_err(c, path, CXM_WANT_STRING);
	else if (v && !cx_in(cx_modes, v->valuestring))
		cx_err(c, path, CXM_MODE, v->valuestring);
	else if (v)
		ld->mode = v->valuestring;
	/* def->mode is never NULL: an unknown one reads "live" (the load fails anyway) */
	ld->def->mode = cx_dup(c, ld->mode ? ld->mode : "live");
	ld->live = ld->mode && strcmp(ld->mode, "live") == 0;
}

static void cx_set_limit(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->limit_ms = v ? val->i * 1000 : CX_DEFAULT_LIMIT_MS;
}

static void cx_set_rules(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->rules = v;
}

static void cx_set_pass_mark(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->def->pass_mark = v ? val->d : -1;
}

/* "credits" and "hours": what taking part counts in a worker's training record (学分, 学时). */
static void cx_set_credits(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->def->credits = v ? val->d : -1;
}

static void cx_set_hours(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	ld->def->hours = v ? val->d : -1;
}

static void cx_set_seed(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	const char *code = ld->def->code;
	ld->def->seed = cx_dup(c, v ? v->valuestring : code ? code : "");
}

static void cx_set_banks(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	if (v)
		ld->def->banks = cx_banks_load(c, v, ld->opts);
}

/* One award tier: by rank a count, by score a min_percent below the tier above (*prev). */
static void cx_check_tier(cx *c, const cJSON *t, const char *tp, int basis, double *prev,
			  contest_award_tier *tier)
{
	char p[CX_PATH_MAX];
	if (!cJSON_IsObject(t)) {
		cx_err(c, tp, CXM_NOT_OBJECT);
		return;
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
			cx_err(c, cx_key(p, tp, "min_percent"), CXM_EXCLUSIVE, "by: rank", "min_percent");
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
			if (m >= *prev)
				cx_err(c, cx_key(p, tp, "min_percent"), CXM_AWARD_ORDER);
			*prev = m;
		}
	}
}

static void cx_set_awards(cx *c, const cJSON *a, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	char tp[CX_PATH_MAX];
	if (!a)
		return;
	if (!cJSON_IsObject(a)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, a, path, cx_awards_fields);
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(a, "by");
	int basis = 0; /* 1 rank, 2 score */
	if (!by)
		cx_err(c, path, CXM_MISSING, "by");
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
		cx_err(c, path, CXM_MISSING, "tiers");
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
	if (n > 0 && !(def->awards = cx_alloc(c, sizeof *def->awards * (size_t)n)))
		return;
	double prev = 1e300;
	int i = 0;
	const cJSON *t;
	cJSON_ArrayForEach(t, tiers)
	{
		if (i == CX_MAX_AWARDS)
			break;
		cx_check_tier(c, t, cx_idx(tp, "$.awards.tiers", i++), basis, &prev,
			      &def->awards[def->nawards++]);
	}
}

static void cx_set_leaderboards(cx *c, const cJSON *l, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	def->leaderboard_individual = true;
	if (!l)
		return;
	if (!cJSON_IsObject(l)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, l, path, cx_leaderboard_fields);
	char p[CX_PATH_MAX];
	bool *flags[] = {&def->leaderboard_individual, &def->leaderboard_team, &def->leaderboard_unit};
	for (int k = 0; cx_leaderboard_fields[k]; k++) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(l, cx_leaderboard_fields[k]);
		if (it)
			cx_bool(c, it, cx_key(p, path, it->string), flags[k]);
	}
}

/* "reveal" (the default: points, scores and ranks change at the reveal) or "instant". */
static void cx_set_feedback(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	if (!v)
		return;
	if (!ld->live) {
		cx_err(c, path, CXM_MODE_ONLY, "feedback", "live");
		return;
	}
	if (strcmp(v->valuestring, "instant") == 0)
		ld->def->feedback_instant = true;
	else if (strcmp(v->valuestring, "reveal") != 0)
		cx_err(c, path, CXM_FEEDBACK, v->valuestring);
}

static void cx_set_window(cx *c, const cJSON *w, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	if (!w) {
		if (ld->mode && strcmp(ld->mode, "exam") == 0)
			cx_err(c, "$", CXM_EXAM_WINDOW);
		else if (ld->mode && strcmp(ld->mode, "mass") == 0)
			cx_err(c, "$", CXM_MASS_WINDOW);
		return;
	}
	if (ld->live) {
		cx_err(c, path, CXM_EXCLUSIVE, "mode: live", "window");
		return;
	}
	if (!cJSON_IsObject(w)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, w, path, cx_window_fields);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(w, "opens_at");
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(w, "closes_at");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(w, "duration_min");
	int64_t to = 0, tc = 0;
	long long dm = 0;
	bool ok1 = false, ok2 = false, ok3 = false;
	if (!o)
		cx_err(c, path, CXM_MISSING, "opens_at");
	else
		ok1 = cx_datetime(c, o, "$.window.opens_at", &to);
	if (!cl)
		cx_err(c, path, CXM_MISSING, "closes_at");
	else
		ok2 = cx_datetime(c, cl, "$.window.closes_at", &tc);
	if (!d)
		cx_err(c, path, CXM_MISSING, "duration_min");
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

/* ---- the table ---- */

static const cx_field cx_contest_fields[] = {
	{"code", true, CXK_ANY, 0, 0, false, cx_set_code},
	{"title", true, CXK_LANGMAP, 0, 200, false, NULL},
	{"organizer", false, CXK_LANGMAP, 0, 200, false, NULL},
	{"description", false, CXK_LANGMAP, 0, 4000, true, NULL},
	{"starts_at", false, CXK_DATETIME, 0, 0, false, cx_set_starts},
	{"ends_at", false, CXK_DATETIME, 0, 0, false, cx_set_ends},
	{"mode", true, CXK_ANY, 0, 0, false, cx_set_mode},
	{"time_limit_s", false, CXK_INT, 1, 3600, false, cx_set_limit},
	{"scoring", false, CXK_OBJECT, 0, 0, false, cx_set_rules},
	{"pass_mark", false, CXK_NUMBER, 0, 100, false, cx_set_pass_mark},
	{"credits", false, CXK_NUMBER, 0, 1000, false, cx_set_credits},
	{"hours", false, CXK_NUMBER, 0, 1000, false, cx_set_hours},
	{"awards", false, CXK_ANY, 0, 0, false, cx_set_awards},
	{"leaderboards", false, CXK_ANY, 0, 0, false, cx_set_leaderboards},
	{"feedback", false, CXK_STRING, 1, 16, false, cx_set_feedback},
	{"window", false, CXK_ANY, 0, 0, false, cx_set_window},
	{"attempts", false, CXK_ANY, 0, 0, false, cx_set_attempts},
	{"notebook", false, CXK_ANY, 0, 0, false, cx_set_notebook},
	{"seed", false, CXK_STRING, 0, 128, false, cx_set_seed},
	{"banks", false, CXK_ANY, 0, 0, false, cx_set_banks},
	/* "questions", "paper" and "stages" are one choice, made by cx_set_stages */
	{"questions", false, CXK_ANY, 0, 0, false, NULL},
	{"paper", false, CXK_ANY, 0, 0, false, NULL},
	{"stages", false, CXK_ANY, 0, 0, false, cx_set_stages},
	{"rounds", false, CXK_ANY, 0, 0, false, cx_set_rounds},
};

static void cx_load_json(cx *c, cx_load *ld)
{
	const cJSON *root = ld->root;
	if (!cJSON_IsObject(root)) {
		cx_err(c, "$", CXM_NOT_OBJECT);
		return;
	}
	cx_check_fields(c, root, "$", cx_contest_fields,
			sizeof cx_contest_fields / sizeof cx_contest_fields[0], ld);
	cx_check_unique_ids(c, ld);
	if (ld->ql.n == 0 && ld->tl.n == 0 && cx_nerr(c) == 0)
		cx_err(c, "$", CXM_NO_QUESTIONS);
}

/* Loads from a parsed root (taken), or reports the parse problem (root NULL). */
static int cx_load_root(cx *c, cJSON *root, const contest_load_opts *o, contest_def **out)
{
	size_t before = cx_nerr(c);
	if (!root)
		return c->nomem ? CONTEST_E_NOMEM : CONTEST_E_INVALID;
	contest_def *def = cx_alloc(c, sizeof *def);
	if (!def) {
		cJSON_Delete(root);
		return CONTEST_E_NOMEM;
	}
	def->root = root;
	def->pass_mark = -1;
	cx_load ld = {.def = def, .root = root, .opts = o, .limit_ms = CX_DEFAULT_LIMIT_MS};
	cx_load_json(c, &ld);
	def->questions = ld.ql.v;
	def->nquestions = ld.ql.n;
	def->tasks = ld.tl.v;
	def->ntasks = ld.tl.n;
	/* title is documented as a language map: make a bare string one */
	def->title = cJSON_GetObjectItemCaseSensitive(root, "title");
	if (cJSON_IsString(def->title)) {
		cJSON *m = cx_jnew(c, cJSON_CreateObject());
		if (m && !cx_jstr(c, m, "zh-CN", def->title->valuestring)) {
			cJSON_Delete(m);
			m = NULL;
		}
		if (m && cx_jset(c, root, "title", m)) /* which takes m, in place or deleted */
			def->title = m;
	}
	int rc = cx_result(c, before);
	if (rc != CONTEST_OK) {
		contest_free(def);
		return rc;
	}
	*out = def;
	return CONTEST_OK;
}

int contest_load_v2(const char *name, const char *data, size_t len, const score_engine *eng,
		    const contest_load_opts *opts, contest_def **out, contest_diag *diag)
{
	static const contest_load_opts none = {0};
	if (!opts)
		opts = &none;
	contest_diag local = {0};
	cx c = {.file = name, .lang = opts->lang, .diag = diag ? diag : &local, .eng = eng};
	*out = NULL;
	size_t before = cx_nerr(&c);
	cJSON *root = data ? cx_parse_json_mem(&c, data, len) : cx_parse_json_file(&c, name);
	int rc = root ? cx_load_root(&c, root, opts, out) : cx_result(&c, before);
	contest_diag_free(&local);
	return rc;
}

int contest_load(const char *path, const score_engine *eng, const char *lang, contest_def **out,
		 contest_diag *diag)
{
	contest_load_opts o = {.lang = lang};
	return contest_load_v2(path, NULL, 0, eng, &o, out, diag);
}

int contest_load_mem(const char *name, const char *data, size_t len, const score_engine *eng,
		     const char *lang, contest_def **out, contest_diag *diag)
{
	contest_load_opts o = {.lang = lang};
	return contest_load_v2(name, data ? data : "", data ? len : 0, eng, &o, out, diag);
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
	free(c->time_zone);
	cJSON_Delete(c->root);
	free(c);
}

/* ---- results ---- */

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

/*
 * engine.c - the scoring engine: the registry of question types, plugin
 * loading, the scoring rules every type shares, and the error table.
 *
 * Data path: answer (server/answer.c) -> score_answer(): the type validates
 * the response and computes its credit (a fraction num/den), then the rules
 * here turn credit into milli-points:
 *
 *   base   = max_milli * num / den               (rounded half away from 0)
 *   timed  = base * (1 - (t/T)/2), whole points  (time_factor; full when
 *                                                 t <= time_grace_ms)
 *   wrong  = -wrong_penalty                      (negative_marking only)
 *   floor  = 0 unless negative_marking
 *   bonus  = min(streak_max, streak_bonus * (streak - 1)) for a correct answer
 *
 * Rules come from the contest's "scoring" object, overridden by the
 * question's "scoring" object, overridden by the question's "points".
 * Types are rows in a table (built-in first, then plugins in file-name
 * order); a plugin built for another ABI version is refused with a warning.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---------- errors ---------- */

static const struct {
	int code;
	const char *name, *zh, *en;
} err_table[] = {
	{SCORE_OK, "ok", "成功", "success"},
	{SCORE_E_NOMEM, "internal", "服务器内存不足", "out of memory"},
	{SCORE_E_UNKNOWN_TYPE, "unknown_question_type", "未知的题型", "unknown question type"},
	{SCORE_E_DEFINITION, "invalid_question", "题目定义无法评分",
	 "the question definition cannot be scored"},
	{SCORE_E_RESPONSE, "invalid_response", "作答格式与题型不符",
	 "the response does not fit the question type"},
	{SCORE_E_RANGE, "option_out_of_range", "选项编号超出范围",
	 "an option index is outside the question's options"},
	{SCORE_E_ABI, "plugin_abi_mismatch", "评分插件的接口版本不兼容",
	 "the scoring plugin was built for another ABI version"},
	{SCORE_E_PLUGIN, "plugin_error", "评分插件无法加载", "a scoring plugin could not be loaded"},
	{SCORE_E_RULES, "invalid_scoring_rules", "评分规则有误", "bad scoring rules"},
};

const char *score_errname(int code)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == code)
			return err_table[i].name;
	return "internal";
}

const char *score_strerror(int code, const char *lang)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == code)
			return score_lang_en(lang) ? err_table[i].en : err_table[i].zh;
	return score_lang_en(lang) ? "unknown error" : "未知错误";
}

/* ---------- registry ---------- */

typedef struct reg_entry {
	const score_type *t;
	char *origin; /* "builtin" or the .so path */
	void *dl;     /* dlopen handle, NULL for built-ins */
} reg_entry;

struct score_engine {
	reg_entry *types;
	size_t n, cap;
};

static const score_type *const builtin_types[] = {
	&score_type_single_choice, &score_type_multiple_choice, &score_type_true_false, &score_type_numeric,
	&score_type_fill_in,       &score_type_ordering,        &score_type_matching,   &score_type_judged,
};

static const reg_entry *engine_find(const score_engine *eng, const char *type)
{
	for (size_t i = 0; i < eng->n; i++)
		if (strcmp(eng->types[i].t->type, type) == 0)
			return &eng->types[i];
	return NULL;
}

static int valid_type_name(const char *s)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n >= 1 && n <= 32;
}

/* Why a scorer table cannot be registered, or NULL if it can. */
static const char *type_problem(const score_engine *eng, const score_type *t)
{
	if (!valid_type_name(t->type))
		return "its type name is not [a-z0-9_]{1,32}";
	if (!t->version || !t->compile || !t->validate || !t->score || !t->public_fields || !t->reveal ||
	    !t->canonical)
		return "a required function or the version string is missing";
	if (t->state_size == 0 || t->state_size > (1u << 20))
		return "its state_size is 0 or above 1 MiB";
	if (engine_find(eng, t->type))
		return "its type is already registered";
	return NULL;
}

static int engine_add(score_engine *eng, const score_type *t, const char *origin, void *dl)
{
	if (eng->n == eng->cap) {
		size_t cap = eng->cap ? eng->cap * 2 : 16;
		reg_entry *p = realloc(eng->types, cap * sizeof *p);
		if (!p)
			return SCORE_E_NOMEM;
		eng->types = p;
		eng->cap = cap;
	}
	char *o = strdup(origin);
	if (!o)
		return SCORE_E_NOMEM;
	eng->types[eng->n++] = (reg_entry){t, o, dl};
	// cppcheck-suppress memleak ; o is owned by the entry just stored (freed by score_engine_free)
	return SCORE_OK;
}

/* Appends one line to *w (a malloc'ed, growing string). */
static void warn(char **w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(char **w, const char *fmt, ...)
{
	if (!w)
		return;
	char *line = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t old = *w ? strlen(*w) : 0;
	char *p = realloc(*w, old + (size_t)n + 2);
	if (p) {
		memcpy(p + old, line, (size_t)n);
		p[old + (size_t)n] = '\n';
		p[old + (size_t)n + 1] = '\0';
		*w = p;
	}
	free(line);
}

int score_engine_register(score_engine *eng, const score_type *t, const char *origin, char **err)
{
	if (err)
		*err = NULL;
	if (!t || t->abi_version != SCORE_ABI_VERSION)
		return score_errf(err, SCORE_E_ABI,
				  "scorer built for ABI version %d, this engine supports version %d",
				  t ? t->abi_version : -1, SCORE_ABI_VERSION);
	const char *why = type_problem(eng, t);
	if (why)
		return score_errf(err, SCORE_E_PLUGIN, "scorer '%s' refused: %s", t->type ? t->type : "?",
				  why);
	int rc = engine_add(eng, t, origin ? origin : "embedded", NULL);
	return rc ? score_errf(err, rc, "out of memory") : SCORE_OK;
}

static int so_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

/* Loads one plugin; refusals are warnings, only running out of memory fails. */
static int load_plugin(score_engine *eng, const char *path, char **warnings)
{
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();
		warn(warnings, "plugin '%s' refused: cannot load: %s", path, e ? e : "?");
		return SCORE_OK;
	}
	const score_type *t = dlsym(dl, SCORE_PLUGIN_SYMBOL);
	if (!t) {
		warn(warnings, "plugin '%s' refused: no symbol '%s'", path, SCORE_PLUGIN_SYMBOL);
		dlclose(dl);
		return SCORE_OK;
	}
	if (t->abi_version != SCORE_ABI_VERSION) {
		warn(warnings,
		     "plugin '%s' refused: built for scorer ABI version %d, this engine "
		     "supports version %d",
		     path, t->abi_version, SCORE_ABI_VERSION);
		dlclose(dl);
		return SCORE_OK;
	}
	const char *why = type_problem(eng, t);
	if (why) {
		warn(warnings, "plugin '%s' refused: %s", path, why);
		dlclose(dl);
		return SCORE_OK;
	}
	int rc = engine_add(eng, t, path, dl);
	if (rc)
		dlclose(dl);
	return rc;
}

int score_engine_new(score_engine **out, const char *plugins_dir, char **warnings)
{
	*out = NULL;
	if (warnings)
		*warnings = NULL;
	score_engine *eng = calloc(1, sizeof *eng);
	if (!eng)
		return SCORE_E_NOMEM;
	for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
		if (engine_add(eng, builtin_types[i], "builtin", NULL)) {
			score_engine_free(eng);
			return SCORE_E_NOMEM;
		}
	}
	if (plugins_dir) {
		struct dirent **list;
		int n = scandir(plugins_dir, &list, so_filter, alphasort);
		if (n < 0) {
			warn(warnings, "plugins directory '%s' cannot be read: %m", plugins_dir);
			score_engine_free(eng);
			return SCORE_E_PLUGIN;
		}
		int rc = SCORE_OK;
		for (int i = 0; i < n; i++) {
			char path[4096];
			if (rc == SCORE_OK) {
				snprintf(path, sizeof path, "%s/%s", plugins_dir, list[i]->d_name);
				rc = load_plugin(eng, path, warnings);
			}
			free(list[i]);
		}
		free(list);
		if (rc) {
			score_engine_free(eng);
			return rc;
		}
	}
	*out = eng;
	return SCORE_OK;
}

void score_engine_free(score_engine *eng)
{
	if (!eng)
		return;
	for (size_t i = 0; i < eng->n; i++) {
		free(eng->types[i].origin);
		if (eng->types[i].dl)
			dlclose(eng->types[i].dl);
	}
	free(eng->types);
	free(eng);
}

void score_engine_types(const score_engine *eng,
			void (*fn)(const char *type, const char *version, const char *origin, void *ud),
			void *ud)
{
	for (size_t i = 0; i < eng->n; i++)
		fn(eng->types[i].t->type, eng->types[i].t->version, eng->types[i].origin, ud);
}

/* ---------- rules ---------- */

typedef struct score_rules {
	int64_t points_milli; /* before weight */
	int64_t weight_ppm;
	int64_t grace_ms;
	int64_t wrong_penalty_milli;
	int64_t streak_bonus_milli;
	int64_t streak_max_milli;
	int time_factor;
	int negative_marking;
	unsigned set; /* bit i: rule_table[i] was given somewhere */
} score_rules;

enum rule_kind { R_MILLI, R_PPM, R_INT, R_BOOL, R_IGNORE };

static const struct rule_def {
	const char *name;
	enum rule_kind kind;
	size_t off;
	int64_t lo, hi;
} rule_table[] = {
	{"points", R_MILLI, offsetof(score_rules, points_milli), 0, 1000000000},
	{"weight", R_PPM, offsetof(score_rules, weight_ppm), 0, 100000000},
	{"time_factor", R_BOOL, offsetof(score_rules, time_factor), 0, 1},
	{"time_grace_ms", R_INT, offsetof(score_rules, grace_ms), 0, 86400000},
	{"negative_marking", R_BOOL, offsetof(score_rules, negative_marking), 0, 1},
	{"wrong_penalty", R_MILLI, offsetof(score_rules, wrong_penalty_milli), 0, 1000000000},
	{"streak_bonus", R_MILLI, offsetof(score_rules, streak_bonus_milli), 0, 1000000000},
	{"streak_max", R_MILLI, offsetof(score_rules, streak_max_milli), 0, 1000000000},
	/* contest-level keys read by score_tiebreak_parse / score_stages_*: */
	{"tiebreak", R_IGNORE, 0, 0, 0},
	{"stages", R_IGNORE, 0, 0, 0},
	{"pass_mark", R_IGNORE, 0, 0, 0},
};
#define RULE_POINTS 0
#define RULE_STREAK_MAX 7

static int rules_apply(score_rules *r, const cJSON *obj, const char *where, char **err)
{
	if (!obj)
		return SCORE_OK;
	if (!cJSON_IsObject(obj))
		return score_errf(err, SCORE_E_RULES, "%s: must be an object", where);
	const cJSON *e;
	cJSON_ArrayForEach(e, obj)
	{
		size_t i;
		for (i = 0; i < sizeof rule_table / sizeof rule_table[0]; i++)
			if (strcmp(rule_table[i].name, e->string) == 0)
				break;
		if (i == sizeof rule_table / sizeof rule_table[0])
			return score_errf(err, SCORE_E_RULES, "%s: unknown rule '%s'", where, e->string);
		const struct rule_def *d = &rule_table[i];
		int64_t *p64 = (int64_t *)((char *)r + d->off);
		int ok = 1;
		switch (d->kind) {
		case R_MILLI:
			ok = score_json_milli(e, d->lo, d->hi, p64);
			break;
		case R_PPM:
			ok = score_json_ppm(e, d->lo, d->hi, p64);
			break;
		case R_INT: {
			int64_t v;
			ok = score_json_is_int(e, &v) && v >= d->lo && v <= d->hi;
			if (ok)
				*p64 = v;
			break;
		}
		case R_BOOL:
			ok = cJSON_IsBool(e);
			if (ok)
				*(int *)((char *)r + d->off) = cJSON_IsTrue(e);
			break;
		case R_IGNORE:
			continue;
		}
		if (!ok)
			return score_errf(err, SCORE_E_RULES, "%s.%s: must be %s", where, d->name,
					  d->kind == R_BOOL  ? "true or false"
					  : d->kind == R_INT ? "a whole number within range"
							     : "a number within range, at most 3 decimals");
		r->set |= 1u << i;
	}
	return SCORE_OK;
}

/* ---------- questions ---------- */

struct score_question {
	const score_type *t;
	void *state;
	score_rules r;
	int64_t max_milli; /* points * weight */
	int noptions;
};

void score_question_free(score_question *q)
{
	if (!q)
		return;
	if (q->state && q->t->release)
		q->t->release(q->state);
	free(q->state);
	free(q);
}

int64_t score__div_round(__int128 num, __int128 den)
{
	if (den < 0)
		num = -num, den = -den;
	__int128 q = num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
	return (int64_t)q;
}

int score_compile(const score_engine *eng, const cJSON *question, const cJSON *rules, score_question **out,
		  char **err)
{
	*out = NULL;
	if (err)
		*err = NULL;
	if (!cJSON_IsObject(question))
		return score_errf(err, SCORE_E_DEFINITION, "question: must be an object");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(question, "type");
	if (!cJSON_IsString(type))
		return score_errf(err, SCORE_E_DEFINITION, "type: must be a string");
	const reg_entry *re = engine_find(eng, type->valuestring);
	if (!re)
		return score_errf(err, SCORE_E_UNKNOWN_TYPE, "type: unknown question type '%s'",
				  type->valuestring);

	score_rules r = {.points_milli = 1000000, .weight_ppm = 1000000, .grace_ms = 500};
	int rc = rules_apply(&r, rules, "scoring", err);
	if (!rc)
		rc = rules_apply(&r, cJSON_GetObjectItemCaseSensitive(question, "scoring"),
				 "question scoring", err);
	if (rc)
		return rc;
	const cJSON *pts = cJSON_GetObjectItemCaseSensitive(question, "points");
	if (pts) {
		if (!score_json_milli(pts, 0, 1000000000, &r.points_milli))
			return score_errf(err, SCORE_E_DEFINITION,
					  "points: must be a number from 0 to 1000000, at most 3 decimals");
		r.set |= 1u << RULE_POINTS;
	}
	if (r.wrong_penalty_milli > 0 && !r.negative_marking)
		return score_errf(err, SCORE_E_RULES,
				  "scoring.wrong_penalty: needs \"negative_marking\": true");
	if (!(r.set & (1u << RULE_STREAK_MAX)))
		r.streak_max_milli = r.streak_bonus_milli * 5;

	score_question *q = calloc(1, sizeof *q);
	if (!q)
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	q->t = re->t;
	q->r = r;
	q->state = calloc(1, re->t->state_size);
	if (!q->state) {
		free(q);
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	}
	rc = re->t->compile(q->state, question, err);
	if (rc) {
		score_question_free(q);
		if (err && !*err)
			score_errf(err, rc, "question: cannot be compiled by type '%s'", re->t->type);
		return rc == SCORE_E_NOMEM ? rc : SCORE_E_DEFINITION;
	}
	if (!(r.set & (1u << RULE_POINTS)) && re->t->natural_points_milli) {
		int64_t nat = re->t->natural_points_milli(q->state);
		if (nat > 0 && nat <= 1000000000)
			q->r.points_milli = nat;
	}
	q->max_milli = score__div_round((__int128)q->r.points_milli * q->r.weight_ppm, 1000000);
	q->noptions = re->t->noptions ? re->t->noptions(q->state) : 0;
	*out = q;
	return SCORE_OK;
}

const void *score__question_state(const score_question *q, const score_type *t)
{
	return q->t == t ? q->state : NULL;
}

const char *score_question_type(const score_question *q) { return q->t->type; }

int64_t score_question_max_milli(const score_question *q) { return q->max_milli; }

int score_question_noptions(const score_question *q) { return q->noptions; }

/* Cuts s back to its longest valid UTF-8 prefix (a truncated feedback). */
static void utf8_trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && !score_utf8_valid(s, n))
		s[--n] = '\0';
}

int score_answer(const score_question *q, const cJSON *response, const score_ctx *ctx, score_result *out)
{
	if (!response)
		return SCORE_E_RESPONSE;
	int rc = q->t->validate(q->state, response);
	if (rc)
		return rc == SCORE_E_RANGE ? SCORE_E_RANGE : SCORE_E_RESPONSE;
	score_outcome oc;
	oc.num = 0;
	oc.den = 1;
	oc.correctness = SCORE_WRONG;
	oc.blank = 0;
	oc.feedback[0] = '\0';
	rc = q->t->score(q->state, response, ctx ? ctx->lang : NULL, &oc);
	if (rc)
		return rc == SCORE_E_RANGE ? SCORE_E_RANGE : SCORE_E_RESPONSE;
	/* A scorer (maybe a plugin) must keep its promises; refuse otherwise. */
	if (oc.den <= 0 || oc.num > oc.den || oc.num < -oc.den ||
	    (oc.correctness == SCORE_CORRECT && oc.num != oc.den) ||
	    (oc.correctness == SCORE_WRONG && oc.num > 0) ||
	    (oc.correctness != SCORE_WRONG && oc.correctness != SCORE_PARTIAL &&
	     oc.correctness != SCORE_CORRECT))
		return SCORE_E_RESPONSE;

	const score_rules *r = &q->r;
	int64_t pts = score__div_round((__int128)q->max_milli * oc.num, oc.den);
	if (pts > 0 && r->time_factor && !(q->t->flags & SCORE_TYPE_UNTIMED) && ctx && ctx->limit_ms > 0) {
		int64_t lim = ctx->limit_ms, t = ctx->response_ms;
		if (lim > 1000000000000LL) /* 31 years: keeps 2 * lim far from overflow */
			lim = 1000000000000LL;
		if (t < 0)
			t = 0;
		if (t > lim)
			t = lim;
		if (t <= r->grace_ms)
			t = 0;
		/* pts * (2T - t) / 2T, rounded to whole points */
		pts = score__div_round((__int128)pts * (2 * lim - t), (__int128)2 * lim * 1000) * 1000;
	}
	if (oc.correctness == SCORE_WRONG && !oc.blank && r->negative_marking)
		pts -= r->wrong_penalty_milli;
	if (pts < 0 && !r->negative_marking)
		pts = 0;

	int streak = 0;
	int64_t bonus = 0;
	if (oc.correctness == SCORE_CORRECT) {
		int before = ctx && ctx->streak > 0 ? ctx->streak : 0;
		streak = before < 1000000 ? before + 1 : 1000000; /* no overflow, bonus long capped */
		if (streak >= 2 && r->streak_bonus_milli > 0) {
			__int128 b = (__int128)r->streak_bonus_milli * (streak - 1);
			bonus = b > r->streak_max_milli ? r->streak_max_milli : (int64_t)b;
		}
	}
	out->points_milli = pts + bonus;
	out->max_milli = q->max_milli;
	out->bonus_milli = bonus;
	out->correctness = oc.correctness;
	out->streak = streak;
	size_t fl = strnlen(oc.feedback, sizeof oc.feedback - 1);
	memcpy(out->feedback, oc.feedback, fl);
	out->feedback[fl] = '\0';
	if (fl)
		utf8_trim(out->feedback);
	return SCORE_OK;
}

int score_response_options(const score_question *q, const cJSON *response, int *idx, int max)
{
	if (!q->t->options || !response || max <= 0 || q->t->validate(q->state, response))
		return 0;
	int n = q->t->options(q->state, response, idx, max);
	return n < 0 ? 0 : n > max ? max : n;
}

int score_public_fields(const score_question *q, cJSON *obj)
{
	if (!cJSON_IsObject(obj))
		return SCORE_E_RESPONSE;
	return q->t->public_fields(q->state, obj);
}

cJSON *score_reveal_answer(const score_question *q) { return q->t->reveal(q->state); }

char *score_canonical_response(const score_question *q, const cJSON *response)
{
	if (!response || q->t->validate(q->state, response))
		return NULL;
	return q->t->canonical(q->state, response);
}

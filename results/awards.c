/*
 * awards.c - award tiers (一等奖, 二等奖, 三等奖, 优秀奖, participation):
 * the "awards" object of a contest file, validated with every problem
 * located, and its application to a final ranking.
 *
 *   "awards": {"by": "rank", "ties": "higher", "min_percent": 60,
 *              "tiers": [{"name": "一等奖", "count": 1},
 *                        {"name": "二等奖", "share": 10},
 *                        {"name": {"zh-CN": "三等奖", "en": "Third prize"}, "share": 20}],
 *              "participation": {"name": "参与奖"}}
 *
 * The schema fragment is results/awards.schema.json; docs/results.md says
 * what every rule means for an organizer. Percentages and shares are read
 * exactly (at most three decimals) into millionths, and every comparison of a
 * score with a percentage is done in integers (points x 10^6 >= ppm x max),
 * so every process and every export gives the same tier.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"
#include "scoring_plugin.h"

/* ---------- messages ---------- */

typedef enum am_msg {
	AM_NOT_OBJECT,
	AM_UNKNOWN,
	AM_MISSING,
	AM_BY,
	AM_TIES,
	AM_BOOL,
	AM_TIERS,
	AM_NAME,
	AM_COUNT,
	AM_SHARE,
	AM_PERCENT,
	AM_POINTS,
	AM_COUNT_OR_SHARE,
	AM_NEED_MIN,
	AM_ONLY_RANK,
	AM_ONLY_SCORE,
	AM_ORDER,
	AM_SHARE_SUM,
	AM_MAX
} am_msg;

static const struct {
	const char *zh, *en;
} am_text[AM_MAX] = {
	[AM_NOT_OBJECT] = {"应为 JSON 对象", "expected an object"},
	[AM_UNKNOWN] = {"未知字段“%s”", "unknown field '%s'"},
	[AM_MISSING] = {"缺少必填字段“%s”", "missing required field '%s'"},
	[AM_BY] = {"应为 rank（按名次）或 score（按分数）", "must be rank or score"},
	[AM_TIES] = {"应为 higher（并列者同获较高奖项）或 lower（同获较低奖项）", "must be higher or lower"},
	[AM_BOOL] = {"应为 true 或 false", "expected true or false"},
	[AM_TIERS] = {"应为 1 到 16 个奖项的数组", "must be an array of 1 to 16 tiers"},
	[AM_NAME] = {"应为非空文字（至多 64 字）或 {\"zh-CN\": …, \"en\": …}",
		     "must be a non-empty text (at most 64 characters) or {\"zh-CN\": ..., \"en\": ...}"},
	[AM_COUNT] = {"应为 1 到 1000000 的整数", "must be an integer from 1 to 1000000"},
	[AM_SHARE] = {"应为大于 0、不超过 100 的百分比（至多三位小数）",
		      "must be a percentage above 0 and at most 100 (at most three decimals)"},
	[AM_PERCENT] = {"应为 0 到 100 的百分比（至多三位小数）",
			"must be a percentage from 0 to 100 (at most three decimals)"},
	[AM_POINTS] = {"应为不小于 0 的分数（至多三位小数）",
		       "must be a number of points, at least 0 (at most three decimals)"},
	[AM_COUNT_OR_SHARE] = {"按名次评奖时每个奖项须有 count（名额）或 share（比例）之一，且只能有一个",
			       "by rank, each tier needs exactly one of count or share"},
	[AM_NEED_MIN] = {"按分数评奖时每个奖项须有 min_percent", "by score, each tier needs min_percent"},
	[AM_ONLY_RANK] = {"“%s”只用于按名次评奖（by: rank）", "'%s' is only for awards by rank"},
	[AM_ONLY_SCORE] = {"“%s”只用于按分数评奖（by: score）", "'%s' is only for awards by score"},
	[AM_ORDER] = {"min_percent 应逐级递减（高奖项在前）", "min_percent must fall from tier to tier"},
	[AM_SHARE_SUM] = {"各奖项比例之和超过 100%%", "the shares add up to more than 100%%"},
};

typedef struct actx {
	const char *lang;
	rbuf out; /* one line per problem; out.oom also records a failed strdup */
	int problems;
	int64_t last_min; /* min_percent of the previous tier by score, -1 when unknown */
} actx;

static void problem(actx *c, const char *path, am_msg m, const char *arg)
{
	const char *fmt = results__en(c->lang) ? am_text[m].en : am_text[m].zh;
	rbuf_printf(&c->out, "%s: ", path);
	rbuf_printf(&c->out, fmt, arg ? arg : "");
	rbuf_puts(&c->out, "\n");
	c->problems++;
}

/* ---------- fields ---------- */

static const char *const top_fields[] = {"by",          "tiers",         "require_pass", "ties", "min_points",
					 "min_percent", "participation", "$comment",     NULL};
static const char *const tier_fields[] = {"name", "count", "share", "min_percent", "$comment", NULL};
static const char *const part_fields[] = {"name", "min_percent", "$comment", NULL};

static void check_fields(actx *c, const cJSON *obj, const char *path, const char *const *known)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, obj)
	{
		int k = 0;
		while (known[k] && strcmp(known[k], f->string) != 0)
			k++;
		if (!known[k])
			problem(c, path, AM_UNKNOWN, f->string);
	}
}

static int text_len_ok(const char *s)
{
	if (!s || !*s || !results__utf8_ok(s))
		return 0;
	size_t i = 0, n = 0;
	while (s[i]) {
		uint32_t cp = results__utf8_next(s, &i);
		if (cp < 0x20 || cp == 0x7F)
			return 0;
		n++;
	}
	return n <= 64;
}

/* Reads a name (a text or {"zh-CN", "en"}) into the tier; false on a bad one. */
static int read_name(actx *c, const cJSON *v, results_tier *t)
{
	const cJSON *zh = v, *en = NULL;
	if (cJSON_IsObject(v)) {
		const cJSON *f;
		cJSON_ArrayForEach(f, v)
		{
			if (strcmp(f->string, "zh-CN") != 0 && strcmp(f->string, "en") != 0)
				return 0;
		}
		zh = cJSON_GetObjectItemCaseSensitive(v, "zh-CN");
		en = cJSON_GetObjectItemCaseSensitive(v, "en");
		if (en && (!cJSON_IsString(en) || !text_len_ok(en->valuestring)))
			return 0;
	}
	if (!cJSON_IsString(zh) || !text_len_ok(zh->valuestring))
		return 0;
	t->name_zh = strdup(zh->valuestring);
	t->name_en = en ? strdup(en->valuestring) : NULL;
	if (!t->name_zh || (en && !t->name_en))
		c->out.oom = 1;
	return 1;
}

/* A percentage 0..100 (lo_open: above 0) into millionths; false when bad. */
static int read_percent(const cJSON *v, int lo_open, int64_t *ppm)
{
	int64_t milli;
	if (!score_json_milli(v, 0, 100000, &milli) || (lo_open && milli == 0))
		return 0;
	*ppm = milli * 10;
	return 1;
}

static void tier_path(char *p, size_t cap, int i, const char *field)
{
	if (field)
		snprintf(p, cap, "$.awards.tiers[%d].%s", i, field);
	else
		snprintf(p, cap, "$.awards.tiers[%d]", i);
}

static void parse_tier(actx *c, const cJSON *v, int i, results_awards *a)
{
	char p[96];
	tier_path(p, sizeof p, i, NULL);
	if (!cJSON_IsObject(v)) {
		problem(c, p, AM_NOT_OBJECT, NULL);
		return;
	}
	check_fields(c, v, p, tier_fields);
	results_tier *t = &a->tiers[i];
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(v, "count");
	const cJSON *share = cJSON_GetObjectItemCaseSensitive(v, "share");
	const cJSON *minp = cJSON_GetObjectItemCaseSensitive(v, "min_percent");
	if (!name)
		problem(c, p, AM_MISSING, "name");
	else if (!read_name(c, name, t))
		tier_path(p, sizeof p, i, "name"), problem(c, p, AM_NAME, NULL);
	if (a->by == RESULTS_BY_RANK) {
		tier_path(p, sizeof p, i, NULL);
		if (!count == !share)
			problem(c, p, AM_COUNT_OR_SHARE, NULL);
		if (minp)
			tier_path(p, sizeof p, i, "min_percent"), problem(c, p, AM_ONLY_SCORE, "min_percent");
		int64_t k;
		if (count && (!score_json_is_int(count, &k) || k < 1 || k > 1000000))
			tier_path(p, sizeof p, i, "count"), problem(c, p, AM_COUNT, NULL);
		else if (count)
			t->count = k;
		if (share && !read_percent(share, 1, &t->share_ppm))
			tier_path(p, sizeof p, i, "share"), problem(c, p, AM_SHARE, NULL);
		return;
	}
	for (int k = 0; k < 2; k++) {
		const char *f = k ? "share" : "count";
		if (k ? share != NULL : count != NULL)
			tier_path(p, sizeof p, i, f), problem(c, p, AM_ONLY_RANK, f);
	}
	tier_path(p, sizeof p, i, "min_percent");
	int ok = 0;
	if (!minp)
		tier_path(p, sizeof p, i, NULL), problem(c, p, AM_NEED_MIN, NULL);
	else if (!read_percent(minp, 0, &t->min_ppm))
		problem(c, p, AM_PERCENT, NULL);
	else
		ok = 1;
	if (ok && c->last_min >= 0 && t->min_ppm >= c->last_min)
		problem(c, p, AM_ORDER, NULL);
	c->last_min = ok ? t->min_ppm : -1;
}

static void parse_tiers(actx *c, const cJSON *tiers, results_awards *a)
{
	if (!tiers) {
		problem(c, "$.awards", AM_MISSING, "tiers");
		return;
	}
	int n = cJSON_IsArray(tiers) ? cJSON_GetArraySize(tiers) : 0;
	if (n < 1 || n > RESULTS_MAX_TIERS) {
		problem(c, "$.awards.tiers", AM_TIERS, NULL);
		return;
	}
	a->ntiers = n;
	int64_t shares = 0;
	for (int i = 0; i < n; i++) {
		parse_tier(c, cJSON_GetArrayItem(tiers, i), i, a);
		shares += a->tiers[i].share_ppm;
	}
	if (shares > 1000000)
		problem(c, "$.awards.tiers", AM_SHARE_SUM, NULL);
}

static void parse_participation(actx *c, const cJSON *v, results_awards *a)
{
	const cJSON *name = v, *minp = NULL;
	if (cJSON_IsObject(v) && !cJSON_GetObjectItemCaseSensitive(v, "zh-CN")) {
		check_fields(c, v, "$.awards.participation", part_fields);
		name = cJSON_GetObjectItemCaseSensitive(v, "name");
		minp = cJSON_GetObjectItemCaseSensitive(v, "min_percent");
		if (!name) {
			problem(c, "$.awards.participation", AM_MISSING, "name");
			return;
		}
	}
	if (!read_name(c, name, &a->participation))
		problem(c,
			cJSON_IsObject(v) && name != v ? "$.awards.participation.name"
						       : "$.awards.participation",
			AM_NAME, NULL);
	if (minp && !read_percent(minp, 0, &a->participation.min_ppm))
		problem(c, "$.awards.participation.min_percent", AM_PERCENT, NULL);
	a->has_participation = true;
}

static void parse_top(actx *c, const cJSON *v, results_awards *a)
{
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(v, "by");
	if (!by)
		problem(c, "$.awards", AM_MISSING, "by");
	else if (cJSON_IsString(by) && strcmp(by->valuestring, "rank") == 0)
		a->by = RESULTS_BY_RANK;
	else if (cJSON_IsString(by) && strcmp(by->valuestring, "score") == 0)
		a->by = RESULTS_BY_SCORE;
	else
		problem(c, "$.awards.by", AM_BY, NULL);

	const cJSON *ties = cJSON_GetObjectItemCaseSensitive(v, "ties");
	if (ties && cJSON_IsString(ties) && strcmp(ties->valuestring, "lower") == 0)
		a->ties = RESULTS_TIES_LOWER;
	else if (ties && !(cJSON_IsString(ties) && strcmp(ties->valuestring, "higher") == 0))
		problem(c, "$.awards.ties", AM_TIES, NULL);

	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(v, "require_pass");
	if (rp && !cJSON_IsBool(rp))
		problem(c, "$.awards.require_pass", AM_BOOL, NULL);
	a->require_pass = cJSON_IsTrue(rp);

	const cJSON *mp = cJSON_GetObjectItemCaseSensitive(v, "min_points");
	if (mp && !score_json_milli(mp, 0, INT64_C(1000000000000), &a->min_points_milli))
		problem(c, "$.awards.min_points", AM_POINTS, NULL);
	const cJSON *mpc = cJSON_GetObjectItemCaseSensitive(v, "min_percent");
	if (mpc && !read_percent(mpc, 0, &a->min_ppm))
		problem(c, "$.awards.min_percent", AM_PERCENT, NULL);
}

int results_awards_parse(const cJSON *awards, const char *lang, results_awards *out, char **err)
{
	memset(out, 0, sizeof *out);
	actx c = {.lang = lang, .last_min = -1};
	if (!cJSON_IsObject(awards)) {
		problem(&c, "$.awards", AM_NOT_OBJECT, NULL);
	} else {
		check_fields(&c, awards, "$.awards", top_fields);
		parse_top(&c, awards, out);
		parse_tiers(&c, cJSON_GetObjectItemCaseSensitive(awards, "tiers"), out);
		const cJSON *part = cJSON_GetObjectItemCaseSensitive(awards, "participation");
		if (part)
			parse_participation(&c, part, out);
	}
	int oom = c.out.oom;
	if (c.problems || oom) {
		results_awards_release(out);
		char *msg = rbuf_take(&c.out);
		if (!msg || oom) {
			free(msg);
			return RESULTS_E_NOMEM;
		}
		msg[strlen(msg) - 1] = '\0'; /* the last newline */
		if (err) {
			free(*err);
			*err = msg;
		} else {
			free(msg);
		}
		return RESULTS_E_DEFINITION;
	}
	rbuf_free(&c.out);
	return RESULTS_OK;
}

void results_awards_release(results_awards *a)
{
	for (int i = 0; i < RESULTS_MAX_TIERS; i++) {
		free(a->tiers[i].name_zh);
		free(a->tiers[i].name_en);
	}
	free(a->participation.name_zh);
	free(a->participation.name_en);
	memset(a, 0, sizeof *a);
}

const char *results_tier_name(const results_awards *a, int tier, const char *lang)
{
	const results_tier *t = tier == RESULTS_TIER_PARTICIPATION && a->has_participation ? &a->participation
				: tier >= 0 && tier < a->ntiers                            ? &a->tiers[tier]
											   : NULL;
	if (!t)
		return "";
	return results__en(lang) && t->name_en ? t->name_en : t->name_zh;
}

/* ---------- assignment ---------- */

/* points / max >= ppm / 10^6, exactly. */
static int reaches(int64_t points, int64_t max, int64_t ppm)
{
	return (__int128)points * 1000000 >= (__int128)ppm * max;
}

static results_why eligibility(const results_awards *a, const results_entry *e)
{
	int64_t pts = e->st.total_milli;
	if (pts <= 0)
		return RESULTS_WHY_ZERO;
	if (pts < a->min_points_milli || !reaches(pts, e->max_milli, a->min_ppm))
		return RESULTS_WHY_BELOW_MIN;
	if (a->require_pass && !e->passed)
		return RESULTS_WHY_FAILED;
	return RESULTS_WHY_AWARDED;
}

/* The tier of the p-th eligible place (1-based), by the boundaries. */
static int tier_at(const int64_t *bound, int ntiers, int64_t p)
{
	for (int i = 0; i < ntiers; i++)
		if (p <= bound[i])
			return i;
	return RESULTS_TIER_NONE;
}

static void assign_by_rank(const results_awards *a, size_t n, results_place *pl)
{
	int64_t bound[RESULTS_MAX_TIERS], counts = 0, shares = 0;
	for (int i = 0; i < a->ntiers; i++) {
		counts += a->tiers[i].count;
		shares += a->tiers[i].share_ppm;
		bound[i] = counts + (int64_t)((__int128)n * shares / 1000000);
	}
	int64_t pos = 0; /* eligible places taken so far */
	for (size_t i = 0, j; i < n; i = j) {
		int64_t k = 0;
		for (j = i; j < n && pl[j].rank == pl[i].rank; j++)
			k += pl[j].why == RESULTS_WHY_AWARDED;
		if (k == 0)
			continue;
		int tier = tier_at(bound, a->ntiers, a->ties == RESULTS_TIES_HIGHER ? pos + 1 : pos + k);
		for (size_t m = i; m < j; m++)
			if (pl[m].why == RESULTS_WHY_AWARDED)
				pl[m].tier = tier;
		pos += k;
	}
}

int results_awards_assign(const results_awards *a, const results_entry *e, size_t n, results_place *pl)
{
	if (!a || (n && (!e || !pl)) || a->ntiers < 1 || a->ntiers > RESULTS_MAX_TIERS)
		return RESULTS_E_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (pl[i].entry >= n || e[pl[i].entry].max_milli <= 0 ||
		    (i > 0 && pl[i].rank < pl[i - 1].rank))
			return RESULTS_E_INVALID;
		pl[i].why = eligibility(a, &e[pl[i].entry]);
		pl[i].tier = RESULTS_TIER_NONE;
	}
	if (a->by == RESULTS_BY_RANK) {
		assign_by_rank(a, n, pl);
	} else {
		for (size_t i = 0; i < n; i++) {
			const results_entry *x = &e[pl[i].entry];
			for (int t = 0; t < a->ntiers && pl[i].why == RESULTS_WHY_AWARDED; t++)
				if (reaches(x->st.total_milli, x->max_milli, a->tiers[t].min_ppm)) {
					pl[i].tier = t;
					break;
				}
		}
	}
	for (size_t i = 0; i < n; i++) {
		const results_entry *x = &e[pl[i].entry];
		if (pl[i].why != RESULTS_WHY_AWARDED || pl[i].tier != RESULTS_TIER_NONE)
			continue;
		if (a->has_participation &&
		    reaches(x->st.total_milli, x->max_milli, a->participation.min_ppm))
			pl[i].tier = RESULTS_TIER_PARTICIPATION;
		else
			pl[i].why = RESULTS_WHY_OUTSIDE;
	}
	return RESULTS_OK;
}

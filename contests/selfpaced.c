/*
 * selfpaced.c - the settings of the self-paced modes (docs/contests.md,
 * "Self-paced modes"): "attempts" (exam and mass: how many attempts, a day
 * and in all, which one counts, when results and the key are shown, the
 * time zone days begin in) and "notebook" (practice: when a question leaves
 * the wrong-answer notebook): rows of contest.c's field table, after
 * "mode". Each is refused in the modes it does not apply to, every field is
 * checked, and the defaults of the mode are filled into the contest_def.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

#define CX_MAX_ATTEMPTS 1000

static const char *const cx_attempts_fields[] = {"max",      "per_day",    "counts",    "show_results",
						 "show_key", "show_score", "time_zone", NULL};
static const char *const cx_notebook_fields[] = {"leave_after", NULL};
static const char *const cx_counts[] = {"best", "last", NULL};
static const char *const cx_show[] = {"submit", "window", "never", NULL};

static bool cx_is(const char *mode, const char *m) { return mode && strcmp(mode, m) == 0; }

/* One of list (a NULL-terminated list), or a problem; the list's entry out. */
static const char *cx_enum(cx *c, const cJSON *v, const char *path, const char *const *list,
			   const char *shown)
{
	if (!cJSON_IsString(v)) {
		cx_err(c, path, CXM_WANT_STRING);
		return NULL;
	}
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], v->valuestring) == 0)
			return list[i];
	char val[40];
	snprintf(val, sizeof val, "%.32s", v->valuestring);
	cx_err(c, path, CXM_ENUM, val, shown);
	return NULL;
}

/* "+08:00" / "-05:30" */
static bool cx_tz_offset(const char *s)
{
	return strlen(s) == 6 && (s[0] == '+' || s[0] == '-') && s[1] >= '0' && s[1] <= '1' && s[2] >= '0' &&
	       s[2] <= '9' && s[3] == ':' && s[4] >= '0' && s[4] <= '5' && s[5] >= '0' && s[5] <= '9';
}

/* An IANA zone the machine has (a TZif file under $TZDIR or /usr/share/zoneinfo), "UTC", or an offset. */
static bool cx_tz_known(const char *name)
{
	if (strcmp(name, "UTC") == 0 || cx_tz_offset(name))
		return true;
	size_t n = strlen(name);
	if (n == 0 || n > 60 || name[0] == '/' || strstr(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '/' || ch == '_' || ch == '-' || ch == '+'))
			return false;
	}
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	bool ok = fread(magic, 1, 4, fp) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(fp);
	return ok;
}

static void cx_check_attempts(cx *c, const cJSON *a, contest_def *def)
{
	char p[CX_PATH_MAX];
	long long ll;
	const cJSON *v;
	cx_fields(c, a, "$.attempts", cx_attempts_fields);
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "max")) &&
	    cx_int(c, v, "$.attempts.max", 0, CX_MAX_ATTEMPTS, &ll))
		def->attempts_max = (int)ll;
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "per_day")) &&
	    cx_int(c, v, "$.attempts.per_day", 0, CX_MAX_ATTEMPTS, &ll))
		def->attempts_per_day = (int)ll;
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "counts"))) {
		const char *k = cx_enum(c, v, "$.attempts.counts", cx_counts, "best, last");
		def->attempts_last = k && strcmp(k, "last") == 0;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "show_results"))) {
		const char *k = cx_enum(c, v, "$.attempts.show_results", cx_show, "submit, window, never");
		if (k)
			def->show_results = k;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "show_key")))
		cx_bool(c, v, "$.attempts.show_key", &def->show_key);
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "show_score")))
		cx_bool(c, v, "$.attempts.show_score", &def->show_score);
	if ((v = cJSON_GetObjectItemCaseSensitive(a, "time_zone")) &&
	    cx_string(c, v, cx_key(p, "$.attempts", "time_zone"), 64, false)) {
		if (cx_tz_known(v->valuestring)) {
			free(def->time_zone);
			def->time_zone = cx_dup(c, v->valuestring);
		} else {
			char val[72];
			snprintf(val, sizeof val, "%.64s", v->valuestring);
			cx_err(c, "$.attempts.time_zone", CXM_TIME_ZONE, val);
		}
	}
}

void cx_set_attempts(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	const char *mode = ld->mode;
	(void)val;
	def->attempts_max = cx_is(mode, "exam") ? 1 : 0;
	def->attempts_per_day = cx_is(mode, "mass") ? 3 : 0;
	def->show_results = "submit";
	def->show_key = true;
	def->time_zone = cx_dup(c, "Asia/Shanghai");
	if (!v)
		return;
	if (mode && !cx_is(mode, "exam") && !cx_is(mode, "mass"))
		cx_err(c, path, CXM_MODE_ONLY, "attempts", "exam, mass");
	else if (!cJSON_IsObject(v))
		cx_err(c, path, CXM_NOT_OBJECT);
	else
		cx_check_attempts(c, v, def);
}

void cx_set_notebook(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	long long ll;
	(void)val;
	ld->def->notebook_leave_after = 2;
	if (!v)
		return;
	if (ld->mode && !cx_is(ld->mode, "practice"))
		cx_err(c, path, CXM_MODE_ONLY, "notebook", "practice");
	else if (!cJSON_IsObject(v))
		cx_err(c, path, CXM_NOT_OBJECT);
	else {
		cx_fields(c, v, path, cx_notebook_fields);
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(v, "leave_after");
		if (l && cx_int(c, l, "$.notebook.leave_after", 1, 20, &ll))
			ld->def->notebook_leave_after = (int)ll;
	}
}

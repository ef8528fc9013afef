/*
 * xapi.c - xAPI 1.0.3 statements for the training records: a finished
 * attempt (completed, passed, failed), a question answered within it, and an
 * issued certificate (earned). The server stores them in its outbox and sends
 * them in batches to the LRS; this file only builds them.
 *
 *   actor    {"objectType": "Agent", "name": ..., "account": {"homePage", "name": employee number}}
 *            (never an email: a worker is known by the employee number)
 *   verb     ADL's http://adlnet.gov/expapi/verbs/{completed,passed,failed,answered};
 *            "earned" is not in ADL's vocabulary: the registry's
 *            http://id.tincanapi.com/verb/earned
 *   object   {base}/contest/{CODE} (assessment), .../q/{id} (cmi.interaction),
 *            {base}/certificate/{id} (http://id.tincanapi.com/activitytype/certificate)
 *   result   score {scaled, raw, min, max}, success, completion, duration (ISO 8601)
 *   context  registration (the attempt's UUID), contextActivities, platform
 *            "SkillArena", language zh-CN
 *
 * Ids are name-based UUIDs (v5, SHA-1 via mbedTLS) in the RFC 4122 URL
 * namespace, named by the object's IRI, the attempt and the verb, and every
 * field (the timestamp included) comes from stored data: rebuilding a
 * statement after a crash or a lost LRS reply gives the same id and the same
 * content, which the LRS accepts again without storing a second copy (a
 * random v4 id would store the attempt twice; the same id with different
 * content would be refused with 409).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha1.h>

#include "results_int.h"

const uint8_t results_uuid_ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

#define TYPE_ASSESSMENT "http://adlnet.gov/expapi/activities/assessment"
#define TYPE_INTERACTION "http://adlnet.gov/expapi/activities/cmi.interaction"
#define TYPE_CERTIFICATE "http://id.tincanapi.com/activitytype/certificate"

static const struct {
	const char *key, *iri, *en, *zh;
} verbs[] = {
	{"completed", "http://adlnet.gov/expapi/verbs/completed", "completed", "完成"},
	{"passed", "http://adlnet.gov/expapi/verbs/passed", "passed", "通过"},
	{"failed", "http://adlnet.gov/expapi/verbs/failed", "failed", "未通过"},
	{"answered", "http://adlnet.gov/expapi/verbs/answered", "answered", "作答"},
	{"earned", "http://id.tincanapi.com/verb/earned", "earned", "获得"},
};
enum { V_COMPLETED, V_PASSED, V_FAILED, V_ANSWERED, V_EARNED };

static const char *const interaction_types[] = {"true-false", "choice",      "fill-in",    "long-fill-in",
						"matching",   "performance", "sequencing", "likert",
						"numeric",    "other",       NULL};

void results_uuid5(const uint8_t ns[16], const char *name, char out[37])
{
	size_t n = strlen(name);
	unsigned char *buf = malloc(16 + n), h[20];
	if (buf) {
		memcpy(buf, ns, 16);
		memcpy(buf + 16, name, n);
		mbedtls_sha1_ret(buf, 16 + n, h);
		free(buf);
	} else { /* out of memory: hash the two parts incrementally */
		mbedtls_sha1_context c;
		mbedtls_sha1_init(&c);
		mbedtls_sha1_starts_ret(&c);
		mbedtls_sha1_update_ret(&c, ns, 16);
		mbedtls_sha1_update_ret(&c, (const unsigned char *)name, n);
		mbedtls_sha1_finish_ret(&c, h);
		mbedtls_sha1_free(&c);
	}
	h[6] = (unsigned char)((h[6] & 0x0F) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3F) | 0x80);
	static const char hex[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[h[i] >> 4];
		out[o++] = hex[h[i] & 15];
	}
	out[o] = '\0';
}

/* ---------- checks ---------- */

static int iri_ok(const char *s)
{
	if (!s || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) || strlen(s) > 512 ||
	    !results__utf8_ok(s))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7F || strchr("\"<>\\^`{|}", *p))
			return 0;
	return strlen(strchr(s, ':') + 3) > 0; /* a host after "://" */
}

static int text_ok(const char *s, size_t max)
{
	if (!s || !*s || strlen(s) > max || !results__utf8_ok(s))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7F)
			return 0;
	return 1;
}

static int id_ok(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;
	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      (extra && ((s[i] >= 'a' && s[i] <= 'z') || strchr(extra, s[i])))))
			return 0;
	return 1;
}

/* The activity base: activity_base, or home_page + "/xapi", without a trailing '/'. */
static int site_base(const results_xapi_site *s, char *base, size_t cap, char **err)
{
	if (!s || !iri_ok(s->home_page))
		return results__errf(err, RESULTS_E_INVALID, "home_page: must be an http(s) IRI");
	if (s->activity_base && !iri_ok(s->activity_base))
		return results__errf(err, RESULTS_E_INVALID, "activity_base: must be an http(s) IRI");
	int n = s->activity_base ? snprintf(base, cap, "%s", s->activity_base)
				 : snprintf(base, cap, "%s%sxapi", s->home_page,
					    s->home_page[strlen(s->home_page) - 1] == '/' ? "" : "/");
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	return RESULTS_OK;
}

static int check_attempt(const results_xapi_attempt *a, char **err)
{
	const char *bad = !a                                                           ? "attempt"
			  : !text_ok(a->employee_no, 64)                               ? "employee_no"
			  : a->name && !text_ok(a->name, 256)                          ? "name"
			  : !id_ok(a->contest_code, 4, 16, NULL)                       ? "contest_code"
			  : !text_ok(a->title_zh, 512)                                 ? "title_zh"
			  : a->title_en && !text_ok(a->title_en, 512)                  ? "title_en"
			  : a->attempt_id < 0                                          ? "attempt_id"
			  : a->started_ms < 0 || a->finished_ms < a->started_ms        ? "finished_ms"
			  : a->max_milli <= a->min_milli || a->max_milli <= 0          ? "max_milli"
			  : a->raw_milli < a->min_milli || a->raw_milli > a->max_milli ? "raw_milli"
			  : a->passed < -1 || a->passed > 1                            ? "passed"
										       : NULL;
	return bad ? results__errf(err, RESULTS_E_INVALID, "%s: missing or invalid", bad) : RESULTS_OK;
}

/* ---------- pieces ---------- */

/* "PT1H2M5.34S": hours, minutes, seconds to the hundredth (xAPI keeps 0.01 s). */
static void iso_duration(int64_t ms, char *buf, size_t cap)
{
	int64_t cs = ms / 10, h = cs / 360000, m = cs / 6000 % 60, s = cs / 100 % 60, f = cs % 100;
	int n = snprintf(buf, cap, "PT");
	if (h)
		n += snprintf(buf + n, cap - (size_t)n, "%lldH", (long long)h);
	if (m)
		n += snprintf(buf + n, cap - (size_t)n, "%lldM", (long long)m);
	if (f)
		snprintf(buf + n, cap - (size_t)n, "%lld.%02lldS", (long long)s, (long long)f);
	else if (s || (!h && !m))
		snprintf(buf + n, cap - (size_t)n, "%lldS", (long long)s);
}

static double round6(double x) { return nearbyint(x * 1e6) / 1e6; }

static cJSON *langmap(const char *zh, const char *en)
{
	cJSON *m = cJSON_CreateObject();
	if (m && cJSON_AddStringToObject(m, "zh-CN", zh) && (!en || cJSON_AddStringToObject(m, "en", en)))
		return m;
	cJSON_Delete(m);
	return NULL;
}

static cJSON *actor(const results_xapi_site *s, const char *empno, const char *name)
{
	cJSON *a = cJSON_CreateObject(), *acc = cJSON_AddObjectToObject(a, "account");
	if (a && acc && cJSON_AddStringToObject(acc, "homePage", s->home_page) &&
	    cJSON_AddStringToObject(acc, "name", empno) &&
	    cJSON_AddStringToObject(a, "objectType", "Agent") &&
	    (!name || cJSON_AddStringToObject(a, "name", name)))
		return a;
	cJSON_Delete(a);
	return NULL;
}

static cJSON *verb(int v)
{
	cJSON *o = cJSON_CreateObject(), *d = NULL;
	if (o && cJSON_AddStringToObject(o, "id", verbs[v].iri) &&
	    (d = cJSON_AddObjectToObject(o, "display")) && cJSON_AddStringToObject(d, "en-US", verbs[v].en) &&
	    cJSON_AddStringToObject(d, "zh-CN", verbs[v].zh))
		return o;
	cJSON_Delete(o);
	return NULL;
}

/* An activity with its definition (type, name; zh NULL: no name). */
static cJSON *activity(const char *id, const char *type, const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject(), *def = NULL;
	if (o && cJSON_AddStringToObject(o, "objectType", "Activity") &&
	    cJSON_AddStringToObject(o, "id", id) && (def = cJSON_AddObjectToObject(o, "definition")) &&
	    cJSON_AddStringToObject(def, "type", type)) {
		if (!zh)
			return o;
		cJSON *name = langmap(zh, en);
		if (name && cJSON_AddItemToObject(def, "name", name))
			return o;
		cJSON_Delete(name);
	}
	cJSON_Delete(o);
	return NULL;
}

static cJSON *score(int64_t raw, int64_t min, int64_t max)
{
	double scaled = raw >= 0 ? (double)raw / (double)max : min < 0 ? (double)raw / (double)-min : 0;
	cJSON *s = cJSON_CreateObject();
	if (s && cJSON_AddNumberToObject(s, "scaled", round6(scaled)) &&
	    cJSON_AddNumberToObject(s, "raw", (double)raw / 1000.0) &&
	    cJSON_AddNumberToObject(s, "min", (double)min / 1000.0) &&
	    cJSON_AddNumberToObject(s, "max", (double)max / 1000.0))
		return s;
	cJSON_Delete(s);
	return NULL;
}

/* context: registration (when reg), parent (when parent_id), grouping = the base, platform, language. */
static cJSON *context(const char *reg, const char *parent_id, const char *base)
{
	cJSON *c = cJSON_CreateObject(), *ca = cJSON_AddObjectToObject(c, "contextActivities");
	cJSON *grouping = cJSON_AddArrayToObject(ca, "grouping"), *g = cJSON_CreateObject();
	int ok = c && ca && grouping && g && cJSON_AddStringToObject(g, "objectType", "Activity") &&
		 cJSON_AddStringToObject(g, "id", base) && cJSON_AddItemToArray(grouping, g);
	if (!ok)
		cJSON_Delete(g);
	if (ok && parent_id) {
		cJSON *parent = cJSON_AddArrayToObject(ca, "parent"), *p = cJSON_CreateObject();
		ok = parent && p && cJSON_AddStringToObject(p, "objectType", "Activity") &&
		     cJSON_AddStringToObject(p, "id", parent_id) && cJSON_AddItemToArray(parent, p);
		if (!ok)
			cJSON_Delete(p);
	}
	ok = ok && (!reg || cJSON_AddStringToObject(c, "registration", reg)) &&
	     cJSON_AddStringToObject(c, "platform", "SkillArena") &&
	     cJSON_AddStringToObject(c, "language", "zh-CN");
	if (ok)
		return c;
	cJSON_Delete(c);
	return NULL;
}

/* Assembles a statement from its parts (each may be NULL when optional); takes them all. */
static int statement(const char *id_name, const results_xapi_site *s, int64_t at_ms, cJSON *act, int v,
		     cJSON *obj, cJSON *res, cJSON *ctx, cJSON **out)
{
	char id[37], ts[40];
	results_uuid5(results_uuid_ns_url, id_name, id);
	int rc = results_tz_format(s->tz, at_ms, ts);
	cJSON *st = cJSON_CreateObject(), *vb = verb(v);
	int ok = rc == RESULTS_OK && st && act && vb && obj && ctx && cJSON_AddStringToObject(st, "id", id);
	if (ok) {
		cJSON_AddItemToObject(st, "actor", act);
		cJSON_AddItemToObject(st, "verb", vb);
		cJSON_AddItemToObject(st, "object", obj);
		if (res)
			cJSON_AddItemToObject(st, "result", res);
		cJSON_AddItemToObject(st, "context", ctx);
		ok = cJSON_AddStringToObject(st, "timestamp", ts) != NULL;
		act = vb = obj = res = ctx = NULL;
	}
	cJSON_Delete(act);
	cJSON_Delete(vb);
	cJSON_Delete(obj);
	cJSON_Delete(res);
	cJSON_Delete(ctx);
	if (!ok) {
		cJSON_Delete(st);
		return rc < 0 ? rc : RESULTS_E_NOMEM;
	}
	*out = st;
	return RESULTS_OK;
}

/* ---------- builders ---------- */

int results_xapi_attempt_statement(const results_xapi_site *s, const results_xapi_attempt *a,
				   results_xapi_verb v, cJSON **out, char **err)
{
	char base[600], act_id[700], reg_name[760], id_name[800], reg[37], dur[64];
	int rc = site_base(s, base, sizeof base, err);
	if (rc < 0 || (rc = check_attempt(a, err)) < 0)
		return rc;
	int vi = v == RESULTS_XAPI_COMPLETED ? V_COMPLETED : v == RESULTS_XAPI_PASSED ? V_PASSED : V_FAILED;
	if (v != RESULTS_XAPI_COMPLETED && a->passed != (v == RESULTS_XAPI_PASSED))
		return results__errf(err, RESULTS_E_INVALID, "passed: does not agree with the verb %s",
				     verbs[vi].key);
	snprintf(act_id, sizeof act_id, "%s/contest/%s", base, a->contest_code);
	snprintf(reg_name, sizeof reg_name, "%s/attempt/%lld", act_id, (long long)a->attempt_id);
	snprintf(id_name, sizeof id_name, "%s#%s", reg_name, verbs[vi].key);
	results_uuid5(results_uuid_ns_url, reg_name, reg);
	iso_duration(a->finished_ms - a->started_ms, dur, sizeof dur);
	cJSON *res = cJSON_CreateObject(), *sc = score(a->raw_milli, a->min_milli, a->max_milli);
	int ok = res && sc && cJSON_AddItemToObject(res, "score", sc);
	if (!ok)
		cJSON_Delete(sc);
	ok = ok && (v == RESULTS_XAPI_COMPLETED || cJSON_AddBoolToObject(res, "success", a->passed == 1)) &&
	     cJSON_AddBoolToObject(res, "completion", true) && cJSON_AddStringToObject(res, "duration", dur);
	if (!ok) {
		cJSON_Delete(res);
		return RESULTS_E_NOMEM;
	}
	*out = NULL;
	return statement(id_name, s, a->finished_ms, actor(s, a->employee_no, a->name), vi,
			 activity(act_id, TYPE_ASSESSMENT, a->title_zh, a->title_en), res,
			 context(reg, NULL, base), out);
}

int results_xapi_attempt_statements(const results_xapi_site *s, const results_xapi_attempt *a, cJSON *arr,
				    char **err)
{
	if (!cJSON_IsArray(arr))
		return RESULTS_E_INVALID;
	results_xapi_verb vs[2] = {RESULTS_XAPI_COMPLETED,
				   a && a->passed == 1 ? RESULTS_XAPI_PASSED : RESULTS_XAPI_FAILED};
	int n = a && a->passed >= 0 ? 2 : 1;
	cJSON *made[2] = {NULL, NULL};
	for (int i = 0; i < n; i++) {
		int rc = results_xapi_attempt_statement(s, a, vs[i], &made[i], err);
		if (rc < 0) {
			cJSON_Delete(made[0]);
			return rc;
		}
	}
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, made[i]);
	return RESULTS_OK;
}

int results_xapi_answer_statement(const results_xapi_site *s, const results_xapi_attempt *a,
				  const results_xapi_answer *q, cJSON **out, char **err)
{
	char base[600], quiz[700], act_id[800], reg_name[760], id_name[900], reg[37], dur[64];
	int rc = site_base(s, base, sizeof base, err);
	if (rc < 0 || (rc = check_attempt(a, err)) < 0)
		return rc;
	int t = 0;
	while (q && q->interaction_type && interaction_types[t] &&
	       strcmp(interaction_types[t], q->interaction_type))
		t++;
	const char *bad = !q                                              ? "answer"
			  : !id_ok(q->question_id, 1, 64, "._-")          ? "question_id"
			  : !q->interaction_type || !interaction_types[t] ? "interaction_type"
			  : !q->response || !results__utf8_ok(q->response) || strlen(q->response) > 4096
				  ? "response"
			  : q->correct_pattern && !results__utf8_ok(q->correct_pattern) ? "correct_pattern"
			  : q->max_milli <= 0 || q->raw_milli < 0 || q->raw_milli > q->max_milli ? "raw_milli"
			  : q->duration_ms < 0 || q->answered_ms < 0 ? "answered_ms"
								     : NULL;
	if (bad)
		return results__errf(err, RESULTS_E_INVALID, "%s: missing or invalid", bad);
	snprintf(quiz, sizeof quiz, "%s/contest/%s", base, a->contest_code);
	snprintf(act_id, sizeof act_id, "%s/q/%s", quiz, q->question_id);
	snprintf(reg_name, sizeof reg_name, "%s/attempt/%lld", quiz, (long long)a->attempt_id);
	snprintf(id_name, sizeof id_name, "%s/q/%s#answered", reg_name, q->question_id);
	results_uuid5(results_uuid_ns_url, reg_name, reg);
	iso_duration(q->duration_ms, dur, sizeof dur);
	cJSON *obj = activity(act_id, TYPE_INTERACTION, NULL, NULL);
	cJSON *def = obj ? cJSON_GetObjectItemCaseSensitive(obj, "definition") : NULL, *pat = NULL;
	int ok = def && cJSON_AddStringToObject(def, "interactionType", q->interaction_type);
	if (ok && q->correct_pattern)
		ok = (pat = cJSON_AddArrayToObject(def, "correctResponsesPattern")) &&
		     cJSON_AddItemToArray(pat, cJSON_CreateString(q->correct_pattern)) &&
		     cJSON_GetArraySize(pat) == 1;
	cJSON *res = cJSON_CreateObject(), *sc = score(q->raw_milli, 0, q->max_milli);
	ok = ok && res && sc && cJSON_AddItemToObject(res, "score", sc);
	if (!ok)
		cJSON_Delete(sc);
	ok = ok && cJSON_AddBoolToObject(res, "success", q->success) &&
	     cJSON_AddStringToObject(res, "response", q->response) &&
	     cJSON_AddStringToObject(res, "duration", dur);
	if (!ok) {
		cJSON_Delete(obj);
		cJSON_Delete(res);
		return RESULTS_E_NOMEM;
	}
	*out = NULL;
	return statement(id_name, s, q->answered_ms, actor(s, a->employee_no, a->name), V_ANSWERED, obj, res,
			 context(reg, quiz, base), out);
}

int results_xapi_cert_statement(const results_xapi_site *s, const results_xapi_cert *c, cJSON **out,
				char **err)
{
	char base[600], quiz[700], act_id[800], reg_name[760], id_name[900], reg[37], ext[700];
	int rc = site_base(s, base, sizeof base, err);
	if (rc < 0)
		return rc;
	const char *bad = !c                                          ? "certificate"
			  : !text_ok(c->employee_no, 64)              ? "employee_no"
			  : c->name && !text_ok(c->name, 256)         ? "name"
			  : !id_ok(c->contest_code, 4, 16, NULL)      ? "contest_code"
			  : !id_ok(c->certificate_id, 1, 64, "._-")   ? "certificate_id"
			  : !text_ok(c->title_zh, 512)                ? "title_zh"
			  : c->title_en && !text_ok(c->title_en, 512) ? "title_en"
			  : c->award_zh && !text_ok(c->award_zh, 256) ? "award_zh"
			  : c->attempt_id < -1 || c->issued_ms < 0    ? "issued_ms"
								      : NULL;
	if (bad)
		return results__errf(err, RESULTS_E_INVALID, "%s: missing or invalid", bad);
	snprintf(quiz, sizeof quiz, "%s/contest/%s", base, c->contest_code);
	snprintf(act_id, sizeof act_id, "%s/certificate/%s", base, c->certificate_id);
	snprintf(reg_name, sizeof reg_name, "%s/attempt/%lld", quiz, (long long)c->attempt_id);
	snprintf(id_name, sizeof id_name, "%s#earned", act_id);
	snprintf(ext, sizeof ext, "%s/extension/award", base);
	results_uuid5(results_uuid_ns_url, reg_name, reg);
	cJSON *ctx = context(c->attempt_id >= 0 ? reg : NULL, quiz, base), *x = NULL;
	if (ctx && c->award_zh &&
	    !((x = cJSON_AddObjectToObject(ctx, "extensions")) &&
	      cJSON_AddStringToObject(x, ext, c->award_zh))) {
		cJSON_Delete(ctx);
		ctx = NULL;
	}
	*out = NULL;
	return statement(id_name, s, c->issued_ms, actor(s, c->employee_no, c->name), V_EARNED,
			 activity(act_id, TYPE_CERTIFICATE, c->title_zh, c->title_en), NULL, ctx, out);
}

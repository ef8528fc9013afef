/*
 * console.c - what the console's contest routes share (console.h): who is
 * asking, the {code}, and the CONTEST summary read back after a change.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/console.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "live/validate.h"
#include "store/store.h"

void console_who_of(const http_req *req, console_who *w)
{
	const auth_principal *p = http_principal(req);
	snprintf(w->acc, sizeof w->acc, "%lld", (long long)(p ? p->account_id : 0));
	w->admin = p && (p->role & AUTH_ADMIN) ? "t" : "f";
}

const char *console_lang(const http_req *req) { return http_lang_en(req) ? "en" : "zh-CN"; }

int console_code(http_req *req, char norm[17])
{
	const char *code = http_param(req, "code");
	if (code && !validate_code(code, norm))
		return 1;
	http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	return 0;
}

typedef struct reply {
	http_req *req;
	int status;
	cJSON *extra;
} reply;

static void replied(arena *a, void *res, const char *err, void *ud)
{
	reply *r = ud;
	(void)a;
	cJSON *c = !err && res && PQntuples(res) == 1 ? api_json_cell(res, 0, 0) : NULL;
	if (err || !res)
		http_reply_error(r->req, SA_E_UNAVAILABLE, NULL);
	else if (!c)
		http_reply_error(r->req, SA_E_UNKNOWN_CONTEST, NULL);
	else {
		cJSON *o = r->extra ? r->extra : cJSON_CreateObject();
		r->extra = NULL;
		cJSON_AddItemToObject(o, "contest", c);
		c = NULL;
		http_reply_json(r->req, r->status, o);
	}
	cJSON_Delete(c);
	cJSON_Delete(r->extra);
	http_req_unref(r->req);
	free(r);
}

int console_reply(http_req *req, const char *code, int status, cJSON *extra)
{
	console_who w;
	reply *r = calloc(1, sizeof *r);
	if (!r) {
		cJSON_Delete(extra);
		return SA_E_INTERNAL;
	}
	console_who_of(req, &w);
	r->req = req;
	r->status = status;
	r->extra = extra;
	const char *p[3] = {w.acc, w.admin, code};
	http_req_ref(req);
	int rc = store_query(http_arena(req),
			     "SELECT " CONSOLE_SUMMARY("$1", "$2") " FROM contests c WHERE c.code = $3", 3, p,
			     replied, r);
	if (rc) {
		http_req_unref(req);
		cJSON_Delete(r->extra);
		free(r);
	}
	return rc;
}

void console_problems(http_req *req, cJSON *problems)
{
	int en = http_lang_en(req);
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", err_name(SA_E_INVALID_FIELD));
	cJSON_AddStringToObject(e, "message", en ? "the contest has problems" : "竞赛定义有错误");
	cJSON_AddItemToObject(e, "problems", problems ? problems : cJSON_CreateArray());
	http_reply_json(req, err_http_status(SA_E_INVALID_FIELD), o);
}

int console_bank_code_ok(const char *s, char code[65])
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return 0;
		code[i] = ch;
	}
	code[n] = '\0';
	return 1;
}

int console_bank_code(http_req *req, char code[65])
{
	if (console_bank_code_ok(http_param(req, "code"), code))
		return 1;
	api_error(req, SA_E_NOT_FOUND, "code", "没有这个题库", "no bank has this code");
	return 0;
}

const char *console_like(http_req *req, const char *q)
{
	if (!q || !*q)
		return "";
	char *out = http_alloc(req, strlen(q) * 2 + 3), *o = out;
	if (!out)
		return NULL;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '\\' || *q == '%' || *q == '_')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

int console_num(http_req *req, const char *name, long lo, long hi, long def, long *out)
{
	const char *v = http_query(req, name);
	char *end;
	*out = def;
	if (!v)
		return 0;
	long n = strtol(v, &end, 10);
	if (*v && !*end && n >= lo && n <= hi) {
		*out = n;
		return 0;
	}
	api_error(req, SA_E_INVALID_FIELD, name, "参数超出范围", "the parameter is out of range");
	return -1;
}

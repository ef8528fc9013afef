/*
 * request.c - what the API's handlers share (request.h): errors that name
 * their field, in the request's language; body fields; ids; JSON cells of
 * query results; whether cookies get Secure.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/request.h"
#include "core/err.h"
#include "net/gate.h"

void api_error(http_req *req, int code, const char *field, const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	const char *msg = http_lang_en(req) ? en : zh;
	cJSON_AddStringToObject(e, "code", err_name(code));
	cJSON_AddStringToObject(e, "message", msg ? msg : err_message(code, http_lang_en(req)));
	if (field)
		cJSON_AddStringToObject(e, "field", field);
	http_reply_json(req, err_http_status(code), o);
}

const char *api_string(http_req *req, const char *name, int *bad)
{
	cJSON *body = http_json_body(req);
	if (!cJSON_IsObject(body)) {
		*bad = 1;
		return NULL;
	}
	cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	if (!v)
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

int64_t api_id(http_req *req, const char *name)
{
	const char *s = http_param(req, name);
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 16)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v <= (int64_t)1 << 53 ? v : 0;
}

long api_number(const char *s, long dflt, long max)
{
	char *end;
	if (!s)
		return dflt;
	long v = *s ? strtol(s, &end, 10) : 0;
	return *s && !*end && v >= 1 && v <= max ? v : 0;
}

cJSON *api_json_cell(void *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return cJSON_Parse(PQgetvalue(res, row, col));
}

int api_secure(http_req *req)
{
	return !strncmp(gate_public_url(http_arena(req)), "https:", 6) || http_tls(req);
}

/*
 * record.c - the certificate record: its checks, its canonical JSON (the
 * signed payload) and parsing it back.
 *
 * The payload is flat and versioned ("v":1); optional members are left out
 * rather than null, so one record has exactly one JSON text:
 *
 *   {"award":"一等奖","contest_code":"DEMO-2026","contest_title":"…","employee_no":"E1024",
 *    "iat":1796428800,"id":"…22 chars…","issuer":"…","kind":"award","name":"…","rank":1,
 *    "score":96.5,"template":"default","unit":"…","v":1,"verify_base":"https://…/verify"}
 *
 * (plus "exp" when the certificate expires). Parsing accepts only that form:
 * the members known, of their types, and a text that re-serializes to the
 * very same bytes; anything else is CERTS_E_TAMPERED.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs_int.h"

#define RECORD_VERSION 1

static const char *kind_name(int kind)
{
	return kind == CERTS_KIND_PARTICIPATION ? "participation" : "award";
}

int certs_record_new_id(certs_signer *s, certs_record *r)
{
	if (!r)
		return CERTS_E_INVALID;
	unsigned char u[16];
	int rc;
	if (s) {
		rc = certs_signer_random(s, u, sizeof u);
	} else {
		FILE *f = fopen("/dev/urandom", "rb");
		rc = f && fread(u, 1, sizeof u, f) == sizeof u ? CERTS_OK : CERTS_E_CRYPTO;
		if (f)
			fclose(f);
	}
	if (rc)
		return rc;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* UUID version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	char *id = certs_b64url(u, sizeof u);
	if (!id)
		return CERTS_E_NOMEM;
	memcpy(r->id, id, CERTS_ID_LEN + 1);
	free(id);
	return CERTS_OK;
}

/* ---------- checks ---------- */

/* Text of 1..max code points (0..max when optional), UTF-8, no controls. */
static int check_text(const char *field, const char *s, long max, int optional, char **err)
{
	if (!s || !*s)
		return optional ? CERTS_OK : certs_errf(err, CERTS_E_INVALID, "%s: required", field);
	size_t n = strlen(s);
	long count = certs_utf8_count(s, n);
	if (count < 0)
		return certs_errf(err, CERTS_E_UTF8, "%s: not valid UTF-8", field);
	if (count > max)
		return certs_errf(err, CERTS_E_INVALID, "%s: %ld characters, at most %ld", field, count, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return certs_errf(err, CERTS_E_INVALID, "%s: control character at byte %zu", field,
					  i);
	return CERTS_OK;
}

/* A token of [A-Za-z0-9._-] (codes) or printable ASCII (employee numbers). */
static int check_code(const char *field, const char *s, size_t max, int printable, int optional, char **err)
{
	if (!s || !*s)
		return optional ? CERTS_OK : certs_errf(err, CERTS_E_INVALID, "%s: required", field);
	size_t n = strlen(s);
	if (n > max)
		return certs_errf(err, CERTS_E_INVALID, "%s: %zu characters, at most %zu", field, n, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = printable ? (c > 0x20 && c < 0x7f)
				   : ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
		if (!ok)
			return certs_errf(err, CERTS_E_INVALID, "%s: character '%c' not allowed (byte %zu)",
					  field, c >= 0x20 && c < 0x7f ? c : '?', i);
	}
	return CERTS_OK;
}

static int check_url(const char *field, const char *s, char **err)
{
	int rc = check_code(field, s, 512, 1, 0, err);
	if (rc)
		return rc;
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return certs_errf(err, CERTS_E_INVALID, "%s: must start with https:// (or http://)", field);
	if (s[strlen(s) - 1] == '/')
		return certs_errf(err, CERTS_E_INVALID, "%s: must not end with '/'", field);
	if (strpbrk(s, "\"<>\\^`{|}#?"))
		return certs_errf(err, CERTS_E_INVALID,
				  "%s: must be a plain URL (no query, fragment or quotes)", field);
	return CERTS_OK;
}

static int check_id(const char *id, char **err)
{
	size_t n = strnlen(id, CERTS_ID_LEN + 1), len = 0;
	unsigned char *u = n == CERTS_ID_LEN ? certs_b64url_decode(id, n, &len) : NULL;
	free(u);
	if (!u || len != 16)
		return certs_errf(err, CERTS_E_INVALID, "id: must be %d base64url characters (16 bytes)",
				  CERTS_ID_LEN);
	return CERTS_OK;
}

int certs_record_check(const certs_record *r, char **err)
{
	if (!r)
		return CERTS_E_INVALID;
	int rc;
	if ((rc = check_id(r->id, err)) ||
	    (rc = check_code("contest_code", r->contest_code, 64, 0, 0, err)) ||
	    (rc = check_text("contest_title", r->contest_title, CERTS_MAX_TEXT, 0, err)) ||
	    (rc = check_text("name", r->name, CERTS_MAX_NAME, 0, err)) ||
	    (rc = check_code("employee_no", r->employee_no, 64, 1, 0, err)) ||
	    (rc = check_text("unit", r->unit, CERTS_MAX_TEXT, 1, err)) ||
	    (rc = check_text("award", r->award, 64, 0, err)) ||
	    (rc = check_text("issuer", r->issuer, CERTS_MAX_TEXT, 0, err)) ||
	    (rc = check_code("template", r->template_id, 64, 0, 1, err)) ||
	    (rc = check_url("verify_base", r->verify_base, err)))
		return rc;
	if (r->kind != CERTS_KIND_AWARD && r->kind != CERTS_KIND_PARTICIPATION)
		return certs_errf(err, CERTS_E_INVALID, "kind: must be award or participation");
	if (r->rank < 0)
		return certs_errf(err, CERTS_E_INVALID, "rank: must be >= 0");
	if (r->has_score && (r->score_milli > 1000000000000000LL || r->score_milli < -1000000000000000LL))
		return certs_errf(err, CERTS_E_INVALID, "score: out of range");
	if (r->issued_at < 946684800 || r->issued_at > 32503680000LL) /* 2000 .. 3000 */
		return certs_errf(err, CERTS_E_INVALID, "issued_at: not a plausible time");
	if (r->expires_at && (r->expires_at <= r->issued_at || r->expires_at > 32503680000LL))
		return certs_errf(err, CERTS_E_INVALID, "expires_at: must be after issued_at");
	return CERTS_OK;
}

/* ---------- JSON ---------- */

void certs_milli_text(int64_t milli, char *buf, size_t size)
{
	const char *sign = milli < 0 ? "-" : "";
	uint64_t m = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;
	unsigned frac = (unsigned)(m % 1000);
	if (frac == 0)
		snprintf(buf, size, "%s%llu", sign, (unsigned long long)(m / 1000));
	else if (frac % 100 == 0)
		snprintf(buf, size, "%s%llu.%u", sign, (unsigned long long)(m / 1000), frac / 100);
	else if (frac % 10 == 0)
		snprintf(buf, size, "%s%llu.%02u", sign, (unsigned long long)(m / 1000), frac / 10);
	else
		snprintf(buf, size, "%s%llu.%03u", sign, (unsigned long long)(m / 1000), frac);
}

cJSON *certs_record_tree(const certs_record *r)
{
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "award", r->award) &&
		 cJSON_AddStringToObject(o, "contest_code", r->contest_code) &&
		 cJSON_AddStringToObject(o, "contest_title", r->contest_title) &&
		 cJSON_AddStringToObject(o, "employee_no", r->employee_no) &&
		 cJSON_AddNumberToObject(o, "iat", (double)r->issued_at) &&
		 cJSON_AddStringToObject(o, "id", r->id) && cJSON_AddStringToObject(o, "issuer", r->issuer) &&
		 cJSON_AddStringToObject(o, "kind", kind_name(r->kind)) &&
		 cJSON_AddStringToObject(o, "name", r->name) &&
		 cJSON_AddNumberToObject(o, "v", RECORD_VERSION) &&
		 cJSON_AddStringToObject(o, "verify_base", r->verify_base);
	if (ok && r->expires_at)
		ok = cJSON_AddNumberToObject(o, "exp", (double)r->expires_at) != NULL;
	if (ok && r->rank > 0)
		ok = cJSON_AddNumberToObject(o, "rank", r->rank) != NULL;
	if (ok && r->has_score)
		ok = cJSON_AddNumberToObject(o, "score", (double)r->score_milli / 1000.0) != NULL;
	if (ok && r->template_id && *r->template_id)
		ok = cJSON_AddStringToObject(o, "template", r->template_id) != NULL;
	if (ok && r->unit && *r->unit)
		ok = cJSON_AddStringToObject(o, "unit", r->unit) != NULL;
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int certs_record_json(const certs_record *r, char **json, size_t *len)
{
	if (!r || !json)
		return CERTS_E_INVALID;
	int rc = certs_record_check(r, NULL);
	if (rc)
		return rc;
	cJSON *o = certs_record_tree(r);
	if (!o)
		return CERTS_E_NOMEM;
	rc = certs_canonical_json(o, json, len);
	cJSON_Delete(o);
	return rc;
}

char *certs_record_verify_url(const certs_record *r)
{
	certs_buf b = {0};
	certs_buf_printf(&b, "%s/%s", r->verify_base, r->id);
	return certs_buf_take(&b, NULL);
}

/* ---------- parsing ---------- */

typedef struct field {
	const char *name;
	int type;   /* cJSON_String or cJSON_Number */
	int need;   /* required */
	size_t off; /* offsetof the const char * in certs_record, or (size_t)-1 */
} field;

#define STR(name, member, need)                                          \
	{                                                                \
		name, cJSON_String, need, offsetof(certs_record, member) \
	}
#define NUM(name, need)                              \
	{                                            \
		name, cJSON_Number, need, (size_t)-1 \
	}

static const field fields[] = {
	STR("award", award, 1),
	STR("contest_code", contest_code, 1),
	STR("contest_title", contest_title, 1),
	STR("employee_no", employee_no, 1),
	NUM("exp", 0),
	NUM("iat", 1),
	{"id", cJSON_String, 1, (size_t)-1},
	STR("issuer", issuer, 1),
	{"kind", cJSON_String, 1, (size_t)-1},
	STR("name", name, 1),
	NUM("rank", 0),
	NUM("score", 0),
	STR("template", template_id, 0),
	STR("unit", unit, 0),
	NUM("v", 1),
	STR("verify_base", verify_base, 1),
};

static const field *field_named(const char *name)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

/* Numbers of the payload are integers (score: thousandths) in range. */
static int take_numbers(const cJSON *root, certs_record *r, char **err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "v");
	if (v->valuedouble != RECORD_VERSION)
		return certs_errf(err, CERTS_E_TAMPERED, "v: unknown version");
	const cJSON *iat = cJSON_GetObjectItemCaseSensitive(root, "iat");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "exp");
	const cJSON *rank = cJSON_GetObjectItemCaseSensitive(root, "rank");
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(root, "score");
	if (fabs(iat->valuedouble) > 4e15 || (exp && fabs(exp->valuedouble) > 4e15) ||
	    (rank && (rank->valuedouble < 1 || rank->valuedouble > 1e9)) ||
	    (score && fabs(score->valuedouble) > 1e15))
		return certs_errf(err, CERTS_E_TAMPERED, "a number is out of range");
	r->issued_at = (int64_t)iat->valuedouble;
	r->expires_at = exp ? (int64_t)exp->valuedouble : 0;
	r->rank = rank ? (int)rank->valuedouble : 0;
	r->has_score = score != NULL;
	r->score_milli = score ? llround(score->valuedouble * 1000.0) : 0;
	return CERTS_OK;
}

static int take_fields(const cJSON *root, certs_record *r, char **err)
{
	for (const cJSON *m = root->child; m; m = m->next) {
		const field *f = field_named(m->string);
		if (!f)
			return certs_errf(err, CERTS_E_TAMPERED, "unknown member \"%.40s\"", m->string);
		if (!(m->type & f->type))
			return certs_errf(err, CERTS_E_TAMPERED, "%s: wrong type", f->name);
		if (f->off != (size_t)-1)
			*(const char **)((char *)r + f->off) = m->valuestring;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].need && !cJSON_GetObjectItemCaseSensitive(root, fields[i].name))
			return certs_errf(err, CERTS_E_TAMPERED, "%s: missing", fields[i].name);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (strlen(id->valuestring) != CERTS_ID_LEN)
		return certs_errf(err, CERTS_E_TAMPERED, "id: wrong length");
	memcpy(r->id, id->valuestring, CERTS_ID_LEN + 1);
	const char *kind = cJSON_GetObjectItemCaseSensitive(root, "kind")->valuestring;
	if (strcmp(kind, "award") == 0)
		r->kind = CERTS_KIND_AWARD;
	else if (strcmp(kind, "participation") == 0)
		r->kind = CERTS_KIND_PARTICIPATION;
	else
		return certs_errf(err, CERTS_E_TAMPERED, "kind: unknown");
	return take_numbers(root, r, err);
}

int certs_record_parse(const char *json, size_t len, certs_record *r, char **err)
{
	if (!json || !r)
		return CERTS_E_INVALID;
	memset(r, 0, sizeof *r);
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return certs_errf(err, CERTS_E_TAMPERED, "payload: not a JSON object");
	}
	r->mem_ = root;
	int rc = take_fields(root, r, err);
	if (rc == CERTS_OK)
		rc = certs_record_check(r, err) ? CERTS_E_TAMPERED : CERTS_OK;
	if (rc == CERTS_OK) {
		char *again = NULL;
		size_t alen = 0;
		rc = certs_record_json(r, &again, &alen);
		if (rc == CERTS_OK && (alen != len || memcmp(again, json, len) != 0))
			rc = certs_errf(err, CERTS_E_TAMPERED, "payload: not in canonical form");
		else if (rc)
			rc = certs_errf(err, CERTS_E_TAMPERED, "payload: cannot be re-serialized");
		free(again);
	}
	if (rc)
		certs_record_release(r);
	return rc;
}

void certs_record_release(certs_record *r)
{
	if (!r)
		return;
	cJSON_Delete(r->mem_);
	memset(r, 0, sizeof *r);
}

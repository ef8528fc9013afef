/*
 * ob3.c - each certificate as an Open Badges 3.0 OpenBadgeCredential, in the
 * VC-JWT form of OB 3.0 section 8.2 (JSON Web Token Proof Format).
 *
 * The credential (OB 3.0 B.1, VC Data Model 2.0):
 *   @context    [credentials/v2, ob/v3p0/context-3.0.3.json]
 *   id          urn:uuid:<the certificate's own UUID> (the id's 16 bytes)
 *   type        [VerifiableCredential, OpenBadgeCredential]
 *   issuer      {id, type [Profile], name}
 *   validFrom   the issue time (validUntil when the certificate expires)
 *   name        "<contest title> <award>"
 *   credentialSubject {id, type [AchievementSubject], identifier [name as
 *               plain text, employee number salted and hashed], achievement
 *               {id, type [Achievement], achievementType, name, description,
 *               criteria.narrative, resultDescription}, result [score, rank]}
 *   credentialSchema  the 1EdTech JSON schema of AchievementCredential
 *
 * The subject id is a name-based UUID (version 5, URL namespace) of
 * "<issuer id>#employee:<employee number>", the same for every credential
 * the issuer gives one worker, without spelling out the employee number.
 *
 * The VC-JWT: JOSE header exactly {alg, kid, typ:"JWT"} (the spec allows no
 * other header), kid = <jwks_url>#<thumbprint> (a URI that dereferences to
 * the key); payload = the credential itself plus the claims iss (issuer.id),
 * jti (id), nbf (validFrom), sub (credentialSubject.id) and exp (validUntil)
 * - the VC Data Model 2.0 form; the 1.1 form wrapped it in a "vc" claim.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

#include "certs_int.h"

#define OB3_CONTEXT_VC "https://www.w3.org/ns/credentials/v2"
#define OB3_CONTEXT_OB "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define OB3_SCHEMA \
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

static void uuid_text(const unsigned char u[16], char out[46])
{
	snprintf(out, 46, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

/* The credential id: the certificate id's 16 bytes as a URN. */
static int credential_urn(const char *id, char out[46])
{
	size_t len = 0;
	unsigned char *u = certs_b64url_decode(id, strlen(id), &len);
	if (!u || len != 16) {
		free(u);
		return CERTS_E_INVALID;
	}
	uuid_text(u, out);
	free(u);
	return CERTS_OK;
}

/* RFC 4122 version 5 UUID of name in the URL namespace. */
static void subject_urn(const char *issuer_id, const char *employee_no, char out[46])
{
	static const unsigned char ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
						 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	mbedtls_sha1_context c;
	unsigned char h[20];
	mbedtls_sha1_init(&c);
	mbedtls_sha1_starts_ret(&c);
	mbedtls_sha1_update_ret(&c, ns_url, sizeof ns_url);
	mbedtls_sha1_update_ret(&c, (const unsigned char *)issuer_id, strlen(issuer_id));
	mbedtls_sha1_update_ret(&c, (const unsigned char *)"#employee:", 10);
	mbedtls_sha1_update_ret(&c, (const unsigned char *)employee_no, strlen(employee_no));
	mbedtls_sha1_finish_ret(&c, h);
	mbedtls_sha1_free(&c);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	uuid_text(h, out);
}

/* "sha256$" + hex(SHA-256(value + salt)), the OB identity hash. */
static void identity_hash(const char *value, const char *salt, char out[72])
{
	mbedtls_sha256_context c;
	unsigned char h[32];
	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)value, strlen(value));
	mbedtls_sha256_update_ret(&c, (const unsigned char *)salt, strlen(salt));
	mbedtls_sha256_finish_ret(&c, h);
	mbedtls_sha256_free(&c);
	memcpy(out, "sha256$", 7);
	for (int i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", h[i]);
}

static cJSON *type_array(const char *a, const char *b)
{
	cJSON *arr = cJSON_CreateArray();
	if (arr && a)
		cJSON_AddItemToArray(arr, cJSON_CreateString(a));
	if (arr && b)
		cJSON_AddItemToArray(arr, cJSON_CreateString(b));
	return arr;
}

static cJSON *identity(const char *type, int hashed, const char *value, const char *salt)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "IdentityObject");
	cJSON_AddStringToObject(o, "identityType", type);
	cJSON_AddBoolToObject(o, "hashed", hashed);
	if (hashed) {
		char h[72];
		identity_hash(value, salt, h);
		cJSON_AddStringToObject(o, "identityHash", h);
		cJSON_AddStringToObject(o, "salt", salt);
	} else {
		cJSON_AddStringToObject(o, "identityHash", value);
	}
	return o;
}

static char *printf_alloc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printf_alloc(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static cJSON *result_description(const char *id, const char *name, const char *type)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddItemToObject(o, "type", type_array("ResultDescription", NULL));
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "resultType", type);
	return o;
}

static cJSON *result(const char *desc_id, const char *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "type", type_array("Result", NULL));
	cJSON_AddStringToObject(o, "resultDescription", desc_id);
	cJSON_AddStringToObject(o, "value", value);
	return o;
}

/* Adds resultDescription to the achievement and result to the subject. */
static void add_results(const certs_record *r, const char *ach_id, cJSON *ach, cJSON *subj)
{
	if (!r->has_score && r->rank <= 0)
		return;
	cJSON *descs = cJSON_AddArrayToObject(ach, "resultDescription");
	cJSON *results = cJSON_AddArrayToObject(subj, "result");
	char *sid = printf_alloc("%s#score", ach_id), *rid = printf_alloc("%s#rank", ach_id);
	char v[48];
	if (r->has_score && sid) {
		cJSON_AddItemToArray(descs, result_description(sid, "成绩", "RawScore"));
		certs_milli_text(r->score_milli, v, sizeof v);
		cJSON_AddItemToArray(results, result(sid, v));
	}
	if (r->rank > 0 && rid) {
		cJSON_AddItemToArray(descs, result_description(rid, "名次", "Result"));
		snprintf(v, sizeof v, "%d", r->rank);
		cJSON_AddItemToArray(results, result(rid, v));
	}
	free(sid);
	free(rid);
}

static cJSON *achievement(const certs_record *r, const certs_ob3_opts *o, cJSON *subj)
{
	certs_buf id = {0};
	if (o->achievement_base && *o->achievement_base)
		certs_buf_puts(&id, o->achievement_base);
	else
		certs_buf_printf(&id, "%s/achievements", o->issuer_id);
	certs_buf_putc(&id, '/');
	certs_pct_encode(&id, r->contest_code);
	certs_buf_putc(&id, '/');
	certs_pct_encode(&id, r->award);
	char *ach_id = certs_buf_take(&id, NULL);
	char *name = printf_alloc("%s %s", r->contest_title, r->award);
	char *desc = printf_alloc("%s（%s）%s", r->contest_title, r->contest_code, r->award);
	char *crit =
		r->kind == CERTS_KIND_PARTICIPATION
			? printf_alloc("参加「%s」并完成全部比赛环节。", r->contest_title)
			: printf_alloc("在「%s」中按最终成绩与排名评定为%s。", r->contest_title, r->award);
	cJSON *a = cJSON_CreateObject();
	if (a && ach_id && name && desc && crit) {
		cJSON_AddStringToObject(a, "id", ach_id);
		cJSON_AddItemToObject(a, "type", type_array("Achievement", NULL));
		cJSON_AddStringToObject(a, "achievementType",
					r->kind == CERTS_KIND_PARTICIPATION ? "Certificate" : "Award");
		cJSON_AddStringToObject(a, "name", name);
		cJSON_AddStringToObject(a, "description", desc);
		cJSON *c = cJSON_AddObjectToObject(a, "criteria");
		cJSON_AddStringToObject(c, "narrative", crit);
		add_results(r, ach_id, a, subj);
	} else {
		cJSON_Delete(a);
		a = NULL;
	}
	free(ach_id);
	free(name);
	free(desc);
	free(crit);
	return a;
}

static cJSON *credential_tree(const certs_record *r, const certs_ob3_opts *o)
{
	char urn[46], sub[46], t[32];
	if (credential_urn(r->id, urn))
		return NULL;
	subject_urn(o->issuer_id, r->employee_no, sub);
	cJSON *c = cJSON_CreateObject();
	cJSON *ctx = cJSON_AddArrayToObject(c, "@context");
	cJSON_AddItemToArray(ctx, cJSON_CreateString(OB3_CONTEXT_VC));
	cJSON_AddItemToArray(ctx, cJSON_CreateString(OB3_CONTEXT_OB));
	cJSON_AddStringToObject(c, "id", urn);
	cJSON_AddItemToObject(c, "type", type_array("VerifiableCredential", "OpenBadgeCredential"));
	cJSON *iss = cJSON_AddObjectToObject(c, "issuer");
	cJSON_AddStringToObject(iss, "id", o->issuer_id);
	cJSON_AddItemToObject(iss, "type", type_array("Profile", NULL));
	cJSON_AddStringToObject(iss, "name", r->issuer);
	certs_time_rfc3339(r->issued_at, t, sizeof t);
	cJSON_AddStringToObject(c, "validFrom", t);
	if (r->expires_at) {
		certs_time_rfc3339(r->expires_at, t, sizeof t);
		cJSON_AddStringToObject(c, "validUntil", t);
	}
	char *name = printf_alloc("%s %s", r->contest_title, r->award);
	cJSON_AddStringToObject(c, "name", name ? name : "");
	free(name);
	cJSON *subj = cJSON_AddObjectToObject(c, "credentialSubject");
	cJSON_AddStringToObject(subj, "id", sub);
	cJSON_AddItemToObject(subj, "type", type_array("AchievementSubject", NULL));
	cJSON *ids = cJSON_AddArrayToObject(subj, "identifier");
	cJSON_AddItemToArray(ids, identity("name", 0, r->name, NULL));
	cJSON_AddItemToArray(ids, identity("ext:employeeNumber", 1, r->employee_no, r->id));
	cJSON *ach = achievement(r, o, subj);
	if (ach)
		cJSON_AddItemToObject(subj, "achievement", ach);
	cJSON *schema = cJSON_CreateObject();
	cJSON_AddStringToObject(schema, "id", OB3_SCHEMA);
	cJSON_AddStringToObject(schema, "type", "1EdTechJsonSchemaValidator2019");
	cJSON *schemas = cJSON_AddArrayToObject(c, "credentialSchema");
	cJSON_AddItemToArray(schemas, schema);
	/* Any failed allocation above left a member out: check the shape once. */
	if (!ach || !cJSON_GetObjectItemCaseSensitive(c, "credentialSchema") || !cJSON_GetArraySize(ids)) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

static int check_opts(const certs_record *r, const certs_ob3_opts *o)
{
	if (!r || !o || !o->issuer_id || !o->jwks_url)
		return CERTS_E_INVALID;
	if (certs_record_check(r, NULL))
		return CERTS_E_INVALID;
	certs_record probe = *r; /* the URLs take the record's URL rules */
	probe.verify_base = o->issuer_id;
	if (certs_record_check(&probe, NULL))
		return CERTS_E_INVALID;
	probe.verify_base = o->jwks_url;
	return certs_record_check(&probe, NULL) ? CERTS_E_INVALID : CERTS_OK;
}

int certs_ob3_credential(const certs_record *r, const certs_ob3_opts *o, char **json)
{
	if (!json)
		return CERTS_E_INVALID;
	int rc = check_opts(r, o);
	if (rc)
		return rc;
	cJSON *c = credential_tree(r, o);
	if (!c)
		return CERTS_E_NOMEM;
	rc = certs_canonical_json(c, json, NULL);
	cJSON_Delete(c);
	return rc;
}

int certs_sign_ob3(certs_signer *s, const certs_record *r, const certs_ob3_opts *o, char **jwt)
{
	if (!s || !jwt)
		return CERTS_E_INVALID;
	int rc = check_opts(r, o);
	if (rc)
		return rc;
	cJSON *c = credential_tree(r, o);
	if (!c)
		return CERTS_E_NOMEM;
	const cJSON *subj = cJSON_GetObjectItemCaseSensitive(c, "credentialSubject");
	cJSON_AddStringToObject(c, "iss", o->issuer_id);
	cJSON_AddStringToObject(c, "jti", cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring);
	cJSON_AddNumberToObject(c, "nbf", (double)r->issued_at);
	cJSON_AddStringToObject(c, "sub", cJSON_GetObjectItemCaseSensitive(subj, "id")->valuestring);
	if (r->expires_at)
		cJSON_AddNumberToObject(c, "exp", (double)r->expires_at);
	char *payload = NULL;
	size_t len = 0;
	rc = certs_canonical_json(c, &payload, &len);
	cJSON_Delete(c);
	if (rc)
		return rc;
	char *kid = printf_alloc("%s#%s", o->jwks_url, certs_signer_kid(s));
	rc = kid ? certs_sign_payload(s, "JWT", kid, (const unsigned char *)payload, len, jwt)
		 : CERTS_E_NOMEM;
	free(kid);
	free(payload);
	return rc;
}

/*
 * verify.c - the offline verifier: a token (certificate JWS or OB 3.0
 * VC-JWT), a .jwt/.jws file, or a certificate PDF whose metadata carries the
 * JWS, checked against the issuer's trusted public keys.
 *
 * Order of the checks, each with its own code (certs_verdict.code):
 *   form (three base64url parts)          CERTS_E_FORMAT
 *   alg: ES256/RS256, pinned to the key   CERTS_E_ALG
 *   kid among the trusted keys            CERTS_E_KID
 *   signature                             CERTS_E_SIGNATURE
 *   typ: a certificate or a VC-JWT        CERTS_E_TYPE
 *   payload as the issuer writes it       CERTS_E_TAMPERED
 *     (certificate: canonical record; VC-JWT: iss/jti/sub/nbf/exp equal
 *     the credential's issuer.id/id/credentialSubject.id/validFrom/validUntil)
 *   validity period                       CERTS_E_NOT_YET, CERTS_E_EXPIRED
 *   revocation callback, when given       CERTS_E_REVOKED, CERTS_E_REVOCATION
 *
 * A PDF is searched for its Info dictionary's /Keywords string (written by
 * cairo as a literal string; a UTF-16 hex string is read as well). The
 * verifier proves who signed what the JWS says: a person checking a printed
 * or forwarded PDF compares the verified data (name, award) with the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certs_int.h"

void certs_verdict_release(certs_verdict *v)
{
	if (!v)
		return;
	free(v->detail);
	free(v->kid);
	free(v->credential);
	certs_record_release(&v->record);
	memset(v, 0, sizeof *v);
}

static int verdict(certs_verdict *v, int code, char *detail)
{
	v->code = code;
	if (detail) {
		free(v->detail);
		v->detail = detail;
	}
	return code;
}

/* ---------- time ---------- */

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)"; -1 on bad text. */
static int64_t parse_rfc3339(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	const char *p = s + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	int off = 0;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = atoi(p + 1), om = atoi(p + 4);
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = sec};
	return (int64_t)timegm(&tm) - off;
}

static int check_period(certs_verdict *v, int64_t now, int64_t from, int64_t until)
{
	char t[32];
	if (from > now + 300) { /* five minutes of clock skew */
		certs_time_rfc3339(from, t, sizeof t);
		char *d = NULL;
		certs_errf(&d, CERTS_E_NOT_YET, "valid from %s", t);
		return verdict(v, CERTS_E_NOT_YET, d);
	}
	if (until && until <= now) {
		certs_time_rfc3339(until, t, sizeof t);
		char *d = NULL;
		certs_errf(&d, CERTS_E_EXPIRED, "expired at %s", t);
		return verdict(v, CERTS_E_EXPIRED, d);
	}
	return CERTS_OK;
}

static int check_revoked(certs_verdict *v, const certs_verify_opts *o, const char *cert_id)
{
	if (!o->revoked)
		return CERTS_OK;
	char *reason = NULL;
	int r = o->revoked(cert_id, o->revoked_ud, &reason);
	if (r == 0) {
		free(reason);
		return CERTS_OK;
	}
	char *d = NULL;
	if (r > 0)
		certs_errf(&d, CERTS_E_REVOKED, "revoked: %s", reason ? reason : "(no reason given)");
	else
		certs_errf(&d, CERTS_E_REVOCATION, "revocation check failed for %s", cert_id);
	free(reason);
	return verdict(v, r > 0 ? CERTS_E_REVOKED : CERTS_E_REVOCATION, d);
}

/* ---------- certificate JWS ---------- */

static int verify_cert(certs_verdict *v, const certs_jws *j, const certs_verify_opts *o, int64_t now)
{
	char *d = NULL;
	int rc = certs_record_parse((const char *)j->payload, j->payload_len, &v->record, &d);
	if (rc)
		return verdict(v, CERTS_E_TAMPERED, d);
	v->has_record = 1;
	rc = check_period(v, now, v->record.issued_at, v->record.expires_at);
	if (rc)
		return rc;
	return check_revoked(v, o, v->record.id);
}

/* ---------- OB 3.0 VC-JWT ---------- */

static const char *str_member(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int has_string(const cJSON *arr, const char *s)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0) return 1;
	return 0;
}

/* The claim rules of OB 3.0 8.2.4.1 plus the credential's shape. */
static int ob3_claims(const cJSON *c, int64_t *from, int64_t *until, char **d)
{
	const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(c, "@context");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "type");
	if (!cJSON_IsArray(ctx) || cJSON_GetArraySize(ctx) < 2 ||
	    !cJSON_IsString(cJSON_GetArrayItem(ctx, 0)) || !cJSON_IsString(cJSON_GetArrayItem(ctx, 1)) ||
	    strcmp(cJSON_GetArrayItem(ctx, 0)->valuestring, "https://www.w3.org/ns/credentials/v2") != 0 ||
	    strncmp(cJSON_GetArrayItem(ctx, 1)->valuestring,
		    "https://purl.imsglobal.org/spec/ob/v3p0/context", 47) != 0)
		return certs_errf(d, CERTS_E_TAMPERED, "@context: not the VC 2.0 and OB 3.0 contexts");
	if (!has_string(type, "VerifiableCredential") ||
	    !(has_string(type, "OpenBadgeCredential") || has_string(type, "AchievementCredential")))
		return certs_errf(d, CERTS_E_TAMPERED, "type: not an OpenBadgeCredential");
	const cJSON *issuer = cJSON_GetObjectItemCaseSensitive(c, "issuer");
	const char *issuer_id = cJSON_IsString(issuer) ? issuer->valuestring : str_member(issuer, "id");
	const char *subj_id = str_member(cJSON_GetObjectItemCaseSensitive(c, "credentialSubject"), "id");
	const char *iss = str_member(c, "iss"), *jti = str_member(c, "jti"), *sub = str_member(c, "sub");
	const char *id = str_member(c, "id");
	if (!iss || !issuer_id || strcmp(iss, issuer_id) != 0)
		return certs_errf(d, CERTS_E_TAMPERED, "iss does not match issuer.id");
	if (!jti || !id || strcmp(jti, id) != 0)
		return certs_errf(d, CERTS_E_TAMPERED, "jti does not match id");
	if (subj_id && (!sub || strcmp(sub, subj_id) != 0))
		return certs_errf(d, CERTS_E_TAMPERED, "sub does not match credentialSubject.id");
	const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(c, "nbf");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "exp");
	int64_t vf = parse_rfc3339(str_member(c, "validFrom"));
	const char *vu_text = str_member(c, "validUntil");
	int64_t vu = vu_text ? parse_rfc3339(vu_text) : 0;
	if (!cJSON_IsNumber(nbf) || vf < 0 || (int64_t)nbf->valuedouble != vf)
		return certs_errf(d, CERTS_E_TAMPERED, "nbf does not match validFrom");
	if ((vu_text || exp) && (!cJSON_IsNumber(exp) || vu <= 0 || (int64_t)exp->valuedouble != vu))
		return certs_errf(d, CERTS_E_TAMPERED, "exp does not match validUntil");
	*from = vf;
	*until = vu;
	return CERTS_OK;
}

/* The certificate id inside urn:uuid:xxxxxxxx-xxxx-... (hex back to bytes). */
static int cert_id_of_urn(const char *urn, char out[CERTS_ID_LEN + 1])
{
	if (!urn || strncmp(urn, "urn:uuid:", 9) != 0 || strlen(urn) != 45)
		return CERTS_E_TAMPERED;
	unsigned char u[16];
	int k = 0;
	for (const char *p = urn + 9; *p && k < 16;) {
		if (*p == '-') {
			p++;
			continue;
		}
		unsigned x;
		if (sscanf(p, "%2x", &x) != 1)
			return CERTS_E_TAMPERED;
		u[k++] = (unsigned char)x;
		p += 2;
	}
	char *id = k == 16 ? certs_b64url(u, 16) : NULL;
	if (!id)
		return CERTS_E_TAMPERED;
	memcpy(out, id, CERTS_ID_LEN + 1);
	free(id);
	return CERTS_OK;
}

static int verify_ob3(certs_verdict *v, const certs_jws *j, const certs_verify_opts *o, int64_t now)
{
	char *d = NULL;
	cJSON *c = cJSON_ParseWithLength((const char *)j->payload, j->payload_len);
	if (!cJSON_IsObject(c)) {
		cJSON_Delete(c);
		return verdict(v, CERTS_E_TAMPERED, strdup("payload: not a JSON object"));
	}
	char *canon = NULL;
	size_t clen = 0;
	int64_t from = 0, until = 0;
	int rc = certs_canonical_json(c, &canon, &clen);
	if (rc || clen != j->payload_len || memcmp(canon, j->payload, clen) != 0)
		rc = certs_errf(&d, CERTS_E_TAMPERED, "payload: not in the issuer's canonical form");
	free(canon);
	if (rc == CERTS_OK)
		rc = ob3_claims(c, &from, &until, &d);
	char id[CERTS_ID_LEN + 1];
	if (rc == CERTS_OK && cert_id_of_urn(str_member(c, "id"), id))
		rc = certs_errf(&d, CERTS_E_TAMPERED, "id: not the urn:uuid of a certificate");
	cJSON_Delete(c);
	if (rc)
		return verdict(v, rc, d);
	v->credential = strndup((const char *)j->payload, j->payload_len);
	if (!v->credential)
		return verdict(v, CERTS_E_NOMEM, NULL);
	rc = check_period(v, now, from, until);
	return rc ? rc : check_revoked(v, o, id);
}

/* ---------- entry points ---------- */

int certs_verify_token(const char *token, size_t len, const certs_verify_opts *o, certs_verdict *v)
{
	if (!v)
		return CERTS_E_INVALID;
	memset(v, 0, sizeof *v);
	if (!token || !o || !o->keys)
		return verdict(v, CERTS_E_INVALID, NULL);
	certs_jws j;
	char *d = NULL;
	int rc = certs_jws_verify(token, len, o->keys, &j, &d);
	if (j.kid)
		v->kid = strdup(j.kid);
	if (rc) {
		certs_jws_release(&j);
		return verdict(v, rc, d);
	}
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	if (j.typ && strcmp(j.typ, CERTS_JWS_TYP) == 0) {
		v->token = CERTS_TOKEN_CERT;
		rc = verify_cert(v, &j, o, now);
	} else if (j.typ && strcmp(j.typ, "JWT") == 0) {
		v->token = CERTS_TOKEN_OB3;
		rc = verify_ob3(v, &j, o, now);
	} else {
		certs_errf(&d, CERTS_E_TYPE, "typ \"%.40s\" is neither a certificate nor a VC-JWT",
			   j.typ ? j.typ : "(none)");
		rc = verdict(v, CERTS_E_TYPE, d);
	}
	certs_jws_release(&j);
	return verdict(v, rc, NULL);
}

/* Reads a PDF literal string at p (after '('); returns its bytes. */
static void pdf_literal(const char *p, const char *end, certs_buf *out)
{
	int depth = 1;
	while (p < end) {
		char c = *p++;
		if (c == '\\' && p < end) {
			char e = *p++;
			static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
			const char *k = strchr(from, e);
			if (k && e) {
				certs_buf_putc(out, to[k - from]);
			} else if (e >= '0' && e <= '7') {
				int val = e - '0';
				for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; i++)
					val = val * 8 + (*p++ - '0');
				certs_buf_putc(out, (char)val);
			} else if (e == '\r' && p < end && *p == '\n') {
				p++; /* line continuation */
			}
			continue;
		}
		if (c == '(')
			depth++;
		if (c == ')' && --depth == 0)
			return;
		certs_buf_putc(out, c);
	}
}

/* Reads a PDF hex string at p (after '<'); UTF-16BE with BOM becomes ASCII. */
static void pdf_hex(const char *p, const char *end, certs_buf *out)
{
	certs_buf raw = {0};
	int hi = -1;
	for (; p < end && *p != '>'; p++) {
		int v = (*p >= '0' && *p <= '9')                   ? *p - '0'
			: (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f' ? (*p | 0x20) - 'a' + 10
								   : -1;
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			certs_buf_putc(&raw, (char)(hi << 4 | v));
			hi = -1;
		}
	}
	const unsigned char *r = (const unsigned char *)raw.data;
	if (raw.len >= 2 && r[0] == 0xfe && r[1] == 0xff) {
		for (size_t i = 2; i + 1 < raw.len; i += 2)
			certs_buf_putc(out, r[i] == 0 && r[i + 1] < 0x80 ? (char)r[i + 1] : '?');
	} else if (raw.len) {
		certs_buf_append(out, raw.data, raw.len);
	}
	certs_buf_free(&raw);
}

static int looks_like_jws(const char *s, size_t n)
{
	int dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.')
			dots++;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '-' || c == '_'))
			return 0;
	}
	return dots == 2 && n > 20;
}

int certs_pdf_extract_jws(const unsigned char *pdf, size_t len, char **jws)
{
	static const char key[] = "/Keywords";
	const char *s = (const char *)pdf, *end = s + len, *last = NULL;
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), key, sizeof key - 1)); p += sizeof key - 1)
		last = p; /* the last one: an incremental update wins */
	if (!last)
		return CERTS_E_NOT_FOUND;
	const char *p = last + sizeof key - 1;
	while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
		p++;
	certs_buf b = {0};
	if (p < end && *p == '(')
		pdf_literal(p + 1, end, &b);
	else if (p < end && *p == '<')
		pdf_hex(p + 1, end, &b);
	if (b.oom || !b.data || !looks_like_jws(b.data, b.len)) {
		certs_buf_free(&b);
		return CERTS_E_NOT_FOUND;
	}
	*jws = certs_buf_take(&b, NULL);
	return *jws ? CERTS_OK : CERTS_E_NOMEM;
}

int certs_verify_file(const char *path, const certs_verify_opts *o, certs_verdict *v)
{
	if (!v)
		return CERTS_E_INVALID;
	memset(v, 0, sizeof *v);
	unsigned char *data = NULL;
	size_t len = 0;
	char *d = NULL;
	int rc = certs_read_file(path, &data, &len, (size_t)64 << 20);
	if (rc) {
		certs_errf(&d, rc, "%s: cannot read", path);
		return verdict(v, rc, d);
	}
	char *token = NULL;
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
		rc = certs_pdf_extract_jws(data, len, &token);
		free(data);
		if (rc)
			return verdict(
				v, rc,
				(certs_errf(&d, rc, "%s: no certificate signature in the PDF", path), d));
	} else {
		token = (char *)data;
	}
	size_t start = 0, n = strlen(token);
	while (start < n && (token[start] == ' ' || token[start] == '\n' || token[start] == '\r'))
		start++;
	rc = certs_verify_token(token + start, n - start, o, v);
	free(token);
	return rc;
}

/*
 * certs.h - verifiable certificates (证书) for labor-competition results, the
 * library's one public header.
 *
 * Data path: final results -> certs_record (one per participant) -> signed as
 * a compact JWS (ES256 by default) over the record's canonical JSON -> also
 * issued as an Open Badges 3.0 OpenBadgeCredential in VC-JWT form -> rendered
 * as an A4 landscape PDF (cairo + pango, a QR code to VERIFY_BASE/ID, the JWS
 * in the PDF metadata) -> verified online by the server or offline from the
 * PDF or .jwt file with the issuer's public keys (JWK set or PEM).
 *
 * The same drawing (draw.c) renders join posters for contests (poster.c): the
 * title, the code and a QR code of the join URL, as PDF or PNG.
 *
 * Threads: nothing here keeps global state. A certs_key, certs_keyset and
 * certs_template are read-only once built and may be shared by threads; a
 * certs_signer and a certs_renderer belong to one thread at a time (each has
 * its own random generator, key copy, font map and pango context). The bulk
 * API (certs_bulk_issue) runs one signer and one renderer per worker thread.
 *
 * Errors: functions return CERTS_OK (0) or a negative CERTS_E_* code;
 * certs_errname() gives a stable name, certs_strerror() the zh-CN or English
 * message. Where a function takes `char **err`, it also stores a malloc'ed
 * detail ("name: 130 characters, at most 128") that the caller frees.
 *
 * Ownership: every result of a _new, _load or _generate function is freed by
 * its _free function; a `char **out` result is malloc'ed and freed by the
 * caller with free();
 * strings in a certs_record are borrowed unless the record came from
 * certs_record_parse(), whose storage certs_record_release() frees.
 *
 * Depends on mbedTLS 2.28, cJSON, cairo 1.16, pango 1.50 and libqrencode.
 */
#ifndef SKILLARENA_CERTS_H
#define SKILLARENA_CERTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------- result codes ---------- */

enum {
	CERTS_OK = 0,
	CERTS_E_NOMEM = -1,
	CERTS_E_INVALID = -2,     /* a bad argument or record field */
	CERTS_E_UTF8 = -3,        /* text that is not valid UTF-8 */
	CERTS_E_IO = -4,          /* a file could not be read or written */
	CERTS_E_KEY = -5,         /* a key that cannot be parsed or used */
	CERTS_E_CRYPTO = -6,      /* the crypto library failed (entropy, ...) */
	CERTS_E_FORMAT = -7,      /* not a compact JWS, or a malformed part */
	CERTS_E_ALG = -8,         /* alg "none" or any algorithm the key is not for */
	CERTS_E_KID = -9,         /* the key id is not among the trusted keys */
	CERTS_E_SIGNATURE = -10,  /* the signature does not verify */
	CERTS_E_TAMPERED = -11,   /* the payload is not what the issuer signs */
	CERTS_E_EXPIRED = -12,    /* past its expiry */
	CERTS_E_NOT_YET = -13,    /* before its validity starts */
	CERTS_E_REVOKED = -14,    /* the revocation check said revoked */
	CERTS_E_REVOCATION = -15, /* the revocation check itself failed */
	CERTS_E_TYPE = -16,       /* a token of another kind (typ) */
	CERTS_E_NOT_FOUND = -17,  /* no signed certificate in the file */
	CERTS_E_RENDER = -18,     /* the PDF could not be rendered */
	CERTS_E_TEMPLATE = -19,   /* a bad certificate template */
};

/* Stable name of a code ("bad_signature"), or "unknown". */
const char *certs_errname(int code);
/* Human message of a code, lang "en" for English, anything else zh-CN. */
const char *certs_strerror(int code, const char *lang);

/* ---------- keys (key.c) ---------- */

enum { CERTS_ALG_ES256 = 1, CERTS_ALG_RS256 = 2 };

typedef struct certs_key certs_key;

/* Generates a signing key: ECDSA P-256 for ES256 (the default), RSA-2048 for
 * RS256. The key id is its RFC 7638 JWK thumbprint (SHA-256, base64url). */
int certs_key_generate(certs_key **out, int alg);
/* Parses a PEM (or DER) key, private or public; alg follows from the key type. */
int certs_key_parse(certs_key **out, const unsigned char *data, size_t len);
int certs_key_load(certs_key **out, const char *path);
/* Writes the private key as PEM to path with mode 0600 (through a temporary
 * file renamed over path, so a reader never sees half a key). */
int certs_key_save_private(const certs_key *k, const char *path);
/* Writes the public key as PEM (mode 0644). */
int certs_key_save_public(const certs_key *k, const char *path);
/* The public key as a JWK object ({"kty":"EC","crv":"P-256","x","y","kid",
 * "alg","use":"sig"}); never contains private members. */
int certs_key_jwk(const certs_key *k, char **json);
const char *certs_key_kid(const certs_key *k);
int certs_key_alg(const certs_key *k);
const char *certs_alg_name(int alg); /* "ES256", "RS256", NULL */
int certs_key_is_private(const certs_key *k);
void certs_key_free(certs_key *k);

/* Trusted public keys of one issuer (a key set; keys rotate, old ones stay). */
typedef struct certs_keyset certs_keyset;

int certs_keyset_new(certs_keyset **out);
/* Adds the public half of k (a copy; k stays the caller's). */
int certs_keyset_add(certs_keyset *ks, const certs_key *k);
/* Adds every key of a JWK or a JWK Set {"keys":[...]}; a member with "d"
 * (a private key) is refused. */
int certs_keyset_add_jwks(certs_keyset *ks, const char *json, size_t len, char **err);
/* Adds the keys of a file: a JWK / JWK Set (JSON) or a PEM key. */
int certs_keyset_load(certs_keyset *ks, const char *path, char **err);
/* The set as a JWK Set document, for verifiers. */
int certs_keyset_jwks(const certs_keyset *ks, char **json);
size_t certs_keyset_count(const certs_keyset *ks);
void certs_keyset_free(certs_keyset *ks);

/* ---------- the certificate record (record.c) ---------- */

enum { CERTS_KIND_AWARD = 0, CERTS_KIND_PARTICIPATION = 1 };

#define CERTS_ID_LEN 22 /* 128 random bits (a UUIDv4) as base64url */

/* Field limits in characters (code points); longer text is refused. */
#define CERTS_MAX_NAME 128
#define CERTS_MAX_TEXT 256

typedef struct certs_record {
	char id[CERTS_ID_LEN + 1]; /* certs_record_new_id() fills it */
	const char *contest_code;  /* "DEMO-2026" (printable ASCII, no spaces) */
	const char *contest_title; /* 2026年电工技能竞赛 */
	const char *name;          /* participant's name */
	const char *employee_no;   /* 工号 (printable ASCII) */
	const char *unit;          /* 单位 */
	const char *award;         /* 一等奖 / 二等奖 / 三等奖 / 优秀奖 / 参与 ... */
	int kind;                  /* CERTS_KIND_AWARD or CERTS_KIND_PARTICIPATION */
	int has_score;
	int64_t score_milli; /* points in thousandths (96.5 -> 96500) */
	int rank;            /* 1-based; 0 = not shown */
	int64_t issued_at;   /* Unix seconds */
	int64_t expires_at;  /* Unix seconds, 0 = never */
	const char *issuer;  /* issuer's name (发证单位) */
	const char *template_id;
	const char *verify_base; /* https://host/verify: the QR code opens VERIFY_BASE/ID */
	void *mem_;              /* owned storage of a parsed record */
} certs_record;

/* A fresh unguessable id: a random UUIDv4 (122 random bits) as 22 base64url
 * characters. Uses the caller's signer's generator when s is not NULL. */
struct certs_signer;
int certs_record_new_id(struct certs_signer *s, certs_record *r);
/* Checks every field (UTF-8, lengths, required fields, URL form). */
int certs_record_check(const certs_record *r, char **err);
/* The record's canonical JSON: RFC 8785 style (keys sorted, no whitespace,
 * UTF-8 unescaped, integers only), so one record always gives the same bytes. */
int certs_record_json(const certs_record *r, char **json, size_t *len);
/* Parses canonical JSON back into *r (owned: release with certs_record_release). */
int certs_record_parse(const char *json, size_t len, certs_record *r, char **err);
void certs_record_release(certs_record *r);
/* VERIFY_BASE "/" ID, malloc'ed. */
char *certs_record_verify_url(const certs_record *r);

/* ---------- canonical JSON (canon.c) ---------- */

/* Serializes any cJSON value canonically (RFC 8785: sorted keys by UTF-16
 * code units, shortest round-trip numbers, minimal string escapes). The value
 * is a `const cJSON *`; void here so this header does not need cJSON. */
int certs_canonical_json(const void *cjson, char **out, size_t *len);

/* ---------- signing (jws.c, ob3.c) ---------- */

/* One thread's signing state: a private copy of the key and a CTR-DRBG seeded
 * from the entropy source. ES256 signatures are deterministic (RFC 6979), so
 * one record always gives the same JWS. */
typedef struct certs_signer certs_signer;

int certs_signer_new(certs_signer **out, const certs_key *key);
void certs_signer_free(certs_signer *s);
/* Random bytes from the signer's generator. */
int certs_signer_random(certs_signer *s, unsigned char *buf, size_t len);

#define CERTS_JWS_TYP "skillarena-cert+jws" /* typ of a certificate JWS */

/* Signs a record: compact JWS with header {"alg","kid","typ"} and the
 * record's canonical JSON as payload. */
int certs_sign_record(certs_signer *s, const certs_record *r, char **jws);
/* Signs any payload bytes with the given typ (a header of alg, kid, typ). */
int certs_sign_payload(certs_signer *s, const char *typ, const char *kid, const unsigned char *payload,
		       size_t len, char **jws);

/* Open Badges 3.0: what the credential needs besides the record. */
typedef struct certs_ob3_opts {
	const char *issuer_id; /* issuer.id and the JWT iss: an https URL of the issuer's profile */
	const char *jwks_url;  /* where the key set is served; the VC-JWT kid is jwks_url "#" thumbprint */
	const char *
		achievement_base; /* achievement ids: BASE/CONTEST/AWARD (default issuer_id "/achievements") */
} certs_ob3_opts;

/* The OpenBadgeCredential of a record as JSON (validFrom = issued_at). */
int certs_ob3_credential(const certs_record *r, const certs_ob3_opts *o, char **json);
/* The credential as a VC-JWT (OB 3.0 section 8.2): header alg, kid, typ "JWT";
 * payload = the credential plus the claims iss, jti, nbf, sub (and exp). */
int certs_sign_ob3(certs_signer *s, const certs_record *r, const certs_ob3_opts *o, char **jwt);

/* ---------- verification (verify.c) ---------- */

/* Revocation check, called once the signature holds: return 0 when not
 * revoked, 1 when revoked (optionally *reason = malloc'ed text), a negative
 * value when the check could not be made. */
typedef int (*certs_revoked_fn)(const char *cert_id, void *ud, char **reason);

typedef struct certs_verify_opts {
	const certs_keyset *keys; /* trusted keys (required) */
	int64_t now;              /* Unix seconds for expiry checks; 0 = the current time */
	certs_revoked_fn revoked; /* optional */
	void *revoked_ud;
} certs_verify_opts;

enum { CERTS_TOKEN_UNKNOWN = 0, CERTS_TOKEN_CERT = 1, CERTS_TOKEN_OB3 = 2 };

/* What a verification found. code is CERTS_OK only when everything held. */
typedef struct certs_verdict {
	int code;
	int token;           /* CERTS_TOKEN_* */
	char *detail;        /* malloc'ed detail, may be NULL */
	char *kid;           /* the header's kid, when it could be read */
	int has_record;      /* record is filled (also for some failures after the signature held) */
	certs_record record; /* the signed certificate (owned) */
	char *credential;    /* OB 3.0: the credential JSON (owned), else NULL */
} certs_verdict;

/* Verifies a compact JWS: a certificate JWS or an OB 3.0 VC-JWT. The
 * algorithm is pinned to the key the kid names (alg "none", HS256 and the
 * like are refused before any key is used). Returns verdict->code. */
int certs_verify_token(const char *token, size_t len, const certs_verify_opts *o, certs_verdict *v);
/* Verifies a file: a PDF (the JWS in its metadata), or a .jwt / .jws text file. */
int certs_verify_file(const char *path, const certs_verify_opts *o, certs_verdict *v);
/* The JWS embedded in a PDF (malloc'ed), or CERTS_E_NOT_FOUND. */
int certs_pdf_extract_jws(const unsigned char *pdf, size_t len, char **jws);
void certs_verdict_release(certs_verdict *v);

/* ---------- templates and PDF (template.c, seal.c, render.c) ---------- */

typedef struct certs_template certs_template;

/* The built-in template (A4 landscape, 荣誉证书 / 证书, fonts from
 * CERTS_DEFAULT_FONT). */
int certs_template_default(certs_template **out);
/* A template from JSON: {"id","title","title_participation","name_suffix","body",
 * "body_participation","closing","closing_participation","issuer","date","font_title",
 * "font_body","qr_label","color","text_color","border_color","seal"} (every member
 * optional, each a string; "seal" is a PNG path, relative to base_dir). A bad member
 * is CERTS_E_TEMPLATE with *err naming it ("title: 17 characters, 1 to 16 allowed"). */
int certs_template_parse(certs_template **out, const char *json, size_t len, const char *base_dir,
			 char **err);
/* The strict form, for templates sent over a network (the server's console): no "id" and
 * no "seal" member, font_title and font_body one family of certs_template_fonts(), and
 * only known placeholders ({contest} {code} {award} {unit} {result} in body texts,
 * {year} {month} {day} in the date line). */
enum { CERTS_TEMPLATE_STRICT = 1 };
int certs_template_parse_flags(certs_template **out, const char *json, size_t len, const char *base_dir,
			       unsigned flags, char **err);
int certs_template_load(certs_template **out, const char *path, char **err);
const char *certs_template_id(const certs_template *t);
/* The issuing body the template names ("" when none): whoever issues writes it into each
 * record (record.issuer is signed; the page draws the record's). */
const char *certs_template_issuer(const certs_template *t);
/* Every text and colour member as a JSON object (no id's file, no seal), malloc'ed: a
 * form's defaults. */
int certs_template_json(const certs_template *t, char **json);
void certs_template_free(certs_template *t);

/* A family of the strict form's fixed list, with its names for a form. */
typedef struct certs_font {
	const char *family; /* the pango family ("AR PL UKai CN") */
	const char *zh, *en;
} certs_font;
/* The fixed list (static; *n entries). */
const certs_font *certs_template_fonts(size_t *n);

/* Seal images (seal.c): a PNG of at most CERTS_SEAL_MAX_PX pixels a side. */
#define CERTS_SEAL_MAX_PX 4096
#define CERTS_SEAL_MAX_FILE (8 << 20) /* a seal file a template names */
/* Checks a PNG: signature, its size from IHDR (before decoding), then decoded by cairo.
 * CERTS_OK with *width, *height (may be NULL); CERTS_E_TEMPLATE with *err ("seal: not a
 * PNG image", "seal: 5000 x 5000 pixels, at most 4096 x 4096"); CERTS_E_NOMEM. */
int certs_seal_check(const unsigned char *png, size_t len, int *width, int *height, char **err);
/* Gives t a copy of the seal png after certs_seal_check (png NULL: no seal). Only while t
 * is not yet shared with renderers. */
int certs_template_set_seal(certs_template *t, const unsigned char *png, size_t len, char **err);
int certs_template_has_seal(const certs_template *t);

/* The fonts: TrueType CJK faces subset to a few KB per PDF (see
 * docs/certificates.md for why Noto CJK costs ~50 KB per face per PDF). */
#define CERTS_DEFAULT_FONT_TITLE "AR PL UKai CN, Noto Serif CJK SC, serif"
#define CERTS_DEFAULT_FONT_BODY "AR PL UMing CN, Noto Serif CJK SC, serif"

/* One thread's renderer: its own pango font map and context, the template's
 * seal image decoded once. */
typedef struct certs_renderer certs_renderer;

int certs_renderer_new(certs_renderer **out, const certs_template *t);
void certs_renderer_free(certs_renderer *r);

/* Renders one certificate as a one-page PDF into memory (*pdf malloc'ed).
 * jws (may be NULL) goes into the PDF metadata (Keywords). */
int certs_render_pdf(certs_renderer *r, const certs_record *rec, const char *jws, unsigned char **pdf,
		     size_t *len);
int certs_render_pdf_file(certs_renderer *r, const certs_record *rec, const char *jws, const char *path);

/* A multi-page PDF for printing: begin, one page per certificate, end. Such
 * a document carries no JWS (each certificate's own PDF does). */
int certs_render_doc_begin(certs_renderer *r, const char *path);
int certs_render_doc_page(certs_renderer *r, const certs_record *rec);
int certs_render_doc_end(certs_renderer *r);

/* ---------- join posters (poster.c) ---------- */

/* What a contest's poster shows; strings borrowed, UTF-8. */
typedef struct certs_poster {
	const char *title;    /* the contest's title (required) */
	const char *subtitle; /* a unit's name for a unit's poster, or NULL */
	const char *code;     /* the contest code, printed large (required) */
	const char *url;      /* the join URL the QR code holds, printed small (required) */
	const char *hint;     /* how to join, a line or two, or NULL */
} certs_poster;

enum { CERTS_POSTER_PDF = 1, CERTS_POSTER_PNG = 2 };

/* Renders an A4 portrait poster as a one-page PDF or a 1240 x 1754 PNG (150 dpi) into memory
 * (*out malloc'ed, *len bytes). Thread-safe: each call has its own fonts and context. */
int certs_render_poster(const certs_poster *p, int format, unsigned char **out, size_t *len);

/* ---------- bulk issue (bulk.c) ---------- */

typedef struct certs_bulk_opts {
	int threads;               /* worker threads (>= 1) */
	const char *out_dir;       /* when set: out_dir/ID.pdf, ID.jws (and ID.ob3.jwt) */
	const certs_ob3_opts *ob3; /* when set, also sign each as an OB 3.0 VC-JWT */
	const char *print_pdf;     /* when set, also one multi-page PDF of all, in order */
	int no_pdf;                /* sign only (no per-certificate PDF) */
	/* Called from the worker threads (thread-safe, quick) after each
	 * certificate, with the PDF in memory (NULL with no_pdf). Returning
	 * non-zero stops the batch. */
	int (*emit)(size_t index, const certs_record *r, const char *jws, const char *vcjwt,
		    const unsigned char *pdf, size_t pdf_len, void *ud);
	void (*progress)(size_t done, size_t total, void *ud); /* serialized, at most 100 calls */
	void *ud;
} certs_bulk_opts;

typedef struct certs_bulk_stats {
	size_t issued;
	size_t failed;
	size_t pdf_bytes;   /* total of the per-certificate PDFs */
	int first_error;    /* code of the first failure */
	size_t first_index; /* its record */
} certs_bulk_stats;

/* Issues n certificates: ids are assigned to records without one, each is
 * signed, rendered and emitted. Returns CERTS_OK when all were issued, else
 * the first error (stats say which record). */
int certs_bulk_issue(const certs_key *key, const certs_template *t, certs_record *recs, size_t n,
		     const certs_bulk_opts *o, certs_bulk_stats *stats);

#ifdef __cplusplus
}
#endif
#endif

/*
 * certs_int.h - helpers shared by the files of the certificate library (not
 * part of the public API): a growable byte buffer, base64url, UTF-8 checks,
 * error details, and the signer's internals that jws.c and ob3.c share.
 */
#ifndef SKILLARENA_CERTS_INTERNAL_H
#define SKILLARENA_CERTS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <cjson/cJSON.h>
#include <pango/pangocairo.h>

#include "certs.h"

/* A growable byte buffer; data is NUL-terminated whenever len < cap. */
typedef struct certs_buf {
	char *data;
	size_t len, cap;
	int oom; /* an append failed: the content is incomplete */
} certs_buf;

void certs_buf_append(certs_buf *b, const void *p, size_t n);
void certs_buf_puts(certs_buf *b, const char *s);
void certs_buf_putc(certs_buf *b, char c);
void certs_buf_printf(certs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the content over (NUL-terminated) or NULL on oom; the buffer is reset. */
char *certs_buf_take(certs_buf *b, size_t *len);
void certs_buf_free(certs_buf *b);

/* Sets *err (when err is not NULL) to a formatted detail; returns code. */
int certs_errf(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* base64url without padding (RFC 7515 section 2). */
void certs_b64url_encode(certs_buf *b, const unsigned char *p, size_t n);
char *certs_b64url(const unsigned char *p, size_t n); /* malloc'ed */
/* Strict decoding: only the alphabet, no padding, unused bits zero.
 * Returns a malloc'ed buffer (NUL-terminated) or NULL on bad input/oom. */
unsigned char *certs_b64url_decode(const char *s, size_t n, size_t *outlen);

/* Number of code points of valid UTF-8 text, or -1 when it is not valid
 * (overlong forms, surrogates and values above U+10FFFF are refused). */
long certs_utf8_count(const char *s, size_t n);
/* Decodes one code point at s (valid UTF-8 assumed); advances *i. */
uint32_t certs_utf8_next(const char *s, size_t *i);

/* RFC 3339 UTC time "2026-12-05T08:00:00Z" of a Unix time (buf >= 21). */
void certs_time_rfc3339(int64_t t, char *buf, size_t size);
/* Percent-encodes everything but RFC 3986 unreserved characters. */
void certs_pct_encode(certs_buf *b, const char *s);

/* A PNG in memory decoded by cairo (seal.c): check cairo_surface_status, then destroy it. */
struct _cairo_surface *certs_png_decode(const unsigned char *png, size_t len);

/* Reads a whole file (malloc'ed, NUL-terminated). */
int certs_read_file(const char *path, unsigned char **data, size_t *len, size_t max);

/* Signer internals shared by jws.c and ob3.c. */
const char *certs_signer_kid(const certs_signer *s);
int certs_signer_alg(const certs_signer *s);

/* Key internals (key.c) for jws.c: verifies sig over data with the key. */
int certs_key_verify(const certs_key *k, const unsigned char *data, size_t len, const unsigned char *sig,
		     size_t siglen);
/* The key of a set with this kid (a thumbprint; "URL#thumbprint" matches by
 * its fragment), or NULL. */
const certs_key *certs_keyset_find(const certs_keyset *ks, const char *kid);
/* Parses a JWK object into a public key (refuses private members). */
int certs_key_from_jwk(certs_key **out, const cJSON *jwk, char **err);
/* A copy of the private key in DER, for a signer's own context. */
int certs_key_der(const certs_key *k, unsigned char **der, size_t *len);

/* A compact JWS whose header and signature held (jws.c). */
typedef struct certs_jws {
	cJSON *header;               /* parsed header (owned) */
	const char *alg, *kid, *typ; /* into header; typ may be NULL */
	const certs_key *key;        /* the trusted key that verified it */
	unsigned char *payload;      /* decoded payload (owned, NUL-terminated) */
	size_t payload_len;
} certs_jws;

/* Checks form, header (alg pinned to the kid's key), and signature; on
 * success j->payload holds the decoded payload. Release j in every case. */
int certs_jws_verify(const char *tok, size_t len, const certs_keyset *ks, certs_jws *j, char **err);
void certs_jws_release(certs_jws *j);

/* Builds the record's JSON tree (record.c), for the OB 3.0 builder too. */
cJSON *certs_record_tree(const certs_record *r);
/* Formats milli-points as a JSON number text ("96.5", "-3", "0.125"). */
void certs_milli_text(int64_t milli, char *buf, size_t size);

/* A certificate template (template.c); render.c reads it. Every string is
 * owned, valid UTF-8. */
struct certs_template {
	char *id;
	char *title, *title_participation; /* 荣誉证书 / 参赛证书 */
	char *name_suffix;                 /* 同志： */
	char *body, *body_participation;   /* with {contest} {award} {result} {unit} {code} */
	char *closing, *closing_participation;
	char *font_title, *font_body; /* pango family lists */
	char *qr_label;               /* 扫码验证 */
	char *issuer;                 /* "" or the issuing body the issuer signs into each record */
	char *date;                   /* the date line: {year} {month} {day}, or "" for none */
	double color[3], text_color[3], border_color[3];
	unsigned char *seal_png; /* the seal image's PNG bytes, or NULL */
	size_t seal_len;
};

/* Drawing shared by render.c and poster.c (draw.c). A box in points, its text fitted: the
 * largest size in [min_pt, max_pt] at which the wrapped text fits, smaller when even min_pt
 * does not (never outside the box), centred vertically. */
typedef enum { CERTS_LEFT, CERTS_CENTER, CERTS_RIGHT } certs_align;
typedef struct certs_box {
	double x, y, w, h;
	double max_pt, min_pt;
	certs_align align;
} certs_box;
/* A font map and context for exact layout (72 dpi, no hinting); the caller unrefs both. */
int certs_pango_new(PangoFontMap **fontmap, PangoContext **ctx);
void certs_draw_text(PangoContext *ctx, cairo_t *cr, const char *text, const char *family, const certs_box *b,
		     const double rgb[3], int bold);
/* The QR code of url (error correction M, a quiet zone of four modules) in a size x size square. */
int certs_draw_qr(cairo_t *cr, const char *url, double x, double y, double size);

#endif

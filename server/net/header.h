/*
 * header.h - values of HTTP header fields, read and written (header.c):
 * Content-Length (the request's framing depends on it), Origin and the
 * public URL it is compared with, CSP source lists, Content-Disposition for
 * downloads. Pure: the fuzz target tests/fuzz/fuzz_http.c runs them on any
 * input.
 */
#ifndef SKILLARENA_NET_HEADER_H
#define SKILLARENA_NET_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define HEADER_ORIGIN_MAX 280 /* "https://" + a 253-byte host + ":65535" */

/*
 * The body length that n Content-Length field values give (a value may
 * itself be a comma-separated list): 0 with *len; SA_E_BAD_REQUEST when one
 * is not a decimal number below 2^50, or two differ. A request with
 * differing lengths must be refused (RFC 9112 6.3): libwebsockets would read
 * the first and take the rest of the body for a second request.
 */
int header_content_length(const char *const *values, int n, int64_t *len);

/*
 * The origin of an Origin field value, normalized (lower-case scheme and
 * host, default port dropped): "http://host:8080"; "null" stays "null".
 * 0, or SA_E_BAD_REQUEST when it is not scheme://host[:port] for http(s).
 */
int header_origin(const char *value, char *out, size_t n);

/*
 * A public URL (--public-url): http(s)://host[:port][/path], no query, no
 * user, the path of RFC 3986 path characters. 0 with its normalized origin
 * in origin (HEADER_ORIGIN_MAX) and the URL without a trailing '/' in base;
 * else SA_E_INVALID_FIELD with why in err.
 */
int header_public_url(const char *url, char *origin, char *base, size_t basen, char *err, size_t errn);

/* Whether origin (normalized) is in list (normalized origins, comma-separated; "*" is any). */
int header_origin_allowed(const char *list, const char *origin);

/*
 * Whether sources is a CSP source list fit for a directive such as
 * frame-ancestors: space-separated 'self', 'none' (alone), schemes
 * ("https:") and hosts with optional scheme, wildcard and port; nothing that
 * could end the directive or the header (; , quotes other than the two
 * keywords, control characters).
 */
int header_csp_sources_ok(const char *sources);

/*
 * A Content-Disposition value for a download named filename (UTF-8):
 * attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded
 * (RFC 6266, RFC 5987). malloc'd; NULL when out of memory.
 */
char *header_disposition(const char *filename);

#endif

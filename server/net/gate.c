/*
 * gate.c - the HTTP options and what every request passes before the route
 * table (see gate.h for the rules).
 *
 * Security headers. Every response carries X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer and a Content-Security-Policy that allows the
 * server's own scripts, styles and images and WebSocket connections to the
 * public origin: they are the vhost's `headers`, which lws adds to every
 * response it makes (files, its own errors) and to ours. frame-ancestors
 * 'none' is part of that CSP, unless --screen-frame-ancestors lets other
 * sites frame the screen page: then the vhost CSP leaves frame-ancestors out
 * and each response adds a second CSP with it (browsers enforce both), the
 * screen page's with the configured sources (files: LWS_CALLBACK_ADD_HEADERS;
 * lws' own error pages then carry none).
 *
 * Oversized requests. lws keeps a request line and its headers in one
 * buffer per connection (info.max_http_header_data2); a request that does
 * not fit makes lws 4.1.6 log "Ran out of header data space" (or "More hdr
 * frags than we can deal with", for about 90 header lines or query
 * parameters) and close the connection without a word: no callback runs
 * between its parser giving up and its shutdown of the socket. So the
 * buffer is --http-max-headers plus GATE_SLACK, and the limits are ours,
 * checked once the headers are complete: the URL against --http-max-url
 * (lws' token limits cut a longer one there, so it never fills the buffer)
 * -> 414, the values of the headers lws knows (Cookie, User-Agent, ...;
 * the ones it does not know are not measurable through its API) against
 * --http-max-headers -> 431. Only a request past the buffer itself is
 * closed unanswered.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/limit.h"
#include "core/log.h"
#include "net/gate.h"
#include "net/header.h"

#define MOUNTS_MAX 8
#define RATE_ADDRESSES 16384 /* addresses the HTTP rate table remembers (as net/ws.c's) */
#define GATE_SLACK 8192      /* lws' header buffer beyond --http-max-headers */

typedef struct gate {
	const route *const *tables;
	limit_table *rate; /* LIMIT_HTTP per client address; NULL: no limit */
	int retry_after;   /* seconds until a refused address has a token again */
	int max_url, max_headers;
	char public_url[1024];
	char public_origin[HEADER_ORIGIN_MAX];
	char *origins; /* allowed WebSocket origins, normalized, comma-separated; "*": any */
	char *csp;     /* the vhost's Content-Security-Policy */
	char *frame_none, *frame_screen; /* per-response CSPs; NULL: frame-ancestors is in csp */
	struct lws_protocol_vhost_options hdrs[3];
	struct lws_token_limits limits;
	char mountpoint[MOUNTS_MAX][32];
	struct lws_http_mount mounts[MOUNTS_MAX];
	int nmounts;
} gate;

static const struct {
	enum lws_token_indexes token;
	unsigned method;
} methods[] = {
	{WSI_TOKEN_GET_URI, ROUTE_GET},         {WSI_TOKEN_HEAD_URI, ROUTE_HEAD},
	{WSI_TOKEN_POST_URI, ROUTE_POST},       {WSI_TOKEN_PUT_URI, ROUTE_PUT},
	{WSI_TOKEN_PATCH_URI, ROUTE_PATCH},     {WSI_TOKEN_DELETE_URI, ROUTE_DELETE},
	{WSI_TOKEN_OPTIONS_URI, ROUTE_OPTIONS},
};
#define NMETHODS (sizeof methods / sizeof methods[0])

char *gate_error_json(int code, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	char *s = NULL;
	if (e && cJSON_AddStringToObject(e, "code", err_name(code)) &&
	    cJSON_AddStringToObject(e, "message", message ? message : err_message(code, 1)))
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* ------------------------------------------------------------ the request line and framing */

/* The Content-Length field lines of the request: -1 none, else its length or a refusal. */
static int content_length(struct lws *wsi, int64_t *length)
{
	char vals[8][32];
	const char *v[8];
	int n = 0;
	*length = -1;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
		return 0;
	for (; lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, n) > 0; n++) {
		if (n == 8 ||
		    lws_hdr_copy_fragment(wsi, vals[n], sizeof vals[n], WSI_TOKEN_HTTP_CONTENT_LENGTH, n) < 0)
			return SA_E_BAD_REQUEST; /* eight lines, or a value of 32 bytes: no length we read */
		v[n] = vals[n];
	}
	return header_content_length(v, n, length);
}

/* The bytes of the request line and the header values lws parsed (the headers it knows). */
static size_t header_bytes(struct lws *wsi)
{
	size_t n = 0;
	for (int t = 0; t < WSI_TOKEN_COUNT; t++) {
		int l = lws_hdr_total_length(wsi, (enum lws_token_indexes)t);
		n += l > 0 ? (size_t)l : 0;
	}
	return n;
}

int gate_request(arena *a, struct lws *wsi, unsigned *method, const char **path, int64_t *length,
		 const char **why)
{
	char *uri = NULL;
	int len = 0;
	*why = NULL;
	*method = 0;
	for (size_t i = 0; i < NMETHODS; i++)
		if (lws_hdr_total_length(wsi, methods[i].token) > 0)
			*method = methods[i].method;
	/* the URI of the one method token (lws refuses several), NUL-terminated in lws' header buffer */
	if (!*method || lws_http_get_uri_and_method(wsi, &uri, &len) < 0 || !uri)
		return *why = "one request line with one method", SA_E_BAD_REQUEST;
	*path = uri;
	if (strlen(*path) + (size_t)lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS) >
	    (size_t)a->gate->max_url)
		return *why = "the URL (path and query) is longer than the server takes (--http-max-url)",
		       SA_E_URI_TOO_LONG;
	if (header_bytes(wsi) > (size_t)a->gate->max_headers)
		return *why = "the request line and headers are larger than the server takes (--http-max-headers)",
		       SA_E_HEADERS_TOO_LARGE;
	if (content_length(wsi, length))
		return *why = "Content-Length must be one decimal number (lengths that differ are refused)",
		       SA_E_BAD_REQUEST;
	int chunked = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	if (chunked && *length >= 0) /* which one frames the body? (request smuggling) */
		return *why = "Content-Length and Transfer-Encoding together", SA_E_BAD_REQUEST;
	if ((*length > 0 || chunked) && (*method & (ROUTE_GET | ROUTE_HEAD)))
		return *why = "a GET or HEAD request has no body", SA_E_BAD_REQUEST;
	return 0;
}

/* ------------------------------------------------------------ answering at the gate */

int gate_frame_header(arena *a, struct lws *wsi, unsigned char **p, unsigned char *end)
{
	const char *v = a->gate->frame_none;
	return v ? lws_add_http_header_by_name(wsi, (const unsigned char *)"content-security-policy:",
					       (const unsigned char *)v, (int)strlen(v), p, end)
		 : 0;
}

/*
 * Answers now, before any request object exists, and asks to close: headers
 * and body in one write (a few hundred bytes a fresh socket takes at once).
 */
static int refuse_now(arena *a, struct lws *wsi, int code, const char *why, unsigned allow)
{
	char *body = gate_error_json(code, why), allow_text[64];
	size_t len = body ? strlen(body) : 0;
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
	route_methods_text(allow, allow_text, sizeof allow_text);
	if (body &&
	    !lws_add_http_common_headers(wsi, (unsigned)err_http_status(code),
					 "application/json; charset=utf-8", len, &p, end) &&
	    !lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
					 (const unsigned char *)"no-store", 8, &p, end) &&
	    !gate_frame_header(a, wsi, &p, end) &&
	    (!allow || !lws_add_http_header_by_name(
			       wsi, (const unsigned char *)"allow:", (const unsigned char *)allow_text,
			       (int)strlen(allow_text), &p, end)) &&
	    !lws_add_http_header_by_name(
		    wsi, (const unsigned char *)"connection:", (const unsigned char *)"close", 5, &p, end) &&
	    !lws_finalize_http_header(wsi, &p, end) && (size_t)(end - p) > len) {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) <= 0) { /* a HEAD gets no body */
			memcpy(p, body, len);
			p += len;
		}
		lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
	}
	free(body);
	return 1;
}

/* Whether path is under a mount of the route table (else the web files'). */
static int under_routes(const gate *g, const char *path)
{
	for (int i = 0; i < g->nmounts; i++) {
		size_t n = strlen(g->mountpoint[i]);
		if (!strncmp(path, g->mountpoint[i], n) && (path[n] == '/' || !path[n]))
			return 1;
	}
	return 0;
}

int gate_filter(arena *a, struct lws *wsi)
{
	const char *path, *why;
	unsigned method;
	int64_t length;
	int rc = gate_request(a, wsi, &method, &path, &length, &why);
	if (rc)
		return refuse_now(a, wsi, rc, why, 0);
	if (!under_routes(a->gate, path) && !(method & (ROUTE_GET | ROUTE_HEAD)))
		return refuse_now(a, wsi, SA_E_METHOD, "web pages are read with GET or HEAD",
				  ROUTE_GET | ROUTE_HEAD);
	return 0;
}

int gate_upgrade(arena *a, struct lws *wsi, const char *upgrade)
{
	const char *path, *why;
	char origin[512], norm[HEADER_ORIGIN_MAX], msg[700];
	unsigned method;
	int64_t length;
	if (!upgrade || strcasecmp(upgrade, "websocket"))
		return refuse_now(a, wsi, SA_E_BAD_REQUEST,
				  "the only upgrade served is to WebSocket on /ws (no h2c)", 0),
		       -1;
	int rc = gate_request(a, wsi, &method, &path, &length, &why);
	if (rc)
		return refuse_now(a, wsi, rc, why, 0), -1;
	if (strcmp(path, "/ws"))
		return refuse_now(a, wsi, SA_E_NOT_FOUND, "WebSocket connections are opened on /ws", 0), -1;
	int n = lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
	if (n < 0 || (n > 0 && (header_origin(origin, norm, sizeof norm) ||
				!header_origin_allowed(a->gate->origins, norm)))) {
		snprintf(msg, sizeof msg,
			 "a page from origin '%.300s' may not connect here (--allowed-origins)",
			 n > 0 ? origin : "(too long)");
		sa_log(LL_INFO, "WebSocket refused: %s", msg);
		return refuse_now(a, wsi, SA_E_FORBIDDEN, msg, 0), -1;
	}
	return 0;
}

int gate_file_headers(arena *a, struct lws *wsi, void *in)
{
	struct lws_process_html_args *args = in;
	const gate *g = a->gate;
	char *path = NULL;
	int len = 0;
	if (!g->frame_none || !args)
		return 0;
	if (lws_http_get_uri_and_method(wsi, &path, &len) < 0)
		path = NULL;
	const char *v = path && !strcmp(path, "/screen.html") ? g->frame_screen : g->frame_none;
	unsigned char *p = (unsigned char *)args->p, *end = p + args->max_len;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-security-policy:",
					(const unsigned char *)v, (int)strlen(v), &p, end))
		return 1;
	args->max_len -= (int)(p - (unsigned char *)args->p);
	args->p = (char *)p;
	return 0;
}

int gate_expects_continue(struct lws *wsi)
{
	char v[32];
	return lws_hdr_copy(wsi, v, sizeof v, WSI_TOKEN_HTTP_EXPECT) > 0 && !strcasecmp(v, "100-continue");
}

void gate_continue(struct lws *wsi)
{
	static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
	unsigned char buf[LWS_PRE + sizeof line];
	if (!gate_expects_continue(wsi))
		return;
	memcpy(buf + LWS_PRE, line, sizeof line - 1);
	lws_write(wsi, buf + LWS_PRE, sizeof line - 1, LWS_WRITE_HTTP_HEADERS);
}

/* ------------------------------------------------------------ lws' log */

/* lws' errors and warnings into our log (a request lws gave up on is the client's doing: info). */
static void from_lws_log(int level, const char *line)
{
	size_t n = strlen(line);
	int client =
		strstr(line, "Ran out of header data space") || strstr(line, "More hdr frags than we can");
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	sa_log(client              ? LL_INFO
	       : (level & LLL_ERR) ? LL_WARN
				   : LL_DEBUG,
	       "libwebsockets: %.*s", (int)n, line);
}

/* ------------------------------------------------------------ options */

const char *gate_public_url(const arena *a) { return a->gate->public_url; }
const route *const *gate_routes(const arena *a) { return a->gate->tables; }

int gate_rate(arena *a, const char *peer)
{
	const gate *g = a->gate;
	return g->rate && limit_addr_take(g->rate, peer, LIMIT_HTTP, now_us() / 1000) ? g->retry_after : 0;
}

static int fail(char *err, size_t n, const char *fmt, const char *what)
{
	snprintf(err, n, fmt, what);
	return SA_E_INVALID_FIELD;
}

/* The allowed origins: --allowed-origins normalized, or the default (gate.h). */
static int origins_open(gate *g, const sa_config *c, char *err, size_t n)
{
	const char *list = c->allowed_origins;
	size_t cap = strlen(list) + 4 * HEADER_ORIGIN_MAX, k = 0;
	if (!(g->origins = malloc(cap)))
		return SA_E_INTERNAL;
	g->origins[0] = '\0';
	if (!*list) {
		const char *b = c->bind;
		int loopback = !*b || !strcmp(b, "127.0.0.1") || !strcmp(b, "localhost") || !strcmp(b, "lo");
		snprintf(g->origins, cap, "%s", g->public_origin);
		if (loopback)
			snprintf(g->origins + strlen(g->origins), cap - strlen(g->origins),
				 ",http://localhost:%d,http://127.0.0.1:%d,http://[::1]:%d", c->port, c->port,
				 c->port);
		return 0;
	}
	for (const char *s = list; *s;) {
		char item[HEADER_ORIGIN_MAX + 1], norm[HEADER_ORIGIN_MAX];
		size_t l = strcspn(s, ",");
		const char *b = s, *e = s + l;
		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (e - b > HEADER_ORIGIN_MAX)
			return fail(err, n, "allowed-origins: '%.40s...' is too long", b);
		snprintf(item, sizeof item, "%.*s", (int)(e - b), b);
		if (!strcmp(item, "*"))
			snprintf(norm, sizeof norm, "*");
		else if (header_origin(item, norm, sizeof norm))
			return fail(err, n,
				    "allowed-origins: '%s' is not an origin such as https://host:port, or *",
				    item);
		k += (size_t)snprintf(g->origins + k, cap - k, "%s%s", k ? "," : "", norm);
		s += l + (s[l] == ',');
	}
	return 0;
}

/* The security headers: the vhost CSP, and the per-response ones when the screen may be framed. */
static int headers_open(gate *g, const sa_config *c, char *err, size_t n)
{
	const char *fa = c->screen_frame_ancestors;
	size_t cap = strlen(g->public_origin) + 400;
	int https = !strncmp(g->public_origin, "https:", 6);
	if (*fa && !header_csp_sources_ok(fa))
		return fail(
			err, n,
			"screen-frame-ancestors: '%s' is not a list of CSP sources (e.g. https://intranet.example)",
			fa);
	if (!(g->csp = malloc(cap)))
		return SA_E_INTERNAL;
	snprintf(g->csp, cap,
		 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
		 "connect-src 'self' %s%s; base-uri 'none'; form-action 'self'; object-src 'none'%s",
		 https ? "wss" : "ws", g->public_origin + (https ? 5 : 4),
		 *fa ? "" : "; frame-ancestors 'none'");
	if (*fa) {
		size_t fl = strlen(fa) + 32;
		if (!(g->frame_none = strdup("frame-ancestors 'none'")) || !(g->frame_screen = malloc(fl)))
			return SA_E_INTERNAL;
		snprintf(g->frame_screen, fl, "frame-ancestors %s", fa);
	}
	g->hdrs[0] =
		(struct lws_protocol_vhost_options){&g->hdrs[1], NULL, "x-content-type-options:", "nosniff"};
	g->hdrs[1] =
		(struct lws_protocol_vhost_options){&g->hdrs[2], NULL, "referrer-policy:", "no-referrer"};
	g->hdrs[2] = (struct lws_protocol_vhost_options){NULL, NULL, "content-security-policy:", g->csp};
	return 0;
}

/* One callback mount per first segment of the table's patterns ("/api", "/healthz"). */
static int mounts_open(gate *g, char *err, size_t n)
{
	for (const route *const *t = g->tables; *t; t++)
		for (const route *r = *t; r->pattern; r++) {
			size_t l = strcspn(r->pattern + 1, "/") + 1;
			int i = 0;
			while (i < g->nmounts &&
			       (strlen(g->mountpoint[i]) != l || strncmp(g->mountpoint[i], r->pattern, l)))
				i++;
			if (i < g->nmounts)
				continue;
			if (i == MOUNTS_MAX || l >= sizeof g->mountpoint[i] || r->pattern[1] == '{')
				return fail(err, n, "route %s: its first segment cannot be a mount",
					    r->pattern);
			snprintf(g->mountpoint[i], sizeof g->mountpoint[i], "%.*s", (int)l, r->pattern);
			g->mounts[i] = (struct lws_http_mount){
				.mountpoint = g->mountpoint[i],
				.mountpoint_len = (unsigned char)l,
				.protocol = "http",
				.origin_protocol = LWSMPRO_CALLBACK,
			};
			g->nmounts++;
		}
	return 0;
}

static int limits_open(gate *g, const sa_config *c, char *err, size_t n)
{
	char why[160];
	g->max_url = c->http_max_url;
	g->max_headers = c->http_max_headers;
	if (g->max_url < GATE_URL_MIN || g->max_url > GATE_URL_MAX || g->max_headers < GATE_HEADERS_MIN ||
	    g->max_headers > GATE_HEADERS_MAX || g->max_url >= g->max_headers) {
		snprintf(why, sizeof why, "%d-%d and %d-%d, the URL below the headers", GATE_URL_MIN,
			 GATE_URL_MAX, GATE_HEADERS_MIN, GATE_HEADERS_MAX);
		return fail(err, n, "http-max-url and http-max-headers must be %s", why);
	}
	memset(&g->limits, 0, sizeof g->limits); /* 0: no limit of its own, the buffer's */
	for (size_t i = 0; i < NMETHODS; i++)    /* a longer URL is cut there, and refused (414) */
		g->limits.token_limit[methods[i].token] = (unsigned short)(g->max_url + 1);
	if (c->addr_http_rate > 0) {
		limit_rate rates[LIMIT_NKINDS] = {
			[LIMIT_HTTP] = {c->addr_http_rate, c->addr_http_burst > 1 ? c->addr_http_burst : 1}};
		if (!(g->rate = limit_table_new(RATE_ADDRESSES, rates)))
			return SA_E_INTERNAL;
		g->retry_after = (int)ceil(1.0 / c->addr_http_rate); /* a token takes 1/rate s to come back */
	}
	return 0;
}

int gate_open(arena *a, const route *const *tables, char *err, size_t errlen)
{
	const sa_config *c = &a->cfg;
	char url[1100];
	gate *g = calloc(1, sizeof *g);
	int rc;
	if (!g)
		return SA_E_INTERNAL;
	a->gate = g;
	g->tables = tables;
	if (*c->public_url)
		snprintf(url, sizeof url, "%s", c->public_url);
	else
		snprintf(url, sizeof url, "http://localhost:%d", c->port);
	if ((rc = route_check(tables, err, errlen)) || (rc = mounts_open(g, err, errlen)) ||
	    (rc = limits_open(g, c, err, errlen)) ||
	    (rc = header_public_url(url, g->public_origin, g->public_url, sizeof g->public_url, err,
				    errlen)) ||
	    (rc = origins_open(g, c, err, errlen)) || (rc = headers_open(g, c, err, errlen))) {
		if (rc == SA_E_INTERNAL)
			snprintf(err, errlen, "out of memory");
		gate_close(a);
		return rc;
	}
	lws_set_log_level(LLL_ERR | LLL_WARN, from_lws_log);
	sa_log(LL_INFO, "HTTP: public URL %s; WebSocket origins %s%s", g->public_url, g->origins,
	       g->frame_screen ? "; the screen page may be framed" : "");
	return 0;
}

void gate_lws_info(arena *a, struct lws_context_creation_info *info, const struct lws_http_mount *files)
{
	gate *g = a->gate;
	for (int i = 0; i < g->nmounts; i++)
		g->mounts[i].mount_next = i + 1 < g->nmounts ? &g->mounts[i + 1] : files;
	info->mounts = g->nmounts ? &g->mounts[0] : files;
	info->headers = &g->hdrs[0];
	info->token_limits = &g->limits;
	info->max_http_header_data = 0;
	info->max_http_header_data2 = (unsigned)(g->max_headers + GATE_SLACK);
}

void gate_close(arena *a)
{
	gate *g = a->gate;
	if (!g)
		return;
	limit_table_free(g->rate);
	free(g->origins);
	free(g->csp);
	free(g->frame_none);
	free(g->frame_screen);
	free(g);
	a->gate = NULL;
}

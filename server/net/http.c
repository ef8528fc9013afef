/*
 * http.c - the HTTP machinery: requests through the route table (route.h)
 * to the handlers of server/api/, and their replies (see http.h for a
 * request's way). net/gate.c holds what happens before a request reaches
 * the table: framing and size checks, WebSocket upgrades, the security
 * headers of every response.
 *
 * libwebsockets 4.1.6 gives us, per request: LWS_CALLBACK_HTTP when the
 * headers are complete (after FILTER_HTTP_CONNECTION, gate.c), HTTP_BODY
 * chunks, HTTP_BODY_COMPLETION, and HTTP_WRITEABLE when we asked to write.
 * A reply is written when the socket is writeable: the headers, then the
 * body in chunks of WRITE_CHUNK bytes, one lws_write per callback. A reply
 * given before the body was read lets lws discard the body unread
 * (LRS_DISCARD_BODY), so the connection stays usable; when discarding could
 * take long (a big body, or a client waiting for 100 Continue), the
 * connection closes after the reply instead.
 *
 * Pipelining: lws parses the next request on a connection only once the
 * reply to the previous one was written (it stops reading meanwhile), so a
 * connection has at most one request in flight and pipelined requests wait
 * in the socket, not in our memory. HTTP/2 (h2c) is refused (gate.c).
 */
#include <assert.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "net/gate.h"
#include "net/header.h"
#include "net/http.h"

#define WRITE_CHUNK (16 * 1024)
#define DISCARD_MAX (1024 * 1024) /* a refused body longer than this closes the connection */
#define QUERY_MAX 16384           /* bytes of query parameters kept */

enum { REQ_NEW, REQ_AUTH, REQ_BODY, REQ_RUN, REQ_HEAD, REQ_OUT, REQ_DONE };

typedef struct pool_block {
	struct pool_block *next;
	max_align_t data[];
} pool_block;

struct http_req {
	arena *a;
	struct lws *wsi; /* NULL once the connection closed */
	int refs;
	int stage;
	unsigned method;
	const route *row;
	int nparams;
	const char *pname[ROUTE_PARAMS_MAX];
	char *pvalue[ROUTE_PARAMS_MAX];
	char *query; /* NUL-separated "name=value" entries */
	size_t querylen;
	auth_principal who;
	int cookie_sent; /* a session cookie came with the request */
	int lang_en;     /* messages in English: Accept-Language does not begin with zh */
	char peer[64];
	int64_t length; /* Content-Length; -1 when none */
	int chunked;    /* a Transfer-Encoding instead */
	char *in;       /* the body */
	size_t inlen;
	int body_done; /* the whole body arrived (maybe while access was being decided) */
	cJSON *json;
	/* the reply */
	int status;
	const char *ctype;
	char *out;
	int fd; /* a file reply: its bytes are read as they are written (-1: none) */
	size_t outlen, sent;
	unsigned char *wbuf; /* LWS_PRE + WRITE_CHUNK */
	char *disposition;
	char *cookie; /* Set-Cookie */
	unsigned allow;
	int retry_after;
	int max_age; /* > 0: a public reply caches this many seconds (else no-store) */
	int close;   /* close the connection after the reply */
	pool_block *pool;
};

typedef struct http_pss {
	http_req *h;
} http_pss;

static const char JSON_TYPE[] = "application/json; charset=utf-8";

/* ------------------------------------------------------------ requests */

static http_req *req_new(arena *a, struct lws *wsi)
{
	http_req *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->a = a;
	h->wsi = wsi;
	h->refs = 1;
	h->length = -1;
	h->fd = -1;
	return h;
}

void http_req_ref(http_req *h)
{
	assert(h->refs > 0);
	h->refs++;
}

void http_req_unref(http_req *h)
{
	assert(h->refs > 0);
	if (--h->refs > 0)
		return;
	for (pool_block *b = h->pool, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	cJSON_Delete(h->json);
	free(h->in);
	free(h->out);
	if (h->fd >= 0)
		close(h->fd);
	free(h->wbuf);
	free(h->disposition);
	free(h->cookie);
	free(h);
}

void *http_alloc(http_req *h, size_t size)
{
	pool_block *b = calloc(1, sizeof *b + size);
	if (!b)
		return NULL;
	b->next = h->pool;
	h->pool = b;
	return b->data;
}

static char *pool_strndup(http_req *h, const char *s, size_t n)
{
	char *c = http_alloc(h, n + 1);
	if (c)
		memcpy(c, s, n);
	return c;
}

arena *http_arena(const http_req *h) { return h->a; }
cJSON *http_json_body(const http_req *h) { return h->json; }
const auth_principal *http_principal(const http_req *h) { return &h->who; }
const char *http_peer(const http_req *h) { return h->peer; }

const char *http_user_agent(http_req *h)
{
	int n = h->wsi ? lws_hdr_total_length(h->wsi, WSI_TOKEN_HTTP_USER_AGENT) : 0;
	char *ua = n > 0 && n < 1024 ? http_alloc(h, (size_t)n + 1) : NULL;
	if (!ua || lws_hdr_copy(h->wsi, ua, n + 1, WSI_TOKEN_HTTP_USER_AGENT) < 0)
		return "";
	return ua;
}

void http_set_cookie(http_req *h, const char *value)
{
	if (h->stage >= REQ_HEAD)
		return;
	free(h->cookie);
	h->cookie = value ? strdup(value) : NULL;
}

void http_set_retry_after(http_req *h, int seconds) { h->retry_after = seconds > 0 ? seconds : 0; }

void http_set_max_age(http_req *h, int seconds) { h->max_age = seconds > 0 ? seconds : 0; }

int http_lang_en(const http_req *h) { return h->lang_en; }

int http_tls(const http_req *h) { return h->wsi && lws_is_ssl(h->wsi); }

const char *http_body(const http_req *h, size_t *len)
{
	*len = h->inlen;
	return h->in ? h->in : "";
}

const char *http_param(const http_req *h, const char *name)
{
	for (int i = 0; i < h->nparams; i++)
		if (!strcmp(h->pname[i], name))
			return h->pvalue[i];
	return NULL;
}

const char *http_query(const http_req *h, const char *name)
{
	return h->query ? route_query(h->query, h->querylen, name) : NULL;
}

/* ------------------------------------------------------------ replies */

static void reply(http_req *h, int status, const char *ctype, char *body, size_t len)
{
	if (h->stage >= REQ_HEAD) { /* answered already */
		free(body);
		return;
	}
	if (!body) { /* it could not be made */
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		body = strdup(oom);
		len = body ? sizeof oom - 1 : 0;
		status = 500;
		ctype = JSON_TYPE;
	}
	h->status = status;
	h->ctype = ctype;
	h->out = body;
	h->outlen = len;
	h->stage = REQ_HEAD;
	if (h->wsi)
		lws_callback_on_writable(h->wsi);
}

void http_reply_json(http_req *h, int status, cJSON *obj)
{
	char *s = obj ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	reply(h, status, JSON_TYPE, s, s ? strlen(s) : 0);
}

void http_reply_error(http_req *h, int code, const char *message)
{
	char *s = gate_error_json(code, message ? message : err_message(code, h->lang_en));
	reply(h, err_http_status(code), JSON_TYPE, s, s ? strlen(s) : 0);
}

void http_reply_bytes(http_req *h, int status, const char *ctype, char *bytes, size_t len,
		      const char *filename)
{
	if (filename && h->stage < REQ_HEAD && !(h->disposition = header_disposition(filename))) {
		free(bytes);
		bytes = NULL;
	}
	reply(h, status, ctype, bytes, len);
}

void http_reply_file(http_req *h, int status, const char *ctype, const char *path, const char *filename)
{
	struct stat st;
	int fd = h->stage < REQ_HEAD ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (filename && !(h->disposition = header_disposition(filename)))) {
		if (fd >= 0)
			close(fd);
		if (h->stage < REQ_HEAD)
			http_reply_error(h, SA_E_INTERNAL, NULL);
		return;
	}
	h->fd = fd;
	h->status = status;
	h->ctype = ctype;
	h->outlen = (size_t)st.st_size;
	h->stage = REQ_HEAD;
	if (h->wsi)
		lws_callback_on_writable(h->wsi);
}

/* ------------------------------------------------------------ writing */

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
		      unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value,
					   (int)strlen(value), p, end);
}

static int write_headers(http_req *h)
{
	struct lws *wsi = h->wsi;
	char num[24], allow[64];
	size_t cap = LWS_PRE + 2048;
	if (h->disposition)
		cap += strlen(h->disposition) + 32;
	if (h->cookie)
		cap += strlen(h->cookie) + 32;
	unsigned char *buf = malloc(cap), *start, *p, *end;
	int rc = -1;
	if (!buf)
		return -1;
	start = p = buf + LWS_PRE;
	end = buf + cap - 1;
	char cache[48] = "no-store";
	if (h->max_age && h->status == 200)
		snprintf(cache, sizeof cache, "public, max-age=%d", h->max_age);
	if (lws_add_http_common_headers(wsi, (unsigned)h->status, h->ctype, h->outlen, &p, end) ||
	    add_header(wsi, "cache-control:", cache, &p, end) || gate_frame_header(h->a, wsi, &p, end))
		goto out;
	if (h->disposition && add_header(wsi, "content-disposition:", h->disposition, &p, end))
		goto out;
	if (h->cookie && add_header(wsi, "set-cookie:", h->cookie, &p, end))
		goto out;
	route_methods_text(h->allow, allow, sizeof allow);
	if (h->allow && add_header(wsi, "allow:", allow, &p, end))
		goto out;
	snprintf(num, sizeof num, "%d", h->retry_after);
	if (h->retry_after && add_header(wsi, "retry-after:", num, &p, end))
		goto out;
	if (h->status == 401 && add_header(wsi, "www-authenticate:", "Bearer", &p, end))
		goto out;
	if (h->close && add_header(wsi, "connection:", "close", &p, end))
		goto out;
	rc = lws_finalize_write_http_header(wsi, start, &p, end) ? -1 : 0;
out:
	free(buf);
	return rc;
}

/* One step of the reply: the headers, or the next chunk of the body. -1 closes. */
static int write_step(http_req *h)
{
	struct lws *wsi = h->wsi;
	if (h->stage == REQ_HEAD) {
		if (write_headers(h))
			return -1;
		h->stage = REQ_OUT;
		if (h->method != ROUTE_HEAD) {
			lws_callback_on_writable(wsi);
			return 0;
		}
		h->outlen = h->sent = 0; /* a HEAD: the headers a GET would get, no body */
	}
	if (h->stage != REQ_OUT)
		return 0;
	size_t n = h->outlen - h->sent < WRITE_CHUNK ? h->outlen - h->sent : WRITE_CHUNK;
	int last = h->sent + n == h->outlen;
	if (n || h->method != ROUTE_HEAD) {
		if (!h->wbuf && !(h->wbuf = malloc(LWS_PRE + WRITE_CHUNK)))
			return -1;
		if (n && h->fd >= 0) { /* a file: the next chunk (from the page cache: it was just written) */
			ssize_t got = pread(h->fd, h->wbuf + LWS_PRE, n, (off_t)h->sent);
			if (got != (ssize_t)n)
				return -1; /* the file changed under us: the client sees a short body */
		} else if (n)
			memcpy(h->wbuf + LWS_PRE, h->out + h->sent, n);
		if (lws_write(wsi, h->wbuf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < 0)
			return -1;
	}
	h->sent += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	h->stage = REQ_DONE;
	if (h->close || lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* ------------------------------------------------------------ the request's way */

/* The handler's turn (the body, if any, complete). */
static void run(http_req *h)
{
	if (h->row->body == ROUTE_BODY_JSON) {
		const char *end = NULL;
		h->json = cJSON_ParseWithLengthOpts(h->in ? h->in : "", h->inlen, &end, 0);
		while (h->json && end < h->in + h->inlen && *end && strchr(" \t\r\n", *end))
			end++;
		if (!h->json || end != h->in + h->inlen)
			return http_reply_error(h, SA_E_BAD_JSON, "the body is not one JSON value");
	}
	h->stage = REQ_RUN;
	http_req_ref(h);
	int rc = h->row->handler(h);
	if (rc)
		http_reply_error(h, rc, NULL);
	http_req_unref(h);
}

/*
 * Whether lws' idea of the body is not the request's: a chunked body (lws
 * 4.1 reads none: its bytes would be taken for the next request), or a
 * POST, PUT or PATCH without a length (lws then waits for 100 MiB). The
 * connection closes after the reply.
 */
static int body_unframed(const http_req *h)
{
	return h->chunked || (h->length < 0 && (h->method & (ROUTE_POST | ROUTE_PUT | ROUTE_PATCH)));
}

/* Refuses the request before its body was read; closes when discarding the body would cost. */
static void refuse(http_req *h, int code, const char *message)
{
	if (h->length > DISCARD_MAX || gate_expects_continue(h->wsi) || body_unframed(h))
		h->close = 1;
	http_reply_error(h, code, message);
}

static int take_params(http_req *h, const route_match *m)
{
	h->nparams = m->nparams;
	for (int i = 0; i < m->nparams; i++)
		if (!(h->pname[i] = pool_strndup(h, m->params[i].name, m->params[i].name_len)) ||
		    !(h->pvalue[i] = pool_strndup(h, m->params[i].value, m->params[i].value_len)))
			return SA_E_INTERNAL;
	return 0;
}

/* The query's entries, NUL-separated, as lws split and decoded them. */
static void take_query(http_req *h)
{
	int total = lws_hdr_total_length(h->wsi, WSI_TOKEN_HTTP_URI_ARGS);
	if (total <= 0 || total >= QUERY_MAX || !(h->query = http_alloc(h, (size_t)total + 2)))
		return;
	size_t k = 0;
	for (int i = 0; k <= (size_t)total; i++) {
		int n = lws_hdr_copy_fragment(h->wsi, h->query + k, total + 2 - (int)k,
					      WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		k += (size_t)n + 1;
	}
	h->querylen = k;
}

/* The message of a refused access. */
static const char *access_message(const http_req *h, int rc)
{
	static const char *const msgs[2][2] = {
		{"登录已失效（长时间未操作、已退出或账号有变动），请重新登录",
		 "your session has ended (idle too long, logged out, or the account changed): log in again"},
		{"请先登录，或发送有效的令牌：Authorization: Bearer TOKEN",
		 "log in, or send a valid token: Authorization: Bearer TOKEN"},
	};
	if (rc != SA_E_UNAUTHENTICATED)
		return NULL;
	return msgs[h->cookie_sent && h->who.via == AUTH_VIA_NONE ? 0 : 1][h->lang_en];
}

/* Access granted: read the body (or what is left of it), then run. */
static void proceed(http_req *h)
{
	if (h->row->body == ROUTE_BODY_NONE || h->length == 0) {
		h->close = body_unframed(h) || h->length > DISCARD_MAX; /* a body no row wants: discarded */
		run(h);
		return;
	}
	if (h->length < 0)
		return refuse(h, SA_E_BAD_REQUEST,
			      "send the body with a Content-Length (no Transfer-Encoding)");
	if ((size_t)h->length > h->row->body_max) {
		char msg[96];
		snprintf(msg, sizeof msg, "the body may be %zu bytes at most", h->row->body_max);
		return refuse(h, SA_E_TOO_LARGE, msg);
	}
	if (!h->in && !(h->in = malloc((size_t)h->length + 1)))
		return refuse(h, SA_E_INTERNAL, NULL);
	h->stage = REQ_BODY;
	if (h->body_done) /* it all came while access was decided */
		run(h);
	else
		gate_continue(h->wsi);
}

static void decided(arena *a, int rc, const auth_principal *p, void *ud)
{
	http_req *h = ud;
	(void)a;
	h->who = *p;
	if (h->wsi && h->stage == REQ_AUTH) {
		if (rc)
			refuse(h, rc, access_message(h, rc));
		else
			proceed(h);
	}
	http_req_unref(h);
}

/*
 * Who is asking and whether they may, before the body is read: the
 * credentials of the request (a bearer token, else the session cookie, with
 * X-CSRF-Token on a state-changing method) go to core/auth.h's check, which
 * identifies them (PostgreSQL: store/principal.c), reads a grant for a
 * contest-scoped row ({code}), and decides; decided() continues. While
 * PostgreSQL answers, a body that arrives is kept (it fits the row, or it is
 * dropped and the request refused); 100 Continue waits for the decision.
 */
static void decide(http_req *h)
{
	char auth[512], cookie[4096], session[80] = "", csrf[80] = "";
	auth_cred cred = {.addr = h->peer};
	h->stage = REQ_AUTH;
	if (h->row->access.kind == AUTH_PUBLIC) { /* no credential looked at */
		snprintf(h->who.addr, sizeof h->who.addr, "%s", h->peer);
		proceed(h);
		return;
	}
	if (lws_hdr_copy(h->wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    !(cred.token = auth_bearer_token(auth)))
		cred.token = ""; /* an Authorization that is not a bearer token: nobody */
	if (lws_hdr_copy(h->wsi, cookie, sizeof cookie, WSI_TOKEN_HTTP_COOKIE) > 0 &&
	    !auth_cookie(cookie, AUTH_SESSION_COOKIE, session, sizeof session)) {
		cred.session = session;
		h->cookie_sent = 1;
	}
	cred.csrf_needed = !!(h->method & (ROUTE_POST | ROUTE_PUT | ROUTE_PATCH | ROUTE_DELETE));
	if (lws_hdr_custom_copy(h->wsi, csrf, sizeof csrf, "x-csrf-token:", 13) > 0)
		cred.csrf = csrf;
	http_req_ref(h); /* decided() drops it */
	auth_check(h->a, &cred, h->row->access, http_param(h, "code"), decided, h);
}

/* Headers complete: find the row, check rate and access, then read the body or run. */
static int on_request(struct lws *wsi, http_pss *pss, arena *a)
{
	route_match m;
	const char *path, *why;
	if (pss->h) {
		pss->h->wsi = NULL;
		http_req_unref(pss->h);
	}
	http_req *h = pss->h = req_new(a, wsi);
	if (!h)
		return -1;
	lws_get_peer_simple(wsi, h->peer, sizeof h->peer);
	char lang[256];
	h->lang_en = lws_hdr_copy(wsi, lang, sizeof lang, WSI_TOKEN_HTTP_ACCEPT_LANGUAGE) < 2 ||
		     strncasecmp(lang, "zh", 2) != 0;
	if (gate_request(a, wsi, &h->method, &path, &h->length, &why))
		return -1; /* gate_filter let it through a moment ago: cannot happen */
	h->chunked = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	int rc = route_find(gate_routes(a), h->method, path, &m);
	if (rc) {
		h->allow = rc == SA_E_METHOD ? m.allow : 0;
		refuse(h, rc, rc == SA_E_METHOD ? "this path does not take this method" : NULL);
		return 0;
	}
	h->row = m.row;
	if (take_params(h, &m))
		return refuse(h, SA_E_INTERNAL, NULL), 0;
	take_query(h);
	int wait = h->row->flags & ROUTE_NO_RATE_LIMIT ? 0 : gate_rate(a, h->peer);
	if (wait > 0) {
		h->retry_after = wait;
		refuse(h, SA_E_RATE_LIMITED,
		       "too many requests from this address: retry later (Retry-After)");
		return 0;
	}
	decide(h);
	return 0;
}

/* Whether a body arriving before access is decided may be kept: the row takes one that size. */
static int body_fits(const http_req *h)
{
	return h->row->body != ROUTE_BODY_NONE && h->length > 0 && (size_t)h->length <= h->row->body_max;
}

static void on_body(http_req *h, const void *in, size_t len)
{
	if (h->stage == REQ_AUTH && body_fits(h) && !h->in && !(h->in = malloc((size_t)h->length + 1)))
		return;
	if (h->stage != REQ_BODY && !(h->stage == REQ_AUTH && h->in))
		return;                              /* refused already: lws discards the rest */
	assert(h->inlen + len <= (size_t)h->length); /* lws reads Content-Length bytes, no more */
	memcpy(h->in + h->inlen, in, len);
	h->inlen += len;
	h->in[h->inlen] = '\0';
}

static void on_body_done(http_req *h)
{
	h->body_done = 1;
	if (h->stage == REQ_BODY)
		run(h);
}

static void detach(http_pss *pss)
{
	if (pss && pss->h) {
		pss->h->wsi = NULL;
		http_req_unref(pss->h);
		pss->h = NULL;
	}
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	http_pss *pss = user;
	arena *a = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		return gate_filter(a, wsi);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return gate_upgrade(a, wsi, in);
	case LWS_CALLBACK_ADD_HEADERS:
		return gate_file_headers(a, wsi, in);
	case LWS_CALLBACK_HTTP:
		return pss ? on_request(wsi, pss, a) : -1;
	case LWS_CALLBACK_HTTP_BODY:
		if (pss && pss->h && len)
			on_body(pss->h, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (pss && pss->h)
			on_body_done(pss->h);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return pss && pss->h && pss->h->wsi ? write_step(pss->h) : 0;
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		detach(pss);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

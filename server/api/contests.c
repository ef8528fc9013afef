/*
 * contests.c - the contests served by this process: public information,
 * leaderboard, units board, the join QR code; and loading a contest file
 * while serving (POST /api/contests, organizers).
 *
 * The join URL comes from configuration (gate_public_url: --public-url, else
 * http://localhost:PORT), never from the request's Host header, and what is
 * put into the SVG is escaped.
 */
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "api/api.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/load.h"
#include "live/phase.h"
#include "live/run.h"
#include "net/gate.h"
#include "net/http.h"
#include "store/audit.h"
#include "store/store.h"

#define UPLOAD_MAX (2 * 1024 * 1024)

static crun *contest_of(http_req *req) { return run_find(http_arena(req), http_param(req, "code")); }

/* The address players open for r: malloc'd. */
static char *join_url(const http_req *req, const crun *r)
{
	const char *base = gate_public_url(http_arena(req));
	size_t n = strlen(base) + strlen(r->code) + 32;
	char *url = malloc(n);
	if (url)
		snprintf(url, n, "%s/player.html?code=%s", base, r->code);
	return url;
}

static int info_get(http_req *req)
{
	crun *r = contest_of(req);
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	char *url = join_url(req, r);
	cJSON *o = cJSON_Duplicate(r->info, 1);
	if (!url || !o) {
		free(url);
		cJSON_Delete(o);
		return SA_E_INTERNAL;
	}
	cJSON_AddStringToObject(o, "join_url", url);
	cJSON_AddStringToObject(o, "phase", phase_name(r->st.phase));
	cJSON_AddNumberToObject(o, "index", r->st.qindex);
	cJSON_AddNumberToObject(o, "players", (double)r->players);
	cJSON_AddNumberToObject(o, "online", (double)r->online);
	free(url);
	http_reply_json(req, 200, o);
	return 0;
}

static void leaderboard_done(crun *r, cJSON *top, int64_t players, void *ud)
{
	http_req *req = ud;
	if (!top)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "contest", r->code);
		cJSON_AddNumberToObject(o, "players", (double)players);
		cJSON_AddItemToObject(o, "top", cJSON_Duplicate(top, 1));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int leaderboard_get(http_req *req)
{
	crun *r = contest_of(req);
	const char *q = http_query(req, "limit");
	long limit = 10;
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	if (q) {
		char *end;
		limit = strtol(q, &end, 10);
		if (end == q || *end || limit < 1 || limit > 1000) {
			http_reply_error(req, SA_E_INVALID_FIELD, "limit must be a number from 1 to 1000");
			return 0;
		}
	}
	http_req_ref(req);
	if (board_fetch_top(r, (int)limit, leaderboard_done, req)) {
		http_req_unref(req);
		return SA_E_UNAVAILABLE;
	}
	return 0;
}

static void units_done(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "top", board_units_json(res));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int units_get(http_req *req)
{
	crun *r = contest_of(req);
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	http_req_ref(req);
	if (board_units_query(r, units_done, req)) {
		http_req_unref(req);
		return SA_E_UNAVAILABLE;
	}
	return 0;
}

/* Appends s to out escaped for XML text and attributes; out has room for 6 bytes per byte of s. */
static size_t xml_escape(char *out, const char *s)
{
	static const struct {
		char c;
		const char *ent;
	} ents[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&apos;"}};
	size_t k = 0;
	for (; *s; s++) {
		size_t i = 0;
		while (i < sizeof ents / sizeof ents[0] && ents[i].c != *s)
			i++;
		if (i < sizeof ents / sizeof ents[0])
			k += (size_t)sprintf(out + k, "%s", ents[i].ent);
		else
			out[k++] = *s;
	}
	out[k] = '\0';
	return k;
}

/* "<title> <CODE>.svg" for a downloaded QR code (the Chinese title, else the first): malloc'd. */
static char *qr_filename(const crun *r)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(r->info, "title");
	const cJSON *zh = cJSON_GetObjectItemCaseSensitive(t, "zh-CN");
	const char *title = cJSON_IsString(t)               ? t->valuestring
			    : cJSON_IsString(zh)            ? zh->valuestring
			    : t && cJSON_IsString(t->child) ? t->child->valuestring
							    : "";
	size_t n = strlen(title) + strlen(r->code) + 8;
	char *name = malloc(n);
	if (name)
		snprintf(name, n, "%s%s%s.svg", title, *title ? " " : "", r->code);
	return name;
}

/* The join URL as an SVG QR code, for screens and printed posters (?download: as a file). */
static int qr_get(http_req *req)
{
	crun *r = contest_of(req);
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	char *url = join_url(req, r);
	QRcode *qr = url ? QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
	if (!qr) {
		free(url);
		return SA_E_INTERNAL;
	}
	int w = qr->width, quiet = 4, dim = w + 2 * quiet;
	size_t cap = (size_t)w * (size_t)w * 24 + 6 * strlen(url) + 512, len = 0;
	char *svg = malloc(cap);
	if (svg) {
		len += (size_t)snprintf(svg, cap,
					"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
					"shape-rendering=\"crispEdges\"><title>",
					dim, dim);
		len += xml_escape(svg + len, url);
		len += (size_t)snprintf(
			svg + len, cap - len,
			"</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			dim, dim);
		for (int y = 0; y < w; y++)
			for (int x = 0; x < w; x++)
				if (qr->data[y * w + x] & 1)
					len += (size_t)snprintf(svg + len, cap - len, "M%d %dh1v1h-1z",
								x + quiet, y + quiet);
		len += (size_t)snprintf(svg + len, cap - len, "\"/></svg>");
	}
	QRcode_free(qr);
	free(url);
	char *name = http_query(req, "download") ? qr_filename(r) : NULL;
	if (svg && http_query(req, "download") && !name) {
		free(svg);
		svg = NULL; /* a 500 */
	}
	http_reply_bytes(req, 200, "image/svg+xml", svg, len, name);
	free(name);
	return 0;
}

static void owner_done(arena *a, void *res, const char *err, void *ud)
{
	(void)a;
	(void)res;
	if (err)
		sa_log(LL_WARN, "contest %s: its owner could not be stored: %s", (const char *)ud, err);
	free(ud);
}

/* An uploaded contest belongs to the account that uploaded it (an organizer may then host it). */
static void owner_set(arena *a, http_req *req, const crun *r)
{
	const auth_principal *p = http_principal(req);
	cJSON *after = cJSON_CreateObject();
	cJSON_AddStringToObject(after, "code", r->code);
	cJSON_AddItemToObject(after, "title", cJSON_Duplicate(cJSON_GetObjectItem(r->info, "title"), 1));
	audit_write(a, p, "contest.upload", r->code, r->code, NULL, after);
	cJSON_Delete(after);
	if (!p->account_id)
		return;
	char id[24], cid[24], *code = strdup(r->code);
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *params[2] = {cid, id};
	if (code &&
	    store_query(
		    a,
		    "UPDATE contests SET owner_id = $2, created_by = $2 WHERE id = $1 AND owner_id IS NULL",
		    2, params, owner_done, code))
		free(code);
}

static void upload_done(arena *a, crun *r, int rc, cJSON *problems, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (problems) {
		cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", err_name(SA_E_INVALID_FIELD));
		cJSON_AddStringToObject(e, "message", "the contest file has problems");
		cJSON_AddItemToObject(e, "problems", cJSON_Duplicate(problems, 1));
		http_reply_json(req, 400, o);
	} else if (rc)
		http_reply_error(req, rc,
				 rc == SA_E_CONFLICT
					 ? "a contest with this code is stored (archived ones too)"
					 : NULL);
	else {
		owner_set(a, req, r);
		cJSON *o = cJSON_Duplicate(r->info, 1);
		cJSON_AddStringToObject(o, "phase", phase_name(r->st.phase));
		http_reply_json(req, 201, o);
	}
	http_req_unref(req);
}

/* The body is a contest file (JSON, contests.md): validated, stored and served off the loop. */
static int contests_post(http_req *req)
{
	arena *a = http_arena(req);
	char name[1200];
	size_t len;
	const char *body = http_body(req, &len);
	if (!len) {
		http_reply_error(req, SA_E_BAD_JSON, "the body is empty: send the contest file (JSON)");
		return 0;
	}
	snprintf(name, sizeof name, "%s/upload.json", load_dir(a));
	http_req_ref(req);
	int rc = load_contest(a, name, body, len, upload_done, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

#define PUBLIC                 \
	{                      \
		AUTH_PUBLIC, 0 \
	}

const route api_contests_routes[] = {
	{ROUTE_GET, "/api/contests/{code}", info_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/contests/{code}/leaderboard", leaderboard_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/contests/{code}/units", units_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/contests/{code}/qr.svg", qr_get, PUBLIC, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST,
	 "/api/contests",
	 contests_post,
	 {AUTH_ROLE, AUTH_ORGANIZER},
	 ROUTE_BODY_BYTES,
	 UPLOAD_MAX,
	 0},
	{0},
};

/*
 * boards.c - the boards of self-paced contests (live/mass.c, live/rollup.c):
 * a day's boards of individuals and units, public as the screens show them,
 * and, for organizers, the roster workers of a unit who have not taken part.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "core/utf8.h"
#include "live/mass.h"
#include "live/rollup.h"
#include "live/run.h"
#include "net/http.h"

/* An exam or mass contest of the route's {code}; else 0 with the error in *rc. */
static crun *paced_of(http_req *req, int *rc)
{
	crun *r = run_find(http_arena(req), http_param(req, "code"));
	*rc = !r ? SA_E_UNKNOWN_CONTEST : r->mode != MODE_EXAM && r->mode != MODE_MASS ? SA_E_WRONG_MODE : 0;
	return *rc ? NULL : r;
}

static void board_done(crun *r, cJSON *board, int rc, void *ud)
{
	http_req *req = ud;
	(void)r;
	if (board) {
		cJSON *o = cJSON_Duplicate(board, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(o, "type");
		http_reply_json(req, 200, o);
	} else
		http_reply_error(req, rc ? rc : SA_E_UNAVAILABLE, NULL);
	http_req_unref(req);
}

/* GET /api/contests/{code}/board?day=YYYY-MM-DD: the mass_board of that day (default today). */
static int board_get(http_req *req)
{
	int rc;
	crun *r = paced_of(req, &rc);
	const char *day = http_query(req, "day");
	if (!r)
		return rc;
	if (day && !mass_valid_day(day)) {
		http_reply_error(req, SA_E_INVALID_FIELD, "day must be a date YYYY-MM-DD");
		return 0;
	}
	http_req_ref(req);
	if ((rc = mass_board_fetch(r, day, board_done, req)))
		http_req_unref(req);
	return rc;
}

/* GET /api/contests/{code}/absent?unit=PATH&day=YYYY-MM-DD: who of a unit has not taken part. */
static int absent_get(http_req *req)
{
	int rc;
	crun *r = paced_of(req, &rc);
	const char *unit = http_query(req, "unit"), *day = http_query(req, "day");
	if (!r)
		return rc;
	if (!unit || !*unit || strlen(unit) > 255 || !utf8_valid(unit, strlen(unit))) {
		http_reply_error(req, SA_E_INVALID_FIELD, "unit: the roster path of a unit");
		return 0;
	}
	if (day && *day && !mass_valid_day(day)) {
		http_reply_error(req, SA_E_INVALID_FIELD, "day must be a date YYYY-MM-DD");
		return 0;
	}
	http_req_ref(req);
	if ((rc = rollup_absent(r, unit, day ? day : "", board_done, req)))
		http_req_unref(req);
	return rc;
}

const route api_boards_routes[] = {
	{ROUTE_GET, "/api/contests/{code}/board", board_get, {AUTH_PUBLIC, 0}, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET,
	 "/api/contests/{code}/absent",
	 absent_get,
	 {AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER}, /* names of workers: the contest's own people */
	 ROUTE_BODY_NONE,
	 0,
	 0},
	{0},
};

/*
 * scoring.c - GET /api/scoring/types: the question types the scoring
 * engine knows, plugins included.
 */
#include "scoring.h"
#include "api/api.h"
#include "core/err.h"
#include "net/http.h"

static void type_row(const char *type, const char *version, const char *origin, void *ud)
{
	cJSON *e = cJSON_CreateObject();
	if (!e || !cJSON_AddItemToArray(ud, e)) {
		cJSON_Delete(e);
		return;
	}
	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddStringToObject(e, "version", version);
	cJSON_AddStringToObject(e, "origin", origin);
}

static int types_get(http_req *req)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "types");
	if (!arr) {
		cJSON_Delete(o);
		return SA_E_INTERNAL;
	}
	score_engine_types(http_arena(req)->eng, type_row, arr);
	http_reply_json(req, 200, o);
	return 0;
}

const route api_scoring_routes[] = {
	{ROUTE_GET, "/api/scoring/types", types_get, {AUTH_PUBLIC, 0}, ROUTE_BODY_NONE, 0, 0},
	{0},
};

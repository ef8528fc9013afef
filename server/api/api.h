/*
 * api.h - the JSON API's routes: a table per resource, in a file of its
 * own (health.c, contests.c, scoring.c, boards.c), and the list of every table that
 * main.c hands to net/gate.c (api.c). A new route is a row of its
 * resource's table plus its handler; a new resource is a file and a line in
 * api.c. The rows' columns: net/route.h; the request and reply calls the
 * handlers use: net/http.h; every route with its access: docs/api.md.
 */
#ifndef SKILLARENA_API_API_H
#define SKILLARENA_API_API_H

#include "net/route.h"

extern const route api_health_routes[];
extern const route api_contests_routes[];
extern const route api_scoring_routes[];
extern const route api_boards_routes[];
extern const route api_session_routes[];
extern const route api_accounts_routes[];
extern const route api_tokens_routes[];
extern const route api_audit_routes[];
extern const route api_console_contests_routes[];
extern const route api_console_publish_routes[];
extern const route api_banks_routes[];
extern const route api_bank_questions_routes[];
extern const route api_jobs_routes[];
extern const route api_roster_routes[];
extern const route api_contest_roster_routes[];
extern const route api_posters_routes[];
extern const route api_monitor_routes[];
extern const route api_results_routes[];
extern const route api_records_routes[];
extern const route api_release_routes[];
extern const route api_appeals_routes[];
extern const route api_certificates_routes[];
extern const route api_certverify_routes[];
extern const route api_certtemplate_routes[];
extern const route api_analysis_routes[];

/* Every table, NULL-ended. */
extern const route *const api_routes[];

#endif

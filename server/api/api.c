/*
 * api.c - the list of the API's route tables (see api.h).
 */
#include <stddef.h>

#include "api/api.h"

const route *const api_routes[] = {
	api_health_routes,
	api_contests_routes,
	api_scoring_routes,
	api_boards_routes,
	api_session_routes,
	api_accounts_routes,
	api_tokens_routes,
	api_audit_routes,
	api_console_contests_routes,
	api_console_publish_routes,
	api_banks_routes,
	api_bank_questions_routes,
	api_jobs_routes,
	api_roster_routes,
	api_contest_roster_routes,
	api_posters_routes,
	api_monitor_routes,
	api_results_routes,
	api_records_routes,
	api_release_routes,
	api_appeals_routes,
	api_certificates_routes,
	api_certverify_routes,
	api_certtemplate_routes,
	api_analysis_routes,
	NULL,
};

/*
 * users.c - the `user` command (users.h): its arguments, the password read
 * from the terminal or stdin (core/prompt.h) and hashed (core/password.h),
 * and its work on PostgreSQL with blocking libpq, like store/migrate.c,
 * because no loop runs. Each change and its audit entry are one
 * transaction: an account made without its trail would be an action nobody
 * can account for.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "core/password.h"
#include "core/prompt.h"
#include "store/migrate.h"
#include "store/users.h"

static PGconn *connect_sync(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		sa_log(LL_ERROR, "cannot connect to postgresql (%s): %s", conninfo, PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* "cli:<the system user running the command>" */
static void cli_actor(char *out, size_t n)
{
	const struct passwd *pw = getpwuid(geteuid());
	snprintf(out, n, "cli:%s", pw && pw->pw_name ? pw->pw_name : "?");
}

/* Runs sql in a transaction with its audit entry (the statement returns the entry's target,
 * after and detail); *rows gets the statement's row count. */
static int change(const char *conninfo, const char *sql, int n, const char *const *params, const char *action,
		  int *rows)
{
	char actor[80];
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	PGresult *r = PQexec(pg, "BEGIN");
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
	PQclear(r);
	r = rc ? NULL : PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
	if (!rc && PQresultStatus(r) != PGRES_TUPLES_OK) {
		sa_log(LL_ERROR, "postgresql: %s", PQresultErrorMessage(r));
		rc = SA_E_UNAVAILABLE;
	}
	*rows = rc ? 0 : PQntuples(r);
	if (!rc && *rows == 1) {
		cli_actor(actor, sizeof actor);
		const char *ap[5] = {actor, action, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
				     PQgetvalue(r, 0, 2)};
		PGresult *ar = PQexecParams(
			pg,
			"INSERT INTO audit.audit_log (actor, ip, action, target, after, detail) "
			"VALUES ($1, 'local', $2, $3, NULLIF($4, '')::jsonb, NULLIF($5, '')::jsonb)",
			5, NULL, ap, NULL, NULL, 0);
		if (PQresultStatus(ar) != PGRES_COMMAND_OK) {
			sa_log(LL_ERROR, "audit log: %s", PQresultErrorMessage(ar));
			rc = SA_E_UNAVAILABLE;
		}
		PQclear(ar);
	}
	PQclear(r);
	r = PQexec(pg, rc ? "ROLLBACK" : "COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = SA_E_UNAVAILABLE;
	PQclear(r);
	PQfinish(pg);
	return rc;
}

int users_add(const char *conninfo, const char *username, const char *display_name, const char *role,
	      const char *encoded)
{
	const char *p[4] = {username, display_name ? display_name : "", role, encoded};
	int rows = 0;
	int rc = change(
		conninfo,
		"INSERT INTO accounts (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT ((lower(username))) DO NOTHING RETURNING username, "
		"json_build_object('username', username, 'display_name', display_name, 'role', role, "
		"'disabled', disabled, 'locked', false), NULL",
		4, p, "account.create", &rows);
	return rc ? rc : rows == 1 ? 0 : SA_E_CONFLICT;
}

int users_password(const char *conninfo, const char *username, const char *encoded)
{
	const char *p[2] = {username, encoded};
	int rows = 0;
	int rc = change(
		conninfo,
		"WITH u AS (UPDATE accounts SET password_hash = $2, failed_logins = 0, locked_until = NULL, "
		"updated_at = now() WHERE lower(username) = lower($1) RETURNING id, username), "
		"s AS (DELETE FROM sessions WHERE account_id IN (SELECT id FROM u) RETURNING 1) "
		"SELECT username, NULL, json_build_object('by', 'cli', 'sessions_ended', "
		"(SELECT count(*) FROM s)) FROM u",
		2, p, "account.password", &rows);
	return rc ? rc : rows == 1 ? 0 : SA_E_NOT_FOUND;
}

int users_list(const char *conninfo, FILE *out)
{
	PGconn *pg = connect_sync(conninfo);
	if (!pg)
		return SA_E_UNAVAILABLE;
	PGresult *r =
		PQexec(pg, "SELECT username, role, CASE WHEN disabled THEN 'disabled' WHEN locked_until > "
			   "now() THEN 'locked' ELSE 'active' END, display_name FROM accounts "
			   "ORDER BY lower(username)");
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : SA_E_UNAVAILABLE;
	if (rc)
		sa_log(LL_ERROR, "postgresql: %s", PQresultErrorMessage(r));
	for (int i = 0; !rc && i < PQntuples(r); i++)
		fprintf(out, "%-24s %-10s %-9s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
	if (!rc && !PQntuples(r))
		fprintf(out, "no accounts yet: skillarena user add NAME --role admin\n");
	PQclear(r);
	PQfinish(pg);
	return rc;
}

/*
 * user add NAME --role ROLE [--display-name TEXT] [--password-stdin]
 * user passwd NAME [--password-stdin]
 * user list
 * Console accounts from the command line: the first admin, a forgotten
 * password. The password comes from the terminal (no echo, asked twice) or
 * the first line of stdin, never from argv.
 */
int users_command(const char *conninfo, const char *sql_dir, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "", *name = argc > 1 ? argv[1] : NULL, *role = NULL,
		   *display = "", *why;
	int from_stdin = 0, rc;
	char pw[1100], encoded[PASSWORD_ENCODED_MAX], prompt[128];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role = argv[++i];
		else if (!strcmp(argv[i], "--display-name") && i + 1 < argc)
			display = argv[++i];
		else {
			fprintf(stderr, "skillarena user: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	int add = !strcmp(verb, "add"), passwd = !strcmp(verb, "passwd");
	if (!strcmp(verb, "list") && argc == 1)
		return migrate_apply(conninfo, sql_dir) || users_list(conninfo, stdout) ? 1 : 0;
	if ((!add && !passwd) || !name || (add && !role)) {
		fprintf(stderr, "usage: skillarena user add NAME --role admin|organizer|judge|screen|viewer "
				"[--display-name TEXT] [--password-stdin]\n"
				"       skillarena user passwd NAME [--password-stdin]\n"
				"       skillarena user list\n");
		return 2;
	}
	if (!auth_username_ok(name) || (add && !auth_role_parse(role))) {
		fprintf(stderr, "skillarena user: %s\n",
			!auth_username_ok(name)
				? "the username must be 1-64 letters, digits or . _ - @"
				: "the role must be admin, organizer, judge, screen or viewer");
		return 2;
	}
	snprintf(prompt, sizeof prompt, "Password for %s: ", name);
	if (prompt_secret(prompt, "Again: ", from_stdin, pw, sizeof pw, &why) ||
	    password_rules(pw, name, 1, &why)) {
		fprintf(stderr, "skillarena user: %s\n", why);
		explicit_bzero(pw, sizeof pw);
		return 2;
	}
	rc = migrate_apply(conninfo, sql_dir) ? SA_E_UNAVAILABLE : password_hash(pw, encoded);
	explicit_bzero(pw, sizeof pw);
	if (!rc)
		rc = add ? users_add(conninfo, name, display, role, encoded)
			 : users_password(conninfo, name, encoded);
	if (rc == SA_E_CONFLICT || rc == SA_E_NOT_FOUND)
		fprintf(stderr, "skillarena user: %s '%s'\n",
			rc == SA_E_CONFLICT ? "an account already has the username"
					    : "no account has the username",
			name);
	else if (!rc)
		printf("%s %s\n", add ? "created account" : "new password for", name);
	return rc ? 1 : 0;
}

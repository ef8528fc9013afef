/*
 * main.c - the skillarena command: a table of commands (serve, migrate,
 * load, reset, archive, delete, types, routes, config-doc, and the contest
 * tools of contests/cli.c), each with its usage and the options that
 * concern it (`skillarena COMMAND --help`), the option table of config.c,
 * and `serve`'s start: the contests loaded and migrated, then its loop
 * (serve.c: one process, one libuv loop carrying libwebsockets, hiredis
 * and libpq).
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "cli.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/coalesce.h"
#include "core/config.h"
#include "core/log.h"
#include "core/password.h"
#include "live/answer.h"
#include "live/events.h"
#include "live/fanout.h"
#include "live/live.h"
#include "live/load.h"
#include "live/player.h"
#include "live/practice.h"
#include "live/run.h"
#include "live/save.h"
#include "live/sweep.h"
#include "live/sync.h"
#include "live/tick.h"
#include "live/validate.h"
#include "net/gate.h"
#include "net/http.h"
#include "net/listen.h"
#include "net/msg.h"
#include "net/ws.h"
#include "serve.h"
#include "store/admin.h"
#include "store/audit.h"
#include "store/certcli.h"
#include "store/certkey.h"
#include "store/jobs.h"
#include "store/lb.h"
#include "store/migrate.h"
#include "store/principal.h"
#include "store/recompute_pg.h"
#include "store/store.h"
#include "store/users.h"
#include "store/xapi.h"

/* ------------------------------------------------------------ contests */

static int load_file(arena *a, const char *path, int *failed)
{
	contest_def *def = NULL;
	contest_diag diag = {0};
	if (contest_load(path, a->eng, "zh-CN", &def, &diag)) {
		contest_diag_print(&diag, stderr);
		contest_diag_free(&diag);
		(*failed)++;
		return -1;
	}
	contest_diag_free(&diag);
	if (run_find(a, def->code)) {
		sa_log(LL_ERROR, "%s: contest code %s is loaded twice", path, def->code);
		contest_free(def);
		(*failed)++;
		return -1;
	}
	crun *r = run_new(a, def);
	if (!r) {
		contest_free(def);
		(*failed)++;
		return -1;
	}
	/* Its origin: processes that serve it from PostgreSQL read its banks relative to it. */
	if (!(r->origin = realpath(path, NULL)) || run_add(a, r)) {
		run_unref(r);
		(*failed)++;
		return -1;
	}
	return 0;
}

static int is_contest_file(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && !strcmp(name + n - 5, ".json") && name[0] != '.';
}

/* Loads every contest named in the comma-separated list (files, or directories of *.json). */
static int load_contests(arena *a, const char *list)
{
	char *copy = strdup(list ? list : ""), *save = NULL;
	int failed = 0;
	if (!copy)
		return -1;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct stat st;
		if (!*tok)
			continue;
		if (stat(tok, &st)) {
			sa_log(LL_ERROR, "contests: %s: %s", tok, strerror(errno));
			failed++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			load_file(a, tok, &failed);
			continue;
		}
		struct dirent **ents;
		int n = scandir(tok, &ents, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			if (is_contest_file(ents[i]->d_name)) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", tok, ents[i]->d_name);
				load_file(a, path, &failed);
			}
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
	}
	free(copy);
	return failed ? -1 : 0;
}

/* ------------------------------------------------------------ commands */

/*
 * The plugins directory: --plugins, else the directory "plugins" beside this
 * binary (where `make` builds them and an installation puts them), when it
 * exists. buf receives it; NULL when there is none.
 */
static const char *plugins_dir(arena *a, char *buf, size_t n)
{
	struct stat st;
	char exe[4096];
	if (a->cfg.plugins && *a->cfg.plugins)
		return a->cfg.plugins;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(buf, n, "%s/plugins", exe);
	return !stat(buf, &st) && S_ISDIR(st.st_mode) ? buf : NULL;
}

static int engine_open(arena *a)
{
	char *warn = NULL, dir[4200];
	int rc = score_engine_new(&a->eng, plugins_dir(a, dir, sizeof dir), &warn);
	if (warn) {
		fputs(warn, stderr);
		free(warn);
	}
	if (rc)
		sa_log(LL_ERROR, "scoring engine: %s", score_strerror(rc, "en"));
	return rc;
}

/*
 * No organizer token configured: a random one for this run, written to a file
 * that only this user can read (never to the log, which names the file);
 * removed at exit. path receives the file's name.
 */
static int run_token(arena *a, char *path, size_t n)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	char tok[2 * 16 + 1];
	snprintf(path, n, "%s/skillarena-token-XXXXXX", base && *base ? base : "/tmp");
	if (auth_random_hex(tok, 16) || !mkdtemp(path)) {
		sa_log(LL_ERROR, "cannot make an organizer token in %s: %s", path, strerror(errno));
		*path = '\0';
		return -1;
	}
	size_t dl = strlen(path);
	snprintf(path + dl, n - dl, "/organizer-token");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", tok) < 0) {
		sa_log(LL_ERROR, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	free(a->cfg.organizer_token);
	a->cfg.organizer_token = strdup(tok);
	sa_log(LL_WARN,
	       "no organizer token configured (organizer-token-file): this run's token is in %s "
	       "(mode 0600, removed at exit); other processes do not share it",
	       path);
	return a->cfg.organizer_token ? 0 : -1;
}

static int cmd_serve(arena *a, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "skillarena serve: unexpected argument '%s'\n", argv[0]);
		return 2;
	}
	char err[512], made[4096] = "";
	if (gate_open(a, api_routes, err, sizeof err)) { /* the HTTP options, before any slow work */
		sa_log(LL_ERROR, "%s", err);
		return 1;
	}
	if (!a->cfg.organizer_token || !*a->cfg.organizer_token) {
		if (run_token(a, made, sizeof made))
			return gate_close(a), 1;
	} else if (config_check_token(a->cfg.organizer_token, err, sizeof err)) {
		sa_log(LL_ERROR, "%s", err);
		return gate_close(a), 1;
	}
	int rc = 1;
	/* The --contests files first (upserted), then every other stored contest. */
	if (!engine_open(a) && !load_open(a) && !load_contests(a, a->cfg.contests) &&
	    !migrate_apply(a->cfg.pg, a->cfg.sql_dir) && !certkey_open(a) &&
	    !migrate_load_contests(a->cfg.pg, a->runs, a->nruns) && !load_stored_all(a)) {
		migrate_audit_check(a->cfg.pg); /* logged; the server runs either way */
		jobs_recover(a->cfg.pg, a->cfg.instance);
		signal(SIGPIPE, SIG_IGN);
		rc = serve_run(a);
	}
	load_close(a);
	certkey_close(a);
	gate_close(a);
	if (*made) {
		unlink(made);
		*strrchr(made, '/') = '\0';
		rmdir(made);
	}
	return rc;
}

static int cmd_migrate(arena *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return migrate_apply(a->cfg.pg, a->cfg.sql_dir) ? 1 : 0;
}

static int cmd_load(arena *a, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: skillarena load FILE...\n");
		return 2;
	}
	if (engine_open(a))
		return 1;
	int failed = 0;
	for (int i = 0; i < argc; i++)
		load_file(a, argv[i], &failed);
	if (failed)
		return 1;
	if (migrate_apply(a->cfg.pg, a->cfg.sql_dir) || migrate_load_contests(a->cfg.pg, a->runs, a->nruns))
		return 1;
	return 0;
}

static void print_type(const char *type, const char *version, const char *origin, void *ud)
{
	fprintf(ud, "  %-18s %-8s %s\n", type, version, origin);
}

static int cmd_types(arena *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (engine_open(a))
		return 1;
	score_engine_types(a->eng, print_type, stdout);
	return 0;
}

/* A table as JSON, one row a line (skillarena routes, messages). */
static int print_rows(cJSON *t)
{
	cJSON *row;
	int i = 0;
	if (!t)
		return 1;
	puts("[");
	cJSON_ArrayForEach(row, t)
	{
		char *s = cJSON_PrintUnformatted(row);
		printf("  %s%s\n", s ? s : "null", ++i < cJSON_GetArraySize(t) ? "," : "");
		cJSON_free(s);
	}
	puts("]");
	cJSON_Delete(t);
	return 0;
}

/* The route table as JSON (method, pattern, access, body): what the authorization tests compare. */
static int cmd_routes(arena *a, int argc, char **argv)
{
	char err[512];
	(void)a;
	(void)argc;
	(void)argv;
	if (route_check(api_routes, err, sizeof err)) {
		fprintf(stderr, "skillarena routes: %s\n", err);
		return 1;
	}
	return print_rows(route_json(api_routes));
}

/* The WebSocket message table as JSON (type, the role that may send it, access): the same use. */
static int cmd_messages(arena *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	(void)argv;
	return print_rows(msg_table_json());
}

static int cmd_config_doc(arena *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	(void)argv;
	config_print_doc(stdout);
	return 0;
}

/*
 * reset, archive, delete: PostgreSQL changed (store/admin.c), the
 * contest's Redis keys deleted and the change announced on the event
 * channel; running servers follow at once, or within --sync-ms without
 * Redis (they re-read the contests table).
 */
static int cmd_change(arena *a, admin_op op, int argc, char **argv)
{
	const char *code = NULL, *name = admin_op_name(op);
	int yes = op == ADMIN_ARCHIVE, flags = 0, changed;
	char norm[17], msg[512];
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--yes"))
			yes = 1;
		else if (!strcmp(argv[i], "--if-finished") && op == ADMIN_RESET) {
			yes = 1;
			flags |= ADMIN_IF_FINISHED;
		} else if (!strcmp(argv[i], "--force"))
			flags |= ADMIN_FORCE;
		else if (argv[i][0] == '-' || code) {
			fprintf(stderr,
				"skillarena %s: unexpected argument '%s' (see skillarena %s --help)\n", name,
				argv[i], name);
			return 2;
		} else
			code = argv[i];
	}
	if (!code || !yes) {
		fprintf(stderr, "skillarena %s: %s (see skillarena %s --help)\n", name,
			code ? "--yes is needed: it deletes every participant and answer"
			     : "a contest code is needed",
			name);
		return 2;
	}
	if (validate_code(code, norm)) {
		fprintf(stderr, "skillarena %s: '%s' is not a contest code (4-16 letters and digits)\n", name,
			code);
		return 2;
	}
	int rc = admin_change(a->cfg.pg, op, norm, flags, &changed, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "skillarena %s: %s\n", name, msg);
		return 1;
	}
	printf("%s\n", msg);
	if (!changed)
		return 0;
	rc = admin_redis(a->cfg.redis, a->cfg.redis_password, a->cfg.redis_prefix, op, norm);
	if (rc < 0)
		return 1;
	if (rc)
		printf("running servers were told through Redis and follow at once\n");
	else
		printf("redis %s unreachable: running servers follow within their sync-ms (%d ms by default) "
		       "and rebuild its keys\n",
		       a->cfg.redis, 2000);
	sa_log(LL_INFO, "%s", msg);
	return 0;
}

static int cmd_reset(arena *a, int argc, char **argv) { return cmd_change(a, ADMIN_RESET, argc, argv); }
static int cmd_archive(arena *a, int argc, char **argv) { return cmd_change(a, ADMIN_ARCHIVE, argc, argv); }
static int cmd_delete(arena *a, int argc, char **argv) { return cmd_change(a, ADMIN_DELETE, argc, argv); }

/* The options each command reads (its --help lists them). */
static const char *const opts_pg[] = {"pg", "sql-dir", "log-level", NULL};
static const char *const opts_load[] = {"pg", "sql-dir", "plugins", "log-level", NULL};
static const char *const opts_change[] = {
	"pg", "redis", "redis-password-file", "redis-password", "redis-prefix", "log-level", NULL};
static const char *const opts_plugins[] = {"plugins", NULL};
static const char *const opts_recompute[] = {
	"pg",           "redis",   "redis-password-file", "redis-password",
	"redis-prefix", "plugins", "log-level",           "contests",
	"bank-dir",     NULL};
static const char *const opts_none[] = {NULL};

/* recompute CODE [--json]: stored results derived again and compared (store/recompute_pg.c). */
static int cmd_recompute(arena *a, int argc, char **argv)
{
	return engine_open(a) ? 2 : recompute_command(&a->cfg, a->eng, argc, argv);
}

/* user add | passwd | list: console accounts from the command line (store/users.c). */
static int cmd_user(arena *a, int argc, char **argv)
{
	return users_command(a->cfg.pg, a->cfg.sql_dir, argc, argv);
}

/* verify FILE|ID...: a certificate checked offline (store/certcli.c). */
static int cmd_verify(arena *a, int argc, char **argv) { return certcli_verify(a->cfg.pg, argc, argv); }

static const struct command {
	const char *name;
	int (*run)(arena *a, int argc, char **argv);
	const char *args; /* its usage after the name */
	const char *help;
	const char *const *opts; /* the options that concern it; NULL: every one */
} commands[] = {
	{"serve", cmd_serve, "[OPTIONS]",
	 "run the server (HTTP, WebSocket) until SIGINT/SIGTERM: the --contests files and every contest "
	 "stored in PostgreSQL",
	 NULL},
	{"migrate", cmd_migrate, "[OPTIONS]", "apply the SQL migrations and exit", opts_pg},
	{"load", cmd_load, "FILE... [OPTIONS]", "validate contest files and load them into PostgreSQL",
	 opts_load},
	{"reset", cmd_reset, "CODE --yes|--if-finished [--force] [OPTIONS]",
	 "delete a contest's participants and answers, back to the lobby (running servers follow; --force "
	 "while a question is open)",
	 opts_change},
	{"archive", cmd_archive, "CODE [--force] [OPTIONS]",
	 "stop serving a contest everywhere, keeping its results (frees a place of --max-contests)",
	 opts_change},
	{"delete", cmd_delete, "CODE --yes [--force] [OPTIONS]",
	 "delete a contest with its participants and answers (running servers stop serving it)", opts_change},
	{"types", cmd_types, "[OPTIONS]",
	 "list the question types the scoring engine knows (plugins included)", opts_plugins},
	{"routes", cmd_routes, "", "print the HTTP route table as JSON (method, pattern, access, body)",
	 opts_none},
	{"messages", cmd_messages, "", "print the WebSocket message table as JSON (type, role, access)",
	 opts_none},
	{"config-doc", cmd_config_doc, "", "print the option table as Markdown", opts_none},
	{"recompute", cmd_recompute, "CODE [--json] [OPTIONS]",
	 "derive every answer's points, the totals, ranking and awards again from the stored answers and "
	 "compare them with PostgreSQL, the Redis board and the published results (exit 1 on any difference)",
	 opts_recompute},
	{"user", cmd_user,
	 "add NAME --role ROLE [--display-name TEXT] [--password-stdin] | passwd NAME [--password-stdin] | list [OPTIONS]",
	 "console accounts: the first admin, a forgotten password, the list (the password from the terminal or stdin)",
	 opts_pg},
	{"verify", cmd_verify, "FILE|ID... [--jwks FILE] [--lang en] [OPTIONS]",
	 "check a certificate offline (a PDF, a .jws/.jwt file, or an id): signature and revocation; exit 0 "
	 "valid, 1 not valid, 3 database or key file unreadable",
	 opts_pg},
};

static void usage(FILE *fp, arena *a)
{
	fprintf(fp, "usage: skillarena COMMAND [OPTIONS] [ARGS]\n\n"
		    "SkillArena: live skills contests and training quizzes.\n\ncommands "
		    "(skillarena COMMAND --help for one):\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-14s %s\n", commands[i].name, commands[i].help);
	for (const contest_cli_command *c = contest_cli_commands; c->name; c++)
		fprintf(fp, "  %-14s %s\n", c->name, c->help);
	fprintf(fp, "\noptions (also SKILLARENA_<NAME> in the environment, or --config FILE):\n");
	config_print_help(fp);
	if (a->eng || !engine_open(a)) {
		fprintf(fp, "\nquestion types:\n");
		score_engine_types(a->eng, print_type, fp);
	}
}

/* skillarena NAME --help: its usage and the options that concern it. */
static void command_usage(const char *usage_line, const char *help, const char *const *opts)
{
	printf("usage: skillarena %s\n\n%s\n", usage_line, help);
	if (!opts || opts[0]) {
		printf("\noptions (also SKILLARENA_<NAME> in the environment, or --config FILE):\n");
		config_print_help_for(stdout, opts);
	}
}

static int wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* A contest tool: --plugins is the server's option (taken out here), the rest its own. */
static int run_tool(arena *a, const contest_cli_command *cc, int argc, char **argv)
{
	char err[512];
	if (wants_help(argc, argv)) {
		command_usage(cc->usage, cc->help, opts_plugins);
		return 0;
	}
	int k = 2;
	for (int i = 2; i < argc; i++) {
		int n = 0;
		if (!strcmp(argv[i], "--plugins") && i + 1 < argc)
			n = 2;
		else if (!strncmp(argv[i], "--plugins=", 10))
			n = 1;
		if (n && config_parse_args(&a->cfg, n, argv + i, err, sizeof err) < 0) {
			fprintf(stderr, "skillarena: %s\n", err);
			return 2;
		}
		if (n) {
			i += n - 1;
			continue;
		}
		argv[k++] = argv[i];
	}
	if (engine_open(a))
		return 1;
	return cc->run(k - 1, argv + 1, a->eng);
}

int main(int argc, char **argv)
{
	arena a;
	char err[512];
	int rc = 2;

	memset(&a, 0, sizeof a);
	if (config_init(&a.cfg, err, sizeof err) || config_load_env(&a.cfg, err, sizeof err)) {
		fprintf(stderr, "skillarena: %s\n", err);
		goto out;
	}
	/* --config FILE first, so that the command line overrides the file. */
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--config")) {
			if (config_load_file(&a.cfg, argv[i + 1], err, sizeof err) ||
			    config_load_env(&a.cfg, err, sizeof err)) {
				fprintf(stderr, "skillarena: %s\n", err);
				goto out;
			}
			memmove(&argv[i], &argv[i + 2], sizeof *argv * (size_t)(argc - i - 1));
			argc -= 2;
			break;
		}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout, &a);
		rc = argc < 2 ? 2 : 0;
		goto out;
	}
	const contest_cli_command *cc = contest_cli_find(argv[1]);
	if (cc) {
		rc = run_tool(&a, cc, argc, argv);
		goto out;
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, argv[1]))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "skillarena: unknown command '%s' (see skillarena --help)\n", argv[1]);
		goto out;
	}
	if (wants_help(argc, argv)) {
		char line[256];
		snprintf(line, sizeof line, "%s %s", cmd->name, cmd->args);
		command_usage(line, cmd->help, cmd->opts);
		rc = 0;
		goto out;
	}
	int n = config_parse_args(&a.cfg, argc - 2, argv + 2, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "skillarena: %s\n", err);
		goto out;
	}
	if (config_load_secrets(&a.cfg, err, sizeof err)) {
		fprintf(stderr, "skillarena: %s\n", err);
		goto out;
	}
	int level = log_level_parse(a.cfg.log_level); /* checked by config.c */
	assert(level >= 0);
	if (!a.cfg.instance || !*a.cfg.instance) {
		char host[64] = "host", inst[96];
		gethostname(host, sizeof host - 1);
		snprintf(inst, sizeof inst, "%s-%d", host, (int)getpid());
		free(a.cfg.instance);
		if (!(a.cfg.instance = strdup(inst))) {
			fprintf(stderr, "skillarena: out of memory\n");
			goto out;
		}
	}
	log_set(level, a.cfg.instance);
	if (auth_open()) {
		fprintf(stderr, "skillarena: cannot seed the random generator\n");
		goto out;
	}
	rc = cmd->run(&a, n, argv + 2);
out:
	run_free_all(&a);
	if (a.eng)
		score_engine_free(a.eng);
	auth_close();
	config_release(&a.cfg);
	return rc;
}

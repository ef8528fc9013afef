/*
 * main.c - the skillarena command: a table of commands (serve, migrate,
 * load, types, routes, config-doc, and the contest tools of contests/cli.c),
 * the option table of config.c, and `serve`: one process, one libuv loop
 * carrying libwebsockets, hiredis and libpq.
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
#include "core/config.h"
#include "core/log.h"
#include "live/answer.h"
#include "live/events.h"
#include "live/fanout.h"
#include "live/live.h"
#include "live/player.h"
#include "live/run.h"
#include "live/tick.h"
#include "live/validate.h"
#include "net/gate.h"
#include "net/http.h"
#include "net/listen.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/migrate.h"
#include "store/store.h"

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
		return -1;
	}
	if (run_add(a, r)) {
		run_free(r);
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

/* ------------------------------------------------------------ serve */

static struct lws_protocols protocols[] = {
	{"http", http_callback, sizeof(void *), 0, 0, NULL, 0},
	{"skillarena.v1", ws_callback, sizeof(conn *), MSG_MAX, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}, /* 4.1.6 has no LWS_PROTOCOL_LIST_TERM */
};

/* The web pages (--web); the route table's mounts (/api, /healthz) come before it (net/gate.c). */
static struct lws_http_mount mount_web = {
	.mountpoint = "/",
	.mountpoint_len = 1,
	.def = "index.html",
	.origin_protocol = LWSMPRO_FILE,
	.protocol = "http", /* its callback adds the per-page headers (LWS_CALLBACK_ADD_HEADERS) */
	/* Browsers revalidate (ETag, 304) instead of refetching on factory Wi-Fi. */
	.cache_max_age = 0,
	.cache_reusable = 1,
	.cache_revalidate = 1,
};

/* Stopping: answers already received are committed and acknowledged before
 * the connections close (at most 3 s), new ones are refused with `unavailable`. */
static void on_drain(uv_timer_t *t)
{
	arena *a = t->data;
	if ((!answer_pending(a) && !store_busy(a)) || now_ms() - a->stop_ms > 3000)
		uv_stop(a->loop);
}

static void on_signal(uv_signal_t *s, int signum)
{
	arena *a = s->data;
	if (a->stopping) {
		uv_stop(a->loop); /* a second signal: stop now */
		return;
	}
	sa_log(LL_INFO, "signal %d: stopping (committing and acknowledging received answers first)", signum);
	a->stopping = 1;
	a->stop_ms = now_ms();
	listen_close(a);
	answer_flush_now(a);
	uv_timer_init(a->loop, &a->drain);
	a->drain.data = a;
	uv_timer_start(&a->drain, on_drain, 0, 10);
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static int server_run(arena *a)
{
	struct lws_context_creation_info info;
	uv_loop_t loop;
	void *foreign[1];
	int rc = 0;

	uv_loop_init(&loop);
	a->loop = &loop;
	foreign[0] = &loop;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN; /* listen.c accepts and hands connections over */
	info.protocols = protocols;
	mount_web.origin = a->cfg.web;
	gate_lws_info(a, &info, &mount_web); /* mounts, security headers, header buffer, URL limit */
	info.user = a;
	info.foreign_loops = foreign;
	info.pcontext = &a->lws; /* lws sets it NULL once its asynchronous destroy finished */
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN |
		       LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.timeout_secs = 30;
	info.ka_time = 60; /* TCP keepalive: notice phones that vanished */
	info.ka_probes = 4;
	info.ka_interval = 10;
	info.pt_serv_buf_size = 32 * 1024;
	info.fd_limit_per_thread = 0;
	/*
	 * No lws idle/validity policy: lws 4.1 re-arms a per-connection
	 * validity timer on every received frame with a sorted insert into a
	 * list of every connection (O(connections) per frame). TCP keepalive
	 * (ka_*) notices dead peers instead.
	 */
	static const lws_retry_bo_t no_validity = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};
	info.retry_and_idle_policy = &no_validity;

	a->lws = lws_create_context(&info);
	if (!a->lws) {
		sa_log(LL_ERROR, "cannot listen on port %d (libwebsockets-evlib-uv installed? port free?)",
		       a->cfg.port);
		uv_loop_close(&loop);
		return 1;
	}
	uv_signal_init(&loop, &a->sigint);
	uv_signal_init(&loop, &a->sigterm);
	a->sigint.data = a->sigterm.data = a;
	uv_signal_start(&a->sigint, on_signal, SIGINT);
	uv_signal_start(&a->sigterm, on_signal, SIGTERM);

	if (listen_open(a) || store_open(a) || lb_open(a, &events_channel) || answer_open(a) ||
	    player_open(a) || fanout_open(a) || tick_open(a)) {
		sa_log(LL_ERROR, "cannot start");
		rc = 1;
	} else {
		for (int i = 0; i < a->nruns; i++)
			run_attach(a->runs[i]);
		live_reload_all(a); /* also fetches the reveal of a contest stopped in phase reveal */
		sa_log(LL_INFO, "listening on port %d (%d contests, web %s)", a->cfg.port, a->nruns,
		       a->cfg.web);
		uv_run(&loop, UV_RUN_DEFAULT);
	}

	/* Stop: take no more input, commit what was received, then close. */
	if (a->stopping) {
		uv_timer_stop(&a->drain);
		uv_close((uv_handle_t *)&a->drain, NULL);
	}
	listen_close(a);
	lws_context_destroy(a->lws); /* closes every connection (their CLOSED callbacks run) */
	answer_flush_now(a);
	store_drain(a, 5000);
	tick_close(a);
	fanout_close(a);
	answer_close(a);
	player_close(a);
	for (int i = 0; i < a->nruns; i++)
		run_detach(a->runs[i]);
	lb_close(a);
	store_close(a);
	uv_signal_stop(&a->sigint);
	uv_signal_stop(&a->sigterm);
	uv_close((uv_handle_t *)&a->sigint, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (a->lws) /* on a foreign loop the destroy completes in a second call */
		lws_context_destroy(a->lws);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_walk(&loop, close_walk, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop))
		sa_log(LL_WARN, "event loop closed with handles still open");
	a->loop = NULL;
	sa_log(LL_INFO, "stopped");
	return rc;
}

/* ------------------------------------------------------------ commands */

static int engine_open(arena *a)
{
	char *warn = NULL;
	int rc = score_engine_new(&a->eng, a->cfg.plugins && *a->cfg.plugins ? a->cfg.plugins : NULL, &warn);
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
	if (!engine_open(a) && !load_contests(a, a->cfg.contests) &&
	    !migrate_apply(a->cfg.pg, a->cfg.sql_dir) &&
	    !migrate_load_contests(a->cfg.pg, a->runs, a->nruns)) {
		signal(SIGPIPE, SIG_IGN);
		rc = server_run(a);
	}
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
	cJSON *t = route_json(api_routes), *row;
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

static int cmd_config_doc(arena *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	(void)argv;
	config_print_doc(stdout);
	return 0;
}

/*
 * reset CODE [--yes|--if-finished]: deletes a contest's participants and
 * answers and puts it back in the lobby (for rehearsals and the demo). Run it
 * while no server serves the contest: Redis keys of the contest are deleted
 * too, and servers started afterwards rebuild them.
 */
static int cmd_reset(arena *a, int argc, char **argv)
{
	const char *code = NULL;
	int yes = 0, if_finished = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--yes"))
			yes = 1;
		else if (!strcmp(argv[i], "--if-finished"))
			yes = if_finished = 1;
		else
			code = argv[i];
	}
	if (!code || !yes) {
		fprintf(stderr, "usage: skillarena reset CODE --yes | --if-finished\n"
				"deletes every participant and answer of the contest\n");
		return 2;
	}
	char norm[17];
	if (validate_code(code, norm)) {
		fprintf(stderr, "skillarena reset: '%s' is not a contest code (4-16 letters and digits)\n",
			code);
		return 2;
	}
	return migrate_reset_contest(a->cfg.pg, a->cfg.redis, a->cfg.redis_password, a->cfg.redis_prefix,
				     norm, if_finished)
		       ? 1
		       : 0;
}

static const struct command {
	const char *name;
	int (*run)(arena *a, int argc, char **argv);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "run the server (HTTP, WebSocket) until SIGINT/SIGTERM"},
	{"migrate", cmd_migrate, "apply the SQL migrations and exit"},
	{"load", cmd_load, "validate contest files and load them into PostgreSQL"},
	{"reset", cmd_reset, "delete a contest's participants and answers, back to the lobby (--yes)"},
	{"types", cmd_types, "list the question types the scoring engine knows (plugins included)"},
	{"routes", cmd_routes, "print the HTTP route table as JSON (method, pattern, access, body)"},
	{"config-doc", cmd_config_doc, "print the option table as Markdown"},
};

static void usage(FILE *fp, arena *a)
{
	fprintf(fp, "usage: skillarena COMMAND [OPTIONS] [ARGS]\n\n"
		    "SkillArena: live skills contests and training quizzes.\n\ncommands:\n");
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
		if (engine_open(&a))
			goto out;
		rc = cc->run(argc - 1, argv + 1, a.eng);
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
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, argv[1])) {
			rc = commands[i].run(&a, n, argv + 2);
			goto out;
		}
	fprintf(stderr, "skillarena: unknown command '%s' (see skillarena --help)\n", argv[1]);
out:
	run_free_all(&a);
	if (a.eng)
		score_engine_free(a.eng);
	auth_close();
	config_release(&a.cfg);
	return rc;
}

/*
 * opts.c - the options of `loadgen run` (a table: name, help, setter) and
 * the usage text; the shared fatal error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg.h"

void lg_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "loadgen: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static lg_config *cfg; /* the one lg_opts_parse fills */

static int parse_list(const char *s, int *out, int max, const char *what)
{
	int n = 0;
	char *dup = strdup(s), *save = NULL;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *e;
		long v = strtol(t, &e, 10);
		if (*e || v <= 0 || v > 4194304)
			lg_die("bad %s '%s'", what, t);
		if (n == max)
			lg_die("too many %s (at most %d)", what, max);
		out[n++] = (int)v;
	}
	free(dup);
	if (n == 0)
		lg_die("empty %s list", what);
	return n;
}

static double parse_double(const char *s, double lo, double hi, const char *what)
{
	char *e;
	double v = strtod(s, &e);
	if (*e || e == s || v < lo || v > hi)
		lg_die("bad %s '%s' (want %g..%g)", what, s, lo, hi);
	return v;
}

static void parse_think(const char *s)
{
	double a = 0, b = 0, cap = 0;
	if (sscanf(s, "fixed:%lf", &a) == 1)
		cfg->think = (lg_think){LG_THINK_FIXED, a, a, 0};
	else if (sscanf(s, "uniform:%lf:%lf", &a, &b) == 2 && b >= a)
		cfg->think = (lg_think){LG_THINK_UNIFORM, a, b, 0};
	else if (sscanf(s, "exp:%lf:%lf", &a, &b) == 2 || sscanf(s, "exp:%lf", &a) == 1)
		cfg->think = (lg_think){LG_THINK_EXP, a, b, 0};
	else if (sscanf(s, "lognormal:%lf:%lf:%lf", &a, &b, &cap) == 3 ||
		 sscanf(s, "lognormal:%lf:%lf", &a, &b) == 2)
		cfg->think = (lg_think){LG_THINK_LOGN, a, b, cap};
	else
		lg_die("bad --think '%s' (fixed:MS, uniform:MIN:MAX, exp:MEAN[:CAP], lognormal:MEDIAN:SIGMA[:CAP])",
		       s);
	if (cap < 0)
		lg_die("bad --think '%s': negative cap", s);
	if (a < 0 || b < 0)
		lg_die("bad --think '%s': negative time", s);
}

typedef struct opt {
	const char *name;
	const char *help;
	void (*set)(const char *v);
} opt;

static void o_url(const char *v)
{
	char host[128];
	char ports[128];
	if (sscanf(v, "ws://%127[^:]:%127[0-9,]", host, ports) != 2)
		lg_die("bad --url '%s' (ws://HOST:PORT[,PORT...]/ws)", v);
	cfg->host = strdup(host);
	cfg->nports = parse_list(ports, cfg->ports, LG_MAXPORTS, "port");
	const char *slash = strchr(v + 5, '/');
	cfg->path = slash ? strdup(slash) : "/ws";
}
static void o_code(const char *v) { cfg->code = v; }
static void o_token(const char *v) { cfg->token = v; }
static void o_players(const char *v) { cfg->players = (int)parse_double(v, 1, 200000, "--players"); }
static void o_procs(const char *v) { cfg->procs = (int)parse_double(v, 1, LG_MAXPROCS, "--procs"); }
static void o_scenario(const char *v)
{
	static const char *names[] = {"live", "burst", "ramp", "exam", "mass", "saveramp"};
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(v, names[i]) == 0) {
			cfg->scenario = i;
			return;
		}
	lg_die("unknown scenario '%s' (live, burst, ramp, exam, mass, saveramp)", v);
}
static void o_questions(const char *v) { cfg->questions = (int)parse_double(v, 1, LG_MAXQ, "--questions"); }
static void o_think(const char *v) { parse_think(v); }
static void o_wrong(const char *v) { cfg->wrong = parse_double(v, 0, 1, "--wrong"); }
static void o_retry(const char *v) { cfg->retry = parse_double(v, 0, 1, "--retry"); }
static void o_reconnect(const char *v) { cfg->reconnect = parse_double(v, 0, 1, "--reconnect"); }
static void o_rates(const char *v)
{
	int r[LG_MAXQ];
	cfg->nrates = parse_list(v, r, LG_MAXQ, "rate");
	for (int i = 0; i < cfg->nrates; i++)
		cfg->rates[i] = r[i];
}
static void o_slow(const char *v) { cfg->slow_ms = parse_double(v, 0.01, 60000, "--slow-ms"); }
static void o_crate(const char *v) { cfg->connect_rate = (int)parse_double(v, 1, 1e6, "--connect-rate"); }
static void o_pids(const char *v) { cfg->npids = parse_list(v, cfg->pids, LG_MAXPORTS, "pid"); }
static void o_json(const char *v) { cfg->json = v; }
static void o_label(const char *v) { cfg->label = v; }
static void o_target(const char *v) { cfg->target = v; }
static void o_timeout(const char *v) { cfg->timeout_s = (int)parse_double(v, 1, 3600, "--timeout"); }
static void o_reveal(const char *v)
{
	cfg->reveal_wait_ms = (int)parse_double(v, 0, 60000, "--reveal-wait-ms");
}
static void o_grace(const char *v) { cfg->grace_ms = (int)parse_double(v, 0, 600000, "--grace-ms"); }
static void o_hostall(const char *v) { cfg->host_all = true; }
static void o_noscreen(const char *v) { cfg->no_screen = true; }
static void o_seed(const char *v) { cfg->seed = (unsigned)parse_double(v, 0, 4e9, "--seed"); }
static void o_change(const char *v) { cfg->change = parse_double(v, 0, 1, "--change"); }
static void o_flag(const char *v) { cfg->flag = parse_double(v, 0, 1, "--flag"); }
static void o_skip(const char *v) { cfg->skip = parse_double(v, 0, 1, "--skip"); }
static void o_scale(const char *v) { cfg->time_scale = parse_double(v, 0.01, 10000, "--time-scale"); }
static void o_arrival(const char *v) { cfg->arrival_rate = parse_double(v, 0.1, 1e6, "--arrival-rate"); }
static void o_spread(const char *v) { cfg->start_spread_ms = parse_double(v, 0, 3.6e6, "--start-spread-ms"); }
static void o_board(const char *v) { cfg->board_share = parse_double(v, 0, 1, "--board-share"); }
static void o_step(const char *v) { cfg->step_ms = (int)parse_double(v, 100, 600000, "--step-ms"); }

static const opt run_opts[] = {
	{"url", "ws://HOST:PORT[,PORT...]/ws: players spread over the ports (one per server process)", o_url},
	{"code", "contest code (must be in the lobby phase)", o_code},
	{"token", "organizer token (host role)", o_token},
	{"players", "simulated players (default 100)", o_players},
	{"procs", "worker processes (default: players/8000 rounded up)", o_procs},
	{"scenario", "live | burst | ramp; self-paced: exam | mass | saveramp (default live)", o_scenario},
	{"questions", "questions to play (default: all)", o_questions},
	{"think", "think time: fixed:MS | uniform:MIN:MAX | exp:MEAN[:CAP] (default uniform:200:2000)",
	 o_think},
	{"wrong", "share of wrong answers 0..1 (default 0.3)", o_wrong},
	{"retry", "share of answers sent again after the ack, expecting duplicate:true (default 0)", o_retry},
	{"reconnect", "share of answers after which the player drops and resumes (default 0)", o_reconnect},
	{"rates", "ramp: answers/s of each step, comma-separated", o_rates},
	{"slow-ms", "ack latency counted as slow; ramp stops when p99 exceeds it (default 100)", o_slow},
	{"connect-rate", "new connections per second, all workers (default 4000)", o_crate},
	{"server-pids", "PID[,PID...] of the server processes, for RSS and CPU", o_pids},
	{"json", "write the full result as JSON to this file", o_json},
	{"label", "scenario name in the bench: line", o_label},
	{"target", "what is measured (skillarena, echo...) for the bench: line", o_target},
	{"timeout", "give up after this many seconds (default 300)", o_timeout},
	{"reveal-wait-ms", "pause between reveal and next (default 200)", o_reveal},
	{"grace-ms", "wait this long past a question's time limit for missing acks (default 3000)", o_grace},
	{"host-all", "open a host connection on every port and send each command to all", o_hostall},
	{"no-screen", "do not open a screen connection (no freshness figure)", o_noscreen},
	{"seed", "random seed (default 1)", o_seed},
	{"change", "self-paced: share of questions answered, then changed at the end (default 0.1)",
	 o_change},
	{"flag", "self-paced: share of questions flagged, then unflagged at the end (default 0.05)", o_flag},
	{"skip", "self-paced: share of questions left unanswered (default 0.02)", o_skip},
	{"time-scale", "self-paced: think times and start spreads are divided by this (default 1)", o_scale},
	{"arrival-rate", "mass: sessions started per second, all workers (default 100)", o_arrival},
	{"start-spread-ms", "exam: attempt starts spread over this virtual time after all joined (default 0)",
	 o_spread},
	{"board-share", "mass: share of sessions reading the board over HTTP after their result (default 1)",
	 o_board},
	{"step-ms", "saveramp: length of one rate step (default 10000)", o_step},
	{NULL, NULL, NULL},
};

void lg_usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen run --url ws://127.0.0.1:PORT/ws --code CODE --token TOKEN [options]\n"
		"       loadgen mkcontest --code CODE [--questions N] [--time-limit S] [--options K]\n"
		"                         [--feedback reveal|instant]\n"
		"       loadgen mkcontest --code CODE --mode exam|mass --bank-out FILE --bank-ref PATH\n"
		"                         [--questions N] [--bank-questions N] [--duration-min M]\n\noptions of run:\n");
	for (const opt *o = run_opts; o->name; o++)
		fprintf(f, "  --%-15s %s\n", o->name, o->help);
}

void lg_opts_parse(lg_config *c, int argc, char **argv)
{
	const opt *table = run_opts;
	cfg = c;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			lg_usage(stdout);
			exit(0);
		}
		if (strncmp(a, "--", 2) != 0)
			lg_die("unexpected argument '%s'", a);
		const opt *o;
		for (o = table; o->name; o++)
			if (strcmp(a + 2, o->name) == 0)
				break;
		if (!o->name)
			lg_die("unknown option '%s' (see --help)", a);
		bool flag = o->set == o_hostall || o->set == o_noscreen;
		if (!flag && i + 1 >= argc)
			lg_die("option '%s' needs a value", a);
		o->set(flag ? "" : argv[++i]);
	}
}

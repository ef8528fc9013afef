/*
 * config.c - the option table and its parsers (file, environment, argv).
 * Adding an option is adding a row. An OPT_SECRET row holds a
 * password or token: the command line refuses it (ps shows argv to every
 * local user), a config file holding it must be private, and its *-file
 * companion is read by config_load_secrets().
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/err.h"
#include "core/log.h"

typedef enum {
	OPT_INT,    /* 0 to 1,000,000 */
	OPT_STR,    /* any text */
	OPT_BOOL,   /* yes/no, true/false, 1/0, on/off */
	OPT_LEVEL,  /* a log level name (core/log.h), kept as text */
	OPT_SECRET, /* text never taken from argv; a config file holding it must be private */
} opt_type;

static const struct option_row {
	const char *name;
	opt_type type;
	size_t offset;
	const char *def;
	const char *help;
} options[] = {
	{"port", OPT_INT, offsetof(sa_config, port), "8080", "HTTP and WebSocket port"},
	{"bind", OPT_STR, offsetof(sa_config, bind), "",
	 "IPv4 address to listen on: empty for every interface, 127.0.0.1 for this machine only"},
	{"listen-share", OPT_BOOL, offsetof(sa_config, listen_share), "no",
	 "share the port with other server processes (SO_REUSEPORT): one process per core"},
	{"pg", OPT_STR, offsetof(sa_config, pg),
	 "host=127.0.0.1 port=15432 dbname=skillarena user=skillarena",
	 "PostgreSQL connection string (libpq conninfo)"},
	{"redis", OPT_STR, offsetof(sa_config, redis), "127.0.0.1:16379", "Redis address HOST:PORT[/DB]"},
	{"redis-password-file", OPT_STR, offsetof(sa_config, redis_password_file), "",
	 "file holding the Redis password (first line; mode 0600 or 0640): sent with AUTH on every connection"},
	{"redis-password", OPT_SECRET, offsetof(sa_config, redis_password), "",
	 "the Redis password itself: config file (mode 0600) or environment only, never the command line"},
	{"redis-prefix", OPT_STR, offsetof(sa_config, redis_prefix),
	 "sa:", "prefix of every Redis key and channel (several deployments can share one Redis)"},
	{"web", OPT_STR, offsetof(sa_config, web), "web", "directory of the static web pages"},
	{"contests", OPT_STR, offsetof(sa_config, contests), "",
	 "contest files to load at start, comma-separated"},
	{"bank-dir", OPT_STR, offsetof(sa_config, bank_dir), "",
	 "directory the question banks of uploaded contests are read from: their bank paths are relative to "
	 "it and may not leave it; empty: the first --contests directory"},
	{"organizer-token-file", OPT_STR, offsetof(sa_config, organizer_token_file), "",
	 "file holding the organizer token (first line, at least 32 characters; mode 0600 or 0640)"},
	{"organizer-token", OPT_SECRET, offsetof(sa_config, organizer_token), "",
	 "the organizer token itself (at least 32 characters): config file (mode 0600) or environment only, "
	 "never the command line; with neither, a random one is written to a private file named in the log"},
	{"instance", OPT_STR, offsetof(sa_config, instance), "",
	 "name of this process in logs, stored answers and Redis (default: host-pid)"},
	{"plugins", OPT_STR, offsetof(sa_config, plugins), "",
	 "directory of scorer plugins (*.so) loaded at start; empty: the plugins directory beside the "
	 "skillarena binary, when there is one"},
	{"sql-dir", OPT_STR, offsetof(sa_config, sql_dir), "server/sql",
	 "directory of the numbered SQL migrations"},
	{"log-level", OPT_LEVEL, offsetof(sa_config, log_level), "info", "error, warn, info or debug"},
	{"public-url", OPT_STR, offsetof(sa_config, public_url), "",
	 "base URL players open, http(s)://host[:port][/path]: join links, QR codes, the WebSocket origin "
	 "allowed by default; empty: http://localhost:PORT (make run passes the LAN address)"},
	{"allowed-origins", OPT_STR, offsetof(sa_config, allowed_origins), "",
	 "origins whose pages may open a WebSocket, comma-separated (https://host[:port]), * for any; empty: "
	 "the public URL's, plus http://localhost:PORT and http://127.0.0.1:PORT unless --bind names another address"},
	{"screen-frame-ancestors", OPT_STR, offsetof(sa_config, screen_frame_ancestors), "",
	 "sites that may show the screen page in a frame (CSP frame-ancestors sources, e.g. "
	 "https://intranet.example); empty: no page may be framed"},
	{"addr-http-rate", OPT_INT, offsetof(sa_config, addr_http_rate), "1000",
	 "HTTP API requests per second per client address, sustained (0: no limit); more get 429"},
	{"addr-http-burst", OPT_INT, offsetof(sa_config, addr_http_burst), "20000",
	 "HTTP API requests a client address may make at once (a factory's phones share one NAT address)"},
	{"http-max-url", OPT_INT, offsetof(sa_config, http_max_url), "4096",
	 "longest request URL (path and query) in bytes, 256-16384: longer gets 414"},
	{"http-max-headers", OPT_INT, offsetof(sa_config, http_max_headers), "8192",
	 "most bytes of request line and header values, 2048-262144: more gets 431 (a connection's header "
	 "buffer is this plus 8 KiB; past it libwebsockets closes without a reply)"},
	{"pg-pool", OPT_INT, offsetof(sa_config, pg_pool), "4", "PostgreSQL connections per process"},
	{"commit-delay-ms", OPT_INT, offsetof(sa_config, commit_delay_ms), "2",
	 "group commit: how long an answer may wait for others to share its transaction"},
	{"commit-max", OPT_INT, offsetof(sa_config, commit_max), "1000",
	 "group commit: most answers in one transaction"},
	{"commit-interval-ms", OPT_INT, offsetof(sa_config, commit_interval_ms), "10",
	 "group commit: under load, answer commits start at most this often per process (bigger batches, less database work per answer)"},
	{"commit-inflight", OPT_INT, offsetof(sa_config, commit_inflight), "2",
	 "group commit: most answer commits on their way at once per process"},
	{"tick-ms", OPT_INT, offsetof(sa_config, tick_ms), "200",
	 "interval of coalesced leaderboard and statistics pushes"},
	{"lb-top", OPT_INT, offsetof(sa_config, lb_top), "10", "entries in pushed leaderboards"},
	{"ws-idle-s", OPT_INT, offsetof(sa_config, ws_idle_s), "60",
	 "seconds a WebSocket may stay open without join, resume, host or watch (then closed, code 4008); 0: no limit"},
	{"ws-msg-rate", OPT_INT, offsetof(sa_config, ws_msg_rate), "10",
	 "messages per second a WebSocket may send (token bucket; more get error rate_limited); 0: no limit"},
	{"ws-msg-burst", OPT_INT, offsetof(sa_config, ws_msg_burst), "20",
	 "messages a WebSocket may send at once above ws-msg-rate"},
	{"addr-conn-rate", OPT_INT, offsetof(sa_config, addr_conn_rate), "500",
	 "WebSocket connections per second from one client address, per process (more are closed, code 4029); 0: no limit"},
	{"addr-conn-burst", OPT_INT, offsetof(sa_config, addr_conn_burst), "20000",
	 "connections one client address may open at once above addr-conn-rate (a factory's phones share one NAT address)"},
	{"addr-join-rate", OPT_INT, offsetof(sa_config, addr_join_rate), "500",
	 "joins and resumes per second from one client address, per process (more get rate_limited); 0: no limit"},
	{"addr-join-burst", OPT_INT, offsetof(sa_config, addr_join_burst), "20000",
	 "joins and resumes one client address may send at once above addr-join-rate"},
	{"host-login-failures", OPT_INT, offsetof(sa_config, host_fail_per_min), "10",
	 "failed logins (console logins, host and screen keys) per minute from one client address, per process, before its logins are refused (rate_limited); 0: no limit"},
	{"max-contests", OPT_INT, offsetof(sa_config, max_contests), "100",
	 "most contests stored and not archived (every process serves each): an upload beyond it is refused "
	 "with contest_limit; archive or delete one first"},
	{"rtt-ping-ms", OPT_INT, offsetof(sa_config, rtt_ping_ms), "3000",
	 "how often the server pings each player's connection to measure its round-trip time (WebSocket "
	 "ping/pong); 0: no pings, so no answer gets a credit"},
	{"rtt-credit-max-ms", OPT_INT, offsetof(sa_config, rtt_credit_max_ms), "300",
	 "most an answer is credited for its connection's delay: it counts as received half the measured "
	 "round-trip time earlier (speed bonus and deadline), at most this; 0: no credit (docs/scoring.md)"},
	{"sync-ms", OPT_INT, offsetof(sa_config, sync_ms), "2000",
	 "how often each process re-reads the contests table (uploads, archive, delete, reset, missed states); "
	 "every 250 ms while its Redis subscriber is down"},
	{"sweep-ms", OPT_INT, offsetof(sa_config, sweep_ms), "1000",
	 "exam and mass contests: how often each process ends the attempts whose deadline has passed (whichever process started them)"},
	{"attempt-start-rate", OPT_INT, offsetof(sa_config, attempt_start_rate), "6",
	 "exam and mass contests: attempt_start messages a minute per participant connection (bursts of 3; more get rate_limited); 0: no limit"},
	{"test-clock-file", OPT_STR, offsetof(sa_config, test_clock_file), "",
	 "TESTS ONLY: a file holding a number of milliseconds added to the server clock (re-read every 50 ms), for tests of deadlines and day boundaries; never set it in production"},
	{"records-secret-file", OPT_STR, offsetof(sa_config, records_secret_file), "",
	 "file holding the secret of workers' records tokens (first line, at least 32 characters; mode 0600 "
	 "or 0640; every process of a deployment reads the same): the joined message carries the token "
	 "of the worker's ledger (GET /api/records/me); empty: no records tokens"},
	{"records-secret", OPT_SECRET, offsetof(sa_config, records_secret), "",
	 "the records secret itself: config file (mode 0600) or environment only, never the command line"},
	{"lrs-url", OPT_STR, offsetof(sa_config, lrs_url), "",
	 "xAPI: the LRS endpoint, http[s]://host[:port]/path (statements are POSTed to PATH/statements); "
	 "empty: statements wait in xapi_outbox"},
	{"lrs-ca-file", OPT_STR, offsetof(sa_config, lrs_ca_file), "/etc/ssl/certs/ca-certificates.crt",
	 "xAPI: the certificate authorities (PEM) an https LRS's certificate must chain to; its name must "
	 "match the URL's host"},
	{"lrs-auth-file", OPT_STR, offsetof(sa_config, lrs_auth_file), "",
	 "xAPI: file holding the LRS's Basic credentials as KEY:SECRET (first line; mode 0600 or 0640)"},
	{"lrs-auth", OPT_SECRET, offsetof(sa_config, lrs_auth), "",
	 "xAPI: the LRS's KEY:SECRET itself: config file (mode 0600) or environment only"},
	{"xapi-interval-ms", OPT_INT, offsetof(sa_config, xapi_interval_ms), "1000",
	 "xAPI: how often each process looks for statements to send (batches of up to 50; after a failure "
	 "the batch waits 1 s, 2 s, 4 s ... up to 5 minutes)"},
	{"session-idle-minutes", OPT_INT, offsetof(sa_config, session_idle_minutes), "480",
	 "a console session not used for this many minutes ends (log in again)"},
	{"session-max-days", OPT_INT, offsetof(sa_config, session_max_days), "7",
	 "every console session ends this many days after its login, used or not"},
	{"login-failures", OPT_INT, offsetof(sa_config, login_failures), "5",
	 "failed console logins in a row that lock the account (every process, every address); 0: never locked"},
	{"login-lock-s", OPT_INT, offsetof(sa_config, login_lock_s), "300",
	 "seconds an account stays locked after login-failures failed logins in a row"},
	{"cert-key-file", OPT_STR, offsetof(sa_config, cert_key_file), "",
	 "certificates: the private signing key (PEM, mode 0600), made at the first start when the file does "
	 "not exist (tools/run.sh: var/secrets/cert-signing-key.pem); its public key goes to signing_keys for "
	 "every process; empty: this process issues no certificates"},
	{"cert-alg", OPT_STR, offsetof(sa_config, cert_alg), "ES256",
	 "certificates: the algorithm of a signing key made at start, ES256 (ECDSA P-256) or RS256 (RSA-2048)"},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static const struct option_row *find(const char *name, size_t n)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *o = options[i].name;
		if (strlen(o) != n)
			continue;
		size_t k;
		for (k = 0; k < n; k++) {
			char ch = name[k] == '_' ? '-' : (char)tolower((unsigned char)name[k]);
			if (ch != o[k])
				break;
		}
		if (k == n)
			return &options[i];
	}
	return NULL;
}

static int set(sa_config *c, const struct option_row *o, const char *v, char *err, size_t errlen)
{
	void *p = (char *)c + o->offset;
	char *end;
	long n;

	switch (o->type) {
	case OPT_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 0 || n > 1000000) {
			snprintf(err, errlen, "option '%s': '%s' is not a number", o->name, v);
			return SA_E_INVALID_FIELD;
		}
		*(int *)p = (int)n;
		return 0;
	case OPT_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
			*(int *)p = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
			*(int *)p = 0;
		else {
			snprintf(err, errlen, "option '%s': '%s' is not yes or no", o->name, v);
			return SA_E_INVALID_FIELD;
		}
		return 0;
	case OPT_LEVEL:
		if (log_level_parse(v) < 0) {
			snprintf(err, errlen, "option '%s': '%s' is not error, warn, info or debug", o->name,
				 v);
			return SA_E_INVALID_FIELD;
		}
		/* fall through */
	case OPT_STR:
	case OPT_SECRET: {
		char *copy = strdup(v);
		if (!copy) {
			snprintf(err, errlen, "option '%s': out of memory", o->name);
			return SA_E_INTERNAL;
		}
		free(*(char **)p);
		*(char **)p = copy;
		return 0;
	}
	}
	return SA_E_INVALID_FIELD;
}

int config_init(sa_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NOPTIONS; i++) {
		int rc = set(c, &options[i], options[i].def, err, errlen);
		assert(rc != SA_E_INVALID_FIELD); /* a default that its own row refuses */
		if (rc)
			return rc;
	}
	return 0;
}

void config_release(sa_config *c)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].type == OPT_STR || options[i].type == OPT_LEVEL ||
		    options[i].type == OPT_SECRET) {
			char **p = (char **)((char *)c + options[i].offset);
			free(*p);
			*p = NULL;
		}
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* 0 if fd is a regular file that other users can neither read nor change, else -1 with why set. */
static int private_file(int fd, char *why, size_t n)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, n, "it is not a regular file");
		return -1;
	}
	if (st.st_mode & (S_IRWXO | S_IWGRP)) {
		snprintf(why, n, "its mode %04o lets other users read or change it (chmod 600 it)",
			 (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int config_load_file(sa_config *c, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return SA_E_INVALID_FIELD;
	}
	while (fgets(line, sizeof line, fp)) {
		lineno++;
		char *s = trim(line), *eq;
		if (!*s || *s == '#')
			continue;
		if (!(eq = strchr(s, '='))) {
			snprintf(err, errlen, "%s:%d: expected 'name = value'", path, lineno);
			fclose(fp);
			return SA_E_INVALID_FIELD;
		}
		*eq = '\0';
		char *name = trim(s), *value = trim(eq + 1);
		const struct option_row *o = find(name, strlen(name));
		char why[256];
		if (!o) {
			snprintf(err, errlen, "%s:%d: unknown option '%s'", path, lineno, name);
			fclose(fp);
			return SA_E_INVALID_FIELD;
		}
		if (o->type == OPT_SECRET && private_file(fileno(fp), why, sizeof why)) {
			snprintf(err, errlen, "%s:%d: holds '%s' but %s", path, lineno, o->name, why);
			fclose(fp);
			return SA_E_INVALID_FIELD;
		}
		int rc = set(c, o, value, why, sizeof why);
		if (rc) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			fclose(fp);
			return rc;
		}
	}
	fclose(fp);
	return 0;
}

/* SKILLARENA_ and the option's name, upper case, '_' for '-'. */
static void env_name(const struct option_row *o, char *env, size_t n)
{
	size_t k = (size_t)snprintf(env, n, "SKILLARENA_");
	for (const char *p = o->name; *p && k < n - 1; p++)
		env[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	env[k] = '\0';
}

int config_load_env(sa_config *c, char *err, size_t errlen)
{
	char env[64], why[256];
	for (size_t i = 0; i < NOPTIONS; i++) {
		env_name(&options[i], env, sizeof env);
		const char *v = getenv(env);
		int rc = v ? set(c, &options[i], v, why, sizeof why) : 0;
		if (rc) {
			snprintf(err, errlen, "%s: %s", env, why);
			return rc;
		}
	}
	return 0;
}

int config_parse_args(sa_config *c, int argc, char **argv, char *err, size_t errlen)
{
	int out = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			argv[out++] = argv[i];
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		const struct option_row *o = find(name, n);
		if (!o) {
			argv[out++] = argv[i];
			continue;
		}
		if (o->type == OPT_SECRET) {
			snprintf(
				err, errlen,
				"option '--%s' is refused on the command line, where every local user reads it "
				"(ps): use --%s-file FILE, the --config file or the environment",
				o->name, o->name);
			return SA_E_INVALID_FIELD;
		}
		const char *v;
		if (eq)
			v = eq + 1;
		else if (o->type == OPT_BOOL)
			v = "yes";
		else if (i + 1 < argc)
			v = argv[++i];
		else {
			snprintf(err, errlen, "option '--%s' needs a value", o->name);
			return SA_E_INVALID_FIELD;
		}
		int rc = set(c, o, v, err, errlen);
		if (rc)
			return rc;
	}
	return out;
}

/* Reads the first line of a private file (private_file) into *out. */
static int read_secret(const char *opt, const char *path, char **out, char *err, size_t errlen)
{
	char buf[1024], why[128];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "option '%s': %s: %s", opt, path, strerror(errno));
		return SA_E_INVALID_FIELD;
	}
	if (private_file(fd, why, sizeof why)) {
		snprintf(err, errlen, "option '%s': %s: %s", opt, path, why);
		close(fd);
		return SA_E_INVALID_FIELD;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "option '%s': %s: %s", opt, path, strerror(errno));
		return SA_E_INVALID_FIELD;
	}
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	if (!nl && n == (ssize_t)sizeof buf - 1) {
		snprintf(err, errlen, "option '%s': %s: the first line is longer than %zu bytes", opt, path,
			 sizeof buf - 2);
		return SA_E_INVALID_FIELD;
	}
	if (nl)
		*nl = '\0';
	char *v = trim(buf);
	if (!*v) {
		snprintf(err, errlen, "option '%s': %s: the first line is empty", opt, path);
		return SA_E_INVALID_FIELD;
	}
	free(*out);
	*out = strdup(v);
	memset(buf, 0, sizeof buf);
	return *out ? 0 : SA_E_INTERNAL;
}

int config_load_secrets(sa_config *c, char *err, size_t errlen)
{
	static const struct {
		const char *file_opt, *opt;
		size_t file, value;
	} secrets[] = {
		{"organizer-token-file", "organizer-token", offsetof(sa_config, organizer_token_file),
		 offsetof(sa_config, organizer_token)},
		{"redis-password-file", "redis-password", offsetof(sa_config, redis_password_file),
		 offsetof(sa_config, redis_password)},
		{"records-secret-file", "records-secret", offsetof(sa_config, records_secret_file),
		 offsetof(sa_config, records_secret)},
		{"lrs-auth-file", "lrs-auth", offsetof(sa_config, lrs_auth_file),
		 offsetof(sa_config, lrs_auth)},
	};
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		const char *file = *(char **)((char *)c + secrets[i].file);
		char **value = (char **)((char *)c + secrets[i].value);
		if (!file || !*file)
			continue;
		if (*value && **value) {
			snprintf(err, errlen, "both '%s' and '%s' are given: keep one", secrets[i].opt,
				 secrets[i].file_opt);
			return SA_E_INVALID_FIELD;
		}
		int rc = read_secret(secrets[i].file_opt, file, value, err, errlen);
		if (rc)
			return rc;
	}
	if (c->records_secret && *c->records_secret && strlen(c->records_secret) < 32) {
		snprintf(err, errlen, "the records secret is shorter than 32 characters");
		return SA_E_INVALID_FIELD;
	}
	return 0;
}

int config_check_token(const char *token, char *err, size_t errlen)
{
	size_t n = strlen(token);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)token[i] <= ' ' || token[i] == 0x7f) {
			snprintf(err, errlen, "the organizer token contains a space or control character");
			return SA_E_INVALID_FIELD;
		}
	if (n < CONFIG_TOKEN_MIN) {
		snprintf(
			err, errlen,
			"the organizer token is too short (%zu characters): it needs at least %d (128 bits), "
			"e.g. od -An -N16 -tx1 /dev/urandom | tr -d ' \\n' > FILE; chmod 600 FILE",
			n, CONFIG_TOKEN_MIN);
		return SA_E_INVALID_FIELD;
	}
	return 0;
}

void config_print_help_for(FILE *fp, const char *const *names)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		char left[64];
		size_t k = 0;
		while (names && names[k] && strcmp(names[k], options[i].name))
			k++;
		if (names && !names[k])
			continue;
		/* A secret has no command-line form: shown as it is written in a config file. */
		snprintf(left, sizeof left, "%s%s%s", options[i].type == OPT_SECRET ? "" : "--",
			 options[i].name,
			 options[i].type == OPT_BOOL  ? ""
			 : options[i].type == OPT_INT ? " N"
						      : " VALUE");
		fprintf(fp, "  %-26s %s (default: %s)\n", left, options[i].help,
			*options[i].def ? options[i].def : "empty");
	}
}

void config_print_help(FILE *fp) { config_print_help_for(fp, NULL); }

void config_print_doc(FILE *fp)
{
	fprintf(fp, "| option | environment | default | meaning |\n|---|---|---|---|\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		char env[64];
		env_name(&options[i], env, sizeof env);
		fprintf(fp, "| `%s%s` | `%s` | `%s` | %s |\n", options[i].type == OPT_SECRET ? "" : "--",
			options[i].name, env, options[i].def, options[i].help);
	}
}

/*
 * config.h - server configuration: one table of options (config.c), each
 * settable, in increasing priority, by its default, a config file
 * ("name = value" lines), the environment (SKILLARENA_NAME) and the command
 * line (--name value). docs/configuration.md is generated from the same table
 * by `skillarena config-doc`.
 *
 * Secrets (the organizer token, the Redis password) are never taken from the
 * command line, which every local user reads with ps: they come from a file
 * named by an option (organizer-token-file, redis-password-file) that other
 * users cannot read, from the config file (then it too must be private), or
 * from the environment (/proc/PID/environ is private to the process' user).
 */
#ifndef SKILLARENA_CORE_CONFIG_H
#define SKILLARENA_CORE_CONFIG_H

#include <stdio.h>

typedef struct sa_config {
	int port;
	char *bind;
	int listen_share;
	char *pg;
	char *redis;
	char *redis_password;
	char *redis_password_file;
	char *redis_prefix;
	char *web;
	char *contests;
	char *bank_dir;
	char *organizer_token;
	char *organizer_token_file;
	char *instance;
	char *plugins;
	char *sql_dir;
	char *log_level;
	char *public_url;
	char *allowed_origins;
	char *screen_frame_ancestors;
	int addr_http_rate;
	int addr_http_burst;
	int http_max_url;
	int http_max_headers;
	int pg_pool;
	int commit_delay_ms;
	int commit_max;
	int commit_inflight;
	int commit_interval_ms;
	int tick_ms;
	int lb_top;
	int ws_idle_s;         /* a WebSocket that takes no role in this time is closed */
	int ws_msg_rate;       /* messages per second per connection ... */
	int ws_msg_burst;      /* ... saved up to this many */
	int addr_conn_rate;    /* WebSocket connections per second per client address ... */
	int addr_conn_burst;   /* ... */
	int addr_join_rate;    /* joins and resumes per second per client address ... */
	int addr_join_burst;   /* ... */
	int host_fail_per_min; /* failed logins (console and host) per minute per address */
	int max_contests;
	int sync_ms;
	int sweep_ms;              /* self-paced: how often attempts past their deadline are ended */
	int attempt_start_rate;    /* attempt_start per minute per connection */
	char *test_clock_file;     /* tests only: milliseconds added to the server clock */
	char *records_secret;      /* the HMAC key of records tokens (api/records.c); "" none */
	char *records_secret_file; /* ... read from this file */
	char *lrs_url;             /* xAPI: the LRS endpoint (store/xapi.c); "" none */
	char *lrs_auth;            /* xAPI: KEY:SECRET for Basic */
	char *lrs_auth_file;       /* ... read from this file */
	char *lrs_ca_file;         /* xAPI: CAs (PEM) for an https LRS */
	int xapi_interval_ms;      /* xAPI: how often the outbox is looked at */
	int session_idle_minutes;  /* a console session unused this long ends */
	int session_max_days;      /* ... and any session ends this long after the login */
	int login_failures;        /* failed logins in a row that lock an account ... */
	int login_lock_s;          /* ... for this long */
	char *cert_key_file;       /* the certificate signing key (store/certkey.c) */
	char *cert_alg;            /* ... its algorithm when made at start */
	int rtt_ping_ms;           /* players' connections are pinged this often */
	int rtt_credit_max_ms;     /* most an answer is credited for its connection's delay */
} sa_config;

/* Each of these returns 0 (config_parse_args: a count), or an SA_E_* code
 * with a message in err: a value its option refuses (SA_E_INVALID_FIELD),
 * out of memory (SA_E_INTERNAL). */
int config_init(sa_config *c, char *err, size_t errlen);
void config_release(sa_config *c);
/* Applies a file; the message is "file:line: reason". */
int config_load_file(sa_config *c, const char *path, char *err, size_t errlen);
/* Applies every SKILLARENA_<NAME> set in the environment; the message names it. */
int config_load_env(sa_config *c, char *err, size_t errlen);
/*
 * Consumes the options it knows from argv (argv[0] excluded), compacting the
 * rest into argv; returns the new argc.
 */
int config_parse_args(sa_config *c, int argc, char **argv, char *err, size_t errlen);
/*
 * Reads the secrets named by the *-file options (organizer-token-file,
 * redis-password-file) into their values. A file must be a regular file that
 * other users can neither read nor change (0600 or 0640); the value is its
 * first line. Giving both a secret and its file is an error (SA_E_INVALID_FIELD).
 */
int config_load_secrets(sa_config *c, char *err, size_t errlen);
/* Shortest organizer token accepted: 128 bits as hex digits. */
#define CONFIG_TOKEN_MIN 32
/* 0 if the organizer token is long enough (and printable, no spaces), else
 * SA_E_INVALID_FIELD with err set. */
int config_check_token(const char *token, char *err, size_t errlen);
void config_print_help(FILE *fp);
/* Only the options named in names (NULL-terminated; NULL: every option). */
void config_print_help_for(FILE *fp, const char *const *names);
void config_print_doc(FILE *fp); /* Markdown table */

#endif

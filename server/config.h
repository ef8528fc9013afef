/*
 * config.h - server configuration: one table of options (config.c), each
 * settable, in increasing priority, by its default, a config file
 * ("name = value" lines), the environment (SKILLARENA_NAME) and the command
 * line (--name value). docs/configuration.md is generated from the same table
 * by `skillarena config-doc`.
 */
#ifndef SKILLARENA_CONFIG_H
#define SKILLARENA_CONFIG_H

#include <stdio.h>

typedef struct sa_config {
	int port;
	char *bind;
	int listen_share;
	char *pg;
	char *redis;
	char *redis_prefix;
	char *web;
	char *contests;
	char *organizer_token;
	char *instance;
	char *plugins;
	char *sql_dir;
	char *log_level;
	char *public_url;
	int pg_pool;
	int commit_delay_ms;
	int commit_max;
	int commit_inflight;
	int commit_interval_ms;
	int tick_ms;
	int lb_top;
} sa_config;

void config_defaults(sa_config *c);
void config_release(sa_config *c);
/* Applies a file; returns 0 or -1 with a message "file:line: reason" in err. */
int config_load_file(sa_config *c, const char *path, char *err, size_t errlen);
void config_load_env(sa_config *c);
/*
 * Consumes the options it knows from argv (argv[0] excluded), compacting the
 * rest into argv; returns the new argc, or -1 with err set.
 */
int config_parse_args(sa_config *c, int argc, char **argv, char *err, size_t errlen);
void config_print_help(FILE *fp);
void config_print_doc(FILE *fp); /* Markdown table */

#endif

/*
 * cli.h - the contest tools of the skillarena command line.
 *
 * server/main.c dispatches `skillarena <cmd> ...` by looking <cmd> up in
 * contest_cli_commands[] (argv[0] is the command name) and runs it with the
 * process's scoring engine. Commands: validate, import-bank, export-bank,
 * draw. Each returns the process exit code: 0 success, 1 when the input has
 * problems (printed to stderr as file:line:col: message or
 * file: $.path: message), 2 on a usage error.
 */
#ifndef SKILLARENA_CONTEST_CLI_H
#define SKILLARENA_CONTEST_CLI_H

#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct contest_cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const score_engine *eng);
	const char *usage;
	const char *help;
} contest_cli_command;

extern const contest_cli_command contest_cli_commands[]; /* ends with a zeroed row */

/* The row for a command name, or NULL. */
const contest_cli_command *contest_cli_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif

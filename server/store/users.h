/*
 * users.h - console accounts from the command line (`skillarena user`),
 * with blocking libpq, before any loop runs (users.c): the first admin, a
 * forgotten password, the list. Every change is written to the audit log
 * as done by "cli:<the system user>" from "local".
 */
#ifndef SKILLARENA_STORE_USERS_H
#define SKILLARENA_STORE_USERS_H

#include <stdio.h>

/*
 * The `user` command, argv after the command's name (config options taken
 * out already): add NAME --role ROLE [--display-name TEXT]
 * [--password-stdin], passwd NAME [--password-stdin], list. Applies the
 * migrations first. Returns the exit status (0, 1 failed, 2 usage).
 */
int users_command(const char *conninfo, const char *sql_dir, int argc, char **argv);

/* A new account with this Argon2id hash: 0, SA_E_CONFLICT (the username is taken, any
 * case), SA_E_UNAVAILABLE (PostgreSQL; logged). role and username are checked already. */
int users_add(const char *conninfo, const char *username, const char *display_name, const char *role,
	      const char *encoded);
/* A new password for username (its lock lifted, its sessions ended): 0, SA_E_NOT_FOUND,
 * SA_E_UNAVAILABLE. */
int users_password(const char *conninfo, const char *username, const char *encoded);
/* Prints every account, one a line (username, role, state, display name): 0 or SA_E_UNAVAILABLE. */
int users_list(const char *conninfo, FILE *out);

#endif

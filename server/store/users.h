/*
 * users.h - console accounts from the command line (`skillarena user`),
 * with blocking libpq, before any loop runs (users.c): the first admin, a
 * forgotten password, the list. Every change is written to the audit log
 * as done by "cli:<the system user>" from "local".
 */
#ifndef SKILLARENA_STORE_USERS_H
#define SKILLARENA_STORE_USERS_H

#include <stdio.h>

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

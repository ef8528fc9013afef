/*
 * prompt.h - reading a secret for a command (prompt.c): from the terminal
 * without echo (asked twice, the two must match), or the first line of
 * standard input (--password-stdin, for scripts). Never from argv, which
 * every local user reads with ps.
 */
#ifndef SKILLARENA_CORE_PROMPT_H
#define SKILLARENA_CORE_PROMPT_H

#include <stddef.h>

/*
 * Reads a secret into out (n bytes, NUL-terminated, the line's end
 * removed). from_stdin: the first line of stdin; else the controlling
 * terminal (/dev/tty) with echo off, asked with question and again with
 * "again". 0, or -1 with why (static English text).
 */
int prompt_secret(const char *question, const char *again, int from_stdin, char *out, size_t n,
		  const char **why);

#endif

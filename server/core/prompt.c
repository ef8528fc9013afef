/*
 * prompt.c - a secret from the terminal without echo (termios on
 * /dev/tty, echo restored whatever happens) or from stdin (see prompt.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/prompt.h"

/* One line from fp into out: 0, or -1 (nothing, or longer than n - 2). */
static int read_line(FILE *fp, char *out, size_t n)
{
	if (!fgets(out, (int)n, fp))
		return -1;
	size_t len = strlen(out);
	if (len && out[len - 1] != '\n' && !feof(fp))
		return -1; /* longer than the buffer */
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 0;
}

/* Asks on the terminal tty (in and out), echo off. */
static int ask(FILE *tty, const char *question, char *out, size_t n)
{
	struct termios old, quiet;
	int fd = fileno(tty), rc;
	if (tcgetattr(fd, &old))
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	fprintf(tty, "%s", question);
	fflush(tty);
	if (tcsetattr(fd, TCSAFLUSH, &quiet))
		return -1;
	rc = read_line(tty, out, n);
	tcsetattr(fd, TCSAFLUSH, &old);
	return rc;
}

int prompt_secret(const char *question, const char *again, int from_stdin, char *out, size_t n,
		  const char **why)
{
	char second[1100];
	if (from_stdin) {
		if (read_line(stdin, out, n)) {
			*why = "no password on standard input (one line, at most 1024 bytes)";
			return -1;
		}
		return 0;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty) {
		*why = "no terminal to ask the password on: give it on standard input with --password-stdin";
		return -1;
	}
	int rc = ask(tty, question, out, n);
	if (!rc && again)
		rc = ask(tty, again, second, sizeof second) ? -1 : strcmp(out, second) ? -2 : 0;
	memset(second, 0, sizeof second);
	fclose(tty);
	if (rc)
		*why = rc == -2 ? "the two passwords differ" : "no password was read from the terminal";
	return rc ? -1 : 0;
}

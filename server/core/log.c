/*
 * log.c - levelled log lines on stderr, with a UTC timestamp and the
 * instance name so that the lines of several processes can be merged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"

static int log_level = LL_INFO;
static char log_instance[64] = "skillarena";

void log_set(int level, const char *instance)
{
	log_level = level;
	if (instance && *instance)
		snprintf(log_instance, sizeof log_instance, "%s", instance);
}

int log_level_parse(const char *s)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

void sa_log(int level, const char *fmt, ...)
{
	static const char tag[] = "EWID";
	struct timespec ts;
	struct tm tm;
	char when[32], msg[2048];
	va_list ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof msg) /* a long line is cut, but not inside a character */
		msg[utf8_cut(msg, sizeof msg - 1)] = '\0';
	fprintf(stderr, "%s.%03ldZ %s %c %s\n", when, ts.tv_nsec / 1000000, log_instance,
		tag[level < 0   ? 0
		    : level > 3 ? 3
				: level],
		msg);
}

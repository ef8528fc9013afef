/*
 * log.h - one logging function with levels (Redis' serverLog in spirit).
 * Lines go to stderr: "2026-11-27T03:40:00.123Z run-1 I message".
 */
#ifndef SKILLARENA_CORE_LOG_H
#define SKILLARENA_CORE_LOG_H

enum { LL_ERROR = 0, LL_WARN = 1, LL_INFO = 2, LL_DEBUG = 3 };

void log_set(int level, const char *instance);
int log_level_parse(const char *s); /* -1 on an unknown name */
void sa_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

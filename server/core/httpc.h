/*
 * httpc.h - a plain HTTP/1.1 POST for the thread pool (httpc.c): what the
 * xAPI sender uses to reach the LRS. Blocking with timeouts (connect, send,
 * receive): never call it on the event loop. http:// only (an LRS behind
 * TLS is reached through a local proxy such as the deployment's nginx).
 */
#ifndef SKILLARENA_CORE_HTTPC_H
#define SKILLARENA_CORE_HTTPC_H

#include <stddef.h>

typedef struct httpc_url {
	char host[256];
	char port[8];
	char path[1024]; /* "/xapi" (no trailing '/'), "" for the root */
} httpc_url;

/* Parses http://host[:port][/path]: 0, or -1 with why (static English) in *why. */
int httpc_parse(const char *url, httpc_url *out, const char **why);

/*
 * POSTs body to url->path + suffix with the extra header lines (each
 * "Name: value\r\n", may be NULL). 0 with the response status in *status
 * (the body is read and dropped), or -1 with why in err (cannot connect,
 * timed out, not HTTP).
 */
int httpc_post(const httpc_url *url, const char *suffix, const char *headers, const char *ctype,
	       const char *body, size_t len, int timeout_ms, int *status, char *err, size_t errlen);

#endif

/*
 * httpc.h - a plain HTTP/1.1 POST for the thread pool (httpc.c): what the
 * xAPI sender uses to reach the LRS. Blocking with timeouts (connect, TLS
 * handshake, send, receive): never call it on the event loop. http:// and
 * https:// (mbedTLS: TLS 1.2, the server's certificate verified against the
 * CAs given and its name against the URL's host).
 */
#ifndef SKILLARENA_CORE_HTTPC_H
#define SKILLARENA_CORE_HTTPC_H

#include <stddef.h>

typedef struct httpc_url {
	int tls; /* https:// */
	char host[256];
	char port[8];
	char path[1024]; /* "/xapi" (no trailing '/'), "" for the root */
} httpc_url;

/* Parses http[s]://host[:port][/path]: 0, or -1 with why (static English) in *why. */
int httpc_parse(const char *url, httpc_url *out, const char **why);

/*
 * What an https POST needs: the CAs (read once) and a TLS configuration with
 * its random generator. Used by one httpc_post at a time (the generator is
 * not locked); the xAPI sender has one batch on its way at most.
 */
typedef struct httpc_tls httpc_tls;

/* 0, or -1 with why in err (the CA file cannot be read or holds no certificate). */
int httpc_tls_new(httpc_tls **out, const char *ca_file, char *err, size_t errlen);
void httpc_tls_free(httpc_tls *t);

/*
 * POSTs body to url->path + suffix with the extra header lines (each
 * "Name: value\r\n", may be NULL); tls is needed for an https url. 0 with
 * the response status in *status (the body is read and dropped), or -1 with
 * why in err (cannot connect, TLS refused, timed out, not HTTP).
 */
int httpc_post(const httpc_url *url, httpc_tls *tls, const char *suffix, const char *headers,
	       const char *ctype, const char *body, size_t len, int timeout_ms, int *status, char *err,
	       size_t errlen);

#endif

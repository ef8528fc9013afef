/*
 * httpc.c - a blocking HTTP/1.1 POST with timeouts (see httpc.h): connect
 * (non-blocking, then poll), for https the TLS handshake (mbedTLS over the
 * same non-blocking socket: WANT_READ/WANT_WRITE become a poll with the
 * request's deadline), the request's head and body, the head of the
 * response (its status); "Connection: close", the socket closed after.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "core/clock.h"
#include "core/httpc.h"

struct httpc_tls {
	mbedtls_x509_crt ca;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
};

int httpc_parse(const char *url, httpc_url *out, const char **why)
{
	const char *p = url, *host, *end;
	memset(out, 0, sizeof *out);
	if (!strncmp(p, "https://", 8))
		out->tls = 1;
	else if (strncmp(p, "http://", 7)) {
		*why = "the URL must begin with http:// or https://";
		return -1;
	}
	host = p + (out->tls ? 8 : 7);
	end = host + strcspn(host, ":/");
	if (end == host || (size_t)(end - host) >= sizeof out->host) {
		*why = "the URL has no host, or a host name that is too long";
		return -1;
	}
	memcpy(out->host, host, (size_t)(end - host));
	snprintf(out->port, sizeof out->port, "%s", out->tls ? "443" : "80");
	if (*end == ':') {
		const char *ps = end + 1;
		size_t n = strspn(ps, "0123456789");
		long v = n && n < 6 ? strtol(ps, NULL, 10) : 0;
		if (v < 1 || v > 65535 || (ps[n] && ps[n] != '/')) {
			*why = "the URL's port is not a number from 1 to 65535";
			return -1;
		}
		snprintf(out->port, sizeof out->port, "%ld", v);
		end = ps + n;
	}
	size_t plen = strlen(end);
	while (plen && end[plen - 1] == '/')
		plen--;
	if (plen >= sizeof out->path || strpbrk(end, " \r\n\t?#")) {
		*why = "the URL's path is too long or holds a space, a query or a fragment";
		return -1;
	}
	memcpy(out->path, end, plen);
	return 0;
}

static int wait_fd(int fd, short ev, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - now_us() / 1000;
		struct pollfd p = {fd, ev, 0};
		if (left <= 0)
			return -1;
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

static int connect_to(const httpc_url *u, int64_t deadline, char *err, size_t n)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL, *ai;
	int rc = getaddrinfo(u->host, u->port, &hints, &res), fd = -1;
	if (rc) {
		snprintf(err, n, "cannot resolve %s: %s", u->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
			soerr = errno;
		else if (wait_fd(fd, POLLOUT, deadline))
			soerr = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
			soerr = errno;
		if (soerr) {
			snprintf(err, n, "cannot connect to %s:%s: %s", u->host, u->port, strerror(soerr));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* ------------------------------------------------------------ TLS */

int httpc_tls_new(httpc_tls **out, const char *ca_file, char *err, size_t errlen)
{
	httpc_tls *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_ssl_config_init(&t->conf);
	static const unsigned char pers[] = "skillarena-httpc";
	/* A bundle may hold a certificate mbedTLS cannot read (rc > 0): the others still count. */
	int rc = mbedtls_x509_crt_parse_file(&t->ca, ca_file);
	if (rc < 0 || !t->ca.version) {
		snprintf(err, errlen, "cannot read certificate authorities from %s", ca_file);
		httpc_tls_free(t);
		return -1;
	}
	if (mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, pers, sizeof pers - 1) ||
	    mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT)) {
		snprintf(err, errlen, "cannot set up TLS");
		httpc_tls_free(t);
		return -1;
	}
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	*out = t;
	return 0;
}

void httpc_tls_free(httpc_tls *t)
{
	if (!t)
		return;
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	mbedtls_x509_crt_free(&t->ca);
	free(t);
}

/* ------------------------------------------------------------ one connection */

typedef struct conn {
	int fd;
	int64_t deadline;
	mbedtls_ssl_context *ssl; /* NULL for http:// */
} conn;

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t w = send(((conn *)ctx)->fd, buf, len, MSG_NOSIGNAL);
	if (w >= 0)
		return (int)w;
	return errno == EAGAIN || errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t r = recv(((conn *)ctx)->fd, buf, len, 0);
	if (r >= 0)
		return (int)r;
	return errno == EAGAIN || errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* After a WANT_READ/WANT_WRITE (TLS) or EAGAIN: 0 when the socket is ready again. */
static int wait_for(conn *c, int rc)
{
	return wait_fd(c->fd, rc == MBEDTLS_ERR_SSL_WANT_WRITE ? POLLOUT : POLLIN, c->deadline);
}

static int tls_start(conn *c, httpc_tls *t, const char *host, char *err, size_t n)
{
	int rc;
	c->ssl = calloc(1, sizeof *c->ssl);
	if (!c->ssl) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	mbedtls_ssl_init(c->ssl);
	if (mbedtls_ssl_setup(c->ssl, &t->conf) || mbedtls_ssl_set_hostname(c->ssl, host)) {
		snprintf(err, n, "cannot set up TLS for %s", host);
		return -1;
	}
	mbedtls_ssl_set_bio(c->ssl, c, bio_send, bio_recv, NULL);
	while ((rc = mbedtls_ssl_handshake(c->ssl))) {
		if ((rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) && !wait_for(c, rc))
			continue;
		char why[160] = "timed out";
		uint32_t flags = mbedtls_ssl_get_verify_result(c->ssl);
		if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags && flags != (uint32_t)-1) {
			mbedtls_x509_crt_verify_info(why, sizeof why, "", flags);
			why[strcspn(why, "\n")] = '\0';
		} else if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			mbedtls_strerror(rc, why, sizeof why);
		snprintf(err, n, "TLS with %s refused: %s", host, why);
		return -1;
	}
	return 0;
}

static void conn_close(conn *c)
{
	if (c->ssl) {
		mbedtls_ssl_free(c->ssl);
		free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
}

static int send_all(conn *c, const char *p, size_t len)
{
	while (len) {
		int rc;
		if (c->ssl)
			rc = mbedtls_ssl_write(c->ssl, (const unsigned char *)p, len);
		else {
			ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL);
			rc = w >= 0                              ? (int)w
			     : errno == EAGAIN || errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE
								 : MBEDTLS_ERR_NET_SEND_FAILED;
		}
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
		} else if ((rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) ||
			   wait_for(c, rc))
			return -1;
	}
	return 0;
}

/* Some bytes (> 0), 0 at the end of the stream, -1 on an error or at the deadline. */
static int recv_some(conn *c, char *buf, size_t len)
{
	for (;;) {
		int rc;
		if (c->ssl) {
			rc = mbedtls_ssl_read(c->ssl, (unsigned char *)buf, len);
			if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
				return 0;
		} else {
			ssize_t r = recv(c->fd, buf, len, 0);
			rc = r >= 0                              ? (int)r
			     : errno == EAGAIN || errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ
								 : MBEDTLS_ERR_NET_RECV_FAILED;
		}
		if (rc >= 0)
			return rc;
		if ((rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) || wait_for(c, rc))
			return -1;
	}
}

/* Reads the reply's head (up to its blank line) and its status; the body is not needed. */
static int read_status(conn *c, int *status)
{
	char buf[2048];
	size_t have = 0;
	while (have < sizeof buf - 1) {
		int r = recv_some(c, buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	buf[have] = '\0';
	return sscanf(buf, "HTTP/1.%*d %d", status) == 1 && *status >= 100 && *status <= 599 ? 0 : -1;
}

int httpc_post(const httpc_url *u, httpc_tls *tls, const char *suffix, const char *headers, const char *ctype,
	       const char *body, size_t len, int timeout_ms, int *status, char *err, size_t errlen)
{
	conn c = {.fd = -1, .deadline = now_us() / 1000 + timeout_ms};
	char *head = NULL;
	if (u->tls && !tls) {
		snprintf(err, errlen, "https without TLS set up");
		return -1;
	}
	c.fd = connect_to(u, c.deadline, err, errlen);
	if (c.fd < 0)
		return -1;
	if (u->tls && tls_start(&c, tls, u->host, err, errlen)) {
		conn_close(&c);
		return -1;
	}
	int n = asprintf(&head,
			 "POST %s%s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\nUser-Agent: SkillArena\r\n%s\r\n",
			 u->path, suffix, u->host, u->port, ctype, len, headers ? headers : "");
	int rc = n < 0 ? -1 : 0;
	errno = 0;
	if (!rc && (send_all(&c, head, (size_t)n) || send_all(&c, body, len))) {
		snprintf(err, errlen, "sending to %s:%s: %s", u->host, u->port,
			 errno ? strerror(errno) : "timed out");
		rc = -1;
	}
	if (!rc && read_status(&c, status)) {
		snprintf(err, errlen, "no HTTP reply from %s:%s within %d ms", u->host, u->port, timeout_ms);
		rc = -1;
	}
	if (!rc && c.ssl)
		mbedtls_ssl_close_notify(c.ssl);
	free(head);
	conn_close(&c);
	return rc;
}

/*
 * httpc.c - a blocking HTTP/1.1 POST with timeouts (see httpc.h): connect
 * (non-blocking, then poll), the request's head and body, the head of the
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

#include "core/clock.h"
#include "core/httpc.h"

int httpc_parse(const char *url, httpc_url *out, const char **why)
{
	const char *p = url, *host, *end;
	memset(out, 0, sizeof *out);
	if (strncmp(p, "http://", 7)) {
		*why = "the URL must begin with http:// (reach an https LRS through a local proxy)";
		return -1;
	}
	host = p + 7;
	end = host + strcspn(host, ":/");
	if (end == host || (size_t)(end - host) >= sizeof out->host) {
		*why = "the URL has no host, or a host name that is too long";
		return -1;
	}
	memcpy(out->host, host, (size_t)(end - host));
	snprintf(out->port, sizeof out->port, "80");
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

static int send_all(int fd, const char *p, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
		} else if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		else if (wait_fd(fd, POLLOUT, deadline))
			return -1;
	}
	return 0;
}

/* Reads the reply's head (up to its blank line) and its status; the body is not needed. */
static int read_status(int fd, int64_t deadline, int *status)
{
	char buf[2048];
	size_t have = 0;
	while (have < sizeof buf - 1) {
		ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
		if (r > 0) {
			have += (size_t)r;
			buf[have] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR) || wait_fd(fd, POLLIN, deadline))
			break;
	}
	buf[have] = '\0';
	return sscanf(buf, "HTTP/1.%*d %d", status) == 1 && *status >= 100 && *status <= 599 ? 0 : -1;
}

int httpc_post(const httpc_url *u, const char *suffix, const char *headers, const char *ctype,
	       const char *body, size_t len, int timeout_ms, int *status, char *err, size_t errlen)
{
	int64_t deadline = now_us() / 1000 + timeout_ms;
	char *head = NULL;
	int fd = connect_to(u, deadline, err, errlen);
	if (fd < 0)
		return -1;
	int n = asprintf(&head,
			 "POST %s%s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\nUser-Agent: SkillArena\r\n%s\r\n",
			 u->path, suffix, u->host, u->port, ctype, len, headers ? headers : "");
	int rc = n < 0 ? -1 : 0;
	if (!rc && (send_all(fd, head, (size_t)n, deadline) || send_all(fd, body, len, deadline))) {
		snprintf(err, errlen, "sending to %s:%s: %s", u->host, u->port,
			 errno ? strerror(errno) : "timed out");
		rc = -1;
	}
	if (!rc && read_status(fd, deadline, status)) {
		snprintf(err, errlen, "no HTTP reply from %s:%s within %d ms", u->host, u->port, timeout_ms);
		rc = -1;
	}
	free(head);
	close(fd);
	return rc;
}

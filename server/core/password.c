/*
 * password.c - Argon2id password hashes (see password.h for the parameters
 * and why), the rules of a new password, and a small queue in front of
 * libuv's thread pool: at most PASSWORD_PARALLEL hashes at once, the others
 * wait in order, a bounded number of them.
 *
 * Salts come from core/auth.c's generator on the loop thread (it is not
 * thread-safe); the pool only runs libargon2. Password copies are wiped
 * (explicit_bzero) as soon as they were used.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <argon2.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "core/password.h"
#include "core/utf8.h"

/* Same cost as a real hash, no password matches it (made with a random password). */
#define STR_(x) #x
#define STR(x) STR_(x)
static const char dummy_hash[] = "$argon2id$v=19$m=" STR(PASSWORD_M_COST_KIB) ",t=" STR(
	PASSWORD_T_COST) ",p=" STR(PASSWORD_LANES) "$OcGPH+R5rXbcjIbF3TZPjg$"
						   "YGq8DaXAcB25pNZEE/+knLXC/t5ufpKdFUnVQrR0TfE";

/* ------------------------------------------------------------ rules */

int password_rules(const char *password, const char *username, int lang_en, const char **why)
{
	static const char *const msgs[][2] = {
		{"密码须为 8–128 个字符，且不含控制字符",
		 "the password must be 8 to 128 characters without control characters"},
		{"密码不能与用户名相同", "the password must not be the username"},
	};
	size_t len = password ? strlen(password) : 0;
	long n = password ? utf8_count(password, len) : -1;
	int bad = n < PASSWORD_MIN_CHARS || n > PASSWORD_MAX_CHARS ? 0 : -1;
	for (size_t i = 0; bad < 0 && i < len; i++)
		if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
			bad = 0;
	if (bad < 0 && username && !strcasecmp(password, username))
		bad = 1;
	if (bad < 0)
		return 0;
	if (why)
		*why = msgs[bad][lang_en ? 1 : 0];
	return SA_E_INVALID_FIELD;
}

/* ------------------------------------------------------------ blocking */

static int hash_with_salt(const char *password, const unsigned char *salt, char *out)
{
	int rc = argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_LANES, password,
				       strlen(password), salt, PASSWORD_SALT_BYTES, PASSWORD_HASH_BYTES, out,
				       PASSWORD_ENCODED_MAX);
	if (rc != ARGON2_OK) {
		sa_log(LL_ERROR, "argon2: %s", argon2_error_message(rc));
		return SA_E_INTERNAL;
	}
	return 0;
}

int password_hash(const char *password, char *out)
{
	unsigned char salt[PASSWORD_SALT_BYTES];
	if (auth_random_bytes(salt, sizeof salt))
		return SA_E_INTERNAL;
	return hash_with_salt(password, salt, out);
}

int password_verify(const char *encoded, const char *password)
{
	if (!encoded || strncmp(encoded, "$argon2id$", 10))
		return SA_E_UNAUTHENTICATED;
	int rc = argon2id_verify(encoded, password, strlen(password));
	if (rc == ARGON2_OK)
		return 0;
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
		sa_log(LL_ERROR, "argon2: %s", argon2_error_message(rc));
		return SA_E_INTERNAL;
	}
	return SA_E_UNAUTHENTICATED; /* a mismatch, or a hash that does not decode */
}

/* ------------------------------------------------------------ the queue */

typedef struct pw_job {
	uv_work_t work;
	struct password_queue *q;
	int verify, known; /* known: a real hash to verify, not the dummy */
	char *password;
	char encoded[PASSWORD_ENCODED_MAX];
	unsigned char salt[PASSWORD_SALT_BYTES];
	int rc;
	password_cb cb;
	void *ud;
	struct pw_job *next;
} pw_job;

typedef struct password_queue {
	arena *a;
	int running, waiting, closed;
	pw_job *head, *tail; /* waiting, oldest first */
} password_queue;

int password_open(arena *a)
{
	if (a->passwords)
		return 0;
	password_queue *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	q->a = a;
	a->passwords = q;
	return 0;
}

static void job_free(pw_job *j)
{
	if (j->password) {
		explicit_bzero(j->password, strlen(j->password));
		free(j->password);
	}
	explicit_bzero(j->encoded, sizeof j->encoded);
	free(j);
}

static void on_work(uv_work_t *w)
{
	pw_job *j = w->data;
	if (j->verify) {
		j->rc = password_verify(j->encoded, j->password);
		if (!j->known && j->rc == 0)
			j->rc = SA_E_UNAUTHENTICATED; /* never: the dummy matches no password */
	} else
		j->rc = hash_with_salt(j->password, j->salt, j->encoded);
	explicit_bzero(j->password, strlen(j->password));
}

static void start_next(password_queue *q);

static void on_done(uv_work_t *w, int status)
{
	pw_job *j = w->data;
	password_queue *q = j->q;
	assert(q->running > 0);
	q->running--;
	int rc = status || q->closed ? SA_E_UNAVAILABLE : j->rc;
	j->cb(q->a, rc, !rc && !j->verify ? j->encoded : NULL, j->ud);
	job_free(j);
	if (q->closed) {
		if (!q->running)
			free(q);
		return;
	}
	start_next(q);
}

static void start_next(password_queue *q)
{
	while (q->head && q->running < PASSWORD_PARALLEL) {
		pw_job *j = q->head;
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		q->waiting--;
		j->work.data = j;
		int rc = uv_queue_work(q->a->loop, &j->work, on_work, on_done);
		assert(rc == 0); /* fails only without a work callback */
		(void)rc;
		q->running++;
	}
}

static int enqueue(arena *a, int verify, const char *encoded, const char *password, password_cb cb, void *ud)
{
	password_queue *q = a->passwords;
	if (!q || q->closed || a->stopping)
		return SA_E_UNAVAILABLE;
	if (q->waiting >= PASSWORD_QUEUE)
		return SA_E_RATE_LIMITED;
	pw_job *j = calloc(1, sizeof *j);
	if (!j || !(j->password = strdup(password ? password : ""))) {
		free(j);
		return SA_E_INTERNAL;
	}
	j->q = q;
	j->verify = verify;
	j->known = encoded != NULL;
	j->cb = cb;
	j->ud = ud;
	if (verify)
		snprintf(j->encoded, sizeof j->encoded, "%s", encoded ? encoded : dummy_hash);
	else if (auth_random_bytes(j->salt, sizeof j->salt)) {
		job_free(j);
		return SA_E_INTERNAL;
	}
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->waiting++;
	start_next(q);
	return 0;
}

int password_hash_async(arena *a, const char *password, password_cb cb, void *ud)
{
	return enqueue(a, 0, NULL, password, cb, ud);
}

int password_verify_async(arena *a, const char *encoded, const char *password, password_cb cb, void *ud)
{
	return enqueue(a, 1, encoded, password, cb, ud);
}

void password_close(arena *a)
{
	password_queue *q = a->passwords;
	if (!q)
		return;
	a->passwords = NULL;
	q->closed = 1;
	while (q->head) {
		pw_job *j = q->head;
		q->head = j->next;
		q->waiting--;
		j->cb(a, SA_E_UNAVAILABLE, NULL, j->ud);
		job_free(j);
	}
	q->tail = NULL;
	if (!q->running)
		free(q);
}

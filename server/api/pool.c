/*
 * pool.c - a request's heavy step on libuv's thread pool (see pool.h).
 */
#include <stdlib.h>

#include <uv.h>

#include "api/pool.h"
#include "core/err.h"

typedef struct pool_job {
	uv_work_t w;
	http_req *req;
	api_work_fn work;
	api_after_fn after;
	void *ud;
} pool_job;

static void pool_work(uv_work_t *w)
{
	pool_job *j = w->data;
	j->work(j->ud);
}

static void pool_after(uv_work_t *w, int status)
{
	pool_job *j = w->data;
	(void)status; /* never cancelled */
	j->after(j->req, j->ud);
	http_req_unref(j->req);
	free(j);
}

int api_pool(http_req *req, api_work_fn work, api_after_fn after, void *ud)
{
	pool_job *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	*j = (pool_job){.req = req, .work = work, .after = after, .ud = ud};
	j->w.data = j;
	http_req_ref(req);
	if (uv_queue_work(http_arena(req)->loop, &j->w, pool_work, pool_after)) {
		http_req_unref(req);
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

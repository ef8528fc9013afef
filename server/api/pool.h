/*
 * pool.h - a request's heavy step on libuv's thread pool (pool.c): a
 * poster rendered, a workbook written, a file read. work(ud) runs on a pool
 * thread and must not touch the request or the loop; after(req, ud) runs
 * back on the loop and answers. The request is referenced in between (its
 * connection may close: the answer is then dropped).
 */
#ifndef SKILLARENA_API_POOL_H
#define SKILLARENA_API_POOL_H

#include "net/http.h"

typedef void (*api_work_fn)(void *ud);
typedef void (*api_after_fn)(http_req *req, void *ud);

/* 0 (after will be called), or SA_E_INTERNAL (nothing was queued; ud is the caller's). */
int api_pool(http_req *req, api_work_fn work, api_after_fn after, void *ud);

#endif

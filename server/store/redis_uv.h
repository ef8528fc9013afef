/* redis_uv.h - hiredis async contexts on a libuv loop (redis_uv.c). */
#ifndef SKILLARENA_STORE_REDIS_UV_H
#define SKILLARENA_STORE_REDIS_UV_H

#include <hiredis/async.h>
#include <uv.h>

/* Like hiredis' redisLibuvAttach; REDIS_OK or REDIS_ERR. */
int redis_uv_attach(redisAsyncContext *ac, uv_loop_t *loop);
/* Writes what is queued now rather than at the next loop iteration. */
void redis_uv_flush(redisAsyncContext *ac);

#endif

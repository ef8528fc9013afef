/*
 * bulk.c - issuing a batch of certificates on worker threads.
 *
 * The calling thread first gives every record without an id a fresh one and
 * checks every record: one bad record refuses the whole batch before anything
 * is signed or written (the caller gets its index and reason). Then
 * `threads` workers, each with its own certs_signer (key copy + DRBG) and
 * certs_renderer (font map, pango context, seal), take records in small
 * chunks from a shared counter: sign the JWS, sign the OB 3.0 VC-JWT when
 * asked, render the PDF, write ID.pdf / ID.jws / ID.ob3.jwt under out_dir,
 * and hand everything to the emit callback. The first failure stops the
 * batch. The optional print PDF (every certificate, in order, one document)
 * is rendered afterwards by the calling thread.
 *
 * The server runs this from libuv's thread pool (uv_queue_work), never on
 * its event loop; progress callbacks come from the workers, serialized.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs_int.h"

#define CHUNK 8

typedef struct bulk {
	const certs_key *key;
	const certs_template *t;
	certs_record *recs;
	size_t n;
	const certs_bulk_opts *o;
	pthread_mutex_t lock;
	size_t next;  /* first record not yet taken */
	size_t done;  /* records finished */
	size_t shown; /* progress already reported */
	int stop;     /* a failure: take no more */
	certs_bulk_stats stats;
} bulk;

typedef struct worker {
	pthread_t th;
	bulk *b;
	certs_signer *signer;
	certs_renderer *renderer;
	int started;
} worker;

static int write_file(const char *dir, const char *id, const char *ext, const void *data, size_t len)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s%s", dir, id, ext) < 0)
		return CERTS_E_NOMEM;
	FILE *f = fopen(path, "wb");
	int rc = f && fwrite(data, 1, len, f) == len ? CERTS_OK : CERTS_E_IO;
	if (f && fclose(f) != 0)
		rc = CERTS_E_IO;
	free(path);
	return rc;
}

/* Signs, renders, writes and emits one certificate. */
static int issue_one(worker *w, size_t i, size_t *pdf_len)
{
	const bulk *b = w->b;
	const certs_bulk_opts *o = b->o;
	certs_record *r = &b->recs[i];
	char *jws = NULL, *vc = NULL;
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rc = certs_sign_record(w->signer, r, &jws);
	if (rc == CERTS_OK && o->ob3)
		rc = certs_sign_ob3(w->signer, r, o->ob3, &vc);
	if (rc == CERTS_OK && !o->no_pdf)
		rc = certs_render_pdf(w->renderer, r, jws, &pdf, &len);
	if (rc == CERTS_OK && o->out_dir) {
		if (pdf)
			rc = write_file(o->out_dir, r->id, ".pdf", pdf, len);
		if (rc == CERTS_OK)
			rc = write_file(o->out_dir, r->id, ".jws", jws, strlen(jws));
		if (rc == CERTS_OK && vc)
			rc = write_file(o->out_dir, r->id, ".ob3.jwt", vc, strlen(vc));
	}
	if (rc == CERTS_OK && o->emit && o->emit(i, r, jws, vc, pdf, len, o->ud))
		rc = CERTS_E_INVALID; /* the caller stopped the batch */
	*pdf_len = len;
	free(jws);
	free(vc);
	free(pdf);
	return rc;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	bulk *b = w->b;
	for (;;) {
		pthread_mutex_lock(&b->lock);
		size_t first = b->next,
		       last = b->stop ? first : (first + CHUNK < b->n ? first + CHUNK : b->n);
		b->next = last;
		pthread_mutex_unlock(&b->lock);
		if (first >= last)
			break;
		for (size_t i = first; i < last; i++) {
			size_t len = 0;
			int rc = issue_one(w, i, &len);
			pthread_mutex_lock(&b->lock);
			if (rc) {
				if (!b->stats.failed++) {
					b->stats.first_error = rc;
					b->stats.first_index = i;
				}
				b->stop = 1;
			} else {
				b->stats.issued++;
				b->stats.pdf_bytes += len;
			}
			b->done++;
			if (b->o->progress && (b->done == b->n || b->done - b->shown >= (b->n + 99) / 100)) {
				b->shown = b->done;
				b->o->progress(b->done, b->n, b->o->ud);
			}
			int stop = b->stop;
			pthread_mutex_unlock(&b->lock);
			if (stop)
				return NULL;
		}
	}
	return NULL;
}

/* Assigns missing ids and checks every record (the calling thread). */
static int prepare(const certs_key *key, certs_record *recs, size_t n, certs_bulk_stats *st)
{
	certs_signer *s = NULL;
	int rc = certs_signer_new(&s, key);
	for (size_t i = 0; rc == CERTS_OK && i < n; i++) {
		if (!recs[i].id[0])
			rc = certs_record_new_id(s, &recs[i]);
		if (rc == CERTS_OK)
			rc = certs_record_check(&recs[i], NULL);
		if (rc) {
			st->failed = 1;
			st->first_error = rc;
			st->first_index = i;
		}
	}
	certs_signer_free(s);
	return rc;
}

static int print_document(const certs_template *t, const certs_record *recs, size_t n, const char *path)
{
	certs_renderer *r = NULL;
	int rc = certs_renderer_new(&r, t);
	if (rc == CERTS_OK)
		rc = certs_render_doc_begin(r, path);
	for (size_t i = 0; rc == CERTS_OK && i < n; i++)
		rc = certs_render_doc_page(r, &recs[i]);
	if (r && rc == CERTS_OK)
		rc = certs_render_doc_end(r);
	certs_renderer_free(r);
	return rc;
}

int certs_bulk_issue(const certs_key *key, const certs_template *t, certs_record *recs, size_t n,
		     const certs_bulk_opts *o, certs_bulk_stats *stats)
{
	certs_bulk_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (!key || !t || (!recs && n) || !o || o->threads < 1 || o->threads > 256)
		return CERTS_E_INVALID;
	int rc = prepare(key, recs, n, stats);
	if (rc)
		return rc;
	bulk b = {.key = key, .t = t, .recs = recs, .n = n, .o = o};
	pthread_mutex_init(&b.lock, NULL);
	int nw = (size_t)o->threads < n ? o->threads : (n ? (int)n : 1);
	worker *w = calloc((size_t)nw, sizeof *w);
	if (!w)
		rc = CERTS_E_NOMEM;
	/* Every worker's state is made here, before any thread runs. */
	for (int i = 0; rc == CERTS_OK && i < nw; i++) {
		w[i].b = &b;
		rc = certs_signer_new(&w[i].signer, key);
		if (rc == CERTS_OK && !o->no_pdf)
			rc = certs_renderer_new(&w[i].renderer, t);
	}
	for (int i = 0; rc == CERTS_OK && i < nw; i++) {
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0) {
			pthread_mutex_lock(&b.lock);
			b.stop = 1;
			pthread_mutex_unlock(&b.lock);
			rc = CERTS_E_NOMEM;
			break;
		}
		w[i].started = 1;
	}
	for (int i = 0; w && i < nw; i++) {
		if (w[i].started)
			pthread_join(w[i].th, NULL);
		certs_signer_free(w[i].signer);
		certs_renderer_free(w[i].renderer);
	}
	free(w);
	pthread_mutex_destroy(&b.lock);
	*stats = b.stats;
	if (rc == CERTS_OK && stats->failed)
		rc = stats->first_error;
	if (rc == CERTS_OK && o->print_pdf)
		rc = print_document(t, recs, n, o->print_pdf);
	return rc;
}

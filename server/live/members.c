/*
 * members.c - who is in each contest on this process: every connection of a
 * contest (any role) in one list, and its players also in an open-addressing
 * table by participant id (resume on another connection, reveal ranks).
 *
 * A connection's c->run holds a reference to its contest (live/run.h) from
 * members_add until members_leave (its socket closed), also while it is no
 * longer listed (replaced, or its contest retired): replies in flight still
 * read it.
 */
#include <assert.h>
#include <stdlib.h>

#include "core/err.h"
#include "live/members.h"
#include "live/run.h"
#include "net/ws.h"

static size_t ptab_slot(const crun *r, int64_t pid)
{
	uint64_t h = (uint64_t)pid * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (r->pcap - 1);
}

static void ptab_put(crun *r, conn *c);

static int ptab_grow(crun *r)
{
	size_t cap = r->pcap ? r->pcap * 2 : 64;
	conn **tab = calloc(cap, sizeof *tab), **old = r->ptab;
	size_t oldcap = r->pcap;
	if (!tab)
		return SA_E_INTERNAL;
	r->ptab = tab;
	r->pcap = cap;
	r->pcount = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			ptab_put(r, old[i]);
	free(old);
	return 0;
}

static void ptab_put(crun *r, conn *c)
{
	/* Half full at most; out of memory, fuller, but a free slot always ends a probe.
	 * With none left, c is not found by its id (its pushes still reach it). */
	if ((r->pcount + 1) * 2 > r->pcap && ptab_grow(r) && r->pcount + 2 > r->pcap)
		return;
	size_t i = ptab_slot(r, c->pid);
	while (r->ptab[i] && r->ptab[i]->pid != c->pid)
		i = (i + 1) & (r->pcap - 1);
	if (!r->ptab[i])
		r->pcount++;
	r->ptab[i] = c;
	assert(r->pcount < r->pcap);
}

static void ptab_del(crun *r, int64_t pid)
{
	if (!r->pcap)
		return;
	size_t i = ptab_slot(r, pid);
	while (r->ptab[i] && r->ptab[i]->pid != pid)
		i = (i + 1) & (r->pcap - 1);
	if (!r->ptab[i])
		return;
	r->ptab[i] = NULL;
	r->pcount--;
	/* Re-insert the rest of the cluster (linear probing deletion). */
	for (size_t j = (i + 1) & (r->pcap - 1); r->ptab[j]; j = (j + 1) & (r->pcap - 1)) {
		conn *c = r->ptab[j];
		r->ptab[j] = NULL;
		r->pcount--;
		ptab_put(r, c);
	}
}

conn *members_find_player(crun *r, int64_t pid)
{
	if (!r->pcap)
		return NULL;
	for (size_t i = ptab_slot(r, pid); r->ptab[i]; i = (i + 1) & (r->pcap - 1))
		if (r->ptab[i]->pid == pid)
			return r->ptab[i];
	return NULL;
}

void members_add(crun *r, conn *c)
{
	assert(!c->listed);
	c->listed = 1;
	if (c->run != r) {
		run_ref(r);
		if (c->run)
			run_unref(c->run);
		c->run = r;
	}
	c->fan = &r->fan;
	c->fan_seen = r->fan.gen; /* its snapshot includes the push in progress */
	c->prev = NULL;
	c->next = r->members;
	if (r->members)
		r->members->prev = c;
	r->members = c;
	if (c->role == ROLE_PLAYER) {
		r->nplayers_local++;
		ptab_put(r, c);
	} else
		r->nviewers_local++;
	if (c->role == ROLE_HOST)
		r->nhosts_local++;
	r->stats_dirty = 1;
}

/* Safe to call twice: a replaced player's connection is removed when it is
 * replaced and again when its socket closes. */
void members_remove(crun *r, conn *c)
{
	if (c->run != r || !c->listed)
		return;
	c->listed = 0;
	if (r->fan_cursor == c)
		r->fan_cursor = c->next;
	if (c->prev)
		c->prev->next = c->next;
	else
		r->members = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	if (c->role == ROLE_PLAYER) {
		r->nplayers_local--;
		if (members_find_player(r, c->pid) == c)
			ptab_del(r, c->pid);
	} else if (c->role != ROLE_NONE)
		r->nviewers_local--;
	if (c->role == ROLE_HOST)
		r->nhosts_local--;
	assert(r->nplayers_local >= 0 && r->nviewers_local >= 0 && r->nhosts_local >= 0);
	r->stats_dirty = 1;
	/* c->run stays set: in-flight replies still know the contest. */
}

void members_leave(conn *c)
{
	crun *r = c->run;
	if (!r)
		return;
	members_remove(r, c);
	c->run = NULL;
	c->fan = NULL;
	run_unref(r);
}

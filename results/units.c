/*
 * units.c - the unit tree of an enterprise (公司/分厂/车间/班组) with its
 * headcount from the roster, its participants and its awards, each rolled up
 * from the 班组 to the 公司: the participation-rate board and the award
 * counts by unit.
 *
 * A unit is its path; every prefix of a path is a unit too. Paths are
 * normalized (segments trimmed, '／' read as '/'), so "公司 / 一分厂" and
 * "公司/一分厂" are one unit. The tree is built in one pass over the roster
 * and the participants with a hash of paths; since a unit is always created
 * after its parent, totals roll up in one backwards pass; the output is the
 * tree in pre-order with children in the order they were first met.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"

/* ---------- paths ---------- */

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0; }

int results__unit_norm(const char *in, char **out)
{
	*out = NULL;
	if (!results__utf8_ok(in))
		return RESULTS_E_UTF8;
	rbuf b = {0};
	size_t i = 0;
	int empty = 0, last = 0;
	while (!last) {
		/* one segment, up to '/', '／' or the end, without its outer spaces */
		size_t start = i, end = i;
		int lead = 1;
		last = 1;
		while (in[i]) {
			uint32_t cp = results__utf8_next(in, &i);
			if (cp == '/' || cp == 0xFF0F) {
				last = 0;
				break;
			}
			if (!is_space(cp)) {
				lead = 0;
				end = i;
			} else if (lead) {
				start = i;
			}
		}
		empty |= lead;
		if (b.len)
			rbuf_put(&b, "/", 1);
		rbuf_put(&b, in + start, lead ? 0 : end - start);
	}
	if (empty) {
		rbuf_free(&b);
		return RESULTS_E_DATA;
	}
	*out = rbuf_take(&b);
	return *out ? RESULTS_OK : RESULTS_E_NOMEM;
}

int results_unit_norm(const char *path, char **out) { return results__unit_norm(path, out); }

/* ---------- the tree under construction ---------- */

typedef struct node {
	char *path;
	long parent;
	int depth;
	int64_t headcount, participants, awards[RESULTS_MAX_TIERS], participation;
	bool listed, unlisted;
	long first_child, last_child, next;
	long roster_row; /* the roster row that listed it, -1 */
} node;

typedef struct tree {
	node *v;
	size_t n, cap;
	long *hash; /* open addressing, -1 empty */
	size_t hcap;
} tree;

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static long find(const tree *t, const char *s, size_t n, size_t *slot)
{
	size_t i = (size_t)fnv(s, n) & (t->hcap - 1);
	while (t->hash[i] >= 0) {
		const node *x = &t->v[t->hash[i]];
		if (strlen(x->path) == n && memcmp(x->path, s, n) == 0)
			return t->hash[i];
		i = (i + 1) & (t->hcap - 1);
	}
	*slot = i;
	return -1;
}

static int rehash(tree *t)
{
	size_t cap = t->hcap ? t->hcap * 2 : 64;
	long *h = malloc(cap * sizeof *h);
	if (!h)
		return RESULTS_E_NOMEM;
	free(t->hash);
	t->hash = h;
	t->hcap = cap;
	for (size_t i = 0; i < cap; i++)
		h[i] = -1;
	for (size_t k = 0; k < t->n; k++) {
		size_t slot;
		find(t, t->v[k].path, strlen(t->v[k].path), &slot);
		h[slot] = (long)k;
	}
	return RESULTS_OK;
}

/* The node of path[0..n), created with its parent when missing; -1 when out of memory. */
static long intern(tree *t, const char *path, size_t n, long parent, int depth)
{
	if ((t->n + 1) * 2 > t->hcap && rehash(t) < 0)
		return -1;
	size_t slot;
	long k = find(t, path, n, &slot);
	if (k >= 0)
		return k;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		node *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	node *x = &t->v[t->n];
	memset(x, 0, sizeof *x);
	x->path = strndup(path, n);
	if (!x->path)
		return -1;
	x->parent = parent;
	x->depth = depth;
	x->first_child = x->last_child = x->next = x->roster_row = -1;
	if (parent >= 0) {
		node *p = &t->v[parent];
		if (p->last_child >= 0)
			t->v[p->last_child].next = (long)t->n;
		else
			p->first_child = (long)t->n;
		p->last_child = (long)t->n;
	}
	t->hash[slot] = (long)t->n;
	return (long)t->n++;
}

/* The node of a normalized path, with every prefix; -1 when out of memory. */
static long add_path(tree *t, const char *path)
{
	long parent = -1;
	int depth = 0;
	for (const char *p = path;; p++) {
		if (*p == '/' || *p == '\0') {
			parent = intern(t, path, (size_t)(p - path), parent, depth++);
			if (parent < 0 || *p == '\0')
				return parent;
		}
	}
}

static void tree_free(tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	free(t->hash);
}

/* ---------- building ---------- */

static int add_roster(tree *t, const results_roster_row *r, size_t n, char **err)
{
	for (size_t i = 0; i < n; i++) {
		char *p = NULL;
		int rc = r[i].unit ? results__unit_norm(r[i].unit, &p) : RESULTS_E_DATA;
		if (rc == RESULTS_E_NOMEM)
			return rc;
		if (rc < 0)
			return results__errf(err, rc, "roster[%zu].unit: %s", i,
					     rc == RESULTS_E_UTF8 ? "not valid UTF-8" : "empty unit name");
		if (r[i].headcount < 0) {
			free(p);
			return results__errf(err, RESULTS_E_DATA, "roster[%zu].headcount: must be >= 0", i);
		}
		long k = add_path(t, p);
		free(p);
		if (k < 0)
			return RESULTS_E_NOMEM;
		if (t->v[k].roster_row >= 0)
			return results__errf(err, RESULTS_E_DATA,
					     "roster[%zu].unit: '%s' is listed twice (roster[%ld])", i,
					     t->v[k].path, t->v[k].roster_row);
		t->v[k].roster_row = (long)i;
		t->v[k].headcount = r[i].headcount;
		for (long a = k; a >= 0; a = t->v[a].parent)
			t->v[a].listed = true;
	}
	return RESULTS_OK;
}

static int add_members(tree *t, const results_member *m, size_t n, size_t *unassigned, char **err)
{
	for (size_t i = 0; i < n; i++) {
		if (!m[i].unit || !*m[i].unit) {
			(*unassigned)++;
			continue;
		}
		char *p = NULL;
		int rc = results__unit_norm(m[i].unit, &p);
		if (rc == RESULTS_E_NOMEM)
			return rc;
		if (rc < 0)
			return results__errf(err, rc, "members[%zu].unit: %s", i,
					     rc == RESULTS_E_UTF8 ? "not valid UTF-8" : "empty unit name");
		long k = add_path(t, p);
		free(p);
		if (k < 0)
			return RESULTS_E_NOMEM;
		node *x = &t->v[k];
		x->participants++;
		if (m[i].tier >= 0 && m[i].tier < RESULTS_MAX_TIERS)
			x->awards[m[i].tier]++;
		else if (m[i].tier == RESULTS_TIER_PARTICIPATION)
			x->participation++;
	}
	return RESULTS_OK;
}

/* Rolls up (children come after their parents) and writes the tree in pre-order. */
static int emit(tree *t, results_units *out)
{
	for (size_t k = t->n; k-- > 0;) {
		node *x = &t->v[k];
		x->unlisted = !x->listed;
		if (x->parent < 0)
			continue;
		node *p = &t->v[x->parent];
		p->headcount += x->headcount;
		p->participants += x->participants;
		p->participation += x->participation;
		for (int j = 0; j < RESULTS_MAX_TIERS; j++)
			p->awards[j] += x->awards[j];
	}
	out->u = calloc(t->n ? t->n : 1, sizeof *out->u);
	long *stack = malloc((t->n ? t->n : 1) * sizeof *stack),
	     *newidx = malloc((t->n ? t->n : 1) * sizeof *newidx);
	if (!out->u || !stack || !newidx) {
		free(stack);
		free(newidx);
		return RESULTS_E_NOMEM;
	}
	size_t sp = 0, o = 0;
	for (long k = (long)t->n - 1; k >= 0; k--) /* roots, pushed last-first */
		if (t->v[k].parent < 0)
			stack[sp++] = k;
	while (sp) {
		long k = stack[--sp];
		node *x = &t->v[k];
		results_unit *u = &out->u[o];
		newidx[k] = (long)o++;
		u->path = x->path;
		x->path = NULL;
		const char *slash = strrchr(u->path, '/');
		u->name = slash ? slash + 1 : u->path;
		u->depth = x->depth;
		u->parent = x->parent >= 0 ? newidx[x->parent] : -1;
		u->headcount = x->headcount;
		u->participants = x->participants;
		u->rate = x->headcount > 0 ? (double)x->participants / (double)x->headcount : NAN;
		u->unlisted = x->unlisted;
		memcpy(u->awards, x->awards, sizeof u->awards);
		u->participation = x->participation;
		size_t mark = sp; /* the children, the first on top */
		for (long c = x->first_child; c >= 0; c = t->v[c].next)
			stack[sp++] = c;
		for (size_t lo = mark, hi = sp; hi > lo + 1; lo++, hi--) {
			long tmp = stack[lo];
			stack[lo] = stack[hi - 1];
			stack[hi - 1] = tmp;
		}
	}
	out->n = o;
	free(stack);
	free(newidx);
	return RESULTS_OK;
}

int results_units_build(const results_roster_row *roster, size_t nroster, const results_member *m, size_t nm,
			results_units *out, char **err)
{
	if (!out || (nroster && !roster) || (nm && !m))
		return RESULTS_E_INVALID;
	memset(out, 0, sizeof *out);
	tree t = {0};
	int rc = rehash(&t);
	if (rc == RESULTS_OK)
		rc = add_roster(&t, roster, nroster, err);
	if (rc == RESULTS_OK)
		rc = add_members(&t, m, nm, &out->unassigned, err);
	if (rc == RESULTS_OK)
		rc = emit(&t, out);
	tree_free(&t);
	if (rc < 0)
		results_units_release(out);
	return rc;
}

void results_units_release(results_units *u)
{
	for (size_t i = 0; u->u && i < u->n; i++)
		free(u->u[i].path);
	free(u->u);
	memset(u, 0, sizeof *u);
}

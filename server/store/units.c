/*
 * units.c - the unit tree with headcounts per subtree (see units.h).
 *
 * PostgreSQL counts the active workers of each unit (one GROUP BY); the
 * subtree counts are summed here, deepest units first, each adding its
 * total to its parent's: O(n log n) for n units, whatever the number of
 * workers. Parents are found by id through a sorted index, so the order of
 * the rows does not matter for the sums (it is kept for the JSON).
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"
#include "store/units.h"

void units_release(unit_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->rows[i].name);
		free(l->rows[i].path);
	}
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}

static int depth_of(const char *path)
{
	int d = 1;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

int units_read(const void *res, int joined_col, unit_list *out)
{
	int n = PQntuples(res);
	memset(out, 0, sizeof *out);
	if (n <= 0)
		return 0;
	if (!(out->rows = calloc((size_t)n, sizeof *out->rows)))
		return SA_E_INTERNAL;
	for (int i = 0; i < n; i++) {
		unit_row *u = &out->rows[out->n];
		const char *name = store_text(res, i, 2), *path = store_text(res, i, 3);
		u->parent = 0;
		if (store_int(res, i, 0, 1, INT64_MAX, &u->id) || !name || !path ||
		    (store_text(res, i, 1) && store_int(res, i, 1, 1, INT64_MAX, &u->parent)) ||
		    store_int(res, i, 4, 0, INT64_MAX, &u->own) ||
		    (joined_col && store_int(res, i, joined_col, 0, INT64_MAX, &u->own_joined))) {
			sa_log(LL_WARN, "units: row %d is malformed", i);
			units_release(out);
			return SA_E_INVALID_FIELD;
		}
		if (!(u->name = strdup(name)) || !(u->path = strdup(path))) {
			free(u->name);
			units_release(out);
			return SA_E_INTERNAL;
		}
		u->depth = depth_of(path);
		out->n++;
	}
	return 0;
}

/* ------------------------------------------------------------ sums */

typedef struct by_id {
	int64_t id;
	size_t at;
} by_id;

static int cmp_id(const void *a, const void *b)
{
	int64_t x = ((const by_id *)a)->id, y = ((const by_id *)b)->id;
	return (x > y) - (x < y);
}

static int cmp_depth(const void *a, const void *b, void *ud)
{
	const unit_list *l = ud;
	int x = l->rows[*(const size_t *)a].depth, y = l->rows[*(const size_t *)b].depth;
	return (y > x) - (y < x); /* deepest first */
}

/* The sorted id index of l (malloc'ed), or NULL. */
static by_id *index_of(const unit_list *l)
{
	by_id *ix = malloc((l->n ? l->n : 1) * sizeof *ix);
	if (!ix)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		ix[i] = (by_id){l->rows[i].id, i};
	qsort(ix, l->n, sizeof *ix, cmp_id);
	return ix;
}

static long find_in(const by_id *ix, size_t n, int64_t id)
{
	by_id key = {id, 0};
	const by_id *f = id ? bsearch(&key, ix, n, sizeof *ix, cmp_id) : NULL;
	return f ? (long)f->at : -1;
}

long units_find(const unit_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].id == id)
			return (long)i;
	return -1;
}

void units_rollup(unit_list *l)
{
	by_id *ix = index_of(l);
	size_t *order = malloc((l->n ? l->n : 1) * sizeof *order);
	for (size_t i = 0; i < l->n; i++) {
		l->rows[i].headcount = l->rows[i].own;
		l->rows[i].joined = l->rows[i].own_joined;
	}
	if (!ix || !order) { /* out of memory: own counts only (logged) */
		sa_log(LL_ERROR, "units: out of memory summing %zu units", l->n);
		free(ix);
		free(order);
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		order[i] = i;
	qsort_r(order, l->n, sizeof *order, cmp_depth, l);
	for (size_t k = 0; k < l->n; k++) {
		const unit_row *u = &l->rows[order[k]];
		long p = find_in(ix, l->n, u->parent);
		if (p >= 0 && l->rows[p].depth < u->depth) { /* a parent is shallower: no loop */
			l->rows[p].headcount += u->headcount;
			l->rows[p].joined += u->joined;
		}
	}
	free(ix);
	free(order);
}

/* ------------------------------------------------------------ JSON */

static cJSON *unit_json(const unit_row *u, int with_joined)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	if (u->parent)
		cJSON_AddNumberToObject(o, "parent_id", (double)u->parent);
	else
		cJSON_AddNullToObject(o, "parent_id");
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "path", u->path);
	cJSON_AddNumberToObject(o, "depth", u->depth);
	cJSON_AddNumberToObject(o, "headcount", (double)u->headcount);
	cJSON_AddNumberToObject(o, "workers", (double)u->own);
	if (with_joined)
		cJSON_AddNumberToObject(o, "joined", (double)u->joined);
	return o;
}

cJSON *units_flat_json(const unit_list *l, int with_joined)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, unit_json(&l->rows[i], with_joined));
	return a;
}

cJSON *units_tree_json(const unit_list *l, int with_joined)
{
	cJSON *roots = cJSON_CreateArray(), **node = calloc(l->n ? l->n : 1, sizeof *node);
	by_id *ix = index_of(l);
	if (!roots || !node || !ix) {
		cJSON_Delete(roots);
		free(node);
		free(ix);
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++) {
		node[i] = unit_json(&l->rows[i], with_joined);
		cJSON_AddItemToObject(node[i], "children", cJSON_CreateArray());
	}
	for (size_t i = 0; i < l->n; i++) {
		long p = find_in(ix, l->n, l->rows[i].parent);
		if (p >= 0 && l->rows[p].depth < l->rows[i].depth)
			cJSON_AddItemToArray(cJSON_GetObjectItem(node[p], "children"), node[i]);
		else
			cJSON_AddItemToArray(roots, node[i]);
	}
	free(node);
	free(ix);
	return roots;
}

/* ------------------------------------------------------------ members by unit (units.h) */

const char units_members_roster_sql[] =
	"SELECT coalesce(u.path, p.unit), count(*), coalesce(sum(p.score_milli), 0), count(d.best),"
	" coalesce(sum(d.best), 0) FROM participants p"
	" LEFT JOIN workers w ON w.employee_no = p.employee_no AND w.active"
	" LEFT JOIN units u ON u.id = w.unit_id"
	" LEFT JOIN LATERAL (SELECT max(a.score_milli) AS best FROM attempts a WHERE a.participant_id = p.id"
	"   AND a.day = $2::date AND a.status <> 'open') d ON true"
	" WHERE p.contest_id = $1 AND EXISTS (SELECT 1 FROM attempts a WHERE a.participant_id = p.id"
	"   AND a.status <> 'open') GROUP BY 1";
const char units_members_sql[] =
	"SELECT p.unit, count(*), coalesce(sum(p.score_milli), 0), count(d.best), coalesce(sum(d.best), 0)"
	" FROM participants p"
	" LEFT JOIN LATERAL (SELECT max(a.score_milli) AS best FROM attempts a WHERE a.participant_id = p.id"
	"   AND a.day = $2::date AND a.status <> 'open') d ON true"
	" WHERE p.contest_id = $1 AND EXISTS (SELECT 1 FROM attempts a WHERE a.participant_id = p.id"
	"   AND a.status <> 'open') GROUP BY 1";

/*
 * units.h - the roster's unit tree (units.c): rows of `units` with counts
 * of their own workers, rolled up so that each unit counts its whole
 * subtree (a unit's headcount: what participation rates divide by), and
 * turned into JSON, nested or flat. Pure: the rows come from PostgreSQL
 * (store/roster.c), every field checked on the way in.
 *
 * Ownership: a unit_list owns its rows and their strings; units_release
 * frees them. The JSON returned is the caller's (cJSON_Delete).
 */
#ifndef SKILLARENA_STORE_UNITS_H
#define SKILLARENA_STORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef struct unit_row {
	int64_t id, parent; /* parent 0: a root (or a parent not in the list) */
	char *name, *path;
	int depth;                 /* segments of the path: 1 for a root */
	int64_t own, own_joined;   /* counted in the unit itself (active workers; of them, joined) */
	int64_t headcount, joined; /* the same over the subtree (units_rollup) */
} unit_row;

typedef struct unit_list {
	unit_row *rows; /* in the order given (path order from the queries) */
	size_t n;
} unit_list;

/*
 * Reads the rows of a result whose first columns are id, parent_id, name,
 * path, own (and own_joined at column 4 + 1 when joined_col): 0, or
 * SA_E_INVALID_FIELD (a malformed row: logged, the list empty) or
 * SA_E_INTERNAL.
 */
int units_read(const void *res, int joined_col, unit_list *out);
void units_release(unit_list *l);
/* Adds each unit's own counts to every ancestor in the list: headcount and joined per subtree. */
void units_rollup(unit_list *l);
/* The index of a unit id in the list, or -1. */
long units_find(const unit_list *l, int64_t id);

/* [{"id","parent_id","name","path","depth","headcount","workers"[,"joined"]}] in list order. */
cJSON *units_flat_json(const unit_list *l, int with_joined);
/* The same nested: roots, each with "children" (list order kept among siblings). */
cJSON *units_tree_json(const unit_list *l, int with_joined);

/*
 * A mass contest's members by unit for a day ($1 contest id, $2 day):
 * path, participants with an ended attempt, the sum of their counted
 * scores, those with one that day, the sum of their best that day. With the
 * roster, a participant counts in the roster unit of their employee number.
 * The one text both the unit boards (live/rollup.c) and `skillarena
 * recompute` (store/recompute_paced_pg.c) run, so they cannot drift apart.
 */
extern const char units_members_sql[];
extern const char units_members_roster_sql[];

#endif

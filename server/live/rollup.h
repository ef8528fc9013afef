/*
 * rollup.h - units of a self-paced contest (rollup.c): participation rate
 * (participants / roster headcount) and average score per unit, rolled up
 * the unit tree, for a day and overall.
 *
 * The roster is read from the tables `units` (id, parent_id, name, path)
 * and `workers` (employee_no, name, unit_id, active) when PostgreSQL has
 * them (docs/contests.md, "Mass contests"); without them participants count
 * under the unit they typed and no unit has a headcount.
 */
#ifndef SKILLARENA_LIVE_ROLLUP_H
#define SKILLARENA_LIVE_ROLLUP_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"

#define ROLLUP_UNITS_MAX 500 /* units in one board, in tree order */

/* units: {"roster": bool, "today": [...], "overall": [...]} (owned by the
 * callee: done may keep it), or NULL when it could not be computed;
 * players and attempts: participants with an ended attempt, ended attempts
 * (overall). */
typedef void (*rollup_cb)(crun *r, cJSON *units, int64_t players, int64_t attempts, void *ud);
/* day: "YYYY-MM-DD". 0, or an SA_E_* code (done not called). */
int rollup_units(crun *r, const char *day, rollup_cb done, void *ud);

/* The roster workers of a unit's subtree who have not ended an attempt (on
 * day, or ever when day is ""): {"unit","day","headcount","participants",
 * "absent":[{"employee_no","name","unit"}],"truncated"} or NULL with rc. */
typedef void (*rollup_absent_cb)(crun *r, cJSON *absent, int rc, void *ud);
int rollup_absent(crun *r, const char *unit, const char *day, rollup_absent_cb done, void *ud);

#endif

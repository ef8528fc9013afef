/*
 * ranking.h - the ranking of a finished contest (ranking.c): computed once
 * by the results library from PostgreSQL's participants and answers and
 * stored in contest_results, then read by pages and written into XLSX or
 * CSV files for downloads. Blocking libpq: libuv's thread pool only.
 */
#ifndef SKILLARENA_STORE_RANKING_H
#define SKILLARENA_STORE_RANKING_H

#include <stdint.h>

/*
 * Makes contest_results of contest id current: nothing when it is (its
 * meta names the contest's epoch and seq), else the ranking computed
 * (results_rank, the contest's tie-break order) and stored in one
 * transaction, under an advisory lock per contest (one process computes,
 * the others find it done). 0, SA_E_BAD_STATE (not finished),
 * SA_E_NOT_FOUND, SA_E_UNAVAILABLE or SA_E_INTERNAL (why in err).
 */
int ranking_build(const char *conninfo, int64_t contest_id, char *err, size_t errlen);

typedef enum { RANKING_XLSX, RANKING_CSV } ranking_format;

/*
 * Writes the stored ranking of contest id into path (XLSX: sheets 成绩排名
 * and 题目; CSV: UTF-8 with BOM), rows streamed from PostgreSQL into the
 * sheets writer; headers in English when lang_en. The file appears whole or
 * not at all. 0 (also when path exists already: it is kept), or an SA_E_*
 * code with why in err.
 */
int ranking_export(const char *conninfo, int64_t contest_id, ranking_format format, int lang_en,
		   const char *path, char *err, size_t errlen);

#endif

/*
 * internal.h - what the engine shares with its own built-in types and
 * nothing else (not part of the plugin ABI).
 */
#ifndef SKILLARENA_SCORING_INTERNAL_H
#define SKILLARENA_SCORING_INTERNAL_H

#include "scoring_plugin.h"

/* The compiled state of q when its type is t, else NULL. */
const void *score__question_state(const score_question *q, const score_type *t);
/* num/den rounded half away from zero. */
int64_t score__div_round(__int128 num, __int128 den);

#endif

# scoring/scoring.mk - the scoring engine's sources and targets (included by
# the top-level Makefile). libscoring.a gets SCORING_SRCS.
SCORING_SRCS += $(wildcard scoring/*.c scoring/types/*.c)

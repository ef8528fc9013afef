# results/results.mk - the results library: final ranking and awards, masking
# for the public notice, item analysis, distributions, participation by unit,
# per-day series, SVG charts and xAPI statements (included by the top-level
# Makefile).
#
#   libresults.a        results_SRCS: results/*.c
#   unit tests          tests/unit/test_results*.c; they also run independent
#                       checkers: python3 (tests/unit/results_items_ref.py,
#                       item statistics), node with @learninglocker/xapi-validation
#                       (tests/unit/results_xapi_check.js) and expat (the SVG
#                       charts are parsed as XML), so tools/install.sh brings
#                       python3, libexpat1-dev and tzdata.
LIBRARIES          += results
results_SRCS       := $(wildcard results/*.c)
results_PKGS       := libcjson
results_LIBS       := -lmbedcrypto -lm
results_USES       := scoring
results_TESTS      := $(wildcard tests/unit/test_results*.c)
results_TEST_PKGS  := expat
INCDIRS            += -Iresults

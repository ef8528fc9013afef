# scoring/scoring.mk - the scoring engine's sources and targets (included by
# the top-level Makefile).
#
#   libscoring.a            scoring_SRCS (engine, helpers, built-in types)
#   $(OUT)/plugins/*.so     example plugins (scoring/plugins/<name>/), in EXTRA_ALL
#   fuzz-scoring            libFuzzer targets (clang), in FUZZ_TARGETS
#   fuzz-smoke-scoring      a bounded fuzzing run of each target, in TEST_STEPS
#   bench-scoring           scorings per second per type, in BENCH_TARGETS
LIBRARIES     += scoring
scoring_SRCS  := $(wildcard scoring/*.c scoring/types/*.c)
scoring_PKGS  := libcjson
scoring_LIBS  := -ldl -lm
scoring_TESTS := $(wildcard tests/unit/test_scoring*.c)
INCDIRS       += -Iscoring
SCORING_SRCS  := $(scoring_SRCS)

# ---- plugins: each directory scoring/plugins/<name>/ (but testdata) is one .so
SCORING_PLUGIN_NAMES := $(filter-out testdata,$(notdir $(patsubst %/,%,$(wildcard scoring/plugins/*/))))
SCORING_PLUGINS      := $(patsubst %,$(OUT)/plugins/%.so,$(SCORING_PLUGIN_NAMES))
SCORING_PLUGIN_CFLAGS = $(CFLAGS) -fPIC -fvisibility=hidden -shared
EXTRA_ALL += $(SCORING_PLUGINS)

define scoring_plugin_rule
$(OUT)/plugins/$(1).so: $(wildcard scoring/plugins/$(1)/*.c) scoring/util.c scoring/normalize.c \
		scoring/scoring_plugin.h scoring/scoring.h
	@mkdir -p $$(dir $$@)
	$$(CC) $$(SCORING_PLUGIN_CFLAGS) -o $$@ $$(filter %.c,$$^) $$(LDFLAGS) -lcjson -lm
endef
$(foreach p,$(SCORING_PLUGIN_NAMES),$(eval $(call scoring_plugin_rule,$(p))))

# Plugins the engine must refuse (tests/unit/test_scoring_plugin.c).
SCORING_BAD_PLUGINS := $(patsubst %,$(OUT)/tests/plugins-bad/%.so,bad_abi bad_dup bad_missing bad_nosym) \
                       $(OUT)/tests/plugins-bad/garbage.so
$(OUT)/tests/plugins-bad/bad_%.so: scoring/plugins/testdata/bad_plugins.c scoring/scoring_plugin.h
	@mkdir -p $(dir $@)
	$(CC) $(SCORING_PLUGIN_CFLAGS) -Wno-unused-function -DBAD_$$(echo $* | tr a-z A-Z) -o $@ $< $(LDFLAGS)
$(OUT)/tests/plugins-bad/garbage.so:
	@mkdir -p $(dir $@)
	echo 'not an ELF file' > $@
$(OUT)/tests/test_scoring_plugin: $(SCORING_PLUGINS) $(SCORING_BAD_PLUGINS)

# ---- fuzzing (clang's libFuzzer, sanitizers on; sources compiled in)
SCORING_FUZZ_BINS  := build/fuzz/fuzz_scoring build/fuzz/fuzz_scoring_compile
SCORING_FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iscoring \
                      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
SCORING_FUZZ_TIME  ?= 5
FUZZ_TARGETS += $(SCORING_FUZZ_BINS)
TEST_STEPS   += fuzz-smoke-scoring

$(SCORING_FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c $(SCORING_SRCS) scoring/plugins/keywords/keywords.c scoring/scoring.h \
		scoring/scoring_plugin.h scoring/internal.h
	@mkdir -p $(dir $@)
	clang $(SCORING_FUZZ_FLAGS) -o $@ $(filter %.c,$^) -lcjson -ldl -lm

.PHONY: fuzz-scoring fuzz-smoke-scoring bench-scoring
fuzz-scoring: $(SCORING_FUZZ_BINS)

# Each target fuzzes for SCORING_FUZZ_TIME seconds from the checked-in seeds;
# any crash, leak, sanitizer report or broken invariant fails the step.
fuzz-smoke-scoring: $(SCORING_FUZZ_BINS)
	@set -e; for f in $(SCORING_FUZZ_BINS); do \
	  n=$$(basename $$f); corpus=build/fuzz/corpus/$$n; mkdir -p $$corpus; \
	  echo "fuzz: $$n for $(SCORING_FUZZ_TIME)s"; \
	  $$f -max_total_time=$(SCORING_FUZZ_TIME) -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	      -artifact_prefix=build/fuzz/$$n- $$corpus tests/fuzz/$${n}_seeds >build/fuzz/$$n.log 2>&1 \
	    || { tail -n 40 build/fuzz/$$n.log; echo "fuzz: $$n FAILED (log build/fuzz/$$n.log)"; exit 1; }; \
	  grep -E '^stat::(number_of_executed_units|new_units_added)' build/fuzz/$$n.log | sed "s/^/fuzz: $$n /"; \
	done

# ---- benchmark
$(OUT)/bench/bench_scoring: scoring/bench/bench_scoring.c $(OUT)/libscoring.a $(SCORING_PLUGINS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libscoring.a $(LDFLAGS) $(scoring_LINK)
BENCH_TARGETS += bench-scoring
bench-scoring: $(OUT)/bench/bench_scoring
	@$(OUT)/bench/bench_scoring $(OUT)/plugins $(OUT)/bench/scoring.json

# scoring/scoring.mk - the scoring engine's sources and targets (included by
# the top-level Makefile).
#
#   libscoring.a            scoring_SRCS (engine, helpers, built-in types)
#   $(OUT)/plugins/*.so     example plugins (scoring/plugins/<name>/), in EXTRA_ALL
#   fuzz_scoring, fuzz_scoring_compile   fuzz targets in FUZZERS (`make fuzz`,
#                           5 s each in `make fuzz-smoke`)
#   bench-scoring           scorings per second per type, in BENCH_TARGETS
LIBRARIES     += scoring
scoring_SRCS  := $(wildcard scoring/*.c scoring/types/*.c)
scoring_PKGS  := libcjson
scoring_LIBS  := -ldl -lm
scoring_TESTS := $(wildcard tests/unit/test_scoring*.c)
INCDIRS       += -Iscoring

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

# ---- fuzz targets (the rule and the smoke run are the top Makefile's)
FUZZERS += fuzz_scoring fuzz_scoring_compile
define scoring_fuzzer
$(1)_FUZZ_USES    := scoring
$(1)_FUZZ_SRCS    := tests/fuzz/$(1).c scoring/plugins/keywords/keywords.c
$(1)_FUZZ_SEEDS   := tests/fuzz/$(1)_seeds
$(1)_FUZZ_SECONDS := 5
endef
$(foreach f,fuzz_scoring fuzz_scoring_compile,$(eval $(call scoring_fuzzer,$(f))))

.PHONY: bench-scoring

# ---- benchmark
$(OUT)/bench/bench_scoring: scoring/bench/bench_scoring.c $(OUT)/libscoring.a $(SCORING_PLUGINS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libscoring.a $(LDFLAGS) $(scoring_LINK)
BENCH_TARGETS += bench-scoring
bench-scoring: $(OUT)/bench/bench_scoring
	@$(OUT)/bench/bench_scoring $(OUT)/plugins $(OUT)/bench/scoring.json

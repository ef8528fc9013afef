# SkillArena - build, run and test.
#
#   make run     install what is missing, build, start PostgreSQL + Redis
#                under var/, load the demo contest, serve :8080
#   make test    install, build (release + ASan/UBSan), throwaway services,
#                every test, one summary line
#   make bench   benchmarks (tools/loadgen), figures on stdout and in JSON
#   make lint    clang-format check and cppcheck (also run by make test)
#   make format  apply .clang-format to every C file
#
# Variants: build/release (default) and build/asan (VARIANT=asan), each with
# its own objects, so both can coexist.
#
# Libraries. Each folder with C code is one static library, registered by its
# fragment (scoring/scoring.mk, contests/contests.mk, server/server.mk, ...):
#
#   LIBRARIES  += name
#   name_SRCS  := the sources (libname.a)
#   name_PKGS  := pkg-config packages its code calls
#   name_LIBS  := other link flags (libraries without a .pc file)
#   name_USES  := the libraries it depends on, every one, in link order
#   name_TESTS := its unit tests, tests/unit/test_<module>.c (cmocka)
#   name_TEST_PKGS := packages only its unit tests link (an independent
#                 checker such as expat), never the library itself
#
# A unit test links its library, the ones it uses, and only their packages:
# the scoring tests never link libwebsockets or libpq. A fragment may also add
# to EXTRA_ALL (built by `make all`), TEST_STEPS (run by tests/run.sh via
# `make test-steps`), BENCH_TARGETS, FUZZERS (see "fuzzing" below) and INCDIRS.

.DEFAULT_GOAL := all

VARIANT ?= release
OUT     := build/$(VARIANT)
CC      ?= cc

ifeq ($(VARIANT),asan)
  OPT := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
  OPT := -O2
endif

LIBRARIES     :=
INCDIRS       :=
EXTRA_ALL     :=
TEST_STEPS    :=
BENCH_TARGETS :=
FUZZERS       :=

-include scoring/scoring.mk
-include sheets/sheets.mk
-include contests/contests.mk
-include results/results.mk
-include certs/certs.mk
-include server/server.mk
-include tools/loadgen/loadgen.mk

ALL_PKGS  := $(sort $(foreach l,$(LIBRARIES),$($(l)_PKGS) $($(l)_TEST_PKGS)))
PKG_CFLAGS := $(shell pkg-config --cflags $(ALL_PKGS) 2>/dev/null)

CFLAGS   ?=
CFLAGS   += -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter \
            $(INCDIRS) $(PKG_CFLAGS)
LDFLAGS  += $(OPT)

# ---- library rules (one archive per library; link flags of its closure)
unit_bin = $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(1))

define library_rules
$(1)_A     := $(OUT)/lib$(1).a
$(1)_OBJS  := $$(patsubst %.c,$(OUT)/%.o,$$($(1)_SRCS))
$$($(1)_A): $$($(1)_OBJS)
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LIBRARIES),$(eval $(call library_rules,$(l))))

# $(l)_LINK_A: the archives to link, $(l)_LINK: their packages' and own flags.
define link_rules
$(1)_CHAIN  := $(1) $$($(1)_USES)
$(1)_LINK_A := $$(foreach u,$$($(1)_CHAIN),$$($$(u)_A))
$(1)_CPKGS  := $$(sort $$(foreach u,$$($(1)_CHAIN),$$($$(u)_PKGS)))
$(1)_LINK   := $$(if $$($(1)_CPKGS),$$(shell pkg-config --libs $$($(1)_CPKGS))) \
               $$(foreach u,$$($(1)_CHAIN),$$($$(u)_LIBS))
$$(call unit_bin,$$($(1)_TESTS)): $(OUT)/tests/%: tests/unit/%.c $$($(1)_LINK_A)
$$(call unit_bin,$$($(1)_TESTS)): TEST_LINK := $$($(1)_LINK) \
	$$(if $$($(1)_TEST_PKGS),$$(shell pkg-config --libs $$($(1)_TEST_PKGS)))
UNIT_BINS += $$(call unit_bin,$$($(1)_TESTS))
endef
UNIT_BINS :=
$(foreach l,$(LIBRARIES),$(eval $(call link_rules,$(l))))

# ---- fuzzing: one rule for every target (libFuzzer, clang, ASan+UBSan)
# A fragment registers a target; the binary is build/fuzz/<name>:
#
#   FUZZERS            += name
#   name_FUZZ_USES     := libraries whose sources are compiled in (instrumented)
#   name_FUZZ_SRCS     := the harness and any other sources (tests/fuzz/...)
#   name_FUZZ_CFLAGS   := its own flags (-DFORMAT=..., optional)
#   name_FUZZ_SEEDS    := directory of checked-in seeds
#   name_FUZZ_SECONDS  := time of the smoke run (default FUZZ_SECONDS)
#   name_FUZZ_OPTS     := more libFuzzer options for the smoke run (optional)
#
# `make fuzz` builds them all; `make fuzz-smoke` (a TEST_STEPS step) runs each
# from its seeds, new inputs going to a scratch directory; a crash, leak or
# sanitizer report fails it. One target: `make fuzz-smoke FUZZERS=name`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 6
# Library sources are compiled once, with coverage, into build/fuzz/obj/ and
# shared by every target; SA_CHECK_FRAMES makes the server check that every
# frame it would send is valid UTF-8.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 -DSA_CHECK_FRAMES $(FUZZ_SAN)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(INCDIRS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
define fuzz_rules
$(1)_FUZZ_OBJS := $$(patsubst %.c,build/fuzz/obj/%.o,$$(foreach u,$$($(1)_FUZZ_USES),$$($$(u)_SRCS)))
build/fuzz/$(1): $$($(1)_FUZZ_SRCS) $$($(1)_FUZZ_OBJS)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer $$(INCDIRS) $$(PKG_CFLAGS) $$($(1)_FUZZ_CFLAGS) -o $$@ \
	  $$(filter %.c %.o,$$^) \
	  $$(shell pkg-config --libs $$(sort $$(foreach u,$$($(1)_FUZZ_USES),$$($$(u)_PKGS)))) \
	  $$(foreach u,$$($(1)_FUZZ_USES),$$($$(u)_LIBS))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rules,$(f))))
-include $(shell find build/fuzz/obj -name '*.d' 2>/dev/null)

fuzz: $(addprefix build/fuzz/,$(FUZZERS))
fuzz-smoke: fuzz
	@set -e; smoke() { n=$$1 seeds=$$2 secs=$$3; shift 3; work=$$(mktemp -d); \
	  echo "fuzz-smoke: $$n for $$secs s from $$seeds"; \
	  if ! build/fuzz/$$n -max_total_time=$$secs -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	       -artifact_prefix=build/fuzz/$$n- "$$@" $$work $$seeds >build/fuzz/$$n.log 2>&1; then \
	    tail -n 40 build/fuzz/$$n.log; rm -rf $$work; \
	    echo "fuzz-smoke: $$n FAILED (log build/fuzz/$$n.log)"; return 1; fi; \
	  grep -E '^stat::(number_of_executed_units|new_units_added)' build/fuzz/$$n.log | sed "s/^/fuzz-smoke: $$n /"; \
	  rm -rf $$work; }; \
	$(foreach f,$(FUZZERS),smoke $(f) $($(f)_FUZZ_SEEDS) $(or $($(f)_FUZZ_SECONDS),$(FUZZ_SECONDS)) $($(f)_FUZZ_OPTS);)
TEST_STEPS += fuzz-smoke

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_BINS):
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(filter %.a,$^) $(LDFLAGS) $(TEST_LINK) -lcmocka

.PHONY: all unit run test bench fuzz fuzz-smoke clean deps test-steps lint format
all: $(EXTRA_ALL) unit
unit: $(UNIT_BINS)

# Installs the Debian and npm packages the project needs (idempotent).
deps:
	@tools/install.sh

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

test: deps
	@tests/run.sh

# One benchmark at a time (-j1), whatever -j make was given: two running
# together would measure each other.
bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -j1 $(BENCH_TARGETS)

test-steps: $(TEST_STEPS)

# ---- style and static checks
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(C_FILES)
lint:
	@tools/lint.sh

clean:
	rm -rf build

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

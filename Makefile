# SkillArena - build, run and test.
#
#   make run     install what is missing, build, start PostgreSQL + Redis
#                under var/, load the demo contest, serve :8080
#   make test    install, build (release + ASan/UBSan), throwaway services,
#                every test, one summary line
#   make bench   benchmarks (tools/loadgen), figures on stdout and in JSON
#
# Variants: build/release (default) and build/asan (VARIANT=asan), each with
# its own objects, so both can coexist.
#
# Sub-areas add their sources and targets through fragments:
#   scoring/scoring.mk, contests/contests.mk, tools/loadgen/loadgen.mk
# scoring.mk sets SCORING_SRCS, contests.mk CONTESTS_SRCS; each
# may add to EXTRA_ALL (built by `make all`), TEST_STEPS (run by tests/run.sh
# via `make test-steps`), BENCH_TARGETS and FUZZ_TARGETS.

.DEFAULT_GOAL := all

VARIANT ?= release
OUT     := build/$(VARIANT)

CC      ?= cc
PKGS    := libwebsockets libuv hiredis libpq libcjson libqrencode
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(VARIANT),asan)
  OPT := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
  OPT := -O2
endif

CFLAGS   ?=
CFLAGS   += -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter \
            -Iscoring -Icontests -Iserver $(PKG_CFLAGS)
LDFLAGS  += $(OPT)
LDLIBS   += $(PKG_LIBS) -lmbedtls -lmbedx509 -lmbedcrypto -ldl -lm -lpthread

SCORING_SRCS  :=
CONTESTS_SRCS :=
EXTRA_ALL     :=
TEST_STEPS    :=
BENCH_TARGETS :=
FUZZ_TARGETS  :=

-include scoring/scoring.mk
-include contests/contests.mk
-include tools/loadgen/loadgen.mk

# Three libraries, each depending only on the ones after it:
#   libserver.a (server/ but main.c) -> libcontests.a -> libscoring.a
SERVER_SRCS := $(filter-out server/main.c,$(wildcard server/*.c))
LIBSCORING  := $(OUT)/libscoring.a
LIBCONTESTS := $(OUT)/libcontests.a
LIBSERVER   := $(OUT)/libserver.a
ALL_LIBS    := $(LIBSERVER) $(LIBCONTESTS) $(LIBSCORING)

# Unit tests: tests/unit/test_<module>.c, linked with the libraries they need.
UNIT_SRCS     := $(wildcard tests/unit/test_*.c)
SCORING_TESTS := $(filter tests/unit/test_scoring%,$(UNIT_SRCS))
CONTEST_TESTS := $(filter tests/unit/test_contest% tests/unit/test_import% tests/unit/test_bank%,$(UNIT_SRCS))
SERVER_TESTS  := $(filter-out $(SCORING_TESTS) $(CONTEST_TESTS),$(UNIT_SRCS))
unit_bin       = $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(1))
UNIT_BINS     := $(call unit_bin,$(UNIT_SRCS))

.PHONY: all server unit run test bench fuzz clean deps test-steps
all: server unit $(EXTRA_ALL)

server: $(OUT)/skillarena

$(OUT)/skillarena: $(OUT)/server/main.o $(ALL_LIBS)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^ $(LDLIBS)

$(LIBSCORING): $(patsubst %.c,$(OUT)/%.o,$(SCORING_SRCS))
$(LIBCONTESTS): $(patsubst %.c,$(OUT)/%.o,$(CONTESTS_SRCS))
$(LIBSERVER): $(patsubst %.c,$(OUT)/%.o,$(SERVER_SRCS))
$(ALL_LIBS):
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

unit: $(UNIT_BINS)
$(call unit_bin,$(SCORING_TESTS)): $(OUT)/tests/%: tests/unit/%.c $(LIBSCORING)
$(call unit_bin,$(CONTEST_TESTS)): $(OUT)/tests/%: tests/unit/%.c $(LIBCONTESTS) $(LIBSCORING)
$(call unit_bin,$(SERVER_TESTS)): $(OUT)/tests/%: tests/unit/%.c $(ALL_LIBS)
$(UNIT_BINS):
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(filter %.a,$^) $(LDFLAGS) $(LDLIBS) -lcmocka

# Installs the Debian and npm packages the project needs (idempotent).
deps:
	@tools/install.sh

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

test: deps
	@tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

fuzz: $(FUZZ_TARGETS)

test-steps: $(TEST_STEPS)

clean:
	rm -rf build

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

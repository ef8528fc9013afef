# contests/contests.mk - contest definitions, question banks, importers and
# the contest CLI (included by the top-level Makefile).
#
#   libcontests.a          contests_SRCS: contests/*.c
#   fuzz targets           build/fuzz/fuzz_import_{gift,aiken,csv,json,contest}
#                          (clang -fsanitize=fuzzer), in FUZZ_TARGETS
#   fuzz-smoke-contests    a bounded run of each fuzz target (TEST_STEPS)
#   validate-samples       `skillarena validate` over every sample (TEST_STEPS)

LIBRARIES      += contests
contests_SRCS  := $(wildcard contests/*.c)
contests_PKGS  := libcjson
contests_USES  := sheets scoring
contests_TESTS := $(wildcard tests/unit/test_contest*.c tests/unit/test_import*.c tests/unit/test_bank*.c)
INCDIRS        += -Icontests
CONTESTS_SRCS  := $(contests_SRCS)

# ---- fuzzing (libFuzzer; clang's runtime ships in libclang-rt-14-dev) ----
FUZZ_CC        ?= clang
FUZZ_DIR       := build/fuzz
BANK_FUZZ_FORMATS := gift aiken csv json
CONTEST_FUZZERS   := $(patsubst %,$(FUZZ_DIR)/fuzz_import_%,$(BANK_FUZZ_FORMATS)) $(FUZZ_DIR)/fuzz_import_contest
FUZZ_TARGETS      += $(CONTEST_FUZZERS)
FUZZ_CFLAGS    := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
                  -fno-sanitize-recover=undefined -Iscoring -Isheets -Icontests $(shell pkg-config --cflags libcjson)
FUZZ_LIBS      := $(shell pkg-config --libs libcjson $(sheets_PKGS)) -ldl -lm

$(FUZZ_DIR)/fuzz_import_contest: tests/fuzz/fuzz_import_contest.c $(CONTESTS_SRCS) $(SHEETS_SRCS) $(SCORING_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(FUZZ_LIBS)

# One source, one binary per format.
$(FUZZ_DIR)/fuzz_import_%: tests/fuzz/fuzz_import_bank.c $(CONTESTS_SRCS) $(SHEETS_SRCS) $(SCORING_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_FORMAT=CONTEST_BANK_$(shell echo $* | tr a-z A-Z) -o $@ $^ $(FUZZ_LIBS)

# Each fuzzer runs 6 s from its seed corpus (tests/data/contests/fuzz/<name>/),
# in a scratch copy so the checked-in corpus is not rewritten; a crash fails.
FUZZ_SMOKE_SECONDS ?= 6
.PHONY: fuzz-smoke-contests validate-samples
fuzz-smoke-contests: $(CONTEST_FUZZERS)
	@set -e; for f in $(CONTEST_FUZZERS); do \
	  n=$$(basename $$f); work=$$(mktemp -d); \
	  if [ -d tests/data/contests/fuzz/$$n ]; then cp -r tests/data/contests/fuzz/$$n/. $$work/; fi; \
	  echo "fuzz-smoke: $$n ($(FUZZ_SMOKE_SECONDS) s)"; \
	  if ! $$f -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=8192 -rss_limit_mb=1024 \
	         -artifact_prefix=$(FUZZ_DIR)/$$n- $$work >$(FUZZ_DIR)/$$n.log 2>&1; then \
	    tail -n 40 $(FUZZ_DIR)/$$n.log; rm -rf $$work; echo "fuzz-smoke: $$n FAILED"; exit 1; fi; \
	  grep -E '^Done|^#[0-9]+ *DONE' $(FUZZ_DIR)/$$n.log | tail -n 1; rm -rf $$work; \
	done

# Every contest, bank and sample import file under contests/ must validate.
CONTEST_SAMPLES := $(wildcard contests/demo/*.json contests/samples/*.json contests/banks/*.json \
                     contests/samples/*.gift contests/samples/*.aiken.txt contests/samples/*.csv)
validate-samples: $(OUT)/skillarena
	$(OUT)/skillarena validate $(CONTEST_SAMPLES)

TEST_STEPS += fuzz-smoke-contests validate-samples

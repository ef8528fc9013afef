# contests/contests.mk - contest definitions, question banks, importers and
# the contest CLI (included by the top-level Makefile).
#
#   libcontests.a          contests_SRCS: contests/*.c
#   fuzz targets           fuzz_import_{gift,aiken,csv,json,contest} in FUZZERS
#                          (built by `make fuzz`, run 6 s each by `make fuzz-smoke`)
#   validate-samples       `skillarena validate` over every sample (TEST_STEPS)

LIBRARIES      += contests
contests_SRCS  := $(wildcard contests/*.c)
contests_PKGS  := libcjson
contests_USES  := sheets scoring
contests_TESTS := $(wildcard tests/unit/test_contest*.c tests/unit/test_import*.c tests/unit/test_bank*.c)
INCDIRS        += -Icontests

# ---- fuzz targets (the rule and the smoke run are the top Makefile's):
# $(1) name, $(2) harness, $(3) its flags. The bank harness is built once per format.
define contests_fuzzer
FUZZERS           += $(1)
$(1)_FUZZ_USES    := contests sheets scoring
$(1)_FUZZ_SRCS    := $(2)
$(1)_FUZZ_CFLAGS  := $(3)
$(1)_FUZZ_SEEDS   := tests/data/contests/fuzz/$(1)
$(1)_FUZZ_SECONDS := 6
$(1)_FUZZ_OPTS    := -max_len=8192
endef
$(eval $(call contests_fuzzer,fuzz_import_gift,tests/fuzz/fuzz_import_bank.c,-DFUZZ_FORMAT=CONTEST_BANK_GIFT))
$(eval $(call contests_fuzzer,fuzz_import_aiken,tests/fuzz/fuzz_import_bank.c,-DFUZZ_FORMAT=CONTEST_BANK_AIKEN))
$(eval $(call contests_fuzzer,fuzz_import_csv,tests/fuzz/fuzz_import_bank.c,-DFUZZ_FORMAT=CONTEST_BANK_CSV))
$(eval $(call contests_fuzzer,fuzz_import_json,tests/fuzz/fuzz_import_bank.c,-DFUZZ_FORMAT=CONTEST_BANK_JSON))
$(eval $(call contests_fuzzer,fuzz_import_contest,tests/fuzz/fuzz_import_contest.c))

.PHONY: validate-samples
# Every contest, bank and sample import file under contests/ must validate.
CONTEST_SAMPLES := $(wildcard contests/demo/*.json contests/samples/*.json contests/banks/*.json \
                     contests/samples/*.gift contests/samples/*.aiken.txt contests/samples/*.csv)
validate-samples: $(OUT)/skillarena
	$(OUT)/skillarena validate $(CONTEST_SAMPLES)

TEST_STEPS += validate-samples

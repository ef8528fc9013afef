# sheets/sheets.mk - the spreadsheet library (included by the top-level
# Makefile): XLSX and CSV read (libzip + expat) and written (libxlsxwriter).
#
#   libsheets.a          sheets_SRCS: sheets/*.c
#   $(OUT)/sheets-cli    a small CLI for manual checks (list, cat, convert), in EXTRA_ALL
#   fuzz targets         build/fuzz/fuzz_sheets_{csv,xlsx} (clang -fsanitize=fuzzer), in FUZZ_TARGETS
#   fuzz-smoke-sheets    a bounded run of each fuzz target (TEST_STEPS)
#
# Its unit tests make their XLSX fixtures with Debian's python3-openpyxl
# (tests/data/sheets/fixtures.py) and read what the writer made with it.
LIBRARIES     += sheets
sheets_SRCS   := $(wildcard sheets/*.c)
sheets_PKGS   := libzip expat xlsxwriter
sheets_LIBS   := -lm
sheets_TESTS  := $(wildcard tests/unit/test_sheets*.c)
INCDIRS       += -Isheets
SHEETS_SRCS   := $(sheets_SRCS)

EXTRA_ALL += $(OUT)/sheets-cli
$(OUT)/sheets-cli: sheets/tool/sheets_tool.c $(OUT)/libsheets.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libsheets.a $(LDFLAGS) $(sheets_LINK)

# ---- fuzzing: one source, a binary per format; seeds in tests/fuzz/fuzz_sheets_<fmt>_seeds/
SHEETS_FUZZERS := build/fuzz/fuzz_sheets_csv build/fuzz/fuzz_sheets_xlsx
FUZZ_TARGETS   += $(SHEETS_FUZZERS)
TEST_STEPS     += fuzz-smoke-sheets
SHEETS_FUZZ_SECONDS ?= 6

build/fuzz/fuzz_sheets_%: tests/fuzz/fuzz_sheets.c $(SHEETS_SRCS) sheets/sheets.h sheets/sheets_int.h sheets/xlsx_int.h
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -Isheets -DFUZZ_SHEETS_$(shell echo $* | tr a-z A-Z) -o $@ $(filter %.c,$^) $(sheets_LINK)

.PHONY: fuzz-smoke-sheets
fuzz-smoke-sheets: $(SHEETS_FUZZERS)
	@set -e; for f in $(SHEETS_FUZZERS); do \
	  n=$$(basename $$f); work=$$(mktemp -d); cp -r tests/fuzz/$${n}_seeds/. $$work/; \
	  echo "fuzz-smoke: $$n ($(SHEETS_FUZZ_SECONDS) s)"; \
	  if ! $$f -max_total_time=$(SHEETS_FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	         -artifact_prefix=build/fuzz/$$n- $$work >build/fuzz/$$n.log 2>&1; then \
	    tail -n 40 build/fuzz/$$n.log; rm -rf $$work; echo "fuzz-smoke: $$n FAILED"; exit 1; fi; \
	  grep -E '^Done|^#[0-9]+ *DONE' build/fuzz/$$n.log | tail -n 1; rm -rf $$work; \
	done

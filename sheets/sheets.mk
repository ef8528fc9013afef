# sheets/sheets.mk - the spreadsheet library (included by the top-level
# Makefile): XLSX and CSV read (libzip + expat) and written (libxlsxwriter).
#
#   libsheets.a          sheets_SRCS: sheets/*.c
#   $(OUT)/sheets-cli    a small CLI for manual checks (list, cat, convert), in EXTRA_ALL
#   fuzz targets         fuzz_sheets_{csv,xlsx} in FUZZERS (`make fuzz`, `make fuzz-smoke`)
#
# Its unit tests make their XLSX fixtures with Debian's python3-openpyxl
# (tests/data/sheets/fixtures.py) and read what the writer made with it.
LIBRARIES     += sheets
sheets_SRCS   := $(wildcard sheets/*.c)
sheets_PKGS   := libzip expat xlsxwriter
sheets_LIBS   := -lm
sheets_TESTS  := $(wildcard tests/unit/test_sheets*.c)
INCDIRS       += -Isheets

EXTRA_ALL += $(OUT)/sheets-cli
$(OUT)/sheets-cli: sheets/tool/sheets_tool.c $(OUT)/libsheets.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libsheets.a $(LDFLAGS) $(sheets_LINK)

# ---- fuzzing (the top Makefile's one rule): one source, a binary per format
define sheets_fuzzer
FUZZERS             += fuzz_sheets_$(1)
fuzz_sheets_$(1)_FUZZ_USES    := sheets
fuzz_sheets_$(1)_FUZZ_SRCS    := tests/fuzz/fuzz_sheets.c
fuzz_sheets_$(1)_FUZZ_CFLAGS  := -DFUZZ_SHEETS_$(2)
fuzz_sheets_$(1)_FUZZ_SEEDS   := tests/fuzz/fuzz_sheets_$(1)_seeds
endef
$(eval $(call sheets_fuzzer,csv,CSV))
$(eval $(call sheets_fuzzer,xlsx,XLSX))

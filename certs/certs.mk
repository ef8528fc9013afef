# certs/certs.mk - verifiable certificates: signing (mbedTLS), Open Badges 3.0,
# PDF (cairo + pango + libqrencode) and the offline verifier (included by the
# top-level Makefile).
#
#   libcerts.a             certs_SRCS: certs/*.c
#   $(OUT)/sa-certs        the command line tool (keygen, jwk, issue, verify), in EXTRA_ALL
#   check-certs            independent checks of rendered certificates (TEST_STEPS):
#                          tests/integration/certs-check.mjs with pdftoppm + zbarimg,
#                          pdftotext, npm jose and ajv (OB 3.0 schema)
#   bench-certs            certificates per second, 1 and N threads, bytes per PDF
#                          (BENCH_TARGETS; CERTS_BENCH_N certificates, default 10000)
LIBRARIES   += certs
certs_SRCS  := $(wildcard certs/*.c)
certs_PKGS  := cairo cairo-pdf pangocairo libqrencode libcjson
certs_LIBS  := -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -lm
certs_TESTS := $(wildcard tests/unit/test_certs*.c)
INCDIRS     += -Icerts

$(OUT)/sa-certs: certs/cli/sa_certs.c $(OUT)/libcerts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libcerts.a $(LDFLAGS) $(certs_LINK)
EXTRA_ALL += $(OUT)/sa-certs

$(OUT)/bench/bench_certs: certs/bench/bench_certs.c $(OUT)/libcerts.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(OUT)/libcerts.a $(LDFLAGS) $(certs_LINK)

.PHONY: check-certs bench-certs
# Renders, signs and verifies with the release tool, then checks the outputs
# with tools that share no code with ours (poppler, zbar, jose, ajv).
check-certs: $(OUT)/sa-certs
	@SA_CERTS_BIN=$(OUT)/sa-certs node --test --test-reporter=spec tests/integration/certs-check.mjs

CERTS_BENCH_N ?= 10000
bench-certs: $(OUT)/bench/bench_certs
	@$(OUT)/bench/bench_certs -n $(CERTS_BENCH_N) -o $(OUT)/bench/certs.json

TEST_STEPS    += check-certs
BENCH_TARGETS += bench-certs

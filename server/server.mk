# server/server.mk - the skillarena binary (included by the top-level Makefile).
#
#   libserver.a        server_SRCS: every .c under server/ (core/ net/ live/ store/ api/) but main.c
#   $(OUT)/skillarena  main.c + libserver.a and the libraries it uses
#   check-deps         tools/deps.sh: no include circle but receive -> dispatch -> send (TEST_STEPS)
#   check-sizes        tools/sizes.sh: no file of any library over 800 lines, no function over 120 (TEST_STEPS)
#   check-docs         tools/check-docs.sh: docs/testing.md lists every test file, and
#                      docs/configuration.md is `skillarena config-doc` (TEST_STEPS)
#
# librsvg-2.0: the analysis charts (SVG, drawn by results/) converted to PNG
# and PDF through cairo (api/analysis.c).
#
# Unit tests of server modules are every tests/unit/test_*.c that no other
# library claims (evaluated late, after every fragment is read).

LIBRARIES    += server
server_SRCS  := $(filter-out server/main.c,$(shell find server -name '*.c'))
server_PKGS  := libwebsockets libuv hiredis libpq libcjson libqrencode libargon2 librsvg-2.0
server_LIBS  := -lmbedtls -lmbedx509 -lmbedcrypto -ldl -lm -lpthread
server_USES  := contests sheets results certs scoring
server_TESTS  = $(filter-out $(foreach l,$(filter-out server,$(LIBRARIES)),$($(l)_TESTS)),$(wildcard tests/unit/test_*.c))
INCDIRS      += -Iserver # headers by subsystem: "core/arena.h", "net/ws.h", ...

# The test build asserts that every frame the server sends is valid UTF-8
# (net/frame.h, FRAME_CHECK); the release build does not check.
ifeq ($(VARIANT),asan)
$(OUT)/server/%.o: CFLAGS += -DSA_CHECK_FRAMES
endif

EXTRA_ALL += $(OUT)/skillarena
.PHONY: server
server: $(OUT)/skillarena

# -rdynamic: scoring plugins (dlopen) resolve the engine's helpers in the binary.
$(OUT)/skillarena: $(OUT)/server/main.o $(OUT)/libserver.a $(OUT)/libcontests.a $(OUT)/libsheets.a \
		$(OUT)/libresults.a $(OUT)/libcerts.a $(OUT)/libscoring.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(filter %.o %.a,$^) $(server_LINK)

# The file-level dependency graph, read from the objects, has no cycle but
# the receive -> dispatch -> send triangle.
.PHONY: check-deps check-sizes check-docs
check-deps: $(OUT)/skillarena
	@tools/deps.sh $(OUT)
check-sizes:
	@tools/sizes.sh $(LIBRARIES)
check-docs: $(OUT)/skillarena
	@tools/check-docs.sh $(OUT)/skillarena
TEST_STEPS += check-deps check-sizes check-docs

# ---- fuzzing: the server's own input paths (the top Makefile's one rule)
#   fuzz_server_msg    a frame -> msg_read -> the field checks (tests/fuzz/fuzz_server_msg.c)
#   fuzz_server_board  names and units -> leaderboard frames, valid UTF-8 (tests/fuzz/fuzz_server_board.c)
#   fuzz_server_http   the HTTP input paths: routes, query, header values (tests/fuzz/fuzz_server_http.c)
define server_fuzzer
FUZZERS          += $(1)
$(1)_FUZZ_USES    := server contests sheets results certs scoring
$(1)_FUZZ_SRCS    := tests/fuzz/$(1).c
$(1)_FUZZ_SEEDS   := tests/fuzz/$(1)_seeds
$(1)_FUZZ_SECONDS := 5
$(1)_FUZZ_OPTS    := -max_len=20000
endef
$(eval $(call server_fuzzer,fuzz_server_msg))
$(eval $(call server_fuzzer,fuzz_server_board))
$(eval $(call server_fuzzer,fuzz_server_http))

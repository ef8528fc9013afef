# server/server.mk - the skillarena binary (included by the top-level Makefile).
#
#   libserver.a        server_SRCS: every .c under server/ (core/ net/ live/ store/) but main.c
#   $(OUT)/skillarena  main.c + libserver.a and the libraries it uses
#   check-deps         tools/deps.sh: no include circle but receive -> dispatch -> send (TEST_STEPS)
#   check-sizes        tools/sizes.sh: no file in server/ over 800 lines, no function over 120 (TEST_STEPS)
#   check-docs         tools/check-docs.sh: docs/testing.md lists every test file, and
#                      docs/configuration.md is `skillarena config-doc` (TEST_STEPS)
#
# Unit tests of server modules are every tests/unit/test_*.c that no other
# library claims (evaluated late, after every fragment is read).

LIBRARIES    += server
server_SRCS  := $(filter-out server/main.c,$(shell find server -name '*.c'))
server_PKGS  := libwebsockets libuv hiredis libpq libcjson libqrencode
server_LIBS  := -lmbedtls -lmbedx509 -lmbedcrypto -ldl -lm -lpthread
server_USES  := contests sheets scoring
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
		$(OUT)/libscoring.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(filter %.o %.a,$^) $(server_LINK)

# The file-level dependency graph, read from the objects, has no cycle but
# the receive -> dispatch -> send triangle.
.PHONY: check-deps check-sizes check-docs
check-deps: $(OUT)/skillarena
	@tools/deps.sh $(OUT)
check-sizes:
	@tools/sizes.sh server
check-docs: $(OUT)/skillarena
	@tools/check-docs.sh $(OUT)/skillarena
TEST_STEPS += check-deps check-sizes check-docs

# ---- fuzzing: the server's own input paths (libFuzzer, clang; as scoring/scoring.mk)
#   build/fuzz/fuzz_server_msg    a frame -> msg_read -> the field checks (tests/fuzz/fuzz_server_msg.c)
#   build/fuzz/fuzz_server_board  names and units -> leaderboard frames, valid UTF-8 (tests/fuzz/fuzz_server_board.c)
#   fuzz-smoke-server             a bounded run of each from its seeds (TEST_STEPS)
# The server and the libraries it uses are compiled once with coverage into build/fuzz/obj/.
SERVER_FUZZERS    := build/fuzz/fuzz_server_msg build/fuzz/fuzz_server_board
SERVER_FUZZ_OBJS  := $(patsubst %.c,build/fuzz/obj/%.o,$(server_SRCS) $(CONTESTS_SRCS) $(SHEETS_SRCS) $(SCORING_SRCS))
SERVER_FUZZ_FLAGS  = -std=c11 -D_GNU_SOURCE -g -O1 -DSA_CHECK_FRAMES $(INCDIRS) $(PKG_CFLAGS) \
                     -fsanitize=address,undefined -fno-sanitize-recover=undefined
SERVER_FUZZ_TIME  ?= 5
FUZZ_TARGETS += $(SERVER_FUZZERS)
TEST_STEPS   += fuzz-smoke-server

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(SERVER_FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(SERVER_FUZZERS): build/fuzz/%: tests/fuzz/%.c $(SERVER_FUZZ_OBJS)
	clang $(SERVER_FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(server_LINK)
-include $(SERVER_FUZZ_OBJS:.o=.d)

.PHONY: fuzz-server fuzz-smoke-server
fuzz-server: $(SERVER_FUZZERS)
fuzz-smoke-server: $(SERVER_FUZZERS)
	@set -e; for f in $(SERVER_FUZZERS); do \
	  n=$$(basename $$f); work=$$(mktemp -d); cp -r tests/fuzz/$${n}_seeds/. $$work/; \
	  echo "fuzz: $$n for $(SERVER_FUZZ_TIME)s"; \
	  if ! $$f -max_total_time=$(SERVER_FUZZ_TIME) -timeout=5 -max_len=20000 -rss_limit_mb=2048 \
	         -artifact_prefix=build/fuzz/$$n- $$work >build/fuzz/$$n.log 2>&1; then \
	    tail -n 40 build/fuzz/$$n.log; rm -rf $$work; echo "fuzz: $$n FAILED (log build/fuzz/$$n.log)"; exit 1; fi; \
	  grep -E '^stat::|^Done|DONE' build/fuzz/$$n.log | tail -n 2 | sed "s/^/fuzz: $$n /"; rm -rf $$work; \
	done

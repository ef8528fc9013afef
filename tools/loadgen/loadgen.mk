# tools/loadgen/loadgen.mk - the load generator, its ceilings and `make bench`
# (included by the top-level Makefile).
#
#   build/$(VARIANT)/loadgen          coordinator + workers (players, host, screen)
#   build/$(VARIANT)/loadgen-echo     raw libwebsockets server: the fan-out/ack ceiling
#   build/$(VARIANT)/loadgen-floor    plain sockets on epoll, one send per recipient: the floor
#   build/$(VARIANT)/loadgen-ceiling  PostgreSQL batched INSERT/COPY, Redis ZINCRBY ceilings
#   make loadgen-unit                 histogram unit test (tests/unit/loadgen_test_hist.c)
#   make loadgen-smoke                ~20 players through a short contest on a real server,
#                                     200 through loadgen-echo and loadgen-floor
#   make bench-loadgen                every scenario (tools/bench/run.sh), figures + JSON
#   make bench-unitboard              PostgreSQL's cost of a mass contest's unit board
#                                     (tools/bench/unit-board.sh; sizes: BENCH_UNITBOARD_SIZES,
#                                     default 100000 1000000 participants)
#   make bench-imports                a roster import of 100,000 workers (XLSX) and a bank
#                                     import of 5,000 questions (CSV) through a real server
#                                     (tools/bench/imports.sh; BENCH_ROSTER_N, BENCH_BANK_N)
#
# The loadgen sources are in none of the libraries, and the unit
# test is named loadgen_test_* so the generic test_<module> rule skips it.

LOADGEN_DIR  := tools/loadgen
LOADGEN_BIN  := $(OUT)/loadgen
LGECHO_BIN   := $(OUT)/loadgen-echo
LGCEIL_BIN   := $(OUT)/loadgen-ceiling
LGFLOOR_BIN  := $(OUT)/loadgen-floor
LGHIST_TEST  := $(OUT)/tests/loadgen_test_hist
LOADGEN_OBJS := $(patsubst %.c,$(OUT)/%.o,$(addprefix $(LOADGEN_DIR)/,loadgen.c opts.c player.c fresh.c wsc.c jscan.c hist.c \
                  think.c mkcontest.c paced.c paced_player.c paced_worker.c httpc.c))
LGECHO_OBJS  := $(patsubst %.c,$(OUT)/%.o,$(addprefix $(LOADGEN_DIR)/,echo.c miniproto.c jscan.c))
LGFLOOR_OBJS := $(patsubst %.c,$(OUT)/%.o,$(addprefix $(LOADGEN_DIR)/,floor.c miniproto.c jscan.c))
LGCEIL_OBJS  := $(OUT)/$(LOADGEN_DIR)/ceiling.o

LOADGEN_LINK  = $(shell pkg-config --libs libwebsockets libuv libpq hiredis libcjson) -lm -lpthread
EXTRA_ALL     += $(LOADGEN_BIN) $(LGECHO_BIN) $(LGCEIL_BIN) $(LGFLOOR_BIN) $(LGHIST_TEST)
TEST_STEPS    += loadgen-unit loadgen-smoke
BENCH_TARGETS += bench-loadgen bench-unitboard bench-imports

$(LOADGEN_BIN): $(LOADGEN_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LOADGEN_LINK)

$(LGECHO_BIN): $(LGECHO_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LOADGEN_LINK)

$(LGCEIL_BIN): $(LGCEIL_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LOADGEN_LINK)

# no library on purpose: it measures the kernel, not a framework
$(LGFLOOR_BIN): $(LGFLOOR_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^

$(LGHIST_TEST): tests/unit/loadgen_test_hist.c $(OUT)/$(LOADGEN_DIR)/hist.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(LOADGEN_DIR) -o $@ $^ $(LDFLAGS) -lcmocka

.PHONY: loadgen loadgen-unit loadgen-smoke bench-loadgen bench-unitboard bench-imports
loadgen: $(LOADGEN_BIN) $(LGECHO_BIN) $(LGCEIL_BIN) $(LGFLOOR_BIN)

loadgen-unit: $(LGHIST_TEST)
	$(LGHIST_TEST) 2>&1

loadgen-smoke: $(LOADGEN_BIN) $(LGECHO_BIN) $(LGFLOOR_BIN) $(OUT)/skillarena
	tools/bench/smoke.sh $(OUT)

bench-loadgen: $(LOADGEN_BIN) $(LGECHO_BIN) $(LGCEIL_BIN) $(LGFLOOR_BIN) $(OUT)/skillarena
	tools/bench/run.sh $(OUT)

# its own throwaway PostgreSQL (:26832): no server, no build product needed
bench-unitboard:
	tools/bench/unit-board.sh $(BENCH_UNITBOARD_SIZES)

# its own throwaway PostgreSQL (:26932) and one server process (:26980)
bench-imports: $(OUT)/skillarena
	tools/bench/imports.sh $(OUT)

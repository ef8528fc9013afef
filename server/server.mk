# server/server.mk - the skillarena binary (included by the top-level Makefile).
#
#   libserver.a        server_SRCS: every .c under server/ but main.c
#   $(OUT)/skillarena  main.c + libserver.a and the libraries it uses
#
# Unit tests of server modules are every tests/unit/test_*.c that no other
# library claims (evaluated late, after every fragment is read).

LIBRARIES    += server
server_SRCS  := $(filter-out server/main.c,$(shell find server -name '*.c'))
server_PKGS  := libwebsockets libuv hiredis libpq libcjson libqrencode
server_LIBS  := -lmbedtls -lmbedx509 -lmbedcrypto -ldl -lm -lpthread
server_USES  := contests sheets scoring
server_TESTS  = $(filter-out $(foreach l,$(filter-out server,$(LIBRARIES)),$($(l)_TESTS)),$(wildcard tests/unit/test_*.c))
INCDIRS      += -Iserver

EXTRA_ALL += $(OUT)/skillarena
.PHONY: server
server: $(OUT)/skillarena

# -rdynamic: scoring plugins (dlopen) resolve the engine's helpers in the binary.
$(OUT)/skillarena: $(OUT)/server/main.o $(OUT)/libserver.a $(OUT)/libcontests.a $(OUT)/libsheets.a \
		$(OUT)/libscoring.a
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(filter %.o %.a,$^) $(server_LINK)

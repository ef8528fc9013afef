#!/usr/bin/env bash
# tests/run.sh - every test of SkillArena, one summary line (what `make test` runs).
#
# Steps, each timed; a failing step does not stop the run:
#   1. build   make all (release) and make VARIANT=asan all
#   2. lint    make lint (clang-format check, cppcheck)
#   2b. unit   every tests/unit binary of both variants (cmocka, 2>&1)
#   3. services  throwaway PostgreSQL + Redis in a mktemp dir under /tmp
#   4. integration  tests/integration/*.test.js against build/asan/skillarena
#   5. browser tests/browser/*.test.js against build/release/skillarena
#   6. steps   make test-steps (fuzz smoke runs, sample validation, ...)
#   7. stop services, remove the temporary directory
# Counting: one unit per test binary, test file, or test-steps run. The last
# line is exactly "N passed, N failed"; the exit status is non-zero if
# anything failed. Logs of every step: tests/out/run/ (SA_TEST_OUT).
#
# Environment: SA_TEST_PG_PORT, SA_TEST_REDIS_PORT (default: the first free
#   pair of 25440..25469 / 25470..25499),
#   SA_TEST_FILTER=regex (only test files/binaries whose name matches),
#   SA_TEST_TIMEOUT (seconds per test file, 420), SA_TEST_CASE_TIMEOUT (ms per
#   test case, 180000), SA_SKIP_BUILD=1,
#   SA_SKIP_BROWSER=1, JOBS (make -j, default: number of cores).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

OUT=${SA_TEST_OUT:-$ROOT/tests/out/run}
PGPORT=${SA_TEST_PG_PORT:-}
REDISPORT=${SA_TEST_REDIS_PORT:-}
FILTER=${SA_TEST_FILTER:-}
FILE_TIMEOUT=${SA_TEST_TIMEOUT:-420}
JOBS=${JOBS:-$(nproc)}

rm -rf "$OUT"
mkdir -p "$OUT"
export SA_TEST_OUT=$OUT

PASSED=0
FAILED=0
FAILURES=()
SVC_DIR=''
T_ALL=$SECONDS

say() { printf '%s\n' "$*"; }
hr() { printf -- '---- %s\n' "$*"; }

cleanup() {
	local rc=$?
	if [[ -n $SVC_DIR ]]; then
		"$ROOT/tools/services.sh" stop "$SVC_DIR/svc" >"$OUT/services-stop.log" 2>&1 \
			|| cat "$OUT/services-stop.log"
		rm -rf "$SVC_DIR"
		SVC_DIR=''
	fi
	return $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); }

fmt_time() { printf '%d.%ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
now_ms() { date +%s%3N; }

# step NAME LOGFILE CMD... - runs CMD with output in LOGFILE; prints
# "PASS/FAIL NAME (time)"; on failure the end of the log. Counts it.
step() {
	local name=$1 logf=$2 t0 rc
	shift 2
	t0=$(now_ms)
	set +e
	"$@" >"$logf" 2>&1
	rc=$?
	set -e
	local dt=$(($(now_ms) - t0))
	if ((rc == 0)); then
		printf 'PASS  %-46s %8s\n' "$name" "$(fmt_time "$dt")"
		pass
	else
		printf 'FAIL  %-46s %8s  (exit %d, log %s)\n' "$name" "$(fmt_time "$dt")" "$rc" "${logf#"$ROOT"/}"
		tail -n "${SA_FAIL_TAIL:-40}" "$logf" | sed 's/^/      | /'
		fail "$name"
	fi
	return $rc
}

selected() { [[ -z $FILTER ]] || [[ $1 =~ $FILTER ]]; }

# ------------------------------------------------------------------ build
BUILD_OK=(0 0)
if [[ ${SA_SKIP_BUILD:-0} != 1 ]]; then
	hr "build"
	if step "build release (make all)" "$OUT/build-release.log" make --no-print-directory -j"$JOBS" all; then
		BUILD_OK[0]=1
	fi
	if step "build asan (make VARIANT=asan all)" "$OUT/build-asan.log" \
		make --no-print-directory -j"$JOBS" VARIANT=asan all; then
		BUILD_OK[1]=1
	fi
else
	[[ -x build/release/skillarena ]] && BUILD_OK[0]=1
	[[ -x build/asan/skillarena ]] && BUILD_OK[1]=1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=23}

# ------------------------------------------------------------------ lint
if [[ -z $FILTER ]]; then
	hr "lint"
	step "make lint" "$OUT/lint.log" make --no-print-directory lint || true
fi

# ------------------------------------------------------------------ unit
hr "unit tests"
mkdir -p "$OUT/unit"
n_unit=0
for variant in release asan; do
	for bin in build/$variant/tests/test_*; do
		[[ -x $bin && -f $bin ]] || continue
		name=$(basename "$bin")
		selected "$name" || continue
		n_unit=$((n_unit + 1))
		step "unit $variant $name" "$OUT/unit/$variant-$name.log" timeout "$FILE_TIMEOUT" "$bin" || true
	done
done
((n_unit)) || say "(no unit test binaries found under build/*/tests/)"

# ------------------------------------------------------------------ services
hr "services"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Free ports: PostgreSQL in 25440..25469, Redis 30 above (another run may be going on).
if [[ -z $PGPORT || -z $REDISPORT ]]; then
	for ((k = 0; k < 30; k++)); do
		if ! port_busy $((25440 + k)) && ! port_busy $((25470 + k)); then
			PGPORT=${PGPORT:-$((25440 + k))}
			REDISPORT=${REDISPORT:-$((25470 + k))}
			break
		fi
	done
	PGPORT=${PGPORT:-25440}
	REDISPORT=${REDISPORT:-25470}
fi
SVC_DIR=$(mktemp -d /tmp/skillarena-test.XXXXXX)
chmod 755 "$SVC_DIR"
SERVICES_OK=0
if step "services (PostgreSQL :$PGPORT, Redis :$REDISPORT)" "$OUT/services.log" \
	"$ROOT/tools/services.sh" start "$SVC_DIR/svc" "$PGPORT" "$REDISPORT"; then
	SERVICES_OK=1
fi
export SA_PG_PORT=$PGPORT SA_REDIS_PORT=$REDISPORT SA_SERVICES_DIR=$SVC_DIR/svc

# node_test KIND BIN FILE - one node:test file against server binary BIN.
node_test() {
	local kind=$1 bin=$2 f=$3 name
	name=$(basename "$f")
	if ! selected "$name"; then return 0; fi
	SA_BIN=$bin step "$kind $name" "$OUT/$kind-${name%.js}.log" \
		timeout --kill-after=10 "$FILE_TIMEOUT" node --test --test-reporter=spec \
		--test-timeout="${SA_TEST_CASE_TIMEOUT:-180000}" "$f" || true
	# Keep the per-test figures (bench lines) visible in the CI output.
	grep -h '^bench: ' "$OUT/$kind-${name%.js}.log" 2>/dev/null | sed 's/^/      /' || true
}

# ------------------------------------------------------------------ integration
hr "integration tests (build/asan/skillarena)"
shopt -s nullglob
ITESTS=(tests/integration/*.test.js)
BTESTS=(tests/browser/*.test.js)
shopt -u nullglob
if ((${#ITESTS[@]} == 0)); then
	say "(no integration tests found)"
elif ((!BUILD_OK[1] || !SERVICES_OK)); then
	for f in "${ITESTS[@]}"; do
		selected "$(basename "$f")" || continue
		printf 'FAIL  %-46s %8s  (not run: %s)\n' "integration $(basename "$f")" - \
			"$( ((BUILD_OK[1])) && echo 'services did not start' || echo 'asan build failed')"
		fail "integration $(basename "$f") (not run)"
	done
else
	for f in "${ITESTS[@]}"; do
		node_test integration "$ROOT/build/asan/skillarena" "$f"
	done
fi

# ------------------------------------------------------------------ browser
hr "browser tests (build/release/skillarena)"
if [[ ${SA_SKIP_BROWSER:-0} == 1 ]]; then
	say "(skipped: SA_SKIP_BROWSER=1)"
elif ((${#BTESTS[@]} == 0)); then
	say "(no browser tests found)"
elif ((!BUILD_OK[0] || !SERVICES_OK)); then
	for f in "${BTESTS[@]}"; do
		selected "$(basename "$f")" || continue
		printf 'FAIL  %-46s %8s  (not run: %s)\n' "browser $(basename "$f")" - \
			"$( ((BUILD_OK[0])) && echo 'services did not start' || echo 'release build failed')"
		fail "browser $(basename "$f") (not run)"
	done
else
	for f in "${BTESTS[@]}"; do
		node_test browser "$ROOT/build/release/skillarena" "$f"
	done
fi

# ------------------------------------------------------------------ test-steps
hr "make test-steps"
if [[ -n $FILTER ]]; then
	say "(skipped: SA_TEST_FILTER is set)"
elif [[ -z $(make -s --no-print-directory -n test-steps 2>&1 || echo failed) ]]; then
	say "(no test steps: TEST_STEPS is empty)"
else
	step "make test-steps" "$OUT/test-steps.log" make --no-print-directory test-steps || true
fi

# ------------------------------------------------------------------ end
hr "stopping services"
cleanup

say ""
say "total time: $((SECONDS - T_ALL)) s; logs in ${OUT#"$ROOT"/}/"
if ((FAILED)); then
	say "failed:"
	printf '  %s\n' "${FAILURES[@]}"
fi
say "$PASSED passed, $FAILED failed"
((FAILED == 0))

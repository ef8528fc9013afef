#!/usr/bin/env bash
# tools/install.sh - install what SkillArena needs to build, run and test.
#
# Idempotent and fast when everything is present: Debian packages are checked
# with dpkg-query first, and `apt-get update` + `apt-get install` run only for
# the missing ones. PostgreSQL and Redis are installed WITHOUT starting the
# packaged services (a temporary /usr/sbin/policy-rc.d answers 101 while apt
# runs, removed afterwards even when apt fails) and without the default
# 15/main cluster (createcluster.d/no-main.conf): the project starts its own
# instances with tools/services.sh.
#
# Then the Node packages of the test suite (tests/package.json, pinned by
# tests/package-lock.json) are installed when tests/node_modules is missing or
# older than the lock file.
#
# Usage: tools/install.sh            (as root; `make deps` runs it)
#        SKIP_NPM=1 tools/install.sh (Debian packages only)
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)

log() { printf 'install: %s\n' "$*" >&2; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

# Build and library packages.
PKGS=(
	build-essential pkg-config
	libwebsockets-dev libwebsockets-evlib-uv libuv1-dev
	libhiredis-dev libpq-dev libcjson-dev libmbedtls-dev
	libcmocka-dev libqrencode-dev libargon2-dev
	libcairo2-dev libpango1.0-dev fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei
	librsvg2-dev # the analysis charts (SVG) converted to PNG and PDF (CJK in fonts-wqy-zenhei)
	poppler-utils zbar-tools
	libzip-dev libexpat1-dev libxlsxwriter-dev python3-openpyxl
	clang libclang-rt-14-dev clang-format cppcheck
	redis-server redis-tools
	postgresql-15 postgresql-client-15
	procps psmisc curl ca-certificates openssl git # openssl: test 39-xapi-https makes its certificates
	iproute2 # tools/run.sh: the LAN address for join URLs (ip route / ip addr)
	python3 tzdata # results tests: python3 runs the item-statistics reference, tzdata gives the zones
)
# Browser tests: installed without recommends (~530 MB instead of >1 GB).
PKGS_NORECOMMENDS=(chromium chromium-driver fonts-noto-cjk)

# missing PKG... - prints the packages that are not fully installed.
missing() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[[ $st == installed ]] || printf '%s\n' "$p"
	done
}

POLICY=/usr/sbin/policy-rc.d
POLICY_OURS=0
cleanup() {
	if ((POLICY_OURS)); then
		rm -f "$POLICY"
	fi
}
trap cleanup EXIT

apt_install() {
	# $1: extra apt option ("" or --no-install-recommends), rest: packages
	local opt=$1
	shift
	local args=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
		-o Dpkg::Options::=--force-confold)
	[[ -n $opt ]] && args+=("$opt")
	DEBIAN_FRONTEND=noninteractive apt-get install "${args[@]}" "$@"
}

install_debian() {
	local need need_nr
	mapfile -t need < <(missing "${PKGS[@]}")
	mapfile -t need_nr < <(missing "${PKGS_NORECOMMENDS[@]}")
	if ((${#need[@]} == 0 && ${#need_nr[@]} == 0)); then
		log "Debian packages: all present"
		return 0
	fi
	[[ $(id -u) == 0 ]] || die "missing Debian packages (${need[*]} ${need_nr[*]}): run as root"
	command -v apt-get >/dev/null || die "apt-get not found: this script targets Debian 12"

	# No default cluster, no service started by the packages' maintainer scripts.
	mkdir -p /etc/postgresql-common/createcluster.d
	if ! grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.d/*.conf; then
		echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main.conf
	fi
	if [[ ! -e $POLICY ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$POLICY"
		chmod 755 "$POLICY"
		POLICY_OURS=1
	fi

	log "installing: ${need[*]} ${need_nr[*]}"
	local t0=$SECONDS
	DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null \
		|| die "apt-get update failed"
	if ((${#need[@]})); then
		apt_install "" "${need[@]}" || die "apt-get install ${need[*]} failed"
	fi
	if ((${#need_nr[@]})); then
		apt_install --no-install-recommends "${need_nr[@]}" \
			|| die "apt-get install ${need_nr[*]} failed"
	fi
	cleanup
	POLICY_OURS=0
	log "Debian packages installed in $((SECONDS - t0)) s"
	local still
	mapfile -t still < <(missing "${PKGS[@]}" "${PKGS_NORECOMMENDS[@]}")
	((${#still[@]} == 0)) || die "still missing after install: ${still[*]}"
}

install_node() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		log "node/npm not found: installing Debian's nodejs and npm"
		[[ $(id -u) == 0 ]] || die "node is missing: run as root"
		DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
		apt_install "" nodejs npm
	fi
	local major
	major=$(node -p 'process.versions.node.split(".")[0]')
	((major >= 18)) || die "node $(node -v) is too old (need 18+, 20 preferred)"
}

install_npm() {
	local dir=$ROOT/tests stamp=$ROOT/tests/node_modules/.skillarena-stamp
	[[ -f $dir/package.json ]] || return 0
	if [[ -f $stamp && $stamp -nt $dir/package.json &&
		(! -f $dir/package-lock.json || $stamp -nt $dir/package-lock.json) ]]; then
		log "npm packages: up to date"
		return 0
	fi
	local t0=$SECONDS
	log "npm packages: installing in tests/"
	if [[ -f $dir/package-lock.json ]]; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) \
			|| die "npm ci failed in tests/ (is tests/package-lock.json in sync with package.json?)"
	else
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error) \
			|| die "npm install failed in tests/"
	fi
	touch "$stamp"
	log "npm packages installed in $((SECONDS - t0)) s"
}

install_debian
install_node
if [[ ${SKIP_NPM:-0} != 1 ]]; then
	install_npm
fi

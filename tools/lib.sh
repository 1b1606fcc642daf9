# tools/lib.sh -- shared shell helpers for neardup's scripts (sourced, not run).
#
# Environment knobs (all optional):
#   ND_PGPORT      port of the throwaway cluster            (default 54329)
#   ND_PGBASE      where the cluster lives                  (default <repo>/build/pg)
#   ND_NO_APT=1    never call apt-get, even as root
#   ND_PGBIN       server binaries (initdb, pg_ctl)         (default /usr/lib/postgresql/15/bin)
#   PG_CONFIG      pg_config of the server to build for     (default: $ND_PGBIN/pg_config)

set -euo pipefail

ND_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ND_BUILD="$ND_ROOT/build"
ND_PGPORT=${ND_PGPORT:-54329}
ND_PGBASE=${ND_PGBASE:-$ND_BUILD/pg}
ND_PGBIN=${ND_PGBIN:-/usr/lib/postgresql/15/bin}
if [ -z "${PG_CONFIG:-}" ]; then
	if [ -x "$ND_PGBIN/pg_config" ]; then PG_CONFIG="$ND_PGBIN/pg_config"; else PG_CONFIG=pg_config; fi
fi
export PG_CONFIG

ND_PACKAGES="make gcc gcc-multilib pkg-config clang-14 libclang-rt-14-dev locales python3 python3-psycopg chromium postgresql-15 postgresql-server-dev-15 libxxhash-dev postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-rum"

# nd_log: a step heading on stderr, in bold only when stderr is a terminal
# (no escape codes in piped or redirected logs; NO_COLOR turns it off too).
nd_log() {
	if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2
	else printf '==> %s\n' "$*" >&2; fi
}
nd_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages that are missing (as root), or says which are
# missing (as anyone else).
nd_install_deps() {
	local missing=() p
	for p in $ND_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		nd_extra_locales
		return 0
	fi
	if [ "$(id -u)" -ne 0 ] || [ "${ND_NO_APT:-0}" = 1 ]; then
		nd_die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
	fi
	nd_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	nd_extra_locales
}

# A Turkish locale, for the test that fingerprints do not depend on the
# database locale (dotted and dotless i are where locales differ most).
# Generated as root when missing; the test skips it when it cannot be had.
nd_extra_locales() {
	if [ "$(id -u)" -eq 0 ] && ! locale -a 2>/dev/null | grep -qi '^tr_TR\.utf-\?8$' \
		&& command -v localedef >/dev/null; then
		localedef -i tr_TR -f UTF-8 tr_TR.UTF-8 2>/dev/null || true
	fi
}

# Builds warning-free (-Werror) and installs into the server's directories.
# Installing needs write access to them: root, or a user who owns them.
nd_build_install() {
	nd_log "building neardup"
	make -C "$ND_ROOT" -s WERROR=1 PG_CONFIG="$PG_CONFIG"
	nd_log "installing neardup into $("$PG_CONFIG" --pkglibdir)"
	if [ -w "$("$PG_CONFIG" --pkglibdir)" ]; then
		make -C "$ND_ROOT" -s install PG_CONFIG="$PG_CONFIG"
	elif command -v sudo >/dev/null; then
		sudo make -C "$ND_ROOT" -s install PG_CONFIG="$PG_CONFIG"
	else
		nd_die "cannot write $("$PG_CONFIG" --pkglibdir): run as root"
	fi
}

# Runs a command as the cluster owner: postgres when we are root (PostgreSQL
# refuses to run as root), ourselves otherwise.
nd_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# The cluster lives under the build tree.  When the build tree is not
# reachable by the postgres user (a clone under /root, say), it lives in a
# private directory under /tmp instead, and build/pg is a link to it.
nd_prepare_base() {
	mkdir -p "$ND_BUILD"
	if [ "$(id -u)" -eq 0 ] && [ "$ND_PGBASE" = "$ND_BUILD/pg" ]; then
		if ! runuser -u postgres -- test -x "$ND_BUILD" 2>/dev/null; then
			local alt
			if [ -L "$ND_BUILD/pg" ] && [ -d "$(readlink "$ND_BUILD/pg")" ]; then
				alt=$(readlink "$ND_BUILD/pg")
			else
				rm -rf "$ND_BUILD/pg"
				alt=$(mktemp -d /tmp/neardup-pg.XXXXXX)
				ln -s "$alt" "$ND_BUILD/pg"
			fi
			ND_PGBASE=$alt
		fi
	fi
	mkdir -p "$ND_PGBASE"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$ND_PGBASE"
		chmod 700 "$ND_PGBASE"
	fi
	ND_PGDATA="$ND_PGBASE/data"
	ND_PGSOCK="$ND_PGBASE/sock"
}

# True when the throwaway cluster of this checkout is running.
nd_pg_running() {
	nd_prepare_base
	[ -s "$ND_PGDATA/PG_VERSION" ] && nd_as_owner "$ND_PGBIN/pg_ctl" -D "$ND_PGDATA" status >/dev/null 2>&1
}

# Client environment pointing at the throwaway cluster.
nd_client_env() {
	nd_prepare_base
	export PGHOST="$ND_PGSOCK" PGPORT="$ND_PGPORT" PGUSER=postgres
	export PGDATABASE=${PGDATABASE:-postgres}
}

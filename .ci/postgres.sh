# Sourced by .ci/run: starts a throwaway PostgreSQL cluster for the pg
# backend's tests and exports EXDR_TEST_PG_CONN_STR, which they read
# (with it set, a server they cannot reach fails them; without it they
# skip). Installs Debian's postgresql package when it is absent.

pg_bin() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

start_test_postgres() {
	local bin dir port run
	bin=$(pg_bin)
	if [ -z "$bin" ] && command -v apt-get >/dev/null 2>&1; then
		echo "== installing postgresql for the pg backend's tests"
		apt-get install -y -qq postgresql >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; } ||
			echo "postgresql could not be installed"
		bin=$(pg_bin)
	fi
	if [ -z "$bin" ]; then
		echo "no PostgreSQL: EXDR_TEST_PG_CONN_STR is not set and the pg backend's tests skip"
		return 0
	fi
	dir=$(mktemp -d /tmp/exdr-pg.XXXXXX)
	port=54329
	run=""
	if [ "$(id -u)" = 0 ]; then
		# initdb refuses to run as root: the cluster belongs to postgres.
		id postgres >/dev/null 2>&1 || useradd -r postgres
		chown postgres "$dir"
		run="runuser -u postgres --"
	fi
	$run "$bin/initdb" -D "$dir/data" -A trust -U exdr >/dev/null
	$run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir -p $port -c listen_addresses=''" start >/dev/null
	$run "$bin/createdb" -h "$dir" -p "$port" -U exdr exdr_test
	export EXDR_TEST_PG_CONN_STR="postgres://exdr@/exdr_test?host=$dir&port=$port"
	export EXDR_TEST_PG_CTL="$run $bin/pg_ctl -D $dir/data -l $dir/log -w -o '-k $dir -p $port -c listen_addresses='"
	# shellcheck disable=SC2064
	trap "$run $bin/pg_ctl -D $dir/data -m immediate stop >/dev/null 2>&1; rm -rf $dir" EXIT
	echo "== PostgreSQL for the pg backend's tests: $EXDR_TEST_PG_CONN_STR"
}

#!/usr/bin/env bash
# Side by side: exdr against OpenTofu, cost per resource, on this machine.
#
#   bash bench/sidebyside.sh /path/to/tofu [SIZES...]
#
# TOFU is an OpenTofu binary built from its release tag (git checkout
# v1.12.6 && go build ./cmd/tofu). SIZES are exdr's sizes in databases
# (default: 1000 10000); exdr's organization of N databases has 1.22 N
# resources (servers, storage groups, databases), and OpenTofu gets the
# same count of terraform_data resources, or half of it from 10,000 up
# (applying its state is the slow part). Each command runs three times,
# the two tools interleaved, and the best run counts. It prints, per
# size: wall seconds and peak RSS of each command, then the ratio of
# OpenTofu's cost per resource to exdr's. exdr's configuration cache is
# on, as on any machine after the first run (its first validate fills
# it); "parsing" is exdr with EXDR_CONFIG_CACHE=off.
#
# Not run by CI: it takes minutes (OpenTofu's apply, exdr's lab builds).
set -euo pipefail

tofu=$(realpath "$1")
shift
sizes=("${@:-1000 10000}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export EXDR_CONFIG_CACHE="$work/cache" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
# An empty CLI configuration: without one OpenTofu warns on every run.
: >"$work/tofurc"
export TF_CLI_CONFIG_FILE="$work/tofurc"
(cd "$root" && go build -o "$work/exdr" .)

# best CMD...: runs CMD three times; prints "SECONDS KB" of the fastest
# run, and its peak RSS.
best() {
	local i
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
		tail -1 "$work/time"
	done | sort -n | head -1
}

# tofu_config DIR N: N terraform_data resources, 100 to a file.
tofu_config() {
	local dir=$1 n=$2 i f
	mkdir -p "$dir"
	for ((i = 0; i < n; i++)); do
		f=$dir/r$((i / 100)).tf
		printf 'resource "terraform_data" "r%d" {\n  input = "value-%d"\n}\n\n' "$i" "$i" >>"$f"
	done
}

printf '%-8s %-28s %-18s %-18s\n' size command exdr opentofu
for n in ${sizes[@]}; do
	servers=$((n / 50))
	resources=$((servers + servers * 10 + n))
	tofu_n=$resources
	((n >= 10000)) && tofu_n=$((resources / 2))

	# exdr: a healthy lab (built with apply) and a damaged one (a tenth of
	# the databases lost, corrupt or dismounted).
	healthy=$work/exdr-healthy-$n damaged=$work/exdr-damaged-$n
	(cd "$root" && EXDR_GENERATE=$healthy EXDR_BENCH_SERVERS=$servers go test ./lang -run WriteGenerated -count=1 >/dev/null)
	"$work/exdr" apply -auto-approve "$healthy" >/dev/null
	(cd "$root" && EXDR_BENCH_LAB=$damaged EXDR_BENCH_SERVERS=$servers go test ./internal/command -run WriteBenchLab -count=1 >/dev/null)

	# OpenTofu: the same count of resources, applied, then a tenth changed.
	tf=$work/tofu-$n
	tofu_config "$tf" "$tofu_n"
	(cd "$tf" && "$tofu" init -input=false >/dev/null && "$tofu" apply -auto-approve -input=false -parallelism=10 >/dev/null)
	tfc=$work/tofu-changed-$n
	cp -r "$tf" "$tfc"
	sed -i -E 's/"value-([0-9]*0)"/"changed-\1"/' "$tfc"/*.tf

	read -r evc emc < <(EXDR_CONFIG_CACHE=off best "$work/exdr" validate "$healthy")
	read -r ev em < <(best "$work/exdr" validate "$healthy")
	read -r tv tm < <(cd "$tf" && best "$tofu" validate)
	read -r ep epm < <(best "$work/exdr" plan -detailed-exitcode "$healthy")
	read -r tp tpm < <(cd "$tf" && best "$tofu" plan -input=false -detailed-exitcode)
	read -r ed edm < <(best "$work/exdr" plan -allow-data-loss -detailed-exitcode "$damaged")
	read -r td tdm < <(cd "$tfc" && best "$tofu" plan -input=false -detailed-exitcode)

	printf '%-8s %-28s %-18s %-18s\n' "$n" "validate (exdr parsing)" "${evc}s ${emc}KB" "${tv}s ${tm}KB"
	printf '%-8s %-28s %-18s %-18s\n' "$n" "validate (exdr cached)" "${ev}s ${em}KB" "${tv}s ${tm}KB"
	printf '%-8s %-28s %-18s %-18s\n' "$n" "plan, no changes" "${ep}s ${epm}KB" "${tp}s ${tpm}KB"
	printf '%-8s %-28s %-18s %-18s\n' "$n" "plan, a tenth damaged" "${ed}s ${edm}KB" "${td}s ${tdm}KB"
	ratio() { awk -v t="$1" -v tn="$tofu_n" -v e="$2" -v en="$resources" 'BEGIN { printf "%.1f", (t / tn) / (e / en) }'; }
	printf '%-8s ratio per resource (exdr %d resources, OpenTofu %d): validate %s× (parsing %s×), plan no changes %s×, plan damaged %s×, memory (validate) %s×, memory (plan) %s×\n' \
		"$n" "$resources" "$tofu_n" "$(ratio "$tv" "$ev")" "$(ratio "$tv" "$evc")" "$(ratio "$tp" "$ep")" "$(ratio "$td" "$ed")" "$(ratio "$tm" "$em")" "$(ratio "$tpm" "$epm")"
done

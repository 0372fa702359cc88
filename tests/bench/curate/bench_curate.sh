#!/bin/sh
# bench_curate: the paper's national figure, 1,645,475 generated banners, through
# `narrowscan ingest` and `narrowscan curate run` (filter, normalise, aggregate),
# timed with wall clock and peak RSS (/usr/bin/time). Issue 7 asks for <= 60 s and
# <= 2 GB together. Generation by the testbed is not counted.
#
# Usage: bench_curate [BANNERS] [FORMAT]   (defaults: 1645475 hosts-jsonl)
# Runs from the build tree (tests/bench/bench_curate); work files go to a temp dir.
set -eu
banners=${1:-1645475}
format=${2:-hosts-jsonl}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)
source=@PROJECT_SOURCE_DIR@
narrowscan=$build/controller/cli/narrowscan
testbed=$build/tests/testbed/narrowscan-testbed
for tool in "$narrowscan" "$testbed"; do
  [ -x "$tool" ] || { echo "bench_curate: build $tool first" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench_curate: needs /usr/bin/time (Debian package 'time')" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# The default population yields about 4,445 banners at scale 1; place the hosts on a
# /10 of loopback so that a national-sized population fits.
scale=$(awk -v b="$banners" 'BEGIN { printf "%.3f", b / 4445 * 1.02 + 0.01 }')
"$testbed" generate --population "$source/tests/testbed/populations/default.toml" \
  --scale "$scale" --ranges 127.64.0.0/10 --max-banners "$banners" --format "$format" \
  --output "$work/scan" --truth "$work/truth.jsonl"

measure() {  # name, command…: prints "name wall_seconds peak_kib cpu_seconds"
  name=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/$name.out"
  set -- $(cat "$work/time")
  echo "$name $1 $2 $(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')"
}
ingest=$(measure ingest "$narrowscan" ingest "$work/scan" --format "$format" --store "$work/store.db" --json)
run=$(measure run "$narrowscan" curate run --store "$work/store.db" --json)
cat "$work/ingest.out"
cat "$work/run.out"
echo "step wall_s peak_KiB cpu_s"
echo "$ingest"
echo "$run"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall time includes waiting for them)"
echo "$ingest $run" | awk '{ total = $2 + $6; cpu = $4 + $8; peak = ($3 > $7 ? $3 : $7);
  printf "total: %.1f s wall, %.1f s CPU (limit 60), peak RSS %.0f MiB (limit 2048)\n", total, cpu, peak / 1024;
  exit (total <= 60 && peak <= 2 * 1024 * 1024) ? 0 : 1 }'

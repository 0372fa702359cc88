#!/usr/bin/env bash
# tests/bench/footprint.sh — the probe's footprint, as issue 8 quotes it:
#   1. stripped sizes of the static probe for aarch64 and armhf, with broker TLS
#      (Paho + OpenSSL) and without (limits: aarch64 <= 2.5 MB without, <= 6 MB with;
#      armhf smaller), next to Debian's nmap (dynamic) as an anchor;
#   2. peak RSS of the native probe scanning 1,024 loopback addresses x 100 ports at
#      2,000 concurrent connections (limit 15 MB), and for reference the aarch64 probe
#      under qemu-aarch64 (qemu adds its own memory).
# Builds what is missing: the static probes in build/footprint-ARCH-tls|plain (cross/
# sysroots, Paho, mbedTLS and OpenSSL are made if needed), the native probe from
# $NARROWSCAN_NATIVE_BUILD (default build/ci; configured with the ci preset if absent).
#   tests/bench/footprint.sh [--sizes-only|--rss-only]
# Traffic stays on 127.0.0.0/8.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
source cross/arch.sh
mode=${1:-all}
jobs=${NARROWSCAN_JOBS:-$(nproc)}
native=${NARROWSCAN_NATIVE_BUILD:-build/ci}
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
failures=0

static_probe() {  # ARCH ON|OFF -> prints the path of the static probe, building it if needed
  local arch=$1 tls=$2 dir=build/footprint-$1-$([[ $2 == ON ]] && echo tls || echo plain)
  cross/build-paho "$arch" >&2
  cross/build-mbedtls "$arch" >&2
  [[ $tls == OFF ]] || cross/build-openssl "$arch" >&2
  if [[ ! -f $dir/build.ninja ]]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$repo/cross/toolchain-$arch.cmake" \
      -DCMAKE_BUILD_TYPE=MinSizeRel -DNARROWSCAN_PROBE_ONLY=ON -DNARROWSCAN_STATIC_PAHO=ON \
      -DNARROWSCAN_BROKER_TLS="$tls" -DNARROWSCAN_BUILD_TESTS=OFF -DNARROWSCAN_BUILD_BENCH=OFF >&2
  fi
  cmake --build "$dir" -j "$jobs" --target narrowscan-probe >&2
  find "$dir/probe" -name narrowscan-probe -type f -perm -u+x | head -1
}

if [[ $mode != --rss-only ]]; then
  echo "== stripped static probe sizes"
  printf '%-8s %-22s %12s %10s  %s\n' arch variant bytes size limit
  for arch in arm64 armhf; do
    cross_arch_vars "$arch"
    for tls in OFF ON; do
      bin=$(static_probe "$arch" "$tls")
      stripped=$(mktemp)
      "$triplet-strip" -o "$stripped" "$bin"
      bytes=$(stat -c %s "$stripped")
      rm -f "$stripped"
      variant=$([[ $tls == ON ]] && echo "broker TLS (OpenSSL)" || echo "no broker TLS")
      limit=""
      if [[ $arch == arm64 ]]; then
        max=$([[ $tls == ON ]] && echo 6000000 || echo 2500000)
        limit="<= $(mb "$max")"
        ((bytes <= max)) || { limit+=" EXCEEDED"; failures=$((failures + 1)); }
        declare "size_arm64_$tls=$bytes"
      else
        ref_var=size_arm64_$tls
        limit="< aarch64 ($(mb "${!ref_var}"))"
        ((bytes < ${!ref_var})) || { limit+=" NOT SMALLER"; failures=$((failures + 1)); }
      fi
      printf '%-8s %-22s %12d %10s  %s\n' "$arch" "$variant" "$bytes" "$(mb "$bytes")" "$limit"
    done
  done
  for anchor in /usr/bin/nmap /usr/bin/masscan; do
    [[ -x $anchor ]] && printf '%-8s %-22s %12d %10s  %s\n' amd64 "$(basename "$anchor") (dynamic)" \
      "$(stat -c %s "$anchor")" "$(mb "$(stat -c %s "$anchor")")" anchor
  done
fi

if [[ $mode != --sizes-only ]]; then
  echo "== peak RSS: 1,024 loopback addresses x 100 ports, 2,000 concurrent connections"
  native_probe=$(find "$native/probe" -name narrowscan-probe -type f -perm -u+x 2>/dev/null | head -1)
  if [[ -z $native_probe ]]; then
    [[ -f $native/build.ninja ]] || cmake --preset ci >/dev/null
    cmake --build "$native" -j "$jobs" --target narrowscan-probe >/dev/null
    native_probe=$(find "$native/probe" -name narrowscan-probe -type f -perm -u+x | head -1)
  fi
  arm_probe=$(static_probe arm64 OFF)
  cross_arch_vars arm64

  # Services that keep connections open (silent: the probe waits for a banner until
  # its read timeout) on two ports of every address hold ~2,000 connections at once;
  # HTTP on a third port of 64 addresses gives banners. Its own /22 keeps parallel
  # runs apart.
  ulimit -n "$(ulimit -Hn)"  # ~4,200 sockets on the services side, 2,000 on the probe side
  base=127.$((RANDOM % 200 + 20)).$(((RANDOM % 60) * 4))
  IFS=. read -r o1 o2 o3 _ <<<"$base.0"
  specs=()
  for i in $(seq 0 1023); do
    ip=$o1.$o2.$((o3 + i / 256)).$((i % 256))
    specs+=("$ip:21:silent" "$ip:23:silent")
    ((i < 64)) && specs+=("$ip:80:http")
  done
  ports=$(seq -s, 20 117)  # 98 ports incl. 21, 23, 80
  ports+=",8080,9999"
  work=$(mktemp -d /tmp/narrowscan-footprint.XXXXXX)
  coproc services { exec python3 cross/checks/loopback-services.py "${specs[@]}"; }
  services_pid=$services_PID
  trap 'kill $services_pid 2>/dev/null; rm -rf "$work"' EXIT
  read -r -t 60 line <&"${services[0]}" || true
  [[ ${line:-} == ready ]] || { echo "footprint: loopback services did not start" >&2; exit 1; }

  peak_rss() {  # LABEL LIMIT_KB CMD... : runs CMD, prints wall time, peak RSS and open results
    local label=$1 limit=$2; shift 2
    python3 - "$label" "$limit" "$work/out.jsonl" "$@" <<'PY'
import resource, subprocess, sys, time
label, limit, out, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
start = time.monotonic()
status = subprocess.run(cmd + ["--output", out], stderr=subprocess.DEVNULL).returncode
wall = time.monotonic() - start
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
results = sum(1 for _ in open(out)) if status == 0 else 0
verdict = "" if limit == 0 else (f"<= {limit / 1000:.0f} MB" if kb <= limit else f"EXCEEDS {limit / 1000:.0f} MB")
print(f"{label:<34} exit {status}  wall {wall:6.2f} s  peak RSS {kb / 1000:6.2f} MB  open results {results}  {verdict}")
sys.exit(0 if status == 0 and (limit == 0 or kb <= limit) else 1)
PY
  }
  scan=(scan --targets "$base.0/22" --ports "$ports" --rate 100000 --max-concurrency 2000
        --seed 1 --no-default-excludes)
  echo "targets $base.0/22 x 100 ports = 102,400 pairs; services: $((${#specs[@]})) listening"
  peak_rss "native ($(uname -m))" 15000 "$native_probe" "${scan[@]}" || failures=$((failures + 1))
  peak_rss "aarch64 static under qemu (ref.)" 0 "$qemu" -L "$sysroot" "$arm_probe" "${scan[@]}" ||
    failures=$((failures + 1))
fi
((failures == 0)) || { echo "footprint: $failures figure(s) out of bounds or failed" >&2; exit 1; }

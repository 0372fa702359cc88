# Sourced by the cross/ scripts: maps a Debian architecture name (arm64, armhf) to
# the GNU triplet, qemu-user binary and CMake processor name, and names the cache
# folders. Everything cached lives under cross/ (gitignored) so a CI run from a fresh
# clone builds it once and later runs reuse it.
cross_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$cross_dir/.." && pwd)

cross_arch_vars() {
  case $1 in
    arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64 ;;
    armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm ;;
    *) echo "cross: unknown architecture '$1' (use arm64 or armhf)" >&2; return 2 ;;
  esac
  sysroot=$cross_dir/sysroot/$1
  outdir=$cross_dir/out/$1
}

# The machine's own Debian mirror (the first URIs: of debian.sources, or the first
# deb line of sources.list): the repository never names a mirror host.
cross_mirror() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || { echo "cross: no Debian mirror found in the apt configuration" >&2; return 1; }
  echo "$uri"
}

# Unpacks Debian bookworm's source package SOURCE=VERSION under cross/out/src (once for
# all architectures) and prints the unpacked folder. `apt-get source` runs with a
# private apt state under cross/out/apt so the host's /etc/apt is never touched.
cross_fetch_source() {
  local name=${1%%=*} version=${1#*=} src_root=$cross_dir/out/src
  local src=$src_root/$name-${version%%-*}
  if [[ ! -f $src/debian/control ]]; then
    local mirror apt_state=$cross_dir/out/apt
    mirror=$(cross_mirror)
    mkdir -p "$apt_state/sources.list.d" "$apt_state/lists/partial" "$apt_state/cache/archives/partial" "$src_root"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
      >"$apt_state/sources.list"
    local apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o "Dir::Etc::SourceParts=$apt_state/sources.list.d"
                    -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache"
                    -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
    apt-get "${apt_opts[@]}" -qq update >&2
    (cd "$src_root" && apt-get "${apt_opts[@]}" -qq source "$name=$version" >&2)
  fi
  [[ -f $src/debian/control ]] || { echo "cross: no source of $name $version in $src" >&2; return 1; }
  echo "$src"
}

# Stamps of the libraries cross/build-* make: a stamp holds the hash of the script
# that made it, so editing a build's configuration rebuilds it.
#   cross_stamp_fresh STAMP NAME   true when STAMP was written by cross/NAME as it is now
#   cross_stamp_write STAMP NAME
cross_stamp_fresh() { [[ -f $1 && $(cat "$1") == "$(sha256sum "$cross_dir/$2" | cut -d' ' -f1)" ]]; }
cross_stamp_write() { sha256sum "$cross_dir/$2" | cut -d' ' -f1 >"$1"; }

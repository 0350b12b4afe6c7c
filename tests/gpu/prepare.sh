#!/usr/bin/env bash
# Fetches the Debian 12 packages of tests/gpu/packages.txt, which run.sh unpacks on a machine with no
# OpenCL loader and no network, into a folder that git ignores, with a SHA256SUMS file that run.sh
# checks there. A package whose file, with the checksum apt expects, is in apt's cache is copied from
# there (a machine that installed the packages needs no network); the others are downloaded.
#
# Usage: tests/gpu/prepare.sh [--check] [--update] [DIR]
#   DIR       where the .deb files go (default tests/gpu/debs)
#   --check   only resolve every package to its file, size and checksum; download and write nothing
#   --update  run apt-get update first (when apt does not know a package or the archive has moved on)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/debs
check=0
update=0
cache=${OCLAB_APT_CACHE:-/var/cache/apt/archives}
# The device tool carries at most 64 MiB of ignored paths in all; these packages need about 2.5 MiB.
max_bytes=$((16 * 1024 * 1024))

die() {
    echo "prepare.sh: error: $*" >&2
    exit 1
}
usage() {
    echo "prepare.sh: error: $*; usage: tests/gpu/prepare.sh [--check] [--update] [DIR]" >&2
    exit 2
}

while (($#)); do
    case $1 in
    --check) check=1 ;;
    --update) update=1 ;;
    -*) usage "unknown option '$1'" ;;
    *) dir=$1 ;;
    esac
    shift
done

mapfile -t packages < <(awk '!/^#/ && NF { print $1 }' "$here/packages.txt")
((${#packages[@]})) || die "no packages in $here/packages.txt"
arch=$(dpkg --print-architecture 2>/dev/null) || die "dpkg is missing: run this on Debian 12"
[ "$arch" = amd64 ] || die "this machine is $arch; the GPU machine needs the amd64 packages"

apt_opts=()
# apt drops to its _apt user for downloads, which cannot write to a folder under root's home.
[ "$(id -u)" -ne 0 ] || apt_opts=(-o APT::Sandbox::User=root)

if ((update)); then
    apt-get "${apt_opts[@]}" update -qq || die "apt-get update failed"
fi

# One line per package: 'URI' FILE SIZE SHA256:HEX.
uris=$(apt-get "${apt_opts[@]}" download --print-uris "${packages[@]}" 2>&1) ||
    die "apt cannot resolve the package list: $(grep -m1 '^E:' <<<"$uris" || echo "$uris")" \
        "(run with --update, or apt-get update)"
# The files in the order of packages.txt (a file is named NAME_VERSION_ARCH.deb).
declare -A line_of
while read -r uri file size sum; do
    [[ $uri == \'* ]] && line_of[${file%%_*}]="$file $size ${sum#SHA256:}"
done <<<"$uris"
files=() sizes=() sums=()
total=0
for name in "${packages[@]}"; do
    [ -n "${line_of[$name]:-}" ] || die "apt resolved no file for $name: $uris"
    read -r file size sum <<<"${line_of[$name]}"
    [[ $sum =~ ^[0-9a-f]{64}$ ]] || die "no SHA256 for $file in apt's lists"
    files+=("$file") sizes+=("$size") sums+=("$sum")
    total=$((total + size))
done
((total <= max_bytes)) || die "the packages take $total bytes, over the $max_bytes allowed"

if ((check)); then
    for i in "${!files[@]}"; do
        printf '%-22s %-50s %8d\n' "${packages[i]}" "${files[i]}" "${sizes[i]}"
    done
    echo "prepare.sh: ${#files[@]} packages resolve, $total bytes"
    exit 0
fi

# has_file PATH SUM: PATH exists with that SHA256.
has_file() {
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
missing=()
for i in "${!files[@]}"; do
    if has_file "$dir/${files[i]}" "${sums[i]}"; then
        continue
    elif has_file "$cache/${files[i]}" "${sums[i]}"; then
        cp "$cache/${files[i]}" "$dir/"
    else
        missing+=("${packages[i]}")
    fi
done
if ((${#missing[@]})); then
    echo "prepare.sh: downloading ${missing[*]}" >&2
    (cd "$dir" && apt-get "${apt_opts[@]}" download -q "${missing[@]}") >&2 ||
        die "apt-get download failed for ${missing[*]} (no network? run with --update if the archive moved on)"
fi

# Exactly the listed files, each as apt expects it: an older version left behind would be unpacked too.
for f in "$dir"/*.deb; do
    [ -e "$f" ] || continue
    keep=0
    for name in "${files[@]}"; do [ "${f##*/}" != "$name" ] || keep=1; done
    ((keep)) || rm -f "$f"
done
: >"$dir/SHA256SUMS.tmp"
for i in "${!files[@]}"; do
    has_file "$dir/${files[i]}" "${sums[i]}" || die "${files[i]} does not have the checksum apt expects"
    printf '%s  %s\n' "${sums[i]}" "${files[i]}" >>"$dir/SHA256SUMS.tmp"
done
mv "$dir/SHA256SUMS.tmp" "$dir/SHA256SUMS"
echo "prepare.sh: ${#files[@]} packages, $total bytes in $dir" >&2

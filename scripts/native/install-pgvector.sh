#!/usr/bin/env bash
# Builds pgvector from the vendored source (never a copy inside this repository) and installs it
# into Debian's PostgreSQL server directories. The build is cached by pgvector version, PostgreSQL
# major version and source checksum: a second run only copies the cached files (a few ms).
#
#   scripts/native/install-pgvector.sh            # needs root to write /usr/lib/postgresql, /usr/share/postgresql
#
# Environment:
#   TRIPSAGE_VENDOR_DIR  where pgvector-<version>.tar.gz is (default: the first `shared/vendor` found
#                        walking up from this repository, i.e. `../shared/vendor` on CI)
#   PG_MAJOR             PostgreSQL major version to build for (default 15)
#   XDG_CACHE_HOME       cache root (default ~/.cache); the build lands in tripsage/pgvector/<key>/
#
# Exit status: 0 when pgvector is installed (built or from the cache), 2 when a prerequisite is
# missing (the message says which), anything else when the build failed.
set -euo pipefail

PGVECTOR_VERSION=0.8.0
PGVECTOR_SHA256=93df40ccdaaaa267d1275c1e6e773004a0e5ff8e14227934a4ec7e8205d0f608
PG_MAJOR=${PG_MAJOR:-15}
repo=$(cd "$(dirname "$0")/../.." && pwd)

missing() {
  echo "install-pgvector: $*" >&2
  exit 2
}

find_vendor_dir() {
  if [ -n "${TRIPSAGE_VENDOR_DIR:-}" ]; then echo "$TRIPSAGE_VENDOR_DIR"; return; fi
  local dir=$repo
  while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    if [ -f "$dir/shared/vendor/pgvector-$PGVECTOR_VERSION.tar.gz" ]; then echo "$dir/shared/vendor"; return; fi
  done
}

pg_config=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
[ -x "$pg_config" ] || missing "no PostgreSQL $PG_MAJOR server development files (apt-get install postgresql-server-dev-$PG_MAJOR)"
pkglibdir=$("$pg_config" --pkglibdir)
sharedir=$("$pg_config" --sharedir)

key="pgvector-$PGVECTOR_VERSION-pg$PG_MAJOR-${PGVECTOR_SHA256:0:12}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tripsage/pgvector/$key"

if [ ! -f "$cache/.complete" ]; then
  vendor=$(find_vendor_dir)
  tarball="${vendor:-}/pgvector-$PGVECTOR_VERSION.tar.gz"
  [ -n "$vendor" ] && [ -f "$tarball" ] || missing "no vendored pgvector-$PGVECTOR_VERSION.tar.gz (no ../shared/vendor; set TRIPSAGE_VENDOR_DIR)"
  echo "$PGVECTOR_SHA256  $tarball" | sha256sum --check --status || missing "$tarball does not match its sha256 in shared/vendor/README.md"
  command -v make >/dev/null && command -v cc >/dev/null || missing "no C toolchain (apt-get install build-essential)"
  [ -f "$("$pg_config" --pgxs)" ] || missing "no PGXS makefile (apt-get install postgresql-server-dev-$PG_MAJOR)"

  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tar xzf "$tarball" -C "$work"
  src="$work/pgvector-$PGVECTOR_VERSION"
  started=$(date +%s)
  # with_llvm=no: no bitcode for JIT (Debian's server has no LLVM JIT package installed by default).
  make -s -C "$src" -j"$(nproc)" PG_CONFIG="$pg_config" with_llvm=no >/dev/null
  rm -rf "$cache.partial"
  make -s -C "$src" install PG_CONFIG="$pg_config" with_llvm=no DESTDIR="$cache.partial/root" >/dev/null
  touch "$cache.partial/.complete"
  rm -rf "$cache"
  mkdir -p "$(dirname "$cache")"
  mv "$cache.partial" "$cache"
  echo "install-pgvector: built pgvector $PGVECTOR_VERSION for PostgreSQL $PG_MAJOR in $(($(date +%s) - started))s (cached in $cache)"
fi

# Install from the cache: only the server's library and extension directories (and headers).
[ -w "$pkglibdir" ] && [ -w "$sharedir/extension" ] || missing "cannot write $pkglibdir and $sharedir/extension (run as root)"
(cd "$cache/root" && find . \( -type f -o -type l \) -exec cp -P --parents -t / {} +)
echo "install-pgvector: pgvector $PGVECTOR_VERSION installed into PostgreSQL $PG_MAJOR ($pkglibdir/vector.so)"

#!/usr/bin/env bash
# Installs PostgreSQL 15 (Debian bookworm) and builds pgvector from Debian's own source package
# (trixie ships it; bookworm does not), as verified in shared/TOOLCHAIN.md §5. Idempotent: does
# nothing when both are already there. Needs root (CI runs as root) and Debian's apt.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '› %s\n' "$*"; }

have_vector() {
  [ -x "$PG_CONFIG" ] && [ -f "$("$PG_CONFIG" --sharedir)/extension/vector.control" ]
}

if have_vector; then
  log "PostgreSQL ${PG_MAJOR} with pgvector is already installed."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "Installing PostgreSQL ${PG_MAJOR} and build tools from Debian…"
$SUDO apt-get update -qq
# policy-rc.d keeps the package from starting its default cluster; tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq "postgresql-${PG_MAJOR}" "postgresql-server-dev-${PG_MAJOR}" build-essential >/dev/null

log "Building pgvector from Debian's source package…"
SOURCES=/etc/apt/sources.list.d/strata-trixie-src.sources
if [ ! -f "$SOURCES" ]; then
  # Source lines only: no trixie binary is ever installed here.
  $SUDO tee "$SOURCES" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $SUDO apt-get update -qq
fi
WORK="$(mktemp -d)"
(
  cd "$WORK"
  apt-get source --download-only pgvector >/dev/null
  tar xzf pgvector_*.orig.tar.gz
  cd pgvector-*/
  make -s PG_CONFIG="$PG_CONFIG" >/dev/null
  $SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
)
rm -rf "$WORK"

have_vector || { echo "pgvector did not install into $($PG_CONFIG --sharedir)/extension" >&2; exit 1; }
log "PostgreSQL ${PG_MAJOR} with pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$("$PG_CONFIG" --sharedir)/extension/vector.control") is installed."

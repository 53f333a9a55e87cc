#!/usr/bin/env bash
# Installs what the project needs from Debian's packages, where absent:
#   PostgreSQL + PostGIS (always), Pango and the DejaVu fonts (WeasyPrint draws the board pack's PDF with them),
#   Chromium (with --browser, for the browser tests).
# Idempotent: does nothing when everything is already there.
set -euo pipefail

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

pkgs=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then
    pkgs+=(postgresql postgresql-contrib)
fi
have_postgis=0
if [ -n "$pg_bin" ]; then  # the library itself, not only the SQL scripts (a separate package)
    ls "$(dirname "$pg_bin")"/lib/postgis-3*.so >/dev/null 2>&1 && have_postgis=1
fi
if [ "$have_postgis" = 0 ]; then
    if [ -n "$pg_bin" ]; then
        pkgs+=("postgresql-$(basename "$(dirname "$pg_bin")")-postgis-3")
    else
        pkgs+=(postgis)
    fi
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
    pkgs+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
if [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    pkgs+=(fonts-dejavu-core)
fi
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
    pkgs+=(chromium)
fi
[ ${#pkgs[@]} -eq 0 ] && exit 0

echo "Installing from apt: ${pkgs[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "Please install as root: apt-get install ${pkgs[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
# Debian starts a default cluster on install; the project runs its own, so leave the default alone.

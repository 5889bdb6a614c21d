#!/usr/bin/env bash
# Installs the Debian packages Redress needs to build, run and test.
# Idempotent: asks apt only for what is missing, so a second run takes a second.
set -euo pipefail

# What the product needs to build and run.
build_pkgs=(
  g++ cmake ninja-build pkg-config
  ccache                  # compiles of unchanged sources are cache hits, across clones too
  libboost-dev            # Beast + Asio (header-only, Boost 1.74)
  libsqlite3-dev
  libpq-dev
  libsodium-dev
  nlohmann-json3-dev
  libspdlog-dev libfmt-dev
  libcli11-dev
  libtoml11-dev
  libgmime-3.0-dev        # MIME parse and compose
  libgumbo-dev            # HTML5 parser for sanitising mail HTML
  libcld2-dev             # the language a mail is written in (CLD2)
  libuchardet-dev         # the charset of a mail part that names none, or a wrong one
  libcurl4-openssl-dev    # SMTP out, IMAP in
  zlib1g-dev              # gzip for pages and assets
  libkainjow-mustache-dev # mail templates
  nodejs                  # npm installs the web UI's assets (htmx, Chart.js) at build time
)
# What the tests and benchmarks need on top.
test_pkgs=(
  libgtest-dev libgmock-dev
  postgresql-15
  curl
  wrk
  dovecot-imapd           # a real IMAP server for intake tests
  swaks                   # a real SMTP client
  python3-aiosmtpd        # a real SMTP server that keeps what it receives
  clang libclang-rt-14-dev # libFuzzer for the mail parser
  chromium fonts-dejavu-core # the browser tests drive Debian's Chromium (Playwright)
)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--with-tests" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The web assets and browser-test tools come from npm, pinned by web/package-lock.json.
# `npm ci` only when node_modules is missing or older than the lock file: a second run
# costs nothing.
npm_ci() {
  local web
  web="$(dirname "${BASH_SOURCE[0]}")/../web"
  if [[ ! -f "$web/node_modules/.package-lock.json" || "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
    echo "installing web assets: npm ci in web/" >&2
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# Debian's nodejs comes without npm (its own package); NodeSource's nodejs includes it.
if ! command -v npm >/dev/null; then
  missing+=(npm)
fi

if ((${#missing[@]} == 0)); then
  npm_ci
  exit 0
fi

echo "installing: ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_ci

#!/usr/bin/env bash
# Builds and runs Redress with demo data: the README's "run the product" command.
#
#   scripts/demo.sh [extra `redress serve` options...]
#
# The demo database is a SQLite file, redress-demo.db in the repository root unless
# REDRESS_DEMO_DB says otherwise. The listen address is the program's default.
# When everything is already installed and built this starts in about a second: the
# package check asks dpkg only, and the build is incremental.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Build packages only: the demo needs no test servers.
scripts/install-deps.sh

# The same build/ as scripts/test.sh's (scripts/lib/trees.sh), so that the tests after the
# demo compile only the tests. Configured only when the tree does not exist yet; after that
# Ninja re-runs CMake by itself when a CMakeLists.txt changes. BUILD_TESTING=OFF because the
# test packages (GTest) may not be installed: it changes which targets exist, not how the
# product compiles, and scripts/test.sh turns it on when it configures the same tree.
# shellcheck source-path=SCRIPTDIR source=lib/trees.sh
source scripts/lib/trees.sh
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja "${plain_tree_options[@]}" -DBUILD_TESTING=OFF
fi
cmake --build build --target redress -j "${REDRESS_JOBS:-2}"

exec build/redress serve --demo --db "sqlite:${REDRESS_DEMO_DB:-redress-demo.db}" "$@"

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

# Configure only when the tree does not exist yet; after that Ninja re-runs CMake by itself
# when a CMakeLists.txt changes. BUILD_TESTING=OFF because the test packages (GTest) may not
# be installed; scripts/test.sh turns it back on when it configures the same tree.
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
fi
cmake --build build --target redress -j "${REDRESS_JOBS:-2}"

exec build/redress serve --demo --db "sqlite:${REDRESS_DEMO_DB:-redress-demo.db}" "$@"

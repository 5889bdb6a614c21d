# The build trees' CMake options, in one place: scripts/demo.sh and scripts/test.sh
# configure build/ alike, so that the demo's build is the one the tests use and running
# the tests after the demo compiles only the tests. Sourced, not run.
#
# build/: the optimiser on, no debug info (a heavy file compiles in three quarters of the
# time of -O2 -g). Not -O1, which is faster still but makes g++ 12 warn falsely about
# Boost.Asio's coroutine frames (mismatched-new-delete, an error under -Werror).
# shellcheck disable=SC2034  # used by the scripts that source this file
plain_tree_options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g0"
                    -DREDRESS_SANITIZE=OFF)
# build-asan/: ASan + UBSan at -O0 (a Beast-heavy file compiles about 4x faster than at
# -O2: 65 s against 290 s measured), -g1: line tables are all the sanitizers' reports need.
# shellcheck disable=SC2034
asan_tree_options=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DREDRESS_SANITIZE=ON)

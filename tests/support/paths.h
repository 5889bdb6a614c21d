#pragma once
// Where the tests find the program they run and the sources they read, found at run time
// rather than compiled in: an absolute path in a compile definition differs in every
// checkout, and would make the compiler cache miss for every test file of a fresh clone.
#include <filesystem>
#include <string>

namespace redress::test {

// $REDRESS_BIN, else the `redress` of this build tree (tests/integration_tests is in
// <tree>/tests, the program in <tree>).
const std::string& redress_binary();

// $REDRESS_SOURCE_DIR, else the first directory above this test binary that holds
// CMakeLists.txt and src/app/main.cc (build trees live inside the checkout); empty when
// there is none.
const std::filesystem::path& source_dir();

}  // namespace redress::test

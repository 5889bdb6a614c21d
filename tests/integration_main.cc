// main of the integration test binary: every suite in tests/ is linked into this one
// executable (each of the 25 separate ones linked the whole library: about 110 s of CPU
// each under ASan). It doubles as job_two_process_test's worker process.
#include <gtest/gtest.h>

#include <string_view>

#include "support/job_child.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == redress::test::kJobChildFlag)
    return redress::test::job_child_main(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

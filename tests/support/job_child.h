#pragma once
// The integration test binary is also the worker process of job_two_process_test: started
// with kJobChildFlag as its first argument, it runs jobs instead of tests
// (tests/integration_main.cc).
namespace redress::test {

inline constexpr const char* kJobChildFlag = "--job-child";

// argv: the binary, kJobChildFlag, database URL, worker name, jobs expected. Exit code.
int job_child_main(int argc, char** argv);

}  // namespace redress::test

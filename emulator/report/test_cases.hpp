#pragma once
// A run seen as CI sees tests: one suite per environment, a case per Init attempt, per invocation
// and per process of each Shutdown phase, each failed one with why and what the process said
// last. JUnit renders every case; the Markdown summary lists the failed ones.
//
// Names are stable across runs of the same function with the same events (docs/ci.md): they hold
// the function, the environment's number, the phase and the invocation's index, never a request
// id, a pid or a time, so that CI tools can follow a test from one run to the next.
#include "run_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::report {

// One environment's record with its number: serve numbers its environments from 1; run has one.
struct NumberedRecord {
    int environment = 1;
    const RunRecord* record = nullptr;
};

struct TestFailure {
    std::string type;    // the outcome or verdict word: "function-error", "timeout", "killed", "init-error"
    std::string message; // one line: what failed and why
    std::string details; // several lines: the diagnostic, the error, the process's last lines
};

struct TestCase {
    std::string name; // "init", "invoke 3 (event.json)", "shutdown runtime", "shutdown extension NAME"
    double duration_ms = 0;
    std::optional<TestFailure> failure; // none: passed
    std::string output;                 // what is worth keeping of a passed one (its last lines); may be empty
};

struct TestSuite {
    std::string name; // "lambda-emu.FUNCTION.environment-N", also every case's classname
    int environment = 1;
    std::vector<TestCase> cases;
};

TestSuite test_suite(const NumberedRecord& numbered);

// What `invoke N (SOURCE)` shows of an event's source: a file's name without its folder (the
// same file in another temporary folder names the same test); nothing for the default event.
std::string event_label(const std::string& source);
// How JUnit, the summary and the run's last line name a process in words: "runtime",
// "extension NAME".
std::string process_words(const core::ProcessIdentity& who);

} // namespace lambda_emu::report

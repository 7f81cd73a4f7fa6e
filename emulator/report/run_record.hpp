#pragma once
// Everything one `run` observed, kept for the JSON report and JUnit: Init attempts, invocations
// with their outcomes, every Shutdown phase with every process.
#include "core/extension.hpp"
#include "core/function_config.hpp"
#include "core/invocation.hpp"
#include "core/shutdown.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::report {

struct ExtensionRecord {
    std::string name;
    core::ExtensionKind kind = core::ExtensionKind::External;
    bool invoke = false;
    bool shutdown = false;
};

struct InvocationRecord {
    std::string source; // the event's file, "stdin", "default"
    core::InvocationReport report;
    std::optional<core::InvokeOutcome> outcome; // what the caller got
    std::string error_type;
};

struct RunRecord {
    core::FunctionConfig function;
    std::string bootstrap;
    std::string runtime_api;
    std::vector<std::string> extension_paths;
    std::vector<ExtensionRecord> extensions; // as registered at the last successful Init
    std::vector<core::InitReport> inits;
    std::vector<InvocationRecord> invocations;
    std::vector<core::ShutdownReport> shutdowns;
    bool allow_kill = false;
    int exit_code = 0;
};

const char* to_string(core::InvokeOutcome outcome);

} // namespace lambda_emu::report

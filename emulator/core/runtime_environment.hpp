#pragma once
// The environment variables Lambda gives the runtime (docs/lambda-rules.md §5.1), and the rules for the
// customer's own.
#include "function_config.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lambda_emu::core {

using Variables = std::vector<std::pair<std::string, std::string>>;

struct RuntimeEnvironmentInputs {
    std::string runtime_api; // "127.0.0.1:PORT"
    std::string task_root;   // the bootstrap's folder
    std::string log_stream_name;
    std::string path;         // the host's PATH: runtimes need node or python from it
    Variables passed_through; // host values Lambda would supply itself (credentials, LD_LIBRARY_PATH)
    // A managed runtime's own (AWS_EXECUTION_ENV, LAMBDA_RUNTIME_DIR, NODE_PATH): the runtime's only,
    // over Lambda's defaults, under the customer's.
    Variables managed_runtime;
    Variables customer; // --env / --env-file, already checked
};

// Nothing is inherited from the emulator's own environment but what `inputs` names.
std::vector<std::string> runtime_environment(const FunctionConfig& config, const RuntimeEnvironmentInputs& inputs);

// An external extension's environment: the runtime's, less the runtime-only variables and every
// key starting with '_' (docs/lambda-rules.md §5.2).
std::vector<std::string> extension_environment(const std::vector<std::string>& runtime_environment);

// Why a customer variable may not be set (Lambda reserves it), or nothing when it may.
std::optional<std::string> reserved_variable_error(const std::string& key);

// "2026/11/22/[$LATEST]" + 32 hex digits, as Lambda names a log stream.
std::string log_stream_name(const std::string& version, const std::string& date_utc, const std::string& hex32);

} // namespace lambda_emu::core

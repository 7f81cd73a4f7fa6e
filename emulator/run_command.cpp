#include "run_command.hpp"

#include "core/clock.hpp"
#include "customer_variables.hpp"
#include "environment_host.hpp"
#include "exit_codes.hpp"
#include "ids.hpp"
#include "invoke/event_source.hpp"
#include "process/child_reaper.hpp"
#include "report/console.hpp"
#include "run_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace lambda_emu {

namespace {

core::Millis seconds_to_ms(double seconds) { return core::Millis{static_cast<long long>(std::llround(seconds * 1000))}; }

// Values Lambda would provide itself, taken from the emulator's environment when present:
// credentials for SDK calls, and the loader path a locally built runtime may need.
core::Variables passed_through_variables()
{
    core::Variables variables;
    for (const char* key : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LD_LIBRARY_PATH"}) {
        if (const char* value = std::getenv(key)) variables.emplace_back(key, value);
    }
    return variables;
}

// External extensions: every regular file of the extensions directory, in name order, then each
// --extension. The directory is `opt/extensions` beside the bootstrap (a zip with a layer) unless
// --extensions-dir names one.
std::vector<std::filesystem::path> discover_extensions(const RunOptions& options,
                                                       const std::filesystem::path& task_root, std::string& error)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> found;
    std::error_code ec;
    fs::path directory = options.extensions_dir.empty() ? task_root / "opt" / "extensions" : fs::path{options.extensions_dir};
    if (!options.extensions_dir.empty() && !fs::is_directory(directory, ec)) {
        error = "--extensions-dir " + options.extensions_dir + " is not a directory";
        return {};
    }
    if (fs::is_directory(directory, ec)) {
        for (const auto& entry : fs::directory_iterator{directory, ec}) {
            if (entry.is_regular_file(ec)) found.push_back(fs::absolute(entry.path(), ec));
        }
        std::sort(found.begin(), found.end());
    }
    for (const auto& path : options.extensions) {
        if (!fs::is_regular_file(path, ec)) {
            error = "--extension " + path + " is not a file";
            return {};
        }
        found.push_back(fs::absolute(path, ec).lexically_normal());
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (found[i].filename() == found[j].filename()) {
                error = "two extensions are named " + found[i].filename().string() +
                        ": an extension registers under its file name, which must be unique";
                return {};
            }
        }
    }
    return found;
}

} // namespace

int run_command(const RunOptions& options)
{
    report::Console console;
    auto fail = [&console](int code, const std::string& message) {
        console.lifecycle("error: " + message);
        return code;
    };

    if (options.timeout_seconds <= 0 || options.timeout_seconds > 900)
        return fail(exit_codes::kUsage, "--timeout must be between 0 and 900 seconds (Lambda's range)");
    if (options.init_timeout_seconds <= 0) return fail(exit_codes::kUsage, "--init-timeout must be positive");
    if (options.memory_mb < 128 || options.memory_mb > 10240)
        return fail(exit_codes::kUsage, "--memory must be between 128 and 10240 MB (Lambda's range)");

    auto loaded = invoke::load_events(options.events, std::cin);
    if (!loaded.error.empty()) return fail(exit_codes::kUsage, loaded.error);
    auto customer = read_customer_variables(options.env_files, options.env);
    if (!customer.error.empty()) return fail(exit_codes::kUsage, customer.error);

    std::error_code fs_error;
    const auto bootstrap = std::filesystem::absolute(options.bootstrap, fs_error).lexically_normal();
    HostOptions host_options;
    host_options.bootstrap = bootstrap;
    host_options.bootstrap_arguments = options.bootstrap_arguments;
    host_options.task_root = bootstrap.parent_path();
    host_options.function.name =
        options.function_name.empty() ? host_options.task_root.filename().string() : options.function_name;
    if (host_options.function.name.empty()) host_options.function.name = "function";
    host_options.function.handler = options.handler;
    host_options.function.region = options.region;
    host_options.function.memory_mb = options.memory_mb;
    host_options.function.timeout = seconds_to_ms(options.timeout_seconds);
    host_options.function.init_timeout = seconds_to_ms(options.init_timeout_seconds);
    if (options.runtime_grace_ms) host_options.overrides.runtime_grace = core::Millis{*options.runtime_grace_ms};
    if (options.shutdown_budget_ms) host_options.overrides.shutdown_budget = core::Millis{*options.shutdown_budget_ms};
    host_options.customer_variables = std::move(customer.variables);
    host_options.passed_through = passed_through_variables();
    const char* path = std::getenv("PATH");
    host_options.path = path ? path : "/usr/local/bin:/usr/bin:/bin";
    host_options.port = options.port;
    std::string discovery_error;
    host_options.extensions = discover_extensions(options, host_options.task_root, discovery_error);
    if (!discovery_error.empty()) return fail(exit_codes::kUsage, discovery_error);

    // A bootstrap that cannot run is still run the Lambda way (Init fails with
    // Runtime.InvalidEntrypoint), but say so plainly first.
    if (!std::filesystem::exists(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() + " does not exist (Runtime.InvalidEntrypoint)");
    } else if (::access(bootstrap.c_str(), X_OK) != 0 || std::filesystem::is_directory(bootstrap, fs_error)) {
        console.lifecycle("warning: bootstrap " + bootstrap.string() +
                          " is not an executable file (Runtime.InvalidEntrypoint); chmod +x it");
    }

    boost::asio::io_context io;
    process::ChildReaper reaper{io};
    core::SystemClock clock;
    IdGenerator ids;
    report::RunRecord record;
    record.function = host_options.function;
    record.bootstrap = bootstrap.string();
    for (const auto& extension : host_options.extensions) record.extension_paths.push_back(extension.string());
    record.allow_kill = options.allow_kill;
    RunSession session{io,     console, clock, ids, std::move(loaded.events), std::move(record),
                       RunSession::Outputs{options.report_path, options.junit_path, options.allow_kill}};
    std::string listen_error;
    auto host = EnvironmentHost::create(io, reaper, clock, ids, std::move(host_options), session,
                                        [&console](std::string_view source, std::string_view line) {
                                            console.process_line(source, line);
                                        },
                                        listen_error);
    if (!host) return fail(exit_codes::kEmulatorError, "cannot listen on " + listen_error);
    session.attach(*host);
    session.set_runtime_api(host->runtime_api());
    console.lifecycle("Runtime API listening on " + host->runtime_api() + " for function " +
                      host->environment().config().name);

    boost::asio::signal_set interrupts{io, SIGINT, SIGTERM};
    std::function<void()> wait_for_interrupt = [&] {
        interrupts.async_wait([&](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            session.interrupt(signal);
            wait_for_interrupt();
        });
    };
    wait_for_interrupt();

    session.start();
    io.run();
    return session.exit_code();
}

} // namespace lambda_emu

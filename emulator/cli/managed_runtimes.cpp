#include "managed_runtimes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <unistd.h>

namespace lambda_emu {

namespace {

namespace fs = std::filesystem;

// Lambda's Node.js runtimes start the client with nothing on the command line: it reads
// LAMBDA_TASK_ROOT and _HANDLER (our start-ric3.mjs does so for aws-lambda-ric 3.x).
constexpr std::array<std::string_view, 1> kNodeArguments{"{client}"};
// What the Node.js runtimes' bootstrap exports as NODE_PATH when the function sets none: the
// layers' folders (/opt, where the sandbox maps --layer), the runtime's own modules, the task root
// [AWS "Defined runtime environment variables"; the nodejs24.x bootstrap as extracted in
// "Deep Dive into AWS Lambda (3)"].
constexpr std::array<std::string_view, 5> kNodePath{"/opt/nodejs/node{version}/node_modules",
                                                    "/opt/nodejs/node_modules", "{runtime}/node_modules", "{runtime}",
                                                    "{task}"};

// aws-lambda-ric 3.3.0 runs async and callback handlers, as Lambda's Node.js 18, 20 and 22
// runtimes do; 4.x (engines: Node.js 22 or later) refuses callback handlers, as Lambda's
// Node.js 24 does. Both are installed side by side under npm aliases (runtimes/nodejs).
constexpr std::string_view kRic3Entry = "nodejs/start-ric3.mjs";
constexpr std::string_view kRic3Name = "aws-lambda-ric 3.3.0";
constexpr std::string_view kRic4Entry = "nodejs/node_modules/aws-lambda-ric-4/index.mjs";
constexpr std::string_view kRic4Name = "aws-lambda-ric 4.0.2";

constexpr std::array<ManagedRuntime, 4> kManagedRuntimes{{
    {"nodejs18.x", "nodejs:18", "Node.js", "node", "18", kRic3Entry, kRic3Name, "nodejs", kNodeArguments, "NODE_PATH",
     kNodePath},
    {"nodejs20.x", "nodejs:20", "Node.js", "node", "20", kRic3Entry, kRic3Name, "nodejs", kNodeArguments, "NODE_PATH",
     kNodePath},
    {"nodejs22.x", "nodejs:22", "Node.js", "node", "22", kRic3Entry, kRic3Name, "nodejs", kNodeArguments, "NODE_PATH",
     kNodePath},
    {"nodejs24.x", "nodejs:24", "Node.js", "node", "24", kRic4Entry, kRic4Name, "nodejs", kNodeArguments, "NODE_PATH",
     kNodePath},
}};

std::string replaced(std::string_view pattern, std::string_view name, std::string_view value)
{
    std::string text{pattern};
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size()))
        text.replace(at, name.size(), value);
    return text;
}

// The first executable file called `name` in a PATH-style list, as a shell would find it.
std::optional<fs::path> find_on_path(std::string_view name, const std::string& search_path)
{
    std::size_t start = 0;
    while (start <= search_path.size()) {
        const auto end = std::min(search_path.find(':', start), search_path.size());
        const std::string directory = search_path.substr(start, end - start);
        const fs::path candidate = fs::path{directory.empty() ? "." : directory} / name;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
            return fs::absolute(candidate, ec).lexically_normal();
        start = end + 1;
    }
    return std::nullopt;
}

// What `EXECUTABLE --version` prints on stdout, its first line, within a few seconds. It runs
// before the emulator's event loop and its reaper exist, so it has its own and reaps its child.
std::string version_of(const fs::path& executable)
{
    namespace bp = boost::process::v2;
    boost::asio::io_context io;
    boost::asio::readable_pipe out{io};
    bp::error_code ec;
    bp::process child{io, executable.string(), {"--version"}, bp::process_stdio{nullptr, out, nullptr}};
    std::string output;
    boost::asio::async_read(out, boost::asio::dynamic_buffer(output, 4096), [](const auto&, std::size_t) {});
    io.run_for(std::chrono::seconds{5});
    if (child.running(ec)) child.terminate(ec);
    child.wait(ec);
    output = output.substr(0, output.find('\n'));
    while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back()))) output.pop_back();
    return output;
}

} // namespace

std::span<const ManagedRuntime> managed_runtimes()
{
    return kManagedRuntimes;
}

const ManagedRuntime* find_managed_runtime(std::string_view id)
{
    const auto found = std::find_if(kManagedRuntimes.begin(), kManagedRuntimes.end(),
                                    [id](const ManagedRuntime& runtime) { return runtime.id == id; });
    return found == kManagedRuntimes.end() ? nullptr : &*found;
}

std::string managed_runtime_ids()
{
    std::string ids;
    for (const auto& runtime : kManagedRuntimes) {
        if (!ids.empty()) ids += ", ";
        ids += runtime.id;
    }
    return ids;
}

core::Variables managed_runtime_variables(const ManagedRuntime& runtime, const ManagedRuntimePaths& paths)
{
    core::Variables variables;
    variables.emplace_back("AWS_EXECUTION_ENV", "AWS_Lambda_" + std::string{runtime.id});
    variables.emplace_back("LAMBDA_RUNTIME_DIR", paths.runtime_dir);
    std::string module_path;
    for (const auto part : runtime.module_path) {
        if (!module_path.empty()) module_path += ':';
        module_path += replaced(replaced(replaced(part, "{version}", runtime.version), "{runtime}", paths.runtime_dir),
                                "{task}", paths.task_root);
    }
    if (!runtime.module_path_variable.empty()) variables.emplace_back(runtime.module_path_variable, module_path);
    return variables;
}

std::string version_number_of(std::string_view version_text)
{
    const auto first = std::find_if(version_text.begin(), version_text.end(),
                                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    const auto last = std::find_if(first, version_text.end(),
                                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) == 0 && c != '.'; });
    return std::string{first, last};
}

bool is_version_of(std::string_view number, std::string_view version)
{
    if (version.empty() || number.substr(0, version.size()) != version) return false;
    return number.size() == version.size() || number[version.size()] == '.';
}

ResolvedRuntime resolve_managed_runtime(const ManagedRuntime& runtime, const fs::path& runtimes_folder,
                                        const std::string& search_path, const std::string& task_root,
                                        const std::string& handler)
{
    ResolvedRuntime resolved;
    const std::string wanted = std::string{runtime.language} + " " + std::string{runtime.version};
    const auto executable = find_on_path(runtime.executable, search_path);
    if (!executable) {
        resolved.error = "--runtime " + std::string{runtime.id} + " runs " + wanted + ", but no `" +
                         std::string{runtime.executable} + "` was found on PATH: install " +
                         std::string{runtime.language} + " (scripts/setup.sh does)";
        return resolved;
    }
    const fs::path client = runtimes_folder / runtime.client_entry;
    std::error_code ec;
    if (!fs::is_regular_file(client, ec)) {
        resolved.error = "--runtime " + std::string{runtime.id} + ": its client (" + std::string{runtime.client_name} +
                         ") is not installed at " + client.string() + ": run scripts/setup.sh";
        return resolved;
    }
    resolved.executable = *executable;
    resolved.executable_version = version_of(*executable);
    const std::string number = version_number_of(resolved.executable_version);
    if (number.empty()) {
        resolved.error = "--runtime " + std::string{runtime.id} + ": " + executable->string() +
                         " --version did not say which version it is";
        return resolved;
    }
    if (!is_version_of(number, runtime.version)) {
        resolved.warning = "warning: " + std::string{runtime.id} + " is " + wanted + " on Lambda, but this machine's " +
                           std::string{runtime.executable} + " (" + executable->string() + ") is " +
                           std::string{runtime.language} + " " + number + "; running with it";
    }
    for (const auto argument : runtime.arguments) {
        resolved.arguments.push_back(replaced(replaced(argument, "{client}", client.string()), "{handler}", handler));
    }
    resolved.variables =
        managed_runtime_variables(runtime, {task_root, (runtimes_folder / runtime.runtime_dir).string()});
    return resolved;
}

} // namespace lambda_emu

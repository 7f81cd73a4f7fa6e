#include "managed_runtimes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <optional>
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
constexpr std::array<std::string_view, 5> kNodePath{"{opt}/nodejs/node{version}/node_modules",
                                                    "{opt}/nodejs/node_modules", "{runtime}/node_modules", "{runtime}",
                                                    "{task}"};

// -d PORT: Node's own inspector, on loopback only. --inspect and not --inspect-brk: the runtime
// goes on through Init without waiting for a client, as SAM's Node.js images start it; a `run`
// nobody attaches to ends as it would without -d, and a debugger that attaches later stops at the
// breakpoints of the invocations still to come.
constexpr std::array<std::string_view, 1> kNodeDebuggerArguments{"--inspect={address}"};
constexpr ManagedDebugger kNodeDebugger{"the Node.js inspector", kNodeDebuggerArguments, {}, {}};

// aws-lambda-ric 3.3.0 runs async and callback handlers, as Lambda's Node.js 18, 20 and 22
// runtimes do; 4.x (engines: Node.js 22 or later) refuses callback handlers, as Lambda's
// Node.js 24 does. Both are installed side by side under npm aliases (runtimes/nodejs).
constexpr std::string_view kRic3Entry = "nodejs/start-ric3.mjs";
constexpr std::string_view kRic3Name = "aws-lambda-ric 3.3.0";
constexpr std::string_view kRic4Entry = "nodejs/node_modules/aws-lambda-ric-4/index.mjs";
constexpr std::string_view kRic4Name = "aws-lambda-ric 4.0.2";

// Lambda's Python runtimes start AWS's client as a module with the handler as its argument; it
// imports "module.function" and "dir/module.function" itself.
constexpr std::array<std::string_view, 3> kPythonArguments{"-m", "awslambdaric", "{handler}"};
// Lambda's Python runtimes look for modules in the task root, then in the layers' folders for that
// Python version and /opt/python, then in the runtime's own (docs/lambda-rules.md §5.1).
constexpr std::array<std::string_view, 4> kPythonPath{"{task}", "{opt}/python/lib/python{version}/site-packages",
                                                      "{opt}/python", "{runtime}"};
// pyenv's `python3` is a shell script, and its interpreter needs the libpython beside it: the
// interpreter itself and its installation are what runs.
// One start of the interpreter says all three: its real path, its installation, its version.
constexpr std::array<std::string_view, 2> kPythonInstallationQuery{
    "-c", "import os, sys; print(os.path.realpath(sys.executable)); print(os.path.realpath(sys.base_prefix)); "
          "print('Python ' + sys.version.split()[0])"};
constexpr std::string_view kPythonEntry = "python/site-packages/awslambdaric/__main__.py";
constexpr std::string_view kPythonClient = "awslambdaric 4.2.2";
constexpr std::string_view kPythonRuntimeDir = "python/site-packages";

// -d PORT: debugpy, with the client as the module it runs (`python -m debugpy --listen ADDRESS -m
// awslambdaric HANDLER`), as SAM starts it. Not --wait-for-client, for the reason Node's
// --inspect is not -brk. debugpy is not part of any runtime: the probe looks where the function's
// interpreter will, its module path first (the function's folder, the layers, the client's), then
// its own site-packages; the user's (~/.local) only outside the sandbox, which does not show it.
// -E: the emulator's own PYTHON* variables are not the function's.
constexpr std::array<std::string_view, 4> kPythonDebuggerArguments{"-m", "debugpy", "--listen", "{address}"};
constexpr std::array<std::string_view, 5> kPythonDebuggerProbe{
    "-E", "-c",
    "import importlib.util, site, sys\n"
    "if sys.argv[2] == 'yes': sys.path = [p for p in sys.path if p != site.getusersitepackages()]\n"
    "sys.path[:0] = sys.argv[1].split(':')\n"
    "found = importlib.util.find_spec('debugpy')\n"
    "print(found.origin if found and found.origin else '')",
    "{module_path}", "{sandboxed}"};
constexpr ManagedDebugger kPythonDebugger{
    "debugpy", kPythonDebuggerArguments, kPythonDebuggerProbe,
    "install it into the function's folder (pip install --target {task} debugpy), a layer's python/ folder, or "
    "the interpreter's own site-packages"};

// Lambda's Java runtimes start the JVM with these flags themselves (not through
// JAVA_TOOL_OPTIONS, which they leave to the function): the serial collector, C1 only, the heap
// from the memory size, and the client's JNI library named rather than copied to /tmp. The
// classpath is the runtime's own jars: the client loads the function from the working directory
// (/var/task) and its lib/*.jar itself.
constexpr std::array<std::string_view, 13> kJavaArguments
{
    "-XX:MaxHeapSize={heap_kb}k", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac", "-XX:+ErrorFileToStderr",
#if defined(__aarch64__)
        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI={runtime}/lib/jni/"
        "libaws-lambda-jni.linux-aarch_64.so",
#else
        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI={runtime}/lib/jni/"
        "libaws-lambda-jni.linux-x86_64.so",
#endif
        "-classpath", "{runtime}/lib/*", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", "{handler}"
};
constexpr std::string_view kJavaEntry = "java/lib/aws-lambda-java-runtime-interface-client-2.10.1.jar";
constexpr std::string_view kJavaClient = "aws-lambda-java-runtime-interface-client 2.10.1";

// One entry per runtime id, each language's made the same way: the id, INIT_START's version and
// the language version are what differ.
constexpr ManagedRuntime node(std::string_view id, std::string_view runtime_version, std::string_view version,
                              std::string_view entry, std::string_view client)
{
    return {id,       runtime_version, "Node.js",   "node",    version, entry, client,
            "nodejs", kNodeArguments,  "NODE_PATH", kNodePath, {},      {},    kNodeDebugger};
}

constexpr ManagedRuntime python(std::string_view id, std::string_view runtime_version, std::string_view version)
{
    return {id,
            runtime_version,
            "Python",
            "python3",
            version,
            kPythonEntry,
            kPythonClient,
            kPythonRuntimeDir,
            kPythonArguments,
            "PYTHONPATH",
            kPythonPath,
            kPythonInstallationQuery,
            {},
            kPythonDebugger};
}

constexpr ManagedRuntime java(std::string_view id, std::string_view runtime_version, std::string_view version)
{
    return {id,     runtime_version, "Java", "java", version, kJavaEntry,    kJavaClient,
            "java", kJavaArguments,  {},     {},     {},      "/usr/lib/jvm"};
}

constexpr std::array<ManagedRuntime, 12> kManagedRuntimes{
    node("nodejs18.x", "nodejs:18", "18", kRic3Entry, kRic3Name),
    node("nodejs20.x", "nodejs:20", "20", kRic3Entry, kRic3Name),
    node("nodejs22.x", "nodejs:22", "22", kRic3Entry, kRic3Name),
    node("nodejs24.x", "nodejs:24", "24", kRic4Entry, kRic4Name),
    python("python3.10", "python:3.10", "3.10"),
    python("python3.11", "python:3.11", "3.11"),
    python("python3.12", "python:3.12", "3.12"),
    python("python3.13", "python:3.13", "3.13"),
    python("python3.14", "python:3.14", "3.14"),
    java("java17", "java:17", "17"),
    java("java21", "java:21", "21"),
    java("java25", "java:25", "25"),
};

std::string replaced(std::string_view pattern, std::string_view name, std::string_view value)
{
    std::string text{pattern};
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size()))
        text.replace(at, name.size(), value);
    return text;
}

// What `EXECUTABLE ARGUMENTS...` prints on stdout, its first lines, within a few seconds. It runs
// before the emulator's event loop and its reaper exist, so it has its own and reaps its child.
std::vector<std::string> output_lines_of(const fs::path& executable, std::span<const std::string_view> arguments)
{
    namespace bp = boost::process::v2;
    boost::asio::io_context io;
    boost::asio::readable_pipe out{io};
    bp::error_code ec;
    std::vector<std::string> argv{arguments.begin(), arguments.end()};
    std::optional<bp::process> started;
    try {
        started.emplace(io, executable.string(), argv, bp::process_stdio{nullptr, out, nullptr});
    } catch (const std::exception&) {
        return {};
    }
    auto& child = *started;
    std::string output;
    boost::asio::async_read(out, boost::asio::dynamic_buffer(output, 4096), [](const auto&, std::size_t) {});
    io.run_for(std::chrono::seconds{5});
    if (child.running(ec)) child.terminate(ec);
    child.wait(ec);
    std::vector<std::string> lines;
    std::size_t begin = 0;
    while (begin < output.size()) {
        auto end = std::min(output.find('\n', begin), output.size());
        std::string line = output.substr(begin, end - begin);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        lines.push_back(std::move(line));
        begin = end + 1;
    }
    return lines;
}

std::string version_of(const fs::path& executable)
{
    constexpr std::array<std::string_view, 1> kVersion{"--version"};
    const auto lines = output_lines_of(executable, kVersion);
    return lines.empty() ? std::string{} : lines.front();
}

// Whether a folder's name says it holds `version`: one of its parts between '-' and '.' is it
// ("java-17-openjdk-amd64", "java-1.17.0-openjdk-amd64", "temurin-25-jdk-amd64").
bool names_version(const std::string& name, std::string_view version)
{
    std::size_t begin = 0;
    while (begin <= name.size()) {
        const auto end = std::min(name.find_first_of("-.", begin), name.size());
        if (std::string_view{name}.substr(begin, end - begin) == version) return true;
        begin = end + 1;
    }
    return false;
}

// The runtime's executable in an installation of its own version, when the machine has one side by
// side with others (/usr/lib/jvm/java-17-openjdk-amd64/bin/java).
std::optional<fs::path> find_installed_version(const ManagedRuntime& runtime)
{
    if (runtime.installations_folder.empty()) return std::nullopt;
    std::error_code ec;
    std::vector<fs::path> candidates;
    for (const auto& entry : fs::directory_iterator{fs::path{runtime.installations_folder}, ec}) {
        const fs::path executable = entry.path() / "bin" / runtime.executable;
        if (names_version(entry.path().filename().string(), runtime.version) && ::access(executable.c_str(), X_OK) == 0)
            candidates.push_back(executable);
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& candidate : candidates) {
        if (is_version_of(version_number_of(version_of(candidate)), runtime.version)) return candidate;
    }
    return std::nullopt;
}

} // namespace

long lambda_java_heap_kb(int memory_mb)
{
    const long all_kb = static_cast<long>(memory_mb) * 1024;
    const long share_kb = (all_kb * 85 + 99) / 100;
    return std::max(share_kb, all_kb - 240L * 1024);
}

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

// Lambda Managed Instances run Node.js 22 with the 4.x client, the first with a multi-concurrent
// mode (3.x would poll one invocation at a time whatever AWS_LAMBDA_MAX_CONCURRENCY says).
constexpr ManagedRuntime kNode22OnManagedInstances = node("nodejs22.x", "nodejs:22", "22", kRic4Entry, kRic4Name);

const ManagedRuntime* find_managed_instances_runtime(std::string_view id)
{
    if (id == kNode22OnManagedInstances.id) return &kNode22OnManagedInstances;
    return find_managed_runtime(id);
}

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

const ManagedRuntime* nearest_to_deprecated_runtime(std::string_view id)
{
    // Lambda's deprecated runtimes of the languages provided here, each with the oldest supported
    // one of its language [AWS "Lambda runtimes": deprecated runtimes].
    constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kDeprecated{{
        {"nodejs10.x", "nodejs18.x"},
        {"nodejs12.x", "nodejs18.x"},
        {"nodejs14.x", "nodejs18.x"},
        {"nodejs16.x", "nodejs18.x"},
        {"python3.6", "python3.10"},
        {"python3.7", "python3.10"},
        {"python3.8", "python3.10"},
        {"python3.9", "python3.10"},
        {"java8", "java17"},
        {"java8.al2", "java17"},
        {"java11", "java17"},
    }};
    const auto found = std::find_if(kDeprecated.begin(), kDeprecated.end(),
                                    [id](const auto& deprecated) { return deprecated.first == id; });
    return found == kDeprecated.end() ? nullptr : find_managed_runtime(found->second);
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
        module_path +=
            replaced(replaced(replaced(replaced(part, "{version}", runtime.version), "{runtime}", paths.runtime_dir),
                              "{task}", paths.task_root),
                     "{opt}", paths.layers);
    }
    if (!runtime.module_path_variable.empty()) variables.emplace_back(runtime.module_path_variable, module_path);
    return variables;
}

std::vector<std::string> debugger_arguments(const ManagedRuntime& runtime, unsigned short port)
{
    std::vector<std::string> arguments;
    for (const auto argument : runtime.debugger.arguments)
        arguments.push_back(replaced(argument, "{address}", "127.0.0.1:" + std::to_string(port)));
    return arguments;
}

bool debugger_loadable(const ManagedRuntime& runtime, const fs::path& executable, const ManagedRuntimePaths& paths,
                       bool sandboxed)
{
    if (runtime.debugger.probe.empty()) return true;
    std::string module_path;
    for (const auto& [name, value] : managed_runtime_variables(runtime, paths)) {
        if (name == runtime.module_path_variable) module_path = value;
    }
    std::vector<std::string> texts;
    for (const auto argument : runtime.debugger.probe)
        texts.push_back(
            replaced(replaced(argument, "{module_path}", module_path), "{sandboxed}", sandboxed ? "yes" : "no"));
    const std::vector<std::string_view> arguments{texts.begin(), texts.end()};
    const auto lines = output_lines_of(executable, arguments);
    return !lines.empty() && !lines.front().empty() && lines.front().front() == '/';
}

std::string debuggable_runtime_ids()
{
    std::string ids;
    for (const auto& runtime : kManagedRuntimes) {
        if (runtime.debugger.name.empty()) continue;
        if (!ids.empty()) ids += ", ";
        ids += runtime.id;
    }
    return ids;
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
                                        const std::string& handler, int memory_mb)
{
    ResolvedRuntime resolved;
    const std::string wanted = std::string{runtime.language} + " " + std::string{runtime.version};
    auto executable = find_installed_version(runtime);
    if (!executable) executable = find_on_path(runtime.executable, search_path);
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
                         ") is not installed at " + client.string() +
                         ": run scripts/setup.sh in a checkout of lambda-emu (a release archive brings it)";
        return resolved;
    }
    resolved.executable = *executable;
    if (!runtime.installation_query.empty()) {
        const auto lines = output_lines_of(*executable, runtime.installation_query);
        if (lines.size() < 2 || lines[0].empty() || lines[0].front() != '/' || lines[1].empty() ||
            lines[1].front() != '/') {
            resolved.error = "--runtime " + std::string{runtime.id} + ": " + executable->string() +
                             " did not say where it is installed; is it " + wanted + "?";
            return resolved;
        }
        resolved.executable = lines[0];
        resolved.installation = lines[1];
        if (lines.size() > 2) resolved.executable_version = lines[2];
    }
    if (resolved.executable_version.empty()) resolved.executable_version = version_of(resolved.executable);
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
    const std::string runtime_dir = (runtimes_folder / runtime.runtime_dir).string();
    for (const auto argument : runtime.arguments) {
        std::string text = replaced(argument, "{client}", client.string());
        text = replaced(text, "{handler}", handler);
        text = replaced(text, "{runtime}", runtime_dir);
        text = replaced(text, "{task}", task_root);
        resolved.arguments.push_back(replaced(text, "{heap_kb}", std::to_string(lambda_java_heap_kb(memory_mb))));
    }
    resolved.variables = managed_runtime_variables(runtime, {task_root, runtime_dir});
    return resolved;
}

} // namespace lambda_emu

#pragma once
// Managed runtimes (`--runtime nodejs22.x`): instead of the function's own bootstrap, the
// emulator starts a language's executable with AWS's official runtime interface client, installed
// by scripts/setup.sh into the project's runtimes/ folder, in the environment Lambda's managed
// runtime of that name gives it. One table entry per runtime id; nothing else knows a language.
#include "core/runtime_environment.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu {

// How `-d PORT` starts a runtime's debugger, listening on 127.0.0.1:PORT (SAM's `-d`).
struct ManagedDebugger {
    std::string_view name; // for people: "the Node.js inspector"; empty: this runtime has none
    // Arguments before the runtime's own; "{address}" is 127.0.0.1:PORT.
    std::span<const std::string_view> arguments;
    // Arguments after which the executable prints where it would load the debugger from, or an
    // empty line when it cannot: "{module_path}" is the function's module search path (folders
    // joined by ':'), "{sandboxed}" yes or no. Empty: the debugger is the executable's own.
    std::span<const std::string_view> probe;
    // How to make the debugger loadable, said when the probe finds none; "{task}" is the
    // function's folder.
    std::string_view install;
};

struct ManagedRuntime {
    std::string_view id;              // Lambda's runtime identifier, "nodejs22.x"
    std::string_view runtime_version; // INIT_START's "Runtime Version: nodejs:22..."
    std::string_view language;        // in messages: "Node.js"
    std::string_view executable;      // looked up on PATH: "node"
    std::string_view version;         // the language version Lambda runs for this id: "22" (Python's: "3.12")
    // The client's entry, relative to the runtimes folder, and the folder Lambda's
    // LAMBDA_RUNTIME_DIR (/var/runtime) stands for, also relative to it.
    std::string_view client_entry;
    std::string_view client_name; // for people and the report: "aws-lambda-ric 3.3.0"
    std::string_view runtime_dir;
    // The executable's arguments; "{client}" is the entry's absolute path, "{handler}" _HANDLER,
    // "{runtime}" the runtime folder, "{task}" the task root and "{heap_kb}" the JVM heap Lambda
    // gives the function's memory.
    std::span<const std::string_view> arguments;
    // The module search path the runtime's own bootstrap exports when the customer set none:
    // its variable (NODE_PATH) and parts, where "{version}", "{runtime}" and "{task}" are replaced.
    std::string_view module_path_variable;
    std::span<const std::string_view> module_path;
    // Arguments after which the executable prints its own real path, the root of its installation
    // and its version as --version says it (Python: sys.base_prefix), which the sandbox must show where it is when it
    // lies outside the system's folders (pyenv's shims and ~/.pyenv). Empty: the executable found
    // is the one to run, and needs nothing beside it.
    std::span<const std::string_view> installation_query;
    // A folder of side-by-side installations (/usr/lib/jvm), where one of the runtime's version
    // (its folder's name says it: java-17-openjdk-amd64) is taken before `executable` on PATH;
    // `executable` is then found in its bin/. Empty: PATH only.
    std::string_view installations_folder = {};
    ManagedDebugger debugger = {}; // -d PORT
};

// Every managed runtime the emulator provides, in the order help and errors list them.
std::span<const ManagedRuntime> managed_runtimes();
const ManagedRuntime* find_managed_runtime(std::string_view id);
// The same for a Lambda Managed Instances function: its runtime's client in multi-concurrent mode.
const ManagedRuntime* find_managed_instances_runtime(std::string_view id);

// A runtime id Lambda has deprecated (nodejs16.x, python3.8, java11), which deployed configurations
// still name: the nearest runtime of the same language that lambda-emu provides; null for any other.
const ManagedRuntime* nearest_to_deprecated_runtime(std::string_view id);

// Where a managed runtime's pieces are: Lambda's paths, or the sandbox's mapping of them.
struct ManagedRuntimePaths {
    std::string task_root;       // LAMBDA_TASK_ROOT
    std::string runtime_dir;     // LAMBDA_RUNTIME_DIR
    std::string layers = "/opt"; // where the layers are unpacked (the staged /opt, seen from outside)
};

// The variables a managed runtime adds to Lambda's own (docs/lambda-rules.md §5.1, Lambda's defined runtime
// environment variables): AWS_EXECUTION_ENV, LAMBDA_RUNTIME_DIR, and the module search path its
// bootstrap exports. Only the runtime gets them; extensions do not.
core::Variables managed_runtime_variables(const ManagedRuntime& runtime, const ManagedRuntimePaths& paths);

// A managed runtime made ready to start on this machine.
struct ResolvedRuntime {
    std::filesystem::path executable;   // absolute
    std::vector<std::string> arguments; // placeholders replaced
    std::string executable_version;     // as the executable says it: "v20.20.2"
    // The executable's installation, when it lies outside the folders the sandbox shows
    // (~/.pyenv/versions/3.11.7): shown read-only at its own path. Empty: nothing to show.
    std::filesystem::path installation;
    core::Variables variables; // managed_runtime_variables()
    std::string warning;       // non-empty: say it, then run anyway
    std::string error;         // non-empty: nothing can start
};

// Finds the executable on `search_path` (PATH), asks its version, checks that the client is
// installed under `runtimes_folder`. A different major version than Lambda's runs with a warning;
// a missing executable or client is an error that says what to install.
ResolvedRuntime resolve_managed_runtime(const ManagedRuntime& runtime, const std::filesystem::path& runtimes_folder,
                                        const std::string& search_path, const std::string& task_root,
                                        const std::string& handler, int memory_mb);

// The JVM's maximum heap Lambda's Java runtimes give a function of `memory_mb`, in KiB: 85% of it,
// or all but 240 MB when that is more (as seen in their command lines).
long lambda_java_heap_kb(int memory_mb);

// The first executable file called `name` in a PATH-style list, as a shell would find it.
std::optional<std::filesystem::path> find_on_path(std::string_view name, const std::string& search_path);

// "nodejs18.x, nodejs20.x, ..." for messages.
std::string managed_runtime_ids();

// The debugger's arguments for `-d PORT`, to go before the runtime's own.
std::vector<std::string> debugger_arguments(const ManagedRuntime& runtime, unsigned short port);

// Whether the function's `executable` can load the runtime's debugger from where the function
// looks for modules (`paths` as the emulator sees them) or from its own installation. True for a
// debugger that needs no probe (Node's inspector is node's own).
bool debugger_loadable(const ManagedRuntime& runtime, const std::filesystem::path& executable,
                       const ManagedRuntimePaths& paths, bool sandboxed);

// "nodejs18.x, ..., python3.14": the runtimes `-d` starts a debugger in, for messages.
std::string debuggable_runtime_ids();

// The version number in what an executable says of itself: "20.20.2" of "v20.20.2", "3.12.1" of
// "Python 3.12.1"; empty when there is none.
std::string version_number_of(std::string_view version_text);

// Whether a version number is of the given release line: "20.20.2" is of "20", not of "2".
bool is_version_of(std::string_view number, std::string_view version);

} // namespace lambda_emu

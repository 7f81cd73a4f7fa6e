#pragma once
// Who a process of the execution environment is: the runtime, or an external extension by the
// name it registered with (its executable's file name). One typed name from the core (the Shutdown
// phase's records, the ProcessControl port) through the host (its kills, looks and output lines)
// to the renderers; the text people read ("runtime", "ext:NAME") is made in one place, when a line
// is printed (report/process_lines.hpp).
#include <compare>
#include <string>
#include <utility>

namespace lambda_emu::core {

// Internal extensions run inside the runtime's process: they are no process of their own.
enum class ProcessKind { Runtime, ExternalExtension };
// The report's word for a kind: "runtime", "extension".
const char* to_string(ProcessKind kind);

struct ProcessIdentity {
    ProcessKind kind = ProcessKind::Runtime;
    std::string name = "runtime"; // an extension's name; the runtime's is "runtime", as the report names it

    static ProcessIdentity runtime() { return {}; }
    static ProcessIdentity extension(std::string name) { return {ProcessKind::ExternalExtension, std::move(name)}; }
    bool is_runtime() const { return kind == ProcessKind::Runtime; }

    friend auto operator<=>(const ProcessIdentity&, const ProcessIdentity&) = default;
};

} // namespace lambda_emu::core

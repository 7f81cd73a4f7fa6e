#include "json_report.hpp"
#include "late_output.hpp"
#include "shutdown_summary.hpp"

#include <cmath>

namespace lambda_emu::report {

namespace {

using json = nlohmann::ordered_json;

// Milliseconds with 0.1 ms resolution, as the report promises.
json ms(double value)
{
    return std::round(value * 10.0) / 10.0;
}
json ms(const std::optional<double>& value)
{
    return value ? ms(*value) : json(nullptr);
}

json exit_json(const std::optional<core::ExitStatus>& status)
{
    if (!status) return nullptr;
    json exit;
    exit["code"] = status->signalled ? json(nullptr) : json(status->code);
    exit["signal"] = status->signalled ? json(status->code) : json(nullptr);
    exit["description"] = status->describe();
    return exit;
}

json sockets_json(const std::vector<core::OpenSocket>& sockets)
{
    json list = json::array();
    for (const auto& socket : sockets) {
        list.push_back({{"kind", core::to_string(socket.kind)},
                        {"local", socket.local},
                        {"remote", socket.remote.empty() ? json(nullptr) : json(socket.remote)},
                        {"state", socket.state},
                        {"peer", core::to_string(socket.peer)}});
    }
    return list;
}

// What the process was doing as the phase began and when it was killed or gone, and what it said last.
json evidence_json(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process)
{
    const auto& evidence = process.evidence;
    json entry;
    json last = nullptr;
    if (evidence.last_output) {
        const auto& told = core::told_at(process);
        last = {{"atMs", ms(core::to_ms(evidence.last_output->at - shutdown.started_at))},
                {"text", evidence.last_output->text},
                {"afterSignal", told.has_value() && evidence.last_output->at >= *told}};
    }
    entry["lastOutput"] = last;
    entry["cpuUsedMs"] = ms(core::cpu_in_phase_ms(process));
    entry["cpuAfterLastOutputMs"] = ms(core::cpu_after_last_output_ms(shutdown, process));
    entry["firstLookMs"] =
        evidence.at_start ? ms(core::to_ms(evidence.at_start->at - shutdown.started_at)) : json(nullptr);
    entry["lastLookMs"] = evidence.at_end ? ms(core::to_ms(evidence.at_end->at - shutdown.started_at)) : json(nullptr);
    entry["socketsAtStart"] =
        sockets_json(evidence.at_start ? evidence.at_start->sockets : std::vector<core::OpenSocket>{});
    entry["socketsAtEnd"] = sockets_json(evidence.at_end ? evidence.at_end->sockets : std::vector<core::OpenSocket>{});
    entry["openConnectionsAtEnd"] = sockets_json(core::open_own_connections(process));
    entry["waitingAtEnd"] =
        evidence.at_end && !evidence.at_end->waiting_in.empty() ? json(evidence.at_end->waiting_in) : json(nullptr);
    entry["parkedCall"] = evidence.parked_at_kill == core::ParkedCall::None
                              ? json(nullptr)
                              : json(core::to_string(evidence.parked_at_kill));
    entry["idle"] = core::killed_while_idle(shutdown, process);
    entry["lastLines"] = evidence.last_lines;
    return entry;
}

json process_json(const core::ShutdownReport& shutdown, const core::ProcessCleanup& process)
{
    json entry;
    entry["name"] = process.name;
    entry["kind"] = core::to_string(process.kind);
    entry["pid"] = process.pid;
    entry["exitedBeforeShutdown"] = process.exited_before_shutdown;
    entry["sigtermMs"] = ms(core::offset_ms(shutdown, process.sigterm_at));
    entry["shutdownEventMs"] = ms(core::offset_ms(shutdown, process.shutdown_event_at));
    entry["sigkillMs"] = ms(core::offset_ms(shutdown, process.sigkill_at));
    entry["exitObservedMs"] = ms(core::offset_ms(shutdown, process.exit_observed_at));
    entry["deadlineMs"] = ms(core::offset_ms(shutdown, process.deadline));
    entry["cleanupDurationMs"] = ms(core::cleanup_duration_ms(process));
    entry["headroomMs"] = ms(core::headroom_ms(process));
    entry["exit"] = exit_json(process.exit_status);
    entry["verdict"] = core::to_string(process.verdict);
    entry["evidence"] = evidence_json(shutdown, process);
    return entry;
}

} // namespace

const char* to_string(core::InvokeOutcome outcome)
{
    switch (outcome) {
    case core::InvokeOutcome::Success: return "success";
    case core::InvokeOutcome::FunctionError: return "function-error";
    case core::InvokeOutcome::Timeout: return "timeout";
    case core::InvokeOutcome::RuntimeExit: return "runtime-exit";
    case core::InvokeOutcome::InitFailure: return "init-failure";
    case core::InvokeOutcome::ExtensionFailure: return "extension-failure";
    case core::InvokeOutcome::Interrupted: return "interrupted";
    }
    return "unknown";
}

json json_report(const RunRecord& record, const core::Clock& clock)
{
    json report;
    report["schemaVersion"] = kReportSchemaVersion;
    report["generator"] = LAMBDA_EMU_VERSION;
    report["exitCode"] = record.exit_code;
    report["exitReason"] = record.exit_reason;

    json function;
    function["name"] = record.function.name;
    function["version"] = record.function.version;
    function["arn"] = record.function.arn();
    function["handler"] = record.function.handler;
    function["region"] = record.function.region;
    function["memorySizeMB"] = record.function.memory_mb;
    function["timeoutMs"] = record.function.timeout.count();
    function["initTimeoutMs"] = record.function.init_timeout.count();
    if (record.function.execution_model == core::ExecutionModel::ManagedInstances)
        function["maxConcurrency"] = record.function.max_concurrency;
    if (record.function.tenant_isolation) function["tenantIsolation"] = true;
    json runtime{{"id", record.runtime.id}, {"executable", record.runtime.executable}};
    if (!record.runtime.client.empty()) {
        runtime["executableVersion"] = record.runtime.executable_version;
        runtime["client"] = record.runtime.client;
    }
    function["runtime"] = runtime;
    report["function"] = function;

    json environment;
    environment["bootstrap"] = record.bootstrap;
    environment["runtimeApi"] = record.runtime_api;
    environment["extensionPaths"] = record.extension_paths;
    json extensions = json::array();
    for (const auto& extension : record.extensions) {
        json events = json::array();
        if (extension.invoke) events.push_back("INVOKE");
        if (extension.shutdown) events.push_back("SHUTDOWN");
        extensions.push_back({{"name", extension.name}, {"kind", core::to_string(extension.kind)}, {"events", events}});
    }
    environment["extensions"] = extensions;
    report["environment"] = environment;
    // Lambda freezes the environment between invocations; how the emulator did it, if it did.
    report["freeze"] = {{"enabled", !record.freeze_method.empty()},
                        {"method", record.freeze_method.empty() ? json(nullptr) : json(record.freeze_method)}};

    json sandbox;
    sandbox["enabled"] = record.sandbox.enabled;
    if (!record.sandbox.off_reason.empty()) sandbox["reason"] = record.sandbox.off_reason;
    sandbox["layers"] = record.sandbox.layers;
    sandbox["ephemeralStorageMB"] = record.sandbox.ephemeral_storage_mb;
    sandbox["memoryLimit"] = record.sandbox.memory_limit;
    if (record.sandbox.enabled) {
        sandbox["user"] = record.sandbox.user;
        sandbox["outsideUid"] = record.sandbox.outside_uid;
        sandbox["pidNamespace"] = record.sandbox.pid_namespace;
        sandbox["mountsLocked"] = record.sandbox.mounts_locked;
        sandbox["limits"] = {{"processes", record.sandbox.process_limit},
                             {"openFiles", record.sandbox.open_file_limit}};
    }
    report["sandbox"] = sandbox;
    const auto& resources = record.resources;
    json numbers{{"method", resources.method},
                 {"cpu", resources.cpu},
                 {"memoryLimit", resources.memory_limit},
                 {"tasksLimit", resources.tasks_limit}};
    if (resources.cpu == "lambda") {
        numbers["vcpus"] = resources.vcpus;
        numbers["cpuQuotaUs"] = resources.cpu_quota_us;
        numbers["cpuPeriodUs"] = resources.cpu_period_us;
    }
    if (!resources.fallback_reason.empty()) numbers["reason"] = resources.fallback_reason;
    report["resources"] = numbers;

    json inits = json::array();
    for (const auto& init : record.inits) {
        json entry;
        entry["phase"] = core::to_string(init.phase);
        entry["status"] = core::to_string(init.status);
        entry["errorType"] = init.error_type.empty() ? json(nullptr) : json(init.error_type);
        entry["errorMessage"] = init.error_message.empty() ? json(nullptr) : json(init.error_message);
        entry["durationMs"] = ms(init.duration_ms);
        entry["startedAtEpochMs"] = clock.epoch_ms(init.started_at);
        inits.push_back(entry);
    }
    report["inits"] = inits;

    json invocations = json::array();
    for (const auto& invocation : record.invocations) {
        const auto& r = invocation.report;
        json entry;
        entry["requestId"] = r.request_id;
        entry["event"] = invocation.source;
        entry["attempt"] = invocation.attempt;
        entry["outcome"] = invocation.outcome ? json(to_string(*invocation.outcome)) : json(nullptr);
        entry["status"] = core::to_string(r.status);
        entry["errorType"] = r.error_type.empty() ? json(nullptr) : json(r.error_type);
        // What the caller got, beside the platform's bookkeeping name above (Runtime.Unknown for a
        // type that is neither Runtime.Xxx nor Function.Xxx): the failure's diagnostic in JUnit.
        entry["answerErrorType"] = invocation.error_type.empty() ? json(nullptr) : json(invocation.error_type);
        entry["errorMessage"] = invocation.error_message.empty() ? json(nullptr) : json(invocation.error_message);
        entry["durationMs"] = ms(r.duration_ms);
        entry["billedDurationMs"] = r.billed_duration_ms;
        entry["memorySizeMB"] = r.memory_size_mb;
        entry["maxMemoryUsedMB"] = r.max_memory_used_mb;
        entry["initDurationMs"] = ms(r.init_duration_ms);
        entry["startedAtEpochMs"] = clock.epoch_ms(r.started_at);
        if (invocation.late_output) {
            const auto& late = *invocation.late_output;
            const std::string diagnostic = late_output_diagnostic(late, r.request_id, !record.freeze_method.empty());
            entry["lateOutput"] = {{"afterEnd", late.after_end},
                                   {"afterThaw", late.after_thaw},
                                   {"firstLine", late.first_line.empty() ? json(nullptr) : json(late.first_line)},
                                   {"diagnostic", diagnostic.empty() ? json(nullptr) : json(diagnostic)}};
        } else {
            entry["lateOutput"] = nullptr;
        }
        invocations.push_back(entry);
    }
    report["invocations"] = invocations;
    // Only the most recent invocations are kept in full; the summary covers every one.
    report["invocationsNotKept"] = record.invocations_not_kept;
    const auto& all = record.invocation_summary;
    json summary;
    summary["count"] = all.count;
    json by_outcome = json::object();
    for (const auto& [outcome, count] : all.by_outcome) by_outcome[outcome] = count;
    summary["byOutcome"] = by_outcome;
    summary["durationMs"] = {{"min", ms(all.min_duration_ms)},
                             {"max", ms(all.max_duration_ms)},
                             {"mean", ms(all.count ? all.total_duration_ms / static_cast<double>(all.count) : 0.0)},
                             {"total", ms(all.total_duration_ms)}};
    report["invocationSummary"] = summary;

    json shutdowns = json::array();
    // Each instant at the report's resolution before anything is computed from it (a cleanup's
    // duration, the headroom, whether a line came after the signal): as the cleanup table does, so
    // the table, the JSON and a report read back and written again agree to the character.
    for (const auto& exact : record.shutdowns) {
        const auto shutdown = at_report_resolution(exact);
        json entry;
        entry["reason"] = core::to_string(shutdown.reason);
        entry["final"] = shutdown.final;
        entry["startedAtEpochMs"] = clock.epoch_ms(shutdown.started_at);
        entry["durationMs"] = ms(core::to_ms(shutdown.ended_at - shutdown.started_at));
        entry["budget"] = {{"sigterm", shutdown.budget.send_sigterm},
                           {"runtimeShareMs", shutdown.budget.runtime_share.count()},
                           {"phaseMs", shutdown.budget.phase.count()},
                           {"source", shutdown.budget.source}};
        entry["registeredExtensions"] = {{"internal", shutdown.internal_extensions},
                                         {"external", shutdown.external_extensions}};
        json processes = json::array();
        for (const auto& process : shutdown.processes) processes.push_back(process_json(shutdown, process));
        entry["processes"] = processes;
        json escaped = json::array();
        for (const auto& process : shutdown.escaped_processes)
            escaped.push_back({{"pid", process.pid}, {"command", process.command}});
        entry["escapedProcesses"] = escaped;
        entry["diagnostics"] = shutdown.diagnostics;
        shutdowns.push_back(entry);
    }
    report["shutdowns"] = shutdowns;
    return report;
}

} // namespace lambda_emu::report

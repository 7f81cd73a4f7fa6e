#include "report_reader.hpp"

#include "shutdown_summary.hpp"

#include <initializer_list>
#include <stdexcept>
#include <type_traits>

namespace lambda_emu::report {

namespace {

using json = nlohmann::ordered_json;

template <typename Enum> const char* to_word(Enum value)
{
    if constexpr (std::is_same_v<Enum, core::InvokeOutcome>) return to_string(value);
    else return core::to_string(value);
}

// The enum value whose report word is `word`, from the same to_string the report was written with.
template <typename Enum> Enum parse_word(const json& word, std::initializer_list<Enum> values, const char* field)
{
    const auto text = word.get<std::string>();
    for (const auto value : values) {
        if (text == to_word(value)) return value;
    }
    throw std::runtime_error(std::string{"unknown "} + field + " \"" + text + "\"");
}

core::SteadyTime at_epoch_ms(const json& epoch_ms)
{
    return core::SteadyTime{} + std::chrono::milliseconds{epoch_ms.get<std::int64_t>()};
}

std::optional<core::SteadyTime> offset(const core::SteadyTime& start, const json& ms)
{
    if (ms.is_null()) return std::nullopt;
    return start + from_report_ms(ms.get<double>());
}

std::optional<double> optional_ms(const json& ms)
{
    if (ms.is_null()) return std::nullopt;
    return ms.get<double>();
}

std::string text_or_empty(const json& value)
{
    return value.is_null() ? std::string{} : value.get<std::string>();
}

std::vector<core::OpenSocket> read_sockets(const json& list)
{
    std::vector<core::OpenSocket> sockets;
    for (const auto& item : list) {
        core::OpenSocket socket;
        socket.kind = parse_word(
            item.at("kind"), {core::SocketKind::Tcp, core::SocketKind::Tcp6, core::SocketKind::Unix}, "socket kind");
        socket.local = item.at("local").get<std::string>();
        socket.remote = text_or_empty(item.at("remote"));
        socket.state = item.at("state").get<std::string>();
        socket.peer = parse_word(
            item.at("peer"),
            {core::SocketPeer::Function, core::SocketPeer::RuntimeApi, core::SocketPeer::ExtensionsApi}, "socket peer");
        sockets.push_back(std::move(socket));
    }
    return sockets;
}

// The evidence back from what the report keeps of it: CPU times are kept as differences (used in
// the phase, used after the last output), so the first look counts from zero.
core::ProcessEvidence read_evidence(const core::SteadyTime& started, const json& entry)
{
    core::ProcessEvidence evidence;
    const auto cpu_used = optional_ms(entry.at("cpuUsedMs"));
    if (const auto at = offset(started, entry.at("firstLookMs"))) {
        evidence.at_start = core::ProcessSample{
            .at = *at, .cpu_ms = 0, .sockets = read_sockets(entry.at("socketsAtStart")), .waiting_in = {}};
    }
    if (const auto at = offset(started, entry.at("lastLookMs"))) {
        evidence.at_end = core::ProcessSample{.at = *at,
                                              .cpu_ms = cpu_used.value_or(0),
                                              .sockets = read_sockets(entry.at("socketsAtEnd")),
                                              .waiting_in = text_or_empty(entry.at("waitingAtEnd"))};
    }
    if (const auto& last = entry.at("lastOutput"); !last.is_null()) {
        core::OutputLine line{.at = started + from_report_ms(last.at("atMs").get<double>()),
                              .text = last.at("text").get<std::string>(),
                              .cpu_ms = std::nullopt};
        if (const auto after = optional_ms(entry.at("cpuAfterLastOutputMs")); after && cpu_used)
            line.cpu_ms = *cpu_used - *after;
        evidence.last_output = std::move(line);
    }
    evidence.last_lines = entry.value("lastLines", std::vector<std::string>{}); // from schema 1.5
    if (const auto& parked = entry.at("parkedCall"); !parked.is_null()) {
        evidence.parked_at_kill =
            parse_word(parked, {core::ParkedCall::RuntimeNext, core::ParkedCall::ExtensionEventNext}, "parked call");
    }
    return evidence;
}

} // namespace

core::ShutdownReport read_shutdown(const json& entry)
{
    core::ShutdownReport shutdown;
    shutdown.reason =
        parse_word(entry.at("reason"),
                   {core::ShutdownReason::Spindown, core::ShutdownReason::Timeout, core::ShutdownReason::Failure},
                   "shutdown reason");
    shutdown.final = entry.at("final").get<bool>();
    shutdown.started_at = at_epoch_ms(entry.at("startedAtEpochMs"));
    shutdown.ended_at = shutdown.started_at + from_report_ms(entry.at("durationMs").get<double>());
    const auto& budget = entry.at("budget");
    shutdown.budget.send_sigterm = budget.at("sigterm").get<bool>();
    shutdown.budget.runtime_share = core::Millis{budget.at("runtimeShareMs").get<long long>()};
    shutdown.budget.phase = core::Millis{budget.at("phaseMs").get<long long>()};
    shutdown.budget.source = budget.at("source").get<std::string>();
    shutdown.internal_extensions = entry.at("registeredExtensions").at("internal").get<int>();
    shutdown.external_extensions = entry.at("registeredExtensions").at("external").get<int>();
    for (const auto& item : entry.at("processes")) {
        core::ProcessCleanup process;
        process.name = item.at("name").get<std::string>();
        process.kind = parse_word(item.at("kind"), {core::ProcessKind::Runtime, core::ProcessKind::ExternalExtension},
                                  "process kind");
        process.pid = item.at("pid").get<int>();
        process.exited_before_shutdown = item.at("exitedBeforeShutdown").get<bool>();
        process.sigterm_at = offset(shutdown.started_at, item.at("sigtermMs"));
        process.shutdown_event_at = offset(shutdown.started_at, item.at("shutdownEventMs"));
        process.sigkill_at = offset(shutdown.started_at, item.at("sigkillMs"));
        process.exit_observed_at = offset(shutdown.started_at, item.at("exitObservedMs"));
        process.deadline = offset(shutdown.started_at, item.at("deadlineMs"));
        if (const auto& exit = item.at("exit"); !exit.is_null()) {
            process.exit_status = exit.at("signal").is_null()
                                      ? core::ExitStatus::exited(exit.at("code").get<int>())
                                      : core::ExitStatus::killed_by(exit.at("signal").get<int>());
        }
        process.verdict = parse_word(
            item.at("verdict"),
            {core::Verdict::Graceful, core::Verdict::Killed, core::Verdict::Crashed, core::Verdict::NotSignalled},
            "verdict");
        if (item.contains("evidence")) process.evidence = read_evidence(shutdown.started_at, item.at("evidence"));
        shutdown.processes.push_back(std::move(process));
    }
    for (const auto& item : entry.value("escapedProcesses", json::array())) {
        shutdown.escaped_processes.push_back({item.at("pid").get<int>(), item.at("command").get<std::string>()});
    }
    shutdown.diagnostics = entry.at("diagnostics").get<std::vector<std::string>>();
    return shutdown;
}

namespace {

// "arn:aws:lambda:REGION:ACCOUNT:function:NAME": the account, which the report keeps only there.
std::string account_of(const std::string& arn, const std::string& otherwise)
{
    std::size_t at = 0;
    for (int colons = 0; colons < 4; ++colons) {
        at = arn.find(':', at);
        if (at == std::string::npos) return otherwise;
        ++at;
    }
    const auto end = arn.find(':', at);
    return end == std::string::npos ? otherwise : arn.substr(at, end - at);
}

void read_runtime(const json& runtime, RuntimeRecord& record)
{
    record.id = runtime.at("id").get<std::string>();
    record.executable = runtime.at("executable").get<std::string>();
    record.executable_version = runtime.value("executableVersion", std::string{});
    record.client = runtime.value("client", std::string{});
}

void read_sandbox(const json& sandbox, SandboxRecord& record)
{
    record.enabled = sandbox.at("enabled").get<bool>();
    record.off_reason = sandbox.value("reason", std::string{});
    record.layers = sandbox.at("layers").get<std::vector<std::string>>();
    record.ephemeral_storage_mb = sandbox.at("ephemeralStorageMB").get<int>();
    record.memory_limit = sandbox.at("memoryLimit").get<std::string>();
    if (!record.enabled) return;
    record.user = sandbox.at("user").get<std::string>();
    record.outside_uid = sandbox.at("outsideUid").get<long>();
    record.pid_namespace = sandbox.at("pidNamespace").get<bool>();
    record.mounts_locked = sandbox.at("mountsLocked").get<bool>();
    record.process_limit = sandbox.at("limits").at("processes").get<int>();
    record.open_file_limit = sandbox.at("limits").at("openFiles").get<int>();
}

void read_resources(const json& resources, ResourcesRecord& record)
{
    record.method = resources.at("method").get<std::string>();
    record.cpu = resources.at("cpu").get<std::string>();
    record.memory_limit = resources.at("memoryLimit").get<std::string>();
    record.tasks_limit = resources.at("tasksLimit").get<long>();
    record.vcpus = resources.value("vcpus", 0.0);
    record.cpu_quota_us = resources.value("cpuQuotaUs", -1L);
    record.cpu_period_us = resources.value("cpuPeriodUs", 0L);
    record.fallback_reason = resources.value("reason", std::string{});
}

RunRecord read_run(const json& report)
{
    RunRecord record;
    record.exit_code = report.at("exitCode").get<int>();
    record.exit_reason = report.value("exitReason", std::string{}); // from schema 1.4
    const auto& function = report.at("function");
    record.function.name = function.at("name").get<std::string>();
    record.function.version = function.at("version").get<std::string>();
    record.function.handler = function.at("handler").get<std::string>();
    record.function.region = function.at("region").get<std::string>();
    record.function.memory_mb = function.at("memorySizeMB").get<int>();
    record.function.timeout = core::Millis{function.at("timeoutMs").get<long long>()};
    record.function.init_timeout = core::Millis{function.at("initTimeoutMs").get<long long>()};
    if (function.contains("maxConcurrency")) {
        record.function.execution_model = core::ExecutionModel::ManagedInstances;
        record.function.max_concurrency = function.at("maxConcurrency").get<int>();
    }
    record.function.tenant_isolation = function.value("tenantIsolation", false);
    record.function.account_id = account_of(function.value("arn", std::string{}), record.function.account_id);
    if (function.contains("runtime")) read_runtime(function.at("runtime"), record.runtime);
    const auto& environment = report.at("environment");
    record.bootstrap = environment.at("bootstrap").get<std::string>();
    record.runtime_api = environment.at("runtimeApi").get<std::string>();
    record.extension_paths = environment.at("extensionPaths").get<std::vector<std::string>>();
    for (const auto& item : environment.at("extensions")) {
        ExtensionRecord extension;
        extension.name = item.at("name").get<std::string>();
        extension.kind = parse_word(item.at("kind"), {core::ExtensionKind::Internal, core::ExtensionKind::External},
                                    "extension kind");
        for (const auto& event : item.at("events")) {
            extension.invoke |= event == "INVOKE";
            extension.shutdown |= event == "SHUTDOWN";
        }
        record.extensions.push_back(std::move(extension));
    }
    if (const auto& freeze = report.value("freeze", json{}); freeze.is_object())
        record.freeze_method = text_or_empty(freeze.at("method"));
    if (report.contains("sandbox")) read_sandbox(report.at("sandbox"), record.sandbox);
    if (report.contains("resources")) read_resources(report.at("resources"), record.resources);
    for (const auto& item : report.at("inits")) {
        core::InitReport init;
        init.phase = parse_word(item.at("phase"), {core::InitPhase::Init, core::InitPhase::Invoke}, "init phase");
        init.status =
            parse_word(item.at("status"),
                       {core::InitStatus::Success, core::InitStatus::Error, core::InitStatus::Timeout}, "init status");
        init.error_type = text_or_empty(item.at("errorType"));
        init.error_message = text_or_empty(item.value("errorMessage", json{})); // from schema 1.5
        init.duration_ms = item.at("durationMs").get<double>();
        if (item.contains("startedAtEpochMs")) init.started_at = at_epoch_ms(item.at("startedAtEpochMs"));
        record.inits.push_back(std::move(init));
    }
    for (const auto& item : report.at("invocations")) {
        InvocationRecord invocation;
        invocation.source = item.at("event").get<std::string>();
        invocation.attempt = item.value("attempt", 1); // from schema 1.6
        if (!item.at("outcome").is_null()) {
            invocation.outcome = parse_word(item.at("outcome"),
                                            {core::InvokeOutcome::Success, core::InvokeOutcome::FunctionError,
                                             core::InvokeOutcome::Timeout, core::InvokeOutcome::RuntimeExit,
                                             core::InvokeOutcome::InitFailure, core::InvokeOutcome::ExtensionFailure,
                                             core::InvokeOutcome::Interrupted},
                                            "outcome");
        }
        auto& r = invocation.report;
        r.request_id = item.at("requestId").get<std::string>();
        r.status = parse_word(item.at("status"),
                              {core::InvokeStatus::Success, core::InvokeStatus::Error, core::InvokeStatus::Timeout,
                               core::InvokeStatus::Failure},
                              "invocation status");
        r.error_type = text_or_empty(item.at("errorType"));
        // From schema 1.6 the caller's own error type; before, the platform's stands for it.
        invocation.error_type = text_or_empty(item.value("answerErrorType", json{}));
        if (invocation.error_type.empty()) invocation.error_type = r.error_type;
        invocation.error_message = text_or_empty(item.value("errorMessage", json{})); // from schema 1.6
        r.duration_ms = item.at("durationMs").get<double>();
        r.billed_duration_ms = item.at("billedDurationMs").get<std::int64_t>();
        r.memory_size_mb = item.at("memorySizeMB").get<int>();
        r.max_memory_used_mb = item.at("maxMemoryUsedMB").get<int>();
        r.init_duration_ms = optional_ms(item.at("initDurationMs"));
        if (item.contains("startedAtEpochMs")) {
            r.started_at = at_epoch_ms(item.at("startedAtEpochMs"));
            r.ended_at = r.started_at + from_report_ms(r.duration_ms);
        }
        if (const auto& late = item.value("lateOutput", json{}); late.is_object()) {
            invocation.late_output = LateOutput{.after_end = late.at("afterEnd").get<std::uint64_t>(),
                                                .after_thaw = late.at("afterThaw").get<std::uint64_t>(),
                                                .first_line = text_or_empty(late.at("firstLine"))};
        }
        record.invocations.push_back(std::move(invocation));
    }
    record.invocations_not_kept = report.value("invocationsNotKept", std::uint64_t{0});
    if (report.contains("invocationSummary")) {
        const auto& summary = report.at("invocationSummary");
        record.invocation_summary.count = summary.at("count").get<std::uint64_t>();
        for (const auto& [outcome, count] : summary.at("byOutcome").items())
            record.invocation_summary.by_outcome[outcome] = count.get<std::uint64_t>();
        const auto& durations = summary.at("durationMs");
        record.invocation_summary.min_duration_ms = durations.at("min").get<double>();
        record.invocation_summary.max_duration_ms = durations.at("max").get<double>();
        record.invocation_summary.total_duration_ms = durations.at("total").get<double>();
    } else {
        for (const auto& invocation : record.invocations) record.invocation_summary.add(invocation);
    }
    for (const auto& item : report.at("shutdowns")) record.shutdowns.push_back(read_shutdown(item));
    return record;
}

} // namespace

std::vector<NumberedRecord> ReadReport::numbered() const
{
    std::vector<NumberedRecord> records;
    for (std::size_t i = 0; i < environments.size(); ++i) records.push_back({environment_ids.at(i), &environments[i]});
    return records;
}

int ReadReport::schema_minor() const
{
    const auto dot = schema_version.find('.');
    if (dot == std::string::npos) return 0;
    try {
        return std::stoi(schema_version.substr(dot + 1));
    } catch (const std::exception&) {
        return 0;
    }
}

ReadReport read_report(const json& report)
{
    ReadReport read;
    try {
        if (!report.is_object()) throw std::runtime_error("the document is not a JSON object");
        const auto version = report.at("schemaVersion").get<std::string>();
        if (!version.starts_with("1.")) throw std::runtime_error("schemaVersion " + version + " is not 1.x");
        read.exit_code = report.at("exitCode").get<int>();
        read.exit_reason = report.value("exitReason", std::string{});
        read.schema_version = version;
        read.generator = report.value("generator", std::string{});
        read.of_environments = report.contains("environments");
        if (read.of_environments) {
            for (const auto& environment : report.at("environments")) {
                read.environments.push_back(read_run(environment.at("report")));
                read.environment_ids.push_back(environment.at("id").get<int>());
            }
        } else {
            read.environments.push_back(read_run(report));
            read.environment_ids.push_back(1);
        }
    } catch (const std::exception& error) {
        read.environments.clear();
        read.environment_ids.clear();
        read.error = std::string{"not a lambda-emu report: "} + error.what();
    }
    return read;
}

} // namespace lambda_emu::report

#include "template_options.hpp"

#include "core/function_config.hpp"
#include "customer_variables.hpp"
#include "input_file.hpp"
#include "managed_instances.hpp"
#include "process/layers.hpp"
#include "template/sam_template.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>

namespace lambda_emu {

namespace {

// `--template .` (or the project's folder) is an easy slip: say so, and name the template in it.
std::string folder_error(const std::filesystem::path& folder)
{
    std::string error = "--template " + folder.string() + " is a folder, not a template file";
    for (const char* name : {"template.yaml", "template.yml"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(folder / name, ec))
            return error + "; did you mean --template " + (folder / name).string() + "?";
    }
    return error;
}

// The template's text, read with CloudFormation's bound: a device (/dev/zero) or a pipe is not a
// template (its folder is where CodeUri starts), and a file over 1 MB would not deploy.
InputFile read_template_text(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return {{}, folder_error(path)};
    InputFileRules rules;
    rules.max_bytes = sam::kMaxTemplateBytes;
    rules.limit = "1 MB (1048576 bytes), CloudFormation's limit for a template";
    return read_input_file(path, "--template " + path, rules);
}

// --parameter-overrides: NAME=VALUE, or SAM's ParameterKey=NAME,ParameterValue=VALUE.
std::string read_parameter_overrides(const std::vector<std::string>& given, std::map<std::string, std::string>& into)
{
    constexpr std::string_view kKey = "ParameterKey=";
    constexpr std::string_view kValue = ",ParameterValue=";
    for (const auto& text : given) {
        std::string name;
        std::string value;
        if (text.starts_with(kKey)) {
            const auto at = text.find(kValue);
            if (at == std::string::npos)
                return "--parameter-overrides " + text + ": expected ParameterKey=NAME,ParameterValue=VALUE";
            name = text.substr(kKey.size(), at - kKey.size());
            value = text.substr(at + kValue.size());
        } else {
            const auto equals = text.find('=');
            if (equals == std::string::npos || equals == 0)
                return "--parameter-overrides " + text + ": expected NAME=VALUE";
            name = text.substr(0, equals);
            value = text.substr(equals + 1);
        }
        into[name] = value;
    }
    return {};
}

// The machine an ELF executable is for, as Lambda names architectures ("x86_64", "arm64"), the
// ELF's own number for another, or empty when the file is not an ELF executable (a script).
std::string elf_architecture(const std::filesystem::path& file)
{
    std::ifstream in{file, std::ios::binary};
    std::array<unsigned char, 20> header{};
    if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return {};
    if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') return {};
    // e_machine, in the file's byte order (EI_DATA: 1 little-endian, 2 big-endian).
    const std::uint16_t machine = header[5] == 2 ? static_cast<std::uint16_t>(header[18] << 8 | header[19])
                                                 : static_cast<std::uint16_t>(header[19] << 8 | header[18]);
    if (machine == 62) return "x86_64"; // EM_X86_64
    if (machine == 183) return "arm64"; // EM_AARCH64
    return "machine " + std::to_string(machine);
}

// This machine's architecture as Lambda names it.
std::string host_architecture()
{
    struct utsname name {};
    if (::uname(&name) != 0) return "x86_64";
    const std::string machine = name.machine;
    return machine == "aarch64" ? "arm64" : machine;
}

// How to build a bootstrap that is not there yet, by the template's Metadata.BuildMethod.
std::string build_hint(const std::string& build_method, const std::filesystem::path& code)
{
    if (build_method == "go1.x")
        return "build it: cd " + code.string() + " && CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap .";
    if (build_method == "rust-cargolambda")
        return "build it: cargo lambda build --release, or cargo build --release and copy the binary to " +
               (code / "bootstrap").string();
    return "build it (sam build writes it under .aws-sam/build)";
}

} // namespace

namespace {

// One function of a template already read (`text`: the file at options.template_path).
std::string apply_template_text(FunctionOptions& options, const std::set<std::string>& given, const std::string& text)
{
    sam::TemplateContext context;
    context.region = options.region;
    context.account_id = core::FunctionConfig{}.account_id;
    if (auto error = read_parameter_overrides(options.parameter_overrides, context.parameter_overrides); !error.empty())
        return error;
    options.template_logical_id = options.bootstrap;
    std::error_code ec;
    const auto read = sam::read_function(text, std::filesystem::absolute(options.template_path, ec).parent_path(),
                                         options.bootstrap, context);
    if (!read.error.empty()) return read.error;
    static const PropertyNames kSam{"template", "CodeUri", "Architectures", "LoggingConfig.LogFormat",
                                    "Environment.Variables"};
    return apply_function_properties(options, given, read.function, kSam,
                                     std::filesystem::absolute(options.template_path).parent_path());
}

} // namespace

std::string apply_template(FunctionOptions& options, const std::set<std::string>& given)
{
    const auto file = read_template_text(options.template_path);
    if (!file.error.empty()) return file.error;
    return apply_template_text(options, given, file.text);
}

std::string apply_function_properties(FunctionOptions& options, const std::set<std::string>& given,
                                      const sam::FunctionProperties& function, const PropertyNames& names,
                                      const std::filesystem::path& default_code)
{
    namespace fs = std::filesystem;
    const auto wins = [&given](const char* option) { return given.contains(option); };
    const std::string named = names.source + ": " + function.logical_id;

    // provided.*: Lambda runs the `bootstrap` file at the root of the code; a managed runtime (nodejs22.x)
    // runs the handler found in the code's folder. A .zip or .jar is what Lambda unpacks into /var/task.
    auto code = function.code_uri ? *function.code_uri : default_code;
    std::error_code ec;
    if (fs::is_regular_file(code, ec)) {
        if (code.extension() != ".zip" && code.extension() != ".jar")
            return named + "." + names.code + ": " + code.string() +
                   " is a file, but neither a folder nor a .zip or .jar";
        std::string error;
        auto unpacked = process::stage_layers({code}, {}, error);
        if (!unpacked) return named + "." + names.code + ": " + error;
        options.unpacked_code = std::move(unpacked);
        code = options.unpacked_code->path();
    }
    if (function.runtime && !function.runtime->starts_with("provided") && !wins("--runtime"))
        options.runtime = *function.runtime;
    options.bootstrap = options.runtime.empty() ? (code / "bootstrap").string() : code.string();
    if (options.runtime.empty() && !fs::exists(options.bootstrap, ec) && function.build_method)
        options.notices.push_back("warning: " + named + ": no bootstrap in " + code.string() + " yet; " +
                                  build_hint(*function.build_method, code));
    // Lambda runs the function on the architecture it names; here it runs on this machine's. A
    // binary built for another cannot run at all: that is said now rather than as an exec error.
    const std::string machine = host_architecture();
    const std::string wanted = function.architecture.value_or("x86_64");
    options.architecture = wanted;
    if (options.runtime.empty()) {
        if (const auto built_for = elf_architecture(options.bootstrap); !built_for.empty() && built_for != machine)
            return named + ": its bootstrap " + options.bootstrap + " is an " + built_for + " executable, which this " +
                   machine + " machine cannot run; build it for " + machine + " to run it here";
    }
    if (wanted != machine)
        options.notices.push_back("warning: " + named + "." + names.architectures + ": " + wanted +
                                  ", but this machine is " + machine + ": the function runs as " + machine +
                                  " code here");
    if (!wins("--function-name")) options.function_name = function.function_name.value_or(function.logical_id);
    if (function.handler && !wins("--handler")) options.handler = *function.handler;
    if (function.memory_mb && !wins("--memory")) options.memory_mb = *function.memory_mb;
    if (function.timeout_seconds && !wins("--timeout")) options.timeout_seconds = *function.timeout_seconds;
    if (function.managed_instances && !wins("--max-concurrency")) {
        if (function.memory_gib_per_vcpu && !wins("--memory-gib-per-vcpu"))
            options.memory_gib_per_vcpu = *function.memory_gib_per_vcpu;
        // Lambda's default: so many per vCPU, by runtime.
        options.max_concurrency = function.max_concurrency.value_or(
            default_max_concurrency(function.runtime.value_or("provided.al2023"),
                                    managed_instances_vcpus(options.memory_mb, options.memory_gib_per_vcpu)));
    }
    if (function.tenant_isolation) options.tenant_isolation = true;
    if (function.ephemeral_storage_mb && !wins("--ephemeral-storage"))
        options.ephemeral_storage_mb = *function.ephemeral_storage_mb;
    // Lambda stacks the function's layers in the order it names them; --layer options replace them.
    if (!function.layers.empty() && !wins("--layer")) options.layers = function.layers;
    if (function.log_format && !wins("--log-format")) {
        if (*function.log_format == "JSON") options.log_format = "json";
        else if (*function.log_format == "Text") options.log_format = "text";
        else
            return named + "." + names.log_format + ": '" + *function.log_format +
                   "' is neither Text nor JSON; pass --log-format text|json";
    }
    // A resource's name or ARN is known only once deployed: the command line must give it
    // (prepare_function checks, once it has read --env, --env-file and --env-vars).
    options.unresolved_template_variables = function.unresolved_variables;
    for (const auto& [key, error] : function.unresolved_variables) options.template_variable_names.push_back(key);
    for (const auto& [key, value] : function.variables) options.template_variable_names.push_back(key);
    // Before --env-file and --env, which therefore override them.
    for (const auto& [key, value] : function.variables) {
        if (auto problem = variable_name_error(key)) return named + "." + names.variables + ": " + *problem;
        options.template_variables.emplace_back(key, value);
    }
    return {};
}

std::string one_function_option_problem(const std::set<std::string>& given, const std::string& source,
                                        const std::vector<std::string>& functions)
{
    if (functions.size() < 2) return {};
    for (const char* single : {"--function-name", "--handler", "--debug-port"}) {
        if (given.contains(single))
            return std::string{single} + " names one function, and " + source.substr(source.find(' ') + 1) + " has " +
                   std::to_string(functions.size()) + "; serve one of them: serve " + source + " " + functions.front();
    }
    return {};
}

TemplateFunctions options_for_each_function(const FunctionOptions& options, const std::set<std::string>& given,
                                            const std::string& source, const std::vector<std::string>& names,
                                            const std::function<std::string(FunctionOptions&, bool first)>& apply)
{
    TemplateFunctions found;
    found.error = one_function_option_problem(given, source, names);
    if (!found.error.empty()) return found;
    for (const auto& name : names) {
        FunctionOptions function = options;
        function.bootstrap = name;
        if (auto error = apply(function, found.functions.empty()); !error.empty()) return {{}, std::move(error)};
        found.functions.push_back(std::move(function));
    }
    return found;
}

TemplateFunctions apply_template_to_every_function(const FunctionOptions& options, const std::set<std::string>& given)
{
    const auto file = read_template_text(options.template_path);
    if (!file.error.empty()) return {{}, file.error};
    const auto ids = sam::function_ids(file.text);
    if (!ids.error.empty()) return {{}, ids.error};
    // The file is read once: each function is taken from its text.
    return options_for_each_function(
        options, given, "--template " + options.template_path, ids.ids,
        [&](FunctionOptions& function, bool) { return apply_template_text(function, given, file.text); });
}

} // namespace lambda_emu

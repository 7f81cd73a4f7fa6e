#include "terraform_options.hpp"

#include "core/function_config.hpp"
#include "managed_runtimes.hpp"
#include "template/terraform_config.hpp"

#include <boost/asio.hpp>
#include <boost/process/v2.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

extern char** environ;

namespace lambda_emu {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A configuration's output is a few hundred KB at most; a parser that prints more is broken.
constexpr std::size_t kMaxParserOutput = 64 * 1024 * 1024;
// Parsing is a fraction of a second; a parser still busy after this is stuck.
constexpr std::chrono::seconds kParserDeadline{60};

const std::string kParserPackage = "@cdktf/hcl2json";

struct Parsed {
    std::vector<terraform::ParsedFile> files;
    std::string error;
};

// `node hcl2json.mjs FILE...`: the files as HashiCorp's parser reads them. It runs before the
// emulator's event loop and its reaper exist, so it has its own, and reaps its child.
Parsed parse_files(const std::vector<fs::path>& paths)
{
    namespace bp = boost::process::v2;
    const fs::path parser = runtimes_folder() / "terraform";
    std::error_code ec;
    if (!fs::is_directory(parser / "node_modules" / kParserPackage, ec))
        return {{},
                "--terraform: HashiCorp's HCL parser (" + kParserPackage + ") is not installed in " + parser.string() +
                    "; scripts/setup.sh installs it"};
    const char* search_path = std::getenv("PATH");
    const auto found = find_on_path("node", search_path ? search_path : "/usr/bin:/bin");
    if (!found) return {{}, "--terraform reads .tf files with Node.js, and there is no node on PATH; install it"};
    const fs::path& node = *found;
    std::vector<std::string> arguments{(parser / "hcl2json.mjs").string()};
    for (const auto& path : paths) arguments.push_back(path.string());

    boost::asio::io_context io;
    boost::asio::readable_pipe out{io};
    std::optional<bp::process> started;
    try {
        started.emplace(io, node.string(), arguments, bp::process_stdio{nullptr, out, {}});
    } catch (const std::exception& error) {
        return {{}, "--terraform: could not start " + node.string() + ": " + error.what()};
    }
    std::string output;
    bool read_to_end = false;
    boost::asio::async_read(out, boost::asio::dynamic_buffer(output, kMaxParserOutput),
                            [&read_to_end](const auto&, std::size_t) { read_to_end = true; });
    io.run_for(kParserDeadline);
    // Its output ends when it exits: a parser whose output has not ended by the deadline is stuck.
    bp::error_code wait_error;
    const bool stuck = !read_to_end;
    if (stuck) started->terminate(wait_error);
    started->wait(wait_error);
    if (stuck) return {{}, "--terraform: the HCL parser did not finish within 60 s"};
    auto document = json::parse(output, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return {{}, "--terraform: the HCL parser printed no result (node " + node.string() + ")"};
    if (const auto error = document.find("error"); error != document.end() && error->is_string())
        return {{}, "terraform: " + error->get<std::string>()};
    Parsed parsed;
    for (auto& file : document["files"]) parsed.files.push_back({file["path"].get<std::string>(), file["body"]});
    return parsed;
}

std::vector<fs::path> files_of(const fs::path& folder, const auto& wanted)
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator{folder, ec}) {
        if (entry.is_regular_file(ec) && wanted(entry.path().filename().string())) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<fs::path> tf_files(const fs::path& folder)
{
    return files_of(folder, [](const std::string& name) { return name.ends_with(".tf"); });
}

terraform::ModuleFiles read_module(const fs::path& folder)
{
    terraform::ModuleFiles module{folder, {}, {}};
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        module.error = folder.string() + " is not a folder";
        return module;
    }
    const auto files = tf_files(folder);
    if (files.empty()) {
        module.error = "no .tf files in " + folder.string();
        return module;
    }
    auto parsed = parse_files(files);
    module.files = std::move(parsed.files);
    module.error = std::move(parsed.error);
    return module;
}

// The configuration read once: the root module's files, the variables' values from outside it,
// and its local modules as they are asked for.
struct Configuration {
    terraform::ModuleFiles root;
    terraform::Context context;
    std::map<fs::path, terraform::ModuleFiles> modules;
    std::string error;

    terraform::ModuleLoader loader()
    {
        return [this](const fs::path& folder) {
            auto found = modules.find(folder);
            if (found == modules.end()) found = modules.emplace(folder, read_module(folder)).first;
            return found->second;
        };
    }
};

Configuration read_configuration(const FunctionOptions& options)
{
    Configuration config;
    std::error_code ec;
    fs::path folder = fs::absolute(options.terraform_dir, ec).lexically_normal();
    // "." is "/work/app/" once normal: the folder's own name, without the trailing separator.
    if (!folder.has_filename() && folder.has_parent_path() && folder != folder.root_path())
        folder = folder.parent_path();
    if (!fs::is_directory(folder, ec)) {
        config.error = "--terraform " + options.terraform_dir + " is not a folder";
        if (fs::is_regular_file(folder, ec) && folder.extension() == ".tf")
            config.error += "; give the folder of the configuration: --terraform " + folder.parent_path().string();
        return config;
    }
    const auto configuration_files = tf_files(folder);
    if (configuration_files.empty()) {
        config.error = "--terraform " + options.terraform_dir + ": no .tf files in " + folder.string();
        return config;
    }
    // As terraform: terraform.tfvars, then *.auto.tfvars by name, then each -var-file.
    auto variable_files = files_of(folder, [](const std::string& name) { return name == "terraform.tfvars"; });
    for (auto& file : files_of(folder, [](const std::string& name) { return name.ends_with(".auto.tfvars"); }))
        variable_files.push_back(std::move(file));
    for (const auto& given : options.terraform_var_files) {
        if (!fs::is_regular_file(given, ec)) {
            config.error = "--var-file " + given + " is not a file";
            return config;
        }
        variable_files.push_back(fs::absolute(given, ec));
    }
    auto all = configuration_files;
    all.insert(all.end(), variable_files.begin(), variable_files.end());
    auto parsed = parse_files(all);
    if (!parsed.error.empty()) {
        config.error = std::move(parsed.error);
        return config;
    }
    config.root.folder = folder;
    for (std::size_t i = 0; i < parsed.files.size(); ++i) {
        if (i < configuration_files.size()) config.root.files.push_back(std::move(parsed.files[i]));
        else config.context.variable_files.push_back(std::move(parsed.files[i].body));
    }
    config.context.region = options.region;
    config.context.account_id = core::FunctionConfig{}.account_id;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string text = *entry;
        const auto equals = text.find('=');
        if (text.starts_with("TF_VAR_") && equals != std::string::npos)
            config.context.environment_variables[text.substr(7, equals - 7)] = text.substr(equals + 1);
    }
    for (const auto& given : options.terraform_vars) {
        const auto equals = given.find('=');
        if (equals == std::string::npos || equals == 0) {
            config.error = "-var " + given + ": expected NAME=VALUE";
            return config;
        }
        config.context.variables.emplace_back(given.substr(0, equals), given.substr(equals + 1));
    }
    return config;
}

// `say_notices`: the configuration's own notices (a registry module not read) go with one function
// only, so that serving several says each once.
std::string apply_read_configuration(Configuration& config, FunctionOptions& options,
                                     const std::set<std::string>& given, bool say_notices = true)
{
    auto read = terraform::read_function(config.root, options.bootstrap, config.context, config.loader());
    if (say_notices) {
        for (auto& notice : read.notices) options.notices.push_back(std::move(notice));
    }
    if (!read.error.empty()) return read.error;
    auto& function = read.function;
    options.template_logical_id = function.logical_id;
    if (!function.function_name) {
        // Lambda's name for a function without one: the resource's own name here.
        const auto address = function.logical_id.substr(0, function.logical_id.find('['));
        function.function_name = address.substr(address.rfind('.') + 1);
    }
    static const PropertyNames kTerraform{"terraform", "filename", "architectures", "logging_config.log_format",
                                          "environment.variables"};
    return apply_function_properties(options, given, function, kTerraform, config.root.folder);
}

} // namespace

std::string apply_terraform(FunctionOptions& options, const std::set<std::string>& given)
{
    auto config = read_configuration(options);
    if (!config.error.empty()) return config.error;
    return apply_read_configuration(config, options, given);
}

TemplateFunctions apply_terraform_to_every_function(const FunctionOptions& options, const std::set<std::string>& given)
{
    auto config = read_configuration(options);
    if (!config.error.empty()) return {{}, config.error};
    auto every = terraform::function_addresses(config.root, config.context, config.loader());
    if (!every.error.empty()) return {{}, every.error};
    return options_for_each_function(options, given, "--terraform " + options.terraform_dir, every.addresses,
                                     [&](FunctionOptions& function, bool first) {
                                         return apply_read_configuration(config, function, given, first);
                                     });
}

} // namespace lambda_emu

#include "terraform_config.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <variant>

namespace lambda_emu::terraform {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// An expression a run cannot evaluate: why (naming the expression), and, when the expression itself
// says best what to pass (a variable without a value), that; else the attribute's own advice is used.
struct Unevaluable : std::runtime_error {
    Unevaluable(const std::string& why, std::string hint = {}) : std::runtime_error{why}, hint{std::move(hint)} {}
    std::string hint;
};

// Local modules inside local modules: a configuration deeper than this calls itself.
constexpr int kMaxModuleDepth = 16;

const std::string kFunctionType = "aws_lambda_function";

// The instance of a resource with count or for_each being read: what count.index and each.* are.
struct Instance {
    std::optional<json> count_index;
    std::optional<json> each_key;
    std::optional<json> each_value;
};

// One step of a traversal: an attribute name or an index (a number or a key).
using Step = std::variant<std::string, json>;

bool is_identifier_start(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_identifier_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string trimmed(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\n~");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t\n~");
    return text.substr(begin, end - begin + 1);
}

// `var.m["key"].x[0]` as its steps; nothing when the expression is anything but a traversal (a
// function call, an operator, a conditional), which a run does not evaluate.
std::optional<std::vector<Step>> traversal(const std::string& expression)
{
    std::vector<Step> steps;
    std::size_t at = 0;
    const auto identifier = [&]() -> std::optional<std::string> {
        if (at >= expression.size() || !is_identifier_start(expression[at])) return std::nullopt;
        const auto begin = at;
        while (at < expression.size() && is_identifier_char(expression[at])) ++at;
        return expression.substr(begin, at - begin);
    };
    auto first = identifier();
    if (!first) return std::nullopt;
    steps.emplace_back(*first);
    while (at < expression.size()) {
        if (expression[at] == '.') {
            ++at;
            if (at < expression.size() && std::isdigit(static_cast<unsigned char>(expression[at]))) {
                const auto begin = at;
                while (at < expression.size() && std::isdigit(static_cast<unsigned char>(expression[at]))) ++at;
                steps.emplace_back(json(std::stoll(expression.substr(begin, at - begin))));
                continue;
            }
            auto name = identifier();
            if (!name) return std::nullopt;
            steps.emplace_back(*name);
        } else if (expression[at] == '[') {
            const auto close = expression.find(']', at);
            if (close == std::string::npos) return std::nullopt;
            const std::string inside = trimmed(expression.substr(at + 1, close - at - 1));
            at = close + 1;
            if (!inside.empty() && std::all_of(inside.begin(), inside.end(), [](char c) { return std::isdigit(c); })) {
                steps.emplace_back(json(std::stoll(inside)));
            } else if (inside.size() >= 2 && inside.front() == '"' && inside.back() == '"' &&
                       inside.find('"', 1) == inside.size() - 1) {
                steps.emplace_back(json(inside.substr(1, inside.size() - 2)));
            } else {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    return steps;
}

// The index of the `}` that closes an interpolation whose expression starts at `from`, skipping
// braces of object literals and quoted strings inside it.
std::size_t closing_brace(const std::string& text, std::size_t from)
{
    int depth = 1;
    bool quoted = false;
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string::npos;
}

// A value inside a string, as terraform converts it: numbers and bools to their text.
std::string as_text(const json& value, const std::string& expression)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number()) return value.dump();
    if (value.is_null()) return {};
    throw Unevaluable{"`" + expression + "` is a " + (value.is_array() ? "list" : "map") + ", not a single value"};
}

// The partition and DNS suffix of a region, as data.aws_partition gives them.
std::string partition_of(const std::string& region)
{
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

// The single body of a block (hcl2json gives every block as a list of bodies).
const json* block(const json& body, const std::string& name)
{
    const auto found = body.find(name);
    if (found == body.end()) return nullptr;
    if (found->is_array()) return found->empty() ? nullptr : &found->front();
    return found->is_object() ? &*found : nullptr;
}

// A value given on the command line or in TF_VAR_NAME, taken as the variable's declared type
// takes it: a number, a bool, or a list or map written as JSON; else the text itself.
json typed(const std::string& text, const json* declaration)
{
    std::string type;
    if (declaration) {
        if (const auto found = declaration->find("type"); found != declaration->end() && found->is_string())
            type = *found;
    }
    if (type.empty() || type == "${string}") return text;
    auto parsed = json::parse(text, nullptr, false);
    return parsed.is_discarded() ? json(text) : parsed;
}

class Config;

// A module of the configuration (the root, or a local module it calls): its declarations and the
// scope its expressions are evaluated in.
class Module {
public:
    // call_ by parentheses: nlohmann's json{x} would be a list holding x.
    Module(const ModuleFiles& files, std::string prefix, const Module* parent, json call, const Config& config)
        : folder_{files.folder}, prefix_{std::move(prefix)}, parent_{parent}, call_(std::move(call)), config_{config}
    {
        for (const auto& file : files.files) collect(file.body);
    }

    const fs::path& folder() const { return folder_; }
    const std::string& prefix() const { return prefix_; }
    const std::vector<std::pair<std::string, json>>& functions() const { return functions_; }
    const std::vector<std::pair<std::string, json>>& modules() const { return modules_; }
    const json* archive(const std::string& name) const
    {
        const auto found = archives_.find(name);
        return found == archives_.end() ? nullptr : &found->second;
    }
    const std::map<std::string, json>& archives() const { return archives_; }

    // Any value of the configuration, its strings' interpolations evaluated.
    json evaluate(const json& value, const Instance& at) const
    {
        if (value.is_string()) return evaluate_string(value.get<std::string>(), at);
        if (value.is_array()) {
            json list = json::array();
            for (const auto& item : value) list.push_back(evaluate(item, at));
            return list;
        }
        if (value.is_object()) {
            json map = json::object();
            for (const auto& [key, item] : value.items()) map[key] = evaluate(item, at);
            return map;
        }
        return value;
    }

private:
    void collect(const json& body)
    {
        if (!body.is_object()) return;
        const auto each_named = [&body](const char* kind, const auto& take) {
            const auto found = body.find(kind);
            if (found == body.end() || !found->is_object()) return;
            for (const auto& [name, bodies] : found->items()) {
                if (bodies.is_array() && !bodies.empty()) take(name, bodies.front());
                else if (bodies.is_object()) take(name, bodies);
            }
        };
        each_named("variable",
                   [this](const std::string& name, const json& declaration) { variables_.emplace(name, declaration); });
        each_named("module", [this](const std::string& name, const json& call) { modules_.emplace_back(name, call); });
        if (const auto found = body.find("locals"); found != body.end()) {
            for (const auto& locals : found->is_array() ? *found : json::array({*found})) {
                if (!locals.is_object()) continue;
                for (const auto& [name, value] : locals.items()) locals_.emplace(name, value);
            }
        }
        if (const auto resources = body.find("resource"); resources != body.end() && resources->is_object()) {
            if (const auto functions = resources->find(kFunctionType); functions != resources->end()) {
                for (const auto& [name, bodies] : functions->items()) {
                    if (bodies.is_array() && !bodies.empty()) functions_.emplace_back(name, bodies.front());
                }
            }
        }
        if (const auto data = body.find("data"); data != body.end() && data->is_object()) {
            if (const auto archives = data->find("archive_file"); archives != data->end()) {
                for (const auto& [name, bodies] : archives->items()) {
                    if (bodies.is_array() && !bodies.empty()) archives_.emplace(name, bodies.front());
                }
            }
        }
    }

    json evaluate_string(const std::string& text, const Instance& at) const
    {
        std::string out;
        std::size_t i = 0;
        while (i < text.size()) {
            if (text.compare(i, 3, "$${") == 0 || text.compare(i, 3, "%%{") == 0) {
                out += text.substr(i + 1, 2);
                i += 3;
            } else if (text.compare(i, 2, "%{") == 0) {
                throw Unevaluable{"the template directive in \"" + text + "\" is not evaluated locally"};
            } else if (text.compare(i, 2, "${") == 0) {
                const auto end = closing_brace(text, i + 2);
                if (end == std::string::npos) throw Unevaluable{"\"" + text + "\" has an unclosed ${"};
                const std::string expression = trimmed(text.substr(i + 2, end - i - 2));
                json value = evaluate_expression(expression, at);
                // "${var.layers}" alone is the value itself, a list or a number as much as text.
                if (i == 0 && end == text.size() - 1) return value;
                out += as_text(value, expression);
                i = end + 1;
            } else {
                out += text[i++];
            }
        }
        return out;
    }

    json evaluate_expression(const std::string& expression, const Instance& at) const;
    json variable(const std::string& name) const;
    json local(const std::string& name) const;
    json data_source(const std::vector<Step>& steps, const std::string& expression, std::size_t& used) const;

    fs::path folder_;
    std::string prefix_; // "" for the root, "module.NAME." for a module it calls
    const Module* parent_;
    json call_; // the module block that calls this module (its arguments are the variables' values)
    const Config& config_;
    std::map<std::string, json> variables_;
    std::map<std::string, json> locals_;
    std::vector<std::pair<std::string, json>> functions_;
    std::vector<std::pair<std::string, json>> modules_;
    std::map<std::string, json> archives_;
    mutable std::set<std::string> locals_in_progress_;
};

// The root module and the local modules it calls, each read once.
class Config {
public:
    Config(const ModuleFiles& root, const Context& context, const ModuleLoader& load_module)
        : context_{context}, root_folder_{root.folder}
    {
        modules_.push_back(std::make_unique<Module>(root, "", nullptr, json::object(), *this));
        load_children(*modules_.front(), load_module, 1);
    }

    const Context& context() const { return context_; }
    const fs::path& root_folder() const { return root_folder_; }
    const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
    const std::vector<std::string>& notices() const { return notices_; }
    const std::vector<std::string>& registry_modules() const { return registry_modules_; }
    const std::string& error() const { return error_; }

private:
    void load_children(const Module& module, const ModuleLoader& load_module, int depth)
    {
        for (const auto& [name, call] : module.modules()) {
            const std::string address = module.prefix() + "module." + name;
            const auto source = call.find("source");
            const std::string from = source != call.end() && source->is_string() ? source->get<std::string>() : "";
            if (!from.starts_with("./") && !from.starts_with("../")) {
                registry_modules_.push_back(address + " (" + from + ")");
                notices_.push_back("warning: terraform: " + address + " (source = \"" + from +
                                   "\") is not read: lambda-emu follows local modules (source = \"./...\") only");
                continue;
            }
            if (call.contains("count") || call.contains("for_each")) {
                notices_.push_back("warning: terraform: " + address +
                                   " has count or for_each: its functions are not read");
                continue;
            }
            if (depth >= kMaxModuleDepth) {
                error_ = "terraform: " + address + ": local modules nest deeper than " +
                         std::to_string(kMaxModuleDepth) + " (does a module call itself?)";
                return;
            }
            const auto files = load_module((module.folder() / from).lexically_normal());
            if (!files.error.empty()) {
                error_ = "terraform: " + address + ": " + files.error;
                return;
            }
            modules_.push_back(std::make_unique<Module>(files, address + ".", &module, call, *this));
            load_children(*modules_.back(), load_module, depth + 1);
            if (!error_.empty()) return;
        }
    }

    const Context& context_;
    fs::path root_folder_;
    std::vector<std::unique_ptr<Module>> modules_;
    std::vector<std::string> notices_;
    std::vector<std::string> registry_modules_;
    std::string error_;
};

// Steps after the root of a traversal, applied to a known value: attributes and keys of maps,
// indexes of lists.
json follow(json value, const std::vector<Step>& steps, std::size_t from, const std::string& expression)
{
    for (auto i = from; i < steps.size(); ++i) {
        const auto* name = std::get_if<std::string>(&steps[i]);
        const json key = name ? json(*name) : std::get<json>(steps[i]);
        if (key.is_string() && value.is_object() && value.contains(key.get<std::string>())) {
            value = value[key.get<std::string>()];
        } else if (key.is_number_integer() && value.is_array() && key.get<long long>() >= 0 &&
                   static_cast<std::size_t>(key.get<long long>()) < value.size()) {
            value = value[static_cast<std::size_t>(key.get<long long>())];
        } else {
            throw Unevaluable{"`" + expression + "` names an element its value does not have"};
        }
    }
    return value;
}

json Module::evaluate_expression(const std::string& expression, const Instance& at) const
{
    const auto steps = traversal(expression);
    if (!steps) {
        throw Unevaluable{"`" + expression +
                          "` is not evaluated locally (variables, locals, path.*, and the region, account and "
                          "partition data sources are)"};
    }
    const auto name = [&](std::size_t i) -> std::string {
        const auto* text = i < steps->size() ? std::get_if<std::string>(&(*steps)[i]) : nullptr;
        if (!text) throw Unevaluable{"`" + expression + "` is not a reference a run can evaluate"};
        return *text;
    };
    const std::string root = name(0);
    if (root == "var") return follow(variable(name(1)), *steps, 2, expression);
    if (root == "local") return follow(local(name(1)), *steps, 2, expression);
    if (root == "path") {
        const std::string which = name(1);
        if (which == "module") return folder_.string();
        if (which == "root") return config_.root_folder().string();
        if (which == "cwd") return fs::current_path().string();
    }
    if (root == "count" && name(1) == "index") {
        if (!at.count_index) throw Unevaluable{"`count.index` is used outside a resource with count"};
        return *at.count_index;
    }
    if (root == "each") {
        const std::string which = name(1);
        if (which == "key" && at.each_key) return *at.each_key;
        if (which == "value" && at.each_value) return follow(*at.each_value, *steps, 2, expression);
        throw Unevaluable{"`" + expression + "` is used outside a resource with for_each"};
    }
    if (root == "data") {
        std::size_t used = 0;
        json value = data_source(*steps, expression, used);
        return follow(std::move(value), *steps, used, expression);
    }
    throw Unevaluable{"`" + expression + "` is known only once deployed"};
}

// The data sources whose values the run itself knows: the provider's region, account and
// partition; an archive_file's own arguments (its output_path is where the code would be zipped).
json Module::data_source(const std::vector<Step>& steps, const std::string& expression, std::size_t& used) const
{
    const auto text = [&](std::size_t i) {
        const auto* value = i < steps.size() ? std::get_if<std::string>(&steps[i]) : nullptr;
        return value ? *value : std::string{};
    };
    const std::string type = text(1);
    const std::string attribute = text(3);
    used = 4;
    const auto& context = config_.context();
    if (type == "aws_region" && (attribute == "name" || attribute == "region" || attribute == "id"))
        return context.region;
    if (type == "aws_caller_identity" && (attribute == "account_id" || attribute == "id")) return context.account_id;
    if (type == "aws_partition" && attribute == "partition") return partition_of(context.region);
    if (type == "aws_partition" && attribute == "dns_suffix")
        return partition_of(context.region) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    if (type == "archive_file" &&
        (attribute == "output_path" || attribute == "source_dir" || attribute == "source_file")) {
        const json* archive = this->archive(text(2));
        if (archive && archive->contains(attribute)) return evaluate((*archive)[attribute], {});
    }
    throw Unevaluable{"`" + expression + "` is known only once terraform reads it from AWS"};
}

json Module::variable(const std::string& name) const
{
    const auto declared = variables_.find(name);
    if (declared == variables_.end()) throw Unevaluable{"var." + name + " is not declared in " + folder_.string()};
    const json& declaration = declared->second;
    if (!parent_) {
        // Terraform's precedence, lowest first: TF_VAR_NAME, terraform.tfvars, *.auto.tfvars,
        // -var-file, -var.
        const auto& context = config_.context();
        for (auto given = context.variables.rbegin(); given != context.variables.rend(); ++given) {
            if (given->first == name) return typed(given->second, &declaration);
        }
        for (auto file = context.variable_files.rbegin(); file != context.variable_files.rend(); ++file) {
            if (file->is_object() && file->contains(name)) return evaluate((*file)[name], {});
        }
        if (const auto found = context.environment_variables.find(name); found != context.environment_variables.end())
            return typed(found->second, &declaration);
    } else if (call_.contains(name)) {
        return parent_->evaluate(call_[name], {});
    }
    if (const auto fallback = declaration.find("default"); fallback != declaration.end())
        return evaluate(*fallback, {});
    if (parent_)
        throw Unevaluable{"var." + name + " of " + prefix_.substr(0, prefix_.size() - 1) + " has no value",
                          "give it in the module block"};
    throw Unevaluable{"var." + name + " has no default", "pass -var " + name + "=VALUE (or a --var-file)"};
}

json Module::local(const std::string& name) const
{
    const auto found = locals_.find(name);
    if (found == locals_.end()) throw Unevaluable{"local." + name + " is not declared in " + folder_.string()};
    if (!locals_in_progress_.insert(name).second) throw Unevaluable{"local." + name + " refers to itself"};
    struct Done {
        std::set<std::string>& in_progress;
        const std::string& name;
        ~Done() { in_progress.erase(name); }
    } done{locals_in_progress_, name};
    return evaluate(found->second, {});
}

// What to pass on the command line in place of each attribute the run cannot know.
std::string instead(const std::string& attribute)
{
    if (attribute == "handler") return "pass --handler";
    if (attribute == "runtime") return "pass --runtime";
    if (attribute == "memory_size") return "pass --memory MB";
    if (attribute == "timeout") return "pass --timeout S";
    if (attribute == "function_name") return "pass --function-name";
    if (attribute.starts_with("layers")) return "pass --layer DIR, or --layer-map ARN=DIR";
    if (attribute.starts_with("ephemeral_storage")) return "pass --ephemeral-storage MB";
    if (attribute.starts_with("logging_config")) return "pass --log-format text|json";
    if (attribute == "environment.variables") return "pass each variable with --env NAME=VALUE";
    if (attribute.starts_with("environment.variables."))
        return "pass --env " + attribute.substr(std::string{"environment.variables."}.size()) + "=VALUE";
    if (attribute == "filename") return "pass it with -var, or run the code's folder: lambda-emu run --runtime ID DIR";
    return "pass its value with -var";
}

// Reads one function's attributes into the SAM reader's shape.
class FunctionReader {
public:
    FunctionReader(const Config& config, const Module& module, std::string address, const json& body, Instance at)
        : config_{config}, module_{module}, address_{std::move(address)}, body_{body}, at_{std::move(at)}
    {
    }

    [[noreturn]] void fail(const std::string& attribute, const std::string& problem, const std::string& hint = {}) const
    {
        throw std::runtime_error{"terraform: " + address_ + "." + attribute + ": " + problem + "; " +
                                 (hint.empty() ? instead(attribute) : hint)};
    }

    // An attribute's value, evaluated, or nothing when the function does not set it.
    std::optional<json> value(const json& in, const std::string& key, const std::string& attribute) const
    {
        const auto found = in.find(key);
        if (found == in.end() || found->is_null()) return std::nullopt;
        try {
            return module_.evaluate(*found, at_);
        } catch (const Unevaluable& unevaluable) {
            fail(attribute, unevaluable.what(), unevaluable.hint);
        }
    }

    std::optional<std::string> text(const json& in, const std::string& key, const std::string& attribute) const
    {
        auto found = value(in, key, attribute);
        if (!found) return std::nullopt;
        try {
            return as_text(*found, key);
        } catch (const Unevaluable& unevaluable) {
            fail(attribute, unevaluable.what());
        }
    }

    std::optional<double> number(const json& in, const std::string& key, const std::string& attribute) const
    {
        auto found = value(in, key, attribute);
        if (!found) return std::nullopt;
        if (found->is_number()) return found->get<double>();
        if (found->is_string()) {
            try {
                std::size_t used = 0;
                const double parsed = std::stod(found->get<std::string>(), &used);
                if (used == found->get<std::string>().size()) return parsed;
            } catch (const std::exception&) {
            }
        }
        fail(attribute, "expected a number, not " + found->dump());
    }

    sam::FunctionProperties read() const
    {
        sam::FunctionProperties function;
        function.logical_id = address_;
        function.function_name = text(body_, "function_name", "function_name");
        function.handler = text(body_, "handler", "handler");
        function.runtime = text(body_, "runtime", "runtime");
        if (auto memory = number(body_, "memory_size", "memory_size")) function.memory_mb = static_cast<int>(*memory);
        function.timeout_seconds = number(body_, "timeout", "timeout");
        if (auto architectures = value(body_, "architectures", "architectures")) {
            if (!architectures->is_array() || architectures->size() != 1 || !(*architectures)[0].is_string())
                fail("architectures", "expected a list of one architecture (Lambda takes x86_64 or arm64)",
                     "write [\"x86_64\"] or [\"arm64\"]");
            const std::string architecture = (*architectures)[0];
            if (architecture != "x86_64" && architecture != "arm64")
                fail("architectures", "'" + architecture + "' is neither x86_64 nor arm64",
                     "write [\"x86_64\"] or [\"arm64\"]");
            function.architecture = architecture;
        }
        if (const json* storage = block(body_, "ephemeral_storage")) {
            if (auto size = number(*storage, "size", "ephemeral_storage.size"))
                function.ephemeral_storage_mb = static_cast<int>(*size);
        }
        if (const json* logging = block(body_, "logging_config")) {
            function.log_format = text(*logging, "log_format", "logging_config.log_format");
            function.application_log_level =
                text(*logging, "application_log_level", "logging_config.application_log_level");
            function.system_log_level = text(*logging, "system_log_level", "logging_config.system_log_level");
        }
        if (auto layers = value(body_, "layers", "layers")) {
            if (!layers->is_array()) fail("layers", "expected a list of layer ARNs");
            for (const auto& layer : *layers) {
                if (!layer.is_string()) fail("layers", "expected a list of layer ARNs, not " + layers->dump());
                function.layers.push_back(layer.get<std::string>());
            }
        }
        read_variables(function);
        function.code_uri = code();
        return function;
    }

private:
    // A variable whose value is known only once deployed (a table's name) is passed on with the
    // line to give unless --env sets it, as the SAM reader does.
    void read_variables(sam::FunctionProperties& function) const
    {
        const json* environment = block(body_, "environment");
        if (!environment) return;
        const auto variables = environment->find("variables");
        if (variables == environment->end()) return;
        if (!variables->is_object()) {
            // `variables = var.map` or a merge(): the whole map must be evaluated.
            auto map = value(*environment, "variables", "environment.variables");
            if (!map || !map->is_object()) fail("environment.variables", "expected a map of names to values");
            for (const auto& [name, item] : map->items()) {
                if (item.is_array() || item.is_object())
                    fail("environment.variables." + name, "expected a single value, not " + item.dump());
                function.variables.emplace_back(name, as_text(item, name));
            }
            return;
        }
        for (const auto& [name, item] : variables->items()) {
            const std::string attribute = "environment.variables." + name;
            try {
                function.variables.emplace_back(name, as_text(module_.evaluate(item, at_), attribute));
            } catch (const Unevaluable& unevaluable) {
                const std::string hint =
                    "pass --env " + name + "=VALUE" + (unevaluable.hint.empty() ? "" : ", or " + unevaluable.hint);
                function.unresolved_variables.emplace_back(name, "terraform: " + address_ + "." + attribute + ": " +
                                                                     unevaluable.what() + "; " + hint);
            }
        }
    }

    // The code: a local .zip, or the folder a data "archive_file" would zip (used as it is).
    fs::path code() const
    {
        if (body_.contains("image_uri") || (body_.contains("package_type") && body_["package_type"] == "Image"))
            fail("image_uri", "a container image is not run by lambda-emu",
                 "run the image's code with --runtime ID DIR, or its bootstrap");
        if (body_.contains("s3_bucket"))
            fail("s3_bucket", "the code is in S3, which a run does not download",
                 "set filename to a local .zip or a data \"archive_file\", or run the code's folder: lambda-emu run "
                 "--runtime ID DIR");
        const auto filename = body_.find("filename");
        if (filename == body_.end())
            fail("filename", "the function has no filename", "set filename, or run the code's folder");
        // filename = data.archive_file.NAME.output_path: the archive's source, whatever its output_path.
        if (filename->is_string()) {
            const std::string raw = filename->get<std::string>();
            const auto inner = raw.starts_with("${") && raw.ends_with("}")
                                   ? traversal(trimmed(raw.substr(2, raw.size() - 3)))
                                   : std::nullopt;
            const auto step = [&inner](std::size_t i) {
                const auto* name = std::get_if<std::string>(&(*inner)[i]);
                return name ? *name : std::string{};
            };
            if (inner && inner->size() == 4 && step(0) == "data" && step(1) == "archive_file" &&
                step(3) == "output_path") {
                if (const json* archive = module_.archive(step(2))) return archive_source(step(2), *archive);
            }
        }
        const auto path = text(body_, "filename", "filename");
        // Terraform takes relative paths from where it runs: the root module's folder.
        const fs::path file = (config_.root_folder() / *path).lexically_normal();
        for (const auto& [name, archive] : module_.archives()) {
            try {
                const auto output = archive.find("output_path");
                if (output == archive.end()) continue;
                const auto made = module_.evaluate(*output, {});
                if (made.is_string() && (config_.root_folder() / made.get<std::string>()).lexically_normal() == file)
                    return archive_source(name, archive);
            } catch (const Unevaluable&) {
            }
        }
        std::error_code ec;
        if (fs::is_directory(file, ec))
            fail("filename", file.string() + " is a folder, and Lambda takes a .zip",
                 "name a data \"archive_file\" of it, or run the folder: lambda-emu run --runtime ID DIR");
        if (!fs::is_regular_file(file, ec))
            fail("filename", file.string() + " does not exist",
                 "build it first, or run the code's folder: lambda-emu run --runtime ID DIR");
        return file;
    }

    fs::path archive_source(const std::string& name, const json& archive) const
    {
        const std::string attribute = "filename";
        for (const char* source : {"source_dir", "source_file"}) {
            if (!archive.contains(source)) continue;
            json where;
            try {
                where = module_.evaluate(archive[source], {});
            } catch (const Unevaluable& unevaluable) {
                fail(attribute, "data.archive_file." + name + "." + source + ": " + unevaluable.what(),
                     unevaluable.hint);
            }
            if (!where.is_string()) fail(attribute, "data.archive_file." + name + "." + source + " is not a path");
            const fs::path path = (config_.root_folder() / where.get<std::string>()).lexically_normal();
            // A source_file's folder is the task root: the file is there, under its own name.
            return std::string{source} == "source_dir" ? path : path.parent_path();
        }
        fail(attribute, "data.archive_file." + name + " has neither source_dir nor source_file",
             "zip it first and set filename to the .zip, or run the code's folder: lambda-emu run --runtime ID DIR");
    }

    const Config& config_;
    const Module& module_;
    std::string address_;
    const json& body_;
    Instance at_;
};

// A function of the configuration: where it is, its address, its body.
struct Found {
    const Module* module;
    std::string address; // without an instance key
    const json* body;
};

std::vector<Found> every_function(const Config& config)
{
    std::vector<Found> found;
    for (const auto& module : config.modules()) {
        for (const auto& [name, body] : module->functions())
            found.push_back({module.get(), module->prefix() + kFunctionType + "." + name, &body});
    }
    return found;
}

std::string joined(const std::vector<std::string>& parts)
{
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
    return text;
}

// The instances of a function with count or for_each, by their keys: [0], [1] or ["a"], ["b"].
struct Instances {
    std::vector<std::pair<std::string, Instance>> keyed; // empty: a single resource
    std::string error;
};

Instances instances_of(const Found& function)
{
    Instances instances;
    try {
        if (function.body->contains("count")) {
            const json count = function.module->evaluate((*function.body)["count"], {});
            if (!count.is_number_integer()) throw Unevaluable{"count is " + count.dump() + ", not a whole number"};
            for (long long i = 0; i < count.get<long long>(); ++i)
                instances.keyed.emplace_back("[" + std::to_string(i) + "]", Instance{json(i), {}, {}});
        } else if (function.body->contains("for_each")) {
            const json each = function.module->evaluate((*function.body)["for_each"], {});
            if (each.is_object()) {
                for (const auto& [key, value] : each.items())
                    instances.keyed.emplace_back("[\"" + key + "\"]", Instance{{}, json(key), value});
            } else if (each.is_array()) {
                for (const auto& key : each) {
                    const std::string text = as_text(key, "for_each");
                    instances.keyed.emplace_back("[\"" + text + "\"]", Instance{{}, json(text), json(text)});
                }
            } else {
                throw Unevaluable{"for_each is " + each.dump() + ", not a map or a set"};
            }
        }
    } catch (const Unevaluable& unevaluable) {
        instances.error = "terraform: " + function.address + ": " + unevaluable.what() +
                          "; name one instance: " + function.address + "[0] or " + function.address + "[\"key\"]";
    }
    return instances;
}

bool counted(const Found& function)
{
    return function.body->contains("count") || function.body->contains("for_each");
}

std::string no_function_error(const Config& config, const std::string& resource, const std::vector<Found>& functions)
{
    std::string error = "terraform: no aws_lambda_function " + resource + " in " + config.root_folder().string();
    std::vector<std::string> addresses;
    for (const auto& function : functions) addresses.push_back(function.address);
    if (!addresses.empty()) error += "; its functions: " + joined(addresses);
    if (!config.registry_modules().empty())
        error += "; registry modules are not read (" + joined(config.registry_modules()) +
                 "): lambda-emu follows local modules only";
    return error;
}

} // namespace

ReadFunction read_function(const ModuleFiles& root, const std::string& resource, const Context& context,
                           const ModuleLoader& load_module)
{
    ReadFunction read;
    const Config config{root, context, load_module};
    read.notices = config.notices();
    if (!config.error().empty()) {
        read.error = config.error();
        return read;
    }
    // aws_lambda_function.NAME["key"]: the instance's key apart from the resource's address.
    std::string address = resource;
    std::string key;
    if (resource.ends_with("]")) {
        if (const auto open = resource.rfind('['); open != std::string::npos) {
            address = resource.substr(0, open);
            key = resource.substr(open);
        }
    }
    const auto functions = every_function(config);
    std::vector<Found> matches;
    for (const auto& function : functions) {
        if (function.address == address) matches.push_back(function);
    }
    if (matches.empty()) {
        // The function's own name, as the console and `aws lambda invoke` know it.
        for (const auto& function : functions) {
            try {
                const auto name = function.body->find("function_name");
                if (name != function.body->end() && !counted(function) &&
                    function.module->evaluate(*name, {}) == json(resource))
                    matches.push_back(function);
            } catch (const Unevaluable&) {
            }
        }
        key.clear();
    }
    if (matches.empty()) {
        read.error = no_function_error(config, resource, functions);
        return read;
    }
    if (matches.size() > 1) {
        std::vector<std::string> addresses;
        for (const auto& match : matches) addresses.push_back(match.address);
        read.error = "terraform: several functions are named " + resource + " (" + joined(addresses) +
                     "); name one by its address";
        return read;
    }
    const Found& function = matches.front();
    Instance at;
    if (counted(function)) {
        const char* how = function.body->contains("count") ? "count" : "for_each";
        if (key.empty()) {
            read.error = "terraform: " + function.address + " has " + how + ": name one instance: " + function.address +
                         (std::string{how} == "count" ? "[0]" : "[\"key\"]");
            return read;
        }
        auto instances = instances_of(function);
        if (!instances.error.empty()) {
            read.error = instances.error;
            return read;
        }
        const auto found = std::find_if(instances.keyed.begin(), instances.keyed.end(),
                                        [&key](const auto& instance) { return instance.first == key; });
        if (found == instances.keyed.end()) {
            std::vector<std::string> keys;
            for (const auto& instance : instances.keyed) keys.push_back(function.address + instance.first);
            read.error = "terraform: " + function.address + " has no instance " + key +
                         "; its instances: " + (keys.empty() ? std::string{"none"} : joined(keys));
            return read;
        }
        at = found->second;
    } else if (!key.empty()) {
        read.error = "terraform: " + function.address + " has neither count nor for_each: name it without " + key;
        return read;
    }
    try {
        read.function = FunctionReader{config, *function.module, function.address + key, *function.body, at}.read();
    } catch (const std::runtime_error& error) {
        read.error = error.what();
    }
    return read;
}

FunctionAddresses function_addresses(const ModuleFiles& root, const Context& context, const ModuleLoader& load_module)
{
    FunctionAddresses found;
    const Config config{root, context, load_module};
    found.notices = config.notices();
    if (!config.error().empty()) {
        found.error = config.error();
        return found;
    }
    for (const auto& function : every_function(config)) {
        if (!counted(function)) {
            found.addresses.push_back(function.address);
            continue;
        }
        auto instances = instances_of(function);
        if (!instances.error.empty()) {
            found.error = instances.error;
            found.addresses.clear();
            return found;
        }
        for (const auto& [key, instance] : instances.keyed) found.addresses.push_back(function.address + key);
    }
    if (found.addresses.empty()) found.error = no_function_error(config, "at all", {});
    return found;
}

} // namespace lambda_emu::terraform

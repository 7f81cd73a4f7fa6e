#include "sam_template.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace lambda_emu::sam {

namespace {

// A property the emulator cannot know locally, said once: which one, why, what to pass instead.
struct Unresolved : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A template no deployment would accept (parameters that refer to one another in a circle): an
// error wherever it is met, even in a property that is otherwise optional (FunctionName).
struct Broken : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// CloudFormation allows at most 200 parameters in a template, so a chain of Defaults longer than
// that cannot be real; the bound also keeps the resolution's recursion shallow.
constexpr std::size_t kMaxParameterChain = 200;
// A resolved value longer than the largest template (a !Sub of a !Sub of ... doubling each time)
// cannot be real either; the bound keeps memory in line with the template's size.
constexpr std::size_t kMaxResolvedBytes = kMaxTemplateBytes;

// What to pass on the command line in place of each property.
std::string instead(const std::string& property)
{
    if (property == "Handler") return "pass --handler";
    if (property == "Runtime") return "pass the bootstrap's path instead of --template";
    if (property == "CodeUri") return "give CodeUri as a local folder, or pass the bootstrap's path";
    if (property == "MemorySize") return "pass --memory MB";
    if (property == "Timeout") return "pass --timeout S";
    if (property.starts_with("Environment.Variables.")) return "pass --env " + property.substr(22) + "=VALUE";
    if (property.starts_with("Layers")) return "pass a local copy of the layer with --layer DIR or --layer-map";
    if (property.starts_with("EphemeralStorage")) return "pass --ephemeral-storage MB";
    if (property.starts_with("LoggingConfig")) return "pass --log-format text|json";
    if (property == "FunctionName") return "pass --function-name";
    if (property.starts_with("CapacityProviderConfig")) return "pass --max-concurrency N and --memory-gib-per-vcpu G";
    if (property.starts_with("TenancyConfig")) return "pass --tenant-isolation";
    return "pass the value on the command line";
}

// node[key], or an undefined node when node is not a map or has no such key: yaml-cpp throws on
// indexing into a missing node, and templates leave most properties out.
YAML::Node get(const YAML::Node& node, const std::string& key)
{
    if (!node || !node.IsMap()) return YAML::Node{YAML::NodeType::Undefined};
    const YAML::Node found = node[key];
    return found ? found : YAML::Node{YAML::NodeType::Undefined};
}

YAML::Node get(const YAML::Node& node, std::initializer_list<const char*> keys)
{
    // Node::operator= writes into the tree (yaml-cpp nodes are references): reset() rebinds.
    YAML::Node at = node;
    for (const char* key : keys) at.reset(get(at, key));
    return at;
}

std::string type_of(const YAML::Node& resource)
{
    const auto type = get(resource, "Type");
    return type && type.IsScalar() ? type.Scalar() : std::string{};
}

class Template {
public:
    Template(YAML::Node root, std::filesystem::path folder, std::string logical_id, const TemplateContext& context)
        : root_{std::move(root)}, folder_{std::move(folder)}, id_{std::move(logical_id)}, context_{context}
    {
    }

    [[noreturn]] void fail(const std::string& property, const std::string& problem) const
    {
        throw Unresolved{"template: " + id_ + "." + property + ": " + problem + "; " + instead(property)};
    }

    // A single value, with the intrinsics that can be resolved locally resolved.
    std::string scalar(const YAML::Node& node, const std::string& property) const
    {
        const auto& tag = node.Tag();
        if (tag == "!Ref") return ref(node.Scalar(), property);
        if (tag == "!Sub") {
            if (!node.IsScalar()) fail(property, "!Sub with a variables map cannot be resolved locally");
            return sub(node.Scalar(), property);
        }
        if (tag.size() > 1 && tag[0] == '!') fail(property, tag + " cannot be resolved locally");
        if (node.IsMap() && node.size() == 1) {
            // Copies: the iterator's pair is a temporary (its nodes would dangle by reference).
            const auto entry = *node.begin();
            const std::string key = entry.first.Scalar();
            const YAML::Node value = entry.second;
            if (key == "Ref") return ref(value.Scalar(), property);
            if (key == "Fn::Sub" && value.IsScalar()) return sub(value.Scalar(), property);
            if (key.starts_with("Fn::")) fail(property, key + " cannot be resolved locally");
        }
        if (!node.IsScalar()) fail(property, "expected a single value");
        return node.Scalar();
    }

    // `!Ref NAME`: a parameter's override or Default, or a pseudo parameter the run knows; nothing
    // else is known before deployment.
    std::string ref(const std::string& name, const std::string& property) const
    {
        const auto parameter = get(get(root_, "Parameters"), name);
        if (parameter && parameter.IsMap()) {
            if (const auto given = context_.parameter_overrides.find(name); given != context_.parameter_overrides.end())
                return given->second;
            const auto fallback = get(parameter, "Default");
            if (!fallback)
                fail(property,
                     "!Ref " + name + " is a parameter without a Default or --parameter-overrides " + name + "=VALUE");
            return parameter_default(name, fallback, property);
        }
        if (name == "AWS::Region") return context_.region;
        if (name == "AWS::AccountId") return context_.account_id;
        if (name == "AWS::Partition") return "aws";
        if (name == "AWS::URLSuffix") return "amazonaws.com";
        if (name.starts_with("AWS::")) fail(property, "!Ref " + name + " is a pseudo parameter known only in AWS");
        if (get(get(root_, "Resources"), name))
            fail(property, "!Ref " + name + " names a resource, known only once deployed");
        fail(property, "!Ref " + name + " names nothing in the template");
    }

    // A Default may itself be a !Ref or a !Sub. Each is resolved once (a Default that names another
    // twice, again and again, would otherwise take exponential time) and the names being resolved
    // are kept, so that a Default leading back to its own parameter is named instead of recursing
    // until the stack overflows.
    std::string parameter_default(const std::string& name, const YAML::Node& fallback,
                                  const std::string& property) const
    {
        if (const auto known = resolved_.find(name); known != resolved_.end()) return known->second;
        if (const auto loop = std::find(resolving_.begin(), resolving_.end(), name); loop != resolving_.end()) {
            std::string cycle;
            for (auto at = loop; at != resolving_.end(); ++at) cycle += *at + " -> ";
            throw Broken{"template: parameter " + name + " refers to itself through " + cycle + name +
                         "; give one of them a plain Default"};
        }
        if (resolving_.size() >= kMaxParameterChain)
            throw Broken{"template: parameter " + name + ": Defaults refer to other parameters more than " +
                         std::to_string(kMaxParameterChain) + " deep (CloudFormation allows " +
                         std::to_string(kMaxParameterChain) + " parameters)"};
        resolving_.push_back(name);
        std::string value;
        try {
            value = scalar(fallback, property);
        } catch (...) {
            resolving_.pop_back();
            throw;
        }
        resolving_.pop_back();
        return resolved_.emplace(name, std::move(value)).first->second;
    }

    // `!Sub "...${Name}..."`: each ${Name} a parameter with a Default; ${!Literal} stays literal.
    std::string sub(const std::string& text, const std::string& property) const
    {
        std::string out;
        for (std::size_t i = 0; i < text.size();) {
            if (text.compare(i, 2, "${") != 0) {
                out += text[i++];
                continue;
            }
            const auto end = text.find('}', i);
            if (end == std::string::npos) fail(property, "!Sub has an unclosed ${");
            const auto name = text.substr(i + 2, end - i - 2);
            if (name.starts_with("!")) out += "${" + name.substr(1) + "}";
            else if (name.starts_with("AWS::")) out += ref(name, property);
            else if (name.find('.') != std::string::npos)
                fail(property, "!Sub ${" + name + "} is an attribute known only in AWS");
            else out += ref(name, property);
            i = end + 1;
            if (out.size() > kMaxResolvedBytes)
                throw Broken{"template: " + id_ + "." + property + ": !Sub grows beyond " +
                             std::to_string(kMaxResolvedBytes) + " bytes, more than a whole template may hold"};
        }
        return out;
    }

    // The property from the function, else from Globals.Function.
    YAML::Node property(const YAML::Node& function, const char* key) const
    {
        if (const auto own = get(function, key)) return own;
        return get(get(root_, {"Globals", "Function"}), key);
    }

    int integer(const YAML::Node& node, const std::string& property) const
    {
        const auto text = scalar(node, property);
        try {
            std::size_t used = 0;
            const int value = std::stoi(text, &used);
            if (used == text.size()) return value;
        } catch (const std::exception&) {
        }
        fail(property, "'" + text + "' is not a whole number");
    }

    std::filesystem::path local_folder(const std::string& uri, const std::string& property) const
    {
        if (uri.starts_with("s3://") || uri.starts_with("arn:"))
            fail(property, uri + " is not a local folder (only local paths are read)");
        return (folder_ / uri).lexically_normal();
    }

    // A local folder or .zip, made absolute, or an ARN as it is.
    std::string layer(const YAML::Node& node, const std::string& property) const
    {
        // A layer of the same template: `!Ref LayerLogicalId` (or {Ref: ...}), its ContentUri.
        std::string name;
        if (node.Tag() == "!Ref") name = node.Scalar();
        else if (const auto ref = get(node, "Ref"); ref && ref.IsScalar()) name = ref.Scalar();
        if (!name.empty() && get(get(root_, "Resources"), name)) {
            const auto resource = get(get(root_, "Resources"), name);
            if (type_of(resource) != "AWS::Serverless::LayerVersion")
                fail(property, "!Ref " + name + " is not an AWS::Serverless::LayerVersion");
            const auto content = get(resource, {"Properties", "ContentUri"});
            if (!content) fail(property, "the layer " + name + " has no ContentUri");
            return local_folder(scalar(content, property), property).string();
        }
        const auto value = scalar(node, property);
        if (value.starts_with("arn:")) return value;
        return local_folder(value, property).string();
    }

    FunctionProperties read() const
    {
        const auto resources = get(root_, "Resources");
        if (!resources || !resources.IsMap()) throw Unresolved{"template: no Resources section"};
        const auto resource = get(resources, id_);
        if (!resource) {
            std::string functions;
            for (const auto& entry : resources) {
                if (type_of(entry.second) == "AWS::Serverless::Function")
                    functions += (functions.empty() ? "" : ", ") + entry.first.as<std::string>();
            }
            throw Unresolved{"template: no resource " + id_ +
                             "; its functions: " + (functions.empty() ? "none" : functions)};
        }
        if (type_of(resource) != "AWS::Serverless::Function")
            throw Unresolved{"template: " + id_ + " is a " +
                             (type_of(resource).empty() ? std::string{"resource without Type"} : type_of(resource)) +
                             ", not an AWS::Serverless::Function"};
        const auto properties = get(resource, "Properties");
        for (const auto& [name, value] : context_.parameter_overrides) {
            if (!get(get(root_, "Parameters"), name))
                throw Unresolved{"template: --parameter-overrides " + name + "=" + value + ": the template has no " +
                                 "parameter " + name};
        }

        FunctionProperties function;
        function.logical_id = id_;
        if (const auto name = get(properties, "FunctionName")) {
            // Often !Sub "${AWS::StackName}-...": a name known only once deployed; the logical ID serves then.
            try {
                function.function_name = scalar(name, "FunctionName");
            } catch (const Unresolved&) {
            }
        }
        if (const auto node = property(properties, "Handler")) function.handler = scalar(node, "Handler");
        if (const auto node = property(properties, "Runtime")) function.runtime = scalar(node, "Runtime");
        if (const auto node = property(properties, "CodeUri")) {
            if (get(node, "Bucket") || get(node, "Key")) fail("CodeUri", "an S3 location is not a local folder");
            function.code_uri = local_folder(scalar(node, "CodeUri"), "CodeUri");
        }
        if (const auto node = property(properties, "MemorySize")) function.memory_mb = integer(node, "MemorySize");
        if (const auto node = property(properties, "Timeout")) function.timeout_seconds = integer(node, "Timeout");
        // Environment.Variables: Globals' first, the function's over them, key by key. Indexed: a
        // 1 MB template can hold a hundred thousand keys.
        std::unordered_map<std::string, std::size_t> index;
        for (const auto& source : {get(root_, {"Globals", "Function", "Environment", "Variables"}),
                                   get(properties, {"Environment", "Variables"})}) {
            if (!source) continue;
            if (!source.IsMap()) fail("Environment.Variables", "expected a map of names to values");
            for (const auto& entry : source) {
                const auto key = entry.first.as<std::string>();
                std::string value;
                try {
                    value = scalar(entry.second, "Environment.Variables." + key);
                } catch (const Unresolved& unknown) {
                    // A resource's name or ARN: the command line may give it (--env KEY=VALUE).
                    std::erase_if(function.unresolved_variables, [&key](const auto& e) { return e.first == key; });
                    function.unresolved_variables.emplace_back(key, unknown.what());
                    continue;
                }
                std::erase_if(function.unresolved_variables, [&key](const auto& e) { return e.first == key; });
                if (const auto found = index.find(key); found != index.end()) {
                    function.variables[found->second].second = value;
                } else {
                    index.emplace(key, function.variables.size());
                    function.variables.emplace_back(key, value);
                }
            }
        }
        if (const auto node = property(properties, "Layers")) {
            if (!node.IsSequence()) fail("Layers", "expected a list");
            for (std::size_t i = 0; i < node.size(); ++i)
                function.layers.push_back(layer(node[i], "Layers[" + std::to_string(i) + "]"));
        }
        if (const auto node = property(properties, "Architectures")) {
            if (!node.IsSequence() || node.size() != 1)
                fail("Architectures", "expected a list of one architecture (Lambda takes x86_64 or arm64)");
            const auto architecture = scalar(node[0], "Architectures");
            if (architecture != "x86_64" && architecture != "arm64")
                fail("Architectures", "'" + architecture + "' is neither x86_64 nor arm64");
            function.architecture = architecture;
        }
        if (const auto method = get(resource, {"Metadata", "BuildMethod"}); method && method.IsScalar())
            function.build_method = method.Scalar();
        if (const auto node = property(properties, "EphemeralStorage")) {
            const auto size = get(node, "Size");
            if (!size) fail("EphemeralStorage", "expected Size");
            function.ephemeral_storage_mb = integer(size, "EphemeralStorage.Size");
        }
        if (const auto node = property(properties, "LoggingConfig")) {
            if (const auto format = get(node, "LogFormat"))
                function.log_format = scalar(format, "LoggingConfig.LogFormat");
            if (const auto level = get(node, "ApplicationLogLevel"))
                function.application_log_level = scalar(level, "LoggingConfig.ApplicationLogLevel");
            if (const auto level = get(node, "SystemLogLevel"))
                function.system_log_level = scalar(level, "LoggingConfig.SystemLogLevel");
        }
        // SAM's CapacityProviderConfig {Arn, ...}, or CloudFormation's with its
        // LambdaManagedInstancesCapacityProviderConfig inside: the capacity provider itself is AWS's.
        if (const auto outer = property(properties, "CapacityProviderConfig")) {
            const auto inner = get(outer, "LambdaManagedInstancesCapacityProviderConfig");
            const auto node = inner ? inner : outer;
            if (!node.IsMap()) fail("CapacityProviderConfig", "expected a map");
            function.managed_instances = true;
            if (const auto value = get(node, "PerExecutionEnvironmentMaxConcurrency"))
                function.max_concurrency =
                    integer(value, "CapacityProviderConfig.PerExecutionEnvironmentMaxConcurrency");
            if (const auto value = get(node, "ExecutionEnvironmentMemoryGiBPerVCpu")) {
                const auto text = scalar(value, "CapacityProviderConfig.ExecutionEnvironmentMemoryGiBPerVCpu");
                try {
                    function.memory_gib_per_vcpu = std::stod(text);
                } catch (const std::exception&) {
                    fail("CapacityProviderConfig.ExecutionEnvironmentMemoryGiBPerVCpu",
                         "'" + text + "' is not a number");
                }
            }
        }
        if (const auto node = property(properties, "TenancyConfig")) {
            const auto mode = get(node, "TenantIsolationMode");
            if (!mode) fail("TenancyConfig", "expected TenantIsolationMode");
            const auto text = scalar(mode, "TenancyConfig.TenantIsolationMode");
            if (text != "PER_TENANT") fail("TenancyConfig.TenantIsolationMode", "'" + text + "' is not PER_TENANT");
            function.tenant_isolation = true;
        }
        return function;
    }

private:
    YAML::Node root_;
    std::filesystem::path folder_;
    std::string id_;
    const TemplateContext& context_;
    mutable std::vector<std::string> resolving_;          // the parameters whose Default is being resolved
    mutable std::map<std::string, std::string> resolved_; // each parameter's resolved Default
};

} // namespace

ReadFunction read_function(const std::string& yaml, const std::filesystem::path& folder, const std::string& logical_id,
                           const TemplateContext& context)
{
    ReadFunction read;
    try {
        read.function = Template{YAML::Load(yaml), folder, logical_id, context}.read();
    } catch (const Unresolved& error) {
        read.error = error.what();
    } catch (const Broken& error) {
        read.error = error.what();
    } catch (const YAML::Exception& error) {
        read.error = std::string{"template: not a YAML template: "} + error.what();
    }
    return read;
}

FunctionIds function_ids(const std::string& yaml)
{
    FunctionIds found;
    try {
        const auto resources = get(YAML::Load(yaml), "Resources");
        if (!resources || !resources.IsMap()) {
            found.error = "template: no Resources section";
            return found;
        }
        for (const auto& entry : resources) {
            if (type_of(entry.second) == "AWS::Serverless::Function")
                found.ids.push_back(entry.first.as<std::string>());
        }
    } catch (const YAML::Exception& error) {
        found.error = std::string{"template: not a YAML template: "} + error.what();
        return found;
    }
    if (found.ids.empty()) found.error = "template: no AWS::Serverless::Function in its Resources";
    return found;
}

} // namespace lambda_emu::sam

// The Terraform reader: an aws_lambda_function's attributes in the SAM reader's shape, the
// evaluation a run can do (variables from defaults, TF_VAR_*, .tfvars and -var; locals; path.*;
// the run's region, account and partition), and one clear line for each refusal. The files come as
// HashiCorp's parser (hcl2json) gives them, so no Node.js is needed here.
#include "template/terraform_config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace lambda_emu::terraform;

// The issue's main.tf as hcl2json prints it: the Insights layer by ARN, an archive_file of
// function/, IAM resources, var.region with a default.
json main_tf()
{
    return json::parse(R"({
  "data": {"archive_file": {"lambda_zip": [{"output_path": "${path.module}/lambda.zip",
                                            "source_dir": "${path.module}/function", "type": "zip"}]}},
  "locals": [{"prefix": "graceful-${var.region}"}],
  "provider": {"aws": [{"region": "${var.region}"}]},
  "resource": {
    "aws_iam_role": {"lambda_role": [{"assume_role_policy": "${jsonencode({\n Version = \"2012-10-17\"\n})}",
                                      "name": "graceful-shutdown-role"}]},
    "aws_iam_role_policy_attachment": {"basic": [{"policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                                  "role": "${aws_iam_role.lambda_role.name}"}]},
    "aws_lambda_function": {"lambda": [{
      "architectures": ["arm64"],
      "environment": [{"variables": {"PREFIX": "${local.prefix}", "COUNT": 3, "FLAG": true,
                                     "ACCOUNT": "${data.aws_caller_identity.current.account_id}",
                                     "ROLE": "${aws_iam_role.lambda_role.arn}"}}],
      "ephemeral_storage": [{"size": 1024}],
      "filename": "${data.archive_file.lambda_zip.output_path}",
      "function_name": "graceful-shutdown",
      "handler": "index.handler",
      "layers": ["arn:aws:lambda:${var.region}:580247275435:layer:LambdaInsightsExtension-Arm64:2"],
      "logging_config": [{"log_format": "JSON"}],
      "memory_size": 256,
      "role": "${aws_iam_role.lambda_role.arn}",
      "runtime": "nodejs20.x",
      "source_code_hash": "${data.archive_file.lambda_zip.output_base64sha256}",
      "timeout": 10
    }]}
  },
  "variable": {"region": [{"default": "us-east-1", "type": "${string}"}]}
})");
}

ModuleFiles root_of(json body, const fs::path& folder = "/work/app")
{
    return {folder, {{folder / "main.tf", std::move(body)}}, {}};
}

const ModuleLoader kNoModules = [](const fs::path& folder) {
    return ModuleFiles{folder, {}, "no such module in the test"};
};

// A function with the given attributes besides a filename, in a main.tf with `variables`.
json function_tf(json attributes, json variables = json::object())
{
    attributes["filename"] = "${data.archive_file.code.output_path}";
    json body = {{"data", {{"archive_file", {{"code", {{{"source_dir", "function"}, {"output_path", "x.zip"}}}}}}}},
                 {"resource", {{"aws_lambda_function", {{"f", {attributes}}}}}}};
    if (!variables.empty()) body["variable"] = variables;
    return body;
}

} // namespace

TEST_CASE("terraform: an aws_lambda_function's attributes map to the function's settings")
{
    const auto read = read_function(root_of(main_tf()), "aws_lambda_function.lambda", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    const auto& function = read.function;
    CHECK(function.logical_id == "aws_lambda_function.lambda");
    CHECK(function.function_name == "graceful-shutdown");
    CHECK(function.handler == "index.handler");
    CHECK(function.runtime == "nodejs20.x");
    CHECK(function.memory_mb == 256);
    CHECK(function.timeout_seconds == 10);
    CHECK(function.architecture == "arm64");
    CHECK(function.ephemeral_storage_mb == 1024);
    CHECK(function.log_format == "JSON");
    // The archive's source folder is the code, used as it is: nothing is zipped.
    CHECK(function.code_uri == fs::path{"/work/app/function"});
    REQUIRE(function.layers.size() == 1);
    CHECK(function.layers[0] == "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:2");
    using Pair = std::pair<std::string, std::string>;
    CHECK(function.variables ==
          std::vector<Pair>{
              {"ACCOUNT", "123456789012"}, {"COUNT", "3"}, {"FLAG", "true"}, {"PREFIX", "graceful-us-east-1"}});
    // A resource's attribute is known only once deployed: --env must give it, and says so.
    REQUIRE(function.unresolved_variables.size() == 1);
    CHECK(function.unresolved_variables[0].first == "ROLE");
    CHECK(function.unresolved_variables[0].second ==
          "terraform: aws_lambda_function.lambda.environment.variables.ROLE: `aws_iam_role.lambda_role.arn` is "
          "known only once deployed; pass --env ROLE=VALUE");
}

TEST_CASE("terraform: the function is found by its function_name too")
{
    const auto read = read_function(root_of(main_tf()), "graceful-shutdown", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.logical_id == "aws_lambda_function.lambda");
}

TEST_CASE("terraform: the run's region and account stand for the data sources and the variables' sources")
{
    Context context;
    context.region = "eu-west-1";
    context.account_id = "111122223333";
    auto body = function_tf({{"function_name", "${data.aws_partition.current.partition}-${data.aws_region.here.name}-"
                                               "${data.aws_caller_identity.me.account_id}"}});
    auto read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "aws-eu-west-1-111122223333");
    context.region = "cn-north-1";
    read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    CHECK(read.function.function_name == "aws-cn-cn-north-1-111122223333");
}

TEST_CASE("terraform: a variable's value comes from -var over -var-file over TF_VAR_ over its default")
{
    const json variables = {{"stage", {{{"default", "dev"}}}},
                            {"memory", {{{"type", "${number}"}, {"default", 128}}}},
                            {"layers", {{{"default", json::array({"arn:a", "arn:b"})}}}}};
    const auto body = function_tf(
        {{"function_name", "app-${var.stage}"}, {"memory_size", "${var.memory}"}, {"layers", "${var.layers}"}},
        variables);
    Context context;
    auto read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "app-dev");
    CHECK(read.function.memory_mb == 128);
    CHECK(read.function.layers == std::vector<std::string>{"arn:a", "arn:b"});

    context.environment_variables["stage"] = "from-env";
    read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    CHECK(read.function.function_name == "app-from-env");

    context.variable_files.push_back({{"stage", "from-tfvars"}, {"memory", 512}});
    context.variable_files.push_back({{"stage", "from-var-file"}});
    read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    CHECK(read.function.function_name == "app-from-var-file");
    CHECK(read.function.memory_mb == 512);

    context.variables = {{"stage", "first"}, {"stage", "prod"}, {"memory", "1024"}};
    read = read_function(root_of(body), "aws_lambda_function.f", context, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "app-prod");
    CHECK(read.function.memory_mb == 1024);
}

TEST_CASE("terraform: interpolation keeps $${ literal, nests locals and takes map keys and list indexes")
{
    const json variables = {{"names", {{{"default", {{"api", "orders"}}}}}},
                            {"sizes", {{{"default", json::array({256, 512})}}}}};
    auto body = function_tf({{"function_name", "${local.full}"},
                             {"handler", "$${not}.handler"},
                             {"memory_size", "${var.sizes[1]}"},
                             {"environment", {{{"variables", {{"ROOT", "${path.root}"}, {"MOD", "${path.module}"}}}}}}},
                            variables);
    body["locals"] = json::array({{{"full", "${local.base}-${var.names[\"api\"]}"}}, {{"base", "svc"}}});
    const auto read = read_function(root_of(body), "aws_lambda_function.f", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "svc-orders");
    CHECK(read.function.handler == "${not}.handler");
    CHECK(read.function.memory_mb == 512);
    using Pair = std::pair<std::string, std::string>;
    CHECK(read.function.variables == std::vector<Pair>{{"MOD", "/work/app"}, {"ROOT", "/work/app"}});
}

TEST_CASE("terraform: what a run cannot evaluate is one line naming the expression and what to pass")
{
    const auto error_of = [](json attributes, json variables = json::object()) {
        return read_function(root_of(function_tf(std::move(attributes), std::move(variables))), "aws_lambda_function.f",
                             {}, kNoModules)
            .error;
    };
    CHECK(error_of({{"handler", "${aws_s3_bucket.b.id}.handler"}}) ==
          "terraform: aws_lambda_function.f.handler: `aws_s3_bucket.b.id` is known only once deployed; pass --handler");
    CHECK(error_of({{"runtime", "${data.aws_ssm_parameter.r.value}"}}) ==
          "terraform: aws_lambda_function.f.runtime: `data.aws_ssm_parameter.r.value` is known only once terraform "
          "reads it from AWS; pass --runtime");
    CHECK(error_of({{"timeout", "${upper(var.x)}"}}) ==
          "terraform: aws_lambda_function.f.timeout: `upper(var.x)` is not evaluated locally (variables, locals, "
          "path.*, and the region, account and partition data sources are); pass --timeout S");
    CHECK(error_of({{"memory_size", "${var.memory}"}}, {{"memory", {{{"type", "${number}"}}}}}) ==
          "terraform: aws_lambda_function.f.memory_size: var.memory has no default; pass -var memory=VALUE (or a "
          "--var-file)");
    CHECK(error_of({{"function_name", "${local.a}"}}) ==
          "terraform: aws_lambda_function.f.function_name: local.a is not declared in /work/app; pass "
          "--function-name");
    CHECK(error_of({{"architectures", json::array({"sparc"})}}) ==
          "terraform: aws_lambda_function.f.architectures: 'sparc' is neither x86_64 nor arm64; write [\"x86_64\"] "
          "or [\"arm64\"]");
}

TEST_CASE("terraform: a function's code that is not local is refused in one line")
{
    json body = {{"resource",
                  {{"aws_lambda_function",
                    {{"img", {{{"package_type", "Image"}, {"image_uri", "1.dkr.ecr/x:1"}}}},
                     {"s3", {{{"s3_bucket", "code"}, {"s3_key", "f.zip"}}}},
                     {"none", {{{"handler", "index.handler"}}}},
                     {"missing", {{{"filename", "build/f.zip"}}}}}}}}};
    const auto error_of = [&body](const std::string& resource) {
        return read_function(root_of(body), resource, {}, kNoModules).error;
    };
    CHECK(error_of("aws_lambda_function.img") ==
          "terraform: aws_lambda_function.img.image_uri: a container image is not run by lambda-emu; run the image's "
          "code with --runtime ID DIR, or its bootstrap");
    CHECK(error_of("aws_lambda_function.s3") ==
          "terraform: aws_lambda_function.s3.s3_bucket: the code is in S3, which a run does not download; set "
          "filename to a local .zip or a data \"archive_file\", or run the code's folder: lambda-emu run --runtime ID "
          "DIR");
    CHECK(error_of("aws_lambda_function.none") ==
          "terraform: aws_lambda_function.none.filename: the function has no filename; set filename, or run the "
          "code's folder");
    CHECK(error_of("aws_lambda_function.missing") ==
          "terraform: aws_lambda_function.missing.filename: /work/app/build/f.zip does not exist; build it first, or "
          "run the code's folder: lambda-emu run --runtime ID DIR");
}

TEST_CASE("terraform: a local zip is the code, and a filename equal to an archive's output_path is its source")
{
    const fs::path folder = fs::temp_directory_path() / "lambda-emu-terraform-unit";
    fs::create_directories(folder / "src");
    std::ofstream{folder / "code.zip"} << "PK";
    json body = {
        {"data",
         {{"archive_file",
           {{"a", {{{"source_file", "${path.module}/src/index.js"}, {"output_path", "${path.module}/dist/a.zip"}}}}}}}},
        {"resource",
         {{"aws_lambda_function", {{"zip", {{{"filename", "code.zip"}}}}, {"same", {{{"filename", "dist/a.zip"}}}}}}}}};
    auto read = read_function(root_of(body, folder), "aws_lambda_function.zip", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.code_uri == folder / "code.zip");
    read = read_function(root_of(body, folder), "aws_lambda_function.same", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.code_uri == folder / "src");
    fs::remove_all(folder);
}

TEST_CASE("terraform: count and for_each need the instance named, which count.index and each.* then see")
{
    json body = function_tf({{"function_name", "f-${count.index}"}, {"count", 2}});
    auto read = read_function(root_of(body), "aws_lambda_function.f", {}, kNoModules);
    CHECK(read.error == "terraform: aws_lambda_function.f has count: name one instance: aws_lambda_function.f[0]");
    read = read_function(root_of(body), "aws_lambda_function.f[1]", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "f-1");
    CHECK(read.function.logical_id == "aws_lambda_function.f[1]");
    read = read_function(root_of(body), "aws_lambda_function.f[2]", {}, kNoModules);
    CHECK(read.error == "terraform: aws_lambda_function.f has no instance [2]; its instances: "
                        "aws_lambda_function.f[0], aws_lambda_function.f[1]");

    body = function_tf({{"function_name", "${each.key}"},
                        {"memory_size", "${each.value}"},
                        {"for_each", {{"small", 128}, {"large", 1024}}}});
    read = read_function(root_of(body), "aws_lambda_function.f", {}, kNoModules);
    CHECK(read.error ==
          "terraform: aws_lambda_function.f has for_each: name one instance: aws_lambda_function.f[\"key\"]");
    read = read_function(root_of(body), "aws_lambda_function.f[\"large\"]", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "large");
    CHECK(read.function.memory_mb == 1024);
    const auto every = function_addresses(root_of(body), {}, kNoModules);
    CHECK(every.addresses ==
          std::vector<std::string>{"aws_lambda_function.f[\"large\"]", "aws_lambda_function.f[\"small\"]"});

    body = function_tf({{"function_name", "g"}});
    read = read_function(root_of(body), "aws_lambda_function.f[0]", {}, kNoModules);
    CHECK(read.error == "terraform: aws_lambda_function.f has neither count nor for_each: name it without [0]");
}

TEST_CASE("terraform: a missing or ambiguous function is one line listing the functions there are")
{
    json body = {{"resource",
                  {{"aws_lambda_function",
                    {{"a", {{{"function_name", "same"}, {"filename", "a.zip"}}}},
                     {"b", {{{"function_name", "same"}, {"filename", "b.zip"}}}}}}}}};
    CHECK(read_function(root_of(body), "aws_lambda_function.c", {}, kNoModules).error ==
          "terraform: no aws_lambda_function aws_lambda_function.c in /work/app; its functions: "
          "aws_lambda_function.a, aws_lambda_function.b");
    CHECK(read_function(root_of(body), "same", {}, kNoModules).error ==
          "terraform: several functions are named same (aws_lambda_function.a, aws_lambda_function.b); name one by "
          "its address");
    CHECK(function_addresses(root_of(json::object()), {}, kNoModules).error ==
          "terraform: no aws_lambda_function at all in /work/app");
}

TEST_CASE("terraform: local modules are followed with their arguments; registry modules are refused in one line")
{
    json root = {{"variable", {{"stage", {{{"default", "prod"}}}}}},
                 {"module",
                  {{"api", {{{"source", "./modules/api"}, {"name", "api-${var.stage}"}}}},
                   {"vpc", {{{"source", "terraform-aws-modules/vpc/aws"}, {"version", "5.0.0"}}}}}}};
    json child =
        function_tf({{"function_name", "${var.name}"}, {"handler", "${path.module}"}}, {{"name", {json::object()}}});
    const ModuleLoader loader = [&child](const fs::path& folder) {
        if (folder == fs::path{"/work/app/modules/api"}) return ModuleFiles{folder, {{folder / "main.tf", child}}, {}};
        return ModuleFiles{folder, {}, "no .tf files in " + folder.string()};
    };
    auto read = read_function(root_of(root), "module.api.aws_lambda_function.f", {}, loader);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    CHECK(read.function.function_name == "api-prod");
    CHECK(read.function.handler == "/work/app/modules/api");
    CHECK(read.function.code_uri == fs::path{"/work/app/function"});
    REQUIRE(read.notices.size() == 1);
    CHECK(read.notices[0] == "warning: terraform: module.vpc (source = \"terraform-aws-modules/vpc/aws\") is not read: "
                             "lambda-emu follows local modules (source = \"./...\") only");
    CHECK(read_function(root_of(root), "aws_lambda_function.x", {}, loader).error ==
          "terraform: no aws_lambda_function aws_lambda_function.x in /work/app; its functions: "
          "module.api.aws_lambda_function.f; registry modules are not read (module.vpc "
          "(terraform-aws-modules/vpc/aws)): lambda-emu follows local modules only");

    root["module"]["api"][0]["source"] = "./nowhere";
    CHECK(read_function(root_of(root), "module.api.aws_lambda_function.f", {}, loader).error ==
          "terraform: module.api: no .tf files in /work/app/nowhere");
}

TEST_CASE("terraform: environment variables may be a whole map from a variable or a local")
{
    const json variables = {{"envs", {{{"default", {{"A", "1"}, {"B", 2}}}}}}};
    auto body = function_tf({{"environment", {{{"variables", "${var.envs}"}}}}}, variables);
    auto read = read_function(root_of(body), "aws_lambda_function.f", {}, kNoModules);
    REQUIRE_MESSAGE(read.error.empty(), read.error);
    using Pair = std::pair<std::string, std::string>;
    CHECK(read.function.variables == std::vector<Pair>{{"A", "1"}, {"B", "2"}});

    body = function_tf({{"environment", {{{"variables", "${merge(var.envs, {})}"}}}}}, variables);
    read = read_function(root_of(body), "aws_lambda_function.f", {}, kNoModules);
    CHECK(read.error == "terraform: aws_lambda_function.f.environment.variables: `merge(var.envs, {})` is not "
                        "evaluated locally (variables, locals, path.*, and the region, account and partition data "
                        "sources are); pass each variable with --env NAME=VALUE");
}

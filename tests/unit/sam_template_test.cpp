// The SAM template reader: properties from the function and from Globals.Function (the
// function's win), parameters' defaults, local layers, and one clear line for what cannot be
// known locally.
#include "template/sam_template.hpp"

#include <doctest/doctest.h>

namespace {

using lambda_emu::sam::read_function;

constexpr const char* kTemplate = R"(
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: test
  Secret:
    Type: String
Globals:
  Function:
    Timeout: 7
    MemorySize: 256
    Runtime: provided.al2023
    Environment:
      Variables:
        SHARED: from-globals
        OVERRIDDEN: from-globals
    LoggingConfig:
      LogFormat: JSON
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/deps
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/worker
      Handler: worker.handle
      MemorySize: 512
      Environment:
        Variables:
          OVERRIDDEN: from-function
          STAGE: !Ref Stage
          TABLE: !Sub "orders-${Stage}-${!Literal}"
      Layers:
        - !Ref Deps
      EphemeralStorage:
        Size: 1024
  Secretive:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          API_KEY: !Ref Secret
  Linked:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          QUEUE_URL: !GetAtt Queue.QueueUrl
  WithArn:
    Type: AWS::Serverless::Function
    Properties:
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:deps:3
  LongForm:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: {"Ref": "Stage"}
  Queue:
    Type: AWS::SQS::Queue
)";

} // namespace

TEST_CASE("a function's properties come from itself, then from Globals.Function")
{
    const auto read = read_function(kTemplate, "/project", "Worker");
    INFO(read.error);
    REQUIRE(read.error.empty());
    const auto& f = read.function;
    CHECK(f.handler == "worker.handle");
    CHECK(f.runtime == "provided.al2023");
    CHECK(f.code_uri == std::filesystem::path{"/project/src/worker"});
    CHECK(f.memory_mb == 512);       // the function's own
    CHECK(f.timeout_seconds == 7.0); // from Globals
    CHECK(f.log_format == "JSON");
    CHECK(f.ephemeral_storage_mb == 1024);
    REQUIRE(f.layers.size() == 1);
    CHECK(f.layers[0] == "/project/layers/deps");
    using Pair = std::pair<std::string, std::string>;
    CHECK(f.variables == std::vector<Pair>{{"SHARED", "from-globals"},
                                           {"OVERRIDDEN", "from-function"},
                                           {"STAGE", "test"},
                                           {"TABLE", "orders-test-${Literal}"}});
}

TEST_CASE("a variable known only once deployed is passed on with the line to give unless --env sets it")
{
    auto read = read_function(kTemplate, "/project", "Secretive");
    REQUIRE(read.error.empty());
    using Pair = std::pair<std::string, std::string>;
    CHECK(read.function.unresolved_variables ==
          std::vector<Pair>{{"API_KEY", "template: Secretive.Environment.Variables.API_KEY: !Ref Secret is a parameter "
                                        "without a Default or --parameter-overrides Secret=VALUE; pass --env "
                                        "API_KEY=VALUE"}});
    read = read_function(kTemplate, "/project", "Linked");
    REQUIRE(read.error.empty());
    CHECK(read.function.unresolved_variables ==
          std::vector<Pair>{{"QUEUE_URL", "template: Linked.Environment.Variables.QUEUE_URL: !GetAtt cannot be "
                                          "resolved locally; pass --env QUEUE_URL=VALUE"}});
    // A parameter override resolves what its Default could not.
    lambda_emu::sam::TemplateContext context;
    context.parameter_overrides["Secret"] = "s3cret";
    read = read_function(kTemplate, "/project", "Secretive", context);
    CHECK(read.function.unresolved_variables.empty());
    REQUIRE_FALSE(read.function.variables.empty());
    CHECK(read.function.variables.back() == Pair{"API_KEY", "s3cret"});
    // An override of a parameter the template does not have is a slip worth a line.
    context.parameter_overrides["Nope"] = "x";
    read = read_function(kTemplate, "/project", "Secretive", context);
    CHECK(read.error == "template: --parameter-overrides Nope=x: the template has no parameter Nope");
}

TEST_CASE("a layer ARN is passed on as it is, with the pseudo parameters of the run resolved")
{
    auto read = read_function(kTemplate, "/project", "WithArn");
    REQUIRE(read.error.empty());
    CHECK(read.function.layers == std::vector<std::string>{"arn:aws:lambda:us-east-1:123456789012:layer:deps:3"});

    constexpr const char* kInsights = R"(
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: go1.x
    Properties:
      Architectures: [arm64]
      Layers:
        - !Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension-Arm64:20"
        - !Sub "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:layer:mine:1"
      Environment:
        Variables:
          REGION: !Ref AWS::Region
          STACK: !Ref AWS::StackName
)";
    lambda_emu::sam::TemplateContext context;
    context.region = "eu-west-1";
    context.account_id = "111122223333";
    read = read_function(kInsights, "/project", "Fn", context);
    REQUIRE(read.error.empty());
    CHECK(read.function.layers ==
          std::vector<std::string>{"arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:20",
                                   "arn:aws:lambda:eu-west-1:111122223333:layer:mine:1"});
    CHECK(read.function.architecture == "arm64");
    CHECK(read.function.build_method == "go1.x");
    using Pair = std::pair<std::string, std::string>;
    CHECK(read.function.variables == std::vector<Pair>{{"REGION", "eu-west-1"}});
    REQUIRE(read.function.unresolved_variables.size() == 1);
    CHECK(read.function.unresolved_variables[0].second ==
          "template: Fn.Environment.Variables.STACK: !Ref AWS::StackName is a pseudo parameter known only in AWS; "
          "pass --env STACK=VALUE");
}

TEST_CASE("Architectures takes one of Lambda's two")
{
    const auto read = read_function(R"(
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Architectures: [sparc]
)",
                                    "/project", "Fn");
    CHECK(read.error == "template: Fn.Architectures: 'sparc' is neither x86_64 nor arm64; pass the value on the "
                        "command line");
}

TEST_CASE("the long form of Ref resolves as the short one")
{
    const auto read = read_function(kTemplate, "/project", "LongForm");
    // "test" is the default, and not a number.
    CHECK(read.error == "template: LongForm.Timeout: 'test' is not a whole number; pass --timeout S");
}

TEST_CASE("a missing or wrong logical ID names the template's functions")
{
    auto read = read_function(kTemplate, "/project", "Nope");
    CHECK(read.error == "template: no resource Nope; its functions: Worker, Secretive, Linked, WithArn, LongForm");
    read = read_function(kTemplate, "/project", "Queue");
    CHECK(read.error == "template: Queue is a AWS::SQS::Queue, not an AWS::Serverless::Function");
    read = read_function("Resources: [unclosed", "/project", "Worker");
    CHECK(read.error.starts_with("template: not a YAML template:"));
}

namespace {

// A function whose STAGE is !Ref P, under these Parameters.
std::string with_parameters(const std::string& parameters)
{
    return "Parameters:\n" + parameters + R"(Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          STAGE: !Ref P
)";
}

} // namespace

TEST_CASE("a Default that refers to itself is one line naming the circle, not a stack overflow")
{
    auto read = read_function(with_parameters("  P:\n    Default: !Ref P\n"), "/project", "Fn");
    CHECK(read.error == "template: parameter P refers to itself through P -> P; give one of them a plain Default");
    read = read_function(with_parameters("  P:\n    Default: !Sub \"x-${P}\"\n"), "/project", "Fn");
    CHECK(read.error == "template: parameter P refers to itself through P -> P; give one of them a plain Default");
    read = read_function(with_parameters("  P:\n    Default: {\"Ref\": \"Q\"}\n  Q:\n    Default: !Sub \"${R}\"\n"
                                         "  R:\n    Default: !Ref Q\n"),
                         "/project", "Fn");
    CHECK(read.error == "template: parameter Q refers to itself through Q -> R -> Q; give one of them a plain Default");
    // Even where an unknown value is otherwise forgiven (FunctionName falls back to the logical ID).
    read =
        read_function("Parameters:\n  N:\n    Default: !Ref N\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
                      "    Properties:\n      FunctionName: !Ref N\n",
                      "/project", "Fn");
    CHECK(read.error == "template: parameter N refers to itself through N -> N; give one of them a plain Default");
}

TEST_CASE("Defaults that name one another are resolved once each, and bounded")
{
    // P0 = "x", each next one twice the one before: resolved once each, 2^30 bytes would be reached.
    std::string parameters = "  P0:\n    Default: x\n";
    for (int i = 1; i <= 30; ++i) {
        parameters += "  P" + std::to_string(i) + ":\n    Default: !Sub \"${P" + std::to_string(i - 1) + "}${P" +
                      std::to_string(i - 1) + "}\"\n";
    }
    auto read = read_function(with_parameters("  P:\n    Default: !Ref P30\n" + parameters), "/project", "Fn");
    CHECK(read.error.find("!Sub grows beyond 1048576 bytes") != std::string::npos);
    // A chain of Defaults longer than CloudFormation's 200 parameters.
    parameters.clear();
    for (int i = 0; i < 300; ++i)
        parameters += "  C" + std::to_string(i) + ":\n    Default: !Ref C" + std::to_string(i + 1) + "\n";
    parameters += "  C300:\n    Default: end\n";
    read = read_function(with_parameters("  P:\n    Default: !Ref C0\n" + parameters), "/project", "Fn");
    CHECK(read.error.find("Defaults refer to other parameters more than 200 deep") != std::string::npos);
    // Up to 200 deep is fine, and a parameter named twice is the same value.
    parameters.clear();
    for (int i = 0; i < 150; ++i)
        parameters += "  C" + std::to_string(i) + ":\n    Default: !Sub \"${C" + std::to_string(i + 1) + "}\"\n";
    parameters += "  C150:\n    Default: end\n";
    read = read_function(with_parameters("  P:\n    Default: !Sub \"${C0}-${C0}\"\n" + parameters), "/project", "Fn");
    REQUIRE(read.error.empty());
    CHECK(read.function.variables == std::vector<std::pair<std::string, std::string>>{{"STAGE", "end-end"}});
}

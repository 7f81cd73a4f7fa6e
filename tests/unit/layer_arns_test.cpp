// Layer ARNs: a local copy mapped by --layer-map, CloudWatch Lambda Insights stood in, any other
// left out with one line that says how to map it.
#include "cli/layer_arns.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

TEST_CASE("a layer version ARN is parsed into its parts; anything else is not one")
{
    const auto arn = parse_layer_arn("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53");
    REQUIRE(arn);
    CHECK(arn->partition == "aws");
    CHECK(arn->region == "us-east-1");
    CHECK(arn->account == "580247275435");
    CHECK(arn->name == "LambdaInsightsExtension");
    CHECK(arn->version == "53");
    CHECK_FALSE(parse_layer_arn("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension"));
    CHECK_FALSE(parse_layer_arn("arn:aws:lambda:us-east-1:1:function:f:1"));
    CHECK_FALSE(parse_layer_arn("arn:aws:lambda::1:layer:x:1"));
    CHECK_FALSE(parse_layer_arn("layers/deps"));
}

TEST_CASE("Lambda Insights in any region, account, version and architecture is stood in")
{
    for (const char* given : {"arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53",
                              "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:5",
                              "arn:aws-cn:lambda:cn-north-1:488211338238:layer:LambdaInsightsExtension:14"}) {
        CAPTURE(given);
        const auto source = resolve_layer(given, {});
        CHECK(source.kind == LayerSourceKind::InsightsStandIn);
        CHECK(source.message.find("stood in by a built-in external extension (cloudwatch_lambda_agent)") !=
              std::string::npos);
        CHECK(source.message.starts_with(std::string{"layer "} + given + ": "));
    }
    CHECK_FALSE(is_lambda_insights(*parse_layer_arn("arn:aws:lambda:us-east-1:1:layer:LambdaInsights:1")));
}

TEST_CASE("--layer-map gives a local copy: the whole ARN first, then the ARN of any version, then the name")
{
    const std::string arn = "arn:aws:lambda:us-east-1:111122223333:layer:deps:7";
    const std::vector<LayerMapping> by_name{{"deps", "/by-name"}};
    const std::vector<LayerMapping> all{
        {"deps", "/by-name"}, {"arn:aws:lambda:us-east-1:111122223333:layer:deps", "/any-version"}, {arn, "/exact"}};
    CHECK(resolve_layer(arn, by_name).path == "/by-name");
    CHECK(resolve_layer(arn, by_name).kind == LayerSourceKind::Local);
    CHECK(resolve_layer(arn, all).path == "/exact");
    CHECK(resolve_layer("arn:aws:lambda:us-east-1:111122223333:layer:deps:8", all).path == "/any-version");
    // A mapping wins over the stand-in: a real copy of Lambda Insights' layer runs as itself.
    const std::vector<LayerMapping> insights{{"LambdaInsightsExtension", "/insights"}};
    const auto mapped =
        resolve_layer("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53", insights);
    CHECK(mapped.kind == LayerSourceKind::Local);
    CHECK(mapped.path == "/insights");
    // A local path is itself.
    CHECK(resolve_layer("layers/deps", all).path == "layers/deps");
}

TEST_CASE("any other ARN is left out with one warning naming it and how to map it")
{
    const auto source = resolve_layer("arn:aws:lambda:us-east-1:111122223333:layer:deps:7", {});
    CHECK(source.kind == LayerSourceKind::LeftOut);
    CHECK(source.message == "warning: layer arn:aws:lambda:us-east-1:111122223333:layer:deps:7 cannot be fetched "
                            "locally; the run goes on without it (--layer-map deps=PATH uses a local copy: a folder "
                            "or the layer's .zip)");
    const auto broken = resolve_layer("arn:aws:lambda:us-east-1:1:layer:deps", {});
    CHECK(broken.kind == LayerSourceKind::LeftOut);
    CHECK(
        broken.message.starts_with("warning: layer arn:aws:lambda:us-east-1:1:layer:deps is not a layer version ARN"));
}

TEST_CASE("--layer-map takes KEY=PATH, splitting at the first '='")
{
    auto parsed = parse_layer_mapping("arn:aws:lambda:us-east-1:1:layer:deps:7=/tmp/a=b");
    CHECK(parsed.error.empty());
    CHECK(parsed.mapping.key == "arn:aws:lambda:us-east-1:1:layer:deps:7");
    CHECK(parsed.mapping.path == "/tmp/a=b");
    for (const char* wrong : {"deps", "=/tmp", "deps="}) {
        CAPTURE(wrong);
        CHECK(parse_layer_mapping(wrong).error == std::string{"--layer-map "} + wrong + ": expected ARN_OR_NAME=PATH");
    }
}

// serve's functions found by the name a caller gives: FunctionName, logical ID, ARN, and the
// `function` alias only while one is served.
#include "named_function.hpp"
#include "invoke/function_config_api.hpp"
#include "invoke/function_directory.hpp"
#include "invoke/invoke_request.hpp"

#include <doctest/doctest.h>

using namespace lambda_emu;

namespace {

invoke::FunctionDetails from_template(std::string logical_id)
{
    invoke::FunctionDetails details;
    details.logical_id = std::move(logical_id);
    return details;
}

std::string found_name(const invoke::FunctionDirectory& functions, const std::string& name)
{
    const auto addressed = invoke::address_function(functions, name, "");
    return addressed.found ? addressed.found->target->function().name : "(none)";
}

} // namespace

TEST_CASE("two functions of a template are found by FunctionName, logical ID and ARN")
{
    testing::NamedFunction orders{"orders-fn"};
    testing::NamedFunction billing{"Billing"};
    invoke::FunctionDirectory functions;
    REQUIRE_FALSE(functions.add(orders, from_template("OrdersFunction")));
    REQUIRE_FALSE(functions.add(billing, from_template("Billing")));

    CHECK(found_name(functions, "orders-fn") == "orders-fn");
    CHECK(found_name(functions, "OrdersFunction") == "orders-fn");
    CHECK(found_name(functions, "Billing") == "Billing");
    CHECK(found_name(functions, "arn:aws:lambda:us-east-1:123456789012:function:orders-fn") == "orders-fn");
    CHECK(found_name(functions, "123456789012:function:Billing:$LATEST") == "Billing");
    // An ARN holds a FunctionName, never a logical ID.
    CHECK(found_name(functions, "arn:aws:lambda:us-east-1:123456789012:function:OrdersFunction") == "(none)");
    // RIE's `function` names the one function served, and nothing when there are several.
    CHECK(found_name(functions, "function") == "(none)");
    CHECK(invoke::address_function(functions, "arn:aws:lambda:us-east-1:123456789012:function:orders-fn", "")
              .invoked_arn == "arn:aws:lambda:us-east-1:123456789012:function:orders-fn");
}

TEST_CASE("the one function served is also `function`; a second with a taken name is refused")
{
    testing::NamedFunction only{"fn"};
    testing::NamedFunction twin{"fn"};
    testing::NamedFunction named_like_the_id{"FnId"};
    invoke::FunctionDirectory functions;
    REQUIRE_FALSE(functions.add(only, from_template("FnId")));
    CHECK(found_name(functions, "function") == "fn");
    const auto clash = functions.add(twin, {});
    REQUIRE(clash);
    CHECK(clash->find("two functions are named fn") != std::string::npos);
    CHECK(functions.add(named_like_the_id, {}));
    CHECK(functions.all().size() == 1);
}

TEST_CASE("GetFunctionConfiguration's fields come from the running configuration")
{
    testing::NamedFunction function{"fn"};
    invoke::FunctionDirectory functions;
    auto details = from_template("Fn");
    details.environment = {{"TABLE", "orders"}};
    details.layers = {"/work/layers/shared-libs",
                      "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"};
    details.architecture = "arm64";
    details.ephemeral_storage_mb = 1024;
    REQUIRE_FALSE(functions.add(function, details));
    const auto configuration = invoke::function_configuration(functions.all().front());
    CHECK(configuration["FunctionName"] == "fn");
    CHECK(configuration["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn");
    CHECK(configuration["State"] == "Active");
    CHECK(configuration["LastUpdateStatus"] == "Successful");
    CHECK(configuration["Timeout"] == 3);
    CHECK(configuration["MemorySize"] == 128);
    CHECK(configuration["Environment"]["Variables"]["TABLE"] == "orders");
    CHECK(configuration["Layers"][0]["Arn"] == "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:1");
    CHECK(configuration["Layers"][1]["Arn"] ==
          "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38");
    CHECK(configuration["Architectures"][0] == "arm64");
    CHECK(configuration["EphemeralStorage"]["Size"] == 1024);
}

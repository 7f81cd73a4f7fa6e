#include "invoke_request.hpp"

#include "aws_errors.hpp"
#include "http/base64.hpp"
#include "http/percent.hpp"
#include "http/router.hpp"
#include "json_check.hpp"
#include "limits.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

namespace lambda_emu::invoke {

namespace {

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::size_t begin = 0;
    for (;;) {
        const auto end = text.find(separator, begin);
        parts.push_back(text.substr(begin, end - begin));
        if (end == std::string::npos) return parts;
        begin = end + 1;
    }
}

// An escape as the message shows it: printable ASCII as is, any other byte as \xNN, so a hostile
// escape ("%\xff") cannot make the error itself unprintable.
std::string shown_escape(std::string_view escape)
{
    std::string shown;
    for (const char c : escape) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            shown.push_back(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            shown += hex;
        }
    }
    return shown;
}

http::Response invalid_parameter(const std::string& message)
{
    return aws_error(http::Status::bad_request, "InvalidParameterValueException", message);
}

} // namespace

AddressedFunction address_function(const FunctionDirectory& functions, const std::string& raw_name,
                                   const std::string& raw_qualifier)
{
    AddressedFunction addressed;
    const auto decoded_name = http::percent_decode(raw_name);
    const auto decoded_qualifier = http::percent_decode(raw_qualifier);
    if (!decoded_name || !decoded_qualifier) {
        addressed.undecodable = decoded_name ? "Qualifier" : "functionName";
        addressed.bad_escape = shown_escape(http::first_bad_escape(decoded_name ? raw_qualifier : raw_name));
        return addressed;
    }
    // Every function served shares the region and account of the one command line.
    const auto& region = functions.first().region;
    const auto& account_id = functions.first().account_id;
    // name | name:qualifier | account:function:name[:qualifier] |
    // arn:aws:lambda:region:account:function:name[:qualifier]
    const std::string& name = *decoded_name;
    const auto parts = split(name, ':');
    std::string function_name;
    std::string qualifier = *decoded_qualifier;
    bool addressed_by_arn = false;
    bool well_formed = true;
    if (parts.size() >= 7 && parts[0] == "arn" && parts[5] == "function") {
        well_formed = parts.size() <= 8 && parts[3] == region && parts[4] == account_id;
        function_name = parts[6];
        if (parts.size() == 8) qualifier = parts[7];
        addressed_by_arn = true;
    } else if (parts.size() >= 3 && parts[1] == "function") {
        well_formed = parts.size() <= 4 && parts[0] == account_id;
        function_name = parts[2];
        if (parts.size() == 4) qualifier = parts[3];
        addressed_by_arn = true;
    } else {
        well_formed = parts.size() <= 2;
        function_name = parts[0];
        if (parts.size() == 2) qualifier = parts[1];
    }
    const std::string shown_name = function_name.empty() ? name : function_name;
    addressed.missing_arn = "arn:aws:lambda:" + region + ":" + account_id + ":function:" + shown_name + ":" +
                            (qualifier.empty() ? "$LATEST" : qualifier);
    // An ARN holds the FunctionName; a bare name may also be the template's logical ID.
    const auto* found =
        addressed_by_arn ? functions.find_by_function_name(function_name) : functions.find(function_name);
    if (!found || !well_formed || !(qualifier.empty() || qualifier == "$LATEST")) return addressed;
    addressed.found = found;
    addressed.invoked_arn = found->target->function().arn() + (qualifier.empty() ? "" : ":" + qualifier);
    return addressed;
}

bool is_tenant_id(std::string_view tenant_id)
{
    if (tenant_id.empty() || tenant_id.size() > kMaxTenantIdLength) return false;
    return std::all_of(tenant_id.begin(), tenant_id.end(), [](char c) {
        const bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        return alphanumeric || std::string_view{"._:/=+-@ "}.find(c) != std::string_view::npos;
    });
}

std::optional<std::string> tenant_problem(bool tenant_isolation, std::string_view tenant_id)
{
    if (tenant_isolation && tenant_id.empty())
        return "The function has tenant isolation enabled: the invocation must carry a tenant ID (X-Amz-Tenant-Id, "
               "TenantId in the SDKs)";
    if (!tenant_isolation && !tenant_id.empty())
        return "A tenant ID was given, but the function does not have tenant isolation enabled";
    if (!tenant_id.empty() && !is_tenant_id(tenant_id))
        return "1 validation error detected: Value at 'tenantId' failed to satisfy constraint: Member must have "
               "length between 1 and 256 and satisfy regular expression pattern: [a-zA-Z0-9\\._:\\/=+\\-@ ]+";
    return std::nullopt;
}

CheckedInvoke validate_invoke_request(http::Request& request, const std::string& name,
                                      const FunctionDirectory& functions,
                                      const std::function<std::string()>& new_trace_id, InvokeOperation operation)
{
    const auto addressed = address_function(functions, name, http::query_parameter(request.target(), "Qualifier"));
    if (!addressed.undecodable.empty()) {
        return invalid_parameter("Invalid percent-encoding '" + addressed.bad_escape + "' in " + addressed.undecodable);
    }
    if (!addressed.found) {
        return aws_error(http::Status::not_found, "ResourceNotFoundException",
                         "Function not found: " + addressed.missing_arn);
    }
    std::string type{request["X-Amz-Invocation-Type"]};
    if (type.empty()) type = "RequestResponse";
    // InvokeWithResponseStream's InvocationType is RequestResponse or DryRun only (its API reference).
    const bool streaming = operation == InvokeOperation::InvokeWithResponseStream;
    if (type != "RequestResponse" && (type != "Event" || streaming) && type != "DryRun") {
        return invalid_parameter("1 validation error detected: Value '" + type +
                                 "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value "
                                 "set: " +
                                 (streaming ? "[RequestResponse, DryRun]" : "[Event, RequestResponse, DryRun]"));
    }
    const std::string_view tenant_id = request["X-Amz-Tenant-Id"];
    if (auto problem = tenant_problem(addressed.found->target->function().tenant_isolation, tenant_id)) {
        return invalid_parameter(*problem);
    }
    const std::size_t limit = type == "Event" ? kMaxAsyncPayload : kMaxSyncPayload;
    auto& body = request.body();
    if (body.received > limit) {
        return aws_error(http::Status::payload_too_large, "RequestTooLargeException",
                         std::to_string(body.received) + " byte payload is too large for the " + type +
                             " invocation type (limit " + std::to_string(limit) + " bytes)");
    }
    // No payload is an empty event; anything else must be JSON (any JSON value).
    if (body.bytes.empty()) body.bytes = "{}";
    if (const auto problem = json_problem(body.bytes)) {
        return aws_error(http::Status::bad_request, "InvalidRequestContentException",
                         "Could not parse request body into json: " + *problem);
    }
    const std::string log_type{request["X-Amz-Log-Type"]};
    if (!log_type.empty() && log_type != "None" && log_type != "Tail") {
        return invalid_parameter("Value '" + log_type +
                                 "' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: "
                                 "[Tail, None]");
    }
    Order order;
    if (const auto context = request["X-Amz-Client-Context"]; !context.empty()) {
        auto decoded = http::base64_decode(context);
        if (!decoded || !nlohmann::json::accept(*decoded)) {
            return invalid_parameter("Client context must be a valid Base64-encoded JSON object.");
        }
        // Lambda passes the client context to synchronous invocations only.
        if (type == "RequestResponse") order.request.client_context = std::move(*decoded);
    }
    if (type == "DryRun") return http::make_response(http::Status::no_content, std::string{}, "");

    const auto content_type = request[boost::beast::http::field::content_type];
    order.request.content_type = content_type.empty() ? "application/json" : std::string{content_type};
    order.request.payload = core::make_payload(std::move(body.bytes));
    order.request.invoked_function_arn = addressed.invoked_arn;
    const auto trace = request["X-Amzn-Trace-Id"];
    order.request.trace_id = trace.empty() ? new_trace_id() : std::string{trace};
    order.request.tenant_id = std::string{tenant_id};
    order.source = type;
    order.wants_log_tail = type != "Event" && log_type == "Tail";
    return AddressedOrder{addressed.found->target, std::move(order)};
}

} // namespace lambda_emu::invoke

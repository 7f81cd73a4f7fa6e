#include "layer_arns.hpp"

#include <array>

namespace lambda_emu {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    for (;;) {
        const auto end = text.find(separator, begin);
        parts.push_back(text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
        if (end == std::string_view::npos) return parts;
        begin = end + 1;
    }
}

std::string without_version(const LayerArn& arn)
{
    return "arn:" + arn.partition + ":lambda:" + arn.region + ":" + arn.account + ":layer:" + arn.name;
}

} // namespace

std::optional<LayerArn> parse_layer_arn(std::string_view text)
{
    const auto parts = split(text, ':');
    if (parts.size() != 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "layer") return std::nullopt;
    for (const auto part : parts) {
        if (part.empty()) return std::nullopt;
    }
    return LayerArn{std::string{parts[1]}, std::string{parts[3]}, std::string{parts[4]}, std::string{parts[6]},
                    std::string{parts[7]}};
}

ParsedLayerMapping parse_layer_mapping(std::string_view text)
{
    // An ARN holds colons but never '=': the first '=' ends the key.
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size())
        return {{}, "--layer-map " + std::string{text} + ": expected ARN_OR_NAME=PATH"};
    return {{std::string{text.substr(0, equals)}, std::string{text.substr(equals + 1)}}, {}};
}

bool is_lambda_insights(const LayerArn& arn)
{
    return arn.name == "LambdaInsightsExtension" || arn.name == "LambdaInsightsExtension-Arm64";
}

LayerSource resolve_layer(const std::string& given, std::span<const LayerMapping> mappings)
{
    const auto arn = parse_layer_arn(given);
    if (!arn) {
        if (!given.starts_with("arn:")) return {LayerSourceKind::Local, given, {}};
        return {LayerSourceKind::LeftOut,
                {},
                "warning: layer " + given +
                    " is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION); the run goes on "
                    "without it"};
    }
    // The most precise key wins: the whole ARN, then the ARN of any version, then the name.
    const std::array<std::string, 3> keys{given, without_version(*arn), arn->name};
    for (const auto& key : keys) {
        for (const auto& mapping : mappings) {
            if (mapping.key == key) return {LayerSourceKind::Local, mapping.path, {}};
        }
    }
    if (is_lambda_insights(*arn)) {
        return {LayerSourceKind::InsightsStandIn,
                {},
                "layer " + given +
                    ": CloudWatch Lambda Insights is stood in by a built-in external extension "
                    "(cloudwatch_lambda_agent) that registers for SHUTDOWN and exits when it comes, so the runtime "
                    "gets SIGTERM as on Lambda (--layer-map " +
                    arn->name + "=PATH uses a local copy instead)"};
    }
    return {LayerSourceKind::LeftOut,
            {},
            "warning: layer " + given + " cannot be fetched locally; the run goes on without it (--layer-map " +
                arn->name + "=PATH uses a local copy: a folder or the layer's .zip)"};
}

} // namespace lambda_emu

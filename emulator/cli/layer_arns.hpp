#pragma once
// Layers named by ARN, as templates name them: Lambda fetches those from AWS, the emulator cannot.
// A layer is taken from a local copy the user maps to it (--layer-map), CloudWatch Lambda
// Insights' (named only so that an external extension registers and the runtime gets SIGTERM) is
// stood in by a built-in extension, and any other is left out of the run with one warning.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lambda_emu {

// arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION
struct LayerArn {
    std::string partition;
    std::string region;
    std::string account;
    std::string name;
    std::string version;
};

std::optional<LayerArn> parse_layer_arn(std::string_view text);

// --layer-map KEY=PATH: KEY is a layer's whole ARN, its ARN without the version, or its name.
struct LayerMapping {
    std::string key;
    std::string path;
};

// The mapping, or why not in one line.
struct ParsedLayerMapping {
    LayerMapping mapping;
    std::string error;
};
ParsedLayerMapping parse_layer_mapping(std::string_view text);

// CloudWatch Lambda Insights' extension layer, in any region, account and version, either
// architecture.
bool is_lambda_insights(const LayerArn& arn);

enum class LayerSourceKind {
    Local,           // `path` is a folder or a .zip to unpack into /opt
    InsightsStandIn, // the built-in extension stands in for it
    LeftOut,         // no local copy: the run goes on without it
};

struct LayerSource {
    LayerSourceKind kind = LayerSourceKind::Local;
    std::string path;    // Local: where the layer's files are
    std::string message; // InsightsStandIn and LeftOut: the line to say, once
};

// Where the layer `given` (a path, or an ARN) comes from: a mapping first (the first that matches,
// the most precise key winning), then the stand-in, else left out.
LayerSource resolve_layer(const std::string& given, std::span<const LayerMapping> mappings);

} // namespace lambda_emu

#pragma once
// Lambda's layers: each a folder or a .zip as AWS publishes them, unpacked in order into one
// folder that becomes /opt, a later layer's file replacing an earlier one's (as Lambda merges them).
#include "staged_directory.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lambda_emu::process {

// Null with `error` (naming the layer and why) when one cannot be unpacked. Runs before the event
// loop: a .zip is unpacked by Debian's `unzip`, which keeps the files' modes (executables stay so).
std::unique_ptr<StagedDirectory> stage_layers(const std::vector<std::filesystem::path>& layers, std::string& error);

} // namespace lambda_emu::process

#pragma once
// Lambda's layers: each a folder or a .zip as AWS publishes them, unpacked in order into one
// folder that becomes /opt, a later layer's file replacing an earlier one's (as Lambda merges them).
#include "staged_directory.hpp"
#include "unpacked_size.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lambda_emu::process {

// AWS: "Function layers: 5" (Lambda quotas); the CLI refuses more before anything is staged.
inline constexpr std::size_t kMaxLayers = 5;

// Null with `error` (one line naming the layer and why) when one cannot be unpacked, or when the
// function's folder and the layers (if any: without, the folder is not counted) together are
// past `limit` unzipped; the staging folder is
// then removed. Runs before the event loop, on its one thread. Nothing is ever written through a
// symlink (see folder_layer.hpp, zip_layer.hpp).
std::unique_ptr<StagedDirectory> stage_layers(const std::vector<std::filesystem::path>& layers,
                                              const std::filesystem::path& function_folder, std::string& error,
                                              std::uint64_t limit = kUnzippedLimitBytes);

} // namespace lambda_emu::process

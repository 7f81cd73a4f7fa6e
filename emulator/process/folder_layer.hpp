#pragma once
// A layer given as a folder, copied into the staging folder (/opt) as Lambda would unpack its zip:
// a later layer's file replaces an earlier one's; symlinks are copied as symlinks.
#include "unpacked_size.hpp"

#include <filesystem>
#include <string>

namespace lambda_emu::process {

// Empty on success, else why (naming the path inside the layer). Never follows a symlink, in the
// layer or in the staging folder: a path that would go through one an earlier layer left is
// refused. Setuid and setgid bits are dropped; every file's bytes count toward `size`.
std::string copy_folder_layer(const std::filesystem::path& layer, const std::filesystem::path& staging,
                              UnpackedSize& size);

} // namespace lambda_emu::process

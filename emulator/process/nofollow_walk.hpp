#pragma once
// File-system steps that never follow a symlink, for staging layers as root: a symlink a layer
// left (to a host folder, say) is looked at, never gone through.
#include "owned_fd.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lambda_emu::process {

// The folder `name` in the folder `dir`; invalid (errno ELOOP or ENOTDIR) when it is a symlink.
OwnedFd open_folder_at(int dir, const std::string& name);

// The names in the folder `dir`, without "." and ".."; nullopt with errno when it cannot be read.
std::optional<std::vector<std::string>> entry_names(int dir);

// The first component of `relative` (a path under the folder `root`) that is a symlink, described
// as "d is a symlink (to /x)"; empty when there is none. The last component counts only when
// `last_too`: a file replaces a symlink (Lambda's later layer wins), a folder would go through it.
std::string symlink_on_the_way(int root, const std::string& relative, bool last_too);

} // namespace lambda_emu::process

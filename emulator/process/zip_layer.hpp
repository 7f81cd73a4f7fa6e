#pragma once
// A layer given as a .zip (as AWS publishes them), unpacked into the staging folder (/opt) with
// libarchive: a later layer's file replaces an earlier one's, modes are kept (executables stay
// so) without setuid or setgid, and no entry lands outside the staging folder.
#include "unpacked_size.hpp"

#include <filesystem>
#include <string>

struct archive;

namespace lambda_emu::process {

// Empty on success, else why in one line (libarchive's words: not a zip file, truncated, ..., or
// the size limit), naming the entry when one is to blame. A half-unpacked layer stays in
// `staging`: the caller removes the folder.
std::string unpack_zip_layer(const std::filesystem::path& zip, const std::filesystem::path& staging,
                             UnpackedSize& size);

// The same for an archive libarchive has opened for reading (the unit tests give it a tar, whose
// hard links a zip cannot hold). Refuses an entry whose path is absolute, holds "..", goes
// through a symlink already staged, or is a hard link to anything of that kind.
std::string unpack_archive(archive* reader, const std::filesystem::path& staging, UnpackedSize& size);

} // namespace lambda_emu::process

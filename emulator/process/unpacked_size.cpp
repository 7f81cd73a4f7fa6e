#include "unpacked_size.hpp"

#include "nofollow_walk.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace lambda_emu::process {

std::string UnpackedSize::past_limit() const
{
    return "more than " + std::to_string(limit_) + " bytes (" + std::to_string(limit_ / (1024 * 1024)) +
           " MB) unzipped, Lambda's limit for a function and its layers together";
}

namespace {

void count_entries(int folder, UnpackedSize& size)
{
    const auto names = entry_names(folder);
    if (!names) return;
    for (const auto& name : *names) {
        struct stat info {};
        if (::fstatat(folder, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISREG(info.st_mode) && !size.add(static_cast<std::uint64_t>(info.st_size))) return;
        if (S_ISDIR(info.st_mode)) {
            if (auto child = open_folder_at(folder, name)) count_entries(child.get(), size);
            if (size.used() > size.limit()) return;
        }
    }
}

} // namespace

void count_folder(const std::filesystem::path& folder, UnpackedSize& size)
{
    OwnedFd root{::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (root) count_entries(root.get(), size);
}

} // namespace lambda_emu::process

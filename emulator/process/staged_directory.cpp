#include "staged_directory.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace lambda_emu::process {

std::unique_ptr<StagedDirectory> StagedDirectory::create(const std::string& what, std::string& error)
{
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string{tmpdir && *tmpdir ? tmpdir : "/tmp"} + "/lambda-emu-" + what + "-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (!::mkdtemp(name.data())) {
        error = "cannot create a folder " + pattern + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<StagedDirectory>{new StagedDirectory{name.data()}};
}

StagedDirectory::~StagedDirectory()
{
    // A layer may hold read-only folders: make them writable first, or remove_all cannot empty them.
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator{path_, ec};
         !ec && it != std::filesystem::recursive_directory_iterator{}; it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec))
            std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(path_, ec);
}

} // namespace lambda_emu::process

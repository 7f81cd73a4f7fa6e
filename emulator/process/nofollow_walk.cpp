#include "nofollow_walk.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace lambda_emu::process {

OwnedFd open_folder_at(int dir, const std::string& name)
{
    return OwnedFd{::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
}

std::optional<std::vector<std::string>> entry_names(int dir)
{
    const int copy = ::dup(dir); // closedir closes it; `dir` stays the caller's
    if (copy < 0) return std::nullopt;
    DIR* stream = ::fdopendir(copy);
    if (!stream) {
        const int saved = errno;
        ::close(copy);
        errno = saved;
        return std::nullopt;
    }
    ::rewinddir(stream);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    const int failed = errno;
    ::closedir(stream);
    if (failed != 0) {
        errno = failed;
        return std::nullopt;
    }
    return names;
}

std::string symlink_on_the_way(int root, const std::string& relative, bool last_too)
{
    OwnedFd folder{::dup(root)};
    std::string walked;
    std::size_t start = 0;
    while (start < relative.size()) {
        const std::size_t slash = relative.find('/', start);
        const std::string name = relative.substr(start, slash == std::string::npos ? slash : slash - start);
        start = slash == std::string::npos ? relative.size() : slash + 1;
        const bool last = relative.find_first_not_of('/', start) == std::string::npos;
        if (name.empty() || name == ".") continue;
        walked += (walked.empty() ? "" : "/") + name;
        struct stat info {};
        if (::fstatat(folder.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return {}; // not there yet
        if (S_ISLNK(info.st_mode)) {
            if (last && !last_too) return {};
            char target[4096];
            const ssize_t length = ::readlinkat(folder.get(), name.c_str(), target, sizeof target);
            return walked + " is a symlink" +
                   (length > 0 ? " (to " + std::string(target, static_cast<std::size_t>(length)) + ")" : "");
        }
        if (last || !S_ISDIR(info.st_mode)) return {};
        folder = open_folder_at(folder.get(), name);
        if (!folder) return walked + " cannot be opened as a folder: " + std::strerror(errno);
    }
    return {};
}

} // namespace lambda_emu::process

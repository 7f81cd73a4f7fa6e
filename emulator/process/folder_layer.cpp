#include "folder_layer.hpp"

#include "nofollow_walk.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <vector>

namespace lambda_emu::process {

namespace {

std::string failed(const std::string& path, const char* what)
{
    return path + ": cannot " + what + ": " + std::strerror(errno);
}

// An earlier layer's file, symlink or empty folder where this layer puts something else goes, as
// in Lambda's merge; a folder that is not empty stays (the later entry is refused).
std::string make_room(int to, const std::string& name, const std::string& path)
{
    struct stat existing {};
    if (::fstatat(to, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) != 0) return {};
    if (::unlinkat(to, name.c_str(), S_ISDIR(existing.st_mode) ? AT_REMOVEDIR : 0) == 0) return {};
    return failed(path,
                  S_ISDIR(existing.st_mode) ? "replace an earlier layer's folder" : "replace an earlier layer's file");
}

std::string copy_file(int from, int to, const std::string& name, const std::string& path, mode_t mode,
                      UnpackedSize& size)
{
    if (auto problem = make_room(to, name, path); !problem.empty()) return problem;
    OwnedFd in{::openat(from, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (!in) return failed(path, "read it");
    OwnedFd out{::openat(to, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (!out) return failed(path, "write it");
    std::vector<char> buffer(1 << 16);
    for (;;) {
        const ssize_t got = ::read(in.get(), buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return failed(path, "read it");
        if (got == 0) break;
        if (!size.add(static_cast<std::uint64_t>(got))) return path + ": " + size.past_limit();
        for (ssize_t written = 0; written < got;) {
            const ssize_t put = ::write(out.get(), buffer.data() + written, static_cast<std::size_t>(got - written));
            if (put < 0 && errno == EINTR) continue;
            if (put < 0) return failed(path, "write it");
            written += put;
        }
    }
    if (::fchmod(out.get(), mode & kKeptModeBits) != 0) return failed(path, "set its mode");
    return {};
}

std::string copy_symlink(int from, int to, const std::string& name, const std::string& path)
{
    std::vector<char> target(4096);
    const ssize_t length = ::readlinkat(from, name.c_str(), target.data(), target.size());
    if (length < 0 || static_cast<std::size_t>(length) == target.size()) return failed(path, "read the symlink");
    if (auto problem = make_room(to, name, path); !problem.empty()) return problem;
    const std::string link(target.data(), static_cast<std::size_t>(length));
    if (::symlinkat(link.c_str(), to, name.c_str()) != 0) return failed(path, "make the symlink");
    return {};
}

std::string copy_folder(int from, int to, const std::string& prefix, UnpackedSize& size);

std::string copy_subfolder(int from, int to, const std::string& name, const std::string& path, mode_t mode,
                           UnpackedSize& size)
{
    struct stat existing {};
    if (::fstatat(to, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(existing.st_mode)) {
            char target[4096];
            const ssize_t length = ::readlinkat(to, name.c_str(), target, sizeof target);
            return "refused: " + path + " is a symlink" +
                   (length > 0 ? " (to " + std::string(target, static_cast<std::size_t>(length)) + ")" : "") +
                   " from an earlier layer, and a layer is never copied through one";
        }
        if (!S_ISDIR(existing.st_mode)) {
            if (auto problem = make_room(to, name, path); !problem.empty()) return problem;
        }
    }
    if (::mkdirat(to, name.c_str(), 0700) != 0 && errno != EEXIST) return failed(path, "make the folder");
    OwnedFd source = open_folder_at(from, name);
    if (!source) return failed(path, "open the folder");
    // O_NOFOLLOW: had a symlink replaced the folder since it was looked at, this fails.
    OwnedFd target = open_folder_at(to, name);
    if (!target) return failed(path, "open the staged folder");
    if (auto problem = copy_folder(source.get(), target.get(), path + "/", size); !problem.empty()) return problem;
    // Last, so that a read-only folder of the layer is still filled first.
    if (::fchmod(target.get(), mode & kKeptModeBits) != 0) return failed(path, "set its mode");
    return {};
}

std::string copy_folder(int from, int to, const std::string& prefix, UnpackedSize& size)
{
    const auto names = entry_names(from);
    if (!names) return failed(prefix.empty() ? "." : prefix, "list the folder");
    for (const auto& name : *names) {
        const std::string path = prefix + name;
        struct stat info {};
        if (::fstatat(from, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return failed(path, "look at it");
        std::string problem;
        if (S_ISDIR(info.st_mode)) problem = copy_subfolder(from, to, name, path, info.st_mode, size);
        else if (S_ISREG(info.st_mode)) problem = copy_file(from, to, name, path, info.st_mode, size);
        else if (S_ISLNK(info.st_mode)) problem = copy_symlink(from, to, name, path);
        else problem = path + ": is not a file, a folder or a symlink (a zip could not hold it)";
        if (!problem.empty()) return problem;
    }
    return {};
}

} // namespace

std::string copy_folder_layer(const std::filesystem::path& layer, const std::filesystem::path& staging,
                              UnpackedSize& size)
{
    // The layer's own path may go through symlinks (the user named it); nothing under it does.
    OwnedFd from{::open(layer.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (!from) return failed(layer.string(), "open the folder");
    OwnedFd to{::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!to) return failed(staging.string(), "open the staging folder");
    return copy_folder(from.get(), to.get(), "", size);
}

} // namespace lambda_emu::process

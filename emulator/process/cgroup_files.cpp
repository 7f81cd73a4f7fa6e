#include "cgroup_files.hpp"

#include "owned_fd.hpp"
#include "process_table.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace lambda_emu::process {

std::string read_cgroup_file(const std::filesystem::path& path)
{
    return read_proc_file(path.c_str());
}

std::vector<pid_t> read_pids(const std::filesystem::path& procs)
{
    std::vector<pid_t> pids;
    const std::string content = read_cgroup_file(procs);
    const char* cursor = content.c_str();
    char* end = nullptr;
    for (long pid = std::strtol(cursor, &end, 10); end != cursor; pid = std::strtol(cursor, &end, 10)) {
        pids.push_back(static_cast<pid_t>(pid));
        cursor = end;
    }
    return pids;
}

int write_cgroup_fd(int fd, std::string_view value)
{
    for (;;) {
        const ssize_t wrote = ::write(fd, value.data(), value.size());
        if (wrote >= 0) return 0;
        if (errno != EINTR) return errno;
    }
}

int write_cgroup_file(const std::filesystem::path& path, std::string_view value)
{
    const OwnedFd fd{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
    if (!fd) return errno;
    return write_cgroup_fd(fd.get(), value);
}

std::optional<std::uint64_t> keyed_value(std::string_view content, std::string_view key)
{
    std::size_t at = 0;
    while (at < content.size()) {
        const auto end = content.find('\n', at);
        const std::string_view line = content.substr(at, end == std::string_view::npos ? end : end - at);
        if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ') {
            std::uint64_t value = 0;
            const auto digits = line.substr(key.size() + 1);
            if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec == std::errc{}) return value;
            return std::nullopt;
        }
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> number_in(const std::filesystem::path& path)
{
    const std::string content = read_cgroup_file(path);
    std::uint64_t value = 0;
    if (content.empty() || std::from_chars(content.data(), content.data() + content.size(), value).ec != std::errc{})
        return std::nullopt;
    return value;
}

} // namespace lambda_emu::process

#include "layers.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lambda_emu::process {

namespace fs = std::filesystem;

namespace {

// `unzip -o`: a file already there (from an earlier layer) is replaced; paths with `..` or
// absolute ones are refused by unzip itself.
std::string unzip_into(const fs::path& zip, const fs::path& folder)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const std::string zip_path = zip.string();
    const std::string into = folder.string();
    const char* argv[] = {"unzip", "-qq", "-o", zip_path.c_str(), "-d", into.c_str(), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, "unzip", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return std::string{"cannot run unzip ("} + std::strerror(spawned) + "; scripts/setup.sh installs it)";
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    // unzip's 1 is "warnings only" (a skipped `../` entry, say): the rest was unpacked.
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) return {};
    return "unzip failed (" +
           std::string{WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status)) : "killed"} +
           "): is it a zip file?";
}

} // namespace

std::unique_ptr<StagedDirectory> stage_layers(const std::vector<fs::path>& layers, std::string& error)
{
    auto staged = StagedDirectory::create("opt", error);
    if (!staged) return nullptr;
    std::error_code ec;
    fs::permissions(staged->path(),
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                        fs::perms::others_exec,
                    ec);
    for (const auto& layer : layers) {
        std::string problem;
        if (fs::is_directory(layer, ec)) {
            fs::copy(layer, staged->path(),
                     fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                         fs::copy_options::copy_symlinks,
                     ec);
            if (ec) problem = ec.message();
        } else if (fs::is_regular_file(layer, ec)) {
            problem = unzip_into(layer, staged->path());
        } else {
            problem = "not a folder nor a .zip file";
        }
        if (!problem.empty()) {
            error = "--layer " + layer.string() + ": " + problem;
            return nullptr;
        }
    }
    return staged;
}

} // namespace lambda_emu::process

#pragma once
// A folder the emulator stages for a while (layers unpacked into one /opt, an environment's
// sandbox files), under $TMPDIR, removed with everything in it when its owner lets it go: the
// emulator leaves nothing behind.
#include <filesystem>
#include <memory>
#include <string>

namespace lambda_emu::process {

class StagedDirectory {
public:
    // A new empty folder named "lambda-emu-<what>-<random>"; null with `error` when it cannot be made.
    static std::unique_ptr<StagedDirectory> create(const std::string& what, std::string& error);
    ~StagedDirectory();
    StagedDirectory(const StagedDirectory&) = delete;
    StagedDirectory& operator=(const StagedDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    explicit StagedDirectory(std::filesystem::path path) : path_{std::move(path)} {}
    std::filesystem::path path_;
};

} // namespace lambda_emu::process

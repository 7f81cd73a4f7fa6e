#pragma once
// Lambda's limit on a function's size unzipped: its code and all its layers together. Counted as
// the bytes are written (a zip's own sizes can lie), so a zip bomb stops at the limit.
#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>

namespace lambda_emu::process {

// AWS: "250 MB: deployment package size (unzipped), including layers" (Lambda quotas).
inline constexpr std::uint64_t kUnzippedLimitBytes = 262'144'000;

// A layer's modes without setuid, setgid or sticky: a layer must not bring privileges.
inline constexpr mode_t kKeptModeBits = 0777;

class UnpackedSize {
public:
    explicit UnpackedSize(std::uint64_t limit = kUnzippedLimitBytes) : limit_{limit} {}

    // Counts `bytes` more; false once the total is past the limit (nothing more may be written).
    bool add(std::uint64_t bytes)
    {
        used_ += bytes;
        return used_ <= limit_;
    }
    std::uint64_t used() const { return used_; }
    std::uint64_t limit() const { return limit_; }
    // "more than 262144000 bytes (250 MB) unzipped, Lambda's limit for a function and its layers together"
    std::string past_limit() const;

private:
    std::uint64_t limit_;
    std::uint64_t used_ = 0;
};

// Counts the regular files under `folder` (the function's code) without following a symlink,
// stopping once past the limit. Unreadable folders count as empty: the sandbox reports them.
void count_folder(const std::filesystem::path& folder, UnpackedSize& size);

} // namespace lambda_emu::process

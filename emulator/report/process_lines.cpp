#include "process_lines.hpp"

#include "core/utf8.hpp"

namespace lambda_emu::report {

std::string output_label(const core::ProcessIdentity& who)
{
    return who.is_runtime() ? std::string{"runtime"} : "ext:" + who.name;
}

void RecentLines::add(const core::ProcessIdentity& who, std::string_view line)
{
    auto found = rings_.find(who);
    if (found == rings_.end()) found = rings_.emplace(who, Ring{}).first;
    auto& ring = found->second;
    if (ring.lines.size() < core::kLastLines) {
        ring.lines.emplace_back(core::utf8_prefix(line, core::kMaxLastOutput));
        return;
    }
    ring.lines[ring.oldest].assign(core::utf8_prefix(line, core::kMaxLastOutput));
    ring.oldest = (ring.oldest + 1) % ring.lines.size();
}

std::vector<std::string> RecentLines::of(const core::ProcessIdentity& who) const
{
    const auto found = rings_.find(who);
    if (found == rings_.end()) return {};
    const auto& ring = found->second;
    std::vector<std::string> lines;
    lines.reserve(ring.lines.size());
    for (std::size_t i = 0; i < ring.lines.size(); ++i)
        lines.push_back(ring.lines[(ring.oldest + i) % ring.lines.size()]);
    return lines;
}

void append_last_line(std::vector<std::string>& lines, std::string_view line)
{
    if (lines.size() >= core::kLastLines) lines.erase(lines.begin());
    lines.emplace_back(core::utf8_prefix(line, core::kMaxLastOutput));
}

} // namespace lambda_emu::report

#include "fail_on.hpp"

#include <string_view>

namespace lambda_emu {

namespace {

constexpr const char* kVerdicts = "killed, crashed, not-signalled";

} // namespace

ParsedExitPolicy parse_exit_policy(const std::vector<std::string>& fail_on, const std::string& allow_kill)
{
    ParsedExitPolicy parsed;
    auto& policy = parsed.policy;
    policy.allow_kill = allow_kill == "idle" ? report::KillAllowance::Idle
                        : allow_kill.empty() ? report::KillAllowance::None
                                             : report::KillAllowance::Any;
    const std::string allow_flag = allow_kill == "idle" ? "--allow-kill=idle" : "--allow-kill";
    for (const auto& given : fail_on) {
        std::string_view rest = given;
        for (;;) {
            const auto comma = rest.find(',');
            const std::string word{rest.substr(0, comma)};
            const auto verdict = core::parse_verdict(word);
            if (!verdict) {
                parsed.error = "--fail-on " + given + ": '" + word + "' is not a verdict; --fail-on takes " +
                               kVerdicts + " (comma-separated)";
                return parsed;
            }
            switch (*verdict) {
            case core::Verdict::NotSignalled: policy.fail_on_not_signalled = true; break;
            case core::Verdict::Crashed: policy.fail_on_crashed = true; break;
            case core::Verdict::Killed:
                if (!allow_kill.empty()) {
                    parsed.error = "--fail-on killed contradicts " + allow_flag + ": a kill fails the run unless " +
                                   allow_flag + " lets it pass; give one of the two";
                    return parsed;
                }
                break;
            case core::Verdict::Graceful:
                parsed.error = "--fail-on graceful: a graceful shutdown is the one that passes; --fail-on takes " +
                               std::string{kVerdicts};
                return parsed;
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return parsed;
}

} // namespace lambda_emu

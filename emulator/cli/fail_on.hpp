#pragma once
// --fail-on VERDICT[,VERDICT...]: verdicts of the final Shutdown phase that fail the run beyond
// the default ones. Lambda lets a runtime with no extension registered go without SIGTERM (the
// verdict not-signalled), so a run passes with it; a test that wants its cleanup to have run
// says `--fail-on not-signalled`. Killed and crashed fail the run already unless --allow-kill
// lets them pass: `--fail-on crashed` keeps crashes failing under --allow-kill, and `--fail-on
// killed` beside --allow-kill asks for two opposite things and is refused.
#include "report/run_record.hpp"

#include <string>
#include <vector>

namespace lambda_emu {

struct ParsedExitPolicy {
    report::ExitPolicy policy;
    std::string error; // non-empty: one line for the usage error
};

// `fail_on`: each --fail-on's value, itself a comma-separated list; `allow_kill`: "", "all" or
// "idle", as --allow-kill was given.
ParsedExitPolicy parse_exit_policy(const std::vector<std::string>& fail_on, const std::string& allow_kill);

} // namespace lambda_emu

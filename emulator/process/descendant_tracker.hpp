#pragma once
// Which processes belong to which execution environment, so that all of them die with it, even
// those that left their process group or their session.
//
// The emulator is a child subreaper, so every descendant whose parent dies becomes its direct
// child; it cannot hide elsewhere. Each environment is a family: its roots (the runtime, the
// extensions) and every process seen descending from a member, each known by pid and start time
// so a reused pid is never mistaken for it. The families are brought up to date at key moments
// (the end of each invocation, the start of each Shutdown phase) and every 250 ms while one
// lives, all at once, by walking down from each member through /proc/PID/task/*/children: the
// cost follows the environments' own processes, not the machine's. An orphan adopted before any
// walk saw its parent is attributed by its environment (the family's AWS_LAMBDA_RUNTIME_API
// address), else to the family that claims every orphan (`run`'s only environment). Whatever is left unclaimed dies
// when the emulator exits (ChildReaper's destructor).
//
// In the sandbox an environment has a PID namespace of its own, whose init (the emulator's child)
// adopts what is orphaned inside instead of the emulator: its children are that family's orphans,
// and the init itself belongs to no family (it is the sandbox's, not the function's).
#include "process_table.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lambda_emu::process {

class DescendantTracker {
public:
    using FamilyId = std::uint64_t;
    static constexpr std::chrono::milliseconds kScanPeriod{250};
    static constexpr std::chrono::milliseconds kFreshEnough{10};

    explicit DescendantTracker(boost::asio::io_context& io) : timer_{io} {}
    DescendantTracker(const DescendantTracker&) = delete;
    DescendantTracker& operator=(const DescendantTracker&) = delete;

    // `marker` is a "KEY=value" only this family's processes inherit (empty: none).
    FamilyId add_family(std::string marker, bool claims_every_orphan);
    // Forgets the family; kill its members first if they must die.
    void remove_family(FamilyId family);
    // A process the family's host just spawned (before the loop can reap it).
    void add_root(FamilyId family, pid_t pid);
    // The init of the family's PID namespace: its children are the family's, it is nobody's.
    void add_environment_init(FamilyId family, pid_t init);
    // Brings every family up to date from /proc.
    void refresh();
    // The same unless that was done less than kFreshEnough ago: after each invocation, where a
    // busy environment finishes thousands a second and a walk costs about 10 us.
    void refresh_unless_fresh();
    // The family's live members, as the last scan saw them, that are in none of `groups`: what
    // left the process groups of its roots (usually nothing).
    std::vector<ProcessEntry> members_outside(FamilyId family, const std::vector<pid_t>& groups) const;
    // Scans, then sends SIGKILL to every live member of the family; returns those it killed.
    std::vector<ProcessEntry> kill_family(FamilyId family);
    // Sends SIGKILL to every live descendant of the emulator; returns them.
    static std::vector<ProcessEntry> kill_every_descendant();

private:
    struct Family {
        std::string marker;
        bool claims_every_orphan = false;
        std::map<pid_t, ProcessEntry> members;
        pid_t environment_init = 0; // 0: no PID namespace of its own
    };
    void schedule_scan();
    // Killed by kill_family and not yet gone (a dying process, or a zombie not yet reaped).
    bool is_condemned(const ProcessEntry& entry) const;
    void forget_the_dead();

    boost::asio::steady_timer timer_;
    bool scanning_ = false;
    std::chrono::steady_clock::time_point last_refresh_{};
    FamilyId next_id_ = 1;
    std::map<FamilyId, Family> families_;
    std::map<pid_t, unsigned long long> condemned_; // pid -> start time
    // Every environment's init, until it is gone (it outlives its family while it dies): pid ->
    // start time. Never an orphan of anyone's.
    std::map<pid_t, unsigned long long> environment_inits_;
};

} // namespace lambda_emu::process

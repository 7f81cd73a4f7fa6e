#include "descendant_tracker.hpp"

#include <algorithm>

#include <csignal>
#include <iterator>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace lambda_emu::process {

namespace {

// Who a process's children are. Linux lists them per process (/proc/PID/task/*/children), so a
// walk costs what the family holds; without that list, one read of the whole table stands in.
class ChildrenIndex {
public:
    ChildrenIndex()
    {
        if (proc_lists_children()) return;
        table_ = read_process_table();
        for (const auto& entry : table_) by_parent_.emplace(entry.parent, entry.pid);
        whole_table_ = true;
    }
    std::vector<pid_t> of(const ProcessEntry& process) const
    {
        if (!whole_table_) return children_of(process);
        return of_table(process.pid);
    }
    std::vector<pid_t> of(pid_t pid) const { return whole_table_ ? of_table(pid) : children_of(pid); }

private:
    std::vector<pid_t> of_table(pid_t pid) const
    {
        std::vector<pid_t> children;
        const auto [begin, end] = by_parent_.equal_range(pid);
        for (auto child = begin; child != end; ++child) children.push_back(child->second);
        return children;
    }

    bool whole_table_ = false;
    std::vector<ProcessEntry> table_;
    std::unordered_multimap<pid_t, pid_t> by_parent_;
};

// Adds every live process below the `frontier` members to `members`, following parent links down.
void add_descendants(std::map<pid_t, ProcessEntry>& members, std::vector<pid_t> frontier, const ChildrenIndex& index)
{
    while (!frontier.empty()) {
        const auto parent = members.find(frontier.back());
        frontier.pop_back();
        if (parent == members.end()) continue;
        for (const pid_t child : index.of(parent->second)) {
            if (members.count(child) != 0) continue;
            ProcessEntry entry;
            if (!read_process_entry(child, entry) || !entry.live()) continue;
            members.emplace(child, std::move(entry));
            frontier.push_back(child);
        }
    }
}

} // namespace

DescendantTracker::FamilyId DescendantTracker::add_family(std::string marker, bool claims_every_orphan)
{
    const FamilyId id = next_id_++;
    families_[id] = Family{std::move(marker), claims_every_orphan, {}};
    if (!scanning_) schedule_scan();
    return id;
}

void DescendantTracker::remove_family(FamilyId family)
{
    families_.erase(family); // the periodic scan stops by itself once no family is left
}

void DescendantTracker::add_root(FamilyId family, pid_t pid)
{
    auto found = families_.find(family);
    ProcessEntry entry;
    if (found != families_.end() && read_process_entry(pid, entry)) found->second.members[pid] = std::move(entry);
}

void DescendantTracker::add_environment_init(FamilyId family, pid_t init)
{
    ProcessEntry entry;
    if (!read_process_entry(init, entry)) return;
    environment_inits_[init] = entry.start_time;
    if (auto found = families_.find(family); found != families_.end()) found->second.environment_init = init;
}

bool DescendantTracker::is_condemned(const ProcessEntry& entry) const
{
    const auto found = condemned_.find(entry.pid);
    return found != condemned_.end() && found->second == entry.start_time;
}

void DescendantTracker::forget_the_dead()
{
    for (auto* known : {&condemned_, &environment_inits_}) {
        for (auto process = known->begin(); process != known->end();) {
            ProcessEntry now;
            const bool gone = !read_process_entry(process->first, now) || now.start_time != process->second;
            process = gone ? known->erase(process) : std::next(process);
        }
    }
}

void DescendantTracker::refresh_unless_fresh()
{
    if (std::chrono::steady_clock::now() - last_refresh_ >= kFreshEnough) refresh();
}

void DescendantTracker::refresh()
{
    if (families_.empty()) return;
    last_refresh_ = std::chrono::steady_clock::now();
    forget_the_dead();
    const ChildrenIndex index;
    std::unordered_set<pid_t> claimed;
    for (auto& [id, family] : families_) {
        // Keep the members still alive as the same process (same start time), with fresh details;
        // a zombie has no children left and cannot be killed.
        std::vector<pid_t> frontier;
        for (auto member = family.members.begin(); member != family.members.end();) {
            ProcessEntry now;
            if (!read_process_entry(member->first, now) || !now.live() || now.start_time != member->second.start_time) {
                member = family.members.erase(member);
                continue;
            }
            member->second = std::move(now);
            frontier.push_back(member->first);
            ++member;
        }
        // What its PID namespace's init adopted: orphaned inside, so the family's own.
        if (family.environment_init > 0) {
            for (const pid_t orphan : index.of(family.environment_init)) {
                ProcessEntry entry;
                if (family.members.count(orphan) != 0 || !read_process_entry(orphan, entry) || !entry.live() ||
                    is_condemned(entry))
                    continue;
                family.members.emplace(orphan, std::move(entry));
                frontier.push_back(orphan);
            }
        }
        add_descendants(family.members, std::move(frontier), index);
        for (const auto& [pid, entry] : family.members) claimed.insert(pid);
    }
    // The emulator's own children that no family knows: orphans adopted before any refresh saw
    // them descend from a member.
    for (const pid_t orphan : index.of(::getpid())) {
        if (claimed.count(orphan) != 0 || environment_inits_.count(orphan) != 0) continue;
        ProcessEntry entry;
        if (!read_process_entry(orphan, entry) || !entry.live() || is_condemned(entry)) continue;
        Family* owner = nullptr;
        for (auto& [id, family] : families_) {
            if (!family.marker.empty() && environment_holds(orphan, family.marker)) {
                owner = &family;
                break;
            }
            if (family.claims_every_orphan && !owner) owner = &family;
        }
        if (!owner) continue; // killed when the emulator exits
        owner->members.emplace(orphan, std::move(entry));
        add_descendants(owner->members, {orphan}, index);
    }
}

std::vector<ProcessEntry> DescendantTracker::kill_family(FamilyId family)
{
    refresh();
    std::vector<ProcessEntry> killed;
    auto found = families_.find(family);
    if (found == families_.end()) return killed;
    for (const auto& [pid, entry] : found->second.members) {
        // Read again just before the kill: the same process (pid and start time), and named as it
        // is now (a child that exec'd since it was first seen carries its new command name).
        ProcessEntry now;
        if (!read_process_entry(pid, now) || now.start_time != entry.start_time || !now.live()) continue;
        if (is_condemned(now) || ::kill(pid, SIGKILL) != 0) continue;
        // Dying takes a moment, longer on a loaded machine: until it is gone, no later scan may
        // adopt it as an orphan of another family and report it twice.
        condemned_[pid] = now.start_time;
        killed.push_back(std::move(now));
    }
    found->second.members.clear();
    return killed;
}

std::vector<ProcessEntry> DescendantTracker::members_outside(FamilyId family, const std::vector<pid_t>& groups) const
{
    std::vector<ProcessEntry> outside;
    const auto found = families_.find(family);
    if (found == families_.end()) return outside;
    for (const auto& [pid, entry] : found->second.members) {
        if (entry.live() && std::find(groups.begin(), groups.end(), entry.group) == groups.end()) {
            outside.push_back(entry);
        }
    }
    return outside;
}

std::vector<ProcessEntry> DescendantTracker::kill_every_descendant()
{
    const ChildrenIndex index;
    std::map<pid_t, ProcessEntry> descendants;
    std::vector<pid_t> frontier;
    for (const pid_t child : index.of(::getpid())) {
        ProcessEntry entry;
        if (!read_process_entry(child, entry) || !entry.live()) continue;
        descendants.emplace(child, std::move(entry));
        frontier.push_back(child);
    }
    add_descendants(descendants, std::move(frontier), index);
    std::vector<ProcessEntry> killed;
    for (const auto& [pid, entry] : descendants) {
        if (::kill(pid, SIGKILL) == 0) killed.push_back(entry);
    }
    return killed;
}

void DescendantTracker::schedule_scan()
{
    scanning_ = true;
    timer_.expires_after(kScanPeriod);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return; // the tracker is going away
        scanning_ = false;
        if (families_.empty()) return;
        refresh();
        schedule_scan();
    });
}

} // namespace lambda_emu::process

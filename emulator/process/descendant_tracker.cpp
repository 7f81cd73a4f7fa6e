#include "descendant_tracker.hpp"

#include <csignal>
#include <unistd.h>
#include <unordered_map>

namespace lambda_emu::process {

namespace {

using Table = std::vector<ProcessEntry>;

// Adds every live process below the family's members, following parent links downward.
void add_descendants(std::map<pid_t, ProcessEntry>& members, const std::unordered_multimap<pid_t, const ProcessEntry*>& children)
{
    std::vector<pid_t> frontier;
    for (const auto& [pid, entry] : members) frontier.push_back(pid);
    while (!frontier.empty()) {
        const pid_t parent = frontier.back();
        frontier.pop_back();
        const auto [begin, end] = children.equal_range(parent);
        for (auto child = begin; child != end; ++child) {
            const ProcessEntry& entry = *child->second;
            if (members.emplace(entry.pid, entry).second) frontier.push_back(entry.pid);
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
    families_.erase(family);
    if (families_.empty()) timer_.cancel();
}

void DescendantTracker::add_root(FamilyId family, pid_t pid)
{
    auto found = families_.find(family);
    ProcessEntry entry;
    if (found != families_.end() && read_process_entry(pid, entry)) found->second.members[pid] = std::move(entry);
}

void DescendantTracker::refresh()
{
    if (families_.empty()) return;
    const Table table = read_process_table();
    std::unordered_map<pid_t, const ProcessEntry*> by_pid;
    std::unordered_multimap<pid_t, const ProcessEntry*> children;
    for (const auto& entry : table) {
        if (!entry.live()) continue; // a zombie has no children left and cannot be killed
        by_pid.emplace(entry.pid, &entry);
        children.emplace(entry.parent, &entry);
    }
    std::unordered_map<pid_t, bool> claimed;
    for (auto& [id, family] : families_) {
        // Keep the members still alive as the same process (same start time), with fresh details.
        for (auto member = family.members.begin(); member != family.members.end();) {
            const auto now = by_pid.find(member->first);
            if (now == by_pid.end() || now->second->start_time != member->second.start_time) {
                member = family.members.erase(member);
            } else {
                member->second = *now->second;
                ++member;
            }
        }
        add_descendants(family.members, children);
        for (const auto& [pid, entry] : family.members) claimed[pid] = true;
    }
    // Adopted orphans that no scan saw descend from a member.
    const pid_t self = ::getpid();
    const auto [begin, end] = children.equal_range(self);
    for (auto orphan = begin; orphan != end; ++orphan) {
        const ProcessEntry& entry = *orphan->second;
        if (claimed.count(entry.pid) != 0) continue;
        Family* owner = nullptr;
        for (auto& [id, family] : families_) {
            if (!family.marker.empty() && environment_holds(entry.pid, family.marker)) {
                owner = &family;
                break;
            }
            if (family.claims_every_orphan && !owner) owner = &family;
        }
        if (!owner) continue; // killed when the emulator exits
        owner->members.emplace(entry.pid, entry);
        add_descendants(owner->members, children);
    }
}

std::vector<ProcessEntry> DescendantTracker::kill_family(FamilyId family)
{
    refresh();
    std::vector<ProcessEntry> killed;
    auto found = families_.find(family);
    if (found == families_.end()) return killed;
    for (const auto& [pid, entry] : found->second.members) {
        if (::kill(pid, SIGKILL) == 0) killed.push_back(entry);
    }
    found->second.members.clear();
    return killed;
}

std::vector<ProcessEntry> DescendantTracker::kill_every_descendant()
{
    const Table table = read_process_table();
    std::unordered_multimap<pid_t, const ProcessEntry*> children;
    for (const auto& entry : table) {
        if (entry.live()) children.emplace(entry.parent, &entry);
    }
    std::map<pid_t, ProcessEntry> descendants;
    const auto [begin, end] = children.equal_range(::getpid());
    for (auto child = begin; child != end; ++child) descendants.emplace(child->second->pid, *child->second);
    add_descendants(descendants, children);
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

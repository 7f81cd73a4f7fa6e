#include "memory_guard.hpp"

#include "process_table.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace lambda_emu::process {

namespace {

constexpr std::chrono::milliseconds kSamplingPeriod{10};

} // namespace

const char* to_string(MemoryLimitMethod method)
{
    switch (method) {
    case MemoryLimitMethod::None: return "none";
    case MemoryLimitMethod::RssSampling: return "rss-sampling";
    case MemoryLimitMethod::Kernel: return "kernel";
    }
    return "none";
}

long tree_resident_kb(pid_t root)
{
    long total = status_field_kb(root, "VmRSS");
    for (const pid_t child : children_of(root)) total += tree_resident_kb(child);
    return total;
}

MemoryGuard::MemoryGuard(boost::asio::io_context& io, long limit_kb, std::function<void(long)> on_exceeded)
    : state_{std::make_shared<State>(io, limit_kb, std::move(on_exceeded))}
{
}

MemoryGuard::~MemoryGuard()
{
    stop();
}

void MemoryGuard::watch(pid_t root)
{
    state_->root = root;
    state_->peak_kb = 0;
    const std::uint64_t generation = ++state_->generation;
    schedule(state_, generation);
}

void MemoryGuard::stop()
{
    ++state_->generation;
    state_->root = 0;
    state_->timer.cancel();
}

void MemoryGuard::schedule(const std::shared_ptr<State>& state, std::uint64_t generation)
{
    state->timer.expires_after(kSamplingPeriod);
    state->timer.async_wait([weak = std::weak_ptr<State>{state}, generation](const boost::system::error_code& ec) {
        const auto alive = weak.lock();
        if (ec || !alive || alive->generation != generation) return;
        sample(alive, generation);
    });
}

void MemoryGuard::sample(const std::shared_ptr<State>& state, std::uint64_t generation)
{
    const long resident = tree_resident_kb(state->root);
    if (resident > state->peak_kb) state->peak_kb = resident;
    if (resident > state->limit_kb) {
        ++state->generation; // once per root
        state->on_exceeded(resident);
        return;
    }
    if (resident == 0) return; // the root is gone
    schedule(state, generation);
}

} // namespace lambda_emu::process

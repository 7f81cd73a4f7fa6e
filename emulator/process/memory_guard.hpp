#pragma once
// The memory size as a limit: Lambda kills a function whose memory passes it. Without a memory
// cgroup that the emulator may create (cgroup v2 delegation is rare on CI machines and laptops),
// the runtime's process tree is measured: the resident memory of the runtime and every
// descendant, summed, every 10 ms. A burst that allocates faster than that can overshoot the
// limit by what it allocates in 10 ms before it is caught.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <sys/types.h>

namespace lambda_emu::process {

// How the limit is enforced, for the report.
enum class MemoryLimitMethod { None, RssSampling, Kernel };
const char* to_string(MemoryLimitMethod method);

// Resident memory (VmRSS) of `root` and its descendants, in kB; 0 when `root` is gone.
long tree_resident_kb(pid_t root);

class MemoryGuard {
public:
    // `on_exceeded` runs once per watched root, on the event loop, with the tree's size in kB.
    MemoryGuard(boost::asio::io_context& io, long limit_kb, std::function<void(long resident_kb)> on_exceeded);
    ~MemoryGuard();
    MemoryGuard(const MemoryGuard&) = delete;
    MemoryGuard& operator=(const MemoryGuard&) = delete;

    // Watches `root`'s tree from now on (instead of any earlier one).
    void watch(pid_t root);
    void stop();
    // The largest tree measured since watch(), in kB.
    long peak_kb() const { return state_->peak_kb; }

private:
    struct State {
        State(boost::asio::io_context& io, long limit, std::function<void(long)> exceeded)
            : timer{io}, limit_kb{limit}, on_exceeded{std::move(exceeded)}
        {
        }
        boost::asio::steady_timer timer;
        long limit_kb;
        std::function<void(long)> on_exceeded;
        pid_t root = 0;
        long peak_kb = 0;
        std::uint64_t generation = 0;
    };
    static void sample(const std::shared_ptr<State>& state, std::uint64_t generation);
    static void schedule(const std::shared_ptr<State>& state, std::uint64_t generation);

    std::shared_ptr<State> state_; // handlers hold it weakly: one that runs after the guard is gone does nothing
};

} // namespace lambda_emu::process

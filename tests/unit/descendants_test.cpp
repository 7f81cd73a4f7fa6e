// What the runtime and the extensions start must die with their environment: the core asks for
// it at the right moments and reports the escapees; the tracker finds them in /proc with real
// processes.
#include "fake_ports.hpp"
#include "process/descendant_tracker.hpp"
#include "process/process_table.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lambda_emu;
using lambda_emu::testing::Harness;

TEST_CASE(
    "descendants are looked for after each invocation and at the start of a Shutdown phase; escapees are reported")
{
    Harness h;
    h.warm();
    h.invoke();
    h.respond("req-1");
    h.next();
    CHECK(h.processes.descendant_scans == 1);
    h.processes.escaped = {{4242, "sleep"}};
    h.environment.shutdown();
    CHECK(h.processes.descendant_scans == 2);
    h.environment.on_runtime_exited(core::ExitStatus::killed_by(SIGKILL));
    REQUIRE(h.observer.shutdowns.size() == 1);
    const auto& escaped = h.observer.shutdowns[0].escaped_processes;
    REQUIRE(escaped.size() == 1);
    CHECK(escaped[0].pid == 4242);
    CHECK(escaped[0].command == "sleep");
}

namespace {

// A child that waits on the pipe's read end until the test closes the write end.
pid_t start_waiting_child(int fds[2], const char* name)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_NAME, name);
        ::close(fds[1]);
        char byte;
        while (::read(fds[0], &byte, 1) > 0) {}
        ::_exit(0);
    }
    return pid;
}

bool is_gone_or_zombie(pid_t pid)
{
    process::ProcessEntry entry;
    return !process::read_process_entry(pid, entry) || !entry.live();
}

} // namespace

TEST_CASE("a process table entry keeps a command holding spaces and parentheses")
{
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = start_waiting_child(fds, "a) b (c");
    ::close(fds[0]);
    // The child renames itself after fork: wait for it.
    process::ProcessEntry entry;
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (process::read_process_entry(child, entry) && entry.command == "a) b (c") break;
        ::usleep(5000);
    }
    CHECK(entry.command == "a) b (c");
    CHECK(entry.pid == child);
    CHECK(entry.parent == ::getpid());
    CHECK(entry.group == ::getpgrp());
    CHECK(entry.start_time > 0);
    CHECK(entry.live());
    ::close(fds[1]);
    ::waitpid(child, nullptr, 0);
}

TEST_CASE("an orphan that left its session is found by its environment, before the family that claims every orphan")
{
    // As in the emulator: orphans come to us rather than to init.
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    boost::asio::io_context io;
    process::DescendantTracker tracker{io};
    const auto ours = tracker.add_family("LAMBDA_EMU_TEST_FAMILY=ours", false);
    const auto claimer = tracker.add_family("LAMBDA_EMU_TEST_FAMILY=other", true);

    const pid_t parent = ::fork();
    if (parent == 0) {
        // The root: starts an escapee and exits at once, before any scan could see the escapee.
        if (::fork() == 0) {
            ::setsid();
            char name[] = "sleep";
            char seconds[] = "300";
            char* argv[] = {name, seconds, nullptr};
            char marker[] = "LAMBDA_EMU_TEST_FAMILY=ours";
            char* envp[] = {marker, nullptr};
            ::execve("/bin/sleep", argv, envp);
            ::_exit(127);
        }
        ::_exit(0);
    }
    tracker.add_root(ours, parent);
    ::waitpid(parent, nullptr, 0);
    pid_t escapee = 0;
    for (int attempt = 0; attempt < 400 && escapee == 0; ++attempt) {
        for (const auto& entry : process::read_process_table()) {
            if (entry.parent == ::getpid() && entry.command == "sleep" && entry.live() &&
                process::environment_holds(entry.pid, "LAMBDA_EMU_TEST_FAMILY=ours"))
                escapee = entry.pid;
        }
        if (escapee == 0) ::usleep(5000);
    }
    REQUIRE(escapee != 0);

    CHECK(tracker.kill_family(claimer).empty());
    const auto killed = tracker.kill_family(ours);
    REQUIRE(killed.size() == 1);
    CHECK(killed[0].pid == escapee);
    CHECK(killed[0].command == "sleep");
    CHECK(killed[0].group == escapee); // its own group, out of reach of a group kill
    ::waitpid(escapee, nullptr, 0);
    CHECK(is_gone_or_zombie(escapee));
    tracker.remove_family(ours);
    tracker.remove_family(claimer);
}

TEST_CASE("a descendant seen once stays in its family after its parent exits, even with its environment cleared")
{
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    boost::asio::io_context io;
    process::DescendantTracker tracker{io};
    const auto family = tracker.add_family("", false);

    int release[2];
    REQUIRE(::pipe(release) == 0);
    const pid_t root = ::fork();
    if (root == 0) {
        // The root starts a grandchild with no environment at all, then waits until killed.
        if (::fork() == 0) {
            char name[] = "sleep";
            char seconds[] = "300";
            char* argv[] = {name, seconds, nullptr};
            char* envp[] = {nullptr};
            ::execve("/bin/sleep", argv, envp);
            ::_exit(127);
        }
        ::close(release[1]);
        char byte;
        while (::read(release[0], &byte, 1) > 0) {}
        ::_exit(0);
    }
    tracker.add_root(family, root);
    pid_t grandchild = 0;
    for (int attempt = 0; attempt < 400 && grandchild == 0; ++attempt) {
        for (const auto& entry : process::read_process_table()) {
            if (entry.parent == root && entry.command == "sleep") grandchild = entry.pid;
        }
        if (grandchild == 0) ::usleep(5000);
    }
    REQUIRE(grandchild != 0);
    tracker.refresh(); // the line of descent is seen; then the root dies and orphans the grandchild
    ::kill(root, SIGKILL);
    ::waitpid(root, nullptr, 0);
    const auto killed = tracker.kill_family(family);
    CHECK(std::any_of(killed.begin(), killed.end(), [&](const auto& entry) { return entry.pid == grandchild; }));
    ::waitpid(grandchild, nullptr, 0);
    CHECK(is_gone_or_zombie(grandchild));
    ::close(release[0]);
    ::close(release[1]);
    tracker.remove_family(family);
}

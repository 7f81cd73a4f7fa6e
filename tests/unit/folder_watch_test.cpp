// serve --watch's watcher: inotify on the event loop, real folders and files, the io_context run
// with a deadline.
#include "process/folder_watch.hpp"
#include "process/staged_directory.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace lambda_emu;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using process::FolderWatch;

namespace {

void write(const fs::path& path, const std::string& text)
{
    std::ofstream{path} << text;
}

std::unique_ptr<process::StagedDirectory> temp_folder()
{
    std::string error;
    auto folder = process::StagedDirectory::create("watch-test", error);
    REQUIRE_MESSAGE(folder, error);
    return folder;
}

// Runs `steps` one after the other, `gap` apart, on the loop.
void at_intervals(boost::asio::io_context& io, std::chrono::milliseconds gap, std::vector<std::function<void()>> steps)
{
    auto timer = std::make_shared<boost::asio::steady_timer>(io);
    auto remaining = std::make_shared<std::vector<std::function<void()>>>(std::move(steps));
    auto next = std::make_shared<std::function<void(std::size_t)>>();
    *next = [timer, remaining, next, gap](std::size_t index) {
        if (index == remaining->size()) {
            *next = nullptr; // breaks the cycle
            return;
        }
        timer->expires_after(gap);
        timer->async_wait([remaining, next, index](const boost::system::error_code& ec) {
            if (ec) return;
            (*remaining)[index]();
            (*next)(index + 1);
        });
    };
    (*next)(0);
}

struct Recorded {
    std::vector<FolderWatch::Changes> calls;
    std::vector<std::string> notices;
};

std::unique_ptr<FolderWatch> watch(boost::asio::io_context& io, const fs::path& root, Recorded& recorded,
                                   FolderWatch::Settings settings = {})
{
    std::string error;
    auto made = FolderWatch::create(
        io, {root}, settings, [&recorded](const FolderWatch::Changes& changes) { recorded.calls.push_back(changes); },
        [&recorded](const std::string& line) { recorded.notices.push_back(line); }, error);
    REQUIRE_MESSAGE(made, error);
    return made;
}

bool has(const FolderWatch::Changes& changes, const fs::path& path)
{
    return std::find(changes.paths.begin(), changes.paths.end(), path) != changes.paths.end();
}

} // namespace

TEST_CASE("a burst of writes is one change, reported once the folder has been quiet for the quiet period")
{
    auto folder = temp_folder();
    const fs::path root = folder->path();
    boost::asio::io_context io;
    Recorded recorded;
    auto watcher = watch(io, root, recorded, {.quiet_period = 300ms});
    // Five writes 50 ms apart: never 300 ms of quiet until the last.
    at_intervals(io, 50ms,
                 {[&] { write(root / "index.mjs", "v1"); }, [&] { write(root / "index.mjs", "v2"); },
                  [&] { write(root / "lib.mjs", "x"); }, [&] { write(root / "index.mjs", "v3"); },
                  [&] { write(root / "lib.mjs", "y"); }});
    io.run_for(300ms);
    CHECK(recorded.calls.empty()); // the last write was at 250 ms: not quiet yet
    io.run_for(1000ms);
    REQUIRE(recorded.calls.size() == 1);
    CHECK(recorded.calls[0].paths.size() == 2); // each path once
    CHECK(has(recorded.calls[0], root / "index.mjs"));
    CHECK(has(recorded.calls[0], root / "lib.mjs"));
}

TEST_CASE("a folder made after the watch started is watched, and what is written in it is a change")
{
    auto folder = temp_folder();
    const fs::path root = folder->path();
    fs::create_directories(root / "existing" / "deep");
    boost::asio::io_context io;
    Recorded recorded;
    auto watcher = watch(io, root, recorded, {.quiet_period = 50ms});
    CHECK(watcher->folders() == 3);
    fs::create_directory(root / "later");
    io.run_for(300ms);
    REQUIRE(recorded.calls.size() == 1); // the new folder itself
    CHECK(has(recorded.calls[0], root / "later"));
    CHECK(watcher->folders() == 4);

    write(root / "later" / "handler.py", "v2");
    write(root / "existing" / "deep" / "util.py", "v2");
    io.run_for(300ms);
    REQUIRE(recorded.calls.size() == 2);
    CHECK(has(recorded.calls[1], root / "later" / "handler.py"));
    CHECK(has(recorded.calls[1], root / "existing" / "deep" / "util.py"));

    fs::remove(root / "existing" / "deep" / "util.py");
    fs::rename(root / "later" / "handler.py", root / "later" / "renamed.py");
    io.run_for(300ms);
    REQUIRE(recorded.calls.size() == 3);
    CHECK(has(recorded.calls[2], root / "existing" / "deep" / "util.py"));
    CHECK(has(recorded.calls[2], root / "later" / "renamed.py"));
}

TEST_CASE("editors' swap and backup files, Python's bytecode and version control are not changes")
{
    auto folder = temp_folder();
    const fs::path root = folder->path();
    boost::asio::io_context io;
    Recorded recorded;
    auto watcher = watch(io, root, recorded, {.quiet_period = 50ms});
    write(root / ".index.mjs.swp", "vim");
    write(root / "4913", "vim's test");
    write(root / "index.mjs~", "backup");
    write(root / ".#index.mjs", "emacs lock");
    fs::create_directories(root / "__pycache__");
    write(root / "__pycache__" / "handler.cpython-312.pyc", "bytecode");
    write(root / "handler.pyc", "bytecode");
    fs::create_directories(root / ".git" / "objects");
    fs::create_directories(root / "node_modules" / ".cache");
    io.run_for(300ms);
    // node_modules itself is code; nothing else counted.
    REQUIRE(recorded.calls.size() == 1);
    CHECK(recorded.calls[0].paths == std::vector<fs::path>{root / "node_modules"});
    write(root / "node_modules" / ".cache" / "babel.json", "cache");
    io.run_for(300ms);
    CHECK(recorded.calls.size() == 1);

    CHECK(FolderWatch::ignored_name(".handler.py.swx"));
    CHECK(FolderWatch::ignored_name("#handler.py#"));
    CHECK_FALSE(FolderWatch::ignored_name("index.mjs"));
    CHECK_FALSE(FolderWatch::ignored_name(".env"));
    CHECK_FALSE(FolderWatch::ignored_name("#"));
    CHECK(FolderWatch::ignored_folder("/f/node_modules/.cache"));
    CHECK_FALSE(FolderWatch::ignored_folder("/f/.cache"));
}

TEST_CASE("past its bound of folders the watch says so once and goes on with the folders it has")
{
    auto folder = temp_folder();
    const fs::path root = folder->path();
    for (const char* name : {"a", "b", "c", "d"}) fs::create_directory(root / name);
    boost::asio::io_context io;
    Recorded recorded;
    auto watcher = watch(io, root, recorded, {.quiet_period = 50ms, .max_folders = 3});
    CHECK(watcher->folders() == 3);
    REQUIRE(recorded.notices.size() == 1);
    CHECK(recorded.notices[0].find("3 folders") != std::string::npos);
    fs::create_directory(root / "e"); // a change all the same, though not watched
    write(root / "top.txt", "seen");
    io.run_for(300ms);
    REQUIRE(recorded.calls.size() == 1);
    CHECK(has(recorded.calls[0], root / "top.txt"));
    CHECK(recorded.notices.size() == 1);
}

TEST_CASE("a watch let go before its quiet period ends reports nothing and leaves the loop with no work")
{
    auto folder = temp_folder();
    const fs::path root = folder->path();
    boost::asio::io_context io;
    Recorded recorded;
    auto watcher = watch(io, root, recorded, {.quiet_period = 100ms});
    write(root / "index.mjs", "v2");
    io.run_for(30ms); // the event is read and the quiet period begins
    watcher.reset();
    const auto started = std::chrono::steady_clock::now();
    io.restart();
    io.run(); // returns at once: no descriptor waited on, no timer left
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    CHECK(recorded.calls.empty());
}

TEST_CASE("a root that is not a folder is refused in one line")
{
    boost::asio::io_context io;
    std::string error;
    auto made = FolderWatch::create(
        io, {"/nonexistent/function"}, {}, [](const auto&) {}, nullptr, error);
    CHECK_FALSE(made);
    CHECK(error == "cannot watch /nonexistent/function: not a folder");
}

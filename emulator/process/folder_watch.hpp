#pragma once
// Folders watched for changes with Linux's inotify, on the event loop (the inotify descriptor is
// read when it is readable: no thread, no polling): every folder under each root, the ones made
// later too. A burst of changes (an editor's save, a build writing many files) is reported once,
// when the folders have been quiet for a while; an editor's swap and backup files, Python's
// bytecode caches and version control's folders are not changes to the code.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace lambda_emu::process {

class FolderWatch {
public:
    struct Settings {
        // How long the folders must stay quiet before the changes are reported.
        std::chrono::milliseconds quiet_period{200};
        // Folders watched at most (each costs the kernel a watch; a node_modules can hold thousands).
        std::size_t max_folders = 10000;
    };
    // The changed paths, each once, in the order seen; past kMaxReported, `more` counts the
    // further changes (a path changed twice may count twice).
    struct Changes {
        static constexpr std::size_t kMaxReported = 100;
        std::vector<std::filesystem::path> paths;
        std::size_t more = 0;
    };
    using OnChanges = std::function<void(const Changes&)>;
    // A line worth saying once (a limit reached: the watch goes on with the folders it has).
    using OnNotice = std::function<void(const std::string&)>;

    // Null with `error` (one line) when inotify cannot be had or a root is not a folder.
    static std::unique_ptr<FolderWatch> create(boost::asio::io_context& io,
                                               const std::vector<std::filesystem::path>& roots, Settings settings,
                                               OnChanges on_changes, OnNotice on_notice, std::string& error);
    // Cancels the quiet-period timer and closes the inotify descriptor: no callback runs after.
    ~FolderWatch();
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

    std::size_t folders() const { return folders_.size(); }

    // Names that are never a change to the code: editors' swap, backup and lock files, and
    // folders whose contents are caches or history.
    static bool ignored_name(const std::string& name);
    static bool ignored_folder(const std::filesystem::path& folder);

private:
    FolderWatch(boost::asio::io_context& io, int inotify_fd, Settings settings, OnChanges on_changes,
                OnNotice on_notice);
    void add_tree(const std::filesystem::path& root);
    bool add_folder(const std::filesystem::path& folder);
    void wait_for_events();
    void read_events();
    void note_change(const std::filesystem::path& path);
    void arm_quiet_timer();
    void notice_once(const std::string& line);

    boost::asio::posix::stream_descriptor inotify_; // owns the descriptor
    boost::asio::steady_timer quiet_timer_;
    Settings settings_;
    OnChanges on_changes_;
    OnNotice on_notice_;
    std::unordered_map<int, std::filesystem::path> folders_; // by watch descriptor
    Changes pending_;
    std::unordered_set<std::string> pending_seen_;
    bool limit_said_ = false;
    // Handlers still queued when the watch is gone find this expired and do nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace lambda_emu::process

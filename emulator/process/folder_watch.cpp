#include "folder_watch.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <sys/inotify.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

namespace fs = std::filesystem;

// What changes code: a file written and closed (or written in place), made, removed, renamed,
// or its mode changed (a bootstrap made executable). Reads never count (the runtime reads its own
// code). A symlinked folder is not followed: it may lead anywhere.
constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                  IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW |
                                  IN_EXCL_UNLINK;

bool ends_with(const std::string& text, std::string_view end)
{
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

} // namespace

bool FolderWatch::ignored_name(const std::string& name)
{
    if (name.empty()) return false;
    // vim's swap files (.index.mjs.swp, .swx, .swo) and the file it writes to test a folder
    // (4913); backups (index.mjs~); emacs's locks (.#index.mjs) and autosaves (#index.mjs#).
    const bool vim_swap =
        name.front() == '.' && (ends_with(name, ".swp") || ends_with(name, ".swx") || ends_with(name, ".swo"));
    const bool emacs = name.starts_with(".#") || (name.size() > 1 && name.front() == '#' && name.back() == '#');
    // Python writes its bytecode beside the code it runs: the function's own first run would
    // otherwise reload it.
    return vim_swap || emacs || name == "4913" || name.back() == '~' || ends_with(name, ".pyc");
}

bool FolderWatch::ignored_folder(const fs::path& folder)
{
    const std::string name = folder.filename().string();
    return name == ".git" || name == ".hg" || name == ".svn" || name == "__pycache__" ||
           (name == ".cache" && folder.parent_path().filename() == "node_modules");
}

std::unique_ptr<FolderWatch> FolderWatch::create(boost::asio::io_context& io, const std::vector<fs::path>& roots,
                                                 Settings settings, OnChanges on_changes, OnNotice on_notice,
                                                 std::string& error)
{
    for (const auto& root : roots) {
        std::error_code ec;
        if (!fs::is_directory(root, ec)) {
            error = "cannot watch " + root.string() + ": not a folder";
            return nullptr;
        }
    }
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        error = std::string{"cannot watch folders: inotify_init1: "} + std::strerror(errno);
        return nullptr;
    }
    std::unique_ptr<FolderWatch> watch{new FolderWatch{io, fd, settings, std::move(on_changes), std::move(on_notice)}};
    for (const auto& root : roots) watch->add_tree(root);
    watch->wait_for_events();
    return watch;
}

FolderWatch::FolderWatch(boost::asio::io_context& io, int inotify_fd, Settings settings, OnChanges on_changes,
                         OnNotice on_notice)
    : inotify_{io, inotify_fd}, quiet_timer_{io}, settings_{settings}, on_changes_{std::move(on_changes)},
      on_notice_{std::move(on_notice)}
{
}

FolderWatch::~FolderWatch()
{
    alive_.reset();
    quiet_timer_.cancel();
    boost::system::error_code ignored;
    inotify_.close(ignored);
}

void FolderWatch::notice_once(const std::string& line)
{
    if (limit_said_) return;
    limit_said_ = true;
    if (on_notice_) on_notice_(line);
}

bool FolderWatch::add_folder(const fs::path& folder)
{
    if (folders_.size() >= settings_.max_folders) {
        notice_once("watching " + std::to_string(folders_.size()) +
                    " folders, the most --watch watches: changes in the others go unseen");
        return false;
    }
    const int wd = ::inotify_add_watch(inotify_.native_handle(), folder.c_str(), kEvents);
    if (wd < 0) {
        if (errno == ENOSPC) {
            notice_once("inotify's limit of watches is reached after " + std::to_string(folders_.size()) +
                        " folders (sysctl fs.inotify.max_user_watches): changes in the others go unseen");
            return false;
        }
        return true; // gone meanwhile, or not ours to read: nothing there to watch
    }
    folders_[wd] = folder;
    return true;
}

void FolderWatch::add_tree(const fs::path& root)
{
    if (!add_folder(root)) return;
    std::error_code ec;
    fs::recursive_directory_iterator walk{root, fs::directory_options::skip_permission_denied, ec};
    for (; !ec && walk != fs::recursive_directory_iterator{}; walk.increment(ec)) {
        std::error_code type_error;
        if (!walk->is_directory(type_error) || walk->is_symlink(type_error)) continue;
        if (ignored_folder(walk->path())) {
            walk.disable_recursion_pending();
            continue;
        }
        if (!add_folder(walk->path())) return;
    }
}

void FolderWatch::wait_for_events()
{
    std::weak_ptr<int> alive = alive_;
    inotify_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                        [this, alive](const boost::system::error_code& ec) {
                            if (ec || alive.expired()) return;
                            read_events();
                            wait_for_events();
                        });
}

void FolderWatch::read_events()
{
    alignas(inotify_event) std::array<char, 16384> buffer;
    for (;;) {
        const ssize_t length = ::read(inotify_.native_handle(), buffer.data(), buffer.size());
        if (length <= 0) return; // EAGAIN: all read
        for (const char* at = buffer.data(); at < buffer.data() + length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(at);
            at += sizeof(inotify_event) + event->len;
            if (event->mask & IN_Q_OVERFLOW) {
                // The kernel dropped events: something changed, we cannot say what.
                note_change("(more changes than inotify could queue)");
                continue;
            }
            const auto folder = folders_.find(event->wd);
            if (folder == folders_.end()) continue;
            if (event->mask & IN_IGNORED) {
                folders_.erase(folder); // removed, or its file system unmounted
                continue;
            }
            const std::string name = event->len > 0 ? std::string{event->name} : std::string{};
            const fs::path path = name.empty() ? folder->second : folder->second / name;
            if (event->mask & IN_ISDIR) {
                if (ignored_folder(path)) continue;
                if (event->mask & (IN_CREATE | IN_MOVED_TO)) add_tree(path);
            } else if (ignored_name(name)) {
                continue;
            }
            note_change(path);
        }
    }
}

void FolderWatch::note_change(const fs::path& path)
{
    if (pending_.paths.size() < Changes::kMaxReported) {
        if (pending_seen_.insert(path.string()).second) pending_.paths.push_back(path);
    } else if (!pending_seen_.contains(path.string())) {
        ++pending_.more; // a build writing thousands of files is not remembered file by file
    }
    arm_quiet_timer();
}

void FolderWatch::arm_quiet_timer()
{
    quiet_timer_.expires_after(settings_.quiet_period);
    std::weak_ptr<int> alive = alive_;
    quiet_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || alive.expired() || pending_.paths.empty()) return;
        Changes changes = std::move(pending_);
        pending_ = {};
        pending_seen_.clear();
        on_changes_(changes);
    });
}

} // namespace lambda_emu::process

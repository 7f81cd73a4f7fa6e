#pragma once
// serve --watch: the function's folders watched (process/folder_watch.hpp); when its code
// changes, every environment of the pool shuts down (reason spindown, the whole Shutdown phase)
// once its invocation is finished, and the next invocation initialises the new code. A changed
// layer folder is staged again first, so the new environments see it in /opt.
#include "function_options.hpp"
#include "host/environment_pool.hpp"
#include "process/folder_watch.hpp"
#include "report/console.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace lambda_emu {

class CodeWatch {
public:
    // Null with `error` (one line) when the folders cannot be watched.
    static std::unique_ptr<CodeWatch> start(boost::asio::io_context& io, report::Console& console,
                                            EnvironmentPool& pool, CodeFolders code, std::string& error);

private:
    CodeWatch(report::Console& console, EnvironmentPool& pool, CodeFolders code);
    void on_changes(const process::FolderWatch::Changes& changes);
    bool stage_layers_again();
    std::string shown(const std::filesystem::path& path) const;

    report::Console& console_;
    EnvironmentPool& pool_;
    CodeFolders code_;
    std::unique_ptr<process::FolderWatch> watch_;
};

} // namespace lambda_emu

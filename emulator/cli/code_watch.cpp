#include "code_watch.hpp"

#include "process/layers.hpp"
#include "process/mount_plan.hpp"

#include <algorithm>

namespace lambda_emu {

std::unique_ptr<CodeWatch> CodeWatch::start(boost::asio::io_context& io, report::Console& console,
                                            EnvironmentPool& pool, CodeFolders code, std::string& error)
{
    std::unique_ptr<CodeWatch> watch{new CodeWatch{console, pool, std::move(code)}};
    CodeWatch* raw = watch.get();
    watch->watch_ = process::FolderWatch::create(
        io, watch->code_.watched, {}, [raw](const process::FolderWatch::Changes& changes) { raw->on_changes(changes); },
        [&console](const std::string& line) { console.lifecycle("--watch: " + line); }, error);
    if (!watch->watch_) return nullptr;
    for (const auto& line : watch->code_.unwatched) console.lifecycle(line);
    console.lifecycle("--watch: watching " + std::to_string(watch->watch_->folders()) +
                      " folders; a change shuts every environment down after its invocation");
    return watch;
}

CodeWatch::CodeWatch(report::Console& console, EnvironmentPool& pool, CodeFolders code)
    : console_{console}, pool_{pool}, code_{std::move(code)}
{
}

// Relative to the function's folder, or for a layer's or --extensions-dir's file, from that
// folder's own name: what the user knows it by.
std::string CodeWatch::shown(const std::filesystem::path& path) const
{
    if (process::is_under(path, code_.task_root)) return path.lexically_relative(code_.task_root).string();
    for (const auto& root : code_.watched) {
        if (process::is_under(path, root)) return path.lexically_relative(root.parent_path()).string();
    }
    return path.string();
}

void CodeWatch::on_changes(const process::FolderWatch::Changes& changes)
{
    const bool layer_changed = std::any_of(changes.paths.begin(), changes.paths.end(), [this](const auto& path) {
        return std::any_of(code_.layers.begin(), code_.layers.end(),
                           [&path](const auto& layer) { return process::is_under(path, layer); });
    });
    if (layer_changed && pool_.host_options().sandbox && !stage_layers_again()) return;
    const std::size_t others = changes.paths.size() - 1 + changes.more;
    std::string what = shown(changes.paths.front());
    if (others > 0) what += " and " + std::to_string(others) + (others == 1 ? " other file" : " other files");
    const std::size_t recycled = pool_.recycle(core::ShutdownReason::Spindown);
    const std::string environments = recycled == 0 ? "no environment was running"
                                     : recycled == 1
                                         ? "1 environment shuts down after its invocation"
                                         : std::to_string(recycled) + " environments shut down after their invocations";
    console_.lifecycle(what + " changed: " + environments + "; the next invocation initialises the new code");
}

// The layers are copied into the folder that becomes /opt: the new environments get a new copy,
// and the old ones keep theirs until they are gone. On failure the old layers stay, and so do
// the environments.
bool CodeWatch::stage_layers_again()
{
    HostOptions host = pool_.host_options();
    std::string error;
    std::shared_ptr<process::StagedDirectory> staged = process::stage_layers(code_.layers, code_.task_root, error);
    if (!staged) {
        console_.lifecycle("--watch: a layer changed, but it cannot be staged again (" + error +
                           "): the environments keep the layers they had");
        return false;
    }
    const auto old_opt = host.sandbox->layers->path();
    // The layers' extensions are files of the staged /opt: those of the new copy replace them.
    std::erase_if(host.extensions, [&old_opt](const auto& path) { return process::is_under(path, old_opt); });
    const auto from_layers = layer_extensions(staged->path());
    host.extensions.insert(host.extensions.begin(), from_layers.begin(), from_layers.end());
    auto sandbox = std::make_shared<SandboxSettings>(*host.sandbox);
    sandbox->layers = std::move(staged);
    host.sandbox = std::move(sandbox);
    pool_.use_host_options(std::move(host));
    return true;
}

} // namespace lambda_emu

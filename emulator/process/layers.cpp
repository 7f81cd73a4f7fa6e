#include "layers.hpp"

#include "folder_layer.hpp"
#include "zip_layer.hpp"

namespace lambda_emu::process {

namespace fs = std::filesystem;

std::unique_ptr<StagedDirectory> stage_layers(const std::vector<fs::path>& layers, const fs::path& function_folder,
                                              std::string& error, std::uint64_t limit)
{
    // Lambda counts the function's code and its layers together, unzipped. Without layers the
    // folder is not counted: nothing is staged, and a local function folder is often a build
    // folder holding far more than its package would (walking it would also cost every run).
    UnpackedSize size{limit};
    if (!layers.empty()) count_folder(function_folder, size);
    if (size.used() > size.limit()) {
        error = "the function folder " + function_folder.string() + " is " + size.past_limit();
        return nullptr;
    }
    auto staged = StagedDirectory::create("opt", error);
    if (!staged) return nullptr;
    std::error_code ec;
    fs::permissions(staged->path(),
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                        fs::perms::others_exec,
                    ec);
    for (const auto& layer : layers) {
        std::string problem;
        if (fs::is_directory(layer, ec)) {
            problem = copy_folder_layer(layer, staged->path(), size);
        } else if (fs::is_regular_file(layer, ec)) {
            problem = unpack_zip_layer(layer, staged->path(), size);
        } else {
            problem = "not a folder nor a .zip file";
        }
        if (!problem.empty()) {
            error = "--layer " + layer.string() + ": " + problem;
            return nullptr; // the staging folder goes with `staged`
        }
    }
    return staged;
}

} // namespace lambda_emu::process

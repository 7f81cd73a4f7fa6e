#include "function_directory.hpp"

#include <algorithm>

namespace lambda_emu::invoke {

std::optional<std::string> FunctionDirectory::add(InvocationTarget& target, FunctionDetails details)
{
    const auto& name = target.function().name;
    for (const auto& served : functions_) {
        const auto& other = served.target->function().name;
        if (other == name || (!details.logical_id.empty() && other == details.logical_id) ||
            (!served.details.logical_id.empty() && served.details.logical_id == name))
            return "two functions are named " + name +
                   (details.logical_id.empty() ? "" : " (" + details.logical_id + ")") +
                   "; give each its own FunctionName";
    }
    functions_.push_back({&target, std::move(details)});
    return std::nullopt;
}

const ServedFunction* FunctionDirectory::find_by_function_name(std::string_view name) const
{
    const auto found = std::find_if(functions_.begin(), functions_.end(),
                                    [name](const auto& f) { return f.target->function().name == name; });
    return found == functions_.end() ? nullptr : &*found;
}

const ServedFunction* FunctionDirectory::find(std::string_view name) const
{
    if (const auto* by_name = find_by_function_name(name)) return by_name;
    const auto by_id = std::find_if(functions_.begin(), functions_.end(), [name](const auto& f) {
        return !f.details.logical_id.empty() && f.details.logical_id == name;
    });
    if (by_id != functions_.end()) return &*by_id;
    if (name == "function" && functions_.size() == 1) return &functions_.front();
    return nullptr;
}

} // namespace lambda_emu::invoke

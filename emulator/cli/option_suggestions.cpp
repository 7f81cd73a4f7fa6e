#include "option_suggestions.hpp"

#include <algorithm>
#include <numeric>

namespace lambda_emu {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::optional<std::string> nearest_option(std::string_view given, const std::vector<std::string>& known)
{
    // "--runtim=nodejs20.x": the name is what is before the '='.
    given = given.substr(0, given.find('='));
    std::optional<std::string> best;
    std::size_t best_distance = 3;
    for (const auto& option : known) {
        const std::size_t distance = edit_distance(given, option);
        if (distance < best_distance && distance * 3 < given.size()) {
            best = option;
            best_distance = distance;
        }
    }
    return best;
}

std::vector<std::string> joined_flag_values(const std::vector<std::string>& arguments)
{
    std::vector<std::string> joined;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == "--") {
            joined.insert(joined.end(), arguments.begin() + static_cast<long>(i), arguments.end());
            break;
        }
        // Terraform's own spellings, which CLI11 would read as -v -a -r ...
        if (arguments[i] == "-var" || arguments[i] == "-var-file" || arguments[i].starts_with("-var=") ||
            arguments[i].starts_with("-var-file=")) {
            joined.push_back("-" + arguments[i]);
            continue;
        }
        if (arguments[i] == "--allow-kill" && i + 1 < arguments.size() &&
            (arguments[i + 1] == "idle" || arguments[i + 1] == "all")) {
            joined.push_back("--allow-kill=" + arguments[++i]);
            continue;
        }
        joined.push_back(arguments[i]);
    }
    return joined;
}

} // namespace lambda_emu

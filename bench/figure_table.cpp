#include "figure_table.hpp"

#include <algorithm>
#include <cmath>

namespace bench {

double median(std::vector<double> values)
{
    return values.empty() ? 0 : percentile(std::move(values), 0.5);
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(std::lround(p * static_cast<double>(values.size() - 1)))];
}

FigureTable::Figure& FigureTable::figure(const std::string& name)
{
    const auto found = std::find_if(figures_.begin(), figures_.end(), [&](const Figure& f) { return f.name == name; });
    if (found != figures_.end()) return *found;
    return figures_.emplace_back(Figure{name, {}, {}});
}

void FigureTable::add(const std::string& name, double value)
{
    figure(name).runs.push_back(value);
}

void FigureTable::add(const std::string& name, double value, double floor)
{
    Figure& f = figure(name);
    f.runs.push_back(value);
    f.floor_runs.push_back(floor);
}

void FigureTable::print(std::FILE* out) const
{
    std::fprintf(out, "%-72s %12s %12s %8s\n", "figure", "lambda-emu", "floor", "ratio");
    for (const Figure& f : figures_) {
        const double value = median(f.runs);
        if (f.floor_runs.empty()) {
            std::fprintf(out, "%-72s %12.1f %12s %8s\n", f.name.c_str(), value, "-", "-");
        } else {
            const double floor = median(f.floor_runs);
            std::fprintf(out, "%-72s %12.1f %12.1f %8.2f\n", f.name.c_str(), value, floor, value / floor);
        }
    }
}

nlohmann::ordered_json FigureTable::json() const
{
    nlohmann::ordered_json figures = nlohmann::ordered_json::object();
    for (const Figure& f : figures_) {
        nlohmann::ordered_json entry{{"median", median(f.runs)}, {"runs", f.runs}};
        if (!f.floor_runs.empty()) {
            entry["floor"] = median(f.floor_runs);
            entry["floor_runs"] = f.floor_runs;
            entry["ratio"] = median(f.runs) / median(f.floor_runs);
        }
        figures[f.name] = std::move(entry);
    }
    return figures;
}

} // namespace bench

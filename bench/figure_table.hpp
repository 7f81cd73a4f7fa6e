#pragma once
// The bench's results: each figure collects one value per run (and its floor's value, measured in
// the same run, where it has one); the table prints and saves each as the median of the runs.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace bench {

double median(std::vector<double> values);
// The value at fraction `p` (0.5, 0.99, 1 for the maximum) of the sorted values, nearest rank.
double percentile(std::vector<double> values, double p);

class FigureTable {
public:
    void add(const std::string& name, double value);
    void add(const std::string& name, double value, double floor);
    void print(std::FILE* out) const;
    nlohmann::ordered_json json() const;

private:
    struct Figure {
        std::string name;
        std::vector<double> runs;
        std::vector<double> floor_runs; // empty: the figure has no floor
    };
    Figure& figure(const std::string& name);

    std::vector<Figure> figures_; // in the order they were first added
};

} // namespace bench

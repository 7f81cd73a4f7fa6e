#include "process_stats.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>

namespace bench {

double cpu_ms(pid_t pid)
{
    std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
    const std::string text{std::istreambuf_iterator<char>{stat}, {}};
    // Fields 14 and 15 (utime, stime) follow the command name, which may hold spaces: count from ')'.
    std::istringstream fields{text.substr(text.rfind(')') + 2)};
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14) ticks += std::stod(field);
    return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double resident_bytes(pid_t pid)
{
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
    return 0;
}

int child_count(pid_t pid)
{
    std::ifstream children{"/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"};
    int count = 0;
    for (std::string child; children >> child;) ++count;
    return count;
}

} // namespace bench

#include "report_files.hpp"

#include <fstream>

namespace lambda_emu {

bool write_report_file(report::Console& console, const std::string& path, const std::string& content, const char* what)
{
    if (path.empty()) return true;
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << content;
    out.close();
    if (!out) {
        console.lifecycle(std::string{"error: cannot write the "} + what + " to " + path);
        return false;
    }
    console.lifecycle(std::string{what} + " written to " + path);
    return true;
}

} // namespace lambda_emu

#include "known_findings.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace lambda_emu::fuzz {

namespace {

bool asked()
{
    static const bool tolerate = [] {
        const char* value = std::getenv("LAMBDA_EMU_FUZZ_TOLERATE_KNOWN");
        return value && std::strcmp(value, "1") == 0;
    }();
    return tolerate;
}

void note_once(bool& noted, const char* what)
{
    if (noted) return;
    noted = true;
    std::fprintf(stderr, "lambda-emu fuzz: tolerated known finding (fixed elsewhere): %s\n", what);
}

} // namespace

bool tolerated(const std::exception_ptr& error)
{
    if (!asked()) return false;
    static bool noted_utf8 = false;
    static bool noted_percent = false;
    try {
        std::rethrow_exception(error);
    } catch (const nlohmann::json::type_error& e) {
        if (e.id != 316) return false;
        note_once(noted_utf8, e.what());
        return true;
    } catch (const std::invalid_argument& e) {
        if (std::strcmp(e.what(), "stoi") != 0) return false;
        note_once(noted_percent, "std::invalid_argument from std::stoi (percent escape that is not hex)");
        return true;
    } catch (const std::out_of_range& e) {
        if (std::strcmp(e.what(), "stoi") != 0) return false;
        note_once(noted_percent, "std::out_of_range from std::stoi (percent escape)");
        return true;
    } catch (...) {
        return false;
    }
}

} // namespace lambda_emu::fuzz

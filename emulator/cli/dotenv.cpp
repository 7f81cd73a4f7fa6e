#include "dotenv.hpp"

namespace lambda_emu {

namespace {

std::string_view trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

DotenvLine malformed(std::string problem)
{
    DotenvLine line;
    line.kind = DotenvLine::Kind::Malformed;
    line.problem = std::move(problem);
    return line;
}

} // namespace

DotenvLine parse_dotenv_line(std::string_view text)
{
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    text = trimmed(text);
    if (text.empty() || text.front() == '#') return {};
    if (text.starts_with("export ") || text.starts_with("export\t")) text = trimmed(text.substr(7));
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) return malformed("is not KEY=VALUE");
    DotenvLine line;
    line.kind = DotenvLine::Kind::Assignment;
    line.key = std::string{trimmed(text.substr(0, equals))};
    const std::string_view rest = trimmed(text.substr(equals + 1));
    if (rest.starts_with('\'')) {
        const auto close = rest.find('\'', 1);
        if (close == std::string_view::npos) return malformed("has a ' that is not closed");
        line.value = std::string{rest.substr(1, close - 1)};
        return line;
    }
    if (rest.starts_with('"')) {
        for (std::size_t i = 1; i < rest.size(); ++i) {
            const char c = rest[i];
            if (c == '"') return line;
            if (c == '\\' && i + 1 < rest.size()) {
                const char next = rest[++i];
                switch (next) {
                case 'n': line.value += '\n'; break;
                case 't': line.value += '\t'; break;
                case 'r': line.value += '\r'; break;
                default: line.value += next; break; // \" \\ \$ and any other: the character itself
                }
                continue;
            }
            line.value += c;
        }
        return malformed("has a \" that is not closed");
    }
    // Bare: a comment starts at a # that follows white space.
    std::string_view value = rest;
    for (std::size_t i = 1; i < value.size(); ++i) {
        if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
            value = trimmed(value.substr(0, i));
            break;
        }
    }
    line.value = std::string{value};
    return line;
}

} // namespace lambda_emu

#include "tree_evidence.hpp"

#include "process_table.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <netinet/in.h>
#include <set>
#include <sys/xattr.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

// Members at most: a fork bomb must not make one look take seconds.
constexpr std::size_t kMaxTreeMembers = 1024;

// Whitespace-separated fields of a line.
std::vector<std::string_view> fields(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
        const std::size_t start = at;
        while (at < line.size() && line[at] != ' ' && line[at] != '\t') ++at;
        if (at > start) out.push_back(line.substr(start, at - start));
    }
    return out;
}

bool hex_value(std::string_view text, unsigned long long& value)
{
    if (text.empty() || text.size() > 16) return false;
    value = 0;
    for (const char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (digit < 0) return false;
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return true;
}

bool decimal_value(std::string_view text, unsigned long long& value)
{
    if (text.empty() || text.size() > 20) return false;
    value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return true;
}

// "0100007F:1F90" (the kernel prints each 32-bit word of the address as a number in the host's
// byte order, and the port in hex) as "127.0.0.1:8080"; IPv6 as "[::1]:8080".
bool address(std::string_view field, bool v6, std::string& text)
{
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view hex = field.substr(0, colon);
    unsigned long long port = 0;
    if (!hex_value(field.substr(colon + 1), port) || port > 65535) return false;
    char printed[INET6_ADDRSTRLEN] = {};
    if (!v6) {
        unsigned long long word = 0;
        if (hex.size() != 8 || !hex_value(hex, word)) return false;
        in_addr addr{};
        addr.s_addr = static_cast<std::uint32_t>(word);
        ::inet_ntop(AF_INET, &addr, printed, sizeof printed);
        text = std::string{printed} + ":" + std::to_string(port);
        return true;
    }
    if (hex.size() != 32) return false;
    in6_addr addr{};
    for (int i = 0; i < 4; ++i) {
        unsigned long long word = 0;
        if (!hex_value(hex.substr(static_cast<std::size_t>(i) * 8, 8), word)) return false;
        const auto value = static_cast<std::uint32_t>(word);
        std::memcpy(addr.s6_addr + i * 4, &value, 4);
    }
    ::inet_ntop(AF_INET6, &addr, printed, sizeof printed);
    text = "[" + std::string{printed} + "]:" + std::to_string(port);
    return true;
}

const char* tcp_state(unsigned long long code)
{
    // include/net/tcp_states.h
    static constexpr const char* names[] = {"UNKNOWN",   "ESTABLISHED", "SYN_SENT",    "SYN_RECV",   "FIN_WAIT1",
                                            "FIN_WAIT2", "TIME_WAIT",   "CLOSE",       "CLOSE_WAIT", "LAST_ACK",
                                            "LISTEN",    "CLOSING",     "NEW_SYN_RECV"};
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

// utime + stime + cutime + cstime (stat fields 14-17), in clock ticks; false when gone or a zombie.
bool cpu_ticks(pid_t pid, unsigned long long& ticks, char& state)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    const std::string stat = read_proc_file(path);
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return false;
    unsigned long long utime = 0, stime = 0;
    long long cutime = 0, cstime = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &state,
                    &utime, &stime, &cutime, &cstime) != 5) {
        return false;
    }
    ticks = utime + stime + static_cast<unsigned long long>(cutime > 0 ? cutime : 0) +
            static_cast<unsigned long long>(cstime > 0 ? cstime : 0);
    return true;
}

// `root` and its descendants, root first.
std::vector<pid_t> tree_of(pid_t root)
{
    std::vector<pid_t> members{root};
    std::set<pid_t> seen{root};
    for (std::size_t i = 0; i < members.size() && members.size() < kMaxTreeMembers; ++i) {
        for (const pid_t child : children_of(members[i])) {
            if (seen.insert(child).second) members.push_back(child);
        }
    }
    return members;
}

double ticks_to_ms(unsigned long long ticks)
{
    static const long per_second = ::sysconf(_SC_CLK_TCK);
    return static_cast<double>(ticks) * 1000.0 / static_cast<double>(per_second > 0 ? per_second : 100);
}

bool tree_cpu(const std::vector<pid_t>& members, double& cpu_ms)
{
    unsigned long long total = 0;
    for (std::size_t i = 0; i < members.size(); ++i) {
        unsigned long long ticks = 0;
        char state = '?';
        if (!cpu_ticks(members[i], ticks, state)) {
            if (i == 0) return false;
            continue; // a member that exited meanwhile
        }
        if (i == 0 && (state == 'Z' || state == 'X')) return false;
        total += ticks;
    }
    cpu_ms = ticks_to_ms(total);
    return true;
}

// The protocols a tree's sockets use, from sockfs's "system.sockprotoname" attribute.
struct Protocols {
    bool tcp = false;
    bool tcp6 = false;
    bool unix_domain = false;
    bool other = false; // unknown: read every table
};

void socket_inodes(pid_t pid, std::set<std::uint64_t>& inodes, Protocols& protocols)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR* descriptors = ::opendir(path);
    if (!descriptors) return;
    while (const dirent* item = ::readdir(descriptors)) {
        if (item->d_name[0] < '0' || item->d_name[0] > '9') continue;
        char link_path[320];
        std::snprintf(link_path, sizeof link_path, "/proc/%d/fd/%s", pid, item->d_name);
        char target[64];
        const ssize_t n = ::readlink(link_path, target, sizeof target - 1);
        if (n <= 0) continue;
        const std::string_view link{target, static_cast<std::size_t>(n)};
        // "socket:[12345]"
        if (link.substr(0, 8) != "socket:[" || link.back() != ']') continue;
        unsigned long long inode = 0;
        if (!decimal_value(link.substr(8, link.size() - 9), inode) || !inodes.insert(inode).second) continue;
        char name[32] = {};
        const ssize_t length = ::getxattr(link_path, "system.sockprotoname", name, sizeof name - 1);
        // "TCP\0": the kernel counts the terminating NUL.
        const std::string_view protocol{name, length > 0 ? std::strlen(name) : 0U};
        if (protocol == "TCP") protocols.tcp = true;
        else if (protocol == "TCPv6") protocols.tcp6 = true;
        else if (protocol == "UNIX") protocols.unix_domain = true;
        else if (protocol.empty()) protocols.other = true;
    }
    ::closedir(descriptors);
}

template <class Parse>
void match_table(pid_t root, const char* table, const std::set<std::uint64_t>& inodes, Parse parse,
                 std::vector<core::OpenSocket>& sockets)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/net/%s", root, table);
    const std::string content = read_proc_file(path);
    std::string_view rest{content};
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        core::OpenSocket socket;
        if (parse(line, socket) && inodes.count(socket.inode) != 0) sockets.push_back(std::move(socket));
    }
}

} // namespace

bool parse_tcp_line(std::string_view line, bool v6, core::OpenSocket& socket)
{
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    const auto row = fields(line);
    if (row.size() < 10 || row[0].empty() || row[0].back() != ':') return false;
    unsigned long long state = 0;
    unsigned long long inode = 0;
    if (!hex_value(row[3], state) || !decimal_value(row[9], inode)) return false;
    socket = {};
    socket.kind = v6 ? core::SocketKind::Tcp6 : core::SocketKind::Tcp;
    socket.inode = inode;
    socket.state = tcp_state(state);
    return address(row[1], v6, socket.local) && address(row[2], v6, socket.remote);
}

bool parse_unix_line(std::string_view line, core::OpenSocket& socket)
{
    // Num: RefCount Protocol Flags Type St Inode [Path]
    const auto row = fields(line);
    if (row.size() < 7 || row[0].empty() || row[0].back() != ':') return false;
    unsigned long long flags = 0;
    unsigned long long state = 0;
    unsigned long long inode = 0;
    if (!hex_value(row[3], flags) || !hex_value(row[5], state) || !decimal_value(row[6], inode)) return false;
    socket = {};
    socket.kind = core::SocketKind::Unix;
    socket.inode = inode;
    // __SO_ACCEPTCON marks a listening socket; St is the socket's state (SS_CONNECTED is 3).
    constexpr unsigned long long kAcceptConnections = 0x10000;
    socket.state = (flags & kAcceptConnections) != 0 ? "LISTEN"
                   : state == 3                      ? "CONNECTED"
                   : state == 2                      ? "CONNECTING"
                                                     : "UNCONNECTED";
    if (row.size() > 7) {
        // The path is the rest of the line (it may hold spaces).
        socket.local = std::string{line.substr(static_cast<std::size_t>(row[7].data() - line.data()))};
    }
    return true;
}

bool tree_cpu_ms(pid_t root, double& cpu_ms)
{
    return tree_cpu(tree_of(root), cpu_ms);
}

bool look_at_tree(pid_t root, TreeLook& look, bool fresh)
{
    const auto members = tree_of(root);
    if (!tree_cpu(members, look.cpu_ms)) return false;
    std::set<std::uint64_t> inodes;
    Protocols protocols;
    for (const pid_t member : members) socket_inodes(member, inodes, protocols);
    if (fresh || inodes != look.inodes) {
        look.sockets.clear();
        const auto v4 = [](std::string_view line, core::OpenSocket& s) { return parse_tcp_line(line, false, s); };
        const auto v6 = [](std::string_view line, core::OpenSocket& s) { return parse_tcp_line(line, true, s); };
        if (protocols.tcp || protocols.other) match_table(root, "tcp", inodes, v4, look.sockets);
        if (protocols.tcp6 || protocols.other) match_table(root, "tcp6", inodes, v6, look.sockets);
        if (protocols.unix_domain || protocols.other) match_table(root, "unix", inodes, parse_unix_line, look.sockets);
        look.inodes = std::move(inodes);
    }
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/wchan", root);
    look.waiting_in = read_proc_file(path);
    if (look.waiting_in == "0") look.waiting_in.clear(); // running
    // Became a zombie while it was read: its descriptors may already be closed.
    double again = 0;
    return tree_cpu(std::vector<pid_t>{root}, again);
}

} // namespace lambda_emu::process

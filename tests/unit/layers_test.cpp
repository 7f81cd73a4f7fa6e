// Staging layers into /opt (process/layers.hpp): nothing written outside the staging folder, a
// later layer's file wins, Lambda's size limit counted while unpacking. The archives are made
// here with libarchive; tests/integration/test_layers.py runs the same through the binary.
#include "process/layers.hpp"
#include "process/zip_layer.hpp"

#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace fs = std::filesystem;
using lambda_emu::process::stage_layers;
using lambda_emu::process::UnpackedSize;

namespace {

struct Entry {
    enum class Kind { File, Folder, Symlink, Hardlink } kind;
    std::string name;
    std::string content; // a file's bytes, a link's target
    mode_t mode = 0644;
    std::size_t zeros = 0; // a file of this many zero bytes instead of `content`
};

Entry file_entry(std::string name, std::string content, mode_t mode = 0644)
{
    return {Entry::Kind::File, std::move(name), std::move(content), mode};
}
Entry symlink_entry(std::string name, std::string target)
{
    return {Entry::Kind::Symlink, std::move(name), std::move(target)};
}
Entry hardlink_entry(std::string name, std::string target)
{
    return {Entry::Kind::Hardlink, std::move(name), std::move(target)};
}
Entry zeros_entry(std::string name, std::size_t size)
{
    return {Entry::Kind::File, std::move(name), {}, 0644, size};
}

// Writes `entries` as a zip (deflated, as AWS's tools make them) or, for hard links, a tar.
void write_archive(const fs::path& path, const std::vector<Entry>& entries, bool tar = false)
{
    archive* out = archive_write_new();
    if (tar) archive_write_set_format_pax_restricted(out);
    else archive_write_set_format_zip(out);
    REQUIRE(archive_write_open_filename(out, path.c_str()) == ARCHIVE_OK);
    const std::string chunk(1 << 20, '\0');
    for (const auto& item : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, item.name.c_str());
        const std::size_t size = item.zeros ? item.zeros : item.content.size();
        switch (item.kind) {
        case Entry::Kind::File:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_size(entry, static_cast<la_int64_t>(size));
            break;
        case Entry::Kind::Folder: archive_entry_set_filetype(entry, AE_IFDIR); break;
        case Entry::Kind::Symlink:
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_set_symlink(entry, item.content.c_str());
            break;
        case Entry::Kind::Hardlink:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_hardlink(entry, item.content.c_str());
            break;
        }
        archive_entry_set_perm(entry, item.kind == Entry::Kind::Symlink ? 0777 : item.mode);
        REQUIRE(archive_write_header(out, entry) == ARCHIVE_OK);
        if (item.kind == Entry::Kind::File && item.zeros) {
            for (std::size_t left = item.zeros; left > 0;) {
                const std::size_t part = std::min(left, chunk.size());
                REQUIRE(archive_write_data(out, chunk.data(), part) == static_cast<la_ssize_t>(part));
                left -= part;
            }
        } else if (item.kind == Entry::Kind::File) {
            archive_write_data(out, item.content.data(), item.content.size());
        }
        archive_entry_free(entry);
    }
    REQUIRE(archive_write_close(out) == ARCHIVE_OK);
    archive_write_free(out);
}

std::string read(const fs::path& path)
{
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

mode_t mode_of(const fs::path& path)
{
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

// A scratch folder with the emulator's TMPDIR (the staging folders) and a host folder every
// attack aims at, removed after each test.
class Scratch {
public:
    Scratch()
    {
        char name[] = "/tmp/layers-test-XXXXXX";
        REQUIRE(::mkdtemp(name));
        root_ = name;
        fs::create_directories(staging());
        fs::create_directories(host());
        fs::create_directories(function());
        const char* old = std::getenv("TMPDIR");
        old_tmpdir_ = old ? old : "";
        had_tmpdir_ = old != nullptr;
        ::setenv("TMPDIR", staging().c_str(), 1);
    }
    ~Scratch()
    {
        if (had_tmpdir_) ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
        else ::unsetenv("TMPDIR");
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    fs::path path(const std::string& name) const { return root_ / name; }
    fs::path staging() const { return root_ / "staging"; }
    fs::path host() const { return root_ / "host"; }
    fs::path function() const { return root_ / "function"; }
    bool staging_is_empty() const { return fs::is_empty(staging()); }
    bool host_is_empty() const { return fs::is_empty(host()); }

private:
    fs::path root_;
    std::string old_tmpdir_;
    bool had_tmpdir_ = false;
};

} // namespace

TEST_CASE("a zip layer keeps its executables without setuid, and a later layer's file wins")
{
    Scratch scratch;
    write_archive(scratch.path("first.zip"),
                  {file_entry("bin/tool", "#!/bin/sh\n", 0755), file_entry("bin/suid", "x", 06755),
                   file_entry("shared.txt", "first"), symlink_entry("link", "shared.txt")});
    fs::create_directories(scratch.path("second"));
    std::ofstream{scratch.path("second") / "shared.txt"} << "second";
    std::string error;
    auto staged = stage_layers({scratch.path("first.zip"), scratch.path("second")}, scratch.function(), error);
    REQUIRE_MESSAGE(staged, error);
    CHECK(mode_of(staged->path() / "bin/tool") == 0755);
    CHECK(mode_of(staged->path() / "bin/suid") == 0755);
    CHECK(read(staged->path() / "shared.txt") == "second");
    CHECK(fs::is_symlink(staged->path() / "link"));
    CHECK(read(staged->path() / "link") == "second");
}

TEST_CASE("a folder layer's symlinks are copied as symlinks and its setuid bits dropped")
{
    Scratch scratch;
    std::ofstream{scratch.host() / "secret"} << "host";
    const auto layer = scratch.path("layer");
    fs::create_directories(layer / "sub");
    fs::create_symlink(scratch.host(), layer / "to-host");
    std::ofstream{layer / "sub" / "tool"} << "#!/bin/sh\n";
    fs::permissions(layer / "sub" / "tool", static_cast<fs::perms>(06755));
    std::string error;
    auto staged = stage_layers({layer}, scratch.function(), error);
    REQUIRE_MESSAGE(staged, error);
    CHECK(fs::read_symlink(staged->path() / "to-host") == scratch.host());
    CHECK(mode_of(staged->path() / "sub/tool") == 0755);
}

TEST_CASE("no layer is ever written through a symlink an earlier layer left")
{
    Scratch scratch;
    write_archive(scratch.path("link.zip"), {symlink_entry("d", scratch.host().string())});
    fs::create_directories(scratch.path("link-folder"));
    fs::create_symlink(scratch.host(), scratch.path("link-folder") / "d");
    write_archive(scratch.path("file.zip"), {file_entry("d/file", "pwned")});
    fs::create_directories(scratch.path("file-folder") / "d");
    std::ofstream{scratch.path("file-folder") / "d" / "file"} << "pwned";

    for (const std::string first : {"link.zip", "link-folder"}) {
        for (const std::string second : {"file.zip", "file-folder"}) {
            CAPTURE(first);
            CAPTURE(second);
            std::string error;
            auto staged = stage_layers({scratch.path(first), scratch.path(second)}, scratch.function(), error);
            CHECK_FALSE(staged);
            CHECK(scratch.host_is_empty());
            CHECK(scratch.staging_is_empty());
            CHECK(error.find("--layer " + scratch.path(second).string() + ": ") == 0);
            CHECK(error.find("d is a symlink (to " + scratch.host().string() + ")") != std::string::npos);
            CHECK(error.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("a zip never unpacks through its own symlink, nor to an absolute path or past ..")
{
    Scratch scratch;
    const std::vector<std::vector<Entry>> attacks = {
        {symlink_entry("d", scratch.host().string()), file_entry("d/file", "pwned")},
        {file_entry("ok", "fine"), file_entry("../host/file", "pwned")},
        {file_entry((scratch.host() / "file").string(), "pwned")},
    };
    for (const auto& entries : attacks) {
        write_archive(scratch.path("attack.zip"), entries);
        std::string error;
        CHECK_FALSE(stage_layers({scratch.path("attack.zip")}, scratch.function(), error));
        CAPTURE(error);
        CHECK(scratch.host_is_empty());
        CHECK(scratch.staging_is_empty());
        CHECK(error.find("--layer " + scratch.path("attack.zip").string() + ": ") == 0);
    }
}

TEST_CASE("hard links out of the staging folder are refused")
{
    Scratch scratch;
    std::ofstream{scratch.host() / "secret"} << "host";
    const auto secret = scratch.host() / "secret";
    const std::vector<std::vector<Entry>> attacks = {
        {hardlink_entry("link", secret.string())},
        {hardlink_entry("link", "../host/secret")},
        {symlink_entry("d", scratch.host().string()), hardlink_entry("link", "d/secret")},
    };
    for (const auto& entries : attacks) {
        write_archive(scratch.path("attack.tar"), entries, true);
        std::string unused;
        auto staged = lambda_emu::process::StagedDirectory::create("test", unused);
        REQUIRE(staged);
        archive* reader = archive_read_new();
        archive_read_support_format_tar(reader);
        REQUIRE(archive_read_open_filename(reader, scratch.path("attack.tar").c_str(), 1 << 16) == ARCHIVE_OK);
        UnpackedSize size;
        const auto error = lambda_emu::process::unpack_archive(reader, staged->path(), size);
        archive_read_free(reader);
        CAPTURE(error);
        CHECK_FALSE(error.empty());
        CHECK(error.find("link") == 0);
        CHECK(fs::hard_link_count(secret) == 1);
        CHECK(read(secret) == "host");
        CHECK_FALSE(fs::exists(staged->path() / "link"));
    }
}

TEST_CASE("a zip bomb stops at the limit and leaves nothing staged")
{
    Scratch scratch;
    write_archive(scratch.path("bomb.zip"), {zeros_entry("zeros", 8 << 20)});
    CHECK(fs::file_size(scratch.path("bomb.zip")) < (64 << 10));
    std::string error;
    CHECK_FALSE(stage_layers({scratch.path("bomb.zip")}, scratch.function(), error, 1 << 20));
    CHECK(error == "--layer " + scratch.path("bomb.zip").string() +
                       ": zeros: more than 1048576 bytes (1 MB) unzipped, Lambda's limit for a function and its "
                       "layers together");
    CHECK(scratch.staging_is_empty());
}

TEST_CASE("the function's folder and every layer count toward the limit together")
{
    Scratch scratch;
    std::ofstream{scratch.function() / "code.bin"} << std::string(600 << 10, 'x');
    fs::create_symlink("/usr", scratch.function() / "not-followed");
    write_archive(scratch.path("small.zip"), {zeros_entry("a", 300 << 10)});
    fs::create_directories(scratch.path("folder"));
    std::ofstream{scratch.path("folder") / "b"} << std::string(300 << 10, 'y');
    std::string error;
    CHECK(stage_layers({scratch.path("small.zip")}, scratch.function(), error, 1 << 20));
    CHECK_FALSE(stage_layers({scratch.path("small.zip"), scratch.path("folder")}, scratch.function(), error, 1 << 20));
    CHECK(error.find("--layer " + scratch.path("folder").string() + ": b: more than 1048576 bytes") == 0);
    CHECK(scratch.staging_is_empty());

    std::ofstream{scratch.function() / "more.bin"} << std::string(600 << 10, 'x');
    CHECK_FALSE(stage_layers({scratch.path("folder")}, scratch.function(), error, 1 << 20));
    CHECK(error.find("the function folder " + scratch.function().string() + " is more than 1048576 bytes") == 0);
    // Without layers nothing is staged and the folder (a build folder, often) is not counted.
    CHECK(stage_layers({}, scratch.function(), error, 1 << 20));
}

TEST_CASE("a zip that cannot be read says why")
{
    Scratch scratch;
    std::ofstream{scratch.path("notes.zip")} << "notes, not a zip file\n";
    std::string error;
    CHECK_FALSE(stage_layers({scratch.path("notes.zip")}, scratch.function(), error));
    CHECK(error.find("--layer " + scratch.path("notes.zip").string() + ": not a zip file") == 0);

    std::string noise(100000, '\0');
    unsigned state = 1;
    for (auto& byte : noise) byte = static_cast<char>((state = state * 1103515245 + 12345) >> 16);
    write_archive(scratch.path("whole.zip"), {file_entry("data", noise)});
    const auto whole = read(scratch.path("whole.zip"));
    std::ofstream{scratch.path("truncated.zip")} << whole.substr(0, whole.size() / 2);
    CHECK_FALSE(stage_layers({scratch.path("truncated.zip")}, scratch.function(), error));
    CAPTURE(error);
    CHECK(error.find("runcated") != std::string::npos);
    CHECK(scratch.staging_is_empty());
}

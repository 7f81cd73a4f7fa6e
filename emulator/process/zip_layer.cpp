#include "zip_layer.hpp"

#include "nofollow_walk.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>

namespace lambda_emu::process {

namespace {

// libarchive's secure extraction: no absolute path, no "..", nothing through a symlink on disk
// (hard links' targets included); PERM keeps the modes; UNLINK lets a later layer's file replace
// an earlier one's. No OWNER: everything staged belongs to the emulator's user.
constexpr int kExtractFlags = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_UNLINK;

// libarchive's ARCHIVE_ERRNO_FILE_FORMAT (in its private headers): EILSEQ where there is no
// EFTYPE, as on Linux. "Unrecognized archive format" alone would not say it wanted a zip.
constexpr int kNotThisFormat = EILSEQ;

struct ArchiveDeleter {
    void operator()(archive* reader) const { archive_read_free(reader); }
};
struct DiskWriterDeleter {
    void operator()(archive* writer) const { archive_write_free(writer); }
};

std::string reason(archive* a)
{
    const char* text = archive_error_string(a);
    return text && *text ? text : "failed (libarchive gave no reason)";
}

// libarchive's disk writer takes paths from the current folder: it is the staging folder while
// a layer is unpacked (the emulator has one thread here), and the old one again after.
class InFolder {
public:
    explicit InFolder(int folder) : previous_{::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)}
    {
        entered_ = previous_ && ::fchdir(folder) == 0;
    }
    ~InFolder()
    {
        if (entered_) (void)::fchdir(previous_.get());
    }
    InFolder(const InFolder&) = delete;
    InFolder& operator=(const InFolder&) = delete;
    bool entered() const { return entered_; }

private:
    OwnedFd previous_;
    bool entered_ = false;
};

// Paths libarchive refuses by itself (absolute, with ".."): they are not walked here.
bool stays_inside(const std::string& path)
{
    if (path.empty() || path.front() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        if (path.substr(start, slash == std::string::npos ? std::string::npos : slash - start) == "..") return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return true;
}

std::string through_symlink(int root, const std::string& path, bool last_too)
{
    if (!stays_inside(path)) return {};
    auto link = symlink_on_the_way(root, path, last_too);
    return link.empty() ? std::string{} : "refused: " + link + ", and a layer is never unpacked through one";
}

std::string copy_data(archive* reader, archive* writer, const std::string& name, UnpackedSize& size)
{
    for (;;) {
        const void* block = nullptr;
        std::size_t length = 0;
        la_int64_t offset = 0;
        const int got = archive_read_data_block(reader, &block, &length, &offset);
        if (got == ARCHIVE_EOF) return {};
        if (got < ARCHIVE_WARN) return name + ": " + reason(reader);
        if (!size.add(length)) return name + ": " + size.past_limit();
        if (archive_write_data_block(writer, block, length, offset) < ARCHIVE_WARN) return name + ": " + reason(writer);
    }
}

std::string unpack_entry(archive* reader, archive* writer, archive_entry* entry, int root, UnpackedSize& size)
{
    const char* pathname = archive_entry_pathname(entry);
    const std::string name = pathname ? pathname : "(an entry without a readable name)";
    archive_entry_set_perm(entry, archive_entry_perm(entry) & kKeptModeBits);
    // A folder entry would go through a symlink at its own name; a file replaces one.
    const bool folder = archive_entry_filetype(entry) == AE_IFDIR;
    if (auto refused = through_symlink(root, name, folder); !refused.empty()) return name + ": " + refused;
    if (const char* hardlink = archive_entry_hardlink(entry)) {
        if (auto refused = through_symlink(root, hardlink, true); !refused.empty())
            return name + ": hard link to " + hardlink + ": " + refused;
    }
    if (archive_write_header(writer, entry) < ARCHIVE_WARN) return name + ": " + reason(writer);
    if (auto problem = copy_data(reader, writer, name, size); !problem.empty()) return problem;
    if (archive_write_finish_entry(writer) < ARCHIVE_WARN) return name + ": " + reason(writer);
    return {};
}

} // namespace

std::string unpack_archive(archive* reader, const std::filesystem::path& staging, UnpackedSize& size)
{
    OwnedFd root{::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!root) return "cannot open the staging folder " + staging.string() + ": " + std::strerror(errno);
    InFolder inside{root.get()};
    if (!inside.entered()) return "cannot enter the staging folder " + staging.string() + ": " + std::strerror(errno);
    std::unique_ptr<archive, DiskWriterDeleter> writer{archive_write_disk_new()};
    if (!writer || archive_write_disk_set_options(writer.get(), kExtractFlags) != ARCHIVE_OK)
        return "cannot set up libarchive's disk writer";
    for (bool first = true;; first = false) {
        archive_entry* entry = nullptr;
        const int got = archive_read_next_header(reader, &entry);
        if (got == ARCHIVE_EOF) break;
        if (got < ARCHIVE_WARN) {
            // The first header tells whether it is a zip at all.
            if (first && archive_errno(reader) == kNotThisFormat) return "not a zip file (" + reason(reader) + ")";
            return reason(reader);
        }
        if (auto problem = unpack_entry(reader, writer.get(), entry, root.get(), size); !problem.empty())
            return problem;
    }
    // Folders' modes are set last (a read-only folder is filled first).
    if (archive_write_close(writer.get()) < ARCHIVE_WARN) return reason(writer.get());
    return {};
}

std::string unpack_zip_layer(const std::filesystem::path& zip, const std::filesystem::path& staging, UnpackedSize& size)
{
    std::unique_ptr<archive, ArchiveDeleter> reader{archive_read_new()};
    if (!reader || archive_read_support_format_zip(reader.get()) != ARCHIVE_OK)
        return "cannot set up libarchive's zip reader";
    if (archive_read_open_filename(reader.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK) {
        if (archive_errno(reader.get()) == kNotThisFormat) return "not a zip file (" + reason(reader.get()) + ")";
        return reason(reader.get());
    }
    return unpack_archive(reader.get(), staging, size);
}

} // namespace lambda_emu::process

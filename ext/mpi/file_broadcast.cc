/*
 * file_broadcast.cc --
 *
 *	Chunked file broadcast; see file_broadcast.h. Root reads chunk k+1
 *	while chunk k travels (MPI_Ibcast into one of two buffers), and the
 *	other ranks write chunk k while chunk k+1 arrives.
 */
#include "file_broadcast.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "mpi_error.h"

namespace hedflow::mpi {

namespace {

namespace fs = std::filesystem;

std::string
SystemMessage(const std::string &what, const std::string &path, int number)
{
    return what + " \"" + path + "\" failed: " + std::strerror(number);
}

/* Reads exactly size bytes; returns 0 or an errno value (EIO for a file
 * that shrank while being read). */
int
ReadFully(int fd, char *buffer, std::size_t size)
{
    while (size > 0) {
        const ssize_t got = read(fd, buffer, size);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return errno;
        }
        if (got == 0) {
            return EIO;
        }
        buffer += got;
        size -= static_cast<std::size_t>(got);
    }
    return 0;
}

/* Writes exactly size bytes; returns 0 or an errno value. */
int
WriteFully(int fd, const char *buffer, std::size_t size)
{
    while (size > 0) {
        const ssize_t put = write(fd, buffer, size);
        if (put < 0 && errno == EINTR) {
            continue;
        }
        if (put < 0) {
            return errno;
        }
        buffer += put;
        size -= static_cast<std::size_t>(put);
    }
    return 0;
}

/* Closes a descriptor and removes an unfinished temporary file, unless
 * released. */
class TemporaryFile {
public:
    ~TemporaryFile() { Discard(); }

    void Discard()
    {
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
        if (!path.empty()) {
            unlink(path.c_str());
            path.clear();
        }
    }

    int fd = -1;
    std::string path;
};

class SourceFile {
public:
    ~SourceFile()
    {
        if (fd >= 0) {
            close(fd);
        }
    }

    int fd = -1;
};

/* What root tells every rank before the data. */
struct Header {
    std::int64_t failed = 0;
    std::int64_t size = 0;
    std::int64_t mode = 0;
    std::int64_t textLength = 0; /* the file name, or root's failure */
};

/* Opens source on root and fills header and text; a failure goes into
 * text with header.failed set. */
void
OpenSource(const std::string &source, SourceFile &file, struct stat &info, Header &header,
           std::string &text)
{
    const std::string name = fs::path(source).filename().string();
    header.failed = 1;
    file.fd = open(source.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) {
        text = SystemMessage("opening", source, errno);
    } else if (fstat(file.fd, &info) != 0) {
        text = SystemMessage("reading the status of", source, errno);
    } else if (!S_ISREG(info.st_mode)) {
        text = "\"" + source + "\" is not a regular file; mpi::bcast_file copies one file";
    } else if (name.empty() || name == "." || name == "..") {
        text = "\"" + source + "\" does not end in a file name";
    } else {
        header.failed = 0;
        header.size = static_cast<std::int64_t>(info.st_size);
        header.mode = static_cast<std::int64_t>(info.st_mode & 07777);
        text = name;
    }
    header.textLength = static_cast<std::int64_t>(text.size());
}

std::string
HostPart()
{
    char name[HOST_NAME_MAX + 1] = "";
    gethostname(name, sizeof name);
    name[HOST_NAME_MAX] = '\0';
    return name;
}

} // namespace

std::string
BroadcastFile(MPI_Comm comm, int root, const std::string &source, const std::string &destDir,
              std::size_t chunkBytes)
{
    int rank = 0;
    CheckMpi(MPI_Comm_rank(comm, &rank));
    const bool isRoot = rank == root;

    SourceFile input;
    struct stat sourceInfo {};
    Header header;
    std::string text;
    if (isRoot) {
        OpenSource(source, input, sourceInfo, header, text);
    }
    CheckMpi(MPI_Bcast(&header, 4, MPI_INT64_T, root, comm));
    text.resize(static_cast<std::size_t>(header.textLength));
    CheckMpi(MPI_Bcast(text.data(), static_cast<int>(header.textLength), MPI_CHAR, root, comm));
    if (header.failed) {
        if (isRoot) {
            throw Error(text, {"FILE", "SOURCE", source});
        }
        throw Error("root rank " + std::to_string(root) + " failed: " + text,
                    {"ROOT", "FAILED", std::to_string(root)});
    }
    const std::string &name = text;
    const std::string finalPath = (fs::path(destDir) / name).string();

    /* Prepare this rank's temporary file; a failure is remembered and the
     * rank keeps taking part so the others do not block. */
    std::string failure;
    std::vector<std::string> failureCode;
    TemporaryFile output;
    bool writing = true;
    if (isRoot) {
        struct stat existing {};
        if (stat(finalPath.c_str(), &existing) == 0 && existing.st_dev == sourceInfo.st_dev &&
            existing.st_ino == sourceInfo.st_ino) {
            writing = false;
        }
    }
    if (writing) {
        std::error_code created;
        fs::create_directories(destDir, created);
        const std::string temporary = (fs::path(destDir) / ("." + name + ".part-" + HostPart() +
                                                            "-" + std::to_string(getpid())))
                                          .string();
        output.fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (output.fd < 0) {
            failure = SystemMessage("creating", temporary, errno);
            if (created) {
                failure = "creating folder \"" + destDir + "\" failed: " + created.message();
            }
            failureCode = {"FILE", "CREATE", temporary};
        } else {
            output.path = temporary;
        }
    }

    const std::uint64_t size = static_cast<std::uint64_t>(header.size);
    const std::size_t bufferBytes =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunkBytes, std::max<std::uint64_t>(size, 1)));
    std::vector<char> buffers[2] = {std::vector<char>(bufferBytes), std::vector<char>(bufferBytes)};
    MPI_Request requests[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    std::size_t lengths[2] = {0, 0};

    auto consume = [&](int slot) {
        CheckMpi(MPI_Wait(&requests[slot], MPI_STATUS_IGNORE));
        if (isRoot || output.fd < 0 || !failure.empty()) {
            return;
        }
        const int number = WriteFully(output.fd, buffers[slot].data(), lengths[slot]);
        if (number != 0) {
            failure = SystemMessage("writing", output.path, number);
            failureCode = {"FILE", "WRITE", output.path};
        }
    };

    const std::uint64_t chunks = (size + bufferBytes - 1) / bufferBytes;
    for (std::uint64_t k = 0; k < chunks; ++k) {
        const int slot = static_cast<int>(k % 2);
        lengths[slot] = static_cast<std::size_t>(std::min<std::uint64_t>(bufferBytes, size - k * bufferBytes));
        char *data = buffers[slot].data();
        if (isRoot) {
            const int number = failure.empty() ? ReadFully(input.fd, data, lengths[slot]) : 0;
            if (number != 0) {
                failure = SystemMessage("reading", source, number);
                failureCode = {"FILE", "READ", source};
            }
            /* Root writes what it sent, so its copy is the same bytes. */
            if (failure.empty() && output.fd >= 0) {
                const int written = WriteFully(output.fd, data, lengths[slot]);
                if (written != 0) {
                    failure = SystemMessage("writing", output.path, written);
                    failureCode = {"FILE", "WRITE", output.path};
                }
            }
        }
        CheckMpi(MPI_Ibcast(data, static_cast<int>(lengths[slot]), MPI_BYTE, root, comm,
                            &requests[slot]));
        if (k > 0) {
            consume(1 - slot);
        }
    }
    if (chunks > 0) {
        consume(static_cast<int>((chunks - 1) % 2));
    }

    if (failure.empty() && output.fd >= 0) {
        const int fd = output.fd;
        output.fd = -1;
        if (fchmod(fd, static_cast<mode_t>(header.mode)) != 0) {
            failure = SystemMessage("setting the mode of", output.path, errno);
            failureCode = {"FILE", "MODE", output.path};
        }
        if (close(fd) != 0 && failure.empty()) {
            failure = SystemMessage("closing", output.path, errno);
            failureCode = {"FILE", "WRITE", output.path};
        }
        if (failure.empty() && rename(output.path.c_str(), finalPath.c_str()) != 0) {
            failure = SystemMessage("renaming the copy to", finalPath, errno);
            failureCode = {"FILE", "RENAME", finalPath};
        }
        if (failure.empty()) {
            output.path.clear();
        }
    }
    output.Discard();

    /* Every rank learns whether any rank failed, and which one first. */
    int firstFailed = failure.empty() ? INT_MAX : rank;
    int minimum = INT_MAX;
    CheckMpi(MPI_Allreduce(&firstFailed, &minimum, 1, MPI_INT, MPI_MIN, comm));
    if (!failure.empty()) {
        throw Error(failure, failureCode);
    }
    if (minimum != INT_MAX) {
        throw Error("the copy failed on rank " + std::to_string(minimum) +
                        ": see the error raised on that rank",
                    {"REMOTE", "FAILED", std::to_string(minimum)});
    }
    return finalPath;
}

} // namespace hedflow::mpi

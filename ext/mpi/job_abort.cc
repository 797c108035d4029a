/*
 * job_abort.cc --
 *
 *	AbortJob: wait until the launcher has read this rank's output, then
 *	abort the job.
 */
#include "job_abort.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace hedflow::mpi {

namespace {

/*
 * UnreadBytes --
 *
 *	Results:
 *	    How many bytes written to fd its reader has not taken yet, or 0
 *	    when fd is a file or the count is not available. A pipe reports
 *	    the bytes waiting in it; a socket or terminal reports its output
 *	    queue.
 */
int
UnreadBytes(int fd)
{
    struct stat info {};
    if (fstat(fd, &info) != 0) {
        return 0;
    }
    int count = 0;
    if (S_ISFIFO(info.st_mode)) {
        return ioctl(fd, FIONREAD, &count) == 0 ? count : 0;
    }
    if (S_ISSOCK(info.st_mode) || S_ISCHR(info.st_mode)) {
        return ioctl(fd, TIOCOUTQ, &count) == 0 ? count : 0;
    }
    return 0;
}

} // namespace

int
AbortJob(MPI_Comm comm, int code)
{
    // MPICH 4.0's launcher reads output and abort requests on separate
    // descriptors, and without this wait one error exit in about 80 lost
    // its message here. The deadline covers a launcher that stopped reading.
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(2);
    while ((UnreadBytes(STDOUT_FILENO) > 0 || UnreadBytes(STDERR_FILENO) > 0) &&
           Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return MPI_Abort(comm, code);
}

} // namespace hedflow::mpi

/*
 * transport.cc --
 *
 *	Backoff waiting, non-blocking sends, and MPI error checks.
 */
#include "transport.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <string>

#include "error.h"

namespace hedflow::adlb {

namespace {

/* A reply usually arrives within microseconds, but on a loaded machine a
 * rank that sleeps may wait milliseconds for a core again, so waiting
 * probes without sleeping for 1 ms first. */
constexpr uint64_t SPIN_NANOSECONDS = 1000 * 1000;
constexpr uint64_t MIN_SPIN_NANOSECONDS = 20 * 1000;
constexpr long FIRST_SLEEP_NANOSECONDS = 10 * 1000;
constexpr long MAX_SLEEP_NANOSECONDS = 1000 * 1000;

} // namespace

void
CheckMpi(int code, const char *function)
{
    if (code == MPI_SUCCESS) {
        return;
    }
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) {
        length = 0;
    }
    throw Error({"ADLB", "MPI", function},
                std::string(function) + " failed: " + std::string(text, length));
}

uint64_t
NowNanoseconds()
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

void
ShortenTimerSlack()
{
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

void
Backoff::pause()
{
    const uint64_t now = NowNanoseconds();
    if (idleSince_ == 0) {
        idleSince_ = now;
    }
    if (now - idleSince_ < spinNanoseconds_) {
        // No sched_yield here either: it can hand the core away for a
        // whole time slice.
        return;
    }

    sleepNanoseconds_ = sleepNanoseconds_ == 0 ? FIRST_SLEEP_NANOSECONDS
                                               : std::min(2 * sleepNanoseconds_, MAX_SLEEP_NANOSECONDS);
    struct timespec interval = {0, sleepNanoseconds_};
    nanosleep(&interval, nullptr);
}

void
Outbox::send(std::vector<char> &&bytes, int destination, int tag, MPI_Comm comm)
{
    pending_.push_back(Pending{MPI_REQUEST_NULL, std::move(bytes)});
    Pending &entry = pending_.back();
    CheckMpi(MPI_Isend(entry.bytes.data(), static_cast<int>(entry.bytes.size()), MPI_BYTE,
                       destination, tag, comm, &entry.request),
             "MPI_Isend");
    if (pending_.size() > 64) {
        progress();
    }
}

void
Outbox::progress()
{
    // Sends mostly finish in order, so testing from the front and stopping
    // at the first unfinished one frees almost everything cheaply.
    while (!pending_.empty()) {
        int done = 0;
        CheckMpi(MPI_Test(&pending_.front().request, &done, MPI_STATUS_IGNORE), "MPI_Test");
        if (!done) {
            return;
        }
        pending_.pop_front();
    }
}

void
Outbox::drain()
{
    Backoff backoff;
    while (!pending_.empty()) {
        progress();
        if (!pending_.empty()) {
            backoff.pause();
        }
    }
}

void
ReceiveFrom(int source, int tag, MPI_Comm comm, std::vector<char> &bytes)
{
    // The spin adapts to how long replies take here. A rank whose waits
    // outlast the spin (a leader waiting for results of long tasks) halves
    // it, down to 20 us, and so leaves the core to the ranks that work.
    // Short waits double it back to 1 ms.
    static uint64_t spin = SPIN_NANOSECONDS;
    Backoff backoff;
    backoff.setSpin(spin);
    const uint64_t start = NowNanoseconds();
    MPI_Message message;
    MPI_Status status;
    for (;;) {
        int found = 0;
        CheckMpi(MPI_Improbe(source, tag, comm, &found, &message, &status), "MPI_Improbe");
        if (found) {
            break;
        }
        backoff.pause();
    }
    const uint64_t waited = NowNanoseconds() - start;
    spin = waited > spin ? std::max<uint64_t>(MIN_SPIN_NANOSECONDS, spin / 2)
                         : std::min<uint64_t>(SPIN_NANOSECONDS, 2 * spin);
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    bytes.resize(static_cast<size_t>(count));
    CheckMpi(MPI_Mrecv(bytes.data(), count, MPI_BYTE, &message, MPI_STATUS_IGNORE), "MPI_Mrecv");
}

} // namespace hedflow::adlb

/*
 * transport.h --
 *
 *	Sending and waiting without spinning. MPICH and Open MPI poll a core
 *	inside a blocking MPI_Recv, so a rank that waits long would take a
 *	core from the workers. Waiting here probes for 1 millisecond (low
 *	latency while busy), then sleeps between probes, doubling the sleep
 *	from 10 microseconds up to 1 millisecond.
 */
#ifndef HEDFLOW_ADLB_TRANSPORT_H
#define HEDFLOW_ADLB_TRANSPORT_H

#include <mpi.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace hedflow::adlb {

/*
 * Backoff --
 *
 *	The pause between two probes that found nothing.
 */
class Backoff {
public:
    /* Spins or sleeps, depending on how long the wait has lasted. */
    void pause();

    /* Starts a new wait after a message arrived. */
    void reset()
    {
        idleSince_ = 0;
        sleepNanoseconds_ = 0;
    }

    /* Spins for at most this long before sleeping (1 ms unless set). */
    void setSpin(uint64_t nanoseconds) { spinNanoseconds_ = nanoseconds; }

private:
    uint64_t spinNanoseconds_ = 1000 * 1000;
    uint64_t idleSince_ = 0;
    long sleepNanoseconds_ = 0;
};

/*
 * Outbox --
 *
 *	Non-blocking sends whose buffers live until MPI is done with them,
 *	so a server never blocks on a slow receiver.
 */
class Outbox {
public:
    void send(std::vector<char> &&bytes, int destination, int tag, MPI_Comm comm);

    /* Frees the buffers of completed sends. */
    void progress();

    /* Waits for every pending send (without spinning). */
    void drain();

    bool empty() const { return pending_.empty(); }

private:
    struct Pending {
        MPI_Request request;
        std::vector<char> bytes;
    };
    std::deque<Pending> pending_;
};

/*
 * Receives the next message from `source` with `tag` into bytes (resized
 * to fit), waiting with Backoff. Throws Error on an MPI failure.
 */
void ReceiveFrom(int source, int tag, MPI_Comm comm, std::vector<char> &bytes);

/* Lowers this thread's timer slack so short sleeps last about as asked. */
void ShortenTimerSlack();

/* Monotonic time in nanoseconds. */
uint64_t NowNanoseconds();

} // namespace hedflow::adlb

#endif

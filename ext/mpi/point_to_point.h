/*
 * point_to_point.h --
 *
 *	Sending and receiving messages of any size, blocking and
 *	non-blocking, for the mpi package. The sender does not announce the
 *	size, so every receive first matches a message with MPI_Mprobe or
 *	MPI_Improbe, sizes the buffer from the matched message and receives
 *	exactly that message with MPI_Mrecv or MPI_Imrecv.
 *
 *	A non-blocking receive (PostReceive) that finds no message yet stays
 *	"unmatched" and is matched later, in posting order, by every call of
 *	this module. Blocking receives and probes leave alone the messages
 *	that an earlier unmatched receive could take, as MPI's ordering rules
 *	require.
 *
 *	NOTE: an unmatched receive is not posted in MPI, so a blocking send
 *	to oneself (which MPICH completes only against a posted receive) or
 *	a rendezvous-size send whose receiver waits in another call can block
 *	until the receiver enters this module. A message that arrives from
 *	the same source between two probes of one matching pass may reach a
 *	later overlapping receive before an earlier one.
 */
#ifndef HEDFLOW_POINT_TO_POINT_H
#define HEDFLOW_POINT_TO_POINT_H

#include <mpi.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datatype.h"

namespace hedflow::mpi {

/*
 * The destination of a received message. Allocate is called once with
 * the message size in bytes and returns where the bytes go; the glue
 * implements it with a Tcl object's string buffer to avoid a copy.
 */
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual char *Allocate(std::size_t size) = 0;
};

/* A ByteSink that keeps the bytes in a vector. */
class VectorSink : public ByteSink {
public:
    char *Allocate(std::size_t size) override
    {
        bytes.resize(size);
        return bytes.data();
    }

    std::vector<char> bytes;
};

/* The envelope and size of a message. */
struct MessageStatus {
    int source = MPI_ANY_SOURCE;
    int tag = MPI_ANY_TAG;
    long long bytes = 0;
};

/* The outcome of waiting for a request. */
struct Completion {
    bool known = false;     /* false when the handle names no pending request */
    bool isReceive = false;
    DataType type = DataType::Auto;
    std::unique_ptr<ByteSink> sink; /* the received bytes, for a receive */
    MessageStatus status;
};

/*
 * CheckMessageSize --
 *
 *	Throws Error when size bytes do not fit in one MPI count (an int).
 */
void CheckMessageSize(std::size_t size);

/*
 * Send --
 *
 *	Sends size bytes to dest with tag, blocking until the buffer may be
 *	reused. Throws Error on failure.
 */
void Send(const char *data, std::size_t size, int dest, int tag, MPI_Comm comm);

/*
 * Receive --
 *
 *	Receives the next message from source with tag (MPI_ANY_SOURCE and
 *	MPI_ANY_TAG match anything) into sink, blocking until it is there.
 *	Returns its status; throws Error on failure.
 */
MessageStatus Receive(int source, int tag, MPI_Comm comm, ByteSink &sink);

/*
 * Probe --
 *
 *	Returns the status of the next message Receive would get, blocking
 *	until one is there; the message stays queued.
 */
MessageStatus Probe(int source, int tag, MPI_Comm comm);

/*
 * ProbeNow --
 *
 *	Returns the status of the next matching message, or nothing when no
 *	message is queued; never blocks.
 */
std::optional<MessageStatus> ProbeNow(int source, int tag, MPI_Comm comm);

/*
 * The table of pending non-blocking requests. Handles are "mpi::reqN"
 * with N counting up from 0 in each process, as in TclMPI.
 */
class RequestTable {
public:
    /* Starts sending buffer, which the table keeps until Wait; returns the handle. */
    std::string PostSend(std::vector<char> buffer, int dest, int tag, MPI_Comm comm);

    /*
     * Posts a receive whose bytes go to sink; type is only stored for the
     * caller. Returns the handle.
     */
    std::string PostReceive(DataType type, int source, int tag, MPI_Comm comm,
                            std::unique_ptr<ByteSink> sink);

    /*
     * Blocks until the request named handle completes and forgets it. A
     * handle that names no pending request (never posted, or waited for
     * already) returns a Completion with known = false, as TclMPI does.
     */
    Completion Wait(const std::string &handle);

    /* Matches unmatched receives against queued messages, in posting order. */
    void MatchPosted();

    /*
     * Returns true when a receive posted before sequence is still
     * unmatched on comm and could match a message that (source, tag)
     * also matches.
     */
    bool EarlierUnmatchedOverlaps(MPI_Comm comm, int source, int tag,
                                  unsigned long sequence) const;

    /*
     * Starts receiving message into the earliest unmatched receive on
     * comm posted before sequence whose pattern matches the envelope in
     * status. Returns false, and leaves message alone, when there is none.
     */
    bool GiveToEarlierReceive(MPI_Comm comm, MPI_Message &message, const MPI_Status &status,
                              unsigned long sequence);

    /* Returns the table of this process. */
    static RequestTable &Instance();

private:
    struct Request {
        bool isReceive = false;
        MPI_Comm comm = MPI_COMM_NULL;
        int source = MPI_ANY_SOURCE;
        int tag = MPI_ANY_TAG;
        DataType type = DataType::Auto;
        std::vector<char> sendBuffer;
        std::unique_ptr<ByteSink> sink;
        bool matched = false;
        MPI_Request mpiRequest = MPI_REQUEST_NULL;
        MessageStatus status;
    };

    void StartReceive(Request &request, MPI_Message &message, const MPI_Status &status);

    /* Pending requests by sequence number, so iteration is in posting order. */
    std::map<unsigned long, Request> requests;
    unsigned long nextSequence = 0;
};

} // namespace hedflow::mpi

#endif

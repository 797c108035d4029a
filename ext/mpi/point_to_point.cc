/*
 * point_to_point.cc --
 *
 *	Blocking and non-blocking messages of any size; see point_to_point.h
 *	for how receives are matched.
 */
#include "point_to_point.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <thread>

#include "mpi_error.h"

namespace hedflow::mpi {

namespace {

/* Returns true when a receive posted for (patternSource, patternTag)
 * takes a message from source with tag. */
bool
PatternMatches(int patternSource, int patternTag, int source, int tag)
{
    return (patternSource == MPI_ANY_SOURCE || patternSource == source) &&
           (patternTag == MPI_ANY_TAG || patternTag == tag);
}

/* Returns true when some message could match both patterns. */
bool
PatternsOverlap(int source1, int tag1, int source2, int tag2)
{
    const bool sources = source1 == MPI_ANY_SOURCE || source2 == MPI_ANY_SOURCE ||
                         source1 == source2;
    const bool tags = tag1 == MPI_ANY_TAG || tag2 == MPI_ANY_TAG || tag1 == tag2;
    return sources && tags;
}

/*
 * The pause between two polls while a blocking call must leave messages
 * to earlier unmatched receives. It doubles from 1 microsecond up to 1
 * millisecond, so a long wait does not keep a core busy.
 */
class Backoff {
public:
    void Pause()
    {
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::microseconds(1000));
    }

private:
    std::chrono::microseconds delay{1};
};

MessageStatus
StatusOf(const MPI_Status &status)
{
    int count = 0;
    CheckMpi(MPI_Get_count(&status, MPI_BYTE, &count));
    MessageStatus result;
    result.source = status.MPI_SOURCE;
    result.tag = status.MPI_TAG;
    result.bytes = count;
    return result;
}

/* Receives the matched message into sink and returns its status. */
MessageStatus
ReceiveMatched(MPI_Message &message, const MPI_Status &probed, ByteSink &sink)
{
    MessageStatus result = StatusOf(probed);
    char *buffer = sink.Allocate(static_cast<std::size_t>(result.bytes));
    MPI_Status received;
    CheckMpi(MPI_Mrecv(buffer, static_cast<int>(result.bytes), MPI_BYTE, &message, &received));
    return result;
}

} // namespace

void
CheckMessageSize(std::size_t size)
{
    if (size > static_cast<std::size_t>(INT_MAX)) {
        throw Error("message of " + std::to_string(size) +
                        " bytes is larger than the largest MPI count, " +
                        std::to_string(INT_MAX) + " bytes; split it or use mpi::bcast_file",
                    {"COUNT", "TOOLARGE", std::to_string(size)});
    }
}

void
Send(const char *data, std::size_t size, int dest, int tag, MPI_Comm comm)
{
    CheckMessageSize(size);
    CheckMpi(MPI_Send(data, static_cast<int>(size), MPI_BYTE, dest, tag, comm));
}

MessageStatus
Receive(int source, int tag, MPI_Comm comm, ByteSink &sink)
{
    RequestTable &table = RequestTable::Instance();
    table.MatchPosted();

    Backoff backoff;
    for (;;) {
        MPI_Message message;
        MPI_Status status;
        if (!table.EarlierUnmatchedOverlaps(comm, source, tag, ULONG_MAX)) {
            CheckMpi(MPI_Mprobe(source, tag, comm, &message, &status));
            return ReceiveMatched(message, status, sink);
        }

        int found = 0;
        CheckMpi(MPI_Improbe(source, tag, comm, &found, &message, &status));
        if (found) {
            if (table.GiveToEarlierReceive(comm, message, status, ULONG_MAX)) {
                continue;
            }
            return ReceiveMatched(message, status, sink);
        }
        table.MatchPosted();
        backoff.Pause();
    }
}

MessageStatus
Probe(int source, int tag, MPI_Comm comm)
{
    RequestTable &table = RequestTable::Instance();
    table.MatchPosted();

    Backoff backoff;
    for (;;) {
        MPI_Status status;
        if (!table.EarlierUnmatchedOverlaps(comm, source, tag, ULONG_MAX)) {
            CheckMpi(MPI_Probe(source, tag, comm, &status));
            return StatusOf(status);
        }
        std::optional<MessageStatus> queued = ProbeNow(source, tag, comm);
        if (queued) {
            return *queued;
        }
        backoff.Pause();
    }
}

std::optional<MessageStatus>
ProbeNow(int source, int tag, MPI_Comm comm)
{
    RequestTable &table = RequestTable::Instance();
    for (;;) {
        table.MatchPosted();
        int found = 0;
        MPI_Status status;
        CheckMpi(MPI_Iprobe(source, tag, comm, &found, &status));
        if (!found) {
            return std::nullopt;
        }
        /* A message that an unmatched receive takes is not visible to a
         * probe; matching again hands it over and makes progress. */
        if (!table.EarlierUnmatchedOverlaps(comm, status.MPI_SOURCE, status.MPI_TAG,
                                            ULONG_MAX)) {
            return StatusOf(status);
        }
    }
}

RequestTable &
RequestTable::Instance()
{
    static RequestTable table;
    return table;
}

std::string
RequestTable::PostSend(std::vector<char> buffer, int dest, int tag, MPI_Comm comm)
{
    CheckMessageSize(buffer.size());
    Request request;
    request.comm = comm;
    request.sendBuffer = std::move(buffer);
    CheckMpi(MPI_Isend(request.sendBuffer.data(), static_cast<int>(request.sendBuffer.size()),
                       MPI_BYTE, dest, tag, comm, &request.mpiRequest));

    /* Moving a vector keeps its heap buffer, so the pointer MPI holds
     * stays valid. */
    const unsigned long sequence = nextSequence++;
    requests.emplace(sequence, std::move(request));
    return "mpi::req" + std::to_string(sequence);
}

std::string
RequestTable::PostReceive(DataType type, int source, int tag, MPI_Comm comm,
                          std::unique_ptr<ByteSink> sink)
{
    /* An invalid communicator or rank fails here, not at wait. */
    int found = 0;
    MPI_Status status;
    CheckMpi(MPI_Iprobe(source, tag, comm, &found, &status));

    Request request;
    request.isReceive = true;
    request.comm = comm;
    request.source = source;
    request.tag = tag;
    request.type = type;
    request.sink = std::move(sink);
    const unsigned long sequence = nextSequence++;
    requests.emplace(sequence, std::move(request));
    MatchPosted();
    return "mpi::req" + std::to_string(sequence);
}

void
RequestTable::StartReceive(Request &request, MPI_Message &message, const MPI_Status &status)
{
    request.status = StatusOf(status);
    char *buffer = request.sink->Allocate(static_cast<std::size_t>(request.status.bytes));
    CheckMpi(MPI_Imrecv(buffer, static_cast<int>(request.status.bytes), MPI_BYTE, &message,
                        &request.mpiRequest));
    request.matched = true;
}

void
RequestTable::MatchPosted()
{
    for (auto &[sequence, request] : requests) {
        if (!request.isReceive || request.matched) {
            continue;
        }
        int found = 0;
        MPI_Message message;
        MPI_Status status;
        CheckMpi(MPI_Improbe(request.source, request.tag, request.comm, &found, &message,
                             &status));
        if (!found) {
            continue;
        }
        /* A message that arrived after an earlier receive was probed
         * belongs to that earlier receive when it matches it. */
        if (!GiveToEarlierReceive(request.comm, message, status, sequence)) {
            StartReceive(request, message, status);
        }
    }
}

bool
RequestTable::EarlierUnmatchedOverlaps(MPI_Comm comm, int source, int tag,
                                       unsigned long sequence) const
{
    for (const auto &[number, request] : requests) {
        if (number >= sequence) {
            break;
        }
        if (request.isReceive && !request.matched && request.comm == comm &&
            PatternsOverlap(request.source, request.tag, source, tag)) {
            return true;
        }
    }
    return false;
}

bool
RequestTable::GiveToEarlierReceive(MPI_Comm comm, MPI_Message &message, const MPI_Status &status,
                                   unsigned long sequence)
{
    for (auto &[number, request] : requests) {
        if (number >= sequence) {
            break;
        }
        if (request.isReceive && !request.matched && request.comm == comm &&
            PatternMatches(request.source, request.tag, status.MPI_SOURCE, status.MPI_TAG)) {
            StartReceive(request, message, status);
            return true;
        }
    }
    return false;
}

Completion
RequestTable::Wait(const std::string &handle)
{
    Completion completion;
    std::string digits = handle;
    for (const char *prefix : {"::mpi::req", "mpi::req"}) {
        if (digits.rfind(prefix, 0) == 0) {
            digits.erase(0, std::string(prefix).size());
            break;
        }
    }
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
        return completion;
    }
    auto found = requests.find(std::stoul(digits));
    if (found == requests.end()) {
        return completion;
    }
    const unsigned long sequence = found->first;
    Request &request = found->second;

    Backoff backoff;
    while (request.isReceive && !request.matched) {
        MatchPosted();
        if (request.matched) {
            break;
        }
        if (!EarlierUnmatchedOverlaps(request.comm, request.source, request.tag, sequence)) {
            MPI_Message message;
            MPI_Status status;
            CheckMpi(MPI_Mprobe(request.source, request.tag, request.comm, &message, &status));
            StartReceive(request, message, status);
            break;
        }
        backoff.Pause();
    }

    /* The request leaves the table whether or not MPI_Wait succeeds, so
     * a failed request is not waited for twice. */
    Request done = std::move(request);
    requests.erase(found);
    CheckMpi(MPI_Wait(&done.mpiRequest, MPI_STATUS_IGNORE));

    completion.known = true;
    completion.isReceive = done.isReceive;
    completion.type = done.type;
    completion.sink = std::move(done.sink);
    completion.status = done.status;
    return completion;
}

} // namespace hedflow::mpi

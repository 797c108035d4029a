/*
 * client.cc --
 *
 *	Putting and getting tasks on a worker.
 */
#include "client.h"

#include <algorithm>
#include <cstring>

#include "transport.h"

namespace hedflow::adlb {

namespace {

/* The maximum work a worker prefetches of tasks that any worker could run,
 * judged by the mean length of its recent tasks. That is 16 tasks of 1 ms,
 * 2 of 10 ms and none of 20 ms or more. For short tasks a get round trip is
 * a large part of the cost, larger still when the server sleeps. */
constexpr uint64_t PREFETCH_WORK_NANOSECONDS = 20 * 1000 * 1000;

} // namespace

Client::Client(const Layout &layout, MPI_Comm comm, uint32_t prefetch)
    : layout_(layout), comm_(comm), prefetch_(prefetch),
      nextCreateServer_(layout.serverIndexOf(layout.rank()))
{
    ShortenTimerSlack();
}

void
Client::requireRunning(const char *what) const
{
    if (ended_) {
        throw Error({"ADLB", "ENDED"},
                    std::string("cannot ") + what + ": the run has ended (get returned empty)");
    }
}

int
Client::serverFor(const TaskHeader &header) const
{
    if (header.strict != STRICT_NONE && header.target >= 0) {
        return layout_.serverOf(header.target);
    }
    return layout_.serverOf(layout_.rank());
}

std::vector<uint64_t>
Client::put(const TaskHeader &header, const std::vector<const char *> &payloads,
            const std::vector<uint32_t> &lengthWords)
{
    requireRunning("put");
    std::vector<uint64_t> ids;
    ids.reserve(payloads.size());
    const int server = serverFor(header);

    // One message carries up to about 1 MiB of tasks; a larger payload goes
    // alone. MPI keeps the messages of one sender in order.
    Writer writer;
    auto flush = [&]() {
        if (writer.size() > 0) {
            CheckMpi(MPI_Send(writer.bytes().data(), static_cast<int>(writer.size()), MPI_BYTE,
                              server, TAG_PUT, comm_),
                     "MPI_Send");
            writer = Writer();
        }
    };
    for (size_t i = 0; i < payloads.size(); i++) {
        TaskHeader task = header;
        task.id = newTaskId();
        task.putter = layout_.rank();
        task.lengthWord = lengthWords[i];
        writer.put(task);
        writer.putBytes(payloads[i], lengthWords[i] & LENGTH_MASK);
        ids.push_back(task.id);
        putsSent_++;
        if (writer.size() >= (1 << 20)) {
            flush();
        }
    }
    flush();
    return ids;
}

uint64_t
Client::putOne(const TaskHeader &header, const char *payload, uint32_t lengthWord)
{
    requireRunning("put");
    TaskHeader task = header;
    task.id = newTaskId();
    task.putter = layout_.rank();
    task.lengthWord = lengthWord;
    const size_t length = lengthWord & LENGTH_MASK;
    putBuffer_.resize(sizeof task + length);
    std::memcpy(putBuffer_.data(), &task, sizeof task);
    std::memcpy(putBuffer_.data() + sizeof task, payload, length);
    CheckMpi(MPI_Send(putBuffer_.data(), static_cast<int>(putBuffer_.size()), MPI_BYTE, serverFor(header),
                      TAG_PUT, comm_),
             "MPI_Send");
    putsSent_++;
    return task.id;
}

uint64_t
Client::dput(const std::vector<uint64_t> &inputs, const TaskHeader &header, const char *payload,
             uint32_t lengthWord)
{
    requireRunning("dput");
    TaskHeader task = header;
    task.id = newTaskId();
    task.putter = layout_.rank();
    task.lengthWord = lengthWord;

    Writer writer;
    writer.put<uint32_t>(static_cast<uint32_t>(inputs.size()));
    for (uint64_t input : inputs) {
        writer.put(input);
    }
    writer.put(task);
    writer.putBytes(payload, lengthWord & LENGTH_MASK);
    CheckMpi(MPI_Send(writer.bytes().data(), static_cast<int>(writer.size()), MPI_BYTE,
                      serverFor(header), TAG_DPUT, comm_),
             "MPI_Send");
    putsSent_++;
    return task.id;
}

void
Client::returnPrefetched()
{
    // Prefetched tasks that the next get does not accept go back to the
    // server as puts, with their ids, priorities and targets.
    const int server = layout_.serverOf(layout_.rank());
    Writer writer;
    for (const Task &task : prefetched_) {
        TaskHeader header;
        header.id = task.header.id;
        header.priority = task.header.priority;
        header.target = task.header.target;
        header.putter = task.header.putter;
        header.lengthWord = task.header.lengthWord;
        header.type = task.header.type;
        header.strict = task.header.strict;
        writer.put(header);
        writer.putBytes(task.payload.data(), task.payload.size());
        putsSent_++;
    }
    prefetched_.clear();
    CheckMpi(MPI_Send(writer.bytes().data(), static_cast<int>(writer.size()), MPI_BYTE, server,
                      TAG_PUT, comm_),
             "MPI_Send");
}

size_t
Client::prefetchedCount(int typeFilter) const
{
    return std::count_if(prefetched_.begin(), prefetched_.end(), [&](const Task &t) {
        return typeFilter < 0 || t.header.type == typeFilter;
    });
}

void
Client::requestTasks(int typeFilter, bool block, bool refill, bool movable)
{
    GetRequest request;
    request.putsSent = putsSent_;
    request.typeFilter = typeFilter;
    request.maxTasks = 1 + prefetch_;
    request.block = block ? 1 : 0;
    request.refill = refill ? 1 : 0;
    // The tasks handed out since windowStart_ ran in the time since, except
    // the one just handed out when this is a refill. Their mean length sets
    // the prefetch, with one clock read per request instead of one per
    // task. With none finished, the last setting is kept.
    const uint64_t running = refill ? std::min<uint64_t>(handedOut_, 1) : 0;
    const uint64_t finished = handedOut_ - running;
    if (finished > 0) {
        const uint64_t now = NowNanoseconds();
        const uint64_t meanTask = std::max<uint64_t>(1, (now - windowStart_) / finished);
        movable_ = static_cast<uint32_t>(std::min<uint64_t>(prefetch_, PREFETCH_WORK_NANOSECONDS / meanTask));
        windowStart_ = now;
        handedOut_ = running;
    }
    request.movable = movable ? movable_ : 0;
    const int server = layout_.serverOf(layout_.rank());
    CheckMpi(MPI_Send(&request, sizeof request, MPI_BYTE, server, TAG_GET, comm_), "MPI_Send");
}

void
Client::receiveTasks()
{
    ReceiveFrom(layout_.serverOf(layout_.rank()), TAG_TASKS_REPLY, comm_, reply_);
    Reader reader(reply_.data(), reply_.size());
    const bool ended = reader.get<uint8_t>() != 0;
    const uint32_t count = reader.get<uint32_t>();
    if (ended) {
        ended_ = true;
        const uint32_t servers = reader.get<uint32_t>();
        finalStats_.resize(servers);
        for (Stats &stats : finalStats_) {
            stats = reader.get<Stats>();
        }
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        Task received;
        received.header = reader.get<DeliveredHeader>();
        for (uint32_t m = 0; m < received.header.memberCount; m++) {
            received.members.push_back(reader.get<int32_t>());
        }
        const uint32_t length = received.header.lengthWord & LENGTH_MASK;
        received.payload.assign(reader.take(length), length);
        prefetched_.push_back(std::move(received));
    }
}

bool
Client::takePrefetched(int typeFilter, Task &task, bool refill)
{
    auto found = std::find_if(prefetched_.begin(), prefetched_.end(), [&](const Task &t) {
        return typeFilter < 0 || t.header.type == typeFilter;
    });
    if (found == prefetched_.end()) {
        return false;
    }
    task = std::move(*found);
    prefetched_.erase(found);
    handedOut_++;

    // Request more before the last few run out, so the reply (late when
    // the server sleeps) arrives while those run. The request does not
    // block at the server, so this rank never counts as idle there, and it
    // brings only tasks that prefetch allows.
    if (refill && !refillPending_ && prefetch_ > 0 && prefetched_.size() <= prefetch_ / 4) {
        requestTasks(typeFilter, false, true);
        refillPending_ = true;
    }

    if (task.header.memberCount > 1) {
        MPI_Group world;
        MPI_Group group;
        CheckMpi(MPI_Comm_group(MPI_COMM_WORLD, &world), "MPI_Comm_group");
        CheckMpi(MPI_Group_incl(world, static_cast<int>(task.members.size()), task.members.data(),
                                &group),
                 "MPI_Group_incl");
        // The members of one task are in the same call; the tag keeps
        // concurrent creations apart.
        const int tag = static_cast<int>(task.header.id & 0x7fff);
        CheckMpi(MPI_Comm_create_group(MPI_COMM_WORLD, group, tag, &task.comm),
                 "MPI_Comm_create_group");
        MPI_Group_free(&group);
        MPI_Group_free(&world);
    }
    return true;
}

bool
Client::get(int typeFilter, bool block, Task &task, bool byPriority)
{
    if (ended_) {
        return false;
    }
    if (refillPending_) {
        // The reply is taken once it is here, or when nothing prefetched
        // is left for this get. The probe also lets MPI move the request
        // on: it may sit in this rank's send queue until MPI is called.
        int arrived = 0;
        CheckMpi(MPI_Iprobe(layout_.serverOf(layout_.rank()), TAG_TASKS_REPLY, comm_, &arrived,
                            MPI_STATUS_IGNORE),
                 "MPI_Iprobe");
        if (arrived || byPriority || prefetchedCount(typeFilter) == 0) {
            refillPending_ = false;
            receiveTasks();
            if (ended_) {
                return false;
            }
        }
    }
    if (byPriority) {
        if (!prefetched_.empty()) {
            returnPrefetched();
        }
    } else if (takePrefetched(typeFilter, task)) {
        return true;
    }
    if (!prefetched_.empty()) {
        returnPrefetched();
    }

    requestTasks(typeFilter, block, false, !byPriority);
    receiveTasks();
    // The wait for the reply is no task's time.
    windowStart_ = NowNanoseconds();
    handedOut_ = 0;
    if (ended_) {
        return false;
    }
    return takePrefetched(typeFilter, task, !byPriority);
}

std::vector<Stats>
Client::stats()
{
    if (ended_) {
        return finalStats_;
    }
    std::vector<Stats> result;
    for (int s = 0; s < layout_.servers(); s++) {
        Writer writer;
        Reader reader = request(layout_.serverRank(s), writer, TAG_STATS);
        result.push_back(reader.get<Stats>());
    }
    return result;
}

} // namespace hedflow::adlb

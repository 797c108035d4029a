/*
 * server.cc --
 *
 *	The server loop and everything about tasks: queueing, handing them
 *	to workers, parallel tasks, stealing and pushing between servers.
 */
#include "server.h"

#include <algorithm>
#include <cstdio>

namespace hedflow::adlb {

namespace {

/* Limits of one steal or push, so one message stays moderate. */
constexpr size_t STEAL_MAX_TASKS = 4096;
constexpr size_t STEAL_MAX_BYTES = 16 << 20;

} // namespace

void
LogLine(int rank, const std::string &text)
{
    std::fprintf(stderr, "adlb[%d]: %s\n", rank, text.c_str());
    std::fflush(stderr);
}

Server::Server(const Layout &layout, MPI_Comm comm)
    : layout_(layout), comm_(comm), index_(layout.serverIndex(layout.rank())),
      myWorkers_(layout.workersOf(index_)), workers_(layout.workers()),
      queue_(static_cast<int>(layout.typeNames().size())), store_(index_, layout.servers()),
      nextVictim_((index_ + 1) % layout.servers()), starving_(layout.servers(), 0),
      reports_(layout.servers()), allStats_(layout.servers())
{
}

void
Server::run()
{
    ShortenTimerSlack();
    Backoff backoff;
    afterEvent();
    while (!ended_) {
        MPI_Message message;
        MPI_Status status;
        int found = 0;
        CheckMpi(MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &found, &message, &status),
                 "MPI_Improbe");
        if (!found) {
            outbox_.progress();
            backoff.pause();
            continue;
        }
        backoff.reset();

        int count = 0;
        MPI_Get_count(&status, MPI_BYTE, &count);
        inbox_.resize(static_cast<size_t>(count));
        CheckMpi(MPI_Mrecv(inbox_.data(), count, MPI_BYTE, &message, MPI_STATUS_IGNORE),
                 "MPI_Mrecv");
        Reader reader(inbox_.data(), inbox_.size());
        handle(status.MPI_SOURCE, status.MPI_TAG, reader);
        afterEvent();
    }
    outbox_.drain();

    if (queue_.count() > 0 || !held_.empty() || !parallel_.empty()) {
        LogLine(layout_.rank(),
                "the run ended with " + std::to_string(queue_.count() + parallel_.size())
                + " tasks queued that no waiting worker accepts (check their type, target rank"
                  " and node against the workers' get and the node layout) and "
                + std::to_string(held_.size()) + " dput tasks whose inputs never closed");
    }
}

void
Server::handle(int source, int tag, Reader &reader)
{
    switch (tag) {
    case TAG_PUT: handlePut(source, reader); break;
    case TAG_DPUT: handleDput(source, reader); break;
    case TAG_GET: handleGet(source, reader); break;
    case TAG_DATA: handleData(source, reader); break;
    case TAG_STATS: {
        Writer writer;
        writer.put<uint8_t>(0);
        writer.put(stats_);
        outbox_.send(writer.take(), source, TAG_DATA_REPLY, comm_);
        break;
    }
    case TAG_SS_TASKS: handleTasks(source, reader); break;
    case TAG_SS_STEAL: handleSteal(source, reader); break;
    case TAG_SS_SUBSCRIBE: {
        activityReceived_++;
        const uint64_t id = reader.get<uint64_t>();
        Subscriber subscriber;
        subscriber.rank = source;
        subscriber.isServer = true;
        if (store_.subscribe(id, subscriber)) {
            Writer writer;
            writer.put(id);
            sendToServer(source, TAG_SS_CLOSED, writer, true);
        }
        break;
    }
    case TAG_SS_CLOSED:
        activityReceived_++;
        releaseHeld(reader.get<uint64_t>());
        break;
    case TAG_SS_PASSIVE: {
        const uint64_t sent = reader.get<uint64_t>();
        const uint64_t received = reader.get<uint64_t>();
        updateReport(layout_.serverIndex(source), sent, received);
        break;
    }
    case TAG_SS_PROBE: handleProbe(source, reader); break;
    case TAG_SS_PROBE_REPLY: handleProbeReply(source, reader); break;
    case TAG_SS_SHUTDOWN: handleShutdown(reader); break;
    default:
        LogLine(layout_.rank(), "ignored a message with unknown tag " + std::to_string(tag)
                                    + " from rank " + std::to_string(source));
    }
}

void
Server::handlePut(int source, Reader &reader)
{
    while (!reader.done()) {
        const TaskHeader header = reader.get<TaskHeader>();
        const char *payload = reader.take(header.lengthWord & LENGTH_MASK);
        putsReceived_++;
        stats_.puts++;
        stats_.bytes += header.lengthWord & LENGTH_MASK;
        accept(header, payload);
    }
    (void)source;
}

void
Server::accept(const TaskHeader &header, const char *payload)
{
    if (header.parallelism > 1) {
        ParallelTask task{header, std::string(payload, header.lengthWord & LENGTH_MASK)};
        auto at = std::find_if(parallel_.begin(), parallel_.end(), [&](const ParallelTask &other) {
            return other.header.priority < header.priority;
        });
        parallel_.insert(at, std::move(task));
        notePeak();
        tryParallel();
        return;
    }
    if (deliverNew(header, payload)) {
        return;
    }
    const int key = header.strict == STRICT_NODE ? layout_.nodeOf(header.target) : header.target;
    queue_.push(header, key, payload);
    notePeak();
    if (anyStarving_ && (header.strict == STRICT_NONE || header.strict == STRICT_SOFT)) {
        pushToStarving();
    }
}

void
Server::notePeak()
{
    stats_.peakQueued = std::max<uint64_t>(stats_.peakQueued, queue_.count() + parallel_.size());
}

bool
Server::reservedForParallel(int typeFilter, int32_t priority) const
{
    for (const ParallelTask &task : parallel_) {
        if (task.header.priority < priority) {
            return false;
        }
        if (typeFilter < 0 || typeFilter == task.header.type) {
            return true;
        }
    }
    return false;
}

bool
Server::matches(int worker, int type, int32_t priority) const
{
    const WorkerState &state = workers_[worker];
    return state.waiting && (state.typeFilter < 0 || state.typeFilter == type)
           && (parallel_.empty() || !reservedForParallel(state.typeFilter, priority));
}

bool
Server::deliverNew(const TaskHeader &header, const char *payload)
{
    if (waitList_.empty()) {
        return false;
    }
    int chosen = -1;
    switch (header.strict) {
    case STRICT_HARD:
        if (layout_.isWorker(header.target) && matches(header.target, header.type, header.priority)) {
            chosen = header.target;
        }
        break;
    case STRICT_NODE: {
        const int node = layout_.nodeOf(header.target);
        for (int worker : waitList_) {
            if (layout_.nodeOf(worker) == node && matches(worker, header.type, header.priority)) {
                chosen = worker;
                break;
            }
        }
        break;
    }
    case STRICT_SOFT:
        if (layout_.isWorker(header.target) && matches(header.target, header.type, header.priority)) {
            chosen = header.target;
            break;
        }
        [[fallthrough]];
    default:
        for (int worker : waitList_) {
            if (matches(worker, header.type, header.priority)) {
                chosen = worker;
                break;
            }
        }
    }
    if (chosen < 0) {
        return false;
    }
    stopWaiting(chosen);
    sendTask(chosen, header, payload);
    return true;
}

void
Server::startWaiting(int worker)
{
    if (!workers_[worker].waiting) {
        workers_[worker].waiting = true;
        waitList_.push_back(worker);
    }
}

void
Server::stopWaiting(int worker)
{
    if (workers_[worker].waiting) {
        workers_[worker].waiting = false;
        waitList_.erase(std::find(waitList_.begin(), waitList_.end(), worker));
    }
}

void
Server::sendTask(int worker, const TaskHeader &header, const char *payload)
{
    Writer writer;
    writer.put<uint8_t>(0);
    writer.put<uint32_t>(1);
    DeliveredHeader delivered;
    delivered.id = header.id;
    delivered.priority = header.priority;
    delivered.putter = header.putter;
    delivered.target = header.target;
    delivered.lengthWord = header.lengthWord;
    delivered.type = header.type;
    delivered.strict = header.strict;
    writer.put(delivered);
    writer.putBytes(payload, header.lengthWord & LENGTH_MASK);
    outbox_.send(writer.take(), worker, TAG_TASKS_REPLY, comm_);
    stats_.gets++;
}

size_t
Server::sendFromQueue(int worker, const Selection &first, uint32_t maxTasks, uint32_t movable,
                      bool refill)
{
    // Prefetch: with one server, a worker may take as many movable tasks
    // of its type as its request allows (the client sets that by its
    // tasks' length), up to its share of the queue, and none while other
    // workers wait. Any worker may take the tasks targeted to it alone
    // (results on their way back to a submitter, for example). With
    // several servers, only those, so that no prefetched task is missing
    // from a steal. A refill brings extra tasks only, never a
    // node-targeted one: delivered, that task is this worker's alone,
    // though the worker may not request its type again.
    size_t limit = refill ? 0 : 1;
    const int32_t filter = workers_[worker].typeFilter;
    if (maxTasks > 1 && layout_.servers() == 1) {
        const size_t share = waitList_.empty()
            ? queue_.movableCount(filter) / std::max<size_t>(myWorkers_.size(), 1) : 0;
        const size_t extra = std::min<size_t>(movable, share) + queue_.hardCount(worker);
        limit = std::min<size_t>(maxTasks, limit + extra);
    } else if (maxTasks > 1 && layout_.servers() > 1) {
        limit = maxTasks;
    }

    Writer writer;
    writer.put<uint8_t>(0);
    const size_t countAt = writer.reserve(sizeof(uint32_t));
    const int node = layout_.nodeOf(worker);
    Selection selection = first;
    size_t sent = 0;
    while (sent < limit && ((sent == 0 && !refill) || selection.strict != STRICT_NODE)) {
        QueuedTask task = queue_.front(selection);
        DeliveredHeader delivered;
        delivered.id = task.id;
        delivered.priority = selection.lane->first;
        delivered.putter = task.putter;
        delivered.target = selection.key;
        if (selection.strict == STRICT_NODE) {
            delivered.target = worker;
        }
        delivered.lengthWord = task.lengthWord;
        delivered.type = static_cast<uint16_t>(selection.type);
        delivered.strict = selection.strict == STRICT_NODE ? STRICT_HARD : selection.strict;
        writer.put(delivered);
        writer.putBytes(task.payload, task.lengthWord & LENGTH_MASK);
        queue_.pop(selection);
        sent++;
        if (writer.size() > (1 << 20)
            || !queue_.select(worker, node, filter, layout_.servers() > 1, selection)
            || (!parallel_.empty() && reservedForParallel(filter, selection.lane->first))) {
            break;
        }
    }
    writer.patch<uint32_t>(countAt, static_cast<uint32_t>(sent));
    outbox_.send(writer.take(), worker, TAG_TASKS_REPLY, comm_);
    stats_.gets += sent;
    return sent;
}

void
Server::handleGet(int source, Reader &reader)
{
    const GetRequest request = reader.get<GetRequest>();
    WorkerState &state = workers_[source];
    workerPutsSum_ += request.putsSent - state.putsSent;
    state.putsSent = request.putsSent;
    state.typeFilter = request.typeFilter;
    state.maxTasks = request.maxTasks;
    state.movable = request.movable;

    // With several servers a refill takes only tasks that could run
    // nowhere else, like any prefetch.
    Selection selection;
    const bool hardOnly = request.refill != 0 && layout_.servers() > 1;
    if (queue_.select(source, layout_.nodeOf(source), request.typeFilter, hardOnly, selection)
        && (parallel_.empty() || !reservedForParallel(request.typeFilter, selection.lane->first))) {
        sendFromQueue(source, selection, state.maxTasks, state.movable, request.refill != 0);
        return;
    }
    if (!request.block) {
        Writer writer;
        writer.put<uint8_t>(0);
        writer.put<uint32_t>(0);
        outbox_.send(writer.take(), source, TAG_TASKS_REPLY, comm_);
        return;
    }

    startWaiting(source);
    tryParallel();
    if (workers_[source].waiting) {
        startStealRound();
    }
}

void
Server::serveWaiting()
{
    std::vector<int> waiting = waitList_;
    for (int worker : waiting) {
        Selection selection;
        const int32_t filter = workers_[worker].typeFilter;
        if (queue_.select(worker, layout_.nodeOf(worker), filter, false, selection)
            && (parallel_.empty() || !reservedForParallel(filter, selection.lane->first))) {
            stopWaiting(worker);
            sendFromQueue(worker, selection, workers_[worker].maxTasks, workers_[worker].movable);
        }
    }
    tryParallel();
}

void
Server::tryParallel()
{
    for (auto task = parallel_.begin(); task != parallel_.end();) {
        std::vector<int> members;
        for (int worker : waitList_) {
            const int32_t filter = workers_[worker].typeFilter;
            if (filter < 0 || filter == task->header.type) {
                members.push_back(worker);
                if (members.size() == static_cast<size_t>(task->header.parallelism)) {
                    break;
                }
            }
        }
        if (members.size() < static_cast<size_t>(task->header.parallelism)) {
            ++task;
            continue;
        }

        std::sort(members.begin(), members.end());
        for (int worker : members) {
            stopWaiting(worker);
            Writer writer;
            writer.put<uint8_t>(0);
            writer.put<uint32_t>(1);
            DeliveredHeader delivered;
            delivered.id = task->header.id;
            delivered.priority = task->header.priority;
            delivered.putter = task->header.putter;
            delivered.lengthWord = task->header.lengthWord;
            delivered.type = task->header.type;
            delivered.memberCount = static_cast<uint32_t>(members.size());
            writer.put(delivered);
            for (int member : members) {
                writer.put<int32_t>(member);
            }
            writer.putBytes(task->payload.data(), task->payload.size());
            outbox_.send(writer.take(), worker, TAG_TASKS_REPLY, comm_);
            stats_.gets++;
        }
        task = parallel_.erase(task);
    }
}

void
Server::sendToServer(int serverRank, int tag, Writer &writer, bool activity)
{
    if (activity) {
        activitySent_++;
    }
    outbox_.send(writer.take(), serverRank, tag, comm_);
}

uint64_t
Server::unmatchedMask() const
{
    uint64_t mask = 0;
    const size_t types = layout_.typeNames().size();
    const uint64_t all = types >= 64 ? ~uint64_t(0) : (uint64_t(1) << types) - 1;
    for (int worker : waitList_) {
        const int32_t filter = workers_[worker].typeFilter;
        mask |= filter < 0 ? all : uint64_t(1) << filter;
    }
    return mask;
}

void
Server::startStealRound()
{
    if (layout_.servers() == 1 || stealOutstanding_ || stealRemaining_ > 0) {
        return;
    }
    stealRemaining_ = layout_.servers() - 1;
    continueSteal();
}

void
Server::continueSteal()
{
    const uint64_t mask = unmatchedMask();
    if (stealOutstanding_ || stealRemaining_ == 0 || mask == 0) {
        stealRemaining_ = mask == 0 ? 0 : stealRemaining_;
        return;
    }
    if (nextVictim_ == index_) {
        nextVictim_ = (nextVictim_ + 1) % layout_.servers();
    }
    const int victim = nextVictim_;
    nextVictim_ = (nextVictim_ + 1) % layout_.servers();
    stealRemaining_--;
    stealOutstanding_ = true;

    Writer writer;
    writer.put<uint64_t>(mask);
    writer.put<uint32_t>(static_cast<uint32_t>(waitList_.size()));
    sendToServer(layout_.serverRank(victim), TAG_SS_STEAL, writer, true);
}

void
Server::handleSteal(int source, Reader &reader)
{
    activityReceived_++;
    const uint64_t mask = reader.get<uint64_t>();
    const uint32_t wanted = reader.get<uint32_t>();

    size_t movable = 0;
    for (size_t t = 0; t < layout_.typeNames().size(); t++) {
        if (mask & (uint64_t(1) << t)) {
            movable += queue_.movableCount(static_cast<int>(t));
        }
    }
    // Half of what can move, rounded up, but at least what the thief's
    // waiting workers need.
    const size_t give = std::min(movable, std::max<size_t>(wanted, (movable + 1) / 2));

    Writer writer;
    writer.put<uint8_t>(1);
    const size_t countAt = writer.reserve(sizeof(uint32_t));
    const size_t taken = queue_.steal(mask, std::min(give, STEAL_MAX_TASKS), STEAL_MAX_BYTES,
                                      [&](const TaskHeader &header, const char *payload) {
                                          writer.put(header);
                                          writer.putBytes(payload, header.lengthWord & LENGTH_MASK);
                                      });
    writer.patch<uint32_t>(countAt, static_cast<uint32_t>(taken));
    if (taken == 0) {
        starving_[layout_.serverIndex(source)] |= mask;
        anyStarving_ = true;
    }
    sendToServer(source, TAG_SS_TASKS, writer, true);
}

void
Server::handleTasks(int source, Reader &reader)
{
    activityReceived_++;
    const bool stealReply = reader.get<uint8_t>() != 0;
    const uint32_t count = reader.get<uint32_t>();
    for (uint32_t i = 0; i < count; i++) {
        const TaskHeader header = reader.get<TaskHeader>();
        const char *payload = reader.take(header.lengthWord & LENGTH_MASK);
        accept(header, payload);
    }
    (void)source;
    if (stealReply) {
        stealOutstanding_ = false;
        if (count > 0) {
            stats_.steals++;
            stats_.stolen += count;
        }
        continueSteal();
    } else if (!waitList_.empty()) {
        startStealRound();
    }
}

void
Server::pushToStarving()
{
    anyStarving_ = false;
    for (int s = 0; s < layout_.servers(); s++) {
        const uint64_t mask = starving_[s];
        if (mask == 0) {
            continue;
        }
        size_t movable = 0;
        for (size_t t = 0; t < layout_.typeNames().size(); t++) {
            if (mask & (uint64_t(1) << t)) {
                movable += queue_.movableCount(static_cast<int>(t));
            }
        }
        if (movable == 0) {
            anyStarving_ = true;
            continue;
        }
        Writer writer;
        writer.put<uint8_t>(0);
        const size_t countAt = writer.reserve(sizeof(uint32_t));
        const size_t taken = queue_.steal(mask, std::min((movable + 1) / 2, STEAL_MAX_TASKS),
                                          STEAL_MAX_BYTES,
                                          [&](const TaskHeader &header, const char *payload) {
                                              writer.put(header);
                                              writer.putBytes(payload,
                                                              header.lengthWord & LENGTH_MASK);
                                          });
        writer.patch<uint32_t>(countAt, static_cast<uint32_t>(taken));
        starving_[s] = 0;
        sendToServer(layout_.serverRank(s), TAG_SS_TASKS, writer, true);
    }
}

} // namespace hedflow::adlb

/*
 * client.h --
 *
 *	The worker's side of the queue and data store. Puts are sent without
 *	waiting for a reply (task ids are made here), gets and data operations
 *	are one request and one reply. A get may bring extra tasks that the
 *	server allows (prefetch); they are kept here and handed out first.
 *	Of the tasks that another worker could run, a worker prefetches no more
 *	than about 20 ms of work, judged by its last task, so long tasks stay
 *	balanced. When few prefetched tasks are left, it asks for more without
 *	waiting, so the reply arrives while those run.
 */
#ifndef HEDFLOW_ADLB_CLIENT_H
#define HEDFLOW_ADLB_CLIENT_H

#include <mpi.h>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "data_store.h"
#include "layout.h"
#include "wire.h"

namespace hedflow::adlb {

/* A task handed to this worker. comm is MPI_COMM_NULL unless the task is
 * parallel, when it spans members. */
struct Task {
    DeliveredHeader header;
    std::vector<int> members;
    std::string payload;
    MPI_Comm comm = MPI_COMM_NULL;
};

/* A retrieved value: a scalar's bytes, or a container's members. */
struct Value {
    DatumType type = DatumType::String;
    bool binary = false;
    std::string scalar;
    std::vector<std::pair<std::string, std::string>> members;
};

class Client {
public:
    /* prefetch: extra tasks a get may bring (0 for none). */
    Client(const Layout &layout, MPI_Comm comm, uint32_t prefetch);

    /*
     * Sends tasks. header.type, priority, target, strict and parallelism
     * must be valid (the glue checks them); payloads[i] is the payload of
     * task i with lengthWords[i]. Returns the new task ids.
     */
    std::vector<uint64_t> put(const TaskHeader &header, const std::vector<const char *> &payloads,
                              const std::vector<uint32_t> &lengthWords);

    /* Sends one task like put, from a buffer kept between calls, for a
     * rank that puts many small tasks one at a time. Returns its id. */
    uint64_t putOne(const TaskHeader &header, const char *payload, uint32_t lengthWord);

    /* Sends a task that the server holds until every input is closed. */
    uint64_t dput(const std::vector<uint64_t> &inputs, const TaskHeader &header,
                  const char *payload, uint32_t lengthWord);

    /*
     * Takes the next task of typeFilter (-1: any type) into task. With
     * block, waits for one; returns false once the run has ended. Without,
     * returns false at once when none is queued for this worker. With
     * byPriority, prefetched tasks go back to the server first and none
     * that another worker could run come along, so the server chooses by
     * priority. turbine sets it inside a task that waits.
     */
    bool get(int typeFilter, bool block, Task &task, bool byPriority = false);

    bool ended() const { return ended_; }

    /* Tasks of typeFilter (-1: any type) that an earlier get brought and
     * the next get hands out without asking a server. */
    size_t prefetchedCount(int typeFilter) const;

    /* Data store; each throws Error with the server's code on failure. */
    uint64_t create(DatumType type, int64_t readRefs, int64_t writeRefs);
    void store(uint64_t id, const char *bytes, size_t length, bool binary);
    Value retrieve(uint64_t id);
    bool exists(uint64_t id, const std::string *subscript);
    bool closed(uint64_t id);
    void insert(uint64_t id, const std::string &subscript, const std::string &value);
    std::string lookup(uint64_t id, const std::string &subscript);
    std::vector<std::pair<std::string, std::string>> enumerate(uint64_t id);
    uint64_t size(uint64_t id);
    void addReferences(uint64_t id, bool write, int64_t delta);
    bool subscribe(uint64_t id, uint16_t type, const std::string &payload);

    /* Counters of every server: live while the run lasts, final after. */
    std::vector<Stats> stats();

    /* Server rank that a task with this target goes to. */
    int serverFor(const TaskHeader &header) const;

    int myServerIndex() const { return layout_.serverIndexOf(layout_.rank()); }

private:
    void requireRunning(const char *what) const;
    void requestTasks(int typeFilter, bool block, bool refill, bool movable = true);
    void receiveTasks();
    bool takePrefetched(int typeFilter, Task &task, bool refill = true);
    uint64_t newTaskId() { return (uint64_t(layout_.rank() + 1) << 40) | ++taskSequence_; }
    void returnPrefetched();
    Reader request(int serverRank, Writer &request, int tag = TAG_DATA);
    int ownerOf(uint64_t id) const { return layout_.serverRank(layout_.ownerIndexOf(id)); }

    const Layout &layout_;
    MPI_Comm comm_;
    uint32_t prefetch_;
    uint64_t taskSequence_ = 0;
    uint64_t putsSent_ = 0;
    // Tasks handed out since windowStart_ (a request, or the reply to a
    // blocking one): their mean length sets the next request's prefetch.
    uint64_t windowStart_ = 0;
    uint64_t handedOut_ = 0;
    uint32_t movable_ = 0;
    // A non-blocking request for more tasks is on its way.
    bool refillPending_ = false;
    int nextCreateServer_;
    bool ended_ = false;
    std::deque<Task> prefetched_;
    std::vector<Stats> finalStats_;
    std::vector<char> reply_;
    std::vector<char> putBuffer_;
};

} // namespace hedflow::adlb

#endif

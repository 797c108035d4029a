/*
 * task_queue.h --
 *
 *	The queued tasks of one server. Tasks are kept in FIFOs, one for each
 *	combination of target, type and priority, so a task's type, priority
 *	and target cost nothing per task. Higher priority is taken first and
 *	equal priorities in put order.
 */
#ifndef HEDFLOW_ADLB_TASK_QUEUE_H
#define HEDFLOW_ADLB_TASK_QUEUE_H

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "task_fifo.h"
#include "wire.h"

namespace hedflow::adlb {

/* A task chosen by TaskQueue::select, to read with front() and remove
 * with pop(). */
struct Selection;

class TaskQueue {
public:
    explicit TaskQueue(int typeCount);

    /*
     * Queues a task that is not parallel. `key` is the target rank for a
     * hard or soft target, the target's node for a node target, and is
     * ignored without a target.
     */
    void push(const TaskHeader &header, int key, const char *payload);

    /*
     * Chooses the task a worker should run next: the highest priority
     * among tasks hard-targeted to its rank or node, soft-targeted to it,
     * or untargeted (ties in that order); failing those, a task soft-
     * targeted to another rank. With hardOnly, only tasks that could run
     * nowhere else. typeFilter -1 accepts every type.
     *
     * Returns false when nothing matches.
     */
    bool select(int rank, int node, int typeFilter, bool hardOnly, Selection &selection);

    QueuedTask front(const Selection &selection) const;
    void pop(const Selection &selection);

    /*
     * Removes up to maxTasks tasks that may move to another server
     * (untargeted and soft-targeted) of the types in typeMask, highest
     * priority first, stopping once maxBytes of payload are taken. Calls
     * take(header, payload) for each before removing it.
     *
     * Returns the number of tasks removed.
     */
    size_t steal(uint64_t typeMask, size_t maxTasks, size_t maxBytes,
                 const std::function<void(const TaskHeader &, const char *)> &take);

    size_t count() const { return count_; }

    /* Tasks of typeFilter (-1: all types) that may move to another server. */
    size_t movableCount(int typeFilter) const;

    /* Tasks hard-targeted to rank (any type): only that worker can run
     * them, so handing them out early costs no balance. */
    size_t hardCount(int rank) const;

    /* Bit t set when tasks of type t may move to another server. */
    uint64_t movableMask() const;

private:
    friend struct Selection;
    using Lanes = std::map<int32_t, TaskFifo, std::greater<int32_t>>;

    struct TypedLanes {
        std::vector<Lanes> byType;
        size_t count = 0;
    };

    TypedLanes &lanesFor(std::unordered_map<int, TypedLanes> &table, int key);
    static bool best(TypedLanes &lanes, int typeFilter, int &type, Lanes::iterator &lane);

    int typeCount_;
    TypedLanes untargeted_;
    std::unordered_map<int, TypedLanes> hard_;
    std::unordered_map<int, TypedLanes> node_;
    std::unordered_map<int, TypedLanes> soft_;
    std::vector<size_t> movable_; // per type: untargeted plus soft
    size_t count_ = 0;
};

struct Selection {
    TaskQueue::TypedLanes *owner = nullptr;
    TaskQueue::Lanes::iterator lane;
    int type = 0;
    int key = -1;
    uint8_t strict = STRICT_NONE;
};

} // namespace hedflow::adlb

#endif

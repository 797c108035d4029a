/*
 * task_queue.cc --
 *
 *	Choosing, queueing and stealing tasks on one server.
 */
#include "task_queue.h"

namespace hedflow::adlb {

TaskQueue::TaskQueue(int typeCount) : typeCount_(typeCount), movable_(typeCount, 0)
{
    untargeted_.byType.resize(typeCount);
}

TaskQueue::TypedLanes &
TaskQueue::lanesFor(std::unordered_map<int, TypedLanes> &table, int key)
{
    TypedLanes &lanes = table[key];
    if (lanes.byType.empty()) {
        lanes.byType.resize(typeCount_);
    }
    return lanes;
}

void
TaskQueue::push(const TaskHeader &header, int key, const char *payload)
{
    TypedLanes *lanes = &untargeted_;
    switch (header.strict) {
    case STRICT_HARD: lanes = &lanesFor(hard_, key); break;
    case STRICT_NODE: lanes = &lanesFor(node_, key); break;
    case STRICT_SOFT: lanes = &lanesFor(soft_, key); break;
    default: break;
    }
    lanes->byType[header.type][header.priority].push(header.id, header.putter, header.lengthWord,
                                                     payload);
    lanes->count++;
    count_++;
    if (header.strict == STRICT_NONE || header.strict == STRICT_SOFT) {
        movable_[header.type]++;
    }
}

bool
TaskQueue::best(TypedLanes &lanes, int typeFilter, int &type, Lanes::iterator &lane)
{
    if (lanes.count == 0) {
        return false;
    }
    if (typeFilter >= 0) {
        Lanes &byPriority = lanes.byType[typeFilter];
        if (byPriority.empty()) {
            return false;
        }
        type = typeFilter;
        lane = byPriority.begin();
        return true;
    }
    bool found = false;
    for (size_t t = 0; t < lanes.byType.size(); t++) {
        Lanes &byPriority = lanes.byType[t];
        if (byPriority.empty()) {
            continue;
        }
        if (!found || byPriority.begin()->first > lane->first) {
            found = true;
            type = static_cast<int>(t);
            lane = byPriority.begin();
        }
    }
    return found;
}

bool
TaskQueue::select(int rank, int node, int typeFilter, bool hardOnly, Selection &selection)
{
    if (count_ == 0) {
        return false;
    }

    struct Candidate {
        TypedLanes *lanes;
        int key;
        uint8_t strict;
    };
    Candidate candidates[4];
    int candidateCount = 0;
    auto addFrom = [&](std::unordered_map<int, TypedLanes> &table, int key, uint8_t strict) {
        auto found = table.find(key);
        if (found != table.end() && found->second.count > 0) {
            candidates[candidateCount++] = Candidate{&found->second, key, strict};
        }
    };
    addFrom(hard_, rank, STRICT_HARD);
    addFrom(node_, node, STRICT_NODE);
    if (!hardOnly) {
        addFrom(soft_, rank, STRICT_SOFT);
        if (untargeted_.count > 0) {
            candidates[candidateCount++] = Candidate{&untargeted_, -1, STRICT_NONE};
        }
    }

    bool found = false;
    for (int i = 0; i < candidateCount; i++) {
        int type;
        Lanes::iterator lane;
        if (!best(*candidates[i].lanes, typeFilter, type, lane)) {
            continue;
        }
        if (!found || lane->first > selection.lane->first) {
            found = true;
            selection.owner = candidates[i].lanes;
            selection.lane = lane;
            selection.type = type;
            selection.key = candidates[i].key;
            selection.strict = candidates[i].strict;
        }
    }
    if (found || hardOnly) {
        return found;
    }

    // A task soft-targeted to another rank waits for a busy rank; an idle
    // worker may take it.
    for (auto &entry : soft_) {
        int type;
        Lanes::iterator lane;
        if (entry.first == rank || !best(entry.second, typeFilter, type, lane)) {
            continue;
        }
        if (!found || lane->first > selection.lane->first) {
            found = true;
            selection.owner = &entry.second;
            selection.lane = lane;
            selection.type = type;
            selection.key = entry.first;
            selection.strict = STRICT_SOFT;
        }
    }
    return found;
}

QueuedTask
TaskQueue::front(const Selection &selection) const
{
    return selection.lane->second.front();
}

void
TaskQueue::pop(const Selection &selection)
{
    selection.lane->second.pop();
    if (selection.lane->second.empty()) {
        selection.owner->byType[selection.type].erase(selection.lane);
    }
    selection.owner->count--;
    count_--;
    if (selection.strict == STRICT_NONE || selection.strict == STRICT_SOFT) {
        movable_[selection.type]--;
    }
}

size_t
TaskQueue::steal(uint64_t typeMask, size_t maxTasks, size_t maxBytes,
                 const std::function<void(const TaskHeader &, const char *)> &take)
{
    size_t taken = 0;
    size_t bytes = 0;

    auto drain = [&](TypedLanes &lanes, int key, uint8_t strict) {
        while (taken < maxTasks && bytes < maxBytes && lanes.count > 0) {
            // The highest priority among the wanted types goes first.
            int bestType = -1;
            Lanes::iterator bestLane;
            for (int t = 0; t < typeCount_; t++) {
                if (!(typeMask & (uint64_t(1) << t)) || lanes.byType[t].empty()) {
                    continue;
                }
                auto lane = lanes.byType[t].begin();
                if (bestType < 0 || lane->first > bestLane->first) {
                    bestType = t;
                    bestLane = lane;
                }
            }
            if (bestType < 0) {
                return;
            }
            QueuedTask task = bestLane->second.front();
            TaskHeader header;
            header.id = task.id;
            header.priority = bestLane->first;
            header.target = key;
            header.putter = task.putter;
            header.lengthWord = task.lengthWord;
            header.type = static_cast<uint16_t>(bestType);
            header.strict = strict;
            take(header, task.payload);
            bytes += task.lengthWord & LENGTH_MASK;
            taken++;

            Selection selection;
            selection.owner = &lanes;
            selection.lane = bestLane;
            selection.type = bestType;
            selection.strict = strict;
            pop(selection);
        }
    };

    drain(untargeted_, -1, STRICT_NONE);
    for (auto &entry : soft_) {
        drain(entry.second, entry.first, STRICT_SOFT);
    }
    return taken;
}

size_t
TaskQueue::movableCount(int typeFilter) const
{
    if (typeFilter >= 0) {
        return movable_[typeFilter];
    }
    size_t total = 0;
    for (size_t n : movable_) {
        total += n;
    }
    return total;
}

size_t
TaskQueue::hardCount(int rank) const
{
    const auto found = hard_.find(rank);
    return found == hard_.end() ? 0 : found->second.count;
}

uint64_t
TaskQueue::movableMask() const
{
    uint64_t mask = 0;
    for (int t = 0; t < typeCount_; t++) {
        if (movable_[t] > 0) {
            mask |= uint64_t(1) << t;
        }
    }
    return mask;
}

} // namespace hedflow::adlb

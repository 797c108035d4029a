/*
 * task_fifo.h --
 *
 *	A first-in first-out queue of tasks that all share one type, priority
 *	and target. Records sit back to back in chunks of bytes: a 16-byte
 *	header (id, putter, length word) then the payload, so a queued task
 *	costs 16 bytes beyond its payload plus the unused tail of a chunk.
 */
#ifndef HEDFLOW_ADLB_TASK_FIFO_H
#define HEDFLOW_ADLB_TASK_FIFO_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

namespace hedflow::adlb {

/* A queued task as read from a TaskFifo; payload points into the FIFO and
 * stays valid until the next pop or push. */
struct QueuedTask {
    uint64_t id;
    int32_t putter;
    uint32_t lengthWord;
    const char *payload;
};

class TaskFifo {
public:
    void push(uint64_t id, int32_t putter, uint32_t lengthWord, const char *payload);
    bool empty() const { return count_ == 0; }
    size_t count() const { return count_; }

    /* The oldest task; the FIFO must not be empty. */
    QueuedTask front() const;

    /* Removes the oldest task; the FIFO must not be empty. */
    void pop();

private:
    struct Chunk {
        std::unique_ptr<char[]> data;
        size_t capacity = 0;
        size_t head = 0; // offset of the oldest record
        size_t tail = 0; // offset where the next record goes
    };

    std::deque<Chunk> chunks_;
    size_t count_ = 0;
    size_t nextCapacity_ = 256;
};

} // namespace hedflow::adlb

#endif

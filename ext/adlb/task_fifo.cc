/*
 * task_fifo.cc --
 *
 *	Chunked byte storage of queued tasks.
 */
#include "task_fifo.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "wire.h"

namespace hedflow::adlb {

namespace {

constexpr size_t RECORD_HEADER = sizeof(uint64_t) + sizeof(int32_t) + sizeof(uint32_t);

/* Chunks grow from 256 bytes to this size, so a FIFO that holds a few
 * tasks stays small and a long one allocates rarely. */
constexpr size_t MAX_CHUNK = 1 << 20;

} // namespace

void
TaskFifo::push(uint64_t id, int32_t putter, uint32_t lengthWord, const char *payload)
{
    const size_t length = lengthWord & LENGTH_MASK;
    const size_t record = RECORD_HEADER + length;

    if (chunks_.empty() || chunks_.back().capacity - chunks_.back().tail < record) {
        Chunk chunk;
        chunk.capacity = std::max(nextCapacity_, record);
        chunk.data.reset(new char[chunk.capacity]);
        chunks_.push_back(std::move(chunk));
        nextCapacity_ = std::min(nextCapacity_ * 2, MAX_CHUNK);
    }

    Chunk &chunk = chunks_.back();
    char *at = chunk.data.get() + chunk.tail;
    std::memcpy(at, &id, sizeof id);
    std::memcpy(at + 8, &putter, sizeof putter);
    std::memcpy(at + 12, &lengthWord, sizeof lengthWord);
    if (length > 0) {
        std::memcpy(at + RECORD_HEADER, payload, length);
    }
    chunk.tail += record;
    count_++;
}

QueuedTask
TaskFifo::front() const
{
    assert(count_ > 0 && "front of an empty TaskFifo");
    const Chunk &chunk = chunks_.front();
    const char *at = chunk.data.get() + chunk.head;
    QueuedTask task;
    std::memcpy(&task.id, at, sizeof task.id);
    std::memcpy(&task.putter, at + 8, sizeof task.putter);
    std::memcpy(&task.lengthWord, at + 12, sizeof task.lengthWord);
    task.payload = at + RECORD_HEADER;
    return task;
}

void
TaskFifo::pop()
{
    assert(count_ > 0 && "pop of an empty TaskFifo");
    Chunk &chunk = chunks_.front();
    uint32_t lengthWord;
    std::memcpy(&lengthWord, chunk.data.get() + chunk.head + 12, sizeof lengthWord);
    chunk.head += RECORD_HEADER + (lengthWord & LENGTH_MASK);
    count_--;

    if (chunk.head == chunk.tail) {
        if (chunks_.size() > 1) {
            chunks_.pop_front();
        } else {
            chunk.head = 0;
            chunk.tail = 0;
        }
    }
}

} // namespace hedflow::adlb

/*
 * wire.h --
 *
 *	The messages that workers and servers exchange: tags, the fixed
 *	headers of tasks, and the byte buffers that pack and unpack them.
 *	All ranks run the same binary on one kind of machine, so values
 *	travel in native byte order.
 */
#ifndef HEDFLOW_ADLB_WIRE_H
#define HEDFLOW_ADLB_WIRE_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "error.h"

namespace hedflow::adlb {

/* Message tags on the package's private communicator. */
enum Tag : int {
    /* worker to server */
    TAG_PUT = 1,          // one or more TaskHeader + payload records
    TAG_DPUT = 2,         // u32 input count, u64 inputs, one task record
    TAG_GET = 3,          // GetRequest
    TAG_DATA = 4,         // u8 DataOp, then the operation's arguments
    TAG_STATS = 5,        // empty; the reply is a Stats record

    /* server to worker */
    TAG_TASKS_REPLY = 20, // u8 ended, u32 count, count DeliveredHeader records
    TAG_DATA_REPLY = 21,  // u8 DataStatus, then the result or an error text

    /* server to server; the first four count as activity for termination */
    TAG_SS_TASKS = 40,    // u8 stealReply, u32 count, task records
    TAG_SS_STEAL = 41,    // u64 type mask, u32 tasks wanted
    TAG_SS_SUBSCRIBE = 42,// u64 datum id
    TAG_SS_CLOSED = 43,   // u64 datum id
    TAG_SS_PASSIVE = 44,  // u64 sent, u64 received
    TAG_SS_PROBE = 45,    // u64 wave
    TAG_SS_PROBE_REPLY = 46, // u64 wave, u8 passive, u64 sent, u64 received, Stats
    TAG_SS_SHUTDOWN = 47, // u32 server count, Stats per server
};

/* Target kinds of a task. */
enum Strict : uint8_t { STRICT_NONE = 0, STRICT_HARD = 1, STRICT_SOFT = 2, STRICT_NODE = 3 };

/* Bit 31 of a length word marks a payload that Tcl holds as a byte array,
 * so it comes back as one; the low 31 bits are the length in bytes. */
constexpr uint32_t BINARY_BIT = 0x80000000u;
constexpr uint32_t LENGTH_MASK = 0x7fffffffu;
constexpr uint32_t MAX_PAYLOAD = 1u << 30;

/* A task as put: fixed fields, followed on the wire by the payload. */
struct TaskHeader {
    uint64_t id = 0;
    int32_t priority = 0;
    int32_t target = -1;      // world rank, -1 for none
    int32_t putter = -1;
    int32_t parallelism = 1;
    uint32_t lengthWord = 0;  // length | BINARY_BIT
    uint16_t type = 0;
    uint8_t strict = STRICT_NONE;
    uint8_t padding = 0;
};

/* A task as delivered to a worker; followed by members (parallel tasks
 * only, world ranks) and the payload. */
struct DeliveredHeader {
    uint64_t id = 0;
    int32_t priority = 0;
    int32_t putter = -1;
    int32_t target = -1;      // kept so a prefetched task can be put back
    uint32_t lengthWord = 0;
    uint32_t memberCount = 0;
    uint16_t type = 0;
    uint8_t strict = STRICT_NONE;
    uint8_t padding = 0;
};

struct GetRequest {
    uint64_t putsSent = 0;   // tasks this worker has put so far, to any server
    int32_t typeFilter = -1; // -1 for any type
    uint32_t maxTasks = 1;   // 1 plus the prefetch this worker accepts
    uint32_t movable = 0;    // of those, how many other workers could run
    uint8_t block = 1;       // 0 for iget
    uint8_t refill = 0;      // 1: only extra tasks, to top up the prefetch
    uint8_t padding[2] = {};
};

/* Per-server counters reported by adlb::stats. */
struct Stats {
    uint64_t puts = 0;       // tasks received from workers, dput included
    uint64_t gets = 0;       // tasks delivered to workers
    uint64_t steals = 0;     // steal requests that brought tasks here
    uint64_t stolen = 0;     // tasks that arrived through those steals
    uint64_t peakQueued = 0; // maximum tasks queued at once
    uint64_t bytes = 0;      // payload bytes received in puts
};

/* Data store operations carried by TAG_DATA. */
enum DataOp : uint8_t {
    OP_CREATE = 1, OP_STORE, OP_RETRIEVE, OP_EXISTS, OP_CLOSED, OP_INSERT,
    OP_LOOKUP, OP_ENUMERATE, OP_SIZE, OP_REFCOUNT, OP_SUBSCRIBE,
};

/* Outcome of a data operation; anything but DATA_OK carries a message. */
enum DataStatus : uint8_t {
    DATA_OK = 0, DATA_NOT_FOUND, DATA_DOUBLE_WRITE, DATA_UNSET, DATA_TYPE,
    DATA_CLOSED, DATA_REFCOUNT, DATA_SUBSCRIPT,
};

/*
 * Writer --
 *
 *	Appends values to a growing byte buffer.
 */
class Writer {
public:
    template <typename T>
    void put(const T &value)
    {
        const size_t at = bytes_.size();
        bytes_.resize(at + sizeof(T));
        std::memcpy(bytes_.data() + at, &value, sizeof(T));
    }

    void putBytes(const void *data, size_t length)
    {
        const size_t at = bytes_.size();
        bytes_.resize(at + length);
        if (length > 0) {
            std::memcpy(bytes_.data() + at, data, length);
        }
    }

    /* Appends a u32 length and the bytes. */
    void putString(const std::string &text)
    {
        put<uint32_t>(static_cast<uint32_t>(text.size()));
        putBytes(text.data(), text.size());
    }

    /* Reserves room for a value written later with patch(). */
    size_t reserve(size_t length)
    {
        const size_t at = bytes_.size();
        bytes_.resize(at + length);
        return at;
    }

    template <typename T>
    void patch(size_t at, const T &value)
    {
        std::memcpy(bytes_.data() + at, &value, sizeof(T));
    }

    size_t size() const { return bytes_.size(); }
    std::vector<char> &bytes() { return bytes_; }
    std::vector<char> take() { return std::move(bytes_); }

private:
    std::vector<char> bytes_;
};

/*
 * Reader --
 *
 *	Reads values from a received message; reading past its end throws
 *	Error {ADLB PROTOCOL}, which means a bug, not a user error.
 */
class Reader {
public:
    Reader(const char *data, size_t length) : at_(data), end_(data + length) {}

    template <typename T>
    T get()
    {
        T value;
        std::memcpy(&value, take(sizeof(T)), sizeof(T));
        return value;
    }

    const char *take(size_t length)
    {
        if (static_cast<size_t>(end_ - at_) < length) {
            throw Error({"ADLB", "PROTOCOL"}, "truncated message between ranks");
        }
        const char *start = at_;
        at_ += length;
        return start;
    }

    std::string getString()
    {
        const uint32_t length = get<uint32_t>();
        return std::string(take(length), length);
    }

    bool done() const { return at_ == end_; }

private:
    const char *at_;
    const char *end_;
};

} // namespace hedflow::adlb

#endif

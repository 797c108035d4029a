/*
 * data_store.h --
 *
 *	The data one server owns: write-once values (futures) and containers,
 *	with read and write reference counts. A datum closes when its write
 *	count reaches 0, which is when its subscribers are notified, and is
 *	freed when both counts are 0. Every failed operation throws Error with
 *	a code such as {ADLB DOUBLE_WRITE id}.
 */
#ifndef HEDFLOW_ADLB_DATA_STORE_H
#define HEDFLOW_ADLB_DATA_STORE_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hedflow::adlb {

enum class DatumType : uint8_t { Integer = 0, Float, String, Blob, Container };

/* The adlb::create name of a type, and the type of a name (false when the
 * name is not one). */
const char *DatumTypeName(DatumType type);
bool ParseDatumType(const std::string &name, DatumType &type);

/* Who waits for a datum to close: a worker, which then gets a task of
 * `type` with `payload` targeted to it, or a server holding dput tasks. */
struct Subscriber {
    int rank = -1;
    bool isServer = false;
    uint16_t type = 0;
    std::string payload;
};

struct Datum {
    DatumType type = DatumType::String;
    bool set = false;
    bool closed = false;
    bool binary = false;   // value came from a Tcl byte array
    int64_t readRefs = 1;
    int64_t writeRefs = 1;
    std::string value;
    std::map<std::string, std::string> members; // containers only
    std::vector<Subscriber> subscribers;
};

class DataStore {
public:
    /* Ids of server index s of n are s+1, s+1+n, s+1+2n, ... */
    DataStore(int serverIndex, int serverCount) : nextId_(serverIndex + 1), step_(serverCount) {}

    uint64_t create(DatumType type, int64_t readRefs, int64_t writeRefs);

    /*
     * Sets the value of a scalar datum and uses one write reference, so a
     * datum created with write_refcount 1 closes. Returns the subscribers
     * to notify when it closed (moved out of the datum).
     */
    std::vector<Subscriber> store(uint64_t id, std::string value, bool binary);

    /* The datum; throws {ADLB NOT_FOUND id} when absent. */
    const Datum &get(uint64_t id) const;

    /* The datum with a value: throws {ADLB UNSET id} for a scalar
     * without one. */
    const Datum &retrieve(uint64_t id) const;

    /* True when the datum exists and has a value (a container always has
     * one); with a subscript, when the container has that member. */
    bool exists(uint64_t id, const std::string *subscript) const;

    void insert(uint64_t id, const std::string &subscript, std::string value);
    const std::string &lookup(uint64_t id, const std::string &subscript) const;
    const Datum &container(uint64_t id) const;

    /*
     * Adds delta to the read or write count. Returns the subscribers to
     * notify when the datum closed. Frees the datum when both counts are 0.
     */
    std::vector<Subscriber> addReferences(uint64_t id, bool write, int64_t delta);

    /* Returns true when the datum is closed (or already freed, which
     * implies closed); otherwise records the subscriber and returns false. */
    bool subscribe(uint64_t id, Subscriber subscriber);

    size_t size() const { return data_.size(); }

private:
    Datum &find(uint64_t id);
    std::vector<Subscriber> closeIfDone(uint64_t id, Datum &datum);

    std::unordered_map<uint64_t, std::unique_ptr<Datum>> data_;
    uint64_t nextId_;
    uint64_t step_;
};

} // namespace hedflow::adlb

#endif

/*
 * data_store.cc --
 *
 *	Write-once data, containers and reference counts on one server.
 */
#include "data_store.h"

#include <cerrno>
#include <cstdlib>

#include "error.h"

namespace hedflow::adlb {

namespace {

const char *const typeNames[] = {"integer", "float", "string", "blob", "container"};

Error
NotFound(uint64_t id)
{
    return Error({"ADLB", "NOT_FOUND", std::to_string(id)},
                 "datum " + std::to_string(id)
                 + " not found: it was never created, or was freed when both its reference counts reached 0");
}

/* True when text is a whole decimal integer that fits in 64 bits, with
 * optional surrounding white space. */
bool
IsInteger(const std::string &text)
{
    const char *start = text.c_str();
    char *end = nullptr;
    errno = 0;
    std::strtoll(start, &end, 10);
    if (end == start || errno == ERANGE) {
        return false;
    }
    while (*end == ' ' || *end == '\t' || *end == '\n') {
        end++;
    }
    return *end == '\0' && end == start + text.size();
}

bool
IsFloat(const std::string &text)
{
    const char *start = text.c_str();
    char *end = nullptr;
    std::strtod(start, &end);
    if (end == start) {
        return false;
    }
    while (*end == ' ' || *end == '\t' || *end == '\n') {
        end++;
    }
    return *end == '\0' && end == start + text.size();
}

} // namespace

const char *
DatumTypeName(DatumType type)
{
    return typeNames[static_cast<int>(type)];
}

bool
ParseDatumType(const std::string &name, DatumType &type)
{
    for (int i = 0; i < 5; i++) {
        if (name == typeNames[i]) {
            type = static_cast<DatumType>(i);
            return true;
        }
    }
    return false;
}

uint64_t
DataStore::create(DatumType type, int64_t readRefs, int64_t writeRefs)
{
    const uint64_t id = nextId_;
    nextId_ += step_;
    auto datum = std::make_unique<Datum>();
    datum->type = type;
    datum->readRefs = readRefs;
    datum->writeRefs = writeRefs;
    data_.emplace(id, std::move(datum));
    return id;
}

Datum &
DataStore::find(uint64_t id)
{
    auto found = data_.find(id);
    if (found == data_.end()) {
        throw NotFound(id);
    }
    return *found->second;
}

const Datum &
DataStore::get(uint64_t id) const
{
    auto found = data_.find(id);
    if (found == data_.end()) {
        throw NotFound(id);
    }
    return *found->second;
}

std::vector<Subscriber>
DataStore::closeIfDone(uint64_t id, Datum &datum)
{
    std::vector<Subscriber> notify;
    if (!datum.closed && datum.writeRefs == 0) {
        datum.closed = true;
        notify = std::move(datum.subscribers);
        datum.subscribers.clear();
    }
    if (datum.closed && datum.readRefs == 0) {
        data_.erase(id);
    }
    return notify;
}

std::vector<Subscriber>
DataStore::store(uint64_t id, std::string value, bool binary)
{
    Datum &datum = find(id);
    const std::string name = std::to_string(id);
    if (datum.type == DatumType::Container) {
        throw Error({"ADLB", "TYPE", name},
                    "datum " + name + " is a container; add members with adlb::insert");
    }
    if (datum.set) {
        throw Error({"ADLB", "DOUBLE_WRITE", name},
                    "datum " + name + " already has a value; a datum is written once");
    }
    if (datum.closed) {
        throw Error({"ADLB", "CLOSED", name},
                    "datum " + name + " was closed without a value; it can no longer be stored");
    }
    if ((datum.type == DatumType::Integer && !IsInteger(value))
        || (datum.type == DatumType::Float && !IsFloat(value))) {
        throw Error({"ADLB", "TYPE", name},
                    "invalid " + std::string(DatumTypeName(datum.type)) + " value \""
                    + value.substr(0, 64) + "\" for datum " + name);
    }

    datum.value = std::move(value);
    datum.binary = binary;
    datum.set = true;
    datum.writeRefs--;
    return closeIfDone(id, datum);
}

const Datum &
DataStore::retrieve(uint64_t id) const
{
    const Datum &datum = get(id);
    if (datum.type != DatumType::Container && !datum.set) {
        const std::string name = std::to_string(id);
        throw Error({"ADLB", "UNSET", name},
                    "datum " + name + " has no value yet; wait for it to close (adlb::subscribe)");
    }
    return datum;
}

bool
DataStore::exists(uint64_t id, const std::string *subscript) const
{
    auto found = data_.find(id);
    if (found == data_.end()) {
        return false;
    }
    const Datum &datum = *found->second;
    if (datum.type != DatumType::Container) {
        return subscript == nullptr && datum.set;
    }
    return subscript == nullptr || datum.members.count(*subscript) > 0;
}

const Datum &
DataStore::container(uint64_t id) const
{
    const Datum &datum = get(id);
    if (datum.type != DatumType::Container) {
        const std::string name = std::to_string(id);
        throw Error({"ADLB", "TYPE", name},
                    "datum " + name + " is " + DatumTypeName(datum.type)
                    + ", not a container");
    }
    return datum;
}

void
DataStore::insert(uint64_t id, const std::string &subscript, std::string value)
{
    container(id);
    Datum &datum = find(id);
    const std::string name = std::to_string(id);
    if (datum.closed) {
        throw Error({"ADLB", "CLOSED", name},
                    "container " + name + " is closed; no member can be added");
    }
    auto inserted = datum.members.emplace(subscript, std::move(value));
    if (!inserted.second) {
        throw Error({"ADLB", "DOUBLE_WRITE", name, subscript},
                    "container " + name + " already has subscript \"" + subscript
                    + "\"; a member is written once");
    }
}

const std::string &
DataStore::lookup(uint64_t id, const std::string &subscript) const
{
    const Datum &datum = container(id);
    auto found = datum.members.find(subscript);
    if (found == datum.members.end()) {
        const std::string name = std::to_string(id);
        throw Error({"ADLB", "NOT_FOUND", name, subscript},
                    "subscript \"" + subscript + "\" not found in container " + name);
    }
    return found->second;
}

std::vector<Subscriber>
DataStore::addReferences(uint64_t id, bool write, int64_t delta)
{
    Datum &datum = find(id);
    const std::string name = std::to_string(id);
    int64_t &count = write ? datum.writeRefs : datum.readRefs;
    if (write && datum.closed && delta > 0) {
        throw Error({"ADLB", "CLOSED", name},
                    "datum " + name + " is closed; its write reference count cannot grow");
    }
    if (count + delta < 0) {
        throw Error({"ADLB", "REFCOUNT", name},
                    std::string(write ? "write" : "read") + " reference count of datum " + name
                    + " is " + std::to_string(count) + "; adding " + std::to_string(delta)
                    + " would make it negative");
    }
    count += delta;
    return closeIfDone(id, datum);
}

bool
DataStore::subscribe(uint64_t id, Subscriber subscriber)
{
    auto found = data_.find(id);
    if (found == data_.end() || found->second->closed) {
        return true;
    }
    found->second->subscribers.push_back(std::move(subscriber));
    return false;
}

} // namespace hedflow::adlb

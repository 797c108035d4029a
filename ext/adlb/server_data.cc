/*
 * server_data.cc --
 *
 *	The server's side of the data store: operations requested by
 *	workers, notifications when a datum closes, and dput tasks held until
 *	their inputs close.
 */
#include "server.h"

#include <algorithm>

namespace hedflow::adlb {

namespace {

/* Appends a container's members as u32 count and string pairs. */
void
PutMembers(Writer &writer, const Datum &datum)
{
    writer.put<uint32_t>(static_cast<uint32_t>(datum.members.size()));
    for (const auto &member : datum.members) {
        writer.putString(member.first);
        writer.putString(member.second);
    }
}

} // namespace

void
Server::handleData(int source, Reader &reader)
{
    Writer reply;
    reply.put<uint8_t>(0);
    const uint8_t op = reader.get<uint8_t>();
    try {
        switch (op) {
        case OP_CREATE: {
            const auto type = static_cast<DatumType>(reader.get<uint8_t>());
            const int64_t readRefs = reader.get<int64_t>();
            const int64_t writeRefs = reader.get<int64_t>();
            reply.put<uint64_t>(store_.create(type, readRefs, writeRefs));
            break;
        }
        case OP_STORE: {
            const uint64_t id = reader.get<uint64_t>();
            const bool binary = reader.get<uint8_t>() != 0;
            notify(id, store_.store(id, reader.getString(), binary));
            break;
        }
        case OP_RETRIEVE: {
            const Datum &datum = store_.retrieve(reader.get<uint64_t>());
            reply.put<uint8_t>(static_cast<uint8_t>(datum.type));
            reply.put<uint8_t>(datum.binary ? 1 : 0);
            if (datum.type == DatumType::Container) {
                PutMembers(reply, datum);
            } else {
                reply.putString(datum.value);
            }
            break;
        }
        case OP_EXISTS: {
            const uint64_t id = reader.get<uint64_t>();
            const bool withSubscript = reader.get<uint8_t>() != 0;
            const std::string subscript = reader.getString();
            reply.put<uint8_t>(store_.exists(id, withSubscript ? &subscript : nullptr) ? 1 : 0);
            break;
        }
        case OP_CLOSED:
            reply.put<uint8_t>(store_.get(reader.get<uint64_t>()).closed ? 1 : 0);
            break;
        case OP_INSERT: {
            const uint64_t id = reader.get<uint64_t>();
            const std::string subscript = reader.getString();
            store_.insert(id, subscript, reader.getString());
            break;
        }
        case OP_LOOKUP: {
            const uint64_t id = reader.get<uint64_t>();
            reply.putString(store_.lookup(id, reader.getString()));
            break;
        }
        case OP_ENUMERATE:
            PutMembers(reply, store_.container(reader.get<uint64_t>()));
            break;
        case OP_SIZE:
            reply.put<uint64_t>(store_.container(reader.get<uint64_t>()).members.size());
            break;
        case OP_REFCOUNT: {
            const uint64_t id = reader.get<uint64_t>();
            const bool write = reader.get<uint8_t>() != 0;
            notify(id, store_.addReferences(id, write, reader.get<int64_t>()));
            break;
        }
        case OP_SUBSCRIBE: {
            const uint64_t id = reader.get<uint64_t>();
            Subscriber subscriber;
            subscriber.rank = source;
            subscriber.type = reader.get<uint16_t>();
            subscriber.payload = reader.getString();
            reply.put<uint8_t>(store_.subscribe(id, std::move(subscriber)) ? 1 : 0);
            break;
        }
        default:
            throw Error({"ADLB", "PROTOCOL"}, "unknown data operation " + std::to_string(op));
        }
    } catch (const Error &error) {
        reply = Writer();
        reply.put<uint8_t>(1);
        reply.put<uint32_t>(static_cast<uint32_t>(error.code().size()));
        for (const std::string &word : error.code()) {
            reply.putString(word);
        }
        reply.putString(error.what());
    }
    outbox_.send(reply.take(), source, TAG_DATA_REPLY, comm_);
}

void
Server::notify(uint64_t id, std::vector<Subscriber> &&subscribers)
{
    for (Subscriber &subscriber : subscribers) {
        if (subscriber.isServer) {
            if (subscriber.rank == layout_.rank()) {
                releaseHeld(id);
            } else {
                Writer writer;
                writer.put(id);
                sendToServer(subscriber.rank, TAG_SS_CLOSED, writer, true);
            }
            continue;
        }

        // A worker's subscription becomes a task targeted to that worker.
        TaskHeader header;
        header.id = newTaskId();
        header.target = subscriber.rank;
        header.putter = layout_.rank();
        header.strict = STRICT_HARD;
        header.type = subscriber.type;
        header.lengthWord = static_cast<uint32_t>(subscriber.payload.size());
        const int server = layout_.serverOf(subscriber.rank);
        if (server == layout_.rank()) {
            accept(header, subscriber.payload.data());
        } else {
            Writer writer;
            writer.put<uint8_t>(0);
            writer.put<uint32_t>(1);
            writer.put(header);
            writer.putBytes(subscriber.payload.data(), subscriber.payload.size());
            sendToServer(server, TAG_SS_TASKS, writer, true);
        }
    }
}

void
Server::handleDput(int source, Reader &reader)
{
    (void)source;
    const uint32_t inputCount = reader.get<uint32_t>();
    std::vector<uint64_t> inputs(inputCount);
    for (uint64_t &input : inputs) {
        input = reader.get<uint64_t>();
    }
    const TaskHeader header = reader.get<TaskHeader>();
    const char *payload = reader.take(header.lengthWord & LENGTH_MASK);
    putsReceived_++;
    stats_.puts++;
    stats_.bytes += header.lengthWord & LENGTH_MASK;

    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());

    const uint64_t key = ++heldSequence_;
    uint32_t pending = 0;
    for (uint64_t input : inputs) {
        auto waiting = waitingOn_.find(input);
        if (waiting != waitingOn_.end()) {
            waiting->second.push_back(key);
            pending++;
            continue;
        }
        const int owner = layout_.serverRank(layout_.ownerIndexOf(input));
        if (owner == layout_.rank()) {
            Subscriber self;
            self.rank = layout_.rank();
            self.isServer = true;
            if (store_.subscribe(input, self)) {
                continue;
            }
        } else {
            Writer writer;
            writer.put(input);
            sendToServer(owner, TAG_SS_SUBSCRIBE, writer, true);
        }
        waitingOn_[input].push_back(key);
        pending++;
    }

    if (pending == 0) {
        accept(header, payload);
        return;
    }
    HeldTask &held = held_[key];
    held.header = header;
    held.payload.assign(payload, header.lengthWord & LENGTH_MASK);
    held.pending = pending;
}

void
Server::releaseHeld(uint64_t id)
{
    auto waiting = waitingOn_.find(id);
    if (waiting == waitingOn_.end()) {
        return;
    }
    const std::vector<uint64_t> keys = std::move(waiting->second);
    waitingOn_.erase(waiting);
    for (uint64_t key : keys) {
        auto held = held_.find(key);
        if (held == held_.end() || --held->second.pending > 0) {
            continue;
        }
        HeldTask task = std::move(held->second);
        held_.erase(held);
        accept(task.header, task.payload.data());
    }
}

} // namespace hedflow::adlb

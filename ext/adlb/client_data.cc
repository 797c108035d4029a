/*
 * client_data.cc --
 *
 *	Data store requests from a worker. Each request goes to the server
 *	that owns the datum and waits for its reply.
 */
#include "client.h"

#include "transport.h"

namespace hedflow::adlb {

Reader
Client::request(int serverRank, Writer &request, int tag)
{
    requireRunning("reach the data store");
    CheckMpi(MPI_Send(request.bytes().data(), static_cast<int>(request.size()), MPI_BYTE,
                      serverRank, tag, comm_),
             "MPI_Send");
    ReceiveFrom(serverRank, TAG_DATA_REPLY, comm_, reply_);

    Reader reader(reply_.data(), reply_.size());
    if (reader.get<uint8_t>() == 0) {
        return reader;
    }
    const uint32_t words = reader.get<uint32_t>();
    std::vector<std::string> code;
    for (uint32_t i = 0; i < words; i++) {
        code.push_back(reader.getString());
    }
    throw Error(code, reader.getString());
}

uint64_t
Client::create(DatumType type, int64_t readRefs, int64_t writeRefs)
{
    // Spread new data over the servers, starting with this worker's own.
    const int server = layout_.serverRank(nextCreateServer_);
    nextCreateServer_ = (nextCreateServer_ + 1) % layout_.servers();

    Writer writer;
    writer.put<uint8_t>(OP_CREATE);
    writer.put<uint8_t>(static_cast<uint8_t>(type));
    writer.put(readRefs);
    writer.put(writeRefs);
    return request(server, writer).get<uint64_t>();
}

void
Client::store(uint64_t id, const char *bytes, size_t length, bool binary)
{
    Writer writer;
    writer.put<uint8_t>(OP_STORE);
    writer.put(id);
    writer.put<uint8_t>(binary ? 1 : 0);
    writer.put<uint32_t>(static_cast<uint32_t>(length));
    writer.putBytes(bytes, length);
    request(ownerOf(id), writer);
}

Value
Client::retrieve(uint64_t id)
{
    Writer writer;
    writer.put<uint8_t>(OP_RETRIEVE);
    writer.put(id);
    Reader reader = request(ownerOf(id), writer);
    Value value;
    value.type = static_cast<DatumType>(reader.get<uint8_t>());
    value.binary = reader.get<uint8_t>() != 0;
    if (value.type == DatumType::Container) {
        const uint32_t count = reader.get<uint32_t>();
        for (uint32_t i = 0; i < count; i++) {
            std::string subscript = reader.getString();
            value.members.emplace_back(std::move(subscript), reader.getString());
        }
    } else {
        value.scalar = reader.getString();
    }
    return value;
}

bool
Client::exists(uint64_t id, const std::string *subscript)
{
    Writer writer;
    writer.put<uint8_t>(OP_EXISTS);
    writer.put(id);
    writer.put<uint8_t>(subscript != nullptr ? 1 : 0);
    writer.putString(subscript != nullptr ? *subscript : std::string());
    return request(ownerOf(id), writer).get<uint8_t>() != 0;
}

bool
Client::closed(uint64_t id)
{
    Writer writer;
    writer.put<uint8_t>(OP_CLOSED);
    writer.put(id);
    return request(ownerOf(id), writer).get<uint8_t>() != 0;
}

void
Client::insert(uint64_t id, const std::string &subscript, const std::string &value)
{
    Writer writer;
    writer.put<uint8_t>(OP_INSERT);
    writer.put(id);
    writer.putString(subscript);
    writer.putString(value);
    request(ownerOf(id), writer);
}

std::string
Client::lookup(uint64_t id, const std::string &subscript)
{
    Writer writer;
    writer.put<uint8_t>(OP_LOOKUP);
    writer.put(id);
    writer.putString(subscript);
    return request(ownerOf(id), writer).getString();
}

std::vector<std::pair<std::string, std::string>>
Client::enumerate(uint64_t id)
{
    Writer writer;
    writer.put<uint8_t>(OP_ENUMERATE);
    writer.put(id);
    Reader reader = request(ownerOf(id), writer);
    std::vector<std::pair<std::string, std::string>> members;
    const uint32_t count = reader.get<uint32_t>();
    for (uint32_t i = 0; i < count; i++) {
        std::string subscript = reader.getString();
        members.emplace_back(std::move(subscript), reader.getString());
    }
    return members;
}

uint64_t
Client::size(uint64_t id)
{
    Writer writer;
    writer.put<uint8_t>(OP_SIZE);
    writer.put(id);
    return request(ownerOf(id), writer).get<uint64_t>();
}

void
Client::addReferences(uint64_t id, bool write, int64_t delta)
{
    Writer writer;
    writer.put<uint8_t>(OP_REFCOUNT);
    writer.put(id);
    writer.put<uint8_t>(write ? 1 : 0);
    writer.put(delta);
    request(ownerOf(id), writer);
}

bool
Client::subscribe(uint64_t id, uint16_t type, const std::string &payload)
{
    Writer writer;
    writer.put<uint8_t>(OP_SUBSCRIBE);
    writer.put(id);
    writer.put(type);
    writer.putString(payload);
    return request(ownerOf(id), writer).get<uint8_t>() != 0;
}

} // namespace hedflow::adlb

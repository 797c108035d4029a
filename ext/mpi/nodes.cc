/*
 * nodes.cc --
 *
 *	Host names and node communicators, real or virtual; see nodes.h.
 */
#include "nodes.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "mpi_error.h"

namespace hedflow::mpi {

namespace {

int
WorldRank()
{
    int rank = 0;
    CheckMpi(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    return rank;
}

int
WorldSize()
{
    int size = 0;
    CheckMpi(MPI_Comm_size(MPI_COMM_WORLD, &size));
    return size;
}

std::string
RealHostName()
{
    char name[HOST_NAME_MAX + 1];
    if (gethostname(name, sizeof name) != 0) {
        throw Error(std::string("gethostname failed: ") + std::strerror(errno),
                    {"HOST", "FAILED"});
    }
    name[HOST_NAME_MAX] = '\0';
    return name;
}

} // namespace

int
FakeNodeCount()
{
    const char *text = std::getenv("HEDFLOW_FAKE_NODES");
    if (text == nullptr || *text == '\0') {
        return 0;
    }
    char *end = nullptr;
    errno = 0;
    const long count = std::strtol(text, &end, 10);
    if (*end != '\0' || errno != 0 || count < 1 || count > INT_MAX) {
        throw Error(std::string("invalid HEDFLOW_FAKE_NODES \"") + text +
                        "\": set it to a whole number of virtual nodes of at least 1, or unset it",
                    {"NODES", "INVALID", text});
    }
    return static_cast<int>(count);
}

int
FakeNodeIndex(int worldRank, int worldSize, int nodes)
{
    return static_cast<int>(static_cast<long long>(worldRank) * nodes / worldSize);
}

std::string
HostName()
{
    const int nodes = FakeNodeCount();
    if (nodes == 0) {
        return RealHostName();
    }
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        throw Error("HEDFLOW_FAKE_NODES needs the world rank: call mpi::init first",
                    {"STATE", "UNINITIALIZED"});
    }
    return RealHostName() + "-node" +
           std::to_string(FakeNodeIndex(WorldRank(), WorldSize(), nodes));
}

MPI_Comm
SplitShared(MPI_Comm comm)
{
    int rank = 0;
    CheckMpi(MPI_Comm_rank(comm, &rank));
    const int nodes = FakeNodeCount();

    MPI_Comm shared = MPI_COMM_NULL;
    if (nodes == 0) {
        CheckMpi(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &shared));
    } else {
        const int color = FakeNodeIndex(WorldRank(), WorldSize(), nodes);
        CheckMpi(MPI_Comm_split(comm, color, rank, &shared));
    }
    return shared;
}

MPI_Comm
NodeLeaders(MPI_Comm comm)
{
    int rank = 0;
    CheckMpi(MPI_Comm_rank(comm, &rank));

    MPI_Comm shared = SplitShared(comm);
    int localRank = 0;
    const int code = MPI_Comm_rank(shared, &localRank);
    MPI_Comm_free(&shared);
    CheckMpi(code);

    MPI_Comm leaders = MPI_COMM_NULL;
    CheckMpi(MPI_Comm_split(comm, localRank == 0 ? 0 : MPI_UNDEFINED, rank, &leaders));
    return leaders;
}

} // namespace hedflow::mpi

/*
 * layout.cc --
 *
 *	Roles and node numbers of the ranks.
 */
#include "layout.h"

#include <cstdlib>
#include <string>

#include "error.h"

namespace hedflow::adlb {

namespace {

/*
 * Returns the node number of every world rank. With HEDFLOW_FAKE_NODES=K
 * (as the mpi package reads it) rank r of P is on virtual node
 * floor(r*K/P); otherwise ranks that share memory share a node, numbered by
 * the lowest world rank on it. Collective over MPI_COMM_WORLD.
 */
std::vector<int>
FindNodes(int rank, int size)
{
    std::vector<int> nodes(size, 0);
    const char *fake = std::getenv("HEDFLOW_FAKE_NODES");
    if (fake != nullptr && std::atoi(fake) > 0) {
        const long count = std::atol(fake);
        for (int r = 0; r < size; r++) {
            nodes[r] = static_cast<int>(static_cast<long>(r) * count / size);
        }
        return nodes;
    }

    MPI_Comm shared;
    CheckMpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &shared),
             "MPI_Comm_split_type");
    int lowest = rank;
    CheckMpi(MPI_Allreduce(&rank, &lowest, 1, MPI_INT, MPI_MIN, shared), "MPI_Allreduce");
    MPI_Comm_free(&shared);
    CheckMpi(MPI_Allgather(&lowest, 1, MPI_INT, nodes.data(), 1, MPI_INT, MPI_COMM_WORLD),
             "MPI_Allgather");
    return nodes;
}

} // namespace

Layout::Layout(int servers, std::vector<std::string> typeNames)
    : servers_(servers), typeNames_(std::move(typeNames))
{
    CheckMpi(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    CheckMpi(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
    if (servers < 1 || servers >= size_) {
        throw Error({"ADLB", "SERVERS", std::to_string(servers)},
                    std::to_string(servers) + " server" + (servers == 1 ? "" : "s") + " among "
                    + std::to_string(size_) + " rank" + (size_ == 1 ? "" : "s")
                    + " leave no worker; use at least 1 server and fewer servers than ranks");
    }
    nodeOf_ = FindNodes(rank_, size_);
}

int
Layout::serverIndexOf(int worker) const
{
    return static_cast<int>(static_cast<long>(worker) * servers_ / workers());
}

std::vector<int>
Layout::workersOf(int index) const
{
    std::vector<int> result;
    for (int w = 0; w < workers(); w++) {
        if (serverIndexOf(w) == index) {
            result.push_back(w);
        }
    }
    return result;
}

int
Layout::typeIndex(const std::string &name) const
{
    for (size_t i = 0; i < typeNames_.size(); i++) {
        if (typeNames_[i] == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace hedflow::adlb

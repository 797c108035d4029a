/*
 * layout.h --
 *
 *	Which ranks are servers, which server serves each worker, and which
 *	node each rank runs on. The last S ranks of MPI_COMM_WORLD are servers;
 *	the workers (ranks 0 to W-1) are split into S contiguous blocks, block i
 *	served by server i, so that ranks of one node usually share a server.
 */
#ifndef HEDFLOW_ADLB_LAYOUT_H
#define HEDFLOW_ADLB_LAYOUT_H

#include <mpi.h>

#include <string>
#include <vector>

namespace hedflow::adlb {

class Layout {
public:
    /*
     * Builds the layout for `servers` servers. Collective over
     * MPI_COMM_WORLD, because finding the nodes exchanges ranks. Throws
     * Error {ADLB SERVERS n} when servers is below 1 or leaves no worker.
     */
    Layout(int servers, std::vector<std::string> typeNames);

    int rank() const { return rank_; }
    int size() const { return size_; }
    int servers() const { return servers_; }
    int workers() const { return size_ - servers_; }
    bool amServer() const { return rank_ >= workers(); }
    bool isServer(int rank) const { return rank >= workers(); }
    bool isWorker(int rank) const { return rank >= 0 && rank < workers(); }

    /* Server index (0 to S-1) and world rank of the server of a worker. */
    int serverIndexOf(int worker) const;
    int serverOf(int worker) const { return workers() + serverIndexOf(worker); }
    int serverRank(int index) const { return workers() + index; }
    int serverIndex(int serverRank) const { return serverRank - workers(); }

    /* The workers served by server index `index`, in rank order. */
    std::vector<int> workersOf(int index) const;

    /* Node number of a rank: ranks with equal numbers share a node. */
    int nodeOf(int rank) const { return nodeOf_[rank]; }

    /* Server index that owns datum id (ids start at 1). */
    int ownerIndexOf(uint64_t id) const { return static_cast<int>((id - 1) % servers_); }

    const std::vector<std::string> &typeNames() const { return typeNames_; }

    /* Index of a type name, or -1 when the name is not declared. */
    int typeIndex(const std::string &name) const;

private:
    int rank_ = 0;
    int size_ = 1;
    int servers_ = 1;
    std::vector<int> nodeOf_;
    std::vector<std::string> typeNames_;
};

} // namespace hedflow::adlb

#endif

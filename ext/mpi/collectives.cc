/*
 * collectives.cc --
 *
 *	Collectives over byte blocks; see collectives.h.
 */
#include "collectives.h"

#include <climits>
#include <cstdint>

#include "mpi_error.h"

namespace hedflow::mpi {

namespace {

/* Sizes travel as 64-bit integers; a negative size marks a failed
 * contribution. */
constexpr std::int64_t kFailed = -1;

std::int64_t
SizeHeader(const Contribution &contribution)
{
    return contribution.failed ? kFailed : static_cast<std::int64_t>(contribution.size);
}

/* Throws this rank's own failure when it failed, else one that names
 * failedRank. */
[[noreturn]] void
ThrowFailure(const Contribution &mine, int failedRank)
{
    if (mine.failed) {
        throw Error(mine.failure, mine.failureCode);
    }
    throw Error("rank " + std::to_string(failedRank) +
                    " could not take part: see the error raised on that rank",
                {"REMOTE", "FAILED", std::to_string(failedRank)});
}

/*
 * ShareRootFailure --
 *
 *	Broadcasts root's failure message after a negative size header, so
 *	every rank raises the root's reason, and throws it.
 */
[[noreturn]] void
ShareRootFailure(MPI_Comm comm, int root, int myRank, const Contribution &mine)
{
    std::int64_t length = static_cast<std::int64_t>(mine.failure.size());
    CheckMpi(MPI_Bcast(&length, 1, MPI_INT64_T, root, comm));
    std::string text(static_cast<std::size_t>(length), '\0');
    if (myRank == root) {
        text = mine.failure;
    }
    CheckMpi(MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, root, comm));
    if (myRank == root) {
        throw Error(mine.failure, mine.failureCode);
    }
    throw Error("root rank " + std::to_string(root) + " failed: " + text,
                {"ROOT", "FAILED", std::to_string(root)});
}

/* Returns the displacements of blocks with sizes, checking that their
 * total fits in an MPI count. */
std::vector<int>
Displacements(const std::vector<std::int64_t> &sizes)
{
    std::vector<int> displacements(sizes.size());
    std::int64_t total = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        displacements[i] = static_cast<int>(total);
        total += sizes[i];
    }
    CheckMessageSize(static_cast<std::size_t>(total));
    return displacements;
}

} // namespace

int
RankOf(MPI_Comm comm)
{
    int rank = 0;
    CheckMpi(MPI_Comm_rank(comm, &rank));
    return rank;
}

int
SizeOf(MPI_Comm comm)
{
    int size = 0;
    CheckMpi(MPI_Comm_size(comm, &size));
    return size;
}


void
Broadcast(MPI_Comm comm, int root, const Contribution &mine, ByteSink &sink)
{
    const int rank = RankOf(comm);
    std::int64_t size = rank == root ? SizeHeader(mine) : 0;
    if (rank == root && !mine.failed) {
        CheckMessageSize(mine.size);
    }
    CheckMpi(MPI_Bcast(&size, 1, MPI_INT64_T, root, comm));
    if (size == kFailed) {
        ShareRootFailure(comm, root, rank, mine);
    }

    if (rank == root) {
        CheckMpi(MPI_Bcast(const_cast<char *>(mine.data), static_cast<int>(size), MPI_BYTE, root,
                           comm));
        return;
    }
    char *buffer = sink.Allocate(static_cast<std::size_t>(size));
    CheckMpi(MPI_Bcast(buffer, static_cast<int>(size), MPI_BYTE, root, comm));
}

void
Scatter(MPI_Comm comm, int root, const std::vector<Contribution> &blocks,
        const Contribution &rootFailure, ByteSink &sink)
{
    const int rank = RankOf(comm);
    const int ranks = SizeOf(comm);

    /* Root sends every rank its block size, or kFailed to all. */
    std::vector<std::int64_t> sizes;
    if (rank == root) {
        sizes.assign(ranks, kFailed);
        if (!rootFailure.failed) {
            for (int i = 0; i < ranks; ++i) {
                sizes[i] = SizeHeader(blocks[i]);
            }
        }
    }
    std::int64_t mySize = 0;
    CheckMpi(MPI_Scatter(sizes.data(), 1, MPI_INT64_T, &mySize, 1, MPI_INT64_T, root, comm));
    if (mySize == kFailed) {
        ShareRootFailure(comm, root, rank, rootFailure);
    }

    std::vector<char> packed;
    std::vector<int> counts;
    std::vector<int> displacements;
    if (rank == root) {
        displacements = Displacements(sizes);
        for (int i = 0; i < ranks; ++i) {
            counts.push_back(static_cast<int>(sizes[i]));
            packed.insert(packed.end(), blocks[i].data, blocks[i].data + blocks[i].size);
        }
    }
    char *buffer = sink.Allocate(static_cast<std::size_t>(mySize));
    CheckMpi(MPI_Scatterv(packed.data(), counts.data(), displacements.data(), MPI_BYTE, buffer,
                          static_cast<int>(mySize), MPI_BYTE, root, comm));
}

std::vector<std::vector<char>>
Gather(MPI_Comm comm, int root, bool everywhere, const Contribution &mine)
{
    const int rank = RankOf(comm);
    const int ranks = SizeOf(comm);
    if (!mine.failed) {
        CheckMessageSize(mine.size);
    }

    /* Every rank learns every size, so a failure anywhere stops all. */
    std::int64_t mySize = SizeHeader(mine);
    std::vector<std::int64_t> sizes(ranks);
    CheckMpi(MPI_Allgather(&mySize, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm));
    for (int i = 0; i < ranks; ++i) {
        if (sizes[i] == kFailed) {
            ThrowFailure(mine, i);
        }
    }

    const std::vector<int> displacements = Displacements(sizes);
    std::vector<int> counts(sizes.begin(), sizes.end());
    const std::int64_t total = static_cast<std::int64_t>(displacements.back()) + sizes.back();
    std::vector<char> packed;
    if (everywhere || rank == root) {
        packed.resize(static_cast<std::size_t>(total));
    }
    if (everywhere) {
        CheckMpi(MPI_Allgatherv(mine.data, static_cast<int>(mine.size), MPI_BYTE, packed.data(),
                                counts.data(), displacements.data(), MPI_BYTE, comm));
    } else {
        CheckMpi(MPI_Gatherv(mine.data, static_cast<int>(mine.size), MPI_BYTE, packed.data(),
                             counts.data(), displacements.data(), MPI_BYTE, root, comm));
    }

    std::vector<std::vector<char>> blocks;
    if (everywhere || rank == root) {
        for (int i = 0; i < ranks; ++i) {
            auto begin = packed.begin() + displacements[i];
            blocks.emplace_back(begin, begin + counts[i]);
        }
    }
    return blocks;
}

std::vector<char>
Reduce(MPI_Comm comm, int root, bool everywhere, DataType type, ReduceOp op,
       const Contribution &mine)
{
    const int rank = RankOf(comm);
    const std::size_t elementSize = ElementSize(type);
    const std::int64_t count =
        mine.failed ? 0 : static_cast<std::int64_t>(mine.size / elementSize);

    /* One small allreduce finds failures and unequal lengths on every
     * rank: {failed rank + 1, count, -count} under MPI_MAX. */
    std::int64_t check[3] = {mine.failed ? rank + 1 : 0, count, -count};
    std::int64_t agreed[3];
    CheckMpi(MPI_Allreduce(check, agreed, 3, MPI_INT64_T, MPI_MAX, comm));
    if (agreed[0] > 0) {
        ThrowFailure(mine, static_cast<int>(agreed[0] - 1));
    }
    if (agreed[1] != -agreed[2]) {
        throw Error("ranks passed lists of different lengths (from " +
                        std::to_string(-agreed[2]) + " to " + std::to_string(agreed[1]) +
                        " elements); every rank must pass the same number",
                    {"COUNT", "MISMATCH", std::to_string(count)});
    }
    CheckMessageSize(mine.size);

    std::vector<char> result;
    if (everywhere || rank == root) {
        result.resize(mine.size);
    }
    const MPI_Datatype datatype = ReductionDatatype(type);
    const MPI_Op mpiOp = ReductionOperator(op);
    if (everywhere) {
        CheckMpi(MPI_Allreduce(mine.data, result.data(), static_cast<int>(count), datatype, mpiOp,
                               comm));
    } else {
        CheckMpi(MPI_Reduce(mine.data, result.data(), static_cast<int>(count), datatype, mpiOp,
                            root, comm));
    }
    return result;
}

} // namespace hedflow::mpi

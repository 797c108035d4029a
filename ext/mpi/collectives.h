/*
 * collectives.h --
 *
 *	Broadcast, scatter, gather and reductions of byte blocks for the mpi
 *	package. Block sizes travel first, so values of any size need no
 *	agreement beforehand, and a failure on one rank (such as a value that
 *	does not convert) reaches every rank: each call then throws on every
 *	rank instead of leaving the others blocked in the collective.
 */
#ifndef HEDFLOW_COLLECTIVES_H
#define HEDFLOW_COLLECTIVES_H

#include <mpi.h>

#include <cstddef>
#include <string>
#include <vector>

#include "datatype.h"
#include "point_to_point.h"

namespace hedflow::mpi {

/*
 * The contribution of one rank to a collective: its bytes, or the reason
 * it has none. A failed contribution makes the collective throw on every
 * rank: this rank throws its own message with its own code words, the
 * others name the failed rank.
 */
struct Contribution {
    const char *data = nullptr;
    std::size_t size = 0;
    bool failed = false;
    std::string failure;
    std::vector<std::string> failureCode;
};

/*
 * Broadcast --
 *
 *	Sends root's contribution to every rank of comm; the other ranks'
 *	contributions are ignored. On the ranks other than root the bytes go
 *	to sink.
 */
void Broadcast(MPI_Comm comm, int root, const Contribution &mine, ByteSink &sink);

/*
 * Scatter --
 *
 *	Sends block i of root's blocks to rank i of comm (blocks has one entry
 *	per rank on root and is ignored elsewhere) and stores this rank's
 *	block in sink.
 */
void Scatter(MPI_Comm comm, int root, const std::vector<Contribution> &blocks,
             const Contribution &rootFailure, ByteSink &sink);

/*
 * Gather --
 *
 *	Collects every rank's contribution on root, or on every rank when
 *	everywhere is true. Returns the blocks in rank order there, and an
 *	empty vector on other ranks.
 */
std::vector<std::vector<char>> Gather(MPI_Comm comm, int root, bool everywhere,
                                      const Contribution &mine);

/*
 * Reduce --
 *
 *	Combines the count elements of type in values element by element with
 *	op across comm. Returns the result on root, or on every rank when
 *	everywhere is true, and an empty vector elsewhere. All ranks must give
 *	the same count; a mismatch throws on every rank.
 */
std::vector<char> Reduce(MPI_Comm comm, int root, bool everywhere, DataType type, ReduceOp op,
                         const Contribution &mine);

/* Returns this process's rank in comm, or its size; throws Error on an
 * MPI failure. */
int RankOf(MPI_Comm comm);
int SizeOf(MPI_Comm comm);

} // namespace hedflow::mpi

#endif

/*
 * nodes.h --
 *
 *	Which ranks share a node. Normally a node is a host, as MPI's
 *	MPI_COMM_TYPE_SHARED sees it. With the environment variable
 *	HEDFLOW_FAKE_NODES=K set, the world's ranks form K virtual nodes of
 *	contiguous ranks instead: rank r of a world of P ranks is on virtual
 *	node floor(r*K/P), whose host name is "<host>-node<index>". Node-aware
 *	code can so be tested on one machine; the adlb package uses the same
 *	formula.
 */
#ifndef HEDFLOW_NODES_H
#define HEDFLOW_NODES_H

#include <mpi.h>

#include <string>

namespace hedflow::mpi {

/*
 * FakeNodeCount --
 *
 *	Returns K from HEDFLOW_FAKE_NODES, or 0 when it is unset or empty.
 *	Throws Error when it is not a whole number of at least 1.
 */
int FakeNodeCount();

/* Returns the virtual node of worldRank: floor(worldRank*nodes/worldSize). */
int FakeNodeIndex(int worldRank, int worldSize, int nodes);

/*
 * HostName --
 *
 *	Returns the name of this process's host, or of its virtual node when
 *	HEDFLOW_FAKE_NODES is set (which needs MPI to be initialized).
 */
std::string HostName();

/*
 * SplitShared --
 *
 *	Collective over comm. Returns a new communicator of the ranks of comm
 *	on this rank's node, ordered as in comm; the caller frees it.
 */
MPI_Comm SplitShared(MPI_Comm comm);

/*
 * NodeLeaders --
 *
 *	Collective over comm. Returns a new communicator of the lowest rank of
 *	comm on each node, ordered as in comm, on those ranks, and
 *	MPI_COMM_NULL on the others.
 */
MPI_Comm NodeLeaders(MPI_Comm comm);

} // namespace hedflow::mpi

#endif

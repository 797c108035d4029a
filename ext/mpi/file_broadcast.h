/*
 * file_broadcast.h --
 *
 *	Copying one file from a root rank to a folder on every rank, in
 *	chunks, so memory use stays at two chunks whatever the file's size.
 */
#ifndef HEDFLOW_FILE_BROADCAST_H
#define HEDFLOW_FILE_BROADCAST_H

#include <mpi.h>

#include <cstddef>
#include <string>

namespace hedflow::mpi {

/* The default chunk size of BroadcastFile: 8 MiB. */
constexpr std::size_t kFileChunkBytes = std::size_t(8) << 20;

/*
 * BroadcastFile --
 *
 *	Collective over comm. Root reads the regular file source (the other
 *	ranks' source is ignored); every rank writes it to destDir (created
 *	when missing) under the same name and with the same permission bits.
 *	Each rank writes a hidden temporary file in destDir and renames it at
 *	the end, so no rank ever sees a partial file under the final name.
 *	When destDir on root already holds source itself, root writes nothing.
 *
 *	Results:
 *	    The path of the copy on this rank.
 *
 *	Errors:
 *	    Throws Error on every rank when any rank fails: the failed rank
 *	    with its reason, the others naming it. The temporary file is
 *	    removed; copies already renamed on other ranks stay.
 */
std::string BroadcastFile(MPI_Comm comm, int root, const std::string &source,
                          const std::string &destDir, std::size_t chunkBytes = kFileChunkBytes);

} // namespace hedflow::mpi

#endif

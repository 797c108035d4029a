/*
 * comm_table.h --
 *
 *	Communicator handles as Tcl sees them. The predefined handles are the
 *	strings "mpi::comm_world", "mpi::comm_self" and "mpi::comm_null"; a
 *	communicator created by a command gets a new "mpi::comm<N>" handle.
 */
#ifndef HEDFLOW_COMM_TABLE_H
#define HEDFLOW_COMM_TABLE_H

#include <mpi.h>
#include <tcl.h>

#include <string>

namespace hedflow::mpi {

/*
 * LookupComm --
 *
 *	Results:
 *	    TCL_OK with *comm set when handle names a known communicator;
 *	    otherwise TCL_ERROR with a message naming the handle and the error
 *	    code {MPI COMM UNKNOWN handle}.
 */
int LookupComm(Tcl_Interp *interp, Tcl_Obj *handle, MPI_Comm *comm);

/*
 * RegisterComm --
 *
 *	Results:
 *	    A new handle for comm, or "mpi::comm_null" for MPI_COMM_NULL.
 *
 *	Side effects:
 *	    Stores comm in the table and sets MPI_ERRORS_RETURN on it.
 */
std::string RegisterComm(MPI_Comm comm);

/*
 * ForgetComm --
 *
 *	Side effects:
 *	    Removes handle from the table; the predefined handles stay.
 */
void ForgetComm(const std::string &handle);

} // namespace hedflow::mpi

#endif

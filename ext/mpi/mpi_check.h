/*
 * mpi_check.h --
 *
 *	One place where MPI return codes become Tcl errors. Every MPI call in
 *	the package goes through MpiCheck, so a script can catch MPI failures
 *	instead of having the job aborted (the package sets MPI_ERRORS_RETURN
 *	on every communicator it hands out).
 */
#ifndef HEDFLOW_MPI_CHECK_H
#define HEDFLOW_MPI_CHECK_H

#include <mpi.h>
#include <tcl.h>

/*
 * MpiCheck --
 *
 *	Results:
 *	    TCL_OK when code is MPI_SUCCESS. Otherwise TCL_ERROR, with MPI's
 *	    error string in the interpreter result, prefixed by the command
 *	    name, and the error code {MPI CLASS-NAME code} set.
 *
 *	Side effects:
 *	    Sets the interpreter result and error code on failure.
 */
int MpiCheck(Tcl_Interp *interp, const char *command, int code);

#endif

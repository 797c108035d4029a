/*
 * mpi_check.h --
 *
 *	The one place where failures become Tcl errors: MPI return codes
 *	(MpiCheck) and the core's Error exception (SetErrorResult). The package
 *	sets MPI_ERRORS_RETURN on every communicator it hands out, so a script
 *	can catch MPI failures instead of having the job aborted.
 */
#ifndef HEDFLOW_MPI_CHECK_H
#define HEDFLOW_MPI_CHECK_H

#include <mpi.h>
#include <tcl.h>

#include "mpi_error.h"

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

/*
 * SetErrorResult --
 *
 *	Results:
 *	    TCL_ERROR, with "command: message" in the interpreter result and
 *	    the error code {MPI word...} from error.codeWords.
 */
int SetErrorResult(Tcl_Interp *interp, const char *command, const hedflow::mpi::Error &error);

#endif

/*
 * commands.h --
 *
 *	The Tcl commands of the mpi package, one C++ function per command
 *	(mpi::comm_size is MpiCommSizeCmd), spread over files by concept:
 *	mpi_tcl.cc (start-up and shutdown), comm_cmds.cc (communicators and
 *	nodes), p2p_cmds.cc (point-to-point), collective_cmds.cc (collectives
 *	and file broadcast), conversion.cc (conversion policy). The helpers
 *	declared here are shared by those files.
 */
#ifndef HEDFLOW_COMMANDS_H
#define HEDFLOW_COMMANDS_H

#include <tcl.h>

#include <exception>
#include <new>

#include "mpi_check.h"
#include "mpi_error.h"
#include "point_to_point.h"

namespace hedflow::mpi {

/*
 * StartedAndNotFinished --
 *
 *	Results:
 *	    1 when MPI_Init has run and MPI_Finalize has not. Otherwise 0, with
 *	    an error naming command in the interpreter result.
 */
int StartedAndNotFinished(Tcl_Interp *interp, const char *command);

/*
 * NotNullComm --
 *
 *	Results:
 *	    1 unless comm is MPI_COMM_NULL. Otherwise 0, with MPI's error for
 *	    an invalid communicator {MPI COMM code} in the interpreter result.
 *	    Open MPI aborts the job on most calls with MPI_COMM_NULL, whatever
 *	    error handler is set, so commands check before calling MPI.
 */
int NotNullComm(Tcl_Interp *interp, const char *command, MPI_Comm comm);

/*
 * UsableComm --
 *
 *	Results:
 *	    1 when MPI is running and comm is not MPI_COMM_NULL, the checks
 *	    every command on a communicator makes first. Otherwise 0, with the
 *	    error of StartedAndNotFinished or NotNullComm.
 */
int UsableComm(Tcl_Interp *interp, const char *command, MPI_Comm comm);

/*
 * RunCore --
 *
 *	Calls body, the core part of a command, and turns any exception into
 *	a Tcl error prefixed by command, so no C++ exception reaches Tcl.
 *
 *	Results:
 *	    What body returns (TCL_OK or TCL_ERROR), or TCL_ERROR on an
 *	    exception.
 */
template <typename Body>
int
RunCore(Tcl_Interp *interp, const char *command, Body &&body)
{
    try {
        return body();
    } catch (const Error &error) {
        return SetErrorResult(interp, command, error);
    } catch (const std::bad_alloc &) {
        return SetErrorResult(interp, command, Error("out of memory", {"MEMORY"}));
    } catch (const std::exception &error) {
        return SetErrorResult(interp, command, Error(error.what(), {"INTERNAL"}));
    }
}

/* A reference to a Tcl object held for the life of a C++ scope. */
class ObjRef {
public:
    explicit ObjRef(Tcl_Obj *held) : obj(held) { Tcl_IncrRefCount(obj); }
    ~ObjRef() { Tcl_DecrRefCount(obj); }
    ObjRef(const ObjRef &) = delete;
    ObjRef &operator=(const ObjRef &) = delete;

    Tcl_Obj *obj;
};

/* Returns a new dict with the keys MPI_SOURCE, MPI_TAG, COUNT_CHAR,
 * COUNT_INT and COUNT_DOUBLE (the message size in bytes, ints, doubles). */
Tcl_Obj *StatusDict(const MessageStatus &status);

/*
 * SetStatusArray --
 *
 *	Stores status in the array variable name (the keys of StatusDict),
 *	as TclMPI does, after unsetting any old value of name.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the variable cannot be set.
 */
int SetStatusArray(Tcl_Interp *interp, Tcl_Obj *name, const MessageStatus &status);

int MpiAbortCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);

int MpiCommSizeCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiCommRankCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiCommSplitCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiCommFreeCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiBarrierCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiCommSplitTypeCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiNodeLeadersCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiHostnameCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);

int MpiSendCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiIsendCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiRecvCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiIrecvCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiProbeCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiIprobeCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiWaitCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiWaitallCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);

int MpiBcastCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiScatterCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiGatherCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiAllgatherCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiReduceCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiAllreduceCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);
int MpiBcastFileCmd(ClientData, Tcl_Interp *, int, Tcl_Obj *const[]);

} // namespace hedflow::mpi

#endif

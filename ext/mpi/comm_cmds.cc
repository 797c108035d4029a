/*
 * comm_cmds.cc --
 *
 *	Tcl commands about communicators and nodes: mpi::comm_size,
 *	comm_rank, comm_split, comm_free, barrier, comm_split_type,
 *	node_leaders and hostname.
 */
#include <mpi.h>
#include <tcl.h>

#include <cstring>
#include <string>

#include "comm_table.h"
#include "commands.h"
#include "conversion.h"
#include "mpi_check.h"
#include "nodes.h"

namespace hedflow::mpi {

/*
 *----------------------------------------------------------------------
 * mpi::comm_size --
 *
 *	Usage: mpi::comm_size COMM
 *
 *	Results:
 *	    The number of ranks in COMM.
 *----------------------------------------------------------------------
 */
int
MpiCommSizeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::comm_size", comm)) {
        return TCL_ERROR;
    }

    int size = 0;
    if (MpiCheck(interp, "mpi::comm_size", MPI_Comm_size(comm, &size)) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(size));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::comm_rank --
 *
 *	Usage: mpi::comm_rank COMM
 *
 *	Results:
 *	    The rank of this process in COMM.
 *----------------------------------------------------------------------
 */
int
MpiCommRankCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::comm_rank", comm)) {
        return TCL_ERROR;
    }

    int rank = 0;
    if (MpiCheck(interp, "mpi::comm_rank", MPI_Comm_rank(comm, &rank)) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(rank));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::comm_split --
 *
 *	Usage: mpi::comm_split COMM COLOR KEY
 *
 *	Collective over COMM. COLOR is a non-negative integer or
 *	mpi::undefined; ranks with the same color form a new communicator,
 *	ordered by KEY and then by their rank in COMM.
 *
 *	Results:
 *	    The new communicator's handle, or mpi::comm_null for
 *	    mpi::undefined.
 *
 *	Side effects:
 *	    Creates a communicator; free it with mpi::comm_free.
 *----------------------------------------------------------------------
 */
int
MpiCommSplitCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm color key");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    int color = 0;
    int key = 0;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK ||
        GetColorFromObj(interp, objv[2], &color) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[3], &key) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::comm_split", comm)) {
        return TCL_ERROR;
    }

    MPI_Comm created = MPI_COMM_NULL;
    if (MpiCheck(interp, "mpi::comm_split", MPI_Comm_split(comm, color, key, &created)) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(RegisterComm(created).c_str(), -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::comm_free --
 *
 *	Usage: mpi::comm_free COMM
 *
 *	Results:
 *	    Empty.
 *
 *	Side effects:
 *	    Frees COMM (collective over it); its handle becomes unknown.
 *	    Pending messages on it still complete.
 *----------------------------------------------------------------------
 */
int
MpiCommFreeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::comm_free", comm)) {
        return TCL_ERROR;
    }
    if (comm == MPI_COMM_WORLD || comm == MPI_COMM_SELF) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "mpi::comm_free: cannot free the predefined communicator \"%s\"; free only handles "
            "that commands such as mpi::comm_split return", Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "MPI", "COMM", "PREDEFINED", Tcl_GetString(objv[1]),
                         (char *)NULL);
        return TCL_ERROR;
    }

    if (MpiCheck(interp, "mpi::comm_free", MPI_Comm_free(&comm)) != TCL_OK) {
        return TCL_ERROR;
    }
    ForgetComm(Tcl_GetString(objv[1]));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::barrier --
 *
 *	Usage: mpi::barrier COMM
 *
 *	Results:
 *	    Empty, once every rank of COMM has called it.
 *----------------------------------------------------------------------
 */
int
MpiBarrierCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::barrier", comm)) {
        return TCL_ERROR;
    }
    return MpiCheck(interp, "mpi::barrier", MPI_Barrier(comm));
}

/*
 *----------------------------------------------------------------------
 * mpi::comm_split_type --
 *
 *	Usage: mpi::comm_split_type COMM shared
 *
 *	Collective over COMM. Groups the ranks of COMM by node; with
 *	HEDFLOW_FAKE_NODES set, by virtual node.
 *
 *	Results:
 *	    A new communicator of the ranks of COMM on this rank's node,
 *	    ordered as in COMM.
 *
 *	Side effects:
 *	    Creates a communicator; free it with mpi::comm_free.
 *----------------------------------------------------------------------
 */
int
MpiCommSplitTypeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm type");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (std::strcmp(Tcl_GetString(objv[2]), "shared") != 0) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "mpi::comm_split_type: unknown split type \"%s\": use shared",
            Tcl_GetString(objv[2])));
        Tcl_SetErrorCode(interp, "MPI", "SPLITTYPE", "UNKNOWN", Tcl_GetString(objv[2]),
                         (char *)NULL);
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::comm_split_type", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::comm_split_type", [&] {
        const std::string handle = RegisterComm(SplitShared(comm));
        Tcl_SetObjResult(interp, Tcl_NewStringObj(handle.c_str(), -1));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::node_leaders --
 *
 *	Usage: mpi::node_leaders COMM
 *
 *	Collective over COMM. The leader of a node is its lowest rank in
 *	COMM; nodes follow HEDFLOW_FAKE_NODES when it is set.
 *
 *	Results:
 *	    On leaders, a new communicator of all leaders ordered as in COMM;
 *	    elsewhere mpi::comm_null.
 *
 *	Side effects:
 *	    Creates a communicator on leaders; free it with mpi::comm_free.
 *----------------------------------------------------------------------
 */
int
MpiNodeLeadersCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::node_leaders", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::node_leaders", [&] {
        const std::string handle = RegisterComm(NodeLeaders(comm));
        Tcl_SetObjResult(interp, Tcl_NewStringObj(handle.c_str(), -1));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::hostname --
 *
 *	Usage: mpi::hostname
 *
 *	Results:
 *	    The host name of this process. With HEDFLOW_FAKE_NODES=K set,
 *	    "<host>-node<i>" for virtual node i = floor(rank*K/size) of the
 *	    world rank, which needs mpi::init first.
 *----------------------------------------------------------------------
 */
int
MpiHostnameCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::hostname", [&] {
        const std::string name = HostName();
        Tcl_SetObjResult(interp, Tcl_NewStringObj(name.c_str(), -1));
        return TCL_OK;
    });
}

} // namespace hedflow::mpi

/*
 * comm_table.cc --
 *
 *	The table that maps communicator handles to MPI_Comm values.
 */
#include "comm_table.h"

#include <map>

namespace hedflow::mpi {

namespace {

/* Communicators created by commands; one table per process is enough
 * because MPI itself is per process. */
std::map<std::string, MPI_Comm> createdComms;
unsigned long nextCommNumber = 0;

} // namespace

int
LookupComm(Tcl_Interp *interp, Tcl_Obj *handle, MPI_Comm *comm)
{
    const std::string name = Tcl_GetString(handle);
    if (name == "mpi::comm_world" || name == "::mpi::comm_world") {
        *comm = MPI_COMM_WORLD;
        return TCL_OK;
    }
    if (name == "mpi::comm_self" || name == "::mpi::comm_self") {
        *comm = MPI_COMM_SELF;
        return TCL_OK;
    }
    if (name == "mpi::comm_null" || name == "::mpi::comm_null") {
        *comm = MPI_COMM_NULL;
        return TCL_OK;
    }

    auto found = createdComms.find(name.rfind("::", 0) == 0 ? name.substr(2) : name);
    if (found == createdComms.end()) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "unknown communicator \"%s\": use mpi::comm_world, mpi::comm_self "
            "or a handle returned by mpi::comm_split", name.c_str()));
        Tcl_SetErrorCode(interp, "MPI", "COMM", "UNKNOWN", name.c_str(), (char *)NULL);
        return TCL_ERROR;
    }
    *comm = found->second;
    return TCL_OK;
}

std::string
RegisterComm(MPI_Comm comm)
{
    if (comm == MPI_COMM_NULL) {
        return "mpi::comm_null";
    }
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    std::string handle = "mpi::comm" + std::to_string(nextCommNumber++);
    createdComms[handle] = comm;
    return handle;
}

void
ForgetComm(const std::string &handle)
{
    createdComms.erase(handle.rfind("::", 0) == 0 ? handle.substr(2) : handle);
}

} // namespace hedflow::mpi

/*
 * mpi_tcl.cc --
 *
 *	Tcl commands of the mpi package (namespace ::mpi) and its entry point
 *	Mpi_Init. Commands follow the TclMPI command set: the Tcl command
 *	mpi::comm_size is the C function MpiCommSizeCmd.
 */
#include <dlfcn.h>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <mpi.h>
#include <tcl.h>

#include "comm_table.h"
#include "mpi_check.h"

using hedflow::mpi::LookupComm;

namespace {

/*
 * StartedAndNotFinished --
 *
 *	Results:
 *	    1 when MPI_Init has run and MPI_Finalize has not. Otherwise 0, with
 *	    an error naming command in the interpreter result.
 */
int
StartedAndNotFinished(Tcl_Interp *interp, const char *command)
{
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) {
        return 1;
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "%s: MPI is %s; call mpi::init first and mpi::finalize last", command,
        finalized ? "already finalized" : "not initialized"));
    Tcl_SetErrorCode(interp, "MPI", "STATE", finalized ? "FINALIZED" : "UNINITIALIZED",
                     (char *)NULL);
    return 0;
}

/*
 * MakeLibmpiGlobal --
 *
 *	Open MPI loads its components with dlopen and expects them to find
 *	libmpi's symbols globally, but Tcl's load opens extensions with
 *	RTLD_LOCAL. Reopening the already-loaded libmpi with RTLD_GLOBAL fixes
 *	that; with MPICH it is harmless.
 *
 *	Side effects:
 *	    Promotes the symbols of the MPI library to the global scope.
 */
void
MakeLibmpiGlobal()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&MPI_Init), &info) != 0 && info.dli_fname != nullptr) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    }
}

/*
 * ExitMpiAware --
 *
 *	Replaces exit(3) for the whole process once MPI is loaded. A clean exit
 *	(status 0) finalizes MPI, so scripts need not call mpi::finalize. Any
 *	other status aborts the MPI job: the other ranks may be blocked waiting
 *	for this one, and an abort ends them instead of leaving them hanging.
 *
 *	Side effects:
 *	    Ends the process.
 */
[[noreturn]] void
ExitMpiAware(ClientData clientData)
{
    const int status = static_cast<int>(reinterpret_cast<intptr_t>(clientData));
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);

    if (initialized && !finalized) {
        if (status == 0) {
            MPI_Finalize();
        } else {
            Tcl_Finalize();
            MPI_Abort(MPI_COMM_WORLD, status);
        }
    }
    Tcl_Finalize();
    exit(status);
}

/*
 *----------------------------------------------------------------------
 * mpi::init --
 *
 *	Usage: mpi::init
 *
 *	Results:
 *	    The thread support level MPI granted: single, funneled,
 *	    serialized or multiple. The queue needs funneled, because only
 *	    the thread that called init makes MPI calls.
 *
 *	Side effects:
 *	    Initializes MPI and sets MPI_ERRORS_RETURN on the predefined
 *	    communicators.
 *----------------------------------------------------------------------
 */
int
MpiInitCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }

    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj(
            "mpi::init: MPI is already initialized; call mpi::init once per process", -1));
        Tcl_SetErrorCode(interp, "MPI", "STATE", "INITIALIZED", (char *)NULL);
        return TCL_ERROR;
    }

    int provided = MPI_THREAD_SINGLE;
    int argc = 0;
    char **argv = nullptr;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj("mpi::init: MPI_Init_thread failed", -1));
        Tcl_SetErrorCode(interp, "MPI", "INIT", (char *)NULL);
        return TCL_ERROR;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    const char *level = "single";
    switch (provided) {
    case MPI_THREAD_FUNNELED: level = "funneled"; break;
    case MPI_THREAD_SERIALIZED: level = "serialized"; break;
    case MPI_THREAD_MULTIPLE: level = "multiple"; break;
    default: break;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(level, -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::initialized --
 *
 *	Usage: mpi::initialized
 *
 *	Results:
 *	    1 if MPI_Init has been called, else 0.
 *----------------------------------------------------------------------
 */
int
MpiInitializedCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    int flag = 0;
    MPI_Initialized(&flag);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(flag));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::finalize --
 *
 *	Usage: mpi::finalize
 *
 *	Results:
 *	    Empty.
 *
 *	Side effects:
 *	    Shuts MPI down; no MPI command works afterwards.
 *----------------------------------------------------------------------
 */
int
MpiFinalizeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    if (!StartedAndNotFinished(interp, "mpi::finalize")) {
        return TCL_ERROR;
    }
    return MpiCheck(interp, "mpi::finalize", MPI_Finalize());
}

/*
 *----------------------------------------------------------------------
 * mpi::finalized --
 *
 *	Usage: mpi::finalized
 *
 *	Results:
 *	    1 if MPI_Finalize has been called, else 0.
 *----------------------------------------------------------------------
 */
int
MpiFinalizedCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    int flag = 0;
    MPI_Finalized(&flag);
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(flag));
    return TCL_OK;
}

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
    if (!StartedAndNotFinished(interp, "mpi::comm_size")) {
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
    if (!StartedAndNotFinished(interp, "mpi::comm_rank")) {
        return TCL_ERROR;
    }

    int rank = 0;
    if (MpiCheck(interp, "mpi::comm_rank", MPI_Comm_rank(comm, &rank)) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(rank));
    return TCL_OK;
}

struct CommandEntry {
    const char *name;
    Tcl_ObjCmdProc *proc;
};

const CommandEntry commands[] = {
    {"::mpi::init", MpiInitCmd},
    {"::mpi::initialized", MpiInitializedCmd},
    {"::mpi::finalize", MpiFinalizeCmd},
    {"::mpi::finalized", MpiFinalizedCmd},
    {"::mpi::comm_size", MpiCommSizeCmd},
    {"::mpi::comm_rank", MpiCommRankCmd},
};

} // namespace

/*
 *----------------------------------------------------------------------
 * Mpi_Init --
 *
 *	Entry point called by `load`.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the Tcl stubs do not match.
 *
 *	Side effects:
 *	    Creates the ::mpi commands and handle variables, installs the
 *	    MPI-aware exit procedure and provides package mpi.
 *----------------------------------------------------------------------
 */
extern "C" int
Mpi_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    MakeLibmpiGlobal();

    if (Tcl_CreateNamespace(interp, "::mpi", nullptr, nullptr) == nullptr) {
        return TCL_ERROR;
    }
    for (const CommandEntry &entry : commands) {
        Tcl_CreateObjCommand(interp, entry.name, entry.proc, nullptr, nullptr);
    }

    /* Handles are plain strings, so `$mpi::comm_world` and the literal
     * name both work. */
    const char *handles[] = {"comm_world", "comm_self", "comm_null"};
    for (const char *handle : handles) {
        Tcl_Obj *value = Tcl_ObjPrintf("mpi::%s", handle);
        if (Tcl_SetVar2Ex(interp, (std::string("::mpi::") + handle).c_str(), nullptr, value,
                          TCL_LEAVE_ERR_MSG) == nullptr) {
            return TCL_ERROR;
        }
    }

    Tcl_SetExitProc(ExitMpiAware);
    return Tcl_PkgProvide(interp, "mpi", PACKAGE_VERSION);
}

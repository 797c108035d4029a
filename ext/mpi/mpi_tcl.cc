/*
 * mpi_tcl.cc --
 *
 *	Entry point Mpi_Init of the mpi package (namespace ::mpi), the
 *	start-up and shutdown commands, and the table of all commands. The
 *	commands follow the TclMPI 1.2 command set, so a TclMPI script ports
 *	by renaming tclmpi:: to mpi::; the other commands live in the files
 *	listed in commands.h.
 */
#include <dlfcn.h>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <mpi.h>
#include <tcl.h>

#include "comm_table.h"
#include "commands.h"
#include "conversion.h"
#include "job_abort.h"
#include "mpi_check.h"

namespace hedflow::mpi {

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

int
NotNullComm(Tcl_Interp *interp, const char *command, MPI_Comm comm)
{
    if (comm != MPI_COMM_NULL) {
        return 1;
    }
    SetErrorResult(interp, command, MpiErrorFromCode(MPI_ERR_COMM));
    return 0;
}

int
UsableComm(Tcl_Interp *interp, const char *command, MPI_Comm comm)
{
    return StartedAndNotFinished(interp, command) && NotNullComm(interp, command, comm);
}

} // namespace hedflow::mpi

using namespace hedflow::mpi;

namespace {

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
 * PinThisModule --
 *
 *	Keeps this module loaded until the process ends. ExitMpiAware runs
 *	Tcl_Finalize, which unloads the modules Tcl loaded, and would then
 *	return into code that is gone.
 *
 *	Side effects:
 *	    Adds a reference to this module that dlclose never drops.
 */
void
PinThisModule()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&PinThisModule), &info) != 0 && info.dli_fname != nullptr) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
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
            // Flush the channels first: the abort does not return.
            Tcl_Finalize();
            AbortJob(MPI_COMM_WORLD, status);
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
 *	    communicators. Like MPI_Init in C, passes the global argv to MPI
 *	    and sets argv and argc to what MPI leaves of it.
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

    /* MPI may remove its own options from the arguments it is given. */
    std::vector<std::string> words;
    Tcl_Obj *argv0 = Tcl_GetVar2Ex(interp, "::argv0", nullptr, TCL_GLOBAL_ONLY);
    words.push_back(argv0 != nullptr ? Tcl_GetString(argv0) : "tclsh");
    Tcl_Obj *argvObj = Tcl_GetVar2Ex(interp, "::argv", nullptr, TCL_GLOBAL_ONLY);
    int count = 0;
    Tcl_Obj **elements = nullptr;
    const bool haveArgv = argvObj != nullptr &&
                          Tcl_ListObjGetElements(nullptr, argvObj, &count, &elements) == TCL_OK;
    for (int i = 0; haveArgv && i < count; ++i) {
        words.push_back(Tcl_GetString(elements[i]));
    }
    std::vector<char *> pointers;
    for (std::string &word : words) {
        pointers.push_back(word.data());
    }
    pointers.push_back(nullptr);
    int argc = static_cast<int>(words.size());
    char **argv = pointers.data();

    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj("mpi::init: MPI_Init_thread failed", -1));
        Tcl_SetErrorCode(interp, "MPI", "INIT", (char *)NULL);
        return TCL_ERROR;
    }
    if (haveArgv && argc >= 1) {
        Tcl_Obj *remaining = Tcl_NewListObj(0, nullptr);
        for (int i = 1; i < argc; ++i) {
            Tcl_ListObjAppendElement(nullptr, remaining, Tcl_NewStringObj(argv[i], -1));
        }
        Tcl_SetVar2Ex(interp, "::argv", nullptr, remaining, TCL_GLOBAL_ONLY);
        Tcl_SetVar2Ex(interp, "::argc", nullptr, Tcl_NewIntObj(argc - 1), TCL_GLOBAL_ONLY);
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

} // namespace

/*
 *----------------------------------------------------------------------
 * mpi::abort --
 *
 *	Usage: mpi::abort COMM ERRORCODE
 *
 *	Results:
 *	    None on success: the process ends.
 *
 *	Side effects:
 *	    Flushes stdout and stderr, then asks MPI to end every rank of
 *	    COMM (in practice the whole job) with exit status ERRORCODE.
 *----------------------------------------------------------------------
 */
int
hedflow::mpi::MpiAbortCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm errorcode");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    int errorCode = 0;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[2], &errorCode) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!StartedAndNotFinished(interp, "mpi::abort")) {
        return TCL_ERROR;
    }
    if (!NotNullComm(interp, "mpi::abort", comm)) {
        return TCL_ERROR;
    }

    for (int channel : {TCL_STDOUT, TCL_STDERR}) {
        if (Tcl_Channel open = Tcl_GetStdChannel(channel)) {
            Tcl_Flush(open);
        }
    }
    return MpiCheck(interp, "mpi::abort", AbortJob(comm, errorCode));
}

namespace {

struct CommandEntry {
    const char *name;
    Tcl_ObjCmdProc *proc;
};

const CommandEntry commands[] = {
    {"::mpi::init", MpiInitCmd},
    {"::mpi::initialized", MpiInitializedCmd},
    {"::mpi::finalize", MpiFinalizeCmd},
    {"::mpi::finalized", MpiFinalizedCmd},
    {"::mpi::abort", MpiAbortCmd},
    {"::mpi::conv_set", MpiConvSetCmd},
    {"::mpi::conv_get", MpiConvGetCmd},
    {"::mpi::comm_size", MpiCommSizeCmd},
    {"::mpi::comm_rank", MpiCommRankCmd},
    {"::mpi::comm_split", MpiCommSplitCmd},
    {"::mpi::comm_free", MpiCommFreeCmd},
    {"::mpi::barrier", MpiBarrierCmd},
    {"::mpi::comm_split_type", MpiCommSplitTypeCmd},
    {"::mpi::node_leaders", MpiNodeLeadersCmd},
    {"::mpi::hostname", MpiHostnameCmd},
    {"::mpi::send", MpiSendCmd},
    {"::mpi::isend", MpiIsendCmd},
    {"::mpi::recv", MpiRecvCmd},
    {"::mpi::irecv", MpiIrecvCmd},
    {"::mpi::probe", MpiProbeCmd},
    {"::mpi::iprobe", MpiIprobeCmd},
    {"::mpi::wait", MpiWaitCmd},
    {"::mpi::waitall", MpiWaitallCmd},
    {"::mpi::bcast", MpiBcastCmd},
    {"::mpi::scatter", MpiScatterCmd},
    {"::mpi::gather", MpiGatherCmd},
    {"::mpi::allgather", MpiAllgatherCmd},
    {"::mpi::reduce", MpiReduceCmd},
    {"::mpi::allreduce", MpiAllreduceCmd},
    {"::mpi::bcast_file", MpiBcastFileCmd},
};

/* Variables whose value is their own qualified name, as TclMPI defines
 * them, so $mpi::int and the literal mpi::int both work. */
const char *const constantNames[] = {
    "comm_world", "comm_self", "comm_null", "auto", "int", "double", "intint", "dblint",
    "max", "min", "sum", "prod", "land", "band", "lor", "bor", "lxor", "bxor", "maxloc",
    "minloc", "any_source", "any_tag", "undefined", "error", "abort", "tozero",
};

} // namespace

/*
 *----------------------------------------------------------------------
 * HedflowMpi_RegisterComm --
 *
 *	The way for another package (adlb hands parallel tasks their
 *	communicator) to give Tcl scripts a handle for a communicator it made.
 *
 *	Results:
 *	    A new Tcl string object holding the handle, usable by every mpi::
 *	    command; reference count 0.
 *
 *	Side effects:
 *	    Stores comm in the handle table and sets MPI_ERRORS_RETURN on it.
 *----------------------------------------------------------------------
 */
extern "C" __attribute__((visibility("default"))) Tcl_Obj *
HedflowMpi_RegisterComm(MPI_Comm comm)
{
    const std::string handle = hedflow::mpi::RegisterComm(comm);
    return Tcl_NewStringObj(handle.c_str(), static_cast<int>(handle.size()));
}

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
 *	    Creates and exports the ::mpi commands, sets the constant
 *	    variables (handles, types, operators, policies) and mpi::version,
 *	    installs the MPI-aware exit procedure and provides package mpi.
 *----------------------------------------------------------------------
 */
extern "C" int
Mpi_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    MakeLibmpiGlobal();
    PinThisModule();

    Tcl_Namespace *ns = Tcl_CreateNamespace(interp, "::mpi", nullptr, nullptr);
    if (ns == nullptr) {
        return TCL_ERROR;
    }
    for (const CommandEntry &entry : commands) {
        Tcl_CreateObjCommand(interp, entry.name, entry.proc, nullptr, nullptr);
    }
    /* Exported like TclMPI's, for `namespace import mpi::*`. */
    if (Tcl_Export(interp, ns, "*", 0) != TCL_OK) {
        return TCL_ERROR;
    }

    for (const char *name : constantNames) {
        Tcl_Obj *value = Tcl_ObjPrintf("mpi::%s", name);
        if (Tcl_SetVar2Ex(interp, (std::string("::mpi::") + name).c_str(), nullptr, value,
                          TCL_LEAVE_ERR_MSG) == nullptr) {
            return TCL_ERROR;
        }
    }
    if (Tcl_SetVar2Ex(interp, "::mpi::version", nullptr, Tcl_NewStringObj(PACKAGE_VERSION, -1),
                      TCL_LEAVE_ERR_MSG) == nullptr) {
        return TCL_ERROR;
    }

    Tcl_SetExitProc(ExitMpiAware);
    return Tcl_PkgProvide(interp, "mpi", PACKAGE_VERSION);
}

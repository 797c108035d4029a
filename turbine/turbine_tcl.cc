/*
 * turbine_tcl.cc --
 *
 *	The native part of the turbine package: evaluation with a time limit,
 *	fsync of a channel, and the exit status of a run with failed tasks.
 *	The task path (queuing, running and waiting) is in engine.cc; the
 *	rest of turbine is Tcl.
 */
#include <dlfcn.h>
#include <tcl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>

#include "watchdog.h"

namespace {

/*
 *----------------------------------------------------------------------
 * turbine::eval_timeout --
 *
 *	Usage: turbine::eval_timeout SECONDS SCRIPT
 *
 *	Results:
 *	    The result of SCRIPT evaluated at global level. When SCRIPT runs
 *	    longer than SECONDS, its evaluation is canceled (Tcl_CancelEval)
 *	    and the command raises "timed out after SECONDS s" with the error
 *	    code {TURBINE TASK TIMEOUT SECONDS}. Cancellation takes effect at
 *	    the next Tcl command. A script blocked inside one long C call, such
 *	    as exec waiting for a program, stops only when that call returns.
 *	    turbine::app kills its programs itself.
 *
 *	Side effects:
 *	    Those of SCRIPT; starts and joins one timer thread.
 *----------------------------------------------------------------------
 */
int
EvalTimeoutCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "seconds script");
        return TCL_ERROR;
    }

    double seconds = 0.0;
    if (Tcl_GetDoubleFromObj(interp, objv[1], &seconds) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!(seconds > 0.0)) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "invalid time limit \"%s\": give a number of seconds above 0", Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "TIMEOUT", (char *)NULL);
        return TCL_ERROR;
    }

    int code = TCL_OK;
    bool expired = false;
    try {
        // A canceled script may catch the cancellation error, so it is
        // repeated every 20 ms until the evaluation returns.
        // NOTE: a script that catches every error in an endless loop is
        // never stopped. Unwinding through its catches would also unwind
        // the caller, because resetting the unwind needs Tcl's private API.
        turbine::Watchdog watchdog(seconds, 0.02, [interp] {
            Tcl_CancelEval(interp, nullptr, nullptr, 0);
        });
        code = Tcl_EvalObjEx(interp, objv[2], TCL_EVAL_GLOBAL);
        expired = watchdog.Disarm();
    } catch (const std::exception &error) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "turbine::eval_timeout: cannot start the timer thread: %s", error.what()));
        Tcl_SetErrorCode(interp, "TURBINE", "SYSTEM", (char *)NULL);
        return TCL_ERROR;
    }

    // A script that caught the cancellation and then returned still ran
    // past its limit, so it fails too.
    if (expired) {
        code = TCL_ERROR;
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("timed out after %s s", Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "TURBINE", "TASK", "TIMEOUT", Tcl_GetString(objv[1]), (char *)NULL);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 * turbine::fsync --
 *
 *	Usage: turbine::fsync CHANNEL
 *
 *	Results:
 *	    Empty, once the data written to CHANNEL has reached the disk.
 *
 *	Side effects:
 *	    Flushes CHANNEL and calls fsync(2) on its file descriptor.
 *----------------------------------------------------------------------
 */
int
FsyncCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "channel");
        return TCL_ERROR;
    }

    int mode = 0;
    Tcl_Channel channel = Tcl_GetChannel(interp, Tcl_GetString(objv[1]), &mode);
    if (channel == nullptr) {
        return TCL_ERROR;
    }
    if (!(mode & TCL_WRITABLE)) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "channel \"%s\" is not open for writing", Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "CHANNEL", (char *)NULL);
        return TCL_ERROR;
    }
    if (Tcl_Flush(channel) != TCL_OK) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "cannot flush \"%s\": %s", Tcl_GetString(objv[1]), Tcl_PosixError(interp)));
        return TCL_ERROR;
    }

    ClientData handle = nullptr;
    if (Tcl_GetChannelHandle(channel, TCL_WRITABLE, &handle) != TCL_OK) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "channel \"%s\" has no file descriptor to sync", Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "CHANNEL", (char *)NULL);
        return TCL_ERROR;
    }
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(handle));
    if (fsync(fd) != 0) {
        Tcl_SetErrno(errno);
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "cannot sync \"%s\" to disk: %s", Tcl_GetString(objv[1]), Tcl_PosixError(interp)));
        return TCL_ERROR;
    }
    return TCL_OK;
}

/* The status a clean exit is raised to, and the exit procedure it wraps. */
int exitFloor = 0;
Tcl_ExitProc *wrappedExit = nullptr;
bool exitWrapped = false;

/*
 * ExitWithFloor --
 *
 *	Replaces a clean exit status (0) with exitFloor, then hands over to
 *	the exit procedure installed before (the mpi package's) or exits.
 *
 *	Side effects:
 *	    Ends the process.
 */
[[noreturn]] void
ExitWithFloor(ClientData clientData)
{
    int status = static_cast<int>(reinterpret_cast<intptr_t>(clientData));
    if (status == 0) {
        status = exitFloor;
    }
    if (wrappedExit != nullptr) {
        wrappedExit(reinterpret_cast<ClientData>(static_cast<intptr_t>(status)));
    }
    Tcl_Finalize();
    exit(status);
}

/*
 *----------------------------------------------------------------------
 * turbine::set_exit_floor --
 *
 *	Usage: turbine::set_exit_floor STATUS
 *
 *	Results:
 *	    Empty.
 *
 *	Side effects:
 *	    From now on, a process exit with status 0 (including the end of
 *	    the script) exits with STATUS instead. turbine::run uses it so a
 *	    run with failed tasks ends with a non-zero status.
 *----------------------------------------------------------------------
 */
int
SetExitFloorCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "status");
        return TCL_ERROR;
    }
    int status = 0;
    if (Tcl_GetIntFromObj(interp, objv[1], &status) != TCL_OK) {
        return TCL_ERROR;
    }
    if (status < 0 || status > 255) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "invalid exit status \"%d\": give a number from 0 to 255", status));
        Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "STATUS", (char *)NULL);
        return TCL_ERROR;
    }
    exitFloor = status;
    if (!exitWrapped) {
        // ExitWithFloor runs Tcl_Finalize, which unloads Tcl's modules, this
        // one included; keep it loaded until the process ends.
        Dl_info info;
        if (dladdr(reinterpret_cast<void *>(&ExitWithFloor), &info) != 0 && info.dli_fname != nullptr) {
            dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        }
        wrappedExit = Tcl_SetExitProc(ExitWithFloor);
        exitWrapped = true;
    }
    return TCL_OK;
}

} // namespace

void RegisterEngineCommands(Tcl_Interp *interp);
void RegisterProgramCommands(Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 * Turbine_Init --
 *
 *	Entry point called by `load` from turbine's pkgIndex.tcl, before the
 *	Tcl files of the package are sourced.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the Tcl stubs do not match.
 *
 *	Side effects:
 *	    Creates turbine::eval_timeout, turbine::fsync,
 *	    turbine::set_exit_floor, the commands of the task engine
 *	    (engine_tcl.cc) and those that run programs (program_tcl.cc).
 *----------------------------------------------------------------------
 */
extern "C" int
Turbine_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    if (Tcl_CreateNamespace(interp, "::turbine", nullptr, nullptr) == nullptr) {
        return TCL_ERROR;
    }
    Tcl_CreateObjCommand(interp, "::turbine::eval_timeout", EvalTimeoutCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::turbine::fsync", FsyncCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::turbine::set_exit_floor", SetExitFloorCmd, nullptr, nullptr);
    RegisterEngineCommands(interp);
    RegisterProgramCommands(interp);
    return TCL_OK;
}

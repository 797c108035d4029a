/*
 * program_tcl.cc --
 *
 *	The Tcl commands over program.cc, for turbine::runProgram (app.tcl):
 *	    turbine::StartProgram STDERR_PATH ENVIRONMENT COMMAND
 *	    turbine::WaitProgram PID
 */
#include <tcl.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "program.h"

namespace {

bool
GetStrings(Tcl_Interp *interp, Tcl_Obj *list, std::vector<std::string> *strings)
{
    int count = 0;
    Tcl_Obj **items = nullptr;
    if (Tcl_ListObjGetElements(interp, list, &count, &items) != TCL_OK) {
        return false;
    }
    for (int i = 0; i < count; i++) {
        strings->emplace_back(Tcl_GetString(items[i]));
    }
    return true;
}

/*
 *----------------------------------------------------------------------
 * turbine::StartProgram --
 *
 *	Usage: turbine::StartProgram STDERR_PATH ENVIRONMENT COMMAND
 *
 *	Results:
 *	    {PID CHANNEL}: the process to pass to turbine::WaitProgram and a
 *	    readable channel of the program's stdout. A program that cannot
 *	    be run raises {TURBINE APP START PROGRAM}.
 *----------------------------------------------------------------------
 */
int
StartProgramCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "stderrPath environment command");
        return TCL_ERROR;
    }
    std::vector<std::string> environment;
    std::vector<std::string> command;
    if (!GetStrings(interp, objv[2], &environment) || !GetStrings(interp, objv[3], &command)) {
        return TCL_ERROR;
    }
    if (command.empty()) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj("turbine::StartProgram: empty command", -1));
        return TCL_ERROR;
    }

    turbine::StartedProgram started;
    const char *failedStep = nullptr;
    const int error = turbine::StartProgram(command, environment, Tcl_GetString(objv[1]), &started,
                                            &failedStep);
    if (error != 0) {
        const char *program = command[0].c_str();
        if (std::strcmp(failedStep, "run") == 0) {
            Tcl_SetObjResult(interp, Tcl_ObjPrintf(
                "turbine::app: cannot run \"%s\": %s; check the program name and PATH", program,
                std::strerror(error)));
        } else {
            Tcl_SetObjResult(interp, Tcl_ObjPrintf("turbine::app: cannot start \"%s\": %s failed: %s",
                                                   program, failedStep, std::strerror(error)));
        }
        Tcl_SetErrorCode(interp, "TURBINE", "APP", "START", program, (char *)NULL);
        return TCL_ERROR;
    }

    Tcl_Channel channel = Tcl_MakeFileChannel(
        reinterpret_cast<ClientData>(static_cast<intptr_t>(started.stdoutFd)), TCL_READABLE);
    Tcl_RegisterChannel(interp, channel);
    Tcl_Obj *result = Tcl_NewListObj(0, nullptr);
    Tcl_ListObjAppendElement(interp, result, Tcl_NewIntObj(started.pid));
    Tcl_ListObjAppendElement(interp, result, Tcl_NewStringObj(Tcl_GetChannelName(channel), -1));
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * turbine::WaitProgram --
 *
 *	Usage: turbine::WaitProgram PID
 *
 *	Results:
 *	    {exit STATUS} or {signal NAME} (such as SIGKILL) once the program
 *	    started as PID has ended.
 *----------------------------------------------------------------------
 */
int
WaitProgramCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "pid");
        return TCL_ERROR;
    }
    int pid = 0;
    if (Tcl_GetIntFromObj(interp, objv[1], &pid) != TCL_OK) {
        return TCL_ERROR;
    }
    int status = 0;
    int signal = 0;
    const int error = turbine::WaitProgram(pid, &status, &signal);
    if (error != 0) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("turbine::WaitProgram: cannot wait for process %d: %s",
                                               pid, std::strerror(error)));
        return TCL_ERROR;
    }
    Tcl_Obj *result = Tcl_NewListObj(0, nullptr);
    if (signal != 0) {
        Tcl_ListObjAppendElement(interp, result, Tcl_NewStringObj("signal", -1));
        Tcl_ListObjAppendElement(interp, result, Tcl_NewStringObj(Tcl_SignalId(signal), -1));
    } else {
        Tcl_ListObjAppendElement(interp, result, Tcl_NewStringObj("exit", -1));
        Tcl_ListObjAppendElement(interp, result, Tcl_NewIntObj(status));
    }
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

} // namespace

void
RegisterProgramCommands(Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::turbine::StartProgram", StartProgramCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::turbine::WaitProgram", WaitProgramCmd, nullptr, nullptr);
}

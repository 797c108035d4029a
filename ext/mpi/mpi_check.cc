/*
 * mpi_check.cc --
 *
 *	Conversion of MPI error codes and core errors into Tcl errors.
 */
#include "mpi_check.h"

int
MpiCheck(Tcl_Interp *interp, const char *command, int code)
{
    if (code == MPI_SUCCESS) {
        return TCL_OK;
    }
    return SetErrorResult(interp, command, hedflow::mpi::MpiErrorFromCode(code));
}

int
SetErrorResult(Tcl_Interp *interp, const char *command, const hedflow::mpi::Error &error)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", command, error.what()));

    Tcl_Obj *code = Tcl_NewListObj(0, nullptr);
    Tcl_ListObjAppendElement(nullptr, code, Tcl_NewStringObj("MPI", -1));
    for (const std::string &word : error.codeWords) {
        Tcl_ListObjAppendElement(nullptr, code,
                                 Tcl_NewStringObj(word.data(), static_cast<int>(word.size())));
    }
    Tcl_SetObjErrorCode(interp, code);
    return TCL_ERROR;
}

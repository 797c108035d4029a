/*
 * python_tcl.cc --
 *
 *	Entry point Python_Init of the python package (namespace ::python)
 *	and its commands: python::exec, python::eval and python::call. They
 *	convert between Tcl strings and UTF-8, flush Tcl's standard channels
 *	before Python writes to the same files, and turn a Python exception
 *	into a Tcl error with the error code {PYTHON EXCEPTION type}. The
 *	interpreter itself lives in embedded.cc.
 */
#include <tcl.h>

#include <exception>
#include <string>
#include <vector>

#include "embedded.h"

namespace {

namespace py = hedflow::python;

Tcl_Encoding utf8Encoding = nullptr;

/*
 * ToUtf8 --
 *
 *	Returns the UTF-8 bytes of a Tcl value (Tcl's internal form differs
 *	for NUL and for characters outside the BMP).
 */
std::string
ToUtf8(Tcl_Obj *object)
{
    int length = 0;
    const char *text = Tcl_GetStringFromObj(object, &length);
    Tcl_DString buffer;
    Tcl_UtfToExternalDString(utf8Encoding, text, length, &buffer);
    std::string bytes(Tcl_DStringValue(&buffer), static_cast<size_t>(Tcl_DStringLength(&buffer)));
    Tcl_DStringFree(&buffer);
    return bytes;
}

/*
 * NewObjFromUtf8 --
 *
 *	Returns a new Tcl value (reference count 0) holding UTF-8 bytes.
 */
Tcl_Obj *
NewObjFromUtf8(const std::string &bytes)
{
    Tcl_DString buffer;
    Tcl_ExternalToUtfDString(utf8Encoding, bytes.data(), static_cast<int>(bytes.size()), &buffer);
    Tcl_Obj *object = Tcl_NewStringObj(Tcl_DStringValue(&buffer), Tcl_DStringLength(&buffer));
    Tcl_DStringFree(&buffer);
    return object;
}

/*
 * FlushTclOutput --
 *
 *	Flushes Tcl's stdout and stderr channels, so their buffered text
 *	comes out before what Python writes to the same file descriptors.
 */
void
FlushTclOutput()
{
    for (int type : {TCL_STDOUT, TCL_STDERR}) {
        Tcl_Channel channel = Tcl_GetStdChannel(type);
        if (channel != nullptr) {
            Tcl_Flush(channel);
        }
    }
}

/*
 * CancelCheckFor --
 *
 *	Returns a check that reports whether the evaluation in interp was
 *	canceled (Tcl_CancelEval, as turbine's task time limit does), so a
 *	time limit also stops Python code.
 */
py::CancelCheck
CancelCheckFor(Tcl_Interp *interp)
{
    return [interp] {
        // Tcl_CancelEval from another thread only marks an async handler;
        // running it here sets the flag that Tcl_Canceled reads.
        if (Tcl_AsyncReady()) {
            Tcl_AsyncInvoke(interp, TCL_OK);
        }
        return Tcl_Canceled(interp, 0) == TCL_ERROR;
    };
}

/*
 * ReturnOutcome --
 *
 *	Sets the interpreter result from outcome. Returns TCL_OK, or
 *	TCL_ERROR with the error code {PYTHON EXCEPTION type}, or
 *	{PYTHON INIT} when the interpreter failed to start.
 */
int
ReturnOutcome(Tcl_Interp *interp, const py::Outcome &outcome)
{
    Tcl_SetObjResult(interp, NewObjFromUtf8(outcome.text));
    if (outcome.ok) {
        return TCL_OK;
    }
    if (outcome.errorType == "INIT") {
        Tcl_SetErrorCode(interp, "PYTHON", "INIT", (char *)NULL);
    } else {
        Tcl_Obj *code = Tcl_NewListObj(0, nullptr);
        Tcl_ListObjAppendElement(nullptr, code, Tcl_NewStringObj("PYTHON", -1));
        Tcl_ListObjAppendElement(nullptr, code, Tcl_NewStringObj("EXCEPTION", -1));
        Tcl_ListObjAppendElement(nullptr, code, NewObjFromUtf8(outcome.errorType));
        Tcl_SetObjErrorCode(interp, code);
    }
    return TCL_ERROR;
}

/*
 * ReturnSystemError --
 *
 *	Reports a C++ exception from the core (out of memory, no thread for
 *	the cancel monitor) as a Tcl error.
 */
int
ReturnSystemError(Tcl_Interp *interp, const char *command, const std::exception &error)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", command, error.what()));
    Tcl_SetErrorCode(interp, "PYTHON", "SYSTEM", (char *)NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 * python::exec --
 *
 *	Usage: python::exec CODE
 *
 *	Results:
 *	    Empty once the Python statements in CODE have run in module
 *	    __main__. An exception raises a Tcl error whose message is
 *	    "TYPE: VALUE", a newline and Python's traceback, with the error
 *	    code {PYTHON EXCEPTION TYPE}.
 *
 *	Side effects:
 *	    Those of the code; globals and imported modules persist for the
 *	    next call. Starts the interpreter on the first call. Flushes
 *	    Tcl's stdout and stderr before, and Python's after.
 *----------------------------------------------------------------------
 */
int
ExecCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "code");
        return TCL_ERROR;
    }

    const std::string code = ToUtf8(objv[1]);

    FlushTclOutput();
    try {
        return ReturnOutcome(interp, py::Exec(code, CancelCheckFor(interp)));
    } catch (const std::exception &error) {
        return ReturnSystemError(interp, "python::exec", error);
    }
}

/*
 *----------------------------------------------------------------------
 * python::eval --
 *
 *	Usage: python::eval EXPRESSION
 *
 *	Results:
 *	    str() of the value of the Python EXPRESSION, evaluated in module
 *	    __main__ (None gives "None"). Exceptions as for python::exec.
 *
 *	Side effects:
 *	    As for python::exec.
 *----------------------------------------------------------------------
 */
int
EvalCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "expression");
        return TCL_ERROR;
    }

    const std::string expression = ToUtf8(objv[1]);

    FlushTclOutput();
    try {
        return ReturnOutcome(interp, py::Eval(expression, CancelCheckFor(interp)));
    } catch (const std::exception &error) {
        return ReturnSystemError(interp, "python::eval", error);
    }
}

/*
 *----------------------------------------------------------------------
 * python::call --
 *
 *	Usage: python::call FUNCTION ?ARG ...?
 *
 *	Results:
 *	    str() of FUNCTION(ARG, ...), each ARG passed as a Python str.
 *	    FUNCTION is "module.name" (the module is imported; it stays
 *	    imported) or a name defined in __main__ or builtins. Exceptions
 *	    as for python::exec.
 *
 *	Side effects:
 *	    As for python::exec.
 *----------------------------------------------------------------------
 */
int
CallCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc < 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "function ?arg ...?");
        return TCL_ERROR;
    }

    const std::string name = ToUtf8(objv[1]);
    if (name.empty() || name.front() == '.' || name.back() == '.') {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "python::call: invalid function name \"%s\": give module.function or a name in __main__",
            Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "PYTHON", "ARGUMENT", "FUNCTION", Tcl_GetString(objv[1]),
                         (char *)NULL);
        return TCL_ERROR;
    }
    std::vector<std::string> arguments;
    for (int i = 2; i < objc; ++i) {
        arguments.push_back(ToUtf8(objv[i]));
    }

    FlushTclOutput();
    try {
        return ReturnOutcome(interp, py::Call(name, arguments, CancelCheckFor(interp)));
    } catch (const std::exception &error) {
        return ReturnSystemError(interp, "python::call", error);
    }
}

} // namespace

/*
 *----------------------------------------------------------------------
 * Python_Init --
 *
 *	Entry point called by `load`. Python itself starts on the first
 *	command, so loading the package on ranks that never call Python
 *	costs nothing.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the Tcl stubs do not match or Tcl has
 *	    no UTF-8 encoding.
 *
 *	Side effects:
 *	    Creates and exports the ::python commands, sets python::version
 *	    and provides package python.
 *----------------------------------------------------------------------
 */
extern "C" int
Python_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    if (utf8Encoding == nullptr) {
        // Kept for the life of the process, like the interpreter.
        utf8Encoding = Tcl_GetEncoding(interp, "utf-8");
        if (utf8Encoding == nullptr) {
            return TCL_ERROR;
        }
    }

    Tcl_Namespace *ns = Tcl_CreateNamespace(interp, "::python", nullptr, nullptr);
    if (ns == nullptr) {
        return TCL_ERROR;
    }
    Tcl_CreateObjCommand(interp, "::python::exec", ExecCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::python::eval", EvalCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::python::call", CallCmd, nullptr, nullptr);
    if (Tcl_Export(interp, ns, "*", 0) != TCL_OK) {
        return TCL_ERROR;
    }
    if (Tcl_SetVar2Ex(interp, "::python::version", nullptr, Tcl_NewStringObj(PACKAGE_VERSION, -1),
                      TCL_LEAVE_ERR_MSG) == nullptr) {
        return TCL_ERROR;
    }
    return Tcl_PkgProvide(interp, "python", PACKAGE_VERSION);
}

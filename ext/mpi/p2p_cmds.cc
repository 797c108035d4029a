/*
 * p2p_cmds.cc --
 *
 *	Tcl commands for point-to-point messages: mpi::send, isend, recv,
 *	irecv, probe, iprobe, wait and waitall. The data type given to a
 *	receive must be the one the sender used, as in TclMPI.
 */
#include <mpi.h>
#include <tcl.h>

#include <string>
#include <vector>

#include "comm_table.h"
#include "commands.h"
#include "conversion.h"
#include "mpi_check.h"
#include "point_to_point.h"

namespace hedflow::mpi {

namespace {

/*
 * Reads the arguments "source tag comm" shared by recv, irecv, probe and
 * iprobe, starting at objv[first]. Returns TCL_OK or TCL_ERROR.
 */
int
GetEnvelope(Tcl_Interp *interp, Tcl_Obj *const objv[], int first, int *source, int *tag,
            MPI_Comm *comm)
{
    if (GetSourceFromObj(interp, objv[first], source) != TCL_OK ||
        GetTagFromObj(interp, objv[first + 1], tag) != TCL_OK ||
        LookupComm(interp, objv[first + 2], comm) != TCL_OK) {
        return TCL_ERROR;
    }
    return TCL_OK;
}

/* Reads the arguments "data type dest tag comm" of send and isend. */
int
GetSendArguments(Tcl_Interp *interp, Tcl_Obj *const objv[], DataType *type, int *dest, int *tag,
                 MPI_Comm *comm, const char *command)
{
    if (GetDataTypeFromObj(interp, command, objv[2], type) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[3], dest) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[4], tag) != TCL_OK ||
        LookupComm(interp, objv[5], comm) != TCL_OK) {
        return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 * Turns a completed request into its Tcl result: the received value for
 * a receive, empty otherwise. Stores the status in the array statusName
 * when it is not null and the request was a receive.
 */
int
CompletionResult(Tcl_Interp *interp, const char *command, Completion &completion,
                 Tcl_Obj *statusName, Tcl_Obj **result)
{
    if (!completion.known || !completion.isReceive) {
        *result = Tcl_NewObj();
        return TCL_OK;
    }
    if (statusName != nullptr && SetStatusArray(interp, statusName, completion.status) != TCL_OK) {
        return TCL_ERROR;
    }
    return SinkToObj(interp, command, completion.type, *completion.sink, result);
}

} // namespace

Tcl_Obj *
StatusDict(const MessageStatus &status)
{
    Tcl_Obj *dict = Tcl_NewDictObj();
    auto put = [dict](const char *key, Tcl_WideInt value) {
        Tcl_DictObjPut(nullptr, dict, Tcl_NewStringObj(key, -1), Tcl_NewWideIntObj(value));
    };
    put("MPI_SOURCE", status.source);
    put("MPI_TAG", status.tag);
    put("COUNT_CHAR", status.bytes);
    put("COUNT_INT", status.bytes / static_cast<long long>(sizeof(int)));
    put("COUNT_DOUBLE", status.bytes / static_cast<long long>(sizeof(double)));
    return dict;
}

int
SetStatusArray(Tcl_Interp *interp, Tcl_Obj *name, const MessageStatus &status)
{
    Tcl_UnsetVar(interp, Tcl_GetString(name), 0);
    Tcl_Obj *dict = StatusDict(status);
    Tcl_IncrRefCount(dict);
    Tcl_DictSearch search;
    Tcl_Obj *key;
    Tcl_Obj *value;
    int done = 0;
    int code = TCL_OK;
    Tcl_DictObjFirst(nullptr, dict, &search, &key, &value, &done);
    for (; !done && code == TCL_OK; Tcl_DictObjNext(&search, &key, &value, &done)) {
        if (Tcl_ObjSetVar2(interp, name, key, value, TCL_LEAVE_ERR_MSG) == nullptr) {
            code = TCL_ERROR;
        }
    }
    Tcl_DictObjDone(&search);
    Tcl_DecrRefCount(dict);
    return code;
}

/*
 *----------------------------------------------------------------------
 * mpi::send --
 *
 *	Usage: mpi::send DATA TYPE DEST TAG COMM
 *
 *	Results:
 *	    Empty, once DATA may be reused (MPI_Send semantics: small messages
 *	    return at once, large ones when the receiver takes them).
 *----------------------------------------------------------------------
 */
int
MpiSendCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 6) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type dest tag comm");
        return TCL_ERROR;
    }

    DataType type;
    int dest = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetSendArguments(interp, objv, &type, &dest, &tag, &comm, "mpi::send") != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::send", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::send", [&] {
        const Encoded encoded = Encode("mpi::send", objv[1], type, comm);
        if (encoded.failed) {
            throw Error(encoded.failure, encoded.failureCode);
        }
        Send(encoded.data, encoded.size, dest, tag, comm);
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::isend --
 *
 *	Usage: mpi::isend DATA TYPE DEST TAG COMM
 *
 *	Results:
 *	    A request handle "mpi::reqN" to pass to mpi::wait.
 *
 *	Side effects:
 *	    Keeps a copy of the encoded DATA until the request is waited for.
 *----------------------------------------------------------------------
 */
int
MpiIsendCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 6) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type dest tag comm");
        return TCL_ERROR;
    }

    DataType type;
    int dest = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetSendArguments(interp, objv, &type, &dest, &tag, &comm, "mpi::isend") != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::isend", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::isend", [&] {
        Encoded encoded = Encode("mpi::isend", objv[1], type, comm);
        if (encoded.failed) {
            throw Error(encoded.failure, encoded.failureCode);
        }
        std::vector<char> buffer = std::move(encoded.storage);
        if (type == DataType::Auto) {
            buffer.assign(encoded.data, encoded.data + encoded.size);
        }
        const std::string handle = RequestTable::Instance().PostSend(std::move(buffer), dest, tag,
                                                                     comm);
        Tcl_SetObjResult(interp, Tcl_NewStringObj(handle.c_str(), -1));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::recv --
 *
 *	Usage: mpi::recv TYPE SOURCE TAG COMM ?STATUS?
 *
 *	SOURCE may be mpi::any_source and TAG mpi::any_tag.
 *
 *	Results:
 *	    The received value: a string for mpi::auto, a list of numbers
 *	    for the numeric types.
 *
 *	Side effects:
 *	    When STATUS is given, sets the array variable of that name to the
 *	    message status (MPI_SOURCE, MPI_TAG, COUNT_CHAR, COUNT_INT,
 *	    COUNT_DOUBLE), as TclMPI does.
 *----------------------------------------------------------------------
 */
int
MpiRecvCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5 && objc != 6) {
        Tcl_WrongNumArgs(interp, 1, objv, "type source tag comm ?status?");
        return TCL_ERROR;
    }

    DataType type;
    int source = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::recv", objv[1], &type) != TCL_OK ||
        GetEnvelope(interp, objv, 2, &source, &tag, &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::recv", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::recv", [&] {
        Completion completion;
        completion.known = true;
        completion.isReceive = true;
        completion.type = type;
        completion.sink = MakeSink(type);
        completion.status = Receive(source, tag, comm, *completion.sink);

        Tcl_Obj *result;
        if (CompletionResult(interp, "mpi::recv", completion, objc == 6 ? objv[5] : nullptr,
                             &result) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, result);
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::irecv --
 *
 *	Usage: mpi::irecv TYPE SOURCE TAG COMM
 *
 *	Results:
 *	    A request handle "mpi::reqN"; mpi::wait on it returns the value.
 *----------------------------------------------------------------------
 */
int
MpiIrecvCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "type source tag comm");
        return TCL_ERROR;
    }

    DataType type;
    int source = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::irecv", objv[1], &type) != TCL_OK ||
        GetEnvelope(interp, objv, 2, &source, &tag, &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::irecv", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::irecv", [&] {
        const std::string handle =
            RequestTable::Instance().PostReceive(type, source, tag, comm, MakeSink(type));
        Tcl_SetObjResult(interp, Tcl_NewStringObj(handle.c_str(), -1));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::probe --
 *
 *	Usage: mpi::probe SOURCE TAG COMM ?STATUS?
 *
 *	Blocks until a matching message is queued, without receiving it.
 *
 *	Results:
 *	    The message status as a dict with the keys MPI_SOURCE, MPI_TAG,
 *	    COUNT_CHAR, COUNT_INT and COUNT_DOUBLE. (TclMPI returns empty.)
 *
 *	Side effects:
 *	    When STATUS is given, sets that array variable to the status.
 *----------------------------------------------------------------------
 */
int
MpiProbeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4 && objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "source tag comm ?status?");
        return TCL_ERROR;
    }

    int source = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetEnvelope(interp, objv, 1, &source, &tag, &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::probe", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::probe", [&] {
        const MessageStatus status = Probe(source, tag, comm);
        if (objc == 5 && SetStatusArray(interp, objv[4], status) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, StatusDict(status));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::iprobe --
 *
 *	Usage: mpi::iprobe SOURCE TAG COMM ?STATUS?
 *
 *	Results:
 *	    1 when a matching message is queued, else 0; never blocks.
 *
 *	Side effects:
 *	    When a message is queued and STATUS is given, sets that array
 *	    variable to its status.
 *----------------------------------------------------------------------
 */
int
MpiIprobeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4 && objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "source tag comm ?status?");
        return TCL_ERROR;
    }

    int source = 0;
    int tag = 0;
    MPI_Comm comm;
    if (GetEnvelope(interp, objv, 1, &source, &tag, &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::iprobe", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::iprobe", [&] {
        const std::optional<MessageStatus> status = ProbeNow(source, tag, comm);
        if (status && objc == 5 && SetStatusArray(interp, objv[4], *status) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, Tcl_NewBooleanObj(status.has_value()));
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::wait --
 *
 *	Usage: mpi::wait REQUEST ?STATUS?
 *
 *	Results:
 *	    For a receive request, the received value; for a send request,
 *	    empty. A handle that names no pending request (never returned, or
 *	    already waited for) returns empty at once, as in TclMPI.
 *
 *	Side effects:
 *	    Forgets the request. For a receive with STATUS given, sets that
 *	    array variable to the message status.
 *----------------------------------------------------------------------
 */
int
MpiWaitCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "request ?status?");
        return TCL_ERROR;
    }
    if (!StartedAndNotFinished(interp, "mpi::wait")) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::wait", [&] {
        Completion completion = RequestTable::Instance().Wait(Tcl_GetString(objv[1]));
        Tcl_Obj *result;
        if (CompletionResult(interp, "mpi::wait", completion, objc == 3 ? objv[2] : nullptr,
                             &result) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, result);
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::waitall --
 *
 *	Usage: mpi::waitall REQUESTS ?STATUS?
 *
 *	Waits for each request of the list REQUESTS in turn.
 *
 *	Results:
 *	    A list with one element per request: what mpi::wait returns.
 *
 *	Side effects:
 *	    Forgets the requests. When STATUS is given, sets that variable to
 *	    a list with one status dict per request (empty for sends).
 *----------------------------------------------------------------------
 */
int
MpiWaitallCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "requests ?status?");
        return TCL_ERROR;
    }

    int count = 0;
    Tcl_Obj **handles = nullptr;
    if (Tcl_ListObjGetElements(interp, objv[1], &count, &handles) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!StartedAndNotFinished(interp, "mpi::waitall")) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::waitall", [&] {
        ObjRef results(Tcl_NewListObj(0, nullptr));
        ObjRef statuses(Tcl_NewListObj(0, nullptr));
        for (int i = 0; i < count; ++i) {
            Completion completion = RequestTable::Instance().Wait(Tcl_GetString(handles[i]));
            Tcl_Obj *result;
            if (CompletionResult(interp, "mpi::waitall", completion, nullptr, &result) != TCL_OK) {
                return TCL_ERROR;
            }
            Tcl_ListObjAppendElement(nullptr, results.obj, result);
            Tcl_ListObjAppendElement(nullptr, statuses.obj,
                                     completion.known && completion.isReceive
                                         ? StatusDict(completion.status)
                                         : Tcl_NewObj());
        }
        if (objc == 3 &&
            Tcl_ObjSetVar2(interp, objv[2], nullptr, statuses.obj, TCL_LEAVE_ERR_MSG) == nullptr) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, results.obj);
        return TCL_OK;
    });
}

} // namespace hedflow::mpi

/*
 * engine_tcl.cc --
 *
 *	The Tcl commands of turbine's native task path (engine.h): the public
 *	submit, wait, waitall, forget and inputs, and the internal commands that the
 *	Tcl files of the package call (names starting with a capital letter).
 */
#include <tcl.h>

#include <algorithm>
#include <vector>

#include "engine.h"

using hedflow::turbine::Engine;

namespace {

Engine &
EngineOf(ClientData data)
{
    return *static_cast<Engine *>(data);
}

/* Sets the usage error of a public command. The command is named in full
 * even when called through a namespace import, so the message is the same
 * however it was called. */
int
WrongArgs(Tcl_Interp *interp, const char *usage)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("wrong # args: should be \"%s\"", usage));
    Tcl_SetErrorCode(interp, "TCL", "WRONGARGS", (char *)NULL);
    return TCL_ERROR;
}

int
GetFuture(Tcl_Interp *interp, Tcl_Obj *value, Tcl_WideInt *future)
{
    return Tcl_GetWideIntFromObj(interp, value, future);
}

/* Reads the arguments of an internal command that takes one future. */
int
OneFuture(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[], Tcl_WideInt *future)
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "future");
        return TCL_ERROR;
    }
    return GetFuture(interp, objv[1], future);
}

/*
 *----------------------------------------------------------------------
 * turbine::submit --
 *
 *	Usage: turbine::submit ?-priority P? ?-type T? ?-target RANK? ?-soft?
 *	                       ?-node? ?-retries N? ?-timeout SECONDS?
 *	                       ?-key KEY? SCRIPT
 *
 *	Results:
 *	    The future of SCRIPT, queued to run at global level on a worker.
 *	    A call with options goes to turbine::SubmitWithOptions (Tcl),
 *	    which checks them; a script alone is queued here.
 *----------------------------------------------------------------------
 */
int
SubmitCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        std::vector<Tcl_Obj *> words(objv, objv + objc);
        words[0] = Tcl_NewStringObj("::turbine::SubmitWithOptions", -1);
        Tcl_IncrRefCount(words[0]);
        const int code = Tcl_EvalObjv(interp, objc, words.data(), TCL_EVAL_GLOBAL);
        Tcl_DecrRefCount(words[0]);
        return code;
    }
    Tcl_WideInt future = 0;
    if (EngineOf(data).queue(nullptr, objv[1], false, &future) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(future));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * turbine::wait, turbine::waitall --
 *
 *	Usage: turbine::wait FUTURE
 *	       turbine::waitall FUTURES
 *
 *	Results:
 *	    The value of FUTURE, or the values of FUTURES in order, once they
 *	    are set; this rank runs tasks meanwhile when it may. A failed task
 *	    raises its error with the error code {TURBINE TASK FAILED id},
 *	    after every future is set.
 *----------------------------------------------------------------------
 */
int
WaitCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        return WrongArgs(interp, "turbine::wait future");
    }
    Tcl_Obj *list = Tcl_NewListObj(1, &objv[1]);
    Tcl_IncrRefCount(list);
    int code = EngineOf(data).waitAll("turbine::wait", list);
    Tcl_DecrRefCount(list);
    if (code == TCL_OK) {
        Tcl_Obj *value = nullptr;
        Tcl_ListObjIndex(nullptr, Tcl_GetObjResult(interp), 0, &value);
        Tcl_SetObjResult(interp, value != nullptr ? value : Tcl_NewObj());
    }
    return code;
}

int
WaitAllCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        return WrongArgs(interp, "turbine::waitall futures");
    }
    return EngineOf(data).waitAll("turbine::waitall", objv[1]);
}

/*
 *----------------------------------------------------------------------
 * turbine::forget --
 *
 *	Usage: turbine::forget FUTURES
 *
 *	Results:
 *	    Empty.
 *
 *	Side effects:
 *	    Drops the outcomes of FUTURES, which will not be waited on again,
 *	    so a long run does not keep every result in memory.
 *----------------------------------------------------------------------
 */
int
ForgetCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        return WrongArgs(interp, "turbine::forget futures");
    }
    int count = 0;
    Tcl_Obj **items = nullptr;
    if (Tcl_ListObjGetElements(interp, objv[1], &count, &items) != TCL_OK) {
        return TCL_ERROR;
    }
    for (int i = 0; i < count; i++) {
        Tcl_WideInt future = 0;
        if (GetFuture(nullptr, items[i], &future) != TCL_OK) {
            return hedflow::turbine::InvalidFuture(interp, "turbine::forget", items[i]);
        }
        EngineOf(data).forget(future);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * turbine::inputs --
 *
 *	Usage: turbine::inputs
 *
 *	Results:
 *	    Inside the script of a turbine::rule, the values of the rule's
 *	    input futures in order; elsewhere, an empty list.
 *----------------------------------------------------------------------
 */
int
InputsCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        return WrongArgs(interp, "turbine::inputs");
    }
    Tcl_SetObjResult(interp, EngineOf(data).inputs());
    return TCL_OK;
}

/*
 * Internal commands, for the Tcl files of the package:
 *	Configure RANK RANKS ONLY_NOTICES PROGRESS   EngineConfigure
 *	NewFuture                               a new future of this rank
 *	HasOutcome F, Outcome F, SetOutcome F O, Watch F
 *	RequireFuture COMMAND F                 an error unless F is known here
 *	Queue OPTIONS SCRIPT                    consults the journal
 *	QueueDirect OPTIONS SCRIPT              does not
 *	QueueApply OPTIONS LAMBDA ELEMENT       a map element
 *	MapPlain OPTIONS LAMBDA LIST WINDOW     a map without keys, time
 *	                                        limits or inputs
 *	SwapInputs VALUES                       sets turbine::inputs, returns
 *	                                        the former values
 *	Batch 1|0                               opens or ends a batch of puts
 *	Reply F RANK OUTCOME, Drain
 *	ProgressCounts, ProgressAdd NAME N
 *	RunningTasks                            the tasks this rank runs now
 */
int
EngineConfigureCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    int rank = 0;
    int ranks = 0;
    int onlyNotices = 0;
    int progress = 0;
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "rank ranks onlyNotices progress");
        return TCL_ERROR;
    }
    if (Tcl_GetIntFromObj(interp, objv[1], &rank) != TCL_OK
        || Tcl_GetIntFromObj(interp, objv[2], &ranks) != TCL_OK
        || Tcl_GetBooleanFromObj(interp, objv[3], &onlyNotices) != TCL_OK
        || Tcl_GetBooleanFromObj(interp, objv[4], &progress) != TCL_OK) {
        return TCL_ERROR;
    }
    if (rank < 0 || ranks <= rank) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("EngineConfigure: invalid rank %d of %d ranks", rank, ranks));
        return TCL_ERROR;
    }
    return EngineOf(data).configure(rank, ranks, onlyNotices != 0, progress != 0);
}

int
NewFutureCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, "");
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(EngineOf(data).newFuture()));
    return TCL_OK;
}

int
HasOutcomeCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    Tcl_WideInt future = 0;
    if (OneFuture(interp, objc, objv, &future) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(EngineOf(data).hasOutcome(future)));
    return TCL_OK;
}

int
OutcomeCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    Tcl_WideInt future = 0;
    if (OneFuture(interp, objc, objv, &future) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_Obj *outcome = EngineOf(data).outcome(future);
    if (outcome == nullptr) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf("future %s has no outcome on this rank",
                                               Tcl_GetString(objv[1])));
        Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "FUTURE", Tcl_GetString(objv[1]), (char *)NULL);
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, outcome);
    return TCL_OK;
}

int
SetOutcomeCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    Tcl_WideInt future = 0;
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "future outcome");
        return TCL_ERROR;
    }
    if (GetFuture(interp, objv[1], &future) != TCL_OK) {
        return TCL_ERROR;
    }
    EngineOf(data).setOutcome(future, objv[2]);
    return TCL_OK;
}

int
RequireFutureCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "command future");
        return TCL_ERROR;
    }
    return EngineOf(data).requireFuture(Tcl_GetString(objv[1]), objv[2]);
}

int
WatchCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    Tcl_WideInt future = 0;
    if (OneFuture(interp, objc, objv, &future) != TCL_OK) {
        return TCL_ERROR;
    }
    EngineOf(data).watch(future);
    return TCL_OK;
}

int
QueueWith(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[], bool consultJournal)
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "options script");
        return TCL_ERROR;
    }
    Tcl_WideInt future = 0;
    if (EngineOf(data).queue(objv[1], objv[2], consultJournal, &future) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(future));
    return TCL_OK;
}

int
QueueCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    return QueueWith(data, interp, objc, objv, true);
}

int
QueueDirectCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    return QueueWith(data, interp, objc, objv, false);
}

int
QueueApplyCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "options lambda element");
        return TCL_ERROR;
    }
    Tcl_WideInt future = 0;
    if (EngineOf(data).queueApply(objv[1], objv[2], objv[3], &future) != TCL_OK) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(future));
    return TCL_OK;
}

int
MapPlainCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    int window = 0;
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "options lambda list window");
        return TCL_ERROR;
    }
    if (Tcl_GetIntFromObj(interp, objv[4], &window) != TCL_OK) {
        return TCL_ERROR;
    }
    return EngineOf(data).map(objv[1], objv[2], objv[3], std::max(window, 1));
}

int
SwapInputsCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "values");
        return TCL_ERROR;
    }
    Tcl_Obj *former = EngineOf(data).swapInputs(objv[1]);
    Tcl_SetObjResult(interp, former);
    Tcl_DecrRefCount(former);
    return TCL_OK;
}

int
BatchCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    int open = 0;
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "open");
        return TCL_ERROR;
    }
    if (Tcl_GetBooleanFromObj(interp, objv[1], &open) != TCL_OK) {
        return TCL_ERROR;
    }
    if (open) {
        EngineOf(data).beginBatch();
        return TCL_OK;
    }
    return EngineOf(data).endBatch();
}

int
ReplyCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    Tcl_WideInt future = 0;
    int rank = 0;
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "future rank outcome");
        return TCL_ERROR;
    }
    if (GetFuture(interp, objv[1], &future) != TCL_OK || Tcl_GetIntFromObj(interp, objv[2], &rank) != TCL_OK) {
        return TCL_ERROR;
    }
    return EngineOf(data).reply(future, rank, objv[3]);
}

int
DrainCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, "");
        return TCL_ERROR;
    }
    return EngineOf(data).drain();
}

int
ProgressCountsCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, "");
        return TCL_ERROR;
    }
    const auto &counts = EngineOf(data).counts();
    Tcl_Obj *result = Tcl_NewDictObj();
    auto put = [&](const char *name, Tcl_WideInt value) {
        Tcl_DictObjPut(nullptr, result, Tcl_NewStringObj(name, -1), Tcl_NewWideIntObj(value));
    };
    put("submitted", counts.submitted);
    put("done", counts.done);
    put("failed", counts.failed);
    put("skipped", counts.skipped);
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

int
RunningTasksCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, "");
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(EngineOf(data).runningTasks()));
    return TCL_OK;
}

int
ProgressAddCmd(ClientData data, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    static const char *const names[] = {"submitted", "done", "failed", "skipped", nullptr};
    int which = 0;
    Tcl_WideInt delta = 0;
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "count delta");
        return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], names, "count", 0, &which) != TCL_OK
        || Tcl_GetWideIntFromObj(interp, objv[2], &delta) != TCL_OK) {
        return TCL_ERROR;
    }
    auto &counts = EngineOf(data).counts();
    Tcl_WideInt *slots[] = {&counts.submitted, &counts.done, &counts.failed, &counts.skipped};
    *slots[which] += delta;
    return TCL_OK;
}

} // namespace

/*
 * RegisterEngineCommands --
 *
 *	Creates the engine of this interpreter and its commands. The engine
 *	lives until the process ends: Tcl unloads this module at exit, after
 *	which no destructor of it may run.
 */
void
RegisterEngineCommands(Tcl_Interp *interp)
{
    Engine *engine = new Engine(interp);
    struct Entry {
        const char *name;
        Tcl_ObjCmdProc *proc;
    };
    const Entry entries[] = {
        {"::turbine::submit", SubmitCmd},
        {"::turbine::wait", WaitCmd},
        {"::turbine::waitall", WaitAllCmd},
        {"::turbine::forget", ForgetCmd},
        {"::turbine::EngineConfigure", EngineConfigureCmd},
        {"::turbine::NewFuture", NewFutureCmd},
        {"::turbine::HasOutcome", HasOutcomeCmd},
        {"::turbine::Outcome", OutcomeCmd},
        {"::turbine::SetOutcome", SetOutcomeCmd},
        {"::turbine::Watch", WatchCmd},
        {"::turbine::RequireFuture", RequireFutureCmd},
        {"::turbine::Queue", QueueCmd},
        {"::turbine::QueueDirect", QueueDirectCmd},
        {"::turbine::QueueApply", QueueApplyCmd},
        {"::turbine::MapPlain", MapPlainCmd},
        {"::turbine::SwapInputs", SwapInputsCmd},
        {"::turbine::inputs", InputsCmd},
        {"::turbine::Batch", BatchCmd},
        {"::turbine::Reply", ReplyCmd},
        {"::turbine::Drain", DrainCmd},
        {"::turbine::ProgressCounts", ProgressCountsCmd},
        {"::turbine::ProgressAdd", ProgressAddCmd},
        {"::turbine::RunningTasks", RunningTasksCmd},
    };
    for (const Entry &entry : entries) {
        Tcl_CreateObjCommand(interp, entry.name, entry.proc, engine, nullptr);
    }
}

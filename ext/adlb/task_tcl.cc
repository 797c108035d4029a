/*
 * task_tcl.cc --
 *
 *	Tcl commands that put and get tasks: adlb::put, adlb::put_many,
 *	adlb::dput, adlb::get, adlb::iget and adlb::prefetched.
 */
#include <dlfcn.h>

#include <string>

#include "glue.h"

using namespace hedflow::adlb;
using namespace hedflow::adlb::glue;

namespace {

const char *const PUT_USAGE =
    "?-type type? ?-priority n? ?-target rank? ?-strict hard|soft? ?-node? ?-parallelism n? payload";
const char *const PUT_MANY_USAGE =
    "?-type type? ?-priority n? ?-target rank? ?-strict hard|soft? ?-node? ?-parallelism n? payloads";
const char *const DPUT_USAGE =
    "-inputs ids ?-type type? ?-priority n? ?-target rank? ?-strict hard|soft? ?-node? ?-parallelism n? payload";

/*
 * ParsePutOptions --
 *
 *	Reads the options objv[1] to objv[objc-2] of put, put_many or dput
 *	(the last word is the payload) into header and, for dput, inputs.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR with the usage line or a message naming the
 *	    invalid value.
 */
int
ParsePutOptions(Tcl_Interp *interp, const char *command, const char *usage, const Layout &layout,
                Client &client, int objc, Tcl_Obj *const objv[], std::vector<uint64_t> *inputs,
                TaskHeader &header)
{
    // dput alone takes -inputs, the last entry.
    static const char *const options[] = {"-type", "-priority", "-target", "-strict", "-node",
                                          "-parallelism", "-inputs", nullptr};
    static const char *const putOptions[] = {"-type", "-priority", "-target", "-strict", "-node",
                                             "-parallelism", nullptr};
    enum { OPT_TYPE, OPT_PRIORITY, OPT_TARGET, OPT_STRICT, OPT_NODE, OPT_PARALLELISM, OPT_INPUTS };

    bool node = false;
    bool soft = false;
    bool haveInputs = false;
    int target = -1;
    for (int i = 1; i < objc - 1; i++) {
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[i], inputs != nullptr ? options : putOptions,
                                "option", 0, &option) != TCL_OK) {
            return TCL_ERROR;
        }
        if (option == OPT_NODE) {
            node = true;
            continue;
        }
        if (i + 1 >= objc - 1) {
            Tcl_WrongNumArgs(interp, 1, objv, usage);
            return TCL_ERROR;
        }
        Tcl_Obj *value = objv[++i];
        switch (option) {
        case OPT_TYPE: {
            int type = 0;
            if (GetType(interp, command, layout, value, &type) != TCL_OK) {
                return TCL_ERROR;
            }
            header.type = static_cast<uint16_t>(type);
            break;
        }
        case OPT_PRIORITY:
            if (Tcl_GetIntFromObj(interp, value, &header.priority) != TCL_OK) {
                return TCL_ERROR;
            }
            break;
        case OPT_TARGET:
            if (Tcl_GetIntFromObj(interp, value, &target) != TCL_OK) {
                return TCL_ERROR;
            }
            if (target < -1 || target >= layout.workers()) {
                return Fail(interp, std::string(command) + ": invalid target rank " + std::to_string(target)
                                        + ": expected a worker rank from 0 to " + std::to_string(layout.workers() - 1)
                                        + ", or -1 for none",
                            {"ADLB", "TARGET", std::to_string(target)});
            }
            break;
        case OPT_STRICT: {
            static const char *const levels[] = {"hard", "soft", nullptr};
            int level = 0;
            if (Tcl_GetIndexFromObj(interp, value, levels, "strictness", 0, &level) != TCL_OK) {
                return TCL_ERROR;
            }
            soft = level == 1;
            break;
        }
        case OPT_PARALLELISM:
            if (Tcl_GetIntFromObj(interp, value, &header.parallelism) != TCL_OK) {
                return TCL_ERROR;
            }
            break;
        case OPT_INPUTS: {
            int count = 0;
            Tcl_Obj **ids = nullptr;
            if (Tcl_ListObjGetElements(interp, value, &count, &ids) != TCL_OK) {
                return TCL_ERROR;
            }
            inputs->clear();
            for (int n = 0; n < count; n++) {
                uint64_t id = 0;
                if (GetId(interp, command, ids[n], &id) != TCL_OK) {
                    return TCL_ERROR;
                }
                inputs->push_back(id);
            }
            haveInputs = true;
            break;
        }
        }
    }

    if (inputs != nullptr && !haveInputs) {
        Tcl_WrongNumArgs(interp, 1, objv, usage);
        return TCL_ERROR;
    }
    if (node && target < 0) {
        return Fail(interp, std::string(command) + ": -node needs -target rank: the node is that rank's",
                    {"ADLB", "TARGET", "NODE"});
    }
    const size_t serverWorkers = layout.workersOf(client.myServerIndex()).size();
    if (header.parallelism < 1 || static_cast<size_t>(header.parallelism) > serverWorkers) {
        return Fail(interp, std::string(command) + ": invalid parallelism " + std::to_string(header.parallelism)
                                + ": expected 1 to " + std::to_string(serverWorkers)
                                + ", the number of workers of this rank's server",
                    {"ADLB", "PARALLELISM", std::to_string(header.parallelism)});
    }
    if (header.parallelism > 1 && target >= 0) {
        return Fail(interp, std::string(command) + ": a parallel task cannot have a target; drop -target or -parallelism",
                    {"ADLB", "PARALLELISM", "TARGET"});
    }

    header.target = target;
    if (target < 0) {
        header.strict = STRICT_NONE;
    } else if (soft) {
        header.strict = STRICT_SOFT;
    } else {
        header.strict = node ? STRICT_NODE : STRICT_HARD;
    }
    return TCL_OK;
}

/* Returns the length word of a payload, or sets an error when it is
 * larger than 1 GiB. */
int
LengthWord(Tcl_Interp *interp, const char *command, const Bytes &bytes, uint32_t *word)
{
    if (bytes.length > MAX_PAYLOAD) {
        return Fail(interp, std::string(command) + ": payload of " + std::to_string(bytes.length)
                                + " bytes is larger than the limit of 1 GiB (1073741824 bytes)",
                    {"ADLB", "PAYLOAD", std::to_string(bytes.length)});
    }
    *word = static_cast<uint32_t>(bytes.length) | (bytes.binary ? BINARY_BIT : 0);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::put --
 *
 *	Usage: adlb::put ?-type type? ?-priority n? ?-target rank?
 *	                 ?-strict hard|soft? ?-node? ?-parallelism n? payload
 *
 *	Queues a task. Higher priority (default 0) runs first, equal
 *	priorities in put order. A target is hard unless -strict soft: a
 *	hard target runs only on that worker (with -node, on any worker of
 *	its node); a soft one prefers it. A parallel task runs on n workers
 *	at once.
 *
 *	Results:
 *	    The task id.
 *
 *	Side effects:
 *	    Sends the task to a server without waiting for a reply.
 *----------------------------------------------------------------------
 */
int
PutCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc < 2) {
        Tcl_WrongNumArgs(interp, 1, objv, PUT_USAGE);
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::put");
    if (client == nullptr) {
        return TCL_ERROR;
    }
    TaskHeader header;
    if (ParsePutOptions(interp, "adlb::put", PUT_USAGE, *GetState().layout, *client, objc, objv,
                        nullptr, header) != TCL_OK) {
        return TCL_ERROR;
    }
    const Bytes payload = GetBytes(objv[objc - 1]);
    uint32_t lengthWord = 0;
    if (LengthWord(interp, "adlb::put", payload, &lengthWord) != TCL_OK) {
        return TCL_ERROR;
    }

    try {
        const auto ids = client->put(header, {payload.data}, {lengthWord});
        Tcl_SetObjResult(interp, NewId(ids[0]));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::put", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::put_many --
 *
 *	Usage: adlb::put_many ?put options? payloads
 *
 *	Puts one task per element of the list payloads, all with the same
 *	options, in as few messages as possible.
 *
 *	Results:
 *	    The list of task ids, in the order of payloads.
 *----------------------------------------------------------------------
 */
int
PutManyCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc < 2) {
        Tcl_WrongNumArgs(interp, 1, objv, PUT_MANY_USAGE);
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::put_many");
    if (client == nullptr) {
        return TCL_ERROR;
    }
    TaskHeader header;
    if (ParsePutOptions(interp, "adlb::put_many", PUT_MANY_USAGE, *GetState().layout, *client,
                        objc, objv, nullptr, header) != TCL_OK) {
        return TCL_ERROR;
    }
    int count = 0;
    Tcl_Obj **elements = nullptr;
    if (Tcl_ListObjGetElements(interp, objv[objc - 1], &count, &elements) != TCL_OK) {
        return TCL_ERROR;
    }
    std::vector<const char *> payloads(count);
    std::vector<uint32_t> lengthWords(count);
    for (int i = 0; i < count; i++) {
        const Bytes payload = GetBytes(elements[i]);
        if (LengthWord(interp, "adlb::put_many", payload, &lengthWords[i]) != TCL_OK) {
            return TCL_ERROR;
        }
        payloads[i] = payload.data;
    }

    try {
        const auto ids = client->put(header, payloads, lengthWords);
        Tcl_Obj *result = Tcl_NewListObj(0, nullptr);
        for (uint64_t id : ids) {
            Tcl_ListObjAppendElement(nullptr, result, NewId(id));
        }
        Tcl_SetObjResult(interp, result);
    } catch (const Error &error) {
        return ReportError(interp, "adlb::put_many", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::dput --
 *
 *	Usage: adlb::dput -inputs ids ?put options? payload
 *
 *	Puts a task that a server keeps until every datum in ids is closed.
 *	Tasks released by one close are queued in dput order.
 *
 *	Results:
 *	    The task id.
 *----------------------------------------------------------------------
 */
int
DputCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc < 4) {
        Tcl_WrongNumArgs(interp, 1, objv, DPUT_USAGE);
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::dput");
    if (client == nullptr) {
        return TCL_ERROR;
    }
    TaskHeader header;
    std::vector<uint64_t> inputs;
    if (ParsePutOptions(interp, "adlb::dput", DPUT_USAGE, *GetState().layout, *client, objc, objv,
                        &inputs, header) != TCL_OK) {
        return TCL_ERROR;
    }
    if (header.parallelism > 1) {
        return Fail(interp, "adlb::dput: a dput task cannot be parallel; put it with adlb::put once its inputs are closed",
                    {"ADLB", "PARALLELISM", "DPUT"});
    }
    const Bytes payload = GetBytes(objv[objc - 1]);
    uint32_t lengthWord = 0;
    if (LengthWord(interp, "adlb::dput", payload, &lengthWord) != TCL_OK) {
        return TCL_ERROR;
    }

    try {
        Tcl_SetObjResult(interp, NewId(client->dput(inputs, header, payload.data, lengthWord)));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::dput", error);
    }
    return TCL_OK;
}

/*
 * CommHandle --
 *
 *	Returns an mpi package handle for a parallel task's communicator. The
 *	mpi package is a separate module opened with RTLD_LOCAL, so its
 *	registration function is looked up in that module.
 */
Tcl_Obj *
CommHandle(Tcl_Interp *interp, MPI_Comm comm)
{
    using RegisterC = Tcl_Obj *(*)(MPI_Comm);
    static RegisterC registerC = nullptr;

    static bool searched = false;
    if (!searched) {
        searched = true;
        if (void *module = PinLoadedModule(interp, "Mpi")) {
            registerC = reinterpret_cast<RegisterC>(dlsym(module, "HedflowMpi_RegisterComm"));
        }
    }
    if (registerC != nullptr) {
        return registerC(comm);
    }
    // Without the mpi package's table, the Fortran handle at least names it.
    return Tcl_NewIntObj(static_cast<int>(MPI_Comm_c2f(comm)));
}

/*
 * GetOrIget --
 *
 *	Implements adlb::get (block true) and adlb::iget (block false).
 *
 *	Usage: adlb::get ?-type type?
 *	       adlb::iget ?-type type?
 *
 *	Results:
 *	    A dict with keys id, type, payload, priority and putter, plus comm
 *	    (an mpi package handle of the task's workers) for a parallel task.
 *	    An empty string when the run has ended (get) or when no task is
 *	    ready now (iget).
 */
int
GetOrIget(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[], bool block)
{
    const char *command = block ? "adlb::get" : "adlb::iget";
    if (objc != 1 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "?-type type?");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, command);
    if (client == nullptr) {
        return TCL_ERROR;
    }
    const Layout &layout = *GetState().layout;
    int type = -1;
    if (objc == 3) {
        static const char *const options[] = {"-type", nullptr};
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0, &option) != TCL_OK
            || GetType(interp, command, layout, objv[2], &type) != TCL_OK) {
            return TCL_ERROR;
        }
    }

    Task task;
    try {
        if (!client->get(type, block, task)) {
            Tcl_ResetResult(interp);
            return TCL_OK;
        }
    } catch (const Error &error) {
        return ReportError(interp, command, error);
    }

    // The keys are shared by every result.
    static Tcl_Obj *keys[6] = {};
    if (keys[0] == nullptr) {
        const char *names[] = {"id", "type", "payload", "priority", "putter", "comm"};
        for (int i = 0; i < 6; i++) {
            keys[i] = Tcl_NewStringObj(names[i], -1);
            Tcl_IncrRefCount(keys[i]);
        }
    }
    // A plain array, not a std::vector: Tcl unloads this module before
    // exit, so a static with a destructor would run after the unload.
    static Tcl_Obj **typeNames = nullptr;
    if (typeNames == nullptr) {
        typeNames = new Tcl_Obj *[layout.typeNames().size()];
        for (size_t t = 0; t < layout.typeNames().size(); t++) {
            const std::string &name = layout.typeNames()[t];
            typeNames[t] = Tcl_NewStringObj(name.c_str(), static_cast<int>(name.size()));
            Tcl_IncrRefCount(typeNames[t]);
        }
    }

    Tcl_Obj *result = Tcl_NewDictObj();
    Tcl_DictObjPut(nullptr, result, keys[0], NewId(task.header.id));
    Tcl_DictObjPut(nullptr, result, keys[1], typeNames[task.header.type]);
    Tcl_DictObjPut(nullptr, result, keys[2],
                   NewBytes(task.payload.data(), task.payload.size(),
                            (task.header.lengthWord & BINARY_BIT) != 0));
    Tcl_DictObjPut(nullptr, result, keys[3], Tcl_NewIntObj(task.header.priority));
    Tcl_DictObjPut(nullptr, result, keys[4], Tcl_NewIntObj(task.header.putter));
    if (task.comm != MPI_COMM_NULL) {
        Tcl_DictObjPut(nullptr, result, keys[5], CommHandle(interp, task.comm));
    }
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::get --
 *
 *	Usage: adlb::get ?-type type?
 *
 *	Waits for the next task of type (any type when omitted).
 *
 *	Results:
 *	    The task as a dict (see GetOrIget), or an empty string once the
 *	    run has ended.
 *----------------------------------------------------------------------
 */
int
GetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    return GetOrIget(interp, objc, objv, true);
}

/*
 *----------------------------------------------------------------------
 * adlb::iget --
 *
 *	Usage: adlb::iget ?-type type?
 *
 *	Results:
 *	    The next task of type as a dict, or an empty string at once when
 *	    none is ready for this worker.
 *----------------------------------------------------------------------
 */
int
IgetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    return GetOrIget(interp, objc, objv, false);
}

/*
 *----------------------------------------------------------------------
 * adlb::prefetched --
 *
 *	Usage: adlb::prefetched ?-type type?
 *
 *	Results:
 *	    The number of tasks of type (any type when omitted) that an
 *	    earlier get brought along and that the next get or iget hands out
 *	    without a message to the server. A rank that holds messages for
 *	    others sends them when this is 0, before it may block.
 *----------------------------------------------------------------------
 */
int
PrefetchedCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "?-type type?");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::prefetched");
    if (client == nullptr) {
        return TCL_ERROR;
    }
    int type = -1;
    if (objc == 3) {
        static const char *const options[] = {"-type", nullptr};
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0, &option) != TCL_OK
            || GetType(interp, "adlb::prefetched", *GetState().layout, objv[2], &type) != TCL_OK) {
            return TCL_ERROR;
        }
    }
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(static_cast<Tcl_WideInt>(client->prefetchedCount(type))));
    return TCL_OK;
}

} // namespace

void
hedflow::adlb::glue::RegisterTaskCommands(Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::adlb::put", PutCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::adlb::put_many", PutManyCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::adlb::dput", DputCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::adlb::get", GetCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::adlb::iget", IgetCmd, nullptr, nullptr);
    Tcl_CreateObjCommand(interp, "::adlb::prefetched", PrefetchedCmd, nullptr, nullptr);
}

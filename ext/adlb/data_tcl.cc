/*
 * data_tcl.cc --
 *
 *	Tcl commands of the data store: adlb::create, store, retrieve,
 *	exists, closed, insert, lookup, enumerate, refcount_incr, subscribe,
 *	and the container form of adlb::size.
 */
#include <string>

#include "glue.h"

using namespace hedflow::adlb;
using namespace hedflow::adlb::glue;

namespace {

/* Converts container members to a dict. */
Tcl_Obj *
NewMembersDict(const std::vector<std::pair<std::string, std::string>> &members)
{
    Tcl_Obj *dict = Tcl_NewDictObj();
    for (const auto &member : members) {
        Tcl_DictObjPut(nullptr, dict,
                       Tcl_NewStringObj(member.first.data(), static_cast<int>(member.first.size())),
                       Tcl_NewStringObj(member.second.data(), static_cast<int>(member.second.size())));
    }
    return dict;
}

/*
 *----------------------------------------------------------------------
 * adlb::create --
 *
 *	Usage: adlb::create ?-type integer|float|string|blob|container?
 *	                    ?-read_refcount n? ?-write_refcount n?
 *
 *	Creates a datum (default type string, read and write reference counts
 *	1) on one of the servers, in turn.
 *
 *	Results:
 *	    The new datum id, a positive integer.
 *----------------------------------------------------------------------
 */
int
CreateCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc % 2 != 1) {
        Tcl_WrongNumArgs(interp, 1, objv,
                         "?-type integer|float|string|blob|container? ?-read_refcount n? ?-write_refcount n?");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::create");
    if (client == nullptr) {
        return TCL_ERROR;
    }

    static const char *const options[] = {"-type", "-read_refcount", "-write_refcount", nullptr};
    static const char *const types[] = {"integer", "float", "string", "blob", "container", nullptr};
    int type = static_cast<int>(DatumType::String);
    Tcl_WideInt readRefs = 1;
    Tcl_WideInt writeRefs = 1;
    for (int i = 1; i < objc; i += 2) {
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0, &option) != TCL_OK) {
            return TCL_ERROR;
        }
        if (option == 0) {
            if (Tcl_GetIndexFromObj(interp, objv[i + 1], types, "type", 0, &type) != TCL_OK) {
                return TCL_ERROR;
            }
            continue;
        }
        Tcl_WideInt &count = option == 1 ? readRefs : writeRefs;
        if (Tcl_GetWideIntFromObj(interp, objv[i + 1], &count) != TCL_OK) {
            return TCL_ERROR;
        }
    }
    if (readRefs < 0 || writeRefs < 1) {
        return Fail(interp, "adlb::create: invalid reference counts read " + std::to_string(readRefs)
                                + " and write " + std::to_string(writeRefs)
                                + ": expected a read count of at least 0 and a write count of at least 1",
                    {"ADLB", "REFCOUNT"});
    }

    try {
        Tcl_SetObjResult(interp, NewId(client->create(static_cast<DatumType>(type), readRefs, writeRefs)));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::create", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::store --
 *
 *	Usage: adlb::store id value
 *
 *	Sets the value of a scalar datum and uses one of its write
 *	references; the datum closes when none is left. An integer or float
 *	datum takes only a value of that type.
 *
 *	Results:
 *	    Empty. A second store is an error {ADLB DOUBLE_WRITE id}.
 *
 *	Side effects:
 *	    Closing notifies subscribers and releases dput tasks.
 *----------------------------------------------------------------------
 */
int
StoreCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "id value");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::store");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::store", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    const Bytes value = GetBytes(objv[2]);
    if (value.length > MAX_PAYLOAD) {
        return Fail(interp, "adlb::store: value of " + std::to_string(value.length)
                                + " bytes is larger than the limit of 1 GiB",
                    {"ADLB", "PAYLOAD", std::to_string(value.length)});
    }
    try {
        client->store(id, value.data, value.length, value.binary);
    } catch (const Error &error) {
        return ReportError(interp, "adlb::store", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::retrieve --
 *
 *	Usage: adlb::retrieve id
 *
 *	Results:
 *	    The value of a datum; for a container, a dict of its members.
 *	    An error {ADLB UNSET id} when a scalar has no value yet.
 *----------------------------------------------------------------------
 */
int
RetrieveCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "id");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::retrieve");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::retrieve", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        const Value value = client->retrieve(id);
        if (value.type == DatumType::Container) {
            Tcl_SetObjResult(interp, NewMembersDict(value.members));
        } else {
            Tcl_SetObjResult(interp, NewBytes(value.scalar.data(), value.scalar.size(), value.binary));
        }
    } catch (const Error &error) {
        return ReportError(interp, "adlb::retrieve", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::exists --
 *
 *	Usage: adlb::exists id ?subscript?
 *
 *	Results:
 *	    1 when the datum exists and has a value (a container always has
 *	    one), or with subscript, when the container has that member;
 *	    otherwise 0.
 *----------------------------------------------------------------------
 */
int
ExistsCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "id ?subscript?");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::exists");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::exists", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        std::string subscript;
        if (objc == 3) {
            subscript = Tcl_GetString(objv[2]);
        }
        const bool found = client->exists(id, objc == 3 ? &subscript : nullptr);
        Tcl_SetObjResult(interp, Tcl_NewBooleanObj(found));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::exists", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::closed --
 *
 *	Usage: adlb::closed id
 *
 *	Results:
 *	    1 when the datum is closed (its write reference count is 0),
 *	    else 0; an error {ADLB NOT_FOUND id} for an unknown or freed id.
 *----------------------------------------------------------------------
 */
int
ClosedCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "id");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::closed");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::closed", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        Tcl_SetObjResult(interp, Tcl_NewBooleanObj(client->closed(id)));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::closed", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::insert --
 *
 *	Usage: adlb::insert id subscript value
 *
 *	Adds a member to an open container; each subscript is written once.
 *
 *	Results:
 *	    Empty; {ADLB DOUBLE_WRITE id subscript} for a subscript already
 *	    present, {ADLB CLOSED id} for a closed container.
 *----------------------------------------------------------------------
 */
int
InsertCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "id subscript value");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::insert");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::insert", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        client->insert(id, Tcl_GetString(objv[2]), Tcl_GetString(objv[3]));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::insert", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::lookup --
 *
 *	Usage: adlb::lookup id subscript
 *
 *	Results:
 *	    The member's value; {ADLB NOT_FOUND id subscript} when absent.
 *----------------------------------------------------------------------
 */
int
LookupCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "id subscript");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::lookup");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::lookup", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        const std::string value = client->lookup(id, Tcl_GetString(objv[2]));
        Tcl_SetObjResult(interp, Tcl_NewStringObj(value.data(), static_cast<int>(value.size())));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::lookup", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::enumerate --
 *
 *	Usage: adlb::enumerate id
 *
 *	Results:
 *	    A dict of the container's members, sorted by subscript.
 *----------------------------------------------------------------------
 */
int
EnumerateCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "id");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::enumerate");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::enumerate", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        Tcl_SetObjResult(interp, NewMembersDict(client->enumerate(id)));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::enumerate", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::refcount_incr --
 *
 *	Usage: adlb::refcount_incr id read|write n
 *
 *	Adds n (which may be negative) to a reference count. A write count
 *	that reaches 0 closes the datum; when both counts are 0 the datum is
 *	freed.
 *
 *	Results:
 *	    Empty; {ADLB REFCOUNT id} when a count would become negative.
 *----------------------------------------------------------------------
 */
int
RefcountIncrCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "id read|write n");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::refcount_incr");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::refcount_incr", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    static const char *const kinds[] = {"read", "write", nullptr};
    int kind = 0;
    Tcl_WideInt delta = 0;
    if (Tcl_GetIndexFromObj(interp, objv[2], kinds, "reference count", 0, &kind) != TCL_OK
        || Tcl_GetWideIntFromObj(interp, objv[3], &delta) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        client->addReferences(id, kind == 1, delta);
    } catch (const Error &error) {
        return ReportError(interp, "adlb::refcount_incr", error);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::subscribe --
 *
 *	Usage: adlb::subscribe id ?-type type? ?-payload payload?
 *
 *	Requests a notice when a datum closes. The notice is a task of type
 *	(default: the first declared type) with payload (default "close
 *	ID") targeted to this worker, so adlb::get returns it.
 *
 *	Results:
 *	    1 when the datum is already closed (no notice follows), else 0.
 *----------------------------------------------------------------------
 */
int
SubscribeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc % 2 != 0) {
        Tcl_WrongNumArgs(interp, 1, objv, "id ?-type type? ?-payload payload?");
        return TCL_ERROR;
    }
    Client *client = RequireWorker(interp, "adlb::subscribe");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::subscribe", objv[1], &id) != TCL_OK) {
        return TCL_ERROR;
    }
    static const char *const options[] = {"-type", "-payload", nullptr};
    int type = 0;
    std::string payload = "close " + std::to_string(id);
    for (int i = 2; i < objc; i += 2) {
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0, &option) != TCL_OK) {
            return TCL_ERROR;
        }
        if (option == 0) {
            if (GetType(interp, "adlb::subscribe", *GetState().layout, objv[i + 1], &type) != TCL_OK) {
                return TCL_ERROR;
            }
        } else {
            payload = Tcl_GetString(objv[i + 1]);
        }
    }
    try {
        Tcl_SetObjResult(interp, Tcl_NewBooleanObj(
            client->subscribe(id, static_cast<uint16_t>(type), payload)));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::subscribe", error);
    }
    return TCL_OK;
}

} // namespace

int
hedflow::adlb::glue::ContainerSize(Tcl_Interp *interp, Tcl_Obj *idObj)
{
    Client *client = RequireWorker(interp, "adlb::size");
    uint64_t id = 0;
    if (client == nullptr || GetId(interp, "adlb::size", idObj, &id) != TCL_OK) {
        return TCL_ERROR;
    }
    try {
        Tcl_SetObjResult(interp, Tcl_NewWideIntObj(static_cast<Tcl_WideInt>(client->size(id))));
    } catch (const Error &error) {
        return ReportError(interp, "adlb::size", error);
    }
    return TCL_OK;
}

void
hedflow::adlb::glue::RegisterDataCommands(Tcl_Interp *interp)
{
    const struct {
        const char *name;
        Tcl_ObjCmdProc *proc;
    } commands[] = {
        {"::adlb::create", CreateCmd},       {"::adlb::store", StoreCmd},
        {"::adlb::retrieve", RetrieveCmd},   {"::adlb::exists", ExistsCmd},
        {"::adlb::closed", ClosedCmd},       {"::adlb::insert", InsertCmd},
        {"::adlb::lookup", LookupCmd},       {"::adlb::enumerate", EnumerateCmd},
        {"::adlb::refcount_incr", RefcountIncrCmd}, {"::adlb::subscribe", SubscribeCmd},
    };
    for (const auto &command : commands) {
        Tcl_CreateObjCommand(interp, command.name, command.proc, nullptr, nullptr);
    }
}

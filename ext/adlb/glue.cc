/*
 * glue.cc --
 *
 *	Helpers shared by the Tcl commands of the adlb package.
 */
#include "glue.h"

#include <dlfcn.h>

#include <cstring>

namespace hedflow::adlb::glue {

State &
GetState()
{
    static State state;
    return state;
}

int
Fail(Tcl_Interp *interp, const std::string &message, const std::vector<std::string> &code)
{
    Tcl_SetObjResult(interp, Tcl_NewStringObj(message.c_str(), static_cast<int>(message.size())));
    Tcl_Obj *list = Tcl_NewListObj(0, nullptr);
    for (const std::string &word : code) {
        Tcl_ListObjAppendElement(nullptr, list,
                                 Tcl_NewStringObj(word.c_str(), static_cast<int>(word.size())));
    }
    Tcl_SetObjErrorCode(interp, list);
    return TCL_ERROR;
}

int
ReportError(Tcl_Interp *interp, const char *command, const Error &error)
{
    return Fail(interp, std::string(command) + ": " + error.what(), error.code());
}

const Layout *
RequireInit(Tcl_Interp *interp, const char *command)
{
    State &state = GetState();
    if (!state.layout) {
        Fail(interp, std::string(command) + ": adlb is not initialized; call adlb::init first",
             {"ADLB", "STATE", "UNINITIALIZED"});
        return nullptr;
    }
    return state.layout.get();
}

Client *
RequireWorker(Tcl_Interp *interp, const char *command)
{
    const Layout *layout = RequireInit(interp, command);
    if (layout == nullptr) {
        return nullptr;
    }
    State &state = GetState();
    if (!state.client) {
        Fail(interp, std::string(command) + ": rank " + std::to_string(layout->rank())
                         + " is a server; only worker ranks call " + command,
             {"ADLB", "ROLE", "SERVER"});
        return nullptr;
    }
    return state.client.get();
}

Bytes
GetBytes(Tcl_Obj *obj)
{
    static const Tcl_ObjType *byteArrayType = Tcl_GetObjType("bytearray");
    if (obj->typePtr == byteArrayType && obj->bytes == nullptr) {
        int length = 0;
        const unsigned char *data = Tcl_GetByteArrayFromObj(obj, &length);
        return Bytes{reinterpret_cast<const char *>(data), static_cast<size_t>(length), true};
    }
    int length = 0;
    const char *data = Tcl_GetStringFromObj(obj, &length);
    return Bytes{data, static_cast<size_t>(length), false};
}

Tcl_Obj *
NewBytes(const char *data, size_t length, bool binary)
{
    if (binary) {
        return Tcl_NewByteArrayObj(reinterpret_cast<const unsigned char *>(data),
                                   static_cast<int>(length));
    }
    return Tcl_NewStringObj(data, static_cast<int>(length));
}

void *
PinLoadedModule(Tcl_Interp *interp, const char *prefix)
{
    Tcl_Obj *saved = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(saved);
    void *module = nullptr;
    if (Tcl_EvalEx(interp, "info loaded {}", -1, TCL_EVAL_GLOBAL) == TCL_OK) {
        int count = 0;
        Tcl_Obj **entries = nullptr;
        Tcl_ListObjGetElements(nullptr, Tcl_GetObjResult(interp), &count, &entries);
        for (int i = 0; i < count && module == nullptr; i++) {
            Tcl_Obj *path = nullptr;
            Tcl_Obj *name = nullptr;
            if (Tcl_ListObjIndex(nullptr, entries[i], 0, &path) != TCL_OK || path == nullptr
                || Tcl_ListObjIndex(nullptr, entries[i], 1, &name) != TCL_OK || name == nullptr
                || std::strcmp(Tcl_GetString(name), prefix) != 0) {
                continue;
            }
            module = dlopen(Tcl_GetString(path), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
        }
    }
    Tcl_SetObjResult(interp, saved);
    Tcl_DecrRefCount(saved);
    return module;
}

int
GetId(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, uint64_t *id)
{
    Tcl_WideInt value = 0;
    if (Tcl_GetWideIntFromObj(nullptr, obj, &value) != TCL_OK || value <= 0) {
        return Fail(interp, std::string(command) + ": invalid datum id \"" + Tcl_GetString(obj)
                                + "\": expected a positive integer returned by adlb::create",
                    {"ADLB", "ID", Tcl_GetString(obj)});
    }
    *id = static_cast<uint64_t>(value);
    return TCL_OK;
}

Tcl_Obj *
NewId(uint64_t id)
{
    return Tcl_NewWideIntObj(static_cast<Tcl_WideInt>(id));
}

int
GetType(Tcl_Interp *interp, const char *command, const Layout &layout, Tcl_Obj *obj, int *type)
{
    const std::string name = Tcl_GetString(obj);
    *type = layout.typeIndex(name);
    if (*type >= 0) {
        return TCL_OK;
    }
    std::string names;
    for (const std::string &known : layout.typeNames()) {
        names += (names.empty() ? "" : ", ") + known;
    }
    return Fail(interp, std::string(command) + ": unknown task type \"" + name
                            + "\": expected one declared by adlb::init -types (" + names + ")",
                {"ADLB", "TYPE", name});
}

} // namespace hedflow::adlb::glue

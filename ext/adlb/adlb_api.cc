/*
 * adlb_api.cc --
 *
 *	The table of adlb_api.h: the client calls behind adlb::put_many and
 *	adlb::get, without their Tcl argument parsing.
 */
#include "adlb_api.h"

#include <algorithm>
#include <string>
#include <vector>

#include "glue.h"

using namespace hedflow::adlb;
using namespace hedflow::adlb::glue;

namespace {

int
TypeIndex(const char *name)
{
    const Layout *layout = GetState().layout.get();
    if (layout == nullptr) {
        return -1;
    }
    const auto &names = layout->typeNames();
    for (size_t i = 0; i < names.size(); i++) {
        if (names[i] == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int
PutMany(Tcl_Interp *interp, int type, int priority, int target, const char *const *payloads,
        const size_t *lengths, size_t count)
{
    Client *client = RequireWorker(interp, "adlb::put_many");
    if (client == nullptr) {
        return TCL_ERROR;
    }
    const Layout &layout = *GetState().layout;
    if (type < 0 || static_cast<size_t>(type) >= layout.typeNames().size()
        || target < -1 || target >= layout.workers()) {
        return Fail(interp, "adlb::put_many: invalid type " + std::to_string(type) + " or target rank "
                                + std::to_string(target),
                    {"ADLB", "ARGUMENT"});
    }

    TaskHeader header;
    header.type = static_cast<uint16_t>(type);
    header.priority = priority;
    header.target = target;
    header.strict = target < 0 ? STRICT_NONE : STRICT_HARD;
    for (size_t i = 0; i < count; i++) {
        if (lengths[i] > MAX_PAYLOAD) {
            return Fail(interp, "adlb::put_many: payload of " + std::to_string(lengths[i])
                                    + " bytes is larger than the limit of 1 GiB (1073741824 bytes)",
                        {"ADLB", "PAYLOAD", std::to_string(lengths[i])});
        }
    }
    try {
        if (count == 1) {
            client->putOne(header, payloads[0], static_cast<uint32_t>(lengths[0]));
        } else {
            std::vector<const char *> data(payloads, payloads + count);
            std::vector<uint32_t> lengthWords(lengths, lengths + count);
            client->put(header, data, lengthWords);
        }
    } catch (const Error &error) {
        return ReportError(interp, "adlb::put_many", error);
    }
    return TCL_OK;
}

int
Get(Tcl_Interp *interp, int typeFilter, int block, int byPriority, HedflowAdlbTask *out)
{
    const char *command = block ? "adlb::get" : "adlb::iget";
    Client *client = RequireWorker(interp, command);
    if (client == nullptr) {
        return -1;
    }
    // Kept between calls so the payload outlives the call; never freed,
    // because Tcl unloads this module at exit before static destructors.
    static Task *task = new Task;
    try {
        if (!client->get(typeFilter, block != 0, *task, byPriority != 0)) {
            return 0;
        }
    } catch (const Error &error) {
        ReportError(interp, command, error);
        return -1;
    }
    out->id = task->header.id;
    out->payload = task->payload.data();
    out->length = task->payload.size();
    out->binary = (task->header.lengthWord & BINARY_BIT) != 0;
    out->type = task->header.type;
    out->priority = task->header.priority;
    out->putter = task->header.putter;
    out->parallel = std::max<int>(1, static_cast<int>(task->header.memberCount));
    return 1;
}

const HedflowAdlbApi TABLE = {TypeIndex, PutMany, Get};

} // namespace

void
hedflow::adlb::glue::RegisterApi(Tcl_Interp *interp)
{
    Tcl_SetAssocData(interp, HEDFLOW_ADLB_API, nullptr, const_cast<HedflowAdlbApi *>(&TABLE));
}

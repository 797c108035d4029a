/*
 * adlb_tcl.cc --
 *
 *	Entry point of the adlb package (namespace ::adlb) and its commands
 *	for roles, the server loop, statistics and failure. The task commands
 *	are in task_tcl.cc, the data store commands in data_tcl.cc.
 */
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "glue.h"

using namespace hedflow::adlb;
using namespace hedflow::adlb::glue;

namespace {

/* Extra tasks a get may bring; ADLB_PREFETCH overrides it. */
constexpr uint32_t DEFAULT_PREFETCH = 16;

/* Task types are bits of a 64-bit mask in steal requests. */
constexpr size_t MAX_TYPES = 64;

/*
 * Reads the default server count from ADLB_SERVERS (1 when unset).
 * Returns TCL_ERROR with a message when it is not a whole number.
 */
int
DefaultServers(Tcl_Interp *interp, int *servers)
{
    const char *text = std::getenv("ADLB_SERVERS");
    *servers = 1;
    if (text == nullptr || *text == '\0') {
        return TCL_OK;
    }
    char *end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < 1 || value > 1000000) {
        return Fail(interp, std::string("adlb::init: invalid ADLB_SERVERS \"") + text
                                + "\": expected a whole number of at least 1",
                    {"ADLB", "SERVERS", text});
    }
    *servers = static_cast<int>(value);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::init --
 *
 *	Usage: adlb::init ?-servers n? ?-types names?
 *
 *	Makes the last n ranks (default $ADLB_SERVERS, else 1) servers and
 *	declares the task types (default: one type, "work"). Collective over
 *	MPI_COMM_WORLD.
 *
 *	Results:
 *	    "server" or "worker": this rank's role.
 *
 *	Side effects:
 *	    Initializes MPI through the mpi package when the script has not,
 *	    so that a clean exit finalizes MPI and a failing one aborts the job.
 *	    Duplicates MPI_COMM_WORLD for the package's messages.
 *----------------------------------------------------------------------
 */
int
InitCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc % 2 != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, "?-servers n? ?-types names?");
        return TCL_ERROR;
    }

    int servers = 0;
    if (DefaultServers(interp, &servers) != TCL_OK) {
        return TCL_ERROR;
    }
    std::vector<std::string> types{"work"};
    static const char *const options[] = {"-servers", "-types", nullptr};
    for (int i = 1; i < objc; i += 2) {
        int option = 0;
        if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0, &option) != TCL_OK) {
            return TCL_ERROR;
        }
        if (option == 0) {
            if (Tcl_GetIntFromObj(interp, objv[i + 1], &servers) != TCL_OK) {
                return TCL_ERROR;
            }
            continue;
        }
        int count = 0;
        Tcl_Obj **names = nullptr;
        if (Tcl_ListObjGetElements(interp, objv[i + 1], &count, &names) != TCL_OK) {
            return TCL_ERROR;
        }
        types.clear();
        std::set<std::string> seen;
        for (int n = 0; n < count; n++) {
            std::string name = Tcl_GetString(names[n]);
            if (name.empty() || !seen.insert(name).second) {
                return Fail(interp, "adlb::init: invalid type list \"" + std::string(Tcl_GetString(objv[i + 1]))
                                        + "\": names must be non-empty and distinct",
                            {"ADLB", "TYPES"});
            }
            types.push_back(std::move(name));
        }
        if (types.empty() || types.size() > MAX_TYPES) {
            return Fail(interp, "adlb::init: invalid type list \"" + std::string(Tcl_GetString(objv[i + 1]))
                                    + "\": give from 1 to 64 type names",
                        {"ADLB", "TYPES"});
        }
    }

    State &state = GetState();
    if (state.layout) {
        return Fail(interp, "adlb::init: adlb is already initialized; call adlb::init once per process",
                    {"ADLB", "STATE", "INITIALIZED"});
    }

    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        if (Tcl_EvalEx(interp, "package require mpi; mpi::init", -1, TCL_EVAL_GLOBAL) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_ResetResult(interp);
    }
    // The mpi package's exit procedure calls Tcl_Finalize, which may unmap
    // the mpi module while that procedure runs; pinning it prevents that.
    PinLoadedModule(interp, "Mpi");

    uint32_t prefetch = DEFAULT_PREFETCH;
    if (const char *text = std::getenv("ADLB_PREFETCH")) {
        prefetch = static_cast<uint32_t>(std::strtoul(text, nullptr, 10));
    }

    try {
        auto layout = std::make_unique<Layout>(servers, types);
        CheckMpi(MPI_Comm_dup(MPI_COMM_WORLD, &state.comm), "MPI_Comm_dup");
        MPI_Comm_set_errhandler(state.comm, MPI_ERRORS_RETURN);
        if (layout->amServer()) {
            state.server = std::make_unique<Server>(*layout, state.comm);
        } else {
            state.client = std::make_unique<Client>(*layout, state.comm, prefetch);
        }
        state.layout = std::move(layout);
    } catch (const Error &error) {
        return ReportError(interp, "adlb::init", error);
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(state.server ? "server" : "worker", -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::server --
 *
 *	Usage: adlb::server
 *
 *	Runs the server loop on a server rank until the run ends: every
 *	worker waits in adlb::get and no task is queued, running or held.
 *
 *	Results:
 *	    Empty.
 *----------------------------------------------------------------------
 */
int
ServerCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    const Layout *layout = RequireInit(interp, "adlb::server");
    if (layout == nullptr) {
        return TCL_ERROR;
    }
    State &state = GetState();
    if (!state.server) {
        return Fail(interp, "adlb::server: rank " + std::to_string(layout->rank())
                                + " is a worker; only server ranks (adlb::am_server) run the server loop",
                    {"ADLB", "ROLE", "WORKER"});
    }
    if (state.serverDone) {
        return Fail(interp, "adlb::server: the server loop has already run to the end of the run",
                    {"ADLB", "ENDED"});
    }
    try {
        state.server->run();
    } catch (const Error &error) {
        return ReportError(interp, "adlb::server", error);
    }
    state.serverDone = true;
    return TCL_OK;
}

/*
 * RoleCmd --
 *
 *	adlb::rank, adlb::servers, adlb::workers and adlb::am_server: each
 *	takes no argument and returns one number of the layout, chosen by
 *	clientData.
 */
enum RoleQuery { ROLE_RANK, ROLE_SERVERS, ROLE_WORKERS, ROLE_AM_SERVER };

int
RoleCmd(ClientData clientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    const Layout *layout = RequireInit(interp, Tcl_GetString(objv[0]));
    if (layout == nullptr) {
        return TCL_ERROR;
    }
    int value = 0;
    switch (static_cast<RoleQuery>(reinterpret_cast<intptr_t>(clientData))) {
    case ROLE_RANK: value = layout->rank(); break;
    case ROLE_SERVERS: value = layout->servers(); break;
    case ROLE_WORKERS: value = layout->workers(); break;
    case ROLE_AM_SERVER: value = layout->amServer() ? 1 : 0; break;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(value));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::size --
 *
 *	Usage: adlb::size ?id?
 *
 *	Results:
 *	    Without id, the number of ranks; with id, the number of members
 *	    of that container.
 *----------------------------------------------------------------------
 */
int
SizeCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc > 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "?id?");
        return TCL_ERROR;
    }
    if (objc == 2) {
        return ContainerSize(interp, objv[1]);
    }
    const Layout *layout = RequireInit(interp, "adlb::size");
    if (layout == nullptr) {
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(layout->size()));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::stats --
 *
 *	Usage: adlb::stats
 *
 *	Results:
 *	    A dict from server rank to that server's counters: puts, gets,
 *	    steals, stolen, peak (maximum tasks queued at once) and bytes (of
 *	    payload put). Live on a worker during the run; the final counters
 *	    after adlb::get returned empty, or on a server after adlb::server.
 *----------------------------------------------------------------------
 */
int
StatsCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    const Layout *layout = RequireInit(interp, "adlb::stats");
    if (layout == nullptr) {
        return TCL_ERROR;
    }
    State &state = GetState();
    std::vector<Stats> all;
    if (state.server) {
        if (!state.serverDone) {
            return Fail(interp, "adlb::stats: this server has not run adlb::server yet; "
                                "call adlb::stats after it returns",
                        {"ADLB", "STATE", "RUNNING"});
        }
        all = state.server->allStats();
    } else {
        try {
            all = state.client->stats();
        } catch (const Error &error) {
            return ReportError(interp, "adlb::stats", error);
        }
    }

    Tcl_Obj *result = Tcl_NewDictObj();
    for (size_t s = 0; s < all.size(); s++) {
        const Stats &stats = all[s];
        Tcl_Obj *counters = Tcl_NewDictObj();
        const std::pair<const char *, uint64_t> fields[] = {
            {"puts", stats.puts}, {"gets", stats.gets}, {"steals", stats.steals},
            {"stolen", stats.stolen}, {"peak", stats.peakQueued}, {"bytes", stats.bytes},
        };
        for (const auto &field : fields) {
            Tcl_DictObjPut(nullptr, counters, Tcl_NewStringObj(field.first, -1),
                           Tcl_NewWideIntObj(static_cast<Tcl_WideInt>(field.second)));
        }
        Tcl_DictObjPut(nullptr, result, Tcl_NewIntObj(layout->serverRank(static_cast<int>(s))),
                       counters);
    }
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * adlb::fail --
 *
 *	Usage: adlb::fail code message
 *
 *	Ends the whole run: writes message to stderr and aborts every rank
 *	with exit status code (1 to 255), so that no rank waits forever for
 *	a failed one.
 *
 *	Results:
 *	    Does not return, except with an error for invalid arguments.
 *----------------------------------------------------------------------
 */
int
FailCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "code message");
        return TCL_ERROR;
    }
    int code = 0;
    if (Tcl_GetIntFromObj(interp, objv[1], &code) != TCL_OK) {
        return TCL_ERROR;
    }
    if (code < 1 || code > 255) {
        return Fail(interp, "adlb::fail: invalid exit code " + std::to_string(code)
                                + ": expected 1 to 255",
                    {"ADLB", "EXIT_CODE", std::to_string(code)});
    }

    int rank = 0;
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    }
    std::fprintf(stderr, "adlb[%d]: %s\n", rank, Tcl_GetString(objv[2]));
    std::fflush(stderr);

    // The mpi package, which adlb::init loads, installs the exit procedure
    // that flushes the channels, waits until the launcher has read them,
    // and aborts the job.
    Tcl_Exit(code);
    return TCL_ERROR; // Not reached: Tcl_Exit ends the process.
}

struct CommandEntry {
    const char *name;
    Tcl_ObjCmdProc *proc;
    intptr_t clientData;
};

const CommandEntry commands[] = {
    {"::adlb::init", InitCmd, 0},
    {"::adlb::server", ServerCmd, 0},
    {"::adlb::rank", RoleCmd, ROLE_RANK},
    {"::adlb::servers", RoleCmd, ROLE_SERVERS},
    {"::adlb::workers", RoleCmd, ROLE_WORKERS},
    {"::adlb::am_server", RoleCmd, ROLE_AM_SERVER},
    {"::adlb::size", SizeCmd, 0},
    {"::adlb::stats", StatsCmd, 0},
    {"::adlb::fail", FailCmd, 0},
};

} // namespace

/*
 *----------------------------------------------------------------------
 * Adlb_Init --
 *
 *	Entry point called by `load`.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the Tcl stubs do not match.
 *
 *	Side effects:
 *	    Creates the ::adlb commands and provides package adlb.
 *----------------------------------------------------------------------
 */
extern "C" int
Adlb_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    if (Tcl_CreateNamespace(interp, "::adlb", nullptr, nullptr) == nullptr) {
        return TCL_ERROR;
    }
    for (const CommandEntry &entry : commands) {
        Tcl_CreateObjCommand(interp, entry.name, entry.proc,
                             reinterpret_cast<ClientData>(entry.clientData), nullptr);
    }
    RegisterTaskCommands(interp);
    RegisterDataCommands(interp);
    RegisterApi(interp);
    return Tcl_PkgProvide(interp, "adlb", PACKAGE_VERSION);
}

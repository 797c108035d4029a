/*
 * glue.h --
 *
 *	What the Tcl commands of namespace ::adlb share: the process's adlb
 *	state (layout and its client or server), error reporting, and the
 *	conversion of payloads and ids. Only the glue includes tcl.h.
 */
#ifndef HEDFLOW_ADLB_GLUE_H
#define HEDFLOW_ADLB_GLUE_H

#include <mpi.h>
#include <tcl.h>

#include <memory>
#include <string>
#include <vector>

#include "client.h"
#include "error.h"
#include "layout.h"
#include "server.h"

namespace hedflow::adlb::glue {

/* The adlb state of this process; adlb::init fills it once. */
struct State {
    std::unique_ptr<Layout> layout;
    std::unique_ptr<Client> client;   // workers only
    std::unique_ptr<Server> server;   // servers only
    MPI_Comm comm = MPI_COMM_NULL;    // private duplicate of MPI_COMM_WORLD
    bool serverDone = false;
};

State &GetState();

/* Sets the result "command: message" and the error code of error.
 * Returns TCL_ERROR. */
int ReportError(Tcl_Interp *interp, const char *command, const Error &error);

/* Returns the layout, or nullptr with {ADLB STATE UNINITIALIZED} set. */
const Layout *RequireInit(Tcl_Interp *interp, const char *command);

/* Returns the client of a worker, or nullptr with an error when adlb is not
 * initialized or this rank is a server. */
Client *RequireWorker(Tcl_Interp *interp, const char *command);

/* A payload or value as bytes; binary when Tcl holds it as a byte array
 * only, so it can come back as one. Valid while obj is unchanged. */
struct Bytes {
    const char *data;
    size_t length;
    bool binary;
};
Bytes GetBytes(Tcl_Obj *obj);
Tcl_Obj *NewBytes(const char *data, size_t length, bool binary);

/* Reads a datum id (a positive integer). */
int GetId(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, uint64_t *id);
Tcl_Obj *NewId(uint64_t id);

/* Reads a task type name declared by adlb::init into its index. */
int GetType(Tcl_Interp *interp, const char *command, const Layout &layout, Tcl_Obj *obj, int *type);

/* Sets a Tcl error with a message and an error code list. Returns TCL_ERROR. */
int Fail(Tcl_Interp *interp, const std::string &message, const std::vector<std::string> &code);

/*
 * Returns a dlopen handle of the loaded module of Tcl package prefix
 * `prefix` (as `info loaded` lists it, such as "Mpi"), or nullptr. The
 * module is marked RTLD_NODELETE, so Tcl_Finalize cannot unmap it while
 * its exit procedure still runs.
 */
void *PinLoadedModule(Tcl_Interp *interp, const char *prefix);

/* Command registration of each glue file, and the C table of
 * adlb_api.h as the interpreter's associated data. */
void RegisterTaskCommands(Tcl_Interp *interp);
void RegisterDataCommands(Tcl_Interp *interp);
void RegisterApi(Tcl_Interp *interp);

/* adlb::size ID: a container's member count (data_tcl.cc). */
int ContainerSize(Tcl_Interp *interp, Tcl_Obj *idObj);

} // namespace hedflow::adlb::glue

#endif

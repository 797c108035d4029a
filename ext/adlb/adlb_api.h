/*
 * adlb_api.h --
 *
 *	The entry points of the adlb package for other native hedflow
 *	modules, such as turbine's task engine. Those put and get many small
 *	tasks, and through adlb::put and adlb::get they would spend much of
 *	their time in Tcl command dispatch and dict building. Loading adlb
 *	registers the table as the interpreter's associated data
 *	HEDFLOW_ADLB_API, which a module reads with Tcl_GetAssocData. Errors
 *	set the interpreter's result and error code as the Tcl commands do.
 */
#ifndef HEDFLOW_ADLB_API_H
#define HEDFLOW_ADLB_API_H

#include <tcl.h>

#include <cstddef>
#include <cstdint>

#define HEDFLOW_ADLB_API "hedflow::adlb::api"

/* A task taken by get. payload stays valid until the next get. */
struct HedflowAdlbTask {
    uint64_t id;
    const char *payload;
    size_t length;
    int binary;     /* 1: the payload was put as a byte array */
    int type;       /* index of the type in adlb::init -types */
    int priority;
    int putter;     /* rank that put it */
    int parallel;   /* workers it runs on; above 1, Tcl's adlb::get is needed for its comm */
};

struct HedflowAdlbApi {
    /* Index of a type name declared by adlb::init, or -1. */
    int (*typeIndex)(const char *name);

    /*
     * Puts count string payloads of one type and priority, with a hard
     * target rank or none (-1), in as few messages as possible. Returns
     * TCL_OK or TCL_ERROR.
     */
    int (*putMany)(Tcl_Interp *interp, int type, int priority, int target,
                   const char *const *payloads, const size_t *lengths, size_t count);

    /*
     * Takes the next task of type typeFilter (-1: any) like adlb::get
     * (block 1) or adlb::iget (block 0). With byPriority 1, no prefetched
     * task is handed out before the server's choice by priority (see
     * Client::get). Returns 1 with a task, 0 when the run has ended or,
     * without block, none is ready, and -1 on error.
     */
    int (*get)(Tcl_Interp *interp, int typeFilter, int block, int byPriority, HedflowAdlbTask *task);
};

#endif

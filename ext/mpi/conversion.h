/*
 * conversion.h --
 *
 *	Tcl values to and from the bytes the core sends, and the Tcl words
 *	that name data types, operators, ranks and tags. mpi::auto sends a
 *	value's string representation and gives the receiver a string; the
 *	numeric types send lists of numbers in their C layout and give the
 *	receiver a list. An element that does not convert follows the policy
 *	set with mpi::conv_set: a Tcl error (mpi::error, the default), an
 *	MPI_Abort (mpi::abort), or 0 in its place (mpi::tozero).
 */
#ifndef HEDFLOW_CONVERSION_H
#define HEDFLOW_CONVERSION_H

#include <mpi.h>
#include <tcl.h>

#include <memory>
#include <string>
#include <vector>

#include "collectives.h"
#include "datatype.h"
#include "point_to_point.h"

namespace hedflow::mpi {

/* The bytes of one encoded Tcl value, or the reason it did not encode. */
struct Encoded {
    const char *data = nullptr; /* into storage, or a Tcl string for Auto */
    std::size_t size = 0;
    std::vector<char> storage;
    std::size_t elements = 0;   /* list elements, or pairs for pair types */
    bool failed = false;
    std::string failure;
    std::vector<std::string> failureCode;

    /* Returns the collective contribution these bytes make. */
    Contribution AsContribution() const;
};

/*
 * Encode --
 *
 *	Converts value to the bytes type sends. For Auto the result points
 *	into value's string representation, so value must stay alive and
 *	unchanged while the bytes are in use. With the mpi::abort policy a
 *	failed element aborts the job on comm, naming command on stderr.
 */
Encoded Encode(const char *command, Tcl_Obj *value, DataType type, MPI_Comm comm);

/*
 * EncodeElements --
 *
 *	Like Encode for a numeric type, for elements already split from a
 *	list. numbering is the index of elements[0] in the original list.
 */
Encoded EncodeElements(const char *command, Tcl_Obj *const elements[], int count, DataType type,
                       MPI_Comm comm);

/*
 * Decode --
 *
 *	Results:
 *	    TCL_OK with *result set to a new Tcl value (reference count 0)
 *	    made from size bytes of type; TCL_ERROR with an error {MPI TYPE
 *	    MISMATCH ...} when the bytes cannot be of type, which happens when
 *	    sender and receiver named different types.
 */
int Decode(Tcl_Interp *interp, const char *command, DataType type, const char *data,
           std::size_t size, Tcl_Obj **result);

/*
 * MakeSink --
 *
 *	Returns a sink for a received value of type: for Auto one that
 *	receives straight into a Tcl string, otherwise a VectorSink.
 */
std::unique_ptr<ByteSink> MakeSink(DataType type);

/*
 * SinkToObj --
 *
 *	Like Decode for the bytes that a sink from MakeSink received.
 */
int SinkToObj(Tcl_Interp *interp, const char *command, DataType type, ByteSink &sink,
              Tcl_Obj **result);

/* Each Get function below returns TCL_OK with the value stored, or
 * TCL_ERROR with a message and error code in interp. */

/* Reads a data type handle: mpi::auto, mpi::int, mpi::double, mpi::intint, mpi::dblint. */
int GetDataTypeFromObj(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, DataType *type);

/* Reads a reduction operator handle such as mpi::sum. */
int GetReduceOpFromObj(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, ReduceOp *op);

/* Reads a source rank: an integer or mpi::any_source. */
int GetSourceFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *source);

/* Reads a tag: an integer or mpi::any_tag. */
int GetTagFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *tag);

/* Reads a comm_split color: a non-negative integer or mpi::undefined. */
int GetColorFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *color);

/* Returns true when obj is the handle name (with or without a leading "::"). */
bool IsHandle(Tcl_Obj *obj, const char *name);

/* The Tcl commands that set and read the conversion policy. */
int MpiConvSetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int MpiConvGetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

} // namespace hedflow::mpi

#endif

/*
 * collective_cmds.cc --
 *
 *	Tcl commands for collectives: mpi::bcast, scatter, gather, allgather,
 *	reduce, allreduce and bcast_file. Every rank of the communicator must
 *	call the same command with the same type, operator and root. A
 *	failure on one rank (a value that does not convert, for example)
 *	raises an error on every rank, so no rank is left blocked.
 */
#include <mpi.h>
#include <tcl.h>

#include <climits>
#include <string>
#include <vector>

#include "collectives.h"
#include "comm_table.h"
#include "commands.h"
#include "conversion.h"
#include "file_broadcast.h"
#include "mpi_check.h"

namespace hedflow::mpi {

namespace {

/*
 * Encodes a rank's contribution to gather or allgather. For mpi::auto
 * the value must be a list, because the result joins the ranks' lists.
 */
Encoded
EncodeListContribution(const char *command, Tcl_Obj *value, DataType type, MPI_Comm comm)
{
    if (type == DataType::Auto) {
        int length = 0;
        if (Tcl_ListObjLength(nullptr, value, &length) != TCL_OK) {
            Encoded encoded;
            encoded.failed = true;
            encoded.failure = "data for mpi::auto is not a valid Tcl list; wrap a single "
                              "value with [list]";
            encoded.failureCode = {"CONVERT", "mpi::auto", "LIST"};
            return encoded;
        }
    }
    return Encode(command, value, type, comm);
}

/*
 * Joins gathered blocks into one Tcl list: the concatenation of the
 * ranks' lists for mpi::auto, all numbers in rank order otherwise.
 */
int
JoinBlocks(Tcl_Interp *interp, const char *command, DataType type,
           const std::vector<std::vector<char>> &blocks, Tcl_Obj **result)
{
    if (type != DataType::Auto) {
        std::vector<char> joined;
        for (const std::vector<char> &block : blocks) {
            joined.insert(joined.end(), block.begin(), block.end());
        }
        return Decode(interp, command, type, joined.data(), joined.size(), result);
    }

    ObjRef list(Tcl_NewListObj(0, nullptr));
    for (const std::vector<char> &block : blocks) {
        Tcl_Obj *part;
        if (Decode(interp, command, DataType::Auto, block.data(), block.size(), &part) != TCL_OK) {
            return TCL_ERROR;
        }
        ObjRef held(part);
        int count = 0;
        Tcl_Obj **elements = nullptr;
        if (Tcl_ListObjGetElements(interp, part, &count, &elements) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_ListObjReplace(nullptr, list.obj, INT_MAX, 0, count, elements);
    }
    *result = Tcl_DuplicateObj(list.obj);
    return TCL_OK;
}

/*
 * Returns path in the system's encoding with "~" expanded. A path that
 * does not translate is returned unchanged, so the rank still takes part
 * in the collective and fails there with the system's reason.
 */
std::string
NativePath(Tcl_Interp *interp, Tcl_Obj *path)
{
    Tcl_DString native;
    if (Tcl_TranslateFileName(interp, Tcl_GetString(path), &native) == nullptr) {
        Tcl_ResetResult(interp);
        return Tcl_GetString(path);
    }
    std::string result(Tcl_DStringValue(&native), Tcl_DStringLength(&native));
    Tcl_DStringFree(&native);
    return result;
}

} // namespace

/*
 *----------------------------------------------------------------------
 * mpi::bcast --
 *
 *	Usage: mpi::bcast DATA TYPE ROOT COMM
 *
 *	Collective over COMM. DATA is ignored on all ranks but ROOT.
 *
 *	Results:
 *	    ROOT's DATA on every rank, converted to TYPE (so a numeric type
 *	    returns normalized numbers on ROOT too).
 *----------------------------------------------------------------------
 */
int
MpiBcastCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type root comm");
        return TCL_ERROR;
    }

    DataType type;
    int root = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::bcast", objv[2], &type) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[3], &root) != TCL_OK ||
        LookupComm(interp, objv[4], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::bcast", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::bcast", [&] {
        const bool isRoot = RankOf(comm) == root;
        Encoded encoded;
        if (isRoot) {
            encoded = Encode("mpi::bcast", objv[1], type, comm);
        }
        std::unique_ptr<ByteSink> sink = MakeSink(type);
        Broadcast(comm, root, encoded.AsContribution(), *sink);

        Tcl_Obj *result;
        int code;
        if (isRoot && type == DataType::Auto) {
            result = objv[1];
            code = TCL_OK;
        } else if (isRoot) {
            code = Decode(interp, "mpi::bcast", type, encoded.data, encoded.size, &result);
        } else {
            code = SinkToObj(interp, "mpi::bcast", type, *sink, &result);
        }
        if (code == TCL_OK) {
            Tcl_SetObjResult(interp, result);
        }
        return code;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::scatter --
 *
 *	Usage: mpi::scatter DATA TYPE ROOT COMM
 *
 *	Collective over COMM. DATA, a list whose length is a multiple of the
 *	number of ranks (counting pairs for mpi::intint and mpi::dblint), is
 *	used on ROOT only and cut into equal consecutive parts.
 *
 *	Results:
 *	    This rank's part, as a list.
 *----------------------------------------------------------------------
 */
int
MpiScatterCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type root comm");
        return TCL_ERROR;
    }

    DataType type;
    int root = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::scatter", objv[2], &type) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[3], &root) != TCL_OK ||
        LookupComm(interp, objv[4], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::scatter", comm)) {
        return TCL_ERROR;
    }

    return RunCore(interp, "mpi::scatter", [&] {
        const int ranks = SizeOf(comm);
        const bool isRoot = RankOf(comm) == root;

        /* Root cuts DATA into blocks; parts keeps the mpi::auto sublists
         * alive while their strings are sent. */
        Encoded whole;
        std::vector<Contribution> blocks;
        std::vector<std::unique_ptr<ObjRef>> parts;
        if (isRoot) {
            int count = 0;
            Tcl_Obj **elements = nullptr;
            if (type == DataType::Auto) {
                if (Tcl_ListObjGetElements(nullptr, objv[1], &count, &elements) != TCL_OK) {
                    whole.failed = true;
                    whole.failure = "data to scatter is not a valid Tcl list";
                    whole.failureCode = {"CONVERT", "mpi::auto", "LIST"};
                }
                whole.elements = static_cast<std::size_t>(count);
            } else {
                whole = Encode("mpi::scatter", objv[1], type, comm);
            }
            if (!whole.failed && whole.elements % ranks != 0) {
                whole.failed = true;
                whole.failure = "a list of " + std::to_string(whole.elements) +
                                " elements does not split evenly over " +
                                std::to_string(ranks) + " ranks";
                whole.failureCode = {"COUNT", "UNEVEN", std::to_string(whole.elements)};
            }
            const std::size_t share = whole.failed ? 0 : whole.elements / ranks;
            for (int i = 0; i < ranks && !whole.failed; ++i) {
                Contribution block;
                if (type == DataType::Auto) {
                    parts.push_back(std::make_unique<ObjRef>(
                        Tcl_NewListObj(static_cast<int>(share), elements + i * share)));
                    int length = 0;
                    block.data = Tcl_GetStringFromObj(parts.back()->obj, &length);
                    block.size = static_cast<std::size_t>(length);
                } else {
                    block.size = share * ElementSize(type);
                    block.data = whole.data + i * block.size;
                }
                blocks.push_back(block);
            }
        }

        std::unique_ptr<ByteSink> sink = MakeSink(type);
        Scatter(comm, root, blocks, whole.AsContribution(), *sink);
        Tcl_Obj *result;
        if (SinkToObj(interp, "mpi::scatter", type, *sink, &result) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, result);
        return TCL_OK;
    });
}

/*
 * Gathers for mpi::gather (everywhere false) and mpi::allgather.
 */
static int
GatherCommon(Tcl_Interp *interp, const char *command, Tcl_Obj *data, DataType type, int root,
             MPI_Comm comm, bool everywhere)
{
    return RunCore(interp, command, [&] {
        const Encoded encoded = EncodeListContribution(command, data, type, comm);
        const std::vector<std::vector<char>> blocks =
            Gather(comm, root, everywhere, encoded.AsContribution());
        if (!everywhere && RankOf(comm) != root) {
            Tcl_ResetResult(interp);
            return TCL_OK;
        }
        Tcl_Obj *result;
        if (JoinBlocks(interp, command, type, blocks, &result) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, result);
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::gather --
 *
 *	Usage: mpi::gather DATA TYPE ROOT COMM
 *
 *	Collective over COMM; the inverse of mpi::scatter. Each rank passes a
 *	list (ranks may pass lists of different lengths).
 *
 *	Results:
 *	    On ROOT, the ranks' lists joined in rank order; elsewhere empty.
 *----------------------------------------------------------------------
 */
int
MpiGatherCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type root comm");
        return TCL_ERROR;
    }

    DataType type;
    int root = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::gather", objv[2], &type) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[3], &root) != TCL_OK ||
        LookupComm(interp, objv[4], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::gather", comm)) {
        return TCL_ERROR;
    }
    return GatherCommon(interp, "mpi::gather", objv[1], type, root, comm, false);
}

/*
 *----------------------------------------------------------------------
 * mpi::allgather --
 *
 *	Usage: mpi::allgather DATA TYPE COMM
 *
 *	Collective over COMM.
 *
 *	Results:
 *	    On every rank, the ranks' lists joined in rank order.
 *----------------------------------------------------------------------
 */
int
MpiAllgatherCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 4) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type comm");
        return TCL_ERROR;
    }

    DataType type;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::allgather", objv[2], &type) != TCL_OK ||
        LookupComm(interp, objv[3], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::allgather", comm)) {
        return TCL_ERROR;
    }
    return GatherCommon(interp, "mpi::allgather", objv[1], type, 0, comm, true);
}

/*
 * Reduces for mpi::reduce (everywhere false) and mpi::allreduce.
 */
static int
ReduceCommon(Tcl_Interp *interp, const char *command, Tcl_Obj *data, DataType type, ReduceOp op,
             int root, MPI_Comm comm, bool everywhere)
{
    return RunCore(interp, command, [&] {
        CheckReduction(type, op);
        const Encoded encoded = Encode(command, data, type, comm);
        const std::vector<char> reduced =
            Reduce(comm, root, everywhere, type, op, encoded.AsContribution());
        if (!everywhere && RankOf(comm) != root) {
            Tcl_ResetResult(interp);
            return TCL_OK;
        }
        Tcl_Obj *result;
        if (Decode(interp, command, type, reduced.data(), reduced.size(), &result) != TCL_OK) {
            return TCL_ERROR;
        }
        Tcl_SetObjResult(interp, result);
        return TCL_OK;
    });
}

/*
 *----------------------------------------------------------------------
 * mpi::reduce --
 *
 *	Usage: mpi::reduce DATA TYPE OP ROOT COMM
 *
 *	Collective over COMM. Combines the lists DATA of all ranks element
 *	by element with OP; every rank passes the same number of elements.
 *	mpi::maxloc and mpi::minloc take mpi::intint or mpi::dblint pairs
 *	"value index" and return the extreme value with its index (the lowest
 *	index among ties).
 *
 *	Results:
 *	    On ROOT, the combined list; elsewhere empty.
 *----------------------------------------------------------------------
 */
int
MpiReduceCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 6) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type op root comm");
        return TCL_ERROR;
    }

    DataType type;
    ReduceOp op;
    int root = 0;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::reduce", objv[2], &type) != TCL_OK ||
        GetReduceOpFromObj(interp, "mpi::reduce", objv[3], &op) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[4], &root) != TCL_OK ||
        LookupComm(interp, objv[5], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::reduce", comm)) {
        return TCL_ERROR;
    }
    return ReduceCommon(interp, "mpi::reduce", objv[1], type, op, root, comm, false);
}

/*
 *----------------------------------------------------------------------
 * mpi::allreduce --
 *
 *	Usage: mpi::allreduce DATA TYPE OP COMM
 *
 *	Collective over COMM; mpi::reduce with the result on every rank.
 *
 *	Results:
 *	    The combined list.
 *----------------------------------------------------------------------
 */
int
MpiAllreduceCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "data type op comm");
        return TCL_ERROR;
    }

    DataType type;
    ReduceOp op;
    MPI_Comm comm;
    if (GetDataTypeFromObj(interp, "mpi::allreduce", objv[2], &type) != TCL_OK ||
        GetReduceOpFromObj(interp, "mpi::allreduce", objv[3], &op) != TCL_OK ||
        LookupComm(interp, objv[4], &comm) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::allreduce", comm)) {
        return TCL_ERROR;
    }
    return ReduceCommon(interp, "mpi::allreduce", objv[1], type, op, 0, comm, true);
}

/*
 *----------------------------------------------------------------------
 * mpi::bcast_file --
 *
 *	Usage: mpi::bcast_file COMM ROOT SRC DESTDIR
 *
 *	Collective over COMM. Copies the file SRC of ROOT (SRC is ignored
 *	elsewhere) into the folder DESTDIR of every rank, created when
 *	missing, keeping the file's name and permission bits. The file
 *	travels in 8 MiB chunks, so its size does not matter for memory, and
 *	each copy appears under its final name only when complete.
 *
 *	Results:
 *	    The path of this rank's copy, DESTDIR/NAME.
 *----------------------------------------------------------------------
 */
int
MpiBcastFileCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 5) {
        Tcl_WrongNumArgs(interp, 1, objv, "comm root src destdir");
        return TCL_ERROR;
    }

    MPI_Comm comm;
    int root = 0;
    if (LookupComm(interp, objv[1], &comm) != TCL_OK ||
        Tcl_GetIntFromObj(interp, objv[2], &root) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!UsableComm(interp, "mpi::bcast_file", comm)) {
        return TCL_ERROR;
    }

    const std::string sourcePath = NativePath(interp, objv[3]);
    const std::string folderPath = NativePath(interp, objv[4]);

    return RunCore(interp, "mpi::bcast_file", [&] {
        const std::string path = BroadcastFile(comm, root, sourcePath, folderPath);
        Tcl_DString text;
        Tcl_ExternalToUtfDString(nullptr, path.data(), static_cast<int>(path.size()), &text);
        Tcl_DStringResult(interp, &text);
        return TCL_OK;
    });
}

} // namespace hedflow::mpi

/*
 * conversion.cc --
 *
 *	Conversion between Tcl values and message bytes, the words naming
 *	types, operators, ranks and tags, and the commands mpi::conv_set and
 *	mpi::conv_get.
 */
#include "conversion.h"

#include <climits>
#include <cstring>

#include "job_abort.h"
#include "mpi_check.h"

namespace hedflow::mpi {

namespace {

enum class ConversionPolicy { Error, Abort, ToZero };

/* One policy per process, like MPI itself; mpi::error by default. */
ConversionPolicy policy = ConversionPolicy::Error;

const char *const policyNames[] = {"mpi::error", "mpi::abort", "mpi::tozero", nullptr};

/* Strips one leading "::" so both spellings of a handle compare equal. */
const char *
WithoutGlobalPrefix(const char *name)
{
    return std::strncmp(name, "::", 2) == 0 ? name + 2 : name;
}

/* A ByteSink that receives straight into the string of a Tcl object. */
class TclStringSink : public ByteSink {
public:
    TclStringSink()
    {
        obj = Tcl_NewObj();
        Tcl_IncrRefCount(obj);
    }

    ~TclStringSink() override
    {
        if (obj != nullptr) {
            Tcl_DecrRefCount(obj);
        }
    }

    char *Allocate(std::size_t size) override
    {
        /* Sizes above INT_MAX never arrive: CheckMessageSize limits
         * every message to one MPI count. */
        Tcl_SetObjLength(obj, static_cast<int>(size));
        return obj->bytes;
    }

    /* Returns the object with reference count 0 and forgets it. Tcl has
     * no call that drops a reference without freeing at 0, hence the
     * direct decrement. */
    Tcl_Obj *Release()
    {
        Tcl_Obj *released = obj;
        obj = nullptr;
        released->refCount--;
        return released;
    }

    Tcl_Obj *obj;
};

/*
 * Handles one element that failed to convert under the current policy.
 * Returns true when the caller should store 0 and go on.
 */
bool
ElementFailed(Encoded &encoded, const char *command, DataType type, int index, Tcl_Obj *element,
              MPI_Comm comm)
{
    const char *text = Tcl_GetString(element);
    const std::string message = std::string("cannot convert element ") + std::to_string(index) +
                                " \"" + text + "\" to " + DataTypeName(type) +
                                "; pass numbers, or choose a policy with mpi::conv_set";
    if (policy == ConversionPolicy::ToZero) {
        return true;
    }
    if (policy == ConversionPolicy::Abort) {
        /* The job ends here, so stderr is the only place the reason can go. */
        Tcl_Channel channel = Tcl_GetStdChannel(TCL_STDERR);
        if (channel != nullptr) {
            Tcl_WriteChars(channel, command, -1);
            Tcl_WriteChars(channel, ": ", -1);
            Tcl_WriteChars(channel, message.c_str(), -1);
            Tcl_WriteChars(channel, " (aborting as mpi::conv_set mpi::abort requests)\n", -1);
            Tcl_Flush(channel);
        }
        AbortJob(comm, 1);
    }
    if (!encoded.failed) {
        encoded.failed = true;
        encoded.failure = message;
        encoded.failureCode = {"CONVERT", DataTypeName(type), text};
    }
    return false;
}

bool
ConvertInt(Tcl_Obj *element, int *value)
{
    Tcl_WideInt wide = 0;
    if (Tcl_GetWideIntFromObj(nullptr, element, &wide) != TCL_OK || wide < INT_MIN ||
        wide > INT_MAX) {
        return false;
    }
    *value = static_cast<int>(wide);
    return true;
}

bool
ConvertDouble(Tcl_Obj *element, double *value)
{
    return Tcl_GetDoubleFromObj(nullptr, element, value) == TCL_OK;
}

/* Converts element i of a numeric list, applying the policy on failure.
 * Returns false when the encoding failed. */
template <typename T, bool (*Convert)(Tcl_Obj *, T *)>
bool
ConvertElement(Encoded &encoded, const char *command, DataType type, int index,
               Tcl_Obj *element, MPI_Comm comm, T *value)
{
    if (Convert(element, value)) {
        return true;
    }
    *value = 0;
    return ElementFailed(encoded, command, type, index, element, comm);
}

} // namespace

Contribution
Encoded::AsContribution() const
{
    Contribution contribution;
    contribution.data = data;
    contribution.size = size;
    contribution.failed = failed;
    contribution.failure = failure;
    contribution.failureCode = failureCode;
    return contribution;
}

Encoded
EncodeElements(const char *command, Tcl_Obj *const elements[], int count, DataType type,
               MPI_Comm comm)
{
    Encoded encoded;
    const bool pairs = type == DataType::IntInt || type == DataType::DblInt;
    if (pairs && count % 2 != 0) {
        encoded.failed = true;
        encoded.failure = std::string("data of type ") + DataTypeName(type) +
                          " needs an even number of elements (value index pairs), got " +
                          std::to_string(count);
        encoded.failureCode = {"CONVERT", DataTypeName(type), "ODD"};
        return encoded;
    }
    encoded.elements = pairs ? count / 2 : count;
    encoded.storage.assign(encoded.elements * ElementSize(type), '\0');
    char *out = encoded.storage.data();

    bool ok = true;
    for (std::size_t i = 0; i < encoded.elements && ok; ++i) {
        const int at = static_cast<int>(pairs ? 2 * i : i);
        switch (type) {
        case DataType::Int: {
            int value = 0;
            ok = ConvertElement<int, ConvertInt>(encoded, command, type, at, elements[at], comm,
                                                 &value);
            std::memcpy(out + i * sizeof value, &value, sizeof value);
            break;
        }
        case DataType::Double: {
            double value = 0;
            ok = ConvertElement<double, ConvertDouble>(encoded, command, type, at, elements[at],
                                                       comm, &value);
            std::memcpy(out + i * sizeof value, &value, sizeof value);
            break;
        }
        case DataType::IntInt: {
            IntIntPair pair{0, 0};
            ok = ConvertElement<int, ConvertInt>(encoded, command, type, at, elements[at], comm,
                                                 &pair.value) &&
                 ConvertElement<int, ConvertInt>(encoded, command, type, at + 1,
                                                 elements[at + 1], comm, &pair.index);
            std::memcpy(out + i * sizeof pair, &pair, sizeof pair);
            break;
        }
        case DataType::DblInt: {
            DoubleIntPair pair{};
            double value = 0;
            int index = 0;
            ok = ConvertElement<double, ConvertDouble>(encoded, command, type, at, elements[at],
                                                       comm, &value) &&
                 ConvertElement<int, ConvertInt>(encoded, command, type, at + 1,
                                                 elements[at + 1], comm, &index);
            /* Copying field by field keeps the padding bytes zero. */
            std::memcpy(out + i * sizeof pair + offsetof(DoubleIntPair, value), &value,
                        sizeof value);
            std::memcpy(out + i * sizeof pair + offsetof(DoubleIntPair, index), &index,
                        sizeof index);
            break;
        }
        case DataType::Auto:
            break;
        }
    }
    encoded.data = encoded.storage.data();
    encoded.size = encoded.storage.size();
    return encoded;
}

Encoded
Encode(const char *command, Tcl_Obj *value, DataType type, MPI_Comm comm)
{
    if (type == DataType::Auto) {
        Encoded encoded;
        int length = 0;
        encoded.data = Tcl_GetStringFromObj(value, &length);
        encoded.size = static_cast<std::size_t>(length);
        encoded.elements = encoded.size;
        return encoded;
    }

    int count = 0;
    Tcl_Obj **elements = nullptr;
    if (Tcl_ListObjGetElements(nullptr, value, &count, &elements) != TCL_OK) {
        Encoded encoded;
        encoded.failed = true;
        encoded.failure = std::string("data for type ") + DataTypeName(type) +
                          " is not a valid Tcl list";
        encoded.failureCode = {"CONVERT", DataTypeName(type), "LIST"};
        return encoded;
    }
    return EncodeElements(command, elements, count, type, comm);
}

int
Decode(Tcl_Interp *interp, const char *command, DataType type, const char *data,
       std::size_t size, Tcl_Obj **result)
{
    if (type == DataType::Auto) {
        if (std::memchr(data, '\0', size) != nullptr) {
            return SetErrorResult(interp, command,
                                  Error("the message is not a Tcl string: the sender used a "
                                        "numeric type, so receive with the same type",
                                        {"TYPE", "MISMATCH", "mpi::auto"}));
        }
        *result = Tcl_NewStringObj(data, static_cast<int>(size));
        return TCL_OK;
    }

    const std::size_t elementSize = ElementSize(type);
    if (size % elementSize != 0) {
        return SetErrorResult(
            interp, command,
            Error("a message of " + std::to_string(size) + " bytes is not a whole number of " +
                      DataTypeName(type) + " values; receive with the type the sender used",
                  {"TYPE", "MISMATCH", DataTypeName(type)}));
    }
    const std::size_t count = size / elementSize;
    Tcl_Obj *list = Tcl_NewListObj(0, nullptr);
    for (std::size_t i = 0; i < count; ++i) {
        const char *at = data + i * elementSize;
        switch (type) {
        case DataType::Int: {
            int value;
            std::memcpy(&value, at, sizeof value);
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewIntObj(value));
            break;
        }
        case DataType::Double: {
            double value;
            std::memcpy(&value, at, sizeof value);
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewDoubleObj(value));
            break;
        }
        case DataType::IntInt: {
            IntIntPair pair;
            std::memcpy(&pair, at, sizeof pair);
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewIntObj(pair.value));
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewIntObj(pair.index));
            break;
        }
        case DataType::DblInt: {
            DoubleIntPair pair;
            std::memcpy(&pair, at, sizeof pair);
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewDoubleObj(pair.value));
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewIntObj(pair.index));
            break;
        }
        case DataType::Auto:
            break;
        }
    }
    *result = list;
    return TCL_OK;
}

std::unique_ptr<ByteSink>
MakeSink(DataType type)
{
    if (type == DataType::Auto) {
        return std::make_unique<TclStringSink>();
    }
    return std::make_unique<VectorSink>();
}

int
SinkToObj(Tcl_Interp *interp, const char *command, DataType type, ByteSink &sink,
          Tcl_Obj **result)
{
    if (auto *string = dynamic_cast<TclStringSink *>(&sink)) {
        int length = 0;
        const char *bytes = Tcl_GetStringFromObj(string->obj, &length);
        if (std::memchr(bytes, '\0', static_cast<std::size_t>(length)) != nullptr) {
            return Decode(interp, command, DataType::Auto, bytes, length, result);
        }
        /* The sink's object becomes the result without a copy. */
        *result = string->Release();
        return TCL_OK;
    }
    auto &vector = dynamic_cast<VectorSink &>(sink);
    return Decode(interp, command, type, vector.bytes.data(), vector.bytes.size(), result);
}

bool
IsHandle(Tcl_Obj *obj, const char *name)
{
    return std::strcmp(WithoutGlobalPrefix(Tcl_GetString(obj)), name) == 0;
}

int
GetDataTypeFromObj(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, DataType *type)
{
    static const DataType types[] = {DataType::Auto, DataType::Int, DataType::Double,
                                     DataType::IntInt, DataType::DblInt};
    for (DataType candidate : types) {
        if (IsHandle(obj, DataTypeName(candidate))) {
            *type = candidate;
            return TCL_OK;
        }
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "%s: invalid data type \"%s\": use mpi::auto, mpi::int, mpi::double, mpi::intint or "
        "mpi::dblint", command, Tcl_GetString(obj)));
    Tcl_SetErrorCode(interp, "MPI", "TYPE", "UNKNOWN", Tcl_GetString(obj), (char *)NULL);
    return TCL_ERROR;
}

int
GetReduceOpFromObj(Tcl_Interp *interp, const char *command, Tcl_Obj *obj, ReduceOp *op)
{
    static const ReduceOp ops[] = {ReduceOp::Max,  ReduceOp::Min,    ReduceOp::Sum,
                                   ReduceOp::Prod, ReduceOp::Land,   ReduceOp::Band,
                                   ReduceOp::Lor,  ReduceOp::Bor,    ReduceOp::Lxor,
                                   ReduceOp::Bxor, ReduceOp::Maxloc, ReduceOp::Minloc};
    for (ReduceOp candidate : ops) {
        if (IsHandle(obj, ReduceOpName(candidate))) {
            *op = candidate;
            return TCL_OK;
        }
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "%s: unknown reduction operator \"%s\": use mpi::max, min, sum, prod, land, band, lor, "
        "bor, lxor, bxor, maxloc or minloc", command, Tcl_GetString(obj)));
    Tcl_SetErrorCode(interp, "MPI", "OP", "UNKNOWN", Tcl_GetString(obj), (char *)NULL);
    return TCL_ERROR;
}

int
GetSourceFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *source)
{
    if (IsHandle(obj, "mpi::any_source")) {
        *source = MPI_ANY_SOURCE;
        return TCL_OK;
    }
    return Tcl_GetIntFromObj(interp, obj, source);
}

int
GetTagFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *tag)
{
    if (IsHandle(obj, "mpi::any_tag")) {
        *tag = MPI_ANY_TAG;
        return TCL_OK;
    }
    return Tcl_GetIntFromObj(interp, obj, tag);
}

int
GetColorFromObj(Tcl_Interp *interp, Tcl_Obj *obj, int *color)
{
    if (IsHandle(obj, "mpi::undefined")) {
        *color = MPI_UNDEFINED;
        return TCL_OK;
    }
    if (Tcl_GetIntFromObj(interp, obj, color) != TCL_OK) {
        return TCL_ERROR;
    }
    /* MPI forbids negative colors, but not every MPI checks. */
    if (*color < 0) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "invalid color \"%d\": use a non-negative integer or mpi::undefined", *color));
        Tcl_SetErrorCode(interp, "MPI", "ARG", "COLOR", Tcl_GetString(obj), (char *)NULL);
        return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * mpi::conv_set --
 *
 *	Usage: mpi::conv_set POLICY
 *
 *	Results:
 *	    Empty.
 *
 *	Side effects:
 *	    Sets what happens when an element does not convert to a numeric
 *	    type: mpi::error raises a Tcl error, mpi::abort aborts the job,
 *	    mpi::tozero sends 0 in its place.
 *----------------------------------------------------------------------
 */
int
MpiConvSetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "policy");
        return TCL_ERROR;
    }

    const char *name = WithoutGlobalPrefix(Tcl_GetString(objv[1]));
    for (int i = 0; policyNames[i] != nullptr; ++i) {
        if (std::strcmp(name, policyNames[i]) == 0) {
            policy = static_cast<ConversionPolicy>(i);
            return TCL_OK;
        }
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "mpi::conv_set: unknown conversion policy \"%s\": use mpi::error, mpi::abort or "
        "mpi::tozero", Tcl_GetString(objv[1])));
    Tcl_SetErrorCode(interp, "MPI", "POLICY", "UNKNOWN", Tcl_GetString(objv[1]), (char *)NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 * mpi::conv_get --
 *
 *	Usage: mpi::conv_get
 *
 *	Results:
 *	    The current conversion policy: mpi::error, mpi::abort or
 *	    mpi::tozero.
 *----------------------------------------------------------------------
 */
int
MpiConvGetCmd(ClientData, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(policyNames[static_cast<int>(policy)], -1));
    return TCL_OK;
}

} // namespace hedflow::mpi

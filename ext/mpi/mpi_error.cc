/*
 * mpi_error.cc --
 *
 *	Conversion of MPI error codes into the core's Error exception.
 */
#include "mpi_error.h"

namespace hedflow::mpi {

namespace {

/* Maps an MPI error class to the word used in the Tcl error code. */
const char *
ErrorClassName(int errorClass)
{
    switch (errorClass) {
    case MPI_ERR_BUFFER: return "BUFFER";
    case MPI_ERR_COUNT: return "COUNT";
    case MPI_ERR_TYPE: return "TYPE";
    case MPI_ERR_TAG: return "TAG";
    case MPI_ERR_COMM: return "COMM";
    case MPI_ERR_RANK: return "RANK";
    case MPI_ERR_REQUEST: return "REQUEST";
    case MPI_ERR_ROOT: return "ROOT";
    case MPI_ERR_GROUP: return "GROUP";
    case MPI_ERR_OP: return "OP";
    case MPI_ERR_ARG: return "ARG";
    case MPI_ERR_TRUNCATE: return "TRUNCATE";
    case MPI_ERR_OTHER: return "OTHER";
    case MPI_ERR_INTERN: return "INTERN";
    case MPI_ERR_PENDING: return "PENDING";
    case MPI_ERR_IN_STATUS: return "IN_STATUS";
    default: return "UNKNOWN";
    }
}

} // namespace

Error
MpiErrorFromCode(int code)
{
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    std::string message;
    if (MPI_Error_string(code, text, &length) == MPI_SUCCESS) {
        message.assign(text, length);
    } else {
        message = "MPI error " + std::to_string(code);
    }
    int errorClass = MPI_ERR_UNKNOWN;
    MPI_Error_class(code, &errorClass);
    return Error(message, {ErrorClassName(errorClass), std::to_string(code)});
}

} // namespace hedflow::mpi

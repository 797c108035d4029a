/*
 * mpi_error.h --
 *
 *	The exception that the core of the mpi package (the files that do not
 *	include tcl.h) throws. The Tcl glue catches it in every command and
 *	turns it into a Tcl error: what() becomes the message and codeWords
 *	the error code list, which always starts with MPI.
 */
#ifndef HEDFLOW_MPI_ERROR_H
#define HEDFLOW_MPI_ERROR_H

#include <mpi.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hedflow::mpi {

class Error : public std::runtime_error {
public:
    /* codeWords follow the leading word MPI, e.g. {"ROOT", "FAILED", "0"}. */
    Error(const std::string &message, std::vector<std::string> codeWords)
        : std::runtime_error(message), codeWords(std::move(codeWords))
    {
    }

    std::vector<std::string> codeWords;
};

/*
 * MpiErrorFromCode --
 *
 *	Results:
 *	    An Error carrying MPI's error string for code and the code words
 *	    {CLASS-NAME code}, such as {COMM 5}.
 */
Error MpiErrorFromCode(int code);

/*
 * CheckMpi --
 *
 *	Throws MpiErrorFromCode(code) unless code is MPI_SUCCESS. Every MPI
 *	call of the core goes through it, which works because the package
 *	sets MPI_ERRORS_RETURN on every communicator it hands out.
 */
inline void
CheckMpi(int code)
{
    if (code != MPI_SUCCESS) {
        throw MpiErrorFromCode(code);
    }
}

} // namespace hedflow::mpi

#endif

/*
 * error.h --
 *
 *	The one exception type of the adlb core. The glue turns it into a Tcl
 *	error whose result is the message and whose error code is the list of
 *	words, such as {ADLB DOUBLE_WRITE 17}.
 */
#ifndef HEDFLOW_ADLB_ERROR_H
#define HEDFLOW_ADLB_ERROR_H

#include <stdexcept>
#include <string>
#include <vector>

namespace hedflow::adlb {

class Error : public std::runtime_error {
public:
    Error(std::vector<std::string> code, const std::string &message)
        : std::runtime_error(message), code_(std::move(code)) {}

    const std::vector<std::string> &code() const { return code_; }

private:
    std::vector<std::string> code_;
};

/* Throws Error {ADLB MPI function} when an MPI call failed. */
void CheckMpi(int code, const char *function);

} // namespace hedflow::adlb

#endif

// error.h -- the exception type of the hed library.
//
// Every error that a caller can act on is a hed::Error: a message for people
// and a code list for programs, such as {HED INPUT PARSE file line}. The Tcl
// interface turns it into a Tcl error with that message and error code.
#ifndef HEDFLOW_HED_ERROR_H
#define HEDFLOW_HED_ERROR_H

#include <stdexcept>
#include <string>
#include <vector>

namespace hed {

class Error : public std::runtime_error {
public:
    Error(std::vector<std::string> code, const std::string &message)
        : std::runtime_error(message), code_(std::move(code))
    {
    }

    /// \returns the error code words, starting with "HED".
    const std::vector<std::string> &code() const { return code_; }

private:
    std::vector<std::string> code_;
};

/// Raises a usage error (code {HED USAGE}) with \a message.
[[noreturn]] inline void
usage_error(const std::string &message)
{
    throw Error({"HED", "USAGE"}, message);
}

} // namespace hed

#endif

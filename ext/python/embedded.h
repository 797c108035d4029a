/*
 * embedded.h --
 *
 *	The embedded Python interpreter of the python package, without Tcl.
 *	One interpreter serves the whole process: it starts on the first call
 *	and stays up, so modules, globals and loaded models persist from one
 *	call (one workflow task) to the next. Code runs in the namespace of
 *	module __main__.
 */
#ifndef HEDFLOW_PYTHON_EMBEDDED_H
#define HEDFLOW_PYTHON_EMBEDDED_H

#include <functional>
#include <string>
#include <vector>

namespace hedflow::python {

/* The outcome of one call into Python. */
struct Outcome {
    /* True when the code ran without an exception. */
    bool ok = false;
    /* str() of the value on success; the error message otherwise. */
    std::string text;
    /* On failure: the exception's type, qualified by its module unless it
     * is a built-in (ValueError, json.decoder.JSONDecodeError), or
     * "INIT" when the interpreter failed to start. */
    std::string errorType;
};

/*
 * A function polled on the calling thread while Python runs; when it
 * returns true, Python raises KeyboardInterrupt at its next bytecode.
 * The Tcl glue passes one that reports a canceled Tcl evaluation.
 */
using CancelCheck = std::function<bool()>;

/*
 * Exec --
 *
 *	Runs code (UTF-8 statements) in module __main__.
 *
 *	Returns an Outcome with empty text on success. An exception gives the
 *	message "TYPE: VALUE" on its first line, then Python's traceback.
 */
Outcome Exec(const std::string &code, const CancelCheck &canceled);

/*
 * Eval --
 *
 *	Evaluates expression (UTF-8) in module __main__. Returns its str()
 *	on success, or the exception as Exec does.
 */
Outcome Eval(const std::string &expression, const CancelCheck &canceled);

/*
 * Call --
 *
 *	Calls the callable named by name with arguments as Python strings,
 *	and returns str() of the result. A dotted name such as
 *	"package.module.function" imports the module part and takes the last
 *	part from it. A plain name is looked up in __main__, then in builtins.
 */
Outcome Call(const std::string &name, const std::vector<std::string> &arguments,
             const CancelCheck &canceled);

} // namespace hedflow::python

#endif

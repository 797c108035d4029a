/*
 * embedded.cc --
 *
 *	The process-wide Python interpreter behind the python package. It
 *	starts on the first call, with Python's own signal handlers off so
 *	MPI and Tcl keep theirs, and is never finalized: Python's atexit
 *	handlers do not run when the process exits. Between calls the GIL is
 *	released, so threads that Python code started keep running.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "embedded.h"

namespace hedflow::python {

namespace {

bool started = false;
std::string startError;

/* The cancel check of the call in progress; read by RunCancelCheck, which
 * runs on the calling thread with the GIL held. */
const CancelCheck *activeCheck = nullptr;

/*
 * MakeLibpythonGlobal --
 *
 *	Tcl's load opens this module, and with it libpython, with
 *	RTLD_LOCAL. Python's C extension modules (numpy, and _json or
 *	_decimal on Debian) expect libpython's symbols in the global scope,
 *	so the already-loaded libpython is reopened with RTLD_GLOBAL.
 */
void
MakeLibpythonGlobal()
{
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&Py_InitializeFromConfig), &info) != 0
            && info.dli_fname != nullptr) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    }
}

/*
 * Start --
 *
 *	Starts the interpreter once per process. Returns false, with the
 *	reason in startError, when Python failed to start; later calls
 *	return the same failure without trying again.
 */
bool
Start()
{
    if (started) {
        return startError.empty();
    }
    started = true;
    if (Py_IsInitialized()) {
        // The host process embeds Python already; share its interpreter.
        return true;
    }
    MakeLibpythonGlobal();

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    PyStatus status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        startError = std::string("cannot start the Python interpreter: ")
            + (status.func != nullptr ? std::string(status.func) + ": " : "")
            + (status.err_msg != nullptr ? status.err_msg : "unknown error");
        return false;
    }
    PyEval_SaveThread();
    return true;
}

/* Holds the GIL for the calling thread while in scope. */
class GilLock {
public:
    GilLock() : state_(PyGILState_Ensure()) {}
    ~GilLock() { PyGILState_Release(state_); }
    GilLock(const GilLock &) = delete;
    GilLock &operator=(const GilLock &) = delete;

private:
    PyGILState_STATE state_;
};

/* An owned reference, released when it goes out of scope. */
class Ref {
public:
    explicit Ref(PyObject *object = nullptr) : object_(object) {}
    ~Ref() { Py_XDECREF(object_); }
    Ref(const Ref &) = delete;
    Ref &operator=(const Ref &) = delete;
    PyObject *get() const { return object_; }
    explicit operator bool() const { return object_ != nullptr; }

private:
    PyObject *object_;
};

/*
 * RunCancelCheck --
 *
 *	A Python pending call: raises KeyboardInterrupt in the running code
 *	when the active cancel check reports a cancellation.
 */
int
RunCancelCheck(void *)
{
    if (activeCheck != nullptr && (*activeCheck)()) {
        PyErr_SetString(PyExc_KeyboardInterrupt,
                        "canceled by Tcl: the task ran past its time limit or was canceled");
        return -1;
    }
    return 0;
}

/*
 * While in scope, a helper thread queues RunCancelCheck as a Python
 * pending call every 20 ms, to run on the calling thread. Python 3.11 does not wake its
 * main thread for a pending call added by another thread, so the helper
 * also takes and releases the GIL, which makes the main thread stop at
 * its next bytecode boundary and run pending calls. Code blocked in one
 * long C call (time.sleep, a read) sees the cancellation only when that
 * call returns.
 */
class CancelMonitor {
public:
    /* Call with the GIL held. */
    explicit CancelMonitor(const CancelCheck &canceled)
    {
        if (!canceled) {
            return;
        }
        activeCheck = &canceled;
        thread_ = std::thread([this] { Run(); });
    }

    /* Call with the GIL held; releases it while the helper stops. */
    ~CancelMonitor()
    {
        if (thread_.joinable()) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                done_ = true;
            }
            wake_.notify_one();
            Py_BEGIN_ALLOW_THREADS
            thread_.join();
            Py_END_ALLOW_THREADS
        }
        activeCheck = nullptr;
    }

    CancelMonitor(const CancelMonitor &) = delete;
    CancelMonitor &operator=(const CancelMonitor &) = delete;

private:
    void Run()
    {
        // A call shorter than one period costs no GIL traffic.
        bool registered = false;
        PyGILState_STATE gil = PyGILState_UNLOCKED;
        PyThreadState *state = nullptr;
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return done_; })) {
            lock.unlock();
            if (!registered) {
                gil = PyGILState_Ensure();
                state = PyEval_SaveThread();
                registered = true;
            }
            // A full queue of pending calls only delays the check.
            Py_AddPendingCall(RunCancelCheck, nullptr);
            PyEval_RestoreThread(state);
            state = PyEval_SaveThread();
            lock.lock();
        }
        lock.unlock();
        if (registered) {
            PyEval_RestoreThread(state);
            PyGILState_Release(gil);
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

/*
 * Utf8 --
 *
 *	Sets text to the UTF-8 of str(object). Returns false, with a Python
 *	exception set, when str() fails.
 */
bool
Utf8(PyObject *object, std::string &text)
{
    Ref string(PyObject_Str(object));
    if (!string) {
        return false;
    }
    Py_ssize_t length = 0;
    const char *bytes = PyUnicode_AsUTF8AndSize(string.get(), &length);
    if (bytes == nullptr) {
        return false;
    }
    text.assign(bytes, static_cast<size_t>(length));
    return true;
}

/*
 * TypeName --
 *
 *	Returns the name of an exception type as Python's traceback prints
 *	it: the bare name for built-ins, module.qualname otherwise.
 */
std::string
TypeName(PyObject *type)
{
    std::string module;
    std::string name = reinterpret_cast<PyTypeObject *>(type)->tp_name;
    Ref moduleObject(PyObject_GetAttrString(type, "__module__"));
    Ref nameObject(PyObject_GetAttrString(type, "__qualname__"));
    PyErr_Clear();
    if (nameObject && PyUnicode_Check(nameObject.get())) {
        name = PyUnicode_AsUTF8(nameObject.get());
    }
    if (moduleObject && PyUnicode_Check(moduleObject.get())) {
        module = PyUnicode_AsUTF8(moduleObject.get());
    }
    if (module.empty() || module == "builtins" || module == "__main__") {
        return name;
    }
    return module + "." + name;
}

/*
 * JoinStrings --
 *
 *	Returns the concatenation of a Python list of strings, trailing
 *	newlines removed, or an empty string when it is not one.
 */
std::string
JoinStrings(PyObject *list)
{
    std::string text;
    if (list == nullptr || !PyList_Check(list)) {
        return text;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
        const char *piece = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i));
        if (piece != nullptr) {
            text += piece;
        }
    }
    PyErr_Clear();
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return text;
}

/*
 * FailureFromException --
 *
 *	Takes the pending Python exception and returns it as a failed
 *	Outcome: "TYPE: VALUE" on one line, then the traceback as Python
 *	prints it, chained exceptions included.
 */
Outcome
FailureFromException()
{
    PyObject *type = nullptr;
    PyObject *value = nullptr;
    PyObject *traceback = nullptr;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (traceback != nullptr && value != nullptr) {
        PyException_SetTraceback(value, traceback);
    }
    Ref typeRef(type);
    Ref valueRef(value);
    Ref tracebackRef(traceback);

    Outcome outcome;
    outcome.errorType = type != nullptr ? TypeName(type) : "Exception";

    // The first line is "TYPE: VALUE" even for a SyntaxError, whose
    // traceback ends with several lines.
    std::string summary = outcome.errorType;
    std::string valueText;
    if (value != nullptr && Utf8(value, valueText) && !valueText.empty()) {
        summary += ": " + valueText;
    }
    PyErr_Clear();
    std::string full;
    Ref module(PyImport_ImportModule("traceback"));
    if (module) {
        Ref all(PyObject_CallMethod(module.get(), "format_exception", "OOO", type,
                                    value != nullptr ? value : Py_None,
                                    traceback != nullptr ? traceback : Py_None));
        full = JoinStrings(all.get());
    }
    PyErr_Clear();
    outcome.text = full.empty() || full == summary ? summary : summary + "\n" + full;
    return outcome;
}

/*
 * FlushStreams --
 *
 *	Flushes sys.stdout and sys.stderr, so what Python printed reaches the
 *	process's output before Tcl writes more.
 */
void
FlushStreams()
{
    for (const char *name : {"stdout", "stderr"}) {
        PyObject *stream = PySys_GetObject(name);
        if (stream != nullptr && stream != Py_None) {
            Ref result(PyObject_CallMethod(stream, "flush", nullptr));
        }
    }
    PyErr_Clear();
}

/*
 * Finish --
 *
 *	Turns result (a new reference, or nullptr after an exception) into
 *	an Outcome: str(result) when wantText, else empty text. Flushes
 *	Python's output streams.
 */
Outcome
Finish(PyObject *result, bool wantText)
{
    Ref resultRef(result);
    Outcome outcome;
    if (result != nullptr && (!wantText || Utf8(result, outcome.text))) {
        outcome.ok = true;
    } else {
        outcome = FailureFromException();
    }
    FlushStreams();
    return outcome;
}

Outcome
StartFailure()
{
    Outcome outcome;
    outcome.text = startError;
    outcome.errorType = "INIT";
    return outcome;
}

/*
 * RunSource --
 *
 *	Compiles and runs source in __main__, in mode Py_file_input
 *	(statements) or Py_eval_input (one expression).
 */
Outcome
RunSource(const std::string &source, int mode, const char *filename, const CancelCheck &canceled)
{
    if (!Start()) {
        return StartFailure();
    }
    GilLock gil;
    if (source.find('\0') != std::string::npos) {
        PyErr_SetString(PyExc_ValueError, "source code contains a NUL character");
        return Finish(nullptr, false);
    }
    PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *result = nullptr;
    {
        CancelMonitor monitor(canceled);
        Ref code(Py_CompileString(source.c_str(), filename, mode));
        if (code) {
            result = PyEval_EvalCode(code.get(), globals, globals);
        }
    }
    return Finish(result, mode == Py_eval_input);
}

/*
 * LookUpCallable --
 *
 *	Returns a new reference to the object named by name (see Call), or
 *	nullptr with a Python exception set.
 */
PyObject *
LookUpCallable(const std::string &name)
{
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos) {
        Ref module(PyImport_ImportModule(name.substr(0, dot).c_str()));
        if (!module) {
            return nullptr;
        }
        return PyObject_GetAttrString(module.get(), name.substr(dot + 1).c_str());
    }
    PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *found = PyDict_GetItemString(globals, name.c_str());
    if (found == nullptr) {
        found = PyDict_GetItemString(PyEval_GetBuiltins(), name.c_str());
    }
    if (found == nullptr) {
        PyErr_Format(PyExc_NameError, "name '%s' is not defined in __main__ or builtins",
                     name.c_str());
        return nullptr;
    }
    Py_INCREF(found);
    return found;
}

} // namespace

Outcome
Exec(const std::string &code, const CancelCheck &canceled)
{
    return RunSource(code, Py_file_input, "<python::exec>", canceled);
}

Outcome
Eval(const std::string &expression, const CancelCheck &canceled)
{
    return RunSource(expression, Py_eval_input, "<python::eval>", canceled);
}

Outcome
Call(const std::string &name, const std::vector<std::string> &arguments,
     const CancelCheck &canceled)
{
    if (!Start()) {
        return StartFailure();
    }
    GilLock gil;
    Ref callable(LookUpCallable(name));
    if (!callable) {
        return Finish(nullptr, true);
    }
    Ref tuple(PyTuple_New(static_cast<Py_ssize_t>(arguments.size())));
    if (!tuple) {
        return Finish(nullptr, true);
    }
    for (size_t i = 0; i < arguments.size(); ++i) {
        PyObject *argument = PyUnicode_DecodeUTF8(arguments[i].data(),
                                                  static_cast<Py_ssize_t>(arguments[i].size()),
                                                  "surrogateescape");
        if (argument == nullptr) {
            return Finish(nullptr, true);
        }
        PyTuple_SET_ITEM(tuple.get(), static_cast<Py_ssize_t>(i), argument);
    }
    PyObject *result = nullptr;
    {
        CancelMonitor monitor(canceled);
        result = PyObject_Call(callable.get(), tuple.get(), nullptr);
    }
    return Finish(result, true);
}

} // namespace hedflow::python

/*
 * engine.cc --
 *
 *	The native task path of turbine (see engine.h).
 */
#include "engine.h"

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace hedflow::turbine {

namespace {

/* The shared words, in the order of Word. */
const char *const WORDS[] = {
    "kind", "task", "future", "reply", "script", "retries", "timeout", "key", "inputs",
    "result", "notice", "outcome", "ok", "error", "id", "payload", "work", "hard", "soft",
    "-type", "-priority", "-target", "-strict", "-node", "-inputs", "-soft", "-retries",
    "-timeout", "-key",
    "::adlb::put", "::adlb::dput", "::adlb::put_many", "::adlb::get", "::adlb::prefetched",
    "::turbine::progressGet", "::turbine::RunTask", "::turbine::HandleTaskInTcl",
    "::turbine::Materialize", "::turbine::QueueKeyed", "::turbine::SubscribeDatum",
    "::turbine::RetrieveDatum", "::apply", "0", "",
};
enum Word {
    KIND, TASK, FUTURE, REPLY, SCRIPT, RETRIES, TIMEOUT, KEY, INPUTS,
    RESULT, NOTICE, OUTCOME, OK, ERROR, ID, PAYLOAD, WORK, HARD, SOFT,
    OPT_TYPE, OPT_PRIORITY, OPT_TARGET, OPT_STRICT, OPT_NODE, OPT_INPUTS, OPT_SOFT, OPT_RETRIES,
    OPT_TIMEOUT, OPT_KEY,
    CMD_PUT, CMD_DPUT, CMD_PUT_MANY, CMD_GET, CMD_PREFETCHED,
    CMD_PROGRESS_GET, CMD_RUN_TASK, CMD_HANDLE_IN_TCL,
    CMD_MATERIALIZE, CMD_QUEUE_KEYED, CMD_SUBSCRIBE_DATUM,
    CMD_RETRIEVE_DATUM, APPLY, ZERO, EMPTY,
    WORD_COUNT
};

/* The words of a task payload in its dict form. */
constexpr int TASK_LENGTH = 16;

/* Results wait at most this long, or until this many wait. */
constexpr uint64_t REPLY_AGE_NANOSECONDS = 1000 * 1000;
constexpr size_t REPLY_BATCH = 64;

uint64_t
NowNanoseconds()
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

bool
IsEmpty(Tcl_Obj *value)
{
    int length = 0;
    Tcl_GetStringFromObj(value, &length);
    return length == 0;
}

bool
Same(Tcl_Obj *value, const char *text)
{
    return std::strcmp(Tcl_GetString(value), text) == 0;
}

/*
 * CompactHeader --
 *
 *	Returns a new object holding the first line of a compact payload
 *	(see engine.h): kind and future, then for a task the reply rank and
 *	retries, then for a map element the lambda's length.
 */
Tcl_Obj *
CompactHeader(char kind, Tcl_WideInt future, int replyRank, const char *retries, int lambdaLength)
{
    char line[128];
    int length = 0;
    if (kind == 'R') {
        length = std::snprintf(line, sizeof line, "R %lld\n", static_cast<long long>(future));
    } else if (kind == 'T') {
        length = std::snprintf(line, sizeof line, "T %lld %d %.40s\n", static_cast<long long>(future),
                               replyRank, retries);
    } else {
        length = std::snprintf(line, sizeof line, "A %lld %d %.40s %d\n", static_cast<long long>(future),
                               replyRank, retries, lambdaLength);
    }
    return Tcl_NewStringObj(line, length);
}

} // namespace

Engine::Engine(Tcl_Interp *interp) : interp_(interp)
{
    static_assert(sizeof WORDS / sizeof WORDS[0] == WORD_COUNT, "WORDS and Word differ");
    for (const char *word : WORDS) {
        Tcl_Obj *value = Tcl_NewStringObj(word, -1);
        Tcl_IncrRefCount(value);
        words_.push_back(value);
    }
    inputs_ = words_[EMPTY];
    Tcl_IncrRefCount(inputs_);
}

Engine::~Engine()
{
    for (auto &entry : outcomes_) {
        Tcl_DecrRefCount(entry.second);
    }
    for (auto &entry : replies_) {
        for (Tcl_Obj *payload : entry.second) {
            Tcl_DecrRefCount(payload);
        }
    }
    Tcl_DecrRefCount(inputs_);
    if (lambda_ != nullptr) {
        Tcl_DecrRefCount(lambda_);
    }
    for (Tcl_Obj *word : words_) {
        Tcl_DecrRefCount(word);
    }
}

Tcl_Obj *
Engine::swapInputs(Tcl_Obj *values)
{
    Tcl_Obj *former = inputs_;
    inputs_ = values;
    Tcl_IncrRefCount(inputs_);
    return former;
}

void
Engine::configure(int rank, bool onlyNotices, bool progress)
{
    rank_ = rank;
    onlyNotices_ = onlyNotices;
    progress_ = progress;
}

Tcl_Obj *
Engine::outcome(Tcl_WideInt future) const
{
    const auto found = outcomes_.find(future);
    return found == outcomes_.end() ? nullptr : found->second;
}

void
Engine::setOutcome(Tcl_WideInt future, Tcl_Obj *outcome)
{
    Tcl_IncrRefCount(outcome);
    auto [slot, inserted] = outcomes_.emplace(future, outcome);
    if (!inserted) {
        Tcl_DecrRefCount(slot->second);
        slot->second = outcome;
    }
}

void
Engine::forget(Tcl_WideInt future)
{
    const auto found = outcomes_.find(future);
    if (found != outcomes_.end()) {
        Tcl_DecrRefCount(found->second);
        outcomes_.erase(found);
    }
    watched_.erase(future);
}

int
Engine::evaluate(std::initializer_list<Tcl_Obj *> words)
{
    // Some words are new objects; the references keep them alive through
    // the call.
    for (Tcl_Obj *word : words) {
        Tcl_IncrRefCount(word);
    }
    const int code = Tcl_EvalObjv(interp_, static_cast<int>(words.size()),
                                  const_cast<Tcl_Obj **>(words.begin()), TCL_EVAL_GLOBAL);
    for (Tcl_Obj *word : words) {
        Tcl_DecrRefCount(word);
    }
    return code;
}

struct Engine::TaskOptions {
    Tcl_Obj *type = nullptr;
    Tcl_Obj *priority = nullptr;
    Tcl_Obj *target = nullptr;
    Tcl_Obj *retries = nullptr;
    Tcl_Obj *timeout = nullptr;
    Tcl_Obj *key = nullptr;
    Tcl_Obj *inputs = nullptr;
    bool soft = false;
    bool node = false;

    /* Without a key, time limit or inputs, a task takes a compact form. */
    bool plain() const { return IsEmpty(key) && IsEmpty(timeout) && IsEmpty(inputs); }
};

int
Engine::readOptions(Tcl_Obj *options, TaskOptions &parsed)
{
    parsed.type = words_[WORK];
    parsed.priority = words_[ZERO];
    parsed.target = words_[EMPTY];
    parsed.retries = words_[ZERO];
    parsed.timeout = words_[EMPTY];
    parsed.key = words_[EMPTY];
    parsed.inputs = words_[EMPTY];
    if (options == nullptr) {
        return TCL_OK;
    }
    // Options come checked from ParseTaskOptions; absent ones keep the
    // defaults.
    auto get = [&](Word name, Tcl_Obj **value) -> int {
        Tcl_Obj *found = nullptr;
        if (Tcl_DictObjGet(interp_, options, words_[name], &found) != TCL_OK) {
            return TCL_ERROR;
        }
        if (found != nullptr) {
            *value = found;
        }
        return TCL_OK;
    };
    Tcl_Obj *soft = nullptr;
    Tcl_Obj *node = nullptr;
    if (get(OPT_TYPE, &parsed.type) != TCL_OK || get(OPT_PRIORITY, &parsed.priority) != TCL_OK
        || get(OPT_TARGET, &parsed.target) != TCL_OK || get(OPT_RETRIES, &parsed.retries) != TCL_OK
        || get(OPT_TIMEOUT, &parsed.timeout) != TCL_OK || get(OPT_KEY, &parsed.key) != TCL_OK
        || get(OPT_INPUTS, &parsed.inputs) != TCL_OK || get(OPT_SOFT, &soft) != TCL_OK
        || get(OPT_NODE, &node) != TCL_OK) {
        return TCL_ERROR;
    }
    int flag = 0;
    if (soft != nullptr && Tcl_GetBooleanFromObj(interp_, soft, &flag) == TCL_OK) {
        parsed.soft = flag != 0;
    }
    if (node != nullptr && Tcl_GetBooleanFromObj(interp_, node, &flag) == TCL_OK) {
        parsed.node = flag != 0;
    }
    return TCL_OK;
}

int
Engine::put(const TaskOptions &parsed, Tcl_Obj *payload)
{
    Tcl_Obj *command[14];
    int length = 0;
    const bool dataflow = !IsEmpty(parsed.inputs);
    command[length++] = words_[dataflow ? CMD_DPUT : CMD_PUT];
    if (dataflow) {
        command[length++] = words_[OPT_INPUTS];
        command[length++] = parsed.inputs;
    }
    command[length++] = words_[OPT_TYPE];
    command[length++] = parsed.type;
    command[length++] = words_[OPT_PRIORITY];
    command[length++] = parsed.priority;
    if (!IsEmpty(parsed.target)) {
        command[length++] = words_[OPT_TARGET];
        command[length++] = parsed.target;
        command[length++] = words_[OPT_STRICT];
        command[length++] = words_[parsed.soft ? SOFT : HARD];
        if (parsed.node) {
            command[length++] = words_[OPT_NODE];
        }
    }
    command[length++] = payload;
    Tcl_IncrRefCount(payload);
    const int code = Tcl_EvalObjv(interp_, length, command, TCL_EVAL_GLOBAL);
    Tcl_DecrRefCount(payload);
    if (code != TCL_OK) {
        return code;
    }
    Tcl_ResetResult(interp_);
    counts_.submitted++;
    return TCL_OK;
}

int
Engine::queue(Tcl_Obj *options, Tcl_Obj *script, bool consultJournal, Tcl_WideInt *future)
{
    TaskOptions parsed;
    if (readOptions(options, parsed) != TCL_OK) {
        return TCL_ERROR;
    }
    if (consultJournal && !IsEmpty(parsed.key)) {
        // The journal may answer it; the Tcl side decides and calls back
        // through turbine::QueueDirect when it cannot.
        if (evaluate({words_[CMD_QUEUE_KEYED], options, script}) != TCL_OK) {
            return TCL_ERROR;
        }
        return Tcl_GetWideIntFromObj(interp_, Tcl_GetObjResult(interp_), future);
    }

    *future = newFuture();
    Tcl_Obj *payload = nullptr;
    if (parsed.plain()) {
        payload = CompactHeader('T', *future, rank_, Tcl_GetString(parsed.retries), -1);
        Tcl_AppendObjToObj(payload, script);
    } else {
        Tcl_Obj *fields[TASK_LENGTH] = {
            words_[KIND], words_[TASK], words_[FUTURE], Tcl_NewWideIntObj(*future),
            words_[REPLY], Tcl_NewIntObj(rank_), words_[SCRIPT], script,
            words_[RETRIES], parsed.retries, words_[TIMEOUT], parsed.timeout,
            words_[KEY], parsed.key, words_[INPUTS], parsed.inputs,
        };
        payload = Tcl_NewListObj(TASK_LENGTH, fields);
    }
    return put(parsed, payload);
}

int
Engine::queueApply(Tcl_Obj *options, Tcl_Obj *lambda, Tcl_Obj *element, Tcl_WideInt *future)
{
    TaskOptions parsed;
    if (readOptions(options, parsed) != TCL_OK) {
        return TCL_ERROR;
    }
    if (!parsed.plain()) {
        Tcl_Obj *words[3] = {words_[APPLY], lambda, element};
        Tcl_Obj *script = Tcl_NewListObj(3, words);
        Tcl_IncrRefCount(script);
        const int code = queue(options, script, true, future);
        Tcl_DecrRefCount(script);
        return code;
    }

    *future = newFuture();
    int lambdaLength = 0;
    const char *lambdaBytes = Tcl_GetStringFromObj(lambda, &lambdaLength);
    Tcl_Obj *payload = CompactHeader('A', *future, rank_, Tcl_GetString(parsed.retries), lambdaLength);
    Tcl_AppendToObj(payload, lambdaBytes, lambdaLength);
    Tcl_AppendObjToObj(payload, element);
    return put(parsed, payload);
}

void
Engine::arrive(Tcl_WideInt future, Tcl_Obj *outcome)
{
    setOutcome(future, outcome);
    Tcl_Obj *status = nullptr;
    Tcl_ListObjIndex(nullptr, outcome, 0, &status);
    if (status != nullptr && Same(status, "error")) {
        counts_.failed++;
    } else {
        counts_.done++;
    }
}

int
Engine::arriveAndStore(Tcl_WideInt future, Tcl_Obj *outcome)
{
    Tcl_IncrRefCount(outcome);
    arrive(future, outcome);
    int code = TCL_OK;
    if (watched_.count(future) != 0) {
        code = evaluate({words_[CMD_MATERIALIZE], Tcl_NewWideIntObj(future), outcome});
    }
    Tcl_DecrRefCount(outcome);
    return code;
}

int
Engine::handleTask(Tcl_Obj *task)
{
    Tcl_Obj *taskId = nullptr;
    Tcl_Obj *payload = nullptr;
    Tcl_DictObjGet(nullptr, task, words_[ID], &taskId);
    Tcl_DictObjGet(nullptr, task, words_[PAYLOAD], &payload);
    if (taskId == nullptr || payload == nullptr) {
        return evaluate({words_[CMD_HANDLE_IN_TCL], task});
    }

    int length = 0;
    const char *bytes = Tcl_GetStringFromObj(payload, &length);
    if (length > 2 && bytes[1] == ' ' && (bytes[0] == 'T' || bytes[0] == 'A' || bytes[0] == 'R')) {
        return runCompact(taskId, bytes, length);
    }

    // A notice of a closed datum: kind notice future F.
    int count = 0;
    Tcl_Obj **fields = nullptr;
    Tcl_WideInt future = 0;
    if (Tcl_ListObjGetElements(nullptr, payload, &count, &fields) == TCL_OK && count == 4
        && Same(fields[0], "kind") && Same(fields[1], "notice") && Same(fields[2], "future")
        && Tcl_GetWideIntFromObj(nullptr, fields[3], &future) == TCL_OK) {
        noticed_.insert(future);
        return TCL_OK;
    }
    return evaluate({words_[CMD_HANDLE_IN_TCL], task});
}

Tcl_Obj *
Engine::cachedLambda(const char *bytes, int length)
{
    int cachedLength = -1;
    const char *cached = lambda_ != nullptr ? Tcl_GetStringFromObj(lambda_, &cachedLength) : nullptr;
    if (cachedLength != length || std::memcmp(cached, bytes, length) != 0) {
        if (lambda_ != nullptr) {
            Tcl_DecrRefCount(lambda_);
        }
        lambda_ = Tcl_NewStringObj(bytes, length);
        Tcl_IncrRefCount(lambda_);
    }
    return lambda_;
}

/*
 * Engine::runCompact --
 *
 *	Runs a payload in a compact form (see engine.h). A failed first
 *	attempt goes to turbine::RunTask with the payload as a dict, for its
 *	retries and failure record.
 */
int
Engine::runCompact(Tcl_Obj *taskId, const char *bytes, int length)
{
    const char kind = bytes[0];
    const char *end = bytes + length;
    const char *newline = static_cast<const char *>(std::memchr(bytes, '\n', length));
    char *cursor = nullptr;
    const Tcl_WideInt future = std::strtoll(bytes + 2, &cursor, 10);
    long replyRank = 0;
    long retries = 0;
    long lambdaLength = 0;
    if (kind != 'R') {
        replyRank = std::strtol(cursor, &cursor, 10);
        retries = std::strtol(cursor, &cursor, 10);
    }
    if (kind == 'A') {
        lambdaLength = std::strtol(cursor, &cursor, 10);
    }
    if (newline == nullptr || cursor != newline || lambdaLength < 0 || lambdaLength > end - newline - 1) {
        Tcl_SetObjResult(interp_, Tcl_ObjPrintf("task %s: malformed payload \"%.40s\"",
                                                Tcl_GetString(taskId), bytes));
        Tcl_SetErrorCode(interp_, "TURBINE", "PAYLOAD", (char *)NULL);
        return TCL_ERROR;
    }
    const char *body = newline + 1;

    if (kind == 'R') {
        return arriveAndStore(future, Tcl_NewStringObj(body, static_cast<int>(end - body)));
    }

    // A task that waits may run this one inside it; this one has no
    // inputs, so turbine::inputs is empty while it runs.
    Tcl_Obj *outerInputs = swapInputs(words_[EMPTY]);
    Tcl_Obj *script = nullptr;
    Tcl_Obj *element = nullptr;
    int code = TCL_OK;
    if (kind == 'A') {
        Tcl_Obj *lambda = cachedLambda(body, static_cast<int>(lambdaLength));
        Tcl_IncrRefCount(lambda);
        element = Tcl_NewStringObj(body + lambdaLength, static_cast<int>(end - body - lambdaLength));
        Tcl_Obj *words[3] = {words_[APPLY], lambda, element};
        script = Tcl_NewListObj(3, words);
        Tcl_IncrRefCount(script);
        code = Tcl_EvalObjv(interp_, 3, words, TCL_EVAL_GLOBAL);
        Tcl_DecrRefCount(lambda);
    } else {
        // Evaluated once, so parsing it directly costs less than
        // compiling it to bytecode first.
        code = Tcl_EvalEx(interp_, body, static_cast<int>(end - body), TCL_EVAL_GLOBAL);
    }
    Tcl_Obj *value = Tcl_GetObjResult(interp_);
    Tcl_IncrRefCount(value);
    Tcl_Obj *returnOptions = nullptr;
    if (code != TCL_OK && code != TCL_RETURN) {
        returnOptions = Tcl_GetReturnOptions(interp_, code);
        Tcl_IncrRefCount(returnOptions);
    }
    Tcl_ResetResult(interp_);
    Tcl_DecrRefCount(swapInputs(outerInputs));
    Tcl_DecrRefCount(outerInputs);

    int status = TCL_OK;
    if (returnOptions == nullptr) {
        Tcl_Obj *pair[2] = {words_[OK], value};
        status = reply(future, static_cast<int>(replyRank), Tcl_NewListObj(2, pair));
    } else {
        // Retries, failure records and logging are the Tcl side's: it
        // takes over with the first attempt's outcome.
        if (script == nullptr) {
            script = Tcl_NewStringObj(body, static_cast<int>(end - body));
            Tcl_IncrRefCount(script);
        }
        Tcl_Obj *fields[TASK_LENGTH] = {
            words_[KIND], words_[TASK], words_[FUTURE], Tcl_NewWideIntObj(future),
            words_[REPLY], Tcl_NewLongObj(replyRank), words_[SCRIPT], script,
            words_[RETRIES], Tcl_NewLongObj(retries), words_[TIMEOUT], words_[EMPTY],
            words_[KEY], words_[EMPTY], words_[INPUTS], words_[EMPTY],
        };
        Tcl_Obj *first[3] = {Tcl_NewIntObj(code), value, returnOptions};
        status = evaluate({words_[CMD_RUN_TASK], taskId, Tcl_NewListObj(TASK_LENGTH, fields),
                           Tcl_NewListObj(3, first)});
        Tcl_DecrRefCount(returnOptions);
    }
    if (script != nullptr) {
        Tcl_DecrRefCount(script);
    }
    Tcl_DecrRefCount(value);
    return status;
}

int
Engine::reply(Tcl_WideInt future, int replyRank, Tcl_Obj *outcome)
{
    if (replyRank == rank_) {
        return arriveAndStore(future, outcome);
    }

    Tcl_Obj *payload = CompactHeader('R', future, -1, nullptr, -1);
    Tcl_AppendObjToObj(payload, outcome);
    Tcl_IncrRefCount(payload);
    replies_[replyRank].push_back(payload);
    if (buffered_++ == 0) {
        oldestNanoseconds_ = NowNanoseconds();
    }
    if (buffered_ >= REPLY_BATCH) {
        return flushReplies();
    }
    return TCL_OK;
}

int
Engine::flushReplies()
{
    int code = TCL_OK;
    for (auto &[destination, payloads] : replies_) {
        if (payloads.empty()) {
            continue;
        }
        Tcl_Obj *list = Tcl_NewListObj(static_cast<int>(payloads.size()), payloads.data());
        Tcl_IncrRefCount(list);
        for (Tcl_Obj *payload : payloads) {
            Tcl_DecrRefCount(payload);
        }
        payloads.clear();
        if (code == TCL_OK) {
            code = evaluate({words_[CMD_PUT_MANY], words_[OPT_TYPE], words_[NOTICE], words_[OPT_TARGET],
                             Tcl_NewIntObj(destination), list});
        }
        Tcl_DecrRefCount(list);
    }
    buffered_ = 0;
    return code;
}

int
Engine::nextTask(bool showProgress, Tcl_Obj **task)
{
    if (buffered_ > 0) {
        // Results wait while the next task is already here; before a get
        // that asks the server, and so may block, they go.
        int code = onlyNotices_ ? evaluate({words_[CMD_PREFETCHED], words_[OPT_TYPE], words_[NOTICE]})
                                : evaluate({words_[CMD_PREFETCHED]});
        if (code != TCL_OK) {
            return code;
        }
        Tcl_WideInt held = 0;
        Tcl_GetWideIntFromObj(nullptr, Tcl_GetObjResult(interp_), &held);
        if (held == 0 || NowNanoseconds() - oldestNanoseconds_ >= REPLY_AGE_NANOSECONDS) {
            if ((code = flushReplies()) != TCL_OK) {
                return code;
            }
        }
    }

    int code = TCL_OK;
    if (progress_ && showProgress) {
        Tcl_Obj *filter = onlyNotices_ ? Tcl_NewListObj(0, nullptr) : words_[EMPTY];
        if (onlyNotices_) {
            Tcl_ListObjAppendElement(nullptr, filter, words_[OPT_TYPE]);
            Tcl_ListObjAppendElement(nullptr, filter, words_[NOTICE]);
        }
        code = evaluate({words_[CMD_PROGRESS_GET], filter});
    } else if (onlyNotices_) {
        code = evaluate({words_[CMD_GET], words_[OPT_TYPE], words_[NOTICE]});
    } else {
        code = evaluate({words_[CMD_GET]});
    }
    if (code != TCL_OK) {
        return code;
    }
    *task = Tcl_GetObjResult(interp_);
    Tcl_IncrRefCount(*task);
    Tcl_ResetResult(interp_);
    return TCL_OK;
}

int
Engine::waitNotices(const std::vector<Tcl_WideInt> &pending)
{
    for (Tcl_WideInt future : pending) {
        while (noticed_.count(future) == 0 && outcomes_.count(future) == 0) {
            Tcl_Obj *task = nullptr;
            int code = nextTask(true, &task);
            if (code != TCL_OK) {
                return code;
            }
            if (IsEmpty(task)) {
                Tcl_DecrRefCount(task);
                Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
                    "the run ended while future %" TCL_LL_MODIFIER "d was still unset", future));
                Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "ENDED",
                                 std::to_string(future).c_str(), (char *)NULL);
                return TCL_ERROR;
            }
            code = handleTask(task);
            Tcl_DecrRefCount(task);
            if (code != TCL_OK) {
                return code;
            }
        }
        noticed_.erase(future);
    }
    return TCL_OK;
}

int
Engine::drain()
{
    for (;;) {
        Tcl_Obj *task = nullptr;
        int code = nextTask(false, &task);
        if (code != TCL_OK) {
            return code;
        }
        if (IsEmpty(task)) {
            Tcl_DecrRefCount(task);
            return flushReplies();
        }
        code = handleTask(task);
        Tcl_DecrRefCount(task);
        if (code != TCL_OK) {
            return code;
        }
    }
}

int
Engine::waitAll(const char *command, Tcl_Obj *futures)
{
    int count = 0;
    Tcl_Obj **items = nullptr;
    if (Tcl_ListObjGetElements(interp_, futures, &count, &items) != TCL_OK) {
        return TCL_ERROR;
    }
    // The list may shrink under us if a task rewrites the caller's
    // variable, so hold it.
    Tcl_IncrRefCount(futures);
    std::vector<Tcl_WideInt> ids(count);
    std::vector<Tcl_WideInt> pending;
    std::unordered_set<Tcl_WideInt> seen;
    int code = TCL_OK;
    for (int i = 0; i < count && code == TCL_OK; i++) {
        if (Tcl_GetWideIntFromObj(nullptr, items[i], &ids[i]) != TCL_OK || ids[i] == 0) {
            Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
                "%s: invalid future \"%s\"; pass a value returned by turbine::submit, app, rule or map",
                command, Tcl_GetString(items[i])));
            Tcl_SetErrorCode(interp_, "TURBINE", "ARGUMENT", "FUTURE", Tcl_GetString(items[i]), (char *)NULL);
            code = TCL_ERROR;
        }
    }
    for (int i = 0; i < count && code == TCL_OK; i++) {
        if (!seen.insert(ids[i]).second) {
            continue;
        }
        if (ids[i] < 0) {
            if (outcomes_.count(ids[i]) == 0) {
                pending.push_back(ids[i]);
            }
            continue;
        }
        code = evaluate({words_[CMD_SUBSCRIBE_DATUM], items[i]});
        int wait = 0;
        if (code == TCL_OK && Tcl_GetBooleanFromObj(interp_, Tcl_GetObjResult(interp_), &wait) == TCL_OK
            && wait) {
            pending.push_back(ids[i]);
        }
    }
    if (code == TCL_OK) {
        code = waitNotices(pending);
    }

    Tcl_Obj *values = Tcl_NewListObj(0, nullptr);
    Tcl_IncrRefCount(values);
    Tcl_Obj *firstError = nullptr;
    for (int i = 0; i < count && code == TCL_OK; i++) {
        Tcl_Obj *stored = nullptr;
        if (ids[i] < 0) {
            stored = outcome(ids[i]);
            if (stored == nullptr) {
                Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
                    "%s: future %s has no value here: it was forgotten or belongs to another rank",
                    command, Tcl_GetString(items[i])));
                Tcl_SetErrorCode(interp_, "TURBINE", "ARGUMENT", "FUTURE", Tcl_GetString(items[i]),
                                 (char *)NULL);
                code = TCL_ERROR;
                break;
            }
        } else {
            if ((code = evaluate({words_[CMD_RETRIEVE_DATUM], items[i]})) != TCL_OK) {
                break;
            }
            stored = Tcl_GetObjResult(interp_);
        }
        Tcl_Obj *status = nullptr;
        Tcl_Obj *value = nullptr;
        if (Tcl_ListObjIndex(interp_, stored, 0, &status) != TCL_OK
            || Tcl_ListObjIndex(interp_, stored, 1, &value) != TCL_OK || status == nullptr) {
            code = TCL_ERROR;
            break;
        }
        if (value == nullptr) {
            value = words_[EMPTY];
        }
        if (firstError == nullptr && Same(status, "error")) {
            firstError = value;
            Tcl_IncrRefCount(firstError);
        }
        Tcl_ListObjAppendElement(nullptr, values, value);
    }
    Tcl_DecrRefCount(futures);

    if (code == TCL_OK && firstError != nullptr) {
        auto field = [&](const char *name) {
            Tcl_Obj *key = Tcl_NewStringObj(name, -1);
            Tcl_Obj *found = nullptr;
            Tcl_IncrRefCount(key);
            Tcl_DictObjGet(nullptr, firstError, key, &found);
            Tcl_DecrRefCount(key);
            return std::string(found != nullptr ? Tcl_GetString(found) : "?");
        };
        const std::string task = field("task");
        Tcl_SetObjResult(interp_, Tcl_ObjPrintf("task %s failed after %s attempt(s) on rank %s: %s",
                                                task.c_str(), field("attempts").c_str(),
                                                field("rank").c_str(), field("message").c_str()));
        Tcl_SetErrorCode(interp_, "TURBINE", "TASK", "FAILED", task.c_str(), (char *)NULL);
        code = TCL_ERROR;
    } else if (code == TCL_OK) {
        Tcl_SetObjResult(interp_, values);
    }
    if (firstError != nullptr) {
        Tcl_DecrRefCount(firstError);
    }
    Tcl_DecrRefCount(values);
    return code;
}

} // namespace hedflow::turbine

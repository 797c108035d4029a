/*
 * engine.cc --
 *
 *	The native task path of turbine (see engine.h).
 */
#include "engine.h"

#include <chrono>
#include <deque>
#include <cstdlib>
#include <cstring>
#include <string>

namespace hedflow::turbine {

namespace {

/* The shared words, in the order of Word. */
const char *const WORDS[] = {
    "kind", "task", "future", "reply", "script", "retries", "timeout", "key", "inputs",
    "ok", "id", "payload", "work", "notice", "hard", "soft",
    "-type", "-priority", "-target", "-strict", "-node", "-inputs", "-soft", "-retries",
    "-timeout", "-key",
    "::adlb::put", "::adlb::dput", "::turbine::progressGet", "::turbine::RunTask",
    "::turbine::HandleTaskInTcl", "::turbine::Materialize", "::turbine::QueueKeyed",
    "::turbine::SubscribeDatum", "::turbine::RetrieveDatum", "::apply", "0", "",
};
enum Word {
    KIND, TASK, FUTURE, REPLY, SCRIPT, RETRIES, TIMEOUT, KEY, INPUTS,
    OK, ID, PAYLOAD, WORK, NOTICE, HARD, SOFT,
    OPT_TYPE, OPT_PRIORITY, OPT_TARGET, OPT_STRICT, OPT_NODE, OPT_INPUTS, OPT_SOFT, OPT_RETRIES,
    OPT_TIMEOUT, OPT_KEY,
    CMD_PUT, CMD_DPUT, CMD_PROGRESS_GET, CMD_RUN_TASK,
    CMD_HANDLE_IN_TCL, CMD_MATERIALIZE, CMD_QUEUE_KEYED,
    CMD_SUBSCRIBE_DATUM, CMD_RETRIEVE_DATUM, APPLY, ZERO, EMPTY,
    WORD_COUNT
};

/* The words of a task payload in its dict form. */
constexpr int TASK_LENGTH = 16;

/* Puts held in a batch go out once this many wait. */
constexpr size_t BATCH_LIMIT = 64;

uint64_t
NowNanoseconds()
{
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch()).count());
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

/* Appends a decimal integer and a separator to text. */
void
AppendNumber(std::string &text, long long value, char separator)
{
    char digits[24];
    char *end = digits + sizeof digits;
    char *start = end;
    unsigned long long magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                             : static_cast<unsigned long long>(value);
    do {
        *--start = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0) {
        *--start = '-';
    }
    text.append(start, end);
    text.push_back(separator);
}

/*
 * CompactHeader --
 *
 *	Returns the first line of a compact payload (see engine.h): kind and
 *	future, then for a task the reply rank and retries, then for a map
 *	element the lambda's length. Written by hand: snprintf took about 7%
 *	of the leader's time per empty task (perf).
 */
std::string
CompactHeader(char kind, Tcl_WideInt future, int replyRank, Tcl_Obj *retries, int lambdaLength)
{
    std::string line;
    line.reserve(64);
    line.push_back(kind);
    line.push_back(' ');
    if (kind == 'R') {
        AppendNumber(line, future, '\n');
        return line;
    }
    AppendNumber(line, future, ' ');
    AppendNumber(line, replyRank, ' ');
    Tcl_WideInt count = 0;
    Tcl_GetWideIntFromObj(nullptr, retries, &count);
    AppendNumber(line, count, kind == 'A' ? ' ' : '\n');
    if (kind == 'A') {
        AppendNumber(line, lambdaLength, '\n');
    }
    return line;
}

} // namespace

int
InvalidFuture(Tcl_Interp *interp, const char *command, Tcl_Obj *value)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
        "%s: invalid future \"%s\"; pass a value returned by turbine::submit, app, rule or map",
        command, Tcl_GetString(value)));
    Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "FUTURE", Tcl_GetString(value), (char *)NULL);
    return TCL_ERROR;
}

namespace {

/* Sets the error of a wait on a future that has no value on this rank.
 * owner is the rank that made the future. Returns TCL_ERROR. */
int
NoValue(Tcl_Interp *interp, const char *command, Tcl_Obj *future, int owner, int rank)
{
    if (rank < 0) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "%s: future %s has no value because the run has not started; call turbine::init first",
            command, Tcl_GetString(future)));
    } else if (owner != rank) {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "%s: future %s was made on rank %d, and only that rank can wait on it; "
            "return the value from the task instead of the future",
            command, Tcl_GetString(future), owner));
    } else {
        Tcl_SetObjResult(interp, Tcl_ObjPrintf(
            "%s: future %s has no value on this rank: it was forgotten, or never made",
            command, Tcl_GetString(future)));
    }
    Tcl_SetErrorCode(interp, "TURBINE", "ARGUMENT", "FUTURE", Tcl_GetString(future), (char *)NULL);
    return TCL_ERROR;
}

void
AppendObj(std::string &text, Tcl_Obj *value)
{
    int length = 0;
    const char *bytes = Tcl_GetStringFromObj(value, &length);
    text.append(bytes, length);
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
    for (auto &entry : futures_) {
        if (entry.second != nullptr) {
            Tcl_DecrRefCount(entry.second);
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

int
Engine::configure(int rank, int ranks, bool onlyNotices, bool progress)
{
    adlb_ = static_cast<const HedflowAdlbApi *>(Tcl_GetAssocData(interp_, HEDFLOW_ADLB_API, nullptr));
    if (adlb_ != nullptr) {
        workType_ = adlb_->typeIndex("work");
        noticeType_ = adlb_->typeIndex("notice");
    }
    if (adlb_ == nullptr || workType_ < 0 || noticeType_ < 0) {
        Tcl_SetObjResult(interp_, Tcl_NewStringObj(
            "turbine: the adlb package is not initialized with the types work and notice; call turbine::init",
            -1));
        Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "UNINITIALIZED", (char *)NULL);
        return TCL_ERROR;
    }
    rank_ = rank;
    futureStride_ = ranks;
    lastFuture_ = ranks - (rank + 1);
    onlyNotices_ = onlyNotices;
    progress_ = progress;
    return TCL_OK;
}

Tcl_Obj *
Engine::outcome(Tcl_WideInt future) const
{
    const auto found = futures_.find(future);
    return found == futures_.end() ? nullptr : found->second;
}

int
Engine::requireFuture(const char *command, Tcl_Obj *future)
{
    Tcl_WideInt id = 0;
    if (Tcl_GetWideIntFromObj(nullptr, future, &id) != TCL_OK || id >= 0) {
        return InvalidFuture(interp_, command, future);
    }
    if (futures_.count(id) != 0) {
        return TCL_OK;
    }
    return NoValue(interp_, command, future, futureRank(id), rank_);
}

void
Engine::setOutcome(Tcl_WideInt future, Tcl_Obj *outcome)
{
    Tcl_IncrRefCount(outcome);
    Tcl_Obj *&slot = futures_[future];
    if (slot != nullptr) {
        Tcl_DecrRefCount(slot);
    }
    slot = outcome;
}

void
Engine::forget(Tcl_WideInt future)
{
    const auto found = futures_.find(future);
    if (found != futures_.end()) {
        if (found->second != nullptr) {
            Tcl_DecrRefCount(found->second);
        }
        futures_.erase(found);
    }
    // A watched future stays watched: a rule waits for its datum to close.
}

Tcl_Obj *
Engine::swapInputs(Tcl_Obj *values)
{
    Tcl_Obj *former = inputs_;
    inputs_ = values;
    Tcl_IncrRefCount(inputs_);
    return former;
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

/*
 * Engine::put --
 *
 *	Puts a task whose payload is text, or the object payload when that is
 *	not nullptr. An untargeted task goes through adlb's C table, held
 *	while a batch is open. The others go through adlb::put and adlb::dput,
 *	which check every option and name a wrong target in their errors.
 */
int
Engine::put(const TaskOptions &parsed, std::string &&text, Tcl_Obj *payload)
{
    const bool dataflow = !IsEmpty(parsed.inputs);
    const bool targeted = !IsEmpty(parsed.target);
    int priority = 0;
    if (Tcl_GetIntFromObj(nullptr, parsed.priority, &priority) != TCL_OK) {
        Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
            "invalid -priority \"%s\": give a whole number from -2147483648 to 2147483647",
            Tcl_GetString(parsed.priority)));
        Tcl_SetErrorCode(interp_, "TURBINE", "ARGUMENT", "-priority", (char *)NULL);
        if (payload != nullptr) {
            Tcl_IncrRefCount(payload);
            Tcl_DecrRefCount(payload);
        }
        return TCL_ERROR;
    }
    // A task submitted by a running task outranks the queued tasks of the
    // level above, so a task that waits gets its own work done first
    // instead of nesting more waiting tasks inside its wait.
    priority += nestedTasks_;
    const int type = dataflow || targeted ? -1 : adlb_->typeIndex(Tcl_GetString(parsed.type));
    Tcl_Obj *given = payload;
    if (given != nullptr) {
        Tcl_IncrRefCount(given);
    }
    if (type >= 0 && payload != nullptr) {
        int length = 0;
        const char *bytes = Tcl_GetStringFromObj(payload, &length);
        text.assign(bytes, length);
    }

    int code = TCL_OK;
    if (type >= 0 && batchDepth_ > 0) {
        if (!puts_.empty() && (type != putsType_ || priority != putsPriority_)) {
            code = flushPuts();
        }
        putsType_ = type;
        putsPriority_ = priority;
        puts_.push_back(std::move(text));
        if (code == TCL_OK && puts_.size() >= BATCH_LIMIT) {
            code = flushPuts();
        }
    } else if (type >= 0) {
        const char *bytes = text.data();
        const size_t length = text.size();
        code = adlb_->putMany(interp_, type, priority, -1, &bytes, &length, 1);
    } else {
        if (payload == nullptr) {
            payload = Tcl_NewStringObj(text.data(), static_cast<int>(text.size()));
        }
        Tcl_IncrRefCount(payload);
        Tcl_Obj *raised = Tcl_NewIntObj(priority);
        Tcl_IncrRefCount(raised);
        Tcl_Obj *command[14];
        int words = 0;
        command[words++] = words_[dataflow ? CMD_DPUT : CMD_PUT];
        if (dataflow) {
            command[words++] = words_[OPT_INPUTS];
            command[words++] = parsed.inputs;
        }
        command[words++] = words_[OPT_TYPE];
        command[words++] = parsed.type;
        command[words++] = words_[OPT_PRIORITY];
        command[words++] = raised;
        if (targeted) {
            command[words++] = words_[OPT_TARGET];
            command[words++] = parsed.target;
            command[words++] = words_[OPT_STRICT];
            command[words++] = words_[parsed.soft ? SOFT : HARD];
            if (parsed.node) {
                command[words++] = words_[OPT_NODE];
            }
        }
        command[words++] = payload;
        code = Tcl_EvalObjv(interp_, words, command, TCL_EVAL_GLOBAL);
        Tcl_DecrRefCount(raised);
        Tcl_DecrRefCount(payload);
        if (code == TCL_OK) {
            Tcl_ResetResult(interp_);
        }
    }
    if (given != nullptr) {
        Tcl_DecrRefCount(given);
    }
    if (code == TCL_OK) {
        counts_.submitted++;
    }
    return code;
}

int
Engine::flushPuts()
{
    if (puts_.empty()) {
        return TCL_OK;
    }
    std::vector<const char *> bytes;
    std::vector<size_t> lengths;
    for (const std::string &payload : puts_) {
        bytes.push_back(payload.data());
        lengths.push_back(payload.size());
    }
    const int code = adlb_->putMany(interp_, putsType_, putsPriority_, -1, bytes.data(), lengths.data(),
                                    bytes.size());
    puts_.clear();
    return code;
}

int
Engine::endBatch()
{
    if (batchDepth_ > 0) {
        batchDepth_--;
    }
    return flushPuts();
}

int
Engine::queue(Tcl_Obj *options, Tcl_Obj *script, bool consultJournal, Tcl_WideInt *future)
{
    if (adlb_ == nullptr) {
        Tcl_SetObjResult(interp_, Tcl_NewStringObj("turbine: call turbine::init before submitting tasks", -1));
        Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "UNINITIALIZED", (char *)NULL);
        return TCL_ERROR;
    }
    TaskOptions parsed;
    if (readOptions(options, parsed) != TCL_OK) {
        return TCL_ERROR;
    }
    if (consultJournal && !IsEmpty(parsed.key)) {
        // The journal may hold its result. The Tcl side looks it up and
        // queues the task through turbine::QueueDirect when it does not.
        if (evaluate({words_[CMD_QUEUE_KEYED], options, script}) != TCL_OK) {
            return TCL_ERROR;
        }
        return Tcl_GetWideIntFromObj(interp_, Tcl_GetObjResult(interp_), future);
    }

    *future = newFuture();
    if (parsed.plain()) {
        std::string text = CompactHeader('T', *future, rank_, parsed.retries, -1);
        AppendObj(text, script);
        return put(parsed, std::move(text), nullptr);
    }
    Tcl_Obj *fields[TASK_LENGTH] = {
        words_[KIND], words_[TASK], words_[FUTURE], Tcl_NewWideIntObj(*future),
        words_[REPLY], Tcl_NewIntObj(rank_), words_[SCRIPT], script,
        words_[RETRIES], parsed.retries, words_[TIMEOUT], parsed.timeout,
        words_[KEY], parsed.key, words_[INPUTS], parsed.inputs,
    };
    return put(parsed, std::string(), Tcl_NewListObj(TASK_LENGTH, fields));
}

int
Engine::queueApply(Tcl_Obj *options, Tcl_Obj *lambda, Tcl_Obj *element, Tcl_WideInt *future)
{
    if (adlb_ == nullptr) {
        return queue(options, lambda, false, future);
    }
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
    std::string text = CompactHeader('A', *future, rank_, parsed.retries, lambdaLength);
    text.append(lambdaBytes, lambdaLength);
    AppendObj(text, element);
    return put(parsed, std::move(text), nullptr);
}

int
Engine::map(Tcl_Obj *options, Tcl_Obj *lambda, Tcl_Obj *list, int window)
{
    TaskOptions parsed;
    int count = 0;
    Tcl_Obj **elements = nullptr;
    if (adlb_ == nullptr) {
        Tcl_SetObjResult(interp_, Tcl_NewStringObj("turbine: call turbine::init before submitting tasks", -1));
        Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "UNINITIALIZED", (char *)NULL);
        return TCL_ERROR;
    }
    if (readOptions(options, parsed) != TCL_OK
        || Tcl_ListObjGetElements(interp_, list, &count, &elements) != TCL_OK) {
        return TCL_ERROR;
    }
    // Tasks run during the waits below may change the list's
    // representation, which frees its element array.
    std::vector<Tcl_Obj *> items(elements, elements + count);
    for (Tcl_Obj *item : items) {
        Tcl_IncrRefCount(item);
    }
    int lambdaLength = 0;
    const char *lambdaBytes = Tcl_GetStringFromObj(lambda, &lambdaLength);
    Tcl_IncrRefCount(lambda);

    Tcl_Obj *results = Tcl_NewListObj(0, nullptr);
    Tcl_IncrRefCount(results);
    std::deque<Tcl_WideInt> inFlight;
    int code = TCL_OK;
    beginBatch();
    for (int i = 0; i < count && code == TCL_OK; i++) {
        const Tcl_WideInt future = newFuture();
        std::string text = CompactHeader('A', future, rank_, parsed.retries, lambdaLength);
        text.append(lambdaBytes, lambdaLength);
        AppendObj(text, items[i]);
        code = put(parsed, std::move(text), nullptr);
        inFlight.push_back(future);
        if (code == TCL_OK && static_cast<int>(inFlight.size()) >= window) {
            Tcl_Obj *oldest = Tcl_NewWideIntObj(inFlight.front());
            Tcl_IncrRefCount(oldest);
            code = waitAll("turbine::map", oldest);
            Tcl_DecrRefCount(oldest);
            if (code == TCL_OK) {
                Tcl_ListObjAppendList(nullptr, results, Tcl_GetObjResult(interp_));
            }
            forget(inFlight.front());
            inFlight.pop_front();
        }
    }
    const int ended = endBatch();
    code = code == TCL_OK ? ended : code;
    if (code == TCL_OK) {
        Tcl_Obj *rest = Tcl_NewListObj(0, nullptr);
        Tcl_IncrRefCount(rest);
        for (Tcl_WideInt future : inFlight) {
            Tcl_ListObjAppendElement(nullptr, rest, Tcl_NewWideIntObj(future));
        }
        code = waitAll("turbine::map", rest);
        if (code == TCL_OK) {
            Tcl_ListObjAppendList(nullptr, results, Tcl_GetObjResult(interp_));
        }
        Tcl_DecrRefCount(rest);
    }
    for (Tcl_WideInt future : inFlight) {
        forget(future);
    }
    if (code == TCL_OK) {
        Tcl_SetObjResult(interp_, results);
    }
    Tcl_DecrRefCount(results);
    Tcl_DecrRefCount(lambda);
    for (Tcl_Obj *item : items) {
        Tcl_DecrRefCount(item);
    }
    return code;
}

void
Engine::arrive(Tcl_WideInt future, Tcl_Obj *outcome)
{
    // The outcome of a forgotten future is not kept.
    if (futures_.count(future) != 0) {
        setOutcome(future, outcome);
    }
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
    if (watched_.erase(future) != 0) {
        code = evaluate({words_[CMD_MATERIALIZE], Tcl_NewWideIntObj(future), outcome});
    }
    Tcl_DecrRefCount(outcome);
    return code;
}

int
Engine::handleTask(Tcl_Obj *task)
{
    Tcl_Obj *id = nullptr;
    Tcl_Obj *payload = nullptr;
    Tcl_WideInt taskId = 0;
    Tcl_DictObjGet(nullptr, task, words_[ID], &id);
    Tcl_DictObjGet(nullptr, task, words_[PAYLOAD], &payload);
    if (id == nullptr || payload == nullptr || Tcl_GetWideIntFromObj(nullptr, id, &taskId) != TCL_OK) {
        return evaluate({words_[CMD_HANDLE_IN_TCL], task});
    }
    int length = 0;
    const char *bytes = Tcl_GetStringFromObj(payload, &length);
    return handlePayload(taskId, bytes, static_cast<size_t>(length), false, task);
}

/*
 * Engine::handlePayload --
 *
 *	Runs a task from its payload: a compact one here, a notice of a
 *	closed datum by noting it, anything else in Tcl (turbine::
 *	HandleTaskInTcl) with the task dict, built here when task is nullptr.
 */
int
Engine::handlePayload(Tcl_WideInt id, const char *bytes, size_t length, bool binary, Tcl_Obj *task)
{
    if (!binary && length > 2 && bytes[1] == ' ' && (bytes[0] == 'T' || bytes[0] == 'A' || bytes[0] == 'R')) {
        return runCompact(id, bytes, length);
    }

    Tcl_Obj *payload = binary ? Tcl_NewByteArrayObj(reinterpret_cast<const unsigned char *>(bytes),
                                                    static_cast<int>(length))
                              : Tcl_NewStringObj(bytes, static_cast<int>(length));
    Tcl_IncrRefCount(payload);
    int count = 0;
    Tcl_Obj **fields = nullptr;
    Tcl_WideInt future = 0;
    int code = TCL_OK;
    if (Tcl_ListObjGetElements(nullptr, payload, &count, &fields) == TCL_OK && count == 4
        && Same(fields[0], "kind") && Same(fields[1], "notice") && Same(fields[2], "future")
        && Tcl_GetWideIntFromObj(nullptr, fields[3], &future) == TCL_OK) {
        noticed_.insert(future);
    } else if (task != nullptr) {
        code = evaluate({words_[CMD_HANDLE_IN_TCL], task});
    } else {
        Tcl_Obj *dict = Tcl_NewDictObj();
        Tcl_DictObjPut(nullptr, dict, words_[ID], Tcl_NewWideIntObj(id));
        Tcl_DictObjPut(nullptr, dict, words_[PAYLOAD], payload);
        code = evaluate({words_[CMD_HANDLE_IN_TCL], dict});
    }
    Tcl_DecrRefCount(payload);
    return code;
}

Tcl_Obj *
Engine::cachedLambda(const char *bytes, size_t length)
{
    int cachedLength = -1;
    const char *cached = lambda_ != nullptr ? Tcl_GetStringFromObj(lambda_, &cachedLength) : nullptr;
    if (static_cast<size_t>(cachedLength) != length || std::memcmp(cached, bytes, length) != 0) {
        if (lambda_ != nullptr) {
            Tcl_DecrRefCount(lambda_);
        }
        lambda_ = Tcl_NewStringObj(bytes, static_cast<int>(length));
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
Engine::runCompact(Tcl_WideInt id, const char *bytes, size_t length)
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
        Tcl_SetObjResult(interp_, Tcl_ObjPrintf("task %lld: malformed payload \"%.40s\"",
                                                static_cast<long long>(id), bytes));
        Tcl_SetErrorCode(interp_, "TURBINE", "PAYLOAD", (char *)NULL);
        return TCL_ERROR;
    }
    const int bodyLength = static_cast<int>(end - newline - 1);
    if (kind == 'R') {
        return arriveAndStore(future, Tcl_NewStringObj(newline + 1, bodyLength));
    }

    // The payload lies in adlb's get buffer, which the next get reuses: a
    // script that waits takes other tasks. So the script runs from a copy,
    // which a failed attempt's retries read too.
    const std::string copy(newline + 1, bodyLength);
    const char *body = copy.data();

    // A task that waits may run this one inside it; this one has no
    // inputs, so turbine::inputs is empty while it runs.
    Tcl_Obj *outerInputs = swapInputs(words_[EMPTY]);
    Tcl_Obj *script = nullptr;
    int code = TCL_OK;
    if (kind == 'A') {
        Tcl_Obj *lambda = cachedLambda(body, static_cast<size_t>(lambdaLength));
        Tcl_IncrRefCount(lambda);
        Tcl_Obj *element = Tcl_NewStringObj(body + lambdaLength, bodyLength - static_cast<int>(lambdaLength));
        Tcl_Obj *words[3] = {words_[APPLY], lambda, element};
        script = Tcl_NewListObj(3, words);
        Tcl_IncrRefCount(script);
        code = Tcl_EvalObjv(interp_, 3, words, TCL_EVAL_GLOBAL);
        Tcl_DecrRefCount(lambda);
    } else {
        // Evaluated once, it costs less parsed directly than compiled to
        // bytecode first.
        code = Tcl_EvalEx(interp_, body, bodyLength, TCL_EVAL_GLOBAL);
    }
    Tcl_Obj *value = Tcl_GetObjResult(interp_);
    Tcl_IncrRefCount(value);
    Tcl_Obj *returnOptions = nullptr;
    if (code != TCL_OK) {
        returnOptions = Tcl_GetReturnOptions(interp_, code);
        Tcl_IncrRefCount(returnOptions);
    }
    if (code == TCL_RETURN) {
        // A return at the script's top level ends it like the end of a
        // procedure: with the code it names (-code, ok by default).
        Tcl_Obj *named = nullptr;
        Tcl_Obj *key = Tcl_NewStringObj("-code", -1);
        Tcl_IncrRefCount(key);
        Tcl_DictObjGet(nullptr, returnOptions, key, &named);
        Tcl_DecrRefCount(key);
        if (named == nullptr || Tcl_GetIntFromObj(nullptr, named, &code) != TCL_OK) {
            code = TCL_OK;
        }
        if (code == TCL_OK) {
            Tcl_DecrRefCount(returnOptions);
            returnOptions = nullptr;
        }
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
            script = Tcl_NewStringObj(body, bodyLength);
            Tcl_IncrRefCount(script);
        }
        Tcl_Obj *fields[TASK_LENGTH] = {
            words_[KIND], words_[TASK], words_[FUTURE], Tcl_NewWideIntObj(future),
            words_[REPLY], Tcl_NewLongObj(replyRank), words_[SCRIPT], script,
            words_[RETRIES], Tcl_NewLongObj(retries), words_[TIMEOUT], words_[EMPTY],
            words_[KEY], words_[EMPTY], words_[INPUTS], words_[EMPTY],
        };
        Tcl_Obj *first[3] = {Tcl_NewIntObj(code), value, returnOptions};
        status = evaluate({words_[CMD_RUN_TASK], Tcl_NewWideIntObj(id), Tcl_NewListObj(TASK_LENGTH, fields),
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

    // Sent at once: held until the next task, it could wait for the whole
    // of a long one.
    Tcl_IncrRefCount(outcome);
    std::string payload = CompactHeader('R', future, -1, nullptr, -1);
    AppendObj(payload, outcome);
    Tcl_DecrRefCount(outcome);
    const char *bytes = payload.data();
    const size_t length = payload.size();
    if (adlb_->putMany(interp_, noticeType_, 0, replyRank, &bytes, &length, 1) == TCL_OK) {
        return TCL_OK;
    }

    // Once the run has ended no rank waits for the outcome, so a failure
    // to deliver it must not abort this rank while it unwinds its tasks.
    Tcl_Obj *options = Tcl_GetReturnOptions(interp_, TCL_ERROR);
    Tcl_IncrRefCount(options);
    Tcl_Obj *errorCode = nullptr;
    Tcl_Obj *key = Tcl_NewStringObj("-errorcode", -1);
    Tcl_IncrRefCount(key);
    Tcl_DictObjGet(nullptr, options, key, &errorCode);
    const bool ended = errorCode != nullptr && std::strcmp(Tcl_GetString(errorCode), "ADLB ENDED") == 0;
    Tcl_DecrRefCount(key);
    Tcl_DecrRefCount(options);
    if (ended) {
        Tcl_ResetResult(interp_);
        return TCL_OK;
    }
    return TCL_ERROR;
}

int
Engine::takeTask(bool showProgress, bool *ended)
{
    *ended = false;
    if (adlb_ == nullptr) {
        Tcl_SetObjResult(interp_, Tcl_NewStringObj("turbine: call turbine::init before waiting for tasks", -1));
        Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "UNINITIALIZED", (char *)NULL);
        return TCL_ERROR;
    }
    int code = flushPuts();
    if (code != TCL_OK) {
        return code;
    }
    const bool onlyNotices = onlyNotices_ || nestedTasks_ >= MAX_NESTED_TASKS;
    const int filter = onlyNotices ? noticeType_ : -1;

    if (progress_ && showProgress) {
        Tcl_Obj *options = Tcl_NewListObj(0, nullptr);
        if (onlyNotices) {
            Tcl_ListObjAppendElement(nullptr, options, words_[OPT_TYPE]);
            Tcl_ListObjAppendElement(nullptr, options, words_[NOTICE]);
        }
        if ((code = evaluate({words_[CMD_PROGRESS_GET], options})) != TCL_OK) {
            return code;
        }
        Tcl_Obj *task = Tcl_GetObjResult(interp_);
        Tcl_IncrRefCount(task);
        Tcl_ResetResult(interp_);
        *ended = IsEmpty(task);
        nestedTasks_++;
        code = *ended ? TCL_OK : handleTask(task);
        nestedTasks_--;
        Tcl_DecrRefCount(task);
        return code;
    }

    HedflowAdlbTask task;
    // Inside a task that waits, the server's choice by priority puts the
    // waiting task's own work first (see put).
    const int found = adlb_->get(interp_, filter, 1, nestedTasks_ > 0, &task);
    if (found < 0) {
        return TCL_ERROR;
    }
    if (found == 0) {
        *ended = true;
        return TCL_OK;
    }
    if (task.parallel > 1) {
        Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
            "task %llu runs on %d workers, but turbine runs tasks on one rank; put parallel tasks with adlb::put and take them with adlb::get",
            static_cast<unsigned long long>(task.id), task.parallel));
        Tcl_SetErrorCode(interp_, "TURBINE", "TASK", "PARALLEL", (char *)NULL);
        return TCL_ERROR;
    }
    nestedTasks_++;
    code = handlePayload(static_cast<Tcl_WideInt>(task.id), task.payload, task.length, task.binary != 0,
                         nullptr);
    nestedTasks_--;
    return code;
}

int
Engine::waitNotices(const std::vector<Tcl_WideInt> &pending)
{
    for (Tcl_WideInt future : pending) {
        while (noticed_.count(future) == 0 && !hasOutcome(future)) {
            bool ended = false;
            const int code = takeTask(true, &ended);
            if (code != TCL_OK) {
                return code;
            }
            if (ended) {
                // At the limit this rank takes no task, so it may have
                // waited for a task that only it could have run.
                Tcl_SetObjResult(interp_, Tcl_ObjPrintf(
                    "the run ended while future %lld was still unset%s", static_cast<long long>(future),
                    nestedTasks_ >= MAX_NESTED_TASKS
                        ? " (this rank was waiting inside 64 nested tasks, the limit, so it took no new "
                          "task; use more workers or fewer levels of tasks that wait on tasks)"
                        : ""));
                Tcl_SetErrorCode(interp_, "TURBINE", "STATE", "ENDED", std::to_string(future).c_str(),
                                 (char *)NULL);
                return TCL_ERROR;
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
        bool ended = false;
        const int code = takeTask(false, &ended);
        if (code != TCL_OK || ended) {
            return code;
        }
    }
}

int
Engine::waitAll(const char *command, Tcl_Obj *futures)
{
    int count = 0;
    Tcl_Obj **elements = nullptr;
    if (Tcl_ListObjGetElements(interp_, futures, &count, &elements) != TCL_OK) {
        return TCL_ERROR;
    }
    // A task run while this waits may change the list's representation,
    // which frees its element array, so the elements are referenced apart.
    std::vector<Tcl_Obj *> items(elements, elements + count);
    for (Tcl_Obj *item : items) {
        Tcl_IncrRefCount(item);
    }
    std::vector<Tcl_WideInt> ids(count);
    std::vector<Tcl_WideInt> pending;
    std::unordered_set<Tcl_WideInt> seen;
    int code = TCL_OK;
    for (int i = 0; i < count && code == TCL_OK; i++) {
        if (Tcl_GetWideIntFromObj(nullptr, items[i], &ids[i]) != TCL_OK || ids[i] == 0) {
            code = InvalidFuture(interp_, command, items[i]);
        }
    }
    for (int i = 0; i < count && code == TCL_OK; i++) {
        if (!seen.insert(ids[i]).second) {
            continue;
        }
        if (ids[i] < 0) {
            if (hasOutcome(ids[i])) {
                continue;
            }
            if (futures_.count(ids[i]) == 0) {
                code = NoValue(interp_, command, items[i], futureRank(ids[i]), rank_);
                break;
            }
            pending.push_back(ids[i]);
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
                // A task run during the wait forgot it.
                code = NoValue(interp_, command, items[i], futureRank(ids[i]), rank_);
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
    for (Tcl_Obj *item : items) {
        Tcl_DecrRefCount(item);
    }

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

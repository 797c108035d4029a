/*
 * engine.h --
 *
 *	The native task path of turbine: futures and their outcomes, queuing
 *	tasks, running the tasks a rank takes from the queue, and waiting for
 *	futures. The common task (a script without a journal key, time limit
 *	or input futures) goes from put to outcome without a Tcl procedure
 *	call. Every other case goes to the procs of tasks.tcl and futures.tcl,
 *	which keep the rules for retries, time limits, the journal and
 *	failure records.
 *
 *	Payloads: the common cases travel in a compact form that this file
 *	reads without Tcl's list parser. Every other payload is a Tcl list of
 *	name-value pairs in a fixed order, read as a dict by tasks.tcl:
 *	    T FUTURE REPLY RETRIES\nSCRIPT             a plain task
 *	    A FUTURE REPLY RETRIES LENGTH\nLAMBDA ELEMENT
 *	                                              a map element: apply
 *	                                              LAMBDA (LENGTH bytes) to
 *	                                              ELEMENT
 *	    R FUTURE\nOUTCOME                          a task's outcome
 *	    kind task future F reply R script S retries N timeout T key K inputs I
 *	    kind notice future F                      a datum closed
 *	An outcome is {ok VALUE} or {error INFO} (see tasks.tcl).
 */
#ifndef HEDFLOW_TURBINE_ENGINE_H
#define HEDFLOW_TURBINE_ENGINE_H

#include <tcl.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adlb_api.h"

namespace hedflow::turbine {

/* Progress counts kept by the leader (see progress.tcl). */
struct Counts {
    Tcl_WideInt submitted = 0;
    Tcl_WideInt done = 0;
    Tcl_WideInt failed = 0;
    Tcl_WideInt skipped = 0;
};

/* Sets the error of command for a value that is not a future and returns
 * TCL_ERROR. */
int InvalidFuture(Tcl_Interp *interp, const char *command, Tcl_Obj *value);

class Engine {
public:
    explicit Engine(Tcl_Interp *interp);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    /* rank: this rank. onlyNotices: take only notices from the queue (a
     * leader that does not run tasks). progress: wait through
     * turbine::progressGet, which redraws the progress line. Needs the
     * adlb package initialized; returns a Tcl code. */
    int configure(int rank, int ranks, bool onlyNotices, bool progress);

    /* Local futures are negative and name the rank that made them: rank r
     * of n makes -(r + 1), -(r + 1 + n), and so on. A future passed to
     * another rank is then never mistaken there for one of its own. */
    Tcl_WideInt newFuture()
    {
        lastFuture_ -= futureStride_;
        futures_.emplace(lastFuture_, nullptr);
        return lastFuture_;
    }

    /* The rank that made a local future. */
    int futureRank(Tcl_WideInt future) const
    {
        return static_cast<int>((-future - 1) % futureStride_);
    }

    bool hasOutcome(Tcl_WideInt future) const { return outcome(future) != nullptr; }
    /* The outcome of future, or nullptr when it has not arrived. */
    Tcl_Obj *outcome(Tcl_WideInt future) const;
    void setOutcome(Tcl_WideInt future, Tcl_Obj *outcome);
    void forget(Tcl_WideInt future);

    /* Returns TCL_OK when future is one of this rank's futures that is
     * not forgotten; otherwise sets the error of command and returns
     * TCL_ERROR. */
    int requireFuture(const char *command, Tcl_Obj *future);

    /* Hands future's outcome to turbine::Materialize when it arrives. */
    void watch(Tcl_WideInt future) { watched_.insert(future); }

    /*
     * Queues script with the task options in the dict options (nullptr:
     * the defaults) and sets *future. With consultJournal, a task with a
     * journal key goes to turbine::QueueKeyed, which takes its recorded
     * result from the journal when there is one. Returns a Tcl code; an
     * error leaves its message in interp.
     */
    int queue(Tcl_Obj *options, Tcl_Obj *script, bool consultJournal, Tcl_WideInt *future);

    /* Queues a map element: apply lambda to element, with options as
     * for queue (the journal is consulted). */
    int queueApply(Tcl_Obj *options, Tcl_Obj *lambda, Tcl_Obj *element, Tcl_WideInt *future);

    /*
     * turbine::map for elements without a key, time limit or inputs:
     * applies lambda to each element of list with at most window tasks in
     * flight, and leaves the results in list order in the interp result.
     * The options are read once for the whole list.
     */
    int map(Tcl_Obj *options, Tcl_Obj *lambda, Tcl_Obj *list, int window);

    /* The input values of the rule whose script runs now: swap sets them
     * and returns the former ones (a new reference for the caller). */
    Tcl_Obj *inputs() const { return inputs_; }
    Tcl_Obj *swapInputs(Tcl_Obj *values);

    /* Runs one task dict returned by adlb::get. */
    int handleTask(Tcl_Obj *task);

    /* A rank waiting inside this many nested tasks takes only notices and
     * results: every task that waits would otherwise take the next queued
     * task, itself perhaps one that waits, without bound. */
    static constexpr int MAX_NESTED_TASKS = 64;

    /* While a batch is open, untargeted puts wait in this rank and go
     * out together: once 64 wait, before this rank takes a task, and when
     * the batch ends. turbine::map opens one around its puts. */
    void beginBatch() { batchDepth_++; }
    int endBatch();

    /* Sends a task's outcome to the rank that submitted it. */
    int reply(Tcl_WideInt future, int replyRank, Tcl_Obj *outcome);

    /*
     * Takes tasks from the queue until every future in pending has its
     * outcome or its close notice. Errors with {TURBINE STATE ENDED F}
     * when the run ends first.
     */
    int waitNotices(const std::vector<Tcl_WideInt> &pending);

    /* Runs tasks until the run ends. */
    int drain();

    /*
     * turbine::waitall: checks the futures, waits for them, and leaves
     * their values in the interp result, or the first failure's error.
     */
    int waitAll(const char *command, Tcl_Obj *futures);

    Counts &counts() { return counts_; }
    /* The tasks this rank is running: more than one when a task waits and
     * runs others meanwhile. */
    int runningTasks() const { return nestedTasks_; }

private:
    struct TaskOptions;

    int evaluate(std::initializer_list<Tcl_Obj *> words);
    int readOptions(Tcl_Obj *options, TaskOptions &parsed);
    int put(const TaskOptions &parsed, std::string &&text, Tcl_Obj *payload);
    int flushPuts();

    /* Takes the next task and runs it, or sets *ended once the run has
     * ended. showProgress: wait through turbine::progressGet when the
     * progress line is on; not at the end, where nothing is awaited. */
    int takeTask(bool showProgress, bool *ended);
    int handlePayload(Tcl_WideInt id, const char *bytes, size_t length, bool binary, Tcl_Obj *task);
    int runCompact(Tcl_WideInt id, const char *bytes, size_t length);
    Tcl_Obj *cachedLambda(const char *bytes, size_t length);
    void arrive(Tcl_WideInt future, Tcl_Obj *outcome);
    int arriveAndStore(Tcl_WideInt future, Tcl_Obj *outcome);

    Tcl_Interp *interp_;
    const HedflowAdlbApi *adlb_ = nullptr;
    int workType_ = -1;
    int noticeType_ = -1;
    int rank_ = -1;
    bool onlyNotices_ = false;
    bool progress_ = false;
    Tcl_WideInt lastFuture_ = 0;
    Tcl_WideInt futureStride_ = 1;
    Counts counts_;

    // This rank's futures that are not forgotten, with their outcomes, or
    // nullptr while those have not arrived. An outcome of a forgotten
    // future is dropped when it comes.
    std::unordered_map<Tcl_WideInt, Tcl_Obj *> futures_;
    int nestedTasks_ = 0;
    std::unordered_set<Tcl_WideInt> noticed_;
    std::unordered_set<Tcl_WideInt> watched_;
    Tcl_Obj *inputs_;
    // The lambda of the last map element run here, with its compiled
    // body: the elements of one map share it.
    Tcl_Obj *lambda_ = nullptr;

    // Puts held in an open batch, all of one type and priority. Batches
    // nest, as maps in tasks of a map do.
    int batchDepth_ = 0;
    std::vector<std::string> puts_;
    int putsType_ = -1;
    int putsPriority_ = 0;

    // Shared constant words, created once (see WORDS in engine.cc).
    std::vector<Tcl_Obj *> words_;
};

} // namespace hedflow::turbine

#endif

/*
 * server.h --
 *
 *	The server loop: it queues tasks, hands them to waiting workers,
 *	steals from and pushes to other servers, owns part of the data store,
 *	holds dput tasks until their inputs close, and detects the end of the
 *	run by counting.
 *
 *	Termination: a server is passive when every worker it serves waits in
 *	get and it waits for no steal reply. Each worker's get request carries
 *	the number of tasks it has put so far (to any server). A passive server
 *	reports two sums to the master server (the first one): sent = tasks
 *	put by its workers + server-to-server messages it sent, and received =
 *	tasks it received from workers + server-to-server messages it received.
 *	When every report is passive and the totals are equal, the master
 *	probes every server; if each is still passive with the same sums, no
 *	message can be in flight and no task can start, so the run is over.
 */
#ifndef HEDFLOW_ADLB_SERVER_H
#define HEDFLOW_ADLB_SERVER_H

#include <mpi.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "data_store.h"
#include "layout.h"
#include "task_queue.h"
#include "transport.h"
#include "wire.h"

namespace hedflow::adlb {

class Server {
public:
    Server(const Layout &layout, MPI_Comm comm);

    /* Runs until the run ends. Throws Error on an MPI failure. */
    void run();

    /* Counters of every server, in server order; complete after run(). */
    const std::vector<Stats> &allStats() const { return allStats_; }

    const Stats &stats() const { return stats_; }

private:
    struct WorkerState {
        bool waiting = false;
        int32_t typeFilter = -1;
        uint64_t putsSent = 0;
        // From its last get, for the tasks sent while it waits.
        uint32_t maxTasks = 1;
        uint32_t movable = 0;
    };

    struct ParallelTask {
        TaskHeader header;
        std::string payload;
    };

    struct HeldTask {
        TaskHeader header;
        std::string payload;
        uint32_t pending = 0;
    };

    struct Report {
        bool valid = false;
        uint64_t sent = 0;
        uint64_t received = 0;
    };

    /* server.cc: dispatch and tasks */
    void handle(int source, int tag, Reader &reader);
    void handlePut(int source, Reader &reader);
    void handleGet(int source, Reader &reader);
    void handleTasks(int source, Reader &reader);
    void handleSteal(int source, Reader &reader);
    void accept(const TaskHeader &header, const char *payload);
    bool deliverNew(const TaskHeader &header, const char *payload);
    bool matches(int worker, int type, int32_t priority) const;
    bool reservedForParallel(int typeFilter, int32_t priority) const;
    void startWaiting(int worker);
    void stopWaiting(int worker);
    void serveWaiting();
    void tryParallel();
    void sendTask(int worker, const TaskHeader &header, const char *payload);
    size_t sendFromQueue(int worker, const Selection &first, uint32_t maxTasks, uint32_t movable,
                         bool refill = false);
    void sendToServer(int serverRank, int tag, Writer &writer, bool activity);
    uint64_t unmatchedMask() const;
    void startStealRound();
    void continueSteal();
    void pushToStarving();
    void notePeak();
    uint64_t newTaskId() { return (uint64_t(layout_.rank() + 1) << 40) | ++taskSequence_; }

    /* server_data.cc: data store and held tasks */
    void handleData(int source, Reader &reader);
    void handleDput(int source, Reader &reader);
    void notify(uint64_t id, std::vector<Subscriber> &&subscribers);
    void releaseHeld(uint64_t id);

    /* server_end.cc: termination and statistics */
    bool passive() const;
    void afterEvent();
    void updateReport(int serverIndex, uint64_t sent, uint64_t received);
    void checkTermination();
    void handleProbe(int source, Reader &reader);
    void handleProbeReply(int source, Reader &reader);
    void finishWave();
    void broadcastShutdown();
    void handleShutdown(Reader &reader);
    void endLocally();

    const Layout &layout_;
    MPI_Comm comm_;
    int index_;                  // this server's index, 0 to S-1
    std::vector<int> myWorkers_;
    std::vector<WorkerState> workers_; // by world rank
    std::vector<int> waitList_;  // waiting workers in order of arrival
    TaskQueue queue_;
    std::deque<ParallelTask> parallel_; // by priority, then arrival
    DataStore store_;
    Outbox outbox_;
    Stats stats_;
    bool ended_ = false;
    uint64_t taskSequence_ = 0;

    /* dput tasks waiting for inputs: by arrival number, and the numbers
     * waiting on each datum, in arrival order. */
    std::unordered_map<uint64_t, HeldTask> held_;
    std::unordered_map<uint64_t, std::vector<uint64_t>> waitingOn_;
    uint64_t heldSequence_ = 0;

    /* Stealing: one request at a time, each round asks every other server
     * once. starving_[i] holds the types server i found nowhere. */
    bool stealOutstanding_ = false;
    int stealRemaining_ = 0;
    int nextVictim_ = 0;
    std::vector<uint64_t> starving_;
    bool anyStarving_ = false;

    /* Termination counters. */
    uint64_t workerPutsSum_ = 0;    // sum of putsSent over my workers
    uint64_t putsReceived_ = 0;
    uint64_t activitySent_ = 0;     // counted server-to-server messages
    uint64_t activityReceived_ = 0;
    bool reportedPassive_ = false;
    uint64_t reportedSent_ = 0;
    uint64_t reportedReceived_ = 0;

    /* Master only. */
    std::vector<Report> reports_;
    uint64_t reportsVersion_ = 0;
    uint64_t waveVersion_ = UINT64_MAX;
    uint64_t wave_ = 0;
    bool waveOutstanding_ = false;
    int waveReplies_ = 0;
    bool waveOk_ = false;
    std::vector<Report> waveSnapshot_;

    std::vector<Stats> allStats_;
    std::vector<char> inbox_;
};

/* Writes one line to stderr prefixed with "adlb[RANK]: ". */
void LogLine(int rank, const std::string &text);

} // namespace hedflow::adlb

#endif

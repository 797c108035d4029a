/*
 * server_end.cc --
 *
 *	Termination by counting (see server.h) and the end of the run.
 */
#include "server.h"

namespace hedflow::adlb {

bool
Server::passive() const
{
    return waitList_.size() == myWorkers_.size() && !stealOutstanding_;
}

void
Server::afterEvent()
{
    if (ended_) {
        return;
    }
    if (!passive()) {
        reportedPassive_ = false;
        return;
    }
    const uint64_t sent = workerPutsSum_ + activitySent_;
    const uint64_t received = putsReceived_ + activityReceived_;
    if (reportedPassive_ && sent == reportedSent_ && received == reportedReceived_) {
        return;
    }
    reportedPassive_ = true;
    reportedSent_ = sent;
    reportedReceived_ = received;

    if (index_ == 0) {
        updateReport(0, sent, received);
        return;
    }
    Writer writer;
    writer.put(sent);
    writer.put(received);
    sendToServer(layout_.serverRank(0), TAG_SS_PASSIVE, writer, false);
}

void
Server::updateReport(int serverIndex, uint64_t sent, uint64_t received)
{
    Report &report = reports_[serverIndex];
    report.valid = true;
    report.sent = sent;
    report.received = received;
    reportsVersion_++;
    checkTermination();
}

void
Server::checkTermination()
{
    if (ended_ || waveOutstanding_ || reportsVersion_ == waveVersion_) {
        return;
    }
    uint64_t sent = 0;
    uint64_t received = 0;
    for (const Report &report : reports_) {
        if (!report.valid) {
            return;
        }
        sent += report.sent;
        received += report.received;
    }
    if (sent != received) {
        return;
    }

    if (layout_.servers() == 1) {
        // Alone, the master's own report is its current state.
        allStats_[0] = stats_;
        broadcastShutdown();
        return;
    }

    // Confirm that every server stayed passive since its report.
    waveVersion_ = reportsVersion_;
    waveSnapshot_ = reports_;
    waveOutstanding_ = true;
    waveOk_ = true;
    waveReplies_ = layout_.servers() - 1;
    wave_++;
    for (int s = 1; s < layout_.servers(); s++) {
        Writer writer;
        writer.put(wave_);
        sendToServer(layout_.serverRank(s), TAG_SS_PROBE, writer, false);
    }
}

void
Server::handleProbe(int source, Reader &reader)
{
    const uint64_t wave = reader.get<uint64_t>();
    Writer writer;
    writer.put(wave);
    writer.put<uint8_t>(passive() ? 1 : 0);
    writer.put<uint64_t>(workerPutsSum_ + activitySent_);
    writer.put<uint64_t>(putsReceived_ + activityReceived_);
    writer.put(stats_);
    sendToServer(source, TAG_SS_PROBE_REPLY, writer, false);
}

void
Server::handleProbeReply(int source, Reader &reader)
{
    const uint64_t wave = reader.get<uint64_t>();
    const bool isPassive = reader.get<uint8_t>() != 0;
    const uint64_t sent = reader.get<uint64_t>();
    const uint64_t received = reader.get<uint64_t>();
    const Stats stats = reader.get<Stats>();
    if (!waveOutstanding_ || wave != wave_) {
        return;
    }
    const int s = layout_.serverIndex(source);
    allStats_[s] = stats;
    if (!isPassive || sent != waveSnapshot_[s].sent || received != waveSnapshot_[s].received) {
        waveOk_ = false;
    }
    if (--waveReplies_ == 0) {
        finishWave();
    }
}

void
Server::finishWave()
{
    waveOutstanding_ = false;
    const bool selfUnchanged = passive()
                               && workerPutsSum_ + activitySent_ == waveSnapshot_[0].sent
                               && putsReceived_ + activityReceived_ == waveSnapshot_[0].received;
    if (waveOk_ && selfUnchanged) {
        allStats_[0] = stats_;
        broadcastShutdown();
        return;
    }
    // Reports that arrived during the wave may already allow another.
    checkTermination();
}

void
Server::broadcastShutdown()
{
    for (int s = 1; s < layout_.servers(); s++) {
        Writer writer;
        writer.put<uint32_t>(static_cast<uint32_t>(allStats_.size()));
        for (const Stats &stats : allStats_) {
            writer.put(stats);
        }
        sendToServer(layout_.serverRank(s), TAG_SS_SHUTDOWN, writer, false);
    }
    endLocally();
}

void
Server::handleShutdown(Reader &reader)
{
    const uint32_t count = reader.get<uint32_t>();
    for (uint32_t s = 0; s < count && s < allStats_.size(); s++) {
        allStats_[s] = reader.get<Stats>();
    }
    endLocally();
}

void
Server::endLocally()
{
    ended_ = true;
    for (int worker : waitList_) {
        workers_[worker].waiting = false;
        Writer writer;
        writer.put<uint8_t>(1);
        writer.put<uint32_t>(0);
        writer.put<uint32_t>(static_cast<uint32_t>(allStats_.size()));
        for (const Stats &stats : allStats_) {
            writer.put(stats);
        }
        outbox_.send(writer.take(), worker, TAG_TASKS_REPLY, comm_);
    }
    waitList_.clear();
}

} // namespace hedflow::adlb

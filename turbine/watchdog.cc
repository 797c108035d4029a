/*
 * watchdog.cc --
 *
 *	The timer thread behind task timeouts.
 */
#include "watchdog.h"

namespace turbine {

namespace {

std::chrono::steady_clock::duration
ToDuration(double seconds)
{
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(seconds));
}

} // namespace

Watchdog::Watchdog(double seconds, double repeatSeconds, std::function<void()> onExpiry)
    : onExpiry_(std::move(onExpiry))
{
    const auto deadline = std::chrono::steady_clock::now() + ToDuration(seconds);
    const auto repeat = ToDuration(repeatSeconds);
    thread_ = std::thread([this, deadline, repeat] { Run(deadline, repeat); });
}

Watchdog::~Watchdog()
{
    Disarm();
}

bool
Watchdog::Disarm()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        disarmed_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    return expired_;
}

void
Watchdog::Run(std::chrono::steady_clock::time_point deadline,
              std::chrono::steady_clock::duration repeat)
{
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_until(lock, deadline, [this] { return disarmed_; })) {
        return;
    }
    expired_ = true;

    // onExpiry runs with the lock held, so Disarm cannot return while it
    // is still being delivered.
    do {
        onExpiry_();
    } while (!wake_.wait_for(lock, repeat, [this] { return disarmed_; }));
}

} // namespace turbine

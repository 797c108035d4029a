/*
 * watchdog.h --
 *
 *	A timer thread that calls a function once a deadline passes, unless it
 *	is disarmed first. The task timeout of turbine uses it to cancel a Tcl
 *	evaluation that runs too long. The class itself does not depend on Tcl.
 */
#ifndef HEDFLOW_TURBINE_WATCHDOG_H
#define HEDFLOW_TURBINE_WATCHDOG_H

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace turbine {

class Watchdog {
public:
    /*
     * Starts the timer thread. Once seconds pass, onExpiry runs on that
     * thread, then again every repeatSeconds until Disarm or the
     * destructor runs, so an expiry that the watched code ignores is
     * delivered again.
     */
    Watchdog(double seconds, double repeatSeconds, std::function<void()> onExpiry);

    /* Disarms the timer and joins its thread. */
    ~Watchdog();

    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

    /*
     * Stops the timer. Returns true when onExpiry had already run, so the
     * caller can tell a timeout from an ordinary error.
     */
    bool Disarm();

private:
    void Run(std::chrono::steady_clock::time_point deadline,
             std::chrono::steady_clock::duration repeat);

    std::mutex mutex_;
    std::condition_variable wake_;
    bool disarmed_ = false;
    bool expired_ = false;
    std::function<void()> onExpiry_;
    std::thread thread_;
};

} // namespace turbine

#endif

# progress.tcl --
#
#	The leader's progress display: done, running, failed and queued task
#	counts, the rate and an ETA. On a terminal (the launcher exports
#	HEDFLOW_STDERR_TTY=1 when its stderr is one) the line is redrawn in
#	place at most 5 times a second; otherwise a plain line is logged every
#	-progress_interval seconds (default 10).
#
#	Counts: "done" and "failed" are the tasks whose outcomes have reached
#	the leader. The queued count comes from the servers (adlb::stats: tasks
#	put minus tasks handed out), and "running" is the rest of the tasks
#	submitted and not yet done.
#
#	While progress is shown, the leader polls the queue (adlb::iget) with
#	a back-off of up to 20 ms instead of blocking in adlb::get, so it can
#	redraw while it waits.

namespace eval turbine {
    # The counts of submitted, done, failed and skipped tasks are kept by
    # the native path (turbine::ProgressCounts).
    variable progress [dict create enabled 0 tty 0 interval 10 started 0 \
        lastDraw 0 drawn 0]
    # Futures already counted, so waiting twice on one counts it once.
    variable progressCounted [dict create]
}

# turbine::progressConfigure --
#
#	Sets the mode (auto, on, off) and the interval between plain lines.
#	Only the leader shows progress.
proc turbine::progressConfigure {mode interval} {
    variable progress
    variable role
    set tty [expr {[info exists ::env(HEDFLOW_STDERR_TTY)] && $::env(HEDFLOW_STDERR_TTY) eq "1"}]
    dict set progress tty $tty
    dict set progress interval $interval
    dict set progress enabled [expr {$role eq "leader" && $mode ne "off"}]
}

proc turbine::progressStart {} {
    variable progress
    dict set progress started [clock milliseconds]
    dict set progress lastDraw [clock milliseconds]
}

# turbine::progressTaskSkipped --
#
#	Counts a task answered from the journal. Queued tasks are counted by
#	the native path.
proc turbine::progressTaskSkipped {} {
    ProgressAdd submitted 1
    ProgressAdd skipped 1
}

# turbine::progressTaskStarted, progressTaskEnded --
#
#	Hooks around the tasks this rank runs itself; counted where futures
#	are read instead.
proc turbine::progressTaskStarted {} {}
proc turbine::progressTaskEnded {outcome} {}

# turbine::progressFutureRead --
#
#	Counts a data store future whose outcome the leader has read, once, as
#	done or failed. The futures of this rank are counted by the native
#	path when their outcomes arrive.
proc turbine::progressFutureRead {future outcome} {
    variable progress
    variable progressCounted
    if {![dict get $progress enabled] || [dict exists $progressCounted $future]} {
        return
    }
    dict set progressCounted $future 1
    ProgressAdd [expr {$outcome eq "error" ? "failed" : "done"}] 1
}

# turbine::progressGet --
#
#	Returns the next task for this rank like adlb::get with the given
#	filter, redrawing the progress line while it waits.
proc turbine::progressGet {filter} {
    variable progress
    if {![dict get $progress enabled]} {
        return [adlb::get {*}$filter]
    }
    set pause 0.1
    while {1} {
        set task [adlb::iget {*}$filter]
        if {$task ne ""} {
            return $task
        }
        progressMaybeDraw
        after [expr {int($pause)}]
        set pause [expr {min(20.0, $pause * 2)}]
    }
}

# turbine::progressMaybeDraw --
#
#	Draws the progress line when it is due.
proc turbine::progressMaybeDraw {} {
    variable progress
    set now [clock milliseconds]
    set every [expr {[dict get $progress tty] ? 200 : int(1000 * [dict get $progress interval])}]
    if {$now - [dict get $progress lastDraw] < $every} {
        return
    }
    dict set progress lastDraw $now
    progressDraw
}

# turbine::progressLine --
#
#	Returns the text of the progress line.
proc turbine::progressLine {} {
    variable progress
    set queued 0
    if {![catch {adlb::stats} stats]} {
        dict for {server counters} $stats {
            incr queued [expr {[dict get $counters puts] - [dict get $counters gets]}]
        }
    }
    set counts [ProgressCounts]
    set done [expr {[dict get $counts done] + [dict get $counts skipped]}]
    set failed [dict get $counts failed]
    set submitted [dict get $counts submitted]
    set open [expr {max(0, $submitted - $done - $failed)}]
    set queued [expr {max(0, min($queued, $open))}]
    set running [expr {$open - $queued}]

    set seconds [expr {max(0.001, ([clock milliseconds] - [dict get $progress started]) / 1000.0)}]
    set finished [expr {$done + $failed - [dict get $counts skipped]}]
    set rate [expr {$finished / $seconds}]
    set eta "?"
    if {$rate > 0} {
        set eta [FormatSeconds [expr {$open / $rate}]]
    }
    return [format "done %d of %d, running %d, queued %d, failed %d, %.1f tasks/s, elapsed %s, ETA %s" \
        $done $submitted $running $queued $failed $rate [FormatSeconds $seconds] $eta]
}

# turbine::progressDraw --
#
#	Writes the progress line: in place on a terminal, else as a log line.
proc turbine::progressDraw {} {
    variable progress
    set line [progressLine]
    if {[dict get $progress tty]} {
        puts -nonewline stderr "\r$line\033\[K"
        flush stderr
        dict set progress drawn 1
    } else {
        log -always info "progress: $line"
    }
}

# turbine::progressFinish --
#
#	Draws the final line at the end of the run.
proc turbine::progressFinish {} {
    variable progress
    if {![dict get $progress enabled]} {
        return
    }
    if {[dict get $progress tty]} {
        progressDraw
        puts stderr ""
    } elseif {[dict get [ProgressCounts] submitted] > 0} {
        progressDraw
    }
}

# turbine::FormatSeconds --
#
#	Returns seconds as H:MM:SS.
proc turbine::FormatSeconds {seconds} {
    set whole [expr {int(round($seconds))}]
    return [format "%d:%02d:%02d" [expr {$whole / 3600}] [expr {$whole / 60 % 60}] [expr {$whole % 60}]]
}

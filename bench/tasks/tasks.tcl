# tasks.tcl --
#
#	The workflow timed by bench/tasks/run. Usage (under the launcher):
#	    tasks.tcl MODE COUNT LEADER_WORKS ?SECONDS_PER_TASK?
#	MODE submit: COUNT x turbine::submit of an empty script, then waitall.
#	MODE map:    turbine::map of an empty script over COUNT elements.
#	MODE busy:   turbine::map over COUNT tasks that each spin for
#	             SECONDS_PER_TASK.
#	LEADER_WORKS 1 lets the leader run tasks while it waits (turbine::init
#	-leader_works), so it counts as a worker. The leader prints
#	"tasks_per_second R", timed from the first submit to the last result.

package require turbine
lassign $argv mode count leaderWorks taskSeconds
turbine::init -progress off -leader_works $leaderWorks

# Spins for the given seconds, so a task costs CPU like a real one.
proc spin {seconds} {
    set end [expr {[clock microseconds] + int($seconds * 1e6)}]
    while {[clock microseconds] < $end} {}
}

turbine::run {
    set start [clock microseconds]
    switch -- $mode {
        submit {
            set futures {}
            for {set i 0} {$i < $count} {incr i} {
                lappend futures [turbine::submit {}]
            }
            turbine::waitall $futures
        }
        map {
            turbine::map -window 100000 x [lrepeat $count 0] {}
        }
        busy {
            turbine::map -window 100000 x [lrepeat $count 0] [list spin $taskSeconds]
        }
    }
    set seconds [expr {([clock microseconds] - $start) / 1e6}]
    puts "tasks_per_second [expr {$count / $seconds}]"
}

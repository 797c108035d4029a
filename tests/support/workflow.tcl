# workflow.tcl --
#
#	Helpers for tests that run a whole workflow script under the launcher
#	in a child process, so that each run has its own MPI job, exit status
#	and output. Source it after testing.tcl.

namespace eval workflow {
    variable count 0
}

# workflow::run --
#
#	Usage: workflow::run ?-n RANKS? ?-env DICT? ?-args LIST? ?-timeout S? SCRIPT
#
#	Writes SCRIPT to a file in the test's temporary folder and runs it
#	with the launcher. Returns a dict: status (exit status, 124 after the
#	time limit), stdout, stderr and seconds.
proc workflow::run {args} {
    variable count
    set options [dict create -n 3 -env {} -args {} -timeout 120 -launcher {}]
    set script [lindex $args end]
    foreach {name value} [lrange $args 0 end-1] {
        if {![dict exists $options $name]} {
            error "workflow::run: unknown option $name"
        }
        dict set options $name $value
    }
    set path [::tcltest::makeFile $script workflow-[pid]-[incr count].tcl]
    set stderrPath $path.stderr

    set environment {}
    dict for {name value} [dict get $options -env] {
        lappend environment $name=$value
    }
    set command [list env {*}$environment timeout -k 5 [dict get $options -timeout] \
        $testing::launcher -n [dict get $options -n] {*}[dict get $options -launcher] $path \
        {*}[dict get $options -args]]

    set started [clock milliseconds]
    set status 0
    try {
        set stdout [exec {*}$command 2> $stderrPath]
    } trap CHILDSTATUS {stdout details} {
        set status [lindex [dict get $details -errorcode] 2]
        regsub {(^|\n)child process exited abnormally$} $stdout {} stdout
    }
    set seconds [expr {([clock milliseconds] - $started) / 1000.0}]
    set channel [open $stderrPath r]
    set stderr [read $channel]
    close $channel
    file delete $stderrPath $path
    return [dict create status $status stdout $stdout stderr $stderr seconds $seconds]
}

# workflow::lines --
#
#	Returns the lines of text that start with prefix, prefix removed,
#	sorted when sort is 1.
proc workflow::lines {text prefix {sort 0}} {
    set found {}
    foreach line [split $text \n] {
        if {[string match "$prefix*" $line]} {
            lappend found [string range $line [string length $prefix] end]
        }
    }
    return [expr {$sort ? [lsort $found] : $found}]
}

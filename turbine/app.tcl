# app.tcl --
#
#	External programs as tasks. turbine::app (see futures.tcl) queues a
#	task whose script calls turbine::runProgram on a worker. The program
#	runs under a supervisor in a session of its own (program.cc), which
#	kills the program's whole process group, children included, at a
#	timeout, when the rank that started it ends, and when the program
#	itself ends.

namespace eval turbine {
    # Lines of stderr kept in the error of a program that failed.
    variable stderrTailLines 20
}

# turbine::runProgram --
#
#	Runs COMMAND (a list: program and arguments) and waits for it.
#	OPTIONS is a dict with optional keys timeout (seconds), cwd (folder)
#	and env (dict of environment variables to set).
#
#	Returns a dict: exitcode, stdout, stderr and seconds. A non-zero exit,
#	a signal or a timeout raises an error with the error code
#	{TURBINE APP EXIT code}, {TURBINE APP SIGNAL name} or
#	{TURBINE TASK TIMEOUT seconds}, whose message carries the last lines
#	of stderr.
proc turbine::runProgram {command options} {
    if {[llength $command] == 0} {
        return -code error -errorcode {TURBINE ARGUMENT APP} \
            "turbine::app: no command given; put the program and its arguments after --"
    }
    set cwd [expr {[dict exists $options cwd] ? [dict get $options cwd] : [pwd]}]
    if {![file isdirectory $cwd]} {
        return -code error -errorcode [list TURBINE APP CWD $cwd] \
            "turbine::app: working folder \"$cwd\" does not exist"
    }
    set environment {}
    if {[dict exists $options env]} {
        dict for {name value} [dict get $options env] {
            if {$name eq "" || [string first = $name] >= 0} {
                return -code error -errorcode [list TURBINE ARGUMENT ENV $name] \
                    "turbine::app: invalid -env name \"$name\": a name cannot contain \"=\" or be empty"
            }
            lappend environment $name=$value
        }
    }

    set stderrFile [file tempfile stderrPath hedflow-app-stderr]
    close $stderrFile
    set started [clock milliseconds]
    set oldDir [pwd]
    cd $cwd
    try {
        lassign [StartProgram $stderrPath $environment $command] pid channel
    } on error {message options} {
        file delete $stderrPath
        return -options $options $message
    } finally {
        cd $oldDir
    }

    # Read stdout through the event loop, so a time limit can fire while
    # the program runs.
    set state [namespace current]::app$pid
    upvar #0 $state app
    set app [dict create stdout "" done 0 timedOut 0]
    fconfigure $channel -blocking 0 -encoding utf-8
    fileevent $channel readable [list turbine::programOutput $channel $state]
    set timer ""
    if {[dict exists $options timeout] && [dict get $options timeout] ne ""} {
        set milliseconds [expr {int(1000 * [dict get $options timeout])}]
        set timer [after $milliseconds [list turbine::programTimeout $pid $state]]
    }
    # A child that left the program's process group can keep stdout open
    # after the supervisor has ended; the poll then ends the read.
    set ${state}Ended [after 50 [list turbine::programEnded $pid $channel $state]]
    while {![dict get $app done]} {
        vwait $state
    }
    after cancel [set ${state}Ended]
    unset ${state}Ended
    # A program may close its stdout and go on running, so the time limit
    # stays armed until the process itself has exited.
    set poll ${state}Poll
    while {![dict get $app timedOut] && [ProcessRunning $pid]} {
        after 10 [list set $poll 1]
        vwait $poll
    }
    unset -nocomplain $poll
    after cancel $timer

    close $channel
    set exitCode 0
    set signal ""
    lassign [WaitProgram $pid] how value
    if {$how eq "signal"} {
        set signal $value
        set exitCode -1
    } else {
        set exitCode $value
    }
    set seconds [expr {([clock milliseconds] - $started) / 1000.0}]
    set stderrChannel [open $stderrPath r]
    fconfigure $stderrChannel -encoding utf-8
    set stderrText [read $stderrChannel]
    close $stderrChannel
    file delete $stderrPath
    set result [dict create exitcode $exitCode stdout [dict get $app stdout] \
        stderr $stderrText seconds $seconds]
    set timedOut [dict get $app timedOut]
    unset app

    if {$timedOut} {
        return -code error -errorcode [list TURBINE TASK TIMEOUT [dict get $options timeout]] \
            "program \"[lindex $command 0]\" timed out after [dict get $options timeout] s and was killed[StderrTail $stderrText]"
    }
    if {$signal ne ""} {
        return -code error -errorcode [list TURBINE APP SIGNAL $signal] \
            "program \"[lindex $command 0]\" was killed by $signal[StderrTail $stderrText]"
    }
    if {$exitCode != 0} {
        return -code error -errorcode [list TURBINE APP EXIT $exitCode] \
            "program \"[lindex $command 0]\" exited with status $exitCode[StderrTail $stderrText]"
    }
    return $result
}

# turbine::programOutput --
#
#	Reads what the program wrote to stdout; marks the run done at EOF.
proc turbine::programOutput {channel state} {
    upvar #0 $state app
    dict append app stdout [read $channel]
    if {[eof $channel]} {
        fileevent $channel readable {}
        dict set app done 1
    }
}

# turbine::programEnded --
#
#	Every 50 ms while the program runs: once its supervisor pid has ended,
#	takes what stdout holds now and marks the run done.
proc turbine::programEnded {pid channel state} {
    upvar #0 $state app
    upvar #0 ${state}Ended timer
    if {[dict get $app done]} {
        return
    }
    if {[ProcessRunning $pid]} {
        set timer [after 50 [list turbine::programEnded $pid $channel $state]]
        return
    }
    fileevent $channel readable {}
    catch {dict append app stdout [read $channel]}
    dict set app done 1
}

# turbine::programTimeout --
#
#	Stops a program that ran past its time limit: its supervisor, pid,
#	kills the program's process group when it gets SIGTERM.
proc turbine::programTimeout {pid state} {
    upvar #0 $state app
    dict set app timedOut 1
    catch {exec kill -TERM $pid}
}

# turbine::ProcessRunning --
#
#	Returns 1 while process pid runs, 0 once it has exited (a zombie
#	waiting to be reaped counts as exited). Reads /proc, so Linux only.
proc turbine::ProcessRunning {pid} {
    if {[catch {open /proc/$pid/stat r} channel]} {
        return 0
    }
    set stat [read $channel]
    close $channel
    # The state follows the command name, which is in parentheses.
    set state [lindex [string range $stat [expr {[string last ")" $stat] + 2}] end] 0]
    return [expr {$state ne "Z" && $state ne "X"}]
}

# turbine::StderrTail --
#
#	Returns ": " and the last lines of stderr on new lines, or nothing
#	when stderr is empty.
proc turbine::StderrTail {text} {
    variable stderrTailLines
    set lines [split [string trimright $text] \n]
    if {[llength $lines] == 0 || [string trim $text] eq ""} {
        return ""
    }
    return ":\n[join [lrange $lines end-[expr {$stderrTailLines - 1}] end] \n]"
}

# tasks.tcl --
#
#	What a rank does with a task from the queue that the native path
#	(engine.h) leaves to Tcl: a task with a journal key, a time limit or
#	input futures, and every task after a failed first attempt (its
#	retries and failure record). Also the failure records, which every
#	rank keeps for the tasks it ran and the leader gathers at the end of
#	the run.
#
#	A task's outcome is a two-element list, {ok VALUE} or {error INFO},
#	where INFO is a dict with message, errorinfo, errorcode, rank, task,
#	future, key and attempts. It goes back to the submitting rank as a
#	result notice (see futures.tcl).

namespace eval turbine {
    # Failure records of the tasks this rank ran; the leader's list holds
    # every rank's after the run.
    variable failures {}
    # MPI tag of the messages that gather failure records after the run.
    variable failureTag 7401
}

# turbine::HandleTaskInTcl --
#
#	Runs one task dict returned by adlb::get that the native path passed
#	on (see engine.h).
proc turbine::HandleTaskInTcl {task} {
    set payload [dict get $task payload]
    if {[dict get $payload kind] eq "task"} {
        RunTask [dict get $task id] $payload
        return
    }
    log -always error "task [dict get $task id]: unknown kind \"[dict get $payload kind]\"; dropped"
}

# turbine::InputFailure --
#
#	Returns the error message of a task whose input failed: the input's
#	position (index counts from 0) and, from the failure record info of
#	the task that failed, its task id, future and message. The task id
#	is unique in the run; the future is that of the rank that submitted it.
proc turbine::InputFailure {index count info} {
    set what "input [expr {$index + 1}] of $count"
    if {[catch {dict size $info}]} {
        return "$what failed: $info"
    }
    set origin [lmap key {task future} {
        if {![dict exists $info $key]} continue
        string cat "$key " [dict get $info $key]
    }]
    if {[llength $origin] > 0} {
        append what " ([join $origin {, }])"
    }
    if {![dict exists $info message]} {
        return "$what failed"
    }
    return "$what failed: [dict get $info message]"
}

# turbine::RunTask --
#
#	Evaluates a task's script up to 1 + retries times and stores the
#	outcome in its future. A task whose inputs failed fails at once.
#	firstAttempt, when given, is {code result options} of an attempt the
#	native path made already.
proc turbine::RunTask {taskId payload {firstAttempt {}}} {
    variable rank
    set future [dict get $payload future]
    set key [dict get $payload key]
    set attempts [expr {[dict get $payload retries] + 1}]

    set failedInput ""
    set inputValues {}
    set inputs [dict get $payload inputs]
    foreach input $inputs {
        set outcome [adlb::retrieve $input]
        if {[lindex $outcome 0] eq "error"} {
            set failedInput $input
            set inputPosition [expr {[llength $inputValues] + 1}]
            set inputFailure [InputFailure [llength $inputValues] [llength $inputs] [lindex $outcome 1]]
            break
        }
        lappend inputValues [lindex $outcome 1]
    }

    set started [clock milliseconds]
    progressTaskStarted
    if {$failedInput ne ""} {
        set attempt 1
        set code 1
        set result $inputFailure
        set options [dict create -errorinfo $result -errorcode [list TURBINE INPUT FAILED $inputPosition]]
        set attempts 1
    } else {
        for {set attempt 1} {$attempt <= $attempts} {incr attempt} {
            # A task that waits may run another task meanwhile, so the
            # outer task's inputs come back afterwards.
            set outerInputs [SwapInputs $inputValues]
            if {$attempt == 1 && $firstAttempt ne ""} {
                lassign $firstAttempt code result options
            } else {
                set code [catch {Evaluate $payload} result options]
            }
            SwapInputs $outerInputs
            if {$code == 0 || $code == 2} {
                break
            }
            if {$code != 1} {
                set name [lindex {ok error return break continue} $code]
                set result "task script ended with [expr {$name ne "" ? $name : "code $code"}] outside a loop"
                dict set options -errorcode {TURBINE TASK CONTROL}
                dict set options -errorinfo $result
            }
            if {![dict exists $options -errorinfo]} {
                dict set options -errorinfo $result
            }
            if {![dict exists $options -errorcode]} {
                dict set options -errorcode NONE
            }
            if {$attempt < $attempts} {
                log -always warn "task $taskId (future $future[expr {$key ne "" ? ", key $key" : ""}]) attempt $attempt of $attempts failed: $result; retrying"
            }
        }
    }

    if {$code == 0 || $code == 2} {
        set value [list ok $result]
        if {$key ne ""} {
            journalRecord $key $value
        }
        Reply [dict get $payload future] [dict get $payload reply] $value
        progressTaskEnded ok
        return
    }

    set info [dict create \
        message $result \
        errorinfo [dict get $options -errorinfo] \
        errorcode [dict get $options -errorcode] \
        rank $rank \
        task $taskId \
        future $future \
        key $key \
        attempts [expr {min($attempt, $attempts)}] \
        seconds [expr {([clock milliseconds] - $started) / 1000.0}]]
    variable failures
    lappend failures $info
    log -always error "task $taskId (future $future[expr {$key ne "" ? ", key $key" : ""}]) failed after [dict get $info attempts] attempt(s): $result"
    # A task whose wait saw the end of the run has no one to tell: its
    # submitter's own wait reports the end, without every nested message.
    if {[lrange [dict get $options -errorcode] 0 2] ne {TURBINE STATE ENDED}} {
        Reply [dict get $payload future] [dict get $payload reply] [list error $info]
    }
    progressTaskEnded failed
}

# turbine::Evaluate --
#
#	Evaluates the script of a task at global level, under its time limit
#	when it has one.
proc turbine::Evaluate {payload} {
    set script [dict get $payload script]
    set timeout [dict get $payload timeout]
    if {$timeout ne ""} {
        return [turbine::eval_timeout $timeout $script]
    }
    return [uplevel #0 $script]
}

# turbine::CollectFailures --
#
#	After the run, sends every rank's failure records to the leader.
#	Collective over MPI_COMM_WORLD. Returns the total number of failed
#	tasks on every rank.
proc turbine::CollectFailures {} {
    variable failures
    variable rank
    variable size
    variable failureTag
    if {$rank == 0} {
        for {set i 1} {$i < $size} {incr i} {
            lappend failures {*}[mpi::recv mpi::auto mpi::any_source $failureTag mpi::comm_world]
        }
        set failures [lsort -command CompareFailures $failures]
    } else {
        mpi::send $failures mpi::auto 0 $failureTag mpi::comm_world
    }
    # The leader now holds every record, so the maximum is the total.
    return [mpi::allreduce [llength $failures] mpi::int mpi::max mpi::comm_world]
}

proc turbine::CompareFailures {a b} {
    # Task ids pass 2^40, so their difference is no valid -command result.
    set x [dict get $a task]
    set y [dict get $b task]
    return [expr {$x < $y ? -1 : $x > $y}]
}

# turbine::failures --
#
#	Returns the failure records as a list of dicts (message, errorinfo,
#	errorcode, rank, task, future, key, attempts, seconds). On the leader
#	after turbine::run, it holds every rank's failures, in task id order;
#	before that, and on other ranks, only those of tasks run here.
proc turbine::failures {} {
    variable failures
    return $failures
}

# turbine::FailureTable --
#
#	Returns the table of failed tasks that the leader prints at the end.
proc turbine::FailureTable {} {
    variable failures
    set lines [list "[llength $failures] task(s) failed:"]
    lappend lines [format "  %-14s %-6s %-8s %-24s %s" task rank attempts key error]
    foreach info $failures {
        set message [lindex [split [dict get $info message] \n] 0]
        if {[string length $message] > 100} {
            set message [string range $message 0 96]...
        }
        lappend lines [format "  %-14s %-6s %-8s %-24s %s" [dict get $info task] \
            [dict get $info rank] [dict get $info attempts] [dict get $info key] $message]
    }
    return [join $lines \n]
}

# roles.tcl --
#
#	turbine::init and turbine::run: every rank runs the same script; the
#	last ADLB_SERVERS ranks serve the queue, rank 0 (the leader) evaluates
#	the workflow body, and the other ranks run tasks until the run ends.

namespace eval turbine {
    variable role ""
    variable rank -1
    variable size 0
    variable leaderWorks 0
    variable userTypes {}
    variable failedCount 0
    variable runDone 0
    # Set when turbine::run starts, on every rank.
    variable runStarted 0
    # Whether the leader is evaluating the workflow body (see GuardExit).
    variable bodyRunning 0
}

# turbine::init --
#
#	Usage: turbine::init ?-servers S? ?-journal FILE? ?-progress auto|on|off?
#	                     ?-progress_interval SECONDS? ?-leader_works 0|1?
#	                     ?-types {name ...}?
#
#	Starts MPI and the queue on every rank and fixes this rank's role.
#	-types declares task types beyond the default one, for submit -type.
#	-leader_works 1 lets the leader run tasks while it waits; it is on
#	whatever the option says when the leader is the only non-server rank.
#	Returns the role: leader, worker or server.
proc turbine::init {args} {
    variable role
    variable rank
    variable size
    variable leaderWorks
    variable userTypes

    if {$role ne ""} {
        return -code error -errorcode {TURBINE STATE INITIALIZED} \
            "turbine::init: already initialized; call it once per process"
    }
    set usage "turbine::init ?-servers S? ?-journal FILE? ?-progress auto|on|off? ?-progress_interval SECONDS? ?-leader_works 0|1? ?-types {name ...}?"
    set options [ParseOptions $usage $args {
        -servers "" -journal "" -progress auto -progress_interval 10 -leader_works 0 -types {}
    }]
    CheckChoice -progress [dict get $options -progress] {auto on off}
    CheckBoolean -leader_works [dict get $options -leader_works]
    CheckPositive -progress_interval [dict get $options -progress_interval]
    foreach type [dict get $options -types] {
        if {$type in {work notice}} {
            return -code error -errorcode [list TURBINE ARGUMENT TYPE $type] \
                "turbine::init: task type \"$type\" is reserved; choose another name"
        }
    }

    # A missing journal folder is reported before MPI starts: after, the
    # first rank's abort could kill the others before their message is out.
    if {[dict get $options -journal] ne ""} {
        journalCheckFolder [dict get $options -journal]
    }

    package require mpi
    package require adlb
    set adlbOptions [list -types [list work notice {*}[dict get $options -types]]]
    if {[dict get $options -servers] ne ""} {
        lappend adlbOptions -servers [dict get $options -servers]
    }
    set adlbRole [adlb::init {*}$adlbOptions]
    set rank [adlb::rank]
    set size [mpi::comm_size mpi::comm_world]
    set userTypes [dict get $options -types]
    set leaderWorks [string is true [dict get $options -leader_works]]
    if {[adlb::workers] == 1} {
        # The leader is the only rank that can run tasks.
        set leaderWorks 1
    }
    if {$adlbRole eq "server"} {
        set role server
    } elseif {$rank == 0} {
        set role leader
    } else {
        set role worker
    }
    logConfigure $rank

    if {[dict get $options -journal] ne "" && $role ne "server"} {
        journalOpen [dict get $options -journal] $rank
        # Every rank that runs tasks loads it: tasks submit keyed tasks too.
        set found [journalLoad]
        if {$role eq "leader"} {
            if {$found > 0} {
                log info "journal [dict get $options -journal]: $found completed tasks will not run again"
            }
        }
    }
    progressConfigure [dict get $options -progress] [dict get $options -progress_interval]
    variable progress
    EngineConfigure $rank [adlb::size] [expr {$role eq "leader" && !$leaderWorks}] \
        [dict get $progress enabled]
    if {$role ne "server"} {
        GuardExit
    }
    return $role
}

# turbine::GuardExit --
#
#	Replaces exit on the ranks that run tasks or the workflow body. In a
#	task, exit raises an error, so the task fails instead of ending its
#	rank and with it the whole MPI job. In the body, exit first ends the
#	run on every rank, as the end of the body does, so the other ranks
#	neither hang nor abort; elsewhere it ends the process as before.
#	NOTE: exit in a child interpreter, or under a name given to it before
#	turbine::init, still ends the rank at once.
proc turbine::GuardExit {} {
    if {[namespace which ::turbine::ProcessExit] ne "" || [namespace which ::exit] eq ""} {
        return
    }
    rename ::exit ::turbine::ProcessExit
    proc ::exit {{status 0}} {
        if {[turbine::RunningTasks] > 0} {
            return -code error -errorcode [list TURBINE TASK EXIT $status] \
                "exit $status called inside a task: a task cannot end the job; raise an error to fail the task"
        }
        if {$turbine::bodyRunning && [string is integer -strict $status]} {
            set turbine::bodyRunning 0
            turbine::Drain
            turbine::progressFinish
            turbine::FinishRun
        }
        tailcall turbine::ProcessExit $status
    }
}

# turbine::run --
#
#	Usage: turbine::run BODY
#
#	The leader evaluates BODY at global level; workers run tasks; servers
#	serve. Returns on every rank once the run has ended, with the number
#	of tasks that failed after their last attempt. MPI is finalized when
#	it returns. When tasks failed, the launcher (or, without it, the
#	leader's process) exits with status 1 even if the script ends
#	normally.
proc turbine::run {body} {
    variable role
    variable failedCount
    variable runDone
    if {$role eq ""} {
        return -code error -errorcode {TURBINE STATE UNINITIALIZED} \
            "turbine::run: call turbine::init first"
    }
    if {$runDone} {
        return -code error -errorcode {TURBINE STATE FINISHED} \
            "turbine::run: the run has ended; call turbine::run once per process"
    }
    variable runStarted
    if {$runStarted} {
        return -code error -errorcode {TURBINE STATE RUNNING} \
            "turbine::run: the run is in progress; call turbine::run once per process, not from the body or a task"
    }
    set runStarted 1

    switch -- $role {
        server {
            adlb::server
        }
        leader {
            variable bodyRunning
            progressStart
            set bodyRunning 1
            try {
                uplevel #0 $body
            } on error {message details} {
                log -always error "workflow body failed: [dict get $details -errorinfo]"
                adlb::fail 1 "workflow body failed on the leader: $message"
            } on return {} {
                # A return ends the body early, like the end of a script;
                # the run still ends on every rank.
            } finally {
                set bodyRunning 0
            }
            Drain
            progressFinish
        }
        worker {
            Drain
        }
    }
    return [FinishRun]
}

# turbine::FinishRun --
#
#	Collects the failures once every rank has drained, prints the
#	failure table on the leader, finalizes MPI and returns the number of
#	failed tasks.
proc turbine::FinishRun {} {
    variable role
    variable failedCount
    variable runDone
    set runDone 1
    journalClose

    set failedCount [CollectFailures]
    if {$role eq "leader" && $failedCount > 0} {
        puts stderr [FailureTable]
    }
    mpi::finalize
    if {$failedCount > 0 && $role eq "leader"} {
        ReportFailedRun $failedCount
    }
    return $failedCount
}

# turbine::ReportFailedRun --
#
#	Makes the run's exit status non-zero. Under the hedflow launcher the
#	leader writes the count to HEDFLOW_STATUS_FILE and the launcher exits
#	with 1, because with Open MPI a rank that exits non-zero gets the
#	other ranks killed while they may still be writing their output.
#	Elsewhere the leader's own exit status becomes 1.
proc turbine::ReportFailedRun {count} {
    if {[info exists ::env(HEDFLOW_STATUS_FILE)] && $::env(HEDFLOW_STATUS_FILE) ne ""} {
        set channel [open $::env(HEDFLOW_STATUS_FILE) w]
        puts $channel "failed $count"
        close $channel
        return
    }
    set_exit_floor 1
}

# turbine::rank, turbine::size, turbine::role --
#
#	Return this rank, the number of ranks, and this rank's role.
proc turbine::rank {} {
    variable rank
    return $rank
}
proc turbine::size {} {
    variable size
    return $size
}
proc turbine::role {} {
    variable role
    return $role
}

# turbine::CheckChoice, CheckBoolean, CheckPositive, CheckCount --
#
#	Raise an error naming the option and its valid values when value is
#	not acceptable.
proc turbine::CheckChoice {option value choices} {
    if {$value ni $choices} {
        return -code error -errorcode [list TURBINE ARGUMENT $option] \
            "invalid $option \"$value\": use one of [join $choices {, }]"
    }
}
proc turbine::CheckBoolean {option value} {
    if {![string is boolean -strict $value]} {
        return -code error -errorcode [list TURBINE ARGUMENT $option] \
            "invalid $option \"$value\": use 0 or 1"
    }
}
proc turbine::CheckPositive {option value} {
    if {![string is double -strict $value] || $value <= 0} {
        return -code error -errorcode [list TURBINE ARGUMENT $option] \
            "invalid $option \"$value\": give a number of seconds above 0"
    }
}
proc turbine::CheckCount {option value {minimum 0}} {
    if {![string is entier -strict $value] || $value < $minimum} {
        return -code error -errorcode [list TURBINE ARGUMENT $option] \
            "invalid $option \"$value\": give a whole number of at least $minimum"
    }
}

# turbine::ParseOptions --
#
#	Parses "-name value" pairs in arguments against the defaults dict.
#	Returns the defaults updated with the given values; an unknown option
#	or a missing value raises the usage message.
proc turbine::ParseOptions {usage arguments defaults} {
    set options $defaults
    if {[llength $arguments] % 2 != 0} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$usage\""
    }
    foreach {name value} $arguments {
        if {![dict exists $defaults $name]} {
            return -code error -errorcode [list TURBINE ARGUMENT OPTION $name] \
                "unknown option \"$name\": should be \"$usage\""
        }
        dict set options $name $value
    }
    return $options
}

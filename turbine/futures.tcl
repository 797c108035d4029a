# futures.tcl --
#
#	The workflow API on the leader (and inside tasks): submit, app, rule,
#	map, wait and waitall.
#
#	A future is a negative integer, local to the rank that submitted the
#	task: the task's outcome, {ok VALUE} or {error INFO} (see tasks.tcl),
#	comes back to that rank as a "result" notice through the queue, which
#	costs one message instead of the data store's create, store,
#	subscribe and retrieve. A rule needs its inputs in the data store, so
#	a future passed to turbine::rule gets a datum there, filled when its
#	result arrives. Positive integers are data store ids; wait accepts
#	those too.

namespace eval turbine {
    # The last future number handed out on this rank, counting down.
    variable lastFuture 0
    # Outcomes of this rank's futures that have arrived: future -> {ok V}
    # or {error INFO}.
    variable outcomes [dict create]
    # Futures passed to a rule: future -> data store id to fill.
    variable materialized [dict create]
    variable submitUsage "turbine::submit ?-priority P? ?-type T? ?-target RANK? ?-soft? ?-node? ?-retries N? ?-timeout SECONDS? ?-key KEY? script"
    variable appUsage "turbine::app ?-timeout S? ?-retries N? ?-cwd DIR? ?-env DICT? ?-key KEY? ?put options? -- command ?arg ...?"
}

# turbine::ParseTaskOptions --
#
#	Reads the task options at the front of arguments. Returns a list of
#	two items: the options dict and the arguments left. Flags -soft and
#	-node take no value; the others take one.
proc turbine::ParseTaskOptions {usage arguments extra} {
    set options [dict merge [dict create -priority 0 -type work -target "" -soft 0 -node 0 \
        -retries 0 -timeout "" -key "" -inputs {}] $extra]
    while {[llength $arguments] > 0} {
        set name [lindex $arguments 0]
        if {$name eq "--"} {
            set arguments [lrange $arguments 1 end]
            break
        }
        if {$name in {-soft -node}} {
            dict set options $name 1
            set arguments [lrange $arguments 1 end]
            continue
        }
        if {![string match -* $name] || ![dict exists $options $name]} {
            break
        }
        if {[llength $arguments] < 2} {
            return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$usage\""
        }
        dict set options $name [lindex $arguments 1]
        set arguments [lrange $arguments 2 end]
    }

    CheckCount -retries [dict get $options -retries]
    if {![string is entier -strict [dict get $options -priority]]} {
        return -code error -errorcode {TURBINE ARGUMENT -priority} \
            "invalid -priority \"[dict get $options -priority]\": give a whole number"
    }
    if {[dict get $options -timeout] ne ""} {
        CheckPositive -timeout [dict get $options -timeout]
    }
    if {[dict get $options -target] ne ""} {
        CheckCount -target [dict get $options -target]
    }
    variable userTypes
    if {[dict get $options -type] ni [list work {*}$userTypes]} {
        return -code error -errorcode [list TURBINE ARGUMENT TYPE [dict get $options -type]] \
            "unknown task type \"[dict get $options -type]\": declare it with turbine::init -types"
    }
    return [list $options $arguments]
}

# turbine::Queue --
#
#	Creates the future of a task and queues the task, or, when the journal
#	has a result for its key, stores that result without running it.
#	Returns the future.
proc turbine::Queue {options script} {
    variable lastFuture
    variable rank
    set future [incr lastFuture -1]
    set key [dict get $options -key]
    if {$key ne "" && [journalLookup $key recorded]} {
        # Counted as skipped, not as done: the progress line shows both.
        variable outcomes
        dict set outcomes $future $recorded
        progressTaskSkipped
        return $future
    }

    set payload [dict create kind task future $future reply $rank script $script \
        retries [dict get $options -retries] timeout [dict get $options -timeout] \
        key $key inputs [dict get $options -inputs]]
    set put [list -type [dict get $options -type] -priority [dict get $options -priority]]
    if {[dict get $options -target] ne ""} {
        lappend put -target [dict get $options -target] \
            -strict [expr {[dict get $options -soft] ? "soft" : "hard"}]
        if {[dict get $options -node]} {
            lappend put -node
        }
    }
    if {[llength [dict get $options -inputs]] > 0} {
        adlb::dput -inputs [dict get $options -inputs] {*}$put $payload
    } else {
        adlb::put {*}$put $payload
    }
    progressTaskQueued
    return $future
}

# turbine::Arrived --
#
#	Records the outcome of one of this rank's futures, and stores it in the
#	future's datum when a rule waits on it.
proc turbine::Arrived {future outcome} {
    variable outcomes
    variable materialized
    dict set outcomes $future $outcome
    progressFutureRead $future [lindex $outcome 0]
    if {[dict exists $materialized $future]} {
        adlb::store [dict get $materialized $future] $outcome
    }
}

# turbine::Datum --
#
#	Returns the data store id that holds future: the future itself when it
#	is one, else a datum created for it and filled when it arrives.
proc turbine::Datum {future} {
    variable outcomes
    variable materialized
    if {$future > 0} {
        return $future
    }
    if {![dict exists $materialized $future]} {
        set datum [adlb::create -type string]
        dict set materialized $future $datum
        if {[dict exists $outcomes $future]} {
            adlb::store $datum [dict get $outcomes $future]
        }
    }
    return [dict get $materialized $future]
}

# turbine::submit --
#
#	Usage: turbine::submit ?-priority P? ?-type T? ?-target RANK? ?-soft?
#	                       ?-node? ?-retries N? ?-timeout SECONDS? ?-key KEY?
#	                       SCRIPT
#
#	Queues SCRIPT, evaluated at global level on a worker. Returns its
#	future. -key names the task in the journal, so a rerun with the same
#	journal returns the recorded result instead of running it.
proc turbine::submit {args} {
    variable submitUsage
    variable defaultTaskOptions
    # The common call, a script alone, skips the option parsing.
    if {[llength $args] == 1 && [info exists defaultTaskOptions]} {
        return [Queue $defaultTaskOptions [lindex $args 0]]
    }
    lassign [ParseTaskOptions $submitUsage $args {}] options rest
    if {![info exists defaultTaskOptions]} {
        set defaultTaskOptions [lindex [ParseTaskOptions $submitUsage {} {}] 0]
    }
    if {[llength $rest] != 1} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$submitUsage\""
    }
    return [Queue $options [lindex $rest 0]]
}

# turbine::app --
#
#	Usage: turbine::app ?-timeout S? ?-retries N? ?-cwd DIR? ?-env DICT?
#	                    ?-key KEY? ?put options? -- COMMAND ?ARG ...?
#
#	Queues a task that runs an external program on a worker. Returns a
#	future of the dict {exitcode stdout stderr seconds}. A timeout kills
#	the program's whole process group; a non-zero exit fails the task
#	with the last lines of its stderr.
proc turbine::app {args} {
    variable appUsage
    lassign [ParseTaskOptions $appUsage $args {-cwd "" -env {}}] options command
    if {[llength $command] == 0} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$appUsage\""
    }
    if {[catch {dict size [dict get $options -env]}]} {
        return -code error -errorcode {TURBINE ARGUMENT -env} \
            "invalid -env \"[dict get $options -env]\": give a dict of variable names and values"
    }
    set programOptions [dict create env [dict get $options -env]]
    if {[dict get $options -cwd] ne ""} {
        dict set programOptions cwd [file normalize [dict get $options -cwd]]
    }
    if {[dict get $options -timeout] ne ""} {
        dict set programOptions timeout [dict get $options -timeout]
        # The program's own timer kills its process group; the task needs
        # no time limit of its own.
        dict set options -timeout ""
    }
    return [Queue $options [list turbine::runProgram $command $programOptions]]
}

# turbine::rule --
#
#	Usage: turbine::rule FUTURES ?task options? SCRIPT
#
#	Queues SCRIPT to run once every future in FUTURES is set (dataflow).
#	Returns its future. SCRIPT reads the values of FUTURES, in order, with
#	turbine::inputs, on whatever rank it runs. If one of FUTURES holds a
#	failure, the rule fails without running SCRIPT.
proc turbine::rule {args} {
    set usage "turbine::rule futures ?task options? script"
    if {[llength $args] < 2} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$usage\""
    }
    set inputs [lindex $args 0]
    lassign [ParseTaskOptions $usage [lrange $args 1 end] {}] options rest
    if {[llength $rest] != 1} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$usage\""
    }
    foreach input $inputs {
        CheckFuture turbine::rule $input
    }
    dict set options -inputs [lmap input $inputs {Datum $input}]
    return [Queue $options [lindex $rest 0]]
}

# turbine::CheckFuture --
#
#	Raises an error when future is not a future id.
proc turbine::CheckFuture {command future} {
    if {![string is entier -strict $future] || $future == 0} {
        return -code error -errorcode [list TURBINE ARGUMENT FUTURE $future] \
            "$command: invalid future \"$future\"; pass a value returned by turbine::submit, app, rule or map"
    }
}

# turbine::wait --
#
#	Usage: turbine::wait FUTURE
#
#	Returns the value of FUTURE once it is set, running tasks meanwhile
#	when this rank may. A failed task raises its error with the error
#	code {TURBINE TASK FAILED task-id}.
proc turbine::wait {args} {
    if {[llength $args] != 1} {
        return -code error -errorcode {TCL WRONGARGS} {wrong # args: should be "turbine::wait future"}
    }
    return [lindex [WaitAll turbine::wait $args] 0]
}

# turbine::waitall --
#
#	Usage: turbine::waitall FUTURES
#
#	Returns the values of FUTURES, in order. The first failed one raises
#	its error, after every future is set.
proc turbine::waitall {args} {
    if {[llength $args] != 1} {
        return -code error -errorcode {TCL WRONGARGS} {wrong # args: should be "turbine::waitall futures"}
    }
    return [WaitAll turbine::waitall [lindex $args 0]]
}

# turbine::WaitAll --
#
#	Waits until every future is closed: subscribes to those still open,
#	then takes tasks from the queue (notices, and work when this rank runs
#	tasks) until each has its notice. Returns the decoded values.
proc turbine::WaitAll {command futures} {
    variable outcomes
    foreach future $futures {
        CheckFuture $command $future
    }
    set pending {}
    foreach future [lsort -unique $futures] {
        if {$future < 0} {
            if {![dict exists $outcomes $future]} {
                lappend pending $future
            }
        } elseif {![adlb::closed $future]
                && ![adlb::subscribe $future -type notice -payload [list kind notice future $future]]} {
            lappend pending $future
        }
    }
    WaitNotices $pending

    set values {}
    set firstError ""
    foreach future $futures {
        if {$future < 0} {
            set stored [dict get $outcomes $future]
        } else {
            set stored [adlb::retrieve $future]
            progressFutureRead $future [lindex $stored 0]
        }
        if {[lindex $stored 0] eq "error" && $firstError eq ""} {
            set firstError [lindex $stored 1]
        }
        lappend values [lindex $stored 1]
    }
    if {$firstError ne ""} {
        set task [dict get $firstError task]
        return -code error -errorcode [list TURBINE TASK FAILED $task] \
            "task $task failed after [dict get $firstError attempts] attempt(s) on rank [dict get $firstError rank]: [dict get $firstError message]"
    }
    return $values
}

# turbine::forget --
#
#	Drops the outcomes of futures that will not be waited on again, so a
#	long run does not keep every result in memory.
proc turbine::forget {futures} {
    variable outcomes
    foreach future $futures {
        dict unset outcomes $future
    }
}

# turbine::WaitNotices --
#
#	Takes tasks from the queue until every future in pending has its
#	outcome (futures of this rank) or its close notice (data store ids).
#	The leader takes only notices unless it runs tasks too.
proc turbine::WaitNotices {pending} {
    variable noticed
    variable outcomes
    variable role
    variable leaderWorks
    set filter [expr {$role eq "leader" && !$leaderWorks ? {-type notice} : {}}]
    foreach future $pending {
        while {![dict exists $noticed $future] && ![dict exists $outcomes $future]} {
            set task [progressGet $filter]
            if {$task eq ""} {
                return -code error -errorcode [list TURBINE STATE ENDED $future] \
                    "the run ended while future $future was still unset"
            }
            handleTask $task
        }
        dict unset noticed $future
    }
}

# turbine::map --
#
#	Usage: turbine::map ?-window N? ?task options? VAR LIST SCRIPT
#
#	Runs SCRIPT once per element of LIST, with the element in the local
#	variable VAR, and returns the results in list order. At most N tasks
#	(default 1000) are in flight at once, so a long list does not fill
#	memory. With -key KEY, element i gets the journal key "KEY/i".
proc turbine::map {args} {
    set usage "turbine::map ?-window N? ?task options? var list script"
    lassign [ParseTaskOptions $usage $args {-window 1000}] options rest
    if {[llength $rest] != 3} {
        return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be \"$usage\""
    }
    lassign $rest variable list script
    CheckCount -window [dict get $options -window] 1
    set window [dict get $options -window]
    set keyBase [dict get $options -key]

    set results {}
    set inFlight {}
    set index 0
    foreach element $list {
        if {$keyBase ne ""} {
            dict set options -key $keyBase/$index
        }
        lappend inFlight [Queue $options [list apply [list [list $variable] $script ::] $element]]
        incr index
        if {[llength $inFlight] >= $window} {
            lappend results [wait [lindex $inFlight 0]]
            forget [lindex $inFlight 0]
            set inFlight [lrange $inFlight 1 end]
        }
    }
    lappend results {*}[waitall $inFlight]
    forget $inFlight
    return $results
}

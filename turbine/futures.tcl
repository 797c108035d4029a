# futures.tcl --
#
#	The workflow API on the leader (and inside tasks): the option forms of
#	submit, app, rule and map. The common paths (submit of a script alone,
#	queuing, wait, waitall, forget) are native: see engine.h.
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
        variable leaderWorks
        if {[dict get $options -target] == 0 && !$leaderWorks && ![dict get $options -soft]
                && ![dict get $options -node]} {
            return -code error -errorcode {TURBINE ARGUMENT -target 0} \
                "invalid -target 0: rank 0 is the leader, which runs no tasks; start with turbine::init -leader_works 1, add -soft, or target a worker rank"
        }
    }
    variable userTypes
    if {[dict get $options -type] ni [list work {*}$userTypes]} {
        return -code error -errorcode [list TURBINE ARGUMENT TYPE [dict get $options -type]] \
            "unknown task type \"[dict get $options -type]\": declare it with turbine::init -types"
    }
    return [list $options $arguments]
}

# turbine::QueueKeyed --
#
#	Called by the native Queue for a task with a journal key: when the
#	journal has a result for the key, stores it as the outcome of a new
#	future without running the task; otherwise queues the task. Returns
#	the future.
proc turbine::QueueKeyed {options script} {
    if {[journalLookup [dict get $options -key] recorded]} {
        set future [NewFuture]
        SetOutcome $future $recorded
        # Counted as skipped, not as done: the progress line shows both.
        progressTaskSkipped
        return $future
    }
    return [QueueDirect $options $script]
}

# turbine::Materialize --
#
#	Called when the outcome of a future passed to a rule arrives: stores
#	it in the future's datum.
proc turbine::Materialize {future outcome} {
    variable materialized
    adlb::store [dict get $materialized $future] $outcome
}

# turbine::Datum --
#
#	Returns the data store id that holds future: the future itself when it
#	is one, else a datum created for it and filled when it arrives.
proc turbine::Datum {future} {
    variable materialized
    if {$future > 0} {
        return $future
    }
    if {![dict exists $materialized $future]} {
        set datum [adlb::create -type string]
        dict set materialized $future $datum
        if {[HasOutcome $future]} {
            adlb::store $datum [Outcome $future]
        } else {
            Watch $future
        }
    }
    return [dict get $materialized $future]
}

# turbine::SubmitWithOptions --
#
#	turbine::submit with task options (see engine_tcl.cc for the
#	command). -key names the task in the journal, so a rerun with the
#	same journal returns the recorded result instead of running it.
proc turbine::SubmitWithOptions {args} {
    variable submitUsage
    lassign [ParseTaskOptions $submitUsage $args {}] options rest
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
        # A local future this rank does not know would never close.
        if {$input < 0} {
            RequireFuture turbine::rule $input
        }
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

# turbine::SubscribeDatum, turbine::RetrieveDatum --
#
#	For turbine::wait and waitall on a data store id (a positive future):
#	SubscribeDatum returns 1 when the datum is still open and a close
#	notice will come, 0 when it is closed already; RetrieveDatum returns
#	its outcome and counts it for the progress line.
proc turbine::SubscribeDatum {datum} {
    if {[adlb::closed $datum]} {
        return 0
    }
    return [adlb::subscribe $datum -type notice -payload [list kind notice future $datum]]
}
proc turbine::RetrieveDatum {datum} {
    set stored [adlb::retrieve $datum]
    progressFutureRead $datum [lindex $stored 0]
    return $stored
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

    if {$keyBase eq "" && [dict get $options -timeout] eq "" && [llength [dict get $options -inputs]] == 0} {
        return [MapPlain $options [list [list $variable] $script ::] $list $window]
    }

    # The futures in flight are inFlight from index head on; the list is
    # trimmed once head passes the window, so each element costs O(1).
    # Puts go out in batches until the map waits.
    set lambda [list [list $variable] $script ::]
    set results {}
    set inFlight {}
    set head 0
    set index 0
    Batch 1
    try {
        foreach element $list {
            if {$keyBase ne ""} {
                dict set options -key $keyBase/$index
            }
            lappend inFlight [QueueApply $options $lambda $element]
            incr index
            if {[llength $inFlight] - $head >= $window} {
                set oldest [lindex $inFlight $head]
                lappend results [wait $oldest]
                forget [list $oldest]
                if {[incr head] >= $window} {
                    set inFlight [lrange $inFlight $head end]
                    set head 0
                }
            }
        }
    } finally {
        Batch 0
    }
    set inFlight [lrange $inFlight $head end]
    lappend results {*}[waitall $inFlight]
    forget $inFlight
    return $results
}

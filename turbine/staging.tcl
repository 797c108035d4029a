# staging.tcl --
#
#	Work done once per node: hooks on the lowest rank of each node, and
#	copying input files to node-local disk before the run. Both are
#	collective over MPI_COMM_WORLD: call them on every rank, after
#	turbine::init and before turbine::run. Nodes follow
#	HEDFLOW_FAKE_NODES when it is set (see the mpi package).

# turbine::on_node_leaders --
#
#	Usage: turbine::on_node_leaders SCRIPT
#
#	Evaluates SCRIPT at global level on the lowest rank of each node.
#	Returns its result there and an empty string on the other ranks.
proc turbine::on_node_leaders {args} {
    if {[llength $args] != 1} {
        return -code error -errorcode {TCL WRONGARGS} {wrong # args: should be "turbine::on_node_leaders script"}
    }
    RequireBeforeRun turbine::on_node_leaders
    set leaders [mpi::node_leaders mpi::comm_world]
    set result ""
    if {$leaders ne "mpi::comm_null"} {
        mpi::comm_free $leaders
        set result [uplevel #0 [lindex $args 0]]
    }
    mpi::barrier mpi::comm_world
    return $result
}

# turbine::stage --
#
#	Usage: turbine::stage FILES DIR
#
#	Copies each file in FILES, as rank 0 sees it, into DIR on every node
#	(through mpi::bcast_file between the node leaders), keeping names and
#	permission bits. Returns the staged paths, DIR/NAME for each file, on
#	every rank.
proc turbine::stage {args} {
    if {[llength $args] != 2} {
        return -code error -errorcode {TCL WRONGARGS} {wrong # args: should be "turbine::stage files dir"}
    }
    lassign $args files dir
    RequireBeforeRun turbine::stage
    variable rank

    # Every rank learns whether rank 0 can read the files, so a missing one
    # is the same error everywhere instead of a hang.
    set problem ""
    if {$rank == 0} {
        foreach file $files {
            if {![file readable $file] || ![file isfile $file]} {
                set problem "turbine::stage: input file \"$file\" does not exist or is not readable on rank 0"
                break
            }
        }
    }
    set problem [mpi::bcast $problem mpi::auto 0 mpi::comm_world]
    if {$problem ne ""} {
        return -code error -errorcode {TURBINE STAGE MISSING} $problem
    }

    set leaders [mpi::node_leaders mpi::comm_world]
    if {$leaders ne "mpi::comm_null"} {
        try {
            foreach file $files {
                mpi::bcast_file $leaders 0 $file $dir
            }
        } finally {
            mpi::comm_free $leaders
        }
    }
    mpi::barrier mpi::comm_world
    return [lmap file $files {file join $dir [file tail $file]}]
}

# turbine::RequireBeforeRun --
#
#	Raises an error unless turbine::init has run and turbine::run has
#	not started: servers never return to the script during the run.
proc turbine::RequireBeforeRun {command} {
    variable role
    variable runStarted
    if {$role eq "" || $runStarted} {
        return -code error -errorcode {TURBINE STATE} \
            "$command: call it on every rank after turbine::init and before turbine::run"
    }
}

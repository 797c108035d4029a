# pingpong.tcl --
#
#	The hedflow side of bench/mpi: the same ping-pong and message rate as
#	pingpong.c, through mpi::send and mpi::recv of an 8-byte mpi::auto
#	string. Prints "latency_us X" and "rate_per_s Y" on rank 0.
#
#	Usage: hedflow -n 2 pingpong.tcl ROUND_TRIPS MESSAGES

package require mpi

lassign $argv roundTrips messages
mpi::init
set rank [mpi::comm_rank mpi::comm_world]
set other [expr {1 - $rank}]
set message 1234567x

# Each phase is a proc so its loop is byte-compiled.
proc pingPong {rank other message count} {
    for {set i 0} {$i < $count} {incr i} {
        if {$rank == 0} {
            mpi::send $message mpi::auto $other 1 mpi::comm_world
            set message [mpi::recv mpi::auto $other 1 mpi::comm_world]
        } else {
            set message [mpi::recv mpi::auto $other 1 mpi::comm_world]
            mpi::send $message mpi::auto $other 1 mpi::comm_world
        }
    }
}

proc stream {rank other message count} {
    for {set i 0} {$i < $count} {incr i} {
        if {$rank == 0} {
            mpi::send $message mpi::auto $other 2 mpi::comm_world
        } else {
            mpi::recv mpi::auto $other 2 mpi::comm_world
        }
    }
    if {$rank == 0} {
        mpi::recv mpi::auto $other 3 mpi::comm_world
    } else {
        mpi::send done mpi::auto $other 3 mpi::comm_world
    }
}

pingPong $rank $other $message 100
mpi::barrier mpi::comm_world
set start [clock microseconds]
pingPong $rank $other $message $roundTrips
set latency [expr {([clock microseconds] - $start) / double($roundTrips) / 2}]

mpi::barrier mpi::comm_world
set start [clock microseconds]
stream $rank $other $message $messages
set rate [expr {$messages / (([clock microseconds] - $start) / 1e6)}]

if {$rank == 0} {
    puts [format "latency_us %.3f\nrate_per_s %.0f" $latency $rate]
}
mpi::finalize

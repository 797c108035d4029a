# throughput.tcl --
#
#	Empty tasks per second from the first put to the last get: rank 0 puts
#	COUNT empty tasks with adlb::put, then every worker (rank 0 too) gets
#	until the run ends. Rank 0 prints the rate. Usage: throughput.tcl COUNT

package require adlb
package require mpi

set count [lindex $argv 0]
adlb::init
set last 0
set start 0
if {[adlb::am_server]} {
    adlb::server
} else {
    if {[adlb::rank] == 0} {
        set start [clock microseconds]
        for {set i 0} {$i < $count} {incr i} {
            adlb::put ""
        }
    }
    # dict size reads the task without making its string form, and the
    # clock is read once after the loop, so the loop times adlb alone; the
    # end time then includes the detection of the end of the run.
    while {[dict size [adlb::get]] > 0} {}
    set last [clock microseconds]
}
# Microsecond clocks exceed mpi::int, so the maximum is taken in Tcl.
set start [tcl::mathfunc::max {*}[mpi::allgather $start mpi::auto mpi::comm_world]]
set last [tcl::mathfunc::max {*}[mpi::allgather $last mpi::auto mpi::comm_world]]
if {[mpi::comm_rank mpi::comm_world] == 0} {
    puts [format %.0f [expr {$count / (($last - $start) / 1e6)}]]
}

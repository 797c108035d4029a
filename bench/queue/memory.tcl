# memory.tcl --
#
#	Bytes per queued task: rank 0 reads the server's resident memory
#	(VmRSS) before and after queuing COUNT tasks of PAYLOAD bytes each, then
#	drains them. Prints the bytes per task beyond the payload, then the
#	server's idle CPU fraction over IDLE seconds with no request.
#	Usage: memory.tcl COUNT PAYLOAD IDLE (on 2 ranks)

package require adlb
package require mpi

lassign $argv count payloadBytes idleSeconds
adlb::init -types {work parked}

# residentBytes --
#	Returns the resident memory of process pid in bytes.
proc residentBytes {pid} {
    set channel [open /proc/$pid/status]
    set text [read $channel]
    close $channel
    regexp {VmRSS:\s+(\d+) kB} $text -> kilobytes
    return [expr {$kilobytes * 1024}]
}

# serverCpu --
#	Returns the user plus system CPU time of process pid in seconds
#	(fields 14 and 15 of /proc/PID/stat, in ticks of 1/100 s).
proc serverCpu {pid} {
    set channel [open /proc/$pid/stat]
    set fields [split [read $channel]]
    close $channel
    return [expr {([lindex $fields 13] + [lindex $fields 14]) / 100.0}]
}

set pids [mpi::allgather [pid] mpi::int mpi::comm_world]
if {[adlb::am_server]} {
    adlb::server
    exit 0
}

set server [lindex $pids end]
set payload [string repeat x $payloadBytes]
# A data round trip makes sure the server has handled every earlier put.
adlb::create
set before [residentBytes $server]
for {set i 0} {$i < $count} {incr i} {
    adlb::put -type parked $payload
}
adlb::create
set after [residentBytes $server]
puts [format %.1f [expr {double($after - $before) / $count - $payloadBytes}]]
while {[adlb::iget -type parked] ne ""} {}

# Idle: the server waits with no request while this rank sleeps.
after 300
set cpu [serverCpu $server]
set wall [clock microseconds]
after [expr {int($idleSeconds * 1000)}]
set used [expr {[serverCpu $server] - $cpu}]
set elapsed [expr {([clock microseconds] - $wall) / 1e6}]
puts [format %.3f [expr {$used / $elapsed}]]
adlb::get

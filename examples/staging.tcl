# staging.tcl --
#
#	Node staging: copy an input file once to each node's local disk
#	before the run, so tasks read a local copy instead of all reading the
#	shared file system at once. Run it with
#
#	    hedflow -n 4 examples/staging.tcl INPUT ?LOCAL_DIR?
#
#	LOCAL_DIR defaults to $TMPDIR (or /tmp)/hedflow-staging. Each task
#	reads the staged copy on its own node and returns its line count and
#	CRC-32, which the leader compares with the original's. It needs a
#	worker rank besides the leader and the server (3 ranks or more). The staged
#	copies stay in LOCAL_DIR afterwards.

package require turbine

# summarizeFile --
#
#	Returns {lines crc32} of the file at path.
proc summarizeFile {path} {
    set channel [open $path rb]
    set data [read $channel]
    close $channel
    set lines [llength [split [string trimright $data \n] \n]]
    return [list $lines [format %08x [zlib crc32 $data]]]
}

if {[llength $argv] < 1 || [llength $argv] > 2} {
    puts stderr "usage: staging.tcl INPUT ?LOCAL_DIR?"
    exit 2
}
set input [file normalize [lindex $argv 0]]
set localDir [lindex $argv 1]
if {$localDir eq ""} {
    set temporary [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
    set localDir [file join $temporary hedflow-staging]
}

turbine::init -progress off

# Both calls are collective: every rank makes them, between init and run.
# The lowest rank of each node creates the folder, then stage copies the
# file into it on every node.
turbine::on_node_leaders {
    file mkdir $localDir
}
set staged [lindex [turbine::stage [list $input] $localDir] 0]

turbine::run {
    set expected [summarizeFile $input]
    # Eight tasks, dealt to the worker ranks (1 up to the servers) in
    # turn, so that every node's copy is read: small tasks left to the
    # queue could all run on the first worker that asks.
    set workerRanks [expr {[turbine::size] - [adlb::servers] - 1}]
    set futures {}
    for {set index 0} {$index < 8} {incr index} {
        lappend futures [turbine::submit -target [expr {1 + $index % $workerRanks}] {
            list [turbine::rank] [mpi::hostname] {*}[summarizeFile $::staged]
        }]
    }
    set results [turbine::waitall $futures]
    set mismatches 0
    foreach result $results {
        lassign $result rank host lines crc
        if {[list $lines $crc] ne $expected} {
            incr mismatches
        }
        puts "rank $rank on $host read $lines lines, crc32 $crc, from $staged"
    }
    puts "original: [lindex $expected 0] lines, crc32 [lindex $expected 1]; mismatches: $mismatches"
}

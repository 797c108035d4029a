# farm.tcl --
#
#	A plain task farm: the leader splits a range of numbers into chunks,
#	the workers count the primes in each chunk, and the leader adds the
#	counts. Run it with
#
#	    hedflow -n 4 examples/farm.tcl ?CHUNKS? ?CHUNK_SIZE?
#
#	(defaults 20 and 10000: the primes below 200,000, of which there are
#	17,984). Every rank runs this file; the procs below exist on all of
#	them, so tasks can call them.

package require turbine

# countPrimes --
#
#	Returns the number of primes n with first <= n < first + size, by
#	trial division.
proc countPrimes {first size} {
    set count 0
    for {set n [expr {max(2, $first)}]} {$n < $first + $size} {incr n} {
        set prime 1
        for {set d 2} {$d * $d <= $n} {incr d} {
            if {$n % $d == 0} {
                set prime 0
                break
            }
        }
        incr count $prime
    }
    return $count
}

lassign [list {*}$argv 20 10000] chunks chunkSize
foreach value [list $chunks $chunkSize] {
    if {![string is entier -strict $value] || $value < 1} {
        puts stderr "farm.tcl: invalid count \"$value\"; usage: farm.tcl ?CHUNKS? ?CHUNK_SIZE?"
        exit 2
    }
}

turbine::init -progress off
turbine::run {
    set starts {}
    for {set i 0} {$i < $chunks} {incr i} {
        lappend starts [expr {$i * $chunkSize}]
    }
    # One task per chunk, retried once if it fails; each returns its
    # count and the rank that ran it.
    set results [turbine::map -retries 1 first $starts {
        list [countPrimes $first $::chunkSize] [turbine::rank]
    }]
    set total 0
    set tasksPerRank [dict create]
    foreach result $results {
        lassign $result count rank
        incr total $count
        dict incr tasksPerRank $rank
    }
    puts "primes below [expr {$chunks * $chunkSize}]: $total"
    dict for {rank count} [lsort -stride 2 -integer $tasksPerRank] {
        puts "rank $rank ran $count tasks"
    }
}

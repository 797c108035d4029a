# journal.tcl --
#
#	The restart journal. With `turbine::init -journal FILE`, every rank
#	that completes a task submitted with -key appends the key and the
#	task's result to its own shard, FILE.rank<R>, and syncs it to disk
#	before the result is stored, so a result the leader has seen is never
#	missing from the journal. A rerun reads every shard, whatever the rank
#	count of the run that wrote it, and answers those keys without running
#	their tasks again.
#
#	A record is the line "hedflow-journal KEYBYTES VALUEBYTES CRC", then
#	the UTF-8 bytes of the key and of the value, then a newline; CRC is the
#	CRC-32 of those bytes in 8 hex digits. A record cut short by a crash is
#	ignored when the journal is read, and damaged bytes are skipped up to
#	the next record. Records without CRC, as earlier versions wrote them,
#	are read too, but not after damage: there the CRC is what tells a real
#	record from one that a value quotes.

namespace eval turbine {
    variable journalBase ""
    variable journalChannel ""
    variable journalEntries [dict create]
}

# turbine::journalCheckFolder --
#
#	Raises an error naming the folder of the journal base path when it
#	does not exist.
proc turbine::journalCheckFolder {base} {
    set folder [file dirname $base]
    if {![file isdirectory $folder]} {
        return -code error -errorcode [list TURBINE JOURNAL MISSING $folder] \
            "journal folder \"$folder\" does not exist; create it or choose another -journal path"
    }
}

# turbine::journalOpen --
#
#	Sets the journal base path and, on this rank, opens its shard for
#	appending. Raises an error naming the path when it cannot be written.
proc turbine::journalOpen {base rank} {
    variable journalBase
    variable journalChannel
    set journalBase $base
    journalCheckFolder $base
    set shard $base.rank$rank
    # A run killed while writing left a torn record at the end of this
    # rank's shard. Records appended after it would be read as its rest,
    # so it is cut off first.
    if {[file exists $shard]} {
        set channel [open $shard {RDWR BINARY}]
        set data [read $channel]
        set complete [journalParse $shard $data 0]
        if {$complete < [string length $data]} {
            log -always warn "journal $shard: removing the unreadable end from byte $complete\
                (line [journalLine $data $complete]), most likely a record cut short by a run that was killed"
            chan truncate $channel $complete
        }
        close $channel
    }
    if {[catch {open $shard {WRONLY CREAT APPEND BINARY}} channel]} {
        return -code error -errorcode [list TURBINE JOURNAL OPEN $shard] \
            "cannot open journal \"$shard\" for appending: $channel"
    }
    set journalChannel $channel
}

# turbine::journalLoad --
#
#	Reads every shard of the journal into turbine::journalEntries (key to
#	result). Returns the number of keys found. Only the leader warns of
#	damaged records, since every rank reads every shard.
proc turbine::journalLoad {} {
    variable journalBase
    variable journalEntries
    variable role
    set journalEntries [dict create]
    foreach shard [lsort [glob -nocomplain -- $journalBase.rank*]] {
        set channel [open $shard rb]
        set data [read $channel]
        close $channel
        journalParse $shard $data [expr {$role eq "leader"}]
    }
    return [dict size $journalEntries]
}

# turbine::journalParse --
#
#	Adds the complete records of one shard's bytes to the entries; the
#	first result recorded for a key wins. Damaged bytes between records
#	are skipped up to the next record header, with a warning when warn is
#	true, so one damaged record loses no other. Returns the length of the
#	shard up to its last complete record.
proc turbine::journalParse {shard data warn} {
    variable journalEntries
    set position 0
    set complete 0
    set damaged 0
    set length [string length $data]
    while {$position < $length} {
        set newline [string first \n $data $position]
        set header [string range $data $position [expr {$newline - 1}]]
        set end -1
        set crc ""
        # The writer never puts a leading zero, which expr would read as octal.
        if {$newline >= 0 && [regexp {^hedflow-journal (0|[1-9][0-9]*) (0|[1-9][0-9]*)(?: ([0-9a-f]{8}))?$} \
                $header -> keyBytes valueBytes crc]} {
            set start [expr {$newline + 1}]
            set end [expr {$start + $keyBytes + $valueBytes}]
        }
        if {$end >= 0 && $end < $length && [string index $data $end] eq "\n"} {
            set bytes [string range $data $start [expr {$end - 1}]]
            if {$crc eq "" ? !$damaged : [format %08x [zlib crc32 $bytes]] eq $crc} {
                set key [encoding convertfrom utf-8 [string range $bytes 0 [expr {$keyBytes - 1}]]]
                set value [encoding convertfrom utf-8 [string range $bytes $keyBytes end]]
                if {![dict exists $journalEntries $key]} {
                    dict set journalEntries $key $value
                }
                set position [expr {$end + 1}]
                set complete $position
                continue
            }
        }

        # Not a complete record: a torn end, or damage with records after it.
        set next [string first "hedflow-journal " $data [expr {$position + 1}]]
        if {$next < 0} {
            break
        }
        set damaged 1
        if {$warn} {
            turbine::log -always warn "journal $shard: skipping unreadable bytes $position to\
                [expr {$next - 1}] (line [journalLine $data $position]); the records after them are kept"
        }
        set position $next
    }
    return $complete
}

# turbine::journalLine --
#
#	Returns the line number of byte position in data.
proc turbine::journalLine {data position} {
    return [expr {[regexp -all \n [string range $data 0 [expr {$position - 1}]]] + 1}]
}

# turbine::journalLookup --
#
#	Sets the variable named by valueVar to the recorded result of key and
#	returns 1, or returns 0 when key has no record.
proc turbine::journalLookup {key valueVar} {
    variable journalEntries
    upvar 1 $valueVar value
    if {[dict exists $journalEntries $key]} {
        set value [dict get $journalEntries $key]
        return 1
    }
    return 0
}

# turbine::journalRecord --
#
#	Appends key and its result to this rank's shard and syncs it to disk.
#	Does nothing when no journal is open.
proc turbine::journalRecord {key value} {
    variable journalChannel
    if {$journalChannel eq ""} {
        return
    }
    set keyBytes [encoding convertto utf-8 $key]
    set valueBytes [encoding convertto utf-8 $value]
    set crc [format %08x [zlib crc32 $keyBytes$valueBytes]]
    puts -nonewline $journalChannel \
        "hedflow-journal [string length $keyBytes] [string length $valueBytes] $crc\n$keyBytes$valueBytes\n"
    turbine::fsync $journalChannel
}

# turbine::journalClose --
#
#	Closes this rank's shard, if open.
proc turbine::journalClose {} {
    variable journalChannel
    if {$journalChannel ne ""} {
        close $journalChannel
        set journalChannel ""
    }
}

# upf.tcl --
#
#	`hedflow [-n N] upf`: one run per line of an unrolled parameter file
#	(UPF), as CANDLE Supervisor does it. Each line is a JSON object with
#	an "id". A run writes the line to OUT/run/ID/params.json, then either
#	runs `CMD OUT/run/ID/params.json` in that folder or calls a Python
#	function with the parsed object in the worker's persistent
#	interpreter. Its outcome goes to OUT/run/ID/result.json and to the
#	table OUT/summary.csv. The journal OUT/.hedflow/journal lets a rerun
#	skip the runs that succeeded. Every rank runs this script.

package require json
package require json::write
package require csv
# The HED workflow's file helpers: atomic writes (hedwf::writeAtomically).
source [file join [file dirname [info script]] hed lib files.tcl]

namespace eval upf {
    variable usage "Usage: hedflow \[-n N\] upf --upf FILE --out DIR
           (--command CMD | --python MODULE.FUNCTION) \[OPTIONS\]

Runs one task per line of FILE. Each line is a JSON object with an \"id\"
(letters, digits, '.', '_' and '-'); blank lines and lines that start with
'#' are skipped. A task writes its line to DIR/run/ID/params.json and then:

  --command CMD     runs CMD DIR/run/ID/params.json in DIR/run/ID, with its
                    output in stdout.txt and stderr.txt there; CMD is split
                    into words like a Tcl list, so quote with {} or \"\"
  --python M.F      calls the Python function F of module M with the parsed
                    object, in the worker's persistent interpreter, in
                    DIR/run/ID; the module is imported once per worker, from
                    PYTHONPATH or the folder hedflow was started in; F
                    returns a value that json.dumps accepts

Its outcome goes to DIR/run/ID/result.json and to DIR/summary.csv (id,
status, exitcode, seconds, result, error), written when the run ends. A
rerun with the same DIR skips the runs that succeeded before, unless their
line or the command changed.

Options:
  --upf FILE                 the unrolled parameter file (required)
  --out DIR                  the output folder, created when missing (required)
  --retries N                runs a failed task up to N more times (default 0)
  --timeout SECONDS          time limit of one attempt; a command's whole
                             process group is killed at the limit
  --progress auto|on|off     progress display on the leader (default auto)
  --progress-interval SECONDS  seconds between progress lines when stderr
                             is not a terminal (default 10)
  -h, --help                 show this help and exit

Exit status: 0 when every run succeeded, 1 when one failed, 2 on a usage
error or an invalid UPF line."

    # Tasks in flight at once, so a UPF of a million lines does not fill
    # the data store.
    variable window 1000
    # Lines of a failed command's stderr kept in its error message.
    variable stderrTailLines 20
}

# upf::usageError --
#
#	Prints message and a pointer to --help on stderr and exits with
#	status 2.
proc upf::usageError {message} {
    puts stderr "hedflow upf: $message\nRun 'hedflow upf --help' for usage."
    exit 2
}

# upf::parseArguments --
#
#	Parses the command line. Prints the usage and exits 0 on --help;
#	exits 2 on a usage error. Returns a dict with the keys upf, out,
#	command, python, retries, timeout, progress and progress-interval.
proc upf::parseArguments {arguments} {
    variable usage
    set values [dict create upf "" out "" command "" python "" retries 0 timeout "" \
        progress auto progress-interval 10]
    set given [dict create]
    while {[llength $arguments] > 0} {
        set arguments [lassign $arguments word]
        if {$word in {-h --help}} {
            puts $usage
            exit 0
        }
        if {![regexp {^--([a-z][a-z-]*)(?:=(.*))?$} $word -> name inline]} {
            usageError "unexpected argument \"$word\"; options start with --"
        }
        if {![dict exists $values $name]} {
            usageError "unknown option --$name"
        }
        if {[dict exists $given $name]} {
            usageError "option --$name is given twice"
        }
        if {[string first = $word] >= 0} {
            set value $inline
        } elseif {[llength $arguments] > 0} {
            set arguments [lassign $arguments value]
        } else {
            usageError "option --$name needs a value"
        }
        dict set values $name $value
        dict set given $name 1
    }

    foreach name {upf out} {
        if {[dict get $values $name] eq ""} {
            usageError "missing required option --$name"
        }
    }
    if {([dict get $values command] eq "") == ([dict get $values python] eq "")} {
        usageError "give exactly one of --command CMD and --python MODULE.FUNCTION"
    }
    if {[dict get $values command] ne ""} {
        if {[catch {llength [dict get $values command]}] || [llength [dict get $values command]] == 0} {
            usageError "--command: \"[dict get $values command]\" is not a list of words; quote it with {} or \"\""
        }
        set program [lindex [dict get $values command] 0]
        if {[auto_execok $program] eq ""} {
            usageError "--command: program \"$program\" not found; give a path or put it on PATH"
        }
    }
    if {[dict get $values python] ne ""
            && ![regexp {^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$} [dict get $values python]]} {
        usageError "--python: invalid function \"[dict get $values python]\"; give MODULE.FUNCTION, for example mymodel.train"
    }
    set retries [dict get $values retries]
    if {![string is entier -strict $retries] || $retries < 0} {
        usageError "--retries: invalid number \"$retries\"; give a whole number of at least 0"
    }
    foreach name {timeout progress-interval} {
        set seconds [dict get $values $name]
        if {$seconds ne "" && (![string is double -strict $seconds] || $seconds <= 0)} {
            usageError "--$name: invalid time \"$seconds\"; give a number of seconds above 0"
        }
    }
    if {[dict get $values progress] ni {auto on off}} {
        usageError "--progress: invalid value \"[dict get $values progress]\"; use auto, on or off"
    }

    set path [dict get $values upf]
    if {![file isfile $path] || ![file readable $path]} {
        usageError "--upf: file \"$path\" not found or not readable"
    }
    dict set values upf [file normalize $path]
    dict set values out [file normalize [dict get $values out]]
    return $values
}

# upf::readRuns --
#
#	Reads and checks the UPF at path. Returns a list of runs, each a dict
#	with lineNumber, id and line (the line's text). Raises an error with
#	the code {UPF INPUT PATH LINE} that names the file, the line and the
#	value when a line is not a JSON object with a valid, unique id, and
#	{UPF INPUT PATH 0} when the file has no runs.
proc upf::readRuns {path} {
    set channel [open $path r]
    fconfigure $channel -encoding utf-8
    set lines [split [read $channel] \n]
    close $channel

    set runs {}
    set seen [dict create]
    set lineNumber 0
    foreach line $lines {
        incr lineNumber
        set line [string trim $line]
        if {$line eq "" || [string index $line 0] eq "#"} {
            continue
        }
        set quoted [Excerpt $line]
        if {[string index $line 0] ne "\{"} {
            InputError $path $lineNumber "not a JSON object: $quoted"
        }
        # json2dict reports syntax errors, but ignores text after the
        # object, which validate and many-json2dict catch.
        if {[catch {json::json2dict $line} object]} {
            regsub { at position \d+} $object {} reason
            InputError $path $lineNumber "invalid JSON ($reason): $quoted"
        }
        if {![json::validate $line] || [llength [json::many-json2dict $line]] != 1} {
            InputError $path $lineNumber "invalid JSON, text after the object: $quoted"
        }
        if {![dict exists $object id]} {
            InputError $path $lineNumber "the object has no \"id\" field: $quoted"
        }
        set id [dict get $object id]
        if {![regexp {^[A-Za-z0-9_][A-Za-z0-9._-]*$} $id]} {
            InputError $path $lineNumber "invalid id \"$id\": use letters, digits, '.', '_' and '-', not first '.' or '-'"
        }
        if {[dict exists $seen $id]} {
            InputError $path $lineNumber "id \"$id\" is used again; it first appears on line [dict get $seen $id]"
        }
        dict set seen $id $lineNumber
        lappend runs [dict create lineNumber $lineNumber id $id line $line]
    }
    if {[llength $runs] == 0} {
        return -code error -errorcode [list UPF INPUT $path 0] \
            "$path: no runs; each line must be a JSON object with an \"id\""
    }
    return $runs
}

proc upf::InputError {path lineNumber message} {
    return -level 2 -code error -errorcode [list UPF INPUT $path $lineNumber] \
        "$path: line $lineNumber: $message"
}

# upf::Excerpt --
#
#	Returns text quoted, cut to 80 characters.
proc upf::Excerpt {text} {
    if {[string length $text] > 80} {
        set text "[string range $text 0 76]..."
    }
    return "'$text'"
}

# upf::runKey --
#
#	Returns the journal key of a run: upf/ID and a checksum of the line
#	and of what runs it, so a rerun repeats a run whose line or command
#	changed.
proc upf::runKey {options run} {
    set what [expr {[dict get $options command] ne ""
        ? "command [dict get $options command]" : "python [dict get $options python]"}]
    set checksum [zlib crc32 [encoding convertto utf-8 "$what\n[dict get $run line]"]]
    return [format "upf/%s/%08x" [dict get $run id] $checksum]
}

# upf::readFile --
#
#	Returns the text of a UTF-8 file, or "" when it cannot be read.
proc upf::readFile {path} {
    if {[catch {open $path r} channel]} {
        return ""
    }
    fconfigure $channel -encoding utf-8
    set text [read $channel]
    close $channel
    return $text
}

# upf::writeResult --
#
#	Writes OUT/run/ID/result.json: a JSON object with id, status and the
#	other fields (a dict of name to JSON text).
proc upf::writeResult {folder id status fields} {
    set pairs [list id [json::write string $id] status [json::write string $status]]
    dict for {name value} $fields {
        lappend pairs $name $value
    }
    json::write indented 0
    hedwf::writeAtomically [file join $folder result.json] "[json::write object {*}$pairs]\n"
}

# upf::prepareRun --
#
#	Creates the run folder of id under out and writes params.json there.
#	Returns the folder.
proc upf::prepareRun {out id line} {
    set folder [file join $out run $id]
    file mkdir $folder
    hedwf::writeAtomically [file join $folder params.json] "$line\n"
    return $folder
}

# upf::commandTask --
#
#	The task of one run in --command mode, on a worker: runs command with
#	the run's params.json in its folder, with stdout and stderr in files
#	there. Returns {status ok exitcode 0 seconds S}. A non-zero exit, a
#	signal or the time limit raises an error that names the run, the
#	program and the last lines of stderr.txt, after writing result.json.
proc upf::commandTask {out id line command timeout} {
    variable stderrTailLines
    set folder [prepareRun $out $id $line]
    set params [file join $folder params.json]
    # sh -c redirects the program's output to files in the run folder, so
    # every line of it is kept. sh itself keeps the pipe to
    # turbine::runProgram open until the program ends, because runProgram
    # stops its timer when the pipe closes.
    set program [list sh -c {"$@" >stdout.txt 2>stderr.txt} sh {*}$command $params]
    set options [dict create cwd $folder]
    if {$timeout ne ""} {
        dict set options timeout $timeout
    }

    set started [clock milliseconds]
    set code [catch {turbine::runProgram $program $options} message details]
    set seconds [expr {([clock milliseconds] - $started) / 1000.0}]
    if {$code == 0} {
        writeResult $folder $id ok [dict create exitcode 0 seconds $seconds]
        return [dict create status ok exitcode 0 seconds $seconds result ""]
    }

    set errorCode [dict get $details -errorcode]
    switch -glob -- $errorCode {
        {TURBINE APP EXIT *} {
            set exitCode [lindex $errorCode 3]
            set reason "exited with status $exitCode"
        }
        {TURBINE APP SIGNAL *} {
            set exitCode -1
            set reason "was killed by [lindex $errorCode 3]"
        }
        {TURBINE TASK TIMEOUT *} {
            set exitCode -1
            set reason "timed out after $timeout s and was killed"
        }
        default {
            set exitCode -1
            set reason "failed: $message"
        }
    }
    set error "run $id: [lindex $command 0] $reason"
    set tail [lrange [split [string trimright [readFile [file join $folder stderr.txt]]] \n] \
        end-[expr {$stderrTailLines - 1}] end]
    writeResult $folder $id failed [dict create exitcode $exitCode seconds $seconds \
        error [json::write string $error]]
    if {[string trim [join $tail]] ne ""} {
        append error ":\n[join $tail \n]"
    }
    return -code error -errorcode [list UPF RUN FAILED $id {*}[lrange $errorCode 1 end]] $error
}

# upf::pythonTask --
#
#	The task of one run in --python mode, on a worker: calls function
#	(MODULE.FUNCTION) with the parsed line in the run's folder, in this
#	worker's persistent interpreter. Returns {status ok exitcode "" seconds
#	S result JSON}. A Python exception raises its Tcl error (code {PYTHON
#	EXCEPTION type}, with the traceback), after writing result.json.
proc upf::pythonTask {out id line function searchFolder} {
    package require python
    set folder [prepareRun $out $id $line]
    python::exec {
if "_hedflow_upf_call" not in globals():
    import importlib, json, os, sys

    def _hedflow_upf_call(function, line, folder, search_folder):
        """Call MODULE.FUNCTION on the parsed line inside folder and
        return the result as JSON text."""
        if search_folder not in sys.path:
            sys.path.append(search_folder)
        module_name, name = function.rsplit(".", 1)
        target = getattr(importlib.import_module(module_name), name)
        params = json.loads(line)
        previous = os.getcwd()
        os.chdir(folder)
        try:
            value = target(params)
        finally:
            os.chdir(previous)
        return json.dumps(value)
}

    set started [clock milliseconds]
    set code [catch {python::call _hedflow_upf_call $function $line $folder $searchFolder} \
        result details]
    set seconds [expr {([clock milliseconds] - $started) / 1000.0}]
    if {$code == 0} {
        writeResult $folder $id ok [dict create seconds $seconds result $result]
        return [dict create status ok exitcode "" seconds $seconds result $result]
    }
    set summary [lindex [split $result \n] 0]
    writeResult $folder $id failed [dict create seconds $seconds \
        error [json::write string "run $id: $summary"]]
    return -options $details "run $id: $result"
}

# upf::submitRun --
#
#	Queues the task of one run. Returns its future.
proc upf::submitRun {options run searchFolder} {
    set id [dict get $run id]
    set out [dict get $options out]
    set taskOptions [list -key [runKey $options $run] -retries [dict get $options retries]]
    if {[dict get $options command] ne ""} {
        # The program's own timer kills its process group at the limit.
        return [turbine::submit {*}$taskOptions [list upf::commandTask $out $id \
            [dict get $run line] [dict get $options command] [dict get $options timeout]]]
    }
    if {[dict get $options timeout] ne ""} {
        lappend taskOptions -timeout [dict get $options timeout]
    }
    return [turbine::submit {*}$taskOptions [list upf::pythonTask $out $id \
        [dict get $run line] [dict get $options python] $searchFolder]]
}

# upf::outcome --
#
#	Waits for the future of a run and returns its summary row: id,
#	status, exitcode, seconds, result, error.
proc upf::outcome {options run future} {
    set id [dict get $run id]
    if {![catch {turbine::wait $future} value]} {
        return [list $id ok [dict get $value exitcode] [dict get $value seconds] \
            [dict get $value result] ""]
    }
    # The worker wrote the failed attempt's exit status to result.json.
    set exitCode ""
    set seconds ""
    set text [readFile [file join [dict get $options out] run $id result.json]]
    if {![catch {json::json2dict $text} recorded]} {
        if {[dict exists $recorded exitcode]} {
            set exitCode [dict get $recorded exitcode]
        }
        if {[dict exists $recorded seconds]} {
            set seconds [dict get $recorded seconds]
        }
    }
    # The first line of the error, without the task id and the colon that
    # introduces the stderr lines, plus the number of attempts.
    set error [lindex [split $value \n] 0]
    if {[regexp {^task \d+ failed after (\d+) attempt\(s\) on rank \d+: (.*)$} $error -> attempts message]} {
        set error "[string trimright $message :] (attempts: $attempts)"
    }
    if {![string match "run $id: *" $error]} {
        # A time limit replaces the task's own message.
        set error "run $id: $error"
    }
    return [list $id failed $exitCode $seconds "" $error]
}

# upf::runAll --
#
#	The leader's body: queues every run with at most upf::window in
#	flight, then writes OUT/summary.csv in UPF order. Returns the number
#	of failed runs.
proc upf::runAll {options runs} {
    variable window
    set searchFolder [pwd]
    set rows {}
    set inFlight {}
    foreach run $runs {
        lappend inFlight [list $run [submitRun $options $run $searchFolder]]
        if {[llength $inFlight] >= $window} {
            lappend rows [outcome $options {*}[lindex $inFlight 0]]
            set inFlight [lrange $inFlight 1 end]
        }
    }
    foreach entry $inFlight {
        lappend rows [outcome $options {*}$entry]
    }

    set lines [list [csv::join {id status exitcode seconds result error}]]
    set failed 0
    foreach row $rows {
        lappend lines [csv::join $row]
        if {[lindex $row 1] ne "ok"} {
            incr failed
        }
    }
    set summary [file join [dict get $options out] summary.csv]
    hedwf::writeAtomically $summary "[join $lines \n]\n"
    puts "upf: [llength $rows] runs, [expr {[llength $rows] - $failed}] succeeded, $failed failed; summary in $summary"
    return $failed
}

# upf::prepareOut --
#
#	Creates OUT/.hedflow, where the journal lives. Safe when several
#	ranks create it at once. Exits 2 when it cannot be created.
proc upf::prepareOut {out} {
    set folder [file join $out .hedflow]
    if {[catch {file mkdir $folder} message] && ![file isdirectory $folder]} {
        usageError "cannot create output folder \"$out\": $message"
    }
}

set upf::options [upf::parseArguments $argv]
upf::prepareOut [dict get $upf::options out]

if {[info exists ::env(HEDFLOW_CHECK_ONLY)] && $::env(HEDFLOW_CHECK_ONLY) eq "1"} {
    # The launcher's serial check: report a bad UPF line once, before the
    # MPI job starts.
    if {[catch {upf::readRuns [dict get $upf::options upf]} message]} {
        puts stderr "hedflow upf: $message"
        exit 2
    }
    exit 0
}

package require turbine
# The leader runs tasks while it waits: it has little else to do, and on a
# small machine it is a core.
turbine::init -journal [file join [dict get $upf::options out] .hedflow journal] -leader_works 1 \
    -progress [dict get $upf::options progress] \
    -progress_interval [dict get $upf::options progress-interval]
turbine::run {
    upf::runAll $upf::options [upf::readRuns [dict get $upf::options upf]]
}

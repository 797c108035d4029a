# workflow.tcl --
#
#	Running a stage as an MPI job: every rank starts turbine with the
#	output folder's journal, the leader runs the stages, and the process
#	exits non-zero when a task failed.

package require turbine
package require hed

namespace eval hedwf {}

# hedwf::runWorkflow --
#
#	Starts turbine with the journal OUT/.hedflow/journal and evaluates body
#	on the leader. Returns on every rank when the run has ended. A body
#	that raises an error ends the job with its message; a finished run
#	with failed tasks makes the process exit with status 1.
proc hedwf::runWorkflow {out body} {
    # The leader runs tasks while it waits: it has little else to do, and
    # on a small machine it is a core.
    turbine::init -journal [file join $out .hedflow journal] -leader_works 1
    turbine::run $body
}

# hedwf::checkInputs --
#
#	In the launcher's serial check, runs script and turns an error into a
#	message on stderr and exit status 1, so bad input is reported once,
#	before the MPI job starts.
proc hedwf::checkInputs {subcommand script} {
    if {[catch {uplevel 1 $script} message options]} {
        # The reader suggests skipping malformed rows, which the workflows
        # do not offer.
        regsub {; fix the row, or skip malformed rows \(option -skip_bad 1, or --skip-bad of hed metrics\)$} \
            $message {; fix the row and run the command again} message
        puts stderr "hedflow hed $subcommand: $message"
        exit 1
    }
}

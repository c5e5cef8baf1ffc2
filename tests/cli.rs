//! The command line: exit codes, output forms, closed pipes.

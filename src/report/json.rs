//! JSON output: one report object per capture (`--format json` prints the
//! object itself for one capture and an array for several; `ndjson` prints
//! one object per line).

use std::io::{self, Write};

use super::model::Report;

/// Writes reports as pretty JSON: the object for one, an array for several.
// Generic over the writer: serde_json writes token by token, and through
// `dyn Write` each token would be a call of its own.
pub fn write_json<W: Write + ?Sized>(out: &mut W, reports: &[Report]) -> io::Result<()> {
    match reports {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    out.write_all(b"\n")
}

/// Writes one compact JSON object per line.
pub fn write_ndjson<W: Write + ?Sized>(out: &mut W, reports: &[Report]) -> io::Result<()> {
    for r in reports {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

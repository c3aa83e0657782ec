use std::io::{self, Write};

use crate::engine::RunReport;

pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        for located in &file.diagnostics {
            let diagnostic = &located.diagnostic;
            writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                file.path.display(),
                located.start.line,
                located.start.column,
                diagnostic.rule.code(),
                diagnostic.rule.name(),
                diagnostic.message
            )?;
        }
    }
    Ok(())
}

//! Command-line interface: argument definitions and the `check` / `rule` commands.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::catalog;
use crate::engine;
use crate::output::{self, Format};
use crate::registry::Rule;
use crate::settings::Settings;

/// Finds async-code misuse in Python (asyncio) projects.
#[derive(Debug, Parser)]
#[command(name = "asynclint", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
    /// Print the documentation of a rule, by code (AL201) or name (blocking-sleep).
    Rule(RuleArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Never colour the output (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    /// Exit with 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Only report these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = parse_rule)]
    pub select: Vec<Rule>,
    /// Never report these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = parse_rule)]
    pub ignore: Vec<Rule>,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Rule code or name.
    #[arg(required_unless_present = "all")]
    pub rule: Option<String>,
    /// List every rule.
    #[arg(long)]
    pub all: bool,
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    Rule::from_code_or_name(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        format!("unknown rule `{text}`; known rules: {}", known.join(", "))
    })
}

/// Exit statuses: 0 clean, 1 findings, 2 usage, configuration or I/O error.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rule(args) => rule(args),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let mut settings = Settings::default();
    if !args.select.is_empty() {
        settings.select(&args.select);
    }
    settings.ignore(&args.ignore);

    let report = engine::run(&args.paths, &settings);

    let stdout = std::io::stdout();
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Err(error) =
        output::write(args.format, &report, color, &mut out).and_then(|()| out.flush())
    {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {error}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    for error in &report.io_errors {
        eprintln!("error: {}: {}", error.path.display(), error.message);
    }
    if args.format != Format::Json {
        eprintln!("{}", output::summary(&report));
    }
    ExitCode::from(if !report.io_errors.is_empty() {
        EXIT_ERROR
    } else if report.finding_count() > 0 && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn rule(args: RuleArgs) -> ExitCode {
    if args.all {
        for page in catalog::pages() {
            println!("{:<6} {:<24} {}", page.code, page.name, page.summary);
        }
        return ExitCode::from(EXIT_CLEAN);
    }
    let query = args.rule.unwrap_or_default();
    let Some(rule) = Rule::from_code_or_name(&query) else {
        eprintln!("error: unknown rule `{query}`; `asynclint rule --all` lists them");
        return ExitCode::from(EXIT_ERROR);
    };
    print!("{}", render_page(catalog::page(rule)));
    ExitCode::from(EXIT_CLEAN)
}

/// A rule page as plain text for the terminal.
pub fn render_page(page: &catalog::RulePage) -> String {
    let mut text = format!(
        "{} {} ({}; {})\n\n{}\n\nWhy this matters\n{}\n\nHow to fix\n{}\n\nKnown problems\n{}\n",
        page.code,
        page.name,
        page.languages.join(", "),
        page.severity.as_str(),
        page.summary,
        page.why.trim(),
        page.fix.trim(),
        page.known_problems.trim()
    );
    for example in &page.example {
        text.push_str(&format!(
            "\nExample ({}), flagged:\n{}\n\nInstead:\n{}\n",
            example.language,
            indent(example.bad.trim_end()),
            indent(example.good.trim_end())
        ));
    }
    text
}

fn indent(code: &str) -> String {
    code.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

//! Command-line interface: argument definitions and the `check` / `rule` commands.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::catalog;
use crate::config::{CliOverrides, ConfigSource, Configuration};
use crate::engine;
use crate::output::{self, Format};
use crate::registry::{Rule, RuleSelector, SELECTOR_HELP};
use crate::settings::{RuleSelection, Settings};

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
    /// Run a language server over standard input and output, for editors.
    Server,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads the text to lint from standard input.
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
    /// Only report these rules: codes, code prefixes or names, comma-separated
    /// (replaces the configuration's `select`).
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub select: Vec<RuleSelector>,
    /// Also report these rules (added to the configuration's selection).
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub extend_select: Vec<RuleSelector>,
    /// Never report these rules.
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_selector)]
    pub ignore: Vec<RuleSelector>,
    /// Skip files and directories matching these globs (replaces the configuration's
    /// `exclude` and the default exclusions).
    #[arg(long, value_name = "GLOBS", value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Also skip files and directories matching these globs.
    #[arg(long, value_name = "GLOBS", value_delimiter = ',')]
    pub extend_exclude: Vec<String>,
    /// Use this configuration file for every path, instead of the nearest one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Report suppression comments that suppress nothing (rule AL001).
    #[arg(long)]
    pub report_unused_suppressions: bool,
    /// Apply the exclusions to files named on the command line too (pre-commit names
    /// every file it checks).
    #[arg(long)]
    pub force_exclude: bool,
    /// The file the text on standard input (path `-`) comes from: it decides the
    /// language, configuration and project, and is the path reported.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Parse every file, even those whose bytes show they cannot contain a finding
    /// (no `async`, `await`, `asyncio`, ... nor a coroutine name of the project).
    /// Findings are the same; only syntax errors in such files are added.
    #[arg(long)]
    pub no_prefilter: bool,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Rule code (AL201), name (blocking-sleep) or code prefix (AL2).
    #[arg(required_unless_present = "all")]
    pub rule: Option<String>,
    /// List every rule.
    #[arg(long, conflicts_with = "rule")]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub format: RuleFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    /// The page for reading in a terminal.
    Text,
    /// The page as a JSON object (a list of pages for `--all` or a prefix).
    Json,
}

fn parse_selector(text: &str) -> Result<RuleSelector, String> {
    RuleSelector::parse(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        format!(
            "unknown rule `{text}`; expected {SELECTOR_HELP}; known rules: {}",
            known.join(", ")
        )
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
        Command::Server => crate::server::run(),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    if let Err(message) = check_usage(&args) {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_ERROR);
    }
    let configuration = match Configuration::new(
        config_source(&args),
        Settings::default(),
        cli_overrides(&args),
    ) {
        Ok(configuration) => configuration,
        Err(error) => {
            return configuration_failed(
                args.format,
                engine::RunReport {
                    config_errors: vec![error],
                    ..engine::RunReport::default()
                },
            )
        }
    };
    let options = match run_options(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_ERROR);
        }
    };

    let report = engine::run_with_options(&args.paths, &configuration, options);
    if !report.config_errors.is_empty() {
        return configuration_failed(args.format, report);
    }

    let stdout = std::io::stdout();
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if args.statistics {
        output::write_statistics(args.format, &report, &mut out)
    } else {
        output::write(args.format, &report, color, &mut out)
    };
    if let Err(error) = written.and_then(|()| out.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {error}");
            return ExitCode::from(EXIT_ERROR);
        }
    }
    for error in &report.io_errors {
        eprintln!("error: {}: {}", error.path.display(), error.message);
    }
    if !matches!(args.format, Format::Json | Format::Sarif) {
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

/// Combinations of options that cannot work together.
fn check_usage(args: &CheckArgs) -> Result<(), String> {
    let reads_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if reads_stdin && args.paths.len() > 1 {
        return Err("`-` (standard input) must be the only path".to_string());
    }
    if args.stdin_filename.is_some() && !reads_stdin {
        return Err(
            "--stdin-filename names the text read from standard input; pass `-` as the path"
                .to_string(),
        );
    }
    if args.statistics && matches!(args.format, Format::Sarif | Format::Github) {
        return Err(
            "--statistics prints counts as text or JSON; use it without --format sarif or github"
                .to_string(),
        );
    }
    Ok(())
}

/// `--no-prefilter`, `--force-exclude`, and for the path `-`, standard input read to
/// its end.
fn run_options(args: &CheckArgs) -> Result<engine::RunOptions, String> {
    let mut options = engine::RunOptions {
        prefilter: !args.no_prefilter,
        force_exclude: args.force_exclude,
        keep_sources: args.format.shows_source(),
        stdin: None,
    };
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        options.stdin = Some(engine::StdinText {
            name: args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-")),
            bytes,
        });
    }
    Ok(options)
}

/// Nothing was linted because a configuration is broken: the errors go to stderr, and
/// the machine formats read in CI also carry them, so the upload or the annotations
/// say why instead of failing on an empty file.
fn configuration_failed(format: Format, report: engine::RunReport) -> ExitCode {
    for error in &report.config_errors {
        eprintln!("error: {error}");
    }
    if matches!(format, Format::Sarif | Format::Github) {
        let mut stdout = std::io::stdout().lock();
        // The exit status already says it failed; a closed pipe changes nothing.
        let _ = output::write(format, &report, false, &mut stdout).and_then(|()| stdout.flush());
    }
    ExitCode::from(EXIT_ERROR)
}

fn config_source(args: &CheckArgs) -> ConfigSource {
    match (&args.config, args.isolated) {
        (_, true) => ConfigSource::Isolated,
        (Some(path), false) => ConfigSource::File(path.clone()),
        (None, false) => ConfigSource::Discover,
    }
}

fn cli_overrides(args: &CheckArgs) -> CliOverrides {
    let mut extend_select = args.extend_select.clone();
    if args.report_unused_suppressions {
        extend_select.push(RuleSelector::Rule(Rule::UnusedSuppression));
    }
    CliOverrides {
        selection: RuleSelection {
            select: (!args.select.is_empty()).then(|| args.select.clone()),
            extend_select,
            ignore: args.ignore.clone(),
        },
        exclude: (!args.exclude.is_empty()).then(|| args.exclude.clone()),
        extend_exclude: args.extend_exclude.clone(),
    }
}

fn rule(args: RuleArgs) -> ExitCode {
    let query = args.rule.unwrap_or_default();
    let selector = match args.all {
        true => RuleSelector::Prefix("AL".to_string()),
        false => match RuleSelector::parse(query.trim()) {
            Some(selector) => selector,
            None => {
                eprintln!("error: unknown rule `{query}`; expected {SELECTOR_HELP}; `asynclint rule --all` lists them");
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let pages: Vec<&catalog::RulePage> = selector.rules().map(catalog::page).collect();
    let single = matches!(selector, RuleSelector::Rule(_));
    let text = match (args.format, single) {
        (RuleFormat::Text, true) => render_page(pages[0]),
        (RuleFormat::Text, false) => render_list(&pages),
        (RuleFormat::Json, true) => render_json(&catalog::JsonPage::from(pages[0])),
        (RuleFormat::Json, false) => {
            let all: Vec<catalog::JsonPage> = pages.into_iter().map(Into::into).collect();
            render_json(&all)
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // `asynclint rule --all | head` closes the pipe early: not an error.
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the rule: {error}");
            ExitCode::from(EXIT_ERROR)
        }
        _ => ExitCode::from(EXIT_CLEAN),
    }
}

/// One line per rule: code, name, summary.
fn render_list(pages: &[&catalog::RulePage]) -> String {
    pages
        .iter()
        .map(|page| format!("{:<6} {:<24} {}\n", page.code, page.name, page.summary))
        .collect()
}

fn render_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("pages serialize");
    text.push('\n');
    text
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

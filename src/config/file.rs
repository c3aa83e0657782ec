//! Reading one configuration file: `[tool.asynclint]` in `pyproject.toml`, or the top
//! level of `asynclint.toml` / `.asynclint.toml`. Every key and value is checked; a
//! mistake is an error naming the file, the key and what is allowed.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::pattern::PathPatterns;
use crate::catalog::{self, BlockingCall};
use crate::registry::{RuleSelector, SELECTOR_HELP};
use crate::settings::RuleSelection;

/// A configuration problem: exit status 2, before anything is linted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigError {
    /// The file as shown to the user (relative to the current directory if inside it).
    pub file: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The keys of the asynclint table, in the order the documentation lists them.
const KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "blocking-calls",
    "allowed-blocking-calls",
    "unbounded-gather",
];

const BLOCKING_CALL_LANGUAGES: &[&str] = &["python", "rust"];
const BLOCKING_CALL_KEYS: &[&str] = &["call", "use-instead"];
const UNBOUNDED_GATHER_KEYS: &[&str] = &["threshold"];

/// What a configuration file sets. Unset keys leave the defaults (or the command
/// line) in charge.
#[derive(Clone, Debug)]
pub struct Options {
    pub selection: RuleSelection,
    /// Replaces the default exclusions (`.venv`, `node_modules`, ...), when given.
    pub exclude: Option<PathPatterns>,
    pub extend_exclude: PathPatterns,
    pub per_file_ignores: Vec<(PathPatterns, Vec<RuleSelector>)>,
    pub blocking_python: Vec<BlockingCall>,
    pub blocking_rust: Vec<BlockingCall>,
    pub allowed_blocking_calls: Vec<String>,
    pub gather_threshold: Option<u64>,
}

/// A configuration file that was read and checked.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// As shown in messages.
    pub shown: String,
    pub options: Options,
}

/// How the file holds its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// `[tool.asynclint]` of a `pyproject.toml`.
    Pyproject,
    /// The top level of `asynclint.toml` / `.asynclint.toml` (or any file given to
    /// `--config` that is not named `pyproject.toml`).
    Standalone,
}

impl Layout {
    fn of(path: &Path) -> Layout {
        if path
            .file_name()
            .is_some_and(|name| name == "pyproject.toml")
        {
            Layout::Pyproject
        } else {
            Layout::Standalone
        }
    }

    /// How a key is written in messages: `tool.asynclint.select` or `select`.
    fn root(self) -> &'static str {
        match self {
            Layout::Pyproject => "tool.asynclint",
            Layout::Standalone => "",
        }
    }
}

/// Reads a configuration file. `Ok(None)` for a `pyproject.toml` without a
/// `[tool.asynclint]` table. Path patterns in it are relative to `pattern_base`.
pub fn read(
    path: &Path,
    shown: &str,
    pattern_base: &Path,
) -> Result<Option<ConfigFile>, ConfigError> {
    let error = |message: String| ConfigError {
        file: shown.to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|io| {
        error(format!(
            "cannot read the configuration: {}",
            describe_io(&io)
        ))
    })?;
    let document: Table = text
        .parse()
        .map_err(|syntax: toml::de::Error| error(describe_toml_error(&text, &syntax)))?;
    let layout = Layout::of(path);
    let table = match layout {
        Layout::Standalone => &document,
        Layout::Pyproject => match asynclint_table(&document).map_err(error)? {
            Some(table) => table,
            None => return Ok(None),
        },
    };
    let reader = Reader {
        layout,
        pattern_base,
    };
    let options = reader.options(table).map_err(error)?;
    Ok(Some(ConfigFile {
        shown: shown.to_string(),
        options,
    }))
}

fn asynclint_table(document: &Table) -> Result<Option<&Table>, String> {
    let Some(tool) = document.get("tool").and_then(Value::as_table) else {
        return Ok(None);
    };
    match tool.get("asynclint") {
        None => Ok(None),
        Some(Value::Table(table)) => Ok(Some(table)),
        Some(other) => Err(format!(
            "`tool.asynclint` must be a table, not {}",
            kind_of(other)
        )),
    }
}

/// `asynclint.toml:2:9: invalid TOML: expected ...` (line and column of the error).
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    // toml's messages may span lines ("invalid array; expected `]`"): keep one line.
    let message = error
        .message()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("invalid TOML at line {line}, column {column}: {message}")
        }
        None => format!("invalid TOML: {message}"),
    }
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => error.to_string(),
    }
}

/// `a string`, `an integer`...: how a TOML value is named in messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// Writes a key as TOML would need it: bare if it can be, quoted otherwise.
fn key_segment(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// Checks the values of one asynclint table; every message names the key in full.
struct Reader<'a> {
    layout: Layout,
    pattern_base: &'a Path,
}

type Checked<T> = Result<T, String>;

impl Reader<'_> {
    /// `tool.asynclint.select`, `blocking-calls.python[0]`.
    fn key(&self, path: &str) -> String {
        match self.layout.root() {
            "" => path.to_string(),
            root => format!("{root}.{path}"),
        }
    }

    fn unknown_key(&self, table: &str, key: &str, allowed: &[&str]) -> String {
        let full = if table.is_empty() {
            self.key(&key_segment(key))
        } else {
            self.key(&format!("{table}.{}", key_segment(key)))
        };
        let expected = match allowed {
            [one] => format!("expected: {one}"),
            _ => format!("expected one of: {}", allowed.join(", ")),
        };
        format!("unknown key `{full}`; {expected}")
    }

    fn check_keys(&self, table: &Table, path: &str, allowed: &[&str]) -> Checked<()> {
        match table.keys().find(|key| !allowed.contains(&key.as_str())) {
            Some(key) => Err(self.unknown_key(path, key, allowed)),
            None => Ok(()),
        }
    }

    fn options(&self, table: &Table) -> Checked<Options> {
        self.check_keys(table, "", KEYS)?;
        let rules = |key: &str| -> Checked<Option<Vec<RuleSelector>>> {
            table
                .get(key)
                .map(|value| self.rules(key, value))
                .transpose()
        };
        let patterns = |key: &str| -> Checked<Option<PathPatterns>> {
            table
                .get(key)
                .map(|value| self.patterns(key, value))
                .transpose()
        };
        let (blocking_python, blocking_rust) = match table.get("blocking-calls") {
            Some(value) => self.blocking_calls(value)?,
            None => (Vec::new(), Vec::new()),
        };
        let allowed_blocking_calls = match table.get("allowed-blocking-calls") {
            Some(value) => self.allowed_blocking_calls(value, &blocking_python, &blocking_rust)?,
            None => Vec::new(),
        };
        Ok(Options {
            selection: RuleSelection {
                select: rules("select")?,
                extend_select: rules("extend-select")?.unwrap_or_default(),
                ignore: rules("ignore")?.unwrap_or_default(),
            },
            exclude: patterns("exclude")?,
            extend_exclude: match patterns("extend-exclude")? {
                Some(patterns) => patterns,
                None => self.compile_patterns("extend-exclude", &[])?,
            },
            per_file_ignores: match table.get("per-file-ignores") {
                Some(value) => self.per_file_ignores(value)?,
                None => Vec::new(),
            },
            blocking_python,
            blocking_rust,
            allowed_blocking_calls,
            gather_threshold: match table.get("unbounded-gather") {
                Some(value) => self.unbounded_gather(value)?,
                None => None,
            },
        })
    }

    /// A list of strings; `what` describes the whole value for the type message.
    fn strings(&self, key: &str, value: &Value, what: &str) -> Checked<Vec<String>> {
        let Value::Array(items) = value else {
            return Err(format!(
                "`{}` must be {what}, not {}",
                self.key(key),
                kind_of(value)
            ));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(format!(
                    "`{}[{index}]` must be a string, not {}",
                    self.key(key),
                    kind_of(other)
                )),
            })
            .collect()
    }

    fn rules(&self, key: &str, value: &Value) -> Checked<Vec<RuleSelector>> {
        let texts = self.strings(
            key,
            value,
            "a list of rules (e.g. [\"AL2\", \"blocking-sleep\"])",
        )?;
        texts
            .iter()
            .map(|text| {
                RuleSelector::parse(text.trim()).ok_or_else(|| {
                    format!(
                        "unknown rule `{text}` in `{}`; expected {SELECTOR_HELP}; `asynclint rule --all` lists them",
                        self.key(key)
                    )
                })
            })
            .collect()
    }

    fn patterns(&self, key: &str, value: &Value) -> Checked<PathPatterns> {
        let texts = self.strings(
            key,
            value,
            "a list of path globs (e.g. [\"migrations\", \"src/generated/*.py\"])",
        )?;
        self.compile_patterns(key, &texts)
    }

    fn compile_patterns(&self, key: &str, texts: &[String]) -> Checked<PathPatterns> {
        PathPatterns::new(self.pattern_base, texts).map_err(|invalid| {
            format!(
                "invalid glob `{}` in `{}`: {}",
                invalid.pattern,
                self.key(key),
                invalid.reason
            )
        })
    }

    fn per_file_ignores(&self, value: &Value) -> Checked<Vec<(PathPatterns, Vec<RuleSelector>)>> {
        let Value::Table(table) = value else {
            return Err(format!(
                "`{}` must be a table of path glob = list of rules (e.g. \"tests/*\" = [\"AL201\"]), not {}",
                self.key("per-file-ignores"),
                kind_of(value)
            ));
        };
        table
            .iter()
            .map(|(pattern, rules)| {
                let key = format!("per-file-ignores.{}", key_segment(pattern));
                let patterns = self.compile_patterns(&key, std::slice::from_ref(pattern))?;
                Ok((patterns, self.rules(&key, rules)?))
            })
            .collect()
    }

    fn blocking_calls(&self, value: &Value) -> Checked<(Vec<BlockingCall>, Vec<BlockingCall>)> {
        let Value::Table(table) = value else {
            return Err(format!(
                "`{}` must be a table with `python` and/or `rust` lists, not {}",
                self.key("blocking-calls"),
                kind_of(value)
            ));
        };
        self.check_keys(table, "blocking-calls", BLOCKING_CALL_LANGUAGES)?;
        let list = |language: &str| -> Checked<Vec<BlockingCall>> {
            match table.get(language) {
                Some(value) => self.blocking_call_list(language, value),
                None => Ok(Vec::new()),
            }
        };
        Ok((list("python")?, list("rust")?))
    }

    fn blocking_call_list(&self, language: &str, value: &Value) -> Checked<Vec<BlockingCall>> {
        let key = format!("blocking-calls.{language}");
        let example = match language {
            "python" => "[\"mylib.db.query\", { call = \"mylib.http.get\", use-instead = \"`mylib.http.aget`\" }]",
            _ => "[\"mylib::db::query\", { call = \"mylib::http::get\", use-instead = \"`mylib::http::aget`\" }]",
        };
        let Value::Array(items) = value else {
            return Err(format!(
                "`{}` must be a list of callees (e.g. {example}), not {}",
                self.key(&key),
                kind_of(value)
            ));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| self.blocking_call(language, &format!("{key}[{index}]"), item))
            .collect()
    }

    /// `"mylib.query"` or `{ call = "mylib.query", use-instead = "..." }`.
    fn blocking_call(&self, language: &str, key: &str, item: &Value) -> Checked<BlockingCall> {
        let (call, use_instead) = match item {
            Value::String(call) => (call.clone(), None),
            Value::Table(table) => {
                self.check_keys(table, key, BLOCKING_CALL_KEYS)?;
                let text = |field: &str| -> Checked<Option<String>> {
                    match table.get(field) {
                        None => Ok(None),
                        Some(Value::String(text)) => Ok(Some(text.clone())),
                        Some(other) => Err(format!(
                            "`{}.{field}` must be a string, not {}",
                            self.key(key),
                            kind_of(other)
                        )),
                    }
                };
                let Some(call) = text("call")? else {
                    return Err(format!("`{}` has no `call` (the callee's full name)", self.key(key)));
                };
                (call, text("use-instead")?)
            }
            other => {
                return Err(format!(
                    "`{}` must be a callee name or a table {{ call = \"...\", use-instead = \"...\" }}, not {}",
                    self.key(key),
                    kind_of(other)
                ))
            }
        };
        if call.trim().is_empty() {
            return Err(format!("`{}` names an empty callee", self.key(key)));
        }
        Ok(BlockingCall {
            call: call.trim().to_string(),
            use_instead: use_instead.unwrap_or_else(|| default_replacement(language).to_string()),
        })
    }

    /// Callees to stop reporting. Each must be one asynclint would report (from the
    /// built-in tables or `blocking-calls`): a typo must not pass as an allowance.
    fn allowed_blocking_calls(
        &self,
        value: &Value,
        python: &[BlockingCall],
        rust: &[BlockingCall],
    ) -> Checked<Vec<String>> {
        let key = "allowed-blocking-calls";
        let allowed = self.strings(
            key,
            value,
            "a list of callee names (e.g. [\"requests.get\", \"std::fs::read\"])",
        )?;
        let mut python_table = catalog::python_blocking_calls();
        let mut rust_table = catalog::rust_blocking_calls();
        python
            .iter()
            .cloned()
            .for_each(|call| python_table.insert(call));
        rust.iter()
            .cloned()
            .for_each(|call| rust_table.insert(call));
        for callee in &allowed {
            if !python_table.covers(callee) && !rust_table.covers(callee) {
                return Err(format!(
                    "`{callee}` in `{}` is not a blocking call asynclint reports; expected a callee of rules/blocking-calls/python.toml or rust.toml (e.g. \"requests.get\", \"std::fs::*\") or of `blocking-calls`",
                    self.key(key)
                ));
            }
        }
        Ok(allowed)
    }

    fn unbounded_gather(&self, value: &Value) -> Checked<Option<u64>> {
        let Value::Table(table) = value else {
            return Err(format!(
                "`{}` must be a table (e.g. [unbounded-gather] threshold = 50), not {}",
                self.key("unbounded-gather"),
                kind_of(value)
            ));
        };
        self.check_keys(table, "unbounded-gather", UNBOUNDED_GATHER_KEYS)?;
        let key = self.key("unbounded-gather.threshold");
        match table.get("threshold") {
            None => Ok(None),
            Some(Value::Integer(count)) if *count >= 1 => Ok(Some(*count as u64)),
            Some(Value::Integer(count)) => Err(format!(
                "`{key}` must be a positive number of tasks, not {count}"
            )),
            Some(other) => Err(format!(
                "`{key}` must be a positive integer (a number of tasks), not {}",
                kind_of(other)
            )),
        }
    }
}

/// The help of a configured blocking call without its own `use-instead`.
fn default_replacement(language: &str) -> &'static str {
    match language {
        "python" => {
            "an async equivalent, or run it in a thread with `await asyncio.to_thread(...)`"
        }
        _ => "an async equivalent, or run it with `tokio::task::spawn_blocking(...)`",
    }
}

/// A configuration path as shown in messages: relative to `cwd` when inside it.
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    let relative: PathBuf = path
        .strip_prefix(cwd)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
    relative.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(layout_file: &str, text: &str) -> Result<Options, String> {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(layout_file);
        std::fs::write(&path, text).unwrap();
        read(&path, layout_file, dir.path())
            .map(|file| file.expect("configured").options)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn reads_every_key() {
        let text = r#"
select = ["AL2", "unawaited-coroutine"]
extend-select = ["AL001"]
ignore = ["AL204"]
exclude = ["build"]
extend-exclude = ["gen/*.py"]
allowed-blocking-calls = ["requests.get"]

[per-file-ignores]
"tests/*" = ["blocking-sleep"]

[blocking-calls]
python = ["mylib.query", { call = "mylib.fetch", use-instead = "`mylib.afetch`" }]

[unbounded-gather]
threshold = 20
"#;
        let options = options("asynclint.toml", text).unwrap();
        assert_eq!(options.selection.select.as_ref().unwrap().len(), 2);
        assert_eq!(options.per_file_ignores.len(), 1);
        assert_eq!(options.blocking_python[1].use_instead, "`mylib.afetch`");
        assert!(options.blocking_python[0]
            .use_instead
            .contains("asyncio.to_thread"));
        assert_eq!(options.gather_threshold, Some(20));
        assert_eq!(options.allowed_blocking_calls, ["requests.get"]);
    }

    #[test]
    fn pyproject_without_a_table_is_not_a_configuration() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, "[tool.ruff]\nline-length = 100\n").unwrap();
        assert!(read(&path, "pyproject.toml", dir.path()).unwrap().is_none());
    }

    #[test]
    fn mistakes_name_the_file_the_key_and_what_is_allowed() {
        let cases = [
            ("pyproject.toml", "[tool.asynclint]\nselct = []\n", "pyproject.toml: unknown key `tool.asynclint.selct`; expected one of: select, extend-select, ignore, exclude, extend-exclude, per-file-ignores, blocking-calls, allowed-blocking-calls, unbounded-gather"),
            ("asynclint.toml", "select = \"AL201\"\n", "asynclint.toml: `select` must be a list of rules (e.g. [\"AL2\", \"blocking-sleep\"]), not a string"),
            ("asynclint.toml", "ignore = [\"AL201\", 3]\n", "asynclint.toml: `ignore[1]` must be a string, not an integer"),
            ("asynclint.toml", "[unbounded-gather]\nlimit = 3\n", "asynclint.toml: unknown key `unbounded-gather.limit`; expected: threshold"),
            ("asynclint.toml", "[unbounded-gather]\nthreshold = 0\n", "asynclint.toml: `unbounded-gather.threshold` must be a positive number of tasks, not 0"),
            ("asynclint.toml", "[per-file-ignores]\n\"tests/*\" = [\"AL999\"]\n", "asynclint.toml: unknown rule `AL999` in `per-file-ignores.\"tests/*\"`; expected a rule code (AL201), a code prefix (AL2) or a rule name (blocking-sleep); `asynclint rule --all` lists them"),
            ("asynclint.toml", "[blocking-calls]\ngo = []\n", "asynclint.toml: unknown key `blocking-calls.go`; expected one of: python, rust"),
            ("asynclint.toml", "[blocking-calls]\npython = [{ use-instead = \"x\" }]\n", "asynclint.toml: `blocking-calls.python[0]` has no `call` (the callee's full name)"),
            ("asynclint.toml", "allowed-blocking-calls = [\"reqests.get\"]\n", "asynclint.toml: `reqests.get` in `allowed-blocking-calls` is not a blocking call asynclint reports; expected a callee of rules/blocking-calls/python.toml or rust.toml (e.g. \"requests.get\", \"std::fs::*\") or of `blocking-calls`"),
            ("asynclint.toml", "select = [\n", "asynclint.toml: invalid TOML at line 2, column 1: invalid array; expected `]`"),
        ];
        for (file, text, expected) in cases {
            assert_eq!(options(file, text).unwrap_err(), expected, "{text}");
        }
    }
}

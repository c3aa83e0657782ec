//! End-to-end tests of the `asynclint` binary: each test writes a small project into its
//! own temporary directory, runs the real executable there, and checks the exit status,
//! stdout and stderr.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

mod common;

use common::{assert_exit, asynclint, native, stderr, stdout, write, MIXED, SLEEPY};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The command, run in `dir`, with no colour-related variable inherited from the caller.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_asynclint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    command
}

/// The findings of a `--format json` run.
fn json(output: &Output) -> Vec<Value> {
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", stdout(output)));
    value.as_array().expect("a JSON array").clone()
}

/// `(path, line, code)` of every finding of a `--format json` run, in output order.
fn json_findings(output: &Output) -> Vec<(String, u64, String)> {
    json(output)
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().unwrap().to_string(),
                finding["line"].as_u64().unwrap(),
                finding["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The rule codes reported in a `--format concise` run, in output order.
fn concise_codes(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .map(|line| {
            line.split(": ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_else(|| panic!("not a concise line: {line}"))
                .to_string()
        })
        .collect()
}

/// A correct async file: nothing to report.
const CLEAN: &str =
    "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n\n\nasyncio.run(main())\n";

// ---------------------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------------------

#[test]
fn clean_project_exits_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", CLEAN);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 0 problems in 0 files (1 file scanned)"
    );
}

#[test]
fn check_defaults_to_the_current_directory() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "concise"]);
    assert_exit(&output, 1);
    assert!(
        stdout(&output).starts_with("app.py:5:5: AL201 "),
        "{}",
        stdout(&output)
    );
}

#[test]
fn findings_exit_1() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "."]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL201"), "{}", stdout(&output));
}

#[test]
fn exit_zero_turns_findings_into_exit_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(
        dir.path(),
        &["check", "--exit-zero", "--format", "concise", "."],
    );
    assert_exit(&output, 0);
    // The findings are still printed.
    assert_eq!(concise_codes(&output), ["AL201"]);
}

#[test]
fn nonexistent_path_exits_2_and_names_it() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["check", "no_such_module.py"]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.lines()
            .any(|line| line.starts_with("error: no_such_module.py:")
                && line.contains("no such file")),
        "{err}"
    );
}

#[test]
fn nonexistent_path_still_reports_the_other_paths() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(
        dir.path(),
        &["check", "--format", "concise", "missing", "app.py"],
    );
    assert_exit(&output, 2);
    assert_eq!(concise_codes(&output), ["AL201"]);
    assert!(
        stderr(&output).contains("error: missing:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn exit_zero_does_not_hide_io_errors() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--exit-zero", "missing", "app.py"]);
    assert_exit(&output, 2);
}

#[test]
fn unknown_select_rule_exits_2() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--select", "AL999", "."]);
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("unknown rule `AL999`"), "{err}");
    // The message lists the known codes.
    assert!(err.contains("AL201"), "{err}");
}

#[test]
fn unknown_format_exits_2() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "xml", "."]);
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("'xml'"), "{err}");
    assert!(err.contains("text, concise, json"), "{err}");
}

// ---------------------------------------------------------------------------------------
// --format concise
// ---------------------------------------------------------------------------------------

#[test]
fn concise_prints_path_line_column_code_name_and_message() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "sub/app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 1);
    let expected = format!(
        "{}:5:5: AL201 [blocking-sleep] `time.sleep(1)` in async function `main` blocks the event loop: no other task runs while it sleeps\n",
        native("sub/app.py")
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn concise_summary_goes_to_stderr_not_stdout() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.py", MIXED);
    write(dir.path(), "b.py", SLEEPY);
    write(dir.path(), "c.py", CLEAN);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 1);
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 4 problems in 2 files (3 files scanned)"
    );
    assert!(!stdout(&output).contains("Found"), "{}", stdout(&output));
    assert_eq!(stdout(&output).lines().count(), 4);
}

#[test]
fn summary_uses_singular_for_one() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 1 problem in 1 file (1 file scanned)"
    );
}

// ---------------------------------------------------------------------------------------
// --format json
// ---------------------------------------------------------------------------------------

#[test]
fn json_has_every_key_with_one_based_positions() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "json", "app.py"]);
    assert_exit(&output, 1);
    let findings = json(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = findings[0].as_object().unwrap();
    let mut keys: Vec<&str> = finding.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "fix",
            "help",
            "line",
            "message",
            "name",
            "path",
            "severity"
        ]
    );
    assert_eq!(finding["code"], "AL201");
    assert_eq!(finding["name"], "blocking-sleep");
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["message"],
        "`time.sleep(1)` in async function `main` blocks the event loop: no other task runs while it sleeps"
    );
    assert_eq!(finding["path"], "app.py");
    // `    time.sleep(1)` on the fifth line: 1-based line 5, column 5.
    assert_eq!(finding["line"], 5);
    assert_eq!(finding["column"], 5);
    // The end is exclusive: `time.sleep(1)` is 13 characters long.
    assert_eq!(finding["end_line"], 5);
    assert_eq!(finding["end_column"], 18);
    assert_eq!(finding["help"], "use `await asyncio.sleep(1)`");
    // The fix: `time.sleep` (5:5 to 5:15) becomes `await asyncio.sleep`, and the module
    // gets `import asyncio` before its first statement.
    assert_eq!(
        finding["fix"],
        serde_json::json!({
            "title": "Replace with `await asyncio.sleep(...)`",
            "edits": [
                {"line": 1, "column": 1, "end_line": 1, "end_column": 1, "content": "import asyncio\n"},
                {"line": 5, "column": 5, "end_line": 5, "end_column": 15, "content": "await asyncio.sleep"},
            ]
        })
    );
}

#[test]
fn json_columns_count_characters_not_bytes() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import time\n\n\nasync def main():\n    x = \"héllo\"; time.sleep(1)\n",
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "app.py"]);
    assert_exit(&output, 1);
    let findings = json(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    // `    x = "héllo"; ` is 17 characters (18 bytes): the call starts at column 18.
    assert_eq!(findings[0]["line"], 5);
    assert_eq!(findings[0]["column"], 18);
    assert_eq!(findings[0]["end_column"], 31);
}

#[test]
fn json_columns_count_astral_characters_once() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import time\n\n\nasync def main():\n    x = \"🐍\"; time.sleep(1)\n",
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "app.py"]);
    let findings = json(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    // `    x = "🐍"; ` is 13 characters (16 bytes, 2 UTF-16 units for the snake).
    assert_eq!(findings[0]["column"], 14);
}

#[test]
fn json_is_sorted_by_path_line_and_column_across_files() {
    let dir = TempDir::new().unwrap();
    // Two findings on one line (columns 5 and 20) and one on a later line, in each file.
    let text =
        "import time\n\n\nasync def main():\n    time.sleep(1); time.sleep(2)\n    time.sleep(3)\n";
    write(dir.path(), "b.py", text);
    write(dir.path(), "a.py", text);
    // Named in reverse order on the command line: the output is still sorted.
    let output = asynclint(dir.path(), &["check", "--format", "json", "b.py", "a.py"]);
    assert_exit(&output, 1);
    let positions: Vec<(String, u64, u64)> = json(&output)
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().unwrap().to_string(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = ["a.py", "b.py"]
        .iter()
        .flat_map(|path| [(5, 5), (5, 20), (6, 5)].map(|(l, c)| (path.to_string(), l, c)))
        .collect();
    assert_eq!(positions, expected);
}

#[test]
fn json_paths_stay_relative_to_the_current_directory() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "sub/app.py", SLEEPY);

    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    assert_eq!(json(&output)[0]["path"], native("sub/app.py"));

    let output = asynclint(dir.path(), &["check", "--format", "json", "sub"]);
    assert_exit(&output, 1);
    assert_eq!(json(&output)[0]["path"], native("sub/app.py"));
}

#[test]
fn json_prints_no_summary_on_stderr() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    assert_eq!(json(&output).len(), 1);
    assert!(!stderr(&output).contains("Found"), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn json_clean_project_is_an_empty_array() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", CLEAN);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 0);
    assert!(json(&output).is_empty());
}

// ---------------------------------------------------------------------------------------
// --format text (the default)
// ---------------------------------------------------------------------------------------

#[test]
fn text_shows_location_code_message_source_and_help() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "app.py"]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(out.contains("app.py:5:5"), "{out}");
    assert!(out.contains("AL201 blocking-sleep"), "{out}");
    assert!(
        out.contains("`time.sleep(1)` in async function `main` blocks the event loop"),
        "{out}"
    );
    // The source line, with its line number in the gutter.
    assert!(
        out.lines()
            .any(|line| line.contains(" 5 ") && line.ends_with("    time.sleep(1)")),
        "{out}"
    );
    // The rule's summary labels the span, and the help line follows.
    assert!(
        out.contains("A thread-blocking sleep is called inside async code"),
        "{out}"
    );
    assert!(out.contains("Help: use `await asyncio.sleep(1)`"), "{out}");
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 1 problem in 1 file (1 file scanned)"
    );
}

#[test]
fn text_location_counts_characters() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "app.py",
        "import time\n\n\nasync def main():\n    x = \"héllo\"; time.sleep(1)\n",
    );
    let output = asynclint(dir.path(), &["check", "--no-color", "app.py"]);
    assert_exit(&output, 1);
    assert!(
        stdout(&output).contains("app.py:5:18"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn text_piped_has_no_colour_by_default() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "app.py"]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL201"));
    assert!(!stdout(&output).contains("\x1b["), "{:?}", stdout(&output));
    assert!(!stderr(&output).contains("\x1b["), "{:?}", stderr(&output));
}

#[test]
fn text_with_no_color_flag_has_no_ansi_escapes() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--no-color", "app.py"]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL201"));
    assert!(!stdout(&output).contains("\x1b["), "{:?}", stdout(&output));
}

#[test]
fn text_with_no_color_env_has_no_ansi_escapes() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = command(dir.path(), &["check", "app.py"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL201"));
    assert!(!stdout(&output).contains("\x1b["), "{:?}", stdout(&output));
}

/// Piped stdout is never coloured, so the tests above cannot tell whether `--no-color`
/// and `NO_COLOR` work. These run the binary with stdout on a pseudo-terminal.
#[cfg(unix)]
mod terminal {
    use super::*;

    #[test]
    fn text_on_a_terminal_is_coloured() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", SLEEPY);
        let (status, screen) = pty::run(command(dir.path(), &["check", "app.py"]));
        assert_eq!(status.code(), Some(1), "{screen:?}");
        assert!(screen.contains("AL201"), "{screen:?}");
        assert!(screen.contains("\x1b["), "{screen:?}");
    }

    #[test]
    fn text_on_a_terminal_with_no_color_flag_has_no_ansi_escapes() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", SLEEPY);
        let (status, screen) = pty::run(command(dir.path(), &["check", "--no-color", "app.py"]));
        assert_eq!(status.code(), Some(1), "{screen:?}");
        assert!(screen.contains("AL201"), "{screen:?}");
        assert!(!screen.contains("\x1b["), "{screen:?}");
    }

    #[test]
    fn text_on_a_terminal_with_no_color_env_has_no_ansi_escapes() {
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", SLEEPY);
        let mut cmd = command(dir.path(), &["check", "app.py"]);
        cmd.env("NO_COLOR", "1");
        let (status, screen) = pty::run(cmd);
        assert_eq!(status.code(), Some(1), "{screen:?}");
        assert!(screen.contains("AL201"), "{screen:?}");
        assert!(!screen.contains("\x1b["), "{screen:?}");
    }

    #[test]
    fn text_on_a_terminal_with_empty_no_color_env_is_coloured() {
        // no-color.org: an empty NO_COLOR does not disable colour.
        let dir = TempDir::new().unwrap();
        write(dir.path(), "app.py", SLEEPY);
        let mut cmd = command(dir.path(), &["check", "app.py"]);
        cmd.env("NO_COLOR", "");
        let (status, screen) = pty::run(cmd);
        assert_eq!(status.code(), Some(1), "{screen:?}");
        assert!(screen.contains("\x1b["), "{screen:?}");
    }

    /// A minimal pseudo-terminal through the C library's `posix_openpt`.
    mod pty {
        use std::ffi::CStr;
        use std::fs::{File, OpenOptions};
        use std::io::Read;
        use std::os::fd::{AsRawFd, FromRawFd};
        use std::os::raw::{c_char, c_int};
        use std::process::{Command, ExitStatus, Stdio};
        use std::sync::Mutex;

        extern "C" {
            fn posix_openpt(flags: c_int) -> c_int;
            fn grantpt(fd: c_int) -> c_int;
            fn unlockpt(fd: c_int) -> c_int;
            fn ptsname(fd: c_int) -> *mut c_char;
        }

        const O_RDWR: c_int = 2;

        /// `ptsname` returns a static buffer: one caller at a time.
        static OPEN: Mutex<()> = Mutex::new(());

        fn open() -> (File, File) {
            let _guard = OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // SAFETY: plain libc calls on a descriptor this function owns; the name is
            // copied out of the static buffer before the lock is released.
            let (master, name) = unsafe {
                let fd = posix_openpt(O_RDWR);
                assert!(fd >= 0, "posix_openpt failed");
                let master = File::from_raw_fd(fd);
                assert_eq!(grantpt(master.as_raw_fd()), 0, "grantpt failed");
                assert_eq!(unlockpt(master.as_raw_fd()), 0, "unlockpt failed");
                let name = ptsname(master.as_raw_fd());
                assert!(!name.is_null(), "ptsname failed");
                (master, CStr::from_ptr(name).to_string_lossy().into_owned())
            };
            let slave = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&name)
                .expect("the terminal's slave side opens");
            (master, slave)
        }

        /// Runs `command` with stdout on a terminal; returns its status and what it
        /// wrote to the terminal.
        pub fn run(mut command: Command) -> (ExitStatus, String) {
            let (mut master, slave) = open();
            command
                .stdin(Stdio::null())
                .stdout(slave)
                .stderr(Stdio::null());
            let mut child = command.spawn().expect("the asynclint binary runs");
            // Close our copies of the slave side, so reads end when the child exits.
            drop(command);
            let reader = std::thread::spawn(move || {
                let mut screen = Vec::new();
                let mut chunk = [0u8; 4096];
                // Linux reports EIO once every slave descriptor is closed.
                while let Ok(n @ 1..) = master.read(&mut chunk) {
                    screen.extend_from_slice(&chunk[..n]);
                }
                screen
            });
            let status = child.wait().unwrap();
            let screen = reader.join().unwrap();
            (status, String::from_utf8_lossy(&screen).into_owned())
        }
    }
}

// ---------------------------------------------------------------------------------------
// Unparsable and undecodable files
// ---------------------------------------------------------------------------------------

#[test]
fn syntax_error_is_one_al000_and_other_files_are_still_linted() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.py",
        "import asyncio\n\n\ndef broken(:\n    asyncio.run(main())\n",
    );
    write(dir.path(), "good.py", MIXED);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let findings = json(&output);
    let bad: Vec<&Value> = findings.iter().filter(|f| f["path"] == "bad.py").collect();
    assert_eq!(bad.len(), 1, "{findings:?}");
    assert_eq!(bad[0]["code"], "AL000");
    assert_eq!(bad[0]["name"], "syntax-error");
    assert_eq!(bad[0]["line"], 4);
    assert!(
        bad[0]["message"].as_str().unwrap().contains("syntax error"),
        "{:?}",
        bad[0]
    );
    assert_eq!(
        json_findings(&output)[1..],
        [
            ("good.py".to_string(), 7, "AL201".to_string()),
            ("good.py".to_string(), 8, "AL202".to_string()),
            ("good.py".to_string(), 9, "AL101".to_string()),
        ]
    );
}

#[test]
fn syntax_error_in_concise_format_has_its_line() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.py",
        "import asyncio\n\n\ndef broken(:\n    asyncio.run(main())\n",
    );
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(out.starts_with("bad.py:4:"), "{out}");
    assert!(out.contains(" AL000 [syntax-error] syntax error"), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn non_utf8_file_is_one_al000_and_other_files_are_still_linted() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "latin1.py", b"import time\nname = 'caf\xe9'\n");
    write(dir.path(), "sleepy.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    assert_eq!(
        json_findings(&output),
        [
            ("latin1.py".to_string(), 2, "AL000".to_string()),
            ("sleepy.py".to_string(), 5, "AL201".to_string()),
        ]
    );
    let finding = &json(&output)[0];
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("UTF-8"), "{message}");
    // The first invalid byte is the `\xe9`, 23 bytes in: line 2, character 12.
    assert!(message.contains("offset 23"), "{message}");
    assert_eq!(finding["column"], 12);
}

#[test]
fn text_names_the_undecodable_file_and_gives_help() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "latin1.py", b"name = 'caf\xe9'\n");
    let output = asynclint(dir.path(), &["check", "--no-color", "."]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(out.contains("UTF-8"), "{out}");
    assert!(out.contains("latin1.py"), "{out}");
    assert!(out.contains("save the file as UTF-8"), "{out}");
}

#[test]
fn utf8_bom_file_is_linted_with_columns_after_the_bom() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bom.py",
        "\u{feff}async def main(): import time; time.sleep(1)\n",
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "bom.py"]);
    assert_exit(&output, 1);
    let findings = json(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "AL201");
    assert_eq!(findings[0]["line"], 1);
    // `async def main(): import time; ` is 31 characters; the BOM is not a column.
    assert_eq!(findings[0]["column"], 32);
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

#[test]
fn discovery_skips_virtualenvs_caches_and_build_output() {
    let dir = TempDir::new().unwrap();
    for skipped in [
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        "target",
        ".git",
    ] {
        write(dir.path(), &format!("{skipped}/lib/mod.py"), SLEEPY);
        // Also one level down: the names are skipped at any depth.
        write(dir.path(), &format!("src/{skipped}/mod.py"), SLEEPY);
    }
    write(dir.path(), "src/app.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output)
            .lines()
            .map(|l| l.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        [native("src/app.py")]
    );
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 1 problem in 1 file (1 file scanned)"
    );
}

#[test]
fn discovery_honours_gitignore_without_a_git_repository() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), ".gitignore", "generated/\n*_pb2.py\n");
    write(dir.path(), "generated/client.py", SLEEPY);
    write(dir.path(), "api_pb2.py", SLEEPY);
    write(dir.path(), "app.py", SLEEPY);
    assert!(!dir.path().join(".git").exists());
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    assert_eq!(
        json_findings(&output),
        [("app.py".to_string(), 5, "AL201".to_string())]
    );
}

#[test]
fn discovery_lints_explicitly_named_files_in_ignored_directories() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), ".gitignore", "generated/\n");
    write(dir.path(), "generated/client.py", SLEEPY);
    write(dir.path(), ".venv/lib/mod.py", SLEEPY);
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "generated/client.py",
            ".venv/lib/mod.py",
        ],
    );
    assert_exit(&output, 1);
    let mut paths: Vec<String> = json_findings(&output).into_iter().map(|f| f.0).collect();
    paths.sort();
    assert_eq!(
        paths,
        [native(".venv/lib/mod.py"), native("generated/client.py")]
    );
}

#[test]
fn discovery_ignores_non_python_files() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "notes.txt", SLEEPY);
    write(dir.path(), "script.sh", SLEEPY);
    write(dir.path(), "stub.pyi", CLEAN);
    write(dir.path(), "app.py", CLEAN);
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 0);
    assert_eq!(
        stderr(&output).trim_end(),
        "Found 0 problems in 0 files (2 files scanned)"
    );
}

// ---------------------------------------------------------------------------------------
// Cross-module resolution
// ---------------------------------------------------------------------------------------

#[test]
fn unawaited_coroutine_imported_from_a_sibling_module_is_al101() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "pkg/__init__.py", "");
    write(
        dir.path(),
        "pkg/client.py",
        "async def fetch_user(user_id):\n    return {\"id\": user_id}\n",
    );
    write(
        dir.path(),
        "pkg/api.py",
        concat!(
            "from .client import fetch_user\n", // 1
            "\n",                               // 2
            "\n",                               // 3
            "def sync_handler():\n",            // 4
            "    fetch_user(1)\n",              // 5  AL101
            "\n",                               // 6
            "\n",                               // 7
            "async def async_handler():\n",     // 8
            "    fetch_user(1)\n",              // 9  AL101
            "    await fetch_user(1)\n",        // 10
            "    user = await fetch_user(2)\n", // 11
            "    return user\n",                // 12
        ),
    );
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let api = native("pkg/api.py");
    assert_eq!(
        json_findings(&output),
        [
            (api.clone(), 5, "AL101".to_string()),
            (api.clone(), 9, "AL101".to_string()),
        ]
    );
    let finding = &json(&output)[0];
    assert_eq!(finding["column"], 5);
    assert!(
        finding["message"].as_str().unwrap().contains("fetch_user"),
        "{finding:?}"
    );
}

// ---------------------------------------------------------------------------------------
// `asynclint rule`
// ---------------------------------------------------------------------------------------

#[test]
fn rule_by_code_prints_its_page() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "AL201"]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    assert!(out.starts_with("AL201 blocking-sleep ("), "{out}");
    assert!(
        out.contains("\nA thread-blocking sleep is called inside async code\n"),
        "{out}"
    );
    assert!(out.contains("\nWhy this matters\n"), "{out}");
    assert!(out.contains("\nHow to fix\n"), "{out}");
    assert!(out.contains("asyncio.sleep"), "{out}");
    assert_eq!(stderr(&output), "");
}

#[test]
fn rule_by_name_prints_the_same_page() {
    let dir = TempDir::new().unwrap();
    let by_code = asynclint(dir.path(), &["rule", "AL201"]);
    let by_name = asynclint(dir.path(), &["rule", "blocking-sleep"]);
    assert_exit(&by_name, 0);
    assert!(stdout(&by_name).starts_with("AL201 blocking-sleep"));
    assert_eq!(stdout(&by_name), stdout(&by_code));
}

#[test]
fn rule_unknown_exits_2() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "AL999"]);
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("unknown rule `AL999`"), "{err}");
    assert!(err.contains("asynclint rule --all"), "{err}");
}

#[test]
fn rule_all_lists_every_code() {
    let dir = TempDir::new().unwrap();
    let output = asynclint(dir.path(), &["rule", "--all"]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    let listed: Vec<(&str, &str)> = out
        .lines()
        .map(|line| {
            let mut words = line.split_whitespace();
            (words.next().unwrap(), words.next().unwrap())
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("AL000", "syntax-error"),
            ("AL001", "unused-suppression"),
            ("AL101", "unawaited-coroutine"),
            ("AL102", "dangling-task"),
            ("AL201", "blocking-sleep"),
            ("AL202", "blocking-call"),
            ("AL203", "sync-lock-in-async"),
            ("AL204", "nested-event-loop"),
            ("AL301", "unbounded-gather"),
            ("AL302", "busy-wait"),
            ("AL401", "swallowed-cancellation"),
            ("AL501", "deprecated-loop-api"),
        ]
    );
    assert!(
        out.contains("A thread-blocking sleep is called inside async code"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// --select / --ignore
// ---------------------------------------------------------------------------------------

#[test]
fn select_reports_only_the_selected_rule() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    let all = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(concise_codes(&all), ["AL201", "AL202", "AL101"]);
    let output = asynclint(
        dir.path(),
        &["check", "--format", "concise", "--select", "AL201", "."],
    );
    assert_exit(&output, 1);
    assert_eq!(concise_codes(&output), ["AL201"]);
}

#[test]
fn select_accepts_names_and_comma_separated_lists() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "blocking-sleep,AL101",
            ".",
        ],
    );
    assert_exit(&output, 1);
    assert_eq!(concise_codes(&output), ["AL201", "AL101"]);
}

#[test]
fn select_of_an_absent_rule_exits_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(
        dir.path(),
        &["check", "--format", "concise", "--select", "AL501", "."],
    );
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
}

#[test]
fn select_still_reports_syntax_errors() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.py",
        "async def broken(:\n    time.sleep(1)\n",
    );
    let output = asynclint(
        dir.path(),
        &["check", "--format", "concise", "--select", "AL201", "."],
    );
    assert_exit(&output, 1);
    assert_eq!(concise_codes(&output), ["AL000"]);
}

#[test]
fn ignore_by_name_drops_that_rule() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", MIXED);
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--ignore",
            "blocking-sleep",
            ".",
        ],
    );
    assert_exit(&output, 1);
    assert_eq!(concise_codes(&output), ["AL202", "AL101"]);
}

#[test]
fn ignoring_the_only_finding_exits_0() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    let output = asynclint(
        dir.path(),
        &["check", "--format", "concise", "--ignore", "AL201", "."],
    );
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
}

// ---------------------------------------------------------------------------------------
// Broken symbolic links
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn broken_symlink_in_a_directory_is_an_error_and_other_findings_are_printed() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "app.py", SLEEPY);
    std::os::unix::fs::symlink("missing.py", dir.path().join("dangling.py")).unwrap();
    let output = asynclint(dir.path(), &["check", "--format", "concise", "."]);
    assert_exit(&output, 2);
    assert_eq!(concise_codes(&output), ["AL201"]);
    let err = stderr(&output);
    assert!(
        err.lines()
            .any(|line| line.starts_with("error: ") && line.contains("dangling.py")),
        "{err}"
    );
    assert!(err.contains("Found 1 problem in 1 file"), "{err}");
}

#[cfg(unix)]
#[test]
fn broken_symlink_named_explicitly_is_an_error() {
    let dir = TempDir::new().unwrap();
    std::os::unix::fs::symlink("missing.py", dir.path().join("dangling.py")).unwrap();
    let output = asynclint(dir.path(), &["check", "--format", "json", "dangling.py"]);
    assert_exit(&output, 2);
    assert!(json(&output).is_empty());
    assert_eq!(
        stderr(&output).trim_end(),
        "error: dangling.py: broken symbolic link: its target does not exist"
    );
}

#[cfg(unix)]
#[test]

fn broken_symlink_in_a_directory_reads_like_an_explicit_one() {
    let dir = TempDir::new().unwrap();
    std::os::unix::fs::symlink("missing.py", dir.path().join("dangling.py")).unwrap();
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 2);
    assert_eq!(
        stderr(&output).trim_end(),
        "error: dangling.py: broken symbolic link: its target does not exist"
    );
}

// ---------------------------------------------------------------------------------------
// Rust files
// ---------------------------------------------------------------------------------------

const RUST_SLEEPY: &str = "use std::thread;\nuse std::time::Duration;\n\nasync fn tick() {\n    thread::sleep(Duration::from_secs(1));\n}\n\nfn sync_tick() {\n    thread::sleep(Duration::from_secs(1));\n}\n";

#[test]
fn rust_files_are_linted_next_to_python_files() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "svc/src/main.rs", RUST_SLEEPY);
    write(dir.path(), "svc/Cargo.toml", "[package]\nname = \"svc\"\n");
    write(dir.path(), "tool.py", SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let findings = json_findings(&output);
    assert!(
        findings.contains(&("svc/src/main.rs".to_string(), 5, "AL201".to_string())),
        "{findings:?}"
    );
    assert!(
        findings.iter().any(|(path, _, _)| path == "tool.py"),
        "{findings:?}"
    );
    // The same sleep in a sync function is fine.
    assert!(
        !findings.contains(&("svc/src/main.rs".to_string(), 9, "AL201".to_string())),
        "{findings:?}"
    );
}

#[test]
fn rust_target_directory_is_skipped() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "target/debug/build/out/gen.rs", RUST_SLEEPY);
    write(dir.path(), "src/lib.rs", "pub fn fine() {}\n");
    let output = asynclint(dir.path(), &["check", "."]);
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("(1 file scanned)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn rust_syntax_error_is_one_al000_with_its_position_and_other_files_go_on() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "bad.rs",
        "async fn ok() {}\n\nfn broken( {\n}\n",
    );
    write(dir.path(), "good.rs", RUST_SLEEPY);
    let output = asynclint(dir.path(), &["check", "--format", "json", "."]);
    assert_exit(&output, 1);
    let findings = json(&output);
    let bad: Vec<&Value> = findings.iter().filter(|f| f["path"] == "bad.rs").collect();
    assert_eq!(bad.len(), 1, "{findings:?}");
    assert_eq!(bad[0]["code"], "AL000");
    assert_eq!(bad[0]["line"], 3, "{:?}", bad[0]);
    assert!(bad[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("syntax error"));
    assert_eq!(
        json_findings(&output)[1..],
        [("good.rs".to_string(), 5, "AL201".to_string())]
    );
}

#[test]
fn rust_columns_count_characters_after_a_shebang() {
    let dir = TempDir::new().unwrap();
    let source = "#!/usr/bin/env run-cargo-script\nasync fn é() { let _s = \"żółw\"; std::thread::sleep(d); }\n";
    write(dir.path(), "script.rs", source);
    let output = asynclint(dir.path(), &["check", "--format", "json", "script.rs"]);
    assert_exit(&output, 1);
    let findings = json(&output);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["line"], 2);
    let column = source.lines().nth(1).unwrap().find("std::thread").unwrap();
    let chars_before = source.lines().nth(1).unwrap()[..column].chars().count();
    assert_eq!(findings[0]["column"], chars_before + 1, "{findings:?}");
}

#[test]
fn rust_rule_selection_applies() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "lib.rs", RUST_SLEEPY);
    let output = asynclint(
        dir.path(),
        &["check", "--ignore", "blocking-sleep", "lib.rs"],
    );
    assert_exit(&output, 0);
}

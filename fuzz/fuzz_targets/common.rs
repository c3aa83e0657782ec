//! What every lint target does with its input, as a run of `asynclint check` would do
//! it for one file. A panic anywhere (libFuzzer's hook aborts even on a panic the
//! engine would catch and report) or a failed assertion is a crash.

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use asynclint::diagnostic::{Diagnostic, Located};
use asynclint::discover::Language;
use asynclint::engine::{self, FileReport, RunReport};
use asynclint::output::{self, Format};
use asynclint::python::{self, ModuleName};
use asynclint::registry::Rule;
use asynclint::rust::{self as rust_front_end, FileLocation};
use asynclint::settings::Settings;
use asynclint::source::{decode, LineIndex};

/// Every rule on, AL001 included, so suppression comments are fully exercised.
fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let mut settings = Settings::default();
        settings.select(Rule::ALL);
        settings
    })
}

pub fn lint(language: Language, data: &[u8]) {
    let (source, diagnostics) = match decode(data.to_vec()) {
        Ok(source) => {
            summarize(language, &source);
            let diagnostics = engine::lint_text(language, &source, settings());
            (source, diagnostics)
        }
        // The engine reports an undecodable file as one AL000 at the first bad byte
        // of the text with bad bytes replaced (at 0 when there is no such text).
        Err(error) => {
            let at = if error.lossy.is_some() {
                error.offset
            } else {
                0
            };
            let diagnostic = Diagnostic::new(Rule::SyntaxError, at, at, error.message);
            (error.lossy.unwrap_or_default(), vec![diagnostic])
        }
    };
    let lines = LineIndex::new(&source);
    let located: Vec<Located> = diagnostics
        .into_iter()
        .map(|diagnostic| {
            assert!(
                diagnostic.start <= diagnostic.end && diagnostic.end <= source.len(),
                "{diagnostic:?} outside a {}-byte text",
                source.len()
            );
            assert!(
                !diagnostic.message.starts_with("internal error"),
                "{diagnostic:?}"
            );
            let located = Located::new(diagnostic, &lines, &source);
            for position in [located.start, located.end] {
                assert!(
                    (1..=lines.line_count()).contains(&position.line),
                    "{located:?}"
                );
                let line = lines.line_text(&source, position.line - 1);
                assert!(position.column <= line.chars().count() + 1, "{located:?}");
            }
            located
        })
        .collect();
    render(language, source, located);
}

/// The index pass, as the engine runs it before linting.
fn summarize(language: Language, source: &str) {
    engine::on_large_stack(|| match language {
        Language::Python => {
            let module = ModuleName {
                dotted: "fuzzed".to_string(),
                is_package: false,
            };
            drop(python::summarize(source, &module));
            scan_python(source, &module);
        }
        Language::Rust => drop(rust_front_end::summarize(source, &FileLocation::default())),
    });
}

/// The byte scans that run before any parse (outline, imports, where names are bound)
/// and the prefilter's verdict (with the text's own `async def` names as project
/// names): none may panic, and the outline must keep its string and comment ranges
/// inside the text, in order.
fn scan_python(source: &str, module: &ModuleName) {
    let (outline, owner_facts) = python::outline::outline_with_owners(source);
    let mut previous_end = 0;
    for &(start, end) in &outline.non_code {
        assert!(previous_end <= start && start < end && end <= source.len());
        previous_end = end;
    }
    let imports = python::scan::imports(source, module, Some(&outline));
    drop(python::scan::imports(source, module, None));
    let module_level = python::scan::Wanted {
        nested_reaches: false,
        ..python::scan::Wanted::ALL
    };
    drop(python::scan::imports_wanted(
        source,
        module,
        Some(&outline),
        module_level,
    ));
    let names: Vec<&str> = outline.coroutines.all().map(String::as_str).collect();
    let prefilter = asynclint::prefilter::Prefilter::new(names.iter().copied(), []);
    let rule_words =
        python::rule_words::RuleWords::new([&asynclint::catalog::python_blocking_calls()]);
    let method_classes: Box<[usize]> = (0..rule_words.method_classes().len()).collect();
    let prefilter = prefilter.with_rule_words(rule_words);
    let (calls, async_code) = match prefilter.verdict(Language::Python, source, true) {
        asynclint::prefilter::Verdict::LintIfReached(calls) => (calls, false),
        asynclint::prefilter::Verdict::AsyncCode(calls) => (calls, true),
        _ => (Vec::new(), false),
    };
    if !calls.is_empty() || async_code {
        let modules = vec![python::reach::IndexedModule {
            names: vec![module.dotted.as_str()],
            coroutines: outline.coroutines.clone(),
            plain_definitions: outline.plain_definitions.clone(),
            imports: imports.clone(),
            mentions_asyncio: source.contains("asyncio"),
            method_classes,
        }];
        let coroutine_names = names.iter().map(|name| name.to_string()).collect();
        let renames: Vec<(u32, u32)> = imports
            .renames()
            .map(|(original, alias)| python::method_owners::rename(original, alias))
            .collect();
        let leads = python::method_owners::outside_class_leads(&owner_facts, "Session", &renames);
        let owners = python::method_owners::MethodOwners::new(vec![owner_facts], renames, leads);
        let graph = python::reach::ReachGraph::new(
            modules,
            std::sync::Arc::new(coroutine_names),
            Default::default(),
        )
        .with_method_owners(owners);
        graph.may_reach_any(source, &imports, &calls);
        if async_code {
            for &class in &prefilter.rule_words_need(source).reached_classes {
                graph.class_may_reach(&imports, class);
            }
            graph.any_class_may_resolve(source, &["Session", "Lock"]);
        }
    }
    // The scan of where names are bound, for the names the text itself uses most.
    let heads = ["self", "f", "x", "open", "client"];
    for bindings in python::bindings::bindings(source, &outline.non_code, &heads).values() {
        for callee in &bindings.calls {
            assert!(!callee.is_empty());
        }
    }
}

/// Every output format, into nothing: the renderers must take any finding.
fn render(language: Language, source: String, diagnostics: Vec<Located>) {
    let path = match language {
        Language::Python => "fuzzed.py",
        Language::Rust => "fuzzed.rs",
    };
    let report = RunReport {
        files: vec![FileReport {
            path: PathBuf::from(path),
            source,
            diagnostics,
        }],
        files_scanned: 1,
        ..RunReport::default()
    };
    for format in [Format::Text, Format::Concise, Format::Json] {
        output::write(format, &report, false, &mut io::sink()).expect("writes to a sink");
        output::write_statistics(format, &report, &mut io::sink()).expect("writes to a sink");
    }
}

//! Every example of every rule page is linted: a `bad` example must produce its own
//! rule, a `good` example must produce nothing at all. The catalog cannot promise
//! what the linter does not do.

use asynclint::catalog;
use asynclint::discover::Language;
use asynclint::engine;
use asynclint::registry::Rule;
use asynclint::settings::Settings;

/// Every rule on, AL001 included: a good example must not even carry a needless
/// suppression comment.
fn all_rules() -> Settings {
    let mut settings = Settings::default();
    settings.select(Rule::ALL);
    settings
}

/// The rules an example triggers, through the same pipeline a file goes through
/// (suppression comments applied).
fn lint_python(source: &str) -> Vec<Rule> {
    engine::lint_text(Language::Python, source, &all_rules())
        .into_iter()
        .map(|diagnostic| diagnostic.rule)
        .collect()
}

fn lint_rust(source: &str) -> Vec<Rule> {
    engine::lint_text(Language::Rust, source, &all_rules())
        .into_iter()
        .map(|diagnostic| diagnostic.rule)
        .collect()
}

#[test]
fn python_examples_behave_as_their_pages_say() {
    examples_behave_as_their_pages_say("python", lint_python);
}

#[test]
fn rust_examples_behave_as_their_pages_say() {
    examples_behave_as_their_pages_say("rust", lint_rust);
}

fn examples_behave_as_their_pages_say(language: &str, lint: fn(&str) -> Vec<Rule>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in catalog::pages() {
        let rule = Rule::from_code_or_name(&page.code).expect("page code is a rule");
        for (number, example) in page.example.iter().enumerate() {
            if example.language != language {
                continue;
            }
            checked += 1;
            let bad = lint(&example.bad);
            if !bad.contains(&rule) {
                failures.push(format!(
                    "{} example {number}: bad code gives {bad:?}, not {}",
                    page.code, page.code
                ));
            }
            let good = lint(&example.good);
            if !good.is_empty() {
                failures.push(format!(
                    "{} example {number}: good code gives {good:?}",
                    page.code
                ));
            }
        }
    }
    let pages_in_language = catalog::pages()
        .iter()
        .filter(|page| page.languages.iter().any(|l| l == language))
        .count();
    assert!(
        checked >= pages_in_language,
        "only {checked} {language} examples for {pages_in_language} pages"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_page_documents_its_languages_with_examples() {
    for page in catalog::pages() {
        for language in &page.languages {
            if page.code == "AL000" {
                continue;
            }
            assert!(
                page.example.iter().any(|e| &e.language == language),
                "{} has no {language} example",
                page.code
            );
        }
    }
}

/// The README's rules table lists exactly the catalog's rules, with their names,
/// languages, severities and summaries.
#[test]
fn readme_rules_table_matches_the_catalog() {
    let readme = include_str!("../README.md");
    let rows: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("| AL"))
        .collect();
    let expected: Vec<String> = catalog::pages()
        .iter()
        .map(|page| {
            format!(
                "| {} | {} | {} | {} | {} |",
                page.code,
                page.name,
                page.languages.join(", "),
                page.severity.as_str(),
                page.summary
            )
        })
        .collect();
    assert_eq!(
        rows, expected,
        "README.md rules table differs from rules/*.toml"
    );
}

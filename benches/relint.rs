//! The editor path: re-linting one 5,000-line Python module after a change, with the
//! project index already built. The target is well under 20 ms.

use std::hint::black_box;

use asynclint::python::{self, index::ProjectIndex, ModuleName};
use asynclint::settings::Settings;
use criterion::{criterion_group, criterion_main, Criterion};

/// A module of about 5,000 lines in the style of an asyncio service: classes with
/// async methods awaiting each other and a helper module, sync helpers, and a few
/// mistakes for the rules to report.
fn service_module(lines: usize) -> String {
    let mut text =
        String::from("import asyncio\nimport time\nfrom shop.client import fetch, Client\n\n\n");
    let mut class = 0;
    while text.lines().count() < lines {
        class += 1;
        text.push_str(&format!(
            "class Worker{class}:\n    def __init__(self, client: Client) -> None:\n        self.client = client\n        self.items = []\n\n    async def load(self, key):\n        data = await fetch(key)\n        self.items.append(data)\n        return data\n\n    async def refresh(self, keys):\n        for key in keys:\n            await self.load(key)\n        results = await asyncio.gather(*(self.load(k) for k in keys[:10]))\n        if not results:\n            time.sleep(0.1)\n        return results\n\n    def size(self):\n        return len(self.items)\n\n\n"
        ));
    }
    text
}

fn project_index() -> ProjectIndex {
    let client = "async def fetch(key):\n    return key\n\n\nclass Client:\n    async def get(self, key):\n        return key\n";
    let module = ModuleName {
        dotted: "shop.client".to_string(),
        is_package: false,
    };
    let mut index = ProjectIndex::default();
    index.insert(python::summarize(client, &module).expect("the helper module parses"));
    index
}

fn relint_5000_lines(c: &mut Criterion) {
    let source = service_module(5_000);
    let module = ModuleName {
        dotted: "shop.workers".to_string(),
        is_package: false,
    };
    let index = project_index();
    let settings = Settings::default();
    let findings = python::lint(&source, &module, &index, &settings);
    assert!(
        !findings.is_empty(),
        "the benchmark module has findings to report"
    );
    c.bench_function("relint a 5,000-line Python module", |b| {
        b.iter(|| python::lint(black_box(&source), &module, &index, &settings))
    });
}

criterion_group!(benches, relint_5000_lines);
criterion_main!(benches);

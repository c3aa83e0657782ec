//! The byte prefilter must never change what is found: every fixture, linted with and
//! without it, gives byte-identical output; and the prefilter really does skip files.

mod common;

use std::path::Path;

use common::{assert_exit, asynclint, stdout, write};
use tempfile::TempDir;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

fn check(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "check",
        "--isolated",
        "--format",
        "json",
        "--report-unused-suppressions",
    ];
    args.extend_from_slice(extra);
    args.push(".");
    stdout(&asynclint(dir, &args))
}

#[test]
fn fixtures_give_the_same_findings_with_and_without_the_prefilter() {
    let filtered = check(fixtures(), &[]);
    let unfiltered = check(fixtures(), &["--no-prefilter"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&filtered).unwrap();
    assert!(findings.len() > 100, "the fixtures have many findings");
    assert_eq!(filtered, unfiltered);
}

#[test]
fn a_coroutine_called_from_a_file_without_any_async_word_is_still_found() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "lib.py", "async def fetch():\n    return 1\n");
    write(
        dir.path(),
        "use.py",
        "from lib import fetch as get\n\n\ndef main():\n    get()\n    ok = get()\n    if get():\n        pass\n",
    );
    write(
        dir.path(),
        "passes_it_on.py",
        "from lib import fetch\n\n\ndef main(run):\n    return run(fetch())\n",
    );
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let output = asynclint(
            dir.path(),
            &[
                &["check", "--isolated", "--format", "concise"][..],
                extra,
                &["."],
            ]
            .concat(),
        );
        assert_exit(&output, 1);
        let lines: Vec<String> = stdout(&output)
            .lines()
            .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            lines,
            [
                "use.py:5:5: AL101",
                "use.py:6:10: AL101",
                "use.py:7:8: AL101"
            ],
            "with {extra:?}"
        );
    }
}

#[test]
fn a_file_that_cannot_have_findings_is_not_parsed() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "broken.py", "import os\n\ndef broken(:\n");
    let output = asynclint(dir.path(), &["check", "--isolated", "."]);
    assert_exit(&output, 0);
    let output = asynclint(dir.path(), &["check", "--isolated", "--no-prefilter", "."]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL000"), "{}", stdout(&output));
}

#[test]
fn async_code_that_no_rule_can_flag_is_not_parsed() {
    let dir = TempDir::new().unwrap();
    // Async code, but no word any rule needs and no call of a project coroutine.
    write(
        dir.path(),
        "quiet.py",
        "async def handler(request):\n    return await request.json()\n\ndef broken(:\n",
    );
    // `get` is a blocking method of `requests.Session`, but nothing this file
    // imports leads to `requests`.
    write(
        dir.path(),
        "unrelated_get.py",
        "import json\n\nasync def f(d):\n    return d.get('k')\n\ndef broken(:\n",
    );
    let output = asynclint(dir.path(), &["check", "--isolated", "."]);
    assert_exit(&output, 0);
    let output = asynclint(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--format",
            "concise",
            "--no-prefilter",
            ".",
        ],
    );
    assert_exit(&output, 1);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("quiet.py:4:") && lines[0].contains("AL000"));
    assert!(lines[1].starts_with("unrelated_get.py:6:") && lines[1].contains("AL000"));
}

#[test]
fn async_code_is_parsed_for_each_kind_of_rule_word() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "lib.py", "async def fetch():\n    return 1\n");
    // Each file is async code whose only finding needs the word named in its name.
    write(
        dir.path(),
        "standalone.py",
        "import time\n\nasync def f():\n    time.sleep(1)\n",
    );
    write(
        dir.path(),
        "module_function.py",
        "from subprocess import run as sh\n\nasync def f():\n    sh(['ls'])\n",
    );
    write(
        dir.path(),
        "builtin.py",
        "async def f(path):\n    return open(path).read()\n",
    );
    write(
        dir.path(),
        "sync_with.py",
        "import threading\n\nlock = threading.Lock()\n\nasync def f():\n    with lock:\n        await g()\n\nasync def g():\n    pass\n",
    );
    write(
        dir.path(),
        "own_coroutine.py",
        "async def g():\n    pass\n\nasync def f():\n    g()\n",
    );
    write(
        dir.path(),
        "project_coroutine.py",
        "from lib import fetch\n\nasync def f():\n    fetch()\n",
    );
    // A base class elsewhere keeps a `requests.Session`: the method is followed
    // through the import graph to the module that imports `requests`.
    write(
        dir.path(),
        "base.py",
        "import requests\n\nclass Base:\n    session: requests.Session\n\n    async def close(self):\n        pass\n",
    );
    write(
        dir.path(),
        "reached_package.py",
        "from base import Base\n\nclass Api(Base):\n    async def f(self, url):\n        self.session.get(url)\n",
    );
    assert_found_both_ways(
        dir.path(),
        &[
            "builtin.py:2:12: AL202",
            "module_function.py:4:5: AL202",
            "own_coroutine.py:5:5: AL101",
            "project_coroutine.py:4:5: AL101",
            "reached_package.py:5:9: AL202",
            "standalone.py:4:5: AL201",
            "sync_with.py:6:10: AL203",
        ],
    );
}

/// Lints `dir` with the concise format, with and without the prefilter, and checks
/// both give `expected` (`path:line:column: CODE` per finding).
fn assert_found_both_ways(dir: &Path, expected: &[&str]) {
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let output = asynclint(
            dir,
            &[
                &["check", "--isolated", "--format", "concise"][..],
                extra,
                &["."],
            ]
            .concat(),
        );
        let lines: Vec<String> = stdout(&output)
            .lines()
            .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(lines, expected, "with {extra:?}");
    }
}

#[test]
fn coroutines_reached_through_packages_re_exports_and_base_classes_are_found() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "shop/__init__.py",
        "from .client import fetch, Client\n",
    );
    write(
        dir.path(),
        "shop/client.py",
        "async def fetch():\n    return 1\n\n\nclass Client:\n    async def close(self):\n        pass\n",
    );
    write(
        dir.path(),
        "shop/models.py",
        "from .client import Client\n\n\nclass Store(Client):\n    async def open(self):\n        pass\n",
    );
    // None of these files has an async word: only the import graph lets them in,
    // each by another path.
    write(dir.path(), "bare.py", "from shop import fetch\n\nfetch()\n");
    write(
        dir.path(),
        "dotted.py",
        "import shop.client\n\nshop.client.fetch()\n",
    );
    write(
        dir.path(),
        "method.py",
        "from shop.models import Store\n\n\ndef main(store: Store):\n    store.close()\n",
    );
    // A module-level import shadowed by a local value in a function.
    write(
        dir.path(),
        "shadowed.py",
        "import json\nfrom shop.models import Store\n\n\ndef main():\n    json = Store()\n    json.close()\n",
    );
    // Local values made by an imported class.
    write(
        dir.path(),
        "assigned.py",
        "from shop.models import Store


def main():
    store = Store()
    store.close()
",
    );
    write(
        dir.path(),
        "with_item.py",
        "import shop.models


def main():
    with shop.models.Store() as store:
        store.close()
",
    );
    assert_found_both_ways(
        dir.path(),
        &[
            "assigned.py:6:5: AL101",
            "bare.py:3:1: AL101",
            "dotted.py:3:1: AL101",
            "method.py:5:5: AL101",
            "shadowed.py:7:5: AL101",
            "with_item.py:6:9: AL101",
        ],
    );
}

#[test]
fn a_call_whose_imports_cannot_reach_a_coroutine_of_that_name_is_not_parsed() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "lib.py",
        "async def main():\n    pass\n\n\nclass Queue:\n    async def join(self):\n        pass\n",
    );
    write(dir.path(), "tools.py", "def helper():\n    pass\n");
    // `main` and `join` are coroutine names of the project, but nothing this file
    // imports leads to them; its syntax error shows whether it was parsed.
    write(
        dir.path(),
        "script.py",
        "import os\nimport tools\n\nos.path.join('a', 'b')\ntools.main()\n\ndef broken(:\n",
    );
    let output = asynclint(dir.path(), &["check", "--isolated", "."]);
    assert_exit(&output, 0);
    let output = asynclint(dir.path(), &["check", "--isolated", "--no-prefilter", "."]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL000"), "{}", stdout(&output));
}

#[test]
fn a_method_call_on_a_value_made_outside_the_project_is_not_parsed() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "lib.py",
        "class Queue:\n    async def join(self):\n        pass\n",
    );
    // `lib` leads to `async def join`, but `f` is made by a builtin and `t` is a
    // loop variable: neither can be a `Queue`. The syntax error shows whether the
    // file was parsed.
    write(
        dir.path(),
        "script.py",
        "import lib\n\nf = open('x')\nf.join()\nfor t in lib.items():\n    t.join()\n\ndef broken(:\n",
    );
    let output = asynclint(dir.path(), &["check", "--isolated", "."]);
    assert_exit(&output, 0);
    let output = asynclint(dir.path(), &["check", "--isolated", "--no-prefilter", "."]);
    assert_exit(&output, 1);
    assert!(stdout(&output).contains("AL000"), "{}", stdout(&output));
}

#[test]
fn a_function_its_module_defines_sync_is_not_followed_into_the_modules_imports() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "hub/__init__.py", "from .core import Hub\n");
    write(
        dir.path(),
        "hub/core.py",
        "class Hub:\n    async def async_get(self):\n        pass\n\n\n\
         async def async_remove():\n    pass\n",
    );
    // `registry.async_get` is sync, and `hub` (the package `registry` is imported
    // from) reaches a coroutine method of that name; `registry.async_remove` is
    // core's coroutine function, re-exported.
    write(
        dir.path(),
        "hub/registry.py",
        "from hub.core import Hub, async_remove\n\n\n\
         def async_get(hass):\n    return Hub()\n\n\n\
         async def load():\n    pass\n",
    );
    write(
        dir.path(),
        "sync_caller.py",
        "from hub import registry as er\n\nreg = er.async_get(None)\n\ndef broken(:\n",
    );
    assert_skipped_then_remove(dir.path(), &["sync_caller.py"]);
    write(
        dir.path(),
        "remover.py",
        "from hub import registry as er\n\ner.async_remove()\n",
    );
    assert_found_both_ways(dir.path(), &["remover.py:3:1: AL101"]);
}

#[test]
fn a_class_whose_base_is_a_renamed_owner_hands_out_its_coroutine_methods() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "views.py",
        "class View:\n    async def get(self):\n        pass\n",
    );
    write(
        dir.path(),
        "other.py",
        "from views import View as V\n\n\nclass X(V):\n    async def other(self):\n        pass\n",
    );
    // `app.py` writes neither `View` nor `V`, only `X`, whose base is `V`.
    write(
        dir.path(),
        "app.py",
        "from other import X\n\n\ndef f():\n    x = X()\n    x.get()\n",
    );
    assert_found_both_ways(dir.path(), &["app.py:6:5: AL101"]);
}

#[test]
fn a_sync_with_is_parsed_only_where_a_thread_lock_can_be_taken() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "base.py",
        "import threading\n\n\nclass Base:\n    def __init__(self):\n        self._lock = threading.Lock()\n\n    async def close(self):\n        pass\n",
    );
    write(
        dir.path(),
        "app.py",
        "from base import Base\n\n\nclass Api(Base):\n    async def f(self):\n        with self._lock:\n            await self.close()\n",
    );
    // Nothing `plain.py` imports leads to `threading`; `unowned.py` reaches `base`
    // but writes no name that can hand out a lock.
    let body = "\n\nasync def f(lock):\n    with lock:\n        await g()\n\n\nasync def g():\n    pass\n\ndef broken(:\n";
    write(dir.path(), "plain.py", format!("import json{body}"));
    write(dir.path(), "unowned.py", format!("import base{body}"));
    // `entity.py` imports `threading`, but its semaphore is asyncio's.
    write(
        dir.path(),
        "entity.py",
        "import asyncio\nimport threading\n\n\nclass Entity:\n    sem: asyncio.Semaphore\n\n    async def close(self):\n        pass\n",
    );
    write(
        dir.path(),
        "light.py",
        "from entity import Entity\n\n\nclass Light(Entity):\n    async def f(self):\n        with self.sem:\n            await self.close()\n\ndef broken(:\n",
    );
    assert_skipped_then_remove(dir.path(), &["plain.py", "unowned.py", "light.py"]);
    assert_found_both_ways(dir.path(), &["app.py:6:14: AL203"]);
}

/// Checks that none of `files` (each ending in a syntax error) is parsed, then
/// removes them, so that the rest of `dir` can be linted for its findings.
fn assert_skipped_then_remove(dir: &Path, files: &[&str]) {
    for file in files {
        assert!(!is_parsed(dir, file), "{file} was parsed");
    }
    for file in files {
        std::fs::remove_file(dir.join(file)).unwrap();
    }
}

/// Whether `file` of `dir` is parsed: it ends in a syntax error, which only a parse
/// reports. The error is reported without the prefilter either way.
fn is_parsed(dir: &Path, file: &str) -> bool {
    let concise = ["check", "--isolated", "--format", "concise"];
    let unfiltered = stdout(&asynclint(
        dir,
        &[&concise[..], &["--no-prefilter", "."]].concat(),
    ));
    assert!(
        unfiltered
            .lines()
            .any(|line| line.starts_with(file) && line.contains("AL000")),
        "{file} must end in a syntax error: {unfiltered}"
    );
    let filtered = stdout(&asynclint(dir, &[&concise[..], &["."]].concat()));
    filtered
        .lines()
        .any(|line| line.starts_with(file) && line.contains("AL000"))
}

#[test]
fn imports_inside_functions_lead_other_modules_on_only_as_written() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "lib.py",
        "async def fetch():\n    return 1\n\n\nclass Client:\n    async def fetch(self):\n        pass\n",
    );
    // All are indexed (they have an `async def`). A summary qualifies names through
    // module-level imports only, `if` blocks included, and keeps other dotted names
    // as written: `lib.Client` after an `import lib` in a body is still `lib.Client`.
    let indexed = "async def helper():\n    pass\n\n";
    write(
        dir.path(),
        "lazy.py",
        format!(
            "{indexed}def load():\n    from lib import fetch\n    import lib as l\n    return fetch, l\n\nclass Loader:\n    from lib import fetch\n"
        ),
    );
    write(
        dir.path(),
        "lazy_plain.py",
        format!("{indexed}def load():\n    import lib\n    return lib.fetch\n"),
    );
    write(
        dir.path(),
        "guarded.py",
        format!("{indexed}if True:\n    from lib import fetch\n"),
    );
    // `x` may be a `Client` (the file names it), whose `fetch` is a coroutine: only
    // the import graph can rule the call out.
    let broken = "\n\ndef main(x):  # a Client\n    x.fetch()\n\ndef broken(:\n";
    for module in ["lazy", "lazy_plain", "guarded"] {
        write(
            dir.path(),
            &format!("via_{module}.py"),
            format!("import {module}{broken}"),
        );
    }
    assert!(!is_parsed(dir.path(), "via_lazy.py"));
    assert!(is_parsed(dir.path(), "via_lazy_plain.py"));
    assert!(is_parsed(dir.path(), "via_guarded.py"));
}

#[test]
fn a_blocking_method_is_followed_only_to_modules_that_name_its_class() {
    let dir = TempDir::new().unwrap();
    // Imports `requests` but never names `Session`: nothing it hands out can be one.
    write(
        dir.path(),
        "plain.py",
        "import requests\n\nasync def ping():\n    requests.head('http://x')\n",
    );
    write(
        dir.path(),
        "named.py",
        "import requests\n\nclass Base:\n    session: requests.Session\n\n    async def close(self):\n        pass\n",
    );
    let broken = "\n\nclass Sub(named.Base):\n    async def f(self, url):\n        self.session.get(url)\n\ndef broken(:\n";
    write(
        dir.path(),
        "via_plain.py",
        format!("import plain, named{broken}"),
    );
    write(dir.path(), "via_named.py", format!("import named{broken}"));
    // `plain` alone leads to no module that can hand out a `Session`.
    let plain = broken.replace("named.Base", "object");
    write(dir.path(), "only_plain.py", format!("import plain{plain}"));
    assert!(is_parsed(dir.path(), "via_plain.py"));
    assert!(is_parsed(dir.path(), "via_named.py"));
    assert!(!is_parsed(dir.path(), "only_plain.py"));
}

#[test]
fn a_blocking_method_of_a_value_needs_a_name_that_can_hand_out_its_class() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "named.py",
        "import requests\n\nclass Base:\n    session: requests.Session\n\n    async def close(self):\n        pass\n",
    );
    write(
        dir.path(),
        "holder.py",
        "import named\n\nclass Holder:\n    base: named.Base\n\n    async def close(self):\n        pass\n",
    );
    // A class of the project named `Session`: what names it is no owner of
    // `requests.Session`.
    write(
        dir.path(),
        "store.py",
        "import holder\n\nclass Session:\n    async def close(self):\n        pass\n\n\
         class Repo:\n    session: Session\n",
    );
    // Each reaches `named` through its imports; only the first writes a name that
    // can hand out a `requests.Session` (`Holder`, which holds a `Base`).
    write(
        dir.path(),
        "app.py",
        "from holder import Holder\n\n\nasync def f(h: Holder, url):\n    h.base.session.get(url)\n",
    );
    let broken = "\n\ndef broken(:\n";
    write(
        dir.path(),
        "untyped.py",
        format!("import holder\n\n\nasync def f(client, url):\n    client.get(url){broken}"),
    );
    write(
        dir.path(),
        "repo.py",
        format!("from store import Repo\n\n\nasync def f(r: Repo, url):\n    r.session.get(url){broken}"),
    );
    assert_skipped_then_remove(dir.path(), &["untyped.py", "repo.py"]);
    assert_found_both_ways(dir.path(), &["app.py:5:5: AL202"]);
}

#[test]
fn a_blocking_method_inside_its_own_package_is_found() {
    let dir = TempDir::new().unwrap();
    // Relative imports qualify `Session` as `requests.sessions.Session` without the
    // module writing `requests`.
    write(dir.path(), "requests/__init__.py", "");
    write(
        dir.path(),
        "requests/sessions.py",
        "class Session:\n    def get(self, url):\n        pass\n",
    );
    write(
        dir.path(),
        "requests/client.py",
        "from .sessions import Session\n\nasync def f(url):\n    s = Session()\n    s.get(url)\n",
    );
    assert_found_both_ways(dir.path(), &["requests/client.py:5:5: AL202"]);
}

#[test]
fn a_parameter_is_followed_through_the_class_its_annotation_names() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "lib.py",
        "class Client:\n    async def get(self):\n        pass\n",
    );
    write(
        dir.path(),
        "typed.py",
        "from lib import Client\n\nasync def f(a, c: 'Client'):\n    c.get()\n",
    );
    // `lib` leads to an `async def get`, but `d` is a `dict`.
    write(
        dir.path(),
        "builtin_typed.py",
        "import lib\n\nasync def f(a, d: dict[str, int]):\n    d.get('k')\n\ndef broken(:\n",
    );
    assert_skipped_then_remove(dir.path(), &["builtin_typed.py"]);
    assert_found_both_ways(dir.path(), &["typed.py:4:5: AL101"]);
}

#[test]
fn a_method_of_a_value_is_followed_through_every_name_that_can_hand_the_value_out() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "lib/views.py",
        r#"class View:
    async def get(self):
        pass


class SubView(View):
    pass


class Holder:
    def __init__(self, view: "View"):
        self.view = view


class Annotated:
    made: View


class Maker:
    def __init__(self):
        self.inner = Holder(View())


class Declared:
    def __init__(self):
        self.view: View


def make_view() -> SubView:
    return SubView()


class Factory:
    def build(self) -> View:
        return View()
"#,
    );
    write(
        dir.path(),
        "lib/__init__.py",
        "from .views import View as Page, Annotated, Declared, Holder, make_view, Factory, Maker\n",
    );
    // Each file reaches `View.get` by another way: a base class, an attribute typed
    // by a parameter's annotation, by a call or by its own annotation in a method, a
    // class-level annotation, a function's
    // or a method's return type, a renaming import. None has an async word.
    let callers = [
        (
            "inherited.py",
            "from lib.views import SubView",
            "v: SubView",
            "v.get()",
        ),
        (
            "attribute.py",
            "from lib import Holder",
            "h: Holder",
            "h.view.get()",
        ),
        (
            "nested.py",
            "from lib import Maker",
            "m: Maker",
            "m.inner.view.get()",
        ),
        (
            "declared.py",
            "from lib import Declared",
            "d: Declared",
            "d.view.get()",
        ),
        (
            "class_level.py",
            "from lib import Annotated",
            "a: Annotated",
            "a.made.get()",
        ),
        (
            "returned.py",
            "from lib import make_view",
            "",
            "make_view().get()",
        ),
        (
            "method.py",
            "from lib import Factory",
            "f: Factory",
            "f.build().get()",
        ),
        ("renamed.py", "from lib import Page", "p: Page", "p.get()"),
    ];
    for (file, import, parameter, call) in callers {
        write(
            dir.path(),
            file,
            format!("{import}\n\n\ndef main({parameter}):\n    {call}\n"),
        );
    }
    // `lib` leads to `async def get`, but this file writes none of the names that
    // can hand out a `View`: its `d` cannot be one.
    write(
        dir.path(),
        "unrelated.py",
        "import lib\n\n\ndef main(d):\n    d.get()\n\ndef broken(:\n",
    );
    assert_skipped_then_remove(dir.path(), &["unrelated.py"]);
    let mut expected: Vec<String> = callers
        .iter()
        .map(|(file, ..)| format!("{file}:5:5: AL101"))
        .collect();
    expected.sort();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_found_both_ways(dir.path(), &expected);
}

//! The single walk over a file. It keeps the scopes, the async context and the
//! per-item loops in step with the tree (pushed and popped here, nowhere else) and
//! hands each statement, call and block to the rules that care about it.

use rustc_hash::FxHashSet as HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use super::index::{CrateIndex, FileSummary, FnSummary};
use super::location::FileLocation;
use super::macros::{self, MacroBody};
use super::paths;
use super::rules;
use super::scope::{Local, Scopes};
use super::ParsedFile;
use crate::diagnostic::{Diagnostic, Fix};
use crate::registry::Rule;
use crate::settings::Settings;

/// A function-like body: `fn`, closure or `async` block.
#[derive(Debug)]
struct Frame {
    is_async: bool,
    /// Whether this frame is a function or closure body (true) or an `async` block
    /// that shares its function's bindings (false).
    is_function: bool,
    /// Handles on which `.abort()` was called: awaiting them afterwards and ignoring
    /// the `JoinError` is the canceller's idiom.
    aborted: HashSet<String>,
}

/// A loop that runs its body once per item of a collection: a `for` loop, or the
/// closure of `.map(..)` / `.for_each(..)` on an iterator.
#[derive(Clone, Copy, Debug)]
pub struct ItemLoop {
    /// The collection can be large (a name, a field, a call result, a big range).
    pub unbounded: bool,
    /// The body takes a semaphore permit or waits for earlier tasks (`join_next`).
    pub limited: bool,
    /// The frame depth the loop body runs at.
    depth: usize,
}

pub struct Checker<'a> {
    parsed: &'a ParsedFile,
    pub source: &'a str,
    pub location: &'a FileLocation,
    local: &'a FileSummary,
    index: &'a CrateIndex,
    pub settings: &'a Settings,
    pub scopes: Scopes,
    frames: Vec<Frame>,
    loops: Vec<ItemLoop>,
    /// Non-zero while inside a chain that limits its concurrency
    /// (`.buffer_unordered(n)`, `.buffered(n)`), or inside a collection already
    /// reported, so per-item work there is not reported again.
    limited_chains: usize,
    /// How many macro bodies enclose the code being walked.
    macro_depth: usize,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(
        parsed: &'a ParsedFile,
        source: &'a str,
        location: &'a FileLocation,
        local: &'a FileSummary,
        index: &'a CrateIndex,
        settings: &'a Settings,
    ) -> Self {
        let scopes = Scopes::for_module(&location.module);
        Checker {
            parsed,
            source,
            location,
            local,
            index,
            settings,
            scopes,
            frames: Vec::new(),
            loops: Vec::new(),
            limited_chains: 0,
            macro_depth: 0,
            diagnostics: Vec::new(),
        }
    }

    pub fn check_file(&mut self, file: &syn::File) {
        self.scopes.push_module(None, &file.items);
        for item in &file.items {
            self.visit_item(item);
        }
        self.scopes.pop_module(false);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.is_enabled(rule)
    }

    /// The byte range of a node in the source.
    pub fn range(&self, node: &impl Spanned) -> (usize, usize) {
        self.parsed.range(node.span())
    }

    /// The source text of a node, for messages (shortened when long).
    pub fn text(&self, node: &impl Spanned) -> String {
        let (start, end) = self.range(node);
        let text = self.source.get(start..end).unwrap_or("");
        let first_line = text.lines().next().unwrap_or("");
        if first_line.len() < text.len() || first_line.chars().count() > 60 {
            let short: String = first_line.chars().take(50).collect();
            format!("{}…", short.trim_end())
        } else {
            text.to_string()
        }
    }

    pub fn report(&mut self, rule: Rule, span: Span, message: String, help: String) {
        self.report_with_fix(rule, span, message, help, None);
    }

    /// Reports a finding with the rewrite that resolves it, where one is safe.
    pub fn report_with_fix(
        &mut self,
        rule: Rule,
        span: Span,
        message: String,
        help: String,
        fix: Option<Fix>,
    ) {
        if self.enabled(rule) {
            let (start, end) = self.parsed.range(span);
            self.diagnostics.push(
                Diagnostic::new(rule, start, end, message)
                    .with_help(help)
                    .with_fix(fix),
            );
        }
    }

    /// Is the code being walked run by the async executor (inside an `async fn`,
    /// `async` block or `async` closure, and not a nested sync `fn` or closure)?
    pub fn in_async(&self) -> bool {
        self.frames.last().is_some_and(|frame| frame.is_async)
    }

    /// Was `.abort()` called on this handle earlier in the enclosing function?
    pub fn was_aborted(&self, name: &str) -> bool {
        for frame in self.frames.iter().rev() {
            if frame.aborted.contains(name) {
                return true;
            }
            if frame.is_function {
                break;
            }
        }
        false
    }

    /// The innermost per-item loops of the current frame: is this point run once per
    /// item of an unbounded collection with nothing limiting it?
    pub fn in_unbounded_item_loop(&self) -> bool {
        if self.limited_chains > 0 {
            return false;
        }
        let depth = self.frames.len();
        let current: Vec<&ItemLoop> = self.loops.iter().filter(|l| l.depth == depth).collect();
        current.iter().any(|l| l.unbounded) && !current.iter().any(|l| l.limited)
    }

    /// Runs `visit` with per-item work there not reported by AL301 (it is bounded,
    /// or its collection was already reported).
    pub fn with_limited_chain(&mut self, visit: impl FnOnce(&mut Self)) {
        self.limited_chains += 1;
        visit(self);
        self.limited_chains -= 1;
    }

    /// Resolves a path to its canonical form (see [`Scopes::resolve`]).
    pub fn resolve(&self, path: &syn::Path) -> Option<String> {
        self.scopes.resolve(path)
    }

    /// The canonical callee of a call with a plain path.
    pub fn callee(&self, call: &syn::ExprCall) -> Option<String> {
        paths::call_path(call).and_then(|path| self.resolve(path))
    }

    /// The crate function a canonical path names (`crate::net::fetch`,
    /// `crate::net::Client::connect`), from this file or the crate index.
    pub fn crate_function(&self, canonical: &str) -> Option<&'a FnSummary> {
        let mut segments: Vec<&str> = canonical.split("::").collect();
        let crate_key = match segments.first() {
            Some(&"crate") => &self.location.crate_key,
            Some(first) => match &self.location.library {
                Some((library, key)) if library == first => key,
                // `Client::connect` with `Client` an item of this module resolves to a
                // `crate::` path; a bare `Type::method` is a type of this crate.
                _ if segments.len() == 2 && paths::is_type_name(first) => {
                    segments.insert(0, "crate");
                    &self.location.crate_key
                }
                _ => return None,
            },
            None => return None,
        };
        // `crate` (or `self` / `super` resolving to it) alone names no function.
        let (name, parents) = match segments.split_last() {
            Some((name, [_crate, parents @ ..])) => (*name, parents),
            _ => return None,
        };
        let owner = parents.last().filter(|p| paths::is_type_name(p));
        let matches = |function: &&FnSummary| match owner {
            Some(owner) => function.owner.as_deref() == Some(*owner),
            None => function.owner.is_none() && function.module.iter().eq(parents.iter()),
        };
        let local = (crate_key == &self.location.crate_key)
            .then(|| self.local.functions.iter().filter(|f| f.name == name))
            .into_iter()
            .flatten();
        agreeing(
            local
                .chain(self.index.named(crate_key, name))
                .filter(matches),
        )
    }

    /// The crate method a method call refers to, when the receiver's type is known
    /// (`self`, or a local whose type is visible).
    pub fn crate_method(&self, call: &syn::ExprMethodCall) -> Option<&'a FnSummary> {
        let owner = match paths::peel(&call.receiver) {
            Expr::Path(path) if path.path.is_ident("self") => self.scopes.impl_type()?.to_string(),
            receiver => {
                let name = paths::variable_name(receiver)?;
                self.scopes.local(&name)?.ty.clone()?
            }
        };
        let owner = paths::last_segment(&owner);
        let key = &self.location.crate_key;
        let method = call.method.to_string();
        let candidates = self
            .local
            .functions
            .iter()
            .filter(|f| f.name == method)
            .chain(self.index.named(key, &method))
            .filter(|f| f.owner.as_deref() == Some(owner));
        agreeing(candidates)
    }

    /// Records what `.abort()` was called on.
    fn note_abort(&mut self, call: &syn::ExprMethodCall) {
        if call.method == "abort" {
            if let Some(name) = paths::variable_name(&call.receiver) {
                if let Some(frame) = self.frames.last_mut() {
                    frame.aborted.insert(name);
                }
            }
        }
    }

    fn with_frame(&mut self, is_async: bool, is_function: bool, visit: impl FnOnce(&mut Self)) {
        self.frames.push(Frame {
            is_async,
            is_function,
            aborted: HashSet::default(),
        });
        visit(self);
        self.frames.pop();
    }

    /// Runs `visit` as the body of a per-item loop.
    pub fn with_item_loop(
        &mut self,
        unbounded: bool,
        limited: bool,
        closure_body: bool,
        visit: impl FnOnce(&mut Self),
    ) {
        let depth = self.frames.len() + usize::from(closure_body);
        self.loops.push(ItemLoop {
            unbounded,
            limited,
            depth,
        });
        visit(self);
        self.loops.pop();
    }

    fn bind_params<'p>(&mut self, inputs: impl Iterator<Item = &'p syn::Pat>) {
        for pat in inputs {
            self.bind_pattern(pat, None);
        }
    }

    /// Binds the names of a pattern, with what the initializer tells about them.
    pub fn bind_pattern(&mut self, pat: &syn::Pat, init: Option<&Expr>) {
        match pat {
            syn::Pat::Ident(ident) => {
                let local = init
                    .map(|init| rules::describe_value(self, init))
                    .unwrap_or_default();
                self.bind_local(ident.ident.to_string(), local);
            }
            syn::Pat::Type(typed) => self.bind_typed(&typed.pat, &typed.ty, init),
            syn::Pat::Tuple(tuple) => {
                let types = init
                    .map(|init| rules::tuple_types(self, init))
                    .unwrap_or_default();
                for (position, element) in tuple.elems.iter().enumerate() {
                    self.bind_pattern(element, None);
                    if let (syn::Pat::Ident(ident), Some(Some(ty))) = (element, types.get(position))
                    {
                        if let Some(local) = self.scopes.local_mut(&ident.ident.to_string()) {
                            local.ty = Some(ty.clone());
                        }
                    }
                }
            }
            other => {
                let mut names = Vec::new();
                pattern_names(other, &mut names);
                for name in names {
                    self.bind_local(name, Local::default());
                }
            }
        }
    }

    fn bind_local(&mut self, name: String, mut local: Local) {
        local.loop_depth = self.loops.len();
        self.scopes.bind(name, local);
    }

    /// How many per-item loops enclose the current point.
    pub fn loop_depth(&self) -> usize {
        self.loops.len()
    }

    /// Binds `pat: ty`, keeping the annotated type when it is a path.
    fn bind_typed(&mut self, pat: &syn::Pat, ty: &syn::Type, init: Option<&Expr>) {
        self.bind_pattern(pat, init);
        if let (syn::Pat::Ident(ident), Some(ty)) = (pat, self.type_path(ty)) {
            if let Some(local) = self.scopes.local_mut(&ident.ident.to_string()) {
                local.ty = Some(ty);
            }
        }
    }

    /// The canonical path of a type, through references: `&mut Receiver<Job>` →
    /// `std::sync::mpsc::Receiver`.
    pub fn type_path(&self, ty: &syn::Type) -> Option<String> {
        match ty {
            syn::Type::Path(path) if path.qself.is_none() => self.resolve(&path.path),
            syn::Type::Reference(reference) => self.type_path(&reference.elem),
            syn::Type::Paren(inner) => self.type_path(&inner.elem),
            _ => None,
        }
    }

    fn visit_fn(&mut self, sig: &syn::Signature, block: &syn::Block) {
        self.with_frame(sig.asyncness.is_some(), true, |checker| {
            checker.scopes.push_block(&[]);
            for input in &sig.inputs {
                if let syn::FnArg::Typed(typed) = input {
                    // Typed parameters keep their type (`rx: Receiver<Job>`).
                    checker.bind_typed(&typed.pat, &typed.ty, None);
                }
            }
            checker.visit_block(block);
            checker.scopes.pop_block();
        });
    }

    fn visit_macro_body(&mut self, mac: &syn::Macro) {
        if self.macro_depth >= macros::MAX_NESTING {
            return;
        }
        self.macro_depth += 1;
        match macros::parse(mac) {
            MacroBody::Exprs(exprs) => {
                for expr in &exprs {
                    self.visit_expr(expr);
                }
            }
            MacroBody::Stmts(stmts) => self.visit_stmts(&stmts),
            MacroBody::AsyncStmts(stmts) => {
                self.with_frame(true, false, |checker| checker.visit_stmts(&stmts))
            }
            MacroBody::Opaque => {}
        }
        self.macro_depth -= 1;
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        self.scopes.push_block(stmts);
        rules::check_block(self, stmts);
        for stmt in stmts {
            self.visit_stmt(stmt);
        }
        self.scopes.pop_block();
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let Some((_, items)) = &item.content else {
            return;
        };
        self.scopes
            .push_module(Some(&item.ident.to_string()), items);
        // A module's items do not run inside the enclosing function.
        self.with_frame(false, true, |checker| {
            for item in items {
                checker.visit_item(item);
            }
        });
        self.scopes.pop_module(true);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.visit_fn(&item.sig, &item.block);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.visit_fn(&item.sig, &item.block);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.visit_fn(&item.sig, block);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        self.scopes.push_impl(&item.self_ty);
        for impl_item in &item.items {
            self.visit_impl_item(impl_item);
        }
        self.scopes.pop_impl();
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.with_frame(false, true, |checker| {
            visit::visit_item_const(checker, item)
        });
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.with_frame(false, true, |checker| {
            visit::visit_item_static(checker, item)
        });
    }

    fn visit_expr_async(&mut self, block: &'ast syn::ExprAsync) {
        self.with_frame(true, false, |checker| checker.visit_block(&block.block));
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.with_frame(closure.asyncness.is_some(), true, |checker| {
            checker.scopes.push_block(&[]);
            checker.bind_params(closure.inputs.iter());
            checker.visit_expr(&closure.body);
            checker.scopes.pop_block();
        });
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.visit_stmts(&block.stmts);
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        rules::check_stmt(self, stmt);
        match stmt {
            Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    self.visit_expr(&init.expr);
                    if let Some((_, diverge)) = &init.diverge {
                        self.visit_expr(diverge);
                    }
                }
                self.bind_pattern(&local.pat, local.init.as_ref().map(|init| &*init.expr));
            }
            other => visit::visit_stmt(self, other),
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if rules::check_call(self, call) {
            self.with_limited_chain(|checker| visit::visit_expr_call(checker, call));
        } else {
            visit::visit_expr_call(self, call);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        rules::check_method_call(self, call);
        self.note_abort(call);
        rules::visit_method_call(self, call);
    }

    fn visit_expr_for_loop(&mut self, for_loop: &'ast syn::ExprForLoop) {
        self.visit_expr(&for_loop.expr);
        let unbounded = rules::is_unbounded_collection(self, &for_loop.expr);
        let limited = rules::limits_itself(&for_loop.body);
        self.with_item_loop(unbounded, limited, false, |checker| {
            checker.scopes.push_block(&[]);
            checker.bind_pattern(&for_loop.pat, None);
            rules::describe_loop_variable(checker, &for_loop.pat, &for_loop.expr);
            checker.visit_block(&for_loop.body);
            checker.scopes.pop_block();
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_macro_body(mac);
    }

    fn visit_item_macro(&mut self, _: &'ast syn::ItemMacro) {
        // `macro_rules!` definitions and item-producing macros are not run code.
    }
}

/// The first candidate, if every candidate agrees on whether it returns a future:
/// two definitions of one name (impls of same-named types in different modules)
/// that disagree leave the call too unsure to report.
fn agreeing<'f>(mut candidates: impl Iterator<Item = &'f FnSummary>) -> Option<&'f FnSummary> {
    let first = candidates.next()?;
    candidates
        .all(|other| other.returns_future == first.returns_future)
        .then_some(first)
}

/// Every name a pattern binds.
pub fn pattern_names(pat: &syn::Pat, names: &mut Vec<String>) {
    struct Names<'n>(&'n mut Vec<String>);
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_pat_ident(&mut self, ident: &'ast syn::PatIdent) {
            self.0.push(ident.ident.to_string());
            visit::visit_pat_ident(self, ident);
        }
    }
    Names(names).visit_pat(pat);
}
